/* store_wal.h — the write-ahead log of the LMDB backend. Internal to
 * src/store/ (store__ prefix).
 *
 * Why: LMDB makes a commit durable by writing every B-tree page it dirtied
 * (random 4 KB writes all over data.mdb) and fdatasync'ing them; with ~1 KB
 * items that is one page per put, ~1.5 ms per sync of 32 puts here. The log
 * appends the commits' puts and deletes sequentially instead (~0.3 ms per
 * sync of the same 32 puts), so durability costs a sequential fdatasync;
 * data.mdb itself is fdatasync'd only at checkpoints, in the background.
 *
 * Records. One committed write transaction = one record: a 16-byte header
 * (payload length, CRC-32 of file id + lsn + payload, lsn) and its ops in
 * order (put: keyspace, key, value; del: keyspace, key). Values are stored
 * as the backend got them (sealed by store.c's codec), so the log holds no
 * more plaintext than data.mdb. lsn counts records, one up each, across
 * files and restarts.
 *
 * Files. DIR/wal.0 and DIR/wal.1, each a 4 KB header page (magic, state
 * live/retired, a random file id, the lsn of its first record and, once
 * retired, the next lsn) then records. One file is active (appended to).
 * When it passes STORE_WAL_SWITCH bytes the other one becomes active (its
 * old records are left behind: the new file id makes their CRCs fail, so
 * they can never be read as new ones) and a checkpoint starts: fdatasync of
 * data.mdb, then the old file is marked retired.
 *
 * Invariants (what makes replay correct):
 *  - a record reaches the file (pwrite, page cache) before the LMDB commit
 *    it describes, so after kill -9 the live files hold every commit LMDB
 *    holds, and every acknowledged one (the file was fdatasync'd);
 *  - the live files, ordered by first lsn, hold one unbroken run of
 *    records, and data.mdb's durable state is that run's state at some
 *    point of it (a file is retired only after data.mdb was synced past its
 *    last record). Records are blind puts and deletes, so replaying the whole
 *    run from its first record, in order, on that state gives the state
 *    after its last record: replay is idempotent;
 *  - replay stops at the first record that is torn, has a bad CRC or the
 *    wrong lsn: everything before it was written whole, nothing after it was
 *    acknowledged.
 *
 * The record buffer. Write transactions (one at a time) append their ops to
 * an in-memory buffer as they go: begin marks where the transaction's record
 * starts; commit seals it (lsn, CRC); abort cuts it off. Sealed records wait
 * in the buffer until the backend commits to LMDB, which first writes them
 * out (store__wal_write). The open transaction's own ops stay readable
 * (store__wal_txn_ops), which the backend's rebase uses.
 *
 * Threads: everything on the loop thread except store__wal_sync (the group's
 * sync worker) and store__wal_retire_old (the checkpoint worker), which only
 * read what the loop set up before queueing them. */
#ifndef NB_STORE_WAL_H
#define NB_STORE_WAL_H
#include <stddef.h>
#include <stdint.h>

/* The active file is switched (and a checkpoint started) past this size,
 * unless store_options_t.log_switch_bytes says otherwise. Each checkpoint
 * writes back the pages dirtied since the last one: a hot working set is
 * written once per checkpoint however often it changed, so fewer, larger
 * intervals write less; replay after a crash reads at most two files. */
#define STORE_WAL_SWITCH ((uint64_t)64 << 20)
/* Zeros written ahead of the records at a time (see store__wal_prefill). */
#define STORE_WAL_PREFILL ((uint64_t)8 << 20)
/* ... once the active file holds this much (a light writer never pays for
 * zeros: tests start many small stores) ... */
#define STORE_WAL_PREFILL_AFTER ((uint64_t)1 << 20)
/* ... and only while the filesystem has this much free space. */
#define STORE_WAL_PREFILL_MIN_FREE ((uint64_t)256 << 20)

typedef struct store_wal store_wal_t;

enum { STORE_WAL_PUT = 1, STORE_WAL_DEL = 2 };

typedef struct store_wal_op {
    int type;                  /* STORE_WAL_PUT or STORE_WAL_DEL */
    const char *ks;            /* NUL-terminated (borrowed) */
    const void *key;
    size_t klen;
    const void *val;           /* NULL for a delete */
    size_t vlen;
} store_wal_op_t;

/* Called for every op; 0 to go on, non-zero stops and is returned. */
typedef int (*store_wal_op_fn)(void *arg, const store_wal_op_t *op);
/* Called after each replayed record's ops (a place to commit in chunks). */
typedef int (*store_wal_rec_fn)(void *arg);

/* Open (creating) DIR/wal.0 and DIR/wal.1. dir NULL: no files at all, the
 * buffer only (store_options_t.no_sync, where nothing is made durable).
 * 0 or an errno. */
int store__wal_open(store_wal_t **out, const char *dir);
/* Switch files past this many bytes instead of STORE_WAL_SWITCH (0: that). */
void store__wal_set_switch(store_wal_t *w, uint64_t bytes);
/* Did open create a file? (Then DIR needs an fsync before it is relied on.) */
int store__wal_created(const store_wal_t *w);

/* Replay the live files' records: op for each op, rec after each record.
 * *n: records replayed. 0, the first non-zero callback result, or an errno. */
int store__wal_replay(store_wal_t *w, store_wal_op_fn op, store_wal_rec_fn rec, void *arg, uint64_t *n);

/* After replay (and after the caller made data.mdb durable if anything was
 * replayed): retire every live file and start a fresh active one. The new
 * header is made durable by the first store__wal_sync. 0 or an errno. */
int store__wal_start(store_wal_t *w);

/* ---- the record buffer (loop thread) ---- */
void store__wal_txn_begin(store_wal_t *w);
void store__wal_txn_put(store_wal_t *w, const char *ks, const void *key, size_t klen,
                        const void *val, size_t vlen);
void store__wal_txn_del(store_wal_t *w, const char *ks, const void *key, size_t klen);
/* Visit the open transaction's ops in order (0 or fn's non-zero result). */
int store__wal_txn_ops(const store_wal_t *w, store_wal_op_fn fn, void *arg);
void store__wal_txn_seal(store_wal_t *w);
/* Visit the ops of every sealed record not yet written, oldest first (the
 * backend's batch, replayed after an undo). 0 or fn's non-zero result. */
int store__wal_sealed_ops(const store_wal_t *w, store_wal_op_fn fn, void *arg);
/* Drop the sealed records not yet written (their commits were lost before
 * reaching the log): their lsns are reused. An open record stays. */
void store__wal_drop_sealed(store_wal_t *w);
void store__wal_txn_abort(store_wal_t *w);
/* Fuzzing: seal payload as one record as it is (not a well-formed op list),
 * so that replay's op parser sees records whose CRC holds. */
void store__wal_txn_raw(store_wal_t *w, const void *payload, size_t len);

/* Write every sealed record out to the active file (not synced). On an
 * error nothing of them counts: they are dropped from the buffer, the file
 * is marked so that replay stops before them, and the lsns are reused.
 * 0 or an errno. */
int store__wal_write(store_wal_t *w);
/* The LMDB commit of the records just written failed: undo as above. */
void store__wal_unwrite(store_wal_t *w);

/* ---- durability ---- */
/* Loop thread, right before a sync is queued: fix what the next
 * store__wal_sync covers (everything written so far). */
void store__wal_prepare_sync(store_wal_t *w);
/* Worker: fdatasync what prepare fixed. 0 or an errno. */
int store__wal_sync(store_wal_t *w);
/* Loop thread, on the rare path of a commit that failed after its records
 * were written (and unwritten): fdatasync the active file now, so that the
 * cut-off mark is durable even if a running sync made the records so. 0 or
 * an errno. */
int store__wal_sync_active(store_wal_t *w);

/* Loop thread: should the active file be extended with zeros ahead of its
 * records (store__wal_prefill on a worker)? Fixes which file, if so. */
int store__wal_prefill_due(store_wal_t *w);
/* Worker: write STORE_WAL_PREFILL bytes of zeros past the file's frontier
 * and fdatasync them, so that the records' syncs overwrite allocated
 * blocks. 0 or an errno. */
int store__wal_prefill(store_wal_t *w);

/* Is the active file due for a switch (and no checkpoint running)? */
int store__wal_should_switch(const store_wal_t *w);
/* Loop thread: make the other file active (new header written). The old
 * one stays live until store__wal_retire_old. The next sync covers both.
 * 0 or an errno (then nothing changed). */
int store__wal_switch(store_wal_t *w);
/* Checkpoint worker, after data.mdb was synced past every record of the
 * old file: mark the old file retired. 0 or an errno. */
int store__wal_retire_old(store_wal_t *w);
/* Loop thread, when the checkpoint job ended (ok: the retire happened). */
void store__wal_checkpoint_done(store_wal_t *w, int ok);
/* Is a file still live from before the last switch (its checkpoint not done)? */
int store__wal_old_live(const store_wal_t *w);

/* Clean close, after data.mdb was synced past every record: retire every
 * file (synced), then free. w may be NULL. */
void store__wal_close(store_wal_t *w, int synced);

#endif
