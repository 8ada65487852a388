/* ddb_update_table.c — UpdateTable: billing mode and throughput, streams,
 * deletion protection, and global secondary index create / update / delete.
 *
 * A created GSI is stored CREATING (Backfilling) with a backfill cursor and
 * filled in the background in bounded chunks (ddb_backfill.c); it turns
 * ACTIVE once every item is indexed. The response reports it CREATING (not
 * yet backfilling) and the table UPDATING, as DynamoDB does. A deleted GSI's
 * entries are purged in the background (ddb_purge.c); deleting an index
 * still being backfilled also drops its cursor, which stops the backfill. */
#include "dynamodb/ddb_ops.h"
#include "dynamodb/ddb_req.h"
#include "dynamodb/ddb_schema.h"
#include "dynamodb/ddb_describe.h"
#include "dynamodb/ddb_item_store.h"
#include "dynamodb/ddb_purge.h"
#include "dynamodb/ddb_backfill.h"
#include "core/util.h"
#include <stdio.h>
#include <string.h>

typedef struct upd {
    const char *created;     /* name of a GSI to backfill (arena) */
    uint8_t created_num;     /* its Num */
    uint8_t deleted_num;     /* Num of a deleted GSI (0: none) */
    uint32_t tnum;
} upd_t;

static int work(store_txn_t *txn, const ddb_table_t *nt, void *arg)
{
    (void)nt;
    upd_t *u = arg;
    int rc = STORE_OK;
    if (u->deleted_num) {
        /* entries go in the background; the stats row and any backfill go now */
        unsigned char p[5] = {(unsigned char)(u->tnum >> 24), (unsigned char)(u->tnum >> 16),
                              (unsigned char)(u->tnum >> 8), (unsigned char)u->tnum, u->deleted_num};
        rc = ddb_purge_enqueue(txn, p, 5, DDB_KS_INDEX);
        if (rc == STORE_OK) {
            rc = store_del(txn, DDB_KS_STATS, p, 5);
            if (rc == STORE_NOTFOUND) rc = STORE_OK;
        }
        if (rc == STORE_OK) rc = ddb_backfill_cancel(txn, u->tnum, u->deleted_num);
    }
    if (rc == STORE_OK && u->created) {
        rc = ddb_backfill_enqueue(txn, u->tnum, u->created_num);
        /* the driver's next turn of the loop comes after this commit */
        if (rc == STORE_OK) ddb_backfill_kick();
    }
    return rc;
}

static json_t *respond(nb_req_t *req, const ddb_table_t *nt, store_txn_t *txn, void *arg)
{
    upd_t *u = arg;
    json_t *d = ddb_table_description(req, nt, txn, "UPDATING");
    size_t i;
    json_t *g;
    json_array_foreach(json_object_get(d, "GlobalSecondaryIndexes"), i, g) {
        if (u->created && strcmp(ddb_jstr(g, "IndexName"), u->created) == 0)
            json_object_set_new(g, "Backfilling", json_false());   /* resources first, then the backfill */
    }
    return json_pack("{s:o}", "TableDescription", d);
}

static json_t *throughput(const json_t *pt)
{
    return json_pack("{s:i,s:I,s:I}", "NumberOfDecreasesToday", 0,
                     "ReadCapacityUnits", pt ? json_integer_value(json_object_get(pt, "ReadCapacityUnits")) : (json_int_t)0,
                     "WriteCapacityUnits", pt ? json_integer_value(json_object_get(pt, "WriteCapacityUnits")) : (json_int_t)0);
}

/* Merge the request's AttributeDefinitions into doc's. An attribute already
 * defined keeps its stored type, even when the request names another: DynamoDB
 * accepts such a redeclaration and changes nothing (nubo-db/dynamodb-conformance
 * tier2/updateTable/gsi.test.ts, eu-west-2, 2026-07-12). */
static void merge_attrdefs(json_t *doc, const json_t *add)
{
    json_t *ad = json_object_get(doc, "AttributeDefinitions");
    size_t i;
    json_t *d;
    json_array_foreach(add, i, d) {
        const char *n = ddb_jstr(d, "AttributeName"), *ty = ddb_jstr(d, "AttributeType");
        if (n && ty && !ddb_schema_attr_type(ad, n)) json_array_append(ad, d);
    }
}

/* req_defs: the request's own AttributeDefinitions, which must name every key
 * attribute of a new index, even one the table defines already (the API
 * reference's "must include the key element(s) of the new index"; measured in
 * nubo-db/dynamodb-conformance tier2/updateTable/gsi.test.ts). */
static int gsi_updates(json_t *doc, const json_t *updates, const json_t *req_defs, const ddb_table_t *t, upd_t *u,
                       ddb_err_t *err)
{
    json_t *gsis = json_object_get(doc, "GlobalSecondaryIndexes");
    int prov = strcmp(ddb_jstr(json_object_get(doc, "BillingModeSummary"), "BillingMode") ?
                      ddb_jstr(json_object_get(doc, "BillingModeSummary"), "BillingMode") : "PROVISIONED",
                      "PROVISIONED") == 0;
    size_t i, j, changes = 0;
    json_t *up, *g;
    const char *building = NULL;       /* a GSI still being backfilled */
    for (size_t k = 0; k < t->n_idx; k++)
        if (!t->idx[k].active) building = t->idx[k].name;
    json_array_foreach(updates, i, up) {
        json_t *c = json_object_get(up, "Create"), *dl = json_object_get(up, "Delete"), *ud = json_object_get(up, "Update");
        const char *target = ddb_jstr(c ? c : dl, "IndexName");
        if ((c || dl) && building && !(dl && target && strcmp(target, building) == 0))
            return ddb_err_set(err, NB_ERR_DDB_LIMIT_EXCEEDED,
                               "Subscriber limit exceeded: Only 1 online index can be created or deleted "
                               "simultaneously per table");
        if (c) {
            const char *name = ddb_jstr(c, "IndexName");
            if (!name || ddb_table_index(t, name))
                return ddb_err_set(err, NB_ERR_VALIDATION,
                                   "One or more parameter values were invalid: Index already exists: %s",
                                   name ? name : "");
            int num = (int)json_integer_value(json_object_get(doc, "NextIndexNum"));
            if (num < 1) num = (int)t->n_idx + 1;
            if (num > 255)
                return ddb_err_set(err, NB_ERR_DDB_LIMIT_EXCEEDED, "Too many indexes created for this table");
            json_t *ix = ddb_schema_index_doc(c, 0, json_object_get(doc, "AttributeDefinitions"),
                                              t->ks.hash, prov, num, err);
            if (!ix) return -1;
            if (ddb_schema_keys_defined(json_object_get(c, "KeySchema"), req_defs, err) != 0) {
                json_decref(ix);
                return -1;
            }
            if (!gsis) { gsis = json_array(); json_object_set_new(doc, "GlobalSecondaryIndexes", gsis); }
            if (json_array_size(gsis) >= 20) {
                json_decref(ix);
                return ddb_err_set(err, NB_ERR_DDB_LIMIT_EXCEEDED,
                                   "Subscriber limit exceeded: The number of global secondary indexes exceeds the "
                                   "per-table limit of 20");
            }
            json_object_set_new(ix, "IndexStatus", json_string("CREATING"));
            json_object_set_new(ix, "Backfilling", json_true());
            json_array_append_new(gsis, ix);
            json_object_set_new(doc, "NextIndexNum", json_integer(num + 1));
            u->created = name;
            u->created_num = (uint8_t)num;
            changes++;
        } else if (dl) {
            const char *name = ddb_jstr(dl, "IndexName");
            int found = -1;
            json_array_foreach(gsis, j, g) if (name && strcmp(ddb_jstr(g, "IndexName"), name) == 0) found = (int)j;
            if (found < 0)
                return ddb_err_set(err, NB_ERR_DDB_RESOURCE_NOT_FOUND,
                                   "Requested resource not found: Requested index %s not found", name ? name : "");
            u->deleted_num = (uint8_t)json_integer_value(json_object_get(json_array_get(gsis, (size_t)found), "Num"));
            json_array_remove(gsis, (size_t)found);
            if (!json_array_size(gsis)) json_object_del(doc, "GlobalSecondaryIndexes");
            changes++;
        } else if (ud) {
            const char *name = ddb_jstr(ud, "IndexName");
            int found = 0;
            json_array_foreach(gsis, j, g) {
                if (name && strcmp(ddb_jstr(g, "IndexName"), name) == 0) {
                    json_object_set_new(g, "ProvisionedThroughput", throughput(json_object_get(ud, "ProvisionedThroughput")));
                    found = 1;
                }
            }
            if (!found)
                return ddb_err_set(err, NB_ERR_DDB_RESOURCE_NOT_FOUND,
                                   "Requested resource not found: Requested index %s not found", name ? name : "");
        }
    }
    if (changes > 1)
        return ddb_err_set(err, NB_ERR_DDB_LIMIT_EXCEEDED,
                           "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously "
                           "per table");
    return 0;
}

static int stream_update(json_t *doc, const json_t *ss, const ddb_table_t *t, ddb_err_t *err)
{
    int enable = json_is_true(json_object_get(ss, "StreamEnabled"));
    if (enable && t->stream_enabled)
        return ddb_err_set(err, NB_ERR_VALIDATION, "Table already has an enabled stream: %s", t->name);
    if (!enable && !t->stream_enabled)
        return ddb_err_set(err, NB_ERR_VALIDATION, "Stream is already disabled for table: %s", t->name);
    if (enable) {
        const char *vt = ddb_jstr(ss, "StreamViewType");
        if (!vt)
            return ddb_err_set(err, NB_ERR_VALIDATION,
                               "One or more parameter values were invalid: You must specify a StreamViewType when "
                               "enabling a stream");
        char label[40];
        nb_iso8601_ms(nb_wall_ms(), label, sizeof label);
        label[strlen(label) - 1] = 0;
        json_object_set_new(doc, "StreamSpecification", json_pack("{s:b,s:s}", "StreamEnabled", 1, "StreamViewType", vt));
        json_object_set_new(doc, "LatestStreamLabel", json_string(label));
    } else {
        json_object_set_new(doc, "StreamSpecification", json_pack("{s:b}", "StreamEnabled", 0));
    }
    return 0;
}

static int in_schema(const json_t *ks, const char *name)
{
    size_t i;
    json_t *e;
    json_array_foreach(ks, i, e) if (strcmp(ddb_jstr(e, "AttributeName") ? ddb_jstr(e, "AttributeName") : "", name) == 0) return 1;
    return 0;
}

/* Keep only the attribute definitions some key schema still uses (after a GSI
 * is deleted DynamoDB drops the definitions only it needed). */
static void prune_attrdefs(json_t *doc)
{
    json_t *ad = json_object_get(doc, "AttributeDefinitions");
    for (size_t i = json_array_size(ad); i-- > 0;) {
        const char *n = ddb_jstr(json_array_get(ad, i), "AttributeName");
        int used = n && in_schema(json_object_get(doc, "KeySchema"), n);
        const char *kinds[] = {"GlobalSecondaryIndexes", "LocalSecondaryIndexes"};
        for (int k = 0; k < 2 && !used; k++) {
            size_t j;
            json_t *ix;
            json_array_foreach(json_object_get(doc, kinds[k]), j, ix)
                if (n && in_schema(json_object_get(ix, "KeySchema"), n)) used = 1;
        }
        if (!used) json_array_remove(ad, i);
    }
}

void ddb_op_update_table(nb_req_t *req)
{
    json_t *b = req->json;
    static const char *const billing_modes[] = {"PROVISIONED", "PAY_PER_REQUEST", NULL};
    if (ddb_req_table_name_present(req)) return;
    ddb_vlist_t v = DDB_VLIST_INIT;
    ddb_v_table_name(&v, json_object_get(b, "TableName"), "tableName", DDB_TN_REQUIRED | DDB_TN_ARN);
    ddb_v_enum(&v, json_object_get(b, "BillingMode"), "billingMode", billing_modes);
    ddb_schema_v_throughput(&v, json_object_get(b, "ProvisionedThroughput"), "provisionedThroughput");
    ddb_schema_v_attrdefs(&v, json_object_get(b, "AttributeDefinitions"), 0);
    if (ddb_v_reply(req, &v)) return;
    const ddb_table_t *t = ddb_req_table_named(req, ddb_jstr(b, "TableName"));
    if (!t) return;
    const json_t *pt = json_object_get(b, "ProvisionedThroughput");
    const char *bm = ddb_jstr(b, "BillingMode");
    const json_t *gu = json_object_get(b, "GlobalSecondaryIndexUpdates");
    const json_t *ss = json_object_get(b, "StreamSpecification");
    const json_t *dp = json_object_get(b, "DeletionProtectionEnabled");
    const char *tc = ddb_jstr(b, "TableClass");
    json_t *odt = ddb_schema_on_demand(json_object_get(b, "OnDemandThroughput"));
    if (!pt && !bm && !gu && !ss && !dp && !tc && !odt && !json_object_get(b, "SSESpecification")) {
        ddb_reply_validation(req, "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
                                  "GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required");
        return;
    }
    ddb_err_t err = DDB_ERR_INIT;
    json_t *doc = json_deep_copy(t->doc);
    if (odt) json_object_set_new(doc, "OnDemandThroughput", odt);
    upd_t u = {NULL, 0, 0, t->num};
    /* from the table, not the copy: the copy's summary is replaced below */
    const json_t *bms = json_object_get(t->doc, "BillingModeSummary");
    const char *cur = ddb_jstr(bms, "BillingMode") ? ddb_jstr(bms, "BillingMode") : "PROVISIONED";
    const char *mode = bm ? bm : cur;
    if (strcmp(mode, "PAY_PER_REQUEST") == 0 && pt) {
        ddb_err_set(&err, NB_ERR_VALIDATION,
                    "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits "
                    "can be specified when BillingMode is PAY_PER_REQUEST");
        goto fail;
    }
    if (bm && strcmp(bm, "PROVISIONED") == 0 && strcmp(cur, "PROVISIONED") != 0 && !pt) {
        ddb_err_set(&err, NB_ERR_VALIDATION,
                    "One or more parameter values were invalid: ProvisionedThroughput must be specified when "
                    "BillingMode is PROVISIONED");
        goto fail;
    }
    if (bm) {
        json_t *nb = json_pack("{s:s}", "BillingMode", bm);
        if (strcmp(bm, "PAY_PER_REQUEST") == 0)
            json_object_set_new(nb, "LastUpdateToPayPerRequestDateTime", json_real((double)nb_wall_ms() / 1000.0));
        json_object_set_new(doc, "BillingModeSummary", nb);
        if (strcmp(bm, "PAY_PER_REQUEST") == 0) json_object_set_new(doc, "ProvisionedThroughput", throughput(NULL));
    }
    /* the same throughput again, alone or with BillingMode PROVISIONED on a provisioned table, is no change */
    if (pt && (!bm || strcmp(cur, "PROVISIONED") == 0) && !gu && !ss && !dp && !tc) {
        const json_t *cpt = json_object_get(t->doc, "ProvisionedThroughput");
        json_int_t cr = json_integer_value(json_object_get(cpt, "ReadCapacityUnits"));
        json_int_t cw = json_integer_value(json_object_get(cpt, "WriteCapacityUnits"));
        json_int_t rr = json_integer_value(json_object_get(pt, "ReadCapacityUnits"));
        json_int_t rw = json_integer_value(json_object_get(pt, "WriteCapacityUnits"));
        if (cr == rr && cw == rw) {
            ddb_err_set(&err, NB_ERR_VALIDATION,
                        "The provisioned throughput for the table will not change. The requested value equals "
                        "the current value. Current ReadCapacityUnits provisioned for the table: %lld. Requested "
                        "ReadCapacityUnits: %lld. Current WriteCapacityUnits provisioned for the table: %lld. "
                        "Requested WriteCapacityUnits: %lld. Refer to the Amazon DynamoDB Developer Guide for "
                        "current limits and how to request higher limits.",
                        (long long)cr, (long long)rr, (long long)cw, (long long)rw);
            goto fail;
        }
    }
    if (pt) json_object_set_new(doc, "ProvisionedThroughput", throughput(pt));
    merge_attrdefs(doc, json_object_get(b, "AttributeDefinitions"));
    if (gu && gsi_updates(doc, gu, json_object_get(b, "AttributeDefinitions"), t, &u, &err) != 0) goto fail;
    if (u.deleted_num) prune_attrdefs(doc);
    if (ss && stream_update(doc, ss, t, &err) != 0) goto fail;
    if (dp) json_object_set_new(doc, "DeletionProtectionEnabled", json_boolean(json_is_true(dp)));
    if (tc) json_object_set_new(doc, "TableClassSummary", json_pack("{s:s}", "TableClass", tc));
    if (u.created) u.created = nb_arena_strdup(req->arena, u.created);
    ddb_commit_doc(req, doc, work, respond, &u);
    return;
fail:
    json_decref(doc);
    ddb_reply_err(req, &err);
}
