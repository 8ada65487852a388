/* apigw_micro.c — API Gateway's own overhead per request, without sockets or
 * functions: route match among 20 routes, the payload 2.0 event built and
 * serialized, the function's answer parsed and mapped back, the throttle
 * buckets (route, stage, account) checked, the request counted for a usage
 * plan's key (quota.c: memory only, flushed by a timer outside the request).
 * Target: ≤ 50 µs per request. Apart, not in the total: rendering one access
 * log line (only stages with accessLogSettings pay it; written to /dev/null).
 *
 * Built by `make build/bench/apigw_micro` (and `make bench`, whose API
 * Gateway workload records its figures), linked against the daemon's objects:
 *   build/bench/apigw_micro [ITERATIONS]
 * Prints the mean microseconds of each step and of the whole, and the median
 * and best of the per-batch (1,000 requests) means: on a shared machine the
 * median batch is the fairer figure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "apigw/access_log.h"
#include "apigw/event.h"
#include "apigw/route.h"
#include "apigw/throttle.h"
#include "core/arena.h"
#include "core/util.h"

static const char *const keys[] = {
    "GET /users", "POST /users", "GET /users/{id}", "PUT /users/{id}", "DELETE /users/{id}",
    "GET /users/{id}/orders", "GET /users/{id}/orders/{oid}", "POST /users/{id}/orders", "GET /products",
    "GET /products/{pid}", "GET /products/{pid}/reviews", "POST /products/{pid}/reviews", "GET /health",
    "GET /search", "ANY /admin/{proxy+}", "GET /static/{path+}", "POST /login", "POST /logout",
    "GET /me", "$default",
};

/* The variables of a typical access log format. */
static const char *log_var(void *arg, const char *name, char *scratch, size_t cap)
{
    (void)arg;
    if (!strcmp(name, "requestId")) return "c0a8f6d2-3b5e-4a8e-9b1f-2d6c8e7f9a01";
    if (!strcmp(name, "identity.sourceIp")) return "127.0.0.1";
    if (!strcmp(name, "routeKey")) return "GET /users/{id}";
    if (!strcmp(name, "status")) return "200";
    if (!strcmp(name, "requestTime")) { apigw__clf_time(nb_wall_ms(), scratch, cap); return scratch; }
    if (!strcmp(name, "responseLength")) return "58";
    return NULL;
}

int main(int argc, char **argv)
{
    long iters = argc > 1 ? atol(argv[1]) : 200000;
    size_t nroutes = sizeof keys / sizeof keys[0];
    nb_arena_t *setup = nb_arena_new(8192);
    apigw_route_t rt[32];
    for (size_t i = 0; i < nroutes; i++) {
        apigw__route_key_split(setup, keys[i], &rt[i].method, &rt[i].path);
        rt[i].data = (void *)keys[i];
    }
    nb_kv_t hdrs[] = {
        {"host", "abc123.execute-api.localhost:4566", 33}, {"user-agent", "wrk/4.2", 7},
        {"accept", "*/*", 3}, {"accept-encoding", "gzip, deflate", 13}, {"x-forwarded-for", "10.0.0.1", 8},
        {"authorization", "Bearer abc.def.ghi", 18}, {"content-type", "application/json", 16},
    };
    const char *answer = "{\"statusCode\":200,\"headers\":{\"content-type\":\"application/json\",\"x-id\":\"1\"},"
                         "\"body\":\"{\\\"id\\\":\\\"42\\\",\\\"name\\\":\\\"Ann\\\",\\\"email\\\":\\\"ann@example.com\\\"}\"}";
    double t_route = 0, t_event = 0, t_map = 0, t_thr = 0, t_quota = 0;
    size_t nb = (size_t)(iters / 1000 + 1), bi = 0;
    double *batch = calloc(nb, sizeof *batch);
    uint64_t b0 = nb_now_us();
    uint64_t total0 = nb_now_us();
    nb_arena_t *a = nb_arena_new(16384);
    for (long i = 0; i < iters; i++) {
        nb_arena_reset(a);
        uint64_t t0 = nb_now_us();
        apigw_match_t m;
        apigw__route_select(a, rt, nroutes, "GET", "/users/42", &m);
        uint64_t t1 = nb_now_us();
        apigw_http_in_t in = {0};
        in.method = "GET";
        in.path = "/users/42";
        in.route_path = "/users/42";
        in.query = "";
        in.headers = hdrs;
        in.n_headers = sizeof hdrs / sizeof hdrs[0];
        in.body = "";
        in.source_ip = "127.0.0.1";
        in.api_id = "abc123";
        in.stage = "$default";
        in.account = "000000000000";
        in.request_id = "c0a8f6d2-3b5e-4a8e-9b1f-2d6c8e7f9a01";
        in.domain = "abc123.execute-api.localhost";
        in.route_key = keys[m.index];
        in.resource_path = rt[m.index].path;
        in.resource_id = "";
        in.path_params = m.params;
        in.n_path_params = m.n_params;
        in.time_ms = nb_wall_ms();
        nb_buf_t ev = NB_BUF_INIT;
        apigw__event_v2_text(&in, &ev);
        uint64_t t2 = nb_now_us();
        apigw_http_out_t out;
        if (apigw__response_v2(a, answer, strlen(answer), &out) != 0 || out.status != 200) {
            fprintf(stderr, "mapping failed\n");
            return 1;
        }
        uint64_t t3 = nb_now_us();
        apigw__bucket_take(apigw__bucket("abc123/$default/GET /users/{id}"), 1e9, 1e9, t3);
        apigw__bucket_take(apigw__bucket("abc123/$default"), 1e9, 1e9, t3);
        apigw__bucket_take(apigw__bucket("account"), 1e9, 1e9, t3);
        uint64_t t4 = nb_now_us();
        apigw__quota_take("plan01/key0123456", "MONTH", 1000000000000LL, in.time_ms);
        uint64_t t5 = nb_now_us();
        nb_buf_free(&ev);
        t_route += (double)(t1 - t0);
        t_event += (double)(t2 - t1);
        t_map += (double)(t3 - t2);
        t_thr += (double)(t4 - t3);
        t_quota += (double)(t5 - t4);
        if ((i + 1) % 1000 == 0 && bi < nb) {
            uint64_t now = nb_now_us();
            batch[bi++] = (double)(now - b0) / 1000.0;
            b0 = now;
        }
    }
    double total = (double)(nb_now_us() - total0) / (double)iters;
    printf("apigw overhead per request over %ld iterations (%zu routes):\n", iters, nroutes);
    printf("  route match        %7.2f us\n", t_route / (double)iters);
    printf("  event 2.0 + JSON   %7.2f us\n", t_event / (double)iters);
    printf("  response mapping   %7.2f us\n", t_map / (double)iters);
    printf("  throttle (3 bkts)  %7.2f us\n", t_thr / (double)iters);
    printf("  usage plan count   %7.2f us\n", t_quota / (double)iters);
    printf("  total              %7.2f us  (target <= 50 us)\n", total);
    for (size_t x = 1; x < bi; x++)   /* insertion sort of the batch means */
        for (size_t y = x; y > 0 && batch[y - 1] > batch[y]; y--) {
            double t = batch[y];
            batch[y] = batch[y - 1];
            batch[y - 1] = t;
        }
    double median = bi ? batch[bi / 2] : total;
    if (bi) printf("  per-batch median   %7.2f us, best %.2f us\n", median, batch[0]);
    free(batch);
    total = median;
    /* one access log line (stages with accessLogSettings only), to /dev/null */
    fflush(stdout);
    if (freopen("/dev/null", "w", stderr)) {
        const char *fmt = "{\"requestId\":\"$context.requestId\",\"ip\":\"$context.identity.sourceIp\","
                          "\"requestTime\":\"$context.requestTime\",\"routeKey\":\"$context.routeKey\","
                          "\"status\":\"$context.status\",\"responseLength\":\"$context.responseLength\"}";
        long n = iters / 4 + 1;
        /* a stage without a log group: lines go to the daemon's log (stderr, here /dev/null) */
        json_t *stage = json_pack("{s:{s:s}}", "accessLogSettings", "format", fmt);
        uint64_t l0 = nb_now_us();
        for (long i = 0; i < n; i++) apigw__access_log(stage, "abc123", "$default", 0, 0, log_var, NULL);
        json_decref(stage);
        printf("  access log line    %7.2f us  (apart: only with accessLogSettings)\n",
               (double)(nb_now_us() - l0) / (double)n);
    }
    nb_arena_free(a);
    nb_arena_free(setup);
    return total <= 50.0 ? 0 : 2;
}
