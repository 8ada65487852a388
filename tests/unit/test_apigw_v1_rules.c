/* test_apigw_v1_rules.c — the REST API control plane's pure rules: PATCH of a
 * list item (AWS's remove-then-append order), a flag replaced without a value,
 * status code patterns, paths rebuilt after a resource moves, and what the
 * Swagger importer makes of models ($ref → the model's URL, description) and
 * responses (headers, schema model, operationId); which collection an op
 * names, and the string-in-list test the PATCH checks share. */
#include "test.h"
#include "apigw/apigw_int.h"

static json_t *ops1(const char *op, const char *path, const char *value)
{
    json_t *o = json_pack("{s:s,s:s}", "op", op, "path", path);
    if (value) json_object_set_new(o, "value", json_string(value));
    return json_pack("[o]", o);
}

TEST(v1_patch_list_replace_appends)
{
    json_t *api = json_pack("{s:[s,s]}", "binaryMediaTypes", "image/png", "image/jpeg");
    json_t *ops = ops1("replace", "/binaryMediaTypes/image~1png", "image/gif");
    const char *msg = NULL;
    ASSERT_EQ(apigw__patch(api, ops, &msg), 0);
    json_t *l = json_object_get(api, "binaryMediaTypes");
    ASSERT_EQ(json_array_size(l), 2);
    ASSERT_STREQ(json_string_value(json_array_get(l, 0)), "image/jpeg");
    ASSERT_STREQ(json_string_value(json_array_get(l, 1)), "image/gif");
    json_decref(ops);
    json_decref(api);
}

TEST(v1_patch_flag_without_value_is_false)
{
    json_t *v = json_pack("{s:s,s:b}", "name", "v", "validateRequestBody", 1);
    json_t *ops = ops1("replace", "/validateRequestBody", NULL);
    const char *msg = NULL;
    ASSERT_EQ(apigw__patch(v, ops, &msg), 0);
    ASSERT(json_is_false(json_object_get(v, "validateRequestBody")));
    json_decref(ops);
    json_decref(v);
}

TEST(v1_status_pattern)
{
    ASSERT(apigw__v1_status_ok("200"));
    ASSERT(apigw__v1_status_ok("599"));
    ASSERT(!apigw__v1_status_ok("600"));
    ASSERT(!apigw__v1_status_ok("099"));
    ASSERT(!apigw__v1_status_ok("20"));
    ASSERT(!apigw__v1_status_ok("2000"));
    ASSERT(!apigw__v1_status_ok("wrong"));
    ASSERT(!apigw__v1_status_ok(NULL));
}

TEST(v1_repath_after_move)
{
    json_t *doc = json_pack("{s:{s:{s:s,s:s},s:{s:s,s:s,s:s,s:s},s:{s:s,s:s,s:s,s:s}}}", "resources",
                            "r", "id", "r", "path", "/",
                            "a", "id", "a", "parentId", "r", "pathPart", "dogs", "path", "/pets",
                            "b", "id", "b", "parentId", "a", "pathPart", "{id}", "path", "/pets/{id}");
    apigw__v1_repath(doc);
    json_t *res = json_object_get(doc, "resources");
    ASSERT_STREQ(json_string_value(json_object_get(json_object_get(res, "r"), "path")), "/");
    ASSERT_STREQ(json_string_value(json_object_get(json_object_get(res, "a"), "path")), "/dogs");
    ASSERT_STREQ(json_string_value(json_object_get(json_object_get(res, "b"), "path")), "/dogs/{id}");
    json_decref(doc);
}

TEST(v1_import_models_and_responses)
{
    const char *sw =
        "{\"swagger\":\"2.0\",\"info\":{\"title\":\"s\"},"
        "\"paths\":{\"/pets\":{\"get\":{\"operationId\":\"ListPets\",\"responses\":{\"200\":{\"description\":\"ok\","
        "\"schema\":{\"$ref\":\"#/definitions/Pets\"},\"headers\":{\"X-Count\":{\"type\":\"string\"}}}},"
        "\"x-amazon-apigateway-integration\":{\"type\":\"aws_proxy\",\"httpMethod\":\"POST\",\"uri\":\"f\"}}}},"
        "\"definitions\":{\"Pets\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/definitions/Pet\"}},"
        "\"Pet\":{\"type\":\"object\",\"description\":\"a pet\"}}}";
    json_t *doc = json_pack("{s:s,s:{s:s},s:{},s:{},s:{},s:{},s:{},s:{}}", "kind", "v1", "api", "id", "abc123",
                            "resources", "deployments", "stages", "authorizers", "validators", "models");
    apigw__v1_add_resource(doc, NULL, NULL);
    nb_arena_t *a = nb_arena_new(4096);
    const char *msg = NULL;
    ASSERT_EQ(apigw__openapi_v1(a, doc, sw, strlen(sw), &msg), 0);
    json_t *models = json_object_get(doc, "models");
    json_t *pets = json_loads(json_string_value(json_object_get(json_object_get(models, "Pets"), "schema")), 0, NULL);
    ASSERT_STREQ(json_string_value(json_object_get(json_object_get(pets, "items"), "$ref")),
                 "https://apigateway.amazonaws.com/restapis/abc123/models/Pet");
    json_decref(pets);
    ASSERT_STREQ(json_string_value(json_object_get(json_object_get(models, "Pet"), "description")), "a pet");
    const char *k;
    json_t *r, *get = NULL;
    json_object_foreach(json_object_get(doc, "resources"), k, r)
        if (json_object_get(json_object_get(r, "resourceMethods"), "GET")) get = json_object_get(json_object_get(r, "resourceMethods"), "GET");
    ASSERT(get != NULL);
    ASSERT_STREQ(json_string_value(json_object_get(get, "operationName")), "ListPets");
    json_t *mr = json_object_get(json_object_get(get, "methodResponses"), "200");
    ASSERT_STREQ(json_string_value(json_object_get(json_object_get(mr, "responseModels"), "application/json")), "Pets");
    ASSERT(json_is_false(json_object_get(json_object_get(mr, "responseParameters"), "method.response.header.X-Count")));
    ASSERT(json_object_get(json_object_get(get, "methodIntegration"), "connectionType") == NULL);   /* AWS_PROXY: none */
    json_decref(doc);
    nb_arena_free(a);
}

TEST(v1_import_basepath_modes)
{
    nb_arena_t *a = nb_arena_new(4096);
    json_t *sw = json_pack("{s:s,s:s}", "swagger", "2.0", "basePath", "/base-url/part/");
    ASSERT_STREQ(apigw__openapi_prefix(a, sw, NULL), "");
    ASSERT_STREQ(apigw__openapi_prefix(a, sw, "ignore"), "");
    ASSERT_STREQ(apigw__openapi_prefix(a, sw, "prepend"), "/base-url/part");
    ASSERT_STREQ(apigw__openapi_prefix(a, sw, "split"), "/part");
    json_t *oas = json_pack("{s:s,s:[{s:s,s:{s:{s:s}}}]}", "openapi", "3.0.1", "servers", "url",
                            "https://example.com/{basePath}/v1", "variables", "basePath", "default", "stage");
    ASSERT_STREQ(apigw__openapi_prefix(a, oas, "prepend"), "/stage/v1");
    ASSERT_STREQ(apigw__openapi_prefix(a, oas, "split"), "/v1");
    json_t *bare = json_pack("{s:s,s:[{s:s}]}", "openapi", "3.0.1", "servers", "url", "https://example.com");
    ASSERT_STREQ(apigw__openapi_prefix(a, bare, "prepend"), "");
    ASSERT_STREQ(apigw__openapi_prefix(a, bare, "split"), "");
    json_decref(sw);
    json_decref(oas);
    json_decref(bare);
    nb_arena_free(a);
}

TEST(op_on_names_a_collections_verbs)
{
    ASSERT(apigw__op_on("CreateRoute", "Route"));
    ASSERT(apigw__op_on("GetRoutes", "Route"));
    ASSERT(apigw__op_on("DeleteRoute", "Route"));
    ASSERT(apigw__op_on("UpdateAuthorizer", "Authorizer"));
    ASSERT(!apigw__op_on("GetRouteResponse", "Route"));
    ASSERT(!apigw__op_on("GetRoutess", "Route"));
    ASSERT(!apigw__op_on("ListRoutes", "Route"));
    ASSERT(!apigw__op_on("GetModelTemplate", "Model"));
}

TEST(in_list_matches_whole_strings)
{
    static const char *const l[] = {"/name", "/description", NULL};
    ASSERT(apigw__in_list(l, "/name"));
    ASSERT(!apigw__in_list(l, "/nam"));
    ASSERT(!apigw__in_list(l, NULL));
}
