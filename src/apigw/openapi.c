/* openapi.c — importing OpenAPI 3 (HTTP and REST APIs) and Swagger 2 (REST
 * APIs) definitions with API Gateway's extensions:
 *   x-amazon-apigateway-integration (type, uri, httpMethod, payloadFormatVersion,
 *     timeoutInMillis, requestTemplates, passthroughBehavior, responses),
 *   x-amazon-apigateway-any-method, x-amazon-apigateway-cors,
 *   x-amazon-apigateway-authorizer in security schemes (jwt, token, request),
 *   x-amazon-apigateway-request-validators / -request-validator,
 *   x-amazon-apigateway-binary-media-types, x-amazon-apigateway-api-key-source,
 *   x-amazon-apigateway-gateway-responses (REST APIs).
 * This file only turns the document into the stored shapes of a v2 or v1
 * document; the control plane stores and answers. */
#include "apigw/apigw_int.h"
#include "apigw/yaml.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const methods[] = {"get", "post", "put", "delete", "patch", "head", "options",
                                      "x-amazon-apigateway-any-method"};

static const char *upper_method(nb_arena_t *a, const char *m)
{
    if (strcmp(m, "x-amazon-apigateway-any-method") == 0) return "ANY";
    char *u = nb_arena_strdup(a, m);
    for (char *p = u; *p; p++) *p = (char)toupper((unsigned char)*p);
    return u;
}

static const char *upper_type(nb_arena_t *a, const char *t)
{
    return t ? upper_method(a, t) : NULL;
}

json_t *apigw__openapi_load(nb_arena_t *a, const char *text, size_t len, const char **msg)
{
    json_error_t e;
    json_t *d = json_loadb(text, len, 0, &e);
    if (!d) {   /* not JSON: YAML then */
        char yerr[160];
        d = apigw__yaml_load(text, len, yerr, sizeof yerr);
        if (!d) {
            *msg = nb_arena_printf(a, "Invalid OpenAPI input: neither JSON (%s at line %d) nor YAML (%s)", e.text,
                                   e.line, yerr);
            return NULL;
        }
    }
    if (!json_is_object(d)) {
        json_decref(d);
        *msg = "Invalid OpenAPI input: the definition must be an object";
        return NULL;
    }
    if (!apigw__str(d, "openapi") && !apigw__str(d, "swagger")) {
        json_decref(d);
        *msg = "Invalid OpenAPI input: the document has neither an openapi nor a swagger version";
        return NULL;
    }
    if (!json_is_object(json_object_get(d, "paths"))) {
        json_decref(d);
        *msg = "Invalid OpenAPI input: paths must be an object";
        return NULL;
    }
    return d;
}

static json_t *security_schemes(json_t *d)
{
    json_t *s = json_object_get(json_object_get(d, "components"), "securitySchemes");
    return s ? s : json_object_get(d, "securityDefinitions");
}

/* The first security requirement's scheme name of op (or the document's), and its scopes. */
static const char *security_of(json_t *d, json_t *op, json_t **scopes)
{
    json_t *sec = json_object_get(op, "security");
    if (!sec) sec = json_object_get(d, "security");
    json_t *first = json_array_get(sec, 0);
    const char *k;
    json_t *v;
    json_object_foreach(first, k, v) {
        *scopes = v;
        return k;
    }
    return NULL;
}

/* --- HTTP APIs --------------------------------------------------------- */

static const char *v2_integration(nb_arena_t *a, json_t *doc, json_t *x)
{
    json_t *integ = json_object();
    const char *type = upper_type(a, apigw__str(x, "type"));
    json_object_set_new(integ, "integrationType", json_string(type ? type : "AWS_PROXY"));
    if (apigw__str(x, "uri")) json_object_set_new(integ, "integrationUri", json_string(apigw__str(x, "uri")));
    const char *hm = apigw__str(x, "httpMethod");
    json_object_set_new(integ, "integrationMethod", json_string(hm ? hm : "POST"));
    const char *pf = apigw__str(x, "payloadFormatVersion");
    json_object_set_new(integ, "payloadFormatVersion",
                        json_string(pf ? pf : (type && strcmp(type, "AWS_PROXY") == 0 ? "2.0" : "1.0")));
    json_t *to = json_object_get(x, "timeoutInMillis");
    json_object_set_new(integ, "timeoutInMillis", json_integer(json_is_integer(to) ? json_integer_value(to) : 30000));
    json_object_set_new(integ, "connectionType", json_string(apigw__str(x, "connectionType") ? apigw__str(x, "connectionType") : "INTERNET"));
    /* identical integrations are shared */
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(doc, "integrations"), k, v) {
        json_t *cmp = json_deep_copy(v);
        json_object_del(cmp, "integrationId");
        int same = json_equal(cmp, integ);
        json_decref(cmp);
        if (same) {
            json_decref(integ);
            return k;
        }
    }
    char id[8];
    apigw__new_id(id, 7);
    json_object_set_new(integ, "integrationId", json_string(id));
    json_object_set_new(json_object_get(doc, "integrations"), id, integ);
    return nb_arena_strdup(a, id);
}

static int v2_authorizers(nb_arena_t *a, json_t *d, json_t *doc, json_t *ids, const char **msg)
{
    const char *name;
    json_t *s;
    json_object_foreach(security_schemes(d), name, s) {
        json_t *x = json_object_get(s, "x-amazon-apigateway-authorizer");
        if (!x) continue;
        const char *t = apigw__str(x, "type");
        json_t *az = json_pack("{s:s}", "name", name);
        if (t && strcasecmp(t, "jwt") == 0) {
            json_t *jc = json_object_get(x, "jwtConfiguration");
            if (!apigw__str(jc, "issuer")) {
                json_decref(az);
                *msg = nb_arena_printf(a, "Invalid OpenAPI input: authorizer %s has no jwtConfiguration.issuer", name);
                return -1;
            }
            json_object_set_new(az, "authorizerType", json_string("JWT"));
            json_object_set(az, "jwtConfiguration", jc);
            json_t *src = json_object_get(x, "identitySource");
            json_object_set_new(az, "identitySource", json_is_string(src) ? json_pack("[O]", src)
                                : json_is_array(src) ? json_incref(src) : json_pack("[s]", "$request.header.Authorization"));
        } else {
            json_object_set_new(az, "authorizerType", json_string("REQUEST"));
            if (apigw__str(x, "authorizerUri")) json_object_set_new(az, "authorizerUri", json_string(apigw__str(x, "authorizerUri")));
            json_object_set_new(az, "authorizerPayloadFormatVersion",
                                json_string(apigw__str(x, "authorizerPayloadFormatVersion") ? apigw__str(x, "authorizerPayloadFormatVersion") : "2.0"));
            json_object_set_new(az, "enableSimpleResponses", json_boolean(json_is_true(json_object_get(x, "enableSimpleResponses"))));
            json_t *ttl = json_object_get(x, "authorizerResultTtlInSeconds");
            json_object_set_new(az, "authorizerResultTtlInSeconds", json_integer(json_is_integer(ttl) ? json_integer_value(ttl) : 0));
            json_t *src = json_object_get(x, "identitySource");
            json_object_set_new(az, "identitySource", json_is_string(src) ? json_pack("[O]", src)
                                : json_is_array(src) ? json_incref(src) : json_array());
        }
        char id[8];
        apigw__new_id(id, 7);
        json_object_set_new(az, "authorizerId", json_string(id));
        json_object_set_new(json_object_get(doc, "authorizers"), id, az);
        json_object_set_new(ids, name, json_string(id));
    }
    return 0;
}

int apigw__openapi_v2(nb_arena_t *a, json_t *doc, const char *text, size_t len, const char **msg)
{
    json_t *d = apigw__openapi_load(a, text, len, msg);
    if (!d) return -1;
    json_t *api = json_object_get(doc, "api");
    json_t *info = json_object_get(d, "info");
    if (apigw__str(info, "title")) json_object_set_new(api, "name", json_string(apigw__str(info, "title")));
    if (apigw__str(info, "version")) json_object_set_new(api, "version", json_string(apigw__str(info, "version")));
    if (apigw__str(info, "description")) json_object_set_new(api, "description", json_string(apigw__str(info, "description")));
    if (!json_object_get(api, "name")) json_object_set_new(api, "name", json_string("imported"));
    json_t *cors = json_object_get(d, "x-amazon-apigateway-cors");
    if (json_is_object(cors)) json_object_set(api, "corsConfiguration", cors);
    json_t *az_ids = json_object();
    if (v2_authorizers(a, d, doc, az_ids, msg) != 0) {
        json_decref(az_ids);
        json_decref(d);
        return -1;
    }
    const char *path;
    json_t *item;
    int rc = 0;
    json_object_foreach(json_object_get(d, "paths"), path, item) {
        for (size_t m = 0; m < sizeof methods / sizeof methods[0] && rc == 0; m++) {
            json_t *op = json_object_get(item, methods[m]);
            if (!op) continue;
            const char *rk = strcmp(path, "$default") == 0 || strcmp(path, "/$default") == 0
                                 ? "$default" : nb_arena_printf(a, "%s %s", upper_method(a, methods[m]), path);
            json_t *route = json_pack("{s:s,s:b,s:s}", "routeKey", rk, "apiKeyRequired", 0, "authorizationType", "NONE");
            json_t *x = json_object_get(op, "x-amazon-apigateway-integration");
            if (x) json_object_set_new(route, "target", json_string(nb_arena_printf(a, "integrations/%s", v2_integration(a, doc, x))));
            json_t *scopes = NULL;
            const char *sec = security_of(d, op, &scopes);
            const char *azid = sec ? apigw__str(az_ids, sec) : NULL;
            if (azid) {
                json_t *az = json_object_get(json_object_get(doc, "authorizers"), azid);
                json_object_set_new(route, "authorizationType",
                                    json_string(strcmp(apigw__str(az, "authorizerType"), "JWT") == 0 ? "JWT" : "CUSTOM"));
                json_object_set_new(route, "authorizerId", json_string(azid));
                if (json_array_size(scopes)) json_object_set(route, "authorizationScopes", scopes);
            }
            char id[8];
            apigw__new_id(id, 7);
            json_object_set_new(route, "routeId", json_string(id));
            json_object_set_new(json_object_get(doc, "routes"), id, route);
        }
    }
    json_decref(az_ids);
    json_decref(d);
    return rc;
}

/* --- REST APIs --------------------------------------------------------- */

/* The resource for path, creating the missing parents. */
static json_t *resource_for(json_t *doc, const char *path)
{
    json_t *res = json_object_get(doc, "resources");
    json_t *cur = json_object_get(res, apigw__v1_root_id(doc));
    const char *p = path;
    while (*p == '/') p++;
    while (*p) {
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        char part[512];
        snprintf(part, sizeof part, "%.*s", (int)n, p);
        json_t *found = NULL;
        const char *k;
        json_t *r;
        json_object_foreach(res, k, r) {
            if (apigw__str(r, "parentId") && strcmp(apigw__str(r, "parentId"), apigw__str(cur, "id")) == 0 && strcmp(apigw__str(r, "pathPart"), part) == 0) {
                found = r;
                break;
            }
        }
        cur = found ? found : apigw__v1_add_resource(doc, cur, part);
        p += n;
        while (*p == '/') p++;
    }
    return cur;
}

static const char *ref_name(const char *ref)
{
    const char *s = ref ? strrchr(ref, '/') : NULL;
    return s ? s + 1 : NULL;
}

/* A definition's "$ref": "#/definitions/X" (or "#/components/schemas/X")
 * becomes the model's URL, as API Gateway stores imported models. */
typedef struct model_url { nb_arena_t *a; const char *api_id; } model_url_t;
static const char *model_url(void *arg, const char *ref)
{
    model_url_t *m = arg;
    if (strncmp(ref, "#/definitions/", 14) != 0 && strncmp(ref, "#/components/schemas/", 21) != 0) return NULL;
    return nb_arena_printf(m->a, APIGW_MODEL_URL "%s/models/%s", m->api_id, ref_name(ref));
}

static void v1_models(nb_arena_t *a, json_t *d, json_t *doc)
{
    json_t *defs = json_object_get(json_object_get(d, "components"), "schemas");
    if (!defs) defs = json_object_get(d, "definitions");
    const char *name;
    json_t *schema;
    const char *api_id = apigw__str(json_object_get(doc, "api"), "id");
    json_object_foreach(defs, name, schema) {
        json_t *copy = json_deep_copy(schema);
        model_url_t mu = {a, api_id ? api_id : ""};
        apigw__map_refs(copy, model_url, &mu, 0);
        char *s = json_dumps(copy, JSON_COMPACT);
        json_decref(copy);
        char id[8];
        apigw__new_id(id, 6);
        json_t *m = json_pack("{s:s,s:s,s:s,s:s}", "id", id, "name", name, "contentType", "application/json",
                              "schema", s ? s : "{}");
        if (apigw__str(schema, "description")) json_object_set_new(m, "description", json_string(apigw__str(schema, "description")));
        json_object_set_new(json_object_get(doc, "models"), name, m);
        free(s);
    }
}

/* where / hm: the resource path and method (import warnings name them) */
static json_t *v1_integration(nb_arena_t *a, json_t *doc, json_t *x, const char *resource_id, const char *where,
                              const char *hm)
{
    json_t *integ = json_object();
    const char *type = upper_type(a, apigw__str(x, "type"));
    json_object_set_new(integ, "type", json_string(type ? type : "AWS_PROXY"));
    if (apigw__str(x, "uri")) json_object_set_new(integ, "uri", json_string(apigw__str(x, "uri")));
    if (apigw__str(x, "httpMethod")) json_object_set_new(integ, "httpMethod", json_string(apigw__str(x, "httpMethod")));
    if (apigw__str(x, "credentials")) json_object_set_new(integ, "credentials", json_string(apigw__str(x, "credentials")));
    json_t *rt = json_object_get(x, "requestTemplates");
    if (json_is_object(rt)) json_object_set(integ, "requestTemplates", rt);
    json_t *rp = json_object_get(x, "requestParameters");
    if (json_is_object(rp)) {   /* only strings: another value is left out with AWS's warning */
        json_t *kept = json_object();
        const char *k;
        json_t *v;
        json_object_foreach(rp, k, v) {
            if (json_is_string(v)) {
                json_object_set(kept, k, v);
                continue;
            }
            char *got = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
            json_t *w = json_object_get(doc, "_warnings");
            if (!w) json_object_set_new(doc, "_warnings", w = json_array());
            json_array_append_new(w, json_string(nb_arena_printf(a, "Invalid format for 'requestParameters'. Expected "
                                                                 "type string for property '%s' of resource '%s' and "
                                                                 "method '%s' but got '%s'", k, where, hm,
                                                                 got ? got : "")));
            free(got);
        }
        json_object_set_new(integ, "requestParameters", kept);
    }
    const char *pb = apigw__str(x, "passthroughBehavior");
    json_object_set_new(integ, "passthroughBehavior", json_string(pb ? upper_method(a, pb) : "WHEN_NO_MATCH"));
    json_t *to = json_object_get(x, "timeoutInMillis");
    json_object_set_new(integ, "timeoutInMillis", json_integer(json_is_integer(to) ? json_integer_value(to) : 29000));
    if (apigw__str(x, "connectionType") || !strncmp(json_string_value(json_object_get(integ, "type")), "HTTP", 4))
        json_object_set_new(integ, "connectionType", json_string(apigw__str(x, "connectionType") ? apigw__str(x, "connectionType") : "INTERNET"));
    if (apigw__str(x, "connectionId")) json_object_set_new(integ, "connectionId", json_string(apigw__str(x, "connectionId")));
    json_object_set_new(integ, "cacheNamespace", json_string(resource_id));
    json_object_set_new(integ, "cacheKeyParameters", json_array());
    json_t *resps = json_object_get(x, "responses");
    if (json_is_object(resps)) {
        json_t *irs = json_object();
        const char *pat;
        json_t *r;
        json_object_foreach(resps, pat, r) {
            const char *code = apigw__str(r, "statusCode") ? apigw__str(r, "statusCode") : "200";
            json_t *ir = json_pack("{s:s}", "statusCode", code);
            if (strcmp(pat, "default") != 0) json_object_set_new(ir, "selectionPattern", json_string(pat));
            if (json_is_object(json_object_get(r, "responseTemplates")))
                json_object_set(ir, "responseTemplates", json_object_get(r, "responseTemplates"));
            if (json_is_object(json_object_get(r, "responseParameters")))
                json_object_set(ir, "responseParameters", json_object_get(r, "responseParameters"));
            json_object_set_new(irs, code, ir);
        }
        json_object_set_new(integ, "integrationResponses", irs);
    }
    return integ;
}

/* A definition's response → a method response: its headers (not required) and
 * its schema's model (Swagger 2 "schema", OpenAPI 3 "content"), as AWS imports them. */
static json_t *method_response(json_t *r, const char *code)
{
    json_t *out = json_pack("{s:s}", "statusCode", code);
    json_t *params = json_object();
    const char *h;
    json_t *v;
    json_object_foreach(json_object_get(r, "headers"), h, v) {
        char key[300];
        snprintf(key, sizeof key, "method.response.header.%s", h);
        json_object_set_new(params, key, json_false());
    }
    if (json_object_size(params)) json_object_set_new(out, "responseParameters", params);
    else json_decref(params);
    json_t *models = json_object();
    const char *model = ref_name(apigw__str(json_object_get(r, "schema"), "$ref"));
    if (model) json_object_set_new(models, "application/json", json_string(model));
    const char *ct;
    json_object_foreach(json_object_get(r, "content"), ct, v) {
        model = ref_name(apigw__str(json_object_get(v, "schema"), "$ref"));
        if (model) json_object_set_new(models, ct, json_string(model));
    }
    if (json_object_size(models)) json_object_set_new(out, "responseModels", models);
    else json_decref(models);
    return out;
}

static json_t *v1_method(nb_arena_t *a, json_t *d, json_t *doc, json_t *op, const char *hm, const char *rid,
                         const char *res_path, json_t *az_ids, json_t *val_ids, json_t *path_params)
{
    json_t *m = json_pack("{s:s,s:s,s:b}", "httpMethod", hm, "authorizationType", "NONE", "apiKeyRequired", 0);
    json_t *rp = json_object();
    size_t i;
    json_t *p;
    json_t *all = json_array();
    json_array_extend(all, path_params);
    json_array_extend(all, json_object_get(op, "parameters"));
    json_array_foreach(all, i, p) {
        const char *in = apigw__str(p, "in"), *name = apigw__str(p, "name");
        if (!in || !name) continue;
        if (!strcmp(in, "body")) {
            const char *model = ref_name(apigw__str(json_object_get(p, "schema"), "$ref"));
            if (model) json_object_set_new(m, "requestModels", json_pack("{s:s}", "application/json", model));
            continue;
        }
        const char *where = !strcmp(in, "query") ? "querystring" : !strcmp(in, "header") ? "header" : !strcmp(in, "path") ? "path" : NULL;
        if (where) json_object_set_new(rp, nb_arena_printf(a, "method.request.%s.%s", where, name),
                                       json_boolean(json_is_true(json_object_get(p, "required"))));
    }
    json_decref(all);
    if (json_object_size(rp)) json_object_set_new(m, "requestParameters", rp);
    else json_decref(rp);
    json_t *rb = json_object_get(json_object_get(json_object_get(op, "requestBody"), "content"), "application/json");
    const char *model = ref_name(apigw__str(json_object_get(rb, "schema"), "$ref"));
    if (model) json_object_set_new(m, "requestModels", json_pack("{s:s}", "application/json", model));
    json_t *scopes = NULL;
    const char *sec = security_of(d, op, &scopes);
    if (sec) {
        json_t *scheme = json_object_get(security_schemes(d), sec);
        const char *stype = apigw__str(scheme, "type"), *sin = apigw__str(scheme, "in"), *sname = apigw__str(scheme, "name");
        if (apigw__str(az_ids, sec)) {
            json_t *az = json_object_get(json_object_get(doc, "authorizers"), apigw__str(az_ids, sec));
            int cognito = !strcmp(apigw__str(az, "type") ? apigw__str(az, "type") : "", "COGNITO_USER_POOLS");
            json_object_set_new(m, "authorizationType", json_string(cognito ? "COGNITO_USER_POOLS" : "CUSTOM"));
            json_object_set_new(m, "authorizerId", json_string(apigw__str(az_ids, sec)));
            if (cognito && json_array_size(scopes)) json_object_set(m, "authorizationScopes", scopes);
        } else if (stype && !strcmp(stype, "apiKey") && sin && !strcmp(sin, "header") && sname && !strcasecmp(sname, "x-api-key")) {
            json_object_set_new(m, "apiKeyRequired", json_true());
        }
    }
    const char *vname = apigw__str(op, "x-amazon-apigateway-request-validator");
    if (!vname) vname = apigw__str(d, "x-amazon-apigateway-request-validator");
    if (vname && apigw__str(val_ids, vname)) json_object_set_new(m, "requestValidatorId", json_string(apigw__str(val_ids, vname)));
    if (apigw__str(op, "operationId")) json_object_set_new(m, "operationName", json_string(apigw__str(op, "operationId")));
    json_t *mr = json_object();
    const char *code;
    json_t *r;
    json_object_foreach(json_object_get(op, "responses"), code, r)
        if (strlen(code) == 3) json_object_set_new(mr, code, method_response(r, code));
    json_object_set_new(m, "methodResponses", mr);
    json_t *x = json_object_get(op, "x-amazon-apigateway-integration");
    if (x) json_object_set_new(m, "methodIntegration", v1_integration(a, doc, x, rid, res_path, hm));
    return m;
}

/* x-amazon-apigateway-gateway-responses: {TYPE: {statusCode, responseParameters,
 * responseTemplates}} → doc's gatewayResponses; 0, or -1 with *msg. */
static int v1_gateway_responses(nb_arena_t *a, json_t *d, json_t *doc, const char **msg)
{
    json_t *x = json_object_get(d, "x-amazon-apigateway-gateway-responses");
    if (!x) return 0;
    json_t *map = json_object_get(doc, "gatewayResponses");
    if (!map) json_object_set_new(doc, "gatewayResponses", map = json_object());
    const char *type;
    json_t *v;
    json_object_foreach(x, type, v) {
        if (!apigw__gr_known(type) || !json_is_object(v)) {
            *msg = nb_arena_printf(a, "Invalid OpenAPI input: invalid gateway response type %s", type);
            return -1;
        }
        json_t *gr = json_pack("{s:s}", "responseType", type);
        json_t *sc = json_object_get(v, "statusCode");
        if (json_is_integer(sc))
            json_object_set_new(gr, "statusCode", json_string(nb_arena_printf(a, "%lld", (long long)json_integer_value(sc))));
        else if (sc && !json_is_null(sc))
            json_object_set(gr, "statusCode", sc);
        if (json_object_get(v, "responseParameters")) json_object_set(gr, "responseParameters", json_object_get(v, "responseParameters"));
        if (json_object_get(v, "responseTemplates")) json_object_set(gr, "responseTemplates", json_object_get(v, "responseTemplates"));
        const char *why;
        if (apigw__gr_check(gr, &why) != 0) {
            json_decref(gr);
            *msg = nb_arena_printf(a, "Invalid OpenAPI input: gateway response %s: %s", type, why);
            return -1;
        }
        json_object_set_new(map, type, gr);
    }
    return 0;
}

int apigw__openapi_v1(nb_arena_t *a, json_t *doc, const char *text, size_t len, const char **msg)
{
    return apigw__openapi_v1_at(a, doc, text, len, NULL, msg);
}

int apigw__openapi_v1_at(nb_arena_t *a, json_t *doc, const char *text, size_t len, const char *basepath,
                         const char **msg)
{
    json_t *d = apigw__openapi_load(a, text, len, msg);
    if (!d) return -1;
    const char *prefix = apigw__openapi_prefix(a, d, basepath);
    json_t *api = json_object_get(doc, "api");
    json_t *info = json_object_get(d, "info");
    if (apigw__str(info, "title")) json_object_set_new(api, "name", json_string(apigw__str(info, "title")));
    if (apigw__str(info, "version")) json_object_set_new(api, "version", json_string(apigw__str(info, "version")));
    if (apigw__str(info, "description")) json_object_set_new(api, "description", json_string(apigw__str(info, "description")));
    json_t *bmt = json_object_get(d, "x-amazon-apigateway-binary-media-types");
    if (json_is_array(bmt)) json_object_set(api, "binaryMediaTypes", bmt);
    const char *aks = apigw__str(d, "x-amazon-apigateway-api-key-source");
    if (aks) json_object_set_new(api, "apiKeySource", json_string(aks));
    v1_models(a, d, doc);
    if (v1_gateway_responses(a, d, doc, msg) != 0) {
        json_decref(d);
        return -1;
    }
    json_t *az_ids = json_object(), *val_ids = json_object();
    const char *name;
    json_t *s;
    json_object_foreach(security_schemes(d), name, s) {
        json_t *x = json_object_get(s, "x-amazon-apigateway-authorizer");
        if (!x) continue;
        char id[8];
        apigw__new_id(id, 6);
        const char *t = apigw__str(x, "type");
        const char *auth_type = apigw__str(s, "x-amazon-apigateway-authtype");
        const char *type = t ? upper_method(a, t) : "TOKEN";
        int cognito = !strcmp(type, "COGNITO_USER_POOLS");
        json_t *az = json_pack("{s:s,s:s,s:s,s:s}", "id", id, "name", name, "type", type,
                               "authType", auth_type ? auth_type : cognito ? "cognito_user_pools" : "custom");
        if (json_is_array(json_object_get(x, "providerARNs")))
            json_object_set(az, "providerARNs", json_object_get(x, "providerARNs"));
        if (apigw__str(x, "authorizerUri")) json_object_set_new(az, "authorizerUri", json_string(apigw__str(x, "authorizerUri")));
        if (apigw__str(x, "authorizerCredentials"))
            json_object_set_new(az, "authorizerCredentials", json_string(apigw__str(x, "authorizerCredentials")));
        const char *src = apigw__str(x, "identitySource");
        if (!src && apigw__str(s, "name") && t && (!strcasecmp(t, "token") || cognito))
            src = nb_arena_printf(a, "method.request.header.%s", apigw__str(s, "name"));
        if (src) json_object_set_new(az, "identitySource", json_string(src));
        if (apigw__str(x, "identityValidationExpression"))
            json_object_set_new(az, "identityValidationExpression", json_string(apigw__str(x, "identityValidationExpression")));
        json_t *ttl = json_object_get(x, "authorizerResultTtlInSeconds");
        json_object_set_new(az, "authorizerResultTtlInSeconds", json_integer(json_is_integer(ttl) ? json_integer_value(ttl) : 300));
        json_object_set_new(json_object_get(doc, "authorizers"), id, az);
        json_object_set_new(az_ids, name, json_string(id));
    }
    json_t *v;
    json_object_foreach(json_object_get(d, "x-amazon-apigateway-request-validators"), name, v) {
        char id[8];
        apigw__new_id(id, 6);
        json_object_set_new(json_object_get(doc, "validators"), id,
                            json_pack("{s:s,s:s,s:b,s:b}", "id", id, "name", name, "validateRequestBody",
                                      json_is_true(json_object_get(v, "validateRequestBody")), "validateRequestParameters",
                                      json_is_true(json_object_get(v, "validateRequestParameters"))));
        json_object_set_new(val_ids, name, json_string(id));
    }
    const char *path;
    json_t *item;
    json_object_foreach(json_object_get(d, "paths"), path, item) {
        if (path[0] != '/') {
            *msg = nb_arena_printf(a, "Invalid OpenAPI input: path %s must start with /", path);
            json_decref(az_ids);
            json_decref(val_ids);
            json_decref(d);
            return -1;
        }
        json_t *r = resource_for(doc, *prefix ? nb_arena_printf(a, "%s%s", prefix, path) : path);
        for (size_t m = 0; m < sizeof methods / sizeof methods[0]; m++) {
            json_t *op = json_object_get(item, methods[m]);
            if (!op) continue;
            const char *hm = upper_method(a, methods[m]);
            json_t *meth = v1_method(a, d, doc, op, hm, apigw__str(r, "id"), apigw__str(r, "path"), az_ids, val_ids,
                                     json_object_get(item, "parameters"));
            json_t *rm = json_object_get(r, "resourceMethods");
            if (!rm) json_object_set_new(r, "resourceMethods", rm = json_object());
            json_object_set_new(rm, hm, meth);
        }
    }
    json_decref(az_ids);
    json_decref(val_ids);
    json_decref(d);
    return 0;
}
