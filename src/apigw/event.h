/* event.h — Lambda proxy integration events (payload formats 1.0 and 2.0)
 * and the mapping of a function's answer back to HTTP.
 *
 * Building and mapping are pure: they read an apigw_http_in_t / a payload and
 * produce JSON / an apigw_http_out_t, so they are unit-tested field by field
 * and benchmarked without sockets. */
#ifndef NB_APIGW_EVENT_H
#define NB_APIGW_EVENT_H
#include <stdint.h>
#include <jansson.h>
#include "core/arena.h"
#include "core/buf.h"
#include "core/request.h"

typedef struct apigw_http_in {
    const char *method;           /* "GET" */
    const char *path;             /* path as the client sent it, without "/_aws/execute-api/{id}"
                                     (HTTP APIs: percent-decoded, as AWS hands it over) */
    const char *route_path;       /* path after the stage prefix (raw) */
    const char *query;            /* raw query string without '?', "" when none */
    const nb_kv_t *qparams;       /* decoded query parameters, in order */
    size_t n_qparams;
    const nb_kv_t *headers;       /* names lower-case (with the gateway's X-Forwarded-*) */
    size_t n_headers;
    const char *body;             /* "" when none */
    size_t body_len;
    int body_binary;              /* the body goes base64-encoded (isBase64Encoded) */
    const char *source_ip;
    const char *api_id, *stage, *account, *request_id;
    const char *domain;           /* Host as sent: "abc.execute-api.localhost:4566" */
    const char *route_key;        /* 2.0: "GET /users/{id}" or "$default" */
    const char *resource_path;    /* 1.0: "/users/{id}" */
    const char *resource_id;      /* 1.0 REST: the resource id ("" for HTTP APIs) */
    const char *deployment_id;    /* 1.0 REST: the stage's deployment (NULL: none written) */
    const nb_kv_t *path_params;
    size_t n_path_params;
    json_t *stage_vars;           /* borrowed, may be NULL or empty */
    json_t *authorizer;           /* borrowed requestContext.authorizer, may be NULL */
    const char *api_key, *api_key_id; /* REST identity apiKey / apiKeyId, may be NULL */
    uint64_t time_ms;             /* request time, Unix ms */
    int http_api;                 /* an HTTP API's payload 1.0: "version": "1.0", path = the path
                                     asked (stage included), requestContext.resourceId null */
} apigw_http_in_t;

typedef struct apigw_http_out {
    int status;
    nb_kv_t *headers;             /* arena */
    size_t n_headers;
    const char *body;             /* arena; may contain NULs when decoded from base64 */
    size_t body_len;
    const char *b64_text;         /* isBase64Encoded answers read as format 1.0: the body as the
                                     function wrote it (a REST API sends it so when the client's
                                     Accept is no binary media type), else NULL; format 2.0
                                     (HTTP APIs only, which never send it) leaves it NULL */
    size_t b64_len;
} apigw_http_out_t;

/* Events as JSON text appended to out (the hot path), or parsed (new references). */
void apigw__event_v1_text(const apigw_http_in_t *in, nb_buf_t *out);
void apigw__event_v2_text(const apigw_http_in_t *in, nb_buf_t *out);
json_t *apigw__event_v1(const apigw_http_in_t *in);
json_t *apigw__event_v2(const apigw_http_in_t *in);

/* "28/Nov/2026:00:56:39 +0000" (the requestTime format) into out (>= 32 bytes). */
void apigw__clf_time(uint64_t unix_ms, char *out, size_t cap);

/* Map a function's answer. Format 1.0: an object with statusCode, headers,
 * multiValueHeaders, body, isBase64Encoded. Format 2.0: the same shape with
 * cookies instead of multiValueHeaders, or any other JSON → 200
 * application/json with that JSON as the body. 0, or -1 when the answer is
 * malformed (the gateway then answers 502). */
int apigw__response_v1(nb_arena_t *a, const char *payload, size_t len, apigw_http_out_t *out);
/* The same as a REST API reads it: a member other than statusCode, headers,
 * multiValueHeaders, body and isBase64Encoded makes the answer malformed;
 * without statusCode (or null) it is 200. */
int apigw__response_v1_rest(nb_arena_t *a, const char *payload, size_t len, apigw_http_out_t *out);
int apigw__response_v2(nb_arena_t *a, const char *payload, size_t len, apigw_http_out_t *out);
/* The two ways apigw__response_v2 takes (resp_fast.c): the usual shape of an
 * answer read directly, or APIGW_RESP_SLOW for anything else; and jansson's,
 * which reads everything. For what the first accepts they agree exactly. */
#define APIGW_RESP_SLOW 1
int apigw__response_v2_fast(nb_arena_t *a, const char *payload, size_t len, apigw_http_out_t *out);
int apigw__response_v2_json(nb_arena_t *a, const char *payload, size_t len, apigw_http_out_t *out);

#endif
