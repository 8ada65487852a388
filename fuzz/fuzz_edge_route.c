/* fuzz_edge_route.c — protocol/service/operation detection on arbitrary requests.
 * Input: "METHOD TARGET\nname: value\n...\n\nBODY" (any bytes). Run: make build/fuzz/fuzz_edge_route */
#include "core/edge.h"
#include "core/reply.h"
#include "core/util.h"
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static nb_config_t cfg = {.region = "us-east-1", .account = "000000000000"};
static nb_ctx_t ctx = {.cfg = &cfg};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nb_arena_t *a = nb_arena_new(4096);
    char *s = nb_arena_strndup(a, (const char *)data, size);
    nb_req_t *r = nb_arena_calloc(a, sizeof *r);
    r->arena = a;
    r->ctx = &ctx;
    nb_uuid4(r->id);
    char *body = strstr(s, "\n\n");
    if (body) { *body = 0; body += 2; } else body = "";
    r->body = body;
    r->body_len = strlen(body);
    char *line = strtok(s, "\n");
    char *sp = line ? strchr(line, ' ') : NULL;
    r->method = "GET";
    r->raw_target = "/";
    if (sp) {
        *sp = 0;
        r->method = line;
        r->raw_target = sp + 1;
    }
    char *q = strchr(r->raw_target, '?');
    r->raw_path = q ? nb_arena_strndup(a, r->raw_target, (size_t)(q - r->raw_target)) : r->raw_target;
    r->path = r->raw_path;
    r->query = q ? q + 1 : "";
    r->headers = nb_arena_alloc(a, sizeof *r->headers * 32);
    char *h;
    while (r->n_headers < 32 && (h = strtok(NULL, "\n"))) {
        char *c = strchr(h, ':');
        if (!c) continue;
        *c = 0;
        for (char *p = h; *p; p++) if (*p >= 'A' && *p <= 'Z') *p = (char)(*p + 32);
        r->headers[r->n_headers].name = h;
        r->headers[r->n_headers].value = c + 1 + (c[1] == ' ');
        r->headers[r->n_headers].value_len = strlen(r->headers[r->n_headers].value);
        r->n_headers++;
    }
    const char *msg = "";
    nb_err_t e = nb_edge_route(r, &msg);
    if (e != NB_OK) {
        int status;
        const char *ct;
        nb_buf_t b = NB_BUF_INIT;
        nb_render_error(r, e, msg, NULL, &status, &ct, &b);
        nb_buf_free(&b);
    } else {
        (void)nb_edge_resource_arn(r);
    }
    if (r->json) json_decref(r->json);
    nb_arena_free(a);
    return 0;
}
