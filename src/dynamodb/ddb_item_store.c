/* ddb_item_store.c — item storage and the single write path (see the header
 * for the layout and the invariant it keeps). */
#include "dynamodb/ddb_item_store.h"
#include "dynamodb/ddb_backup.h"
#include "dynamodb/ddb_av.h"
#include "dynamodb/ddb_keycodec.h"
#include "dynamodb/ddb_json_dump.h"
#include "dynamodb/ddb_backfill.h"
#include "core/alloc.h"
#include "core/json_fast.h"
#include "core/log.h"
#include <stdlib.h>
#include <string.h>

/* The write path's value buffer is kept up to this capacity (bytes). */
#define DDB_VAL_BUF_KEEP 65536

void ddb_put_tnum(nb_buf_t *out, uint32_t tnum)
{
    unsigned char b[4] = {(unsigned char)(tnum >> 24), (unsigned char)(tnum >> 16),
                          (unsigned char)(tnum >> 8), (unsigned char)tnum};
    nb_buf_append(out, b, 4);
}

static uint32_t rd32(const void *p)
{
    const unsigned char *b = p;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

int ddb_item_key(nb_buf_t *out, const ddb_table_t *t, const json_t *hash, const json_t *range)
{
    ddb_put_tnum(out, t->num);
    return ddb_key_encode_composite(out, hash, t->ks.range ? range : NULL);
}

int ddb_item_key_of(nb_buf_t *out, const ddb_table_t *t, const json_t *item)
{
    const json_t *h = json_object_get(item, t->ks.hash);
    const json_t *r = t->ks.range ? json_object_get(item, t->ks.range) : NULL;
    if (!h || (t->ks.range && !r)) return -1;
    return ddb_item_key(out, t, h, r);
}

void ddb_value_build(nb_buf_t *out, const char *text, size_t len, uint32_t size)
{
    unsigned char b[4] = {(unsigned char)(size >> 24), (unsigned char)(size >> 16),
                          (unsigned char)(size >> 8), (unsigned char)size};
    nb_buf_reserve(out, len + 4);
    nb_buf_append(out, b, 4);
    nb_buf_append(out, text, len);
}

/* VALUE of item: be32(size) || compact JSON text, built in one buffer. */
static void value_of(nb_buf_t *out, const json_t *item, uint32_t size)
{
    unsigned char b[4] = {(unsigned char)(size >> 24), (unsigned char)(size >> 16),
                          (unsigned char)(size >> 8), (unsigned char)size};
    nb_buf_append(out, b, 4);
    ddb_json_dump(out, item);
}

int ddb_item_read(store_txn_t *txn, const nb_buf_t *key, const char **text, size_t *len, uint32_t *size)
{
    const void *v;
    size_t vl;
    if (key->len > STORE_MAX_KEY) return STORE_NOTFOUND;   /* not a key DynamoDB's limits allow */
    int rc = store_get(txn, DDB_KS_ITEMS, key->data, key->len, &v, &vl);
    if (rc != STORE_OK) return rc;
    if (vl < DDB_VAL_HDR) return STORE_ERR_IO;
    *size = rd32(v);
    *text = (const char *)v + DDB_VAL_HDR;
    *len = vl - DDB_VAL_HDR;
    return STORE_OK;
}

json_t *ddb_item_parse(const char *text, size_t len)
{
    json_error_t err;
    json_t *j = nb_json_loadb(text, len, JSON_ALLOW_NUL, &err);
    if (!j) nb_log_error("dynamodb", "corrupt stored item: %s", err.text);
    return j;
}

int ddb_item_load(store_txn_t *txn, const nb_buf_t *key, json_t **item, uint32_t *size)
{
    const char *text;
    size_t len;
    *item = NULL;
    *size = 0;
    int rc = ddb_item_read(txn, key, &text, &len, size);
    if (rc == STORE_NOTFOUND) return STORE_OK;
    if (rc != STORE_OK) return rc;
    *item = ddb_item_parse(text, len);
    return *item ? STORE_OK : STORE_ERR_IO;
}

/* Does item carry attr with the given key type ('S', 'N', 'B')? */
static const json_t *key_attr(const json_t *item, const char *attr, char type)
{
    const json_t *av = json_object_get(item, attr);
    if (!av) return NULL;
    const char tn[2] = {type, 0};
    return json_object_get(av, tn) ? av : NULL;
}

static int has_name(const char *const *names, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0) return 1;
    return 0;
}

json_t *ddb_index_project(const ddb_table_t *t, const ddb_index_t *ix, const json_t *item)
{
    if (!key_attr(item, ix->ks.hash, ix->ks.htype)) return NULL;
    if (ix->ks.range && !key_attr(item, ix->ks.range, ix->ks.rtype)) return NULL;
    if (ix->proj == DDB_PROJ_ALL) return json_incref((json_t *)item);
    json_t *out = json_object();
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)item, key, v) {
        int keep = strcmp(key, t->ks.hash) == 0 || (t->ks.range && strcmp(key, t->ks.range) == 0) ||
                   strcmp(key, ix->ks.hash) == 0 || (ix->ks.range && strcmp(key, ix->ks.range) == 0) ||
                   (ix->proj == DDB_PROJ_INCLUDE && has_name(ix->include, ix->n_include, key));
        if (keep) json_object_set(out, key, v);
    }
    return out;
}

/* Append the index entry key for item (base key suffix bk: enc(hash)[enc(range)]). */
static int index_key(nb_buf_t *out, const ddb_table_t *t, const ddb_index_t *ix,
                     const json_t *item, const char *bk, size_t bklen)
{
    ddb_put_tnum(out, t->num);
    nb_buf_putc(out, (char)ix->num);
    const json_t *h = json_object_get(item, ix->ks.hash);
    const json_t *r = ix->ks.range ? json_object_get(item, ix->ks.range) : NULL;
    if (ddb_key_encode_composite(out, h, r) != 0) return -1;
    nb_buf_append(out, bk, bklen);
    return 0;
}

int ddb_item_expiry(const json_t *item, const char *attr, int64_t *out)
{
    const char *n = json_string_value(json_object_get(json_object_get(item, attr), "N"));
    if (!n) return 0;
    /* Normalized: optional '-', digits, optional fraction. Whole seconds only. */
    if (n[0] == '-') return 0;
    int64_t v = 0;
    for (const char *p = n; *p && *p != '.'; p++) {
        if (*p < '0' || *p > '9') return 0;
        if (v > (INT64_MAX - 9) / 10) return 0;
        v = v * 10 + (*p - '0');
    }
    *out = v;
    return 1;
}

static void ttl_key(nb_buf_t *out, uint32_t queue, int64_t exp, const char *bk, size_t bklen)
{
    ddb_put_tnum(out, queue);
    unsigned char b[8];
    for (int i = 0; i < 8; i++) b[i] = (unsigned char)((uint64_t)exp >> (56 - 8 * i));
    nb_buf_append(out, b, 8);
    nb_buf_append(out, bk, bklen);
}

static int write_ttl(store_txn_t *txn, const ddb_table_t *t, const char *bk, size_t bklen,
                     const json_t *old, const json_t *new_item)
{
    int64_t eo = 0, en = 0;
    int ho = old && ddb_item_expiry(old, t->ttl_attr, &eo);
    int hn = new_item && ddb_item_expiry(new_item, t->ttl_attr, &en);
    if (ho && hn && eo == en) return STORE_OK;
    nb_buf_t k = NB_BUF_INIT;
    int rc = STORE_OK;
    if (ho) {
        ttl_key(&k, t->ttl_queue, eo, bk, bklen);
        rc = store_del(txn, DDB_KS_TTL, k.data, k.len);
        if (rc == STORE_NOTFOUND) rc = STORE_OK;
    }
    if (rc == STORE_OK && hn) {
        nb_buf_clear(&k);
        ttl_key(&k, t->ttl_queue, en, bk, bklen);
        rc = store_put(txn, DDB_KS_TTL, k.data, k.len, "", 0);
    }
    nb_buf_free(&k);
    return rc;
}

/* Maintain index ix for the change old → new_item of the item with base key bk. */
static int write_index(store_txn_t *txn, const ddb_table_t *t, const ddb_index_t *ix,
                       const char *bk, size_t bklen, const json_t *old, const json_t *new_item,
                       ddb_write_info_t *info)
{
    json_t *po = old ? ddb_index_project(t, ix, old) : NULL;
    json_t *pn = new_item ? ddb_index_project(t, ix, new_item) : NULL;
    nb_buf_t ko = NB_BUF_INIT, kn = NB_BUF_INIT, val = NB_BUF_INIT;
    int rc = STORE_OK;
    int64_t dcount = 0, dbytes = 0;
    if (!po && !pn) goto out;
    if (po && index_key(&ko, t, ix, old, bk, bklen) != 0) { rc = STORE_ERR_INVALID; goto out; }
    if (pn && index_key(&kn, t, ix, new_item, bk, bklen) != 0) { rc = STORE_ERR_INVALID; goto out; }
    if (po) {
        size_t so = ddb_item_size(po);
        dcount--;
        dbytes -= (int64_t)so;
        if (!pn || ko.len != kn.len || memcmp(ko.data, kn.data, ko.len) != 0) {
            rc = store_del(txn, DDB_KS_INDEX, ko.data, ko.len);
            if (rc == STORE_NOTFOUND) rc = STORE_OK;
            if (rc != STORE_OK) goto out;
        }
    }
    if (pn) {
        size_t sn = ddb_item_size(pn);
        value_of(&val, pn, (uint32_t)sn);
        rc = store_put(txn, DDB_KS_INDEX, kn.data, kn.len, val.data, val.len);
        if (rc != STORE_OK) goto out;
        dcount++;
        dbytes += (int64_t)sn;
    }
    rc = ddb_stats_add(txn, t->num, ix->num, dcount, dbytes);
    if (info && info->n_idx_touched < 64) info->idx_touched[info->n_idx_touched++] = ix->num;
out:
    json_decref(po);
    json_decref(pn);
    nb_buf_free(&ko);
    nb_buf_free(&kn);
    nb_buf_free(&val);
    return rc;
}

int ddb_item_write(store_txn_t *txn, const ddb_table_t *t, const nb_buf_t *key,
                   const json_t *old, int old_exists, uint32_t old_size,
                   const json_t *new_item, size_t new_size, ddb_write_info_t *info)
{
    int rc;
    if (info) info->n_idx_touched = 0;
    /* a backup of t being copied keeps the item's state before this write (ddb_backup_copy.c) */
    if (ddb_backup_copying && (rc = ddb_backup_before_write(txn, t, key)) != STORE_OK) return rc;
    if (new_item) {
        /* One buffer for the stored text, kept between writes (the store is
         * used from the loop thread only): growing a fresh one to ~1 KB per
         * put reallocated it four times, and its first large-bin request
         * made malloc consolidate the fast bins jansson had just filled —
         * ~2,000 instructions per PutItem (docs/PERFORMANCE.md). */
        static nb_buf_t val = NB_BUF_INIT;
        nb_buf_clear(&val);
        value_of(&val, new_item, (uint32_t)new_size);
        rc = store_put(txn, DDB_KS_ITEMS, key->data, key->len, val.data, val.len);
        if (val.cap > DDB_VAL_BUF_KEEP) nb_buf_free(&val);
    } else if (old_exists) {
        rc = store_del(txn, DDB_KS_ITEMS, key->data, key->len);
        if (rc == STORE_NOTFOUND) rc = STORE_OK;
    } else {
        return STORE_OK;
    }
    if (rc != STORE_OK) return rc;
    const char *bk = key->data + 4;
    size_t bklen = key->len - 4;
    for (size_t i = 0; i < t->n_idx; i++) {
        /* an index being backfilled holds only the items behind its cursor;
         * the backfill picks up the others in their state when it gets there */
        if (!t->idx[i].active && !ddb_backfill_covers(txn, t, &t->idx[i], key)) continue;
        rc = write_index(txn, t, &t->idx[i], bk, bklen, old, new_item, info);
        if (rc != STORE_OK) return rc;
    }
    if (t->ttl_attr) {
        rc = write_ttl(txn, t, bk, bklen, old, new_item);
        if (rc != STORE_OK) return rc;
    }
    int64_t dc = (new_item ? 1 : 0) - (old_exists ? 1 : 0);
    int64_t db = (new_item ? (int64_t)new_size : 0) - (old_exists ? (int64_t)old_size : 0);
    return ddb_stats_add(txn, t->num, 0, dc, db);
}

/* --- bulk operations: collect keys, then change (no writes during a scan) --- */

typedef struct keylist {
    nb_buf_t *keys;
    size_t n, cap;
} keylist_t;

static int collect_key(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
    (void)val; (void)vlen;
    keylist_t *l = arg;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->keys = nb_xrealloc(l->keys, l->cap * sizeof *l->keys);
    }
    nb_buf_t b = NB_BUF_INIT;
    nb_buf_append(&b, key, klen);
    l->keys[l->n++] = b;
    return 0;
}

static void keylist_free(keylist_t *l)
{
    for (size_t i = 0; i < l->n; i++) nb_buf_free(&l->keys[i]);
    free(l->keys);
    memset(l, 0, sizeof *l);
}

/* Delete every key of ks starting with prefix p. */
static int purge_prefix(store_txn_t *txn, const char *ks, const nb_buf_t *p)
{
    nb_buf_t hi = NB_BUF_INIT;
    nb_buf_append(&hi, p->data, p->len);
    int has_hi = ddb_key_prefix_successor(&hi) == 0;
    keylist_t l = {0};
    int rc = store_scan(txn, ks, p->data, p->len, has_hi ? hi.data : NULL, has_hi ? hi.len : 0, 0,
                        collect_key, &l);
    if (rc >= 0) rc = STORE_OK;
    for (size_t i = 0; rc == STORE_OK && i < l.n; i++) {
        rc = store_del(txn, ks, l.keys[i].data, l.keys[i].len);
        if (rc == STORE_NOTFOUND) rc = STORE_OK;
    }
    keylist_free(&l);
    nb_buf_free(&hi);
    return rc;
}

int ddb_purge_table(store_txn_t *txn, uint32_t tnum)
{
    nb_buf_t p = NB_BUF_INIT;
    ddb_put_tnum(&p, tnum);
    const char *spaces[] = {DDB_KS_ITEMS, DDB_KS_INDEX, DDB_KS_TTL, DDB_KS_STATS};
    int rc = STORE_OK;
    for (size_t i = 0; rc == STORE_OK && i < sizeof spaces / sizeof spaces[0]; i++)
        rc = purge_prefix(txn, spaces[i], &p);
    nb_buf_free(&p);
    return rc;
}

int ddb_purge_index(store_txn_t *txn, uint32_t tnum, uint8_t inum)
{
    nb_buf_t p = NB_BUF_INIT;
    ddb_put_tnum(&p, tnum);
    nb_buf_putc(&p, (char)inum);
    int rc = purge_prefix(txn, DDB_KS_INDEX, &p);
    if (rc == STORE_OK) {
        rc = store_del(txn, DDB_KS_STATS, p.data, p.len);
        if (rc == STORE_NOTFOUND) rc = STORE_OK;
    }
    nb_buf_free(&p);
    return rc;
}

int ddb_index_put_item(store_txn_t *txn, const ddb_table_t *t, const ddb_index_t *ix,
                       const nb_buf_t *key, const json_t *item)
{
    return write_index(txn, t, ix, key->data + 4, key->len - 4, NULL, item, NULL);
}

int ddb_take_first(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
    ddb_first_t *f = arg;
    nb_buf_append(&f->key, key, klen);
    nb_buf_append(&f->val, val, vlen);
    f->found = 1;
    return 1;
}

int ddb_take_chunk(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
    ddb_chunk_t *c = arg;
    if (c->n >= c->limit || c->bytes >= c->max_bytes) { c->more = 1; return 1; }
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->keys = nb_xrealloc(c->keys, c->cap * sizeof *c->keys);
        c->vals = nb_xrealloc(c->vals, c->cap * sizeof *c->vals);
    }
    nb_buf_t k = NB_BUF_INIT, v = NB_BUF_INIT;
    nb_buf_append(&k, key, klen);
    nb_buf_append(&v, val, vlen);
    c->keys[c->n] = k;
    c->vals[c->n++] = v;
    c->bytes += vlen;
    return 0;
}

void ddb_chunk_free(ddb_chunk_t *c)
{
    for (size_t i = 0; i < c->n; i++) { nb_buf_free(&c->keys[i]); nb_buf_free(&c->vals[i]); }
    free(c->keys);
    free(c->vals);
    c->keys = c->vals = NULL;
    c->n = c->cap = 0;
}

int ddb_ttl_put_item(store_txn_t *txn, const ddb_table_t *t, const nb_buf_t *key, const json_t *item)
{
    if (!t->ttl_attr || key->len < 4) return STORE_OK;
    return write_ttl(txn, t, key->data + 4, key->len - 4, NULL, item);
}
