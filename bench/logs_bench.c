/* logs_bench.c — the log store's write path alone: CPU per event of
 * logs_put and of the flush (records built, compressed, sealed, put, committed),
 * and the store's pages per event, for the lines a warm native echo logs.
 *
 * Not in the Makefile. Build from the repository root after `make`, against
 * any built tree's objects (the same source measures a build before and
 * after a change: T=/work/main for the reference):
 *   T=.; cc -std=c11 -D_GNU_SOURCE -O2 -Isrc -I/usr/share/include/llhttp bench/logs_bench.c $T/build/obj/gen/embedded_files.o \
 *      $(cd $T && find src -name '*.c' ! -name main.c | sed 's|^src/\(.*\)\.c$|'$T'/build/obj/\1.o|') \
 *      $T/build/obj/llhttp/*.o \
 *      $(pkg-config --libs libuv jansson openssl libseccomp yaml-0.1 libzstd) \
 *      -llmdb -lz -larchive -ldl -lpthread -lm -o build/logs_bench
 *   (a tree from before llhttp has no build/obj/llhttp: -lhttp_parser instead)
 *   build/logs_bench [INVOKES] [STREAMS] [PER_FLUSH]
 *       (default 100000 invokes, 13 streams, a flush per LOGS_BATCH events)
 * then `mdb_stat -s logs.events DIR/store` on the directory it prints.
 *
 * Each invoke logs START, END and REPORT (a random request id, as
 * src/lambda/pool.c formats them) into one of STREAMS streams in turn, 0.1 ms
 * apart; a flush runs every PER_FLUSH events, by default LOGS_BATCH (1,024):
 * what a daemon under load does (the tick's flush comes later). The store runs without fdatasync
 * (no_sync), so the figures are CPU, not the disk. CPU is this thread's
 * (CLOCK_THREAD_CPUTIME_ID), the flush's measured around logs_flush() and
 * the loop turns that complete its commit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "core/config.h"
#include "core/ctx.h"
#include "core/util.h"
#include "logs/logs.h"
#include "store/store.h"

static double cpu_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void uuid(char out[37])
{
    unsigned char r[16];
    nb_random_bytes(r, sizeof r);
    static const char hex[] = "0123456789abcdef";
    int o = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out[o++] = '-';
        out[o++] = hex[r[i] >> 4];
        out[o++] = hex[r[i] & 15];
    }
    out[o] = 0;
}

int main(int argc, char **argv)
{
    long invokes = argc > 1 ? atol(argv[1]) : 100000;
    int nstreams = argc > 2 ? atoi(argv[2]) : 13;
    long per_flush = argc > 3 ? atol(argv[3]) : LOGS_BATCH;
    char dir[] = "/tmp/logs-bench-XXXXXX";
    if (!mkdtemp(dir)) return 1;
    nb_config_t cfg;
    char *cargv[] = {"--data", dir, NULL};
    if (nb_config_load(&cfg, 2, cargv) != 0) return 1;
    struct nb_ctx ctx = {0};
    ctx.cfg = &cfg;
    ctx.loop = uv_default_loop();
    store_options_t o = {0};
    o.no_sync = 1;
    store_t *st;
    if (store_open(&st, ctx.loop, dir, &o) != STORE_OK) return 1;
    ctx.store = st;
    logs_start(&ctx);
    char streams[64][80];
    for (int i = 0; i < nstreams && i < 64; i++) {
        unsigned char r[16];
        nb_random_bytes(r, sizeof r);
        int n = snprintf(streams[i], sizeof streams[i], "2026/11/29/[$LATEST]");
        for (int j = 0; j < 16; j++) n += snprintf(streams[i] + n, sizeof streams[i] - (size_t)n, "%02x", r[j]);
    }
    uint64_t t0 = nb_wall_ms();
    double put_cpu = 0, flush_cpu = 0;
    long events = 0, flushes = 0;
    size_t bytes = 0;
    for (long i = 0; i < invokes; i++) {
        char id[37], line[300];
        uuid(id);
        const char *s = streams[i % nstreams];
        uint64_t ts = t0 + (uint64_t)i / 10;
        double c0 = cpu_s();
        int n = snprintf(line, sizeof line, "START RequestId: %s Version: $LATEST", id);
        logs_put("/aws/lambda/echo-native", s, ts, line, (size_t)n);
        bytes += (size_t)n;
        n = snprintf(line, sizeof line, "END RequestId: %s", id);
        logs_put("/aws/lambda/echo-native", s, ts, line, (size_t)n);
        bytes += (size_t)n;
        n = snprintf(line, sizeof line,
                     "REPORT RequestId: %s\tDuration: %ld.%02ld ms\tBilled Duration: 1 ms\tMemory Size: 256 MB\t"
                     "Max Memory Used: 3 MB", id, i % 3 / 2, i % 97);
        logs_put("/aws/lambda/echo-native", s, ts, line, (size_t)n);
        bytes += (size_t)n;
        put_cpu += cpu_s() - c0;
        events += 3;
        if (events % per_flush < 3) {   /* PER_FLUSH waiting: the flush */
            c0 = cpu_s();
            logs_flush();
            uv_run(ctx.loop, UV_RUN_NOWAIT);
            flush_cpu += cpu_s() - c0;
            flushes++;
        }
    }
    double c0 = cpu_s();
    logs_flush();
    logs_stop();
    store_close(st);
    uv_run(ctx.loop, UV_RUN_DEFAULT);
    flush_cpu += cpu_s() - c0;
    nb_config_free(&cfg);
    printf("invokes %ld events %ld (%zu message bytes) streams %d flushes %ld\n", invokes, events, bytes, nstreams,
           flushes);
    printf("logs_put  %.3f us/event\nflush     %.3f us/event (%.1f us per flush)\n", put_cpu * 1e6 / (double)events,
           flush_cpu * 1e6 / (double)events, flush_cpu * 1e6 / (double)(flushes + 1));
    printf("store: %s/store (mdb_stat -s logs.events; rm -rf %s when done)\n", dir, dir);
    return 0;
}
