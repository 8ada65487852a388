/* ddb_backfill.h — online creation of a global secondary index on a table
 * that already holds items, and of a TTL expiry queue (see ddb_backfill.c
 * for the states and the cursor invariant). */
#ifndef DDB_BACKFILL_H
#define DDB_BACKFILL_H
#include <stdint.h>
#include "core/buf.h"
#include "core/service.h"
#include "core/ctx.h"
#include "store/store.h"
#include "dynamodb/ddb_table.h"

/* The "index number" of a table's TTL expiry queue in a backfill cursor
 * (GSI numbers stay far below it): UpdateTimeToLive enabling TTL queues the
 * table's existing items in the background, in chunks, as for a GSI. */
#define DDB_BACKFILL_TTL 0xFF

/* In txn: start backfilling index inum of table tnum from the first item
 * (the doc stored in the same txn lists the index as CREATING), or with
 * DDB_BACKFILL_TTL, the TTL queue of a table whose doc enables TTL. */
int ddb_backfill_enqueue(store_txn_t *txn, uint32_t tnum, uint8_t inum);
/* In txn: forget that backfill (index or table deleted). STORE_OK when there
 * was none. */
int ddb_backfill_cancel(store_txn_t *txn, uint32_t tnum, uint8_t inum);
/* Is the item stored at key (tnum-prefixed) already covered by the backfill
 * of ix, i.e. at or behind its cursor? 1 yes, 0 no. */
int ddb_backfill_covers(store_txn_t *txn, const ddb_table_t *t, const ddb_index_t *ix, const nb_buf_t *key);
/* One bounded backfill transaction: >0 work committed (more may remain),
 * 0 nothing to do, -1 store failure. cb(arg, status) follows a commit once
 * durable (not called when 0 or -1 is returned). */
long ddb_backfill_step(store_t *s, size_t batch, store_durable_fn cb, void *arg);
/* Wake the background driver after a commit that enqueued a backfill. */
void ddb_backfill_kick(void);
/* Start the driver (service init: resumes any backfill a crash or stop
 * interrupted) / stop it (service stop). */
void ddb_backfill_start(nb_ctx_t *ctx);
void ddb_backfill_stop(void);

#endif
