/* ddb_restore.c — RestoreTableFromBackup and RestoreTableToPointInTime: the
 * new table's doc (the backup's table with the request's overrides) stored
 * CREATING with a restore record in one transaction; the items come in the
 * background (ddb_backup_copy.c), which turns it ACTIVE.
 *
 * As on AWS, a restored table has the source's key schema, indexes (unless
 * overridden), billing mode and throughput (unless overridden), SSE (unless
 * overridden), table class; not its tags, TTL, stream, PITR setting or
 * deletion protection. Its description carries RestoreSummary.
 *
 * RestoreTableToPointInTime restores the source table as it is when the
 * request arrives (UseLatestRestorableTime): nimbus keeps no change history,
 * so any RestoreDateTime is InvalidRestoreTimeException (ddb_pitr.c). It
 * takes a hidden backup of the source in the request's transaction and
 * restores from it; the restore drops it. */
#include "dynamodb/ddb_backup.h"
#include "dynamodb/ddb_describe.h"
#include "dynamodb/ddb_ops.h"
#include "dynamodb/ddb_pitr.h"
#include "dynamodb/ddb_req.h"
#include "dynamodb/ddb_schema.h"
#include "dynamodb/ddb_sse.h"
#include "core/util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const billing_modes[] = {"PROVISIONED", "PAY_PER_REQUEST", NULL};

static void v_overrides(ddb_vlist_t *v, const json_t *b)
{
    char p[64];
    ddb_v_table_name(v, json_object_get(b, "TargetTableName"), "targetTableName", DDB_TN_REQUIRED);
    ddb_v_enum(v, json_object_get(b, "BillingModeOverride"), "billingModeOverride", billing_modes);
    ddb_schema_v_throughput(v, json_object_get(b, "ProvisionedThroughputOverride"), "provisionedThroughputOverride");
    const char *kinds[] = {"GlobalSecondaryIndexOverride", "LocalSecondaryIndexOverride"};
    const char *paths[] = {"globalSecondaryIndexOverride", "localSecondaryIndexOverride"};
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < json_array_size(json_object_get(b, kinds[k])); i++) {
            snprintf(p, sizeof p, "%s.%zu.member", paths[k], i + 1);
            ddb_schema_v_index(v, json_array_get(json_object_get(b, kinds[k]), i), p);
        }
}

/* Names used by a KeySchema into set (a JSON object used as a set). */
static void note_keys(json_t *set, const json_t *ks)
{
    size_t i;
    json_t *e;
    json_array_foreach(ks, i, e)
        if (ddb_jstr(e, "AttributeName")) json_object_set_new(set, ddb_jstr(e, "AttributeName"), json_true());
}

/* Replace doc's indexes of one kind by the override's; -1 with err. */
static int override_indexes(json_t *doc, const json_t *specs, int local, int prov, ddb_err_t *err)
{
    const char *member = local ? "LocalSecondaryIndexes" : "GlobalSecondaryIndexes";
    const json_t *ad = json_object_get(doc, "AttributeDefinitions");
    const char *hash, *range;
    if (ddb_schema_keys(json_object_get(doc, "KeySchema"), &hash, &range, err) != 0) return -1;
    if (local && json_array_size(specs) && !range)
        return ddb_err_set(err, NB_ERR_VALIDATION,
                           "One or more parameter values were invalid: Table KeySchema does not have a range "
                           "key, which is required when specifying a LocalSecondaryIndex");
    if (json_array_size(specs) > (local ? 5u : 20u))
        return ddb_err_set(err, NB_ERR_VALIDATION, "One or more parameter values were invalid: Number of %s exceeds "
                           "per-table limit of %d", member, local ? 5 : 20);
    int num = (int)json_integer_value(json_object_get(doc, "NextIndexNum"));
    json_t *out = json_array();
    size_t i;
    json_t *spec;
    json_array_foreach(specs, i, spec) {
        json_t *d = ddb_schema_index_doc(spec, local, ad, hash, prov, num++, err);
        if (!d) { json_decref(out); return -1; }
        json_array_append_new(out, d);
    }
    json_object_set_new(doc, "NextIndexNum", json_integer(num));
    if (json_array_size(out)) json_object_set_new(doc, member, out);
    else { json_object_del(doc, member); json_decref(out); }
    return 0;
}

/* Keep only the attribute definitions some key uses. */
static void prune_defs(json_t *doc)
{
    json_t *used = json_object();
    note_keys(used, json_object_get(doc, "KeySchema"));
    const char *kinds[] = {"LocalSecondaryIndexes", "GlobalSecondaryIndexes"};
    for (int k = 0; k < 2; k++) {
        size_t i;
        json_t *ix;
        json_array_foreach(json_object_get(doc, kinds[k]), i, ix) note_keys(used, json_object_get(ix, "KeySchema"));
    }
    json_t *ad = json_array();
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(doc, "AttributeDefinitions"), i, d)
        if (json_object_get(used, ddb_jstr(d, "AttributeName"))) json_array_append(ad, d);
    json_object_set_new(doc, "AttributeDefinitions", ad);
    json_decref(used);
}

static json_t *zero_throughput(void)
{
    return json_pack("{s:i,s:i,s:i}", "NumberOfDecreasesToday", 0, "ReadCapacityUnits", 0, "WriteCapacityUnits", 0);
}

/* A new table's units, with none of the source's history: no decreases made today, no last increase or
 * decrease (the daily decrease budget is the restored table's own, ddb_throughput.c). */
static void fresh_throughput(json_t *owner)
{
    json_t *pt = json_object_get(owner, "ProvisionedThroughput");
    if (!json_is_object(pt)) return;
    json_object_set_new(pt, "NumberOfDecreasesToday", json_integer(0));
    json_object_del(pt, "LastIncreaseDateTime");
    json_object_del(pt, "LastDecreaseDateTime");
}

/* The restored table's doc from the source's (new reference), or NULL after
 * replying (txn aborted). summary: the RestoreSummary (stolen). */
static json_t *restored_doc(nb_req_t *req, store_txn_t *txn, const json_t *src, json_t *summary)
{
    const json_t *b = req->json;
    ddb_err_t err = DDB_ERR_INIT;
    double now = (double)nb_wall_ms() / 1000.0;
    char id[37];
    nb_uuid4(id);
    json_t *doc = json_deep_copy(src);
    json_object_set_new(doc, "TableName", json_string(ddb_jstr(b, "TargetTableName")));
    json_object_set_new(doc, "TableId", json_string(id));
    json_object_set_new(doc, "CreationDateTime", json_real(now));
    json_object_set_new(doc, "TableStatus", json_string("CREATING"));
    json_object_set_new(doc, "RestoreSummary", summary);
    json_object_set_new(doc, "DeletionProtectionEnabled", json_false());
    /* TTLChanged too: the once-an-hour TTL change limit is the source's, not the new table's */
    static const char *const dropped[] = {"Num", "TTL", "TTLChanged", "Tags", "StreamSpecification",
                                          "LatestStreamLabel"};
    for (size_t i = 0; i < sizeof dropped / sizeof dropped[0]; i++) json_object_del(doc, dropped[i]);
    if (!json_object_get(doc, "NextIndexNum")) json_object_set_new(doc, "NextIndexNum", json_integer(1));
    size_t i;
    json_t *g;
    fresh_throughput(doc);
    json_array_foreach(json_object_get(doc, "GlobalSecondaryIndexes"), i, g) {
        /* the restore writes every item through every index: they are built with the table */
        json_object_set_new(g, "IndexStatus", json_string("ACTIVE"));
        json_object_del(g, "Backfilling");
        fresh_throughput(g);
    }

    const char *src_billing = ddb_jstr(json_object_get(src, "BillingModeSummary"), "BillingMode");
    if (!src_billing) src_billing = "PROVISIONED";
    const char *billing = ddb_jstr(b, "BillingModeOverride") ? ddb_jstr(b, "BillingModeOverride") : src_billing;
    int prov = strcmp(billing, "PROVISIONED") == 0;
    const json_t *pt = json_object_get(b, "ProvisionedThroughputOverride");
    if (!prov && pt) {
        ddb_err_set(&err, NB_ERR_VALIDATION, "One or more parameter values were invalid: Neither ReadCapacityUnits "
                    "nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
        goto bad;
    }
    if (prov && !pt && strcmp(src_billing, "PROVISIONED") != 0) {
        ddb_err_set(&err, NB_ERR_VALIDATION, "One or more parameter values were invalid: ReadCapacityUnits and "
                    "WriteCapacityUnits must both be specified when BillingMode is PROVISIONED");
        goto bad;
    }
    if (!prov) {
        json_object_set_new(doc, "ProvisionedThroughput", zero_throughput());
        json_array_foreach(json_object_get(doc, "GlobalSecondaryIndexes"), i, g)
            json_object_set_new(g, "ProvisionedThroughput", zero_throughput());
        json_object_set_new(doc, "BillingModeSummary", json_pack("{s:s,s:f}", "BillingMode", "PAY_PER_REQUEST",
                                                                 "LastUpdateToPayPerRequestDateTime", now));
    } else {
        json_object_del(doc, "BillingModeSummary");
        if (pt)
            json_object_set_new(doc, "ProvisionedThroughput",
                                json_pack("{s:i,s:O,s:O}", "NumberOfDecreasesToday", 0,
                                          "ReadCapacityUnits", json_object_get(pt, "ReadCapacityUnits"),
                                          "WriteCapacityUnits", json_object_get(pt, "WriteCapacityUnits")));
    }
    if (json_object_get(b, "LocalSecondaryIndexOverride") &&
        override_indexes(doc, json_object_get(b, "LocalSecondaryIndexOverride"), 1, prov, &err) != 0)
        goto bad;
    if (json_object_get(b, "GlobalSecondaryIndexOverride") &&
        override_indexes(doc, json_object_get(b, "GlobalSecondaryIndexOverride"), 0, prov, &err) != 0)
        goto bad;
    prune_defs(doc);

    const json_t *sse = json_object_get(b, "SSESpecificationOverride");
    if (sse && json_is_true(json_object_get(sse, "Enabled"))) {
        const char *kms;
        int rc = ddb_sse_key_arn(req, txn, sse, &kms);
        if (rc == DDB_SSE_REPLIED) { store_abort(txn); json_decref(doc); return NULL; }
        if (rc != STORE_OK) { json_decref(doc); ddb_reply_store_error(req, txn, rc); return NULL; }
        json_object_set_new(doc, "SSEDescription", json_pack("{s:s,s:s,s:s}", "Status", "ENABLED", "SSEType",
                                                             ddb_jstr(sse, "SSEType") ? ddb_jstr(sse, "SSEType") : "KMS",
                                                             "KMSMasterKeyArn", kms));
    } else if (sse) {
        json_object_del(doc, "SSEDescription");
    }
    return doc;
bad:
    json_decref(doc);
    store_abort(txn);
    ddb_reply_err(req, &err);
    return NULL;
}

/* Store doc as table num's with a restore record from backup id; reply the
 * description; install doc once applied. 0 when applied. */
static int commit_restore(nb_req_t *req, store_txn_t *txn, json_t *doc, const char *id)
{
    uint32_t num;
    int rc = ddb_table_next_num(txn, &num);
    if (rc == STORE_OK) {
        json_object_set_new(doc, "Num", json_integer(num));
        rc = ddb_table_store(txn, ddb_jstr(doc, "TableName"), doc);
    }
    if (rc == STORE_OK) rc = ddb_backup_restore_enqueue(txn, num, id);
    if (rc != STORE_OK) { json_decref(doc); ddb_reply_store_error(req, txn, rc); return -1; }
    ddb_table_t *t = ddb_table_from_doc(json_incref(doc));
    json_t *desc = t ? ddb_table_description(req, t, txn, NULL) : json_object();
    ddb_table_free(t);
    if (ddb_commit_reply(req, txn, json_pack("{s:o}", "TableDescription", desc)) != 0) {
        json_decref(doc);
        return -1;
    }
    ddb_catalog_install(doc);
    ddb_backup_restore_started();
    return 0;
}

static int target_free(nb_req_t *req)
{
    const char *target = ddb_jstr(req->json, "TargetTableName");
    if (!ddb_table_get(target)) return 1;
    nb_reply_error(req, NB_ERR_DDB_TABLE_EXISTS, "Table already exists: %s", target);
    return 0;
}

void ddb_op_restore_from_backup(nb_req_t *req)
{
    ddb_vlist_t v = DDB_VLIST_INIT;
    v_overrides(&v, req->json);
    const json_t *arnv = json_object_get(req->json, "BackupArn");
    if (!arnv || json_is_null(arnv)) ddb_v_add(&v, "null", "backupArn", "Member must not be null");
    else if (json_string_value(arnv)) ddb_v_length(&v, json_string_value(arnv), strlen(json_string_value(arnv)), "backupArn", 37, 1024);
    if (ddb_v_reply(req, &v)) return;
    if (!target_free(req) || ddb_backup_refuse_busy(req) != 0) return;
    const char *arn = ddb_jstr(req->json, "BackupArn");
    store_txn_t *txn;
    int rc = store_begin(req->ctx->store, STORE_WRITE, &txn);
    if (rc != STORE_OK) { ddb_reply_store_error(req, NULL, rc); return; }
    json_t *bd = ddb_backup_find(req, txn, arn);
    if (!bd) return;
    char id[64];
    snprintf(id, sizeof id, "%s", ddb_jstr(bd, "BackupId"));
    if (strcmp(ddb_jstr(bd, "BackupStatus"), "AVAILABLE") != 0) {
        json_decref(bd);
        store_abort(txn);
        nb_reply_error(req, NB_ERR_DDB_BACKUP_IN_USE, "Backup is being created: %s", arn);
        return;
    }
    json_t *summary = json_pack("{s:s,s:O,s:O,s:b}", "SourceBackupArn", arn, "SourceTableArn",
                                json_object_get(bd, "TableArn"), "RestoreDateTime",
                                json_object_get(bd, "BackupCreationDateTime"), "RestoreInProgress", 1);
    json_t *doc = restored_doc(req, txn, json_object_get(bd, "Source"), summary);
    json_decref(bd);
    if (doc) commit_restore(req, txn, doc, id);
}

void ddb_op_restore_to_point_in_time(nb_req_t *req)
{
    const json_t *b = req->json;
    ddb_vlist_t v = DDB_VLIST_INIT;
    v_overrides(&v, b);
    ddb_v_table_name(&v, json_object_get(b, "SourceTableName"), "sourceTableName", 0);
    if (ddb_v_reply(req, &v)) return;
    const char *given = ddb_jstr(b, "SourceTableName") ? ddb_jstr(b, "SourceTableName") : ddb_jstr(b, "SourceTableArn");
    if (!given) {
        ddb_reply_validation(req, "Either SourceTableName or SourceTableArn must be provided");
        return;
    }
    const ddb_table_t *t = ddb_req_table_tnf(req, given);
    if (!t) return;
    if (!target_free(req)) return;
    if (t->creating) {
        nb_reply_error(req, NB_ERR_DDB_TABLE_IN_USE, "Table is being restored: %s", t->name);
        return;
    }
    /* counted as RestoreTableFromBackup is (its snapshot's copy counts too while it runs) */
    if (ddb_backup_refuse_busy(req) != 0) return;
    store_txn_t *txn;
    int on = 0;
    int rc = store_begin(req->ctx->store, STORE_WRITE, &txn);
    if (rc != STORE_OK) { ddb_reply_store_error(req, NULL, rc); return; }
    rc = ddb_pitr_enabled(txn, t->num, &on);
    if (rc != STORE_OK) { ddb_reply_store_error(req, txn, rc); return; }
    if (!on) {
        store_abort(txn);
        nb_reply_error(req, NB_ERR_DDB_PITR_UNAVAILABLE, "Point in time recovery is not enabled for table '%s'",
                       t->name);
        return;
    }
    if (!json_is_true(json_object_get(b, "UseLatestRestorableTime"))) {
        store_abort(txn);
        nb_reply_error(req, NB_ERR_DDB_INVALID_RESTORE_TIME,
                       json_object_get(b, "RestoreDateTime")
                           ? "Only the latest restorable time can be restored: this service keeps no history of "
                             "earlier table states (use UseLatestRestorableTime)"
                           : "RestoreDateTime or UseLatestRestorableTime must be specified");
        return;
    }
    if (json_object_get(b, "RestoreDateTime")) {
        store_abort(txn);
        ddb_reply_validation(req, "Only one of RestoreDateTime or UseLatestRestorableTime can be specified");
        return;
    }
    uint32_t bnum, tnum = t->num;
    json_t *bd = ddb_backup_create(req, txn, t, NULL, DDB_BACKUP_HIDDEN, &bnum, &rc);
    if (!bd) { ddb_reply_store_error(req, txn, rc); return; }
    json_t *summary = json_pack("{s:O,s:O,s:b}", "SourceTableArn", json_object_get(bd, "TableArn"),
                                "RestoreDateTime", json_object_get(bd, "BackupCreationDateTime"), "RestoreInProgress", 1);
    json_t *doc = restored_doc(req, txn, t->doc, summary);
    char id[64];
    snprintf(id, sizeof id, "%s", ddb_jstr(bd, "BackupId"));
    json_decref(bd);
    if (doc && commit_restore(req, txn, doc, id) == 0) ddb_backup_copy_started(bnum, tnum);
}
