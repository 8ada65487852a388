/* http_server.h — HTTP/1.1 listeners on the event loop (libuv + llhttp, through http_parse.h).
 *
 * One listener accepts connections and turns each complete request into an
 * nb_req_t handed to its dispatch function. It owns framing and fairness:
 * keep-alive, pipelined requests answered in order, Content-Length and chunked
 * bodies, Expect: 100-continue, header/body size limits, read and idle
 * timeouts, a connection limit. The edge (port 4566) is one listener; the
 * Lambda Runtime API uses others (one per function instance). */
#ifndef NB_HTTP_SERVER_H
#define NB_HTTP_SERVER_H
#include <stddef.h>
#include "core/request.h"

struct sockaddr;

typedef struct nb_http_server nb_http_server_t;
struct nb_hmsg;

typedef struct nb_http_limits {
    size_t max_header_bytes;     /* request line + headers; over → 431 and close */
    size_t max_body_bytes;       /* over → 413 and close */
    unsigned header_timeout_ms;  /* a request's head must arrive within this */
    unsigned body_timeout_ms;    /* no body progress for this long → close */
    unsigned idle_timeout_ms;    /* keep-alive connection idle → close */
    unsigned max_connections;    /* beyond: accept and close at once */
    unsigned max_pipeline;       /* requests parsed ahead of replies per connection */
    /* NULL, or a request's own body limit from its head (see http_parse.h):
     * above max_body_bytes it raises the limit for that request, and a body
     * over it is drained and dispatched with req->body_dropped set. */
    size_t (*body_limit)(const struct nb_hmsg *m);
    /* 1: replies to pipelined requests are held while a later request of the
     * same connection still awaits its own, and go out with it in one write.
     * For clients that pipeline and then wait for the last answer (the Lambda
     * Runtime API's native runner: POST response + GET next), it saves them a
     * wake-up per request; never for clients that need each answer at once. */
    int hold_pipelined;
    /* NULL, or called for each accepted connection with the listener's data and
     * the peer's and our own address: non-zero closes it at once, unread (the
     * Lambda Runtime API admits only its own instance's processes). */
    int (*admit)(void *data, const struct sockaddr *peer, const struct sockaddr *local);
} nb_http_limits_t;

#define NB_HTTP_MAX_BODY_DEFAULT (16u << 20)

/* Defaults used by the edge: 64 KiB headers, 16 MiB bodies, 10 s head, 30 s body
 * progress, 60 s idle, 10,000 connections, 64 pipelined. */
void nb_http_limits_default(nb_http_limits_t *l);

typedef void (*nb_http_dispatch_fn)(nb_req_t *req, void *data);

/* Listen on host:port (port 0 picks a free one, reported in *bound_port).
 * dispatch runs on the loop thread for every complete request. 0 or -errno. */
int nb_http_server_start(nb_http_server_t **out, nb_ctx_t *ctx, const char *host, int port,
                         const nb_http_limits_t *limits, nb_http_dispatch_fn dispatch,
                         void *data, int *bound_port);

/* Stop accepting; requests in flight are answered, then connections close and
 * done(arg) runs (may be NULL). The server is freed after done. */
void nb_http_server_stop(nb_http_server_t *srv, void (*done)(void *arg), void *arg);

/* The one output path: write the response of req (status line, the given headers,
 * Content-Length, Connection handling) in request order on its connection, then
 * free req. headers may be NULL; body is copied. Used by reply.c; services call
 * nb_reply*() instead. */
void nb_http_send(nb_req_t *req, int status, const nb_kv_t *headers, size_t n_headers,
                  const void *body, size_t len);

/* Number of open connections (for health and tests). */
unsigned nb_http_server_connections(const nb_http_server_t *srv);

/* ---- connection upgrade (WebSocket) ---------------------------------------
 * A request carrying "Connection: Upgrade" + "Upgrade: x" is the last one its
 * connection parses before the handler decides: the bytes after it wait
 * unparsed. Answered with nb_http_send (a refusal), the connection goes on
 * with HTTP/1.1 (as a client must accept). Answered with nb_http_upgrade, the
 * connection becomes a byte stream owned by the handler. */
typedef struct nb_conn nb_conn_t;
/* Bytes from the peer (borrowed: valid during the call only). */
typedef void (*nb_conn_data_fn)(nb_conn_t *conn, void *arg, const char *data, size_t len);
/* The connection has ended; conn is invalid once this returns. */
typedef void (*nb_conn_close_fn)(nb_conn_t *conn, void *arg);

/* 1 when req asked to switch protocols (see above). */
int nb_http_is_upgrade(const nb_req_t *req);

/* Answer req with "101 Switching Protocols", the given headers (may be NULL)
 * and "Connection: Upgrade", and hand the connection over: from the next loop
 * iteration on, every byte the peer sends (starting with any sent after the
 * request) goes to on_data; on_close runs exactly once when the connection
 * ends (peer close or reset, nb_conn_close, write error, server stop). req is
 * freed. Returns NULL (req freed, no callback will run) when the connection
 * is already gone, the client has finished sending (its EOF read, or waiting
 * unread in the socket: answered 400, then closed) or the request was not an
 * upgrade at the head of its connection. */
nb_conn_t *nb_http_upgrade(nb_req_t *req, const nb_kv_t *headers, size_t n_headers,
                           nb_conn_data_fn on_data, nb_conn_close_fn on_close, void *arg);

/* Send bytes (copied) on an upgraded connection, in order. 0, or -1 when it is
 * closing (nothing sent). */
int nb_conn_write(nb_conn_t *conn, const void *data, size_t len);

/* Bytes written with nb_conn_write that the socket has not taken yet. */
size_t nb_conn_backlog(const nb_conn_t *conn);

/* End an upgraded connection: what is queued is sent, then FIN; input is
 * discarded until the peer closes (bounded linger); on_close follows. */
void nb_conn_close(nb_conn_t *conn);

/* When the server stops (SIGTERM) with conn open, on_stop runs once instead
 * of the plain close: the owner ends the connection its protocol's way (a
 * WebSocket sends its close frame, 1001) and must call nb_conn_close. */
typedef void (*nb_conn_stop_fn)(nb_conn_t *conn, void *arg);
void nb_conn_on_server_stop(nb_conn_t *conn, nb_conn_stop_fn on_stop);

#endif
