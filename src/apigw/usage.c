/* usage.c — API keys and usage plans on the data plane: the API key check of
 * key-required REST methods and WebSocket $connect routes, the usage plan of
 * the key (its rate/burst, then its quota, counted in quota.c), and the
 * throttles of a REST request (the method's settings "{path}/{METHOD}", the
 * stage-wide star-slash-star entry, and the account). */
#include "apigw/dp.h"
#include "apigw/throttle.h"
#include "core/util.h"
#include <stdio.h>
#include <string.h>

/* The plan of key id kid that covers api/stage (borrowed), or NULL. */
static json_t *plan_for(const char *kid, const char *api, const char *stage, const char **plan_id)
{
    const char *pid;
    json_t *p;
    json_object_foreach(apigw__svc.plans, pid, p) {
        int has = 0;
        size_t i;
        json_t *k;
        json_array_foreach(json_object_get(p, "_keys"), i, k)
            if (strcmp(json_string_value(k), kid) == 0) has = 1;
        if (!has) continue;
        json_t *st;
        json_array_foreach(json_object_get(p, "apiStages"), i, st) {
            if (apigw__str(st, "apiId") && apigw__str(st, "stage") && strcmp(apigw__str(st, "apiId"), api) == 0 &&
                strcmp(apigw__str(st, "stage"), stage) == 0) {
                *plan_id = pid;
                return p;
            }
        }
    }
    return NULL;
}

int apigw__api_key_check(apigw_dp_t *dp)
{
    return apigw__api_key_check_value(dp, apigw__dp_header(dp, "x-api-key"));
}

int apigw__api_key_check_value(apigw_dp_t *dp, const char *value)
{
    if (!value) return -1;
    const char *kid;
    json_t *key;
    json_object_foreach(apigw__svc.keys, kid, key) {
        if (!apigw__str(key, "value") || strcmp(apigw__str(key, "value"), value) != 0) continue;
        if (!json_is_true(json_object_get(key, "enabled"))) return -1;
        const char *pid;
        if (!plan_for(kid, dp->api_id, dp->stage, &pid)) return -1;
        dp->api_key_value = nb_arena_strdup(dp->req->arena, value);
        dp->api_key_id = nb_arena_strdup(dp->req->arena, kid);
        return 0;
    }
    return -1;
}

static int take(const char *name, json_t *settings, const char *rate_k, const char *burst_k, uint64_t now)
{
    json_t *r = json_object_get(settings, rate_k), *b = json_object_get(settings, burst_k);
    if (!r && !b) return 0;
    double rate = r ? json_number_value(r) : APIGW_DEFAULT_RATE;
    double burst = b ? json_number_value(b) : APIGW_DEFAULT_BURST;
    return apigw__bucket_take(apigw__bucket(name), rate, burst, now);
}

int apigw__plan_take(apigw_dp_t *dp, uint64_t now)
{
    if (!dp->api_key_id) return 0;
    const char *pid;
    json_t *plan = plan_for(dp->api_key_id, dp->api_id, dp->stage, &pid);
    if (!plan) return 0;
    char name[300];
    snprintf(name, sizeof name, "plan/%s/%s", pid, dp->api_key_id);
    if (take(name, json_object_get(plan, "throttle"), "rateLimit", "burstLimit", now) != 0) return -1;
    /* every keyed request is counted (GetUsage), the limit only with a quota */
    json_t *q = json_object_get(plan, "quota");
    json_t *lim = json_object_get(q, "limit");
    snprintf(name, sizeof name, "%s/%s", pid, dp->api_key_id);
    if (apigw__quota_take(name, apigw__str(q, "period"), json_is_integer(lim) ? json_integer_value(lim) : -1,
                          nb_wall_ms()) != 0)
        return -2;
    return 0;
}

int apigw__throttle_rest(apigw_dp_t *dp)
{
    char name[600];
    uint64_t now = nb_now_us();
    int rc = apigw__plan_take(dp, now);
    if (rc != 0) return rc;
    json_t *ms = json_object_get(dp->stage_obj, "methodSettings");
    snprintf(name, sizeof name, "%s/%s", dp->route_key, dp->req->method);
    json_t *m = json_object_get(ms, name);
    if (m) {
        char bname[700];
        snprintf(bname, sizeof bname, "%s/%s/%s", dp->api_id, dp->stage, name);
        if (take(bname, m, "throttlingRateLimit", "throttlingBurstLimit", now) != 0) return -1;
    }
    snprintf(name, sizeof name, "%s/%s", dp->api_id, dp->stage);
    if (take(name, json_object_get(ms, "*/*"), "throttlingRateLimit", "throttlingBurstLimit", now) != 0) return -1;
    return apigw__account_take(now);
}
