/* dp_canary.c — a REST stage's canary release on the data plane, as API
 * Gateway's developer guide ("Set up an API Gateway canary release
 * deployment") and LocalStack's AWS-validated test_invoking_canary_deployment
 * describe it: each request of a stage with canarySettings goes to the canary
 * at random with probability percentTraffic / 100 (0 never, 100 always), and
 * is then served from the canary's deployment with the stage's variables
 * overridden by stageVariableOverrides (a variable the stage lacks is added);
 * the rest is served as the stage says. $context.isCanaryRequest tells which
 * (mapping.c, dataplane.c), and access log lines of canary requests also go to
 * "{log group}/Canary" (access_log.c). useStageCache changes nothing here:
 * nimbus keeps no response cache. */
#include "apigw/dp.h"
#include "core/util.h"
#include <string.h>

/* xorshift64*, seeded per thread from the kernel: a draw per request costs
 * nothing, and the split needs no stronger randomness (AWS: "at random"). */
static double uniform01(void)
{
    static _Thread_local uint64_t s;
    while (!s) nb_random_bytes(&s, sizeof s);
    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    return (double)((s * 2685821657736338717ull) >> 11) * 0x1.0p-53;   /* [0, 1) */
}

int apigw__canary_pick(const json_t *canary)
{
    if (!json_is_object(canary)) return 0;
    double pct = json_number_value(json_object_get(canary, "percentTraffic"));
    if (!(pct > 0)) return 0;
    return uniform01() * 100.0 < pct;
}

json_t *apigw__canary_stage(json_t *stage, json_t *canary)
{
    json_t *st = json_copy(stage);   /* shallow: the members are shared, never changed */
    json_t *vars = json_object_get(stage, "variables");
    json_t *merged = json_is_object(vars) ? json_copy(vars) : json_object();
    json_object_update(merged, json_object_get(canary, "stageVariableOverrides"));
    json_object_set_new(st, "variables", merged);
    json_object_set(st, "deploymentId", json_object_get(canary, "deploymentId"));
    return st;
}
