/* call.c — internal calls (call.h): a request built in its own arena, served
 * by the edge (nb_edge_serve: routing, decoding, authorization, handler), its
 * reply handed to a callback instead of a connection. */
#include "core/call.h"
#include "core/edge.h"
#include "core/log.h"
#include "core/util.h"
#include <stdio.h>
#include <string.h>

struct nb_call_state {
    const char *service;
    const char *access_key;   /* NULL: none (root when as_root) */
    int as_root;
    nb_call_done_fn done;
    void *arg;
    unsigned depth;           /* 1 for a call made outside any call */
};

const char *nb_call_access_key(const nb_req_t *req)
{
    return req->call ? req->call->access_key : NULL;
}

int nb_call_as_root(const nb_req_t *req)
{
    return req->call && req->call->as_root && !req->call->access_key;
}

const char *nb_call_service(const nb_req_t *req)
{
    return req->call ? req->call->service : NULL;
}

void nb_call_reply(nb_req_t *req, int status, const nb_kv_t *headers, size_t n_headers, const void *body,
                   size_t len)
{
    struct nb_call_state *cs = req->call;
    nb_call_reply_t r = {status, headers, n_headers, body ? body : "", body ? len : 0, req->id};
    cs->done(cs->arg, &r);
    nb_arena_free(req->arena);
}

static char *lower(nb_arena_t *a, const char *s)
{
    char *l = nb_arena_strdup(a, s);
    for (char *p = l; *p; p++)
        if (*p >= 'A' && *p <= 'Z') *p = (char)(*p + 32);
    return l;
}

void nb_call(nb_ctx_t *ctx, const nb_call_t *c, nb_call_done_fn done, void *arg)
{
    unsigned depth = c->cause && c->cause->call ? c->cause->call->depth + 1 : 1;
    if (depth > NB_CALL_MAX_DEPTH) {
        static const char body[] = "{\"__type\":\"InternalFailure\",\"message\":\"Internal calls nested too deep\"}";
        nb_kv_t h = {"Content-Type", "application/json", 16};
        nb_call_reply_t r = {500, &h, 1, body, sizeof body - 1, ""};
        nb_log_warn("call", "%s call nested %u deep: refused", c->service ? c->service : "-", depth);
        done(arg, &r);
        return;
    }
    nb_arena_t *a = nb_arena_new(4096);
    nb_req_t *r = nb_arena_calloc(a, sizeof *r);
    struct nb_call_state *cs = nb_arena_calloc(a, sizeof *cs);
    cs->service = nb_arena_strdup(a, c->service ? c->service : "");
    cs->access_key = c->access_key ? nb_arena_strdup(a, c->access_key) : NULL;
    cs->as_root = c->as_root;
    cs->done = done;
    cs->arg = arg;
    cs->depth = depth;
    r->arena = a;
    r->ctx = ctx;
    r->call = cs;
    r->method = nb_arena_strdup(a, c->method ? c->method : "POST");
    const char *t = c->target && *c->target ? c->target : "/";
    const char *q = strchr(t, '?');
    size_t pl = q ? (size_t)(q - t) : strlen(t);
    r->raw_target = nb_arena_strdup(a, t);
    r->raw_path = nb_arena_strndup(a, t, pl);
    r->path = nb_url_decode_arena(a, t, pl, 0);
    if (!r->path) r->path = r->raw_path;   /* a bad escape: routed as sent, as the listener would refuse it */
    r->query = q ? nb_arena_strdup(a, q + 1) : "";
    r->headers = nb_arena_alloc(a, sizeof *r->headers * (c->n_headers ? c->n_headers : 1));
    const char **as_sent = nb_arena_alloc(a, sizeof *as_sent * (c->n_headers ? c->n_headers : 1));
    for (size_t i = 0; i < c->n_headers; i++) {
        as_sent[i] = nb_arena_strdup(a, c->headers[i].name);
        r->headers[i].name = lower(a, c->headers[i].name);
        r->headers[i].value_len = c->headers[i].value_len ? c->headers[i].value_len : strlen(c->headers[i].value);
        r->headers[i].value = nb_arena_strndup(a, c->headers[i].value, r->headers[i].value_len);
    }
    r->n_headers = c->n_headers;
    r->raw_names = as_sent;
    r->body = c->body_len ? nb_arena_strndup(a, c->body, c->body_len) : "";
    r->body_len = c->body_len;
    const char *host = nb_req_header(r, "host");
    r->host = host ? lower(a, nb_arena_strndup(a, host, strcspn(host, ":"))) : "";
    snprintf(r->remote_addr, sizeof r->remote_addr, "%s", c->source_ip ? c->source_ip : "");
    r->secure = 1;   /* never on a wire: aws:SecureTransport holds, as for AWS's own service-to-service calls */
    nb_uuid4(r->id);
    r->start_us = nb_now_us();
    nb_edge_serve(r);
}
