/* layers.c — PublishLayerVersion, GetLayerVersion, ListLayers,
 * ListLayerVersions, DeleteLayerVersion.
 *
 * The zip of each layer version is kept sealed as
 * DATA/lambda/layers/NAME/VER.sealed (sealed.c), renamed from the staged file
 * the upload (checked by unpacking it once, off the loop: upload.c) wrote;
 * functions get the merge of their layers as /opt (code.c). Records:
 * lambda.layer NAME\0%010u → the GetLayerVersion document. */
#include "lambda/lambda_int.h"
#include "core/alloc.h"
#include "core/util.h"
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int valid_layer_name(const char *s)
{
    if (!s || !*s || strlen(s) > 140) return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
            return 0;
    return 1;
}

static int last_version(void *arg, const void *k, size_t kl, const void *v, size_t vl)
{
    (void)v; (void)vl;
    unsigned *out = arg;
    const char *z = memchr(k, 0, kl);
    if (z) *out = (unsigned)strtoul(z + 1, NULL, 10);
    return 1;
}

static unsigned latest_version(store_txn_t *t, const char *layer)
{
    nb_buf_t lo = NB_BUF_INIT, hi = NB_BUF_INIT;
    nb_buf_puts(&lo, layer); nb_buf_putc(&lo, 0);
    nb_buf_puts(&hi, layer); nb_buf_putc(&hi, 1);
    unsigned v = 0;
    store_scan(t, LAMBDA_KS_LAYER, lo.data, lo.len, hi.data, hi.len, 1, last_version, &v);
    nb_buf_free(&lo); nb_buf_free(&hi);
    return v;
}

/* PublishLayerVersion's last step, once the zip is checked and kept as
 * layers/NAME/HEX.zip off the loop: number the version and commit. */
static int fsync_parent(const char *path)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = 0;
    return nb_fsync_dir(dir);
}

void lambda__layer_locate(nb_req_t *req, json_t *doc, const char *layer)
{
    json_t *content = json_object_get(doc, "Content");
    if (!json_is_object(content)) return;
    nb_buf_t loc = NB_BUF_INIT;
    lambda__layer_location(&loc, req->ctx->cfg->endpoint_url, layer, (unsigned)json_integer_value(json_object_get(doc, "Version")));
    json_object_set_new(content, "Location", json_string(loc.data));
    nb_buf_free(&loc);
}

/* A version whose commit failed leaves a file no record names. */
static void on_published(void *arg, int ok)
{
    (void)arg;
    if (!ok) lambda__layers_gc();
}

static void on_layer_unpacked(nb_req_t *req, const lambda_upload_t *up, void *arg)
{
    char *layer = arg;
    if (!up->ok) {
        lambda__err(req, up->err, "%s", up->msg);
        free(layer);
        return;
    }
    store_txn_t *t = lambda__begin(req, 1);
    if (!t) {
        unlink(up->staged);
        free(layer);
        return;
    }
    /* A number whose file is still there belongs to a deleted version that a
     * function still uses (lambda__layers_gc keeps it): never reused. */
    unsigned ver = latest_version(t, layer) + 1;
    char path[PATH_MAX];
    struct stat st;
    int bad;
    while (!(bad = lambda__pathf(path, sizeof path, "%s/layers/%s/%u.sealed", lambda__svc.dir, layer, ver)) &&
           stat(path, &st) == 0)
        ver++;
    if (bad || rename(up->staged, path) != 0 || fsync_parent(path) != 0) {
        unlink(up->staged);
        store_abort(t);
        free(layer);
        lambda__err(req, LAMBDA_ERR_SERVICE, "cannot store the layer");
        return;
    }
    char *larn = lambda__layer_arn(layer, 0), *lvarn = lambda__layer_arn(layer, ver);
    char ts[40];
    nb_iso8601_lambda(nb_wall_ms(), ts, sizeof ts);
    nb_buf_t loc = NB_BUF_INIT;
    lambda__layer_location(&loc, req->ctx->cfg->endpoint_url, layer, ver);
    json_t *doc = json_pack("{s:{s:s,s:s,s:I},s:s,s:s,s:s,s:s,s:i}",
                            "Content", "Location", loc.data, "CodeSha256", up->b64, "CodeSize", (json_int_t)up->size,
                            "LayerArn", larn, "LayerVersionArn", lvarn,
                            "Description", json_string_value(json_object_get(req->json, "Description"))
                                               ? json_string_value(json_object_get(req->json, "Description")) : "",
                            "CreatedDate", ts, "Version", (int)ver);
    nb_buf_free(&loc);
    free(larn);
    free(lvarn);
    const char *opt[] = {"CompatibleRuntimes", "LicenseInfo", "CompatibleArchitectures"};
    for (int i = 0; i < 3; i++) {
        json_t *v = json_object_get(req->json, opt[i]);
        if (v) json_object_set(doc, opt[i], v);
    }
    nb_buf_t k = NB_BUF_INIT;
    lambda__ver_key(&k, layer, ver);
    lambda__put_json(t, LAMBDA_KS_LAYER, k.data, k.len, doc);
    nb_buf_free(&k);
    free(layer);
    lambda__commit_reply_then(req, t, 201, doc, on_published, NULL);
}

void lambda__op_publish_layer(nb_req_t *req)
{
    const char *layer = nb_req_param(req, "LayerName");
    if (!valid_layer_name(layer)) {
        lambda__err(req, LAMBDA_ERR_VALIDATION, "1 validation error detected: Value '%s' at 'layerName' failed to satisfy "
                    "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9-_]+", layer ? layer : "");
        return;
    }
    json_t *content = json_object_get(req->json, "Content");
    json_t *zf = json_object_get(content, "ZipFile");
    if (!json_is_string(zf)) {
        lambda__err(req, LAMBDA_ERR_INVALID_PARAM, "Please provide a source for the layer content (ZipFile).");
        return;
    }
    char dir[PATH_MAX];
    if (lambda__pathf(dir, sizeof dir, "%s/layers/%s", lambda__svc.dir, layer) || nb_mkdir_p(dir) != 0) {
        lambda__err(req, LAMBDA_ERR_SERVICE, "cannot store the layer");
        return;
    }
    lambda__upload(req, json_string_value(zf), json_string_length(zf), 1, layer, on_layer_unpacked,
                   nb_xstrdup(layer));
}

static json_t *get_layer(nb_req_t *req, store_txn_t *t, nb_buf_t *k)
{
    const char *layer = nb_req_param(req, "LayerName");
    const char *vs = nb_req_param(req, "VersionNumber");
    char *end = NULL;
    unsigned long v = vs ? strtoul(vs, &end, 10) : 0;
    if (!layer || !vs || *end || !v) return NULL;
    lambda__ver_key(k, layer, (unsigned)v);
    return lambda__get_json(t, LAMBDA_KS_LAYER, k->data, k->len);
}

void lambda__op_get_layer(nb_req_t *req)
{
    store_txn_t *t = lambda__begin(req, 0);
    if (!t) return;
    nb_buf_t k = NB_BUF_INIT;
    json_t *doc = get_layer(req, t, &k);
    nb_buf_free(&k);
    store_abort(t);
    if (!doc) {
        lambda__err(req, LAMBDA_ERR_NOT_FOUND, "The resource you requested does not exist.");
        return;
    }
    lambda__layer_locate(req, doc, nb_req_param(req, "LayerName"));
    nb_reply_json(req, 200, doc);
}

/* Its sealed zip and unpacked merges go, unless a function still uses it
 * (as on Lambda, functions keep a deleted layer version). */
static void on_deleted(void *arg, int ok)
{
    (void)arg;
    if (ok) lambda__layers_gc();
}

void lambda__op_delete_layer(nb_req_t *req)
{
    store_txn_t *t = lambda__begin(req, 1);
    if (!t) return;
    nb_buf_t k = NB_BUF_INIT;
    json_t *doc = get_layer(req, t, &k);
    if (doc) {   /* its permissions go with it */
        store_del(t, LAMBDA_KS_LAYER, k.data, k.len);
        lambda__layer_policy_forget(t, &k);
    }
    json_decref(doc);
    nb_buf_free(&k);
    lambda__commit_reply_then(req, t, 204, NULL, on_deleted, NULL);
}

static json_t *list_item(json_t *doc)
{
    json_t *it = json_pack("{s:O,s:O,s:O,s:O}", "LayerVersionArn", json_object_get(doc, "LayerVersionArn"),
                           "Version", json_object_get(doc, "Version"), "Description", json_object_get(doc, "Description"),
                           "CreatedDate", json_object_get(doc, "CreatedDate"));
    const char *opt[] = {"CompatibleRuntimes", "LicenseInfo", "CompatibleArchitectures"};
    for (int i = 0; i < 3; i++)
        if (json_object_get(doc, opt[i])) json_object_set(it, opt[i], json_object_get(doc, opt[i]));
    return it;
}

typedef struct lctx { json_t *out; const char *runtime; const char *layer; } lctx_t;

static int matches(json_t *doc, const char *runtime)
{
    if (!runtime) return 1;
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(doc, "CompatibleRuntimes"), i, r)
        if (json_string_value(r) && strcmp(json_string_value(r), runtime) == 0) return 1;
    return 0;
}

/* ListLayers: the latest matching version of each layer (keys ascend, so the last seen wins). */
static int layers_one(void *arg, const void *k, size_t kl, const void *v, size_t vl)
{
    lctx_t *c = arg;
    json_t *doc = json_loadb(v, vl, 0, NULL);
    if (!doc) return 0;
    if (matches(doc, c->runtime)) {
        char name[160];
        snprintf(name, sizeof name, "%s", (const char *)k);
        (void)kl;
        json_t *it = json_pack("{s:s,s:O,s:o}", "LayerName", name, "LayerArn", json_object_get(doc, "LayerArn"),
                               "LatestMatchingVersion", list_item(doc));
        json_object_set_new(c->out, name, it);
    }
    json_decref(doc);
    return 0;
}

void lambda__op_list_layers(nb_req_t *req)
{
    store_txn_t *t = lambda__begin(req, 0);
    if (!t) return;
    lctx_t c = {json_object(), nb_req_qparam(req, "CompatibleRuntime"), NULL};
    store_scan(t, LAMBDA_KS_LAYER, NULL, 0, NULL, 0, 0, layers_one, &c);
    store_abort(t);
    json_t *arr = json_array();
    const char *key;
    json_t *it;
    json_object_foreach(c.out, key, it) json_array_append(arr, it);
    json_decref(c.out);
    nb_reply_json(req, 200, json_pack("{s:o}", "Layers", arr));
}

static int versions_one(void *arg, const void *k, size_t kl, const void *v, size_t vl)
{
    (void)k; (void)kl;
    lctx_t *c = arg;
    json_t *doc = json_loadb(v, vl, 0, NULL);
    if (!doc) return 0;
    if (matches(doc, c->runtime)) json_array_append_new(c->out, list_item(doc));
    json_decref(doc);
    return 0;
}

void lambda__op_list_layer_versions(nb_req_t *req)
{
    const char *layer = nb_req_param(req, "LayerName");
    store_txn_t *t = lambda__begin(req, 0);
    if (!t) return;
    lctx_t c = {json_array(), nb_req_qparam(req, "CompatibleRuntime"), layer};
    nb_buf_t lo = NB_BUF_INIT, hi = NB_BUF_INIT;
    nb_buf_puts(&lo, layer ? layer : ""); nb_buf_putc(&lo, 0);
    nb_buf_puts(&hi, layer ? layer : ""); nb_buf_putc(&hi, 1);
    store_scan(t, LAMBDA_KS_LAYER, lo.data, lo.len, hi.data, hi.len, 1, versions_one, &c);
    nb_buf_free(&lo); nb_buf_free(&hi);
    store_abort(t);
    nb_reply_json(req, 200, json_pack("{s:o}", "LayerVersions", c.out));
}
