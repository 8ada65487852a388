/* cors.c — HTTP APIs' CORS, answered by the gateway from the API's
 * corsConfiguration: preflight requests (OPTIONS with Origin and
 * Access-Control-Request-Method) get 204 with the allow headers; actual
 * requests from an allowed origin get Access-Control-Allow-Origin (and
 * credentials / expose headers). */
#include "apigw/dp.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Comma-joined list (arena), "" when empty. */
static const char *joined(nb_arena_t *a, json_t *arr)
{
    nb_buf_t b = NB_BUF_INIT;
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        if (!json_is_string(v)) continue;
        if (b.len) nb_buf_putc(&b, ',');
        nb_buf_puts(&b, json_string_value(v));
    }
    const char *r = nb_arena_strndup(a, b.data ? b.data : "", b.len);
    nb_buf_free(&b);
    return r;
}

static int in_list(json_t *arr, const char *v)
{
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x) {
        const char *s = json_string_value(x);
        if (s && (strcmp(s, "*") == 0 || strcasecmp(s, v) == 0)) return 1;
    }
    return 0;
}

/* The Access-Control-Allow-Origin value for origin, or NULL if not allowed. */
static const char *allow_origin(json_t *cors, const char *origin)
{
    json_t *origins = json_object_get(cors, "allowOrigins");
    size_t i;
    json_t *x;
    json_array_foreach(origins, i, x) {
        const char *s = json_string_value(x);
        if (!s) continue;
        if (strcmp(s, "*") == 0) return json_is_true(json_object_get(cors, "allowCredentials")) ? origin : "*";
        if (strcasecmp(s, origin) == 0) return origin;
    }
    return NULL;
}

int apigw__cors_preflight(apigw_dp_t *dp)
{
    json_t *cors = json_object_get(dp->api, "corsConfiguration");
    if (!cors || strcmp(dp->req->method, "OPTIONS") != 0) return 0;
    const char *origin = apigw__dp_header(dp, "origin");
    const char *want = apigw__dp_header(dp, "access-control-request-method");
    if (!origin || !want) return 0;
    nb_req_t *req = dp->req;
    const char *ao = allow_origin(cors, origin);
    json_t *methods = json_object_get(cors, "allowMethods");
    if (ao && (!json_array_size(methods) || in_list(methods, want))) {
        nb_resp_header(req, "Access-Control-Allow-Origin", ao);
        if (json_array_size(methods)) nb_resp_header(req, "Access-Control-Allow-Methods", joined(req->arena, methods));
        json_t *hdrs = json_object_get(cors, "allowHeaders");
        if (json_array_size(hdrs)) nb_resp_header(req, "Access-Control-Allow-Headers", joined(req->arena, hdrs));
        if (json_is_true(json_object_get(cors, "allowCredentials")))
            nb_resp_header(req, "Access-Control-Allow-Credentials", "true");
        json_int_t age = json_integer_value(json_object_get(cors, "maxAge"));
        if (age > 0) nb_resp_header(req, "Access-Control-Max-Age", nb_arena_printf(req->arena, "%lld", (long long)age));
    }
    nb_resp_header(req, "apigw-requestid", req->id);
    apigw__dp_release(dp);
    nb_reply(req, 204, NULL, "", 0);
    return 1;
}

void apigw__cors_headers(apigw_dp_t *dp)
{
    json_t *cors = dp->api ? json_object_get(dp->api, "corsConfiguration") : NULL;
    const char *origin = apigw__dp_header(dp, "origin");
    if (!cors || !origin) return;
    const char *ao = allow_origin(cors, origin);
    if (!ao) return;
    nb_req_t *req = dp->req;
    nb_resp_header(req, "Access-Control-Allow-Origin", ao);
    if (json_is_true(json_object_get(cors, "allowCredentials")))
        nb_resp_header(req, "Access-Control-Allow-Credentials", "true");
    json_t *expose = json_object_get(cors, "exposeHeaders");
    if (json_array_size(expose)) nb_resp_header(req, "Access-Control-Expose-Headers", joined(req->arena, expose));
}
