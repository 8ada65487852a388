/* sts_lambda.c — credentials for function instances: each instance gets
 * temporary credentials of its function's execution role, issued by STS, so a
 * function can do what its role allows and nothing else — and only of a role
 * whose trust policy lets lambda.amazonaws.com assume it. With --auth open every
 * well-formed credential is accepted anyway, so instances get a fixed pair. */
#include "sts/sts.h"
#include "lambda/lambda.h"
#include "auth/enforce.h"
#include "core/log.h"
#include <stdio.h>
#include <string.h>

/* "arn:aws:lambda:R:A:function:NAME[:Q]" → NAME (at most cap-1 chars). */
static void session_name(const char *fn_arn, char *out, size_t cap)
{
    const char *p = fn_arn ? strstr(fn_arn, ":function:") : NULL;
    p = p ? p + 10 : "function";
    size_t n = strcspn(p, ":");
    if (n >= cap) n = cap - 1;
    if (n > 64) n = 64;               /* RoleSessionName limit */
    memcpy(out, p, n);
    out[n] = 0;
}

static int role_credentials(void *arg, const char *role_arn, const char *fn_arn, lambda_credentials_t *out)
{
    nb_ctx_t *ctx = arg;
    memset(out, 0, sizeof *out);
    if (ctx->cfg->auth_open) {
        snprintf(out->access_key_id, sizeof out->access_key_id, "ASIAOPENMODE");
        snprintf(out->secret_access_key, sizeof out->secret_access_key, "open-mode");
        return 0;
    }
    if (!role_arn || !*role_arn) return -1;
    /* Lambda may use a role only when the role's trust policy lets
     * lambda.amazonaws.com assume it (as on AWS): iam:PassRole alone does not
     * make any role Lambda's */
    if (!auth_service_allowed(ctx, "lambda.amazonaws.com", "sts:AssumeRole", role_arn, fn_arn)) {
        nb_log_warn("sts", "no credentials for %s: role %s does not trust lambda.amazonaws.com",
                    fn_arn ? fn_arn : "?", role_arn);
        return -1;
    }
    char session[65];
    session_name(fn_arn, session, sizeof session);
    sts_creds_t c;
    if (sts_issue_role_credentials(ctx, role_arn, session, 3600, &c) != 0) {
        nb_log_warn("sts", "no credentials for %s: role %s cannot be assumed", fn_arn ? fn_arn : "?", role_arn);
        return -1;
    }
    snprintf(out->access_key_id, sizeof out->access_key_id, "%s", c.access_key);
    snprintf(out->secret_access_key, sizeof out->secret_access_key, "%s", c.secret_key);
    snprintf(out->session_token, sizeof out->session_token, "%s", c.session_token);
    out->expires_ms = (unsigned long long)c.expires_ms;
    return 0;
}

void sts__register_lambda_credentials(nb_ctx_t *ctx)
{
    lambda_set_credentials_provider(role_credentials, ctx);
}
