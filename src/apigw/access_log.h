/* access_log.h — access logs per stage (access_log.c): settings checks and
 * the rendering of one line from a format with $context variables. */
#ifndef NB_APIGW_ACCESS_LOG_H
#define NB_APIGW_ACCESS_LOG_H
#include <stddef.h>
#include <jansson.h>

/* The value of $context.{name} (without "$context."), or NULL when the
 * request has none ("-" is written). scratch (cap bytes) may hold a number. */
typedef const char *(*apigw_log_var_fn)(void *arg, const char *name, char *scratch, size_t cap);

/* Check accessLogSettings {destinationArn, format} (borrowed; NULL or null:
 * none): 0, or -1 with *msg (static), the BadRequestException message. */
int apigw__access_log_check(json_t *settings, const char **msg);

/* The stage's access log format (borrowed), or NULL when it logs nothing. */
const char *apigw__access_log_format(json_t *stage_obj);

/* When stage_obj (borrowed) has an access log format: render it with
 * var(arg, ...) and write the line to the stage's destination (see
 * access_log.c) — the stage (stage) of API api_id, a REST API when rest; a
 * REST canary's request (canary) to "{log group}/Canary" as well. */
void apigw__access_log(json_t *stage_obj, const char *api_id, const char *stage, int rest, int canary,
                       apigw_log_var_fn var, void *arg);

#endif
