/* internal.c — nimbus's own endpoints under /_nimbus/: health.
 *
 * Health is what readiness probes, load balancers and our own benchmarks
 * hit, so it is rendered straight into a buffer rather than built as a
 * json_t and dumped: the jansson path cost more than the rest of the request
 * (bench/workloads/edge.sh). Every string it writes goes through
 * nb_buf_json_escape, so the output is valid JSON whatever the config says. */
#include "core/request.h"
#include "core/util.h"
#include "core/version.h"
#include "store/store.h"
#include <string.h>

static void put_member(nb_buf_t *b, const char *name, const char *value)
{
    nb_buf_printf(b, ",\"%s\":\"", name);
    nb_buf_json_escape(b, value, strlen(value));
    nb_buf_putc(b, '"');
}

static void op_health(nb_req_t *req)
{
    nb_ctx_t *ctx = req->ctx;
    nb_buf_t b = NB_BUF_INIT;
    uint64_t up = nb_now_us() - ctx->started_us;
    nb_buf_printf(&b, "{\"status\":\"ok\",\"version\":\"%s\",\"uptime_seconds\":%llu.%06llu", NB_VERSION,
                  (unsigned long long)(up / 1000000), (unsigned long long)(up % 1000000));
    put_member(&b, "region", ctx->cfg->region);
    put_member(&b, "account", ctx->cfg->account);
    put_member(&b, "store", ctx->store ? store_backend_name(ctx->store) : "none");
    nb_buf_puts(&b, ",\"services\":[");
    int first = 1;
    for (size_t i = 0; nb_services[i]; i++) {
        const nb_service_t *s = nb_services[i];
        if (s->proto == NB_PROTO_INTERNAL) continue;
        nb_buf_puts(&b, first ? "{\"name\":\"" : ",{\"name\":\"");
        nb_buf_json_escape(&b, s->name, strlen(s->name));
        nb_buf_puts(&b, "\",\"status\":\"running\"");
        if (s->health) s->health(ctx, &b);
        nb_buf_putc(&b, '}');
        first = 0;
    }
    nb_buf_puts(&b, "]}");
    nb_reply(req, 200, "application/json", b.data, b.len);
    nb_buf_free(&b);
}

static const nb_op_t ops[] = {
    {"Health", op_health, NULL, "*", NULL, "GET /_nimbus/health", NB_OP_NO_AUTH},
    {"HealthHead", op_health, NULL, "*", NULL, "HEAD /_nimbus/health", NB_OP_NO_AUTH},
};

const nb_service_t nb_internal_service = {
    .name = "nimbus", .proto = NB_PROTO_INTERNAL,
    .path_prefixes = (const char *const[]){"/_nimbus", NULL},
    .ops = ops, .n_ops = sizeof ops / sizeof ops[0],
};
