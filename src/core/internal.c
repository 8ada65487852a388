/* internal.c — nimbus's own endpoints under /_nimbus/ (health). */
#include "core/request.h"

static void op_health(nb_req_t *req)
{
    nb_reply_json(req, 200, json_pack("{s:s}", "status", "ok"));
}

static const nb_op_t ops[] = {
    {"Health", op_health, NULL, "*", NULL, "GET /_nimbus/health", NB_OP_NO_AUTH},
};

const nb_service_t nb_internal_service = {
    .name = "nimbus", .proto = NB_PROTO_INTERNAL,
    .ops = ops, .n_ops = sizeof ops / sizeof ops[0],
};
