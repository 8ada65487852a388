/* logs.c — function logs into the store, laid out for a CloudWatch Logs API.
 *
 *   logs.groups   GROUP                                  {"logGroupName","creationTime","arn","storedBytes"}
 *   logs.streams  GROUP \0 STREAM                        {"logStreamName","creationTime","firstEventTimestamp",
 *                                                          "lastEventTimestamp","lastIngestionTime","arn","storedBytes"}
 *   logs.events   GROUP \0 STREAM \0 ts_ms(8B BE) seq(4B BE)   the message bytes (no newline)
 *
 * Lines are batched in memory and written by one write transaction per flush
 * (every sweep tick of pool.c, 100 ms, or on the next loop iteration once
 * LOG_BATCH lines wait), so logging costs one group commit per batch rather
 * than one per line, and a flush holds the loop for a bounded time: ~2 ms (at
 * 10,000 invocations a second a 100 ms batch, 3,000 lines, took ~6 ms — the
 * p99 of a single client). Smaller batches cost more commits. Group names are
 * /aws/lambda/NAME; streams YYYY/MM/DD/[VERSION]INSTANCEID. */
#include "lambda/lambda_int.h"
#include "core/alloc.h"
#include "core/log.h"
#include "core/util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* One allocation per line: group, stream and message side by side (mem). */
typedef struct log_ev {
    char *mem;
    const char *group, *stream;
    uint64_t ts;
    const char *msg;
    size_t len;
} log_ev_t;

static log_ev_t *pending;
static size_t n_pending, cap_pending;
static uint32_t seq;
static json_t *known_streams;   /* "group\nstream" → true: stream record written */
static uv_timer_t soon;         /* flush at the next loop iteration: LOG_BATCH reached */
static int soon_ready;

#define LOG_BATCH 1024

static void flush(int streams);

static void on_soon(uv_timer_t *t)
{
    (void)t;
    flush(0);
}

void lambda__log_stream_name(char *out, size_t cap, const char *version)
{
    time_t now = (time_t)(nb_wall_ms() / 1000);
    struct tm tm;
    gmtime_r(&now, &tm);
    snprintf(out, cap, "%04d/%02d/%02d/[%s]", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, version);
}

void lambda__logs_init(void)
{
    known_streams = json_object();
    uv_timer_init(lambda__svc.ctx->loop, &soon);
    soon_ready = 1;
}

void lambda__log_event(const char *fn, const char *stream, uint64_t ts_ms, const char *msg, size_t len)
{
    if (n_pending == cap_pending) {
        cap_pending = cap_pending ? cap_pending * 2 : 256;
        pending = nb_xrealloc(pending, cap_pending * sizeof *pending);
    }
    log_ev_t *e = &pending[n_pending++];
    static const char prefix[] = "/aws/lambda/";
    size_t fl = strlen(fn), sl = strlen(stream), gl = sizeof prefix - 1 + fl;
    char *m = nb_xmalloc(gl + 1 + sl + 1 + len + 1);
    memcpy(m, prefix, sizeof prefix - 1);
    memcpy(m + sizeof prefix - 1, fn, fl + 1);
    memcpy(m + gl + 1, stream, sl + 1);
    memcpy(m + gl + 1 + sl + 1, msg, len);
    m[gl + 1 + sl + 1 + len] = 0;
    e->mem = m;
    e->group = m;
    e->stream = m + gl + 1;
    e->msg = m + gl + 1 + sl + 1;
    e->ts = ts_ms;
    e->len = len;
    if (nb_log_level() >= NB_LOG_DEBUG)
        nb_log_debug("lambda.log", "%s %s %.*s", e->group, stream, (int)len, msg);
    /* not from here: a caller may be inside a transaction of its own */
    if (n_pending >= LOG_BATCH && soon_ready && !uv_is_active((uv_handle_t *)&soon))
        uv_timer_start(&soon, on_soon, 0, 0);
}

static void put_be64(unsigned char *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--) { p[i] = (unsigned char)v; v >>= 8; }
}

static void put_be32(unsigned char *p, uint32_t v)
{
    for (int i = 3; i >= 0; i--) { p[i] = (unsigned char)v; v >>= 8; }
}

static void ensure_records(store_txn_t *t, const log_ev_t *e)
{
    const nb_config_t *cfg = lambda__svc.ctx->cfg;
    nb_buf_t k = NB_BUF_INIT;
    nb_buf_printf(&k, "%s\n%s", e->group, e->stream);
    if (json_object_get(known_streams, k.data)) { nb_buf_free(&k); return; }
    json_object_set_new(known_streams, k.data, json_true());
    nb_buf_free(&k);
    const void *v;
    size_t vl;
    if (store_get(t, "logs.groups", e->group, strlen(e->group), &v, &vl) != STORE_OK) {
        char arn[400];
        snprintf(arn, sizeof arn, "arn:aws:logs:%s:%s:log-group:%s:*", cfg->region, cfg->account, e->group);
        json_t *g = json_pack("{s:s,s:I,s:s,s:i}", "logGroupName", e->group, "creationTime", (json_int_t)e->ts,
                              "arn", arn, "storedBytes", 0);
        lambda__put_json(t, "logs.groups", e->group, strlen(e->group), g);
        json_decref(g);
    }
}

/* Streams with events written since their record was last updated (group and
 * stream owned). A flush for LOG_BATCH writes only the events; the stream
 * records follow at the next sweep flush: once per stream per 100 ms, not per
 * batch. */
typedef struct stream_upd { char *group, *stream; uint64_t first, last; } stream_upd_t;
static stream_upd_t *upd;
static size_t n_upd, cap_upd;

static void update_stream(store_txn_t *t, const char *group, const char *stream, uint64_t first, uint64_t last)
{
    const nb_config_t *cfg = lambda__svc.ctx->cfg;
    nb_buf_t k = NB_BUF_INIT;
    lambda__pair_key(&k, group, stream);
    json_t *s = lambda__get_json(t, "logs.streams", k.data, k.len);
    if (!s) {
        char arn[600];
        snprintf(arn, sizeof arn, "arn:aws:logs:%s:%s:log-group:%s:log-stream:%s", cfg->region, cfg->account,
                 group, stream);
        s = json_pack("{s:s,s:I,s:I,s:s,s:i}", "logStreamName", stream, "creationTime", (json_int_t)first,
                      "firstEventTimestamp", (json_int_t)first, "arn", arn, "storedBytes", 0);
    }
    json_object_set_new(s, "lastEventTimestamp", json_integer((json_int_t)last));
    json_object_set_new(s, "lastIngestionTime", json_integer((json_int_t)nb_wall_ms()));
    lambda__put_json(t, "logs.streams", k.data, k.len, s);
    json_decref(s);
    nb_buf_free(&k);
}

static void on_logs_durable(void *arg, int status)
{
    (void)arg;
    if (status != STORE_OK) nb_log_error("lambda", "function logs could not be stored");
}

/* Write the pending lines; with streams, also the records of the streams
 * written since the last such flush. */
static void flush(int streams)
{
    if ((!n_pending && !(streams && n_upd)) || !lambda__svc.ctx || !lambda__svc.ctx->store) return;
    store_txn_t *t = NULL;
    if (store_begin(lambda__svc.ctx->store, STORE_WRITE, &t) != STORE_OK) return;
    nb_buf_t key = NB_BUF_INIT;
    /* instances interleave their lines, so runs of one stream are short */
    size_t hit = 0;
    for (size_t i = 0; i < n_pending; i++) {
        log_ev_t *e = &pending[i];
        nb_buf_clear(&key);
        lambda__pair_key(&key, e->group, e->stream);
        nb_buf_putc(&key, 0);
        unsigned char tail[12];
        put_be64(tail, e->ts);
        put_be32(tail + 8, seq++);
        nb_buf_append(&key, tail, sizeof tail);
        store_put(t, "logs.events", key.data, key.len, e->msg, e->len);
        if (!(hit < n_upd && !strcmp(upd[hit].stream, e->stream) && !strcmp(upd[hit].group, e->group))) {
            for (hit = 0; hit < n_upd; hit++)
                if (!strcmp(upd[hit].stream, e->stream) && !strcmp(upd[hit].group, e->group)) break;
            if (hit == n_upd) {
                ensure_records(t, e);   /* once per stream between stream updates */
                if (n_upd == cap_upd) {
                    cap_upd = cap_upd ? cap_upd * 2 : 16;
                    upd = nb_xrealloc(upd, cap_upd * sizeof *upd);
                }
                upd[n_upd++] = (stream_upd_t){nb_xstrdup(e->group), nb_xstrdup(e->stream), e->ts, e->ts};
            }
        }
        if (e->ts < upd[hit].first) upd[hit].first = e->ts;
        if (e->ts > upd[hit].last) upd[hit].last = e->ts;
    }
    if (streams) {
        for (size_t i = 0; i < n_upd; i++) {
            update_stream(t, upd[i].group, upd[i].stream, upd[i].first, upd[i].last);
            free(upd[i].group);
            free(upd[i].stream);
        }
        n_upd = 0;
    }
    nb_buf_free(&key);
    if (store_commit(t, on_logs_durable, NULL) != STORE_OK)
        nb_log_error("lambda", "function logs could not be stored");
    for (size_t i = 0; i < n_pending; i++) free(pending[i].mem);
    n_pending = 0;
}

void lambda__log_flush(void)
{
    flush(1);
}

void lambda__logs_stop(void)
{
    lambda__log_flush();
    if (soon_ready) {
        uv_timer_stop(&soon);
        uv_close((uv_handle_t *)&soon, NULL);
        soon_ready = 0;
    }
    for (size_t i = 0; i < n_pending; i++) free(pending[i].mem);
    free(pending);
    pending = NULL;
    n_pending = cap_pending = 0;
    for (size_t i = 0; i < n_upd; i++) {   /* left only when the store is gone */
        free(upd[i].group);
        free(upd[i].stream);
    }
    free(upd);
    upd = NULL;
    n_upd = cap_upd = 0;
    json_decref(known_streams);
    known_streams = NULL;
}
