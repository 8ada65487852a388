/* test_store_crypto.c — encryption at rest through store.h: round trips,
 * tampering and moved values caught, master key checks, and no plaintext
 * value anywhere in the data directory's files. Raw access to the LMDB file
 * (to tamper) goes through liblmdb directly, with the store closed. */
#include <dirent.h>
#include <fcntl.h>
#include <lmdb.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test.h"
#include "core/buf.h"
#include "core/util.h"
#include "store/store.h"
#include "store/store_crypto.h"

static uv_loop_t loop;
static char dir[512];

static void loop_up(void)
{
    if (!loop.data) {
        ASSERT_EQ(uv_loop_init(&loop), 0);
        loop.data = &loop;
    }
    snprintf(dir, sizeof dir, "%s/data", test_tmpdir());
}

static int try_open(store_t **s)
{
    loop_up();
    return store_open(s, &loop, dir, NULL);
}

static store_t *open_store(void)
{
    store_t *s = NULL;
    ASSERT_EQ(try_open(&s), STORE_OK);
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

static void put1(store_t *s, const char *ks, const char *key, const void *val, size_t n)
{
    store_txn_t *t;
    ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
    ASSERT_EQ(store_put(t, ks, key, strlen(key), val, n), STORE_OK);
    commit_wait(t);
}

/* store_get status of key; on STORE_OK its value is copied to out. */
static int get1(store_t *s, const char *ks, const char *key, nb_buf_t *out)
{
    store_txn_t *t;
    const void *v;
    size_t vlen;
    ASSERT_EQ(store_begin(s, STORE_READ, &t), STORE_OK);
    int rc = store_get(t, ks, key, strlen(key), &v, &vlen);
    if (rc == STORE_OK) {
        nb_buf_clear(out);
        nb_buf_append(out, v, vlen);
    }
    ASSERT_EQ(store_commit(t, NULL, NULL), STORE_OK);
    return rc;
}

/* ---- raw LMDB access (store closed) ---------------------------------------- */

typedef void (*raw_fn)(MDB_txn *txn, MDB_dbi dbi, void *arg);

static void raw_edit(const char *ks, raw_fn fn, void *arg)
{
    char path[600];
    snprintf(path, sizeof path, "%s/store", dir);
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi dbi;
    ASSERT_EQ(mdb_env_create(&env), 0);
    ASSERT_EQ(mdb_env_set_maxdbs(env, 300), 0);
    ASSERT_EQ(mdb_env_set_mapsize(env, (size_t)64 << 30), 0);
    ASSERT_EQ(mdb_env_open(env, path, 0, 0600), 0);
    ASSERT_EQ(mdb_txn_begin(env, NULL, 0, &txn), 0);
    ASSERT_EQ(mdb_dbi_open(txn, ks, 0, &dbi), 0);
    fn(txn, dbi, arg);
    ASSERT_EQ(mdb_txn_commit(txn), 0);
    mdb_env_close(env);
}

struct flip { const char *key; size_t at; };

static void flip_byte(MDB_txn *txn, MDB_dbi dbi, void *arg)
{
    struct flip *f = arg;
    MDB_val k = { strlen(f->key), (void *)f->key }, v;
    ASSERT_EQ(mdb_get(txn, dbi, &k, &v), 0);
    ASSERT(f->at < v.mv_size);
    uint8_t *copy = malloc(v.mv_size);
    memcpy(copy, v.mv_data, v.mv_size);
    copy[f->at] ^= 0x01;
    MDB_val nv = { v.mv_size, copy };
    ASSERT_EQ(mdb_put(txn, dbi, &k, &nv, 0), 0);
    free(copy);
}

struct move { const char *from, *to; };

static void copy_value(MDB_txn *txn, MDB_dbi dbi, void *arg)
{
    struct move *m = arg;
    MDB_val k = { strlen(m->from), (void *)m->from }, v;
    ASSERT_EQ(mdb_get(txn, dbi, &k, &v), 0);
    uint8_t *copy = malloc(v.mv_size);
    memcpy(copy, v.mv_data, v.mv_size);
    MDB_val k2 = { strlen(m->to), (void *)m->to }, nv = { v.mv_size, copy };
    ASSERT_EQ(mdb_put(txn, dbi, &k2, &nv, 0), 0);
    free(copy);
}

struct raw_get { const char *key; nb_buf_t *out; };

static void read_raw(MDB_txn *txn, MDB_dbi dbi, void *arg)
{
    struct raw_get *g = arg;
    MDB_val k = { strlen(g->key), (void *)g->key }, v;
    ASSERT_EQ(mdb_get(txn, dbi, &k, &v), 0);
    nb_buf_append(g->out, v.mv_data, v.mv_size);
}

/* ---- tests ----------------------------------------------------------------- */

TEST(store_crypto_round_trip_sizes_and_scan)
{
    store_t *s = open_store();
    static const size_t sizes[] = {0, 1, 15, 16, 17, 1000, 4096, 400 * 1024};
    char key[32];
    nb_buf_t want = NB_BUF_INIT, got = NB_BUF_INIT;
    store_txn_t *t;
    ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        nb_buf_clear(&want);
        for (size_t j = 0; j < sizes[i]; j++) nb_buf_putc(&want, (char)('a' + (i + j) % 26));
        snprintf(key, sizeof key, "k%02zu", i);
        ASSERT_EQ(store_put(t, "rt.values", key, strlen(key), want.data ? want.data : "", want.len), STORE_OK);
        const void *v;
        size_t vlen;                             /* read back inside the writing txn */
        ASSERT_EQ(store_get(t, "rt.values", key, strlen(key), &v, &vlen), STORE_OK);
        ASSERT_EQ(vlen, sizes[i]);
        if (vlen) ASSERT_MEMEQ(v, want.data, vlen);
    }
    commit_wait(t);
    close_store(s);
    s = open_store();                            /* the data keys come back from the store */
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        nb_buf_clear(&want);
        for (size_t j = 0; j < sizes[i]; j++) nb_buf_putc(&want, (char)('a' + (i + j) % 26));
        snprintf(key, sizeof key, "k%02zu", i);
        ASSERT_EQ(get1(s, "rt.values", key, &got), STORE_OK);
        ASSERT_EQ(got.len, sizes[i]);
        if (got.len) ASSERT_MEMEQ(got.data, want.data, got.len);
    }
    nb_buf_free(&want);
    nb_buf_free(&got);
    close_store(s);
    finish();
}

struct scan_acc { int n; size_t total; int bad; };

static int scan_visit(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
    struct scan_acc *a = arg;
    char want[64];
    snprintf(want, sizeof want, "value of %.*s", (int)klen, (const char *)key);
    if (vlen != strlen(want) || memcmp(val, want, vlen) != 0) a->bad++;
    a->n++;
    a->total += vlen;
    return 0;
}

TEST(store_crypto_scan_decrypts_every_value)
{
    store_t *s = open_store();
    store_txn_t *t;
    ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
    for (int i = 0; i < 500; i++) {
        char k[16], v[64];
        snprintf(k, sizeof k, "key%04d", i);
        snprintf(v, sizeof v, "value of %s", k);
        ASSERT_EQ(store_put(t, "scan.ks", k, strlen(k), v, strlen(v)), STORE_OK);
    }
    commit_wait(t);
    for (int rev = 0; rev < 2; rev++) {
        struct scan_acc a = {0};
        ASSERT_EQ(store_begin(s, STORE_READ, &t), STORE_OK);
        ASSERT_EQ(store_scan(t, "scan.ks", NULL, 0, NULL, 0, rev, scan_visit, &a), 0);
        ASSERT_EQ(store_commit(t, NULL, NULL), STORE_OK);
        ASSERT_EQ(a.n, 500);
        ASSERT_EQ(a.bad, 0);
    }
    close_store(s);
    finish();
}

TEST(store_crypto_master_key_file_created_0600)
{
    store_t *s = open_store();
    put1(s, "mk.ks", "k", "v", 1);
    close_store(s);
    char path[600];
    snprintf(path, sizeof path, "%s/master.key", dir);
    struct stat st;
    ASSERT_EQ(stat(path, &st), 0);
    ASSERT_EQ(st.st_mode & 0777, 0600);
    ASSERT_EQ(st.st_size, 32);
    finish();
}

TEST(store_crypto_tampered_value_is_io_error)
{
    store_t *s = open_store();
    put1(s, "tamper.ks", "victim", "a value worth protecting", 24);
    put1(s, "tamper.ks", "bystander", "untouched", 9);
    close_store(s);
    /* every byte position: header, nonce, ciphertext, tag */
    nb_buf_t raw = NB_BUF_INIT, got = NB_BUF_INIT;
    struct raw_get g = {"victim", &raw};
    raw_edit("tamper.ks", read_raw, &g);
    size_t positions[] = {0, 1, 4, 5, 16, 17, raw.len / 2, raw.len - 16, raw.len - 1};
    for (size_t i = 0; i < sizeof positions / sizeof positions[0]; i++) {
        struct flip f = {"victim", positions[i]};
        raw_edit("tamper.ks", flip_byte, &f);
        s = open_store();
        ASSERT_EQ(get1(s, "tamper.ks", "victim", &got), STORE_ERR_IO);
        ASSERT_EQ(get1(s, "tamper.ks", "bystander", &got), STORE_OK);
        ASSERT_EQ(got.len, 9);
        store_txn_t *t;                          /* a scan meeting it stops with the error */
        struct scan_acc a = {0};
        ASSERT_EQ(store_begin(s, STORE_READ, &t), STORE_OK);
        ASSERT_EQ(store_scan(t, "tamper.ks", NULL, 0, NULL, 0, 0, scan_visit, &a), STORE_ERR_IO);
        store_abort(t);
        close_store(s);
        raw_edit("tamper.ks", flip_byte, &f);    /* flip back: readable again */
        s = open_store();
        ASSERT_EQ(get1(s, "tamper.ks", "victim", &got), STORE_OK);
        ASSERT_EQ(got.len, 24);
        ASSERT_MEMEQ(got.data, "a value worth protecting", 24);
        close_store(s);
    }
    nb_buf_free(&raw);
    nb_buf_free(&got);
    finish();
}

TEST(store_crypto_value_moved_to_another_key_is_io_error)
{
    store_t *s = open_store();
    put1(s, "move.ks", "alice", "alice's secret", 14);
    put1(s, "move.ks", "bob", "bob's", 5);
    close_store(s);
    struct move m = {"alice", "bob"};
    raw_edit("move.ks", copy_value, &m);
    nb_buf_t got = NB_BUF_INIT;
    s = open_store();
    ASSERT_EQ(get1(s, "move.ks", "bob", &got), STORE_ERR_IO);
    ASSERT_EQ(get1(s, "move.ks", "alice", &got), STORE_OK);
    close_store(s);
    nb_buf_free(&got);
    finish();
}

TEST(store_crypto_same_value_twice_differs_on_disk)
{
    store_t *s = open_store();
    put1(s, "nonce.ks", "a", "same", 4);
    put1(s, "nonce.ks", "b", "same", 4);
    close_store(s);
    nb_buf_t ra = NB_BUF_INIT, rb = NB_BUF_INIT;
    struct raw_get ga = {"a", &ra}, gb = {"b", &rb};
    raw_edit("nonce.ks", read_raw, &ga);
    raw_edit("nonce.ks", read_raw, &gb);
    ASSERT_EQ(ra.len, 4 + STORE_CRYPTO_OVERHEAD);
    ASSERT_EQ(rb.len, ra.len);
    ASSERT(memcmp(ra.data + 5, rb.data + 5, STORE_CRYPTO_NONCE_LEN) != 0);
    ASSERT(memcmp(ra.data + STORE_CRYPTO_HDR_LEN, rb.data + STORE_CRYPTO_HDR_LEN, 4 + STORE_CRYPTO_TAG_LEN) != 0);
    nb_buf_free(&ra);
    nb_buf_free(&rb);
    finish();
}

TEST(store_crypto_wrong_master_key_refuses_to_open)
{
    store_t *s = open_store();
    put1(s, "wk.ks", "k", "v", 1);
    close_store(s);
    char path[600];
    snprintf(path, sizeof path, "%s/master.key", dir);
    nb_buf_t orig = NB_BUF_INIT;
    ASSERT_EQ(nb_read_file(path, &orig), 0);
    uint8_t other[32];
    nb_random_bytes(other, sizeof other);
    ASSERT_EQ(nb_write_file_atomic(path, other, sizeof other, 0600), 0);
    store_t *bad = (store_t *)1;
    ASSERT_EQ(try_open(&bad), STORE_ERR_IO);
    ASSERT(bad == NULL);
    ASSERT_EQ(unlink(path), 0);                   /* missing: refused, and not re-created */
    ASSERT_EQ(try_open(&bad), STORE_ERR_IO);
    ASSERT(access(path, F_OK) != 0);
    ASSERT_EQ(nb_write_file_atomic(path, orig.data, orig.len, 0600), 0);
    s = open_store();
    nb_buf_t got = NB_BUF_INIT;
    ASSERT_EQ(get1(s, "wk.ks", "k", &got), STORE_OK);
    close_store(s);
    nb_buf_free(&orig);
    nb_buf_free(&got);
    finish();
}

TEST(store_crypto_master_key_from_environment)
{
    uint8_t mk[32];
    nb_random_bytes(mk, sizeof mk);
    nb_buf_t b64 = NB_BUF_INIT, got = NB_BUF_INIT;
    nb_base64_encode(&b64, mk, sizeof mk);
    setenv("NIMBUS_MASTER_KEY", b64.data, 1);
    store_t *s = open_store();
    put1(s, "env.ks", "k", "from env", 8);
    close_store(s);
    char path[600];
    snprintf(path, sizeof path, "%s/master.key", dir);
    ASSERT(access(path, F_OK) != 0);              /* no key file written */
    s = open_store();
    ASSERT_EQ(get1(s, "env.ks", "k", &got), STORE_OK);
    close_store(s);
    unsetenv("NIMBUS_MASTER_KEY");
    store_t *bad;
    ASSERT_EQ(try_open(&bad), STORE_ERR_IO);      /* without it: refused */
    setenv("NIMBUS_MASTER_KEY", "not base64 of 32 bytes", 1);
    ASSERT_EQ(try_open(&bad), STORE_ERR_IO);
    unsetenv("NIMBUS_MASTER_KEY");
    nb_buf_free(&b64);
    nb_buf_free(&got);
    finish();
}

TEST(store_crypto_key_file_from_config)
{
    char path[600];
    snprintf(path, sizeof path, "%s/external.key", test_tmpdir());
    uint8_t mk[32];
    nb_random_bytes(mk, sizeof mk);
    ASSERT_EQ(nb_write_file_atomic(path, mk, sizeof mk, 0600), 0);
    store_crypto_set_key_file(path);
    store_t *s = open_store();
    put1(s, "ext.ks", "k", "v", 1);
    close_store(s);
    store_crypto_set_key_file(NULL);
    store_t *bad;
    ASSERT_EQ(try_open(&bad), STORE_ERR_IO);      /* DIR/master.key does not exist */
    finish();
}

TEST(store_crypto_reserved_keyspace_refused)
{
    store_t *s = open_store();
    store_txn_t *t;
    const void *v;
    size_t vlen;
    ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
    ASSERT_EQ(store_put(t, STORE_CRYPTO_KS, "m", 1, "x", 1), STORE_ERR_INVALID);
    ASSERT_EQ(store_get(t, STORE_CRYPTO_KS, "m", 1, &v, &vlen), STORE_ERR_INVALID);
    ASSERT_EQ(store_del(t, STORE_CRYPTO_KS, "m", 1), STORE_ERR_INVALID);
    store_abort(t);
    close_store(s);
    finish();
}

/* A data key created in a transaction that is aborted is forgotten: the next
 * writer creates (and persists) its own, and everything reads back after a restart. */
TEST(store_crypto_aborted_new_key_is_forgotten)
{
    store_t *s = open_store();
    store_txn_t *t;
    ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
    ASSERT_EQ(store_put(t, "abort.ks", "k", 1, "first", 5), STORE_OK);
    store_abort(t);
    put1(s, "abort.ks", "k", "second", 6);
    close_store(s);
    s = open_store();
    nb_buf_t got = NB_BUF_INIT;
    ASSERT_EQ(get1(s, "abort.ks", "k", &got), STORE_OK);
    ASSERT_EQ(got.len, 6);
    ASSERT_MEMEQ(got.data, "second", 6);
    close_store(s);
    nb_buf_free(&got);
    finish();
}

/* Count occurrences of needle in every regular file under path. */
static int grep_tree(const char *path, const char *needle, int *files)
{
    DIR *d = opendir(path);
    ASSERT(d != NULL);
    struct dirent *e;
    int hits = 0;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        char p[1024];
        snprintf(p, sizeof p, "%s/%s", path, e->d_name);
        struct stat st;
        ASSERT_EQ(lstat(p, &st), 0);
        if (S_ISDIR(st.st_mode)) {
            hits += grep_tree(p, needle, files);
            continue;
        }
        if (!S_ISREG(st.st_mode)) continue;
        nb_buf_t b = NB_BUF_INIT;
        ASSERT_EQ(nb_read_file(p, &b), 0);
        (*files)++;
        size_t n = strlen(needle);
        for (size_t i = 0; b.len >= n && i <= b.len - n; i++)
            if (memcmp(b.data + i, needle, n) == 0) hits++;
        nb_buf_free(&b);
    }
    closedir(d);
    return hits;
}

TEST(store_crypto_no_plaintext_value_in_any_file)
{
    static const char secret[] = "PLAINTEXT-CANARY-7f3a9c";
    store_t *s = open_store();
    store_txn_t *t;
    ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
    for (int i = 0; i < 2000; i++) {
        char k[48], v[128];
        snprintf(k, sizeof k, "VISIBLE-KEY-%04d", i);
        int n = snprintf(v, sizeof v, "{\"note\":\"%s\",\"n\":%d}", secret, i);
        ASSERT_EQ(store_put(t, i % 2 ? "canary.a" : "canary.b", k, strlen(k), v, (size_t)n), STORE_OK);
    }
    commit_wait(t);
    put1(s, "canary.c", "single", secret, sizeof secret - 1);
    ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);   /* rewritten and deleted ones too */
    ASSERT_EQ(store_put(t, "canary.a", "VISIBLE-KEY-0001", 16, secret, sizeof secret - 1), STORE_OK);
    ASSERT_EQ(store_del(t, "canary.b", "VISIBLE-KEY-0000", 16), STORE_OK);
    commit_wait(t);
    close_store(s);
    int files = 0;
    ASSERT_EQ(grep_tree(dir, secret, &files), 0);
    ASSERT_GE(files, 2);
    files = 0;                     /* the grep works: keys are stored in clear (documented) */
    ASSERT_GE(grep_tree(dir, "VISIBLE-KEY-1999", &files), 1);
    finish();
}

/* Nonces come from a per-thread pool of random bytes: all distinct, and a
 * forked child does not hand out the parent's next nonce again. */
TEST(store_crypto_nonces_distinct_and_not_shared_with_a_child)
{
    enum { N = 3000 };
    static uint8_t seen[N][STORE_CRYPTO_NONCE_LEN];
    for (int i = 0; i < N; i++) {
        ASSERT_EQ(store_crypto_nonce(seen[i]), 0);
        for (int j = 0; j < i; j++) ASSERT(memcmp(seen[i], seen[j], STORE_CRYPTO_NONCE_LEN) != 0);
    }
    int fd[2];
    ASSERT_EQ(pipe(fd), 0);
    pid_t pid = fork();
    ASSERT(pid >= 0);
    if (pid == 0) {
        uint8_t n[STORE_CRYPTO_NONCE_LEN];
        int ok = store_crypto_nonce(n) == 0 && write(fd[1], n, sizeof n) == (ssize_t)sizeof n;
        _exit(ok ? 0 : 1);
    }
    uint8_t mine[STORE_CRYPTO_NONCE_LEN], child[STORE_CRYPTO_NONCE_LEN];
    ASSERT_EQ(read(fd[0], child, sizeof child), (ssize_t)sizeof child);
    int st;
    ASSERT_EQ(waitpid(pid, &st, 0), pid);
    ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    ASSERT_EQ(store_crypto_nonce(mine), 0);
    ASSERT(memcmp(mine, child, sizeof mine) != 0);
    close(fd[0]);
    close(fd[1]);
}
