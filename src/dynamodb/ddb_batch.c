/* ddb_batch.c — BatchGetItem and BatchWriteItem.
 *
 * Every request of a batch is checked before anything is read or written;
 * a bad one fails the whole call with nothing written. All writes of a
 * BatchWriteItem are applied in one store transaction and acknowledged once
 * durable, so UnprocessedItems is always empty; BatchGetItem moves keys to
 * UnprocessedKeys only past the 16 MB response limit. */
#include "dynamodb/ddb_ops.h"
#include "dynamodb/ddb_req.h"
#include "dynamodb/ddb_write.h"
#include "dynamodb/ddb_keys.h"
#include "dynamodb/ddb_av.h"
#include "core/alloc.h"
#include <stdlib.h>
#include <string.h>

#define BATCH_GET_MAX 100
#define BATCH_WRITE_MAX 25
#define BATCH_GET_BYTES (16 * 1024 * 1024)

static int v_request_items(nb_req_t *req, const json_t *ri, const char *op)
{
    ddb_vlist_t v = DDB_VLIST_INIT;
    if (!ri) ddb_v_add(&v, "null", "requestItems", "Member must not be null");
    if (ddb_v_reply(req, &v)) return 1;
    if (json_object_size(ri) == 0) {
        ddb_reply_validation(req, "The requestItems parameter is required for %s", op);
        return 1;
    }
    return 0;
}

/* One AttributeValue map as Java prints it: {name=com.amazonaws...AttributeValue@hash, ...}
 * (the hash is ours: DynamoDB's is an object hash no client can predict). */
static void java_av_map(nb_buf_t *b, const json_t *m)
{
    const char *k;
    json_t *av;
    int first = 1;
    nb_buf_putc(b, '{');
    json_object_foreach((json_t *)m, k, av) {
        char *text = json_dumps(av, JSON_COMPACT | JSON_SORT_KEYS);
        uint32_t h = 2166136261u;
        for (const char *p = text ? text : ""; *p; p++) h = (h ^ (uint8_t)*p) * 16777619u;
        free(text);
        nb_buf_printf(b, "%s%s=com.amazonaws.dynamodb.v20120810.AttributeValue@%08x", first ? "" : ", ", k, h);
        first = 0;
    }
    nb_buf_putc(b, '}');
}

/* A table with more than 25 write requests: DynamoDB's map-value constraint
 * message, echoing RequestItems as Java prints it. 1 when replied. */

/* One request of a WriteRequest as DynamoDB's Java front end echoes it:
 * "null" when absent, else OPEN, the attribute map member as Java, CLOSE. */
static void java_request(nb_buf_t *b, const json_t *req, const char *open, const char *member, const char *close)
{
    if (!req) {
        nb_buf_puts(b, "null");
        return;
    }
    nb_buf_puts(b, open);
    java_av_map(b, json_object_get(req, member));
    nb_buf_puts(b, close);
}

static int v_write_list_sizes(nb_req_t *req, const json_t *ri)
{
    const char *name;
    json_t *list;
    int over = 0;
    json_object_foreach((json_t *)ri, name, list) over |= json_array_size(list) > BATCH_WRITE_MAX;
    if (!over) return 0;
    nb_buf_t b = NB_BUF_INIT;
    int ft = 1;
    nb_buf_putc(&b, '{');
    json_object_foreach((json_t *)ri, name, list) {
        nb_buf_printf(&b, "%s%s=[", ft ? "" : ", ", name);
        ft = 0;
        size_t i;
        json_t *wr;
        json_array_foreach(list, i, wr) {
            nb_buf_puts(&b, i ? ", WriteRequest(putRequest=" : "WriteRequest(putRequest=");
            java_request(&b, json_object_get(wr, "PutRequest"), "PutRequest(item=", "Item",
                         ", workloadProfileName=null)");
            nb_buf_puts(&b, ", deleteRequest=");
            java_request(&b, json_object_get(wr, "DeleteRequest"), "DeleteRequest(key=", "Key", ")");
            nb_buf_putc(&b, ')');
        }
        nb_buf_putc(&b, ']');
    }
    nb_buf_putc(&b, '}');
    ddb_reply_validation(req, "1 validation error detected: Value '%s' at 'requestItems' failed to satisfy "
                              "constraint: Map value must satisfy constraint: [Member must have length less than "
                              "or equal to 25, Member must have length greater than or equal to 1]", b.data);
    nb_buf_free(&b);
    return 1;
}

/* AttributesToGet in one table's entry and ProjectionExpression in another's
 * (or both in one): the expression / non-expression conflict. 1 when replied. */
static int v_get_projection_mix(nb_req_t *req, const json_t *ri)
{
    const char *name;
    json_t *spec;
    int legacy = 0, expr = 0;
    json_object_foreach((json_t *)ri, name, spec) {
        legacy |= json_object_get(spec, "AttributesToGet") != NULL;
        expr |= json_object_get(spec, "ProjectionExpression") != NULL;
    }
    if (!(legacy && expr)) return 0;
    ddb_reply_validation(req, "Can not use both expression and non-expression parameters in the same request: "
                              "Non-expression parameters: {AttributesToGet} Expression parameters: "
                              "{ProjectionExpression}");
    return 1;
}

/* A PutRequest's item missing a table key attribute or holding one of another
 * type (or a list, map, ...): BatchWriteItem words both as a key mismatch,
 * unlike PutItem ("Missing the key", "Type mismatch for key"). */
static int put_key_types_check(const ddb_table_t *t, const json_t *item, ddb_err_t *err)
{
    const json_t *h = json_object_get(item, t->ks.hash);
    const json_t *r = t->ks.range ? json_object_get(item, t->ks.range) : NULL;
    char ht[2] = {t->ks.htype, 0}, rt[2] = {t->ks.rtype, 0};
    if (!h || (t->ks.range && !r) || !json_object_get(h, ht) || (r && !json_object_get(r, rt)))
        return ddb_err_set(err, NB_ERR_VALIDATION, "The provided key element does not match the schema");
    return 0;
}

/* Same key twice in one table's list? keys: encoded store keys. */
static int has_dup(nb_buf_t *keys, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (keys[i].len == keys[j].len && memcmp(keys[i].data, keys[j].data, keys[i].len) == 0) return 1;
    return 0;
}

typedef struct get_table {
    const ddb_table_t *t;
    json_t *spec;
    ddb_exprs_t x;
    nb_buf_t *keys;
    size_t n;
} get_table_t;

void ddb_op_batch_get(nb_req_t *req)
{
    json_t *ri = json_object_get(req->json, "RequestItems");
    if (v_request_items(req, ri, "BatchGetItem")) return;
    const char *tn;
    json_t *ts;
    json_object_foreach(ri, tn, ts) {
        if (json_array_size(json_object_get(ts, "Keys")) > BATCH_GET_MAX) {
            ddb_reply_validation(req, "1 validation error detected: Value at 'RequestItems.%s.member.Keys' failed "
                                      "to satisfy constraint: Member must have length less than or equal to 100", tn);
            return;
        }
    }
    if (v_get_projection_mix(req, ri)) return;
    size_t nt = json_object_size(ri), total = 0;
    get_table_t *tabs = nb_arena_calloc(req->arena, nt * sizeof *tabs);
    ddb_err_t err = DDB_ERR_INIT;
    const char *name;
    json_t *spec;
    size_t ti = 0;
    int failed = 0;
    json_object_foreach(ri, name, spec) {
        get_table_t *g = &tabs[ti++];
        g->spec = spec;
        json_t *keys = json_object_get(spec, "Keys");
        total += json_array_size(keys);
        if (!keys) {
            ddb_reply_validation(req, "1 validation error detected: Value null at 'requestItems.%s.member.keys' "
                                      "failed to satisfy constraint: Member must not be null", name);
            failed = 1;
            break;
        }
        if (!json_array_size(keys)) {
            ddb_reply_validation(req, "1 validation error detected: Value '[]' at 'requestItems.%s.member.keys' "
                                      "failed to satisfy constraint: Member must have length greater than or "
                                      "equal to 1", name);
            failed = 1;
            break;
        }
        if (total > BATCH_GET_MAX) {
            ddb_reply_validation(req, "Too many items requested for the BatchGetItem call");
            failed = 1;
            break;
        }
        json_object_del(spec, "ExpressionAttributeValues");   /* not a KeysAndAttributes member */
        if (ddb_exprs_parse(&g->x, req->arena, spec, DDB_X_PROJ, &err) != 0) {
            ddb_reply_err(req, &err);
            failed = 1;
            break;
        }
        g->t = ddb_req_table(req, name);
        if (!g->t) { failed = 1; break; }
        g->keys = nb_xcalloc(json_array_size(keys), sizeof *g->keys);
        size_t i;
        json_t *k;
        json_array_foreach(keys, i, k) {
            const json_t *h, *r;
            if (ddb_item_validate(k, &err) != 0 || ddb_key_check(g->t, k, &h, &r, &err) != 0 ||
                ddb_item_key(&g->keys[g->n++], g->t, h, r) != 0) {
                if (err.code == NB_OK) ddb_err_set(&err, NB_ERR_VALIDATION, "The provided key element does not match the schema");
                ddb_reply_err(req, &err);
                failed = 1;
                break;
            }
        }
        if (failed) break;
        if (has_dup(g->keys, g->n)) {
            ddb_reply_validation(req, "Provided list of item keys contains duplicates");
            failed = 1;
            break;
        }
    }
    store_txn_t *txn = NULL;
    int rc = failed ? STORE_OK : store_begin(req->ctx->store, STORE_READ, &txn);
    if (!failed && rc != STORE_OK) { ddb_reply_store_error(req, NULL, rc); failed = 1; }
    json_t *resp = json_object(), *unproc = json_object(), *caps = json_array();
    int mode = ddb_rcc_mode(req->json);
    size_t bytes = 0;
    for (size_t t = 0; !failed && t < nt; t++) {
        get_table_t *g = &tabs[t];
        json_t *items = json_array();
        ddb_cap_t c;
        ddb_cap_init(&c, g->t->name, 1);
        int consistent = json_is_true(json_object_get(g->spec, "ConsistentRead"));
        for (size_t i = 0; i < g->n; i++) {
            if (bytes >= BATCH_GET_BYTES) {
                json_t *u = json_object_get(unproc, g->t->name);
                if (!u) {
                    u = json_deep_copy(g->spec);
                    json_object_set_new(u, "Keys", json_array());
                    json_object_set_new(unproc, g->t->name, u);
                }
                json_array_append(json_object_get(u, "Keys"), json_array_get(json_object_get(g->spec, "Keys"), i));
                continue;
            }
            const char *text;
            size_t len;
            uint32_t size = 0;
            rc = ddb_item_read(txn, &g->keys[i], &text, &len, &size);
            c.table_units += ddb_read_units(size, consistent);
            if (rc != STORE_OK) continue;
            bytes += size;
            json_t *item = ddb_item_parse(text, len);
            if (!item) continue;
            if (g->x.proj) {
                json_t *p = ddb_project(item, g->x.proj->paths, g->x.proj->n);
                json_decref(item);
                item = p;
            }
            json_array_append_new(items, item);
        }
        json_object_set_new(resp, g->t->name, items);
        if (mode) json_array_append_new(caps, ddb_cap_json(&c, mode));
    }
    if (txn) store_abort(txn);
    for (size_t t = 0; t < nt; t++) {
        for (size_t i = 0; i < tabs[t].n; i++) nb_buf_free(&tabs[t].keys[i]);
        free(tabs[t].keys);
    }
    if (failed) {
        json_decref(resp); json_decref(unproc); json_decref(caps);
        return;
    }
    json_t *out = json_pack("{s:o,s:o}", "Responses", resp, "UnprocessedKeys", unproc);
    if (mode) json_object_set_new(out, "ConsumedCapacity", caps);
    else json_decref(caps);
    ddb_reply_ok(req, out);
}

void ddb_op_batch_write(nb_req_t *req)
{
    json_t *ri = json_object_get(req->json, "RequestItems");
    if (v_request_items(req, ri, "BatchWriteItem") || v_write_list_sizes(req, ri)) return;
    size_t total = 0;
    const char *name;
    json_t *list;
    json_object_foreach(ri, name, list) total += json_array_size(list);
    if (total > BATCH_WRITE_MAX) {
        ddb_reply_validation(req, "Too many items requested for the BatchWriteItem call");
        return;
    }
    ddb_write_t *ws = nb_xcalloc(total ? total : 1, sizeof *ws);
    nb_buf_t *keys = nb_xcalloc(total ? total : 1, sizeof *keys);
    size_t n = 0;
    ddb_err_t err = DDB_ERR_INIT;
    int failed = 0;
    json_object_foreach(ri, name, list) {
        if (!json_array_size(list)) {
            ddb_reply_validation(req, "1 validation error detected: Value '[]' at 'requestItems.%s.member' "
                                      "failed to satisfy constraint: Member must have length greater than or "
                                      "equal to 1", name);
            failed = 1;
            break;
        }
        const ddb_table_t *t = ddb_req_table(req, name);
        if (!t) { failed = 1; break; }
        size_t first = n, i;
        json_t *wr;
        json_array_foreach(list, i, wr) {
            ddb_write_t *w = &ws[n++];
            ddb_write_init(w);
            w->t = t;
            json_t *put = json_object_get(wr, "PutRequest"), *del = json_object_get(wr, "DeleteRequest");
            if ((put != NULL) == (del != NULL)) {
                ddb_err_set(&err, NB_ERR_VALIDATION, "Supplied WriteRequest has more than one request set, "
                                                    "must contain exactly one of PutRequest or DeleteRequest");
                if (!put && !del)
                    ddb_err_set(&err, NB_ERR_VALIDATION, "1 validation error detected: Value null at "
                                "'requestItems.%s.member.1.member.putRequest' failed to satisfy constraint: "
                                "Member must not be null", name);
                failed = 1;
                break;
            }
            if (put) {
                w->kind = DDB_W_PUT;
                w->item = json_object_get(put, "Item");
                if (ddb_item_validate(w->item, &err) != 0 || put_key_types_check(t, w->item, &err) != 0 ||
                    ddb_write_prepare(w, &err) != 0) { failed = 1; break; }
            } else {
                w->kind = DDB_W_DELETE;
                json_t *k = json_object_get(del, "Key");
                if (ddb_item_validate(k, &err) != 0 || ddb_key_check(t, k, &w->hash, &w->range, &err) != 0 ||
                    ddb_write_prepare(w, &err) != 0) { failed = 1; break; }
            }
        }
        if (failed) {
            ddb_reply_err(req, &err);
            break;
        }
        for (size_t j = first; j < n; j++) keys[j - first] = ws[j].key;
        if (has_dup(keys, n - first)) {
            ddb_reply_validation(req, "Provided list of item keys contains duplicates");
            failed = 1;
            break;
        }
    }
    store_txn_t *txn = NULL;
    int rc = STORE_OK;
    if (!failed) {
        rc = store_begin(req->ctx->store, STORE_WRITE, &txn);
        if (rc != STORE_OK) { ddb_reply_store_error(req, NULL, rc); failed = 1; }
    }
    int mode = ddb_rcc_mode(req->json);
    json_t *caps = json_array(), *metrics = json_object();
    for (size_t i = 0; !failed && i < n; i++) {
        if (ddb_write_exec(txn, &ws[i], req->arena, &err) != 0) {
            store_abort(txn);
            ddb_reply_err(req, &err);
            failed = 1;
            break;
        }
    }
    if (!failed && mode) {
        /* One ConsumedCapacity per table, in request order. */
        for (size_t i = 0; i < n; i++) {
            if (i && ws[i].t == ws[i - 1].t) continue;
            ddb_cap_t c;
            ddb_cap_init(&c, ws[i].t->name, 0);
            for (size_t j = i; j < n && ws[j].t == ws[i].t; j++) ddb_write_capacity(&ws[j], &c);
            json_array_append_new(caps, ddb_cap_json(&c, mode));
        }
    }
    const char *ricm = ddb_jstr(req->json, "ReturnItemCollectionMetrics");
    for (size_t i = 0; !failed && ricm && strcmp(ricm, "SIZE") == 0 && i < n; i++) {
        json_t *m = ddb_write_collection_metrics(&ws[i]);
        if (!m) continue;
        json_t *arr = json_object_get(metrics, ws[i].t->name);
        if (!arr) { arr = json_array(); json_object_set_new(metrics, ws[i].t->name, arr); }
        json_array_append_new(arr, m);
    }
    for (size_t i = 0; i < n; i++) ddb_write_free(&ws[i]);
    free(ws);
    free(keys);
    if (failed) { json_decref(caps); json_decref(metrics); return; }
    json_t *out = json_pack("{s:{}}", "UnprocessedItems");
    if (mode) json_object_set_new(out, "ConsumedCapacity", caps);
    else json_decref(caps);
    if (json_object_size(metrics)) json_object_set_new(out, "ItemCollectionMetrics", metrics);
    else json_decref(metrics);
    ddb_commit_reply(req, txn, out);
}
