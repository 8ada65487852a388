/* auth_bench.c — cost of authenticating and authorizing one request with
 * warm caches: SigV4 verification of a DynamoDB GetItem as botocore signs it
 * (Authorization header, 5 signed headers, JSON body hashed) plus IAM policy
 * evaluation of a user with three identity policies (one with conditions and
 * an explicit Deny) and a permissions boundary. Target: <= 10 us per request.
 *
 * Built by `make build/bench/auth_bench` (and `make bench`, whose auth
 * workload records its figures), against the release objects:
 *   build/bench/auth_bench [iterations]
 * Prints ns/request for verify, evaluate and both. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "auth/sigv4.h"
#include "core/buf.h"
#include "iam/policy.h"

#define AK "AKIAIOSFODNN7EXAMPLE"
#define SK "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define DATE "20261128T010203Z"
#define TABLE "arn:aws:dynamodb:us-east-1:000000000000:table/Users"

static int lookup(void *arg, const char *ak, auth_cred_t *out)
{
    (void)arg;
    if (strcmp(ak, AK) != 0) return -1;
    out->secret_key = SK;
    out->session_token = NULL;
    out->principal_arn = "arn:aws:iam::000000000000:user/alice";
    out->expires_ms = 0;
    return 0;
}

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static iam_policy_t *parse(const char *t)
{
    char err[256];
    iam_policy_t *p = iam_policy_parse(t, strlen(t), IAM_POLICY_IDENTITY, err, sizeof err);
    if (!p) { fprintf(stderr, "policy: %s\n", err); exit(1); }
    return p;
}

int main(int argc, char **argv)
{
    long iters = argc > 1 ? atol(argv[1]) : 200000;
    const char *body = "{\"TableName\":\"Users\",\"Key\":{\"id\":{\"S\":\"user-42\"}},\"ConsistentRead\":true}";
    nb_kv_t h[7] = {
        {"host", "localhost:4566", 14},
        {"content-type", "application/x-amz-json-1.0", 26},
        {"x-amz-date", DATE, 16},
        {"x-amz-target", "DynamoDB_20120810.GetItem", 25},
        {"user-agent", "Boto3/1.34 md/Botocore#1.34 ua/2.0 os/linux lang/python#3.11", 60},
        {"content-length", "79", 2},
        {"authorization", NULL, 0},
    };
    /* sign it the way a client does */
    const char *sh = "content-type;host;x-amz-date;x-amz-target";
    char ph[65];
    auth_sha256_hex(body, strlen(body), ph);
    nb_buf_t creq = NB_BUF_INIT, sts = NB_BUF_INIT, authz = NB_BUF_INIT;
    auth_canonical_request(&creq, "POST", "/", "", h, 6, sh, strlen(sh), ph, 0, 0);
    auth_string_to_sign(&sts, DATE, "20261128/us-east-1/dynamodb/aws4_request", creq.data, creq.len);
    unsigned char key[32];
    auth_signing_key(SK, "20261128", "us-east-1", "dynamodb", key);
    char sig[65];
    auth_sign_hex(key, sts.data, sts.len, sig);
    nb_buf_printf(&authz, "AWS4-HMAC-SHA256 Credential=" AK "/20261128/us-east-1/dynamodb/aws4_request, "
                          "SignedHeaders=%s, Signature=%s", sh, sig);
    h[6].value = authz.data;
    h[6].value_len = authz.len;
    auth_request_t rq = {.method = "POST", .raw_path = "/", .raw_query = "", .headers = h, .n_headers = 7,
                         .body = body, .body_len = strlen(body), .now_ms = auth_parse_amz_date(DATE) + 2000,
                         .service = "dynamodb", .region = "us-east-1", .lookup = lookup};
    auth_result_t res;
    if (auth_verify(&rq, &res) != AUTH_OK) { fprintf(stderr, "verify: %s\n", res.message); return 1; }

    iam_policy_t *pols[4] = {
        parse("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"dynamodb:GetItem\",\"dynamodb:Query\",\"dynamodb:BatchGetItem\"],\"Resource\":[\"" TABLE "\",\"" TABLE "/index/*\"]}]}"),
        parse("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::bucket/${aws:username}/*\"},{\"Effect\":\"Allow\",\"Action\":\"lambda:InvokeFunction\",\"Resource\":\"arn:aws:lambda:*:*:function:*\"}]}"),
        parse("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"NotIpAddress\":{\"aws:SourceIp\":[\"10.0.0.0/8\",\"127.0.0.0/8\"]}}},{\"Effect\":\"Deny\",\"Action\":\"dynamodb:DeleteTable\",\"Resource\":\"*\"}]}"),
        parse("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"dynamodb:*\",\"s3:*\",\"lambda:*\"],\"Resource\":\"*\"}]}"),
    };
    const iam_policy_t *idp[3] = {pols[0], pols[1], pols[2]};
    const iam_policy_t *bp[1] = {pols[3]};
    iam_policy_set_t set = {idp, 3, NULL, 0, bp, 1, NULL, 0};
    static const char *const ip[] = {"127.0.0.1"};
    static const char *const st[] = {"false"};
    iam_ctx_key_t keys[] = {{"aws:SourceIp", ip, 1}, {"aws:SecureTransport", st, 1}};
    iam_request_t ir = {IAM_PRINCIPAL_USER, "arn:aws:iam::000000000000:user/alice", "000000000000", NULL,
                        "dynamodb:GetItem", TABLE, NULL, keys, 2, NULL, NULL};
    iam_result_t r;
    if (iam_evaluate(&set, &ir, &r) != IAM_ALLOW) { fprintf(stderr, "evaluate: not allowed\n"); return 1; }

    for (long i = 0; i < iters / 10; i++) auth_verify(&rq, &res); /* warm up */
    double t0 = now_ns();
    for (long i = 0; i < iters; i++)
        if (auth_verify(&rq, &res) != AUTH_OK) return 1;
    double t1 = now_ns();
    for (long i = 0; i < iters; i++)
        if (iam_evaluate(&set, &ir, &r) != IAM_ALLOW) return 1;
    double t2 = now_ns();
    for (long i = 0; i < iters; i++)
        if (auth_verify(&rq, &res) != AUTH_OK || iam_evaluate(&set, &ir, &r) != IAM_ALLOW) return 1;
    double t3 = now_ns();
    printf("sigv4 verify:        %8.0f ns/request\n", (t1 - t0) / (double)iters);
    printf("policy evaluate:     %8.0f ns/request\n", (t2 - t1) / (double)iters);
    printf("verify + evaluate:   %8.0f ns/request  (target <= 10000)\n", (t3 - t2) / (double)iters);
    for (int i = 0; i < 4; i++) iam_policy_free(pols[i]);
    nb_buf_free(&creq);
    nb_buf_free(&sts);
    nb_buf_free(&authz);
    return (t3 - t2) / (double)iters <= 10000 ? 0 : 2;
}
