/* mapping.c — REST non-proxy integrations (MOCK, AWS to Lambda):
 *
 *   request template (by Content-Type, passthroughBehavior) ─▶ integration
 *   ─▶ integration response chosen by selectionPattern (status code for MOCK,
 *      errorMessage for Lambda errors; the pattern-less one by default)
 *   ─▶ response template + responseParameters + $context.responseOverride
 * No template for the content type under NEVER (or WHEN_NO_TEMPLATES with
 * templates) → 415; a broken template or no usable integration response → 500. */
#include "apigw/mapping.h"
#include "apigw/vtl.h"
#include "lambda/lambda.h"
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *str(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

json_t *apigw__dp_params(apigw_dp_t *dp)
{
    nb_req_t *req = dp->req;
    json_t *p = json_pack("{s:{},s:{},s:{}}", "path", "querystring", "header");
    for (size_t i = 0; i < dp->match.n_params; i++)
        json_object_set_new(json_object_get(p, "path"), dp->match.params[i].name, json_string(dp->match.params[i].value));
    for (size_t i = 0; i < req->n_qparams; i++)
        json_object_set_new(json_object_get(p, "querystring"), req->qparams[i].name, json_string(req->qparams[i].value));
    for (size_t i = 0; i < req->n_headers; i++)
        json_object_set_new(json_object_get(p, "header"), nb_req_header_name_as_sent(req, i),
                            json_string(req->headers[i].value));
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
    const char *src = str(tpls, type);
    const char *pb = str(dp->integration, "passthroughBehavior");
    if (!src) {
        int pass = !pb || strcmp(pb, "WHEN_NO_MATCH") == 0 ||
                   (strcmp(pb, "WHEN_NO_TEMPLATES") == 0 && json_object_size(tpls) == 0);
        if (!pass) {
            apigw__dp_gw(dp, "UNSUPPORTED_MEDIA_TYPE", 415, "Unsupported Media Type");
            return -1;
        }
        nb_buf_append(out, dp->req->body, dp->req->body_len);
        if (!out->data) nb_buf_puts(out, "");
        return 0;
    }
    if (render(dp, src, dp->req->body, dp->req->body_len, ctx, out) != 0) {
        apigw__dp_gw(dp, "API_CONFIGURATION_ERROR", 500, "Internal server error");
        return -1;
    }
    return 0;
}

/* The integration response whose selectionPattern matches key, else the default one. */
static json_t *select_response(json_t *integ, const char *key)
{
    json_t *dflt = NULL;
    const char *code;
    json_t *r;
    json_object_foreach(json_object_get(integ, "integrationResponses"), code, r) {
        const char *pat = str(r, "selectionPattern");
        if (!pat || !*pat) {
            if (!dflt) dflt = r;
            continue;
        }
        if (!key) continue;
        char anchored[1100];
        snprintf(anchored, sizeof anchored, "^(%s)$", pat);
        regex_t re;
        if (regcomp(&re, anchored, REG_EXTENDED | REG_NOSUB) != 0) continue;
        int m = regexec(&re, key, 0, NULL, 0) == 0;
        regfree(&re);
        if (m) return r;
    }
    return dflt;
}

/* "'literal'" or integration.response.header.X / body.field → value (arena) or NULL. */
static const char *param_value(apigw_dp_t *dp, const char *expr, const char *body, size_t blen)
{
    size_t n = strlen(expr);
    if (n >= 2 && expr[0] == '\'' && expr[n - 1] == '\'') return nb_arena_strndup(dp->req->arena, expr + 1, n - 2);
    if (strncmp(expr, "integration.response.body", 25) == 0) {
        json_t *j = json_loadb(body, blen, JSON_DECODE_ANY, NULL);
        const char *path = expr[25] == '.' ? nb_arena_printf(dp->req->arena, "$.%s", expr + 26) : "$";
        json_t *v = apigw__jsonpath(j, path);
        const char *r = NULL;
        if (json_is_string(v)) r = nb_arena_strdup(dp->req->arena, json_string_value(v));
        else if (v) {
            char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
            r = nb_arena_strdup(dp->req->arena, s ? s : "");
            free(s);
        }
        json_decref(j);
        return r;
    }
    return NULL;
}

/* Answer from integration response ir for an integration body. */
static void respond(apigw_dp_t *dp, json_t *ir, const char *body, size_t blen, json_t *ctx)
{
    if (!ir) {
        apigw__dp_gw(dp, "API_CONFIGURATION_ERROR", 500, "Internal server error");
        return;
    }
    int status = atoi(str(ir, "statusCode") ? str(ir, "statusCode") : "200");
    json_t *tpls = json_object_get(ir, "responseTemplates");
    const char *ctype = "application/json";
    const char *src = str(tpls, "application/json");
    if (!src && json_object_size(tpls)) {
        void *it = json_object_iter(tpls);
        ctype = json_object_iter_key(it);
        src = json_string_value(json_object_iter_value(it));
    }
    nb_buf_t out = NB_BUF_INIT;
    if (src && *src) {
        if (render(dp, src, body, blen, ctx, &out) != 0) {
            nb_buf_free(&out);
            apigw__dp_gw(dp, "API_CONFIGURATION_ERROR", 500, "Internal server error");
            return;
        }
    } else {
        nb_buf_append(&out, body, blen);
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
        const char *val = param_value(dp, json_string_value(v), body, blen);
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

void apigw__dp_mock(apigw_dp_t *dp)
{
    json_t *ctx = apigw__dp_context(dp);
    nb_buf_t req = NB_BUF_INIT;
    if (map_request(dp, ctx, &req) != 0) {
        nb_buf_free(&req);
        json_decref(ctx);
        return;
    }
    json_t *j = json_loadb(req.data ? req.data : "", req.len, 0, NULL);
    json_t *sc = json_object_get(j, "statusCode");
    char key[16];
    snprintf(key, sizeof key, "%lld", json_is_integer(sc) ? (long long)json_integer_value(sc) : 200LL);
    json_decref(j);
    nb_buf_free(&req);
    json_t *ir = json_object_get(json_object_get(dp->integration, "integrationResponses"), key);
    if (!ir) ir = select_response(dp->integration, key);
    respond(dp, ir, "", 0, ctx);
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
        key = nb_arena_strdup(dp->req->arena, str(e, "errorMessage") ? str(e, "errorMessage") : "");
        json_decref(e);
    }
    json_t *ir = select_response(dp->integration, key);
    if (res->function_error && ir && !str(ir, "selectionPattern")) {
        /* an unmatched Lambda error is the gateway's 502 */
        apigw__dp_gw(dp, "DEFAULT_5XX", 502, "Internal server error");
        return;
    }
    respond(dp, ir, res->payload, res->payload_len, ctx);
}

void apigw__dp_lambda_custom(apigw_dp_t *dp)
{
    const char *fn = apigw__lambda_target(dp->req->arena, apigw__dp_stage_subst(dp, str(dp->integration, "uri")));
    if (!fn) {
        apigw__dp_gw(dp, "API_CONFIGURATION_ERROR", 500, "Internal server error");
        return;
    }
    json_t *ctx = apigw__dp_context(dp);
    nb_buf_t req = NB_BUF_INIT;
    if (map_request(dp, ctx, &req) != 0) {
        nb_buf_free(&req);
        json_decref(ctx);
        return;
    }
    json_int_t to = json_integer_value(json_object_get(dp->integration, "timeoutInMillis"));
    dp->mapping_ctx = ctx;   /* released with the dp, also when the call times out */
    apigw__dp_invoke(dp, fn, req.len ? req.data : "{}", req.len ? req.len : 2, to > 0 ? (unsigned)to : 29000,
                     lambda_done, ctx);
    nb_buf_free(&req);
}
