/* auth.h — authorizers of the data plane.
 *
 * HTTP APIs: JWT authorizers (issuer, audience, scopes, RS256/ES256 against a
 * JWKS from a URL or file; claims into requestContext.authorizer.jwt) and
 * Lambda REQUEST authorizers (simple or IAM-policy responses). REST APIs:
 * Lambda TOKEN and REQUEST authorizers with IAM-policy responses. WebSocket
 * APIs: Lambda REQUEST authorizers on $connect (identity sources
 * "route.request.header.X" / "route.request.querystring.q"). Lambda
 * results are cached by identity source for the authorizer's TTL. On success
 * dp->authorizer_ctx is set and next(dp) runs; otherwise the gateway answers
 * 401/403/500 itself. */
#ifndef NB_APIGW_AUTH_H
#define NB_APIGW_AUTH_H
#include "apigw/dp.h"

void apigw__auth_http(apigw_dp_t *dp, json_t *authorizer, apigw_dp_next_fn next);
void apigw__auth_rest(apigw_dp_t *dp, json_t *authorizer, apigw_dp_next_fn next);
/* WebSocket APIs: a Lambda REQUEST authorizer on $connect, called with event
 * (stolen: the $connect event) plus type and methodArn; IAM-policy answers. */
void apigw__auth_ws(apigw_dp_t *dp, json_t *authorizer, json_t *event, apigw_dp_next_fn next);
/* AWS_IAM routes and methods: the request's SigV4 signature (service
 * "execute-api") and execute-api:Invoke on the method ARN
 * (".../{api}/{stage}/{METHOD}/{path}", WebSocket ".../{api}/{stage}/$connect")
 * through the central evaluator (src/auth). 0 when allowed; else the gateway
 * has answered 403 and -1. */
int apigw__iam_authorize(apigw_dp_t *dp);
/* Forget cached authorizer results. */
void apigw__auth_cache_reset(void);
/* Forget the cached results of the authorizers in authorizers (an API's
 * object id → authorizer, borrowed; FlushStageAuthorizersCache,
 * ResetAuthorizersCache). The cache is per authorizer, not per stage. */
void apigw__auth_cache_flush(json_t *authorizers);

#endif
