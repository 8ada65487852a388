/* test_ddb_keycodec.c — key encodings sort like DynamoDB and decode back. */
#include "test.h"
#include "dynamodb/ddb_keycodec.h"

static json_t *avj(const char *json)
{
    json_t *v = json_loads(json, JSON_ALLOW_NUL, NULL);
    ddb_err_t e = DDB_ERR_INIT;
    if (!v || ddb_av_validate(v, &e) < 0)
        TEST_FAIL_("bad AV %s: %s", json, e.msg);
    return v;
}

static int enc_cmp(json_t *a, json_t *b)
{
    nb_buf_t x = NB_BUF_INIT, y = NB_BUF_INIT;
    ASSERT_EQ(ddb_key_encode(&x, a), 0);
    ASSERT_EQ(ddb_key_encode(&y, b), 0);
    size_t m = x.len < y.len ? x.len : y.len;
    int c = memcmp(x.data, y.data, m);
    if (!c)
        c = (x.len > y.len) - (x.len < y.len);
    /* prefix-free: a proper prefix would be a bug */
    if (x.len != y.len && memcmp(x.data, y.data, m) == 0)
        TEST_FAIL_("encoding is a prefix of another");
    nb_buf_free(&x);
    nb_buf_free(&y);
    return c < 0 ? -1 : c > 0;
}

TEST(numbers_sort_numerically)
{
    const char *nums[] = {"-1E+125", "-99999", "-100", "-12.5", "-12", "-1.5", "-1", "-0.12", "-0.1",
                          "-1E-130", "0", "1E-130", "0.1", "0.12", "1", "1.5", "12", "12.5", "100",
                          "99999", "12345678901234567890123456789012345678", "9.9E+125"};
    size_t n = sizeof nums / sizeof *nums;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            char a[256], b[256];
            snprintf(a, sizeof a, "{\"N\":\"%s\"}", nums[i]);
            snprintf(b, sizeof b, "{\"N\":\"%s\"}", nums[j]);
            json_t *x = avj(a), *y = avj(b);
            int want = i < j ? -1 : i > j;
            if (enc_cmp(x, y) != want)
                TEST_FAIL_("order of %s vs %s", nums[i], nums[j]);
            json_decref(x);
            json_decref(y);
        }
}

TEST(strings_and_binary_sort_by_bytes)
{
    json_t *v[] = {avj("{\"S\":\"\"}"), avj("{\"S\":\"a\"}"), avj("{\"S\":\"a\\u0000\"}"),
                   avj("{\"S\":\"a\\u0000b\"}"), avj("{\"S\":\"ab\"}"), avj("{\"S\":\"b\"}"),
                   avj("{\"S\":\"\\u00e9\"}")};
    size_t n = sizeof v / sizeof *v;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            ASSERT_EQ(enc_cmp(v[i], v[j]), i < j ? -1 : i > j);
    for (size_t i = 0; i < n; i++)
        json_decref(v[i]);
    json_t *b1 = avj("{\"B\":\"AA==\"}"), *b2 = avj("{\"B\":\"AAA=\"}"), *b3 = avj("{\"B\":\"/w==\"}");
    ASSERT_EQ(enc_cmp(b1, b2), -1);
    ASSERT_EQ(enc_cmp(b2, b3), -1);
    json_decref(b1); json_decref(b2); json_decref(b3);
}

static void roundtrip(const char *json, ddb_type_t t)
{
    json_t *v = avj(json), *back = NULL;
    nb_buf_t b = NB_BUF_INIT;
    ASSERT_EQ(ddb_key_encode(&b, v), 0);
    ASSERT_EQ(ddb_key_decode((const uint8_t *)b.data, b.len, t, &back), (long)b.len);
    if (!ddb_av_equal(v, back) || !json_equal(v, back))
        TEST_FAIL_("roundtrip %s", json);
    json_decref(v);
    json_decref(back);
    nb_buf_free(&b);
}

TEST(decode_roundtrip)
{
    roundtrip("{\"N\":\"0\"}", DDB_T_N);
    roundtrip("{\"N\":\"-12.034\"}", DDB_T_N);
    roundtrip("{\"N\":\"1E+125\"}", DDB_T_N);
    roundtrip("{\"N\":\"1E-130\"}", DDB_T_N);
    roundtrip("{\"S\":\"hello\"}", DDB_T_S);
    roundtrip("{\"S\":\"a\\u0000\\u0000b\"}", DDB_T_S);
    roundtrip("{\"B\":\"AAEC/w==\"}", DDB_T_B);
    json_t *out;
    const uint8_t junk[] = {0x03, 0x10, 0x05};
    ASSERT_EQ(ddb_key_decode(junk, sizeof junk, DDB_T_N, &out), -1);
    const uint8_t junk2[] = {'a', 0x00, 0x07};
    ASSERT_EQ(ddb_key_decode(junk2, sizeof junk2, DDB_T_S, &out), -1);
}

TEST(composite_sorts_by_hash_then_range)
{
    json_t *h1 = avj("{\"S\":\"a\"}"), *h2 = avj("{\"S\":\"ab\"}");
    json_t *r1 = avj("{\"N\":\"-5\"}"), *r2 = avj("{\"N\":\"7\"}");
    nb_buf_t k11 = NB_BUF_INIT, k12 = NB_BUF_INIT, k21 = NB_BUF_INIT;
    ddb_key_encode_composite(&k11, h1, r1);
    ddb_key_encode_composite(&k12, h1, r2);
    ddb_key_encode_composite(&k21, h2, r1);
    ASSERT(memcmp(k11.data, k12.data, k11.len < k12.len ? k11.len : k12.len) < 0);
    ASSERT(memcmp(k12.data, k21.data, k12.len < k21.len ? k12.len : k21.len) < 0);
    json_t *hh, *rr;
    ASSERT_EQ(ddb_key_decode_composite((const uint8_t *)k12.data, k12.len, DDB_T_S, DDB_T_N, &hh, &rr), 0);
    ASSERT(ddb_av_equal(hh, h1) && ddb_av_equal(rr, r2));
    json_decref(hh); json_decref(rr);
    nb_buf_free(&k11); nb_buf_free(&k12); nb_buf_free(&k21);
    json_decref(h1); json_decref(h2); json_decref(r1); json_decref(r2);
}

static int in_range(const ddb_key_range_t *r, const nb_buf_t *k)
{
    size_t m = r->lo.len < k->len ? r->lo.len : k->len;
    int c = memcmp(k->data, r->lo.data, m);
    if (c < 0 || (c == 0 && k->len < r->lo.len))
        return 0;
    if (!r->has_hi)
        return 1;
    m = r->hi.len < k->len ? r->hi.len : k->len;
    c = memcmp(k->data, r->hi.data, m);
    return c < 0 || (c == 0 && k->len < r->hi.len);
}

TEST(ranges_match_conditions)
{
    json_t *h = avj("{\"S\":\"p\"}"), *other = avj("{\"S\":\"q\"}");
    const char *sks[] = {"{\"S\":\"a\"}", "{\"S\":\"ab\"}", "{\"S\":\"abc\"}", "{\"S\":\"b\"}", "{\"S\":\"c\"}"};
    struct { ddb_sk_op_t op; const char *v1, *v2; int want[5]; } cases[] = {
        {DDB_SK_NONE, NULL, NULL, {1, 1, 1, 1, 1}},
        {DDB_SK_EQ, "{\"S\":\"ab\"}", NULL, {0, 1, 0, 0, 0}},
        {DDB_SK_LT, "{\"S\":\"ab\"}", NULL, {1, 0, 0, 0, 0}},
        {DDB_SK_LE, "{\"S\":\"ab\"}", NULL, {1, 1, 0, 0, 0}},
        {DDB_SK_GT, "{\"S\":\"ab\"}", NULL, {0, 0, 1, 1, 1}},
        {DDB_SK_GE, "{\"S\":\"ab\"}", NULL, {0, 1, 1, 1, 1}},
        {DDB_SK_BETWEEN, "{\"S\":\"ab\"}", "{\"S\":\"b\"}", {0, 1, 1, 1, 0}},
        {DDB_SK_BEGINS_WITH, "{\"S\":\"ab\"}", NULL, {0, 1, 1, 0, 0}},
        {DDB_SK_BEGINS_WITH, "{\"S\":\"\"}", NULL, {1, 1, 1, 1, 1}},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        json_t *v1 = cases[c].v1 ? avj(cases[c].v1) : NULL, *v2 = cases[c].v2 ? avj(cases[c].v2) : NULL;
        ddb_key_range_t r;
        ASSERT_EQ(ddb_key_range(h, cases[c].op, v1, v2, &r), 0);
        for (int i = 0; i < 5; i++) {
            json_t *sk = avj(sks[i]);
            nb_buf_t k = NB_BUF_INIT, ko = NB_BUF_INIT;
            ddb_key_encode_composite(&k, h, sk);
            ddb_key_encode_composite(&ko, other, sk);
            if (in_range(&r, &k) != cases[c].want[i])
                TEST_FAIL_("case %zu key %s", c, sks[i]);
            ASSERT_EQ(in_range(&r, &ko), 0);
            nb_buf_free(&k); nb_buf_free(&ko);
            json_decref(sk);
        }
        ddb_key_range_free(&r);
        json_decref(v1); json_decref(v2);
    }
    json_t *a = avj("{\"N\":\"5\"}"), *b = avj("{\"N\":\"1\"}");
    ddb_key_range_t r;
    ASSERT_EQ(ddb_key_range(h, DDB_SK_BETWEEN, a, b, &r), 0);
    ASSERT_EQ(r.empty, 1);
    ddb_key_range_free(&r);
    json_decref(a); json_decref(b); json_decref(h); json_decref(other);
}

TEST(prefix_successor)
{
    nb_buf_t b = NB_BUF_INIT;
    nb_buf_append(&b, "a\xff\xff", 3);
    ASSERT_EQ(ddb_key_prefix_successor(&b), 0);
    ASSERT_EQ(b.len, 1);
    ASSERT_EQ(b.data[0], 'b');
    nb_buf_clear(&b);
    nb_buf_append(&b, "\xff", 1);
    ASSERT_EQ(ddb_key_prefix_successor(&b), -1);
    nb_buf_free(&b);
}
