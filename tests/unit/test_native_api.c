/* test_native_api.c — the response helpers of include/nimbus/lambda.h (the
 * native handler API), driven through a runner-like reserve function. */
#include "test.h"
#include "nimbus/lambda.h"

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
