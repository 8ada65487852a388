/* ddb_pitr.c — point-in-time recovery settings: UpdateContinuousBackups and
 * DescribeContinuousBackups.
 *
 * The setting of a table lives beside its doc, so UpdateTable and
 * DescribeTable never see it:
 *   ddb.meta  "pitr/" · be32(tnum)  →  {"Enabled": bool, "Days": n, "Since": t}
 * (table numbers are never reused: a table created again under the same name
 * starts with PITR off, as on AWS); DeleteTable drops it (ddb_pitr_forget).
 *
 * What nimbus restores: the table as it is at the moment of the restore
 * (RestoreTableToPointInTime with UseLatestRestorableTime, ddb_restore.c); it
 * keeps no history of older states. So the restorable window it reports is
 * that moment only: EarliestRestorableDateTime = LatestRestorableDateTime =
 * now, which is what can honestly be restored. */
#include "dynamodb/ddb_ops.h"
#include "dynamodb/ddb_pitr.h"
#include "dynamodb/ddb_req.h"
#include "dynamodb/ddb_item_store.h"
#include "core/util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void pitr_key(nb_buf_t *k, uint32_t tnum)
{
    nb_buf_puts(k, "pitr/");
    ddb_put_tnum(k, tnum);
}

int ddb_pitr_get(store_txn_t *txn, uint32_t tnum, json_t **rec)
{
    nb_buf_t k = NB_BUF_INIT;
    pitr_key(&k, tnum);
    const void *v;
    size_t vl;
    *rec = NULL;
    int rc = store_get(txn, DDB_KS_META, k.data, k.len, &v, &vl);
    nb_buf_free(&k);
    if (rc == STORE_OK) *rec = json_loadb(v, vl, 0, NULL);
    return rc == STORE_NOTFOUND ? STORE_OK : rc;
}

int ddb_pitr_enabled(store_txn_t *txn, uint32_t tnum, int *on)
{
    json_t *rec;
    int rc = ddb_pitr_get(txn, tnum, &rec);
    *on = json_is_true(json_object_get(rec, "Enabled"));
    json_decref(rec);
    return rc;
}

int ddb_pitr_forget(store_txn_t *txn, uint32_t tnum)
{
    nb_buf_t k = NB_BUF_INIT;
    pitr_key(&k, tnum);
    int rc = store_del(txn, DDB_KS_META, k.data, k.len);
    nb_buf_free(&k);
    return rc == STORE_NOTFOUND ? STORE_OK : rc;
}

static json_t *describe(const json_t *rec)
{
    json_t *p;
    if (json_is_true(json_object_get(rec, "Enabled"))) {
        double now = (double)nb_wall_ms() / 1000.0;
        p = json_pack("{s:s,s:I,s:f,s:f}", "PointInTimeRecoveryStatus", "ENABLED",
                      "RecoveryPeriodInDays", json_integer_value(json_object_get(rec, "Days")),
                      "EarliestRestorableDateTime", now, "LatestRestorableDateTime", now);
    } else {
        p = json_pack("{s:s}", "PointInTimeRecoveryStatus", "DISABLED");
    }
    return json_pack("{s:{s:s,s:o}}", "ContinuousBackupsDescription", "ContinuousBackupsStatus", "ENABLED",
                     "PointInTimeRecoveryDescription", p);
}

void ddb_op_describe_continuous_backups(nb_req_t *req)
{
    ddb_vlist_t v = DDB_VLIST_INIT;
    ddb_v_table_name(&v, json_object_get(req->json, "TableName"), "tableName", DDB_TN_REQUIRED | DDB_TN_ARN);
    if (ddb_v_reply(req, &v)) return;
    const ddb_table_t *t = ddb_req_table_tnf(req, ddb_jstr(req->json, "TableName"));
    if (!t) return;
    store_txn_t *txn;
    json_t *rec = NULL;
    int rc = store_begin(req->ctx->store, STORE_READ, &txn);
    if (rc == STORE_OK) rc = ddb_pitr_get(txn, t->num, &rec);
    if (rc != STORE_OK) { ddb_reply_store_error(req, rc == STORE_OK ? NULL : txn, rc); return; }
    store_abort(txn);
    ddb_reply_ok(req, describe(rec));
    json_decref(rec);
}

void ddb_op_update_continuous_backups(nb_req_t *req)
{
    ddb_vlist_t v = DDB_VLIST_INIT;
    const json_t *spec = json_object_get(req->json, "PointInTimeRecoverySpecification");
    const json_t *en = json_object_get(spec, "PointInTimeRecoveryEnabled");
    const json_t *days = json_object_get(spec, "RecoveryPeriodInDays");
    ddb_v_table_name(&v, json_object_get(req->json, "TableName"), "tableName", DDB_TN_REQUIRED | DDB_TN_ARN);
    if (!spec || json_is_null(spec))
        ddb_v_add(&v, "null", "pointInTimeRecoverySpecification", "Member must not be null");
    else if (!en || json_is_null(en))
        ddb_v_add(&v, "null", "pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled",
                  "Member must not be null");
    if (json_is_integer(days) && (json_integer_value(days) < 1 || json_integer_value(days) > 35)) {
        char q[32];
        snprintf(q, sizeof q, "'%lld'", (long long)json_integer_value(days));
        ddb_v_add(&v, q, "pointInTimeRecoverySpecification.recoveryPeriodInDays",
                  json_integer_value(days) < 1 ? "Member must have value greater than or equal to 1"
                                               : "Member must have value less than or equal to 35");
    }
    if (ddb_v_reply(req, &v)) return;
    const ddb_table_t *t = ddb_req_table_tnf(req, ddb_jstr(req->json, "TableName"));
    if (!t) return;
    /* a table still being restored (CREATING): AWS documents no ResourceInUseException here, but answers
     * this one while a new table's backups are being set up */
    if (t->creating) {
        nb_reply_error(req, NB_ERR_DDB_CB_UNAVAILABLE, "Backups are being enabled for the table: %s. Please retry later",
                       t->name);
        return;
    }
    if (json_is_false(en) && days) {
        ddb_reply_validation(req, "RecoveryPeriodInDays can only be set when PointInTimeRecoveryEnabled is true");
        return;
    }
    store_txn_t *txn;
    int rc = store_begin(req->ctx->store, STORE_WRITE, &txn);
    if (rc != STORE_OK) { ddb_reply_store_error(req, NULL, rc); return; }
    json_t *old = NULL;
    rc = ddb_pitr_get(txn, t->num, &old);
    if (rc != STORE_OK) { ddb_reply_store_error(req, txn, rc); return; }
    json_t *rec;
    if (json_is_true(en)) {
        /* enabling again keeps the start of the window; the period is the one given, else 35 days */
        double since = json_is_true(json_object_get(old, "Enabled"))
                           ? json_number_value(json_object_get(old, "Since")) : (double)nb_wall_ms() / 1000.0;
        rec = json_pack("{s:b,s:I,s:f}", "Enabled", 1, "Days", json_is_integer(days) ? json_integer_value(days) : 35,
                        "Since", since);
    } else {
        rec = json_pack("{s:b}", "Enabled", 0);
    }
    json_decref(old);
    char *text = json_dumps(rec, JSON_COMPACT);
    nb_buf_t k = NB_BUF_INIT;
    pitr_key(&k, t->num);
    rc = store_put(txn, DDB_KS_META, k.data, k.len, text, strlen(text));
    nb_buf_free(&k);
    free(text);
    if (rc != STORE_OK) { json_decref(rec); ddb_reply_store_error(req, txn, rc); return; }
    ddb_commit_reply(req, txn, describe(rec));
    json_decref(rec);
}
