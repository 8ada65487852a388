/* dp_http.c — an HTTP API invocation:
 *   stage ─▶ CORS preflight ─▶ route ─▶ authorizer ─▶ throttle ─▶ integration
 * Stage: the first path segment when it names a stage, else $default (the
 * whole path), else 404. A stage with autoDeploy serves the API as it is, any
 * other stage its last deployment. No route → 404 {"message":"Not Found"}.
 * Routes with authorizationType AWS_IAM need a SigV4-signed request
 * (service execute-api) whose signer is allowed execute-api:Invoke on the
 * route's method ARN: 403 {"message":"Forbidden"} when unsigned, the
 * signature's error when it does not verify, {"Message":"User: ... is not
 * authorized ..."} when the policy denies (apigw__iam_authorize). */
#include "apigw/dp.h"
#include "apigw/auth.h"
#include "apigw/throttle.h"
#include <string.h>

/* Split the stage off dp->path; 0, or -1 when no stage serves it. */
static int resolve_stage(apigw_dp_t *dp, json_t *stages)
{
    const char *p = dp->path;
    const char *seg = p[0] == '/' ? p + 1 : p;
    const char *e = strchr(seg, '/');
    size_t n = e ? (size_t)(e - seg) : strlen(seg);
    if (dp->mapped_stage) {   /* a custom domain's mapping: the whole path is the route's */
        json_t *st = json_object_get(stages, dp->mapped_stage);
        if (!st) return -1;
        dp->stage = dp->mapped_stage;
        dp->stage_obj = json_incref(st);
        dp->route_path = *p ? p : "/";
        return 0;
    }
    if (n) {
        char *name = nb_arena_strndup(dp->req->arena, seg, n);
        json_t *st = strcmp(name, "$default") != 0 ? json_object_get(stages, name) : NULL;
        if (st) {
            dp->stage = name;
            dp->stage_obj = json_incref(st);
            dp->route_path = e ? e : "/";
            return 0;
        }
    }
    json_t *d = json_object_get(stages, "$default");
    if (!d) return -1;
    dp->stage = "$default";
    dp->stage_obj = json_incref(d);
    dp->route_path = *p ? p : "/";
    return 0;
}

static void integrate(apigw_dp_t *dp)
{
    const char *type = json_string_value(json_object_get(dp->integration, "integrationType"));
    if (type && strcmp(type, "AWS_PROXY") == 0) {
        const char *pf = json_string_value(json_object_get(dp->integration, "payloadFormatVersion"));
        apigw__dp_lambda_proxy(dp, pf && strcmp(pf, "1.0") == 0 ? 1 : 2);
    } else if (type && strcmp(type, "HTTP_PROXY") == 0) {
        apigw__dp_http_proxy(dp);
    } else {
        apigw__dp_message(dp, 500, "Internal Server Error");
    }
}

static void after_auth(apigw_dp_t *dp)
{
    if (apigw__throttle_http(dp) != 0) {
        apigw__dp_message(dp, 429, "Too Many Requests");
        return;
    }
    integrate(dp);
}

json_t *apigw__dp_served(json_t *stage_obj, json_t *doc)
{
    if (json_is_true(json_object_get(stage_obj, "autoDeploy"))) return doc;
    const char *dep = json_string_value(json_object_get(stage_obj, "deploymentId"));
    json_t *d = dep ? json_object_get(json_object_get(doc, "deployments"), dep) : NULL;
    return d ? json_object_get(d, "_snapshot") : NULL;
}

void apigw__dp_http(apigw_dp_t *dp, json_t *live)
{
    nb_req_t *req = dp->req;
    json_t *doc = NULL;
    if (resolve_stage(dp, json_object_get(live, "stages")) != 0 || !(doc = apigw__dp_served(dp->stage_obj, live))) {
        apigw__dp_message(dp, 404, "Not Found");
        return;
    }
    if (apigw__cors_preflight(dp)) return;
    json_t *routes = json_object_get(doc, "routes");
    size_t n = json_object_size(routes), i = 0;
    apigw_route_t *rt = nb_arena_alloc(req->arena, sizeof *rt * (n ? n : 1));
    const char *k;
    json_t *r;
    json_object_foreach(routes, k, r) {
        const char *rk = json_string_value(json_object_get(r, "routeKey"));
        if (!rk || apigw__route_key_split(req->arena, rk, &rt[i].method, &rt[i].path) != 0) continue;
        rt[i++].data = r;
    }
    apigw__route_select(req->arena, rt, i, req->method, dp->route_path, &dp->match);
    if (dp->match.index < 0) {
        apigw__dp_message(dp, 404, "Not Found");
        return;
    }
    json_t *route = rt[dp->match.index].data;
    dp->route = json_incref(route);
    dp->route_key = nb_arena_strdup(req->arena, json_string_value(json_object_get(route, "routeKey")));
    dp->in.route_key = dp->route_key;
    dp->resource_id = "";
    dp->in.resource_id = "";
    const char *rp = rt[dp->match.index].path;
    dp->in.resource_path = rp ? rp : "$default";
    const char *target = json_string_value(json_object_get(route, "target"));
    json_t *integ = target && strncmp(target, "integrations/", 13) == 0
                        ? json_object_get(json_object_get(doc, "integrations"), target + 13) : NULL;
    if (!integ) {
        apigw__dp_message(dp, 404, "Not Found");
        return;
    }
    dp->integration = json_incref(integ);
    const char *at = json_string_value(json_object_get(route, "authorizationType"));
    if (at && strcmp(at, "AWS_IAM") == 0 && !nb_req_header(req, "authorization") &&
        !nb_req_qparam(req, "X-Amz-Signature")) {
        apigw__dp_message(dp, 403, "Forbidden");
        return;
    }
    if (at && strcmp(at, "AWS_IAM") == 0 && apigw__iam_authorize(dp) != 0) return;
    if (at && (strcmp(at, "JWT") == 0 || strcmp(at, "CUSTOM") == 0)) {
        json_t *az = json_object_get(json_object_get(doc, "authorizers"),
                                     json_string_value(json_object_get(route, "authorizerId")) ?
                                     json_string_value(json_object_get(route, "authorizerId")) : "");
        if (!az) {
            apigw__dp_message(dp, 500, "Internal Server Error");
            return;
        }
        apigw__auth_http(dp, az, after_auth);
        return;
    }
    after_auth(dp);
}
