/* http_server.c — HTTP/1.1 listener: sockets, timers and the ordered write path.
 *
 * Parsing is http_parse.c's; this file moves bytes. Each accepted connection
 * owns a request assembler, one timer and a queue of slots — one per request
 * dispatched and not yet written, in arrival order. A slot lives in its
 * request's arena (the nb_req_t is its first member, so req == slot).
 *
 * Reply order: nb_http_send() on the queue's head renders straight into the
 * connection's output buffer; on a later slot it renders into that slot's
 * arena and marks it done, and it is copied out when everything before it has
 * gone. Output accumulates in c->out and is flushed once per read batch (sync
 * replies) or at once (async replies): uv_try_write first, uv_write for the rest
 * (c->wbuf holds the bytes of the one write in flight).
 *
 * Connection states:
 *
 *   READING --request complete--> (dispatch; keep reading while queue < max_pipeline)
 *      |  \--queue full / output backlog--> PAUSED --replies drain--> READING
 *      |--Connection: close / parse error / timeout / stop--> DRAINING
 *   DRAINING --queue empty and written--> SHUT (FIN sent, input discarded, linger timer)
 *   SHUT --EOF / linger expired--> CLOSED
 *   DRAINING --queue written, peer already sent EOF or server stopping--> CLOSED
 *   any --I/O error, reset, idle timeout--> CLOSED (slots detached: their late
 *                                           replies just free the request)
 *
 * Timer (one per connection, re-armed lazily from a deadline): write stalled →
 * close; head incomplete past header_timeout → 408; no body progress for
 * body_timeout → 408; idle keep-alive → close; nothing while a handler works.
 *
 * Transport seam: all socket I/O goes through the io_* functions and
 * on_read(). On a TLS listener (nb_http_server_use_tls, tls.h) each connection
 * has a memory-BIO TLS engine: on_read() feeds it the ciphertext and hands the
 * plaintext to conn_received() / conn_eof(); io_try_write()/io_write() encrypt
 * and send the ciphertext — at once when the socket takes it, else by uv_write
 * of a heap copy (tls_push); io_write's completion (on_write) is reported
 * when every ciphertext write queued so far has gone, so the HTTP layer's
 * backpressure works unchanged; io_shutdown() queues close_notify first.
 * Upgrade (WebSocket, issue 6): a request asking to switch protocols stops
 * the parser (UPGRADE_WAIT: later bytes wait in pending). nb_http_send on it
 * refuses: parsing resumes as HTTP/1.1; nb_http_upgrade writes the 101 and
 * makes the connection UPGRADED: input goes to the owner's on_data (pending
 * first, from a zero timer so the owner has its handle), output through
 * nb_conn_write, no HTTP timers but the write stall. Its on_close runs from
 * on_conn_closed — always from a close callback, never inside an owner's call. */
#include "core/http_server.h"
#include "core/http_parse.h"
#include "core/http_status.h"
#include "core/alloc.h"
#include "core/log.h"
#include "core/tls.h"
#include "core/util.h"
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <uv.h>

#define READ_BUF_SIZE (64u << 10)
#define ARENA_FIRST_BLOCK 8192
#define ARENA_POOL_MAX 256
#define OUT_HIGH_WATER (256u << 10)   /* stop reading while this much waits to be written */
#define OUT_KEEP (64u << 10)          /* output buffers above this are released when empty */
#define LINGER_MS 2000                /* after our FIN, how long we drain the peer's input */

typedef struct nb_conn conn_t;   /* nb_conn_t: the handle of an upgraded connection */
typedef struct slot slot_t;

struct slot {
    nb_req_t req;           /* first: nb_http_send() gets &slot->req */
    conn_t *conn;           /* NULL once the connection is gone */
    slot_t *next;
    char *resp;             /* rendered response, when done before its turn */
    size_t resp_len;
    unsigned done : 1;      /* resp holds the complete response */
    unsigned is_head : 1;   /* HEAD request: no body bytes */
    unsigned keep_alive : 1;
    unsigned http10 : 1;
    unsigned is_upgrade : 1;  /* asked to switch protocols */
};

enum { T_NONE, T_WRITE, T_HEAD, T_BODY, T_IDLE, T_LINGER };

struct nb_conn {
    uv_tcp_t tcp;
    uv_timer_t timer;
    uv_write_t wreq;
    uv_shutdown_t sreq;
    nb_http_server_t *srv;
    conn_t *prev, *next;
    nb_hp_t hp;
    char remote[64];
    nb_buf_t pending;       /* input not yet parsed (pipelining limit reached) */
    size_t pending_off;
    slot_t *q_head, *q_tail;
    unsigned n_q;
    nb_buf_t out, wbuf;
    int handles;            /* open uv handles; freed when 0 after closing */
    unsigned reading : 1, writing : 1, closing : 1, close_after : 1, peer_eof : 1,
             shut : 1, served : 1, continue_owed : 1, tls_owe_cb : 1,
             upgrade_wait : 1, upgraded : 1;
    nb_conn_data_fn up_data;  /* upgraded: the owner's callbacks */
    nb_conn_close_fn up_close;
    nb_conn_stop_fn up_stop;  /* upgraded: how the owner ends it at a server stop (or NULL) */
    void *up_arg;
    nb_tls_conn_t *tls;     /* NULL on a plain listener */
    unsigned tls_inflight;  /* ciphertext uv_writes not yet completed */
    int in_input;           /* inside conn_input: replies only append to out */
    size_t wq_seen;         /* write queue size at the last write-timer check */
    uint64_t deadline, timer_due;
    int tkind;
    uint64_t head_start, body_progress, activity, write_progress, shut_at;
};

struct nb_http_server {
    uv_tcp_t listener;
    uv_loop_t *loop;
    nb_ctx_t *ctx;
    nb_http_limits_t lim;
    nb_http_dispatch_fn dispatch;
    void *data;
    conn_t *conns;
    unsigned n_conns;
    int stopping, listener_closed;
    void (*done)(void *arg);
    void *done_arg;
    nb_arena_t *pool[ARENA_POOL_MAX];
    unsigned n_pool;
    nb_buf_t scratch;       /* path decoding, out-of-turn rendering (never both at once) */
    nb_tls_ctx_t *tls;      /* borrowed; NULL: plain HTTP */
    nb_buf_t tls_out;       /* ciphertext on its way to a socket */
    char rbuf[READ_BUF_SIZE];
};

static void conn_close(conn_t *c);
static void conn_update(conn_t *c);
static void conn_flush(conn_t *c);
static void conn_pump(conn_t *c);
static void queue_error(conn_t *c, int status);
static void conn_received(conn_t *c, const char *data, size_t len);
static void conn_eof(conn_t *c);

void nb_http_limits_default(nb_http_limits_t *l)
{
    memset(l, 0, sizeof *l);
    l->max_header_bytes = 64u << 10;
    l->max_body_bytes = NB_HTTP_MAX_BODY_DEFAULT;
    l->header_timeout_ms = 10000;
    l->body_timeout_ms = 30000;
    l->idle_timeout_ms = 60000;
    l->max_connections = 10000;
    l->max_pipeline = 64;
}

/* ---- arenas: a small pool so steady traffic allocates nothing ------------ */

static nb_arena_t *arena_get(void *ud)
{
    nb_http_server_t *srv = ud;
    if (srv->n_pool) return srv->pool[--srv->n_pool];
    return nb_arena_new(ARENA_FIRST_BLOCK);
}

/* End a slot: its arena (and the slot inside it) is gone afterwards. */
static void slot_release(slot_t *s)
{
    nb_arena_t *a = s->req.arena;
    conn_t *c = s->conn;
    if (c && c->srv->n_pool < ARENA_POOL_MAX) {
        nb_arena_reset(a);
        c->srv->pool[c->srv->n_pool++] = a;
    } else {
        nb_arena_free(a);
    }
}

/* ---- transport: plain TCP (a TLS transport replaces these) --------------- */

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
    conn_t *c = h->data;
    /* One buffer per server: every read is consumed (or copied to pending)
     * before the next allocation. */
    buf->base = c->srv->rbuf;
    buf->len = READ_BUF_SIZE;
}

static void on_read(uv_stream_t *st, ssize_t nread, const uv_buf_t *buf);

static void io_read_start(conn_t *c)
{
    if (!c->reading && uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) == 0)
        c->reading = 1;
}

static void io_read_stop(conn_t *c)
{
    if (c->reading) uv_read_stop((uv_stream_t *)&c->tcp);
    c->reading = 0;
}

/* ---- transport: TLS over the same socket -------------------------------- */

typedef struct tls_wreq {
    uv_write_t w;              /* first */
    conn_t *c;
    char data[];
} tls_wreq_t;

static void on_write(uv_write_t *w, int status);

static void on_tls_write(uv_write_t *w, int status)
{
    tls_wreq_t *r = (tls_wreq_t *)w;
    conn_t *c = r->c;
    free(r);
    c->tls_inflight--;
    if (c->closing) return;
    if (status < 0) { conn_close(c); return; }
    if (!c->tls_inflight && c->tls_owe_cb) {
        c->tls_owe_cb = 0;
        on_write(&c->wreq, 0);
    }
}

/* Send the ciphertext the engine produced: with allow_sync, what the socket
 * takes now goes at once; the rest is queued (in order) by uv_write. 0 or -1. */
static int tls_push(conn_t *c, int allow_sync)
{
    nb_buf_t *o = &c->srv->tls_out;
    o->len = 0;
    if (!nb_tls_take_output(c->tls, o)) return 0;
    size_t off = 0;
    if (allow_sync && !c->tls_inflight) {
        uv_buf_t b = uv_buf_init(o->data, (unsigned)o->len);
        int r = uv_try_write((uv_stream_t *)&c->tcp, &b, 1);
        if (r < 0 && r != UV_EAGAIN && r != UV_ENOSYS) return -1;
        if (r > 0) off = (size_t)r;
    }
    if (off == o->len) return 0;
    tls_wreq_t *r = nb_xmalloc(sizeof *r + (o->len - off));
    r->c = c;
    memcpy(r->data, o->data + off, o->len - off);
    uv_buf_t b = uv_buf_init(r->data, (unsigned)(o->len - off));
    if (uv_write(&r->w, (uv_stream_t *)&c->tcp, &b, 1, on_tls_write) != 0) {
        free(r);
        return -1;
    }
    c->tls_inflight++;
    return 0;
}

/* Ciphertext arrived: decrypt everything available and pass it on in order
 * (after input already held back, if any). */
static void tls_received(conn_t *c, const char *data, size_t len)
{
    nb_tls_feed(c->tls, data, len);           /* copied: rbuf is free again */
    char *pbuf = c->srv->rbuf;
    for (;;) {
        int n = nb_tls_read(c->tls, pbuf, READ_BUF_SIZE);
        if (n > 0) {
            if (c->shut) continue;             /* after our FIN: discard */
            if (c->pending.len) nb_buf_append(&c->pending, pbuf, (size_t)n);
            else conn_received(c, pbuf, (size_t)n);
            if (c->closing) return;
            continue;
        }
        if (tls_push(c, 1) != 0) { conn_close(c); return; }
        if (n == NB_TLS_AGAIN) return;
        if (n == NB_TLS_CLOSED) conn_eof(c);
        else conn_close(c);                    /* garbage, bad handshake, old protocol */
        return;
    }
}

void nb_http_server_use_tls(nb_http_server_t *srv, nb_tls_ctx_t *t) { srv->tls = t; }

/* Bytes written now (possibly 0), or a negative libuv error. */
static int io_try_write(conn_t *c, uv_buf_t *bufs, unsigned n)
{
    if (c->tls) {
        if (c->tls_inflight) return 0;         /* keep order: queue behind them */
        size_t total = 0;
        for (unsigned i = 0; i < n; i++) {
            if (nb_tls_write(c->tls, bufs[i].base, bufs[i].len) != 0) return UV_EPROTO;
            total += bufs[i].len;
        }
        return tls_push(c, 1) == 0 ? (int)total : UV_EPIPE;
    }
    int r = uv_try_write((uv_stream_t *)&c->tcp, bufs, n);
    return (r == UV_EAGAIN || r == UV_ENOSYS) ? 0 : r;
}

static int io_write(conn_t *c, uv_buf_t *buf)
{
    if (c->tls) {
        if (nb_tls_write(c->tls, buf->base, buf->len) != 0) return UV_EPROTO;
        c->tls_owe_cb = 1;                     /* on_write once all of it has gone */
        if (tls_push(c, 0) != 0) return UV_EPIPE;
        return 0;
    }
    return uv_write(&c->wreq, (uv_stream_t *)&c->tcp, buf, 1, on_write);
}

static void on_shutdown(uv_shutdown_t *r, int status)
{
    conn_t *c = r->data;
    if (status < 0 && !c->closing) conn_close(c);
}

static void io_shutdown(conn_t *c)
{
    c->sreq.data = c;
    if (c->tls) {                              /* close_notify, sent before the FIN */
        nb_tls_shutdown(c->tls);
        if (tls_push(c, 0) != 0) { conn_close(c); return; }
    }
    if (uv_shutdown(&c->sreq, (uv_stream_t *)&c->tcp, on_shutdown) != 0) conn_close(c);
}

/* ---- closing ------------------------------------------------------------- */

static void server_maybe_done(nb_http_server_t *srv)
{
    if (!srv->stopping || !srv->listener_closed || srv->conns) return;
    void (*done)(void *) = srv->done;
    void *arg = srv->done_arg;
    while (srv->n_pool) nb_arena_free(srv->pool[--srv->n_pool]);
    nb_buf_free(&srv->scratch);
    nb_buf_free(&srv->tls_out);
    free(srv);
    if (done) done(arg);
}

static void on_conn_closed(uv_handle_t *h)
{
    conn_t *c = h->data;
    if (--c->handles > 0) return;
    nb_http_server_t *srv = c->srv;
    if (c->upgraded && c->up_close) c->up_close(c, c->up_arg);
    if (c->prev) c->prev->next = c->next; else srv->conns = c->next;
    if (c->next) c->next->prev = c->prev;
    srv->n_conns--;
    nb_hp_free(&c->hp);
    nb_buf_free(&c->pending);
    nb_buf_free(&c->out);
    nb_buf_free(&c->wbuf);
    nb_tls_conn_free(c->tls);
    free(c);
    server_maybe_done(srv);
}

/* Close at once. Requests still with their handlers are detached: their
 * replies will only free them. */
static void conn_close(conn_t *c)
{
    if (c->closing) return;
    c->closing = 1;
    slot_t *s = c->q_head;
    while (s) {
        slot_t *n = s->next;
        if (s->done) slot_release(s);
        else s->conn = NULL;
        s = n;
    }
    c->q_head = c->q_tail = NULL;
    c->n_q = 0;
    io_read_stop(c);
    uv_close((uv_handle_t *)&c->tcp, on_conn_closed);
    uv_close((uv_handle_t *)&c->timer, on_conn_closed);
}

/* After the last response: close now if the peer is gone or we are stopping,
 * else send FIN and discard input until the peer closes (closing with unread
 * input would reset the connection and could destroy our last response). */
static void conn_maybe_finish(conn_t *c)
{
    if (c->closing || c->shut || !c->close_after || c->n_q || c->writing || c->out.len)
        return;
    if (c->peer_eof || c->srv->stopping) { conn_close(c); return; }
    c->shut = 1;
    c->shut_at = uv_now(c->srv->loop);
    io_shutdown(c);
}

/* ---- timers --------------------------------------------------------------- */

static uint64_t after(uint64_t from, unsigned ms) { return ms ? from + ms : 0; }

static void on_timer(uv_timer_t *t);

static void timer_update(conn_t *c)
{
    const nb_http_limits_t *l = &c->srv->lim;
    int st = nb_hp_state(&c->hp);
    uint64_t d = 0;
    int kind = T_NONE;
    if (c->shut) { kind = T_LINGER; d = c->shut_at + LINGER_MS; }
    else if (c->writing) { kind = T_WRITE; d = after(c->write_progress, l->idle_timeout_ms); }
    else if (c->upgraded) { kind = T_NONE; }
    else if (c->close_after) { kind = T_NONE; }
    else if (st == NB_HP_HEAD) { kind = T_HEAD; d = after(c->head_start, l->header_timeout_ms); }
    else if (st == NB_HP_BODY) { kind = T_BODY; d = after(c->body_progress, l->body_timeout_ms); }
    else if (c->n_q) { kind = T_NONE; }
    else {
        kind = T_IDLE;
        d = after(c->activity, c->served ? l->idle_timeout_ms : l->header_timeout_ms);
    }
    c->tkind = kind;
    c->deadline = d;
    if (!d) return;
    /* Re-arm only when the deadline moved earlier; a late firing re-checks. */
    if (c->timer_due && c->timer_due <= d) return;
    uint64_t now = uv_now(c->srv->loop);
    uv_timer_start(&c->timer, on_timer, d > now ? d - now : 0, 0);
    c->timer_due = d;
}

static void on_timer(uv_timer_t *t)
{
    conn_t *c = t->data;
    c->timer_due = 0;
    if (c->closing) return;
    if (c->upgraded && c->pending.len) {   /* input that arrived before the switch */
        conn_pump(c);
        if (c->closing) return;
    }
    timer_update(c);
    if (!c->deadline || uv_now(c->srv->loop) < c->deadline) return;
    switch (c->tkind) {
    case T_HEAD:
    case T_BODY:
        nb_log_debug("http", "%s: request %s timed out", c->remote,
                     c->tkind == T_HEAD ? "head" : "body");
        io_read_stop(c);
        queue_error(c, 408);
        conn_flush(c);
        conn_update(c);
        break;
    case T_WRITE:
        /* uv_write reports only completion: a reader that is slow but still
         * taking bytes shows as a shrinking write queue. */
        if (c->tcp.write_queue_size != c->wq_seen) {
            c->wq_seen = c->tcp.write_queue_size;
            c->write_progress = uv_now(c->srv->loop);
            timer_update(c);
            break;
        }
        conn_close(c);
        break;
    default:
        conn_close(c);
    }
}

/* ---- output --------------------------------------------------------------- */

static void start_write(conn_t *c)
{
    nb_buf_t t = c->wbuf;
    c->wbuf = c->out;
    c->out = t;
    c->out.len = 0;
    uv_buf_t b = uv_buf_init(c->wbuf.data, (unsigned)c->wbuf.len);
    if (io_write(c, &b) != 0) { conn_close(c); return; }
    c->writing = 1;
    c->write_progress = uv_now(c->srv->loop);
    c->wq_seen = c->tcp.write_queue_size;
}

/* Write c->out followed by extra (borrowed, may be NULL): what the socket does
 * not take now is kept in c->out and written by uv_write. */
static void conn_write_with(conn_t *c, const char *extra, size_t extra_len)
{
    if (c->closing) return;
    if (c->writing) {
        if (extra_len) nb_buf_append(&c->out, extra, extra_len);
        return;
    }
    if (!c->out.len && !extra_len) return;
    uv_buf_t b[2] = { uv_buf_init(c->out.data, (unsigned)c->out.len),
                      uv_buf_init((char *)extra, (unsigned)extra_len) };
    int n = io_try_write(c, b, extra_len ? 2 : 1);
    if (n < 0) { conn_close(c); return; }
    size_t w = (size_t)n;
    if (w >= c->out.len) {
        size_t we = w - c->out.len;
        c->out.len = 0;
        if (we < extra_len) nb_buf_append(&c->out, extra + we, extra_len - we);
    } else {
        memmove(c->out.data, c->out.data + w, c->out.len - w);
        c->out.len -= w;
        if (extra_len) nb_buf_append(&c->out, extra, extra_len);
    }
    if (c->out.len) start_write(c);
    else if (c->out.cap > OUT_KEEP) nb_buf_free(&c->out);
}

static void conn_flush(conn_t *c) { conn_write_with(c, NULL, 0); }

/* The flush after input: skipped while a later pipelined request still waits
 * for its reply on a hold_pipelined listener (its nb_http_send writes both). */
static void conn_flush_input(conn_t *c)
{
    if (c->srv->lim.hold_pipelined && c->n_q && !c->close_after) return;
    conn_flush(c);
}

static void on_write(uv_write_t *w, int status)
{
    conn_t *c = (conn_t *)((char *)w - offsetof(conn_t, wreq));
    c->writing = 0;
    c->wbuf.len = 0;
    if (c->wbuf.cap > OUT_KEEP) nb_buf_free(&c->wbuf);
    if (c->closing) return;
    if (status < 0) { conn_close(c); return; }
    c->write_progress = uv_now(c->srv->loop);
    conn_flush(c);
    conn_pump(c);
}

static size_t put_uint(char *p, size_t v)
{
    char tmp[24];
    size_t n = 0;
    do { tmp[n++] = (char)('0' + v % 10); v /= 10; } while (v);
    for (size_t i = 0; i < n; i++) p[i] = tmp[n - 1 - i];
    return n;
}

/* "Date: Sat, 28 Nov 2026 00:32:16 GMT\r\n" (37 bytes), formatted once a second. */
static const char *date_line(void)
{
    static _Thread_local time_t last;
    static _Thread_local char line[48];
    static const char days[] = "SunMonTueWedThuFriSat", months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    time_t now = time(NULL);
    if (now != last || !line[0]) {
        struct tm tm;
        gmtime_r(&now, &tm);
        snprintf(line, sizeof line, "Date: %.3s, %02d %.3s %04d %02d:%02d:%02d GMT\r\n",
                 days + 3 * tm.tm_wday, tm.tm_mday, months + 3 * tm.tm_mon, tm.tm_year + 1900,
                 tm.tm_hour, tm.tm_min, tm.tm_sec);
        last = now;
    }
    return line;
}

/* A header name is an RFC 7230 token. A name from client or function input
 * (API Gateway's mapped headers, a function's proxy answer) that is not one
 * (CR, LF, ':', spaces, empty) is dropped, never written: it could start a
 * header or a response of its own. */
static int token_name(const char *name)
{
    return *name && nb_hp_is_token(name, strlen(name));
}

/* Our own framing headers (by length first: most names are none of them). */
static int framing_header(const char *name, size_t nl)
{
    return (nl == 14 && nb_strncaseeq(name, "content-length", 14)) ||
           (nl == 10 && nb_strncaseeq(name, "connection", 10)) ||
           (nl == 17 && nb_strncaseeq(name, "transfer-encoding", 17));
}

/* Append the status line and headers of a response to b. Framing headers are
 * ours, except that a HEAD reply may state the length of the body it omits.
 * Names that are no token are dropped (token_name). */
static void render_head(nb_buf_t *b, const slot_t *s, int status, const nb_kv_t *h, size_t n,
                        size_t body_len, int close)
{
    if (status < 100 || status > 999) status = 500;
    int no_len = status < 200 || status == 204 || status == 304;
    int caller_len = 0, caller_date = 0;
    const char *rs = nb_http_reason(status);
    const char *date = date_line();
    size_t dl = strlen(date);
    size_t need = 9 + 4 + strlen(rs) + 2 + 40 + 24 + 26 + dl + 2;
    for (size_t i = 0; i < n; i++) {
        size_t nl = strlen(h[i].name);
        need += nl + 2 + h[i].value_len + 2;
        if (nl == 4 && nb_strncaseeq(h[i].name, "date", 4)) caller_date = 1;
    }
    nb_buf_reserve(b, need);
    char *p = b->data + b->len;
    memcpy(p, "HTTP/1.1 ", 9); p += 9;
    p += put_uint(p, (size_t)status);
    *p++ = ' ';
    size_t rl = strlen(rs);
    memcpy(p, rs, rl); p += rl;
    *p++ = '\r'; *p++ = '\n';
    if (!caller_date) { memcpy(p, date, dl); p += dl; }
    for (size_t i = 0; i < n; i++) {
        size_t nl = strlen(h[i].name);
        if (!nl || !nb_hp_is_token(h[i].name, nl)) continue;   /* see token_name */
        if (framing_header(h[i].name, nl)) {
            if (!(s->is_head && !no_len && nl == 14 && nb_strncaseeq(h[i].name, "content-length", 14)))
                continue;
            caller_len = 1;
        }
        memcpy(p, h[i].name, nl); p += nl;
        *p++ = ':'; *p++ = ' ';
        if (h[i].value_len) memcpy(p, h[i].value, h[i].value_len);
        /* A value echoing client input must not start a header of its own. */
        char *end = p + h[i].value_len;
        for (char *q = p; (q = memchr(q, '\r', (size_t)(end - q))) != NULL; ) *q = ' ';
        for (char *q = p; (q = memchr(q, '\n', (size_t)(end - q))) != NULL; ) *q = ' ';
        p = end;
        *p++ = '\r'; *p++ = '\n';
    }
    if (!no_len && !caller_len) {
        memcpy(p, "Content-Length: ", 16); p += 16;
        p += put_uint(p, body_len);
        *p++ = '\r'; *p++ = '\n';
    }
    if (close) { memcpy(p, "Connection: close\r\n", 19); p += 19; }
    else if (s->http10) { memcpy(p, "Connection: keep-alive\r\n", 24); p += 24; }
    *p++ = '\r'; *p++ = '\n';
    b->len = (size_t)(p - b->data);
    b->data[b->len] = 0;
}

static void slot_pop(conn_t *c)
{
    slot_t *s = c->q_head;
    c->q_head = s->next;
    if (!c->q_head) c->q_tail = NULL;
    c->n_q--;
    slot_release(s);
}

/* Move responses that were rendered ahead of their turn into c->out. */
static void drain_done(conn_t *c)
{
    while (c->q_head && c->q_head->done) {
        nb_buf_append(&c->out, c->q_head->resp, c->q_head->resp_len);
        slot_pop(c);
    }
    if (!c->n_q && c->continue_owed && nb_hp_state(&c->hp) == NB_HP_BODY)
        nb_buf_append(&c->out, "HTTP/1.1 100 Continue\r\n\r\n", 25);
    if (!c->n_q) c->continue_owed = 0;
}

static void enqueue(conn_t *c, slot_t *s)
{
    s->conn = c;
    s->next = NULL;
    if (c->q_tail) c->q_tail->next = s; else c->q_head = s;
    c->q_tail = s;
    c->n_q++;
}

void nb_http_send(nb_req_t *req, int status, const nb_kv_t *headers, size_t n_headers,
                  const void *body, size_t len)
{
    slot_t *s = (slot_t *)req;
    conn_t *c = s->conn;
    if (!c || c->closing) { nb_arena_free(req->arena); return; }
    if (s->done) { nb_log_error("http", "request %s answered twice", req->id); return; }
    int no_body = s->is_head || status < 200 || status == 204 || status == 304;
    int close = !s->keep_alive || (c->close_after && s == c->q_tail);
    if (s->is_upgrade) c->upgrade_wait = 0;   /* refused: what follows is HTTP again */
    if (close) c->close_after = 1;
    size_t blen = no_body ? 0 : len;
    if (s != c->q_head) {
        /* Not its turn: render into its own arena until the ones before go. */
        nb_buf_t *tmp = &c->srv->scratch;
        tmp->len = 0;
        render_head(tmp, s, status, headers, n_headers, len, close);
        s->resp = nb_arena_alloc(req->arena, tmp->len + blen + 1);
        memcpy(s->resp, tmp->data, tmp->len);
        if (blen) memcpy(s->resp + tmp->len, body, blen);
        s->resp_len = tmp->len + blen;
        s->done = 1;
        return;
    }
    c->activity = uv_now(c->srv->loop);   /* idle time counts from the last reply */
    render_head(&c->out, s, status, headers, n_headers, len, close);
    /* body may live in req->arena: it is written or copied before the pop. */
    if (c->in_input || c->writing || (s->next && s->next->done)) {
        if (blen) nb_buf_append(&c->out, body, blen);
    } else {
        conn_write_with(c, body, blen);
        if (c->closing) { nb_arena_free(req->arena); return; }  /* write failed; s was detached */
    }
    slot_pop(c);
    drain_done(c);
    if (!c->in_input) {
        conn_flush(c);
        conn_pump(c);
    }
}

/* A response of our own (400/408/413/431) that ends the connection; it takes
 * its turn after the requests already queued. */
static void queue_error(conn_t *c, int status)
{
    nb_arena_t *a = arena_get(c->srv);
    slot_t *s = nb_arena_calloc(a, sizeof *s);
    s->req.arena = a;
    nb_buf_t *tmp = &c->srv->scratch;
    tmp->len = 0;
    render_head(tmp, s, status, NULL, 0, 0, 1);
    s->resp = nb_arena_strndup(a, tmp->data, tmp->len);
    s->resp_len = tmp->len;
    s->done = 1;
    c->close_after = 1;
    c->continue_owed = 0;
    enqueue(c, s);
    drain_done(c);
}

/* ---- input ---------------------------------------------------------------- */

/* Turn a complete message into an nb_req_t, queue it and dispatch it. */
static void dispatch_msg(conn_t *c, nb_hmsg_t *m)
{
    nb_http_server_t *srv = c->srv;
    nb_arena_t *a = m->arena;
    slot_t *s = nb_arena_calloc(a, sizeof *s);
    nb_req_t *r = &s->req;
    r->arena = a;
    r->ctx = srv->ctx;
    r->method = m->method;
    r->raw_target = m->target;
    r->headers = m->headers;
    r->n_headers = m->n_headers;
    r->raw_names = m->raw_names;
    r->body = m->body;
    r->body_len = m->body_len;
    r->body_dropped = m->body_dropped;
    memcpy(r->remote_addr, c->remote, sizeof r->remote_addr);
    r->priv = s;
    r->secure = c->tls != NULL;
    s->is_head = strcmp(m->method, "HEAD") == 0;
    s->keep_alive = m->keep_alive && !srv->stopping;
    s->http10 = m->http_minor == 0;
    c->served = 1;
    c->continue_owed = 0;
    if (!m->keep_alive) c->close_after = 1;
    if (nb_hp_req_target(r, m, &srv->scratch) < 0) {
        slot_release(s);      /* conn is not set yet: back to the heap, not the pool */
        io_read_stop(c);
        queue_error(c, 400);
        return;
    }
    nb_uuid4(r->id);
    r->start_us = nb_now_us();
    enqueue(c, s);
    if (m->upgrade && strcmp(m->method, "CONNECT") != 0) {
        s->is_upgrade = 1;    /* what follows is not HTTP until refused */
        c->upgrade_wait = 1;
    }
    srv->dispatch(r, srv->data);
}

/* Parse and dispatch from data (borrowed) while the pipeline has room.
 * Returns the bytes consumed. */
static size_t conn_input(conn_t *c, const char *data, size_t len)
{
    const nb_http_limits_t *l = &c->srv->lim;
    unsigned maxq = l->max_pipeline ? l->max_pipeline : 1;
    uint64_t now = uv_now(c->srv->loop);
    size_t off = 0;
    c->in_input++;
    c->activity = now;
    while (off < len && !c->closing && !c->close_after && !c->upgrade_wait && !c->upgraded && c->n_q < maxq) {
        size_t used;
        int r = nb_hp_feed(&c->hp, data + off, len - off, &used);
        off += used;
        if (r == NB_HP_MESSAGE) {
            c->head_start = 0;
            dispatch_msg(c, nb_hp_take(&c->hp));
            continue;
        }
        if (r == NB_HP_ERROR) {
            nb_log_debug("http", "%s: bad request (%d)", c->remote, nb_hp_error_status(&c->hp));
            io_read_stop(c);
            queue_error(c, nb_hp_error_status(&c->hp));
            off = len;
        }
        break;
    }
    int st = nb_hp_state(&c->hp);
    if (st == NB_HP_HEAD && !c->head_start) c->head_start = now;
    if (st == NB_HP_BODY) c->body_progress = now;
    if (!c->closing && !c->close_after && nb_hp_take_continue(&c->hp)) {
        if (!c->n_q) nb_buf_append(&c->out, "HTTP/1.1 100 Continue\r\n\r\n", 25);
        else c->continue_owed = 1;
    }
    c->in_input--;
    return off;
}

/* Parse input held back by the pipelining limit, then refresh read/timer state. */
static void conn_pump(conn_t *c)
{
    if (c->closing) return;
    if (c->upgraded && c->pending.len > c->pending_off && !c->close_after) {
        size_t off = c->pending_off;
        c->pending_off = c->pending.len;
        c->up_data(c, c->up_arg, c->pending.data + off, c->pending.len - off);
        if (c->closing) return;
    }
    if (c->pending.len > c->pending_off && !c->close_after) {
        size_t n = conn_input(c, c->pending.data + c->pending_off, c->pending.len - c->pending_off);
        c->pending_off += n;
        conn_flush_input(c);
    }
    if (c->closing) return;
    if (c->pending_off >= c->pending.len || c->close_after) {
        c->pending_off = 0;
        c->pending.len = 0;
        if (c->pending.cap > OUT_KEEP) nb_buf_free(&c->pending);
    }
    conn_update(c);
}

static int can_read(const conn_t *c)
{
    unsigned maxq = c->srv->lim.max_pipeline ? c->srv->lim.max_pipeline : 1;
    if (c->shut) return 1;  /* discarding until EOF */
    return !c->close_after && !c->peer_eof && c->pending.len == 0 && c->n_q < maxq &&
           !(c->writing && c->out.len > OUT_HIGH_WATER);
}

static void conn_update(conn_t *c)
{
    if (c->closing) return;
    conn_maybe_finish(c);
    if (c->closing) return;
    if (can_read(c)) io_read_start(c); else io_read_stop(c);
    timer_update(c);
    if (c->upgraded && c->pending.len > c->pending_off && !c->close_after) {
        /* input held from before the switch: to on_data from the loop, once
         * the owner has its handle (on_timer → conn_pump) */
        uv_timer_start(&c->timer, on_timer, 0, 0);
        c->timer_due = uv_now(c->srv->loop);
    }
}

/* Plaintext bytes arrived (borrowed; copied to pending if not parsed now). */
static void conn_received(conn_t *c, const char *data, size_t len)
{
    if (c->shut) return;   /* after our FIN: discard */
    if (c->upgraded) {
        if (c->pending.len) nb_buf_append(&c->pending, data, len);
        else c->up_data(c, c->up_arg, data, len);
        conn_update(c);
        return;
    }
    size_t n = conn_input(c, data, len);
    if (c->closing) return;
    if (n < len && !c->close_after) nb_buf_append(&c->pending, data + n, len - n);
    conn_flush_input(c);
    conn_update(c);
}

/* The peer finished sending: answer what is complete, then close. */
static void conn_eof(conn_t *c)
{
    if (c->shut || c->upgraded) { conn_close(c); return; }
    c->peer_eof = 1;
    io_read_stop(c);
    if (nb_hp_state(&c->hp) != NB_HP_IDLE) { conn_close(c); return; }
    c->close_after = 1;
    conn_update(c);
}

/* Transport read callback: plaintext goes to conn_received(); on TLS the
 * bytes are decrypted first (tls_received). */
static void on_read(uv_stream_t *st, ssize_t nread, const uv_buf_t *buf)
{
    conn_t *c = st->data;
    if (c->closing) return;
    if (nread > 0 && c->tls) tls_received(c, buf->base, (size_t)nread);
    else if (nread > 0) conn_received(c, buf->base, (size_t)nread);
    else if (nread == UV_EOF) conn_eof(c);
    else if (nread < 0) conn_close(c);
}

/* ---- accepting ------------------------------------------------------------ */

static void on_reject_closed(uv_handle_t *h) { free(h); }

static void on_connection(uv_stream_t *ls, int status)
{
    nb_http_server_t *srv = ls->data;
    if (status < 0) {
        nb_log_warn("http", "accept: %s", uv_strerror(status));
        return;
    }
    if (srv->stopping) return;
    if (srv->n_conns >= srv->lim.max_connections) {
        uv_tcp_t *t = nb_xmalloc(sizeof *t);
        uv_tcp_init(srv->loop, t);
        uv_accept(ls, (uv_stream_t *)t);
        uv_close((uv_handle_t *)t, on_reject_closed);
        return;
    }
    conn_t *c = nb_xcalloc(1, sizeof *c);
    c->srv = srv;
    uv_tcp_init(srv->loop, &c->tcp);
    uv_timer_init(srv->loop, &c->timer);
    c->tcp.data = c->timer.data = c;
    c->handles = 2;
    c->next = srv->conns;
    if (c->next) c->next->prev = c;
    srv->conns = c;
    srv->n_conns++;
    nb_hp_init(&c->hp, srv->lim.max_header_bytes, srv->lim.max_body_bytes);
    nb_hp_set_body_limit(&c->hp, srv->lim.body_limit);
    nb_hp_set_arena_source(&c->hp, arena_get, srv);
    if (srv->tls) c->tls = nb_tls_conn_new(srv->tls);
    if (uv_accept(ls, (uv_stream_t *)&c->tcp) != 0) { conn_close(c); return; }
    uv_tcp_nodelay(&c->tcp, 1);
    struct sockaddr_storage sa;
    int salen = sizeof sa;
    if (uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&sa, &salen) == 0) {
        if (sa.ss_family == AF_INET6) uv_ip6_name((struct sockaddr_in6 *)&sa, c->remote, sizeof c->remote);
        else uv_ip4_name((struct sockaddr_in *)&sa, c->remote, sizeof c->remote);
    } else {
        sa.ss_family = AF_UNSPEC;
    }
    if (srv->lim.admit) {
        struct sockaddr_storage local;
        int llen = sizeof local;
        if (sa.ss_family == AF_UNSPEC || uv_tcp_getsockname(&c->tcp, (struct sockaddr *)&local, &llen) != 0 ||
            srv->lim.admit(srv->data, (const struct sockaddr *)&sa, (const struct sockaddr *)&local) != 0) {
            conn_close(c);
            return;
        }
    }
    c->activity = uv_now(srv->loop);
    conn_update(c);
}

static void on_listener_closed(uv_handle_t *h)
{
    nb_http_server_t *srv = h->data;
    srv->listener_closed = 1;
    server_maybe_done(srv);
}

static void on_failed_listener_closed(uv_handle_t *h) { free(h->data); }

int nb_http_server_start(nb_http_server_t **out, nb_ctx_t *ctx, const char *host, int port,
                         const nb_http_limits_t *limits, nb_http_dispatch_fn dispatch,
                         void *data, int *bound_port)
{
    struct sockaddr_storage sa;
    if (!host || strcmp(host, "localhost") == 0) host = "127.0.0.1";
    if (uv_ip4_addr(host, port, (struct sockaddr_in *)&sa) != 0 &&
        uv_ip6_addr(host, port, (struct sockaddr_in6 *)&sa) != 0)
        return -EINVAL;
    signal(SIGPIPE, SIG_IGN);   /* a peer gone mid-write is an error code, not a death */
    nb_http_server_t *srv = nb_xcalloc(1, sizeof *srv);
    srv->loop = ctx->loop;
    srv->ctx = ctx;
    if (limits) srv->lim = *limits; else nb_http_limits_default(&srv->lim);
    if (!srv->lim.max_connections) srv->lim.max_connections = 1;
    srv->dispatch = dispatch;
    srv->data = data;
    uv_tcp_init(srv->loop, &srv->listener);
    srv->listener.data = srv;
    int r = uv_tcp_bind(&srv->listener, (struct sockaddr *)&sa, 0);
    if (r == 0) r = uv_listen((uv_stream_t *)&srv->listener, 511, on_connection);
    if (r == 0 && bound_port) {
        struct sockaddr_storage me;
        int len = sizeof me;
        r = uv_tcp_getsockname(&srv->listener, (struct sockaddr *)&me, &len);
        if (r == 0)
            *bound_port = ntohs(me.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&me)->sin6_port
                                                         : ((struct sockaddr_in *)&me)->sin_port);
    }
    if (r != 0) {
        nb_log_error("http", "listen %s:%d: %s", host, port, uv_strerror(r));
        uv_close((uv_handle_t *)&srv->listener, on_failed_listener_closed);
        return r;
    }
    *out = srv;
    return 0;
}

void nb_http_server_stop(nb_http_server_t *srv, void (*done)(void *arg), void *arg)
{
    if (srv->stopping) return;
    srv->stopping = 1;
    srv->done = done;
    srv->done_arg = arg;
    uv_close((uv_handle_t *)&srv->listener, on_listener_closed);
    conn_t *c = srv->conns;
    while (c) {
        conn_t *n = c->next;
        if (!c->closing && c->upgraded && c->up_stop) {
            nb_conn_stop_fn stop = c->up_stop;
            c->up_stop = NULL;
            stop(c, c->up_arg);            /* the owner's goodbye, then nb_conn_close */
            if (!c->closing && !c->close_after) conn_close(c);   /* it did not end it */
        } else if (!c->closing) {
            /* Already past its last response: no need to linger. */
            if (c->shut) { conn_close(c); c = n; continue; }
            /* A half-received request with nothing in flight has no one to answer. */
            if (!c->n_q && nb_hp_state(&c->hp) != NB_HP_IDLE) conn_close(c);
            else {
                c->close_after = 1;
                conn_update(c);
            }
        }
        c = n;
    }
}

unsigned nb_http_server_connections(const nb_http_server_t *srv) { return srv->n_conns; }

/* ---- upgraded connections ------------------------------------------------- */

int nb_http_is_upgrade(const nb_req_t *req)
{
    return ((const slot_t *)req)->is_upgrade;
}

/* Whether the peer's FIN (or a reset) already waits in the socket, unread:
 * the loop learns of it only at its next poll, and a deferred decision can
 * run before that poll (libuv runs due timers first; a handler's callback
 * may itself run long). Input is read while a decision is pending unless
 * bytes are held, so the FIN is normally next in the socket. A peek at the
 * moment of the decision answers for the socket as it is, not as the loop
 * last saw it. */
static int peer_already_gone(conn_t *c)
{
    uv_os_fd_t fd;
    if (uv_fileno((uv_handle_t *)&c->tcp, &fd) != 0) return 1;
    char b;
    ssize_t n = recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

nb_conn_t *nb_http_upgrade(nb_req_t *req, const nb_kv_t *headers, size_t n_headers,
                           nb_conn_data_fn on_data, nb_conn_close_fn on_close, void *arg)
{
    slot_t *s = (slot_t *)req;
    conn_t *c = s->conn;
    if (!c || c->closing) { nb_arena_free(req->arena); return NULL; }
    if (s->is_upgrade && s == c->q_head && !c->peer_eof && peer_already_gone(c)) {
        c->peer_eof = 1;        /* as conn_eof would have, had the loop polled first */
        c->close_after = 1;
        io_read_stop(c);
    }
    if (!s->is_upgrade || s != c->q_head || c->peer_eof || c->srv->stopping) {
        nb_http_send(req, 400, NULL, 0, NULL, 0);
        return NULL;
    }
    nb_buf_t *o = &c->out;
    nb_buf_append(o, "HTTP/1.1 101 Switching Protocols\r\n", 34);
    for (size_t i = 0; i < n_headers; i++) {
        if (!token_name(headers[i].name)) continue;
        size_t at = o->len;
        nb_buf_puts(o, headers[i].name);
        nb_buf_append(o, ": ", 2);
        nb_buf_append(o, headers[i].value, headers[i].value_len);
        for (size_t k = at; k < o->len; k++)
            if (o->data[k] == '\r' || o->data[k] == '\n') o->data[k] = ' ';
        nb_buf_append(o, "\r\n", 2);
    }
    nb_buf_append(o, "Connection: Upgrade\r\n\r\n", 23);
    c->upgrade_wait = 0;
    c->upgraded = 1;
    c->up_data = on_data;
    c->up_close = on_close;
    c->up_arg = arg;
    c->activity = uv_now(c->srv->loop);
    slot_pop(c);
    conn_flush(c);
    if (c->closing) return c;   /* on_close follows from the close callback */
    conn_update(c);
    return c;
}

int nb_conn_write(nb_conn_t *c, const void *data, size_t len)
{
    if (c->closing || c->close_after || c->shut) return -1;
    if (len) conn_write_with(c, data, len);
    return 0;
}

size_t nb_conn_backlog(const nb_conn_t *c)
{
    return c->out.len + c->wbuf.len;
}

void nb_conn_on_server_stop(nb_conn_t *c, nb_conn_stop_fn on_stop)
{
    c->up_stop = on_stop;
}

void nb_conn_close(nb_conn_t *c)
{
    if (c->closing || c->close_after) return;
    c->close_after = 1;
    conn_update(c);
}
