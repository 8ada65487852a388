/* test_sigv4_botocore.c — requests signed by botocore (the AWS CLI's and
 * boto3's signer) verify; S3 streaming (aws-chunked) bodies decode and
 * their chunk/trailer signatures are checked, against the worked example of
 * AWS's S3 documentation ("Signature Calculations for the Authorization
 * Header: Transferring Payload in Multiple Chunks").
 *
 * Fixtures: tests/fixtures/sigv4/botocore.json, made by gen_botocore.py in
 * the same folder (botocore's SigV4Auth / S3SigV4Auth / SigV4QueryAuth /
 * S3SigV4QueryAuth). */
#include "test.h"
#include <jansson.h>
#include "auth/sigv4.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/util.h"

#define FIXTURE "tests/fixtures/sigv4/botocore.json"

typedef struct creds {
    const char *ak, *sk, *token;
} creds_t;

static int lookup(void *arg, const char *ak, auth_cred_t *out)
{
    const creds_t *c = arg;
    if (strcmp(ak, c->ak) != 0) return -1;
    out->secret_key = c->sk;
    out->session_token = c->token;
    out->principal_arn = "arn:aws:iam::000000000000:user/boto";
    out->expires_ms = 0;
    return 0;
}

typedef struct fx {
    json_t *root;
    nb_kv_t h[32];
    size_t n;
    auth_request_t rq;
    creds_t c;
    char *body;
    size_t body_len;
} fx_t;

/* Load vector `name` into f (latin-1 body decoded back to bytes). */
static void load(fx_t *f, const char *name)
{
    memset(f, 0, sizeof *f);
    json_error_t err;
    f->root = json_load_file(FIXTURE, 0, &err);
    if (!f->root) TEST_FAIL_("cannot load %s: %s", FIXTURE, err.text);
    json_t *v = NULL, *it;
    size_t i;
    json_array_foreach(json_object_get(f->root, "vectors"), i, it)
        if (strcmp(json_string_value(json_object_get(it, "name")), name) == 0) v = it;
    if (!v) TEST_FAIL_("no vector %s", name);
    json_t *hs = json_object_get(v, "headers");
    json_array_foreach(hs, i, it) {
        ASSERT(f->n < 32);
        const char *val = json_string_value(json_array_get(it, 1));
        f->h[f->n++] = (nb_kv_t){json_string_value(json_array_get(it, 0)), val, strlen(val)};
    }
    const char *b = json_string_value(json_object_get(v, "body"));
    size_t bl = strlen(b);
    f->body = nb_xmalloc(bl + 1);
    /* JSON strings are UTF-8; the generator wrote the body as latin-1 code points */
    size_t k = 0;
    for (size_t j = 0; j < bl; j++) {
        unsigned char c = (unsigned char)b[j];
        if (c >= 0xc0 && j + 1 < bl) { f->body[k++] = (char)(((c & 0x1f) << 6) | (b[j + 1] & 0x3f)); j++; }
        else f->body[k++] = (char)c;
    }
    f->body[k] = 0;
    f->body_len = k;
    json_t *tok = json_object_get(v, "token");
    f->c = (creds_t){json_string_value(json_object_get(f->root, "access_key")),
                     json_string_value(json_object_get(f->root, "secret_key")),
                     json_is_string(tok) ? json_string_value(tok) : NULL};
    f->rq = (auth_request_t){
        .method = json_string_value(json_object_get(v, "method")),
        .raw_path = json_string_value(json_object_get(v, "path")),
        .raw_query = json_string_value(json_object_get(v, "query")),
        .headers = f->h, .n_headers = f->n, .body = f->body, .body_len = f->body_len,
        .now_ms = auth_parse_amz_date(json_string_value(json_object_get(v, "date"))) + 1000,
        .service = json_string_value(json_object_get(v, "service")),
        .region = json_string_value(json_object_get(v, "region")),
        .s3 = json_is_true(json_object_get(v, "s3")), .lookup = lookup, .lookup_arg = &f->c};
}

static void unload(fx_t *f)
{
    free(f->body);
    json_decref(f->root);
}

static void expect_ok(const char *name)
{
    fx_t f;
    load(&f, name);
    auth_result_t r;
    auth_err_t e = auth_verify(&f.rq, &r);
    if (e != AUTH_OK) TEST_FAIL_("%s: %s %s", name, auth_err_name(e), r.message);
    ASSERT_STREQ(r.principal_arn, "arn:aws:iam::000000000000:user/boto");
    ASSERT_EQ(r.temporary, f.c.token != NULL);
    /* the same request with a different secret is refused */
    f.c.sk = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEZ";
    ASSERT_EQ(auth_verify(&f.rq, &r), AUTH_BAD_SIGNATURE);
    unload(&f);
}

TEST(botocore_dynamodb_getitem) { expect_ok("dynamodb-getitem"); }
TEST(botocore_dynamodb_session_token) { expect_ok("dynamodb-session-token"); }
TEST(botocore_sts_form_post) { expect_ok("sts-getcalleridentity"); }
TEST(botocore_lambda_encoded_arn_path) { expect_ok("lambda-invoke-arn-path"); }
TEST(botocore_lambda_query_params) { expect_ok("lambda-list-query"); }
TEST(botocore_execute_api_dot_segments) { expect_ok("apigw-dot-segments"); }
TEST(botocore_s3_put_object) { expect_ok("s3-put-object"); }
TEST(botocore_s3_dot_segments_not_normalized) { expect_ok("s3-get-dot-segments"); }
TEST(botocore_s3_list_with_token) { expect_ok("s3-list-prefix"); }
TEST(botocore_s3_presigned_get) { expect_ok("s3-presigned-get"); }
TEST(botocore_s3_presigned_put_with_token) { expect_ok("s3-presigned-put-token"); }
TEST(botocore_sts_presigned) { expect_ok("sts-presigned"); }

TEST(botocore_s3_put_with_trailing_checksum)
{
    fx_t f;
    auth_result_t r;
    load(&f, "s3-put-unsigned-trailer");
    ASSERT_EQ(auth_verify(&f.rq, &r), AUTH_OK);
    ASSERT_EQ(r.payload, AUTH_PAYLOAD_STREAMING_UNSIGNED_TRAILER);
    ASSERT_EQ(r.decoded_length, 11);
    /* the body such a request carries */
    const char *body = "5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n";
    nb_buf_t out = NB_BUF_INIT;
    auth_chunked_t *d = auth_chunked_new(&r);
    ASSERT_EQ(auth_chunked_feed(d, body, strlen(body), &out), 1);
    ASSERT_EQ(out.len, 11);
    ASSERT_STREQ(auth_chunked_trailer(d, "x-amz-checksum-crc32"), "DUoRhQ==");
    auth_chunked_free(d);
    nb_buf_free(&out);
    unload(&f);
}

TEST(botocore_tampered_body)
{
    fx_t f;
    auth_result_t r;
    load(&f, "dynamodb-getitem");
    f.body[f.body_len - 3] = 'X';
    ASSERT_EQ(auth_verify(&f.rq, &r), AUTH_BAD_SIGNATURE);
    unload(&f);
    load(&f, "s3-put-object");
    f.body[0] = 'J';
    ASSERT_EQ(auth_verify(&f.rq, &r), AUTH_PAYLOAD_MISMATCH);
    /* the caller may defer the body check: no body, the header's hash is signed */
    f.rq.body = NULL;
    ASSERT_EQ(auth_verify(&f.rq, &r), AUTH_OK);
    unload(&f);
}

TEST(botocore_presigned_expiry)
{
    fx_t f;
    auth_result_t r;
    load(&f, "s3-presigned-get");
    f.rq.now_ms += 3600 * 1000LL;   /* signed at date, +1 s already, expires 3600 s */
    ASSERT_EQ(auth_verify(&f.rq, &r), AUTH_PRESIGN_EXPIRED);
    unload(&f);
}

TEST(botocore_wrong_region_or_service)
{
    fx_t f;
    auth_result_t r;
    load(&f, "lambda-invoke-arn-path");
    f.rq.region = "us-east-1";
    ASSERT_EQ(auth_verify(&f.rq, &r), AUTH_BAD_SIGNATURE);
    ASSERT_STREQ(r.message, "Credential should be scoped to a valid region, not 'eu-west-1'.");
    f.rq.region = "eu-west-1";
    f.rq.service = "dynamodb";
    ASSERT_EQ(auth_verify(&f.rq, &r), AUTH_BAD_SIGNATURE);
    unload(&f);
}

/* --- streaming: AWS's documented example ------------------------------------ */

#define DOC_AK "AKIAIOSFODNN7EXAMPLE"
#define DOC_SK "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define DOC_SEED "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
static const char *const DOC_SIGS[3] = {
    "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
    "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
    "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"};
#define TRAILER_SEED "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e"
static const char *const TRAILER_SIGS[4] = {
    "b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2",
    "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7",
    "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992",
    "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435"};

static void doc_body(nb_buf_t *b, const char *const sigs[], const char *trailer)
{
    static const size_t sizes[3] = {65536, 1024, 0};
    for (int i = 0; i < 3; i++) {
        nb_buf_printf(b, "%zx;chunk-signature=%s\r\n", sizes[i], sigs[i]);
        for (size_t k = 0; k < sizes[i]; k++) nb_buf_putc(b, 'a');
        if (sizes[i]) nb_buf_puts(b, "\r\n");
    }
    if (trailer) nb_buf_puts(b, trailer);
    else nb_buf_puts(b, "\r\n");
}

static void doc_result(auth_result_t *r, const char *seed, auth_payload_t mode)
{
    memset(r, 0, sizeof *r);
    snprintf(r->amz_date, sizeof r->amz_date, "20130524T000000Z");
    snprintf(r->scope, sizeof r->scope, "20130524/us-east-1/s3/aws4_request");
    snprintf(r->seed_signature, sizeof r->seed_signature, "%s", seed);
    auth_signing_key(DOC_SK, "20130524", "us-east-1", "s3", r->signing_key);
    r->payload = mode;
    r->decoded_length = -1;
}

/* Feed body in pieces of `step` bytes; returns the final feed result. */
static int feed_all(auth_chunked_t *d, const nb_buf_t *body, size_t step, nb_buf_t *out)
{
    int rc = 0;
    for (size_t off = 0; off < body->len && rc == 0; off += step) {
        size_t k = body->len - off < step ? body->len - off : step;
        rc = auth_chunked_feed(d, body->data + off, k, out);
    }
    return rc;
}

TEST(streaming_doc_example_seed_signature)
{
    creds_t c = {DOC_AK, DOC_SK, NULL};
    nb_kv_t h[] = {
        {"host", "s3.amazonaws.com", 16},
        {"x-amz-date", "20130524T000000Z", 16},
        {"x-amz-storage-class", "REDUCED_REDUNDANCY", 18},
        {"authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                          "SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;"
                          "x-amz-decoded-content-length;x-amz-storage-class,Signature=" DOC_SEED, 0},
        {"x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", 34},
        {"content-encoding", "aws-chunked", 11},
        {"x-amz-decoded-content-length", "66560", 5},
        {"content-length", "66824", 5},
    };
    auth_request_t rq = {.method = "PUT", .raw_path = "/examplebucket/chunkObject.txt", .raw_query = "",
                         .headers = h, .n_headers = sizeof h / sizeof h[0],
                         .now_ms = auth_parse_amz_date("20130524T000000Z"), .service = "s3",
                         .region = "us-east-1", .s3 = 1, .lookup = lookup, .lookup_arg = &c};
    auth_result_t r;
    auth_err_t e = auth_verify(&rq, &r);
    if (e != AUTH_OK) TEST_FAIL_("%s %s", auth_err_name(e), r.message);
    ASSERT_EQ(r.payload, AUTH_PAYLOAD_STREAMING);
    ASSERT_STREQ(r.seed_signature, DOC_SEED);
    ASSERT_EQ(r.decoded_length, 66560);

    /* and the body, through the decoder the verifier's result configures */
    nb_buf_t body = NB_BUF_INIT, out = NB_BUF_INIT;
    doc_body(&body, DOC_SIGS, NULL);
    ASSERT_EQ(body.len, 66824); /* the documented Content-Length */
    auth_chunked_t *d = auth_chunked_new(&r);
    ASSERT_EQ(feed_all(d, &body, body.len, &out), 1);
    ASSERT_EQ(out.len, 66560);
    ASSERT_EQ(auth_chunked_decoded_len(d), 66560);
    auth_chunked_free(d);
    nb_buf_free(&body);
    nb_buf_free(&out);
}

TEST(streaming_chunk_signature_helpers_match_doc)
{
    auth_result_t r;
    doc_result(&r, DOC_SEED, AUTH_PAYLOAD_STREAMING);
    char *a = nb_xmalloc(65536);
    memset(a, 'a', 65536);
    char sig[65];
    auth_chunk_signature(r.signing_key, r.amz_date, r.scope, DOC_SEED, a, 65536, sig);
    ASSERT_STREQ(sig, DOC_SIGS[0]);
    auth_chunk_signature(r.signing_key, r.amz_date, r.scope, DOC_SIGS[0], a, 1024, sig);
    ASSERT_STREQ(sig, DOC_SIGS[1]);
    auth_chunk_signature(r.signing_key, r.amz_date, r.scope, DOC_SIGS[1], "", 0, sig);
    ASSERT_STREQ(sig, DOC_SIGS[2]);
    const char *tr = "x-amz-checksum-crc32c:sOO8/Q==\n";
    auth_trailer_signature(r.signing_key, r.amz_date, r.scope, TRAILER_SIGS[2], tr, strlen(tr), sig);
    ASSERT_STREQ(sig, TRAILER_SIGS[3]);
    free(a);
}

TEST(streaming_any_split_decodes)
{
    static const size_t steps[] = {1, 2, 3, 7, 64, 100, 8191, 65536, 70000};
    nb_buf_t body = NB_BUF_INIT;
    doc_body(&body, DOC_SIGS, NULL);
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        auth_result_t r;
        doc_result(&r, DOC_SEED, AUTH_PAYLOAD_STREAMING);
        nb_buf_t out = NB_BUF_INIT;
        auth_chunked_t *d = auth_chunked_new(&r);
        ASSERT_EQ(feed_all(d, &body, steps[i], &out), 1);
        ASSERT_EQ(out.len, 66560);
        for (size_t k = 0; k < out.len; k++)
            if (out.data[k] != 'a') TEST_FAIL_("byte %zu", k);
        auth_chunked_free(d);
        nb_buf_free(&out);
    }
    nb_buf_free(&body);
}

TEST(streaming_signed_trailer_doc_example)
{
    nb_buf_t body = NB_BUF_INIT, out = NB_BUF_INIT;
    doc_body(&body, TRAILER_SIGS,
             "x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:"
             "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n\r\n");
    for (size_t step = 1; step <= body.len; step = step * 5 + 3) {
        auth_result_t r;
        doc_result(&r, TRAILER_SEED, AUTH_PAYLOAD_STREAMING_TRAILER);
        auth_chunked_t *d = auth_chunked_new(&r);
        nb_buf_clear(&out);
        ASSERT_EQ(feed_all(d, &body, step, &out), 1);
        ASSERT_EQ(out.len, 66560);
        ASSERT_STREQ(auth_chunked_trailer(d, "x-amz-checksum-crc32c"), "sOO8/Q==");
        ASSERT(auth_chunked_trailer(d, "x-amz-checksum-sha256") == NULL);
        auth_chunked_free(d);
    }
    nb_buf_free(&body);
    nb_buf_free(&out);
}

TEST(streaming_tampered_trailer_refused)
{
    nb_buf_t body = NB_BUF_INIT, out = NB_BUF_INIT;
    doc_body(&body, TRAILER_SIGS,
             "x-amz-checksum-crc32c:sOO8/Q=A\r\nx-amz-trailer-signature:"
             "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n\r\n");
    auth_result_t r;
    doc_result(&r, TRAILER_SEED, AUTH_PAYLOAD_STREAMING_TRAILER);
    auth_chunked_t *d = auth_chunked_new(&r);
    ASSERT_EQ(feed_all(d, &body, 4096, &out), -1);
    const char *msg;
    ASSERT_EQ(auth_chunked_error(d, &msg), AUTH_BAD_SIGNATURE);
    auth_chunked_free(d);
    /* trailer signature missing altogether */
    nb_buf_clear(&body);
    doc_body(&body, TRAILER_SIGS, "x-amz-checksum-crc32c:sOO8/Q==\r\n\r\n");
    doc_result(&r, TRAILER_SEED, AUTH_PAYLOAD_STREAMING_TRAILER);
    d = auth_chunked_new(&r);
    ASSERT_EQ(feed_all(d, &body, 4096, &out), -1);
    ASSERT_EQ(auth_chunked_error(d, NULL), AUTH_INCOMPLETE);
    auth_chunked_free(d);
    nb_buf_free(&body);
    nb_buf_free(&out);
}

TEST(streaming_tampered_chunks_refused)
{
    auth_result_t r;
    nb_buf_t body = NB_BUF_INIT, out = NB_BUF_INIT;
    /* one changed data byte in the second chunk */
    doc_body(&body, DOC_SIGS, NULL);
    body.data[body.len - 200] = 'b';
    doc_result(&r, DOC_SEED, AUTH_PAYLOAD_STREAMING);
    auth_chunked_t *d = auth_chunked_new(&r);
    ASSERT_EQ(feed_all(d, &body, 1000, &out), -1);
    ASSERT_EQ(auth_chunked_error(d, NULL), AUTH_BAD_SIGNATURE);
    auth_chunked_free(d);
    /* chunks reordered: signatures are chained, so the first one fails */
    nb_buf_clear(&body);
    const char *swapped[3] = {DOC_SIGS[1], DOC_SIGS[0], DOC_SIGS[2]};
    doc_body(&body, swapped, NULL);
    d = auth_chunked_new(&r);
    ASSERT_EQ(feed_all(d, &body, body.len, &out), -1);
    auth_chunked_free(d);
    /* a wrong seed */
    nb_buf_clear(&body);
    doc_body(&body, DOC_SIGS, NULL);
    doc_result(&r, TRAILER_SEED, AUTH_PAYLOAD_STREAMING);
    d = auth_chunked_new(&r);
    ASSERT_EQ(feed_all(d, &body, body.len, &out), -1);
    auth_chunked_free(d);
    /* truncated: the final chunk is missing, so the decoder still waits */
    doc_result(&r, DOC_SEED, AUTH_PAYLOAD_STREAMING);
    d = auth_chunked_new(&r);
    ASSERT_EQ(auth_chunked_feed(d, body.data, body.len - 90, &out), 0);
    auth_chunked_free(d);
    /* trailing garbage after the end */
    d = auth_chunked_new(&r);
    nb_buf_puts(&body, "x");
    ASSERT_EQ(feed_all(d, &body, body.len, &out), -1);
    auth_chunked_free(d);
    nb_buf_free(&body);
    nb_buf_free(&out);
}

TEST(streaming_bad_framing)
{
    static const char *bodies[] = {
        "zz;chunk-signature=00\r\n",
        "5;chunk-signature=short\r\n",
        "5\r\nhello\r\n",                                   /* signature missing in signed mode */
        "fffffffffffffffff;chunk-signature=" DOC_SEED "\r\n", /* absurd size */
    };
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        auth_result_t r;
        nb_buf_t out = NB_BUF_INIT;
        doc_result(&r, DOC_SEED, AUTH_PAYLOAD_STREAMING);
        auth_chunked_t *d = auth_chunked_new(&r);
        ASSERT_EQ(auth_chunked_feed(d, bodies[i], strlen(bodies[i]), &out), -1);
        ASSERT_EQ(auth_chunked_error(d, NULL), AUTH_INCOMPLETE);
        /* sticky */
        ASSERT_EQ(auth_chunked_feed(d, "0\r\n", 3, &out), -1);
        auth_chunked_free(d);
        nb_buf_free(&out);
    }
    /* an endless framing line is bounded */
    auth_result_t r;
    nb_buf_t out = NB_BUF_INIT;
    doc_result(&r, DOC_SEED, AUTH_PAYLOAD_STREAMING);
    auth_chunked_t *d = auth_chunked_new(&r);
    char junk[1000];
    memset(junk, '1', sizeof junk);
    int rc = 0;
    for (int i = 0; i < 10 && rc == 0; i++) rc = auth_chunked_feed(d, junk, sizeof junk, &out);
    ASSERT_EQ(rc, -1);
    auth_chunked_free(d);
    nb_buf_free(&out);
}

TEST(streaming_unsigned_trailer)
{
    const char *body = "5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n";
    auth_result_t r;
    doc_result(&r, DOC_SEED, AUTH_PAYLOAD_STREAMING_UNSIGNED_TRAILER);
    for (size_t step = 1; step <= strlen(body); step++) {
        nb_buf_t out = NB_BUF_INIT, in = NB_BUF_INIT;
        nb_buf_puts(&in, body);
        auth_chunked_t *d = auth_chunked_new(&r);
        ASSERT_EQ(feed_all(d, &in, step, &out), 1);
        ASSERT_EQ(out.len, 11);
        ASSERT_MEMEQ(out.data, "hello world", 11);
        ASSERT_STREQ(auth_chunked_trailer(d, "X-Amz-Checksum-Crc32"), "DUoRhQ==");
        auth_chunked_free(d);
        nb_buf_free(&out);
        nb_buf_free(&in);
    }
    /* an unsigned stream may not carry a trailer signature */
    const char *bad = "0\r\nx-amz-trailer-signature:" DOC_SEED "\r\n\r\n";
    nb_buf_t out = NB_BUF_INIT;
    auth_chunked_t *d = auth_chunked_new(&r);
    ASSERT_EQ(auth_chunked_feed(d, bad, strlen(bad), &out), -1);
    auth_chunked_free(d);
    nb_buf_free(&out);
}

TEST(streaming_decoded_length_enforced)
{
    nb_buf_t body = NB_BUF_INIT, out = NB_BUF_INIT;
    doc_body(&body, DOC_SIGS, NULL);
    static const int64_t wrong[] = {0, 65536, 66559, 66561};
    for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; i++) {
        auth_result_t r;
        doc_result(&r, DOC_SEED, AUTH_PAYLOAD_STREAMING);
        r.decoded_length = wrong[i];
        auth_chunked_t *d = auth_chunked_new(&r);
        nb_buf_clear(&out);
        ASSERT_EQ(feed_all(d, &body, 4096, &out), -1);
        const char *msg;
        ASSERT_EQ(auth_chunked_error(d, &msg), AUTH_INCOMPLETE);
        ASSERT_CONTAINS(msg, "x-amz-decoded-content-length");
        /* nothing beyond the announced length is ever emitted */
        ASSERT(wrong[i] >= 66560 || out.len <= (size_t)wrong[i]);
        auth_chunked_free(d);
    }
    auth_result_t r;
    doc_result(&r, DOC_SEED, AUTH_PAYLOAD_STREAMING);
    r.decoded_length = 66560;
    auth_chunked_t *d = auth_chunked_new(&r);
    nb_buf_clear(&out);
    ASSERT_EQ(feed_all(d, &body, 4096, &out), 1);
    auth_chunked_free(d);
    nb_buf_free(&body);
    nb_buf_free(&out);
}
