/* ddb_partiql_exec.h — one PartiQL statement, in two steps: prepare (request
 * checks, parse, table lookup; no store access) and run (inside the caller's
 * store transaction, on the same write path and evaluator as the JSON
 * operations). ExecuteStatement, BatchExecuteStatement and ExecuteTransaction
 * (ddb_partiql_ops.c, ddb_partiql_batch.c, ddb_partiql_txn.c) share it. */
#ifndef DDB_PARTIQL_EXEC_H
#define DDB_PARTIQL_EXEC_H
#include <jansson.h>
#include "core/request.h"
#include "store/store.h"
#include "dynamodb/ddb_partiql.h"
#include "dynamodb/ddb_write.h"

/* run's outcome besides 0: the condition failed, the INSERT's key exists, error */
enum { DDB_PQ_OK = 0, DDB_PQ_COND = 1, DDB_PQ_DUP = 2, DDB_PQ_ERR = -1 };

typedef struct ddb_pq_exec {
    ddb_pq_t q;                 /* valid when parsed */
    int parsed;
    int malformed;              /* prepare failed in the statement's text (not its members or table) */
    const ddb_table_t *t;       /* the statement's table once found */
    const ddb_index_t *ix;      /* SELECT from "Table"."Index" */
    /* SELECT */
    long long limit;            /* in: Limit (0: none) */
    const char *next_in;        /* in: NextToken */
    int consistent;             /* in: ConsistentRead */
    json_t *items;              /* out: the items read (array) */
    char *next_out;             /* out: NextToken (heap) when the page stopped early */
    size_t read_bytes;          /* out: bytes evaluated, for capacity */
    size_t base_bytes;          /* out: bytes an LSI read fetched from the table */
    /* writes (INSERT, UPDATE, DELETE, EXISTS) */
    ddb_write_t w;
    int is_write;               /* run as a write */
} ddb_pq_exec_t;

/* The shape rules of a statement's members (botocore: Statement 1..8192
 * characters, Parameters at least one) into v, their paths after prefix
 * ("" or "statements.1.member."). */
void ddb_pq_v_members(ddb_vlist_t *v, const json_t *spec, const char *prefix);
/* A batch's or transaction's list member path ("statements") of 1..max
 * statements, and each statement's members ("statements.1.member.statement"). */
void ddb_pq_v_list(ddb_vlist_t *v, const json_t *list, const char *path, size_t max);
/* Check and parse stmt with params, find its table. DDB_PQ_OK or DDB_PQ_ERR
 * with err (e->parsed tells whether the statement parsed). Free e either way. */
int ddb_pq_prepare(const char *stmt, const json_t *params, ddb_pq_exec_t *e, ddb_err_t *err);
/* Run a prepared statement in txn (a write transaction). */
int ddb_pq_run(nb_req_t *req, store_txn_t *txn, ddb_pq_exec_t *e, ddb_err_t *err);
void ddb_pq_exec_free(ddb_pq_exec_t *e);

/* SELECT whose WHERE is exactly the table's whole primary key, with no index:
 * the single-item read batches and transactions accept. */
int ddb_pq_single_item_read(const ddb_pq_exec_t *e);
/* The RETURNING clause's item (new reference) or NULL. */
json_t *ddb_pq_returned(const ddb_pq_exec_t *e);
/* Add the statement's capacity to c (initialized for e->t). */
void ddb_pq_capacity(const ddb_pq_exec_t *e, ddb_cap_t *c);
/* ConsumedCapacity array (one entry per table, in first-use order) of the
 * statements that ran, for mode; transactional doubles the units. */
json_t *ddb_pq_capacity_list(const ddb_pq_exec_t *es, const int *ran, size_t n, int mode, int transactional);
/* -1 with err when cond's OR branches, each pinning a partition of key schema
 * ks, read overlapping sort-key ranges of one partition (ddb_partiql_overlap.c). */
int ddb_pq_check_overlap(const ddb_keyschema_t *ks, const ddb_node_t *cond, ddb_err_t *err);
/* BatchStatementError / CancellationReason code and message of a failure. */
const char *ddb_pq_reason_code(int rc, const ddb_err_t *err);
const char *ddb_pq_reason_msg(int rc, const ddb_err_t *err);

#endif
