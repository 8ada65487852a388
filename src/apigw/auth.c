/* auth.c — Lambda authorizers (REST TOKEN/REQUEST, HTTP API REQUEST) with
 * result caching, and the dispatch to JWT authorizers (jwt_auth.c).
 *
 * Identity: REST TOKEN reads identitySource "method.request.header.X";
 * REQUEST sources are a comma list (REST "method.request.header.X",
 * "method.request.querystring.q") or a list (HTTP "$request.header.X",
 * "$request.querystring.q"). A missing identity → 401 without calling the
 * function. The cache key is authorizer id + the identity values; entries
 * live authorizerResultTtlInSeconds (REST default 300, HTTP default 0). */
#include "apigw/auth.h"
#include "apigw/policy.h"
#include "apigw/jwt.h"
#include "auth/enforce.h"
#include "core/util.h"
#include "lambda/lambda.h"
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *cache;   /* key → {"exp": ms, "allow": bool, "ctx": authorizer context} */
/* Bumped by every flush: an authorizer call that began before a flush does
 * not cache its answer (it would bring back a result the flush forgot). */
static uint64_t flush_epoch;

void apigw__auth_cache_reset(void)
{
    json_decref(cache);
    cache = NULL;
    flush_epoch++;
}

void apigw__auth_cache_flush(json_t *authorizers)
{
    flush_epoch++;
    const char *k, *id;
    json_t *v, *az;
    void *tmp;
    json_object_foreach_safe(cache, tmp, k, v) {
        json_object_foreach(authorizers, id, az) {
            size_t n = strlen(id);
            if (strncmp(k, id, n) == 0 && k[n] == '/') {
                json_object_del(cache, k);
                break;
            }
        }
    }
}

/* The value of one identity source expression, or NULL. */
static const char *identity_value(apigw_dp_t *dp, const char *src)
{
    static const char *const hdr[] = {"method.request.header.", "$request.header.", "route.request.header."};
    static const char *const qs[] = {"method.request.querystring.", "$request.querystring.",
                                     "route.request.querystring."};
    for (int i = 0; i < 3; i++) {
        size_t n = strlen(hdr[i]);
        if (strncmp(src, hdr[i], n) == 0) {
            char name[256];
            size_t k = 0;
            for (const char *p = src + n; *p && k < sizeof name - 1; p++)
                name[k++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
            name[k] = 0;
            return apigw__dp_header(dp, name);
        }
        n = strlen(qs[i]);
        if (strncmp(src, qs[i], n) == 0) return nb_req_qparam(dp->req, src + n);
    }
    if (strncmp(src, "stageVariables.", 15) == 0 || strncmp(src, "$stageVariables.", 16) == 0) {
        json_t *vars = json_object_get(dp->stage_obj, dp->v2 ? "stageVariables" : "variables");
        return apigw__str(vars, strchr(src, '.') + 1);
    }
    if (strncmp(src, "context.", 8) == 0 || strncmp(src, "$context.", 9) == 0) return dp->req->id;
    return NULL;
}

/* Identity values of az into vals (a JSON list); 0, or -1 when one is missing. */
static int identities(apigw_dp_t *dp, json_t *az, json_t *vals)
{
    json_t *src = json_object_get(az, "identitySource");
    json_t *list = json_is_array(src) ? json_incref(src) : json_array();
    if (json_is_string(src)) {
        const char *p = json_string_value(src);
        while (*p) {
            while (*p == ' ' || *p == ',') p++;
            const char *e = strchr(p, ',');
            if (!e) e = p + strlen(p);
            if (e > p) json_array_append_new(list, json_stringn(p, (size_t)(e - p)));
            p = e;
        }
    }
    size_t i;
    json_t *s;
    int rc = 0;
    json_array_foreach(list, i, s) {
        const char *v = identity_value(dp, json_string_value(s));
        if (!v || !*v) { rc = -1; break; }
        json_array_append_new(vals, json_string(v));
    }
    json_decref(list);
    return rc;
}

static const char *method_arn(apigw_dp_t *dp)
{
    if (dp->ws)   /* WebSocket APIs authorize $connect: ".../{api}/{stage}/$connect" */
        return nb_arena_printf(dp->req->arena, "arn:aws:execute-api:%s:%s:%s/%s/%s", dp->req->ctx->cfg->region,
                               dp->req->ctx->cfg->account, dp->api_id, dp->stage, dp->route_key);
    const char *p = dp->route_path[0] == '/' ? dp->route_path + 1 : dp->route_path;
    return nb_arena_printf(dp->req->arena, "arn:aws:execute-api:%s:%s:%s/%s/%s/%s", dp->req->ctx->cfg->region,
                           dp->req->ctx->cfg->account, dp->api_id, dp->stage, dp->req->method, p);
}

int apigw__iam_authorize(apigw_dp_t *dp)
{
    char msg[1024];
    int explicit_deny = 0;
    const char *arn = method_arn(dp);
    if (auth_invoke_check(dp->req, "execute-api:Invoke", arn, msg, sizeof msg, &explicit_deny) == 0) return 0;
    if (strncmp(msg, "User: ", 6) != 0) {   /* the signature or its key: {"message": ...} */
        apigw__dp_gw(dp, strstr(msg, "expired") ? "EXPIRED_TOKEN" : "INVALID_SIGNATURE", 403,
                     nb_arena_strdup(dp->req->arena, msg));
        return -1;
    }
    if (apigw__dp_gw_custom(dp, "ACCESS_DENIED", 403)) {
        nb_resp_header(dp->req, "x-amzn-ErrorType", "AccessDeniedException");
        apigw__dp_gw(dp, "ACCESS_DENIED", 403, nb_arena_strdup(dp->req->arena, msg));
        return -1;
    }
    /* the policy: API Gateway answers {"Message": "User: ... is not authorized ..."} */
    nb_resp_header(dp->req, "x-amzn-ErrorType", "AccessDeniedException");
    dp->error_message = nb_arena_strdup(dp->req->arena, msg);
    nb_buf_t b = NB_BUF_INIT;
    nb_buf_puts(&b, "{\"Message\":\"");
    nb_buf_json_escape(&b, msg, strlen(msg));
    nb_buf_puts(&b, "\"}");
    nb_kv_t h = {"Content-Type", "application/json", 16};
    apigw_http_out_t out = {.status = 403, .headers = &h, .n_headers = 1,
                            .body = nb_arena_strndup(dp->req->arena, b.data, b.len), .body_len = b.len};
    nb_buf_free(&b);
    apigw__dp_send(dp, &out);
    return -1;
}

/* One authorizer call; arena memory of the request (gone with it if the
 * call times out and the gateway answers 500: on_result never runs then). */
typedef struct pending {
    apigw_dp_next_fn next;
    const char *cache_key;
    uint64_t epoch;   /* flush_epoch when the call began */
    long ttl;
    int simple;       /* HTTP API simple responses */
    int format2;      /* HTTP API payload 2.0 (context under "lambda") */
} pending_t;

/* 401, or 403 for a policy's decision d (explicit or implicit deny: REST
 * APIs say which, as AWS does). */
static void deny_as(apigw_dp_t *dp, int status, int d)
{
    if (status == 401) {
        apigw__dp_gw(dp, "UNAUTHORIZED", 401, "Unauthorized");
    } else if (dp->v2) {
        apigw__dp_message(dp, 403, "Forbidden");
    } else {
        nb_resp_header(dp->req, "x-amzn-ErrorType", "AccessDeniedException");
        apigw__dp_gw(dp, "ACCESS_DENIED", 403, d == APIGW_POLICY_EXPLICIT_DENY ?
                     "User is not authorized to access this resource with an explicit deny" :
                     "User is not authorized to access this resource");
    }
}

static void deny(apigw_dp_t *dp, int status)
{
    deny_as(dp, status, APIGW_POLICY_EXPLICIT_DENY);
}

/* The authorizer could not decide (its function failed, timed out, could not
 * be invoked, or answered something that is no policy): AWS answers 500 —
 * a REST API {"message": null} with x-amzn-ErrorType
 * AuthorizerConfigurationException (gateway response
 * AUTHORIZER_CONFIGURATION_ERROR), an HTTP API {"message":"Internal Server Error"}. */
static void failed(apigw_dp_t *dp)
{
    if (dp->v2) {
        apigw__dp_gw(dp, "AUTHORIZER_CONFIGURATION_ERROR", 500, "Internal Server Error");
        return;
    }
    nb_resp_header(dp->req, "x-amzn-ErrorType", "AuthorizerConfigurationException");
    apigw__dp_gw(dp, "AUTHORIZER_CONFIGURATION_ERROR", 500, NULL);
}

static void on_timeout(apigw_dp_t *dp, void *arg)
{
    (void)arg;
    failed(dp);
}

/* Apply a decision d (APIGW_POLICY_*; cached or fresh): allow → ctx (+ the
 * answer's usageIdentifierKey uik, may be NULL) + next; else deny. */
static void decide(apigw_dp_t *dp, apigw_dp_next_fn next, int d, json_t *ctx, const char *uik)
{
    if (d != APIGW_POLICY_ALLOW) {
        deny_as(dp, 403, d);
        return;
    }
    json_decref(dp->authorizer_ctx);
    dp->authorizer_ctx = json_incref(ctx);
    dp->usage_identifier_key = uik ? nb_arena_strdup(dp->req->arena, uik) : NULL;
    next(dp);
}

static void on_result(apigw_dp_t *dp, const lambda_result_t *res, void *arg)
{
    pending_t *p = arg;
    apigw_dp_next_fn next = p->next;
    const char *key = p->cache_key;
    long ttl = p->ttl;
    int simple = p->simple, f2 = p->format2;
    if (res->error != NB_OK) {
        failed(dp);
        return;
    }
    json_t *out = json_loadb(res->payload, res->payload_len, 0, NULL);
    if (dp->test_req && out) {   /* TestInvokeAuthorizer shows the answer */
        json_decref(dp->test_answer);
        dp->test_answer = json_incref(out);
    }
    if (res->function_error) {
        /* throwing "Unauthorized" is how an authorizer answers 401 */
        const char *m = apigw__str(out, "errorMessage");
        int unauth = m && strcmp(m, "Unauthorized") == 0;
        json_decref(out);
        if (unauth) deny(dp, 401);
        else failed(dp);
        return;
    }
    int allow;   /* APIGW_POLICY_* */
    json_t *ctx;
    if (simple) {
        allow = json_is_true(json_object_get(out, "isAuthorized"));
        json_t *lc = json_object_get(out, "context");
        ctx = json_pack("{s:o}", "lambda", lc ? json_incref(lc) : json_object());
    } else {
        allow = apigw__policy_decide(json_object_get(out, "policyDocument"), method_arn(dp));
        json_t *c = json_object_get(out, "context");
        json_t *flat = json_is_object(c) ? json_deep_copy(c) : json_object();
        if (apigw__str(out, "principalId")) json_object_set_new(flat, "principalId", json_string(apigw__str(out, "principalId")));
        if (f2) {
            ctx = json_pack("{s:o}", "lambda", flat);
        } else {
            json_object_set_new(flat, "integrationLatency", json_integer(0));
            ctx = flat;
        }
        if (allow < 0) {
            json_decref(out);
            json_decref(ctx);
            failed(dp);
            return;
        }
    }
    const char *uik = apigw__str(out, "usageIdentifierKey");
    uik = uik ? nb_arena_strdup(dp->req->arena, uik) : NULL;
    if (ttl > 0 && key && p->epoch == flush_epoch && !dp->test_req) {
        if (!cache) cache = json_object();
        json_t *e = json_pack("{s:I,s:b,s:O}", "exp", (json_int_t)(nb_wall_ms() + (uint64_t)ttl * 1000), "allow",
                              allow == APIGW_POLICY_ALLOW, "ctx", ctx);
        /* the policy itself: a cached answer is judged again for the method asking
         * (one token's policy may allow one method and not another) */
        if (!simple && json_object_get(out, "policyDocument"))
            json_object_set_new(e, "policy", json_deep_copy(json_object_get(out, "policyDocument")));
        if (uik) json_object_set_new(e, "uik", json_string(uik));
        json_object_set_new(cache, key, e);
    }
    json_decref(out);
    decide(dp, next, allow, ctx, uik);
    json_decref(ctx);
}

/* Cached decision for key: 1 (applied), 0 (none). */
static int from_cache(apigw_dp_t *dp, const char *key, apigw_dp_next_fn next)
{
    json_t *e = cache && !dp->test_req ? json_object_get(cache, key) : NULL;
    if (!e) return 0;
    if ((uint64_t)json_integer_value(json_object_get(e, "exp")) <= nb_wall_ms()) {
        json_object_del(cache, key);
        return 0;
    }
    json_t *policy = json_object_get(e, "policy");
    int d = policy ? apigw__policy_decide(policy, method_arn(dp))
                   : json_is_true(json_object_get(e, "allow")) ? APIGW_POLICY_ALLOW : APIGW_POLICY_IMPLICIT_DENY;
    decide(dp, next, d, json_object_get(e, "ctx"), apigw__str(e, "uik"));
    return 1;
}

static void call_lambda(apigw_dp_t *dp, json_t *az, json_t *event, const char *key, long ttl, int simple, int f2,
                        apigw_dp_next_fn next)
{
    const char *fn = apigw__lambda_target(dp->req->arena, apigw__dp_stage_subst(dp, apigw__str(az, "authorizerUri")));
    if (!fn) {
        json_decref(event);
        failed(dp);
        return;
    }
    pending_t *p = nb_arena_calloc(dp->req->arena, sizeof *p);
    p->next = next;
    p->cache_key = key;
    p->epoch = flush_epoch;
    p->ttl = ttl;
    p->simple = simple;
    p->format2 = f2;
    char *s = json_dumps(event, JSON_COMPACT);
    json_decref(event);
    apigw__dp_invoke_to(dp, fn, s, strlen(s), 10000, on_result, on_timeout, p);
    free(s);
}

void apigw__auth_rest(apigw_dp_t *dp, json_t *az, apigw_dp_next_fn next)
{
    const char *type = apigw__str(az, "type");
    json_t *vals = json_array();
    if (identities(dp, az, vals) != 0) {
        json_decref(vals);
        deny(dp, 401);
        return;
    }
    const char *tok = nb_arena_strdup(dp->req->arena, json_string_value(json_array_get(vals, 0)));
    const char *vexpr = apigw__str(az, "identityValidationExpression");
    if (type && strcmp(type, "TOKEN") == 0 && vexpr && *vexpr) {
        regex_t re;
        int ok = regcomp(&re, vexpr, REG_EXTENDED | REG_NOSUB) == 0;
        int match = ok && regexec(&re, tok, 0, NULL, 0) == 0;
        if (ok) regfree(&re);
        if (!match) {
            json_decref(vals);
            deny(dp, 401);
            return;
        }
    }
    char *joined = json_dumps(vals, JSON_COMPACT);
    json_decref(vals);
    const char *key = nb_arena_printf(dp->req->arena, "%s/%s", apigw__str(az, "id"), joined);
    free(joined);
    json_int_t ttl = json_integer_value(json_object_get(az, "authorizerResultTtlInSeconds"));
    if (ttl > 0 && from_cache(dp, key, next)) return;
    json_t *ev;
    if (type && strcmp(type, "TOKEN") == 0) {
        ev = json_pack("{s:s,s:s,s:s}", "type", "TOKEN", "authorizationToken", tok, "methodArn", method_arn(dp));
    } else {
        apigw__dp_fill_in(dp);
        ev = apigw__event_v1(&dp->in);
        json_object_set_new(ev, "type", json_string("REQUEST"));
        json_object_set_new(ev, "methodArn", json_string(method_arn(dp)));
    }
    call_lambda(dp, az, ev, key, (long)ttl, 0, 0, next);
}

void apigw__auth_http(apigw_dp_t *dp, json_t *az, apigw_dp_next_fn next)
{
    const char *type = apigw__str(az, "authorizerType");
    if (type && strcmp(type, "JWT") == 0) {
        apigw__jwt_authorize(dp, az, next);
        return;
    }
    json_t *vals = json_array();
    if (json_array_size(json_object_get(az, "identitySource")) && identities(dp, az, vals) != 0) {
        json_decref(vals);
        deny(dp, 401);
        return;
    }
    char *joined = json_dumps(vals, JSON_COMPACT);
    const char *key = nb_arena_printf(dp->req->arena, "%s/%s", apigw__str(az, "authorizerId"), joined);
    free(joined);
    json_int_t ttl = json_integer_value(json_object_get(az, "authorizerResultTtlInSeconds"));
    if (ttl > 0 && json_array_size(vals) && from_cache(dp, key, next)) {
        json_decref(vals);
        return;
    }
    const char *pf = apigw__str(az, "authorizerPayloadFormatVersion");
    int f2 = !pf || strcmp(pf, "2.0") == 0;
    apigw__dp_fill_in(dp);
    json_t *ev = f2 ? apigw__event_v2(&dp->in) : apigw__event_v1(&dp->in);
    json_object_set_new(ev, "type", json_string("REQUEST"));
    json_object_set_new(ev, f2 ? "routeArn" : "methodArn", json_string(method_arn(dp)));
    json_object_set_new(ev, "identitySource", f2 ? json_incref(vals) : json_string(""));
    json_decref(vals);
    call_lambda(dp, az, ev, key, (long)ttl, f2 && json_is_true(json_object_get(az, "enableSimpleResponses")), f2, next);
}

void apigw__auth_ws(apigw_dp_t *dp, json_t *az, json_t *event, apigw_dp_next_fn next)
{
    json_t *vals = json_array();
    if (json_array_size(json_object_get(az, "identitySource")) && identities(dp, az, vals) != 0) {
        json_decref(vals);
        json_decref(event);
        deny(dp, 401);
        return;
    }
    char *joined = json_dumps(vals, JSON_COMPACT);
    json_decref(vals);
    const char *key = nb_arena_printf(dp->req->arena, "%s/%s", apigw__str(az, "authorizerId"), joined);
    free(joined);
    json_int_t ttl = json_integer_value(json_object_get(az, "authorizerResultTtlInSeconds"));
    if (ttl > 0 && from_cache(dp, key, next)) {
        json_decref(event);
        return;
    }
    json_object_set_new(event, "type", json_string("REQUEST"));
    json_object_set_new(event, "methodArn", json_string(method_arn(dp)));
    call_lambda(dp, az, event, key, (long)ttl, 0, 0, next);
}
