/* ddb_bgjob.c — the slice-at-a-time driver of the background jobs (see
 * ddb_bgjob.h for its states). */
#include "dynamodb/ddb_bgjob.h"
#include "core/config.h"
#include "core/log.h"

#define RETRY_MS 1000

enum { BG_IDLE, BG_SCHEDULED, BG_WAITING };

static void tick(uv_timer_t *h);

static void on_durable(void *arg, int status)
{
    ddb_bgjob_t *j = arg;
    if (status != STORE_OK) nb_log_error("dynamodb", "%s commit not durable (%d)", j->what, status);
    if (!j->running) return;
    j->state = BG_SCHEDULED;
    uv_timer_start(&j->timer, tick, j->interval_ms, 0);
}

static void tick(uv_timer_t *h)
{
    ddb_bgjob_t *j = h->data;
    j->state = BG_WAITING;             /* before the step: its callback may run within it */
    long n = j->step(j->store, j->batch, on_durable, j);
    if (n == 0) {
        j->state = BG_IDLE;
    } else if (n < 0) {
        nb_log_error("dynamodb", "%s failed; will retry", j->what);
        j->state = BG_SCHEDULED;
        uv_timer_start(h, tick, RETRY_MS, 0);
    }
}

void ddb_bgjob_kick(ddb_bgjob_t *j)
{
    if (!j->running || j->state != BG_IDLE) return;
    j->state = BG_SCHEDULED;
    uv_timer_start(&j->timer, tick, 0, 0);
}

void ddb_bgjob_start(ddb_bgjob_t *j, nb_ctx_t *ctx, const char *batch_key, long def_batch,
                     const char *interval_key)
{
    if (j->running || !ctx->loop) return;
    j->store = ctx->store;
    long b = ctx->cfg ? nb_config_get_long(ctx->cfg, batch_key, def_batch) : def_batch;
    j->batch = b < 1 ? 1 : (size_t)b;
    long iv = ctx->cfg ? nb_config_get_long(ctx->cfg, interval_key, 0) : 0;
    j->interval_ms = iv < 0 ? 0 : (uint64_t)iv;
    uv_timer_init(ctx->loop, &j->timer);
    j->timer.data = j;
    uv_unref((uv_handle_t *)&j->timer);
    j->running = 1;
    j->state = BG_SCHEDULED;
    uv_timer_start(&j->timer, tick, 0, 0);
}

void ddb_bgjob_stop(ddb_bgjob_t *j)
{
    if (!j->running) return;
    j->running = 0;
    uv_timer_stop(&j->timer);
    uv_close((uv_handle_t *)&j->timer, NULL);
}
