/* aws_creds.c — who an AWS integration's call runs as (integration.credentials):
 *
 *   an IAM role ARN      API Gateway assumes it: the role's trust policy must let
 *                        apigateway.amazonaws.com sts:AssumeRole (else AWS's
 *                        "API Gateway does not have permission to assume the
 *                        provided role"); the call runs as the role's STS session
 *                        "BackplaneAssumeRoleSession" (the name AWS's sessions
 *                        carry), issued once and reused until 5 minutes before
 *                        it expires (one store write per role per ~55 minutes,
 *                        not per request)
 *   arn:aws:iam::*:user/(any)  the caller's own identity (an AWS_IAM method's signer;
 *                        TestInvokeMethod's caller)
 *   none                 refused (AWS refuses it at PutIntegration: "Role ARN must
 *                        be specified for AWS integrations")
 * What the identity may do is then decided by src/auth on the internal call, as
 * for any request. With --auth open every call runs as root. */
#include "apigw/aws_int.h"
#include "auth/creds.h"
#include "auth/enforce.h"
#include "core/util.h"
#include "sts/sts.h"
#include <string.h>

#define SESSION_NAME "BackplaneAssumeRoleSession"
#define RENEW_MS (5 * 60 * 1000)

static json_t *sessions;   /* role ARN → {"ak": key, "exp": ms} */

void apigw__aws_creds_stop(void)
{
    json_decref(sessions);
    sessions = NULL;
}

static const char *role_session(nb_ctx_t *ctx, nb_arena_t *a, const char *role)
{
    if (!sessions) sessions = json_object();
    json_t *s = json_object_get(sessions, role);
    int64_t now = (int64_t)nb_wall_ms();
    if (s && json_integer_value(json_object_get(s, "exp")) - RENEW_MS > now)
        return nb_arena_strdup(a, json_string_value(json_object_get(s, "ak")));
    sts_creds_t c;
    if (sts_issue_role_credentials(ctx, role, SESSION_NAME, 3600, &c) != 0) return NULL;
    json_object_set_new(sessions, role, json_pack("{s:s,s:I}", "ak", c.access_key, "exp", (json_int_t)c.expires_ms));
    return nb_arena_strdup(a, c.access_key);
}

int apigw__aws_caller(apigw_dp_t *dp, apigw_aws_caller_t *out, const char **why)
{
    nb_req_t *req = dp->req;
    nb_ctx_t *ctx = req->ctx;
    const char *cred = json_string_value(json_object_get(dp->integration, "credentials"));
    memset(out, 0, sizeof *out);
    if (!cred || !*cred) {
        *why = "Execution failed due to configuration error: Role ARN must be specified for AWS integrations";
        return -1;
    }
    if (ctx->cfg->auth_open) {   /* every identity is root */
        out->as_root = 1;
        return 0;
    }
    if (strcmp(cred, "arn:aws:iam::*:user/*") == 0) {
        /* the caller's credentials: an AWS_IAM method's signer (the control
         * plane's caller for TestInvokeMethod) */
        nb_req_t *who = dp->test_req ? dp->test_req : req;
        if (!who->principal_arn) {
            *why = "Execution failed due to configuration error: Invalid permissions: the method passes the "
                   "caller's credentials, but its caller is not authenticated (authorizationType AWS_IAM)";
            return -1;
        }
        out->access_key = who->access_key;
        out->as_root = !who->access_key && strcmp(who->principal_arn, auth_root_arn()) == 0;
        return 0;
    }
    if (!auth_service_allowed(ctx, "apigateway.amazonaws.com", "sts:AssumeRole", cred, NULL) ||
        !(out->access_key = role_session(ctx, req->arena, cred))) {
        *why = nb_arena_printf(req->arena, "Execution failed due to configuration error: API Gateway does not have "
                               "permission to assume the provided role %s", cred);
        return -1;
    }
    return 0;
}
