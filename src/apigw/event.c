/* event.c — proxy integration events in payload formats 1.0 and 2.0
 * (fields per AWS's documentation; see AWS-FACTS.md). Format 1.0 keeps the
 * last value of a repeated header/query parameter in the single-value maps
 * and all of them in the multi-value maps; 2.0 joins repeats with commas and
 * moves Cookie headers into "cookies". Absent maps are JSON null in 1.0 and
 * omitted in 2.0, as API Gateway sends them. */
#include "apigw/event.h"
#include "core/util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void apigw__clf_time(uint64_t unix_ms, char *out, size_t cap)
{
    time_t t = (time_t)(unix_ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, cap, "%d/%b/%Y:%H:%M:%S +0000", &tm);
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* 1 when s[0..n) is well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF). */
static int utf8_ok(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c < 0x80) { i++; continue; }
        size_t len;
        unsigned min, cp;
        if ((c & 0xE0) == 0xC0) { len = 2; min = 0x80; cp = c & 0x1F; }
        else if ((c & 0xF0) == 0xE0) { len = 3; min = 0x800; cp = c & 0x0F; }
        else if ((c & 0xF8) == 0xF0) { len = 4; min = 0x10000; cp = c & 0x07; }
        else return 0;
        if (i + len > n) return 0;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return 0;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
        i += len;
    }
    return 1;
}

/* The body goes base64 when binary by configuration or not valid UTF-8 text. */
static int body_is_b64(const apigw_http_in_t *in)
{
    return in->body_len && (in->body_binary || !utf8_ok((const unsigned char *)in->body, in->body_len));
}

static json_t *body_json(const apigw_http_in_t *in)
{
    if (!in->body_len) return NULL;
    if (!body_is_b64(in)) return json_stringn(in->body, in->body_len);
    nb_buf_t b = NB_BUF_INIT;
    nb_base64_encode(&b, in->body, in->body_len);
    json_t *j = json_stringn(b.data ? b.data : "", b.len);
    nb_buf_free(&b);
    return j;
}

static json_t *path_params(const apigw_http_in_t *in)
{
    if (!in->n_path_params) return NULL;
    json_t *o = json_object();
    for (size_t i = 0; i < in->n_path_params; i++)
        json_object_set_new(o, in->path_params[i].name, json_string(in->path_params[i].value));
    return o;
}

static json_t *stage_vars(const apigw_http_in_t *in)
{
    return in->stage_vars && json_object_size(in->stage_vars) ? json_deep_copy(in->stage_vars) : NULL;
}

static const char *header(const apigw_http_in_t *in, const char *name)
{
    for (size_t i = 0; i < in->n_headers; i++)
        if (strcmp(in->headers[i].name, name) == 0) return in->headers[i].value;
    return NULL;
}

static void set_or_null(json_t *o, const char *k, json_t *v)
{
    json_object_set_new(o, k, v ? v : json_null());
}

/* The host's first label ("abc" of "abc.execute-api.localhost"). */
static json_t *domain_prefix(const char *domain)
{
    const char *dot = strchr(domain, '.');
    return dot ? json_stringn(domain, (size_t)(dot - domain)) : json_string(domain);
}

json_t *apigw__event_v1(const apigw_http_in_t *in)
{
    json_t *ev = json_object();
    json_object_set_new(ev, "resource", json_string(in->resource_path));
    json_object_set_new(ev, "path", json_string(in->route_path));
    json_object_set_new(ev, "httpMethod", json_string(in->method));
    json_t *h = json_object(), *mh = json_object();
    for (size_t i = 0; i < in->n_headers; i++) {
        const nb_kv_t *kv = &in->headers[i];
        json_object_set_new(h, kv->name, json_string(kv->value));
        json_t *arr = json_object_get(mh, kv->name);
        if (!arr) json_object_set_new(mh, kv->name, arr = json_array());
        json_array_append_new(arr, json_string(kv->value));
    }
    json_object_set_new(ev, "headers", h);
    json_object_set_new(ev, "multiValueHeaders", mh);
    if (in->n_qparams) {
        json_t *q = json_object(), *mq = json_object();
        for (size_t i = 0; i < in->n_qparams; i++) {
            const nb_kv_t *kv = &in->qparams[i];
            json_object_set_new(q, kv->name, json_string(kv->value));
            json_t *arr = json_object_get(mq, kv->name);
            if (!arr) json_object_set_new(mq, kv->name, arr = json_array());
            json_array_append_new(arr, json_string(kv->value));
        }
        json_object_set_new(ev, "queryStringParameters", q);
        json_object_set_new(ev, "multiValueQueryStringParameters", mq);
    } else {
        json_object_set_new(ev, "queryStringParameters", json_null());
        json_object_set_new(ev, "multiValueQueryStringParameters", json_null());
    }
    set_or_null(ev, "pathParameters", path_params(in));
    set_or_null(ev, "stageVariables", stage_vars(in));

    char tbuf[40];
    apigw__clf_time(in->time_ms, tbuf, sizeof tbuf);
    json_t *id = json_pack("{s:n,s:n,s:n,s:n,s:n,s:n,s:n,s:n,s:o,s:n,s:o,s:n,s:n}", "accessKey", "accountId", "caller",
                           "cognitoAuthenticationProvider", "cognitoAuthenticationType", "cognitoIdentityId",
                           "cognitoIdentityPoolId", "principalOrgId", "sourceIp", json_string(in->source_ip), "user",
                           "userAgent", str_or_null(header(in, "user-agent")), "userArn", "clientCert");
    if (in->api_key) json_object_set_new(id, "apiKey", json_string(in->api_key));
    if (in->api_key_id) json_object_set_new(id, "apiKeyId", json_string(in->api_key_id));
    json_t *rc = json_object();
    json_object_set_new(rc, "accountId", json_string(in->account));
    json_object_set_new(rc, "apiId", json_string(in->api_id));
    if (in->authorizer) json_object_set(rc, "authorizer", in->authorizer);
    json_object_set_new(rc, "domainName", json_string(in->domain));
    json_object_set_new(rc, "domainPrefix", domain_prefix(in->domain));
    json_object_set_new(rc, "extendedRequestId", json_string(in->request_id));
    json_object_set_new(rc, "httpMethod", json_string(in->method));
    json_object_set_new(rc, "identity", id);
    json_object_set_new(rc, "path", json_string(in->path));
    json_object_set_new(rc, "protocol", json_string("HTTP/1.1"));
    json_object_set_new(rc, "requestId", json_string(in->request_id));
    json_object_set_new(rc, "requestTime", json_string(tbuf));
    json_object_set_new(rc, "requestTimeEpoch", json_integer((json_int_t)in->time_ms));
    json_object_set_new(rc, "resourceId", json_string(in->resource_id));
    json_object_set_new(rc, "resourcePath", json_string(in->resource_path));
    json_object_set_new(rc, "stage", json_string(in->stage));
    json_object_set_new(ev, "requestContext", rc);
    json_t *b = body_json(in);
    set_or_null(ev, "body", b);
    json_object_set_new(ev, "isBase64Encoded", json_boolean(in->body_len && body_is_b64(in)));
    return ev;
}

json_t *apigw__event_v2(const apigw_http_in_t *in)
{
    json_t *ev = json_object();
    json_object_set_new(ev, "version", json_string("2.0"));
    json_object_set_new(ev, "routeKey", json_string(in->route_key));
    json_object_set_new(ev, "rawPath", json_string(in->path));
    json_object_set_new(ev, "rawQueryString", json_string(in->query));
    json_t *cookies = NULL, *h = json_object();
    for (size_t i = 0; i < in->n_headers; i++) {
        const nb_kv_t *kv = &in->headers[i];
        if (strcmp(kv->name, "cookie") == 0) {
            if (!cookies) cookies = json_array();
            const char *p = kv->value;
            while (*p) {   /* "a=1; b=2" → ["a=1", "b=2"] */
                while (*p == ' ') p++;
                const char *e = strchr(p, ';');
                if (!e) e = p + strlen(p);
                if (e > p) json_array_append_new(cookies, json_stringn(p, (size_t)(e - p)));
                p = *e ? e + 1 : e;
            }
            continue;
        }
        json_t *old = json_object_get(h, kv->name);
        if (old) {
            char *joined = NULL;
            if (asprintf(&joined, "%s,%s", json_string_value(old), kv->value) > 0) {
                json_object_set_new(h, kv->name, json_string(joined));
                free(joined);
            }
        } else {
            json_object_set_new(h, kv->name, json_string(kv->value));
        }
    }
    if (cookies) json_object_set_new(ev, "cookies", cookies);
    json_object_set_new(ev, "headers", h);
    if (in->n_qparams) {
        json_t *q = json_object();
        for (size_t i = 0; i < in->n_qparams; i++) {
            const nb_kv_t *kv = &in->qparams[i];
            json_t *old = json_object_get(q, kv->name);
            if (old) {
                char *joined = NULL;
                if (asprintf(&joined, "%s,%s", json_string_value(old), kv->value) > 0) {
                    json_object_set_new(q, kv->name, json_string(joined));
                    free(joined);
                }
            } else {
                json_object_set_new(q, kv->name, json_string(kv->value));
            }
        }
        json_object_set_new(ev, "queryStringParameters", q);
    }
    json_t *pp = path_params(in);
    if (pp) json_object_set_new(ev, "pathParameters", pp);
    json_t *sv = stage_vars(in);
    if (sv) json_object_set_new(ev, "stageVariables", sv);

    char tbuf[40];
    apigw__clf_time(in->time_ms, tbuf, sizeof tbuf);
    const char *ua = header(in, "user-agent");
    json_t *rc = json_object();
    json_object_set_new(rc, "accountId", json_string(in->account));
    json_object_set_new(rc, "apiId", json_string(in->api_id));
    if (in->authorizer) json_object_set(rc, "authorizer", in->authorizer);
    json_object_set_new(rc, "domainName", json_string(in->domain));
    json_object_set_new(rc, "domainPrefix", domain_prefix(in->domain));
    json_object_set_new(rc, "http", json_pack("{s:s,s:s,s:s,s:s,s:s}", "method", in->method, "path", in->path,
                                              "protocol", "HTTP/1.1", "sourceIp", in->source_ip, "userAgent",
                                              ua ? ua : ""));
    json_object_set_new(rc, "requestId", json_string(in->request_id));
    json_object_set_new(rc, "routeKey", json_string(in->route_key));
    json_object_set_new(rc, "stage", json_string(in->stage));
    json_object_set_new(rc, "time", json_string(tbuf));
    json_object_set_new(rc, "timeEpoch", json_integer((json_int_t)in->time_ms));
    json_object_set_new(ev, "requestContext", rc);
    json_t *b = body_json(in);
    if (b) json_object_set_new(ev, "body", b);
    json_object_set_new(ev, "isBase64Encoded", json_boolean(in->body_len && body_is_b64(in)));
    return ev;
}
