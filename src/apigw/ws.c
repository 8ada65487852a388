/* ws.c — the WebSocket frame codec, handshake key and route selection (see
 * ws.h). Pure functions: no I/O, no state. */
#include "apigw/ws.h"
#include <stdint.h>
#include "core/util.h"
#include <jansson.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <string.h>

long apigw__ws_parse(unsigned char *buf, size_t n, size_t max_payload, apigw_ws_frame_t *f)
{
    if (n < 2) return APIGW_WS_INCOMPLETE;
    int fin = buf[0] >> 7, rsv = (buf[0] >> 4) & 7, op = buf[0] & 15;
    int masked = buf[1] >> 7;
    uint64_t len = buf[1] & 127;
    size_t pos = 2;
    if (rsv) return APIGW_WS_BAD;
    if (op != APIGW_WS_CONT && op != APIGW_WS_TEXT && op != APIGW_WS_BINARY && op != APIGW_WS_CLOSE &&
        op != APIGW_WS_PING && op != APIGW_WS_PONG)
        return APIGW_WS_BAD;
    if (!masked) return APIGW_WS_BAD;   /* clients must mask */
    if (len == 126) {
        if (n < 4) return APIGW_WS_INCOMPLETE;
        len = ((uint64_t)buf[2] << 8) | buf[3];
        if (len < 126) return APIGW_WS_BAD;
        pos = 4;
    } else if (len == 127) {
        if (n < 10) return APIGW_WS_INCOMPLETE;
        len = 0;
        for (int i = 0; i < 8; i++) len = (len << 8) | buf[2 + i];
        if (len >> 63 || len < 65536) return APIGW_WS_BAD;
        pos = 10;
    }
    if (op >= 8 && (!fin || len > 125)) return APIGW_WS_BAD;
    if (len > max_payload) return APIGW_WS_TOO_BIG;
    if (n < pos + 4) return APIGW_WS_INCOMPLETE;
    unsigned char mask[4];
    memcpy(mask, buf + pos, 4);
    pos += 4;
    if (n - pos < len) return APIGW_WS_INCOMPLETE;
    for (size_t i = 0; i < len; i++) buf[pos + i] ^= mask[i & 3];
    f->fin = fin;
    f->opcode = op;
    f->payload = buf + pos;
    f->len = (size_t)len;
    return (long)(pos + len);
}

void apigw__ws_frame(nb_buf_t *out, int opcode, const void *data, size_t len)
{
    unsigned char h[10];
    size_t hl;
    h[0] = (unsigned char)(0x80 | (opcode & 15));
    if (len < 126) {
        h[1] = (unsigned char)len;
        hl = 2;
    } else if (len < 65536) {
        h[1] = 126;
        h[2] = (unsigned char)(len >> 8);
        h[3] = (unsigned char)len;
        hl = 4;
    } else {
        h[1] = 127;
        for (int i = 0; i < 8; i++) h[2 + i] = (unsigned char)((uint64_t)len >> (56 - 8 * i));
        hl = 10;
    }
    nb_buf_append(out, h, hl);
    if (len) nb_buf_append(out, data, len);
}

void apigw__ws_close_frame(nb_buf_t *out, unsigned code, const char *reason)
{
    unsigned char p[125];
    size_t rl = reason ? strlen(reason) : 0;
    if (rl > 123) rl = 123;
    p[0] = (unsigned char)(code >> 8);
    p[1] = (unsigned char)code;
    if (rl) memcpy(p + 2, reason, rl);
    apigw__ws_frame(out, APIGW_WS_CLOSE, p, rl + 2);
}

void apigw__ws_accept_key(const char *key, char out[32])
{
    static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    char cat[256];
    int n = snprintf(cat, sizeof cat, "%s%s", key, guid);
    unsigned char dig[SHA_DIGEST_LENGTH];
    SHA1((const unsigned char *)cat, n > 0 && (size_t)n < sizeof cat ? (size_t)n : 0, dig);
    nb_buf_t b = NB_BUF_INIT;
    nb_base64_encode(&b, dig, sizeof dig);
    snprintf(out, 32, "%s", b.data ? b.data : "");
    nb_buf_free(&b);
}

/* The value at path ("a.b", "items[0].kind") in doc, stringified as a route key
 * (arena): strings as they are, numbers and booleans as JSON writes them; NULL
 * for a missing member, null, objects and arrays. */
static const char *body_value(nb_arena_t *a, json_t *doc, const char *path, size_t plen)
{
    json_t *cur = doc;
    size_t i = 0;
    while (cur && i < plen) {
        if (path[i] == '[') {   /* an array index */
            size_t k = 0, j = i + 1;
            if (j >= plen || path[j] < '0' || path[j] > '9') return NULL;
            while (j < plen && path[j] >= '0' && path[j] <= '9' && k < 1000000) k = k * 10 + (size_t)(path[j++] - '0');
            if (j >= plen || path[j] != ']') return NULL;
            cur = json_array_get(cur, k);
            i = j + 1;
            if (i < plen && path[i] == '.') i++;
            continue;
        }
        size_t n = 0;
        while (i + n < plen && path[i + n] != '.' && path[i + n] != '[') n++;
        if (!n) return NULL;
        cur = json_object_getn(cur, path + i, n);
        i += n;
        if (i < plen && path[i] == '.') i++;
    }
    if (json_is_string(cur)) return nb_arena_strndup(a, json_string_value(cur), json_string_length(cur));
    if (json_is_integer(cur)) return nb_arena_printf(a, "%lld", (long long)json_integer_value(cur));
    if (json_is_real(cur)) {
        char *t = json_dumps(cur, JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
        const char *r = t ? nb_arena_strdup(a, t) : NULL;
        free(t);
        return r;
    }
    if (json_is_boolean(cur)) return json_is_true(cur) ? "true" : "false";
    return NULL;
}

/* A path character of an unbraced variable ("$request.body.a.b[0]"). */
static int path_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == '[' || c == ']';
}

const char *apigw__ws_eval_selection(nb_arena_t *a, const char *expr, apigw_ws_var_fn var, void *arg)
{
    if (!expr) return NULL;
    int ok = 1;
    nb_buf_t out = NB_BUF_INIT;
    for (const char *p = expr; *p && ok;) {
        if (p[0] == '\\' && p[1] == '$') {   /* "\$default": a literal dollar */
            nb_buf_putc(&out, '$');
            p += 2;
            continue;
        }
        if (*p != '$') {
            nb_buf_putc(&out, *p++);
            continue;
        }
        const char *name, *next;
        size_t n = 0;
        if (p[1] == '{') {
            const char *close = strchr(p + 2, '}');
            if (!close) { ok = 0; break; }
            name = p + 2;
            n = (size_t)(close - name);
            next = close + 1;
        } else {
            name = p + 1;
            while (path_char(name[n])) n++;
            while (n && name[n - 1] == '.') n--;   /* "$request.body.a." ends at a */
            next = name + n;
        }
        const char *v = n ? var(a, name, n, arg) : NULL;
        if (!v) { ok = 0; break; }
        nb_buf_puts(&out, v);
        p = next;
    }
    const char *r = ok ? nb_arena_strndup(a, out.data ? out.data : "", out.len) : NULL;
    nb_buf_free(&out);
    return r;
}

/* The message a route selection reads, parsed on first use. */
typedef struct msg_src {
    const char *body;
    size_t len;
    json_t *doc;
    int parsed;
} msg_src_t;

/* request.body.{path} of the message; only the body can select. */
static const char *msg_var(nb_arena_t *a, const char *name, size_t n, void *arg)
{
    static const char var[] = "request.body.";
    const size_t vl = sizeof var - 1;
    msg_src_t *m = arg;
    if (n <= vl || strncmp(name, var, vl) != 0) return NULL;
    if (!m->parsed) {
        m->doc = json_loadb(m->body, m->len, JSON_DECODE_ANY, NULL);
        m->parsed = 1;
    }
    return body_value(a, m->doc, name + vl, n - vl);
}

const char *apigw__ws_select_route(nb_arena_t *a, const char *expr, const char *body, size_t len)
{
    msg_src_t m = {body, len, NULL, 0};
    const char *r = apigw__ws_eval_selection(a, expr, msg_var, &m);
    json_decref(m.doc);
    return r;
}
