/* ddb_backup_expiry.c — backups that expire: the SYSTEM backup DeleteTable
 * keeps of a table with PITR enabled carries BackupExpiryDateTime (35 days
 * on, dynamodb.system_backup_retention_ms, a setting for tests); once it
 * passes, the backup driver (ddb_backup_copy.c) deletes the backup and hands
 * its items to the background purge, one backup a transaction. A timer wakes
 * the driver at the earliest expiry known; the first step after start scans
 * the docs to learn it. A backup being created or restored from is not
 * deleted until that ends (looked at again a second later). */
#include "dynamodb/ddb_backup.h"
#include "dynamodb/ddb_item_store.h"
#include "core/log.h"
#include "core/util.h"
#include <math.h>
#include <string.h>

#define RECHECK_MS 1000          /* an expired backup in use: looked at again then */
#define MAX_WAIT_MS 3600000      /* the timer never waits longer (wall clock changes) */

static double next_at;           /* seconds: the earliest expiry known (0 = scan at the next step) */
static uv_timer_t timer;
static int running;

static void on_timer(uv_timer_t *h)
{
    (void)h;
    ddb_backup_kick();
}

static void arm(void)
{
    if (!running) return;
    if (isinf(next_at)) { uv_timer_stop(&timer); return; }
    double ms = ceil((next_at - (double)nb_wall_ms() / 1000.0) * 1000.0) + 1;   /* never before it */
    if (ms < 0) ms = 0;
    if (ms > MAX_WAIT_MS) ms = MAX_WAIT_MS;
    uv_timer_start(&timer, on_timer, (uint64_t)ms, 0);
}

void ddb_backup_expiry_note(double at)
{
    if (at < next_at || isinf(next_at)) {
        next_at = at;
        arm();
    }
}

void ddb_backup_expiry_reset(void)
{
    next_at = 0;
}

int ddb_backup_expiry_step(store_txn_t *txn, int *worked)
{
    double now = (double)nb_wall_ms() / 1000.0;
    if (now < next_at) {   /* not yet — also when the timer fired a little early (libuv's loop time is
                              cached per iteration, the wait truncated to ms): wait the rest */
        if (!*worked) arm();
        return STORE_OK;
    }
    ddb_chunk_t l = DDB_CHUNK_INIT(SIZE_MAX, SIZE_MAX);
    int rc = store_scan(txn, DDB_KS_BACKUPS, NULL, 0, NULL, 0, 0, ddb_take_chunk, &l);
    rc = rc < 0 ? rc : STORE_OK;
    double next = INFINITY;
    for (size_t i = 0; rc == STORE_OK && i < l.n; i++) {
        json_t *bd = json_loadb(l.vals[i].data, l.vals[i].len, 0, NULL);
        const json_t *exp = json_object_get(bd, "BackupExpiryDateTime");
        const char *id = json_string_value(json_object_get(bd, "BackupId"));
        const char *st = json_string_value(json_object_get(bd, "BackupStatus"));
        if (!json_is_number(exp) || !id || !st) { json_decref(bd); continue; }
        double at = json_number_value(exp);
        int in_use = 0;
        if (at <= now && !*worked) {
            in_use = strcmp(st, "AVAILABLE") != 0;
            if (!in_use) in_use = ddb_backup_restoring(txn, id);
            if (in_use < 0) rc = in_use;
            else if (!in_use) {
                rc = ddb_backup_drop(txn, id, bd);
                if (rc == STORE_OK) nb_log_info("dynamodb", "backup %s expired: deleted", id);
                *worked = 1;
                json_decref(bd);
                continue;
            }
        }
        if (at <= now) at = now + RECHECK_MS / 1000.0;
        if (at < next) next = at;
        json_decref(bd);
    }
    ddb_chunk_free(&l);
    next_at = *worked || rc != STORE_OK ? 0 : next;   /* after a deletion: look again at the next step */
    if (!*worked && rc == STORE_OK) arm();
    return rc;
}

void ddb_backup_expiry_start(uv_loop_t *loop)
{
    if (running) return;
    uv_timer_init(loop, &timer);
    uv_unref((uv_handle_t *)&timer);
    running = 1;
    next_at = 0;
}

void ddb_backup_expiry_stop(void)
{
    if (!running) return;
    running = 0;
    uv_timer_stop(&timer);
    uv_close((uv_handle_t *)&timer, NULL);
}
