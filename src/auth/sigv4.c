/* sigv4.c — verifying one request's SigV4 signature, and the AWS error table.
 *
 * Order of checks (first failure wins):
 *   1. find the signature: Authorization header or presigned query (not both)
 *   2. parse it                                  -> AUTH_INCOMPLETE
 *   3. request time: X-Amz-Date / Date header     -> AUTH_INCOMPLETE
 *   4. scope: date matches, terminator, service, region; "host" signed -> AUTH_BAD_SIGNATURE
 *   5. access key lookup, session token           -> AUTH_UNKNOWN_KEY
 *   6. temporary credential expiry                -> AUTH_EXPIRED_TOKEN
 *   7. clock skew (15 min) / presigned expiry     -> AUTH_SKEWED / AUTH_PRESIGN_EXPIRED
 *   8. payload hash vs x-amz-content-sha256       -> AUTH_PAYLOAD_MISMATCH
 *   9. canonical request, string to sign, constant-time compare -> AUTH_BAD_SIGNATURE
 * Nothing here logs; messages never contain secrets, tokens or signatures. */
#include "auth/sigv4.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "core/util.h"

#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* Header names are lower-cased by the edge (request.h), so a byte compare does. */
static const char *find_header(const auth_request_t *rq, const char *name)
{
    for (size_t i = 0; i < rq->n_headers; i++)
        if (rq->headers[i].name[0] == name[0] && strcmp(rq->headers[i].name, name) == 0)
            return rq->headers[i].value;
    return NULL;
}

/* Copy src into dst (cap bytes), truncating; cheaper than snprintf("%s"). */
static void copy_str(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap) n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = 0;
}

static auth_err_t fail(auth_result_t *res, auth_err_t e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static auth_err_t fail(auth_result_t *res, auth_err_t e, const char *fmt, ...)
{
    res->err = e;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(res->message, sizeof res->message, fmt, ap);
        va_end(ap);
    }
    return e;
}

/* RFC 1123 "Sun, 30 Aug 2015 12:36:00 GMT" -> ms, or -1. */
static int64_t parse_http_date(const char *s)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *end = strptime(s, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (!end || *end) return -1;
    time_t t = timegm(&tm);
    return t == (time_t)-1 ? -1 : (int64_t)t * 1000;
}

static int has_x_amz_algorithm(const char *q)
{
    if (!q) return 0;
    for (const char *p = q; (p = strstr(p, "X-Amz-Algorithm=")) != NULL; p++)
        if (p == q || p[-1] == '&') return 1;
    return 0;
}

static int is_hex64(const char *s)
{
    if (strlen(s) != 64) return 0;
    for (int i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return 0;
    return 1;
}

/* Decide the payload line of the canonical request. */
static auth_err_t payload_line(const auth_request_t *rq, auth_result_t *res, char out[80])
{
    const char *h = find_header(rq, "x-amz-content-sha256");
    if (h) {
        static const struct { const char *name; auth_payload_t mode; } modes[] = {
            {"UNSIGNED-PAYLOAD", AUTH_PAYLOAD_UNSIGNED},
            {"STREAMING-AWS4-HMAC-SHA256-PAYLOAD", AUTH_PAYLOAD_STREAMING},
            {"STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", AUTH_PAYLOAD_STREAMING_TRAILER},
            {"STREAMING-UNSIGNED-PAYLOAD-TRAILER", AUTH_PAYLOAD_STREAMING_UNSIGNED_TRAILER},
        };
        for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
            if (strcmp(h, modes[i].name) == 0) {
                res->payload = modes[i].mode;
                snprintf(out, 80, "%s", h);
                return AUTH_OK;
            }
        if (!is_hex64(h))
            return fail(res, AUTH_PAYLOAD_MISMATCH,
                        "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, "
                        "STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, "
                        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, or a valid sha256 value.");
        char actual[65] = "";
        if (rq->payload_hash) snprintf(actual, sizeof actual, "%s", rq->payload_hash);
        else if (rq->body) auth_sha256_hex(rq->body, rq->body_len, actual);
        if (actual[0] && strcmp(actual, h) != 0)
            return fail(res, AUTH_PAYLOAD_MISMATCH,
                        "The provided 'x-amz-content-sha256' header does not match what was computed.");
        res->payload = AUTH_PAYLOAD_SIGNED;
        memcpy(out, h, 65);
        return AUTH_OK;
    }
    if (rq->s3 && res->presigned) {
        res->payload = AUTH_PAYLOAD_UNSIGNED;
        snprintf(out, 80, "UNSIGNED-PAYLOAD");
        return AUTH_OK;
    }
    if (rq->s3)
        return fail(res, AUTH_INCOMPLETE,
                    "Missing required header for this request: x-amz-content-sha256");
    res->payload = AUTH_PAYLOAD_SIGNED;
    if (rq->payload_hash) snprintf(out, 80, "%s", rq->payload_hash);
    else if (rq->body && rq->body_len) auth_sha256_hex(rq->body, rq->body_len, out);
    else snprintf(out, 80, "%s", EMPTY_SHA256);
    return AUTH_OK;
}

static auth_err_t check_scope(const auth_request_t *rq, const auth_sig_t *sig, auth_result_t *res)
{
    if (memcmp(sig->date, res->amz_date, 8) != 0 || strlen(sig->date) != 8)
        return fail(res, AUTH_BAD_SIGNATURE,
                    "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of "
                    "date from HTTP: '%s' != '%.8s', from '%s'.",
                    sig->date, res->amz_date, res->amz_date);
    if (strcmp(sig->terminator, "aws4_request") != 0)
        return fail(res, AUTH_BAD_SIGNATURE,
                    "Credential should be scoped with a valid terminator: 'aws4_request', not '%s'.",
                    sig->terminator);
    if (rq->service && strcmp(sig->service, rq->service) != 0)
        return fail(res, AUTH_BAD_SIGNATURE, "Credential should be scoped to correct service: '%s'.",
                    rq->service);
    if (rq->region && strcmp(sig->region, rq->region) != 0)
        return fail(res, AUTH_BAD_SIGNATURE,
                    "Credential should be scoped to a valid region, not '%s'.", sig->region);
    return AUTH_OK;
}

/* Is "host" one of the SignedHeaders? (AWS refuses signatures that leave
 * the Host out: they could be replayed against another endpoint.) */
static int signs_host(const auth_sig_t *sig)
{
    const char *p = sig->signed_headers, *end = p + sig->signed_headers_len;
    while (p < end) {
        const char *q = memchr(p, ';', (size_t)(end - p));
        size_t n = q ? (size_t)(q - p) : (size_t)(end - p);
        if (n == 4 && memcmp(p, "host", 4) == 0) return 1;
        p += n + 1;
    }
    return 0;
}

/* Session token check: the request's token must be the credential's. */
static auth_err_t check_token(const auth_request_t *rq, const auth_sig_t *sig,
                              const auth_cred_t *cred, auth_result_t *res)
{
    const char *tok = sig->has_token ? sig->token : find_header(rq, "x-amz-security-token");
    if (!cred->session_token) {
        if (tok) return fail(res, AUTH_UNKNOWN_KEY, NULL);
        return AUTH_OK;
    }
    size_t want = strlen(cred->session_token);
    if (!tok || strlen(tok) != want || !auth_ct_equal(tok, cred->session_token, want))
        return fail(res, AUTH_UNKNOWN_KEY, NULL);
    res->temporary = 1;
    return AUTH_OK;
}

static auth_err_t check_time(const auth_request_t *rq, const auth_sig_t *sig, int64_t t,
                             auth_result_t *res)
{
    char now_s[17], edge_s[17];
    int late = res->presigned ? rq->now_ms > t + sig->expires * 1000 : t < rq->now_ms - AUTH_SKEW_MS;
    if (!late && t <= rq->now_ms + AUTH_SKEW_MS) return AUTH_OK;
    auth_format_amz_date(rq->now_ms, now_s);
    if (res->presigned) {
        if (rq->now_ms > t + sig->expires * 1000)
            return fail(res, AUTH_PRESIGN_EXPIRED, "Request has expired");
        if (t > rq->now_ms + AUTH_SKEW_MS) {
            auth_format_amz_date(rq->now_ms + AUTH_SKEW_MS, edge_s);
            return fail(res, AUTH_SKEWED,
                        "Signature not yet current: %s is still later than %s (%s + 15 min.)",
                        res->amz_date, edge_s, now_s);
        }
        return AUTH_OK;
    }
    if (t < rq->now_ms - AUTH_SKEW_MS) {
        auth_format_amz_date(rq->now_ms - AUTH_SKEW_MS, edge_s);
        return fail(res, AUTH_SKEWED, "Signature expired: %s is now earlier than %s (%s - 15 min.)",
                    res->amz_date, edge_s, now_s);
    }
    if (t > rq->now_ms + AUTH_SKEW_MS) {
        auth_format_amz_date(rq->now_ms + AUTH_SKEW_MS, edge_s);
        return fail(res, AUTH_SKEWED,
                    "Signature not yet current: %s is still later than %s (%s + 15 min.)",
                    res->amz_date, edge_s, now_s);
    }
    return AUTH_OK;
}

/* The request time of a header-signed request: X-Amz-Date, else Date. */
static auth_err_t header_time(const auth_request_t *rq, auth_result_t *res, int64_t *t)
{
    const char *xd = find_header(rq, "x-amz-date");
    if (xd) {
        *t = auth_parse_amz_date(xd);
        if (*t < 0) {
            char ex[40];
            snprintf(ex, sizeof ex, "%.32s", xd);
            for (char *c = ex; *c; c++)
                if (*c < 0x20 || *c > 0x7e) *c = '?';
            return fail(res, AUTH_INCOMPLETE,
                        "Date must be in ISO-8601 'basic format'. Got '%s'. See http://en.wikipedia.org/wiki/ISO_8601",
                        ex);
        }
        memcpy(res->amz_date, xd, 17);
        return AUTH_OK;
    }
    const char *d = find_header(rq, "date");
    if (d && (*t = parse_http_date(d)) >= 0) {
        auth_format_amz_date(*t, res->amz_date);
        return AUTH_OK;
    }
    return fail(res, AUTH_INCOMPLETE,
                "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
}

static int64_t decoded_length(const auth_request_t *rq)
{
    const char *v = find_header(rq, "x-amz-decoded-content-length");
    if (!v || !*v || strlen(v) > 15 || strspn(v, "0123456789") != strlen(v)) return -1;
    return (int64_t)strtoll(v, NULL, 10);
}

auth_err_t auth_verify(const auth_request_t *rq, auth_result_t *res)
{
    memset(res, 0, sizeof *res);
    res->decoded_length = decoded_length(rq);
    auth_sig_t sig;
    const char *authz = find_header(rq, "authorization");
    int presign = has_x_amz_algorithm(rq->raw_query);
    auth_err_t e;
    int64_t t = -1;
    if (authz && presign)
        return fail(res, AUTH_INCOMPLETE,
                    "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, "
                    "Signature query string parameter or the Authorization header should be specified");
    if (authz) {
        e = auth_parse_authorization(authz, &sig, res->message, sizeof res->message);
        if (e != AUTH_OK) return fail(res, e, NULL);
        if ((e = header_time(rq, res, &t)) != AUTH_OK) return e;
    } else {
        res->presigned = 1;
        e = auth_parse_presigned(rq->raw_query, &sig, res->message, sizeof res->message);
        if (e == AUTH_MISSING) {
            res->presigned = 0;
            return fail(res, AUTH_MISSING, NULL);
        }
        if (e != AUTH_OK) return fail(res, e, NULL);
        t = auth_parse_amz_date(sig.amz_date);
        if (t < 0)
            return fail(res, AUTH_INCOMPLETE,
                        "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
        memcpy(res->amz_date, sig.amz_date, 17);
    }
    copy_str(res->access_key, sizeof res->access_key, sig.access_key);
    copy_str(res->region, sizeof res->region, sig.region);
    copy_str(res->service, sizeof res->service, sig.service);
    /* every part is bounded by auth_sig_t's field sizes, which sum below scope's */
    size_t sl = 0;
    const char *parts[4] = {sig.date, sig.region, sig.service, sig.terminator};
    for (int i = 0; i < 4; i++) {
        size_t pl = strlen(parts[i]);
        memcpy(res->scope + sl, parts[i], pl);
        sl += pl;
        res->scope[sl++] = i < 3 ? '/' : 0;
    }
    if ((e = check_scope(rq, &sig, res)) != AUTH_OK) return e;
    if (!signs_host(&sig))
        return fail(res, AUTH_BAD_SIGNATURE,
                    "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");

    auth_cred_t cred = {0};
    if (!rq->lookup || rq->lookup(rq->lookup_arg, sig.access_key, &cred) != 0 || !cred.secret_key)
        return fail(res, AUTH_UNKNOWN_KEY, NULL);
    res->principal_arn = cred.principal_arn;
    if ((e = check_token(rq, &sig, &cred, res)) != AUTH_OK) return e;
    if (cred.expires_ms && rq->now_ms >= cred.expires_ms) return fail(res, AUTH_EXPIRED_TOKEN, NULL);
    if ((e = check_time(rq, &sig, t, res)) != AUTH_OK) return e;

    char payload[80];
    if ((e = payload_line(rq, res, payload)) != AUTH_OK) return e;

    nb_buf_t creq = NB_BUF_INIT, sts = NB_BUF_INIT;
    auth_canonical_request(&creq, rq->method, rq->raw_path, rq->raw_query, rq->headers,
                           rq->n_headers, sig.signed_headers, sig.signed_headers_len, payload,
                           rq->s3, res->presigned);
    auth_string_to_sign(&sts, res->amz_date, res->scope, creq.data, creq.len);
    auth_signing_key(cred.secret_key, sig.date, sig.region, sig.service, res->signing_key);
    char want[65];
    auth_sign_hex(res->signing_key, sts.data, sts.len, want);
    nb_buf_free(&creq);
    nb_buf_free(&sts);
    int ok = sig.signature[0] && auth_ct_equal(want, sig.signature, 64);
    if (!ok) {
        memset(res->signing_key, 0, sizeof res->signing_key);
        return fail(res, AUTH_BAD_SIGNATURE, NULL);
    }
    memcpy(res->seed_signature, sig.signature, 65);
    res->err = AUTH_OK;
    return AUTH_OK;
}

/* --- AWS error shapes ----------------------------------------------------- */

static const char MSG_SIG[] =
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method. Consult the service documentation for details.";
static const char MSG_SIG_S3[] =
    "The request signature we calculated does not match the signature you provided. Check your "
    "key and signing method.";
static const char MSG_TOKEN[] = "The security token included in the request is invalid.";
static const char MSG_EXPIRED[] = "The security token included in the request is expired";
static const char MSG_MISSING[] = "Request is missing Authentication Token";

typedef struct err_row {
    const char *code;
    int status;
    const char *message;   /* default; NULL = use the result's message */
} err_row_t;

/* [err][proto]: JSON, REST_JSON, QUERY, S3 */
static const err_row_t ROWS[AUTH_ERR__COUNT][4] = {
    [AUTH_MISSING] = {
        {"MissingAuthenticationTokenException", 400, MSG_MISSING},
        {"MissingAuthenticationTokenException", 403, MSG_MISSING},
        {"MissingAuthenticationToken", 403, MSG_MISSING},
        {"AccessDenied", 403, "Access Denied"}},
    [AUTH_INCOMPLETE] = {
        {"IncompleteSignatureException", 400, NULL},
        {"IncompleteSignatureException", 403, NULL},
        {"IncompleteSignature", 400, NULL},
        {"AuthorizationHeaderMalformed", 400, NULL}},
    [AUTH_BAD_SIGNATURE] = {
        {"InvalidSignatureException", 400, MSG_SIG},
        {"InvalidSignatureException", 403, MSG_SIG},
        {"SignatureDoesNotMatch", 403, MSG_SIG},
        {"SignatureDoesNotMatch", 403, MSG_SIG_S3}},
    [AUTH_UNKNOWN_KEY] = {
        {"UnrecognizedClientException", 400, MSG_TOKEN},
        {"UnrecognizedClientException", 403, MSG_TOKEN},
        {"InvalidClientTokenId", 403, MSG_TOKEN},
        {"InvalidAccessKeyId", 403, "The AWS Access Key Id you provided does not exist in our records."}},
    [AUTH_EXPIRED_TOKEN] = {
        {"ExpiredTokenException", 400, MSG_EXPIRED},
        {"ExpiredTokenException", 403, MSG_EXPIRED},
        {"ExpiredToken", 403, MSG_EXPIRED},
        {"ExpiredToken", 400, "The provided token has expired."}},
    [AUTH_SKEWED] = {
        {"InvalidSignatureException", 400, NULL},
        {"InvalidSignatureException", 403, NULL},
        {"SignatureDoesNotMatch", 403, NULL},
        {"RequestTimeTooSkewed", 403, "The difference between the request time and the current time is too large."}},
    [AUTH_PRESIGN_EXPIRED] = {
        {"AccessDeniedException", 400, "Request has expired"},
        {"AccessDeniedException", 403, "Request has expired"},
        {"AccessDenied", 403, "Request has expired"},
        {"AccessDenied", 403, "Request has expired"}},
    [AUTH_PAYLOAD_MISMATCH] = {
        {"InvalidSignatureException", 400, MSG_SIG},
        {"InvalidSignatureException", 403, MSG_SIG},
        {"SignatureDoesNotMatch", 403, MSG_SIG},
        {"XAmzContentSHA256Mismatch", 400, NULL}},
};

void auth_aws_error(const auth_result_t *res, auth_proto_t proto, auth_aws_error_t *out)
{
    auth_err_t e = res->err;
    if (e <= AUTH_OK || e >= AUTH_ERR__COUNT) e = AUTH_BAD_SIGNATURE;
    const err_row_t *r = &ROWS[e][proto];
    out->code = r->code;
    out->status = r->status;
    out->message = r->message;
    if (proto == AUTH_PROTO_S3 && e == AUTH_INCOMPLETE && res->presigned)
        out->code = "AuthorizationQueryParametersError";
    if (proto == AUTH_PROTO_S3 && e == AUTH_INCOMPLETE &&
        strncmp(res->message, "Missing required header", 23) == 0)
        out->code = "InvalidRequest";
    /* A scope mismatch explains itself (AWS words these specifically). */
    if (!out->message || (e == AUTH_BAD_SIGNATURE && res->message[0] && proto != AUTH_PROTO_S3))
        out->message = res->message[0] ? res->message : MSG_SIG;
}

const char *auth_err_name(auth_err_t err)
{
    static const char *const names[AUTH_ERR__COUNT] = {
        "AUTH_OK", "AUTH_MISSING", "AUTH_INCOMPLETE", "AUTH_BAD_SIGNATURE", "AUTH_UNKNOWN_KEY",
        "AUTH_EXPIRED_TOKEN", "AUTH_SKEWED", "AUTH_PRESIGN_EXPIRED", "AUTH_PAYLOAD_MISMATCH"};
    return (err >= 0 && err < AUTH_ERR__COUNT) ? names[err] : "AUTH_?";
}

/* --- presigning ----------------------------------------------------------- */

void auth_presign_query(nb_buf_t *out, const char *method, const char *host, const char *raw_path,
                        const char *existing_query, const char *access_key, const char *secret,
                        const char *session_token, const char *region, const char *service,
                        int64_t now_ms, long long expires, int s3)
{
    char amz_date[17];
    auth_format_amz_date(now_ms, amz_date);
    char cred[300];
    snprintf(cred, sizeof cred, "%s/%.8s/%s/%s/aws4_request", access_key, amz_date, region, service);
    nb_buf_t q = NB_BUF_INIT;
    if (existing_query && *existing_query) {
        nb_buf_puts(&q, existing_query);
        nb_buf_putc(&q, '&');
    }
    nb_buf_puts(&q, "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=");
    nb_url_encode(&q, cred, strlen(cred), 0);
    nb_buf_printf(&q, "&X-Amz-Date=%s&X-Amz-Expires=%lld&X-Amz-SignedHeaders=host", amz_date, expires);
    if (session_token) {
        nb_buf_puts(&q, "&X-Amz-Security-Token=");
        nb_url_encode(&q, session_token, strlen(session_token), 0);
    }
    nb_kv_t hdr = {"host", host, strlen(host)};
    nb_buf_t creq = NB_BUF_INIT, sts = NB_BUF_INIT;
    auth_canonical_request(&creq, method, raw_path, q.data, &hdr, 1, "host", 4,
                           s3 ? "UNSIGNED-PAYLOAD" : EMPTY_SHA256, s3, 1);
    char scope[200];
    snprintf(scope, sizeof scope, "%.8s/%s/%s/aws4_request", amz_date, region, service);
    auth_string_to_sign(&sts, amz_date, scope, creq.data, creq.len);
    unsigned char key[32];
    char date[9];
    memcpy(date, amz_date, 8);
    date[8] = 0;
    auth_signing_key(secret, date, region, service, key);
    char sig[65];
    auth_sign_hex(key, sts.data, sts.len, sig);
    nb_buf_printf(&q, "&X-Amz-Signature=%s", sig);
    nb_buf_append(out, q.data, q.len);
    nb_buf_free(&q);
    nb_buf_free(&creq);
    nb_buf_free(&sts);
}
