/* test_apigw_v2_cp.c — pure pieces of the v2 control plane: how an update's
 * map member merges into the stored one (src/apigw/cp_v2.c) and the OpenAPI
 * import warnings (src/apigw/openapi_warn.c). */
#include "test.h"
#include "apigw/apigw_int.h"

TEST(merge_map_sets_replaces_and_removes)
{
    json_t *old = json_pack("{s:s,s:s,s:{s:s}}", "a", "1", "b", "2", "500", "x", "y");
    json_t *upd = json_pack("{s:s,s:s,s:s,s:{}}", "a", "10", "b", "", "c", "3", "500");
    json_t *out = apigw__v2_merge_map(old, upd, 1);
    ASSERT_STREQ(json_string_value(json_object_get(out, "a")), "10");
    ASSERT(json_object_get(out, "b") == NULL);        /* "" removes */
    ASSERT_STREQ(json_string_value(json_object_get(out, "c")), "3");
    ASSERT(json_object_get(out, "500") == NULL);      /* {} removes */
    ASSERT_EQ(json_object_size(out), 2);
    ASSERT_STREQ(json_string_value(json_object_get(old, "b")), "2");   /* old untouched */
    json_decref(out);
    out = apigw__v2_merge_map(NULL, upd, 1);           /* nothing stored yet */
    ASSERT_EQ(json_object_size(out), 2);
    json_decref(out);
    out = apigw__v2_merge_map(old, upd, 0);            /* route settings: nothing dropped */
    ASSERT_EQ(json_object_size(out), 4);
    ASSERT_STREQ(json_string_value(json_object_get(out, "b")), "");
    ASSERT_EQ(json_object_size(json_object_get(out, "500")), 0);
    json_decref(out);
    json_decref(old);
    json_decref(upd);
}

TEST(openapi_warning_missing_schema)
{
    nb_arena_t *a = nb_arena_new(4096);
    const char *bad = "{\"openapi\":\"3.0.1\",\"paths\":{\"/x\":{\"get\":{\"responses\":{\"200\":{\"content\":"
                      "{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/Nope\"}}}}}}}}}";
    const char *w = apigw__openapi_v2_warning(a, bad, strlen(bad));
    ASSERT(w != NULL);
    ASSERT(strstr(w, "#/components/schemas/Nope") != NULL);
    const char *good = "openapi: 3.0.1\npaths:\n  /x:\n    get:\n      responses:\n        '200':\n"
                       "          content:\n            application/json:\n              schema:\n"
                       "                $ref: '#/components/schemas/Item'\ncomponents:\n  schemas:\n"
                       "    Item: {type: object}\n";
    ASSERT(apigw__openapi_v2_warning(a, good, strlen(good)) == NULL);
    ASSERT(apigw__openapi_v2_warning(a, "not: [valid", 11) == NULL);
    nb_arena_free(a);
}
