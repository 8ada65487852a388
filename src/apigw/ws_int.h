/* ws_int.h — WebSocket APIs' connection layer, shared by its files:
 *   ws_open.c   the connection request: handshake, $connect authorizer and integration, 101
 *   ws_conn.c   open connections: frames in and out, message routing, limits, $disconnect
 *   ws_call.c   a route's call once OPEN (Lambda proxy, MOCK, AWS, HTTP), the answer back
 *   ws_map.c    non-proxy integrations' templates and integration responses (VTL engine)
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
/* The integration a route targets (borrowed), or NULL. */
json_t *apigw__ws_route_integration(json_t *doc, json_t *route);
/* The function a route's AWS_PROXY integration calls (arena; stage variables
 * substituted), or NULL; *timeout_ms (may be NULL) gets its timeout (29 s default). */
const char *apigw__ws_route_function(nb_arena_t *a, json_t *stage, json_t *doc, json_t *route, unsigned *timeout_ms);
/* The function integ's integrationUri names (arena; stage variables
 * substituted), or NULL. */
const char *apigw__ws_integration_function(nb_arena_t *a, json_t *stage, json_t *integ);
/* integ's timeoutInMillis, 29 s when it has none. */
unsigned apigw__ws_integration_timeout(json_t *integ);
/* The OPEN connection with id (borrowed), or NULL. */
apigw_ws_t *apigw__ws_find(const char *id);
/* Send data as one text frame (binary when it is not UTF-8). 0, or -1 when the
 * connection is closing. */
int apigw__ws_send(apigw_ws_t *ws, const void *data, size_t len);
/* Close from the server (DeleteConnection): close frame code, then FIN;
 * $disconnect follows. */
void apigw__ws_disconnect(apigw_ws_t *ws, unsigned code);

/* Send a frame of opcode (-1 when the connection is closing). */
int apigw__ws_send_frame(apigw_ws_t *ws, int opcode, const void *data, size_t len);
/* Send the gateway's own {"message": msg, "connectionId", "requestId"} frame. */
void apigw__ws_gw_message(apigw_ws_t *ws, const char *msg, const char *request_id);
/* uri with ${stageVariables.x} replaced from stage's stageVariables (arena). */
const char *apigw__ws_stage_subst(nb_arena_t *a, json_t *stage, const char *uri);

/* --- ws_call.c: route calls once OPEN ---------------------------------------- */
/* One WebSocket event's access log line (CONNECT is ws_open.c's, through the
 * connection request). */
typedef struct apigw_ws_log {
    const apigw_ws_t *ws;
    const char *event, *route_key, *request_id, *message_id, *error;
    int status;
    uint64_t t_ms, t0_us;        /* when the event arrived: wall ms, monotonic us */
} apigw_ws_log_t;
void apigw__ws_access_log(const apigw_ws_log_t *l);
/* Call fn (AWS_PROXY) with event, bounded by timeout_ms; a two-way route's
 * answer goes back to the client; log: a MESSAGE's access log fields (NULL: none). */
void apigw__ws_invoke(apigw_ws_t *ws, const char *fn, unsigned timeout_ms, json_t *event, int two_way,
                      const char *request_id, const apigw_ws_log_t *log);
/* A non-proxy integration (MOCK, AWS, HTTP) for the message body (templates'
 * $context ctx; all borrowed): request template, call, integration response
 * back to a two-way route; the gateway's message on failure. */
void apigw__ws_run_mapped(apigw_ws_t *ws, json_t *stage, json_t *integ, json_t *ctx, const char *body, size_t len,
                          int two_way, const char *request_id, const apigw_ws_log_t *log);

/* --- ws_map.c: non-proxy integrations (MOCK, AWS to Lambda, HTTP) ----------- */
/* MOCK and after: through apigw__ws_run_mapped / $connect's mapped path (HTTP_PROXY
 * there skips templates and integration responses: the message and the answer pass as they are) */
enum { APIGW_WS_INT_NONE, APIGW_WS_INT_PROXY, APIGW_WS_INT_MOCK, APIGW_WS_INT_LAMBDA, APIGW_WS_INT_HTTP,
       APIGW_WS_INT_HTTP_PROXY };
/* What a route's integration is (integrationType). */
int apigw__ws_integration_kind(json_t *integ);
/* A route request as templates and requestParameters read it (all borrowed). */
typedef struct apigw_ws_mreq {
    json_t *integ, *stage;       /* the integration (its "_responses" inside), the stage */
    json_t *ctx;                 /* $context (apigw__ws_map_context) */
    json_t *params;              /* $input.params(): {"path","querystring","header"}, or NULL (empty) */
    const nb_kv_t *headers, *query;   /* $connect's request (route.request.header|querystring.x) */
    size_t n_headers, n_query;
    const char *body;            /* the message ("" for $connect and $disconnect) */
    size_t len;
} apigw_ws_mreq_t;
/* The backend's answer as integration responses read it. */
typedef struct apigw_ws_answer {
    const char *key;             /* what integration response keys match: the status, a Lambda errorMessage */
    int status;                  /* ${integration.response.statuscode} */
    const nb_kv_t *headers;      /* an HTTP backend's */
    size_t n_headers;
    const char *body;
    size_t len;
} apigw_ws_answer_t;
enum { APIGW_WS_MAP_FAILED = -1, APIGW_WS_MAP_REFUSED = -2, APIGW_WS_MAP_NO_RESPONSE = -3 };
/* Templates' $context: the route event's requestContext (+ accountId); new ref. */
json_t *apigw__ws_map_context(const apigw_ws_info_t *ci, const char *event_type, const char *route_key,
                              const char *request_id, const char *message_id, uint64_t t_ms);
/* The integration request's body into out: 0; APIGW_WS_MAP_REFUSED (no template
 * under passthroughBehavior NEVER / WHEN_NO_TEMPLATES), APIGW_WS_MAP_FAILED (the
 * template failed). */
int apigw__ws_map_request(nb_arena_t *a, const apigw_ws_mreq_t *m, nb_buf_t *out);
/* The client's copy of the backend's answer r into out (the integration
 * response's template and contentHandlingStrategy; *binary: 1 when
 * CONVERT_TO_BINARY made it bytes): 0; APIGW_WS_MAP_NO_RESPONSE (no
 * integration response for it), APIGW_WS_MAP_FAILED. */
int apigw__ws_map_response(nb_arena_t *a, const apigw_ws_mreq_t *m, const apigw_ws_answer_t *r, nb_buf_t *out,
                           int *binary);
/* A Lambda answer's errorMessage (its integration response key; arena), or NULL. */
const char *apigw__ws_lambda_key(nb_arena_t *a, const char *payload, size_t len);
/* A MOCK integration's status: the statusCode of its request template's output (200 without). */
int apigw__ws_mock_status(const char *out, size_t len);
/* An HTTP integration's request (arena): method (integrationMethod, POST by
 * default), URL (stage variables, mapped query string), headers (mapped, and
 * Content-Type application/json unless mapped). */
typedef struct apigw_ws_http {
    const char *method, *url;
    nb_kv_t *headers;
    size_t n_headers;
} apigw_ws_http_t;
void apigw__ws_map_http(nb_arena_t *a, const apigw_ws_mreq_t *m, apigw_ws_http_t *h);

#endif
