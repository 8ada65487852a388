/* test_apigw_throttle.c — token buckets (burst, refill, caps), quotas per
 * period, authorizer policy evaluation. Time is passed in, never measured. */
#include "test.h"
#include "apigw/throttle.h"
#include "apigw/policy.h"

TEST(bucket_burst_then_throttled_then_refills)
{
    apigw_bucket_t b = {0};
    uint64_t t = 1000000;
    for (int i = 0; i < 5; i++) ASSERT_EQ(apigw__bucket_take(&b, 1.0, 5.0, t), 0);
    ASSERT_EQ(apigw__bucket_take(&b, 1.0, 5.0, t), -1);
    ASSERT_EQ(apigw__bucket_take(&b, 1.0, 5.0, t + 500000), -1);   /* half a token */
    ASSERT_EQ(apigw__bucket_take(&b, 1.0, 5.0, t + 1000000), 0);   /* one second: one token */
    ASSERT_EQ(apigw__bucket_take(&b, 1.0, 5.0, t + 1000000), -1);
    /* a long pause refills to the burst, never beyond */
    int ok = 0;
    for (int i = 0; i < 10; i++) ok += apigw__bucket_take(&b, 1.0, 5.0, t + 100000000) == 0;
    ASSERT_EQ(ok, 5);
}

TEST(bucket_zero_rate_blocks_everything)
{
    apigw_bucket_t b = {0};
    ASSERT_EQ(apigw__bucket_take(&b, 0, 0, 10), -1);
}

TEST(named_buckets_are_distinct)
{
    apigw__throttle_reset();
    apigw_bucket_t *a = apigw__bucket("api/stage"), *b = apigw__bucket("api/stage/GET /x");
    ASSERT(a != b);
    ASSERT(a == apigw__bucket("api/stage"));
    ASSERT_EQ(apigw__bucket_take(a, 1, 1, 5), 0);
    ASSERT_EQ(apigw__bucket_take(a, 1, 1, 5), -1);
    ASSERT_EQ(apigw__bucket_take(b, 1, 1, 5), 0);
    apigw__throttle_reset();
}

TEST(quota_per_day_resets_next_day)
{
    apigw__throttle_reset();
    uint64_t day = 86400000ull * 20000;
    ASSERT_EQ(apigw__quota_take("q", "DAY", 2, day + 1), 0);
    ASSERT_EQ(apigw__quota_take("q", "DAY", 2, day + 2), 0);
    ASSERT_EQ(apigw__quota_take("q", "DAY", 2, day + 3), -1);
    ASSERT_EQ(apigw__quota_take("q", "DAY", 2, day + 86400000ull), 0);
    ASSERT_EQ(apigw__quota_take("m", "MONTH", 1, day), 0);
    ASSERT_EQ(apigw__quota_take("m", "MONTH", 1, day + 86400000ull), -1);   /* same month */
    apigw__throttle_reset();
}

TEST(policy_allow_deny_wildcards)
{
    const char *arn = "arn:aws:execute-api:us-east-1:000000000000:abc/prod/GET/users/1";
    json_t *p = json_loads("{\"Statement\":[{\"Action\":\"execute-api:Invoke\",\"Effect\":\"Allow\","
                           "\"Resource\":\"arn:aws:execute-api:us-east-1:000000000000:abc/*/GET/*\"}]}", 0, NULL);
    ASSERT_EQ(apigw__policy_allows(p, arn), 1);
    ASSERT_EQ(apigw__policy_allows(p, "arn:aws:execute-api:us-east-1:000000000000:abc/prod/POST/users"), 0);
    json_decref(p);
    p = json_loads("{\"Statement\":[{\"Action\":\"*\",\"Effect\":\"Allow\",\"Resource\":\"*\"},"
                   "{\"Action\":[\"execute-api:Invoke\"],\"Effect\":\"Deny\",\"Resource\":[\"*/users/*\"]}]}", 0, NULL);
    ASSERT_EQ(apigw__policy_allows(p, arn), 0);    /* explicit deny wins */
    json_decref(p);
    p = json_loads("{\"Statement\":{\"Action\":\"execute-api:Invoke\",\"Effect\":\"Allow\",\"Resource\":\"*\"}}", 0, NULL);
    ASSERT_EQ(apigw__policy_allows(p, arn), 1);    /* a single statement object */
    json_decref(p);
    ASSERT_EQ(apigw__policy_allows(NULL, arn), -1);
    ASSERT(apigw__glob("a?c*", "abcdef"));
    ASSERT(!apigw__glob("a?c", "abcd"));
}
