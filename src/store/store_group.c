/* store_group.c — group commit (see store_group.h for the state machine).
 *
 * Owns: the list of callbacks waiting for a sync (`waiting`) and at most one
 * sync job in flight (`job`). Invariants:
 *  - g->job != NULL from the moment a sync is queued until its callbacks
 *    have all run, so callbacks added meanwhile (even by those callbacks)
 *    land in `waiting` and share the next sync;
 *  - a callback is called exactly once: by sync_after, or by
 *    store__group_close if the group is closed first;
 *  - a job is freed only by sync_after (libuv owns its uv_work_t until then);
 *    store__group_close detaches it (job->g = NULL) instead. */
#include <stdlib.h>
#include "core/alloc.h"
#include "store/store_group.h"

typedef struct waiter {
    store_durable_fn cb;
    void *arg;
    int status;                /* STORE_OK: the sync's result; else this error */
} waiter_t;

typedef struct waiters {
    waiter_t *v;
    size_t n, cap;
} waiters_t;

typedef struct sync_job {
    uv_work_t req;             /* req.data unused: container of */
    store_group_t *g;          /* NULL once detached by store__group_close */
    store_sync_fn sync;        /* copied: the worker never reads g */
    void *ctx;
    waiters_t batch;           /* the callbacks this sync covers */
    size_t next;               /* batch[next..] not yet called */
    int status;                /* the sync's result, once done */
    int done;                  /* guarded by mu: the worker finished */
    uv_mutex_t mu;
    uv_cond_t cv;
} sync_job_t;

struct store_group {
    uv_loop_t *loop;
    store_sync_fn sync;        /* NULL: no_sync */
    store_flush_fn flush;      /* NULL: commits are applied at once */
    store_apply_fn apply;      /* NULL: flush applied them */
    void *ctx;
    waiters_t waiting;         /* added, not covered by a started sync */
    sync_job_t *job;           /* in flight or running its callbacks */
    int closing;
};

static void waiters_push(waiters_t *w, store_durable_fn cb, void *arg, int status)
{
    if (w->n == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 16;
        w->v = nb_xrealloc(w->v, w->cap * sizeof *w->v);
    }
    w->v[w->n].cb = cb;
    w->v[w->n].arg = arg;
    w->v[w->n].status = status;
    w->n++;
}

/* Call batch[next..] with status, stopping early if job gets detached (the
 * group was closed by a callback; close has called the rest). */
static void job_run_callbacks(sync_job_t *job, int status)
{
    while (job->next < job->batch.n) {
        waiter_t w = job->batch.v[job->next++];
        if (w.cb) w.cb(w.arg, w.status != STORE_OK ? w.status : status);
        if (!job->g) return;
    }
}

static void job_free(sync_job_t *job)
{
    uv_mutex_destroy(&job->mu);
    uv_cond_destroy(&job->cv);
    free(job->batch.v);
    free(job);
}

static void sync_work(uv_work_t *req)
{
    sync_job_t *job = (sync_job_t *)req;
    int status = job->sync ? job->sync(job->ctx) : STORE_OK;
    uv_mutex_lock(&job->mu);
    job->status = status;
    job->done = 1;
    uv_cond_signal(&job->cv);
    uv_mutex_unlock(&job->mu);
}

static void group_start(store_group_t *g);

static void sync_after(uv_work_t *req, int uvstatus)
{
    (void)uvstatus;            /* never cancelled */
    sync_job_t *job = (sync_job_t *)req;
    store_group_t *g = job->g;
    if (g) {
        job_run_callbacks(job, job->status);
        g = job->g;            /* a callback may have closed the group */
    }
    job_free(job);
    if (g) {
        g->job = NULL;
        group_start(g);
    }
}

/* Append `from` to `to`; from is left empty, without a buffer (the group
 * frees only a non-empty `waiting`). */
static void waiters_move(waiters_t *to, waiters_t *from)
{
    for (size_t i = 0; i < from->n; i++)
        waiters_push(to, from->v[i].cb, from->v[i].arg, from->v[i].status);
    free(from->v);
    *from = (waiters_t){ 0 };
}

/* Queue a sync covering everything in `waiting`, unless one is running.
 * The backend first makes the commits it deferred ready for it (flush), so
 * that the sync covers them, then applies them while the sync runs (apply):
 * what apply enqueues joins the sync just queued (the worker never reads
 * job->batch, so the loop may still append to it). */
static void group_start(store_group_t *g)
{
    if (g->job || g->closing) return;
    int deferred = g->flush ? g->flush(g->ctx) : 0;
    if (g->waiting.n == 0 && !deferred) return;
    sync_job_t *job = nb_xcalloc(1, sizeof *job);
    job->g = g;
    job->sync = g->sync;
    job->ctx = g->ctx;
    job->batch = g->waiting;
    g->waiting = (waiters_t){ 0 };
    if (uv_mutex_init(&job->mu) != 0 || uv_cond_init(&job->cv) != 0) abort();
    g->job = job;
    if (uv_queue_work(g->loop, &job->req, sync_work, sync_after) != 0) abort();
    if (g->apply) {
        g->apply(g->ctx);
        waiters_move(&job->batch, &g->waiting);
    }
}

store_group_t *store__group_new(uv_loop_t *loop, store_sync_fn sync, store_flush_fn flush,
                                store_apply_fn apply, void *ctx)
{
    store_group_t *g = nb_xcalloc(1, sizeof *g);
    g->loop = loop;
    g->sync = sync;
    g->flush = flush;
    g->apply = apply;
    g->ctx = ctx;
    return g;
}

void store__group_add(store_group_t *g, store_durable_fn cb, void *arg)
{
    waiters_push(&g->waiting, cb, arg, STORE_OK);
    group_start(g);
}

void store__group_enqueue(store_group_t *g, store_durable_fn cb, void *arg, int status)
{
    waiters_push(&g->waiting, cb, arg, status);
}

void store__group_kick(store_group_t *g)
{
    group_start(g);
}

int store__group_busy(const store_group_t *g)
{
    return g->job != NULL && !g->closing;
}

void store__group_close(store_group_t *g)
{
    if (!g) return;
    g->closing = 1;
    sync_job_t *job = g->job;
    if (job) {
        uv_mutex_lock(&job->mu);
        while (!job->done) uv_cond_wait(&job->cv, &job->mu);
        uv_mutex_unlock(&job->mu);
        job_run_callbacks(job, job->status);
        job->g = NULL;         /* sync_after frees it */
        g->job = NULL;
    }
    for (;;) {
        if (g->flush) (void)g->flush(g->ctx);
        if (g->apply) g->apply(g->ctx);
        if (!g->waiting.n) break;
        waiters_t batch = g->waiting;
        g->waiting = (waiters_t){ 0 };
        int status = g->sync ? g->sync(g->ctx) : STORE_OK;
        for (size_t i = 0; i < batch.n; i++) {
            waiter_t w = batch.v[i];
            if (w.cb) w.cb(w.arg, w.status != STORE_OK ? w.status : status);
        }
        free(batch.v);
    }
    free(g);
}
