/* cp_v2.c — the HTTP/WebSocket API (apigatewayv2) control plane: APIs with
 * quick create, import/reimport, and one generic create/get/list/update/delete
 * for the child collections (routes, integrations, stages, authorizers,
 * deployments, models), chosen by the operation's name. Wire names are the
 * botocore model's locationNames (camelCase); stored objects are wire shapes. */
#include "apigw/apigw_int.h"
#include "apigw/access_log.h"
#include "core/alloc.h"
#include <stdio.h>
#include <string.h>

/* What AWS answers as an HTTP API's route selection expression when none is given
 * (terraform-provider-aws api_test.go); HTTP APIs route by method and path whatever
 * spelling a user gave, so the member is only recorded. */
#define HTTP_ROUTE_SELECTION "$request.method $request.path"

typedef int (*v2_check_fn)(nb_req_t *req, json_t *doc, json_t *item, const char *self_id);

static int check_route(nb_req_t *req, json_t *doc, json_t *item, const char *self_id);
/* "arn:aws:apigateway:{region}:lambda:path/…": a Lambda function's invocation URI. */
static int is_lambda_uri(const char *uri)
{
    return uri && strncmp(uri, "arn:", 4) == 0 && strstr(uri, ":lambda:path/") != NULL;
}

static int check_integration(nb_req_t *req, json_t *doc, json_t *item, const char *self_id);
static int check_authorizer(nb_req_t *req, json_t *doc, json_t *item, const char *self_id);
static int check_stage(nb_req_t *req, json_t *doc, json_t *item, const char *self_id);
static int check_model(nb_req_t *req, json_t *doc, json_t *item, const char *self_id);

typedef struct v2_coll {
    const char *noun;      /* "Route": CreateRoute, GetRoute, GetRoutes, ... */
    const char *coll;      /* document member */
    const char *id_field;  /* wire id member and URI parameter */
    const char *what;      /* NotFound message noun */
    v2_check_fn check;     /* validate and fill defaults; 0 or replied */
    const char *const *merged;  /* map members an update merges into (apigw__v2_merge_map); a
                                 * leading '=' keeps entries sent empty (their value is replaced) */
} v2_coll_t;

static const char *const integ_maps[] = {"requestParameters", "responseParameters", NULL};
/* route settings are merged by route key: a stage keeps the settings of routes an update does
 * not name (DianaIonita/serverless-api-gateway-throttling#33) */
static const char *const stage_maps[] = {"stageVariables", "=routeSettings", NULL};

static const v2_coll_t colls[] = {
    {"Route", "routes", "routeId", "Route", check_route, NULL},
    {"Integration", "integrations", "integrationId", "Integration", check_integration, integ_maps},
    {"Stage", "stages", "stageName", "Stage", check_stage, stage_maps},
    {"Authorizer", "authorizers", "authorizerId", "Authorizer", check_authorizer, NULL},
    {"Deployment", "deployments", "deploymentId", "Deployment", NULL, NULL},
    {"Model", "models", "modelId", "Model", check_model, NULL},
};

json_t *apigw__v2_merge_map(json_t *old, json_t *upd, int drop_empty)
{
    json_t *out = json_is_object(old) ? json_deep_copy(old) : json_object();
    const char *k;
    json_t *v;
    json_object_foreach(upd, k, v) {
        int drop = drop_empty && ((json_is_string(v) && json_string_length(v) == 0) ||
                                  (json_is_object(v) && json_object_size(v) == 0));
        if (drop) json_object_del(out, k);
        else json_object_set(out, k, v);
    }
    return out;
}

static const v2_coll_t *coll_of(const char *op)
{
    for (size_t i = 0; i < sizeof colls / sizeof colls[0]; i++)
        if (apigw__op_on(op, colls[i].noun)) return &colls[i];
    return NULL;
}

static int bad(nb_req_t *req, const char *msg)
{
    nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "%s", msg);
    return -1;
}

static int is_http(json_t *doc)
{
    const char *p = apigw__str(json_object_get(doc, "api"), "protocolType");
    return !p || strcmp(p, "HTTP") == 0;
}

/* "$default", or "METHOD /path" with a known method (HTTP APIs). */
static int valid_route_key(const char *rk, int http)
{
    if (!rk || !*rk) return 0;
    if (!http || strcmp(rk, "$default") == 0) return 1;
    static const char *const methods[] = {"ANY", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"};
    const char *sp = strchr(rk, ' ');
    if (!sp || sp[1] != '/') return 0;
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
        if (strlen(methods[i]) == (size_t)(sp - rk) && strncmp(methods[i], rk, (size_t)(sp - rk)) == 0) return 1;
    return 0;
}

/* The route of doc whose key is rk (borrowed), or NULL. */
static json_t *route_by_key(json_t *doc, const char *rk)
{
    const char *k;
    json_t *r;
    json_object_foreach(json_object_get(doc, "routes"), k, r) {
        const char *rrk = apigw__str(r, "routeKey");
        if (rrk && strcmp(rrk, rk) == 0) return r;
    }
    return NULL;
}

static int check_route(nb_req_t *req, json_t *doc, json_t *item, const char *self_id)
{
    const char *rk = apigw__str(item, "routeKey");
    if (!valid_route_key(rk, is_http(doc))) return bad(req, "Invalid route key");
    const char *k;
    json_t *r;
    json_object_foreach(json_object_get(doc, "routes"), k, r) {
        if ((!self_id || strcmp(k, self_id) != 0) && strcmp(apigw__str(r, "routeKey"), rk) == 0) {
            nb_reply_error(req, APIGW_ERR_CONFLICT, "Route with key %s already exists for this API", rk);
            return -1;
        }
    }
    if (!json_object_get(item, "apiKeyRequired")) json_object_set_new(item, "apiKeyRequired", json_false());
    if (!json_object_get(item, "authorizationType")) json_object_set_new(item, "authorizationType", json_string("NONE"));
    const char *at = apigw__str(item, "authorizationType");
    if (strcmp(at, "NONE") && strcmp(at, "JWT") && strcmp(at, "CUSTOM") && strcmp(at, "AWS_IAM"))
        return bad(req, "Invalid authorization type");
    /* JWT routes need a JWT authorizer of the API, CUSTOM ones a Lambda (REQUEST) one, in AWS's
     * words (anomalyco/sst#4097, hashicorp/terraform-provider-aws#17497) */
    int jwt = strcmp(at, "JWT") == 0;
    if (jwt || strcmp(at, "CUSTOM") == 0) {
        const char *az = apigw__str(item, "authorizerId");
        json_t *a = az ? json_object_get(json_object_get(doc, "authorizers"), az) : NULL;
        const char *type = apigw__str(a, "authorizerType");
        if (!type || strcmp(type, jwt ? "JWT" : "REQUEST") != 0)
            return bad(req, jwt ? "Invalid authorizer ID specified. Setting the authorization type to JWT requires a "
                                  "valid JWT authorizer."
                                : "Invalid authorizer ID specified. Setting the authorization type to CUSTOM or "
                                  "COGNITO_USER_POOLS requires a valid authorizer.");
    }
    const char *target = apigw__str(item, "target");
    if (target) {
        if (strncmp(target, "integrations/", 13) != 0 ||
            !json_object_get(json_object_get(doc, "integrations"), target + 13))
            return bad(req, "Invalid target");
    }
    return 0;
}

static int check_integration(nb_req_t *req, json_t *doc, json_t *item, const char *self_id)
{
    (void)self_id;
    const char *t = apigw__str(item, "integrationType");
    if (!t) return bad(req, "IntegrationType is required");
    if (strcmp(t, "AWS_PROXY") && strcmp(t, "HTTP_PROXY") && strcmp(t, "MOCK") && strcmp(t, "AWS") && strcmp(t, "HTTP"))
        return bad(req, "Invalid integration type");
    int http = is_http(doc);
    if (http && strcmp(t, "AWS_PROXY") && strcmp(t, "HTTP_PROXY"))
        return bad(req, "Currently, an API with a protocol type of HTTP may only be associated with proxy "
                        "integrations (AWS_PROXY, HTTP_PROXY)");
    /* an AWS service integration (IntegrationSubtype, HTTP APIs) names no URI and no method;
     * botocore documents the subtype "Supported only for HTTP API AWS_PROXY integrations"
     * (no capture of AWS's words for the refusal found: these are nimbus's) */
    int subtype = json_object_get(item, "integrationSubtype") != NULL;
    if (subtype && (!http || strcmp(t, "AWS_PROXY") != 0))
        return bad(req, "IntegrationSubtype is supported only for HTTP API AWS_PROXY integrations");
    int lambda = is_lambda_uri(apigw__str(item, "integrationUri"));
    if (strcmp(t, "MOCK") != 0 && !subtype && !apigw__str(item, "integrationUri"))
        return bad(req, "IntegrationUri is required for this integration type");
    if (!json_object_get(item, "payloadFormatVersion"))
        json_object_set_new(item, "payloadFormatVersion",
                            json_string(http && strcmp(t, "AWS_PROXY") == 0 && !subtype ? "2.0" : "1.0"));
    const char *pf = apigw__str(item, "payloadFormatVersion");
    if (!pf || (strcmp(pf, "1.0") && strcmp(pf, "2.0"))) return bad(req, "Invalid payload format version");
    if (!json_object_get(item, "timeoutInMillis"))
        json_object_set_new(item, "timeoutInMillis", json_integer(http ? 30000 : 29000));
    json_int_t to = json_integer_value(json_object_get(item, "timeoutInMillis"));
    if (to < 50 || to > 30000) return bad(req, "Timeout must be between 50 milliseconds and 30 seconds.");
    if (!json_object_get(item, "connectionType")) json_object_set_new(item, "connectionType", json_string("INTERNET"));
    /* Lambda is called with POST, whatever the integration's type */
    if (!json_object_get(item, "integrationMethod") && !subtype && (strcmp(t, "AWS_PROXY") == 0 || lambda))
        json_object_set_new(item, "integrationMethod", json_string("POST"));
    if (!http && !json_object_get(item, "passthroughBehavior"))
        json_object_set_new(item, "passthroughBehavior", json_string("WHEN_NO_MATCH"));
    /* botocore's PassthroughBehavior enum (the SDKs do not check it) */
    const char *pb = apigw__str(item, "passthroughBehavior");
    if (pb && strcmp(pb, "WHEN_NO_MATCH") && strcmp(pb, "NEVER") && strcmp(pb, "WHEN_NO_TEMPLATES"))
        return bad(req, "Invalid passthrough behavior specified");
    /* WebSocket non-proxy integrations pick their integration response by the backend's
     * status, or by a Lambda function's error message */
    if (!http && !json_object_get(item, "integrationResponseSelectionExpression") &&
        (strcmp(t, "MOCK") == 0 || strcmp(t, "HTTP") == 0 || strcmp(t, "AWS") == 0))
        json_object_set_new(item, "integrationResponseSelectionExpression",
                            json_string(strcmp(t, "AWS") == 0 && lambda ? "${integration.response.body.errorMessage}"
                                                                       : "${integration.response.statuscode}"));
    return 0;
}

static int check_authorizer(nb_req_t *req, json_t *doc, json_t *item, const char *self_id)
{
    (void)doc, (void)self_id;
    const char *t = apigw__str(item, "authorizerType");
    if (!t || (strcmp(t, "JWT") && strcmp(t, "REQUEST"))) return bad(req, "Invalid authorizer type");
    if (!apigw__str(item, "name")) return bad(req, "Name is required");
    if (strcmp(t, "JWT") == 0) {
        json_t *jc = json_object_get(item, "jwtConfiguration");
        if (!apigw__str(jc, "issuer")) return bad(req, "JwtConfiguration.Issuer is required for JWT authorizers");
        if (!json_is_array(json_object_get(item, "identitySource")))
            json_object_set_new(item, "identitySource", json_pack("[s]", "$request.header.Authorization"));
    } else {
        if (!apigw__str(item, "authorizerUri")) return bad(req, "AuthorizerUri is required for REQUEST authorizers");
        if (!json_object_get(item, "authorizerResultTtlInSeconds"))
            json_object_set_new(item, "authorizerResultTtlInSeconds", json_integer(0));
        if (!json_object_get(item, "authorizerPayloadFormatVersion") && is_http(doc))
            json_object_set_new(item, "authorizerPayloadFormatVersion", json_string("2.0"));
    }
    return 0;
}

static int check_stage(nb_req_t *req, json_t *doc, json_t *item, const char *self_id)
{
    const char *n = apigw__str(item, "stageName");
    if (!n || !*n) return bad(req, "StageName is required");
    if (!self_id && json_object_get(json_object_get(doc, "stages"), n)) {
        nb_reply_error(req, APIGW_ERR_CONFLICT, "Stage already exists");
        return -1;
    }
    if (!json_object_get(item, "createdDate")) json_object_set_new(item, "createdDate", apigw__iso_now());
    json_object_set_new(item, "lastUpdatedDate", apigw__iso_now());
    json_t *drs = json_object_get(item, "defaultRouteSettings");
    if (!json_is_object(drs)) json_object_set_new(item, "defaultRouteSettings", drs = json_object());
    if (!json_object_get(drs, "detailedMetricsEnabled")) json_object_set_new(drs, "detailedMetricsEnabled", json_false());
    if (!is_http(doc)) {
        /* WebSocket stages log at a level, "OFF" until one is set; settings given
         * without one keep the level the stage had */
        json_t *old = self_id ? json_object_get(json_object_get(json_object_get(doc, "stages"), self_id),
                                                "defaultRouteSettings") : NULL;
        json_t *lvl = json_object_get(old, "loggingLevel");
        if (!json_object_get(drs, "dataTraceEnabled")) json_object_set_new(drs, "dataTraceEnabled", json_false());
        if (!json_object_get(drs, "loggingLevel"))
            json_object_set_new(drs, "loggingLevel", json_is_string(lvl) ? json_copy(lvl) : json_string("OFF"));
    }
    if (!json_object_get(item, "routeSettings")) json_object_set_new(item, "routeSettings", json_object());
    if (!json_object_get(item, "stageVariables")) json_object_set_new(item, "stageVariables", json_object());
    if (!json_object_get(item, "autoDeploy") && is_http(doc)) json_object_set_new(item, "autoDeploy", json_false());
    const char *msg;
    if (apigw__access_log_check(json_object_get(item, "accessLogSettings"), &msg) != 0) return bad(req, msg);
    /* an HTTP API's route settings name $default or one of its routes (WebSocket
     * APIs' may name routes still to come), checked when settings are given: those
     * kept from before count too (a route deleted since fails the update) */
    const char *key;
    json_t *rs;
    int given = json_object_get(req->json, "routeSettings") != NULL;
    json_object_foreach(is_http(doc) && given ? json_object_get(item, "routeSettings") : NULL, key, rs) {
        if (strcmp(key, "$default") != 0 && !route_by_key(doc, key)) {
            nb_reply_error(req, APIGW_ERR_NOT_FOUND, "Unable to find Route by key %s within the provided RouteSettings",
                           key);
            return -1;
        }
    }
    return 0;
}

static int check_model(nb_req_t *req, json_t *doc, json_t *item, const char *self_id)
{
    (void)doc, (void)self_id;
    const char *name = apigw__str(item, "name");
    if (!name || !apigw__str(item, "schema")) return bad(req, "Name and Schema are required");
    /* letters and digits only (terraform-provider-aws strips the dashes of its names for models) */
    size_t n = strlen(name);
    if (n == 0 || strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != n) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Model name must be alphanumeric: %s", name);
        return -1;
    }
    return 0;
}

/* --- APIs ----------------------------------------------------------------- */

/* The two sources API Gateway accepts for a WebSocket API's API key. */
static int valid_key_selection(json_t *v)
{
    const char *e = json_string_value(v);
    if (!v) return 1;
    return e && (strcmp(e, "$request.header.x-api-key") == 0 || strcmp(e, "$context.authorizer.usageIdentifierKey") == 0);
}

static int check_key_selection(nb_req_t *req, json_t *body)
{
    if (valid_key_selection(json_object_get(body, "apiKeySelectionExpression"))) return 0;
    nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid API Key Selection Expression: must be "
                   "$request.header.x-api-key or $context.authorizer.usageIdentifierKey");
    return -1;
}

/* CreateApi / UpdateApi: credentials with any origin is refused, in AWS's
 * words (aws-cdk#9076). */
static int check_cors(nb_req_t *req, json_t *body)
{
    json_t *cors = json_object_get(body, "corsConfiguration");
    if (!json_is_true(json_object_get(cors, "allowCredentials"))) return 0;
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(cors, "allowOrigins"), i, o) {
        if (json_is_string(o) && strcmp(json_string_value(o), "*") == 0) {
            nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "allow-credentials is not supported if 'allow-origin' is *");
            return -1;
        }
    }
    return 0;
}

static json_t *new_doc(json_t *api)
{
    return json_pack("{s:s,s:o,s:{},s:{},s:{},s:{},s:{},s:{}}", "kind", "v2", "api", api, "routes", "integrations",
                     "stages", "authorizers", "deployments", "models");
}

static json_t *api_from_body(json_t *body, const char *id)
{
    static const char *const allowed[] = {"name", "protocolType", "routeSelectionExpression",
        "apiKeySelectionExpression", "corsConfiguration", "description", "disableSchemaValidation",
        "disableExecuteApiEndpoint", "tags", "version", "credentialsArn"};
    json_t *api = json_object();
    for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++) {
        json_t *v = json_object_get(body, allowed[i]);
        if (v) json_object_set(api, allowed[i], v);
    }
    json_object_set_new(api, "apiId", json_string(id));
    json_t *ep = apigw__endpoint(id);
    const char *pt = json_string_value(json_object_get(body, "protocolType"));
    if (pt && strcmp(pt, "WEBSOCKET") == 0) {   /* "ws://…": where clients connect */
        char b[200];
        snprintf(b, sizeof b, "ws://%s", json_string_value(ep) + 7);
        json_string_set(ep, b);
    }
    json_object_set_new(api, "apiEndpoint", ep);
    json_object_set_new(api, "createdDate", apigw__iso_now());
    if (!json_object_get(api, "apiKeySelectionExpression"))
        json_object_set_new(api, "apiKeySelectionExpression", json_string("$request.header.x-api-key"));
    if (!json_object_get(api, "disableExecuteApiEndpoint"))
        json_object_set_new(api, "disableExecuteApiEndpoint", json_false());
    if (!json_object_get(api, "tags")) json_object_set_new(api, "tags", json_object());
    return api;
}

static void add_child(json_t *doc, const char *coll, const char *id_field, const char *id, json_t *item)
{
    json_object_set_new(item, id_field, json_string(id));
    json_object_set_new(json_object_get(doc, coll), id, item);
}

/* Quick create: Target → integration + route (RouteKey or $default) + $default stage. */
static void quick_create(json_t *doc, const char *target, const char *route_key)
{
    char iid[8], rid[8];
    apigw__new_id(iid, 7);
    apigw__new_id(rid, 7);
    int http_target = strncmp(target, "http://", 7) == 0 || strncmp(target, "https://", 8) == 0;
    json_t *integ = json_pack("{s:s,s:s,s:s,s:s,s:i,s:b}", "integrationType", http_target ? "HTTP_PROXY" : "AWS_PROXY",
                              "integrationUri", target, "payloadFormatVersion", http_target ? "1.0" : "2.0",
                              "connectionType", "INTERNET", "timeoutInMillis", 30000, "apiGatewayManaged", 1);
    json_object_set_new(integ, "integrationMethod", json_string(http_target ? "ANY" : "POST"));
    add_child(doc, "integrations", "integrationId", iid, integ);
    char tgt[32];
    snprintf(tgt, sizeof tgt, "integrations/%s", iid);
    add_child(doc, "routes", "routeId", rid,
              json_pack("{s:s,s:s,s:b,s:s,s:b}", "routeKey", route_key ? route_key : "$default", "target", tgt,
                        "apiKeyRequired", 0, "authorizationType", "NONE", "apiGatewayManaged", 1));
    json_t *stage = json_pack("{s:s,s:b,s:b,s:o,s:o,s:{s:b},s:{},s:{}}", "stageName", "$default", "autoDeploy", 1,
                              "apiGatewayManaged", 1, "createdDate", apigw__iso_now(), "lastUpdatedDate",
                              apigw__iso_now(), "defaultRouteSettings", "detailedMetricsEnabled", 0, "routeSettings",
                              "stageVariables");
    json_object_set_new(json_object_get(doc, "stages"), "$default", stage);
    json_object_set_new(json_object_get(doc, "api"), "apiGatewayManaged", json_true());
}

void apigw__op_v2_create_api(nb_req_t *req)
{
    json_t *b = req->json;
    const char *name = apigw__str(b, "name"), *proto = apigw__str(b, "protocolType");
    if (!name || !*name) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Name is required");
        return;
    }
    if (!proto || (strcmp(proto, "HTTP") && strcmp(proto, "WEBSOCKET"))) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid protocol type: ProtocolType must be HTTP or WEBSOCKET");
        return;
    }
    int ws = strcmp(proto, "WEBSOCKET") == 0;
    if (ws && !apigw__str(b, "routeSelectionExpression")) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "RouteSelectionExpression is required for WEBSOCKET APIs");
        return;
    }
    if (check_key_selection(req, b) != 0 || check_cors(req, b) != 0) return;
    const char *target = apigw__str(b, "target"), *rk = apigw__str(b, "routeKey");
    if (target && ws) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Target is not supported for WEBSOCKET APIs");
        return;
    }
    if (rk && !valid_route_key(rk, !ws)) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid route key");
        return;
    }
    char id[16];
    apigw__new_id(id, 10);
    json_t *api = api_from_body(b, id);
    if (!ws && !json_object_get(api, "routeSelectionExpression"))
        json_object_set_new(api, "routeSelectionExpression", json_string(HTTP_ROUTE_SELECTION));
    json_t *doc = new_doc(api);
    if (target) quick_create(doc, target, rk);
    json_object_set_new(apigw__svc.apis, id, doc);
    apigw__save_reply(req, 'a', id, doc, 201, apigw__public(api));
}

void apigw__op_v2_get_api(nb_req_t *req)
{
    json_t *doc = apigw__api_or_404(req, nb_req_param(req, "apiId"), "v2");
    if (doc) nb_reply_json(req, 200, apigw__public(json_object_get(doc, "api")));
}

void apigw__op_v2_get_apis(nb_req_t *req)
{
    json_t *items = json_array();
    const char *k;
    json_t *doc;
    json_object_foreach(apigw__svc.apis, k, doc)
        if (strcmp(apigw__str(doc, "kind"), "v2") == 0) json_array_append_new(items, apigw__public(json_object_get(doc, "api")));
    nb_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

void apigw__op_v2_delete_api(nb_req_t *req)
{
    const char *id = nb_req_param(req, "apiId");
    if (!apigw__api_or_404(req, id, "v2")) return;
    char *copy = nb_arena_strdup(req->arena, id);
    json_object_del(apigw__svc.apis, copy);
    apigw__save_reply(req, 'a', copy, NULL, 204, NULL);
}

void apigw__op_v2_update_api(nb_req_t *req)
{
    const char *id = nb_req_param(req, "apiId");
    json_t *doc = apigw__api_or_404(req, id, "v2");
    if (!doc) return;
    json_t *api = json_object_get(doc, "api");
    if (check_key_selection(req, req->json) != 0 || check_cors(req, req->json) != 0) return;
    static const char *const allowed[] = {"name", "routeSelectionExpression", "apiKeySelectionExpression",
        "corsConfiguration", "description", "disableSchemaValidation", "disableExecuteApiEndpoint", "version"};
    for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++) {
        json_t *v = json_object_get(req->json, allowed[i]);
        if (v) json_object_set(api, allowed[i], v);
    }
    const char *target = apigw__str(req->json, "target");
    if (target) quick_create(doc, target, apigw__str(req->json, "routeKey"));
    apigw__save_reply(req, 'a', id, doc, 200, apigw__public(api));
}

void apigw__op_v2_delete_cors(nb_req_t *req)
{
    const char *id = nb_req_param(req, "apiId");
    json_t *doc = apigw__api_or_404(req, id, "v2");
    if (!doc) return;
    json_object_del(json_object_get(doc, "api"), "corsConfiguration");
    apigw__save_reply(req, 'a', id, doc, 204, NULL);
}

static const char *import_body(nb_req_t *req)
{
    const char *body = apigw__str(req->json, "body");
    if (!body) nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Body is required");
    return body;
}

/* failOnWarnings=true and the definition has a warning: BadRequestException, 1;
 * else 0 (the import goes on past warnings). */
static int failed_on_warnings(nb_req_t *req, const char *body)
{
    const char *fow = nb_req_qparam(req, "failOnWarnings");
    if (!fow || strcmp(fow, "true") != 0) return 0;
    const char *w = apigw__openapi_v2_warning(req->arena, body, strlen(body));
    if (!w) return 0;
    nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Warnings found during import:\n\t%s", w);
    return 1;
}

void apigw__op_v2_import_api(nb_req_t *req)
{
    const char *body = import_body(req);
    if (!body) return;
    if (failed_on_warnings(req, body)) return;
    char id[16];
    apigw__new_id(id, 10);
    json_t *empty = json_object();
    json_t *api = api_from_body(empty, id);
    json_decref(empty);
    json_object_set_new(api, "protocolType", json_string("HTTP"));
    json_object_set_new(api, "routeSelectionExpression", json_string(HTTP_ROUTE_SELECTION));
    json_t *doc = new_doc(api);
    const char *msg = NULL;
    if (apigw__openapi_v2(req->arena, doc, body, strlen(body), &msg) != 0) {
        json_decref(doc);
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "%s", msg);
        return;
    }
    json_object_set_new(apigw__svc.apis, id, doc);
    apigw__save_reply(req, 'a', id, doc, 201, apigw__public(api));
}

void apigw__op_v2_reimport_api(nb_req_t *req)
{
    const char *id = nb_req_param(req, "apiId");
    json_t *doc = apigw__api_or_404(req, id, "v2");
    if (!doc) return;
    const char *body = import_body(req);
    if (!body || failed_on_warnings(req, body)) return;
    json_t *fresh = new_doc(json_deep_copy(json_object_get(doc, "api")));
    json_object_set(fresh, "stages", json_object_get(doc, "stages"));
    json_object_set(fresh, "deployments", json_object_get(doc, "deployments"));
    const char *msg = NULL;
    if (apigw__openapi_v2(req->arena, fresh, body, strlen(body), &msg) != 0) {
        json_decref(fresh);
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "%s", msg);
        return;
    }
    json_object_set_new(apigw__svc.apis, id, fresh);
    apigw__save_reply(req, 'a', id, fresh, 201, apigw__public(json_object_get(fresh, "api")));
}

/* --- child collections ---------------------------------------------------- */

static json_t *doc_and_coll(nb_req_t *req, const v2_coll_t **c)
{
    *c = coll_of(req->op->name);
    return apigw__api_or_404(req, nb_req_param(req, "apiId"), "v2");
}

static json_t *body_item(nb_req_t *req)
{
    json_t *item = json_deep_copy(req->json);
    json_object_del(item, "apiId");
    return item;
}

void apigw__op_v2_create(nb_req_t *req)
{
    const v2_coll_t *c;
    json_t *doc = doc_and_coll(req, &c);
    if (!doc) return;
    json_t *item = body_item(req);
    if (c->check && c->check(req, doc, item, NULL) != 0) {
        json_decref(item);
        return;
    }
    char idbuf[16];
    const char *id;
    if (strcmp(c->id_field, "stageName") == 0) {
        id = apigw__str(item, "stageName");
    } else {
        apigw__new_id(idbuf, 7);
        id = idbuf;
        json_object_set_new(item, c->id_field, json_string(id));
    }
    if (strcmp(c->coll, "deployments") == 0) {
        json_object_set_new(item, "createdDate", apigw__iso_now());
        json_object_set_new(item, "deploymentStatus", json_string("DEPLOYED"));
        json_object_set_new(item, "autoDeployed", json_false());
        /* what stages without auto-deploy serve until the next deployment */
        json_t *snap = json_pack("{s:O,s:O,s:O}", "routes", json_object_get(doc, "routes"), "integrations",
                                 json_object_get(doc, "integrations"), "authorizers", json_object_get(doc, "authorizers"));
        json_object_set_new(item, "_snapshot", json_deep_copy(snap));
        json_decref(snap);
        const char *sn = apigw__str(item, "stageName");
        json_t *st = sn ? json_object_get(json_object_get(doc, "stages"), sn) : NULL;
        if (st) json_object_set_new(st, "deploymentId", json_string(id));
        json_object_del(item, "stageName");
    }
    json_object_set_new(json_object_get(doc, c->coll), id, item);
    char *api_id = nb_arena_strdup(req->arena, nb_req_param(req, "apiId"));
    apigw__save_reply(req, 'a', api_id, doc, 201, apigw__public(item));
}

void apigw__op_v2_get(nb_req_t *req)
{
    const v2_coll_t *c;
    json_t *doc = doc_and_coll(req, &c);
    if (!doc) return;
    json_t *item = apigw__child_or_404(req, doc, c->coll, nb_req_param(req, c->id_field), c->what);
    if (item) nb_reply_json(req, 200, apigw__public(item));
}

void apigw__op_v2_list(nb_req_t *req)
{
    const v2_coll_t *c;
    json_t *doc = doc_and_coll(req, &c);
    if (doc) nb_reply_json(req, 200, apigw__list(json_object_get(doc, c->coll), "items"));
}

void apigw__op_v2_update(nb_req_t *req)
{
    const v2_coll_t *c;
    json_t *doc = doc_and_coll(req, &c);
    if (!doc) return;
    const char *id = nb_req_param(req, c->id_field);
    json_t *item = apigw__child_or_404(req, doc, c->coll, id, c->what);
    if (!item) return;
    json_t *merged = json_deep_copy(item);
    json_t *upd = body_item(req);
    json_object_del(upd, c->id_field);
    for (size_t i = 0; c->merged && c->merged[i]; i++) {
        int keep = c->merged[i][0] == '=';
        const char *member = c->merged[i] + keep;
        json_t *u = json_object_get(upd, member);
        if (json_is_object(u))
            json_object_set_new(upd, member, apigw__v2_merge_map(json_object_get(item, member), u, !keep));
    }
    json_object_update(merged, upd);
    json_decref(upd);
    if (c->check && c->check(req, doc, merged, id) != 0) {
        json_decref(merged);
        return;
    }
    json_object_set_new(json_object_get(doc, c->coll), id, merged);
    char *api_id = nb_arena_strdup(req->arena, nb_req_param(req, "apiId"));
    apigw__save_reply(req, 'a', api_id, doc, 200, apigw__public(merged));
}

void apigw__op_v2_delete(nb_req_t *req)
{
    const v2_coll_t *c;
    json_t *doc = doc_and_coll(req, &c);
    if (!doc) return;
    const char *id = nb_req_param(req, c->id_field);
    if (!apigw__child_or_404(req, doc, c->coll, id, c->what)) return;
    json_object_del(json_object_get(doc, c->coll), id);
    char *api_id = nb_arena_strdup(req->arena, nb_req_param(req, "apiId"));
    apigw__save_reply(req, 'a', api_id, doc, 204, NULL);
}

/* --- stage settings ------------------------------------------------------- */

/* The stage of the path (borrowed) and its API's id (arena), or NULL after NotFound. */
static json_t *stage_of(nb_req_t *req, json_t **doc, const char **api_id)
{
    *api_id = nb_arena_strdup(req->arena, nb_req_param(req, "apiId") ? nb_req_param(req, "apiId") : "");
    *doc = apigw__api_or_404(req, *api_id, "v2");
    return *doc ? apigw__child_or_404(req, *doc, "stages", nb_req_param(req, "stageName"), "Stage") : NULL;
}

void apigw__op_v2_delete_route_settings(nb_req_t *req)
{
    json_t *doc;
    const char *api_id;
    json_t *st = stage_of(req, &doc, &api_id);
    if (!st) return;
    const char *rk = nb_req_param(req, "routeKey");
    json_t *rs = json_object_get(st, "routeSettings");
    if (!rk || !json_object_get(rs, rk)) {
        nb_reply_error(req, APIGW_ERR_NOT_FOUND, "Unable to find RouteSettings for RouteKey %s", rk ? rk : "");
        return;
    }
    json_object_del(rs, rk);
    json_object_set_new(st, "lastUpdatedDate", apigw__iso_now());
    apigw__save_reply(req, 'a', api_id, doc, 204, NULL);
}

void apigw__op_v2_delete_access_log_settings(nb_req_t *req)
{
    json_t *doc;
    const char *api_id;
    json_t *st = stage_of(req, &doc, &api_id);
    if (!st) return;
    json_object_del(st, "accessLogSettings");
    json_object_set_new(st, "lastUpdatedDate", apigw__iso_now());
    apigw__save_reply(req, 'a', api_id, doc, 204, NULL);
}

void apigw__op_v2_delete_route_request_parameter(nb_req_t *req)
{
    const char *api_id = nb_arena_strdup(req->arena, nb_req_param(req, "apiId") ? nb_req_param(req, "apiId") : "");
    json_t *doc = apigw__api_or_404(req, api_id, "v2");
    json_t *route = doc ? apigw__child_or_404(req, doc, "routes", nb_req_param(req, "routeId"), "Route") : NULL;
    if (!route) return;
    const char *key = nb_req_param(req, "requestParameterKey");
    json_t *rp = json_object_get(route, "requestParameters");
    if (!key || !json_object_get(rp, key)) {
        nb_reply_error(req, APIGW_ERR_NOT_FOUND, "Invalid request parameter key %s", key ? key : "");
        return;
    }
    json_object_del(rp, key);
    apigw__save_reply(req, 'a', api_id, doc, 204, NULL);
}
