/* package_url.c — GetFunction's Code.Location: a signed, expiring download URL.
 *
 * Lambda answers GetFunction with a presigned S3 URL valid for 10 minutes, so
 * only a caller allowed lambda:GetFunction can fetch the code. nimbus serves
 * the package itself (GET /2015-03-31/functions/NAME/package/SHA.zip, control.c)
 * and signs the URL the same way in spirit: Expires (Unix seconds) and
 * Signature = hex HMAC-SHA256 over "NAME\nSHA\nEXPIRES" with a key drawn at
 * random when the daemon first signs one. The package's SHA-256 alone is no
 * credential: it is the CodeSha256 that ListFunctions and
 * GetFunctionConfiguration return. A restart invalidates earlier URLs, as
 * their expiry would soon. */
#include "lambda/lambda_int.h"
#include "auth/sigv4.h"
#include "core/util.h"
#include <openssl/rand.h>
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

static void sign(const char *name, const char *hex, unsigned long long expires, char out[65])
{
    char msg[LAMBDA_NAME_MAX + 100];
    int n = snprintf(msg, sizeof msg, "%s\n%s\n%llu", name, hex, expires);
    unsigned char mac[32];
    auth_hmac_sha256(url_key, sizeof url_key, msg, (size_t)n, mac);
    nb_hex(mac, sizeof mac, out);
}

void lambda__package_url(nb_buf_t *out, const char *endpoint, const char *name, const char *hex)
{
    nb_buf_printf(out, "%s/2015-03-31/functions/%s/package/%s.zip", endpoint, name, hex);
    if (key_ready() != 0) return;   /* unsigned: the download is refused */
    unsigned long long expires = nb_wall_ms() / 1000 + PACKAGE_URL_TTL_S;
    char sig[65];
    sign(name, hex, expires, sig);
    nb_buf_printf(out, "?Expires=%llu&Signature=%s", expires, sig);
}

int lambda__package_url_check(nb_req_t *req, const char *name, const char *hex)
{
    const char *exp = nb_req_qparam(req, "Expires");
    const char *given = nb_req_qparam(req, "Signature");
    if (!exp || !given || key_ready() != 0) {
        nb_reply_error(req, NB_ERR_AUTH_REST_DENIED, "Request has no valid signature: use the Code.Location "
                       "that GetFunction returns");
        return -1;
    }
    char *end = NULL;
    unsigned long long expires = strtoull(exp, &end, 10);
    char want[65];
    sign(name, hex, expires, want);
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
