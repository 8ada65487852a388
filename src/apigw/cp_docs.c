/* cp_docs.c — REST API documentation: documentation parts (Create/Get/
 * GetAll/Update/Delete) and documentation versions (snapshots of the parts;
 * Create, optionally tying a stage to it, Get/GetAll/Update/Delete), kept in
 * the API's document as "documentationParts" (id → DocumentationPart) and
 * "documentationVersions" (version → DocumentationVersion + "_parts", the
 * snapshot). GetExport with extensions "documentation" carries them as
 * x-amazon-apigateway-documentation (apigw__docs_export), and
 * ImportDocumentationParts reads them back from such a definition (JSON or
 * YAML: merge, or overwrite every part).
 * Invariants: a location (type, path, method, statusCode, name) has at most
 * one part; properties are a JSON object's text. */
#include "apigw/apigw_int.h"
#include "apigw/yaml.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *coll(json_t *doc, const char *name)
{
    json_t *c = json_object_get(doc, name);
    if (!c) json_object_set_new(doc, name, c = json_object());
    return c;
}

static const char bad_type[] = "Invalid documentation part location type specified";

/* The normalized location of loc (new ref), or NULL with *msg. AWS fills
 * path "/" for types below the API, method "*" for method-level types and
 * statusCode "*" for responses. */
static json_t *location(json_t *loc, const char **msg)
{
    static const char *const types[] = {"API", "AUTHORIZER", "MODEL", "RESOURCE", "METHOD", "PATH_PARAMETER",
                                        "QUERY_PARAMETER", "REQUEST_HEADER", "REQUEST_BODY", "RESPONSE",
                                        "RESPONSE_HEADER", "RESPONSE_BODY", NULL};
    static const char *const named[] = {"AUTHORIZER", "MODEL", "PATH_PARAMETER", "QUERY_PARAMETER",
                                        "REQUEST_HEADER", "RESPONSE_HEADER", NULL};
    static const char *const with_method[] = {"METHOD", "PATH_PARAMETER", "QUERY_PARAMETER", "REQUEST_HEADER",
                                              "REQUEST_BODY", "RESPONSE", "RESPONSE_HEADER", "RESPONSE_BODY", NULL};
    static const char *const with_status[] = {"RESPONSE", "RESPONSE_HEADER", "RESPONSE_BODY", NULL};
    const char *type = apigw__str(loc, "type");
    if (!json_is_object(loc) || !apigw__in_list(types, type)) {
        *msg = bad_type;
        return NULL;
    }
    if (apigw__in_list(named, type) && (!apigw__str(loc, "name") || !*apigw__str(loc, "name"))) {
        *msg = "Documentation part location name is required for this type";
        return NULL;
    }
    const char *path = apigw__str(loc, "path");
    if (path && path[0] != '/') {
        *msg = "Invalid documentation part location path specified";
        return NULL;
    }
    json_t *out = json_pack("{s:s}", "type", type);
    int below_api = strcmp(type, "API") && strcmp(type, "AUTHORIZER") && strcmp(type, "MODEL");
    if (below_api) json_object_set_new(out, "path", json_string(path ? path : "/"));
    if (apigw__in_list(with_method, type))
        json_object_set_new(out, "method", json_string(apigw__str(loc, "method") ? apigw__str(loc, "method") : "*"));
    if (apigw__in_list(with_status, type))
        json_object_set_new(out, "statusCode", json_string(apigw__str(loc, "statusCode") ? apigw__str(loc, "statusCode") : "*"));
    if (apigw__str(loc, "name")) json_object_set_new(out, "name", json_string(apigw__str(loc, "name")));
    return out;
}

static int properties_ok(const char *p)
{
    json_t *v = p ? json_loads(p, 0, NULL) : NULL;
    int ok = json_is_object(v);
    json_decref(v);
    return ok;
}

/* The id of the part of doc at loc other than self, or NULL. */
static const char *part_at(json_t *doc, json_t *loc, const char *self)
{
    const char *k;
    json_t *p;
    json_object_foreach(json_object_get(doc, "documentationParts"), k, p)
        if (json_equal(json_object_get(p, "location"), loc) && (!self || strcmp(k, self) != 0)) return k;
    return NULL;
}

static json_t *api_doc(nb_req_t *req, const char **id)
{
    *id = nb_req_param(req, "restapi_id");
    json_t *doc = apigw__api_or_404(req, *id, "v1");
    if (doc) *id = nb_arena_strdup(req->arena, *id);
    return doc;
}

/* --- parts ----------------------------------------------------------------- */

void apigw__op_v1_create_doc_part(nb_req_t *req)
{
    const char *api_id, *msg = "Invalid documentation part location";
    json_t *doc = api_doc(req, &api_id);
    if (!doc) return;
    json_t *loc = location(json_object_get(req->json, "location"), &msg);
    if (!loc && msg == bad_type && json_is_string(json_object_get(json_object_get(req->json, "location"), "type"))) {
        nb_reply_error(req, NB_ERR_VALIDATION, "1 validation error detected: Value '%s' at "
                       "'createDocumentationPartInput.location.type' failed to satisfy constraint: Member must satisfy "
                       "enum value set: [RESPONSE_BODY, RESPONSE, METHOD, MODEL, AUTHORIZER, RESPONSE_HEADER, RESOURCE, "
                       "PATH_PARAMETER, REQUEST_BODY, QUERY_PARAMETER, API, REQUEST_HEADER]",
                       apigw__str(json_object_get(req->json, "location"), "type"));
        return;
    }
    if (!loc) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "%s", msg);
        return;
    }
    const char *props = apigw__str(req->json, "properties");
    if (!properties_ok(props)) {
        json_decref(loc);
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid documentation part properties: a JSON object is required");
        return;
    }
    if (part_at(doc, loc, NULL)) {
        json_decref(loc);
        nb_reply_error(req, APIGW_ERR_CONFLICT, "Documentation part already exists for the specified location");
        return;
    }
    char id[16];
    apigw__new_id(id, 6);
    json_t *part = json_pack("{s:s,s:o,s:s}", "id", id, "location", loc, "properties", props);
    json_object_set_new(coll(doc, "documentationParts"), id, part);
    apigw__save_reply(req, 'a', api_id, doc, 201, json_copy(part));
}

static json_t *part_or_404(nb_req_t *req, json_t *doc, const char **id)
{
    return apigw__param_or_404(req, json_object_get(doc, "documentationParts"), "part_id", "Documentation part", id);
}

/* GetDocumentationPart / UpdateDocumentationPart: an unknown API is an unknown part to AWS. */
static json_t *part_of(nb_req_t *req, const char **api_id, const char **id)
{
    *api_id = apigw__rest_id(req);
    json_t *doc = json_object_get(apigw__svc.apis, *api_id);
    if (!doc || strcmp(apigw__str(doc, "kind"), "v1") != 0) {
        nb_reply_error(req, APIGW_ERR_NOT_FOUND, "Invalid Documentation part identifier specified");
        return NULL;
    }
    return part_or_404(req, doc, id) ? doc : NULL;
}

void apigw__op_v1_get_doc_part(nb_req_t *req)
{
    const char *api_id, *id;
    json_t *doc = part_of(req, &api_id, &id);
    if (doc) nb_reply_json(req, 200, json_copy(json_object_get(json_object_get(doc, "documentationParts"), id)));
}

void apigw__op_v1_get_doc_parts(nb_req_t *req)
{
    const char *api_id;
    json_t *doc = api_doc(req, &api_id);
    if (!doc) return;
    const char *type = nb_req_qparam(req, "type"), *name = nb_req_qparam(req, "name");
    const char *path = nb_req_qparam(req, "path");
    json_t *all = apigw__list(json_object_get(doc, "documentationParts"), "item");
    json_t *items = json_object_get(all, "item");
    for (size_t i = 0; i < json_array_size(items); i++) {
        json_t *loc = json_object_get(json_array_get(items, i), "location");
        const char *ln = apigw__str(loc, "name");
        if ((type && strcmp(type, apigw__str(loc, "type")) != 0) || (path && (!apigw__str(loc, "path") || strcmp(path, apigw__str(loc, "path")))) ||
            (name && (!ln || !strstr(ln, name))))
            json_array_remove(items, i--);
    }
    nb_reply_json(req, 200, all);
}

void apigw__op_v1_update_doc_part(nb_req_t *req)
{
    const char *api_id, *id, *msg;
    if (apigw__v1_patch_enum_check(req, NULL) != 0) return;
    json_t *doc = part_of(req, &api_id, &id);
    json_t *p = doc ? json_object_get(json_object_get(doc, "documentationParts"), id) : NULL;
    if (!p) return;
    json_t *ops = json_object_get(req->json, "patchOperations");
    static const char *const paths[] = {"/properties", NULL};
    if (apigw__v1_replace_only(req, paths) != 0) return;
    json_t *copy = json_deep_copy(p);
    if (apigw__patch(copy, ops, &msg) != 0) {
        json_decref(copy);
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "%s", msg);
        return;
    }
    if (!properties_ok(apigw__str(copy, "properties"))) {
        json_decref(copy);
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid documentation part properties: a JSON object is required");
        return;
    }
    json_object_set_new(json_object_get(doc, "documentationParts"), id, copy);
    apigw__save_reply(req, 'a', api_id, doc, 200, json_copy(copy));
}

void apigw__op_v1_delete_doc_part(nb_req_t *req)
{
    const char *api_id, *id;
    json_t *doc = api_doc(req, &api_id), *p = doc ? part_or_404(req, doc, &id) : NULL;
    if (!p) return;
    json_object_del(json_object_get(doc, "documentationParts"), id);
    apigw__save_reply(req, 'a', api_id, doc, 202, NULL);
}

/* The definition's parts (borrowed from def), or NULL with *msg. */
static json_t *imported_parts(json_t *def, const char **msg)
{
    json_t *parts = json_object_get(json_object_get(def, "x-amazon-apigateway-documentation"), "documentationParts");
    if (!json_is_object(def) || !json_is_array(parts)) {
        *msg = "Invalid documentation: x-amazon-apigateway-documentation.documentationParts is required";
        return NULL;
    }
    return parts;
}

void apigw__op_v1_import_doc_parts(nb_req_t *req)
{
    const char *api_id, *msg;
    json_t *doc = api_doc(req, &api_id);
    if (!doc) return;
    const char *mode = nb_req_qparam(req, "mode");
    const char *fow = nb_req_qparam(req, "failonwarnings");
    int overwrite = mode && strcmp(mode, "overwrite") == 0, strict = fow && strcmp(fow, "true") == 0;
    if (mode && !overwrite && strcmp(mode, "merge") != 0) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid mode specified: %s. Valid options are merge, overwrite", mode);
        return;
    }
    json_error_t je;
    char yerr[128];
    json_t *def = json_loadb(req->body, req->body_len, 0, &je);
    if (!def) def = apigw__yaml_load(req->body, req->body_len, yerr, sizeof yerr);
    json_t *parts = def ? imported_parts(def, &msg) : NULL;
    if (!parts) {
        json_decref(def);
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "%s", json_is_object(def) ? msg : "Unable to build importer with provided input.");
        return;
    }
    json_t *next = overwrite ? json_object() : json_deep_copy(coll(doc, "documentationParts"));
    json_t *ids = json_array(), *warnings = json_array();
    json_t *scratch = json_pack("{s:O}", "documentationParts", next);   /* part_at looks in a document */
    size_t i;
    json_t *p;
    json_array_foreach(parts, i, p) {
        json_t *loc = location(json_object_get(p, "location"), &msg);
        json_t *props = json_object_get(p, "properties");
        if (!loc || !json_is_object(props)) {
            json_array_append_new(warnings, json_sprintf("Documentation part %zu skipped: %s", i,
                                                         loc ? "properties must be an object" : msg));
            json_decref(loc);
            continue;
        }
        char *text = json_dumps(props, JSON_COMPACT);
        const char *have = part_at(scratch, loc, NULL);
        char id[16];
        if (have) snprintf(id, sizeof id, "%s", have);
        else apigw__new_id(id, 6);
        json_object_set_new(next, id, json_pack("{s:s,s:o,s:s}", "id", id, "location", loc, "properties", text));
        free(text);
        json_array_append_new(ids, json_string(id));
    }
    json_decref(scratch);
    json_decref(def);
    if (strict && json_array_size(warnings)) {
        json_decref(next);
        json_decref(ids);
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "%s", json_string_value(json_array_get(warnings, 0)));
        json_decref(warnings);
        return;
    }
    json_object_set_new(doc, "documentationParts", next);
    apigw__save_reply(req, 'a', api_id, doc, 200, json_pack("{s:o,s:o}", "ids", ids, "warnings", warnings));
}

/* --- versions -------------------------------------------------------------- */

void apigw__op_v1_create_doc_version(nb_req_t *req)
{
    const char *api_id;
    json_t *doc = api_doc(req, &api_id);
    if (!doc) return;
    const char *ver = apigw__str(req->json, "documentationVersion"), *stage = apigw__str(req->json, "stageName");
    if (!ver || !*ver || strlen(ver) > 64) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid documentation version specified");
        return;
    }
    if (json_object_get(json_object_get(doc, "documentationVersions"), ver)) {
        nb_reply_error(req, APIGW_ERR_CONFLICT, "Documentation version already exists");
        return;
    }
    json_t *st = stage ? json_object_get(json_object_get(doc, "stages"), stage) : NULL;
    if (stage && !st) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid stage identifier specified");
        return;
    }
    json_t *v = json_pack("{s:s,s:o,s:o}", "version", ver, "createdDate", apigw__epoch_now(), "_parts",
                          json_deep_copy(coll(doc, "documentationParts")));
    if (apigw__str(req->json, "description")) json_object_set(v, "description", json_object_get(req->json, "description"));
    json_object_set_new(coll(doc, "documentationVersions"), ver, v);
    if (st) json_object_set_new(st, "documentationVersion", json_string(ver));
    apigw__save_reply(req, 'a', api_id, doc, 201, apigw__public(v));
}

static json_t *version_or_404(nb_req_t *req, json_t *doc, const char **ver)
{
    return apigw__param_or_404(req, json_object_get(doc, "documentationVersions"), "doc_version",
                               "documentation version", ver);
}

void apigw__op_v1_get_doc_version(nb_req_t *req)
{
    const char *api_id, *ver;
    json_t *doc = api_doc(req, &api_id), *v = doc ? version_or_404(req, doc, &ver) : NULL;
    if (v) nb_reply_json(req, 200, apigw__public(v));
}

void apigw__op_v1_get_doc_versions(nb_req_t *req)
{
    const char *api_id;
    json_t *doc = api_doc(req, &api_id);
    if (doc) nb_reply_json(req, 200, apigw__list(json_object_get(doc, "documentationVersions"), "item"));
}

void apigw__op_v1_update_doc_version(nb_req_t *req)
{
    const char *api_id, *ver;
    json_t *doc = api_doc(req, &api_id), *v = doc ? version_or_404(req, doc, &ver) : NULL;
    if (!v) return;
    json_t *ops = json_object_get(req->json, "patchOperations");
    size_t i;
    json_t *op;
    json_array_foreach(ops, i, op) {
        const char *path = apigw__str(op, "path"), *o = apigw__str(op, "op");
        if (!path || strcmp(path, "/description") != 0 || !o || (strcmp(o, "replace") && strcmp(o, "remove"))) {
            nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid patch path %s", path ? path : "");
            return;
        }
    }
    json_array_foreach(ops, i, op) {
        if (strcmp(apigw__str(op, "op"), "remove") == 0 || !apigw__str(op, "value")) json_object_del(v, "description");
        else json_object_set_new(v, "description", json_string(apigw__str(op, "value")));
    }
    apigw__save_reply(req, 'a', api_id, doc, 200, apigw__public(v));
}

void apigw__op_v1_delete_doc_version(nb_req_t *req)
{
    const char *api_id, *ver;
    json_t *doc = api_doc(req, &api_id), *v = doc ? version_or_404(req, doc, &ver) : NULL;
    if (!v) return;
    json_object_del(json_object_get(doc, "documentationVersions"), ver);
    const char *k;
    json_t *st;
    json_object_foreach(json_object_get(doc, "stages"), k, st) {   /* stages tied to it no longer are */
        const char *sv = apigw__str(st, "documentationVersion");
        if (sv && strcmp(sv, ver) == 0) json_object_del(st, "documentationVersion");
    }
    apigw__save_reply(req, 'a', api_id, doc, 202, NULL);
}

/* --- export ---------------------------------------------------------------- */

json_t *apigw__docs_export(json_t *doc, json_t *stage)
{
    const char *ver = apigw__str(stage, "documentationVersion");
    json_t *v = ver ? json_object_get(json_object_get(doc, "documentationVersions"), ver) : NULL;
    json_t *parts = v ? json_object_get(v, "_parts") : json_object_get(doc, "documentationParts");
    json_t *list = json_array();
    const char *k;
    json_t *p;
    json_object_foreach(parts, k, p) {
        json_t *props = json_loads(apigw__str(p, "properties") ? apigw__str(p, "properties") : "{}", 0, NULL);
        json_array_append_new(list, json_pack("{s:O,s:o}", "location", json_object_get(p, "location"), "properties",
                                              props ? props : json_object()));
    }
    json_t *out = json_pack("{s:o}", "documentationParts", list);
    if (v) {
        json_object_set_new(out, "version", json_string(ver));
        if (json_object_get(v, "createdDate")) json_object_set(out, "createdDate", json_object_get(v, "createdDate"));
    }
    return out;
}
