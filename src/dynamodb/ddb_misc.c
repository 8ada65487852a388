/* ddb_misc.c — account-level and informational operations: DescribeLimits,
 * DescribeEndpoints (DescribeContinuousBackups: ddb_pitr.c). */
#include "dynamodb/ddb_ops.h"
#include "dynamodb/ddb_req.h"
#include <string.h>

void ddb_op_describe_limits(nb_req_t *req)
{
    ddb_reply_ok(req, json_pack("{s:i,s:i,s:i,s:i}",
                                      "AccountMaxReadCapacityUnits", 80000,
                                      "AccountMaxWriteCapacityUnits", 80000,
                                      "TableMaxReadCapacityUnits", 40000,
                                      "TableMaxWriteCapacityUnits", 40000));
}

/* The address clients should use: this daemon's endpoint without scheme. */
void ddb_op_describe_endpoints(nb_req_t *req)
{
    const char *ep = req->ctx->cfg->endpoint_url;
    const char *p = strstr(ep, "://");
    const char *addr = p ? p + 3 : ep;
    if (!*addr) addr = req->host;
    ddb_reply_ok(req, json_pack("{s:[{s:s,s:i}]}", "Endpoints", "Address", addr,
                                      "CachePeriodInMinutes", 1440));
}
