/* test_sigv4.c — SigV4 against AWS's published test suite
 * (tests/fixtures/sigv4/suite.json: the aws-sig-v4-test-suite vectors, with
 * the raw .req, expected .creq, .sts and .authz of each case), plus the
 * verifier's refusals: skew, unknown keys, tokens, scopes, presigned URLs. */
#include "test.h"
#include <ctype.h>
#include <jansson.h>
#include <pthread.h>
#include "auth/sigv4.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/util.h"

#define SUITE "tests/fixtures/sigv4/suite.json"
#define AKID "AKIDEXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define T0 "20150830T123600Z"

/* --- a tiny .req parser: request line, headers (continuation lines are
 * further values of the same header, as the suite's .creq expects), body --- */
typedef struct parsed {
    char method[16];
    char path[512];
    char query[512];
    nb_kv_t h[16];
    char names[16][64];
    char values[16][1024];
    size_t n;
    const char *body;
} parsed_t;

static void add_header(parsed_t *p, const char *name, size_t nl, const char *v, size_t vl)
{
    ASSERT(p->n < 16 && nl < 64 && vl < 1024);
    for (size_t i = 0; i < nl; i++) p->names[p->n][i] = (char)tolower((unsigned char)name[i]);
    p->names[p->n][nl] = 0;
    memcpy(p->values[p->n], v, vl);
    p->values[p->n][vl] = 0;
    p->h[p->n].name = p->names[p->n];
    p->h[p->n].value = p->values[p->n];
    p->h[p->n].value_len = vl;
    p->n++;
}

static void parse_req(const char *req, parsed_t *p)
{
    memset(p, 0, sizeof *p);
    const char *eol = strchr(req, '\n');
    ASSERT(eol);
    const char *sp = strchr(req, ' ');
    memcpy(p->method, req, (size_t)(sp - req));
    const char *target = sp + 1;
    const char *target_end = eol - strlen(" HTTP/1.1");
    const char *q = memchr(target, '?', (size_t)(target_end - target));
    const char *path_end = q ? q : target_end;
    memcpy(p->path, target, (size_t)(path_end - target));
    if (q) memcpy(p->query, q + 1, (size_t)(target_end - q - 1));
    const char *line = eol + 1;
    const char *last_name = NULL;
    size_t last_nl = 0;
    p->body = "";
    while (*line) {
        const char *e = strchr(line, '\n');
        size_t len = e ? (size_t)(e - line) : strlen(line);
        if (len == 0) {
            p->body = e ? e + 1 : "";
            break;
        }
        if (line[0] == ' ' || line[0] == '\t') {
            add_header(p, last_name, last_nl, line, len);
        } else {
            const char *colon = memchr(line, ':', len);
            ASSERT(colon);
            last_name = line;
            last_nl = (size_t)(colon - line);
            const char *v = colon + 1;
            size_t vl = len - last_nl - 1;
            while (vl && *v == ' ') { v++; vl--; }
            add_header(p, line, last_nl, v, vl);
        }
        if (!e) break;
        line = e + 1;
    }
}

typedef struct creds {
    const char *ak, *sk, *token, *arn;
    int64_t expires_ms;
} creds_t;

static int lookup(void *arg, const char *ak, auth_cred_t *out)
{
    const creds_t *c = arg;
    if (strcmp(ak, c->ak) != 0) return -1;
    out->secret_key = c->sk;
    out->session_token = c->token;
    out->principal_arn = c->arn;
    out->expires_ms = c->expires_ms;
    return 0;
}

static json_t *load_suite(void)
{
    json_error_t err;
    json_t *j = json_load_file(SUITE, 0, &err);
    if (!j) TEST_FAIL_("cannot load %s: %s", SUITE, err.text);
    return j;
}

static const char *signed_headers_of(const char *authz, size_t *len)
{
    const char *s = strstr(authz, "SignedHeaders=") + strlen("SignedHeaders=");
    *len = strcspn(s, ",");
    return s;
}

static void run_vector(json_t *v, int check_verify)
{
    const char *name = json_string_value(json_object_get(v, "name"));
    const char *req = json_string_value(json_object_get(v, "req"));
    const char *creq_want = json_string_value(json_object_get(v, "creq"));
    const char *sts_want = json_string_value(json_object_get(v, "sts"));
    const char *authz = json_string_value(json_object_get(v, "authz"));
    parsed_t p;
    parse_req(req, &p);

    size_t shl;
    const char *sh = signed_headers_of(authz, &shl);
    char body_hash[65];
    auth_sha256_hex(p.body, strlen(p.body), body_hash);
    nb_buf_t creq = NB_BUF_INIT, sts = NB_BUF_INIT;
    auth_canonical_request(&creq, p.method, p.path, p.query, p.h, p.n, sh, shl, body_hash, 0, 0);
    if (strcmp(creq.data, creq_want) != 0)
        TEST_FAIL_("%s: canonical request\n--- got\n%s\n--- want\n%s", name, creq.data, creq_want);
    auth_string_to_sign(&sts, T0, "20150830/us-east-1/service/aws4_request", creq.data, creq.len);
    if (strcmp(sts.data, sts_want) != 0)
        TEST_FAIL_("%s: string to sign\n--- got\n%s\n--- want\n%s", name, sts.data, sts_want);
    unsigned char key[32];
    auth_signing_key(SECRET, "20150830", "us-east-1", "service", key);
    char sig[65];
    auth_sign_hex(key, sts.data, sts.len, sig);
    ASSERT_STREQ(sig, strstr(authz, "Signature=") + 10);
    nb_buf_free(&creq);
    nb_buf_free(&sts);
    if (!check_verify) return;

    /* the whole verifier, as the edge calls it */
    const char *tok = NULL;
    for (size_t i = 0; i < p.n; i++)
        if (strcmp(p.h[i].name, "x-amz-security-token") == 0) tok = p.h[i].value;
    creds_t c = {AKID, SECRET, tok, "arn:aws:iam::000000000000:user/example", 0};
    add_header(&p, "Authorization", 13, authz, strlen(authz));
    auth_request_t rq = {.method = p.method, .raw_path = p.path, .raw_query = p.query,
                         .headers = p.h, .n_headers = p.n, .body = p.body,
                         .body_len = strlen(p.body), .now_ms = auth_parse_amz_date(T0),
                         .service = "service", .region = "us-east-1", .lookup = lookup,
                         .lookup_arg = &c};
    auth_result_t res;
    auth_err_t e = auth_verify(&rq, &res);
    if (e != AUTH_OK) TEST_FAIL_("%s: verify: %s %s", name, auth_err_name(e), res.message);
    ASSERT_STREQ(res.access_key, AKID);
    ASSERT_STREQ(res.principal_arn, "arn:aws:iam::000000000000:user/example");
    ASSERT_EQ(res.temporary, tok != NULL);
    /* one changed signature digit is refused */
    char *bad = p.values[p.n - 1];
    size_t bl = strlen(bad);
    bad[bl - 1] = bad[bl - 1] == '0' ? '1' : '0';
    ASSERT_EQ(auth_verify(&rq, &res), AUTH_BAD_SIGNATURE);
}

static void run_group(const char *name_or_group)
{
    json_t *j = load_suite();
    json_t *vs = json_object_get(j, "vectors");
    size_t i;
    json_t *v;
    int found = 0;
    json_array_foreach(vs, i, v) {
        const char *n = json_string_value(json_object_get(v, "name"));
        const char *g = json_string_value(json_object_get(v, "group"));
        if (strcmp(n, name_or_group) == 0 || strcmp(g, name_or_group) == 0) {
            run_vector(v, 1);
            found++;
        }
    }
    ASSERT(found > 0);
    json_decref(j);
}

/* One TEST per published vector, so a failure names it. */
#define SUITE_TEST(id, name) TEST(suite_##id) { run_group(name); }
SUITE_TEST(get_vanilla, "get-vanilla")
SUITE_TEST(get_vanilla_query, "get-vanilla-query")
SUITE_TEST(get_vanilla_empty_query_key, "get-vanilla-empty-query-key")
SUITE_TEST(get_vanilla_query_order_key, "get-vanilla-query-order-key")
SUITE_TEST(get_vanilla_query_order_key_case, "get-vanilla-query-order-key-case")
SUITE_TEST(get_vanilla_query_order_value, "get-vanilla-query-order-value")
SUITE_TEST(get_vanilla_query_unreserved, "get-vanilla-query-unreserved")
SUITE_TEST(get_vanilla_utf8_query, "get-vanilla-utf8-query")
SUITE_TEST(get_header_key_duplicate, "get-header-key-duplicate")
SUITE_TEST(get_header_value_multiline, "get-header-value-multiline")
SUITE_TEST(get_header_value_order, "get-header-value-order")
SUITE_TEST(get_header_value_trim, "get-header-value-trim")
SUITE_TEST(get_unreserved, "get-unreserved")
SUITE_TEST(get_utf8, "get-utf8")
SUITE_TEST(post_header_key_case, "post-header-key-case")
SUITE_TEST(post_header_key_sort, "post-header-key-sort")
SUITE_TEST(post_header_value_case, "post-header-value-case")
SUITE_TEST(post_vanilla, "post-vanilla")
SUITE_TEST(post_vanilla_query, "post-vanilla-query")
SUITE_TEST(post_vanilla_empty_query_value, "post-vanilla-empty-query-value")
SUITE_TEST(post_x_www_form_urlencoded, "post-x-www-form-urlencoded")
SUITE_TEST(post_x_www_form_urlencoded_parameters, "post-x-www-form-urlencoded-parameters")
SUITE_TEST(normalize_get_relative, "get-relative")
SUITE_TEST(normalize_get_relative_relative, "get-relative-relative")
SUITE_TEST(normalize_get_slash, "get-slash")
SUITE_TEST(normalize_get_slash_dot_slash, "get-slash-dot-slash")
SUITE_TEST(normalize_get_slash_pointless_dot, "get-slash-pointless-dot")
SUITE_TEST(normalize_get_slashes, "get-slashes")
SUITE_TEST(normalize_get_space, "get-space")
SUITE_TEST(post_sts_token, "post-sts-token")

TEST(suite_has_all_31_vectors)
{
    json_t *j = load_suite();
    ASSERT_EQ(json_array_size(json_object_get(j, "vectors")), 31);
    json_decref(j);
}

/* --- the suite's newer edition (aws_c_auth.json): signed requests ------------ */

/* The signature a request carries: Authorization's, or X-Amz-Signature. */
static const char *carried_signature(const parsed_t *p)
{
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->h[i].name, "authorization") == 0) return strstr(p->h[i].value, "Signature=") + 10;
    const char *q = strstr(p->query, "X-Amz-Signature=");
    return q ? q + 16 : NULL;
}

TEST(suite_v4_signed_requests)
{
    json_error_t err;
    json_t *j = json_load_file("tests/fixtures/sigv4/aws_c_auth.json", 0, &err);
    if (!j) TEST_FAIL_("cannot load aws_c_auth.json: %s", err.text);
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(j, "vectors"), i, v) {
        const char *name = json_string_value(json_object_get(v, "name"));
        const char *mode = json_string_value(json_object_get(v, "mode"));
        json_t *tok = json_object_get(v, "token");
        parsed_t p;
        parse_req(json_string_value(json_object_get(v, "req")), &p);
        const char *want = carried_signature(&p);
        ASSERT(want);
        if (strcmp(mode, "raw") == 0) {
            /* the canonical request with an untouched path, by the pieces */
            const char *sh = "host";
            size_t shl = 4;
            for (size_t k = 0; k < p.n; k++)
                if (strcmp(p.h[k].name, "authorization") == 0) sh = signed_headers_of(p.h[k].value, &shl);
            nb_buf_t creq = NB_BUF_INIT, sts = NB_BUF_INIT;
            auth_canonical_request(&creq, p.method, p.path, p.query, p.h, p.n, sh, shl,
                                   "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", 1, 1);
            auth_string_to_sign(&sts, T0, "20150830/us-east-1/service/aws4_request", creq.data, creq.len);
            unsigned char key[32];
            char sig[65];
            auth_signing_key(SECRET, "20150830", "us-east-1", "service", key);
            auth_sign_hex(key, sts.data, sts.len, sig);
            if (strncmp(sig, want, 64) != 0) TEST_FAIL_("%s: signature %s, want %.64s\n%s", name, sig, want, creq.data);
            nb_buf_free(&creq);
            nb_buf_free(&sts);
            continue;
        }
        creds_t c = {AKID, SECRET, json_is_string(tok) ? json_string_value(tok) : NULL, "arn:aws:iam::000000000000:user/x", 0};
        auth_request_t rq = {.method = p.method, .raw_path = p.path, .raw_query = p.query,
                             .headers = p.h, .n_headers = p.n, .body = "", .body_len = 0,
                             .now_ms = auth_parse_amz_date(T0), .service = "service",
                             .region = "us-east-1", .s3 = strcmp(mode, "s3") == 0,
                             .lookup = lookup, .lookup_arg = &c};
        auth_result_t r;
        auth_err_t e = auth_verify(&rq, &r);
        if (e != AUTH_OK) TEST_FAIL_("%s: %s %s", name, auth_err_name(e), r.message);
        ASSERT_EQ(r.presigned, strstr(p.query, "X-Amz-Signature=") != NULL);
    }
    json_decref(j);
}

/* --- key derivation (AWS General Reference example) ---------------------- */
TEST(signing_key_derivation_aws_example)
{
    unsigned char k[32];
    char hex[65];
    auth_signing_key(SECRET, "20120215", "us-east-1", "iam", k);
    nb_hex(k, 32, hex);
    ASSERT_STREQ(hex, "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
    /* second call is served from the cache and must be identical */
    unsigned char k2[32];
    auth_signing_key(SECRET, "20120215", "us-east-1", "iam", k2);
    ASSERT_MEMEQ(k, k2, 32);
    /* a different secret with the same scope must not hit the cached key */
    auth_signing_key("another-secret", "20120215", "us-east-1", "iam", k2);
    ASSERT(memcmp(k, k2, 32) != 0);
}

/* Many secrets at once (every Lambda environment signs with its own key): each
 * call, hit or miss, gives the key derived from its own tuple. */
TEST(signing_key_cache_many_secrets_each_keeps_its_key)
{
    enum { N = 600 };
    static unsigned char first[N][32];
    char secret[32];
    for (int round = 0; round < 3; round++)
        for (int i = 0; i < N; i++) {
            int j = round == 1 ? N - 1 - i : i;   /* forward, backward, forward */
            snprintf(secret, sizeof secret, "secret-%d", j);
            unsigned char k[32];
            auth_signing_key(secret, "20120215", "us-east-1", j % 2 ? "iam" : "dynamodb", k);
            if (round == 0) memcpy(first[j], k, 32);
            else ASSERT_MEMEQ(k, first[j], 32);
        }
    unsigned char a[32], b[32];
    auth_signing_key("secret-1", "20120215", "us-east-1", "iam", a);
    auth_signing_key("secret-2", "20120215", "us-east-1", "iam", b);
    ASSERT(memcmp(a, b, 32) != 0);
    auth_signing_key(SECRET, "20120215", "us-east-1", "iam", a);
    char hex[65];
    nb_hex(a, 32, hex);
    ASSERT_STREQ(hex, "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

TEST(hmac_rfc4231_case2)
{
    unsigned char d[32];
    char hex[65];
    auth_hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, d);
    nb_hex(d, 32, hex);
    ASSERT_STREQ(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    /* key longer than the block size is hashed first (RFC 4231 case 6) */
    unsigned char key[131];
    memset(key, 0xaa, sizeof key);
    const char *m = "Test Using Larger Than Block-Size Key - Hash Key First";
    auth_hmac_sha256(key, sizeof key, m, strlen(m), d);
    nb_hex(d, 32, hex);
    ASSERT_STREQ(hex, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

/* --- canonical pieces ---------------------------------------------------- */
static char *curi(const char *p, int s3)
{
    static char out[512];
    nb_buf_t b = NB_BUF_INIT;
    auth_canonical_uri(&b, p, s3);
    snprintf(out, sizeof out, "%s", b.data);
    nb_buf_free(&b);
    return out;
}

static char *cquery(const char *q, int skip)
{
    static char out[512];
    nb_buf_t b = NB_BUF_INIT;
    auth_canonical_query(&b, q, skip);
    snprintf(out, sizeof out, "%s", b.data ? b.data : "");
    nb_buf_free(&b);
    return out;
}

TEST(canonical_uri_double_encodes_except_s3)
{
    ASSERT_STREQ(curi("/a%20b", 0), "/a%2520b");
    ASSERT_STREQ(curi("/a%20b", 1), "/a%20b");
    ASSERT_STREQ(curi("/fn/arn%3Aaws%3Alambda", 0), "/fn/arn%253Aaws%253Alambda");
}

TEST(canonical_uri_s3_not_normalized)
{
    ASSERT_STREQ(curi("/bucket//a/../b/./c", 1), "/bucket//a/../b/./c");
    ASSERT_STREQ(curi("/bucket//a/../b/./c", 0), "/bucket/b/c");
    ASSERT_STREQ(curi("/bucket/key~with+plus", 1), "/bucket/key~with%2Bplus");
}

TEST(canonical_uri_edge_cases)
{
    ASSERT_STREQ(curi("", 0), "/");
    ASSERT_STREQ(curi("/", 0), "/");
    ASSERT_STREQ(curi("/..", 0), "/");
    ASSERT_STREQ(curi("/../../a", 0), "/a");
    ASSERT_STREQ(curi("/a/.", 0), "/a");
    ASSERT_STREQ(curi("/a/b/", 0), "/a/b/");
    ASSERT_STREQ(curi("/%zz", 0), "/%25zz");
    ASSERT_STREQ(curi("/%zz", 1), "/%25zz");
}

TEST(canonical_query_sorting_and_encoding)
{
    ASSERT_STREQ(cquery("b=2&a=1&a=0", 0), "a=0&a=1&b=2");
    ASSERT_STREQ(cquery("flag&x=", 0), "flag=&x=");
    ASSERT_STREQ(cquery("a=%7e&b=%2f&c=x y", 0), "a=~&b=%2F&c=x%20y");
    ASSERT_STREQ(cquery("a=1&&b=2&", 0), "a=1&b=2");
    ASSERT_STREQ(cquery("X-Amz-Signature=abc&a=1", 1), "a=1");
    ASSERT_STREQ(cquery("X-Amz-Signature=abc&a=1", 0), "X-Amz-Signature=abc&a=1");
    ASSERT_STREQ(cquery("a=1+2", 0), "a=1%2B2");
    ASSERT_STREQ(cquery("", 0), "");
}

/* --- the verifier's refusals --------------------------------------------- */

typedef struct rqb {
    nb_kv_t h[8];
    size_t n;
    char authz[512];
    auth_request_t rq;
    creds_t c;
} rqb_t;

/* get-vanilla, signed at T0 with the suite's key. */
static void vanilla(rqb_t *b, const char *query)
{
    memset(b, 0, sizeof *b);
    b->c = (creds_t){AKID, SECRET, NULL, "arn:aws:iam::000000000000:user/example", 0};
    b->h[b->n++] = (nb_kv_t){"host", "example.amazonaws.com", 21};
    b->h[b->n++] = (nb_kv_t){"x-amz-date", T0, 16};
    b->rq = (auth_request_t){.method = "GET", .raw_path = "/", .raw_query = query ? query : "",
                             .headers = b->h, .n_headers = b->n, .now_ms = auth_parse_amz_date(T0),
                             .service = "service", .region = "us-east-1", .lookup = lookup,
                             .lookup_arg = &b->c};
}

static void with_authz(rqb_t *b, const char *authz)
{
    snprintf(b->authz, sizeof b->authz, "%s", authz);
    b->h[b->n++] = (nb_kv_t){"authorization", b->authz, strlen(b->authz)};
    b->rq.n_headers = b->n;
}

#define VANILLA_AUTHZ \
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, " \
    "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"

TEST(verify_vanilla_ok)
{
    rqb_t b;
    vanilla(&b, NULL);
    with_authz(&b, VANILLA_AUTHZ);
    auth_result_t r;
    ASSERT_EQ(auth_verify(&b.rq, &r), AUTH_OK);
    ASSERT_STREQ(r.scope, "20150830/us-east-1/service/aws4_request");
    ASSERT_STREQ(r.amz_date, T0);
    ASSERT_EQ(r.presigned, 0);
    ASSERT_EQ(r.payload, AUTH_PAYLOAD_SIGNED);
}

TEST(verify_missing_authentication)
{
    rqb_t b;
    vanilla(&b, "a=1");
    auth_result_t r;
    ASSERT_EQ(auth_verify(&b.rq, &r), AUTH_MISSING);
    auth_aws_error_t e;
    auth_aws_error(&r, AUTH_PROTO_JSON, &e);
    ASSERT_STREQ(e.code, "MissingAuthenticationTokenException");
    ASSERT_STREQ(e.message, "Request is missing Authentication Token");
    auth_aws_error(&r, AUTH_PROTO_QUERY, &e);
    ASSERT_STREQ(e.code, "MissingAuthenticationToken");
    ASSERT_EQ(e.status, 403);
}

TEST(verify_skew_past_and_future)
{
    rqb_t b;
    vanilla(&b, NULL);
    with_authz(&b, VANILLA_AUTHZ);
    auth_result_t r;
    /* exactly 15 minutes is still inside the window */
    b.rq.now_ms = auth_parse_amz_date(T0) + AUTH_SKEW_MS;
    ASSERT_EQ(auth_verify(&b.rq, &r), AUTH_OK);
    b.rq.now_ms = auth_parse_amz_date("20150830T125200Z");
    ASSERT_EQ(auth_verify(&b.rq, &r), AUTH_SKEWED);
    ASSERT_STREQ(r.message, "Signature expired: 20150830T123600Z is now earlier than "
                            "20150830T123700Z (20150830T125200Z - 15 min.)");
    auth_aws_error_t e;
    auth_aws_error(&r, AUTH_PROTO_JSON, &e);
    ASSERT_STREQ(e.code, "InvalidSignatureException");
    ASSERT_STREQ(e.message, r.message);
    auth_aws_error(&r, AUTH_PROTO_S3, &e);
    ASSERT_STREQ(e.code, "RequestTimeTooSkewed");
    ASSERT_EQ(e.status, 403);
    b.rq.now_ms = auth_parse_amz_date("20150830T121000Z");
    ASSERT_EQ(auth_verify(&b.rq, &r), AUTH_SKEWED);
    ASSERT_STREQ(r.message, "Signature not yet current: 20150830T123600Z is still later than "
                            "20150830T122500Z (20150830T121000Z + 15 min.)");
}

TEST(verify_unknown_access_key)
{
    rqb_t b;
    vanilla(&b, NULL);
    b.c.ak = "AKIDOTHER";
    with_authz(&b, VANILLA_AUTHZ);
    auth_result_t r;
    ASSERT_EQ(auth_verify(&b.rq, &r), AUTH_UNKNOWN_KEY);
    auth_aws_error_t e;
    auth_aws_error(&r, AUTH_PROTO_JSON, &e);
    ASSERT_STREQ(e.code, "UnrecognizedClientException");
    ASSERT_STREQ(e.message, "The security token included in the request is invalid.");
    auth_aws_error(&r, AUTH_PROTO_QUERY, &e);
    ASSERT_STREQ(e.code, "InvalidClientTokenId");
    auth_aws_error(&r, AUTH_PROTO_S3, &e);
    ASSERT_STREQ(e.code, "InvalidAccessKeyId");
}

TEST(verify_wrong_secret_is_signature_mismatch)
{
    rqb_t b;
    vanilla(&b, NULL);
    b.c.sk = "not-the-secret";
    with_authz(&b, VANILLA_AUTHZ);
    auth_result_t r;
    ASSERT_EQ(auth_verify(&b.rq, &r), AUTH_BAD_SIGNATURE);
    auth_aws_error_t e;
    auth_aws_error(&r, AUTH_PROTO_QUERY, &e);
    ASSERT_STREQ(e.code, "SignatureDoesNotMatch");
    ASSERT_STREQ(e.message,
                 "The request signature we calculated does not match the signature you provided. "
                 "Check your AWS Secret Access Key and signing method. Consult the service "
                 "documentation for details.");
    auth_aws_error(&r, AUTH_PROTO_JSON, &e);
    ASSERT_STREQ(e.code, "InvalidSignatureException");
    /* the message never carries the secret nor the signature */
    ASSERT(!strstr(r.message, "not-the-secret"));
    ASSERT(!strstr(r.message, "5fa00fa3"));
}

TEST(verify_session_token_rules)
{
    rqb_t b;
    vanilla(&b, NULL);
    with_authz(&b, VANILLA_AUTHZ);
    auth_result_t r;
    /* temporary credentials but no token sent */
    b.c.token = "TOKEN123";
    ASSERT_EQ(auth_verify(&b.rq, &r), AUTH_UNKNOWN_KEY);
    /* wrong token */
    b.h[b.n++] = (nb_kv_t){"x-amz-security-token", "TOKEN124", 8};
    b.rq.n_headers = b.n;
    ASSERT_EQ(auth_verify(&b.rq, &r), AUTH_UNKNOWN_KEY);
    /* right token (unsigned here, like post-sts-header-after) */
    b.h[b.n - 1].value = "TOKEN123";
    ASSERT_EQ(auth_verify(&b.rq, &r), AUTH_OK);
    ASSERT_EQ(r.temporary, 1);
    /* expired temporary credentials */
    b.c.expires_ms = auth_parse_amz_date(T0);
    ASSERT_EQ(auth_verify(&b.rq, &r), AUTH_EXPIRED_TOKEN);
    auth_aws_error_t e;
    auth_aws_error(&r, AUTH_PROTO_QUERY, &e);
    ASSERT_STREQ(e.code, "ExpiredToken");
    ASSERT_STREQ(e.message, "The security token included in the request is expired");
    /* a token sent with long-term credentials */
    b.c.token = NULL;
    b.c.expires_ms = 0;
    ASSERT_EQ(auth_verify(&b.rq, &r), AUTH_UNKNOWN_KEY);
}

TEST(verify_scope_checks)
{
    rqb_t b;
    auth_result_t r;
    vanilla(&b, NULL);
    with_authz(&b, VANILLA_AUTHZ);
    b.rq.service = "dynamodb";
    ASSERT_EQ(auth_verify(&b.rq, &r), AUTH_BAD_SIGNATURE);
    ASSERT_STREQ(r.message, "Credential should be scoped to correct service: 'dynamodb'.");
    auth_aws_error_t e;
    auth_aws_error(&r, AUTH_PROTO_JSON, &e);
    ASSERT_STREQ(e.message, r.message);
    b.rq.service = "service";
    b.rq.region = "eu-west-1";
    ASSERT_EQ(auth_verify(&b.rq, &r), AUTH_BAD_SIGNATURE);
    ASSERT_STREQ(r.message, "Credential should be scoped to a valid region, not 'us-east-1'.");
    b.rq.region = NULL;
    b.rq.service = NULL;
    ASSERT_EQ(auth_verify(&b.rq, &r), AUTH_OK); /* any scope accepted when not pinned */

    vanilla(&b, NULL);
    with_authz(&b, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150831/us-east-1/service/aws4_request, "
                   "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    ASSERT_EQ(auth_verify(&b.rq, &r), AUTH_BAD_SIGNATURE);
    ASSERT_STREQ(r.message, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version "
                            "of date from HTTP: '20150831' != '20150830', from '20150830T123600Z'.");
    vanilla(&b, NULL);
    with_authz(&b, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws5_request, "
                   "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    ASSERT_EQ(auth_verify(&b.rq, &r), AUTH_BAD_SIGNATURE);
    ASSERT_STREQ(r.message, "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'.");
}

TEST(verify_incomplete_headers)
{
    static const struct { const char *authz; const char *msg; } cases[] = {
        {"AWS4-HMAC-SHA256 SignedHeaders=host, Signature=00",
         "Authorization header requires 'Credential' parameter."},
        {"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request",
         "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter."},
        {"AWS4-HMAC-SHA256", "Authorization header requires 'Credential' parameter. Authorization header "
                             "requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter."},
        {"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1, SignedHeaders=host, Signature=00",
         "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKIDEXAMPLE/20150830/us-east-1'"},
        {"AWS4-HMAC-SHA1 Credential=a/b/c/d/e, SignedHeaders=host, Signature=00",
         "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA1'"},
        {"Bearer abc", "Unsupported AWS 'algorithm': 'Bearer'"},
        /* not echoed when it does not look like a scheme (could be a pasted secret) */
        {"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "Unsupported AWS 'algorithm'"},
        {"", "Unsupported AWS 'algorithm': ''"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        rqb_t b;
        auth_result_t r;
        vanilla(&b, NULL);
        with_authz(&b, cases[i].authz);
        ASSERT_EQ(auth_verify(&b.rq, &r), AUTH_INCOMPLETE);
        ASSERT_STREQ(r.message, cases[i].msg);
        auth_aws_error_t e;
        auth_aws_error(&r, AUTH_PROTO_JSON, &e);
        ASSERT_STREQ(e.code, "IncompleteSignatureException");
        ASSERT_STREQ(e.message, cases[i].msg);
    }
}

TEST(verify_date_header_rules)
{
    rqb_t b;
    auth_result_t r;
    vanilla(&b, NULL);
    b.h[1] = (nb_kv_t){"x-amz-date", "2015-08-30T12:36:00Z", 20};
    with_authz(&b, VANILLA_AUTHZ);
    ASSERT_EQ(auth_verify(&b.rq, &r), AUTH_INCOMPLETE);
    ASSERT_STREQ(r.message, "Date must be in ISO-8601 'basic format'. Got '2015-08-30T12:36:00Z'. "
                            "See http://en.wikipedia.org/wiki/ISO_8601");
    vanilla(&b, NULL);
    b.n = 1; /* host only */
    b.rq.n_headers = 1;
    with_authz(&b, VANILLA_AUTHZ);
    ASSERT_EQ(auth_verify(&b.rq, &r), AUTH_INCOMPLETE);
    ASSERT_STREQ(r.message, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
    /* RFC 1123 Date header instead of X-Amz-Date: same timestamp, signature over "date" */
    vanilla(&b, NULL);
    b.h[1] = (nb_kv_t){"date", "Sun, 30 Aug 2015 12:36:00 GMT", 29};
    with_authz(&b, VANILLA_AUTHZ);
    ASSERT_EQ(auth_verify(&b.rq, &r), AUTH_BAD_SIGNATURE); /* signed headers name x-amz-date */
    ASSERT_STREQ(r.amz_date, T0);
}

TEST(verify_host_must_be_signed)
{
    rqb_t b;
    auth_result_t r;
    vanilla(&b, NULL);
    with_authz(&b, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                   "SignedHeaders=x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    ASSERT_EQ(auth_verify(&b.rq, &r), AUTH_BAD_SIGNATURE);
    ASSERT_STREQ(r.message, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
    /* "hostname" is not "host" */
    vanilla(&b, NULL);
    with_authz(&b, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                   "SignedHeaders=hostname;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    ASSERT_EQ(auth_verify(&b.rq, &r), AUTH_BAD_SIGNATURE);
    ASSERT_CONTAINS(r.message, "'Host'");
}

TEST(verify_bad_signature_shapes)
{
    static const char *sigs[] = {
        "5FA00FA31553B73EBF1942676E86291E8372FF2A2260956D9B8AAE1D763FBF31", /* uppercase */
        "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf3",  /* 63 */
        "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf311", /* 65 */
        "", "zz"};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        rqb_t b;
        auth_result_t r;
        char a[400];
        vanilla(&b, NULL);
        snprintf(a, sizeof a, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                              "SignedHeaders=host;x-amz-date, Signature=%s", sigs[i]);
        with_authz(&b, a);
        ASSERT_EQ(auth_verify(&b.rq, &r), AUTH_BAD_SIGNATURE);
    }
}

TEST(verify_unsigned_header_change_is_allowed_signed_change_is_not)
{
    rqb_t b;
    auth_result_t r;
    vanilla(&b, NULL);
    b.h[b.n++] = (nb_kv_t){"user-agent", "curl", 4};
    with_authz(&b, VANILLA_AUTHZ);
    ASSERT_EQ(auth_verify(&b.rq, &r), AUTH_OK);
    b.h[0].value = "evil.amazonaws.com";
    b.h[0].value_len = 18;
    ASSERT_EQ(auth_verify(&b.rq, &r), AUTH_BAD_SIGNATURE);
    /* a changed method or path fails too */
    b.h[0] = (nb_kv_t){"host", "example.amazonaws.com", 21};
    b.rq.method = "POST";
    ASSERT_EQ(auth_verify(&b.rq, &r), AUTH_BAD_SIGNATURE);
    b.rq.method = "GET";
    b.rq.raw_path = "/x";
    ASSERT_EQ(auth_verify(&b.rq, &r), AUTH_BAD_SIGNATURE);
    b.rq.raw_path = "/";
    b.rq.raw_query = "extra=1";
    ASSERT_EQ(auth_verify(&b.rq, &r), AUTH_BAD_SIGNATURE);
}

/* --- presigned ----------------------------------------------------------- */

static void presigned(rqb_t *b, nb_buf_t *q, const char *token, long long expires, int s3)
{
    auth_presign_query(q, "GET", "example.amazonaws.com", "/bucket/key", "x-id=GetObject", AKID,
                       SECRET, token, "us-east-1", s3 ? "s3" : "service",
                       auth_parse_amz_date(T0), expires, s3);
    vanilla(b, q->data);
    b->n = 1; /* host only */
    b->rq.n_headers = 1;
    b->rq.raw_path = "/bucket/key";
    b->rq.s3 = s3;
    b->rq.service = s3 ? "s3" : "service";
    b->c.token = token;
}

TEST(presigned_roundtrip_and_expiry)
{
    for (int s3 = 0; s3 <= 1; s3++) {
        rqb_t b;
        auth_result_t r;
        nb_buf_t q = NB_BUF_INIT;
        presigned(&b, &q, NULL, 60, s3);
        ASSERT_EQ(auth_verify(&b.rq, &r), AUTH_OK);
        ASSERT_EQ(r.presigned, 1);
        ASSERT_EQ(r.payload, s3 ? AUTH_PAYLOAD_UNSIGNED : AUTH_PAYLOAD_SIGNED);
        b.rq.now_ms += 60 * 1000;   /* last valid second */
        ASSERT_EQ(auth_verify(&b.rq, &r), AUTH_OK);
        b.rq.now_ms += 1000;
        ASSERT_EQ(auth_verify(&b.rq, &r), AUTH_PRESIGN_EXPIRED);
        auth_aws_error_t e;
        auth_aws_error(&r, AUTH_PROTO_S3, &e);
        ASSERT_STREQ(e.code, "AccessDenied");
        ASSERT_STREQ(e.message, "Request has expired");
        /* long after the 15-minute skew window, still "expired" not "skewed" */
        b.rq.now_ms += 3600 * 1000;
        ASSERT_EQ(auth_verify(&b.rq, &r), AUTH_PRESIGN_EXPIRED);
        nb_buf_free(&q);
    }
}

TEST(presigned_with_session_token)
{
    rqb_t b;
    auth_result_t r;
    nb_buf_t q = NB_BUF_INIT;
    presigned(&b, &q, "tok/en+with=chars", 600, 1);
    ASSERT_CONTAINS(q.data, "X-Amz-Security-Token=tok%2Fen%2Bwith%3Dchars");
    ASSERT_EQ(auth_verify(&b.rq, &r), AUTH_OK);
    ASSERT_EQ(r.temporary, 1);
    b.c.token = "other";
    ASSERT_EQ(auth_verify(&b.rq, &r), AUTH_UNKNOWN_KEY);
    nb_buf_free(&q);
}

TEST(presigned_tampered_query)
{
    rqb_t b;
    auth_result_t r;
    nb_buf_t q = NB_BUF_INIT;
    presigned(&b, &q, NULL, 600, 1);
    char *t = nb_xstrdup(q.data);
    char *p = strstr(t, "x-id=GetObject");
    p[5] = 'P'; /* x-id=PetObject */
    b.rq.raw_query = t;
    ASSERT_EQ(auth_verify(&b.rq, &r), AUTH_BAD_SIGNATURE);
    /* longer expiry than signed */
    free(t);
    t = nb_xstrdup(q.data);
    p = strstr(t, "X-Amz-Expires=600");
    p[14] = '9';
    b.rq.raw_query = t;
    ASSERT_EQ(auth_verify(&b.rq, &r), AUTH_BAD_SIGNATURE);
    free(t);
    nb_buf_free(&q);
}

TEST(presigned_malformed_parameters)
{
    static const struct { const char *q; const char *msg; } cases[] = {
        {"X-Amz-Algorithm=AWS4-HMAC-SHA1&X-Amz-Credential=a", "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\""},
        {"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request",
         "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, "
         "X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."},
        {"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request"
         "&X-Amz-Date=20150830T123600Z&X-Amz-Expires=604801&X-Amz-SignedHeaders=host&X-Amz-Signature=00",
         "X-Amz-Expires must be less than a week (in seconds) that is 604800"},
        {"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request"
         "&X-Amz-Date=20150830T123600Z&X-Amz-Expires=-5&X-Amz-SignedHeaders=host&X-Amz-Signature=00",
         "X-Amz-Expires should be a number"},
        {"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830"
         "&X-Amz-Date=20150830T123600Z&X-Amz-Expires=5&X-Amz-SignedHeaders=host&X-Amz-Signature=00",
         "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKIDEXAMPLE/20150830'"},
        {"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request"
         "&X-Amz-Date=2015&X-Amz-Expires=5&X-Amz-SignedHeaders=host&X-Amz-Signature=00",
         "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        rqb_t b;
        auth_result_t r;
        vanilla(&b, cases[i].q);
        ASSERT_EQ(auth_verify(&b.rq, &r), AUTH_INCOMPLETE);
        ASSERT_STREQ(r.message, cases[i].msg);
        auth_aws_error_t e;
        auth_aws_error(&r, AUTH_PROTO_S3, &e);
        ASSERT_STREQ(e.code, "AuthorizationQueryParametersError");
    }
}

TEST(presigned_and_header_together_refused)
{
    rqb_t b;
    auth_result_t r;
    vanilla(&b, "X-Amz-Algorithm=AWS4-HMAC-SHA256");
    with_authz(&b, VANILLA_AUTHZ);
    ASSERT_EQ(auth_verify(&b.rq, &r), AUTH_INCOMPLETE);
    ASSERT_CONTAINS(r.message, "Only one auth mechanism allowed");
}

/* --- payload hash -------------------------------------------------------- */

TEST(payload_hash_header_checked_against_body)
{
    rqb_t b;
    auth_result_t r;
    vanilla(&b, NULL);
    b.rq.s3 = 1;
    with_authz(&b, VANILLA_AUTHZ);
    ASSERT_EQ(auth_verify(&b.rq, &r), AUTH_INCOMPLETE);
    ASSERT_STREQ(r.message, "Missing required header for this request: x-amz-content-sha256");
    {
        auth_aws_error_t ie;
        auth_aws_error(&r, AUTH_PROTO_S3, &ie);
        ASSERT_STREQ(ie.code, "InvalidRequest");
        ASSERT_EQ(ie.status, 400);
    }
    b.h[b.n++] = (nb_kv_t){"x-amz-content-sha256", "0000000000000000000000000000000000000000000000000000000000000000", 64};
    b.rq.n_headers = b.n;
    b.rq.body = "hello";
    b.rq.body_len = 5;
    ASSERT_EQ(auth_verify(&b.rq, &r), AUTH_PAYLOAD_MISMATCH);
    auth_aws_error_t e;
    auth_aws_error(&r, AUTH_PROTO_S3, &e);
    ASSERT_STREQ(e.code, "XAmzContentSHA256Mismatch");
    ASSERT_STREQ(e.message, "The provided 'x-amz-content-sha256' header does not match what was computed.");
    b.h[b.n - 1].value = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
    ASSERT_EQ(auth_verify(&b.rq, &r), AUTH_BAD_SIGNATURE); /* not in SignedHeaders, but payload line differs */
    ASSERT_EQ(r.payload, AUTH_PAYLOAD_STREAMING);
    b.h[b.n - 1].value = "bogus";
    ASSERT_EQ(auth_verify(&b.rq, &r), AUTH_PAYLOAD_MISMATCH);
}

TEST(amz_date_parse_and_format)
{
    ASSERT_EQ(auth_parse_amz_date("19700101T000000Z"), 0);
    ASSERT_EQ(auth_parse_amz_date(T0), 1440938160000LL);
    ASSERT_EQ(auth_parse_amz_date("20150830T123600"), -1);
    ASSERT_EQ(auth_parse_amz_date("20151330T123600Z"), -1);
    ASSERT_EQ(auth_parse_amz_date("2015083OT123600Z"), -1);
    ASSERT_EQ(auth_parse_amz_date(""), -1);
    char out[17];
    auth_format_amz_date(1440938160000LL, out);
    ASSERT_STREQ(out, T0);
}

/* --- concurrency: the key cache and per-thread digest contexts ----------------- */

static void *verify_many(void *arg)
{
    long id = (long)arg;
    for (int i = 0; i < 300; i++) {
        rqb_t b;
        auth_result_t r;
        vanilla(&b, NULL);
        with_authz(&b, VANILLA_AUTHZ);
        if (auth_verify(&b.rq, &r) != AUTH_OK) return (void *)1;
        /* churn the cache with other scopes (same slot pressure, other secrets) */
        unsigned char k1[32], k2[32];
        char date[16];
        snprintf(date, sizeof date, "2015%04d", (int)((id * 300 + i) % 1200 + 101));
        auth_signing_key("other-secret", date, "us-east-1", "service", k1);
        auth_signing_key("other-secret", date, "us-east-1", "service", k2);
        if (memcmp(k1, k2, 32) != 0) return (void *)1;
        /* a wrong secret must never be served a cached right key */
        b.c.sk = "wrong";
        if (auth_verify(&b.rq, &r) != AUTH_BAD_SIGNATURE) return (void *)1;
    }
    return NULL;
}

TEST(concurrent_verification)
{
    pthread_t t[4];
    for (long i = 0; i < 4; i++) ASSERT_EQ(pthread_create(&t[i], NULL, verify_many, (void *)i), 0);
    for (int i = 0; i < 4; i++) {
        void *rc;
        pthread_join(t[i], &rc);
        ASSERT(rc == NULL);
    }
}
