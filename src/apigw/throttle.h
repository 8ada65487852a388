/* throttle.h — token buckets and usage-plan quotas.
 *
 * A bucket holds up to `burst` tokens and refills at `rate` per second; a
 * request takes one token or is throttled. Buckets are kept in memory by
 * name ("{api}/{stage}", "{api}/{stage}/{route}", "plan/{plan}/{key}"),
 * created on first use; they restart full after a daemon restart, like
 * AWS's best-effort throttling. Quotas count requests per key and plan in
 * the current day/week/month (UTC) and survive restarts (quota.c). */
#ifndef NB_APIGW_THROTTLE_H
#define NB_APIGW_THROTTLE_H
#include <stdint.h>
#include <jansson.h>

typedef struct apigw_bucket {
    double tokens;
    uint64_t last_us;
} apigw_bucket_t;

/* AWS account-level defaults. */
#define APIGW_DEFAULT_RATE 10000.0
#define APIGW_DEFAULT_BURST 5000.0

/* The account's bucket: APIGW_DEFAULT_RATE / _BURST unless the settings
 * apigw.account_rate_limit / apigw.account_burst_limit raise (or lower) them —
 * nimbus's counterpart of an AWS service-quota increase. Read once at start-up. */
struct nb_config;
void apigw__account_limits_init(const struct nb_config *cfg);
/* The account's limits in force (GetAccount's throttleSettings). */
void apigw__account_limits(double *rate, double *burst);
/* Take one token from the account's bucket at now_us: 0, or -1 when throttled. */
int apigw__account_take(uint64_t now_us);

/* Take one token from b at time now_us: 0, or -1 when throttled. A bucket
 * with last_us 0 starts full. */
int apigw__bucket_take(apigw_bucket_t *b, double rate, double burst, uint64_t now_us);

/* The named bucket (created full on first use); never NULL. */
apigw_bucket_t *apigw__bucket(const char *name);

/* --- quota.c: usage-plan counters, persisted in batches ---------------------
 * name is "{plan}/{key}". */
/* Count one request against a quota of limit (< 0: none, count only) per
 * period ("DAY", "WEEK", "MONTH") at Unix time now_ms: 0, or -1 when the
 * quota is used up (the request is not counted). */
int apigw__quota_take(const char *name, const char *period, long long limit, uint64_t now_ms);
/* [[used, remaining], ...] for each UTC day number from_day..to_day (new ref). */
json_t *apigw__quota_usage(const char *name, const char *period, long long limit, long long from_day,
                           long long to_day, uint64_t now_ms);
/* UpdateUsage: the current period's remaining quota becomes remaining; returns
 * the record to write now (new ref). */
json_t *apigw__quota_set_remaining(const char *name, const char *period, long long limit, long long remaining,
                                   uint64_t now_ms);
/* Forget the counters whose names start with prefix ("{plan}/" for a deleted
 * plan, "{plan}/{key}" for a key leaving it), in memory and in the store (a
 * transaction of its own, committed without waiting; none may be open). */
void apigw__quota_drop(const char *prefix);
/* The stored record of counter name (new ref), or NULL when it has none. */
json_t *apigw__quota_record(const char *name);
/* Load the counters and start the 1 s flush timer / write what is left and
 * stop (clean shutdown) / forget everything in memory (tests). */
struct nb_ctx;
int apigw__quota_init(struct nb_ctx *ctx);
void apigw__quota_stop(void);
void apigw__quota_reset(void);

/* Forget every bucket and counter in memory (tests). */
void apigw__throttle_reset(void);

struct apigw_dp;
/* HTTP APIs: route, stage and account buckets. 0 or -1 (throttled). */
int apigw__throttle_http(struct apigw_dp *dp);
/* HTTP and WebSocket APIs: the stage's routeSettings[route_key], its
 * defaultRouteSettings (throttlingRateLimit / throttlingBurstLimit) and the
 * account's buckets. 0 or -1 (throttled). stage_obj borrowed. */
int apigw__throttle_route(const char *api_id, const char *stage, json_t *stage_obj, const char *route_key);

#endif
