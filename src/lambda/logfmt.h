/* logfmt.h — Lambda's advanced logging controls (LoggingConfig): the log
 * levels, the level of a line a function writes, and the platform's records
 * in the JSON log format.
 *
 * With LogFormat JSON, Lambda writes its own events (START, END, REPORT,
 * INIT_START, INIT_REPORT in the Text format) as one JSON object per line:
 *
 *   {"time":"2026-11-28T00:00:00.000Z","type":"platform.start",
 *    "record":{"requestId":"…","functionArn":"…","version":"$LATEST"}}
 *
 * each with a system log level (platform.start / report / initStart /
 * initReport INFO, platform.runtimeDone DEBUG) that SystemLogLevel filters;
 * the function's own lines are filtered by ApplicationLogLevel: a JSON object
 * line with a "level" member has that level, any other line is INFO.
 * The Text format is untouched by all of this (pool.c's fast path). */
#ifndef NB_LAMBDA_LOGFMT_H
#define NB_LAMBDA_LOGFMT_H
#include <stddef.h>
#include <stdint.h>
#include "core/buf.h"

/* Levels, most detailed first: a record passes a filter set to L when its
 * level is >= L. */
enum {
    LAMBDA_LVL_TRACE = 1,
    LAMBDA_LVL_DEBUG,
    LAMBDA_LVL_INFO,
    LAMBDA_LVL_WARN,
    LAMBDA_LVL_ERROR,
    LAMBDA_LVL_FATAL
};

/* "TRACE" … "FATAL" (exactly, as the API spells them) → LAMBDA_LVL_*, else 0. */
int lambda__log_level_parse(const char *s);
/* LAMBDA_LVL_* → "TRACE" … "FATAL" ("INFO" for anything else). */
const char *lambda__log_level_name(int lvl);

/* The level of one output line of a function (line[0..len), not
 * NUL-terminated, untrusted): the "level" member of a line that is a JSON
 * object, in any case, WARNING and CRITICAL read as WARN and FATAL (Python's
 * names); LAMBDA_LVL_INFO for every other line, or an unknown level. */
int lambda__log_line_level(const char *line, size_t len);

/* What platform.report (REPORT) says of an invocation. */
typedef struct lambda_report {
    const char *request_id;
    const char *status;          /* "success", "error", "timeout" */
    const char *error_type;      /* NULL, or e.g. "Runtime.ExitError" */
    uint64_t duration_us;
    unsigned long long billed_ms;
    unsigned memory_mb, max_memory_mb;
    double init_ms;              /* < 0: not a cold start (no initDurationMs) */
} lambda_report_t;

/* Each appends one record (no newline) to b; time_ms is the record's time
 * (Unix ms). Strings are borrowed and escaped as JSON needs. */
void lambda__plat_start(nb_buf_t *b, uint64_t time_ms, const char *request_id, const char *fn_arn,
                        const char *version);
void lambda__plat_runtime_done(nb_buf_t *b, uint64_t time_ms, const char *request_id, const char *status,
                               const char *error_type);
void lambda__plat_report(nb_buf_t *b, uint64_t time_ms, const lambda_report_t *r);
void lambda__plat_init_start(nb_buf_t *b, uint64_t time_ms, const char *init_type, const char *runtime_version,
                             const char *runtime_version_arn, const char *fn_name, const char *fn_version);
void lambda__plat_init_report(nb_buf_t *b, uint64_t time_ms, const char *init_type, double duration_ms,
                              const char *status, const char *error_type);

#endif
