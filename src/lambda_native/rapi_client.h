/* rapi_client.h — the native runner's minimal HTTP/1.1 client for the Lambda
 * Runtime API: one persistent blocking connection (TCP_NODELAY), requests
 * written with one writev, responses parsed for exactly what the runner
 * needs — the status line, Content-Length, Connection and the
 * Lambda-Runtime-* headers. Nothing else of HTTP is supported: a response
 * with Transfer-Encoding is refused as bad input.
 *
 * Internal to src/lambda_native (prefix lambda_native__). */
#ifndef LAMBDA_NATIVE_RAPI_CLIENT_H
#define LAMBDA_NATIVE_RAPI_CLIENT_H

#include <stddef.h>
#include <sys/socket.h>
#include <sys/uio.h>

/* What a parsed response head holds. String fields point into the
 * connection's buffer, NUL-terminated in place; NULL when absent. */
typedef struct lambda_native_head {
    int status;
    size_t head_len;        /* bytes of status line + headers + blank line */
    size_t content_length;  /* 0 when absent */
    int conn_close;         /* "Connection: close" */
    const char *request_id; /* Lambda-Runtime-Aws-Request-Id */
    const char *deadline_ms;
    const char *function_arn;
    const char *trace_id;
    const char *client_context;
    const char *cognito_identity;
    const char *body; /* content_length bytes + a NUL (set by the client) */
} lambda_native_head_t;

/* Parses the response head at buf[0..len). Returns the head's length (>0),
 * -2 if the head is not complete yet, -1 on bad input (no status line,
 * malformed or duplicate Content-Length, Transfer-Encoding). Only writes to
 * buf when the head is complete: header values are NUL-terminated in place. */
long lambda_native__parse_head(char *buf, size_t len, lambda_native_head_t *out);

/* One request: up to three iovecs (head, body). Borrowed: valid during the
 * exchange call. */
typedef struct lambda_native_req {
    struct iovec iov[3];
    int iovcnt;
} lambda_native_req_t;

typedef struct lambda_native_conn {
    int fd;                         /* -1 when not connected */
    struct sockaddr_storage addr;
    socklen_t addrlen;
    char *buf;                      /* responses; owned */
    size_t cap, len, off;           /* bytes held; off = start of unread bytes */
} lambda_native_conn_t;

/* Resolves "host:port" (numeric or name, [v6]:port). 0, or -1 with a message
 * on stderr. Does not connect yet. */
int lambda_native__conn_init(lambda_native_conn_t *c, const char *hostport);
void lambda_native__conn_close(lambda_native_conn_t *c);

/* Sends reqs[0..n) back to back (HTTP/1.1 pipelining: the Runtime API answers
 * in order) and reads the n responses. statuses[i] gets each status; *last
 * the full head of the last response, whose strings and body stay valid
 * until the next exchange. A connection the server closed while idle is
 * reopened once and the unanswered requests re-sent. 0, or -1 on a transport
 * failure or bad response (message on stderr). */
int lambda_native__conn_exchange(lambda_native_conn_t *c, const lambda_native_req_t *reqs, int n,
                                 int *statuses, lambda_native_head_t *last);

#endif
