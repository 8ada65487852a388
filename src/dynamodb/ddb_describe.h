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

/* WarmThroughput is always described (ack-api-quirks DDB-TABLE-058, -133, measured: 12000 / 4000 units a
 * second on demand, a table's or GSI's provisioned units otherwise, Status ACTIVE), though CreateTable's
 * answer has it only when the request gave one. ddb_describe_warm adds the default to description d and
 * its GSIs where none is recorded; ddb_warm_default is it (new reference) for throughput pt. */
void ddb_describe_warm(json_t *d);
json_t *ddb_warm_default(const json_t *pt, int on_demand);
/* 1 when doc (a table doc or description) is billed on demand. */
int ddb_on_demand(const json_t *doc);

#endif
