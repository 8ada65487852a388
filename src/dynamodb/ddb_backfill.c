/* ddb_backfill.c — online creation of a global secondary index: the index is
 * filled from the table's items in bounded chunks in the background while
 * every other request keeps being served. The same driver fills the TTL
 * expiry queue of a table on which TTL was just enabled (cursor "index
 * number" DDB_BACKFILL_TTL): there every write maintains its item's queue
 * entry from the moment TTL is on and a queue entry is a pure function of
 * the item, so the chunks simply (re)queue each item's current state and
 * no cursor check is needed on the write path; the chunk after the last
 * item drops the cursor.
 *
 * UpdateTable (GlobalSecondaryIndexUpdates Create) stores the table doc with
 * the new GSI at "IndexStatus": "CREATING", "Backfilling": true and, in the
 * same transaction, its cursor:
 *   ddb.meta  "backfill/" || tnum || inum  →  store key of the last item
 *                                              already indexed ("" = none)
 * A uv_timer then runs ddb_backfill_step(): one write transaction that indexes
 * the items after the cursor (at most `dynamodb.backfill_batch` items, default
 * 500, or 4 MiB (DDB_CHUNK_BYTES) of item text; `dynamodb.backfill_interval_ms`, default
 * 0, apart) and advances the cursor, so every chunk
 * is durable on its own and a restart resumes after the last durable chunk.
 *
 *   UpdateTable ─enqueue─► CREATING, cursor "" ─step─► CREATING, cursor k ─step…
 *     ─step finds no item after the cursor─► ACTIVE (doc rewritten, cursor gone)
 *   DeleteTable / Delete of that index ─cancel─► cursor gone (entries purged)
 *
 * Invariant (kept with ddb_item_write): a CREATING index holds exactly the
 * entries of the items at or before its cursor. A write to an item behind the
 * cursor maintains the index as for an active one; a write to an item ahead
 * of it leaves the index alone and the backfill indexes the item's state of
 * the moment it gets there — so every item is indexed exactly once. All of it
 * runs on the loop thread, one transaction at a time, so no write interleaves
 * with a chunk. Query/Scan refuse a CREATING index, so a half-built index is
 * never read, and the index turns ACTIVE only in the transaction that indexed
 * the last item.
 *
 * Driver: ddb_bgjob.c, one chunk at a time, the next once it is durable. */
#include "dynamodb/ddb_backfill.h"
#include "dynamodb/ddb_bgjob.h"
#include "dynamodb/ddb_item_store.h"
#include "dynamodb/ddb_keycodec.h"
#include "core/log.h"
#include <stdlib.h>
#include <string.h>

#define BPFX "backfill/"
#define BPFX_LEN (sizeof BPFX - 1)

static void cursor_key(nb_buf_t *out, uint32_t tnum, uint8_t inum)
{
    nb_buf_puts(out, BPFX);
    ddb_put_tnum(out, tnum);
    nb_buf_putc(out, (char)inum);
}

int ddb_backfill_enqueue(store_txn_t *txn, uint32_t tnum, uint8_t inum)
{
    nb_buf_t k = NB_BUF_INIT;
    cursor_key(&k, tnum, inum);
    int rc = store_put(txn, DDB_KS_META, k.data, k.len, "", 0);
    nb_buf_free(&k);
    return rc;
}

int ddb_backfill_cancel(store_txn_t *txn, uint32_t tnum, uint8_t inum)
{
    nb_buf_t k = NB_BUF_INIT;
    cursor_key(&k, tnum, inum);
    int rc = store_del(txn, DDB_KS_META, k.data, k.len);
    nb_buf_free(&k);
    return rc == STORE_NOTFOUND ? STORE_OK : rc;
}

int ddb_backfill_covers(store_txn_t *txn, const ddb_table_t *t, const ddb_index_t *ix, const nb_buf_t *key)
{
    nb_buf_t k = NB_BUF_INIT;
    cursor_key(&k, t->num, ix->num);
    const void *v;
    size_t vl;
    int rc = store_get(txn, DDB_KS_META, k.data, k.len, &v, &vl);
    nb_buf_free(&k);
    if (rc != STORE_OK) return 1;      /* no backfill under way: an ordinary index */
    if (vl == 0) return 0;
    size_t n = key->len < vl ? key->len : vl;
    int c = memcmp(key->data, v, n);
    return c < 0 || (c == 0 && key->len <= vl);
}

/* --- one step --- */

/* t's doc with GSI inum ACTIVE (new reference). */
static json_t *active_doc(const ddb_table_t *t, uint8_t inum)
{
    json_t *doc = json_deep_copy(t->doc);
    size_t i;
    json_t *g;
    json_array_foreach(json_object_get(doc, "GlobalSecondaryIndexes"), i, g) {
        if (json_integer_value(json_object_get(g, "Num")) == inum) {
            json_object_set_new(g, "IndexStatus", json_string("ACTIVE"));
            json_object_del(g, "Backfilling");
        }
    }
    return doc;
}

/* Index the chunk after the cursor (f: its key and value) in txn — into ix,
 * or with ix NULL into t's TTL queue; when no item follows, *done = the
 * table's new doc for an index (caller installs it after commit). */
static int run_chunk(store_txn_t *txn, const ddb_table_t *t, const ddb_index_t *ix, const ddb_first_t *f,
                     size_t batch, json_t **done)
{
    nb_buf_t lo = NB_BUF_INIT, hi = NB_BUF_INIT;
    if (f->val.len) {
        nb_buf_append(&lo, f->val.data, f->val.len);
        nb_buf_putc(&lo, 0);           /* the smallest key after the cursor */
    } else {
        ddb_put_tnum(&lo, t->num);
    }
    ddb_put_tnum(&hi, t->num);
    int has_hi = ddb_key_prefix_successor(&hi) == 0;
    ddb_chunk_t c = DDB_CHUNK_INIT(batch, DDB_CHUNK_BYTES);
    int rc = store_scan(txn, DDB_KS_ITEMS, lo.data, lo.len, has_hi ? hi.data : NULL, has_hi ? hi.len : 0, 0,
                        ddb_take_chunk, &c);
    rc = rc < 0 ? rc : STORE_OK;
    for (size_t i = 0; rc == STORE_OK && i < c.n; i++) {
        if (c.vals[i].len < DDB_VAL_HDR) { rc = STORE_ERR_IO; break; }
        json_t *item = ddb_item_parse(c.vals[i].data + DDB_VAL_HDR, c.vals[i].len - DDB_VAL_HDR);
        rc = !item ? STORE_ERR_IO : ix ? ddb_index_put_item(txn, t, ix, &c.keys[i], item)
                                       : ddb_ttl_put_item(txn, t, &c.keys[i], item);
        json_decref(item);
    }
    if (rc == STORE_OK && c.more) {
        rc = store_put(txn, DDB_KS_META, f->key.data, f->key.len, c.keys[c.n - 1].data, c.keys[c.n - 1].len);
    } else if (rc == STORE_OK && !ix) {
        rc = store_del(txn, DDB_KS_META, f->key.data, f->key.len);
        if (rc == STORE_OK) nb_log_info("dynamodb", "TTL queue of table %s filled", t->name);
    } else if (rc == STORE_OK) {
        json_t *doc = active_doc(t, ix->num);
        rc = ddb_table_store(txn, t->name, doc);
        if (rc == STORE_OK) rc = store_del(txn, DDB_KS_META, f->key.data, f->key.len);
        if (rc == STORE_OK) *done = doc;
        else json_decref(doc);
        if (rc == STORE_OK) nb_log_info("dynamodb", "index %s of table %s backfilled: ACTIVE", ix->name, t->name);
    }
    ddb_chunk_free(&c);
    nb_buf_free(&lo);
    nb_buf_free(&hi);
    return rc;
}

static uint32_t rd32(const void *p)
{
    const unsigned char *b = p;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

long ddb_backfill_step(store_t *s, size_t batch, store_durable_fn cb, void *arg)
{
    store_txn_t *txn;
    if (store_begin(s, STORE_WRITE, &txn) != STORE_OK) return -1;
    ddb_first_t f = DDB_FIRST_INIT;
    static const char lo[] = BPFX, hi[] = "backfill0";   /* '0' follows '/' */
    int rc = store_scan(txn, DDB_KS_META, lo, sizeof lo - 1, hi, sizeof hi - 1, 0, ddb_take_first, &f);
    json_t *done = NULL;
    long out = 1;
    if (rc < 0 || !f.found) {
        out = rc < 0 ? -1 : 0;
    } else {
        const ddb_index_t *ix = NULL;
        const ddb_table_t *t = NULL;
        if (f.key.len == BPFX_LEN + 5) {
            t = ddb_catalog_by_num(rd32(f.key.data + BPFX_LEN));
            uint8_t inum = (uint8_t)f.key.data[BPFX_LEN + 4];
            for (size_t i = 0; t && i < t->n_idx; i++)
                if (t->idx[i].num == inum && !t->idx[i].local) ix = &t->idx[i];
        }
        int ttl = f.key.len == BPFX_LEN + 5 && (uint8_t)f.key.data[BPFX_LEN + 4] == DDB_BACKFILL_TTL;
        if (ttl && t && t->ttl_attr) {
            rc = run_chunk(txn, t, NULL, &f, batch, &done);
        } else if (ttl || !ix || ix->active) {   /* table, index or TTL gone (or done): drop the cursor */
            rc = store_del(txn, DDB_KS_META, f.key.data, f.key.len);
        } else {
            rc = run_chunk(txn, t, ix, &f, batch, &done);
        }
        if (rc != STORE_OK) out = -1;
    }
    if (out <= 0) {
        store_abort(txn);
    } else if (store_commit(txn, cb, arg) != STORE_OK) {
        out = -1;
    } else if (done) {
        ddb_catalog_install(done);
        done = NULL;
    }
    json_decref(done);
    nb_buf_free(&f.key);
    nb_buf_free(&f.val);
    return out;
}

/* --- driver --- */

static ddb_bgjob_t bf_job = {.what = "index backfill", .step = ddb_backfill_step};

void ddb_backfill_kick(void)
{
    ddb_bgjob_kick(&bf_job);
}

static int log_pending(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
    (void)arg;
    if (klen != BPFX_LEN + 5) return 0;
    const ddb_table_t *t = ddb_catalog_by_num(rd32((const char *)key + BPFX_LEN));
    uint8_t inum = ((const unsigned char *)key)[BPFX_LEN + 4];
    if (t && inum == DDB_BACKFILL_TTL)
        nb_log_info("dynamodb", "resuming the TTL queue of table %s %s", t->name,
                    vlen ? "from its stored cursor" : "from the first item");
    for (size_t i = 0; t && i < t->n_idx; i++)
        if (t->idx[i].num == inum)
            nb_log_info("dynamodb", "resuming backfill of index %s of table %s %s", t->idx[i].name,
                        t->name, vlen ? "from its stored cursor" : "from the first item");
    (void)val;
    return 0;
}

void ddb_backfill_start(nb_ctx_t *ctx)
{
    if (bf_job.running || !ctx->loop) return;
    store_txn_t *txn;
    if (store_begin(ctx->store, STORE_READ, &txn) == STORE_OK) {
        static const char lo[] = BPFX, hi[] = "backfill0";
        store_scan(txn, DDB_KS_META, lo, sizeof lo - 1, hi, sizeof hi - 1, 0, log_pending, NULL);
        store_abort(txn);
    }
    ddb_bgjob_start(&bf_job, ctx, "dynamodb.backfill_batch", 500, "dynamodb.backfill_interval_ms");
}

void ddb_backfill_stop(void)
{
    ddb_bgjob_stop(&bf_job);
}
