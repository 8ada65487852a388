/* store.c — the public store_* functions: argument checks, then dispatch to
 * the backend (store_backend.h).
 *
 * Owns: struct store (the chosen backend and its state). Invariants: a backend
 * is only ever called with a valid keyspace name, a key of 1..STORE_MAX_KEY
 * bytes, and write calls only on write transactions. Values pass through the
 * codec spot below on their way in and out: AES-256-GCM at rest
 * (store_crypto.h). The reserved keyspace STORE_CRYPTO_KS (wrapped data keys)
 * is refused to callers. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include "core/log.h"
#include "core/startup.h"
#include "core/alloc.h"
#include "core/arena.h"
#include "core/util.h"
#include "store/store_crypto.h"
#include "store/store_backend.h"
#include "store/store_file.h"

struct txn_mem;

/* A small value this process sealed, with its plaintext (see codec_open). */
#define SMALL_SLOTS 8
#define SMALL_VAL   64         /* plaintext bytes */
#define SMALL_KEY   32
typedef struct small_val {
    char ks[STORE_MAX_KEYSPACE + 1];
    uint8_t key[SMALL_KEY];
    size_t klen;               /* 0: slot unused */
    uint8_t sealed[SMALL_VAL + STORE_CRYPTO_OVERHEAD];
    size_t slen;
    uint8_t val[SMALL_VAL];
    size_t vlen;
} small_val_t;

struct store {
    const store_backend_t *be;
    void *impl;                /* the backend's state */
    store_keyring_t *kr;       /* data keys; NULL only while store_open runs */
    struct txn_mem *open_mem;  /* arenas of open transactions */
    struct txn_mem *spare_mem; /* released arenas, reused */
    int n_spare;
    small_val_t small[SMALL_SLOTS];
    unsigned small_next;       /* round-robin victim */
};

/* ---- codec spot: AES-256-GCM at rest (store_crypto.h) ---------------------
 * Every value stored goes through codec_seal() on put and codec_open() on
 * get/scan; keys and keyspace names are stored as they are (ordered scans
 * need their bytes). seal = version | key generation | random 96-bit nonce |
 * AES-256-GCM(value) | tag, under the keyspace's data key, with (keyspace,
 * key) as additional authenticated data so a value cannot be moved to
 * another key unnoticed. open verifies and decrypts into memory owned by the
 * transaction (an arena released at commit/abort), so the "valid until the
 * transaction ends" rule of store.h still holds. A failed check is
 * STORE_ERR_IO, never garbage. */

/* The arena of decrypted values of one open transaction. Few transactions
 * are open at once (one writer, a handful of readers), so a list will do;
 * released arenas are kept for reuse, so a read costs no malloc. */
typedef struct txn_mem {
    store_txn_t *t;
    nb_arena_t *a;
    struct txn_mem *next;
} txn_mem_t;

#define SPARE_ARENAS 8

static nb_arena_t *txn_arena(store_t *s, store_txn_t *t)
{
    for (txn_mem_t *m = s->open_mem; m; m = m->next)
        if (m->t == t) return m->a;
    txn_mem_t *m = s->spare_mem;
    if (m) s->spare_mem = m->next, s->n_spare--;
    else m = nb_xcalloc(1, sizeof *m), m->a = nb_arena_new(16384);
    m->t = t;
    m->next = s->open_mem;
    s->open_mem = m;
    return m->a;
}

/* t ends: its decrypted values go. */
static void txn_release(store_t *s, store_txn_t *t)
{
    for (txn_mem_t **pp = &s->open_mem; *pp; pp = &(*pp)->next) {
        txn_mem_t *m = *pp;
        if (m->t != t) continue;
        *pp = m->next;
        if (s->n_spare < SPARE_ARENAS) {
            nb_arena_reset(m->a);
            m->t = NULL;
            m->next = s->spare_mem;
            s->spare_mem = m;
            s->n_spare++;
        } else {
            nb_arena_free(m->a);
            free(m);
        }
        return;
    }
}

static void mem_free_list(txn_mem_t *m)
{
    for (txn_mem_t *n; m; m = n) {
        n = m->next;
        nb_arena_free(m->a);
        free(m);
    }
}

/* Small values sealed here are remembered with their plaintext: DynamoDB's
 * per-table statistics (16 bytes) are read, opened, changed, sealed and put
 * by every write, so each write paid an AES-GCM open of the value the
 * previous write had just sealed. A get whose stored bytes are exactly what
 * this process sealed for that same keyspace and key takes the plaintext
 * from here: the bytes hold a random nonce and the tag, so equal bytes mean
 * this seal's plaintext, and a value copied from another key (which the AAD
 * would have refused) never matches, the key being compared too. Whatever
 * became of the transaction that sealed it, the pair stays true. */
static small_val_t *small_find(store_t *s, const char *ks, const void *key, size_t klen)
{
    for (int i = 0; i < SMALL_SLOTS; i++) {
        small_val_t *e = &s->small[i];
        if (e->klen == klen && memcmp(e->key, key, klen) == 0 && strcmp(e->ks, ks) == 0) return e;
    }
    return NULL;
}

static void small_keep(store_t *s, const char *ks, const void *key, size_t klen,
                       const void *val, size_t vlen, const void *sealed, size_t slen)
{
    if (klen > SMALL_KEY || vlen > SMALL_VAL || slen != vlen + STORE_CRYPTO_OVERHEAD) return;
    small_val_t *e = small_find(s, ks, key, klen);
    if (!e) e = &s->small[s->small_next++ % SMALL_SLOTS];
    snprintf(e->ks, sizeof e->ks, "%s", ks);     /* check_ks: at most STORE_MAX_KEYSPACE */
    memcpy(e->key, key, klen);
    e->klen = klen;
    memcpy(e->sealed, sealed, slen);
    e->slen = slen;
    if (vlen) memcpy(e->val, val, vlen);
    e->vlen = vlen;
}

static int codec_seal(store_txn_t *t, const char *ks, const void *key, size_t klen,
                      const void **val, size_t *vlen)
{
    const void *pt = *val;
    size_t ptlen = *vlen;
    int rc = store_keyring_seal(t->store->kr, t, ks, key, klen, pt, ptlen, val, vlen);
    if (rc == STORE_OK) small_keep(t->store, ks, key, klen, pt, ptlen, *val, *vlen);
    return rc;
}

static int codec_open(store_txn_t *t, const char *ks, const void *key, size_t klen,
                      const void **val, size_t *vlen)
{
    store_t *s = t->store;
    size_t n = *vlen > STORE_CRYPTO_OVERHEAD ? *vlen - STORE_CRYPTO_OVERHEAD : 0;
    if (n <= SMALL_VAL && klen <= SMALL_KEY) {
        small_val_t *e = small_find(s, ks, key, klen);
        if (e && e->slen == *vlen && memcmp(e->sealed, *val, *vlen) == 0) {
            uint8_t *dst = nb_arena_alloc(txn_arena(s, t), e->vlen ? e->vlen : 1);
            if (e->vlen) memcpy(dst, e->val, e->vlen);
            *val = dst;
            *vlen = e->vlen;
            return STORE_OK;
        }
    }
    uint8_t *dst = nb_arena_alloc(txn_arena(s, t), n ? n : 1);
    int rc = store_keyring_open_value(s->kr, t, ks, key, klen, *val, *vlen, dst, &n);
    if (rc != STORE_OK) return rc;
    *val = dst;
    *vlen = n;
    return STORE_OK;
}
/* ---- end of codec spot -------------------------------------------------- */

static int check_ks(const char *ks)
{
    if (!ks || !ks[0]) return STORE_ERR_INVALID;
    if (strnlen(ks, STORE_MAX_KEYSPACE + 1) > STORE_MAX_KEYSPACE) return STORE_ERR_INVALID;
    if (strcmp(ks, STORE_CRYPTO_KS) == 0) return STORE_ERR_INVALID;
    if (strncmp(ks, STORE_FILE_KS_PREFIX, sizeof STORE_FILE_KS_PREFIX - 1) == 0) return STORE_ERR_INVALID;
    return STORE_OK;
}

static int check_key(const void *key, size_t klen)
{
    if (!key || klen == 0 || klen > STORE_MAX_KEY) return STORE_ERR_INVALID;
    return STORE_OK;
}

/* A scan bound: NULL means none. Every key is at most STORE_MAX_KEY bytes,
 * so a bound compares with every key exactly as its first STORE_MAX_KEY + 1
 * bytes do: longer bounds are cut to that, and backends see short bounds only. */
static int check_bound(const void *b, size_t *blen)
{
    if (!b && *blen) return STORE_ERR_INVALID;
    if (*blen > STORE_MAX_KEY + 1) *blen = STORE_MAX_KEY + 1;
    return STORE_OK;
}

/* The backend lost commits it had reported applied: the keyring's cache
 * may name keys that were never stored. */
static void on_lost(void *arg)
{
    store_t *s = arg;
    store_keyring_forget(s->kr);
}

/* A new store's master key: generated and made durable (the file's fsync,
 * then its directory's) on a thread of its own while the backend creates
 * and syncs its files on the calling one — two sequences of syncs that
 * overlap instead of following each other. store_keyring_open, after the
 * join, finds the file and reads it, exactly as at a restart. Only when the
 * key is to live in DIR/master.key, that file is absent and the backend says
 * the store is new: a store whose key file went missing still gets the
 * "master key is missing" error, not a fresh key. A crash in between leaves
 * a key file beside a store without a key check: the next start uses that
 * key (as when the crash came after the key check's creation began). */
typedef struct key_job {
    const char *dir;           /* borrowed */
    uv_thread_t thread;
} key_job_t;

static void make_master_key(void *arg)
{
    key_job_t *j = arg;
    nb_startup_thread("key");
    uint8_t key[STORE_CRYPTO_KEY_LEN];
    /* a failure (logged) is met again by the keyring; the directory entry
     * is synced by store_open, with the new store's */
    (void)store_crypto_master_key(j->dir, STORE_KEY_CREATE_NO_DIR_SYNC, key);
    OPENSSL_cleanse(key, sizeof key);
    nb_startup_mark("store: master key created (durable)");
}

int store_open(store_t **out, uv_loop_t *loop, const char *dir, const store_options_t *opts)
{
    static const store_options_t defaults;
    if (!out || !loop || !dir || !dir[0]) return STORE_ERR_INVALID;
    if (!opts) opts = &defaults;
    store_t *s = nb_xcalloc(1, sizeof *s);
    s->be = &store_lmdb_backend;
    key_job_t kj = {dir, 0};
    int is_new = !opts->read_only && s->be->is_new && s->be->is_new(dir);
    int key_thread = is_new && store_crypto_key_file_missing(dir) &&
                     uv_thread_create(&kj.thread, make_master_key, &kj) == 0;
    int rc = s->be->open(&s->impl, loop, dir, opts);
    if (key_thread) uv_thread_join(&kj.thread);
    if (key_thread) nb_startup_mark("store: waited for the master key");
    /* One sync of dir for its new entries: the store's own (the backend
     * synced what is inside it), the master key's — before the key check
     * sealed with it can be written — and the caller's. */
    if (rc == STORE_OK && is_new) {
        if (opts->before_dir_sync) opts->before_dir_sync(opts->before_dir_sync_arg);
        if (nb_fsync_dir(dir) != 0) {
            nb_log_error("store", "cannot sync the directory %s: %s", dir, strerror(errno));
            s->be->close(s->impl);
            rc = STORE_ERR_IO;
        }
        nb_startup_mark("store: data directory synced");
    }
    if (rc == STORE_OK) {
        rc = store_keyring_open(&s->kr, s, s->be, s->impl, dir);
        if (rc != STORE_OK) s->be->close(s->impl);
        else if (s->be->set_lost_hook) s->be->set_lost_hook(s->impl, on_lost, s);
    }
    if (rc != STORE_OK) {
        mem_free_list(s->spare_mem);
        free(s);
        *out = NULL;
        return rc;
    }
    *out = s;
    return STORE_OK;
}

int store_settle(store_t *s)
{
    if (!s) return STORE_ERR_INVALID;
    return s->be->settle ? s->be->settle(s->impl) : STORE_OK;
}

int store_rotate_master_key(store_t *s, const unsigned char key[32], store_durable_fn cb, void *arg, size_t *n)
{
    if (!s || !key || !n) return STORE_ERR_INVALID;
    return store_keyring_rewrap(s->kr, s, key, cb, arg, n);
}

static void on_file_key_durable(void *arg, int status)
{
    (void)arg;
    if (status != STORE_OK) nb_log_error("store", "a new data key for files could not be made durable");
}

int store_file_key(store_t *s, const char *purpose, unsigned char key[STORE_FILE_KEY_LEN])
{
    if (!s || !purpose || !key) return STORE_ERR_INVALID;
    store_txn_t *t;
    int rc = store_begin(s, STORE_READ, &t);
    if (rc != STORE_OK) return rc;
    rc = store_keyring_file_key(s->kr, t, purpose, key, 0);
    store_abort(t);
    if (rc != STORE_NOTFOUND) return rc;
    if ((rc = store_begin(s, STORE_WRITE, &t)) != STORE_OK) return rc;
    rc = store_keyring_file_key(s->kr, t, purpose, key, 1);
    if (rc != STORE_OK) {
        store_abort(t);
        return rc;
    }
    /* Files sealed under the key are referenced only by records committed
     * after this transaction, which the log makes durable after it. */
    rc = store_commit(t, on_file_key_durable, NULL);
    if (rc != STORE_OK) OPENSSL_cleanse(key, STORE_FILE_KEY_LEN);
    return rc;
}

void store_close(store_t *s)
{
    if (!s) return;
    s->be->close(s->impl);
    store_keyring_close(s->kr);
    mem_free_list(s->open_mem);
    mem_free_list(s->spare_mem);
    OPENSSL_cleanse(s->small, sizeof s->small);
    free(s);
}

int store_begin(store_t *s, int flags, store_txn_t **out)
{
    if (!s || !out || (flags != STORE_READ && flags != STORE_WRITE)) return STORE_ERR_INVALID;
    *out = NULL;
    store_txn_t *t = NULL;
    int rc = s->be->begin(s->impl, flags, &t);
    if (rc != STORE_OK) return rc;
    t->store = s;
    t->flags = flags;
    *out = t;
    return STORE_OK;
}

int store_get(store_txn_t *t, const char *ks, const void *key, size_t klen,
              const void **val, size_t *vlen)
{
    if (!t || !val || !vlen) return STORE_ERR_INVALID;
    int rc = check_ks(ks);
    if (rc == STORE_OK) rc = check_key(key, klen);
    if (rc != STORE_OK) return rc;
    rc = t->store->be->get(t, ks, key, klen, val, vlen);
    if (rc != STORE_OK) return rc;
    return codec_open(t, ks, key, klen, val, vlen);
}

int store_put(store_txn_t *t, const char *ks, const void *key, size_t klen,
              const void *val, size_t vlen)
{
    if (!t || (!val && vlen)) return STORE_ERR_INVALID;
    if (t->flags != STORE_WRITE) return STORE_ERR_READONLY;
    int rc = check_ks(ks);
    if (rc == STORE_OK) rc = check_key(key, klen);
    if (rc != STORE_OK) return rc;
    if (!val) val = "";        /* an empty value: backends get a valid pointer */
    rc = codec_seal(t, ks, key, klen, &val, &vlen);
    if (rc != STORE_OK) return rc;
    return t->store->be->put(t, ks, key, klen, val, vlen);
}

int store_del(store_txn_t *t, const char *ks, const void *key, size_t klen)
{
    if (!t) return STORE_ERR_INVALID;
    if (t->flags != STORE_WRITE) return STORE_ERR_READONLY;
    int rc = check_ks(ks);
    if (rc == STORE_OK) rc = check_key(key, klen);
    if (rc != STORE_OK) return rc;
    return t->store->be->del(t, ks, key, klen);
}

/* Scan trampoline: every value visited passes through codec_open. */
struct scan_ctx {
    store_txn_t *t;
    const char *ks;
    store_scan_fn fn;
    void *arg;
    int err;                   /* a codec failure, reported by store_scan */
};

static int scan_visit(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
    struct scan_ctx *c = arg;
    int rc = codec_open(c->t, c->ks, key, klen, &val, &vlen);
    if (rc != STORE_OK) {
        c->err = rc;
        return 1;
    }
    return c->fn(c->arg, key, klen, val, vlen);
}

int store_scan(store_txn_t *t, const char *ks, const void *lo, size_t lolen,
               const void *hi, size_t hilen, int reverse, store_scan_fn fn, void *arg)
{
    if (!t || !fn) return STORE_ERR_INVALID;
    int rc = check_ks(ks);
    if (rc == STORE_OK) rc = check_bound(lo, &lolen);
    if (rc == STORE_OK) rc = check_bound(hi, &hilen);
    if (rc != STORE_OK) return rc;
    struct scan_ctx c = { t, ks, fn, arg, STORE_OK };
    rc = t->store->be->scan(t, ks, lo, lolen, hi, hilen, reverse, scan_visit, &c);
    return c.err != STORE_OK ? c.err : rc;
}

int store_commit(store_txn_t *t, store_durable_fn cb, void *arg)
{
    if (!t) return STORE_ERR_INVALID;
    store_t *s = t->store;
    txn_release(s, t);
    if (t->flags != STORE_WRITE) {
        s->be->commit(t, NULL, NULL);
        if (cb) cb(arg, STORE_OK);
        return STORE_OK;
    }
    int rc = s->be->commit(t, cb, arg);
    store_keyring_txn_end(s->kr, rc == STORE_OK);
    return rc;
}

void store_abort(store_txn_t *t)
{
    if (!t) return;
    store_t *s = t->store;
    txn_release(s, t);
    int writer = t->flags == STORE_WRITE;
    s->be->abort(t);
    if (writer) store_keyring_txn_end(s->kr, 0);
}

const char *store_backend_name(const store_t *s)
{
    return s ? s->be->name : "none";
}
