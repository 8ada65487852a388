/* store_bench.c — durable commits per second through store.h, with 1 and 64
 * concurrent writers (group commit makes the second much faster).
 *
 * Not in the Makefile. Build and run from the repository root after `make`:
 *   cc -std=c11 -D_GNU_SOURCE -O2 -Isrc bench/store_bench.c build/obj/store/store*.o \
 *      build/obj/core/alloc.o build/obj/core/log.o build/obj/core/util.o build/obj/core/buf.o \
 *      build/obj/core/arena.o -luv -llmdb -lcrypto -lpthread -o build/store_bench
 *   build/store_bench [DIR] [SECONDS]
 *
 * A writer is a chain: commit one transaction (one 100-byte put), and from
 * its durability callback commit the next. W writers keep W commits in
 * flight. Reports commits/s, syncs (fdatasync) per commit, the mean
 * latency from commit to durable callback, and the process's CPU time
 * (user + system, all threads: the loop and the sync worker) per commit —
 * the figure to compare on a busy machine, where rates swing with the load.
 *
 * STORE_BENCH_CKPT=1: instead, the checkpoint run — 32 writers putting 1 KB
 * values at random keys among 10,000 (as DynamoDB PutItem's benchmark
 * does), the log switched every 8 MB (STORE_BENCH_SWITCH_MB; a large value
 * for a run without checkpoints) so that checkpoints (fdatasync of
 * data.mdb) run throughout, and the ack latency's p50/p99/p999/max: what a
 * checkpoint does to the log syncs beside it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include "core/util.h"
#include "store/store.h"
#include "store/store_backend.h"

struct bench;

struct writer {
    struct bench *b;
    int id;
    long n;
    uint64_t started_us;
};

struct bench {
    store_t *s;
    int stop;
    long commits;
    uint64_t latency_us;
    int ckpt;                  /* STORE_BENCH_CKPT: 1 KB values, 10k random keys */
    uint32_t *lat;             /* every ack latency (µs), for the percentiles */
    size_t nlat, caplat;
};

static void next_commit(struct writer *w);

static void on_durable(void *arg, int status)
{
    struct writer *w = arg;
    if (status != STORE_OK) {
        fprintf(stderr, "durability failed: %d\n", status);
        exit(1);
    }
    struct bench *b = w->b;
    uint64_t us = nb_now_us() - w->started_us;
    b->commits++;
    b->latency_us += us;
    if (b->nlat == b->caplat) {
        b->caplat = b->caplat ? b->caplat * 2 : 65536;
        b->lat = realloc(b->lat, b->caplat * sizeof *b->lat);
    }
    b->lat[b->nlat++] = (uint32_t)us;
    if (!w->b->stop) next_commit(w);
}

static void next_commit(struct writer *w)
{
    char key[32], val[1024];
    size_t vlen = w->b->ckpt ? 1024 : 100;
    int n = w->b->ckpt ? snprintf(key, sizeof key, "user-%d", rand() % 10000)
                       : snprintf(key, sizeof key, "w%03d-%09ld", w->id, w->n++);
    memset(val, 'v', vlen);
    store_txn_t *t;
    if (store_begin(w->b->s, STORE_WRITE, &t) != STORE_OK ||
        store_put(t, "bench", key, (size_t)n, val, vlen) != STORE_OK) {
        fprintf(stderr, "write failed\n");
        exit(1);
    }
    w->started_us = nb_now_us();
    if (store_commit(t, on_durable, w) != STORE_OK) {
        fprintf(stderr, "commit failed\n");
        exit(1);
    }
}

static void on_timer(uv_timer_t *h)
{
    struct bench *b = h->data;
    b->stop = 1;
}

static double cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static int cmp_u32(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, c = *(const uint32_t *)y;
    return a < c ? -1 : a > c;
}

static void run(const char *dir, int writers, double seconds, int no_sync, int ckpt)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct bench b = { 0 };
    b.ckpt = ckpt;
    store_options_t o = { .no_sync = no_sync, .log_switch_bytes = 0 };
    if (ckpt) o.log_switch_bytes = (size_t)(getenv("STORE_BENCH_SWITCH_MB") ? atoi(getenv("STORE_BENCH_SWITCH_MB")) : 8) << 20;
    if (store_open(&b.s, &loop, dir, &o) != STORE_OK) {
        fprintf(stderr, "open %s failed\n", dir);
        exit(1);
    }
    struct writer *w = calloc((size_t)writers, sizeof *w);
    uv_timer_t timer;
    uv_timer_init(&loop, &timer);
    timer.data = &b;
    uv_timer_start(&timer, on_timer, (uint64_t)(seconds * 1000), 0);
    uint64_t syncs0 = store_lmdb_sync_count(), t0 = nb_now_us();
    double cpu0 = cpu_seconds();
    for (int i = 0; i < writers; i++) {
        w[i].b = &b;
        w[i].id = i;
        next_commit(&w[i]);
    }
    uv_run(&loop, UV_RUN_DEFAULT);     /* until the timer fired and chains drained */
    double elapsed = (double)(nb_now_us() - t0) / 1e6;
    double cpu = cpu_seconds() - cpu0;
    uint64_t syncs = store_lmdb_sync_count() - syncs0;
    printf("%-8s writers=%-3d  %9.0f durable commits/s  %6.3f syncs/commit  %8.1f us mean ack latency"
           "  %6.1f us CPU/commit\n",
           no_sync ? "no_sync" : "durable", writers, (double)b.commits / elapsed,
           b.commits ? (double)syncs / (double)b.commits : 0.0,
           b.commits ? (double)b.latency_us / (double)b.commits : 0.0,
           b.commits ? cpu * 1e6 / (double)b.commits : 0.0);
    if (ckpt && b.nlat) {
        qsort(b.lat, b.nlat, sizeof *b.lat, cmp_u32);
        printf("checkpoint run: ack latency p50 %u us, p99 %u us, p999 %u us, max %u us\n",
               b.lat[b.nlat / 2], b.lat[b.nlat * 99 / 100], b.lat[b.nlat * 999 / 1000], b.lat[b.nlat - 1]);
    }
    free(b.lat);
    store_close(b.s);
    uv_close((uv_handle_t *)&timer, NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    free(w);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "/tmp/nimbus-store-bench";
    double seconds = argc > 2 ? atof(argv[2]) : 3.0;
    if (getenv("STORE_BENCH_CKPT")) {
        run(dir, 32, seconds, 0, 1);
        return 0;
    }
    int counts[] = { 1, 64 };
    for (int i = 0; i < 2; i++) run(dir, counts[i], seconds, 0, 0);
    for (int i = 0; i < 2; i++) run(dir, counts[i], seconds, 1, 0);
    return 0;
}
