/* record.c — Lambda's records in the store, and its error replies.
 *
 * Records are JSON text (layout in lambda_int.h). Writes are acknowledged to
 * the client only from the store's durability callback (commit_reply). */
#include "lambda/lambda_int.h"
#include "core/alloc.h"
#include "core/log.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lambda__err(nb_req_t *req, nb_err_t code, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const char *type = nb_error_row(code)->fault == NB_FAULT_RECEIVER ? "Service" : "User";
    nb_reply_error_extra(req, code, json_pack("{s:s}", "Type", type), "%s", msg);
}

void lambda__err_not_found_fn(nb_req_t *req, const char *name, const char *qual)
{
    char *arn = lambda__fn_arn(name, qual);
    lambda__err(req, LAMBDA_ERR_NOT_FOUND, "Function not found: %s", arn);
    free(arn);
}

json_t *lambda__get_json(store_txn_t *t, const char *ks, const void *key, size_t klen)
{
    const void *v;
    size_t vl;
    if (store_get(t, ks, key, klen, &v, &vl) != STORE_OK) return NULL;
    json_error_t e;
    json_t *j = json_loadb(v, vl, 0, &e);
    if (!j) nb_log_error("lambda", "corrupt record in %s: %s", ks, e.text);
    return j;
}

int lambda__put_json(store_txn_t *t, const char *ks, const void *key, size_t klen, json_t *v)
{
    char *s = json_dumps(v, JSON_COMPACT);
    if (!s) return STORE_ERR_INVALID;
    int rc = store_put(t, ks, key, klen, s, strlen(s));
    free(s);
    return rc;
}

json_t *lambda__get_fn(store_txn_t *t, const char *name)
{
    return lambda__get_json(t, LAMBDA_KS_FN, name, strlen(name));
}

json_t *lambda__get_fn_version(store_txn_t *t, const char *name, const char *qual, char **version_out)
{
    const char *ver = qual;
    json_t *alias = NULL;
    if (!*qual) ver = "$LATEST";
    if (!lambda__is_version(ver)) {
        nb_buf_t k = NB_BUF_INIT;
        lambda__pair_key(&k, name, qual);
        alias = lambda__get_json(t, LAMBDA_KS_ALIAS, k.data, k.len);
        nb_buf_free(&k);
        if (!alias) return NULL;
        ver = json_string_value(json_object_get(alias, "FunctionVersion"));
        if (!ver) { json_decref(alias); return NULL; }
    }
    json_t *rec;
    if (strcmp(ver, "$LATEST") == 0) {
        rec = lambda__get_fn(t, name);
    } else {
        nb_buf_t k = NB_BUF_INIT;
        lambda__ver_key(&k, name, (unsigned)strtoul(ver, NULL, 10));
        rec = lambda__get_json(t, LAMBDA_KS_VER, k.data, k.len);
        nb_buf_free(&k);
    }
    if (rec && version_out) *version_out = nb_xstrdup(ver);
    json_decref(alias);
    return rec;
}

store_txn_t *lambda__begin(nb_req_t *req, int write)
{
    store_txn_t *t = NULL;
    if (store_begin(req->ctx->store, write ? STORE_WRITE : STORE_READ, &t) != STORE_OK) {
        lambda__err(req, LAMBDA_ERR_SERVICE, "storage unavailable");
        return NULL;
    }
    return t;
}

typedef struct commit_reply {
    nb_req_t *req;
    int status;
    json_t *body;
    void (*after)(void *arg, int ok);
    void *after_arg;
    char *prewarm;        /* function to pre-initialize once durable, or NULL */
} commit_reply_t;

static void on_durable(void *arg, int status)
{
    commit_reply_t *c = arg;
    /* before the reply: a client that saw it sees the files gone too */
    if (c->after) c->after(c->after_arg, status == STORE_OK);
    if (status != STORE_OK) {
        lambda__err(c->req, LAMBDA_ERR_SERVICE, "storage failure");
        json_decref(c->body);
    } else if (!c->body) {
        nb_reply(c->req, c->status, NULL, "", 0);
    } else {
        nb_reply_json(c->req, c->status, c->body);
    }
    if (status == STORE_OK && c->prewarm) lambda__prewarm(c->prewarm);
    free(c->prewarm);
    free(c);
}

void lambda__commit_reply_full(nb_req_t *req, store_txn_t *t, int status, json_t *body,
                               void (*after)(void *arg, int ok), void *arg, const char *prewarm)
{
    commit_reply_t *c = nb_xmalloc(sizeof *c);
    c->req = req;
    c->status = status;
    c->body = body;
    c->after = after;
    c->after_arg = arg;
    c->prewarm = prewarm ? nb_xstrdup(prewarm) : NULL;
    int rc = store_commit(t, on_durable, c);
    if (rc != STORE_OK) {
        if (rc == STORE_ERR_FULL)
            lambda__err(req, LAMBDA_ERR_CODE_STORAGE, "Code storage limit exceeded.");
        else
            lambda__err(req, LAMBDA_ERR_SERVICE, "storage failure");
        json_decref(body);
        if (after) after(arg, 0);
        free(c->prewarm);
        free(c);
    }
}

void lambda__commit_reply_then(nb_req_t *req, store_txn_t *t, int status, json_t *body,
                               void (*after)(void *arg, int ok), void *arg)
{
    lambda__commit_reply_full(req, t, status, body, after, arg, NULL);
}

void lambda__commit_reply_prewarm(nb_req_t *req, store_txn_t *t, int status, json_t *body, const char *prewarm)
{
    lambda__commit_reply_full(req, t, status, body, NULL, NULL, prewarm);
}

void lambda__commit_reply(nb_req_t *req, store_txn_t *t, int status, json_t *body)
{
    lambda__commit_reply_full(req, t, status, body, NULL, NULL, NULL);
}
