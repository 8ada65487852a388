/* ddb_backup_ops.c — CreateBackup, DescribeBackup, ListBackups, DeleteBackup:
 * the backup docs and how they are described. The copy itself runs in the
 * background (ddb_backup_copy.c).
 *
 * Backup doc (ddb.backups, key = backup id "<14-digit ms>-<8 hex>", so key
 * order is creation order): BackupId, BackupArn, BackupName, BackupStatus
 * (CREATING, AVAILABLE), BackupType, BackupCreationDateTime, BackupSizeBytes
 * and ItemCount (set when AVAILABLE), Num (the key prefix of its items in
 * ddb.bitems, from the table-number counter, never reused), TableArn,
 * Source (the table's doc at the snapshot), Hidden (a point-in-time
 * restore's own snapshot: never listed, dropped by its restore). */
#include "dynamodb/ddb_backup.h"
#include "dynamodb/ddb_ops.h"
#include "dynamodb/ddb_pitr.h"
#include "dynamodb/ddb_req.h"
#include "core/config.h"
#include "core/util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RETENTION_MS (35L * 86400 * 1000)   /* a SYSTEM backup's life (dynamodb.system_backup_retention_ms) */

static const char *const backup_types[] = {"USER", "SYSTEM", "AWS_BACKUP", "ALL", NULL};

/* Constraint checks of a BackupArn member. */
static void v_backup_arn(ddb_vlist_t *v, const json_t *val, const char *path)
{
    if (!val || json_is_null(val)) {
        ddb_v_add(v, "null", path, "Member must not be null");
        return;
    }
    const char *s = json_string_value(val);
    if (s) ddb_v_length(v, s, strlen(s), path, 37, 1024);
}

static void v_backup_name(ddb_vlist_t *v, const json_t *val)
{
    const char *s = json_string_value(val);
    if (!s) {
        ddb_v_add(v, "null", "backupName", "Member must not be null");
        return;
    }
    ddb_v_length(v, s, strlen(s), "backupName", 3, 255);
    if (strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != strlen(s)) {
        char q[300];
        snprintf(q, sizeof q, "'%.255s'", s);
        ddb_v_add(v, q, "backupName", "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
    }
}

static void copy_member(json_t *dst, const json_t *src, const char *name)
{
    json_t *m = json_object_get(src, name);
    if (m) json_object_set(dst, name, m);
}

static const char *billing_of(const json_t *tdoc)
{
    const char *b = ddb_jstr(json_object_get(tdoc, "BillingModeSummary"), "BillingMode");
    return b ? b : "PROVISIONED";
}

static json_t *throughput_of(const json_t *pt)
{
    return json_pack("{s:I,s:I}", "ReadCapacityUnits", json_integer_value(json_object_get(pt, "ReadCapacityUnits")),
                     "WriteCapacityUnits", json_integer_value(json_object_get(pt, "WriteCapacityUnits")));
}

static json_t *details(const json_t *bd)
{
    json_t *d = json_object();
    copy_member(d, bd, "BackupArn");
    copy_member(d, bd, "BackupName");
    if (strcmp(ddb_jstr(bd, "BackupStatus"), "CREATING") != 0) copy_member(d, bd, "BackupSizeBytes");
    copy_member(d, bd, "BackupStatus");
    copy_member(d, bd, "BackupType");
    copy_member(d, bd, "BackupCreationDateTime");
    copy_member(d, bd, "BackupExpiryDateTime");
    return d;
}

/* BackupDescription of a backup doc (new reference). */
static json_t *description(const json_t *bd)
{
    const json_t *src = json_object_get(bd, "Source");
    json_t *st = json_object();
    copy_member(st, src, "TableName");
    copy_member(st, src, "TableId");
    copy_member(st, bd, "TableArn");
    if (strcmp(ddb_jstr(bd, "BackupStatus"), "CREATING") != 0) {
        json_object_set(st, "TableSizeBytes", json_object_get(bd, "BackupSizeBytes"));
        json_object_set(st, "ItemCount", json_object_get(bd, "ItemCount"));
    }
    copy_member(st, src, "KeySchema");
    json_object_set(st, "TableCreationDateTime", json_object_get(src, "CreationDateTime"));
    json_object_set_new(st, "ProvisionedThroughput", throughput_of(json_object_get(src, "ProvisionedThroughput")));
    json_object_set_new(st, "BillingMode", json_string(billing_of(src)));

    json_t *f = json_object();
    const char *kinds[] = {"LocalSecondaryIndexes", "GlobalSecondaryIndexes"};
    for (int k = 0; k < 2; k++) {
        size_t i;
        json_t *ix, *out = json_array();
        json_array_foreach(json_object_get(src, kinds[k]), i, ix) {
            json_t *o = json_object();
            copy_member(o, ix, "IndexName");
            copy_member(o, ix, "KeySchema");
            copy_member(o, ix, "Projection");
            if (k == 1) json_object_set_new(o, "ProvisionedThroughput", throughput_of(json_object_get(ix, "ProvisionedThroughput")));
            json_array_append_new(out, o);
        }
        if (json_array_size(out)) json_object_set_new(f, kinds[k], out);
        else json_decref(out);
    }
    copy_member(f, src, "SSEDescription");
    const json_t *ss = json_object_get(src, "StreamSpecification");
    if (json_is_true(json_object_get(ss, "StreamEnabled"))) json_object_set(f, "StreamDescription", (json_t *)ss);
    const json_t *ttl = json_object_get(src, "TTL");
    const char *ts = ddb_jstr(ttl, "TimeToLiveStatus");
    if (ts && strcmp(ts, "ENABLED") == 0)
        json_object_set_new(f, "TimeToLiveDescription", json_pack("{s:s,s:s}", "TimeToLiveStatus", "ENABLED",
                                                                   "AttributeName", ddb_jstr(ttl, "AttributeName")));
    return json_pack("{s:o,s:o,s:o}", "BackupDetails", details(bd), "SourceTableDetails", st,
                     "SourceTableFeatureDetails", f);
}

int ddb_backup_refuse_busy(nb_req_t *req)
{
    if (ddb_backup_busy() < DDB_BACKUP_MAX_BUSY) return 0;
    nb_reply_error(req, NB_ERR_DDB_LIMIT_EXCEEDED, "Subscriber limit exceeded: There is a limit of %d backups and "
                   "restores in progress at once", DDB_BACKUP_MAX_BUSY);
    return -1;
}

json_t *ddb_backup_create(nb_req_t *req, store_txn_t *txn, const ddb_table_t *t, const char *name,
                          enum ddb_backup_kind kind, uint32_t *bnum, int *rc)
{
    *rc = ddb_table_next_num(txn, bnum);
    if (*rc != STORE_OK) return NULL;
    uint64_t now = nb_wall_ms();
    uint32_t rnd;
    nb_random_bytes(&rnd, sizeof rnd);
    char id[40], tarn[1300];
    snprintf(id, sizeof id, "%014llu-%08x", (unsigned long long)now, rnd);
    ddb_table_arn(tarn, sizeof tarn, req->ctx->cfg->region, req->ctx->cfg->account, t->name);
    if (kind != DDB_BACKUP_USER)
        name = nb_arena_printf(req->arena, kind == DDB_BACKUP_HIDDEN ? "%s$PointInTimeRestore" : "%s$DeletedTableBackup",
                               t->name);
    json_t *doc = json_pack("{s:s,s:s,s:s,s:s,s:s,s:f,s:i,s:I,s:s,s:O}", "BackupId", id,
                            "BackupArn", nb_arena_printf(req->arena, "%s/backup/%s", tarn, id),
                            "BackupName", name, "BackupStatus", "CREATING",
                            "BackupType", kind == DDB_BACKUP_USER ? "USER" : "SYSTEM",
                            "BackupCreationDateTime", (double)now / 1000.0, "BackupSizeBytes", 0,
                            "Num", (json_int_t)*bnum, "TableArn", tarn, "Source", t->doc);
    if (kind == DDB_BACKUP_HIDDEN) json_object_set_new(doc, "Hidden", json_true());
    double expiry = 0;
    if (kind == DDB_BACKUP_ON_DELETE) {  /* kept 35 days, as on AWS (ddb_backup_expiry.c deletes it then) */
        long keep = nb_config_get_long(req->ctx->cfg, "dynamodb.system_backup_retention_ms", RETENTION_MS);
        expiry = (double)(now + (uint64_t)(keep < 0 ? 0 : keep)) / 1000.0;
        json_object_set_new(doc, "BackupExpiryDateTime", json_real(expiry));
    }
    *rc = ddb_backup_put(txn, id, doc);
    if (*rc == STORE_OK) *rc = ddb_backup_copy_enqueue(txn, *bnum, t, id, kind == DDB_BACKUP_ON_DELETE);
    if (*rc != STORE_OK) { json_decref(doc); return NULL; }
    if (expiry) ddb_backup_expiry_note(expiry);   /* at worst an early look if txn is not applied */
    return doc;
}

void ddb_op_create_backup(nb_req_t *req)
{
    ddb_vlist_t v = DDB_VLIST_INIT;
    ddb_v_table_name(&v, json_object_get(req->json, "TableName"), "tableName", DDB_TN_REQUIRED | DDB_TN_ARN);
    v_backup_name(&v, json_object_get(req->json, "BackupName"));
    if (ddb_v_reply(req, &v)) return;
    const ddb_table_t *t = ddb_req_table_tnf(req, ddb_jstr(req->json, "TableName"));
    if (!t) return;
    if (t->creating) {
        nb_reply_error(req, NB_ERR_DDB_TABLE_IN_USE, "Table is being restored: %s", t->name);
        return;
    }
    if (ddb_backup_refuse_busy(req) != 0) return;
    store_txn_t *txn;
    int rc = store_begin(req->ctx->store, STORE_WRITE, &txn);
    if (rc != STORE_OK) { ddb_reply_store_error(req, NULL, rc); return; }
    uint32_t bnum, tnum = t->num;
    json_t *doc = ddb_backup_create(req, txn, t, ddb_jstr(req->json, "BackupName"), DDB_BACKUP_USER, &bnum, &rc);
    if (!doc) { ddb_reply_store_error(req, txn, rc); return; }
    json_t *body = json_pack("{s:o}", "BackupDetails", details(doc));
    json_decref(doc);
    if (ddb_commit_reply(req, txn, body) == 0) ddb_backup_copy_started(bnum, tnum);
}

int ddb_backup_on_delete(nb_req_t *req, store_txn_t *txn, const ddb_table_t *t, uint32_t *bnum, int *taken)
{
    int on = 0, rc = ddb_pitr_enabled(txn, t->num, &on);
    *taken = 0;
    if (rc != STORE_OK || !on) return rc;
    json_t *doc = ddb_backup_create(req, txn, t, NULL, DDB_BACKUP_ON_DELETE, bnum, &rc);
    json_decref(doc);
    *taken = doc != NULL;
    return rc;
}

json_t *ddb_backup_find(nb_req_t *req, store_txn_t *txn, const char *arn)
{
    char id[64];
    json_t *doc = NULL;
    int rc = ddb_backup_arn_id(arn, id, sizeof id) == 0 ? ddb_backup_load(txn, id, &doc) : STORE_NOTFOUND;
    if (rc < 0) { ddb_reply_store_error(req, txn, rc); return NULL; }
    if (!doc || strcmp(ddb_jstr(doc, "BackupArn"), arn) != 0 || json_is_true(json_object_get(doc, "Hidden"))) {
        json_decref(doc);
        store_abort(txn);
        nb_reply_error(req, NB_ERR_DDB_BACKUP_NOT_FOUND, "Backup not found: %s", arn);
        return NULL;
    }
    return doc;
}

/* Checks the request's BackupArn, begins a txn with flags and finds the backup: its doc (new
 * reference, *txn open) or NULL after replying. */
static json_t *open_backup(nb_req_t *req, int flags, store_txn_t **txn)
{
    ddb_vlist_t v = DDB_VLIST_INIT;
    v_backup_arn(&v, json_object_get(req->json, "BackupArn"), "backupArn");
    if (ddb_v_reply(req, &v)) return NULL;
    int rc = store_begin(req->ctx->store, flags, txn);
    if (rc != STORE_OK) { ddb_reply_store_error(req, NULL, rc); return NULL; }
    return ddb_backup_find(req, *txn, ddb_jstr(req->json, "BackupArn"));
}

void ddb_op_describe_backup(nb_req_t *req)
{
    store_txn_t *txn;
    json_t *doc = open_backup(req, STORE_READ, &txn);
    if (!doc) return;
    store_abort(txn);
    ddb_reply_ok(req, json_pack("{s:o}", "BackupDescription", description(doc)));
    json_decref(doc);
}

void ddb_op_delete_backup(nb_req_t *req)
{
    store_txn_t *txn;
    json_t *doc = open_backup(req, STORE_WRITE, &txn);
    if (!doc) return;
    const char *arn = ddb_jstr(req->json, "BackupArn");
    const char *id = ddb_jstr(doc, "BackupId");
    int restoring = strcmp(ddb_jstr(doc, "BackupStatus"), "CREATING") == 0 ? 2 : ddb_backup_restoring(txn, id);
    if (restoring != 0) {
        json_decref(doc);
        if (restoring < 0) { ddb_reply_store_error(req, txn, restoring); return; }
        store_abort(txn);
        nb_reply_error(req, NB_ERR_DDB_BACKUP_IN_USE, restoring == 2 ? "Backup is being created: %s"
                                                                     : "Backup is in use by a restore: %s", arn);
        return;
    }
    int rc = ddb_backup_drop(txn, id, doc);
    if (rc != STORE_OK) { json_decref(doc); ddb_reply_store_error(req, txn, rc); return; }
    json_object_set_new(doc, "BackupStatus", json_string("DELETED"));
    ddb_commit_reply(req, txn, json_pack("{s:o}", "BackupDescription", description(doc)));
    json_decref(doc);
}

typedef struct listing {
    nb_req_t *req;
    const char *table, *type, *start_id;
    int has_lo, has_hi;
    double lo, hi;
    size_t limit;
    json_t *out;
    const char *last;        /* ARN of the last summary taken */
    int more;
} listing_t;

static int list_one(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
    listing_t *l = arg;
    if (l->start_id) {        /* ids sort by creation time: take those after the start */
        size_t sl = strlen(l->start_id), n = klen < sl ? klen : sl;
        int c = memcmp(key, l->start_id, n);
        if (c < 0 || (c == 0 && klen <= sl)) return 0;
    }
    json_t *bd = json_loadb(val, vlen, 0, NULL);
    if (!bd) return 0;
    const json_t *src = json_object_get(bd, "Source");
    double at = json_number_value(json_object_get(bd, "BackupCreationDateTime"));
    int keep = !json_is_true(json_object_get(bd, "Hidden")) &&
               (!l->table || strcmp(l->table, ddb_jstr(src, "TableName")) == 0) &&
               (strcmp(l->type, "ALL") == 0 || strcmp(l->type, ddb_jstr(bd, "BackupType")) == 0) &&
               (!l->has_lo || at >= l->lo) && (!l->has_hi || at < l->hi);
    if (keep && json_array_size(l->out) == l->limit) {
        l->more = 1;
        json_decref(bd);
        return 1;
    }
    if (keep) {
        json_t *s = json_object();
        copy_member(s, src, "TableName");
        copy_member(s, src, "TableId");
        copy_member(s, bd, "TableArn");
        json_t *d = details(bd);
        json_object_update(s, d);
        json_decref(d);
        json_array_append_new(l->out, s);
        l->last = nb_arena_strdup(l->req->arena, ddb_jstr(bd, "BackupArn"));
    }
    json_decref(bd);
    return 0;
}

void ddb_op_list_backups(nb_req_t *req)
{
    ddb_vlist_t v = DDB_VLIST_INIT;
    json_t *b = req->json, *lim = json_object_get(b, "Limit");
    ddb_v_table_name(&v, json_object_get(b, "TableName"), "tableName", DDB_TN_ARN);
    ddb_v_enum(&v, json_object_get(b, "BackupType"), "backupType", backup_types);
    if (json_is_integer(lim) && (json_integer_value(lim) < 1 || json_integer_value(lim) > 100)) {
        char q[32];
        snprintf(q, sizeof q, "'%lld'", (long long)json_integer_value(lim));
        ddb_v_add(&v, q, "limit", json_integer_value(lim) < 1 ? "Member must have value greater than or equal to 1"
                                                              : "Member must have value less than or equal to 100");
    }
    if (json_object_get(b, "ExclusiveStartBackupArn"))
        v_backup_arn(&v, json_object_get(b, "ExclusiveStartBackupArn"), "exclusiveStartBackupArn");
    if (ddb_v_reply(req, &v)) return;
    listing_t l = {req, NULL, "USER", NULL, 0, 0, 0, 0, json_is_integer(lim) ? (size_t)json_integer_value(lim) : 100,
                   json_array(), NULL, 0};
    if (ddb_jstr(b, "TableName")) l.table = ddb_table_plain_name(req, ddb_jstr(b, "TableName"));
    if (ddb_jstr(b, "BackupType")) l.type = ddb_jstr(b, "BackupType");
    const json_t *lo = json_object_get(b, "TimeRangeLowerBound"), *hi = json_object_get(b, "TimeRangeUpperBound");
    if (json_is_number(lo)) { l.has_lo = 1; l.lo = json_number_value(lo); }
    if (json_is_number(hi)) { l.has_hi = 1; l.hi = json_number_value(hi); }
    char sid[64];
    if (ddb_jstr(b, "ExclusiveStartBackupArn") &&
        ddb_backup_arn_id(ddb_jstr(b, "ExclusiveStartBackupArn"), sid, sizeof sid) == 0)
        l.start_id = sid;
    if (ddb_jstr(b, "TableName") && !l.table) {   /* another account's or region's table: none here */
        ddb_reply_ok(req, json_pack("{s:o}", "BackupSummaries", l.out));
        return;
    }
    store_txn_t *txn;
    int rc = store_begin(req->ctx->store, STORE_READ, &txn);
    if (rc != STORE_OK) { json_decref(l.out); ddb_reply_store_error(req, NULL, rc); return; }
    rc = store_scan(txn, DDB_KS_BACKUPS, NULL, 0, NULL, 0, 0, list_one, &l);
    store_abort(txn);
    if (rc < 0) { json_decref(l.out); ddb_reply_store_error(req, NULL, rc); return; }
    json_t *out = json_pack("{s:o}", "BackupSummaries", l.out);
    if (l.more && l.last) json_object_set_new(out, "LastEvaluatedBackupArn", json_string(l.last));
    ddb_reply_ok(req, out);
}
