/* dest.c — where an asynchronous invocation's records may go: the kinds of
 * destination (OnSuccess / OnFailure: an SQS queue, SNS topic, Lambda
 * function or EventBridge bus) and dead-letter target (DeadLetterConfig: a
 * queue or topic), the IAM action each needs, and whether an execution role
 * may deliver there.
 *
 * The same question is asked when a destination or dead-letter target is
 * configured (PutFunctionEventInvokeConfig, UpdateFunctionEventInvokeConfig,
 * CreateFunction, UpdateFunctionConfiguration: refused with
 * InvalidParameterValueException, as on AWS) and again at every delivery
 * (async.c: the role's policies may have changed since). With --auth open
 * nothing is checked. A function destination is authorized by its canonical
 * ARN, so a grant on it holds however the configuration names it. */
#include "lambda/lambda_int.h"
#include "auth/enforce.h"
#include "core/alloc.h"
#include <string.h>

static const lambda_dest_kind_t kinds[] = {
    {"sqs", "sqs:SendMessage", "SendMessage", "SQS"},
    {"sns", "sns:Publish", "Publish", "SNS"},
    {"lambda", "lambda:InvokeFunction", "InvokeFunction", "Lambda"},
    {"events", "events:PutEvents", "PutEvents", "EventBridge"},
};

/* arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE with a non-empty resource:
 * the kind of SERVICE, or NULL. */
const lambda_dest_kind_t *lambda__dest_kind(const char *arn)
{
    if (!arn || strncmp(arn, "arn:aws", 7) != 0) return NULL;
    const char *svc = strchr(arn + 4, ':');
    if (!svc) return NULL;
    svc++;
    const char *end = strchr(svc, ':');
    if (!end) return NULL;
    /* REGION:ACCOUNT:RESOURCE follow */
    const char *region_end = strchr(end + 1, ':');
    const char *account_end = region_end ? strchr(region_end + 1, ':') : NULL;
    if (!account_end || !account_end[1]) return NULL;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strlen(kinds[i].service) == (size_t)(end - svc) && strncmp(svc, kinds[i].service, (size_t)(end - svc)) == 0)
            return &kinds[i];
    return NULL;
}

int lambda__role_may_deliver(nb_ctx_t *ctx, store_txn_t *t, const char *role, const lambda_dest_kind_t *k,
                             const char *arn)
{
    if (ctx->cfg->auth_open) return 1;
    char *res = NULL;
    if (strcmp(k->service, "lambda") == 0) {
        char name[LAMBDA_NAME_MAX + 1], qual[130];
        /* another account's function (or a malformed name) is none of ours: the
         * role is asked about the ARN as given, which no grant of ours names */
        if (lambda__parse_fn(arn, name, qual) == 0) res = lambda__fn_arn(name, qual);
    }
    int ok = auth_role_allowed(ctx, t, role, k->action, res ? res : arn);
    free(res);
    return ok;
}
