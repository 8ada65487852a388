/* store_lmdb_resident.h — a bound on the resident pages of LMDB's map.
 *
 * LMDB reads through a read-only MAP_SHARED mapping of data.mdb; every page a
 * read touches stays mapped, and Linux counts it in the process's RSS
 * (RssFile), so a store of 1.8 GB read at random shows an RSS of 1.8 GB while
 * the process's own memory (RssAnon) is a few MB. Every STORE_RESIDENT_EVERY
 * transaction begins, store__resident_begin() reads the process's resident
 * file pages (the third field of /proc/self/statm: one pread of an fd kept
 * open); when they grew by more than the budget since the last drop, it drops
 * the map's page-table entries over the used part of the file with
 * madvise(MADV_DONTNEED). For a shared file mapping that only unmaps: the
 * pages stay in the kernel's page cache, and the next access maps them again
 * (a minor fault, no I/O), so it is safe while transactions hold pointers
 * into the map. Where the kernel allows, the map is also registered so that
 * a fault maps one page, not 16 (fault-around: see store_lmdb_resident.c).
 * docs/STORE.md ("Resident pages of the map") has the costs. */
#ifndef NB_STORE_LMDB_RESIDENT_H
#define NB_STORE_LMDB_RESIDENT_H
#include <stddef.h>
#include <stdint.h>
#include <lmdb.h>

#define STORE_RESIDENT_EVERY   64                    /* transaction begins per check */
#define STORE_RESIDENT_DEFAULT ((size_t)64 << 20)    /* budget when the options say 0 */

typedef struct store_resident store_resident_t;

/* The bound for env's map: budget in bytes (0: STORE_RESIDENT_DEFAULT,
 * SIZE_MAX: none). Drops the map's pages once, so that what is resident then
 * is the rest of the process (binary, libraries). NULL when there is no bound
 * (SIZE_MAX, or /proc/self/statm cannot be read: logged). */
store_resident_t *store__resident_new(MDB_env *env, size_t budget);
/* At each transaction begin (loop thread): every STORE_RESIDENT_EVERY calls,
 * the check above. r may be NULL. */
void store__resident_begin(store_resident_t *r);
void store__resident_free(store_resident_t *r);

#endif
