/* test_store.c — the storage layer through store.h (LMDB backend, real files). */
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

static store_t *open_opts(const char *sub, const store_options_t *opts)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/%s", test_tmpdir(), sub);
    if (!loop.data) {
        ASSERT_EQ(uv_loop_init(&loop), 0);
        loop.data = &loop;
    }
    store_t *s = NULL;
    ASSERT_EQ(store_open(&s, &loop, dir, opts), STORE_OK);
    ASSERT(s != NULL);
    return s;
}

static store_t *open_store(void) { return open_opts("db", NULL); }

/* Close, let the loop release what it still holds, and check it is empty. */
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

/* Durability callback bookkeeping. */
struct ack {
    int calls;
    int status;
    uint64_t syncs_at_call;
};

static void on_durable(void *arg, int status)
{
    struct ack *a = arg;
    a->calls++;
    a->status = status;
    a->syncs_at_call = store_lmdb_sync_count();
}

/* Commit t and wait for its durability callback. */
static void commit_wait(store_txn_t *t)
{
    struct ack a = { 0 };
    ASSERT_EQ(store_commit(t, on_durable, &a), STORE_OK);
    while (a.calls == 0) uv_run(&loop, UV_RUN_ONCE);
    ASSERT_EQ(a.calls, 1);
    ASSERT_EQ(a.status, STORE_OK);
}

static void put1(store_t *s, const char *ks, const char *key, const char *val)
{
    store_txn_t *t;
    ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
    ASSERT_EQ(store_put(t, ks, key, strlen(key), val, strlen(val)), STORE_OK);
    commit_wait(t);
}

/* The value of key as a fresh read transaction sees it, into out; or NULL. */
static const char *get1(store_t *s, const char *ks, const char *key, char *out, size_t cap)
{
    store_txn_t *t;
    const void *v;
    size_t vlen;
    ASSERT_EQ(store_begin(s, STORE_READ, &t), STORE_OK);
    int rc = store_get(t, ks, key, strlen(key), &v, &vlen);
    const char *res = NULL;
    if (rc == STORE_OK) {
        ASSERT(vlen < cap);
        memcpy(out, v, vlen);
        out[vlen] = 0;
        res = out;
    } else {
        ASSERT_EQ(rc, STORE_NOTFOUND);
    }
    ASSERT_EQ(store_commit(t, NULL, NULL), STORE_OK);
    return res;
}

TEST(store_put_get_del)
{
    store_t *s = open_store();
    char buf[64];
    ASSERT_STREQ(store_backend_name(s), "lmdb");
    ASSERT(get1(s, "t.a", "k", buf, sizeof buf) == NULL);
    put1(s, "t.a", "k", "v1");
    ASSERT_STREQ(get1(s, "t.a", "k", buf, sizeof buf), "v1");
    put1(s, "t.a", "k", "v2-longer");                     /* overwrite */
    ASSERT_STREQ(get1(s, "t.a", "k", buf, sizeof buf), "v2-longer");

    store_txn_t *t;
    ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
    ASSERT_EQ(store_del(t, "t.a", "k", 1), STORE_OK);
    ASSERT_EQ(store_del(t, "t.a", "k", 1), STORE_NOTFOUND);
    ASSERT_EQ(store_del(t, "t.never", "k", 1), STORE_NOTFOUND);
    commit_wait(t);
    ASSERT(get1(s, "t.a", "k", buf, sizeof buf) == NULL);
    ASSERT(get1(s, "t.never", "k", buf, sizeof buf) == NULL);
    close_store(s);
    finish();
}

TEST(store_empty_value)
{
    store_t *s = open_store();
    store_txn_t *t;
    ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
    ASSERT_EQ(store_put(t, "t", "e", 1, NULL, 0), STORE_OK);
    ASSERT_EQ(store_put(t, "t", "f", 1, "", 0), STORE_OK);
    commit_wait(t);
    ASSERT_EQ(store_begin(s, STORE_READ, &t), STORE_OK);
    const void *v = NULL;
    size_t vlen = 99;
    ASSERT_EQ(store_get(t, "t", "e", 1, &v, &vlen), STORE_OK);
    ASSERT_EQ(vlen, 0);
    ASSERT_EQ(store_get(t, "t", "f", 1, &v, &vlen), STORE_OK);
    ASSERT_EQ(vlen, 0);
    store_abort(t);
    close_store(s);
    finish();
}

TEST(store_invalid_arguments)
{
    store_t *s = open_store();
    char key[STORE_MAX_KEY + 1];
    memset(key, 'k', sizeof key);
    store_txn_t *t, *t2;
    ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
    ASSERT_EQ(store_put(t, "t", "", 0, "v", 1), STORE_ERR_INVALID);
    ASSERT_EQ(store_put(t, "t", key, sizeof key, "v", 1), STORE_ERR_INVALID);
    ASSERT_EQ(store_put(t, "t", key, STORE_MAX_KEY, "v", 1), STORE_OK);
    ASSERT_EQ(store_put(t, "", "k", 1, "v", 1), STORE_ERR_INVALID);
    ASSERT_EQ(store_put(t, NULL, "k", 1, "v", 1), STORE_ERR_INVALID);
    ASSERT_EQ(store_del(t, "t", "", 0), STORE_ERR_INVALID);
    ASSERT_EQ(store_begin(s, STORE_WRITE, &t2), STORE_ERR_INVALID);  /* one writer */
    ASSERT_EQ(store_begin(s, 7, &t2), STORE_ERR_INVALID);
    commit_wait(t);

    ASSERT_EQ(store_begin(s, STORE_READ, &t), STORE_OK);
    const void *v;
    size_t vlen;
    ASSERT_EQ(store_get(t, "t", key, sizeof key, &v, &vlen), STORE_ERR_INVALID);
    ASSERT_EQ(store_get(t, "t", key, STORE_MAX_KEY, &v, &vlen), STORE_OK);
    ASSERT_EQ(vlen, 1);
    ASSERT_EQ(store_put(t, "t", "k", 1, "v", 1), STORE_ERR_READONLY);
    ASSERT_EQ(store_del(t, "t", "k", 1), STORE_ERR_READONLY);
    store_abort(t);
    close_store(s);
    finish();
}

/* Scan collector: keys joined by ',' into buf. */
struct seen {
    char buf[1024];
    int n;
    int stop_after;            /* 0: never stop */
};

static int collect(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
    struct seen *c = arg;
    (void)val; (void)vlen;
    size_t len = strlen(c->buf);
    if (len) c->buf[len++] = ',';
    memcpy(c->buf + len, key, klen);
    c->buf[len + klen] = 0;
    c->n++;
    return c->stop_after && c->n >= c->stop_after ? 7 : 0;
}

static const char *scan_str(store_t *s, const char *lo, const char *hi, int reverse, int stop_after,
                            struct seen *c)
{
    store_txn_t *t;
    memset(c, 0, sizeof *c);
    c->stop_after = stop_after;
    ASSERT_EQ(store_begin(s, STORE_READ, &t), STORE_OK);
    int rc = store_scan(t, "scan", lo, lo ? strlen(lo) : 0, hi, hi ? strlen(hi) : 0, reverse,
                        collect, c);
    ASSERT_EQ(rc, stop_after && c->n >= stop_after ? 7 : 0);
    store_abort(t);
    return c->buf;
}

TEST(store_scan_bounds_and_order)
{
    store_t *s = open_store();
    store_txn_t *t;
    ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
    const char *keys[] = { "a", "b", "c", "d", "e" };
    for (int i = 0; i < 5; i++)
        ASSERT_EQ(store_put(t, "scan", keys[i], 1, "v", 1), STORE_OK);
    ASSERT_EQ(store_put(t, "other", "bb", 2, "v", 1), STORE_OK);
    commit_wait(t);
    struct seen c;
    ASSERT_STREQ(scan_str(s, NULL, NULL, 0, 0, &c), "a,b,c,d,e");
    ASSERT_STREQ(scan_str(s, NULL, NULL, 1, 0, &c), "e,d,c,b,a");
    ASSERT_STREQ(scan_str(s, "b", "d", 0, 0, &c), "b,c");
    ASSERT_STREQ(scan_str(s, "b", "d", 1, 0, &c), "c,b");
    ASSERT_STREQ(scan_str(s, "bb", "dd", 0, 0, &c), "c,d");      /* bounds between keys */
    ASSERT_STREQ(scan_str(s, "bb", "dd", 1, 0, &c), "d,c");
    ASSERT_STREQ(scan_str(s, "c", NULL, 0, 0, &c), "c,d,e");
    ASSERT_STREQ(scan_str(s, "c", NULL, 1, 0, &c), "e,d,c");
    ASSERT_STREQ(scan_str(s, NULL, "c", 0, 0, &c), "a,b");
    ASSERT_STREQ(scan_str(s, NULL, "c", 1, 0, &c), "b,a");
    ASSERT_STREQ(scan_str(s, NULL, "z", 1, 0, &c), "e,d,c,b,a");  /* hi past the end */
    ASSERT_STREQ(scan_str(s, "f", NULL, 0, 0, &c), "");           /* lo past the end */
    ASSERT_STREQ(scan_str(s, NULL, "a", 1, 0, &c), "");           /* hi at the first */
    ASSERT_STREQ(scan_str(s, "c", "c", 0, 0, &c), "");            /* empty range */
    ASSERT_STREQ(scan_str(s, "", NULL, 0, 0, &c), "a,b,c,d,e");   /* "" is below all */
    ASSERT_STREQ(scan_str(s, NULL, "", 1, 0, &c), "");            /* nothing below "" */
    ASSERT_STREQ(scan_str(s, NULL, NULL, 0, 2, &c), "a,b");       /* early stop: returns 7 */
    ASSERT_STREQ(scan_str(s, "b", NULL, 1, 2, &c), "e,d");

    /* A bound longer than any key compares like its first STORE_MAX_KEY+1 bytes. */
    char longb[2000];
    memset(longb, 'c', sizeof longb - 1);
    longb[sizeof longb - 1] = 0;
    ASSERT_STREQ(scan_str(s, longb, NULL, 0, 0, &c), "d,e");
    ASSERT_STREQ(scan_str(s, NULL, longb, 1, 0, &c), "c,b,a");

    /* A keyspace never written scans empty. */
    ASSERT_EQ(store_begin(s, STORE_READ, &t), STORE_OK);
    memset(&c, 0, sizeof c);
    ASSERT_EQ(store_scan(t, "nothing", NULL, 0, NULL, 0, 0, collect, &c), 0);
    ASSERT_EQ(c.n, 0);
    store_abort(t);
    close_store(s);
    finish();
}

TEST(store_keyspaces_isolated)
{
    store_t *s = open_store();
    char buf[64];
    put1(s, "ks.one", "k", "one");
    put1(s, "ks.two", "k", "two");
    ASSERT_STREQ(get1(s, "ks.one", "k", buf, sizeof buf), "one");
    ASSERT_STREQ(get1(s, "ks.two", "k", buf, sizeof buf), "two");
    ASSERT(get1(s, "ks.three", "k", buf, sizeof buf) == NULL);
    store_txn_t *t;
    ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
    ASSERT_EQ(store_del(t, "ks.one", "k", 1), STORE_OK);
    commit_wait(t);
    ASSERT(get1(s, "ks.one", "k", buf, sizeof buf) == NULL);
    ASSERT_STREQ(get1(s, "ks.two", "k", buf, sizeof buf), "two");
    struct seen c;
    memset(&c, 0, sizeof c);
    ASSERT_EQ(store_begin(s, STORE_READ, &t), STORE_OK);
    ASSERT_EQ(store_scan(t, "ks.two", NULL, 0, NULL, 0, 0, collect, &c), 0);
    ASSERT_STREQ(c.buf, "k");
    store_abort(t);
    close_store(s);
    finish();
}

static int collect_bin(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
    struct seen *c = arg;
    (void)key; (void)klen; (void)vlen;
    c->buf[c->n++] = *(const char *)val;       /* each value is one tag byte */
    return 0;
}

TEST(store_binary_keys_bytewise)
{
    store_t *s = open_store();
    /* Insert out of order; tag i marks the i-th key in byte order. */
    static const struct { const char *k; size_t n; char tag; } keys[] = {
        { "a\0", 2, '4' }, { "\xff", 1, '5' }, { "\0\0", 2, '1' }, { "a", 1, '3' },
        { "\0", 1, '0' }, { "\0\x01", 2, '2' }, { "\xff\0\xff", 3, '6' },
    };
    store_txn_t *t;
    ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        ASSERT_EQ(store_put(t, "bin", keys[i].k, keys[i].n, &keys[i].tag, 1), STORE_OK);
    commit_wait(t);
    struct seen c;
    memset(&c, 0, sizeof c);
    ASSERT_EQ(store_begin(s, STORE_READ, &t), STORE_OK);
    ASSERT_EQ(store_scan(t, "bin", NULL, 0, NULL, 0, 0, collect_bin, &c), 0);
    ASSERT_STREQ(c.buf, "0123456");
    memset(&c, 0, sizeof c);
    ASSERT_EQ(store_scan(t, "bin", "\0", 2, "\xff", 1, 1, collect_bin, &c), 0);
    ASSERT_STREQ(c.buf, "4321");
    const void *v;
    size_t vlen;
    ASSERT_EQ(store_get(t, "bin", "\0\0", 2, &v, &vlen), STORE_OK);
    ASSERT_EQ(*(const char *)v, '1');
    ASSERT_EQ(store_get(t, "bin", "\0\0\0", 3, &v, &vlen), STORE_NOTFOUND);
    store_abort(t);
    close_store(s);
    finish();
}

TEST(store_abort_discards)
{
    store_t *s = open_store();
    char buf[64];
    put1(s, "t", "keep", "1");
    store_txn_t *t;
    ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
    ASSERT_EQ(store_put(t, "t", "new", 3, "x", 1), STORE_OK);
    ASSERT_EQ(store_del(t, "t", "keep", 4), STORE_OK);
    ASSERT_EQ(store_put(t, "t.fresh", "k", 1, "x", 1), STORE_OK);     /* a new keyspace */
    const void *v;
    size_t vlen;
    ASSERT_EQ(store_get(t, "t.fresh", "k", 1, &v, &vlen), STORE_OK);  /* own writes */
    ASSERT_EQ(store_get(t, "t", "keep", 4, &v, &vlen), STORE_NOTFOUND);
    store_abort(t);
    ASSERT(get1(s, "t", "new", buf, sizeof buf) == NULL);
    ASSERT_STREQ(get1(s, "t", "keep", buf, sizeof buf), "1");
    ASSERT(get1(s, "t.fresh", "k", buf, sizeof buf) == NULL);
    /* The keyspace whose creation was aborted can be created again. */
    put1(s, "t.fresh", "k", "2");
    ASSERT_STREQ(get1(s, "t.fresh", "k", buf, sizeof buf), "2");
    close_store(s);
    finish();
}

/* Small values are answered from the plaintext of their last seal when the
 * stored bytes are that seal's (store.c, codec_open): an aborted overwrite,
 * more keys than the remembered slots, and a reopen all read true values. */
TEST(store_small_values_read_true_after_abort_and_reopen)
{
    store_t *s = open_store();
    char buf[64], key[16], val[16];
    put1(s, "t", "stat", "one");
    store_txn_t *t;
    const void *v;
    size_t vlen;
    ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
    ASSERT_EQ(store_get(t, "t", "stat", 4, &v, &vlen), STORE_OK);
    ASSERT_EQ(vlen, 3);
    ASSERT_EQ(memcmp(v, "one", 3), 0);
    ASSERT_EQ(store_put(t, "t", "stat", 4, "two", 3), STORE_OK);
    ASSERT_EQ(store_get(t, "t", "stat", 4, &v, &vlen), STORE_OK);   /* own write */
    ASSERT_EQ(vlen, 3);
    ASSERT_EQ(memcmp(v, "two", 3), 0);
    store_abort(t);
    ASSERT_STREQ(get1(s, "t", "stat", buf, sizeof buf), "one");
    ASSERT(get1(s, "t2", "stat", buf, sizeof buf) == NULL);
    for (int i = 0; i < 20; i++) {          /* more than the remembered slots */
        snprintf(key, sizeof key, "k%02d", i);
        snprintf(val, sizeof val, "v%02d", i);
        put1(s, "t", key, val);
        put1(s, "t2", key, "other");        /* same key, another keyspace */
    }
    put1(s, "t", "empty", "");
    for (int i = 0; i < 20; i++) {
        snprintf(key, sizeof key, "k%02d", i);
        snprintf(val, sizeof val, "v%02d", i);
        ASSERT_STREQ(get1(s, "t", key, buf, sizeof buf), val);
        ASSERT_STREQ(get1(s, "t2", key, buf, sizeof buf), "other");
    }
    ASSERT_STREQ(get1(s, "t", "empty", buf, sizeof buf), "");
    close_store(s);
    s = open_store();                       /* nothing remembered: AES-GCM opens */
    ASSERT_STREQ(get1(s, "t", "stat", buf, sizeof buf), "one");
    ASSERT_STREQ(get1(s, "t", "k07", buf, sizeof buf), "v07");
    close_store(s);
    finish();
}

TEST(store_read_snapshot)
{
    store_t *s = open_store();
    put1(s, "t", "k", "old");
    store_txn_t *r, *w;
    const void *v;
    size_t vlen;
    ASSERT_EQ(store_begin(s, STORE_READ, &r), STORE_OK);
    ASSERT_EQ(store_begin(s, STORE_WRITE, &w), STORE_OK);
    ASSERT_EQ(store_put(w, "t", "k", 1, "new", 3), STORE_OK);
    ASSERT_EQ(store_put(w, "t.late", "k", 1, "x", 1), STORE_OK);  /* keyspace born after r */
    struct ack a = { 0 };
    ASSERT_EQ(store_commit(w, on_durable, &a), STORE_OK);
    /* Applied and visible at once to a new read txn, before durability. */
    store_txn_t *r2;
    ASSERT_EQ(store_begin(s, STORE_READ, &r2), STORE_OK);
    ASSERT_EQ(store_get(r2, "t", "k", 1, &v, &vlen), STORE_OK);
    ASSERT_EQ(vlen, 3);
    ASSERT_MEMEQ(v, "new", 3);
    ASSERT_EQ(store_get(r2, "t.late", "k", 1, &v, &vlen), STORE_OK);
    /* The older read txn keeps its snapshot. */
    ASSERT_EQ(store_get(r, "t", "k", 1, &v, &vlen), STORE_OK);
    ASSERT_EQ(vlen, 3);
    ASSERT_MEMEQ(v, "old", 3);
    ASSERT_EQ(store_get(r, "t.late", "k", 1, &v, &vlen), STORE_NOTFOUND);
    store_abort(r);
    store_abort(r2);
    while (a.calls == 0) uv_run(&loop, UV_RUN_ONCE);
    ASSERT_EQ(a.status, STORE_OK);
    /* Read txns are reused: many in a row keep working. */
    char buf[16];
    for (int i = 0; i < 100; i++) ASSERT_STREQ(get1(s, "t", "k", buf, sizeof buf), "new");
    close_store(s);
    finish();
}

TEST(store_read_commit_calls_back_at_once)
{
    store_t *s = open_store();
    store_txn_t *t;
    struct ack a = { 0 };
    ASSERT_EQ(store_begin(s, STORE_READ, &t), STORE_OK);
    ASSERT_EQ(store_commit(t, on_durable, &a), STORE_OK);
    ASSERT_EQ(a.calls, 1);
    ASSERT_EQ(a.status, STORE_OK);
    close_store(s);
    finish();
}

TEST(store_durable_callback_after_sync)
{
    store_t *s = open_store();
    for (int i = 0; i < 5; i++) {
        store_txn_t *t;
        ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
        ASSERT_EQ(store_put(t, "t", "k", 1, "v", 1), STORE_OK);
        struct ack a = { 0 };
        uint64_t before = store_lmdb_sync_count();
        ASSERT_EQ(store_commit(t, on_durable, &a), STORE_OK);
        ASSERT_EQ(a.calls, 0);                 /* never from inside commit */
        uv_run(&loop, UV_RUN_DEFAULT);         /* runs until nothing is pending */
        ASSERT_EQ(a.calls, 1);
        ASSERT_EQ(a.status, STORE_OK);
        ASSERT_GE(a.syncs_at_call, before + 1);  /* a sync completed before the ack */
    }
    close_store(s);
    finish();
}

#define GROUP_N 1000

TEST(store_group_commit_shares_syncs)
{
    store_t *s = open_store();
    static struct ack acks[GROUP_N];
    uint64_t before = store_lmdb_sync_count();
    for (int i = 0; i < GROUP_N; i++) {        /* all in one loop iteration */
        store_txn_t *t;
        char key[16];
        int n = snprintf(key, sizeof key, "k%04d", i);
        ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
        ASSERT_EQ(store_put(t, "t", key, (size_t)n, key, (size_t)n), STORE_OK);
        ASSERT_EQ(store_commit(t, on_durable, &acks[i]), STORE_OK);
    }
    uv_run(&loop, UV_RUN_DEFAULT);
    uint64_t syncs = store_lmdb_sync_count() - before;
    for (int i = 0; i < GROUP_N; i++) {
        ASSERT_EQ(acks[i].calls, 1);
        ASSERT_EQ(acks[i].status, STORE_OK);
        ASSERT_GE(acks[i].syncs_at_call, before + 1);
    }
    /* The first commit starts a sync; the other 999 share the next one. */
    ASSERT_GE(syncs, 1);
    ASSERT(syncs <= 2);
    close_store(s);
    finish();
}

/* Commits made from durability callbacks are synced too (and batched). */
struct chain { store_t *s; int left; int acked; };

static void chain_next(void *arg, int status)
{
    struct chain *c = arg;
    ASSERT_EQ(status, STORE_OK);
    c->acked++;
    if (c->left == 0) return;
    c->left--;
    store_txn_t *t;
    ASSERT_EQ(store_begin(c->s, STORE_WRITE, &t), STORE_OK);
    ASSERT_EQ(store_put(t, "t", "chain", 5, "v", 1), STORE_OK);
    ASSERT_EQ(store_commit(t, chain_next, c), STORE_OK);
}

TEST(store_commit_from_callback)
{
    store_t *s = open_store();
    struct chain c = { s, 10, 0 };
    chain_next(&c, STORE_OK);
    uv_run(&loop, UV_RUN_DEFAULT);
    ASSERT_EQ(c.acked, 11);
    close_store(s);
    finish();
}

TEST(store_close_runs_pending_callbacks)
{
    store_t *s = open_store();
    struct ack a[3] = { { 0 } };
    for (int i = 0; i < 3; i++) {
        store_txn_t *t;
        ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
        ASSERT_EQ(store_put(t, "t", "k", 1, "v", 1), STORE_OK);
        ASSERT_EQ(store_commit(t, on_durable, &a[i]), STORE_OK);
    }
    uint64_t before = store_lmdb_sync_count();
    store_close(s);                            /* loop not run: close syncs them */
    for (int i = 0; i < 3; i++) {
        ASSERT_EQ(a[i].calls, 1);
        ASSERT_EQ(a[i].status, STORE_OK);
    }
    ASSERT_GE(store_lmdb_sync_count(), before + 1);
    finish();                                  /* the loop releases the finished job */
}

TEST(store_no_sync_option)
{
    store_options_t o = { .no_sync = 1 };
    store_t *s = open_opts("nosync", &o);
    uint64_t before = store_lmdb_sync_count();
    store_txn_t *t;
    ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
    ASSERT_EQ(store_put(t, "t", "k", 1, "v", 1), STORE_OK);
    struct ack a = { 0 };
    ASSERT_EQ(store_commit(t, on_durable, &a), STORE_OK);
    ASSERT_EQ(a.calls, 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    ASSERT_EQ(a.calls, 1);
    ASSERT_EQ(a.status, STORE_OK);
    ASSERT_EQ(store_lmdb_sync_count(), before);
    close_store(s);
    finish();
}

TEST(store_reopen_keeps_data)
{
    store_t *s = open_store();
    char buf[64];
    put1(s, "ks.a", "k1", "v1");
    put1(s, "ks.b", "k2", "v2");
    close_store(s);
    s = open_store();
    ASSERT_STREQ(get1(s, "ks.a", "k1", buf, sizeof buf), "v1");
    ASSERT_STREQ(get1(s, "ks.b", "k2", buf, sizeof buf), "v2");
    put1(s, "ks.a", "k3", "v3");                 /* existing keyspace, reopened handle */
    put1(s, "ks.c", "k4", "v4");
    close_store(s);
    s = open_store();
    ASSERT_STREQ(get1(s, "ks.a", "k3", buf, sizeof buf), "v3");
    ASSERT_STREQ(get1(s, "ks.c", "k4", buf, sizeof buf), "v4");
    close_store(s);
    finish();
}

static void count_hook(void *arg)
{
    int *n = arg;
    (*n)++;
}

/* A new store: the caller's hook runs once, just before DIR is synced (the
 * master key already in place), and store_settle waits for the store's own
 * background syncs — idempotent. An existing store: no hook, settled at once. */
TEST(store_new_store_hook_and_settle)
{
    int hooked = 0;
    char key[600];
    struct stat st;
    store_options_t o = {.before_dir_sync = count_hook, .before_dir_sync_arg = &hooked};
    store_t *s = open_opts("settle", &o);
    ASSERT_EQ(hooked, 1);
    snprintf(key, sizeof key, "%s/settle/master.key", test_tmpdir());
    ASSERT_EQ(stat(key, &st), 0);
    ASSERT_EQ(store_settle(s), STORE_OK);
    ASSERT_EQ(store_settle(s), STORE_OK);
    put1(s, "ks.a", "k1", "v1");               /* a commit is durable after the creation's syncs */
    close_store(s);
    s = open_opts("settle", &o);
    ASSERT_EQ(hooked, 1);
    ASSERT_EQ(store_settle(s), STORE_OK);
    char buf[64];
    ASSERT_STREQ(get1(s, "ks.a", "k1", buf, sizeof buf), "v1");
    close_store(s);
    finish();
}

/* Fill a 1 MiB map: the failing write applies nothing, and after deleting,
 * writes work again without reopening. */
TEST(store_full_map_then_recovers)
{
    store_options_t o = { .map_size = 1 << 20 };
    store_t *s = open_opts("tiny", &o);
    static char big[8000];
    memset(big, 'x', sizeof big);
    int committed = 0, full = 0;
    while (!full && committed < 1000) {
        store_txn_t *t;
        char key[16];
        int n = snprintf(key, sizeof key, "big%04d", committed);
        ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
        ASSERT_EQ(store_put(t, "t", "marker", 6, key, (size_t)n), STORE_OK);
        int rc = store_put(t, "t", key, (size_t)n, big, sizeof big);
        if (rc == STORE_OK) {
            struct ack a = { 0 };
            rc = store_commit(t, on_durable, &a);
            if (rc == STORE_OK) {
                while (a.calls == 0) uv_run(&loop, UV_RUN_ONCE);
                ASSERT_EQ(a.status, STORE_OK);
                committed++;
                continue;
            }
            ASSERT_EQ(rc, STORE_ERR_FULL);
            ASSERT_EQ(a.calls, 0);
        } else {
            ASSERT_EQ(rc, STORE_ERR_FULL);
            /* The failed txn answers FULL from now on, and commit applies nothing. */
            ASSERT_EQ(store_put(t, "t", "x", 1, "y", 1), STORE_ERR_FULL);
            struct ack a = { 0 };
            ASSERT_EQ(store_commit(t, on_durable, &a), STORE_ERR_FULL);
            uv_run(&loop, UV_RUN_NOWAIT);
            ASSERT_EQ(a.calls, 0);
        }
        full = 1;
    }
    ASSERT_EQ(full, 1);
    ASSERT_GE(committed, 10);
    /* Nothing of the failed txn: the marker names the last committed key. */
    char buf[64], want[16];
    snprintf(want, sizeof want, "big%04d", committed - 1);
    ASSERT_STREQ(get1(s, "t", "marker", buf, sizeof buf), want);
    snprintf(want, sizeof want, "big%04d", committed);
    ASSERT(get1(s, "t", want, buf, sizeof buf) == NULL);

    /* Free space, then write again. */
    store_txn_t *t;
    ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
    for (int i = 0; i < committed / 2; i++) {
        char key[16];
        int n = snprintf(key, sizeof key, "big%04d", i);
        ASSERT_EQ(store_del(t, "t", key, (size_t)n), STORE_OK);
    }
    commit_wait(t);
    for (int i = 0; i < 3; i++) {
        ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
        char key[16];
        int n = snprintf(key, sizeof key, "again%d", i);
        ASSERT_EQ(store_put(t, "t", key, (size_t)n, big, sizeof big), STORE_OK);
        commit_wait(t);
    }
    ASSERT_EQ(store_begin(s, STORE_READ, &t), STORE_OK);
    const void *v;
    size_t vlen;
    ASSERT_EQ(store_get(t, "t", "again2", 6, &v, &vlen), STORE_OK);
    ASSERT_EQ(vlen, sizeof big);
    ASSERT_MEMEQ(v, big, sizeof big);
    store_abort(t);
    close_store(s);
    finish();
}

/* 256 keyspaces per store; the 257th is STORE_ERR_FULL and fails its txn. */
TEST(store_keyspace_limit)
{
    store_t *s = open_store();
    store_txn_t *t;
    char ks[32];
    ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
    for (int i = 0; i < 200; i++) {
        snprintf(ks, sizeof ks, "ks.%03d", i);
        ASSERT_EQ(store_put(t, ks, "k", 1, "v", 1), STORE_OK);
    }
    commit_wait(t);
    ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
    for (int i = 200; i < 256; i++) {
        snprintf(ks, sizeof ks, "ks.%03d", i);
        ASSERT_EQ(store_put(t, ks, "k", 1, "v", 1), STORE_OK);
    }
    commit_wait(t);
    ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
    ASSERT_EQ(store_put(t, "ks.000", "k2", 2, "v", 1), STORE_OK);
    ASSERT_EQ(store_put(t, "ks.one-too-many", "k", 1, "v", 1), STORE_ERR_FULL);
    ASSERT_EQ(store_commit(t, on_durable, NULL), STORE_ERR_FULL);
    char buf[16];
    ASSERT(get1(s, "ks.000", "k2", buf, sizeof buf) == NULL);
    ASSERT_STREQ(get1(s, "ks.255", "k", buf, sizeof buf), "v");
    close_store(s);
    s = open_store();                          /* all 256 reopened */
    ASSERT_STREQ(get1(s, "ks.255", "k", buf, sizeof buf), "v");
    ASSERT_STREQ(get1(s, "ks.000", "k", buf, sizeof buf), "v");
    put1(s, "ks.128", "k", "w");
    ASSERT_STREQ(get1(s, "ks.128", "k", buf, sizeof buf), "w");
    close_store(s);
    finish();
}

/* A real disk-full: the store on a 1 MiB tmpfs in a private mount namespace
 * (this test's process only; needs root, as on the nimbus machine). ENOSPC is
 * STORE_ERR_FULL with nothing applied; once space is freed elsewhere, writes
 * work again without reopening. */
TEST(store_disk_full_then_recovers)
{
    char dir[512], ballast[600];
    snprintf(dir, sizeof dir, "%s/small", test_tmpdir());
    ASSERT_EQ(mkdir(dir, 0700), 0);
    if (unshare(CLONE_NEWNS) != 0) TEST_FAIL_("unshare(CLONE_NEWNS): %s (needs root)", strerror(errno));
    ASSERT_EQ(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
    ASSERT_EQ(mount("tmpfs", dir, "tmpfs", 0, "size=1m"), 0);
    /* Ballast: space to free later. */
    snprintf(ballast, sizeof ballast, "%s/ballast", dir);
    int fd = open(ballast, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ASSERT(fd >= 0);
    static char big[8000];
    memset(big, 'b', sizeof big);
    for (int i = 0; i < 40; i++) ASSERT_EQ(write(fd, big, sizeof big), (long long)sizeof big);
    close(fd);

    ASSERT_EQ(uv_loop_init(&loop), 0);
    loop.data = &loop;
    store_t *s = NULL;
    ASSERT_EQ(store_open(&s, &loop, dir, NULL), STORE_OK);
    int committed = 0, full = 0;
    while (!full && committed < 1000) {
        store_txn_t *t;
        char key[16];
        int n = snprintf(key, sizeof key, "big%04d", committed);
        ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
        ASSERT_EQ(store_put(t, "t", "marker", 6, key, (size_t)n), STORE_OK);
        int rc = store_put(t, "t", key, (size_t)n, big, sizeof big);
        if (rc == STORE_OK) {
            struct ack a = { 0 };
            rc = store_commit(t, on_durable, &a);
            if (rc == STORE_OK) {
                while (a.calls == 0) uv_run(&loop, UV_RUN_ONCE);
                ASSERT_EQ(a.status, STORE_OK);
                committed++;
                continue;
            }
        } else {
            ASSERT_EQ(store_commit(t, on_durable, NULL), rc);
        }
        ASSERT_EQ(rc, STORE_ERR_FULL);
        full = 1;
    }
    ASSERT_EQ(full, 1);
    ASSERT_GE(committed, 1);
    char buf[64], want[16];
    snprintf(want, sizeof want, "big%04d", committed - 1);
    ASSERT_STREQ(get1(s, "t", "marker", buf, sizeof buf), want);

    ASSERT_EQ(unlink(ballast), 0);               /* free space outside the store */
    for (int i = 0; i < 5; i++) {
        store_txn_t *t;
        char key[16];
        int n = snprintf(key, sizeof key, "after%d", i);
        ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
        ASSERT_EQ(store_put(t, "t", key, (size_t)n, big, sizeof big), STORE_OK);
        ASSERT_EQ(store_put(t, "t", "marker", 6, key, (size_t)n), STORE_OK);
        commit_wait(t);
    }
    ASSERT_STREQ(get1(s, "t", "marker", buf, sizeof buf), "after4");
    close_store(s);
    s = open_opts("small", NULL);                /* and it reopens intact */
    ASSERT_STREQ(get1(s, "t", "marker", buf, sizeof buf), "after4");
    close_store(s);
    finish();
    ASSERT_EQ(umount2(dir, MNT_DETACH), 0);
}
