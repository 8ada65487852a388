/* test_apigw_model_template.c — GetModelTemplate's generator: templates from
 * JSON Schemas parse and render with the VTL engine into JSON of the model's
 * shape; $refs (other models, local pointers), hostile schemas (ref loops,
 * deep nesting, huge objects, names VTL would misread) are bounded. */
#include "test.h"
#include "apigw/apigw_int.h"
#include "apigw/vtl.h"

/* The template of models[name] rendered on body, parsed (new ref), or NULL. */
static json_t *render(json_t *models, const char *name, const char *body)
{
    nb_buf_t t = NB_BUF_INIT, out = NB_BUF_INIT;
    const char *msg = NULL;
    json_t *res = NULL;
    if (apigw__model_template(models, name, &t, &msg) != 0) {
        nb_buf_free(&t);
        return NULL;
    }
    char err[256];
    vtl_tmpl_t *vt = apigw__vtl_parse(t.data, t.len, err, sizeof err);
    if (!vt) {
        fprintf(stderr, "parse: %s\n%.*s\n", err, (int)t.len, t.data);
    } else {
        json_t *params = json_pack("{s:{},s:{},s:{}}", "path", "querystring", "header");
        json_t *ctx = json_object();
        vtl_env_t env = {body, strlen(body), params, ctx, NULL};
        if (apigw__vtl_render(vt, &env, &out) == 0) res = json_loadb(out.data, out.len, 0, NULL);
        if (!res) fprintf(stderr, "not JSON:\n%.*s\n", (int)out.len, out.data);
        apigw__vtl_free(vt);
        json_decref(params);
        json_decref(ctx);
    }
    nb_buf_free(&t);
    nb_buf_free(&out);
    return res;
}

static int fails(json_t *models, const char *name)
{
    nb_buf_t t = NB_BUF_INIT;
    const char *msg = NULL;
    int rc = apigw__model_template(models, name, &t, &msg);
    nb_buf_free(&t);
    return rc != 0 && msg != NULL;
}

TEST(model_template_renders_the_model_shape)
{
    json_t *models = json_pack(
        "{s:s,s:s}", "Order",
        "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"},\"n\":{\"type\":\"integer\"},"
        "\"ok\":{\"type\":\"boolean\"},\"note\":{\"type\":[\"null\",\"string\"]},"
        "\"grid\":{\"type\":\"array\",\"items\":{\"type\":\"array\",\"items\":{\"type\":\"number\"}}},"
        "\"addr\":{\"$ref\":\"#/definitions/Addr\"},"
        "\"lines\":{\"type\":\"array\",\"items\":{\"$ref\":\"https://apigateway.amazonaws.com/restapis/x/models/Line\"}},"
        "\"first-name\":{\"type\":\"string\"},\"$odd\":{\"type\":\"string\"},\"q'\":{\"type\":\"string\"}},"
        "\"definitions\":{\"Addr\":{\"properties\":{\"city\":{\"type\":\"string\"}}}}}",
        "Line", "{\"type\":\"object\",\"properties\":{\"sku\":{\"type\":\"string\"},\"qty\":{\"type\":\"number\"}}}");
    const char *body = "{\"id\":\"o1\",\"n\":3,\"ok\":false,\"note\":\"hi\",\"grid\":[[1,2],[3]],"
                       "\"addr\":{\"city\":\"Oslo\"},\"lines\":[{\"sku\":\"a\",\"qty\":1.5}],\"first-name\":\"Ann\","
                       "\"$odd\":\"x\",\"q'\":\"y\"}";
    json_t *got = render(models, "Order", body);
    ASSERT(got != NULL);
    json_t *want = json_loads("{\"id\":\"o1\",\"n\":3,\"ok\":false,\"note\":\"hi\",\"grid\":[[1,2],[3]],"
                              "\"addr\":{\"city\":\"Oslo\"},\"lines\":[{\"sku\":\"a\",\"qty\":1.5}],"
                              "\"first-name\":\"Ann\"}", 0, NULL);
    ASSERT(json_equal(got, want));
    json_decref(got);
    json_decref(want);
    /* an empty array renders as one */
    got = render(models, "Order", "{\"id\":\"\",\"n\":0,\"ok\":true,\"note\":\"\",\"grid\":[],"
                                  "\"addr\":{\"city\":\"\"},\"lines\":[],\"first-name\":\"\"}");
    ASSERT(got != NULL);
    ASSERT_EQ(json_array_size(json_object_get(got, "lines")), 0);
    json_decref(got);
    json_decref(models);
}

TEST(model_template_refuses_unusable_schemas)
{
    json_t *models = json_pack("{s:s,s:s,s:s,s:s,s:s}", "NotJson", "{oops", "Array", "[1]", "Dangling",
                               "{\"properties\":{\"x\":{\"$ref\":\"https://h/restapis/x/models/None\"}}}", "Loop",
                               "{\"properties\":{\"x\":{\"$ref\":\"#/definitions/a\"}},"
                               "\"definitions\":{\"a\":{\"$ref\":\"#/definitions/a\"}}}",
                               "Self", "{\"properties\":{\"me\":{\"$ref\":\"https://h/restapis/x/models/Self\"}}}");
    ASSERT(fails(models, "NotJson"));
    ASSERT(fails(models, "Array"));
    ASSERT(fails(models, "Dangling"));
    ASSERT(fails(models, "Loop"));
    ASSERT(fails(models, "Missing"));
    /* a model inside itself stops at { } */
    json_t *got = render(models, "Self", "{\"me\":{\"me\":{}}}");
    ASSERT(got != NULL);
    ASSERT(json_is_object(json_object_get(got, "me")));
    json_decref(got);
    /* nesting deeper than the bound */
    nb_buf_t deep = NB_BUF_INIT;
    for (int i = 0; i < 200; i++) nb_buf_puts(&deep, "{\"properties\":{\"a\":");
    nb_buf_puts(&deep, "{}");
    for (int i = 0; i < 200; i++) nb_buf_puts(&deep, "}}");
    json_object_set_new(models, "Deep", json_stringn(deep.data, deep.len));
    nb_buf_free(&deep);
    ASSERT(fails(models, "Deep"));
    /* an object too wide for the output bound */
    nb_buf_t wide = NB_BUF_INIT;
    nb_buf_puts(&wide, "{\"properties\":{");
    for (int i = 0; i < 20000; i++) nb_buf_printf(&wide, "%s\"property_number_%d\":{\"type\":\"string\"}", i ? "," : "", i);
    nb_buf_puts(&wide, "}}");
    json_object_set_new(models, "Wide", json_stringn(wide.data, wide.len));
    nb_buf_free(&wide);
    ASSERT(fails(models, "Wide"));
    json_decref(models);
}

TEST(model_template_follows_a_pointer_into_another_model)
{
    json_t *models = json_pack(
        "{s:s,s:s}", "Pick",
        "{\"properties\":{\"a\":{\"$ref\":\"https://apigateway.amazonaws.com/restapis/x/models/Lib#/definitions/Addr\"},"
        "\"b\":{\"$ref\":\"https://apigateway.amazonaws.com/restapis/x/models/Lib#/definitions/none\"}}}",
        "Lib", "{\"definitions\":{\"Addr\":{\"properties\":{\"city\":{\"$ref\":\"#/definitions/City\"}}},"
               "\"City\":{\"type\":\"string\"}}}");
    ASSERT(fails(models, "Pick"));   /* b points at nothing */
    json_object_set_new(models, "Pick", json_string("{\"properties\":{\"a\":{\"$ref\":"
                        "\"https://apigateway.amazonaws.com/restapis/x/models/Lib#/definitions/Addr\"}}}"));
    json_t *got = render(models, "Pick", "{\"a\":{\"city\":\"Oslo\"}}");
    ASSERT(got != NULL);
    ASSERT_STREQ(json_string_value(json_object_get(json_object_get(got, "a"), "city")), "Oslo");
    json_decref(got);
    json_decref(models);
}
