/* ddb_stubs_ops.c — TEMPORARY: operations not written yet answer an error. */
#include "dynamodb/ddb_ops.h"
#define STUB(fn) void fn(nb_req_t *req) { nb_reply_error(req, NB_ERR_UNKNOWN_OPERATION, "not implemented yet"); }
STUB(ddb_op_execute_statement)
STUB(ddb_op_batch_execute_statement)
STUB(ddb_op_execute_transaction)
