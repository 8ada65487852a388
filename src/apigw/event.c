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

static void jstr(nb_buf_t *b, const char *s, size_t n)
{
    nb_buf_putc(b, '"');
    nb_buf_json_escape(b, s, n);
    nb_buf_putc(b, '"');
}

static void jkey(nb_buf_t *b, int *first, const char *k)
{
    if (!*first) nb_buf_putc(b, ',');
    *first = 0;
    jstr(b, k, strlen(k));
    nb_buf_putc(b, ':');
}

static void jkv(nb_buf_t *b, int *first, const char *k, const char *v)
{
    jkey(b, first, k);
    if (v) jstr(b, v, strlen(v));
    else nb_buf_puts(b, "null");
}

static void jbody(nb_buf_t *b, int *first, const apigw_http_in_t *in, int null_when_empty)
{
    int b64 = body_is_b64(in);
    if (in->body_len) {
        jkey(b, first, "body");
        if (b64) {
            nb_buf_t e = NB_BUF_INIT;
            nb_base64_encode(&e, in->body, in->body_len);
            jstr(b, e.data ? e.data : "", e.len);
            nb_buf_free(&e);
        } else {
            jstr(b, in->body, in->body_len);
        }
    } else if (null_when_empty) {
        jkv(b, first, "body", NULL);
    }
    jkey(b, first, "isBase64Encoded");
    nb_buf_puts(b, b64 ? "true" : "false");
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
    nb_buf_putc(b, '{');
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
                nb_buf_putc(b, style == MAP_MULTI ? '[' : '"');
                for (size_t k = g; k < e; k++) {
                    const char *v = kv[ix[k]].value;
                    if (k > g) nb_buf_putc(b, ',');
                    if (style == MAP_MULTI) jstr(b, v, strlen(v));
                    else nb_buf_json_escape(b, v, strlen(v));
                }
                nb_buf_putc(b, style == MAP_MULTI ? ']' : '"');
            }
        }
        g = e;
    }
    nb_buf_putc(b, '}');
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
    nb_buf_puts(b, s ? s : "null");
    free(s);
}

static const char *header(const apigw_http_in_t *in, const char *name)
{
    for (size_t i = 0; i < in->n_headers; i++)
        if (strcmp(in->headers[i].name, name) == 0) return in->headers[i].value;
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
    jkey(b, f, "pathParameters");
    if (!in->n_path_params) nb_buf_puts(b, "null");
    else map_last(b, in->path_params, in->n_path_params, NULL);
}

static void stage_vars(nb_buf_t *b, int *f, const apigw_http_in_t *in, int null_when_empty)
{
    int have = in->stage_vars && json_object_size(in->stage_vars);
    if (!have && !null_when_empty) return;
    jkey(b, f, "stageVariables");
    if (have) json_value(b, in->stage_vars);
    else nb_buf_puts(b, "null");
}

void apigw__event_v1_text(const apigw_http_in_t *in, nb_buf_t *b)
{
    int f = 1;
    nb_buf_reserve(b, 2048 + in->body_len * 4 / 3);
    char tbuf[40], num[32];
    nb_buf_putc(b, '{');
    jkv(b, &f, "resource", in->resource_path);
    jkv(b, &f, "path", in->route_path);
    jkv(b, &f, "httpMethod", in->method);
    jkey(b, &f, "headers");
    map_last(b, in->headers, in->n_headers, NULL);
    jkey(b, &f, "multiValueHeaders");
    map_multi(b, in->headers, in->n_headers);
    jkey(b, &f, "queryStringParameters");
    if (in->n_qparams) map_last(b, in->qparams, in->n_qparams, NULL);
    else nb_buf_puts(b, "null");
    jkey(b, &f, "multiValueQueryStringParameters");
    if (in->n_qparams) map_multi(b, in->qparams, in->n_qparams);
    else nb_buf_puts(b, "null");
    path_params(b, &f, in, 1);
    stage_vars(b, &f, in, 1);
    jkey(b, &f, "requestContext");
    int c = 1;
    nb_buf_putc(b, '{');
    jkv(b, &c, "accountId", in->account);
    jkv(b, &c, "apiId", in->api_id);
    if (in->authorizer) {
        jkey(b, &c, "authorizer");
        json_value(b, in->authorizer);
    }
    jkv(b, &c, "domainName", in->domain);
    jkey(b, &c, "domainPrefix");
    domain_prefix(b, in->domain);
    jkv(b, &c, "extendedRequestId", in->request_id);
    jkv(b, &c, "httpMethod", in->method);
    jkey(b, &c, "identity");
    int id = 1;
    nb_buf_putc(b, '{');
    static const char *const nulls[] = {"accessKey", "accountId", "caller", "cognitoAuthenticationProvider",
        "cognitoAuthenticationType", "cognitoIdentityId", "cognitoIdentityPoolId", "principalOrgId"};
    for (size_t i = 0; i < sizeof nulls / sizeof nulls[0]; i++) jkv(b, &id, nulls[i], NULL);
    jkv(b, &id, "sourceIp", in->source_ip);
    jkv(b, &id, "user", NULL);
    jkv(b, &id, "userAgent", header(in, "user-agent"));
    jkv(b, &id, "userArn", NULL);
    jkv(b, &id, "clientCert", NULL);
    if (in->api_key) jkv(b, &id, "apiKey", in->api_key);
    if (in->api_key_id) jkv(b, &id, "apiKeyId", in->api_key_id);
    nb_buf_putc(b, '}');
    jkv(b, &c, "path", in->path);
    jkv(b, &c, "protocol", "HTTP/1.1");
    jkv(b, &c, "requestId", in->request_id);
    apigw__clf_time(in->time_ms, tbuf, sizeof tbuf);
    jkv(b, &c, "requestTime", tbuf);
    jkey(b, &c, "requestTimeEpoch");
    snprintf(num, sizeof num, "%llu", (unsigned long long)in->time_ms);
    nb_buf_puts(b, num);
    jkv(b, &c, "resourceId", in->resource_id);
    jkv(b, &c, "resourcePath", in->resource_path);
    jkv(b, &c, "stage", in->stage);
    nb_buf_putc(b, '}');
    jbody(b, &f, in, 1);
    nb_buf_putc(b, '}');
}

void apigw__event_v2_text(const apigw_http_in_t *in, nb_buf_t *b)
{
    int f = 1;
    nb_buf_reserve(b, 1024 + in->body_len * 4 / 3);
    char tbuf[40], num[32];
    nb_buf_putc(b, '{');
    jkv(b, &f, "version", "2.0");
    jkv(b, &f, "routeKey", in->route_key);
    jkv(b, &f, "rawPath", in->path);
    jkv(b, &f, "rawQueryString", in->query);
    int opened = 0, count = 0;
    for (size_t i = 0; i < in->n_headers; i++) {
        if (strcmp(in->headers[i].name, "cookie") != 0) continue;
        if (!opened) {
            jkey(b, &f, "cookies");
            nb_buf_putc(b, '[');
            opened = 1;
        }
        const char *p = in->headers[i].value;
        while (*p) {   /* "a=1; b=2" → "a=1", "b=2" */
            while (*p == ' ') p++;
            const char *e = strchr(p, ';');
            if (!e) e = p + strlen(p);
            if (e > p) {
                if (count++) nb_buf_putc(b, ',');
                jstr(b, p, (size_t)(e - p));
            }
            p = *e ? e + 1 : e;
        }
    }
    if (opened) nb_buf_putc(b, ']');
    jkey(b, &f, "headers");
    map_joined(b, in->headers, in->n_headers, "cookie");
    if (in->n_qparams) {
        jkey(b, &f, "queryStringParameters");
        map_joined(b, in->qparams, in->n_qparams, NULL);
    }
    path_params(b, &f, in, 0);
    stage_vars(b, &f, in, 0);
    jkey(b, &f, "requestContext");
    int c = 1;
    nb_buf_putc(b, '{');
    jkv(b, &c, "accountId", in->account);
    jkv(b, &c, "apiId", in->api_id);
    if (in->authorizer) {
        jkey(b, &c, "authorizer");
        json_value(b, in->authorizer);
    }
    jkv(b, &c, "domainName", in->domain);
    jkey(b, &c, "domainPrefix");
    domain_prefix(b, in->domain);
    jkey(b, &c, "http");
    int h = 1;
    const char *ua = header(in, "user-agent");
    nb_buf_putc(b, '{');
    jkv(b, &h, "method", in->method);
    jkv(b, &h, "path", in->path);
    jkv(b, &h, "protocol", "HTTP/1.1");
    jkv(b, &h, "sourceIp", in->source_ip);
    jkv(b, &h, "userAgent", ua ? ua : "");
    nb_buf_putc(b, '}');
    jkv(b, &c, "requestId", in->request_id);
    jkv(b, &c, "routeKey", in->route_key);
    jkv(b, &c, "stage", in->stage);
    apigw__clf_time(in->time_ms, tbuf, sizeof tbuf);
    jkv(b, &c, "time", tbuf);
    jkey(b, &c, "timeEpoch");
    snprintf(num, sizeof num, "%llu", (unsigned long long)in->time_ms);
    nb_buf_puts(b, num);
    nb_buf_putc(b, '}');
    jbody(b, &f, in, 0);
    nb_buf_putc(b, '}');
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
