/* test_apigw_usage.c — usage-plan counters (quota.c): quotas per period,
 * GetUsage's daily [used, remaining], UpdateUsage's new remaining, the stored
 * record; access log settings checks (access_log.c). Time is passed in. */
#include "test.h"
#include <stdlib.h>
#include <string.h>
#include "apigw/access_log.h"
#include "apigw/throttle.h"

#define DAY_MS 86400000ull

TEST(quota_counts_days_and_reports_remaining)
{
    apigw__quota_reset();
    long long d0 = 20420;   /* a Monday? whatever: DAY periods */
    uint64_t t = (uint64_t)d0 * DAY_MS + 1000;
    ASSERT_EQ(apigw__quota_take("p/k", "DAY", 3, t), 0);
    ASSERT_EQ(apigw__quota_take("p/k", "DAY", 3, t + 1), 0);
    ASSERT_EQ(apigw__quota_take("p/k", "DAY", 3, t + DAY_MS), 0);   /* next day: a new period */
    json_t *u = apigw__quota_usage("p/k", "DAY", 3, d0 - 1, d0 + 1, t + DAY_MS);
    char *s = json_dumps(u, JSON_COMPACT);
    ASSERT_STREQ(s, "[[0,3],[2,1],[1,2]]");
    free(s);
    json_decref(u);
    apigw__quota_reset();
}

TEST(quota_month_remaining_runs_through_the_period)
{
    apigw__quota_reset();
    long long d0 = 20423;   /* 2025-12-01: the first day of a month */
    uint64_t t = (uint64_t)d0 * DAY_MS;
    ASSERT_EQ(apigw__quota_take("m/k", "MONTH", 5, t), 0);
    ASSERT_EQ(apigw__quota_take("m/k", "MONTH", 5, t + DAY_MS), 0);
    ASSERT_EQ(apigw__quota_take("m/k", "MONTH", 5, t + DAY_MS), 0);
    json_t *u = apigw__quota_usage("m/k", "MONTH", 5, d0, d0 + 2, t + DAY_MS);
    char *s = json_dumps(u, JSON_COMPACT);
    ASSERT_STREQ(s, "[[1,4],[2,2],[0,2]]");   /* a future day: the limit, untouched */
    free(s);
    json_decref(u);
    apigw__quota_reset();
}

TEST(update_usage_sets_remaining_and_record_round_trips)
{
    apigw__quota_reset();
    uint64_t t = 20420ull * DAY_MS;
    for (int i = 0; i < 2; i++) ASSERT_EQ(apigw__quota_take("p/k", "WEEK", 2, t), 0);
    ASSERT_EQ(apigw__quota_take("p/k", "WEEK", 2, t), -1);
    json_t *rec = apigw__quota_set_remaining("p/k", "WEEK", 2, 10, t);
    ASSERT_EQ(json_integer_value(json_object_get(rec, "used")), -8);
    ASSERT_STREQ(json_string_value(json_object_get(rec, "kind")), "WEEK");
    ASSERT_EQ(json_integer_value(json_object_get(json_object_get(rec, "days"), "20420")), 2);
    json_decref(rec);
    for (int i = 0; i < 10; i++) ASSERT_EQ(apigw__quota_take("p/k", "WEEK", 2, t), 0);
    ASSERT_EQ(apigw__quota_take("p/k", "WEEK", 2, t), -1);
    ASSERT(apigw__quota_record("nope") == NULL);
    apigw__quota_reset();
}

TEST(quota_without_limit_only_counts)
{
    apigw__quota_reset();
    for (int i = 0; i < 100; i++) ASSERT_EQ(apigw__quota_take("free", "DAY", -1, 5 * DAY_MS), 0);
    json_t *rec = apigw__quota_record("free");
    ASSERT_EQ(json_integer_value(json_object_get(rec, "used")), 100);
    json_decref(rec);
    apigw__quota_reset();
}

static int check(const char *arn, const char *fmt)
{
    json_t *s = json_object();
    if (arn) json_object_set_new(s, "destinationArn", json_string(arn));
    if (fmt) json_object_set_new(s, "format", json_string(fmt));
    const char *msg = NULL;
    int rc = apigw__access_log_check(s, &msg);
    json_decref(s);
    return rc == 0 ? 0 : msg ? -1 : -2;
}

TEST(access_log_settings_rules)
{
#define ARN "arn:aws:logs:us-east-1:000000000000:log-group:g"
    const char *arn = ARN;
    ASSERT_EQ(check(arn, "$context.requestId $context.status"), 0);
    ASSERT_EQ(check(arn, "$context.extendedRequestId\n"), 0);
    ASSERT_EQ(check(ARN ":*", "$context.requestId"), 0);
    ASSERT_EQ(check("arn:aws:firehose:us-east-1:000000000000:deliverystream/amazon-apigateway-x", "$context.requestId"), 0);
    ASSERT_EQ(check(NULL, NULL), 0);
    ASSERT_EQ(check(arn, "$context.status"), -1);
    ASSERT_EQ(check(arn, "$context.requestIdX"), -1);      /* another variable's name */
    ASSERT_EQ(check(arn, "$context.requestId\n$context.status"), -1);
    ASSERT_EQ(check("arn:aws:logs:us-east-1:000000000000:log-group:", "$context.requestId"), -1);
    ASSERT_EQ(check("arn:aws:s3:::b", "$context.requestId"), -1);
    char big[3200];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = 0;
    memcpy(big, "$context.requestId ", 19);
    ASSERT_EQ(check(arn, big), -1);
    const char *msg;
    json_t *notobj = json_string("x");
    ASSERT_EQ(apigw__access_log_check(notobj, &msg), -1);
    json_decref(notobj);
}
