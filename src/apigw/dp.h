/* dp.h — the data plane's shared pieces: one invocation's state and the
 * steps every API kind uses (plain-HTTP replies, Lambda invocation with the
 * integration timeout, access logs).
 *
 * An invocation (apigw_dp_t) is allocated from req->arena and lives until the
 * reply; what outlives the reply (a Lambda call still running after a 504)
 * is kept in a separate heap record (dp_invoke.c). Documents read at the
 * start are borrowed only synchronously; anything used after an asynchronous
 * step is referenced (json_incref) in the dp and released at the reply. */
#ifndef NB_APIGW_DP_H
#define NB_APIGW_DP_H
#include "apigw/apigw_int.h"
#include "apigw/event.h"
#include "apigw/route.h"

typedef struct apigw_dp apigw_dp_t;
/* A step's continuation after an asynchronous action (authorizer...). */
typedef void (*apigw_dp_next_fn)(apigw_dp_t *dp);

struct apigw_dp {
    nb_req_t *req;
    int v2;                    /* HTTP API (1) or REST API (0) */
    int ws;                    /* a WebSocket API's connection request */
    void *ext;                 /* WebSocket: the pending connection (ws_conn.c) */
    const char *ws_connection_id;   /* WebSocket: the id the connection gets (access logs) */
    const char *ws_request_id;      /* WebSocket: the CONNECT event's requestId (AWS's 16-character form) */
    const char *error_message; /* the gateway's own answer ($context.error.message), or NULL */
    const char *api_id, *stage;
    const char *path;          /* client path without "/_aws/execute-api/{id}" (raw) */
    const char *route_path;    /* after the stage prefix (raw), "/" at least */
    const char *mapped_stage;  /* a custom domain's mapping names the stage: path has none */
    nb_req_t *test_req;        /* TestInvokeMethod/Authorizer: the control-plane request the
                                  answer goes to (test_invoke.c); req is then its stand-in */
    json_t *test_answer;       /* TestInvokeAuthorizer: the authorizer's answer (owned) */
    const char *test_trace;    /* TestInvokeMethod: the answer's X-Amzn-Trace-Id, or NULL */
    json_t *api;               /* the API's "api" object (ref) */
    json_t *stage_obj;         /* the stage (ref) */
    json_t *route;             /* v2 route / v1 method object (ref) */
    json_t *integration;       /* (ref) */
    json_t *authorizer_ctx;    /* requestContext.authorizer (ref) or NULL */
    const char *usage_identifier_key;   /* a Lambda authorizer's usageIdentifierKey, or NULL */
    json_t *cors;              /* v2 corsConfiguration (ref) or NULL */
    json_t *validators;        /* v1 request validators (ref) or NULL */
    json_t *models;            /* v1 models (ref) or NULL */
    json_t *mapping_ctx;       /* v1 non-proxy: the $context of the templates (owned) */
    json_t *gw_responses;      /* v1: the deployment's gateway responses (ref) or NULL */
    const char *route_key;     /* v2 "GET /a/{b}" / v1 resource path */
    const char *xlog;          /* the integration's execution log lines, each ending '\n' (arena;
                                  TestInvokeMethod's log shows them), or NULL */
    const char *trace;         /* the request's X-Amzn-Trace-Id, made once (apigw__dp_trace_id) */
    const char *resource_id;
    const char *api_key_value, *api_key_id;
    int canary;                /* REST: 0 the stage has no canary, 1 a request the stage
                                  serves, 2 one its canary serves (dp_canary.c) */
    apigw_match_t match;
    apigw_http_in_t in;
    uint64_t t0_us;
};

/* Reply {"message": msg} with status (and the CORS headers of an HTTP API). */
void apigw__dp_message(apigw_dp_t *dp, int status, const char *msg);
/* The gateway's own answer of gateway response type (REST: "THROTTLED"...)
 * with its default status and message: a REST API's deployed customization
 * of type (or of DEFAULT_4XX/5XX) shapes it (gw_resp.c); otherwise, and for
 * HTTP and WebSocket APIs, it is apigw__dp_message(dp, status, msg). */
/* msg NULL: AWS's {"message": null} ($context.error.messageString null). */
void apigw__dp_gw(apigw_dp_t *dp, const char *type, int status, const char *msg);
/* 1 when apigw__dp_gw(dp, type, status, ...) would use a customization. */
int apigw__dp_gw_custom(apigw_dp_t *dp, const char *type, int status);
/* The request's values for templates: {"path":{},"querystring":{},"header":{}}
 * and the $context object of REST mapping templates (mapping.c; new refs). */
json_t *apigw__dp_params(apigw_dp_t *dp);
json_t *apigw__dp_context(apigw_dp_t *dp);
/* Write the stage's access log line for dp answered with status (done by
 * apigw__dp_send; a WebSocket connection's 101 calls it itself). */
void apigw__dp_access_log(apigw_dp_t *dp, int status, size_t len);
/* Reply out (headers, status, body). */
void apigw__dp_send(apigw_dp_t *dp, const apigw_http_out_t *out);
/* Release the dp's references (done by the reply functions). */
void apigw__dp_release(apigw_dp_t *dp);
/* Fill dp->in from the request and the match. */
void apigw__dp_fill_in(apigw_dp_t *dp);

/* Invoke the Lambda integration with a proxy event of format (1 or 2); map
 * the answer and reply. Timeout from the integration's timeoutInMillis. */
void apigw__dp_lambda_proxy(apigw_dp_t *dp, int format);
/* Invoke function fn with payload; cb(dp, res, arg) runs unless the timeout fired
 * first (then the gateway has answered 504 and dp is gone). */
typedef struct lambda_result lambda_result_t;
typedef void (*apigw_dp_invoke_cb)(apigw_dp_t *dp, const lambda_result_t *res, void *arg);
void apigw__dp_invoke(apigw_dp_t *dp, const char *fn, const char *payload, size_t len, unsigned timeout_ms,
                      apigw_dp_invoke_cb cb, void *arg);
/* The same, but the deadline answers with on_timeout(dp, arg) (an authorizer's
 * 500, not the integration's 504); dp is gone after it. */
typedef void (*apigw_dp_timeout_fn)(apigw_dp_t *dp, void *arg);
void apigw__dp_invoke_to(apigw_dp_t *dp, const char *fn, const char *payload, size_t len, unsigned timeout_ms,
                         apigw_dp_invoke_cb cb, apigw_dp_timeout_fn on_timeout, void *arg);
/* Any other asynchronous integration call under the same deadlines: begin
 * waiting before starting it; when it answers, apigw__dp_wait_end gives dp
 * back (NULL when on_timeout — NULL: 504 — has answered already and dp is
 * gone) and frees w. */
typedef struct apigw_wait apigw_wait_t;
apigw_wait_t *apigw__dp_wait(apigw_dp_t *dp, unsigned timeout_ms, apigw_dp_timeout_fn on_timeout, void *arg);
apigw_dp_t *apigw__dp_wait_end(apigw_wait_t *w);
/* The integration's time is up: 504 "Endpoint request timed out" (REST, HTTP
 * and WebSocket APIs alike: issue 6 and AWS-FACTS.md; one third-party capture
 * shows an HTTP API answering 503, too thin to go against them). */
void apigw__dp_timed_out(apigw_dp_t *dp);
/* Closes the deadline timer of apigw__dp_invoke (at the service's stop). */
void apigw__dp_invoke_stop(void);

void apigw__dp_http(apigw_dp_t *dp, json_t *doc);   /* dp_http.c */
/* What a v2 stage serves (borrowed): the live document doc with auto-deploy,
 * else its deployment's snapshot (routes, integrations, authorizers); NULL
 * when never deployed. */
json_t *apigw__dp_served(json_t *stage_obj, json_t *doc);
/* A WebSocket API's connection request (ws_conn.c): handshake, $connect, upgrade. */
void apigw__dp_ws(apigw_dp_t *dp, json_t *doc);
void apigw__dp_rest(apigw_dp_t *dp, json_t *doc);   /* dp_rest.c */
/* A REST stage's canary (dp_canary.c): 1 when this request goes to the canary
 * canarySettings describe (at random, percentTraffic %), else 0 (none: 0). */
int apigw__canary_pick(const json_t *canary);
/* The stage as a canary request sees it (new ref): the canary's deploymentId,
 * the stage's variables with the canary's stageVariableOverrides over them. */
json_t *apigw__canary_stage(json_t *stage, json_t *canary);
/* The REST pipeline from the method match on, over resources (a deployment's
 * snapshot, or the live ones for TestInvokeMethod, which skips API keys,
 * authorization and throttling as AWS's test invoke does). */
void apigw__dp_rest_serve(apigw_dp_t *dp, json_t *doc, json_t *resources);
/* test_invoke.c: the TestInvoke* answer built from the pipeline's reply out. */
void apigw__test_invoke_done(apigw_dp_t *dp, const apigw_http_out_t *out);

/* CORS (cors.c): answer a preflight when it is one (1), else 0; add the
 * response headers for an actual request. */
int apigw__cors_preflight(apigw_dp_t *dp);
void apigw__cors_headers(apigw_dp_t *dp);

/* REST APIs' header rules (rest_headers.c). A request header as integrations
 * get it: its name (a well-known one capitalised, else as sent), or NULL when
 * the gateway drops it. */
const char *apigw__rest_in_header(const char *as_sent);
/* A header an integration's requestParameters set (name, string v) into kv,
 * copied to req's arena: 1, or 0 for one that never reaches an HTTP backend
 * (Connection, Expect, Proxy-Authenticate, TE, Via). */
int apigw__rest_kv_mapped(nb_req_t *req, nb_kv_t *kv, const char *name, const json_t *v);
/* What becomes of an answer header. */
enum { APIGW_OUT_PASS, APIGW_OUT_REMAP, APIGW_OUT_DROP };   /* REMAP: as x-amzn-Remapped-{name} */
int apigw__rest_out_header(const char *name);
/* The X-Amzn-Trace-Id of an integration's answer for the request's trace
 * (arena; NULL for none). */
const char *apigw__rest_trace_answer(nb_arena_t *a, const char *trace, const char *request_id);
/* The first max lowercase hex digits of a request id into out (max+1 bytes,
 * NUL-terminated), what trace ids are made of; the number written. */
size_t apigw__id_hex(const char *id, char *out, size_t max);
/* The request's trace: the client's X-Amzn-Trace-Id, else the one the gateway
 * makes for it ("Root=1-…", the same all along the request). */
const char *apigw__dp_trace_id(apigw_dp_t *dp);
/* REST: what the gateway adds to a request to an HTTP backend, written at h
 * (room for 2): X-Amzn-Apigateway-Api-Id, and X-Amzn-Trace-Id unless the
 * request has one (has_trace); the number written. */
size_t apigw__rest_backend_headers(apigw_dp_t *dp, nb_kv_t *h, int has_trace);
/* REST: add that header to the reply of an AWS_PROXY, AWS or HTTP integration
 * (MOCK and HTTP_PROXY answers carry none). */
void apigw__dp_trace_answer(apigw_dp_t *dp);

/* REST: an integration whose requestParameters set a header the gateway
 * reserves answers 500 (API_CONFIGURATION_ERROR with x-amzn-ErrorType
 * InternalServerErrorException): 1 when it did so. */
int apigw__rest_reserved_mapping(apigw_dp_t *dp);

/* HTTP_PROXY integrations (http_proxy.c): forward and relay the answer. */
void apigw__dp_http_proxy(apigw_dp_t *dp);
/* An integration URI with the stage variables and {x} path parameters
 * filled in (from values {"x": "v"} first when given), the request's query
 * string appended when with_query (arena). aws_path: an AWS service's path/
 * URI, whose values are encoded to stay within their segment. */
const char *apigw__http_fill_uri(apigw_dp_t *dp, const char *uri, int with_query, json_t *values, int aws_path);
/* REST MOCK, AWS (non-proxy Lambda) and HTTP (non-proxy) integrations with
 * mapping templates (mapping.c). */
void apigw__dp_mock(apigw_dp_t *dp);
void apigw__dp_lambda_custom(apigw_dp_t *dp);
/* REST AWS integrations: Lambda's invocation path as above, any other AWS
 * service through an internal call (mapping_aws.c). */
void apigw__dp_aws_custom(apigw_dp_t *dp);
/* Append one line to dp's execution log (dp->xlog; kept for TestInvokeMethod only). */
void apigw__dp_xlog(apigw_dp_t *dp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void apigw__dp_http_custom(apigw_dp_t *dp);

/* REST: the request's API key (x-api-key) is enabled and in a usage plan of
 * this stage: 0 (dp->api_key_* set), else -1. */
int apigw__api_key_check(apigw_dp_t *dp);
/* The same for a key value found elsewhere (a WebSocket API's
 * apiKeySelectionExpression); value may be NULL (-1). */
int apigw__api_key_check_value(apigw_dp_t *dp, const char *value);
/* The usage plan of dp's API key (none: 0): its bucket, then its quota
 * (every keyed request counts): 0, -1 throttled, -2 quota exceeded. */
int apigw__plan_take(apigw_dp_t *dp, uint64_t now_us);
/* REST: usage plan, method and stage throttles: 0, -1 throttled, -2 quota exceeded. */
int apigw__throttle_rest(apigw_dp_t *dp);
/* 1 when content_type matches one of binaryMediaTypes: "image/png", "image/ *" (no space), any. */
int apigw__is_binary_type(json_t *types, const char *content_type, const char *accept);
/* 1 when the first media type of an Accept header matches one of binaryMediaTypes
 * (what REST APIs decide a base64 answer's fate by); 0 without Accept. */
int apigw__accept_is_binary(json_t *types, const char *accept);

/* Header of the request, case-insensitive (names are lower-case already). */
const char *apigw__dp_header(apigw_dp_t *dp, const char *name);
/* ${stageVariables.x} substituted in s (arena). */
const char *apigw__dp_stage_subst(apigw_dp_t *dp, const char *s);

#endif
