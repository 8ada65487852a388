/* ddb_partiql_batch.c — BatchExecuteStatement: up to 25 statements, each
 * answered on its own (a failure is that statement's Error, the batch still
 * answers 200). As DynamoDB does, a batch is all reads or all writes (a mix is
 * refused whole, before anything runs), a read must name exactly one item by
 * its whole primary key, and EXISTS belongs to ExecuteTransaction alone. A
 * statement refused before it ran carries no TableName. */
#include "dynamodb/ddb_ops.h"
#include "dynamodb/ddb_req.h"
#include "dynamodb/ddb_partiql_exec.h"
#include "core/alloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH_MAX 25

/* Statement i's check before it runs: DDB_PQ_OK or DDB_PQ_ERR with err. */
static int precheck(ddb_pq_exec_t *e, ddb_err_t *err)
{
    if (e->q.kind == DDB_PQ_EXISTS)
        return ddb_err_set(err, NB_ERR_VALIDATION, "EXISTS can only be used in ExecuteTransaction write requests.");
    if (e->q.kind == DDB_PQ_SELECT && !ddb_pq_single_item_read(e))
        return ddb_err_set(err, NB_ERR_VALIDATION, "Select statements within BatchExecuteStatement must specify "
                                                   "the primary key in the where clause.");
    return DDB_PQ_OK;
}

void ddb_op_batch_execute_statement(nb_req_t *req)
{
    json_t *stmts = json_object_get(req->json, "Statements");
    size_t n = json_array_size(stmts);
    ddb_vlist_t v = DDB_VLIST_INIT;
    ddb_pq_v_list(&v, stmts, "statements", BATCH_MAX);
    if (ddb_v_reply(req, &v)) return;
    ddb_pq_exec_t *es = nb_xcalloc(n, sizeof *es);
    ddb_err_t *errs = nb_xcalloc(n, sizeof *errs);
    int *rcs = nb_xcalloc(n, sizeof *rcs), *ran = nb_xcalloc(n, sizeof *ran);
    int reads = 0, writes = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *s = json_array_get(stmts, i);
        rcs[i] = ddb_pq_prepare(ddb_jstr(s, "Statement"), json_object_get(s, "Parameters"), &es[i], &errs[i]);
        if (!es[i].parsed) continue;
        /* the statements that parsed decide the batch's kind (DynamoDB Local's BatchExecuteStatementFunction) */
        if (es[i].q.kind == DDB_PQ_SELECT) reads++;
        else writes++;
        if (rcs[i] == DDB_PQ_OK) rcs[i] = precheck(&es[i], &errs[i]);
        es[i].consistent = json_is_true(json_object_get(s, "ConsistentRead"));
    }
    store_txn_t *txn = NULL;
    int src;
    if (reads && writes) {
        ddb_reply_validation(req, "Read and write requests together in the same batch is not supported.");
    } else if ((src = store_begin(req->ctx->store, STORE_WRITE, &txn)) != STORE_OK) {
        ddb_reply_store_error(req, NULL, src);
    } else {
        json_t *resps = json_array();
        for (size_t i = 0; i < n; i++) {
            if (rcs[i] == DDB_PQ_OK) {
                ran[i] = 1;
                rcs[i] = ddb_pq_run(req, txn, &es[i], &errs[i]);
            }
            json_t *r = json_object();
            if (ran[i]) json_object_set_new(r, "TableName", json_string(es[i].t->name));
            if (rcs[i] != DDB_PQ_OK) {
                /* ReturnValuesOnConditionCheckFailure gives no Item here (dynoxide's capture of AWS) */
                json_object_set_new(r, "Error", json_pack("{s:s,s:s}", "Code", ddb_pq_reason_code(rcs[i], &errs[i]),
                                                          "Message", ddb_pq_reason_msg(rcs[i], &errs[i])));
            } else if (!es[i].is_write && json_array_size(es[i].items)) {
                json_object_set(r, "Item", json_array_get(es[i].items, 0));
            } else if (es[i].is_write) {
                json_t *item = ddb_pq_returned(&es[i]);
                if (item) json_object_set_new(r, "Item", item);
            }
            json_array_append_new(resps, r);
        }
        json_t *out = json_pack("{s:o}", "Responses", resps);
        int mode = ddb_rcc_mode(req->json);
        if (mode) json_object_set_new(out, "ConsumedCapacity", ddb_pq_capacity_list(es, ran, n, mode, 0));
        ddb_commit_reply(req, txn, out);
    }
    for (size_t i = 0; i < n; i++) {
        ddb_pq_exec_free(&es[i]);
        ddb_err_free(&errs[i]);
    }
    free(es);
    free(errs);
    free(rcs);
    free(ran);
}
