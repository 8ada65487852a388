/* ddb_item_store.h — how items live in the store, and the one write path
 * that keeps a table's indexes, TTL queue and statistics in step with it.
 *
 * Layout (tnum = table Num, 4 bytes big-endian; inum = index Num, 1 byte;
 * enc() = ddb_keycodec, prefix-free and order-preserving):
 *   ddb.items  tnum || enc(hash) [|| enc(range)]                → VALUE
 *   ddb.index  tnum || inum || enc(ihash) [|| enc(irange)] || enc(hash) [|| enc(range)]
 *                                                               → VALUE (projected item)
 *   ddb.ttl    queue || be64(expiry seconds) || enc(hash) [|| enc(range)] → ""
 *              (queue = the table's ttl_queue, 4 bytes big-endian, ddb_table.h)
 *   ddb.stats  tnum || inum (0 = the table)                     → ddb_stats_t
 * VALUE = be32(DynamoDB item size) || compact JSON text of the item, so a
 * GetItem can splice the text into its reply and a PutItem can account the
 * replaced item's size without parsing it.
 *
 * Invariant: for every item, each index whose key attributes the item has
 * holds exactly one entry (an index still being backfilled: every such item
 * at or behind its backfill cursor, none ahead of it), the TTL queue holds one entry when TTL is enabled
 * and the item's TTL attribute is a number, and stats count every item; all
 * changed by ddb_item_write() in the caller's transaction. */
#ifndef DDB_ITEM_STORE_H
#define DDB_ITEM_STORE_H
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "core/buf.h"
#include "store/store.h"
#include "dynamodb/ddb_table.h"
#include "dynamodb/ddb_num.h"

#define DDB_VAL_HDR 4

/* Append tnum's 4-byte prefix. */
void ddb_put_tnum(nb_buf_t *out, uint32_t tnum);
/* Append the store key of the item holding key attributes (hash/range AVs)
 * for table t: tnum || enc(hash) [|| enc(range)]. -1 on bad AVs. */
int ddb_item_key(nb_buf_t *out, const ddb_table_t *t, const json_t *hash, const json_t *range);
/* Same, taking the key attributes from item (which must have them). */
int ddb_item_key_of(nb_buf_t *out, const ddb_table_t *t, const json_t *item);

/* Read the item at key. STORE_OK with *text (len bytes, NOT NUL-terminated,
 * valid until txn end) and *size, or STORE_NOTFOUND, or an error. */
int ddb_item_read(store_txn_t *txn, const nb_buf_t *key, const char **text, size_t *len, uint32_t *size);
/* Parse stored item text (new reference; NULL only on a corrupt store). */
json_t *ddb_item_parse(const char *text, size_t len);
/* Read and parse: *item = new reference or NULL when absent. STORE_OK or error. */
int ddb_item_load(store_txn_t *txn, const nb_buf_t *key, json_t **item, uint32_t *size);

/* What a write did, for ReturnConsumedCapacity / ItemCollectionMetrics. */
typedef struct ddb_write_info {
    uint8_t idx_touched[64];   /* index Nums whose entries changed */
    int n_idx_touched;
} ddb_write_info_t;

/* Replace the item at key (old: the stored item or NULL when absent; it may
 * be NULL also when the item exists but t has no indexes and no TTL, then
 * old_size/old_exists give the accounting) by new_item (NULL: delete).
 * new_size is ddb_item_size(new_item). Returns STORE_OK or a store error. */
int ddb_item_write(store_txn_t *txn, const ddb_table_t *t, const nb_buf_t *key,
                   const json_t *old, int old_exists, uint32_t old_size,
                   const json_t *new_item, size_t new_size, ddb_write_info_t *info);

/* Delete everything stored for table number tnum (items, index entries, TTL
 * queue, stats). STORE_OK or an error. */
int ddb_purge_table(store_txn_t *txn, uint32_t tnum);
/* Delete every entry of one index (GSI removal). */
int ddb_purge_index(store_txn_t *txn, uint32_t tnum, uint8_t inum);
/* Add item (stored at key, tnum-prefixed) to index ix as if it had just been
 * written (GSI backfill, see ddb_backfill.c). The item must not be in ix yet. */
int ddb_index_put_item(store_txn_t *txn, const ddb_table_t *t, const ddb_index_t *ix,
                       const nb_buf_t *key, const json_t *item);
/* In txn, with the doc that enables TTL on t: give ttl (the doc's new "TTL"
 * object) a fresh queue number and start queueing t's items in the
 * background (ddb_backfill.c). STORE_OK or an error. (ddb_ttl.c) */
int ddb_ttl_enable(store_txn_t *txn, const ddb_table_t *t, json_t *ttl);
/* In txn, with the doc that disables TTL on t: stop any queueing and hand
 * t's queue to the background purge (ddb_purge.c), which removes it a
 * bounded slice per transaction. STORE_OK or an error. (ddb_ttl.c) */
int ddb_ttl_disable(store_txn_t *txn, const ddb_table_t *t);
/* Queue item (stored at key, tnum-prefixed) for expiry by t's TTL attribute
 * as if it had just been written (TTL backfill, ddb_backfill.c). Idempotent. */
int ddb_ttl_put_item(store_txn_t *txn, const ddb_table_t *t, const nb_buf_t *key, const json_t *item);

/* The item projected into ix (new reference); NULL when the item lacks the
 * index key attributes (it is then absent from the index). */
json_t *ddb_index_project(const ddb_table_t *t, const ddb_index_t *ix, const json_t *item);

/* Expiry time (Unix seconds) of item for TTL attribute attr; 0 and 1 when
 * the item has one, else 0. */
int ddb_item_expiry(const json_t *item, const char *attr, int64_t *out);

/* The first entry of a store_scan, copied (the scan stops there): pass
 * ddb_take_first and a ddb_first_t initialised to DDB_FIRST_INIT; free its
 * buffers after. For the background queues' cursors (backfill, purge). */
typedef struct ddb_first { nb_buf_t key, val; int found; } ddb_first_t;
#define DDB_FIRST_INIT {NB_BUF_INIT, NB_BUF_INIT, 0}
int ddb_take_first(void *arg, const void *key, size_t klen, const void *val, size_t vlen);

/* The entries of a store_scan, copied, up to limit entries or max_bytes of
 * values (more = 1 when the scan stopped there): for the background slices
 * (backfill, backups), which must not write during a scan. Pass
 * ddb_take_chunk; free with ddb_chunk_free. */
typedef struct ddb_chunk {
    nb_buf_t *keys, *vals;
    size_t n, cap, limit, max_bytes, bytes;
    int more;
} ddb_chunk_t;
#define DDB_CHUNK_BYTES (4u << 20)
#define DDB_CHUNK_INIT(limit, max_bytes) {NULL, NULL, 0, 0, (limit), (max_bytes), 0, 0}
int ddb_take_chunk(void *arg, const void *key, size_t klen, const void *val, size_t vlen);
void ddb_chunk_free(ddb_chunk_t *c);

/* Values stored with a 4-byte header; build one into out. */
void ddb_value_build(nb_buf_t *out, const char *text, size_t len, uint32_t size);

#endif
