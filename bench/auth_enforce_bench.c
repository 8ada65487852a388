/* auth_enforce_bench.c — cost of auth_enforce() for one DynamoDB GetItem as botocore
 * signs it, with warm caches, through the real credential store: root, and an
 * IAM user with an inline policy (an Allow and a conditional Deny), and
 * ("leading") an IAM user whose Allow holds only for dynamodb:LeadingKeys
 * (ForAllValues:StringEquals, DynamoDB's condition-key hook reading the
 * request's Key against the table's key schema), and ("restag") one whose
 * Allow holds through aws:ResourceTag/team (the table's tags, asked of
 * DynamoDB in process). Target: <= 10 us per request (issue 7).
 *
 * Hand-built (not part of `make`), against the release objects:
 *   make && P="libuv jansson openssl libseccomp yaml-0.1" && cc -std=c11 -D_GNU_SOURCE -O2 -Isrc -I/usr/share/include/llhttp \
 *      $(pkg-config --cflags $P) -o build/auth_enforce_bench bench/auth_enforce_bench.c \
 *      $(find build/obj -name "*.o" ! -name main.o) $(pkg-config --libs $P) -llmdb -lz \
 *      -lpthread -lm -larchive -ldl
 *   build/auth_enforce_bench DIR user|root|leading|restag   (DIR: an empty scratch directory) */
#include "auth/creds.h"
#include "auth/enforce.h"
#include "auth/sigv4.h"
#include "core/arena.h"
#include "dynamodb/ddb_table.h"
#include "core/util.h"
#include "store/store.h"
#include <stdio.h>
#include <string.h>
#include <time.h>
extern const nb_service_t ddb_service;
static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}
static void put(nb_ctx_t *ctx, const char *ks, const char *k, const char *v) {
    store_txn_t *t;
    store_begin(ctx->store, STORE_WRITE, &t);
    store_put(t, ks, k, strlen(k), v, strlen(v));
    store_commit(t, NULL, NULL);
    auth_creds_changed();
}
int main(int argc, char **argv) {
    const char *dir = argv[1];
    const char *who = argc > 2 ? argv[2] : "user";
    static uv_loop_t loop;
    uv_loop_init(&loop);
    static nb_config_t cfg;
    snprintf(cfg.data_dir, sizeof cfg.data_dir, "%s", dir);
    strcpy(cfg.region, "us-east-1");
    strcpy(cfg.account, "000000000000");
    static nb_ctx_t ctx;
    ctx.loop = &loop;
    ctx.cfg = &cfg;
    store_open(&ctx.store, &loop, dir, NULL);
    auth_creds_init(&ctx);
    put(&ctx, "iam.users", "alice",
        "{\"UserName\":\"alice\",\"UserId\":\"AIDAX\",\"Arn\":\"arn:aws:iam::000000000000:user/"
        "alice\",\"Policies\":{\"p\":\"{\\\"Version\\\":\\\"2012-10-17\\\",\\\"Statement\\\":[{"
        "\\\"Effect\\\":\\\"Allow\\\",\\\"Action\\\":[\\\"dynamodb:GetItem\\\",\\\"dynamodb:Query\\\"],"
        "\\\"Resource\\\":\\\"arn:aws:dynamodb:us-east-1:000000000000:table/"
        "Users\\\"},{\\\"Effect\\\":\\\"Deny\\\",\\\"Action\\\":\\\"*\\\",\\\"Resource\\\":\\\"*\\\","
        "\\\"Condition\\\":{\\\"NotIpAddress\\\":{\\\"aws:SourceIp\\\":\\\"127.0.0.0/"
        "8\\\"}}}]}\"},\"Attached\":[],\"Groups\":[]}");
    put(&ctx, "iam.users", "lk",
        "{\"UserName\":\"lk\",\"UserId\":\"AIDAY\",\"Arn\":\"arn:aws:iam::000000000000:user/lk\","
        "\"Policies\":{\"p\":\"{\\\"Version\\\":\\\"2012-10-17\\\",\\\"Statement\\\":[{"
        "\\\"Effect\\\":\\\"Allow\\\",\\\"Action\\\":[\\\"dynamodb:GetItem\\\"],"
        "\\\"Resource\\\":\\\"arn:aws:dynamodb:us-east-1:000000000000:table/Users\\\","
        "\\\"Condition\\\":{\\\"ForAllValues:StringEquals\\\":{\\\"dynamodb:LeadingKeys\\\":"
        "[\\\"user-42\\\"]}}}]}\"},\"Attached\":[],\"Groups\":[]}");
    put(&ctx, "iam.keys", "AKIALEADLEADLEADLEAD",
        "{\"UserName\":\"lk\",\"SecretAccessKey\":\"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\",\"Status\":\"Active\"}");
    put(&ctx, "iam.users", "rt",
        "{\"UserName\":\"rt\",\"UserId\":\"AIDAZ\",\"Arn\":\"arn:aws:iam::000000000000:user/rt\","
        "\"Policies\":{\"p\":\"{\\\"Version\\\":\\\"2012-10-17\\\",\\\"Statement\\\":[{"
        "\\\"Effect\\\":\\\"Allow\\\",\\\"Action\\\":\\\"dynamodb:GetItem\\\",\\\"Resource\\\":\\\"*\\\","
        "\\\"Condition\\\":{\\\"StringEquals\\\":{\\\"aws:ResourceTag/team\\\":\\\"blue\\\"}}}]}\"},"
        "\"Attached\":[],\"Groups\":[]}");
    put(&ctx, "iam.keys", "AKIARESTAGRESTAGREST",
        "{\"UserName\":\"rt\",\"SecretAccessKey\":\"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\",\"Status\":\"Active\"}");
    ddb_catalog_install(json_pack("{s:s,s:i,s:[{s:s,s:s}],s:[{s:s,s:s}],s:[{s:s,s:s}]}", "TableName", "Users",
                                  "Num", 1, "KeySchema", "AttributeName", "id", "KeyType", "HASH",
                                  "AttributeDefinitions", "AttributeName", "id", "AttributeType", "S", "Tags", "Key",
                                  "team", "Value", "blue"));
    const char *AK = "AKIAUSERUSERUSERUSER", *SK = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    char kv[200];
    snprintf(kv, sizeof kv, "{\"UserName\":\"alice\",\"SecretAccessKey\":\"%s\",\"Status\":\"Active\"}", SK);
    put(&ctx, "iam.keys", AK, kv);
    const char *ak = AK, *sk = SK;
    if (strcmp(who, "leading") == 0) ak = "AKIALEADLEADLEADLEAD";
    if (strcmp(who, "restag") == 0) ak = "AKIARESTAGRESTAGREST";
    if (strcmp(who, "root") == 0) {
        ak = auth_root_access_key();
        sk = auth_creds_lookup(&ctx, ak)->secret;
    }
    const char *body =
        "{\"TableName\":\"Users\",\"Key\":{\"id\":{\"S\":\"user-42\"}},\"ConsistentRead\":true}";
    char date[17];
    auth_format_amz_date((int64_t)nb_wall_ms(), date);
    char d8[9];
    memcpy(d8, date, 8);
    d8[8] = 0;
    nb_kv_t h[6] = {{"host", "localhost:4566", 14},   {"content-type", "application/x-amz-json-1.0", 26},
                    {"x-amz-date", date, 16},         {"x-amz-target", "DynamoDB_20120810.GetItem", 25},
                    {"user-agent", "Boto3/1.34", 10}, {"authorization", NULL, 0}};
    const char *sh = "content-type;host;x-amz-date;x-amz-target";
    char ph[65];
    auth_sha256_hex(body, strlen(body), ph);
    nb_buf_t creq = NB_BUF_INIT, sts = NB_BUF_INIT, az = NB_BUF_INIT;
    char scope[100];
    snprintf(scope, sizeof scope, "%s/us-east-1/dynamodb/aws4_request", d8);
    auth_canonical_request(&creq, "POST", "/", "", h, 5, sh, strlen(sh), ph, 0, 0);
    auth_string_to_sign(&sts, date, scope, creq.data, creq.len);
    unsigned char key[32];
    auth_signing_key(sk, d8, "us-east-1", "dynamodb", key);
    char sig[65];
    auth_sign_hex(key, sts.data, sts.len, sig);
    nb_buf_printf(&az, "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s", ak, scope, sh,
                  sig);
    h[5].value = az.data;
    h[5].value_len = az.len;
    nb_req_t req;
    memset(&req, 0, sizeof req);
    req.arena = nb_arena_new(8192);
    req.ctx = &ctx;
    req.method = "POST";
    req.raw_target = "/";
    req.raw_path = "/";
    req.path = "/";
    req.query = "";
    req.headers = h;
    req.n_headers = 6;
    req.body = body;
    req.body_len = strlen(body);
    strcpy(req.remote_addr, "127.0.0.1");
    req.svc = &ddb_service;
    req.op = nb_service_op(&ddb_service, "GetItem");
    req.json = json_loads(body, 0, NULL);
    if (auth_enforce(&req) != 0) {
        printf("refused\n");
        return 1;
    }
    long n = 100000;
    double t0 = now_ns();
    for (long i = 0; i < n; i++) {
        nb_arena_reset(req.arena);
        if (auth_enforce(&req) != 0) {
            printf("refused\n");
            return 1;
        }
    }
    double t1 = now_ns();
    printf("%s: auth_enforce %.0f ns/request\n", who, (t1 - t0) / n);
    return 0;
}
