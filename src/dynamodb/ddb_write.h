/* ddb_write.h — one item write (put, delete, update or condition check) as
 * PutItem, DeleteItem, UpdateItem, BatchWriteItem, TransactWriteItems and
 * PartiQL all perform it: read the stored item, evaluate the condition,
 * compute the new item, check it, and write it with its index/TTL/stats
 * upkeep (ddb_item_write), all inside the caller's store transaction.
 *
 * Lifecycle: fill the request fields (ddb_write_init + table, kind, key or
 * item, exprs), ddb_write_prepare() (key encoding and static checks), then
 * ddb_write_exec() inside a write transaction, then read the results, then
 * ddb_write_free(). */
#ifndef DDB_WRITE_H
#define DDB_WRITE_H
#include <jansson.h>
#include "core/arena.h"
#include "core/buf.h"
#include "store/store.h"
#include "dynamodb/ddb_table.h"
#include "dynamodb/ddb_exprs.h"
#include "dynamodb/ddb_item_store.h"
#include "dynamodb/ddb_req.h"

enum ddb_wkind { DDB_W_PUT, DDB_W_DELETE, DDB_W_UPDATE, DDB_W_CHECK };
enum ddb_rv { DDB_RV_NONE, DDB_RV_ALL_OLD, DDB_RV_UPDATED_OLD, DDB_RV_ALL_NEW, DDB_RV_UPDATED_NEW };

typedef struct ddb_write {
    /* request */
    const ddb_table_t *t;
    int kind;                     /* enum ddb_wkind */
    json_t *item;                 /* PUT: the new item (borrowed, AVs validated) */
    const json_t *hash, *range;   /* key AVs (borrowed); PUT: taken from item */
    ddb_exprs_t x;                /* cond (all kinds), upd (UPDATE) */
    int rv;                       /* enum ddb_rv: decides what must be read */
    /* state and results */
    nb_buf_t key;                 /* store key */
    json_t *old;                  /* item before (new reference) or NULL */
    json_t *new_item;             /* item after (new reference) or NULL */
    int old_exists;
    size_t old_size, new_size;
    ddb_path_t *upaths;           /* UPDATE: paths changed (arena) */
    size_t n_upaths;
    ddb_write_info_t info;
} ddb_write_t;

void ddb_write_init(ddb_write_t *w);
void ddb_write_free(ddb_write_t *w);
/* Static checks and key encoding (needs t, kind, item or hash/range, x). -1 with err. */
int ddb_write_prepare(ddb_write_t *w, ddb_err_t *err);
/* Run in txn. 0 written; 1 the condition failed (w->old holds the stored
 * item, nothing written); -1 with err (a store failure sets err->code
 * NB_ERR_DDB_INTERNAL). */
int ddb_write_exec(store_txn_t *txn, ddb_write_t *w, nb_arena_t *arena, ddb_err_t *err);

/* ReturnValues result object (new reference) or NULL when there is nothing
 * to return. */
json_t *ddb_write_return_values(const ddb_write_t *w);
/* Capacity units of the write into c (table and touched indexes). */
void ddb_write_capacity(const ddb_write_t *w, ddb_cap_t *c);
/* ItemCollectionMetrics object (new reference) when the table has LSIs. */
json_t *ddb_write_collection_metrics(const ddb_write_t *w);

/* Parse "ReturnValues" (NULL → NONE); -1 when not a known name. */
int ddb_rv_parse(const char *s);

#endif
