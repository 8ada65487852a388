/* pool.c — scheduling invocations onto execution environments: the
 * instance state machine drawn in lambda_int.h, concurrency accounting and
 * throttling, timeouts, crashes, freeze between invokes, idle reaping and
 * provisioned concurrency.
 *
 * Invariants:
 *  - an instance is "counted" (against its function's reserved concurrency or
 *    the account's unreserved pool) from the moment it is given an invocation
 *    until it is IDLE or DEAD;
 *  - pool->n_post is the number of its instances in POST; invocations wait in
 *    the pool queue only while n_queued <= n_post (each has an instance about
 *    to ask for work) or scale-up pacing expects an instance working to take
 *    them sooner than a new one would start (queue_fits); otherwise a new
 *    instance is started;
 *  - an instance whose conf is not its pool's current conf is stale: it
 *    finishes its invocation and is shut down instead of going IDLE. */
#include "lambda/lambda_int.h"
#include "lambda/logfmt.h"
#include "core/alloc.h"
#include "core/log.h"
#include "core/startup.h"
#include "core/util.h"
#include "sandbox/sandbox.h"
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

lambda_svc_t lambda__svc;

/* --- lookup --------------------------------------------------------------------- */

lambda_fn_t *lambda__fn_get(const char *name, int create)
{
    for (lambda_fn_t *f = lambda__svc.fns; f; f = f->next)
        if (strcmp(f->name, name) == 0) return f;
    if (!create) return NULL;
    lambda_fn_t *f = nb_xcalloc(1, sizeof *f);
    f->name = nb_xstrdup(name);
    f->reserved = -1;
    f->next = lambda__svc.fns;
    lambda__svc.fns = f;
    return f;
}

lambda_pool_t *lambda__pool_get(lambda_fn_t *fn, const char *version, int create)
{
    for (lambda_pool_t *p = fn->pools; p; p = p->next)
        if (strcmp(p->version, version) == 0) return p;
    if (!create) return NULL;
    lambda_pool_t *p = nb_xcalloc(1, sizeof *p);
    p->fn = fn;
    p->version = nb_xstrdup(version);
    p->next = fn->pools;
    fn->pools = p;
    return p;
}

/* A moving mean: the first sample, then each new one weighted by weight. */
static void ewma(double *avg, double sample, double weight)
{
    *avg = *avg > 0 ? *avg + (sample - *avg) * weight : sample;
}

/* --- concurrency ------------------------------------------------------------------ */

static void count(lambda_inst_t *inst)
{
    if (inst->counted) return;
    lambda_fn_t *fn = inst->pool->fn;
    fn->busy++;
    if (fn->reserved < 0) {
        lambda__svc.busy_unreserved++;
        inst->counted = 2;
    } else {
        inst->counted = 1;
    }
}

static void uncount(lambda_inst_t *inst)
{
    if (!inst->counted) return;
    lambda_fn_t *fn = inst->pool->fn;
    if (fn->busy) fn->busy--;
    if (inst->counted == 2 && lambda__svc.busy_unreserved) lambda__svc.busy_unreserved--;
    inst->counted = 0;
}

static const char *throttle_reason(const lambda_fn_t *fn)
{
    if (fn->reserved >= 0)
        return fn->busy >= (unsigned)fn->reserved ? "ReservedFunctionConcurrentInvocationLimitExceeded" : NULL;
    unsigned lim = lambda__svc.account_limit > lambda__svc.reserved_sum
                       ? lambda__svc.account_limit - lambda__svc.reserved_sum : 0;
    return lambda__svc.busy_unreserved >= lim ? "ConcurrentInvocationLimitExceeded" : NULL;
}

void lambda__fn_set_reserved(const char *name, int reserved)
{
    lambda_fn_t *fn = lambda__fn_get(name, 0);
    if (!fn || fn->reserved == reserved) return;
    fn->reserved = reserved;
    /* Counted instances keep the bucket they were counted in until they uncount. */
}

/* --- log lines --------------------------------------------------------------------- */

void lambda__inst_output(lambda_inst_t *inst, const char *line, size_t len)
{
    lambda__log_event(inst->conf->log_group, inst->stream, nb_wall_ms(), line, len);
    lambda_inv_t *inv = inst->inv;
    if (inv && inv->want_tail) {
        nb_buf_append(&inv->log, line, len);
        nb_buf_putc(&inv->log, '\n');
        if (inv->log.len > 4 * LAMBDA_TAIL_MAX) {
            size_t keep = LAMBDA_TAIL_MAX;
            memmove(inv->log.data, inv->log.data + inv->log.len - keep, keep);
            inv->log.len = keep;
            inv->log.data[keep] = 0;
        }
    }
}

void lambda__inst_app_output(lambda_inst_t *inst, const char *line, size_t len)
{
    const lambda_fnconf_t *c = inst->conf;
    /* Text, or a JSON level letting everything through: no look at the line. */
    if (c->log_json && c->app_level > LAMBDA_LVL_TRACE && lambda__log_line_level(line, len) < c->app_level) return;
    lambda__inst_output(inst, line, len);
}

/* A platform record of the JSON format, if SystemLogLevel lets level through. */
static void emit_json(lambda_inst_t *inst, int level, nb_buf_t *b)
{
    if (level >= inst->conf->sys_level) lambda__inst_output(inst, b->data, b->len);
    nb_buf_free(b);
}

/* A platform line (START, END, REPORT...): formatted once on the stack; a
 * line too long for it (never one of Lambda's own) takes the heap. */
static void emit(lambda_inst_t *inst, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void emit(lambda_inst_t *inst, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < sizeof line) {
        lambda__inst_output(inst, line, (size_t)n);
        return;
    }
    nb_buf_t b = NB_BUF_INIT;
    va_start(ap, fmt);
    nb_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    lambda__inst_output(inst, b.data ? b.data : "", b.len);
    nb_buf_free(&b);
}

/* The platform's per-invocation lines (START, END, REPORT) are built in a
 * stack buffer by hand: three of them per invocation, and vsnprintf with a
 * heap buffer was ~3.5% of the daemon's CPU under warm invokes. */
typedef struct line {
    char b[640];
    size_t n;
} line_t;

static void l_put(line_t *l, const char *s)
{
    size_t k = strlen(s);
    if (k > sizeof l->b - 1 - l->n) k = sizeof l->b - 1 - l->n;
    memcpy(l->b + l->n, s, k);
    l->n += k;
}

static void l_uint(line_t *l, unsigned long long v)
{
    char t[24];
    size_t k = sizeof t;
    do t[--k] = (char)('0' + v % 10); while ((v /= 10) && k);
    if (sizeof t - k > sizeof l->b - 1 - l->n) return;
    memcpy(l->b + l->n, t + k, sizeof t - k);
    l->n += sizeof t - k;
}

/* us as milliseconds with two decimals ("%.2f" of us / 1000, halves rounded up). */
static void l_ms2(line_t *l, uint64_t us)
{
    uint64_t h = (us + 5) / 10;
    l_uint(l, h / 100);
    char frac[4] = { '.', (char)('0' + h % 100 / 10), (char)('0' + h % 10), 0 };
    l_put(l, frac);
}

static void l_emit(lambda_inst_t *inst, line_t *l)
{
    lambda__inst_output(inst, l->b, l->n);
}

static void emit_start(lambda_inst_t *inst, const lambda_inv_t *inv)
{
    if (inst->conf->log_json) {
        if (inst->conf->sys_level > LAMBDA_LVL_INFO) return;
        nb_buf_t b = NB_BUF_INIT;
        lambda__plat_start(&b, nb_wall_ms(), inv->id, inst->conf->fn_arn, inst->conf->version);
        emit_json(inst, LAMBDA_LVL_INFO, &b);
        return;
    }
    line_t l = { .n = 0 };
    l_put(&l, "START RequestId: ");
    l_put(&l, inv->id);
    l_put(&l, " Version: ");
    l_put(&l, inst->conf->version);
    l_emit(inst, &l);
}

/* Max Memory Used of the environment. Reading it costs a file open (cgroup or
 * /proc), so a recent value is reused (a peak only grows): one read less than
 * peak_keep_ms old — 100 ms after a read that found the peak grown, doubling
 * up to 1 s with each read that found it unchanged (a steady environment
 * under load was read ten times a second: ~3% of the daemon's CPU with 16
 * environments) — and after an invocation shorter than a millisecond, which
 * cannot have touched much memory, one less than a second old; except once
 * the environment has exited (peak_read_us reset): then the cgroup's final
 * peak is read. */
#define PEAK_KEEP_MIN_MS 100
#define PEAK_KEEP_MAX_MS 1000

static unsigned peak_mb(lambda_inst_t *inst, uint64_t inv_us)
{
    uint64_t now = nb_now_us();
    if (inst->peak_keep_ms < PEAK_KEEP_MIN_MS) inst->peak_keep_ms = PEAK_KEEP_MIN_MS;
    uint64_t keep_us = inv_us < 1000 ? PEAK_KEEP_MAX_MS * 1000 : (uint64_t)inst->peak_keep_ms * 1000;
    if (inst->peak_mb && now - inst->peak_read_us < keep_us) return inst->peak_mb;
    inst->peak_read_us = now;
    uint64_t bytes = inst->sbx ? sbx_peak_memory(inst->sbx) : 0;
    if (!bytes && inst->pid > 0) {
        char p[64], line[256];
        snprintf(p, sizeof p, "/proc/%d/status", (int)inst->pid);
        FILE *f = fopen(p, "r");
        if (f) {
            while (fgets(line, sizeof line, f))
                if (strncmp(line, "VmHWM:", 6) == 0) bytes = strtoull(line + 6, NULL, 10) * 1024;
            fclose(f);
        }
    }
    unsigned mb = (unsigned)((bytes + (1 << 20) - 1) >> 20);
    if (mb > inst->peak_mb) {
        inst->peak_mb = mb;
        inst->peak_keep_ms = PEAK_KEEP_MIN_MS;
    } else if (inst->peak_keep_ms < PEAK_KEEP_MAX_MS) {
        inst->peak_keep_ms = inst->peak_keep_ms * 2 > PEAK_KEEP_MAX_MS ? PEAK_KEEP_MAX_MS : inst->peak_keep_ms * 2;
    }
    return inst->peak_mb;
}

/* --- delivering and ending invocations --------------------------------------------- */

_Static_assert(sizeof ((lambda_inst_t *)0)->last_id == sizeof ((lambda_inv_t *)0)->id, "request ids: one size");

/* X-Ray ids need uniqueness, not secrecy: nb_uuid4's generator (seeded from
 * the kernel once) spares a getrandom call per invocation. */
static void trace_id(char out[96])
{
    static const char hx[] = "0123456789abcdef";
    char u[2][37], h[65];
    size_t n = 0;
    nb_uuid4(u[0]);
    nb_uuid4(u[1]);
    for (int k = 0; k < 2; k++)
        for (const char *p = u[k]; *p; p++)
            if (*p != '-') h[n++] = *p;
    h[n] = 0;
    /* "Root=1-%08x-%.24s;Parent=%.16s;Sampled=0", without printf */
    unsigned secs = (unsigned)(nb_wall_ms() / 1000);
    char *o = out;
    memcpy(o, "Root=1-", 7); o += 7;
    for (int i = 7; i >= 0; i--) *o++ = hx[(secs >> (4 * i)) & 15];
    *o++ = '-';
    memcpy(o, h, 24); o += 24;
    memcpy(o, ";Parent=", 8); o += 8;
    memcpy(o, h + 32, 16); o += 16;
    memcpy(o, ";Sampled=0", 11);
}

/* The freeze grace of an instance. An environment frozen and then needed
 * again within FREEZE_GRACE_MAX_MS was frozen too early: under a steady load
 * the instances a pool needs only at its peaks would otherwise pay a freeze
 * and a thaw (cgroup writes, and a wait for the freezer, on the loop) for
 * nearly every invocation. Such an instance's grace doubles, up to
 * FREEZE_GRACE_MAX_MS; one that stayed frozen longer than that gets
 * lambda.freeze_delay_ms back. So an environment left alone is frozen within
 * a second at most, 20 ms after a lone invocation. lambda.freeze_delay_ms=0
 * keeps freezing at once.
 *
 * (The grace used to halve at each freeze and double at each thaw: an
 * instance needed every 50 ms to 1 s then settled at 20–40 ms and was
 * frozen and thawed for every invocation — ~80 cycles a second, each a
 * 500 µs sleep of the loop, under 32 connections of warm invokes.) */
#define FREEZE_GRACE_MAX_MS 1000

static unsigned grace_after_thaw(const lambda_inst_t *inst, uint64_t frozen_us)
{
    unsigned base = lambda__svc.freeze_delay_ms, g = inst->freeze_grace_ms;
    if (!base) return 0;
    if (frozen_us >= (uint64_t)FREEZE_GRACE_MAX_MS * 1000) return base;   /* that freeze was worth it */
    if (g < base) g = base;
    g *= 2;
    return g > FREEZE_GRACE_MAX_MS ? (base > FREEZE_GRACE_MAX_MS ? base : FREEZE_GRACE_MAX_MS) : g;
}

static void deliver(lambda_inst_t *inst, lambda_inv_t *inv)
{
    inst->proactive = 0;
    inst->inv = inv;
    inst->state = INST_BUSY;
    count(inst);
    if (inst->frozen) inst->freeze_grace_ms = grace_after_thaw(inst, nb_now_us() - inst->frozen_us);
    lambda__inst_thaw(inst);
    inv->start_us = nb_now_us();
    inv->deadline_ms = nb_wall_ms() + (uint64_t)inst->conf->timeout_s * 1000;
    emit_start(inst, inv);
    nb_req_t *req = inst->next_req;
    inst->next_req = NULL;
    char buf[128];
    nb_resp_header(req, "Lambda-Runtime-Aws-Request-Id", inv->id);
    line_t dl = { .n = 0 };
    l_uint(&dl, inv->deadline_ms);
    dl.b[dl.n] = 0;
    nb_resp_header(req, "Lambda-Runtime-Deadline-Ms", dl.b);
    nb_resp_header(req, "Lambda-Runtime-Invoked-Function-Arn", inv->invoked_arn);
    trace_id(buf);
    nb_resp_header(req, "Lambda-Runtime-Trace-Id", buf);
    if (inv->client_context) nb_resp_header(req, "Lambda-Runtime-Client-Context", inv->client_context);
    nb_reply(req, 200, "application/json", inv->payload, inv->len);
    /* The payload has been copied out; drop it now to keep warm instances small. */
    free(inv->payload);
    inv->payload = NULL;
    lambda__inst_arm(inst, (uint64_t)inst->conf->timeout_s * 1000);
}

/* How an invocation ended, for REPORT: its Text note ("\tStatus: timeout"...)
 * and the JSON format's status. */
typedef enum {
    END_OK,          /* response */
    END_FN_ERROR,    /* the function's error (/error, or an oversized response) */
    END_TIMEOUT,
    END_INIT_ERROR,  /* the init phase failed (/init/error, or exited during init) */
    END_EXIT         /* the runtime exited or was killed: error_type says how */
} end_kind_t;

static void report_json(lambda_inst_t *inst, const lambda_inv_t *inv, uint64_t dur_us, unsigned long long billed,
                        end_kind_t kind, const char *error_type)
{
    static const char *const status[] = { "success", "error", "timeout", "error", "error" };
    if (kind == END_TIMEOUT) error_type = "Sandbox.Timedout";
    nb_buf_t b = NB_BUF_INIT;
    lambda__plat_runtime_done(&b, nb_wall_ms(), inv->id, status[kind], error_type);
    emit_json(inst, LAMBDA_LVL_DEBUG, &b);
    lambda_report_t r = {
        .request_id = inv->id, .status = status[kind], .error_type = error_type, .duration_us = dur_us,
        .billed_ms = billed, .memory_mb = inst->conf->memory_mb, .max_memory_mb = peak_mb(inst, dur_us),
        .init_ms = inst->report_init ? inst->init_ms : -1,
    };
    inst->report_init = 0;
    lambda__plat_report(&b, nb_wall_ms(), &r);
    emit_json(inst, LAMBDA_LVL_INFO, &b);
}

/* End inst's invocation with payload (copied) and log END/REPORT (or the JSON
 * format's platform.runtimeDone / platform.report). error_type: END_EXIT's
 * "Runtime.ExitError"..., or NULL. */
static void end_invocation(lambda_inst_t *inst, const char *payload, size_t len, const char *ferr,
                           end_kind_t kind, const char *error_type)
{
    lambda_inv_t *inv = inst->inv;
    if (!inv) return;
    if (inst->state != INST_DEAD && inst->state != INST_STOPPING) lambda__inst_disarm(inst);
    lambda__inst_drain(inst);
    uint64_t now = nb_now_us();
    if (!inv->start_us) {
        inv->start_us = now;
        emit_start(inst, inv);
    }
    uint64_t dur_us = now - inv->start_us;
    ewma(&inst->pool->run_us, (double)dur_us, 0.125);
    /* Billed Duration: the duration rounded up to the millisecond, at least 1 ms. */
    unsigned long long billed = (dur_us + 999) / 1000;
    if (billed == 0) billed = 1;
    if (inst->conf->log_json) {
        report_json(inst, inv, dur_us, billed, kind, error_type);
    } else {
        line_t l = { .n = 0 };
        l_put(&l, "END RequestId: ");
        l_put(&l, inv->id);
        l_emit(inst, &l);
        l.n = 0;
        l_put(&l, "REPORT RequestId: ");
        l_put(&l, inv->id);
        l_put(&l, "\tDuration: ");
        l_ms2(&l, dur_us);
        l_put(&l, " ms\tBilled Duration: ");
        l_uint(&l, billed);
        l_put(&l, " ms\tMemory Size: ");
        l_uint(&l, inst->conf->memory_mb);
        l_put(&l, " MB\tMax Memory Used: ");
        l_uint(&l, peak_mb(inst, dur_us));
        l_put(&l, " MB");
        if (inst->report_init) {
            char init[64];
            snprintf(init, sizeof init, "\tInit Duration: %.2f ms", inst->init_ms);
            l_put(&l, init);
            inst->report_init = 0;
        }
        if (kind == END_TIMEOUT) l_put(&l, "\tStatus: timeout");
        else if (kind == END_INIT_ERROR || kind == END_EXIT) l_put(&l, "\tStatus: error");
        if (kind == END_EXIT && error_type) {
            l_put(&l, "\tError Type: ");
            l_put(&l, error_type);
        }
        l_emit(inst, &l);
    }
    memcpy(inst->last_id, inv->id, sizeof inst->last_id);
    inst->inv = NULL;
    lambda__inv_finish(inv, NB_OK, NULL, NULL, payload, len, ferr);
}

/* --- submitting ------------------------------------------------------------------------ */

static void enqueue(lambda_pool_t *pool, lambda_inv_t *inv)
{
    inv->qnext = NULL;
    if (pool->q_tail) pool->q_tail->qnext = inv;
    else pool->q_head = inv;
    pool->q_tail = inv;
    pool->n_queued++;
}

static lambda_inv_t *dequeue(lambda_pool_t *pool)
{
    lambda_inv_t *inv = pool->q_head;
    if (!inv) return NULL;
    pool->q_head = inv->qnext;
    if (!pool->q_head) pool->q_tail = NULL;
    pool->n_queued--;
    inv->qnext = NULL;
    return inv;
}

static void add_inst(lambda_pool_t *pool, lambda_inst_t *inst)
{
    inst->next = pool->insts;
    pool->insts = inst;
}

static void remove_inst(lambda_pool_t *pool, lambda_inst_t *inst)
{
    for (lambda_inst_t **pp = &pool->insts; *pp; pp = &(*pp)->next)
        if (*pp == inst) { *pp = inst->next; return; }
}

/* --- code unpacked before a cold start (sealed.c) ------------------------------------ */

/* What waits for a configuration's code to be unpacked: an invocation, or
 * (inv NULL) the pool's provisioned instances. Named, not pointed to: the
 * pool may have moved on to another configuration meanwhile. */
typedef struct prep_wait {
    char *fn, *version;
    lambda_inv_t *inv;
} prep_wait_t;

static void provision(lambda_pool_t *pool);

static void on_prepared(void *arg, const char *err)
{
    prep_wait_t *w = arg;
    lambda_fn_t *fn = lambda__svc.started ? lambda__fn_get(w->fn, 0) : NULL;
    lambda_pool_t *pool = fn ? lambda__pool_get(fn, w->version, 0) : NULL;
    if (w->inv) {
        if (err) lambda__inv_finish(w->inv, LAMBDA_ERR_INVALID_ZIP, err, NULL, NULL, 0, NULL);
        else if (!pool || !pool->conf)
            lambda__inv_finish(w->inv, LAMBDA_ERR_SERVICE, "The function changed while the invocation waited; retry.",
                               NULL, NULL, 0, NULL);
        else lambda__pool_submit(pool, w->inv);
    } else if (!err && pool && pool->conf) {
        provision(pool);
    }
    free(w->fn);
    free(w->version);
    free(w);
}

/* Unpack pool's code first when it is not (after a reboot, or sealed only);
 * inv (stolen, may be NULL) is submitted again once it is. 1: waiting, 0:
 * ready now. */
static int wait_unpacked(lambda_pool_t *pool, lambda_inv_t *inv)
{
    if (lambda__conf_ready(pool->conf)) return 0;
    prep_wait_t *w = nb_xcalloc(1, sizeof *w);
    w->fn = nb_xstrdup(pool->fn->name);
    w->version = nb_xstrdup(pool->version);
    w->inv = inv;
    lambda__conf_prepare(pool->conf, on_prepared, w);
    return 1;
}

/* --- no room for another environment ------------------------------------------------
 * lambda__inst_spawn refuses to start an environment when nimbus runs short of
 * descriptors (or processes, or memory): everything else nimbus serves keeps
 * its reserve. The invocation then waits for an environment of its function
 * already working, when there is one (it takes queued work when it is done);
 * otherwise it is throttled as Lambda throttles when the account's
 * concurrency is exhausted (429 TooManyRequestsException,
 * ConcurrentInvocationLimitExceeded). Either way the environment idle longest
 * in all of nimbus is stopped, so that the next start finds room. */

static void stop_longest_idle(void)
{
    lambda_inst_t *oldest = NULL;
    for (lambda_fn_t *f = lambda__svc.fns; f; f = f->next)
        for (lambda_pool_t *p = f->pools; p; p = p->next)
            for (lambda_inst_t *i = p->insts; i; i = i->next) {
                if (i->state == INST_STOPPING) return;   /* one is already making room */
                if (i->state == INST_IDLE && !i->provisioned && (!oldest || i->idle_since_us < oldest->idle_since_us))
                    oldest = i;
            }
    if (oldest) lambda__inst_shutdown(oldest);
}

static int has_working(const lambda_pool_t *pool)
{
    for (const lambda_inst_t *i = pool->insts; i; i = i->next)
        if (i->conf == pool->conf && (i->state == INST_BUSY || i->state == INST_POST || i->state == INST_INIT))
            return 1;
    return 0;
}

/* inv (stolen) found no room for a new environment. */
static void no_room(lambda_pool_t *pool, lambda_inv_t *inv)
{
    stop_longest_idle();
    if (has_working(pool)) {
        inv->submit_us = nb_now_us();
        enqueue(pool, inv);
        return;
    }
    lambda__inv_finish(inv, LAMBDA_ERR_TOO_MANY_REQUESTS, "Rate Exceeded.", "ConcurrentInvocationLimitExceeded",
                       NULL, 0, NULL);
}

static void redispatch(lambda_pool_t *pool);

void lambda__pool_spawn_failed(lambda_inst_t *inst, char *doc)
{
    int e = errno;
    lambda_pool_t *pool = inst->pool;
    lambda_inv_t *inv = inst->inv;
    inst->inv = NULL;
    uncount(inst);
    remove_inst(pool, inst);
    inst->state = INST_DEAD;
    lambda__inst_release(inst);
    if (inv && doc) {
        lambda__inv_finish(inv, NB_OK, NULL, NULL, doc, strlen(doc), "Unhandled");
    } else if (inv) {
        no_room(pool, inv);
    } else {
        nb_log_warn("lambda", "environment of %s:%s not started: %s", pool->fn->name, pool->version,
                    doc ? doc : strerror(e));
        if (!doc) stop_longest_idle();
    }
    free(doc);
    redispatch(pool);
}

/* Start an instance cold for inv (stolen). */
static void spawn_for(lambda_pool_t *pool, lambda_inv_t *inv)
{
    if (wait_unpacked(pool, inv)) return;
    char *err = NULL;
    lambda_inst_t *inst = lambda__inst_spawn(pool, inv, 0, &err);
    if (!inst && !err) {
        no_room(pool, inv);
        return;
    }
    if (!inst) {
        lambda__inv_finish(inv, NB_OK, NULL, NULL, err, strlen(err), "Unhandled");
        free(err);
        return;
    }
    add_inst(pool, inst);
    count(inst);
}

/* --- scale-up pacing -------------------------------------------------------------------
 * Lambda starts a new environment whenever an invocation finds every one busy.
 * On a machine with a few cores that is often the slower choice: a Node.js
 * environment loading its SDK costs hundreds of milliseconds of CPU, taken
 * from the environments already serving, while a busy one answers in a few
 * milliseconds; and each extra environment holds tens of MB. So, once a
 * function has at least as many environments working as the machine has
 * cores, an invocation waits for one of them when the expected wait —
 * (invocations ahead + 1) × the mean invoke duration ÷ environments working —
 * is shorter than the function's mean cold start; otherwise, or when it has
 * waited a cold start's time after all, it gets a new environment as on
 * Lambda. Before the function has estimates (a burst on a new function),
 * at most as many cold starts as cores run at once and the rest wait for
 * the first environments ready (at most 3 s). Lambda documents neither one environment per concurrent request
 * nor its scaling rate as a guarantee to the code; the function still sees
 * one event at a time per environment. Functions with reserved concurrency
 * keep Lambda's exact scaling and throttling; so does lambda.scale_pacing=0. */

/* Whether n invocations may wait in pool's queue rather than start environments. */
static int queue_fits(const lambda_pool_t *pool, unsigned n)
{
    if (n <= pool->n_post) return 1;  /* each has an environment about to ask for work */
    if (!lambda__svc.pace_min || pool->fn->reserved >= 0) return 0;
    unsigned working = 0, starting = 0;
    for (const lambda_inst_t *i = pool->insts; i; i = i->next)
        if (i->conf == pool->conf && (i->state == INST_BUSY || i->state == INST_POST || i->state == INST_INIT)) {
            working++;
            starting += i->state == INST_INIT;
        }
    if (working < lambda__svc.pace_min) return 0;
    /* Never more cold starts at once than cores: under overload each new
     * one slows those serving, lengthens the waits and would call for more
     * (the rest wait, and are rescued at most that many at a time). This is
     * also the whole rule before the first estimates (a burst on a new function). */
    if (starting >= lambda__svc.pace_min) return 1;
    if (!pool->cold_us || !pool->run_us) return 0;
    return pool->run_us * n < pool->cold_us * working;
}

/* Run inv now: an idle instance, else (may_wait) the queue when queue_fits,
 * else a new instance. */
static void submit_now(lambda_pool_t *pool, lambda_inv_t *inv, int may_wait)
{
    const char *reason = throttle_reason(pool->fn);
    if (reason) {
        lambda__inv_finish(inv, LAMBDA_ERR_TOO_MANY_REQUESTS, "Rate Exceeded.", reason, NULL, 0, NULL);
        return;
    }
    /* A warm idle instance first: a frozen one costs a thaw. */
    lambda_inst_t *frozen = NULL;
    for (lambda_inst_t *i = pool->insts; i; i = i->next) {
        if (i->state == INST_IDLE && i->conf == pool->conf && i->next_req) {
            if (!i->frozen) {
                deliver(i, inv);
                return;
            }
            if (!frozen) frozen = i;
        }
    }
    if (frozen) {
        deliver(frozen, inv);
        return;
    }
    /* One starting without an invocation (provisioned, pre-initialized) takes
     * it when it asks for work: on Lambda too, an environment that becomes
     * available while a new one would initialize can serve the invocation. */
    for (lambda_inst_t *i = pool->insts; i; i = i->next) {
        if (i->state == INST_INIT && !i->inv && i->conf == pool->conf) {
            i->inv = inv;
            count(i);
            return;
        }
    }
    if (may_wait && queue_fits(pool, pool->n_queued + 1)) {
        inv->submit_us = nb_now_us();
        enqueue(pool, inv);
    } else spawn_for(pool, inv);
}

static void submit(lambda_pool_t *pool, lambda_inv_t *inv, int may_wait)
{
    /* An instance about to ask for work takes it without adding concurrency,
     * unless the function is already over its (possibly just lowered) reserve. */
    lambda_fn_t *fn = pool->fn;
    if (fn->reserved == 0 || (fn->reserved > 0 && fn->busy > (unsigned)fn->reserved)) {
        lambda__inv_finish(inv, LAMBDA_ERR_TOO_MANY_REQUESTS, "Rate Exceeded.",
                           "ReservedFunctionConcurrentInvocationLimitExceeded", NULL, 0, NULL);
        return;
    }
    if (pool->n_post > pool->n_queued) {
        inv->submit_us = nb_now_us();
        enqueue(pool, inv);
        return;
    }
    submit_now(pool, inv, may_wait);
}

void lambda__pool_submit(lambda_pool_t *pool, lambda_inv_t *inv)
{
    submit(pool, inv, 1);
}

/* An invocation waits for an instance finishing its previous one at most
 * QUEUE_WAIT_US (a runtime slow to ask for more work, or stuck after its
 * answer, must not hold it), and a paced one at most the pool's mean cold
 * start; it then gets an instance of its own. */
#define QUEUE_WAIT_US 3000000

static void rescue_queue(lambda_pool_t *pool, uint64_t now)
{
    uint64_t paced = QUEUE_WAIT_US;
    if (pool->cold_us > 0 && pool->cold_us < (double)paced) paced = (uint64_t)pool->cold_us;
    unsigned starting = 0;
    for (const lambda_inst_t *i = pool->insts; i; i = i->next) starting += i->state == INST_INIT;
    while (pool->q_head) {
        uint64_t waited = now - pool->q_head->submit_us;
        int paced_one = pool->n_queued > pool->n_post;
        if (waited <= QUEUE_WAIT_US) {
            if (!paced_one || waited <= paced) break;
            /* A paced one waited a cold start's time. When the queue is still
             * expected to drain sooner than a cold start (queue_fits), its wait
             * is that of a long queue on busy cores: another environment would
             * take CPU from those serving and lengthen it (under overload each
             * rescue called for the next). Only an estimate proved wrong — or
             * QUEUE_WAIT_US — gets it an environment of its own. */
            if (queue_fits(pool, pool->n_queued)) break;
        }
        /* paced ones: a core's worth of cold starts at a time (queue_fits) */
        if (paced_one && lambda__svc.pace_min && starting >= lambda__svc.pace_min) break;
        starting++;
        lambda_inv_t *inv = dequeue(pool);
        if (!pool->conf) {
            lambda__inv_finish(inv, LAMBDA_ERR_SERVICE, "The function changed while the invocation waited; retry.",
                               NULL, NULL, 0, NULL);
            continue;
        }
        unsigned queued = pool->n_queued;
        submit_now(pool, inv, 0);
        if (pool->n_queued > queued) break;   /* put back: no room for an environment now */
    }
}

/* Queued invocations beyond what the instances working will take get their own. */
static void redispatch(lambda_pool_t *pool)
{
    while (pool->q_head && !queue_fits(pool, pool->n_queued)) {
        lambda_inv_t *inv = dequeue(pool);
        if (!pool->conf) {
            lambda__inv_finish(inv, LAMBDA_ERR_SERVICE, "The function changed while the invocation waited; retry.",
                               NULL, NULL, 0, NULL);
            continue;
        }
        unsigned queued = pool->n_queued;
        submit(pool, inv, 0);
        if (pool->n_queued > queued) break;   /* put back: it waits for one working */
    }
}

static unsigned live_provisioned(lambda_pool_t *pool)
{
    unsigned n = 0;
    for (lambda_inst_t *i = pool->insts; i; i = i->next)
        if (i->provisioned && i->state != INST_STOPPING && i->state != INST_DEAD && i->conf == pool->conf) n++;
    return n;
}

static void provision(lambda_pool_t *pool)
{
    if (!pool->conf) return;
    unsigned have = live_provisioned(pool);
    if (have < pool->provisioned && wait_unpacked(pool, NULL)) return;
    while (have < pool->provisioned) {
        char *err = NULL;
        lambda_inst_t *inst = lambda__inst_spawn(pool, NULL, 1, &err);
        if (!inst && !err) {   /* no room now: the sweep tries again within a second */
            nb_log_warn("lambda", "provisioned instance of %s:%s waits: %s", pool->fn->name, pool->version,
                        strerror(errno));
            stop_longest_idle();
            return;
        }
        if (!inst) {
            nb_log_error("lambda", "provisioned instance of %s:%s failed: %s", pool->fn->name, pool->version, err);
            free(err);
            return;
        }
        add_inst(pool, inst);
        have++;
    }
    for (lambda_inst_t *i = pool->insts; i && have > pool->provisioned; i = i->next) {
        if (i->provisioned && i->state == INST_IDLE) {
            lambda__inst_shutdown(i);
            have--;
        }
    }
}

void lambda__pool_set_provisioned(lambda_pool_t *pool, unsigned n)
{
    pool->provisioned = n;
    provision(pool);
}

/* Proactive initialization (lambda.proactive_init): "for functions using
 * unreserved (on-demand) concurrency, Lambda may proactively initialize a
 * function instance, even if there's no invocation" (AWS, execution
 * environment lifecycle). nimbus does it once per deployment — after
 * CreateFunction, UpdateFunctionCode and UpdateFunctionConfiguration — so
 * the first request after a deployment does not pay the cold start (loading
 * an SDK costs Node.js ~0.5 s). The environment is an on-demand one: its
 * first REPORT carries Init Duration, it is reaped when idle like any other.
 * Bounded: not for functions with reserved concurrency, at most
 * PROACTIVE_SPARE environments that no invocation has used yet in all of
 * nimbus, and never while as many cold starts as cores are under way. */
#define PROACTIVE_SPARE 4

void lambda__pool_prewarm(lambda_pool_t *pool)
{
    /* not when its code must be unpacked first (after a reboot): the first invocation does that */
    if (!lambda__svc.proactive || !pool->conf || pool->fn->reserved >= 0 || !lambda__conf_ready(pool->conf)) return;
    for (const lambda_inst_t *i = pool->insts; i; i = i->next)
        if (i->conf == pool->conf && i->state != INST_STOPPING && i->state != INST_DEAD) return;
    unsigned spare = 0, starting = 0;
    for (const lambda_fn_t *f = lambda__svc.fns; f; f = f->next)
        for (const lambda_pool_t *p = f->pools; p; p = p->next)
            for (const lambda_inst_t *i = p->insts; i; i = i->next) {
                spare += i->proactive && (i->state == INST_INIT || i->state == INST_IDLE);
                starting += i->state == INST_INIT;
            }
    if (spare >= PROACTIVE_SPARE || starting >= (lambda__svc.pace_min ? lambda__svc.pace_min : 1)) return;
    char *err = NULL;
    lambda_inst_t *inst = lambda__inst_spawn(pool, NULL, 0, &err);
    if (!inst && !err) return;   /* no room: it is only a head start */
    if (!inst) {
        nb_log_info("lambda", "proactive initialization of %s:%s: %s", pool->fn->name, pool->version, err);
        free(err);
        return;
    }
    inst->proactive = 1;
    add_inst(pool, inst);
}

/* --- Runtime API events ---------------------------------------------------------------- */

static void become_ready(lambda_inst_t *inst, nb_req_t *req)
{
    lambda_pool_t *pool = inst->pool;
    inst->next_req = req;
    if (inst->conf != pool->conf) {
        uncount(inst);
        lambda__inst_shutdown(inst);
        redispatch(pool);
        return;
    }
    lambda_inv_t *inv = dequeue(pool);
    if (inv) {
        deliver(inst, inv);
        return;
    }
    inst->state = INST_IDLE;
    uncount(inst);
    inst->idle_since_us = nb_now_us();
    /* Freeze after a short grace period: back-to-back invocations then cost no
     * freeze/thaw round trip (a cgroup freeze takes milliseconds), while an
     * environment left idle is stopped as on Lambda. */
    if (!inst->freeze_grace_ms) inst->freeze_grace_ms = lambda__svc.freeze_delay_ms;
    if (inst->freeze_grace_ms) lambda__inst_arm(inst, inst->freeze_grace_ms);
    else lambda__inst_freeze(inst);
}

void lambda__inst_next(lambda_inst_t *inst, nb_req_t *req)
{
    switch (inst->state) {
    case INST_INIT:
        if (nb_startup_tracing()) {   /* the instance's own time on a CPU and waiting for one */
            char path[64], buf[128] = "";
            snprintf(path, sizeof path, "/proc/%d/schedstat", (int)inst->pid);
            FILE *f = fopen(path, "r");
            if (f) { if (!fgets(buf, sizeof buf, f)) buf[0] = 0; fclose(f); }
            unsigned long long run = 0, wait = 0;
            if (sscanf(buf, "%llu %llu", &run, &wait) != 2) run = wait = 0;
            nb_startup_mark("lambda: first /next of %s (instance ran %.3f, waited %.3f ms)", inst->id,
                            (double)run / 1e6, (double)wait / 1e6);
        }
        lambda__inst_disarm(inst);
        lambda__inst_pool_refill(0);   /* its cold start is over: the sandbox's blanks, off its path */
        inst->init_ms = (double)(nb_now_us() - inst->spawn_us) / 1000.0;
        inst->report_init = !inst->provisioned;
        ewma(&inst->pool->cold_us, inst->init_ms * 1000.0, 0.25);
        if (inst->inv) {
            inst->next_req = req;
            deliver(inst, inst->inv);
        } else {
            become_ready(inst, req);
        }
        return;
    case INST_POST:
        if (inst->pool->n_post) inst->pool->n_post--;
        become_ready(inst, req);
        return;
    case INST_IDLE:
        /* A runtime that gave up on its long poll (client timeout) and asks
         * again: the newest request is the one still listening. */
        if (inst->next_req)
            lambda__rapi_reply(inst->next_req, 403, "{\"errorMessage\":\"State transition is not allowed\","
                                                    "\"errorType\":\"InvalidStateTransition\"}");
        inst->next_req = req;
        return;
    case INST_STOPPING:
        if (!inst->next_req) { inst->next_req = req; return; }
        /* fall through */
    default:
        lambda__rapi_reply(req, 403, "{\"errorMessage\":\"State transition is not allowed\","
                                     "\"errorType\":\"InvalidStateTransition\"}");
        return;
    }
}

/* The error document a runtime posted: kept as is when it is JSON, else wrapped. */
static char *error_doc(nb_req_t *req, size_t *len)
{
    json_t *j = req->body_len ? json_loadb(req->body, req->body_len, JSON_DECODE_ANY, NULL) : NULL;
    if (j && json_is_object(j)) {
        json_decref(j);
        *len = req->body_len;
        return nb_xstrndup(req->body, req->body_len);
    }
    json_decref(j);
    const char *type = nb_req_header(req, "Lambda-Runtime-Function-Error-Type");
    json_t *doc = json_pack("{s:s,s:s%}", "errorType", type && *type ? type : "Runtime.Unknown",
                            "errorMessage", req->body, req->body_len);
    if (!doc) doc = json_pack("{s:s,s:s}", "errorType", type && *type ? type : "Runtime.Unknown",
                              "errorMessage", "The runtime posted an error that is not valid UTF-8");
    char *s = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    *len = strlen(s);
    return s;
}

void lambda__inst_response(lambda_inst_t *inst, nb_req_t *req, const char *id, int is_error)
{
    nb_startup_mark("lambda: response of %s", inst->id);
    if (inst->state != INST_BUSY || !inst->inv || strcmp(id, inst->inv->id) != 0) {
        if (strcmp(id, inst->last_id) == 0 || (inst->inv && strcmp(id, inst->inv->id) == 0))
            lambda__rapi_reply(req, 403, "{\"errorMessage\":\"State transition is not allowed\","
                                         "\"errorType\":\"InvalidStateTransition\"}");
        else
            lambda__rapi_reply(req, 400, "{\"errorMessage\":\"Invalid request ID\",\"errorType\":\"InvalidRequestID\"}");
        return;
    }
    inst->state = INST_POST;
    inst->pool->n_post++;
    if (!is_error && req->body_len > LAMBDA_SYNC_PAYLOAD_MAX) {
        lambda__rapi_reply(req, 413, "{\"errorMessage\":\"Exceeded maximum allowed payload size (6291556 bytes).\","
                                     "\"errorType\":\"RequestEntityTooLarge\"}");
        static const char doc[] = "{\"errorMessage\":\"Response payload size exceeded maximum allowed payload size "
                                  "(6291556 bytes).\",\"errorType\":\"Function.ResponseSizeTooLarge\"}";
        end_invocation(inst, doc, sizeof doc - 1, "Unhandled", END_FN_ERROR, NULL);
        return;
    }
    if (is_error) {
        size_t len;
        char *doc = error_doc(req, &len);
        lambda__rapi_reply(req, 202, "{\"status\":\"OK\"}");
        end_invocation(inst, doc, len, "Unhandled", END_FN_ERROR, NULL);
        free(doc);
    } else {
        end_invocation(inst, req->body, req->body_len, NULL, END_OK, NULL);
        lambda__rapi_reply(req, 202, "{\"status\":\"OK\"}");
    }
}

void lambda__inst_init_error(lambda_inst_t *inst, nb_req_t *req)
{
    if (inst->state != INST_INIT) {
        lambda__rapi_reply(req, 403, "{\"errorMessage\":\"State transition is not allowed\","
                                     "\"errorType\":\"InvalidStateTransition\"}");
        return;
    }
    size_t len;
    free(inst->init_error);
    inst->init_error = error_doc(req, &len);
    lambda__rapi_reply(req, 202, "{\"status\":\"OK\"}");
    inst->init_ms = (double)(nb_now_us() - inst->spawn_us) / 1000.0;
    json_t *doc = json_loads(inst->init_error, 0, NULL);
    const char *type = json_string_value(json_object_get(doc, "errorType"));
    if (!inst->conf->log_json) {
        emit(inst, "INIT_REPORT Init Duration: %.2f ms\tPhase: init\tStatus: error\tError Type: %s",
             inst->init_ms, type ? type : "Runtime.Unknown");
    } else {
        nb_buf_t b = NB_BUF_INIT;
        lambda__plat_init_report(&b, nb_wall_ms(), inst->provisioned ? "provisioned-concurrency" : "on-demand",
                                 inst->init_ms, "error", type ? type : "Runtime.Unknown");
        emit_json(inst, LAMBDA_LVL_INFO, &b);
    }
    json_decref(doc);
    if (inst->inv) end_invocation(inst, inst->init_error, strlen(inst->init_error), "Unhandled", END_INIT_ERROR, NULL);
    uncount(inst);
    lambda__inst_kill(inst);
    inst->state = INST_STOPPING;
    lambda__inst_arm(inst, 2000);
}

void lambda__inst_timer(lambda_inst_t *inst)
{
    switch (inst->state) {
    case INST_INIT:
    case INST_BUSY: {
        lambda_inv_t *inv = inst->inv;
        if (inv) {
            char ts[40];
            nb_iso8601_ms(nb_wall_ms(), ts, sizeof ts);
            nb_buf_t msg = NB_BUF_INIT;
            nb_buf_printf(&msg, "%s %s Task timed out after %u.00 seconds", ts, inv->id, inst->conf->timeout_s);
            lambda__inst_output(inst, msg.data, msg.len);
            json_t *doc = json_pack("{s:s}", "errorMessage", msg.data);
            char *s = json_dumps(doc, JSON_COMPACT);
            json_decref(doc);
            nb_buf_free(&msg);
            inst->state = INST_STOPPING;
            end_invocation(inst, s, strlen(s), "Unhandled", END_TIMEOUT, NULL);
            free(s);
        } else {
            nb_log_warn("lambda", "instance %s of %s did not finish init in time", inst->id, inst->conf->name);
        }
        uncount(inst);
        inst->state = INST_STOPPING;
        lambda__inst_kill(inst);
        lambda__inst_arm(inst, 2000);
        return;
    }
    case INST_STOPPING:
        lambda__inst_kill(inst);
        lambda__inst_arm(inst, 2000);
        return;
    case INST_IDLE:
        lambda__inst_freeze(inst);
        return;
    default:
        return;
    }
}

/* Go's os.ProcessState.String(), which is what Lambda prints. */
static void exit_text(int st, char *out, size_t cap)
{
    if (WIFEXITED(st)) {
        snprintf(out, cap, "exit status %d", WEXITSTATUS(st));
    } else if (WIFSIGNALED(st)) {
        int s = WTERMSIG(st);
        const char *name = s == SIGKILL ? "killed" : s == SIGSEGV ? "segmentation fault" : s == SIGABRT ? "aborted"
                         : s == SIGTERM ? "terminated" : s == SIGBUS ? "bus error" : s == SIGFPE ? "floating point exception"
                         : s == SIGILL ? "illegal instruction" : strsignal(s);
        snprintf(out, cap, "signal: %s%s", name, WCOREDUMP(st) ? " (core dumped)" : "");
    } else {
        snprintf(out, cap, "exit status 0");
    }
}

void lambda__inst_exited(lambda_inst_t *inst)
{
    lambda_pool_t *pool = inst->pool;
    if (inst->state == INST_POST && pool->n_post) pool->n_post--;
    inst->peak_read_us = 0;
    if (inst->inv) {
        lambda_inv_t *inv = inst->inv;
        if (inst->init_error) {
            end_invocation(inst, inst->init_error, strlen(inst->init_error), "Unhandled", END_INIT_ERROR, NULL);
        } else {
            /* What the caller gets is Lambda's: an environment killed by the
             * memory cgroup is, to the caller, a runtime that exited on
             * SIGKILL ("signal: killed", Runtime.ExitError). Only the
             * platform's REPORT line says why (Error Type: Runtime.OutOfMemory). */
            char why[96];
            exit_text(inst->exit_status, why, sizeof why);
            static const char type[] = "Runtime.ExitError";
            const char *report_type = sbx_oom_killed(inst->sbx) ? "Runtime.OutOfMemory" : type;
            nb_buf_t msg = NB_BUF_INIT;
            nb_buf_printf(&msg, "RequestId: %s Error: Runtime exited with error: %s", inv->id, why);
            lambda__inst_output(inst, msg.data, msg.len);
            lambda__inst_output(inst, type, strlen(type));
            json_t *doc = json_pack("{s:s,s:s}", "errorType", type, "errorMessage", msg.data);
            char *s = json_dumps(doc, JSON_COMPACT);
            json_decref(doc);
            nb_buf_free(&msg);
            end_invocation(inst, s, strlen(s), "Unhandled", END_EXIT, report_type);
            free(s);
        }
    }
    lambda__code_cache_check_death(inst);
    uncount(inst);
    remove_inst(pool, inst);
    int failed_init = inst->provisioned && (inst->init_error || inst->state == INST_INIT);
    inst->state = INST_DEAD;
    lambda__inst_release(inst);
    redispatch(pool);
    /* A provisioned environment that dies during init is replaced by the sweep
     * (once a second), not at once: a broken function must not spin. */
    if (!failed_init) provision(pool);
}

/* --- configuration changes, reaping, stop ------------------------------------------------- */

static void invalidate_pool(lambda_pool_t *pool)
{
    lambda__conf_unref(pool->conf);
    pool->conf = NULL;
    for (lambda_inst_t *i = pool->insts, *n; i; i = n) {
        n = i->next;
        if (i->state == INST_IDLE) lambda__inst_shutdown(i);
    }
}

void lambda__pool_invalidate(const char *name, const char *version)
{
    lambda_fn_t *fn = lambda__fn_get(name, 0);
    if (!fn) return;
    for (lambda_pool_t *p = fn->pools; p; p = p->next)
        if (!version || strcmp(p->version, version) == 0) invalidate_pool(p);
}

void lambda__fn_forget(const char *name)
{
    lambda_fn_t *fn = lambda__fn_get(name, 0);
    if (!fn) return;
    for (lambda_pool_t *p = fn->pools; p; p = p->next) {
        p->provisioned = 0;
        invalidate_pool(p);
    }
    fn->reserved = -1;
}

static void on_sweep(uv_timer_t *t)
{
    uint64_t now = nb_now_us();
    static uint64_t last_provision;
    if (now - last_provision >= 1000000) {
        last_provision = now;
        /* Orphans a function left to nimbus (it killed its plain-mode
         * supervisor) that sbx_release's own sweep could not finish. */
        sbx_children_sweep_nowait();
        for (lambda_fn_t *f = lambda__svc.fns; f; f = f->next)
            for (lambda_pool_t *p = f->pools; p; p = p->next)
                if (p->provisioned) provision(p);
    }
    uint64_t limit = (uint64_t)lambda__svc.idle_timeout_ms * 1000;
    for (lambda_fn_t *f = lambda__svc.fns; f; f = f->next)
        for (lambda_pool_t *p = f->pools; p; p = p->next) {
            rescue_queue(p, now);
            for (lambda_inst_t *i = p->insts, *n; i; i = n) {
                n = i->next;
                if (i->state != INST_IDLE) continue;
                if ((!i->provisioned && now - i->idle_since_us >= limit) ||
                    (i->creds_expire_ms && nb_wall_ms() + 300000 >= i->creds_expire_ms))
                    lambda__inst_shutdown(i);
            }
        }
}

void lambda__pool_start(void)
{
    uv_timer_init(lambda__svc.ctx->loop, &lambda__svc.sweep);
    uv_timer_start(&lambda__svc.sweep, on_sweep, 100, 100);
}

unsigned lambda__pool_count_instances(unsigned *initializing)
{
    unsigned n = 0, init = 0;
    for (lambda_fn_t *f = lambda__svc.fns; f; f = f->next)
        for (lambda_pool_t *p = f->pools; p; p = p->next)
            for (lambda_inst_t *i = p->insts; i; i = i->next) {
                n++;
                init += i->state == INST_INIT;
            }
    if (initializing) *initializing = init;
    return n;
}

void lambda__pool_stop_all(void)
{
    uv_timer_stop(&lambda__svc.sweep);
    uv_close((uv_handle_t *)&lambda__svc.sweep, NULL);
    for (lambda_fn_t *f = lambda__svc.fns, *fn_next; f; f = fn_next) {
        fn_next = f->next;
        for (lambda_pool_t *p = f->pools, *pn; p; p = pn) {
            pn = p->next;
            lambda_inv_t *inv;
            while ((inv = dequeue(p)))
                lambda__inv_finish(inv, LAMBDA_ERR_SERVICE, "nimbus is shutting down", NULL, NULL, 0, NULL);
            for (lambda_inst_t *i = p->insts, *in; i; i = in) {
                in = i->next;
                lambda__inst_kill(i);
                if (i->pid > 0) waitpid(i->pid, &i->exit_status, 0);
                if (i->inv) {
                    lambda_inv_t *v = i->inv;
                    i->inv = NULL;
                    lambda__inv_finish(v, LAMBDA_ERR_SERVICE, "nimbus is shutting down", NULL, NULL, 0, NULL);
                }
                i->state = INST_DEAD;
                lambda__inst_release(i);
            }
            lambda__conf_unref(p->conf);
            free(p->version);
            free(p);
        }
        free(f->name);
        free(f);
    }
    lambda__svc.fns = NULL;
}
