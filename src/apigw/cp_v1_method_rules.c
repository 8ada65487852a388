/* cp_v1_method_rules.c — the input rules of REST API methods, method
 * responses and integrations as API Gateway answers them: authorizers,
 * validators and models a method names must exist, request parameter names
 * are unique across locations, which op and path UpdateMethod /
 * UpdateMethodResponse accept, maps of strings refuse other JSON values
 * (SerializationException, in AWS's Java words), response template keys are
 * content types, an AWS integration's URI has a path or an action and (but
 * for Lambda) credentials. Sources: tests/e2e/apigw/test_apigw_ls_control.py. */
#include "apigw/apigw_int.h"
#include "apigw/aws_uri.h"
#include <string.h>

#define AUTHORIZER_MSG "Invalid authorizer ID specified. Setting the authorization type to CUSTOM or COGNITO_USER_POOLS " \
                       "requires a valid authorizer."

/* m's authorizer, validator and models exist in doc (0), else -1 after replying. */
static int method_refs(nb_req_t *req, json_t *doc, json_t *m)
{
    const char *at = apigw__str(m, "authorizationType");
    const char *az = apigw__str(m, "authorizerId");
    if (at && (!strcmp(at, "CUSTOM") || !strcmp(at, "COGNITO_USER_POOLS"))) {
        if (!az || !json_object_get(json_object_get(doc, "authorizers"), az)) {
            nb_reply_error(req, APIGW_ERR_BAD_REQUEST, AUTHORIZER_MSG);
            return -1;
        }
    } else {
        json_object_del(m, "authorizerId");   /* only CUSTOM and COGNITO_USER_POOLS methods keep one */
    }
    const char *vid = apigw__str(m, "requestValidatorId");
    if (vid && !json_object_get(json_object_get(doc, "validators"), vid)) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid Request Validator identifier specified");
        return -1;
    }
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(m, "requestModels"), k, v) {
        const char *name = json_string_value(v);
        if (!name || !json_object_get(json_object_get(doc, "models"), name)) {
            nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid model identifier specified: %s", name ? name : "");
            return -1;
        }
    }
    return 0;
}

int apigw__v1_method_input(nb_req_t *req, json_t *doc, json_t *m)
{
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(m, "requestParameters"), k, v) {
        const char *name = strrchr(k, '.');
        const char *kk;
        json_t *vv;
        json_object_foreach(json_object_get(m, "requestParameters"), kk, vv) {
            const char *other = strrchr(kk, '.');
            if (kk != k && name && other && strcmp(name, other) == 0 && strcmp(k, kk) != 0) {
                nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Parameter names must be unique across querystring, header "
                               "and path");
                return -1;
            }
        }
    }
    return method_refs(req, doc, m);
}

static void drop_empty(json_t *obj, const char *member)
{
    json_t *v = json_object_get(obj, member);
    if (json_is_object(v) && json_object_size(v) == 0) json_object_del(obj, member);
}

int apigw__v1_method_after(nb_req_t *req, json_t *doc, json_t *m)
{
    const char *k;
    json_t *v;
    json_t *rp = json_object_get(m, "requestParameters");
    json_object_foreach(rp, k, v)   /* a patched parameter arrives as "true"/"false": it is a required flag */
        if (json_is_string(v)) json_object_set_new(rp, k, json_boolean(strcmp(json_string_value(v), "true") == 0));
    drop_empty(m, "requestParameters");
    drop_empty(m, "requestModels");
    return method_refs(req, doc, m);
}

/* The number of segments of a patch path ("/a/b" → 2), escapes ("~1") inside one. */
static int segments(const char *p)
{
    int n = 0;
    for (; *p; p++)
        if (*p == '/') n++;
    return n;
}

int apigw__v1_method_patch_check(nb_req_t *req)
{
    static const char *const scalars[] = {"/operationName", "/apiKeyRequired", "/authorizationType", "/authorizerId",
                                          "/requestValidatorId", NULL};
    size_t i;
    json_t *op;
    json_array_foreach(json_object_get(req->json, "patchOperations"), i, op) {
        const char *o = apigw__str(op, "op"), *p = apigw__str(op, "path");
        if (!p) p = "null";
        if (apigw__in_list(scalars, p)) {
            if (strcmp(o, "replace") != 0) {
                nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid patch operation specified. Must be one of: [replace]");
                return -1;
            }
            continue;
        }
        int map = !strncmp(p, "/requestParameters/", 19) || !strncmp(p, "/requestModels/", 15) ||
                  !strncmp(p, "/authorizationScopes/", 21);
        if (strncmp(p, "/authorizationScopes", 20) == 0 && segments(p) <= 2) continue;
        if (!map || segments(p) != 2 || p[strlen(p) - 1] == '/') {
            nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid patch path %s", p);
            return -1;
        }
    }
    return 0;
}

int apigw__v1_method_response_patch_check(nb_req_t *req, json_t *resp)
{
    size_t i;
    json_t *op;
    json_array_foreach(json_object_get(req->json, "patchOperations"), i, op) {
        const char *o = apigw__str(op, "op"), *p = apigw__str(op, "path");
        if (!p) p = "null";
        int params = !strncmp(p, "/responseParameters/", 20), models = !strncmp(p, "/responseModels/", 16);
        if ((!params && !models) || segments(p) != 2) {
            if (!strcmp(p, "/statusCode")) continue;   /* refused by the caller in its words */
            nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid patch path %s", p);
            return -1;
        }
        if (!strcmp(o, "add")) continue;
        char key[512];
        apigw__ptr_segment(strchr(p + 1, '/') + 1, key, sizeof key);
        if (!json_object_get(json_object_get(resp, params ? "responseParameters" : "responseModels"), key)) {
            nb_reply_error(req, APIGW_ERR_NOT_FOUND, "%s", params ? "Invalid parameter name specified"
                                                                   : "Content-Type specified was not found");
            return -1;
        }
    }
    return 0;
}

void apigw__v1_method_response_after(nb_req_t *req, json_t *resp)
{
    size_t i;
    json_t *op;
    json_array_foreach(json_object_get(req->json, "patchOperations"), i, op) {
        const char *o = apigw__str(op, "op"), *p = apigw__str(op, "path");
        if (!p || strcmp(o, "remove") != 0) continue;
        if (!strncmp(p, "/responseParameters/", 20)) drop_empty(resp, "responseParameters");
        if (!strncmp(p, "/responseModels/", 16)) drop_empty(resp, "responseModels");
    }
}

int apigw__v1_string_map_check(nb_req_t *req, json_t *map)
{
    const char *k;
    json_t *v;
    json_object_foreach(map, k, v) {
        if (json_is_string(v) || json_is_null(v)) continue;
        nb_reply_error(req, NB_ERR_SERIALIZATION, "class %s can not be converted to an String",
                       json_is_boolean(v) ? "java.lang.Boolean"
                       : json_is_number(v) ? "com.amazon.coral.value.json.numbers.TruncatingBigNumber"
                                           : "java.util.LinkedHashMap");
        return -1;
    }
    return 0;
}

int apigw__v1_templates_check(nb_req_t *req, json_t *templates)
{
    if (apigw__v1_string_map_check(req, templates) != 0) return -1;
    const char *k;
    json_t *v;
    json_object_foreach(templates, k, v) {
        if (!strchr(k, '/')) {
            nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Validation Result: warnings : [], errors : [Invalid content type "
                           "specified: %s]", k);
            return -1;
        }
        if (json_is_string(v) && !*json_string_value(v)) json_object_set_new(templates, k, json_null());
    }
    return 0;
}

int apigw__v1_aws_uri_check(nb_req_t *req, const char *type, const char *uri, const char *credentials)
{
    if (!type || !uri || (strcmp(type, "AWS") != 0 && strcmp(type, "AWS_PROXY") != 0)) return 0;
    /* a URI with stage variables is judged when it is served */
    if (strncmp(uri, "arn:aws:apigateway:", 19) != 0 || strstr(uri, "${")) return 0;
    apigw_aws_uri_t u;
    if (apigw__aws_uri_parse(uri, &u) != 0) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "AWS ARN for integration must contain path or action");
        return -1;
    }
    /* Lambda may be invoked on its resource policy alone; any other service
     * needs a role (hashicorp/terraform-provider-aws#7916, aws/aws-cdk#1465) */
    if (strcmp(type, "AWS") == 0 && strcmp(u.service, "lambda") != 0 && (!credentials || !*credentials)) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Role ARN must be specified for AWS integrations");
        return -1;
    }
    return 0;
}
