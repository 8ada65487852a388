/* test_edge.c — protocol/service/operation detection and error shapes. */
#include "test.h"
#include "core/edge.h"
#include "core/http_parse.h"
#include "core/reply.h"
#include "core/util.h"

static nb_config_t cfg = {.region = "us-east-1", .account = "000000000000"};
static nb_ctx_t ctx = {.cfg = &cfg};

static nb_req_t *mkreq(const char *method, const char *target, const char *body, const char *const *hdrs)
{
    nb_arena_t *a = nb_arena_new(4096);
    nb_req_t *r = nb_arena_calloc(a, sizeof *r);
    r->arena = a;
    r->ctx = &ctx;
    r->method = method;
    r->raw_target = target;
    const char *q = strchr(target, '?');
    r->raw_path = q ? nb_arena_strndup(a, target, (size_t)(q - target)) : target;
    r->path = r->raw_path;
    r->query = q ? q + 1 : "";
    r->body = body ? body : "";
    r->body_len = strlen(r->body);
    size_t n = 0;
    while (hdrs && hdrs[2 * n]) n++;
    r->headers = nb_arena_alloc(a, sizeof *r->headers * (n + 1));
    for (size_t i = 0; i < n; i++) {
        r->headers[i].name = hdrs[2 * i];
        r->headers[i].value = hdrs[2 * i + 1];
        r->headers[i].value_len = strlen(hdrs[2 * i + 1]);
    }
    r->n_headers = n;
    nb_uuid4(r->id);
    return r;
}

static void done(nb_req_t *r)
{
    if (r->json) json_decref(r->json);
    nb_arena_free(r->arena);
}

TEST(internal_health_routes)
{
    nb_req_t *r = mkreq("GET", "/_nimbus/health", NULL, NULL);
    const char *msg;
    ASSERT_EQ(nb_edge_route(r, &msg), NB_OK);
    ASSERT_STREQ(r->svc->name, "nimbus");
    ASSERT_STREQ(r->op->name, "Health");
    done(r);
}

TEST(unknown_json_target_is_unknown_operation_in_json_shape)
{
    const char *h[] = {"x-amz-target", "NoSuchService_20990101.DoIt", "content-type", "application/x-amz-json-1.0", NULL};
    nb_req_t *r = mkreq("POST", "/", "{}", h);
    const char *msg;
    nb_err_t e = nb_edge_route(r, &msg);
    ASSERT_EQ(e, NB_ERR_UNKNOWN_OPERATION);
    int status;
    const char *ct;
    nb_buf_t b = NB_BUF_INIT;
    nb_render_error(r, e, msg, NULL, &status, &ct, &b);
    ASSERT_EQ(status, 400);
    ASSERT_STREQ(ct, "application/x-amz-json-1.0");
    ASSERT_CONTAINS(b.data, "\"__type\":\"com.amazon.coral.service#UnknownOperationException\"");
    nb_buf_free(&b);
    done(r);
}

TEST(query_action_unknown_is_invalid_action_xml)
{
    const char *h[] = {"content-type", "application/x-www-form-urlencoded; charset=utf-8",
                       "authorization", "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/sns/aws4_request, SignedHeaders=host, Signature=00", NULL};
    nb_req_t *r = mkreq("POST", "/", "Action=ListTopics&Version=2010-03-31", h);
    const char *msg;
    nb_err_t e = nb_edge_route(r, &msg);
    ASSERT_EQ(e, NB_ERR_INVALID_ACTION);
    ASSERT_STREQ(nb_req_form(r, "Version"), "2010-03-31");
    int status;
    const char *ct;
    nb_buf_t b = NB_BUF_INIT;
    nb_render_error(r, e, msg, NULL, &status, &ct, &b);
    ASSERT_EQ(status, 400);
    ASSERT_STREQ(ct, "text/xml");
    ASSERT_CONTAINS(b.data, "<ErrorResponse");
    ASSERT_CONTAINS(b.data, "<Type>Sender</Type><Code>InvalidAction</Code>");
    ASSERT_CONTAINS(b.data, "The action ListTopics is not valid for this web service.");
    ASSERT_CONTAINS(b.data, r->id);
    nb_buf_free(&b);
    done(r);
}

TEST(scope_service_parsed)
{
    const char *h[] = {"authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=ab", NULL};
    nb_req_t *r = mkreq("GET", "/2015-03-31/functions/", NULL, h);
    ASSERT_STREQ(nb_edge_scope_service(r), "lambda");
    done(r);
    nb_req_t *p = mkreq("GET", "/b/k?X-Amz-Credential=AKID%2F20150830%2Fus-east-1%2Fs3%2Faws4_request", NULL, NULL);
    const char *msg;
    nb_edge_route(p, &msg);
    ASSERT_STREQ(nb_edge_scope_service(p), "s3");
    done(p);
}

TEST(rest_template_matching_and_specificity)
{
    nb_req_t *r = mkreq("POST", "/2015-03-31/functions/my%3Afn/invocations", NULL, NULL);
    ASSERT(nb_edge_match_rest(r, "POST /2015-03-31/functions/{FunctionName}/invocations") > 0);
    ASSERT_STREQ(nb_req_param(r, "FunctionName"), "my:fn");
    ASSERT_EQ(nb_edge_match_rest(r, "GET /2015-03-31/functions/{FunctionName}/invocations"), -1);
    ASSERT_EQ(nb_edge_match_rest(r, "POST /2015-03-31/functions/{FunctionName}"), -1);
    int generic = nb_edge_match_rest(r, "POST /{Bucket}/{Key+}");
    int specific = nb_edge_match_rest(r, "POST /2015-03-31/functions/{FunctionName}/invocations");
    ASSERT(generic > 0);
    ASSERT(specific > generic);
    done(r);

    nb_req_t *s = mkreq("GET", "/bucket/a/b/c.txt?tagging", NULL, NULL);
    const char *msg;
    nb_edge_route(s, &msg);   /* parses the query string */
    ASSERT(nb_edge_match_rest(s, "GET /{Bucket}/{Key+}?tagging") > nb_edge_match_rest(s, "GET /{Bucket}/{Key+}"));
    ASSERT_STREQ(nb_req_param(s, "Key"), "a/b/c.txt");
    ASSERT_EQ(nb_edge_match_rest(s, "GET /{Bucket}/{Key+}?uploads"), -1);
    done(s);

    nb_req_t *t = mkreq("GET", "/2015-03-31/functions/", NULL, NULL);
    ASSERT(nb_edge_match_rest(t, "GET /2015-03-31/functions/") > 0);
    ASSERT(nb_edge_match_rest(t, "GET /2015-03-31/functions") > 0);
    ASSERT_EQ(nb_edge_match_rest(t, "GET /2015-03-31/functions/{FunctionName}"), -1);
    done(t);
}

TEST(bad_json_body_is_serialization_error)
{
    static const nb_op_t ops[] = {{"Do", NULL, "x:Do", "*", NULL, NULL, 0}};
    (void)ops;
    const char *h[] = {"x-amz-target", "NoSuch.Do", NULL};
    nb_req_t *r = mkreq("POST", "/", "{not json", h);
    const char *msg;
    ASSERT_EQ(nb_edge_route(r, &msg), NB_ERR_UNKNOWN_OPERATION);
    done(r);
}

TEST(error_shapes_per_protocol)
{
    static const nb_service_t rj = {.name = "lambda", .proto = NB_PROTO_REST_JSON, .error_message_key = "Message"};
    static const nb_service_t rx = {.name = "s3", .proto = NB_PROTO_REST_XML};
    static const nb_service_t j11 = {.name = "logs", .proto = NB_PROTO_JSON11, .target_prefix = "Logs_20140328"};
    static const nb_service_t j10 = {.name = "dynamodb", .proto = NB_PROTO_JSON10, .json_ns = "com.amazonaws.dynamodb.v20120810"};
    int status;
    const char *ct;
    nb_buf_t b = NB_BUF_INIT;

    nb_req_t *r = mkreq("GET", "/x", NULL, NULL);
    r->svc = &rj;
    nb_render_error(r, NB_ERR_VALIDATION, "bad <thing>", NULL, &status, &ct, &b);
    ASSERT_EQ(status, 400);
    ASSERT_STREQ(b.data, "{\"Type\":\"User\",\"Message\":\"bad <thing>\"}");
    size_t n;
    const nb_kv_t *h = nb_resp_headers(r, &n);
    ASSERT_EQ(n, 1);
    ASSERT_STREQ(h[0].name, "x-amzn-ErrorType");
    ASSERT_STREQ(h[0].value, "ValidationException:");
    done(r);

    nb_buf_clear(&b);
    r = mkreq("GET", "/bucket/key", NULL, NULL);
    r->svc = &rx;
    nb_render_error(r, NB_ERR_METHOD_NOT_ALLOWED, "bad <thing>", NULL, &status, &ct, &b);
    ASSERT_EQ(status, 405);
    ASSERT_CONTAINS(b.data, "<Error><Code>MethodNotAllowed</Code><Message>bad &lt;thing&gt;</Message><Resource>/bucket/key</Resource><RequestId>");
    done(r);

    nb_buf_clear(&b);
    r = mkreq("POST", "/", "{}", NULL);
    r->svc = &j11;
    nb_render_error(r, NB_ERR_VALIDATION, "m", NULL, &status, &ct, &b);
    ASSERT_STREQ(ct, "application/x-amz-json-1.1");
    ASSERT_STREQ(b.data, "{\"__type\":\"ValidationException\",\"message\":\"m\"}");
    done(r);

    nb_buf_clear(&b);
    r = mkreq("POST", "/", "{}", NULL);
    r->svc = &j10;
    json_t *extra = json_pack("{s:[]}", "CancellationReasons");
    nb_render_error(r, NB_ERR_INTERNAL, "boom", extra, &status, &ct, &b);
    json_decref(extra);
    ASSERT_EQ(status, 500);
    ASSERT_STREQ(b.data, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalFailure\",\"message\":\"boom\",\"CancellationReasons\":[]}");
    done(r);
    nb_buf_free(&b);
}

TEST(resource_arn_template)
{
    static const nb_op_t op = {"GetItem", NULL, "dynamodb:GetItem",
                               "arn:aws:dynamodb:{region}:{account}:table/{TableName}", NULL, NULL, 0};
    nb_req_t *r = mkreq("POST", "/", NULL, NULL);
    r->op = &op;
    r->json = json_pack("{s:s}", "TableName", "Users");
    ASSERT_STREQ(nb_edge_resource_arn(r), "arn:aws:dynamodb:us-east-1:000000000000:table/Users");
    done(r);
}

TEST(form_decoding)
{
    nb_arena_t *a = nb_arena_new(0);
    nb_kv_t *kv;
    size_t n;
    ASSERT_EQ(nb_edge_parse_form(a, "a=1&b=x+y%21&&c", 15, &kv, &n), 0);
    ASSERT_EQ(n, 3);
    ASSERT_STREQ(kv[1].value, "x y!");
    ASSERT_STREQ(kv[2].name, "c");
    ASSERT_STREQ(kv[2].value, "");
    ASSERT_EQ(nb_edge_parse_form(a, "a=%zz", 5, &kv, &n), -1);
    nb_arena_free(a);
}

/* Lambda raises the edge's body limit for its code uploads only: the body-limit
 * hook says so from the request's head, and routing refuses bodies over the
 * operation's own limit with AWS's message. */
TEST(code_upload_body_limits)
{
    nb_hmsg_t m = {.target = "/2015-03-31/functions", .target_len = 21};
    ASSERT_EQ(nb_edge_body_limit(&m), 69905067u);
    nb_hmsg_t other = {.target = "/", .target_len = 1};
    ASSERT_EQ(nb_edge_body_limit(&other), 0);
    nb_kv_t host = {.name = "host", .value = "abc123.execute-api.localhost", .value_len = 28};
    nb_hmsg_t api = {.target = "/2015-03-31/functions", .target_len = 21, .headers = &host, .n_headers = 1};
    ASSERT_EQ(nb_edge_body_limit(&api), 0);

    const char *msg;
    nb_req_t *r = mkreq("POST", "/2015-03-31/functions", "{}", NULL);
    r->body_dropped = 70000000;                 /* drained by the assembler */
    ASSERT_EQ(nb_edge_route(r, &msg), NB_ERR_REQUEST_TOO_LARGE);
    ASSERT_STREQ(msg, "Request must be smaller than 69905067 bytes for the CreateFunction operation");
    done(r);

    r = mkreq("PUT", "/2015-03-31/functions/f/configuration", "{}", NULL);
    r->body_len = (16u << 20) + 1;              /* a non-upload operation keeps 16 MiB */
    ASSERT_EQ(nb_edge_route(r, &msg), NB_ERR_REQUEST_TOO_LARGE);
    ASSERT_STREQ(msg, "Request must be smaller than 16777216 bytes for the UpdateFunctionConfiguration operation");
    done(r);

    r = mkreq("PUT", "/2015-03-31/functions/f/code", "{}", NULL);
    ASSERT_EQ(nb_edge_route(r, &msg), NB_OK);    /* within limits: routed and decoded */
    ASSERT_STREQ(r->op->name, "UpdateFunctionCode");
    done(r);
}
