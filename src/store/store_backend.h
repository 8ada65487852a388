/* store_backend.h — what a storage backend must provide behind store.h.
 *
 * store.c owns the public store_* functions: it checks arguments (keyspace
 * name, key length, writes on read transactions) and then dispatches through
 * one store_backend_t. A backend (the embedded LMDB one in store_lmdb.c, a
 * future networked one) never sees an invalid argument and never needs to
 * know about services.
 *
 * Every backend guarantees, for the whole store:
 *  - atomic multi-key, multi-keyspace write transactions: after a crash either
 *    every put/del of a committed transaction is there or none is;
 *  - snapshot reads: a transaction sees the state as of its begin plus its
 *    own writes; a read transaction never sees a half-applied commit;
 *  - keys ordered byte-wise (memcmp, a shorter prefix first) within a
 *    keyspace, scanned in either direction between bounds;
 *  - commit(): on STORE_OK the changes are applied and visible to later
 *    transactions, and cb(arg, status) is called exactly once, later, on the
 *    loop thread: STORE_OK once they are durable, an error if they could not
 *    be made durable. On an error return nothing was applied and cb is never
 *    called. Commits that arrive together should share one durability
 *    operation (group commit).
 *  - close(): runs the callbacks of every commit still waiting for
 *    durability before it returns.
 *
 * Transactions: a backend allocates its own transaction object whose first
 * member is struct store_txn (below); store.c fills in that header. */
#ifndef NB_STORE_BACKEND_H
#define NB_STORE_BACKEND_H
#include <stdint.h>
#include "store/store.h"

/* Longest keyspace name accepted by store.c (bytes, excluding the NUL). */
#define STORE_MAX_KEYSPACE 64

/* The header at the start of every backend's transaction object. */
struct store_txn {
    store_t *store;            /* set by store.c after begin */
    int flags;                 /* STORE_READ or STORE_WRITE */
};

typedef struct store_backend {
    const char *name;          /* static, for health output ("lmdb") */

    /* Open or create the store under dir; *impl is the backend's state,
     * passed back to begin and close. 0 or a store_status. A store it
     * creates is durable once settle() returned 0 (below), except for dir's
     * own directory entries: store.c syncs dir once after a new store's
     * open (with the master key's entry in the same sync). */
    int (*open)(void **impl, uv_loop_t *loop, const char *dir, const store_options_t *opts);
    /* Run every pending durability callback, then release everything. No
     * transaction may be open. */
    void (*close)(void *impl);

    /* Start a transaction; at most one STORE_WRITE transaction at a time (a
     * second one gets STORE_ERR_INVALID). *out: the backend's object. */
    int (*begin)(void *impl, int flags, store_txn_t **out);

    /* ks: NUL-terminated, 1..STORE_MAX_KEYSPACE bytes; key: 1..STORE_MAX_KEY
     * bytes; scan bounds: at most STORE_MAX_KEY + 1 bytes. A keyspace that was never written to reads as empty. Values
     * returned are valid until the transaction ends; the caller may not
     * modify them. A write that fails (STORE_ERR_FULL, STORE_ERR_IO) leaves
     * the transaction failed: every later call returns that error and commit
     * applies nothing. */
    int (*get)(store_txn_t *t, const char *ks, const void *key, size_t klen,
               const void **val, size_t *vlen);
    int (*put)(store_txn_t *t, const char *ks, const void *key, size_t klen,
               const void *val, size_t vlen);
    int (*del)(store_txn_t *t, const char *ks, const void *key, size_t klen);
    int (*scan)(store_txn_t *t, const char *ks, const void *lo, size_t lolen,
                const void *hi, size_t hilen, int reverse, store_scan_fn fn, void *arg);

    /* Commit and free t. Durability callback semantics: see the top of this
     * file and store.h. For a read transaction cb is NULL. */
    int (*commit)(store_txn_t *t, store_durable_fn cb, void *arg);
    /* Discard and free t. */
    void (*abort)(store_txn_t *t);

    /* Optional (NULL: never happens). A backend that applies commits later
     * than their commit() (LMDB's batching) calls fn(arg) on the loop
     * thread when such commits turn out lost — their callbacks get an
     * error — so that store.c drops what it cached from them (data keys). */
    void (*set_lost_hook)(void *impl, void (*fn)(void *arg), void *arg);

    /* Optional (NULL: unknown). 1 when open() on dir would create a new,
     * empty store (nothing of one there yet), else 0. Lets store.c make a
     * new store's master key while the backend creates its files. */
    int (*is_new)(const char *dir);

    /* Optional (NULL: open() returns with everything durable). Wait until
     * what open() created is durable (it may sync a new store's files in
     * the background meanwhile). 0 or a store_status; idempotent. */
    int (*settle)(void *impl);
} store_backend_t;

/* The embedded LMDB backend (store_lmdb.c). */
extern const store_backend_t store_lmdb_backend;

/* Test-only: how many durability syncs (fdatasync) the LMDB backend has
 * completed in this process. */
uint64_t store_lmdb_sync_count(void);
/* Test-only: how many times the LMDB backend has dropped its map's resident
 * pages (store_lmdb_resident.h) in this process. */
uint64_t store_lmdb_resident_drops(void);

#endif
