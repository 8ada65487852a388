/* ddb_describe.h — TableDescription for DescribeTable, CreateTable,
 * UpdateTable and DeleteTable responses. */
#ifndef DDB_DESCRIBE_H
#define DDB_DESCRIBE_H
#include <jansson.h>
#include "core/request.h"
#include "store/store.h"
#include "dynamodb/ddb_table.h"

/* New reference. txn (read or write, may be NULL: counts 0) supplies the
 * statistics; status overrides the stored TableStatus when non-NULL. */
json_t *ddb_table_description(nb_req_t *req, const ddb_table_t *t, store_txn_t *txn,
                              const char *status);

#endif
