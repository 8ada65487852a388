/* throttle.h — token buckets and usage-plan quotas.
 *
 * A bucket holds up to `burst` tokens and refills at `rate` per second; a
 * request takes one token or is throttled. Buckets are kept in memory by
 * name ("{api}/{stage}", "{api}/{stage}/{route}", "plan/{plan}/{key}"),
 * created on first use; they restart full after a daemon restart, like
 * AWS's best-effort throttling. Quotas count requests per key and plan in
 * the current day/week/month (UTC). */
#ifndef NB_APIGW_THROTTLE_H
#define NB_APIGW_THROTTLE_H
#include <stdint.h>

typedef struct apigw_bucket {
    double tokens;
    uint64_t last_us;
} apigw_bucket_t;

/* AWS account-level defaults. */
#define APIGW_DEFAULT_RATE 10000.0
#define APIGW_DEFAULT_BURST 5000.0

/* Take one token from b at time now_us: 0, or -1 when throttled. A bucket
 * with last_us 0 starts full. */
int apigw__bucket_take(apigw_bucket_t *b, double rate, double burst, uint64_t now_us);

/* The named bucket (created full on first use); never NULL. */
apigw_bucket_t *apigw__bucket(const char *name);

/* Count one request against a quota of limit per period ("DAY", "WEEK",
 * "MONTH") for name at Unix time now_ms: 0, or -1 when the quota is used up. */
int apigw__quota_take(const char *name, const char *period, long long limit, uint64_t now_ms);

/* Forget every bucket and counter (tests, shutdown). */
void apigw__throttle_reset(void);

struct apigw_dp;
/* HTTP APIs: route, stage and account buckets. 0 or -1 (throttled). */
int apigw__throttle_http(struct apigw_dp *dp);

#endif
