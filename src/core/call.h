/* call.h — internal calls: one operation of a service run in-process, as a
 * given principal, its reply captured by a callback.
 *
 * A service that acts on another service on a caller's behalf (API Gateway's
 * AWS integrations; later SNS → SQS, EventBridge targets, HTTP APIs'
 * IntegrationSubtype integrations) describes the request as it would arrive
 * over HTTP — method, request-target, headers, body, the service's signing
 * name — and names who makes it (an access key the credential store knows:
 * an STS session of a role, a caller's key; or root). nb_call builds an
 * nb_req_t from it and runs the edge's own path: identification of the
 * operation (the service name narrows it, as a SigV4 credential scope does),
 * body decoding, authorization by src/auth from the operation's IAM action and
 * resource (no signature: the identity is given), the handler. Operations,
 * errors and IAM therefore behave exactly as over HTTP. Nothing goes over a
 * socket. The reply (status, headers, body in the protocol's exact shape) goes
 * to done, exactly once, on the loop thread — possibly before nb_call returns
 * (a handler that answers at once, a refusal), otherwise later (after a
 * durable commit, a function's answer). The reply's memory is valid during
 * done only. */
#ifndef NB_CALL_H
#define NB_CALL_H
#include <stddef.h>
#include "core/request.h"

typedef struct nb_call_reply {
    int status;
    const nb_kv_t *headers;    /* as the service set them (x-amzn-RequestId, Content-Type…) */
    size_t n_headers;
    const char *body;          /* not NUL-terminated */
    size_t body_len;
    const char *request_id;    /* the internal request's id */
} nb_call_reply_t;

typedef void (*nb_call_done_fn)(void *arg, const nb_call_reply_t *reply);

typedef struct nb_call {
    const char *service;       /* signing name: "dynamodb", "lambda"… (routes like a SigV4 scope) */
    const char *method;        /* NULL: "POST" */
    const char *target;        /* request-target "/path?query", raw (percent-encoded); NULL: "/" */
    const nb_kv_t *headers;    /* names in any case: X-Amz-Target, Content-Type… */
    size_t n_headers;
    const char *body;
    size_t body_len;
    const char *access_key;    /* the caller: a key of the credential store */
    int as_root;               /* no access_key: run as root. Without it (and without a key) the
                                  call is refused as unauthenticated — never root by omission */
    const char *source_ip;     /* aws:SourceIp; NULL: absent (a service's own call comes from no
                                  client: on AWS it carries the service's address, which no
                                  customer's IP condition names) */
    const nb_req_t *cause;     /* the request being served that makes this call, or NULL: calls
                                  made while serving calls nest, at most NB_CALL_MAX_DEPTH deep */
} nb_call_t;

/* Nesting bound: an integration that calls what calls it again (API Gateway's
 * TestInvokeMethod of its own method) ends with a 500 InternalFailure reply
 * there instead of recursing without end. */
#define NB_CALL_MAX_DEPTH 8

/* Run c (copied: nothing of it is needed after the call). */
void nb_call(nb_ctx_t *ctx, const nb_call_t *c, nb_call_done_fn done, void *arg);

/* reply.c: hand an internal call's reply to its callback and free req. */
void nb_call_reply(nb_req_t *req, int status, const nb_kv_t *headers, size_t n_headers, const void *body,
                   size_t len);
/* edge: the signing name an internal call routes by (NULL: not one). */
const char *nb_call_service(const nb_req_t *req);
/* auth: the access key an internal call runs as (NULL: none); whether it runs as root. */
const char *nb_call_access_key(const nb_req_t *req);
int nb_call_as_root(const nb_req_t *req);

#endif
