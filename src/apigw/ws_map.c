/* ws_map.c — WebSocket APIs' non-proxy integrations (MOCK, AWS to Lambda,
 * HTTP) on the mapping template engine of REST APIs (vtl.h), as AWS's
 * "Data transformations for WebSocket APIs" and "Set up a WebSocket API
 * integration response" describe them:
 *
 *   request template: the integration's templateSelectionExpression
 *     (${request.body.x} or a static value, "\$default") names a key of its
 *     requestTemplates; no such key → the "$default" template; none →
 *     passthroughBehavior (WHEN_NO_MATCH passes the message as it is,
 *     WHEN_NO_TEMPLATES only when there are no templates, NEVER refuses)
 *   integration response: its key is "$default" or a /regex/ matched whole
 *     against the backend's status (MOCK, HTTP) or a Lambda answer's
 *     errorMessage; none matching → "$default"; none at all → the execution
 *     fails ("No match for output mapping and no default output mapping")
 *   response template: the integration response's templateSelectionExpression
 *     (${request.body.x}, ${integration.response.statuscode},
 *     ${integration.response.header.X}, ${integration.response.multivalueheader.X},
 *     static) names a key of its responseTemplates, else "$default"; none →
 *     the backend's body as it is; its contentHandlingStrategy converts a
 *     binary answer to base64 text before (CONVERT_TO_TEXT) or the result's
 *     base64 to bytes after (CONVERT_TO_BINARY).
 * HTTP_PROXY integrations use only apigw__ws_map_http (requestParameters).
 * Templates see the WebSocket $context (the requestContext of the route's
 * proxy event: connectionId, routeKey, eventType, messageId, domainName,
 * stage, requestTimeEpoch, identity, authorizer…), $input (the message; on
 * $connect also the request's header and query string parameters) and
 * $stageVariables. The callers (ws_open.c for $connect, ws_conn.c for
 * messages and $disconnect) make the call itself. */
#include "apigw/ws_int.h"
#include "apigw/apigw_int.h"
#include "apigw/jregex.h"
#include "apigw/vtl.h"
#include "apigw/ws.h"
#include "apigw/ws_rx.h"
#include "core/util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

json_t *apigw__ws_map_context(const apigw_ws_info_t *ci, const char *event_type, const char *route_key,
                              const char *request_id, const char *message_id, uint64_t t_ms)
{
    json_t *ev = apigw__ws_event(ci, event_type, route_key, request_id, message_id, t_ms);
    json_t *c = json_incref(json_object_get(ev, "requestContext"));
    json_decref(ev);
    json_object_set_new(c, "accountId", json_string(ci->account ? ci->account : ""));
    json_object_set_new(json_object_get(c, "identity"), "accountId", json_string(ci->account ? ci->account : ""));
    return c;
}

/* Render src for m with body (the message or the backend's answer); 0, or -1. */
static int render(const apigw_ws_mreq_t *m, const char *src, const char *body, size_t len, nb_buf_t *out)
{
    char err[200];
    vtl_tmpl_t *t = apigw__vtl_parse(src, strlen(src), err, sizeof err);
    if (!t) return -1;
    json_t *params = m->params ? json_incref(m->params) : json_pack("{s:{},s:{},s:{}}", "path", "querystring", "header");
    vtl_env_t env = {body, len, params, m->ctx, json_object_get(m->stage, "stageVariables")};
    int rc = apigw__vtl_render(t, &env, out);
    apigw__vtl_free(t);
    json_decref(params);
    return rc;
}

/* The template of tpls a selection key names, else the "$default" one, else NULL. */
static const char *pick_template(json_t *tpls, const char *key)
{
    const char *src = key ? apigw__str(tpls, key) : NULL;
    return src ? src : apigw__str(tpls, "$default");
}

int apigw__ws_map_request(nb_arena_t *a, const apigw_ws_mreq_t *m, nb_buf_t *out)
{
    json_t *tpls = json_object_get(m->integ, "requestTemplates");
    const char *expr = apigw__str(m->integ, "templateSelectionExpression");
    const char *key = expr ? apigw__ws_select_route(a, expr, m->body, m->len) : NULL;
    const char *src = pick_template(tpls, key);
    if (!src) {
        const char *pb = apigw__str(m->integ, "passthroughBehavior");
        int pass = !pb || strcmp(pb, "WHEN_NO_MATCH") == 0 ||
                   (strcmp(pb, "WHEN_NO_TEMPLATES") == 0 && json_object_size(tpls) == 0);
        if (!pass) return APIGW_WS_MAP_REFUSED;
        nb_buf_append(out, m->body, m->len);
        return 0;
    }
    return render(m, src, m->body, m->len, out) == 0 ? 0 : APIGW_WS_MAP_FAILED;
}

/* Entries named name among h (any case): the last one's value, or (multi) all
 * joined with commas (arena); NULL when none. */
static const char *kv_get(nb_arena_t *a, const nb_kv_t *h, size_t n, const char *name, size_t name_len, int multi)
{
    nb_buf_t b = NB_BUF_INIT;
    int found = 0;
    for (size_t i = 0; i < n; i++) {
        if (strlen(h[i].name) != name_len || strncasecmp(h[i].name, name, name_len) != 0) continue;
        if (found && !multi) nb_buf_clear(&b);
        if (found && multi) nb_buf_putc(&b, ',');
        nb_buf_append(&b, h[i].value, h[i].value_len);
        found = 1;
    }
    const char *r = found ? nb_arena_strndup(a, b.data ? b.data : "", b.len) : NULL;
    nb_buf_free(&b);
    return r;
}

/* What an integration response's templateSelectionExpression reads. */
typedef struct answer_src {
    const apigw_ws_mreq_t *m;
    const apigw_ws_answer_t *r;
} answer_src_t;

/* integration.response.statuscode / header.X / multivalueheader.X, request.body.x. */
static const char *answer_var(nb_arena_t *a, const char *name, size_t n, void *arg)
{
    const answer_src_t *s = arg;
    if (n == 31 && strncmp(name, "integration.response.statuscode", 31) == 0) return nb_arena_printf(a, "%d", s->r->status);
    if (n > 28 && strncmp(name, "integration.response.header.", 28) == 0)
        return kv_get(a, s->r->headers, s->r->n_headers, name + 28, n - 28, 0);
    if (n > 38 && strncmp(name, "integration.response.multivalueheader.", 38) == 0)
        return kv_get(a, s->r->headers, s->r->n_headers, name + 38, n - 38, 1);
    if (n > 13 && strncmp(name, "request.body.", 13) == 0)
        return apigw__ws_select_route(a, nb_arena_printf(a, "${%.*s}", (int)n, name), s->m->body, s->m->len);
    return NULL;
}

/* The integration response for key: a /regex/ one matching it whole, else
 * "$default", else NULL. */
static json_t *select_response(json_t *integ, const char *key)
{
    json_t *dflt = NULL;
    const char *id;
    json_t *ir;
    json_object_foreach(json_object_get(integ, "_responses"), id, ir) {
        const char *k = apigw__str(ir, "integrationResponseKey");
        size_t n = k ? strlen(k) : 0;
        if (k && strcmp(k, "$default") == 0) {
            dflt = ir;
            continue;
        }
        if (!key || n < 3 || k[0] != '/' || k[n - 1] != '/') continue;
        char *pat = strndup(k + 1, n - 2);
        int hit = pat && apigw__jregex_whole(pat, key);
        free(pat);
        if (hit) return ir;
    }
    return dflt;
}

int apigw__ws_map_response(nb_arena_t *a, const apigw_ws_mreq_t *m, const apigw_ws_answer_t *r, nb_buf_t *out,
                           int *binary)
{
    *binary = 0;
    json_t *ir = select_response(m->integ, r->key);
    if (!ir) return APIGW_WS_MAP_NO_RESPONSE;
    const char *expr = apigw__str(ir, "templateSelectionExpression");
    answer_src_t as = {m, r};
    const char *key = apigw__ws_eval_selection(a, expr, answer_var, &as);
    const char *src = pick_template(json_object_get(ir, "responseTemplates"), key);
    /* contentHandlingStrategy (botocore's IntegrationResponse): CONVERT_TO_TEXT
     * turns a binary payload (not UTF-8: what a text frame cannot carry) into
     * its base64 text before the template; CONVERT_TO_BINARY turns the result,
     * base64 text, into the bytes it encodes (a binary frame). Text under
     * CONVERT_TO_TEXT, or text that is no base64 under CONVERT_TO_BINARY, passes
     * as it is, as REST's contentHandling does. */
    const char *ch = apigw__str(ir, "contentHandlingStrategy");
    const char *body = r->body;
    size_t blen = r->len;
    nb_buf_t conv = NB_BUF_INIT;
    if (ch && strcmp(ch, "CONVERT_TO_TEXT") == 0 && !apigw__utf8_valid((const unsigned char *)body, blen)) {
        nb_base64_encode(&conv, body, blen);
        body = conv.data ? conv.data : "";
        blen = conv.len;
    }
    int rc = 0;
    if (!src) nb_buf_append(out, body, blen);
    else rc = render(m, src, body, blen, out) == 0 ? 0 : APIGW_WS_MAP_FAILED;
    nb_buf_free(&conv);
    if (rc == 0 && ch && strcmp(ch, "CONVERT_TO_BINARY") == 0) {
        nb_buf_t bin = NB_BUF_INIT;
        if (nb_base64_decode(&bin, out->data ? out->data : "", out->len) == 0) {
            nb_buf_free(out);
            *out = bin;
            *binary = 1;
        } else {
            nb_buf_free(&bin);
        }
    }
    return rc;
}

const char *apigw__ws_lambda_key(nb_arena_t *a, const char *payload, size_t len)
{
    json_t *j = json_loadb(payload, len, JSON_DECODE_ANY, NULL);
    const char *e = apigw__str(j, "errorMessage");
    const char *k = e ? nb_arena_strdup(a, e) : NULL;
    json_decref(j);
    return k;
}

int apigw__ws_mock_status(const char *out, size_t len)
{
    json_t *j = json_loadb(out, len, JSON_DECODE_ANY, NULL);
    json_t *sc = json_object_get(j, "statusCode");
    int s = json_is_integer(sc) ? (int)json_integer_value(sc) : 200;
    json_decref(j);
    return s;
}

/* A requestParameters source for m: 'static', context.x, stageVariables.x,
 * route.request.header.x / querystring.x ($connect's request),
 * route.request.body.x (the message, by JSONPath); arena, or NULL. */
static const char *param_source(nb_arena_t *a, const apigw_ws_mreq_t *m, const char *e)
{
    size_t n = strlen(e);
    if (n >= 2 && e[0] == '\'' && e[n - 1] == '\'') return nb_arena_strndup(a, e + 1, n - 2);
    if (strncmp(e, "stageVariables.", 15) == 0) return apigw__str(json_object_get(m->stage, "stageVariables"), e + 15);
    if (strncmp(e, "context.", 8) == 0) {
        json_t *v = apigw__jsonpath(m->ctx, nb_arena_printf(a, "$.%s", e + 8));
        if (json_is_string(v)) return json_string_value(v);
        if (json_is_integer(v)) return nb_arena_printf(a, "%lld", (long long)json_integer_value(v));
        return NULL;
    }
    if (strncmp(e, "route.request.header.", 21) == 0)
        return kv_get(a, m->headers, m->n_headers, e + 21, strlen(e + 21), 0);
    if (strncmp(e, "route.request.querystring.", 26) == 0) {
        for (size_t i = m->n_query; i-- > 0;)
            if (strcmp(m->query[i].name, e + 26) == 0) return m->query[i].value;
        return NULL;
    }
    if (strncmp(e, "route.request.body.", 19) == 0)
        return apigw__ws_select_route(a, nb_arena_printf(a, "${request.body.%s}", e + 19), m->body, m->len);
    return NULL;
}

void apigw__ws_map_http(nb_arena_t *a, const apigw_ws_mreq_t *m, apigw_ws_http_t *h)
{
    json_t *rp = json_object_get(m->integ, "requestParameters");
    h->method = apigw__str(m->integ, "integrationMethod");
    if (!h->method || !*h->method || strcmp(h->method, "ANY") == 0) h->method = "POST";
    nb_buf_t url = NB_BUF_INIT;
    /* no URI (an integration stored with IntegrationSubtype instead): no usable
     * URL, the call fails as for an unreachable backend */
    const char *uri = apigw__ws_stage_subst(a, m->stage, apigw__str(m->integ, "integrationUri"));
    nb_buf_puts(&url, uri ? uri : "");
    h->headers = nb_arena_alloc(a, sizeof *h->headers * (json_object_size(rp) + 1));
    h->n_headers = 0;
    int has_ct = 0, first = !memchr(url.data ? url.data : "", '?', url.len);
    const char *k;
    json_t *v;
    json_object_foreach(rp, k, v) {
        const char *val = json_is_string(v) ? param_source(a, m, json_string_value(v)) : NULL;
        if (!val) continue;
        if (strncmp(k, "integration.request.header.", 27) == 0 && k[27]) {
            nb_kv_t *kv = &h->headers[h->n_headers++];
            kv->name = nb_arena_strdup(a, k + 27);
            kv->value = val;
            kv->value_len = strlen(val);
            has_ct |= strcasecmp(k + 27, "content-type") == 0;
        } else if (strncmp(k, "integration.request.querystring.", 32) == 0 && k[32]) {
            nb_buf_putc(&url, first ? '?' : '&');
            first = 0;
            nb_url_encode(&url, k + 32, strlen(k + 32), 0);
            nb_buf_putc(&url, '=');
            nb_url_encode(&url, val, strlen(val), 0);
        }
    }
    if (!has_ct) h->headers[h->n_headers++] = (nb_kv_t){"Content-Type", "application/json", 16};
    h->url = nb_arena_strndup(a, url.data ? url.data : "", url.len);
    nb_buf_free(&url);
}

int apigw__ws_integration_kind(json_t *integ)
{
    const char *t = apigw__str(integ, "integrationType");
    if (!t) return APIGW_WS_INT_NONE;
    if (strcmp(t, "AWS_PROXY") == 0) return APIGW_WS_INT_PROXY;
    if (strcmp(t, "MOCK") == 0) return APIGW_WS_INT_MOCK;
    if (strcmp(t, "AWS") == 0) return APIGW_WS_INT_LAMBDA;
    if (strcmp(t, "HTTP") == 0) return APIGW_WS_INT_HTTP;
    if (strcmp(t, "HTTP_PROXY") == 0) return APIGW_WS_INT_HTTP_PROXY;
    return APIGW_WS_INT_NONE;
}
