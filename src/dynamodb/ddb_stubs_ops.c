/* ddb_stubs_ops.c — TEMPORARY: operations not written yet answer an error. */
#include "dynamodb/ddb_ops.h"
#define STUB(fn) void fn(nb_req_t *req) { nb_reply_error(req, NB_ERR_UNKNOWN_OPERATION, "not implemented yet"); }
STUB(ddb_op_update_table)
STUB(ddb_op_tag_resource)
STUB(ddb_op_untag_resource)
STUB(ddb_op_list_tags)
STUB(ddb_op_update_ttl)
STUB(ddb_op_describe_ttl)
STUB(ddb_op_describe_limits)
STUB(ddb_op_describe_endpoints)
STUB(ddb_op_describe_continuous_backups)
STUB(ddb_op_execute_statement)
STUB(ddb_op_batch_execute_statement)
STUB(ddb_op_execute_transaction)
void ddb_ttl_sweeper_start(nb_ctx_t *ctx) { (void)ctx; }
void ddb_ttl_sweeper_stop(void) {}
