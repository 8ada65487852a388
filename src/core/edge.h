/* edge.h — from a parsed HTTP request to a service operation.
 *
 * The edge identifies the service and operation the way AWS SDKs address
 * them, decodes the body for that protocol and calls the handler:
 *   1. /_nimbus/...                         → nimbus's own endpoints
 *   2. X-Amz-Target: Prefix.Operation       → JSON 1.0 / 1.1 services
 *   3. form-encoded Action=Operation        → Query services (scope's service)
 *   4. METHOD + path                        → REST-JSON / REST-XML services,
 *      narrowed by the SigV4 credential scope's service name when present.
 * Anything unmatched gets the protocol's UnknownOperation / InvalidAction error. */
#ifndef NB_EDGE_H
#define NB_EDGE_H
#include "core/request.h"

/* The dispatch function the edge listener calls for every request. A JSON
 * body of 1 MiB or more is parsed on libuv's thread pool (one at a time), and
 * authorization and the handler follow on the loop once it is decoded. */
void nb_edge_dispatch(nb_req_t *req, void *data);

/* An AWS protocol request from identification on: route, decode, authorize,
 * run the handler (what nb_edge_dispatch does for all but API Gateway's own
 * invocations; internal calls, core/call.h, start here). */
void nb_edge_serve(nb_req_t *req);

/* The edge listener's body-limit hook (nb_http_limits_t.body_limit): the
 * max_body of the REST service whose path prefix m's target has, else 0. */
struct nb_hmsg;
size_t nb_edge_body_limit(const struct nb_hmsg *m);

/* Identify service and operation and decode the body (no handler call).
 * 0 when req->svc/op are set; otherwise the error code, with *msg (arena) the
 * message and the reply protocol set for rendering. */
nb_err_t nb_edge_route(nb_req_t *req, const char **msg);

/* The SigV4 credential scope's service name ("" when unsigned). Arena string. */
const char *nb_edge_scope_service(nb_req_t *req);

/* The resource ARN of req's operation ("*" when none), expanded from the op's
 * template. Arena string. */
const char *nb_edge_resource_arn(nb_req_t *req);

/* Match a REST template "METHOD /a/{B}/{C+}?q" against req; on success fill
 * req->params (arena) and return the number of literal characters matched
 * (specificity, ≥ 1), else -1. */
int nb_edge_match_rest(nb_req_t *req, const char *tmpl);

/* Decode a form-urlencoded string into an arena array; -1 on a bad escape. */
int nb_edge_parse_form(nb_arena_t *a, const char *s, size_t n, nb_kv_t **out, size_t *nout);

#endif
