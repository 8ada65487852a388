/* ddb_partiql_ops.c — ExecuteStatement, BatchExecuteStatement and
 * ExecuteTransaction on top of ddb_partiql (parsing) and the same write path
 * and expression evaluator as the JSON operations.
 *
 * SELECT reads one item when WHERE pins the whole primary key with
 * equalities, one partition when it pins the partition key, otherwise the
 * whole table (or index), filtering with the WHERE condition. INSERT fails
 * with DuplicateItemException when the key exists; UPDATE and DELETE need the
 * whole key in WHERE and apply the rest of WHERE as their condition. */
#include "dynamodb/ddb_ops.h"
#include "dynamodb/ddb_req.h"
#include "dynamodb/ddb_partiql.h"
#include "dynamodb/ddb_write.h"
#include "dynamodb/ddb_keys.h"
#include "dynamodb/ddb_keycodec.h"
#include "dynamodb/ddb_av.h"
#include "core/alloc.h"
#include "core/util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { PQ_OK = 0, PQ_COND = 1, PQ_DUP = 2, PQ_ERR = -1 };

typedef struct pq_exec {
    const ddb_table_t *t;
    json_t *items;           /* SELECT results (array) */
    long long limit;         /* in: ExecuteStatement Limit */
    const char *next_in;     /* in: NextToken */
    char *next_out;          /* out: NextToken (heap) when the page stopped early */
    ddb_write_t w;           /* writes */
    int is_write;
} pq_exec_t;

#define PAGE_BYTES (1024 * 1024)

typedef struct sel {
    const ddb_node_t *filter;
    const ddb_projection_t *proj;
    json_t *items;
    ddb_err_t *err;
    int failed;
    long long limit, evaluated;  /* ExecuteStatement Limit (0: none) */
    size_t bytes;
    nb_buf_t last;               /* store key where the page stopped */
} sel_t;

static int sel_visit(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
    sel_t *s = arg;
    if (vlen < DDB_VAL_HDR) return 0;
    const unsigned char *hdr = val;
    s->bytes += (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 | (uint32_t)hdr[2] << 8 | hdr[3];
    s->evaluated++;
    int stop = (s->limit && s->evaluated >= s->limit) || s->bytes >= PAGE_BYTES;
    if (stop) {
        nb_buf_clear(&s->last);
        nb_buf_append(&s->last, key, klen);
    }
    json_t *item = ddb_item_parse((const char *)val + DDB_VAL_HDR, vlen - DDB_VAL_HDR);
    if (!item) return stop;
    int pass = 1;
    if (s->filter) {
        pass = ddb_eval_condition(s->filter, item, s->err);
        if (pass < 0) { s->failed = 1; json_decref(item); return 1; }
    }
    if (pass) {
        if (s->proj) {
            json_t *p = ddb_project(item, s->proj->paths, s->proj->n);
            json_decref(item);
            item = p;
        }
        json_array_append_new(s->items, item);
    } else {
        json_decref(item);
    }
    return stop;
}

/* Exprs body for the statement's strings and maps (new reference). */
static json_t *expr_body(const ddb_pq_t *q, const char *cond_key, const char *cond)
{
    json_t *b = json_object();
    if (json_object_size(q->names)) json_object_set(b, "ExpressionAttributeNames", q->names);
    if (json_object_size(q->values)) json_object_set(b, "ExpressionAttributeValues", q->values);
    if (cond) json_object_set_new(b, cond_key, json_string(cond));
    if (q->update) json_object_set_new(b, "UpdateExpression", json_string(q->update));
    if (q->projection) json_object_set_new(b, "ProjectionExpression", json_string(q->projection));
    return b;
}

static int run_select(nb_req_t *req, store_txn_t *txn, ddb_pq_t *q, pq_exec_t *e, ddb_err_t *err)
{
    const ddb_table_t *t = e->t;
    const ddb_index_t *ix = NULL;
    if (q->index && !(ix = ddb_table_index(t, q->index)))
        return ddb_err_set(err, NB_ERR_VALIDATION, "The table does not have the specified index: %s", q->index);
    if (ix && !ix->active)
        return ddb_err_set(err, NB_ERR_VALIDATION, "Cannot read from backfilling global secondary index: %s", q->index);
    json_t *body = expr_body(q, "FilterExpression", q->where);
    ddb_exprs_t x;
    int rc = ddb_exprs_parse(&x, req->arena, body, DDB_X_FILTER | DDB_X_PROJ, err);
    json_decref(body);
    if (rc != 0) return PQ_ERR;
    sel_t s = {x.cond, x.proj, json_array(), err, 0, e->limit, 0, 0, NB_BUF_INIT};
    e->items = s.items;
    nb_buf_t lo = NB_BUF_INIT, hi = NB_BUF_INIT;
    ddb_put_tnum(&lo, t->num);
    if (ix) nb_buf_putc(&lo, (char)ix->num);
    const json_t *h = ix ? NULL : json_object_get(q->eq, t->ks.hash);
    const json_t *r = t->ks.range && !ix ? json_object_get(q->eq, t->ks.range) : NULL;
    if (h && ddb_key_encode(&lo, h) == 0 && r) ddb_key_encode(&lo, r);
    nb_buf_append(&hi, lo.data, lo.len);
    int has_hi = ddb_key_prefix_successor(&hi) == 0;
    if (h && (!t->ks.range || r)) {
        /* exact item: the key is complete, nothing may follow it */
        nb_buf_clear(&hi);
        nb_buf_append(&hi, lo.data, lo.len);
        nb_buf_putc(&hi, 0);
        has_hi = 1;
    }
    if (e->next_in) {
        /* NextToken: hex of the store key the previous page stopped at. */
        size_t n = strlen(e->next_in);
        nb_buf_t k = NB_BUF_INIT;
        for (size_t i = 0; i + 1 < n; i += 2) {
            unsigned v;
            if (sscanf(e->next_in + i, "%2x", &v) != 1) break;
            nb_buf_putc(&k, (char)v);
        }
        if (n % 2 || k.len != n / 2 || k.len < lo.len || memcmp(k.data, lo.data, lo.len) != 0) {
            nb_buf_free(&k); nb_buf_free(&lo); nb_buf_free(&hi);
            return ddb_err_set(err, NB_ERR_VALIDATION, "Invalid NextToken");
        }
        nb_buf_putc(&k, 0);
        nb_buf_free(&lo);
        lo = k;
    }
    rc = store_scan(txn, ix ? DDB_KS_INDEX : DDB_KS_ITEMS, lo.data, lo.len, has_hi ? hi.data : NULL,
                    has_hi ? hi.len : 0, 0, sel_visit, &s);
    nb_buf_free(&lo);
    nb_buf_free(&hi);
    if (s.last.len) {
        e->next_out = nb_xmalloc(2 * s.last.len + 1);
        nb_hex(s.last.data, s.last.len, e->next_out);
    }
    nb_buf_free(&s.last);
    if (s.failed) return PQ_ERR;
    if (rc < 0) return ddb_err_set(err, NB_ERR_DDB_INTERNAL, "Internal server error");
    return PQ_OK;
}

/* The statement's full primary key from WHERE equalities; -1 with err. */
static int need_key(const ddb_pq_t *q, const ddb_table_t *t, ddb_write_t *w, ddb_err_t *err)
{
    w->hash = json_object_get(q->eq, t->ks.hash);
    w->range = t->ks.range ? json_object_get(q->eq, t->ks.range) : NULL;
    if (!w->hash || (t->ks.range && !w->range))
        return ddb_err_set(err, NB_ERR_VALIDATION,
                           "Where clause does not contain a mandatory equality on all key attributes");
    json_t *k = json_object();
    json_object_set(k, t->ks.hash, (json_t *)w->hash);
    if (w->range) json_object_set(k, t->ks.range, (json_t *)w->range);
    const json_t *h, *r;
    int rc = ddb_key_check(t, k, &h, &r, err);
    json_decref(k);
    return rc;
}

static int run_write(nb_req_t *req, store_txn_t *txn, ddb_pq_t *q, pq_exec_t *e, ddb_err_t *err)
{
    const ddb_table_t *t = e->t;
    ddb_write_t *w = &e->w;
    e->is_write = 1;
    w->t = t;
    nb_buf_t cond = NB_BUF_INIT;
    const char *hash_ph = NULL;
    if (q->kind != DDB_PQ_DELETE) {
        /* INSERT: the key must be new; UPDATE: the item must exist. */
        json_object_set_new(q->names, "#pqkey", json_string(t->ks.hash));
        hash_ph = "#pqkey";
    }
    if (q->kind == DDB_PQ_INSERT) {
        if (ddb_item_validate(q->item, err) != 0) return PQ_ERR;
        w->kind = DDB_W_PUT;
        w->item = q->item;
        nb_buf_printf(&cond, "attribute_not_exists(%s)", hash_ph);
    } else {
        if (need_key(q, t, w, err) != 0) return PQ_ERR;
        w->kind = q->kind == DDB_PQ_UPDATE ? DDB_W_UPDATE : DDB_W_DELETE;
        if (q->where) nb_buf_printf(&cond, "(%s)", q->where);
        if (hash_ph) nb_buf_printf(&cond, "%sattribute_exists(%s)", cond.len ? " AND " : "", hash_ph);
    }
    json_t *body = expr_body(q, "ConditionExpression", cond.len ? cond.data : NULL);
    nb_buf_free(&cond);
    int rc = ddb_exprs_parse(&w->x, req->arena, body,
                             DDB_X_COND | (q->kind == DDB_PQ_UPDATE ? DDB_X_UPDATE : 0), err);
    json_decref(body);
    if (rc != 0 || ddb_write_prepare(w, err) != 0) return PQ_ERR;
    rc = ddb_write_exec(txn, w, req->arena, err);
    if (rc < 0) return PQ_ERR;
    if (rc == 1) {
        if (q->kind == DDB_PQ_INSERT) return PQ_DUP;
        if (q->kind == DDB_PQ_DELETE && !w->old) return PQ_OK;   /* deleting nothing is not an error */
        return PQ_COND;
    }
    return PQ_OK;
}

/* Run one statement in txn. */
static int exec_one(nb_req_t *req, store_txn_t *txn, const char *stmt, const json_t *params,
                    pq_exec_t *e, ddb_err_t *err)
{
    ddb_pq_t q;
    long long limit = e->limit;
    const char *next_in = e->next_in;
    memset(e, 0, sizeof *e);
    e->limit = limit;
    e->next_in = next_in;
    ddb_write_init(&e->w);
    if (!stmt) return ddb_err_set(err, NB_ERR_VALIDATION, "1 validation error detected: Value null at "
                                  "'statement' failed to satisfy constraint: Member must not be null");
    if (strlen(stmt) > 8192)
        return ddb_err_set(err, NB_ERR_VALIDATION, "1 validation error detected: Value at 'statement' failed to "
                           "satisfy constraint: Member must have length less than or equal to 8192");
    if (params) {
        size_t i;
        json_t *v;
        json_array_foreach(params, i, v) if (ddb_av_validate(v, err) != 0) return PQ_ERR;
    }
    if (ddb_pq_parse(stmt, params, &q, err) != 0) return PQ_ERR;
    e->t = ddb_table_get(q.table);
    int rc;
    if (!e->t) rc = ddb_err_set(err, NB_ERR_DDB_RESOURCE_NOT_FOUND, "Requested resource not found");
    else if (q.kind == DDB_PQ_SELECT) rc = run_select(req, txn, &q, e, err);
    else rc = run_write(req, txn, &q, e, err);
    ddb_pq_free(&q);
    return rc;
}

static void exec_free(pq_exec_t *e)
{
    free(e->next_out);
    json_decref(e->items);
    ddb_write_free(&e->w);
}

void ddb_op_execute_statement(nb_req_t *req)
{
    const char *stmt = ddb_jstr(req->json, "Statement");
    json_t *params = json_object_get(req->json, "Parameters");
    store_txn_t *txn;
    int rc = store_begin(req->ctx->store, STORE_WRITE, &txn);
    if (rc != STORE_OK) { ddb_reply_store_error(req, NULL, rc); return; }
    pq_exec_t e;
    ddb_err_t err = DDB_ERR_INIT;
    json_t *lim = json_object_get(req->json, "Limit");
    if (json_is_integer(lim) && json_integer_value(lim) < 1) {
        store_abort(txn);
        ddb_reply_validation(req, "1 validation error detected: Value '%lld' at 'limit' failed to satisfy "
                                  "constraint: Member must have value greater than or equal to 1",
                             (long long)json_integer_value(lim));
        return;
    }
    memset(&e, 0, sizeof e);
    e.limit = json_is_integer(lim) ? json_integer_value(lim) : 0;
    e.next_in = ddb_jstr(req->json, "NextToken");
    rc = exec_one(req, txn, stmt, params, &e, &err);
    if (rc == PQ_ERR) {
        store_abort(txn);
        ddb_reply_err(req, &err);
    } else if (rc == PQ_COND) {
        store_abort(txn);
        nb_reply_error(req, NB_ERR_DDB_CONDITIONAL_FAILED, "The conditional request failed");
    } else if (rc == PQ_DUP) {
        store_abort(txn);
        nb_reply_error(req, NB_ERR_DDB_DUPLICATE_ITEM, "Duplicate primary key exists in table");
    } else if (!e.is_write) {
        store_abort(txn);
        json_t *out = json_pack("{s:O}", "Items", e.items);
        if (e.next_out) json_object_set_new(out, "NextToken", json_string(e.next_out));
        ddb_reply_ok(req, out);
    } else {
        ddb_commit_reply(req, txn, json_pack("{s:[]}", "Items"));
    }
    exec_free(&e);
}

static const char *reason_code(int rc, const ddb_err_t *err)
{
    if (rc == PQ_COND) return "ConditionalCheckFailed";
    if (rc == PQ_DUP) return "DuplicateItem";
    if (err->code == NB_ERR_DDB_RESOURCE_NOT_FOUND) return "ResourceNotFound";
    return "ValidationError";
}

static const char *reason_msg(int rc, const ddb_err_t *err)
{
    if (rc == PQ_COND) return "The conditional request failed";
    if (rc == PQ_DUP) return "Duplicate primary key exists in table";
    return err->msg ? err->msg : "";
}

void ddb_op_batch_execute_statement(nb_req_t *req)
{
    json_t *stmts = json_object_get(req->json, "Statements");
    size_t n = json_array_size(stmts);
    ddb_vlist_t v = DDB_VLIST_INIT;
    if (!stmts) ddb_v_add(&v, "null", "statements", "Member must not be null");
    else if (n < 1) ddb_v_add(&v, "[]", "statements", "Member must have length greater than or equal to 1");
    else if (n > 25) ddb_v_add(&v, "'[...]'", "statements", "Member must have length less than or equal to 25");
    if (ddb_v_reply(req, &v)) return;
    store_txn_t *txn;
    int rc = store_begin(req->ctx->store, STORE_WRITE, &txn);
    if (rc != STORE_OK) { ddb_reply_store_error(req, NULL, rc); return; }
    json_t *resps = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *s = json_array_get(stmts, i);
        pq_exec_t e;
        ddb_err_t err = DDB_ERR_INIT;
        memset(&e, 0, sizeof e);
        rc = exec_one(req, txn, ddb_jstr(s, "Statement"), json_object_get(s, "Parameters"), &e, &err);
        json_t *r = json_object();
        if (e.t) json_object_set_new(r, "TableName", json_string(e.t->name));
        if (rc != PQ_OK) {
            json_object_set_new(r, "Error", json_pack("{s:s,s:s}", "Code", reason_code(rc, &err),
                                                      "Message", reason_msg(rc, &err)));
        } else if (!e.is_write && json_array_size(e.items)) {
            json_object_set(r, "Item", json_array_get(e.items, 0));
        }
        json_array_append_new(resps, r);
        ddb_err_free(&err);
        exec_free(&e);
    }
    ddb_commit_reply(req, txn, json_pack("{s:o}", "Responses", resps));
}

void ddb_op_execute_transaction(nb_req_t *req)
{
    json_t *stmts = json_object_get(req->json, "TransactStatements");
    size_t n = json_array_size(stmts);
    ddb_vlist_t v = DDB_VLIST_INIT;
    if (!stmts) ddb_v_add(&v, "null", "transactStatements", "Member must not be null");
    else if (n < 1) ddb_v_add(&v, "[]", "transactStatements", "Member must have length greater than or equal to 1");
    else if (n > 100) ddb_v_add(&v, "'[...]'", "transactStatements", "Member must have length less than or equal to 100");
    if (ddb_v_reply(req, &v)) return;
    store_txn_t *txn;
    int rc = store_begin(req->ctx->store, STORE_WRITE, &txn);
    if (rc != STORE_OK) { ddb_reply_store_error(req, NULL, rc); return; }
    json_t *resps = json_array(), *reasons = json_array();
    int canceled = 0, writes = 0, reads = 0;
    ddb_err_t first = DDB_ERR_INIT;
    for (size_t i = 0; i < n; i++) {
        json_t *s = json_array_get(stmts, i);
        pq_exec_t e;
        ddb_err_t err = DDB_ERR_INIT;
        memset(&e, 0, sizeof e);
        rc = exec_one(req, txn, ddb_jstr(s, "Statement"), json_object_get(s, "Parameters"), &e, &err);
        if (rc == PQ_ERR && err.code != NB_ERR_DDB_INTERNAL && !canceled && first.code == NB_OK &&
            (err.code == NB_ERR_VALIDATION || err.code == NB_ERR_DDB_RESOURCE_NOT_FOUND)) {
            first = err;
            err.msg = NULL;
        }
        if (rc == PQ_OK) {
            json_array_append_new(reasons, json_pack("{s:s}", "Code", "None"));
            if (e.is_write) { writes++; json_array_append_new(resps, json_object()); }
            else {
                reads++;
                json_t *it = json_array_get(e.items, 0);
                json_array_append_new(resps, it ? json_pack("{s:O}", "Item", it) : json_object());
            }
        } else {
            canceled = 1;
            json_array_append_new(reasons, json_pack("{s:s,s:s}", "Code", reason_code(rc, &err),
                                                     "Message", reason_msg(rc, &err)));
        }
        ddb_err_free(&err);
        exec_free(&e);
    }
    if (first.code != NB_OK) {
        store_abort(txn);
        json_decref(resps);
        json_decref(reasons);
        ddb_reply_err(req, &first);
        return;
    }
    if (!canceled && writes && reads) {
        store_abort(txn);
        json_decref(resps);
        json_decref(reasons);
        ddb_reply_validation(req, "Transaction must contain either only reads or only writes");
        return;
    }
    if (canceled) {
        store_abort(txn);
        json_decref(resps);
        nb_buf_t m = NB_BUF_INIT;
        nb_buf_puts(&m, "Transaction cancelled, please refer cancellation reasons for specific reasons [");
        size_t i;
        json_t *r;
        json_array_foreach(reasons, i, r) nb_buf_printf(&m, "%s%s", i ? ", " : "", ddb_jstr(r, "Code"));
        nb_buf_putc(&m, ']');
        /* This shape's member is "Message" (capitalized), sent beside "message". */
        nb_reply_error_extra(req, NB_ERR_DDB_TXN_CANCELED,
                             json_pack("{s:o,s:s}", "CancellationReasons", reasons, "Message", m.data),
                             "%s", m.data);
        nb_buf_free(&m);
        return;
    }
    json_decref(reasons);
    if (!writes) {
        store_abort(txn);
        ddb_reply_ok(req, json_pack("{s:o}", "Responses", resps));
        return;
    }
    json_decref(resps);
    ddb_commit_reply(req, txn, json_object());
}
