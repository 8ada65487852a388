/* test_store_resident.c — the bound on the LMDB map's resident pages
 * (store_lmdb_resident.h): past its budget, the map's pages are unmapped
 * (the process's RSS falls) and every value still reads back; under it, and
 * with no bound, nothing is dropped.
 *
 * What is resident in the map is read from /proc/self/smaps (the Rss of the
 * data.mdb mapping), not with mincore(): for a file mapping mincore reports
 * the page cache, which MADV_DONTNEED leaves alone. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "test.h"
#include "store/store.h"
#include "store/store_backend.h"
#include "store/store_lmdb_resident.h"

#define N_VALUES 3000
#define VAL_LEN  3000          /* over LMDB's node limit: one overflow page each */

static uv_loop_t loop;

static store_t *open_with(const char *sub, size_t resident_max)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/%s", test_tmpdir(), sub);
    if (!loop.data) {
        ASSERT_EQ(uv_loop_init(&loop), 0);
        loop.data = &loop;
    }
    store_options_t o = { .no_sync = 1, .resident_max = resident_max };
    store_t *s = NULL;
    ASSERT_EQ(store_open(&s, &loop, dir, &o), STORE_OK);
    return s;
}

static void close_store(store_t *s)
{
    store_close(s);
    uv_run(&loop, UV_RUN_DEFAULT);
    ASSERT_EQ(uv_loop_close(&loop), 0);
    loop.data = NULL;
}

/* kB of data.mdb mapped into this process. */
static long map_rss_kb(void)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    ASSERT(f != NULL);
    char line[4096];
    int in_map = 0;
    long kb = 0, v;
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        char perms[8];
        if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) == 3) {
            size_t n = strlen(line);
            while (n && (line[n - 1] == '\n' || line[n - 1] == ' ')) line[--n] = 0;
            in_map = n >= 15 && strcmp(line + n - 15, "/store/data.mdb") == 0;
        } else if (in_map && sscanf(line, "Rss: %ld kB", &v) == 1) {
            kb += v;
        }
    }
    fclose(f);
    return kb;
}

static void value_of(int i, char *out)
{
    for (int j = 0; j < VAL_LEN; j++) out[j] = (char)('a' + (i * 7 + j) % 26);
}

static void fill(store_t *s)
{
    char key[32], val[VAL_LEN];
    for (int i = 0; i < N_VALUES; i += 100) {
        store_txn_t *t;
        ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
        for (int k = i; k < i + 100; k++) {
            int kl = snprintf(key, sizeof key, "item-%05d", k);
            value_of(k, val);
            ASSERT_EQ(store_put(t, "r", key, (size_t)kl, val, VAL_LEN), STORE_OK);
        }
        ASSERT_EQ(store_commit(t, NULL, NULL), STORE_OK);
        uv_run(&loop, UV_RUN_NOWAIT);
    }
    uv_run(&loop, UV_RUN_DEFAULT);
}

static void check_value(store_txn_t *t, int i)
{
    char key[32], want[VAL_LEN];
    int kl = snprintf(key, sizeof key, "item-%05d", i);
    const void *v;
    size_t n;
    ASSERT_EQ(store_get(t, "r", key, (size_t)kl, &v, &n), STORE_OK);
    ASSERT_EQ(n, VAL_LEN);
    value_of(i, want);
    ASSERT_MEMEQ(v, want, VAL_LEN);
}

/* Every value in one read transaction: no check runs in between. */
static void read_all_in_one(store_t *s)
{
    store_txn_t *t;
    ASSERT_EQ(store_begin(s, STORE_READ, &t), STORE_OK);
    for (int i = 0; i < N_VALUES; i++) check_value(t, i);
    store_abort(t);
}

/* Every value in a transaction of its own: a check every STORE_RESIDENT_EVERY. */
static void read_each(store_t *s)
{
    for (int i = 0; i < N_VALUES; i++) {
        store_txn_t *t;
        ASSERT_EQ(store_begin(s, STORE_READ, &t), STORE_OK);
        check_value(t, i);
        store_abort(t);
    }
}

static void empty_reads(store_t *s, int n)
{
    for (int i = 0; i < n; i++) {
        store_txn_t *t;
        ASSERT_EQ(store_begin(s, STORE_READ, &t), STORE_OK);
        store_abort(t);
    }
}

TEST(store_resident_bound_unmaps_the_store_and_values_read_back)
{
    store_t *s = open_with("small", (size_t)1 << 20);      /* 1 MiB */
    fill(s);
    read_all_in_one(s);
    long before = map_rss_kb();
    ASSERT_GE(before, 8 * 1024);           /* ~9 MB of values were just read through the map */
    uint64_t drops = store_lmdb_resident_drops();
    empty_reads(s, STORE_RESIDENT_EVERY);  /* one check among them */
    ASSERT(store_lmdb_resident_drops() > drops);
    long after = map_rss_kb();
    ASSERT(after < 1024);                  /* what the empty reads touched since: LMDB's meta pages */
    /* the data itself is still there: read back right after a drop, and
     * across the drops that reading all of it one by one makes */
    read_all_in_one(s);
    drops = store_lmdb_resident_drops();
    read_each(s);
    ASSERT(store_lmdb_resident_drops() > drops);
    /* writes between drops, then reads: still every value */
    fill(s);
    read_each(s);
    empty_reads(s, STORE_RESIDENT_EVERY);
    ASSERT(map_rss_kb() < 1024);
    read_all_in_one(s);
    close_store(s);
}

/* With the bound on, the map is registered so that a fault maps one page,
 * not the 16 of the kernel's fault-around (store_lmdb_resident.c says how;
 * Linux 6.7 or later with userfaultfd allowed, as on the hosts nimbus is
 * built for; not under valgrind, which does not know the syscall). Six values far apart, each an overflow page with its leaf and
 * branch: about 18 pages; with fault-around at least 6 x 16. */
TEST(store_resident_faults_map_single_pages)
{
    store_t *s = open_with("single", (size_t)1 << 20);
    fill(s);
    read_all_in_one(s);
    empty_reads(s, STORE_RESIDENT_EVERY);  /* a drop */
    long before = map_rss_kb();
    store_txn_t *t;
    ASSERT_EQ(store_begin(s, STORE_READ, &t), STORE_OK);
    for (int i = 0; i < 6; i++) check_value(t, i * 500);
    store_abort(t);
    long grown = map_rss_kb() - before;
    ASSERT(grown >= 6 * 4);
    ASSERT(grown < 6 * 64);
    close_store(s);
}

TEST(store_resident_default_budget_leaves_a_small_store_mapped)
{
    store_t *s = open_with("default", 0);
    uint64_t drops = store_lmdb_resident_drops();  /* the one at open */
    fill(s);
    read_each(s);
    read_each(s);
    empty_reads(s, STORE_RESIDENT_EVERY);
    ASSERT_EQ(store_lmdb_resident_drops(), drops);
    ASSERT_GE(map_rss_kb(), 8 * 1024);     /* under 64 MiB: left mapped */
    close_store(s);
}

TEST(store_resident_no_bound_never_drops)
{
    store_t *s = open_with("none", SIZE_MAX);
    fill(s);
    read_each(s);
    empty_reads(s, STORE_RESIDENT_EVERY);
    ASSERT_EQ(store_lmdb_resident_drops(), 0);
    ASSERT_GE(map_rss_kb(), 8 * 1024);
    close_store(s);
}
