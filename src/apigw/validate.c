/* validate.c — REST request validation (see validate.h): the method's
 * request validator decides what is checked; requestParameters marked
 * required ("method.request.querystring.q": true, ".header.h", ".path.p")
 * must be present; the body must parse as JSON and match the model named in
 * requestModels for its content type (default application/json). The
 * function is never invoked for an invalid request. */
#include "apigw/validate.h"
#include "apigw/dp.h"
#include "core/util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int param_present(apigw_dp_t *dp, const char *expr)
{
    if (strncmp(expr, "method.request.querystring.", 27) == 0) return nb_req_qparam(dp->req, expr + 27) != NULL;
    if (strncmp(expr, "method.request.header.", 22) == 0) {
        char name[256];
        size_t k = 0;
        for (const char *p = expr + 22; *p && k < sizeof name - 1; p++) name[k++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        name[k] = 0;
        return apigw__dp_header(dp, name) != NULL;
    }
    if (strncmp(expr, "method.request.path.", 20) == 0) {
        for (size_t i = 0; i < dp->match.n_params; i++)
            if (strcmp(dp->match.params[i].name, expr + 20) == 0) return 1;
        return 0;
    }
    return 1;
}

/* Missing ones are named in the order of their keys: headers, then path
 * parameters, then query strings, each by name (as AWS lists them:
 * "[x-header-param, issuer, qs1]", LocalStack's test_api_gateway_request_validator). */
static int check_params(apigw_dp_t *dp)
{
    json_t *rp = json_object_get(dp->route, "requestParameters");
    const char **keys = nb_arena_alloc(dp->req->arena, sizeof *keys * (json_object_size(rp) + 1));
    size_t n = 0;
    const char *k;
    json_t *req;
    json_object_foreach(rp, k, req)
        if (json_is_true(req) && !param_present(dp, k)) keys[n++] = k;
    if (!n) return 0;
    qsort(keys, n, sizeof *keys, nb_cmp_str);
    nb_buf_t missing = NB_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        const char *short_name = strrchr(keys[i], '.') ? strrchr(keys[i], '.') + 1 : keys[i];
        if (missing.len) nb_buf_puts(&missing, ", ");
        nb_buf_puts(&missing, short_name);
    }
    char *msg = nb_arena_printf(dp->req->arena, "Missing required request parameters: [%s]", missing.data);
    nb_buf_free(&missing);
    nb_resp_header(dp->req, "x-amzn-ErrorType", "BadRequestException");
    apigw__dp_gw(dp, "BAD_REQUEST_PARAMETERS", 400, msg);
    return -1;
}

static int check_body(apigw_dp_t *dp)
{
    json_t *models = json_object_get(dp->route, "requestModels");
    if (!json_object_size(models)) return 0;
    const char *ct = apigw__dp_header(dp, "content-type");
    size_t tlen = ct ? strcspn(ct, ";") : 0;
    const char *name = json_string_value(tlen ? json_object_getn(models, ct, tlen)
                                              : json_object_get(models, "application/json"));
    if (!name) name = json_string_value(json_object_get(models, "application/json"));
    if (!name || strcmp(name, "Empty") == 0) return 0;
    json_t *model = json_object_get(dp->models, name);
    json_t *schema = model ? json_loads(json_string_value(json_object_get(model, "schema")) ?
                                        json_string_value(json_object_get(model, "schema")) : "", 0, NULL) : NULL;
    if (!schema) return 0;
    json_t *body = json_loadb(dp->req->body, dp->req->body_len, JSON_DECODE_ANY, NULL);
    char err[256];
    int rc = body ? apigw__schema_validate_models(schema, schema, body, dp->models, err, sizeof err) : -1;
    json_decref(body);
    json_decref(schema);
    if (rc == 0) return 0;
    nb_resp_header(dp->req, "x-amzn-ErrorType", "BadRequestException");
    apigw__dp_gw(dp, "BAD_REQUEST_BODY", 400, "Invalid request body");
    return -1;
}

int apigw__validate_request(apigw_dp_t *dp)
{
    const char *vid = json_string_value(json_object_get(dp->route, "requestValidatorId"));
    json_t *v = vid ? json_object_get(dp->validators, vid) : NULL;
    if (!v) return 0;
    if (json_is_true(json_object_get(v, "validateRequestParameters")) && check_params(dp) != 0) return -1;
    if (json_is_true(json_object_get(v, "validateRequestBody")) && check_body(dp) != 0) return -1;
    return 0;
}
