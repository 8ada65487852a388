/* stubs.c — temporary */
#include "apigw/dp.h"
#include "apigw/auth.h"
#include "apigw/validate.h"
void apigw__dp_mock(apigw_dp_t *dp) { apigw__dp_message(dp, 500, "Internal Server Error"); }
void apigw__dp_lambda_custom(apigw_dp_t *dp) { apigw__dp_message(dp, 500, "Internal Server Error"); }
