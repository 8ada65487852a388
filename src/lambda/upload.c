/* upload.c — an uploaded deployment package (a function's or a layer's ZipFile)
 * decoded, checked and unpacked off the event loop.
 *
 * A 50 MB zip takes seconds to inflate and write; on the loop that would stall
 * every other request. So the work runs on libuv's thread pool (uv_queue_work):
 * base64 decoding, the zipped-size limit, SHA-256, unpacking (with the 250 MB
 * unzipped limit) and writing the package file. The worker touches no request,
 * store or service state: it reads the base64 text (borrowed from the
 * request's JSON body, which lives until the reply) and the data directory
 * path, and fills a result that the loop hands to the caller's callback.
 *
 * The package is kept sealed (sealed.c) under DATA and unpacked under UNPACK;
 * nothing of it is written under DATA in clear.
 *
 * The merged /opt of a function's layers is built the same way
 * (lambda__prepare_layers) before CreateFunction or UpdateFunctionConfiguration
 * commits, so that starting an instance finds it ready.
 *
 * At most UPLOAD_WORKERS uploads run at once, the rest wait in a FIFO on the
 * loop: the thread pool (4 threads by default) also carries the store's
 * fsyncs, which must never queue behind unzips.
 *
 *   lambda__upload ──► QUEUED ──slot free──► RUNNING (worker) ──► cb on the loop */
#include "lambda/lambda_int.h"
#include "lambda/archive_dl.h"
#include "core/alloc.h"
#include "core/log.h"
#include "core/util.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <uv.h>
#include <openssl/crypto.h>

#define UPLOAD_WORKERS 2

typedef struct upload {
    uv_work_t work;
    nb_req_t *req;
    const char *b64;          /* borrowed from req->json */
    size_t b64_len;
    int layer;
    const char *op;           /* the operation's name (static), for messages */
    char *name;               /* function or layer name */
    lambda_upload_cb cb;
    void *arg;
    lambda_upload_t res;
    struct upload *next;
    struct upload *next_in_flight;
} upload_t;

static upload_t *q_head, *q_tail;
static unsigned running;
static upload_t *in_flight;   /* every upload between lambda__upload and its callback */

unsigned lambda__uploads_pending(const char *name)
{
    unsigned n = 0;
    for (upload_t *u = in_flight; u; u = u->next_in_flight)
        if (strcmp(u->name, name) == 0) n++;
    return n;
}

static void upload_free(upload_t *u)
{
    for (upload_t **pp = &in_flight; *pp; pp = &(*pp)->next_in_flight)
        if (*pp == u) { *pp = u->next_in_flight; break; }
    free(u->name);
    free(u);
}

static void fail(upload_t *u, nb_err_t err, const char *msg)
{
    u->res.ok = 0;
    u->res.err = err;
    snprintf(u->res.msg, sizeof u->res.msg, "%s", msg);
}

/* Worker thread: everything here is the upload's own or read-only. */
static void on_work(uv_work_t *w)
{
    upload_t *u = w->data;
    nb_buf_t zip = NB_BUF_INIT;
    if (nb_base64_decode(&zip, u->b64, u->b64_len) != 0) {
        fail(u, LAMBDA_ERR_INVALID_PARAM, "Could not unzip uploaded file. Please check your file, then try to upload again.");
        goto out;
    }
    if (zip.len > LAMBDA_ZIP_MAX) {   /* only with whitespace in the base64 text: the edge bounds the request */
        char m[128];
        snprintf(m, sizeof m, "Request must be smaller than %u bytes for the %s operation", LAMBDA_CODE_REQUEST_MAX,
                 u->op);
        fail(u, LAMBDA_ERR_TOO_LARGE, m);
        goto out;
    }
    lambda__sha256(zip.data, zip.len, u->res.hex, u->res.b64);
    u->res.size = zip.len;
    char dir[PATH_MAX], zp[PATH_MAX], ctx[256], err[256];
    int bad;
    if (u->layer) {
        /* A layer is checked by unpacking it once (in UNPACK, then removed:
         * layers are merged per function), and sealed under a name of its
         * own until the loop knows its version number. */
        char rnd[17];
        unsigned char rb[8];
        nb_random_bytes(rb, sizeof rb);
        nb_hex(rb, sizeof rb, rnd);
        if (lambda__pathf(dir, sizeof dir, "%s/check-%s-%s", lambda__svc.unpack_dir, u->res.hex, rnd) ||
            lambda__pathf(zp, sizeof zp, "%s/layers/%s/staged-%s.sealed", lambda__svc.dir, u->name, rnd) ||
            lambda__pathf(ctx, sizeof ctx, "lambda.layer %s", u->name)) {
            fail(u, LAMBDA_ERR_SERVICE, "path too long");
            goto out;
        }
        bad = lambda__unzip(zip.data, zip.len, dir, err, sizeof err);
        lambda__rm_rf(dir);
    } else {
        char *d = lambda__code_dir(u->name, u->res.hex);
        bad = lambda__unzip(zip.data, zip.len, d, err, sizeof err);
        free(d);
        if (lambda__code_sealed(u->name, u->res.hex, zp, sizeof zp, ctx, sizeof ctx) ||
            lambda__pathf(dir, sizeof dir, "%s/code/%s", lambda__svc.dir, u->name)) {
            fail(u, LAMBDA_ERR_SERVICE, "path too long");
            goto out;
        }
        nb_mkdir_p(dir);
    }
    if (bad) {
        fail(u, LAMBDA_ERR_INVALID_PARAM, err);
        goto out;
    }
    /* the package itself, sealed: the source of every later unpacking, and
     * GetFunction's Code.Location (sealed again when it exists: the same
     * bytes, and a damaged copy is replaced) */
    if (lambda__seal(zp, ctx, zip.data, zip.len) != 0) {
        nb_log_error("lambda", "cannot seal the package of %s as %s: %s", u->name, zp, strerror(errno));
        fail(u, LAMBDA_ERR_SERVICE, u->layer ? "cannot store the layer" : "cannot store the function's code");
        goto out;
    }
    if (u->layer) snprintf(u->res.staged, sizeof u->res.staged, "%s", zp);
    u->res.ok = 1;
out:
    OPENSSL_cleanse(zip.data, zip.len);
    nb_buf_free(&zip);
}

static void start_next(void);

static void on_done(uv_work_t *w, int status)
{
    upload_t *u = w->data;
    running--;
    if (status != 0) fail(u, LAMBDA_ERR_SERVICE, "the upload was cancelled");
    u->cb(u->req, &u->res, u->arg);
    upload_free(u);
    start_next();
}

static void start_next(void)
{
    while (running < UPLOAD_WORKERS && q_head) {
        upload_t *u = q_head;
        q_head = u->next;
        if (!q_head) q_tail = NULL;
        running++;
        if (uv_queue_work(lambda__svc.ctx->loop, &u->work, on_work, on_done) != 0) {
            running--;
            fail(u, LAMBDA_ERR_SERVICE, "cannot schedule the upload");
            u->cb(u->req, &u->res, u->arg);
            upload_free(u);
        }
    }
}

void lambda__upload(nb_req_t *req, const char *b64, size_t b64_len, int layer, const char *name,
                    lambda_upload_cb cb, void *arg)
{
    upload_t *u = nb_xcalloc(1, sizeof *u);
    u->work.data = u;
    u->req = req;
    u->b64 = b64;
    u->b64_len = b64_len;
    u->layer = layer;
    u->op = req->op ? req->op->name : "CreateFunction";
    u->name = nb_xstrdup(name);
    u->cb = cb;
    u->arg = arg;
    u->next_in_flight = in_flight;
    in_flight = u;
    lambda__runtimes_ready();   /* an older layout's migration is done */
    if (!lambda__svc.file_key_ok) {   /* no key or no unpack directory: logged at start */
        fail(u, LAMBDA_ERR_SERVICE, "nimbus cannot store function code: no data key or unpack directory "
                                    "(see its log)");
        cb(req, &u->res, arg);
        upload_free(u);
        return;
    }
    /* resolved once here, on the loop: the worker then only reads the table */
    if (!lambda__archive()) {
        fail(u, LAMBDA_ERR_INVALID_PARAM, "nimbus cannot unpack zip files on this host (libarchive missing).");
        cb(req, &u->res, arg);
        upload_free(u);
        return;
    }
    if (q_tail) q_tail->next = u;
    else q_head = u;
    q_tail = u;
    start_next();
}

const char *lambda__zipfile_b64(nb_req_t *req, json_t *code, size_t *len)
{
    json_t *zf = json_object_get(code, "ZipFile");
    if (!zf) {
        if (json_object_get(code, "S3Bucket") || json_object_get(code, "ImageUri"))
            lambda__err(req, LAMBDA_ERR_INVALID_PARAM, "nimbus: only ZipFile code is supported until S3 exists");
        else
            lambda__err(req, LAMBDA_ERR_INVALID_PARAM, "Please provide a source for function code.");
        return NULL;
    }
    if (!json_is_string(zf)) {
        lambda__err(req, LAMBDA_ERR_INVALID_PARAM, "ZipFile must be a base64 blob");
        return NULL;
    }
    *len = json_string_length(zf);
    return json_string_value(zf);
}

/* --- layers merged off the loop ------------------------------------------------ */

typedef struct layers_job {
    uv_work_t work;
    nb_req_t *req;
    json_t *arns;             /* the job's own deep copy */
    void (*cb)(nb_req_t *req, void *arg);
    void *arg;
} layers_job_t;

static void layers_work(uv_work_t *w)
{
    layers_job_t *j = w->data;
    char *dir = lambda__opt_dir(j->arns);
    char err[400];
    if (dir) lambda__opt_build(j->arns, dir, err, sizeof err);
    free(dir);
}

static void layers_done(uv_work_t *w, int status)
{
    (void)status;   /* on failure the loop builds it when an instance starts */
    layers_job_t *j = w->data;
    json_decref(j->arns);
    j->cb(j->req, j->arg);
    free(j);
}

void lambda__prepare_layers(nb_req_t *req, json_t *arns, void (*cb)(nb_req_t *req, void *arg), void *arg)
{
    if (!json_is_array(arns) || json_array_size(arns) == 0 || !lambda__svc.file_key_ok || !lambda__archive()) {
        cb(req, arg);
        return;
    }
    lambda__runtimes_ready();   /* an older layout's migration is done */
    layers_job_t *j = nb_xcalloc(1, sizeof *j);
    j->work.data = j;
    j->req = req;
    j->arns = json_deep_copy(arns);
    j->cb = cb;
    j->arg = arg;
    if (uv_queue_work(lambda__svc.ctx->loop, &j->work, layers_work, layers_done) != 0) {
        json_decref(j->arns);
        free(j);
        cb(req, arg);
    }
}
