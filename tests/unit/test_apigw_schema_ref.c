/* test_apigw_schema_ref.c — the one reading of JSON pointers and model
 * "$ref"s that PATCH paths, the body validator, GetModelTemplate and OpenAPI
 * export share: "~1"/"~0" unescaped, array indexes, model URLs with a pointer. */
#include "test.h"
#include "apigw/schema_ref.h"
#include <string.h>

TEST(schema_ref_segment_unescapes_and_stops_at_slash)
{
    char key[16];
    const char *end = apigw__ptr_segment("image~1png~0x/rest", key, sizeof key);
    ASSERT_STREQ(key, "image/png~x");
    ASSERT_STREQ(end, "/rest");
    end = apigw__ptr_segment("a~2b", key, sizeof key);   /* other escapes stay as written */
    ASSERT_STREQ(key, "a~2b");
    ASSERT_EQ(*end, 0);
    end = apigw__ptr_segment("0123456789abcdefXYZ", key, sizeof key);   /* too long: cut, stops inside */
    ASSERT_STREQ(key, "0123456789abcde");
    ASSERT_STREQ(end, "fXYZ");
}

TEST(schema_ref_pointer_walks_objects_and_arrays)
{
    json_t *doc = json_loads("{\"definitions\":{\"a/b\":{\"x\":1},\"c~d\":[10,{\"y\":2}]}}", 0, NULL);
    ASSERT(apigw__json_pointer(doc, "#") == doc);
    ASSERT_EQ(json_integer_value(json_object_get(apigw__json_pointer(doc, "#/definitions/a~1b"), "x")), 1);
    ASSERT_EQ(json_integer_value(apigw__json_pointer(doc, "#/definitions/c~0d/0")), 10);
    ASSERT_EQ(json_integer_value(apigw__json_pointer(doc, "#/definitions/c~0d/1/y")), 2);
    ASSERT(apigw__json_pointer(doc, "#/definitions/c~0d/01") == NULL);   /* no leading zeros */
    ASSERT(apigw__json_pointer(doc, "#/definitions/c~0d/x") == NULL);
    ASSERT(apigw__json_pointer(doc, "#/definitions/c~0d/2") == NULL);
    ASSERT(apigw__json_pointer(doc, "#/definitions/none") == NULL);
    ASSERT(apigw__json_pointer(doc, "/definitions") == NULL);   /* a reference starts with '#' */
    ASSERT(apigw__json_pointer(NULL, "#/a") == NULL);
    json_decref(doc);
}

TEST(schema_ref_model_name_and_pointer)
{
    char name[8];
    const char *frag = NULL;
    ASSERT_EQ(apigw__ref_model_name("https://apigateway.amazonaws.com/restapis/x/models/Line", name, sizeof name, &frag), 0);
    ASSERT_STREQ(name, "Line");
    ASSERT_STREQ(frag, "#");
    ASSERT_EQ(apigw__ref_model_name("https://h/restapis/x/models/Line#/definitions/a", name, sizeof name, &frag), 0);
    ASSERT_STREQ(name, "Line");
    ASSERT_STREQ(frag, "#/definitions/a");
    ASSERT_EQ(apigw__ref_model_name("https://h/restapis/x/models/", name, sizeof name, &frag), -1);
    ASSERT_EQ(apigw__ref_model_name("https://h/restapis/x/models/LongerName", name, sizeof name, &frag), -1);
    ASSERT_EQ(apigw__ref_model_name("#/definitions/a", name, sizeof name, &frag), -1);
}

TEST(schema_ref_model_load_parses_once)
{
    json_t *cache = json_object();
    json_t *a = apigw__ref_model_load(cache, "M", "{\"type\":\"string\"}");
    ASSERT(json_is_object(a));
    ASSERT(apigw__ref_model_load(cache, "M", "{\"other\":1}") == a);   /* the cached one */
    ASSERT(apigw__ref_model_load(cache, "Bad", "{oops") == NULL);
    ASSERT(apigw__ref_model_load(cache, "None", NULL) == NULL);
    ASSERT_EQ(json_object_size(cache), 1);
    json_decref(cache);
}
