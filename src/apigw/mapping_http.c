/* mapping_http.c — REST HTTP (non-proxy) integrations: the request template's
 * output is the body sent to the integration URI; the integration's
 * requestParameters (integration.request.header|querystring|path.x from
 * method.request.*, 'static', stageVariables.x, context.x) and then the
 * template's $context.requestOverride (header, querystring, path) say what
 * else is sent — nothing of the client's request goes unless mapped, but its
 * Content-Type; the gateway adds Accept "application/json" and User-Agent
 * "AmazonAPIGateway_{api}" (unless mapped), X-Amzn-Apigateway-Api-Id and
 * X-Amzn-Trace-Id. The backend's status code selects the integration response
 * (mapping.c); unreachable → 500, past the integration timeout → 504. */
#include "apigw/mapping.h"
#include "apigw/httpc.h"
#include "core/util.h"
#include <string.h>
#include <strings.h>

static void http_done(void *arg, const apigw_httpc_resp_t *r)
{
    apigw_dp_t *dp = arg;
    if (r->status == -2) {
        apigw__dp_timed_out(dp);
        return;
    }
    if (r->status < 0) {
        apigw__dp_gw(dp, "API_CONFIGURATION_ERROR", 500, "Internal server error");
        return;
    }
    char key[16];
    snprintf(key, sizeof key, "%d", r->status);
    apigw_ir_src_t src = {r->body ? r->body : "", r->body_len, r->headers, r->n_headers, dp->mapping_ctx};
    apigw__dp_trace_answer(dp);
    apigw__map_respond(dp, apigw__map_select(dp->integration, key), &src);
}

json_t *apigw__map_targets(apigw_dp_t *dp, json_t *ctx)
{
    static const char *const kinds[] = {"header", "querystring", "path"};
    json_t *t = json_pack("{s:{},s:{},s:{}}", "header", "querystring", "path");
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(dp->integration, "requestParameters"), k, v) {
        if (strncmp(k, "integration.request.", 20) != 0 || !json_is_string(v)) continue;
        const char *rest = k + 20;
        if (strncmp(rest, "multivalue", 10) == 0) rest += 10;
        for (size_t i = 0; i < 3; i++) {
            size_t n = strlen(kinds[i]);
            if (strncmp(rest, kinds[i], n) != 0 || rest[n] != '.') continue;
            const char *val = apigw__map_request_value(dp, json_string_value(v), ctx);
            if (val) json_object_set_new(json_object_get(t, kinds[i]), rest + n + 1, json_string(val));
        }
    }
    json_t *ov = json_object_get(ctx, "requestOverride");
    for (size_t i = 0; i < 3; i++)
        json_object_foreach(json_object_get(ov, kinds[i]), k, v)
            if (json_is_string(v)) json_object_set(json_object_get(t, kinds[i]), k, v);
    return t;
}

void apigw__dp_http_custom(apigw_dp_t *dp)
{
    nb_req_t *req = dp->req;
    nb_buf_t body = NB_BUF_INIT;
    json_t *ctx = apigw__map_begin(dp, &body);
    if (!ctx) return;
    dp->mapping_ctx = ctx;   /* released with the dp */
    json_t *t = apigw__map_targets(dp, ctx);
    const char *method = json_string_value(json_object_get(dp->integration, "httpMethod"));
    if (!method || strcmp(method, "ANY") == 0) method = req->method;
    nb_buf_t uri = NB_BUF_INIT;
    nb_buf_puts(&uri, apigw__http_fill_uri(dp, json_string_value(json_object_get(dp->integration, "uri")), 0,
                                           json_object_get(t, "path"), 0));
    const char *k;
    json_t *v;
    int first = !memchr(uri.data ? uri.data : "", '?', uri.len);
    json_object_foreach(json_object_get(t, "querystring"), k, v) {
        nb_buf_putc(&uri, first ? '?' : '&');
        first = 0;
        nb_url_encode(&uri, k, strlen(k), 0);
        nb_buf_putc(&uri, '=');
        nb_url_encode(&uri, json_string_value(v), json_string_length(v), 0);
    }
    json_t *hs = json_object_get(t, "header");
    nb_kv_t *h = nb_arena_alloc(req->arena, sizeof *h * (json_object_size(hs) + 5));
    size_t n = 0;
    int has_ct = 0, has_ua = 0, has_trace = 0, has_accept = 0;
    json_object_foreach(hs, k, v) {
        if (!apigw__rest_kv_mapped(req, &h[n], k, v)) continue;
        n++;
        has_ct |= strcasecmp(k, "content-type") == 0;
        has_ua |= strcasecmp(k, "user-agent") == 0;
        has_trace |= strcasecmp(k, "x-amzn-trace-id") == 0;
        has_accept |= strcasecmp(k, "accept") == 0;
    }
    /* what the gateway adds (test_apigateway_header_remapping_http[HTTP] no-param-integration;
     * test_http_integration_with_lambda[HTTP]: Accept application/json whatever the client's) */
    if (!has_accept) {
        h[n].name = "Accept";
        h[n].value = "application/json";
        h[n].value_len = 16;
        n++;
    }
    if (!has_ua) {
        h[n].name = "User-Agent";
        h[n].value = nb_arena_printf(req->arena, "AmazonAPIGateway_%s", dp->api_id);
        h[n].value_len = strlen(h[n].value);
        n++;
    }
    n += apigw__rest_backend_headers(dp, h + n, has_trace);
    const char *ct = apigw__dp_header(dp, "content-type");
    if (!has_ct) {
        h[n].name = "Content-Type";
        h[n].value = ct ? ct : "application/json";
        h[n].value_len = strlen(h[n].value);
        n++;
    }
    json_int_t to = json_integer_value(json_object_get(dp->integration, "timeoutInMillis"));
    if (apigw__httpc(req->ctx->loop, method, uri.data ? uri.data : "", h, n, body.data ? body.data : "", body.len,
                     to > 0 ? (unsigned)to : 29000, http_done, dp) != 0)
        apigw__dp_gw(dp, "API_CONFIGURATION_ERROR", 500, "Internal server error");
    nb_buf_free(&uri);
    nb_buf_free(&body);
    json_decref(t);
}
