/* enforce.c — authentication (SigV4 against the credential store) and
 * authorization (IAM policy evaluation) of every edge request.
 *
 *   request ──verify──> identity ──root?──> allowed
 *                          │
 *                          └─ identity + session policies, resource policy
 *                             (Lambda permissions, a role's trust policy for
 *                             sts:AssumeRole) ──iam_evaluate──> allow | deny
 *
 * --auth open: the Authorization header or presigned query must parse, the
 * signature is not checked, and the caller is root.
 * Nothing here logs a secret, a signature or an Authorization header. */
#include "auth/enforce.h"
#include "auth/creds.h"
#include "auth/sigv4.h"
#include "core/buf.h"
#include "core/call.h"
#include "core/edge.h"
#include "core/log.h"
#include "core/util.h"
#include "iam/iam_usage.h"
#include "iam/policy.h"
#include "store/store.h"
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static auth_proto_t proto_of(const nb_req_t *req)
{
    switch (req->svc->proto) {
    case NB_PROTO_JSON10:
    case NB_PROTO_JSON11: return AUTH_PROTO_JSON;
    case NB_PROTO_QUERY: return AUTH_PROTO_QUERY;
    case NB_PROTO_REST_XML: return AUTH_PROTO_S3;
    default: return AUTH_PROTO_REST_JSON;
    }
}

/* The error row for an AWS (status, name) pair; the AUTH_ rows are contiguous. */
static nb_err_t row_for(int status, const char *name)
{
    for (int e = NB_ERR_AUTH__FIRST + 1; e < NB_ERR_AUTH__LAST; e++) {
        const nb_error_row_t *r = nb_error_row((nb_err_t)e);
        if (r->status == status && strcmp(r->name, name) == 0) return (nb_err_t)e;
    }
    return NB_ERR_INTERNAL;
}

static int lookup(void *arg, const char *access_key, auth_cred_t *out)
{
    nb_req_t *req = arg;
    const auth_ident_t *id = auth_creds_lookup(req->ctx, access_key);
    if (!id) return -1;
    out->secret_key = id->secret;
    out->session_token = id->token;
    out->principal_arn = id->arn;
    out->expires_ms = id->expires_ms;
    return 0;
}

static int refuse_auth(nb_req_t *req, const auth_result_t *res)
{
    auth_aws_error_t e;
    auth_aws_error(res, proto_of(req), &e);
    nb_log_debug("auth", "request %s refused: %s (access key %s)", req->id, auth_err_name(res->err),
                 res->access_key[0] ? res->access_key : "-");
    nb_reply_error(req, row_for(e.status, e.code), "%s", e.message ? e.message : "");
    return -1;
}

/* --auth open: well-formed SigV4 is enough; the caller is root. */
static int open_mode(nb_req_t *req)
{
    auth_sig_t sig;
    char msg[300] = "";
    auth_result_t res;
    memset(&res, 0, sizeof res);
    const char *authz = nb_req_header(req, "authorization");
    auth_err_t e = authz ? auth_parse_authorization(authz, &sig, msg, sizeof msg)
                         : auth_parse_presigned(req->query, &sig, msg, sizeof msg);
    if (e != AUTH_OK) {
        res.err = e;
        snprintf(res.message, sizeof res.message, "%s", msg);
        return refuse_auth(req, &res);
    }
    req->access_key = nb_arena_strdup(req->arena, sig.access_key);
    req->principal_arn = nb_arena_strdup(req->arena, auth_root_arn());
    return 0;
}

/* ---- resource policies ------------------------------------------------------ */

/* A layer version: lambda.layerpol NAME\0%010u {"statements":[...]}
 * (AddLayerVersionPermission). */
static iam_policy_t *layer_policy_in(store_txn_t *t, const char *layer)
{
    const char *c = strrchr(layer, ':');
    char key[200];
    /* NAME:VERSION, VERSION at most 10 digits (a 32-bit number) */
    size_t digits = c ? strlen(c + 1) : 0;
    if (!c || c == layer || (size_t)(c - layer) + 12 > sizeof key || !digits || digits > 10 ||
        strspn(c + 1, "0123456789") != digits)
        return NULL;
    unsigned long ver = strtoul(c + 1, NULL, 10);
    if (ver > 0xffffffffUL) return NULL;
    size_t nl = (size_t)(c - layer);
    memcpy(key, layer, nl);
    key[nl] = 0;
    snprintf(key + nl + 1, sizeof key - nl - 1, "%010lu", ver);
    size_t kl = nl + 1 + 10;
    const void *v;
    size_t vl;
    iam_policy_t *p = NULL;
    if (store_get(t, "lambda.layerpol", key, kl, &v, &vl) == STORE_OK) {
        json_t *rec = json_loadb(v, vl, 0, NULL);
        json_t *doc = json_pack("{s:s,s:O}", "Version", "2012-10-17", "Statement", json_object_get(rec, "statements"));
        char *txt = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
        char err[64];
        if (txt) p = iam_policy_cache_get(txt, strlen(txt), IAM_POLICY_RESOURCE, err, sizeof err);
        free(txt);
        json_decref(doc);
        json_decref(rec);
    }
    return p;
}

/* Lambda: lambda.fn NAME {"policy":[statement...]} (AddPermission); a layer
 * version's permissions. Read through t. */
static iam_policy_t *lambda_policy_in(store_txn_t *t, const char *arn)
{
    if (strncmp(arn, "arn:aws:lambda:", 15) != 0) return NULL;
    /* the resource type follows REGION:ACCOUNT: (a function may be named "layer") */
    const char *r = strchr(arn + 15, ':');
    r = r ? strchr(r + 1, ':') : NULL;
    if (!r) return NULL;
    if (strncmp(r, ":layer:", 7) == 0) return layer_policy_in(t, r + 7);
    if (strncmp(r, ":function:", 10) != 0) return NULL;
    const char *f = r + 10;
    const char *e = strchr(f, ':');
    char name[200];
    size_t nl = e ? (size_t)(e - f) : strlen(f);
    if (nl >= sizeof name) return NULL;
    memcpy(name, f, nl);
    name[nl] = 0;
    const void *v;
    size_t vl;
    iam_policy_t *p = NULL;
    if (store_get(t, "lambda.fn", name, strlen(name), &v, &vl) == STORE_OK) {
        json_t *rec = json_loadb(v, vl, 0, NULL);
        json_t *st = json_object_get(rec, "policy");
        if (json_array_size(st)) {
            json_t *doc = json_pack("{s:s,s:O}", "Version", "2012-10-17", "Statement", st);
            char *txt = json_dumps(doc, JSON_COMPACT);
            char err[64];
            p = iam_policy_cache_get(txt, strlen(txt), IAM_POLICY_RESOURCE, err, sizeof err);
            free(txt);
            json_decref(doc);
        }
        json_decref(rec);
    }
    return p;
}

static iam_policy_t *lambda_policy(nb_ctx_t *ctx, const char *arn)
{
    store_txn_t *t;
    if (store_begin(ctx->store, STORE_READ, &t) != STORE_OK) return NULL;
    iam_policy_t *p = lambda_policy_in(t, arn);
    store_abort(t);
    return p;
}

/* sts:AssumeRole: the role's trust policy acts as its resource policy. Read
 * through t. Only the role whose stored ARN is exactly arn (as STS's own
 * lookup): a name alone would match another account's or path's ARN. */
static iam_policy_t *trust_policy_in(store_txn_t *t, const char *arn)
{
    const char *r = strstr(arn, ":role/");
    if (strncmp(arn, "arn:aws:iam::", 13) != 0 || !r) return NULL;
    const char *name = strrchr(r, '/') + 1;
    const void *v;
    size_t vl;
    iam_policy_t *p = NULL;
    if (store_get(t, AUTH_KS_ROLES, name, strlen(name), &v, &vl) == STORE_OK) {
        json_t *rec = json_loadb(v, vl, 0, NULL);
        const char *doc = json_string_value(json_object_get(rec, "AssumeRolePolicyDocument"));
        const char *own = json_string_value(json_object_get(rec, "Arn"));
        char err[64];
        if (own && strcmp(own, arn) != 0) doc = NULL;   /* another account's or path's role of that name */
        if (doc) p = iam_policy_cache_get(doc, strlen(doc), IAM_POLICY_TRUST, err, sizeof err);
        json_decref(rec);
    }
    return p;
}

static iam_policy_t *trust_policy(nb_ctx_t *ctx, const char *arn)
{
    store_txn_t *t;
    if (store_begin(ctx->store, STORE_READ, &t) != STORE_OK) return NULL;
    iam_policy_t *p = trust_policy_in(t, arn);
    store_abort(t);
    return p;
}

static iam_policy_t *resource_policy(nb_ctx_t *ctx, const char *action, const char *arn)
{
    if (strncmp(action, "lambda:", 7) == 0) return lambda_policy(ctx, arn);
    if (strcmp(action, "sts:AssumeRole") == 0) return trust_policy(ctx, arn);
    return NULL;
}

/* May service principal service perform action on resource_arn under rp (a
 * resource or trust policy; consumed), for source_arn (may be NULL)? */
static int service_allowed_by(nb_ctx_t *ctx, iam_policy_t *rp, const char *service, const char *action,
                              const char *resource_arn, const char *source_arn)
{
    if (!rp) return 0;
    const char *const sa[] = {source_arn}, *const acct[] = {ctx->cfg->account};
    iam_ctx_key_t keys[2] = {{"aws:SourceAccount", acct, 1}, {"aws:SourceArn", sa, 1}};
    iam_request_t ir = {
        .principal_type = IAM_PRINCIPAL_SERVICE, .principal_arn = service, .principal_account = "",
        .action = action, .resource = resource_arn, .resource_account = ctx->cfg->account,
        .keys = keys, .n_keys = source_arn ? 2 : 1,
    };
    const iam_policy_t *rps[1] = {rp};
    iam_policy_set_t set = {.resource = rps, .n_resource = 1};
    iam_result_t r;
    int ok = iam_evaluate(&set, &ir, &r) == IAM_ALLOW;
    iam_policy_free(rp);
    return ok;
}

int auth_service_allowed(nb_ctx_t *ctx, const char *service, const char *action, const char *resource_arn,
                         const char *source_arn)
{
    return service_allowed_by(ctx, resource_policy(ctx, action, resource_arn), service, action, resource_arn,
                              source_arn);
}

int auth_role_trusts(nb_ctx_t *ctx, store_txn_t *t, const char *role_arn, const char *service,
                     const char *source_arn)
{
    /* arn:aws:iam::ACCOUNT:role/[PATH/]NAME — a role of this account only */
    size_t al = strlen(ctx->cfg->account);
    if (!role_arn || strncmp(role_arn, "arn:aws:iam::", 13) != 0 || strncmp(role_arn + 13, ctx->cfg->account, al) != 0 ||
        strncmp(role_arn + 13 + al, ":role/", 6) != 0)
        return 0;
    return service_allowed_by(ctx, trust_policy_in(t, role_arn), service, "sts:AssumeRole", role_arn, source_arn);
}

/* ---- authorization ---------------------------------------------------------- */

/* ---- condition keys the services supply ---------------------------------- */

/* Lazy context for one (action, resource) check: keys a policy asks about
 * that are neither global nor derived from the principal are answered here,
 * each once: aws:ResourceTag/K from the owning service's resource_tags (an
 * in-process call), everything else from the request's service cond_key. */
#define KEY_CACHE 8
typedef struct keyctx {
    nb_req_t *req;
    const void *scope;
    const char *resource;
    const char *passed_to;  /* iam:PassRole checks: iam:PassedToService */
    const json_t *ptags;    /* the caller's principal tags (auth_ident_t.tags) */
    json_t *rtags;          /* resource's tags; NULL until loaded or when none */
    int rtags_loaded;
    struct { const char *key; const char *const *vals; size_t n; int found; } cache[KEY_CACHE];
    size_t n_cache;
} keyctx_t;

/* The service owning arn ("arn:aws:SERVICE:..."), or NULL. */
static const nb_service_t *owner_of(const char *arn)
{
    if (strncmp(arn, "arn:aws:", 8) != 0) return NULL;
    const char *s = arn + 8, *e = strchr(s, ':');
    char name[32];
    if (!e || (size_t)(e - s) >= sizeof name) return NULL;
    memcpy(name, s, (size_t)(e - s));
    name[e - s] = 0;
    return nb_service_by_name(name);
}

int auth_tag_value(nb_req_t *req, const json_t *tags, const char *tag, const char *const **vals, size_t *n)
{
    const char *name;
    json_t *v;
    json_object_foreach((json_t *)tags, name, v) {
        if (strcasecmp(name, tag) != 0 || !json_is_string(v)) continue;
        const char **one = nb_arena_alloc(req->arena, sizeof *one);
        one[0] = nb_arena_strdup(req->arena, json_string_value(v));
        *vals = one;
        *n = 1;
        return 1;
    }
    return 0;
}

static int resource_tag(keyctx_t *k, const char *tag, const char *const **vals, size_t *n)
{
    if (!k->rtags_loaded) {
        k->rtags_loaded = 1;
        const nb_service_t *svc = owner_of(k->resource);
        if (svc && svc->authz && svc->authz->resource_tags) k->rtags = svc->authz->resource_tags(k->req->ctx, k->resource);
    }
    return auth_tag_value(k->req, k->rtags, tag, vals, n);
}

static int key_lookup(void *arg, const char *key, const char *const **vals, size_t *n)
{
    keyctx_t *k = arg;
    for (size_t i = 0; i < k->n_cache; i++)
        if (strcasecmp(k->cache[i].key, key) == 0) {
            *vals = k->cache[i].vals;
            *n = k->cache[i].n;
            return k->cache[i].found;
        }
    int found = 0;
    *vals = NULL;
    *n = 0;
    if (strncasecmp(key, "aws:ResourceTag/", 16) == 0) {
        found = resource_tag(k, key + 16, vals, n);
    } else if (strncasecmp(key, "aws:PrincipalTag/", 17) == 0) {
        found = auth_tag_value(k->req, k->ptags, key + 17, vals, n);
    } else if (k->passed_to && strcasecmp(key, "iam:PassedToService") == 0) {
        *vals = &k->passed_to;
        *n = 1;
        found = 1;
    } else {
        const nb_authz_t *az = k->req->svc ? k->req->svc->authz : NULL;   /* none: a data-plane request */
        if (az && az->cond_key) found = az->cond_key(k->req, k->scope, key, vals, n) == 1;
    }
    if (k->n_cache < KEY_CACHE) {
        k->cache[k->n_cache].key = nb_arena_strdup(k->req->arena, key);
        k->cache[k->n_cache].vals = *vals;
        k->cache[k->n_cache].n = *n;
        k->cache[k->n_cache].found = found;
        k->n_cache++;
    }
    return found;
}

/* Evaluate (action, resource) for id, with scope (the service's part of the
 * request, or NULL) for its condition keys, and passed_to as
 * iam:PassedToService (iam:PassRole checks, else NULL): IAM_ALLOW, or the
 * denial with AWS's message in msg (cap bytes); the result in *r_out when
 * not NULL. Replies nothing. */
static iam_decision_t evaluate(nb_req_t *req, const auth_ident_t *id, const char *action, const char *resource,
                               const void *scope, const char *passed_to, char *msg, size_t cap,
                               iam_result_t *r_out)
{
    iam_global_ctx_t g;
    iam_global_keys(&g, req->remote_addr, req->secure, (int64_t)nb_wall_ms(), id->username, id->userid,
                    id->role_arn ? id->role_arn : id->arn);
    keyctx_t kc = {.req = req, .scope = scope, .resource = resource, .passed_to = passed_to, .ptags = id->tags};
    iam_request_t ir = {
        .principal_type = id->type, .principal_arn = id->arn, .principal_account = req->ctx->cfg->account,
        .role_arn = id->role_arn, .action = action, .resource = resource, .resource_account = NULL,
        .keys = g.keys, .n_keys = g.n, .key_fn = key_lookup, .key_arg = &kc,
    };
    iam_policy_t *rp = resource_policy(req->ctx, action, resource);
    const iam_policy_t *rps[1] = {rp};
    iam_policy_set_t set = {
        .identity = (const iam_policy_t *const *)id->identity, .n_identity = id->n_identity,
        .resource = rps, .n_resource = rp ? 1 : 0,
        .boundary = (const iam_policy_t *const *)id->boundary, .n_boundary = id->n_boundary,
        .session = (const iam_policy_t *const *)id->session, .n_session = id->n_session,
    };
    iam_result_t r;
    iam_decision_t d = iam_evaluate(&set, &ir, &r);
    if (rp) iam_policy_free(rp);
    json_decref(kc.rtags);
    if (r_out) *r_out = r;
    if (d != IAM_ALLOW) iam_denial_message(&ir, &r, msg, cap);
    return d;
}

/* evaluate(); 0 when allowed, else -1 after replying the service's error. */
static int check_passing(nb_req_t *req, const auth_ident_t *id, const char *action, const char *resource,
                         const void *scope, const char *passed_to)
{
    char msg[1024];
    if (evaluate(req, id, action, resource, scope, passed_to, msg, sizeof msg, NULL) == IAM_ALLOW) return 0;
    nb_err_t code;
    switch (proto_of(req)) {
    case AUTH_PROTO_JSON: code = NB_ERR_AUTH_JSON_DENIED; break;
    case AUTH_PROTO_REST_JSON: code = NB_ERR_AUTH_REST_DENIED; break;
    default: code = NB_ERR_AUTH_QUERY_DENIED; break;
    }
    nb_log_debug("auth", "request %s denied: %s %s for %s", req->id, action, resource, id->arn);
    nb_reply_error(req, code, "%s", msg);
    return -1;
}

static int check(nb_req_t *req, const auth_ident_t *id, const char *action, const char *resource, const void *scope)
{
    return check_passing(req, id, action, resource, scope, NULL);
}

static int authorize(nb_req_t *req, const auth_ident_t *id)
{
    const char *action = req->op->iam_action;
    if (id->type == IAM_PRINCIPAL_ROOT || !action) return 0;
    /* these two never need a permission (AWS documents them so) */
    if (strcmp(action, "sts:GetCallerIdentity") == 0 || strcmp(action, "sts:GetSessionToken") == 0) return 0;
    const nb_authz_t *az = req->svc->authz;
    nb_authz_part_t *parts = NULL;
    size_t n_parts = az && az->parts ? az->parts(req, &parts) : 0;
    if (n_parts == 0) {
        if (check(req, id, action, nb_edge_resource_arn(req), NULL) != 0) return -1;
    }
    for (size_t i = 0; i < n_parts; i++)   /* batches, transactions: every part on its own */
        if (check(req, id, parts[i].action ? parts[i].action : action, parts[i].resource, parts[i].scope) != 0)
            return -1;
    /* giving a function a role is passing that role: iam:PassRole on it as well */
    if (strcmp(action, "lambda:CreateFunction") == 0 || strcmp(action, "lambda:UpdateFunctionConfiguration") == 0) {
        const char *role = json_string_value(json_object_get(req->json, "Role"));
        if (role && check_passing(req, id, "iam:PassRole", role, NULL, "lambda.amazonaws.com") != 0) return -1;
    }
    return 0;
}

/* The SigV4 request of req for service svc. */
static auth_request_t signed_request(nb_req_t *req, const char *svc)
{
    auth_request_t rq = {
        .method = req->method, .raw_path = req->raw_path, .raw_query = req->query,
        .headers = req->headers, .n_headers = req->n_headers,
        .body = req->body, .body_len = req->body_len,
        .now_ms = (int64_t)nb_wall_ms(),
        .service = svc,
        /* IAM is global: SDKs sign it for us-east-1 whatever the region */
        .region = strcmp(svc, "iam") == 0 ? NULL : req->ctx->cfg->region,
        .s3 = req->svc && req->svc->proto == NB_PROTO_REST_XML,
        .lookup = lookup, .lookup_arg = req,
    };
    return rq;
}

/* A federated user's session (GetFederationToken) may call no IAM operation
 * (IAM does not accept its token: InvalidClientTokenId) and no STS operation
 * but GetCallerIdentity (AccessDenied), as AWS documents. 1 after replying. */
static int federated_refused(nb_req_t *req, const auth_ident_t *id, auth_result_t *res)
{
    if (!id->token || !strstr(id->arn, ":federated-user/")) return 0;
    if (strcmp(req->svc->name, "iam") == 0) {
        res->err = AUTH_UNKNOWN_KEY;
        res->message[0] = 0;
        refuse_auth(req, res);
        return 1;
    }
    if (strcmp(req->svc->name, "sts") == 0 && strcmp(req->op->name, "GetCallerIdentity") != 0) {
        nb_reply_error(req, NB_ERR_AUTH_QUERY_DENIED, "Cannot call %s with session credentials", req->op->name);
        return 1;
    }
    return 0;
}

/* An internal call (core/call.h): no signature to verify — the caller named
 * the identity (an access key of the store, or root said explicitly); a key
 * must still be known and unexpired, and is then authorized exactly as a
 * signed request. A call naming neither is refused, never run as root. */
static int internal_call(nb_req_t *req)
{
    const char *ak = nb_call_access_key(req);
    if (req->ctx->cfg->auth_open || nb_call_as_root(req)) {
        req->principal_arn = nb_arena_strdup(req->arena, auth_root_arn());
        return 0;
    }
    const auth_ident_t *id = ak ? auth_creds_lookup(req->ctx, ak) : NULL;
    auth_result_t res;
    memset(&res, 0, sizeof res);
    snprintf(res.access_key, sizeof res.access_key, "%s", ak ? ak : "");
    if (!ak) {
        res.err = AUTH_MISSING;
        return refuse_auth(req, &res);
    }
    if (!id || (id->expires_ms && id->expires_ms <= (int64_t)nb_wall_ms())) {
        res.err = id ? AUTH_EXPIRED_TOKEN : AUTH_UNKNOWN_KEY;
        return refuse_auth(req, &res);
    }
    if (federated_refused(req, id, &res)) return -1;
    req->access_key = nb_arena_strdup(req->arena, ak);
    req->principal_arn = nb_arena_strdup(req->arena, id->arn);
    return authorize(req, id);
}

int auth_enforce(nb_req_t *req)
{
    if (req->call) return internal_call(req);   /* as edge.c and reply.c test it */
    if (req->ctx->cfg->auth_open) return open_mode(req);
    auth_request_t rq = signed_request(req, req->svc->name);
    auth_result_t res;
    if (auth_verify(&rq, &res) != AUTH_OK) return refuse_auth(req, &res);
    const auth_ident_t *id = auth_creds_lookup(req->ctx, res.access_key);
    if (!id) {   /* cannot happen after a successful verify; be safe */
        res.err = AUTH_UNKNOWN_KEY;
        res.message[0] = 0;
        return refuse_auth(req, &res);
    }
    if (federated_refused(req, id, &res)) return -1;
    req->access_key = nb_arena_strdup(req->arena, res.access_key);
    req->principal_arn = nb_arena_strdup(req->arena, id->arn);
    iam_key_used(res.access_key, req->svc->name, rq.now_ms);   /* memory only (iam_usage.h) */
    return authorize(req, id);
}

int auth_invoke_check(nb_req_t *req, const char *action, const char *resource_arn, char *msg, size_t cap,
                      int *explicit_deny)
{
    *explicit_deny = 0;
    auth_result_t res;
    memset(&res, 0, sizeof res);
    if (req->ctx->cfg->auth_open) {
        auth_sig_t sig;
        const char *authz = nb_req_header(req, "authorization");
        auth_err_t e = authz ? auth_parse_authorization(authz, &sig, res.message, sizeof res.message)
                             : auth_parse_presigned(req->query, &sig, res.message, sizeof res.message);
        if (e == AUTH_OK) {
            req->principal_arn = nb_arena_strdup(req->arena, auth_root_arn());
            return 0;
        }
        res.err = e;
    } else {
        auth_request_t rq = signed_request(req, "execute-api");
        if (auth_verify(&rq, &res) == AUTH_OK) {
            const auth_ident_t *id = auth_creds_lookup(req->ctx, res.access_key);
            if (id) {
                req->access_key = nb_arena_strdup(req->arena, res.access_key);
                req->principal_arn = nb_arena_strdup(req->arena, id->arn);
                if (id->type == IAM_PRINCIPAL_ROOT) return 0;
                iam_result_t r;
                char why[1024];
                if (evaluate(req, id, action, resource_arn, NULL, NULL, why, sizeof why, &r) == IAM_ALLOW) return 0;
                *explicit_deny = r.decision == IAM_EXPLICIT_DENY;
                snprintf(msg, cap, "User: %s is not authorized to perform: %s on resource: %s%s", id->arn, action,
                         resource_arn, *explicit_deny ? " with an explicit deny" : "");
                nb_log_debug("auth", "request %s denied: %s %s for %s", req->id, action, resource_arn, id->arn);
                return -1;
            }
            res.err = AUTH_UNKNOWN_KEY;
            res.message[0] = 0;
        }
    }
    auth_aws_error_t e;
    auth_aws_error(&res, AUTH_PROTO_REST_JSON, &e);
    snprintf(msg, cap, "%s", e.message ? e.message : "Forbidden");
    nb_log_debug("auth", "request %s refused: %s", req->id, auth_err_name(res.err));
    return -1;
}

int auth_role_allowed(nb_ctx_t *ctx, store_txn_t *t, const char *role_arn, const char *action, const char *resource)
{
    const char *r = role_arn ? strstr(role_arn, ":role/") : NULL;
    if (!r || strncmp(role_arn, "arn:aws:iam::", 13) != 0) return 0;
    const char *name = strrchr(r, '/') + 1;
    iam_policy_t **idp = NULL, **bp = NULL;
    size_t n_id = 0, n_b = 0;
    if (auth_creds_role_policies(t, name, &idp, &n_id) != 0) {
        free(idp);
        return 0;
    }
    auth_creds_role_boundary(t, name, &bp, &n_b);
    nb_buf_t sb = NB_BUF_INIT;
    nb_buf_printf(&sb, "arn:aws:sts::%s:assumed-role/%s/lambda", ctx->cfg->account, name);
    iam_request_t ir = {
        .principal_type = IAM_PRINCIPAL_ASSUMED_ROLE, .principal_arn = sb.data,
        .principal_account = ctx->cfg->account, .role_arn = role_arn, .action = action, .resource = resource,
    };
    /* same account: the identity policy or the destination's resource policy
     * (a function's AddPermission statements naming the role) may allow it,
     * as IAM evaluates it; read through t like the role */
    iam_policy_t *rp = strncmp(action, "lambda:", 7) == 0 ? lambda_policy_in(t, resource) : NULL;
    const iam_policy_t *rps[1] = {rp};
    ir.resource_account = ctx->cfg->account;
    iam_policy_set_t set = {
        .identity = (const iam_policy_t *const *)idp, .n_identity = n_id,
        .resource = rps, .n_resource = rp ? 1 : 0,
        .boundary = (const iam_policy_t *const *)bp, .n_boundary = n_b,
    };
    iam_result_t res;
    int ok = iam_evaluate(&set, &ir, &res) == IAM_ALLOW;
    if (rp) iam_policy_free(rp);
    for (size_t i = 0; i < n_id; i++) iam_policy_free(idp[i]);
    for (size_t i = 0; i < n_b; i++) iam_policy_free(bp[i]);
    free(idp);
    free(bp);
    nb_buf_free(&sb);
    return ok;
}
