/* sigv4.h — AWS Signature Version 4: verifying requests, presigned URLs and
 * streaming (aws-chunked) payloads.
 *
 * The engine is self-contained: the edge hands it the request as it arrived
 * (method, raw path, raw query, headers, body or payload hash), the current
 * time and a credential lookup callback; it answers AUTH_OK or one auth_err_t
 * and fills an auth_result_t (who signed, scope, what the streaming decoder
 * needs). Mapping an auth_err_t onto each protocol's AWS error name, status
 * and message is table data (auth_aws_error()).
 *
 * Canonical request rules (as the AWS SDKs sign):
 *   - path: every service except S3 removes dot segments and empty segments
 *     ("//a/./b/../" -> "/a/") and then URI-encodes the wire path again, so a
 *     '%' already on the wire becomes "%25" (double encoding); S3 signs its
 *     path as sent (decoded once and re-encoded, which is the identity for
 *     the SDKs' canonical encoding) and is never normalized;
 *   - query: pairs split on '&', each key and value decoded and re-encoded with
 *     the RFC 3986 unreserved set, sorted by key then value, "k=" for an empty
 *     value; X-Amz-Signature is left out for presigned requests;
 *   - headers: only the SignedHeaders, in that list's order, "name:value"
 *     where repeated headers are joined with ',' and each value is trimmed with
 *     inner whitespace runs collapsed to one space;
 *   - payload: x-amz-content-sha256 when present (required for S3, which also
 *     accepts UNSIGNED-PAYLOAD and the STREAMING-* modes), "UNSIGNED-PAYLOAD"
 *     for S3 presigned URLs, else the hex SHA-256 of the body.
 *
 * Secrets: secret keys, derived signing keys, session tokens and signatures
 * are never logged nor copied into error messages. Messages name only access
 * key ids, dates and scopes, as AWS's do. */
#ifndef NB_AUTH_SIGV4_H
#define NB_AUTH_SIGV4_H
#include <stddef.h>
#include <stdint.h>
#include "core/buf.h"
#include "core/request.h"

#define AUTH_SKEW_MS (15LL * 60 * 1000)      /* allowed clock skew, both ways */
#define AUTH_PRESIGN_MAX_EXPIRES 604800     /* X-Amz-Expires upper bound (7 days) */

typedef enum auth_err {
    AUTH_OK = 0,
    AUTH_MISSING,           /* no Authorization header nor X-Amz-Algorithm query */
    AUTH_INCOMPLETE,        /* malformed Authorization / presign parameters */
    AUTH_BAD_SIGNATURE,     /* signature (or scope) does not match */
    AUTH_UNKNOWN_KEY,       /* access key unknown, or session token wrong/missing */
    AUTH_EXPIRED_TOKEN,     /* temporary credentials past their expiry */
    AUTH_SKEWED,            /* request time outside the 15-minute window */
    AUTH_PRESIGN_EXPIRED,   /* presigned URL past X-Amz-Date + X-Amz-Expires */
    AUTH_PAYLOAD_MISMATCH,  /* x-amz-content-sha256 is not the body's hash */
    AUTH_ERR__COUNT
} auth_err_t;

/* The protocol families whose error shapes differ. */
typedef enum auth_proto {
    AUTH_PROTO_JSON,        /* awsJson1.0/1.1 (DynamoDB, STS-less JSON services) */
    AUTH_PROTO_REST_JSON,   /* restJson1 (Lambda, API Gateway) */
    AUTH_PROTO_QUERY,       /* Query (IAM, STS, SQS, SNS) */
    AUTH_PROTO_S3           /* REST-XML S3 */
} auth_proto_t;

typedef struct auth_aws_error {
    const char *code;       /* "InvalidSignatureException", "SignatureDoesNotMatch", ... */
    int status;             /* HTTP status */
    const char *message;    /* AWS's wording; borrowed (static or from the result) */
} auth_aws_error_t;

/* How the body is covered by the signature. */
typedef enum auth_payload {
    AUTH_PAYLOAD_SIGNED = 0,              /* hex SHA-256 of the whole body */
    AUTH_PAYLOAD_UNSIGNED,                /* UNSIGNED-PAYLOAD */
    AUTH_PAYLOAD_STREAMING,               /* STREAMING-AWS4-HMAC-SHA256-PAYLOAD */
    AUTH_PAYLOAD_STREAMING_TRAILER,       /* STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER */
    AUTH_PAYLOAD_STREAMING_UNSIGNED_TRAILER /* STREAMING-UNSIGNED-PAYLOAD-TRAILER */
} auth_payload_t;

/* What the credential store knows about one access key. Strings are borrowed:
 * they must stay valid until the caller is done with the auth_result_t. */
typedef struct auth_cred {
    const char *secret_key;      /* never logged */
    const char *session_token;   /* NULL for long-term keys */
    const char *principal_arn;   /* "arn:aws:iam::000000000000:user/alice" */
    int64_t expires_ms;          /* Unix ms after which the key is expired; 0 = never */
} auth_cred_t;

/* Fill *out for access_key; 0 when found, -1 when unknown. */
typedef int (*auth_lookup_fn)(void *arg, const char *access_key, auth_cred_t *out);

typedef struct auth_request {
    const char *method;          /* "GET" */
    const char *raw_path;        /* as sent, still percent-encoded */
    const char *raw_query;       /* without '?'; "" or NULL when none */
    const nb_kv_t *headers;      /* names lower-cased; repeated names allowed */
    size_t n_headers;
    const void *body;            /* used when payload_hash is NULL */
    size_t body_len;
    const char *payload_hash;    /* hex SHA-256 of the body if already known, else NULL */
    int64_t now_ms;              /* wall clock, Unix ms */
    const char *service;         /* expected scope service ("dynamodb"), NULL = any */
    const char *region;          /* expected scope region, NULL = any */
    int s3;                      /* S3 rules (no normalization, x-amz-content-sha256) */
    auth_lookup_fn lookup;
    void *lookup_arg;
} auth_request_t;

typedef struct auth_result {
    auth_err_t err;
    char message[400];           /* AWS-worded detail for err, "" = protocol default */
    char access_key[129];
    char amz_date[17];           /* "20150830T123600Z" */
    char scope[200];             /* "20150830/us-east-1/service/aws4_request" */
    char region[64];
    char service[64];
    const char *principal_arn;   /* borrowed from the auth_cred_t */
    int presigned;
    int temporary;               /* signed with session credentials */
    auth_payload_t payload;
    int64_t decoded_length;      /* x-amz-decoded-content-length, -1 when absent */
    /* For the streaming decoder; key material, never logged. */
    unsigned char signing_key[32];
    char seed_signature[65];
} auth_result_t;

/* Verify rq. Returns res->err (AUTH_OK when the signature is good); res is
 * fully written either way. */
auth_err_t auth_verify(const auth_request_t *rq, auth_result_t *res);

/* AWS's error name, status and message for res->err in protocol proto. */
void auth_aws_error(const auth_result_t *res, auth_proto_t proto, auth_aws_error_t *out);
const char *auth_err_name(auth_err_t err);   /* "AUTH_BAD_SIGNATURE", for logs/tests */

/* --- the pieces, exposed for tests, tools and presigning ------------------ */

/* A parsed Authorization header or presigned query. Pointers are borrowed
 * from the parsed input (valid while it is), except token which points into
 * the struct's own storage when it had to be decoded. */
typedef struct auth_sig {
    char access_key[129];
    char date[9];                /* credential scope date */
    char region[64];
    char service[64];
    char terminator[16];
    const char *signed_headers;  /* "host;x-amz-date" (into the input or sh_buf) */
    size_t signed_headers_len;
    char sh_buf[1024];           /* presigned: decoded X-Amz-SignedHeaders */
    char signature[65];          /* "" when not 64 lowercase hex (never matches) */
    char amz_date[17];           /* presigned: X-Amz-Date */
    long long expires;           /* presigned: X-Amz-Expires, else -1 */
    char token[2048];            /* presigned: decoded X-Amz-Security-Token, "" when none */
    int has_token;
} auth_sig_t;

/* Parse "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...".
 * Returns AUTH_OK or AUTH_INCOMPLETE with msg (cap bytes) explaining why. */
auth_err_t auth_parse_authorization(const char *value, auth_sig_t *out, char *msg, size_t cap);
/* Parse the X-Amz-* parameters of a presigned query. AUTH_MISSING when the
 * query carries no X-Amz-Algorithm; AUTH_INCOMPLETE with msg when malformed. */
auth_err_t auth_parse_presigned(const char *raw_query, auth_sig_t *out, char *msg, size_t cap);

/* Append the canonical request to out. signed_headers is the SignedHeaders
 * list; payload_hash the last line; skip_signature drops X-Amz-Signature
 * from the query (presigned). */
void auth_canonical_request(nb_buf_t *out, const char *method, const char *raw_path,
                            const char *raw_query, const nb_kv_t *headers, size_t n_headers,
                            const char *signed_headers, size_t signed_headers_len,
                            const char *payload_hash, int s3, int skip_signature);
/* The path and query lines alone (appended to out). */
void auth_canonical_uri(nb_buf_t *out, const char *raw_path, int s3);
void auth_canonical_query(nb_buf_t *out, const char *raw_query, int skip_signature);

/* "AWS4-HMAC-SHA256\n<amz_date>\n<scope>\n<hex sha256(creq)>" appended to out. */
void auth_string_to_sign(nb_buf_t *out, const char *amz_date, const char *scope,
                         const char *creq, size_t creq_len);

/* Derived signing key for (secret, date, region, service), from a small
 * process-wide cache (keyed by a digest of the secret, never the secret). */
void auth_signing_key(const char *secret, const char *date, const char *region,
                      const char *service, unsigned char out[32]);
/* Hex HMAC-SHA256(key, msg): the signature (out: 65 bytes). */
void auth_sign_hex(const unsigned char key[32], const char *msg, size_t len, char out[65]);

/* Hex SHA-256 of data (out: 65 bytes). */
void auth_sha256_hex(const void *data, size_t len, char out[65]);
void auth_sha256(const void *data, size_t len, unsigned char out[32]);
void auth_hmac_sha256(const void *key, size_t key_len, const void *msg, size_t len,
                      unsigned char out[32]);
/* Constant-time equality of two n-byte strings. */
int auth_ct_equal(const void *a, const void *b, size_t n);

/* Time helpers: "20150830T123600Z" <-> Unix ms; -1 on a malformed date. */
int64_t auth_parse_amz_date(const char *s);
void auth_format_amz_date(int64_t unix_ms, char out[17]);

/* Presign: the query string (without '?') that makes GET/PUT... of
 * raw_path verifiable by auth_verify — for tests and for nimbus-issued URLs.
 * existing_query may be "" or NULL. Result appended to out. */
void auth_presign_query(nb_buf_t *out, const char *method, const char *host,
                        const char *raw_path, const char *existing_query,
                        const char *access_key, const char *secret, const char *session_token,
                        const char *region, const char *service, int64_t now_ms,
                        long long expires, int s3);

/* --- aws-chunked streaming payloads ----------------------------------------
 *
 * A decoder is fed the raw body as it arrives and appends the decoded payload
 * to an nb_buf_t, checking each chunk's signature chained from the seed
 * signature (signed modes), and collecting trailers. State machine:
 *
 *   SIZE --"hex[;chunk-signature=sig]\r\n"--> DATA --n bytes--> DATA_CRLF --"\r\n"--> SIZE
 *   SIZE --"0[;chunk-signature=sig]\r\n"--> TRAILER (trailer modes) | END_CRLF
 *   TRAILER --"name:value\r\n"--> TRAILER ; --"\r\n"--> DONE
 *   END_CRLF --"\r\n"--> DONE
 *   any --bad framing / bad signature--> FAILED (sticky)
 */
typedef struct auth_chunked auth_chunked_t;

/* New decoder for a request auth_verify() accepted with a STREAMING payload
 * mode (res is copied; caller frees with auth_chunked_free). */
auth_chunked_t *auth_chunked_new(const auth_result_t *res);
void auth_chunked_free(auth_chunked_t *d);
/* Feed len bytes. Returns 0 while more input is expected, 1 when the body is
 * complete (trailing bytes are an error), -1 on bad framing or a signature
 * mismatch (then auth_chunked_error() says which AUTH_* and why). */
int auth_chunked_feed(auth_chunked_t *d, const char *data, size_t len, nb_buf_t *out);
auth_err_t auth_chunked_error(const auth_chunked_t *d, const char **message);
/* A trailer's value ("x-amz-checksum-crc32"), NULL when absent; valid until free. */
const char *auth_chunked_trailer(const auth_chunked_t *d, const char *name);
uint64_t auth_chunked_decoded_len(const auth_chunked_t *d);

/* Chunk signature helpers (exposed for tests and for building streams):
 * signature of one chunk given the previous signature, and of the trailer
 * block (canonical "name:value\n" lines). out: 65 bytes. */
void auth_chunk_signature(const unsigned char key[32], const char *amz_date, const char *scope,
                          const char *prev_sig, const void *data, size_t len, char out[65]);
void auth_trailer_signature(const unsigned char key[32], const char *amz_date, const char *scope,
                            const char *prev_sig, const char *canon_trailers, size_t len,
                            char out[65]);

#endif
