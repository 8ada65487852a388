/* cp_gw.c — REST API gateway responses (PutGatewayResponse, Get…, Update…,
 * Delete…): the customizations kept in the API document's
 * "gatewayResponses" (response type → GatewayResponse without
 * defaultResponse). An untouched type is AWS's default (gw_resp.c), shown with
 * "defaultResponse": true; updating one customizes it; deleting a
 * customization brings the default back. CreateDeployment copies the map into
 * the deployment, which is what the data plane reads. */
#include "apigw/apigw_int.h"
#include <stdlib.h>
#include <string.h>

/* The response type of the path, or NULL after ValidationException (AWS's
 * enum validation message, its order). */
static const char *type_of(nb_req_t *req)
{
    const char *t = nb_req_param(req, "response_type");
    if (apigw__gr_known(t)) return t;
    nb_reply_error(req, NB_ERR_VALIDATION, "1 validation error detected: Value '%s' at 'responseType' failed to "
                   "satisfy constraint: Member must satisfy enum value set: [REQUEST_TOO_LARGE, RESOURCE_NOT_FOUND, "
                   "AUTHORIZER_CONFIGURATION_ERROR, MISSING_AUTHENTICATION_TOKEN, BAD_REQUEST_BODY, INVALID_SIGNATURE, "
                   "INVALID_API_KEY, BAD_REQUEST_PARAMETERS, AUTHORIZER_FAILURE, UNAUTHORIZED, INTEGRATION_TIMEOUT, "
                   "ACCESS_DENIED, DEFAULT_4XX, DEFAULT_5XX, WAF_FILTERED, QUOTA_EXCEEDED, THROTTLED, "
                   "API_CONFIGURATION_ERROR, UNSUPPORTED_MEDIA_TYPE, INTEGRATION_FAILURE, EXPIRED_TOKEN]", t ? t : "");
    return NULL;
}

/* The wire shape of type in customizations map (new ref): a customization over
 * the type's default (its status, the default template when it sets none); an
 * untouched type shows its class's customized DEFAULT_4XX / DEFAULT_5XX (still
 * "defaultResponse": true), as AWS lists them and as the data plane answers. */
static json_t *view(json_t *map, const char *type)
{
    json_t *d = apigw__gr_default(type);
    json_t *c = json_object_get(map, type);
    int inherited = 0;
    if (!c) {
        const char *ds = json_string_value(json_object_get(d, "statusCode"));
        c = ds ? json_object_get(map, ds[0] == '5' ? "DEFAULT_5XX" : "DEFAULT_4XX") : NULL;
        if (!c) return d;
        inherited = 1;
    }
    json_t *v = json_deep_copy(c);
    json_object_set_new(v, "responseType", json_string(type));
    if (!json_object_get(v, "statusCode") && json_object_get(d, "statusCode"))   /* the type's own status still applies */
        json_object_set(v, "statusCode", json_object_get(d, "statusCode"));
    if (!json_object_get(v, "responseParameters")) json_object_set_new(v, "responseParameters", json_object());
    if (!json_object_get(v, "responseTemplates"))
        json_object_set_new(v, "responseTemplates", json_object_get(d, "responseTemplates")
                                                        ? json_incref(json_object_get(d, "responseTemplates"))
                                                        : json_object());
    json_object_set_new(v, "defaultResponse", json_boolean(inherited));
    json_decref(d);
    return v;
}

/* UpdateGatewayResponse's paths as AWS checks them against gr (the current
 * shape): 0, or -1 after replying. */
static int update_paths_ok(nb_req_t *req, json_t *gr)
{
    size_t i;
    json_t *op;
    json_array_foreach(json_object_get(req->json, "patchOperations"), i, op) {
        const char *o = json_string_value(json_object_get(op, "op")), *p = json_string_value(json_object_get(op, "path"));
        int params = p && !strncmp(p, "/responseParameters/", 20), tmpl = p && !strncmp(p, "/responseTemplates/", 19);
        if (!p || (!params && !tmpl && strcmp(p, "/statusCode")) || (!strcmp(p, "/statusCode") && strcmp(o, "replace"))) {
            nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid patch path %s", p ? p : "null");
            return -1;
        }
        if (!strcmp(o, "replace") && (params || tmpl) && !json_string_value(json_object_get(op, "value"))) {
            nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid null or empty value in %s",
                           params ? "responseParameters" : "responseTemplates");
            return -1;
        }
        if (params && strcmp(o, "add") && !json_object_get(json_object_get(gr, "responseParameters"), p + 20)) {
            nb_reply_error(req, APIGW_ERR_NOT_FOUND, "Invalid parameter name specified");
            return -1;
        }
    }
    return 0;
}

int apigw__gr_check(json_t *gr, const char **msg)
{
    json_t *sc = json_object_get(gr, "statusCode");
    if (sc) {
        const char *s = json_string_value(sc);
        if (!s || strlen(s) != 3 || s[0] < '1' || s[0] > '5' || strspn(s, "0123456789") != 3) {
            *msg = "Invalid status code specified";
            return -1;
        }
    }
    json_t *rp = json_object_get(gr, "responseParameters");
    const char *k;
    json_t *v;
    if (rp && !json_is_object(rp)) {
        *msg = "Invalid response parameters specified";
        return -1;
    }
    json_object_foreach(rp, k, v) {
        const char *e = json_string_value(v);
        int key_ok = strncmp(k, "gatewayresponse.header.", 23) == 0 && k[23];
        size_t n = e ? strlen(e) : 0;
        int val_ok = e && ((n >= 2 && e[0] == '\'' && e[n - 1] == '\'') ||
                           !strncmp(e, "method.request.header.", 22) || !strncmp(e, "method.request.querystring.", 27) ||
                           !strncmp(e, "method.request.path.", 20) || !strncmp(e, "stageVariables.", 15) ||
                           !strncmp(e, "context.", 8));
        if (e && strpbrk(e, "\r\n")) val_ok = 0;   /* a header value is one line */
        if (!key_ok || !val_ok) {
            *msg = key_ok ? "Invalid mapping expression specified for the response parameter value"
                          : "Invalid mapping expression specified for the response parameter key";
            return -1;
        }
    }
    json_t *rt = json_object_get(gr, "responseTemplates");
    if (rt && !json_is_object(rt)) {
        *msg = "Invalid response templates specified";
        return -1;
    }
    json_object_foreach(rt, k, v) {
        if (!json_is_string(v)) {
            *msg = "Invalid response templates specified";
            return -1;
        }
    }
    return 0;
}

static json_t *customizations(json_t *doc)
{
    json_t *m = json_object_get(doc, "gatewayResponses");
    if (!m) json_object_set_new(doc, "gatewayResponses", m = json_object());
    return m;
}

void apigw__op_v1_put_gateway_response(nb_req_t *req)
{
    const char *id = apigw__rest_id(req);
    json_t *doc = apigw__api_or_404(req, id, "v1");
    if (!doc) return;
    const char *type = type_of(req);
    if (!type) return;
    json_t *gr = json_object();
    json_object_set_new(gr, "responseType", json_string(type));
    static const char *const members[] = {"statusCode", "responseParameters", "responseTemplates"};
    for (size_t i = 0; i < 3; i++)
        if (json_object_get(req->json, members[i])) json_object_set(gr, members[i], json_object_get(req->json, members[i]));
    const char *msg;
    if (apigw__gr_check(gr, &msg) != 0) {
        json_decref(gr);
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "%s", msg);
        return;
    }
    json_t *map = customizations(doc);
    json_object_set_new(map, type, gr);
    apigw__save_reply(req, 'a', id, doc, 201, view(map, type));
}

void apigw__op_v1_get_gateway_response(nb_req_t *req)
{
    json_t *doc = apigw__api_or_404(req, apigw__rest_id(req), "v1");
    const char *type = doc ? type_of(req) : NULL;
    if (type) nb_reply_json(req, 200, view(json_object_get(doc, "gatewayResponses"), type));
}

void apigw__op_v1_get_gateway_responses(nb_req_t *req)
{
    json_t *doc = apigw__api_or_404(req, apigw__rest_id(req), "v1");
    if (!doc) return;
    const char *lim = nb_req_qparam(req, "limit");
    long limit = lim ? strtol(lim, NULL, 10) : 500;
    if (limit <= 0 || limit > 500) limit = 500;
    const char *pos = nb_req_qparam(req, "position");
    size_t start = pos ? (size_t)strtoul(pos, NULL, 10) : 0;
    json_t *items = json_array();
    size_t i;
    for (i = start; i < apigw__gr_count() && json_array_size(items) < (size_t)limit; i++)
        json_array_append_new(items, view(json_object_get(doc, "gatewayResponses"), apigw__gr_type(i)));
    json_t *out = json_pack("{s:o}", "item", items);
    if (i < apigw__gr_count()) json_object_set_new(out, "position", json_string(nb_arena_printf(req->arena, "%zu", i)));
    nb_reply_json(req, 200, out);
}

void apigw__op_v1_update_gateway_response(nb_req_t *req)
{
    if (apigw__v1_patch_enum_check(req, NULL) != 0) return;
    const char *id = apigw__rest_id(req);
    json_t *doc = apigw__api_or_404(req, id, "v1");
    if (!doc) return;
    const char *type = type_of(req);
    if (!type) return;
    json_t *map = customizations(doc);
    json_t *gr = json_object_get(map, type) ? json_deep_copy(json_object_get(map, type)) : apigw__gr_default(type);
    json_object_del(gr, "defaultResponse");
    if (update_paths_ok(req, gr) != 0) {
        json_decref(gr);
        return;
    }
    const char *msg;
    if (apigw__patch(gr, json_object_get(req->json, "patchOperations"), &msg) != 0 || apigw__gr_check(gr, &msg) != 0) {
        json_decref(gr);
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "%s", msg);
        return;
    }
    json_object_set_new(gr, "responseType", json_string(type));
    json_object_set_new(map, type, gr);
    apigw__save_reply(req, 'a', id, doc, 200, view(map, type));
}

void apigw__op_v1_delete_gateway_response(nb_req_t *req)
{
    const char *id = apigw__rest_id(req);
    json_t *doc = apigw__api_or_404(req, id, "v1");
    if (!doc) return;
    const char *type = type_of(req);
    if (!type) return;
    json_t *map = json_object_get(doc, "gatewayResponses");
    if (!json_object_get(map, type)) {
        nb_reply_error(req, APIGW_ERR_NOT_FOUND, "Gateway response type not defined on api");
        return;
    }
    json_object_del(map, type);
    apigw__save_reply(req, 'a', id, doc, 202, NULL);
}
