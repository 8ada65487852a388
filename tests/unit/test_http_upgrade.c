/* test_http_upgrade.c — the HTTP listener's connection upgrade
 * (nb_http_upgrade / nb_conn_write / nb_conn_close) through real sockets.
 *
 * A listener runs in a thread with its own uv loop; the upgraded connections
 * echo what they receive, upper-cased. A client line "close" makes the server
 * answer "bye" and end the connection. Plain blocking sockets with a 30 s
 * receive timeout talk to it. */
#include "test.h"
#include "core/http_server.h"
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <uv.h>

typedef struct tsrv {
    uv_loop_t loop;
    nb_ctx_t ctx;
    nb_http_server_t *srv;
    int port;
    pthread_t th;
    uv_async_t stop_async;
    uv_async_t cue_async;   /* the test thread's cue for a parked /on-cue request */
    nb_req_t *parked;       /* loop thread only */
    atomic_int ready, stopped, closes, upgraded, n_parked, decided;
} tsrv_t;

static void on_up_data(nb_conn_t *conn, void *arg, const char *data, size_t len)
{
    (void)arg;
    if (len >= 5 && memcmp(data, "close", 5) == 0) {
        ASSERT_EQ(nb_conn_write(conn, "bye", 3), 0);
        nb_conn_close(conn);
        ASSERT_EQ(nb_conn_write(conn, "late", 4), -1);   /* closing: refused */
        return;
    }
    char up[256];
    size_t n = len < sizeof up ? len : sizeof up;
    for (size_t i = 0; i < n; i++) up[i] = (char)toupper((unsigned char)data[i]);
    ASSERT_EQ(nb_conn_write(conn, up, n), 0);
}

static void on_up_close(nb_conn_t *conn, void *arg)
{
    (void)conn;
    tsrv_t *ts = arg;
    atomic_fetch_add(&ts->closes, 1);
}

static void do_upgrade(nb_req_t *req, tsrv_t *ts)
{
    nb_kv_t h[] = {{"Upgrade", "echo", 4}};
    nb_conn_t *c = nb_http_upgrade(req, h, 1, on_up_data, on_up_close, ts);
    if (c) atomic_fetch_add(&ts->upgraded, 1);
}

typedef struct deferred { uv_timer_t t; nb_req_t *req; tsrv_t *ts; int refuse; } deferred_t;

static void deferred_closed(uv_handle_t *h) { free(h->data); }

static void deferred_fire(uv_timer_t *t)
{
    deferred_t *d = t->data;
    if (d->refuse) nb_http_send(d->req, 403, NULL, 0, "no", 2);
    else do_upgrade(d->req, d->ts);
    uv_close((uv_handle_t *)&d->t, deferred_closed);
}

/* The cue arrived: decide the parked /on-cue request (upgrade it). */
static void on_cue(uv_async_t *a)
{
    tsrv_t *ts = a->data;
    if (!ts->parked) return;
    nb_req_t *req = ts->parked;
    ts->parked = NULL;
    do_upgrade(req, ts);
    atomic_store(&ts->decided, 1);
}

/* /up: upgrade at once; /later: upgrade after 50 ms; /refuse: 403;
 * /refuse-later: 403 after 50 ms; /on-cue: upgrade when the test thread
 * cues it (cue());
 * anything else: 200 "plain" (and whether it was an upgrade request). */
static void dispatch(nb_req_t *req, void *data)
{
    tsrv_t *ts = data;
    if (strcmp(req->path, "/up") == 0) {
        ASSERT_EQ(nb_http_is_upgrade(req), 1);
        do_upgrade(req, ts);
    } else if (strcmp(req->path, "/later") == 0 || strcmp(req->path, "/refuse-later") == 0) {
        deferred_t *d = calloc(1, sizeof *d);
        d->req = req;
        d->ts = ts;
        d->refuse = req->path[1] == 'r';
        uv_timer_init(&ts->loop, &d->t);
        d->t.data = d;
        uv_timer_start(&d->t, deferred_fire, 50, 0);
    } else if (strcmp(req->path, "/on-cue") == 0) {
        ts->parked = req;
        atomic_fetch_add(&ts->n_parked, 1);
    } else if (strcmp(req->path, "/refuse") == 0) {
        nb_http_send(req, 403, NULL, 0, "no", 2);
    } else {
        const char *b = nb_http_is_upgrade(req) ? "plain-upgrade" : "plain";
        nb_http_send(req, 200, NULL, 0, b, strlen(b));
    }
}

static void on_stopped(void *arg)
{
    tsrv_t *ts = arg;
    atomic_store(&ts->stopped, 1);
    uv_close((uv_handle_t *)&ts->stop_async, NULL);
    uv_close((uv_handle_t *)&ts->cue_async, NULL);
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
    uv_async_init(&ts->loop, &ts->cue_async, on_cue);
    ts->cue_async.data = ts;
    ASSERT_EQ(nb_http_server_start(&ts->srv, &ts->ctx, "127.0.0.1", 0, NULL, dispatch, ts, &ts->port), 0);
    atomic_store(&ts->ready, 1);
    uv_run(&ts->loop, UV_RUN_DEFAULT);
    return NULL;
}

static tsrv_t *server_start(void)
{
    tsrv_t *ts = calloc(1, sizeof *ts);
    pthread_create(&ts->th, NULL, server_main, ts);
    while (!atomic_load(&ts->ready)) usleep(1000);
    return ts;
}

static void server_stop(tsrv_t *ts)
{
    uv_async_send(&ts->stop_async);
    pthread_join(ts->th, NULL);
    ASSERT_EQ(atomic_load(&ts->stopped), 1);
    ASSERT_EQ(uv_loop_close(&ts->loop), 0);
    free(ts);
}

static int cl_connect(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    struct timeval tv = {30, 0};   /* a bound on a hang, well inside the test's alarm */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
}

static void cl_send(int fd, const char *s)
{
    ASSERT_EQ(send(fd, s, strlen(s), MSG_NOSIGNAL), (ssize_t)strlen(s));
}

/* Read until want has arrived in full (it must be exactly what comes). */
static void cl_expect(int fd, const char *want)
{
    size_t n = strlen(want), got = 0;
    char buf[4096];
    ASSERT(n < sizeof buf);
    while (got < n) {
        ssize_t r = recv(fd, buf + got, n - got, 0);
        ASSERT(r > 0);
        got += (size_t)r;
    }
    buf[got] = 0;
    ASSERT_STREQ(buf, want);
}

/* Read a response head; returns it (static buffer). */
static const char *cl_head(int fd)
{
    static char buf[4096];
    size_t got = 0;
    while (got < 4 || memcmp(buf + got - 4, "\r\n\r\n", 4) != 0) {
        ASSERT(got < sizeof buf - 1);
        ssize_t r = recv(fd, buf + got, 1, 0);
        ASSERT_EQ(r, 1);         /* -1: the receive timeout passed; 0: the server closed */
        got++;
    }
    buf[got] = 0;
    return buf;
}

static int cl_eof(int fd)
{
    char c;
    return recv(fd, &c, 1, 0) == 0;
}

#define UPGRADE_REQ(path) "GET " path " HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n"

static void wait_for(atomic_int *v, int want)
{
    for (int i = 0; i < 5000 && atomic_load(v) != want; i++) usleep(1000);
    ASSERT_EQ(atomic_load(v), want);
}

TEST(upgrade_switches_protocols_and_keeps_early_bytes)
{
    tsrv_t *ts = server_start();
    int fd = cl_connect(ts->port);
    cl_send(fd, UPGRADE_REQ("/up") "early");   /* bytes right behind the request */
    const char *h = cl_head(fd);
    ASSERT(strncmp(h, "HTTP/1.1 101 Switching Protocols\r\n", 34) == 0);
    ASSERT_CONTAINS(h, "\r\nUpgrade: echo\r\n");
    ASSERT_CONTAINS(h, "\r\nConnection: Upgrade\r\n");
    ASSERT(!strstr(h, "Content-Length"));
    cl_expect(fd, "EARLY");
    cl_send(fd, "more");
    cl_expect(fd, "MORE");
    close(fd);
    wait_for(&ts->closes, 1);
    server_stop(ts);
}

TEST(upgrade_later_holds_bytes_sent_before_the_switch)
{
    tsrv_t *ts = server_start();
    int fd = cl_connect(ts->port);
    cl_send(fd, UPGRADE_REQ("/later"));
    cl_send(fd, "GET /not-http HTTP/1.1\r\n\r\n");   /* not parsed: it belongs to the new protocol */
    const char *h = cl_head(fd);
    ASSERT(strncmp(h, "HTTP/1.1 101 ", 13) == 0);
    cl_expect(fd, "GET /NOT-HTTP HTTP/1.1\r\n\r\n");
    cl_send(fd, "close");
    cl_expect(fd, "bye");
    ASSERT(cl_eof(fd));      /* the server ended it */
    close(fd);
    wait_for(&ts->closes, 1);
    server_stop(ts);
}

TEST(upgrade_refused_goes_on_with_http)
{
    tsrv_t *ts = server_start();
    int fd = cl_connect(ts->port);
    cl_send(fd, UPGRADE_REQ("/refuse") "GET /next HTTP/1.1\r\nHost: x\r\n\r\n");
    const char *h = cl_head(fd);
    ASSERT(strncmp(h, "HTTP/1.1 403 ", 13) == 0);
    ASSERT(!strstr(h, "Connection: close"));
    cl_expect(fd, "no");
    h = cl_head(fd);         /* the bytes behind it were held, then parsed as HTTP */
    ASSERT(strncmp(h, "HTTP/1.1 200 ", 13) == 0);
    cl_expect(fd, "plain");
    close(fd);
    ASSERT_EQ(atomic_load(&ts->upgraded), 0);
    server_stop(ts);
}

TEST(late_refusal_parses_the_held_bytes_as_http)
{
    tsrv_t *ts = server_start();
    int fd = cl_connect(ts->port);
    cl_send(fd, UPGRADE_REQ("/refuse-later"));
    cl_send(fd, "GET /next HTTP/1.1\r\nHost: x\r\n\r\n");   /* held until the decision */
    ASSERT(strncmp(cl_head(fd), "HTTP/1.1 403 ", 13) == 0);
    cl_expect(fd, "no");
    ASSERT(strncmp(cl_head(fd), "HTTP/1.1 200 ", 13) == 0);
    cl_expect(fd, "plain");
    close(fd);
    server_stop(ts);
}

TEST(plain_request_is_not_an_upgrade_and_keeps_alive)
{
    tsrv_t *ts = server_start();
    int fd = cl_connect(ts->port);
    cl_send(fd, "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT(strstr(cl_head(fd), "Content-Length: 5"));
    cl_expect(fd, "plain");
    ASSERT(strstr(cl_head(fd), "Content-Length: 5"));
    cl_expect(fd, "plain");
    close(fd);
    server_stop(ts);
}

TEST(server_stop_ends_upgraded_connections)
{
    tsrv_t *ts = server_start();
    int fd = cl_connect(ts->port);
    cl_send(fd, UPGRADE_REQ("/up"));
    cl_head(fd);
    wait_for(&ts->upgraded, 1);
    server_stop(ts);         /* on_close ran for it before the stop completed */
    ASSERT(cl_eof(fd));
    close(fd);
}

/* Send our FIN and wait until the server's kernel has acknowledged it
 * (FIN_WAIT2): from then on the EOF waits in the server's socket, whether or
 * not its loop has read it yet. */
static void cl_fin_delivered(int fd)
{
    ASSERT_EQ(shutdown(fd, SHUT_WR), 0);
    struct tcp_info ti;
    for (int i = 0; i < 5000; i++) {
        socklen_t len = sizeof ti;
        ASSERT_EQ(getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len), 0);
        if (ti.tcpi_state == TCP_FIN_WAIT2) return;
        usleep(1000);
    }
    ASSERT(!"the server never acknowledged our FIN");
}

/* The client leaves while the handler decides; the handler then upgrades.
 * The decision comes only once the client's FIN sits in the server's socket
 * (read by the loop or not — a loop whose dispatch callback ran long runs a
 * due timer before it polls again, which made a timed decision flaky under
 * load): the upgrade is refused, and no on_close runs for it. */
TEST(client_gone_before_a_late_upgrade)
{
    tsrv_t *ts = server_start();
    int fd = cl_connect(ts->port);
    cl_send(fd, UPGRADE_REQ("/on-cue"));
    wait_for(&ts->n_parked, 1);
    cl_fin_delivered(fd);
    close(fd);               /* gone while the handler decides */
    uv_async_send(&ts->cue_async);
    wait_for(&ts->decided, 1);
    ASSERT_EQ(atomic_load(&ts->upgraded), 0);
    ASSERT_EQ(atomic_load(&ts->closes), 0);
    server_stop(ts);
}

/* The same with bytes behind the request: they are held (the parser waits
 * for the decision), so the loop stops reading and never polls the EOF
 * behind them: only the decision's own look at the socket sees the client
 * has gone. */
TEST(late_upgrade_sees_an_eof_behind_held_bytes)
{
    tsrv_t *ts = server_start();
    int fd = cl_connect(ts->port);
    cl_send(fd, UPGRADE_REQ("/on-cue") "early");
    wait_for(&ts->n_parked, 1);
    cl_fin_delivered(fd);
    close(fd);
    uv_async_send(&ts->cue_async);
    wait_for(&ts->decided, 1);
    ASSERT_EQ(atomic_load(&ts->upgraded), 0);
    ASSERT_EQ(atomic_load(&ts->closes), 0);
    server_stop(ts);
}
