/* test_http.c — the HTTP/1.1 listener through real sockets.
 *
 * Each test starts a listener on 127.0.0.1:0 in a thread running its own uv
 * loop; the test talks to it with plain blocking sockets (5 s receive timeout,
 * so a server that fails to answer fails the test instead of hanging it). */
#include "test.h"
#include "core/http_server.h"
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <uv.h>

/* ---- the server under test ------------------------------------------------ */

typedef struct tsrv {
    uv_loop_t loop;
    nb_ctx_t ctx;
    nb_http_server_t *srv;
    nb_http_limits_t lim;
    int port;
    pthread_t th;
    uv_async_t stop_async;
    atomic_int ready, stopped;
    atomic_int dispatched;   /* requests handed to dispatch so far */
    int start_rc;
    nb_req_t *parked;        /* /park: answered by a later /release (server thread only) */
} tsrv_t;

typedef struct deferred { uv_timer_t t; nb_req_t *req; } deferred_t;

static void deferred_closed(uv_handle_t *h) { free(h->data); }

static void reply_text(nb_req_t *req, int status, const char *s)
{
    static const nb_kv_t h[] = {{"Content-Type", "text/plain", 10}};
    nb_http_send(req, status, h, 1, s, strlen(s));
}

static void deferred_fire(uv_timer_t *t)
{
    deferred_t *d = t->data;
    reply_text(d->req, 200, d->req->raw_path);
    uv_close((uv_handle_t *)&d->t, deferred_closed);
}

/* Routes of the test dispatcher:
 *   /defer/MS   reply the raw path after MS milliseconds (a uv_timer)
 *   /conns      the listener's open-connection count
 *   /head204    204 with no body
 *   /inject     a header value holding CR LF
 *   /big        a 16 MiB body (more than the socket buffers take at once)
 *   anything    echo "METHOD|path|query|host|remote|body" */
static void dispatch(nb_req_t *req, void *data)
{
    tsrv_t *ts = data;
    atomic_fetch_add(&ts->dispatched, 1);
    if (strncmp(req->path, "/defer/", 7) == 0) {
        deferred_t *d = calloc(1, sizeof *d);
        d->req = req;
        uv_timer_init(ts->ctx.loop, &d->t);
        d->t.data = d;
        uv_timer_start(&d->t, deferred_fire, (uint64_t)atoi(req->path + 7), 0);
        return;
    }
    if (strcmp(req->path, "/park") == 0) {
        ts->parked = req;
        return;
    }
    if (strcmp(req->path, "/release") == 0) {
        if (ts->parked) reply_text(ts->parked, 200, "parked");
        ts->parked = NULL;
        reply_text(req, 200, "released");
        return;
    }
    if (strcmp(req->path, "/conns") == 0) {
        char b[32];
        snprintf(b, sizeof b, "%u", nb_http_server_connections(ts->srv));
        reply_text(req, 200, b);
        return;
    }
    if (strcmp(req->path, "/inject") == 0) {
        static const nb_kv_t h[] = {{"X-Echo", "a\r\nX-Evil: 1", 12}};
        nb_http_send(req, 200, h, 1, "ok", 2);
        return;
    }
    if (strcmp(req->path, "/head204") == 0) {
        nb_http_send(req, 204, NULL, 0, NULL, 0);
        return;
    }
    if (strcmp(req->path, "/big") == 0) {
        size_t n = 16u << 20;
        char *b = nb_arena_alloc(req->arena, n);
        for (size_t i = 0; i < n; i++) b[i] = (char)('a' + i % 26);
        nb_http_send(req, 200, NULL, 0, b, n);
        return;
    }
    char *s = nb_arena_printf(req->arena, "%s|%s|%s|%s|%s|%s", req->method, req->path, req->query,
                              req->host, req->remote_addr, req->body);
    ASSERT_EQ(strlen(req->body), req->body_len);
    ASSERT_EQ(strlen(req->id), 36);
    ASSERT(req->ctx == &ts->ctx);
    reply_text(req, 200, s);
}

static void on_stopped(void *arg)
{
    tsrv_t *ts = arg;
    atomic_store(&ts->stopped, 1);
    uv_close((uv_handle_t *)&ts->stop_async, NULL);
}

static void on_stop_async(uv_async_t *a)
{
    tsrv_t *ts = a->data;
    nb_http_server_stop(ts->srv, on_stopped, ts);
}

static void *server_main(void *arg)
{
    tsrv_t *ts = arg;
    uv_loop_init(&ts->loop);
    ts->ctx.loop = &ts->loop;
    uv_async_init(&ts->loop, &ts->stop_async, on_stop_async);
    ts->stop_async.data = ts;
    ts->start_rc = nb_http_server_start(&ts->srv, &ts->ctx, "127.0.0.1", 0, &ts->lim, dispatch, ts,
                                        &ts->port);
    atomic_store(&ts->ready, 1);
    if (ts->start_rc == 0) uv_run(&ts->loop, UV_RUN_DEFAULT);
    return NULL;
}

static tsrv_t *server_start(void (*tune)(nb_http_limits_t *))
{
    tsrv_t *ts = calloc(1, sizeof *ts);
    nb_http_limits_default(&ts->lim);
    ts->lim.max_header_bytes = 2048;
    ts->lim.max_body_bytes = 4096;
    if (tune) tune(&ts->lim);
    pthread_create(&ts->th, NULL, server_main, ts);
    while (!atomic_load(&ts->ready)) usleep(1000);
    ASSERT_EQ(ts->start_rc, 0);
    ASSERT(ts->port > 0);
    return ts;
}

/* Graceful stop; asserts every handle of the listener was closed. */
static void server_stop(tsrv_t *ts)
{
    uv_async_send(&ts->stop_async);
    pthread_join(ts->th, NULL);
    ASSERT_EQ(atomic_load(&ts->stopped), 1);
    ASSERT_EQ(uv_loop_close(&ts->loop), 0);
    free(ts);
}

/* ---- a blocking client ------------------------------------------------------ */

typedef struct client {
    int fd;
    char buf[1 << 16];
    size_t len;
} client_t;

typedef struct resp {
    int status;
    char head[4096];
    char *body;     /* malloc'd, NUL-terminated */
    size_t body_len;
} resp_t;

static client_t *cl_connect(int port)
{
    client_t *c = calloc(1, sizeof *c);
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(connect(c->fd, (struct sockaddr *)&sa, sizeof sa), 0);
    struct timeval tv = {5, 0};
    setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return c;
}

static void cl_close(client_t *c)
{
    close(c->fd);
    free(c);
}

static void cl_send(client_t *c, const char *s)
{
    size_t n = strlen(s), off = 0;
    while (off < n) {
        ssize_t w = send(c->fd, s + off, n - off, MSG_NOSIGNAL);
        ASSERT(w > 0);
        off += (size_t)w;
    }
}

/* Read more into the buffer: bytes read, 0 on EOF, -1 on error/timeout. */
static ssize_t cl_fill(client_t *c)
{
    if (c->len == sizeof c->buf) return -1;
    ssize_t r = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len, 0);
    if (r > 0) c->len += (size_t)r;
    return r;
}

static void cl_consume(client_t *c, size_t n)
{
    memmove(c->buf, c->buf + n, c->len - n);
    c->len -= n;
}

/* Read exactly the next n raw bytes. */
static void cl_expect_raw(client_t *c, const char *want)
{
    size_t n = strlen(want);
    while (c->len < n) ASSERT(cl_fill(c) > 0);
    ASSERT_MEMEQ(c->buf, want, n);
    cl_consume(c, n);
}

/* Read one response (head + Content-Length body; no body when !has_body).
 * Returns 0, or -1 when the connection ended before a response. */
static int cl_response_ex(client_t *c, resp_t *r, int has_body)
{
    char *end;
    for (;;) {
        c->buf[c->len < sizeof c->buf ? c->len : sizeof c->buf - 1] = 0;
        end = c->len ? memmem(c->buf, c->len, "\r\n\r\n", 4) : NULL;
        if (end) break;
        if (cl_fill(c) <= 0) return -1;
    }
    size_t hl = (size_t)(end - c->buf) + 4;
    ASSERT(hl < sizeof r->head);
    memcpy(r->head, c->buf, hl);
    r->head[hl] = 0;
    cl_consume(c, hl);
    ASSERT(strncmp(r->head, "HTTP/1.1 ", 9) == 0);
    r->status = atoi(r->head + 9);
    const char *cl = strcasestr(r->head, "\r\nContent-Length: ");
    size_t blen = (cl && has_body) ? (size_t)strtoul(cl + 18, NULL, 10) : 0;
    r->body = malloc(blen + 1);
    r->body_len = blen;
    size_t got = 0;
    while (got < blen) {
        if (!c->len) ASSERT(cl_fill(c) > 0);
        size_t take = c->len < blen - got ? c->len : blen - got;
        memcpy(r->body + got, c->buf, take);
        cl_consume(c, take);
        got += take;
    }
    r->body[blen] = 0;
    return 0;
}

static void cl_response(client_t *c, resp_t *r) { ASSERT_EQ(cl_response_ex(c, r, 1), 0); }

/* 1 when the server closed the connection (EOF or reset) with nothing more sent. */
static int cl_closed(client_t *c)
{
    if (c->len) return 0;
    ssize_t r = recv(c->fd, c->buf, sizeof c->buf, 0);
    if (r == 0) return 1;
    if (r < 0 && errno == ECONNRESET) return 1;
    return 0;
}

static void resp_free(resp_t *r) { free(r->body); r->body = NULL; }

/* ---- tests ----------------------------------------------------------------- */

TEST(get_fields_decoded)
{
    tsrv_t *ts = server_start(NULL);
    client_t *c = cl_connect(ts->port);
    cl_send(c, "GET /echo/a%20b+c?x=1&y=%41 HTTP/1.1\r\nHost: Example.COM:4566\r\n\r\n");
    resp_t r;
    cl_response(c, &r);
    ASSERT_EQ(r.status, 200);
    ASSERT_CONTAINS(r.head, "Content-Type: text/plain\r\n");
    ASSERT(!strcasestr(r.head, "Connection:"));
    ASSERT_STREQ(r.body, "GET|/echo/a b+c|x=1&y=%41|example.com|127.0.0.1|");
    resp_free(&r);
    cl_close(c);
    server_stop(ts);
}

TEST(post_content_length)
{
    tsrv_t *ts = server_start(NULL);
    client_t *c = cl_connect(ts->port);
    cl_send(c, "POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world");
    resp_t r;
    cl_response(c, &r);
    ASSERT_EQ(r.status, 200);
    ASSERT_STREQ(r.body, "POST|/p||h|127.0.0.1|hello world");
    resp_free(&r);
    cl_close(c);
    server_stop(ts);
}

TEST(chunked_body_dechunked)
{
    tsrv_t *ts = server_start(NULL);
    client_t *c = cl_connect(ts->port);
    cl_send(c, "PUT /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n");
    usleep(20000);
    cl_send(c, "3\r\nefg\r\n0\r\n\r\n");
    resp_t r;
    cl_response(c, &r);
    ASSERT_EQ(r.status, 200);
    ASSERT_STREQ(r.body, "PUT|/c|||127.0.0.1|abcdefg");
    resp_free(&r);
    cl_close(c);
    server_stop(ts);
}

TEST(keep_alive_two_requests)
{
    tsrv_t *ts = server_start(NULL);
    client_t *c = cl_connect(ts->port);
    resp_t r;
    cl_send(c, "GET /one HTTP/1.1\r\n\r\n");
    cl_response(c, &r);
    ASSERT_STREQ(r.body, "GET|/one|||127.0.0.1|");
    resp_free(&r);
    cl_send(c, "GET /two HTTP/1.1\r\n\r\n");
    cl_response(c, &r);
    ASSERT_STREQ(r.body, "GET|/two|||127.0.0.1|");
    resp_free(&r);
    cl_send(c, "GET /conns HTTP/1.1\r\n\r\n");
    cl_response(c, &r);
    ASSERT_STREQ(r.body, "1");
    resp_free(&r);
    cl_close(c);
    server_stop(ts);
}

TEST(pipelined_answered_in_order)
{
    tsrv_t *ts = server_start(NULL);
    client_t *c = cl_connect(ts->port);
    /* The 2nd is answered at once, the 3rd after 10 ms, the 1st after 80 ms. */
    cl_send(c, "GET /defer/80 HTTP/1.1\r\n\r\nGET /now HTTP/1.1\r\n\r\nGET /defer/10 HTTP/1.1\r\n\r\n");
    resp_t r;
    cl_response(c, &r);
    ASSERT_STREQ(r.body, "/defer/80");
    resp_free(&r);
    cl_response(c, &r);
    ASSERT_STREQ(r.body, "GET|/now|||127.0.0.1|");
    resp_free(&r);
    cl_response(c, &r);
    ASSERT_STREQ(r.body, "/defer/10");
    resp_free(&r);
    cl_close(c);
    server_stop(ts);
}

static void tune_pipeline4(nb_http_limits_t *l) { l->max_pipeline = 4; }

/* 1 when nothing at all has arrived on c (it would block). */
static int cl_nothing_yet(client_t *c)
{
    if (c->len) return 0;
    ssize_t r = recv(c->fd, c->buf, sizeof c->buf, MSG_DONTWAIT);
    if (r > 0) c->len = (size_t)r;
    return r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

static void wait_dispatched(tsrv_t *ts, int n)
{
    for (int i = 0; i < 5000 && atomic_load(&ts->dispatched) < n; i++) usleep(1000);
    ASSERT_EQ(atomic_load(&ts->dispatched), n);
}

/* Without hold_pipelined a reply goes out as soon as it is its turn, even
 * while the request pipelined behind it still waits for its own. */
TEST(pipelined_reply_not_held_by_default)
{
    tsrv_t *ts = server_start(NULL);
    client_t *c = cl_connect(ts->port);
    cl_send(c, "GET /now HTTP/1.1\r\n\r\nGET /park HTTP/1.1\r\n\r\n");
    resp_t r;
    cl_response(c, &r);
    ASSERT_STREQ(r.body, "GET|/now|||127.0.0.1|");
    resp_free(&r);
    client_t *o = cl_connect(ts->port);
    cl_send(o, "GET /release HTTP/1.1\r\n\r\n");
    cl_response(o, &r);
    resp_free(&r);
    cl_response(c, &r);
    ASSERT_STREQ(r.body, "parked");
    resp_free(&r);
    cl_close(o);
    cl_close(c);
    server_stop(ts);
}

static void tune_hold(nb_http_limits_t *l) { l->hold_pipelined = 1; }

/* hold_pipelined (the Lambda Runtime API): the reply to the first request
 * waits, unsent, until the one pipelined behind it is answered; both then
 * arrive in order. A request that is alone is answered at once. */
TEST(hold_pipelined_sends_replies_with_the_last_one)
{
    tsrv_t *ts = server_start(tune_hold);
    client_t *c = cl_connect(ts->port);
    resp_t r;
    cl_send(c, "GET /alone HTTP/1.1\r\n\r\n");
    cl_response(c, &r);
    ASSERT_STREQ(r.body, "GET|/alone|||127.0.0.1|");
    resp_free(&r);
    cl_send(c, "GET /now HTTP/1.1\r\n\r\nGET /park HTTP/1.1\r\n\r\n");
    wait_dispatched(ts, 3);
    ASSERT(cl_nothing_yet(c));                     /* /now's reply is held */
    client_t *o = cl_connect(ts->port);
    cl_send(o, "GET /release HTTP/1.1\r\n\r\n");
    cl_response(o, &r);
    ASSERT_STREQ(r.body, "released");
    resp_free(&r);
    cl_response(c, &r);
    ASSERT_STREQ(r.body, "GET|/now|||127.0.0.1|");
    resp_free(&r);
    cl_response(c, &r);
    ASSERT_STREQ(r.body, "parked");
    resp_free(&r);
    cl_close(o);
    cl_close(c);
    server_stop(ts);
}

TEST(pipelined_beyond_limit_all_answered)
{
    tsrv_t *ts = server_start(tune_pipeline4);
    client_t *c = cl_connect(ts->port);
    char all[4096] = "";
    for (int i = 0; i < 20; i++) {
        char one[64];
        snprintf(one, sizeof one, "GET /%s/%d HTTP/1.1\r\n\r\n", i % 3 ? "defer" : "n", i % 7);
        strcat(all, one);
    }
    cl_send(c, all);
    for (int i = 0; i < 20; i++) {
        resp_t r;
        cl_response(c, &r);
        char want[64];
        if (i % 3) snprintf(want, sizeof want, "/defer/%d", i % 7);
        else snprintf(want, sizeof want, "GET|/n/%d|||127.0.0.1|", i % 7);
        ASSERT_STREQ(r.body, want);
        resp_free(&r);
    }
    cl_close(c);
    server_stop(ts);
}

TEST(expect_100_continue)
{
    tsrv_t *ts = server_start(NULL);
    client_t *c = cl_connect(ts->port);
    cl_send(c, "PUT /up HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
    cl_expect_raw(c, "HTTP/1.1 100 Continue\r\n\r\n");
    cl_send(c, "12345");
    resp_t r;
    cl_response(c, &r);
    ASSERT_EQ(r.status, 200);
    ASSERT_STREQ(r.body, "PUT|/up|||127.0.0.1|12345");
    resp_free(&r);
    cl_close(c);
    server_stop(ts);
}

TEST(expect_100_continue_too_large_413)
{
    tsrv_t *ts = server_start(NULL);
    client_t *c = cl_connect(ts->port);
    cl_send(c, "PUT /up HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 100000\r\n\r\n");
    resp_t r;
    cl_response(c, &r);
    ASSERT_EQ(r.status, 413);
    ASSERT_CONTAINS(r.head, "Connection: close\r\n");
    resp_free(&r);
    ASSERT(cl_closed(c));
    cl_close(c);
    server_stop(ts);
}

TEST(oversized_headers_431)
{
    tsrv_t *ts = server_start(NULL);
    client_t *c = cl_connect(ts->port);
    char big[4096];
    memset(big, 'a', sizeof big);
    big[sizeof big - 1] = 0;
    cl_send(c, "GET / HTTP/1.1\r\nX-Big: ");
    cl_send(c, big);
    resp_t r;
    cl_response(c, &r);
    ASSERT_EQ(r.status, 431);
    ASSERT_CONTAINS(r.head, "Connection: close\r\n");
    resp_free(&r);
    ASSERT(cl_closed(c));
    cl_close(c);
    server_stop(ts);
}

TEST(oversized_body_413)
{
    tsrv_t *ts = server_start(NULL);
    client_t *c = cl_connect(ts->port);
    cl_send(c, "POST / HTTP/1.1\r\nContent-Length: 5000\r\n\r\n");
    resp_t r;
    cl_response(c, &r);
    ASSERT_EQ(r.status, 413);
    resp_free(&r);
    ASSERT(cl_closed(c));
    cl_close(c);
    /* De-chunked bodies are held to the same limit. */
    c = cl_connect(ts->port);
    cl_send(c, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
    char chunk[1100];
    memset(chunk, 'z', sizeof chunk);
    memcpy(chunk, "400\r\n", 5);
    memcpy(chunk + 5 + 1024, "\r\n", 2);
    chunk[5 + 1024 + 2] = 0;
    for (int i = 0; i < 5; i++) send(c->fd, chunk, strlen(chunk), MSG_NOSIGNAL);
    cl_response(c, &r);
    ASSERT_EQ(r.status, 413);
    resp_free(&r);
    cl_close(c);
    server_stop(ts);
}

TEST(bad_chunk_size_400_close)
{
    tsrv_t *ts = server_start(NULL);
    client_t *c = cl_connect(ts->port);
    cl_send(c, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\nabc\r\n0\r\n\r\n");
    resp_t r;
    cl_response(c, &r);
    ASSERT_EQ(r.status, 400);
    ASSERT_CONTAINS(r.head, "Connection: close\r\n");
    resp_free(&r);
    ASSERT(cl_closed(c));
    cl_close(c);
    server_stop(ts);
}

TEST(malformed_request_line_400)
{
    tsrv_t *ts = server_start(NULL);
    client_t *c = cl_connect(ts->port);
    cl_send(c, "THIS IS NOT HTTP\r\n\r\n");
    resp_t r;
    cl_response(c, &r);
    ASSERT_EQ(r.status, 400);
    ASSERT_CONTAINS(r.head, "Connection: close\r\n");
    resp_free(&r);
    ASSERT(cl_closed(c));
    cl_close(c);
    server_stop(ts);
}

TEST(bad_percent_escape_400_close)
{
    tsrv_t *ts = server_start(NULL);
    client_t *c = cl_connect(ts->port);
    cl_send(c, "GET /a%zz HTTP/1.1\r\n\r\n");
    resp_t r;
    cl_response(c, &r);
    ASSERT_EQ(r.status, 400);
    resp_free(&r);
    ASSERT(cl_closed(c));
    cl_close(c);
    server_stop(ts);
}

TEST(error_after_good_pipelined_request_keeps_order)
{
    tsrv_t *ts = server_start(NULL);
    client_t *c = cl_connect(ts->port);
    cl_send(c, "GET /defer/30 HTTP/1.1\r\n\r\nBROKEN\r\n\r\n");
    resp_t r;
    cl_response(c, &r);
    ASSERT_EQ(r.status, 200);
    ASSERT_STREQ(r.body, "/defer/30");
    resp_free(&r);
    cl_response(c, &r);
    ASSERT_EQ(r.status, 400);
    resp_free(&r);
    ASSERT(cl_closed(c));
    cl_close(c);
    server_stop(ts);
}

TEST(slow_client_does_not_block_others)
{
    tsrv_t *ts = server_start(NULL);
    client_t *slow = cl_connect(ts->port);
    cl_send(slow, "POST /slow HTTP/1.1\r\nContent-Length: 10\r\n\r\nhalf");
    client_t *slow2 = cl_connect(ts->port);
    cl_send(slow2, "GET /slow2 HTTP/1.1\r\nHost: x");
    client_t *fast = cl_connect(ts->port);
    resp_t r;
    for (int i = 0; i < 3; i++) {
        cl_send(fast, "GET /fast HTTP/1.1\r\n\r\n");
        cl_response(fast, &r);
        ASSERT_STREQ(r.body, "GET|/fast|||127.0.0.1|");
        resp_free(&r);
    }
    cl_send(slow, "more!!");
    cl_response(slow, &r);
    ASSERT_STREQ(r.body, "POST|/slow|||127.0.0.1|halfmore!!");
    resp_free(&r);
    cl_send(slow2, "\r\n\r\n");
    cl_response(slow2, &r);
    ASSERT_STREQ(r.body, "GET|/slow2||x|127.0.0.1|");
    resp_free(&r);
    cl_close(slow);
    cl_close(slow2);
    cl_close(fast);
    server_stop(ts);
}

static void tune_short_timeouts(nb_http_limits_t *l)
{
    l->header_timeout_ms = 150;
    l->body_timeout_ms = 150;
    l->idle_timeout_ms = 150;
}

TEST(header_timeout_408_close)
{
    tsrv_t *ts = server_start(tune_short_timeouts);
    client_t *c = cl_connect(ts->port);
    cl_send(c, "GET /never-finished HTTP/1.1\r\nHost: x\r\n");
    resp_t r;
    cl_response(c, &r);
    ASSERT_EQ(r.status, 408);
    ASSERT_CONTAINS(r.head, "Connection: close\r\n");
    resp_free(&r);
    ASSERT(cl_closed(c));
    cl_close(c);
    server_stop(ts);
}

TEST(body_timeout_closes)
{
    tsrv_t *ts = server_start(tune_short_timeouts);
    client_t *c = cl_connect(ts->port);
    cl_send(c, "POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc");
    resp_t r;
    cl_response(c, &r);
    ASSERT_EQ(r.status, 408);
    resp_free(&r);
    ASSERT(cl_closed(c));
    cl_close(c);
    server_stop(ts);
}

TEST(idle_keep_alive_closes)
{
    tsrv_t *ts = server_start(tune_short_timeouts);
    client_t *c = cl_connect(ts->port);
    resp_t r;
    cl_send(c, "GET / HTTP/1.1\r\n\r\n");
    cl_response(c, &r);
    ASSERT_EQ(r.status, 200);
    resp_free(&r);
    ASSERT(cl_closed(c));   /* silently, after the idle timeout */
    cl_close(c);
    /* A handler slower than every timeout is not the client's fault. */
    c = cl_connect(ts->port);
    cl_send(c, "GET /defer/400 HTTP/1.1\r\n\r\n");
    cl_response(c, &r);
    ASSERT_STREQ(r.body, "/defer/400");
    resp_free(&r);
    cl_close(c);
    server_stop(ts);
}

static void tune_two_conns(nb_http_limits_t *l) { l->max_connections = 2; }

TEST(connection_limit)
{
    tsrv_t *ts = server_start(tune_two_conns);
    client_t *a = cl_connect(ts->port), *b = cl_connect(ts->port);
    resp_t r;
    cl_send(a, "GET /a HTTP/1.1\r\n\r\n");
    cl_response(a, &r);
    resp_free(&r);
    cl_send(b, "GET /b HTTP/1.1\r\n\r\n");
    cl_response(b, &r);
    resp_free(&r);
    client_t *c = cl_connect(ts->port);  /* the kernel completes the handshake */
    ASSERT(cl_closed(c));                /* and the listener closes it at once */
    cl_close(c);
    cl_send(a, "GET /conns HTTP/1.1\r\n\r\n");
    cl_response(a, &r);
    ASSERT_STREQ(r.body, "2");
    resp_free(&r);
    cl_close(b);
    /* Freed slot: a new client is served. */
    for (int tries = 0;; tries++) {
        c = cl_connect(ts->port);
        cl_send(c, "GET /c HTTP/1.1\r\n\r\n");
        if (cl_response_ex(c, &r, 1) == 0) break;
        cl_close(c);   /* b's close not yet seen by the server */
        ASSERT(tries < 100);
        usleep(10000);
    }
    ASSERT_EQ(r.status, 200);
    resp_free(&r);
    cl_close(c);
    cl_close(a);
    server_stop(ts);
}

TEST(connection_close_and_http10)
{
    tsrv_t *ts = server_start(NULL);
    client_t *c = cl_connect(ts->port);
    resp_t r;
    cl_send(c, "GET /x HTTP/1.1\r\nConnection: close\r\n\r\nGET /ignored HTTP/1.1\r\n\r\n");
    cl_response(c, &r);
    ASSERT_CONTAINS(r.head, "Connection: close\r\n");
    resp_free(&r);
    ASSERT(cl_closed(c));
    cl_close(c);
    c = cl_connect(ts->port);
    cl_send(c, "GET /x HTTP/1.0\r\n\r\n");
    cl_response(c, &r);
    ASSERT_EQ(r.status, 200);
    ASSERT_CONTAINS(r.head, "Connection: close\r\n");
    resp_free(&r);
    ASSERT(cl_closed(c));
    cl_close(c);
    c = cl_connect(ts->port);
    cl_send(c, "GET /x HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    cl_response(c, &r);
    ASSERT_CONTAINS(r.head, "Connection: keep-alive\r\n");
    resp_free(&r);
    cl_send(c, "GET /y HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    cl_response(c, &r);
    ASSERT_STREQ(r.body, "GET|/y|||127.0.0.1|");
    resp_free(&r);
    cl_close(c);
    server_stop(ts);
}

TEST(head_and_204_have_no_body)
{
    tsrv_t *ts = server_start(NULL);
    client_t *c = cl_connect(ts->port);
    resp_t r;
    cl_send(c, "HEAD /h HTTP/1.1\r\n\r\n");
    ASSERT_EQ(cl_response_ex(c, &r, 0), 0);
    ASSERT_CONTAINS(r.head, "Content-Length: 20\r\n");   /* "HEAD|/h|||127.0.0.1|" */
    resp_free(&r);
    cl_send(c, "GET /head204 HTTP/1.1\r\n\r\n");
    ASSERT_EQ(cl_response_ex(c, &r, 0), 0);
    ASSERT_EQ(r.status, 204);
    ASSERT(!strcasestr(r.head, "Content-Length"));
    resp_free(&r);
    /* Nothing stray on the wire: the next response starts right away. */
    cl_send(c, "GET /z HTTP/1.1\r\n\r\n");
    cl_response(c, &r);
    ASSERT_STREQ(r.body, "GET|/z|||127.0.0.1|");
    resp_free(&r);
    cl_close(c);
    server_stop(ts);
}

TEST(large_response_to_slow_reader)
{
    tsrv_t *ts = server_start(NULL);
    client_t *c = cl_connect(ts->port);
    cl_send(c, "GET /big HTTP/1.1\r\n\r\nGET /after HTTP/1.1\r\n\r\n");
    usleep(100000);   /* let the server fill the socket and queue the rest */
    resp_t r;
    cl_response(c, &r);
    ASSERT_EQ(r.body_len, 16u << 20);
    for (size_t i = 0; i < r.body_len; i += 4099) ASSERT_EQ(r.body[i], 'a' + i % 26);
    resp_free(&r);
    cl_response(c, &r);
    ASSERT_STREQ(r.body, "GET|/after|||127.0.0.1|");
    resp_free(&r);
    cl_close(c);
    server_stop(ts);
}

TEST(client_gone_before_deferred_reply)
{
    tsrv_t *ts = server_start(NULL);
    client_t *c = cl_connect(ts->port);
    cl_send(c, "GET /defer/50 HTTP/1.1\r\n\r\nGET /defer/60 HTTP/1.1\r\n\r\n");
    while (atomic_load(&ts->dispatched) < 2) usleep(1000);
    cl_close(c);
    usleep(100000);   /* the replies arrive for a closed connection and are dropped */
    c = cl_connect(ts->port);
    resp_t r;
    for (int tries = 0;; tries++) {   /* until the server has seen the close */
        cl_send(c, "GET /conns HTTP/1.1\r\n\r\n");
        cl_response(c, &r);
        int one = strcmp(r.body, "1") == 0;
        resp_free(&r);
        if (one) break;
        ASSERT(tries < 500);
        usleep(10000);
    }
    cl_close(c);
    server_stop(ts);
}

/* Stop while a request is in flight: it is still answered, then the connection closes. */
TEST(graceful_stop_answers_in_flight)
{
    tsrv_t *ts = server_start(NULL);
    client_t *busy = cl_connect(ts->port), *idle = cl_connect(ts->port);
    resp_t r;
    cl_send(idle, "GET /i HTTP/1.1\r\n\r\n");
    cl_response(idle, &r);
    resp_free(&r);
    cl_send(busy, "GET /defer/200 HTTP/1.1\r\n\r\n");
    while (atomic_load(&ts->dispatched) < 2) usleep(1000);   /* in flight now */
    uv_async_send(&ts->stop_async);
    ASSERT(cl_closed(idle));
    cl_response(busy, &r);
    ASSERT_STREQ(r.body, "/defer/200");
    ASSERT_CONTAINS(r.head, "Connection: close\r\n");
    resp_free(&r);
    ASSERT(cl_closed(busy));
    pthread_join(ts->th, NULL);
    ASSERT_EQ(atomic_load(&ts->stopped), 1);
    ASSERT_EQ(uv_loop_close(&ts->loop), 0);
    free(ts);
    cl_close(busy);
    cl_close(idle);
}

TEST(peer_half_close_still_answered)
{
    tsrv_t *ts = server_start(NULL);
    client_t *c = cl_connect(ts->port);
    cl_send(c, "GET /defer/20 HTTP/1.1\r\n\r\nGET /q HTTP/1.1\r\n\r\n");
    shutdown(c->fd, SHUT_WR);
    resp_t r;
    cl_response(c, &r);
    ASSERT_STREQ(r.body, "/defer/20");
    resp_free(&r);
    cl_response(c, &r);
    ASSERT_STREQ(r.body, "GET|/q|||127.0.0.1|");
    resp_free(&r);
    ASSERT(cl_closed(c));
    cl_close(c);
    server_stop(ts);
}

TEST(header_value_cannot_inject_headers)
{
    tsrv_t *ts = server_start(NULL);
    client_t *c = cl_connect(ts->port);
    cl_send(c, "GET /inject HTTP/1.1\r\n\r\n");
    resp_t r;
    cl_response(c, &r);
    ASSERT_CONTAINS(r.head, "\r\nX-Echo: a  X-Evil: 1\r\n");
    ASSERT_STREQ(r.body, "ok");
    resp_free(&r);
    cl_close(c);
    server_stop(ts);
}

/* A 100 Continue owed while an earlier pipelined request is still with its
 * handler goes out after that request's response, never before it. */
TEST(expect_100_continue_after_pipelined_reply)
{
    tsrv_t *ts = server_start(NULL);
    client_t *c = cl_connect(ts->port);
    cl_send(c, "GET /defer/50 HTTP/1.1\r\n\r\n"
               "PUT /up HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
    resp_t r;
    cl_response(c, &r);
    ASSERT_STREQ(r.body, "/defer/50");
    resp_free(&r);
    cl_expect_raw(c, "HTTP/1.1 100 Continue\r\n\r\n");
    cl_send(c, "abc");
    cl_response(c, &r);
    ASSERT_STREQ(r.body, "PUT|/up|||127.0.0.1|abc");
    resp_free(&r);
    cl_close(c);
    server_stop(ts);
}

/* An Upgrade we do not take (h2c here) leaves the connection on HTTP/1.1. */
TEST(unhandled_upgrade_stays_http11)
{
    tsrv_t *ts = server_start(NULL);
    client_t *c = cl_connect(ts->port);
    cl_send(c, "GET /u HTTP/1.1\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
               "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\nGET /next HTTP/1.1\r\n\r\n");
    resp_t r;
    cl_response(c, &r);
    ASSERT_EQ(r.status, 200);
    ASSERT_STREQ(r.body, "GET|/u|||127.0.0.1|");
    resp_free(&r);
    cl_response(c, &r);
    ASSERT_STREQ(r.body, "GET|/next|||127.0.0.1|");
    resp_free(&r);
    cl_close(c);
    server_stop(ts);
}
