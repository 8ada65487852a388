/* ddb_keys.h — primary-key and item checks against a table's schema. */
#ifndef DDB_KEYS_H
#define DDB_KEYS_H
#include <stddef.h>
#include <jansson.h>
#include "dynamodb/ddb_table.h"
#include "dynamodb/ddb_num.h"

/* DynamoDB's limits on one key attribute value (bytes: UTF-8 of S, raw B,
 * DynamoDB's size of N), for tables and indexes alike. */
#define DDB_HASH_KEY_MAX  2048
#define DDB_RANGE_KEY_MAX 1024

/* h (partition key value, may be NULL) and r (sort key value or NULL) within
 * the limits; -1 with DynamoDB's messages ("...maximum size limit of2048
 * bytes" — sic, AWS has no space there). */
int ddb_key_sizes_check(const json_t *h, const json_t *r, ddb_err_t *err);

/* key (validated AVs) must be exactly the table's key attributes with their
 * types: sets *h / *r (borrowed from key; *r NULL without a sort key). -1 with
 * "The provided key element does not match the schema" and friends. */
int ddb_key_check(const ddb_table_t *t, const json_t *key, const json_t **h, const json_t **r,
                  ddb_err_t *err);
/* item (validated AVs) carries the key attributes with the right types, its
 * index key attributes (when present) have the index types, and it fits the
 * 400 KB limit and the key size limits (table keys, then index keys); *size (may be NULL) gets ddb_item_size(item). -1 with err. */
int ddb_item_check(const ddb_table_t *t, const json_t *item, size_t *size, ddb_err_t *err);
/* The primary key attributes of item (new reference). */
json_t *ddb_key_of_item(const ddb_table_t *t, const json_t *item);
/* Table key plus index key attributes of item (LastEvaluatedKey of an index). */
json_t *ddb_index_key_of_item(const ddb_table_t *t, const ddb_index_t *ix, const json_t *item);

#endif
