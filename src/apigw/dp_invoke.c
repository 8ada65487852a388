/* dp_invoke.c — an integration's call bounded by its timeout (Lambda
 * invocations; any other asynchronous call through apigw__dp_wait).
 *
 *   pending ──lambda answers──▶ answered (cb runs, unlinked) ──▶ freed
 *      └──────deadline passes──▶ timed out (504 sent, dp gone) ──lambda answers──▶ freed
 * The call record is heap memory because it outlives the reply when the
 * deadline wins: it is freed once the Lambda callback has run.
 *
 * Deadlines: one timer for all calls, not one per call (a timer's init, start,
 * stop and close were ~4% of the daemon's user time on a proxy route). Pending
 * calls sit in one list ordered by deadline; a call is inserted from the tail
 * (calls of one integration timeout arrive in deadline order, so that is
 * O(1) but for mixed timeouts) and unlinked in O(1). The timer is armed for
 * the head's deadline, and not re-armed when the head is answered: it fires
 * early at most once, then re-arms for the new head. Times are the loop's
 * milliseconds (uv_now), as a uv timer's. */
#include "apigw/dp.h"
#include "core/alloc.h"
#include "lambda/lambda.h"
#include <stdlib.h>
#include <string.h>

struct apigw_wait {
    apigw_dp_t *dp;            /* NULL once the deadline has answered */
    apigw_dp_invoke_cb cb;     /* a Lambda invocation's (NULL: apigw__dp_wait's caller ends it) */
    apigw_dp_timeout_fn on_timeout;   /* NULL: 504 Endpoint request timed out */
    void *arg;
    uint64_t deadline;         /* uv_now() milliseconds */
    struct apigw_wait *prev, *next;  /* in the pending list while dp != NULL */
};
typedef struct apigw_wait call_t;

static struct {
    uv_loop_t *loop;
    uv_timer_t timer;
    int open;                  /* timer initialised and not closed */
    uint64_t armed;            /* when the timer fires (0: not armed) */
    call_t *head, *tail;
} dl;

static void on_deadline(uv_timer_t *t);

static void arm(uint64_t at)
{
    uint64_t now = uv_now(dl.loop);
    dl.armed = at;
    uv_timer_start(&dl.timer, on_deadline, at > now ? at - now : 0, 0);
}

static void unlink_call(call_t *c)
{
    if (c->prev) c->prev->next = c->next;
    else dl.head = c->next;
    if (c->next) c->next->prev = c->prev;
    else dl.tail = c->prev;
    c->prev = c->next = NULL;
}

static void link_call(call_t *c)
{
    call_t *after = dl.tail;
    while (after && after->deadline > c->deadline) after = after->prev;
    c->prev = after;
    c->next = after ? after->next : dl.head;
    if (c->next) c->next->prev = c;
    else dl.tail = c;
    if (after) after->next = c;
    else dl.head = c;
    if (dl.head == c && (!dl.armed || dl.armed > c->deadline)) arm(c->deadline);
}

static void on_deadline(uv_timer_t *t)
{
    (void)t;
    dl.armed = 0;
    uint64_t now = uv_now(dl.loop);
    while (dl.head && dl.head->deadline <= now) {
        call_t *c = dl.head;
        apigw_dp_t *dp = c->dp;
        unlink_call(c);
        c->dp = NULL;
        if (c->on_timeout) c->on_timeout(dp, c->arg);
        else apigw__dp_timed_out(dp);
    }
    if (dl.head && dl.open) arm(dl.head->deadline);
}

apigw_wait_t *apigw__dp_wait(apigw_dp_t *dp, unsigned timeout_ms, apigw_dp_timeout_fn on_timeout, void *arg)
{
    if (!dl.open) {
        dl.loop = dp->req->ctx->loop;
        uv_timer_init(dl.loop, &dl.timer);
        uv_unref((uv_handle_t *)&dl.timer);   /* pending calls keep the loop busy, not their deadlines */
        dl.open = 1;
        dl.armed = 0;
    }
    call_t *c = nb_xcalloc(1, sizeof *c);
    c->dp = dp;
    c->on_timeout = on_timeout;
    c->arg = arg;
    c->deadline = uv_now(dl.loop) + (timeout_ms ? timeout_ms : 30000);
    link_call(c);
    return c;
}

apigw_dp_t *apigw__dp_wait_end(apigw_wait_t *c)
{
    apigw_dp_t *dp = c->dp;
    if (dp) unlink_call(c);
    free(c);
    return dp;
}

static void on_result(void *arg, const lambda_result_t *res)
{
    call_t *c = arg;
    apigw_dp_invoke_cb cb = c->cb;
    void *cb_arg = c->arg;
    apigw_dp_t *dp = apigw__dp_wait_end(c);
    if (dp) cb(dp, res, cb_arg);
}

void apigw__dp_invoke(apigw_dp_t *dp, const char *fn, const char *payload, size_t len, unsigned timeout_ms,
                      apigw_dp_invoke_cb cb, void *arg)
{
    apigw__dp_invoke_to(dp, fn, payload, len, timeout_ms, cb, NULL, arg);
}

void apigw__dp_invoke_to(apigw_dp_t *dp, const char *fn, const char *payload, size_t len, unsigned timeout_ms,
                         apigw_dp_invoke_cb cb, apigw_dp_timeout_fn on_timeout, void *arg)
{
    call_t *c = apigw__dp_wait(dp, timeout_ms, on_timeout, arg);
    c->cb = cb;
    lambda_invoke(dp->req->ctx, fn, NULL, payload, len, on_result, c);
}

void apigw__dp_invoke_stop(void)
{
    if (!dl.open) return;
    dl.open = 0;
    dl.armed = 0;
    uv_timer_stop(&dl.timer);
    uv_close((uv_handle_t *)&dl.timer, NULL);
}

void apigw__dp_timed_out(apigw_dp_t *dp)
{
    apigw__dp_gw(dp, "INTEGRATION_TIMEOUT", 504, "Endpoint request timed out");
}

/* A function that failed or answered no proxy answer: REST 502 (Lambda's
 * "Handling Lambda errors with an API Gateway API"), HTTP APIs 500 (their
 * troubleshooting guide's {"message":"Internal Server Error"}). */
static void bad_answer(apigw_dp_t *dp)
{
    if (dp->v2 && !dp->ws) apigw__dp_message(dp, 500, "Internal Server Error");
    else apigw__dp_gw(dp, "DEFAULT_5XX", 502, "Internal server error");
}

static void proxy_done(apigw_dp_t *dp, const lambda_result_t *res, int format)
{
    if (res->error == LAMBDA_ERR_TOO_LARGE && !dp->v2) {
        /* an event past Lambda's 6 MB: what a REST API answers (captured in
         * koki-develop/lgtm-generator#10) */
        nb_resp_header(dp->req, "x-amzn-ErrorType", "BadRequestException");
        apigw__dp_message(dp, 413, "Request Too Long");
        return;
    }
    if (res->error != NB_OK) {
        apigw__dp_gw(dp, "API_CONFIGURATION_ERROR", 500, dp->v2 ? "Internal Server Error" : "Internal server error");
        return;
    }
    if (res->function_error) {
        bad_answer(dp);
        return;
    }
    apigw_http_out_t out;
    int rc = format == 2 ? apigw__response_v2(dp->req->arena, res->payload, res->payload_len, &out)
           : dp->v2 ? apigw__response_v1(dp->req->arena, res->payload, res->payload_len, &out)
                    : apigw__response_v1_rest(dp->req->arena, res->payload, res->payload_len, &out);
    if (rc != 0) {
        bad_answer(dp);
        return;
    }
    /* REST: a base64 answer is decoded only for a client whose first Accept
     * type is one of binaryMediaTypes; others get the text as written */
    if (out.b64_text && !dp->v2 &&
        !apigw__accept_is_binary(json_object_get(dp->api, "binaryMediaTypes"), apigw__dp_header(dp, "accept"))) {
        out.body = out.b64_text;
        out.body_len = out.b64_len;
    }
    apigw__dp_trace_answer(dp);   /* REST answers carry the trace (no-op for HTTP APIs) */
    apigw__dp_send(dp, &out);
}

static void proxy_done_v1(apigw_dp_t *dp, const lambda_result_t *res, void *arg)
{
    (void)arg;
    proxy_done(dp, res, 1);
}

static void proxy_done_v2(apigw_dp_t *dp, const lambda_result_t *res, void *arg)
{
    (void)arg;
    proxy_done(dp, res, 2);
}

void apigw__dp_lambda_proxy(apigw_dp_t *dp, int format)
{
    const char *uri = apigw__dp_stage_subst(dp, json_string_value(json_object_get(dp->integration,
                                                                   dp->v2 ? "integrationUri" : "uri")));
    const char *fn = apigw__lambda_target(dp->req->arena, uri);
    if (!fn) {
        apigw__dp_gw(dp, "API_CONFIGURATION_ERROR", 500, "Internal server error");
        return;
    }
    const char *im = dp->v2 ? NULL : json_string_value(json_object_get(dp->integration, "httpMethod"));
    if (im && strcmp(im, "POST") != 0) {   /* Lambda is invoked by POST only: 500 (LocalStack's
                                             test_lambda_aws_proxy_integration_non_post_method) */
        apigw__dp_gw(dp, "INTEGRATION_FAILURE", 500, "Internal server error");
        return;
    }
    apigw__dp_fill_in(dp);
    nb_buf_t ev = NB_BUF_INIT;
    if (format == 2) apigw__event_v2_text(&dp->in, &ev);
    else apigw__event_v1_text(&dp->in, &ev);
    json_int_t to = json_integer_value(json_object_get(dp->integration, "timeoutInMillis"));
    apigw__dp_invoke(dp, fn, ev.data, ev.len, to > 0 ? (unsigned)to : (dp->v2 ? 30000 : 29000),
                     format == 2 ? proxy_done_v2 : proxy_done_v1, NULL);
    nb_buf_free(&ev);
}
