/* ws_mgmt.c — the @connections management API of WebSocket APIs (botocore
 * apigatewaymanagementapi 2018-11-29, SigV4 service "execute-api", IAM action
 * execute-api:ManageConnections): PostToConnection, GetConnection,
 * DeleteConnection on a connection id.
 *
 * SDKs address it as {endpoint}/@connections/{id} where the endpoint is
 * https://{api}.execute-api.{region}.amazonaws.com/{stage}; with nimbus any of
 *   http://127.0.0.1:PORT                                  (e.g. AWS_ENDPOINT_URL)
 *   http://127.0.0.1:PORT/{stage}                          (a domainName/stage endpoint)
 *   http://{api}.execute-api.localhost:PORT/{stage}
 *   http://127.0.0.1:PORT/_aws/execute-api/{api}/{stage}
 * reaches the same operations: connection ids are unique across APIs, so the
 * path's api and stage only serve the resource ARN. A connection that is not
 * open (never was, closed, closing) is GoneException (410); a client that
 * leaves more than 4 MB unread is LimitExceededException (429). */
#include "apigw/apigw_int.h"
#include "apigw/ws.h"
#include "apigw/ws_int.h"
#include "core/util.h"
#include <string.h>

#define POST_LIMIT (128u * 1024)   /* PostToConnection payload (API Gateway's message limit) */
#define BACKLOG_LIMIT (4u << 20)   /* bytes queued for a client before LimitExceededException */

static apigw_ws_t *conn_or_gone(nb_req_t *req)
{
    const char *id = nb_req_param(req, "connectionId");
    apigw_ws_t *ws = id ? apigw__ws_find(id) : NULL;
    if (!ws) nb_reply_error(req, APIGW_ERR_GONE, "%s", "");
    return ws;
}

static void op_post(nb_req_t *req)
{
    if (req->body_len > POST_LIMIT) {
        nb_reply_error(req, APIGW_ERR_PAYLOAD_TOO_LARGE, "Message too long");
        return;
    }
    apigw_ws_t *ws = conn_or_gone(req);
    if (!ws) return;
    if (ws->conn && nb_conn_backlog(ws->conn) > BACKLOG_LIMIT) {   /* the client is not reading */
        nb_reply_error(req, APIGW_ERR_LIMIT_EXCEEDED, "%s", "");
        return;
    }
    if (apigw__ws_send(ws, req->body, req->body_len) != 0) {
        nb_reply_error(req, APIGW_ERR_GONE, "%s", "");
        return;
    }
    nb_reply(req, 200, "application/json", NULL, 0);
}

static void op_get(nb_req_t *req)
{
    apigw_ws_t *ws = conn_or_gone(req);
    if (!ws) return;
    char at[40], last[40];
    nb_iso8601_ms(ws->connected_at, at, sizeof at);
    nb_iso8601_ms(ws->last_active, last, sizeof last);
    nb_reply_json(req, 200, json_pack("{s:s,s:{s:s,s:s},s:s}", "connectedAt", at, "identity", "sourceIp",
                                      ws->source_ip, "userAgent", ws->user_agent, "lastActiveAt", last));
}

static void op_delete(nb_req_t *req)
{
    apigw_ws_t *ws = conn_or_gone(req);
    if (!ws) return;
    apigw__ws_disconnect(ws, 1000);
    nb_reply(req, 204, NULL, NULL, 0);
}

/* arn:aws:execute-api:{region}:{account}:{api}/{stage}/{METHOD}/@connections/{id} */
static int resource_arn(nb_req_t *req, nb_buf_t *out)
{
    const char *id = nb_req_param(req, "connectionId");
    apigw_ws_t *ws = id ? apigw__ws_find(id) : NULL;
    const char *api = nb_req_param(req, "apiId"), *stage = nb_req_param(req, "stage");
    if (ws) {
        api = ws->api_id;
        stage = ws->stage;
    }
    char *arn = nb_arena_printf(req->arena, "arn:aws:execute-api:%s:%s:%s/%s/%s/@connections/%s",
                                req->ctx->cfg->region, req->ctx->cfg->account, api ? api : "*",
                                stage ? stage : "*", req->method, id ? id : "*");
    nb_buf_puts(out, arn);
    return 0;
}

#define ACTION "execute-api:ManageConnections"
#define OPS(path)                                                                                 \
    {"PostToConnection", op_post, ACTION, NULL, resource_arn, "POST " path, NB_OP_RAW_BODY},       \
    {"GetConnection", op_get, ACTION, NULL, resource_arn, "GET " path, 0},                         \
    {"DeleteConnection", op_delete, ACTION, NULL, resource_arn, "DELETE " path, 0},

static const nb_op_t ops[] = {
    OPS("/@connections/{connectionId}")
    OPS("/{stage}/@connections/{connectionId}")
    OPS("/_aws/execute-api/{apiId}/{stage}/@connections/{connectionId}")
};

static const char *const prefixes[] = {"/@connections", NULL};

const nb_service_t apigw_mgmt_service = {
    .name = "execute-api",
    .proto = NB_PROTO_REST_JSON,
    .path_prefixes = prefixes,
    .error_message_key = "message",
    .ops = ops,
    .n_ops = sizeof ops / sizeof ops[0],
};
