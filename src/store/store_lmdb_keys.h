/* store_lmdb_keys.h — keys of any length (up to STORE_MAX_KEY) on LMDB,
 * whose own keys stop at 511 bytes. Internal to src/store/ (store__ prefix).
 *
 * Every get/put/del/scan of the LMDB backend goes through these functions;
 * they store a key of up to STORE_LMDB_DIRECT bytes as it is, and a longer
 * key as a chain of chunks (see store_lmdb_keys.c), so that ordered scans
 * in both directions between any bounds still see every key in byte-wise
 * order (memcmp, a proper prefix first) and cost O(depth + keys visited).
 *
 * lk: the LMDB transaction, the keyspace's database and the shared
 * long-key database (opened by the backend at store open). All results are
 * LMDB codes (MDB_SUCCESS, MDB_NOTFOUND, MDB_CORRUPTED, or what LMDB returned). */
#ifndef NB_STORE_LMDB_KEYS_H
#define NB_STORE_LMDB_KEYS_H
#include <stddef.h>
#include <lmdb.h>
#include "store/store.h"

/* Keys up to this many bytes are LMDB keys as they are (so stores written
 * before long keys existed read unchanged). Longer stored keys never appear
 * except as the internal 501-byte chain links. */
#define STORE_LMDB_DIRECT 500

/* The long-key database: a name longer than any keyspace name, so that no
 * caller can name it and the keyspace loader skips it. */
#define STORE_LMDB_LONG_DB "store.internal.long-key-chunks.not-a-keyspace.see-store_lmdb_keys.c"

typedef struct store_lk {
    MDB_txn *txn;
    MDB_dbi top;               /* the keyspace's database */
    MDB_dbi deep;              /* STORE_LMDB_LONG_DB */
} store_lk_t;

/* *v: the stored value (valid until the transaction ends). */
int store__lk_get(const store_lk_t *lk, const void *key, size_t klen, MDB_val *v);
int store__lk_put(const store_lk_t *lk, const void *key, size_t klen, const MDB_val *v);
int store__lk_del(const store_lk_t *lk, const void *key, size_t klen);

/* Visit lo <= k < hi (lo NULL or empty: from the first key; hi NULL: no
 * upper bound; hi empty: nothing) ascending, or descending with reverse.
 * fn's non-zero return stops the scan and lands in *stop. Callers may not
 * write to the keyspace while the scan runs. */
int store__lk_scan(const store_lk_t *lk, const void *lo, size_t lolen, const void *hi,
                   size_t hilen, int reverse, store_scan_fn fn, void *arg, int *stop);

#endif
