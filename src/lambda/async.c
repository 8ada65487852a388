/* async.c — Event invocations: queued durably, run, retried, delivered.
 *
 *   lambda.async  due_ms(8B BE) + id(36)  {"id","fn","qual","payload","attempts","first_ms"}
 *
 * The 202 is sent only once the event is durable, so an accepted event
 * survives kill -9; at start-up every queued event is picked up again (an event
 * that was running when nimbus died runs again: at-least-once, as on Lambda).
 * A worker timer takes due events (at most MAX_INFLIGHT at once), invokes
 * them, and then in one write transaction removes the event and either
 * re-queues it (function error with retries left: delay lambda.async_retry_delay_ms
 * × attempt, default 60 s; throttled: 1 s, not counted) or hands it to its
 * destination. Destinations: a Lambda function ARN gets the record as a new
 * Event; any other destination, and failures with no destination, go to the
 * dead-letter keyspace lambda.dlq (NAME\0ms\0id), listed by
 * `nimbus dead-letters [NAME]`: nothing is dropped silently.
 *
 * A delivery (destination or DeadLetterConfig target) is made with the
 * execution role's permissions at delivery time, as on AWS: the role the
 * invocation ran with is asked again (auth_role_allowed, src/auth) whether it
 * may invoke the function / send to the queue / publish to the topic / put
 * the event. A role no longer allowed (its policy changed since the
 * configuration was accepted) gets nothing delivered — a function destination
 * is not invoked — and the record is kept in lambda.dlq with a
 * "deliveryFailure" and logged instead (AWS counts it in its
 * DestinationDeliveryFailures / DeadLetterErrors metrics). */
#include "lambda/lambda_int.h"
#include "auth/enforce.h"
#include "core/alloc.h"
#include "core/log.h"
#include "core/util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_INFLIGHT 64
#define KEYLEN (8 + 36)

static uv_timer_t worker;
static int worker_on;
static json_t *inflight;   /* id → true */

typedef struct running {
    unsigned char key[KEYLEN];
    json_t *ev;
} running_t;

static void put_be64(unsigned char *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--) { p[i] = (unsigned char)v; v >>= 8; }
}

static uint64_t get_be64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = (v << 8) | p[i];
    return v;
}

static void kick(uint64_t ms);

static void make_key(unsigned char key[KEYLEN], uint64_t due, const char *id)
{
    put_be64(key, due);
    memcpy(key + 8, id, 36);
}

/* id: the invocation's request id (the Invoke request's own, so that its
 * x-amzn-RequestId is what the function sees on every attempt), or NULL for a new one. */
static json_t *new_event(const char *id, const char *name, const char *qual, const char *payload, size_t len)
{
    char fresh[37];
    if (!id) {
        nb_uuid4(fresh);
        id = fresh;
    }
    return json_pack("{s:s,s:s,s:s,s:s%,s:i,s:I}", "id", id, "fn", name, "qual", qual, "payload",
                     len ? payload : "{}", len ? len : 2, "attempts", 0, "first_ms", (json_int_t)nb_wall_ms());
}

static void on_enqueued(void *arg, int status)
{
    nb_req_t *req = arg;
    if (status != STORE_OK) lambda__err(req, LAMBDA_ERR_SERVICE, "storage failure");
    else nb_reply(req, 202, NULL, "", 0);   /* x-amzn-RequestId: the event's id */
    kick(0);
}

static int put_event(store_txn_t *t, json_t *ev, uint64_t due)
{
    unsigned char key[KEYLEN];
    make_key(key, due, json_string_value(json_object_get(ev, "id")));
    return lambda__put_json(t, LAMBDA_KS_ASYNC, key, sizeof key, ev);
}

void lambda__async_enqueue(nb_req_t *req, const char *name, const char *qual, const char *payload, size_t len)
{
    json_t *ev = new_event(req->id, name, qual, payload, len);
    if (!ev) {
        lambda__err(req, LAMBDA_ERR_INVALID_CONTENT, "Could not parse request body into json: payload is not UTF-8");
        return;
    }
    store_txn_t *t = lambda__begin(req, 1);
    if (!t) { json_decref(ev); return; }
    if (put_event(t, ev, nb_wall_ms()) != STORE_OK) {
        store_abort(t);
        json_decref(ev);
        lambda__err(req, LAMBDA_ERR_SERVICE, "storage failure");
        return;
    }
    json_decref(ev);
    if (store_commit(t, on_enqueued, req) != STORE_OK) lambda__err(req, LAMBDA_ERR_SERVICE, "storage failure");
}

static void on_bg_durable(void *arg, int status)
{
    (void)arg;
    if (status != STORE_OK) nb_log_error("lambda", "async queue update could not be made durable");
    kick(0);
}

int lambda__async_enqueue_internal(const char *name, const char *qual, const char *payload, size_t len)
{
    json_t *ev = new_event(NULL, name, qual, payload, len);
    store_txn_t *t = NULL;
    if (!ev || store_begin(lambda__svc.ctx->store, STORE_WRITE, &t) != STORE_OK) {
        nb_log_error("lambda", "cannot queue event for %s", name);
        json_decref(ev);
        return -1;
    }
    put_event(t, ev, nb_wall_ms());
    json_decref(ev);
    if (store_commit(t, on_bg_durable, NULL) != STORE_OK) {
        nb_log_error("lambda", "cannot queue event for %s", name);
        return -1;
    }
    return 0;
}

/* The function's EventInvokeConfig for qual (or $LATEST/unqualified), borrowed from fnrec. */
static json_t *eic_for(json_t *fnrec, const char *qual)
{
    json_t *eic = json_object_get(fnrec, "eic");
    json_t *c = json_object_get(eic, *qual ? qual : "$LATEST");
    return c;
}

static json_t *as_json(const char *s, size_t n)
{
    json_t *j = json_loadb(s, n, JSON_DECODE_ANY, NULL);
    return j ? j : json_stringn(s, n);
}

static void put_dlq(store_txn_t *t, const char *name, const char *id, json_t *rec)
{
    nb_buf_t k = NB_BUF_INIT;
    nb_buf_puts(&k, name);
    nb_buf_putc(&k, 0);
    unsigned char tsb[8];
    put_be64(tsb, nb_wall_ms());
    nb_buf_append(&k, tsb, 8);
    nb_buf_puts(&k, id);
    lambda__put_json(t, LAMBDA_KS_DLQ, k.data, k.len, rec);
    nb_buf_free(&k);
}

/* The execution role the invocation ran with: the executed version's (a
 * version keeps the role it was published with), else the function's.
 * Borrowed from fnrec or *hold (caller decrefs *hold). */
static const char *exec_role(store_txn_t *t, json_t *fnrec, const lambda_result_t *r, json_t **hold)
{
    *hold = NULL;
    const char *ev = r ? r->executed_version : NULL;
    if (ev && strcmp(ev, "$LATEST") != 0) {
        *hold = lambda__get_fn_version(t, json_string_value(json_object_get(json_object_get(fnrec, "cfg"),
                                                                              "FunctionName")), ev, NULL);
        const char *role = json_string_value(json_object_get(json_object_get(*hold, "cfg"), "Role"));
        if (role) return role;
    }
    return json_string_value(json_object_get(json_object_get(fnrec, "cfg"), "Role"));
}

/* NULL when the execution role the invocation ran with (exec_role) may
 * deliver to arn now, else why not (caller frees): the destination's action on
 * it (a function by its canonical ARN) evaluated by src/auth over the role's
 * current policies. Types nimbus does not know are not checked. With --auth
 * open nothing is enforced. */
static char *delivery_denied(store_txn_t *t, json_t *fnrec, const lambda_result_t *r, const char *arn)
{
    const lambda_dest_kind_t *k = lambda__dest_kind(arn);
    if (!k || lambda__svc.ctx->cfg->auth_open) return NULL;
    json_t *hold;
    const char *role = exec_role(t, fnrec, r, &hold);
    char *why = NULL;
    if (!lambda__role_may_deliver(lambda__svc.ctx, t, role, k, arn)) {
        nb_buf_t b = NB_BUF_INIT;
        nb_buf_printf(&b, "AccessDenied: the function execution role %s does not have permissions to call %s on %s",
                      role ? role : "(none)", k->verb, arn);
        why = nb_buf_take(&b, NULL);
    }
    json_decref(hold);
    return why;
}

/* The function's DeadLetterConfig (an SQS queue or SNS topic) gets the event
 * itself with Lambda's message attributes; recorded in lambda.dlq until those
 * services exist. */
static void dead_letter(store_txn_t *t, json_t *ev, json_t *fnrec, const lambda_result_t *r)
{
    const char *target = json_string_value(json_object_get(
        json_object_get(json_object_get(fnrec, "cfg"), "DeadLetterConfig"), "TargetArn"));
    if (!target) return;
    const char *payload = json_string_value(json_object_get(ev, "payload"));
    const char *id = json_string_value(json_object_get(ev, "id"));
    json_t *rec = json_pack("{s:s,s:b,s:o,s:{s:s,s:s,s:s}}", "destination", target, "deadLetterQueue", 1,
                            "requestPayload", as_json(payload, strlen(payload)),
                            "attributes", "RequestID", id, "ErrorCode", r && r->function_error ? "200" : "500",
                            "ErrorMessage", r && r->function_error ? "Unhandled" : (r ? r->error_message : ""));
    char ts[40];
    nb_iso8601_ms(nb_wall_ms(), ts, sizeof ts);
    json_object_set_new(rec, "timestamp", json_string(ts));
    char *why = delivery_denied(t, fnrec, r, target);
    if (why) {
        nb_log_warn("lambda", "async event %s of %s: dead-letter target not sent: %s", id,
                    json_string_value(json_object_get(ev, "fn")), why);
        json_object_set_new(rec, "deliveryFailure", json_string(why));
        free(why);
    }
    nb_buf_t key = NB_BUF_INIT;
    nb_buf_printf(&key, "%s-dlq", id);
    put_dlq(t, json_string_value(json_object_get(ev, "fn")), key.data, rec);
    nb_buf_free(&key);
    json_decref(rec);
}

static void deliver_destination(store_txn_t *t, json_t *ev, json_t *fnrec, const lambda_result_t *r,
                                int success, const char *condition)
{
    const char *name = json_string_value(json_object_get(ev, "fn"));
    const char *qual = json_string_value(json_object_get(ev, "qual"));
    json_t *eic = eic_for(fnrec, qual);
    json_t *dest = json_object_get(json_object_get(json_object_get(eic, "DestinationConfig"),
                                                   success ? "OnSuccess" : "OnFailure"), "Destination");
    const char *arn = json_string_value(dest);
    if (!success) dead_letter(t, ev, fnrec, r);
    if (success && !arn) return;
    char ts[40];
    nb_iso8601_ms(nb_wall_ms(), ts, sizeof ts);
    char *fn_arn = lambda__fn_arn(name, *qual ? qual : "$LATEST");
    const char *payload = json_string_value(json_object_get(ev, "payload"));
    json_t *rec = json_pack("{s:s,s:s,s:{s:s,s:s,s:s,s:I},s:o,s:{s:i,s:s}}",
                            "version", "1.0", "timestamp", ts,
                            "requestContext", "requestId", json_string_value(json_object_get(ev, "id")),
                            "functionArn", fn_arn, "condition", condition, "approximateInvokeCount",
                            json_integer_value(json_object_get(ev, "attempts")) + 1,
                            "requestPayload", as_json(payload, strlen(payload)),
                            "responseContext", "statusCode", r && r->error == NB_OK ? 200 : 500,
                            "executedVersion", r && r->executed_version ? r->executed_version : "$LATEST");
    free(fn_arn);
    if (r && r->function_error)
        json_object_set_new(json_object_get(rec, "responseContext"), "functionError", json_string(r->function_error));
    if (r && r->error == NB_OK) json_object_set_new(rec, "responsePayload", as_json(r->payload, r->payload_len));
    else if (r) json_object_set_new(rec, "responsePayload", json_pack("{s:s}", "errorMessage", r->error_message));
    char *why = delivery_denied(t, fnrec, r, arn);
    char tname[LAMBDA_NAME_MAX + 1], tqual[130];
    if (why) {
        /* not delivered: the role may no longer make this delivery */
        json_object_set_new(rec, "destination", json_string(arn));
        json_object_set_new(rec, "deliveryFailure", json_string(why));
        put_dlq(t, name, json_string_value(json_object_get(ev, "id")), rec);
        nb_log_warn("lambda", "async event %s of %s not delivered (%s): %s",
                    json_string_value(json_object_get(ev, "id")), name, condition, why);
        free(why);
    } else if (arn && strstr(arn, ":lambda:") && strstr(arn, ":function:") && lambda__parse_fn(arn, tname, tqual) == 0) {
        char *s = json_dumps(rec, JSON_COMPACT);
        json_t *tev = new_event(NULL, tname, tqual, s, strlen(s));
        free(s);
        if (tev) put_event(t, tev, nb_wall_ms());
        json_decref(tev);
    } else {
        json_object_set_new(rec, "destination", arn ? json_string(arn) : json_null());
        put_dlq(t, name, json_string_value(json_object_get(ev, "id")), rec);
        nb_log_warn("lambda", "async event %s for %s delivered to the dead-letter store (%s)",
                    json_string_value(json_object_get(ev, "id")), name, condition);
    }
    json_decref(rec);
}

static void on_async_done(void *arg, const lambda_result_t *r)
{
    running_t *run = arg;
    json_t *ev = run->ev;
    const char *id = json_string_value(json_object_get(ev, "id"));
    const char *name = json_string_value(json_object_get(ev, "fn"));
    const char *qual = json_string_value(json_object_get(ev, "qual"));
    store_txn_t *t = NULL;
    if (!lambda__svc.started || store_begin(lambda__svc.ctx->store, STORE_WRITE, &t) != STORE_OK) {
        json_object_del(inflight, id);
        json_decref(ev);
        free(run);
        return;   /* stays queued; runs again after restart */
    }
    json_t *fnrec = lambda__get_fn(t, name);
    json_t *eic = eic_for(fnrec, qual);
    long max_retries = json_object_get(eic, "MaximumRetryAttempts")
                           ? (long)json_integer_value(json_object_get(eic, "MaximumRetryAttempts")) : 2;
    long max_age = json_object_get(eic, "MaximumEventAgeInSeconds")
                       ? (long)json_integer_value(json_object_get(eic, "MaximumEventAgeInSeconds")) : 21600;
    long attempts = (long)json_integer_value(json_object_get(ev, "attempts"));
    uint64_t age_ms = nb_wall_ms() - (uint64_t)json_integer_value(json_object_get(ev, "first_ms"));
    store_del(t, LAMBDA_KS_ASYNC, run->key, KEYLEN);
    unsigned delay = lambda__svc.async_retry_delay_ms;
    if (r->error == LAMBDA_ERR_TOO_MANY_REQUESTS || r->error == LAMBDA_ERR_SERVICE) {
        /* throttled: back off exponentially (up to 5 min) until the event is too old */
        long thr = (long)json_integer_value(json_object_get(ev, "throttles"));
        uint64_t base = delay < 1000 ? delay : 1000, wait = base << (thr < 8 ? thr : 8);
        if (wait > 300000) wait = 300000;
        json_object_set_new(ev, "throttles", json_integer(thr + 1));
        if (age_ms / 1000 >= (uint64_t)max_age) deliver_destination(t, ev, fnrec, r, 0, "EventAgeExceeded");
        else put_event(t, ev, nb_wall_ms() + wait);
    } else if (r->error != NB_OK) {
        deliver_destination(t, ev, fnrec, r, 0, "RetriesExhausted");
    } else if (r->function_error) {
        if (attempts < max_retries && age_ms / 1000 < (uint64_t)max_age) {
            json_object_set_new(ev, "attempts", json_integer(attempts + 1));
            put_event(t, ev, nb_wall_ms() + (uint64_t)delay * (uint64_t)(attempts + 1));
        } else {
            deliver_destination(t, ev, fnrec, r, 0,
                                attempts < max_retries ? "EventAgeExceeded" : "RetriesExhausted");
        }
    } else {
        deliver_destination(t, ev, fnrec, r, 1, "Success");
    }
    json_decref(fnrec);
    if (store_commit(t, on_bg_durable, NULL) != STORE_OK) nb_log_error("lambda", "async queue update failed");
    json_object_del(inflight, id);
    json_decref(ev);
    free(run);
}

typedef struct scan_ctx {
    uint64_t now;
    uint64_t next_due;
    running_t *todo[MAX_INFLIGHT];
    int n;
} scan_ctx_t;

static int scan_due(void *arg, const void *k, size_t kl, const void *v, size_t vl)
{
    scan_ctx_t *c = arg;
    if (kl != KEYLEN) return 0;
    uint64_t due = get_be64(k);
    if (due > c->now) { c->next_due = due; return 1; }
    char id[37];
    memcpy(id, (const char *)k + 8, 36);
    id[36] = 0;
    if (json_object_get(inflight, id)) return 0;
    if ((int)json_object_size(inflight) + c->n >= MAX_INFLIGHT) return 1;
    json_t *ev = json_loadb(v, vl, 0, NULL);
    if (!ev) return 0;
    running_t *run = nb_xmalloc(sizeof *run);
    memcpy(run->key, k, KEYLEN);
    run->ev = ev;
    c->todo[c->n++] = run;
    return c->n >= MAX_INFLIGHT;
}

static void on_worker(uv_timer_t *tm)
{
    (void)tm;
    if (!lambda__svc.started) return;
    scan_ctx_t c = {.now = nb_wall_ms()};
    store_txn_t *t = NULL;
    if (store_begin(lambda__svc.ctx->store, STORE_READ, &t) != STORE_OK) { kick(1000); return; }
    store_scan(t, LAMBDA_KS_ASYNC, NULL, 0, NULL, 0, 0, scan_due, &c);
    store_abort(t);
    for (int i = 0; i < c.n; i++) {
        running_t *run = c.todo[i];
        json_t *ev = run->ev;
        json_object_set_new(inflight, json_string_value(json_object_get(ev, "id")), json_true());
        const char *payload = json_string_value(json_object_get(ev, "payload"));
        lambda_inv_t *inv = lambda__inv_new(NULL, NULL, NULL, payload, strlen(payload));
        snprintf(inv->id, sizeof inv->id, "%s", json_string_value(json_object_get(ev, "id")));
        inv->async = 1;
        inv->cb = on_async_done;
        inv->arg = run;
        lambda__invoke_internal(lambda__svc.ctx, inv, json_string_value(json_object_get(ev, "fn")),
                                json_string_value(json_object_get(ev, "qual")));
    }
    if (c.next_due) kick(c.next_due > c.now ? c.next_due - c.now : 0);
    else kick(1000);
}

static void kick(uint64_t ms)
{
    if (!worker_on) return;
    if (uv_is_active((uv_handle_t *)&worker) && uv_timer_get_due_in(&worker) <= ms) return;
    uv_timer_start(&worker, on_worker, ms, 0);
}

void lambda__async_init(void)
{
    inflight = json_object();
    uv_timer_init(lambda__svc.ctx->loop, &worker);
    worker_on = 1;
    kick(0);   /* resume whatever was queued before a restart */
}

void lambda__async_stop(void)
{
    if (!worker_on) return;
    worker_on = 0;
    uv_timer_stop(&worker);
    uv_close((uv_handle_t *)&worker, NULL);
    json_decref(inflight);
    inflight = NULL;
}
