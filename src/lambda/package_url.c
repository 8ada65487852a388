/* package_url.c — signed, expiring download URLs: GetFunction's Code.Location
 * and GetLayerVersion's Content.Location.
 *
 * Lambda answers both with a presigned S3 URL valid for 10 minutes, so only a
 * caller allowed lambda:GetFunction (lambda:GetLayerVersion) can fetch the
 * code. nimbus serves the zips itself (GET /2015-03-31/functions/NAME/package/
 * SHA.zip, control.c; GET /2018-10-31/layers/NAME/versions/N/package/
 * content.zip, layers.c) and signs the URL the same way in spirit: Expires
 * (Unix seconds) and Signature = hex HMAC-SHA256 over "SCOPE\nEXPIRES", the
 * scope naming what may be fetched ("function\nNAME\nSHA",
 * "layer\nNAME\nN"), with a key drawn at random when the daemon first signs
 * one. The package's SHA-256 alone is no
 * credential: it is the CodeSha256 that ListFunctions and
 * GetFunctionConfiguration return. A restart invalidates earlier URLs, as
 * their expiry would soon. */
#include "lambda/lambda_int.h"
#include "auth/sigv4.h"
#include "core/alloc.h"
#include "core/util.h"
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PACKAGE_URL_TTL_S 600

static unsigned char url_key[32];
static int have_key;

/* 0, or -1 when no key could be drawn (then nothing is signed or accepted). */
static int key_ready(void)
{
    if (!have_key && RAND_bytes(url_key, sizeof url_key) == 1) have_key = 1;
    return have_key ? 0 : -1;
}

static void sign(const char *scope, unsigned long long expires, char out[65])
{
    nb_buf_t msg = NB_BUF_INIT;
    nb_buf_printf(&msg, "%s\n%llu", scope, expires);
    unsigned char mac[32];
    auth_hmac_sha256(url_key, sizeof url_key, msg.data, msg.len, mac);
    nb_buf_free(&msg);
    nb_hex(mac, sizeof mac, out);
}

/* What a URL may fetch: the one place these strings are formed, for signing
 * and for checking alike. */
static void function_scope(char *out, size_t cap, const char *name, const char *sha)
{
    snprintf(out, cap, "function\n%s\n%s", name, sha);
}

static void layer_scope(char *out, size_t cap, const char *layer, unsigned long ver)
{
    snprintf(out, cap, "layer\n%s\n%lu", layer, ver);
}

static void sign_location(nb_buf_t *out, const char *scope)
{
    if (key_ready() != 0) return;   /* unsigned: the download is refused */
    unsigned long long expires = nb_wall_ms() / 1000 + PACKAGE_URL_TTL_S;
    char sig[65];
    sign(scope, expires, sig);
    nb_buf_printf(out, "?Expires=%llu&Signature=%s", expires, sig);
}

/* 0, or -1 after replying 403 AccessDeniedException. */
static int check_location(nb_req_t *req, const char *scope)
{
    const char *exp = nb_req_qparam(req, "Expires");
    const char *given = nb_req_qparam(req, "Signature");
    if (!exp || !given || key_ready() != 0) {
        nb_reply_error(req, NB_ERR_AUTH_REST_DENIED, "Request has no valid signature: use the Location "
                       "that GetFunction or GetLayerVersion returns");
        return -1;
    }
    char *end = NULL;
    unsigned long long expires = strtoull(exp, &end, 10);
    char want[65];
    sign(scope, expires, want);
    if (!*exp || *end || strlen(given) != 64 || !auth_ct_equal(want, given, 64)) {
        nb_reply_error(req, NB_ERR_AUTH_REST_DENIED, "The request signature does not match");
        return -1;
    }
    if (expires < nb_wall_ms() / 1000) {
        nb_reply_error(req, NB_ERR_AUTH_REST_DENIED, "Request has expired");
        return -1;
    }
    return 0;
}

void lambda__function_location(nb_buf_t *out, const char *endpoint, const char *name, const char *sha)
{
    char scope[LAMBDA_NAME_MAX + 100];
    function_scope(scope, sizeof scope, name, sha);
    nb_buf_printf(out, "%s/2015-03-31/functions/%s/package/%s.zip", endpoint, name, sha);
    sign_location(out, scope);
}

void lambda__layer_location(nb_buf_t *out, const char *endpoint, const char *layer, unsigned ver)
{
    char scope[200];
    layer_scope(scope, sizeof scope, layer, ver);
    nb_buf_printf(out, "%s/2018-10-31/layers/%s/versions/%u/package/content.zip", endpoint, layer, ver);
    sign_location(out, scope);
}

/* --- the downloads -------------------------------------------------------------------- */

/* A zip read and decrypted on the thread pool (up to 50 MB for a function). */
typedef struct pkg_job {
    uv_work_t work;
    nb_req_t *req;
    char name[LAMBDA_NAME_MAX + 1], hex[65];
    char *layer_arn;   /* a layer version's zip, or NULL: the function package name/hex */
    nb_buf_t zip;
    int failed;
    char err[400];
} pkg_job_t;

static void pkg_work(uv_work_t *w)
{
    pkg_job_t *j = w->data;
    j->failed = (j->layer_arn ? lambda__layer_open(j->layer_arn, &j->zip, j->err, sizeof j->err)
                              : lambda__code_open(j->name, j->hex, &j->zip, j->err, sizeof j->err)) != 0;
}

static void pkg_done(uv_work_t *w, int status)
{
    pkg_job_t *j = w->data;
    if (status != 0 || j->failed) lambda__err(j->req, LAMBDA_ERR_SERVICE, "%s", status ? "cancelled" : j->err);
    else nb_reply(j->req, 200, "application/zip", j->zip.data, j->zip.len);
    OPENSSL_cleanse(j->zip.data, j->zip.len);
    nb_buf_free(&j->zip);
    free(j->layer_arn);
    free(j);
}

static void pkg_start(nb_req_t *req, pkg_job_t *j)
{
    j->work.data = j;
    j->req = req;
    if (uv_queue_work(lambda__svc.ctx->loop, &j->work, pkg_work, pkg_done) != 0) {
        free(j->layer_arn);
        free(j);
        lambda__err(req, LAMBDA_ERR_SERVICE, "cannot schedule reading the package");
    }
}

static void not_found(nb_req_t *req)
{
    lambda__err(req, LAMBDA_ERR_NOT_FOUND, "The resource you requested does not exist.");
}

/* GET /2015-03-31/functions/NAME/package/SHA.zip?Expires=…&Signature=… */
void lambda__op_get_package(nb_req_t *req)
{
    const char *name = nb_req_param(req, "FunctionName");
    const char *file = nb_req_param(req, "Package");
    size_t n = file ? strlen(file) : 0;
    if (!name || !lambda__valid_name(name) || n != 68 || strcmp(file + 64, ".zip") != 0 ||
        strspn(file, "0123456789abcdef") != 64)
        return not_found(req);
    pkg_job_t *j = nb_xcalloc(1, sizeof *j);
    snprintf(j->name, sizeof j->name, "%s", name);
    snprintf(j->hex, sizeof j->hex, "%.64s", file);
    char scope[LAMBDA_NAME_MAX + 100], path[PATH_MAX], ctx[256];
    function_scope(scope, sizeof scope, j->name, j->hex);
    struct stat st;
    if (check_location(req, scope) != 0) { free(j); return; }
    lambda__runtimes_ready();   /* an older layout's migration is done */
    if (lambda__code_sealed(j->name, j->hex, path, sizeof path, ctx, sizeof ctx) || stat(path, &st) != 0) {
        free(j);
        return not_found(req);
    }
    pkg_start(req, j);
}

/* GET /2018-10-31/layers/NAME/versions/N/package/content.zip?Expires=…&Signature=… */
void lambda__op_get_layer_package(nb_req_t *req)
{
    const char *layer = nb_req_param(req, "LayerName");
    const char *vs = nb_req_param(req, "VersionNumber");
    const char *file = nb_req_param(req, "Package");
    char *end = NULL;
    unsigned long v = vs ? strtoul(vs, &end, 10) : 0;
    if (!layer || !*layer || strlen(layer) > 140 ||
        strspn(layer, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != strlen(layer) || !vs || *end || !v || v > 0xffffffffUL ||
        !file || strcmp(file, "content.zip") != 0)
        return not_found(req);
    char scope[200], path[PATH_MAX], ctx[256];
    layer_scope(scope, sizeof scope, layer, v);
    if (check_location(req, scope) != 0) return;
    pkg_job_t *j = nb_xcalloc(1, sizeof *j);
    j->layer_arn = lambda__layer_arn(layer, (unsigned)v);
    struct stat st;
    lambda__runtimes_ready();
    if (lambda__layer_sealed(j->layer_arn, path, sizeof path, ctx, sizeof ctx) || stat(path, &st) != 0) {
        free(j->layer_arn);
        free(j);
        return not_found(req);
    }
    pkg_start(req, j);
}
