/* ddb_service.c — the DynamoDB service: its operation table (name, handler,
 * IAM action, resource ARN) and its lifecycle (catalogue load, TTL sweeper).
 *
 * Strongly consistent reads always: every read sees every write acknowledged
 * before it (one store, one writer), so ConsistentRead is accepted and has no
 * effect on results, only on the capacity units reported. */
#include "dynamodb/ddb_ops.h"
#include "dynamodb/ddb_table.h"
#include "dynamodb/ddb_req.h"
#include "dynamodb/ddb_shape.h"
#include "dynamodb/ddb_purge.h"
#include "dynamodb/ddb_backfill.h"
#include "dynamodb/ddb_backup.h"
#include "core/log.h"
#include <stdlib.h>
#include <string.h>


/* Every table of a request is authorized by its canonical ARN, however the
 * request names it (a name or a table ARN: ddb_table_resource). */
static void put_table_arn(nb_req_t *req, nb_buf_t *out, const char *table)
{
    nb_buf_puts(out, ddb_table_resource(req, table));
}

/* The table the request's TableName names. */
static int table_arn(nb_req_t *req, nb_buf_t *out)
{
    const char *t = json_string_value(json_object_get(req->json, "TableName"));
    if (!t) return -1;
    put_table_arn(req, out, t);
    return 0;
}

/* Query/Scan on an index authorize against ".../table/T/index/I". */
static int index_arn(nb_req_t *req, nb_buf_t *out)
{
    const char *i = json_string_value(json_object_get(req->json, "IndexName"));
    if (table_arn(req, out) != 0) return -1;
    if (i) nb_buf_printf(out, "/index/%s", i);
    return 0;
}

/* Batch operations: the first table named in RequestItems. */
static int batch_arn(nb_req_t *req, nb_buf_t *out)
{
    json_t *ri = json_object_get(req->json, "RequestItems");
    void *it = json_object_iter(ri);
    if (!it) return -1;
    put_table_arn(req, out, json_object_iter_key(it));
    return 0;
}

/* Transactions: the first table named by TransactItems. */
static int transact_arn(nb_req_t *req, nb_buf_t *out)
{
    json_t *first = json_array_get(json_object_get(req->json, "TransactItems"), 0);
    const char *kinds[] = {"Get", "Put", "Update", "Delete", "ConditionCheck"};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        const char *t = json_string_value(json_object_get(json_object_get(first, kinds[k]), "TableName"));
        if (t) { put_table_arn(req, out, t); return 0; }
    }
    return -1;
}

/* RestoreTableToPointInTime: its source table (SourceTableName or SourceTableArn). */
static int pitr_source_arn(nb_req_t *req, nb_buf_t *out)
{
    const char *t = json_string_value(json_object_get(req->json, "SourceTableName"));
    if (!t) t = json_string_value(json_object_get(req->json, "SourceTableArn"));
    if (!t) return -1;
    put_table_arn(req, out, t);
    return 0;
}

/* Every operation first checks its members' JSON types (ddb_shape.c). */
#define CHECKED(fn) static void checked_##fn(nb_req_t *req) { if (!ddb_shape_check(req)) fn(req); }
CHECKED(ddb_op_create_table)
CHECKED(ddb_op_describe_table)
CHECKED(ddb_op_list_tables)
CHECKED(ddb_op_delete_table)
CHECKED(ddb_op_update_table)
CHECKED(ddb_op_tag_resource)
CHECKED(ddb_op_untag_resource)
CHECKED(ddb_op_list_tags)
CHECKED(ddb_op_update_ttl)
CHECKED(ddb_op_describe_ttl)
CHECKED(ddb_op_describe_limits)
CHECKED(ddb_op_describe_endpoints)
CHECKED(ddb_op_describe_continuous_backups)
CHECKED(ddb_op_update_continuous_backups)
CHECKED(ddb_op_create_backup)
CHECKED(ddb_op_describe_backup)
CHECKED(ddb_op_list_backups)
CHECKED(ddb_op_delete_backup)
CHECKED(ddb_op_restore_from_backup)
CHECKED(ddb_op_restore_to_point_in_time)
CHECKED(ddb_op_put_item)
CHECKED(ddb_op_get_item)
CHECKED(ddb_op_delete_item)
CHECKED(ddb_op_update_item)
CHECKED(ddb_op_query)
CHECKED(ddb_op_scan)
CHECKED(ddb_op_batch_get)
CHECKED(ddb_op_batch_write)
CHECKED(ddb_op_transact_write)
CHECKED(ddb_op_transact_get)
CHECKED(ddb_op_execute_statement)
CHECKED(ddb_op_batch_execute_statement)
CHECKED(ddb_op_execute_transaction)

#define OP(name, fn, res, rfn) {name, checked_##fn, "dynamodb:" name, res, rfn, NULL, 0}

static const nb_op_t ddb_ops[] = {
    OP("CreateTable", ddb_op_create_table, "*", table_arn),
    OP("DescribeTable", ddb_op_describe_table, "*", table_arn),
    OP("ListTables", ddb_op_list_tables, "*", NULL),
    OP("DeleteTable", ddb_op_delete_table, "*", table_arn),
    OP("UpdateTable", ddb_op_update_table, "*", table_arn),
    OP("TagResource", ddb_op_tag_resource, "{ResourceArn}", NULL),
    OP("UntagResource", ddb_op_untag_resource, "{ResourceArn}", NULL),
    OP("ListTagsOfResource", ddb_op_list_tags, "{ResourceArn}", NULL),
    OP("UpdateTimeToLive", ddb_op_update_ttl, "*", table_arn),
    OP("DescribeTimeToLive", ddb_op_describe_ttl, "*", table_arn),
    OP("DescribeLimits", ddb_op_describe_limits, "*", NULL),
    OP("DescribeEndpoints", ddb_op_describe_endpoints, "*", NULL),
    OP("DescribeContinuousBackups", ddb_op_describe_continuous_backups, "*", table_arn),
    OP("UpdateContinuousBackups", ddb_op_update_continuous_backups, "*", table_arn),
    OP("CreateBackup", ddb_op_create_backup, "*", table_arn),
    OP("DescribeBackup", ddb_op_describe_backup, "{BackupArn}", NULL),
    OP("ListBackups", ddb_op_list_backups, "*", NULL),
    OP("DeleteBackup", ddb_op_delete_backup, "{BackupArn}", NULL),
    OP("RestoreTableFromBackup", ddb_op_restore_from_backup, "{BackupArn}", NULL),
    OP("RestoreTableToPointInTime", ddb_op_restore_to_point_in_time, "*", pitr_source_arn),
    OP("PutItem", ddb_op_put_item, "*", table_arn),
    OP("GetItem", ddb_op_get_item, "*", table_arn),
    OP("DeleteItem", ddb_op_delete_item, "*", table_arn),
    OP("UpdateItem", ddb_op_update_item, "*", table_arn),
    OP("Query", ddb_op_query, "*", index_arn),
    OP("Scan", ddb_op_scan, "*", index_arn),
    OP("BatchGetItem", ddb_op_batch_get, "*", batch_arn),
    OP("BatchWriteItem", ddb_op_batch_write, "*", batch_arn),
    OP("TransactWriteItems", ddb_op_transact_write, "*", transact_arn),
    OP("TransactGetItems", ddb_op_transact_get, "*", transact_arn),
    OP("ExecuteStatement", ddb_op_execute_statement, "*", NULL),
    OP("BatchExecuteStatement", ddb_op_batch_execute_statement, "*", NULL),
    OP("ExecuteTransaction", ddb_op_execute_transaction, "*", NULL),
};

static int ddb_init(nb_ctx_t *ctx)
{
    int rc = ddb_catalog_load(ctx->store);
    if (rc != 0) {
        nb_log_error("dynamodb", "cannot load table catalogue (store status %d)", rc);
        return -1;
    }
    ddb_ttl_sweeper_start(ctx);
    ddb_purge_start(ctx);
    ddb_backfill_start(ctx);
    ddb_backup_start(ctx);
    return 0;
}

static void ddb_stop(nb_ctx_t *ctx)
{
    (void)ctx;
    ddb_ttl_sweeper_stop();
    ddb_purge_stop();
    ddb_backfill_stop();
    ddb_backup_stop();
    ddb_catalog_clear();
}

static void ddb_health(nb_ctx_t *ctx, nb_buf_t *out)
{
    (void)ctx;
    nb_buf_printf(out, ",\"tables\":%zu", ddb_catalog_count());
}

const nb_service_t ddb_service = {
    .name = "dynamodb",
    .proto = NB_PROTO_JSON10,
    .target_prefix = "DynamoDB_20120810",
    .json_ns = "com.amazonaws.dynamodb.v20120810",
    .ops = ddb_ops,
    .n_ops = sizeof ddb_ops / sizeof ddb_ops[0],
    .init = ddb_init,
    .stop = ddb_stop,
    .health = ddb_health,
    .authz = &ddb_authz,
};
