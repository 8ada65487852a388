/* test_http_parse.c — the request assembler alone (src/core/http_parse.c). */
#include "test.h"
#include "core/http_parse.h"

/* Feed all of s (in slices of `step` bytes, 0 = at once); collect up to max messages.
 * Returns the number collected; *status gets the error status or 0. */
static int feed_all(nb_hp_t *p, const char *s, size_t len, size_t step, nb_hmsg_t **out, int max,
                    int *status)
{
    int n = 0;
    size_t off = 0;
    *status = 0;
    while (off < len) {
        size_t l = len - off;
        if (step && l > step) l = step;
        size_t used;
        int r = nb_hp_feed(p, s + off, l, &used);
        off += used;
        if (r == NB_HP_MESSAGE) {
            nb_hmsg_t *m = nb_hp_take(p);
            if (n < max) out[n++] = m; else nb_arena_free(m->arena);
        } else if (r == NB_HP_ERROR) {
            *status = nb_hp_error_status(p);
            return n;
        } else {
            ASSERT_EQ(used, l);
        }
    }
    return n;
}

static const char *hdr(const nb_hmsg_t *m, const char *name)
{
    for (size_t i = 0; i < m->n_headers; i++)
        if (strcmp(m->headers[i].name, name) == 0) return m->headers[i].value;
    return NULL;
}

static void free_all(nb_hmsg_t **m, int n)
{
    for (int i = 0; i < n; i++) nb_arena_free(m[i]->arena);
}

TEST(get_fields)
{
    nb_hp_t p;
    nb_hp_init(&p, 4096, 1024);
    const char *req = "GET /a%20b?x=1 HTTP/1.1\r\nHost: Example.COM:80\r\nX-Thing:   spaced value  \r\n\r\n";
    nb_hmsg_t *m[2];
    int st;
    ASSERT_EQ(feed_all(&p, req, strlen(req), 0, m, 2, &st), 1);
    ASSERT_EQ(st, 0);
    ASSERT_STREQ(m[0]->method, "GET");
    ASSERT_STREQ(m[0]->target, "/a%20b?x=1");
    ASSERT_EQ(m[0]->n_headers, 2);
    ASSERT_STREQ(m[0]->headers[0].name, "host");
    ASSERT_STREQ(hdr(m[0], "x-thing"), "spaced value");
    ASSERT_EQ(m[0]->headers[1].value_len, 12);
    ASSERT_STREQ(m[0]->body, "");
    ASSERT_EQ(m[0]->body_len, 0);
    ASSERT_EQ(m[0]->keep_alive, 1);
    ASSERT_EQ(m[0]->http_minor, 1);
    ASSERT_EQ(nb_hp_state(&p), NB_HP_IDLE);
    free_all(m, 1);
    nb_hp_free(&p);
}

/* Names come lower-cased; their spelling is kept apart only when one was not (raw_names). */
TEST(header_names_as_sent)
{
    nb_hp_t p;
    nb_hp_init(&p, 4096, 1024);
    const char *req = "GET / HTTP/1.1\r\nhost: a\r\nX-Thing: 1\r\naccept: b\r\nUser-AGENT: c\r\n\r\n"
                      "GET / HTTP/1.1\r\nhost: a\r\nx-thing: 2\r\n\r\n";
    nb_hmsg_t *m[2];
    int st;
    ASSERT_EQ(feed_all(&p, req, strlen(req), 7, m, 2, &st), 2);
    ASSERT_EQ(st, 0);
    ASSERT_EQ(m[0]->n_headers, 4);
    ASSERT(m[0]->raw_names != NULL);
    const char *want[] = {"host", "X-Thing", "accept", "User-AGENT"}, *lower[] = {"host", "x-thing", "accept", "user-agent"};
    for (size_t i = 0; i < 4; i++) {
        ASSERT_STREQ(m[0]->raw_names[i], want[i]);
        ASSERT_STREQ(m[0]->headers[i].name, lower[i]);
    }
    ASSERT(m[1]->raw_names == NULL);   /* every name lower-case: nothing kept apart */
    ASSERT_STREQ(hdr(m[1], "x-thing"), "2");
    free_all(m, 2);
    nb_hp_free(&p);
}

TEST(post_byte_by_byte)
{
    nb_hp_t p;
    nb_hp_init(&p, 4096, 1024);
    const char *req = "POST /x HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}";
    nb_hmsg_t *m[2];
    int st;
    ASSERT_EQ(feed_all(&p, req, strlen(req), 1, m, 2, &st), 1);
    ASSERT_EQ(st, 0);
    ASSERT_STREQ(m[0]->method, "POST");
    ASSERT_STREQ(hdr(m[0], "content-type"), "application/json");
    ASSERT_EQ(m[0]->body_len, 7);
    ASSERT_STREQ(m[0]->body, "{\"a\":1}");
    free_all(m, 1);
    nb_hp_free(&p);
}

TEST(chunked_dechunked_trailers_ignored)
{
    nb_hp_t p;
    nb_hp_init(&p, 4096, 1024);
    const char *req = "PUT /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n";
    for (size_t step = 0; step < 4; step++) {
        nb_hmsg_t *m[2];
        int st;
        ASSERT_EQ(feed_all(&p, req, strlen(req), step, m, 2, &st), 1);
        ASSERT_EQ(st, 0);
        ASSERT_EQ(m[0]->body_len, 12);
        ASSERT_STREQ(m[0]->body, "hello, world");
        ASSERT_EQ(m[0]->n_headers, 1);
        free_all(m, 1);
    }
    nb_hp_free(&p);
}

TEST(pipelined_stop_after_each_message)
{
    nb_hp_t p;
    nb_hp_init(&p, 4096, 1024);
    const char *req = "GET /1 HTTP/1.1\r\n\r\nPOST /2 HTTP/1.1\r\nContent-Length: 2\r\n\r\nhiGET /3 HTTP/1.1\r\n\r\n";
    size_t used, len = strlen(req);
    ASSERT_EQ(nb_hp_feed(&p, req, len, &used), NB_HP_MESSAGE);
    ASSERT_EQ(used, strlen("GET /1 HTTP/1.1\r\n\r\n"));
    /* Until taken, the message blocks further input. */
    size_t u2;
    ASSERT_EQ(nb_hp_feed(&p, req + used, len - used, &u2), NB_HP_MESSAGE);
    ASSERT_EQ(u2, 0);
    nb_hmsg_t *m1 = nb_hp_take(&p);
    ASSERT_STREQ(m1->target, "/1");
    size_t off = used;
    ASSERT_EQ(nb_hp_feed(&p, req + off, len - off, &used), NB_HP_MESSAGE);
    nb_hmsg_t *m2 = nb_hp_take(&p);
    ASSERT_STREQ(m2->target, "/2");
    ASSERT_STREQ(m2->body, "hi");
    off += used;
    ASSERT_EQ(nb_hp_feed(&p, req + off, len - off, &used), NB_HP_MESSAGE);
    off += used;
    ASSERT_EQ(off, len);
    nb_hmsg_t *m3 = nb_hp_take(&p);
    ASSERT_STREQ(m3->target, "/3");
    ASSERT(nb_hp_take(&p) == NULL);
    nb_arena_free(m1->arena);
    nb_arena_free(m2->arena);
    nb_arena_free(m3->arena);
    nb_hp_free(&p);
}

TEST(keep_alive_flags)
{
    const char *cases[] = {
        "GET / HTTP/1.0\r\n\r\n",
        "GET / HTTP/1.1\r\nConnection: close\r\n\r\n",
        "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
    };
    int want[] = {0, 0, 1};
    for (int i = 0; i < 3; i++) {
        nb_hp_t p;
        nb_hp_init(&p, 4096, 1024);
        nb_hmsg_t *m[1];
        int st;
        ASSERT_EQ(feed_all(&p, cases[i], strlen(cases[i]), 0, m, 1, &st), 1);
        ASSERT_EQ(m[0]->keep_alive, want[i]);
        free_all(m, 1);
        nb_hp_free(&p);
    }
}

TEST(expect_continue_reported_while_body_missing)
{
    nb_hp_t p;
    nb_hp_init(&p, 4096, 1024);
    const char *head = "PUT /u HTTP/1.1\r\nExpect: 100-Continue\r\nContent-Length: 3\r\n\r\n";
    size_t used;
    ASSERT_EQ(nb_hp_feed(&p, head, strlen(head), &used), NB_HP_AGAIN);
    ASSERT_EQ(nb_hp_state(&p), NB_HP_BODY);
    ASSERT_EQ(nb_hp_take_continue(&p), 1);
    ASSERT_EQ(nb_hp_take_continue(&p), 0);
    ASSERT_EQ(nb_hp_feed(&p, "abc", 3, &used), NB_HP_MESSAGE);
    nb_hmsg_t *m = nb_hp_take(&p);
    ASSERT_EQ(m->expect_continue, 1);
    ASSERT_STREQ(m->body, "abc");
    nb_arena_free(m->arena);
    /* Body in the same bytes: nothing to continue. */
    const char *all = "PUT /u HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc";
    ASSERT_EQ(nb_hp_feed(&p, all, strlen(all), &used), NB_HP_MESSAGE);
    ASSERT_EQ(nb_hp_take_continue(&p), 0);
    nb_arena_free(nb_hp_take(&p)->arena);
    nb_hp_free(&p);
}

TEST(header_limit_431)
{
    char big[600];
    snprintf(big, sizeof big, "GET / HTTP/1.1\r\nX-Big: %0500d\r\n\r\n", 0);
    for (size_t step = 0; step < 2; step++) {
        nb_hp_t p;
        nb_hp_init(&p, 256, 1024);
        nb_hmsg_t *m[1];
        int st;
        ASSERT_EQ(feed_all(&p, big, strlen(big), step ? 7 : 0, m, 1, &st), 0);
        ASSERT_EQ(st, 431);
        size_t used;
        ASSERT_EQ(nb_hp_feed(&p, "x", 1, &used), NB_HP_ERROR);   /* sticky */
        nb_hp_free(&p);
    }
    /* A head of exactly the limit passes. */
    const char *ok = "GET / HTTP/1.1\r\nA: b\r\n\r\n";
    nb_hp_t p;
    nb_hp_init(&p, strlen(ok), 1024);
    nb_hmsg_t *m[1];
    int st;
    ASSERT_EQ(feed_all(&p, ok, strlen(ok), 0, m, 1, &st), 1);
    free_all(m, 1);
    ASSERT_EQ(feed_all(&p, ok, strlen(ok), 1, m, 1, &st), 1);
    free_all(m, 1);
    nb_hp_free(&p);
}

TEST(body_limit_413)
{
    nb_hp_t p;
    nb_hp_init(&p, 4096, 10);
    const char *cl = "POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n";
    nb_hmsg_t *m[1];
    int st;
    ASSERT_EQ(feed_all(&p, cl, strlen(cl), 0, m, 1, &st), 0);
    ASSERT_EQ(st, 413);
    nb_hp_free(&p);

    nb_hp_init(&p, 4096, 10);
    const char *ch = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n6\r\nabcdef\r\n0\r\n\r\n";
    ASSERT_EQ(feed_all(&p, ch, strlen(ch), 0, m, 1, &st), 0);
    ASSERT_EQ(st, 413);
    nb_hp_free(&p);

    nb_hp_init(&p, 4096, 10);
    const char *exact = "POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123456789";
    ASSERT_EQ(feed_all(&p, exact, strlen(exact), 0, m, 1, &st), 1);
    ASSERT_STREQ(m[0]->body, "0123456789");
    free_all(m, 1);
    nb_hp_free(&p);
}

/* The body-limit hook: requests under /big may carry 20 bytes; over that they are
 * drained (up to 40) and handed over with body_dropped; others keep 10. */
static size_t big_limit(const nb_hmsg_t *m)
{
    return strncmp(m->target, "/big", 4) == 0 ? 20 : 0;
}

TEST(raised_body_limit_drains_and_marks)
{
    nb_hp_t p;
    nb_hmsg_t *m[2];
    int st;
    nb_hp_init(&p, 4096, 10);
    nb_hp_set_body_limit(&p, big_limit);
    const char *fits = "POST /big HTTP/1.1\r\nContent-Length: 20\r\n\r\n01234567890123456789";
    ASSERT_EQ(feed_all(&p, fits, strlen(fits), 3, m, 2, &st), 1);
    ASSERT_EQ(st, 0);
    ASSERT_EQ(m[0]->body_len, 20);
    ASSERT_EQ(m[0]->body_dropped, 0);
    free_all(m, 1);
    /* over the raised limit: drained, empty body, the connection goes on */
    const char *over = "POST /big HTTP/1.1\r\nContent-Length: 25\r\n\r\n0123456789012345678901234"
                       "GET /next HTTP/1.1\r\n\r\n";
    ASSERT_EQ(feed_all(&p, over, strlen(over), 7, m, 2, &st), 2);
    ASSERT_EQ(st, 0);
    ASSERT_EQ(m[0]->body_dropped, 25);
    ASSERT_EQ(m[0]->body_len, 0);
    ASSERT_STREQ(m[0]->body, "");
    ASSERT_STREQ(m[1]->target, "/next");
    ASSERT_EQ(m[1]->body_dropped, 0);
    free_all(m, 2);
    /* chunked over the raised limit */
    const char *ch = "POST /big HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                     "f\r\n0123456789abcde\r\nf\r\n0123456789abcde\r\n0\r\n\r\n";
    ASSERT_EQ(feed_all(&p, ch, strlen(ch), 0, m, 1, &st), 1);
    ASSERT_EQ(m[0]->body_dropped, 30);
    ASSERT_EQ(m[0]->body_len, 0);
    free_all(m, 1);
    nb_hp_free(&p);
    /* past twice the raised limit: refused outright */
    nb_hp_init(&p, 4096, 10);
    nb_hp_set_body_limit(&p, big_limit);
    const char *huge = "POST /big HTTP/1.1\r\nContent-Length: 41\r\n\r\n";
    ASSERT_EQ(feed_all(&p, huge, strlen(huge), 0, m, 1, &st), 0);
    ASSERT_EQ(st, 413);
    nb_hp_free(&p);
    /* other targets keep the listener's limit and its plain 413 */
    nb_hp_init(&p, 4096, 10);
    nb_hp_set_body_limit(&p, big_limit);
    const char *small = "POST /small HTTP/1.1\r\nContent-Length: 11\r\n\r\n";
    ASSERT_EQ(feed_all(&p, small, strlen(small), 0, m, 1, &st), 0);
    ASSERT_EQ(st, 413);
    nb_hp_free(&p);
}

TEST(malformed_is_400)
{
    const char *bad[] = {
        "GARBAGE\r\n\r\n",
        "GET / HTTP/1.1 extra\r\n\r\n",
        "GET /\x01 HTTP/1.1\r\n\r\n",
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        "POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "GET / HTTP/2.0\r\n\r\n",
        "GET / HTTP/1.1\r\nBad Header: x\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        nb_hp_t p;
        nb_hp_init(&p, 4096, 1024);
        nb_hmsg_t *m[1];
        int st;
        int n = feed_all(&p, bad[i], strlen(bad[i]), 0, m, 1, &st);
        if (n) fprintf(stderr, "case %zu parsed\n", i);
        ASSERT_EQ(n, 0);
        ASSERT_EQ(st, 400);
        nb_hp_free(&p);
    }
}

/* Found by fuzz_http: http-parser passed a NUL inside a header value, which
 * would cut the C string handlers compare (llhttp refuses it). */
TEST(control_bytes_in_header_value_400)
{
    static const char req[] = "GET / HTTP/1.1\r\nX-A: a\0b\r\n\r\n";
    nb_hp_t p;
    nb_hp_init(&p, 4096, 1024);
    nb_hmsg_t *m[1];
    int st;
    ASSERT_EQ(feed_all(&p, req, sizeof req - 1, 0, m, 1, &st), 0);
    ASSERT_EQ(st, 400);
    nb_hp_free(&p);
    nb_hp_init(&p, 4096, 1024);
    const char *tab = "GET / HTTP/1.1\r\nX-A: a\tb\r\n\r\n";
    ASSERT_EQ(feed_all(&p, tab, strlen(tab), 0, m, 1, &st), 1);
    ASSERT_STREQ(m[0]->headers[0].value, "a\tb");
    free_all(m, 1);
    nb_hp_free(&p);
}

TEST(partial_message_freed)
{
    nb_hp_t p;
    nb_hp_init(&p, 4096, 1024);
    const char *req = "POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\nabc";
    size_t used;
    ASSERT_EQ(nb_hp_feed(&p, req, strlen(req), &used), NB_HP_AGAIN);
    ASSERT_EQ(nb_hp_state(&p), NB_HP_BODY);
    nb_hp_free(&p);   /* ASan checks the partial message's arena is released */
}

/* Path, query and host as the listener fills them into the nb_req_t. */
static void target_of(const char *req, nb_req_t *r, int *rc, nb_hmsg_t **keep)
{
    nb_hp_t p;
    nb_hp_init(&p, 4096, 1024);
    nb_hmsg_t *m[1];
    int st;
    ASSERT_EQ(feed_all(&p, req, strlen(req), 0, m, 1, &st), 1);
    memset(r, 0, sizeof *r);
    r->arena = m[0]->arena;
    r->headers = m[0]->headers;
    r->n_headers = m[0]->n_headers;
    nb_buf_t scratch = NB_BUF_INIT;
    *rc = nb_hp_req_target(r, m[0], &scratch);
    nb_buf_free(&scratch);
    nb_hp_free(&p);
    *keep = m[0];
}

TEST(target_split_and_host)
{
    static const struct { const char *req, *raw_path, *path, *query, *host; } cases[] = {
        {"GET /a%20b+c?x=1&y=%41 HTTP/1.1\r\nHost: Example.COM:4566\r\n\r\n", "/a%20b+c", "/a b+c", "x=1&y=%41", "example.com"},
        {"GET / HTTP/1.1\r\n\r\n", "/", "/", "", ""},
        {"GET /p? HTTP/1.1\r\nHost: [::1]:80\r\n\r\n", "/p", "/p", "", "[::1]"},
        {"GET http://h.example:9/x/y?q HTTP/1.1\r\nHost: bucket.LOCALHOST\r\n\r\n", "/x/y", "/x/y", "q", "bucket.localhost"},
        {"GET http://h.example HTTP/1.1\r\n\r\n", "/", "/", "", ""},
        {"OPTIONS * HTTP/1.1\r\n\r\n", "*", "*", "", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        nb_req_t r;
        nb_hmsg_t *m;
        int rc;
        target_of(cases[i].req, &r, &rc, &m);
        ASSERT_EQ(rc, 0);
        ASSERT_STREQ(r.raw_path, cases[i].raw_path);
        ASSERT_STREQ(r.path, cases[i].path);
        ASSERT_STREQ(r.query, cases[i].query);
        ASSERT_STREQ(r.host, cases[i].host);
        nb_arena_free(m->arena);
    }
    const char *bad[] = {"GET /a%zz HTTP/1.1\r\n\r\n", "GET /a%00b HTTP/1.1\r\n\r\n", "GET /a% HTTP/1.1\r\n\r\n"};
    for (size_t i = 0; i < 3; i++) {
        nb_req_t r;
        nb_hmsg_t *m;
        int rc;
        target_of(bad[i], &r, &rc, &m);
        ASSERT_EQ(rc, -1);
        nb_arena_free(m->arena);
    }
}

TEST(large_bodies_content_length_and_chunked)
{
    size_t n = 3u << 20;
    char *body = malloc(n);
    for (size_t i = 0; i < n; i++) body[i] = (char)('a' + i % 23);
    nb_buf_t in = NB_BUF_INIT;
    nb_buf_printf(&in, "PUT /big HTTP/1.1\r\nContent-Length: %zu\r\n\r\n", n);
    nb_buf_append(&in, body, n);
    nb_buf_puts(&in, "PUT /big HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (size_t off = 0; off < n; off += 100000) {
        size_t l = n - off < 100000 ? n - off : 100000;
        nb_buf_printf(&in, "%zx\r\n", l);
        nb_buf_append(&in, body + off, l);
        nb_buf_puts(&in, "\r\n");
    }
    nb_buf_puts(&in, "0\r\n\r\n");
    nb_hp_t p;
    nb_hp_init(&p, 4096, 4u << 20);
    nb_hmsg_t *m[2];
    int st;
    ASSERT_EQ(feed_all(&p, in.data, in.len, 65536, m, 2, &st), 2);
    ASSERT_EQ(st, 0);
    for (int i = 0; i < 2; i++) {
        ASSERT_EQ(m[i]->body_len, n);
        ASSERT_MEMEQ(m[i]->body, body, n);
        ASSERT_EQ(m[i]->body[n], 0);
    }
    free_all(m, 2);
    nb_hp_free(&p);
    nb_buf_free(&in);
    free(body);
}

/* Header values are checked eight bytes at a time: every byte value at every
 * position of a value longer than a word is accepted or refused exactly as
 * the rule says (controls but HT, and DEL, refused). CR and LF end the value
 * in the parser itself, so they are left out. */
TEST(header_value_bytes_at_every_position)
{
    for (size_t at = 0; at < 19; at++)
        for (int c = 1; c < 256; c++) {
            if (c == '\r' || c == '\n') continue;
            char req[128];
            char val[20];
            memset(val, 'v', sizeof val - 1);
            val[sizeof val - 1] = 0;
            val[at] = (char)c;
            int n = snprintf(req, sizeof req, "GET / HTTP/1.1\r\nX-A: %s\r\n\r\n", val);
            int bad = (c < 0x20 && c != '\t') || c == 0x7f;
            int edge = (c == ' ' || c == '\t') && (at == 0 || at == sizeof val - 2);   /* trimmed */
            nb_hp_t p;
            nb_hp_init(&p, 4096, 1024);
            nb_hmsg_t *m[1];
            int st;
            int got = feed_all(&p, req, (size_t)n, 0, m, 1, &st);
            if (bad) {
                ASSERT_EQ(got, 0);
                ASSERT_EQ(st, 400);
            } else {
                ASSERT_EQ(got, 1);
                if (!edge) ASSERT_STREQ(hdr(m[0], "x-a"), val);
                free_all(m, 1);
            }
            nb_hp_free(&p);
        }
}

/* Every split of a pipelined stream into two reads gives the same requests:
 * llhttp's spans end at each read's end and resume in the next. */
TEST(split_at_every_byte_boundary)
{
    const char *req = "POST /a?q=1 HTTP/1.1\r\nHost: h\r\nX-Long-Name: some value\r\nContent-Length: 5\r\n\r\nhello"
                      "PUT /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=v\r\nabc\r\n2\r\nde\r\n0\r\nT: x\r\n\r\n"
                      "GET /c HTTP/1.1\r\nExpect: 100-continue\r\n\r\n";
    size_t len = strlen(req);
    for (size_t cut = 0; cut <= len; cut++) {
        nb_hp_t p;
        nb_hp_init(&p, 4096, 1024);
        nb_hmsg_t *m[4];
        int n = 0, st = 0;
        const char *parts[2] = {req, req + cut};
        size_t lens[2] = {cut, len - cut};
        for (int k = 0; k < 2; k++) {
            int got = feed_all(&p, parts[k], lens[k], 0, m + n, 4 - n, &st);
            ASSERT_EQ(st, 0);
            n += got;
        }
        ASSERT_EQ(n, 3);
        ASSERT_STREQ(m[0]->target, "/a?q=1");
        ASSERT_STREQ(hdr(m[0], "x-long-name"), "some value");
        ASSERT_STREQ(m[0]->body, "hello");
        ASSERT_STREQ(m[1]->method, "PUT");
        ASSERT_STREQ(m[1]->body, "abcde");
        ASSERT_EQ(m[1]->n_headers, 1);
        ASSERT_STREQ(m[2]->target, "/c");
        ASSERT_EQ(m[2]->expect_continue, 1);
        ASSERT_EQ(nb_hp_state(&p), NB_HP_IDLE);
        free_all(m, 3);
        nb_hp_free(&p);
    }
}

/* llhttp has no head limit of its own: ours holds however the head is split,
 * also when it is the second request of a read. */
TEST(header_limit_at_every_split)
{
    const char *first = "GET /1 HTTP/1.1\r\n\r\n";
    const char *head = "GET /2 HTTP/1.1\r\nX-A: 0123456789\r\nX-B: abcdefghij\r\n\r\n";
    size_t hl = strlen(head);
    char all[256];
    snprintf(all, sizeof all, "%s%s", first, head);
    size_t len = strlen(all);
    for (int over = 0; over < 2; over++) {
        for (size_t cut = 0; cut <= len; cut++) {
            nb_hp_t p;
            nb_hp_init(&p, over ? hl - 1 : hl, 1024);
            nb_hmsg_t *m[2];
            int n = 0, st = 0;
            n += feed_all(&p, all, cut, 0, m, 2, &st);
            if (!st) n += feed_all(&p, all + cut, len - cut, 0, m + n, 2 - n, &st);
            ASSERT_EQ(n, over ? 1 : 2);
            ASSERT_EQ(st, over ? 431 : 0);
            free_all(m, n);
            nb_hp_free(&p);
        }
    }
}

/* A chunk's extensions and the trailers are bounded like a head (431). */
TEST(chunk_extension_and_trailers_bounded)
{
    char req[1024];
    char big[300];
    memset(big, 'e', sizeof big - 1);
    big[sizeof big - 1] = 0;
    const char *fmt[] = {
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;x=%s\r\nabc\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-T: %s\r\n\r\n",
    };
    for (int i = 0; i < 2; i++)
        for (size_t step = 0; step < 8; step += 7) {
            int n = snprintf(req, sizeof req, fmt[i], big);
            nb_hp_t p;
            nb_hp_init(&p, 256, 1024);
            nb_hmsg_t *m[1];
            int st;
            ASSERT_EQ(feed_all(&p, req, (size_t)n, step, m, 1, &st), 0);
            ASSERT_EQ(st, 431);
            nb_hp_free(&p);
            /* the same under a larger limit passes; each chunk line has its own budget */
            nb_hp_init(&p, 400, 1024);
            ASSERT_EQ(feed_all(&p, req, (size_t)n, step, m, 1, &st), 1);
            ASSERT_STREQ(m[0]->body, "abc");
            free_all(m, 1);
            nb_hp_free(&p);
        }
}

/* Framing a smuggler would play on, each refused with 400: a header of no name
 * (llhttp takes it), bare LF ending a header line,
 * chunked applied twice, a chunk size with junk, space in a name, obsolete
 * versions and a mangled protocol name. */
TEST(smuggling_shapes_400)
{
    const char *bad[] = {
        "GET / HTTP/1.1\r\nA: 1\r\n: 2\r\n\r\n",
        "GET / HTTP/1.1\r\n: 2\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n",
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nX\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked, identity\r\n\r\n1\r\nX\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1x\r\nX\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nXY\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nTransfer-Encoding : chunked\r\n\r\n1\r\nX\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nXY",
        "POST / HTTP/1.1\r\nContent-Length: +1\r\n\r\nX",
        "GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n",
        "GET / HTWP/1.1\r\n\r\n",
        "GET / HTTP/1.2\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        for (size_t step = 0; step < 2; step++) {
            nb_hp_t p;
            nb_hp_init(&p, 4096, 1024);
            nb_hmsg_t *m[1];
            int st;
            int n = feed_all(&p, bad[i], strlen(bad[i]), step, m, 1, &st);
            if (n) fprintf(stderr, "case %zu parsed\n", i);
            ASSERT_EQ(n, 0);
            ASSERT_EQ(st, 400);
            nb_hp_free(&p);
        }
}

/* An Upgrade request is handed over like any other; if the server refuses the
 * switch, the bytes after it are parsed as HTTP again (llhttp pauses once
 * more after such a request, the next feed resumes). */
TEST(upgrade_then_http_again)
{
    const char *req = "GET /ws HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"
                      "GET /next HTTP/1.1\r\n\r\n";
    for (size_t step = 0; step < 4; step++) {
        nb_hp_t p;
        nb_hp_init(&p, 4096, 1024);
        nb_hmsg_t *m[2];
        int st;
        ASSERT_EQ(feed_all(&p, req, strlen(req), step, m, 2, &st), 2);
        ASSERT_EQ(st, 0);
        ASSERT_EQ(m[0]->upgrade, 1);
        ASSERT_EQ(m[0]->keep_alive, 1);
        ASSERT_STREQ(m[1]->target, "/next");
        ASSERT_EQ(m[1]->upgrade, 0);
        free_all(m, 2);
        nb_hp_free(&p);
    }
    /* where the upgraded protocol's bytes start: right after the head */
    const char *up = "GET /ws HTTP/1.1\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n\x81\x85" "abcde";
    nb_hp_t p;
    nb_hp_init(&p, 4096, 1024);
    size_t used;
    ASSERT_EQ(nb_hp_feed(&p, up, strlen(up), &used), NB_HP_MESSAGE);
    ASSERT_EQ(used, strlen(up) - 7);
    nb_hmsg_t *m = nb_hp_take(&p);
    ASSERT_EQ(m->upgrade, 1);
    nb_arena_free(m->arena);
    nb_hp_free(&p);
}
