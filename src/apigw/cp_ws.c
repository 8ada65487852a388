/* cp_ws.c — WebSocket API control-plane pieces beyond the generic v2
 * collections: route responses (CreateRouteResponse...) and integration
 * responses (CreateIntegrationResponse...). A route's responses live inside
 * the route as "_responses" (id → RouteResponse), an integration's inside it
 * as "_responses" (id → IntegrationResponse), so deployment snapshots carry
 * them and route/integration listings do not show them. A route response's
 * key is "$default", the only one AWS lets WebSocket APIs define. A route with a
 * response is two-way: the data plane sends its integration's answer back to
 * the client (ws_call.c). Integration responses (keys "$default" or a /regex/
 * of the integration's status or a Lambda errorMessage, unique per
 * integration) shape a non-proxy integration's answer (ws_map.c). */
#include "apigw/apigw_int.h"
#include <string.h>

/* What one kind of sub-resource is: its parent collection and the names. */
typedef struct sub {
    const char *coll, *parent_param, *parent_what;   /* "routes", "routeId", "Route" */
    const char *id_param, *id_field, *key_field;      /* "routeResponseId" ... */
    const char *not_found;                            /* NotFoundException message */
    const char *const *fields;                        /* settable members, NULL-terminated */
} sub_t;

static const char *const rr_fields[] = {"routeResponseKey", "modelSelectionExpression", "responseModels",
                                        "responseParameters", NULL};
static const char *const ir_fields[] = {"integrationResponseKey", "contentHandlingStrategy", "responseParameters",
                                        "responseTemplates", "templateSelectionExpression", NULL};
static const sub_t route_resp = {"routes", "routeId", "Route", "routeResponseId", "routeResponseId",
                                 "routeResponseKey", "Invalid RouteResponse identifier specified", rr_fields};
static const sub_t integ_resp = {"integrations", "integrationId", "Integration", "integrationResponseId",
                                 "integrationResponseId", "integrationResponseKey",
                                 "Invalid IntegrationResponse identifier specified", ir_fields};

/* The parent (route or integration) named by the path (borrowed), or NULL after replying 404. */
static json_t *parent_of(nb_req_t *req, const sub_t *k, const char **api_id)
{
    *api_id = nb_req_param(req, "apiId");
    json_t *doc = apigw__api_or_404(req, *api_id, "v2");
    if (!doc) return NULL;
    *api_id = nb_arena_strdup(req->arena, *api_id);
    return apigw__child_or_404(req, doc, k->coll, nb_req_param(req, k->parent_param), k->parent_what);
}

static json_t *responses(json_t *parent)
{
    json_t *r = json_object_get(parent, "_responses");
    if (!r) json_object_set_new(parent, "_responses", r = json_object());
    return r;
}

static void copy_fields(const sub_t *k, json_t *dst, json_t *src)
{
    for (size_t i = 0; k->fields[i]; i++) {
        json_t *v = json_object_get(src, k->fields[i]);
        if (v) json_object_set(dst, k->fields[i], v);
    }
}

/* An integration response's checks: key "$default" or "/regex/", unique
 * (self: the one being updated), contentHandlingStrategy known; 0, or -1 once answered. */
static int check_integ_resp(nb_req_t *req, json_t *parent, json_t *ir, const char *self)
{
    const char *key = json_string_value(json_object_get(ir, "integrationResponseKey"));
    size_t n = key ? strlen(key) : 0;
    if (!key || (strcmp(key, "$default") != 0 && (n < 3 || key[0] != '/' || key[n - 1] != '/'))) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "IntegrationResponseKey must be $default or a /regex/: %s",
                       key ? key : "");
        return -1;
    }
    const char *chs = json_string_value(json_object_get(ir, "contentHandlingStrategy"));
    if (chs && strcmp(chs, "CONVERT_TO_BINARY") && strcmp(chs, "CONVERT_TO_TEXT")) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST,
                       "Invalid content handling strategy specified. Must be one of: [CONVERT_TO_BINARY, CONVERT_TO_TEXT]");
        return -1;
    }
    const char *id;
    json_t *o;
    json_object_foreach(json_object_get(parent, "_responses"), id, o) {
        const char *ok = json_string_value(json_object_get(o, "integrationResponseKey"));
        if (ok && strcmp(ok, key) == 0 && (!self || strcmp(id, self) != 0)) {
            nb_reply_error(req, APIGW_ERR_CONFLICT, "IntegrationResponse key already exists for this integration");
            return -1;
        }
    }
    return 0;
}

/* A route response's key: "You can only define the $default route response
 * for WebSocket APIs" (AWS's route response guide); 0, or -1 once answered. */
static int check_route_resp(nb_req_t *req, json_t *rr)
{
    const char *key = json_string_value(json_object_get(rr, "routeResponseKey"));
    if (!key || !*key) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "RouteResponseKey is required");
        return -1;
    }
    if (strcmp(key, "$default") != 0) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Only the $default route response key is supported: %s", key);
        return -1;
    }
    return 0;
}

static void create_sub(nb_req_t *req, const sub_t *k)
{
    const char *api_id;
    json_t *parent = parent_of(req, k, &api_id);
    if (!parent) return;
    json_t *r = json_object();
    copy_fields(k, r, req->json);
    if (k == &integ_resp) {
        if (check_integ_resp(req, parent, r, NULL) != 0) {
            json_decref(r);
            return;
        }
    } else if (check_route_resp(req, r) != 0) {
        json_decref(r);
        return;
    }
    char id[8];
    apigw__new_id(id, 7);
    json_object_set_new(r, k->id_field, json_string(id));
    json_object_set_new(responses(parent), id, r);
    apigw__save_reply(req, 'a', api_id, json_object_get(apigw__svc.apis, api_id), 201, apigw__public(r));
}

static void list_sub(nb_req_t *req, const sub_t *k)
{
    const char *api_id;
    json_t *parent = parent_of(req, k, &api_id);
    if (parent) nb_reply_json(req, 200, apigw__list(json_object_get(parent, "_responses"), "items"));
}

static json_t *response_of(nb_req_t *req, const sub_t *k, json_t *parent)
{
    const char *id = nb_req_param(req, k->id_param);
    json_t *r = id ? json_object_get(json_object_get(parent, "_responses"), id) : NULL;
    if (!r) nb_reply_error(req, APIGW_ERR_NOT_FOUND, "%s", k->not_found);
    return r;
}

static void get_sub(nb_req_t *req, const sub_t *k)
{
    const char *api_id;
    json_t *parent = parent_of(req, k, &api_id);
    json_t *r = parent ? response_of(req, k, parent) : NULL;
    if (r) nb_reply_json(req, 200, apigw__public(r));
}

static void update_sub(nb_req_t *req, const sub_t *k)
{
    const char *api_id;
    json_t *parent = parent_of(req, k, &api_id);
    json_t *r = parent ? response_of(req, k, parent) : NULL;
    if (!r) return;
    json_t *n = json_copy(r);   /* nothing half-applied */
    copy_fields(k, n, req->json);
    if (k == &integ_resp ? check_integ_resp(req, parent, n, nb_req_param(req, k->id_param)) != 0
                         : check_route_resp(req, n) != 0) {
        json_decref(n);
        return;
    }
    json_object_set_new(json_object_get(parent, "_responses"), nb_req_param(req, k->id_param), n);
    apigw__save_reply(req, 'a', api_id, json_object_get(apigw__svc.apis, api_id), 200, apigw__public(n));
}

static void delete_sub(nb_req_t *req, const sub_t *k)
{
    const char *api_id;
    json_t *parent = parent_of(req, k, &api_id);
    json_t *r = parent ? response_of(req, k, parent) : NULL;
    if (!r) return;
    json_object_del(json_object_get(parent, "_responses"), nb_req_param(req, k->id_param));
    apigw__save_reply(req, 'a', api_id, json_object_get(apigw__svc.apis, api_id), 204, NULL);
}

void apigw__op_v2_create_route_response(nb_req_t *req) { create_sub(req, &route_resp); }
void apigw__op_v2_get_route_responses(nb_req_t *req) { list_sub(req, &route_resp); }
void apigw__op_v2_get_route_response(nb_req_t *req) { get_sub(req, &route_resp); }
void apigw__op_v2_update_route_response(nb_req_t *req) { update_sub(req, &route_resp); }
void apigw__op_v2_delete_route_response(nb_req_t *req) { delete_sub(req, &route_resp); }
void apigw__op_v2_create_integration_response(nb_req_t *req) { create_sub(req, &integ_resp); }
void apigw__op_v2_get_integration_responses(nb_req_t *req) { list_sub(req, &integ_resp); }
void apigw__op_v2_get_integration_response(nb_req_t *req) { get_sub(req, &integ_resp); }
void apigw__op_v2_update_integration_response(nb_req_t *req) { update_sub(req, &integ_resp); }
void apigw__op_v2_delete_integration_response(nb_req_t *req) { delete_sub(req, &integ_resp); }
