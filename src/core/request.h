/* request.h — one AWS request as a service handler sees it, and the replies.
 *
 * The edge parses the HTTP request, identifies service and operation, decodes
 * the body for the protocol (JSON document, form fields) and calls the
 * operation's handler. All strings here are NUL-terminated and live in
 * req->arena: valid until the reply has been sent; the handler may not modify
 * them. Allocate request-scoped memory from req->arena.
 *
 * Exactly one nb_reply*() call ends every request, synchronously in the
 * handler or later from a callback on the loop thread. If the client has gone
 * away meanwhile the reply is dropped; req stays valid until that call. */
#ifndef NB_REQUEST_H
#define NB_REQUEST_H
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "core/arena.h"
#include "core/errors.h"
#include "core/service.h"
#include "core/ctx.h"

typedef struct nb_kv {
    const char *name;
    const char *value;
    size_t value_len;
} nb_kv_t;

struct nb_req {
    nb_arena_t *arena;
    nb_ctx_t *ctx;

    /* HTTP request */
    const char *method;        /* "GET", "POST", ... */
    const char *raw_target;    /* request-target as sent, e.g. "/a%20b?x=1" */
    const char *raw_path;      /* path part of raw_target, not decoded */
    const char *path;          /* percent-decoded path */
    const char *query;         /* raw query string without '?', "" when none */
    nb_kv_t *headers;          /* names lower-cased; values trimmed */
    size_t n_headers;
    const char **raw_names;    /* names as the client spelled them (NULL: all were lower-case);
                                  nb_req_header_name_as_sent() */
    const char *body;          /* body (de-chunked), NUL-terminated; "" when none */
    size_t body_len;
    size_t body_dropped;       /* >0: a body over its raised limit, drained (body is "") */
    const char *host;          /* Host header without port, lower-cased ("" when absent) */
    char remote_addr[64];      /* "127.0.0.1" */
    int secure;                /* arrived over TLS */

    char id[40];               /* request id (UUID), sent back as x-amzn-RequestId */
    uint64_t start_us;         /* nb_now_us() when the request was complete */

    /* routing, filled by the edge before the handler runs */
    const nb_service_t *svc;
    const nb_op_t *op;
    nb_kv_t *params;           /* REST path parameters, decoded */
    size_t n_params;
    nb_kv_t *qparams;          /* query-string parameters, decoded, in order */
    size_t n_qparams;
    nb_kv_t *form;             /* Query protocol: form fields (body or query string), decoded */
    size_t n_form;
    json_t *json;              /* JSON protocols: parsed body object ({} when empty); owned by req */

    /* identity, filled by authentication (security issue) */
    const char *principal_arn;
    const char *access_key;

    void *priv;                /* the HTTP listener's; services must not touch */
    struct nb_call_state *call;/* an internal call's (core/call.h), NULL over HTTP; services must not touch */
    struct nb_edge_state *edge;/* the edge's (response headers...); services must not touch */
};

/* Lookups return NULL when absent; names are case-insensitive for headers. */
const char *nb_req_header(const nb_req_t *req, const char *name);
const char *nb_req_param(const nb_req_t *req, const char *name);
const char *nb_req_qparam(const nb_req_t *req, const char *name);
const char *nb_req_form(const nb_req_t *req, const char *name);
/* Header I's name as the client spelled it (REST APIs hand functions that spelling). */
static inline const char *nb_req_header_name_as_sent(const nb_req_t *req, size_t i)
{
    return req->raw_names ? req->raw_names[i] : req->headers[i].name;
}

/* Add a response header (copied). Call before the nb_reply*() that ends req. */
void nb_resp_header(nb_req_t *req, const char *name, const char *value);

/* End req with status and body (copied). content_type may be NULL. */
void nb_reply(nb_req_t *req, int status, const char *content_type, const void *body, size_t len);
/* End req with a JSON body in the service's content type (steals body; NULL = {}). */
void nb_reply_json(nb_req_t *req, int status, json_t *body);
/* End req with a Query-protocol success document: wraps result_xml (may be NULL) in
 * <OpResponse xmlns=...><OpResult>...</OpResult><ResponseMetadata>... */
void nb_reply_query(nb_req_t *req, const char *result_xml);
/* End req with an error from the table, in the protocol's exact shape. */
void nb_reply_error(nb_req_t *req, nb_err_t code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Same, merging the fields of extra (stolen, may be NULL) into a JSON error body
 * (e.g. CancellationReasons, Item for ReturnValuesOnConditionCheckFailure); a
 * member of extra that is JSON null removes that member (e.g. "message"). */
void nb_reply_error_extra(nb_req_t *req, nb_err_t code, json_t *extra, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
