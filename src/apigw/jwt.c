/* jwt.c — JWT parsing and verification (see jwt.h). Nothing here does I/O. */
#include "apigw/jwt.h"
#include "core/buf.h"
#include "core/util.h"
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <stdlib.h>
#include <string.h>

int apigw__b64url_decode(const char *s, size_t n, unsigned char **out, size_t *out_len)
{
    nb_buf_t std = NB_BUF_INIT, dec = NB_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '-') c = '+';
        else if (c == '_') c = '/';
        else if (c == '=' || c == '+' || c == '/') { nb_buf_free(&std); return -1; }
        nb_buf_putc(&std, c);
    }
    while (std.len % 4) nb_buf_putc(&std, '=');
    int rc = nb_base64_decode(&dec, std.data ? std.data : "", std.len);
    nb_buf_free(&std);
    if (rc != 0) {
        nb_buf_free(&dec);
        return -1;
    }
    *out_len = dec.len;
    *out = (unsigned char *)nb_buf_take(&dec, out_len);
    if (!*out) *out = calloc(1, 1);
    return 0;
}

static json_t *decode_json(const char *s, size_t n)
{
    unsigned char *raw;
    size_t len;
    if (apigw__b64url_decode(s, n, &raw, &len) != 0) return NULL;
    json_t *j = json_loadb((const char *)raw, len, 0, NULL);
    free(raw);
    if (!json_is_object(j)) {
        json_decref(j);
        return NULL;
    }
    return j;
}

static BIGNUM *b64_bn(json_t *jwk, const char *member)
{
    const char *v = json_string_value(json_object_get(jwk, member));
    unsigned char *raw;
    size_t len;
    if (!v || apigw__b64url_decode(v, strlen(v), &raw, &len) != 0) return NULL;
    BIGNUM *bn = BN_bin2bn(raw, (int)len, NULL);
    free(raw);
    return bn;
}

static EVP_PKEY *rsa_key(json_t *jwk)
{
    BIGNUM *n = b64_bn(jwk, "n"), *e = b64_bn(jwk, "e");
    EVP_PKEY *pk = NULL;
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    if (n && e && bld && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) &&
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e)) {
        OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
        EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
        if (params && ctx && EVP_PKEY_fromdata_init(ctx) == 1) EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_PUBLIC_KEY, params);
        EVP_PKEY_CTX_free(ctx);
        OSSL_PARAM_free(params);
    }
    OSSL_PARAM_BLD_free(bld);
    BN_free(n);
    BN_free(e);
    return pk;
}

static EVP_PKEY *ec_key(json_t *jwk)
{
    const char *crv = json_string_value(json_object_get(jwk, "crv"));
    const char *x = json_string_value(json_object_get(jwk, "x")), *y = json_string_value(json_object_get(jwk, "y"));
    if (!crv || strcmp(crv, "P-256") != 0 || !x || !y) return NULL;
    unsigned char *xr = NULL, *yr = NULL;
    size_t xl, yl;
    EVP_PKEY *pk = NULL;
    /* RFC 7518 wants each coordinate at the curve's full 32 bytes, but some
     * issuers' libraries (PyJWT before 2.8, for one) drop leading zero bytes,
     * as a JSON big integer would: about one key in 128. The shorter value is
     * the same number, so it is left-padded rather than refused. */
    if (apigw__b64url_decode(x, strlen(x), &xr, &xl) == 0 && apigw__b64url_decode(y, strlen(y), &yr, &yl) == 0 &&
        xl >= 1 && xl <= 32 && yl >= 1 && yl <= 32) {
        unsigned char pub[65] = {0};
        pub[0] = 4;
        memcpy(pub + 1 + (32 - xl), xr, xl);
        memcpy(pub + 33 + (32 - yl), yr, yl);
        OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)"prime256v1", 0),
            OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof pub),
            OSSL_PARAM_construct_end(),
        };
        EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
        if (ctx && EVP_PKEY_fromdata_init(ctx) == 1) EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_PUBLIC_KEY, params);
        EVP_PKEY_CTX_free(ctx);
    }
    free(xr);
    free(yr);
    return pk;
}

static json_t *find_key(json_t *jwks, const char *kid, const char *kty)
{
    json_t *keys = json_object_get(jwks, "keys");
    size_t i;
    json_t *k;
    json_array_foreach(keys, i, k) {
        const char *t = json_string_value(json_object_get(k, "kty"));
        const char *id = json_string_value(json_object_get(k, "kid"));
        if (!t || strcmp(t, kty) != 0) continue;
        if (kid ? (id && strcmp(id, kid) == 0) : json_array_size(keys) == 1) return k;
    }
    return NULL;
}

/* Verify sig over data with pk (SHA-256). For EC the JWS signature is r||s. */
static int verify(EVP_PKEY *pk, int ec, const char *data, size_t dlen, const unsigned char *sig, size_t slen)
{
    unsigned char *der = NULL;
    int derlen = 0;
    if (ec) {
        if (slen != 64) return -1;
        ECDSA_SIG *es = ECDSA_SIG_new();
        ECDSA_SIG_set0(es, BN_bin2bn(sig, 32, NULL), BN_bin2bn(sig + 32, 32, NULL));
        derlen = i2d_ECDSA_SIG(es, &der);
        ECDSA_SIG_free(es);
        if (derlen <= 0) return -1;
        sig = der;
        slen = (size_t)derlen;
    }
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int ok = md && EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pk) == 1 &&
             EVP_DigestVerify(md, sig, slen, (const unsigned char *)data, dlen) == 1;
    EVP_MD_CTX_free(md);
    OPENSSL_free(der);
    return ok ? 0 : -1;
}

static int aud_ok(json_t *claims, json_t *audiences)
{
    if (!json_array_size(audiences)) return 1;
    json_t *aud = json_object_get(claims, "aud");
    json_t *cid = json_object_get(claims, "client_id");
    size_t i, k;
    json_t *want, *have;
    json_array_foreach(audiences, i, want) {
        const char *w = json_string_value(want);
        if (!w) continue;
        if (json_is_string(aud) && strcmp(json_string_value(aud), w) == 0) return 1;
        if (json_is_string(cid) && strcmp(json_string_value(cid), w) == 0) return 1;
        json_array_foreach(aud, k, have)
            if (json_is_string(have) && strcmp(json_string_value(have), w) == 0) return 1;
    }
    return 0;
}

int apigw__jwt_verify(const char *token, json_t *jwks, const char *issuer, json_t *audiences, uint64_t now_s,
                      json_t **claims_out, const char **err)
{
    *claims_out = NULL;
    const char *d1 = strchr(token, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
    if (!d1 || !d2 || strchr(d2 + 1, '.')) { *err = "malformed token"; return -1; }
    json_t *hdr = decode_json(token, (size_t)(d1 - token));
    json_t *claims = decode_json(d1 + 1, (size_t)(d2 - d1 - 1));
    unsigned char *sig = NULL;
    size_t slen = 0;
    int rc = -1;
    if (!hdr || !claims || apigw__b64url_decode(d2 + 1, strlen(d2 + 1), &sig, &slen) != 0) {
        *err = "malformed token";
        goto out;
    }
    const char *alg = json_string_value(json_object_get(hdr, "alg"));
    int ec = alg && strcmp(alg, "ES256") == 0;
    if (!alg || (!ec && strcmp(alg, "RS256") != 0)) { *err = "unsupported algorithm"; goto out; }
    json_t *jwk = find_key(jwks, json_string_value(json_object_get(hdr, "kid")), ec ? "EC" : "RSA");
    if (!jwk) { *err = "no matching key"; goto out; }
    EVP_PKEY *pk = ec ? ec_key(jwk) : rsa_key(jwk);
    if (!pk) { *err = "unusable key"; goto out; }
    int vr = verify(pk, ec, token, (size_t)(d2 - token), sig, slen);
    EVP_PKEY_free(pk);
    if (vr != 0) { *err = "bad signature"; goto out; }
    const char *iss = json_string_value(json_object_get(claims, "iss"));
    if (!iss || !issuer || strcmp(iss, issuer) != 0) { *err = "issuer mismatch"; goto out; }
    if (!aud_ok(claims, audiences)) { *err = "audience mismatch"; goto out; }
    json_t *exp = json_object_get(claims, "exp"), *nbf = json_object_get(claims, "nbf");
    if (!json_is_number(exp) || json_number_value(exp) <= (double)now_s) { *err = "token expired"; goto out; }
    if (nbf && (!json_is_number(nbf) || json_number_value(nbf) > (double)now_s)) { *err = "token not yet valid"; goto out; }
    *claims_out = json_incref(claims);
    rc = 0;
out:
    free(sig);
    json_decref(hdr);
    json_decref(claims);
    return rc;
}
