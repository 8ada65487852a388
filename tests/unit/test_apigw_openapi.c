/* test_apigw_openapi.c — the OpenAPI importer on JSON and YAML definitions
 * (routes, integrations, authorizers, CORS for HTTP APIs; resources,
 * methods, models, validators for REST APIs) and the YAML reader's typing
 * and limits. */
#include "test.h"
#include "apigw/apigw_int.h"
#include "apigw/yaml.h"

static const char *const yaml_api =
    "openapi: 3.0.1\n"
    "info:\n  title: yaml-api\n  version: '2'\n"
    "x-amazon-apigateway-cors:\n  allowOrigins: ['*']\n  maxAge: 300\n"
    "components:\n  securitySchemes:\n    jwt:\n      type: oauth2\n"
    "      x-amazon-apigateway-authorizer:\n        type: jwt\n"
    "        jwtConfiguration:\n          issuer: https://issuer.example\n          audience: [app]\n"
    "        identitySource: $request.header.Authorization\n"
    "paths:\n"
    "  /pets/{id}:\n    get:\n      security:\n        - jwt: [read]\n"
    "      x-amazon-apigateway-integration: &fn\n        type: aws_proxy\n"
    "        uri: arn:aws:lambda:us-east-1:000000000000:function:f\n        payloadFormatVersion: '2.0'\n"
    "  /pets:\n    post:\n      x-amazon-apigateway-integration: *fn\n";

static json_t *v2_doc(void)
{
    return json_pack("{s:s,s:{},s:{},s:{},s:{},s:{},s:{},s:{}}", "kind", "v2", "api", "routes", "integrations",
                     "stages", "authorizers", "deployments", "models");
}

TEST(openapi_yaml_http_api)
{
    nb_arena_t *a = nb_arena_new(4096);
    json_t *doc = v2_doc();
    const char *msg = NULL;
    ASSERT_EQ(apigw__openapi_v2(a, doc, yaml_api, strlen(yaml_api), &msg), 0);
    json_t *api = json_object_get(doc, "api");
    ASSERT_STREQ(json_string_value(json_object_get(api, "name")), "yaml-api");
    ASSERT_STREQ(json_string_value(json_object_get(api, "version")), "2");
    ASSERT_EQ(json_integer_value(json_object_get(json_object_get(api, "corsConfiguration"), "maxAge")), 300);
    ASSERT_EQ(json_object_size(json_object_get(doc, "routes")), 2);
    ASSERT_EQ(json_object_size(json_object_get(doc, "integrations")), 1);   /* identical ones shared */
    ASSERT_EQ(json_object_size(json_object_get(doc, "authorizers")), 1);
    const char *k;
    json_t *r;
    int jwt_routes = 0;
    json_object_foreach(json_object_get(doc, "routes"), k, r) {
        const char *rk = json_string_value(json_object_get(r, "routeKey"));
        ASSERT(!strcmp(rk, "GET /pets/{id}") || !strcmp(rk, "POST /pets"));
        if (!strcmp(json_string_value(json_object_get(r, "authorizationType")), "JWT")) {
            jwt_routes++;
            ASSERT_STREQ(json_string_value(json_array_get(json_object_get(r, "authorizationScopes"), 0)), "read");
        }
    }
    ASSERT_EQ(jwt_routes, 1);
    json_decref(doc);
    nb_arena_free(a);
}

TEST(openapi_swagger_rest_api)
{
    const char *sw = "{\"swagger\":\"2.0\",\"info\":{\"title\":\"s\"},"
                     "\"x-amazon-apigateway-request-validators\":{\"all\":{\"validateRequestBody\":true}},"
                     "\"definitions\":{\"P\":{\"type\":\"object\"}},"
                     "\"paths\":{\"/a/{b}/c\":{\"post\":{\"x-amazon-apigateway-request-validator\":\"all\","
                     "\"parameters\":[{\"name\":\"q\",\"in\":\"query\",\"required\":true},"
                     "{\"name\":\"p\",\"in\":\"body\",\"schema\":{\"$ref\":\"#/definitions/P\"}}],"
                     "\"x-amazon-apigateway-integration\":{\"type\":\"mock\",\"responses\":{\"default\":{\"statusCode\":\"200\"},"
                     "\"4\\\\d{2}\":{\"statusCode\":\"400\"}}}}}}}";
    nb_arena_t *a = nb_arena_new(4096);
    json_t *doc = json_pack("{s:s,s:{},s:{},s:{},s:{},s:{},s:{},s:{}}", "kind", "v1", "api", "resources",
                            "deployments", "stages", "authorizers", "validators", "models");
    apigw__v1_add_resource(doc, NULL, NULL);
    const char *msg = NULL;
    ASSERT_EQ(apigw__openapi_v1(a, doc, sw, strlen(sw), &msg), 0);
    ASSERT_EQ(json_object_size(json_object_get(doc, "resources")), 4);   /* /, /a, /a/{b}, /a/{b}/c */
    ASSERT(json_object_get(json_object_get(doc, "models"), "P") != NULL);
    ASSERT_EQ(json_object_size(json_object_get(doc, "validators")), 1);
    const char *k;
    json_t *r, *m = NULL;
    json_object_foreach(json_object_get(doc, "resources"), k, r)
        if (!strcmp(json_string_value(json_object_get(r, "path")), "/a/{b}/c"))
            m = json_object_get(json_object_get(r, "resourceMethods"), "POST");
    ASSERT(m != NULL);
    ASSERT(json_is_true(json_object_get(json_object_get(m, "requestParameters"), "method.request.querystring.q")));
    ASSERT_STREQ(json_string_value(json_object_get(json_object_get(m, "requestModels"), "application/json")), "P");
    json_t *irs = json_object_get(json_object_get(m, "methodIntegration"), "integrationResponses");
    ASSERT_STREQ(json_string_value(json_object_get(json_object_get(irs, "400"), "selectionPattern")), "4\\d{2}");
    ASSERT(json_object_get(json_object_get(irs, "200"), "selectionPattern") == NULL);
    json_decref(doc);
    nb_arena_free(a);
}

TEST(openapi_rejects_garbage)
{
    static const char *const bad[] = {"", "[1,2]", "{\"openapi\":\"3\"}", "{\"paths\":{}}", "a: [unclosed",
                                      "{\"swagger\":\"2.0\",\"paths\":[]}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        nb_arena_t *a = nb_arena_new(1024);
        json_t *doc = v2_doc();
        const char *msg = NULL;
        ASSERT_EQ(apigw__openapi_v2(a, doc, bad[i], strlen(bad[i]), &msg), -1);
        ASSERT(msg && strncmp(msg, "Invalid OpenAPI input", 21) == 0);
        json_decref(doc);
        nb_arena_free(a);
    }
}

TEST(yaml_typing_and_limits)
{
    const char *y = "a: 1\nb: 1.5\nc: true\nd: ~\ne: '7'\nf: hello world\ng: [x, 2]\nh: 0x10\n";
    char err[128];
    json_t *j = apigw__yaml_load(y, strlen(y), err, sizeof err);
    ASSERT(j != NULL);
    ASSERT_EQ(json_integer_value(json_object_get(j, "a")), 1);
    ASSERT(json_is_real(json_object_get(j, "b")));
    ASSERT(json_is_true(json_object_get(j, "c")));
    ASSERT(json_is_null(json_object_get(j, "d")));
    ASSERT_STREQ(json_string_value(json_object_get(j, "e")), "7");
    ASSERT_STREQ(json_string_value(json_object_get(j, "f")), "hello world");
    ASSERT_EQ(json_integer_value(json_array_get(json_object_get(j, "g"), 1)), 2);
    ASSERT_STREQ(json_string_value(json_object_get(j, "h")), "0x10");
    json_decref(j);
    /* billion laughs: aliases expand past the value limit → refused, not exhausted */
    const char *bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
                       "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
                       "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n";
    ASSERT(apigw__yaml_load(bomb, strlen(bomb), err, sizeof err) == NULL);
    ASSERT(err[0] != 0);
    ASSERT(apigw__yaml_load("a: [", 4, err, sizeof err) == NULL);
}

/* Exports in YAML read back as the value written: strings that look like
 * numbers, booleans or null stay strings; awkward keys are quoted. */
TEST(yaml_emit_reads_back)
{
    const char *src = "{\"openapi\":\"3.0.1\",\"n\":7,\"r\":1.5,\"t\":true,\"f\":false,\"z\":null,"
                      "\"s\":[\"7\",\"true\",\"null\",\"~\",\"- x\",\"a: b\",\"#c\",\"multi\\nline \\\"q\\\"\",\"\"],"
                      "\"paths\":{\"/pets/{id}\":{\"get\":{\"x-amazon-apigateway-integration\":{\"type\":\"aws_proxy\"}}},"
                      "\"/\":{}},\"yes\":[[1,[2,{}]],{\"k\":[]}],\"o\":[{\"a\":1,\"b\":{\"c\":\"d\"}}],\"\\u00e9t\\u00e9\":\"\\u00fc\"}";
    json_t *v = json_loads(src, 0, NULL);
    ASSERT(v != NULL);
    nb_buf_t out = NB_BUF_INIT;
    apigw__yaml_emit(v, &out);
    char err[128];
    json_t *back = apigw__yaml_load(out.data, out.len, err, sizeof err);
    ASSERT(back != NULL);
    ASSERT(json_equal(v, back));
    json_decref(back);
    json_decref(v);
    nb_buf_free(&out);
}
