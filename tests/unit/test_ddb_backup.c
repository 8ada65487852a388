/* test_ddb_backup.c — a backup's background copy on a real store: bounded
 * slices, writes between slices ahead of and behind the cursor (changes,
 * deletions, new items, items created and deleted again), the in-memory copy
 * list rebuilt from the store midway (a restart), and the backup at the end
 * holding exactly the table as it was when the backup began; then a restore
 * of it, in slices, into a new table with its index rebuilt. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "test.h"
#include "ddb_unit.h"
#include "store/store.h"
#include "dynamodb/ddb_table.h"
#include "dynamodb/ddb_item_store.h"
#include "dynamodb/ddb_backup.h"
#include "dynamodb/ddb_keys.h"
#include "dynamodb/ddb_av.h"
#include "dynamodb/ddb_ops.h"


#define SCHEMA \
    "\"AttributeDefinitions\":[{\"AttributeName\":\"id\",\"AttributeType\":\"S\"}," \
    "{\"AttributeName\":\"cat\",\"AttributeType\":\"S\"}]," \
    "\"KeySchema\":[{\"AttributeName\":\"id\",\"KeyType\":\"HASH\"}]," \
    "\"GlobalSecondaryIndexes\":[{\"IndexName\":\"ByCat\",\"Num\":1,\"IndexStatus\":\"ACTIVE\"," \
    "\"KeySchema\":[{\"AttributeName\":\"cat\",\"KeyType\":\"HASH\"}],\"Projection\":{\"ProjectionType\":\"ALL\"}}]"
static const char *SRC = "{\"TableName\":\"Src\",\"Num\":9,\"TableStatus\":\"ACTIVE\"," SCHEMA "}";
static const char *DST = "{\"TableName\":\"Dst\",\"Num\":10,\"TableStatus\":\"CREATING\","
                         "\"RestoreSummary\":{\"RestoreInProgress\":true}," SCHEMA "}";
#define BNUM 77
#define BID "01700000000000-0000abcd"


static void put_n(store_txn_t *txn, int i, const char *cat)
{
    char id[16], js[160];
    snprintf(id, sizeof id, "k%03d", i);
    snprintf(js, sizeof js, "{\"id\":{\"S\":\"%s\"},\"cat\":{\"S\":\"%s\"}}", id, cat);
    ddb_unit_write_item(txn, "Src", id, js);
}

typedef struct strs { char **v; size_t n; } strs_t;

static int collect(void *arg, const void *k, size_t kl, const void *v, size_t vl)
{
    (void)k; (void)kl;
    strs_t *s = arg;
    if (vl == 0) return 0;             /* a backup's "absent at the snapshot" marker */
    s->v = realloc(s->v, (s->n + 1) * sizeof *s->v);
    s->v[s->n++] = strndup((const char *)v + DDB_VAL_HDR, vl - DDB_VAL_HDR);
    return 0;
}

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void scan_prefix(store_t *s, const char *ks, uint32_t num, uint8_t *sub, strs_t *out)
{
    store_txn_t *txn;
    unsigned char lo[5] = {0, 0, (unsigned char)(num >> 8), (unsigned char)num, sub ? *sub : 0}, hi[5];
    size_t n = sub ? 5 : 4;
    memcpy(hi, lo, 5);
    hi[n - 1]++;
    ASSERT_EQ(store_begin(s, STORE_READ, &txn), STORE_OK);
    ASSERT(store_scan(txn, ks, lo, n, hi, n, 0, collect, out) >= 0);
    store_abort(txn);
    qsort(out->v, out->n, sizeof *out->v, cmp);
}

static void strs_free(strs_t *s)
{
    for (size_t i = 0; i < s->n; i++) free(s->v[i]);
    free(s->v);
    s->v = NULL;
    s->n = 0;
}

static const char *backup_status(store_t *s)
{
    static char st[32];
    store_txn_t *txn;
    json_t *doc;
    ASSERT_EQ(store_begin(s, STORE_READ, &txn), STORE_OK);
    ASSERT_EQ(ddb_backup_load(txn, BID, &doc), STORE_OK);
    snprintf(st, sizeof st, "%s", json_string_value(json_object_get(doc, "BackupStatus")));
    json_decref(doc);
    store_abort(txn);
    return st;
}

/* Table Src with every step-th of keys 0..n-1 (in its own transaction), then
 * CreateBackup's transaction (or DeleteTable's, deleted): the backup doc and
 * its copy record. */
static void source_and_backup(store_t *s, int n, int step, int deleted)
{
    store_txn_t *txn;
    ddb_backup_reset();
    ASSERT_EQ(store_begin(s, STORE_WRITE, &txn), STORE_OK);
    json_t *doc = json_loads(SRC, 0, NULL);
    ASSERT_EQ(ddb_table_store(txn, "Src", doc), STORE_OK);
    ddb_catalog_install(doc);
    for (int i = 0; i < n; i += step) put_n(txn, i, "orig");
    ASSERT_EQ(store_commit(txn, NULL, NULL), STORE_OK);
    ASSERT_EQ(store_begin(s, STORE_WRITE, &txn), STORE_OK);
    json_t *bd = json_pack("{s:s,s:s,s:i}", "BackupId", BID, "BackupStatus", "CREATING", "Num", BNUM);
    ASSERT_EQ(ddb_backup_put(txn, BID, bd), STORE_OK);
    json_decref(bd);
    ASSERT_EQ(ddb_backup_copy_enqueue(txn, BNUM, ddb_table_get("Src"), BID, deleted), STORE_OK);
    ASSERT_EQ(store_commit(txn, NULL, NULL), STORE_OK);
    ddb_backup_copy_started(BNUM, 9);
}

TEST(backup_is_the_snapshot_whatever_is_written_during_the_copy)
{
    store_t *s = ddb_unit_open_store();
    source_and_backup(s, 200, 2, 0);                        /* even keys exist, odd ones do not */
    strs_t want = {NULL, 0}, got = {NULL, 0};
    scan_prefix(s, DDB_KS_ITEMS, 9, NULL, &want);
    ASSERT_EQ(want.n, 100);
    store_txn_t *txn;
    json_t *bd, *doc;
    ASSERT(ddb_backup_in_progress(9));

    int steps = 0;
    while (strcmp(backup_status(s), "CREATING") == 0) {
        ASSERT_EQ(ddb_backup_step(s, 7, NULL, NULL), 1);
        ASSERT(++steps <= 60);
        ASSERT_EQ(store_begin(s, STORE_WRITE, &txn), STORE_OK);
        char m[16], id[16];
        snprintf(m, sizeof m, "m%d", steps);
        put_n(txn, (steps * 14) % 200, m);                   /* an existing item, anywhere */
        put_n(txn, 199 - (steps * 6) % 200, m);              /* an odd key: created (or changed) */
        snprintf(id, sizeof id, "k%03d", (steps * 22 + 100) % 200);
        ddb_unit_write_item(txn, "Src", id, NULL);                    /* deleted */
        if (steps % 3 == 0) {                                /* created and deleted again */
            snprintf(id, sizeof id, "k%03d", 199 - (steps * 10) % 200);
            put_n(txn, 199 - (steps * 10) % 200, "brief");
            ddb_unit_write_item(txn, "Src", id, NULL);
        }
        ASSERT_EQ(store_commit(txn, NULL, NULL), STORE_OK);
        if (steps == 5) {                                    /* a restart: the list comes back */
            ddb_backup_reset();
            ASSERT(!ddb_backup_in_progress(9));
            ASSERT_EQ(store_begin(s, STORE_READ, &txn), STORE_OK);
            ASSERT_EQ(ddb_backup_load_copies(txn), STORE_OK);
            store_abort(txn);
            ASSERT(ddb_backup_in_progress(9));
        }
    }
    ASSERT(steps >= 100 / 7);                               /* bounded slices */
    ASSERT_STREQ(backup_status(s), "AVAILABLE");
    ASSERT(!ddb_backup_in_progress(9));
    ASSERT_EQ(ddb_backup_step(s, 7, NULL, NULL), 0);

    scan_prefix(s, DDB_KS_BITEMS, BNUM, NULL, &got);
    ASSERT_EQ(got.n, want.n);
    for (size_t i = 0; i < want.n; i++) ASSERT_STREQ(got.v[i], want.v[i]);
    ASSERT_EQ(store_begin(s, STORE_READ, &txn), STORE_OK);
    ASSERT_EQ(ddb_backup_load(txn, BID, &bd), STORE_OK);
    ASSERT_EQ(json_integer_value(json_object_get(bd, "ItemCount")), 100);
    json_decref(bd);
    store_abort(txn);
    strs_free(&got);

    /* the table changed meanwhile: writes after the copy no longer touch the backup */
    ASSERT_EQ(store_begin(s, STORE_WRITE, &txn), STORE_OK);
    put_n(txn, 0, "later");
    ASSERT_EQ(store_commit(txn, NULL, NULL), STORE_OK);

    /* restore into a new table, in slices */
    ASSERT_EQ(store_begin(s, STORE_WRITE, &txn), STORE_OK);
    doc = json_loads(DST, 0, NULL);
    ASSERT_EQ(ddb_table_store(txn, "Dst", doc), STORE_OK);
    ddb_catalog_install(doc);
    ASSERT_EQ(ddb_backup_restore_enqueue(txn, 10, BID), STORE_OK);
    ASSERT_EQ(ddb_backup_restoring(txn, BID), 1);
    ASSERT_EQ(store_commit(txn, NULL, NULL), STORE_OK);
    steps = 0;
    while (ddb_table_get("Dst")->creating) {
        ASSERT_EQ(ddb_backup_step(s, 9, NULL, NULL), 1);
        ASSERT(++steps <= 30);
    }
    ASSERT(steps >= 100 / 9);
    ASSERT_EQ(ddb_backup_step(s, 9, NULL, NULL), 0);
    ASSERT(json_is_false(json_object_get(json_object_get(ddb_table_get("Dst")->doc, "RestoreSummary"),
                                         "RestoreInProgress")));
    scan_prefix(s, DDB_KS_ITEMS, 10, NULL, &got);
    ASSERT_EQ(got.n, want.n);
    for (size_t i = 0; i < want.n; i++) ASSERT_STREQ(got.v[i], want.v[i]);
    strs_free(&got);
    uint8_t inum = 1;
    scan_prefix(s, DDB_KS_INDEX, 10, &inum, &got);           /* the index, rebuilt */
    ASSERT_EQ(got.n, want.n);
    ASSERT_EQ(store_begin(s, STORE_READ, &txn), STORE_OK);
    ddb_stats_t st;
    ASSERT_EQ(ddb_stats_get(txn, 10, 0, &st), STORE_OK);
    ASSERT_EQ(st.count, 100);
    ASSERT_EQ(ddb_backup_restoring(txn, BID), 0);
    store_abort(txn);
    strs_free(&got);
    strs_free(&want);
    ddb_backup_reset();
    ddb_catalog_clear();
    ddb_unit_close_store(s);
}

/* A restore slice shares its bytes budget with the table's indexes: 24 items of ~350 KB (8.4 MB) into
 * Dst, which has one GSI projecting ALL, take at least 8.4 MB / (4 MiB / 2) slices, not 8.4 MB / 4 MiB. */
TEST(restore_slices_are_bounded_by_what_they_write_into_the_indexes)
{
    store_t *s = ddb_unit_open_store();
    store_txn_t *txn;
    ddb_backup_reset();
    ASSERT_EQ(store_begin(s, STORE_WRITE, &txn), STORE_OK);
    json_t *doc = json_loads(SRC, 0, NULL);
    ASSERT_EQ(ddb_table_store(txn, "Src", doc), STORE_OK);
    ddb_catalog_install(doc);
    char *js = malloc(360000), id[16];
    for (int i = 0; i < 24; i++) {
        snprintf(id, sizeof id, "k%03d", i);
        int n = snprintf(js, 1000, "{\"id\":{\"S\":\"%s\"},\"cat\":{\"S\":\"c\"},\"b\":{\"S\":\"", id);
        memset(js + n, 'x', 350000);
        strcpy(js + n + 350000, "\"}}");
        ddb_unit_write_item(txn, "Src", id, js);
    }
    free(js);
    ASSERT_EQ(store_commit(txn, NULL, NULL), STORE_OK);
    ASSERT_EQ(store_begin(s, STORE_WRITE, &txn), STORE_OK);
    json_t *bd = json_pack("{s:s,s:s,s:i}", "BackupId", BID, "BackupStatus", "CREATING", "Num", BNUM);
    ASSERT_EQ(ddb_backup_put(txn, BID, bd), STORE_OK);
    json_decref(bd);
    ASSERT_EQ(ddb_backup_copy_enqueue(txn, BNUM, ddb_table_get("Src"), BID, 0), STORE_OK);
    ASSERT_EQ(store_commit(txn, NULL, NULL), STORE_OK);
    ddb_backup_copy_started(BNUM, 9);
    int steps = 0;
    while (strcmp(backup_status(s), "CREATING") == 0) {
        ASSERT_EQ(ddb_backup_step(s, 500, NULL, NULL), 1);
        ASSERT(++steps <= 20);
    }
    ASSERT_EQ(store_begin(s, STORE_WRITE, &txn), STORE_OK);
    doc = json_loads(DST, 0, NULL);
    ASSERT_EQ(ddb_table_store(txn, "Dst", doc), STORE_OK);
    ddb_catalog_install(doc);
    ASSERT_EQ(ddb_backup_restore_enqueue(txn, 10, BID), STORE_OK);
    ASSERT_EQ(store_commit(txn, NULL, NULL), STORE_OK);
    steps = 0;
    while (ddb_table_get("Dst")->creating) {
        ASSERT_EQ(ddb_backup_step(s, 500, NULL, NULL), 1);
        ASSERT(++steps <= 30);
    }
    ASSERT(steps >= 4);
    ASSERT_EQ(store_begin(s, STORE_READ, &txn), STORE_OK);
    ddb_stats_t st;
    ASSERT_EQ(ddb_stats_get(txn, 10, 0, &st), STORE_OK);
    ASSERT_EQ(st.count, 24);
    store_abort(txn);
    ddb_backup_reset();
    ddb_catalog_clear();
    ddb_unit_close_store(s);
}

TEST(backup_of_a_table_gone_is_dropped_not_made_available)
{
    store_t *s = ddb_unit_open_store();
    store_txn_t *txn;
    json_t *bd;
    source_and_backup(s, 30, 1, 0);
    ASSERT_EQ(ddb_backup_step(s, 10, NULL, NULL), 1);
    ddb_catalog_remove("Src");                               /* as if deleted behind the copy's back */
    ASSERT_EQ(ddb_backup_step(s, 10, NULL, NULL), 1);
    ASSERT(!ddb_backup_in_progress(9));
    ASSERT_EQ(store_begin(s, STORE_READ, &txn), STORE_OK);
    ASSERT_EQ(ddb_backup_load(txn, BID, &bd), STORE_NOTFOUND);
    store_abort(txn);
    ddb_backup_reset();
    ddb_catalog_clear();
    ddb_unit_close_store(s);
}

TEST(system_backup_of_a_deleted_table_copies_then_purges_its_items)
{
    store_t *s = ddb_unit_open_store();
    source_and_backup(s, 120, 1, 1);
    strs_t want = {NULL, 0}, got = {NULL, 0};
    scan_prefix(s, DDB_KS_ITEMS, 9, NULL, &want);
    ddb_catalog_remove("Src");                               /* DeleteTable's transaction removed it */
    int steps = 0;
    while (strcmp(backup_status(s), "CREATING") == 0) {
        ASSERT_EQ(ddb_backup_step(s, 25, NULL, NULL), 1);
        ASSERT(++steps <= 10);
    }
    ASSERT_EQ(steps, 5);                                     /* 120 items in slices of 25 */
    scan_prefix(s, DDB_KS_BITEMS, BNUM, NULL, &got);
    ASSERT_EQ(got.n, 120);
    for (size_t i = 0; i < want.n; i++) ASSERT_STREQ(got.v[i], want.v[i]);
    /* the last slice handed the table's entries to the background purge */
    store_txn_t *txn;
    const void *q;
    size_t ql;
    static const unsigned char key[] = {'p', 'u', 'r', 'g', 'e', '/', 0, 0, 0, 9};
    ASSERT_EQ(store_begin(s, STORE_READ, &txn), STORE_OK);
    ASSERT_EQ(store_get(txn, DDB_KS_META, key, sizeof key, &q, &ql), STORE_OK);
    ASSERT(ql >= 9 && memcmp(q, "ddb.items", 9) == 0);
    store_abort(txn);
    strs_free(&got);
    strs_free(&want);
    ddb_backup_reset();
    ddb_catalog_clear();
    ddb_unit_close_store(s);
}

static int meta_has(store_t *s, const void *key, size_t kl)
{
    store_txn_t *txn;
    const void *v;
    size_t vl;
    ASSERT_EQ(store_begin(s, STORE_READ, &txn), STORE_OK);
    int rc = store_get(txn, DDB_KS_META, key, kl, &v, &vl);
    store_abort(txn);
    return rc == STORE_OK;
}

/* DeleteTable's transaction forgets the table's PITR setting ("pitr/" · tnum). */
TEST(delete_table_forgets_its_pitr_setting)
{
    store_t *s = ddb_unit_open_store();
    store_txn_t *txn;
    ddb_backup_reset();
    static const unsigned char key[] = {'p', 'i', 't', 'r', '/', 0, 0, 0, 9};
    ASSERT_EQ(store_begin(s, STORE_WRITE, &txn), STORE_OK);
    json_t *doc = json_loads(SRC, 0, NULL);
    ASSERT_EQ(ddb_table_store(txn, "Src", doc), STORE_OK);
    ddb_catalog_install(doc);
    ASSERT_EQ(store_put(txn, DDB_KS_META, key, sizeof key, "{\"Enabled\":false}", 17), STORE_OK);
    ASSERT_EQ(store_commit(txn, NULL, NULL), STORE_OK);
    ASSERT(meta_has(s, key, sizeof key));
    nb_req_t req = {0};
    uint32_t bnum = 0;
    int backed_up = 1;
    ASSERT_EQ(store_begin(s, STORE_WRITE, &txn), STORE_OK);
    ASSERT_EQ(ddb_table_drop(&req, txn, ddb_table_get("Src"), &bnum, &backed_up), STORE_OK);
    ASSERT_EQ(backed_up, 0);
    ASSERT_EQ(store_commit(txn, NULL, NULL), STORE_OK);
    ASSERT(!meta_has(s, key, sizeof key));
    ddb_catalog_clear();
    ddb_unit_close_store(s);
}

/* A stored item too short to be one: the copy fails the backup (dropped, logged) in one step instead
 * of retrying forever, and never shows it AVAILABLE. */
TEST(backup_meeting_a_damaged_item_is_dropped_not_retried)
{
    store_t *s = ddb_unit_open_store();
    store_txn_t *txn;
    json_t *bd;
    source_and_backup(s, 30, 1, 0);
    static const unsigned char bad[] = {0, 0, 0, 9, 'z', 'z'};
    ASSERT_EQ(store_begin(s, STORE_WRITE, &txn), STORE_OK);
    ASSERT_EQ(store_put(txn, DDB_KS_ITEMS, bad, sizeof bad, "x", 1), STORE_OK);
    ASSERT_EQ(store_commit(txn, NULL, NULL), STORE_OK);
    int steps = 0;
    while (ddb_backup_in_progress(9)) {
        ASSERT_EQ(ddb_backup_step(s, 10, NULL, NULL), 1);
        ASSERT(++steps <= 10);
    }
    ASSERT_EQ(ddb_backup_busy(), 0);
    ASSERT_EQ(store_begin(s, STORE_READ, &txn), STORE_OK);
    ASSERT_EQ(ddb_backup_load(txn, BID, &bd), STORE_NOTFOUND);
    store_abort(txn);
    ASSERT_EQ(ddb_backup_step(s, 10, NULL, NULL), 0);
    ddb_backup_reset();
    ddb_catalog_clear();
    ddb_unit_close_store(s);
}

/* Dst being restored from backup BID (whose doc is bd, NULL for none) with record and counter. */
static void restoring_dst(store_t *s, json_t *bd)
{
    store_txn_t *txn;
    ASSERT_EQ(store_begin(s, STORE_WRITE, &txn), STORE_OK);
    if (bd) ASSERT_EQ(ddb_backup_put(txn, BID, bd), STORE_OK);
    json_t *doc = json_loads(DST, 0, NULL);
    ASSERT_EQ(ddb_table_store(txn, "Dst", doc), STORE_OK);
    ddb_catalog_install(doc);
    ASSERT_EQ(ddb_backup_restore_enqueue(txn, 10, BID), STORE_OK);
    ASSERT_EQ(store_commit(txn, NULL, NULL), STORE_OK);
    ddb_backup_restore_started();
    ASSERT_EQ(ddb_backup_busy(), 1);
}

static void assert_dst_deleted(store_t *s)
{
    store_txn_t *txn;
    const void *v;
    size_t vl;
    ASSERT(ddb_table_get("Dst") == NULL);
    ASSERT_EQ(ddb_backup_busy(), 0);
    ASSERT_EQ(store_begin(s, STORE_READ, &txn), STORE_OK);
    ASSERT_EQ(store_get(txn, DDB_KS_TABLES, "Dst", 3, &v, &vl), STORE_NOTFOUND);
    ASSERT_EQ(ddb_backup_restoring(txn, BID), 0);
    store_abort(txn);
    static const unsigned char purge[] = {'p', 'u', 'r', 'g', 'e', '/', 0, 0, 0, 10};
    ASSERT(meta_has(s, purge, sizeof purge));                /* what it had written: to the purge */
    ASSERT_EQ(ddb_backup_step(s, 10, NULL, NULL), 0);
}

/* A restore whose backup doc is gone fails: the table is deleted, not left CREATING. */
TEST(restore_whose_backup_is_gone_deletes_its_table)
{
    store_t *s = ddb_unit_open_store();
    ddb_backup_reset();
    restoring_dst(s, NULL);
    ASSERT_EQ(ddb_backup_step(s, 10, NULL, NULL), 1);
    assert_dst_deleted(s);
    ddb_catalog_clear();
    ddb_unit_close_store(s);
}

/* A damaged item in the backup fails the restore in one step (no retry every second forever). */
TEST(restore_meeting_a_damaged_item_deletes_its_table)
{
    store_t *s = ddb_unit_open_store();
    store_txn_t *txn;
    ddb_backup_reset();
    static const unsigned char bad[] = {0, 0, 0, BNUM, 'z', 'z'};
    ASSERT_EQ(store_begin(s, STORE_WRITE, &txn), STORE_OK);
    ASSERT_EQ(store_put(txn, DDB_KS_BITEMS, bad, sizeof bad, "x", 1), STORE_OK);
    ASSERT_EQ(store_commit(txn, NULL, NULL), STORE_OK);
    json_t *bd = json_pack("{s:s,s:s,s:i}", "BackupId", BID, "BackupStatus", "AVAILABLE", "Num", BNUM);
    restoring_dst(s, bd);
    json_decref(bd);
    ASSERT_EQ(ddb_backup_step(s, 10, NULL, NULL), 1);
    assert_dst_deleted(s);
    ddb_catalog_clear();
    ddb_unit_close_store(s);
}

/* A backup past its BackupExpiryDateTime is deleted by the driver (its items to the purge); one not yet
 * expired stays. */
TEST(expired_backup_is_deleted)
{
    store_t *s = ddb_unit_open_store();
    store_txn_t *txn;
    json_t *bd;
    ddb_backup_reset();
    ASSERT_EQ(store_begin(s, STORE_WRITE, &txn), STORE_OK);
    bd = json_pack("{s:s,s:s,s:i,s:f}", "BackupId", BID, "BackupStatus", "AVAILABLE", "Num", BNUM,
                   "BackupExpiryDateTime", 1000.0);
    ASSERT_EQ(ddb_backup_put(txn, BID, bd), STORE_OK);
    json_decref(bd);
    bd = json_pack("{s:s,s:s,s:i,s:f}", "BackupId", "later", "BackupStatus", "AVAILABLE", "Num", BNUM + 1,
                   "BackupExpiryDateTime", 4e12);
    ASSERT_EQ(ddb_backup_put(txn, "later", bd), STORE_OK);
    json_decref(bd);
    ASSERT_EQ(store_commit(txn, NULL, NULL), STORE_OK);
    ASSERT_EQ(ddb_backup_step(s, 10, NULL, NULL), 1);
    ASSERT_EQ(ddb_backup_step(s, 10, NULL, NULL), 0);
    ASSERT_EQ(store_begin(s, STORE_READ, &txn), STORE_OK);
    ASSERT_EQ(ddb_backup_load(txn, BID, &bd), STORE_NOTFOUND);
    ASSERT_EQ(ddb_backup_load(txn, "later", &bd), STORE_OK);
    json_decref(bd);
    store_abort(txn);
    static const unsigned char purge[] = {'p', 'u', 'r', 'g', 'e', '/', 0, 0, 0, BNUM};
    ASSERT(meta_has(s, purge, sizeof purge));
    ddb_backup_reset();
    ddb_unit_close_store(s);
}
