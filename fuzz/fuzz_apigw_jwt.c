/* fuzz_apigw_jwt.c — JWT verification (src/apigw/jwt.c) on arbitrary tokens
 * and key sets: the base64url decoder, the header and claims JSON, the JWKS
 * keys (RSA n/e, EC x/y made into OpenSSL keys), signature checks and the
 * claim rules.
 *
 * Input: "<token>\0<jwks>" — the JWKS part is optional; when absent or not
 * JSON, a fixed set of one RSA and one P-256 public key is used (the seeds in
 * fuzz/corpus/apigw_jwt/ are tokens those keys' private halves signed, so
 * the fuzzer starts past the signature check). The clock is fixed.
 * Promises: no crash, no leak; a rejection always carries a reason; an
 * accepted token's claims are an object. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "apigw/jwt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char DEFAULT_JWKS[] =
    "{\"keys\":["
    "{\"kty\":\"RSA\",\"key_ops\":[\"verify\"],\"n\":\"ixU0JFOtwRsv3lyzQW6dZCg0wd0oCarEUnkFRYly"
    "b87egoMU4A5OjfRvA1eUlf7ORBgeit_bWaXZZn44loYachGDDL_KMsFGA1aer0wQm3HTYdpR5QLiybGEVSeu2KwT9m"
    "YCdDa2C2Jnd_GUqFAw3OOeBkfXEIr-05vMQ3OQFoxXYUyPYTu0f5g3aY4qoKFpZg4D29ry6sC9s9xmu8nAFlsVJtJd"
    "zlOcPSjCOH9RNNHSRUSkA9QnKcazX4xzNGO2eT2wX1S-wPECSum1-F1tpVQDbXRj77mdYsPVkXeYy8vbPJ48zXFFRY"
    "Hej4nKtDfzN7bClfslWpy9ShSu8AwUgQ\",\"e\":\"AQAB\",\"kid\":\"rsa1\"}"
    ","
    "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"lQ97j5EtUNjTuz_1TrFRdaV1LKI0KNP03oJqCAPvJX0\",\""
    "y\":\"joSEBepGgZ78F2SjlHitfO24Uzhse7WrqkpLfeJGIaE\",\"kid\":\"ec1\"}"
    "]}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 16384) return 0;
    const char *nul = memchr(data, 0, size);
    size_t tlen = nul ? (size_t)(nul - (const char *)data) : size;
    char *token = malloc(tlen + 1);
    memcpy(token, data, tlen);
    token[tlen] = 0;
    json_t *jwks = nul ? json_loadb(nul + 1, size - tlen - 1, JSON_ALLOW_NUL, NULL) : NULL;
    if (!jwks) jwks = json_loads(DEFAULT_JWKS, 0, NULL);
    json_t *aud = json_pack("[s]", "my-app");
    json_t *claims = NULL;
    const char *err = NULL;
    if (apigw__jwt_verify(token, jwks, "https://issuer.example", aud, 1800000000, &claims, &err) == 0) {
        if (!json_is_object(claims)) abort();
        json_decref(claims);
    } else if (!err) {
        abort();
    }
    /* the decoder alone, on the whole input */
    unsigned char *raw = NULL;
    size_t raw_len = 0;
    if (apigw__b64url_decode((const char *)data, size, &raw, &raw_len) == 0) free(raw);
    json_decref(aud);
    json_decref(jwks);
    free(token);
    return 0;
}
