/* store_crypto_keys.c — the keyring: per-keyspace data keys wrapped by the
 * master key (store_crypto.h).
 *
 * Records in the reserved keyspace STORE_CRYPTO_KS (values sealed with the
 * master key, the record key as associated data, except the counter):
 *   "m"                 key check: seals a fixed text; opening it proves the
 *                       master key belongs to this store
 *   "k" KS 0x00 GEN(4)  the data key of keyspace KS, generation GEN (1, 2, ...)
 *   "c" KS 0x00 GEN(4)  8-byte big-endian count of encryptions reserved for
 *                       that key: written ahead, COUNT_BATCH at a time, in
 *                       the write transaction that crosses the last mark
 *
 * Cache: every data key used so far, unwrapped, with its AES context. A key
 * or counter written in the open write transaction is "touched": kept if the
 * transaction commits, forgotten (key) or rolled back (counter) if not, so
 * the cache never holds a key the store does not.
 *
 * Invariants: a keyspace has at most one current generation; the in-memory
 * count of a key is never below the number of values sealed with it (after
 * a restart it resumes from the reserved mark, never lower); a key whose
 * count reaches STORE_CRYPTO_ROTATE_AT seals nothing more. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include "core/alloc.h"
#include "core/log.h"
#include "core/startup.h"
#include "store/store_crypto.h"

#define COUNT_BATCH 4096
#define CHECK_TEXT  "nimbus store key check v1"
#define REC_MAX     (1 + STORE_MAX_KEYSPACE + 1 + 4)

typedef struct dk {
    char ks[STORE_MAX_KEYSPACE + 1];
    uint32_t gen;
    store_aead_t *aead;
    uint64_t count;            /* encryptions so far (an upper bound) */
    uint64_t saved;            /* reserved by the committed counter record */
    uint64_t pending;          /* reserved by the open write txn (0: none) */
    int is_new;                /* created in the open write txn */
    int is_current;
    int touched;
    struct dk *prev_current;   /* is_new rotation: the key it replaced */
    struct dk *next, *next_touched;
} dk_t;

struct store_keyring {
    const store_backend_t *be;
    store_aead_t *master;
    dk_t *keys;
    dk_t *touched;
    uint8_t *scratch;          /* sealed output, reused */
    size_t scap;
    int stale;                 /* commits the cache relied on were lost: drop it */
};

static void put_be32(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v; }
static uint32_t get_be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }

static size_t rec_key(uint8_t *out, char kind, const char *ks, uint32_t gen)
{
    size_t n = strlen(ks);
    out[0] = (uint8_t)kind;
    memcpy(out + 1, ks, n + 1);
    put_be32(out + 2 + n, gen);
    return n + 6;
}

/* Seal pt with the master key into out (STORE_CRYPTO_OVERHEAD + n bytes). */
static int master_seal(store_keyring_t *k, const void *rk, size_t rklen, uint32_t gen,
                       const void *pt, size_t n, uint8_t *out)
{
    out[0] = STORE_CRYPTO_VERSION;
    put_be32(out + 1, gen);
    if (store_crypto_nonce(out + 5) != 0) return -1;
    store_aad_t aad = {{out, rk}, {5, rklen}};
    return store_aead_seal(k->master, out + 5, &aad, pt, n, out + STORE_CRYPTO_HDR_LEN);
}

static int master_open(store_keyring_t *k, const void *rk, size_t rklen,
                       const uint8_t *in, size_t inlen, uint8_t *out, size_t n)
{
    if (inlen != n + STORE_CRYPTO_OVERHEAD || in[0] != STORE_CRYPTO_VERSION) return -1;
    store_aad_t aad = {{in, rk}, {5, rklen}};
    return store_aead_open(k->master, in + 5, &aad, in + STORE_CRYPTO_HDR_LEN, n, out);
}

/* ---- open / close ------------------------------------------------------------ */

/* Does the keyring's master key open the key-check record v? */
static int check_opens(store_keyring_t *k, const void *v, size_t vlen)
{
    uint8_t text[sizeof CHECK_TEXT - 1];
    return master_open(k, "m", 1, v, vlen, text, sizeof text) == 0 && memcmp(text, CHECK_TEXT, sizeof text) == 0;
}

static void on_check_durable(void *arg, int status)
{
    (void)arg;
    if (status != STORE_OK) nb_log_error("store", "the key check record could not be made durable");
}

static int write_check(store_keyring_t *k, store_t *s)
{
    store_txn_t *t;
    int rc = store_begin(s, STORE_WRITE, &t);
    if (rc != STORE_OK) return rc;
    uint8_t rec[sizeof CHECK_TEXT - 1 + STORE_CRYPTO_OVERHEAD];
    if (master_seal(k, "m", 1, 0, CHECK_TEXT, sizeof CHECK_TEXT - 1, rec) != 0) {
        store_abort(t);
        return STORE_ERR_IO;
    }
    rc = k->be->put(t, STORE_CRYPTO_KS, "m", 1, rec, sizeof rec);
    if (rc != STORE_OK) {
        store_abort(t);
        return rc;
    }
    return store_commit(t, on_check_durable, NULL);
}

int store_keyring_open(store_keyring_t **out, store_t *s, const store_backend_t *be,
                       void *impl, const char *dir)
{
    (void)impl;
    *out = NULL;
    store_txn_t *t;
    int rc = store_begin(s, STORE_READ, &t);
    if (rc != STORE_OK) return rc;
    const void *v = NULL;
    size_t vlen = 0;
    rc = be->get(t, STORE_CRYPTO_KS, "m", 1, &v, &vlen);
    if (rc != STORE_OK && rc != STORE_NOTFOUND) {
        store_abort(t);
        return rc;
    }
    int fresh = rc == STORE_NOTFOUND;
    uint8_t mk[STORE_CRYPTO_KEY_LEN];
    if (store_crypto_master_key(dir, fresh, mk) != 0) {
        store_abort(t);
        return STORE_ERR_IO;
    }
    nb_startup_mark("store: master key %s", fresh ? "ready (new store)" : "read");
    store_keyring_t *k = nb_xcalloc(1, sizeof *k);
    k->be = be;
    k->master = store_aead_new(mk);
    OPENSSL_cleanse(mk, sizeof mk);
    if (!fresh) {
        int bad = !check_opens(k, v, vlen);
        /* An interrupted rotation (store_rotate.c) left DIR/master.key.new:
         * if the store already answers to it, finish the rotation; if not,
         * the rotation never committed and the file is dropped. */
        uint8_t pk[STORE_CRYPTO_KEY_LEN];
        if (!store_crypto_key_is_external() && store_crypto_pending_key(dir, pk) == 0) {
            store_aead_t *old = k->master;
            k->master = store_aead_new(pk);
            OPENSSL_cleanse(pk, sizeof pk);
            if (bad && check_opens(k, v, vlen) && store_crypto_commit_pending_key(dir) == 0) {
                nb_log_info("store", "finished an interrupted master key rotation in %s", dir);
                store_aead_free(old);
                bad = 0;
            } else {
                store_aead_free(k->master);
                k->master = old;
                if (!bad) {
                    char path[4200];
                    snprintf(path, sizeof path, "%s/master.key.new", dir);
                    unlink(path);
                    nb_log_info("store", "dropped %s: its rotation never committed", path);
                }
            }
        }
        store_abort(t);
        if (bad) {
            nb_log_error("store", "the master key does not open the store in %s: wrong master.key, "
                                  "NIMBUS_MASTER_KEY or store.master_key_file", dir);
            store_keyring_close(k);
            return STORE_ERR_IO;
        }
    } else {
        store_abort(t);
        rc = write_check(k, s);
        if (rc != STORE_OK) {
            store_keyring_close(k);
            return rc;
        }
    }
    nb_startup_mark("store: key check %s", fresh ? "written" : "opened");
    *out = k;
    return STORE_OK;
}

static void dk_free(dk_t *d)
{
    store_aead_free(d->aead);
    free(d);
}

/* Forget every cached key: they are loaded again from the store on use. */
static void dk_drop_all(store_keyring_t *k)
{
    for (dk_t *d = k->keys, *n; d; d = n) {
        n = d->next;
        dk_free(d);
    }
    k->keys = NULL;
    k->touched = NULL;
    k->stale = 0;
}

void store_keyring_forget(store_keyring_t *k)
{
    if (!k) return;
    k->stale = 1;
    if (!k->touched) dk_drop_all(k);
}

void store_keyring_close(store_keyring_t *k)
{
    if (!k) return;
    dk_drop_all(k);
    store_aead_free(k->master);
    free(k->scratch);
    free(k);
}

/* ---- data keys --------------------------------------------------------------- */

static dk_t *dk_add(store_keyring_t *k, const char *ks, uint32_t gen, const uint8_t key[STORE_CRYPTO_KEY_LEN])
{
    dk_t *d = nb_xcalloc(1, sizeof *d);
    snprintf(d->ks, sizeof d->ks, "%s", ks);
    d->gen = gen;
    d->aead = store_aead_new(key);
    d->next = k->keys;
    k->keys = d;
    return d;
}

static dk_t *dk_find(store_keyring_t *k, const char *ks, uint32_t gen)
{
    for (dk_t *d = k->keys; d; d = d->next)
        if (d->gen == gen && strcmp(d->ks, ks) == 0) return d;
    return NULL;
}

static dk_t *dk_current(store_keyring_t *k, const char *ks)
{
    for (dk_t *d = k->keys; d; d = d->next)
        if (d->is_current && strcmp(d->ks, ks) == 0) return d;
    return NULL;
}

/* Load generation gen of ks from t into the cache. STORE_OK, STORE_NOTFOUND,
 * or STORE_ERR_IO for a record that does not open. */
static int dk_load(store_keyring_t *k, store_txn_t *t, const char *ks, uint32_t gen, dk_t **out)
{
    uint8_t rk[REC_MAX];
    size_t rklen = rec_key(rk, 'k', ks, gen);
    const void *v;
    size_t vlen;
    int rc = k->be->get(t, STORE_CRYPTO_KS, rk, rklen, &v, &vlen);
    if (rc != STORE_OK) return rc;
    uint8_t key[STORE_CRYPTO_KEY_LEN];
    if (master_open(k, rk, rklen, v, vlen, key, sizeof key) != 0) {
        nb_log_error("store", "the data key of keyspace %s (generation %u) fails its integrity check", ks, gen);
        return STORE_ERR_IO;
    }
    dk_t *d = dk_add(k, ks, gen, key);
    OPENSSL_cleanse(key, sizeof key);
    rk[0] = 'c';
    rc = k->be->get(t, STORE_CRYPTO_KS, rk, rklen, &v, &vlen);
    if (rc == STORE_OK && vlen == 8) {
        const uint8_t *p = v;
        d->saved = (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
        d->count = d->saved;
    }
    *out = d;
    return STORE_OK;
}

struct latest { uint32_t gen; };

static int latest_visit(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
    (void)val; (void)vlen;
    struct latest *l = arg;
    if (klen >= 4) l->gen = get_be32((const uint8_t *)key + klen - 4);
    return 1;                  /* the first one seen, scanning down, is the newest */
}

/* A new generation of ks's data key, written into write txn t. */
static int dk_create(store_keyring_t *k, store_txn_t *t, const char *ks, uint32_t gen, dk_t **out)
{
    uint8_t key[STORE_CRYPTO_KEY_LEN], rec[STORE_CRYPTO_KEY_LEN + STORE_CRYPTO_OVERHEAD];
    uint8_t rk[REC_MAX];
    size_t rklen = rec_key(rk, 'k', ks, gen);
    if (store_crypto_random(key, sizeof key) != 0 || master_seal(k, rk, rklen, gen, key, sizeof key, rec) != 0) {
        OPENSSL_cleanse(key, sizeof key);
        return STORE_ERR_IO;
    }
    int rc = k->be->put(t, STORE_CRYPTO_KS, rk, rklen, rec, sizeof rec);
    if (rc != STORE_OK) {
        OPENSSL_cleanse(key, sizeof key);
        return rc;
    }
    dk_t *d = dk_add(k, ks, gen, key);
    OPENSSL_cleanse(key, sizeof key);
    d->is_new = 1;
    d->is_current = 1;
    d->touched = 1;
    d->next_touched = k->touched;
    k->touched = d;
    *out = d;
    return STORE_OK;
}

/* The key that seals ks's next value: cached, else the newest stored, else a
 * new one; rotated once used up. */
static int dk_for_seal(store_keyring_t *k, store_txn_t *t, const char *ks, dk_t **out)
{
    dk_t *d = dk_current(k, ks);
    int rc;
    if (!d) {
        uint8_t lo[REC_MAX], hi[REC_MAX];
        size_t n = strlen(ks);
        lo[0] = hi[0] = 'k';
        memcpy(lo + 1, ks, n + 1);
        memcpy(hi + 1, ks, n);
        hi[n + 1] = 1;
        struct latest l = {0};
        rc = k->be->scan(t, STORE_CRYPTO_KS, lo, n + 2, hi, n + 2, 1, latest_visit, &l);
        if (rc < 0) return rc;
        if (l.gen == 0) return dk_create(k, t, ks, 1, out);
        d = dk_find(k, ks, l.gen);
        if (!d && (rc = dk_load(k, t, ks, l.gen, &d)) != STORE_OK) return rc == STORE_NOTFOUND ? STORE_ERR_IO : rc;
        d->is_current = 1;
    }
    if (d->count >= STORE_CRYPTO_ROTATE_AT) {
        dk_t *nd;
        rc = dk_create(k, t, ks, d->gen + 1, &nd);
        if (rc != STORE_OK) return rc;
        d->is_current = 0;
        nd->prev_current = d;
        nb_log_info("store", "keyspace %s: data key rotated to generation %u", ks, nd->gen);
        d = nd;
    }
    *out = d;
    return STORE_OK;
}

/* Count one encryption under d; reserve the next batch in t when needed. */
static int dk_count(store_keyring_t *k, store_txn_t *t, dk_t *d)
{
    d->count++;
    uint64_t reserved = d->pending ? d->pending : d->saved;
    if (d->count <= reserved) return STORE_OK;
    uint64_t mark = d->count + COUNT_BATCH;
    uint8_t rk[REC_MAX], v[8];
    size_t rklen = rec_key(rk, 'c', d->ks, d->gen);
    put_be32(v, (uint32_t)(mark >> 32));
    put_be32(v + 4, (uint32_t)mark);
    int rc = k->be->put(t, STORE_CRYPTO_KS, rk, rklen, v, sizeof v);
    if (rc != STORE_OK) return rc;
    d->pending = mark;
    if (!d->touched) {
        d->touched = 1;
        d->next_touched = k->touched;
        k->touched = d;
    }
    return STORE_OK;
}

void store_keyring_txn_end(store_keyring_t *k, int committed)
{
    if (!k) return;
    dk_t *d = k->touched;
    k->touched = NULL;
    for (dk_t *n; d; d = n) {
        n = d->next_touched;
        d->touched = 0;
        d->next_touched = NULL;
        if (committed) {
            if (d->pending) d->saved = d->pending;
            d->pending = 0;
            d->is_new = 0;
            d->prev_current = NULL;
            continue;
        }
        d->pending = 0;
        if (!d->is_new) continue;
        if (d->prev_current) d->prev_current->is_current = 1;
        for (dk_t **pp = &k->keys; *pp; pp = &(*pp)->next)
            if (*pp == d) { *pp = d->next; break; }
        dk_free(d);
    }
    if (k->stale) dk_drop_all(k);
}

/* ---- values ------------------------------------------------------------------ */

static void value_aad(store_aad_t *aad, const uint8_t *hdr, const char *ks, const void *key, size_t klen)
{
    aad->p[0] = hdr; aad->n[0] = 5;
    aad->p[1] = ks; aad->n[1] = strlen(ks) + 1;  /* the NUL separates keyspace and key */
    aad->p[2] = key; aad->n[2] = klen;
}

int store_keyring_seal(store_keyring_t *k, store_txn_t *t, const char *ks,
                       const void *key, size_t klen, const void *val, size_t vlen,
                       const void **out, size_t *outlen)
{
    if (vlen > (size_t)1 << 30) return STORE_ERR_INVALID;   /* the AEAD layer's limit */
    dk_t *d;
    int rc = dk_for_seal(k, t, ks, &d);
    if (rc == STORE_OK) rc = dk_count(k, t, d);
    if (rc != STORE_OK) return rc;
    size_t need = vlen + STORE_CRYPTO_OVERHEAD;
    if (need > k->scap) {
        k->scap = need < 4096 ? 4096 : need;
        k->scratch = nb_xrealloc(k->scratch, k->scap);
    }
    uint8_t *o = k->scratch;
    o[0] = STORE_CRYPTO_VERSION;
    put_be32(o + 1, d->gen);
    if (store_crypto_nonce(o + 5) != 0) return STORE_ERR_IO;
    store_aad_t aad;
    value_aad(&aad, o, ks, key, klen);
    if (store_aead_seal(d->aead, o + 5, &aad, val, vlen, o + STORE_CRYPTO_HDR_LEN) != 0) return STORE_ERR_IO;
    *out = o;
    *outlen = need;
    return STORE_OK;
}

int store_keyring_open_value(store_keyring_t *k, store_txn_t *t, const char *ks,
                             const void *key, size_t klen, const void *val, size_t vlen,
                             uint8_t *dst, size_t *dstlen)
{
    const uint8_t *v = val;
    if (vlen < STORE_CRYPTO_OVERHEAD || v[0] != STORE_CRYPTO_VERSION) {
        nb_log_error("store", "a value in keyspace %s is not a sealed value (truncated or foreign)", ks);
        return STORE_ERR_IO;
    }
    uint32_t gen = get_be32(v + 1);
    dk_t *d = dk_find(k, ks, gen);
    if (!d) {
        int rc = dk_load(k, t, ks, gen, &d);
        if (rc != STORE_OK) {
            if (rc == STORE_NOTFOUND)
                nb_log_error("store", "a value in keyspace %s names data key generation %u, which does not exist", ks, gen);
            return STORE_ERR_IO;
        }
    }
    size_t n = vlen - STORE_CRYPTO_OVERHEAD;
    store_aad_t aad;
    value_aad(&aad, v, ks, key, klen);
    if (store_aead_open(d->aead, v + 5, &aad, v + STORE_CRYPTO_HDR_LEN, n, dst) != 0) {
        nb_log_error("store", "a value in keyspace %s fails its integrity check (tampered or moved)", ks);
        return STORE_ERR_IO;
    }
    *dstlen = n;
    return STORE_OK;
}

/* ---- data keys of sealed files ------------------------------------------------- */

int store_keyring_file_key(store_keyring_t *k, store_txn_t *t, const char *purpose,
                           uint8_t key[STORE_CRYPTO_KEY_LEN], int create)
{
    char ks[STORE_MAX_KEYSPACE + 1];
    if (!purpose || !*purpose ||
        (size_t)snprintf(ks, sizeof ks, STORE_FILE_KS_PREFIX "%s", purpose) >= sizeof ks)
        return STORE_ERR_INVALID;
    uint8_t rk[REC_MAX];
    size_t rklen = rec_key(rk, 'k', ks, 1);
    const void *v;
    size_t vlen;
    int rc = k->be->get(t, STORE_CRYPTO_KS, rk, rklen, &v, &vlen);
    if (rc == STORE_OK) {
        if (master_open(k, rk, rklen, v, vlen, key, STORE_CRYPTO_KEY_LEN) == 0) return STORE_OK;
        OPENSSL_cleanse(key, STORE_CRYPTO_KEY_LEN);
        nb_log_error("store", "the data key of %s fails its integrity check", ks);
        return STORE_ERR_IO;
    }
    if (rc != STORE_NOTFOUND || !create) return rc;
    uint8_t rec[STORE_CRYPTO_KEY_LEN + STORE_CRYPTO_OVERHEAD];
    if (store_crypto_random(key, STORE_CRYPTO_KEY_LEN) != 0 ||
        master_seal(k, rk, rklen, 1, key, STORE_CRYPTO_KEY_LEN, rec) != 0) {
        OPENSSL_cleanse(key, STORE_CRYPTO_KEY_LEN);
        return STORE_ERR_IO;
    }
    rc = k->be->put(t, STORE_CRYPTO_KS, rk, rklen, rec, sizeof rec);
    if (rc != STORE_OK) OPENSSL_cleanse(key, STORE_CRYPTO_KEY_LEN);
    return rc;
}

/* ---- master-key rotation ------------------------------------------------------- */

typedef struct rec { uint8_t *key, *val; size_t klen, vlen; } rec_t;
typedef struct recs { rec_t *v; size_t n, cap; } recs_t;

static int collect(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
    recs_t *r = arg;
    const uint8_t *kb = key;
    if (klen == 0 || (kb[0] != 'k' && kb[0] != 'm')) return 0;   /* counters are not sealed */
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->v = nb_xrealloc(r->v, r->cap * sizeof *r->v);
    }
    rec_t *e = &r->v[r->n++];
    e->key = nb_xmalloc(klen);
    e->val = nb_xmalloc(vlen);
    memcpy(e->key, key, klen);
    memcpy(e->val, val, vlen);
    e->klen = klen;
    e->vlen = vlen;
    return 0;
}

int store_keyring_rewrap(store_keyring_t *k, store_t *s, const uint8_t key[STORE_CRYPTO_KEY_LEN],
                         store_durable_fn cb, void *arg, size_t *n)
{
    *n = 0;
    store_txn_t *t;
    int rc = store_begin(s, STORE_WRITE, &t);
    if (rc != STORE_OK) return rc;
    recs_t r = {0};
    rc = k->be->scan(t, STORE_CRYPTO_KS, NULL, 0, NULL, 0, 0, collect, &r);
    store_aead_t *nm = store_aead_new(key), *om = k->master;
    uint8_t pt[STORE_CRYPTO_KEY_LEN > sizeof CHECK_TEXT ? STORE_CRYPTO_KEY_LEN : sizeof CHECK_TEXT];
    uint8_t out[sizeof pt + STORE_CRYPTO_OVERHEAD];
    for (size_t i = 0; i < r.n && rc == STORE_OK; i++) {
        rec_t *e = &r.v[i];
        size_t len = e->key[0] == 'm' ? sizeof CHECK_TEXT - 1 : STORE_CRYPTO_KEY_LEN;
        k->master = om;
        if (e->vlen < STORE_CRYPTO_HDR_LEN || master_open(k, e->key, e->klen, e->val, e->vlen, pt, len) != 0) {
            nb_log_error("store", "rotation: a wrapped key does not open with the current master key");
            rc = STORE_ERR_IO;
            break;
        }
        k->master = nm;
        if (master_seal(k, e->key, e->klen, get_be32(e->val + 1), pt, len, out) != 0) rc = STORE_ERR_IO;
        else rc = k->be->put(t, STORE_CRYPTO_KS, e->key, e->klen, out, len + STORE_CRYPTO_OVERHEAD);
        if (rc == STORE_OK) (*n)++;
    }
    OPENSSL_cleanse(pt, sizeof pt);
    k->master = om;
    for (size_t i = 0; i < r.n; i++) {
        free(r.v[i].key);
        free(r.v[i].val);
    }
    free(r.v);
    if (rc == STORE_OK) rc = store_commit(t, cb, arg);
    else store_abort(t);
    if (rc == STORE_OK) {
        k->master = nm;
        store_aead_free(om);
    } else {
        store_aead_free(nm);
    }
    return rc;
}
