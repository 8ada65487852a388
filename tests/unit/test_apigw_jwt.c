/* test_apigw_jwt.c — JWT verification with RSA and EC keys generated at test
 * time: valid tokens, bad signatures, wrong issuer/audience, expiry,
 * not-before, unknown kid, malformed tokens. */
#include "test.h"
#include "apigw/jwt.h"
#include "core/buf.h"
#include "core/util.h"
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>

static void b64url(nb_buf_t *out, const void *in, size_t n)
{
    nb_buf_t b = NB_BUF_INIT;
    nb_base64_encode(&b, in, n);
    for (size_t i = 0; i < b.len; i++) {
        char c = b.data[i];
        if (c == '=') break;
        nb_buf_putc(out, c == '+' ? '-' : c == '/' ? '_' : c);
    }
    nb_buf_free(&b);
}

static void bn_b64url(nb_buf_t *out, const BIGNUM *bn, int pad)
{
    unsigned char buf[512];
    int n = pad ? BN_bn2binpad(bn, buf, pad) : BN_bn2bin(bn, buf);
    b64url(out, buf, (size_t)n);
}

/* JWKS with one key (kid) for pk. */
static json_t *jwks_of(EVP_PKEY *pk, const char *kid, int ec)
{
    nb_buf_t a = NB_BUF_INIT, b = NB_BUF_INIT;
    BIGNUM *x = NULL, *y = NULL;
    json_t *k;
    if (ec) {
        EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_EC_PUB_X, &x);
        EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_EC_PUB_Y, &y);
        bn_b64url(&a, x, 32);
        bn_b64url(&b, y, 32);
        k = json_pack("{s:s,s:s,s:s,s:s,s:s}", "kty", "EC", "crv", "P-256", "kid", kid, "x", a.data, "y", b.data);
    } else {
        EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_N, &x);
        EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_E, &y);
        bn_b64url(&a, x, 0);
        bn_b64url(&b, y, 0);
        k = json_pack("{s:s,s:s,s:s,s:s}", "kty", "RSA", "kid", kid, "n", a.data, "e", b.data);
    }
    BN_free(x);
    BN_free(y);
    nb_buf_free(&a);
    nb_buf_free(&b);
    return json_pack("{s:[o]}", "keys", k);
}

/* A signed token; caller frees. */
static char *sign(EVP_PKEY *pk, int ec, const char *kid, json_t *claims)
{
    json_t *hdr = json_pack("{s:s,s:s,s:s}", "alg", ec ? "ES256" : "RS256", "typ", "JWT", "kid", kid);
    char *h = json_dumps(hdr, JSON_COMPACT), *c = json_dumps(claims, JSON_COMPACT);
    nb_buf_t t = NB_BUF_INIT;
    b64url(&t, h, strlen(h));
    nb_buf_putc(&t, '.');
    b64url(&t, c, strlen(c));
    unsigned char sig[1024];
    size_t slen = sizeof sig;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    ASSERT(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, pk) == 1);
    ASSERT(EVP_DigestSign(md, sig, &slen, (unsigned char *)t.data, t.len) == 1);
    EVP_MD_CTX_free(md);
    nb_buf_putc(&t, '.');
    if (ec) {   /* DER → r||s */
        const unsigned char *p = sig;
        ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)slen);
        unsigned char rs[64];
        BN_bn2binpad(ECDSA_SIG_get0_r(es), rs, 32);
        BN_bn2binpad(ECDSA_SIG_get0_s(es), rs + 32, 32);
        ECDSA_SIG_free(es);
        b64url(&t, rs, 64);
    } else {
        b64url(&t, sig, slen);
    }
    free(h);
    free(c);
    json_decref(hdr);
    size_t n;
    return nb_buf_take(&t, &n);
}

#define NOW 1800000000ull
#define ISS "https://issuer.example"

static json_t *claims(long exp_off, long nbf_off, const char *aud)
{
    return json_pack("{s:s,s:s,s:s,s:I,s:I,s:s}", "iss", ISS, "sub", "user-1", "aud", aud, "exp",
                     (json_int_t)(NOW + exp_off), "nbf", (json_int_t)(NOW + nbf_off), "scope", "read write");
}

static void check_key(int ec)
{
    EVP_PKEY *pk = ec ? EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256") : EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    EVP_PKEY *other = ec ? EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256") : EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    ASSERT(pk && other);
    json_t *jwks = jwks_of(pk, "k1", ec), *auds = json_pack("[s]", "app");
    json_t *c = claims(600, -10, "app"), *out = NULL;
    const char *err = NULL;
    char *tok = sign(pk, ec, "k1", c);
    ASSERT_EQ(apigw__jwt_verify(tok, jwks, ISS, auds, NOW, &out, &err), 0);
    ASSERT_STREQ(json_string_value(json_object_get(out, "sub")), "user-1");
    json_decref(out);
    free(tok);
    /* signed by another key under the same kid */
    tok = sign(other, ec, "k1", c);
    ASSERT_EQ(apigw__jwt_verify(tok, jwks, ISS, auds, NOW, &out, &err), -1);
    ASSERT_STREQ(err, "bad signature");
    free(tok);
    /* unknown kid */
    tok = sign(pk, ec, "k2", c);
    ASSERT_EQ(apigw__jwt_verify(tok, jwks, ISS, auds, NOW, &out, &err), -1);
    ASSERT_STREQ(err, "no matching key");
    free(tok);
    /* wrong issuer / audience */
    tok = sign(pk, ec, "k1", c);
    ASSERT_EQ(apigw__jwt_verify(tok, jwks, "https://other", auds, NOW, &out, &err), -1);
    ASSERT_STREQ(err, "issuer mismatch");
    json_t *auds2 = json_pack("[s]", "someone-else");
    ASSERT_EQ(apigw__jwt_verify(tok, jwks, ISS, auds2, NOW, &out, &err), -1);
    ASSERT_STREQ(err, "audience mismatch");
    json_decref(auds2);
    /* expired, not yet valid */
    ASSERT_EQ(apigw__jwt_verify(tok, jwks, ISS, auds, NOW + 601, &out, &err), -1);
    ASSERT_STREQ(err, "token expired");
    ASSERT_EQ(apigw__jwt_verify(tok, jwks, ISS, auds, NOW - 20, &out, &err), -1);
    ASSERT_STREQ(err, "token not yet valid");
    /* a tampered payload */
    char *dot = strchr(tok, '.');
    dot[2] = dot[2] == 'A' ? 'B' : 'A';
    ASSERT_EQ(apigw__jwt_verify(tok, jwks, ISS, auds, NOW, &out, &err), -1);
    free(tok);
    json_decref(c);
    json_decref(jwks);
    json_decref(auds);
    EVP_PKEY_free(pk);
    EVP_PKEY_free(other);
}

TEST(jwt_rs256)
{
    check_key(0);
}

TEST(jwt_es256)
{
    check_key(1);
}

TEST(jwt_malformed_tokens)
{
    json_t *jwks = json_pack("{s:[]}", "keys"), *out;
    const char *err;
    static const char *const bad[] = {"", "abc", "a.b", "a.b.c.d", "!!.!!.!!", "e30.e30.", "eyJhbGciOiJub25lIn0.e30."};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ASSERT_EQ(apigw__jwt_verify(bad[i], jwks, ISS, NULL, NOW, &out, &err), -1);
    json_decref(jwks);
}
