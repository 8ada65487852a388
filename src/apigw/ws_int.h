/* ws_int.h — WebSocket APIs' connection layer, shared by its files:
 *   ws_conn.c   handshake, $connect, frames in and out, message routing, $disconnect
 *   ws_event.c  the Lambda proxy events of WebSocket routes (pure)
 *   ws_mgmt.c   the @connections management API (service "execute-api")
 *
 * A connection (apigw_ws_t) is heap memory, registered by id while OPEN.
 *
 *   CONNECTING --$connect 2xx / no $connect--> OPEN --close frame, drop, DELETE,
 *        |                                       |      protocol error--> GONE
 *        └--$connect refused / failed--> (freed, never registered)
 *
 * Lambda calls in flight and the limit timer hold a reference (refs); the
 * record is freed when it is GONE, the last call has answered and the timer
 * handle is closed. Limits as API Gateway's, configurable for tests:
 * apigw.ws_idle_timeout_ms (600000) and apigw.ws_max_duration_ms (7200000),
 * both ending the connection with close code 1001 "Going away". Documents are never kept: each
 * message looks its API, stage and route up again, as a redeploy would. */
#ifndef NB_APIGW_WS_INT_H
#define NB_APIGW_WS_INT_H
#include <stdint.h>
#include <jansson.h>
#include <uv.h>
#include "core/http_server.h"
#include "apigw/ws_rx.h"

enum { APIGW_WS_CONNECTING, APIGW_WS_OPEN, APIGW_WS_GONE };

typedef struct apigw_ws {
    char id[20];                 /* connectionId */
    int state;
    int refs;                    /* 1 for the connection + 1 per Lambda call in flight */
    nb_conn_t *conn;             /* while OPEN */
    char *api_id, *stage, *domain, *source_ip, *user_agent;   /* heap */
    uint64_t connected_at, last_active;   /* Unix ms */
    unsigned close_code;         /* disconnectStatusCode */
    char *close_reason;          /* disconnectReason (heap) */
    json_t *authorizer;          /* $connect authorizer's context (ref) for every event, or NULL */
    apigw_ws_rx_t rx;
    uv_timer_t timer;            /* idle (10 min) and lifetime (2 h) limits, while OPEN */
    int timer_on;
    struct apigw_ws *hnext;      /* registry bucket chain */
} apigw_ws_t;

/* What a route event says about its connection. */
typedef struct apigw_ws_info {
    const char *api_id, *stage, *connection_id, *domain, *source_ip, *user_agent, *account;
    uint64_t connected_at;
    json_t *authorizer;          /* requestContext.authorizer (borrowed), or NULL */
} apigw_ws_info_t;

/* --- ws_event.c ----------------------------------------------------------- */
/* {"requestContext": {...}, "isBase64Encoded": false} for event_type CONNECT,
 * MESSAGE or DISCONNECT and route_key; message_id for MESSAGE (else NULL).
 * New reference; the caller adds headers / body. */
json_t *apigw__ws_event(const apigw_ws_info_t *ci, const char *event_type, const char *route_key,
                        const char *request_id, const char *message_id, uint64_t now_ms);
/* The message the gateway sends a client itself:
 * {"message": msg, "connectionId": id, "requestId": rid} appended to out. */
void apigw__ws_gateway_message(nb_buf_t *out, const char *msg, const char *connection_id, const char *request_id);

/* --- ws_conn.c ------------------------------------------------------------ */
/* The OPEN connection with id (borrowed), or NULL. */
apigw_ws_t *apigw__ws_find(const char *id);
/* Send data as one text frame (binary when it is not UTF-8). 0, or -1 when the
 * connection is closing. */
int apigw__ws_send(apigw_ws_t *ws, const void *data, size_t len);
/* Close from the server (DeleteConnection): close frame code, then FIN;
 * $disconnect follows. */
void apigw__ws_disconnect(apigw_ws_t *ws, unsigned code);

#endif
