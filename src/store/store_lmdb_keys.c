/* store_lmdb_keys.c — keys longer than LMDB allows, as chains of chunks
 * (see store_lmdb_keys.h).
 *
 * A level is a database plus a prefix P: level 0 is the keyspace's database
 * with no prefix; every deeper level is the shared long-key database with an
 * 8-byte big-endian group id G as prefix. At a level, with chunk size
 * C = 500 - |P|, the part R of the key not yet consumed is stored as
 *
 *   |R| <= C   P || R                 → the value            ("direct" record)
 *   |R| >  C   P || R[0..C) || 0xFF   → G' (8 bytes)          ("link")
 *              and R[C..] goes on at the level with prefix G'
 *
 * Direct records are at most 500 bytes long and links exactly 501, which is
 * how a reader tells them apart. A key of n <= 500 bytes is one direct record
 * at level 0, byte for byte what it was before long keys existed.
 *
 * Why the order is right: within a level, LMDB orders records by memcmp. A
 * direct R against a link c (|c| = C, holding the keys c || x, |x| >= 1):
 * either they differ within their first min(|R|, C) bytes, and both orders
 * agree, or R is a prefix of c, and R sorts first in both (R is shorter than
 * c || 0xFF and than c || x). Two links compare by their chunks, as do their
 * keys. So each level lists its keys (groups standing for their keys) in
 * true byte-wise order, and a scan that walks a level and descends into each
 * link it meets yields every key in order, in either direction; bounds are
 * carried down as the part not yet matched (group_vs()).
 *
 * Invariants: every link's group is non-empty (a delete that empties a group
 * removes its link, bottom up) and each group id is used by one link only.
 * Group ids come from a counter at key 0x00 (1 byte) of the long-key
 * database, never reused; group records are at least 9 bytes, so the counter
 * never meets them. Everything happens inside the caller's LMDB transaction,
 * so atomicity and snapshots are LMDB's.
 *
 * Cost: a key of n > 500 bytes takes 1 + ceil((n - 500) / 492) records and
 * as many B-tree lookups per get/put/del; a scan costs one cursor per level
 * it enters, then one step per record. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "core/alloc.h"
#include "store/store_lmdb_keys.h"

#define GID        8
#define LINK_MARK  0xFF
#define SEEK_MAX   (STORE_LMDB_DIRECT + 2)
#define MAX_DEPTH  (2 + STORE_MAX_KEY / (STORE_LMDB_DIRECT - GID))

typedef struct level {
    MDB_dbi dbi;
    uint8_t pfx[GID];
    size_t plen;               /* 0 at level 0, GID below */
} level_t;

static size_t chunk(const level_t *l)
{
    return STORE_LMDB_DIRECT - l->plen;
}

static void level_top(level_t *l, const store_lk_t *lk)
{
    l->dbi = lk->top;
    l->plen = 0;
}

/* The level a link's value (a group id) leads to. */
static int level_down(level_t *l, const store_lk_t *lk, const MDB_val *link)
{
    if (link->mv_size != GID) return MDB_CORRUPTED;
    l->dbi = lk->deep;
    memcpy(l->pfx, link->mv_data, GID);
    l->plen = GID;
    return MDB_SUCCESS;
}

static int in_level(const level_t *l, const MDB_val *k)
{
    return l->plen == 0 || (k->mv_size > GID && memcmp(k->mv_data, l->pfx, GID) == 0);
}

/* The record key of key part r[0..rlen) at level l, into out (SEEK_MAX
 * bytes); returns its length. *link: 1 when r goes on below. */
static size_t record_key(const level_t *l, const uint8_t *r, size_t rlen, uint8_t *out, int *link)
{
    size_t c = chunk(l);
    memcpy(out, l->pfx, l->plen);
    *link = rlen > c;
    if (!*link) {
        memcpy(out + l->plen, r, rlen);
        return l->plen + rlen;
    }
    memcpy(out + l->plen, r, c);
    out[l->plen + c] = LINK_MARK;
    return l->plen + c + 1;
}

int store__lk_get(const store_lk_t *lk, const void *key, size_t klen, MDB_val *v)
{
    const uint8_t *r = key;
    uint8_t buf[SEEK_MAX];
    level_t l;
    level_top(&l, lk);
    for (;;) {
        int link;
        MDB_val k = { record_key(&l, r, klen, buf, &link), buf };
        int rc = mdb_get(lk->txn, l.dbi, &k, v);
        if (rc != MDB_SUCCESS || !link) return rc;
        size_t c = chunk(&l);
        rc = level_down(&l, lk, v);
        if (rc != MDB_SUCCESS) return rc;
        r += c;
        klen -= c;
    }
}

static uint64_t rd64(const void *p)
{
    const uint8_t *b = p;
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = v << 8 | b[i];
    return v;
}

/* A fresh group id into gid. */
static int new_group(const store_lk_t *lk, uint8_t gid[GID])
{
    uint8_t ckey = 0;
    MDB_val k = { 1, &ckey }, v;
    uint64_t n = 0;
    int rc = mdb_get(lk->txn, lk->deep, &k, &v);
    if (rc == MDB_SUCCESS) {
        if (v.mv_size != GID) return MDB_CORRUPTED;
        n = rd64(v.mv_data);
    } else if (rc != MDB_NOTFOUND) {
        return rc;
    }
    n++;
    for (int i = 0; i < GID; i++) gid[i] = (uint8_t)(n >> (56 - 8 * i));
    MDB_val nv = { GID, gid };
    return mdb_put(lk->txn, lk->deep, &k, &nv, 0);
}

int store__lk_put(const store_lk_t *lk, const void *key, size_t klen, const MDB_val *v)
{
    const uint8_t *r = key;
    uint8_t buf[SEEK_MAX], gid[GID];
    level_t l;
    level_top(&l, lk);
    for (;;) {
        int link;
        MDB_val k = { record_key(&l, r, klen, buf, &link), buf };
        if (!link) {
            MDB_val data = *v;
            return mdb_put(lk->txn, l.dbi, &k, &data, 0);
        }
        MDB_val g;
        int rc = mdb_get(lk->txn, l.dbi, &k, &g);
        if (rc == MDB_NOTFOUND) {
            rc = new_group(lk, gid);
            g = (MDB_val){ GID, gid };
            if (rc == MDB_SUCCESS) rc = mdb_put(lk->txn, l.dbi, &k, &g, 0);
            g = (MDB_val){ GID, gid };      /* mdb_put may have pointed g into the map */
        }
        if (rc != MDB_SUCCESS) return rc;
        size_t c = chunk(&l);
        rc = level_down(&l, lk, &g);
        if (rc != MDB_SUCCESS) return rc;
        r += c;
        klen -= c;
    }
}

/* Has group gid no record left? */
static int group_empty(const store_lk_t *lk, const uint8_t gid[GID], int *empty)
{
    MDB_cursor *cur;
    int rc = mdb_cursor_open(lk->txn, lk->deep, &cur);
    if (rc != MDB_SUCCESS) return rc;
    MDB_val k = { GID, (void *)gid }, v;
    rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
    mdb_cursor_close(cur);
    if (rc == MDB_NOTFOUND) {
        *empty = 1;
        return MDB_SUCCESS;
    }
    if (rc != MDB_SUCCESS) return rc;
    *empty = k.mv_size <= GID || memcmp(k.mv_data, gid, GID) != 0;
    return MDB_SUCCESS;
}

int store__lk_del(const store_lk_t *lk, const void *key, size_t klen)
{
    const uint8_t *kp = key;
    uint8_t buf[SEEK_MAX];
    level_t path[MAX_DEPTH];
    size_t off[MAX_DEPTH];
    size_t d = 0;
    int link, rc;
    level_top(&path[0], lk);
    off[0] = 0;
    for (;;) {
        MDB_val k = { record_key(&path[d], kp + off[d], klen - off[d], buf, &link), buf }, g;
        if (!link) {
            rc = mdb_del(lk->txn, path[d].dbi, &k, NULL);
            if (rc != MDB_SUCCESS) return rc;
            break;
        }
        rc = mdb_get(lk->txn, path[d].dbi, &k, &g);
        if (rc != MDB_SUCCESS) return rc;
        if (d + 1 >= MAX_DEPTH) return MDB_CORRUPTED;
        off[d + 1] = off[d] + chunk(&path[d]);
        rc = level_down(&path[d + 1], lk, &g);
        if (rc != MDB_SUCCESS) return rc;
        d++;
    }
    /* Unlink the groups this delete emptied, bottom up. */
    for (; d > 0; d--) {
        int empty;
        rc = group_empty(lk, path[d].pfx, &empty);
        if (rc != MDB_SUCCESS || !empty) return rc;
        MDB_val k = { record_key(&path[d - 1], kp + off[d - 1], klen - off[d - 1], buf, &link), buf };
        rc = mdb_del(lk->txn, path[d - 1].dbi, &k, NULL);
        if (rc != MDB_SUCCESS) return rc == MDB_NOTFOUND ? MDB_CORRUPTED : rc;
    }
    return MDB_SUCCESS;
}

/* ---- scan ---------------------------------------------------------------- */

/* A bound, relative to the level it is used at: the part of the caller's
 * bound not yet matched by the chunks above. on = 0: no bound. */
typedef struct bound {
    const uint8_t *p;
    size_t n;
    int on;
} bound_t;

typedef struct scan {
    const store_lk_t *lk;
    int reverse;
    store_scan_fn fn;
    void *arg;
    uint8_t *acc;              /* the key being rebuilt (STORE_MAX_KEY bytes), lazily */
    int stop;                  /* fn's non-zero answer */
} scan_t;

/* Byte-wise, a proper prefix first. */
static int key_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    size_t n = alen < blen ? alen : blen;
    int c = n ? memcmp(a, b, n) : 0;
    if (c) return c;
    return alen < blen ? -1 : alen > blen;
}

/* Where the keys c || x (|x| >= 1) of a link stand against bound b:
 * -1 all below it, 1 all at or above it, 0 some either side — then *child
 * is the bound for the group's level (the rest of b after c). */
static int group_vs(const uint8_t *c, size_t clen, const bound_t *b, bound_t *child)
{
    child->on = 0;
    int m = memcmp(c, b->p, clen < b->n ? clen : b->n);
    if (m < 0) return -1;
    if (m > 0 || b->n <= clen) return 1;
    child->p = b->p + clen;
    child->n = b->n - clen;
    child->on = 1;
    return 0;
}

/* Position cur on the last record of level l. */
static int level_last(MDB_cursor *cur, const level_t *l, MDB_val *k, MDB_val *v)
{
    if (!l->plen) return mdb_cursor_get(cur, k, v, MDB_LAST);
    uint8_t next[GID];
    memcpy(next, l->pfx, GID);
    int i = GID - 1;
    while (i >= 0 && ++next[i] == 0) i--;
    if (i < 0) return mdb_cursor_get(cur, k, v, MDB_LAST);
    *k = (MDB_val){ GID, next };
    int rc = mdb_cursor_get(cur, k, v, MDB_SET_RANGE);
    if (rc == MDB_NOTFOUND) return mdb_cursor_get(cur, k, v, MDB_LAST);
    if (rc != MDB_SUCCESS) return rc;
    return mdb_cursor_get(cur, k, v, MDB_PREV);
}

/* Position cur on the first record of level l in scan order that may hold
 * keys inside the bounds. Records skipped are wholly outside; the walk
 * checks every record it meets. */
static int level_first(MDB_cursor *cur, const level_t *l, const bound_t *lo, const bound_t *hi,
                       int reverse, MDB_val *k, MDB_val *v)
{
    uint8_t seek[SEEK_MAX];
    size_t c = chunk(l), n = l->plen;
    memcpy(seek, l->pfx, l->plen);
    if (!reverse) {
        if (!lo->on && !l->plen) return mdb_cursor_get(cur, k, v, MDB_FIRST);
        if (lo->on) {
            size_t take = lo->n < c ? lo->n : c;
            memcpy(seek + n, lo->p, take);
            n += take;
        }
        *k = (MDB_val){ n, seek };
        return mdb_cursor_get(cur, k, v, MDB_SET_RANGE);
    }
    if (!hi->on) return level_last(cur, l, k, v);
    if (hi->n <= c) {
        memcpy(seek + n, hi->p, hi->n);
        n += hi->n;
    } else {                   /* just past the link of hi's chunk */
        memcpy(seek + n, hi->p, c);
        seek[n + c] = LINK_MARK;
        seek[n + c + 1] = 0;
        n += c + 2;
    }
    *k = (MDB_val){ n, seek };
    int rc = mdb_cursor_get(cur, k, v, MDB_SET_RANGE);
    if (rc == MDB_NOTFOUND) return level_last(cur, l, k, v);
    if (rc != MDB_SUCCESS) return rc;
    return mdb_cursor_get(cur, k, v, MDB_PREV);
}

static int scan_level(scan_t *s, const level_t *l, size_t alen, bound_t lo, bound_t hi);

/* Descend into the link r[0..c) (value v) met at level l. */
static int scan_link(scan_t *s, size_t alen, const uint8_t *r, size_t c, const MDB_val *v,
                     bound_t clo, bound_t chi)
{
    level_t sub;
    if (alen + c > STORE_MAX_KEY) return MDB_CORRUPTED;
    int rc = level_down(&sub, s->lk, v);
    if (rc != MDB_SUCCESS) return rc;
    if (!s->acc) s->acc = nb_xmalloc(STORE_MAX_KEY);
    memcpy(s->acc + alen, r, c);
    return scan_level(s, &sub, alen + c, clo, chi);
}

/* Walk level l (whose keys all start with s->acc[0..alen)) in scan order,
 * between the relative bounds lo and hi. */
static int scan_level(scan_t *s, const level_t *l, size_t alen, bound_t lo, bound_t hi)
{
    MDB_cursor *cur;
    int rc = mdb_cursor_open(s->lk->txn, l->dbi, &cur);
    if (rc != MDB_SUCCESS) return rc;
    MDB_val k, v;
    size_t c = chunk(l);
    MDB_cursor_op step = s->reverse ? MDB_PREV : MDB_NEXT;
    for (rc = level_first(cur, l, &lo, &hi, s->reverse, &k, &v); rc == MDB_SUCCESS;
         rc = mdb_cursor_get(cur, &k, &v, step)) {
        if (!in_level(l, &k)) break;
        const uint8_t *r = (const uint8_t *)k.mv_data + l->plen;
        size_t rlen = k.mv_size - l->plen;
        int below, above;
        if (rlen > c) {
            if (rlen != c + 1) {
                rc = MDB_CORRUPTED;
                break;
            }
            bound_t clo = { NULL, 0, 0 }, chi = { NULL, 0, 0 };
            below = lo.on && group_vs(r, c, &lo, &clo) < 0;
            above = hi.on && group_vs(r, c, &hi, &chi) > 0;
            if (s->reverse ? below : above) break;
            if (below || above) continue;
            rc = scan_link(s, alen, r, c, &v, clo, chi);
            if (rc != MDB_SUCCESS || s->stop) break;
            continue;
        }
        below = lo.on && key_cmp(r, rlen, lo.p, lo.n) < 0;
        above = hi.on && key_cmp(r, rlen, hi.p, hi.n) >= 0;
        if (s->reverse ? below : above) break;
        if (below || above) continue;
        const void *key = r;
        if (alen) {
            if (alen + rlen > STORE_MAX_KEY) {
                rc = MDB_CORRUPTED;
                break;
            }
            memcpy(s->acc + alen, r, rlen);
            key = s->acc;
        }
        s->stop = s->fn(s->arg, key, alen + rlen, v.mv_data, v.mv_size);
        if (s->stop) break;
    }
    mdb_cursor_close(cur);
    return rc == MDB_NOTFOUND ? MDB_SUCCESS : rc;
}

int store__lk_scan(const store_lk_t *lk, const void *lo, size_t lolen, const void *hi,
                   size_t hilen, int reverse, store_scan_fn fn, void *arg, int *stop)
{
    *stop = 0;
    if (hi && hilen == 0) return MDB_SUCCESS;  /* nothing is below "" */
    scan_t s = { lk, reverse, fn, arg, NULL, 0 };
    bound_t blo = { lo, lolen, lo && lolen }, bhi = { hi, hilen, hi != NULL };
    level_t top;
    level_top(&top, lk);
    int rc = scan_level(&s, &top, 0, blo, bhi);
    free(s.acc);
    *stop = s.stop;
    return rc;
}
