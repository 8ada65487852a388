/* ws_event.c — the Lambda proxy events of WebSocket routes ($connect,
 * $disconnect, custom and $default routes): the requestContext every one
 * carries, and the gateway's own messages to clients. Pure. */
#include "apigw/ws_int.h"
#include "apigw/event.h"
#include "core/util.h"
#include <string.h>

json_t *apigw__ws_event(const apigw_ws_info_t *ci, const char *event_type, const char *route_key,
                        const char *request_id, const char *message_id, uint64_t now_ms)
{
    char when[40];
    apigw__clf_time(now_ms, when, sizeof when);
    json_t *rc = json_object();
    json_object_set_new(rc, "routeKey", json_string(route_key));
    if (message_id) json_object_set_new(rc, "messageId", json_string(message_id));
    if (strcmp(event_type, "CONNECT") == 0) {
        /* a captured $connect event names these, null (gist noid11/4aa8933d…);
         * captured MESSAGE and DISCONNECT events leave out what does not apply */
        json_object_set_new(rc, "disconnectStatusCode", json_null());
        json_object_set_new(rc, "messageId", json_null());
        json_object_set_new(rc, "disconnectReason", json_null());
    }
    json_object_set_new(rc, "eventType", json_string(event_type));
    json_object_set_new(rc, "extendedRequestId", json_string(request_id));
    json_object_set_new(rc, "requestTime", json_string(when));
    json_object_set_new(rc, "messageDirection", json_string("IN"));
    json_object_set_new(rc, "stage", json_string(ci->stage));
    json_object_set_new(rc, "connectedAt", json_integer((json_int_t)ci->connected_at));
    json_object_set_new(rc, "requestTimeEpoch", json_integer((json_int_t)now_ms));
    json_object_set_new(rc, "identity", json_pack("{s:s,s:s}", "userAgent", ci->user_agent ? ci->user_agent : "",
                                                  "sourceIp", ci->source_ip ? ci->source_ip : ""));
    json_object_set_new(rc, "requestId", json_string(request_id));
    json_object_set_new(rc, "domainName", json_string(ci->domain ? ci->domain : ""));
    json_object_set_new(rc, "connectionId", json_string(ci->connection_id));
    json_object_set_new(rc, "apiId", json_string(ci->api_id));
    if (ci->authorizer) json_object_set(rc, "authorizer", ci->authorizer);
    return json_pack("{s:o,s:b}", "requestContext", rc, "isBase64Encoded", 0);
}

void apigw__ws_gateway_message(nb_buf_t *out, const char *msg, const char *connection_id, const char *request_id)
{
    nb_buf_puts(out, "{\"message\": \"");
    nb_buf_json_escape(out, msg, strlen(msg));
    nb_buf_puts(out, "\", \"connectionId\":\"");
    nb_buf_json_escape(out, connection_id, strlen(connection_id));
    nb_buf_puts(out, "\", \"requestId\":\"");
    nb_buf_json_escape(out, request_id, strlen(request_id));
    nb_buf_puts(out, "\"}");
}
