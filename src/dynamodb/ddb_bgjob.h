/* ddb_bgjob.h — the driver of a background job done in bounded, durable
 * slices (GSI / TTL backfill, backup copies and restores): one slice at a
 * time, the next once the previous one is durable.
 *
 *   IDLE ─kick─► SCHEDULED ─tick: step>0─► WAITING ─durable─► SCHEDULED (after interval_ms)
 *   tick: step==0 → IDLE; step<0 → SCHEDULED after a second (retry).
 *
 * Waiting for each slice to be durable before the next bounds the work
 * queued behind one sync. */
#ifndef DDB_BGJOB_H
#define DDB_BGJOB_H
#include <stddef.h>
#include <stdint.h>
#include <uv.h>
#include "core/service.h"
#include "core/ctx.h"
#include "store/store.h"

/* One slice: >0 work committed (cb(arg, status) follows once durable), 0
 * nothing to do, -1 store failure (nothing committed). */
typedef long (*ddb_bgjob_step_fn)(store_t *s, size_t batch, store_durable_fn cb, void *arg);

typedef struct ddb_bgjob {
    const char *what;          /* for the log: "index backfill", "backup" */
    ddb_bgjob_step_fn step;
    uv_timer_t timer;
    int running, state;
    store_t *store;
    size_t batch;
    uint64_t interval_ms;
} ddb_bgjob_t;

/* Start the driver with a first tick now (resuming what a stop or crash
 * interrupted): batch and pause from the settings batch_key (default
 * def_batch, at least 1) and interval_key (default 0). */
void ddb_bgjob_start(ddb_bgjob_t *j, nb_ctx_t *ctx, const char *batch_key, long def_batch,
                     const char *interval_key);
/* Wake it after a commit that queued work. */
void ddb_bgjob_kick(ddb_bgjob_t *j);
void ddb_bgjob_stop(ddb_bgjob_t *j);

#endif
