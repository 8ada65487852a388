/* ws_conn.c — open WebSocket API connections (see ws_int.h for the states;
 * ws_open.c takes a connection request as far as the switch):
 *   OPEN: frames ─ws_rx─▶ text messages ─route selection─▶ custom route / $default ─▶ its
 *         integration (ws_call.c: Lambda proxy, or MOCK / AWS / HTTP through
 *         templates; answer sent back when the route has a route response), ping → pong,
 *         close frame → close frame back, protocol error / oversized → close 1002/1007/1009,
 *         a binary message → close 1003 (AWS does not take binary frames)
 *   end (close, drop, DeleteConnection, server stop) ──▶ $disconnect, GONE
 * A message is throttled by the stage's routeSettings / defaultRouteSettings
 * before its function runs (the client gets {"message": "Too many requests",
 * "connectionId", "requestId"}); each MESSAGE and DISCONNECT writes the
 * stage's access log line (MESSAGE once settled: answered, failed, timed out).
 * Addresses: ws://{api}.execute-api.localhost:PORT/{stage} and
 * ws://127.0.0.1:PORT/_aws/execute-api/{api}/{stage}. */
#include "apigw/dp.h"
#include "apigw/access_log.h"
#include "apigw/throttle.h"
#include "apigw/ws.h"
#include "apigw/ws_int.h"
#include "core/alloc.h"
#include "core/log.h"
#include "core/util.h"
#include "lambda/lambda.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define BUCKETS 1024

static apigw_ws_t *registry[BUCKETS];

static unsigned bucket(const char *id)
{
    unsigned h = 2166136261u;
    for (const char *p = id; *p; p++) h = (h ^ (unsigned char)*p) * 16777619u;
    return h % BUCKETS;
}

static void reg_add(apigw_ws_t *ws)
{
    unsigned b = bucket(ws->id);
    ws->hnext = registry[b];
    registry[b] = ws;
}

static void reg_del(apigw_ws_t *ws)
{
    for (apigw_ws_t **p = &registry[bucket(ws->id)]; *p; p = &(*p)->hnext)
        if (*p == ws) {
            *p = ws->hnext;
            return;
        }
}

apigw_ws_t *apigw__ws_find(const char *id)
{
    for (apigw_ws_t *ws = registry[bucket(id)]; ws; ws = ws->hnext)
        if (strcmp(ws->id, id) == 0) return ws->state == APIGW_WS_OPEN ? ws : NULL;
    return NULL;
}

void apigw__ws_unref(apigw_ws_t *ws)
{
    if (--ws->refs > 0) return;
    free(ws->api_id);
    free(ws->stage);
    free(ws->domain);
    free(ws->source_ip);
    free(ws->user_agent);
    free(ws->close_reason);
    json_decref(ws->authorizer);
    apigw__ws_rx_free(&ws->rx);
    free(ws);
}

/* AWS's connection, message and request ids: 16 characters ending in '='. */
void apigw__ws_new_id(char out[20])
{
    static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    unsigned char r[15];
    nb_random_bytes(r, sizeof r);
    for (size_t i = 0; i < sizeof r; i++) out[i] = alnum[r[i] % 62];
    out[15] = '=';
    out[16] = 0;
}

void apigw__ws_info(const apigw_ws_t *ws, apigw_ws_info_t *ci)
{
    ci->api_id = ws->api_id;
    ci->stage = ws->stage;
    ci->connection_id = ws->id;
    ci->domain = ws->domain;
    ci->source_ip = ws->source_ip;
    ci->user_agent = ws->user_agent;
    ci->account = apigw__svc.ctx ? apigw__svc.ctx->cfg->account : "";
    ci->connected_at = ws->connected_at;
    ci->authorizer = ws->authorizer;
}

/* --- routes --------------------------------------------------------------- */

/* The document a stage of api serves now (borrowed), or NULL; *stage_obj
 * (may be NULL) gets the stage (borrowed). */
json_t *apigw__ws_served(const char *api_id, const char *stage, json_t **stage_obj)
{
    json_t *live = apigw__svc.apis ? json_object_get(apigw__svc.apis, api_id) : NULL;
    json_t *st = json_object_get(json_object_get(live, "stages"), stage);
    if (stage_obj) *stage_obj = st;
    return st ? apigw__dp_served(st, live) : NULL;
}

json_t *apigw__ws_route(json_t *doc, const char *key)
{
    const char *k;
    json_t *r;
    json_object_foreach(json_object_get(doc, "routes"), k, r) {
        const char *rk = json_string_value(json_object_get(r, "routeKey"));
        if (rk && strcmp(rk, key) == 0) return r;
    }
    return NULL;
}

/* uri with ${stageVariables.x} replaced from stage's variables (arena). */
const char *apigw__ws_stage_subst(nb_arena_t *a, json_t *stage, const char *uri)
{
    if (!uri || !strstr(uri, "${stageVariables.")) return uri;
    json_t *vars = json_object_get(stage, "stageVariables");
    nb_buf_t b = NB_BUF_INIT;
    for (const char *p = uri; *p;) {
        const char *e = strncmp(p, "${stageVariables.", 17) == 0 ? strchr(p, '}') : NULL;
        if (!e) {
            nb_buf_putc(&b, *p++);
            continue;
        }
        char *name = nb_arena_strndup(a, p + 17, (size_t)(e - p - 17));
        const char *v = json_string_value(json_object_get(vars, name));
        nb_buf_puts(&b, v ? v : "");
        p = e + 1;
    }
    const char *r = nb_arena_strndup(a, b.data ? b.data : "", b.len);
    nb_buf_free(&b);
    return r;
}

unsigned apigw__ws_integration_timeout(json_t *integ)
{
    json_int_t to = json_integer_value(json_object_get(integ, "timeoutInMillis"));
    return to > 0 ? (unsigned)to : 29000;
}

const char *apigw__ws_integration_function(nb_arena_t *a, json_t *stage, json_t *integ)
{
    return apigw__lambda_target(a, apigw__ws_stage_subst(a, stage, json_string_value(json_object_get(integ, "integrationUri"))));
}

const char *apigw__ws_route_function(nb_arena_t *a, json_t *stage, json_t *doc, json_t *route, unsigned *timeout_ms)
{
    json_t *integ = apigw__ws_route_integration(doc, route);
    const char *type = json_string_value(json_object_get(integ, "integrationType"));
    if (!type || strcmp(type, "AWS_PROXY") != 0) return NULL;
    if (timeout_ms) *timeout_ms = apigw__ws_integration_timeout(integ);
    return apigw__ws_integration_function(a, stage, integ);
}

json_t *apigw__ws_route_integration(json_t *doc, json_t *route)
{
    const char *target = json_string_value(json_object_get(route, "target"));
    if (!target || strncmp(target, "integrations/", 13) != 0) return NULL;
    return json_object_get(json_object_get(doc, "integrations"), target + 13);
}

/* A route answers its messages (two-way) when it has a route response. */
static int two_way(json_t *route)
{
    return json_object_size(json_object_get(route, "_responses")) > 0;
}

static const char *selection_expr(json_t *doc)
{
    return json_string_value(json_object_get(json_object_get(doc, "api"), "routeSelectionExpression"));
}

/* --- frames out ----------------------------------------------------------- */

int apigw__ws_send_frame(apigw_ws_t *ws, int opcode, const void *data, size_t len)
{
    if (!ws->conn || ws->state != APIGW_WS_OPEN) return -1;
    nb_buf_t b = NB_BUF_INIT;
    apigw__ws_frame(&b, opcode, data, len);
    int r = nb_conn_write(ws->conn, b.data, b.len);
    nb_buf_free(&b);
    return r;
}

int apigw__ws_send(apigw_ws_t *ws, const void *data, size_t len)
{
    int text = apigw__utf8_valid(data, len);
    return apigw__ws_send_frame(ws, text ? APIGW_WS_TEXT : APIGW_WS_BINARY, data, len);
}

static void set_close(apigw_ws_t *ws, unsigned code, const char *reason)
{
    if (ws->close_code) return;   /* the first cause wins */
    ws->close_code = code;
    free(ws->close_reason);
    ws->close_reason = nb_xstrdup(reason ? reason : "");
}

/* Send a close frame (code 0: without a code) and end the connection. */
static void close_with(apigw_ws_t *ws, unsigned code, const char *reason)
{
    if (!ws->conn || ws->state != APIGW_WS_OPEN) return;
    nb_buf_t b = NB_BUF_INIT;
    if (code) apigw__ws_close_frame(&b, code, reason);
    else apigw__ws_frame(&b, APIGW_WS_CLOSE, NULL, 0);
    nb_conn_write(ws->conn, b.data, b.len);
    nb_buf_free(&b);
    nb_conn_close(ws->conn);
    ws->state = APIGW_WS_GONE;   /* no more sends; on_close unregisters */
}

/* nimbus stopping: the client is told, as RFC 6455 has a server going down do. */
static void on_server_stop(nb_conn_t *conn, void *arg)
{
    (void)conn;
    apigw_ws_t *ws = arg;
    set_close(ws, 1001, "Going away");
    close_with(ws, 1001, "Going away");
}

void apigw__ws_disconnect(apigw_ws_t *ws, unsigned code)
{
    /* $disconnect after DeleteConnection, as API Gateway's execution log shows it
     * (boto/boto3#3789): disconnectStatusCode 1000, "Connection Closed Normally" */
    set_close(ws, code, "Connection Closed Normally");
    close_with(ws, code, "");
}

void apigw__ws_gw_message(apigw_ws_t *ws, const char *msg, const char *request_id)
{
    nb_buf_t b = NB_BUF_INIT;
    apigw__ws_gateway_message(&b, msg, ws->id, request_id);
    apigw__ws_send_frame(ws, APIGW_WS_TEXT, b.data, b.len);
    nb_buf_free(&b);
}

/* --- limits: idle time and connection lifetime ------------------------------- */

static void on_timer_closed(uv_handle_t *h)
{
    apigw__ws_unref(h->data);
}

static void arm_limits(apigw_ws_t *ws);

static void on_limit(uv_timer_t *t)
{
    apigw_ws_t *ws = t->data;
    if (ws->state != APIGW_WS_OPEN) return;
    nb_ctx_t *ctx = apigw__svc.ctx;
    uint64_t now = nb_wall_ms();
    uint64_t idle = (uint64_t)nb_config_get_long(ctx->cfg, "apigw.ws_idle_timeout_ms", 600000);
    uint64_t life = (uint64_t)nb_config_get_long(ctx->cfg, "apigw.ws_max_duration_ms", 7200000);
    if (now >= ws->last_active + idle || now >= ws->connected_at + life) {
        set_close(ws, 1001, "Going away");
        close_with(ws, 1001, "Going away");
        return;
    }
    arm_limits(ws);
}

static void arm_limits(apigw_ws_t *ws)
{
    nb_ctx_t *ctx = apigw__svc.ctx;
    uint64_t idle = (uint64_t)nb_config_get_long(ctx->cfg, "apigw.ws_idle_timeout_ms", 600000);
    uint64_t life = (uint64_t)nb_config_get_long(ctx->cfg, "apigw.ws_max_duration_ms", 7200000);
    uint64_t due = ws->last_active + idle, end = ws->connected_at + life, now = nb_wall_ms();
    if (end < due) due = end;
    if (!ws->timer_on) {
        uv_timer_init(ctx->loop, &ws->timer);
        ws->timer.data = ws;
        ws->timer_on = 1;
        ws->refs++;
    }
    uv_timer_start(&ws->timer, on_limit, due > now ? due - now : 0, 0);
}

/* --- messages in ----------------------------------------------------------- */

/* A text message: its route, then its function (or the gateway's own answer). */
static void route_message(apigw_ws_t *ws, const unsigned char *data, size_t len)
{
    nb_arena_t *a = nb_arena_new(2048);
    char rid[20], mid[20];
    apigw__ws_new_id(rid);   /* AWS's requestId form, as its connection ids */
    apigw__ws_new_id(mid);
    json_t *st;
    json_t *doc = apigw__ws_served(ws->api_id, ws->stage, &st);
    const char *key = NULL;
    if (doc)
        key = apigw__ws_select_route(a, selection_expr(doc), (const char *)data, len);
    json_t *route = key ? apigw__ws_route(doc, key) : NULL;
    if (!route || key[0] == '$') route = doc ? apigw__ws_route(doc, "$default") : NULL;
    unsigned to = 29000;
    const char *fn = route ? apigw__ws_route_function(a, st, doc, route, &to) : NULL;
    const char *rk = route ? json_string_value(json_object_get(route, "routeKey")) : "$default";
    apigw_ws_log_t log = {ws, "MESSAGE", rk, rid, mid, NULL, 0, nb_wall_ms(), nb_now_us()};
    if (!route) {
        apigw__ws_gw_message(ws, "Forbidden", rid);
        log.status = 403;
        log.error = "Forbidden";
        apigw__ws_access_log(&log);
    } else if (apigw__throttle_route(ws->api_id, ws->stage, st, rk) != 0) {
        apigw__ws_gw_message(ws, "Too many requests", rid);   /* the message never reaches the function */
        log.status = 429;
        log.error = "Too many requests";
        apigw__ws_access_log(&log);
    } else if (apigw__ws_integration_kind(apigw__ws_route_integration(doc, route)) >= APIGW_WS_INT_MOCK) {
        apigw_ws_info_t ci;
        apigw__ws_info(ws, &ci);
        json_t *ctx = apigw__ws_map_context(&ci, "MESSAGE", rk, rid, mid, log.t_ms);
        apigw__ws_run_mapped(ws, st, apigw__ws_route_integration(doc, route), ctx, (const char *)data, len, two_way(route), rid,
                             &log);
        json_decref(ctx);
    } else if (!fn) {
        apigw__ws_gw_message(ws, "Internal server error", rid);
        log.status = 500;
        log.error = "Internal server error";
        apigw__ws_access_log(&log);
    } else {
        apigw_ws_info_t ci;
        apigw__ws_info(ws, &ci);
        json_t *ev = apigw__ws_event(&ci, "MESSAGE", rk, rid, mid, log.t_ms);
        json_object_set_new(ev, "body", json_stringn((const char *)data, len));
        apigw__ws_invoke(ws, fn, to, ev, two_way(route), rid, &log);
        json_decref(ev);
    }
    nb_arena_free(a);
}

static void on_data(nb_conn_t *conn, void *arg, const char *data, size_t len)
{
    (void)conn;
    apigw_ws_t *ws = arg;
    if (ws->state != APIGW_WS_OPEN) return;
    ws->last_active = nb_wall_ms();
    apigw__ws_rx_feed(&ws->rx, data, len);
    while (ws->state == APIGW_WS_OPEN) {
        apigw_ws_event_t ev;
        int r = apigw__ws_rx_next(&ws->rx, &ev);
        if (r == 0) return;
        if (r < 0) {
            const char *why = r == -1009 ? "Message too big" : r == -1007 ? "Invalid UTF-8" : "Protocol error";
            set_close(ws, (unsigned)-r, why);
            close_with(ws, (unsigned)-r, why);
            return;
        }
        switch (ev.kind) {
        case APIGW_WS_TEXT:
            route_message(ws, ev.data, ev.len);
            break;
        case APIGW_WS_BINARY:
            /* "API Gateway WebSocket APIs don't currently support binary frames in
             * incoming message payloads. If a client app sends a binary frame, API
             * Gateway rejects it and disconnects the client with code 1003."
             * (AWS's binary media types guide for WebSocket APIs) */
            set_close(ws, 1003, "Unsupported data");
            close_with(ws, 1003, "Unsupported data");
            return;
        case APIGW_WS_PING:
            apigw__ws_send_frame(ws, APIGW_WS_PONG, ev.data, ev.len);
            break;
        case APIGW_WS_CLOSE: {
            char reason[128];
            snprintf(reason, sizeof reason, "%.*s", (int)(ev.len < 123 ? ev.len : 123), (const char *)ev.data);
            if (ev.close_code == 1005) set_close(ws, 1005, "Client-side close frame status not set");
            else set_close(ws, ev.close_code, reason);
            close_with(ws, ev.close_code == 1005 ? 0 : ev.close_code, "");
            return;
        }
        default:
            break;   /* pong */
        }
    }
}

/* The connection ended: $disconnect, then the record goes once idle. */
static void on_close(nb_conn_t *conn, void *arg)
{
    (void)conn;
    apigw_ws_t *ws = arg;
    ws->conn = NULL;
    ws->state = APIGW_WS_GONE;
    reg_del(ws);
    if (ws->timer_on) {
        ws->timer_on = 0;
        uv_close((uv_handle_t *)&ws->timer, on_timer_closed);
    }
    set_close(ws, 1006, "Going away");
    nb_arena_t *a = nb_arena_new(1024);
    json_t *st;
    json_t *doc = apigw__ws_served(ws->api_id, ws->stage, &st);
    json_t *route = doc ? apigw__ws_route(doc, "$disconnect") : NULL;
    unsigned to = 29000;
    const char *fn = route ? apigw__ws_route_function(a, st, doc, route, &to) : NULL;
    char rid[20];
    apigw__ws_new_id(rid);   /* AWS's requestId form, as its connection ids */
    apigw_ws_log_t log = {ws, "DISCONNECT", "$disconnect", rid, NULL, NULL, 200, nb_wall_ms(), nb_now_us()};
    apigw__ws_access_log(&log);
    if (fn && apigw__svc.ctx) {
        apigw_ws_info_t ci;
        apigw__ws_info(ws, &ci);
        json_t *ev = apigw__ws_event(&ci, "DISCONNECT", "$disconnect", rid, NULL, nb_wall_ms());
        json_t *rc = json_object_get(ev, "requestContext");
        json_object_set_new(rc, "disconnectStatusCode", json_integer(ws->close_code));
        json_object_set_new(rc, "disconnectReason", json_string(ws->close_reason));
        json_t *h = json_pack("{s:s,s:s,s:s,s:s}", "Host", ws->domain, "x-api-key", "", "X-Forwarded-For", "",
                              "x-restapi", "");
        json_t *mh = json_object();
        const char *k;
        json_t *v;
        json_object_foreach(h, k, v) json_object_set_new(mh, k, json_pack("[O]", v));
        json_object_set_new(ev, "headers", h);
        json_object_set_new(ev, "multiValueHeaders", mh);
        apigw__ws_invoke(ws, fn, to, ev, 0, rid, NULL);
        json_decref(ev);
    } else if (route && apigw__svc.ctx &&
               apigw__ws_integration_kind(apigw__ws_route_integration(doc, route)) >= APIGW_WS_INT_MOCK) {
        apigw_ws_info_t ci;
        apigw__ws_info(ws, &ci);
        json_t *ctx = apigw__ws_map_context(&ci, "DISCONNECT", "$disconnect", rid, NULL, nb_wall_ms());
        json_object_set_new(ctx, "disconnectStatusCode", json_integer(ws->close_code));
        json_object_set_new(ctx, "disconnectReason", json_string(ws->close_reason));
        apigw__ws_run_mapped(ws, st, apigw__ws_route_integration(doc, route), ctx, "", 0, 0, rid, NULL);
        json_decref(ctx);
    }
    nb_arena_free(a);
    apigw__ws_unref(ws);
}

/* --- opening ---------------------------------------------------------------- */

void apigw__ws_open(apigw_ws_t *ws, nb_req_t *req, const nb_kv_t *headers, size_t n_headers)
{
    ws->conn = nb_http_upgrade(req, headers, n_headers, on_data, on_close, ws);
    if (ws->conn) nb_conn_on_server_stop(ws->conn, on_server_stop);
    if (!ws->conn) {          /* the client left while $connect ran */
        ws->state = APIGW_WS_OPEN;
        on_close(NULL, ws);
        return;
    }
    ws->state = APIGW_WS_OPEN;
    reg_add(ws);
    arm_limits(ws);
}
