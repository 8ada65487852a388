/* stubs.c — temporary */
#include "apigw/dp.h"
#include "apigw/auth.h"
#include "apigw/validate.h"
void apigw__dp_http_proxy(apigw_dp_t *dp) { apigw__dp_message(dp, 500, "Internal Server Error"); }
void apigw__dp_mock(apigw_dp_t *dp) { apigw__dp_message(dp, 500, "Internal Server Error"); }
void apigw__dp_lambda_custom(apigw_dp_t *dp) { apigw__dp_message(dp, 500, "Internal Server Error"); }
int apigw__api_key_check(apigw_dp_t *dp) { (void)dp; return -1; }
int apigw__throttle_rest(apigw_dp_t *dp) { (void)dp; return 0; }
int apigw__validate_request(struct apigw_dp *dp) { (void)dp; return 0; }
void apigw__auth_http(apigw_dp_t *dp, json_t *authorizer, apigw_dp_next_fn next) { (void)authorizer; next(dp); }
void apigw__auth_rest(apigw_dp_t *dp, json_t *authorizer, apigw_dp_next_fn next) { (void)authorizer; next(dp); }
