/* test_native_api.c — the response helpers of include/nimbus/lambda.h (the
 * native handler API), driven through a runner-like reserve function. */
#include "test.h"
#include "nimbus/lambda.h"
#include "lambda_native/runner.h"
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static int reserve(nimbus_response_t *r, size_t need)
{
    if (need <= r->cap) return 0;
    if (need > 4096) return -1;
    int owned = r->body == r->buf;
    r->buf = realloc(r->buf, need);
    r->cap = need;
    if (owned) r->body = r->buf;
    return 0;
}

static void init(nimbus_response_t *r)
{
    memset(r, 0, sizeof *r);
    r->reserve = reserve;
}

static char *str(const nimbus_response_t *r)
{
    char *s = malloc(r->len + 1);
    memcpy(s, r->body, r->len);
    s[r->len] = 0;
    return s;
}

TEST(json_string_escapes_quotes_controls_and_copies_runs)
{
    nimbus_response_t r;
    init(&r);
    ASSERT_EQ(nimbus_response_set_str(&r, "{\"body\":"), 0);
    ASSERT_EQ(nimbus_response_append_json_string(&r, "{\"id\":{\"S\":\"a\\b\"}}\n\t\r\x01\x1f end \xc3\xa9"), 0);
    char *s = str(&r);
    ASSERT_STREQ(s, "{\"body\":\"{\\\"id\\\":{\\\"S\\\":\\\"a\\\\b\\\"}}\\n\\t\\r\\u0001\\u001f end \xc3\xa9\"");
    free(s);
    free(r.buf);
}

TEST(json_string_empty_and_plain)
{
    nimbus_response_t r;
    init(&r);
    ASSERT_EQ(nimbus_response_append_json_string(&r, ""), 0);
    ASSERT_EQ(nimbus_response_append_json_string(&r, "plain"), 0);
    char *s = str(&r);
    ASSERT_STREQ(s, "\"\"\"plain\"");
    free(s);
    free(r.buf);
}

TEST(json_string_over_the_limit_sets_overflow)
{
    nimbus_response_t r;
    init(&r);
    char big[5000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = 0;
    ASSERT_EQ(nimbus_response_append_json_string(&r, big), -1);
    ASSERT_EQ(r.overflow, 1);
    free(r.buf);
}

/* lambda_native_inproc_ok (src/lambda_native/inproc.c): when a pooled blank
 * that exec'd the runner may serve a function without an execve. */
static void mkfile(const char *dir, const char *name)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    if (f) fclose(f);
}

TEST(native_inproc_only_when_the_loader_would_see_the_same)
{
    char task[400], lib[512], ld[2048], hw[600];
    snprintf(task, sizeof task, "%s/task", test_tmpdir());
    snprintf(lib, sizeof lib, "%s/lib", task);
    mkdir(task, 0755);
    mkfile(task, "handler.so");
    mkfile(task, "config.json");
    snprintf(ld, sizeof ld, "LD_LIBRARY_PATH=%s:%s:/nonexistent/opt/lib", lib, task);
    const char *argv[] = { "/var/runtime/runtimes/native/bootstrap", NULL };
    const char *base[] = { "_HANDLER=handler.so", "AWS_REGION=us-east-1", ld, "TZ=:UTC", NULL };
    ASSERT_EQ(lambda_native_inproc_ok(argv, base), 1);        /* only the handler: nothing to find */
    const char *sym[] = { "_HANDLER=handler.so:my_handler", ld, NULL };
    ASSERT_EQ(lambda_native_inproc_ok(argv, sym), 1);
    const char *none[] = { "_HANDLER=handler.so", NULL };
    ASSERT_EQ(lambda_native_inproc_ok(argv, none), 1);
    /* what the loader or libc read at start */
    const char *pre[] = { "_HANDLER=handler.so", ld, "LD_PRELOAD=/var/task/x.so", NULL };
    ASSERT_EQ(lambda_native_inproc_ok(argv, pre), 0);
    const char *tun[] = { "_HANDLER=handler.so", "GLIBC_TUNABLES=glibc.malloc.arena_max=1", NULL };
    ASSERT_EQ(lambda_native_inproc_ok(argv, tun), 0);
    const char *mal[] = { "_HANDLER=handler.so", "MALLOC_ARENA_MAX=2", NULL };
    ASSERT_EQ(lambda_native_inproc_ok(argv, mal), 0);
    const char *bind[] = { "_HANDLER=handler.so", "LD_BIND_NOW=1", NULL };
    ASSERT_EQ(lambda_native_inproc_ok(argv, bind), 0);
    const char *origin[] = { "_HANDLER=handler.so", "LD_LIBRARY_PATH=$ORIGIN/lib", NULL };
    ASSERT_EQ(lambda_native_inproc_ok(argv, origin), 0);
    /* a library the search could find: beside the handler, or in lib/ */
    mkfile(task, "libdep.so.1");
    ASSERT_EQ(lambda_native_inproc_ok(argv, base), 0);
    char p[1024];
    snprintf(p, sizeof p, "%s/libdep.so.1", task);
    unlink(p);
    ASSERT_EQ(lambda_native_inproc_ok(argv, base), 1);
    mkdir(lib, 0755);
    ASSERT_EQ(lambda_native_inproc_ok(argv, base), 1);        /* an empty lib/ finds nothing */
    mkfile(lib, "libfoo.so");
    ASSERT_EQ(lambda_native_inproc_ok(argv, base), 0);
    snprintf(p, sizeof p, "%s/libfoo.so", lib);
    unlink(p);
    /* a hardware-capability subdirectory the loader searches */
    snprintf(hw, sizeof hw, "%s/glibc-hwcaps", lib);
    mkdir(hw, 0755);
    ASSERT_EQ(lambda_native_inproc_ok(argv, base), 0);
    rmdir(hw);
    ASSERT_EQ(lambda_native_inproc_ok(argv, base), 1);
    /* an empty element is the working directory */
    char cwd[1024];
    ASSERT(getcwd(cwd, sizeof cwd) != NULL);
    ASSERT_EQ(chdir(task), 0);
    mkfile(task, "libx.so");
    const char *empty[] = { "_HANDLER=handler.so", "LD_LIBRARY_PATH=/nonexistent::/nonexistent2", NULL };
    ASSERT_EQ(lambda_native_inproc_ok(argv, empty), 0);
    ASSERT_EQ(chdir(cwd), 0);
}
