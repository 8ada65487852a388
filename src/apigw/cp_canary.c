/* cp_canary.c — a REST stage's canarySettings as API Gateway's control plane
 * keeps them (LocalStack's AWS-validated test_apigateway_canary snapshots):
 * given at CreateStage, made by a CreateDeployment naming an existing stage
 * (the stage keeps serving its deployment, the new one becomes the canary's),
 * and patched by UpdateStage under /canarySettings/ with AWS's refusals; and
 * the setting paths UpdateStage's replace accepts (AWS's list, its words);
 * the promotion by UpdateStage's copy ops; the canary's deployment must exist
 * and stays while a canary names it. The data plane's side: dp_canary.c. */
#include "apigw/apigw_int.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char SETTING_PATHS[] =
    "[/deploymentId, /description, /cacheClusterEnabled, /cacheClusterSize, /clientCertificateId, /accessLogSettings, "
    "/accessLogSettings/destinationArn, /accessLogSettings/format, /{resourcePath}/{httpMethod}/metrics/enabled, "
    "/{resourcePath}/{httpMethod}/logging/dataTrace, /{resourcePath}/{httpMethod}/logging/loglevel, "
    "/{resourcePath}/{httpMethod}/throttling/burstLimit/{resourcePath}/{httpMethod}/throttling/rateLimit/"
    "{resourcePath}/{httpMethod}/caching/ttlInSeconds, /{resourcePath}/{httpMethod}/caching/enabled, "
    "/{resourcePath}/{httpMethod}/caching/dataEncrypted, "
    "/{resourcePath}/{httpMethod}/caching/requireAuthorizationForCacheControl, "
    "/{resourcePath}/{httpMethod}/caching/unauthorizedCacheControlHeaderStrategy, /*/*/metrics/enabled, "
    "/*/*/logging/dataTrace, /*/*/logging/loglevel, /*/*/throttling/burstLimit /*/*/throttling/rateLimit "
    "/*/*/caching/ttlInSeconds, /*/*/caching/enabled, /*/*/caching/dataEncrypted, "
    "/*/*/caching/requireAuthorizationForCacheControl, /*/*/caching/unauthorizedCacheControlHeaderStrategy, "
    "/variables/{variable_name}, /tracingEnabled]";

json_t *apigw__v1_canary_new(json_t *in, const char *deployment)
{
    json_t *c = json_object();
    const char *dep = apigw__str(in, "deploymentId");
    json_object_set_new(c, "deploymentId", json_string(dep ? dep : deployment));
    json_t *pt = json_object_get(in, "percentTraffic");
    json_object_set_new(c, "percentTraffic", json_real(json_is_number(pt) ? json_number_value(pt) : 0.0));
    json_t *ov = json_object_get(in, "stageVariableOverrides");
    if (json_is_object(ov) && json_object_size(ov)) json_object_set(c, "stageVariableOverrides", ov);
    json_object_set_new(c, "useStageCache", json_boolean(json_is_true(json_object_get(in, "useStageCache"))));
    return c;
}

int apigw__v1_canary_deployment_check(nb_req_t *req, json_t *doc)
{
    if (!json_object_get(req->json, "canarySettings")) return 0;
    const char *sn = apigw__str(req->json, "stageName");
    if (!sn || !*sn) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid deployment content specified.Non null and non empty "
                       "stageName must be provided for canary deployment. Provided value is %s", sn ? "" : "null");
        return -1;
    }
    if (!json_object_get(json_object_get(doc, "stages"), sn)) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid deployment content specified.Stage %s must already be "
                       "created before making a canary release deployment", sn);
        return -1;
    }
    return 0;
}

/* UpdateStage's copy ops promote the canary (test_update_stage_with_copy_ops):
 * /canarySettings/deploymentId → /deploymentId, the overrides →  /variables
 * (merged over them); the canary stays, as AWS leaves it. */
static int promote(nb_req_t *req, json_t *stage, const char *path, const char *from)
{
    int dep = !strcmp(path, "/deploymentId") && from && !strcmp(from, "/canarySettings/deploymentId");
    int vars = !strcmp(path, "/variables") && from && !strcmp(from, "/canarySettings/stageVariableOverrides");
    if (!dep && !vars) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid copy operation with path: %s and from %s. Valid copy:path are "
                       "[/deploymentId, /variables] and valid copy:from are [/canarySettings/deploymentId, "
                       "/canarySettings/stageVariableOverrides]", path, from ? from : "null");
        return -1;
    }
    json_t *c = json_object_get(stage, "canarySettings");
    if (!c) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Promotion not available. Canary does not exist.");
        return -1;
    }
    if (dep) {
        json_object_set(stage, "deploymentId", json_object_get(c, "deploymentId"));
        return 0;
    }
    json_t *v = json_object_get(stage, "variables");
    if (!json_is_object(v)) json_object_set_new(stage, "variables", v = json_object());
    json_object_update(v, json_object_get(c, "stageVariableOverrides"));
    return 0;
}

int apigw__v1_canary_exists(nb_req_t *req, json_t *doc, json_t *stage)
{
    json_t *c = json_object_get(stage, "canarySettings");
    if (!c || json_object_get(json_object_get(doc, "deployments"), apigw__str(c, "deploymentId") ? apigw__str(c, "deploymentId") : ""))
        return 0;
    nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Deployment id does not exist");
    return -1;
}

int apigw__v1_canary_in_use(json_t *doc, const char *deployment)
{
    const char *k;
    json_t *st;
    json_object_foreach(json_object_get(doc, "stages"), k, st) {
        const char *d = apigw__str(json_object_get(st, "canarySettings"), "deploymentId");
        if (d && !strcmp(d, deployment)) return 1;
    }
    return 0;
}

json_t *apigw__v1_canary_patch(nb_req_t *req, json_t *stage)
{
    json_t *rest = json_array();
    size_t i;
    json_t *op;
    json_array_foreach(json_object_get(req->json, "patchOperations"), i, op) {
        const char *o = apigw__str(op, "op"), *p = apigw__str(op, "path"), *v = apigw__str(op, "value");
        if (o && p && !strcmp(o, "copy")) {
            if (promote(req, stage, p, apigw__str(op, "from")) != 0) goto fail;
            continue;
        }
        if (!p || strncmp(p, "/canarySettings", 15) != 0 || (p[15] && p[15] != '/')) {
            json_array_append(rest, op);
            continue;
        }
        const char *sub = p[15] ? p + 16 : "";
        if (!strcmp(o, "remove")) {
            if (!*sub) {
                json_object_del(stage, "canarySettings");
                continue;
            }
            nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Cannot remove method setting canarySettings/%s because there "
                           "is no method setting for this method ", sub);
            goto fail;
        }
        if (strcmp(o, "replace") != 0) {
            nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid %s operation with path: %s", o, p);
            goto fail;
        }
        int ov = !strncmp(sub, "stageVariableOverrides/", 23) && sub[23];
        if (!ov && strcmp(sub, "deploymentId") && strcmp(sub, "percentTraffic") && strcmp(sub, "useStageCache")) {   /* same list */
            nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid method setting path: %s. Must be one of: %s", p,
                           SETTING_PATHS);
            goto fail;
        }
        json_t *c = json_object_get(stage, "canarySettings");
        if (!c) {   /* the first setting makes the canary, on the stage's own deployment */
            json_t *none = json_object();
            c = apigw__v1_canary_new(none, apigw__str(stage, "deploymentId") ? apigw__str(stage, "deploymentId") : "");
            json_decref(none);
            json_object_set_new(stage, "canarySettings", c);
        }
        if (ov) {
            json_t *m = json_object_get(c, "stageVariableOverrides");
            if (!m) json_object_set_new(c, "stageVariableOverrides", m = json_object());
            json_object_set_new(m, sub + 23, json_string(v ? v : ""));
        } else if (!strcmp(sub, "deploymentId")) {
            json_object_set_new(c, "deploymentId", json_string(v ? v : ""));
        } else if (!strcmp(sub, "percentTraffic")) {
            char *end;
            double pct = v ? strtod(v, &end) : -1;
            if (!v || *end || pct < 0 || pct > 100) {
                nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Canary traffic percentage must be between 0.0 and 100.0");
                goto fail;
            }
            json_object_set_new(c, "percentTraffic", json_real(pct));
        } else {
            json_object_set_new(c, "useStageCache", json_boolean(v && !strcmp(v, "true")));
        }
    }
    return rest;
fail:
    json_decref(rest);
    return NULL;
}

/* "/a/b~1c" → segments (at most 4 kept; *n the count). */
static int split_path(const char *p, char seg[4][256])
{
    int n = 0;
    while (*p == '/') {
        char rest[256];   /* past the fourth: counted, not kept */
        p = apigw__ptr_segment(p + 1, n < 4 ? seg[n] : rest, sizeof rest);
        n++;
    }
    return n;
}

int apigw__v1_stage_paths_check(nb_req_t *req)
{
    static const char *const plain[] = {"/deploymentId", "/description", "/cacheClusterEnabled", "/cacheClusterSize",
                                        "/clientCertificateId", "/accessLogSettings", "/accessLogSettings/destinationArn",
                                        "/accessLogSettings/format", "/tracingEnabled", "/documentationVersion",
                                        "/webAclArn", NULL};
    static const char *const settings[] = {"metrics/enabled", "logging/dataTrace", "logging/loglevel",
                                           "throttling/burstLimit", "throttling/rateLimit", "caching/ttlInSeconds",
                                           "caching/enabled", "caching/dataEncrypted",
                                           "caching/requireAuthorizationForCacheControl",
                                           "caching/unauthorizedCacheControlHeaderStrategy", NULL};
    size_t i;
    json_t *op;
    json_array_foreach(json_object_get(req->json, "patchOperations"), i, op) {
        const char *o = apigw__str(op, "op"), *p = apigw__str(op, "path");
        if (!o || strcmp(o, "replace") != 0 || !p || !strncmp(p, "/canarySettings", 15)) continue;
        if (apigw__in_list(plain, p)) continue;
        char seg[4][256];
        int n = split_path(p, seg);
        int ok = n == 2 && !strcmp(seg[0], "variables") && seg[1][0];
        if (n == 4 && seg[0][0] && seg[1][0]) {
            char leaf[520];
            snprintf(leaf, sizeof leaf, "%s/%s", seg[2], seg[3]);
            ok = apigw__in_list(settings, leaf);
        }
        if (!ok) {
            nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid method setting path: %s. Must be one of: %s", p,
                           SETTING_PATHS);
            return -1;
        }
    }
    return 0;
}
