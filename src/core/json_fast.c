/* json_fast.c — a JSON parser that builds jansson trees (see json_fast.h).
 *
 * Why it exists: jansson's lexer reads its input through a per-byte stream
 * with a UTF-8 check per character and appends each byte of a string to a
 * growable buffer. For a DynamoDB PutItem of ~1 KB that was ~17% of the
 * daemon's CPU per request (docs/PERFORMANCE.md). This parser scans strings
 * a run of plain bytes at a time and hands the run straight to
 * json_stringn_nocheck (no intermediate copy unless the string has
 * escapes); the tree is built with jansson's own constructors, so every
 * caller keeps using json_t.
 *
 * Contract with jansson: whatever this parser accepts, jansson accepts with
 * the same result; whatever it is unsure of (json_fast.h lists it) makes it
 * decline, and nb_json_loadb then asks jansson, whose answer — tree or
 * error text — is final. Declining is never wrong, only slower: when in
 * doubt, decline. Recursive descent, depth capped at NB_JSON_FAST_DEPTH
 * (so the C stack stays small); never reads outside [buf, buf + len). */
#include "core/json_fast.h"
#include "core/buf.h"
#include "core/alloc.h"
#include "core/util.h"
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

typedef struct parser {
    const unsigned char *p, *end;
    size_t flags;
    int depth;
    nb_buf_t scratch;          /* decoded strings that had escapes */
    int in_scratch;            /* the last string scanned is in scratch */
} parser_t;

static json_t *parse_value(parser_t *ps);

/* 1 for the bytes that end a plain run inside a string: controls, '"',
 * '\\' and every non-ASCII byte (checked as UTF-8 one sequence at a time). */
static const unsigned char special[256] = {
    1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1, 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
    0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1, 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
    1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1, 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
    1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1, 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
    1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1, 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
};

/* Word-at-a-time tests on 8 bytes (x): a byte of 0x80 in the result marks
 * (at least the first) byte equal to zero / below 0x20; exact as a "does
 * any byte" test, which is all nb_json_plain_run asks. */
#define ONES  0x0101010101010101ull
#define HIGHS 0x8080808080808080ull
static uint64_t any_zero(uint64_t x) { return (x - ONES) & ~x & HIGHS; }
static uint64_t any_below_0x20(uint64_t x) { return (x - 0x20 * ONES) & ~x & HIGHS; }

size_t nb_json_plain_run(const unsigned char *p, size_t n, int stop_high)
{
    size_t i = 0;
#if defined(__SSE2__)
    /* Sixteen bytes a step (SSE2 is part of x86-64): the same set of bytes,
     * the first one found by its bit in the compare mask. A signed compare
     * below 0x20 also catches every byte ≥ 0x80 (negative); without
     * stop_high, "below 0x20" is unsigned: saturating x − 0x1F is zero. */
    const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
    const __m128i c20 = _mm_set1_epi8(0x20), c1f = _mm_set1_epi8(0x1f), zero = _mm_setzero_si128();
    while (n - i >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(p + i));
        __m128i low = stop_high ? _mm_cmplt_epi8(x, c20) : _mm_cmpeq_epi8(_mm_subs_epu8(x, c1f), zero);
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, bslash)), low);
        unsigned bits = (unsigned)_mm_movemask_epi8(m);
        if (bits) return i + (size_t)__builtin_ctz(bits);
        i += 16;
    }
#endif
    uint64_t high = stop_high ? HIGHS : 0;
    while (n - i >= 8) {
        uint64_t x;
        memcpy(&x, p + i, 8);
        if (any_zero(x ^ ('"' * ONES)) | any_zero(x ^ ('\\' * ONES)) | any_below_0x20(x) | (x & high))
            break;
        i += 8;
    }
    while (i < n && !(special[p[i]] && (stop_high || p[i] < 0x80))) i++;
    return i;
}

static void skip_ws(parser_t *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\n' || *ps->p == '\r' || *ps->p == '\t'))
        ps->p++;
}

/* Length of the valid UTF-8 sequence at p (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF — what jansson's utf8.c accepts), or 0. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
    unsigned c = p[0];
    size_t n;
    uint32_t min, v;
    if (c >= 0xC2 && c <= 0xDF) { n = 2; min = 0x80; v = c & 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { n = 3; min = 0x800; v = c & 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { n = 4; min = 0x10000; v = c & 0x07; }
    else return 0;
    if ((size_t)(end - p) < n) return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80) return 0;
        v = v << 6 | (p[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
    return n;
}

static int hex4(const unsigned char *p, const unsigned char *end, uint32_t *out)
{
    if (end - p < 4) return -1;
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        int d = nb_hexval(p[i]);
        if (d < 0) return -1;
        v = v << 4 | (uint32_t)d;
    }
    *out = v;
    return 0;
}

static void put_utf8(nb_buf_t *b, uint32_t cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) { u[0] = (char)cp; n = 1; }
    else if (cp < 0x800) { u[0] = (char)(0xC0 | cp >> 6); u[1] = (char)(0x80 | (cp & 0x3F)); n = 2; }
    else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | cp >> 12); u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F)); n = 3;
    } else {
        u[0] = (char)(0xF0 | cp >> 18); u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); u[3] = (char)(0x80 | (cp & 0x3F)); n = 4;
    }
    nb_buf_append(b, u, n);
}

/* One escape after the backslash at *pp (advanced past it) into b.
 * 0, or -1 to decline. */
static int unescape(parser_t *ps, const unsigned char **pp, nb_buf_t *b)
{
    const unsigned char *p = *pp + 1;
    if (p >= ps->end) return -1;
    char c;
    switch (*p) {
    case '"': c = '"'; break;
    case '\\': c = '\\'; break;
    case '/': c = '/'; break;
    case 'b': c = '\b'; break;
    case 'f': c = '\f'; break;
    case 'n': c = '\n'; break;
    case 'r': c = '\r'; break;
    case 't': c = '\t'; break;
    case 'u': {
        uint32_t cp, lo;
        if (hex4(p + 1, ps->end, &cp) != 0) return -1;
        p += 5;
        if (cp >= 0xDC00 && cp <= 0xDFFF) return -1;          /* lone low surrogate */
        if (cp >= 0xD800 && cp <= 0xDBFF) {                   /* needs its low half */
            if (ps->end - p < 2 || p[0] != '\\' || p[1] != 'u' || hex4(p + 2, ps->end, &lo) != 0 ||
                lo < 0xDC00 || lo > 0xDFFF)
                return -1;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            p += 6;
        }
        put_utf8(b, cp);
        *pp = p;
        return 0;
    }
    default:
        return -1;
    }
    nb_buf_putc(b, c);
    *pp = p + 1;
    return 0;
}

/* The string whose opening quote is at ps->p. On 0, (*s, *n) is its decoded
 * text (pointing into the input when it had no escape, else into
 * ps->scratch, valid until the next string) and ps->p is past the closing
 * quote. -1: decline. */
static int scan_string(parser_t *ps, const char **s, size_t *n)
{
    const unsigned char *start = ps->p + 1, *p = start, *end = ps->end;
    int escaped = 0;
    for (;;) {
        p += nb_json_plain_run(p, (size_t)(end - p), 1);
        if (p >= end) return -1;
        unsigned c = *p;
        if (c == '"') break;
        if (c < 0x20) return -1;                             /* jansson: control character */
        if (c == '\\') {
            if (!escaped) {
                nb_buf_clear(&ps->scratch);
                escaped = 1;
            }
            break;
        }
        size_t k = utf8_len(p, end);
        if (!k) return -1;
        p += k;
    }
    ps->in_scratch = escaped;
    if (!escaped) {
        *s = (const char *)start;
        *n = (size_t)(p - start);
        ps->p = p + 1;
        return 0;
    }
    /* With escapes: copy runs and decoded escapes into scratch. */
    nb_buf_append(&ps->scratch, start, (size_t)(p - start));
    for (;;) {
        const unsigned char *run = p;
        p += nb_json_plain_run(p, (size_t)(end - p), 1);
        if (p > run) nb_buf_append(&ps->scratch, run, (size_t)(p - run));
        if (p >= end) return -1;
        unsigned c = *p;
        if (c == '"') break;
        if (c < 0x20) return -1;
        if (c == '\\') {
            if (unescape(ps, &p, &ps->scratch) != 0) return -1;
            continue;
        }
        size_t k = utf8_len(p, end);
        if (!k) return -1;
        nb_buf_append(&ps->scratch, p, k);
        p += k;
    }
    *s = ps->scratch.data ? ps->scratch.data : "";
    *n = ps->scratch.len;
    ps->p = p + 1;
    return 0;
}

/* -?(0|[1-9][0-9]*) of at most 18 digits, not followed by '.', 'e' or 'E'
 * (reals and long integers are jansson's: strtod/strtoll and their range
 * errors decide there). */
static json_t *parse_integer(parser_t *ps)
{
    const unsigned char *p = ps->p, *end = ps->end;
    int neg = 0;
    if (*p == '-') { neg = 1; p++; }
    const unsigned char *d = p;
    long long v = 0;
    while (p < end && *p >= '0' && *p <= '9') {
        if (p - d == 18) return NULL;                         /* a 19th digit: strtoll's range */
        v = v * 10 + (*p - '0');
        p++;
    }
    if (p == d || (*d == '0' && p - d > 1)) return NULL;
    if (p < end && (*p == '.' || *p == 'e' || *p == 'E')) return NULL;
    ps->p = p;
    return json_integer(neg ? -v : v);
}

static json_t *parse_literal(parser_t *ps, const char *word, size_t n, json_t *value)
{
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0) return NULL;
    ps->p += n;
    return value;
}

/* One member's key, kept while its value is parsed: a key decoded into
 * scratch would be overwritten by the value's strings, so it is copied. */
typedef struct key_copy {
    char local[128];
    char *heap;
} key_copy_t;

static const char *keep_key(parser_t *ps, key_copy_t *kc, const char *k, size_t kn)
{
    if (!ps->in_scratch) return k;                            /* in the input: stays */
    char *d = kn <= sizeof kc->local ? kc->local : (kc->heap = nb_xmalloc(kn));
    memcpy(d, k, kn);
    return d;
}

static json_t *parse_object(parser_t *ps)
{
    json_t *obj = json_object();
    ps->p++;                                                  /* '{' */
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == '}') { ps->p++; return obj; }
    for (;;) {
        if (ps->p >= ps->end || *ps->p != '"') goto decline;
        const char *k;
        size_t kn;
        if (scan_string(ps, &k, &kn) != 0 || memchr(k, 0, kn)) goto decline;
        key_copy_t kc;
        kc.heap = NULL;
        k = keep_key(ps, &kc, k, kn);
        skip_ws(ps);
        json_t *v = NULL;
        if (ps->p < ps->end && *ps->p == ':') {
            ps->p++;
            skip_ws(ps);
            v = parse_value(ps);
        }
        size_t before = json_object_size(obj);
        int bad = !v || json_object_setn_new_nocheck(obj, k, kn, v) != 0 ||
                  json_object_size(obj) == before;            /* a duplicate key: jansson's call */
        free(kc.heap);
        if (bad) goto decline;
        skip_ws(ps);
        if (ps->p >= ps->end) goto decline;
        if (*ps->p == '}') { ps->p++; return obj; }
        if (*ps->p != ',') goto decline;
        ps->p++;
        skip_ws(ps);
    }
decline:
    json_decref(obj);
    return NULL;
}

static json_t *parse_array(parser_t *ps)
{
    json_t *arr = json_array();
    ps->p++;                                                  /* '[' */
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == ']') { ps->p++; return arr; }
    for (;;) {
        json_t *v = parse_value(ps);
        if (!v || json_array_append_new(arr, v) != 0) goto decline;
        skip_ws(ps);
        if (ps->p >= ps->end) goto decline;
        if (*ps->p == ']') { ps->p++; return arr; }
        if (*ps->p != ',') goto decline;
        ps->p++;
        skip_ws(ps);
    }
decline:
    json_decref(arr);
    return NULL;
}

static json_t *parse_value(parser_t *ps)
{
    if (ps->p >= ps->end) return NULL;
    json_t *v = NULL;
    switch (*ps->p) {
    case '{':
    case '[':
        if (++ps->depth > NB_JSON_FAST_DEPTH) return NULL;
        v = *ps->p == '{' ? parse_object(ps) : parse_array(ps);
        ps->depth--;
        return v;
    case '"': {
        const char *s;
        size_t n;
        if (scan_string(ps, &s, &n) != 0) return NULL;
        if (!(ps->flags & JSON_ALLOW_NUL) && memchr(s, 0, n)) return NULL;
        return json_stringn_nocheck(s, n);
    }
    case 't': return parse_literal(ps, "true", 4, json_true());
    case 'f': return parse_literal(ps, "false", 5, json_false());
    case 'n': return parse_literal(ps, "null", 4, json_null());
    default:
        if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9')) return parse_integer(ps);
        return NULL;
    }
}

json_t *nb_json_fast_parse(const char *buf, size_t len, size_t flags)
{
    if (!buf || (flags & ~(size_t)(JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL))) return NULL;
    parser_t ps = { (const unsigned char *)buf, (const unsigned char *)buf + len, flags, 0, NB_BUF_INIT, 0 };
    skip_ws(&ps);
    json_t *v = NULL;
    if (ps.p < ps.end && (*ps.p == '{' || *ps.p == '[')) v = parse_value(&ps);
    if (v) {
        skip_ws(&ps);
        if (ps.p != ps.end) {                                 /* jansson: end of file expected */
            json_decref(v);
            v = NULL;
        }
    }
    nb_buf_free(&ps.scratch);
    return v;
}

json_t *nb_json_loadb(const char *buf, size_t len, size_t flags, json_error_t *err)
{
    json_t *v = nb_json_fast_parse(buf, len, flags);
    return v ? v : json_loadb(buf, len, flags, err);
}

int nb_json_same_tree(const json_t *a, const json_t *b)
{
    if (json_typeof(a) != json_typeof(b)) return 0;
    if (json_is_object(a)) {
        if (json_object_size(a) != json_object_size(b)) return 0;
        void *ia = json_object_iter((json_t *)a), *ib = json_object_iter((json_t *)b);
        for (; ia && ib; ia = json_object_iter_next((json_t *)a, ia), ib = json_object_iter_next((json_t *)b, ib)) {
            size_t la = json_object_iter_key_len(ia);
            if (la != json_object_iter_key_len(ib) || memcmp(json_object_iter_key(ia), json_object_iter_key(ib), la))
                return 0;
            if (!nb_json_same_tree(json_object_iter_value(ia), json_object_iter_value(ib))) return 0;
        }
        return !ia && !ib;
    }
    if (json_is_array(a)) {
        if (json_array_size(a) != json_array_size(b)) return 0;
        for (size_t i = 0; i < json_array_size(a); i++)
            if (!nb_json_same_tree(json_array_get(a, i), json_array_get(b, i))) return 0;
        return 1;
    }
    return json_equal((json_t *)a, (json_t *)b);
}
