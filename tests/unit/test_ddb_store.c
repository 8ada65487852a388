/* test_ddb_store.c — DynamoDB table metadata and the item write path on a real
 * store: index entries, TTL queue and statistics follow every write. */
#include <stdio.h>
#include <string.h>
#include "test.h"
#include "ddb_unit.h"
#include "store/store.h"
#include "dynamodb/ddb_table.h"
#include "dynamodb/ddb_item_store.h"
#include "dynamodb/ddb_keys.h"
#include "dynamodb/ddb_av.h"
#include "dynamodb/ddb_purge.h"


static const char *DOC =
    "{\"TableName\":\"Posts\",\"Num\":7,\"TableStatus\":\"ACTIVE\","
    "\"AttributeDefinitions\":[{\"AttributeName\":\"id\",\"AttributeType\":\"S\"},"
    "{\"AttributeName\":\"cat\",\"AttributeType\":\"S\"},{\"AttributeName\":\"ts\",\"AttributeType\":\"N\"}],"
    "\"KeySchema\":[{\"AttributeName\":\"id\",\"KeyType\":\"HASH\"}],"
    "\"GlobalSecondaryIndexes\":[{\"IndexName\":\"ByCat\",\"Num\":1,\"IndexStatus\":\"ACTIVE\","
    "\"KeySchema\":[{\"AttributeName\":\"cat\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"ts\",\"KeyType\":\"RANGE\"}],"
    "\"Projection\":{\"ProjectionType\":\"KEYS_ONLY\"}}],"
    "\"TTL\":{\"TimeToLiveStatus\":\"ENABLED\",\"AttributeName\":\"exp\"}}";

static ddb_table_t *table(void)
{
    ddb_table_t *t = ddb_table_from_doc(json_loads(DOC, 0, NULL));
    ASSERT(t != NULL);
    return t;
}

static int count_cb(void *arg, const void *k, size_t kl, const void *v, size_t vl)
{
    (void)k; (void)kl; (void)v; (void)vl;
    (*(int *)arg)++;
    return 0;
}

static int count(store_txn_t *txn, const char *ks)
{
    int n = 0;
    ASSERT(store_scan(txn, ks, NULL, 0, NULL, 0, 0, count_cb, &n) >= 0);
    return n;
}

static void put(store_txn_t *txn, const ddb_table_t *t, const char *item_json)
{
    json_t *item = json_loads(item_json, 0, NULL);
    ddb_err_t err = DDB_ERR_INIT;
    ASSERT_EQ(ddb_item_validate(item, &err), 0);
    size_t size;
    ASSERT_EQ(ddb_item_check(t, item, &size, &err), 0);
    nb_buf_t key = NB_BUF_INIT;
    ASSERT_EQ(ddb_item_key_of(&key, t, item), 0);
    json_t *old;
    uint32_t osize;
    ASSERT_EQ(ddb_item_load(txn, &key, &old, &osize), STORE_OK);
    ASSERT_EQ(ddb_item_write(txn, t, &key, old, old != NULL, osize, item, size, NULL), STORE_OK);
    json_decref(old);
    json_decref(item);
    nb_buf_free(&key);
}

TEST(table_doc_parses_schema_and_indexes)
{
    ddb_table_t *t = table();
    ASSERT_STREQ(t->name, "Posts");
    ASSERT_EQ(t->num, 7);
    ASSERT_STREQ(t->ks.hash, "id");
    ASSERT_EQ(t->ks.htype, 'S');
    ASSERT(t->ks.range == NULL);
    ASSERT_EQ(t->n_idx, 1);
    ASSERT_STREQ(t->idx[0].name, "ByCat");
    ASSERT_EQ(t->idx[0].ks.rtype, 'N');
    ASSERT_EQ(t->idx[0].proj, DDB_PROJ_KEYS_ONLY);
    ASSERT_STREQ(t->ttl_attr, "exp");
    ddb_table_free(t);
}

TEST(write_path_keeps_index_ttl_and_stats)
{
    store_t *s = ddb_unit_open_store();
    ddb_table_t *t = table();
    store_txn_t *txn;
    ASSERT_EQ(store_begin(s, STORE_WRITE, &txn), STORE_OK);
    put(txn, t, "{\"id\":{\"S\":\"a\"},\"cat\":{\"S\":\"x\"},\"ts\":{\"N\":\"1\"},\"exp\":{\"N\":\"100\"}}");
    put(txn, t, "{\"id\":{\"S\":\"b\"},\"cat\":{\"S\":\"x\"}}");   /* no ts: not in the index */
    ASSERT_EQ(count(txn, DDB_KS_ITEMS), 2);
    ASSERT_EQ(count(txn, DDB_KS_INDEX), 1);
    ASSERT_EQ(count(txn, DDB_KS_TTL), 1);
    /* replacing a moves its index entry and drops its TTL entry */
    put(txn, t, "{\"id\":{\"S\":\"a\"},\"cat\":{\"S\":\"y\"},\"ts\":{\"N\":\"2\"}}");
    ASSERT_EQ(count(txn, DDB_KS_INDEX), 1);
    ASSERT_EQ(count(txn, DDB_KS_TTL), 0);
    ddb_stats_t st;
    ASSERT_EQ(ddb_stats_get(txn, 7, 0, &st), STORE_OK);
    ASSERT_EQ(st.count, 2);
    ASSERT(st.bytes > 0);
    ASSERT_EQ(ddb_stats_get(txn, 7, 1, &st), STORE_OK);
    ASSERT_EQ(st.count, 1);
    ASSERT_EQ(ddb_purge_table(txn, 7), STORE_OK);
    ASSERT_EQ(count(txn, DDB_KS_ITEMS), 0);
    ASSERT_EQ(count(txn, DDB_KS_INDEX), 0);
    ASSERT_EQ(count(txn, DDB_KS_STATS), 0);
    store_abort(txn);
    ddb_table_free(t);
    ddb_unit_close_store(s);
}

TEST(item_checks_give_dynamodb_messages)
{
    ddb_table_t *t = table();
    ddb_err_t err = DDB_ERR_INIT;
    json_t *i1 = json_loads("{\"x\":{\"S\":\"a\"}}", 0, NULL);
    ASSERT_EQ(ddb_item_check(t, i1, NULL, &err), -1);
    ASSERT_STREQ(err.msg, "One or more parameter values were invalid: Missing the key id in the item");
    json_t *i2 = json_loads("{\"id\":{\"N\":\"1\"}}", 0, NULL);
    ASSERT_EQ(ddb_item_check(t, i2, NULL, &err), -1);
    ASSERT_STREQ(err.msg, "One or more parameter values were invalid: Type mismatch for key id expected: S actual: N");
    json_t *i3 = json_loads("{\"id\":{\"S\":\"a\"},\"cat\":{\"N\":\"1\"}}", 0, NULL);
    ASSERT_EQ(ddb_item_check(t, i3, NULL, &err), -1);
    ASSERT_STREQ(err.msg, "One or more parameter values were invalid: Type mismatch for Index Key cat "
                          "Expected: S Actual: N IndexName: ByCat");
    json_t *k = json_loads("{\"id\":{\"S\":\"a\"},\"extra\":{\"S\":\"b\"}}", 0, NULL);
    const json_t *h, *r;
    ASSERT_EQ(ddb_key_check(t, k, &h, &r, &err), -1);
    ASSERT_STREQ(err.msg, "The provided key element does not match the schema");
    ddb_err_free(&err);
    json_decref(i1); json_decref(i2); json_decref(i3); json_decref(k);
    ddb_table_free(t);
}

TEST(catalog_is_sorted_and_replaces)
{
    ddb_catalog_install(json_loads(DOC, 0, NULL));
    json_t *d2 = json_loads(DOC, 0, NULL);
    json_object_set_new(d2, "TableName", json_string("Alpha"));
    ddb_catalog_install(d2);
    size_t n;
    const char **names = ddb_catalog_names(&n);
    ASSERT_EQ(n, 2);
    ASSERT_STREQ(names[0], "Alpha");
    ASSERT_STREQ(names[1], "Posts");
    free(names);
    ASSERT(ddb_table_get("Posts") != NULL);
    ddb_catalog_remove("Posts");
    ASSERT(ddb_table_get("Posts") == NULL);
    ddb_catalog_clear();
}

TEST(background_purge_empties_a_deleted_table)
{
    store_t *s = ddb_unit_open_store();
    ddb_table_t *t = table();
    store_txn_t *txn;
    ASSERT_EQ(store_begin(s, STORE_WRITE, &txn), STORE_OK);
    char item[128];
    for (int i = 0; i < 2500; i++) {
        snprintf(item, sizeof item, "{\"id\":{\"S\":\"k%d\"},\"cat\":{\"S\":\"c\"},\"ts\":{\"N\":\"%d\"}}", i, i);
        put(txn, t, item);
    }
    unsigned char p[4] = {0, 0, 0, 7};
    ASSERT_EQ(ddb_purge_enqueue(txn, p, 4, DDB_KS_ITEMS "," DDB_KS_INDEX "," DDB_KS_TTL "," DDB_KS_STATS), STORE_OK);
    ASSERT_EQ(store_commit(txn, NULL, NULL), STORE_OK);
    int steps = 0;
    long n;
    while ((n = ddb_purge_step(s)) > 0) steps++;
    ASSERT_EQ(n, 0);
    ASSERT(steps >= 3);   /* 5000 entries in batches of 2000 */
    ASSERT_EQ(store_begin(s, STORE_READ, &txn), STORE_OK);
    ASSERT_EQ(count(txn, DDB_KS_ITEMS), 0);
    ASSERT_EQ(count(txn, DDB_KS_INDEX), 0);
    ASSERT_EQ(count(txn, DDB_KS_STATS), 0);
    store_abort(txn);
    ddb_table_free(t);
    ddb_unit_close_store(s);
}
