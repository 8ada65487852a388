/* logs.c — function logs: each instance's lines into the log store
 * (src/logs), group /aws/lambda/NAME or the function's LoggingConfig.LogGroup
 * (lambda_fnconf_t.log_group, resolved once per configuration), one stream per instance
 * YYYY/MM/DD/[VERSION]INSTANCEID, as Lambda names them. The store writer
 * batches them (logs.h); this file only names groups and streams. */
#include "lambda/lambda_int.h"
#include "core/log.h"
#include "core/util.h"
#include "logs/logs.h"
#include <stdio.h>
#include <string.h>
#include <time.h>

void lambda__log_stream_name(char *out, size_t cap, const char *version)
{
    time_t now = (time_t)(nb_wall_ms() / 1000);
    struct tm tm;
    gmtime_r(&now, &tm);
    snprintf(out, cap, "%04d/%02d/%02d/[%s]", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, version);
}

void lambda__logs_init(void)
{
    logs_start(lambda__svc.ctx);
}

void lambda__log_event(const char *group, const char *stream, uint64_t ts_ms, const char *msg, size_t len)
{
    logs_put(group, stream, ts_ms, msg, len);
    if (nb_log_level() >= NB_LOG_DEBUG) nb_log_debug("lambda.log", "%s %s %.*s", group, stream, (int)len, msg);
}

void lambda__logs_stop(void)
{
    logs_stop();
}
