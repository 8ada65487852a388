/* ws_int.h — WebSocket APIs' connection layer, shared by its files:
 *   ws_open.c   the connection request: handshake, $connect authorizer and integration, 101
 *   ws_conn.c   open connections: frames in and out, message routing, limits, $disconnect
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
/* Switch req's connection to ws (req is freed): OPEN, registered, limits armed;
 * when the client is already gone, $disconnect runs at once. */
void apigw__ws_open(apigw_ws_t *ws, nb_req_t *req, const nb_kv_t *headers, size_t n_headers);
/* Drop a reference; the record is freed with the last one. */
void apigw__ws_unref(apigw_ws_t *ws);
/* A new connection, message or request id: 15 alphanumerics and '=' (as AWS's
 * look in captured events). */
void apigw__ws_new_id(char out[20]);
/* The event view of ws (borrowed strings). */
void apigw__ws_info(const apigw_ws_t *ws, apigw_ws_info_t *ci);
/* The document a stage of an API serves now (borrowed), or NULL; *stage_obj
 * (may be NULL) gets the stage (borrowed). */
json_t *apigw__ws_served(const char *api_id, const char *stage, json_t **stage_obj);
/* The route of doc with route_key key (borrowed), or NULL. */
json_t *apigw__ws_route(json_t *doc, const char *key);
/* The function a route's AWS_PROXY integration calls (arena; stage variables
 * substituted), or NULL; *timeout_ms (may be NULL) gets its timeout (29 s default). */
const char *apigw__ws_route_function(nb_arena_t *a, json_t *stage, json_t *doc, json_t *route, unsigned *timeout_ms);
/* The OPEN connection with id (borrowed), or NULL. */
apigw_ws_t *apigw__ws_find(const char *id);
/* Send data as one text frame (binary when it is not UTF-8). 0, or -1 when the
 * connection is closing. */
int apigw__ws_send(apigw_ws_t *ws, const void *data, size_t len);
/* Close from the server (DeleteConnection): close frame code, then FIN;
 * $disconnect follows. */
void apigw__ws_disconnect(apigw_ws_t *ws, unsigned code);

#endif
