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

static const char *rest_id(nb_req_t *req)
{
    const char *p = nb_req_param(req, "restapi_id");
    return nb_arena_strdup(req->arena, p ? p : "");
}

/* The response type of the path, or NULL after BadRequestException (AWS's
 * enum validation message). */
static const char *type_of(nb_req_t *req)
{
    const char *t = nb_req_param(req, "response_type");
    if (apigw__gr_known(t)) return t;
    nb_buf_t set = NB_BUF_INIT;
    for (size_t i = 0; i < apigw__gr_count(); i++) nb_buf_printf(&set, "%s%s", i ? ", " : "", apigw__gr_type(i));
    nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "1 validation error detected: Value '%s' at 'responseType' failed to "
                   "satisfy constraint: Member must satisfy enum value set: [%s]", t ? t : "", set.data);
    nb_buf_free(&set);
    return NULL;
}

/* The wire shape of type in customizations map (new ref). */
static json_t *view(json_t *map, const char *type)
{
    json_t *c = json_object_get(map, type);
    if (!c) return apigw__gr_default(type);
    json_t *v = json_deep_copy(c);
    if (!json_object_get(v, "statusCode")) {   /* the type's own status still applies */
        json_t *d = apigw__gr_default(type);
        if (json_object_get(d, "statusCode")) json_object_set(v, "statusCode", json_object_get(d, "statusCode"));
        json_decref(d);
    }
    if (!json_object_get(v, "responseParameters")) json_object_set_new(v, "responseParameters", json_object());
    if (!json_object_get(v, "responseTemplates")) json_object_set_new(v, "responseTemplates", json_object());
    json_object_set_new(v, "defaultResponse", json_false());
    return v;
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
    const char *id = rest_id(req);
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
    json_t *doc = apigw__api_or_404(req, rest_id(req), "v1");
    const char *type = doc ? type_of(req) : NULL;
    if (type) nb_reply_json(req, 200, view(json_object_get(doc, "gatewayResponses"), type));
}

void apigw__op_v1_get_gateway_responses(nb_req_t *req)
{
    json_t *doc = apigw__api_or_404(req, rest_id(req), "v1");
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
    const char *id = rest_id(req);
    json_t *doc = apigw__api_or_404(req, id, "v1");
    if (!doc) return;
    const char *type = type_of(req);
    if (!type) return;
    json_t *map = customizations(doc);
    json_t *gr = json_object_get(map, type) ? json_deep_copy(json_object_get(map, type)) : apigw__gr_default(type);
    json_object_del(gr, "defaultResponse");
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
    const char *id = rest_id(req);
    json_t *doc = apigw__api_or_404(req, id, "v1");
    if (!doc) return;
    const char *type = type_of(req);
    if (!type) return;
    json_t *map = json_object_get(doc, "gatewayResponses");
    if (!json_object_get(map, type)) {
        nb_reply_error(req, APIGW_ERR_NOT_FOUND, "Invalid Gateway Response type specified");
        return;
    }
    json_object_del(map, type);
    apigw__save_reply(req, 'a', id, doc, 202, NULL);
}
