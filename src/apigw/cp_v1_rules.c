/* cp_v1_rules.c — the input rules of the REST API control plane as API Gateway
 * answers them: the patch operation enum (ValidationException, counted and
 * numbered as AWS's request validation writes them), which op and path each
 * Update* accepts and the words of each refusal, CreateRestApi's description,
 * compression size and endpoint configuration, and the resource tree's rules
 * (greedy and variable path parts, moves, cycles). The source of each rule is
 * an AWS-recorded snapshot named in tests/e2e/apigw/test_apigw_ls_control.py. */
#include "apigw/apigw_int.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* "N validation error(s) detected: e1; e2" as ValidationException. */
static void validation_reply(nb_req_t *req, int n, const nb_buf_t *errs)
{
    nb_reply_error(req, NB_ERR_VALIDATION, "%d validation error%s detected: %s", n, n == 1 ? "" : "s",
                   errs->data ? errs->data : "");
}

static void add_err(nb_buf_t *b, int *n, const char *fmt, const char *v, const char *at)
{
    if (b->len) nb_buf_printf(b, "; ");
    nb_buf_printf(b, fmt, v, at);
    (*n)++;
}

int apigw__v1_patch_enum_check(nb_req_t *req, const char *status_code)
{
    static const char *const ops[] = {"add", "remove", "move", "test", "replace", "copy"};
    nb_buf_t b = NB_BUF_INIT;
    int n = 0;
    char input[96];
    const char *name = req->op && req->op->name ? req->op->name : "Update";
    snprintf(input, sizeof input, "%c%sInput", tolower((unsigned char)name[0]), name + 1);
    size_t i;
    json_t *op;
    json_array_foreach(json_object_get(req->json, "patchOperations"), i, op) {
        const char *o = apigw__str(op, "op");
        size_t k = 0;
        while (o && k < 6 && strcmp(o, ops[k]) != 0) k++;
        if (o && k < 6) continue;
        char at[160];
        snprintf(at, sizeof at, "%s.patchOperations.%zu.member.op", input, i + 1);
        add_err(&b, &n, "Value '%s' at '%s' failed to satisfy constraint: Member must satisfy enum value set: "
                "[add, remove, move, test, replace, copy]", o ? o : "null", at);
    }
    if (status_code && !apigw__v1_status_ok(status_code))
        add_err(&b, &n, "Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression "
                "pattern: [1-5]\\\\d\\\\d", status_code, "statusCode");
    if (n) validation_reply(req, n, &b);
    nb_buf_free(&b);
    return n ? -1 : 0;
}

int apigw__v1_status_ok(const char *s)
{
    return s && strlen(s) == 3 && s[0] >= '1' && s[0] <= '5' && isdigit((unsigned char)s[1]) &&
           isdigit((unsigned char)s[2]);
}

int apigw__v1_status_check(nb_req_t *req)
{
    const char *s = nb_req_param(req, "status_code");
    if (apigw__v1_status_ok(s)) return 0;
    nb_buf_t b = NB_BUF_INIT;
    int n = 0;
    add_err(&b, &n, "Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression "
            "pattern: [1-5]\\\\d\\\\d", s ? s : "null", "statusCode");
    validation_reply(req, n, &b);
    nb_buf_free(&b);
    return -1;
}

int apigw__v1_replace_only(nb_req_t *req, const char *const *paths)
{
    size_t i;
    json_t *op;
    json_array_foreach(json_object_get(req->json, "patchOperations"), i, op) {
        const char *o = apigw__str(op, "op"), *p = apigw__str(op, "path");
        if (!p) p = "null";
        if (strcmp(o, "replace") != 0) {
            nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid patch path  '%s' specified for op '%s'. Please choose "
                           "supported operations", p, o);
            return -1;
        }
        if (!apigw__in_list(paths, p)) {
            nb_buf_t listed = NB_BUF_INIT;
            for (size_t k = 0; paths[k]; k++) nb_buf_printf(&listed, "%s%s", k ? ", " : "", paths[k]);
            nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid patch path  '%s' specified for op '%s'. Must be one "
                           "of: [%s]", p, o, listed.data ? listed.data : "");
            nb_buf_free(&listed);
            return -1;
        }
    }
    return 0;
}

/* --- CreateRestApi / UpdateRestApi ----------------------------------------- */

static int endpoint_type_ok(const char *t)
{
    return t && (!strcmp(t, "PRIVATE") || !strcmp(t, "EDGE") || !strcmp(t, "REGIONAL"));
}

static int ip_type_ok(const char *t)
{
    return t && (!strcmp(t, "ipv4") || !strcmp(t, "dualstack"));
}

static int compression_ok(json_t *v)
{
    return json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) <= 10485760;
}

#define COMPRESSION_MSG "Invalid minimum compression size, must be between 0 and 10485760"
#define PRIVATE_IP_MSG "Only dualstack ipAddressType is supported for Private APIs."

int apigw__v1_rest_api_input(nb_req_t *req, json_t *api)
{
    json_t *ec = json_object_get(api, "endpointConfiguration");
    json_t *types = json_object_get(ec, "types");
    const char *ip = apigw__str(ec, "ipAddressType");
    if (ip && !*ip) {
        json_object_del(ec, "ipAddressType");
        ip = NULL;
    }
    nb_buf_t b = NB_BUF_INIT;
    int n = 0;
    size_t i;
    json_t *t;
    json_array_foreach(types, i, t) {
        if (endpoint_type_ok(json_string_value(t))) continue;
        nb_buf_t list = NB_BUF_INIT;
        json_t *u;
        size_t j;
        json_array_foreach(types, j, u) nb_buf_printf(&list, "%s%s", j ? ", " : "", json_string_value(u) ? json_string_value(u) : "null");
        add_err(&b, &n, "Value '[%s]' at '%s' failed to satisfy constraint: Member must satisfy constraint: [Member "
                "must satisfy enum value set: [PRIVATE, EDGE, REGIONAL]]", list.data, "createRestApiInput.endpointConfiguration.types");
        nb_buf_free(&list);
        break;
    }
    if (ip && !ip_type_ok(ip))
        add_err(&b, &n, "Value '%s' at '%s' failed to satisfy constraint: Member must satisfy enum value set: [ipv4, "
                "dualstack]", ip, "createRestApiInput.endpointConfiguration.ipAddressType");
    if (n) {
        validation_reply(req, n, &b);
        nb_buf_free(&b);
        return -1;
    }
    const char *d = apigw__str(api, "description");
    if (d && !*d) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Description cannot be an empty string");
        return -1;
    }
    json_t *mcs = json_object_get(api, "minimumCompressionSize");
    if (mcs && !json_is_null(mcs) && !compression_ok(mcs)) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, COMPRESSION_MSG);
        return -1;
    }
    if (json_is_array(types) && json_array_size(types) == 0) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "REGIONAL Configuration and EDGE Configuration cannot be both DISABLED.");
        return -1;
    }
    if (json_array_size(types) > 1) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Cannot create an api with multiple Endpoint Types.");
        return -1;
    }
    int private = json_array_size(types) == 1 && !strcmp(json_string_value(json_array_get(types, 0)), "PRIVATE");
    if (private && ip && !strcmp(ip, "ipv4")) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, PRIVATE_IP_MSG);
        return -1;
    }
    if (!json_is_object(ec)) json_object_set_new(api, "endpointConfiguration", ec = json_object());
    if (!json_array_size(types)) json_object_set_new(ec, "types", json_pack("[s]", "EDGE"));
    if (!ip) json_object_set_new(ec, "ipAddressType", json_string(private ? "dualstack" : "ipv4"));
    json_t *bmt = json_object_get(api, "binaryMediaTypes");
    if (json_is_array(bmt) && json_array_size(bmt) == 0) json_object_del(api, "binaryMediaTypes");
    return 0;
}

json_t *apigw__v1_rest_api_ops(nb_req_t *req)
{
    json_t *ops = json_array();
    size_t i;
    json_t *op;
    json_array_foreach(json_object_get(req->json, "patchOperations"), i, op) {
        const char *o = apigw__str(op, "op"), *p = apigw__str(op, "path"), *v = apigw__str(op, "value");
        if (!p) p = "";
        if (!strcmp(p, "/binaryMediaTypes")) {
            nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid patch path /binaryMediaTypes");
            goto fail;
        }
        if (!strcmp(p, "/minimumCompressionSize") || !strcmp(p, "/endpointConfiguration/ipAddressType")) {
            if (strcmp(o, "replace") != 0) {
                nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid patch operation specified. Must be one of: [replace]");
                goto fail;
            }
        }
        if (!strcmp(p, "/minimumCompressionSize")) {
            if (!v || !*v) {   /* replace with no value: compression off */
                json_array_append_new(ops, json_pack("{s:s,s:s}", "op", "remove", "path", p));
                continue;
            }
            char *end;
            long long n = strtoll(v, &end, 10);
            if (*end || n < 0 || n > 10485760) {
                nb_reply_error(req, APIGW_ERR_BAD_REQUEST, COMPRESSION_MSG);
                goto fail;
            }
        }
        if (!strcmp(p, "/endpointConfiguration/ipAddressType") && !ip_type_ok(v)) {
            nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "ipAddressType must be either ipv4 or dualstack.");
            goto fail;
        }
        if (!strncmp(p, "/endpointConfiguration/types/", 29)) {
            if (strcmp(o, "add") && strcmp(o, "remove") && strcmp(o, "replace")) {
                nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid patch operation specified. Must be 'add'|'remove'|'replace'");
                goto fail;
            }
            if (strcmp(o, "remove") && !endpoint_type_ok(strcmp(o, "add") ? v : p + 29)) {
                nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid EndpointTypes specified. Valid options are REGIONAL,EDGE,PRIVATE");
                goto fail;
            }
        }
        json_array_append(ops, op);
    }
    return ops;
fail:
    json_decref(ops);
    return NULL;
}

int apigw__v1_rest_api_after(nb_req_t *req, json_t *before, json_t *api)
{
    json_t *ec = json_object_get(api, "endpointConfiguration");
    json_t *types = json_object_get(ec, "types");
    int private = 0;
    size_t i;
    json_t *t;
    json_array_foreach(types, i, t) if (!strcmp(json_string_value(t) ? json_string_value(t) : "", "PRIVATE")) private = 1;
    const char *ip = apigw__str(ec, "ipAddressType");
    int ip_set = 0;
    json_t *op;
    json_array_foreach(json_object_get(req->json, "patchOperations"), i, op)
        if (!strcmp(apigw__str(op, "path") ? apigw__str(op, "path") : "", "/endpointConfiguration/ipAddressType")) ip_set = 1;
    if (private && ip && !strcmp(ip, "ipv4")) {
        if (ip_set) {
            nb_reply_error(req, APIGW_ERR_BAD_REQUEST, PRIVATE_IP_MSG);
            return -1;
        }
        json_object_set_new(ec, "ipAddressType", json_string("dualstack"));   /* a private API is dual-stack */
    }
    (void)before;
    return 0;
}

/* --- resources --------------------------------------------------------------- */

static int variable_part(const char *p)
{
    size_t n = p ? strlen(p) : 0;
    return n >= 2 && p[0] == '{' && p[n - 1] == '}';
}

static int greedy_part(const char *p)
{
    size_t n = p ? strlen(p) : 0;
    return n >= 3 && p[0] == '{' && p[n - 2] == '+' && p[n - 1] == '}';
}

int apigw__v1_resource_part_check(nb_req_t *req, json_t *doc, json_t *parent, const char *part, const char *self)
{
    if (greedy_part(apigw__str(parent, "pathPart"))) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Cannot create a child of a resource with a greedy path variable: %s",
                       apigw__str(parent, "pathPart"));
        return -1;
    }
    const char *k;
    json_t *r;
    json_object_foreach(json_object_get(doc, "resources"), k, r) {
        const char *pid = apigw__str(r, "parentId");
        if (!pid || strcmp(pid, apigw__str(parent, "id")) != 0 || (self && !strcmp(k, self))) continue;
        if (!strcmp(apigw__str(r, "pathPart"), part)) {
            nb_reply_error(req, APIGW_ERR_CONFLICT, "Another resource with the same parent already has this name: %s", part);
            return -1;
        }
        if (variable_part(part) && variable_part(apigw__str(r, "pathPart"))) {
            nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "A sibling (%s) of this resource already has a variable path part "
                           "-- only one is allowed", apigw__str(r, "pathPart"));
            return -1;
        }
    }
    return 0;
}

int apigw__v1_resource_patch_check(nb_req_t *req, json_t *res)
{
    static const char *const paths[] = {"/parentId", "/pathPart", NULL};
    if (apigw__v1_replace_only(req, paths) != 0) return -1;
    if (json_object_get(res, "parentId")) return 0;
    size_t i;
    json_t *op;
    json_array_foreach(json_object_get(req->json, "patchOperations"), i, op) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Root resource cannot update its %s.", apigw__str(op, "path") + 1);
        return -1;
    }
    return 0;
}

int apigw__v1_resource_move_check(nb_req_t *req, json_t *doc, json_t *moved)
{
    json_t *res = json_object_get(doc, "resources");
    if (!apigw__str(moved, "pathPart") || !*apigw__str(moved, "pathPart") || strchr(apigw__str(moved, "pathPart"), '/')) {   /* as CreateResource */
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Resource's path part must be specified");
        return -1;
    }
    json_t *parent = json_object_get(res, apigw__str(moved, "parentId") ? apigw__str(moved, "parentId") : "");
    if (!parent) {
        nb_reply_error(req, APIGW_ERR_NOT_FOUND, "Invalid Resource identifier specified");
        return -1;
    }
    for (json_t *p = parent; p; p = json_object_get(res, apigw__str(p, "parentId") ? apigw__str(p, "parentId") : "")) {
        if (!strcmp(apigw__str(p, "id"), apigw__str(moved, "id"))) {
            nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Resources cannot be cyclical.");
            return -1;
        }
        if (!apigw__str(p, "parentId")) break;
    }
    return apigw__v1_resource_part_check(req, doc, parent, apigw__str(moved, "pathPart"), apigw__str(moved, "id"));
}

void apigw__v1_repath(json_t *doc)
{
    json_t *res = json_object_get(doc, "resources");
    size_t cap = json_object_size(res);     /* no path is deeper than the tree (moves refuse cycles) */
    const char **parts = malloc((cap ? cap : 1) * sizeof *parts);
    if (!parts) return;
    const char *k;
    json_t *r;
    json_object_foreach(res, k, r) {
        if (!apigw__str(r, "parentId")) continue;
        size_t n = 0;
        for (json_t *p = r; p && apigw__str(p, "parentId") && n < cap; p = json_object_get(res, apigw__str(p, "parentId")))
            parts[n++] = apigw__str(p, "pathPart");
        nb_buf_t b = NB_BUF_INIT;
        while (n) nb_buf_printf(&b, "/%s", parts[--n]);
        json_object_set_new(r, "path", json_string(b.data ? b.data : "/"));
        nb_buf_free(&b);
    }
    free(parts);
}

/* --- models ------------------------------------------------------------------ */

void apigw__v1_default_models(json_t *doc)
{
    static const char *const rows[][3] = {
        {"Empty", "This is a default empty schema model",
         "{\n  \"$schema\": \"http://json-schema.org/draft-04/schema#\",\n  \"title\" : \"Empty Schema\",\n"
         "  \"type\" : \"object\"\n}"},
        {"Error", "This is a default error schema model",
         "{\n  \"$schema\" : \"http://json-schema.org/draft-04/schema#\",\n  \"title\" : \"Error Schema\",\n"
         "  \"type\" : \"object\",\n  \"properties\" : {\n    \"message\" : { \"type\" : \"string\" }\n  }\n}"},
    };
    json_t *models = json_object_get(doc, "models");
    for (size_t i = 0; i < 2; i++) {
        char id[16];
        apigw__new_id(id, 6);
        json_object_set_new(models, rows[i][0], json_pack("{s:s,s:s,s:s,s:s,s:s}", "id", id, "name", rows[i][0],
                                                          "description", rows[i][1], "schema", rows[i][2],
                                                          "contentType", "application/json"));
    }
}

int apigw__v1_model_in_use(nb_req_t *req, json_t *doc, const char *name)
{
    const char *k;
    json_t *r;
    json_object_foreach(json_object_get(doc, "resources"), k, r) {
        const char *hm;
        json_t *m;
        json_object_foreach(json_object_get(r, "resourceMethods"), hm, m) {
            const char *ct;
            json_t *v;
            json_object_foreach(json_object_get(m, "requestModels"), ct, v) {
                if (!json_string_value(v) || strcmp(json_string_value(v), name) != 0) continue;
                const char *path = apigw__str(r, "path");
                nb_reply_error(req, APIGW_ERR_CONFLICT, "Cannot delete model '%s', is referenced in method request: %s/%s",
                               name, path, hm);
                return 1;
            }
        }
    }
    return 0;
}
