/* access_log.c — access logs per stage, for REST, HTTP and WebSocket APIs:
 * the stage's accessLogSettings {destinationArn, format} are checked when a
 * stage is written (apigw__access_log_check), and one line per request (per
 * WebSocket event: CONNECT, MESSAGE, DISCONNECT) is rendered from the format's
 * $context variables when it ends (apigw__access_log).
 *
 * Where lines go: a destinationArn naming a CloudWatch Logs log group
 * (arn:aws:logs:REGION:ACCOUNT:log-group:NAME[:*]) gets them in that group of
 * the log store (src/logs; `nimbus logs --group NAME`), created on first use,
 * in streams named as API Gateway names them:
 *   REST APIs              32 hex digits, one stream per stage per daemon run
 *                          (API Gateway: one per delivering host);
 *   HTTP and WebSocket     {apiId}_{stage, '$' written '.'}-{YYYY-MM-DD-HH-MM}
 *                          (UTC): a stream per stage per minute,
 *                          "abc123_.default-2026-11-28-13-05".
 * Only there, not in the daemon's log too: a busy stage would bury the
 * daemon's own records, and API Gateway writes a line to its destination
 * only. A stage with a format but no log group (none, or a Firehose stream,
 * which nimbus does not serve) writes its lines where the daemon's logs go,
 * one JSON record with component "apigw.access" and the line as "msg", so
 * the format still shows its output somewhere. A variable the request does
 * not have renders as "-", as API Gateway writes it.
 *
 * A REST stage's canary requests are written to "{NAME}/Canary" too, the
 * canary's own log group as API Gateway's developer guide names it.
 *
 * Format rules (API Gateway's): one line (a newline only at the end), at most
 * 3 KB, and $context.requestId or $context.extendedRequestId in it. */
#include "apigw/apigw_int.h"
#include "apigw/access_log.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/util.h"
#include "logs/logs.h"
#include <stdio.h>
#include <string.h>
#include <time.h>

#define MAX_FORMAT 3072

static int has_var(const char *fmt, const char *var)
{
    size_t n = strlen(var);
    for (const char *p = strstr(fmt, var); p; p = strstr(p + 1, var)) {
        char c = p[n];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return 1;
    }
    return 0;
}

/* "arn:aws:logs:{region}:{account}:log-group:{name}[:*]" or a Firehose delivery stream. */
static int valid_destination(const char *arn)
{
    const char *p;
    if (strncmp(arn, "arn:aws:logs:", 13) == 0) {
        p = strstr(arn + 13, ":log-group:");
        return p && p[11] && p[11] != ':' && strchr(arn + 13, ':') < p;
    }
    if (strncmp(arn, "arn:aws:firehose:", 17) == 0) {
        p = strstr(arn + 17, ":deliverystream/");
        return p && p[16];
    }
    return 0;
}

int apigw__access_log_check(json_t *settings, const char **msg)
{
    if (!settings || json_is_null(settings)) return 0;
    if (!json_is_object(settings)) {
        *msg = "Invalid access log settings";
        return -1;
    }
    json_t *f = json_object_get(settings, "format"), *d = json_object_get(settings, "destinationArn");
    if ((f && !json_is_string(f)) || (d && !json_is_string(d))) {
        *msg = "Invalid access log settings";
        return -1;
    }
    const char *arn = json_string_value(d);
    if (arn && *arn && !valid_destination(arn)) {
        *msg = "Invalid ARN specified in the request";
        return -1;
    }
    const char *fmt = json_string_value(f);
    if (!fmt || !*fmt) return 0;
    size_t n = strlen(fmt);
    if (n > MAX_FORMAT) {
        *msg = "Access Log format must be at most 3072 characters";
        return -1;
    }
    const char *nl = strpbrk(fmt, "\r\n");
    if (nl && nl[strspn(nl, "\r\n")] != 0) {
        *msg = "Access Log format must be single line, new line character is allowed only at end of the format";
        return -1;
    }
    if (!has_var(fmt, "$context.requestId") && !has_var(fmt, "$context.extendedRequestId")) {
        *msg = "Access Log format must include either $context.requestId or $context.extendedRequestId";
        return -1;
    }
    return 0;
}

const char *apigw__access_log_format(json_t *stage_obj)
{
    const char *fmt = json_string_value(json_object_get(json_object_get(stage_obj, "accessLogSettings"), "format"));
    return fmt && *fmt ? fmt : NULL;
}

/* The log group of a CloudWatch Logs destination ARN into out, or 0 when the
 * ARN names none (absent, a Firehose stream, a name CloudWatch would refuse). */
static int dest_group(json_t *stage_obj, char *out, size_t cap)
{
    const char *arn = json_string_value(json_object_get(json_object_get(stage_obj, "accessLogSettings"),
                                                        "destinationArn"));
    if (!arn || strncmp(arn, "arn:aws:logs:", 13) != 0) return 0;
    const char *g = strstr(arn + 13, ":log-group:");
    if (!g) return 0;
    g += 11;
    size_t n = strlen(g);
    if (n >= 2 && strcmp(g + n - 2, ":*") == 0) n -= 2;
    if (n >= cap) return 0;
    memcpy(out, g, n);
    out[n] = 0;
    return logs_valid_group(out);
}

/* FNV-1a, 64 bits, over s from h. */
static uint64_t fnv64(uint64_t h, const char *s)
{
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return (h ^ 0xff) * 1099511628211ull;
}

/* The stream a line of (api_id, stage) goes to at now_ms (see the top). */
static void stream_name(char *out, size_t cap, const char *api_id, const char *stage, int rest, uint64_t now_ms)
{
    if (rest) {
        static uint64_t salt;   /* a stage's stream is new in each daemon run */
        while (!salt) nb_random_bytes(&salt, sizeof salt);
        uint64_t h1 = fnv64(fnv64(salt, api_id), stage), h2 = fnv64(fnv64(~salt, stage), api_id);
        snprintf(out, cap, "%016llx%016llx", (unsigned long long)h1, (unsigned long long)h2);
        return;
    }
    time_t t = (time_t)(now_ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    int n = snprintf(out, cap, "%s_", api_id);
    for (const char *p = stage; *p && n + 1 < (int)cap; p++) out[n++] = *p == '$' ? '.' : *p;
    snprintf(out + n, cap - (size_t)n, "-%04d-%02d-%02d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
             tm.tm_hour, tm.tm_min);
}

/* fmt rendered with var(arg, ...) into b. */
static void render(nb_buf_t *b, const char *fmt, apigw_log_var_fn var, void *arg)
{
    char scratch[64];
    for (const char *p = fmt; *p; p++) {
        if (*p == '\n' || *p == '\r') continue;   /* the one allowed trailing newline */
        if (*p != '$' || strncmp(p, "$context.", 9) != 0) {
            nb_buf_putc(b, *p);
            continue;
        }
        const char *n = p + 9, *e = n;
        while ((*e >= 'a' && *e <= 'z') || (*e >= 'A' && *e <= 'Z') || *e == '.' || *e == '_' ||
               (*e >= '0' && *e <= '9'))
            e++;
        if (e > n && e[-1] == '.') e--;   /* "$context.status." ends a sentence */
        char name[96];
        snprintf(name, sizeof name, "%.*s", (int)(e - n), n);
        const char *v = var(arg, name, scratch, sizeof scratch);
        nb_buf_puts(b, v && *v ? v : "-");
        p = e - 1;
    }
}

void apigw__access_log(json_t *stage_obj, const char *api_id, const char *stage, int rest, int canary,
                       apigw_log_var_fn var, void *arg)
{
    const char *fmt = apigw__access_log_format(stage_obj);
    if (!fmt) return;
    nb_buf_t b = NB_BUF_INIT;
    render(&b, fmt, var, arg);
    char group[520], stream[600];
    if (dest_group(stage_obj, group, sizeof group)) {
        uint64_t now = nb_wall_ms();
        stream_name(stream, sizeof stream, api_id ? api_id : "-", stage ? stage : "-", rest, now);
        logs_put(group, stream, now, b.data ? b.data : "", b.len);
        /* "The canary release access log group name has the /Canary suffix appended to
         * the selected log group name"; its lines go to the stage's group as well */
        size_t n = strlen(group);
        if (canary && n + 7 < sizeof group) {
            memcpy(group + n, "/Canary", 8);
            if (logs_valid_group(group)) logs_put(group, stream, now, b.data ? b.data : "", b.len);
        }
    } else {
        nb_log_info("apigw.access", "%s", b.data ? b.data : "");
    }
    nb_buf_free(&b);
}
