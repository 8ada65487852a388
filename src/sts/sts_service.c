/* sts_service.c — STS: GetCallerIdentity, AssumeRole (trust policy, session
 * policy, DurationSeconds within the role's MaxSessionDuration, session tags
 * with sts:TagSession — sts_tags.c) and
 * GetSessionToken (GetFederationToken and GetAccessKeyInfo: sts_federation.c);
 * and sts_issue_role_credentials() for Lambda.
 *
 * A session is one sts.sessions record keyed by its ASIA access key id
 * (layout in src/auth/creds.h); it expires by its Expiration time (the
 * SigV4 verifier answers ExpiredToken after it). The shortest duration is
 * 900 s as in AWS; the setting sts.min_duration lowers it (tests). */
#include "sts/sts.h"
#include "sts/sts_int.h"
#include "sts/sts_tags.h"
#include "auth/creds.h"
#include "core/config.h"
#include "core/request.h"
#include "core/service.h"
#include "core/util.h"
#include "iam/policy.h"
#include "store/store.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void iso(int64_t ms, char *out, size_t cap)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void sts__xml_str(nb_buf_t *b, const char *tag, const char *v)
{
    nb_buf_printf(b, "<%s>", tag);
    nb_buf_xml_escape(b, v, strlen(v));
    nb_buf_printf(b, "</%s>", tag);
}

/* Write a session record; fills out. Returns the store status. */
int sts__put_session(store_txn_t *t, json_t *rec, unsigned duration_s, sts_creds_t *out)
{
    auth_new_id("ASIA", out->access_key);
    auth_new_secret(out->secret_key);
    auth_new_token(out->session_token, 256);
    out->expires_ms = (int64_t)nb_wall_ms() + (int64_t)duration_s * 1000;
    json_object_set_new(rec, "SecretAccessKey", json_string(out->secret_key));
    json_object_set_new(rec, "SessionToken", json_string(out->session_token));
    json_object_set_new(rec, "Expiration", json_integer(out->expires_ms));
    snprintf(out->arn, sizeof out->arn, "%s", json_string_value(json_object_get(rec, "Arn")));
    char *s = json_dumps(rec, JSON_COMPACT);
    int rc = store_put(t, AUTH_KS_SESSIONS, out->access_key, strlen(out->access_key), s, strlen(s));
    free(s);
    return rc;
}

int sts__save_session(nb_req_t *req, store_txn_t *t, json_t *rec, unsigned duration_s, sts_creds_t *out)
{
    if (sts__put_session(t, rec, duration_s, out) == STORE_OK) return 0;
    store_abort(t);
    nb_reply_error(req, NB_ERR_INTERNAL, "The session could not be saved.");
    return -1;
}

void sts__creds_xml(nb_buf_t *b, const sts_creds_t *c)
{
    char exp[32];
    iso(c->expires_ms, exp, sizeof exp);
    nb_buf_puts(b, "<Credentials>");
    sts__xml_str(b, "AccessKeyId", c->access_key);
    sts__xml_str(b, "SecretAccessKey", c->secret_key);
    sts__xml_str(b, "SessionToken", c->session_token);
    sts__xml_str(b, "Expiration", exp);
    nb_buf_puts(b, "</Credentials>");
}

static json_t *load_role(store_txn_t *t, const char *role_arn)
{
    const char *r = strstr(role_arn, ":role/");
    if (strncmp(role_arn, "arn:aws:iam::", 13) != 0 || !r) return NULL;
    const char *name = strrchr(r, '/') + 1;
    const void *v;
    size_t vl;
    if (store_get(t, AUTH_KS_ROLES, name, strlen(name), &v, &vl) != STORE_OK) return NULL;
    json_t *role = json_loadb(v, vl, 0, NULL);
    const char *arn = json_string_value(json_object_get(role, "Arn"));
    if (!arn || strcmp(arn, role_arn) != 0) {   /* same name, other path */
        json_decref(role);
        return NULL;
    }
    return role;
}

static json_t *role_session(nb_ctx_t *ctx, json_t *role, const char *session_name)
{
    const char *rn = json_string_value(json_object_get(role, "RoleName"));
    const char *rid = json_string_value(json_object_get(role, "RoleId"));
    char *arn = NULL, *uid = NULL;
    if (asprintf(&arn, "arn:aws:sts::%s:assumed-role/%s/%s", ctx->cfg->account, rn, session_name) < 0 ||
        asprintf(&uid, "%s:%s", rid, session_name) < 0)
        abort();
    json_t *rec = json_pack("{s:s,s:s,s:s,s:s,s:s}", "Kind", "role", "Arn", arn, "UserId", uid, "RoleArn",
                            json_string_value(json_object_get(role, "Arn")), "RoleName", rn);
    free(arn);
    free(uid);
    return rec;
}

int sts_issue_role_credentials(nb_ctx_t *ctx, const char *role_arn, const char *session_name,
                               unsigned duration_s, sts_creds_t *out)
{
    if (duration_s < 900) duration_s = 900;
    if (duration_s > 43200) duration_s = 43200;
    store_txn_t *t;
    if (store_begin(ctx->store, STORE_WRITE, &t) != STORE_OK) return -1;
    json_t *role = load_role(t, role_arn);
    if (!role) {
        store_abort(t);
        return -1;
    }
    json_t *rec = role_session(ctx, role, session_name);
    json_decref(role);
    int rc = sts__put_session(t, rec, duration_s, out);
    json_decref(rec);
    if (rc != STORE_OK) {
        store_abort(t);
        return -1;
    }
    /* a new key was never cached (unknown keys are not): no invalidation needed */
    return store_commit(t, NULL, NULL) == STORE_OK ? 0 : -1;
}

/* ---- the operations ------------------------------------------------------------ */

typedef struct pending {
    nb_req_t *req;
    char *xml;
} pending_t;

static void on_durable(void *arg, int status)
{
    pending_t *p = arg;
    if (status == STORE_OK) nb_reply_query(p->req, p->xml);
    else nb_reply_error(p->req, NB_ERR_INTERNAL, "The session could not be saved.");
}

void sts__commit_reply(nb_req_t *req, store_txn_t *t, nb_buf_t *b)
{
    pending_t *p = nb_arena_alloc(req->arena, sizeof *p);
    p->req = req;
    p->xml = nb_arena_strndup(req->arena, b->data, b->len);
    nb_buf_free(b);
    if (store_commit(t, on_durable, p) != STORE_OK)
        nb_reply_error(req, NB_ERR_INTERNAL, "The session could not be saved.");
}

static const auth_ident_t *caller(nb_req_t *req)
{
    const auth_ident_t *id = req->ctx->cfg->auth_open ? NULL : auth_creds_lookup(req->ctx, req->access_key);
    return id ? id : auth_creds_root();
}

static void op_get_caller_identity(nb_req_t *req)
{
    const auth_ident_t *id = caller(req);
    nb_buf_t b = NB_BUF_INIT;
    sts__xml_str(&b, "UserId", id->userid ? id->userid : req->ctx->cfg->account);
    sts__xml_str(&b, "Account", req->ctx->cfg->account);
    sts__xml_str(&b, "Arn", id->arn);
    nb_reply_query(req, b.data);
    nb_buf_free(&b);
}

/* DurationSeconds within [min, max]; -1 after replying ValidationError. */
long sts__duration(nb_req_t *req, long dflt, long max)
{
    long min = nb_config_get_long(req->ctx->cfg, "sts.min_duration", 900);
    const char *d = nb_req_form(req, "DurationSeconds");
    if (!d) return dflt < max ? dflt : max;
    char *end;
    long v = strtol(d, &end, 10);
    if (*end || v < min || v > max) {
        if (v > max && v <= 129600 && max < 129600)
            nb_reply_error(req, NB_ERR_IAM_VALIDATION, "The requested DurationSeconds exceeds the MaxSessionDuration "
                           "set for this role.");
        else
            nb_reply_error(req, NB_ERR_IAM_VALIDATION, "1 validation error detected: Value '%s' at 'durationSeconds' "
                           "failed to satisfy constraint: Member must have value %s equal to %ld", d,
                           v < min ? "greater than or" : "less than or", v < min ? min : max);
        return -1;
    }
    return v;
}

static void op_assume_role(nb_req_t *req)
{
    const char *role_arn = nb_req_form(req, "RoleArn");
    const char *session = nb_req_form(req, "RoleSessionName");
    if (!role_arn || !session) {
        nb_reply_error(req, NB_ERR_IAM_VALIDATION, "1 validation error detected: Value null at '%s' failed to satisfy "
                       "constraint: Member must not be null", role_arn ? "roleSessionName" : "roleArn");
        return;
    }
    size_t sl = strlen(session);
    int ok = sl >= 2 && sl <= 64;
    for (size_t i = 0; ok && i < sl; i++)
        ok = (session[i] >= 'a' && session[i] <= 'z') || (session[i] >= 'A' && session[i] <= 'Z') ||
             (session[i] >= '0' && session[i] <= '9') || strchr("_+=,.@-", session[i]);
    if (!ok) {
        nb_reply_error(req, NB_ERR_IAM_VALIDATION, "1 validation error detected: Value '%s' at 'roleSessionName' failed "
                       "to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*", session);
        return;
    }
    const char *policy = nb_req_form(req, "Policy");
    if (policy) {
        char err[300];
        iam_policy_t *p = iam_policy_cache_get(policy, strlen(policy), IAM_POLICY_IDENTITY, err, sizeof err);
        if (!p) {
            nb_reply_error(req, NB_ERR_STS_MALFORMED_POLICY, "%s", err);
            return;
        }
        iam_policy_free(p);
    }
    const auth_ident_t *id = caller(req);
    store_txn_t *t;
    if (store_begin(req->ctx->store, STORE_WRITE, &t) != STORE_OK) {
        nb_reply_error(req, NB_ERR_INTERNAL, "The store is unavailable.");
        return;
    }
    /* a chained session inherits the caller's transitive tags */
    json_t *caller_session = NULL;
    if (id->type == IAM_PRINCIPAL_ASSUMED_ROLE && req->access_key) {
        const void *v;
        size_t vl;
        if (store_get(t, AUTH_KS_SESSIONS, req->access_key, strlen(req->access_key), &v, &vl) == STORE_OK)
            caller_session = json_loadb(v, vl, 0, NULL);
    }
    sts_tags_t tags;
    int bad_tags = sts_tags_parse(req, caller_session, &tags);
    json_decref(caller_session);
    if (bad_tags) {
        sts_tags_free(&tags);
        store_abort(t);
        return;
    }
    json_t *role = load_role(t, role_arn);
    int allowed = 0, tag_allowed = 1;
    if (role) {   /* the trust policy must allow the caller (and its tags: sts:TagSession) */
        const char *doc = json_string_value(json_object_get(role, "AssumeRolePolicyDocument"));
        char err[64];
        iam_policy_t *trust = doc ? iam_policy_cache_get(doc, strlen(doc), IAM_POLICY_TRUST, err, sizeof err) : NULL;
        iam_global_ctx_t g;
        iam_global_keys(&g, req->remote_addr, req->secure, (int64_t)nb_wall_ms(), id->username, id->userid,
                        id->role_arn ? id->role_arn : id->arn);
        /* trust policies commonly condition on sts:ExternalId, sts:RoleSessionName
         * and the session tags (aws:RequestTag/KEY, aws:TagKeys) */
        iam_ctx_key_t *tk = NULL;
        size_t ntk = sts_tags_keys(req, &tags, &tk);
        iam_ctx_key_t *keys = nb_arena_alloc(req->arena, (g.n + 2 + ntk) * sizeof *keys);
        memcpy(keys, g.keys, sizeof g.keys[0] * g.n);
        size_t nk = g.n;
        if (ntk) memcpy(keys + nk, tk, ntk * sizeof *tk);
        nk += ntk;
        const char *ext = nb_req_form(req, "ExternalId");
        const char *const ev[] = {ext}, *const sv[] = {session};
        if (ext) keys[nk++] = (iam_ctx_key_t){"sts:ExternalId", ev, 1};
        keys[nk++] = (iam_ctx_key_t){"sts:RoleSessionName", sv, 1};
        iam_request_t ir = {id->type, id->arn, req->ctx->cfg->account, id->role_arn, "sts:AssumeRole", role_arn,
                            NULL, keys, nk, NULL, NULL};
        int denied = 0;
        allowed = trust && iam_policy_allows(trust, &ir, &denied) && !denied;
        if (allowed && json_object_size(tags.tags)) {
            ir.action = "sts:TagSession";
            denied = 0;
            tag_allowed = iam_policy_allows(trust, &ir, &denied) && !denied;
        }
        if (trust) iam_policy_free(trust);
    }
    if (!allowed || !tag_allowed) {
        json_decref(role);
        sts_tags_free(&tags);
        store_abort(t);
        nb_reply_error(req, NB_ERR_STS_ACCESS_DENIED, "User: %s is not authorized to perform: %s on "
                       "resource: %s", id->arn, allowed ? "sts:TagSession" : "sts:AssumeRole", role_arn);
        return;
    }
    long max = (long)json_integer_value(json_object_get(role, "MaxSessionDuration"));
    long dur = sts__duration(req, 3600, max ? max : 3600);
    if (dur < 0) {
        json_decref(role);
        sts_tags_free(&tags);
        store_abort(t);
        return;
    }
    json_t *rec = role_session(req->ctx, role, session);
    json_decref(role);
    if (policy) json_object_set_new(rec, "Policy", json_string(policy));
    json_object_set(rec, "Tags", tags.tags);
    if (json_array_size(tags.transitive)) json_object_set(rec, "TransitiveTagKeys", tags.transitive);
    size_t ntags = json_object_size(tags.tags);
    sts_tags_free(&tags);
    sts_creds_t c;
    if (sts__save_session(req, t, rec, (unsigned)dur, &c) != 0) {
        json_decref(rec);
        return;
    }
    nb_buf_t b = NB_BUF_INIT;
    sts__creds_xml(&b, &c);
    nb_buf_puts(&b, "<AssumedRoleUser>");
    sts__xml_str(&b, "AssumedRoleId", json_string_value(json_object_get(rec, "UserId")));
    sts__xml_str(&b, "Arn", c.arn);
    nb_buf_puts(&b, "</AssumedRoleUser>");
    if (policy || ntags)
        nb_buf_printf(&b, "<PackedPolicySize>%zu</PackedPolicySize>",
                      ((policy ? iam_policy_size(policy, strlen(policy)) : 0) + 64 * ntags) * 100 / 2048);
    json_decref(rec);
    sts__commit_reply(req, t, &b);
}

static void op_get_session_token(nb_req_t *req)
{
    const auth_ident_t *id = caller(req);
    if (id->token) {   /* any temporary credentials: an assumed role's, a federated user's, its own */
        nb_reply_error(req, NB_ERR_STS_ACCESS_DENIED, "Cannot call GetSessionToken with session credentials");
        return;
    }
    long dur = sts__duration(req, 43200, 129600);
    if (dur < 0) return;
    if (id->type == IAM_PRINCIPAL_ROOT && dur > STS_ROOT_MAX_DURATION)
        dur = STS_ROOT_MAX_DURATION;   /* AWS: an account owner's session "defaults to one hour" */
    store_txn_t *t;
    if (store_begin(req->ctx->store, STORE_WRITE, &t) != STORE_OK) {
        nb_reply_error(req, NB_ERR_INTERNAL, "The store is unavailable.");
        return;
    }
    json_t *rec = json_pack("{s:s,s:s,s:s?,s:s?}", "Kind", id->type == IAM_PRINCIPAL_ROOT ? "root" : "user",
                            "Arn", id->arn, "UserName", id->username, "UserId", id->userid);
    sts_creds_t c;
    int rc = sts__save_session(req, t, rec, (unsigned)dur, &c);
    json_decref(rec);
    if (rc != 0) return;
    nb_buf_t b = NB_BUF_INIT;
    sts__creds_xml(&b, &c);
    sts__commit_reply(req, t, &b);
}

static const nb_op_t ops[] = {
    {"GetCallerIdentity", op_get_caller_identity, "sts:GetCallerIdentity", "*", NULL, NULL, 0},
    {"AssumeRole", op_assume_role, "sts:AssumeRole", "{RoleArn}", NULL, NULL, 0},
    {"GetSessionToken", op_get_session_token, "sts:GetSessionToken", "*", NULL, NULL, 0},
    {"GetFederationToken", sts__op_get_federation_token, "sts:GetFederationToken",
     "arn:aws:sts::{account}:federated-user/{Name}", NULL, NULL, 0},
    {"GetAccessKeyInfo", sts__op_get_access_key_info, "sts:GetAccessKeyInfo", "*", NULL, NULL, 0},
};

/* ---- start: drop sessions that expired while nimbus was down or idle ----------- */

typedef struct sweep {
    int64_t now;
    char (*keys)[32];
    size_t n, cap;
} sweep_t;

static int sweep_one(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
    sweep_t *s = arg;
    json_t *d = json_loadb(val, vlen, 0, NULL);
    int64_t exp = (int64_t)json_integer_value(json_object_get(d, "Expiration"));
    json_decref(d);
    if (exp > s->now || klen >= 32) return 0;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->keys = realloc(s->keys, sizeof *s->keys * s->cap);
        if (!s->keys) abort();
    }
    memcpy(s->keys[s->n], key, klen);
    s->keys[s->n++][klen] = 0;
    return 0;
}

static int sts_init(nb_ctx_t *ctx)
{
    sts__register_lambda_credentials(ctx);
    /* A read transaction finds them (usually none: no write transaction,
     * which costs more at start-up); a write transaction then deletes
     * whatever of them is still there. */
    sweep_t s = {(int64_t)nb_wall_ms(), NULL, 0, 0};
    store_txn_t *t;
    if (store_begin(ctx->store, STORE_READ, &t) != STORE_OK) return -1;
    store_scan(t, AUTH_KS_SESSIONS, NULL, 0, NULL, 0, 0, sweep_one, &s);
    store_abort(t);
    if (!s.n) return 0;        /* nothing expired: no write to commit */
    if (store_begin(ctx->store, STORE_WRITE, &t) != STORE_OK) {
        free(s.keys);
        return -1;
    }
    for (size_t i = 0; i < s.n; i++) store_del(t, AUTH_KS_SESSIONS, s.keys[i], strlen(s.keys[i]));
    free(s.keys);
    return store_commit(t, NULL, NULL) == STORE_OK ? 0 : -1;
}

const nb_service_t sts_service = {
    .name = "sts", .proto = NB_PROTO_QUERY,
    .xml_ns = "https://sts.amazonaws.com/doc/2011-06-15/",
    .ops = ops, .n_ops = sizeof ops / sizeof ops[0],
    .init = sts_init,
};
