/* resp_fast.c — the common shape of a payload 2.0 function answer mapped
 * without building a JSON tree:
 *
 *   {"statusCode": 200, "headers": {"name": "value", ...}, "body": "...",
 *    "isBase64Encoded": false}
 *
 * (any order, each key at most once, "statusCode" required). jansson spends
 * ~15 µs on a 1.5 KB answer — a tenth of the gateway's CPU per request in
 * the GET /users/{id} benchmark — mostly reading the escaped body character
 * by character through its stream layer.
 *
 * Invariant: this is only a shortcut. For an input it accepts (returns 0) the
 * result is exactly what apigw__response_v2_json() gives; anything outside
 * the shape above — other keys, a "\u" escape, a byte outside printable
 * ASCII, a status that is not a plain 3-digit integer, a header value that is
 * not a string, "isBase64Encoded": true, null, trailing bytes — returns
 * APIGW_RESP_SLOW and the caller takes jansson's path, which also gives the
 * errors. fuzz/fuzz_apigw_response.c checks the two agree. Reads nothing
 * beyond payload[len). */
#include "apigw/event.h"
#include <string.h>
#include <strings.h>

typedef struct rd {
    const char *p, *end;
    nb_arena_t *a;
} rd_t;

static void ws(rd_t *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r')) r->p++;
}

static int eat(rd_t *r, char c)
{
    ws(r);
    if (r->p >= r->end || *r->p != c) return -1;
    r->p++;
    return 0;
}

/* A string of printable ASCII with the short escapes, decoded into the arena
 * (NUL-terminated). 0, or -1 for anything else. */
static int str(rd_t *r, char **out, size_t *len)
{
    if (eat(r, '"') != 0) return -1;
    const char *s = r->p;
    size_t n = 0;
    int esc = 0;
    for (;; s++) {
        if (s >= r->end) return -1;
        unsigned char c = (unsigned char)*s;
        if (c == '"') break;
        if (c < 0x20 || c > 0x7e) return -1;
        if (c == '\\') {
            if (++s >= r->end || !strchr("\"\\/bfnrt", *s) || !*s) return -1;
            esc = 1;
        }
        n++;
    }
    char *d = nb_arena_alloc(r->a, n + 1);
    if (!esc) {
        memcpy(d, r->p, n);
    } else {
        size_t k = 0;
        for (const char *q = r->p; q < s; q++) {
            if (*q != '\\') { d[k++] = *q; continue; }
            switch (*++q) {
            case 'b': d[k++] = '\b'; break;
            case 'f': d[k++] = '\f'; break;
            case 'n': d[k++] = '\n'; break;
            case 'r': d[k++] = '\r'; break;
            case 't': d[k++] = '\t'; break;
            default:  d[k++] = *q; break;     /* " \ / */
            }
        }
    }
    d[n] = 0;
    *out = d;
    *len = n;
    r->p = s + 1;
    return 0;
}

/* 100..599 written as three digits, followed by a delimiter. */
static int status(rd_t *r, int *out)
{
    ws(r);
    if (r->end - r->p < 4) return -1;
    const char *s = r->p;
    if (s[0] < '1' || s[0] > '5' || s[1] < '0' || s[1] > '9' || s[2] < '0' || s[2] > '9') return -1;
    if (strchr(" \t\r\n,}", s[3]) == NULL || !s[3]) return -1;
    *out = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
    r->p += 3;
    return 0;
}

static int word(rd_t *r, const char *w)
{
    ws(r);
    size_t n = strlen(w);
    if ((size_t)(r->end - r->p) < n || memcmp(r->p, w, n) != 0) return -1;
    r->p += n;
    return 0;
}

/* {"name": "value", ...} appended to h (arena array grown by doubling). */
static int headers(rd_t *r, nb_kv_t **h, size_t *n, size_t *cap)
{
    if (eat(r, '{') != 0) return -1;
    ws(r);
    if (r->p < r->end && *r->p == '}') { r->p++; return 0; }
    for (;;) {
        char *k, *v;
        size_t kl, vl;
        if (str(r, &k, &kl) != 0 || eat(r, ':') != 0 || str(r, &v, &vl) != 0) return -1;
        /* a repeated name: jansson keeps the last value in the first one's place */
        for (size_t i = 0; i < *n; i++)
            if (strcmp((*h)[i].name, k) == 0) return -1;
        if (*n == *cap) {
            size_t nc = *cap ? *cap * 2 : 8;
            nb_kv_t *nv = nb_arena_alloc(r->a, sizeof *nv * nc);
            if (*n) memcpy(nv, *h, sizeof *nv * *n);
            *h = nv;
            *cap = nc;
        }
        (*h)[*n].name = k;
        (*h)[*n].value = v;
        (*h)[*n].value_len = vl;
        (*n)++;
        ws(r);
        if (r->p < r->end && *r->p == ',') { r->p++; continue; }
        return eat(r, '}');
    }
}

int apigw__response_v2_fast(nb_arena_t *a, const char *payload, size_t len, apigw_http_out_t *out)
{
    memset(out, 0, sizeof *out);
    rd_t r = {payload, payload + len, a};
    enum { K_STATUS = 1, K_HEADERS = 2, K_BODY = 4, K_B64 = 8 };
    unsigned seen = 0;
    nb_kv_t *h = NULL;
    size_t n = 0, cap = 0;
    char *body = NULL;
    size_t body_len = 0;
    if (eat(&r, '{') != 0) return APIGW_RESP_SLOW;
    ws(&r);
    if (r.p < r.end && *r.p == '}') return APIGW_RESP_SLOW;   /* {} → the body itself */
    for (;;) {
        char *k;
        size_t kl;
        if (str(&r, &k, &kl) != 0 || eat(&r, ':') != 0) return APIGW_RESP_SLOW;
        unsigned key = !strcmp(k, "statusCode") ? K_STATUS : !strcmp(k, "headers") ? K_HEADERS
                     : !strcmp(k, "body") ? K_BODY : !strcmp(k, "isBase64Encoded") ? K_B64 : 0;
        if (!key || (seen & key)) return APIGW_RESP_SLOW;
        seen |= key;
        int rc = key == K_STATUS ? status(&r, &out->status)
               : key == K_HEADERS ? headers(&r, &h, &n, &cap)
               : key == K_BODY ? str(&r, &body, &body_len)
               : word(&r, "false");
        if (rc != 0) return APIGW_RESP_SLOW;
        ws(&r);
        if (r.p < r.end && *r.p == ',') { r.p++; continue; }
        if (eat(&r, '}') != 0) return APIGW_RESP_SLOW;
        break;
    }
    ws(&r);
    if (r.p != r.end || !(seen & K_STATUS)) return APIGW_RESP_SLOW;
    int has_type = 0;
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(h[i].name, "content-type") == 0) has_type = 1;
    if (!has_type) {
        if (n == cap) {
            nb_kv_t *nv = nb_arena_alloc(a, sizeof *nv * (cap + 1));
            if (n) memcpy(nv, h, sizeof *nv * n);
            h = nv;
        }
        h[n].name = "Content-Type";
        h[n].value = "application/json";
        h[n].value_len = 16;
        n++;
    }
    out->headers = h;
    out->n_headers = n;
    out->body = body ? body : nb_arena_strndup(a, "", 0);
    out->body_len = body_len;
    return 0;
}
