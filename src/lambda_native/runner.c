/* runner.c — `nimbus native-runner`: one function instance of the
 * nimbus.native runtime (see runner.h, include/nimbus/lambda.h).
 *
 *   load .so ──fail──> POST /runtime/init/error, exit 1
 *      │
 *   nimbus_init() ──nonzero──> POST /runtime/init/error, exit 1
 *      │
 *   GET next ──> handler(event, resp, ctx) ──> POST response|error
 *      ^                                          │ (+ GET next in the same
 *      └──────────────────────────────────────────┘   write: pipelined)
 *
 * Lean warm path: the request heads are formatted into fixed buffers, the
 * response body is sent straight from where the handler left it (writev), the
 * response and the next `next` go out in one write and their answers come
 * back on the same keep-alive connection; no allocation once the buffers
 * have grown to the workload. NIMBUS_NATIVE_PIPELINE=0 sends them one at a
 * time instead. Any transport failure or 5xx from the Runtime API ends the
 * process (the platform replaces the instance).
 *
 * Scheduling: the runner makes itself SCHED_BATCH before it loads the handler
 * (threads and processes the handler starts inherit it). Same CPU share as
 * before; the difference is that an environment woken by nimbus (its next
 * event) does not preempt the task running on that CPU — usually nimbus in
 * the middle of a batch of events — but runs when it blocks or at the next
 * tick. Under load that spares nimbus a pair of context switches for about
 * every other invocation (docs/PERFORMANCE.md, "Fourth pass").
 * NIMBUS_NATIVE_BATCH=0 keeps SCHED_OTHER. */
#include "lambda_native/runner.h"
#include "lambda_native/rapi_client.h"
#include "core/alloc.h"
#include "nimbus/lambda.h"

#include <dlfcn.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BASE "/2018-06-01/runtime"
#define RESP_KEEP (1u << 20) /* response buffer kept between invocations */

typedef struct runner {
    lambda_native_conn_t conn;
    char host[280];            /* "Host: <api>\r\n" */
    char next_req[400];        /* the GET next request, formatted once */
    size_t next_len;
    char head[1024];           /* a POST's head */
    int pipeline;
    nimbus_context_t ctx;
    nimbus_response_t resp;
    nimbus_handler_fn handler;
} runner_t;

/* nimbus_response_t.reserve: grows the runner-owned buffer up to the limit. */
static int resp_reserve(nimbus_response_t *r, size_t need)
{
    if (need <= r->cap) return 0;
    if (need > NIMBUS_RESPONSE_MAX) return -1;
    int owned = r->body == r->buf;
    size_t cap = r->cap ? r->cap : 4096;
    while (cap < need) cap *= 2;
    if (cap > NIMBUS_RESPONSE_MAX) cap = NIMBUS_RESPONSE_MAX;
    r->buf = nb_xrealloc(r->buf, cap);
    r->cap = cap;
    if (owned) r->body = r->buf;
    return 0;
}

static void resp_reset(nimbus_response_t *r)
{
    if (r->cap > RESP_KEEP) {
        free(r->buf);
        r->buf = NULL;
        r->cap = 0;
    }
    r->body = r->buf;
    r->len = 0;
    r->error_type[0] = '\0';
    r->overflow = 0;
    r->reserve = resp_reserve;
}

/* Header values must not carry CR/LF or non-ASCII: replaced by '?'. */
static void header_safe(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e) *s = '?';
}

/* A request id is echoed into a request path: refuse anything odd. */
static int id_ok(const char *id)
{
    if (!id || !*id || strlen(id) > 128) return 0;
    for (; *id; id++)
        if (!((*id >= 'a' && *id <= 'z') || (*id >= 'A' && *id <= 'Z') || (*id >= '0' && *id <= '9') ||
              *id == '-' || *id == '_' || *id == '.'))
            return 0;
    return 1;
}

/* POSTs body to path (relative to BASE); with_next also sends GET next in the
 * same write and returns its answer in *next. The POST's status goes to
 * *post_status. 0, or -1 on transport failure. */
static int post(runner_t *rn, const char *path, const char *error_type, const char *body, size_t len,
                int with_next, int *post_status, lambda_native_head_t *next)
{
    char et[160] = "";
    if (error_type) {
        snprintf(et, sizeof et, "Lambda-Runtime-Function-Error-Type: %s\r\n", error_type);
        header_safe(et + 36);
        memcpy(et + strlen(et) - 2, "\r\n", 2);
    }
    int hl = snprintf(rn->head, sizeof rn->head,
                      "POST " BASE "%s HTTP/1.1\r\n%sContent-Type: application/json\r\n%sContent-Length: %zu\r\n\r\n",
                      path, rn->host, et, len);
    if (hl < 0 || (size_t)hl >= sizeof rn->head) return -1;
    lambda_native_req_t reqs[2] = {
        { .iov = { { rn->head, (size_t)hl }, { (void *)body, len } }, .iovcnt = 2 },
        { .iov = { { rn->next_req, rn->next_len } }, .iovcnt = 1 },
    };
    int statuses[2] = { 0, 0 };
    lambda_native_head_t last;
    if (lambda_native__conn_exchange(&rn->conn, reqs, with_next ? 2 : 1, statuses, &last) != 0) return -1;
    *post_status = statuses[0];
    if (with_next) {
        *next = last;
        next->status = statuses[1];
    }
    return 0;
}

/* Reports an init failure (best effort) and returns 1 for the exit code. */
static int init_failed(runner_t *rn, const char *type, const char *msg)
{
    fprintf(stderr, "nimbus native-runner: %s: %s\n", type, msg);
    nimbus_response_t *r = &rn->resp;
    resp_reset(r);
    nimbus_response_error(r, type, msg);
    int st = 0;
    post(rn, "/init/error", r->error_type, r->body, r->len, 0, &st, NULL);
    return 1;
}

static int load(runner_t *rn)
{
    const char *handler = getenv("_HANDLER");
    if (!handler || !*handler) handler = "handler.so";
    char file[1024], msg[1400];
    const char *colon = strchr(handler, ':');
    const char *sym = colon ? colon + 1 : "nimbus_handler";
    size_t flen = colon ? (size_t)(colon - handler) : strlen(handler);
    if (flen == 0 || !*sym) return init_failed(rn, "Runtime.MalformedHandlerName", "Bad handler");
    const char *root = getenv("LAMBDA_TASK_ROOT");
    int n;
    if (handler[0] == '/')
        n = snprintf(file, sizeof file, "%.*s", (int)flen, handler);
    else
        n = snprintf(file, sizeof file, "%s/%.*s", root && *root ? root : ".", (int)flen, handler);
    if (n < 0 || (size_t)n >= sizeof file) return init_failed(rn, "Runtime.MalformedHandlerName", "Bad handler");

    void *so = dlopen(file, RTLD_NOW | RTLD_LOCAL);
    if (!so) {
        snprintf(msg, sizeof msg, "Unable to load %.*s: %s", (int)flen, handler, dlerror());
        return init_failed(rn, "Runtime.ImportModuleError", msg);
    }
    rn->handler = (nimbus_handler_fn)dlsym(so, sym);
    if (!rn->handler) {
        snprintf(msg, sizeof msg, "Handler '%s' missing on %.*s", sym, (int)flen, handler);
        return init_failed(rn, "Runtime.HandlerNotFound", msg);
    }
    nimbus_init_fn init = (nimbus_init_fn)dlsym(so, "nimbus_init");
    if (init) {
        nimbus_response_t *r = &rn->resp;
        resp_reset(r);
        int rc = init(r);
        fflush(stdout);
        fflush(stderr);
        if (rc != 0 || r->error_type[0]) {
            if (!r->error_type[0]) {
                snprintf(msg, sizeof msg, "nimbus_init returned %d", rc);
                nimbus_response_error(r, "Runtime.InitError", msg);
            }
            fprintf(stderr, "nimbus native-runner: init failed: %.*s\n", (int)r->len, r->body);
            int st = 0;
            post(rn, "/init/error", r->error_type, r->body, r->len, 0, &st, NULL);
            return 1;
        }
    }
    return 0;
}

static void context_from_env(nimbus_context_t *c)
{
    memset(c, 0, sizeof *c);
    c->abi = NIMBUS_LAMBDA_ABI;
    c->function_name = getenv("AWS_LAMBDA_FUNCTION_NAME");
    c->function_version = getenv("AWS_LAMBDA_FUNCTION_VERSION");
    c->log_group_name = getenv("AWS_LAMBDA_LOG_GROUP_NAME");
    c->log_stream_name = getenv("AWS_LAMBDA_LOG_STREAM_NAME");
    const char *mem = getenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE");
    c->memory_limit_mb = mem ? (unsigned)strtoul(mem, NULL, 10) : 0;
}

/* _X_AMZN_TRACE_ID, per invocation, for the handler's getenv(). Not setenv():
 * glibc keeps every value setenv was ever given (a pointer getenv handed out
 * must stay valid), so a new trace id per invocation grew the instance by
 * ~160 bytes an invocation, for good — 6 MB per 40,000 invocations, toward
 * the function's memory limit. One buffer is put in the environment and
 * rewritten in place instead; setenv only for an id too long for it. */
#define TRACE_VAR "_X_AMZN_TRACE_ID"
static char trace_env[sizeof TRACE_VAR "=" + 512];

static void set_trace_env(const char *id)
{
    const size_t pre = sizeof TRACE_VAR "=" - 1;
    const char *cur = getenv(TRACE_VAR);
    int ours = cur == trace_env + pre;
    if (!id || strlen(id) >= sizeof trace_env - pre) {
        unsetenv(TRACE_VAR);
        if (id) setenv(TRACE_VAR, id, 1);
        return;
    }
    memcpy(trace_env, TRACE_VAR "=", pre);
    memcpy(trace_env + pre, id, strlen(id) + 1);
    if (!ours) {
        if (cur) unsetenv(TRACE_VAR);   /* a value set by the handler itself */
        putenv(trace_env);
    }
}

/* Runs the handler on one invocation and posts its outcome; returns 0 and the
 * following invocation in *next (pipelined) or -1 to exit. */
static int invoke(runner_t *rn, const lambda_native_head_t *inv, lambda_native_head_t *next)
{
    nimbus_context_t *c = &rn->ctx;
    c->request_id = inv->request_id;
    c->invoked_function_arn = inv->function_arn;
    c->trace_id = inv->trace_id;
    c->client_context = inv->client_context;
    c->cognito_identity = inv->cognito_identity;
    c->deadline_ms = inv->deadline_ms ? strtoll(inv->deadline_ms, NULL, 10) : 0;
    set_trace_env(inv->trace_id);

    nimbus_event_t ev = { inv->body, inv->content_length };
    nimbus_response_t *r = &rn->resp;
    resp_reset(r);
    int rc = rn->handler(&ev, r, c);
    fflush(stdout);
    fflush(stderr);

    char path[200];
    const char *etype = NULL;
    char msg[64];
    if (r->overflow) {
        nimbus_response_error(r, "Function.ResponseSizeTooLarge",
                              "Response payload size exceeded maximum allowed payload size (6291556 bytes).");
        etype = r->error_type;
    } else if (r->error_type[0]) {
        etype = r->error_type;
    } else if (rc != 0) {
        snprintf(msg, sizeof msg, "handler returned %d", rc);
        nimbus_response_error(r, "HandlerError", msg);
        etype = r->error_type;
    } else if (r->len == 0) {
        nimbus_response_set_ref(r, "null", 4);
    }
    snprintf(path, sizeof path, "/invocation/%s/%s", inv->request_id, etype ? "error" : "response");
    int st = 0;
    if (post(rn, path, etype, r->body, r->len, rn->pipeline, &st, next) != 0) return -1;
    if (st >= 500) {
        fprintf(stderr, "nimbus native-runner: runtime api answered %d\n", st);
        return -1;
    }
    if (st != 202) fprintf(stderr, "nimbus native-runner: runtime api refused the %s (%d)\n",
                           etype ? "error" : "response", st);
    return 0;
}

static int get_next(runner_t *rn, lambda_native_head_t *next)
{
    lambda_native_req_t req = { .iov = { { rn->next_req, rn->next_len } }, .iovcnt = 1 };
    int st = 0;
    if (lambda_native__conn_exchange(&rn->conn, &req, 1, &st, next) != 0) return -1;
    next->status = st;
    return 0;
}

/* Serves invocations until a failure; returns the exit code (1). */
static int serve(runner_t *rn, const char *api)
{
    if (lambda_native__conn_init(&rn->conn, api) != 0) return 1;
    int n = snprintf(rn->host, sizeof rn->host, "Host: %s\r\n", api);
    if (n < 0 || (size_t)n >= sizeof rn->host) return 1;
    header_safe(rn->host + 6);
    memcpy(rn->host + n - 2, "\r\n", 2);
    n = snprintf(rn->next_req, sizeof rn->next_req, "GET " BASE "/invocation/next HTTP/1.1\r\n%s\r\n", rn->host);
    rn->next_len = (size_t)n;
    const char *pl = getenv("NIMBUS_NATIVE_PIPELINE");
    rn->pipeline = !(pl && strcmp(pl, "0") == 0);
    resp_reset(&rn->resp);
    context_from_env(&rn->ctx);

    if (load(rn) != 0) return 1;

    lambda_native_head_t inv;
    if (get_next(rn, &inv) != 0) return 1;
    for (;;) {
        if (inv.status != 200 || !id_ok(inv.request_id)) {
            fprintf(stderr, "nimbus native-runner: next: status %d%s\n", inv.status,
                    inv.status == 200 ? ", bad request id" : "");
            return 1;
        }
        lambda_native_head_t next;
        if (invoke(rn, &inv, &next) != 0) return 1;
        if (!rn->pipeline && get_next(rn, &next) != 0) return 1;
        inv = next;
    }
}

int lambda_native_runner_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
    if (!api || !*api) {
        fprintf(stderr, "nimbus native-runner: AWS_LAMBDA_RUNTIME_API is not set\n");
        return 1;
    }
    const char *batch = getenv("NIMBUS_NATIVE_BATCH");
    if (!(batch && strcmp(batch, "0") == 0)) {
        struct sched_param sp = { .sched_priority = 0 };
        (void)sched_setscheduler(0, SCHED_BATCH, &sp);   /* best effort: only the wake-up rule changes */
    }
    runner_t *rn = nb_xcalloc(1, sizeof *rn);
    rn->conn.fd = -1;
    int rc = serve(rn, api);
    lambda_native__conn_close(&rn->conn);
    free(rn->resp.buf);
    free(rn);
    return rc;
}
