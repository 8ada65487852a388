/* internal.c — nimbus's own endpoints under /_nimbus/: health. */
#include "core/request.h"
#include "core/util.h"
#include "core/version.h"
#include "store/store.h"

static void op_health(nb_req_t *req)
{
    nb_ctx_t *ctx = req->ctx;
    json_t *svcs = json_array();
    for (size_t i = 0; nb_services[i]; i++) {
        const nb_service_t *s = nb_services[i];
        if (s->proto == NB_PROTO_INTERNAL) continue;
        json_t *o = json_pack("{s:s,s:s}", "name", s->name, "status", "running");
        if (s->health) {
            json_t *extra = s->health(ctx);
            if (extra) json_object_update(o, extra);
            json_decref(extra);
        }
        json_array_append_new(svcs, o);
    }
    double up = (double)(nb_now_us() - ctx->started_us) / 1e6;
    json_t *body = json_pack("{s:s,s:s,s:f,s:s,s:s,s:s,s:o}", "status", "ok", "version", NB_VERSION,
                             "uptime_seconds", up, "region", ctx->cfg->region, "account",
                             ctx->cfg->account, "store", ctx->store ? store_backend_name(ctx->store) : "none",
                             "services", svcs);
    nb_reply_json(req, 200, body);
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
