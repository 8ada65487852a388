/* mapping.c — REST non-proxy integrations (MOCK, AWS to Lambda; HTTP's call
 * is mapping_http.c):
 *
 *   request template (by Content-Type, passthroughBehavior; contentHandling)
 *   ─▶ integration
 *   ─▶ integration response chosen by selectionPattern, a Java regex matching
 *      the whole key (status code for MOCK and HTTP, errorMessage for Lambda
 *      errors; the pattern-less one by default — a Lambda error no pattern
 *      matches included: AWS answers it 200 with the error as the body)
 *   ─▶ response template + responseParameters + $context.responseOverride
 *      (+ the response's contentHandling)
 * No template for the content type under NEVER (or WHEN_NO_TEMPLATES with
 * templates) → 415; a broken template or no usable integration response → 500. */
#include "apigw/mapping.h"
#include "apigw/jregex.h"
#include "apigw/vtl.h"
#include "core/util.h"
#include "lambda/lambda.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The header map holds the request's headers as the gateway passes them on
 * (apigw__dp_fill_in: the client's, as spelled, with the X-Forwarded-* and
 * X-Amzn-Trace-Id the gateway adds), as AWS's execution log shows the
 * "Method request headers" and a captured $input.params().header has them. */
json_t *apigw__dp_params(apigw_dp_t *dp)
{
    nb_req_t *req = dp->req;
    if (!dp->in.headers) apigw__dp_fill_in(dp);
    json_t *p = json_pack("{s:{},s:{},s:{}}", "path", "querystring", "header");
    for (size_t i = 0; i < dp->match.n_params; i++)
        json_object_set_new(json_object_get(p, "path"), dp->match.params[i].name, json_string(dp->match.params[i].value));
    for (size_t i = 0; i < req->n_qparams; i++)
        json_object_set_new(json_object_get(p, "querystring"), req->qparams[i].name, json_string(req->qparams[i].value));
    for (size_t i = 0; i < dp->in.n_headers; i++)
        json_object_set_new(json_object_get(p, "header"), dp->in.headers[i].name, json_string(dp->in.headers[i].value));
    return p;
}

json_t *apigw__dp_context(apigw_dp_t *dp)
{
    nb_req_t *req = dp->req;
    const char *ua = nb_req_header(req, "user-agent");
    json_t *c = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:{s:s,s:s}}", "requestId", req->id, "extendedRequestId", req->id,
                          "apiId", dp->api_id, "stage", dp->stage, "httpMethod", req->method, "resourcePath",
                          dp->route_key ? dp->route_key : "", "resourceId", dp->resource_id ? dp->resource_id : "", "accountId",
                          req->ctx->cfg->account, "identity", "sourceIp", req->remote_addr, "userAgent", ua ? ua : "");
    /* the variables the reference lists beside these (as the access log has them) */
    const char *host = nb_req_header(req, "host") ? nb_req_header(req, "host") : req->host;
    uint64_t t0 = dp->in.time_ms ? dp->in.time_ms : nb_wall_ms() - (nb_now_us() - dp->t0_us) / 1000;
    char when[40];
    apigw__clf_time(t0, when, sizeof when);
    json_object_set_new(c, "path", json_string(dp->path ? dp->path : "/"));
    json_object_set_new(c, "protocol", json_string("HTTP/1.1"));
    json_object_set_new(c, "requestTime", json_string(when));
    json_object_set_new(c, "requestTimeEpoch", json_integer((json_int_t)t0));
    if (host) {
        json_object_set_new(c, "domainName", json_string(host));
        json_object_set_new(c, "domainPrefix", json_stringn(host, strcspn(host, ".:")));
    }
    if (dp->in.deployment_id) json_object_set_new(c, "deploymentId", json_string(dp->in.deployment_id));
    /* "Present only when you enabled a canary" (test_invoking_canary_deployment: "false" / "true") */
    if (dp->canary) json_object_set_new(c, "isCanaryRequest", json_boolean(dp->canary == 2));
    if (dp->authorizer_ctx) json_object_set(c, "authorizer", dp->authorizer_ctx);
    if (dp->api_key_value) json_object_set_new(json_object_get(c, "identity"), "apiKey", json_string(dp->api_key_value));
    return c;
}

/* Render src; 0 with out, or -1. */
static int render(apigw_dp_t *dp, const char *src, const char *body, size_t blen, json_t *ctx, nb_buf_t *out)
{
    char err[200];
    vtl_tmpl_t *t = apigw__vtl_parse(src, strlen(src), err, sizeof err);
    if (!t) return -1;
    json_t *params = apigw__dp_params(dp);
    vtl_env_t env = {body, blen, params, ctx, json_object_get(dp->stage_obj, "variables")};
    int rc = apigw__vtl_render(t, &env, out);
    apigw__vtl_free(t);
    json_decref(params);
    return rc;
}

/* The request after its template: 0 with out; -1 after answering (415/500). */
static int map_request(apigw_dp_t *dp, json_t *ctx, nb_buf_t *out)
{
    json_t *tpls = json_object_get(dp->integration, "requestTemplates");
    const char *ct = apigw__dp_header(dp, "content-type");
    char type[128];
    snprintf(type, sizeof type, "%.*s", ct ? (int)strcspn(ct, ";") : 16, ct ? ct : "application/json");
    const char *src = apigw__str(tpls, type);
    const char *pb = apigw__str(dp->integration, "passthroughBehavior");
    if (!src) {
        int pass = !pb || strcmp(pb, "WHEN_NO_MATCH") == 0 ||
                   (strcmp(pb, "WHEN_NO_TEMPLATES") == 0 && json_object_size(tpls) == 0);
        if (!pass) {
            apigw__dp_gw(dp, "UNSUPPORTED_MEDIA_TYPE", 415, "Unsupported Media Type");
            return -1;
        }
    }
    /* contentHandling (api-gateway-payload-encodings-workflow): a binary body
     * (binaryMediaTypes) becomes base64 text under CONVERT_TO_TEXT — what the
     * template then reads as $input.body — and text becomes the bytes its
     * base64 decodes to under CONVERT_TO_BINARY */
    const char *ch = apigw__str(dp->integration, "contentHandling");
    const char *body = dp->req->body ? dp->req->body : "";
    size_t blen = dp->req->body_len;
    nb_buf_t conv = NB_BUF_INIT;
    if (ch && !strcmp(ch, "CONVERT_TO_TEXT") && dp->in.body_binary) {
        nb_base64_encode(&conv, body, blen);
        body = conv.data ? conv.data : "";
        blen = conv.len;
    }
    int rc = 0;
    if (!src) nb_buf_append(out, body, blen);
    else rc = render(dp, src, body, blen, ctx, out);
    nb_buf_free(&conv);
    if (rc == 0 && ch && !strcmp(ch, "CONVERT_TO_BINARY") && !dp->in.body_binary) {
        nb_buf_t bin = NB_BUF_INIT;
        if (nb_base64_decode(&bin, out->data ? out->data : "", out->len) == 0) {
            nb_buf_free(out);
            *out = bin;
        } else {
            nb_buf_free(&bin);
        }
    }
    if (!out->data) nb_buf_puts(out, "");
    if (rc != 0) {
        apigw__dp_gw(dp, "API_CONFIGURATION_ERROR", 500, "Internal server error");
        return -1;
    }
    return 0;
}

/* The integration response whose selectionPattern matches key, else the default one. */
json_t *apigw__map_select(json_t *integ, const char *key)
{
    json_t *dflt = NULL;
    const char *code;
    json_t *r;
    json_object_foreach(json_object_get(integ, "integrationResponses"), code, r) {
        const char *pat = apigw__str(r, "selectionPattern");
        if (!pat || !*pat) {
            if (!dflt) dflt = r;
            continue;
        }
        if (key && apigw__jregex_whole(pat, key)) return r;
    }
    return dflt;
}

/* A value in text as a mapping expression gives it: strings as they are,
 * other JSON as JSON (arena), NULL for nothing. */
static const char *json_param(apigw_dp_t *dp, json_t *v)
{
    if (json_is_string(v)) return nb_arena_strdup(dp->req->arena, json_string_value(v));
    if (!v || json_is_null(v)) return NULL;
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    const char *r = nb_arena_strdup(dp->req->arena, s ? s : "");
    free(s);
    return r;
}

/* Entries named name among h (headers: any case): the last one's value, or
 * (multi) all of them joined with commas; NULL when none (arena). */
static const char *kv_value(apigw_dp_t *dp, const nb_kv_t *h, size_t n, const char *name, int multi, int nocase)
{
    nb_buf_t b = NB_BUF_INIT;
    int found = 0;
    for (size_t i = 0; i < n; i++) {
        if ((nocase ? strcasecmp(h[i].name, name) : strcmp(h[i].name, name)) != 0) continue;
        if (found && !multi) nb_buf_clear(&b);
        if (found && multi) nb_buf_putc(&b, ',');
        nb_buf_append(&b, h[i].value, h[i].value_len);
        found = 1;
    }
    const char *r = found ? nb_arena_strndup(dp->req->arena, b.data ? b.data : "", b.len) : NULL;
    nb_buf_free(&b);
    return r;
}

/* A body's JSONPath value ("$" + path) as a mapping expression gives it. */
static const char *body_value(apigw_dp_t *dp, const char *body, size_t blen, const char *path)
{
    json_t *j = json_loadb(body, blen, JSON_DECODE_ANY, NULL);
    const char *r = json_param(dp, apigw__jsonpath(j, nb_arena_printf(dp->req->arena, "$.%s", path)));
    json_decref(j);
    return r;
}

/* What both directions may map: 'static', stageVariables.x, context.x. */
static const char *common_value(apigw_dp_t *dp, const char *expr, json_t *ctx, int *known)
{
    size_t n = strlen(expr);
    *known = 1;
    if (n >= 2 && expr[0] == '\'' && expr[n - 1] == '\'') return nb_arena_strndup(dp->req->arena, expr + 1, n - 2);
    if (strncmp(expr, "stageVariables.", 15) == 0)
        return json_param(dp, json_object_get(json_object_get(dp->stage_obj, "variables"), expr + 15));
    if (strncmp(expr, "context.", 8) == 0)
        return json_param(dp, apigw__jsonpath(ctx, nb_arena_printf(dp->req->arena, "$.%s", expr + 8)));
    *known = 0;
    return NULL;
}

/* integration.response.header.X / multivalueheader.X / body / body.JSONPath
 * and the common sources → value (arena) or NULL. */
static const char *param_value(apigw_dp_t *dp, const char *expr, const apigw_ir_src_t *src)
{
    int known;
    const char *c = common_value(dp, expr, src->ctx, &known);
    if (known) return c;
    if (strncmp(expr, "integration.response.header.", 28) == 0)
        return kv_value(dp, src->headers, src->n_headers, expr + 28, 0, 1);
    if (strncmp(expr, "integration.response.multivalueheader.", 38) == 0)
        return kv_value(dp, src->headers, src->n_headers, expr + 38, 1, 1);
    if (strcmp(expr, "integration.response.body") == 0) return nb_arena_strndup(dp->req->arena, src->body, src->blen);
    if (strncmp(expr, "integration.response.body.", 26) == 0) return body_value(dp, src->body, src->blen, expr + 26);
    return NULL;
}

const char *apigw__map_request_value(apigw_dp_t *dp, const char *expr, json_t *ctx)
{
    int known;
    const char *c = common_value(dp, expr, ctx, &known);
    if (known) return c;
    nb_req_t *req = dp->req;
    if (strncmp(expr, "method.request.path.", 20) == 0) {
        for (size_t i = 0; i < dp->match.n_params; i++)
            if (strcmp(dp->match.params[i].name, expr + 20) == 0) return dp->match.params[i].value;
        return NULL;
    }
    if (strncmp(expr, "method.request.querystring.", 27) == 0 ||
        strncmp(expr, "method.request.multivaluequerystring.", 37) == 0) {
        int multi = expr[15] == 'm';
        return kv_value(dp, req->qparams, req->n_qparams, expr + (multi ? 37 : 27), multi, 0);
    }
    if (strncmp(expr, "method.request.header.", 22) == 0)
        return kv_value(dp, req->headers, req->n_headers, expr + 22, 0, 1);
    if (strncmp(expr, "method.request.multivalueheader.", 32) == 0)
        return kv_value(dp, req->headers, req->n_headers, expr + 32, 1, 1);
    if (strcmp(expr, "method.request.body") == 0) return nb_arena_strndup(req->arena, req->body ? req->body : "", req->body_len);
    if (strncmp(expr, "method.request.body.", 20) == 0) return body_value(dp, req->body ? req->body : "", req->body_len, expr + 20);
    return NULL;
}

/* Answer from integration response ir for the integration's answer src. */
void apigw__map_respond(apigw_dp_t *dp, json_t *ir, const apigw_ir_src_t *src)
{
    if (!ir) {
        apigw__dp_gw(dp, "API_CONFIGURATION_ERROR", 500, "Internal server error");
        return;
    }
    json_t *ctx = src->ctx;
    int status = atoi(apigw__str(ir, "statusCode") ? apigw__str(ir, "statusCode") : "200");
    /* the template of the client's first Accept type (only the MIME type counts), else
     * application/json's, else the first */
    json_t *tpls = json_object_get(ir, "responseTemplates");
    const char *acc = apigw__dp_header(dp, "accept");
    const char *ctype = "application/json";
    const char *tsrc = NULL;
    if (acc) {
        acc += strspn(acc, " \t");
        size_t n = strcspn(acc, ",; \t");
        const char *want = nb_arena_strndup(dp->req->arena, acc, n);
        if ((tsrc = apigw__str(tpls, want))) ctype = want;
    }
    if (!tsrc) tsrc = apigw__str(tpls, "application/json");
    if (!tsrc && json_object_size(tpls)) {
        void *it = json_object_iter(tpls);
        ctype = json_object_iter_key(it);
        tsrc = json_string_value(json_object_iter_value(it));
    }
    const char *ch = apigw__str(ir, "contentHandling");
    const char *body = src->body;
    size_t blen = src->blen;
    nb_buf_t conv = NB_BUF_INIT, out = NB_BUF_INIT;
    if (ch && !strcmp(ch, "CONVERT_TO_TEXT") && src->headers) {   /* an HTTP backend's binary answer → base64 */
        const char *bct = NULL;
        for (size_t i = 0; i < src->n_headers; i++)
            if (strcasecmp(src->headers[i].name, "content-type") == 0) bct = src->headers[i].value;
        if (apigw__is_binary_type(json_object_get(dp->api, "binaryMediaTypes"), bct, NULL)) {
            nb_base64_encode(&conv, body, blen);
            body = conv.data ? conv.data : "";
            blen = conv.len;
        }
    }
    int rc = 0;
    if (tsrc && *tsrc) rc = render(dp, tsrc, body, blen, ctx, &out);
    else nb_buf_append(&out, body, blen);
    nb_buf_free(&conv);
    if (rc != 0) {
        nb_buf_free(&out);
        apigw__dp_gw(dp, "API_CONFIGURATION_ERROR", 500, "Internal server error");
        return;
    }
    if (ch && !strcmp(ch, "CONVERT_TO_BINARY")) {   /* text → the bytes its base64 decodes to */
        nb_buf_t bin = NB_BUF_INIT;
        if (nb_base64_decode(&bin, out.data ? out.data : "", out.len) == 0) {
            nb_buf_free(&out);
            out = bin;
        } else {
            nb_buf_free(&bin);
        }
    }
    nb_arena_t *a = dp->req->arena;
    json_t *rp = json_object_get(ir, "responseParameters");
    json_t *ov = json_object_get(json_object_get(ctx, "responseOverride"), "header");
    nb_kv_t *h = nb_arena_alloc(a, sizeof *h * (json_object_size(rp) + json_object_size(ov) + 2));
    size_t n = 0;
    const char *k;
    json_t *v;
    json_object_foreach(rp, k, v) {
        if (strncmp(k, "method.response.header.", 23) != 0 || !json_is_string(v)) continue;
        const char *val = param_value(dp, json_string_value(v), src);
        if (!val) continue;
        h[n].name = k + 23;
        h[n].value = val;
        h[n++].value_len = strlen(val);
    }
    json_object_foreach(ov, k, v) {
        if (!json_is_string(v)) continue;
        h[n].name = nb_arena_strdup(a, k);
        h[n].value = nb_arena_strdup(a, json_string_value(v));
        h[n++].value_len = json_string_length(v);
    }
    int has_ct = 0;
    for (size_t i = 0; i < n; i++) has_ct |= strcasecmp(h[i].name, "content-type") == 0;
    if (!has_ct) {
        h[n].name = "Content-Type";
        h[n].value = ctype;
        h[n++].value_len = strlen(ctype);
    }
    json_t *os = json_object_get(json_object_get(ctx, "responseOverride"), "status");
    if (json_is_integer(os) && json_integer_value(os) >= 100 && json_integer_value(os) <= 599) status = (int)json_integer_value(os);
    apigw_http_out_t o = {.status = status, .headers = h, .n_headers = n,
                          .body = nb_arena_strndup(a, out.data ? out.data : "", out.len), .body_len = out.len};
    nb_buf_free(&out);
    apigw__dp_send(dp, &o);
}

json_t *apigw__map_begin(apigw_dp_t *dp, nb_buf_t *out)
{
    json_t *ctx = apigw__dp_context(dp);
    if (map_request(dp, ctx, out) == 0) return ctx;
    nb_buf_free(out);
    json_decref(ctx);
    return NULL;
}

void apigw__dp_mock(apigw_dp_t *dp)
{
    nb_buf_t req = NB_BUF_INIT;
    json_t *ctx = apigw__map_begin(dp, &req);
    if (!ctx) return;
    json_t *j = json_loadb(req.data ? req.data : "", req.len, 0, NULL);
    json_t *sc = json_object_get(j, "statusCode");
    char key[16];
    snprintf(key, sizeof key, "%lld", json_is_integer(sc) ? (long long)json_integer_value(sc) : 200LL);
    json_decref(j);
    nb_buf_free(&req);
    json_t *ir = json_object_get(json_object_get(dp->integration, "integrationResponses"), key);
    if (!ir) ir = apigw__map_select(dp->integration, key);
    apigw_ir_src_t src = {"", 0, NULL, 0, ctx};
    apigw__map_respond(dp, ir, &src);
    json_decref(ctx);
}

static void lambda_done(apigw_dp_t *dp, const lambda_result_t *res, void *arg)
{
    json_t *ctx = arg;   /* borrowed: dp->mapping_ctx */
    if (res->error != NB_OK) {
        apigw__dp_gw(dp, "API_CONFIGURATION_ERROR", 500, "Internal server error");
        return;
    }
    const char *key = NULL;
    if (res->function_error) {
        json_t *e = json_loadb(res->payload, res->payload_len, 0, NULL);
        key = nb_arena_strdup(dp->req->arena, apigw__str(e, "errorMessage") ? apigw__str(e, "errorMessage") : "");
        json_decref(e);
    }
    /* an error no pattern matches takes the default response: "Lambda errors
     * are returned as 200 OK responses by default" (handle-errors-in-lambda-integration) */
    apigw_ir_src_t src = {res->payload, res->payload_len, NULL, 0, ctx};
    apigw__dp_trace_answer(dp);
    apigw__map_respond(dp, apigw__map_select(dp->integration, key), &src);
}

void apigw__dp_lambda_custom(apigw_dp_t *dp)
{
    const char *fn = apigw__lambda_target(dp->req->arena, apigw__dp_stage_subst(dp, apigw__str(dp->integration, "uri")));
    if (!fn) {
        apigw__dp_gw(dp, "API_CONFIGURATION_ERROR", 500, "Internal server error");
        return;
    }
    nb_buf_t req = NB_BUF_INIT;
    json_t *ctx = apigw__map_begin(dp, &req);
    if (!ctx) return;
    json_int_t to = json_integer_value(json_object_get(dp->integration, "timeoutInMillis"));
    dp->mapping_ctx = ctx;   /* released with the dp, also when the call times out */
    apigw__dp_invoke(dp, fn, req.len ? req.data : "{}", req.len ? req.len : 2, to > 0 ? (unsigned)to : 29000,
                     lambda_done, ctx);
    nb_buf_free(&req);
}
