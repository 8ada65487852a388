/* access_log.c — access logs per stage, for REST, HTTP and WebSocket APIs:
 * the stage's accessLogSettings {destinationArn, format} are checked when a
 * stage is written (apigw__access_log_check), and one line per request (per
 * WebSocket event: CONNECT, MESSAGE, DISCONNECT) is rendered from the format's
 * $context variables when it ends (apigw__access_log).
 *
 * Where lines go: where the daemon's own logs go — one JSON record per line on
 * stderr with component "apigw.access" and the rendered format as "msg"
 * (nimbus has no CloudWatch Logs service; the log group of destinationArn is
 * validated and kept for GetStage, not written). A variable the request does
 * not have renders as "-", as API Gateway writes it.
 *
 * Format rules (API Gateway's): one line (a newline only at the end), at most
 * 3 KB, and $context.requestId or $context.extendedRequestId in it. */
#include "apigw/apigw_int.h"
#include "apigw/access_log.h"
#include "core/buf.h"
#include "core/log.h"
#include <stdio.h>
#include <string.h>

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

void apigw__access_log(const char *fmt, apigw_log_var_fn var, void *arg)
{
    nb_buf_t b = NB_BUF_INIT;
    char scratch[64];
    for (const char *p = fmt; *p; p++) {
        if (*p == '\n' || *p == '\r') continue;   /* the one allowed trailing newline */
        if (*p != '$' || strncmp(p, "$context.", 9) != 0) {
            nb_buf_putc(&b, *p);
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
        nb_buf_puts(&b, v && *v ? v : "-");
        p = e - 1;
    }
    nb_log_info("apigw.access", "%s", b.data ? b.data : "");
    nb_buf_free(&b);
}
