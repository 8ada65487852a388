/* ddb_ops.h — the DynamoDB operation handlers (one nb_handler_fn per API
 * operation), grouped by the file that implements them. Each parses and
 * validates req->json, does its work in one store transaction and ends req
 * with exactly one reply (writes: from the durability callback). */
#ifndef DDB_OPS_H
#define DDB_OPS_H
#include "core/request.h"
#include "store/store.h"
#include "dynamodb/ddb_table.h"

/* ddb_control.c — table lifecycle */
void ddb_op_create_table(nb_req_t *req);
void ddb_op_describe_table(nb_req_t *req);
void ddb_op_list_tables(nb_req_t *req);
void ddb_op_delete_table(nb_req_t *req);
/* DeleteTable's transaction on t (ddb_control.c): its doc, PITR setting and
 * entries go; *backed_up (and *bnum) when PITR kept a SYSTEM backup (call
 * ddb_backup_copy_started once applied). STORE_OK or an error. */
int ddb_table_drop(nb_req_t *req, store_txn_t *txn, const ddb_table_t *t, uint32_t *bnum, int *backed_up);
/* ddb_update_table.c */
void ddb_op_update_table(nb_req_t *req);
/* ddb_tags.c */
void ddb_op_tag_resource(nb_req_t *req);
void ddb_op_untag_resource(nb_req_t *req);
void ddb_op_list_tags(nb_req_t *req);
/* ddb_ttl.c */
void ddb_op_update_ttl(nb_req_t *req);
void ddb_op_describe_ttl(nb_req_t *req);
/* ddb_misc.c */
void ddb_op_describe_limits(nb_req_t *req);
void ddb_op_describe_endpoints(nb_req_t *req);
/* ddb_pitr.c */
void ddb_op_describe_continuous_backups(nb_req_t *req);
void ddb_op_update_continuous_backups(nb_req_t *req);
/* ddb_backup_ops.c */
void ddb_op_create_backup(nb_req_t *req);
void ddb_op_describe_backup(nb_req_t *req);
void ddb_op_list_backups(nb_req_t *req);
void ddb_op_delete_backup(nb_req_t *req);
/* ddb_restore.c */
void ddb_op_restore_from_backup(nb_req_t *req);
void ddb_op_restore_to_point_in_time(nb_req_t *req);
/* ddb_item_ops.c */
void ddb_op_put_item(nb_req_t *req);
void ddb_op_get_item(nb_req_t *req);
void ddb_op_delete_item(nb_req_t *req);
void ddb_op_update_item(nb_req_t *req);
/* ddb_query.c */
void ddb_op_query(nb_req_t *req);
void ddb_op_scan(nb_req_t *req);
/* ddb_batch.c */
void ddb_op_batch_get(nb_req_t *req);
void ddb_op_batch_write(nb_req_t *req);
/* ddb_transact.c */
void ddb_op_transact_write(nb_req_t *req);
void ddb_op_transact_get(nb_req_t *req);
/* ddb_partiql.c */
void ddb_op_execute_statement(nb_req_t *req);
void ddb_op_batch_execute_statement(nb_req_t *req);
void ddb_op_execute_transaction(nb_req_t *req);

/* ddb_ttl.c — the background expiry sweeper */
void ddb_ttl_sweeper_start(nb_ctx_t *ctx);
void ddb_ttl_sweeper_stop(void);
/* One sweep over every table with TTL enabled, now: the number of items
 * deleted, or -1 on a store failure. */
long ddb_ttl_sweep_now(nb_ctx_t *ctx);

/* Condition keys, batch parts and table tags for IAM (ddb_authz.c). */
extern const nb_authz_t ddb_authz;

#endif
