/* http_proxy.c — HTTP_PROXY integrations: the request forwarded to the
 * integration URI ({name} placeholders filled from path parameters, the
 * query string appended, method from the integration unless ANY) and the
 * answer relayed as is, hop-by-hop headers dropped (REST: renamed by
 * apigw__dp_send, x-amzn-Remapped-*). A REST API also leaves its reserved
 * request headers behind, applies the integration's requestParameters and
 * adds X-Amzn-Apigateway-Api-Id and the trace.
 * An unreachable backend → 500, the integration timeout → 504. */
#include "apigw/dp.h"
#include "apigw/mapping.h"
#include "apigw/httpc.h"
#include "core/buf.h"
#include "core/util.h"
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static int hop_by_hop(const char *n)
{
    static const char *const h[] = {"connection", "keep-alive", "transfer-encoding", "content-length", "host",
                                    "upgrade", "te", "trailer", "proxy-connection"};
    for (size_t i = 0; i < sizeof h / sizeof h[0]; i++)
        if (strcasecmp(n, h[i]) == 0) return 1;
    return 0;
}

static const char *param(apigw_dp_t *dp, const char *name, size_t n)
{
    for (size_t i = 0; i < dp->match.n_params; i++)
        if (strlen(dp->match.params[i].name) == n && memcmp(dp->match.params[i].name, name, n) == 0)
            return dp->match.params[i].value;
    return NULL;
}

/* An AWS service path's value: escapes already in it (a REST path parameter
 * as the client sent it: S3's "folder%2Fobject") kept, every other byte outside
 * RFC 3986's unreserved set encoded — '/' too unless the label is greedy — so a
 * value stays within its segment and cannot start a query ("a/b?c" →
 * "a%2Fb%3Fc"). */
static void aws_path_value(nb_buf_t *b, const char *v, int greedy)
{
    for (const char *p = v; *p; p++) {
        if (p[0] == '%' && isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2])) {
            nb_buf_append(b, p, 3);
            p += 2;
        } else {
            nb_url_encode(b, p, 1, greedy);
        }
    }
}

/* uri with {x}/{x+} replaced by path parameter x (HTTP APIs: re-encoded, '/'
 * kept; REST APIs: the value is still as sent; an AWS service's path/ URI,
 * aws_path: aws_path_value). */
const char *apigw__http_fill_uri(apigw_dp_t *dp, const char *uri, int with_query, json_t *values, int aws_path)
{
    uri = apigw__dp_stage_subst(dp, uri ? uri : "");
    nb_buf_t b = NB_BUF_INIT;
    for (const char *p = uri; *p;) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        if (close) {
            size_t n = (size_t)(close - p - 1);
            int greedy = n && p[n] == '+';
            if (greedy) n--;
            const char *v = NULL;
            if (values) v = json_string_value(json_object_getn(values, p + 1, n));
            if (!v) v = param(dp, p + 1, n);
            if (v && aws_path) aws_path_value(&b, v, greedy);
            else if (v && dp->v2) nb_url_encode(&b, v, strlen(v), 1);
            else if (v) nb_buf_puts(&b, v);   /* REST: as the client sent it */
            p = close + 1;
        } else {
            nb_buf_putc(&b, *p++);
        }
    }
    if (with_query && dp->req->query && *dp->req->query) nb_buf_printf(&b, "%c%s", strchr(b.data ? b.data : "", '?') ? '&' : '?',
                                                         dp->req->query);
    const char *r = nb_arena_strndup(dp->req->arena, b.data ? b.data : "", b.len);
    nb_buf_free(&b);
    return r;
}

static void on_answer(void *arg, const apigw_httpc_resp_t *r)
{
    apigw_dp_t *dp = arg;
    if (r->status == -2) {
        apigw__dp_timed_out(dp);
        return;
    }
    if (r->status < 0) {
        apigw__dp_gw(dp, "API_CONFIGURATION_ERROR", 500, dp->v2 ? "Internal Server Error" : "Internal server error");
        return;
    }
    nb_arena_t *a = dp->req->arena;
    nb_kv_t *h = nb_arena_alloc(a, sizeof *h * (r->n_headers + 1));
    size_t n = 0;
    for (size_t i = 0; i < r->n_headers; i++) {
        /* REST: apigw__dp_send renames the reserved ones (x-amzn-Remapped-Content-Length...) */
        if (dp->v2 && hop_by_hop(r->headers[i].name)) continue;
        h[n].name = nb_arena_strdup(a, r->headers[i].name);
        h[n].value = nb_arena_strdup(a, r->headers[i].value);
        h[n].value_len = r->headers[i].value_len;
        n++;
    }
    apigw_http_out_t out = {.status = r->status, .headers = h, .n_headers = n,
                            .body = nb_arena_strndup(a, r->body, r->body_len), .body_len = r->body_len};
    apigw__dp_send(dp, &out);
}

/* REST: the integration's requestParameters apply to an HTTP_PROXY call too
 * (test_http_proxy_integration_request_data_mappings): path values fill the
 * URI's {x}, query strings go after the client's, headers replace the
 * client's of the same name. The URI with the query string (arena); *t the
 * targets (new ref). */
static const char *rest_mapped_uri(apigw_dp_t *dp, const char *uri, json_t **t)
{
    json_t *ctx = apigw__dp_context(dp);
    *t = apigw__map_targets(dp, ctx);
    json_decref(ctx);
    nb_buf_t b = NB_BUF_INIT;
    nb_buf_puts(&b, apigw__http_fill_uri(dp, uri, 1, json_object_get(*t, "path"), 0));
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(*t, "querystring"), k, v) {
        nb_buf_putc(&b, memchr(b.data ? b.data : "", '?', b.len) ? '&' : '?');
        nb_url_encode(&b, k, strlen(k), 0);
        nb_buf_putc(&b, '=');
        nb_url_encode(&b, json_string_value(v), json_string_length(v), 0);
    }
    const char *r = nb_arena_strndup(dp->req->arena, b.data ? b.data : "", b.len);
    nb_buf_free(&b);
    return r;
}

/* What the gateway says of the client, written at h (room for 3); the number
 * written. Both kinds: one X-Forwarded-For, the client's own (xff, or none)
 * with its address appended — REST as LocalStack's recorded
 * test_http_integration_with_lambda[HTTP_PROXY] shows (the backend's
 * x-forwarded-for differs from the gateway's address, where the HTTP
 * integration's does not) and ustayready/fireprox's README states ("Source IP
 * address is passed to the destination in the X-Forwarded-For header by
 * AWS"); a requestParameters mapping of it replaces it (fireprox's own
 * X-Forwarded-For mapping). HTTP APIs add RFC 7239's Forwarded and Via, as an
 * HTTP API's echo captured them (aws/api-gateway/forwarded-header: "forwarded":
 * "by=…;for=…;host={api host};proto=https", "via": "HTTP/1.1
 * AmazonAPIGateway"; both reserved names in the guide's parameter mapping). */
static size_t forwarded_for(apigw_dp_t *dp, nb_kv_t *h, const char *xff)
{
    nb_req_t *req = dp->req;
    size_t n = 0;
    h[n].name = "X-Forwarded-For";
    h[n].value = xff ? nb_arena_printf(req->arena, "%s, %s", xff, req->remote_addr) : req->remote_addr;
    h[n].value_len = strlen(h[n].value);
    n++;
    if (!dp->v2) return n;
    const char *by = req->ctx->cfg->listen_host, *host = nb_req_header(req, "host");
    int wild = !*by || !strcmp(by, "0.0.0.0") || !strcmp(by, "::");
    h[n].name = "Forwarded";
    int v6 = strchr(req->remote_addr, ':') != NULL;   /* RFC 7239: "[2001:db8::1]", quoted */
    h[n].value = nb_arena_printf(req->arena, "%s%s%sfor=%s%s%s;host=%s;proto=%s", wild ? "" : "by=", wild ? "" : by,
                                 wild ? "" : ";", v6 ? "\"[" : "", req->remote_addr, v6 ? "]\"" : "",
                                 host ? host : req->host, req->secure ? "https" : "http");
    h[n].value_len = strlen(h[n].value);
    n++;
    h[n].name = "Via";
    h[n].value = "HTTP/1.1 AmazonAPIGateway";
    h[n].value_len = strlen(h[n].value);
    return n + 1;
}

void apigw__dp_http_proxy(apigw_dp_t *dp)
{
    nb_req_t *req = dp->req;
    json_t *in = dp->integration;
    const char *uri = json_string_value(json_object_get(in, dp->v2 ? "integrationUri" : "uri"));
    const char *method = json_string_value(json_object_get(in, dp->v2 ? "integrationMethod" : "httpMethod"));
    if (!method || strcmp(method, "ANY") == 0) method = req->method;
    json_t *t = NULL;
    /* the mapping context (tens of allocations) only when the integration maps something */
    if (dp->v2 || !json_object_size(json_object_get(in, "requestParameters")))
        uri = apigw__http_fill_uri(dp, uri, 1, NULL, 0);
    else
        uri = rest_mapped_uri(dp, uri, &t);
    json_t *mapped = json_object_get(t, "header");
    nb_kv_t *h = nb_arena_alloc(req->arena, sizeof *h * (req->n_headers + json_object_size(mapped) + 4));
    size_t n = 0;
    int has_trace = 0, has_xff = 0;
    const char *xff = NULL;   /* what the client sent, the gateway's address appended below */
    for (size_t i = 0; i < req->n_headers; i++) {
        const char *name = req->headers[i].name;
        if (hop_by_hop(name)) continue;
        if (dp->v2 && (strcasecmp(name, "forwarded") == 0 || strcasecmp(name, "via") == 0)) continue;   /* ours */
        if (strcasecmp(name, "x-forwarded-for") == 0) {
            xff = xff ? nb_arena_printf(req->arena, "%s, %s", xff, req->headers[i].value) : req->headers[i].value;
            continue;
        }
        /* REST: the reserved request headers stay behind, and Via and
         * Content-Encoding too (test_apigateway_header_remapping_http[HTTP_PROXY]) */
        if (!dp->v2 && (!apigw__rest_in_header(name) || strcasecmp(name, "via") == 0 ||
                        strcasecmp(name, "content-encoding") == 0))
            continue;
        int replaced = 0;
        const char *k;
        json_t *v;
        json_object_foreach(mapped, k, v) replaced |= strcasecmp(k, name) == 0;
        if (replaced) continue;
        has_trace |= strcasecmp(name, "x-amzn-trace-id") == 0;
        h[n++] = req->headers[i];
    }
    const char *k;
    json_t *v;
    json_object_foreach(mapped, k, v) {
        if (!apigw__rest_kv_mapped(req, &h[n], k, v)) continue;
        n++;
        has_trace |= strcasecmp(k, "x-amzn-trace-id") == 0;
        has_xff |= strcasecmp(k, "x-forwarded-for") == 0;
    }
    json_decref(t);
    if (!has_xff) n += forwarded_for(dp, h + n, xff);
    if (!dp->v2) n += apigw__rest_backend_headers(dp, h + n, has_trace);
    json_int_t to = json_integer_value(json_object_get(in, "timeoutInMillis"));
    if (apigw__httpc(req->ctx->loop, method, uri, h, n, req->body, req->body_len,
                     to > 0 ? (unsigned)to : (dp->v2 ? 30000 : 29000), on_answer, dp) != 0)
        apigw__dp_gw(dp, "API_CONFIGURATION_ERROR", 500, dp->v2 ? "Internal Server Error" : "Internal server error");
}
