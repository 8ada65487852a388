/* test_ddb_ttl_queue.c — disabling TTL on a table with a large expiry queue:
 * the disabling transaction only hands the queue to the background purge,
 * which removes it a bounded slice per transaction, resumes after the store
 * is closed and reopened midway (a kill between two slices), and never
 * touches the queue of a TTL enabled again meanwhile. On a real store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "test.h"
#include "store/store.h"
#include "dynamodb/ddb_table.h"
#include "dynamodb/ddb_item_store.h"
#include "dynamodb/ddb_purge.h"
#include "dynamodb/ddb_backfill.h"
#include "dynamodb/ddb_av.h"
#include "dynamodb/ddb_keys.h"

static uv_loop_t loop;

static store_t *open_store(const char *dir)
{
    ASSERT_EQ(uv_loop_init(&loop), 0);
    store_options_t o = { .no_sync = 1 };
    store_t *s = NULL;
    ASSERT_EQ(store_open(&s, &loop, dir, &o), STORE_OK);
    return s;
}

static void close_store(store_t *s)
{
    ddb_catalog_clear();
    store_close(s);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
}

#define N_ITEMS 5000
static const char *DOC =
    "{\"TableName\":\"Tq\",\"Num\":11,\"TableStatus\":\"ACTIVE\","
    "\"AttributeDefinitions\":[{\"AttributeName\":\"id\",\"AttributeType\":\"S\"}],"
    "\"KeySchema\":[{\"AttributeName\":\"id\",\"KeyType\":\"HASH\"}]}";

/* Switch TTL on "Tq" as UpdateTimeToLive does: new doc and its queue work in one txn. */
static void set_ttl(store_t *s, int enable)
{
    const ddb_table_t *t = ddb_table_get("Tq");
    ASSERT(t != NULL);
    json_t *doc = json_deep_copy(t->doc);
    store_txn_t *txn;
    ASSERT_EQ(store_begin(s, STORE_WRITE, &txn), STORE_OK);
    if (enable) {
        json_t *ttl = json_pack("{s:s,s:s}", "TimeToLiveStatus", "ENABLED", "AttributeName", "exp");
        json_object_set_new(doc, "TTL", ttl);
        ASSERT_EQ(ddb_ttl_enable(txn, t, ttl), STORE_OK);
    } else {
        json_object_del(doc, "TTL");
        ASSERT_EQ(ddb_ttl_disable(txn, t), STORE_OK);
    }
    ASSERT_EQ(ddb_table_store(txn, "Tq", doc), STORE_OK);
    ASSERT_EQ(store_commit(txn, NULL, NULL), STORE_OK);
    ddb_catalog_install(doc);
}

/* Items k0..k(n-1), each with an expiry an hour ahead, through the one write path. */
static void put_items(store_t *s, int n)
{
    const ddb_table_t *t = ddb_table_get("Tq");
    store_txn_t *txn;
    ASSERT_EQ(store_begin(s, STORE_WRITE, &txn), STORE_OK);
    for (int i = 0; i < n; i++) {
        char js[128];
        snprintf(js, sizeof js, "{\"id\":{\"S\":\"k%05d\"},\"exp\":{\"N\":\"%d\"}}", i, 2000000000 + i);
        json_t *item = json_loads(js, 0, NULL);
        nb_buf_t key = NB_BUF_INIT;
        ASSERT_EQ(ddb_item_key_of(&key, t, item), 0);
        json_t *old;
        uint32_t osize;
        ASSERT_EQ(ddb_item_load(txn, &key, &old, &osize), STORE_OK);
        size_t size = 0;
        ddb_err_t err = DDB_ERR_INIT;
        ASSERT_EQ(ddb_item_check(t, item, &size, &err), 0);
        ASSERT_EQ(ddb_item_write(txn, t, &key, old, old != NULL, osize, item, size, NULL), STORE_OK);
        json_decref(old);
        json_decref(item);
        nb_buf_free(&key);
    }
    ASSERT_EQ(store_commit(txn, NULL, NULL), STORE_OK);
}

static int count_one(void *arg, const void *k, size_t kl, const void *v, size_t vl)
{
    (void)k; (void)kl; (void)v; (void)vl;
    (*(long *)arg)++;
    return 0;
}

/* Entries of TTL queue q in ddb.ttl. */
static long queue_len(store_t *s, uint32_t q)
{
    unsigned char lo[4] = {(unsigned char)(q >> 24), (unsigned char)(q >> 16), (unsigned char)(q >> 8),
                           (unsigned char)q};
    unsigned char hi[4] = {lo[0], lo[1], lo[2], (unsigned char)(lo[3] + 1)};
    long n = 0;
    store_txn_t *txn;
    ASSERT_EQ(store_begin(s, STORE_READ, &txn), STORE_OK);
    ASSERT(store_scan(txn, DDB_KS_TTL, lo, 4, hi, 4, 0, count_one, &n) >= 0);
    store_abort(txn);
    return n;
}

TEST(ttl_disable_purges_the_queue_in_slices_across_a_restart)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", test_tmpdir());
    store_t *s = open_store(dir);
    store_txn_t *txn;
    ASSERT_EQ(store_begin(s, STORE_WRITE, &txn), STORE_OK);
    json_t *doc = json_loads(DOC, 0, NULL);
    ASSERT_EQ(ddb_table_store(txn, "Tq", doc), STORE_OK);
    ASSERT_EQ(store_commit(txn, NULL, NULL), STORE_OK);
    ddb_catalog_install(doc);

    set_ttl(s, 1);
    uint32_t q1 = ddb_table_get("Tq")->ttl_queue;
    ASSERT(q1 != 11);                                   /* a queue number of its own */
    put_items(s, N_ITEMS);
    ASSERT_EQ(queue_len(s, q1), N_ITEMS);

    set_ttl(s, 0);                                      /* the queue is still there: only handed over */
    ASSERT(ddb_table_get("Tq")->ttl_attr == NULL);
    ASSERT_EQ(queue_len(s, q1), N_ITEMS);
    long n = ddb_purge_step(s);                         /* one bounded slice */
    ASSERT(n > 1);
    long left = queue_len(s, q1);
    ASSERT(left > 0 && left < N_ITEMS);

    close_store(s);                                     /* stopped between two slices */
    s = open_store(dir);
    ASSERT_EQ(ddb_catalog_load(s), STORE_OK);
    ASSERT_EQ(queue_len(s, q1), left);

    set_ttl(s, 1);                                      /* re-enabled while the old queue is purged */
    uint32_t q2 = ddb_table_get("Tq")->ttl_queue;
    ASSERT(q2 != q1 && q2 != 11);
    /* the purge of the old queue and the queueing of the items in the new
     * one run side by side, a slice of each at a time */
    int steps = 0;
    long np = 1, nb = 1;
    while (np > 0 || nb > 0) {
        if (np > 0) np = ddb_purge_step(s);
        if (nb > 0) nb = ddb_backfill_step(s, 700, NULL, NULL);
        ASSERT(++steps < 100);
    }
    ASSERT_EQ(np, 0);
    ASSERT_EQ(nb, 0);
    ASSERT_EQ(queue_len(s, q1), 0);                     /* the old queue is gone */
    ASSERT_EQ(queue_len(s, q2), N_ITEMS);               /* the new one whole */
    close_store(s);
}

TEST(ttl_enabled_before_queue_numbers_keeps_its_queue_under_the_table_number)
{
    store_t *s = open_store(test_tmpdir());
    store_txn_t *txn;
    ASSERT_EQ(store_begin(s, STORE_WRITE, &txn), STORE_OK);
    json_t *doc = json_loads(DOC, 0, NULL);
    json_object_set_new(doc, "TTL", json_pack("{s:s,s:s}", "TimeToLiveStatus", "ENABLED", "AttributeName", "exp"));
    ASSERT_EQ(ddb_table_store(txn, "Tq", doc), STORE_OK);
    ASSERT_EQ(store_commit(txn, NULL, NULL), STORE_OK);
    ddb_catalog_install(doc);
    ASSERT_EQ(ddb_table_get("Tq")->ttl_queue, 11u);
    put_items(s, 30);
    ASSERT_EQ(queue_len(s, 11), 30);
    set_ttl(s, 0);
    while (ddb_purge_step(s) > 0) {}
    ASSERT_EQ(queue_len(s, 11), 0);
    close_store(s);
}

