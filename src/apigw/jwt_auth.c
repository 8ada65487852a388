/* jwt_auth.c — HTTP API JWT authorizers on the data plane: the token from
 * the identity source (default Authorization, "Bearer " stripped), the key
 * set of the issuer (config "apigw.jwks_file" for every issuer, else
 * downloaded from {issuer}/.well-known/openid-configuration's jwks_uri or
 * {issuer}/.well-known/jwks.json, kept for an hour), verification (jwt.c),
 * the route's authorizationScopes against the token's scope/scp claim, and
 * the claims into requestContext.authorizer.jwt (values as strings). */
#include "apigw/auth.h"
#include "apigw/httpc.h"
#include "apigw/jwt.h"
#include "core/util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static json_t *jwks_cache;   /* issuer → {"exp": ms, "jwks": {...}} */

void apigw__jwks_cache_reset(void)
{
    json_decref(jwks_cache);
    jwks_cache = NULL;
}

typedef struct jwt_call {
    apigw_dp_t *dp;
    json_t *az;            /* ref */
    apigw_jwt_next_fn next;
    const char *token;     /* arena */
    int stage;             /* 0: openid-configuration, 1: jwks */
} jwt_call_t;

static json_t *string_claims(json_t *claims)
{
    json_t *o = json_object();
    const char *k;
    json_t *v;
    json_object_foreach(claims, k, v) {
        if (json_is_string(v)) {
            json_object_set(o, k, v);
        } else if (json_is_integer(v)) {
            char b[32];
            snprintf(b, sizeof b, "%lld", (long long)json_integer_value(v));
            json_object_set_new(o, k, json_string(b));
        } else {
            char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
            json_object_set_new(o, k, json_string(s ? s : ""));
            free(s);
        }
    }
    return o;
}

static json_t *token_scopes(json_t *claims)
{
    json_t *out = json_array();
    json_t *scp = json_object_get(claims, "scp");
    if (json_is_array(scp)) {
        size_t i;
        json_t *s;
        json_array_foreach(scp, i, s) if (json_is_string(s)) json_array_append(out, s);
    }
    const char *scope = json_is_string(scp) ? json_string_value(scp) : apigw__str(claims, "scope");
    if (scope) {
        const char *p = scope;
        while (*p) {
            while (*p == ' ') p++;
            const char *e = strchr(p, ' ');
            if (!e) e = p + strlen(p);
            if (e > p) json_array_append_new(out, json_stringn(p, (size_t)(e - p)));
            p = e;
        }
    }
    return out;
}

static int scopes_ok(json_t *required, json_t *have)
{
    if (!json_array_size(required)) return 1;
    size_t i, k;
    json_t *r, *h;
    json_array_foreach(required, i, r)
        json_array_foreach(have, k, h)
            if (json_equal(r, h)) return 1;
    return 0;
}

static void finish(jwt_call_t *c, json_t *jwks)
{
    apigw_dp_t *dp = c->dp;
    json_t *cfg = json_object_get(c->az, "jwtConfiguration");
    json_t *claims = NULL;
    const char *err = NULL;
    int rc = jwks ? apigw__jwt_verify(c->token, jwks, apigw__str(cfg, "issuer"), json_object_get(cfg, "audience"),
                                      nb_wall_ms() / 1000, &claims, &err) : -1;
    json_decref(c->az);
    if (rc != 0) {
        nb_resp_header(dp->req, "www-authenticate", "Bearer");
        apigw__dp_message(dp, 401, "Unauthorized");
        return;
    }
    json_t *scopes = token_scopes(claims);
    if (!scopes_ok(json_object_get(dp->route, "authorizationScopes"), scopes)) {
        json_decref(scopes);
        json_decref(claims);
        apigw__dp_message(dp, 403, "Forbidden");
        return;
    }
    json_t *ctx = json_pack("{s:{s:o,s:o}}", "jwt", "claims", string_claims(claims), "scopes",
                            json_array_size(scopes) ? scopes : json_null());
    if (!json_array_size(scopes)) json_decref(scopes);
    json_decref(claims);
    json_decref(dp->authorizer_ctx);
    dp->authorizer_ctx = ctx;
    c->next(dp);
}

static void remember(const char *issuer, json_t *jwks)
{
    if (!jwks_cache) jwks_cache = json_object();
    json_object_set_new(jwks_cache, issuer, json_pack("{s:I,s:O}", "exp", (json_int_t)(nb_wall_ms() + 3600000), "jwks", jwks));
}

static void fetch(jwt_call_t *c, const char *url);

static void on_fetched(void *arg, const apigw_httpc_resp_t *r)
{
    jwt_call_t *c = arg;
    const char *issuer = apigw__str(json_object_get(c->az, "jwtConfiguration"), "issuer");
    json_t *j = r->status == 200 ? json_loadb(r->body, r->body_len, 0, NULL) : NULL;
    if (c->stage == 0) {
        const char *uri = apigw__str(j, "jwks_uri");
        char fallback[2200];
        snprintf(fallback, sizeof fallback, "%s/.well-known/jwks.json", issuer);
        c->stage = 1;
        fetch(c, uri ? nb_arena_strdup(c->dp->req->arena, uri) : nb_arena_strdup(c->dp->req->arena, fallback));
        json_decref(j);
        return;
    }
    if (json_is_array(json_object_get(j, "keys"))) remember(issuer, j);
    finish(c, json_is_array(json_object_get(j, "keys")) ? j : NULL);
    json_decref(j);
}

static void fetch(jwt_call_t *c, const char *url)
{
    if (apigw__httpc(c->dp->req->ctx->loop, "GET", url, NULL, 0, NULL, 0, 5000, on_fetched, c) != 0) finish(c, NULL);
}

void apigw__jwt_authorize(apigw_dp_t *dp, json_t *az, apigw_jwt_next_fn next)
{
    json_t *src = json_array_get(json_object_get(az, "identitySource"), 0);
    const char *expr = json_string_value(src) ? json_string_value(src) : "$request.header.Authorization";
    const char *tok = NULL;
    if (strncmp(expr, "$request.header.", 16) == 0) {
        char name[256];
        size_t k = 0;
        for (const char *p = expr + 16; *p && k < sizeof name - 1; p++) name[k++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        name[k] = 0;
        tok = apigw__dp_header(dp, name);
    } else if (strncmp(expr, "$request.querystring.", 21) == 0) {
        tok = nb_req_qparam(dp->req, expr + 21);
    }
    if (tok && strncasecmp(tok, "Bearer ", 7) == 0) tok += 7;
    if (!tok || !*tok) {
        apigw__dp_message(dp, 401, "Unauthorized");
        return;
    }
    jwt_call_t *c = nb_arena_calloc(dp->req->arena, sizeof *c);
    c->dp = dp;
    c->az = json_incref(az);
    c->next = next;
    c->token = nb_arena_strdup(dp->req->arena, tok);
    const char *issuer = apigw__str(json_object_get(az, "jwtConfiguration"), "issuer");
    const char *file = nb_config_get(dp->req->ctx->cfg, "apigw.jwks_file");
    if (file) {
        nb_buf_t b = NB_BUF_INIT;
        json_t *j = nb_read_file(file, &b) == 0 ? json_loadb(b.data, b.len, 0, NULL) : NULL;
        nb_buf_free(&b);
        finish(c, j);
        json_decref(j);
        return;
    }
    json_t *e = jwks_cache && issuer ? json_object_get(jwks_cache, issuer) : NULL;
    if (e && (uint64_t)json_integer_value(json_object_get(e, "exp")) > nb_wall_ms()) {
        finish(c, json_object_get(e, "jwks"));
        return;
    }
    if (!issuer) {
        finish(c, NULL);
        return;
    }
    fetch(c, nb_arena_printf(dp->req->arena, "%s/.well-known/openid-configuration", issuer));
}
