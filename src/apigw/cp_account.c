/* cp_account.c — GetAccount and UpdateAccount (REST API control plane): the
 * account's API Gateway settings. throttleSettings are the account-level
 * limits in force (throttle.c: AWS's 10,000 rps / 5,000 burst unless the
 * daemon's settings change them); cloudwatchRoleArn is what UpdateAccount
 * set (kept in the store, "c/account"); nimbus's access logs need no role. */
#include "apigw/apigw_int.h"
#include "apigw/throttle.h"
#include <string.h>

static json_t *account_shape(void)
{
    double rate, burst;
    apigw__account_limits(&rate, &burst);
    json_t *a = json_pack("{s:{s:I,s:f},s:[s],s:s}", "throttleSettings", "burstLimit", (json_int_t)burst, "rateLimit",
                          rate, "features", "UsagePlans", "apiKeyVersion", "4");
    json_t *role = json_object_get(apigw__svc.account, "cloudwatchRoleArn");
    if (json_is_string(role)) json_object_set(a, "cloudwatchRoleArn", role);
    return a;
}

void apigw__op_get_account(nb_req_t *req)
{
    nb_reply_json(req, 200, account_shape());
}

/* An IAM role ARN of this account ("arn:aws:iam::ACCOUNT:role/NAME"). */
static int role_arn_ok(nb_req_t *req, const char *v)
{
    char pre[64];
    size_t n = (size_t)snprintf(pre, sizeof pre, "arn:aws:iam::%s:role/", req->ctx->cfg->account);
    return v && strncmp(v, pre, n) == 0 && v[n];
}

void apigw__op_update_account(nb_req_t *req)
{
    json_t *ops = json_object_get(req->json, "patchOperations");
    json_t *next = json_deep_copy(apigw__svc.account);
    size_t i;
    json_t *op;
    json_array_foreach(ops, i, op) {
        const char *o = json_string_value(json_object_get(op, "op"));
        const char *path = json_string_value(json_object_get(op, "path"));
        const char *v = json_string_value(json_object_get(op, "value"));
        if (!o || !path || strcmp(path, "/cloudwatchRoleArn") != 0 ||
            (strcmp(o, "replace") != 0 && strcmp(o, "remove") != 0)) {
            json_decref(next);
            nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid patch path '%s' specified for op '%s'. Must be one of: "
                           "[/cloudwatchRoleArn]", path ? path : "", o ? o : "");
            return;
        }
        if (strcmp(o, "remove") == 0 || !v || !*v) {
            json_object_del(next, "cloudwatchRoleArn");
        } else if (!role_arn_ok(req, v)) {
            json_decref(next);
            nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "The role ARN is not well formed");
            return;
        } else {
            json_object_set_new(next, "cloudwatchRoleArn", json_string(v));
        }
    }
    json_decref(apigw__svc.account);
    apigw__svc.account = next;
    apigw__save_reply(req, 'c', "account", next, 200, account_shape());
}
