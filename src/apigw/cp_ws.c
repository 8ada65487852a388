/* cp_ws.c — WebSocket API control-plane pieces beyond the generic v2
 * collections: route responses (CreateRouteResponse...). A route's responses
 * live inside the route as "_responses" (id → RouteResponse), so deployment
 * snapshots carry them and route listings do not show them. A route with a
 * response is two-way: the data plane sends its integration's answer back to
 * the client (ws_conn.c). */
#include "apigw/apigw_int.h"
#include <string.h>

/* The route named by the path (borrowed), or NULL after replying 404. */
static json_t *route_of(nb_req_t *req, const char **api_id)
{
    *api_id = nb_req_param(req, "apiId");
    json_t *doc = apigw__api_or_404(req, *api_id, "v2");
    if (!doc) return NULL;
    *api_id = nb_arena_strdup(req->arena, *api_id);
    return apigw__child_or_404(req, doc, "routes", nb_req_param(req, "routeId"), "Route");
}

static json_t *responses(json_t *route)
{
    json_t *r = json_object_get(route, "_responses");
    if (!r) json_object_set_new(route, "_responses", r = json_object());
    return r;
}

static void copy_fields(json_t *dst, json_t *src)
{
    static const char *const fields[] = {"routeResponseKey", "modelSelectionExpression", "responseModels",
                                         "responseParameters"};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        json_t *v = json_object_get(src, fields[i]);
        if (v) json_object_set(dst, fields[i], v);
    }
}

void apigw__op_v2_create_route_response(nb_req_t *req)
{
    const char *api_id;
    json_t *route = route_of(req, &api_id);
    if (!route) return;
    const char *key = json_string_value(json_object_get(req->json, "routeResponseKey"));
    if (!key || !*key) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "RouteResponseKey is required");
        return;
    }
    char id[8];
    apigw__new_id(id, 7);
    json_t *rr = json_object();
    copy_fields(rr, req->json);
    json_object_set_new(rr, "routeResponseId", json_string(id));
    json_object_set_new(responses(route), id, rr);
    apigw__save_reply(req, 'a', api_id, json_object_get(apigw__svc.apis, api_id), 201, apigw__public(rr));
}

void apigw__op_v2_get_route_responses(nb_req_t *req)
{
    const char *api_id;
    json_t *route = route_of(req, &api_id);
    if (route) nb_reply_json(req, 200, apigw__list(json_object_get(route, "_responses"), "items"));
}

static json_t *response_of(nb_req_t *req, json_t *route)
{
    json_t *rr = json_object_get(json_object_get(route, "_responses"), nb_req_param(req, "routeResponseId"));
    if (!rr) nb_reply_error(req, APIGW_ERR_NOT_FOUND, "Invalid RouteResponse identifier specified");
    return rr;
}

void apigw__op_v2_get_route_response(nb_req_t *req)
{
    const char *api_id;
    json_t *route = route_of(req, &api_id);
    json_t *rr = route ? response_of(req, route) : NULL;
    if (rr) nb_reply_json(req, 200, apigw__public(rr));
}

void apigw__op_v2_update_route_response(nb_req_t *req)
{
    const char *api_id;
    json_t *route = route_of(req, &api_id);
    json_t *rr = route ? response_of(req, route) : NULL;
    if (!rr) return;
    copy_fields(rr, req->json);
    apigw__save_reply(req, 'a', api_id, json_object_get(apigw__svc.apis, api_id), 200, apigw__public(rr));
}

void apigw__op_v2_delete_route_response(nb_req_t *req)
{
    const char *api_id;
    json_t *route = route_of(req, &api_id);
    json_t *rr = route ? response_of(req, route) : NULL;
    if (!rr) return;
    json_object_del(json_object_get(route, "_responses"), nb_req_param(req, "routeResponseId"));
    apigw__save_reply(req, 'a', api_id, json_object_get(apigw__svc.apis, api_id), 204, NULL);
}
