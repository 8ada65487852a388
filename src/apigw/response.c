/* response.c — a Lambda proxy function's answer mapped to the HTTP response
 * (payload formats 1.0 and 2.0; see event.h for the rules). Header values
 * may be strings, numbers or booleans (converted to text, as API Gateway
 * does); anything else makes the answer malformed. */
#include "apigw/event.h"
#include "core/util.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <stdlib.h>

typedef struct hdrs {
    nb_kv_t *v;
    size_t n, cap;
} hdrs_t;

static void add(nb_arena_t *a, hdrs_t *h, const char *name, const char *value)
{
    if (h->n == h->cap) {
        size_t nc = h->cap ? h->cap * 2 : 8;
        nb_kv_t *nv = nb_arena_alloc(a, sizeof *nv * nc);
        if (h->n) memcpy(nv, h->v, sizeof *nv * h->n);
        h->v = nv;
        h->cap = nc;
    }
    h->v[h->n].name = nb_arena_strdup(a, name);
    h->v[h->n].value = nb_arena_strdup(a, value);
    h->v[h->n].value_len = strlen(value);
    h->n++;
}

/* Scalar → text (arena); NULL for objects, arrays, null. */
static const char *scalar(nb_arena_t *a, json_t *v)
{
    if (json_is_string(v)) return json_string_value(v);
    if (json_is_integer(v)) return nb_arena_printf(a, "%lld", (long long)json_integer_value(v));
    if (json_is_real(v)) return nb_arena_printf(a, "%g", json_real_value(v));
    if (json_is_true(v)) return "true";
    if (json_is_false(v)) return "false";
    return NULL;
}

static int has(const hdrs_t *h, const char *name)
{
    for (size_t i = 0; i < h->n; i++)
        if (strcasecmp(h->v[i].name, name) == 0) return 1;
    return 0;
}

static int status_of(json_t *sc, int *out)
{
    json_int_t v;
    if (json_is_integer(sc)) v = json_integer_value(sc);
    else if (json_is_string(sc)) {
        char *end;
        v = strtoll(json_string_value(sc), &end, 10);
        if (*end || end == json_string_value(sc)) return -1;
    } else return -1;
    if (v < 100 || v > 599) return -1;
    *out = (int)v;
    return 0;
}

/* Shared part: statusCode, headers, body, isBase64Encoded. rest: a REST
 * API's reading, where an answer without statusCode is 200 (LocalStack's
 * test_lambda_aws_proxy_response_format: {} → 200, empty body). keep_text: a
 * base64 answer's text as written is kept too (b64_text) — format 1.0, whose
 * REST reader may send it; an HTTP API never does, and format 2.0 is read
 * for HTTP APIs only. */
static int map_common(nb_arena_t *a, json_t *o, hdrs_t *h, apigw_http_out_t *out, int keep_text, int rest)
{
    json_t *sc = json_object_get(o, "statusCode");
    if (rest && (!sc || json_is_null(sc))) out->status = 200;   /* a REST API: {} answers 200 */
    else if (status_of(sc, &out->status) != 0) return -1;
    json_t *hs = json_object_get(o, "headers");
    if (hs && !json_is_null(hs)) {
        if (!json_is_object(hs)) return -1;
        const char *k;
        json_t *v;
        json_object_foreach(hs, k, v) {
            const char *s = scalar(a, v);
            if (!s) return -1;
            add(a, h, k, s);
        }
    }
    json_t *body = json_object_get(o, "body");
    const char *bs = "";
    size_t bl = 0;
    if (body && !json_is_null(body)) {
        if (json_is_string(body)) {
            bs = json_string_value(body);
            bl = json_string_length(body);
        } else {
            return -1;
        }
    }
    json_t *b64 = json_object_get(o, "isBase64Encoded");
    if (b64 && !json_is_boolean(b64) && !json_is_null(b64)) return -1;
    if (json_is_true(b64) && bl) {
        nb_buf_t d = NB_BUF_INIT;
        if (nb_base64_decode(&d, bs, bl) != 0) {
            nb_buf_free(&d);
            return -1;
        }
        out->body = nb_arena_strndup(a, d.data ? d.data : "", d.len);
        out->body_len = d.len;
        if (keep_text) {
            out->b64_text = nb_arena_strndup(a, bs, bl);
            out->b64_len = bl;
        }
        nb_buf_free(&d);
    } else {
        out->body = nb_arena_strndup(a, bs, bl);
        out->body_len = bl;
    }
    return 0;
}

static void finish(nb_arena_t *a, hdrs_t *h, apigw_http_out_t *out)
{
    if (!has(h, "content-type")) add(a, h, "Content-Type", "application/json");
    out->headers = h->v;
    out->n_headers = h->n;
}

/* The members a REST API's proxy answer may have; any other makes it a
 * "Malformed Lambda proxy response" there. */
static int rest_member(const char *k)
{
    static const char *const known[] = {"statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(k, known[i]) == 0) return 1;
    return 0;
}

static int response_v1(nb_arena_t *a, const char *payload, size_t len, apigw_http_out_t *out, int strict)
{
    memset(out, 0, sizeof *out);
    json_t *o = json_loadb(payload, len, JSON_DECODE_ANY, NULL);
    if (!json_is_object(o)) {
        json_decref(o);
        return -1;
    }
    if (strict) {
        const char *k;
        json_t *v;
        json_object_foreach(o, k, v) {
            if (!rest_member(k)) {
                json_decref(o);
                return -1;
            }
        }
    }
    hdrs_t h = {0};
    int rc = map_common(a, o, &h, out, 1, strict);
    json_t *mh = json_object_get(o, "multiValueHeaders");
    if (rc == 0 && mh && !json_is_null(mh)) {
        if (!json_is_object(mh)) {
            rc = -1;
        } else {
            const char *k;
            json_t *arr;
            json_object_foreach(mh, k, arr) {
                if (!json_is_array(arr)) {
                    rc = -1;
                    break;
                }
                /* multi-value entries replace a single-value header of the same name */
                for (size_t i = 0; i < h.n; i++)
                    if (strcasecmp(h.v[i].name, k) == 0) h.v[i--] = h.v[--h.n];
                size_t i;
                json_t *v;
                json_array_foreach(arr, i, v) {
                    const char *s = scalar(a, v);
                    if (!s) { rc = -1; break; }
                    add(a, &h, k, s);
                }
            }
        }
    }
    json_decref(o);
    if (rc != 0) return -1;
    finish(a, &h, out);
    return 0;
}

int apigw__response_v1(nb_arena_t *a, const char *payload, size_t len, apigw_http_out_t *out)
{
    return response_v1(a, payload, len, out, 0);
}

int apigw__response_v1_rest(nb_arena_t *a, const char *payload, size_t len, apigw_http_out_t *out)
{
    return response_v1(a, payload, len, out, 1);
}

int apigw__response_v2(nb_arena_t *a, const char *payload, size_t len, apigw_http_out_t *out)
{
    int rc = apigw__response_v2_fast(a, payload, len, out);
    return rc == APIGW_RESP_SLOW ? apigw__response_v2_json(a, payload, len, out) : rc;
}

int apigw__response_v2_json(nb_arena_t *a, const char *payload, size_t len, apigw_http_out_t *out)
{
    memset(out, 0, sizeof *out);
    json_t *o = json_loadb(payload, len, JSON_DECODE_ANY, NULL);
    if (!o) return -1;
    hdrs_t h = {0};
    if (!json_is_object(o) || !json_object_get(o, "statusCode")) {
        /* any other JSON: 200, the JSON itself is the body (a string's value) */
        out->status = 200;
        if (json_is_string(o)) {
            out->body = nb_arena_strndup(a, json_string_value(o), json_string_length(o));
            out->body_len = json_string_length(o);
        } else {
            out->body = nb_arena_strndup(a, payload, len);
            out->body_len = len;
        }
        json_decref(o);
        finish(a, &h, out);
        return 0;
    }
    int rc = map_common(a, o, &h, out, 0, 0);
    json_t *cookies = json_object_get(o, "cookies");
    if (rc == 0 && cookies && !json_is_null(cookies)) {
        if (!json_is_array(cookies)) rc = -1;
        size_t i;
        json_t *c;
        json_array_foreach(cookies, i, c) {
            if (!json_is_string(c)) { rc = -1; break; }
            add(a, &h, "Set-Cookie", json_string_value(c));
        }
    }
    json_decref(o);
    if (rc != 0) return -1;
    finish(a, &h, out);
    return 0;
}
