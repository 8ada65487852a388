/* gw_resp.c — REST API gateway responses: the gateway's own answers
 * (Missing Authentication Token, throttled, integration timeout...) shaped by
 * the API's customizations (PutGatewayResponse, x-amazon-apigateway-gateway-
 * responses), as its stage's deployment captured them.
 *
 * Choice for an answer of type T and status S (T's AWS default, but 502 for
 * the DEFAULT_5XX of a failed or malformed Lambda proxy answer):
 *   T customized             → T's statusCode (else T's default, else S),
 *                              parameters, templates
 *   else DEFAULT_4XX/5XX (by S's class) customized → its statusCode (else S),
 *                              parameters, templates
 *   else                     → the gateway's plain {"message": "..."} answer
 * A customization without templates renders AWS's default template
 * {"message":$context.error.messageString}. HTTP and WebSocket APIs have no
 * gateway responses: their answers are always the plain ones.
 * Invariant: the customizations come from the deployment (dp->gw_responses),
 * never from the live API, so they take effect when deployed, as in AWS. */
#include "apigw/dp.h"
#include "apigw/vtl.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
    const char *type;
    const char *status;   /* AWS's default; NULL for the two fallbacks */
} types[] = {
    {"DEFAULT_4XX", NULL}, {"DEFAULT_5XX", NULL}, {"RESOURCE_NOT_FOUND", "404"}, {"UNAUTHORIZED", "401"},
    {"INVALID_API_KEY", "403"}, {"ACCESS_DENIED", "403"}, {"AUTHORIZER_FAILURE", "500"},
    {"AUTHORIZER_CONFIGURATION_ERROR", "500"}, {"INVALID_SIGNATURE", "403"}, {"EXPIRED_TOKEN", "403"},
    {"MISSING_AUTHENTICATION_TOKEN", "403"}, {"INTEGRATION_FAILURE", "504"}, {"INTEGRATION_TIMEOUT", "504"},
    {"API_CONFIGURATION_ERROR", "500"}, {"UNSUPPORTED_MEDIA_TYPE", "415"}, {"BAD_REQUEST_PARAMETERS", "400"},
    {"BAD_REQUEST_BODY", "400"}, {"REQUEST_TOO_LARGE", "413"}, {"THROTTLED", "429"}, {"QUOTA_EXCEEDED", "429"},
    {"WAF_FILTERED", "403"},
};

#define DEFAULT_TEMPLATE "{\"message\":$context.error.messageString}"

size_t apigw__gr_count(void)
{
    return sizeof types / sizeof types[0];
}

const char *apigw__gr_type(size_t i)
{
    return i < apigw__gr_count() ? types[i].type : NULL;
}

int apigw__gr_known(const char *type)
{
    for (size_t i = 0; type && i < apigw__gr_count(); i++)
        if (strcmp(types[i].type, type) == 0) return 1;
    return 0;
}

static const char *default_status(const char *type)
{
    for (size_t i = 0; i < apigw__gr_count(); i++)
        if (strcmp(types[i].type, type) == 0) return types[i].status;
    return NULL;
}

json_t *apigw__gr_default(const char *type)
{
    json_t *r = json_pack("{s:s,s:{},s:{s:s},s:b}", "responseType", type, "responseParameters", "responseTemplates",
                          "application/json", DEFAULT_TEMPLATE, "defaultResponse", 1);
    if (default_status(type)) json_object_set_new(r, "statusCode", json_string(default_status(type)));
    return r;
}

/* --- data plane ----------------------------------------------------------- */

/* A request value named by a mapping expression (arena), or NULL. */
static const char *param_value(apigw_dp_t *dp, json_t *params, json_t *ctx, const char *expr)
{
    size_t n = strlen(expr);
    if (n >= 2 && expr[0] == '\'' && expr[n - 1] == '\'') return nb_arena_strndup(dp->req->arena, expr + 1, n - 2);
    static const char *const where[] = {"header", "querystring", "path"};
    for (size_t i = 0; i < 3; i++) {
        const char *pre = nb_arena_printf(dp->req->arena, "method.request.%s.", where[i]);
        size_t pl = strlen(pre);
        if (strncmp(expr, pre, pl) != 0) continue;
        json_t *m = json_object_get(params, where[i]);
        if (i == 0) {   /* header names are case-insensitive */
            const char *k;
            json_t *v;
            json_object_foreach(m, k, v)
                if (strcasecmp(k, expr + pl) == 0) return json_string_value(v);
            return NULL;
        }
        return apigw__str(m, expr + pl);
    }
    if (strncmp(expr, "stageVariables.", 15) == 0)
        return apigw__str(json_object_get(dp->stage_obj, "variables"), expr + 15);
    if (strncmp(expr, "context.", 8) == 0) {
        json_t *cur = ctx;
        char *path = nb_arena_strdup(dp->req->arena, expr + 8), *save = NULL;
        for (char *seg = strtok_r(path, ".", &save); seg && cur; seg = strtok_r(NULL, ".", &save))
            cur = json_object_get(cur, seg);
        return json_string_value(cur);
    }
    return NULL;
}

/* The body of customization gr for the error (arena), its content type in *ct. */
static const char *render_body(apigw_dp_t *dp, json_t *gr, json_t *params, json_t *ctx, const char **ct, size_t *len)
{
    json_t *tpls = json_object_get(gr, "responseTemplates");
    const char *src = apigw__str(tpls, "application/json");
    *ct = "application/json";
    if (!src && json_object_size(tpls)) {
        void *it = json_object_iter(tpls);
        *ct = json_object_iter_key(it);
        src = json_string_value(json_object_iter_value(it));
    }
    if (!src) src = DEFAULT_TEMPLATE;
    char err[200];
    vtl_tmpl_t *t = apigw__vtl_parse(src, strlen(src), err, sizeof err);
    if (!t) t = apigw__vtl_parse(DEFAULT_TEMPLATE, strlen(DEFAULT_TEMPLATE), err, sizeof err);
    nb_buf_t out = NB_BUF_INIT;
    vtl_env_t env = {"", 0, params, ctx, json_object_get(dp->stage_obj, "variables")};
    apigw__vtl_render(t, &env, &out);   /* a limit hit keeps what was made */
    apigw__vtl_free(t);
    *len = out.len;
    const char *r = nb_arena_strndup(dp->req->arena, out.data ? out.data : "", out.len);
    nb_buf_free(&out);
    return r;
}

/* The customization answering type at status, or NULL (plain answer). */
static json_t *customization(apigw_dp_t *dp, const char *type, int status, int *fallback)
{
    json_t *gr = json_object_get(dp->gw_responses, type);
    *fallback = 0;
    if (gr) return gr;
    *fallback = 1;
    return json_object_get(dp->gw_responses, status >= 500 ? "DEFAULT_5XX" : "DEFAULT_4XX");
}

int apigw__dp_gw_custom(apigw_dp_t *dp, const char *type, int status)
{
    int fb;
    return !dp->v2 && !dp->ws && customization(dp, type, status, &fb) != NULL;
}

void apigw__dp_gw(apigw_dp_t *dp, const char *type, int status, const char *msg)
{
    int fb;
    json_t *gr = dp->v2 || dp->ws ? NULL : customization(dp, type, status, &fb);
    if (!gr && !msg) {   /* AWS's {"message": null} (an authorizer that failed) */
        static const char body[] = "{\"message\":null}";
        nb_kv_t h = {"Content-Type", "application/json", 16};
        apigw_http_out_t out = {.status = status, .headers = &h, .n_headers = 1,
                                .body = body, .body_len = sizeof body - 1};
        apigw__dp_send(dp, &out);
        return;
    }
    if (!gr) {
        apigw__dp_message(dp, status, msg);
        return;
    }
    nb_req_t *req = dp->req;
    nb_arena_t *a = req->arena;
    dp->error_message = msg;
    const char *sc = apigw__str(gr, "statusCode");
    /* the type's own, as GetGatewayResponse shows it; but an INTEGRATION_FAILURE customized
     * without a status keeps the failure's 500, not the 504 GetGatewayResponse shows
     * (LocalStack's test_lambda_aws_proxy_integration_non_post_method, recorded against AWS) */
    if (!sc && !fb && strcmp(type, "INTEGRATION_FAILURE") != 0) sc = default_status(type);
    if (sc && atoi(sc) >= 100 && atoi(sc) <= 599) status = atoi(sc);
    json_t *params = apigw__dp_params(dp);
    json_t *ctx = apigw__dp_context(dp);
    nb_buf_t qs = NB_BUF_INIT;
    if (msg) {
        nb_buf_putc(&qs, '"');
        nb_buf_json_escape(&qs, msg, strlen(msg));
        nb_buf_putc(&qs, '"');
    } else {
        nb_buf_puts(&qs, "null");
    }
    json_t *err = json_pack("{s:s,s:s%,s:s}", "message", msg ? msg : "", "messageString", qs.data, qs.len,
                            "responseType", type);
    nb_buf_free(&qs);
    if (strncmp(type, "BAD_REQUEST_", 12) == 0) json_object_set_new(err, "validationErrorString", json_string(msg));
    json_object_set_new(ctx, "error", err);
    json_t *rp = json_object_get(gr, "responseParameters");
    nb_kv_t *h = nb_arena_alloc(a, sizeof *h * (json_object_size(rp) + 1));
    size_t n = 0;
    const char *k;
    json_t *v;
    json_object_foreach(rp, k, v) {
        if (strncmp(k, "gatewayresponse.header.", 23) != 0 || !json_is_string(v)) continue;
        const char *val = param_value(dp, params, ctx, json_string_value(v));
        if (!val) continue;
        h[n].name = nb_arena_strdup(a, k + 23);
        h[n].value = nb_arena_strdup(a, val);
        h[n].value_len = strlen(val);
        n++;
    }
    const char *ct;
    size_t len;
    const char *body = render_body(dp, gr, params, ctx, &ct, &len);
    h[n].name = nb_arena_strdup(a, "Content-Type");
    h[n].value = nb_arena_strdup(a, ct);
    h[n].value_len = strlen(ct);
    n++;
    json_decref(params);
    json_decref(ctx);
    apigw_http_out_t out = {.status = status, .headers = h, .n_headers = n, .body = body, .body_len = len};
    apigw__dp_send(dp, &out);
}
