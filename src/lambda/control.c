/* control.c — the function resource: CreateFunction, GetFunction,
 * GetFunctionConfiguration, ListFunctions, UpdateFunctionCode,
 * UpdateFunctionConfiguration, DeleteFunction.
 *
 * Creation and updates are synchronous here (code is unpacked before the
 * reply), so a function is reported State "Active" / LastUpdateStatus
 * "Successful" at once: the SDK waiters function_active_v2 and
 * function_updated_v2 succeed on their first poll. */
#include "lambda/lambda_int.h"
#include "core/alloc.h"
#include "core/util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <openssl/crypto.h>

int lambda__req_fn(nb_req_t *req, char name[LAMBDA_NAME_MAX + 1], char qual[130])
{
    const char *fn = nb_req_param(req, "FunctionName");
    int rc = fn ? lambda__parse_fn(fn, name, qual) : -1;
    if (rc == -2) {
        lambda__err(req, LAMBDA_ERR_NOT_FOUND, "Function not found: %s", fn);
        return -1;
    }
    if (rc != 0) {
        lambda__err(req, LAMBDA_ERR_VALIDATION,
                    "1 validation error detected: Value '%s' at 'functionName' failed to satisfy constraint: "
                    "Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?"
                    "([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?",
                    fn ? fn : "");
        return -1;
    }
    const char *q = nb_req_qparam(req, "Qualifier");
    if (q && *q) {
        if (!lambda__valid_qualifier(q)) {
            lambda__err(req, LAMBDA_ERR_VALIDATION,
                        "1 validation error detected: Value '%s' at 'qualifier' failed to satisfy constraint: "
                        "Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)", q);
            return -1;
        }
        if (*qual && strcmp(qual, q) != 0) {
            lambda__err(req, LAMBDA_ERR_INVALID_PARAM,
                        "The derived qualifier from the function name does not match the specified qualifier.");
            return -1;
        }
        snprintf(qual, 130, "%s", q);
    }
    return 0;
}

void lambda__touch(json_t *cfg)
{
    char ts[40], rev[37];
    nb_iso8601_lambda(nb_wall_ms(), ts, sizeof ts);
    nb_uuid4(rev);
    json_object_set_new(cfg, "LastModified", json_string(ts));
    json_object_set_new(cfg, "RevisionId", json_string(rev));
}

static json_t *new_cfg(const char *name)
{
    char *arn = lambda__fn_arn(name, NULL);
    char group[100];
    snprintf(group, sizeof group, "/aws/lambda/%s", name);
    json_t *cfg = json_pack("{s:s,s:s,s:s,s:i,s:i,s:s,s:{s:s},s:s,s:s,s:s,s:s,s:[s],s:{s:i},"
                            "s:{s:s,s:s},s:{s:s,s:s},s:s}",
                            "FunctionName", name, "FunctionArn", arn, "Description", "",
                            "Timeout", 3, "MemorySize", 128, "Version", "$LATEST",
                            "TracingConfig", "Mode", "PassThrough",
                            "State", "Active", "LastUpdateStatus", "Successful",
                            "PackageType", "Zip", "Handler", "",
                            "Architectures", "x86_64", "EphemeralStorage", "Size", 512,
                            "SnapStart", "ApplyOn", "None", "OptimizationStatus", "Off",
                            "LoggingConfig", "LogFormat", "Text", "LogGroup", group,
                            "Runtime", "");
    free(arn);
    return cfg;
}

static json_t *response_cfg(json_t *rec)
{
    return json_deep_copy(json_object_get(rec, "cfg"));
}

/* CreateFunction in three steps: validate everything (a read of the store,
 * nothing written), unpack the package off the loop (upload.c), then check and
 * write again in one transaction — the function may have been created
 * meanwhile, or a layer deleted. up == NULL: the validation step. 0, or -1
 * after replying. */
static int create_txn(nb_req_t *req, const char *name, const lambda_upload_t *up)
{
    json_t *body = req->json;
    store_txn_t *t = lambda__begin(req, up != NULL);
    if (!t) return -1;
    json_t *old = lambda__get_fn(t, name);
    if (old) {
        json_decref(old);
        store_abort(t);
        lambda__err(req, LAMBDA_ERR_CONFLICT, "Function already exist: %s", name);
        return -1;
    }
    json_t *cfg = new_cfg(name);
    if (lambda__apply_config(req, t, body, cfg, 1) != 0) {
        json_decref(cfg);
        store_abort(t);
        return -1;
    }
    json_t *tags = json_object_get(body, "Tags");
    if (tags && !json_is_object(tags)) {
        json_decref(cfg);
        store_abort(t);
        lambda__err(req, LAMBDA_ERR_INVALID_PARAM, "Tags must be a map");
        return -1;
    }
    if (!up) {
        json_decref(cfg);
        store_abort(t);
        return 0;
    }
    json_object_set_new(cfg, "CodeSha256", json_string(up->b64));
    json_object_set_new(cfg, "CodeSize", json_integer((json_int_t)up->size));
    lambda__touch(cfg);
    json_t *rec = json_pack("{s:o,s:{s:s,s:I},s:O,s:i}", "cfg", cfg, "code", "sha", up->hex, "size",
                            (json_int_t)up->size, "tags", tags ? tags : json_object(), "next_ver", 1);
    if (!tags) json_decref(json_object_get(rec, "tags"));
    json_t *reply = response_cfg(rec);
    if (json_is_true(json_object_get(body, "Publish"))) {
        json_decref(reply);
        reply = lambda__publish(t, name, rec, NULL);
    }
    if (lambda__put_json(t, LAMBDA_KS_FN, name, strlen(name), rec) != STORE_OK) {
        json_decref(rec);
        json_decref(reply);
        store_abort(t);
        lambda__err(req, LAMBDA_ERR_SERVICE, "storage failure");
        return -1;
    }
    json_decref(rec);
    lambda__pool_invalidate(name, NULL);
    lambda__commit_reply_prewarm(req, t, 201, reply, name);
    return 0;
}

static void on_create_unpacked(nb_req_t *req, const lambda_upload_t *up, void *arg)
{
    char *name = arg;
    if (!up->ok) lambda__err(req, up->err, "%s", up->msg);
    else create_txn(req, name, up);
    free(name);
}

static void create_upload(nb_req_t *req, void *arg)
{
    json_t *code = json_object_get(req->json, "Code");
    size_t len;
    const char *zip = lambda__zipfile_b64(req, code ? code : req->json, &len);   /* checked before */
    lambda__upload(req, zip, len, 0, arg, on_create_unpacked, arg);
}

void lambda__op_create_function(nb_req_t *req)
{
    json_t *body = req->json;
    const char *name_in = json_string_value(json_object_get(body, "FunctionName"));
    char name[LAMBDA_NAME_MAX + 1], qual[130];
    if (!name_in || lambda__parse_fn(name_in, name, qual) != 0 || *qual) {
        lambda__err(req, LAMBDA_ERR_VALIDATION,
                    "1 validation error detected: Value '%s' at 'functionName' failed to satisfy constraint: "
                    "Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?"
                    "([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)", name_in ? name_in : "null");
        return;
    }
    const char *pt = json_string_value(json_object_get(body, "PackageType"));
    if (pt && strcmp(pt, "Zip") != 0) {
        lambda__err(req, LAMBDA_ERR_INVALID_PARAM, "nimbus supports PackageType Zip only");
        return;
    }
    if (create_txn(req, name, NULL) != 0) return;
    json_t *code = json_object_get(body, "Code");
    size_t len;
    if (!lambda__zipfile_b64(req, code ? code : body, &len)) return;
    lambda__prepare_layers(req, json_object_get(body, "Layers"), create_upload, nb_xstrdup(name));
}

static void get_function(nb_req_t *req, int config_only)
{
    char name[LAMBDA_NAME_MAX + 1], qual[130];
    if (lambda__req_fn(req, name, qual)) return;
    store_txn_t *t = lambda__begin(req, 0);
    if (!t) return;
    json_t *rec = lambda__get_fn_version(t, name, qual, NULL);
    json_t *fnrec = rec ? lambda__get_fn(t, name) : NULL;
    store_abort(t);
    if (!rec || !fnrec) {
        json_decref(rec);
        json_decref(fnrec);
        lambda__err_not_found_fn(req, name, qual);
        return;
    }
    json_t *cfg = response_cfg(rec);
    if (config_only) {
        nb_reply_json(req, 200, cfg);
    } else {
        nb_buf_t loc = NB_BUF_INIT;
        const char *sha = json_string_value(json_object_get(json_object_get(rec, "code"), "sha"));
        lambda__function_location(&loc, req->ctx->cfg->endpoint_url, name, sha);
        json_t *out = json_pack("{s:o,s:{s:s,s:s}}", "Configuration", cfg, "Code", "RepositoryType", "S3",
                                "Location", loc.data);
        nb_buf_free(&loc);
        json_t *tags = json_object_get(fnrec, "tags");
        if (tags) json_object_set(out, "Tags", tags);
        json_t *res = json_object_get(fnrec, "reserved");
        if (res) json_object_set_new(out, "Concurrency", json_pack("{s:O}", "ReservedConcurrentExecutions", res));
        nb_reply_json(req, 200, out);
    }
    json_decref(rec);
    json_decref(fnrec);
}

void lambda__op_get_function(nb_req_t *req) { get_function(req, 0); }
void lambda__op_get_function_configuration(nb_req_t *req) { get_function(req, 1); }

typedef struct list_ctx {
    store_txn_t *t;
    json_t *out;
    long max;
    int all_versions;
    char next[LAMBDA_NAME_MAX + 1];
} list_ctx_t;

static int list_ver_one(void *arg, const void *k, size_t kl, const void *v, size_t vl)
{
    (void)k; (void)kl;
    json_t *arr = arg;
    json_t *rec = json_loadb(v, vl, 0, NULL);
    if (rec) json_array_append(arr, json_object_get(rec, "cfg"));
    json_decref(rec);
    return 0;
}

static int list_one(void *arg, const void *k, size_t kl, const void *v, size_t vl)
{
    list_ctx_t *c = arg;
    if ((long)json_array_size(c->out) >= c->max) {
        snprintf(c->next, sizeof c->next, "%.*s", (int)kl, (const char *)k);
        return 1;
    }
    json_t *rec = json_loadb(v, vl, 0, NULL);
    if (!rec) return 0;
    json_array_append(c->out, json_object_get(rec, "cfg"));
    json_decref(rec);
    if (c->all_versions) {
        nb_buf_t lo = NB_BUF_INIT, hi = NB_BUF_INIT;
        nb_buf_append(&lo, k, kl); nb_buf_putc(&lo, 0);
        nb_buf_append(&hi, k, kl); nb_buf_putc(&hi, 1);
        store_scan(c->t, LAMBDA_KS_VER, lo.data, lo.len, hi.data, hi.len, 0, list_ver_one, c->out);
        nb_buf_free(&lo); nb_buf_free(&hi);
    }
    return 0;
}

void lambda__op_list_functions(nb_req_t *req)
{
    list_ctx_t c = {0};
    const char *max = nb_req_qparam(req, "MaxItems");
    const char *marker = nb_req_qparam(req, "Marker");
    const char *fv = nb_req_qparam(req, "FunctionVersion");
    c.max = 50;
    if (max) {
        char *end;
        c.max = strtol(max, &end, 10);
        if (*end || c.max < 1 || c.max > 10000) {
            lambda__err(req, LAMBDA_ERR_VALIDATION,
                        "1 validation error detected: Value '%s' at 'maxItems' failed to satisfy constraint: "
                        "Member must have value between 1 and 10000", max);
            return;
        }
    }
    if (fv && strcmp(fv, "ALL") != 0) {
        lambda__err(req, LAMBDA_ERR_VALIDATION,
                    "1 validation error detected: Value '%s' at 'functionVersion' failed to satisfy constraint: "
                    "Member must satisfy enum value set: [ALL]", fv);
        return;
    }
    c.all_versions = fv != NULL;
    store_txn_t *t = lambda__begin(req, 0);
    if (!t) return;
    c.t = t;
    c.out = json_array();
    const char *lo = marker && *marker ? marker : NULL;
    store_scan(t, LAMBDA_KS_FN, lo, lo ? strlen(lo) : 0, NULL, 0, 0, list_one, &c);
    store_abort(t);
    json_t *out = json_pack("{s:o}", "Functions", c.out);
    if (c.next[0]) json_object_set_new(out, "NextMarker", json_string(c.next));
    nb_reply_json(req, 200, out);
}

/* Begin a write txn and load the function record for an update; NULL after replying. */
static json_t *load_for_update(nb_req_t *req, const char *name, store_txn_t **tp)
{
    store_txn_t *t = lambda__begin(req, 1);
    if (!t) return NULL;
    json_t *rec = lambda__get_fn(t, name);
    if (!rec) {
        store_abort(t);
        lambda__err_not_found_fn(req, name, NULL);
        return NULL;
    }
    const char *want = json_string_value(json_object_get(req->json, "RevisionId"));
    const char *have = json_string_value(json_object_get(json_object_get(rec, "cfg"), "RevisionId"));
    if (want && have && strcmp(want, have) != 0) {
        json_decref(rec);
        store_abort(t);
        lambda__err(req, LAMBDA_ERR_PRECONDITION,
                    "The Revision Id provided does not match the latest Revision Id. "
                    "Call the GetFunction/GetAlias API to retrieve the latest Revision Id");
        return NULL;
    }
    *tp = t;
    return rec;
}

/* After a version or the code was replaced or deleted (durable): the
 * packages no record names any more. arg: the function's name (freed). */
static void gc_after(void *arg, int ok)
{
    if (ok) lambda__code_gc(arg);
    free(arg);
}

/* After a function's configuration changed its layers (durable): some may be garbage now. */
static void layers_gc_after(void *arg, int ok)
{
    (void)arg;
    if (ok) lambda__layers_gc();
}

/* After a function was deleted (durable): its packages and unpacked trees
 * (all of them: no record names any), and the layers only it used. */
static void deleted_after(void *arg, int ok)
{
    if (ok) {
        lambda__code_gc(arg);
        lambda__layers_gc();
    }
    free(arg);
}

static void finish_update(nb_req_t *req, store_txn_t *t, const char *name, json_t *rec, int code_changed)
{
    json_t *reply = response_cfg(rec);
    if (json_is_true(json_object_get(req->json, "Publish"))) {
        json_decref(reply);
        reply = lambda__publish(t, name, rec, NULL);
    }
    if (lambda__put_json(t, LAMBDA_KS_FN, name, strlen(name), rec) != STORE_OK) {
        json_decref(rec);
        json_decref(reply);
        store_abort(t);
        lambda__err(req, LAMBDA_ERR_SERVICE, "storage failure");
        return;
    }
    json_decref(rec);
    lambda__pool_invalidate(name, "$LATEST");
    if (code_changed) lambda__commit_reply_full(req, t, 200, reply, gc_after, nb_xstrdup(name), name);
    else if (json_object_get(req->json, "Layers"))
        lambda__commit_reply_full(req, t, 200, reply, layers_gc_after, NULL, name);
    else lambda__commit_reply_prewarm(req, t, 200, reply, name);
}

/* UpdateFunctionCode's last step, once the package is unpacked off the loop:
 * the function is loaded again (it may have changed or gone meanwhile). */
static void on_code_unpacked(nb_req_t *req, const lambda_upload_t *up, void *arg)
{
    char *name = arg;
    store_txn_t *t;
    json_t *rec = NULL;
    if (!up->ok) {
        lambda__err(req, up->err, "%s", up->msg);
    } else if ((rec = load_for_update(req, name, &t))) {
        json_t *cfg = json_object_get(rec, "cfg");
        if (json_is_true(json_object_get(req->json, "DryRun"))) {
            json_t *reply = json_deep_copy(cfg);
            json_object_set_new(reply, "CodeSha256", json_string(up->b64));
            json_object_set_new(reply, "CodeSize", json_integer((json_int_t)up->size));
            json_decref(rec);
            store_abort(t);
            nb_reply_json(req, 200, reply);
        } else {
            json_object_set_new(cfg, "CodeSha256", json_string(up->b64));
            json_object_set_new(cfg, "CodeSize", json_integer((json_int_t)up->size));
            json_object_set_new(rec, "code", json_pack("{s:s,s:I}", "sha", up->hex, "size", (json_int_t)up->size));
            lambda__touch(cfg);
            finish_update(req, t, name, rec, 1);
        }
    }
    free(name);
}

void lambda__op_update_function_code(nb_req_t *req)
{
    char name[LAMBDA_NAME_MAX + 1], qual[130];
    if (lambda__req_fn(req, name, qual)) return;
    if (*qual) {
        lambda__err(req, LAMBDA_ERR_INVALID_PARAM, "Qualifiers are not supported for UpdateFunctionCode");
        return;
    }
    store_txn_t *t;
    json_t *rec = load_for_update(req, name, &t);   /* fail fast: unknown function, stale RevisionId */
    if (!rec) return;
    json_decref(rec);
    store_abort(t);
    size_t len;
    const char *zip = lambda__zipfile_b64(req, req->json, &len);
    if (!zip) return;
    lambda__upload(req, zip, len, 0, name, on_code_unpacked, nb_xstrdup(name));
}

static void update_configuration(nb_req_t *req, void *arg);

/* New layers are merged off the loop first (lambda__prepare_layers), once the
 * request is known to be valid (they are checked again when it is applied). */
void lambda__op_update_function_configuration(nb_req_t *req)
{
    json_t *layers = json_object_get(req->json, "Layers");
    if (json_array_size(layers)) {
        char name[LAMBDA_NAME_MAX + 1], qual[130];
        if (lambda__req_fn(req, name, qual)) return;
        store_txn_t *t;
        json_t *rec = load_for_update(req, name, &t);
        if (!rec) return;
        json_t *cfg = json_deep_copy(json_object_get(rec, "cfg"));
        int bad = lambda__apply_config(req, t, req->json, cfg, 0);
        json_decref(cfg);
        json_decref(rec);
        store_abort(t);
        if (bad) return;
    }
    lambda__prepare_layers(req, layers, update_configuration, NULL);
}

static void update_configuration(nb_req_t *req, void *arg)
{
    (void)arg;
    char name[LAMBDA_NAME_MAX + 1], qual[130];
    if (lambda__req_fn(req, name, qual)) return;
    store_txn_t *t;
    json_t *rec = load_for_update(req, name, &t);
    if (!rec) return;
    json_t *cfg = json_object_get(rec, "cfg");
    if (lambda__apply_config(req, t, req->json, cfg, 0) != 0) {
        json_decref(rec);
        store_abort(t);
        return;
    }
    lambda__touch(cfg);
    finish_update(req, t, name, rec, 0);
}

typedef struct del_ctx { store_txn_t *t; const char *ks; } del_ctx_t;

static int collect_key(void *arg, const void *k, size_t kl, const void *v, size_t vl)
{
    (void)v; (void)vl;
    json_array_append_new(arg, json_stringn(k, kl));
    return 0;
}

static void del_prefix(store_txn_t *t, const char *ks, const char *name)
{
    nb_buf_t lo = NB_BUF_INIT, hi = NB_BUF_INIT;
    nb_buf_puts(&lo, name); nb_buf_putc(&lo, 0);
    nb_buf_puts(&hi, name); nb_buf_putc(&hi, 1);
    json_t *keys = json_array();
    store_scan(t, ks, lo.data, lo.len, hi.data, hi.len, 0, collect_key, keys);
    size_t i;
    json_t *k;
    json_array_foreach(keys, i, k)
        store_del(t, ks, json_string_value(k), json_string_length(k));
    json_decref(keys);
    nb_buf_free(&lo); nb_buf_free(&hi);
}

void lambda__op_delete_function(nb_req_t *req)
{
    char name[LAMBDA_NAME_MAX + 1], qual[130];
    if (lambda__req_fn(req, name, qual)) return;
    if (strcmp(qual, "$LATEST") == 0) {
        lambda__err(req, LAMBDA_ERR_INVALID_PARAM, "$LATEST version cannot be deleted without deleting the function.");
        return;
    }
    if (*qual && !lambda__is_version(qual)) {
        lambda__err(req, LAMBDA_ERR_INVALID_PARAM, "Deletion of aliases is not currently supported.");
        return;
    }
    store_txn_t *t = lambda__begin(req, 1);
    if (!t) return;
    json_t *rec = lambda__get_fn(t, name);
    if (!rec) {
        store_abort(t);
        lambda__err_not_found_fn(req, name, qual);
        return;
    }
    if (*qual) {
        nb_buf_t k = NB_BUF_INIT;
        lambda__ver_key(&k, name, (unsigned)strtoul(qual, NULL, 10));
        int rc = store_del(t, LAMBDA_KS_VER, k.data, k.len);
        nb_buf_free(&k);
        if (rc != STORE_OK) {
            json_decref(rec);
            store_abort(t);
            lambda__err_not_found_fn(req, name, qual);
            return;
        }
        /* its provisioned concurrency and its resource policy go with it */
        int changed = lambda__policy_forget(rec, name, qual);
        if (json_object_get(json_object_get(rec, "pc"), qual)) {
            json_object_del(json_object_get(rec, "pc"), qual);
            changed = 1;
            lambda_fn_t *fn = lambda__fn_get(name, 0);
            lambda_pool_t *pool = fn ? lambda__pool_get(fn, qual, 0) : NULL;
            if (pool) lambda__pool_set_provisioned(pool, 0);
        }
        if (changed) lambda__put_json(t, LAMBDA_KS_FN, name, strlen(name), rec);
        json_decref(rec);
        lambda__pool_invalidate(name, qual);
        lambda__commit_reply_then(req, t, 204, NULL, gc_after, nb_xstrdup(name));
        return;
    }
    json_t *res = json_object_get(rec, "reserved");
    if (res && lambda__svc.reserved_sum >= (unsigned)json_integer_value(res))
        lambda__svc.reserved_sum -= (unsigned)json_integer_value(res);
    json_decref(rec);
    store_del(t, LAMBDA_KS_FN, name, strlen(name));
    del_prefix(t, LAMBDA_KS_VER, name);
    del_prefix(t, LAMBDA_KS_ALIAS, name);
    lambda__fn_forget(name);
    lambda__commit_reply_then(req, t, 204, NULL, deleted_after, nb_xstrdup(name));
}
