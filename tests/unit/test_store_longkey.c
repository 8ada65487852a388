/* test_store_longkey.c — keys longer than LMDB's own limit, through store.h:
 * order of mixed short and long keys sharing prefixes, scans both ways with
 * bounds that cut inside a group of long keys, get/put/del/overwrite, abort,
 * reopen, and no chunk left behind once the long keys are gone. A random
 * sequence of operations is checked against a sorted in-memory model. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <lmdb.h>
#include "test.h"
#include "store/store.h"
#include "store/store_backend.h"
#include "store/store_lmdb_keys.h"

static uv_loop_t loop;

static store_t *open_sub(const char *sub)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/%s", test_tmpdir(), sub);
    if (!loop.data) {
        ASSERT_EQ(uv_loop_init(&loop), 0);
        loop.data = &loop;
    }
    store_options_t o = { .no_sync = 1 };   /* no_sync: durability is test_store.c's business */
    store_t *s = NULL;
    ASSERT_EQ(store_open(&s, &loop, dir, &o), STORE_OK);
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

static void on_durable(void *arg, int status)
{
    int *st = arg;
    *st = status;
}

static void commit_wait(store_txn_t *t)
{
    int st = 99;
    ASSERT_EQ(store_commit(t, on_durable, &st), STORE_OK);
    while (st == 99) uv_run(&loop, UV_RUN_ONCE);
    ASSERT_EQ(st, STORE_OK);
}

/* ---- the model: keys sorted byte-wise, a prefix first ------------------- */

typedef struct kv {
    uint8_t *k;
    size_t klen;
    char v[24];
} kv_t;

typedef struct model {
    kv_t *e;
    size_t n, cap;
} model_t;

static int bcmp_(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    size_t n = an < bn ? an : bn;
    int c = n ? memcmp(a, b, n) : 0;
    return c ? c : an < bn ? -1 : an > bn;
}

/* Index of the first entry >= k. */
static size_t model_find(const model_t *m, const uint8_t *k, size_t klen)
{
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (bcmp_(m->e[mid].k, m->e[mid].klen, k, klen) < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static void model_put(model_t *m, const uint8_t *k, size_t klen, const char *v)
{
    size_t i = model_find(m, k, klen);
    if (i < m->n && bcmp_(m->e[i].k, m->e[i].klen, k, klen) == 0) {
        snprintf(m->e[i].v, sizeof m->e[i].v, "%s", v);
        return;
    }
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 64;
        m->e = realloc(m->e, m->cap * sizeof *m->e);
    }
    memmove(&m->e[i + 1], &m->e[i], (m->n - i) * sizeof *m->e);
    m->e[i].k = malloc(klen);
    memcpy(m->e[i].k, k, klen);
    m->e[i].klen = klen;
    snprintf(m->e[i].v, sizeof m->e[i].v, "%s", v);
    m->n++;
}

static int model_del(model_t *m, const uint8_t *k, size_t klen)
{
    size_t i = model_find(m, k, klen);
    if (i >= m->n || bcmp_(m->e[i].k, m->e[i].klen, k, klen) != 0) return 0;
    free(m->e[i].k);
    memmove(&m->e[i], &m->e[i + 1], (m->n - i - 1) * sizeof *m->e);
    m->n--;
    return 1;
}

static void model_copy(model_t *dst, const model_t *src)
{
    dst->n = dst->cap = src->n;
    dst->e = malloc((src->n ? src->n : 1) * sizeof *dst->e);
    for (size_t i = 0; i < src->n; i++) {
        dst->e[i] = src->e[i];
        dst->e[i].k = malloc(src->e[i].klen);
        memcpy(dst->e[i].k, src->e[i].k, src->e[i].klen);
    }
}

static void model_free(model_t *m)
{
    for (size_t i = 0; i < m->n; i++) free(m->e[i].k);
    free(m->e);
    memset(m, 0, sizeof *m);
}

/* ---- key generator: few stems, boundary lengths, edge bytes ------------- */

#define STEM 3200
static uint8_t stems[3][STEM];
static uint64_t rng = 88172645463325252ull;

static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

static uint8_t rbyte(void)
{
    static const uint8_t alpha[] = { 0x00, 0x01, 'a', 'b', 0xFE, 0xFF };
    return alpha[rnd(sizeof alpha)];
}

/* Prefix lengths around the chunk boundaries (500, then 492 per level). */
static size_t rlen_pick(void)
{
    static const size_t at[] = { 1, 2, 498, 499, 500, 501, 502, 990, 991, 992, 993, 994,
                                 1000, 1483, 1484, 1485, 1486, 2000, 2467, 2468, 2469, 3000 };
    return rnd(3) ? at[rnd(sizeof at / sizeof at[0])] : 1 + rnd(STEM - 8);
}

static size_t gen_key(uint8_t *out)
{
    size_t n = rlen_pick();
    memcpy(out, stems[rnd(3)], n);
    if (rnd(4) == 0 && n > 1) out[n - 1 - rnd(n > 8 ? 8 : (uint32_t)n - 1)] = rbyte();
    size_t tail = rnd(4);
    for (size_t i = 0; i < tail; i++) out[n++] = rbyte();
    return n;
}

static void init_stems(void)
{
    for (int s = 0; s < 3; s++)
        for (size_t i = 0; i < STEM; i++) stems[s][i] = i < 700 || s == 0 ? (uint8_t)('a' + i % 3) : rbyte();
    /* stems 1 and 2 share their first 700 bytes with stem 0, then differ */
}

/* ---- scans against the model ------------------------------------------- */

typedef struct got {
    model_t m;                 /* keys in visit order (not sorted) */
    size_t stop_after;
} got_t;

static int collect(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
    got_t *g = arg;
    model_t *m = &g->m;
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 64;
        m->e = realloc(m->e, m->cap * sizeof *m->e);
    }
    kv_t *e = &m->e[m->n++];
    e->k = malloc(klen);
    memcpy(e->k, key, klen);
    e->klen = klen;
    ASSERT(vlen < sizeof e->v);
    memcpy(e->v, val, vlen);
    e->v[vlen] = 0;
    return g->stop_after && m->n >= g->stop_after ? 5 : 0;
}

/* One scan of t between lo/hi (NULL: none) checked against model m. */
static void check_scan(store_txn_t *t, const model_t *m, const uint8_t *lo, size_t lolen,
                       const uint8_t *hi, size_t hilen, int reverse, size_t stop_after)
{
    got_t g = { { 0 }, stop_after };
    int rc = store_scan(t, "lk", lo, lolen, hi, hilen, reverse, collect, &g);
    size_t a = lo ? model_find(m, lo, lolen) : 0;
    size_t b = hi ? model_find(m, hi, hilen) : m->n;
    size_t want = b > a ? b - a : 0;
    if (stop_after && want > stop_after) want = stop_after;
    ASSERT_EQ(g.m.n, want);
    ASSERT_EQ(rc, stop_after && want == stop_after ? 5 : 0);
    for (size_t i = 0; i < g.m.n; i++) {
        const kv_t *e = &m->e[reverse ? b - 1 - i : a + i];
        ASSERT_EQ(g.m.e[i].klen, e->klen);
        ASSERT_MEMEQ(g.m.e[i].k, e->k, e->klen);
        ASSERT_STREQ(g.m.e[i].v, e->v);
    }
    model_free(&g.m);
}

/* A bound: none, a stored key, a generated key, or a stored key cut or grown. */
static const uint8_t *pick_bound(const model_t *m, uint8_t *buf, size_t *len)
{
    switch (rnd(5)) {
    case 0:
        *len = 0;
        return NULL;
    case 1:
    case 2:
        if (m->n) {
            const kv_t *e = &m->e[rnd((uint32_t)m->n)];
            memcpy(buf, e->k, e->klen);
            *len = e->klen;
            if (rnd(2)) *len = 1 + rnd((uint32_t)e->klen);     /* cut inside */
            else if (rnd(2)) buf[(*len)++] = rbyte();          /* just past */
            return buf;
        }
        /* fall through */
    default:
        *len = gen_key(buf);
        return buf;
    }
}

static void check_all(store_t *s, const model_t *m, int rounds)
{
    store_txn_t *t;
    ASSERT_EQ(store_begin(s, STORE_READ, &t), STORE_OK);
    check_scan(t, m, NULL, 0, NULL, 0, 0, 0);
    check_scan(t, m, NULL, 0, NULL, 0, 1, 0);
    static uint8_t lo[STEM + 16], hi[STEM + 16];
    for (int i = 0; i < rounds; i++) {
        size_t lolen, hilen;
        const uint8_t *l = pick_bound(m, lo, &lolen), *h = pick_bound(m, hi, &hilen);
        size_t stop = rnd(3) ? 0 : 1 + rnd(5);
        check_scan(t, m, l, lolen, h, hilen, (int)rnd(2), stop);
    }
    for (size_t i = 0; i < m->n; i++) {
        const void *v;
        size_t vlen;
        ASSERT_EQ(store_get(t, "lk", m->e[i].k, m->e[i].klen, &v, &vlen), STORE_OK);
        ASSERT_EQ(vlen, strlen(m->e[i].v));
        ASSERT_MEMEQ(v, m->e[i].v, vlen);
    }
    store_abort(t);
}

/* Records of the long-key database other than the group counter. */
static size_t chunk_records(const char *sub)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s/store", test_tmpdir(), sub);
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi dbi;
    MDB_stat st;
    ASSERT_EQ(mdb_env_create(&env), 0);
    ASSERT_EQ(mdb_env_set_maxdbs(env, 300), 0);
    ASSERT_EQ(mdb_env_set_mapsize(env, (size_t)64 << 30), 0);
    ASSERT_EQ(mdb_env_open(env, path, MDB_RDONLY | MDB_NOTLS, 0600), 0);
    ASSERT_EQ(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn), 0);
    ASSERT_EQ(mdb_dbi_open(txn, STORE_LMDB_LONG_DB, 0, &dbi), 0);
    ASSERT_EQ(mdb_stat(txn, dbi, &st), 0);
    mdb_txn_abort(txn);
    mdb_env_close(env);
    return st.ms_entries ? st.ms_entries - 1 : 0;
}

TEST(store_longkey_random_ops_match_model)
{
    init_stems();
    store_t *s = open_sub("rand");
    model_t m = { 0 };
    static uint8_t key[STEM + 16];
    int vn = 0;
    for (int round = 0; round < 40; round++) {
        model_t saved;
        model_copy(&saved, &m);
        store_txn_t *t;
        ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
        for (int op = 0; op < 60; op++) {
            size_t klen;
            if (m.n && rnd(3) == 0) {          /* an existing key: overwrite or delete */
                const kv_t *e = &m.e[rnd((uint32_t)m.n)];
                klen = e->klen;
                memcpy(key, e->k, klen);
            } else {
                klen = gen_key(key);
            }
            if (rnd(4) == 0) {
                int had = model_del(&m, key, klen);
                ASSERT_EQ(store_del(t, "lk", key, klen), had ? STORE_OK : STORE_NOTFOUND);
            } else {
                char v[24];
                snprintf(v, sizeof v, "v%d", vn++);
                model_put(&m, key, klen, v);
                ASSERT_EQ(store_put(t, "lk", key, klen, v, strlen(v)), STORE_OK);
            }
        }
        /* the writer sees its own writes, in order */
        check_scan(t, &m, NULL, 0, NULL, 0, (int)rnd(2), 0);
        if (round % 5 == 4) {                  /* abort: nothing of it stays */
            store_abort(t);
            model_free(&m);
            m = saved;
        } else {
            commit_wait(t);
            model_free(&saved);
        }
        check_all(s, &m, 30);
    }
    ASSERT(m.n > 200);
    close_store(s);

    /* reopen: everything is still there, in order */
    s = open_sub("rand");
    check_all(s, &m, 200);

    /* delete everything: no chunk of a long key is left behind */
    store_txn_t *t;
    ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
    for (size_t i = 0; i < m.n; i++) ASSERT_EQ(store_del(t, "lk", m.e[i].k, m.e[i].klen), STORE_OK);
    commit_wait(t);
    model_t empty = { 0 };
    check_all(s, &empty, 10);
    close_store(s);
    ASSERT_EQ(chunk_records("rand"), 0);
    model_free(&m);
    finish();
}

/* Fixed cases a reader can follow: one 1000-byte prefix P shared by keys
 * that end in different places, the short ones sorting first. */
TEST(store_longkey_shared_prefix_order_and_bounds)
{
    store_t *s = open_sub("fixed");
    static uint8_t p[1100];
    memset(p, 'p', sizeof p);
    /* P[0..n) || suffix, in the order the store must return them */
    struct { size_t n; const char *suf; } keys[] = {
        { 400, "" }, { 500, "" }, { 500, "\x01" }, { 501, "" }, { 999, "" },
        { 1000, "" }, { 1000, "a" }, { 1000, "b" }, { 1000, "b\xff" }, { 1000, "c" },
        { 1001, "" }, { 1000, "q" }, { 1000, "\xff" },
    };
    size_t nk = sizeof keys / sizeof keys[0];
    model_t m = { 0 };
    store_txn_t *t;
    ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
    for (size_t i = nk; i-- > 0;) {            /* inserted backwards */
        static uint8_t k[1200];
        memcpy(k, p, keys[i].n);
        size_t sl = strlen(keys[i].suf);
        memcpy(k + keys[i].n, keys[i].suf, sl);
        char v[24];
        snprintf(v, sizeof v, "k%zu", i);
        ASSERT_EQ(store_put(t, "lk", k, keys[i].n + sl, v, strlen(v)), STORE_OK);
        model_put(&m, k, keys[i].n + sl, v);
    }
    commit_wait(t);
    /* the model's order is the table's order */
    for (size_t i = 0; i < nk; i++) {
        char v[24];
        snprintf(v, sizeof v, "k%zu", i);
        ASSERT_STREQ(m.e[i].v, v);
    }
    ASSERT_EQ(store_begin(s, STORE_READ, &t), STORE_OK);
    static uint8_t b1[1200], b2[1200];
    memcpy(b1, p, 1000);
    memcpy(b2, p, 1000);
    b1[1000] = 'a';
    b2[1000] = 'c';
    /* [P·a, P·c): cuts inside the group of the 1000-byte prefix, both ways */
    check_scan(t, &m, b1, 1001, b2, 1001, 0, 0);
    check_scan(t, &m, b1, 1001, b2, 1001, 1, 0);
    check_scan(t, &m, b1, 1001, b2, 1001, 1, 2);
    /* bounds equal to a chunk boundary and just past it */
    check_scan(t, &m, p, 500, p, 1000, 0, 0);
    check_scan(t, &m, p, 500, p, 1000, 1, 0);
    check_scan(t, &m, p, 501, b2, 1001, 1, 0);
    check_scan(t, &m, NULL, 0, b1, 1001, 1, 0);
    check_scan(t, &m, b1, 1001, NULL, 0, 0, 3);
    /* a bound longer than every key */
    static uint8_t big[STORE_MAX_KEY + 1];
    memset(big, 'p', sizeof big);
    check_scan(t, &m, NULL, 0, big, sizeof big, 1, 0);
    check_scan(t, &m, big, sizeof big, NULL, 0, 0, 0);
    store_abort(t);
    model_free(&m);
    close_store(s);
    finish();
}

/* The longest key, alone and beside its prefixes; overwrite and delete. */
TEST(store_longkey_max_length)
{
    store_t *s = open_sub("max");
    static uint8_t k[STORE_MAX_KEY];
    for (size_t i = 0; i < sizeof k; i++) k[i] = (uint8_t)(i * 7);
    store_txn_t *t;
    const void *v;
    size_t vlen;
    ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
    ASSERT_EQ(store_put(t, "lk", k, sizeof k, "full", 4), STORE_OK);
    ASSERT_EQ(store_put(t, "lk", k, sizeof k - 1, "minus1", 6), STORE_OK);
    ASSERT_EQ(store_put(t, "lk", k, sizeof k, "full2", 5), STORE_OK);   /* overwrite */
    commit_wait(t);
    ASSERT_EQ(store_begin(s, STORE_READ, &t), STORE_OK);
    ASSERT_EQ(store_get(t, "lk", k, sizeof k, &v, &vlen), STORE_OK);
    ASSERT_EQ(vlen, 5);
    ASSERT_MEMEQ(v, "full2", 5);
    ASSERT_EQ(store_get(t, "lk", k, sizeof k - 2, &v, &vlen), STORE_NOTFOUND);
    store_abort(t);

    /* a reader begun before the delete keeps seeing the key */
    store_txn_t *r;
    ASSERT_EQ(store_begin(s, STORE_READ, &r), STORE_OK);
    ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
    ASSERT_EQ(store_del(t, "lk", k, sizeof k), STORE_OK);
    ASSERT_EQ(store_del(t, "lk", k, sizeof k), STORE_NOTFOUND);
    ASSERT_EQ(store_get(t, "lk", k, sizeof k - 1, &v, &vlen), STORE_OK);
    commit_wait(t);
    ASSERT_EQ(store_get(r, "lk", k, sizeof k, &v, &vlen), STORE_OK);
    ASSERT_MEMEQ(v, "full2", 5);
    store_abort(r);
    ASSERT_EQ(store_begin(s, STORE_READ, &t), STORE_OK);
    ASSERT_EQ(store_get(t, "lk", k, sizeof k, &v, &vlen), STORE_NOTFOUND);
    store_abort(t);
    close_store(s);
    finish();
}
