/* dp_invoke.c — calling Lambda for an invocation, bounded by the
 * integration timeout.
 *
 *   pending ──lambda answers──▶ answered (cb runs, timer closed) ──▶ freed
 *      └──────timer fires─────▶ timed out (504 sent, dp gone) ──lambda answers──▶ freed
 * The call record is heap memory because it outlives the reply when the
 * timer wins: it is freed once both the Lambda callback has run and the
 * timer handle is closed (refs). */
#include "apigw/dp.h"
#include "core/alloc.h"
#include "lambda/lambda.h"
#include <stdlib.h>
#include <string.h>

typedef struct call {
    apigw_dp_t *dp;            /* NULL once the timeout has answered */
    apigw_dp_invoke_cb cb;
    void *arg;
    uv_timer_t timer;
    int refs;                  /* Lambda callback pending + timer handle open */
} call_t;

static void unref(call_t *c)
{
    if (--c->refs == 0) free(c);
}

static void on_close(uv_handle_t *h)
{
    unref(h->data);
}

static void on_timeout(uv_timer_t *t)
{
    call_t *c = t->data;
    apigw_dp_t *dp = c->dp;
    c->dp = NULL;
    uv_close((uv_handle_t *)&c->timer, on_close);
    if (dp) apigw__dp_message(dp, 504, "Endpoint request timed out");
}

static void on_result(void *arg, const lambda_result_t *res)
{
    call_t *c = arg;
    apigw_dp_t *dp = c->dp;
    if (dp) {
        c->dp = NULL;
        uv_timer_stop(&c->timer);
        uv_close((uv_handle_t *)&c->timer, on_close);
        c->cb(dp, res, c->arg);
    }
    unref(c);
}

void apigw__dp_invoke(apigw_dp_t *dp, const char *fn, const char *payload, size_t len, unsigned timeout_ms,
                      apigw_dp_invoke_cb cb, void *arg)
{
    call_t *c = nb_xcalloc(1, sizeof *c);
    c->dp = dp;
    c->cb = cb;
    c->arg = arg;
    c->refs = 2;
    uv_timer_init(dp->req->ctx->loop, &c->timer);
    c->timer.data = c;
    uv_timer_start(&c->timer, on_timeout, timeout_ms ? timeout_ms : 30000, 0);
    lambda_invoke(dp->req->ctx, fn, NULL, payload, len, on_result, c);
}

static void proxy_done(apigw_dp_t *dp, const lambda_result_t *res, int format)
{
    if (res->error != NB_OK) {
        apigw__dp_message(dp, 500, "Internal server error");
        return;
    }
    if (res->function_error) {
        apigw__dp_message(dp, 502, "Internal server error");
        return;
    }
    apigw_http_out_t out;
    int rc = format == 2 ? apigw__response_v2(dp->req->arena, res->payload, res->payload_len, &out)
                         : apigw__response_v1(dp->req->arena, res->payload, res->payload_len, &out);
    if (rc != 0) {
        apigw__dp_message(dp, 502, "Internal server error");
        return;
    }
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
        apigw__dp_message(dp, 500, "Internal server error");
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
