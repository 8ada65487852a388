/* test_iam_aws_policies.c — the AWS managed policy table: every document is a
 * valid identity policy, ARNs resolve (paths included), the record shape IAM
 * answers with, and the evaluator honouring their documents (NotAction of
 * PowerUserAccess, iam:PassedToService of AWSLambda_FullAccess, ...). */
#include "test.h"
#include "iam/aws_policies.h"
#include "iam/policy.h"

#define ACCT "000000000000"
#define ALICE "arn:aws:iam::" ACCT ":user/alice"

static const char *const REQUIRED[] = {
    "AdministratorAccess", "PowerUserAccess", "ReadOnlyAccess", "IAMFullAccess", "AmazonDynamoDBFullAccess",
    "AmazonDynamoDBReadOnlyAccess", "AWSLambda_FullAccess", "AWSLambda_ReadOnlyAccess",
    "service-role/AWSLambdaBasicExecutionRole", "service-role/AWSLambdaDynamoDBExecutionRole",
    "service-role/AWSLambdaRole", "AmazonAPIGatewayInvokeFullAccess", "AmazonAPIGatewayAdministrator",
    "AWSKeyManagementServicePowerUser", "CloudWatchLogsFullAccess",
};

TEST(every_document_parses_and_every_arn_resolves)
{
    ASSERT_GE(iam_aws_policy_count, sizeof REQUIRED / sizeof REQUIRED[0]);
    for (size_t i = 0; i < iam_aws_policy_count; i++) {
        char err[256] = "";
        const iam_aws_policy_t *p = &iam_aws_policies[i];
        iam_policy_t *c = iam_policy_parse(p->document, strlen(p->document), IAM_POLICY_IDENTITY, err, sizeof err);
        if (!c) TEST_FAIL_("%s: %s", p->name, err);
        iam_policy_free(c);
        ASSERT(strncmp(p->id, "ANPA", 4) == 0 && strlen(p->id) == 21);
    }
    for (size_t i = 0; i < sizeof REQUIRED / sizeof REQUIRED[0]; i++) {
        char arn[200];
        snprintf(arn, sizeof arn, "arn:aws:iam::aws:policy/%s", REQUIRED[i]);
        const iam_aws_policy_t *p = iam_aws_policy_by_arn(arn);
        if (!p) TEST_FAIL_("no %s", arn);
    }
    ASSERT(iam_aws_policy_by_arn("arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole") == NULL);   /* wrong path */
    ASSERT(iam_aws_policy_by_arn("arn:aws:iam::aws:policy/NoSuchPolicy") == NULL);
    ASSERT(iam_aws_policy_by_arn("arn:aws:iam::" ACCT ":policy/AdministratorAccess") == NULL);
    ASSERT(iam_aws_policy_by_arn(NULL) == NULL);
    ASSERT(iam_aws_policy_arn("arn:aws:iam::aws:policy/NoSuchPolicy"));
    ASSERT(!iam_aws_policy_arn("arn:aws:iam::" ACCT ":policy/x"));
}

TEST(record_has_iam_shape)
{
    const iam_aws_policy_t *p = iam_aws_policy_by_arn("arn:aws:iam::aws:policy/service-role/AWSLambdaRole");
    json_t *r = iam_aws_policy_record(p, 3);
    ASSERT_STREQ(json_string_value(json_object_get(r, "Arn")), "arn:aws:iam::aws:policy/service-role/AWSLambdaRole");
    ASSERT_STREQ(json_string_value(json_object_get(r, "Path")), "/service-role/");
    ASSERT_EQ(json_integer_value(json_object_get(r, "AttachmentCount")), 3);
    ASSERT_STREQ(json_string_value(json_object_get(r, "DefaultVersionId")), "v1");
    json_t *v = json_array_get(json_object_get(r, "Versions"), 0);
    ASSERT_STREQ(json_string_value(json_object_get(v, "Document")), p->document);
    json_decref(r);
}

static iam_decision_t eval(const char *name, const char *action, const char *resource, const iam_ctx_key_t *keys,
                           size_t nk)
{
    char arn[200], err[256];
    snprintf(arn, sizeof arn, "arn:aws:iam::aws:policy/%s", name);
    const iam_aws_policy_t *a = iam_aws_policy_by_arn(arn);
    if (!a) TEST_FAIL_("no %s", name);
    iam_policy_t *p = iam_policy_parse(a->document, strlen(a->document), IAM_POLICY_IDENTITY, err, sizeof err);
    const iam_policy_t *ps[1] = {p};
    iam_policy_set_t set = {.identity = ps, .n_identity = 1};
    iam_request_t rq = {.principal_type = IAM_PRINCIPAL_USER, .principal_arn = ALICE, .principal_account = ACCT,
                        .action = action, .resource = resource, .keys = keys, .n_keys = nk};
    iam_decision_t d = iam_evaluate(&set, &rq, NULL);
    iam_policy_free(p);
    return d;
}

#define TABLE "arn:aws:dynamodb:us-east-1:" ACCT ":table/Users"
#define FN "arn:aws:lambda:us-east-1:" ACCT ":function:f"
#define ROLE "arn:aws:iam::" ACCT ":role/r"

TEST(evaluator_honours_the_documents)
{
    ASSERT_EQ(eval("AdministratorAccess", "iam:CreateUser", "*", NULL, 0), IAM_ALLOW);
    ASSERT_EQ(eval("PowerUserAccess", "dynamodb:PutItem", TABLE, NULL, 0), IAM_ALLOW);
    ASSERT_EQ(eval("PowerUserAccess", "iam:CreateUser", "*", NULL, 0), IAM_IMPLICIT_DENY);
    ASSERT_EQ(eval("PowerUserAccess", "iam:ListRoles", "*", NULL, 0), IAM_ALLOW);
    ASSERT_EQ(eval("ReadOnlyAccess", "dynamodb:GetItem", TABLE, NULL, 0), IAM_ALLOW);
    ASSERT_EQ(eval("ReadOnlyAccess", "dynamodb:PutItem", TABLE, NULL, 0), IAM_IMPLICIT_DENY);
    ASSERT_EQ(eval("ReadOnlyAccess", "lambda:InvokeFunction", FN, NULL, 0), IAM_IMPLICIT_DENY);
    ASSERT_EQ(eval("IAMFullAccess", "iam:CreateRole", "*", NULL, 0), IAM_ALLOW);
    ASSERT_EQ(eval("IAMFullAccess", "dynamodb:GetItem", TABLE, NULL, 0), IAM_IMPLICIT_DENY);
    ASSERT_EQ(eval("AmazonDynamoDBFullAccess", "dynamodb:DeleteTable", TABLE, NULL, 0), IAM_ALLOW);
    ASSERT_EQ(eval("AmazonDynamoDBReadOnlyAccess", "dynamodb:Query", TABLE, NULL, 0), IAM_ALLOW);
    ASSERT_EQ(eval("AmazonDynamoDBReadOnlyAccess", "dynamodb:UpdateItem", TABLE, NULL, 0), IAM_IMPLICIT_DENY);
    ASSERT_EQ(eval("AWSLambda_FullAccess", "lambda:CreateFunction", FN, NULL, 0), IAM_ALLOW);
    const char *const lam[] = {"lambda.amazonaws.com"}, *const other[] = {"ec2.amazonaws.com"};
    iam_ctx_key_t k1[] = {{"iam:PassedToService", lam, 1}}, k2[] = {{"iam:PassedToService", other, 1}};
    ASSERT_EQ(eval("AWSLambda_FullAccess", "iam:PassRole", ROLE, k1, 1), IAM_ALLOW);
    ASSERT_EQ(eval("AWSLambda_FullAccess", "iam:PassRole", ROLE, k2, 1), IAM_IMPLICIT_DENY);
    ASSERT_EQ(eval("AWSLambda_FullAccess", "iam:PassRole", ROLE, NULL, 0), IAM_IMPLICIT_DENY);
    ASSERT_EQ(eval("AWSLambda_ReadOnlyAccess", "lambda:GetFunction", FN, NULL, 0), IAM_ALLOW);
    ASSERT_EQ(eval("AWSLambda_ReadOnlyAccess", "lambda:InvokeFunction", FN, NULL, 0), IAM_IMPLICIT_DENY);
    ASSERT_EQ(eval("service-role/AWSLambdaBasicExecutionRole", "logs:PutLogEvents", "*", NULL, 0), IAM_ALLOW);
    ASSERT_EQ(eval("service-role/AWSLambdaDynamoDBExecutionRole", "dynamodb:GetRecords", TABLE "/stream/x", NULL, 0),
              IAM_ALLOW);
    ASSERT_EQ(eval("service-role/AWSLambdaDynamoDBExecutionRole", "dynamodb:GetItem", TABLE, NULL, 0),
              IAM_IMPLICIT_DENY);
    ASSERT_EQ(eval("service-role/AWSLambdaRole", "lambda:InvokeFunction", FN, NULL, 0), IAM_ALLOW);
    ASSERT_EQ(eval("AmazonAPIGatewayInvokeFullAccess", "execute-api:Invoke",
                   "arn:aws:execute-api:us-east-1:" ACCT ":abc123/prod/GET/users", NULL, 0), IAM_ALLOW);
    ASSERT_EQ(eval("AmazonAPIGatewayAdministrator", "apigateway:POST", "arn:aws:apigateway:us-east-1::/restapis",
                   NULL, 0), IAM_ALLOW);
    ASSERT_EQ(eval("AWSKeyManagementServicePowerUser", "kms:CreateKey", "*", NULL, 0), IAM_ALLOW);
    ASSERT_EQ(eval("AWSKeyManagementServicePowerUser", "kms:Decrypt", "*", NULL, 0), IAM_IMPLICIT_DENY);
    ASSERT_EQ(eval("CloudWatchLogsFullAccess", "logs:CreateLogGroup", "*", NULL, 0), IAM_ALLOW);
}
