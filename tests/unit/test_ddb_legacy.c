/* test_ddb_legacy.c — legacy parameters translated into the expression AST
 * and evaluated with the expression evaluator. */
#include <string.h>
#include "test.h"
#include "core/arena.h"
#include "dynamodb/ddb_exprs.h"

static int eval(const char *body_json, const char *item_json)
{
    nb_arena_t *a = nb_arena_new(4096);
    json_t *body = json_loads(body_json, 0, NULL);
    json_t *item = json_loads(item_json, 0, NULL);
    ddb_exprs_t x;
    ddb_err_t err = DDB_ERR_INIT;
    ASSERT_EQ(ddb_exprs_parse(&x, a, body, DDB_X_COND | DDB_X_FILTER, &err), 0);
    ASSERT(x.legacy);
    int r = ddb_eval_condition(x.cond, item, &err);
    json_decref(body);
    json_decref(item);
    nb_arena_free(a);
    return r;
}

TEST(expected_exists_and_value)
{
    ASSERT_EQ(eval("{\"Expected\":{\"a\":{\"Exists\":false}}}", "{\"b\":{\"S\":\"x\"}}"), 1);
    ASSERT_EQ(eval("{\"Expected\":{\"a\":{\"Exists\":false}}}", "{\"a\":{\"S\":\"x\"}}"), 0);
    ASSERT_EQ(eval("{\"Expected\":{\"a\":{\"Value\":{\"N\":\"1.0\"}}}}", "{\"a\":{\"N\":\"1\"}}"), 1);
}

TEST(filter_operators_and_or)
{
    const char *item = "{\"n\":{\"N\":\"5\"},\"s\":{\"S\":\"hello\"}}";
    ASSERT_EQ(eval("{\"ScanFilter\":{\"n\":{\"ComparisonOperator\":\"BETWEEN\",\"AttributeValueList\":[{\"N\":\"1\"},{\"N\":\"5\"}]}}}", item), 1);
    ASSERT_EQ(eval("{\"ScanFilter\":{\"s\":{\"ComparisonOperator\":\"BEGINS_WITH\",\"AttributeValueList\":[{\"S\":\"he\"}]}}}", item), 1);
    ASSERT_EQ(eval("{\"ScanFilter\":{\"s\":{\"ComparisonOperator\":\"NOT_CONTAINS\",\"AttributeValueList\":[{\"S\":\"z\"}]}}}", item), 1);
    ASSERT_EQ(eval("{\"ScanFilter\":{\"x\":{\"ComparisonOperator\":\"NULL\"},\"n\":{\"ComparisonOperator\":\"GT\",\"AttributeValueList\":[{\"N\":\"9\"}]}},"
                   "\"ConditionalOperator\":\"OR\"}", item), 1);
    ASSERT_EQ(eval("{\"ScanFilter\":{\"x\":{\"ComparisonOperator\":\"NULL\"},\"n\":{\"ComparisonOperator\":\"GT\",\"AttributeValueList\":[{\"N\":\"9\"}]}}}", item), 0);
}

TEST(mixing_styles_is_rejected)
{
    nb_arena_t *a = nb_arena_new(4096);
    json_t *body = json_loads("{\"Expected\":{\"a\":{\"Exists\":false}},\"ConditionExpression\":\"attribute_exists(a)\"}", 0, NULL);
    ddb_exprs_t x;
    ddb_err_t err = DDB_ERR_INIT;
    ASSERT_EQ(ddb_exprs_parse(&x, a, body, DDB_X_COND, &err), -1);
    ASSERT_STREQ(err.msg, "Can not use both expression and non-expression parameters in the same request: "
                          "Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}");
    ddb_err_free(&err);
    json_decref(body);
    nb_arena_free(a);
}

/* Assert that a legacy condition body is rejected with the message want. */
static void rejected(const char *body_json, const char *want)
{
    nb_arena_t *a = nb_arena_new(4096);
    json_t *body = json_loads(body_json, 0, NULL);
    ddb_exprs_t x;
    ddb_err_t err = DDB_ERR_INIT;
    ASSERT_EQ(ddb_exprs_parse(&x, a, body, DDB_X_COND | DDB_X_FILTER, &err), -1);
    ASSERT_STREQ(err.msg, want);
    ddb_err_free(&err);
    json_decref(body);
    nb_arena_free(a);
}

TEST(value_lists_are_checked_as_dynamodb_does)
{
    rejected("{\"ScanFilter\":{\"n\":{\"ComparisonOperator\":\"BETWEEN\",\"AttributeValueList\":[{\"N\":\"5\"},{\"N\":\"1\"}]}}}",
             "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound");
    rejected("{\"ScanFilter\":{\"n\":{\"ComparisonOperator\":\"IN\",\"AttributeValueList\":[{\"N\":\"5\"},{\"S\":\"1\"}]}}}",
             "One or more parameter values were invalid: AttributeValues inside AttributeValueList must be of same type");
    rejected("{\"ScanFilter\":{\"n\":{\"ComparisonOperator\":\"GE\",\"AttributeValueList\":[{\"NS\":[\"1\"]}]}}}",
             "One or more parameter values were invalid: ComparisonOperator GE is not valid for NS AttributeValue type");
    rejected("{\"Expected\":{\"n\":{\"ComparisonOperator\":\"BETWEEN\",\"AttributeValueList\":[{\"S\":\"b\"},{\"S\":\"a\"}]}}}",
             "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound");
    /* EQ takes any type (a set equal to a set) */
    ASSERT_EQ(eval("{\"Expected\":{\"s\":{\"ComparisonOperator\":\"EQ\",\"AttributeValueList\":[{\"SS\":[\"a\"]}]}}}",
                   "{\"s\":{\"SS\":[\"a\"]}}"), 1);
}

TEST(expected_value_lists_are_type_checked_as_the_filters)
{
    rejected("{\"Expected\":{\"s\":{\"ComparisonOperator\":\"CONTAINS\",\"AttributeValueList\":[{\"L\":[]}]}}}",
             "One or more parameter values were invalid: ComparisonOperator CONTAINS is not valid for L AttributeValue type");
    rejected("{\"Expected\":{\"s\":{\"ComparisonOperator\":\"BEGINS_WITH\",\"Value\":{\"N\":\"3\"}}}}",
             "One or more parameter values were invalid: ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type");
}

TEST(eq_and_ne_take_lists_maps_and_booleans)
{
    const char *item = "{\"l\":{\"L\":[{\"N\":\"1\"}]},\"m\":{\"M\":{\"k\":{\"S\":\"v\"}}},\"b\":{\"BOOL\":true}}";
    ASSERT_EQ(eval("{\"ScanFilter\":{\"l\":{\"ComparisonOperator\":\"EQ\",\"AttributeValueList\":[{\"L\":[{\"N\":\"1\"}]}]}}}", item), 1);
    ASSERT_EQ(eval("{\"ScanFilter\":{\"m\":{\"ComparisonOperator\":\"NE\",\"AttributeValueList\":[{\"M\":{}}]}}}", item), 1);
    ASSERT_EQ(eval("{\"ScanFilter\":{\"b\":{\"ComparisonOperator\":\"EQ\",\"AttributeValueList\":[{\"BOOL\":false}]}}}", item), 0);
}

TEST(conditional_operator_needs_two_conditions)
{
    const char *msg = "ConditionalOperator can only be used when Filter or Expected has two or more elements";
    rejected("{\"Expected\":{},\"ConditionalOperator\":\"OR\"}", msg);
    rejected("{\"ScanFilter\":{\"n\":{\"ComparisonOperator\":\"NULL\"}},\"ConditionalOperator\":\"AND\"}", msg);
}
