/* test_apigw_event.c — proxy events in payload formats 1.0 and 2.0, field by
 * field, and the mapping of function answers (including malformed ones). */
#include "test.h"
#include "apigw/event.h"
#include "apigw/dp.h"
#include <strings.h>

static nb_kv_t hdrs[] = {
    {"host", "abc123.execute-api.localhost:4566", 33},
    {"user-agent", "curl/8", 6},
    {"x-multi", "one", 3},
    {"x-multi", "two", 3},
    {"cookie", "a=1; b=2", 8},
};
static nb_kv_t qps[] = {{"q", "1", 1}, {"q", "2", 1}, {"s", "x y", 3}};
static nb_kv_t pps[] = {{"id", "42", 2}};

static apigw_http_in_t base_in(void)
{
    apigw_http_in_t in = {0};
    in.method = "POST";
    in.path = "/prod/users/42";
    in.route_path = "/users/42";
    in.query = "q=1&q=2&s=x+y";
    in.qparams = qps;
    in.n_qparams = 3;
    in.headers = hdrs;
    in.n_headers = 5;
    in.body = "{\"a\":1}";
    in.body_len = 7;
    in.source_ip = "127.0.0.1";
    in.api_id = "abc123";
    in.stage = "prod";
    in.account = "000000000000";
    in.request_id = "rid-1";
    in.domain = "abc123.execute-api.localhost";
    in.route_key = "POST /users/{id}";
    in.resource_path = "/users/{id}";
    in.resource_id = "res1";
    in.path_params = pps;
    in.n_path_params = 1;
    in.time_ms = 1795827633255ull;
    return in;
}

static const char *s(json_t *o, const char *path)
{
    /* "a.b.c" lookup of a string member */
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    json_t *cur = o;
    for (char *save = NULL, *k = strtok_r(buf, ".", &save); k; k = strtok_r(NULL, ".", &save))
        cur = json_object_get(cur, k);
    return json_string_value(cur);
}

TEST(event_v1_every_field)
{
    apigw_http_in_t in = base_in();
    json_t *vars = json_pack("{s:s}", "env", "test");
    in.stage_vars = vars;
    json_t *ev = apigw__event_v1(&in);
    static const char *const members[] = {"resource", "path", "httpMethod", "headers", "multiValueHeaders",
        "queryStringParameters", "multiValueQueryStringParameters", "pathParameters", "stageVariables",
        "requestContext", "body", "isBase64Encoded"};
    for (size_t i = 0; i < sizeof members / sizeof members[0]; i++)
        if (!json_object_get(ev, members[i])) TEST_FAIL_("missing %s", members[i]);
    ASSERT_STREQ(s(ev, "resource"), "/users/{id}");
    ASSERT_STREQ(s(ev, "path"), "/users/42");
    ASSERT_STREQ(s(ev, "httpMethod"), "POST");
    ASSERT_STREQ(s(ev, "headers.x-multi"), "two");       /* last value */
    ASSERT_EQ(json_array_size(json_object_get(json_object_get(ev, "multiValueHeaders"), "x-multi")), 2);
    ASSERT_STREQ(s(ev, "queryStringParameters.q"), "2");
    ASSERT_STREQ(s(ev, "queryStringParameters.s"), "x y");
    ASSERT_EQ(json_array_size(json_object_get(json_object_get(ev, "multiValueQueryStringParameters"), "q")), 2);
    ASSERT_STREQ(s(ev, "pathParameters.id"), "42");
    ASSERT_STREQ(s(ev, "stageVariables.env"), "test");
    ASSERT_STREQ(s(ev, "body"), "{\"a\":1}");
    ASSERT(json_is_false(json_object_get(ev, "isBase64Encoded")));
    static const char *const rc[] = {"accountId", "apiId", "domainName", "domainPrefix", "extendedRequestId",
        "httpMethod", "identity", "path", "protocol", "requestId", "requestTime", "requestTimeEpoch", "resourceId",
        "resourcePath", "stage"};
    json_t *ctx = json_object_get(ev, "requestContext");
    for (size_t i = 0; i < sizeof rc / sizeof rc[0]; i++)
        if (!json_object_get(ctx, rc[i])) TEST_FAIL_("missing requestContext.%s", rc[i]);
    ASSERT_STREQ(s(ev, "requestContext.accountId"), "000000000000");
    ASSERT_STREQ(s(ev, "requestContext.apiId"), "abc123");
    ASSERT_STREQ(s(ev, "requestContext.domainPrefix"), "abc123");
    ASSERT_STREQ(s(ev, "requestContext.path"), "/prod/users/42");
    ASSERT_STREQ(s(ev, "requestContext.protocol"), "HTTP/1.1");
    ASSERT_STREQ(s(ev, "requestContext.requestTime"), "28/Nov/2026:01:00:33 +0000");
    ASSERT_EQ(json_integer_value(json_object_get(ctx, "requestTimeEpoch")), 1795827633255ll);
    ASSERT_STREQ(s(ev, "requestContext.resourceId"), "res1");
    ASSERT_STREQ(s(ev, "requestContext.resourcePath"), "/users/{id}");
    ASSERT_STREQ(s(ev, "requestContext.stage"), "prod");
    ASSERT_STREQ(s(ev, "requestContext.identity.sourceIp"), "127.0.0.1");
    ASSERT_STREQ(s(ev, "requestContext.identity.userAgent"), "curl/8");
    ASSERT(json_object_get(json_object_get(ctx, "identity"), "accessKey") != NULL);
    json_decref(ev);
    json_decref(vars);
}

TEST(event_v1_absent_maps_are_null)
{
    apigw_http_in_t in = base_in();
    in.n_qparams = 0;
    in.n_path_params = 0;
    in.body_len = 0;
    json_t *ev = apigw__event_v1(&in);
    ASSERT(json_is_null(json_object_get(ev, "queryStringParameters")));
    ASSERT(json_is_null(json_object_get(ev, "multiValueQueryStringParameters")));
    ASSERT(json_is_null(json_object_get(ev, "pathParameters")));
    ASSERT(json_is_null(json_object_get(ev, "stageVariables")));
    ASSERT(json_is_null(json_object_get(ev, "body")));
    json_decref(ev);
}

TEST(event_v1_of_an_http_api)
{
    /* HTTP APIs' format 1.0: "version": "1.0", path as asked (stage included),
     * resourceId null; REST APIs have none of these */
    apigw_http_in_t in = base_in();
    in.http_api = 1;
    json_t *ev = apigw__event_v1(&in);
    ASSERT_STREQ(s(ev, "version"), "1.0");
    ASSERT_STREQ(s(ev, "path"), "/prod/users/42");
    ASSERT_STREQ(s(ev, "requestContext.path"), "/prod/users/42");
    ASSERT(json_is_null(json_object_get(json_object_get(ev, "requestContext"), "resourceId")));
    json_decref(ev);
    in.http_api = 0;
    ev = apigw__event_v1(&in);
    ASSERT(json_object_get(ev, "version") == NULL);
    ASSERT_STREQ(s(ev, "path"), "/users/42");
    ASSERT_STREQ(s(ev, "requestContext.resourceId"), "res1");
    json_decref(ev);
}

TEST(event_v2_every_field)
{
    apigw_http_in_t in = base_in();
    json_t *authz = json_pack("{s:{s:{s:s},s:n}}", "jwt", "claims", "sub", "u1", "scopes");
    in.authorizer = authz;
    json_t *ev = apigw__event_v2(&in);
    ASSERT_STREQ(s(ev, "version"), "2.0");
    ASSERT_STREQ(s(ev, "routeKey"), "POST /users/{id}");
    ASSERT_STREQ(s(ev, "rawPath"), "/prod/users/42");
    ASSERT_STREQ(s(ev, "rawQueryString"), "q=1&q=2&s=x+y");
    json_t *cookies = json_object_get(ev, "cookies");
    ASSERT_EQ(json_array_size(cookies), 2);
    ASSERT_STREQ(json_string_value(json_array_get(cookies, 1)), "b=2");
    ASSERT_STREQ(s(ev, "headers.x-multi"), "one,two");   /* joined with commas */
    ASSERT(json_object_get(json_object_get(ev, "headers"), "cookie") == NULL);
    ASSERT_STREQ(s(ev, "queryStringParameters.q"), "1,2");
    ASSERT_STREQ(s(ev, "pathParameters.id"), "42");
    ASSERT(json_object_get(ev, "stageVariables") == NULL);  /* omitted when empty */
    ASSERT_STREQ(s(ev, "body"), "{\"a\":1}");
    ASSERT(json_is_false(json_object_get(ev, "isBase64Encoded")));
    ASSERT_STREQ(s(ev, "requestContext.http.method"), "POST");
    ASSERT_STREQ(s(ev, "requestContext.http.path"), "/prod/users/42");
    ASSERT_STREQ(s(ev, "requestContext.http.protocol"), "HTTP/1.1");
    ASSERT_STREQ(s(ev, "requestContext.http.sourceIp"), "127.0.0.1");
    ASSERT_STREQ(s(ev, "requestContext.http.userAgent"), "curl/8");
    ASSERT_STREQ(s(ev, "requestContext.routeKey"), "POST /users/{id}");
    ASSERT_STREQ(s(ev, "requestContext.stage"), "prod");
    ASSERT_STREQ(s(ev, "requestContext.requestId"), "rid-1");
    ASSERT_STREQ(s(ev, "requestContext.domainName"), "abc123.execute-api.localhost");
    ASSERT_STREQ(s(ev, "requestContext.domainPrefix"), "abc123");
    ASSERT_STREQ(s(ev, "requestContext.time"), "28/Nov/2026:01:00:33 +0000");
    ASSERT_EQ(json_integer_value(json_object_get(json_object_get(ev, "requestContext"), "timeEpoch")), 1795827633255ll);
    ASSERT_STREQ(s(ev, "requestContext.authorizer.jwt.claims.sub"), "u1");
    json_decref(ev);
    json_decref(authz);
}

TEST(event_binary_and_broken_utf8_bodies_are_base64)
{
    apigw_http_in_t in = base_in();
    in.body = "\xff\xfe\x00\x01";
    in.body_len = 4;
    json_t *ev = apigw__event_v2(&in);
    ASSERT(json_is_true(json_object_get(ev, "isBase64Encoded")));
    ASSERT_STREQ(s(ev, "body"), "//4AAQ==");
    json_decref(ev);
    in = base_in();
    in.body_binary = 1;
    ev = apigw__event_v1(&in);
    ASSERT(json_is_true(json_object_get(ev, "isBase64Encoded")));
    ASSERT_STREQ(s(ev, "body"), "eyJhIjoxfQ==");
    json_decref(ev);
}

static const char *hdr(const apigw_http_out_t *o, const char *name, int nth)
{
    for (size_t i = 0; i < o->n_headers; i++)
        if (strcasecmp(o->headers[i].name, name) == 0 && nth-- == 0) return o->headers[i].value;
    return NULL;
}

TEST(response_v1_mapping)
{
    nb_arena_t *a = nb_arena_new(4096);
    apigw_http_out_t o;
    const char *p = "{\"statusCode\":201,\"headers\":{\"x-a\":\"1\",\"x-n\":5,\"x-m\":\"single\"},"
                    "\"multiValueHeaders\":{\"x-m\":[\"m1\",\"m2\"]},\"body\":\"hello\"}";
    ASSERT_EQ(apigw__response_v1(a, p, strlen(p), &o), 0);
    ASSERT_EQ(o.status, 201);
    ASSERT_STREQ(hdr(&o, "x-a", 0), "1");
    ASSERT_STREQ(hdr(&o, "x-n", 0), "5");
    ASSERT_STREQ(hdr(&o, "x-m", 0), "m1");
    ASSERT_STREQ(hdr(&o, "x-m", 1), "m2");
    ASSERT(hdr(&o, "x-m", 2) == NULL);
    ASSERT_STREQ(hdr(&o, "content-type", 0), "application/json");
    ASSERT_EQ(o.body_len, 5);
    ASSERT_MEMEQ(o.body, "hello", 5);
    ASSERT(o.b64_text == NULL);
    p = "{\"statusCode\":200,\"body\":\"AAE=\",\"isBase64Encoded\":true}";
    ASSERT_EQ(apigw__response_v1(a, p, strlen(p), &o), 0);
    ASSERT_EQ(o.body_len, 2);
    ASSERT_MEMEQ(o.body, "\x00\x01", 2);
    /* the text as written, for a REST client whose Accept is no binary type */
    ASSERT_EQ(o.b64_len, 4);
    ASSERT_MEMEQ(o.b64_text, "AAE=", 4);
    /* format 2.0 is an HTTP API's only, which always sends the decoded bytes:
     * no copy of the text is kept */
    ASSERT_EQ(apigw__response_v2(a, p, strlen(p), &o), 0);
    ASSERT_EQ(o.body_len, 2);
    ASSERT_MEMEQ(o.body, "\x00\x01", 2);
    ASSERT(o.b64_text == NULL);
    nb_arena_free(a);
}

TEST(response_v1_malformed_answers)
{
    static const char *const bad[] = {
        "", "not json", "\"a string\"", "[]", "{}", "{\"statusCode\":\"abc\"}", "{\"statusCode\":99}",
        "{\"statusCode\":200,\"body\":{\"a\":1}}", "{\"statusCode\":200,\"headers\":[]}",
        "{\"statusCode\":200,\"headers\":{\"a\":{}}}", "{\"statusCode\":200,\"multiValueHeaders\":{\"a\":\"x\"}}",
        "{\"statusCode\":200,\"body\":\"!!\",\"isBase64Encoded\":true}", "{\"statusCode\":200,\"isBase64Encoded\":\"yes\"}",
    };
    nb_arena_t *a = nb_arena_new(4096);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        apigw_http_out_t o;
        if (apigw__response_v1(a, bad[i], strlen(bad[i]), &o) != -1) TEST_FAIL_("accepted: %s", bad[i]);
    }
    nb_arena_free(a);
}

TEST(response_v1_rest_wants_known_members_only)
{
    /* REST APIs: any other member is a "Malformed Lambda proxy response";
     * HTTP APIs' format 1.0 reads past it */
    static const char *const extra[] = {
        "{\"statusCode\":200,\"cookies\":[\"a=1\"],\"body\":\"x\"}",
        "{\"statusCode\":201,\"statusDescription\":\"201 Created\",\"body\":\"x\"}",
    };
    nb_arena_t *a = nb_arena_new(4096);
    apigw_http_out_t o;
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++) {
        ASSERT_EQ(apigw__response_v1_rest(a, extra[i], strlen(extra[i]), &o), -1);
        ASSERT_EQ(apigw__response_v1(a, extra[i], strlen(extra[i]), &o), 0);
    }
    const char *p = "{\"statusCode\":\"201\",\"headers\":{},\"multiValueHeaders\":{},\"body\":\"x\","
                    "\"isBase64Encoded\":false}";
    ASSERT_EQ(apigw__response_v1_rest(a, p, strlen(p), &o), 0);
    ASSERT_EQ(o.status, 201);
    /* no statusCode: a REST API answers 200 (LocalStack's test_lambda_aws_proxy_response_format),
     * an HTTP API's format 1.0 finds it malformed */
    static const char *const no_status[] = {"{}", "{\"headers\":{\"a\":\"b\"}}", "{\"statusCode\":null,\"body\":\"y\"}"};
    for (size_t i = 0; i < sizeof no_status / sizeof no_status[0]; i++) {
        ASSERT_EQ(apigw__response_v1_rest(a, no_status[i], strlen(no_status[i]), &o), 0);
        ASSERT_EQ(o.status, 200);
        ASSERT_EQ(apigw__response_v1(a, no_status[i], strlen(no_status[i]), &o), -1);
    }
    ASSERT_EQ(apigw__response_v1_rest(a, "{}", 2, &o), 0);
    ASSERT_EQ(o.body_len, 0);
    ASSERT_EQ(apigw__response_v1_rest(a, "{\"statusCode\":\"x\"}", 16, &o), -1);
    nb_arena_free(a);
}

TEST(rest_header_rules)
{
    /* request headers: well-known names capitalised, others as sent, reserved ones dropped */
    ASSERT_STREQ(apigw__rest_in_header("authorization"), "Authorization");
    ASSERT_STREQ(apigw__rest_in_header("aUThorization"), "Authorization");
    ASSERT_STREQ(apigw__rest_in_header("user-Agent"), "User-Agent");
    ASSERT_STREQ(apigw__rest_in_header("host"), "Host");
    ASSERT_STREQ(apigw__rest_in_header("tEsT-HEADeR"), "tEsT-HEADeR");
    ASSERT_STREQ(apigw__rest_in_header("cache-control"), "cache-control");
    static const char *const gone[] = {"Connection", "content-length", "Content-MD5", "expect", "Max-Forwards",
                                       "Proxy-Authenticate", "server", "TE", "Trailer", "transfer-encoding",
                                       "Upgrade", "WWW-Authenticate"};
    for (size_t i = 0; i < sizeof gone / sizeof gone[0]; i++)
        if (apigw__rest_in_header(gone[i])) TEST_FAIL_("kept: %s", gone[i]);
    /* answer headers */
    ASSERT_EQ(apigw__rest_out_header("Content-Length"), APIGW_OUT_REMAP);
    ASSERT_EQ(apigw__rest_out_header("date"), APIGW_OUT_REMAP);
    ASSERT_EQ(apigw__rest_out_header("WWW-Authenticate"), APIGW_OUT_REMAP);
    ASSERT_EQ(apigw__rest_out_header("Transfer-Encoding"), APIGW_OUT_DROP);
    ASSERT_EQ(apigw__rest_out_header("TE"), APIGW_OUT_PASS);
    ASSERT_EQ(apigw__rest_out_header("Content-Type"), APIGW_OUT_PASS);
    ASSERT_EQ(apigw__rest_out_header("x-own"), APIGW_OUT_PASS);
    /* the answer's trace: a Parent added when there is none */
    nb_arena_t *a = nb_arena_new(1024);
    const char *full = "Root=1-3152b799-8954dae64eda91bc9a23a7e8;Parent=7fa8c0f79203be72;Sampled=1";
    ASSERT_STREQ(apigw__rest_trace_answer(a, full, "ab"), full);
    ASSERT_STREQ(apigw__rest_trace_answer(a, "Root=1-3152b799-8954dae64eda91bc9a23a7e8",
                                           "0123abcd-4567-89ef-0123-456789abcdef"),
                  "Root=1-3152b799-8954dae64eda91bc9a23a7e8;Parent=0123456789abcdef;Sampled=0");
    ASSERT_STREQ(apigw__rest_trace_answer(a, "Root=1-0-0", ""), "Root=1-0-0;Parent=0000000000000000;Sampled=0");
    ASSERT(apigw__rest_trace_answer(a, NULL, "x") == NULL);
    nb_arena_free(a);
}

TEST(response_v2_plain_json_is_200)
{
    nb_arena_t *a = nb_arena_new(4096);
    apigw_http_out_t o;
    const char *p = "{\"hello\":\"world\"}";
    ASSERT_EQ(apigw__response_v2(a, p, strlen(p), &o), 0);
    ASSERT_EQ(o.status, 200);
    ASSERT_STREQ(hdr(&o, "content-type", 0), "application/json");
    ASSERT_STREQ(o.body, p);
    p = "\"just text\"";
    ASSERT_EQ(apigw__response_v2(a, p, strlen(p), &o), 0);
    ASSERT_STREQ(o.body, "just text");
    p = "{\"statusCode\":404,\"cookies\":[\"a=1\",\"b=2\"],\"headers\":{\"content-type\":\"text/plain\"},\"body\":\"nope\"}";
    ASSERT_EQ(apigw__response_v2(a, p, strlen(p), &o), 0);
    ASSERT_EQ(o.status, 404);
    ASSERT_STREQ(hdr(&o, "set-cookie", 0), "a=1");
    ASSERT_STREQ(hdr(&o, "set-cookie", 1), "b=2");
    ASSERT_STREQ(hdr(&o, "content-type", 0), "text/plain");
    ASSERT_EQ(apigw__response_v2(a, "garbage", 7, &o), -1);
    p = "{\"statusCode\":200,\"cookies\":\"a=1\"}";
    ASSERT_EQ(apigw__response_v2(a, p, strlen(p), &o), -1);
    nb_arena_free(a);
}

/* The usual answer is read without jansson (resp_fast.c); whatever the direct
 * reader leaves to jansson must come out as before. */
TEST(response_v2_usual_shape_read_directly_same_result)
{
    static const char *const accepted[] = {
        "{\"statusCode\":200,\"headers\":{\"content-type\":\"application/json\"},"
        "\"body\":\"{\\\"Item\\\":{\\\"id\\\":{\\\"S\\\":\\\"user-1\\\"}}}\"}",
        " { \"body\" : \"a\\/b\\n\" , \"statusCode\" : 404 , \"isBase64Encoded\" : false } ",
        "{\"statusCode\":201,\"headers\":{\"X-A\":\"1\",\"x-a\":\"2\"}}",
        "{\"statusCode\":200,\"headers\":{}}",
    };
    static const char *const slow[] = {
        "{\"statusCode\":\"200\",\"body\":\"x\"}", "{\"statusCode\":200,\"body\":\"caf\\u00e9\"}",
        "{\"statusCode\":200,\"headers\":{\"a\":\"1\",\"a\":\"2\"}}", "{\"statusCode\":200,\"headers\":{\"n\":5}}",
        "{\"statusCode\":200.0}", "{\"statusCode\":99}", "{\"statusCode\":200,\"cookies\":[\"a=1\"]}",
        "{\"statusCode\":200,\"isBase64Encoded\":true,\"body\":\"AAE=\"}", "{\"statusCode\":200} x", "{}",
        "{\"statusCode\":200,\"body\":\"\xc3\xa9\"}", "{\"statusCode\":200,\"statusCode\":201}",
    };
    nb_arena_t *a = nb_arena_new(4096);
    apigw_http_out_t f, j;
    for (size_t i = 0; i < sizeof accepted / sizeof accepted[0]; i++) {
        const char *p = accepted[i];
        if (apigw__response_v2_fast(a, p, strlen(p), &f) != 0) TEST_FAIL_("not read directly: %s", p);
        ASSERT_EQ(apigw__response_v2_json(a, p, strlen(p), &j), 0);
        ASSERT_EQ(f.status, j.status);
        ASSERT_EQ(f.body_len, j.body_len);
        ASSERT_MEMEQ(f.body, j.body, f.body_len);
        ASSERT_EQ(f.n_headers, j.n_headers);
        for (size_t k = 0; k < f.n_headers; k++) {
            ASSERT_STREQ(f.headers[k].name, j.headers[k].name);
            ASSERT_STREQ(f.headers[k].value, j.headers[k].value);
        }
    }
    ASSERT_EQ(apigw__response_v2_fast(a, accepted[0], strlen(accepted[0]), &f), 0);
    ASSERT_STREQ(f.body, "{\"Item\":{\"id\":{\"S\":\"user-1\"}}}");
    for (size_t i = 0; i < sizeof slow / sizeof slow[0]; i++)
        if (apigw__response_v2_fast(a, slow[i], strlen(slow[i]), &f) != APIGW_RESP_SLOW)
            TEST_FAIL_("read directly: %s", slow[i]);
    nb_arena_free(a);
}

TEST(event_thousands_of_headers_keep_order)
{
    /* the grouped writer must keep each name's values in arrival order, on
     * the small (stack) and the large (sorted on the heap) path alike */
    static nb_kv_t many[3000];
    static char names[3000][16], values[3000][16];
    for (int i = 0; i < 3000; i++) {
        snprintf(names[i], sizeof names[i], i % 3 == 0 ? "x-rep" : "h%d", i);
        snprintf(values[i], sizeof values[i], "v%d", i);
        many[i].name = names[i];
        many[i].value = values[i];
        many[i].value_len = strlen(values[i]);
    }
    apigw_http_in_t in = base_in();
    in.headers = many;
    in.n_headers = 3000;
    json_t *ev = apigw__event_v2(&in);
    const char *rep = s(ev, "headers.x-rep");
    ASSERT(rep != NULL);
    ASSERT(strncmp(rep, "v0,v3,v6,", 9) == 0);
    ASSERT_EQ(json_object_size(json_object_get(ev, "headers")), 2001);
    json_decref(ev);
    ev = apigw__event_v1(&in);
    ASSERT_STREQ(s(ev, "headers.x-rep"), "v2997");
    ASSERT_EQ(json_array_size(json_object_get(json_object_get(ev, "multiValueHeaders"), "x-rep")), 1000);
    json_decref(ev);
    in.n_headers = 7;   /* the small path */
    ev = apigw__event_v2(&in);
    ASSERT_STREQ(s(ev, "headers.x-rep"), "v0,v3,v6");
    json_decref(ev);
}

TEST(accept_first_type_decides_binary)
{
    /* REST APIs decode a base64 answer only for a first Accept type in binaryMediaTypes */
    json_t *types = json_pack("[s,s]", "image/png", "application/*");
    ASSERT_EQ(apigw__accept_is_binary(types, "image/png"), 1);
    ASSERT_EQ(apigw__accept_is_binary(types, " image/png;q=0.9, text/html"), 1);
    ASSERT_EQ(apigw__accept_is_binary(types, "application/zip"), 1);
    ASSERT_EQ(apigw__accept_is_binary(types, "text/html, image/png"), 0);
    ASSERT_EQ(apigw__accept_is_binary(types, NULL), 0);
    ASSERT_EQ(apigw__accept_is_binary(NULL, "image/png"), 0);
    json_decref(types);
}
