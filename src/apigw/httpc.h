/* httpc.h — a minimal HTTP/1.1 client on the loop, for HTTP_PROXY
 * integrations and JWKS downloads. One request per connection
 * ("Connection: close"), http:// only, the answer buffered whole (at most
 * 10 MB), a deadline for the whole exchange. */
#ifndef NB_APIGW_HTTPC_H
#define NB_APIGW_HTTPC_H
#include <stddef.h>
#include <uv.h>
#include "core/request.h"

typedef struct apigw_httpc_resp {
    int status;                 /* -1: connection failed / bad answer; -2: timed out */
    nb_kv_t *headers;           /* names as sent */
    size_t n_headers;
    const char *body;
    size_t body_len;
} apigw_httpc_resp_t;

/* resp and everything in it are valid during the callback only. */
typedef void (*apigw_httpc_cb)(void *arg, const apigw_httpc_resp_t *resp);

/* Send method url with headers (borrowed; Content-Length and Connection are
 * set here, Host from the URL unless headers hold a non-empty one) and body
 * (copied). cb runs exactly once, never before this
 * returns. 0, or -1 when url is not a usable http:// URL (cb not called). */
int apigw__httpc(uv_loop_t *loop, const char *method, const char *url, const nb_kv_t *headers, size_t n_headers,
                 const void *body, size_t len, unsigned timeout_ms, apigw_httpc_cb cb, void *arg);

#endif
