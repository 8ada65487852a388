/* test_iam_policy_keys.c — iam_policy_context_keys (GetContextKeysFor*Policy and
 * the simulator's MissingContextValues): condition keys, policy variables in
 * resources and condition values (2012-10-17 only, escapes and defaults), and the
 * filter by action and resource. */
#include "test.h"
#include "iam/policy.h"

typedef struct seen {
    char keys[16][80];
    size_t n;
} seen_t;

static void visit(void *arg, const char *key, size_t len)
{
    seen_t *s = arg;
    if (s->n < 16 && len < sizeof s->keys[0]) {
        memcpy(s->keys[s->n], key, len);
        s->keys[s->n++][len] = 0;
    }
}

static seen_t keys_of(const char *doc, const char *action, const char *resource)
{
    char err[256];
    iam_policy_t *p = iam_policy_parse(doc, strlen(doc), IAM_POLICY_IDENTITY, err, sizeof err);
    if (!p) TEST_FAIL_("policy did not parse: %s", err);
    seen_t s = {.n = 0};
    iam_policy_context_keys(p, action, resource, visit, &s);
    iam_policy_free(p);
    return s;
}

TEST(condition_keys_and_variables)
{
    seen_t s = keys_of("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\","
                       "\"Resource\":\"arn:aws:s3:::b/${aws:username}/*\",\"Condition\":{\"IpAddress\":"
                       "{\"aws:SourceIp\":\"10.0.0.0/8\"},\"StringLike\":{\"s3:prefix\":[\"${aws:PrincipalTag/team, "
                       "'none'}/*\",\"${*}x\"]}}}]}", NULL, NULL);
    ASSERT_EQ(s.n, 4);
    ASSERT_STREQ(s.keys[0], "aws:username");
    /* conditions in the document's order of operators */
    int ip = 0, prefix = 0, tag = 0;
    for (size_t i = 1; i < s.n; i++) {
        ip += strcmp(s.keys[i], "aws:SourceIp") == 0;
        prefix += strcmp(s.keys[i], "s3:prefix") == 0;
        tag += strcmp(s.keys[i], "aws:PrincipalTag/team") == 0;
    }
    ASSERT_EQ(ip + prefix + tag, 3);
}

TEST(variables_of_2008_policies_are_literal)
{
    seen_t s = keys_of("{\"Version\":\"2008-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\","
                       "\"Resource\":\"arn:aws:s3:::b/${aws:username}\"}}", NULL, NULL);
    ASSERT_EQ(s.n, 0);
}

TEST(filtered_by_action_and_resource)
{
    const char *doc = "{\"Version\":\"2012-10-17\",\"Statement\":["
                      "{\"Effect\":\"Allow\",\"Action\":\"dynamodb:GetItem\",\"Resource\":\"*\","
                      "\"Condition\":{\"ForAllValues:StringEquals\":{\"dynamodb:LeadingKeys\":\"${aws:userid}\"}}},"
                      "{\"Effect\":\"Deny\",\"NotAction\":\"s3:*\",\"Resource\":\"arn:aws:sqs:*\","
                      "\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}]}";
    seen_t s = keys_of(doc, "dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:000000000000:table/T");
    ASSERT_EQ(s.n, 2);
    ASSERT_STREQ(s.keys[0], "dynamodb:LeadingKeys");
    ASSERT_STREQ(s.keys[1], "aws:userid");
    s = keys_of(doc, "sqs:SendMessage", "arn:aws:sqs:us-east-1:000000000000:q");
    ASSERT_EQ(s.n, 1);
    ASSERT_STREQ(s.keys[0], "aws:SecureTransport");
    s = keys_of(doc, "s3:GetObject", "arn:aws:sqs:us-east-1:000000000000:q");
    ASSERT_EQ(s.n, 0);
    s = keys_of(doc, NULL, NULL);
    ASSERT_EQ(s.n, 3);
}

TEST(unterminated_variable_is_no_key)
{
    seen_t s = keys_of("{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\","
                       "\"Resource\":\"arn:aws:s3:::b/${aws:username\"}}", NULL, NULL);
    ASSERT_EQ(s.n, 0);
    s = keys_of("{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\","
                "\"Resource\":\"arn:aws:s3:::b/${}${?}${\"}}", NULL, NULL);
    ASSERT_EQ(s.n, 0);
}
