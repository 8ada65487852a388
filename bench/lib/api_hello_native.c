/* api_hello_native.c — a native handler for an HTTP API route (benchmark only):
 * answers every payload 2.0 event with a fixed {"statusCode":200,...} without
 * reading it, so a run through API Gateway measures the gateway and the
 * invoke, not the handler (bench/lib/api_native_ab.sh). */
#include <nimbus/lambda.h>

static const char answer[] =
    "{\"statusCode\":200,\"headers\":{\"content-type\":\"application/json\"},\"body\":\"{\\\"hello\\\":\\\"world\\\"}\"}";

int nimbus_handler(const nimbus_event_t *event, nimbus_response_t *resp, const nimbus_context_t *ctx)
{
    (void)event;
    (void)ctx;
    nimbus_response_set_ref(resp, answer, sizeof answer - 1);
    return 0;
}
