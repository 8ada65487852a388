/* sigv4_chunked.c — decoder for aws-chunked request bodies (S3 streaming
 * uploads): STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER] and
 * STREAMING-UNSIGNED-PAYLOAD-TRAILER. The state machine is drawn in sigv4.h.
 *
 * Each signed chunk's signature is HMAC(kSigning, string to sign) where
 *   "AWS4-HMAC-SHA256-PAYLOAD\n" date "\n" scope "\n" previous-signature "\n"
 *   hex(sha256("")) "\n" hex(sha256(chunk-data))
 * chained from the seed signature of the Authorization header; the trailer
 * signature uses "AWS4-HMAC-SHA256-TRAILER\n" date "\n" scope "\n" previous
 * "\n" hex(sha256(canonical trailers)), trailers as "name:value\n" lines.
 *
 * Invariants: input may be split anywhere; framing lines are bounded
 * (LINE_MAX_LEN); chunk sizes are bounded (CHUNK_MAX); after a failure the
 * decoder stays failed. Payload bytes are appended to the caller's buffer
 * as they arrive, before their chunk's signature is checked: the caller must
 * discard the output when feed returns -1. */
#include "auth/sigv4.h"
#include "auth/sigv4_int.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "core/alloc.h"
#include "core/util.h"

#define LINE_MAX_LEN 4096
#define CHUNK_MAX (1ULL << 34)   /* 16 GiB: far above any SDK's chunk size */
#define MAX_TRAILERS 16
#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

typedef enum { ST_SIZE, ST_DATA, ST_DATA_CRLF, ST_TRAILER, ST_END_CRLF, ST_DONE, ST_FAILED } state_t;

struct auth_chunked {
    state_t st;
    int signed_chunks;       /* chunk-signature= required */
    int trailers_expected;   /* trailer modes */
    int trailer_signed;
    unsigned char key[32];
    char amz_date[17];
    char scope[200];
    char prev_sig[65];
    char chunk_sig[65];      /* announced signature of the current chunk */
    uint64_t remaining;      /* bytes of chunk data still to read */
    int last_chunk;          /* the current (zero-size) chunk ends the data */
    int crlf_seen;           /* bytes of "\r\n" matched in *_CRLF states */
    char line[LINE_MAX_LEN + 1];
    size_t line_len;
    EVP_MD_CTX *md;
    uint64_t decoded;
    int64_t expected;        /* x-amz-decoded-content-length, -1 = unchecked */
    nb_buf_t canon_trailers; /* "name:value\n" lines */
    char *tr_name[MAX_TRAILERS];
    char *tr_value[MAX_TRAILERS];
    int n_trailers;
    int trailer_sig_seen;
    auth_err_t err;
    const char *msg;
};

auth_chunked_t *auth_chunked_new(const auth_result_t *res)
{
    auth_chunked_t *d = nb_xcalloc(1, sizeof *d);
    d->st = ST_SIZE;
    d->signed_chunks = res->payload == AUTH_PAYLOAD_STREAMING ||
                       res->payload == AUTH_PAYLOAD_STREAMING_TRAILER;
    d->trailers_expected = res->payload == AUTH_PAYLOAD_STREAMING_TRAILER ||
                           res->payload == AUTH_PAYLOAD_STREAMING_UNSIGNED_TRAILER;
    d->trailer_signed = res->payload == AUTH_PAYLOAD_STREAMING_TRAILER;
    memcpy(d->key, res->signing_key, 32);
    snprintf(d->amz_date, sizeof d->amz_date, "%s", res->amz_date);
    snprintf(d->scope, sizeof d->scope, "%s", res->scope);
    snprintf(d->prev_sig, sizeof d->prev_sig, "%s", res->seed_signature);
    d->md = auth__sha256_begin();
    d->expected = res->decoded_length;
    return d;
}

void auth_chunked_free(auth_chunked_t *d)
{
    if (!d) return;
    EVP_MD_CTX_free(d->md);
    nb_buf_free(&d->canon_trailers);
    for (int i = 0; i < d->n_trailers; i++) {
        free(d->tr_name[i]);
        free(d->tr_value[i]);
    }
    memset(d->key, 0, sizeof d->key);
    free(d);
}

auth_err_t auth_chunked_error(const auth_chunked_t *d, const char **message)
{
    if (message) *message = d->msg ? d->msg : "";
    return d->st == ST_FAILED ? d->err : AUTH_OK;
}

const char *auth_chunked_trailer(const auth_chunked_t *d, const char *name)
{
    for (int i = 0; i < d->n_trailers; i++)
        if (strcasecmp(d->tr_name[i], name) == 0) return d->tr_value[i];
    return NULL;
}

uint64_t auth_chunked_decoded_len(const auth_chunked_t *d)
{
    return d->decoded;
}

void auth_chunk_signature(const unsigned char key[32], const char *amz_date, const char *scope,
                          const char *prev_sig, const void *data, size_t len, char out[65])
{
    char h[65];
    auth_sha256_hex(data, len, h);
    nb_buf_t sts = NB_BUF_INIT;
    nb_buf_printf(&sts, "AWS4-HMAC-SHA256-PAYLOAD\n%s\n%s\n%s\n%s\n%s", amz_date, scope, prev_sig,
                  EMPTY_SHA256, h);
    auth_sign_hex(key, sts.data, sts.len, out);
    nb_buf_free(&sts);
}

void auth_trailer_signature(const unsigned char key[32], const char *amz_date, const char *scope,
                            const char *prev_sig, const char *canon, size_t len, char out[65])
{
    char h[65];
    auth_sha256_hex(canon, len, h);
    nb_buf_t sts = NB_BUF_INIT;
    nb_buf_printf(&sts, "AWS4-HMAC-SHA256-TRAILER\n%s\n%s\n%s\n%s", amz_date, scope, prev_sig, h);
    auth_sign_hex(key, sts.data, sts.len, out);
    nb_buf_free(&sts);
}

static int failed(auth_chunked_t *d, auth_err_t e, const char *msg)
{
    d->st = ST_FAILED;
    d->err = e;
    d->msg = msg;
    return -1;
}

static const char MSG_FRAMING[] = "The aws-chunked payload is malformed.";
static const char MSG_LENGTH[] =
    "You did not provide the number of bytes specified by the x-amz-decoded-content-length header.";
static const char MSG_SIG[] =
    "The request signature we calculated does not match the signature you provided. Check your "
    "key and signing method.";

/* Signature of the chunk whose data hash is in d->md; advances the chain. */
static int check_chunk(auth_chunked_t *d)
{
    if (!d->signed_chunks) return 0;
    unsigned char digest[32];
    char h[65], want[65];
    auth__sha256_end(d->md, digest);
    auth__sha256_restart(d->md);
    nb_hex(digest, 32, h);
    nb_buf_t sts = NB_BUF_INIT;
    nb_buf_printf(&sts, "AWS4-HMAC-SHA256-PAYLOAD\n%s\n%s\n%s\n%s\n%s", d->amz_date, d->scope,
                  d->prev_sig, EMPTY_SHA256, h);
    auth_sign_hex(d->key, sts.data, sts.len, want);
    nb_buf_free(&sts);
    if (!auth_ct_equal(want, d->chunk_sig, 64)) return failed(d, AUTH_BAD_SIGNATURE, MSG_SIG);
    memcpy(d->prev_sig, want, 65);
    return 0;
}

/* "hex[;chunk-signature=sig]" */
static int size_line(auth_chunked_t *d)
{
    const char *l = d->line;
    uint64_t n = 0;
    size_t i = 0;
    for (; i < d->line_len && nb_hexval((unsigned char)l[i]) >= 0; i++) {
        if (i >= 12) return failed(d, AUTH_INCOMPLETE, MSG_FRAMING);
        n = n * 16 + (uint64_t)nb_hexval((unsigned char)l[i]);
    }
    if (i == 0 || n > CHUNK_MAX) return failed(d, AUTH_INCOMPLETE, MSG_FRAMING);
    static const char key[] = ";chunk-signature=";
    if (d->signed_chunks) {
        if (d->line_len != i + sizeof key - 1 + 64 || memcmp(l + i, key, sizeof key - 1) != 0)
            return failed(d, AUTH_INCOMPLETE, MSG_FRAMING);
        memcpy(d->chunk_sig, l + i + sizeof key - 1, 64);
        d->chunk_sig[64] = 0;
    } else if (i != d->line_len && l[i] != ';') {
        return failed(d, AUTH_INCOMPLETE, MSG_FRAMING);
    }
    if (d->expected >= 0 && d->decoded + n > (uint64_t)d->expected)
        return failed(d, AUTH_INCOMPLETE, MSG_LENGTH);
    d->remaining = n;
    d->last_chunk = n == 0;
    if (n > 0) {
        d->st = ST_DATA;
        return 0;
    }
    if (check_chunk(d) < 0) return -1;
    if (d->expected >= 0 && d->decoded != (uint64_t)d->expected)
        return failed(d, AUTH_INCOMPLETE, MSG_LENGTH);
    d->st = d->trailers_expected ? ST_TRAILER : ST_END_CRLF;
    d->crlf_seen = 0;
    return 0;
}

static int trailer_line(auth_chunked_t *d)
{
    const char *l = d->line;
    size_t n = d->line_len;
    if (n == 0) {
        if (d->n_trailers == 0 && !d->trailer_sig_seen) return 0; /* blank before trailers */
        if (d->trailer_signed && !d->trailer_sig_seen)
            return failed(d, AUTH_INCOMPLETE, MSG_FRAMING);
        d->st = ST_DONE;
        return 1;
    }
    const char *colon = memchr(l, ':', n);
    if (!colon || colon == l || d->trailer_sig_seen) return failed(d, AUTH_INCOMPLETE, MSG_FRAMING);
    size_t nl = (size_t)(colon - l);
    const char *v = colon + 1;
    size_t vl = n - nl - 1;
    while (vl && (*v == ' ' || *v == '\t')) { v++; vl--; }
    while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t')) vl--;
    if (nl == 23 && nb_strncaseeq(l, "x-amz-trailer-signature", 23)) {
        if (!d->trailer_signed) return failed(d, AUTH_INCOMPLETE, MSG_FRAMING);
        char want[65];
        auth_trailer_signature(d->key, d->amz_date, d->scope, d->prev_sig,
                               d->canon_trailers.data ? d->canon_trailers.data : "",
                               d->canon_trailers.len, want);
        if (vl != 64 || !auth_ct_equal(want, v, 64)) return failed(d, AUTH_BAD_SIGNATURE, MSG_SIG);
        d->trailer_sig_seen = 1;
        return 0;
    }
    if (d->n_trailers >= MAX_TRAILERS) return failed(d, AUTH_INCOMPLETE, MSG_FRAMING);
    char *name = nb_xstrndup(l, nl);
    for (char *c = name; *c; c++)
        if (*c >= 'A' && *c <= 'Z') *c = (char)(*c - 'A' + 'a');
    d->tr_name[d->n_trailers] = name;
    d->tr_value[d->n_trailers] = nb_xstrndup(v, vl);
    d->n_trailers++;
    nb_buf_printf(&d->canon_trailers, "%s:", name);
    nb_buf_append(&d->canon_trailers, v, vl);
    nb_buf_putc(&d->canon_trailers, '\n');
    return 0;
}

/* Collect bytes up to "\r\n" into d->line; returns bytes consumed, sets *done. */
static size_t take_line(auth_chunked_t *d, const char *p, size_t n, int *done)
{
    *done = 0;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (c == '\n' && d->line_len > 0 && d->line[d->line_len - 1] == '\r') {
            d->line_len--;
            d->line[d->line_len] = 0;
            *done = 1;
            return i + 1;
        }
        if (d->line_len >= LINE_MAX_LEN) {
            failed(d, AUTH_INCOMPLETE, MSG_FRAMING);
            return i;
        }
        d->line[d->line_len++] = c;
    }
    return n;
}

int auth_chunked_feed(auth_chunked_t *d, const char *p, size_t n, nb_buf_t *out)
{
    while (n > 0 || d->st == ST_DONE || d->st == ST_FAILED) {
        if (d->st == ST_FAILED) return -1;
        if (d->st == ST_DONE) return n ? failed(d, AUTH_INCOMPLETE, MSG_FRAMING) : 1;
        size_t used;
        int done, rc;
        switch (d->st) {
        case ST_SIZE:
        case ST_TRAILER:
            used = take_line(d, p, n, &done);
            if (d->st == ST_FAILED) return -1;
            p += used;
            n -= used;
            if (!done) break;
            rc = d->st == ST_SIZE ? size_line(d) : trailer_line(d);
            d->line_len = 0;
            if (rc < 0) return -1;
            break;
        case ST_DATA: {
            size_t k = n < d->remaining ? n : (size_t)d->remaining;
            if (d->signed_chunks && EVP_DigestUpdate(d->md, p, k) != 1) nb_oom(0);
            nb_buf_append(out, p, k);
            d->decoded += k;
            d->remaining -= k;
            p += k;
            n -= k;
            if (d->remaining == 0) {
                d->st = ST_DATA_CRLF;
                d->crlf_seen = 0;
            }
            break;
        }
        case ST_DATA_CRLF:
        case ST_END_CRLF:
            if (*p != "\r\n"[d->crlf_seen]) return failed(d, AUTH_INCOMPLETE, MSG_FRAMING);
            p++;
            n--;
            if (++d->crlf_seen < 2) break;
            if (d->st == ST_END_CRLF) {
                d->st = ST_DONE;
                break;
            }
            if (check_chunk(d) < 0) return -1;
            d->st = ST_SIZE;
            break;
        default:
            return failed(d, AUTH_INCOMPLETE, MSG_FRAMING);
        }
    }
    return 0;
}
