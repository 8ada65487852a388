/* lambda.h — what other nimbus modules may use of the Lambda service.
 *
 * lambda_invoke() runs a function synchronously (as Invoke RequestResponse
 * does) for other services: API Gateway integrations, event source mappings,
 * destinations. lambda_logs_main() is `nimbus logs NAME [--follow] [--since 10m]`
 * and lambda_dead_letters_main() is `nimbus dead-letters [NAME]`; both read
 * the store read-only and may run while the daemon runs (LMDB allows several
 * reader processes). */
#ifndef NB_LAMBDA_H
#define NB_LAMBDA_H
#include <stddef.h>
#include "core/ctx.h"
#include "core/errors.h"

typedef struct lambda_result {
    /* NB_OK when the function ran (even if it failed: see function_error);
     * otherwise the Invoke error (LAMBDA_ERR_NOT_FOUND, LAMBDA_ERR_TOO_MANY_REQUESTS...)
     * with message in error_message. */
    nb_err_t error;
    const char *error_message;
    const char *throttle_reason;   /* TooManyRequestsException Reason, or NULL */
    /* The function's answer (or its error document); valid during the callback. */
    const char *payload;
    size_t payload_len;
    const char *function_error;    /* NULL, "Unhandled" or "Handled" */
    const char *executed_version;  /* "$LATEST", "3" */
    const char *log_tail;          /* this invocation's log lines (at most 4 KB), or "" */
    const char *request_id;
} lambda_result_t;

typedef void (*lambda_invoke_cb)(void *arg, const lambda_result_t *res);

/* Invoke a function (name, partial or full ARN, optionally ":qualifier") with
 * qualifier (may be NULL) and payload (copied; must be JSON, "" means {}).
 * cb runs exactly once on the loop thread, possibly before this returns
 * (unknown function, throttled). Returns 0. */
int lambda_invoke(nb_ctx_t *ctx, const char *function_name_or_arn, const char *qualifier,
                  const void *payload, size_t len, lambda_invoke_cb cb, void *arg);

/* Command-line entry points (argv[0] is the sub-command name). Exit status. */
int lambda_logs_main(int argc, char **argv);
int lambda_dead_letters_main(int argc, char **argv);

#endif
