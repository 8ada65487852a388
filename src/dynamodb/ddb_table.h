/* ddb_table.h — DynamoDB table metadata: the stored document, its parsed form
 * and the in-memory catalogue of tables.
 *
 * A table's metadata is one JSON document in keyspace "ddb.tables" under the
 * table name (the "doc", shaped like a TableDescription plus private fields
 * "Num", index "Num"s and "TTL"). The catalogue keeps every table parsed in
 * memory (loaded at service init); it is changed only right after the store
 * transaction that wrote the new doc was applied, so it always mirrors the
 * store. A ddb_table_t is immutable: an update builds a new one and replaces
 * the old in the catalogue; pointers obtained from ddb_table_get() are valid
 * until the handler returns to the loop.
 *
 * Storage numbers: every table gets a never-reused 32-bit "Num" (its items'
 * key prefix) and every index a per-table 8-bit "Num" (1..255). Each time
 * TTL is enabled, the table's expiry queue gets a never-reused number from
 * the same counter (doc "TTL": {"Queue": n}), so the background removal of a
 * disabled queue can never touch the entries of a queue enabled after it. */
#ifndef DDB_TABLE_H
#define DDB_TABLE_H
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "store/store.h"

enum ddb_proj { DDB_PROJ_ALL, DDB_PROJ_KEYS_ONLY, DDB_PROJ_INCLUDE };

typedef struct ddb_keyschema {
    const char *hash;   /* attribute name; borrowed from the doc */
    char htype;         /* 'S', 'N' or 'B' */
    const char *range;  /* NULL when the key has no sort key */
    char rtype;
} ddb_keyschema_t;

typedef struct ddb_index {
    const char *name;
    uint8_t num;
    int local;                 /* LSI (shares the table's hash key) */
    ddb_keyschema_t ks;
    int proj;                  /* enum ddb_proj */
    const char **include;      /* INCLUDE: NonKeyAttributes */
    size_t n_include;
    int active;                /* 0 while being backfilled (ddb_backfill.c): not readable */
} ddb_index_t;

typedef struct ddb_table {
    char *name;                /* owned */
    uint32_t num;
    json_t *doc;               /* owned; never modified once parsed */
    ddb_keyschema_t ks;
    ddb_index_t *idx;          /* owned array */
    size_t n_idx;
    const char *ttl_attr;      /* TTL attribute when enabled, else NULL */
    uint32_t ttl_queue;        /* key prefix of its TTL queue in ddb.ttl while enabled: the
                                  doc's TTL "Queue" (a number from the table-number counter,
                                  so never reused), or Num for a queue made before queues
                                  had numbers of their own */
    int stream_enabled;
    const char *stream_view;   /* StreamViewType when enabled */
    int creating;              /* TableStatus CREATING: a restore is filling it (ddb_backup_copy.c);
                                  the item operations answer ResourceNotFoundException */
} ddb_table_t;

/* Keyspaces (storage layout, see ddb_item_store.h for the key formats). */
#define DDB_KS_TABLES "ddb.tables"
#define DDB_KS_META   "ddb.meta"
#define DDB_KS_ITEMS  "ddb.items"
#define DDB_KS_INDEX  "ddb.index"
#define DDB_KS_STATS  "ddb.stats"
#define DDB_KS_TTL    "ddb.ttl"
#define DDB_KS_TOKENS "ddb.tokens"

/* Parse doc (stolen) into a new table; NULL when the doc is malformed. */
ddb_table_t *ddb_table_from_doc(json_t *doc);
void ddb_table_free(ddb_table_t *t);

/* Catalogue. Load every stored table (service init); 0 or a store status. */
int ddb_catalog_load(store_t *s);
void ddb_catalog_clear(void);
/* Borrowed; valid until the handler returns (see top comment). NULL if absent. */
const ddb_table_t *ddb_table_get(const char *name);
/* Index by name, or NULL. Borrowed like its table. */
const ddb_index_t *ddb_table_index(const ddb_table_t *t, const char *name);
/* Write doc (borrowed) as table name's metadata in t. */
int ddb_table_store(store_txn_t *txn, const char *name, const json_t *doc);
/* After the transaction that stored doc was applied: install it (doc stolen). */
void ddb_catalog_install(json_t *doc);
/* After the transaction that deleted name was applied. */
void ddb_catalog_remove(const char *name);
/* Sorted table names (borrowed strings, caller frees the array); *n set. */
const char **ddb_catalog_names(size_t *n);
/* How many tables exist. */
size_t ddb_catalog_count(void);
/* The table whose storage number is num (background work records name tables
 * by number), or NULL. Borrowed like ddb_table_get's. */
const ddb_table_t *ddb_catalog_by_num(uint32_t num);
/* Call fn for every table (e.g. the TTL sweeper). */
void ddb_catalog_each(void (*fn)(const ddb_table_t *t, void *arg), void *arg);

/* Allocate the next table storage number inside txn. */
int ddb_table_next_num(store_txn_t *txn, uint32_t *out);

/* Per-table and per-index statistics kept in "ddb.stats". idx 0 = the table. */
typedef struct ddb_stats { int64_t count, bytes; } ddb_stats_t;
int ddb_stats_get(store_txn_t *txn, uint32_t tnum, uint8_t idx, ddb_stats_t *out);
int ddb_stats_add(store_txn_t *txn, uint32_t tnum, uint8_t idx, int64_t dcount, int64_t dbytes);

/* "arn:aws:dynamodb:REGION:ACCOUNT:table/NAME" into a caller-provided buffer. */
void ddb_table_arn(char *out, size_t cap, const char *region, const char *account, const char *name);

#endif
