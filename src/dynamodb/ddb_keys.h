/* ddb_keys.h — primary-key and item checks against a table's schema. */
#ifndef DDB_KEYS_H
#define DDB_KEYS_H
#include <stddef.h>
#include <jansson.h>
#include "dynamodb/ddb_table.h"
#include "dynamodb/ddb_num.h"

/* key (validated AVs) must be exactly the table's key attributes with their
 * types: sets *h / *r (borrowed from key; *r NULL without a sort key). -1 with
 * "The provided key element does not match the schema" and friends. */
int ddb_key_check(const ddb_table_t *t, const json_t *key, const json_t **h, const json_t **r,
                  ddb_err_t *err);
/* item (validated AVs) carries the key attributes with the right types, its
 * index key attributes (when present) have the index types, and it fits the
 * 400 KB limit; *size (may be NULL) gets ddb_item_size(item). -1 with err. */
int ddb_item_check(const ddb_table_t *t, const json_t *item, size_t *size, ddb_err_t *err);
/* The primary key attributes of item (new reference). */
json_t *ddb_key_of_item(const ddb_table_t *t, const json_t *item);
/* Table key plus index key attributes of item (LastEvaluatedKey of an index). */
json_t *ddb_index_key_of_item(const ddb_table_t *t, const ddb_index_t *ix, const json_t *item);

#endif
