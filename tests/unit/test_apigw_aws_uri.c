/* test_apigw_aws_uri.c — AWS integration URIs (apigw/aws_uri.h). */
#include "test.h"
#include "apigw/aws_uri.h"

TEST(aws_uri_action)
{
    apigw_aws_uri_t u;
    ASSERT_EQ(apigw__aws_uri_parse("arn:aws:apigateway:us-east-1:dynamodb:action/PutItem", &u), 0);
    ASSERT_STREQ(u.region, "us-east-1");
    ASSERT_STREQ(u.service, "dynamodb");
    ASSERT_STREQ(u.subdomain, "");
    ASSERT_EQ(u.action, 1);
    ASSERT_STREQ(u.api, "PutItem");
}

TEST(aws_uri_path_and_subdomain)
{
    apigw_aws_uri_t u;
    ASSERT_EQ(apigw__aws_uri_parse("arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/f/invocations", &u), 0);
    ASSERT_STREQ(u.service, "lambda");
    ASSERT_EQ(u.action, 0);
    ASSERT_STREQ(u.api, "2015-03-31/functions/f/invocations");
    ASSERT_EQ(apigw__aws_uri_parse("arn:aws:apigateway:us-east-1:my.bucket.s3:path/{key}", &u), 0);
    ASSERT_STREQ(u.subdomain, "my.bucket");
    ASSERT_STREQ(u.service, "s3");
    ASSERT_STREQ(u.api, "{key}");
}

TEST(aws_uri_refusals)
{
    apigw_aws_uri_t u;
    const char *bad[] = {
        NULL, "", "arn:aws:lambda:us-east-1:1:function:f", "arn:aws:apigateway:us-east-1:dynamodb:PutItem",
        "arn:aws:apigateway::dynamodb:action/PutItem", "arn:aws:apigateway:us-east-1::action/PutItem",
        "arn:aws:apigateway:us-east-1:dynamodb:action/", "arn:aws:apigateway:us-east-1:dynamodb:action/Put/Item",
        "arn:aws:apigateway:us-east-1:dynamodb:path/", "arn:aws:apigateway:us-east-1:.s3:path/x",
        "arn:aws:apigateway:us-east-1:dyn amo:action/X",
        "arn:aws:apigateway:us-east-1:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:action/X",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (apigw__aws_uri_parse(bad[i], &u) != -1) TEST_FAIL_("accepted %s", bad[i] ? bad[i] : "(null)");
}
