/* logfmt.c — log levels, the level of a function's output line, and the
 * platform's JSON records (logfmt.h). Used only for functions whose
 * LoggingConfig.LogFormat is JSON: nothing here runs on the Text path. */
#include "lambda/logfmt.h"
#include "core/json_fast.h"
#include "core/util.h"
#include <string.h>
#include <strings.h>

static const char *const names[] = { NULL, "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL" };

int lambda__log_level_parse(const char *s)
{
    if (!s) return 0;
    for (int i = LAMBDA_LVL_TRACE; i <= LAMBDA_LVL_FATAL; i++)
        if (strcmp(s, names[i]) == 0) return i;
    return 0;
}

const char *lambda__log_level_name(int lvl)
{
    return lvl >= LAMBDA_LVL_TRACE && lvl <= LAMBDA_LVL_FATAL ? names[lvl] : "INFO";
}

/* A level name as a function may write it: any case, Python's WARNING and
 * CRITICAL included. 0 when unknown. */
static int level_of_name(const char *s, size_t n)
{
    for (int i = LAMBDA_LVL_TRACE; i <= LAMBDA_LVL_FATAL; i++)
        if (strlen(names[i]) == n && nb_strncaseeq(s, names[i], n)) return i;
    if (n == 7 && nb_strncaseeq(s, "WARNING", 7)) return LAMBDA_LVL_WARN;
    if (n == 8 && nb_strncaseeq(s, "CRITICAL", 8)) return LAMBDA_LVL_FATAL;
    return 0;
}

int lambda__log_line_level(const char *line, size_t len)
{
    size_t i = 0;
    while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) i++;
    /* Only a JSON object can carry a level: anything else is INFO without a parse. */
    if (i == len || line[i] != '{') return LAMBDA_LVL_INFO;
    json_t *doc = nb_json_loadb(line + i, len - i, 0, NULL);
    int lvl = 0;
    json_t *v = json_object_get(doc, "level");
    if (json_is_string(v)) lvl = level_of_name(json_string_value(v), json_string_length(v));
    json_decref(doc);
    return lvl ? lvl : LAMBDA_LVL_INFO;
}

/* --- platform records ----------------------------------------------------------- */

static void str(nb_buf_t *b, const char *key, const char *val, int comma)
{
    if (comma) nb_buf_putc(b, ',');
    nb_buf_putc(b, '"');
    nb_buf_puts(b, key);
    nb_buf_puts(b, "\":\"");
    nb_buf_json_escape(b, val ? val : "", val ? strlen(val) : 0);
    nb_buf_putc(b, '"');
}

/* {"time":"…","type":"TYPE","record":{   — the caller closes with "}}". */
static void open_record(nb_buf_t *b, uint64_t time_ms, const char *type)
{
    char ts[40];
    nb_iso8601_ms(time_ms, ts, sizeof ts);
    nb_buf_printf(b, "{\"time\":\"%s\",\"type\":\"%s\",\"record\":{", ts, type);
}

void lambda__plat_start(nb_buf_t *b, uint64_t time_ms, const char *request_id, const char *fn_arn,
                        const char *version)
{
    open_record(b, time_ms, "platform.start");
    str(b, "requestId", request_id, 0);
    str(b, "functionArn", fn_arn, 1);
    str(b, "version", version, 1);
    nb_buf_puts(b, "}}");
}

void lambda__plat_runtime_done(nb_buf_t *b, uint64_t time_ms, const char *request_id, const char *status,
                               const char *error_type)
{
    open_record(b, time_ms, "platform.runtimeDone");
    str(b, "requestId", request_id, 0);
    str(b, "status", status, 1);
    if (error_type) str(b, "errorType", error_type, 1);
    nb_buf_puts(b, "}}");
}

/* us as milliseconds with two decimals, as REPORT's Duration. */
static void ms2(nb_buf_t *b, uint64_t us)
{
    uint64_t h = (us + 5) / 10;
    nb_buf_printf(b, "%llu.%02u", (unsigned long long)(h / 100), (unsigned)(h % 100));
}

void lambda__plat_report(nb_buf_t *b, uint64_t time_ms, const lambda_report_t *r)
{
    open_record(b, time_ms, "platform.report");
    str(b, "requestId", r->request_id, 0);
    nb_buf_puts(b, ",\"metrics\":{\"durationMs\":");
    ms2(b, r->duration_us);
    nb_buf_printf(b, ",\"billedDurationMs\":%llu,\"memorySizeMB\":%u,\"maxMemoryUsedMB\":%u", r->billed_ms,
                  r->memory_mb, r->max_memory_mb);
    if (r->init_ms >= 0) nb_buf_printf(b, ",\"initDurationMs\":%.2f", r->init_ms);
    nb_buf_putc(b, '}');
    str(b, "status", r->status, 1);
    if (r->error_type) str(b, "errorType", r->error_type, 1);
    nb_buf_puts(b, "}}");
}

void lambda__plat_init_start(nb_buf_t *b, uint64_t time_ms, const char *init_type, const char *runtime_version,
                             const char *runtime_version_arn, const char *fn_name, const char *fn_version)
{
    open_record(b, time_ms, "platform.initStart");
    str(b, "initializationType", init_type, 0);
    str(b, "phase", "init", 1);
    str(b, "runtimeVersion", runtime_version, 1);
    str(b, "runtimeVersionArn", runtime_version_arn, 1);
    str(b, "functionName", fn_name, 1);
    str(b, "functionVersion", fn_version, 1);
    nb_buf_puts(b, "}}");
}

void lambda__plat_init_report(nb_buf_t *b, uint64_t time_ms, const char *init_type, double duration_ms,
                              const char *status, const char *error_type)
{
    open_record(b, time_ms, "platform.initReport");
    str(b, "initializationType", init_type, 0);
    str(b, "phase", "init", 1);
    str(b, "status", status, 1);
    if (error_type) str(b, "errorType", error_type, 1);
    nb_buf_printf(b, ",\"metrics\":{\"durationMs\":%.2f}}}", duration_ms);
}
