/* ws_open.c — a WebSocket API's connection request, up to the switch:
 *   address → stage ─▶ handshake checks (RFC 6455 4.2.1) ─▶ throttle (429)
 *   ─▶ $connect authorizer ─▶ API key + usage plan (403 / 429)
 *   ─▶ $connect integration ──2xx──▶ 101 (apigw__ws_open), OPEN
 *                           └──other status / error──▶ that HTTP answer
 * The integration is a Lambda proxy (its answer's statusCode), or MOCK, AWS
 * (Lambda) or HTTP through templates (ws_map.c): the backend's status — a
 * MOCK template's statusCode, the HTTP answer's, 200 from a function (500
 * when it failed) — with the integration response's body when refused; or
 * HTTP_PROXY: the backend's status decides, its body and Content-Type refuse.
 * Every answer, the 101 included, writes the stage's access log line
 * (eventType CONNECT).
 * Until the switch the request's arena holds what the connection will be
 * (pending_t), so a $connect timeout (504) leaves nothing behind. */
#include "apigw/dp.h"
#include "apigw/auth.h"
#include "apigw/httpc.h"
#include "apigw/throttle.h"
#include "apigw/ws.h"
#include "apigw/ws_int.h"
#include "core/alloc.h"
#include "core/util.h"
#include "lambda/lambda.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* --- connection requests ---------------------------------------------------- */

/* What a connection request carries until the connection opens (in the
 * request's arena: a $connect timeout drops it with the request). */
typedef struct pending {
    char id[20];
    char request_id[20];     /* the CONNECT event's requestId / extendedRequestId */
    uint64_t connected_at;
} pending_t;

/* The connection as the request describes it (heap record, refs 1). */
static apigw_ws_t *ws_new(apigw_dp_t *dp, const pending_t *pd)
{
    nb_req_t *req = dp->req;
    apigw_ws_t *ws = nb_xcalloc(1, sizeof *ws);
    snprintf(ws->id, sizeof ws->id, "%s", pd->id);
    ws->state = APIGW_WS_CONNECTING;
    ws->refs = 1;
    ws->api_id = nb_xstrdup(dp->api_id);
    ws->stage = nb_xstrdup(dp->stage);
    const char *host = nb_req_header(req, "host");
    ws->domain = nb_xstrdup(host ? host : req->host);
    ws->source_ip = nb_xstrdup(req->remote_addr);
    const char *ua = nb_req_header(req, "user-agent");
    ws->user_agent = nb_xstrdup(ua ? ua : "");
    ws->connected_at = ws->last_active = pd->connected_at;
    ws->authorizer = json_incref(dp->authorizer_ctx);
    apigw__ws_rx_init(&ws->rx);
    return ws;
}

/* The $connect event: the request's headers (as the client spelled them, with
 * the gateway's X-Forwarded-* and X-Amzn-Trace-Id, as in a captured $connect
 * event) and query string with the context. */
static json_t *connect_event(apigw_dp_t *dp, const pending_t *pd)
{
    nb_req_t *req = dp->req;
    apigw_ws_t *probe = ws_new(dp, pd);   /* the event's view of the connection */
    apigw_ws_info_t ci;
    apigw__ws_info(probe, &ci);
    json_t *ev = apigw__ws_event(&ci, "CONNECT", "$connect", pd->request_id, NULL, pd->connected_at);
    apigw__ws_unref(probe);
    apigw__dp_fill_in(dp);
    json_t *h = json_object(), *mh = json_object();
    for (size_t i = 0; i < dp->in.n_headers; i++) {
        const nb_kv_t *kv = &dp->in.headers[i];
        json_t *s = json_stringn(kv->value, kv->value_len);
        json_t *arr = json_object_get(mh, kv->name);
        if (!arr) json_object_set_new(mh, kv->name, arr = json_array());
        json_array_append(arr, s);
        json_object_set_new(h, kv->name, s);
    }
    json_object_set_new(ev, "headers", h);
    json_object_set_new(ev, "multiValueHeaders", mh);
    if (req->n_qparams) {
        json_t *q = json_object(), *mq = json_object();
        for (size_t i = 0; i < req->n_qparams; i++) {
            const nb_kv_t *kv = &req->qparams[i];
            json_t *s = json_stringn(kv->value, kv->value_len);
            json_t *arr = json_object_get(mq, kv->name);
            if (!arr) json_object_set_new(mq, kv->name, arr = json_array());
            json_array_append(arr, s);
            json_object_set_new(q, kv->name, s);
        }
        json_object_set_new(ev, "queryStringParameters", q);
        json_object_set_new(ev, "multiValueQueryStringParameters", mq);
    }
    return ev;
}

/* Switch protocols and open ws; protocol: the subprotocol $connect chose, or NULL. */
static void accept_connection(apigw_dp_t *dp, apigw_ws_t *ws, const char *protocol)
{
    nb_req_t *req = dp->req;
    char accept[32];
    apigw__ws_accept_key(nb_req_header(req, "sec-websocket-key"), accept);
    nb_kv_t h[3] = {{"Upgrade", "websocket", 9}, {"Sec-WebSocket-Accept", accept, strlen(accept)}, {NULL, NULL, 0}};
    size_t nh = 2;
    if (protocol) {
        h[2].name = "Sec-WebSocket-Protocol";
        h[2].value = protocol;
        h[2].value_len = strlen(protocol);
        nh = 3;
    }
    apigw__dp_access_log(dp, 200, 0);
    apigw__dp_release(dp);
    apigw__ws_open(ws, req, h, nh);   /* req is gone */
}

/* The subprotocol header of a $connect answer (arena), or NULL. */
static const char *answer_protocol(nb_arena_t *a, json_t *ans)
{
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(ans, "headers"), k, v)
        if (strcasecmp(k, "sec-websocket-protocol") == 0 && json_is_string(v))
            return nb_arena_strdup(a, json_string_value(v));
    return NULL;
}

static void on_connect_result(apigw_dp_t *dp, const lambda_result_t *res, void *arg)
{
    const pending_t *pd = arg;
    if (res->error != NB_OK || res->function_error) {
        apigw__dp_message(dp, 502, "Internal server error");
        return;
    }
    json_t *ans = json_loadb(res->payload, res->payload_len, JSON_DECODE_ANY, NULL);
    json_t *sc = json_object_get(ans, "statusCode");
    json_int_t status = json_is_integer(sc) ? json_integer_value(sc)
                      : json_is_string(sc) ? atoi(json_string_value(sc)) : 0;
    if (status >= 200 && status < 300) {
        const char *proto = answer_protocol(dp->req->arena, ans);
        json_decref(ans);
        accept_connection(dp, ws_new(dp, pd), proto);
        return;
    }
    json_decref(ans);
    if (status < 200 || status > 599) {   /* not a proxy answer (or an informational status) */
        apigw__dp_message(dp, 502, "Internal server error");
        return;
    }
    apigw_http_out_t out;
    if (apigw__response_v1(dp->req->arena, res->payload, res->payload_len, &out) != 0) {
        apigw__dp_message(dp, 502, "Internal server error");
        return;
    }
    apigw__dp_send(dp, &out);
}

/* --- non-proxy $connect integrations (MOCK, AWS, HTTP) -------------------------- */

/* The connection request as templates read it (ws_map.c); *params: $input.params() (new ref). */
static void connect_mreq(apigw_dp_t *dp, apigw_ws_mreq_t *m, json_t **params)
{
    nb_req_t *req = dp->req;
    *params = apigw__dp_params(dp);
    *m = (apigw_ws_mreq_t){.integ = dp->integration, .stage = dp->stage_obj, .ctx = dp->mapping_ctx,
                           .params = *params, .headers = req->headers, .n_headers = req->n_headers,
                           .query = req->qparams, .n_query = req->n_qparams, .body = "", .len = 0};
}

/* The integration's answer r (NULL: unreachable) through its integration
 * responses: a 2xx status opens the connection; any other is the HTTP answer
 * with the mapped body (no integration response for it, or a broken
 * template: 500). */
static void connect_answer(apigw_dp_t *dp, const apigw_ws_answer_t *r)
{
    if (!r) {
        apigw__dp_message(dp, 500, "Internal server error");
        return;
    }
    nb_buf_t out = NB_BUF_INIT;
    int rc = 0, binary;
    const char *ctype = "application/json";
    if (apigw__ws_integration_kind(dp->integration) == APIGW_WS_INT_HTTP_PROXY) {
        /* no integration response: the backend's body (and its Content-Type) as it is */
        nb_buf_append(&out, r->body, r->len);
        for (size_t i = 0; i < r->n_headers; i++)
            if (strcasecmp(r->headers[i].name, "content-type") == 0) ctype = r->headers[i].value;
    } else {
        apigw_ws_mreq_t m;
        json_t *params;
        connect_mreq(dp, &m, &params);
        rc = apigw__ws_map_response(dp->req->arena, &m, r, &out, &binary);
        json_decref(params);
    }
    if (rc != 0) {
        nb_buf_free(&out);
        apigw__dp_message(dp, 500, "Internal server error");
        return;
    }
    if (r->status >= 200 && r->status < 300) {
        nb_buf_free(&out);
        accept_connection(dp, ws_new(dp, dp->ext), NULL);
        return;
    }
    /* a 1xx is no final answer to a connection request (101 without the
     * handshake's headers, 100 leaving the client waiting): 500, as any
     * status outside HTTP's */
    nb_kv_t h = {"Content-Type", ctype, strlen(ctype)};
    apigw_http_out_t o = {.status = r->status >= 200 && r->status <= 599 ? r->status : 500, .headers = &h,
                          .n_headers = 1, .body = nb_arena_strndup(dp->req->arena, out.data ? out.data : "", out.len),
                          .body_len = out.len};
    nb_buf_free(&out);
    apigw__dp_send(dp, &o);
}

static void on_connect_lambda(apigw_dp_t *dp, const lambda_result_t *res, void *arg)
{
    (void)arg;
    if (res->error != NB_OK) {
        connect_answer(dp, NULL);
        return;
    }
    apigw_ws_answer_t r = {apigw__ws_lambda_key(dp->req->arena, res->payload, res->payload_len),
                           res->function_error ? 500 : 200, NULL, 0, res->payload, res->payload_len};
    connect_answer(dp, &r);
}

static void on_connect_http(void *arg, const apigw_httpc_resp_t *resp)
{
    apigw_dp_t *dp = arg;
    if (resp->status == -2) {
        apigw__dp_timed_out(dp);
        return;
    }
    char key[16];
    snprintf(key, sizeof key, "%d", resp->status);
    apigw_ws_answer_t r = {key, resp->status, resp->headers, resp->n_headers, resp->body ? resp->body : "",
                           resp->body_len};
    connect_answer(dp, resp->status < 0 ? NULL : &r);
}

/* $connect through a non-proxy integration: its request template, the call,
 * its integration response; the status decides (connect_answer). */
static void connect_mapped(apigw_dp_t *dp, const pending_t *pd, json_t *integ)
{
    nb_req_t *req = dp->req;
    apigw_ws_t *probe = ws_new(dp, pd);
    apigw_ws_info_t ci;
    apigw__ws_info(probe, &ci);
    dp->mapping_ctx = apigw__ws_map_context(&ci, "CONNECT", "$connect", pd->request_id, NULL, pd->connected_at);
    apigw__ws_unref(probe);
    dp->integration = json_incref(integ);
    apigw__dp_fill_in(dp);
    apigw_ws_mreq_t m;
    json_t *params;
    connect_mreq(dp, &m, &params);
    nb_buf_t body = NB_BUF_INIT;
    int kind = apigw__ws_integration_kind(integ);
    int rc = kind == APIGW_WS_INT_HTTP_PROXY ? 0 : apigw__ws_map_request(req->arena, &m, &body);   /* proxy: no body */
    json_decref(params);
    unsigned tms = apigw__ws_integration_timeout(integ);
    const char *fn = NULL;
    if (rc == 0 && kind == APIGW_WS_INT_LAMBDA) {
        fn = apigw__ws_integration_function(req->arena, dp->stage_obj, integ);
        if (!fn) rc = APIGW_WS_MAP_FAILED;
    }
    if (rc == APIGW_WS_MAP_REFUSED) {   /* as REST's answer to a body no template takes */
        apigw__dp_message(dp, 415, "Unsupported Media Type");
    } else if (rc != 0) {
        apigw__dp_message(dp, 500, "Internal server error");
    } else if (kind == APIGW_WS_INT_MOCK) {
        int st = apigw__ws_mock_status(body.data ? body.data : "", body.len);
        char key[16];
        snprintf(key, sizeof key, "%d", st);
        apigw_ws_answer_t r = {key, st, NULL, 0, "", 0};
        connect_answer(dp, &r);
    } else if (kind == APIGW_WS_INT_LAMBDA) {
        apigw__dp_invoke(dp, fn, body.len ? body.data : "{}", body.len ? body.len : 2, tms, on_connect_lambda, NULL);
    } else {
        apigw_ws_http_t h;
        apigw__ws_map_http(req->arena, &m, &h);
        if (apigw__httpc(req->ctx->loop, h.method, h.url, h.headers, h.n_headers, body.data ? body.data : "", body.len,
                         tms, on_connect_http, dp) != 0)
            connect_answer(dp, NULL);
    }
    nb_buf_free(&body);
}

/* The handshake of RFC 6455 4.2.1: 0, or -1 after answering. */
static int check_handshake(apigw_dp_t *dp)
{
    nb_req_t *req = dp->req;
    const char *up = nb_req_header(req, "upgrade");
    if (!nb_http_is_upgrade(req) || !up || strcasecmp(up, "websocket") != 0) {
        nb_resp_header(req, "Upgrade", "websocket");
        apigw__dp_message(dp, 426, "Upgrade Required");
        return -1;
    }
    const char *ver = nb_req_header(req, "sec-websocket-version");
    if (!ver || strcmp(ver, "13") != 0) {
        nb_resp_header(req, "Sec-WebSocket-Version", "13");
        apigw__dp_message(dp, 426, "Upgrade Required");
        return -1;
    }
    const char *key = nb_req_header(req, "sec-websocket-key");
    nb_buf_t raw = NB_BUF_INIT;
    int ok = key && strcmp(req->method, "GET") == 0 && nb_base64_decode(&raw, key, strlen(key)) == 0 && raw.len == 16;
    nb_buf_free(&raw);
    if (!ok) {
        apigw__dp_message(dp, 400, "Bad Request");
        return -1;
    }
    return 0;
}

/* The API key of a connection request, from the API's apiKeySelectionExpression
 * (borrowed), or NULL. */
static const char *request_api_key(apigw_dp_t *dp)
{
    const char *e = json_string_value(json_object_get(dp->api, "apiKeySelectionExpression"));
    if (e && strcmp(e, "$context.authorizer.usageIdentifierKey") == 0) return dp->usage_identifier_key;
    return nb_req_header(dp->req, "x-api-key");
}

/* A $connect route with apiKeyRequired: the key is enabled and in a usage
 * plan of this stage (else 403), whose throttle and quota it passes (else
 * 429). 0, or -1 after answering. */
static int check_api_key(apigw_dp_t *dp, json_t *route)
{
    if (!json_is_true(json_object_get(route, "apiKeyRequired"))) return 0;
    if (apigw__api_key_check_value(dp, request_api_key(dp)) != 0) {
        apigw__dp_message(dp, 403, "Forbidden");
        return -1;
    }
    int rc = apigw__plan_take(dp, nb_now_us());
    if (rc != 0) {
        apigw__dp_message(dp, 429, rc == -2 ? "Limit Exceeded" : "Too Many Requests");
        return -1;
    }
    return 0;
}

/* After authorization: the API key, then the $connect integration, or the
 * connection at once. */
static void connect_step(apigw_dp_t *dp)
{
    const pending_t *pd = dp->ext;
    json_t *doc = apigw__ws_served(dp->api_id, dp->stage, NULL);
    json_t *route = doc ? apigw__ws_route(doc, "$connect") : NULL;
    if (route && check_api_key(dp, route) != 0) return;
    if (!route) {
        accept_connection(dp, ws_new(dp, pd), NULL);
        return;
    }
    json_t *integ = apigw__ws_route_integration(doc, route);
    if (apigw__ws_integration_kind(integ) >= APIGW_WS_INT_MOCK) {
        connect_mapped(dp, pd, integ);
        return;
    }
    unsigned to = 29000;
    const char *fn = apigw__ws_route_function(dp->req->arena, dp->stage_obj, doc, route, &to);
    if (!fn) {
        apigw__dp_message(dp, 500, "Internal server error");
        return;
    }
    json_t *ev = connect_event(dp, pd);
    char *text = json_dumps(ev, JSON_COMPACT);
    json_decref(ev);
    apigw__dp_invoke(dp, fn, text, strlen(text), to, on_connect_result, (void *)pd);
    free(text);
}

void apigw__dp_ws(apigw_dp_t *dp, json_t *live)
{
    /* the stage is the whole path: "/{stage}" */
    const char *p = dp->path[0] == '/' ? dp->path + 1 : dp->path;
    size_t n = strcspn(p, "/");
    char *name = nb_arena_strndup(dp->req->arena, p, n);
    json_t *st = n && p[n + (p[n] == '/')] == 0 ? json_object_get(json_object_get(live, "stages"), name) : NULL;
    if (dp->mapped_stage) {   /* a custom domain's mapping names the stage; the path is "/" */
        name = nb_arena_strdup(dp->req->arena, dp->mapped_stage);
        st = *p == 0 ? json_object_get(json_object_get(live, "stages"), name) : NULL;
    }
    json_t *doc = st ? apigw__dp_served(st, live) : NULL;
    if (!doc) {
        apigw__dp_message(dp, 403, "Forbidden");
        return;
    }
    dp->stage = name;
    dp->stage_obj = json_incref(st);
    dp->ws = 1;
    dp->route_key = "$connect";
    dp->route_path = "/";
    if (check_handshake(dp) != 0) return;
    pending_t *pd = nb_arena_calloc(dp->req->arena, sizeof *pd);
    apigw__ws_new_id(pd->id);
    apigw__ws_new_id(pd->request_id);
    pd->connected_at = nb_wall_ms();
    dp->ext = pd;
    dp->ws_connection_id = pd->id;
    dp->ws_request_id = pd->request_id;
    /* throttled before any function runs (authorizer or $connect) */
    if (apigw__throttle_route(dp->api_id, dp->stage, st, "$connect") != 0) {
        apigw__dp_message(dp, 429, "Too Many Requests");
        return;
    }
    json_t *route = apigw__ws_route(doc, "$connect");
    const char *at = json_string_value(json_object_get(route, "authorizationType"));
    if (at && strcmp(at, "AWS_IAM") == 0 && !nb_req_header(dp->req, "authorization") &&
        !nb_req_qparam(dp->req, "X-Amz-Signature")) {
        apigw__dp_message(dp, 403, "Forbidden");
        return;
    }
    if (at && strcmp(at, "AWS_IAM") == 0 && apigw__iam_authorize(dp) != 0) return;
    if (at && strcmp(at, "CUSTOM") == 0) {
        const char *azid = json_string_value(json_object_get(route, "authorizerId"));
        json_t *az = azid ? json_object_get(json_object_get(doc, "authorizers"), azid) : NULL;
        if (!az) {
            apigw__dp_message(dp, 500, "Internal server error");
            return;
        }
        apigw__auth_ws(dp, az, connect_event(dp, pd), connect_step);
        return;
    }
    connect_step(dp);
}
