/* throttle.c — token buckets and quotas (see throttle.h). The named state
 * lives in one chained hash table on the heap, touched only by the loop
 * thread. */
#include "apigw/throttle.h"
#include "apigw/dp.h"
#include "core/alloc.h"
#include "core/util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NBUCKETS 1024

typedef struct entry {
    struct entry *next;
    apigw_bucket_t bucket;
    long long period_start;    /* quotas: start of the counted period (days since epoch...) */
    long long used;
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

static long long period_of(const char *period, uint64_t now_ms)
{
    long long day = (long long)(now_ms / 86400000ull);
    if (period && strcmp(period, "WEEK") == 0) return (day + 3) / 7;   /* weeks start on Monday */
    if (period && strcmp(period, "MONTH") == 0) {
        time_t t = (time_t)(now_ms / 1000);
        struct tm tm;
        gmtime_r(&t, &tm);
        return (long long)tm.tm_year * 12 + tm.tm_mon;
    }
    return day;
}

int apigw__quota_take(const char *name, const char *period, long long limit, uint64_t now_ms)
{
    entry_t *e = lookup(name);
    long long p = period_of(period, now_ms);
    if (e->period_start != p) {
        e->period_start = p;
        e->used = 0;
    }
    if (e->used >= limit) return -1;
    e->used++;
    return 0;
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

int apigw__throttle_http(apigw_dp_t *dp)
{
    char name[512];
    double rate, burst;
    uint64_t now = nb_now_us();
    json_t *rs = json_object_get(json_object_get(dp->stage_obj, "routeSettings"), dp->route_key);
    if (limits(rs, &rate, &burst)) {
        snprintf(name, sizeof name, "%s/%s/%s", dp->api_id, dp->stage, dp->route_key);
        if (apigw__bucket_take(apigw__bucket(name), rate, burst, now) != 0) return -1;
    }
    if (limits(json_object_get(dp->stage_obj, "defaultRouteSettings"), &rate, &burst)) {
        snprintf(name, sizeof name, "%s/%s", dp->api_id, dp->stage);
        if (apigw__bucket_take(apigw__bucket(name), rate, burst, now) != 0) return -1;
    }
    return apigw__bucket_take(apigw__bucket("account"), APIGW_DEFAULT_RATE, APIGW_DEFAULT_BURST, now);
}
