/* store.c — the public store_* functions: argument checks, then dispatch to
 * the backend (store_backend.h).
 *
 * Owns: struct store (the chosen backend and its state). Invariants: a backend
 * is only ever called with a valid keyspace name, a key of 1..STORE_MAX_KEY
 * bytes, and write calls only on write transactions. Values pass through the
 * codec spot below on their way in and out (identity for now; issue 7 puts
 * AES-256-GCM at rest there). */
#include <stdlib.h>
#include <string.h>
#include "core/alloc.h"
#include "store/store_backend.h"

struct store {
    const store_backend_t *be;
    void *impl;                /* the backend's state */
};

/* ---- codec spot (issue 7: AES-256-GCM at rest) --------------------------
 * Every value stored goes through codec_seal() on put and codec_open() on
 * get/scan; keys and keyspace names are stored as they are (ordered scans
 * need their bytes). Today both are the identity and copy nothing.
 *
 * Issue 7 replaces them: seal = random 96-bit nonce || AES-256-GCM(value)
 * || 16-byte tag, with (keyspace, key) as additional authenticated data so a
 * value cannot be moved to another key unnoticed; open verifies and decrypts
 * into a buffer owned by the transaction (freed at commit/abort), so the
 * "valid until the transaction ends" rule of store.h still holds. A failed
 * tag check is STORE_ERR_IO. The key comes from the config (a key file), held
 * in struct store. */
static int codec_seal(store_t *s, const char *ks, const void *key, size_t klen,
                      const void **val, size_t *vlen)
{
    (void)s; (void)ks; (void)key; (void)klen; (void)val; (void)vlen;
    return STORE_OK;           /* identity: *val, *vlen unchanged */
}

static int codec_open(store_t *s, const char *ks, const void *key, size_t klen,
                      const void **val, size_t *vlen)
{
    (void)s; (void)ks; (void)key; (void)klen; (void)val; (void)vlen;
    return STORE_OK;           /* identity: *val, *vlen unchanged */
}
/* ---- end of codec spot -------------------------------------------------- */

static int check_ks(const char *ks)
{
    if (!ks || !ks[0]) return STORE_ERR_INVALID;
    if (strnlen(ks, STORE_MAX_KEYSPACE + 1) > STORE_MAX_KEYSPACE) return STORE_ERR_INVALID;
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

int store_open(store_t **out, uv_loop_t *loop, const char *dir, const store_options_t *opts)
{
    static const store_options_t defaults;
    if (!out || !loop || !dir || !dir[0]) return STORE_ERR_INVALID;
    store_t *s = nb_xcalloc(1, sizeof *s);
    s->be = &store_lmdb_backend;
    int rc = s->be->open(&s->impl, loop, dir, opts ? opts : &defaults);
    if (rc != STORE_OK) {
        free(s);
        *out = NULL;
        return rc;
    }
    *out = s;
    return STORE_OK;
}

void store_close(store_t *s)
{
    if (!s) return;
    s->be->close(s->impl);
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
    return codec_open(t->store, ks, key, klen, val, vlen);
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
    rc = codec_seal(t->store, ks, key, klen, &val, &vlen);
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
    store_t *s;
    const char *ks;
    store_scan_fn fn;
    void *arg;
    int err;                   /* a codec failure, reported by store_scan */
};

static int scan_visit(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
    struct scan_ctx *c = arg;
    int rc = codec_open(c->s, c->ks, key, klen, &val, &vlen);
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
    struct scan_ctx c = { t->store, ks, fn, arg, STORE_OK };
    rc = t->store->be->scan(t, ks, lo, lolen, hi, hilen, reverse, scan_visit, &c);
    return c.err != STORE_OK ? c.err : rc;
}

int store_commit(store_txn_t *t, store_durable_fn cb, void *arg)
{
    if (!t) return STORE_ERR_INVALID;
    if (t->flags != STORE_WRITE) {
        t->store->be->commit(t, NULL, NULL);
        if (cb) cb(arg, STORE_OK);
        return STORE_OK;
    }
    return t->store->be->commit(t, cb, arg);
}

void store_abort(store_txn_t *t)
{
    if (t) t->store->be->abort(t);
}

const char *store_backend_name(const store_t *s)
{
    return s ? s->be->name : "none";
}
