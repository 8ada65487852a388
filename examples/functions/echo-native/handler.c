/* echo-native — the nimbus.native runtime's echo: returns its event unchanged,
 * without copying it (the response borrows the event's bytes).
 *
 *   cc -O2 -shared -fPIC -o handler.so handler.c -I../../../include
 *   zip echo.zip handler.so
 *   aws lambda create-function --function-name echo-native --runtime nimbus.native \
 *       --handler handler.so --zip-file fileb://echo.zip --role arn:aws:iam::000000000000:role/x */
#include <nimbus/lambda.h>

int nimbus_handler(const nimbus_event_t *event, nimbus_response_t *resp, const nimbus_context_t *ctx)
{
    (void)ctx;
    nimbus_response_set_ref(resp, event->data, event->len);
    return 0;
}
