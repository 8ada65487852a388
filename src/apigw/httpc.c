/* httpc.c — the minimal HTTP client (see httpc.h).
 *
 *   resolve ─▶ connect ─▶ write ─▶ read until the message completes or EOF ─▶ cb
 *   any failure or the deadline ─▶ cb(status -1/-2)
 * The call record is freed when both the TCP handle and the timer are
 * closed. */
#include "apigw/httpc.h"
#include "core/alloc.h"
#include "core/buf.h"
#include <llhttp.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_ANSWER (10u * 1024 * 1024)

typedef struct hc {
    uv_tcp_t tcp;
    uv_timer_t timer;
    uv_connect_t conn;
    uv_write_t wr;
    llhttp_t parser;
    nb_buf_t out;            /* the request */
    nb_buf_t body;
    nb_kv_t *hdrs;
    size_t n_hdrs, cap_hdrs;
    int last_was_value;
    int done, complete, closing, head;   /* head: a HEAD request (its answer has no body) */
    int handles;             /* open handles to close before freeing */
    apigw_httpc_cb cb;
    void *arg;
} hc_t;

static void free_hc(hc_t *c)
{
    for (size_t i = 0; i < c->n_hdrs; i++) {
        free((char *)c->hdrs[i].name);
        free((char *)c->hdrs[i].value);
    }
    free(c->hdrs);
    nb_buf_free(&c->out);
    nb_buf_free(&c->body);
    free(c);
}

static void on_closed(uv_handle_t *h)
{
    hc_t *c = h->data;
    if (--c->handles == 0) free_hc(c);
}

static void finish(hc_t *c, int status)
{
    if (c->done) return;
    c->done = 1;
    apigw_httpc_resp_t r = {status, c->hdrs, c->n_hdrs, c->body.data ? c->body.data : "", c->body.len};
    c->cb(c->arg, &r);
    uv_timer_stop(&c->timer);
    uv_close((uv_handle_t *)&c->timer, on_closed);
    uv_close((uv_handle_t *)&c->tcp, on_closed);
}

static void on_timeout(uv_timer_t *t)
{
    finish(t->data, -2);
}

static int on_hfield(llhttp_t *p, const char *at, size_t n)
{
    hc_t *c = p->data;
    if (c->last_was_value || c->n_hdrs == 0) {
        if (c->n_hdrs == c->cap_hdrs) {
            c->cap_hdrs = c->cap_hdrs ? c->cap_hdrs * 2 : 16;
            c->hdrs = nb_xrealloc(c->hdrs, sizeof *c->hdrs * c->cap_hdrs);
        }
        c->hdrs[c->n_hdrs].name = nb_xstrndup(at, n);
        c->hdrs[c->n_hdrs].value = nb_xstrdup("");
        c->hdrs[c->n_hdrs].value_len = 0;
        c->n_hdrs++;
    } else {
        nb_kv_t *kv = &c->hdrs[c->n_hdrs - 1];
        size_t ol = strlen(kv->name);
        char *nn = nb_xmalloc(ol + n + 1);
        memcpy(nn, kv->name, ol);
        memcpy(nn + ol, at, n);
        nn[ol + n] = 0;
        free((char *)kv->name);
        kv->name = nn;
    }
    c->last_was_value = 0;
    return 0;
}

static int on_hvalue(llhttp_t *p, const char *at, size_t n)
{
    hc_t *c = p->data;
    nb_kv_t *kv = &c->hdrs[c->n_hdrs - 1];
    char *nv = nb_xmalloc(kv->value_len + n + 1);
    memcpy(nv, kv->value, kv->value_len);
    memcpy(nv + kv->value_len, at, n);
    nv[kv->value_len + n] = 0;
    free((char *)kv->value);
    kv->value = nv;
    kv->value_len += n;
    c->last_was_value = 1;
    return 0;
}

static int on_body(llhttp_t *p, const char *at, size_t n)
{
    hc_t *c = p->data;
    if (c->body.len + n > MAX_ANSWER) return -1;
    nb_buf_append(&c->body, at, n);
    return 0;
}

static int on_headers_done(llhttp_t *p)
{
    hc_t *c = p->data;
    return c->head ? 1 : 0;   /* 1: no body follows */
}

static int on_complete(llhttp_t *p)
{
    hc_t *c = p->data;
    c->complete = 1;
    return HPE_PAUSED;   /* one answer: whatever follows is not read */
}

static const llhttp_settings_t settings = {
    .on_header_field = on_hfield, .on_header_value = on_hvalue, .on_headers_complete = on_headers_done,
    .on_body = on_body, .on_message_complete = on_complete,
};

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)h;
    buf->base = nb_xmalloc(suggested);
    buf->len = suggested;
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    hc_t *c = s->data;
    if (n > 0 && !c->done) {
        llhttp_errno_t e = llhttp_execute(&c->parser, buf->base, (size_t)n);
        if (c->complete) finish(c, (int)c->parser.status_code);
        else if (e != HPE_OK) finish(c, -1);
    } else if (n < 0 && !c->done) {
        llhttp_finish(&c->parser);   /* EOF ends a body without length */
        finish(c, c->complete ? (int)c->parser.status_code : -1);
    }
    free(buf->base);
}

static void on_written(uv_write_t *w, int status)
{
    hc_t *c = w->data;
    if (status < 0) finish(c, -1);
}

static void on_connect(uv_connect_t *cr, int status)
{
    hc_t *c = cr->data;
    if (c->done) return;
    if (status < 0) {
        finish(c, -1);
        return;
    }
    uv_buf_t b = uv_buf_init(c->out.data, (unsigned)c->out.len);
    c->wr.data = c;
    if (uv_write(&c->wr, (uv_stream_t *)&c->tcp, &b, 1, on_written) != 0 ||
        uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) != 0)
        finish(c, -1);
}

/* Split "http://host[:port]/path" → host, port, path (path may be ""). */
static int parse_url(const char *url, char *host, size_t hcap, int *port, const char **path)
{
    if (strncasecmp(url, "http://", 7) != 0) return -1;
    const char *h = url + 7, *e = h + strcspn(h, ":/?");
    if (e == h || (size_t)(e - h) >= hcap) return -1;
    memcpy(host, h, (size_t)(e - h));
    host[e - h] = 0;
    *port = 80;
    if (*e == ':') {
        *port = atoi(e + 1);
        e += 1 + strspn(e + 1, "0123456789");
    }
    if (*port <= 0 || *port > 65535) return -1;
    *path = e;
    return 0;
}

/* Whether s would break the request's framing: a CR or LF (a mapped path or
 * header value, URL-decoded from the client's request, may carry one). */
static int breaks_line(const char *s)
{
    return s && s[strcspn(s, "\r\n")] != 0;
}

int apigw__httpc(uv_loop_t *loop, const char *method, const char *url, const nb_kv_t *headers, size_t n_headers,
                 const void *body, size_t len, unsigned timeout_ms, apigw_httpc_cb cb, void *arg)
{
    char host[256];
    int port;
    const char *path;
    if (!url || parse_url(url, host, sizeof host, &port, &path) != 0 || breaks_line(path) || breaks_line(method))
        return -1;
    for (size_t i = 0; i < n_headers; i++)
        if (breaks_line(headers[i].name) || breaks_line(headers[i].value)) return -1;   /* no request smuggled in */
    struct sockaddr_storage sa;
    const char *ip = strcmp(host, "localhost") == 0 ? "127.0.0.1" : host;
    if (uv_ip4_addr(ip, port, (struct sockaddr_in *)&sa) != 0 && uv_ip6_addr(ip, port, (struct sockaddr_in6 *)&sa) != 0) {
        struct addrinfo hints = {0}, *res = NULL;
        hints.ai_socktype = SOCK_STREAM;
        if (getaddrinfo(host, NULL, &hints, &res) != 0 || !res) return -1;
        memcpy(&sa, res->ai_addr, res->ai_addrlen);
        ((struct sockaddr_in *)&sa)->sin_port = htons((uint16_t)port);
        freeaddrinfo(res);
    }
    hc_t *c = nb_xcalloc(1, sizeof *c);
    c->cb = cb;
    c->arg = arg;
    llhttp_init(&c->parser, HTTP_RESPONSE, &settings);
    c->parser.data = c;
    c->head = strcmp(method, "HEAD") == 0;
    /* a Host among the headers (a REST integration's requestParameters) names the
     * request's host; else the URL's */
    const char *given = NULL;
    for (size_t i = 0; i < n_headers; i++)
        if (!strcasecmp(headers[i].name, "host") && headers[i].value[0]) given = headers[i].value;
    nb_buf_printf(&c->out, "%s %s HTTP/1.1\r\nHost: %s", method, *path ? path : "/", given ? given : host);
    if (!given && port != 80) nb_buf_printf(&c->out, ":%d", port);
    nb_buf_puts(&c->out, "\r\nConnection: close\r\n");
    for (size_t i = 0; i < n_headers; i++) {
        const char *n = headers[i].name;
        if (!strcasecmp(n, "host") || !strcasecmp(n, "connection") || !strcasecmp(n, "content-length") ||
            !strcasecmp(n, "transfer-encoding") || !strcasecmp(n, "expect"))
            continue;
        nb_buf_printf(&c->out, "%s: %s\r\n", n, headers[i].value);
    }
    if (len || (strcmp(method, "GET") && strcmp(method, "HEAD"))) nb_buf_printf(&c->out, "Content-Length: %zu\r\n", len);
    nb_buf_puts(&c->out, "\r\n");
    if (len) nb_buf_append(&c->out, body, len);
    uv_tcp_init(loop, &c->tcp);
    uv_timer_init(loop, &c->timer);
    c->tcp.data = c->timer.data = c;
    c->handles = 2;
    c->conn.data = c;
    uv_timer_start(&c->timer, on_timeout, timeout_ms ? timeout_ms : 30000, 0);
    if (uv_tcp_connect(&c->conn, &c->tcp, (struct sockaddr *)&sa, on_connect) != 0) {
        /* report on the next loop turn, never before returning */
        uv_timer_start(&c->timer, (uv_timer_cb)on_timeout, 0, 0);
    }
    return 0;
}
