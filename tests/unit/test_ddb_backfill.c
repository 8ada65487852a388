/* test_ddb_backfill.c — online GSI backfill on a real store: chunks of a
 * bounded size, writes between chunks ahead of and behind the cursor, and
 * the index at the end holding exactly one entry per qualifying item. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "test.h"
#include "ddb_unit.h"
#include "store/store.h"
#include "dynamodb/ddb_table.h"
#include "dynamodb/ddb_item_store.h"
#include "dynamodb/ddb_backfill.h"
#include "dynamodb/ddb_keys.h"
#include "dynamodb/ddb_av.h"


#define TNUM 9
static const char *DOC =
    "{\"TableName\":\"Bf\",\"Num\":9,\"TableStatus\":\"ACTIVE\","
    "\"AttributeDefinitions\":[{\"AttributeName\":\"id\",\"AttributeType\":\"S\"},"
    "{\"AttributeName\":\"cat\",\"AttributeType\":\"S\"},{\"AttributeName\":\"ts\",\"AttributeType\":\"N\"}],"
    "\"KeySchema\":[{\"AttributeName\":\"id\",\"KeyType\":\"HASH\"}],"
    "\"GlobalSecondaryIndexes\":[{\"IndexName\":\"ByCat\",\"Num\":1,\"IndexStatus\":\"CREATING\","
    "\"Backfilling\":true,"
    "\"KeySchema\":[{\"AttributeName\":\"cat\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"ts\",\"KeyType\":\"RANGE\"}],"
    "\"Projection\":{\"ProjectionType\":\"KEYS_ONLY\"}}]}";

/* Replace item id (NULL new_json: delete it) through the one write path. */
static void write_item(store_txn_t *txn, const char *id, const char *new_json)
{
    ddb_unit_write_item(txn, "Bf", id, new_json);
}

static void put_n(store_txn_t *txn, int i, const char *cat)
{
    char id[16], js[160];
    snprintf(id, sizeof id, "k%03d", i);
    if (cat)
        snprintf(js, sizeof js, "{\"id\":{\"S\":\"%s\"},\"cat\":{\"S\":\"%s\"},\"ts\":{\"N\":\"%d\"}}", id, cat, i);
    else
        snprintf(js, sizeof js, "{\"id\":{\"S\":\"%s\"},\"ts\":{\"N\":\"%d\"}}", id, i);
    write_item(txn, id, js);
}

typedef struct strs { char **v; size_t n; } strs_t;

static int collect_json(void *arg, const void *k, size_t kl, const void *v, size_t vl)
{
    (void)k; (void)kl;
    strs_t *s = arg;
    json_t *j = json_loadb((const char *)v + DDB_VAL_HDR, vl - DDB_VAL_HDR, 0, NULL);
    ASSERT(j != NULL);
    json_t *p = json_pack("{s:O}", "id", json_object_get(j, "id"));
    if (json_object_get(j, "cat") && json_object_get(j, "ts")) {
        json_object_set(p, "cat", json_object_get(j, "cat"));
        json_object_set(p, "ts", json_object_get(j, "ts"));
        s->v = realloc(s->v, (s->n + 1) * sizeof *s->v);
        s->v[s->n++] = json_dumps(p, JSON_SORT_KEYS | JSON_COMPACT);
    }
    json_decref(p);
    json_decref(j);
    return 0;
}

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void scan_prefix(store_txn_t *txn, const char *ks, const unsigned char *p, size_t pl, strs_t *out)
{
    unsigned char hi[8];
    memcpy(hi, p, pl);
    hi[pl - 1]++;
    ASSERT(store_scan(txn, ks, p, pl, hi, pl, 0, collect_json, out) >= 0);
    qsort(out->v, out->n, sizeof *out->v, cmp);
}

static void strs_free(strs_t *s)
{
    for (size_t i = 0; i < s->n; i++) free(s->v[i]);
    free(s->v);
}

static int index_active(void)
{
    const ddb_table_t *t = ddb_table_get("Bf");
    return t && t->n_idx == 1 && t->idx[0].active;
}

TEST(backfill_in_chunks_with_writes_ahead_and_behind_the_cursor)
{
    store_t *s = ddb_unit_open_store();
    store_txn_t *txn;
    ASSERT_EQ(store_begin(s, STORE_WRITE, &txn), STORE_OK);
    json_t *doc = json_loads(DOC, 0, NULL);
    ASSERT_EQ(ddb_table_store(txn, "Bf", doc), STORE_OK);
    ddb_catalog_install(doc);
    ASSERT_EQ(ddb_backfill_enqueue(txn, TNUM, 1), STORE_OK);   /* with the doc, as UpdateTable does */
    for (int i = 0; i < 200; i++) put_n(txn, i, i % 3 ? "c" : NULL);
    ASSERT_EQ(store_commit(txn, NULL, NULL), STORE_OK);
    int steps = 0;
    while (!index_active()) {
        ASSERT_EQ(ddb_backfill_step(s, 7, NULL, NULL), 1);
        ASSERT(++steps <= 40);
        ASSERT_EQ(store_begin(s, STORE_WRITE, &txn), STORE_OK);
        int behind = (steps * 13) % 200, ahead = 199 - (steps * 7) % 200;
        char m[16];
        snprintf(m, sizeof m, "m%d", steps);
        put_n(txn, behind, m);                       /* change (or gain) the index key */
        put_n(txn, ahead, steps % 2 ? m : NULL);     /* change it, or leave the index */
        if (steps % 4 == 0) {
            char id[16];
            snprintf(id, sizeof id, "k%03d", (behind + 100) % 200);
            write_item(txn, id, NULL);               /* delete */
        }
        ASSERT_EQ(store_commit(txn, NULL, NULL), STORE_OK);
    }
    ASSERT(steps >= 200 / 7);                        /* bounded chunks */
    ASSERT_EQ(ddb_backfill_step(s, 7, NULL, NULL), 0);
    const ddb_table_t *t = ddb_table_get("Bf");
    ASSERT(json_object_get(json_array_get(json_object_get(t->doc, "GlobalSecondaryIndexes"), 0), "Backfilling") == NULL);
    /* once ACTIVE, writes maintain it as any index */
    ASSERT_EQ(store_begin(s, STORE_WRITE, &txn), STORE_OK);
    put_n(txn, 5, "after");
    put_n(txn, 6, NULL);
    ASSERT_EQ(store_commit(txn, NULL, NULL), STORE_OK);

    ASSERT_EQ(store_begin(s, STORE_READ, &txn), STORE_OK);
    unsigned char ip[5] = {0, 0, 0, TNUM, 1}, tp[4] = {0, 0, 0, TNUM};
    strs_t want = {NULL, 0}, got = {NULL, 0};
    scan_prefix(txn, DDB_KS_ITEMS, tp, 4, &want);
    scan_prefix(txn, DDB_KS_INDEX, ip, 5, &got);
    ASSERT(want.n > 100);
    ASSERT_EQ(got.n, want.n);
    for (size_t i = 0; i < want.n; i++) ASSERT_STREQ(got.v[i], want.v[i]);
    ddb_stats_t st;
    ASSERT_EQ(ddb_stats_get(txn, TNUM, 1, &st), STORE_OK);
    ASSERT_EQ(st.count, (long long)want.n);
    store_abort(txn);
    strs_free(&want);
    strs_free(&got);
    ddb_catalog_clear();
    ddb_unit_close_store(s);
}

TEST(cancelled_or_orphaned_backfill_stops)
{
    store_t *s = ddb_unit_open_store();
    store_txn_t *txn;
    ASSERT_EQ(store_begin(s, STORE_WRITE, &txn), STORE_OK);
    json_t *doc = json_loads(DOC, 0, NULL);
    ASSERT_EQ(ddb_table_store(txn, "Bf", doc), STORE_OK);
    ddb_catalog_install(doc);
    for (int i = 0; i < 50; i++) put_n(txn, i, "c");
    ASSERT_EQ(ddb_backfill_enqueue(txn, TNUM, 1), STORE_OK);
    ASSERT_EQ(ddb_backfill_enqueue(txn, 4242, 3), STORE_OK);   /* no such table */
    ASSERT_EQ(store_commit(txn, NULL, NULL), STORE_OK);
    ASSERT_EQ(ddb_backfill_step(s, 10, NULL, NULL), 1);       /* one chunk of Bf */
    ASSERT_EQ(store_begin(s, STORE_WRITE, &txn), STORE_OK);
    ASSERT_EQ(ddb_backfill_cancel(txn, TNUM, 1), STORE_OK);
    ASSERT_EQ(ddb_backfill_cancel(txn, TNUM, 1), STORE_OK);   /* twice: still fine */
    ASSERT_EQ(store_commit(txn, NULL, NULL), STORE_OK);
    ASSERT_EQ(ddb_backfill_step(s, 10, NULL, NULL), 1);       /* drops the orphan */
    ASSERT_EQ(ddb_backfill_step(s, 10, NULL, NULL), 0);
    ASSERT(!index_active());
    ddb_catalog_clear();
    ddb_unit_close_store(s);
}
