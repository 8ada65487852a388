/* ddb_item_ops.c — PutItem, GetItem, DeleteItem, UpdateItem.
 *
 * Check order, as DynamoDB answers: request shape (ValidationException "N
 * validation errors detected"), AttributeValues, expressions, then the table
 * (ResourceNotFoundException), then the key/item against its schema.
 * GetItem without a projection splices the stored item text into the reply
 * (no parse, no re-serialization). */
#include "dynamodb/ddb_ops.h"
#include "dynamodb/ddb_req.h"
#include "dynamodb/ddb_write.h"
#include "dynamodb/ddb_keys.h"
#include "dynamodb/ddb_av.h"
#include "core/buf.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* In the order DynamoDB lists them in its enum message. */
static const char *const rv_all[] = {"ALL_NEW", "UPDATED_OLD", "ALL_OLD", "NONE", "UPDATED_NEW", NULL};
static const char *const rcc_all[] = {"INDEXES", "TOTAL", "NONE", NULL};
static const char *const ricm_all[] = {"SIZE", "NONE", NULL};
static const char *const rvf_all[] = {"ALL_OLD", "NONE", NULL};
static const char *const condop_all[] = {"AND", "OR", NULL};

/* Shape checks shared by the write operations, listed in DynamoDB's order:
 * PutItem / DeleteItem name returnValues first, then tableName and
 * returnConsumedCapacity; UpdateItem names returnConsumedCapacity first. */
static void v_common(ddb_vlist_t *v, const json_t *b, int kind)
{
    if (kind == DDB_W_UPDATE)
        ddb_v_enum(v, json_object_get(b, "ReturnConsumedCapacity"), "returnConsumedCapacity", rcc_all);
    ddb_v_enum(v, json_object_get(b, "ReturnValues"), "returnValues", rv_all);
    ddb_v_table_name(v, json_object_get(b, "TableName"), "tableName", DDB_TN_REQUIRED | DDB_TN_ARN);
    if (kind != DDB_W_UPDATE)
        ddb_v_enum(v, json_object_get(b, "ReturnConsumedCapacity"), "returnConsumedCapacity", rcc_all);
    ddb_v_enum(v, json_object_get(b, "ReturnItemCollectionMetrics"), "returnItemCollectionMetrics", ricm_all);
    ddb_v_enum(v, json_object_get(b, "ReturnValuesOnConditionCheckFailure"),
               "returnValuesOnConditionCheckFailure", rvf_all);
    ddb_v_enum(v, json_object_get(b, "ConditionalOperator"), "conditionalOperator", condop_all);
}

/* Run w in one transaction and reply. */
static void run_write(nb_req_t *req, ddb_write_t *w)
{
    ddb_err_t err = DDB_ERR_INIT;
    store_txn_t *txn;
    int rc = store_begin(req->ctx->store, STORE_WRITE, &txn);
    if (rc != STORE_OK) { ddb_write_free(w); ddb_reply_store_error(req, NULL, rc); return; }
    rc = ddb_write_exec(txn, w, req->arena, &err);
    if (rc < 0) {
        store_abort(txn);
        ddb_write_free(w);
        ddb_reply_err(req, &err);
        return;
    }
    if (rc == 1) {
        store_abort(txn);
        json_t *extra = NULL;
        const char *rvf = ddb_jstr(req->json, "ReturnValuesOnConditionCheckFailure");
        /* with the old item DynamoDB names the message "Message", not "message"
         * (moto's test_dynamodb_exceptions.py, checked against AWS) */
        if (rvf && strcmp(rvf, "ALL_OLD") == 0 && w->old)
            extra = json_pack("{s:n,s:s,s:O}", "message", "Message", "The conditional request failed", "Item", w->old);
        ddb_write_free(w);
        nb_reply_error_extra(req, NB_ERR_DDB_CONDITIONAL_FAILED, extra, "The conditional request failed");
        return;
    }
    json_t *out = json_object();
    json_t *attrs = ddb_write_return_values(w);
    if (attrs) json_object_set_new(out, "Attributes", attrs);
    int mode = ddb_rcc_mode(req->json);
    if (mode) {
        ddb_cap_t c;
        ddb_cap_init(&c, w->t->name, 0);
        ddb_write_capacity(w, &c);
        json_object_set_new(out, "ConsumedCapacity", ddb_cap_json(&c, mode));
    }
    const char *ricm = ddb_jstr(req->json, "ReturnItemCollectionMetrics");
    if (ricm && strcmp(ricm, "SIZE") == 0) {
        json_t *m = ddb_write_collection_metrics(w);
        if (m) json_object_set_new(out, "ItemCollectionMetrics", m);
    }
    ddb_write_free(w);
    ddb_commit_reply(req, txn, out);
}

/* Expressions, table lookup and key for Delete/Update; 0 or replied. */
static int setup_keyed(nb_req_t *req, ddb_write_t *w, unsigned which)
{
    ddb_err_t err = DDB_ERR_INIT;
    json_t *key = json_object_get(req->json, "Key");
    if (ddb_item_validate(key, &err) != 0 ||
        ddb_exprs_parse(&w->x, req->arena, req->json, which, &err) != 0) {
        ddb_reply_err(req, &err);
        return -1;
    }
    w->t = ddb_req_table(req, ddb_jstr(req->json, "TableName"));
    if (!w->t) return -1;
    if (ddb_key_check(w->t, key, &w->hash, &w->range, &err) != 0 ||
        ddb_write_prepare(w, &err) != 0) {
        ddb_write_free(w);
        ddb_reply_err(req, &err);
        return -1;
    }
    return 0;
}

/* The prelude every single-item write shares: request-shape checks, the
 * required member (Item or Key), the write's kind and its ReturnValues (PutItem
 * and DeleteItem accept only NONE and ALL_OLD). 0, or -1 having replied. */
static int begin_write(nb_req_t *req, ddb_write_t *w, int kind, const char *member, const char *label,
                       int all_old_only)
{
    json_t *b = req->json;
    ddb_vlist_t v = DDB_VLIST_INIT;
    v_common(&v, b, kind);
    if (!json_object_get(b, member)) ddb_v_add(&v, "null", label, "Member must not be null");
    if (ddb_v_reply(req, &v)) return -1;
    ddb_write_init(w);
    w->kind = kind;
    w->rv = ddb_rv_parse(ddb_jstr(b, "ReturnValues"));
    if (all_old_only && w->rv != DDB_RV_NONE && w->rv != DDB_RV_ALL_OLD) {
        ddb_reply_validation(req, "Return values set to invalid value");
        return -1;
    }
    return 0;
}

void ddb_op_put_item(nb_req_t *req)
{
    json_t *b = req->json;
    ddb_write_t w;
    if (begin_write(req, &w, DDB_W_PUT, "Item", "item", 1) != 0) return;
    ddb_err_t err = DDB_ERR_INIT;
    w.item = json_object_get(b, "Item");
    if (ddb_item_validate(w.item, &err) != 0 ||
        ddb_exprs_parse(&w.x, req->arena, b, DDB_X_COND, &err) != 0) {
        ddb_reply_err(req, &err);
        return;
    }
    w.t = ddb_req_table(req, ddb_jstr(b, "TableName"));
    if (!w.t) return;
    if (ddb_write_prepare(&w, &err) != 0) {
        ddb_write_free(&w);
        ddb_reply_err(req, &err);
        return;
    }
    run_write(req, &w);
}

void ddb_op_delete_item(nb_req_t *req)
{
    ddb_write_t w;
    if (begin_write(req, &w, DDB_W_DELETE, "Key", "key", 1) != 0) return;
    if (setup_keyed(req, &w, DDB_X_COND) != 0) return;
    run_write(req, &w);
}

void ddb_op_update_item(nb_req_t *req)
{
    ddb_write_t w;
    if (begin_write(req, &w, DDB_W_UPDATE, "Key", "key", 0) != 0) return;
    if (setup_keyed(req, &w, DDB_X_COND | DDB_X_UPDATE) != 0) return;
    run_write(req, &w);
}

/* --- GetItem --- */

static void get_reply(nb_req_t *req, const ddb_table_t *t, const char *text, size_t len,
                      uint32_t size, int found, const ddb_projection_t *proj)
{
    nb_buf_t out = NB_BUF_INIT;
    nb_buf_reserve(&out, (found ? len : 0) + 160);   /* one allocation: the item and the capacity */
    nb_buf_putc(&out, '{');
    int n = 0;
    if (found && proj) {
        json_t *item = ddb_item_parse(text, len);
        json_t *p = ddb_project(item, proj->paths, proj->n);
        json_decref(item);
        char *s = json_dumps(p, JSON_COMPACT);
        nb_buf_printf(&out, "\"Item\":%s", s);
        n++;
        free(s);
        json_decref(p);
    } else if (found) {
        nb_buf_puts(&out, "\"Item\":");
        nb_buf_append(&out, text, len);
        n++;
    }
    int mode = ddb_rcc_mode(req->json);
    if (mode) {
        ddb_cap_t c;
        ddb_cap_init(&c, t->name, 1);
        c.table_units = ddb_read_units(size, json_is_true(json_object_get(req->json, "ConsistentRead")));
        json_t *cj = ddb_cap_json(&c, mode);
        char *s = json_dumps(cj, JSON_COMPACT);
        nb_buf_printf(&out, "%s\"ConsumedCapacity\":%s", n ? "," : "", s);
        free(s);
        json_decref(cj);
    }
    nb_buf_putc(&out, '}');
    ddb_reply_text(req, out.data, out.len);
    nb_buf_free(&out);
}

void ddb_op_get_item(nb_req_t *req)
{
    json_t *b = req->json;
    ddb_vlist_t v = DDB_VLIST_INIT;
    /* in the order DynamoDB lists them (dynalite's test/getItem.js, recorded from the service) */
    ddb_v_enum(&v, json_object_get(b, "ReturnConsumedCapacity"), "returnConsumedCapacity", rcc_all);
    const json_t *atg = json_object_get(b, "AttributesToGet");
    if (json_is_array(atg) && json_array_size(atg) == 0)
        ddb_v_add(&v, "'[]'", "attributesToGet", "Member must have length greater than or equal to 1");
    ddb_v_table_name(&v, json_object_get(b, "TableName"), "tableName", DDB_TN_REQUIRED | DDB_TN_ARN);
    if (!json_object_get(b, "Key")) ddb_v_add(&v, "null", "key", "Member must not be null");
    if (ddb_v_reply(req, &v)) return;

    ddb_err_t err = DDB_ERR_INIT;
    json_t *key = json_object_get(b, "Key");
    ddb_exprs_t x;
    /* GetItem has no ExpressionAttributeValues member: the service ignores it. */
    json_object_del(b, "ExpressionAttributeValues");
    if (ddb_item_validate(key, &err) != 0 ||
        ddb_exprs_parse(&x, req->arena, b, DDB_X_PROJ, &err) != 0) {
        ddb_reply_err(req, &err);
        return;
    }
    const ddb_table_t *t = ddb_req_table(req, ddb_jstr(b, "TableName"));
    if (!t) return;
    const json_t *h, *r;
    nb_buf_t k = NB_BUF_INIT;
    if (ddb_key_check(t, key, &h, &r, &err) != 0 || ddb_item_key(&k, t, h, r) != 0) {
        nb_buf_free(&k);
        if (err.code == NB_OK) ddb_err_set(&err, NB_ERR_VALIDATION, "The provided key element does not match the schema");
        ddb_reply_err(req, &err);
        return;
    }
    store_txn_t *txn;
    int rc = store_begin(req->ctx->store, STORE_READ, &txn);
    if (rc != STORE_OK) { nb_buf_free(&k); ddb_reply_store_error(req, NULL, rc); return; }
    const char *text = NULL;
    size_t len = 0;
    uint32_t size = 0;
    rc = ddb_item_read(txn, &k, &text, &len, &size);
    nb_buf_free(&k);
    if (rc != STORE_OK && rc != STORE_NOTFOUND) { ddb_reply_store_error(req, txn, rc); return; }
    get_reply(req, t, text, len, size, rc == STORE_OK, x.proj);
    store_abort(txn);
}
