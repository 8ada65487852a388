/* cp_usage.c — GetUsage and UpdateUsage (botocore apigateway): the daily
 * [used, remaining] of a usage plan's API keys, and a new remaining quota for
 * one key's current period. The counters themselves are quota.c's; the Usage
 * shape keys its "values" by API key id. */
#include "apigw/apigw_int.h"
#include "apigw/throttle.h"
#include "core/util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_DAYS 400   /* one answer's span; counters keep about 90 days anyway */

/* "YYYY-MM-DD" → UTC day number (days since the epoch), or -1. */
static long long parse_day(const char *s)
{
    int y, m, d;
    char tail;
    if (!s || strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) return -1;
    if (y < 1970 || m < 1 || m > 12 || d < 1 || d > 31) return -1;
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    time_t t = timegm(&tm);
    gmtime_r(&t, &tm);
    if (tm.tm_mday != d) return -1;   /* 2026-02-30 */
    return (long long)(t / 86400);
}

static void day_text(long long day, char out[16])
{
    time_t t = (time_t)(day * 86400);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 16, "%Y-%m-%d", &tm);
}

static long long plan_limit(json_t *plan)
{
    json_t *lim = json_object_get(json_object_get(plan, "quota"), "limit");
    return json_is_integer(lim) ? json_integer_value(lim) : -1;
}

/* The Usage shape for keys (array of key ids, borrowed) over from..to (new ref). */
static json_t *usage(const char *pid, json_t *plan, json_t *keys, long long from, long long to)
{
    char a[16], b[16], name[160];
    day_text(from, a);
    day_text(to, b);
    json_t *values = json_object();
    const char *period = apigw__str(json_object_get(plan, "quota"), "period");
    uint64_t now = nb_wall_ms();
    size_t i;
    json_t *k;
    json_array_foreach(keys, i, k) {
        snprintf(name, sizeof name, "%s/%s", pid, json_string_value(k));
        json_object_set_new(values, json_string_value(k),
                            apigw__quota_usage(name, period, plan_limit(plan), from, to, now));
    }
    return json_pack("{s:s,s:s,s:s,s:o}", "usagePlanId", pid, "startDate", a, "endDate", b, "values", values);
}

void apigw__op_get_usage(nb_req_t *req)
{
    const char *pid;
    json_t *plan = apigw__plan_or_404(req, &pid);
    if (!plan) return;
    long long from = parse_day(nb_req_qparam(req, "startDate")), to = parse_day(nb_req_qparam(req, "endDate"));
    if (from < 0 || to < 0) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid date format, expected yyyy-MM-dd");
        return;
    }
    if (to < from || to - from >= MAX_DAYS) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid date range: startDate %s, endDate %s",
                       nb_req_qparam(req, "startDate"), nb_req_qparam(req, "endDate"));
        return;
    }
    const char *kid = nb_req_qparam(req, "keyId");
    json_t *keys;
    if (kid) {
        if (!apigw__plan_has_key(plan, kid)) {
            nb_reply_error(req, APIGW_ERR_NOT_FOUND, "Invalid API Key identifier specified");
            return;
        }
        keys = json_pack("[s]", kid);
    } else {
        keys = json_incref(json_object_get(plan, "_keys"));
    }
    json_t *out = usage(pid, plan, keys, from, to);
    json_decref(keys);
    nb_reply_json(req, 200, out);
}

void apigw__op_update_usage(nb_req_t *req)
{
    const char *pid;
    json_t *plan = apigw__plan_or_404(req, &pid);
    if (!plan) return;
    const char *kid = nb_req_param(req, "keyId");
    if (!kid || !apigw__plan_has_key(plan, kid)) {
        nb_reply_error(req, APIGW_ERR_NOT_FOUND, "Invalid API Key identifier specified");
        return;
    }
    long long limit = plan_limit(plan);
    if (limit < 0) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Usage plan %s has no quota", pid);
        return;
    }
    long long remaining = -1;
    size_t i;
    json_t *op;
    json_array_foreach(json_object_get(req->json, "patchOperations"), i, op) {
        const char *o = apigw__str(op, "op"), *path = apigw__str(op, "path"), *v = apigw__str(op, "value");
        if (!o || strcmp(o, "replace") != 0 || !path || strcmp(path, "/remaining") != 0) {
            nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid patch operation specified. Must be 'replace' on "
                           "path '/remaining'");
            return;
        }
        char *end;
        long long n = v ? strtoll(v, &end, 10) : -1;
        if (!v || !*v || *end || n < 0) {
            nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid remaining quota specified: %s", v ? v : "null");
            return;
        }
        remaining = n;
    }
    if (remaining < 0) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid patch operation specified. Must be 'replace' on path "
                       "'/remaining'");
        return;
    }
    char name[160];
    snprintf(name, sizeof name, "%s/%s", pid, kid);
    uint64_t now = nb_wall_ms();
    json_t *rec = apigw__quota_set_remaining(name, apigw__str(json_object_get(plan, "quota"), "period"), limit, remaining, now);
    long long today = (long long)(now / 86400000ull);
    json_t *keys = json_pack("[s]", kid);
    json_t *body = usage(pid, plan, keys, today, today);
    json_decref(keys);
    apigw__save_reply(req, 'u', name, rec, 200, body);   /* answered once durable */
    json_decref(rec);
}
