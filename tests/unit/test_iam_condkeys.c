/* test_iam_condkeys.c — service-supplied condition keys: the evaluator asking
 * iam_request_t.key_fn lazily (dynamodb:LeadingKeys with ForAllValues as AWS's
 * fine-grained-access examples use it, aws:ResourceTag/...), DynamoDB's and
 * Lambda's nb_authz_t answers for real requests, and the request-tag helper. */
#include "test.h"
#include "auth/condkeys.h"
#include "core/service.h"
#include "dynamodb/ddb_table.h"
#include "iam/policy.h"
#include <strings.h>

#define ACCT "000000000000"
#define T_USERS "arn:aws:dynamodb:us-east-1:" ACCT ":table/Users"
#define ALICE "arn:aws:iam::" ACCT ":user/alice"

extern const nb_service_t ddb_service;
extern const nb_service_t lambda_service;

/* --- the evaluator and key_fn --------------------------------------------------- */

typedef struct fake_keys {
    const char *name;        /* the one key answered */
    const char *const *vals;
    size_t n;
    int calls;
} fake_keys_t;

static int fake_fn(void *arg, const char *key, const char *const **vals, size_t *n)
{
    fake_keys_t *f = arg;
    f->calls++;
    if (!f->name || strcasecmp(key, f->name) != 0) return 0;
    *vals = f->vals;
    *n = f->n;
    return 1;
}

static iam_decision_t eval(const char *policy, fake_keys_t *f, const char *action)
{
    char err[256];
    iam_policy_t *p = iam_policy_parse(policy, strlen(policy), IAM_POLICY_IDENTITY, err, sizeof err);
    if (!p) TEST_FAIL_("policy did not parse: %s", err);
    iam_global_ctx_t g;
    iam_global_keys(&g, "127.0.0.1", 0, 1795827723000, "alice", "AIDAEXAMPLE", ALICE);
    iam_request_t rq = {.principal_type = IAM_PRINCIPAL_USER, .principal_arn = ALICE, .principal_account = ACCT,
                        .action = action, .resource = T_USERS, .keys = g.keys, .n_keys = g.n,
                        .key_fn = fake_fn, .key_arg = f};
    const iam_policy_t *ps[1] = {p};
    iam_policy_set_t set = {.identity = ps, .n_identity = 1};
    iam_result_t r;
    iam_decision_t d = iam_evaluate(&set, &rq, &r);
    iam_policy_free(p);
    return d;
}

#define LEADING_POLICY                                                                                      \
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"dynamodb:GetItem\","   \
    "\"dynamodb:PutItem\",\"dynamodb:Query\"],\"Resource\":\"" T_USERS "\",\"Condition\":{"                 \
    "\"ForAllValues:StringEquals\":{\"dynamodb:LeadingKeys\":[\"${aws:username}\"]}}}]}"

TEST(leading_keys_for_all_values_matches_the_user_name)
{
    const char *alice[] = {"alice"}, *bob[] = {"bob"}, *both[] = {"alice", "bob"};
    fake_keys_t f = {"dynamodb:LeadingKeys", alice, 1, 0};
    ASSERT_EQ(eval(LEADING_POLICY, &f, "dynamodb:GetItem"), IAM_ALLOW);
    ASSERT_EQ(f.calls, 1);
    f = (fake_keys_t){"dynamodb:LeadingKeys", bob, 1, 0};
    ASSERT_EQ(eval(LEADING_POLICY, &f, "dynamodb:GetItem"), IAM_IMPLICIT_DENY);
    f = (fake_keys_t){"dynamodb:LeadingKeys", both, 2, 0};
    ASSERT_EQ(eval(LEADING_POLICY, &f, "dynamodb:PutItem"), IAM_IMPLICIT_DENY);
    /* AWS's documented ForAllValues behaviour: an absent key holds (why its
     * examples list only the item-level actions) */
    f = (fake_keys_t){NULL, NULL, 0, 0};
    ASSERT_EQ(eval(LEADING_POLICY, &f, "dynamodb:Query"), IAM_ALLOW);
    /* ForAnyValue on an absent key fails */
    const char *any = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"dynamodb:*\","
                      "\"Resource\":\"*\",\"Condition\":{\"ForAnyValue:StringEquals\":{\"dynamodb:Attributes\":"
                      "[\"email\"]}}}]}";
    ASSERT_EQ(eval(any, &f, "dynamodb:GetItem"), IAM_IMPLICIT_DENY);
    const char *attrs[] = {"id", "email"};
    f = (fake_keys_t){"dynamodb:Attributes", attrs, 2, 0};
    ASSERT_EQ(eval(any, &f, "dynamodb:GetItem"), IAM_ALLOW);
}

TEST(key_fn_is_asked_only_for_keys_a_policy_tests)
{
    const char *alice[] = {"alice"};
    fake_keys_t f = {"dynamodb:LeadingKeys", alice, 1, 0};
    const char *plain = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"dynamodb:*\","
                        "\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"aws:username\":\"alice\"}}}]}";
    ASSERT_EQ(eval(plain, &f, "dynamodb:GetItem"), IAM_ALLOW);
    ASSERT_EQ(f.calls, 0);   /* a global key: never asked */
}

TEST(resource_tag_and_request_tag_conditions)
{
    const char *blue[] = {"blue"}, *red[] = {"red"};
    const char *pol = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
                      "\"lambda:InvokeFunction\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":"
                      "{\"aws:ResourceTag/team\":\"blue\"}}}]}";
    fake_keys_t f = {"aws:ResourceTag/team", blue, 1, 0};
    ASSERT_EQ(eval(pol, &f, "lambda:InvokeFunction"), IAM_ALLOW);
    f = (fake_keys_t){"aws:ResourceTag/team", red, 1, 0};
    ASSERT_EQ(eval(pol, &f, "lambda:InvokeFunction"), IAM_IMPLICIT_DENY);
    f = (fake_keys_t){NULL, NULL, 0, 0};
    ASSERT_EQ(eval(pol, &f, "lambda:InvokeFunction"), IAM_IMPLICIT_DENY);
    /* TagKeys: only "team" and "env" may be set */
    const char *tk = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
                     "\"dynamodb:TagResource\",\"Resource\":\"*\",\"Condition\":{\"ForAllValues:StringEquals\":"
                     "{\"aws:TagKeys\":[\"team\",\"env\"]},\"StringEquals\":{\"aws:RequestTag/team\":\"blue\"}}}]}";
    const char *ok_keys[] = {"team", "env"}, *bad_keys[] = {"team", "owner"};
    /* two keys asked of one fake: answer TagKeys, and RequestTag/team via a second call */
    f = (fake_keys_t){"aws:TagKeys", ok_keys, 2, 0};
    ASSERT_EQ(eval(tk, &f, "dynamodb:TagResource"), IAM_IMPLICIT_DENY);   /* RequestTag/team absent */
    f = (fake_keys_t){"aws:TagKeys", bad_keys, 2, 0};
    ASSERT_EQ(eval(tk, &f, "dynamodb:TagResource"), IAM_IMPLICIT_DENY);
}

/* --- DynamoDB's and Lambda's answers for real requests ------------------------- */

static nb_config_t cfg = {.region = "us-east-1", .account = ACCT};
static nb_ctx_t ctx = {.cfg = &cfg};

static nb_req_t *mkreq(const nb_service_t *svc, const char *op, const char *body)
{
    nb_req_t *r = calloc(1, sizeof *r);
    r->ctx = &ctx;
    r->arena = nb_arena_new(4096);
    r->svc = svc;
    r->op = nb_service_op(svc, op);
    if (!r->op) TEST_FAIL_("no op %s", op);
    json_error_t je;
    r->json = json_loads(body, 0, &je);
    if (!r->json) TEST_FAIL_("bad JSON: %s", je.text);
    return r;
}

static void freereq(nb_req_t *r)
{
    json_decref(r->json);
    nb_arena_free(r->arena);
    free(r);
}

/* "v1,v2" of key for scope, "-" when absent. Arena string. */
static const char *ask(nb_req_t *r, const void *scope, const char *key)
{
    const char *const *vals;
    size_t n;
    if (r->svc->authz->cond_key(r, scope, key, &vals, &n) != 1) return "-";
    char *out = nb_arena_strdup(r->arena, "");
    for (size_t i = 0; i < n; i++) out = nb_arena_printf(r->arena, "%s%s%s", out, i ? "," : "", vals[i]);
    return out;
}

static void install_users(void)
{
    ddb_catalog_install(json_pack(
        "{s:s,s:i,s:[{s:s,s:s},{s:s,s:s}],s:[{s:s,s:s},{s:s,s:s},{s:s,s:s}],"
        "s:[{s:s,s:i,s:[{s:s,s:s}],s:{s:s}}],s:[{s:s,s:s}]}",
        "TableName", "Users", "Num", 1,
        "KeySchema", "AttributeName", "pk", "KeyType", "HASH", "AttributeName", "sk", "KeyType", "RANGE",
        "AttributeDefinitions", "AttributeName", "pk", "AttributeType", "S", "AttributeName", "sk",
        "AttributeType", "N", "AttributeName", "email", "AttributeType", "S",
        "GlobalSecondaryIndexes", "IndexName", "byEmail", "Num", 1, "KeySchema", "AttributeName", "email",
        "KeyType", "HASH", "Projection", "ProjectionType", "ALL",
        "Tags", "Key", "team", "Value", "blue"));
}

TEST(dynamodb_leading_keys_per_operation)
{
    install_users();
    nb_req_t *r = mkreq(&ddb_service, "GetItem",
                        "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"alice\"},\"sk\":{\"N\":\"1\"}}}");
    ASSERT_STREQ(ask(r, NULL, "dynamodb:LeadingKeys"), "alice");
    ASSERT_STREQ(ask(r, NULL, "DYNAMODB:leadingkeys"), "alice");
    ASSERT_STREQ(ask(r, NULL, "dynamodb:Attributes"), "-");       /* reads everything */
    ASSERT_STREQ(ask(r, NULL, "dynamodb:Select"), "ALL_ATTRIBUTES");
    freereq(r);
    r = mkreq(&ddb_service, "PutItem",
              "{\"TableName\":\"Users\",\"Item\":{\"pk\":{\"S\":\"bob\"},\"sk\":{\"N\":\"2\"},\"email\":{\"S\":\"b@x\"}},"
              "\"ReturnValues\":\"ALL_OLD\"}");
    ASSERT_STREQ(ask(r, NULL, "dynamodb:LeadingKeys"), "bob");
    ASSERT_STREQ(ask(r, NULL, "dynamodb:Attributes"), "pk,sk,email");
    ASSERT_STREQ(ask(r, NULL, "dynamodb:ReturnValues"), "ALL_OLD");
    freereq(r);
    r = mkreq(&ddb_service, "UpdateItem",
              "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"carol\"},\"sk\":{\"N\":\"3\"}},"
              "\"UpdateExpression\":\"SET #e = :e, visits.n = :n REMOVE prev\","
              "\"ExpressionAttributeNames\":{\"#e\":\"email\"},"
              "\"ExpressionAttributeValues\":{\":e\":{\"S\":\"c@x\"},\":n\":{\"N\":\"1\"}}}");
    ASSERT_STREQ(ask(r, NULL, "dynamodb:LeadingKeys"), "carol");
    ASSERT_STREQ(ask(r, NULL, "dynamodb:Attributes"), "pk,sk,email,visits,prev");
    ASSERT_STREQ(ask(r, NULL, "dynamodb:ReturnValues"), "NONE");
    freereq(r);
    r = mkreq(&ddb_service, "DeleteItem", "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"dan\"},\"sk\":{\"N\":\"4\"}}}");
    ASSERT_STREQ(ask(r, NULL, "dynamodb:LeadingKeys"), "dan");
    freereq(r);
    /* Query: the partition key's equality value, either side of '=' */
    r = mkreq(&ddb_service, "Query",
              "{\"TableName\":\"Users\",\"KeyConditionExpression\":\"sk > :s AND :p = #k\","
              "\"ExpressionAttributeNames\":{\"#k\":\"pk\"},"
              "\"ExpressionAttributeValues\":{\":p\":{\"S\":\"erin\"},\":s\":{\"N\":\"0\"}},"
              "\"ProjectionExpression\":\"email, #k\"}");
    ASSERT_STREQ(ask(r, NULL, "dynamodb:LeadingKeys"), "erin");
    ASSERT_STREQ(ask(r, NULL, "dynamodb:Attributes"), "email,pk");
    ASSERT_STREQ(ask(r, NULL, "dynamodb:Select"), "SPECIFIC_ATTRIBUTES");
    freereq(r);
    /* on an index: the index's partition key */
    r = mkreq(&ddb_service, "Query",
              "{\"TableName\":\"Users\",\"IndexName\":\"byEmail\",\"KeyConditionExpression\":\"email = :e\","
              "\"ExpressionAttributeValues\":{\":e\":{\"S\":\"f@x\"}},\"Select\":\"COUNT\"}");
    ASSERT_STREQ(ask(r, NULL, "dynamodb:LeadingKeys"), "f@x");
    ASSERT_STREQ(ask(r, NULL, "dynamodb:Select"), "COUNT");
    freereq(r);
    /* legacy KeyConditions and AttributesToGet */
    r = mkreq(&ddb_service, "Query",
              "{\"TableName\":\"Users\",\"KeyConditions\":{\"pk\":{\"ComparisonOperator\":\"EQ\","
              "\"AttributeValueList\":[{\"S\":\"gus\"}]}},\"AttributesToGet\":[\"pk\",\"email\"]}");
    ASSERT_STREQ(ask(r, NULL, "dynamodb:LeadingKeys"), "gus");
    ASSERT_STREQ(ask(r, NULL, "dynamodb:Attributes"), "pk,email");
    freereq(r);
    /* Scan names no partition key; unknown table: absent */
    r = mkreq(&ddb_service, "Scan", "{\"TableName\":\"Users\"}");
    ASSERT_STREQ(ask(r, NULL, "dynamodb:LeadingKeys"), "-");
    freereq(r);
    r = mkreq(&ddb_service, "GetItem", "{\"TableName\":\"Nope\",\"Key\":{\"pk\":{\"S\":\"x\"}}}");
    ASSERT_STREQ(ask(r, NULL, "dynamodb:LeadingKeys"), "-");
    freereq(r);
    ddb_catalog_clear();
}

TEST(dynamodb_batches_are_authorized_per_table)
{
    install_users();
    ddb_catalog_install(json_pack("{s:s,s:i,s:[{s:s,s:s}],s:[{s:s,s:s}]}", "TableName", "Posts", "Num", 2,
                                  "KeySchema", "AttributeName", "id", "KeyType", "HASH", "AttributeDefinitions",
                                  "AttributeName", "id", "AttributeType", "N"));
    nb_req_t *r = mkreq(&ddb_service, "BatchWriteItem",
                        "{\"RequestItems\":{\"Users\":[{\"PutRequest\":{\"Item\":{\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"1\"},"
                        "\"x\":{\"S\":\"1\"}}}},{\"DeleteRequest\":{\"Key\":{\"pk\":{\"S\":\"b\"},\"sk\":{\"N\":\"1\"}}}},"
                        "{\"PutRequest\":{\"Item\":{\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"2\"}}}}],"
                        "\"Posts\":[{\"PutRequest\":{\"Item\":{\"id\":{\"N\":\"7\"}}}}]}}");
    nb_authz_part_t *parts;
    ASSERT_EQ(ddb_service.authz->parts(r, &parts), 2);
    ASSERT_STREQ(parts[0].resource, T_USERS);
    ASSERT(parts[0].action == NULL);   /* the op's: dynamodb:BatchWriteItem */
    ASSERT_STREQ(parts[1].resource, "arn:aws:dynamodb:us-east-1:" ACCT ":table/Posts");
    ASSERT_STREQ(ask(r, parts[0].scope, "dynamodb:LeadingKeys"), "a,b");
    ASSERT_STREQ(ask(r, parts[0].scope, "dynamodb:Attributes"), "pk,sk,x");
    ASSERT_STREQ(ask(r, parts[1].scope, "dynamodb:LeadingKeys"), "7");
    freereq(r);
    r = mkreq(&ddb_service, "BatchGetItem",
              "{\"RequestItems\":{\"Users\":{\"Keys\":[{\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"1\"}},"
              "{\"pk\":{\"S\":\"c\"},\"sk\":{\"N\":\"1\"}}],\"ProjectionExpression\":\"pk, email\"}}}");
    ASSERT_EQ(ddb_service.authz->parts(r, &parts), 1);
    ASSERT_STREQ(ask(r, parts[0].scope, "dynamodb:LeadingKeys"), "a,c");
    ASSERT_STREQ(ask(r, parts[0].scope, "dynamodb:Attributes"), "pk,email");
    freereq(r);
    r = mkreq(&ddb_service, "GetItem", "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"a\"}}}");
    ASSERT_EQ(ddb_service.authz->parts(r, &parts), 0);   /* one resource: the op's */
    freereq(r);
    ddb_catalog_clear();
}

TEST(dynamodb_transactions_are_authorized_per_item_with_its_action)
{
    install_users();
    ddb_catalog_install(json_pack("{s:s,s:i,s:[{s:s,s:s}],s:[{s:s,s:s}]}", "TableName", "Posts", "Num", 2,
                                  "KeySchema", "AttributeName", "id", "KeyType", "HASH", "AttributeDefinitions",
                                  "AttributeName", "id", "AttributeType", "N"));
    nb_req_t *r = mkreq(&ddb_service, "TransactWriteItems",
                        "{\"TransactItems\":["
                        "{\"Put\":{\"TableName\":\"Users\",\"Item\":{\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"1\"},\"v\":{\"S\":\"x\"}}}},"
                        "{\"Update\":{\"TableName\":\"Posts\",\"Key\":{\"id\":{\"N\":\"7\"}},"
                        "\"UpdateExpression\":\"SET hits = :one\",\"ExpressionAttributeValues\":{\":one\":{\"N\":\"1\"}}}},"
                        "{\"Delete\":{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"b\"},\"sk\":{\"N\":\"1\"}}}},"
                        "{\"ConditionCheck\":{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"c\"},\"sk\":{\"N\":\"1\"}},"
                        "\"ConditionExpression\":\"attribute_exists(pk)\"}}]}");
    nb_authz_part_t *parts;
    ASSERT_EQ(ddb_service.authz->parts(r, &parts), 4);
    ASSERT_STREQ(parts[0].action, "dynamodb:PutItem");
    ASSERT_STREQ(parts[0].resource, T_USERS);
    ASSERT_STREQ(ask(r, parts[0].scope, "dynamodb:LeadingKeys"), "a");
    ASSERT_STREQ(ask(r, parts[0].scope, "dynamodb:Attributes"), "pk,sk,v");
    ASSERT_STREQ(parts[1].action, "dynamodb:UpdateItem");
    ASSERT_STREQ(parts[1].resource, "arn:aws:dynamodb:us-east-1:" ACCT ":table/Posts");
    ASSERT_STREQ(ask(r, parts[1].scope, "dynamodb:LeadingKeys"), "7");
    ASSERT_STREQ(ask(r, parts[1].scope, "dynamodb:Attributes"), "id,hits");
    ASSERT_STREQ(parts[2].action, "dynamodb:DeleteItem");
    ASSERT_STREQ(ask(r, parts[2].scope, "dynamodb:LeadingKeys"), "b");
    ASSERT_STREQ(parts[3].action, "dynamodb:ConditionCheckItem");
    ASSERT_STREQ(ask(r, parts[3].scope, "dynamodb:LeadingKeys"), "c");
    freereq(r);
    r = mkreq(&ddb_service, "TransactGetItems",
              "{\"TransactItems\":[{\"Get\":{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"a\"},"
              "\"sk\":{\"N\":\"1\"}},\"ProjectionExpression\":\"v\"}}]}");
    ASSERT_EQ(ddb_service.authz->parts(r, &parts), 1);
    ASSERT_STREQ(parts[0].action, "dynamodb:GetItem");
    ASSERT_STREQ(ask(r, parts[0].scope, "dynamodb:LeadingKeys"), "a");
    ASSERT_STREQ(ask(r, parts[0].scope, "dynamodb:Attributes"), "v");
    freereq(r);
    ddb_catalog_clear();
}

TEST(dynamodb_tags_of_requests_and_tables)
{
    install_users();
    nb_req_t *r = mkreq(&ddb_service, "TagResource",
                        "{\"ResourceArn\":\"" T_USERS "\",\"Tags\":[{\"Key\":\"team\",\"Value\":\"red\"},"
                        "{\"Key\":\"env\",\"Value\":\"dev\"}]}");
    ASSERT_STREQ(ask(r, NULL, "aws:TagKeys"), "team,env");
    ASSERT_STREQ(ask(r, NULL, "aws:RequestTag/team"), "red");
    ASSERT_STREQ(ask(r, NULL, "aws:RequestTag/owner"), "-");
    freereq(r);
    r = mkreq(&ddb_service, "UntagResource", "{\"ResourceArn\":\"" T_USERS "\",\"TagKeys\":[\"env\"]}");
    ASSERT_STREQ(ask(r, NULL, "aws:TagKeys"), "env");
    freereq(r);
    r = mkreq(&ddb_service, "GetItem", "{\"TableName\":\"Users\",\"Key\":{}}");
    ASSERT_STREQ(ask(r, NULL, "aws:TagKeys"), "-");
    freereq(r);
    json_t *t = ddb_service.authz->resource_tags(&ctx, T_USERS "/index/byEmail");
    ASSERT_STREQ(json_string_value(json_object_get(t, "team")), "blue");
    json_decref(t);
    ASSERT(ddb_service.authz->resource_tags(&ctx, "arn:aws:dynamodb:us-east-1:" ACCT ":table/Nope") == NULL);
    /* another region's or account's table ARN names none of ours */
    ASSERT(ddb_service.authz->resource_tags(&ctx, "arn:aws:dynamodb:eu-west-1:" ACCT ":table/Users") == NULL);
    ASSERT(ddb_service.authz->resource_tags(&ctx, "arn:aws:dynamodb:us-east-1:999999999999:table/Users") == NULL);
    ddb_catalog_clear();
}

TEST(lambda_request_tags)
{
    nb_req_t *r = mkreq(&lambda_service, "CreateFunction", "{\"FunctionName\":\"f\",\"Tags\":{\"team\":\"blue\"}}");
    ASSERT_STREQ(ask(r, NULL, "aws:RequestTag/team"), "blue");
    ASSERT_STREQ(ask(r, NULL, "aws:TagKeys"), "team");
    freereq(r);
    r = mkreq(&lambda_service, "Invoke", "{}");
    ASSERT_STREQ(ask(r, NULL, "aws:TagKeys"), "-");
    freereq(r);
}

TEST(request_tag_helper_shapes)
{
    nb_req_t r;
    memset(&r, 0, sizeof r);
    r.arena = nb_arena_new(1024);
    const char *const *v;
    size_t n;
    json_t *list = json_loads("[{\"Key\":\"a\",\"Value\":\"1\"},{\"Key\":\"b\",\"Value\":\"2\"}]", 0, NULL);
    json_t *map = json_loads("{\"a\":\"1\"}", 0, NULL);
    ASSERT_EQ(auth_request_tags(&r, list, "aws:TagKeys", &v, &n), 1);
    ASSERT_EQ(n, 2);
    ASSERT_EQ(auth_request_tags(&r, map, "aws:requesttag/A", &v, &n), 1);
    ASSERT_STREQ(v[0], "1");
    ASSERT_EQ(auth_request_tags(&r, map, "aws:RequestTag/zz", &v, &n), 0);
    ASSERT_EQ(auth_request_tags(&r, NULL, "aws:TagKeys", &v, &n), 0);
    ASSERT_EQ(auth_request_tags(&r, map, "dynamodb:LeadingKeys", &v, &n), -1);
    json_decref(list);
    json_decref(map);
    nb_arena_free(r.arena);
}
