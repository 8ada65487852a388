/* sigv4_canon.c — the SigV4 canonical request: URI, query string, headers.
 *
 * Pure string building; no keys, no time. The rules are listed in sigv4.h.
 * Bad percent escapes on the wire are not errors here: the bytes are taken
 * literally (so they get re-encoded, "%zz" -> "%25zz") and the signature
 * check decides. */
#include "auth/sigv4.h"
#include <stdlib.h>
#include <string.h>
#include "core/alloc.h"
#include "core/util.h"

/* --- URI ------------------------------------------------------------------ */

/* Remove "." and ".." segments and empty segments (consecutive slashes), as
 * the SDKs do before signing for every service but S3. Appends to out. */
static void normalize_path(nb_buf_t *out, const char *p, size_t n)
{
    size_t start = out->len;
    size_t *seg_starts = nb_xmalloc((n / 2 + 2) * sizeof *seg_starts); /* stack of segment offsets */
    size_t depth = 0;
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && p[j] != '/') j++;
        size_t len = j - i;
        if (len == 0 || (len == 1 && p[i] == '.')) {
            /* skip */
        } else if (len == 2 && p[i] == '.' && p[i + 1] == '.') {
            if (depth > 0) out->len = seg_starts[--depth];
        } else {
            seg_starts[depth++] = out->len;
            nb_buf_putc(out, '/');
            nb_buf_append(out, p + i, len);
        }
        i = j + 1;
    }
    free(seg_starts);
    if (out->len == start) {
        nb_buf_putc(out, '/');
    } else if (n > 0 && p[n - 1] == '/') {
        nb_buf_putc(out, '/');
    }
    out->data[out->len] = 0;
}

void auth_canonical_uri(nb_buf_t *out, const char *raw_path, int s3)
{
    if (!raw_path || !*raw_path) {
        nb_buf_putc(out, '/');
        return;
    }
    size_t n = strlen(raw_path);
    nb_buf_t tmp = NB_BUF_INIT;
    if (s3) {
        /* decode once, encode once: the identity for SDK-encoded paths */
        if (nb_url_decode(&tmp, raw_path, n, 0) != 0) {
            nb_buf_clear(&tmp);
            nb_buf_append(&tmp, raw_path, n);
        }
    } else {
        normalize_path(&tmp, raw_path, n);
    }
    if (tmp.len == 0 || tmp.data[0] != '/') nb_buf_putc(out, '/');
    nb_url_encode(out, tmp.data ? tmp.data : "", tmp.len, 1);
    nb_buf_free(&tmp);
}

/* --- query ---------------------------------------------------------------- */

typedef struct qpair {
    const char *k;
    const char *v;
} qpair_t;

static int qpair_cmp(const void *a, const void *b)
{
    const qpair_t *x = a, *y = b;
    int c = strcmp(x->k, y->k);
    return c ? c : strcmp(x->v, y->v);
}

/* Decode then re-encode in[0..n) into out, NUL-terminated. */
static void reencode(nb_buf_t *out, const char *in, size_t n, nb_buf_t *scratch)
{
    nb_buf_clear(scratch);
    if (nb_url_decode(scratch, in, n, 0) != 0) {
        nb_buf_clear(scratch);
        nb_buf_append(scratch, in, n);
    }
    nb_url_encode(out, scratch->data ? scratch->data : "", scratch->len, 0);
    nb_buf_putc(out, 0);
}

void auth_canonical_query(nb_buf_t *out, const char *raw_query, int skip_signature)
{
    if (!raw_query || !*raw_query) return;
    size_t n = strlen(raw_query);
    size_t max_pairs = 1;
    for (size_t i = 0; i < n; i++)
        if (raw_query[i] == '&') max_pairs++;
    size_t *offs = nb_xmalloc(max_pairs * 2 * sizeof *offs);
    nb_buf_t enc = NB_BUF_INIT, scratch = NB_BUF_INIT;
    size_t np = 0;
    for (size_t i = 0; i <= n;) {
        size_t j = i;
        while (j < n && raw_query[j] != '&') j++;
        if (j > i) {
            const char *eq = memchr(raw_query + i, '=', j - i);
            size_t klen = eq ? (size_t)(eq - (raw_query + i)) : j - i;
            size_t koff = enc.len;
            reencode(&enc, raw_query + i, klen, &scratch);
            if (skip_signature && strcmp(enc.data + koff, "X-Amz-Signature") == 0) {
                enc.len = koff;
            } else {
                size_t voff = enc.len;
                if (eq) reencode(&enc, eq + 1, j - i - klen - 1, &scratch);
                else nb_buf_putc(&enc, 0);
                offs[2 * np] = koff;
                offs[2 * np + 1] = voff;
                np++;
            }
        }
        i = j + 1;
    }
    qpair_t *pairs = nb_xmalloc((np ? np : 1) * sizeof *pairs);
    for (size_t k = 0; k < np; k++) {
        pairs[k].k = enc.data + offs[2 * k];
        pairs[k].v = enc.data + offs[2 * k + 1];
    }
    qsort(pairs, np, sizeof *pairs, qpair_cmp);
    for (size_t k = 0; k < np; k++) {
        if (k) nb_buf_putc(out, '&');
        nb_buf_puts(out, pairs[k].k);
        nb_buf_putc(out, '=');
        nb_buf_puts(out, pairs[k].v);
    }
    free(pairs);
    free(offs);
    nb_buf_free(&enc);
    nb_buf_free(&scratch);
}

/* --- headers -------------------------------------------------------------- */

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* Trim value and collapse inner whitespace runs to one space. */
static void append_trimall(nb_buf_t *out, const char *v, size_t n)
{
    size_t i = 0;
    while (i < n && is_ws(v[i])) i++;
    while (n > i && is_ws(v[n - 1])) n--;
    while (i < n) {
        if (is_ws(v[i])) {
            nb_buf_putc(out, ' ');
            while (i < n && is_ws(v[i])) i++;
        } else {
            size_t j = i;
            while (j < n && !is_ws(v[j])) j++;
            nb_buf_append(out, v + i, j - i);
            i = j;
        }
    }
}

static void append_header(nb_buf_t *out, const char *name, size_t nlen, const nb_kv_t *headers,
                          size_t n_headers)
{
    nb_buf_append(out, name, nlen);
    nb_buf_putc(out, ':');
    int first = 1;
    for (size_t i = 0; i < n_headers; i++) {
        const char *hn = headers[i].name;
        if (strlen(hn) != nlen || !nb_strncaseeq(hn, name, nlen)) continue;
        if (!first) nb_buf_putc(out, ',');
        first = 0;
        const char *v = headers[i].value ? headers[i].value : "";
        size_t vl = headers[i].value ? headers[i].value_len : 0;
        if (vl == 0 && headers[i].value) vl = strlen(v);
        append_trimall(out, v, vl);
    }
    nb_buf_putc(out, '\n');
}

void auth_canonical_request(nb_buf_t *out, const char *method, const char *raw_path,
                            const char *raw_query, const nb_kv_t *headers, size_t n_headers,
                            const char *signed_headers, size_t sh_len,
                            const char *payload_hash, int s3, int skip_signature)
{
    nb_buf_puts(out, method);
    nb_buf_putc(out, '\n');
    auth_canonical_uri(out, raw_path, s3);
    nb_buf_putc(out, '\n');
    auth_canonical_query(out, raw_query, skip_signature);
    nb_buf_putc(out, '\n');
    for (size_t i = 0; i < sh_len;) {
        size_t j = i;
        while (j < sh_len && signed_headers[j] != ';') j++;
        if (j > i) append_header(out, signed_headers + i, j - i, headers, n_headers);
        i = j + 1;
    }
    nb_buf_putc(out, '\n');
    nb_buf_append(out, signed_headers, sh_len);
    nb_buf_putc(out, '\n');
    nb_buf_puts(out, payload_hash);
}
