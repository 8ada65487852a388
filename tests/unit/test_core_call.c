/* test_core_call.c — internal calls (core/call.h): the edge's routing and
 * reply rendering reached without a connection, the reply captured once. */
#include "test.h"
#include "core/call.h"
#include "core/util.h"
#include <strings.h>

static nb_config_t cfg = {.region = "us-east-1", .account = "000000000000", .auth_open = 1};
static nb_ctx_t ctx = {.cfg = &cfg};

typedef struct got {
    int calls, status;
    char body[4096];
    char ctype[64], etype[128], rid[40];
} got_t;

static void done(void *arg, const nb_call_reply_t *r)
{
    got_t *g = arg;
    g->calls++;
    g->status = r->status;
    snprintf(g->body, sizeof g->body, "%.*s", (int)r->body_len, r->body);
    for (size_t i = 0; i < r->n_headers; i++) {
        if (!strcasecmp(r->headers[i].name, "content-type")) snprintf(g->ctype, sizeof g->ctype, "%s", r->headers[i].value);
        if (!strcasecmp(r->headers[i].name, "x-amzn-errortype")) snprintf(g->etype, sizeof g->etype, "%s", r->headers[i].value);
        if (!strcasecmp(r->headers[i].name, "x-amzn-requestid")) snprintf(g->rid, sizeof g->rid, "%s", r->headers[i].value);
    }
    ASSERT_STREQ(g->rid, r->request_id);
}

/* Run c; its reply came exactly once, with status. */
static got_t call(const nb_call_t *c, int status)
{
    got_t g = {0};
    nb_call(&ctx, c, done, &g);
    ASSERT_EQ(g.calls, 1);
    ASSERT_EQ(g.status, status);
    return g;
}

TEST(call_reaches_an_operation_and_captures_its_reply)
{
    nb_call_t c = {.service = "nimbus", .method = "GET", .target = "/_nimbus/health"};
    got_t g = call(&c, 200);
    ASSERT_CONTAINS(g.body, "\"status\":\"ok\"");
    ASSERT_CONTAINS(g.body, "\"name\":\"dynamodb\"");
    ASSERT_STREQ(g.ctype, "application/json");
    ASSERT_EQ(strlen(g.rid), 36);
}

TEST(call_json_target_unknown_operation_in_the_services_shape)
{
    nb_kv_t h[] = {{"X-Amz-Target", "DynamoDB_20120810.NoSuchOp", 0}, {"Content-Type", "application/x-amz-json-1.0", 0}};
    nb_call_t c = {.service = "dynamodb", .headers = h, .n_headers = 2, .body = "{}", .body_len = 2};
    got_t g = call(&c, 400);
    ASSERT_STREQ(g.ctype, "application/x-amz-json-1.0");
    ASSERT_STREQ(g.etype, "UnknownOperationException");
    ASSERT_CONTAINS(g.body, "UnknownOperationException");
}

TEST(call_malformed_json_body_is_answered_by_the_edge)
{
    nb_kv_t h[] = {{"x-amz-target", "DynamoDB_20120810.GetItem", 0}};
    nb_call_t c = {.service = "dynamodb", .headers = h, .n_headers = 1, .body = "{nope", .body_len = 5};
    got_t g = call(&c, 400);
    ASSERT_CONTAINS(g.body, "SerializationException");
}

TEST(call_service_narrows_query_actions)
{
    /* iam has no GetCallerIdentity: the service named narrows as a SigV4 scope does */
    nb_call_t c = {.service = "iam", .target = "/?Action=GetCallerIdentity"};
    got_t g = call(&c, 400);
    ASSERT_STREQ(g.ctype, "text/xml");
    ASSERT_CONTAINS(g.body, "<Code>InvalidAction</Code>");
    ASSERT_CONTAINS(g.body, "The action GetCallerIdentity is not valid for this web service.");
}

TEST(call_rest_path_unknown_to_the_service)
{
    nb_call_t c = {.service = "lambda", .method = "GET", .target = "/2015-03-31/nothing%20here?x=1"};
    got_t g = call(&c, 404);
    ASSERT_CONTAINS(g.body, "GET /2015-03-31/nothing here");
}


/* With authentication enforced, a call that names no access key and does not
 * say it runs as root is refused as unauthenticated: root is never the
 * default of a call that forgot its identity. */
TEST(call_without_identity_is_refused_not_root)
{
    cfg.auth_open = 0;
    nb_kv_t h[] = {{"X-Amz-Target", "DynamoDB_20120810.ListTables", 0}, {"Content-Type", "application/x-amz-json-1.0", 0}};
    nb_call_t c = {.service = "dynamodb", .headers = h, .n_headers = 2, .body = "{}", .body_len = 2};
    got_t g = call(&c, 400);
    ASSERT(strstr(g.body, "MissingAuthenticationToken") != NULL);
    cfg.auth_open = 1;
}

/* An internal call is routed within the service it names: a path under
 * nimbus's own endpoints called as another service is not served. */
TEST(call_stays_within_its_named_service)
{
    nb_call_t c = {.service = "dynamodb", .method = "GET", .target = "/_nimbus/health"};
    got_t g = call(&c, 404);
    ASSERT(strstr(g.body, "\"status\":\"ok\"") == NULL);
}
