/* store_group.h — group commit: many applied commits, one durability sync.
 * Internal to src/store/ (hence the store__ prefix).
 *
 * A backend applies a write transaction on the loop thread (fast, not yet
 * durable) and hands its callback to store__group_add(). The group runs the
 * backend's sync function on a libuv worker, one at a time; when a sync
 * finishes, every callback added before that sync started is called with its
 * result. Callbacks added while a sync runs wait for the next one, which
 * starts as soon as the current one's callbacks have run. So N writers that
 * commit together share one sync.
 *
 *   state     event                    action → next state
 *   IDLE      add(cb)                  waiting = [cb]; queue a sync of waiting → SYNCING
 *   SYNCING   add(cb)                  waiting += cb (it needs the next sync)
 *   SYNCING   sync done (sync_after)   call the batch's callbacks (their adds join
 *                                      waiting); waiting empty → IDLE, else queue a
 *                                      sync of waiting → SYNCING
 *   any       store__group_close        wait for the running sync, call its batch;
 *                                      flush + sync and call waiting until empty; free
 *
 * Before every sync is queued the backend's flush hook runs: a backend that
 * applies commits made during a sync in one go (LMDB: one write transaction
 * for all of them) writes their log records there, so the sync covers them.
 * Right after the sync is queued its apply hook runs: the backend applies
 * those commits (LMDB's page write-out) while the worker syncs the log, so
 * a commit's latency is the longer of the two, not their sum.
 *
 * All functions on the loop thread except the sync function itself. */
#ifndef NB_STORE_GROUP_H
#define NB_STORE_GROUP_H
#include <uv.h>
#include "store/store.h"

typedef struct store_group store_group_t;

/* Runs on a worker thread: make everything applied so far durable.
 * STORE_OK or a store_status error. */
typedef int (*store_sync_fn)(void *ctx);

/* Loop thread, just before a sync is queued (and in close): make the
 * commits the backend deferred durable-to-be (what the coming sync covers:
 * LMDB writes their log records) and hand over their callbacks with
 * store__group_enqueue(), now or from the apply hook. Returns non-zero when
 * it left work for the apply hook (a sync is then queued even if no
 * callback waits yet). Must not start a sync itself. */
typedef int (*store_flush_fn)(void *ctx);

/* Loop thread, right after the sync that covers flush's work was queued
 * (or right after flush when none was): apply what flush left, beside the
 * sync. Callbacks it enqueues join that sync — so it may enqueue only
 * commits whose durable part flush wrote. Must not start a sync itself. */
typedef void (*store_apply_fn)(void *ctx);

/* sync NULL: callbacks run on a later loop iteration without any sync
 * (store_options_t.no_sync). flush and apply may be NULL. ctx borrowed until
 * store__group_close. */
store_group_t *store__group_new(uv_loop_t *loop, store_sync_fn sync, store_flush_fn flush,
                                store_apply_fn apply, void *ctx);

/* A commit was applied: call cb(arg, status) once it is durable. cb NULL:
 * nothing to call, but the commit still counts as pending. */
void store__group_add(store_group_t *g, store_durable_fn cb, void *arg);

/* Like store__group_add but never starts a sync (for the flush hook and
 * for commits applied while a sync runs). status STORE_OK: cb gets the
 * sync's result; an error: cb gets that error (a deferred commit that could
 * not be applied), still after a later sync, never inside this call. */
void store__group_enqueue(store_group_t *g, store_durable_fn cb, void *arg, int status);
/* Start a sync of whatever waits, unless one is running. */
void store__group_kick(store_group_t *g);
/* Is a sync in flight? Commits made now wait for the next sync anyway, so a
 * backend may defer applying them until that sync starts (group_start calls
 * flush first). 0 once closing. */
int store__group_busy(const store_group_t *g);

/* Wait for the running sync, sync whatever is still waiting (on this thread),
 * run every callback, then free g. Callbacks may add more commits; those are
 * synced and called too before this returns. A sync request still queued in
 * libuv is released by the loop's next run. */
void store__group_close(store_group_t *g);

#endif
