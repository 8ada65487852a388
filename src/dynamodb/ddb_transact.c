/* ddb_transact.c — TransactWriteItems and TransactGetItems.
 *
 * All actions of a TransactWriteItems run in one store transaction: either
 * every one is applied (one durable commit) or, when any condition fails or
 * any action is invalid for the stored item, the store transaction is aborted
 * and TransactionCanceledException lists one reason per action, in request
 * order ("None" for the actions that would have succeeded).
 *
 * ClientRequestToken idempotency is ddb_token.c's. */
#include "dynamodb/ddb_ops.h"
#include "dynamodb/ddb_req.h"
#include "dynamodb/ddb_write.h"
#include "dynamodb/ddb_keys.h"
#include "dynamodb/ddb_av.h"
#include "dynamodb/ddb_token.h"
#include "core/alloc.h"
#include "core/util.h"
#include <stdlib.h>
#include <string.h>

#define TXN_MAX_ITEMS 100
/* What one transaction may carry: the items it puts, the keys it names and the
 * values its expressions take - the request, not the items it touches
 * (ScyllaDB Alternator's test_transact.py, run on DynamoDB: fifty 100 KB Puts
 * are refused, thirty pass, and deleting fifty 100 KB items by key passes). */
#define TXN_MAX_PAYLOAD (4u * 1024 * 1024)

static const char *const kinds[] = {"ConditionCheck", "Put", "Delete", "Update"};
/* The members' names in DynamoDB's constraint messages (lower camel case). */
static const char *const kind_paths[] = {"conditionCheck", "put", "delete", "update"};
/* Each action's required members (botocore's order), as request name and message name. */
static const char *const required_of[][7] = {
    {"Key", "key", "TableName", "tableName", "ConditionExpression", "conditionExpression", NULL},
    {"Item", "item", "TableName", "tableName", NULL},
    {"Key", "key", "TableName", "tableName", NULL},
    {"Key", "key", "UpdateExpression", "updateExpression", "TableName", "tableName", NULL},
};
static const char *const required_get[] = {"Key", "key", "TableName", "tableName", NULL};

/* "Value null at 'transactItems.N.member.KIND.MEMBER' ..." for each required
 * member (pairs of names, NULL-ended) spec lacks, into v. */
static void v_required(ddb_vlist_t *v, const json_t *spec, size_t pos, const char *kind,
                       const char *const *members)
{
    char path[96];
    for (size_t i = 0; members[i]; i += 2)
        if (!json_object_get(spec, members[i])) {
            snprintf(path, sizeof path, "transactItems.%zu.member.%s.%s", pos, kind, members[i + 1]);
            ddb_v_add(v, "null", path, "Member must not be null");
        }
}
static const int kind_of[] = {DDB_W_CHECK, DDB_W_PUT, DDB_W_DELETE, DDB_W_UPDATE};

/* The constraint violations of TransactItems member `pos` (1-based) whose
 * action is kinds[k], as DynamoDB words them ("Value null at
 * 'transactItems.2.member.update.updateExpression' ..."); 0 or -1 with err. */
static int action_constraints(const json_t *spec, int k, size_t pos, ddb_err_t *err)
{
    static const char *const rvf_all[] = {"ALL_OLD", "NONE", NULL};
    char path[96];
    ddb_vlist_t v = DDB_VLIST_INIT;
    snprintf(path, sizeof path, "transactItems.%zu.member.%s.returnValuesOnConditionCheckFailure", pos, kind_paths[k]);
    ddb_v_enum(&v, json_object_get(spec, "ReturnValuesOnConditionCheckFailure"), path, rvf_all);
    v_required(&v, spec, pos, kind_paths[k], required_of[k]);
    int rc = v.n ? ddb_err_set(err, NB_ERR_VALIDATION, "%d validation error%s detected: %s", v.n,
                               v.n == 1 ? "" : "s", v.msgs.data) : 0;
    nb_buf_free(&v.msgs);
    return rc;
}

static int empty_index_key_set(const ddb_write_t *w, ddb_err_t *err);

/* Parse TransactItems member `pos` (1-based) into w; -1 with err
 * (ResourceNotFound when the table is unknown). */
static int parse_action(nb_req_t *req, const json_t *ti, size_t pos, ddb_write_t *w, json_t **spec_out,
                        ddb_err_t *err)
{
    json_t *spec = NULL;
    int k = -1;
    for (int i = 0; i < 4; i++) {
        json_t *s = json_object_get(ti, kinds[i]);
        if (!s) continue;
        if (spec)
            return ddb_err_set(err, NB_ERR_VALIDATION,
                               "TransactItems can only contain one of Check, Put, Update or Delete");
        spec = s;
        k = i;
    }
    if (!spec)
        return ddb_err_set(err, NB_ERR_VALIDATION,
                           "TransactItems can only contain one of Check, Put, Update or Delete");
    *spec_out = spec;
    w->kind = kind_of[k];
    if (action_constraints(spec, k, pos, err) != 0) return -1;
    unsigned which = DDB_X_COND | (w->kind == DDB_W_UPDATE ? DDB_X_UPDATE : 0);
    if (w->kind == DDB_W_PUT) {
        w->item = json_object_get(spec, "Item");
        if (ddb_item_validate(w->item, err) != 0) return -1;
    } else if (ddb_item_validate(json_object_get(spec, "Key"), err) != 0) {
        return -1;
    }
    if (ddb_exprs_parse(&w->x, req->arena, spec, which, err) != 0) return -1;
    const char *tn = ddb_jstr(spec, "TableName");
    w->t = tn ? ddb_table_get(tn) : NULL;
    if (tn && !w->t && strncmp(tn, "arn:", 4) == 0) {
        const char *n = ddb_arn_table_name(req, tn);
        if (n) w->t = ddb_table_get(n);
    }
    if (w->t && w->t->creating) w->t = NULL;   /* being restored */
    if (!w->t) return ddb_err_set(err, NB_ERR_DDB_RESOURCE_NOT_FOUND, "Requested resource not found");
    if (w->kind != DDB_W_PUT &&
        ddb_key_check(w->t, json_object_get(spec, "Key"), &w->hash, &w->range, err) != 0)
        return -1;
    if (ddb_write_prepare(w, err) != 0) return -1;
    return w->kind == DDB_W_UPDATE && w->x.upd ? empty_index_key_set(w, err) : 0;
}

/* An Update setting an index key straight to an empty string or binary is
 * refused with the request, before the transaction runs (nubo-db/dynamodb-
 * conformance tier2/transactions/transactWrite.test.ts, measured on DynamoDB);
 * a wrong type found there cancels the transaction instead. */
static int empty_index_key_set(const ddb_write_t *w, ddb_err_t *err)
{
    for (size_t j = 0; j < w->t->n_idx; j++) {
        const ddb_index_t *ix = &w->t->idx[j];
        const char *ik[2] = {ix->ks.hash, ix->ks.range};
        for (int i = 0; i < 2; i++) {
            const json_t *v = ik[i] ? ddb_update_set_value(w->x.upd, ik[i]) : NULL;
            const char *sv = v ? ddb_jstr(v, "S") : NULL, *bv = v ? ddb_jstr(v, "B") : NULL;
            if ((sv && !*sv) || (bv && !*bv))
                return ddb_err_set(err, NB_ERR_VALIDATION, "One or more parameter values are not valid. A value "
                                   "specified for a secondary index key is not supported. The AttributeValue for a "
                                   "key attribute cannot contain an empty string value. IndexName: %s, IndexKey: %s",
                                   ix->name, ik[i]);
        }
    }
    return 0;
}

/* Is err, from parsing action w (spec), a key value of the wrong type or not
 * a scalar? DynamoDB finds those while running the transaction and cancels it
 * with a ValidationError reason for the action (nubo-db/dynamodb-conformance
 * tier2/transactions/transactWrite.test.ts); every other fault in a request
 * is refused before it runs. */
static int runtime_key_fault(const ddb_write_t *w, const json_t *spec, const ddb_err_t *err)
{
    if (!w->t || err->code != NB_ERR_VALIDATION || !err->msg) return 0;
    if (strstr(err->msg, "Type mismatch for key ") || strstr(err->msg, "Type mismatch for Index Key "))
        return w->kind == DDB_W_PUT;
    if (w->kind == DDB_W_PUT || !strstr(err->msg, "does not match the schema")) return 0;
    /* a lookup Key naming exactly the key attributes: only a value can be wrong */
    const json_t *key = json_object_get(spec, "Key");
    size_t want = 1 + (w->t->ks.range != NULL);
    return json_object_size(key) == want && json_object_get(key, w->t->ks.hash) &&
           (!w->t->ks.range || json_object_get(key, w->t->ks.range));
}

/* ConsumedCapacity (one entry per table) of the n writes for mode. */
static json_t *capacity(const ddb_write_t *ws, size_t n, int mode)
{
    json_t *caps = json_array();
    for (size_t i = 0; i < n; i++) {
        int seen = 0;
        for (size_t j = 0; j < i; j++) seen |= ws[j].t == ws[i].t;
        if (seen) continue;
        ddb_cap_t c;
        ddb_cap_init(&c, ws[i].t->name, 0);
        for (size_t j = i; j < n; j++) {
            if (ws[j].t != ws[i].t) continue;
            ddb_write_capacity(&ws[j], &c);
        }
        c.table_units *= 2;   /* transactional writes cost two units per item */
        c.split = 1;
        json_array_append_new(caps, ddb_cap_json(&c, mode));
    }
    return caps;
}

/* What a same-token replay reports (TOTAL mode, one entry per table): the
 * transactional read of the stored result, two read units per 4 KB of each
 * item, recomputed from its size rather than the write's figure
 * (nubo-db/dynamodb-conformance tier2/transactions/transactWrite.test.ts:
 * a 1.5 KB item written for 4 WCU replays for 2 RCU). */
static json_t *replay_capacity(const ddb_write_t *ws, size_t n)
{
    json_t *caps = json_array();
    for (size_t i = 0; i < n; i++) {
        int seen = 0;
        for (size_t j = 0; j < i; j++) seen |= ws[j].t == ws[i].t;
        if (seen) continue;
        double u = 0;
        for (size_t j = i; j < n; j++)
            if (ws[j].t == ws[i].t)
                u += 2 * ddb_read_units(ws[j].new_size > ws[j].old_size ? ws[j].new_size : ws[j].old_size, 1);
        json_array_append_new(caps, json_pack("{s:s,s:f}", "TableName", ws[i].t->name, "CapacityUnits", u));
    }
    return caps;
}

void ddb_op_transact_write(nb_req_t *req)
{
    json_t *items = json_object_get(req->json, "TransactItems");
    size_t n = json_array_size(items);
    ddb_vlist_t v = DDB_VLIST_INIT;
    ddb_v_list(&v, items, "transactItems", TXN_MAX_ITEMS);
    const char *token = ddb_jstr(req->json, "ClientRequestToken");
    ddb_token_validate(&v, token);
    if (ddb_v_reply(req, &v)) return;

    ddb_write_t *ws = nb_xcalloc(n, sizeof *ws);
    json_t **specs = nb_xcalloc(n, sizeof *specs);
    char **deferred = nb_xcalloc(n, sizeof *deferred);   /* a runtime key fault's message, by action */
    ddb_err_t err = DDB_ERR_INIT;
    size_t parsed = 0;
    int failed = 0;
    for (size_t i = 0; i < n; i++, parsed++) {
        ddb_write_init(&ws[i]);
        if (parse_action(req, json_array_get(items, i), i + 1, &ws[i], &specs[i], &err) != 0) {
            if (runtime_key_fault(&ws[i], specs[i], &err)) {
                deferred[i] = err.msg;
                err.msg = NULL;
                err.code = NB_OK;
                continue;
            }
            parsed++;
            failed = 1;
            break;
        }
        for (size_t j = 0; j < i; j++) {
            if (deferred[j]) continue;
            if (ws[j].t == ws[i].t && ws[j].key.len == ws[i].key.len &&
                memcmp(ws[j].key.data, ws[i].key.data, ws[i].key.len) == 0) {
                ddb_err_set(&err, NB_ERR_VALIDATION,
                            "Transaction request cannot include multiple operations on one item");
                parsed++;
                failed = 1;
                break;
            }
        }
        if (failed) break;
    }
    if (failed) goto done;
    size_t payload = 0;
    for (size_t i = 0; i < n; i++) {
        payload += ddb_item_size(ws[i].kind == DDB_W_PUT ? ws[i].item : json_object_get(specs[i], "Key"));
        payload += ddb_item_size(json_object_get(specs[i], "ExpressionAttributeValues"));
    }
    if (payload > TXN_MAX_PAYLOAD) {
        /* Alternator pins "size cannot exceed"; the rest of the wording is ours */
        ddb_err_set(&err, NB_ERR_VALIDATION, "Transaction payload size cannot exceed 4 MB");
        goto done;
    }

    char hash[65];
    ddb_token_hash(req->json, hash);
    store_txn_t *txn;
    int rc = store_begin(req->ctx->store, STORE_WRITE, &txn);
    if (rc != STORE_OK) { ddb_reply_store_error(req, NULL, rc); goto out; }
    if (ddb_token_replay(req, txn, token, hash)) goto out;
    json_t *reasons = json_array();
    int canceled = 0;
    /* The first action with a runtime key fault cancels the transaction before any
     * action runs: it alone has a ValidationError, every other action (a later
     * fault too) a "None" (Alternator's test_transact_write_cancellation_reasons_
     * validationerror, run on DynamoDB). */
    size_t fault = n;
    for (size_t i = 0; i < n && fault == n; i++)
        if (deferred[i]) fault = i;
    canceled = fault < n;
    for (size_t i = 0; i < n; i++) {
        if (fault < n) {
            json_array_append_new(reasons, i == fault ? json_pack("{s:s,s:s}", "Code", "ValidationError", "Message",
                                                                  deferred[i]) : json_pack("{s:s}", "Code", "None"));
            continue;
        }
        ddb_err_t e = DDB_ERR_INIT;
        int r = ddb_write_exec(txn, &ws[i], req->arena, &e);
        if (r == 0) {
            json_array_append_new(reasons, json_pack("{s:s}", "Code", "None"));
        } else if (r == 1) {
            json_t *reason = json_pack("{s:s,s:s}", "Code", "ConditionalCheckFailed",
                                       "Message", "The conditional request failed");
            const char *rvf = ddb_jstr(specs[i], "ReturnValuesOnConditionCheckFailure");
            if (rvf && strcmp(rvf, "ALL_OLD") == 0 && ws[i].old)
                json_object_set(reason, "Item", ws[i].old);
            json_array_append_new(reasons, reason);
            canceled = 1;
        } else {
            json_array_append_new(reasons, json_pack("{s:s,s:s}", "Code", "ValidationError",
                                                     "Message", e.msg ? e.msg : ""));
            ddb_err_free(&e);
            canceled = 1;
        }
    }
    if (canceled) {
        store_abort(txn);
        ddb_reply_txn_canceled(req, reasons);
        goto out;
    }
    json_decref(reasons);
    json_t *resp = json_object();
    int mode = ddb_rcc_mode(req->json);
    if (mode) json_object_set_new(resp, "ConsumedCapacity", capacity(ws, n, mode));
    json_t *total = token ? replay_capacity(ws, n) : NULL;
    rc = token ? ddb_token_store(txn, token, hash, resp, total) : STORE_OK;
    json_decref(total);
    if (rc != STORE_OK) {
        json_decref(resp);
        ddb_reply_store_error(req, txn, rc);
        goto out;
    }
    ddb_commit_reply(req, txn, resp);
    goto out;
done:
    ddb_reply_err(req, &err);
out:
    for (size_t i = 0; i < parsed && i < n; i++) ddb_write_free(&ws[i]);
    for (size_t i = 0; i < n; i++) free(deferred[i]);
    free(deferred);
    free(ws);
    free(specs);
}

void ddb_op_transact_get(nb_req_t *req)
{
    json_t *items = json_object_get(req->json, "TransactItems");
    size_t n = json_array_size(items);
    ddb_vlist_t v = DDB_VLIST_INIT;
    ddb_v_list(&v, items, "transactItems", TXN_MAX_ITEMS);
    if (ddb_v_reply(req, &v)) return;
    ddb_err_t err = DDB_ERR_INIT;
    const ddb_table_t **tabs = nb_arena_calloc(req->arena, n * sizeof *tabs);
    ddb_exprs_t *xs = nb_arena_calloc(req->arena, n * sizeof *xs);
    nb_buf_t *keys = nb_xcalloc(n, sizeof *keys);
    int failed = 0;
    for (size_t i = 0; i < n && !failed; i++) {
        json_t *g = json_object_get(json_array_get(items, i), "Get");
        json_t *k = json_object_get(g, "Key");
        const json_t *h, *r;
        json_object_del(g, "ExpressionAttributeValues");   /* not a Get member */
        ddb_vlist_t missing = DDB_VLIST_INIT;
        if (g) v_required(&missing, g, i + 1, "get", required_get);
        if (!g) {
            ddb_err_set(&err, NB_ERR_VALIDATION, "1 validation error detected: Value null at "
                        "'transactItems.%zu.member.get' failed to satisfy constraint: Member must not be null", i + 1);
            failed = 1;
        } else if (missing.n) {
            ddb_err_set(&err, NB_ERR_VALIDATION, "%d validation error%s detected: %s", missing.n,
                        missing.n == 1 ? "" : "s", missing.msgs.data);
            failed = 1;
        } else if (ddb_item_validate(k, &err) != 0 ||
                   ddb_exprs_parse(&xs[i], req->arena, g, DDB_X_PROJ, &err) != 0) {
            failed = 1;
        } else if (!(tabs[i] = ddb_table_get(ddb_jstr(g, "TableName"))) || tabs[i]->creating) {
            ddb_err_set(&err, NB_ERR_DDB_RESOURCE_NOT_FOUND, "Requested resource not found");
            failed = 1;
        } else if (ddb_key_check(tabs[i], k, &h, &r, &err) != 0 || ddb_item_key(&keys[i], tabs[i], h, r) != 0) {
            if (err.code == NB_OK) ddb_err_set(&err, NB_ERR_VALIDATION, "The provided key element does not match the schema");
            failed = 1;
        }
        nb_buf_free(&missing.msgs);
        for (size_t j = 0; j < i && !failed; j++) {   /* as TransactWriteItems: one action per item */
            if (tabs[j] == tabs[i] && keys[j].len == keys[i].len && memcmp(keys[j].data, keys[i].data, keys[i].len) == 0) {
                ddb_err_set(&err, NB_ERR_VALIDATION, "Transaction request cannot include multiple operations on one item");
                failed = 1;
            }
        }
    }
    store_txn_t *txn = NULL;
    int rc = STORE_OK;
    if (failed) {
        ddb_reply_err(req, &err);
    } else if ((rc = store_begin(req->ctx->store, STORE_READ, &txn)) != STORE_OK) {
        ddb_reply_store_error(req, NULL, rc);
        failed = 1;
    }
    if (!failed) {
        json_t *resps = json_array();
        int mode = ddb_rcc_mode(req->json);
        json_t *caps = json_array();
        for (size_t i = 0; i < n; i++) {
            const char *text;
            size_t len;
            uint32_t size = 0;
            json_t *item = NULL;
            if (ddb_item_read(txn, &keys[i], &text, &len, &size) == STORE_OK) item = ddb_item_parse(text, len);
            if (item && xs[i].proj) {
                json_t *p = ddb_project(item, xs[i].proj->paths, xs[i].proj->n);
                json_decref(item);
                item = p;
                /* a projection matching nothing omits Item, unlike GetItem's {}
                 * (nubo-db/dynamodb-conformance tier2/transactions/transactGet.test.ts) */
                if (item && !json_object_size(item)) { json_decref(item); item = NULL; }
            }
            json_array_append_new(resps, item ? json_pack("{s:o}", "Item", item) : json_object());
            if (mode) {
                ddb_cap_t c;
                ddb_cap_init(&c, tabs[i]->name, 1);
                c.table_units = 2 * ddb_read_units(size, 1);
                c.split = 1;
                json_array_append_new(caps, ddb_cap_json(&c, mode));
            }
        }
        store_abort(txn);
        json_t *out = json_pack("{s:o}", "Responses", resps);
        if (mode) json_object_set_new(out, "ConsumedCapacity", caps);
        else json_decref(caps);
        ddb_reply_ok(req, out);
    }
    for (size_t i = 0; i < n; i++) nb_buf_free(&keys[i]);
    free(keys);
}
