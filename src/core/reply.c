/* reply.c — every response leaves through here: rendering in the request's
 * protocol (JSON 1.0/1.1, Query XML, REST-JSON, REST-XML), the request-id
 * headers, the access log line, then nb_http_send().
 *
 * Error shapes (one table, errors.def; one renderer, nb_render_error):
 *   JSON 1.0/1.1  {"__type":"<ns>#Name","message":"..."}  + x-amzn-ErrorType
 *   Query         <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>
 *   REST-JSON     {"Type":"User","message":"..."}        + x-amzn-ErrorType: Name
 *   REST-XML      <Error><Code/><Message/><Resource/><RequestId/></Error> */
#include "core/reply.h"
#include "core/call.h"
#include "core/http_server.h"
#include "core/log.h"
#include "core/util.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAX_RESP_HEADERS 32

struct nb_edge_state {
    nb_kv_t hdrs[MAX_RESP_HEADERS];
    size_t n;
    nb_proto_t fallback;
    int has_fallback;
};

static struct nb_edge_state *edge_state(nb_req_t *req)
{
    if (!req->edge) req->edge = nb_arena_calloc(req->arena, sizeof *req->edge);
    return req->edge;
}

void nb_reply_set_fallback_proto(nb_req_t *req, nb_proto_t proto)
{
    struct nb_edge_state *e = edge_state(req);
    e->fallback = proto;
    e->has_fallback = 1;
}

nb_proto_t nb_reply_proto(const nb_req_t *req)
{
    if (req->svc) return req->svc->proto;
    if (req->edge && req->edge->has_fallback) return req->edge->fallback;
    return NB_PROTO_REST_JSON;
}

void nb_resp_header(nb_req_t *req, const char *name, const char *value)
{
    struct nb_edge_state *e = edge_state(req);
    if (e->n >= MAX_RESP_HEADERS) {
        nb_log_warn("edge", "too many response headers; dropped %s", name);
        return;
    }
    e->hdrs[e->n].name = nb_arena_strdup(req->arena, name);
    e->hdrs[e->n].value = nb_arena_strdup(req->arena, value);
    e->hdrs[e->n].value_len = strlen(value);
    e->n++;
}

const nb_kv_t *nb_resp_headers(const nb_req_t *req, size_t *n)
{
    *n = req->edge ? req->edge->n : 0;
    return req->edge ? req->edge->hdrs : NULL;
}

static const char *content_type_for(nb_proto_t p)
{
    switch (p) {
    case NB_PROTO_JSON10: return "application/x-amz-json-1.0";
    case NB_PROTO_JSON11: return "application/x-amz-json-1.1";
    case NB_PROTO_QUERY: return "text/xml";
    case NB_PROTO_REST_XML: return "application/xml";
    case NB_PROTO_REST_JSON:
    case NB_PROTO_INTERNAL:
    default: return "application/json";
    }
}

static int has_header(const nb_req_t *req, const char *name)
{
    size_t n;
    const nb_kv_t *h = nb_resp_headers(req, &n);
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(h[i].name, name) == 0) return 1;
    return 0;
}

void nb_reply(nb_req_t *req, int status, const char *content_type, const void *body, size_t len)
{
    nb_proto_t proto = nb_reply_proto(req);
    if (content_type && !has_header(req, "Content-Type")) nb_resp_header(req, "Content-Type", content_type);
    nb_resp_header(req, "x-amzn-RequestId", req->id);
    if (proto == NB_PROTO_REST_XML) {
        nb_resp_header(req, "x-amz-request-id", req->id);
        nb_resp_header(req, "x-amz-id-2", req->id);
    }
    if (!(req->svc && req->svc->proto == NB_PROTO_INTERNAL && status < 400))
        nb_log_request(req->id, req->svc ? req->svc->name : "-", req->op ? req->op->name : "-", status,
                       (unsigned long long)(nb_now_us() - req->start_us));
    if (req->json) {   /* the request ends here: release its decoded body */
        json_decref(req->json);
        req->json = NULL;
    }
    size_t n;
    const nb_kv_t *h = nb_resp_headers(req, &n);
    if (req->call) nb_call_reply(req, status, h, n, body, len);   /* an internal call: its callback */
    else nb_http_send(req, status, h, n, body, len);
}

void nb_reply_json(nb_req_t *req, int status, json_t *body)
{
    char *s = body ? json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(15)) : NULL;
    json_decref(body);
    const char *out = s ? s : "{}";
    nb_reply(req, status, content_type_for(nb_reply_proto(req)), out, strlen(out));
    free(s);
}

void nb_reply_query(nb_req_t *req, const char *result_xml)
{
    const char *op = req->op ? req->op->name : "Unknown";
    const char *ns = req->svc && req->svc->xml_ns ? req->svc->xml_ns : "";
    nb_buf_t b = NB_BUF_INIT;
    nb_buf_printf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<%sResponse xmlns=\"%s\">", op, ns);
    if (result_xml) nb_buf_printf(&b, "<%sResult>%s</%sResult>", op, result_xml, op);
    else nb_buf_printf(&b, "<%sResult/>", op);
    nb_buf_printf(&b, "<ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata></%sResponse>", req->id, op);
    nb_reply(req, 200, "text/xml", b.data, b.len);
    nb_buf_free(&b);
}

void nb_render_error(nb_req_t *req, nb_err_t code, const char *msg, json_t *extra,
                     int *status, const char **content_type, nb_buf_t *body)
{
    const nb_error_row_t *row = nb_error_row(code);
    nb_proto_t proto = nb_reply_proto(req);
    *status = row->status;
    *content_type = content_type_for(proto);
    switch (proto) {
    case NB_PROTO_JSON10:
    case NB_PROTO_JSON11: {
        const char *ns = row->ns ? row->ns : (req->svc && req->svc->json_ns ? req->svc->json_ns : NULL);
        json_t *o = json_object();
        char *type = proto == NB_PROTO_JSON10 && ns ? nb_arena_printf(req->arena, "%s#%s", ns, row->name)
                                                    : (char *)row->name;
        json_object_set_new(o, "__type", json_string(type));
        json_object_set_new(o, "message", json_string(msg));
        if (extra) {
            json_object_update(o, extra);
            /* a JSON null in extra removes that member (DynamoDB's ConditionalCheckFailed
             * with its Item says "Message", not "message") */
            const char *k;
            json_t *v;
            void *tmp;
            json_object_foreach_safe(o, tmp, k, v) if (json_is_null(v)) json_object_del(o, k);
        }
        char *s = json_dumps(o, JSON_COMPACT);
        nb_buf_puts(body, s);
        free(s);
        json_decref(o);
        nb_resp_header(req, "x-amzn-ErrorType", row->name);
        break;
    }
    case NB_PROTO_QUERY: {
        const char *ns = req->svc && req->svc->xml_ns ? req->svc->xml_ns : NULL;
        nb_buf_puts(body, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ErrorResponse");
        if (ns) nb_buf_printf(body, " xmlns=\"%s\"", ns);
        nb_buf_printf(body, "><Error><Type>%s</Type><Code>%s</Code><Message>",
                      row->fault == NB_FAULT_SENDER ? "Sender" : "Receiver", row->name);
        nb_buf_xml_escape(body, msg, strlen(msg));
        nb_buf_printf(body, "</Message></Error><RequestId>%s</RequestId></ErrorResponse>", req->id);
        break;
    }
    case NB_PROTO_REST_XML:
        nb_buf_printf(body, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>%s</Code><Message>", row->name);
        nb_buf_xml_escape(body, msg, strlen(msg));
        nb_buf_puts(body, "</Message><Resource>");
        nb_buf_xml_escape(body, req->path ? req->path : "", req->path ? strlen(req->path) : 0);
        nb_buf_printf(body, "</Resource><RequestId>%s</RequestId></Error>", req->id);
        break;
    case NB_PROTO_REST_JSON:
    case NB_PROTO_INTERNAL:
    default: {
        const char *key = req->svc && req->svc->error_message_key ? req->svc->error_message_key : "message";
        json_t *o = json_object();
        json_object_set_new(o, "Type", json_string(row->fault == NB_FAULT_SENDER ? "User" : "Service"));
        json_object_set_new(o, key, json_string(msg));
        if (extra) json_object_update(o, extra);
        char *s = json_dumps(o, JSON_COMPACT);
        nb_buf_puts(body, s);
        free(s);
        json_decref(o);
        nb_resp_header(req, "x-amzn-ErrorType", nb_arena_printf(req->arena, "%s:", row->name));
        break;
    }
    }
}

static void reply_error_v(nb_req_t *req, nb_err_t code, json_t *extra, const char *fmt, va_list ap)
{
    char *msg = nb_arena_vprintf(req->arena, fmt, ap);
    int status;
    const char *ct;
    nb_buf_t body = NB_BUF_INIT;
    nb_render_error(req, code, msg, extra, &status, &ct, &body);
    json_decref(extra);
    nb_reply(req, status, ct, body.data, body.len);
    nb_buf_free(&body);
}

void nb_reply_error(nb_req_t *req, nb_err_t code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    reply_error_v(req, code, NULL, fmt, ap);
    va_end(ap);
}

void nb_reply_error_extra(nb_req_t *req, nb_err_t code, json_t *extra, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    reply_error_v(req, code, extra, fmt, ap);
    va_end(ap);
}
