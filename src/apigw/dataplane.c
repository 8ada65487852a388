/* dataplane.c — entry of API invocations: recognise the address, find the
 * API and stage, hand over to the HTTP API or REST API flow; the shared
 * reply helpers and the request's access log line.
 *   Host "{id}.execute-api.localhost[:port]"  path "/{stage}/..." or $default
 *   path "/_aws/execute-api/{id}/{stage}/..."
 * Answers are the API's own plain HTTP, never AWS error shapes. */
#include "apigw/dp.h"
#include "apigw/access_log.h"
#include "core/edge.h"
#include "core/log.h"
#include "core/util.h"
#include <stdio.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>

#define AWS_PREFIX "/_aws/execute-api/"
#define APIGW_MAX_PAYLOAD (10u << 20)   /* API Gateway's payload limit, 10 MB */

const char *apigw__dp_header(apigw_dp_t *dp, const char *name)
{
    return nb_req_header(dp->req, name);
}

void apigw__dp_release(apigw_dp_t *dp)
{
    json_decref(dp->api);
    json_decref(dp->stage_obj);
    json_decref(dp->route);
    json_decref(dp->integration);
    json_decref(dp->authorizer_ctx);
    json_decref(dp->cors);
    json_decref(dp->validators);
    json_decref(dp->models);
    json_decref(dp->mapping_ctx);
    json_decref(dp->gw_responses);
    json_decref(dp->test_answer);
    dp->mapping_ctx = dp->gw_responses = dp->test_answer = NULL;
    dp->api = dp->stage_obj = dp->route = dp->integration = dp->authorizer_ctx = dp->cors = NULL;
    dp->validators = dp->models = NULL;
}

/* One request's access log line: the $context variables of a REST or HTTP
 * API request (or a WebSocket API's connection request). */
typedef struct log_req {
    apigw_dp_t *dp;
    int status;
    size_t len;
} log_req_t;

static const char *dp_var(void *arg, const char *name, char *num, size_t cap)
{
    log_req_t *l = arg;
    apigw_dp_t *dp = l->dp;
    nb_req_t *req = dp->req;
    if (!strcmp(name, "requestId") || !strcmp(name, "extendedRequestId"))
        return dp->ws && dp->ws_request_id ? dp->ws_request_id : req->id;
    if (!strcmp(name, "identity.sourceIp")) return req->remote_addr;
    if (!strcmp(name, "identity.userAgent")) return nb_req_header(req, "user-agent");
    if (!strcmp(name, "identity.apiKey")) return dp->api_key_value;
    if (!strcmp(name, "identity.apiKeyId")) return dp->api_key_id;
    if (!strcmp(name, "httpMethod")) return req->method;
    if (!strcmp(name, "routeKey") || !strcmp(name, "resourcePath")) return dp->route_key;
    if (!strcmp(name, "resourceId")) return dp->resource_id;
    if (!strcmp(name, "protocol")) return "HTTP/1.1";
    if (!strcmp(name, "stage")) return dp->stage;
    if (!strcmp(name, "apiId")) return dp->api_id;
    if (!strcmp(name, "accountId")) return req->ctx->cfg->account;
    if (!strcmp(name, "path")) return dp->path;
    if (!strcmp(name, "domainName")) return nb_req_header(req, "host") ? nb_req_header(req, "host") : req->host;
    if (dp->ws && !strcmp(name, "connectionId")) return dp->ws_connection_id;
    if (dp->ws && !strcmp(name, "eventType")) return "CONNECT";
    if (!strcmp(name, "error.message")) return dp->error_message;
    if (!strcmp(name, "deploymentId") && !dp->v2 && !dp->ws)   /* the canary's for a canary request */
        return json_string_value(json_object_get(dp->stage_obj, "deploymentId"));
    if (!strcmp(name, "isCanaryRequest")) return dp->canary ? (dp->canary == 2 ? "true" : "false") : NULL;
    if (!strcmp(name, "status")) { snprintf(num, cap, "%d", l->status); return num; }
    if (!strcmp(name, "responseLength")) { snprintf(num, cap, "%zu", l->len); return num; }
    uint64_t t0 = dp->in.time_ms ? dp->in.time_ms : nb_wall_ms() - (nb_now_us() - dp->t0_us) / 1000;
    if (!strcmp(name, "requestTime")) { apigw__clf_time(t0, num, cap); return num; }
    if (!strcmp(name, "requestTimeEpoch")) { snprintf(num, cap, "%llu", (unsigned long long)t0); return num; }
    if (!strcmp(name, "integrationLatency") || !strcmp(name, "responseLatency")) {
        snprintf(num, cap, "%llu", (unsigned long long)((nb_now_us() - dp->t0_us) / 1000));
        return num;
    }
    return NULL;
}

void apigw__dp_access_log(apigw_dp_t *dp, int status, size_t len)
{
    if (!apigw__access_log_format(dp->stage_obj)) return;
    log_req_t l = {dp, status, len};
    apigw__access_log(dp->stage_obj, dp->api_id, dp->stage, !dp->v2 && !dp->ws, dp->canary == 2, dp_var, &l);
}

void apigw__dp_send(apigw_dp_t *dp, const apigw_http_out_t *out)
{
    if (dp->test_req) {   /* a TestInvoke*: the answer is the operation's output */
        apigw__test_invoke_done(dp, out);
        return;
    }
    nb_req_t *req = dp->req;
    const char *ct = NULL;
    /* "If you configure CORS for an API, API Gateway ignores CORS headers
     * returned from your backend integration." (HTTP APIs) */
    int own_cors = dp->v2 && dp->api && json_object_get(dp->api, "corsConfiguration");
    /* a REST integration's answer (not the gateway's own: its customizations may
     * set WWW-Authenticate and the like) */
    int rest = !dp->v2 && !dp->ws && !dp->error_message;
    for (size_t i = 0; i < out->n_headers; i++) {
        int what = rest ? apigw__rest_out_header(out->headers[i].name) : APIGW_OUT_PASS;
        if (what == APIGW_OUT_DROP) continue;
        if (what == APIGW_OUT_REMAP)   /* a REST API's reserved names come back renamed */
            nb_resp_header(req, nb_arena_printf(req->arena, "x-amzn-Remapped-%s", out->headers[i].name),
                           out->headers[i].value);
        else if (strcasecmp(out->headers[i].name, "content-type") == 0) ct = nb_arena_strdup(req->arena, out->headers[i].value);
        else if (own_cors && strncasecmp(out->headers[i].name, "access-control-", 15) == 0) continue;
        else if (strcasecmp(out->headers[i].name, "content-length") != 0 &&
                 strcasecmp(out->headers[i].name, "connection") != 0 &&
                 strcasecmp(out->headers[i].name, "transfer-encoding") != 0)
            nb_resp_header(req, out->headers[i].name, out->headers[i].value);
    }
    if (dp->v2) {
        apigw__cors_headers(dp);
        nb_resp_header(req, "apigw-requestid", req->id);
    } else {
        nb_resp_header(req, "x-amz-apigw-id", req->id);   /* REST: the extendedRequestId */
    }
    apigw__dp_access_log(dp, out->status, out->body_len);
    apigw__dp_release(dp);
    nb_reply(req, out->status, ct, out->body, out->body_len);
}

void apigw__dp_xlog(apigw_dp_t *dp, const char *fmt, ...)
{
    if (!dp->test_req) return;   /* only TestInvokeMethod shows a log */
    va_list ap;
    va_start(ap, fmt);
    char *line = nb_arena_vprintf(dp->req->arena, fmt, ap);
    va_end(ap);
    dp->xlog = nb_arena_printf(dp->req->arena, "%s%s\n", dp->xlog ? dp->xlog : "", line);
}

void apigw__dp_message(apigw_dp_t *dp, int status, const char *msg)
{
    dp->error_message = msg;
    nb_buf_t b = NB_BUF_INIT;
    nb_buf_puts(&b, "{\"message\":\"");
    nb_buf_json_escape(&b, msg, strlen(msg));
    nb_buf_puts(&b, "\"}");
    nb_kv_t h = {"Content-Type", "application/json", 16};
    apigw_http_out_t out = {.status = status, .headers = &h, .n_headers = 1,
                            .body = nb_arena_strndup(dp->req->arena, b.data, b.len), .body_len = b.len};
    nb_buf_free(&b);
    apigw__dp_send(dp, &out);
}

const char *apigw__dp_stage_subst(apigw_dp_t *dp, const char *s)
{
    if (!s || !strstr(s, "${stageVariables.")) return s;
    json_t *vars = json_object_get(dp->stage_obj, dp->v2 ? "stageVariables" : "variables");
    nb_buf_t b = NB_BUF_INIT;
    for (const char *p = s; *p;) {
        if (strncmp(p, "${stageVariables.", 17) == 0 && strchr(p, '}')) {
            const char *n = p + 17, *e = strchr(p, '}');
            const char *v = json_string_value(json_object_getn(vars, n, (size_t)(e - n)));
            nb_buf_puts(&b, v ? v : "");
            p = e + 1;
        } else {
            nb_buf_putc(&b, *p++);
        }
    }
    const char *r = nb_arena_strndup(dp->req->arena, b.data ? b.data : "", b.len);
    nb_buf_free(&b);
    return r;
}

size_t apigw__id_hex(const char *id, char *out, size_t max)
{
    size_t k = 0;
    for (const char *p = id ? id : ""; *p && k < max; p++)
        if ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')) out[k++] = *p;
    out[k] = 0;
    return k;
}

/* "Root=1-{epoch seconds, 8 hex}-{24 hex}" (X-Ray's trace id), the 24 from
 * the request id's hex digits (arena). */
static const char *trace_id(nb_req_t *req, uint64_t now_ms)
{
    char hex[25];
    size_t k = apigw__id_hex(req->id, hex, 24);
    while (k < 24) hex[k++] = '0';
    hex[24] = 0;
    return nb_arena_printf(req->arena, "Root=1-%08llx-%s", (unsigned long long)(now_ms / 1000), hex);
}

const char *apigw__dp_trace_id(apigw_dp_t *dp)
{
    /* once: the backend's trace and the answer's must be the same (its Root carries the epoch second) */
    if (!dp->trace) {
        const char *sent = nb_req_header(dp->req, "x-amzn-trace-id");
        dp->trace = sent ? sent : trace_id(dp->req, dp->in.time_ms ? dp->in.time_ms : nb_wall_ms());
    }
    return dp->trace;
}

void apigw__dp_trace_answer(apigw_dp_t *dp)
{
    if (dp->v2 || dp->ws) return;
    const char *t = apigw__rest_trace_answer(dp->req->arena, apigw__dp_trace_id(dp), dp->req->id);
    if (dp->test_req) dp->test_trace = t;   /* TestInvokeMethod's output headers (test_invoke.c) */
    else if (t) nb_resp_header(dp->req, "X-Amzn-Trace-Id", t);
}

/* The request's headers as the gateway passes them on: the client's, with
 * X-Forwarded-For (the client's address appended to what it sent),
 * X-Forwarded-Port and X-Forwarded-Proto set by the gateway, and an
 * X-Amzn-Trace-Id when the client sent none, as in AWS's example and
 * captured proxy events. rest: a REST API's names and drops
 * (apigw__rest_in_header). Arena memory. */
static void forwarded_headers(nb_req_t *req, int as_sent, int rest, uint64_t now_ms, const nb_kv_t **out,
                              size_t *n_out)
{
    nb_arena_t *a = req->arena;
    nb_kv_t *h = nb_arena_alloc(a, sizeof *h * (req->n_headers + 4));
    size_t n = 0;
    const char *xff = NULL;
    for (size_t i = 0; i < req->n_headers; i++) {
        const char *name = req->headers[i].name;
        if (strcmp(name, "x-forwarded-for") == 0) {
            xff = xff ? nb_arena_printf(a, "%s, %s", xff, req->headers[i].value) : req->headers[i].value;
            continue;
        }
        if (strcmp(name, "x-forwarded-port") == 0 || strcmp(name, "x-forwarded-proto") == 0) continue;
        h[n] = req->headers[i];
        if (as_sent) h[n].name = nb_req_header_name_as_sent(req, i);
        if (rest && !(h[n].name = apigw__rest_in_header(h[n].name))) continue;   /* dropped */
        n++;
    }
    const char *host = nb_req_header(req, "host");
    const char *colon = host ? strrchr(host, ':') : NULL;
    const char *port = colon && colon[1] && !strchr(colon, ']') ? colon + 1 : (req->secure ? "443" : "80");
    const char *v[3][2] = {
        {as_sent ? "X-Forwarded-For" : "x-forwarded-for", xff ? nb_arena_printf(a, "%s, %s", xff, req->remote_addr) : req->remote_addr},
        {as_sent ? "X-Forwarded-Port" : "x-forwarded-port", port},
        {as_sent ? "X-Forwarded-Proto" : "x-forwarded-proto", req->secure ? "https" : "http"},
    };
    for (size_t i = 0; i < 3; i++) {
        h[n].name = v[i][0];
        h[n].value = v[i][1];
        h[n].value_len = strlen(v[i][1]);
        n++;
    }
    if (!nb_req_header(req, "x-amzn-trace-id")) {
        h[n].name = as_sent ? "X-Amzn-Trace-Id" : "x-amzn-trace-id";
        h[n].value = trace_id(req, now_ms);
        h[n].value_len = strlen(h[n].value);
        n++;
    }
    *out = h;
    *n_out = n;
}

/* HTTP APIs hand functions the path percent-decoded (rawPath, 1.0 path);
 * a path that does not decode stays as sent. */
static const char *decoded_path(nb_arena_t *a, const char *raw)
{
    if (!strchr(raw, '%') || strstr(raw, "%00")) return raw;   /* a NUL would cut the path short */
    const char *r = nb_url_decode_arena(a, raw, strlen(raw), 0);
    return r ? r : raw;
}

/* HTTP APIs pass a body as text only for these types (parameters aside);
 * any other, or none, goes base64 (ministack#766, checked against AWS;
 * serverless-offline#1776 for multipart/form-data). */
static int http_api_text_type(const char *ct)
{
    if (!ct) return 0;
    while (*ct == ' ') ct++;
    size_t n = strcspn(ct, ";");
    while (n && ct[n - 1] == ' ') n--;
    static const char *const text[] = {"application/json", "application/xml", "application/javascript"};
    if (n > 5 && strncasecmp(ct, "text/", 5) == 0) return 1;
    for (size_t i = 0; i < sizeof text / sizeof text[0]; i++)
        if (n == strlen(text[i]) && strncasecmp(ct, text[i], n) == 0) return 1;
    return 0;
}

void apigw__dp_fill_in(apigw_dp_t *dp)
{
    nb_req_t *req = dp->req;
    apigw_http_in_t *in = &dp->in;
    in->method = req->method;
    in->route_path = dp->route_path;
    in->http_api = dp->v2 && !dp->ws;
    in->path = in->http_api ? decoded_path(req->arena, dp->path) : dp->path;
    in->query = req->query ? req->query : "";
    in->qparams = req->qparams;
    in->n_qparams = req->n_qparams;
    in->time_ms = nb_wall_ms();
    /* REST APIs and WebSocket APIs' $connect pass header names as the client spelled
     * them ("Host", "Sec-WebSocket-Key" in a captured $connect event); HTTP APIs
     * lower-case them */
    forwarded_headers(req, !in->http_api, !in->http_api && !dp->ws, in->time_ms, &in->headers, &in->n_headers);
    in->body = req->body;
    in->body_len = req->body_len;
    if (in->http_api) in->body_binary = !http_api_text_type(nb_req_header(req, "content-type"));
    in->source_ip = req->remote_addr;
    in->api_id = dp->api_id;
    in->stage = dp->stage;
    in->account = req->ctx->cfg->account;
    in->request_id = req->id;
    const char *host = nb_req_header(req, "host");
    in->domain = host ? host : req->host;
    in->path_params = dp->match.params;
    in->n_path_params = dp->match.n_params;
    in->stage_vars = json_object_get(dp->stage_obj, dp->v2 ? "stageVariables" : "variables");
    in->authorizer = dp->authorizer_ctx;
    in->api_key = dp->api_key_value;
    in->api_key_id = dp->api_key_id;
}

static int type_match(const char *pattern, const char *type)
{
    if (strcmp(pattern, "*/*") == 0) return 1;
    size_t pl = strlen(pattern);
    if (pl >= 2 && pattern[pl - 1] == '*' && pattern[pl - 2] == '/') return strncasecmp(pattern, type, pl - 1) == 0;
    size_t tl = strcspn(type, ";");
    while (tl && type[tl - 1] == ' ') tl--;
    return tl == pl && strncasecmp(pattern, type, tl) == 0;
}

int apigw__accept_is_binary(json_t *types, const char *accept)
{
    if (!accept) return 0;
    while (*accept == ' ') accept++;
    size_t n = strcspn(accept, ",");
    char first[256];
    if (n >= sizeof first) return 0;
    memcpy(first, accept, n);
    first[n] = 0;
    return apigw__is_binary_type(types, first, NULL);
}

int apigw__is_binary_type(json_t *types, const char *content_type, const char *accept)
{
    (void)accept;
    if (!content_type) return 0;
    size_t i;
    json_t *t;
    json_array_foreach(types, i, t) {
        const char *p = json_string_value(t);
        /* stored with '/' escaped as "~1" when set through PATCH */
        char buf[256];
        size_t k = 0;
        for (const char *q = p ? p : ""; *q && k < sizeof buf - 1; q++) {
            if (q[0] == '~' && q[1] == '1') { buf[k++] = '/'; q++; }
            else buf[k++] = *q;
        }
        buf[k] = 0;
        if (type_match(buf, content_type)) return 1;
    }
    return 0;
}

/* Api id and the path after it, from the Host header (a custom domain name's
 * mapping, with *stage when the mapping names one), or the /_aws/ prefix; -1
 * when none is addressed, -2 for a custom domain no mapping serves. */
static int address(nb_req_t *req, char *id, size_t cap, const char **path, const char **stage)
{
    const char *raw = req->raw_path ? req->raw_path : req->path;
    const char *api;
    int rc = apigw__domain_route(req->host, raw, &api, stage, path);
    if (rc == -1) return -2;
    if (rc == 0) {
        if (!api || strlen(api) >= cap) return -2;
        snprintf(id, cap, "%s", api);
        return 0;
    }
    if (strncmp(raw, AWS_PREFIX, sizeof AWS_PREFIX - 1) == 0) {
        const char *p = raw + sizeof AWS_PREFIX - 1, *e = strchr(p, '/');
        if (!e) e = p + strlen(p);
        if (e == p || (size_t)(e - p) >= cap) return -1;
        snprintf(id, cap, "%.*s", (int)(e - p), p);
        *path = *e ? e : "/";
        return 0;
    }
    const char *h = req->host ? req->host : "";
    const char *dot = strchr(h, '.');
    if (!dot || strncmp(dot, ".execute-api.", 13) != 0 || (size_t)(dot - h) >= cap || dot == h) return -1;
    snprintf(id, cap, "%.*s", (int)(dot - h), h);
    *path = raw;
    return 0;
}

/* "/{stage}/@connections/..." or "/@connections/...": a WebSocket API's
 * management API, not an invocation. */
static int is_management(const char *path)
{
    if (strncmp(path, "/@connections/", 14) == 0) return 1;
    const char *e = path[0] == '/' ? strchr(path + 1, '/') : NULL;
    return e && strncmp(e, "/@connections/", 14) == 0;
}

/* A request body past API Gateway's 10 MB: REST APIs answer in plain text
 * (captured in koki-develop/lgtm-generator#10), HTTP APIs in their JSON. */
static void too_large(apigw_dp_t *dp)
{
    if (dp->v2) {
        apigw__dp_message(dp, 413, "Request Entity Too Large");
        return;
    }
    static const char msg[] = "HTTP content length exceeded 10485760 bytes.";
    dp->error_message = "Request Too Long";
    nb_kv_t h = {"Content-Type", "text; charset=utf-8", 19};
    apigw_http_out_t out = {.status = 413, .headers = &h, .n_headers = 1, .body = msg, .body_len = sizeof msg - 1};
    apigw__dp_send(dp, &out);
}

int apigw_data_plane(nb_req_t *req)
{
    char id[64];
    const char *path, *mapped_stage = NULL;
    int rc = address(req, id, sizeof id, &path, &mapped_stage);
    if (rc == -1) return 0;
    if (rc == -2) {   /* a custom domain name without a mapping for the path */
        apigw_dp_t *dp = nb_arena_calloc(req->arena, sizeof *dp);
        dp->req = req;
        dp->t0_us = nb_now_us();
        dp->api_id = dp->stage = "";
        dp->path = req->path;
        apigw__dp_message(dp, 403, "Forbidden");
        return 1;
    }
    if (is_management(path)) {           /* the edge routes it to execute-api (ws_mgmt.c) */
        json_t *api = json_object_get(json_object_get(apigw__svc.apis, id), "api");
        const char *pt = json_string_value(json_object_get(api, "protocolType"));
        if (!api || (pt && strcmp(pt, "WEBSOCKET") == 0)) return 0;
    }
    apigw_dp_t *dp = nb_arena_calloc(req->arena, sizeof *dp);
    dp->req = req;
    dp->t0_us = nb_now_us();
    dp->api_id = nb_arena_strdup(req->arena, id);
    dp->path = path;
    dp->stage = "";
    dp->mapped_stage = mapped_stage ? nb_arena_strdup(req->arena, mapped_stage) : NULL;
    if (req->query && *req->query &&
        nb_edge_parse_form(req->arena, req->query, strlen(req->query), &req->qparams, &req->n_qparams) != 0) {
        req->qparams = NULL;
        req->n_qparams = 0;
    }
    json_t *doc = apigw__svc.apis ? json_object_get(apigw__svc.apis, id) : NULL;
    if (!doc) {
        dp->v2 = 1;
        apigw__dp_message(dp, 404, "Not Found");
        return 1;
    }
    dp->v2 = strcmp(json_string_value(json_object_get(doc, "kind")), "v2") == 0;
    if (req->body_len > APIGW_MAX_PAYLOAD) {
        too_large(dp);
        return 1;
    }
    dp->api = json_incref(json_object_get(doc, "api"));
    const char *proto = json_string_value(json_object_get(dp->api, "protocolType"));
    if (dp->v2 && proto && strcmp(proto, "WEBSOCKET") == 0) apigw__dp_ws(dp, doc);
    else if (dp->v2) apigw__dp_http(dp, doc);
    else apigw__dp_rest(dp, doc);
    return 1;
}
