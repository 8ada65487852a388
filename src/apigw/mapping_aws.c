/* mapping_aws.c — REST AWS (non-proxy) integrations to AWS services, as API
 * Gateway documents them (integration.uri
 * arn:aws:apigateway:{region}:{service}:action/{Action} | path/{path}):
 *
 *   request template ─▶ the service's request, by the service's protocol:
 *     action/ + JSON 1.0/1.1   POST /, X-Amz-Target {target_prefix}.{Action}, the
 *                              template's output as the JSON body
 *     action/ + Query          POST /?Action={Action}, the output as form fields
 *                              after Action={Action} (the URI's operation wins)
 *     action/ + REST           the operation's own method and path, {X} from
 *                              integration.request.path.X
 *     path/                    integration httpMethod on /{path} ({x} filled, each
 *                              value kept within its segment), the
 *                              output as the body
 *     + integration.request.header|querystring.* from requestParameters, but
 *       not the signer's headers, nor X-Amz-Target on action/ (signer_header)
 *   ─▶ an internal call (core/call.h) run as the integration's credentials
 *      (aws_creds.c): the edge routes, decodes and authorizes it exactly as
 *      over HTTP — a denied action is the service's own 4xx answer
 *   ─▶ integration response chosen by the service's HTTP status code
 *      (selectionPattern), templates over its answer (mapping.c).
 * A Lambda function's invocation path (…:lambda:path/…/functions/F/invocations)
 * stays mapping.c's. A service nimbus does not serve, an unusable URI or
 * credentials → 500 {"message": "Internal server error"}, the reason in the
 * execution log (TestInvokeMethod). */
#include "apigw/aws_int.h"
#include "apigw/aws_uri.h"
#include "core/call.h"
#include "core/log.h"
#include "core/util.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>

typedef struct aws_call {
    apigw_wait_t *wait;
} aws_call_t;

static void config_error(apigw_dp_t *dp, const char *why)
{
    apigw__dp_xlog(dp, "%s", why);
    nb_log_warn("apigw", "%s %s %s: %s", dp->api_id, dp->req->method, dp->route_key ? dp->route_key : "", why);
    apigw__dp_gw(dp, "API_CONFIGURATION_ERROR", 500, "Internal server error");
}

/* Headers as the execution log prints them (Java's map form): "{a=1, b=2}" (arena). */
static const char *java_headers(nb_arena_t *a, const nb_kv_t *h, size_t n)
{
    nb_buf_t b = NB_BUF_INIT;
    nb_buf_putc(&b, '{');
    for (size_t i = 0; i < n; i++)
        nb_buf_printf(&b, "%s%s=%.*s", i ? ", " : "", h[i].name, (int)h[i].value_len, h[i].value);
    nb_buf_putc(&b, '}');
    const char *r = nb_arena_strndup(a, b.data, b.len);
    nb_buf_free(&b);
    return r;
}

static void aws_done(void *arg, const nb_call_reply_t *r)
{
    apigw_dp_t *dp = apigw__dp_wait_end(arg);
    if (!dp) return;   /* the integration timeout answered already */
    apigw__dp_xlog(dp, "Received response. Status: %d, Integration latency: %llu ms", r->status,
                   (unsigned long long)((nb_now_us() - dp->t0_us) / 1000));
    if (dp->test_req)
        apigw__dp_xlog(dp, "Endpoint response headers: %s", java_headers(dp->req->arena, r->headers, r->n_headers));
    apigw__dp_xlog(dp, "Endpoint response body before transformations: %.*s", (int)r->body_len, r->body);
    /* the answer's headers and body in the client request's arena: mapping reads them */
    nb_arena_t *a = dp->req->arena;
    nb_kv_t *h = nb_arena_alloc(a, sizeof *h * (r->n_headers ? r->n_headers : 1));
    for (size_t i = 0; i < r->n_headers; i++) {
        h[i].name = nb_arena_strdup(a, r->headers[i].name);
        h[i].value = nb_arena_strndup(a, r->headers[i].value, r->headers[i].value_len);
        h[i].value_len = r->headers[i].value_len;
    }
    char key[16];
    snprintf(key, sizeof key, "%d", r->status);
    apigw_ir_src_t src = {nb_arena_strndup(a, r->body, r->body_len), r->body_len, h, r->n_headers, dp->mapping_ctx};
    apigw__dp_trace_answer(dp);
    apigw__map_respond(dp, apigw__map_select(dp->integration, key), &src);
}

/* An operation's REST template "METHOD /a/{B}/{C+}?q" filled from values
 * (integration.request.path.*): 0 with *method and target, -1 when a label
 * has no value. */
static int fill_op_path(apigw_dp_t *dp, const char *tmpl, json_t *values, const char **method, nb_buf_t *target)
{
    const char *sp = strchr(tmpl, ' ');
    if (!sp) return -1;
    *method = nb_arena_strndup(dp->req->arena, tmpl, (size_t)(sp - tmpl));
    for (const char *p = sp + 1; *p;) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        if (!close) {
            nb_buf_putc(target, *p++);
            continue;
        }
        int greedy = close[-1] == '+';
        size_t n = (size_t)(close - p - 1) - (greedy ? 1 : 0);
        const char *v = json_string_value(json_object_getn(values, p + 1, n));
        if (!v || !*v) return -1;
        nb_url_encode(target, v, strlen(v), greedy);   /* a greedy label keeps its slashes */
        p = close + 1;
    }
    return 0;
}

static void add_query(nb_buf_t *target, json_t *qs)
{
    const char *k;
    json_t *v;
    json_object_foreach(qs, k, v) {
        nb_buf_putc(target, memchr(target->data ? target->data : "", '?', target->len) ? '&' : '?');
        nb_url_encode(target, k, strlen(k), 0);
        nb_buf_putc(target, '=');
        nb_url_encode(target, json_string_value(v), json_string_length(v), 0);
    }
}

/* A requestParameters header the gateway does not let through to the
 * service: the request signer's own (API Gateway signs the integration
 * request with SigV4 after mapping, so its X-Amz-Date, X-Amz-Security-Token
 * and X-Amz-Content-Sha256 are the ones sent; a mapped Authorization never
 * gets here: 500, as AWS answers it, apigw__rest_reserved_mapping), the
 * endpoint's Host, and for an action/ URI X-Amz-Target — the operation is the
 * one the URI names. Others (Content-Type, X-Amz-Invocation-Type…) are the
 * mapping's to set. */
static int signer_header(const char *name, int action)
{
    static const char *const own[] = {"x-amz-date", "x-amz-security-token", "x-amz-content-sha256", "host"};
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
        if (strcasecmp(name, own[i]) == 0) return 1;
    return action && strcasecmp(name, "x-amz-target") == 0;
}

static int lambda_invocation(const apigw_aws_uri_t *u)
{
    return strcmp(u->service, "lambda") == 0 && !u->action && strstr(u->api, "/functions/") &&
           strstr(u->api, "/invocations");
}

void apigw__dp_aws_custom(apigw_dp_t *dp)
{
    nb_req_t *req = dp->req;
    const char *uri = apigw__dp_stage_subst(dp, json_string_value(json_object_get(dp->integration, "uri")));
    apigw_aws_uri_t u;
    if (apigw__aws_uri_parse(uri, &u) != 0 || lambda_invocation(&u)) {
        apigw__dp_lambda_custom(dp);   /* a function's invocation (or a URI only it may know) */
        return;
    }
    const nb_service_t *svc = nb_service_by_name(u.service);
    if (!svc || svc->proto == NB_PROTO_INTERNAL) {
        config_error(dp, nb_arena_printf(req->arena, "Execution failed due to configuration error: AWS service "
                                         "'%s' is not available (nimbus does not serve it)", u.service));
        return;
    }
    apigw_aws_caller_t who;
    const char *why;
    if (apigw__aws_caller(dp, &who, &why) != 0) {
        config_error(dp, why);
        return;
    }
    nb_buf_t body = NB_BUF_INIT;
    json_t *ctx = apigw__map_begin(dp, &body);
    if (!ctx) return;
    dp->mapping_ctx = ctx;   /* released with the dp */
    json_t *t = apigw__map_targets(dp, ctx);
    nb_buf_t target = NB_BUF_INIT;
    const char *method = "POST", *ctype = NULL, *amz_target = NULL, *bad = NULL;
    if (!u.action) {
        method = json_string_value(json_object_get(dp->integration, "httpMethod"));
        if (!method || strcmp(method, "ANY") == 0) method = req->method;
        nb_buf_putc(&target, '/');
        nb_buf_puts(&target, apigw__http_fill_uri(dp, u.api, 0, json_object_get(t, "path"), 1));
        ctype = svc->proto == NB_PROTO_JSON10 ? "application/x-amz-json-1.0"
              : svc->proto == NB_PROTO_JSON11 ? "application/x-amz-json-1.1" : NULL;
    } else if (svc->proto == NB_PROTO_JSON10 || svc->proto == NB_PROTO_JSON11) {
        nb_buf_putc(&target, '/');
        amz_target = nb_arena_printf(req->arena, "%s.%s", svc->target_prefix, u.api);
        ctype = svc->proto == NB_PROTO_JSON10 ? "application/x-amz-json-1.0" : "application/x-amz-json-1.1";
    } else if (svc->proto == NB_PROTO_QUERY) {
        nb_buf_puts(&target, "/?Action=");
        nb_url_encode(&target, u.api, strlen(u.api), 0);
        ctype = "application/x-www-form-urlencoded";
    } else {
        const nb_op_t *op = nb_service_op(svc, u.api);
        if (!op || !op->http)
            bad = nb_arena_printf(req->arena, "Execution failed due to configuration error: AWS ARN for integration "
                                  "contains invalid action %s", u.api);
        else if (fill_op_path(dp, op->http, json_object_get(t, "path"), &method, &target) != 0)
            bad = nb_arena_printf(req->arena, "Execution failed due to configuration error: action %s needs its "
                                  "path parameters (integration.request.path.*)", u.api);
    }
    if (bad) {
        nb_buf_free(&target);
        nb_buf_free(&body);
        json_decref(t);
        config_error(dp, bad);
        return;
    }
    add_query(&target, json_object_get(t, "querystring"));
    /* the headers: what requestParameters map, then the protocol's own */
    json_t *hs = json_object_get(t, "header");
    nb_kv_t *h = nb_arena_alloc(req->arena, sizeof *h * (json_object_size(hs) + 4));
    size_t n = 0;
    int has_ct = 0;
    const char *k;
    json_t *v;
    json_object_foreach(hs, k, v) {
        if (signer_header(k, u.action) || !apigw__rest_kv_mapped(req, &h[n], k, v)) continue;
        has_ct |= strcasecmp(k, "content-type") == 0;
        n++;
    }
    const char *host = nb_arena_printf(req->arena, "%s%s%s.%s.amazonaws.com", u.subdomain, *u.subdomain ? "." : "",
                                       u.service, u.region);
    h[n++] = (nb_kv_t){"Host", host, strlen(host)};
    if (amz_target) h[n++] = (nb_kv_t){"X-Amz-Target", amz_target, strlen(amz_target)};
    if (!has_ct) {
        if (!ctype) ctype = apigw__dp_header(dp, "content-type") ? apigw__dp_header(dp, "content-type") : "application/json";
        h[n++] = (nb_kv_t){"Content-Type", ctype, strlen(ctype)};
    }
    const char *tgt = nb_arena_strndup(req->arena, target.data, target.len);
    apigw__dp_xlog(dp, "Endpoint request URI: https://%s%s", host, tgt);
    if (dp->test_req) apigw__dp_xlog(dp, "Endpoint request headers: %s", java_headers(req->arena, h, n));
    apigw__dp_xlog(dp, "Endpoint request body after transformations: %.*s", (int)body.len,
                   body.data ? body.data : "");
    apigw__dp_xlog(dp, "Sending request to https://%s%s", host, tgt);
    if (u.action && svc->proto == NB_PROTO_QUERY && body.len) {
        /* the form's fields come before the query string's: an Action field the
         * template wrote must not pick another operation than the URI's */
        nb_buf_t form = NB_BUF_INIT;
        nb_buf_puts(&form, "Action=");
        nb_url_encode(&form, u.api, strlen(u.api), 0);
        nb_buf_putc(&form, '&');
        nb_buf_append(&form, body.data, body.len);
        nb_buf_free(&body);
        body = form;
    }
    nb_call_t c = {
        .service = svc->name, .method = method, .target = tgt, .headers = h, .n_headers = n,
        .body = body.data ? body.data : "", .body_len = body.len, .access_key = who.access_key, .as_root = who.as_root, .cause = req,
    };
    json_int_t to = json_integer_value(json_object_get(dp->integration, "timeoutInMillis"));
    apigw_wait_t *w = apigw__dp_wait(dp, to > 0 ? (unsigned)to : 29000, NULL, NULL);
    json_decref(t);
    nb_buf_free(&target);
    /* the call copies what it needs first; its answer may come before nb_call
     * returns and end dp: nothing of dp is touched after it */
    nb_call(req->ctx, &c, aws_done, w);
    nb_buf_free(&body);
}
