/* throttle.c — token buckets and quotas (see throttle.h). The named state
 * lives in one chained hash table on the heap, touched only by the loop
 * thread. */
#include "apigw/throttle.h"
#include "apigw/dp.h"
#include "core/alloc.h"
#include "core/config.h"
#include "core/util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NBUCKETS 1024

typedef struct entry {
    struct entry *next;
    apigw_bucket_t bucket;
    char name[];
} entry_t;

static entry_t *table[NBUCKETS];

int apigw__bucket_take(apigw_bucket_t *b, double rate, double burst, uint64_t now_us)
{
    if (burst < 1) burst = rate >= 1 ? 1 : 0;
    if (b->last_us == 0) {
        b->tokens = burst;
    } else if (now_us > b->last_us) {
        b->tokens += rate * (double)(now_us - b->last_us) / 1e6;
        if (b->tokens > burst) b->tokens = burst;
    }
    b->last_us = now_us ? now_us : 1;
    if (b->tokens < 1.0) return -1;
    b->tokens -= 1.0;
    return 0;
}

static uint32_t hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static entry_t *lookup(const char *name)
{
    uint32_t h = hash(name) % NBUCKETS;
    for (entry_t *e = table[h]; e; e = e->next)
        if (strcmp(e->name, name) == 0) return e;
    size_t n = strlen(name);
    entry_t *e = nb_xcalloc(1, sizeof *e + n + 1);
    memcpy(e->name, name, n + 1);
    e->next = table[h];
    table[h] = e;
    return e;
}

apigw_bucket_t *apigw__bucket(const char *name)
{
    return &lookup(name)->bucket;
}

void apigw__throttle_reset(void)
{
    for (size_t i = 0; i < NBUCKETS; i++) {
        entry_t *e = table[i];
        while (e) {
            entry_t *n = e->next;
            free(e);
            e = n;
        }
        table[i] = NULL;
    }
    apigw__quota_reset();
}

/* Rate/burst of a RouteSettings object; 0 when it sets none. */
static int limits(json_t *s, double *rate, double *burst)
{
    json_t *r = json_object_get(s, "throttlingRateLimit"), *b = json_object_get(s, "throttlingBurstLimit");
    if (!r && !b) return 0;
    *rate = r ? json_number_value(r) : APIGW_DEFAULT_RATE;
    *burst = b ? json_number_value(b) : APIGW_DEFAULT_BURST;
    return 1;
}

int apigw__throttle_route(const char *api_id, const char *stage, json_t *stage_obj, const char *route_key)
{
    char name[512];
    double rate, burst;
    uint64_t now = nb_now_us();
    json_t *rs = json_object_get(json_object_get(stage_obj, "routeSettings"), route_key);
    if (limits(rs, &rate, &burst)) {
        snprintf(name, sizeof name, "%s/%s/%s", api_id, stage, route_key);
        if (apigw__bucket_take(apigw__bucket(name), rate, burst, now) != 0) return -1;
    }
    if (limits(json_object_get(stage_obj, "defaultRouteSettings"), &rate, &burst)) {
        snprintf(name, sizeof name, "%s/%s", api_id, stage);
        if (apigw__bucket_take(apigw__bucket(name), rate, burst, now) != 0) return -1;
    }
    return apigw__account_take(now);
}

int apigw__throttle_http(apigw_dp_t *dp)
{
    return apigw__throttle_route(dp->api_id, dp->stage, dp->stage_obj, dp->route_key);
}

static double account_rate = APIGW_DEFAULT_RATE, account_burst = APIGW_DEFAULT_BURST;

void apigw__account_limits_init(const nb_config_t *cfg)
{
    const char *r = nb_config_get(cfg, "apigw.account_rate_limit");   /* requests per second, may be fractional */
    long b = nb_config_get_long(cfg, "apigw.account_burst_limit", (long)APIGW_DEFAULT_BURST);
    double rate = r ? strtod(r, NULL) : 0;
    account_rate = rate > 0 ? rate : APIGW_DEFAULT_RATE;
    account_burst = b > 0 ? (double)b : APIGW_DEFAULT_BURST;
}

void apigw__account_limits(double *rate, double *burst)
{
    *rate = account_rate;
    *burst = account_burst;
}

int apigw__account_take(uint64_t now_us)
{
    return apigw__bucket_take(apigw__bucket("account"), account_rate, account_burst, now_us);
}
