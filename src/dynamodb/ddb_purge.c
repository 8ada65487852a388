/* ddb_purge.c — background removal of a deleted table's (or GSI's) stored
 * entries.
 *
 * DeleteTable and GSI deletion only unlink the metadata and enqueue the
 * storage prefix here, in their own transaction, so they answer at once
 * whatever the size of the table, and no single store transaction has to hold
 * millions of deletions. Table and index numbers are never reused, so the
 * entries left behind meanwhile are unreachable.
 *
 * Queue: "ddb.meta" keys "purge/" || prefix → comma-separated keyspace names.
 * A uv_timer on the service loop deletes up to PURGE_BATCH keys per tick,
 * one transaction per tick, and drops the queue entry once its prefix is
 * empty in every listed keyspace. */
#include "dynamodb/ddb_purge.h"
#include "dynamodb/ddb_item_store.h"
#include "dynamodb/ddb_keycodec.h"
#include "dynamodb/ddb_table.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/log.h"
#include <stdlib.h>
#include <string.h>

#define PURGE_BATCH 2000
#define PURGE_TICK_MS 50
#define QPFX "purge/"

static uv_timer_t purge_timer;
static int purge_running;
static store_t *purge_store;

int ddb_purge_enqueue(store_txn_t *txn, const void *prefix, size_t len, const char *keyspaces)
{
    nb_buf_t k = NB_BUF_INIT;
    nb_buf_puts(&k, QPFX);
    nb_buf_append(&k, prefix, len);
    int rc = store_put(txn, DDB_KS_META, k.data, k.len, keyspaces, strlen(keyspaces));
    nb_buf_free(&k);
    if (rc == STORE_OK && purge_running) uv_timer_start(&purge_timer, ddb_purge_tick_cb, PURGE_TICK_MS, PURGE_TICK_MS);
    return rc;
}

typedef struct batch { nb_buf_t *keys; size_t n, cap, limit; } batch_t;

static int collect(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
    (void)val; (void)vlen;
    batch_t *b = arg;
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 256;
        b->keys = nb_xrealloc(b->keys, b->cap * sizeof *b->keys);
    }
    nb_buf_t k = NB_BUF_INIT;
    nb_buf_append(&k, key, klen);
    b->keys[b->n++] = k;
    return b->n >= b->limit;
}

/* Delete up to budget keys with prefix p in ks; returns deleted count or -1. */
static long purge_space(store_txn_t *txn, const char *ks, const nb_buf_t *p, size_t budget)
{
    nb_buf_t hi = NB_BUF_INIT;
    nb_buf_append(&hi, p->data, p->len);
    int has_hi = ddb_key_prefix_successor(&hi) == 0;
    batch_t b = {NULL, 0, 0, budget};
    int rc = store_scan(txn, ks, p->data, p->len, has_hi ? hi.data : NULL, has_hi ? hi.len : 0, 0, collect, &b);
    long n = rc < 0 ? -1 : 0;
    for (size_t i = 0; n >= 0 && i < b.n; i++) {
        rc = store_del(txn, ks, b.keys[i].data, b.keys[i].len);
        if (rc == STORE_OK) n++;
        else if (rc != STORE_NOTFOUND) n = -1;
    }
    for (size_t i = 0; i < b.n; i++) nb_buf_free(&b.keys[i]);
    free(b.keys);
    nb_buf_free(&hi);
    return n;
}

static void on_durable(void *arg, int status)
{
    (void)arg;
    if (status != STORE_OK) nb_log_error("dynamodb", "purge commit not durable (%d)", status);
}

long ddb_purge_step(store_t *s)
{
    store_txn_t *txn;
    if (store_begin(s, STORE_WRITE, &txn) != STORE_OK) return -1;
    ddb_first_t f = DDB_FIRST_INIT;
    static const char lo[] = QPFX, hi[] = "purge0";   /* '0' follows '/' */
    int rc = store_scan(txn, DDB_KS_META, lo, sizeof lo - 1, hi, sizeof hi - 1, 0, ddb_take_first, &f);
    long total = 0;
    if (rc < 0 || !f.found) {
        store_abort(txn);
        nb_buf_free(&f.key);
        nb_buf_free(&f.val);
        return rc < 0 ? -1 : 0;
    }
    nb_buf_t prefix = NB_BUF_INIT;
    nb_buf_append(&prefix, f.key.data + sizeof QPFX - 1, f.key.len - (sizeof QPFX - 1));
    size_t budget = PURGE_BATCH;
    char *spaces = nb_xstrndup(f.val.data ? f.val.data : "", f.val.len);
    for (char *save = NULL, *ks = strtok_r(spaces, ",", &save); ks && total >= 0;
         ks = strtok_r(NULL, ",", &save)) {
        long n = budget ? purge_space(txn, ks, &prefix, budget) : 0;
        if (n < 0) total = -1;
        else { total += n; budget -= (size_t)n; }
    }
    free(spaces);
    if (total >= 0 && budget > 0) {
        /* every keyspace came up short of the budget: the prefix is empty */
        store_del(txn, DDB_KS_META, f.key.data, f.key.len);
    }
    if (total < 0 || store_commit(txn, on_durable, NULL) != STORE_OK) {
        if (total < 0) store_abort(txn);
        total = -1;
    }
    nb_buf_free(&prefix);
    nb_buf_free(&f.key);
    nb_buf_free(&f.val);
    return total < 0 ? -1 : total + 1;
}

void ddb_purge_tick_cb(uv_timer_t *t)
{
    long n = ddb_purge_step(purge_store);
    if (n == 0) uv_timer_stop(t);    /* nothing queued: sleep until the next enqueue */
    else if (n < 0) nb_log_error("dynamodb", "background purge failed; will retry");
}

void ddb_purge_start(nb_ctx_t *ctx)
{
    if (purge_running || !ctx->loop) return;
    purge_store = ctx->store;
    uv_timer_init(ctx->loop, &purge_timer);
    uv_timer_start(&purge_timer, ddb_purge_tick_cb, PURGE_TICK_MS, PURGE_TICK_MS);
    uv_unref((uv_handle_t *)&purge_timer);
    purge_running = 1;
}

void ddb_purge_stop(void)
{
    if (!purge_running) return;
    uv_timer_stop(&purge_timer);
    uv_close((uv_handle_t *)&purge_timer, NULL);
    purge_running = 0;
}
