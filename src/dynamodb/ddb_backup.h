/* ddb_backup.h — on-demand backups and restores: the stored backups, the
 * background copy of a table into a backup (a consistent snapshot, taken
 * copy-on-write) and of a backup into a restored table (see ddb_backup_copy.c
 * for the work records and the snapshot invariant). */
#ifndef DDB_BACKUP_H
#define DDB_BACKUP_H
#include <stdint.h>
#include <jansson.h>
#include "core/buf.h"
#include "core/ctx.h"
#include "core/request.h"
#include "store/store.h"
#include "dynamodb/ddb_table.h"

#define DDB_KS_BACKUPS "ddb.backups"   /* backup id → backup doc (JSON) */
#define DDB_KS_BITEMS  "ddb.bitems"    /* be32(backup Num) · item key without its table Num → VALUE or "" */

/* How many backups are being copied right now: ddb_item_write calls
 * ddb_backup_before_write only while it is not 0. */
extern int ddb_backup_copying;

/* In txn, before the item stored at key (tnum-prefixed) of t changes: for
 * every backup of t being copied whose cursor has not passed key yet, keep
 * the item's current state (or its absence) as the backup's. STORE_OK or an
 * error. */
int ddb_backup_before_write(store_txn_t *txn, const ddb_table_t *t, const nb_buf_t *key);
/* At most this many backups being created and restores in progress at once
 * (CreateBackup, RestoreTableFromBackup, RestoreTableToPointInTime answer
 * LimitExceededException beyond): 0, or -1 after replying. */
#define DDB_BACKUP_MAX_BUSY 50
int ddb_backup_refuse_busy(nb_req_t *req);
/* Backups being copied plus restores in progress. */
size_t ddb_backup_busy(void);
/* Is a backup of table number tnum being copied? (DeleteTable refuses then.) */
int ddb_backup_in_progress(uint32_t tnum);

/* In txn: start copying table t into backup bnum (id: its key in
 * DDB_KS_BACKUPS, whose doc says CREATING). deleted: t is being deleted in
 * txn (a PITR table's system backup): its items are purged only once copied.
 * Call ddb_backup_copy_started once txn is applied. */
int ddb_backup_copy_enqueue(store_txn_t *txn, uint32_t bnum, const ddb_table_t *t, const char *id, int deleted);
void ddb_backup_copy_started(uint32_t bnum, uint32_t tnum);
/* In txn: fill the table numbered tnum (its doc says CREATING) from backup id,
 * then turn it ACTIVE. */
int ddb_backup_restore_enqueue(store_txn_t *txn, uint32_t tnum, const char *id);
/* Once that txn is applied: count the restore and wake the driver. */
void ddb_backup_restore_started(void);
/* 1 when a restore from backup id is under way, 0 if not, <0 a store error. */
int ddb_backup_restoring(store_txn_t *txn, const char *id);

/* What a backup is for: one a user asked for; a point-in-time restore's own
 * snapshot (never listed; its restore drops it); the SYSTEM backup DeleteTable
 * takes of a table with PITR enabled ("T$DeletedTableBackup", expiring after
 * 35 days), copied from the deleted table's items before they are purged. */
enum ddb_backup_kind { DDB_BACKUP_USER, DDB_BACKUP_HIDDEN, DDB_BACKUP_ON_DELETE };
/* A new backup of t in txn (its doc stored CREATING, its copy queued): the doc
 * (new reference) and *bnum, or NULL with *rc a store status. name: the
 * user's (DDB_BACKUP_USER). Call ddb_backup_copy_started once txn is applied.
 * (ddb_backup_ops.c) */
json_t *ddb_backup_create(nb_req_t *req, store_txn_t *txn, const ddb_table_t *t, const char *name,
                          enum ddb_backup_kind kind, uint32_t *bnum, int *rc);
/* DeleteTable of t in txn: when PITR is enabled on t, its SYSTEM backup (*bnum
 * set, *taken 1; t's items are then purged by the backup's copy, the caller
 * purges the rest), else *taken 0. STORE_OK or an error. */
int ddb_backup_on_delete(nb_req_t *req, store_txn_t *txn, const ddb_table_t *t, uint32_t *bnum, int *taken);

/* Backup docs. *doc: new reference, or NULL with STORE_NOTFOUND (also for a
 * stored doc that is not JSON, logged). */
int ddb_backup_load(store_txn_t *txn, const char *id, json_t **doc);
int ddb_backup_put(store_txn_t *txn, const char *id, const json_t *doc);
/* Delete backup id (its doc, and its items in the background purge). */
int ddb_backup_drop(store_txn_t *txn, const char *id, const json_t *doc);
/* The backup id of an ARN of ours (".../table/T/backup/ID") into out, or -1. */
int ddb_backup_arn_id(const char *arn, char *out, size_t cap);
/* The visible backup arn names (its doc, new reference), or NULL after
 * replying BackupNotFoundException or the store error (txn aborted). */
json_t *ddb_backup_find(nb_req_t *req, store_txn_t *txn, const char *arn);

/* One bounded transaction of background work (a copy slice first, else a
 * restore slice of a backup that is AVAILABLE): >0 work committed, 0 nothing
 * to do, -1 store failure. cb(arg, status) follows a commit once durable. */
long ddb_backup_step(store_t *s, size_t batch, store_durable_fn cb, void *arg);
/* Load the copies under way (service init, after the catalogue) and start
 * the driver; stop it. */
void ddb_backup_start(nb_ctx_t *ctx);
void ddb_backup_stop(void);
/* Wake the driver after a commit that enqueued work. */
void ddb_backup_kick(void);
/* Expiring backups (ddb_backup_expiry.c): note a BackupExpiryDateTime (epoch
 * seconds) just stored; in txn, delete one backup whose expiry passed (*worked
 * set), else learn when the next one does (the driver's last resort when it
 * has no copy or restore to do). STORE_OK or an error. */
void ddb_backup_expiry_note(double at);
int ddb_backup_expiry_step(store_txn_t *txn, int *worked);
void ddb_backup_expiry_start(uv_loop_t *loop);
void ddb_backup_expiry_stop(void);
void ddb_backup_expiry_reset(void);
/* Forget the in-memory copy list (tests reopening a store). */
void ddb_backup_reset(void);
/* Rebuild the in-memory copy list from txn's work records. */
int ddb_backup_load_copies(store_txn_t *txn);

#endif
