/* quota.c — usage-plan request counters per (plan, API key): the quota check
 * of each keyed request, the daily history GetUsage reports, UpdateUsage's
 * reset, and their persistence.
 *
 * Counters live in memory (one chained hash table, loop thread only) named
 * "{plan}/{key}", and reach the store (keyspace "apigw", key "u/{plan}/{key}")
 * in batches: a 1 s timer writes every counter changed since the last flush
 * in ONE write transaction (one group commit, whatever the request rate), and
 * apigw__quota_stop() writes the rest on a clean shutdown. The request path
 * never waits for a disk: after a kill -9 the requests counted in the last
 * second (at most) are forgotten, so a key can go that many requests over its
 * quota after a crash. UpdateUsage writes its counter at once and answers
 * once it is durable.
 *
 * The stored counters are loaded when first needed (ensure_loaded, at the top
 * of every function below that reads or changes a counter), not at start-up:
 * readiness does not wait for a scan and parse of every (plan, key) record,
 * and nothing can see or count into a table the records are not in yet.
 *
 * Record (JSON): {"kind":"DAY"|"WEEK"|"MONTH","period":P,"used":N,"days":{"D":n,...}}
 *   period  the index of the quota period "used" counts (days / Monday-weeks /
 *           months since the epoch); a request in a later period starts at 0
 *   used    requests counted in that period, minus UpdateUsage's extensions
 *   days    requests per UTC day (days since the epoch) for the last HIST days */
#include "apigw/apigw_int.h"
#include "apigw/throttle.h"
#include "core/alloc.h"
#include "core/log.h"
#include "core/util.h"
#include "store/store.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NBUCKETS 256
#define HIST 92            /* days of history kept (GetUsage reaches 90 days back) */
#define FLUSH_MS 1000

typedef struct counter {
    struct counter *next;
    char kind;             /* 'D', 'W', 'M': the period "period" is counted in */
    long long period;
    long long used;
    int dirty;
    int32_t day[HIST];     /* day number held by slot day % HIST (0: empty) */
    long long per_day[HIST];
    char name[];
} counter_t;

static counter_t *table[NBUCKETS];
static nb_ctx_t *loaded_from;   /* set by apigw__quota_init: the counters still to load */
static uv_timer_t flush_timer;
static int timer_on;
static int n_dirty;

static uint32_t hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static counter_t *find(const char *name, int create)
{
    uint32_t h = hash(name) % NBUCKETS;
    for (counter_t *c = table[h]; c; c = c->next)
        if (strcmp(c->name, name) == 0) return c;
    if (!create) return NULL;
    size_t n = strlen(name);
    counter_t *c = nb_xcalloc(1, sizeof *c + n + 1);
    memcpy(c->name, name, n + 1);
    c->kind = 'D';
    c->next = table[h];
    table[h] = c;
    return c;
}

static char kind_of(const char *period)
{
    if (period && strcmp(period, "WEEK") == 0) return 'W';
    if (period && strcmp(period, "MONTH") == 0) return 'M';
    return 'D';
}

static const char *kind_name(char k)
{
    return k == 'W' ? "WEEK" : k == 'M' ? "MONTH" : "DAY";
}

/* The index of the period of kind k holding day number d. */
static long long period_of_day(char k, long long d)
{
    if (k == 'W') return (d + 3) / 7;   /* 1970-01-01 was a Thursday: weeks start on Monday */
    if (k == 'M') {
        time_t t = (time_t)(d * 86400);
        struct tm tm;
        gmtime_r(&t, &tm);
        return (long long)tm.tm_year * 12 + tm.tm_mon;
    }
    return d;
}

static void mark(counter_t *c)
{
    if (!c->dirty) n_dirty++;
    c->dirty = 1;
}

/* Roll c into the period of day d (kind k): a new period starts at 0. */
static void roll(counter_t *c, char k, long long d)
{
    long long p = period_of_day(k, d);
    if (c->kind != k || c->period != p) {
        c->kind = k;
        c->period = p;
        c->used = 0;
        mark(c);
    }
}

static long long day_count(const counter_t *c, long long d)
{
    int s = (int)(d % HIST);
    return c->day[s] == d ? c->per_day[s] : 0;
}

static void ensure_loaded(void);

int apigw__quota_take(const char *name, const char *period, long long limit, uint64_t now_ms)
{
    ensure_loaded();
    counter_t *c = find(name, 1);
    long long d = (long long)(now_ms / 86400000ull);
    roll(c, kind_of(period), d);
    if (limit >= 0 && c->used >= limit) return -1;
    c->used++;
    int s = (int)(d % HIST);
    if (c->day[s] != d) {
        c->day[s] = (int32_t)d;
        c->per_day[s] = 0;
    }
    c->per_day[s]++;
    mark(c);
    return 0;
}

/* --- GetUsage / UpdateUsage ---------------------------------------------------- */

json_t *apigw__quota_usage(const char *name, const char *period, long long limit, long long from_day,
                           long long to_day, uint64_t now_ms)
{
    ensure_loaded();
    counter_t *c = find(name, 0);
    char k = kind_of(period);
    long long today = (long long)(now_ms / 86400000ull), cur = period_of_day(k, today);
    json_t *out = json_array();
    for (long long d = from_day; d <= to_day; d++) {
        long long used = c ? day_count(c, d) : 0, through = 0;
        long long p = period_of_day(k, d);
        if (c && p == cur && c->kind == k && c->period == cur) {
            /* the live count, less what came after day d */
            through = c->used;
            for (long long e = d + 1; e <= today; e++) through -= day_count(c, e);
        } else if (c) {
            for (long long e = d; e >= d - HIST && period_of_day(k, e) == p; e--) through += day_count(c, e);
        }
        long long remaining = limit >= 0 ? limit - through : 0;
        json_array_append_new(out, json_pack("[I,I]", (json_int_t)used, (json_int_t)remaining));
    }
    return out;
}

json_t *apigw__quota_set_remaining(const char *name, const char *period, long long limit, long long remaining,
                                   uint64_t now_ms)
{
    ensure_loaded();
    counter_t *c = find(name, 1);
    roll(c, kind_of(period), (long long)(now_ms / 86400000ull));
    c->used = limit - remaining;   /* the caller writes the record at once */
    return apigw__quota_record(name);
}

json_t *apigw__quota_record(const char *name)
{
    ensure_loaded();
    counter_t *c = find(name, 0);
    if (!c) return NULL;
    json_t *days = json_object();
    for (int s = 0; s < HIST; s++) {
        if (!c->day[s] || !c->per_day[s]) continue;
        char k[24];
        snprintf(k, sizeof k, "%d", (int)c->day[s]);
        json_object_set_new(days, k, json_integer(c->per_day[s]));
    }
    return json_pack("{s:s,s:I,s:I,s:o}", "kind", kind_name(c->kind), "period", (json_int_t)c->period, "used",
                     (json_int_t)c->used, "days", days);
}

/* --- persistence ------------------------------------------------------------------- */

typedef struct drop_scan {
    store_txn_t *t;
    int rc;
} drop_scan_t;

static int on_drop(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
    (void)val, (void)vlen;
    drop_scan_t *d = arg;
    int rc = store_del(d->t, APIGW_KS, key, klen);
    if (rc != STORE_OK && rc != STORE_NOTFOUND) d->rc = rc;
    return 0;
}

void apigw__quota_drop(const char *prefix)
{
    ensure_loaded();
    size_t pl = strlen(prefix);
    for (size_t i = 0; i < NBUCKETS; i++)
        for (counter_t **p = &table[i]; *p;) {
            counter_t *c = *p;
            if (strncmp(c->name, prefix, pl) == 0) {
                *p = c->next;
                if (c->dirty) n_dirty--;
                free(c);
            } else {
                p = &c->next;
            }
        }
    store_t *st = apigw__svc.ctx ? apigw__svc.ctx->store : NULL;
    store_txn_t *t;
    if (!st || store_begin(st, STORE_WRITE, &t) != STORE_OK) return;
    char lo[200], hi[200];
    int n = snprintf(lo, sizeof lo, "u/%s", prefix);
    snprintf(hi, sizeof hi, "u/%s", prefix);
    hi[n - 1]++;   /* the prefix's upper bound: its last byte + 1 */
    drop_scan_t d = {t, STORE_OK};
    store_scan(t, APIGW_KS, lo, (size_t)n, hi, (size_t)n, 0, on_drop, &d);
    if (d.rc != STORE_OK || store_commit(t, NULL, NULL) != STORE_OK) {
        if (d.rc != STORE_OK) store_abort(t);
        nb_log_warn("apigw", "usage counters of %s not deleted", prefix);
    }
}

static void load_record(const char *name, json_t *rec)
{
    counter_t *c = find(name, 1);
    c->kind = kind_of(json_string_value(json_object_get(rec, "kind")));
    c->period = json_integer_value(json_object_get(rec, "period"));
    c->used = json_integer_value(json_object_get(rec, "used"));
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(rec, "days"), k, v) {
        long long d = atoll(k);
        if (d <= 0) continue;
        int s = (int)(d % HIST);
        if (c->day[s] > d) continue;   /* an older day in the same slot */
        c->day[s] = (int32_t)d;
        c->per_day[s] = json_integer_value(v);
    }
}

static int on_loaded(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
    (void)arg;
    json_t *rec = json_loadb(val, vlen, 0, NULL);
    if (!json_is_object(rec) || klen < 3) {
        nb_log_error("apigw", "corrupt usage record %.*s", (int)klen, (const char *)key);
    } else {
        char name[160];
        snprintf(name, sizeof name, "%.*s", (int)(klen - 2), (const char *)key + 2);
        load_record(name, rec);
    }
    json_decref(rec);
    return 0;
}

/* Write every dirty counter in one transaction; 0, or -1 (they stay dirty). */
static int flush(void)
{
    store_t *st = apigw__svc.ctx ? apigw__svc.ctx->store : NULL;
    if (!n_dirty || !st) return 0;
    store_txn_t *t;
    if (store_begin(st, STORE_WRITE, &t) != STORE_OK) return -1;
    int rc = STORE_OK;
    for (size_t i = 0; i < NBUCKETS && rc == STORE_OK; i++)
        for (counter_t *c = table[i]; c && rc == STORE_OK; c = c->next) {
            if (!c->dirty) continue;
            json_t *rec = apigw__quota_record(c->name);
            char *s = json_dumps(rec, JSON_COMPACT);
            json_decref(rec);
            char key[200];
            int kl = snprintf(key, sizeof key, "u/%s", c->name);
            rc = store_put(t, APIGW_KS, key, (size_t)kl, s, strlen(s));
            free(s);
        }
    if (rc != STORE_OK || store_commit(t, NULL, NULL) != STORE_OK) {
        if (rc != STORE_OK) store_abort(t);
        nb_log_warn("apigw", "usage counters not written (%d); retrying in %d ms", rc, FLUSH_MS);
        return -1;
    }
    for (size_t i = 0; i < NBUCKETS; i++)
        for (counter_t *c = table[i]; c; c = c->next) c->dirty = 0;
    n_dirty = 0;
    return 0;
}

static void on_flush(uv_timer_t *t)
{
    (void)t;
    flush();
}

/* The stored counters into the table, once, before any counter is read or
 * changed. The loop thread, with no transaction of this module open. */
static void ensure_loaded(void)
{
    nb_ctx_t *ctx = loaded_from;
    if (!ctx) return;
    loaded_from = NULL;
    store_txn_t *t;
    if (store_begin(ctx->store, STORE_READ, &t) != STORE_OK) {
        nb_log_error("apigw", "usage counters could not be read: counting starts from zero");
        return;
    }
    uint64_t t0 = nb_now_us();
    store_scan(t, APIGW_KS, "u/", 2, "u0", 2, 0, on_loaded, NULL);   /* '0' follows '/' */
    store_abort(t);
    nb_log_debug("apigw", "usage counters loaded in %llu us", (unsigned long long)(nb_now_us() - t0));
}

int apigw__quota_init(nb_ctx_t *ctx)
{
    if (!ctx->store) return 0;
    loaded_from = ctx;             /* loaded when first needed: ensure_loaded */
    n_dirty = 0;
    uv_timer_init(ctx->loop, &flush_timer);
    uv_timer_start(&flush_timer, on_flush, FLUSH_MS, FLUSH_MS);
    uv_unref((uv_handle_t *)&flush_timer);   /* never what keeps the loop alive */
    timer_on = 1;
    return 0;
}

void apigw__quota_reset(void)
{
    for (size_t i = 0; i < NBUCKETS; i++) {
        counter_t *c = table[i];
        while (c) {
            counter_t *n = c->next;
            free(c);
            c = n;
        }
        table[i] = NULL;
    }
    n_dirty = 0;
}

void apigw__quota_stop(void)
{
    flush();
    loaded_from = NULL;
    if (timer_on) {
        uv_timer_stop(&flush_timer);
        uv_close((uv_handle_t *)&flush_timer, NULL);
        timer_on = 0;
    }
    apigw__quota_reset();
}
