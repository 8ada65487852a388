/* creds.c — root credentials file, access key → identity resolution and its
 * cache. See creds.h for the store layout.
 *
 * Cache invariant: an entry is the store's answer at the time it was built;
 * any IAM / STS write calls auth_creds_changed(), which drops every entry, so
 * a cached identity is never staler than the last write. Entries are only
 * dropped between requests (writes happen in handlers, after enforcement). */
#include "auth/creds.h"
#include "iam/aws_policies.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/util.h"
#include "store/store.h"
#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static struct {
    char access_key[32];
    char secret[64];
    char account[16];
    char arn[64];
    auth_ident_t ident;
} root;

/* 4-way set-associative: a miss replaces the least recently used entry of
 * its set (each Lambda environment has its own session key; a direct-mapped
 * table let two of 32 environments' keys evict each other on every request,
 * each eviction a store read and a policy parse). */
#define CACHE_SLOTS 256
#define CACHE_WAYS 4
static auth_ident_t *cache[CACHE_SLOTS];
static uint64_t cache_stamp[CACHE_SLOTS], cache_tick;

/* ---- identifiers ---------------------------------------------------------- */

void auth_new_id(const char *prefix, char out[21])
{
    static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    unsigned char r[16];
    nb_random_bytes(r, sizeof r);
    size_t pl = strlen(prefix);
    memcpy(out, prefix, pl);
    for (size_t i = 0; i < 20 - pl; i++) out[pl + i] = alpha[r[i] & 31];
    out[20] = 0;
}

void auth_new_token(char *out, size_t len)
{
    static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    unsigned char r[64];
    for (size_t i = 0; i < len; i++) {
        if (i % sizeof r == 0) nb_random_bytes(r, sizeof r);
        out[i] = alpha[r[i % sizeof r] & 63];
    }
    out[len] = 0;
}

void auth_new_secret(char out[41])
{
    auth_new_token(out, 40);
}

/* ---- root ----------------------------------------------------------------- */

static void root_ident(void)
{
    snprintf(root.arn, sizeof root.arn, "arn:aws:iam::%s:root", root.account);
    auth_ident_t *r = &root.ident;
    memset(r, 0, sizeof *r);
    snprintf(r->access_key, sizeof r->access_key, "%s", root.access_key);
    r->secret = root.secret;
    r->type = IAM_PRINCIPAL_ROOT;
    r->arn = root.arn;
    r->userid = root.account;
}

static int load_root(const char *path)
{
    nb_buf_t b = NB_BUF_INIT;
    if (nb_read_file(path, &b) != 0) return -1;
    json_t *j = json_loadb(b.data ? b.data : "", b.len, 0, NULL);
    nb_buf_free(&b);
    const char *ak = json_string_value(json_object_get(j, "AccessKeyId"));
    const char *sk = json_string_value(json_object_get(j, "SecretAccessKey"));
    const char *ac = json_string_value(json_object_get(j, "AccountId"));
    int ok = ak && sk && ac && strlen(ak) < sizeof root.access_key && strlen(sk) < sizeof root.secret &&
             strlen(ac) < sizeof root.account;
    if (ok) {
        snprintf(root.access_key, sizeof root.access_key, "%s", ak);
        snprintf(root.secret, sizeof root.secret, "%s", sk);
        snprintf(root.account, sizeof root.account, "%s", ac);
    }
    json_decref(j);
    return ok ? 0 : -2;
}

/* Generate root's keys into DATA/credentials.json (0600): the file synced and
 * renamed into place, DATA itself synced only when sync_dir. 0, or -1 with a
 * message on stderr. */
static int create_root(nb_ctx_t *ctx, const char *path, int sync_dir)
{
    char ak[21], sk[41];
    auth_new_id("AKIA", ak);
    auth_new_secret(sk);
    snprintf(root.access_key, sizeof root.access_key, "%s", ak);
    snprintf(root.secret, sizeof root.secret, "%s", sk);
    snprintf(root.account, sizeof root.account, "%s", ctx->cfg->account);
    json_t *j = json_pack("{s:s,s:s,s:s}", "AccessKeyId", ak, "SecretAccessKey", sk, "AccountId", root.account);
    char *txt = json_dumps(j, JSON_INDENT(2));
    json_decref(j);
    nb_buf_t b = NB_BUF_INIT;
    nb_buf_printf(&b, "%s\n", txt);
    free(txt);
    int w = nb_write_file_replace(path, b.data, b.len, 0600, sync_dir ? 1 : 2);
    nb_buf_free(&b);
    if (w != 0) {
        fprintf(stderr, "nimbus: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    root_ident();
    return 0;
}

int auth_creds_init(nb_ctx_t *ctx)
{
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/credentials.json", ctx->cfg->data_dir);
    auth_creds_changed();
    int rc = load_root(path);
    if (rc == -2) {
        fprintf(stderr, "nimbus: %s is not a valid credentials file\n", path);
        return -1;
    }
    if (rc == 0) {
        chmod(path, 0600);
        root_ident();
        return 0;
    }
    if (create_root(ctx, path, 1) != 0) return -1;
    auth_creds_announce(ctx);
    return 0;
}

int auth_creds_create(nb_ctx_t *ctx)
{
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/credentials.json", ctx->cfg->data_dir);
    if (access(path, F_OK) == 0) return 0;
    return create_root(ctx, path, 0) == 0 ? 1 : -1;
}

void auth_creds_announce(nb_ctx_t *ctx)
{
    printf("root credentials: %s (stored in %s/credentials.json)\n", root.access_key, ctx->cfg->data_dir);
}

const char *auth_root_access_key(void) { return root.access_key; }
const char *auth_root_arn(void) { return root.arn; }
const auth_ident_t *auth_creds_root(void) { return &root.ident; }

/* ---- policies of an entity ------------------------------------------------ */

typedef struct pol_vec {
    iam_policy_t **v;
    size_t n, cap;
} pol_vec_t;

static void vec_add_text(pol_vec_t *pv, const char *text)
{
    if (!text) return;
    char err[64];
    iam_policy_t *p = iam_policy_cache_get(text, strlen(text), IAM_POLICY_IDENTITY, err, sizeof err);
    if (!p) return;   /* validated when written; a bad one grants nothing */
    if (pv->n == pv->cap) {
        pv->cap = pv->cap ? pv->cap * 2 : 4;
        pv->v = nb_xrealloc(pv->v, sizeof *pv->v * pv->cap);
    }
    pv->v[pv->n++] = p;
}

static json_t *get_doc(store_txn_t *t, const char *ks, const char *key)
{
    const void *v;
    size_t vl;
    if (store_get(t, ks, key, strlen(key), &v, &vl) != STORE_OK) return NULL;
    return json_loadb(v, vl, 0, NULL);
}

/* The default version of managed policy arn, added to pv. */
static void add_managed(store_txn_t *t, const char *arn, pol_vec_t *pv)
{
    const iam_aws_policy_t *aws = iam_aws_policy_by_arn(arn);
    if (aws) {   /* AWS managed: the document is data, not state */
        vec_add_text(pv, aws->document);
        return;
    }
    json_t *mp = arn ? get_doc(t, AUTH_KS_POLICIES, arn) : NULL;
    if (!mp) return;
    const char *dv = json_string_value(json_object_get(mp, "DefaultVersionId"));
    size_t j;
    json_t *ver;
    json_array_foreach(json_object_get(mp, "Versions"), j, ver) {
        const char *id = json_string_value(json_object_get(ver, "VersionId"));
        if (dv && id && strcmp(dv, id) == 0) vec_add_text(pv, json_string_value(json_object_get(ver, "Document")));
    }
    json_decref(mp);
}

/* Inline "Policies" and "Attached" managed policies (default versions) of doc. */
static void add_entity_policies(store_txn_t *t, json_t *doc, pol_vec_t *pv)
{
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(doc, "Policies"), k, v) vec_add_text(pv, json_string_value(v));
    size_t i;
    json_array_foreach(json_object_get(doc, "Attached"), i, v) add_managed(t, json_string_value(v), pv);
}

/* The entity's permissions boundary into *out / *n (nothing when it has none). */
static void entity_boundary(store_txn_t *t, const char *ks, const char *name, iam_policy_t ***out, size_t *n)
{
    json_t *d = name ? get_doc(t, ks, name) : NULL;
    const char *arn = json_string_value(json_object_get(d, "PermissionsBoundary"));
    if (arn) {
        pol_vec_t pv = {0};
        add_managed(t, arn, &pv);
        *out = pv.v;
        *n = pv.n;
    }
    json_decref(d);
}

static int user_policies(store_txn_t *t, const char *user, pol_vec_t *pv, json_t **doc_out)
{
    json_t *u = get_doc(t, AUTH_KS_USERS, user);
    if (!u) return -1;
    add_entity_policies(t, u, pv);
    size_t i;
    json_t *g;
    json_array_foreach(json_object_get(u, "Groups"), i, g) {
        const char *gn = json_string_value(g);
        json_t *gd = gn ? get_doc(t, AUTH_KS_GROUPS, gn) : NULL;
        if (gd) add_entity_policies(t, gd, pv);
        json_decref(gd);
    }
    if (doc_out) *doc_out = u;
    else json_decref(u);
    return 0;
}

static int role_policies(store_txn_t *t, const char *role, pol_vec_t *pv, json_t **doc_out)
{
    json_t *r = get_doc(t, AUTH_KS_ROLES, role);
    if (!r) return -1;
    add_entity_policies(t, r, pv);
    if (doc_out) *doc_out = r;
    else json_decref(r);
    return 0;
}

/* An entity's Tags ([{Key, Value}]) as {key: value}, then the session's
 * tags ({key: value}) over them — a session tag replaces an entity tag
 * whose key differs only in case, as AWS's keys are case-insensitive.
 * NULL when there are none. */
static json_t *principal_tags(const json_t *entity, const json_t *session)
{
    json_t *out = json_object();
    size_t i;
    json_t *tg;
    json_array_foreach(json_object_get(entity, "Tags"), i, tg) {
        const char *k = json_string_value(json_object_get(tg, "Key"));
        const char *v = json_string_value(json_object_get(tg, "Value"));
        if (k && v) json_object_set_new(out, k, json_string(v));
    }
    const char *sk;
    json_t *sv;
    json_object_foreach((json_t *)session, sk, sv) {
        const char *k;
        json_t *v;
        void *tmp;
        json_object_foreach_safe(out, tmp, k, v)
            if (strcasecmp(k, sk) == 0) json_object_del(out, k);
        if (json_is_string(sv)) json_object_set(out, sk, sv);
    }
    if (json_object_size(out) == 0) {
        json_decref(out);
        return NULL;
    }
    return out;
}

int auth_creds_role_policies(store_txn_t *t, const char *role, iam_policy_t ***out, size_t *n)
{
    pol_vec_t pv = {*out, *n, *n};
    int rc = role_policies(t, role, &pv, NULL);
    *out = pv.v;
    *n = pv.n;
    return rc;
}

void auth_creds_role_boundary(store_txn_t *t, const char *role, iam_policy_t ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    entity_boundary(t, AUTH_KS_ROLES, role, out, n);
}

/* ---- resolution ----------------------------------------------------------- */

/* A federated session of root: root may do anything, its session policies narrow it. */
static const char FEDERATED_ROOT_POLICY[] =
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}";
/* A session policy that allows nothing (NotAction "*" matches no action). */
static const char FEDERATED_NO_POLICY[] =
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"NotAction\":\"*\",\"Resource\":\"*\"}]}";

static char *dup_str(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? nb_xstrdup(s) : NULL;
}

static void ident_free(auth_ident_t *id)
{
    if (!id) return;
    free(id->secret);
    free(id->token);
    free(id->arn);
    free(id->role_arn);
    free(id->username);
    free(id->userid);
    for (size_t i = 0; i < id->n_identity; i++) iam_policy_free(id->identity[i]);
    for (size_t i = 0; i < id->n_session; i++) iam_policy_free(id->session[i]);
    for (size_t i = 0; i < id->n_boundary; i++) iam_policy_free(id->boundary[i]);
    free(id->identity);
    free(id->session);
    free(id->boundary);
    json_decref(id->tags);
    free(id);
}

static auth_ident_t *resolve_user_key(store_txn_t *t, const char *ak)
{
    json_t *k = get_doc(t, AUTH_KS_KEYS, ak);
    if (!k) return NULL;
    const char *user = json_string_value(json_object_get(k, "UserName"));
    const char *status = json_string_value(json_object_get(k, "Status"));
    pol_vec_t pv = {0};
    json_t *u = NULL;
    auth_ident_t *id = NULL;
    if (user && (!status || strcmp(status, "Active") == 0) && user_policies(t, user, &pv, &u) == 0) {
        id = nb_xcalloc(1, sizeof *id);
        id->secret = dup_str(k, "SecretAccessKey");
        id->type = IAM_PRINCIPAL_USER;
        id->arn = dup_str(u, "Arn");
        id->username = nb_xstrdup(user);
        id->userid = dup_str(u, "UserId");
        id->identity = pv.v;
        id->n_identity = pv.n;
        entity_boundary(t, AUTH_KS_USERS, user, &id->boundary, &id->n_boundary);
        id->tags = principal_tags(u, NULL);
        json_decref(u);
        if (!id->secret || !id->arn) {
            ident_free(id);
            id = NULL;
        }
    } else {
        for (size_t i = 0; i < pv.n; i++) iam_policy_free(pv.v[i]);
        free(pv.v);
    }
    json_decref(k);
    return id;
}

static auth_ident_t *resolve_session(store_txn_t *t, const char *ak)
{
    json_t *s = get_doc(t, AUTH_KS_SESSIONS, ak);
    if (!s) return NULL;
    const char *kind = json_string_value(json_object_get(s, "Kind"));
    pol_vec_t pv = {0}, sv = {0};
    auth_ident_t *id = nb_xcalloc(1, sizeof *id);
    id->secret = dup_str(s, "SecretAccessKey");
    id->token = dup_str(s, "SessionToken");
    id->expires_ms = (int64_t)json_integer_value(json_object_get(s, "Expiration"));
    id->arn = dup_str(s, "Arn");
    id->userid = dup_str(s, "UserId");
    int ok = id->secret && id->token && id->arn && kind;
    if (ok && strcmp(kind, "role") == 0) {
        id->type = IAM_PRINCIPAL_ASSUMED_ROLE;
        id->role_arn = dup_str(s, "RoleArn");
        const char *rn = json_string_value(json_object_get(s, "RoleName"));
        json_t *role = NULL;
        ok = rn && id->role_arn && role_policies(t, rn, &pv, &role) == 0;
        if (ok) entity_boundary(t, AUTH_KS_ROLES, rn, &id->boundary, &id->n_boundary);
        if (ok) id->tags = principal_tags(role, json_object_get(s, "Tags"));
        json_decref(role);
    } else if (ok && strcmp(kind, "user") == 0) {
        id->type = IAM_PRINCIPAL_USER;
        id->username = dup_str(s, "UserName");
        json_t *user = NULL;
        ok = id->username && user_policies(t, id->username, &pv, &user) == 0;
        if (ok) entity_boundary(t, AUTH_KS_USERS, id->username, &id->boundary, &id->n_boundary);
        if (ok) id->tags = principal_tags(user, NULL);
        json_decref(user);
    } else if (ok && strcmp(kind, "root") == 0) {
        id->type = IAM_PRINCIPAL_ROOT;
    } else if (ok && strcmp(kind, "federated") == 0) {
        /* GetFederationToken: the issuing user's policies (root's: all) ∩ the session policies */
        id->type = IAM_PRINCIPAL_USER;
        const char *owner = json_string_value(json_object_get(s, "UserName"));
        if (owner) {
            ok = user_policies(t, owner, &pv, NULL) == 0;
            if (ok) entity_boundary(t, AUTH_KS_USERS, owner, &id->boundary, &id->n_boundary);
        } else {
            vec_add_text(&pv, FEDERATED_ROOT_POLICY);
        }
        id->tags = principal_tags(NULL, json_object_get(s, "Tags"));
        size_t i;
        json_t *arn;
        json_array_foreach(json_object_get(s, "PolicyArns"), i, arn) add_managed(t, json_string_value(arn), &sv);
        if (!json_string_value(json_object_get(s, "Policy")) && !sv.n)
            vec_add_text(&sv, FEDERATED_NO_POLICY);   /* no session policy: no permissions */
    } else {
        ok = 0;
    }
    id->identity = pv.v;
    id->n_identity = pv.n;
    const char *sp = json_string_value(json_object_get(s, "Policy"));
    if (sp) {
        vec_add_text(&sv, sp);
        if (!sv.n) ok = 0;   /* a session policy that no longer parses grants nothing */
    }
    id->session = sv.v;
    id->n_session = sv.n;
    json_decref(s);
    if (!ok) {
        ident_free(id);
        return NULL;
    }
    return id;
}

static unsigned slot_of(const char *ak)
{
    unsigned h = 2166136261u;
    for (const char *p = ak; *p; p++) h = (h ^ (unsigned char)*p) * 16777619u;
    return h % (CACHE_SLOTS / CACHE_WAYS) * CACHE_WAYS;   /* the set's first slot */
}

const auth_ident_t *auth_creds_lookup(nb_ctx_t *ctx, const char *access_key)
{
    if (!access_key || !*access_key || strlen(access_key) >= sizeof root.access_key) return NULL;
    if (root.access_key[0] && strcmp(access_key, root.access_key) == 0) return &root.ident;
    unsigned set = slot_of(access_key), s = set;
    for (unsigned w = 0; w < CACHE_WAYS; w++)
        if (cache[set + w] && strcmp(cache[set + w]->access_key, access_key) == 0) {
            cache_stamp[set + w] = ++cache_tick;
            return cache[set + w];
        }
    for (unsigned w = 1; w < CACHE_WAYS && cache[s]; w++)
        if (!cache[set + w] || cache_stamp[set + w] < cache_stamp[s]) s = set + w;
    if (!ctx || !ctx->store) return NULL;
    store_txn_t *t;
    if (store_begin(ctx->store, STORE_READ, &t) != STORE_OK) return NULL;
    auth_ident_t *id = strncmp(access_key, "ASIA", 4) == 0 ? resolve_session(t, access_key)
                                                           : resolve_user_key(t, access_key);
    store_abort(t);
    if (!id) return NULL;
    snprintf(id->access_key, sizeof id->access_key, "%s", access_key);
    ident_free(cache[s]);
    cache[s] = id;
    cache_stamp[s] = ++cache_tick;
    return id;
}

void auth_creds_changed(void)
{
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        ident_free(cache[i]);
        cache[i] = NULL;
    }
}
