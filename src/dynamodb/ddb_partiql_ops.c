/* ddb_partiql_ops.c — ExecuteStatement: one PartiQL statement
 * (ddb_partiql_exec.c) in one store transaction, answered as DynamoDB does:
 * Items (and NextToken) for a SELECT, the RETURNING item for a write,
 * ConsumedCapacity when asked, and ConditionalCheckFailedException with the
 * stored item under ReturnValuesOnConditionCheckFailure ALL_OLD. */
#include "dynamodb/ddb_ops.h"
#include "dynamodb/ddb_req.h"
#include "dynamodb/ddb_partiql_exec.h"
#include <string.h>

/* Request members' constraints, in the order DynamoDB lists them. */
static int check_shape(nb_req_t *req)
{
    static const char *const rcc_all[] = {"INDEXES", "TOTAL", "NONE", NULL};
    static const char *const rvf_all[] = {"ALL_OLD", "NONE", NULL};
    json_t *lim = json_object_get(req->json, "Limit");
    if (json_is_integer(lim) && json_integer_value(lim) < 1) {
        ddb_reply_validation(req, "1 validation error detected: Value '%lld' at 'limit' failed to satisfy "
                                  "constraint: Member must have value greater than or equal to 1",
                             (long long)json_integer_value(lim));
        return -1;
    }
    ddb_vlist_t v = DDB_VLIST_INIT;
    ddb_pq_v_members(&v, req->json, "");
    ddb_v_enum(&v, json_object_get(req->json, "ReturnConsumedCapacity"), "returnConsumedCapacity", rcc_all);
    ddb_v_enum(&v, json_object_get(req->json, "ReturnValuesOnConditionCheckFailure"),
               "returnValuesOnConditionCheckFailure", rvf_all);
    return ddb_v_reply(req, &v) ? -1 : 0;
}

static void reply_failure(nb_req_t *req, int rc, ddb_pq_exec_t *e, ddb_err_t *err)
{
    if (rc == DDB_PQ_ERR) {
        ddb_reply_err(req, err);
    } else if (rc == DDB_PQ_COND) {
        json_t *extra = NULL;
        const char *rvf = ddb_jstr(req->json, "ReturnValuesOnConditionCheckFailure");
        /* with the old item the message member is "Message", as PutItem's (ddb_item_ops.c) */
        if (rvf && strcmp(rvf, "ALL_OLD") == 0 && e->w.old)
            extra = json_pack("{s:n,s:s,s:O}", "message", "Message", "The conditional request failed", "Item", e->w.old);
        nb_reply_error_extra(req, NB_ERR_DDB_CONDITIONAL_FAILED, extra, "The conditional request failed");
    } else {
        nb_reply_error(req, NB_ERR_DDB_DUPLICATE_ITEM, "Duplicate primary key exists in table");
    }
}

void ddb_op_execute_statement(nb_req_t *req)
{
    if (check_shape(req) != 0) return;
    ddb_pq_exec_t e;
    ddb_err_t err = DDB_ERR_INIT;
    int rc = ddb_pq_prepare(ddb_jstr(req->json, "Statement"), json_object_get(req->json, "Parameters"), &e, &err);
    if (rc == DDB_PQ_OK && e.q.kind == DDB_PQ_EXISTS)
        rc = ddb_err_set(&err, NB_ERR_VALIDATION, "EXISTS can only be used in ExecuteTransaction write requests.");
    if (rc != DDB_PQ_OK) {
        ddb_pq_exec_free(&e);
        ddb_reply_err(req, &err);
        return;
    }
    json_t *lim = json_object_get(req->json, "Limit");
    e.limit = json_is_integer(lim) ? json_integer_value(lim) : 0;
    e.next_in = ddb_jstr(req->json, "NextToken");
    e.consistent = json_is_true(json_object_get(req->json, "ConsistentRead"));
    store_txn_t *txn;
    int src = store_begin(req->ctx->store, STORE_WRITE, &txn);
    if (src != STORE_OK) { ddb_pq_exec_free(&e); ddb_reply_store_error(req, NULL, src); return; }
    rc = ddb_pq_run(req, txn, &e, &err);
    if (rc != DDB_PQ_OK) {
        store_abort(txn);
        reply_failure(req, rc, &e, &err);
        ddb_pq_exec_free(&e);
        return;
    }
    json_t *out = json_object();
    if (e.is_write) {
        json_t *item = ddb_pq_returned(&e);
        json_object_set_new(out, "Items", item ? json_pack("[o]", item) : json_array());
    } else {
        json_object_set(out, "Items", e.items);
        if (e.next_out) json_object_set_new(out, "NextToken", json_string(e.next_out));
    }
    int mode = ddb_rcc_mode(req->json);
    if (mode) {
        ddb_cap_t c;
        ddb_cap_init(&c, e.t->name, !e.is_write);
        ddb_pq_capacity(&e, &c);
        json_object_set_new(out, "ConsumedCapacity", ddb_cap_json(&c, mode));
    }
    int is_write = e.is_write;
    ddb_pq_exec_free(&e);
    if (is_write) {
        ddb_commit_reply(req, txn, out);
    } else {
        store_abort(txn);
        ddb_reply_ok(req, out);
    }
}
