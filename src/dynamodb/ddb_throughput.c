/* ddb_throughput.c — provisioned units changed by UpdateTable: the times they last rose and fell and
 * the daily budget of decreases (4 a UTC day, then one an hour after the last), with the service's
 * message naming when the next decrease may be made (ack-api-quirks DDB-TABLE-184, measured: "Next
 * decrease can be made at Friday, October 9, 2026 at 12:00:00 AM Coordinated Universal Time"). */
#include "dynamodb/ddb_throughput.h"
#include <stdio.h>
#include <time.h>

#define DAY_MS (24LL * 3600 * 1000)
#define HOUR_MS (3600LL * 1000)
#define FREE_DECREASES 4

/* Java's FULL date format in en-US, as the message prints it: "Thursday, October 8, 2026 at 11:20:48 PM
 * Coordinated Universal Time". */
static void full_date(int64_t ms, char *buf, size_t n)
{
    static const char *const days[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                       "Saturday"};
    static const char *const months[] = {"January", "February", "March", "April", "May", "June", "July",
                                         "August", "September", "October", "November", "December"};
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    int h12 = tm.tm_hour % 12 ? tm.tm_hour % 12 : 12;
    snprintf(buf, n, "%s, %s %d, %d at %d:%02d:%02d %s Coordinated Universal Time", days[tm.tm_wday],
             months[tm.tm_mon], tm.tm_mday, tm.tm_year + 1900, h12, tm.tm_min, tm.tm_sec,
             tm.tm_hour < 12 ? "AM" : "PM");
}

static int64_t ms_of(const json_t *pt, const char *member)
{
    const json_t *v = json_object_get(pt, member);
    return v ? (int64_t)(json_number_value(v) * 1000.0 + 0.5) : -1;
}

/* Decreases made on now_ms's UTC day. */
static json_int_t today(const json_t *pt, int64_t now_ms)
{
    int64_t last = ms_of(pt, "LastDecreaseDateTime");
    if (last < 0 || last / DAY_MS != now_ms / DAY_MS) return 0;
    return json_integer_value(json_object_get(pt, "NumberOfDecreasesToday"));
}

int ddb_throughput_change(const json_t *cur, const json_t *pt, int64_t now_ms, int budget, json_t **out,
                          ddb_err_t *err)
{
    json_int_t r0 = json_integer_value(json_object_get(cur, "ReadCapacityUnits"));
    json_int_t w0 = json_integer_value(json_object_get(cur, "WriteCapacityUnits"));
    json_int_t r = json_integer_value(json_object_get(pt, "ReadCapacityUnits"));
    json_int_t w = json_integer_value(json_object_get(pt, "WriteCapacityUnits"));
    int down = r < r0 || w < w0, up = r > r0 || w > w0;
    json_int_t count = today(cur, now_ms);
    int64_t last = ms_of(cur, "LastDecreaseDateTime");
    if (down && budget && count >= FREE_DECREASES && now_ms < last + HOUR_MS) {
        int64_t next = last + HOUR_MS, midnight = (now_ms / DAY_MS + 1) * DAY_MS;
        char was[96], at[96];
        full_date(last, was, sizeof was);
        full_date(next < midnight ? next : midnight, at, sizeof at);
        ddb_err_set(err, NB_ERR_DDB_LIMIT_EXCEEDED, "Subscriber limit exceeded: Provisioned throughput decreases "
                    "are limited within a given UTC day. After the first 4 decreases, each subsequent decrease in "
                    "the same UTC day can be performed at most once every 3600 seconds. Number of decreases "
                    "today: %lld. Last decrease at %s. Next decrease can be made at %s.", (long long)count, was, at);
        return -1;
    }
    json_t *o = json_pack("{s:I,s:I,s:I}", "NumberOfDecreasesToday", down ? count + 1 : count,
                          "ReadCapacityUnits", r, "WriteCapacityUnits", w);
    const json_t *li = json_object_get(cur, "LastIncreaseDateTime"), *ld = json_object_get(cur, "LastDecreaseDateTime");
    if (up) json_object_set_new(o, "LastIncreaseDateTime", json_real((double)now_ms / 1000.0));
    else if (li) json_object_set(o, "LastIncreaseDateTime", (json_t *)li);
    if (down) json_object_set_new(o, "LastDecreaseDateTime", json_real((double)now_ms / 1000.0));
    else if (ld) json_object_set(o, "LastDecreaseDateTime", (json_t *)ld);
    *out = o;
    return 0;
}

void ddb_throughput_describe(json_t *pt, int64_t now_ms)
{
    if (json_object_get(pt, "NumberOfDecreasesToday"))
        json_object_set_new(pt, "NumberOfDecreasesToday", json_integer(today(pt, now_ms)));
}
