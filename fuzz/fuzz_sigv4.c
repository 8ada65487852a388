/* fuzz_sigv4.c — SigV4 parsing and verification on arbitrary input.
 * Input: "AUTHORIZATION\nQUERY\nPATH\nname: value\n...\n\nBODY" (any bytes).
 * Drives auth_verify (header and presigned paths, both URI modes), the
 * parsers on their own, and the aws-chunked decoder over BODY in every
 * streaming mode. Invariants checked: no crash/leak/UB, results are one of
 * the enum values, and no message ever contains the secret key.
 * Run: make build/fuzz/fuzz_sigv4 */
#include "auth/sigv4.h"
#include "core/alloc.h"
#include "core/buf.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

static int lookup(void *arg, const char *ak, auth_cred_t *out)
{
    (void)arg;
    if (strcmp(ak, "AKIDEXAMPLE") == 0) {
        out->secret_key = SECRET;
        out->session_token = NULL;
        out->principal_arn = "arn:aws:iam::000000000000:user/fuzz";
        out->expires_ms = 0;
        return 0;
    }
    if (strcmp(ak, "ASIATEMP") == 0) {
        out->secret_key = SECRET;
        out->session_token = "TOKEN";
        out->principal_arn = "arn:aws:sts::000000000000:assumed-role/R/s";
        out->expires_ms = 1440938160000LL + 1000;
        return 0;
    }
    return -1;
}

static char *next_line(char **p)
{
    char *s = *p;
    if (!s) return NULL;
    char *nl = strchr(s, '\n');
    if (nl) { *nl = 0; *p = nl + 1; } else *p = NULL;
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = nb_xstrndup((const char *)data, size);
    char *body = strstr(s, "\n\n");
    if (body) { *body = 0; body += 2; } else body = "";
    char *cur = s;
    char *authz = next_line(&cur);
    char *query = next_line(&cur);
    char *path = next_line(&cur);
    nb_kv_t h[32];
    size_t n = 0;
    char *line;
    while ((line = next_line(&cur)) != NULL && n < 30) {
        char *c = strchr(line, ':');
        if (!c) continue;
        *c = 0;
        char *v = c + 1;
        while (*v == ' ') v++;
        h[n++] = (nb_kv_t){line, v, strlen(v)};
    }
    if (authz && *authz) h[n++] = (nb_kv_t){"authorization", authz, strlen(authz)};
    for (int s3 = 0; s3 <= 1; s3++) {
        auth_request_t rq = {.method = "GET", .raw_path = path ? path : "/", .raw_query = query ? query : "",
                             .headers = h, .n_headers = n, .body = body, .body_len = strlen(body),
                             .now_ms = 1440938160000LL, .service = s3 ? "s3" : NULL, .region = NULL,
                             .s3 = s3, .lookup = lookup, .lookup_arg = NULL};
        auth_result_t res;
        auth_err_t e = auth_verify(&rq, &res);
        if (e < AUTH_OK || e >= AUTH_ERR__COUNT || e != res.err) abort();
        /* the secret never reaches a message unless the client sent it itself */
        int sent = memmem(data, size, SECRET, strlen(SECRET)) != NULL;
        if (!sent && strstr(res.message, SECRET)) abort();
        for (int proto = AUTH_PROTO_JSON; proto <= AUTH_PROTO_S3; proto++) {
            auth_aws_error_t ae;
            if (e != AUTH_OK) {
                auth_aws_error(&res, (auth_proto_t)proto, &ae);
                if (!ae.code || !ae.message || (!sent && strstr(ae.message, SECRET))) abort();
            }
        }
        nb_buf_t c = NB_BUF_INIT;
        auth_canonical_uri(&c, path ? path : "", s3);
        auth_canonical_query(&c, query ? query : "", s3);
        nb_buf_free(&c);
    }
    auth_sig_t sig;
    char msg[256];
    if (authz) auth_parse_authorization(authz, &sig, msg, sizeof msg);
    auth_parse_presigned(query, &sig, msg, sizeof msg);

    /* the streaming decoder over the body, fed in two pieces */
    static const auth_payload_t modes[] = {AUTH_PAYLOAD_STREAMING, AUTH_PAYLOAD_STREAMING_TRAILER,
                                           AUTH_PAYLOAD_STREAMING_UNSIGNED_TRAILER};
    for (size_t m = 0; m < 3; m++) {
        auth_result_t r;
        memset(&r, 0, sizeof r);
        memcpy(r.amz_date, "20150830T123600Z", 17);
        strcpy(r.scope, "20150830/us-east-1/s3/aws4_request");
        memset(r.seed_signature, 'a', 64);
        r.payload = modes[m];
        r.decoded_length = m == 0 ? -1 : 10;
        auth_signing_key(SECRET, "20150830", "us-east-1", "s3", r.signing_key);
        auth_chunked_t *d = auth_chunked_new(&r);
        nb_buf_t out = NB_BUF_INIT;
        size_t bl = strlen(body), half = bl / 2;
        int rc = auth_chunked_feed(d, body, half, &out);
        if (rc == 0) rc = auth_chunked_feed(d, body + half, bl - half, &out);
        if (rc < -1 || rc > 1) abort();
        if (out.len != auth_chunked_decoded_len(d)) abort();
        auth_chunked_trailer(d, "x-amz-checksum-crc32");
        auth_chunked_free(d);
        nb_buf_free(&out);
    }
    free(s);
    return 0;
}
