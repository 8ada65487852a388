/* fuzz_http.c — the HTTP request assembler (src/core/http_parse.c) on arbitrary bytes.
 * The first input byte picks how the rest is sliced into feeds (as reads would
 * split it) and the limits; then every complete request is checked for the
 * assembler's promises. Run: make build/fuzz/fuzz_http && build/fuzz/fuzz_http fuzz/corpus/http */
#include "core/http_parse.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const nb_hmsg_t *m, size_t max_body)
{
    if (!m->method || !m->target || !m->body) abort();
    if (strlen(m->target) != m->target_len) abort();
    if (m->body[m->body_len] != 0 || m->body_len > max_body) abort();
    if (m->body_dropped && (m->body_len || m->body_dropped > 2 * max_body)) abort();
    for (size_t i = 0; i < m->n_headers; i++) {
        const nb_kv_t *h = &m->headers[i];
        if (strlen(h->value) != h->value_len) abort();
        if (!h->name[0] || !nb_hp_is_token(h->name, strlen(h->name))) abort();
        for (const char *p = h->name; *p; p++)
            if (*p >= 'A' && *p <= 'Z') abort();
        for (size_t k = 0; k < h->value_len; k++) {   /* llhttp's promise: no controls but HT */
            unsigned char c = (unsigned char)h->value[k];
            if ((c < 0x20 && c != '\t') || c == 0x7f) abort();
        }
        if (h->value_len && (h->value[0] == ' ' || h->value[h->value_len - 1] == ' ')) abort();
    }
}

static size_t raised;   /* this input's raised limit */

static size_t raised_limit(const nb_hmsg_t *m)
{
    return m->target_len >= 2 && m->target[0] == '/' && m->target[1] == 'b' ? raised : 0;
}

/* The server's next step: path, query and host for the nb_req_t. */
static void check_target(nb_hmsg_t *m, nb_buf_t *scratch)
{
    nb_req_t r;
    memset(&r, 0, sizeof r);
    r.arena = m->arena;
    r.headers = m->headers;
    r.n_headers = m->n_headers;
    if (nb_hp_req_target(&r, m, scratch) < 0) return;
    if (!r.raw_path || !r.path || !r.query || !r.host) abort();
    if (strlen(r.raw_path) > m->target_len || strlen(r.path) > strlen(r.raw_path)) abort();
    if (strchr(r.raw_path, '?')) abort();
    for (const char *p = r.host; *p; p++)
        if (*p >= 'A' && *p <= 'Z') abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nb_buf_t scratch = NB_BUF_INIT;
    if (size < 1) { nb_buf_free(&scratch); return 0; }
    unsigned mode = data[0];
    data++;
    size--;
    size_t step = (mode & 7) ? (size_t)1 << ((mode & 7) - 1) : size;   /* 1..64 or all */
    size_t max_head = (mode & 8) ? 64 : 8192;
    size_t max_body = (mode & 16) ? 16 : 65536;
    nb_hp_t p;
    nb_hp_init(&p, max_head, max_body);
    if (mode & 32) {   /* the edge's hook: targets starting "/b" may carry 4x, drained beyond */
        raised = 4 * max_body;
        nb_hp_set_body_limit(&p, raised_limit);
        max_body = raised;
    }
    size_t off = 0;
    while (off < size) {
        size_t n = size - off < step ? size - off : step;
        size_t used;
        int r = nb_hp_feed(&p, (const char *)data + off, n, &used);
        if (used > n) abort();
        off += used;
        if (r == NB_HP_MESSAGE) {
            nb_hmsg_t *m = nb_hp_take(&p);
            if (!m) abort();
            check(m, max_body);
            check_target(m, &scratch);
            nb_arena_free(m->arena);
        } else if (r == NB_HP_ERROR) {
            int st = nb_hp_error_status(&p);
            if (st != 400 && st != 413 && st != 431) abort();
            break;
        } else if (used != n) {
            abort();
        }
        (void)nb_hp_take_continue(&p);
    }
    nb_hp_free(&p);
    nb_buf_free(&scratch);
    return 0;
}
