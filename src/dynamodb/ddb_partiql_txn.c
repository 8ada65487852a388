/* ddb_partiql_txn.c — ExecuteTransaction: up to 100 statements, all reads
 * (single-item SELECTs) or all writes (INSERT, UPDATE, DELETE and EXISTS
 * checks), applied together or not at all.
 *
 * Checks before anything runs, as DynamoDB answers them: a statement that
 * does not parse or names no table (its error, whole); a mix of reads and
 * writes; per statement, "Validation failed in TransactStatements[i]: ..."
 * for RETURNING, an index read, a read not of exactly one key, an EXISTS with
 * no condition beyond the key. Then the ClientRequestToken (ddb_token.c), then
 * every statement runs in one store transaction: two statements on one item
 * are refused, and any failed condition cancels the lot with one reason per
 * statement, in order. */
#include "dynamodb/ddb_ops.h"
#include "dynamodb/ddb_req.h"
#include "dynamodb/ddb_partiql_exec.h"
#include "dynamodb/ddb_token.h"
#include "core/alloc.h"
#include "core/buf.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TXN_MAX 100

/* Statement i's semantic check (nubo-db/dynamodb-conformance's captures of AWS). */
static int precheck(size_t i, const ddb_pq_exec_t *e, ddb_err_t *err)
{
    const char *why = NULL;
    if (e->q.returning) why = "RETURNING clause is not supported in ExecuteTransaction.";
    else if (e->q.kind == DDB_PQ_SELECT && e->q.index) why = "Reads on indices are not supported within transactions.";
    else if (e->q.kind == DDB_PQ_SELECT && !ddb_pq_single_item_read(e))
        why = "Select statements within ExecuteTransaction must specify the primary key in the where clause.";
    else if (e->q.kind == DDB_PQ_EXISTS && e->q.eq_only &&
             json_object_size(e->q.eq) <= (size_t)(e->t->ks.range ? 2 : 1))
        why = "EXISTS() must contain a single item read with additional condition";
    if (!why) return DDB_PQ_OK;
    return ddb_err_set(err, NB_ERR_VALIDATION, "Validation failed in TransactStatements[%zu]: %s", i, why);
}

/* 1 when two writes name one item. */
static int same_item_twice(const ddb_pq_exec_t *es, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            if (es[i].is_write && es[j].is_write && es[i].t == es[j].t && es[i].w.key.len &&
                es[i].w.key.len == es[j].w.key.len && memcmp(es[i].w.key.data, es[j].w.key.data, es[i].w.key.len) == 0)
                return 1;
    return 0;
}

/* Run every statement; reply. */
static void run_all(nb_req_t *req, store_txn_t *txn, ddb_pq_exec_t *es, int *ran, size_t n, int reads,
                    const char *token, const char *hash)
{
    json_t *reasons = json_array();
    int canceled = 0;
    ddb_err_t first = DDB_ERR_INIT;
    for (size_t i = 0; i < n; i++) {
        ddb_err_t err = DDB_ERR_INIT;
        ran[i] = 1;
        int rc = ddb_pq_run(req, txn, &es[i], &err);
        if (rc == DDB_PQ_ERR && !canceled && first.code == NB_OK &&
            (err.code == NB_ERR_VALIDATION || err.code == NB_ERR_DDB_RESOURCE_NOT_FOUND)) {
            first = err;
            err.msg = NULL;
        }
        if (rc == DDB_PQ_OK) {
            json_array_append_new(reasons, json_pack("{s:s}", "Code", "None"));
        } else {
            canceled = 1;
            json_array_append_new(reasons, json_pack("{s:s,s:s}", "Code", ddb_pq_reason_code(rc, &err),
                                                     "Message", ddb_pq_reason_msg(rc, &err)));
        }
        ddb_err_free(&err);
    }
    if (first.code == NB_OK && same_item_twice(es, n))
        ddb_err_set(&first, NB_ERR_VALIDATION, "Transaction request cannot include multiple operations on one item");
    if (first.code != NB_OK) {
        store_abort(txn);
        json_decref(reasons);
        ddb_reply_err(req, &first);
        return;
    }
    if (canceled) {
        store_abort(txn);
        ddb_reply_txn_canceled(req, reasons);
        return;
    }
    json_decref(reasons);
    json_t *out = json_object();
    if (reads) {
        json_t *resps = json_array();
        for (size_t i = 0; i < n; i++) {
            json_t *it = json_array_get(es[i].items, 0);
            json_array_append_new(resps, it ? json_pack("{s:O}", "Item", it) : json_object());
        }
        json_object_set_new(out, "Responses", resps);
    }
    int mode = ddb_rcc_mode(req->json);
    if (mode) json_object_set_new(out, "ConsumedCapacity", ddb_pq_capacity_list(es, ran, n, mode, 1));
    if (reads) {
        store_abort(txn);
        ddb_reply_ok(req, out);
        return;
    }
    int src = STORE_OK;
    if (token) {
        json_t *total = ddb_pq_capacity_list(es, ran, n, 1, 1);
        src = ddb_token_store(txn, token, hash, out, total);
        json_decref(total);
    }
    if (src != STORE_OK) {
        json_decref(out);
        ddb_reply_store_error(req, txn, src);
        return;
    }
    ddb_commit_reply(req, txn, out);
}

void ddb_op_execute_transaction(nb_req_t *req)
{
    json_t *stmts = json_object_get(req->json, "TransactStatements");
    size_t n = json_array_size(stmts);
    ddb_vlist_t v = DDB_VLIST_INIT;
    ddb_pq_v_list(&v, stmts, "transactStatements", TXN_MAX);
    const char *token = ddb_jstr(req->json, "ClientRequestToken");
    ddb_token_validate(&v, token);
    if (ddb_v_reply(req, &v)) return;
    ddb_pq_exec_t *es = nb_xcalloc(n, sizeof *es);
    int *ran = nb_xcalloc(n, sizeof *ran);
    ddb_err_t err = DDB_ERR_INIT;
    int reads = 0, writes = 0, failed = 0;
    for (size_t i = 0; i < n && !failed; i++) {
        json_t *s = json_array_get(stmts, i);
        failed = ddb_pq_prepare(ddb_jstr(s, "Statement"), json_object_get(s, "Parameters"), &es[i], &err) != DDB_PQ_OK;
        /* "Validation failed in TransactStatements[0]: Statement wasn't well formed, ..." (nubo-db/dynamodb-conformance) */
        if (failed && es[i].malformed && err.code == NB_ERR_VALIDATION)
            ddb_err_prefix(&err, "Validation failed in TransactStatements[%zu]: ", i);
        if (es[i].parsed) {
            if (es[i].q.kind == DDB_PQ_SELECT) reads++;
            else writes++;
        }
        es[i].consistent = 1;   /* a transactional read is a consistent one, charged twice (as TransactGetItems) */
    }
    if (!failed && reads && writes) {
        failed = 1;
        ddb_err_set(&err, NB_ERR_VALIDATION,
                    "ExecuteTransaction API does not support both read and write operations in the same request.");
    }
    for (size_t i = 0; i < n && !failed; i++) failed = precheck(i, &es[i], &err) != DDB_PQ_OK;
    store_txn_t *txn;
    int src;
    char hash[65];
    if (failed) {
        ddb_reply_err(req, &err);
    } else if ((src = store_begin(req->ctx->store, STORE_WRITE, &txn)) != STORE_OK) {
        ddb_reply_store_error(req, NULL, src);
    } else {
        ddb_token_hash(req->json, hash);
        if (!ddb_token_replay(req, txn, reads ? NULL : token, hash))
            run_all(req, txn, es, ran, n, reads, reads ? NULL : token, hash);
    }
    for (size_t i = 0; i < n; i++) ddb_pq_exec_free(&es[i]);
    free(es);
    free(ran);
}
