/* test_store_wal.c — the LMDB backend's write-ahead log (store_wal.h).
 *
 * Acknowledged commits are durable through the log, not through data.mdb:
 * these tests let a writer process end without closing the store (as after
 * kill -9), then roll data.mdb back to an older copy — what a machine crash
 * does to pages that were never synced — and check that opening the store
 * replays every acknowledged commit, whole, in order (puts, deletes, new
 * keyspaces, long keys); that a torn last record is not applied at all; and
 * that the log switches files and checkpoints under a large write volume
 * without losing anything. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test.h"
#include "store/store.h"
#include "store/store_wal.h"

#define N_TXNS 200

static void copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ASSERT(in >= 0 && out >= 0);
    char buf[65536];
    ssize_t n;
    while ((n = read(in, buf, sizeof buf)) > 0) ASSERT_EQ(write(out, buf, (size_t)n), n);
    ASSERT_EQ(n, 0);
    close(in);
    close(out);
}

static off_t file_size(const char *path)
{
    struct stat st;
    ASSERT_EQ(stat(path, &st), 0);
    return st.st_size;
}

/* Offset of the last non-zero byte of the file. */
static off_t last_nonzero(const char *path)
{
    int fd = open(path, O_RDONLY);
    ASSERT(fd >= 0);
    static unsigned char buf[1 << 20];
    off_t at = 0, last = -1;
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < n; i++)
            if (buf[i]) last = at + i;
        at += n;
    }
    close(fd);
    ASSERT(last > 4096);
    return last;
}

/* The value transaction i writes: its size and bytes depend on i. */
static size_t value_of(int i, char *out, size_t cap)
{
    size_t n = 8 + (size_t)(i * 53 % 1500);
    if (n > cap) n = cap;
    for (size_t j = 0; j < n; j++) out[j] = (char)('a' + (i + (int)j) % 26);
    return n;
}

static void key_of(int i, char *k, size_t cap)
{
    snprintf(k, cap, "k%05d", i);
}

/* A long key (over LMDB's 511 bytes: kept as a chain by store_lmdb_keys.c). */
static size_t long_key(int i, char *k, size_t cap)
{
    memset(k, 'L', 700);
    int n = snprintf(k + 700, cap - 700, "%d", i);
    return 700 + (size_t)n;
}

/* ---- a writer that "dies" without closing the store ---------------------- */

struct acks {
    int n, bad;
};

static void on_ack(void *arg, int status)
{
    struct acks *a = arg;
    if (status != STORE_OK) a->bad++;
    a->n++;
}

/* Transaction i: put k<i> in wal.a; every 10th also deletes k<i-5>; every
 * 25th also puts a long key and a key in a keyspace of its own. */
static int write_txn(store_t *s, int i, struct acks *a)
{
    char k[32], lk[800], v[2048];
    store_txn_t *t;
    if (store_begin(s, STORE_WRITE, &t) != STORE_OK) return 1;
    key_of(i, k, sizeof k);
    size_t vlen = value_of(i, v, sizeof v);
    if (store_put(t, "wal.a", k, strlen(k), v, vlen) != STORE_OK) return 2;
    if (i % 10 == 0 && i >= 5) {
        key_of(i - 5, k, sizeof k);
        if (store_del(t, "wal.a", k, strlen(k)) != STORE_OK) return 3;
    }
    if (i % 25 == 0) {
        size_t n = long_key(i, lk, sizeof lk);
        if (store_put(t, "wal.long", lk, n, v, vlen) != STORE_OK) return 4;
        char ks[32];
        snprintf(ks, sizeof ks, "wal.ks%d", i);
        if (store_put(t, ks, "x", 1, v, vlen) != STORE_OK) return 5;
    }
    return store_commit(t, on_ack, a) != STORE_OK ? 6 : 0;
}

/* Is k<i> expected present after all N_TXNS? Deleted by txn j = i + 5 when
 * j % 10 == 0 and j < N_TXNS. */
static int expect_present(int i, int ntxns)
{
    int j = i + 5;
    return !(j % 10 == 0 && j < ntxns);
}

/* fork(), with stdio flushed first; the child's exit status by wait_child. */
static pid_t fork_child(void)
{
    fflush(NULL);
    pid_t pid = fork();
    ASSERT(pid >= 0);
    return pid;
}

static int wait_child(pid_t pid)
{
    int st;
    ASSERT_EQ(waitpid(pid, &st, 0), pid);
    ASSERT(WIFEXITED(st));
    return WEXITSTATUS(st);
}

/* Fork a process that opens dir, commits txns [0, ntxns) (16 in flight),
 * waits for every acknowledgement and exits without closing the store. */
static void writer_dies(const char *dir, int ntxns)
{
    pid_t pid = fork_child();
    if (pid == 0) {
        uv_loop_t loop;
        store_t *s;
        struct acks a = { 0, 0 };
        if (uv_loop_init(&loop) != 0) _exit(10);
        if (store_open(&s, &loop, dir, NULL) != STORE_OK) _exit(11);
        int i = 0;
        while (a.n < ntxns) {
            while (i < ntxns && i - a.n < 16)
                if (write_txn(s, i++, &a) != 0) _exit(12);
            uv_run(&loop, UV_RUN_ONCE);
        }
        _exit(a.bad ? 13 : 0);   /* no store_close: as if killed */
    }
    ASSERT_EQ(wait_child(pid), 0);
}

static uv_loop_t loop;

static store_t *open_dir(const char *dir)
{
    if (!loop.data) {
        ASSERT_EQ(uv_loop_init(&loop), 0);
        loop.data = &loop;
    }
    store_t *s = NULL;
    ASSERT_EQ(store_open(&s, &loop, dir, NULL), STORE_OK);
    uv_run(&loop, UV_RUN_DEFAULT);
    return s;
}

static void close_store(store_t *s)
{
    store_close(s);
    uv_run(&loop, UV_RUN_DEFAULT);
}

/* A store with one committed key, closed cleanly; its data.mdb copied to
 * dir/data.mdb.old (the state a crash would roll back to). */
static void make_base(const char *dir)
{
    store_t *s = open_dir(dir);
    store_txn_t *t;
    ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
    ASSERT_EQ(store_put(t, "wal.a", "base", 4, "v0", 2), STORE_OK);
    struct acks a = { 0, 0 };
    ASSERT_EQ(store_commit(t, on_ack, &a), STORE_OK);
    uv_run(&loop, UV_RUN_DEFAULT);
    ASSERT_EQ(a.n, 1);
    close_store(s);
    char from[600], to[600];
    snprintf(from, sizeof from, "%s/store/data.mdb", dir);
    snprintf(to, sizeof to, "%s/data.mdb.old", dir);
    copy_file(from, to);
}

static void roll_back(const char *dir)
{
    char from[600], to[600];
    snprintf(from, sizeof from, "%s/data.mdb.old", dir);
    snprintf(to, sizeof to, "%s/store/data.mdb", dir);
    copy_file(from, to);
}

static int has(store_txn_t *r, const char *ks, const void *k, size_t klen, const char *want, size_t wlen)
{
    const void *v;
    size_t n;
    int rc = store_get(r, ks, k, klen, &v, &n);
    if (rc == STORE_NOTFOUND) return 0;
    ASSERT_EQ(rc, STORE_OK);
    ASSERT_EQ(n, wlen);
    ASSERT(memcmp(v, want, n) == 0);
    return 1;
}

/* Every effect of txns [0, ntxns) is there, and nothing of later ones. */
static void check_state(store_t *s, int ntxns, int upto)
{
    store_txn_t *r;
    ASSERT_EQ(store_begin(s, STORE_READ, &r), STORE_OK);
    ASSERT(has(r, "wal.a", "base", 4, "v0", 2));
    char k[32], lk[800], v[2048], ks[32];
    for (int i = 0; i < upto; i++) {
        key_of(i, k, sizeof k);
        size_t vlen = value_of(i, v, sizeof v);
        int want = i < ntxns && expect_present(i, ntxns);
        if (has(r, "wal.a", k, strlen(k), v, vlen) != want) TEST_FAIL_("k%05d: expected %s", i, want ? "present" : "absent");
        if (i % 25 == 0) {
            size_t n = long_key(i, lk, sizeof lk);
            snprintf(ks, sizeof ks, "wal.ks%d", i);
            ASSERT_EQ(has(r, "wal.long", lk, n, v, vlen), i < ntxns);
            ASSERT_EQ(has(r, ks, "x", 1, v, vlen), i < ntxns);
        }
    }
    store_abort(r);
}

TEST(wal_replays_acknowledged_commits_onto_an_older_data_file)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/replay", test_tmpdir());
    make_base(dir);
    writer_dies(dir, N_TXNS);
    roll_back(dir);            /* data.mdb knows only "base" now */
    store_t *s = open_dir(dir);
    check_state(s, N_TXNS, N_TXNS);
    close_store(s);
    /* a clean close checkpointed: the same state again, with nothing to replay */
    s = open_dir(dir);
    check_state(s, N_TXNS, N_TXNS);
    close_store(s);
}

TEST(wal_replay_on_the_current_data_file_is_idempotent)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/idem", test_tmpdir());
    make_base(dir);
    writer_dies(dir, N_TXNS);  /* data.mdb already holds every commit */
    store_t *s = open_dir(dir);
    check_state(s, N_TXNS, N_TXNS);
    close_store(s);
}

TEST(wal_torn_last_record_is_not_applied)
{
    char dir[512], wal[600];
    snprintf(dir, sizeof dir, "%s/torn", test_tmpdir());
    make_base(dir);
    writer_dies(dir, N_TXNS);
    roll_back(dir);
    /* After the last record the file holds only zeros (an end mark, then
     * the prefill): cut into the last record (txn N_TXNS - 1), whose value
     * ends in letters. */
    snprintf(wal, sizeof wal, "%s/store/wal.0", dir);
    ASSERT_EQ(truncate(wal, last_nonzero(wal) - 4), 0);
    store_t *s = open_dir(dir);
    check_state(s, N_TXNS - 1, N_TXNS);
    close_store(s);
}

/* ~40 MB of commits with a 16 MiB switch size: the log switches files
 * several times and checkpoints; the writer then dies and everything is
 * still there. */
TEST(wal_switches_files_and_checkpoints_without_loss)
{
    char dir[512], wal1[600];
    snprintf(dir, sizeof dir, "%s/switch", test_tmpdir());
    make_base(dir);
    enum { BIG = 64 * 1024, NBIG = 640 };
    pid_t pid = fork_child();
    if (pid == 0) {
        uv_loop_t l;
        store_t *s;
        static char v[BIG];
        struct acks a = { 0, 0 };
        store_options_t o = { .log_switch_bytes = 16u << 20 };
        if (uv_loop_init(&l) != 0 || store_open(&s, &l, dir, &o) != STORE_OK) _exit(10);
        int i = 0;
        while (a.n < NBIG) {
            while (i < NBIG && i - a.n < 16) {
                store_txn_t *t;
                char k[32];
                snprintf(k, sizeof k, "big%04d", i);
                memset(v, 'A' + i % 26, sizeof v);
                if (store_begin(s, STORE_WRITE, &t) != STORE_OK ||
                    store_put(t, "wal.big", k, strlen(k), v, sizeof v) != STORE_OK ||
                    store_commit(t, on_ack, &a) != STORE_OK) _exit(11);
                i++;
            }
            uv_run(&l, UV_RUN_ONCE);
        }
        _exit(a.bad ? 12 : 0);
    }
    ASSERT_EQ(wait_child(pid), 0);
    snprintf(wal1, sizeof wal1, "%s/store/wal.1", dir);
    ASSERT(file_size(wal1) > 4096);                    /* the log switched */
    store_t *s = open_dir(dir);
    store_txn_t *r;
    ASSERT_EQ(store_begin(s, STORE_READ, &r), STORE_OK);
    ASSERT(has(r, "wal.a", "base", 4, "v0", 2));
    for (int i = 0; i < NBIG; i++) {
        char k[32];
        const void *v;
        size_t n;
        snprintf(k, sizeof k, "big%04d", i);
        ASSERT_EQ(store_get(r, "wal.big", k, strlen(k), &v, &n), STORE_OK);
        ASSERT_EQ(n, (size_t)BIG);
        ASSERT_EQ(((const char *)v)[0], 'A' + i % 26);
        ASSERT_EQ(((const char *)v)[BIG - 1], 'A' + i % 26);
    }
    store_abort(r);
    close_store(s);
    ASSERT_EQ(uv_loop_close(&loop), 0);
}

/* One process writes a store: a second writer is refused (its log replay
 * would rewrite the owner's live log); a read-only open beside the owner
 * (nimbus logs) reads, may not write, and leaves the owner's log alone. */
static int child_open(const char *dir, int read_only)
{
    pid_t pid = fork_child();
    if (pid == 0) {
        uv_loop_t l;
        store_t *s = NULL;
        store_options_t o = { .read_only = read_only };
        if (uv_loop_init(&l) != 0) _exit(20);
        int rc = store_open(&s, &l, dir, &o);
        if (!read_only) _exit(rc == STORE_ERR_IO ? 0 : 21);
        if (rc != STORE_OK) _exit(22);
        store_txn_t *t;
        if (store_begin(s, STORE_WRITE, &t) != STORE_ERR_READONLY) _exit(23);
        if (store_begin(s, STORE_READ, &t) != STORE_OK) _exit(24);
        const void *v;
        size_t n;
        if (store_get(t, "wal.a", "owned", 5, &v, &n) != STORE_OK || n != 3 || memcmp(v, "yes", 3)) _exit(25);
        store_abort(t);
        store_close(s);
        uv_run(&l, UV_RUN_DEFAULT);
        _exit(0);
    }
    return wait_child(pid);
}

TEST(wal_one_writer_per_store_readers_beside_it)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/owner", test_tmpdir());
    store_t *s = open_dir(dir);
    store_txn_t *t;
    struct acks a = { 0, 0 };
    ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
    ASSERT_EQ(store_put(t, "wal.a", "owned", 5, "yes", 3), STORE_OK);
    ASSERT_EQ(store_commit(t, on_ack, &a), STORE_OK);
    uv_run(&loop, UV_RUN_DEFAULT);
    ASSERT_EQ(child_open(dir, 0), 0);          /* second writer: refused */
    ASSERT_EQ(child_open(dir, 1), 0);          /* reader beside the owner */
    ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);   /* the owner's log still works */
    ASSERT_EQ(store_put(t, "wal.a", "after", 5, "1", 1), STORE_OK);
    ASSERT_EQ(store_commit(t, on_ack, &a), STORE_OK);
    uv_run(&loop, UV_RUN_DEFAULT);
    ASSERT_EQ(a.n, 2);
    ASSERT_EQ(a.bad, 0);
    close_store(s);
    s = open_dir(dir);                         /* the owner gone: a writer may open it */
    store_txn_t *r;
    ASSERT_EQ(store_begin(s, STORE_READ, &r), STORE_OK);
    ASSERT(has(r, "wal.a", "after", 5, "1", 1));
    store_abort(r);
    close_store(s);
    ASSERT_EQ(uv_loop_close(&loop), 0);
}

/* A child opens the store in dir, clones a process that keeps the lock's
 * descriptor for 300 ms, optionally records the running test process as the
 * owner with a start time it never had (fake_owner), and dies holding the
 * store, as kill -9 leaves it. Then the next writer must open the store. */
static void restart_after_owner_dies(const char *name, int fake_owner)
{
    char dir[512], lock[600];
    snprintf(dir, sizeof dir, "%s/%s", test_tmpdir(), name);
    snprintf(lock, sizeof lock, "%s/store/owner.lock", dir);
    close_store(open_dir(dir));
    pid_t owner = fork_child();
    if (owner == 0) {
        uv_loop_t l;
        store_t *s = NULL;
        store_options_t o = { 0 };
        if (uv_loop_init(&l) != 0 || store_open(&s, &l, dir, &o) != STORE_OK) _exit(20);
        pid_t clone = fork();                  /* keeps the lock's descriptor */
        if (clone == 0) {
            struct timespec ts = { 0, 300 * 1000 * 1000 };
            nanosleep(&ts, NULL);
            _exit(0);
        }
        if (fake_owner) {
            FILE *f = fopen(lock, "w");
            if (!f || fprintf(f, "%ld 1\n", (long)getppid()) < 0 || fclose(f) != 0) _exit(22);
        }
        _exit(clone > 0 ? 0 : 21);
    }
    ASSERT_EQ(wait_child(owner), 0);           /* reaped: gone, its clone still sleeping */
    store_t *s = open_dir(dir);
    ASSERT(s != NULL);
    close_store(s);
    ASSERT_EQ(uv_loop_close(&loop), 0);
}

/* An owner killed while a process it had just cloned (not yet exec'd) still
 * holds its copy of the lock's descriptor: the next writer waits for that
 * copy to go instead of refusing the restart. */
TEST(wal_restart_waits_for_a_dead_owners_last_clone)
{
    restart_after_owner_dies("deadowner", 0);
}

/* The recorded owner's pid now belongs to another, running process (pid
 * reuse): its start time differs from the recorded one, so the owner is gone
 * and the restart waits for the clone as above instead of refusing. */
TEST(wal_restart_tells_a_reused_pid_from_its_owner)
{
    restart_after_owner_dies("reusedpid", 1);
}
