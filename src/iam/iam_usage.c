/* iam_usage.c — the access keys' "last used" table (see iam_usage.h).
 *
 * An open-addressed table of USAGE_SLOTS entries keyed by access key id; an
 * entry is dirty from a use until the next flush writes it:
 *
 *   (empty) --iam_key_used--> dirty --flush (timer, 60 s / stop)--> clean
 *                               ^                                     |
 *                               +------------iam_key_used-------------+
 *
 * A full table drops the use (more than USAGE_SLOTS distinct long-term keys
 * in use between two restarts: the store keeps the older answers). Stored:
 * iam.key_usage AKID {"LastUsedDate":ms,"ServiceName":"dynamodb"}. */
#include "iam/iam_usage.h"
#include "core/log.h"
#include "store/store.h"
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#define USAGE_SLOTS 4096
#define FLUSH_MS 60000

typedef struct usage {
    char key[24];           /* "" = empty slot */
    int64_t ms;
    const char *service;    /* static (a service's name) */
    int dirty;
} usage_t;

static usage_t table[USAGE_SLOTS];
static size_t n_dirty;
static uv_timer_t timer;
static int running;
static nb_ctx_t *usage_ctx;

static unsigned hash(const char *s)
{
    unsigned h = 2166136261u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* The slot of key, or the empty slot where it would go, or NULL (table full). */
static usage_t *slot(const char *key)
{
    unsigned h = hash(key);
    for (unsigned i = 0; i < USAGE_SLOTS; i++) {
        usage_t *u = &table[(h + i) % USAGE_SLOTS];
        if (!u->key[0] || strcmp(u->key, key) == 0) return u;
    }
    return NULL;
}

void iam_key_used(const char *access_key, const char *service, int64_t now_ms)
{
    if (!access_key || strncmp(access_key, "AKIA", 4) != 0 || strlen(access_key) >= sizeof table[0].key) return;
    usage_t *u = slot(access_key);
    if (!u) return;
    if (!u->key[0]) strcpy(u->key, access_key);
    u->ms = now_ms;
    u->service = service;
    if (!u->dirty) {
        u->dirty = 1;
        n_dirty++;
    }
}

int iam__key_usage_mem(const char *access_key, int64_t *ms, const char **service)
{
    usage_t *u = strlen(access_key) < sizeof table[0].key ? slot(access_key) : NULL;
    if (!u || !u->key[0]) return 0;
    *ms = u->ms;
    *service = u->service;
    return 1;
}

void iam__key_usage_forget(const char *access_key)
{
    usage_t *u = strlen(access_key) < sizeof table[0].key ? slot(access_key) : NULL;
    if (!u || !u->key[0]) return;
    /* open addressing: a tombstone would be needed to delete; keep the slot
     * with no use (a deleted key is never looked up again: its id is random) */
    if (u->dirty) n_dirty--;
    u->dirty = 0;
}

static void flush(nb_ctx_t *ctx)
{
    if (!n_dirty || !ctx->store) return;
    store_txn_t *t;
    if (store_begin(ctx->store, STORE_WRITE, &t) != STORE_OK) return;   /* next time */
    for (size_t i = 0; i < USAGE_SLOTS; i++) {
        usage_t *u = &table[i];
        if (!u->dirty) continue;
        json_t *d = json_pack("{s:I,s:s}", "LastUsedDate", (json_int_t)u->ms, "ServiceName", u->service);
        char *s = json_dumps(d, JSON_COMPACT);
        store_put(t, IAM_KS_KEY_USAGE, u->key, strlen(u->key), s, strlen(s));
        free(s);
        json_decref(d);
        u->dirty = 0;
    }
    n_dirty = 0;
    if (store_commit(t, NULL, NULL) != STORE_OK) nb_log_warn("iam", "access key usage not saved");
}

static void on_timer(uv_timer_t *t)
{
    (void)t;
    flush(usage_ctx);
}

void iam__key_usage_start(nb_ctx_t *ctx)
{
    if (running || !ctx->loop) return;
    usage_ctx = ctx;
    uv_timer_init(ctx->loop, &timer);
    uv_timer_start(&timer, on_timer, FLUSH_MS, FLUSH_MS);
    uv_unref((uv_handle_t *)&timer);
    running = 1;
}

void iam__key_usage_stop(nb_ctx_t *ctx)
{
    flush(ctx);
    if (!running) return;
    uv_timer_stop(&timer);
    uv_close((uv_handle_t *)&timer, NULL);
    running = 0;
}
