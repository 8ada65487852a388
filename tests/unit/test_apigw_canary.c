/* test_apigw_canary.c — a REST stage's canary on the data plane (src/apigw/dp_canary.c):
 * the per-request draw against percentTraffic and the stage a canary request sees. */
#include "test.h"
#include "apigw/dp.h"

TEST(canary_pick_bounds)
{
    json_t *none = json_pack("{s:s}", "deploymentId", "d2");
    json_t *zero = json_pack("{s:s,s:f}", "deploymentId", "d2", "percentTraffic", 0.0);
    json_t *all = json_pack("{s:s,s:f}", "deploymentId", "d2", "percentTraffic", 100.0);
    json_t *half = json_pack("{s:s,s:f}", "deploymentId", "d2", "percentTraffic", 50.0);
    int n = 0;
    for (int i = 0; i < 4000; i++) {
        ASSERT_EQ(apigw__canary_pick(NULL), 0);
        ASSERT_EQ(apigw__canary_pick(none), 0);
        ASSERT_EQ(apigw__canary_pick(zero), 0);
        ASSERT_EQ(apigw__canary_pick(all), 1);
        n += apigw__canary_pick(half);
    }
    /* Binomial(4000, 1/2): P(|n - 2000| > 400) <= 2 exp(-2 * 400^2 / 4000) = 2e-35 (Hoeffding) */
    ASSERT(n >= 1600 && n <= 2400);
    json_decref(none);
    json_decref(zero);
    json_decref(all);
    json_decref(half);
}

TEST(canary_stage_merges_overrides)
{
    json_t *st = json_pack("{s:s,s:s,s:{s:s,s:s},s:{s:s,s:f,s:{s:s,s:s}}}", "stageName", "dev", "deploymentId", "d1",
                           "variables", "testVar", "default", "defaultVar", "default", "canarySettings",
                           "deploymentId", "d2", "percentTraffic", 10.0, "stageVariableOverrides", "testVar", "canary",
                           "noStageVar", "canary");
    json_t *c = apigw__canary_stage(st, json_object_get(st, "canarySettings"));
    ASSERT_STREQ(json_string_value(json_object_get(c, "deploymentId")), "d2");
    ASSERT_STREQ(json_string_value(json_object_get(c, "stageName")), "dev");
    json_t *v = json_object_get(c, "variables");
    ASSERT_EQ(json_object_size(v), 3);
    ASSERT_STREQ(json_string_value(json_object_get(v, "testVar")), "canary");
    ASSERT_STREQ(json_string_value(json_object_get(v, "noStageVar")), "canary");
    ASSERT_STREQ(json_string_value(json_object_get(v, "defaultVar")), "default");
    /* the stage itself is untouched */
    ASSERT_STREQ(json_string_value(json_object_get(st, "deploymentId")), "d1");
    ASSERT_STREQ(json_string_value(json_object_get(json_object_get(st, "variables"), "testVar")), "default");
    ASSERT_EQ(json_object_size(json_object_get(st, "variables")), 2);
    json_decref(c);
    /* a stage without variables, a canary without overrides */
    json_t *bare = json_pack("{s:s}", "deploymentId", "d1");
    json_t *canary = json_pack("{s:s}", "deploymentId", "d3");
    c = apigw__canary_stage(bare, canary);
    ASSERT_EQ(json_object_size(json_object_get(c, "variables")), 0);
    ASSERT_STREQ(json_string_value(json_object_get(c, "deploymentId")), "d3");
    json_decref(c);
    json_decref(bare);
    json_decref(canary);
    json_decref(st);
}
