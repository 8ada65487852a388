/* test_ddb_num.c — DynamoDB exact decimals: parse, normalize, compare, add/sub, limits. */
#include "test.h"
#include "dynamodb/ddb_num.h"

static char *norm(const char *s, ddb_err_t *e)
{
    return ddb_num_normalize(s, e);
}

static void expect_norm(const char *in, const char *want)
{
    ddb_err_t e = DDB_ERR_INIT;
    char *out = norm(in, &e);
    if (!out)
        TEST_FAIL_("normalize(%s) failed: %s", in, e.msg);
    if (strcmp(out, want) != 0)
        TEST_FAIL_("normalize(%s) = %s, want %s", in, out, want);
    free(out);
    ddb_err_free(&e);
}

static void expect_err(const char *in, const char *msg)
{
    ddb_err_t e = DDB_ERR_INIT;
    char *out = norm(in, &e);
    if (out)
        TEST_FAIL_("normalize(%s) = %s, want error %s", in, out, msg);
    ASSERT_EQ(e.code, NB_ERR_VALIDATION);
    ASSERT_STREQ(e.msg, msg);
    ddb_err_free(&e);
}

TEST(normalize_forms)
{
    expect_norm("0", "0");
    expect_norm("-0", "0");
    expect_norm("+0.000", "0");
    expect_norm("0e99999", "0");
    expect_norm("1E+2", "100");
    expect_norm("1e2", "100");
    expect_norm("007", "7");
    expect_norm("0.50", "0.5");
    expect_norm("-.5e-1", "-0.05");
    expect_norm("123.4500", "123.45");
    expect_norm("1.", "1");
    expect_norm(".25", "0.25");
    expect_norm("+12", "12");
    expect_norm("12.5E-3", "0.0125");
    expect_norm("-1.23e5", "-123000");
    expect_norm("1000000000000000000000000000000000000000000000", "1000000000000000000000000000000000000000000000");
    expect_norm("12345678901234567890123456789012345678", "12345678901234567890123456789012345678");
    expect_norm("1E-130", "0.0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001");
    expect_norm("9.9999999999999999999999999999999999999E+125",
                "999999999999999999999999999999999999990000000000000000000000000000000000000000000000000000000000000000000000000000000000000000");
}

TEST(invalid_syntax)
{
    expect_err("abc", "The parameter cannot be converted to a numeric value: abc");
    expect_err("", "The parameter cannot be converted to a numeric value");
    expect_err("1e", "The parameter cannot be converted to a numeric value: 1e");
    expect_err("--1", "The parameter cannot be converted to a numeric value: --1");
    expect_err("1.2.3", "The parameter cannot be converted to a numeric value: 1.2.3");
    expect_err(" 1", "The parameter cannot be converted to a numeric value:  1");
    expect_err("NaN", "The parameter cannot be converted to a numeric value: NaN");
    expect_err("0x10", "The parameter cannot be converted to a numeric value: 0x10");
    expect_err(".", "The parameter cannot be converted to a numeric value: .");
}

TEST(limits)
{
    expect_err("123456789012345678901234567890123456789",
               "Attempting to store more than 38 significant digits in a Number");
    expect_err("1.00000000000000000000000000000000000001",
               "Attempting to store more than 38 significant digits in a Number");
    expect_err("1E+126", "Number overflow. Attempting to store a number with magnitude larger than supported range");
    expect_err("-1E+126", "Number overflow. Attempting to store a number with magnitude larger than supported range");
    expect_err("1E-131", "Number underflow. Attempting to store a number with magnitude smaller than supported range");
    expect_err("1e99999999999999999999", "Number overflow. Attempting to store a number with magnitude larger than supported range");
}

static ddb_num_t N(const char *s)
{
    ddb_num_t n;
    ddb_err_t e = DDB_ERR_INIT;
    if (ddb_num_parse(s, strlen(s), &n, &e) < 0)
        TEST_FAIL_("parse %s: %s", s, e.msg);
    return n;
}

TEST(compare)
{
    ASSERT(ddb_num_cmp_str("1", "2") < 0);
    ASSERT(ddb_num_cmp_str("10", "9") > 0);
    ASSERT(ddb_num_cmp_str("-10", "-9") < 0);
    ASSERT(ddb_num_cmp_str("-0.001", "0") < 0);
    ASSERT(ddb_num_cmp_str("1.50", "1.5") == 0);
    ASSERT(ddb_num_cmp_str("1E2", "100") == 0);
    ASSERT(ddb_num_cmp_str("0.1", "0.12") < 0);
    ASSERT(ddb_num_cmp_str("-0.1", "-0.12") > 0);
    ddb_num_t a = N("123"), b = N("1230");
    ASSERT(ddb_num_cmp(&a, &b) < 0);
}

static void expect_op(int sub, const char *a, const char *b, const char *want)
{
    ddb_num_t x = N(a), y = N(b), r;
    ddb_err_t e = DDB_ERR_INIT;
    int rc = sub ? ddb_num_sub(&x, &y, &r, &e) : ddb_num_add(&x, &y, &r, &e);
    if (rc < 0)
        TEST_FAIL_("%s %c %s: %s", a, sub ? '-' : '+', b, e.msg);
    char buf[DDB_NUM_STR_MAX];
    ddb_num_format(&r, buf, sizeof buf);
    if (strcmp(buf, want) != 0)
        TEST_FAIL_("%s %c %s = %s, want %s", a, sub ? '-' : '+', b, buf, want);
}

TEST(add_sub_exact)
{
    expect_op(0, "1", "2", "3");
    expect_op(0, "0.1", "0.2", "0.3");
    expect_op(0, "99", "1", "100");
    expect_op(0, "-5", "3", "-2");
    expect_op(0, "5", "-5", "0");
    expect_op(1, "5", "7", "-2");
    expect_op(1, "-5", "-7", "2");
    expect_op(1, "1", "0.0001", "0.9999");
    expect_op(0, "0", "-3.5", "-3.5");
    expect_op(1, "0", "3.5", "-3.5");
    expect_op(0, "99999999999999999999999999999999999999", "-1", "99999999999999999999999999999999999998");
    expect_op(0, "1E+125", "1E+125", "200000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000");
    expect_op(1, "1E-129", "1E-130", "0.0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000009");
}

TEST(add_errors)
{
    ddb_num_t x = N("99999999999999999999999999999999999999"), y = N("1"), r;
    ddb_err_t e = DDB_ERR_INIT;
    /* 38 nines + 1 = 1E38: one digit, fine */
    ASSERT_EQ(ddb_num_add(&x, &y, &r, &e), 0);
    /* an exact sum of more than 38 digits: DynamoDB words it as an overflow */
    x = N("1E+30");
    y = N("1E-30");
    ASSERT_EQ(ddb_num_add(&x, &y, &r, &e), -1);
    ASSERT_STREQ(e.msg, "Number overflow. Attempting to store a number with magnitude larger than supported range");
    ddb_err_free(&e);
    x = N("9.9999999999999999999999999999999999999E+125");
    y = N("1E+125");
    ASSERT_EQ(ddb_num_add(&x, &y, &r, &e), -1);
    ASSERT_STREQ(e.msg, "Number overflow. Attempting to store a number with magnitude larger than supported range");
    ddb_err_free(&e);
}

/* Byte costs measured against DynamoDB's 400 KB gate (public conformance capture). */
TEST(sizes)
{
    static const struct { const char *lit; size_t bytes; } cases[] = {
        {"0", 1}, {"1", 2}, {"12", 2}, {"123", 3}, {"1234", 3},
        {"12345678901234567890123456789012345678", 20}, {"0042", 2}, {"100", 2}, {"1010", 3},
        {"0.0000001", 2}, {"1E125", 2}, {"1E-100", 2}, {"1.5", 3}, {"15", 2}, {"1.2", 3},
        {"1.200", 3}, {"1.234", 4}, {"3.14159", 5}, {"123456", 4}, {"100.5", 4}, {"0.15", 2},
        {"-42", 3}, {"-0", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        ddb_num_t n = N(cases[i].lit);
        if (ddb_num_size(&n) != cases[i].bytes)
            TEST_FAIL_("size(%s) = %zu, want %zu", cases[i].lit, ddb_num_size(&n), cases[i].bytes);
    }
}

TEST(err_prefix)
{
    ddb_err_t e = DDB_ERR_INIT;
    ddb_err_set(&e, NB_ERR_VALIDATION, "b%d", 1);
    ddb_err_prefix(&e, "a:");
    ASSERT_STREQ(e.msg, "a:b1");
    ddb_err_free(&e);
    ASSERT(e.msg == NULL);
}
