/* http_parse.c — the request assembler (see http_parse.h): llhttp callbacks
 * collect one request's head into a reusable scratch buffer and its body into
 * the request's arena; nothing here knows about sockets. Also the split of a
 * request-target into path/query and the Host header's name (nb_hp_req_target).
 *
 * Invariants: p->msg is non-NULL from headers-complete until the message is
 * taken (or the assembler freed); the parser is paused exactly when a message
 * completed (on_message_complete returns HPE_PAUSED; after an Upgrade/CONNECT
 * request llhttp pauses once more, HPE_PAUSED_UPGRADE, which the next feed
 * resumes as HTTP: the server stops feeding a connection it switches), so one
 * feed call never runs past the end of a request; once error_status is set the
 * assembler refuses all input. llhttp has no head-size limit: nb_hp_feed hands
 * it at most the head's remaining budget, and the callbacks count chunk
 * extensions and trailers. */
#include "core/http_parse.h"
#include "core/alloc.h"
#include "core/util.h"
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

/* Bodies up to this size are allocated in the arena as soon as Content-Length
 * is known; larger ones start in p->body and move to a full-size arena block
 * once this much has arrived (a client declaring a huge length and sending
 * nothing must not pin that much memory). */
#define DIRECT_BODY_MAX (1u << 20)
/* Scratch buffers above this are released after each message. */
#define SCRATCH_KEEP (64u << 10)

static nb_hp_t *hp_of(llhttp_t *hp) { return (nb_hp_t *)hp->data; }

static int fail(nb_hp_t *p, int status)
{
    if (!p->error_status) p->error_status = status;
    return -1;
}

static int on_message_begin(llhttp_t *hp)
{
    nb_hp_t *p = hp_of(hp);
    p->state = NB_HP_HEAD;
    p->head.len = 0;
    p->url_len = 0;
    p->n_hdrs = 0;
    p->last_was_value = -1;       /* no header piece seen yet */
    p->body.len = 0;
    p->body_direct = NULL;
    p->body_len = 0;
    p->declared_len = 0;
    p->dropping = 0;
    return 0;
}

static int on_url(llhttp_t *hp, const char *at, size_t len)
{
    nb_hp_t *p = hp_of(hp);
    nb_buf_append(&p->head, at, len);
    p->url_len += len;
    return 0;
}

/* RFC 9110 token characters: llhttp (loose mode, as Node builds it) lets a
 * space into a header name ("X Y: v"); names must be tokens here. */
static const unsigned char tchar[256] = {
    ['!'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['&'] = 1, ['\''] = 1, ['*'] = 1, ['+'] = 1,
    ['-'] = 1, ['.'] = 1, ['^'] = 1, ['_'] = 1, ['`'] = 1, ['|'] = 1, ['~'] = 1,
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
    ['8'] = 1, ['9'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
    ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1,
    ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
    ['Y'] = 1, ['Z'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1,
    ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1,
    ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
    ['y'] = 1, ['z'] = 1,
};

int nb_hp_is_token(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!tchar[(unsigned char)s[i]]) return 0;
    return 1;
}

/* Bytes of a chunk extension or of the trailers: bounded like a head. */
static int count_extra(nb_hp_t *p, size_t len)
{
    if (len > p->max_header_bytes - p->head_bytes) return fail(p, 431);
    p->head_bytes += len;
    return 0;
}

static int on_chunk_extension(llhttp_t *hp, const char *at, size_t len)
{
    return count_extra(hp_of(hp), len);
}

static int on_chunk_header(llhttp_t *hp)
{
    hp_of(hp)->head_bytes = 0;   /* the next chunk line has its own budget */
    return 0;
}

static int on_header_field(llhttp_t *hp, const char *at, size_t len)
{
    nb_hp_t *p = hp_of(hp);
    if (!nb_hp_is_token(at, len)) return fail(p, 400);
    if (len) p->name_seen = 1;
    if (p->state != NB_HP_HEAD) return count_extra(p, len);   /* chunked trailers: ignored */
    if (p->last_was_value != 0) {           /* a new header starts */
        if (p->n_hdrs == p->cap_hdrs) {
            p->cap_hdrs = p->cap_hdrs ? p->cap_hdrs * 2 : 16;
            p->hdrs = nb_xrealloc(p->hdrs, p->cap_hdrs * sizeof *p->hdrs);
        }
        nb_hp_hdr_t *h = &p->hdrs[p->n_hdrs++];
        h->name_off = p->head.len;
        h->name_len = 0;
        h->value_off = 0;
        h->value_len = 0;
        p->last_was_value = 0;
    }
    nb_buf_append(&p->head, at, len);
    p->hdrs[p->n_hdrs - 1].name_len += len;
    return 0;
}

/* llhttp takes ": v" as a header of empty name (on_header_field gets no
 * bytes): refused, as http-parser did. */
static int on_header_field_complete(llhttp_t *hp)
{
    nb_hp_t *p = hp_of(hp);
    if (!p->name_seen) return fail(p, 400);
    p->name_seen = 0;
    return 0;
}

static int on_header_value(llhttp_t *hp, const char *at, size_t len)
{
    nb_hp_t *p = hp_of(hp);
    /* Control bytes other than HT (a NUL above all, which would cut the C
     * strings handlers see) llhttp refuses itself: HPE_INVALID_HEADER_TOKEN. */
    if (p->state != NB_HP_HEAD) return count_extra(p, len);
    if (p->n_hdrs == 0) return 0;
    nb_hp_hdr_t *h = &p->hdrs[p->n_hdrs - 1];
    if (p->last_was_value != 1) {
        h->value_off = p->head.len;
        h->value_len = 0;
        p->last_was_value = 1;
    }
    nb_buf_append(&p->head, at, len);
    h->value_len += len;
    return 0;
}

static int is_ows(char c) { return c == ' ' || c == '\t'; }

/* Copy the collected headers into the arena: names lower-cased, values trimmed;
 * the spelling of names that were not lower-case kept apart (raw_names). */
static void build_headers(nb_hp_t *p, nb_hmsg_t *m)
{
    nb_arena_t *a = m->arena;
    m->n_headers = p->n_hdrs;
    m->raw_names = NULL;
    m->headers = nb_arena_alloc(a, (p->n_hdrs ? p->n_hdrs : 1) * sizeof *m->headers);
    /* One block for all names and values (each + NUL). */
    char *s = nb_arena_alloc(a, p->head.len - p->url_len + 2 * p->n_hdrs + 1);
    size_t upper_bytes = 0;   /* names that were not lower-case, each + NUL */
    uint64_t upper_mask = 0;  /* which of the first 64 were not */
    for (size_t i = 0; i < p->n_hdrs; i++) {
        const nb_hp_hdr_t *h = &p->hdrs[i];
        const char *name = p->head.data + h->name_off;
        char *n = s;
        int upper = 0;
        for (size_t k = 0; k < h->name_len; k++) {
            char c = name[k];
            upper |= c >= 'A' && c <= 'Z';
            *s++ = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
        }
        *s++ = 0;
        if (upper) {
            upper_bytes += h->name_len + 1;
            if (i < 64) upper_mask |= (uint64_t)1 << i;
        }
        const char *v = h->value_len ? p->head.data + h->value_off : "";
        size_t vl = h->value_len;
        while (vl && is_ows(*v)) { v++; vl--; }
        while (vl && is_ows(v[vl - 1])) vl--;
        char *val = s;
        if (vl) memcpy(s, v, vl);
        s += vl;
        *s++ = 0;
        m->headers[i].name = n;
        m->headers[i].value = val;
        m->headers[i].value_len = vl;
        if (h->name_len == 6 && strcmp(n, "expect") == 0 && vl == 12 &&
            nb_strncaseeq(val, "100-continue", 12))
            m->expect_continue = 1;
    }
    if (!upper_bytes) return;
    /* The spellings, in one block after their pointers (SDKs send Title-Case names: most requests). */
    m->raw_names = nb_arena_alloc(a, p->n_hdrs * sizeof *m->raw_names + upper_bytes);
    char *r = (char *)(m->raw_names + p->n_hdrs);
    for (size_t i = 0; i < p->n_hdrs; i++) {
        const nb_hp_hdr_t *h = &p->hdrs[i];
        const char *name = p->head.data + h->name_off;
        if (i < 64 ? !(upper_mask >> i & 1) : memcmp(name, m->headers[i].name, h->name_len) == 0) {
            m->raw_names[i] = m->headers[i].name;
            continue;
        }
        memcpy(r, name, h->name_len);
        r[h->name_len] = 0;
        m->raw_names[i] = r;
        r += h->name_len + 1;
    }
}

/* A body over a raised limit is drained up to twice that limit, then refused. */
static size_t drain_max(const nb_hp_t *p)
{
    return p->limit > SIZE_MAX / 2 ? SIZE_MAX : 2 * p->limit;
}

static int on_headers_complete(llhttp_t *hp)
{
    nb_hp_t *p = hp_of(hp);
    if (hp->http_major != 1) return fail(p, 400);
    nb_arena_t *a = p->arena_get ? p->arena_get(p->arena_ud) : nb_arena_new(8192);
    nb_hmsg_t *m = nb_arena_calloc(a, sizeof *m);
    p->msg = m;
    m->arena = a;
    m->method = llhttp_method_name((llhttp_method_t)hp->method);
    m->target = nb_arena_strndup(a, p->head.data ? p->head.data : "", p->url_len);
    m->target_len = p->url_len;
    m->http_major = hp->http_major;
    m->http_minor = hp->http_minor;
    build_headers(p, m);
    p->state = NB_HP_BODY;
    p->head_bytes = 0;

    int chunked = (hp->flags & F_CHUNKED) != 0;
    int has_len = (hp->flags & F_CONTENT_LENGTH) != 0 && !chunked;
    p->limit = p->max_body_bytes;
    if (p->body_limit) {
        size_t l = p->body_limit(m);
        if (l > p->limit) p->limit = l;
    }
    if (has_len && hp->content_length > p->limit) {
        if (p->limit == p->max_body_bytes || hp->content_length > drain_max(p)) return fail(p, 413);
        p->dropping = 1;     /* a raised limit: drain it and let the service answer */
        has_len = 0;
    }
    p->declared_len = has_len ? (size_t)hp->content_length : 0;
    if (has_len && hp->content_length > 0 && hp->content_length <= DIRECT_BODY_MAX)
        p->body_direct = nb_arena_alloc(a, (size_t)hp->content_length + 1);
    if (m->expect_continue && (chunked || p->dropping || (has_len && hp->content_length > 0)))
        p->continue_pending = 1;
    return 0;
}

static int on_body(llhttp_t *hp, const char *at, size_t len)
{
    nb_hp_t *p = hp_of(hp);
    if (p->dropping) {
        if (len > drain_max(p) - p->body_len) return fail(p, 413);
        p->body_len += len;
        return 0;
    }
    if (len > p->limit - p->body_len) {
        if (p->limit == p->max_body_bytes || len > drain_max(p) - p->body_len) return fail(p, 413);
        p->dropping = 1;     /* a chunked body over a raised limit */
        p->body_len += len;
        nb_buf_free(&p->body);
        p->body_direct = NULL;   /* arena memory: freed with the message */
        return 0;
    }
    if (!p->body_direct && p->declared_len && p->body_len + len > DIRECT_BODY_MAX) {
        /* The client has sent a good part of a large declared body: now it
         * gets its full-size buffer (no doubling, no final copy). */
        p->body_direct = nb_arena_alloc(p->msg->arena, p->declared_len + 1);
        if (p->body_len) memcpy(p->body_direct, p->body.data, p->body_len);
        nb_buf_free(&p->body);
    }
    if (p->body_direct) memcpy(p->body_direct + p->body_len, at, len);
    else nb_buf_append(&p->body, at, len);
    p->body_len += len;
    return 0;
}

static int on_message_complete(llhttp_t *hp)
{
    nb_hp_t *p = hp_of(hp);
    nb_hmsg_t *m = p->msg;
    if (!m) return fail(p, 400);
    if (p->dropping) {
        m->body_dropped = p->body_len ? p->body_len : 1;
        p->body_len = 0;
        p->dropping = 0;
        p->body_direct = NULL;
    }
    if (p->body_direct) {
        p->body_direct[p->body_len] = 0;
        m->body = p->body_direct;
    } else if (p->body_len) {
        m->body = nb_arena_strndup(m->arena, p->body.data, p->body_len);
    } else {
        m->body = "";
    }
    m->body_len = p->body_len;
    m->keep_alive = llhttp_should_keep_alive(hp);
    m->upgrade = hp->upgrade;
    p->complete = 1;
    p->continue_pending = 0;
    p->state = NB_HP_IDLE;
    p->head_bytes = 0;
    p->body_direct = NULL;
    if (p->body.cap > SCRATCH_KEEP) nb_buf_free(&p->body);
    if (p->head.cap > SCRATCH_KEEP) nb_buf_free(&p->head);
    p->body.len = 0;
    p->head.len = 0;
    return HPE_PAUSED;   /* stop right after this message */
}

static const llhttp_settings_t settings = {
    .on_message_begin = on_message_begin,
    .on_url = on_url,
    .on_header_field = on_header_field,
    .on_header_field_complete = on_header_field_complete,
    .on_header_value = on_header_value,
    .on_headers_complete = on_headers_complete,
    .on_body = on_body,
    .on_message_complete = on_message_complete,
    .on_chunk_extension_name = on_chunk_extension,
    .on_chunk_extension_value = on_chunk_extension,
    .on_chunk_header = on_chunk_header,
};

void nb_hp_init(nb_hp_t *p, size_t max_header_bytes, size_t max_body_bytes)
{
    memset(p, 0, sizeof *p);
    llhttp_init(&p->parser, HTTP_REQUEST, &settings);
    p->parser.data = p;
    p->max_header_bytes = max_header_bytes;
    p->max_body_bytes = max_body_bytes;
    p->last_was_value = -1;
}

void nb_hp_set_body_limit(nb_hp_t *p, size_t (*limit)(const nb_hmsg_t *m))
{
    p->body_limit = limit;
}

void nb_hp_set_arena_source(nb_hp_t *p, nb_arena_t *(*get)(void *ud), void *ud)
{
    p->arena_get = get;
    p->arena_ud = ud;
}

void nb_hp_free(nb_hp_t *p)
{
    if (p->msg) nb_arena_free(p->msg->arena);
    p->msg = NULL;
    nb_buf_free(&p->head);
    nb_buf_free(&p->body);
    free(p->hdrs);
    p->hdrs = NULL;
    p->n_hdrs = p->cap_hdrs = 0;
}

int nb_hp_feed(nb_hp_t *p, const char *data, size_t len, size_t *used)
{
    size_t off = 0;
    *used = 0;
    if (p->error_status) return NB_HP_ERROR;
    if (p->complete) return NB_HP_MESSAGE;
    while (off < len) {
        size_t chunk = len - off;
        int in_head = p->state != NB_HP_BODY;
        if (in_head) {
            /* Never let the head run past its budget inside one execute call. */
            if (p->head_bytes >= p->max_header_bytes) { fail(p, 431); break; }
            size_t budget = p->max_header_bytes - p->head_bytes;
            if (chunk > budget) chunk = budget;
        }
        llhttp_errno_t e = llhttp_get_errno(&p->parser);
        if (e == HPE_PAUSED) llhttp_resume(&p->parser);
        else if (e == HPE_PAUSED_UPGRADE) llhttp_resume_after_upgrade(&p->parser);   /* refused: HTTP again */
        e = llhttp_execute(&p->parser, data + off, chunk);
        size_t n = chunk;
        if (e == HPE_PAUSED || e == HPE_PAUSED_UPGRADE)
            n = (size_t)(llhttp_get_error_pos(&p->parser) - (data + off));
        if (in_head && p->state != NB_HP_BODY && !p->complete) p->head_bytes += n;
        off += n;
        if (p->complete) {
            *used = off;
            return NB_HP_MESSAGE;
        }
        if (e != HPE_OK && e != HPE_PAUSED_UPGRADE) { fail(p, 400); break; }
    }
    *used = off;
    return p->error_status ? NB_HP_ERROR : NB_HP_AGAIN;
}

nb_hmsg_t *nb_hp_take(nb_hp_t *p)
{
    if (!p->complete) return NULL;
    nb_hmsg_t *m = p->msg;
    p->msg = NULL;
    p->complete = 0;
    return m;
}

int nb_hp_error_status(const nb_hp_t *p) { return p->error_status; }
int nb_hp_state(const nb_hp_t *p) { return p->state; }

int nb_hp_take_continue(nb_hp_t *p)
{
    int c = p->continue_pending;
    p->continue_pending = 0;
    return c;
}

/* ---- request-target and Host, for the nb_req_t ------------------------- */

/* Split the request-target into raw path and query (origin-form, absolute-form
 * or "*"). */
static void split_target(nb_req_t *r, const char *t, size_t tl)
{
    const char *p = t, *end = t + tl;
    if (tl && t[0] != '/' && t[0] != '*') {
        const char *sch = strstr(t, "://");
        if (sch) {
            p = memchr(sch + 3, '/', (size_t)(end - (sch + 3)));
            if (!p) p = end;
        }
    }
    const char *hash = memchr(p, '#', (size_t)(end - p));
    if (hash) end = hash;
    const char *q = memchr(p, '?', (size_t)(end - p));
    const char *pe = q ? q : end;
    if (pe == p) r->raw_path = "/";
    else r->raw_path = (p == t && pe == t + tl) ? t : nb_arena_strndup(r->arena, p, (size_t)(pe - p));
    r->query = q ? nb_arena_strndup(r->arena, q + 1, (size_t)(end - q - 1)) : "";
}

/* Percent-decode the path; -1 on a bad escape or an encoded NUL. */
static int decode_path(nb_req_t *r, nb_buf_t *scratch)
{
    size_t n = strlen(r->raw_path);
    if (!memchr(r->raw_path, '%', n)) { r->path = r->raw_path; return 0; }
    scratch->len = 0;
    if (nb_url_decode(scratch, r->raw_path, n, 0) < 0) return -1;
    if (memchr(scratch->data, 0, scratch->len)) return -1;
    r->path = nb_arena_strndup(r->arena, scratch->data, scratch->len);
    return 0;
}

static const char *host_of(nb_req_t *r)
{
    for (size_t i = 0; i < r->n_headers; i++) {
        if (strcmp(r->headers[i].name, "host") != 0) continue;
        const char *v = r->headers[i].value;
        size_t n = r->headers[i].value_len;
        const char *colon = NULL;
        if (v[0] == '[') {                   /* [v6]:port */
            const char *rb = memchr(v, ']', n);
            if (rb && rb + 1 < v + n && rb[1] == ':') colon = rb + 1;
        } else {
            colon = memchr(v, ':', n);
        }
        if (colon) n = (size_t)(colon - v);
        char *h = nb_arena_strndup(r->arena, v, n);
        for (char *p = h; *p; p++)
            if (*p >= 'A' && *p <= 'Z') *p = (char)(*p + 32);
        return h;
    }
    return "";
}

int nb_hp_req_target(nb_req_t *r, const nb_hmsg_t *m, nb_buf_t *scratch)
{
    split_target(r, m->target, m->target_len);
    if (decode_path(r, scratch) < 0) return -1;
    r->host = host_of(r);
    return 0;
}
