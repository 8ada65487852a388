/* store_lmdb.c — the embedded LMDB backend (store_backend.h).
 *
 * Owns: the LMDB environment in DIR/store/, the cache of keyspace handles,
 * a pool of reset read transactions, the write-ahead log (store_wal.c), the
 * group commit (store_group.c) whose sync is an fdatasync of the log, and
 * the checkpoint job.
 *
 * Durability: the env runs with MDB_NOSYNC, so mdb_txn_commit on the loop
 * thread only writes to the page cache. Every write transaction's puts and
 * deletes also go to the log, written (page cache) before the LMDB commit;
 * a commit is acknowledged (its callback called with STORE_OK) only after a
 * later fdatasync of the log completed. The sync of a commit's record is
 * queued as soon as the record is written, before the LMDB commit, which then
 * runs beside the fdatasync (group flush hook: log; apply hook: commit). data.mdb is fdatasync'd by the
 * checkpoint (a worker job started when the log switches files, every
 * STORE_WAL_SWITCH bytes by default), at open after a replay, and at close. Opening
 * replays the log's live records (store_wal.h says why that is correct).
 * Commits made while a sync runs are LMDB child transactions of one batch,
 * written out together just before the next sync (see "batching" below).
 *
 * Keys of any length up to STORE_MAX_KEY: get/put/del/scan go through
 * store_lmdb_keys.c, which keeps keys over 500 bytes as chains of chunks in
 * the internal long-key database (opened, created if needed, at store open).
 *
 * Keyspaces are LMDB named databases. Invariants of the handle cache:
 *  - b->ks[0..nks) are handles exported to the env, in creation order; the
 *    cache only grows, and only when a write transaction commits;
 *  - a transaction sees b->ks[0..t->gen) (gen = nks at its begin): a keyspace
 *    created after a read transaction began is not in its snapshot, and LMDB
 *    would reject its handle there, so it reads as empty;
 *  - a keyspace first written by a write transaction is opened (MDB_CREATE)
 *    inside that transaction and kept in t->fresh; LMDB makes the handle
 *    permanent only if that transaction commits, and so does this cache;
 *  - existing keyspaces are all opened once at store open, so reads never
 *    need to open a handle (which LMDB allows only one transaction at a time).
 *
 * A write that fails (map full, disk full, I/O) aborts the LMDB transaction
 * on the spot: nothing of it is applied, the writer lock is released, and
 * the transaction object answers that error until commit/abort frees it.
 * LMDB reports a short write at commit as EIO; commit_err() calls it disk
 * full when the filesystem is nearly out of space.
 *
 * Space freed by transaction N becomes reusable only from transaction N+2
 * (LMDB keeps the previous snapshot intact). So that a delete frees space for
 * the very next write when the map is nearly full, each commit made while
 * the map is over 3/4 used is followed by a tiny internal commit (advance()),
 * in a database whose name is too long to be a keyspace. */
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <lmdb.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/alloc.h"
#include "core/log.h"
#include "core/startup.h"
#include "core/util.h"
#include "store/store_backend.h"
#include "store/store_group.h"
#include "store/store_lmdb_keys.h"
#include "store/store_lmdb_resident.h"
#include "store/store_wal.h"

#define LMDB_MAX_DBS      257                   /* 256 for callers + the at-rest keyring (store_crypto.h) */
#define LMDB_DEFAULT_MAP  ((size_t)64 << 30)    /* 64 GiB, sparse */
#define LMDB_READ_POOL    16                    /* reset read txns kept */
#define LMDB_LOW_SPACE    ((uint64_t)4 << 20)    /* see commit_err() */
#define LMDB_BATCH_MAX    512                   /* commits per deferred LMDB transaction */
/* Longer than STORE_MAX_KEYSPACE, so no caller can name it (ks_load skips it). */
#define LMDB_ADVANCE_DB   "store.internal.advance-past-freed-pages.not-a-keyspace.see-store_lmdb.c"

typedef struct ks_entry {
    char name[STORE_MAX_KEYSPACE + 1];
    MDB_dbi dbi;
} ks_entry_t;

typedef struct lmdb_store lmdb_store_t;

typedef struct pending {
    store_durable_fn cb;
    void *arg;
} pending_t;

typedef struct lmdb_txn {
    store_txn_t base;          /* first: store.c's header */
    lmdb_store_t *b;
    MDB_txn *mt;               /* NULL once a failed write aborted it */
    int err;                   /* sticky failure of a write, or STORE_OK */
    size_t gen;                /* b->ks[0..gen) visible */
    ks_entry_t *fresh;         /* keyspaces created by this write txn */
    size_t nfresh, capfresh;
    int nested;                /* writes straight into b->batch (mt == b->batch) */
    int dirty;                 /* nested: has changed b->batch (undo needed to discard it) */
    int scanning;              /* inside a scan of this txn (its cursors are open) */
    struct lmdb_txn *next;     /* read pool link */
} lmdb_txn_t;

typedef struct bg_job bg_job_t;

struct lmdb_store {
    MDB_env *env;
    store_group_t *group;
    uv_loop_t *loop;
    store_wal_t *wal;          /* a write txn's ops are its open record there */
    bg_job_t *ckpt;            /* the checkpoint running, or NULL */
    bg_job_t *prefill;         /* the log prefill running, or NULL */
    bg_job_t *creation;        /* a new store's first syncs running, or NULL */
    uv_mutex_t cmu;            /* guards the two below */
    uv_cond_t ccv;             /* signalled when created_durable becomes 1 */
    int created_durable;       /* 1: nothing of open()'s creation left to sync */
    int creation_rc;           /* a store_status: the creation's syncs' result */
    ks_entry_t ks[LMDB_MAX_DBS];
    size_t nks;
    MDB_dbi deep;              /* STORE_LMDB_LONG_DB: the chunks of long keys */
    lmdb_txn_t *writer;        /* the open write txn, or NULL */
    MDB_txn *batch;            /* deferred commits (see "batching" below), or NULL */
    MDB_txn *applying;         /* a batch whose records lmdb_flush logged, for lmdb_apply */
    MDB_txn *direct;           /* a top-level commit's txn, logged, for lmdb_apply */
    pending_t direct_cb;       /* its durability callback */
    int direct_rc;             /* its commit's result (a store_status) */
    size_t batch_n;            /* commits merged into batch */
    pending_t *pend;           /* their durability callbacks */
    size_t npend, cappend;
    ks_entry_t *bfresh;        /* keyspaces created by commits in batch */
    size_t nbfresh, capbfresh;
    void (*lost)(void *);      /* store.c's hook for a failed flush */
    void *lost_arg;
    lmdb_txn_t *spare_writer;  /* freed write txn object, reused */
    lmdb_txn_t *read_pool;     /* reset read txns ready for renew */
    size_t nread_pool;
    size_t psize;              /* LMDB page size */
    char path[4096];           /* DIR/store */
    uint64_t advances;         /* internal commits made by advance() */
    int read_only;             /* store_options_t.read_only */
    int owner_fd;              /* DIR/store/owner.lock, flock'ed while open (writers), or -1 */
    store_resident_t *resident; /* the bound on the map's resident pages, or NULL */
};

static atomic_uint_fast64_t sync_count;

uint64_t store_lmdb_sync_count(void)
{
    return (uint64_t)atomic_load(&sync_count);
}

/* LMDB / errno code → store_status. */
static int map_err(int rc)
{
    switch (rc) {
    case MDB_SUCCESS:   return STORE_OK;
    case MDB_NOTFOUND:  return STORE_NOTFOUND;
    case MDB_MAP_FULL:
    case MDB_TXN_FULL:  /* too many dirty pages for one transaction */
    case MDB_DBS_FULL:  /* more than LMDB_MAX_DBS keyspaces */
    case MDB_PAGE_FULL:
    case ENOSPC:
    case EDQUOT:        return STORE_ERR_FULL;
    default:            return STORE_ERR_IO;
    }
}

/* map_err, logging anything that is not an ordinary answer. */
static int report(const char *what, int rc)
{
    int s = map_err(rc);
    if (s == STORE_ERR_IO)
        nb_log_error("store", "lmdb %s: %s", what, mdb_strerror(rc));
    else if (s == STORE_ERR_FULL)
        nb_log_warn("store", "lmdb %s: %s", what, mdb_strerror(rc));
    return s;
}

/* Runs on a libuv worker (store_group.c): fdatasync of the log files that
 * lmdb_flush fixed (store__wal_prepare_sync). */
static int creation_wait(lmdb_store_t *b);

static int lmdb_sync(void *ctx)
{
    lmdb_store_t *b = ctx;
    int rc = creation_wait(b);
    if (rc != STORE_OK) return rc;
    rc = store__wal_sync(b->wal);
    if (rc != 0) return report("sync", rc);
    atomic_fetch_add(&sync_count, 1);
    return STORE_OK;
}

/* ---- background jobs: checkpoint and log prefill ---------------------------
 * Checkpoint, started by lmdb_flush when the log switched files: fdatasync
 * data.mdb (on a worker, next to commits on the loop thread, as
 * mdb_env_sync allows), which makes every commit of the old file durable
 * there, then mark the old file retired. Prefill: extend the active log
 * file with zeros ahead of its records (store__wal_prefill). Both run beside
 * the group's log syncs, never delaying them; at most one of each at a time. */

typedef struct bg_job {
    uv_work_t req;
    lmdb_store_t *b;           /* NULL once detached by close */
    struct bg_job **slot;      /* &b->ckpt or &b->prefill */
    int (*run)(lmdb_store_t *b);
    void (*finish)(lmdb_store_t *b, int rc);
    int rc;
    int done;                  /* guarded by mu */
    uv_mutex_t mu;
    uv_cond_t cv;
} bg_job_t;

static void bg_work(uv_work_t *req)
{
    bg_job_t *job = (bg_job_t *)req;
    int rc = job->run(job->b);
    uv_mutex_lock(&job->mu);
    job->rc = rc;
    job->done = 1;
    uv_cond_signal(&job->cv);
    uv_mutex_unlock(&job->mu);
}

static void bg_finish(bg_job_t *job)
{
    lmdb_store_t *b = job->b;
    *job->slot = NULL;
    job->finish(b, job->rc);
}

static void bg_after(uv_work_t *req, int status)
{
    (void)status;              /* never cancelled */
    bg_job_t *job = (bg_job_t *)req;
    if (job->b) bg_finish(job);
    uv_mutex_destroy(&job->mu);
    uv_cond_destroy(&job->cv);
    free(job);
}

static void bg_start(lmdb_store_t *b, bg_job_t **slot, int (*run)(lmdb_store_t *),
                     void (*finish)(lmdb_store_t *, int))
{
    bg_job_t *job = nb_xcalloc(1, sizeof *job);
    job->b = b;
    job->slot = slot;
    job->run = run;
    job->finish = finish;
    if (uv_mutex_init(&job->mu) != 0 || uv_cond_init(&job->cv) != 0) abort();
    *slot = job;
    if (uv_queue_work(b->loop, &job->req, bg_work, bg_after) != 0) abort();
}

/* close: wait for a running job and take its result now; the job is freed
 * by bg_after on the loop's next run. */
static void bg_wait(bg_job_t *job)
{
    if (!job) return;
    uv_mutex_lock(&job->mu);
    while (!job->done) uv_cond_wait(&job->cv, &job->mu);
    uv_mutex_unlock(&job->mu);
    bg_finish(job);
    job->b = NULL;
}

/* A checkpoint writes data.mdb back one slice at a time before the
 * fdatasync that makes it durable. One fdatasync alone queues every page
 * dirtied since the previous checkpoint (up to the whole file) at once, and
 * the group's log syncs, queued behind them, wait that long: PutItem's p99.
 * sync_file_range (write, then wait) on one slice at a time keeps at most
 * CKPT_SLICE bytes of the checkpoint ahead of a log sync. It is pacing
 * only: it flushes neither metadata nor the disk's cache, so the final
 * mdb_env_sync (fdatasync) still gives the guarantee, with little left to
 * write. */
#define CKPT_SLICE ((off_t)4 << 20)

static void ckpt_write_back(lmdb_store_t *b)
{
    mdb_filehandle_t fd;
    struct stat st;
    if (mdb_env_get_fd(b->env, &fd) != 0 || fstat(fd, &st) != 0) return;
    for (off_t off = 0; off < st.st_size; off += CKPT_SLICE)
        if (sync_file_range(fd, off, CKPT_SLICE, SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
                                                 SYNC_FILE_RANGE_WAIT_AFTER) != 0)
            return;            /* the fdatasync below reports what matters */
}

static int ckpt_run(lmdb_store_t *b)
{
    ckpt_write_back(b);
    int rc = mdb_env_sync(b->env, 1);
    return rc ? rc : store__wal_retire_old(b->wal);
}

static void ckpt_done(lmdb_store_t *b, int rc)
{
    if (rc != 0) report("checkpoint", rc);      /* retried at the next sync */
    store__wal_checkpoint_done(b->wal, rc == 0);
}

static int prefill_run(lmdb_store_t *b)
{
    return store__wal_prefill(b->wal);
}

static void prefill_done(lmdb_store_t *b, int rc)
{
    (void)b;
    if (rc != 0) report("log prefill", rc);    /* only slower syncs: appends */
}

/* ---- keyspace handles -------------------------------------------------- */

static int ks_find(const ks_entry_t *v, size_t n, const char *ks, MDB_dbi *dbi)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].name, ks) == 0) {
            *dbi = v[i].dbi;
            return 1;
        }
    return 0;
}

/* The handle of keyspace ks as t sees it. create (write txns only): create
 * the keyspace in t if it does not exist. MDB_NOTFOUND: no such keyspace. */
static int ks_handle(lmdb_txn_t *t, const char *ks, int create, MDB_dbi *dbi)
{
    if (ks_find(t->b->ks, t->gen, ks, dbi)) return MDB_SUCCESS;
    if (t->nested && ks_find(t->b->bfresh, t->b->nbfresh, ks, dbi)) return MDB_SUCCESS;
    if (ks_find(t->fresh, t->nfresh, ks, dbi)) return MDB_SUCCESS;
    if (!create) return MDB_NOTFOUND;
    if (t->b->nks + t->b->nbfresh + t->nfresh >= LMDB_MAX_DBS) return MDB_DBS_FULL;
    int rc = mdb_dbi_open(t->mt, ks, MDB_CREATE, dbi);
    if (rc != MDB_SUCCESS) return rc;
    if (t->nfresh == t->capfresh) {
        t->capfresh = t->capfresh ? t->capfresh * 2 : 4;
        t->fresh = nb_xrealloc(t->fresh, t->capfresh * sizeof *t->fresh);
    }
    snprintf(t->fresh[t->nfresh].name, sizeof t->fresh[0].name, "%s", ks);
    t->fresh[t->nfresh].dbi = *dbi;
    t->nfresh++;
    return MDB_SUCCESS;
}

/* Open every existing keyspace once (a short write transaction). */
static int ks_load(lmdb_store_t *b)
{
    MDB_txn *txn;
    MDB_dbi main_dbi;
    MDB_cursor *c;
    int rc = mdb_txn_begin(b->env, NULL, b->read_only ? MDB_RDONLY : 0, &txn);
    if (rc != 0) return rc;
    rc = mdb_dbi_open(txn, NULL, 0, &main_dbi);
    if (rc == 0) rc = mdb_cursor_open(txn, main_dbi, &c);
    if (rc != 0) {
        mdb_txn_abort(txn);
        return rc;
    }
    /* Collect names first: opening a handle looks the name up in main. */
    char (*names)[STORE_MAX_KEYSPACE + 1] = nb_xcalloc(LMDB_MAX_DBS, sizeof *names);
    size_t n = 0;
    MDB_val k, v;
    for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0 && n < LMDB_MAX_DBS;
         rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
        if (k.mv_size == 0 || k.mv_size > STORE_MAX_KEYSPACE) continue;
        if (memchr(k.mv_data, 0, k.mv_size)) continue;
        memcpy(names[n], k.mv_data, k.mv_size);
        names[n][k.mv_size] = 0;
        n++;
    }
    mdb_cursor_close(c);
    if (rc == MDB_NOTFOUND || rc == 0) rc = 0;
    if (rc == 0) rc = mdb_dbi_open(txn, STORE_LMDB_LONG_DB, b->read_only ? 0 : MDB_CREATE, &b->deep);
    if (rc == MDB_NOTFOUND && b->read_only) rc = 0;    /* no long key was ever stored */
    for (size_t i = 0; i < n && rc == 0; i++) {
        MDB_dbi dbi;
        int orc = mdb_dbi_open(txn, names[i], 0, &dbi);
        if (orc != 0) {        /* not one of ours: leave it alone */
            nb_log_warn("store", "lmdb: skipping database \"%s\": %s", names[i], mdb_strerror(orc));
            continue;
        }
        snprintf(b->ks[b->nks].name, sizeof b->ks[0].name, "%s", names[i]);
        b->ks[b->nks].dbi = dbi;
        b->nks++;
    }
    free(names);
    if (rc != 0) {
        mdb_txn_abort(txn);
        return rc;
    }
    return mdb_txn_commit(txn);
}

/* ---- open / close ------------------------------------------------------ */

/* fsync a directory so that the files just created in it survive power loss
 * (fdatasync of data.mdb makes its contents durable, not its name): 0 or errno. */
static int sync_dir(const char *path)
{
    return nb_fsync_dir(path) == 0 ? 0 : errno;
}

static int lmdb_flush(void *ctx);
static void lmdb_apply(void *ctx);

/* LMDB_DEFAULT_MAP, or NIMBUS_STORE_MAP_SIZE (bytes) when set: valgrind's
 * address-space manager refuses a 64 GiB mapping, so tests run under it set
 * a smaller one. */
static size_t default_map_size(void)
{
    const char *e = getenv("NIMBUS_STORE_MAP_SIZE");
    char *end;
    unsigned long long v = e && *e ? strtoull(e, &end, 10) : 0;
    return v >= (1u << 20) && e && *end == 0 ? (size_t)v : LMDB_DEFAULT_MAP;
}

/* The start time of process pid in clock ticks after boot (/proc/PID/stat's
 * 22nd field), 0 when it cannot be read; *zombie set when it has exited but
 * is not reaped yet. -1 when there is no such process. */
static long long proc_start_time(long pid, int *zombie)
{
    char path[48], stat[1024];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    int sfd = open(path, O_RDONLY | O_CLOEXEC);
    if (sfd < 0) return errno == ENOENT ? -1 : 0;
    ssize_t m = read(sfd, stat, sizeof stat - 1);
    close(sfd);
    *zombie = 0;
    if (m <= 0) return -1;
    stat[m] = 0;
    const char *p = strrchr(stat, ')');       /* "PID (COMM) STATE PPID … STARTTIME …" */
    if (!p || p[1] != ' ') return 0;
    p += 2;
    *zombie = *p == 'Z' || *p == 'X';
    for (int field = 3; field < 22 && p; field++) {
        p = strchr(p, ' ');
        if (p) p++;
    }
    return p ? strtoll(p, NULL, 10) : 0;
}

/* Whether the nimbus that wrote "PID STARTTIME" into the lock file still runs
 * (a zombie does not: it holds no descriptor; nor does a process that got the
 * same pid later, which the start time tells apart). */
static int owner_alive(int fd)
{
    char buf[48];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0) return 1;                      /* no pid recorded: assume it runs */
    buf[n] = 0;
    char *end;
    long pid = strtol(buf, &end, 10);
    long long recorded = *end == ' ' ? strtoll(end + 1, &end, 10) : 0;
    if (pid <= 0 || (*end != '\n' && *end != 0)) return 1;
    int zombie = 0;
    long long started = proc_start_time(pid, &zombie);
    if (started < 0)   /* gone, unless this process cannot see /proc at all (then assume it runs) */
        return access("/proc/self/stat", R_OK) != 0;
    if (zombie) return 0;
    return !(recorded > 0 && started > 0 && started != recorded);
}

#define OWNER_GONE_WAIT_MS 3000    /* how long a dead owner's last processes may hold the lock */

/* One writing process per store: the log and the group commit assume it.
 * An exclusive flock on DIR/store/owner.lock, held until close (the kernel
 * drops it when the last copy of the descriptor goes), with the owner's pid
 * and start time in it. EBUSY when another running process holds it. When the recorded
 * owner is gone (kill -9), a process it had just cloned may still hold a
 * copy for a few milliseconds, until it execs or dies with it: wait for
 * that rather than refuse the restart. */
static int take_ownership(lmdb_store_t *b)
{
    char lock[sizeof b->path + 16];
    snprintf(lock, sizeof lock, "%s/owner.lock", b->path);
    int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return errno;
    for (int waited = 0; flock(fd, LOCK_EX | LOCK_NB) != 0; waited += 5) {
        int e = errno;
        if (e == EWOULDBLOCK && waited < OWNER_GONE_WAIT_MS && !owner_alive(fd)) {
            struct timespec ts = { 0, 5 * 1000 * 1000 };
            nanosleep(&ts, NULL);
            continue;
        }
        close(fd);
        if (e != EWOULDBLOCK) return e;
        nb_log_error("store", "%s is in use by another nimbus process (only one may write a data directory)",
                     b->path);
        return EBUSY;
    }
    char pid[48];
    int zombie;
    long long started = proc_start_time((long)getpid(), &zombie);
    int n = snprintf(pid, sizeof pid, "%ld %lld\n", (long)getpid(), started > 0 ? started : 0);
    if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)n, 0) != n) { /* a hint only: keep going */ }
    b->owner_fd = fd;
    return 0;
}

/* ---- replay of the log at open -------------------------------------------- */

typedef struct replay {
    lmdb_store_t *b;
    MDB_txn *txn;
    struct { char name[STORE_MAX_KEYSPACE + 1]; MDB_dbi dbi; } ks[LMDB_MAX_DBS];
    size_t nks;
    size_t recs;               /* records in txn */
} replay_t;

#define REPLAY_CHUNK 4096      /* records per LMDB transaction */

static int replay_op(void *arg, const store_wal_op_t *op)
{
    replay_t *r = arg;
    int rc = 0;
    if (!r->txn) {             /* begun at the first op: nothing to replay costs no transaction */
        if ((rc = mdb_txn_begin(r->b->env, NULL, 0, &r->txn)) != 0) return rc;
        if ((rc = mdb_dbi_open(r->txn, STORE_LMDB_LONG_DB, MDB_CREATE, &r->b->deep)) != 0) return rc;
    }
    store_lk_t lk = { r->txn, 0, r->b->deep };
    size_t i = 0;
    while (i < r->nks && strcmp(r->ks[i].name, op->ks) != 0) i++;
    if (i == r->nks) {
        if (i == LMDB_MAX_DBS || strlen(op->ks) > STORE_MAX_KEYSPACE) return MDB_DBS_FULL;
        rc = mdb_dbi_open(r->txn, op->ks, MDB_CREATE, &r->ks[i].dbi);
        if (rc != 0) return rc;
        snprintf(r->ks[i].name, sizeof r->ks[i].name, "%s", op->ks);
        r->nks++;
    }
    lk.top = r->ks[i].dbi;
    if (op->type == STORE_WAL_DEL) {
        rc = store__lk_del(&lk, op->key, op->klen);
        return rc == MDB_NOTFOUND ? 0 : rc;
    }
    MDB_val v = { op->vlen, (void *)op->val };
    return store__lk_put(&lk, op->key, op->klen, &v);
}

static int replay_rec(void *arg)
{
    replay_t *r = arg;
    if (++r->recs < REPLAY_CHUNK || !r->txn) return 0;
    int rc = mdb_txn_commit(r->txn);
    r->txn = NULL;
    r->recs = 0;
    return rc;
}

/* Replay the log into the env, make the result durable, start a fresh log. */
static int wal_recover(lmdb_store_t *b)
{
    replay_t *r = nb_xcalloc(1, sizeof *r);
    r->b = b;
    uint64_t n = 0;
    int rc = store__wal_replay(b->wal, replay_op, replay_rec, r, &n);
    if (r->txn) {
        if (rc == 0) rc = mdb_txn_commit(r->txn);
        else mdb_txn_abort(r->txn);
    }
    free(r);
    if (rc == 0 && n) {
        rc = mdb_env_sync(b->env, 1);
        nb_log_info("store", "replayed %llu committed transactions from the write-ahead log",
                    (unsigned long long)n);
    }
    if (rc == 0) rc = store__wal_start(b->wal);
    return rc;
}

/* A new store's files and first pages made durable (data.mdb, then the
 * directory DIR/store) on a worker, while the opening thread goes on with
 * the services' start. Whatever depends on them waits for created_durable:
 * every log sync (lmdb_sync), so no commit is reported durable before the
 * store it is in, and lmdb_settle, which `nimbus up` calls before it
 * reports ready. */
static int creation_run(lmdb_store_t *b)
{
    int rc = mdb_env_sync(b->env, 1);
    if (rc == 0) rc = sync_dir(b->path);
    nb_startup_mark("store: new files and directories synced");
    uv_mutex_lock(&b->cmu);
    b->creation_rc = rc == 0 ? STORE_OK : report("create", rc);
    b->created_durable = 1;
    uv_cond_broadcast(&b->ccv);
    uv_mutex_unlock(&b->cmu);
    return rc;
}

static void creation_finish(lmdb_store_t *b, int rc)
{
    (void)b;
    (void)rc;                  /* reported by creation_run */
}

/* Wait for a new store's creation syncs; their result. Any thread. */
static int creation_wait(lmdb_store_t *b)
{
    uv_mutex_lock(&b->cmu);
    while (!b->created_durable) uv_cond_wait(&b->ccv, &b->cmu);
    int rc = b->creation_rc;
    uv_mutex_unlock(&b->cmu);
    return rc;
}

static int lmdb_settle(void *impl)
{
    return creation_wait(impl);
}

static int lmdb_open(void **impl, uv_loop_t *loop, const char *dir, const store_options_t *opts)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/store", dir) >= (int)sizeof path) return STORE_ERR_INVALID;
    if (nb_mkdir_p(path) != 0) {
        int e = errno;
        nb_log_error("store", "mkdir %s: %s", path, strerror(e));
        return map_err(e);
    }
    lmdb_store_t *b = nb_xcalloc(1, sizeof *b);
    if (uv_mutex_init(&b->cmu) != 0 || uv_cond_init(&b->ccv) != 0) abort();
    b->created_durable = 1;    /* until a new store's creation_run starts */
    b->loop = loop;
    b->read_only = opts->read_only;
    b->owner_fd = -1;
    snprintf(b->path, sizeof b->path, "%s", path);
    char data_file[sizeof b->path + 16];
    struct stat st_data;
    snprintf(data_file, sizeof data_file, "%s/data.mdb", path);
    int existed = stat(data_file, &st_data) == 0;
    int rc = b->read_only ? (existed ? 0 : ENOENT) : take_ownership(b);
    if (rc == 0) rc = mdb_env_create(&b->env);
    if (rc == 0) rc = mdb_env_set_maxdbs(b->env, LMDB_MAX_DBS + 2);  /* + advance(), long keys */
    if (rc == 0) rc = mdb_env_set_mapsize(b->env, opts->map_size ? opts->map_size : default_map_size());
    if (rc == 0) rc = mdb_env_open(b->env, path, MDB_NOSYNC | MDB_NOTLS | (b->read_only ? MDB_RDONLY : 0), 0600);
    nb_startup_mark("store: lock taken, LMDB environment open%s", existed ? "" : " (created)");
    if (rc == 0 && mdb_env_get_maxkeysize(b->env) < STORE_LMDB_DIRECT + 2) {
        nb_log_error("store", "lmdb: keys of %d bytes needed, this LMDB allows %d",
                     STORE_LMDB_DIRECT + 2, mdb_env_get_maxkeysize(b->env));
        rc = EINVAL;
    }
    if (rc == 0) {
        int dead = 0;      /* reader slots of a killed process */
        rc = mdb_reader_check(b->env, &dead);
        if (dead) nb_log_info("store", "lmdb: cleared %d stale reader slots", dead);
    }
    /* a reader beside the owning daemon leaves the log alone */
    if (rc == 0) rc = store__wal_open(&b->wal, opts->no_sync || b->read_only ? NULL : path);
    if (rc == 0) store__wal_set_switch(b->wal, opts->log_switch_bytes);
    if (rc == 0 && !b->read_only) rc = wal_recover(b);
    if (rc == 0) rc = ks_load(b);
    nb_startup_mark("store: log opened and replayed, keyspaces loaded");
    /* A new store: its files and first pages made durable on a worker
     * (creation_run, started below), waited for by lmdb_settle. An existing
     * one: the log's fresh header (and a retired mark) are made durable by
     * the group's first sync (enqueued below) without delaying start-up. */
    if (rc == 0 && existed && store__wal_created(b->wal)) rc = sync_dir(path);
    /* dir's entry for DIR/store: synced by store_open (store_backend.h) */
    nb_startup_mark("store: %s", existed ? "open (nothing synced)" : "new files written (their syncs started)");
    if (rc == 0) {
        MDB_stat st;
        rc = mdb_env_stat(b->env, &st);
        b->psize = st.ms_psize;
    }
    if (rc != 0) {
        int s = rc == EBUSY ? STORE_ERR_IO : report("open", rc);
        store__wal_close(b->wal, 0);
        if (b->env) mdb_env_close(b->env);
        if (b->owner_fd >= 0) close(b->owner_fd);
        uv_mutex_destroy(&b->cmu);
        uv_cond_destroy(&b->ccv);
        free(b);
        return s;
    }
    b->resident = store__resident_new(b->env, opts->resident_max);
    b->group = store__group_new(loop, opts->no_sync || b->read_only ? NULL : lmdb_sync,
                                lmdb_flush, lmdb_apply, b);
    /* Enqueued, not started: the first commit's sync (or close) covers it.
     * Starting it here made the main thread wait for libuv's pool to come up
     * (uv_queue_work's once-initialisation: ~1.5 ms of a restart). Nothing
     * needs it sooner: until a record is written under the fresh header the
     * old one replays the same records again (replay is idempotent,
     * store_wal.h), and the fdatasync that makes any later record durable
     * covers the header page of its file. */
    if (existed) store__group_enqueue(b->group, NULL, NULL, STORE_OK);
    else {
        b->created_durable = 0;
        bg_start(b, &b->creation, creation_run, creation_finish);
    }
    *impl = b;
    return STORE_OK;
}

static void txn_free(lmdb_txn_t *t)
{
    free(t->fresh);
    free(t);
}

static void ks_push(ks_entry_t **v, size_t *n, size_t *cap, const ks_entry_t *e)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 4;
        *v = nb_xrealloc(*v, *cap * sizeof **v);
    }
    (*v)[(*n)++] = *e;
}

static void discard_writes(lmdb_txn_t *t);

static void lmdb_close(void *impl)
{
    lmdb_store_t *b = impl;
    if (b->writer) {                   /* caller bug: a txn left open */
        lmdb_txn_t *w = b->writer;
        discard_writes(w);
        txn_free(w);
        b->writer = NULL;
    }
    bg_wait(b->creation);
    store__group_close(b->group);       /* flushes the batch, runs every pending callback */
    bg_wait(b->ckpt);
    bg_wait(b->prefill);
    /* everything in data.mdb: the log is not needed at the next open */
    int rc = b->wal && !b->read_only ? mdb_env_sync(b->env, 1) : 0;
    if (rc != 0) report("sync", rc);
    store__wal_close(b->wal, rc == 0);
    if (b->spare_writer) txn_free(b->spare_writer);
    while (b->read_pool) {
        lmdb_txn_t *t = b->read_pool;
        b->read_pool = t->next;
        mdb_txn_abort(t->mt);
        txn_free(t);
    }
    store__resident_free(b->resident);
    mdb_env_close(b->env);
    if (b->owner_fd >= 0) close(b->owner_fd);  /* releases the flock */
    uv_mutex_destroy(&b->cmu);
    uv_cond_destroy(&b->ccv);
    free(b->pend);
    free(b->bfresh);
    free(b);
}

/* ---- batching -----------------------------------------------------------
 *
 * While a sync is in flight (store__group_busy), a commit's callback waits
 * for the next sync whatever we do, so there is no hurry to write its pages:
 * write transactions then write straight into one open top-level LMDB
 * transaction, b->batch. A commit only seals its log record (no LMDB call);
 * the batch is committed — one page flush for all its commits — by
 * batch_flush():
 *
 *   sync about to start                     → its records to the log (group
 *                                             flush hook: batch_log), the sync
 *                                             queued, then the LMDB commit
 *                                             beside it (apply hook: batch_apply)
 *   a read txn begins                       → flush first, so it sees every
 *                                             commit made before it
 *   LMDB_BATCH_MAX commits, or close        → flush
 *
 * A writer that aborts or fails after it changed the batch (t->dirty) must
 * leave nothing of itself: batch_undo() aborts b->batch and applies the
 * batch's commits again in a new one, from their sealed records still in the
 * log buffer (the records are exactly the batch's puts and deletes, which is
 * what replay after a crash relies on too), and that batch is flushed at
 * once, so an undo never re-applies more than the commits since the last
 * flush or undo. That is rare — a write that
 * fails or is abandoned after it wrote; a request that fails validation
 * aborts before writing — so the common commit costs no LMDB child
 * transaction (whose begin allocated and cleared ~2 MB of page lists).
 *
 *   state         event                       action
 *   no batch      begin_write, group idle      top-level txn (as without batching)
 *   no batch      begin_write, group busy      open b->batch; write into it
 *   batch         begin_write                  write into b->batch
 *   batch         commit                       seal the record; callback kept in b->pend
 *   batch         abort/failure, dirty         batch_undo(), then batch_flush
 *   batch         abort/failure, clean         nothing to undo
 *   batch         batch_flush                  commit b->batch; callbacks to the
 *                                              group (with the error if it failed)
 *   batch + open  begin_read                   rebase(): undo the writer's writes,
 *   writer                                     flush, replay the writer's writes
 *                                              (its open record) in a top-level txn
 *
 * A flush that fails (EIO, disk full) fails every commit of the batch: their
 * callbacks get the error, as after a failed fdatasync; so does an undo whose
 * re-application fails. No other write transaction may begin while b->batch
 * is open (LMDB has one writer), so advance() runs only after a flush. */

static int commit_err(lmdb_store_t *b, int rc);
static void advance(lmdb_store_t *b);
static int batch_done(lmdb_store_t *b, int st);

/* Write the batch's sealed records to the log and keep the batch in
 * b->applying for batch_apply (nothing may begin in between). 1 when there
 * is a batch to apply; 0 when there was none, or it failed (its commits
 * got the error). */
static int batch_log(lmdb_store_t *b)
{
    if (!b->batch) return 0;
    MDB_txn *p = b->batch;
    b->batch = NULL;
    if (!b->batch_n) {
        mdb_txn_abort(p);
        b->nbfresh = 0;
        return 0;
    }
    int rc = store__wal_write(b->wal);
    if (rc != 0) {
        mdb_txn_abort(p);              /* not logged: not applied either */
        batch_done(b, commit_err(b, rc));
        return 0;
    }
    b->applying = p;
    return 1;
}

/* Commit the logged batch: its page write-out. On failure its records are
 * cut off the log again, and that is synced here before any of its commits
 * hears of the failure: a sync may already be running over those records
 * (lmdb_apply runs beside it), and a commit reported failed must not come
 * back at the next replay. STORE_OK or the error its commits all got. */
static int batch_apply(lmdb_store_t *b)
{
    if (!b->applying) return STORE_OK;
    MDB_txn *p = b->applying;
    b->applying = NULL;
    int rc = mdb_txn_commit(p);        /* frees p, also on failure */
    if (rc == 0) {
        for (size_t i = 0; i < b->nbfresh; i++) b->ks[b->nks++] = b->bfresh[i];
        return batch_done(b, STORE_OK);
    }
    store__wal_unwrite(b->wal);
    int src = store__wal_sync_active(b->wal);
    if (src != 0) report("log sync", src);
    return batch_done(b, commit_err(b, rc));
}

/* The batch's end: its callbacks to the group with st. */
static int batch_done(lmdb_store_t *b, int st)
{
    b->nbfresh = 0;
    for (size_t i = 0; i < b->npend; i++) store__group_enqueue(b->group, b->pend[i].cb, b->pend[i].arg, st);
    b->npend = 0;
    b->batch_n = 0;
    if (st == STORE_OK) advance(b);
    else if (b->lost) b->lost(b->lost_arg);
    return st;
}

/* Log and commit the batch at once (no sync involved); STORE_OK or the
 * error its commits all got. */
static int batch_flush(lmdb_store_t *b)
{
    return batch_log(b) ? batch_apply(b) : STORE_OK;
}

/* Apply one op of a batched commit's record again, in the new b->batch. */
static int redo_op(void *arg, const store_wal_op_t *op)
{
    lmdb_store_t *b = arg;
    store_lk_t lk = { b->batch, 0, b->deep };
    int rc;
    if (!ks_find(b->ks, b->nks, op->ks, &lk.top) && !ks_find(b->bfresh, b->nbfresh, op->ks, &lk.top)) {
        if (b->nks + b->nbfresh >= LMDB_MAX_DBS) return MDB_DBS_FULL;
        ks_entry_t e;
        snprintf(e.name, sizeof e.name, "%s", op->ks);
        if ((rc = mdb_dbi_open(b->batch, op->ks, MDB_CREATE, &e.dbi)) != 0) return rc;
        ks_push(&b->bfresh, &b->nbfresh, &b->capbfresh, &e);
        lk.top = e.dbi;
    }
    if (op->type == STORE_WAL_DEL) {
        rc = store__lk_del(&lk, op->key, op->klen);
        return rc == MDB_NOTFOUND ? MDB_SUCCESS : rc;
    }
    MDB_val v = { op->vlen, (void *)op->val };
    return store__lk_put(&lk, op->key, op->klen, &v);
}

/* The open writer changed b->batch and must leave nothing of it (its own
 * log record already cut off): abort the batch and re-apply its commits'
 * sealed records in a new one. STORE_OK, or the error every commit of the
 * batch then got (they are lost, as after a failed flush). */
static int batch_undo(lmdb_store_t *b)
{
    mdb_txn_abort(b->batch);           /* closes the handles created in it */
    b->batch = NULL;
    b->nbfresh = 0;
    if (!b->batch_n) return STORE_OK;
    MDB_txn *nt = NULL;
    int rc = mdb_txn_begin(b->env, NULL, 0, &nt);
    if (rc == 0) {
        b->batch = nt;
        rc = store__wal_sealed_ops(b->wal, redo_op, b);
    }
    if (rc == 0) return STORE_OK;
    int st = report("undo", rc);
    if (b->batch) mdb_txn_abort(b->batch);
    b->batch = NULL;
    b->nbfresh = 0;
    store__wal_drop_sealed(b->wal);
    for (size_t i = 0; i < b->npend; i++) store__group_enqueue(b->group, b->pend[i].cb, b->pend[i].arg, st);
    b->npend = 0;
    b->batch_n = 0;
    if (b->lost) b->lost(b->lost_arg);
    return st;
}

/* Forget what the batched writer t wrote (its record already cut off),
 * then commit the batch: the next undo re-applies only what came after, so
 * writers that keep aborting cost a flush each, not a replay of the whole
 * batch each. STORE_OK or the error the batch's commits got. */
static int discard_nested(lmdb_txn_t *t)
{
    int st = STORE_OK;
    if (t->dirty) {
        t->mt = NULL;
        st = batch_undo(t->b);
        if (st == STORE_OK) st = batch_flush(t->b);
    }
    t->mt = NULL;
    t->nfresh = 0;
    t->dirty = 0;
    return st;
}

static void discard_writes(lmdb_txn_t *t)
{
    store__wal_txn_abort(t->b->wal);
    if (t->nested) (void)discard_nested(t);
    else if (t->mt) mdb_txn_abort(t->mt);
    t->mt = NULL;
    t->nfresh = 0;
}

static void lmdb_set_lost_hook(void *impl, void (*fn)(void *), void *arg)
{
    lmdb_store_t *b = impl;
    b->lost = fn;
    b->lost_arg = arg;
}

/* Commit b->direct, a top-level write txn whose record is in the log (the
 * sync covering it possibly running already). Success: its callback goes
 * to the group (the running sync's, when called from lmdb_apply). Failure:
 * the record is cut off and that synced, as in batch_apply; the callback is
 * dropped (lmdb_commit returns the error instead). Result in b->direct_rc. */
static void direct_apply(lmdb_store_t *b)
{
    MDB_txn *mt = b->direct;
    b->direct = NULL;
    int rc = mdb_txn_commit(mt);       /* frees mt, also on failure */
    if (rc != 0) {
        store__wal_unwrite(b->wal);
        int src = store__wal_sync_active(b->wal);
        if (src != 0) report("log sync", src);
        b->direct_rc = commit_err(b, rc);
        return;
    }
    b->direct_rc = STORE_OK;
    store__group_enqueue(b->group, b->direct_cb.cb, b->direct_cb.arg, STORE_OK);
}

/* The group's flush hook: write the batch's records to the log and fix
 * what the coming sync covers. 1 when lmdb_apply has the batch to commit. */
static int lmdb_flush(void *ctx)
{
    lmdb_store_t *b = ctx;
    int deferred = batch_log(b) || b->direct;
    store__wal_prepare_sync(b->wal);
    return deferred;
}

/* The group's apply hook, the sync of the batch's records queued: commit
 * the batch (LMDB's page write-out, beside the log's fdatasync), then
 * switch log files and start a checkpoint when due — only now, so that a
 * checkpoint's data.mdb sync comes after every commit of the old file. */
static void lmdb_apply(void *ctx)
{
    lmdb_store_t *b = ctx;
    if (b->direct) direct_apply(b);
    (void)batch_apply(b);
    if (!b->ckpt && store__wal_should_switch(b->wal)) {
        int rc = store__wal_switch(b->wal);
        if (rc != 0) report("log switch", rc);
    }
    if (!b->ckpt && store__wal_old_live(b->wal)) bg_start(b, &b->ckpt, ckpt_run, ckpt_done);
    if (!b->prefill && store__wal_prefill_due(b->wal)) bg_start(b, &b->prefill, prefill_run, prefill_done);
}

static int begin_write(lmdb_store_t *b, lmdb_txn_t **out)
{
    if (b->read_only) return STORE_ERR_READONLY;
    if (b->writer) return STORE_ERR_INVALID;   /* one write txn at a time */
    if (b->batch && b->batch_n >= LMDB_BATCH_MAX) (void)batch_flush(b);
    if (!b->batch && store__group_busy(b->group)) {
        int rc = mdb_txn_begin(b->env, NULL, 0, &b->batch);
        if (rc != 0) {
            b->batch = NULL;
            return report("begin", rc);
        }
    }
    MDB_txn *mt = b->batch;
    if (!mt) {
        int rc = mdb_txn_begin(b->env, NULL, 0, &mt);
        if (rc != 0) return report("begin", rc);
    }
    lmdb_txn_t *t = b->spare_writer;
    b->spare_writer = NULL;
    if (!t) t = nb_xcalloc(1, sizeof *t);
    t->b = b;
    t->mt = mt;
    t->err = STORE_OK;
    t->gen = b->nks;
    t->nfresh = 0;
    t->nested = b->batch != NULL;
    t->dirty = 0;
    b->writer = t;
    store__wal_txn_begin(b->wal);
    *out = t;
    return STORE_OK;
}

static int fail_write(lmdb_txn_t *t, const char *what, int rc);

/* Re-apply one op of t's open log record in t's new transaction. */
static int rebase_op(void *arg, const store_wal_op_t *op)
{
    lmdb_txn_t *t = arg;
    store_lk_t lk = { t->mt, 0, t->b->deep };
    int rc = ks_handle(t, op->ks, op->type == STORE_WAL_PUT, &lk.top);
    if (rc == MDB_SUCCESS) {
        if (op->type == STORE_WAL_DEL) {
            rc = store__lk_del(&lk, op->key, op->klen);
        } else {
            MDB_val v = { op->vlen, (void *)op->val };
            rc = store__lk_put(&lk, op->key, op->klen, &v);
        }
    }
    if (rc == MDB_NOTFOUND && op->type == STORE_WAL_DEL) rc = MDB_SUCCESS;
    return rc;
}

/* A reader is about to begin while the open writer t writes into a batch
 * holding commits: flush the batch (without t's writes) so the reader sees
 * them, and carry t's writes so far (its open log record) over to a new
 * top-level transaction. Values t's caller got earlier are store.c's copies
 * (the codec decrypts into the txn's arena), so no pointer into the aborted
 * batch survives. */
static void rebase(lmdb_txn_t *t)
{
    lmdb_store_t *b = t->b;
    int dirty = t->dirty;
    int st = discard_nested(t);        /* the batch as its commits left it */
    t->nested = 0;
    if (st == STORE_OK) st = batch_flush(b);   /* writes the sealed records, keeps t's open one */
    if (st != STORE_OK) {              /* t may have sealed with a key that was lost */
        t->err = st;
        store__wal_txn_abort(b->wal);
        return;
    }
    t->gen = b->nks;
    int rc = mdb_txn_begin(b->env, NULL, 0, &t->mt);
    if (rc != 0) {
        t->mt = NULL;
        t->err = report("begin", rc);
        store__wal_txn_abort(b->wal);
        return;
    }
    rc = dirty ? store__wal_txn_ops(b->wal, rebase_op, t) : MDB_SUCCESS;
    if (rc != MDB_SUCCESS) fail_write(t, "rebase", rc);
}

static int begin_read(lmdb_store_t *b, lmdb_txn_t **out)
{
    if (b->batch && b->batch_n) {
        lmdb_txn_t *w = b->writer;
        if (w && w->nested && w->mt && w->scanning) {
            /* Begun from inside a scan callback of the batched writer: its
             * cursors pin the child, which cannot be rebased now. This reader
             * then misses the batch's commits; no caller does this. */
            nb_log_warn("store", "lmdb: read txn begun inside a write txn's scan; it may miss recent commits");
        } else if (w && w->nested && w->mt) {
            rebase(w);
        } else {
            (void)batch_flush(b);      /* no child open (a failed one is gone) */
        }
    }
    lmdb_txn_t *t = b->read_pool;
    if (t) {
        b->read_pool = t->next;
        b->nread_pool--;
        if (mdb_txn_renew(t->mt) != 0) {
            mdb_txn_abort(t->mt);
            t->mt = NULL;
        }
    } else {
        t = nb_xcalloc(1, sizeof *t);
    }
    if (!t->mt) {
        int rc = mdb_txn_begin(b->env, NULL, MDB_RDONLY, &t->mt);
        if (rc != 0) {
            txn_free(t);
            return report("begin read", rc);
        }
    }
    t->b = b;
    t->err = STORE_OK;
    t->gen = b->nks;
    t->next = NULL;
    *out = t;
    return STORE_OK;
}

static int lmdb_begin(void *impl, int flags, store_txn_t **out)
{
    lmdb_txn_t *t = NULL;
    store__resident_begin(((lmdb_store_t *)impl)->resident);
    int rc = flags == STORE_WRITE ? begin_write(impl, &t) : begin_read(impl, &t);
    if (rc == STORE_OK) *out = &t->base;
    return rc;
}

/* A read txn goes back to the pool with its reader slot, minus its snapshot. */
static void end_read(lmdb_txn_t *t)
{
    lmdb_store_t *b = t->b;
    if (b->nread_pool >= LMDB_READ_POOL) {
        mdb_txn_abort(t->mt);
        txn_free(t);
        return;
    }
    mdb_txn_reset(t->mt);
    t->next = b->read_pool;
    b->read_pool = t;
    b->nread_pool++;
}

/* The write txn object is kept for the next writer. */
static void end_write(lmdb_txn_t *t)
{
    lmdb_store_t *b = t->b;
    t->mt = NULL;
    t->nfresh = 0;
    t->nested = 0;
    t->dirty = 0;
    b->writer = NULL;
    if (b->spare_writer) txn_free(t);
    else b->spare_writer = t;
}

/* A write failed: abort now so nothing of it can be applied; t answers err. */
static int fail_write(lmdb_txn_t *t, const char *what, int rc)
{
    t->err = report(what, rc);
    discard_writes(t);             /* nested: t->nested stays, nothing left to undo */
    return t->err;
}

/* Nearly full map: commit a tiny transaction so that the pages the commit
 * just made freed are reusable by the next one. Best effort, no callback:
 * it is made durable by the next sync like any commit. */
static void advance(lmdb_store_t *b)
{
    MDB_envinfo info;
    if (mdb_env_info(b->env, &info) != 0) return;
    if ((info.me_last_pgno + 1) * b->psize < info.me_mapsize / 4 * 3) return;
    MDB_txn *txn;
    MDB_dbi dbi;
    if (mdb_txn_begin(b->env, NULL, 0, &txn) != 0) return;
    b->advances++;
    MDB_val k = { 1, "n" }, v = { sizeof b->advances, &b->advances };
    if (mdb_dbi_open(txn, LMDB_ADVANCE_DB, MDB_CREATE, &dbi) != 0 ||
        mdb_put(txn, dbi, &k, &v, 0) != 0) {
        mdb_txn_abort(txn);
        return;
    }
    mdb_txn_commit(txn);
}

/* LMDB turns a short write of the data file ("filesystem full?") into EIO.
 * A failed commit on a filesystem with almost no space left is disk-full:
 * STORE_ERR_FULL, so callers answer "no space" and retry after freeing. */
static int commit_err(lmdb_store_t *b, int rc)
{
    struct statvfs fs;
    if (rc == EIO && statvfs(b->path, &fs) == 0) {
        uint64_t avail = (uint64_t)(geteuid() == 0 ? fs.f_bfree : fs.f_bavail) * fs.f_frsize;
        if (avail < LMDB_LOW_SPACE) rc = ENOSPC;
    }
    return report("commit", rc);
}

/* A batched writer commits: its writes are in b->batch already; keep its
 * callback for the flush. */
static int commit_nested(lmdb_txn_t *t, store_durable_fn cb, void *arg)
{
    lmdb_store_t *b = t->b;
    store__wal_txn_seal(b->wal);       /* written out by batch_flush */
    for (size_t i = 0; i < t->nfresh; i++) ks_push(&b->bfresh, &b->nbfresh, &b->capbfresh, &t->fresh[i]);
    end_write(t);
    if (b->npend == b->cappend) {
        b->cappend = b->cappend ? b->cappend * 2 : 64;
        b->pend = nb_xrealloc(b->pend, b->cappend * sizeof *b->pend);
    }
    b->pend[b->npend++] = (pending_t){ cb, arg };
    b->batch_n++;
    if (!store__group_busy(b->group)) {        /* no sync to wait for after all */
        store__group_kick(b->group);           /* logs, syncs, applies beside the sync */
        if (b->batch) (void)batch_flush(b);    /* closing: no sync started, apply now */
    }
    return STORE_OK;
}

static int lmdb_commit(store_txn_t *bt, store_durable_fn cb, void *arg)
{
    lmdb_txn_t *t = (lmdb_txn_t *)bt;
    if (t->base.flags != STORE_WRITE) {
        end_read(t);
        return STORE_OK;
    }
    if (t->err != STORE_OK) {
        int err = t->err;
        store__wal_txn_abort(t->b->wal);
        end_write(t);
        return err;
    }
    if (t->nested) return commit_nested(t, cb, arg);
    lmdb_store_t *b = t->b;
    store__wal_txn_seal(b->wal);
    int rc = store__wal_write(b->wal);  /* the log first: see store_wal.h */
    if (rc != 0) {
        mdb_txn_abort(t->mt);
        t->nfresh = 0;
        end_write(t);
        return commit_err(b, rc);
    }
    b->direct = t->mt;
    b->direct_cb = (pending_t){ cb, arg };
    b->direct_rc = STORE_OK;
    t->mt = NULL;
    /* With the group idle, this queues the sync of the record just written
     * and then commits beside it (lmdb_apply → direct_apply); otherwise
     * (a sync running, or closing) the commit is made here. */
    if (!store__group_busy(b->group)) store__group_kick(b->group);
    if (b->direct) direct_apply(b);
    if (b->direct_rc != STORE_OK) {
        t->nfresh = 0;
        end_write(t);
        return b->direct_rc;
    }
    for (size_t i = 0; i < t->nfresh; i++)     /* ks_handle kept nks <= LMDB_MAX_DBS */
        b->ks[b->nks++] = t->fresh[i];
    end_write(t);
    advance(b);
    return STORE_OK;
}

static void lmdb_abort(store_txn_t *bt)
{
    lmdb_txn_t *t = (lmdb_txn_t *)bt;
    if (t->base.flags != STORE_WRITE) {
        end_read(t);
        return;
    }
    discard_writes(t);
    end_write(t);
}

/* ---- get / put / del / scan -------------------------------------------- */

static int lmdb_get(store_txn_t *bt, const char *ks, const void *key, size_t klen,
                    const void **val, size_t *vlen)
{
    lmdb_txn_t *t = (lmdb_txn_t *)bt;
    if (t->err != STORE_OK) return t->err;
    store_lk_t lk = { t->mt, 0, t->b->deep };
    int rc = ks_handle(t, ks, 0, &lk.top);
    if (rc == MDB_SUCCESS) {
        MDB_val v;
        rc = store__lk_get(&lk, key, klen, &v);
        if (rc == MDB_SUCCESS) {
            *val = v.mv_data;
            *vlen = v.mv_size;
        }
    }
    return rc == MDB_NOTFOUND ? STORE_NOTFOUND : rc ? report("get", rc) : STORE_OK;
}

static int lmdb_put(store_txn_t *bt, const char *ks, const void *key, size_t klen,
                    const void *val, size_t vlen)
{
    lmdb_txn_t *t = (lmdb_txn_t *)bt;
    if (t->err != STORE_OK) return t->err;
    if (vlen > 0xffffffffu) return STORE_ERR_INVALID;
    store_lk_t lk = { t->mt, 0, t->b->deep };
    t->dirty = 1;
    int rc = ks_handle(t, ks, 1, &lk.top);
    if (rc != MDB_SUCCESS) return fail_write(t, "open keyspace", rc);
    MDB_val v = { vlen, (void *)val };
    rc = store__lk_put(&lk, key, klen, &v);
    if (rc) return fail_write(t, "put", rc);
    store__wal_txn_put(t->b->wal, ks, key, klen, val, vlen);
    return STORE_OK;
}

static int lmdb_del(store_txn_t *bt, const char *ks, const void *key, size_t klen)
{
    lmdb_txn_t *t = (lmdb_txn_t *)bt;
    if (t->err != STORE_OK) return t->err;
    store_lk_t lk = { t->mt, 0, t->b->deep };
    int rc = ks_handle(t, ks, 0, &lk.top);
    if (rc == MDB_NOTFOUND) return STORE_NOTFOUND;
    t->dirty = 1;
    rc = store__lk_del(&lk, key, klen);
    if (rc == MDB_NOTFOUND) return STORE_NOTFOUND;
    if (rc) return fail_write(t, "del", rc);
    store__wal_txn_del(t->b->wal, ks, key, klen);
    return STORE_OK;
}

static int lmdb_scan(store_txn_t *bt, const char *ks, const void *lo, size_t lolen,
                     const void *hi, size_t hilen, int reverse, store_scan_fn fn, void *arg)
{
    lmdb_txn_t *t = (lmdb_txn_t *)bt;
    if (t->err != STORE_OK) return t->err;
    store_lk_t lk = { t->mt, 0, t->b->deep };
    int rc = ks_handle(t, ks, 0, &lk.top);
    if (rc == MDB_NOTFOUND) return 0;
    int stop = 0;
    t->scanning++;
    rc = store__lk_scan(&lk, lo, lolen, hi, hilen, reverse, fn, arg, &stop);
    t->scanning--;
    if (stop) return stop;
    return rc ? report("scan", rc) : 0;
}

/* No DIR/store/data.mdb yet: lmdb_open creates the environment. */
static int lmdb_is_new(const char *dir)
{
    char path[4200];
    struct stat st;
    snprintf(path, sizeof path, "%s/store/data.mdb", dir);
    return stat(path, &st) != 0 && errno == ENOENT;
}

const store_backend_t store_lmdb_backend = {
    .name = "lmdb",
    .open = lmdb_open,
    .close = lmdb_close,
    .begin = lmdb_begin,
    .get = lmdb_get,
    .put = lmdb_put,
    .del = lmdb_del,
    .scan = lmdb_scan,
    .commit = lmdb_commit,
    .abort = lmdb_abort,
    .set_lost_hook = lmdb_set_lost_hook,
    .is_new = lmdb_is_new,
    .settle = lmdb_settle,
};
