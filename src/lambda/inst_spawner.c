/* inst_spawner.c — the spawner thread: the instance work that blocks (a
 * sandbox spawn: cgroup mkdirs and limit writes, a clone into namespaces,
 * the wait for the child's exec or a blank's hand-off; at exit the cgroups'
 * removal; the run files under DATA/lambda/run) runs here, never on the event
 * loop, so a storm of cold starts delays only the cold starts themselves
 * (docs/SANDBOX.md, "Spawning off the loop").
 *
 * Jobs run one at a time in the order submitted (a run file is written before
 * the unlink of a later release). A job's `work` runs on this thread; its
 * `done`, if any, then runs on the loop (uv_async) and frees the job; a job
 * without `done` is freed by its `work`. The thread never exits: instances
 * get PR_SET_PDEATHSIG from the thread that spawned them, so they die with
 * nimbus, not with this thread. All signals are blocked here (they are the
 * loop's). */
#include "lambda/lambda_int.h"
#include "core/log.h"
#include "core/startup.h"
#include <pthread.h>
#include <signal.h>
#include <string.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv_work = PTHREAD_COND_INITIALIZER;   /* a job to run */
static pthread_cond_t cv_done = PTHREAD_COND_INITIALIZER;   /* a job's work finished */
static lambda_job_t *todo_head, *todo_tail;    /* submitted, not yet worked */
static lambda_job_t *done_head, *done_tail;    /* worked, their `done` not yet run */
static int thread_on, busy;
static uv_async_t wake;                        /* the loop's side: runs the `done`s */
static int wake_on;

static void *spawner_main(void *arg)
{
    (void)arg;
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, NULL);
    nb_startup_thread("spawner");
    pthread_mutex_lock(&mu);
    for (;;) {
        while (!todo_head) pthread_cond_wait(&cv_work, &mu);
        lambda_job_t *j = todo_head;
        todo_head = j->next;
        if (!todo_head) todo_tail = NULL;
        j->next = NULL;
        busy = 1;
        int has_done = j->done != NULL;   /* without one, work frees j */
        pthread_mutex_unlock(&mu);
        j->work(j);
        pthread_mutex_lock(&mu);
        busy = 0;
        if (has_done) {
            j->finished = 1;
            if (done_tail) done_tail->next = j; else done_head = j;
            done_tail = j;
            if (wake_on) uv_async_send(&wake);
        }
        pthread_cond_broadcast(&cv_done);
    }
    return NULL;
}

/* Takes the finished jobs; their `done`s are the caller's to run. */
static lambda_job_t *take_done(void)
{
    pthread_mutex_lock(&mu);
    lambda_job_t *l = done_head;
    done_head = done_tail = NULL;
    pthread_mutex_unlock(&mu);
    return l;
}

static void run_done(lambda_job_t *l)
{
    while (l) {
        lambda_job_t *n = l->next;
        l->next = NULL;
        l->done(l);
        l = n;
    }
}

static void on_wake(uv_async_t *a)
{
    (void)a;
    run_done(take_done());
}

void lambda__spawner_submit(lambda_job_t *j)
{
    j->next = NULL;
    j->finished = 0;
    if (!wake_on && j->done && lambda__svc.ctx && lambda__svc.ctx->loop &&
        uv_async_init(lambda__svc.ctx->loop, &wake, on_wake) == 0) {
        uv_unref((uv_handle_t *)&wake);   /* the loop's life is its other handles' */
        pthread_mutex_lock(&mu);
        wake_on = 1;
        pthread_mutex_unlock(&mu);
    }
    pthread_mutex_lock(&mu);
    if (!thread_on) {
        pthread_t t;
        pthread_attr_t at;
        pthread_attr_init(&at);
        pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&t, &at, spawner_main, NULL) != 0) {
            pthread_attr_destroy(&at);
            pthread_mutex_unlock(&mu);
            nb_log_error("lambda", "cannot start the spawner thread: the job runs on the loop");
            lambda_job_t *dj = j->done ? j : NULL;
            j->work(j);
            if (dj) dj->done(dj);
            return;
        }
        pthread_attr_destroy(&at);
        thread_on = 1;
    }
    if (todo_tail) todo_tail->next = j; else todo_head = j;
    todo_tail = j;
    pthread_cond_signal(&cv_work);
    pthread_mutex_unlock(&mu);
}

void lambda__spawner_wait(lambda_job_t *j)
{
    pthread_mutex_lock(&mu);
    while (!j->finished) pthread_cond_wait(&cv_done, &mu);
    pthread_mutex_unlock(&mu);
}

void lambda__spawner_take(lambda_job_t *j)
{
    lambda__spawner_wait(j);
    pthread_mutex_lock(&mu);
    lambda_job_t *prev = NULL;
    for (lambda_job_t *x = done_head; x; prev = x, x = x->next) {
        if (x != j) continue;
        if (prev) prev->next = x->next; else done_head = x->next;
        if (done_tail == x) done_tail = prev;
        x->next = NULL;
        break;
    }
    pthread_mutex_unlock(&mu);
}

void lambda__spawner_flush(void)
{
    for (;;) {
        pthread_mutex_lock(&mu);
        while (todo_head || busy) pthread_cond_wait(&cv_done, &mu);
        lambda_job_t *l = done_head;
        done_head = done_tail = NULL;
        pthread_mutex_unlock(&mu);
        if (!l) break;
        run_done(l);   /* may submit more (a release) */
    }
    if (wake_on) {
        pthread_mutex_lock(&mu);
        wake_on = 0;
        pthread_mutex_unlock(&mu);
        uv_close((uv_handle_t *)&wake, NULL);
    }
}
