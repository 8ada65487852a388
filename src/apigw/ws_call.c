/* ws_call.c — what a WebSocket route's integration is asked, once the
 * connection is OPEN (ws_conn.c routes messages and runs $disconnect here):
 *   AWS_PROXY: the route's proxy event to its function; a two-way route
 *     (one with a route response) sends the function's body back
 *   MOCK, AWS (Lambda), HTTP: the request template's output (ws_map.c) to the
 *     backend — MOCK answers at once with its template's statusCode — and the
 *     integration response's template on the answer back to a two-way route
 *   HTTP_PROXY: the message as it is to the backend (requestParameters map
 *     headers and query strings), its body as it is back to a two-way route,
 *     whatever its status (AWS's integration responses guide: a proxy
 *     integration's output is passed to the caller as the complete payload)
 * Every call is bounded by the integration's timeoutInMillis (the client
 * gets {"message": "Endpoint request timed out", …}); a failed function,
 * an unreachable backend, a broken template or an answer no integration
 * response takes get {"message": "Internal server error", …}. Each MESSAGE
 * writes the stage's access log line once settled. */
#include "apigw/dp.h"
#include "apigw/access_log.h"
#include "apigw/httpc.h"
#include "apigw/ws.h"
#include "apigw/ws_int.h"
#include "core/alloc.h"
#include "core/util.h"
#include "lambda/lambda.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* --- access logs ------------------------------------------------------------ */

static const char *ws_var(void *arg, const char *name, char *num, size_t cap)
{
    const apigw_ws_log_t *l = arg;
    const apigw_ws_t *ws = l->ws;
    if (!strcmp(name, "requestId") || !strcmp(name, "extendedRequestId")) return l->request_id;
    if (!strcmp(name, "connectionId")) return ws->id;
    if (!strcmp(name, "eventType")) return l->event;
    if (!strcmp(name, "routeKey")) return l->route_key;
    if (!strcmp(name, "messageId")) return l->message_id;
    if (!strcmp(name, "error.message")) return l->error;
    if (!strcmp(name, "identity.sourceIp")) return ws->source_ip;
    if (!strcmp(name, "identity.userAgent")) return ws->user_agent;
    if (!strcmp(name, "apiId")) return ws->api_id;
    if (!strcmp(name, "stage")) return ws->stage;
    if (!strcmp(name, "domainName")) return ws->domain;
    if (!strcmp(name, "accountId")) return apigw__svc.ctx ? apigw__svc.ctx->cfg->account : NULL;
    if (!strcmp(name, "status")) { snprintf(num, cap, "%d", l->status); return num; }
    if (!strcmp(name, "connectedAt")) { snprintf(num, cap, "%llu", (unsigned long long)ws->connected_at); return num; }
    if (!strcmp(name, "requestTime")) { apigw__clf_time(l->t_ms, num, cap); return num; }
    if (!strcmp(name, "requestTimeEpoch")) { snprintf(num, cap, "%llu", (unsigned long long)l->t_ms); return num; }
    if (!strcmp(name, "integrationLatency") || !strcmp(name, "responseLatency")) {
        snprintf(num, cap, "%llu", (unsigned long long)((nb_now_us() - l->t0_us) / 1000));
        return num;
    }
    return NULL;
}

void apigw__ws_access_log(const apigw_ws_log_t *l)
{
    json_t *st;
    apigw__ws_served(l->ws->api_id, l->ws->stage, &st);
    apigw__access_log(st, l->ws->api_id, l->ws->stage, 0, 0, ws_var, (void *)l);
}

/* --- calls ------------------------------------------------------------------ */

/* One route call, bounded by the integration timeout:
 *   pending ──the backend answers──▶ answered (timer closed) ──▶ freed
 *      └─────timer fires─────▶ timed out ("Endpoint request timed out" sent)
 *                                  ──the backend answers (ignored)──▶ freed
 * Freed once the backend's callback has run and the timer handle is closed. */
typedef struct ws_call {
    apigw_ws_t *ws;
    int two_way;
    int refs;                   /* backend callback pending + timer handle open */
    int settled;                /* answered or timed out */
    uv_timer_t timer;
    char request_id[40];
    int logged;                 /* a MESSAGE: its access log line when settled */
    char message_id[20];
    char route_key[128];
    uint64_t t_ms, t0_us;
    /* non-proxy integrations: what the integration response's templates read */
    json_t *integ, *stage, *ctx;   /* refs */
    char *body;                 /* the message (heap) */
    size_t len;
} ws_call_t;

static void call_log(ws_call_t *c, int status, const char *error)
{
    if (!c->logged) return;
    apigw_ws_log_t l = {c->ws, "MESSAGE", c->route_key, c->request_id, c->message_id, error, status, c->t_ms, c->t0_us};
    apigw__ws_access_log(&l);
}

static void call_unref(ws_call_t *c)
{
    if (--c->refs > 0) return;
    apigw__ws_unref(c->ws);
    json_decref(c->integ);
    json_decref(c->stage);
    json_decref(c->ctx);
    free(c->body);
    free(c);
}

static void on_call_timer_closed(uv_handle_t *h)
{
    call_unref(h->data);
}

static void on_call_timeout(uv_timer_t *t)
{
    ws_call_t *c = t->data;
    c->settled = 1;
    if (c->ws->state == APIGW_WS_OPEN) apigw__ws_gw_message(c->ws, "Endpoint request timed out", c->request_id);
    call_log(c, 504, "Endpoint request timed out");
    uv_close((uv_handle_t *)&c->timer, on_call_timer_closed);
}

/* The backend answered before the deadline: 1 (the timer is stopped), else 0. */
static int call_settle(ws_call_t *c)
{
    if (c->settled) return 0;
    c->settled = 1;
    uv_timer_stop(&c->timer);
    uv_close((uv_handle_t *)&c->timer, on_call_timer_closed);
    return 1;
}

static ws_call_t *call_new(apigw_ws_t *ws, int two_way, unsigned timeout_ms, const char *request_id,
                           const apigw_ws_log_t *log)
{
    ws_call_t *c = nb_xcalloc(1, sizeof *c);
    if (log) {
        c->logged = 1;
        snprintf(c->message_id, sizeof c->message_id, "%s", log->message_id);
        snprintf(c->route_key, sizeof c->route_key, "%s", log->route_key);
        c->t_ms = log->t_ms;
        c->t0_us = log->t0_us;
    }
    c->ws = ws;
    c->two_way = two_way;
    c->refs = 2;
    snprintf(c->request_id, sizeof c->request_id, "%s", request_id);
    ws->refs++;
    uv_timer_init(apigw__svc.ctx->loop, &c->timer);
    c->timer.data = c;
    uv_timer_start(&c->timer, on_call_timeout, timeout_ms, 0);
    return c;
}

/* The client's copy of a two-way route's answer: the proxy response's body
 * (decoded when isBase64Encoded), a string's value, or the JSON itself. */
static void send_answer(apigw_ws_t *ws, const char *payload, size_t len)
{
    json_t *j = json_loadb(payload, len, JSON_DECODE_ANY, NULL);
    if (json_is_object(j) && (json_object_get(j, "statusCode") || json_object_get(j, "body"))) {
        json_t *body = json_object_get(j, "body");
        const char *s = json_string_value(body);
        if (s && json_is_true(json_object_get(j, "isBase64Encoded"))) {
            nb_buf_t d = NB_BUF_INIT;
            if (nb_base64_decode(&d, s, json_string_length(body)) == 0)
                apigw__ws_send_frame(ws, APIGW_WS_BINARY, d.data, d.len);
            nb_buf_free(&d);
        } else if (s) {
            apigw__ws_send(ws, s, json_string_length(body));
        }
    } else if (json_is_string(j)) {
        apigw__ws_send(ws, json_string_value(j), json_string_length(j));
    } else if (len) {
        apigw__ws_send(ws, payload, len);
    }
    json_decref(j);
}

static void on_proxy_result(void *arg, const lambda_result_t *res)
{
    ws_call_t *c = arg;
    apigw_ws_t *ws = c->ws;
    if (call_settle(c)) {
        int failed = res->error != NB_OK || res->function_error;
        if (ws->state == APIGW_WS_OPEN) {
            if (failed)
                apigw__ws_gw_message(ws, "Internal server error", c->request_id);
            else if (c->two_way)
                send_answer(ws, res->payload, res->payload_len);
        }
        call_log(c, failed ? 500 : 200, failed ? "Internal server error" : NULL);
    }
    call_unref(c);
}

void apigw__ws_invoke(apigw_ws_t *ws, const char *fn, unsigned timeout_ms, json_t *event, int two_way,
                      const char *request_id, const apigw_ws_log_t *log)
{
    char *text = json_dumps(event, JSON_COMPACT);
    ws_call_t *c = call_new(ws, two_way, timeout_ms, request_id, log);
    lambda_invoke(apigw__svc.ctx, fn, NULL, text, strlen(text), on_proxy_result, c);
    free(text);
}

/* --- non-proxy integrations ---------------------------------------------------- */

/* The gateway's answer for a mapping that failed, and the access log's status. */
static int map_error(apigw_ws_t *ws, const char *request_id, int rc, const char **err)
{
    if (rc == APIGW_WS_MAP_REFUSED) {   /* as REST's 415 for a body no template takes */
        *err = "Unsupported Media Type";
        if (ws->state == APIGW_WS_OPEN) apigw__ws_gw_message(ws, *err, request_id);
        return 415;
    }
    *err = "Internal server error";
    if (ws->state == APIGW_WS_OPEN) apigw__ws_gw_message(ws, *err, request_id);
    return 500;
}

/* Answer r (NULL: the backend could not be reached) through the integration
 * responses, sent back on a two-way route; the access log's status. */
static int deliver(apigw_ws_t *ws, int two_way, const apigw_ws_mreq_t *m, const apigw_ws_answer_t *r,
                   const char *request_id, const char **err)
{
    *err = NULL;
    if (!r) return map_error(ws, request_id, APIGW_WS_MAP_FAILED, err);
    nb_arena_t *a = nb_arena_new(1024);
    nb_buf_t out = NB_BUF_INIT;
    int binary;
    int rc = apigw__ws_map_response(a, m, r, &out, &binary);
    int status = 200;
    if (rc != 0) status = map_error(ws, request_id, rc, err);
    else if (two_way && out.len && ws->state == APIGW_WS_OPEN && binary)
        apigw__ws_send_frame(ws, APIGW_WS_BINARY, out.data, out.len);
    else if (two_way && out.len && ws->state == APIGW_WS_OPEN)
        apigw__ws_send(ws, out.data, out.len);
    nb_buf_free(&out);
    nb_arena_free(a);
    return status;
}

static void call_mreq(const ws_call_t *c, apigw_ws_mreq_t *m)
{
    memset(m, 0, sizeof *m);
    m->integ = c->integ;
    m->stage = c->stage;
    m->ctx = c->ctx;
    m->body = c->body;
    m->len = c->len;
}

static void call_deliver(ws_call_t *c, const apigw_ws_answer_t *r)
{
    apigw_ws_mreq_t m;
    call_mreq(c, &m);
    const char *err;
    int status = deliver(c->ws, c->two_way, &m, r, c->request_id, &err);
    call_log(c, status, err);
}

static void on_lambda_result(void *arg, const lambda_result_t *res)
{
    ws_call_t *c = arg;
    if (call_settle(c)) {
        if (res->error != NB_OK) {
            call_deliver(c, NULL);
        } else {
            nb_arena_t *a = nb_arena_new(512);
            /* the key integration responses match: "$integration.response.body.errorMessage"
             * for Lambda (AWS's data transformations guide) */
            apigw_ws_answer_t r = {apigw__ws_lambda_key(a, res->payload, res->payload_len),
                                   res->function_error ? 500 : 200, NULL, 0, res->payload, res->payload_len};
            call_deliver(c, &r);
            nb_arena_free(a);
        }
    }
    call_unref(c);
}

static void on_http_result(void *arg, const apigw_httpc_resp_t *resp)
{
    ws_call_t *c = arg;
    if (!call_settle(c)) {
        call_unref(c);   /* timed out already */
        return;
    }
    if (resp->status == -2) {   /* the client's own deadline: as the call's timer */
        if (c->ws->state == APIGW_WS_OPEN) apigw__ws_gw_message(c->ws, "Endpoint request timed out", c->request_id);
        call_log(c, 504, "Endpoint request timed out");
    } else if (resp->status >= 0 && apigw__ws_integration_kind(c->integ) == APIGW_WS_INT_HTTP_PROXY) {
        /* no integration response: the backend's body as it is */
        if (c->two_way && resp->body_len && c->ws->state == APIGW_WS_OPEN) apigw__ws_send(c->ws, resp->body, resp->body_len);
        call_log(c, resp->status, NULL);
    } else {
        char key[16];
        snprintf(key, sizeof key, "%d", resp->status);
        apigw_ws_answer_t r = {key, resp->status, resp->headers, resp->n_headers, resp->body ? resp->body : "",
                               resp->body_len};
        call_deliver(c, resp->status < 0 ? NULL : &r);
    }
    call_unref(c);
}

void apigw__ws_run_mapped(apigw_ws_t *ws, json_t *stage, json_t *integ, json_t *ctx, const char *body, size_t len,
                          int two_way, const char *request_id, const apigw_ws_log_t *log)
{
    nb_arena_t *a = nb_arena_new(2048);
    apigw_ws_mreq_t m = {.integ = integ, .stage = stage, .ctx = ctx, .body = body, .len = len};
    nb_buf_t req = NB_BUF_INIT;
    int kind = apigw__ws_integration_kind(integ);
    int rc = 0;
    if (kind == APIGW_WS_INT_HTTP_PROXY) nb_buf_append(&req, body, len);   /* no templates: the message */
    else rc = apigw__ws_map_request(a, &m, &req);
    const char *fn = NULL;
    if (rc == 0 && kind == APIGW_WS_INT_LAMBDA) {
        fn = apigw__ws_integration_function(a, stage, integ);
        if (!fn) rc = APIGW_WS_MAP_FAILED;
    }
    const char *err = NULL;
    int status = 0;
    if (rc != 0) {
        status = map_error(ws, request_id, rc, &err);
    } else if (kind == APIGW_WS_INT_MOCK) {
        int st = apigw__ws_mock_status(req.data ? req.data : "", req.len);
        char key[16];
        snprintf(key, sizeof key, "%d", st);
        apigw_ws_answer_t r = {key, st, NULL, 0, "", 0};
        status = deliver(ws, two_way, &m, &r, request_id, &err);
    } else {
        unsigned tms = apigw__ws_integration_timeout(integ);
        ws_call_t *c = call_new(ws, two_way, tms, request_id, log);
        c->integ = json_incref(integ);
        c->stage = json_incref(stage);
        c->ctx = json_incref(ctx);
        c->body = nb_xmalloc(len + 1);
        memcpy(c->body, body, len);
        c->body[len] = 0;
        c->len = len;
        if (kind == APIGW_WS_INT_LAMBDA) {
            lambda_invoke(apigw__svc.ctx, fn, NULL, req.len ? req.data : "{}", req.len ? req.len : 2, on_lambda_result, c);
        } else {
            apigw_ws_http_t h;
            apigw__ws_map_http(a, &m, &h);
            if (apigw__httpc(apigw__svc.ctx->loop, h.method, h.url, h.headers, h.n_headers, req.data ? req.data : "",
                             req.len, tms, on_http_result, c) != 0) {
                if (call_settle(c)) call_deliver(c, NULL);   /* not a usable http:// URL */
                call_unref(c);
            }
        }
    }
    if (status && log) {
        apigw_ws_log_t l = *log;
        l.status = status;
        l.error = err;
        apigw__ws_access_log(&l);
    }
    nb_buf_free(&req);
    nb_arena_free(a);
}
