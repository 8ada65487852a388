/* test_store_file.c — sealed files beside the store (store_file.h): the
 * files' data key (created once, kept across reopening and master-key
 * rotation), round trips, and every kind of damage refused with EBADMSG. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include "test.h"
#include "core/buf.h"
#include "core/util.h"
#include "store/store.h"
#include "store/store_file.h"

static uv_loop_t loop;
static char dir[512];

static store_t *open_store(void)
{
    if (!loop.data) {
        ASSERT_EQ(uv_loop_init(&loop), 0);
        loop.data = &loop;
    }
    snprintf(dir, sizeof dir, "%s/data", test_tmpdir());
    store_t *s = NULL;
    ASSERT_EQ(store_open(&s, &loop, dir, NULL), STORE_OK);
    return s;
}

static void close_store(store_t *s)
{
    store_close(s);
    uv_run(&loop, UV_RUN_DEFAULT);
}

static void on_durable(void *arg, int status)
{
    *(int *)arg = status;
}

static const char secret[] = "PK\3\4 a package with a secret: do-not-store-in-clear-7f3a";

static void path_of(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", test_tmpdir(), name);
}

TEST(store_file_key_is_created_once_and_kept)
{
    store_t *s = open_store();
    unsigned char k1[32], k2[32], k3[32];
    ASSERT_EQ(store_file_key(s, "lambda.code", k1), STORE_OK);
    ASSERT_EQ(store_file_key(s, "lambda.code", k2), STORE_OK);
    ASSERT_MEMEQ(k1, k2, 32);
    ASSERT_EQ(store_file_key(s, "other", k3), STORE_OK);
    ASSERT(memcmp(k1, k3, 32) != 0);
    ASSERT_EQ(store_file_key(s, "", k3), STORE_ERR_INVALID);
    close_store(s);
    s = open_store();
    ASSERT_EQ(store_file_key(s, "lambda.code", k2), STORE_OK);
    ASSERT_MEMEQ(k1, k2, 32);
    /* a rotation re-wraps the key: the same bytes come back under the new master key */
    unsigned char mk[32];
    nb_random_bytes(mk, sizeof mk);
    size_t n = 0;
    int st = 99;
    ASSERT_EQ(store_rotate_master_key(s, mk, on_durable, &st, &n), STORE_OK);
    while (st == 99) uv_run(&loop, UV_RUN_ONCE);
    ASSERT_EQ(st, STORE_OK);
    ASSERT_GE(n, 3);                       /* key check + the two file keys */
    ASSERT_EQ(store_file_key(s, "lambda.code", k2), STORE_OK);
    ASSERT_MEMEQ(k1, k2, 32);
    close_store(s);
}

TEST(store_file_keyspace_names_of_file_keys_are_reserved)
{
    store_t *s = open_store();
    store_txn_t *t;
    ASSERT_EQ(store_begin(s, STORE_WRITE, &t), STORE_OK);
    ASSERT_EQ(store_put(t, "files/lambda.code", "k", 1, "v", 1), STORE_ERR_INVALID);
    store_abort(t);
    close_store(s);
}

TEST(store_file_round_trip_and_no_plaintext)
{
    unsigned char key[32];
    nb_random_bytes(key, sizeof key);
    char p[600];
    path_of(p, sizeof p, "pkg.sealed");
    ASSERT_EQ(store_file_seal(key, "lambda.code f 00", secret, sizeof secret, p, 0600), 0);
    struct stat st;
    ASSERT_EQ(stat(p, &st), 0);
    ASSERT_EQ(st.st_mode & 0777, 0600);
    ASSERT_EQ((size_t)st.st_size, sizeof secret + STORE_FILE_OVERHEAD);
    nb_buf_t raw = NB_BUF_INIT, out = NB_BUF_INIT;
    ASSERT_EQ(nb_read_file(p, &raw), 0);
    ASSERT(store_file_is_sealed(raw.data, raw.len));
    ASSERT(!memmem(raw.data, raw.len, "do-not-store-in-clear", 21));
    ASSERT_EQ(store_file_open(key, "lambda.code f 00", p, &out), 0);
    ASSERT_EQ(out.len, sizeof secret);
    ASSERT_MEMEQ(out.data, secret, sizeof secret);
    /* sealing again replaces the file whole, with a fresh nonce */
    ASSERT_EQ(store_file_seal(key, "lambda.code f 00", secret, sizeof secret, p, 0600), 0);
    nb_buf_t raw2 = NB_BUF_INIT;
    ASSERT_EQ(nb_read_file(p, &raw2), 0);
    ASSERT_EQ(raw2.len, raw.len);
    ASSERT(memcmp(raw.data, raw2.data, raw.len) != 0);
    /* empty content */
    ASSERT_EQ(store_file_seal(key, "c", "", 0, p, 0600), 0);
    ASSERT_EQ(store_file_open(key, "c", p, &out), 0);
    ASSERT_EQ(out.len, 0);
    nb_buf_free(&raw);
    nb_buf_free(&raw2);
    nb_buf_free(&out);
}

static int open_err(const unsigned char *key, const char *ctx, const char *p)
{
    nb_buf_t out = NB_BUF_INIT;
    errno = 0;
    int rc = store_file_open(key, ctx, p, &out);
    int e = errno;
    if (rc != 0) ASSERT_EQ(out.len, 0);
    nb_buf_free(&out);
    return rc == 0 ? 0 : e;
}

TEST(store_file_damage_is_refused)
{
    unsigned char key[32], other[32];
    nb_random_bytes(key, sizeof key);
    nb_random_bytes(other, sizeof other);
    char p[600];
    path_of(p, sizeof p, "pkg.sealed");
    ASSERT_EQ(store_file_seal(key, "ctx", secret, sizeof secret, p, 0600), 0);
    nb_buf_t good = NB_BUF_INIT;
    ASSERT_EQ(nb_read_file(p, &good), 0);
    ASSERT_EQ(open_err(key, "ctx", p), 0);
    ASSERT_EQ(open_err(other, "ctx", p), EBADMSG);          /* another key */
    ASSERT_EQ(open_err(key, "ctx2", p), EBADMSG);           /* another file's name */
    /* one flipped bit anywhere: magic, nonce, ciphertext, tag */
    for (size_t at = 0; at < good.len; at += 7) {
        nb_buf_t bad = NB_BUF_INIT;
        nb_buf_append(&bad, good.data, good.len);
        bad.data[at] ^= 0x10;
        ASSERT_EQ(nb_write_file_atomic(p, bad.data, bad.len, 0600), 0);
        ASSERT_EQ(open_err(key, "ctx", p), EBADMSG);
        nb_buf_free(&bad);
    }
    /* truncated, extended, plaintext */
    ASSERT_EQ(nb_write_file_atomic(p, good.data, good.len - 1, 0600), 0);
    ASSERT_EQ(open_err(key, "ctx", p), EBADMSG);
    ASSERT_EQ(nb_write_file_atomic(p, good.data, 10, 0600), 0);
    ASSERT_EQ(open_err(key, "ctx", p), EBADMSG);
    nb_buf_t longer = NB_BUF_INIT;
    nb_buf_append(&longer, good.data, good.len);
    nb_buf_putc(&longer, 0);
    ASSERT_EQ(nb_write_file_atomic(p, longer.data, longer.len, 0600), 0);
    ASSERT_EQ(open_err(key, "ctx", p), EBADMSG);
    ASSERT_EQ(nb_write_file_atomic(p, secret, sizeof secret, 0600), 0);
    ASSERT_EQ(open_err(key, "ctx", p), EBADMSG);
    unlink(p);
    ASSERT_EQ(open_err(key, "ctx", p), ENOENT);
    nb_buf_free(&good);
    nb_buf_free(&longer);
}

TEST(store_file_leaves_no_temporary_file)
{
    unsigned char key[32];
    nb_random_bytes(key, sizeof key);
    char p[600];
    path_of(p, sizeof p, "a.sealed");
    for (int i = 0; i < 3; i++) ASSERT_EQ(store_file_seal(key, "c", secret, sizeof secret, p, 0600), 0);
    char bad[600];
    path_of(bad, sizeof bad, "no-such-dir/a.sealed");
    ASSERT_EQ(store_file_seal(key, "c", secret, sizeof secret, bad, 0600), -1);
    ASSERT_EQ(errno, ENOENT);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "test $(ls -A %s | wc -l) -eq 1", test_tmpdir());
    ASSERT_EQ(system(cmd), 0);
}
