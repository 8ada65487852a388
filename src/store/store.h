/* store.h — the storage interface every service keeps all its state through.
 *
 * Transactions over named keyspaces of byte-string keys with get / put / delete
 * / ordered range scan. A write transaction is atomic; store_commit() calls
 * back only once the transaction is durable (fdatasync'd), and the commits of
 * many requests arriving together share one sync (group commit). LMDB is the
 * embedded backend (store_lmdb.c); any backend implements store_backend_t
 * (store_backend.h) and no service code changes.
 *
 * Rules for callers (all on the loop thread):
 *  - a transaction never lives across a return to the event loop: begin, work,
 *    then commit or abort before the handler returns; only the durability
 *    callback comes later;
 *  - at most one write transaction is open at a time;
 *  - values returned by get/scan are valid until the transaction ends; the
 *    caller may not modify them.
 *
 * Keyspaces are short static names ("ddb.items", "lambda.fn"); a service puts
 * its resource names in key prefixes, not in keyspace names. */
#ifndef NB_STORE_H
#define NB_STORE_H
#include <stddef.h>
#include <uv.h>

typedef struct store store_t;
typedef struct store_txn store_txn_t;

enum store_status {
    STORE_OK = 0,
    STORE_NOTFOUND = 1,        /* get/del: no such key */
    STORE_ERR_FULL = -1,       /* no space left (disk or map): the write failed, nothing applied */
    STORE_ERR_IO = -2,         /* I/O or backend failure */
    STORE_ERR_INVALID = -3,    /* bad argument (empty key, key too long, ...) */
    STORE_ERR_READONLY = -4,   /* write call on a read-only transaction */
};

enum store_txn_flags { STORE_READ = 0, STORE_WRITE = 1 };

/* Longest key accepted (bytes). Enough for any DynamoDB index entry key
 * (index key + table key, 0 bytes escaped: about 12.3 KB at most). */
#define STORE_MAX_KEY 16384

typedef struct store_options {
    size_t map_size;           /* LMDB: maximum size of the data file; 0 = default (64 GiB) */
    int no_sync;               /* tests/bench only: acknowledge without fdatasync */
    size_t log_switch_bytes;   /* write-ahead log file switch (and checkpoint) size; 0 = 64 MiB */
    size_t resident_max;       /* LMDB: bound on the map's resident pages (bytes), checked
                                  every 64 transactions (docs/STORE.md, "Resident pages of
                                  the map"); 0 = default (64 MiB), SIZE_MAX = no bound */
    int read_only;             /* a reader beside the daemon that owns the store (nimbus
                                  logs): read transactions only (a write one gets
                                  STORE_ERR_READONLY), the log left alone. Without it, a
                                  second process opening the same store fails
                                  (STORE_ERR_IO): one process writes a data directory. */
    /* A new store: called on the opening thread once its files (and a new
     * master key file) exist, just before dir itself is synced — so that
     * whatever the caller creates in dir meanwhile is made durable by that
     * same directory sync. Not called for an existing store or a failed open. */
    void (*before_dir_sync)(void *arg);
    void *before_dir_sync_arg;
} store_options_t;

/* Open (creating) the store in dir, callbacks on loop. 0 or a store_status. */
int store_open(store_t **out, uv_loop_t *loop, const char *dir, const store_options_t *opts);
/* Wait until everything store_open created is durable: a new store's
 * files are synced in the background while its opener goes on. Call before
 * reporting readiness or acknowledging anything. STORE_OK or an error (the
 * store cannot be trusted: close it). Idempotent. */
int store_settle(store_t *s);
/* Finish pending syncs (their callbacks run), then close. */
void store_close(store_t *s);

int store_begin(store_t *s, int flags, store_txn_t **out);

/* val/len valid until the transaction ends. STORE_OK or STORE_NOTFOUND or error. */
int store_get(store_txn_t *t, const char *ks, const void *key, size_t klen,
              const void **val, size_t *vlen);
int store_put(store_txn_t *t, const char *ks, const void *key, size_t klen,
              const void *val, size_t vlen);
int store_del(store_txn_t *t, const char *ks, const void *key, size_t klen);

/* Visit keys k with lo <= k < hi in byte order (hi NULL: no upper bound; lo NULL:
 * from the first key), ascending or, with reverse, descending. fn returns 0 to
 * go on, non-zero to stop (store_scan then returns that value). */
typedef int (*store_scan_fn)(void *arg, const void *key, size_t klen,
                             const void *val, size_t vlen);
int store_scan(store_txn_t *t, const char *ks, const void *lo, size_t lolen,
               const void *hi, size_t hilen, int reverse, store_scan_fn fn, void *arg);

/* Called on the loop thread when a committed transaction is durable (status
 * STORE_OK) or could not be made durable (error: the caller must report failure). */
typedef void (*store_durable_fn)(void *arg, int status);

/* Commit t (which is freed). For a write transaction: returns STORE_OK once the
 * changes are applied and visible, and cb(arg, status) follows once durable.
 * On an error return nothing was applied and cb is not called. For a read
 * transaction cb may be NULL and is called at once if given. */
int store_commit(store_txn_t *t, store_durable_fn cb, void *arg);
void store_abort(store_txn_t *t);

/* Static description of the backend for health output ("lmdb"). */
const char *store_backend_name(const store_t *s);

/* Master-key rotation: re-wrap every data key under key (32 bytes) in one
 * transaction; from STORE_OK on the store uses key, and cb(arg, status)
 * follows once durable. *n: records re-wrapped. Only with no write
 * transaction open. The key's home is the caller's (store_rotate.c). */
int store_rotate_master_key(store_t *s, const unsigned char key[32], store_durable_fn cb, void *arg, size_t *n);

/* `nimbus rotate-master-key [--data DIR] [--new-key-file PATH]` (store_rotate.c). */
int store_rotate_main(int argc, char **argv);

#endif
