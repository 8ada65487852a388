/* fuzz_store_wal.c — the write-ahead log's replay (store_wal.c) on records
 * of arbitrary content whose CRCs hold (so the op parser, not the checksum,
 * sees the bytes), then on the same log cut at an arbitrary offset: replay
 * must never crash, read out of bounds, or report an op outside its record.
 *
 * Input: byte 0 = where to cut the file (0: not cut; else at size * b / 256),
 * then records, each a length byte and that many payload bytes. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "store/store_wal.h"

static char dir[64];

static int on_op(void *arg, const store_wal_op_t *op)
{
    size_t *sum = arg;
    if (op->type != STORE_WAL_PUT && op->type != STORE_WAL_DEL) abort();
    if (!op->ks[0]) abort();
    const uint8_t *k = op->key, *v = op->val;
    for (size_t i = 0; i < op->klen; i++) *sum += k[i];     /* ASan: in bounds */
    for (size_t i = 0; v && i < op->vlen; i++) *sum += v[i];
    return 0;
}

static void replay_all(void)
{
    store_wal_t *w;
    if (store__wal_open(&w, dir) != 0) abort();
    uint64_t n = 0;
    size_t sum = 0;
    int rc = store__wal_replay(w, on_op, NULL, &sum, &n);
    if (rc != 0) { fprintf(stderr, "replay rc %d\n", rc); abort(); }
    store__wal_close(w, 0);
}

/* The run's directory goes with the process (libFuzzer ends with exit()). */
static void remove_dir(void)
{
    char p[128];
    for (int i = 0; i < 2; i++) {
        snprintf(p, sizeof p, "%s/wal.%d", dir, i);
        unlink(p);
    }
    rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/nimbus-fuzz-wal-XXXXXX");
        if (!mkdtemp(dir)) abort();
        atexit(remove_dir);
    }
    if (size < 1) return 0;
    char p0[128], p1[128];
    snprintf(p0, sizeof p0, "%s/wal.0", dir);
    snprintf(p1, sizeof p1, "%s/wal.1", dir);
    unlink(p0);
    unlink(p1);
    store_wal_t *w;
    if (store__wal_open(&w, dir) != 0) abort();
    uint64_t n = 0;
    if (store__wal_replay(w, on_op, NULL, NULL, &n) != 0 || n != 0) abort();
    if (store__wal_start(w) != 0) abort();
    size_t at = 1;
    while (at < size) {
        size_t len = data[at++];
        if (len > size - at) len = size - at;
        store__wal_txn_raw(w, data + at, len);
        at += len;
    }
    if (store__wal_write(w) != 0) abort();
    store__wal_close(w, 0);                    /* not retired: the records stay live */
    replay_all();
    if (data[0]) {
        struct stat st;
        if (stat(p0, &st) == 0 && truncate(p0, (off_t)((uint64_t)st.st_size * data[0] / 256)) != 0) abort();
        replay_all();
    }
    return 0;
}
