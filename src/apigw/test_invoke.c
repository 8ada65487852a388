/* test_invoke.c — TestInvokeMethod and TestInvokeAuthorizer (REST APIs): a
 * request described in the operation's input runs through the data plane's
 * own pipeline (dp_rest.c, auth.c) against the API as it is now — no
 * deployment needed, stage "test-invoke-stage" with the input's stage
 * variables — and the answer the client would get becomes the operation's
 * output (status, body, headers, an execution log, latency).
 *
 * The pipeline reads its request through a stand-in nb_req_t (arena copy of
 * the control-plane request with method, path, query, headers and body
 * replaced); dp->test_req is the real one, answered by
 * apigw__test_invoke_done when the pipeline replies. As in AWS,
 * TestInvokeMethod skips API keys, authorizers and throttling, and
 * TestInvokeAuthorizer never reads or fills the authorizer cache. */
#include "apigw/dp.h"
#include "apigw/auth.h"
#include "core/edge.h"
#include "core/util.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define TEST_STAGE "test-invoke-stage"

/* The stand-in request: method, path (+ query) from pathWithQueryString,
 * headers (headers, multiValueHeaders) and body of the input in. */
static nb_req_t *stand_in(nb_req_t *req, const char *method, json_t *in, const char *api_id)
{
    nb_arena_t *a = req->arena;
    nb_req_t *f = nb_arena_alloc(a, sizeof *f);
    *f = *req;
    f->method = nb_arena_strdup(a, method);
    const char *pq = apigw__str(in, "pathWithQueryString");
    if (!pq || !*pq) pq = "/";
    const char *q = strchr(pq, '?');
    size_t plen = q ? (size_t)(q - pq) : strlen(pq);
    f->raw_target = nb_arena_strdup(a, pq);
    f->raw_path = nb_arena_strndup(a, pq, plen);
    f->path = nb_url_decode_arena(a, pq, plen, 0);
    if (!f->path) f->path = f->raw_path;
    f->query = q ? nb_arena_strdup(a, q + 1) : "";
    f->qparams = NULL;
    f->n_qparams = 0;
    if (*f->query && nb_edge_parse_form(a, f->query, strlen(f->query), &f->qparams, &f->n_qparams) != 0) {
        f->qparams = NULL;
        f->n_qparams = 0;
    }
    json_t *h = json_object_get(in, "headers"), *mh = json_object_get(in, "multiValueHeaders");
    size_t cap = json_object_size(h) + 1;
    const char *k;
    json_t *v;
    json_object_foreach(mh, k, v) cap += json_array_size(v);
    f->headers = nb_arena_alloc(a, sizeof *f->headers * cap);
    const char **as_sent = nb_arena_alloc(a, sizeof *as_sent * cap);   /* the names as given */
    f->raw_names = as_sent;
    f->n_headers = 0;
    char host[128];
    snprintf(host, sizeof host, "%s.execute-api.localhost", api_id);
    json_object_foreach(h, k, v) {
        if (!json_is_string(v)) continue;
        char *name = nb_arena_strdup(a, k);
        for (char *p = name; *p; p++)
            if (*p >= 'A' && *p <= 'Z') *p = (char)(*p + 32);
        as_sent[f->n_headers] = nb_arena_strdup(a, k);
        f->headers[f->n_headers++] = (nb_kv_t){name, nb_arena_strdup(a, json_string_value(v)),
                                               json_string_length(v)};
    }
    json_object_foreach(mh, k, v) {
        size_t i;
        json_t *one;
        char *name = nb_arena_strdup(a, k);
        for (char *p = name; *p; p++)
            if (*p >= 'A' && *p <= 'Z') *p = (char)(*p + 32);
        const char *spelled = nb_arena_strdup(a, k);
        json_array_foreach(v, i, one)
            if (json_is_string(one)) {
                as_sent[f->n_headers] = spelled;
                f->headers[f->n_headers++] = (nb_kv_t){name, nb_arena_strdup(a, json_string_value(one)),
                                                       json_string_length(one)};
            }
    }
    const char *body = apigw__str(in, "body");
    f->body = body ? nb_arena_strdup(a, body) : "";
    f->body_len = body ? strlen(body) : 0;
    f->body_dropped = 0;
    f->host = nb_arena_strdup(a, host);
    f->params = NULL;
    f->n_params = 0;
    f->json = NULL;
    return f;
}

/* A data-plane invocation of api doc for the test, or NULL (answered). */
static apigw_dp_t *test_dp(nb_req_t *req, json_t *doc, const char *api_id, const char *method)
{
    apigw_dp_t *dp = nb_arena_calloc(req->arena, sizeof *dp);
    dp->test_req = req;
    dp->req = stand_in(req, method, req->json, api_id);
    dp->t0_us = nb_now_us();
    dp->api_id = nb_arena_strdup(req->arena, api_id);
    dp->path = dp->req->raw_path;
    dp->route_path = dp->req->raw_path;
    dp->stage = TEST_STAGE;
    dp->api = json_incref(json_object_get(doc, "api"));
    json_t *vars = json_object_get(req->json, "stageVariables");
    dp->stage_obj = json_pack("{s:s,s:o}", "stageName", TEST_STAGE, "variables",
                              json_is_object(vars) ? json_deep_copy(vars) : json_object());
    return dp;
}

static void log_line(nb_buf_t *b, const char *fmt, const char *a1, const char *a2)
{
    time_t t = (time_t)(nb_wall_ms() / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    char ts[40];
    strftime(ts, sizeof ts, "%a %b %d %H:%M:%S UTC %Y", &tm);
    nb_buf_printf(b, "%s : ", ts);
    nb_buf_printf(b, fmt, a1 ? a1 : "", a2 ? a2 : "");
    nb_buf_putc(b, '\n');
}

/* A map as API Gateway's execution log prints it (Java's): "{a=1, b=2}". */
static const char *java_map(nb_arena_t *a, json_t *m)
{
    nb_buf_t b = NB_BUF_INIT;
    nb_buf_putc(&b, '{');
    const char *k;
    json_t *v;
    int first = 1;
    json_object_foreach(m, k, v) {
        nb_buf_printf(&b, "%s%s=%s", first ? "" : ", ", k, json_string_value(v) ? json_string_value(v) : "");
        first = 0;
    }
    nb_buf_putc(&b, '}');
    const char *out = nb_arena_strndup(a, b.data, b.len);
    nb_buf_free(&b);
    return out;
}

static const char *dump(nb_arena_t *a, json_t *v)
{
    char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
    const char *out = nb_arena_strdup(a, s ? s : "{}");
    free(s);
    return out;
}

/* The execution log of the test (method's, or authorizer's when az). */
static json_t *exec_log(apigw_dp_t *dp, const apigw_http_out_t *out)
{
    nb_req_t *f = dp->req;
    nb_buf_t b = NB_BUF_INIT;
    nb_buf_printf(&b, "Execution log for request %s\n", dp->test_req->id);
    log_line(&b, "Starting execution for request: %s%s", dp->test_req->id, NULL);
    /* the lines and their forms as AWS's test log writes them (test_apigw_ls_control.py) */
    log_line(&b, "HTTP Method: %s, Resource Path: %s", f->method, f->raw_path);
    int method_test = !dp->test_answer && strcmp(dp->stage, TEST_STAGE "-authorizer") != 0;
    if (method_test) {
        json_t *params = apigw__dp_params(dp);
        log_line(&b, "Method request path: %s%s", java_map(f->arena, json_object_get(params, "path")), NULL);
        json_decref(params);
    }
    json_t *qs = json_object(), *hd = json_object();
    for (size_t i = 0; i < f->n_qparams; i++) json_object_set_new(qs, f->qparams[i].name, json_string(f->qparams[i].value));
    for (size_t i = 0; i < f->n_headers; i++)
        json_object_set_new(hd, f->raw_names ? f->raw_names[i] : f->headers[i].name, json_string(f->headers[i].value));
    log_line(&b, "Method request query string: %s%s", java_map(f->arena, qs), NULL);
    log_line(&b, "Method request headers: %s%s", java_map(f->arena, hd), NULL);
    json_decref(qs);
    json_decref(hd);
    log_line(&b, "Method request body before transformations: %s%s", f->body, NULL);
    for (const char *l = dp->xlog; l && *l;) {   /* the integration's lines (an AWS service's call) */
        const char *e = strchr(l, '\n');
        size_t n = e ? (size_t)(e - l) : strlen(l);
        log_line(&b, "%s%s", nb_arena_strndup(f->arena, l, n), NULL);
        l += n + (e ? 1 : 0);
    }
    if (dp->error_message) log_line(&b, "Gateway response: %s%s", dp->error_message, NULL);
    if (dp->test_answer) log_line(&b, "Authorizer response: %s%s", dump(f->arena, dp->test_answer), NULL);
    char st[16];
    snprintf(st, sizeof st, "%d", out->status);
    log_line(&b, "Method response body after transformations: %s%s",
             nb_arena_strndup(f->arena, out->body ? out->body : "", out->body_len), NULL);
    if (method_test && !dp->error_message) {
        json_t *rh = json_object();
        for (size_t i = 0; i < out->n_headers; i++)
            json_object_set_new(rh, out->headers[i].name, json_string(out->headers[i].value));
        if (out->body_len && !json_object_get(rh, "Content-Type") && !json_object_get(rh, "content-type"))
            json_object_set_new(rh, "Content-Type", json_string("application/json"));
        log_line(&b, "Method response headers: %s%s", java_map(f->arena, rh), NULL);
        json_decref(rh);
        log_line(&b, "Successfully completed execution%s%s", NULL, NULL);
    }
    log_line(&b, "Method completed with status: %s%s", st, NULL);
    json_t *log = json_stringn(b.data ? b.data : "", b.len);
    nb_buf_free(&b);
    return log ? log : json_string("");
}

void apigw__test_invoke_done(apigw_dp_t *dp, const apigw_http_out_t *out)
{
    nb_req_t *req = dp->test_req;
    json_t *headers = json_object(), *multi = json_object();
    const char *ct = NULL;
    /* an integration's answer carries the trace as a deployed call's does, first
     * (LocalStack's execute_api/test_invoke.py puts X-Amzn-Trace-Id ahead of the others) */
    if (dp->test_trace && !dp->error_message) {
        json_object_set_new(headers, "X-Amzn-Trace-Id", json_string(dp->test_trace));
        json_object_set_new(multi, "X-Amzn-Trace-Id", json_pack("[s]", dp->test_trace));
    }
    for (size_t i = 0; i < out->n_headers; i++) {
        const char *n = out->headers[i].name, *v = out->headers[i].value;
        if (strcasecmp(n, "content-type") == 0) ct = v;
        json_object_set_new(headers, n, json_string(v));
        json_t *l = json_object_get(multi, n);
        if (!l) json_object_set_new(multi, n, l = json_array());
        json_array_append_new(l, json_string(v));
    }
    if (!ct && out->body_len) {
        json_object_set_new(headers, "Content-Type", json_string("application/json"));
        json_object_set_new(multi, "Content-Type", json_pack("[s]", "application/json"));
    }
    json_int_t latency = (json_int_t)((nb_now_us() - dp->t0_us) / 1000);
    json_t *log = exec_log(dp, out);
    json_t *res;
    if (dp->test_answer || strcmp(dp->stage, TEST_STAGE "-authorizer") == 0) {   /* TestInvokeAuthorizer, denied */
        res = json_pack("{s:i,s:o,s:I}", "clientStatus", out->status, "log", log, "latency", latency);
        json_decref(headers);
        json_decref(multi);
    } else {
        json_t *body = json_stringn(out->body ? out->body : "", out->body_len);
        res = json_pack("{s:i,s:o,s:o,s:o,s:o,s:I}", "status", out->status, "body", body ? body : json_string(""),
                        "headers", headers, "multiValueHeaders", multi, "log", log, "latency", latency);
    }
    apigw__dp_release(dp);
    nb_reply_json(req, 200, res);
}

void apigw__op_v1_test_invoke_method(nb_req_t *req)
{
    const char *api_id = nb_req_param(req, "restapi_id");
    json_t *doc = apigw__api_or_404(req, api_id, "v1");
    if (!doc) return;
    json_t *res = apigw__child_or_404(req, doc, "resources", nb_req_param(req, "resource_id"), "Resource");
    if (!res) return;
    const char *method = nb_req_param(req, "http_method");
    if (!method || !json_object_get(json_object_get(res, "resourceMethods"), method)) {
        nb_reply_error(req, APIGW_ERR_NOT_FOUND, "Invalid Method identifier specified");
        return;
    }
    /* the resource's own path when the input names none ({params} stay as written) */
    if (!apigw__str(req->json, "pathWithQueryString") && apigw__str(res, "path"))
        json_object_set(req->json, "pathWithQueryString", json_object_get(res, "path"));
    apigw_dp_t *dp = test_dp(req, doc, api_id, method);
    /* only the tested resource and method are candidates: AWS tests that method */
    json_t *only = json_pack("{s:O}", nb_req_param(req, "resource_id"), res);
    apigw__dp_rest_serve(dp, doc, only);
    json_decref(only);
}

/* TestInvokeAuthorizer: allowed (the pipeline's next step). */
static void authorized(apigw_dp_t *dp)
{
    nb_req_t *req = dp->test_req;
    json_t *ans = dp->test_answer;
    json_t *res = json_pack("{s:i,s:I}", "clientStatus", 200, "latency",
                            (json_int_t)((nb_now_us() - dp->t0_us) / 1000));
    apigw_http_out_t out = {.status = 200, .headers = NULL, .n_headers = 0, .body = "", .body_len = 0};
    json_object_set_new(res, "log", exec_log(dp, &out));
    if (apigw__str(ans, "principalId")) json_object_set_new(res, "principalId", json_string(apigw__str(ans, "principalId")));
    json_t *policy = json_object_get(ans, "policyDocument");
    if (policy) {
        char *s = json_dumps(policy, JSON_COMPACT);
        json_object_set_new(res, "policy", json_string(s ? s : "{}"));
        free(s);
    }
    json_object_set_new(res, "authorization", json_object());
    json_object_set_new(res, "claims", json_object());
    apigw__dp_release(dp);
    nb_reply_json(req, 200, res);
}

void apigw__op_v1_test_invoke_authorizer(nb_req_t *req)
{
    const char *api_id = nb_req_param(req, "restapi_id");
    json_t *doc = apigw__api_or_404(req, api_id, "v1");
    if (!doc) return;
    json_t *az = apigw__child_or_404(req, doc, "authorizers", nb_req_param(req, "authorizer_id"), "Authorizer");
    if (!az) return;
    const char *type = apigw__str(az, "type");
    if (type && strcmp(type, "COGNITO_USER_POOLS") == 0) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "TestInvokeAuthorizer supports Lambda authorizers only");
        return;
    }
    apigw_dp_t *dp = test_dp(req, doc, api_id, "GET");
    dp->stage = TEST_STAGE "-authorizer";   /* marks a denial's answer as the authorizer's */
    dp->route_key = dp->req->path;
    dp->in.resource_path = dp->route_key;
    dp->in.route_key = dp->route_key;
    json_t *copy = json_deep_copy(az);   /* the authorizer may change while its function runs */
    apigw__auth_rest(dp, copy, authorized);
    json_decref(copy);
}
