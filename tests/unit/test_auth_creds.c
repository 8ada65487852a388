/* test_auth_creds.c — the credential store (src/auth/creds.c): root
 * credentials file, access key resolution for users and sessions with their
 * compiled policies, and cache invalidation. Real store, real files. */
#include <stdio.h>
#include <limits.h>
#include <sys/stat.h>
#include "test.h"
#include "auth/creds.h"
#include "auth/enforce.h"
#include "core/buf.h"
#include "core/util.h"
#include "store/store.h"

static uv_loop_t loop;
static nb_config_t cfg;
static nb_ctx_t ctx;

static void setup(void)
{
    ASSERT_EQ(uv_loop_init(&loop), 0);
    snprintf(cfg.data_dir, sizeof cfg.data_dir, "%s", test_tmpdir());
    snprintf(cfg.region, sizeof cfg.region, "us-east-1");
    snprintf(cfg.account, sizeof cfg.account, "000000000000");
    ctx.loop = &loop;
    ctx.cfg = &cfg;
    ASSERT_EQ(store_open(&ctx.store, &loop, cfg.data_dir, NULL), STORE_OK);
}

static void teardown(void)
{
    auth_creds_changed();
    store_close(ctx.store);
    uv_run(&loop, UV_RUN_DEFAULT);
    ASSERT_EQ(uv_loop_close(&loop), 0);
}

static void put(const char *ks, const char *key, const char *json)
{
    store_txn_t *t;
    ASSERT_EQ(store_begin(ctx.store, STORE_WRITE, &t), STORE_OK);
    ASSERT_EQ(store_put(t, ks, key, strlen(key), json, strlen(json)), STORE_OK);
    ASSERT_EQ(store_commit(t, NULL, NULL), STORE_OK);
    auth_creds_changed();
}

TEST(root_credentials_created_once_0600_and_reloaded)
{
    setup();
    ASSERT_EQ(auth_creds_init(&ctx), 0);
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/credentials.json", cfg.data_dir);
    struct stat st;
    ASSERT_EQ(stat(path, &st), 0);
    ASSERT_EQ(st.st_mode & 0777, 0600);
    char ak[32];
    snprintf(ak, sizeof ak, "%s", auth_root_access_key());
    ASSERT_EQ(strlen(ak), 20);
    ASSERT(strncmp(ak, "AKIA", 4) == 0);
    const auth_ident_t *r = auth_creds_lookup(&ctx, ak);
    ASSERT(r != NULL);
    ASSERT_EQ(r->type, IAM_PRINCIPAL_ROOT);
    ASSERT_STREQ(r->arn, "arn:aws:iam::000000000000:root");
    ASSERT_EQ(strlen(r->secret), 40);
    ASSERT_EQ(auth_creds_init(&ctx), 0);   /* second start: the same key */
    ASSERT_STREQ(auth_root_access_key(), ak);
    teardown();
}

TEST(user_key_resolves_with_user_group_and_managed_policies)
{
    setup();
    ASSERT_EQ(auth_creds_init(&ctx), 0);
    const char *doc = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}";
    nb_buf_t b = NB_BUF_INIT;
    nb_buf_printf(&b, "{\"UserName\":\"alice\",\"UserId\":\"AIDAX\",\"Arn\":\"arn:aws:iam::000000000000:user/alice\","
                      "\"Policies\":{\"p\":\"%s\"},\"Attached\":[\"arn:aws:iam::000000000000:policy/m\"],"
                      "\"Groups\":[\"g\"]}", "{\\\"Version\\\":\\\"2012-10-17\\\",\\\"Statement\\\":[{\\\"Effect\\\":"
                      "\\\"Allow\\\",\\\"Action\\\":\\\"dynamodb:GetItem\\\",\\\"Resource\\\":\\\"*\\\"}]}");
    put(AUTH_KS_USERS, "alice", b.data);
    nb_buf_free(&b);
    json_t *g = json_pack("{s:s,s:{s:s},s:[]}", "GroupName", "g", "Policies", "gp", doc, "Attached");
    char *gs = json_dumps(g, 0);
    put(AUTH_KS_GROUPS, "g", gs);
    free(gs);
    json_decref(g);
    json_t *m = json_pack("{s:s,s:[{s:s,s:s},{s:s,s:s}]}", "DefaultVersionId", "v2", "Versions", "VersionId", "v1",
                          "Document", "{bad", "VersionId", "v2", "Document", doc);
    char *ms = json_dumps(m, 0);
    put(AUTH_KS_POLICIES, "arn:aws:iam::000000000000:policy/m", ms);
    free(ms);
    json_decref(m);
    put(AUTH_KS_KEYS, "AKIAUSERUSERUSERUSER", "{\"UserName\":\"alice\",\"SecretAccessKey\":\"s3cr3t\",\"Status\":\"Active\"}");
    const auth_ident_t *id = auth_creds_lookup(&ctx, "AKIAUSERUSERUSERUSER");
    ASSERT(id != NULL);
    ASSERT_EQ(id->type, IAM_PRINCIPAL_USER);
    ASSERT_STREQ(id->secret, "s3cr3t");
    ASSERT_STREQ(id->username, "alice");
    ASSERT_EQ(id->n_identity, 3);   /* inline + managed default version + group inline */
    ASSERT(auth_creds_lookup(&ctx, "AKIANOSUCHKEYNOSUCHK") == NULL);
    put(AUTH_KS_KEYS, "AKIAUSERUSERUSERUSER", "{\"UserName\":\"alice\",\"SecretAccessKey\":\"s3cr3t\",\"Status\":\"Inactive\"}");
    ASSERT(auth_creds_lookup(&ctx, "AKIAUSERUSERUSERUSER") == NULL);
    teardown();
}

TEST(session_resolves_role_policies_session_policy_and_expiry)
{
    setup();
    ASSERT_EQ(auth_creds_init(&ctx), 0);
    put(AUTH_KS_ROLES, "r", "{\"RoleName\":\"r\",\"Arn\":\"arn:aws:iam::000000000000:role/r\",\"Policies\":"
                            "{\"p\":\"{\\\"Version\\\":\\\"2012-10-17\\\",\\\"Statement\\\":[{\\\"Effect\\\":\\\"Allow\\\","
                            "\\\"Action\\\":\\\"*\\\",\\\"Resource\\\":\\\"*\\\"}]}\"},\"Attached\":[]}");
    put(AUTH_KS_SESSIONS, "ASIASESSIONSESSIONSE", "{\"Kind\":\"role\",\"SecretAccessKey\":\"k\",\"SessionToken\":\"t\","
                          "\"Expiration\":123,\"Arn\":\"arn:aws:sts::000000000000:assumed-role/r/s\",\"RoleArn\":"
                          "\"arn:aws:iam::000000000000:role/r\",\"RoleName\":\"r\",\"Policy\":\"{\\\"Version\\\":"
                          "\\\"2012-10-17\\\",\\\"Statement\\\":[{\\\"Effect\\\":\\\"Allow\\\",\\\"Action\\\":\\\"s3:*\\\","
                          "\\\"Resource\\\":\\\"*\\\"}]}\"}");
    const auth_ident_t *id = auth_creds_lookup(&ctx, "ASIASESSIONSESSIONSE");
    ASSERT(id != NULL);
    ASSERT_EQ(id->type, IAM_PRINCIPAL_ASSUMED_ROLE);
    ASSERT_STREQ(id->token, "t");
    ASSERT_EQ(id->expires_ms, 123);
    ASSERT_STREQ(id->role_arn, "arn:aws:iam::000000000000:role/r");
    ASSERT_EQ(id->n_identity, 1);
    ASSERT_EQ(id->n_session, 1);
    teardown();
}

/* More sessions than a cache set holds, looked up in turns (an environment
 * each): every lookup resolves to its own session, from the cache or not. */
TEST(many_sessions_each_resolve_to_their_own_identity)
{
    setup();
    ASSERT_EQ(auth_creds_init(&ctx), 0);
    put(AUTH_KS_ROLES, "r", "{\"RoleName\":\"r\",\"Arn\":\"arn:aws:iam::000000000000:role/r\",\"Policies\":{},"
                            "\"Attached\":[]}");
    enum { N = 300 };
    char ak[N][24], doc[512];
    for (int i = 0; i < N; i++) {
        snprintf(ak[i], sizeof ak[i], "ASIABENCH%011d", i);
        snprintf(doc, sizeof doc, "{\"Kind\":\"role\",\"SecretAccessKey\":\"k%d\",\"SessionToken\":\"t%d\","
                 "\"Expiration\":123,\"Arn\":\"arn:aws:sts::000000000000:assumed-role/r/s%d\",\"RoleArn\":"
                 "\"arn:aws:iam::000000000000:role/r\",\"RoleName\":\"r\"}", i, i, i);
        put(AUTH_KS_SESSIONS, ak[i], doc);
    }
    char want[32];
    for (int round = 0; round < 3; round++)
        for (int k = 0; k < N; k++) {
            int i = round == 1 ? N - 1 - k : (k * 7) % N;
            const auth_ident_t *id = auth_creds_lookup(&ctx, ak[i]);
            ASSERT(id != NULL);
            ASSERT_STREQ(id->access_key, ak[i]);
            snprintf(want, sizeof want, "t%d", i);
            ASSERT_STREQ(id->token, want);
        }
    teardown();
}

TEST(identifiers_have_aws_shapes)
{
    char id[21], sk[41];
    auth_new_id("AROA", id);
    ASSERT_EQ(strlen(id), 20);
    ASSERT(strncmp(id, "AROA", 4) == 0);
    for (int i = 4; i < 20; i++) ASSERT((id[i] >= 'A' && id[i] <= 'Z') || (id[i] >= '2' && id[i] <= '7'));
    auth_new_secret(sk);
    ASSERT_EQ(strlen(sk), 40);
}

TEST(service_principal_checked_against_lambda_permissions)
{
    setup();
    const char *fn = "arn:aws:lambda:us-east-1:000000000000:function:hello";
    put("lambda.fn", "hello", "{\"policy\":[{\"Sid\":\"apigw\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":"
                              "\"apigateway.amazonaws.com\"},\"Action\":\"lambda:InvokeFunction\",\"Resource\":"
                              "\"arn:aws:lambda:us-east-1:000000000000:function:hello\",\"Condition\":{\"ArnLike\":"
                              "{\"AWS:SourceArn\":\"arn:aws:execute-api:us-east-1:000000000000:abc/*\"}}}]}");
    ASSERT_EQ(auth_service_allowed(&ctx, "apigateway.amazonaws.com", "lambda:InvokeFunction", fn,
                                   "arn:aws:execute-api:us-east-1:000000000000:abc/prod/GET/users"), 1);
    ASSERT_EQ(auth_service_allowed(&ctx, "apigateway.amazonaws.com", "lambda:InvokeFunction", fn,
                                   "arn:aws:execute-api:us-east-1:000000000000:other/prod/GET/users"), 0);
    ASSERT_EQ(auth_service_allowed(&ctx, "sns.amazonaws.com", "lambda:InvokeFunction", fn,
                                   "arn:aws:execute-api:us-east-1:000000000000:abc/prod/GET/users"), 0);
    ASSERT_EQ(auth_service_allowed(&ctx, "apigateway.amazonaws.com", "lambda:InvokeFunction",
                                   "arn:aws:lambda:us-east-1:000000000000:function:nopolicy", NULL), 0);
    teardown();
}
