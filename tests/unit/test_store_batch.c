/* test_store_batch.c — commits made while a sync is in flight are applied
 * as one LMDB transaction (store_lmdb.c, "batching"): each is still atomic,
 * visible to every transaction begun after its store_commit, discarded alone
 * on abort, and acknowledged only after a sync that covers it. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include "test.h"
#include "store/store.h"
#include "store/store_backend.h"

static uv_loop_t loop;

static store_t *open_sub(const char *sub)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/%s", test_tmpdir(), sub);
    if (!loop.data) {
        ASSERT_EQ(uv_loop_init(&loop), 0);
        loop.data = &loop;
    }
    store_t *s = NULL;
    ASSERT_EQ(store_open(&s, &loop, dir, NULL), STORE_OK);
    uv_run(&loop, UV_RUN_DEFAULT);             /* the open's own commit acknowledged: idle */
    return s;
}

static void close_store(store_t *s)
{
    store_close(s);
    uv_run(&loop, UV_RUN_DEFAULT);
}

static void finish(void)
{
    uv_run(&loop, UV_RUN_DEFAULT);
    ASSERT_EQ(uv_loop_close(&loop), 0);
    loop.data = NULL;
}

struct ack {
    int calls, status;
    uint64_t syncs;            /* store_lmdb_sync_count() when called back */
};

static void on_durable(void *arg, int status)
{
    struct ack *a = arg;
    a->calls++;
    a->status = status;
    a->syncs = store_lmdb_sync_count();
}

static void put(store_txn_t *t, const char *ks, const char *k, const char *v)
{
    ASSERT_EQ(store_put(t, ks, k, strlen(k), v, strlen(v)), STORE_OK);
}

/* The value of k in t as a string ("" when absent). */
static const char *val(store_txn_t *t, const char *ks, const char *k, char *buf, size_t cap)
{
    const void *v;
    size_t n;
    int rc = store_get(t, ks, k, strlen(k), &v, &n);
    if (rc == STORE_NOTFOUND) return "";
    ASSERT_EQ(rc, STORE_OK);
    ASSERT(n < cap);
    memcpy(buf, v, n);
    buf[n] = 0;
    return buf;
}

static const char *read1(store_t *s, const char *ks, const char *k, char *buf, size_t cap)
{
    store_txn_t *r;
    ASSERT_EQ(store_begin(s, STORE_READ, &r), STORE_OK);
    const char *res = val(r, ks, k, buf, cap);
    store_abort(r);
    return res;
}

/* One commit that starts a sync: the group is busy until the loop runs. */
static void start_sync(store_t *s, struct ack *a)
{
    store_txn_t *t;
    ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
    put(t, "b", "first", "1");
    ASSERT_EQ(store_commit(t, on_durable, a), STORE_OK);
}

TEST(store_batch_commits_visible_at_once_and_acked_after_a_later_sync)
{
    store_t *s = open_sub("vis");
    struct ack a0 = { 0 }, a[20] = { { 0 } };
    start_sync(s, &a0);
    uint64_t syncs0 = store_lmdb_sync_count();
    char buf[64], key[16], want[16];
    for (int i = 0; i < 20; i++) {
        store_txn_t *t;
        ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
        snprintf(key, sizeof key, "k%02d", i);
        snprintf(want, sizeof want, "v%d", i);
        put(t, "b", key, want);
        if (i) {                               /* the previous commit, seen by this writer */
            char pk[16], pv[16];
            snprintf(pk, sizeof pk, "k%02d", i - 1);
            snprintf(pv, sizeof pv, "v%d", i - 1);
            ASSERT_STREQ(val(t, "b", pk, buf, sizeof buf), pv);
        }
        ASSERT_EQ(store_commit(t, on_durable, &a[i]), STORE_OK);
        if (i % 5 == 0) ASSERT_STREQ(read1(s, "b", key, buf, sizeof buf), want);   /* a reader sees it */
        ASSERT_EQ(a[i].calls, 0);              /* never inside store_commit */
    }
    while (a[19].calls == 0) uv_run(&loop, UV_RUN_ONCE);
    ASSERT_EQ(a0.calls, 1);
    for (int i = 0; i < 20; i++) {
        ASSERT_EQ(a[i].calls, 1);
        ASSERT_EQ(a[i].status, STORE_OK);
        ASSERT(a[i].syncs > syncs0);           /* a sync begun after the commit covered it */
    }
    close_store(s);
    s = open_sub("vis");
    ASSERT_STREQ(read1(s, "b", "k19", buf, sizeof buf), "v19");
    ASSERT_STREQ(read1(s, "b", "first", buf, sizeof buf), "1");
    close_store(s);
    finish();
}

TEST(store_batch_abort_discards_only_itself)
{
    store_t *s = open_sub("abort");
    struct ack a0 = { 0 }, a1 = { 0 }, a3 = { 0 };
    start_sync(s, &a0);
    store_txn_t *t;
    char buf[64];
    ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
    put(t, "b", "one", "1");
    ASSERT_EQ(store_commit(t, on_durable, &a1), STORE_OK);
    ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
    put(t, "b", "two", "2");
    put(t, "b", "one", "overwritten");
    ASSERT_EQ(store_del(t, "b", "first", 5), STORE_OK);
    put(t, "newks", "x", "y");                 /* a keyspace created by the aborted txn */
    store_abort(t);
    ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
    ASSERT_STREQ(val(t, "b", "one", buf, sizeof buf), "1");
    ASSERT_STREQ(val(t, "b", "two", buf, sizeof buf), "");
    ASSERT_STREQ(val(t, "b", "first", buf, sizeof buf), "1");
    ASSERT_STREQ(val(t, "newks", "x", buf, sizeof buf), "");
    put(t, "b", "three", "3");
    ASSERT_EQ(store_commit(t, on_durable, &a3), STORE_OK);
    while (a3.calls == 0) uv_run(&loop, UV_RUN_ONCE);
    ASSERT_EQ(a1.status, STORE_OK);
    ASSERT_STREQ(read1(s, "b", "one", buf, sizeof buf), "1");
    ASSERT_STREQ(read1(s, "b", "two", buf, sizeof buf), "");
    ASSERT_STREQ(read1(s, "b", "three", buf, sizeof buf), "3");
    ASSERT_STREQ(read1(s, "newks", "x", buf, sizeof buf), "");
    close_store(s);
    finish();
}

/* A keyspace created by one batched commit is there for the next ones and,
 * after the flush, for readers and after a reopen. */
TEST(store_batch_new_keyspace_carried_through)
{
    store_t *s = open_sub("ks");
    struct ack a0 = { 0 }, a1 = { 0 }, a2 = { 0 };
    start_sync(s, &a0);
    store_txn_t *t;
    char buf[64];
    ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
    put(t, "fresh", "a", "1");
    ASSERT_EQ(store_commit(t, on_durable, &a1), STORE_OK);
    ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
    ASSERT_STREQ(val(t, "fresh", "a", buf, sizeof buf), "1");
    put(t, "fresh", "b", "2");
    ASSERT_EQ(store_commit(t, on_durable, &a2), STORE_OK);
    ASSERT_STREQ(read1(s, "fresh", "b", buf, sizeof buf), "2");
    while (a2.calls == 0) uv_run(&loop, UV_RUN_ONCE);
    close_store(s);
    s = open_sub("ks");
    ASSERT_STREQ(read1(s, "fresh", "a", buf, sizeof buf), "1");
    close_store(s);
    finish();
}

/* A reader begun while a batched writer is open sees the commits before
 * that writer and none of the writer's own changes; the writer goes on and
 * commits everything it wrote, before and after the reader began. */
TEST(store_batch_reader_beside_open_writer)
{
    store_t *s = open_sub("beside");
    struct ack a0 = { 0 }, a1 = { 0 }, a2 = { 0 };
    start_sync(s, &a0);
    store_txn_t *t, *w, *r;
    char buf[64];
    ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
    put(t, "b", "earlier", "e");
    ASSERT_EQ(store_commit(t, on_durable, &a1), STORE_OK);

    ASSERT_EQ(store_begin(s, STORE_WRITE, &w), STORE_OK);
    put(w, "b", "mine", "m1");
    put(w, "wks", "k", "new keyspace");        /* created before the reader */
    ASSERT_EQ(store_del(w, "b", "earlier", 7), STORE_OK);
    const void *held;
    size_t heldlen;
    ASSERT_EQ(store_get(w, "b", "mine", 4, &held, &heldlen), STORE_OK);
    ASSERT_EQ(store_begin(s, STORE_READ, &r), STORE_OK);
    ASSERT_STREQ(val(r, "b", "earlier", buf, sizeof buf), "e");
    ASSERT_STREQ(val(r, "b", "mine", buf, sizeof buf), "");
    ASSERT_STREQ(val(r, "wks", "k", buf, sizeof buf), "");
    /* the writer still sees its own writes, and what it was handed */
    ASSERT_EQ(heldlen, 2);
    ASSERT_MEMEQ(held, "m1", 2);
    ASSERT_STREQ(val(w, "b", "mine", buf, sizeof buf), "m1");
    ASSERT_STREQ(val(w, "b", "earlier", buf, sizeof buf), "");
    ASSERT_STREQ(val(w, "wks", "k", buf, sizeof buf), "new keyspace");
    put(w, "b", "after", "a");
    ASSERT_EQ(store_commit(w, on_durable, &a2), STORE_OK);
    ASSERT_STREQ(val(r, "b", "after", buf, sizeof buf), "");   /* r's snapshot */
    store_abort(r);
    while (a2.calls == 0) uv_run(&loop, UV_RUN_ONCE);
    ASSERT_EQ(a1.status, STORE_OK);
    ASSERT_EQ(a2.status, STORE_OK);
    ASSERT_STREQ(read1(s, "b", "mine", buf, sizeof buf), "m1");
    ASSERT_STREQ(read1(s, "b", "after", buf, sizeof buf), "a");
    ASSERT_STREQ(read1(s, "b", "earlier", buf, sizeof buf), "");
    ASSERT_STREQ(read1(s, "wks", "k", buf, sizeof buf), "new keyspace");
    close_store(s);
    finish();
}

/* Many writers committing from their own callbacks: every commit is
 * acknowledged once, in far fewer syncs than commits, and all are there. */
enum { WRITERS = 32, EACH = 40 };

struct writer {
    store_t *s;
    int id, done, next;
};

/* One writer's next commit, from its previous commit's callback. */
static void step(void *arg, int status)
{
    struct writer *w = arg;
    ASSERT_EQ(status, STORE_OK);
    if (w->next > 0) w->done++;
    if (w->next == EACH) return;
    int j = w->next++;
    char key[32], v[32];
    snprintf(key, sizeof key, "w%d-%d", w->id, j);
    snprintf(v, sizeof v, "%d", j);
    store_txn_t *t;
    ASSERT_EQ(store_begin(w->s, STORE_WRITE, &t), STORE_OK);
    put(t, "chain", key, v);
    ASSERT_EQ(store_commit(t, step, w), STORE_OK);
}

TEST(store_batch_chained_writers)
{
    store_t *s = open_sub("chain");
    struct writer ws[WRITERS];
    uint64_t syncs0 = store_lmdb_sync_count();
    for (int i = 0; i < WRITERS; i++) {
        ws[i] = (struct writer){ s, i, 0, 0 };
        step(&ws[i], STORE_OK);
    }
    int all;
    do {
        uv_run(&loop, UV_RUN_ONCE);
        all = 1;
        for (int i = 0; i < WRITERS; i++) all &= ws[i].done == EACH;
    } while (!all);
    uint64_t syncs = store_lmdb_sync_count() - syncs0;
    ASSERT(syncs < WRITERS * EACH / 4);
    char buf[64], key[32], want[32];
    for (int i = 0; i < WRITERS; i++)
        for (int j = 0; j < EACH; j++) {
            snprintf(key, sizeof key, "w%d-%d", i, j);
            snprintf(want, sizeof want, "%d", j);
            ASSERT_STREQ(read1(s, "chain", key, buf, sizeof buf), want);
        }
    close_store(s);
    finish();
}

/* A batch whose flush finds the disk full: every commit in it is called back
 * with STORE_ERR_FULL and none of it is there — including the data key its
 * first commit created for a new keyspace, which the keyring must forget
 * (else later values would be sealed with a key the store never kept, and
 * be unreadable after a reopen). Needs root (a 1 MiB tmpfs, own namespace). */
TEST(store_batch_flush_on_full_disk_fails_the_batch_only)
{
    char dir[512], ballast[600];
    snprintf(dir, sizeof dir, "%s/small", test_tmpdir());
    ASSERT_EQ(mkdir(dir, 0700), 0);
    if (unshare(CLONE_NEWNS) != 0) TEST_FAIL_("unshare(CLONE_NEWNS): %s (needs root)", strerror(errno));
    ASSERT_EQ(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
    ASSERT_EQ(mount("tmpfs", dir, "tmpfs", 0, "size=1m"), 0);
    snprintf(ballast, sizeof ballast, "%s/ballast", dir);
    int fd = open(ballast, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ASSERT(fd >= 0);
    static char big[8000];
    memset(big, 'b', sizeof big);
    for (int i = 0; i < 40; i++) ASSERT_EQ(write(fd, big, sizeof big), (long long)sizeof big);
    close(fd);

    store_t *s = open_sub("small");
    struct ack a0 = { 0 }, a[120];
    memset(a, 0, sizeof a);
    start_sync(s, &a0);
    char key[16], buf[64];
    for (int i = 0; i < 120; i++) {            /* ~960 KB: more than the disk has */
        store_txn_t *t;
        snprintf(key, sizeof key, "big%03d", i);
        ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
        ASSERT_EQ(store_put(t, "nk", key, strlen(key), big, sizeof big), STORE_OK);
        ASSERT_EQ(store_commit(t, on_durable, &a[i]), STORE_OK);
    }
    while (a[119].calls == 0) uv_run(&loop, UV_RUN_ONCE);
    ASSERT_EQ(a0.status, STORE_OK);
    for (int i = 0; i < 120; i++) {
        ASSERT_EQ(a[i].calls, 1);
        ASSERT_EQ(a[i].status, STORE_ERR_FULL);
    }
    ASSERT_STREQ(read1(s, "nk", "big000", buf, sizeof buf), "");
    ASSERT_STREQ(read1(s, "b", "first", buf, sizeof buf), "1");

    ASSERT_EQ(unlink(ballast), 0);             /* space again: writes work */
    store_txn_t *t;
    ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
    put(t, "nk", "after", "a");
    struct ack a1 = { 0 };
    ASSERT_EQ(store_commit(t, on_durable, &a1), STORE_OK);
    while (a1.calls == 0) uv_run(&loop, UV_RUN_ONCE);
    ASSERT_EQ(a1.status, STORE_OK);
    close_store(s);
    s = open_sub("small");                     /* readable after a reopen: its key was stored */
    ASSERT_STREQ(read1(s, "nk", "after", buf, sizeof buf), "a");
    ASSERT_STREQ(read1(s, "nk", "big000", buf, sizeof buf), "");
    close_store(s);
    finish();
    ASSERT_EQ(umount2(dir, MNT_DETACH), 0);
}

/* Batched writers that abort after writing are undone by re-applying the
 * batch's earlier commits (store_lmdb.c, batch_undo): a random run of
 * commits and aborts — puts, overwrites and deletes over short and long
 * keys, keyspaces first created inside the batch, readers begun beside an
 * open writer — checked against a model after every transaction, after the
 * acknowledgements, and after a reopen. */
enum { MKS = 3, MKEYS = 24, MTXNS = 700 };

static char model[MKS][MKEYS][32];         /* "" = absent */

static void mkey(char *k, size_t cap, int i)
{
    if (i % 4 == 3) {                      /* long: chunks in the long-key database */
        memset(k, 'L', 700);
        snprintf(k + 700, cap - 700, "%d", i);
    } else {
        snprintf(k, cap, "key%d", i);
    }
}

static void check_model(store_t *s, store_txn_t *in)
{
    char key[800], buf[64], ks[16];
    store_txn_t *r = in;
    if (!r) ASSERT_EQ(store_begin(s, STORE_READ, &r), STORE_OK);
    for (int k = 0; k < MKS; k++)
        for (int i = 0; i < MKEYS; i++) {
            snprintf(ks, sizeof ks, "m%d", k);
            mkey(key, sizeof key, i);
            ASSERT_STREQ(val(r, ks, key, buf, sizeof buf), model[k][i]);
        }
    if (!in) store_abort(r);
}

TEST(store_batch_aborted_writers_undone_against_a_model)
{
    store_t *s = open_sub("model");
    struct ack a0 = { 0 };
    static struct ack acks[MTXNS];
    memset(acks, 0, sizeof acks);
    memset(model, 0, sizeof model);
    start_sync(s, &a0);
    unsigned seed = 12345;
    char key[800], ks[16], v[32];
    static char next[MKS][MKEYS][32];
    int last = -1;
    for (int n = 0; n < MTXNS; n++) {
        memcpy(next, model, sizeof model);
        store_txn_t *t;
        ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
        int ops = 1 + (int)(rand_r(&seed) % 5);
        int kmax = n < MTXNS / 3 ? 2 : MKS;   /* m2 first created mid-run */
        for (int o = 0; o < ops; o++) {
            int k = (int)(rand_r(&seed) % (unsigned)kmax), i = (int)(rand_r(&seed) % MKEYS);
            snprintf(ks, sizeof ks, "m%d", k);
            mkey(key, sizeof key, i);
            if (rand_r(&seed) % 4 == 0) {
                int rc = store_del(t, ks, key, strlen(key));
                ASSERT_EQ(rc, next[k][i][0] ? STORE_OK : STORE_NOTFOUND);
                next[k][i][0] = 0;
            } else {
                snprintf(v, sizeof v, "v%d.%d", n % 10000, o % 10);
                ASSERT_EQ(store_put(t, ks, key, strlen(key), v, strlen(v)), STORE_OK);
                snprintf(next[k][i], sizeof next[k][i], "%s", v);
            }
            if (rand_r(&seed) % 17 == 0) check_model(s, NULL);   /* a reader beside the writer */
        }
        if (rand_r(&seed) % 3 == 0) {
            store_abort(t);
        } else {
            ASSERT_EQ(store_commit(t, on_durable, &acks[n]), STORE_OK);
            memcpy(model, next, sizeof model);
            last = n;
        }
        if (n % 7 == 0) {                  /* seen inside the next writer, in the batch */
            store_txn_t *w;
            ASSERT_EQ(store_begin(s, STORE_WRITE, &w), STORE_OK);
            check_model(s, w);
            store_abort(w);
        }
        if (n % 50 == 0) check_model(s, NULL);
    }
    ASSERT(last >= 0);
    while (acks[last].calls == 0) uv_run(&loop, UV_RUN_ONCE);
    for (int n = 0; n < MTXNS; n++)
        if (acks[n].calls) ASSERT_EQ(acks[n].status, STORE_OK);
    check_model(s, NULL);
    close_store(s);
    s = open_sub("model");
    check_model(s, NULL);
    close_store(s);
    finish();
}
