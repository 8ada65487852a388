/* export.c — APIs written back as OpenAPI definitions: GetExport (a REST
 * API stage's deployment as Swagger 2 or OpenAPI 3) and ExportApi (an HTTP
 * API, live or as a stage serves it, as OpenAPI 3), in JSON or YAML.
 * With extensions the definition carries API Gateway's x-amazon-apigateway-*
 * members in the shapes openapi.c imports, so an export re-imports to the
 * same routes, integrations, authorizers, validators, models and gateway
 * responses. Builds values only; the control plane answers. */
#include "apigw/apigw_int.h"
#include "apigw/yaml.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void set_str(json_t *o, const char *k, const char *v)
{
    if (v) json_object_set_new(o, k, json_string(v));
}

static void copy_member(json_t *to, const char *k, json_t *from)
{
    json_t *v = json_object_get(from, k);
    if (v) json_object_set(to, k, v);
}

/* "GET" → "get", "ANY" → x-amazon-apigateway-any-method (arena). */
static const char *op_key(nb_arena_t *a, const char *method)
{
    if (strcmp(method, "ANY") == 0) return "x-amazon-apigateway-any-method";
    char *l = nb_arena_strdup(a, method);
    for (char *p = l; *p; p++) *p = (char)tolower((unsigned char)*p);
    return l;
}

static char *lower(nb_arena_t *a, const char *s)
{
    char *l = nb_arena_strdup(a, s ? s : "");
    for (char *p = l; *p; p++) *p = (char)tolower((unsigned char)*p);
    return l;
}

/* OpenAPI 3 path parameters of a path's "{name}" / "{name+}" labels (new ref). */
static json_t *path_params(const char *path, int oas3)
{
    json_t *params = json_array();
    for (const char *p = strchr(path, '{'); p; p = strchr(p + 1, '{')) {
        const char *e = strchr(p, '}');
        if (!e) break;
        json_t *prm = json_pack("{s:s%,s:s,s:b}", "name", p + 1, (size_t)(e - p - 1), "in", "path", "required", 1);
        if (oas3) json_object_set_new(prm, "schema", json_pack("{s:s}", "type", "string"));
        else json_object_set_new(prm, "type", json_string("string"));
        json_array_append_new(params, prm);
    }
    return params;
}

static json_t *path_item(json_t *paths, const char *path)
{
    json_t *item = json_object_get(paths, path);
    if (!item) json_object_set_new(paths, path, item = json_object());
    return item;
}

/* --- HTTP APIs (ExportApi) ------------------------------------------------ */

static json_t *v2_scheme(json_t *az)
{
    json_t *x = json_object();
    const char *t = apigw__str(az, "authorizerType");
    json_t *scheme;
    if (t && strcmp(t, "JWT") == 0) {
        scheme = json_pack("{s:s,s:{}}", "type", "oauth2", "flows");
        json_object_set_new(x, "type", json_string("jwt"));
        copy_member(x, "jwtConfiguration", az);
    } else {
        scheme = json_pack("{s:s,s:s,s:s}", "type", "apiKey", "name", "Unused", "in", "header");
        json_object_set_new(x, "type", json_string("request"));
        copy_member(x, "authorizerUri", az);
        copy_member(x, "authorizerPayloadFormatVersion", az);
        copy_member(x, "authorizerResultTtlInSeconds", az);
        copy_member(x, "enableSimpleResponses", az);
    }
    copy_member(x, "identitySource", az);
    json_object_set_new(scheme, "x-amazon-apigateway-authorizer", x);
    return scheme;
}

static json_t *v2_integration(nb_arena_t *a, json_t *in)
{
    json_t *x = json_object();
    set_str(x, "type", apigw__str(in, "integrationType") ? lower(a, apigw__str(in, "integrationType")) : NULL);
    set_str(x, "httpMethod", apigw__str(in, "integrationMethod"));
    set_str(x, "uri", apigw__str(in, "integrationUri"));
    copy_member(x, "payloadFormatVersion", in);
    copy_member(x, "connectionType", in);
    copy_member(x, "timeoutInMillis", in);
    return x;
}

json_t *apigw__export_v2(nb_arena_t *a, json_t *api, json_t *served, const char *stage, int extensions)
{
    json_t *info = json_pack("{s:s}", "title", apigw__str(api, "name") ? apigw__str(api, "name") : "");
    set_str(info, "version", apigw__str(api, "version") ? apigw__str(api, "version") : apigw__str(api, "createdDate"));
    set_str(info, "description", apigw__str(api, "description"));
    const char *ep = apigw__str(api, "apiEndpoint");
    json_t *out = json_pack("{s:s,s:o,s:[{s:s,s:{s:{s:s}}}],s:{}}", "openapi", "3.0.1", "info", info, "servers", "url",
                            nb_arena_printf(a, "%s/{basePath}", ep ? ep : ""), "variables", "basePath", "default",
                            stage && strcmp(stage, "$default") ? stage : "", "paths");
    json_t *paths = json_object_get(out, "paths");
    json_t *schemes = json_object();
    json_t *azs = json_object_get(served, "authorizers");
    const char *k;
    json_t *r;
    json_object_foreach(json_object_get(served, "routes"), k, r) {
        const char *rk = apigw__str(r, "routeKey");
        if (!rk) continue;
        const char *method = "ANY", *path = "/$default";
        const char *sp = strchr(rk, ' ');
        if (strcmp(rk, "$default") != 0 && sp) {
            method = nb_arena_strndup(a, rk, (size_t)(sp - rk));
            path = sp + 1;
        }
        json_t *op = json_pack("{s:{s:{s:s}}}", "responses", "default", "description",
                               nb_arena_printf(a, "Default response for %s", rk));
        if (strcmp(rk, "$default") == 0 && extensions) json_object_set_new(op, "isDefaultRoute", json_true());
        json_t *pp = path_params(path, 1);
        if (json_array_size(pp)) json_object_set_new(op, "parameters", pp);
        else json_decref(pp);
        json_t *az = json_object_get(azs, apigw__str(r, "authorizerId") ? apigw__str(r, "authorizerId") : "");
        if (az && apigw__str(az, "name")) {
            json_t *scopes = json_object_get(r, "authorizationScopes");
            json_object_set_new(op, "security", json_pack("[{s:o}]", apigw__str(az, "name"),
                                                           json_is_array(scopes) ? json_deep_copy(scopes) : json_array()));
            if (!json_object_get(schemes, apigw__str(az, "name")))
                json_object_set_new(schemes, apigw__str(az, "name"), extensions ? v2_scheme(az) : json_pack("{s:s}", "type", "oauth2"));
        }
        const char *target = apigw__str(r, "target");
        json_t *in = target && strncmp(target, "integrations/", 13) == 0
                         ? json_object_get(json_object_get(served, "integrations"), target + 13) : NULL;
        if (in && extensions) json_object_set_new(op, "x-amazon-apigateway-integration", v2_integration(a, in));
        json_object_set_new(path_item(paths, path), op_key(a, method), op);
    }
    if (json_object_size(schemes)) json_object_set_new(out, "components", json_pack("{s:o}", "securitySchemes", schemes));
    else json_decref(schemes);
    if (extensions) {
        json_t *cors = json_object_get(api, "corsConfiguration");
        if (cors) json_object_set(out, "x-amazon-apigateway-cors", cors);
        json_object_set_new(out, "x-amazon-apigateway-importexport-version", json_string("1.0"));
    }
    return out;
}

/* --- REST APIs (GetExport) ------------------------------------------------ */

static json_t *v1_integration(nb_arena_t *a, json_t *in)
{
    json_t *x = json_object();
    set_str(x, "type", lower(a, apigw__str(in, "type")));
    set_str(x, "httpMethod", apigw__str(in, "httpMethod"));
    set_str(x, "uri", apigw__str(in, "uri"));
    set_str(x, "credentials", apigw__str(in, "credentials"));
    copy_member(x, "requestTemplates", in);
    copy_member(x, "requestParameters", in);
    set_str(x, "passthroughBehavior", apigw__str(in, "passthroughBehavior") ? lower(a, apigw__str(in, "passthroughBehavior")) : NULL);
    json_t *to = json_object_get(in, "timeoutInMillis");
    if (to && json_integer_value(to) != 29000) json_object_set(x, "timeoutInMillis", to);   /* AWS omits the default */
    json_t *irs = json_object_get(in, "integrationResponses");
    if (json_object_size(irs)) {
        json_t *resps = json_object();
        const char *code;
        json_t *ir;
        json_object_foreach(irs, code, ir) {
            json_t *r = json_pack("{s:s}", "statusCode", code);
            copy_member(r, "responseTemplates", ir);
            copy_member(r, "responseParameters", ir);
            const char *pat = apigw__str(ir, "selectionPattern");
            json_object_set_new(resps, pat && *pat ? pat : "default", r);
        }
        json_object_set_new(x, "responses", resps);
    }
    return x;
}

/* The method's parameters (path, query string, header, body model). */
static json_t *v1_params(nb_arena_t *a, const char *path, json_t *m, int oas3, json_t *op)
{
    json_t *params = path_params(path, oas3);
    const char *k;
    json_t *req;
    json_object_foreach(json_object_get(m, "requestParameters"), k, req) {
        static const char *const where[][2] = {{"method.request.querystring.", "query"},
                                               {"method.request.header.", "header"}};
        for (size_t i = 0; i < 2; i++) {
            size_t n = strlen(where[i][0]);
            if (strncmp(k, where[i][0], n) != 0) continue;
            json_t *prm = json_pack("{s:s,s:s,s:b}", "name", k + n, "in", where[i][1], "required", json_is_true(req));
            if (oas3) json_object_set_new(prm, "schema", json_pack("{s:s}", "type", "string"));
            else json_object_set_new(prm, "type", json_string("string"));
            json_array_append_new(params, prm);
        }
    }
    const char *model = apigw__str(json_object_get(m, "requestModels"), "application/json");
    if (model && strcmp(model, "Empty") != 0) {
        const char *ref = nb_arena_printf(a, oas3 ? "#/components/schemas/%s" : "#/definitions/%s", model);
        if (oas3)
            json_object_set_new(op, "requestBody", json_pack("{s:{s:{s:{s:s}}},s:b}", "content", "application/json",
                                                              "schema", "$ref", ref, "required", 1));
        else
            json_array_append_new(params, json_pack("{s:s,s:s,s:b,s:{s:s}}", "in", "body", "name", model, "required", 1,
                                                    "schema", "$ref", ref));
    }
    return params;
}

/* A method response as AWS exports it: "{code} response", its header parameters
 * and its models (OpenAPI 3: "content", {} when it has none). */
static json_t *v1_response(nb_arena_t *a, const char *code, json_t *mr, int oas3)
{
    json_t *r = json_pack("{s:s}", "description", nb_arena_printf(a, "%s response", code));
    const char *k;
    json_t *v;
    json_t *models = json_object_get(mr, "responseModels");
    const char *json_model = apigw__str(models, "application/json");
    if (!oas3 && json_model)
        json_object_set_new(r, "schema", json_pack("{s:s}", "$ref", nb_arena_printf(a, "#/definitions/%s", json_model)));
    json_t *headers = json_object();
    json_object_foreach(json_object_get(mr, "responseParameters"), k, v) {
        if (strncmp(k, "method.response.header.", 23) != 0) continue;
        json_object_set_new(headers, k + 23, oas3 ? json_pack("{s:{s:s}}", "schema", "type", "string")
                                                  : json_pack("{s:s}", "type", "string"));
    }
    if (json_object_size(headers)) json_object_set_new(r, "headers", headers);
    else json_decref(headers);
    if (oas3) {
        json_t *content = json_object();
        json_object_foreach(models, k, v)
            if (json_string_value(v))
                json_object_set_new(content, k, json_pack("{s:{s:s}}", "schema", "$ref",
                                                          nb_arena_printf(a, "#/components/schemas/%s", json_string_value(v))));
        json_object_set_new(r, "content", content);
    }
    return r;
}

/* The content types of the members named in maps of m (Swagger's consumes /
 * produces: request models and templates, response models and templates; new ref). */
static json_t *media_types(json_t *a_map, json_t *responses, const char *member, json_t *b_map)
{
    json_t *out = json_array();
    json_t *maps = json_array();
    json_array_append(maps, a_map ? a_map : json_null());
    json_array_append(maps, b_map ? b_map : json_null());
    const char *code;
    json_t *r;
    json_object_foreach(responses, code, r) json_array_append(maps, json_object_get(r, member) ? json_object_get(r, member) : json_null());
    size_t i;
    json_t *map;
    json_array_foreach(maps, i, map) {
        const char *ct;
        json_t *v;
        json_t *keys = json_array();
        json_object_foreach(map, ct, v) json_array_append_new(keys, json_string(ct));
        apigw__json_union(out, keys);
        json_decref(keys);
    }
    json_decref(maps);
    return out;
}

static json_t *v1_operation(nb_arena_t *a, json_t *doc, const char *path, json_t *m, int oas3, const char *exts)
{
    json_t *op = json_object();
    if (!oas3) {   /* Swagger 2: what the method takes and gives, as AWS lists them */
        json_t *in = json_object_get(m, "methodIntegration");
        json_t *consumes = media_types(json_object_get(m, "requestModels"), NULL, "", json_object_get(in, "requestTemplates"));
        json_t *produces = media_types(NULL, json_object_get(m, "methodResponses"), "responseModels", NULL);
        json_t *more = media_types(NULL, json_object_get(in, "integrationResponses"), "responseTemplates", NULL);
        apigw__json_union(produces, more);
        json_decref(more);
        if (json_array_size(consumes)) json_object_set(op, "consumes", consumes);
        if (json_array_size(produces)) json_object_set(op, "produces", produces);
        json_decref(consumes);
        json_decref(produces);
    }
    json_t *params = v1_params(a, path, m, oas3, op);
    if (json_array_size(params)) json_object_set_new(op, "parameters", params);
    else json_decref(params);
    json_t *resps = json_object();
    const char *code;
    json_t *mr;
    json_object_foreach(json_object_get(m, "methodResponses"), code, mr)
        json_object_set_new(resps, code, v1_response(a, code, mr, oas3));
    if (!json_object_size(resps))
        json_object_set_new(resps, "200", v1_response(a, "200", NULL, oas3));
    json_object_set_new(op, "responses", resps);
    int with_x = strstr(exts, "integrations") || strstr(exts, "apigateway");
    int with_auth = with_x || strstr(exts, "authorizers");
    const char *at = apigw__str(m, "authorizationType");
    json_t *az = json_object_get(json_object_get(doc, "authorizers"), apigw__str(m, "authorizerId") ? apigw__str(m, "authorizerId") : "");
    json_t *sec = json_array();
    if (with_auth && at && strcmp(at, "CUSTOM") == 0 && apigw__str(az, "name"))
        json_array_append_new(sec, json_pack("{s:[]}", apigw__str(az, "name")));
    if (json_is_true(json_object_get(m, "apiKeyRequired"))) json_array_append_new(sec, json_pack("{s:[]}", "api_key"));
    if (json_array_size(sec)) json_object_set_new(op, "security", sec);
    else json_decref(sec);
    if (with_x) {
        const char *vid = apigw__str(m, "requestValidatorId");
        json_t *v = vid ? json_object_get(json_object_get(doc, "validators"), vid) : NULL;
        if (apigw__str(v, "name")) set_str(op, "x-amazon-apigateway-request-validator", apigw__str(v, "name"));
        json_t *in = json_object_get(m, "methodIntegration");
        if (in) json_object_set_new(op, "x-amazon-apigateway-integration", v1_integration(a, in));
    }
    return op;
}

static json_t *v1_schemes(json_t *doc, json_t *resources, int with_auth)
{
    json_t *schemes = json_object();
    const char *k;
    json_t *r;
    json_object_foreach(resources, k, r) {
        const char *hm;
        json_t *m;
        json_object_foreach(json_object_get(r, "resourceMethods"), hm, m) {
            if (json_is_true(json_object_get(m, "apiKeyRequired")) && !json_object_get(schemes, "api_key"))
                json_object_set_new(schemes, "api_key", json_pack("{s:s,s:s,s:s}", "type", "apiKey", "name", "x-api-key",
                                                                  "in", "header"));
            json_t *az = json_object_get(json_object_get(doc, "authorizers"), apigw__str(m, "authorizerId") ? apigw__str(m, "authorizerId") : "");
            const char *at = apigw__str(m, "authorizationType");
            if (!with_auth || !at || strcmp(at, "CUSTOM") || !apigw__str(az, "name") || json_object_get(schemes, apigw__str(az, "name")))
                continue;
            const char *src = apigw__str(az, "identitySource");
            const char *hdr = src && strncmp(src, "method.request.header.", 22) == 0 ? src + 22 : "Unused";
            json_t *x = json_pack("{s:s}", "type", strcmp(apigw__str(az, "type") ? apigw__str(az, "type") : "", "REQUEST") == 0 ? "request" : "token");
            copy_member(x, "authorizerUri", az);
            copy_member(x, "authorizerResultTtlInSeconds", az);
            copy_member(x, "identitySource", az);
            copy_member(x, "identityValidationExpression", az);
            json_object_set_new(schemes, apigw__str(az, "name"),
                                json_pack("{s:s,s:s,s:s,s:s,s:o}", "type", "apiKey", "name", hdr, "in", "header",
                                          "x-amazon-apigateway-authtype", "custom", "x-amazon-apigateway-authorizer", x));
        }
    }
    return schemes;
}

/* A model's "$ref" to another model of the API by its URL (as imports store
 * them) written back as the document's own reference, so an export reads
 * and re-imports on its own. */
typedef struct local_ref { nb_arena_t *a; int oas3; } local_ref_t;
static const char *local_ref(void *arg, const char *ref)
{
    local_ref_t *l = arg;
    char name[256];
    const char *frag;
    if (strncmp(ref, APIGW_MODEL_URL, strlen(APIGW_MODEL_URL)) != 0 ||
        apigw__ref_model_name(ref, name, sizeof name, &frag) != 0)
        return NULL;
    return nb_arena_printf(l->a, "%s%s%s", l->oas3 ? "#/components/schemas/" : "#/definitions/", name, frag + 1);
}

json_t *apigw__export_v1(nb_arena_t *a, json_t *doc, json_t *dep, const char *stage, int oas3, const char *exts)
{
    json_t *api = json_object_get(doc, "api");
    json_t *resources = json_object_get(dep, "_snapshot");
    json_t *info = json_pack("{s:s}", "title", apigw__str(api, "name") ? apigw__str(api, "name") : "");
    set_str(info, "version", apigw__export_version(a, api, dep));
    set_str(info, "description", apigw__str(api, "description"));
    json_t *ep = apigw__endpoint(apigw__str(api, "id") ? apigw__str(api, "id") : "");
    const char *host = json_string_value(ep) + 7;   /* after "http://" */
    json_t *out;
    if (oas3)
        out = json_pack("{s:s,s:o,s:[{s:s,s:{s:{s:s}}}],s:{}}", "openapi", "3.0.1", "info", info, "servers", "url",
                        nb_arena_printf(a, "http://%s/{basePath}", host), "variables", "basePath", "default",
                        stage, "paths");
    else
        out = json_pack("{s:s,s:o,s:s,s:s,s:[s],s:{}}", "swagger", "2.0", "info", info, "host", host, "basePath",
                        nb_arena_printf(a, "/%s", stage), "schemes", "http", "paths");
    json_decref(ep);
    json_t *paths = json_object_get(out, "paths");
    const char *k;
    json_t *r;
    json_object_foreach(resources, k, r) {
        const char *path = apigw__str(r, "path");
        const char *hm;
        json_t *m;
        json_object_foreach(json_object_get(r, "resourceMethods"), hm, m)
            json_object_set_new(path_item(paths, path), op_key(a, hm), v1_operation(a, doc, path, m, oas3, exts));
    }
    int with_x = strstr(exts, "integrations") || strstr(exts, "apigateway");
    json_t *schemes = v1_schemes(doc, resources, with_x || strstr(exts, "authorizers"));
    json_t *models = json_object();
    json_object_foreach(json_object_get(doc, "models"), k, r) {
        json_t *schema = json_loads(apigw__str(r, "schema") ? apigw__str(r, "schema") : "{}", 0, NULL);
        local_ref_t l = {a, oas3};
        apigw__map_refs(schema, local_ref, &l, 0);
        json_object_set_new(models, k, json_is_object(schema) ? schema : json_object());
        if (schema && !json_is_object(schema)) json_decref(schema);
    }
    if (oas3) {
        json_t *comp = json_object();
        if (json_object_size(models)) json_object_set(comp, "schemas", models);
        if (json_object_size(schemes)) json_object_set(comp, "securitySchemes", schemes);
        json_object_set(out, "components", comp);   /* AWS writes it even empty */
        json_decref(comp);
    } else {
        if (json_object_size(models)) json_object_set(out, "definitions", models);
        if (json_object_size(schemes)) json_object_set(out, "securityDefinitions", schemes);
    }
    json_decref(models);
    json_decref(schemes);
    if (with_x) {
        json_t *vals = json_object();
        json_object_foreach(json_object_get(doc, "validators"), k, r)
            if (apigw__str(r, "name"))
                json_object_set_new(vals, apigw__str(r, "name"), json_pack("{s:b,s:b}", "validateRequestBody",
                                                                     json_is_true(json_object_get(r, "validateRequestBody")),
                                                                     "validateRequestParameters",
                                                                     json_is_true(json_object_get(r, "validateRequestParameters"))));
        if (json_object_size(vals)) json_object_set(out, "x-amazon-apigateway-request-validators", vals);
        json_decref(vals);
        json_t *grs = json_object();
        json_object_foreach(json_object_get(dep, "_gateway_responses"), k, r) {
            json_t *g = json_object();
            copy_member(g, "statusCode", r);
            copy_member(g, "responseParameters", r);
            copy_member(g, "responseTemplates", r);
            json_object_set_new(grs, k, g);
        }
        if (json_object_size(grs)) json_object_set(out, "x-amazon-apigateway-gateway-responses", grs);
        json_decref(grs);
        json_t *bmt = json_object_get(api, "binaryMediaTypes");
        if (json_array_size(bmt)) json_object_set(out, "x-amazon-apigateway-binary-media-types", bmt);
        if (apigw__str(api, "apiKeySource") && strcmp(apigw__str(api, "apiKeySource"), "HEADER") != 0)   /* the default unwritten */
            set_str(out, "x-amazon-apigateway-api-key-source", apigw__str(api, "apiKeySource"));
    }
    return out;
}

const char *apigw__export_version(nb_arena_t *a, json_t *api, json_t *dep)
{
    if (apigw__str(api, "version")) return apigw__str(api, "version");
    time_t t = (time_t)json_integer_value(json_object_get(dep, "createdDate"));
    struct tm tm;
    gmtime_r(&t, &tm);
    char b[32];
    strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return nb_arena_strdup(a, b);
}

void apigw__export_text(json_t *def, int yaml, nb_buf_t *out)
{
    if (yaml) {
        apigw__yaml_emit(def, out);
        return;
    }
    char *s = json_dumps(def, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    nb_buf_puts(out, s ? s : "{}");
    free(s);
}
