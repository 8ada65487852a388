/* ddb_purge.h — background removal of deleted tables' and GSIs' entries
 * (see ddb_purge.c for the queue and its invariant). */
#ifndef DDB_PURGE_H
#define DDB_PURGE_H
#include <stddef.h>
#include <uv.h>
#include "core/service.h"
#include "core/ctx.h"
#include "store/store.h"

/* In txn: queue the removal of every key starting with prefix in each of the
 * comma-separated keyspaces (e.g. "ddb.items,ddb.index"). */
int ddb_purge_enqueue(store_txn_t *txn, const void *prefix, size_t len, const char *keyspaces);
/* One bounded purge transaction: >0 work done (more may remain), 0 nothing
 * queued, -1 store failure. */
long ddb_purge_step(store_t *s);
void ddb_purge_tick_cb(uv_timer_t *t);
void ddb_purge_start(nb_ctx_t *ctx);
void ddb_purge_stop(void);

#endif
