/* test_apigw_ws_map.c — WebSocket APIs' non-proxy integrations (ws_map.c):
 * request templates by templateSelectionExpression and passthroughBehavior,
 * integration responses by /regex/ keys and $default, response templates by
 * their selection expression, the MOCK status, a Lambda answer's key and an
 * HTTP integration's request. */
#include "test.h"
#include "apigw/ws_int.h"

static json_t *ctx_of(void)
{
    return json_pack("{s:s,s:s,s:s}", "connectionId", "c1=", "routeKey", "send", "eventType", "MESSAGE");
}

static const char *request(json_t *integ, const char *body, int *rc)
{
    static char text[512];
    nb_arena_t *a = nb_arena_new(1024);
    json_t *ctx = ctx_of(), *stage = json_pack("{s:{s:s}}", "stageVariables", "v", "sv1");
    apigw_ws_mreq_t m = {.integ = integ, .stage = stage, .ctx = ctx, .body = body, .len = strlen(body)};
    nb_buf_t out = NB_BUF_INIT;
    *rc = apigw__ws_map_request(a, &m, &out);
    snprintf(text, sizeof text, "%.*s", (int)out.len, out.data ? out.data : "");
    nb_buf_free(&out);
    json_decref(ctx);
    json_decref(stage);
    nb_arena_free(a);
    return text;
}

TEST(ws_map_request_templates)
{
    int rc;
    json_t *integ = json_pack("{s:s,s:{s:s,s:s}}", "templateSelectionExpression", "${request.body.kind}", "requestTemplates",
                              "a", "{\"t\":\"a\",\"c\":\"$context.connectionId\",\"sv\":\"$stageVariables.v\"}",
                              "$default", "{\"t\":\"d\",\"x\":$input.json('$.x')}");
    ASSERT_STREQ(request(integ, "{\"kind\":\"a\"}", &rc), "{\"t\":\"a\",\"c\":\"c1=\",\"sv\":\"sv1\"}");
    ASSERT_EQ(rc, 0);
    ASSERT_STREQ(request(integ, "{\"kind\":\"b\",\"x\":[1]}", &rc), "{\"t\":\"d\",\"x\":[1]}");   /* no such key */
    ASSERT_STREQ(request(integ, "not json", &rc), "{\"t\":\"d\",\"x\":null}");                    /* no key at all */
    json_object_set_new(integ, "templateSelectionExpression", json_string("\\$default"));
    ASSERT_STREQ(request(integ, "{\"kind\":\"a\",\"x\":2}", &rc), "{\"t\":\"d\",\"x\":2}");
    json_object_set_new(integ, "requestTemplates", json_pack("{s:s}", "$default", "#foreach($x in"));
    request(integ, "{}", &rc);
    ASSERT_EQ(rc, APIGW_WS_MAP_FAILED);
    json_decref(integ);
}

TEST(ws_map_passthrough_behaviour)
{
    int rc;
    json_t *integ = json_pack("{s:s,s:{s:s}}", "templateSelectionExpression", "$request.body.kind", "requestTemplates",
                              "k", "{}");
    ASSERT_STREQ(request(integ, "{\"kind\":\"z\"}", &rc), "{\"kind\":\"z\"}");   /* WHEN_NO_MATCH by default */
    ASSERT_EQ(rc, 0);
    json_object_set_new(integ, "passthroughBehavior", json_string("NEVER"));
    request(integ, "{\"kind\":\"z\"}", &rc);
    ASSERT_EQ(rc, APIGW_WS_MAP_REFUSED);
    ASSERT_STREQ(request(integ, "{\"kind\":\"k\"}", &rc), "{}");
    ASSERT_EQ(rc, 0);
    json_object_set_new(integ, "passthroughBehavior", json_string("WHEN_NO_TEMPLATES"));
    request(integ, "{\"kind\":\"z\"}", &rc);
    ASSERT_EQ(rc, APIGW_WS_MAP_REFUSED);
    json_object_set_new(integ, "requestTemplates", json_object());
    ASSERT_STREQ(request(integ, "hello", &rc), "hello");
    ASSERT_EQ(rc, 0);
    json_decref(integ);
}

static int last_binary;   /* respond()'s last answer became bytes (CONVERT_TO_BINARY) */

static const char *respond(json_t *integ, const apigw_ws_answer_t *r, int *rc)
{
    static char text[512];
    nb_arena_t *a = nb_arena_new(1024);
    json_t *ctx = ctx_of();
    const char *msg = "{\"kind\":\"m\"}";
    apigw_ws_mreq_t m = {.integ = integ, .ctx = ctx, .body = msg, .len = strlen(msg)};
    nb_buf_t out = NB_BUF_INIT;
    *rc = apigw__ws_map_response(a, &m, r, &out, &last_binary);
    snprintf(text, sizeof text, "%.*s", (int)out.len, out.data ? out.data : "");
    nb_buf_free(&out);
    json_decref(ctx);
    nb_arena_free(a);
    return text;
}

TEST(ws_map_integration_responses)
{
    int rc;
    json_t *integ = json_pack("{s:{s:{s:s,s:s,s:{s:s,s:s}}}}", "_responses", "r1", "integrationResponseKey", "/4\\d\\d/",
                              "templateSelectionExpression", "${integration.response.header.x-kind}", "responseTemplates",
                              "k1", "{\"k\":1,\"s\":$input.json('$.s')}", "$default", "{\"k\":\"d\"}");
    nb_kv_t h[] = {{"X-Kind", "k1", 2}};
    apigw_ws_answer_t r = {"404", 404, h, 1, "{\"s\":\"x\"}", 9};
    ASSERT_STREQ(respond(integ, &r, &rc), "{\"k\":1,\"s\":\"x\"}");
    ASSERT_EQ(rc, 0);
    r.n_headers = 0;   /* the header the expression reads is missing: the $default template */
    ASSERT_STREQ(respond(integ, &r, &rc), "{\"k\":\"d\"}");
    r.key = "200";
    r.status = 200;
    respond(integ, &r, &rc);   /* no /regex/ matches and no $default: the execution fails */
    ASSERT_EQ(rc, APIGW_WS_MAP_NO_RESPONSE);
    json_object_set_new(json_object_get(integ, "_responses"), "r2",
                        json_pack("{s:s,s:s,s:{s:s}}", "integrationResponseKey", "$default", "templateSelectionExpression",
                                  "${integration.response.statuscode}-${request.body.kind}", "responseTemplates", "200-m",
                                  "{\"ok\":\"$context.routeKey\"}"));
    ASSERT_STREQ(respond(integ, &r, &rc), "{\"ok\":\"send\"}");
    r.key = "201";
    r.status = 201;   /* "201-m": no template, the body as it is */
    ASSERT_STREQ(respond(integ, &r, &rc), "{\"s\":\"x\"}");
    r.key = "4040";   /* a /regex/ matches the whole key only */
    ASSERT_STREQ(respond(integ, &r, &rc), "{\"s\":\"x\"}");
    r.key = NULL;     /* a Lambda answer without errorMessage: $default */
    ASSERT_STREQ(respond(integ, &r, &rc), "{\"s\":\"x\"}");
    json_decref(integ);
}

TEST(ws_map_content_handling)
{
    int rc;
    json_t *integ = json_pack("{s:{s:{s:s,s:s}}}", "_responses", "r1", "integrationResponseKey", "$default",
                              "contentHandlingStrategy", "CONVERT_TO_BINARY");
    apigw_ws_answer_t r = {"200", 200, NULL, 0, "aGk=", 4};
    ASSERT_STREQ(respond(integ, &r, &rc), "hi");   /* base64 text → its bytes */
    ASSERT_EQ(rc, 0);
    ASSERT_EQ(last_binary, 1);
    r.body = "{not base64}";
    r.len = 12;
    ASSERT_STREQ(respond(integ, &r, &rc), "{not base64}");   /* no base64: as it is, text */
    ASSERT_EQ(last_binary, 0);
    json_t *ir = json_object_get(json_object_get(integ, "_responses"), "r1");
    json_object_set_new(ir, "contentHandlingStrategy", json_string("CONVERT_TO_TEXT"));
    r.body = "\xff\x00\x01";
    r.len = 3;
    ASSERT_STREQ(respond(integ, &r, &rc), "/wAB");   /* bytes → base64 text */
    ASSERT_EQ(last_binary, 0);
    r.body = "{\"t\":1}";
    r.len = 7;
    ASSERT_STREQ(respond(integ, &r, &rc), "{\"t\":1}");   /* text stays text */
    json_object_set_new(ir, "responseTemplates", json_pack("{s:s}", "$default", "{\"b64\":\"$input.body\"}"));
    r.body = "\xff\x00\x01";
    r.len = 3;
    ASSERT_STREQ(respond(integ, &r, &rc), "{\"b64\":\"/wAB\"}");   /* the template sees the base64 text */
    json_decref(integ);
}

TEST(ws_map_keys_and_http_request)
{
    nb_arena_t *a = nb_arena_new(1024);
    const char *err = "{\"errorMessage\":\"bad\",\"errorType\":\"E\"}";
    ASSERT_STREQ(apigw__ws_lambda_key(a, err, strlen(err)), "bad");
    ASSERT(apigw__ws_lambda_key(a, "{\"ok\":1}", 8) == NULL);
    ASSERT_EQ(apigw__ws_mock_status("{\"statusCode\": 403}", 19), 403);
    ASSERT_EQ(apigw__ws_mock_status("{}", 2), 200);
    ASSERT_EQ(apigw__ws_mock_status("", 0), 200);

    json_t *integ = json_pack("{s:s,s:s,s:{s:s,s:s,s:s,s:s}}", "integrationType", "HTTP", "integrationUri",
                              "http://h/${stageVariables.v}?a=1", "requestParameters", "integration.request.header.X-C",
                              "context.connectionId", "integration.request.querystring.q", "route.request.body.kind",
                              "integration.request.header.X-H", "route.request.header.x-in", "integration.request.header.X-N",
                              "route.request.querystring.none");
    json_t *ctx = ctx_of(), *stage = json_pack("{s:{s:s}}", "stageVariables", "v", "p");
    nb_kv_t hin[] = {{"X-In", "hv", 2}};
    apigw_ws_mreq_t m = {.integ = integ, .stage = stage, .ctx = ctx, .headers = hin, .n_headers = 1,
                         .body = "{\"kind\":\"a b\"}", .len = 14};
    apigw_ws_http_t h;
    apigw__ws_map_http(a, &m, &h);
    ASSERT_STREQ(h.method, "POST");
    ASSERT_STREQ(h.url, "http://h/p?a=1&q=a%20b");
    ASSERT_EQ(h.n_headers, 3);   /* X-C, X-H, Content-Type (X-N has no value) */
    int seen = 0;
    for (size_t i = 0; i < h.n_headers; i++) {
        if (!strcmp(h.headers[i].name, "X-C")) seen += !strcmp(h.headers[i].value, "c1=");
        if (!strcmp(h.headers[i].name, "X-H")) seen += !strcmp(h.headers[i].value, "hv");
        if (!strcmp(h.headers[i].name, "Content-Type")) seen += !strcmp(h.headers[i].value, "application/json");
    }
    ASSERT_EQ(seen, 3);
    ASSERT_EQ(apigw__ws_integration_kind(integ), APIGW_WS_INT_HTTP);
    json_object_set_new(integ, "integrationType", json_string("HTTP_PROXY"));
    ASSERT_EQ(apigw__ws_integration_kind(integ), APIGW_WS_INT_HTTP_PROXY);
    json_decref(integ);
    json_decref(ctx);
    json_decref(stage);
    nb_arena_free(a);
}
