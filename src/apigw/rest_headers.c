/* rest_headers.c — the header rules of REST APIs' data plane, as AWS answered
 * LocalStack's recorded tests (tests/e2e/apigw/test_apigw_ls_dataplane.py names them):
 *   - request headers handed to integrations (proxy events, mapping templates):
 *     a few well-known names capitalised ("authorization" → "Authorization"),
 *     the others as the client spelled them; hop-by-hop and a few reserved ones dropped;
 *   - answer headers (a function's, a backend's, responseParameters'): reserved
 *     names sent as x-amzn-Remapped-{name}, Transfer-Encoding dropped;
 *   - the X-Amzn-Trace-Id of an integration's answer;
 *   - integration request headers a mapping may not set (500). */
#include "apigw/dp.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>

static int in_list(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(name, list[i]) == 0) return (int)i;
    return -1;
}

#define COUNT(a) (sizeof a / sizeof a[0])

/* Capitalised whatever the client's spelling (LocalStack's
 * test_lambda_aws_proxy_integration: authorization, user-Agent; a captured
 * CloudFront event: accept, accept-encoding, accept-language, host). */
static const char *const canonical[] = {"Accept", "Accept-Encoding", "Accept-Language", "Authorization", "Host",
                                        "User-Agent"};

/* Never handed on (test_apigateway_header_remapping_aws[AWS_PROXY] and [AWS]'s
 * template: absent or ""; test_lambda_aws_proxy_integration: no Content-Length). */
static const char *const dropped_in[] = {"Connection", "Content-Length", "Content-MD5", "Expect", "Keep-Alive",
                                         "Max-Forwards", "Proxy-Authenticate", "Proxy-Connection", "Server", "TE",
                                         "Trailer", "Transfer-Encoding", "Upgrade", "WWW-Authenticate"};

const char *apigw__rest_in_header(const char *as_sent)
{
    if (in_list(as_sent, dropped_in, COUNT(dropped_in)) >= 0) return NULL;
    int c = in_list(as_sent, canonical, COUNT(canonical));
    return c >= 0 ? canonical[c] : as_sent;
}

/* Mapped by requestParameters yet never sent to an HTTP backend
 * (test_apigateway_header_remapping_http full-integration: Connection,
 * Proxy-Authenticate, TE, Via mapped and absent; Expect too). */
static const char *const dropped_mapped[] = {"Connection", "Expect", "Proxy-Authenticate", "TE", "Via"};

static int mapped_header_dropped(const char *name)
{
    return in_list(name, dropped_mapped, COUNT(dropped_mapped)) >= 0;
}

int apigw__rest_kv_mapped(nb_req_t *req, nb_kv_t *kv, const char *name, const json_t *v)
{
    if (mapped_header_dropped(name)) return 0;
    kv->name = nb_arena_strdup(req->arena, name);
    kv->value = nb_arena_strdup(req->arena, json_string_value(v));
    kv->value_len = json_string_length(v);
    return 1;
}

/* Sent as x-amzn-Remapped-{name} (test_apigateway_header_remapping_aws[AWS]
 * full-integration, test_apigateway_header_remapping_http[HTTP_PROXY]). */
static const char *const remapped_out[] = {"Authorization", "Connection", "Content-Length", "Content-MD5", "Date",
                                           "Expect", "Host", "Max-Forwards", "Proxy-Authenticate", "Server",
                                           "Trailer", "Upgrade", "User-Agent", "WWW-Authenticate",
                                           /* the gateway's own (test_http_integration_with_lambda[HTTP_PROXY]) */
                                           "x-amzn-RequestId"};
static const char *const dropped_out[] = {"Transfer-Encoding", "Keep-Alive", "Proxy-Connection"};

int apigw__rest_out_header(const char *name)
{
    if (in_list(name, dropped_out, COUNT(dropped_out)) >= 0) return APIGW_OUT_DROP;
    if (in_list(name, remapped_out, COUNT(remapped_out)) >= 0) return APIGW_OUT_REMAP;
    return APIGW_OUT_PASS;
}

/* The answer's X-Amzn-Trace-Id: the request's trace (the client's or the one
 * the gateway made), with a Parent segment when it has none
 * (test_invocation_trace_id: a bare Root comes back with a generated Parent;
 * a whole trace as sent). The parent: the request id's last 16 hex digits. */
const char *apigw__rest_trace_answer(nb_arena_t *a, const char *trace, const char *request_id)
{
    if (!trace || !*trace) return NULL;
    if (strstr(trace, "Parent=")) return trace;
    char hex[33];
    size_t k = apigw__id_hex(request_id, hex, 32);
    while (k < 16) hex[k++] = '0';
    hex[k] = 0;
    return nb_arena_printf(a, "%s;Parent=%s;Sampled=0", trace, hex + k - 16);   /* the last 16 */
}

/* test_apigateway_header_remapping_http[HTTP] and [HTTP_PROXY]: the backend
 * gets X-Amzn-Apigateway-Api-Id and X-Amzn-Trace-Id. */
size_t apigw__rest_backend_headers(apigw_dp_t *dp, nb_kv_t *h, int has_trace)
{
    size_t n = 0;
    h[n].name = "X-Amzn-Apigateway-Api-Id";
    h[n].value = dp->api_id;
    h[n++].value_len = strlen(dp->api_id);
    if (!has_trace) {
        h[n].name = "X-Amzn-Trace-Id";
        h[n].value = apigw__dp_trace_id(dp);
        h[n].value_len = strlen(h[n].value);
        n++;
    }
    return n;
}

/* Integration request headers a mapping may not set: Content-Length and
 * Transfer-Encoding for every type (test_apigateway_header_remapping_http
 * and _aws: content-length, transfer-encoding → 500), and for Lambda
 * integrations (AWS, AWS_PROXY) Authorization, Connection, Expect,
 * Proxy-Authenticate and TE too (test_apigateway_header_remapping_aws). */
int apigw__rest_reserved_mapping(apigw_dp_t *dp)
{
    static const char *const any[] = {"Content-Length", "Transfer-Encoding"};
    static const char *const lambda[] = {"Authorization", "Connection", "Expect", "Proxy-Authenticate", "TE"};
    const char *type = json_string_value(json_object_get(dp->integration, "type"));
    int is_lambda = type && (strcmp(type, "AWS") == 0 || strcmp(type, "AWS_PROXY") == 0);
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(dp->integration, "requestParameters"), k, v) {
        if (strncmp(k, "integration.request.header.", 27) != 0) continue;
        const char *h = k + 27;
        if (in_list(h, any, COUNT(any)) >= 0 || (is_lambda && in_list(h, lambda, COUNT(lambda)) >= 0)) {
            nb_resp_header(dp->req, "x-amzn-ErrorType", "InternalServerErrorException");
            apigw__dp_gw(dp, "API_CONFIGURATION_ERROR", 500, "Internal server error");
            return 1;
        }
    }
    return 0;
}
