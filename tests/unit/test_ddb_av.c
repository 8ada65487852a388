/* test_ddb_av.c — AttributeValue validation messages, normalization, equality,
 * ordering and item size. */
#include <stdlib.h>
#include <string.h>
#include "test.h"
#include "dynamodb/ddb_av.h"

static json_t *J(const char *s)
{
    json_t *v = json_loads(s, JSON_ALLOW_NUL | JSON_DECODE_ANY, NULL);
    if (!v)
        TEST_FAIL_("bad json %s", s);
    return v;
}

static void ok(const char *in, const char *normalized)
{
    json_t *v = J(in);
    ddb_err_t e = DDB_ERR_INIT;
    if (ddb_av_validate(v, &e) < 0)
        TEST_FAIL_("validate %s: %s", in, e.msg);
    json_t *want = J(normalized);
    if (!json_equal(v, want)) {
        char *got = json_dumps(v, JSON_COMPACT);
        TEST_FAIL_("validate %s gave %s, want %s", in, got, normalized);
    }
    json_decref(v);
    json_decref(want);
}

static void bad(const char *in, nb_err_t code, const char *msg)
{
    json_t *v = J(in);
    ddb_err_t e = DDB_ERR_INIT;
    if (ddb_av_validate(v, &e) == 0)
        TEST_FAIL_("validate %s succeeded, want %s", in, msg);
    ASSERT_EQ(e.code, code);
    ASSERT_STREQ(e.msg, msg);
    ddb_err_free(&e);
    json_decref(v);
}

TEST(valid_values_normalize)
{
    ok("{\"S\":\"x\"}", "{\"S\":\"x\"}");
    ok("{\"S\":\"\"}", "{\"S\":\"\"}");
    ok("{\"N\":\"1E+2\"}", "{\"N\":\"100\"}");
    ok("{\"NS\":[\"1.0\",\"2e0\"]}", "{\"NS\":[\"1\",\"2\"]}");
    ok("{\"B\":\"QR==\"}", "{\"B\":\"QQ==\"}");
    ok("{\"B\":\"\"}", "{\"B\":\"\"}");
    ok("{\"BOOL\":false}", "{\"BOOL\":false}");
    ok("{\"NULL\":true}", "{\"NULL\":true}");
    ok("{\"NULL\":false}", "{\"NULL\":true}");   /* accepted and normalized, as DynamoDB does */
    ok("{\"SS\":[\"a\",\"\"]}", "{\"SS\":[\"a\",\"\"]}");
    ok("{\"L\":[]}", "{\"L\":[]}");
    ok("{\"M\":{}}", "{\"M\":{}}");
    ok("{\"L\":[{\"N\":\"007\"},{\"M\":{\"x\":{\"N\":\"-0\"}}}]}", "{\"L\":[{\"N\":\"7\"},{\"M\":{\"x\":{\"N\":\"0\"}}}]}");
    ok("{\"S\":\"x\",\"N\":null}", "{\"S\":\"x\"}");
}

TEST(invalid_values_messages)
{
    bad("{}", NB_ERR_VALIDATION, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
    bad("{\"S\":null}", NB_ERR_VALIDATION, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
    bad("{\"S\":\"a\",\"N\":\"1\"}", NB_ERR_VALIDATION,
        "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes");
    bad("{\"SS\":[]}", NB_ERR_VALIDATION, "One or more parameter values were invalid: An string set  may not be empty");
    bad("{\"NS\":[]}", NB_ERR_VALIDATION, "One or more parameter values were invalid: An number set  may not be empty");
    bad("{\"BS\":[]}", NB_ERR_VALIDATION, "One or more parameter values were invalid: Binary sets should not be empty");
    bad("{\"SS\":[\"a\",\"a\"]}", NB_ERR_VALIDATION, "One or more parameter values were invalid: Input collection [a, a] contains duplicates.");
    bad("{\"NS\":[\"1\",\"1.0\"]}", NB_ERR_VALIDATION, "Input collection contains duplicates");
    bad("{\"N\":\"x1\"}", NB_ERR_VALIDATION, "The parameter cannot be converted to a numeric value: x1");
    bad("{\"N\":\"1E+200\"}", NB_ERR_VALIDATION, "Number overflow. Attempting to store a number with magnitude larger than supported range");
    bad("{\"S\":1}", NB_ERR_SERIALIZATION, "NUMBER_VALUE cannot be converted to String");
    bad("{\"L\":{}}", NB_ERR_SERIALIZATION, "Start of structure or map found where not expected.");
    bad("{\"B\":\"abc\"}", NB_ERR_SERIALIZATION, "Base64 encoded length is expected a multiple of 4 bytes but found: 3");
    bad("{\"M\":{\"a\":{}}}", NB_ERR_VALIDATION, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
    bad("{\"SS\":[\"a\",null]}", NB_ERR_VALIDATION, "One or more parameter values were invalid: An string set may not have a null string as a member");
    bad("{\"L\":[{}]}", NB_ERR_VALIDATION, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
    bad("[]", NB_ERR_SERIALIZATION, "Start of list found where not expected");
}

static json_t *deep_map(int wraps)
{
    json_t *v = J("{\"S\":\"leaf\"}");
    for (int i = 0; i < wraps; i++) {
        json_t *m = json_object();
        json_object_set_new(m, "n", v);
        v = ddb_av_wrap(DDB_T_M, m);
    }
    return v;
}

/* DynamoDB: the attribute is level 1 and the leaf counts; 31 wraps pass, 32 fail. */
TEST(nesting_boundary)
{
    json_t *ok31 = deep_map(31), *bad32 = deep_map(32);
    ddb_err_t e = DDB_ERR_INIT;
    ASSERT_EQ(ddb_av_validate(ok31, &e), 0);
    ASSERT_EQ(ddb_av_depth(ok31), 32);
    ASSERT_EQ(ddb_av_validate(bad32, &e), -1);
    ASSERT_STREQ(e.msg, "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit");
    ddb_err_free(&e);
    json_decref(ok31);
    json_decref(bad32);
}

TEST(nesting_limit)
{
    nb_buf_t b = NB_BUF_INIT;
    for (int i = 0; i < 40; i++)
        nb_buf_puts(&b, "{\"L\":[");
    nb_buf_puts(&b, "{\"S\":\"x\"}");
    for (int i = 0; i < 40; i++)
        nb_buf_puts(&b, "]}");
    json_t *v = J(b.data);
    ddb_err_t e = DDB_ERR_INIT;
    ASSERT_EQ(ddb_av_validate(v, &e), -1);
    ASSERT_CONTAINS(e.msg, "Nesting Levels have exceeded supported limits");
    ddb_err_free(&e);
    json_decref(v);
    nb_buf_free(&b);
}

TEST(attribute_names_below_64k)
{
    /* DynamoDB refuses names of 65536 bytes or more, in the item and in its maps (ExtendDB/extenddb#365,
     * measured 2026-09-16) and takes 65535 (Alternator test_limits.py) */
    char *name = malloc(65537);
    memset(name, 'n', 65536);
    name[65536] = 0;
    json_t *item = json_pack("{s:{s:s}}", name + 1, "S", "v");
    ddb_err_t e = DDB_ERR_INIT;
    ASSERT_EQ(ddb_item_validate(item, &e), 0);
    json_decref(item);
    item = json_pack("{s:{s:s}}", name, "S", "v");
    ASSERT_EQ(ddb_item_validate(item, &e), -1);
    ASSERT_EQ(e.code, NB_ERR_VALIDATION);
    ASSERT_STREQ(e.msg, "1 validation error detected: Attribute name is too large, must be less than 65536 bytes");
    ddb_err_free(&e);
    json_decref(item);
    json_t *av = json_pack("{s:{s:{s:{s:s}}}}", "M", "ok", "M", name, "N", "1");
    ASSERT_EQ(ddb_av_validate(av, &e), -1);
    ASSERT_STREQ(e.msg, DDB_MSG_NAME_TOO_LARGE);
    ddb_err_free(&e);
    json_decref(av);
    free(name);
}

static int eq(const char *a, const char *b)
{
    json_t *x = J(a), *y = J(b);
    ddb_av_validate(x, NULL);
    ddb_av_validate(y, NULL);
    int r = ddb_av_equal(x, y);
    json_decref(x);
    json_decref(y);
    return r;
}

TEST(equality)
{
    ASSERT(eq("{\"S\":\"a\"}", "{\"S\":\"a\"}"));
    ASSERT(!eq("{\"S\":\"1\"}", "{\"N\":\"1\"}"));
    ASSERT(eq("{\"N\":\"1.50\"}", "{\"N\":\"1.5\"}"));
    ASSERT(eq("{\"SS\":[\"a\",\"b\"]}", "{\"SS\":[\"b\",\"a\"]}"));
    ASSERT(!eq("{\"SS\":[\"a\",\"b\"]}", "{\"SS\":[\"a\"]}"));
    ASSERT(eq("{\"NS\":[\"1\",\"2.0\"]}", "{\"NS\":[\"2\",\"1\"]}"));
    ASSERT(!eq("{\"L\":[{\"S\":\"a\"},{\"S\":\"b\"}]}", "{\"L\":[{\"S\":\"b\"},{\"S\":\"a\"}]}"));
    ASSERT(eq("{\"M\":{\"a\":{\"N\":\"1\"},\"b\":{\"BOOL\":true}}}", "{\"M\":{\"b\":{\"BOOL\":true},\"a\":{\"N\":\"1.0\"}}}"));
    ASSERT(!eq("{\"M\":{\"a\":{\"N\":\"1\"}}}", "{\"M\":{\"a\":{\"N\":\"1\"},\"b\":{\"NULL\":true}}}"));
}

static int cmp(const char *a, const char *b, int *out)
{
    json_t *x = J(a), *y = J(b);
    ddb_av_validate(x, NULL);
    ddb_av_validate(y, NULL);
    int r = ddb_av_cmp(x, y, out);
    json_decref(x);
    json_decref(y);
    return r;
}

TEST(ordering)
{
    int c;
    ASSERT_EQ(cmp("{\"N\":\"10\"}", "{\"N\":\"9\"}", &c), 0);
    ASSERT(c > 0);
    ASSERT_EQ(cmp("{\"S\":\"Z\"}", "{\"S\":\"a\"}", &c), 0);
    ASSERT(c < 0);
    ASSERT_EQ(cmp("{\"S\":\"\\u00e9\"}", "{\"S\":\"z\"}", &c), 0);   /* UTF-8 bytes: 0xC3 > 'z' */
    ASSERT(c > 0);
    ASSERT_EQ(cmp("{\"B\":\"/w==\"}", "{\"B\":\"AAA=\"}", &c), 0);
    ASSERT(c > 0);
    ASSERT_EQ(cmp("{\"S\":\"1\"}", "{\"N\":\"1\"}", &c), -1);
    ASSERT_EQ(cmp("{\"BOOL\":true}", "{\"BOOL\":false}", &c), -1);
}

TEST(item_size)
{
    json_t *it = J("{\"id\":{\"S\":\"abc\"},\"n\":{\"N\":\"12345\"},\"b\":{\"B\":\"AAEC\"},"
                   "\"t\":{\"BOOL\":true},\"l\":{\"L\":[{\"S\":\"xy\"},{\"NULL\":true}]},"
                   "\"m\":{\"M\":{\"k\":{\"S\":\"v\"}}},\"ss\":{\"SS\":[\"a\",\"bc\"]}}");
    ASSERT_EQ(ddb_item_validate(it, NULL), 0);
    /* id 2+3, n 1+4, b 1+3, t 1+1, l 1+(3+1+2+1+1), m 1+(3+1+1+1), ss 2+3 */
    ASSERT_EQ(ddb_item_size(it), 5 + 5 + 4 + 2 + 9 + 7 + 5);
    json_decref(it);
}

TEST(constructors_and_describe)
{
    json_t *b = ddb_av_b("\x00\x01", 2);
    ASSERT_STREQ(json_string_value(json_object_get(b, "B")), "AAE=");
    nb_buf_t d = NB_BUF_INIT;
    json_t *n = ddb_av_n("5");
    ddb_av_describe(n, &d);
    ASSERT_STREQ(d.data, "{N:5}");
    ASSERT_EQ(ddb_av_type(n), DDB_T_N);
    ASSERT_STREQ(ddb_type_name(ddb_av_type(b)), "B");
    json_t *c = ddb_av_copy(n);
    ASSERT(ddb_av_equal(c, n) && c != n);
    json_decref(b); json_decref(n); json_decref(c);
    nb_buf_free(&d);
}
