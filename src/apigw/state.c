/* state.c — API Gateway's state: the in-memory documents, their load from and
 * write-through to the store, ids, timestamps and shared lookups.
 * Invariant: apigw__svc.apis/keys/plans equal what the store holds once every
 * pending commit is durable; the loop thread alone touches them. */
#include "apigw/apigw_int.h"
#include "core/alloc.h"
#include "core/log.h"
#include "core/util.h"
#include "store/store.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

apigw_svc_t apigw__svc;

static int load_one(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
    (void)arg;
    if (klen < 3 || ((const char *)key)[1] != '/') return 0;
    json_error_t e;
    json_t *doc = json_loadb(val, vlen, 0, &e);
    if (!doc) {
        nb_log_error("apigw", "corrupt record: %s", e.text);
        return 0;
    }
    char id[300];
    snprintf(id, sizeof id, "%.*s", (int)(klen - 2), (const char *)key + 2);
    char kind = ((const char *)key)[0];
    json_t *into = kind == 'a' ? apigw__svc.apis : kind == 'k' ? apigw__svc.keys : kind == 'p' ? apigw__svc.plans
                 : kind == 'd' ? apigw__svc.domains : kind == 'x' ? apigw__svc.certs
                 : kind == 'l' ? apigw__svc.links : kind == 'L' ? apigw__svc.links2 : NULL;
    if (into) {
        json_object_set_new(into, id, doc);
    } else if (kind == 'c' && strcmp(id, "account") == 0 && json_is_object(doc)) {
        json_decref(apigw__svc.account);
        apigw__svc.account = doc;
    } else {
        json_decref(doc);
    }
    return 0;
}

int apigw__state_load(nb_ctx_t *ctx)
{
    apigw__svc.ctx = ctx;
    apigw__svc.apis = json_object();
    apigw__svc.keys = json_object();
    apigw__svc.plans = json_object();
    apigw__svc.account = json_object();
    apigw__svc.domains = json_object();
    apigw__svc.certs = json_object();
    apigw__svc.links = json_object();
    apigw__svc.links2 = json_object();
    const char *ep = ctx->cfg->endpoint_url;
    const char *colon = ep ? strrchr(ep, ':') : NULL;
    apigw__svc.port = colon ? atoi(colon + 1) : ctx->cfg->listen_port;
    if (!ctx->store) return 0;
    store_txn_t *t;
    if (store_begin(ctx->store, STORE_READ, &t) != STORE_OK) return -1;
    /* every record but the usage counters ("u/…", quota.c loads them when first needed) */
    store_scan(t, APIGW_KS, NULL, 0, "u/", 2, 0, load_one, NULL);
    store_scan(t, APIGW_KS, "u0", 2, NULL, 0, 0, load_one, NULL);   /* '0' follows '/' */
    store_abort(t);
    nb_log_info("apigw", "ready: %zu APIs, %zu API keys, %zu usage plans", json_object_size(apigw__svc.apis),
                json_object_size(apigw__svc.keys), json_object_size(apigw__svc.plans));
    return 0;
}

void apigw__state_free(void)
{
    json_decref(apigw__svc.apis);
    json_decref(apigw__svc.keys);
    json_decref(apigw__svc.plans);
    json_decref(apigw__svc.account);
    json_decref(apigw__svc.domains);
    json_decref(apigw__svc.certs);
    json_decref(apigw__svc.links);
    json_decref(apigw__svc.links2);
    apigw__svc.certs = apigw__svc.links = apigw__svc.links2 = NULL;
    apigw__svc.apis = apigw__svc.keys = apigw__svc.plans = apigw__svc.account = apigw__svc.domains = NULL;
}

void apigw__new_id(char *out, size_t n)
{
    static const char al[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    unsigned char r[64];
    if (n > sizeof r) n = sizeof r;
    nb_random_bytes(r, n);
    for (size_t i = 0; i < n; i++) out[i] = al[r[i] % 36];
    out[n] = 0;
}

json_t *apigw__iso_now(void)
{
    time_t t = (time_t)(nb_wall_ms() / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    char b[32];
    strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return json_string(b);
}

json_t *apigw__epoch_now(void)
{
    return json_integer((json_int_t)(nb_wall_ms() / 1000));
}

typedef struct save_ctx {
    nb_req_t *req;
    int status;
    json_t *body;
} save_ctx_t;

static void reply_now(nb_req_t *req, int status, json_t *body)
{
    if (body) nb_reply_json(req, status, body);
    else nb_reply(req, status, "application/json", "", 0);
}

static void on_durable(void *arg, int status)
{
    save_ctx_t *c = arg;
    if (status != STORE_OK) {
        json_decref(c->body);
        nb_reply_error(c->req, NB_ERR_INTERNAL, "storage failure");
    } else {
        reply_now(c->req, c->status, c->body);
    }
    free(c);
}

void apigw__save_reply(nb_req_t *req, char kind, const char *id, json_t *doc, int status, json_t *body)
{
    apigw_rec_t rec = { kind, id, doc };
    apigw__save_many_reply(req, &rec, 1, status, body);
}

void apigw__save_many_reply(nb_req_t *req, const apigw_rec_t *recs, size_t n, int status, json_t *body)
{
    apigw__svc.gen++;
    store_t *st = req->ctx->store;
    if (!st) {
        reply_now(req, status, body);
        return;
    }
    store_txn_t *t;
    if (store_begin(st, STORE_WRITE, &t) != STORE_OK) {
        json_decref(body);
        nb_reply_error(req, NB_ERR_INTERNAL, "storage unavailable");
        return;
    }
    int rc = STORE_OK;
    for (size_t i = 0; i < n && rc == STORE_OK; i++) {
        char key[300];
        int kl = snprintf(key, sizeof key, "%c/%s", recs[i].kind, recs[i].id);
        if (recs[i].doc) {
            char *s = json_dumps(recs[i].doc, JSON_COMPACT);
            rc = s ? store_put(t, APIGW_KS, key, (size_t)kl, s, strlen(s)) : STORE_ERR_INVALID;
            free(s);
        } else {
            rc = store_del(t, APIGW_KS, key, (size_t)kl);
            if (rc == STORE_NOTFOUND) rc = STORE_OK;
        }
    }
    if (rc != STORE_OK) {
        store_abort(t);
        json_decref(body);
        nb_reply_error(req, NB_ERR_INTERNAL, "storage failure");
        return;
    }
    save_ctx_t *c = nb_xmalloc(sizeof *c);
    c->req = req;
    c->status = status;
    c->body = body;
    if (store_commit(t, on_durable, c) != STORE_OK) {
        free(c);
        json_decref(body);
        nb_reply_error(req, NB_ERR_INTERNAL, "storage failure");
    }
}

json_t *apigw__api_or_404(nb_req_t *req, const char *id, const char *kind)
{
    json_t *doc = id ? json_object_get(apigw__svc.apis, id) : NULL;
    if (!doc || strcmp(json_string_value(json_object_get(doc, "kind")), kind) != 0) {
        nb_reply_error(req, APIGW_ERR_NOT_FOUND, "Invalid API identifier specified %s:%s", req->ctx->cfg->account,
                       id ? id : "");
        return NULL;
    }
    return doc;
}

json_t *apigw__child_or_404(nb_req_t *req, json_t *doc, const char *coll, const char *id, const char *what)
{
    json_t *c = id ? json_object_get(json_object_get(doc, coll), id) : NULL;
    if (!c) {
        nb_reply_error(req, APIGW_ERR_NOT_FOUND, "Invalid %s identifier specified", what);
        return NULL;
    }
    return c;
}

json_t *apigw__param_or_404(nb_req_t *req, json_t *map, const char *param, const char *what, const char **id)
{
    const char *p = nb_req_param(req, param);
    *id = nb_arena_strdup(req->arena, p ? p : "");
    json_t *m = json_object_get(map, *id);
    if (!m) nb_reply_error(req, APIGW_ERR_NOT_FOUND, "Invalid %s identifier specified", what);
    return m;
}

const char *apigw__rest_id(nb_req_t *req)
{
    const char *p = nb_req_param(req, "restapi_id");
    return nb_arena_strdup(req->arena, p ? p : "");
}

int apigw__op_on(const char *op, const char *noun)
{
    static const char *const verbs[] = {"Create", "Get", "Update", "Delete", NULL};
    for (size_t v = 0; verbs[v]; v++) {
        size_t vl = strlen(verbs[v]), cl = strlen(noun);
        if (strncmp(op, verbs[v], vl) != 0 || strncmp(op + vl, noun, cl) != 0) continue;
        const char *rest = op + vl + cl;
        return !*rest || (rest[0] == 's' && !rest[1]);
    }
    return 0;
}

int apigw__patch_paths_only(nb_req_t *req, json_t *ops, const char *const *paths)
{
    size_t i;
    json_t *op;
    json_array_foreach(ops, i, op) {
        const char *path = json_string_value(json_object_get(op, "path"));
        if (!apigw__in_list(paths, path)) {
            nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid patch path %s", path ? path : "");
            return -1;
        }
    }
    return 0;
}

json_t *apigw__list(json_t *obj, const char *key)
{
    size_t n = json_object_size(obj), i = 0;
    const char **names = nb_xmalloc(sizeof *names * (n ? n : 1));
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v) names[i++] = k;
    qsort(names, n, sizeof *names, nb_cmp_str);
    json_t *arr = json_array();
    for (i = 0; i < n; i++) json_array_append_new(arr, apigw__public(json_object_get(obj, names[i])));
    free(names);
    return json_pack("{s:o}", key, arr);
}

void apigw__json_union(json_t *into, json_t *from)
{
    size_t i, j;
    json_t *v, *w;
    json_array_foreach(from, i, v) {
        int seen = 0;
        json_array_foreach(into, j, w) seen |= json_equal(v, w);
        if (!seen) json_array_append(into, v);
    }
}

json_t *apigw__public(json_t *item)
{
    json_t *out = json_object();
    const char *k;
    json_t *v;
    json_object_foreach(item, k, v)
        if (k[0] != '_') json_object_set(out, k, v);
    return out;
}

const char *apigw__lambda_target(nb_arena_t *a, const char *uri)
{
    if (!uri) return NULL;
    const char *p = strstr(uri, "/functions/");
    if (p && strstr(uri, ":lambda:path/")) {
        p += 11;
        const char *e = strstr(p, "/invocations");
        if (!e) e = p + strlen(p);
        return nb_arena_strndup(a, p, (size_t)(e - p));
    }
    if (strncmp(uri, "arn:aws:lambda:", 15) == 0) return nb_arena_strdup(a, uri);
    if (strncmp(uri, "arn:", 4) == 0 || strstr(uri, "://")) return NULL;
    return nb_arena_strdup(a, uri);
}

json_t *apigw__endpoint(const char *api_id)
{
    const char *ep = apigw__svc.ctx ? apigw__svc.ctx->cfg->endpoint_url : "";
    const char *colon = strrchr(ep, ':');
    int port = colon && colon > ep + 5 ? atoi(colon + 1) : apigw__svc.port;
    char b[160];
    snprintf(b, sizeof b, "http://%s.execute-api.localhost:%d", api_id, port);
    return json_string(b);
}
