/* ddb_unit.h — what the DynamoDB unit tests on a real store share: a fresh
 * store in the test's temporary directory, and one item written through the
 * service's single write path (ddb_item_write). Header-only, static. */
#ifndef DDB_UNIT_H
#define DDB_UNIT_H
#include "test.h"
#include "store/store.h"
#include "dynamodb/ddb_table.h"
#include "dynamodb/ddb_item_store.h"
#include "dynamodb/ddb_keys.h"
#include "dynamodb/ddb_av.h"

static uv_loop_t ddb_unit_loop;

static inline store_t *ddb_unit_open_store(void)
{
    ASSERT_EQ(uv_loop_init(&ddb_unit_loop), 0);
    store_options_t o = { .no_sync = 1 };
    store_t *s = NULL;
    ASSERT_EQ(store_open(&s, &ddb_unit_loop, test_tmpdir(), &o), STORE_OK);
    return s;
}

static inline void ddb_unit_close_store(store_t *s)
{
    store_close(s);
    uv_run(&ddb_unit_loop, UV_RUN_DEFAULT);
    uv_loop_close(&ddb_unit_loop);
}

/* Replace the item of table whose (S) hash key is id by new_json (NULL: delete it). */
static inline void ddb_unit_write_item(store_txn_t *txn, const char *table, const char *id, const char *new_json)
{
    const ddb_table_t *t = ddb_table_get(table);
    ASSERT(t != NULL);
    json_t *hash = json_pack("{s:s}", "S", id);
    nb_buf_t key = NB_BUF_INIT;
    ASSERT_EQ(ddb_item_key(&key, t, hash, NULL), 0);
    json_t *old, *item = new_json ? json_loads(new_json, 0, NULL) : NULL;
    uint32_t osize;
    ASSERT_EQ(ddb_item_load(txn, &key, &old, &osize), STORE_OK);
    size_t size = 0;
    ddb_err_t err = DDB_ERR_INIT;
    if (item) ASSERT_EQ(ddb_item_check(t, item, &size, &err), 0);
    ASSERT_EQ(ddb_item_write(txn, t, &key, old, old != NULL, osize, item, size, NULL), STORE_OK);
    json_decref(old);
    json_decref(item);
    json_decref(hash);
    nb_buf_free(&key);
}

#endif
