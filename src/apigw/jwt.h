/* jwt.h — JSON Web Tokens for HTTP API JWT authorizers.
 *
 * apigw__jwt_verify() is pure: token + JWKS + expectations → claims. RS256
 * and ES256 signatures are checked with OpenSSL against the JWKS key named
 * by the token's "kid" (or the only key). Then iss must equal the issuer,
 * aud (or client_id) must contain one of the audiences (when any are
 * configured), exp must be in the future and nbf not. */
#ifndef NB_APIGW_JWT_H
#define NB_APIGW_JWT_H
#include <stdint.h>
#include <jansson.h>

/* 0 with *claims (new reference) or -1 with *err (static reason). */
int apigw__jwt_verify(const char *token, json_t *jwks, const char *issuer, json_t *audiences, uint64_t now_s,
                      json_t **claims, const char **err);

/* base64url (no padding) decode into out (caller frees *out); -1 on bad input. */
int apigw__b64url_decode(const char *s, size_t n, unsigned char **out, size_t *out_len);

struct apigw_dp;
typedef void (*apigw_jwt_next_fn)(struct apigw_dp *dp);
/* The data-plane step (jwt_auth.c): verify the bearer token of dp against
 * the authorizer az, then next(dp) or a 401/403 answer. */
void apigw__jwt_authorize(struct apigw_dp *dp, json_t *az, apigw_jwt_next_fn next);
/* Forget downloaded key sets. */
void apigw__jwks_cache_reset(void);

#endif
