/* dp_rest.c — a REST API invocation:
 *   stage ─▶ resource+method ─▶ API key & usage plan ─▶ authorizer ─▶
 *   throttle ─▶ validation ─▶ integration (AWS_PROXY, AWS, HTTP_PROXY, HTTP, MOCK)
 * The stage serves its deployment's snapshot of the resources (a canary
 * request its canary's: dp_canary.c). Unknown
 * stage → 403 Forbidden; no resource/method → 403 Missing Authentication
 * Token, as API Gateway answers. */
#include "apigw/dp.h"
#include "apigw/auth.h"
#include "apigw/throttle.h"
#include "apigw/validate.h"
#include "apigw/mapping.h"
#include "core/util.h"
#include <stdio.h>
#include <string.h>

static const char *str_or_empty(json_t *s)
{
    return json_is_string(s) ? json_string_value(s) : "";
}

static int resolve_stage(apigw_dp_t *dp, json_t *doc, json_t **resources)
{
    const char *p = dp->path;
    const char *seg = p[0] == '/' ? p + 1 : p;
    const char *e = strchr(seg, '/');
    size_t n = e ? (size_t)(e - seg) : strlen(seg);
    if (dp->mapped_stage) {   /* a custom domain's mapping: the whole path is the resource's */
        seg = dp->mapped_stage;
        n = strlen(seg);
        e = p;
    }
    if (!n) return -1;
    char *name = nb_arena_strndup(dp->req->arena, seg, n);
    json_t *st = json_object_get(json_object_get(doc, "stages"), name);
    if (!st) return -1;
    json_t *deps = json_object_get(doc, "deployments");
    json_t *dep = json_object_get(deps, str_or_empty(json_object_get(st, "deploymentId")));
    if (!dep) return -1;
    json_t *canary = json_object_get(st, "canarySettings");
    json_t *cdep = json_object_get(deps, str_or_empty(json_object_get(canary, "deploymentId")));
    dp->canary = canary ? 1 : 0;
    if (cdep && apigw__canary_pick(canary)) {   /* this one goes to the canary */
        dp->canary = 2;
        dep = cdep;
        dp->stage_obj = apigw__canary_stage(st, canary);
    } else {
        dp->stage_obj = json_incref(st);
    }
    dp->stage = name;
    dp->route_path = e ? e : "/";
    *resources = json_object_get(dep, "_snapshot");
    dp->gw_responses = json_incref(json_object_get(dep, "_gateway_responses"));
    return 0;
}

static void missing_token(apigw_dp_t *dp)
{
    nb_resp_header(dp->req, "x-amzn-ErrorType", "MissingAuthenticationTokenException");
    apigw__dp_gw(dp, "MISSING_AUTHENTICATION_TOKEN", 403, "Missing Authentication Token");
}

static void integrate(apigw_dp_t *dp)
{
    const char *type = json_string_value(json_object_get(dp->integration, "type"));
    if (apigw__rest_reserved_mapping(dp)) return;
    if (!type) {
        apigw__dp_gw(dp, "API_CONFIGURATION_ERROR", 500, "Internal server error");
    } else if (strcmp(type, "AWS_PROXY") == 0) {
        apigw__dp_lambda_proxy(dp, 1);
    } else if (strcmp(type, "HTTP_PROXY") == 0) {
        apigw__dp_http_proxy(dp);
    } else if (strcmp(type, "MOCK") == 0) {
        apigw__dp_mock(dp);
    } else if (strcmp(type, "AWS") == 0) {
        apigw__dp_aws_custom(dp);
    } else if (strcmp(type, "HTTP") == 0) {
        apigw__dp_http_custom(dp);
    } else {
        apigw__dp_gw(dp, "API_CONFIGURATION_ERROR", 500, "Internal server error");
    }
}

static void after_auth(apigw_dp_t *dp)
{
    int rc = apigw__throttle_rest(dp);
    if (rc == -1) {
        apigw__dp_gw(dp, "THROTTLED", 429, "Too Many Requests");
        return;
    }
    if (rc == -2) {
        apigw__dp_gw(dp, "QUOTA_EXCEEDED", 429, "Limit Exceeded");
        return;
    }
    if (apigw__validate_request(dp) != 0) return;   /* answered 400 */
    integrate(dp);
}

void apigw__dp_rest(apigw_dp_t *dp, json_t *doc)
{
    json_t *resources = NULL;
    if (resolve_stage(dp, doc, &resources) != 0) {
        nb_resp_header(dp->req, "x-amzn-ErrorType", "ForbiddenException");
        apigw__dp_message(dp, 403, "Forbidden");
        return;
    }
    apigw__dp_rest_serve(dp, doc, resources);
}

void apigw__dp_rest_serve(apigw_dp_t *dp, json_t *doc, json_t *resources)
{
    nb_req_t *req = dp->req;
    size_t cap = 0;
    const char *k;
    json_t *r;
    json_object_foreach(resources, k, r) cap += json_object_size(json_object_get(r, "resourceMethods"));
    apigw_route_t *rt = nb_arena_alloc(req->arena, sizeof *rt * (cap ? cap : 1));
    size_t n = 0;
    json_object_foreach(resources, k, r) {
        const char *m;
        json_t *meth;
        json_object_foreach(json_object_get(r, "resourceMethods"), m, meth) {
            rt[n].method = m;
            rt[n].path = json_string_value(json_object_get(r, "path"));
            rt[n++].data = r;
        }
    }
    apigw__route_select_rest(req->arena, rt, n, req->method, dp->route_path, &dp->match);
    if (dp->match.index < 0 && dp->test_req) {
        /* TestInvokeMethod takes any pathWithQueryString: one that does not match the
         * tested resource's path leaves the path parameters empty (LocalStack's
         * execute_api/test_invoke.py: "this is AWS behavior") */
        for (size_t i = 0; i < n && dp->match.index < 0; i++)
            if (!strcmp(rt[i].method, req->method)) dp->match.index = (int)i;
        dp->match.n_params = 0;
    }
    if (dp->match.index < 0) {
        missing_token(dp);
        return;
    }
    json_t *res = rt[dp->match.index].data;
    json_t *method = json_object_get(json_object_get(res, "resourceMethods"), rt[dp->match.index].method);
    dp->route = json_incref(method);
    /* copies: the deployment holding these strings may go while the call runs */
    dp->route_key = nb_arena_strdup(req->arena, rt[dp->match.index].path);
    dp->resource_id = nb_arena_strdup(req->arena, json_string_value(json_object_get(res, "id")));
    dp->in.resource_path = dp->route_key;
    dp->in.resource_id = dp->resource_id;
    const char *dep = json_string_value(json_object_get(dp->stage_obj, "deploymentId"));
    dp->in.deployment_id = dep ? nb_arena_strdup(req->arena, dep) : NULL;   /* a deployment may replace it */
    dp->in.route_key = dp->route_key;
    dp->integration = json_incref(json_object_get(method, "methodIntegration"));
    if (!dp->integration) {
        apigw__dp_gw(dp, "API_CONFIGURATION_ERROR", 500, "Internal server error");
        return;
    }
    /* binary bodies per the API's binaryMediaTypes */
    const char *ct = nb_req_header(req, "content-type");
    dp->in.body_binary = apigw__is_binary_type(json_object_get(dp->api, "binaryMediaTypes"), ct,
                                               nb_req_header(req, "accept"));
    if (dp->test_req) {   /* TestInvokeMethod: no key, authorizer or throttle */
        dp->validators = json_incref(json_object_get(doc, "validators"));
        dp->models = json_incref(json_object_get(doc, "models"));
        if (apigw__validate_request(dp) != 0) return;
        integrate(dp);
        return;
    }
    if (json_is_true(json_object_get(method, "apiKeyRequired")) && apigw__api_key_check(dp) != 0) {
        nb_resp_header(req, "x-amzn-ErrorType", "ForbiddenException");
        apigw__dp_gw(dp, "INVALID_API_KEY", 403, "Forbidden");
        return;
    }
    const char *at = json_string_value(json_object_get(method, "authorizationType"));
    if (at && strcmp(at, "AWS_IAM") == 0 && !nb_req_header(req, "authorization") &&
        !nb_req_qparam(req, "X-Amz-Signature")) {
        missing_token(dp);   /* unsigned: what API Gateway answers */
        return;
    }
    if (at && strcmp(at, "AWS_IAM") == 0 && apigw__iam_authorize(dp) != 0) return;
    if (at && strcmp(at, "CUSTOM") == 0) {
        json_t *az = json_object_get(json_object_get(doc, "authorizers"),
                                     json_string_value(json_object_get(method, "authorizerId")) ?
                                     json_string_value(json_object_get(method, "authorizerId")) : "");
        if (!az) {
            apigw__dp_gw(dp, "API_CONFIGURATION_ERROR", 500, "Internal server error");
            return;
        }
        dp->validators = json_incref(json_object_get(doc, "validators"));
        dp->models = json_incref(json_object_get(doc, "models"));
        apigw__auth_rest(dp, az, after_auth);
        return;
    }
    dp->validators = json_incref(json_object_get(doc, "validators"));
    dp->models = json_incref(json_object_get(doc, "models"));
    after_auth(dp);
}
