/* test_apigw_httpc.c — the gateway's HTTP client (src/apigw/httpc.c) against a
 * canned server: a thread accepts one connection, reads the request's head,
 * writes the answer given (in one piece or byte by byte), then closes, or
 * waits for the client to close first. */
#include "test.h"
#include "apigw/httpc.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct srv {
    int fd, port;
    const char *answer;
    int bytewise;      /* write the answer a byte at a time */
    int wait_close;    /* keep the connection until the client closes it */
    char req[2048];    /* the request head as received */
    pthread_t th;
} srv_t;

static void *serve(void *arg)
{
    srv_t *s = arg;
    int c = accept(s->fd, NULL, NULL);
    if (c < 0) return NULL;
    int one = 1;
    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    size_t n = 0;
    while (n < sizeof s->req - 1 && !strstr(s->req, "\r\n\r\n")) {
        ssize_t r = read(c, s->req + n, sizeof s->req - 1 - n);
        if (r <= 0) break;
        n += (size_t)r;
        s->req[n] = 0;
    }
    size_t len = strlen(s->answer);
    if (s->bytewise) {
        for (size_t i = 0; i < len; i++)
            if (write(c, s->answer + i, 1) != 1) break;
    } else if (write(c, s->answer, len) != (ssize_t)len) {
        /* the client's verdict shows it */
    }
    if (s->wait_close) {
        char b[64];
        while (read(c, b, sizeof b) > 0) {
        }
    }
    close(c);
    return NULL;
}

static void srv_start(srv_t *s, const char *answer, int bytewise, int wait_close)
{
    memset(s, 0, sizeof *s);
    s->answer = answer;
    s->bytewise = bytewise;
    s->wait_close = wait_close;
    s->fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    ASSERT_EQ(bind(s->fd, (struct sockaddr *)&a, sizeof a), 0);
    ASSERT_EQ(listen(s->fd, 1), 0);
    socklen_t al = sizeof a;
    getsockname(s->fd, (struct sockaddr *)&a, &al);
    s->port = ntohs(a.sin_port);
    pthread_create(&s->th, NULL, serve, s);
}

typedef struct got {
    int calls, status;
    char body[256];
    size_t body_len;
    char hdrs[512];   /* "name=value;" for each header */
} got_t;

static void on_done(void *arg, const apigw_httpc_resp_t *r)
{
    got_t *g = arg;
    g->calls++;
    g->status = r->status;
    g->body_len = r->body_len;
    snprintf(g->body, sizeof g->body, "%.*s", (int)r->body_len, r->body);
    size_t o = 0;
    for (size_t i = 0; i < r->n_headers && o < sizeof g->hdrs; i++)
        o += (size_t)snprintf(g->hdrs + o, sizeof g->hdrs - o, "%s=%s;", r->headers[i].name, r->headers[i].value);
}

/* One exchange: method (with headers h, n of them) to the canned server, the loop run
 * until the client is done. */
static void exchange_h(const char *method, const nb_kv_t *h, size_t n, const char *answer, int bytewise,
                       int wait_close, got_t *g, srv_t *s)
{
    srv_start(s, answer, bytewise, wait_close);
    uv_loop_t loop;
    uv_loop_init(&loop);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/p?q=1", s->port);
    memset(g, 0, sizeof *g);
    ASSERT_EQ(apigw__httpc(&loop, method, url, h, n, NULL, 0, 20000, on_done, g), 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    ASSERT_EQ(uv_loop_close(&loop), 0);
    pthread_join(s->th, NULL);
    close(s->fd);
    ASSERT_EQ(g->calls, 1);
}

static void exchange(const char *method, const char *answer, int bytewise, int wait_close, got_t *g, srv_t *s)
{
    exchange_h(method, NULL, 0, answer, bytewise, wait_close, g, s);
}

/* The Host is the URL's, unless the headers name one (a REST integration's
 * requestParameters mapping integration.request.header.Host): then that one, once. */
TEST(host_from_the_url_or_the_headers)
{
    got_t g;
    srv_t s;
    exchange("GET", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0, 0, &g, &s);
    char want[64];
    snprintf(want, sizeof want, "\r\nHost: 127.0.0.1:%d\r\n", s.port);
    ASSERT_CONTAINS(s.req, want);
    nb_kv_t h[] = {{"X-A", "1", 1}, {"Host", "backend.example", 15}};
    exchange_h("GET", h, 2, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0, 0, &g, &s);
    ASSERT_CONTAINS(s.req, "\r\nHost: backend.example\r\n");
    ASSERT_CONTAINS(s.req, "\r\nX-A: 1\r\n");
    ASSERT(strstr(strstr(s.req, "Host:") + 5, "Host:") == NULL);   /* one Host */
}

TEST(content_length_chunked_and_eof_bodies)
{
    static const struct { const char *answer; int status; const char *body; } cases[] = {
        {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello", 200, "hello"},
        {"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\nX-A: b\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n", 201, "abcde"},
        {"HTTP/1.1 202 Accepted\r\nX-A: b\r\nConnection: close\r\n\r\nuntil the end", 202, "until the end"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        for (int bytewise = 0; bytewise < 2; bytewise++) {
            got_t g;
            srv_t s;
            exchange("GET", cases[i].answer, bytewise, 0, &g, &s);
            ASSERT_EQ(g.status, cases[i].status);
            ASSERT_STREQ(g.body, cases[i].body);
            ASSERT_CONTAINS(g.hdrs, "X-A=b;");
            ASSERT_CONTAINS(s.req, "GET /p?q=1 HTTP/1.1\r\n");
        }
}

/* The answer to HEAD declares a length it does not carry: complete at its head. */
TEST(head_answer_has_no_body)
{
    got_t g;
    srv_t s;
    exchange("HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", 0, 1, &g, &s);
    ASSERT_EQ(g.status, 200);
    ASSERT_EQ(g.body_len, 0);
}

/* One answer is read; bytes after it are not (no header of a second answer). */
TEST(bytes_after_the_answer_ignored)
{
    got_t g;
    srv_t s;
    exchange("GET", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 500 No\r\nX-Late: 1\r\n\r\n", 0, 0, &g, &s);
    ASSERT_EQ(g.status, 200);
    ASSERT_STREQ(g.body, "ok");
    ASSERT(strstr(g.hdrs, "X-Late") == NULL);
}

TEST(malformed_or_cut_answers_fail)
{
    const char *bad[] = {
        "NOT HTTP AT ALL\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        got_t g;
        srv_t s;
        exchange("GET", bad[i], 0, 0, &g, &s);
        ASSERT_EQ(g.status, -1);
    }
}
