/* test_logs.c — the log store (src/logs): batched writes read back through
 * the record decoder and `nimbus logs --group`, group and stream records,
 * records from before batches and from before compression, compressed
 * records (round trip, sizes, malformed ones), the record before --since,
 * the batch bound, malformed records, name rules. */
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <unistd.h>
#include "test.h"
#include "core/ctx.h"
#include "core/util.h"
#include "logs/logs.h"
#include "logs/logs_int.h"
#include "store/store.h"
#include <zstd.h>

static nb_config_t cfg;
static struct nb_ctx ctx;
static store_t *st;

static void start(void)
{
    char *argv[] = {"--data", (char *)test_tmpdir(), NULL};
    ASSERT_EQ(nb_config_load(&cfg, 2, argv), 0);
    ctx.cfg = &cfg;
    ctx.loop = uv_default_loop();
    ASSERT_EQ(store_open(&st, ctx.loop, test_tmpdir(), NULL), STORE_OK);
    ctx.store = st;
    logs_start(&ctx);
}

static void finish(void)
{
    logs_stop();
    store_close(st);
    uv_run(ctx.loop, UV_RUN_DEFAULT);
    nb_config_free(&cfg);
}

static int durable_calls;
static void on_durable(void *arg, int status) { (void)arg; (void)status; durable_calls++; }

/* Flush and wait until durable (an empty write after it: commits are in order). */
static void flush_and_wait(void)
{
    logs_flush();
    store_txn_t *t;
    ASSERT_EQ(store_begin(st, STORE_WRITE, &t), STORE_OK);
    ASSERT_EQ(store_put(t, "test.k", "k", 1, "v", 1), STORE_OK);
    int before = durable_calls;
    ASSERT_EQ(store_commit(t, on_durable, NULL), STORE_OK);
    while (durable_calls == before) uv_run(ctx.loop, UV_RUN_ONCE);
}

/* `nimbus logs ARGS... --data DIR` with its stdout into out (caller frees). */
static int run_cli(nb_buf_t *out, const char *a1, const char *a2, const char *a3, const char *a4)
{
    char path[600];
    snprintf(path, sizeof path, "%s/out.txt", test_tmpdir());
    fflush(stdout);
    int saved = dup(1);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 1);
    close(fd);
    char *argv[8];
    int n = 0;
    argv[n++] = "logs";
    const char *args[] = {a1, a2, a3, a4};
    for (int i = 0; i < 4; i++)
        if (args[i]) argv[n++] = (char *)args[i];
    argv[n++] = "--data";
    argv[n++] = (char *)test_tmpdir();
    argv[n] = NULL;
    int rc = logs_main(n, argv);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    nb_buf_clear(out);
    ASSERT_EQ(nb_read_file(path, out), 0);
    return rc;
}

typedef struct seen { int n; uint64_t ts[64], ingest[64]; char msg[64][160]; } seen_t;

static int on_ev(void *arg, uint64_t ts, uint64_t ingest, const char *msg, size_t len)
{
    seen_t *s = arg;
    if (s->n < 64) {
        s->ts[s->n] = ts;
        s->ingest[s->n] = ingest;
        snprintf(s->msg[s->n], sizeof s->msg[0], "%.*s", (int)len, msg);
    }
    s->n++;
    return 0;
}

static int count_records(void *arg, const void *k, size_t kl, const void *v, size_t vl)
{
    (void)k; (void)kl; (void)v; (void)vl;
    (*(int *)arg)++;
    return 0;
}

static int decode_all(void *arg, const void *k, size_t kl, const void *v, size_t vl)
{
    ASSERT(logs_record_decode(k, kl, v, vl, on_ev, arg) >= 1);
    return 0;
}

static json_t *get_json(const char *ks, const void *k, size_t kl)
{
    store_txn_t *t;
    ASSERT_EQ(store_begin(st, STORE_READ, &t), STORE_OK);
    const void *v;
    size_t vl;
    json_t *r = store_get(t, ks, k, kl, &v, &vl) == STORE_OK ? json_loadb(v, vl, 0, NULL) : NULL;
    store_abort(t);
    return r;
}

TEST(batched_events_one_record_per_stream_per_flush)
{
    start();
    uint64_t now = nb_wall_ms();
    logs_put("/g/one", "s-a", now - 10, "START RequestId: r1", 19);
    logs_put("/g/one", "s-b", now - 9, "other stream", 12);
    logs_put("/g/one", "s-a", now - 9, "line two", 8);
    logs_put("/g/one", "s-a", now - 12, "clock stepped back", 18);
    logs_put("/g/one", "s-a", now - 8, "", 0);
    flush_and_wait();
    store_txn_t *t;
    ASSERT_EQ(store_begin(st, STORE_READ, &t), STORE_OK);
    int records = 0;
    ASSERT_EQ(store_scan(t, LOGS_KS_EVENTS, NULL, 0, NULL, 0, 0, count_records, &records), 0);
    ASSERT_EQ(records, 2);   /* one per stream */
    nb_buf_t lo = NB_BUF_INIT, hi = NB_BUF_INIT;
    logs_stream_key(&lo, "/g/one", "s-a");
    nb_buf_append(&hi, lo.data, lo.len);
    hi.data[hi.len - 1] = 1;
    seen_t s = {0};
    store_scan(t, LOGS_KS_EVENTS, lo.data, lo.len, hi.data, hi.len, 0, decode_all, &s);
    store_abort(t);
    ASSERT_EQ(s.n, 4);
    ASSERT_STREQ(s.msg[0], "START RequestId: r1");
    ASSERT_STREQ(s.msg[1], "line two");
    ASSERT_STREQ(s.msg[2], "clock stepped back");
    ASSERT_STREQ(s.msg[3], "");
    ASSERT_EQ(s.ts[0], now - 10);
    ASSERT_EQ(s.ts[2], now - 12);
    ASSERT_EQ(s.ts[3], now - 8);
    ASSERT(s.ingest[0] >= now && s.ingest[0] == s.ingest[3]);
    /* the records DescribeLogStreams / DescribeLogGroups will serve */
    json_t *g = get_json(LOGS_KS_GROUPS, "/g/one", 6);
    ASSERT(g != NULL);
    ASSERT_EQ(json_integer_value(json_object_get(g, "storedBytes")), 19 + 12 + 8 + 18);
    ASSERT_STREQ(json_string_value(json_object_get(g, "arn")), "arn:aws:logs:us-east-1:000000000000:log-group:/g/one:*");
    json_decref(g);
    nb_buf_t k = NB_BUF_INIT;
    nb_buf_puts(&k, "/g/one");
    nb_buf_putc(&k, 0);
    nb_buf_puts(&k, "s-a");
    json_t *r = get_json(LOGS_KS_STREAMS, k.data, k.len);
    ASSERT(r != NULL);
    ASSERT_EQ(json_integer_value(json_object_get(r, "firstEventTimestamp")), now - 12);
    ASSERT_EQ(json_integer_value(json_object_get(r, "lastEventTimestamp")), now - 8);
    ASSERT(json_integer_value(json_object_get(r, "lastIngestionTime")) >= (long long)now);
    ASSERT_STREQ(json_string_value(json_object_get(r, "logStreamName")), "s-a");
    json_decref(r);
    /* a later flush keeps the first event and adds to storedBytes */
    logs_put("/g/one", "s-a", now - 1, "later", 5);
    flush_and_wait();
    r = get_json(LOGS_KS_STREAMS, k.data, k.len);
    ASSERT_EQ(json_integer_value(json_object_get(r, "firstEventTimestamp")), now - 12);
    ASSERT_EQ(json_integer_value(json_object_get(r, "lastEventTimestamp")), now - 1);
    json_decref(r);
    g = get_json(LOGS_KS_GROUPS, "/g/one", 6);
    ASSERT_EQ(json_integer_value(json_object_get(g, "storedBytes")), 19 + 12 + 8 + 18 + 5);
    json_decref(g);
    nb_buf_free(&k);
    nb_buf_free(&lo);
    nb_buf_free(&hi);
    finish();
}

TEST(cli_reads_any_group_in_time_order)
{
    start();
    uint64_t now = nb_wall_ms();
    logs_put("api-access", "abc_.default-2026-11-28-13-05", now - 5, "{\"status\":\"200\"}", 16);
    logs_put("api-access", "0123abcd", now - 3, "third", 5);
    logs_put("api-access", "abc_.default-2026-11-28-13-05", now - 4, "second", 6);
    logs_put("other", "x", now - 4, "not this group", 14);
    /* one stream's events of one millisecond keep the order they were written
     * in (END before REPORT), among other streams' */
    for (int i = 0; i < 20; i++) {
        char m[32];
        snprintf(m, sizeof m, "same ms %02d", i);
        logs_put("api-access", "s1", now - 2, m, strlen(m));
        logs_put("api-access", i % 2 ? "s0" : "s2", now - 2, "another stream", 14);
    }
    flush_and_wait();
    nb_buf_t out = NB_BUF_INIT;
    ASSERT_EQ(run_cli(&out, "--group", "api-access", "--since", "1h"), 0);
    const char *a = strstr(out.data, " abc_.default-2026-11-28-13-05 {\"status\":\"200\"}\n");
    const char *b = strstr(out.data, "second");
    const char *c = strstr(out.data, " 0123abcd third\n");
    ASSERT(a && b && c);
    ASSERT(a < b && b < c);
    ASSERT(!strstr(out.data, "not this group"));
    const char *prev = c;
    for (int i = 0; i < 20; i++) {
        char m[32];
        snprintf(m, sizeof m, "same ms %02d\n", i);
        const char *p = strstr(out.data, m);
        ASSERT(p && p > prev);
        prev = p;
    }
    ASSERT_EQ(run_cli(&out, "--group", "no-such-group", NULL, NULL), 0);
    ASSERT_EQ(out.len, 0);
    nb_buf_free(&out);
    finish();
}

TEST(cli_since_reads_inside_the_record_before_it)
{
    start();
    uint64_t now = nb_wall_ms();
    /* one record keyed two hours back, holding a recent event too */
    logs_put("g", "s", now - 2 * 3600 * 1000, "too old", 7);
    logs_put("g", "s", now - 1000, "recent", 6);
    flush_and_wait();
    logs_put("g", "s", now - 500, "next record", 11);
    flush_and_wait();
    nb_buf_t out = NB_BUF_INIT;
    ASSERT_EQ(run_cli(&out, "--group", "g", "--since", "1h"), 0);
    ASSERT(!strstr(out.data, "too old"));
    const char *r = strstr(out.data, " s recent\n"), *n = strstr(out.data, " s next record\n");
    ASSERT(r && n && r < n);
    ASSERT_EQ(run_cli(&out, "--group", "g", "--since", "3h"), 0);
    ASSERT_CONTAINS(out.data, " s too old\n");
    nb_buf_free(&out);
    finish();
}

TEST(records_from_before_batches_still_read)
{
    start();
    uint64_t now = nb_wall_ms();
    /* the earlier layout: one event per record, a 12-byte key tail */
    store_txn_t *t;
    ASSERT_EQ(store_begin(st, STORE_WRITE, &t), STORE_OK);
    nb_buf_t k = NB_BUF_INIT;
    logs_stream_key(&k, "/aws/lambda/old", "2026/11/28/[$LATEST]aa");
    unsigned char tail[12] = {0};
    for (int i = 7; i >= 0; i--) tail[i] = (unsigned char)((now - 50) >> (8 * (7 - i)));
    nb_buf_append(&k, tail, sizeof tail);
    ASSERT_EQ(store_put(t, LOGS_KS_EVENTS, k.data, k.len, "an old line", 11), STORE_OK);
    ASSERT_EQ(store_commit(t, NULL, NULL), STORE_OK);
    logs_put("/aws/lambda/old", "2026/11/28/[$LATEST]aa", now - 10, "a new line", 10);
    flush_and_wait();
    nb_buf_t out = NB_BUF_INIT;
    ASSERT_EQ(run_cli(&out, "old", "--since", "5m", NULL), 0);
    const char *o = strstr(out.data, "[$LATEST]aa an old line\n"), *n = strstr(out.data, "[$LATEST]aa a new line\n");
    ASSERT(o && n && o < n);
    seen_t s = {0};
    ASSERT_EQ(logs_record_decode(k.data, k.len, "an old line", 11, on_ev, &s), 1);
    ASSERT_EQ(s.ts[0], now - 50);
    ASSERT_EQ(s.ingest[0], 0);
    nb_buf_free(&k);
    nb_buf_free(&out);
    finish();
}

TEST(large_batches_split_into_bounded_records_and_flush_early)
{
    start();
    uint64_t now = nb_wall_ms();
    char line[200];
    memset(line, 'x', sizeof line);
    int n = LOGS_BATCH;
    for (int i = 0; i < n; i++) {
        snprintf(line, 16, "%08d", i);
        line[8] = ' ';
        logs_put("big", "s", now - 100 + (uint64_t)(i / 100), line, sizeof line);
    }
    /* LOGS_BATCH events start a flush at the next loop iteration, without the tick */
    while (!durable_calls) {
        store_txn_t *t;
        ASSERT_EQ(store_begin(st, STORE_READ, &t), STORE_OK);
        int records = 0;
        store_scan(t, LOGS_KS_EVENTS, NULL, 0, NULL, 0, 0, count_records, &records);
        store_abort(t);
        if (records) {
            ASSERT_GE(records, (int)(n * sizeof line / LOGS_RECORD_MAX));
            break;
        }
        uv_run(ctx.loop, UV_RUN_ONCE);
    }
    flush_and_wait();
    nb_buf_t out = NB_BUF_INIT;
    ASSERT_EQ(run_cli(&out, "--group", "big", NULL, NULL), 0);
    const char *p = out.data;
    for (int i = 0; i < n; i++) {
        char want[16];
        snprintf(want, sizeof want, " s %08d ", i);
        const char *q = strstr(p, want);
        ASSERT(q != NULL);
        p = q + 1;
    }
    nb_buf_free(&out);
    finish();
}

TEST(malformed_records_are_refused_without_overreads)
{
    seen_t s = {0};
    nb_buf_t k = NB_BUF_INIT;
    logs_stream_key(&k, "g", "s");
    logs__batch_key_tail(&k, 1000, 7, LOGS__BATCH_TAG);
    uint64_t ts;
    uint32_t sq;
    ASSERT_EQ(logs_record_key_ts(k.data, k.len, &ts, &sq), 0);
    ASSERT_EQ(ts, 1000);
    ASSERT_EQ(sq, 7);
    /* ingestion +5, event +2 "hi" */
    const unsigned char ok[] = {10, 4, 2, 'h', 'i'};
    ASSERT_EQ(logs_record_decode(k.data, k.len, ok, sizeof ok, on_ev, &s), 1);
    ASSERT_EQ(s.ts[0], 1002);
    ASSERT_EQ(s.ingest[0], 1005);
    ASSERT_STREQ(s.msg[0], "hi");
    /* a heap copy of each malformed value, so ASan sees any read past it */
    const unsigned char *bad[] = {(const unsigned char *)"", (const unsigned char *)"\x80",
                                  (const unsigned char *)"\x00\x00\x05hi", (const unsigned char *)"\x00\x80",
                                  (const unsigned char *)"\x00\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f\x00"};
    const size_t bad_len[] = {0, 1, 5, 2, 12};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        unsigned char *v = malloc(bad_len[i] + 1);
        memcpy(v, bad[i], bad_len[i]);
        ASSERT_EQ(logs_record_decode(k.data, k.len, v, bad_len[i], on_ev, &s), -1);
        free(v);
    }
    /* keys: no stream, empty names, wrong tails */
    ASSERT_EQ(logs_record_decode("g", 1, ok, sizeof ok, on_ev, &s), -1);
    ASSERT_EQ(logs_record_decode("g\0\0xxxxxxxxxxxx", 15, ok, sizeof ok, on_ev, &s), -1);
    ASSERT_EQ(logs_record_decode("\0s\0xxxxxxxxxxxx", 15, ok, sizeof ok, on_ev, &s), -1);
    ASSERT_EQ(logs_record_decode("g\0s\0xxxx", 8, ok, sizeof ok, on_ev, &s), -1);
    ASSERT_EQ(logs_record_decode("g\0s\0xxxxxxxxxxxx\x02", 17, ok, sizeof ok, on_ev, &s), -1);
    ASSERT_EQ(logs_record_key_ts("g\0s", 3, &ts, &sq), -1);
    nb_buf_free(&k);
}

/* The events part of the batch encoding of msgs (deltas against base) into b. */
static void encode_events(nb_buf_t *b, uint64_t base, const uint64_t *ts, const char *const *msgs, int n)
{
    for (int i = 0; i < n; i++) {
        unsigned char h[2 * LOGS__VARINT_MAX];
        size_t hl = logs__varint(h, logs__zigzag((int64_t)(ts[i] - base)));
        hl += logs__varint(h + hl, strlen(msgs[i]));
        nb_buf_append(b, h, hl);
        nb_buf_append(b, msgs[i], strlen(msgs[i]));
    }
}

TEST(compressed_record_round_trip)
{
    const char *msgs[] = {"START RequestId: 8c1f0a2e-1b7d-4e55-9c3a-6f0e2d9b7a41 Version: $LATEST",
                          "END RequestId: 8c1f0a2e-1b7d-4e55-9c3a-6f0e2d9b7a41", "",
                          "REPORT RequestId: 8c1f0a2e-1b7d-4e55-9c3a-6f0e2d9b7a41\tDuration: 0.05 ms"};
    const uint64_t ts[] = {5000, 5003, 4998, 5003};   /* the clock may step back */
    nb_buf_t ev = NB_BUF_INIT, v = NB_BUF_INIT, k = NB_BUF_INIT;
    encode_events(&ev, 5000, ts, msgs, 4);
    ASSERT_EQ(logs__zrecord(&v, 5000, 5042, ev.data, ev.len), 0);
    logs_stream_key(&k, "/aws/lambda/f", "2026/11/29/[$LATEST]ab");
    logs__batch_key_tail(&k, 5000, 3, LOGS__ZBATCH_TAG);
    uint64_t kts;
    uint32_t kseq;
    ASSERT_EQ(logs_record_key_ts(k.data, k.len, &kts, &kseq), 0);
    ASSERT_EQ(kts, 5000);
    ASSERT_EQ(kseq, 3);
    seen_t s = {0};
    ASSERT_EQ(logs_record_decode(k.data, k.len, v.data, v.len, on_ev, &s), 4);
    for (int i = 0; i < 4; i++) {
        ASSERT_STREQ(s.msg[i], msgs[i]);
        ASSERT_EQ(s.ts[i], ts[i]);
        ASSERT_EQ(s.ingest[i], 5042);
    }
    /* an empty batch, and one big repetitive one: much smaller than its events */
    ASSERT_EQ(logs__zrecord(&v, 5000, 5000, "", 0), 0);
    ASSERT_EQ(logs_record_decode(k.data, k.len, v.data, v.len, on_ev, &s), 0);
    nb_buf_clear(&ev);
    uint64_t t1[200];
    const char *m1[200];
    for (int i = 0; i < 200; i++) t1[i] = 5000 + (uint64_t)i / 10, m1[i] = msgs[i % 4];
    encode_events(&ev, 5000, t1, m1, 200);
    ASSERT_EQ(logs__zrecord(&v, 5000, 5100, ev.data, ev.len), 0);
    ASSERT(v.len * 10 < ev.len);
    memset(&s, 0, sizeof s);
    ASSERT_EQ(logs_record_decode(k.data, k.len, v.data, v.len, on_ev, &s), 200);
    ASSERT_STREQ(s.msg[63], msgs[3]);
    ASSERT_EQ(s.ts[63], 5006);
    nb_buf_free(&ev);
    nb_buf_free(&v);
    nb_buf_free(&k);
}

static int tag_and_size(void *arg, const void *k, size_t kl, const void *v, size_t vl)
{
    (void)v;
    size_t *acc = arg;   /* [0] records, [1] compressed ones, [2] value bytes */
    acc[0]++;
    acc[1] += ((const unsigned char *)k)[kl - 1] == LOGS__ZBATCH_TAG;
    acc[2] += vl;
    return 0;
}

TEST(writer_stores_compressed_records_read_by_the_cli)
{
    start();
    uint64_t now = nb_wall_ms();
    char line[160];
    size_t raw = 0;
    int n = 3000;   /* several records: the chunks stop near one overflow page compressed */
    for (int i = 0; i < n; i++) {
        int l = snprintf(line, sizeof line, "REPORT RequestId: %08x-1b7d-4e55-9c3a-%012d\tDuration: %d.%02d ms\tline %05d",
                         (unsigned)(i * 2654435761u), i * 7919, i % 7, i % 100, i);
        logs_put("/aws/lambda/z", "2026/11/29/[$LATEST]zz", now - 1000 + (uint64_t)i / 4, line, (size_t)l);
        raw += (size_t)l;
        if (i % 1000 == 999) flush_and_wait();
    }
    flush_and_wait();
    store_txn_t *t;
    ASSERT_EQ(store_begin(st, STORE_READ, &t), STORE_OK);
    size_t acc[3] = {0};
    store_scan(t, LOGS_KS_EVENTS, NULL, 0, NULL, 0, 0, tag_and_size, acc);
    store_abort(t);
    ASSERT_GE(acc[0], 3);
    ASSERT_EQ(acc[1], acc[0]);   /* only the compressed form is written */
    ASSERT(acc[2] * 2 < raw);
    nb_buf_t out = NB_BUF_INIT;
    ASSERT_EQ(run_cli(&out, "z", "--since", "1h", NULL), 0);
    const char *p = out.data;
    for (int i = 0; i < n; i++) {
        char want[32];
        snprintf(want, sizeof want, "line %05d\n", i);
        const char *q = strstr(p, want);
        ASSERT(q != NULL);
        p = q + 1;
    }
    nb_buf_free(&out);
    finish();
}

TEST(uncompressed_batch_records_still_read)
{
    start();
    uint64_t now = nb_wall_ms();
    /* a store written before compression: key tag 0x01, the batch encoding as it is */
    const char *msgs[] = {"an uncompressed line", "and its neighbour"};
    const uint64_t ts[] = {now - 40, now - 39};
    nb_buf_t k = NB_BUF_INIT, v = NB_BUF_INIT;
    logs_stream_key(&k, "/aws/lambda/old1", "2026/11/28/[$LATEST]bb");
    logs__batch_key_tail(&k, now - 40, 1, LOGS__BATCH_TAG);
    unsigned char h[LOGS__VARINT_MAX];
    nb_buf_append(&v, h, logs__varint(h, logs__zigzag(7)));
    encode_events(&v, now - 40, ts, msgs, 2);
    store_txn_t *t;
    ASSERT_EQ(store_begin(st, STORE_WRITE, &t), STORE_OK);
    ASSERT_EQ(store_put(t, LOGS_KS_EVENTS, k.data, k.len, v.data, v.len), STORE_OK);
    ASSERT_EQ(store_commit(t, NULL, NULL), STORE_OK);
    logs_put("/aws/lambda/old1", "2026/11/28/[$LATEST]bb", now - 10, "a compressed line", 17);
    flush_and_wait();
    nb_buf_t out = NB_BUF_INIT;
    ASSERT_EQ(run_cli(&out, "old1", "--since", "5m", NULL), 0);
    const char *a = strstr(out.data, "[$LATEST]bb an uncompressed line\n"),
               *b = strstr(out.data, "[$LATEST]bb and its neighbour\n"),
               *c = strstr(out.data, "[$LATEST]bb a compressed line\n");
    ASSERT(a && b && c && a < b && b < c);
    seen_t s = {0};
    ASSERT_EQ(logs_record_decode(k.data, k.len, v.data, v.len, on_ev, &s), 2);
    ASSERT_EQ(s.ts[1], now - 39);
    ASSERT_EQ(s.ingest[0], now - 33);
    nb_buf_free(&k);
    nb_buf_free(&v);
    nb_buf_free(&out);
    finish();
}

/* header (ingestion +0, RAW) then frame into out. */
static void zvalue(nb_buf_t *out, uint64_t raw, const void *frame, size_t fl)
{
    unsigned char h[2 * LOGS__VARINT_MAX];
    size_t hl = logs__varint(h, 0);
    hl += logs__varint(h + hl, raw);
    nb_buf_clear(out);
    nb_buf_append(out, h, hl);
    nb_buf_append(out, frame, fl);
}

static long decode_heap_copy(const nb_buf_t *k, const nb_buf_t *v, seen_t *s)
{
    unsigned char *c = malloc(v->len + 1);   /* exactly its size: ASan sees any read past it */
    memcpy(c, v->data, v->len);
    long n = logs_record_decode(k->data, k->len, c, v->len, on_ev, s);
    free(c);
    return n;
}

TEST(malformed_compressed_records_are_refused)
{
    nb_buf_t k = NB_BUF_INIT, v = NB_BUF_INIT, ev = NB_BUF_INIT;
    logs_stream_key(&k, "g", "s");
    logs__batch_key_tail(&k, 1000, 1, LOGS__ZBATCH_TAG);
    const char *msgs[] = {"hello", "world"};
    const uint64_t ts[] = {1000, 1001};
    encode_events(&ev, 1000, ts, msgs, 2);
    size_t cap = ZSTD_compressBound(2 << 20);
    char *frame = malloc(cap);
    size_t fl = ZSTD_compress(frame, cap, ev.data, ev.len, 1);
    ASSERT(!ZSTD_isError(fl));
    seen_t s = {0};
    zvalue(&v, ev.len, frame, fl);
    ASSERT_EQ(decode_heap_copy(&k, &v, &s), 2);   /* the well-formed one */
    /* truncated frame; RAW not the frame's size (both ways); trailing bytes */
    zvalue(&v, ev.len, frame, fl - 1);
    ASSERT_EQ(decode_heap_copy(&k, &v, &s), -1);
    zvalue(&v, ev.len + 1, frame, fl);
    ASSERT_EQ(decode_heap_copy(&k, &v, &s), -1);
    zvalue(&v, ev.len - 1, frame, fl);
    ASSERT_EQ(decode_heap_copy(&k, &v, &s), -1);
    zvalue(&v, ev.len, frame, fl);
    nb_buf_putc(&v, 0);
    ASSERT_EQ(decode_heap_copy(&k, &v, &s), -1);
    /* no header at all, a header without RAW, RAW alone */
    nb_buf_clear(&v);
    ASSERT_EQ(decode_heap_copy(&k, &v, &s), -1);
    nb_buf_putc(&v, 0);
    ASSERT_EQ(decode_heap_copy(&k, &v, &s), -1);
    zvalue(&v, 0, "", 0);
    ASSERT_EQ(decode_heap_copy(&k, &v, &s), -1);
    /* a frame that does not declare its size is not trusted */
    ZSTD_CCtx *cc = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(cc, ZSTD_c_contentSizeFlag, 0);
    ZSTD_outBuffer o = {frame, cap, 0};
    ZSTD_inBuffer in = {ev.data, ev.len, 0};
    ASSERT_EQ(ZSTD_compressStream2(cc, &o, &in, ZSTD_e_end), 0);
    zvalue(&v, ev.len, frame, o.pos);
    ASSERT_EQ(decode_heap_copy(&k, &v, &s), -1);
    ZSTD_freeCCtx(cc);
    /* over the limit: 2 MB of zeros compress to a few bytes, declared truly */
    char *zeros = calloc(1, 2 << 20);
    fl = ZSTD_compress(frame, cap, zeros, 2 << 20, 1);
    zvalue(&v, 2 << 20, frame, fl);
    ASSERT(v.len < 1000);
    ASSERT_EQ(decode_heap_copy(&k, &v, &s), -1);
    /* a sound frame around a malformed batch: an event longer than what is left */
    const unsigned char badev[] = {0, 9, 'h', 'i'};
    fl = ZSTD_compress(frame, cap, badev, sizeof badev, 1);
    zvalue(&v, sizeof badev, frame, fl);
    s.n = 0;
    ASSERT_EQ(decode_heap_copy(&k, &v, &s), -1);
    ASSERT_EQ(s.n, 0);
    free(zeros);
    free(frame);
    nb_buf_free(&k);
    nb_buf_free(&v);
    nb_buf_free(&ev);
}

TEST(cli_usage_errors)
{
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 2);
    close(devnull);
    char *argv1[] = {"logs", NULL};
    ASSERT_EQ(logs_main(1, argv1), 2);
    char *argv2[] = {"logs", "fn", "--since", "ten", NULL};
    ASSERT_EQ(logs_main(4, argv2), 2);
    char *argv3[] = {"fn", "--since", "ten", NULL};   /* without the sub-command name */
    ASSERT_EQ(logs_main(3, argv3), 2);
    char *argv4[] = {"--since", "10m", NULL};         /* no function, no group */
    ASSERT_EQ(logs_main(2, argv4), 2);
    char *argv5[] = {"logs", "fn", "--group", "g", NULL};   /* both */
    ASSERT_EQ(logs_main(4, argv5), 2);
    char *argv6[] = {"logs", "--group", "bad group!", NULL};
    ASSERT_EQ(logs_main(3, argv6), 2);
    char *argv7[] = {"logs", "bad name!", NULL};
    ASSERT_EQ(logs_main(2, argv7), 2);
}

TEST(name_rules)
{
    ASSERT(logs_valid_group("/aws/lambda/f-1_x"));
    ASSERT(logs_valid_group("API-Gateway-Access-Logs_abc/prod#1.x"));
    ASSERT(!logs_valid_group(""));
    ASSERT(!logs_valid_group("a b"));
    ASSERT(!logs_valid_group("a:b"));
    char big[600];
    memset(big, 'a', 513);
    big[513] = 0;
    ASSERT(!logs_valid_group(big));
    big[512] = 0;
    ASSERT(logs_valid_group(big));
    ASSERT(logs_valid_stream("2026/11/28/[$LATEST]abc"));
    ASSERT(!logs_valid_stream("a:b"));
    ASSERT(!logs_valid_stream("a*"));
    ASSERT(!logs_valid_stream(""));
}
