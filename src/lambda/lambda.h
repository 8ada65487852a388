/* lambda.h — what other nimbus modules may use of the Lambda service.
 *
 * lambda_invoke() runs a function synchronously (as Invoke RequestResponse
 * does) for other services: API Gateway integrations, event source mappings,
 * destinations. lambda_dead_letters_main() is `nimbus dead-letters [NAME]`; it
 * reads the store read-only and may run while the daemon runs (LMDB allows
 * several reader processes). `nimbus logs` is the log store's (src/logs). */
#ifndef NB_LAMBDA_H
#define NB_LAMBDA_H
#include <stddef.h>
#include <jansson.h>
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

/* Queue an asynchronous (Event) invocation, as S3/SNS/EventBridge deliveries
 * do: durable once the store commits (a kill -9 after that loses nothing),
 * retried and sent to its destinations like Invoke with InvocationType Event.
 * Returns NB_OK, LAMBDA_ERR_NOT_FOUND (no such function or qualifier),
 * LAMBDA_ERR_TOO_LARGE (over 1 MB) or LAMBDA_ERR_SERVICE. payload is copied. */
nb_err_t lambda_invoke_event(nb_ctx_t *ctx, const char *function_name_or_arn, const char *qualifier,
                             const void *payload, size_t len);

/* The function's resource policy (AddPermission statements) as an IAM policy
 * document {"Version","Id","Statement":[...]}, for the edge's authorization of
 * services invoking it. New reference (caller decrefs); NULL when the function
 * does not exist or has no statement. */
json_t *lambda_resource_policy(nb_ctx_t *ctx, const char *function_name_or_arn);

/* Credentials an instance gets for its execution role (AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN). The security module registers a
 * provider that issues temporary credentials for role_arn; an instance is
 * retired before its credentials expire (never reused within 5 minutes of
 * expires_ms). Without a provider, instances get lambda.access_key_id /
 * lambda.secret_access_key (default "test"). The provider returns 0, or -1 to
 * fail the instance's start (the invocation gets a function error). */
typedef struct lambda_credentials {
    char access_key_id[128];
    char secret_access_key[128];
    char session_token[4096];   /* "" for long-term keys */
    unsigned long long expires_ms;   /* Unix ms; 0 = does not expire */
} lambda_credentials_t;
typedef int (*lambda_credentials_fn)(void *arg, const char *role_arn, const char *function_arn,
                                     lambda_credentials_t *out);
void lambda_set_credentials_provider(lambda_credentials_fn fn, void *arg);

/* Command-line entry point. argv may start with the sub-command name
 * ("dead-letters") or with its first argument. Exit status (0, 1 failure, 2 usage). */
int lambda_dead_letters_main(int argc, char **argv);

#endif
