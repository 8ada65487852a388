/* test_lambda.c — Lambda internals: names and ARNs, package unpacking (zip
 * slip, bad zips, modes), SHA-256, function logs read back by `nimbus logs`, and
 * the C API's answer when the service is not running. */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include "test.h"
#include "core/util.h"
#include "lambda/lambda_int.h"
#include "logs/logs.h"

static nb_config_t cfg;
static nb_ctx_t ctx;

static void setup_ctx(void)
{
    char *argv[] = {"--data", (char *)test_tmpdir(), NULL};
    ASSERT_EQ(nb_config_load(&cfg, 2, argv), 0);
    ctx.cfg = &cfg;
    ctx.loop = uv_default_loop();
    lambda__svc.ctx = &ctx;
    snprintf(lambda__svc.dir, sizeof lambda__svc.dir, "%s/lambda", test_tmpdir());
}

TEST(parse_function_names)
{
    setup_ctx();
    char n[LAMBDA_NAME_MAX + 1], q[130];
    ASSERT_EQ(lambda__parse_fn("my-fn", n, q), 0);
    ASSERT_STREQ(n, "my-fn");
    ASSERT_STREQ(q, "");
    ASSERT_EQ(lambda__parse_fn("my-fn:prod", n, q), 0);
    ASSERT_STREQ(q, "prod");
    ASSERT_EQ(lambda__parse_fn("my-fn:$LATEST", n, q), 0);
    ASSERT_STREQ(q, "$LATEST");
    ASSERT_EQ(lambda__parse_fn("000000000000:function:f_1", n, q), 0);
    ASSERT_STREQ(n, "f_1");
    ASSERT_EQ(lambda__parse_fn("arn:aws:lambda:us-east-1:000000000000:function:f:7", n, q), 0);
    ASSERT_STREQ(n, "f");
    ASSERT_STREQ(q, "7");
    ASSERT_EQ(lambda__parse_fn("", n, q), -1);
    ASSERT_EQ(lambda__parse_fn("bad name", n, q), -1);
    ASSERT_EQ(lambda__parse_fn("a:b:c", n, q), -1);
    ASSERT_EQ(lambda__parse_fn("f:", n, q), -1);
    ASSERT_EQ(lambda__parse_fn("arn:aws:s3:us-east-1:123456789012:function:f", n, q), -1);
    ASSERT_EQ(lambda__parse_fn("1234:function:f", n, q), -1);
    /* another account's, region's or partition's function is none of ours */
    ASSERT_EQ(lambda__parse_fn("123456789012:function:f_1", n, q), -2);
    ASSERT_EQ(lambda__parse_fn("arn:aws:lambda:us-east-1:123456789012:function:f", n, q), -2);
    ASSERT_EQ(lambda__parse_fn("arn:aws:lambda:eu-west-1:000000000000:function:f", n, q), -2);
    ASSERT_EQ(lambda__parse_fn("arn:aws-cn:lambda:us-east-1:000000000000:function:f", n, q), -2);
    char longname[80];
    memset(longname, 'a', 65);
    longname[65] = 0;
    ASSERT_EQ(lambda__parse_fn(longname, n, q), -1);
    longname[64] = 0;
    ASSERT_EQ(lambda__parse_fn(longname, n, q), 0);
}

TEST(qualifiers_and_versions)
{
    ASSERT(lambda__is_version("$LATEST"));
    ASSERT(lambda__is_version("12"));
    ASSERT(!lambda__is_version("live"));
    ASSERT(!lambda__is_version(""));
    ASSERT(lambda__valid_qualifier("live-1_x"));
    ASSERT(!lambda__valid_qualifier("a b"));
    ASSERT(!lambda__valid_qualifier(""));
}

TEST(arns)
{
    setup_ctx();
    char *a = lambda__fn_arn("f", NULL);
    ASSERT_STREQ(a, "arn:aws:lambda:us-east-1:000000000000:function:f");
    free(a);
    a = lambda__fn_arn("f", "3");
    ASSERT_STREQ(a, "arn:aws:lambda:us-east-1:000000000000:function:f:3");
    free(a);
    a = lambda__layer_arn("l", 2);
    ASSERT_STREQ(a, "arn:aws:lambda:us-east-1:000000000000:layer:l:2");
    free(a);
}

/* The ARN IAM authorizes (resource_fn): qualified as the request names it for
 * operations that take a Qualifier, unqualified for whole-function ones. */
static const char *resource_of(int mode, const char *name, const char *qualifier, nb_buf_t *b)
{
    nb_req_t req = {.ctx = &ctx};
    nb_buf_clear(b);
    int rc = mode == 0 ? lambda__fn_resource_unqualified(&req, name, b)
           : mode == 1 ? lambda__fn_resource(&req, name, b)
                       : lambda__fn_resource_qualified(&req, name, qualifier, b);
    if (rc != 0) return "(none)";
    nb_buf_putc(b, 0);
    return (const char *)b->data;
}

TEST(authorized_function_arns)
{
    setup_ctx();
    nb_buf_t b = NB_BUF_INIT;
#define FN "arn:aws:lambda:us-east-1:000000000000:function:"
    ASSERT_STREQ(resource_of(2, "f", "prod", &b), FN "f:prod");
    ASSERT_STREQ(resource_of(2, "f", "$LATEST", &b), FN "f:$LATEST");
    ASSERT_STREQ(resource_of(2, "f:prod", NULL, &b), FN "f:prod");
    ASSERT_STREQ(resource_of(2, "f:prod", "prod", &b), FN "f:prod");
    ASSERT_STREQ(resource_of(2, FN "f", "7", &b), FN "f:7");
    ASSERT_STREQ(resource_of(2, "000000000000:function:f", "", &b), FN "f");
    ASSERT_STREQ(resource_of(2, "f", NULL, &b), FN "f");
    ASSERT_STREQ(resource_of(2, "f:prod", "1", &b), "(none)");      /* differs from the name's */
    ASSERT_STREQ(resource_of(2, "f", "a:b", &b), "(none)");         /* malformed */
    ASSERT_STREQ(resource_of(0, "f:prod", NULL, &b), FN "f");
    ASSERT_STREQ(resource_of(0, FN "f:3", NULL, &b), FN "f");
    ASSERT_STREQ(resource_of(1, FN "f:3", NULL, &b), FN "f:3");
    ASSERT_STREQ(resource_of(0, "arn:aws:lambda:eu-west-1:000000000000:function:f", NULL, &b), "(none)");
#undef FN
    nb_buf_free(&b);
}

/* A name's qualifier clashing with Qualifier: the two ARNs the request names. */
TEST(clashing_qualifier_names_two_arns)
{
    setup_ctx();
    nb_req_t req = {.ctx = &ctx};
#define FN "arn:aws:lambda:us-east-1:000000000000:function:"
    nb_buf_t a = NB_BUF_INIT, b = NB_BUF_INIT;
    ASSERT_EQ(lambda__fn_resource_mismatch(&req, "f:prod", "3", &a, &b), 1);
    nb_buf_putc(&a, 0);
    nb_buf_putc(&b, 0);
    ASSERT_STREQ((const char *)a.data, FN "f:prod");
    ASSERT_STREQ((const char *)b.data, FN "f:3");
    nb_buf_clear(&a);
    nb_buf_clear(&b);
    ASSERT_EQ(lambda__fn_resource_mismatch(&req, FN "f:1", "$LATEST", &a, &b), 1);
    nb_buf_clear(&a);
    nb_buf_clear(&b);
    /* no clash: same, none in the name, none given, malformed, another account's */
    ASSERT_EQ(lambda__fn_resource_mismatch(&req, "f:prod", "prod", &a, &b), 0);
    ASSERT_EQ(lambda__fn_resource_mismatch(&req, "f", "prod", &a, &b), 0);
    ASSERT_EQ(lambda__fn_resource_mismatch(&req, "f:prod", "", &a, &b), 0);
    ASSERT_EQ(lambda__fn_resource_mismatch(&req, "f:prod", NULL, &a, &b), 0);
    ASSERT_EQ(lambda__fn_resource_mismatch(&req, "f:prod", "a:b", &a, &b), 0);
    ASSERT_EQ(lambda__fn_resource_mismatch(&req, "arn:aws:lambda:us-east-1:111111111111:function:f:1", "2", &a, &b), 0);
    ASSERT_EQ(a.len, 0);
    ASSERT_EQ(b.len, 0);
#undef FN
    nb_buf_free(&a);
    nb_buf_free(&b);
}

TEST(destination_kinds)
{
    ASSERT_STREQ(lambda__dest_kind("arn:aws:sqs:us-east-1:000000000000:q")->action, "sqs:SendMessage");
    ASSERT_STREQ(lambda__dest_kind("arn:aws:sns:us-east-1:000000000000:t")->label, "SNS");
    ASSERT_STREQ(lambda__dest_kind("arn:aws:lambda:us-east-1:000000000000:function:f")->verb, "InvokeFunction");
    ASSERT_STREQ(lambda__dest_kind("arn:aws:events:us-east-1:000000000000:event-bus/default")->action,
                 "events:PutEvents");
    ASSERT(lambda__dest_kind("arn:aws:s3:::bucket") == NULL);
    ASSERT(lambda__dest_kind("arn:aws:sqs") == NULL);
    ASSERT(lambda__dest_kind("arn:aws:sqs:us-east-1:000000000000:") == NULL);
    ASSERT(lambda__dest_kind("arn:aws:sqsx:us-east-1:000000000000:q") == NULL);
    ASSERT(lambda__dest_kind("sqs:us-east-1:000000000000:q") == NULL);
    ASSERT(lambda__dest_kind(NULL) == NULL);
}

TEST(sha256_vector)
{
    char hex[65], b64[45];
    lambda__sha256("abc", 3, hex, b64);
    ASSERT_STREQ(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    ASSERT_STREQ(b64, "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
}

/* A zip in memory with the given entries (name, content, mode). */
static void make_zip(nb_buf_t *out, const char *const *names, const char *const *data, const int *modes, int n)
{
    struct archive *a = archive_write_new();
    archive_write_set_format_zip(a);
    size_t cap = 1 << 16, used = 0;
    char *buf = malloc(cap);
    ASSERT_EQ(archive_write_open_memory(a, buf, cap, &used), ARCHIVE_OK);
    for (int i = 0; i < n; i++) {
        struct archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, names[i]);
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, (mode_t)modes[i]);
        archive_entry_set_size(e, (la_int64_t)strlen(data[i]));
        ASSERT_EQ(archive_write_header(a, e), ARCHIVE_OK);
        archive_write_data(a, data[i], strlen(data[i]));
        archive_entry_free(e);
    }
    archive_write_close(a);
    archive_write_free(a);
    nb_buf_append(out, buf, used);
    free(buf);
}

TEST(unzip_package)
{
    setup_ctx();
    const char *names[] = {"bootstrap", "lib/data.txt"};
    const char *data[] = {"#!/bin/sh\necho hi\n", "payload"};
    const int modes[] = {0755, 0600};
    nb_buf_t zip = NB_BUF_INIT;
    make_zip(&zip, names, data, modes, 2);
    char dir[600], err[256], path[700];
    snprintf(dir, sizeof dir, "%s/code/a", test_tmpdir());
    ASSERT_EQ(lambda__unzip(zip.data, zip.len, dir, err, sizeof err), 0);
    snprintf(path, sizeof path, "%s/bootstrap", dir);
    struct stat st;
    ASSERT_EQ(stat(path, &st), 0);
    ASSERT(st.st_mode & S_IXUSR);
    nb_buf_t got = NB_BUF_INIT;
    snprintf(path, sizeof path, "%s/lib/data.txt", dir);
    ASSERT_EQ(nb_read_file(path, &got), 0);
    ASSERT_STREQ(got.data, "payload");
    ASSERT(st.st_mode & S_IRUSR);
    /* already unpacked: content addressed, nothing to do */
    ASSERT_EQ(lambda__unzip("garbage", 7, dir, err, sizeof err), 0);
    nb_buf_free(&got);
    nb_buf_free(&zip);
}

TEST(unzip_refuses_escapes_and_garbage)
{
    setup_ctx();
    char dir[600], err[256], probe[700];
    const char *evil[] = {"../escaped", "/abs/escaped", "a/../../escaped"};
    for (int i = 0; i < 3; i++) {
        nb_buf_t zip = NB_BUF_INIT;
        const char *names[] = {"ok.txt", evil[i]};
        const char *data[] = {"ok", "evil"};
        const int modes[] = {0644, 0644};
        make_zip(&zip, names, data, modes, 2);
        snprintf(dir, sizeof dir, "%s/code/evil%d", test_tmpdir(), i);
        ASSERT_EQ(lambda__unzip(zip.data, zip.len, dir, err, sizeof err), -1);
        struct stat st;
        ASSERT(stat(dir, &st) != 0);   /* nothing half-written left behind */
        snprintf(probe, sizeof probe, "%s/code/escaped", test_tmpdir());
        ASSERT(stat(probe, &st) != 0);
        ASSERT(stat("/abs/escaped", &st) != 0);
        nb_buf_free(&zip);
    }
    snprintf(dir, sizeof dir, "%s/code/garbage", test_tmpdir());
    ASSERT_EQ(lambda__unzip("PK\x03\x04garbage-garbage", 19, dir, err, sizeof err), -1);
    ASSERT_CONTAINS(err, "Could not unzip");
    ASSERT_EQ(lambda__unzip("not a zip at all", 16, dir, err, sizeof err), -1);
}

/* An entry naming the package's own directory (".", "./.", an empty name): as a file it
 * would replace the directory (the package became a file — found by
 * fuzz_lambda_unzip), so it is refused; as a directory entry it is skipped. */
TEST(unzip_entry_naming_the_package_itself)
{
    setup_ctx();
    char dir[600], err[256], path[700];
    const char *roots[] = {".", "./.", "././."};
    for (int i = 0; i < 3; i++) {
        nb_buf_t zip = NB_BUF_INIT;
        const char *names[] = {"ok.txt", roots[i]};
        const char *data[] = {"ok", "x"};
        const int modes[] = {0644, 0644};
        make_zip(&zip, names, data, modes, 2);
        snprintf(dir, sizeof dir, "%s/code/self%d", test_tmpdir(), i);
        ASSERT_EQ(lambda__unzip(zip.data, zip.len, dir, err, sizeof err), -1);
        ASSERT_CONTAINS(err, "Could not unzip");
        struct stat st;
        ASSERT(stat(dir, &st) != 0);
        nb_buf_free(&zip);
    }
    /* a file entry with an empty name (the input fuzz_lambda_unzip found):
     * libarchive wrote it at "DIR/", replacing the directory by a file */
    static const char empty_name[] =
        "\x50\x4b\x03\x04\x14\x00\x00\x00\x08\x00\x00\x00\x00\x01\x00\x00\x00\x08\x00\x00\x00\x00\x01\x00"
        "\x00\x00\x08\x00\x00\x00\x00\x00\x00\x00\x80\x00\x00\x00\x00\x01\x00\x00\x00\x3d\x00\x2f\x74\x6d"
        "\x70\x2f\x61\x62\x73\x50\x4b\x05\x06\x00\x00\x00\x00\x00\x00\x00\x80\x00\x00\x00\x00\x01\x00\x00"
        "\x00\x3d\x00\x2f\x74\x6d\x70\x2f\x61\x6a\x73\x50\x4b\x0d\x06\x00\x00\x00\x00\x00";
    snprintf(dir, sizeof dir, "%s/code/selfempty", test_tmpdir());
    ASSERT_EQ(lambda__unzip(empty_name, sizeof empty_name - 1, dir, err, sizeof err), -1);
    ASSERT_CONTAINS(err, "Could not unzip");
    struct stat st0;
    ASSERT(stat(dir, &st0) != 0);
    nb_buf_t zip = NB_BUF_INIT;
    const char *names[] = {"./", "ok.txt"};
    const char *data[] = {"", "ok"};
    const int modes[] = {0755, 0644};
    make_zip(&zip, names, data, modes, 2);
    snprintf(dir, sizeof dir, "%s/code/selfdir", test_tmpdir());
    ASSERT_EQ(lambda__unzip(zip.data, zip.len, dir, err, sizeof err), 0);
    struct stat st;
    ASSERT(stat(dir, &st) == 0 && S_ISDIR(st.st_mode));
    snprintf(path, sizeof path, "%s/ok.txt", dir);
    ASSERT(stat(path, &st) == 0 && S_ISREG(st.st_mode));
    nb_buf_free(&zip);
}

TEST(log_stream_name_format)
{
    char s[96];
    lambda__log_stream_name(s, sizeof s, "$LATEST");
    ASSERT_EQ(strlen(s), strlen("2026/11/28/[$LATEST]"));
    ASSERT(s[4] == '/' && s[7] == '/' && s[10] == '/');
    ASSERT_CONTAINS(s, "[$LATEST]");
}

static int durable_calls;
static void on_durable(void *arg, int status) { (void)arg; (void)status; durable_calls++; }

TEST(logs_round_trip_through_cli)
{
    setup_ctx();
    store_t *s = NULL;
    ASSERT_EQ(store_open(&s, ctx.loop, test_tmpdir(), NULL), STORE_OK);
    ctx.store = s;
    lambda__logs_init();
    uint64_t now = nb_wall_ms();
    lambda__log_event("/aws/lambda/fn1", "2026/11/28/[$LATEST]aaa", now - 5, "START RequestId: r1 Version: $LATEST", 36);
    lambda__log_event("/aws/lambda/fn1", "2026/11/28/[$LATEST]bbb", now - 3, "second line", 11);
    lambda__log_event("/aws/lambda/fn1", "2026/11/28/[$LATEST]aaa", now - 4, "first line", 10);
    lambda__log_event("/aws/lambda/fn2", "2026/11/28/[$LATEST]ccc", now - 4, "other function", 14);
    logs_flush();
    /* an empty write txn just to wait for durability of the one before */
    store_txn_t *t;
    ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
    ASSERT_EQ(store_put(t, "test.k", "k", 1, "v", 1), STORE_OK);
    ASSERT_EQ(store_commit(t, on_durable, NULL), STORE_OK);
    while (!durable_calls) uv_run(ctx.loop, UV_RUN_ONCE);
    /* the stream records a CloudWatch Logs API will list */
    ASSERT_EQ(store_begin(s, STORE_READ, &t), STORE_OK);
    nb_buf_t k = NB_BUF_INIT;
    lambda__pair_key(&k, "/aws/lambda/fn1", "2026/11/28/[$LATEST]aaa");
    json_t *rec = lambda__get_json(t, "logs.streams", k.data, k.len);
    ASSERT(rec != NULL);
    ASSERT_EQ(json_integer_value(json_object_get(rec, "lastEventTimestamp")), (long long)(now - 4));
    json_decref(rec);
    rec = lambda__get_json(t, "logs.groups", "/aws/lambda/fn1", 15);
    ASSERT(rec != NULL);
    json_decref(rec);
    store_abort(t);
    nb_buf_free(&k);

    char out[600];
    snprintf(out, sizeof out, "%s/out.txt", test_tmpdir());
    fflush(stdout);
    int saved = dup(1);
    int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 1);
    close(fd);
    char *argv[] = {"fn1", "--since", "1h", "--data", (char *)test_tmpdir(), NULL};
    int rc = logs_main(5, argv);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    ASSERT_EQ(rc, 0);
    nb_buf_t got = NB_BUF_INIT;
    ASSERT_EQ(nb_read_file(out, &got), 0);
    const char *a = strstr(got.data, "START RequestId: r1");
    const char *b = strstr(got.data, "first line");
    const char *c = strstr(got.data, "second line");
    ASSERT(a && b && c);
    ASSERT(a < b && b < c);   /* time order across streams */
    ASSERT(!strstr(got.data, "other function"));
    nb_buf_free(&got);
    lambda__logs_stop();
    store_close(s);
    uv_run(ctx.loop, UV_RUN_DEFAULT);
}

static int got_result;
static nb_err_t got_err;
static void on_result(void *arg, const lambda_result_t *r) { (void)arg; got_result++; got_err = r->error; }

TEST(invoke_api_when_not_running)
{
    setup_ctx();
    lambda__svc.started = 0;
    ASSERT_EQ(lambda_invoke(&ctx, "f", NULL, "{}", 2, on_result, NULL), 0);
    ASSERT_EQ(got_result, 1);
    ASSERT_EQ(got_err, LAMBDA_ERR_SERVICE);
}

/* --- lambda_invoke(): the C API other services use, against a real instance --- */

typedef struct capi_res {
    int done;
    nb_err_t err;
    char payload[256];
    char version[16];
    int function_error;
} capi_res_t;

static void on_capi(void *arg, const lambda_result_t *r)
{
    capi_res_t *c = arg;
    c->done = 1;
    c->err = r->error;
    snprintf(c->payload, sizeof c->payload, "%.*s", (int)r->payload_len, r->payload);
    snprintf(c->version, sizeof c->version, "%s", r->executed_version ? r->executed_version : "");
    c->function_error = r->function_error != NULL;
}

static const char capi_bootstrap[] =
    "#!/bin/sh\n"
    "API=\"http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime\"\n"
    "H=$(mktemp)\n"
    "while true; do\n"
    "  EV=$(curl -sS -D \"$H\" \"$API/invocation/next\")\n"
    "  ID=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' \"$H\" | tr -d '\\r' | awk '{print $2}')\n"
    "  curl -sS -X POST \"$API/invocation/$ID/response\" "
    "-d \"{\\\"echo\\\":$EV,\\\"ak\\\":\\\"$AWS_ACCESS_KEY_ID\\\",\\\"tok\\\":\\\"$AWS_SESSION_TOKEN\\\"}\" >/dev/null\n"
    "done\n";

static int count_one(void *arg, const void *k, size_t kl, const void *v, size_t vl)
{
    (void)k; (void)kl; (void)v; (void)vl;
    (*(int *)arg)++;
    return 0;
}

static int queued_events(store_t *s)
{
    store_txn_t *t;
    int n = 0;
    ASSERT_EQ(store_begin(s, STORE_READ, &t), STORE_OK);
    store_scan(t, LAMBDA_KS_ASYNC, NULL, 0, NULL, 0, 0, count_one, &n);
    store_abort(t);
    return n;
}

static char seen_role[200];

static int test_creds(void *arg, const char *role_arn, const char *function_arn, lambda_credentials_t *out)
{
    (void)arg; (void)function_arn;
    snprintf(seen_role, sizeof seen_role, "%s", role_arn);
    snprintf(out->access_key_id, sizeof out->access_key_id, "ASIAROLE");
    snprintf(out->secret_access_key, sizeof out->secret_access_key, "secret");
    snprintf(out->session_token, sizeof out->session_token, "tok-1");
    out->expires_ms = nb_wall_ms() + 3600 * 1000;
    return 0;
}

TEST(c_api_invokes_a_function)
{
    extern const nb_service_t lambda_service;
    char *argv[] = {"--data", (char *)test_tmpdir(), "--set", "lambda.isolate=0", NULL};
    ASSERT_EQ(nb_config_load(&cfg, 4, argv), 0);
    ctx.cfg = &cfg;
    ctx.loop = uv_default_loop();
    store_t *s = NULL;
    ASSERT_EQ(store_open(&s, ctx.loop, test_tmpdir(), NULL), STORE_OK);
    ctx.store = s;
    ASSERT_EQ(lambda_service.init(&ctx), 0);

    char dir[PATH_MAX + 64], path[PATH_MAX + 128];
    /* already unpacked (as after an upload): no sealed package is needed */
    snprintf(dir, sizeof dir, "%s/code/capi-fn/c0de", lambda__svc.unpack_dir);
    ASSERT_EQ(nb_mkdir_p(dir), 0);
    snprintf(path, sizeof path, "%s/bootstrap", dir);
    ASSERT_EQ(nb_write_file_atomic(path, capi_bootstrap, strlen(capi_bootstrap), 0755), 0);
    lambda_set_credentials_provider(test_creds, NULL);
    json_t *rec = json_pack("{s:{s:s,s:s,s:s,s:s,s:s,s:i,s:i,s:s},s:{s:s,s:i}}",
                            "cfg", "FunctionName", "capi-fn", "Runtime", "provided.al2", "Handler", "h",
                            "Role", "arn:aws:iam::000000000000:role/capi-role",
                            "Version", "$LATEST", "MemorySize", 128, "Timeout", 5, "RevisionId", "r1",
                            "code", "sha", "c0de", "size", 1);
    json_object_set_new(rec, "policy", json_pack("[{s:s,s:s,s:{s:s},s:s}]", "Sid", "apigw", "Effect", "Allow",
                                                 "Principal", "Service", "apigateway.amazonaws.com",
                                                 "Action", "lambda:InvokeFunction"));
    store_txn_t *t;
    ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
    ASSERT_EQ(lambda__put_json(t, LAMBDA_KS_FN, "capi-fn", 7, rec), STORE_OK);
    json_decref(rec);
    durable_calls = 0;
    ASSERT_EQ(store_commit(t, on_durable, NULL), STORE_OK);
    while (!durable_calls) uv_run(ctx.loop, UV_RUN_ONCE);

    for (int i = 0; i < 2; i++) {   /* cold, then warm */
        capi_res_t res = {0};
        ASSERT_EQ(lambda_invoke(&ctx, "arn:aws:lambda:us-east-1:000000000000:function:capi-fn", NULL,
                                "{\"x\":1}", 7, on_capi, &res), 0);
        while (!res.done) uv_run(ctx.loop, UV_RUN_ONCE);
        ASSERT_EQ(res.err, NB_OK);
        ASSERT_STREQ(res.payload, "{\"echo\":{\"x\":1},\"ak\":\"ASIAROLE\",\"tok\":\"tok-1\"}");
        ASSERT_STREQ(seen_role, "arn:aws:iam::000000000000:role/capi-role");
        ASSERT_STREQ(res.version, "$LATEST");
        ASSERT(!res.function_error);
    }
    json_t *pol = lambda_resource_policy(&ctx, "arn:aws:lambda:us-east-1:000000000000:function:capi-fn");
    ASSERT(pol != NULL);
    ASSERT_STREQ(json_string_value(json_object_get(pol, "Version")), "2012-10-17");
    ASSERT_STREQ(json_string_value(json_object_get(json_array_get(json_object_get(pol, "Statement"), 0), "Sid")),
                 "apigw");
    json_decref(pol);
    ASSERT(lambda_resource_policy(&ctx, "no-such-fn") == NULL);
    capi_res_t missing = {0};
    lambda_invoke(&ctx, "no-such-fn", NULL, "{}", 2, on_capi, &missing);
    while (!missing.done) uv_run(ctx.loop, UV_RUN_ONCE);
    ASSERT_EQ(missing.err, LAMBDA_ERR_NOT_FOUND);

    /* an Event invocation through the C API: queued durably, then run and removed */
    ASSERT_EQ(lambda_invoke_event(&ctx, "capi-fn", NULL, "{\"async\":1}", 11), NB_OK);
    ASSERT_EQ(lambda_invoke_event(&ctx, "no-such-fn", NULL, "{}", 2), LAMBDA_ERR_NOT_FOUND);
    ASSERT_EQ(queued_events(s), 1);
    while (queued_events(s) > 0) uv_run(ctx.loop, UV_RUN_ONCE);

    lambda_service.stop(&ctx);
    store_close(s);
    uv_run(ctx.loop, UV_RUN_DEFAULT);
    lambda__rm_rf(lambda__svc.unpack_dir);
}

/* --- asynchronous invocations: MaximumEventAgeInSeconds ----------------------------- */

typedef struct dlq_scan { int n; char condition[64]; } dlq_scan_t;

static int dlq_one(void *arg, const void *k, size_t kl, const void *v, size_t vl)
{
    (void)k; (void)kl;
    dlq_scan_t *d = arg;
    json_t *rec = json_loadb(v, vl, 0, NULL);
    const char *c = json_string_value(json_object_get(json_object_get(rec, "requestContext"), "condition"));
    snprintf(d->condition, sizeof d->condition, "%s", c ? c : "");
    json_decref(rec);
    d->n++;
    return 0;
}

static dlq_scan_t dead_letters(store_t *s)
{
    dlq_scan_t d = {0, ""};
    store_txn_t *t;
    ASSERT_EQ(store_begin(s, STORE_READ, &t), STORE_OK);
    store_scan(t, LAMBDA_KS_DLQ, NULL, 0, NULL, 0, 0, dlq_one, &d);
    store_abort(t);
    return d;
}

TEST(async_event_too_old_goes_to_dead_letters)
{
    extern const nb_service_t lambda_service;
    char *argv[] = {"--data", (char *)test_tmpdir(), "--set", "lambda.isolate=0", NULL};
    ASSERT_EQ(nb_config_load(&cfg, 4, argv), 0);
    ctx.cfg = &cfg;
    ctx.loop = uv_default_loop();
    store_t *s = NULL;
    ASSERT_EQ(store_open(&s, ctx.loop, test_tmpdir(), NULL), STORE_OK);
    ctx.store = s;
    /* a function throttled to zero, whose events may wait 60 s at most, and an
     * event queued 120 s ago (as after a long outage): its next attempt is
     * throttled and it is old enough to be given up */
    json_t *rec = json_pack("{s:{s:s,s:s,s:s,s:s,s:i,s:i,s:s},s:{s:s,s:i},s:i,s:{s:{s:i}}}",
                            "cfg", "FunctionName", "old-fn", "Runtime", "provided.al2", "Handler", "h",
                            "Version", "$LATEST", "MemorySize", 128, "Timeout", 3, "RevisionId", "r1",
                            "code", "sha", "none", "size", 1, "reserved", 0,
                            "eic", "$LATEST", "MaximumEventAgeInSeconds", 60);
    json_t *ev = json_pack("{s:s,s:s,s:s,s:s,s:i,s:I}", "id", "11111111-2222-3333-4444-555555555555",
                           "fn", "old-fn", "qual", "", "payload", "{\"late\":true}", "attempts", 0,
                           "first_ms", (json_int_t)(nb_wall_ms() - 120000));
    unsigned char key[44];
    uint64_t due = nb_wall_ms();
    for (int i = 7; i >= 0; i--) { key[i] = (unsigned char)due; due >>= 8; }
    memcpy(key + 8, "11111111-2222-3333-4444-555555555555", 36);
    store_txn_t *t;
    ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
    ASSERT_EQ(lambda__put_json(t, LAMBDA_KS_FN, "old-fn", 6, rec), STORE_OK);
    ASSERT_EQ(lambda__put_json(t, LAMBDA_KS_ASYNC, key, sizeof key, ev), STORE_OK);
    json_decref(rec);
    json_decref(ev);
    durable_calls = 0;
    ASSERT_EQ(store_commit(t, on_durable, NULL), STORE_OK);
    while (!durable_calls) uv_run(ctx.loop, UV_RUN_ONCE);

    ASSERT_EQ(lambda_service.init(&ctx), 0);   /* resumes the queue */
    while (dead_letters(s).n == 0) uv_run(ctx.loop, UV_RUN_ONCE);
    dlq_scan_t d = dead_letters(s);
    ASSERT_EQ(d.n, 1);
    ASSERT_STREQ(d.condition, "EventAgeExceeded");
    ASSERT_EQ(queued_events(s), 0);

    lambda_service.stop(&ctx);
    store_close(s);
    uv_run(ctx.loop, UV_RUN_DEFAULT);
    lambda__rm_rf(lambda__svc.unpack_dir);
}
