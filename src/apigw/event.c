/* event.c — proxy integration events in payload formats 1.0 and 2.0
 * (fields per AWS's documentation; see AWS-FACTS.md). Format 1.0 keeps the
 * last value of a repeated header/query parameter in the single-value maps
 * and all of them in the multi-value maps; 2.0 joins repeats with commas and
 * moves Cookie headers into "cookies". Absent maps are JSON null in 1.0 and
 * omitted in 2.0, as API Gateway sends them. An HTTP API's 1.0 event also
 * says "version": "1.0", its path is the one asked (stage included) and its
 * resourceId is null (AWS's example event). */
#include "apigw/event.h"
#include "core/util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* Formatted once per second: every event and access log line of that second
 * shares the text (gmtime_r and strftime were ~1% of a proxy request). The
 * loop is single-threaded; the cache is per thread all the same. */
void apigw__clf_time(uint64_t unix_ms, char *out, size_t cap)
{
    static _Thread_local time_t cached_t = -1;
    static _Thread_local char cached[40];
    time_t t = (time_t)(unix_ms / 1000);
    if (t != cached_t) {
        struct tm tm;
        gmtime_r(&t, &tm);
        if (!strftime(cached, sizeof cached, "%d/%b/%Y:%H:%M:%S +0000", &tm)) cached[0] = 0;
        cached_t = t;
    }
    if (cap) snprintf(out, cap, "%s", cached);
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


/* --- JSON text writers (the hot path builds text directly) --------------- */

/* Appends n bytes; the usual case (room reserved up front) is a memcpy, not
 * a call per piece. */
static inline void put(nb_buf_t *b, const char *s, size_t n)
{
    if (b->data && b->len + n + 1 <= b->cap) {
        memcpy(b->data + b->len, s, n);
        b->len += n;
        b->data[b->len] = 0;
    } else {
        nb_buf_append(b, s, n);
    }
}

static inline void put1(nb_buf_t *b, char c)
{
    put(b, &c, 1);
}

/* A number in decimal (no printf on the hot path). */
static void put_u64(nb_buf_t *b, uint64_t v)
{
    char t[24];
    size_t k = sizeof t;
    do t[--k] = (char)('0' + v % 10); while (v /= 10);
    put(b, t + k, sizeof t - k);
}

/* A literal: its length known at compile time. */
#define PUTL(b, lit) put((b), (lit), sizeof(lit) - 1)

/* s[0..n) as a JSON string body, exactly as nb_buf_json_escape writes it:
 * runs of bytes that need no escape are copied at once, the rest goes
 * through nb_buf_json_escape byte by byte. */
static void jesc(nb_buf_t *b, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t k = i;
        while (k < n && (unsigned char)s[k] >= 0x20 && s[k] != '"' && s[k] != '\\') k++;
        if (k > i) put(b, s + i, k - i);
        if (k < n) nb_buf_json_escape(b, s + k, 1), k++;
        i = k;
    }
}

static void jstr(nb_buf_t *b, const char *s, size_t n)
{
    put1(b, '"');
    jesc(b, s, n);
    put1(b, '"');
}

static void jkey(nb_buf_t *b, int *first, const char *k)
{
    if (!*first) put1(b, ',');
    *first = 0;
    jstr(b, k, strlen(k));
    put1(b, ':');
}

static void jkv(nb_buf_t *b, int *first, const char *k, const char *v)
{
    jkey(b, first, k);
    if (v) jstr(b, v, strlen(v));
    else PUTL(b, "null");
}

/* Fixed keys (plain ASCII, nothing to escape): '"key":' written as one literal. */
#define KEY(b, first, k) key_lit((b), (first), "\"" k "\":", sizeof(k) + 2)
#define KV(b, first, k, v) (KEY(b, first, k), val((b), (v)))

static void key_lit(nb_buf_t *b, int *first, const char *quoted, size_t n)
{
    if (!*first) put1(b, ',');
    *first = 0;
    put(b, quoted, n);
}

static void val(nb_buf_t *b, const char *v)
{
    if (v) jstr(b, v, strlen(v));
    else PUTL(b, "null");
}

static void jbody(nb_buf_t *b, int *first, const apigw_http_in_t *in, int null_when_empty)
{
    int b64 = body_is_b64(in);
    if (in->body_len) {
        KEY(b, first, "body");
        if (b64) {
            nb_buf_t e = NB_BUF_INIT;
            nb_base64_encode(&e, in->body, in->body_len);
            jstr(b, e.data ? e.data : "", e.len);
            nb_buf_free(&e);
        } else {
            jstr(b, in->body, in->body_len);
        }
    } else if (null_when_empty) {
        KV(b, first, "body", NULL);
    }
    KEY(b, first, "isBase64Encoded");
    if (b64) PUTL(b, "true");
    else PUTL(b, "false");
}

/* Repeated names are grouped by sorting indices by (name, position): the
 * maps are then written in O(n log n) even for thousands of headers. */
static const nb_kv_t *sort_base;

static int by_name(const void *x, const void *y)
{
    size_t i = *(const size_t *)x, k = *(const size_t *)y;
    int c = strcmp(sort_base[i].name, sort_base[k].name);
    return c ? c : (i < k ? -1 : i > k);
}

/* Indices of kv sorted by name then position: in small (the usual case: an
 * insertion sort, no allocation) or on the heap (caller frees when != small). */
static size_t *grouped(const nb_kv_t *kv, size_t n, size_t *small, size_t small_cap)
{
    size_t *ix = n <= small_cap ? small : malloc(sizeof *ix * n);
    if (!ix) abort();
    for (size_t i = 0; i < n; i++) ix[i] = i;
    if (ix == small) {
        for (size_t i = 1; i < n; i++)
            for (size_t k = i; k > 0 && strcmp(kv[ix[k - 1]].name, kv[ix[k]].name) > 0; k--) {
                size_t t = ix[k];
                ix[k] = ix[k - 1];
                ix[k - 1] = t;
            }
    } else {
        sort_base = kv;
        qsort(ix, n, sizeof *ix, by_name);
    }
    return ix;
}

/* How the values of one name are written. */
enum map_style { MAP_LAST, MAP_MULTI, MAP_JOINED };

static void write_map(nb_buf_t *b, const nb_kv_t *kv, size_t n, const char *skip, enum map_style style)
{
    size_t small[32];
    size_t *ix = grouped(kv, n, small, 32);
    int f = 1;
    put1(b, '{');
    for (size_t g = 0; g < n;) {
        size_t e = g + 1;
        while (e < n && strcmp(kv[ix[e]].name, kv[ix[g]].name) == 0) e++;
        const char *name = kv[ix[g]].name;
        if (!skip || strcmp(name, skip) != 0) {
            jkey(b, &f, name);
            if (style == MAP_LAST) {
                const char *v = kv[ix[e - 1]].value;
                jstr(b, v, strlen(v));
            } else {
                put1(b, style == MAP_MULTI ? '[' : '"');
                for (size_t k = g; k < e; k++) {
                    const char *v = kv[ix[k]].value;
                    if (k > g) put1(b, ',');
                    if (style == MAP_MULTI) jstr(b, v, strlen(v));
                    else jesc(b, v, strlen(v));
                }
                put1(b, style == MAP_MULTI ? ']' : '"');
            }
        }
        g = e;
    }
    put1(b, '}');
    if (ix != small) free(ix);
}

/* {"name": value} with the last value of repeated names (1.0 single-value maps). */
static void map_last(nb_buf_t *b, const nb_kv_t *kv, size_t n, const char *skip)
{
    write_map(b, kv, n, skip, MAP_LAST);
}

/* {"name": [values]} (1.0 multi-value maps). */
static void map_multi(nb_buf_t *b, const nb_kv_t *kv, size_t n)
{
    write_map(b, kv, n, NULL, MAP_MULTI);
}

/* {"name": "v1,v2"} (2.0 maps: repeats joined with commas). */
static void map_joined(nb_buf_t *b, const nb_kv_t *kv, size_t n, const char *skip)
{
    write_map(b, kv, n, skip, MAP_JOINED);
}

static void json_value(nb_buf_t *b, json_t *v)
{
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    if (s) put(b, s, strlen(s));
    else PUTL(b, "null");
    free(s);
}

static const char *header(const apigw_http_in_t *in, const char *name)
{
    for (size_t i = 0; i < in->n_headers; i++)
        if (strcasecmp(in->headers[i].name, name) == 0) return in->headers[i].value;
    return NULL;
}

static void domain_prefix(nb_buf_t *b, const char *domain)
{
    const char *dot = strchr(domain, '.');
    jstr(b, domain, dot ? (size_t)(dot - domain) : strlen(domain));
}

static void path_params(nb_buf_t *b, int *f, const apigw_http_in_t *in, int null_when_empty)
{
    if (!in->n_path_params && !null_when_empty) return;
    KEY(b, f, "pathParameters");
    if (!in->n_path_params) PUTL(b, "null");
    else map_last(b, in->path_params, in->n_path_params, NULL);
}

static void stage_vars(nb_buf_t *b, int *f, const apigw_http_in_t *in, int null_when_empty)
{
    int have = in->stage_vars && json_object_size(in->stage_vars);
    if (!have && !null_when_empty) return;
    KEY(b, f, "stageVariables");
    if (have) json_value(b, in->stage_vars);
    else PUTL(b, "null");
}

void apigw__event_v1_text(const apigw_http_in_t *in, nb_buf_t *b)
{
    int f = 1;
    nb_buf_reserve(b, 2048 + in->body_len * 4 / 3);
    char tbuf[40];
    put1(b, '{');
    if (in->http_api) KV(b, &f, "version", "1.0");
    KV(b, &f, "resource", in->resource_path);
    KV(b, &f, "path", in->http_api ? in->path : in->route_path);
    KV(b, &f, "httpMethod", in->method);
    KEY(b, &f, "headers");
    map_last(b, in->headers, in->n_headers, NULL);
    KEY(b, &f, "multiValueHeaders");
    map_multi(b, in->headers, in->n_headers);
    KEY(b, &f, "queryStringParameters");
    if (in->n_qparams) map_last(b, in->qparams, in->n_qparams, NULL);
    else PUTL(b, "null");
    KEY(b, &f, "multiValueQueryStringParameters");
    if (in->n_qparams) map_multi(b, in->qparams, in->n_qparams);
    else PUTL(b, "null");
    path_params(b, &f, in, 1);
    stage_vars(b, &f, in, 1);
    KEY(b, &f, "requestContext");
    int c = 1;
    put1(b, '{');
    KV(b, &c, "accountId", in->account);
    KV(b, &c, "apiId", in->api_id);
    if (in->authorizer) {
        KEY(b, &c, "authorizer");
        json_value(b, in->authorizer);
    }
    if (!in->http_api && in->deployment_id) KV(b, &c, "deploymentId", in->deployment_id);
    KV(b, &c, "domainName", in->domain);
    KEY(b, &c, "domainPrefix");
    domain_prefix(b, in->domain);
    KV(b, &c, "extendedRequestId", in->request_id);
    KV(b, &c, "httpMethod", in->method);
    KEY(b, &c, "identity");
    int id = 1;
    put1(b, '{');
    static const char *const nulls[] = {"accessKey", "accountId", "caller", "cognitoAuthenticationProvider",
        "cognitoAuthenticationType", "cognitoIdentityId", "cognitoIdentityPoolId", "principalOrgId"};
    for (size_t i = 0; i < sizeof nulls / sizeof nulls[0]; i++) jkv(b, &id, nulls[i], NULL);
    KV(b, &id, "sourceIp", in->source_ip);
    KV(b, &id, "user", NULL);
    KV(b, &id, "userAgent", header(in, "user-agent"));
    KV(b, &id, "userArn", NULL);
    /* an HTTP API's format 1.0 has clientCert; a REST API's identity has none
     * (LocalStack's test_lambda_aws_proxy_integration, recorded against AWS) */
    if (in->http_api) KV(b, &id, "clientCert", NULL);
    if (in->api_key) KV(b, &id, "apiKey", in->api_key);
    if (in->api_key_id) KV(b, &id, "apiKeyId", in->api_key_id);
    put1(b, '}');
    KV(b, &c, "path", in->path);
    KV(b, &c, "protocol", "HTTP/1.1");
    KV(b, &c, "requestId", in->request_id);
    apigw__clf_time(in->time_ms, tbuf, sizeof tbuf);
    KV(b, &c, "requestTime", tbuf);
    KEY(b, &c, "requestTimeEpoch");
    put_u64(b, in->time_ms);
    KV(b, &c, "resourceId", in->http_api ? NULL : in->resource_id);
    KV(b, &c, "resourcePath", in->resource_path);
    KV(b, &c, "stage", in->stage);
    put1(b, '}');
    jbody(b, &f, in, 1);
    put1(b, '}');
}

void apigw__event_v2_text(const apigw_http_in_t *in, nb_buf_t *b)
{
    int f = 1;
    nb_buf_reserve(b, 1024 + in->body_len * 4 / 3);
    char tbuf[40];
    put1(b, '{');
    KV(b, &f, "version", "2.0");
    KV(b, &f, "routeKey", in->route_key);
    KV(b, &f, "rawPath", in->path);
    KV(b, &f, "rawQueryString", in->query);
    int opened = 0, count = 0;
    for (size_t i = 0; i < in->n_headers; i++) {
        if (strcmp(in->headers[i].name, "cookie") != 0) continue;
        if (!opened) {
            KEY(b, &f, "cookies");
            put1(b, '[');
            opened = 1;
        }
        const char *p = in->headers[i].value;
        while (*p) {   /* "a=1; b=2" → "a=1", "b=2" */
            while (*p == ' ') p++;
            const char *e = strchr(p, ';');
            if (!e) e = p + strlen(p);
            if (e > p) {
                if (count++) put1(b, ',');
                jstr(b, p, (size_t)(e - p));
            }
            p = *e ? e + 1 : e;
        }
    }
    if (opened) put1(b, ']');
    KEY(b, &f, "headers");
    map_joined(b, in->headers, in->n_headers, "cookie");
    if (in->n_qparams) {
        KEY(b, &f, "queryStringParameters");
        map_joined(b, in->qparams, in->n_qparams, NULL);
    }
    path_params(b, &f, in, 0);
    stage_vars(b, &f, in, 0);
    KEY(b, &f, "requestContext");
    int c = 1;
    put1(b, '{');
    KV(b, &c, "accountId", in->account);
    KV(b, &c, "apiId", in->api_id);
    if (in->authorizer) {
        KEY(b, &c, "authorizer");
        json_value(b, in->authorizer);
    }
    KV(b, &c, "domainName", in->domain);
    KEY(b, &c, "domainPrefix");
    domain_prefix(b, in->domain);
    KEY(b, &c, "http");
    int h = 1;
    const char *ua = header(in, "user-agent");
    put1(b, '{');
    KV(b, &h, "method", in->method);
    KV(b, &h, "path", in->path);
    KV(b, &h, "protocol", "HTTP/1.1");
    KV(b, &h, "sourceIp", in->source_ip);
    KV(b, &h, "userAgent", ua ? ua : "");
    put1(b, '}');
    KV(b, &c, "requestId", in->request_id);
    KV(b, &c, "routeKey", in->route_key);
    KV(b, &c, "stage", in->stage);
    apigw__clf_time(in->time_ms, tbuf, sizeof tbuf);
    KV(b, &c, "time", tbuf);
    KEY(b, &c, "timeEpoch");
    put_u64(b, in->time_ms);
    put1(b, '}');
    jbody(b, &f, in, 0);
    put1(b, '}');
}

static json_t *parsed(nb_buf_t *b)
{
    json_t *j = json_loadb(b->data, b->len, 0, NULL);
    nb_buf_free(b);
    return j ? j : json_object();
}

json_t *apigw__event_v1(const apigw_http_in_t *in)
{
    nb_buf_t b = NB_BUF_INIT;
    apigw__event_v1_text(in, &b);
    return parsed(&b);
}

json_t *apigw__event_v2(const apigw_http_in_t *in)
{
    nb_buf_t b = NB_BUF_INIT;
    apigw__event_v2_text(in, &b);
    return parsed(&b);
}
