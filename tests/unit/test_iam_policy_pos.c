/* test_iam_policy_pos.c — the statement positions IAM's policy simulator
 * reports (src/iam/policy_pos.c) and which statements apply to a request
 * (iam_policy_statement_applies). The expected numbers of the first tests are
 * AWS's own, from the AWS CLI's documented examples of simulate-custom-policy
 * (a one-line document whose Statement is an object) and
 * simulate-principal-policy (a pretty-printed one whose Statement is an
 * array), and from AdministratorAccess as IAM stores it. */
#include "test.h"
#include "iam/policy.h"
#include <string.h>

static size_t spans(const char *doc, iam_stmt_span_t *out, size_t max)
{
    return iam_policy_statement_spans(doc, strlen(doc), out, max);
}

#define ASSERT_SPAN(s, l1, c1, l2, c2) do {                                  \
        ASSERT_EQ((s).start.line, l1); ASSERT_EQ((s).start.col, c1);         \
        ASSERT_EQ((s).end.line, l2); ASSERT_EQ((s).end.col, c2);             \
    } while (0)

TEST(one_line_single_object_statement_as_aws_documents_it)
{
    const char *doc = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"dynamodb:*\","
                      "\"Resource\":\"*\",\"Condition\":{\"DateGreaterThan\":{\"aws:CurrentTime\":"
                      "\"2018-08-16T12:00:00Z\"}}}}";
    iam_stmt_span_t s[2];
    ASSERT_EQ(spans(doc, s, 2), 1);
    ASSERT_SPAN(s[0], 1, 38, 1, 167);
}

TEST(pretty_printed_statement_array_as_aws_documents_it)
{
    const char *doc = "{\n"
                      "    \"Version\": \"2012-10-17\",\n"
                      "    \"Statement\": [\n"
                      "        {\n"
                      "            \"Sid\": \"ListRepos\",\n"
                      "            \"Effect\": \"Allow\",\n"
                      "            \"Action\": \"codecommit:ListRepositories\",\n"
                      "            \"Resource\": \"*\"\n"
                      "        }\n"
                      "    ]\n"
                      "}\n";
    iam_stmt_span_t s[1];
    ASSERT_EQ(spans(doc, s, 1), 1);
    ASSERT_SPAN(s[0], 3, 19, 9, 10);
}

TEST(administrator_access_as_iam_stores_it)
{
    const char *doc = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n"
                      "      \"Action\": \"*\",\n      \"Resource\": \"*\"\n    }\n  ]\n}";
    iam_stmt_span_t s[1];
    ASSERT_EQ(spans(doc, s, 1), 1);
    ASSERT_SPAN(s[0], 3, 17, 8, 6);
}

/* A later statement starts where the one before it ended (the ',' is not read yet). */
TEST(statements_of_an_array_follow_each_other)
{
    const char *doc = "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"a:b\",\"Resource\":\"*\"}, "
                      "{\"Effect\":\"Deny\",\"Action\":\"a:c\",\"Resource\":\"*\"}],\"Version\":\"2012-10-17\"}";
    iam_stmt_span_t s[3];
    ASSERT_EQ(spans(doc, s, 3), 2);
    /* '[' at column 14; the first '}' at 62; the second '{' at 65 and '}' at 111 */
    ASSERT_SPAN(s[0], 1, 15, 1, 63);
    ASSERT_SPAN(s[1], 1, 63, 1, 112);
    ASSERT_EQ(doc[13], '[');
    ASSERT_EQ(doc[61], '}');
    ASSERT_EQ(doc[110], '}');
    ASSERT_EQ(spans(doc, s, 1), 2);                 /* the count, even past max */
}

/* "\r\n" is one line break, a lone "\r" too; a character outside the BMP is
 * two columns (UTF-16), any other one column whatever its UTF-8 length. */
TEST(lines_and_columns_count_as_a_java_string_does)
{
    const char *doc = "{\"Id\":\"x\",\r\n\"Statement\":\r{\"Effect\":\"Allow\","
                      "\"Action\":\"a:b\",\"Resource\":\"\xc3\xa9\xf0\x9f\x98\x80\"}}";
    iam_stmt_span_t s[1];
    ASSERT_EQ(spans(doc, s, 1), 1);
    ASSERT_SPAN(s[0], 3, 2, 3, 51);   /* é one column, 😀 two: the '}' at column 50 */
}

/* Keys are compared as JSON strings: escapes are decoded; Statement nested elsewhere is not it. */
TEST(statement_key_is_found_at_the_top_level_only)
{
    const char *doc = "{\"Id\":{\"Statement\":[1]},\"Stat\\u0065ment\":{\"Effect\":\"Allow\",\"Action\":\"a:b\","
                      "\"Resource\":\"*\"}}";
    iam_stmt_span_t s[1];
    ASSERT_EQ(spans(doc, s, 1), 1);
    ASSERT_EQ(s[0].start.col, 43u);                 /* just after the '{' at column 42 */
}

TEST(anything_else_has_no_statement)
{
    iam_stmt_span_t s[1];
    const char *bad[] = {"", "[]", "{", "{\"Statement\"", "{\"Statement\":", "{\"Statement\":\"x\"}",
                         "{\"Statement\":[{\"a\":1}", "{\"Statement\":[{\"a\":1} {\"b\":2}]}", "{\"Version\":1}",
                         "{\"Statement\":[{\"a\":\"\\q\"}]}", "{\"Statement\":[{\"a\":\"\\u12\"}]}", NULL};
    for (int i = 0; bad[i]; i++) ASSERT_EQ(spans(bad[i], s, 1), 0);
    ASSERT_EQ(iam_policy_statement_spans(NULL, 0, s, 1), 0);
    char deep[3000];                                 /* nesting past the scanner's depth: refused, no overflow */
    size_t n = (size_t)snprintf(deep, sizeof deep, "{\"Statement\":{\"Condition\":");
    while (n < 2000) deep[n++] = '[';
    deep[n] = 0;
    ASSERT_EQ(spans(deep, s, 1), 0);
}

TEST(statement_applies_by_effect_action_resource_and_condition)
{
    const char *doc = "{\"Version\":\"2012-10-17\",\"Statement\":["
                      "{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"},"
                      "{\"Effect\":\"Deny\",\"Action\":\"s3:DeleteObject\",\"Resource\":\"arn:aws:s3:::b/*\"},"
                      "{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\","
                      "\"Condition\":{\"StringEquals\":{\"s3:prefix\":\"home/\"}}}]}";
    char err[200];
    iam_policy_t *p = iam_policy_parse(doc, strlen(doc), IAM_POLICY_IDENTITY, err, sizeof err);
    ASSERT(p != NULL);
    static const char *const home[] = {"home/"};
    iam_ctx_key_t keys[] = {{"s3:prefix", home, 1}};
    iam_request_t r = {IAM_PRINCIPAL_USER, "arn:aws:iam::000000000000:user/zoe", "000000000000", NULL,
                       "s3:GetObject", "arn:aws:s3:::b/k", NULL, keys, 1, NULL, NULL};
    int deny = -1;
    ASSERT_EQ(iam_policy_statement_applies(p, 0, &r, &deny), 1);
    ASSERT_EQ(deny, 0);
    ASSERT_EQ(iam_policy_statement_applies(p, 1, &r, &deny), 0);
    ASSERT_EQ(deny, 1);
    ASSERT_EQ(iam_policy_statement_applies(p, 2, &r, NULL), 1);
    r.n_keys = 0;                                   /* the condition no longer holds */
    ASSERT_EQ(iam_policy_statement_applies(p, 2, &r, NULL), 0);
    r.action = "s3:DeleteObject";
    ASSERT_EQ(iam_policy_statement_applies(p, 1, &r, &deny), 1);
    ASSERT_EQ(deny, 1);
    ASSERT_EQ(iam_policy_statement_applies(p, 3, &r, &deny), 0);   /* past the last */
    iam_policy_free(p);
}
