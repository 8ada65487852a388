/* warm_start.c — proactive initialization after nimbus starts.
 *
 * A deployment pre-initializes one environment of the function it deployed
 * (pool.c, lambda__pool_prewarm), so the first request after it does not pay
 * the cold start. A restart of nimbus loses those environments; without this,
 * the first request after every restart would (~0.3 s for Node.js loading the
 * AWS SDK). So once the daemon is up, on the first loop iteration after
 * start-up (never delaying readiness), the most recently deployed functions
 * (by LastModified) get one environment each, as many as cores — the cap the
 * pool puts on concurrent cold starts — under the same rules as after a
 * deployment: $LATEST only, not for reserved concurrency, not when the code
 * must be unpacked first (after a reboot), at most PROACTIVE_SPARE unused
 * environments in all. Off with lambda.proactive_init=0. */
#include "lambda/lambda_int.h"
#include "core/alloc.h"
#include <jansson.h>
#include <string.h>
#include <uv.h>

#define WARM_MAX 8

typedef struct warm_pick {
    unsigned n, want;
    char name[WARM_MAX][65];
    char modified[WARM_MAX][40];
} warm_pick_t;

/* Keep the `want` functions with the latest LastModified, newest first. */
static int consider(void *arg, const void *k, size_t kl, const void *v, size_t vl)
{
    warm_pick_t *p = arg;
    if (kl >= sizeof p->name[0]) return 0;
    json_t *rec = json_loadb(v, vl, 0, NULL);
    if (json_object_get(rec, "reserved")) {
        json_decref(rec);   /* reserved concurrency: never pre-initialized */
        return 0;
    }
    const char *lm = json_string_value(json_object_get(json_object_get(rec, "cfg"), "LastModified"));
    if (lm && strlen(lm) < sizeof p->modified[0]) {
        unsigned at = p->n;
        while (at > 0 && strcmp(lm, p->modified[at - 1]) > 0) at--;
        if (at < p->want) {
            unsigned last = p->n < p->want ? p->n : p->want - 1;
            memmove(p->name[at + 1], p->name[at], (last - at) * sizeof p->name[0]);
            memmove(p->modified[at + 1], p->modified[at], (last - at) * sizeof p->modified[0]);
            memcpy(p->name[at], k, kl);
            p->name[at][kl] = 0;
            strcpy(p->modified[at], lm);
            if (p->n < p->want) p->n++;
        }
    }
    json_decref(rec);
    return 0;
}

static void on_warm(uv_timer_t *timer)
{
    uv_close((uv_handle_t *)timer, (uv_close_cb)free);
    if (!lambda__svc.started || !lambda__svc.proactive) return;
    warm_pick_t pick = {.want = lambda__svc.pace_min ? lambda__svc.pace_min : 1};
    if (pick.want > WARM_MAX) pick.want = WARM_MAX;
    store_txn_t *t = NULL;
    if (store_begin(lambda__svc.ctx->store, STORE_READ, &t) != STORE_OK) return;
    store_scan(t, LAMBDA_KS_FN, NULL, 0, NULL, 0, 0, consider, &pick);
    store_abort(t);
    for (unsigned i = 0; i < pick.n; i++) lambda__prewarm(pick.name[i]);
}

void lambda__warm_start(uv_loop_t *loop)
{
    if (!lambda__svc.proactive) return;
    uv_timer_t *timer = nb_xmalloc(sizeof *timer);
    uv_timer_init(loop, timer);
    uv_unref((uv_handle_t *)timer);
    uv_timer_start(timer, on_warm, 0, 0);
}
