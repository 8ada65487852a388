/* cp_v1.c — the REST API (apigateway 2015-07-09) control plane: REST APIs,
 * import/put from OpenAPI, resources, methods, integrations, method and
 * integration responses. Methods live in resource.resourceMethods[METHOD],
 * integrations in method.methodIntegration; the stored objects are the wire
 * shapes the model defines (timestamps as epoch seconds). */
#include "apigw/apigw_int.h"
#include <stdio.h>
#include <string.h>

const char *apigw__v1_root_id(json_t *doc)
{
    const char *k;
    json_t *r;
    json_object_foreach(json_object_get(doc, "resources"), k, r)
        if (!json_object_get(r, "parentId")) return k;
    return NULL;
}

json_t *apigw__v1_add_resource(json_t *doc, json_t *parent, const char *part)
{
    char id[16];
    apigw__new_id(id, 10);
    json_t *r = json_pack("{s:s}", "id", id);
    if (parent) {
        const char *pp = apigw__str(parent, "path");
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", strcmp(pp, "/") == 0 ? "" : pp, part);
        json_object_set_new(r, "parentId", json_string(apigw__str(parent, "id")));
        json_object_set_new(r, "pathPart", json_string(part));
        json_object_set_new(r, "path", json_string(path));
    } else {
        json_object_set_new(r, "path", json_string("/"));
    }
    json_object_set_new(json_object_get(doc, "resources"), id, r);
    return r;
}

static json_t *new_doc(json_t *body, const char *id)
{
    static const char *const allowed[] = {"name", "description", "version", "binaryMediaTypes",
        "minimumCompressionSize", "apiKeySource", "endpointConfiguration", "policy", "tags",
        "disableExecuteApiEndpoint"};
    json_t *api = json_object();
    for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++) {
        json_t *v = json_object_get(body, allowed[i]);
        if (v) json_object_set(api, allowed[i], v);
    }
    json_object_set_new(api, "id", json_string(id));
    json_object_set_new(api, "createdDate", apigw__epoch_now());
    if (!json_object_get(api, "apiKeySource")) json_object_set_new(api, "apiKeySource", json_string("HEADER"));
    if (!json_object_get(api, "endpointConfiguration"))
        json_object_set_new(api, "endpointConfiguration", json_pack("{s:[s],s:s}", "types", "EDGE", "ipAddressType", "ipv4"));
    if (!json_object_get(api, "disableExecuteApiEndpoint"))
        json_object_set_new(api, "disableExecuteApiEndpoint", json_false());
    if (!json_object_get(api, "tags")) json_object_set_new(api, "tags", json_object());
    json_t *doc = json_pack("{s:s,s:o,s:{},s:{},s:{},s:{},s:{},s:{}}", "kind", "v1", "api", api, "resources",
                            "deployments", "stages", "authorizers", "validators", "models");
    json_t *root = apigw__v1_add_resource(doc, NULL, NULL);
    json_object_set_new(api, "rootResourceId", json_string(apigw__str(root, "id")));
    return doc;
}

/* The import's warnings (new ref, or NULL), no longer in doc. */
static json_t *take_warnings(json_t *doc)
{
    json_t *w = json_incref(json_object_get(doc, "_warnings"));
    json_object_del(doc, "_warnings");
    return w;
}

/* A REST API as CreateRestApi and GetRestApis show it: no "tags" when it has none. */
static json_t *listed(json_t *api)
{
    json_t *out = apigw__public(api);
    if (json_object_size(json_object_get(out, "tags")) == 0) json_object_del(out, "tags");
    return out;
}

void apigw__op_v1_create_rest_api(nb_req_t *req)
{
    const char *name = apigw__str(req->json, "name");
    if (!name || !*name) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid REST API name specified");
        return;
    }
    char id[16];
    apigw__new_id(id, 10);
    json_t *doc = new_doc(req->json, id);
    if (apigw__v1_rest_api_input(req, json_object_get(doc, "api")) != 0) {
        json_decref(doc);
        return;
    }
    apigw__v1_default_models(doc);
    json_object_set_new(apigw__svc.apis, id, doc);
    apigw__save_reply(req, 'a', id, doc, 201, listed(json_object_get(doc, "api")));
}

void apigw__op_v1_get_rest_api(nb_req_t *req)
{
    json_t *doc = apigw__api_or_404(req, apigw__rest_id(req), "v1");
    if (doc) nb_reply_json(req, 200, apigw__public(json_object_get(doc, "api")));
}

void apigw__op_v1_get_rest_apis(nb_req_t *req)
{
    json_t *items = json_array();
    const char *k;
    json_t *doc;
    json_object_foreach(apigw__svc.apis, k, doc)
        if (strcmp(apigw__str(doc, "kind"), "v1") == 0) json_array_append_new(items, listed(json_object_get(doc, "api")));
    nb_reply_json(req, 200, json_pack("{s:o}", "item", items));
}

void apigw__op_v1_delete_rest_api(nb_req_t *req)
{
    const char *id = apigw__rest_id(req);
    if (!apigw__api_or_404(req, id, "v1")) return;
    json_object_del(apigw__svc.apis, id);
    apigw__save_reply(req, 'a', id, NULL, 202, NULL);
}

/* Checks of a patched copy against its document before it replaces the
 * original: 0, or -1 after replying. */
typedef int (*after_fn)(nb_req_t *req, json_t *doc, json_t *before, json_t *copy);

/* Apply ops (NULL: req's patchOperations) to obj of doc, check the result with
 * after (when set) and reply status with it; bool_params: obj's
 * responseParameters map to booleans (a method response). */
static void patch_reply_ops(nb_req_t *req, const char *id, json_t *doc, json_t *obj, int status, int bool_params,
                            json_t *ops, after_fn after)
{
    json_t *copy = json_deep_copy(obj);
    const char *msg;
    if (apigw__patch(copy, ops ? ops : json_object_get(req->json, "patchOperations"), &msg) != 0) {
        json_decref(copy);
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "%s", msg);
        return;
    }
    if (after && after(req, doc, obj, copy) != 0) {
        json_decref(copy);
        return;
    }
    if (bool_params) {
        /* a method response's responseParameters/responseModels: header → required (boolean) */
        const char *k;
        json_t *v;
        json_object_foreach(json_object_get(copy, "responseParameters"), k, v)
            if (json_is_string(v)) json_object_set_new(json_object_get(copy, "responseParameters"), k,
                                                       json_boolean(strcmp(json_string_value(v), "true") == 0));
    }
    json_object_update(obj, copy);
    const char *k;
    json_t *v;
    void *tmp;
    json_object_foreach_safe(obj, tmp, k, v)
        if (!json_object_get(copy, k)) json_object_del(obj, k);
    json_decref(copy);
    apigw__v1_repath(doc);
    apigw__save_reply(req, 'a', id, doc, status, apigw__public(obj));
}

static void patch_reply_at(nb_req_t *req, const char *id, json_t *doc, json_t *obj, int status, int bool_params)
{
    patch_reply_ops(req, id, doc, obj, status, bool_params, NULL, NULL);
}

static void patch_reply(nb_req_t *req, const char *id, json_t *doc, json_t *obj)
{
    patch_reply_at(req, id, doc, obj, 200, 0);
}

/* A method or integration response: its statusCode is its key, not patchable
 * (1; else 0 after replying). */
static int no_status_path(nb_req_t *req)
{
    size_t i;
    json_t *op;
    json_array_foreach(json_object_get(req->json, "patchOperations"), i, op) {
        const char *path = json_string_value(json_object_get(op, "path"));
        if (path && strcmp(path, "/statusCode") == 0) {
            nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid patch path /statusCode");
            return 0;
        }
    }
    return 1;
}

static void patch_reply_status(nb_req_t *req, json_t *doc, json_t *resp, int status, int bool_params)
{
    if (no_status_path(req)) patch_reply_at(req, apigw__rest_id(req), doc, resp, status, bool_params);
}

static int rest_api_after(nb_req_t *req, json_t *doc, json_t *before, json_t *copy)
{
    (void)doc;
    return apigw__v1_rest_api_after(req, before, copy);
}

void apigw__op_v1_update_rest_api(nb_req_t *req)
{
    if (apigw__v1_patch_enum_check(req, NULL) != 0) return;
    const char *id = apigw__rest_id(req);
    json_t *doc = apigw__api_or_404(req, id, "v1");
    if (!doc) return;
    json_t *ops = apigw__v1_rest_api_ops(req);
    if (!ops) return;
    patch_reply_ops(req, id, doc, json_object_get(doc, "api"), 200, 0, ops, rest_api_after);
    json_decref(ops);
}

static json_t *import_text(nb_req_t *req, json_t *doc)
{
    const char *msg = NULL;
    if (req->body_len == 0) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid OpenAPI input.");
        return NULL;
    }
    const char *bp = nb_req_qparam(req, "basepath");
    if (bp && strcmp(bp, "ignore") && strcmp(bp, "prepend") && strcmp(bp, "split")) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid basepath specified: %s. Valid options are ignore, "
                       "prepend, split", bp);
        return NULL;
    }
    if (apigw__openapi_v1_at(req->arena, doc, req->body, req->body_len, bp, &msg) != 0) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "%s", msg);
        return NULL;
    }
    return doc;
}

void apigw__op_v1_import_rest_api(nb_req_t *req)
{
    char id[16];
    apigw__new_id(id, 10);
    json_t *empty = json_object();
    json_t *doc = new_doc(empty, id);
    json_decref(empty);
    json_object_set_new(json_object_get(doc, "api"), "name", json_string("imported"));
    if (!import_text(req, doc)) {
        json_decref(doc);
        return;
    }
    json_t *warnings = take_warnings(doc);
    json_object_set_new(apigw__svc.apis, id, doc);
    json_t *out = listed(json_object_get(doc, "api"));
    if (warnings) json_object_set_new(out, "warnings", warnings);
    apigw__save_reply(req, 'a', id, doc, 201, out);
}

void apigw__op_v1_put_rest_api(nb_req_t *req)
{
    const char *id = apigw__rest_id(req);
    json_t *old = apigw__api_or_404(req, id, "v1");
    if (!old) return;
    const char *mode = nb_req_qparam(req, "mode");
    json_t *doc = json_deep_copy(old);
    if (!mode || strcmp(mode, "merge") != 0) {   /* overwrite: drop every resource but the root */
        json_t *res = json_object_get(doc, "resources");
        const char *root = apigw__v1_root_id(doc);
        json_t *r = json_deep_copy(json_object_get(res, root));
        json_object_del(r, "resourceMethods");
        json_object_clear(res);
        json_object_set_new(res, apigw__str(r, "id"), r);
        json_object_del(doc, "gatewayResponses");
        json_object_del(json_object_get(doc, "api"), "binaryMediaTypes");
    }
    json_t *had = json_deep_copy(json_object_get(json_object_get(doc, "api"), "binaryMediaTypes"));
    if (!import_text(req, doc)) {
        json_decref(had);
        json_decref(doc);
        return;
    }
    json_t *now = json_object_get(json_object_get(doc, "api"), "binaryMediaTypes");
    if (json_is_array(had) && json_is_array(now)) {   /* merge: the API's types, then the definition's */
        apigw__json_union(had, now);
        json_object_set(json_object_get(doc, "api"), "binaryMediaTypes", had);
    } else if (json_is_array(had) && !now) {
        json_object_set(json_object_get(doc, "api"), "binaryMediaTypes", had);
    }
    json_decref(had);
    json_t *warnings = take_warnings(doc);
    json_object_set_new(apigw__svc.apis, id, doc);
    json_t *out = apigw__public(json_object_get(doc, "api"));
    if (warnings) json_object_set_new(out, "warnings", warnings);
    apigw__save_reply(req, 'a', id, doc, 200, out);
}

/* --- resources ------------------------------------------------------------ */

void apigw__op_v1_get_resources(nb_req_t *req)
{
    json_t *doc = apigw__api_or_404(req, apigw__rest_id(req), "v1");
    if (!doc) return;
    json_t *out = apigw__list(json_object_get(doc, "resources"), "item");
    const char *embed = nb_req_qparam(req, "embed");
    size_t i;
    json_t *r;
    if (!embed || !strstr(embed, "methods")) {   /* without embed=methods AWS names each method: {"GET": {}} */
        json_array_foreach(json_object_get(out, "item"), i, r) {
            json_t *names = json_object();
            const char *hm;
            json_t *m;
            json_object_foreach(json_object_get(r, "resourceMethods"), hm, m) json_object_set_new(names, hm, json_object());
            if (json_object_size(names)) json_object_set_new(r, "resourceMethods", names);
            else json_decref(names);
        }
    }
    nb_reply_json(req, 200, out);
}

void apigw__op_v1_get_resource(nb_req_t *req)
{
    json_t *doc = apigw__api_or_404(req, apigw__rest_id(req), "v1");
    if (!doc) return;
    json_t *r = apigw__child_or_404(req, doc, "resources", nb_req_param(req, "resource_id"), "Resource");
    if (r) nb_reply_json(req, 200, apigw__public(r));
}

void apigw__op_v1_create_resource(nb_req_t *req)
{
    const char *id = apigw__rest_id(req);
    json_t *doc = apigw__api_or_404(req, id, "v1");
    if (!doc) return;
    json_t *parent = apigw__child_or_404(req, doc, "resources", nb_req_param(req, "parent_id"), "Resource");
    if (!parent) return;
    const char *part = apigw__str(req->json, "pathPart");
    if (!part || !*part || strchr(part, '/')) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Resource's path part must be specified");
        return;
    }
    if (apigw__v1_resource_part_check(req, doc, parent, part, NULL) != 0) return;
    json_t *r = apigw__v1_add_resource(doc, parent, part);
    apigw__save_reply(req, 'a', id, doc, 201, apigw__public(r));
}

static void delete_subtree(json_t *res, const char *rid)
{
    json_t *kids = json_array();
    const char *k;
    json_t *r;
    json_object_foreach(res, k, r) {
        const char *p = apigw__str(r, "parentId");
        if (p && strcmp(p, rid) == 0) json_array_append_new(kids, json_string(k));
    }
    size_t i;
    json_t *kid;
    json_array_foreach(kids, i, kid) {
        delete_subtree(res, json_string_value(kid));
        json_object_del(res, json_string_value(kid));
    }
    json_decref(kids);
}

void apigw__op_v1_delete_resource(nb_req_t *req)
{
    const char *id = apigw__rest_id(req);
    json_t *doc = apigw__api_or_404(req, id, "v1");
    if (!doc) return;
    const char *rid = nb_req_param(req, "resource_id");
    json_t *r = apigw__child_or_404(req, doc, "resources", rid, "Resource");
    if (!r) return;
    if (!json_object_get(r, "parentId")) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Cannot delete root resource");
        return;
    }
    json_t *res = json_object_get(doc, "resources");
    delete_subtree(res, rid);
    json_object_del(res, rid);
    apigw__save_reply(req, 'a', id, doc, 202, NULL);
}

static int resource_after(nb_req_t *req, json_t *doc, json_t *before, json_t *copy)
{
    (void)before;
    return apigw__v1_resource_move_check(req, doc, copy);
}

void apigw__op_v1_update_resource(nb_req_t *req)
{
    if (apigw__v1_patch_enum_check(req, NULL) != 0) return;
    const char *id = apigw__rest_id(req);
    json_t *doc = apigw__api_or_404(req, id, "v1");
    if (!doc) return;
    json_t *r = apigw__child_or_404(req, doc, "resources", nb_req_param(req, "resource_id"), "Resource");
    if (r && apigw__v1_resource_patch_check(req, r) == 0)
        patch_reply_ops(req, id, doc, r, 200, 0, NULL, resource_after);
}

/* --- methods, integrations, responses ------------------------------------- */

/* The resource's method (borrowed) or NULL after a NotFound reply; *doc_out set. */
static json_t *method_of(nb_req_t *req, json_t **doc_out, json_t **res_out, int create)
{
    json_t *doc = json_object_get(apigw__svc.apis, apigw__rest_id(req));
    if (!doc || strcmp(apigw__str(doc, "kind"), "v1") != 0) {   /* AWS names the resource, not the API */
        nb_reply_error(req, APIGW_ERR_NOT_FOUND, "Invalid Resource identifier specified");
        return NULL;
    }
    json_t *r = apigw__child_or_404(req, doc, "resources", nb_req_param(req, "resource_id"), "Resource");
    if (!r) return NULL;
    *doc_out = doc;
    if (res_out) *res_out = r;
    if (create) return r;
    json_t *m = json_object_get(json_object_get(r, "resourceMethods"), nb_req_param(req, "http_method"));
    if (!m) nb_reply_error(req, APIGW_ERR_NOT_FOUND, "Invalid Method identifier specified");
    return m;
}

static int valid_method(const char *m)
{
    static const char *const ok[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (strcmp(ok[i], m) == 0) return 1;
    return 0;
}

void apigw__op_v1_put_method(nb_req_t *req)
{
    json_t *doc, *r;
    if (!method_of(req, &doc, &r, 1)) return;
    const char *hm = nb_req_param(req, "http_method");
    const char *at = apigw__str(req->json, "authorizationType");
    if (!valid_method(hm)) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid HttpMethod specified. Valid options are GET,PUT,POST,DELETE,PATCH,OPTIONS,HEAD,ANY");
        return;
    }
    if (!at || (strcmp(at, "NONE") && strcmp(at, "CUSTOM") && strcmp(at, "AWS_IAM") && strcmp(at, "COGNITO_USER_POOLS"))) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid authorization type specified");
        return;
    }
    json_t *m = json_deep_copy(req->json);
    json_object_del(m, "restapi_id");
    if (apigw__v1_method_input(req, doc, m) != 0) {
        json_decref(m);
        return;
    }
    json_object_set_new(m, "httpMethod", json_string(hm));
    if (!json_object_get(m, "apiKeyRequired")) json_object_set_new(m, "apiKeyRequired", json_false());
    json_t *rm = json_object_get(r, "resourceMethods");
    if (!rm) json_object_set_new(r, "resourceMethods", rm = json_object());
    json_object_set_new(rm, hm, m);
    apigw__save_reply(req, 'a', apigw__rest_id(req), doc, 201, apigw__public(m));
}

void apigw__op_v1_get_method(nb_req_t *req)
{
    json_t *doc;
    json_t *m = method_of(req, &doc, NULL, 0);
    if (m) nb_reply_json(req, 200, apigw__public(m));
}

void apigw__op_v1_delete_method(nb_req_t *req)
{
    json_t *doc, *r;
    if (!method_of(req, &doc, &r, 0)) return;
    json_object_del(json_object_get(r, "resourceMethods"), nb_req_param(req, "http_method"));
    apigw__save_reply(req, 'a', apigw__rest_id(req), doc, 204, NULL);
}

static int method_after(nb_req_t *req, json_t *doc, json_t *before, json_t *copy)
{
    (void)before;
    return apigw__v1_method_after(req, doc, copy);
}

void apigw__op_v1_update_method(nb_req_t *req)
{
    if (apigw__v1_patch_enum_check(req, NULL) != 0) return;
    json_t *doc;
    json_t *m = method_of(req, &doc, NULL, 0);
    if (m && apigw__v1_method_patch_check(req) == 0)
        patch_reply_ops(req, apigw__rest_id(req), doc, m, 200, 0, NULL, method_after);
}

void apigw__op_v1_put_integration(nb_req_t *req)
{
    const char *type = apigw__str(req->json, "type");
    if (type && strcmp(type, "AWS_PROXY") && strcmp(type, "AWS") && strcmp(type, "HTTP_PROXY") &&
        strcmp(type, "HTTP") && strcmp(type, "MOCK")) {
        nb_reply_error(req, NB_ERR_VALIDATION, "1 validation error detected: Value '%s' at 'putIntegrationInput.type' "
                       "failed to satisfy constraint: Member must satisfy enum value set: [HTTP, MOCK, AWS_PROXY, "
                       "HTTP_PROXY, AWS]", type);
        return;
    }
    if (apigw__v1_string_map_check(req, json_object_get(req->json, "requestParameters")) != 0 ||
        apigw__v1_string_map_check(req, json_object_get(req->json, "requestTemplates")) != 0)
        return;
    json_t *doc;
    json_t *m = method_of(req, &doc, NULL, 0);
    if (!m) return;
    if (!type) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid integration type specified");
        return;
    }
    if (strcmp(type, "MOCK") != 0) {
        if (!apigw__str(req->json, "httpMethod")) {
            nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Enumeration value for HttpMethod must be non-empty");
            return;
        }
        if (!apigw__str(req->json, "uri")) {
            nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid integration URI specified");
            return;
        }
    }
    if (strcmp(type, "AWS_PROXY") == 0 && !apigw__lambda_target(req->arena, apigw__str(req->json, "uri"))) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Integrations of type 'AWS_PROXY' currently only supports "
                       "Lambda function and Firehose stream invocations.");
        return;
    }
    if (apigw__v1_aws_uri_check(req, type, apigw__str(req->json, "uri"), apigw__str(req->json, "credentials")) != 0) return;
    json_t *integ = json_deep_copy(req->json);
    json_object_del(integ, "restapi_id");
    if (!json_object_get(integ, "passthroughBehavior"))
        json_object_set_new(integ, "passthroughBehavior", json_string("WHEN_NO_MATCH"));
    if (!json_object_get(integ, "timeoutInMillis")) json_object_set_new(integ, "timeoutInMillis", json_integer(29000));
    if (!json_object_get(integ, "connectionType") && strcmp(type, "MOCK") != 0)   /* a MOCK shows none */
        json_object_set_new(integ, "connectionType", json_string("INTERNET"));
    json_object_set_new(integ, "cacheNamespace", json_string(nb_req_param(req, "resource_id")));
    if (!json_object_get(integ, "cacheKeyParameters")) json_object_set_new(integ, "cacheKeyParameters", json_array());
    json_object_set_new(m, "methodIntegration", integ);
    apigw__save_reply(req, 'a', apigw__rest_id(req), doc, 201, apigw__public(integ));
}

static json_t *integration_of(nb_req_t *req, json_t **doc)
{
    json_t *m = method_of(req, doc, NULL, 0);
    if (!m) return NULL;
    json_t *i = json_object_get(m, "methodIntegration");
    if (!i) nb_reply_error(req, APIGW_ERR_NOT_FOUND, "Invalid Integration identifier specified");
    return i;
}

void apigw__op_v1_get_integration(nb_req_t *req)
{
    json_t *doc;
    json_t *i = integration_of(req, &doc);
    if (i) nb_reply_json(req, 200, apigw__public(i));
}

void apigw__op_v1_delete_integration(nb_req_t *req)
{
    json_t *doc;
    json_t *m = method_of(req, &doc, NULL, 0);
    if (!m) return;
    if (!json_object_get(m, "methodIntegration")) {
        nb_reply_error(req, APIGW_ERR_NOT_FOUND, "Invalid Integration identifier specified");
        return;
    }
    json_object_del(m, "methodIntegration");
    apigw__save_reply(req, 'a', apigw__rest_id(req), doc, 204, NULL);
}

void apigw__op_v1_update_integration(nb_req_t *req)
{
    json_t *doc;
    json_t *i = integration_of(req, &doc);
    if (i) patch_reply(req, apigw__rest_id(req), doc, i);
}

/* container member → map of status code → response (method or integration) */
static void put_response(nb_req_t *req, json_t *doc, json_t *owner, const char *member)
{
    const char *code = nb_req_param(req, "status_code");
    json_t *resp = json_deep_copy(req->json);
    json_object_del(resp, "restapi_id");
    if (!strcmp(member, "integrationResponses") && apigw__v1_templates_check(req, json_object_get(resp, "responseTemplates"))) {
        json_decref(resp);
        return;
    }
    json_t *map = json_object_get(owner, member);
    if (!map) json_object_set_new(owner, member, map = json_object());
    json_object_set_new(resp, "statusCode", json_string(code));
    json_object_set_new(map, code, resp);
    apigw__save_reply(req, 'a', apigw__rest_id(req), doc, 201, apigw__public(resp));
}

static json_t *response_of(nb_req_t *req, json_t *owner, const char *member)
{
    json_t *r = json_object_get(json_object_get(owner, member), nb_req_param(req, "status_code"));
    if (!r) nb_reply_error(req, APIGW_ERR_NOT_FOUND, "Invalid Response status code specified");
    return r;
}

void apigw__op_v1_put_method_response(nb_req_t *req)
{
    if (apigw__v1_status_check(req) != 0) return;
    json_t *doc;
    json_t *m = method_of(req, &doc, NULL, 0);
    if (m) put_response(req, doc, m, "methodResponses");
}

void apigw__op_v1_get_method_response(nb_req_t *req)
{
    if (apigw__v1_status_check(req) != 0) return;
    json_t *doc;
    json_t *m = method_of(req, &doc, NULL, 0);
    json_t *r = m ? response_of(req, m, "methodResponses") : NULL;
    if (r) nb_reply_json(req, 200, apigw__public(r));
}

void apigw__op_v1_delete_method_response(nb_req_t *req)
{
    json_t *doc;
    json_t *m = method_of(req, &doc, NULL, 0);
    if (!m || !response_of(req, m, "methodResponses")) return;
    json_object_del(json_object_get(m, "methodResponses"), nb_req_param(req, "status_code"));
    apigw__save_reply(req, 'a', apigw__rest_id(req), doc, 204, NULL);
}

static int method_response_after(nb_req_t *req, json_t *doc, json_t *before, json_t *copy)
{
    (void)doc, (void)before;
    apigw__v1_method_response_after(req, copy);
    return 0;
}

void apigw__op_v1_update_method_response(nb_req_t *req)
{
    if (apigw__v1_patch_enum_check(req, nb_req_param(req, "status_code")) != 0) return;
    json_t *doc;
    json_t *m = method_of(req, &doc, NULL, 0);
    json_t *r = m ? response_of(req, m, "methodResponses") : NULL;
    if (r && apigw__v1_method_response_patch_check(req, r) == 0 && no_status_path(req))
        patch_reply_ops(req, apigw__rest_id(req), doc, r, 201, 1, NULL, method_response_after);
}

void apigw__op_v1_put_integration_response(nb_req_t *req)
{
    if (apigw__v1_status_check(req) != 0) return;
    json_t *doc;
    json_t *i = integration_of(req, &doc);
    if (i) put_response(req, doc, i, "integrationResponses");
}

void apigw__op_v1_get_integration_response(nb_req_t *req)
{
    if (apigw__v1_status_check(req) != 0) return;
    json_t *doc;
    json_t *i = integration_of(req, &doc);
    json_t *r = i ? response_of(req, i, "integrationResponses") : NULL;
    if (r) nb_reply_json(req, 200, apigw__public(r));
}

void apigw__op_v1_update_integration_response(nb_req_t *req)
{
    if (apigw__v1_patch_enum_check(req, nb_req_param(req, "status_code")) != 0) return;
    json_t *doc;
    json_t *i = integration_of(req, &doc);
    json_t *r = i ? response_of(req, i, "integrationResponses") : NULL;
    if (r) patch_reply_status(req, doc, r, 200, 0);
}

void apigw__op_v1_delete_integration_response(nb_req_t *req)
{
    json_t *doc, *r;
    if (!method_of(req, &doc, &r, 1)) return;
    json_t *m = json_object_get(json_object_get(r, "resourceMethods"), nb_req_param(req, "http_method"));
    json_t *i = json_object_get(m, "methodIntegration");
    if (!i) {   /* no method or no integration: AWS names the integration */
        nb_reply_error(req, APIGW_ERR_NOT_FOUND, "Invalid Integration identifier specified");
        return;
    }
    if (!i || !response_of(req, i, "integrationResponses")) return;
    json_object_del(json_object_get(i, "integrationResponses"), nb_req_param(req, "status_code"));
    apigw__save_reply(req, 'a', apigw__rest_id(req), doc, 204, NULL);
}
