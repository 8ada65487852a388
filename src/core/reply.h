/* reply.h — the edge's side of replies: rendering and response headers.
 *
 * nb_reply*() (request.h) render a body in the request's protocol, add the
 * request-id headers, write the access log line and hand the result to
 * nb_http_send(). Rendering is separate from sending so it can be tested. */
#ifndef NB_REPLY_H
#define NB_REPLY_H
#include "core/request.h"
#include "core/buf.h"

/* The protocol a request is answered in (its service's, or the one detected
 * when no service matched). */
nb_proto_t nb_reply_proto(const nb_req_t *req);

/* Render an error body for req's protocol into body; sets *status and
 * *content_type (static string), and adds headers to req's response (e.g.
 * x-amzn-ErrorType). extra (borrowed, may be NULL) is merged into JSON bodies. */
void nb_render_error(nb_req_t *req, nb_err_t code, const char *msg, json_t *extra,
                     int *status, const char **content_type, nb_buf_t *body);

/* Response headers added so far (for tests and the sender). */
const nb_kv_t *nb_resp_headers(const nb_req_t *req, size_t *n);

/* Set the protocol used to answer a request no service claimed. */
void nb_reply_set_fallback_proto(nb_req_t *req, nb_proto_t proto);

#endif
