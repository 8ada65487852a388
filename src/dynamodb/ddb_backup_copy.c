/* ddb_backup_copy.c — the background work of backups: copying a table into
 * a backup as a consistent snapshot, and a backup into a restored table, in
 * bounded slices, each its own durable transaction, resumed after a restart.
 *
 * Work records (ddb.meta):
 *   "bkcopy/"  · be32(bnum) → be32(tnum) · be64(items) · be64(bytes) · u8 flags · u8 n · id[n] · cursor
 *   "restore/" · be32(tnum) → u8 n · id[n] · cursor
 * cursor = the last store key copied ("" = none yet): a source item key
 * (tnum-prefixed) for a copy, a ddb.bitems key for a restore.
 *
 * Snapshot (copy-on-write). A store transaction may not outlive a return to
 * the loop (docs/STORE.md), so a backup of a large table cannot be one read
 * transaction. Instead CreateBackup fixes the snapshot moment with the copy
 * record, and from then on every write to one of the table's items whose key
 * lies ahead of the cursor first saves that item's state of the moment —
 * its stored value, or "" when it did not exist — into the backup, unless
 * the backup already has an entry for the key (ddb_backup_before_write, called
 * by ddb_item_write in the write's own transaction). A slice copies the
 * items after the cursor that have no entry yet and skips (dropping the ""
 * markers of) those that have one. So every key ends up with its state at the
 * snapshot moment: copied by a slice if it never changed before the cursor
 * reached it, saved by the first write otherwise. (DeleteTable of a table with
 * PITR enabled takes a SYSTEM backup the same way, its record flagged
 * COPY_DELETED: no write can reach the deleted table, and its items are
 * handed to the background purge by the slice that copies the last one.) Writes behind the cursor
 * change nothing in the backup. All of it runs on the loop thread, one
 * transaction at a time. "" markers the cursor never meets (an item created
 * and deleted again ahead of it) stay in the backup; a restore skips them.
 *
 * States: CreateBackup ─► CREATING (record, cursor "") ─slice…─► the slice that
 * finds no item after the cursor turns the doc AVAILABLE with its counts and
 * drops the record. A restart resumes from the last durable slice; a backup
 * whose table is gone (never: DeleteTable refuses while it copies) is
 * dropped, never left half-copied as AVAILABLE. RestoreTableFromBackup ─►
 * table CREATING (record) ─slice: items written through ddb_item_write, so
 * the indexes are built as for any write…─► ACTIVE (RestoreInProgress false).
 * A restore waits while its backup is CREATING (RestoreTableToPointInTime
 * restores from a hidden backup taken at the request; the restore drops it).
 * Damage never stalls the driver: a copy meeting an item it cannot read (or
 * a record it cannot parse) drops its backup; a restore whose backup is gone
 * or holds an unreadable item deletes its target table (both logged).
 * When no copy or restore is due, a step deletes an expired backup
 * (ddb_backup_expiry.c).
 *
 * Driver: ddb_bgjob.c, one slice at a time, the next once it is durable. */
#include "dynamodb/ddb_backup.h"
#include "dynamodb/ddb_bgjob.h"
#include "dynamodb/ddb_item_store.h"
#include "dynamodb/ddb_keycodec.h"
#include "dynamodb/ddb_purge.h"
#include "core/alloc.h"
#include "core/log.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CPFX "bkcopy/"
#define CPFX_LEN (sizeof CPFX - 1)
#define RPFX "restore/"
#define RPFX_LEN (sizeof RPFX - 1)
#define CHDR 22                      /* tnum, items, bytes, flags, id length */
#define COPY_DELETED 1               /* flags: the table was deleted; purge its items once copied */
#define DAMAGED 2                    /* a slice met a stored entry it cannot read (not a store status) */

int ddb_backup_copying;

/* The copies under way: which table each backup snapshots (mirrors the
 * "bkcopy/" records once their transactions are applied). */
static struct copy { uint32_t bnum, tnum; } *copies;
static size_t n_copies, cap_copies;
static size_t n_restores;            /* "restore/" records (counted against DDB_BACKUP_MAX_BUSY) */

static void put64(nb_buf_t *b, uint64_t v)
{
    ddb_put_tnum(b, (uint32_t)(v >> 32));
    ddb_put_tnum(b, (uint32_t)v);
}

static uint32_t rd32(const void *p)
{
    const unsigned char *b = p;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static uint64_t rd64(const void *p)
{
    return (uint64_t)rd32(p) << 32 | rd32((const char *)p + 4);
}

static void rec_key(nb_buf_t *k, const char *pfx, uint32_t num)
{
    nb_buf_puts(k, pfx);
    ddb_put_tnum(k, num);
}

/* A copy record, parsed (pointers into the value). */
typedef struct copyrec {
    uint32_t tnum;
    unsigned flags;
    uint64_t items, bytes;
    const char *id;
    size_t idlen;
    const char *cursor;
    size_t clen;
} copyrec_t;

static int copyrec_parse(const void *v, size_t vl, copyrec_t *r)
{
    const char *p = v;
    if (vl < CHDR || vl < CHDR + (size_t)(unsigned char)p[21]) return -1;
    r->tnum = rd32(p);
    r->items = rd64(p + 4);
    r->bytes = rd64(p + 12);
    r->flags = (unsigned char)p[20];
    r->idlen = (unsigned char)p[21];
    r->id = p + CHDR;
    r->cursor = r->id + r->idlen;
    r->clen = vl - CHDR - r->idlen;
    return 0;
}

static void copyrec_build(nb_buf_t *out, const copyrec_t *r)
{
    ddb_put_tnum(out, r->tnum);
    put64(out, r->items);
    put64(out, r->bytes);
    nb_buf_putc(out, (char)r->flags);
    nb_buf_putc(out, (char)r->idlen);
    nb_buf_append(out, r->id, r->idlen);
    nb_buf_append(out, r->cursor, r->clen);
}

static void copies_add(uint32_t bnum, uint32_t tnum)
{
    for (size_t i = 0; i < n_copies; i++)
        if (copies[i].bnum == bnum) return;
    if (n_copies == cap_copies) {
        cap_copies = cap_copies ? cap_copies * 2 : 8;
        copies = nb_xrealloc(copies, cap_copies * sizeof *copies);
    }
    copies[n_copies].bnum = bnum;
    copies[n_copies++].tnum = tnum;
    ddb_backup_copying = (int)n_copies;
}

static void copies_remove(uint32_t bnum)
{
    for (size_t i = 0; i < n_copies; i++)
        if (copies[i].bnum == bnum) {
            copies[i] = copies[--n_copies];
            break;
        }
    ddb_backup_copying = (int)n_copies;
}

void ddb_backup_reset(void)
{
    free(copies);
    copies = NULL;
    n_copies = cap_copies = n_restores = 0;
    ddb_backup_copying = 0;
    ddb_backup_expiry_reset();
}

size_t ddb_backup_busy(void)
{
    return n_copies + n_restores;
}

int ddb_backup_in_progress(uint32_t tnum)
{
    for (size_t i = 0; i < n_copies; i++)
        if (copies[i].tnum == tnum) return 1;
    return 0;
}

/* key's entry in backup bnum's items: be32(bnum) · key without its table Num. */
static void bitem_key(nb_buf_t *out, uint32_t bnum, const char *key, size_t klen)
{
    ddb_put_tnum(out, bnum);
    nb_buf_append(out, key + 4, klen - 4);
}

/* Is key (tnum-prefixed) after the cursor, i.e. not copied yet? */
static int ahead(const char *key, size_t klen, const char *cur, size_t clen)
{
    if (clen == 0) return 1;
    size_t n = klen < clen ? klen : clen;
    int c = memcmp(key, cur, n);
    return c > 0 || (c == 0 && klen > clen);
}

/* Save the item at key into backup bnum (record key rk, value rv) when it is
 * ahead of the cursor and the backup has no entry for it yet. */
static int save_one(store_txn_t *txn, uint32_t bnum, const nb_buf_t *rk, const void *rv, size_t rvl,
                    const nb_buf_t *key)
{
    copyrec_t r;
    if (copyrec_parse(rv, rvl, &r) != 0) return STORE_ERR_IO;
    if (!ahead(key->data, key->len, r.cursor, r.clen)) return STORE_OK;
    nb_buf_t bk = NB_BUF_INIT;
    bitem_key(&bk, bnum, key->data, key->len);
    const void *v;
    size_t vl;
    int rc = store_get(txn, DDB_KS_BITEMS, bk.data, bk.len, &v, &vl);
    if (rc == STORE_OK || rc < 0) {    /* saved already (or a store error) */
        nb_buf_free(&bk);
        return rc < 0 ? rc : STORE_OK;
    }
    rc = store_get(txn, DDB_KS_ITEMS, key->data, key->len, &v, &vl);
    if (rc == STORE_NOTFOUND) {
        rc = store_put(txn, DDB_KS_BITEMS, bk.data, bk.len, "", 0);
    } else if (rc == STORE_OK && vl >= DDB_VAL_HDR) {
        r.items++;
        r.bytes += rd32(v);
        rc = store_put(txn, DDB_KS_BITEMS, bk.data, bk.len, v, vl);
        if (rc == STORE_OK) {
            nb_buf_t nv = NB_BUF_INIT;
            copyrec_build(&nv, &r);
            rc = store_put(txn, DDB_KS_META, rk->data, rk->len, nv.data, nv.len);
            nb_buf_free(&nv);
        }
    } else if (rc == STORE_OK) {
        rc = STORE_ERR_IO;
    }
    nb_buf_free(&bk);
    return rc;
}

int ddb_backup_before_write(store_txn_t *txn, const ddb_table_t *t, const nb_buf_t *key)
{
    for (size_t i = 0; i < n_copies; i++) {
        if (copies[i].tnum != t->num) continue;
        nb_buf_t rk = NB_BUF_INIT;
        rec_key(&rk, CPFX, copies[i].bnum);
        const void *v;
        size_t vl;
        int rc = store_get(txn, DDB_KS_META, rk.data, rk.len, &v, &vl);
        if (rc == STORE_OK) {
            /* the value lives until txn ends, but save_one may overwrite it: copy */
            nb_buf_t cv = NB_BUF_INIT;
            nb_buf_append(&cv, v, vl);
            rc = save_one(txn, copies[i].bnum, &rk, cv.data, cv.len, key);
            nb_buf_free(&cv);
        } else if (rc == STORE_NOTFOUND) {
            rc = STORE_OK;
        }
        nb_buf_free(&rk);
        if (rc != STORE_OK) return rc;
    }
    return STORE_OK;
}

int ddb_backup_copy_enqueue(store_txn_t *txn, uint32_t bnum, const ddb_table_t *t, const char *id, int deleted)
{
    nb_buf_t k = NB_BUF_INIT, v = NB_BUF_INIT;
    copyrec_t r = {t->num, deleted ? COPY_DELETED : 0, 0, 0, id, strlen(id), "", 0};
    rec_key(&k, CPFX, bnum);
    copyrec_build(&v, &r);
    int rc = store_put(txn, DDB_KS_META, k.data, k.len, v.data, v.len);
    nb_buf_free(&k);
    nb_buf_free(&v);
    return rc;
}

void ddb_backup_copy_started(uint32_t bnum, uint32_t tnum)
{
    copies_add(bnum, tnum);
    ddb_backup_kick();
}

void ddb_backup_restore_started(void)
{
    n_restores++;
    ddb_backup_kick();
}

int ddb_backup_restore_enqueue(store_txn_t *txn, uint32_t tnum, const char *id)
{
    nb_buf_t k = NB_BUF_INIT, v = NB_BUF_INIT;
    rec_key(&k, RPFX, tnum);
    nb_buf_putc(&v, (char)strlen(id));
    nb_buf_puts(&v, id);
    int rc = store_put(txn, DDB_KS_META, k.data, k.len, v.data, v.len);
    nb_buf_free(&k);
    nb_buf_free(&v);
    return rc;
}

/* --- backup docs --- */

int ddb_backup_load(store_txn_t *txn, const char *id, json_t **doc)
{
    const void *v;
    size_t vl;
    *doc = NULL;
    int rc = store_get(txn, DDB_KS_BACKUPS, id, strlen(id), &v, &vl);
    if (rc != STORE_OK) return rc;
    *doc = json_loadb(v, vl, 0, NULL);
    if (*doc) return STORE_OK;
    /* damaged: as good as gone (a copy or restore of it fails instead of retrying forever) */
    nb_log_error("dynamodb", "backup %s: its stored doc is damaged", id);
    return STORE_NOTFOUND;
}

int ddb_backup_put(store_txn_t *txn, const char *id, const json_t *doc)
{
    char *text = json_dumps(doc, JSON_COMPACT);
    int rc = store_put(txn, DDB_KS_BACKUPS, id, strlen(id), text, strlen(text));
    free(text);
    return rc;
}

int ddb_backup_drop(store_txn_t *txn, const char *id, const json_t *doc)
{
    nb_buf_t p = NB_BUF_INIT;
    ddb_put_tnum(&p, (uint32_t)json_integer_value(json_object_get(doc, "Num")));
    int rc = ddb_purge_enqueue(txn, p.data, p.len, DDB_KS_BITEMS);
    nb_buf_free(&p);
    if (rc == STORE_OK) rc = store_del(txn, DDB_KS_BACKUPS, id, strlen(id));
    return rc == STORE_NOTFOUND ? STORE_OK : rc;
}

int ddb_backup_arn_id(const char *arn, char *out, size_t cap)
{
    const char *p = arn ? strstr(arn, "/backup/") : NULL;
    if (!p || strncmp(arn, "arn:", 4) != 0) return -1;
    p += 8;
    size_t n = strlen(p);
    if (n == 0 || n >= cap || strchr(p, '/')) return -1;
    memcpy(out, p, n + 1);
    return 0;
}

/* --- restores' records --- */

static int scan_records(store_txn_t *txn, const char *lo, const char *hi, ddb_chunk_t *l)
{
    int rc = store_scan(txn, DDB_KS_META, lo, strlen(lo), hi, strlen(hi), 0, ddb_take_chunk, l);
    return rc < 0 ? rc : STORE_OK;
}

/* The id of a restore record's value into out (NUL-terminated); -1 if malformed. */
static int restore_id(const nb_buf_t *v, char *out, size_t cap)
{
    if (v->len < 1) return -1;
    size_t n = (unsigned char)v->data[0];
    if (v->len < 1 + n || n >= cap) return -1;
    memcpy(out, v->data + 1, n);
    out[n] = 0;
    return 0;
}

int ddb_backup_restoring(store_txn_t *txn, const char *id)
{
    ddb_chunk_t l = DDB_CHUNK_INIT(SIZE_MAX, SIZE_MAX);
    int rc = scan_records(txn, RPFX, "restore0", &l), found = 0;
    char rid[64];
    for (size_t i = 0; rc == STORE_OK && i < l.n; i++)
        if (restore_id(&l.vals[i], rid, sizeof rid) == 0 && strcmp(rid, id) == 0) found = 1;
    ddb_chunk_free(&l);
    return rc < 0 ? rc : found;
}

/* --- slices --- */

/* Scan keyspace ks after cursor (or from prefix p when there is none) up to
 * the end of prefix p, into c. */
static int scan_after(store_txn_t *txn, const char *ks, const nb_buf_t *p, const char *cur, size_t clen,
                      ddb_chunk_t *c)
{
    nb_buf_t lo = NB_BUF_INIT, hi = NB_BUF_INIT;
    if (clen) {
        nb_buf_append(&lo, cur, clen);
        nb_buf_putc(&lo, 0);           /* the smallest key after the cursor */
    } else {
        nb_buf_append(&lo, p->data, p->len);
    }
    nb_buf_append(&hi, p->data, p->len);
    int has_hi = ddb_key_prefix_successor(&hi) == 0;
    int rc = store_scan(txn, ks, lo.data, lo.len, has_hi ? hi.data : NULL, has_hi ? hi.len : 0, 0, ddb_take_chunk, c);
    nb_buf_free(&lo);
    nb_buf_free(&hi);
    return rc < 0 ? rc : STORE_OK;
}

/* The entries of a deleted table (tnum) a SYSTEM backup was copying: to the purge. */
static int purge_table(store_txn_t *txn, uint32_t tnum)
{
    nb_buf_t p = NB_BUF_INIT;
    ddb_put_tnum(&p, tnum);
    int rc = ddb_purge_enqueue(txn, p.data, p.len, DDB_KS_ITEMS "," DDB_KS_INDEX "," DDB_KS_TTL "," DDB_KS_STATS);
    nb_buf_free(&p);
    return rc;
}

/* Backup id (doc, when there is one) cannot be completed: logged, dropped
 * with its record rk, never shown AVAILABLE missing items; a deleted table's
 * entries (flags COPY_DELETED) still go to the purge. */
static int fail_copy(store_txn_t *txn, const char *id, const json_t *doc, const copyrec_t *r, const nb_buf_t *rk,
                     const char *why)
{
    nb_log_error("dynamodb", "backup %s cannot be completed (%s): dropped", id, why);
    int rc = doc ? ddb_backup_drop(txn, id, doc) : STORE_OK;
    if (rc == STORE_OK) rc = store_del(txn, DDB_KS_META, rk->data, rk->len);
    if (rc == STORE_OK && r && (r->flags & COPY_DELETED)) rc = purge_table(txn, r->tnum);
    return rc;
}

/* A copy record too damaged to parse (key rk, backup bnum): dropped with the
 * backup doc numbered bnum, found by a scan of the docs (a rare path). */
static int fail_damaged_copy(store_txn_t *txn, uint32_t bnum, const nb_buf_t *rk)
{
    ddb_chunk_t l = DDB_CHUNK_INIT(SIZE_MAX, SIZE_MAX);
    int rc = store_scan(txn, DDB_KS_BACKUPS, NULL, 0, NULL, 0, 0, ddb_take_chunk, &l);
    rc = rc < 0 ? rc : STORE_OK;
    int found = 0;
    for (size_t i = 0; rc == STORE_OK && !found && i < l.n; i++) {
        json_t *doc = json_loadb(l.vals[i].data, l.vals[i].len, 0, NULL);
        const char *id = json_string_value(json_object_get(doc, "BackupId"));
        if (id && (uint32_t)json_integer_value(json_object_get(doc, "Num")) == bnum) {
            rc = fail_copy(txn, id, doc, NULL, rk, "its work record is damaged");
            found = 1;
        }
        json_decref(doc);
    }
    ddb_chunk_free(&l);
    if (rc == STORE_OK && !found) {
        nb_log_error("dynamodb", "damaged backup work record %u dropped", (unsigned)bnum);
        rc = store_del(txn, DDB_KS_META, rk->data, rk->len);
    }
    return rc;
}

/* One copy slice of backup bnum (record key rk, value rv). *finished set when
 * the backup turned AVAILABLE or was dropped. */
static int copy_slice(store_txn_t *txn, uint32_t bnum, const nb_buf_t *rk, const nb_buf_t *rv, size_t batch,
                      int *finished)
{
    copyrec_t r;
    char id[64];
    if (copyrec_parse(rv->data, rv->len, &r) != 0 || r.idlen >= sizeof id) {
        *finished = 1;
        return fail_damaged_copy(txn, bnum, rk);
    }
    memcpy(id, r.id, r.idlen);
    id[r.idlen] = 0;
    json_t *doc = NULL;
    int rc = ddb_backup_load(txn, id, &doc);
    if (rc < 0) return rc;
    if (!doc || (!(r.flags & COPY_DELETED) && !ddb_catalog_by_num(r.tnum))) {
        /* the backup or its table is gone: never report it half-copied */
        rc = fail_copy(txn, id, doc, &r, rk, doc ? "its table is gone" : "its record is gone");
        json_decref(doc);
        *finished = 1;
        return rc;
    }
    nb_buf_t p = NB_BUF_INIT;
    ddb_put_tnum(&p, r.tnum);
    ddb_chunk_t c = DDB_CHUNK_INIT(batch, DDB_CHUNK_BYTES);
    rc = scan_after(txn, DDB_KS_ITEMS, &p, r.cursor, r.clen, &c);
    for (size_t i = 0; rc == STORE_OK && i < c.n; i++) {
        nb_buf_t bk = NB_BUF_INIT;
        bitem_key(&bk, bnum, c.keys[i].data, c.keys[i].len);
        const void *v;
        size_t vl;
        rc = store_get(txn, DDB_KS_BITEMS, bk.data, bk.len, &v, &vl);
        if (rc == STORE_OK && vl == 0) {
            rc = store_del(txn, DDB_KS_BITEMS, bk.data, bk.len);   /* absent at the snapshot */
        } else if (rc == STORE_NOTFOUND && c.vals[i].len >= DDB_VAL_HDR) {
            r.items++;
            r.bytes += rd32(c.vals[i].data);
            rc = store_put(txn, DDB_KS_BITEMS, bk.data, bk.len, c.vals[i].data, c.vals[i].len);
        } else if (rc == STORE_NOTFOUND) {
            rc = DAMAGED;
        }
        nb_buf_free(&bk);
    }
    if (rc == DAMAGED) {     /* a stored item too short to be one: the backup cannot hold the table */
        rc = fail_copy(txn, id, doc, &r, rk, "a damaged item in its table");
        *finished = 1;
    } else if (rc == STORE_OK && c.more) {
        r.cursor = c.keys[c.n - 1].data;
        r.clen = c.keys[c.n - 1].len;
        nb_buf_t nv = NB_BUF_INIT;
        copyrec_build(&nv, &r);
        rc = store_put(txn, DDB_KS_META, rk->data, rk->len, nv.data, nv.len);
        nb_buf_free(&nv);
    } else if (rc == STORE_OK) {
        json_object_set_new(doc, "BackupStatus", json_string("AVAILABLE"));
        json_object_set_new(doc, "BackupSizeBytes", json_integer((json_int_t)r.bytes));
        json_object_set_new(doc, "ItemCount", json_integer((json_int_t)r.items));
        rc = ddb_backup_put(txn, id, doc);
        if (rc == STORE_OK) rc = store_del(txn, DDB_KS_META, rk->data, rk->len);
        if (rc == STORE_OK && (r.flags & COPY_DELETED))   /* the deleted table's entries, now copied */
            rc = purge_table(txn, r.tnum);
        if (rc == STORE_OK) {
            *finished = 1;
            nb_log_info("dynamodb", "backup %s AVAILABLE (%llu items)", id, (unsigned long long)r.items);
        }
    }
    ddb_chunk_free(&c);
    nb_buf_free(&p);
    json_decref(doc);
    return rc;
}

/* t's doc once restored (new reference). */
static json_t *restored_doc(const ddb_table_t *t)
{
    json_t *doc = json_deep_copy(t->doc);
    json_object_set_new(doc, "TableStatus", json_string("ACTIVE"));
    json_t *rs = json_object_get(doc, "RestoreSummary");
    if (rs) json_object_set_new(rs, "RestoreInProgress", json_false());
    return doc;
}

/* The hidden backup RestoreTableToPointInTime took (bd, may be NULL) goes
 * with its restore. */
static int drop_hidden(store_txn_t *txn, const char *id, const json_t *bd)
{
    return bd && json_is_true(json_object_get(bd, "Hidden")) ? ddb_backup_drop(txn, id, bd) : STORE_OK;
}

/* One restore slice into table t from backup id (its doc bd) after the
 * record's cursor. *done = t's new doc when the restore finished. */
static int restore_slice(store_txn_t *txn, const ddb_table_t *t, const nb_buf_t *rk, const nb_buf_t *rv,
                         const char *id, const json_t *bd, size_t batch, json_t **done)
{
    size_t n = (unsigned char)rv->data[0];
    const char *cur = rv->data + 1 + n;
    size_t clen = rv->len - 1 - n;
    nb_buf_t p = NB_BUF_INIT;
    ddb_put_tnum(&p, (uint32_t)json_integer_value(json_object_get(bd, "Num")));
    /* each item is written into the table and into each of its indexes (an ALL projection copies it
     * whole): the slice's bytes budget is shared among them, so a table with many indexes is not
     * restored ~4 MiB x (1 + indexes) at a time while the loop waits (at least one item a slice) */
    ddb_chunk_t c = DDB_CHUNK_INIT(batch, DDB_CHUNK_BYTES / (1 + t->n_idx));
    int rc = scan_after(txn, DDB_KS_BITEMS, &p, cur, clen, &c);
    for (size_t i = 0; rc == STORE_OK && i < c.n; i++) {
        if (c.vals[i].len == 0) continue;                    /* absent at the snapshot */
        if (c.vals[i].len < DDB_VAL_HDR) { rc = DAMAGED; break; }
        nb_buf_t key = NB_BUF_INIT;
        ddb_put_tnum(&key, t->num);
        nb_buf_append(&key, c.keys[i].data + 4, c.keys[i].len - 4);
        json_t *item = ddb_item_parse(c.vals[i].data + DDB_VAL_HDR, c.vals[i].len - DDB_VAL_HDR);
        json_t *old = NULL;
        uint32_t osize = 0;
        rc = item ? ddb_item_load(txn, &key, &old, &osize) : DAMAGED;
        if (rc == STORE_OK)
            rc = ddb_item_write(txn, t, &key, old, old != NULL, osize, item, rd32(c.vals[i].data), NULL);
        json_decref(old);
        json_decref(item);
        nb_buf_free(&key);
    }
    if (rc == STORE_OK && c.more) {
        nb_buf_t nv = NB_BUF_INIT;
        nb_buf_putc(&nv, (char)n);
        nb_buf_append(&nv, rv->data + 1, n);
        nb_buf_append(&nv, c.keys[c.n - 1].data, c.keys[c.n - 1].len);
        rc = store_put(txn, DDB_KS_META, rk->data, rk->len, nv.data, nv.len);
        nb_buf_free(&nv);
    } else if (rc == STORE_OK) {
        json_t *doc = restored_doc(t);
        rc = ddb_table_store(txn, t->name, doc);
        if (rc == STORE_OK) rc = store_del(txn, DDB_KS_META, rk->data, rk->len);
        if (rc == STORE_OK) rc = drop_hidden(txn, id, bd);
        if (rc == STORE_OK) {
            *done = doc;
            nb_log_info("dynamodb", "table %s restored: ACTIVE", t->name);
        } else {
            json_decref(doc);
        }
    }
    ddb_chunk_free(&c);
    nb_buf_free(&p);
    return rc;
}

/* The restore into t (record rk) cannot be completed: logged, and the table
 * deleted (its doc, and the entries written so far to the purge), never left
 * CREATING nor shown ACTIVE missing items. *gone = t's name, to leave the
 * catalogue once applied. */
static int fail_restore(store_txn_t *txn, const ddb_table_t *t, const nb_buf_t *rk, const char *why, char **gone)
{
    nb_log_error("dynamodb", "restore of table %s failed (%s): table deleted", t->name, why);
    int rc = store_del(txn, DDB_KS_META, rk->data, rk->len);
    if (rc == STORE_OK) rc = purge_table(txn, t->num);
    if (rc == STORE_OK) rc = store_del(txn, DDB_KS_TABLES, t->name, strlen(t->name));
    if (rc == STORE_NOTFOUND) rc = STORE_OK;
    if (rc == STORE_OK) *gone = nb_xstrdup(t->name);
    return rc;
}

/* The first restore whose backup is ready: one slice of it. 0 = none ready.
 * *ended when its record went (finished, failed or stale). */
static int restore_step(store_txn_t *txn, size_t batch, json_t **done, char **gone, int *worked, int *ended)
{
    ddb_chunk_t l = DDB_CHUNK_INIT(SIZE_MAX, SIZE_MAX);
    int rc = scan_records(txn, RPFX, "restore0", &l);
    json_t *avail = json_string("AVAILABLE");
    for (size_t i = 0; rc == STORE_OK && !*worked && i < l.n; i++) {
        char id[64];
        const ddb_table_t *t = l.keys[i].len == RPFX_LEN + 4 ? ddb_catalog_by_num(rd32(l.keys[i].data + RPFX_LEN)) : NULL;
        json_t *bd = NULL;
        int ok = restore_id(&l.vals[i], id, sizeof id) == 0;
        if (ok) rc = ddb_backup_load(txn, id, &bd);
        if (rc < 0) break;
        rc = STORE_OK;
        if (!t || !t->creating) {
            /* table deleted meanwhile (or a malformed key): stop restoring */
            rc = store_del(txn, DDB_KS_META, l.keys[i].data, l.keys[i].len);
            if (rc == STORE_OK) rc = drop_hidden(txn, id, bd);
            *worked = *ended = 1;
        } else if (!ok || !bd) {
            rc = fail_restore(txn, t, &l.keys[i], ok ? "its backup is gone" : "its work record is damaged", gone);
            *worked = *ended = 1;
        } else if (json_equal(json_object_get(bd, "BackupStatus"), avail)) {
            rc = restore_slice(txn, t, &l.keys[i], &l.vals[i], id, bd, batch, done);
            if (rc == DAMAGED) {
                rc = fail_restore(txn, t, &l.keys[i], "a damaged item in its backup", gone);
                if (rc == STORE_OK) rc = drop_hidden(txn, id, bd);
            }
            *ended = *done || *gone;
            *worked = 1;
        }
        json_decref(bd);
    }
    json_decref(avail);
    ddb_chunk_free(&l);
    return rc;
}

long ddb_backup_step(store_t *s, size_t batch, store_durable_fn cb, void *arg)
{
    store_txn_t *txn;
    if (store_begin(s, STORE_WRITE, &txn) != STORE_OK) return -1;
    ddb_first_t f = DDB_FIRST_INIT;
    int rc = store_scan(txn, DDB_KS_META, CPFX, CPFX_LEN, "bkcopy0", 7, 0, ddb_take_first, &f);
    rc = rc < 0 ? rc : STORE_OK;
    int worked = 0, finished = 0, ended = 0;
    uint32_t bnum = 0;
    json_t *done = NULL;
    char *gone = NULL;
    if (rc == STORE_OK && f.found && f.key.len == CPFX_LEN + 4) {
        bnum = rd32(f.key.data + CPFX_LEN);
        rc = copy_slice(txn, bnum, &f.key, &f.val, batch, &finished);
        worked = 1;
    } else if (rc == STORE_OK && f.found) {
        rc = store_del(txn, DDB_KS_META, f.key.data, f.key.len);
        worked = 1;
    } else if (rc == STORE_OK) {
        rc = restore_step(txn, batch, &done, &gone, &worked, &ended);
    }
    if (rc == STORE_OK && !worked) rc = ddb_backup_expiry_step(txn, &worked);
    long out = rc != STORE_OK ? -1 : worked;
    if (out <= 0) {
        store_abort(txn);
    } else if (store_commit(txn, cb, arg) != STORE_OK) {
        out = -1;
    } else {
        if (finished) copies_remove(bnum);
        if (done) { ddb_catalog_install(done); done = NULL; }
        if (gone) ddb_catalog_remove(gone);
        if (ended && n_restores) n_restores--;
    }
    json_decref(done);
    free(gone);
    nb_buf_free(&f.key);
    nb_buf_free(&f.val);
    return out;
}

int ddb_backup_load_copies(store_txn_t *txn)
{
    ddb_chunk_t l = DDB_CHUNK_INIT(SIZE_MAX, SIZE_MAX);
    int rc = scan_records(txn, CPFX, "bkcopy0", &l);
    for (size_t i = 0; rc == STORE_OK && i < l.n; i++) {
        copyrec_t r;
        if (l.keys[i].len != CPFX_LEN + 4 || copyrec_parse(l.vals[i].data, l.vals[i].len, &r) != 0) continue;
        copies_add(rd32(l.keys[i].data + CPFX_LEN), r.tnum);
        nb_log_info("dynamodb", "resuming backup %.*s %s", (int)r.idlen, r.id,
                    r.clen ? "from its stored cursor" : "from the first item");
    }
    ddb_chunk_free(&l);
    ddb_chunk_t rl = DDB_CHUNK_INIT(SIZE_MAX, SIZE_MAX);
    if (rc == STORE_OK) rc = scan_records(txn, RPFX, "restore0", &rl);
    if (rc == STORE_OK) n_restores = rl.n;
    ddb_chunk_free(&rl);
    return rc;
}

/* --- driver --- */

static ddb_bgjob_t bk_job = {.what = "backup or restore slice", .step = ddb_backup_step};

void ddb_backup_kick(void)
{
    ddb_bgjob_kick(&bk_job);
}

void ddb_backup_start(nb_ctx_t *ctx)
{
    if (bk_job.running || !ctx->loop) return;
    store_txn_t *txn;
    if (store_begin(ctx->store, STORE_READ, &txn) == STORE_OK) {
        ddb_backup_load_copies(txn);
        store_abort(txn);
    }
    ddb_backup_expiry_start(ctx->loop);
    ddb_bgjob_start(&bk_job, ctx, "dynamodb.backup_batch", 500, "dynamodb.backup_interval_ms");
}

void ddb_backup_stop(void)
{
    ddb_bgjob_stop(&bk_job);
    ddb_backup_expiry_stop();
    ddb_backup_reset();
}
