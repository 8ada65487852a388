/* apigw_int.h — API Gateway internals shared by its files.
 *
 * State lives in memory as JSON documents mirrored write-through to the store
 * (keyspace "apigw"); the data plane reads the in-memory copy only.
 *   key "a/{id}"  one API: {"kind":"v1"|"v2", "api":{wire shape}, and per kind:
 *                 v2: routes, integrations, stages, authorizers, deployments, models
 *                 v1: resources, deployments, stages, authorizers, validators, models}
 *                 each an object id → wire shape (stages by name, v1 models by name).
 *                 A v1 deployment keeps "snapshot": the resources at deploy time.
 *   key "k/{id}"  an API key (ApiKey shape)
 *   key "p/{id}"  a usage plan (UsagePlan shape + "_keys": [key ids])
 *   key "c/account"  the account settings UpdateAccount changed ({"cloudwatchRoleArn"})
 *   key "x/{id}"  a client certificate; "l/{id}" a v1 VPC link; "L/{id}" a v2 one
 *   key "d/{name}" a custom domain name (cp_domains.c): the v1 DomainName shape,
 *                 "_id" (its d-… id), "_mappings": id → {apiId, apiMappingId,
 *                 apiMappingKey, stage} — v1 base path mappings and v2 API
 *                 mappings are one set seen two ways
 *   key "u/{plan}/{key}"  a usage counter (quota.c: written in 1 s batches, not
 *                 through these documents)
 * Every mutation changes the in-memory document, writes it, and replies from
 * the durability callback; apigw__svc.gen is bumped on every change so data
 * plane caches (compiled routes) know when to rebuild. */
#ifndef NB_APIGW_INT_H
#define NB_APIGW_INT_H
#include <stdint.h>
#include <string.h>
#include <jansson.h>
#include "apigw/apigw.h"
#include "apigw/schema_ref.h"
#include "core/ctx.h"
#include "core/request.h"
#include "core/service.h"

#define APIGW_KS "apigw"

typedef struct apigw_svc {
    nb_ctx_t *ctx;
    json_t *apis;    /* api id → document (see above) */
    json_t *keys;    /* api key id → ApiKey */
    json_t *plans;   /* usage plan id → UsagePlan (+ "_keys") */
    json_t *account; /* the Account settings set by UpdateAccount ({} until then) */
    json_t *domains; /* custom domain name → DomainName (v1 shape + "_id", "_mappings") */
    json_t *certs;   /* client certificate id → ClientCertificate */
    json_t *links;   /* v1 VPC link id → VpcLink */
    json_t *links2;  /* v2 VPC link id → VpcLink (v2 shape) */
    uint64_t gen;    /* bumped on every change */
    int port;        /* the edge's port, for endpoints ("" until known) */
} apigw_svc_t;

extern apigw_svc_t apigw__svc;

/* --- state.c -------------------------------------------------------------- */
int apigw__state_load(nb_ctx_t *ctx);
void apigw__state_free(void);
/* n random lowercase alphanumerics + NUL into out (cap > n). */
void apigw__new_id(char *out, size_t n);
/* ISO 8601 string (v2 timestamps) / epoch seconds (v1 timestamps): new refs. */
json_t *apigw__iso_now(void);
json_t *apigw__epoch_now(void);
/* Persist the document stored under "{kind}/{id}" (doc NULL: delete it), then
 * reply status with body (stolen; NULL: empty body) once durable. */
void apigw__save_reply(nb_req_t *req, char kind, const char *id, json_t *doc, int status, json_t *body);
/* The same for n documents in one transaction: all of them or none. */
typedef struct apigw_rec {
    char kind;
    const char *id;
    json_t *doc;   /* NULL: delete */
} apigw_rec_t;
void apigw__save_many_reply(nb_req_t *req, const apigw_rec_t *recs, size_t n, int status, json_t *body);
/* The API document for id of kind "v1"/"v2" (borrowed), or NULL after replying
 * NotFoundException. */
json_t *apigw__api_or_404(nb_req_t *req, const char *id, const char *kind);
/* Child object coll/id of doc (borrowed), or NULL after replying NotFoundException
 * with msg. */
json_t *apigw__child_or_404(nb_req_t *req, json_t *doc, const char *coll, const char *id, const char *what);
/* Member of map (borrowed) named by path parameter param, *id that name in
 * req's arena ("" when absent); or NULL after replying NotFoundException
 * "Invalid {what} identifier specified". */
json_t *apigw__param_or_404(nb_req_t *req, json_t *map, const char *param, const char *what, const char **id);
/* The string member k of o (borrowed), NULL when o has none. */
static inline const char *apigw__str(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}
/* 1 when s (may be NULL) is one of list's strings (NULL-terminated). */
static inline int apigw__in_list(const char *const *list, const char *s)
{
    for (size_t i = 0; s && list[i]; i++)
        if (strcmp(list[i], s) == 0) return 1;
    return 0;
}
/* The request's {restapi_id} ("" when none), as a copy in its arena. */
const char *apigw__rest_id(nb_req_t *req);
/* 1 when op is Create, Get, Update or Delete of noun ("GetRoute", "GetRoutes"
 * for "Route"): how the generic collection handlers know their collection. */
int apigw__op_on(const char *op, const char *noun);
/* 0 when the path of every patch operation in ops is one of paths
 * (NULL-terminated); else -1 after replying BadRequestException "Invalid
 * patch path P". */
int apigw__patch_paths_only(nb_req_t *req, json_t *ops, const char *const *paths);
/* A list reply {key: [values of obj, sorted by key], } (new ref). */
json_t *apigw__list(json_t *obj, const char *key);
/* Append to array into each value of array from it does not hold yet (a set union, in order). */
void apigw__json_union(json_t *into, json_t *from);
/* A copy of item without the members whose names start with '_' (new ref). */
json_t *apigw__public(json_t *item);
/* Function ARN (arena string) inside a Lambda integration URI
 * ("arn:aws:apigateway:r:lambda:path/2015-03-31/functions/ARN/invocations",
 * or a plain function ARN / name); NULL when uri names no function. */
const char *apigw__lambda_target(nb_arena_t *a, const char *uri);
/* The endpoint an API is invoked at: "http://{id}.execute-api.localhost:PORT". */
json_t *apigw__endpoint(const char *api_id);

/* --- gw_resp.c: REST gateway response types ------------------------------ */
/* How many types there are, the i-th type's name (NULL past the end), 1 when
 * type is one of them, and its untouched wire shape (defaultResponse true; new ref). */
size_t apigw__gr_count(void);
const char *apigw__gr_type(size_t i);
int apigw__gr_known(const char *type);
json_t *apigw__gr_default(const char *type);
/* cp_gw.c: a GatewayResponse's statusCode, responseParameters and
 * responseTemplates are valid (0), else -1 with *msg (static). */
int apigw__gr_check(json_t *gr, const char **msg);

/* --- patch.c: v1 PATCH operations ---------------------------------------- */
/* Apply patchOperations (borrowed) to obj; 0, or -1 with *msg (static). */
int apigw__patch(json_t *obj, json_t *ops, const char **msg);

/* --- cp_v1_rules.c: AWS's input rules of the REST API control plane ------ */
/* Every patch op of req is one of AWS's six and status_code (when not NULL) is
 * [1-5]\d\d: 0, else -1 after ValidationException "N validation errors detected". */
int apigw__v1_patch_enum_check(nb_req_t *req, const char *status_code);
int apigw__v1_status_ok(const char *s);
/* The path's {status_code} is [1-5]\d\d: 0, else -1 after ValidationException. */
int apigw__v1_status_check(nb_req_t *req);
/* Only "replace" on paths (NULL-terminated, in the order AWS lists them in its
 * error): 0, or -1 after replying BadRequestException. */
int apigw__v1_replace_only(nb_req_t *req, const char *const *paths);
/* CreateRestApi's checks and defaults on api (the new wire object): 0, or -1 after replying. */
int apigw__v1_rest_api_input(nb_req_t *req, json_t *api);
/* UpdateRestApi: req's patchOperations checked and rewritten (new ref), or NULL after replying;
 * then the patched api's endpoint configuration settled (0), or -1 after replying. */
json_t *apigw__v1_rest_api_ops(nb_req_t *req);
int apigw__v1_rest_api_after(nb_req_t *req, json_t *before, json_t *api);
/* A child part under parent (self: the resource being moved, else NULL): greedy parents,
 * variable siblings and taken names refused (-1 after replying). */
int apigw__v1_resource_part_check(nb_req_t *req, json_t *doc, json_t *parent, const char *part, const char *self);
/* UpdateResource: the ops allowed on res; then the moved/renamed copy's new place. */
int apigw__v1_resource_patch_check(nb_req_t *req, json_t *res);
int apigw__v1_resource_move_check(nb_req_t *req, json_t *doc, json_t *moved);
/* Every resource's path rebuilt from its parents' path parts. */
void apigw__v1_repath(json_t *doc);

/* --- cp_v1_method_rules.c: methods, method responses, integrations ------- */
/* PutMethod's m: unique parameter names, existing authorizer/validator/models (0, else -1 after replying). */
int apigw__v1_method_input(nb_req_t *req, json_t *doc, json_t *m);
/* UpdateMethod: the ops allowed; then the patched m's references (empty maps dropped). */
int apigw__v1_method_patch_check(nb_req_t *req);
int apigw__v1_method_after(nb_req_t *req, json_t *doc, json_t *m);
/* UpdateMethodResponse: the paths allowed and the names replaced/removed exist; then the
 * maps a remove emptied dropped. */
int apigw__v1_method_response_patch_check(nb_req_t *req, json_t *resp);
void apigw__v1_method_response_after(nb_req_t *req, json_t *resp);
/* Every value of map is a string (or null): 0, else -1 after SerializationException. */
int apigw__v1_string_map_check(nb_req_t *req, json_t *map);
/* An AWS / AWS_PROXY integration's uri (arn:aws:apigateway:…) names a path or
 * an action, and an AWS one other than Lambda's has credentials: 0, else -1
 * after replying BadRequestException as AWS does. */
int apigw__v1_aws_uri_check(nb_req_t *req, const char *type, const char *uri, const char *credentials);
/* Response templates: string values keyed by content types ("" stored as null). */
int apigw__v1_templates_check(nb_req_t *req, json_t *templates);
/* CreateRestApi's two models, Empty and Error, as AWS makes them. */
void apigw__v1_default_models(json_t *doc);
/* 1 after ConflictException when a method's requestModels names model name, else 0. */
int apigw__v1_model_in_use(nb_req_t *req, json_t *doc, const char *name);

/* --- cp_canary.c: a REST stage's canarySettings ----------------------------- */
/* canarySettings from input in (deployment when it names none), with AWS's defaults (new ref). */
json_t *apigw__v1_canary_new(json_t *in, const char *deployment);
/* CreateDeployment with canarySettings names an existing stage: 0, else -1 after replying. */
int apigw__v1_canary_deployment_check(nb_req_t *req, json_t *doc);
/* UpdateStage: req's /canarySettings ops and copy ops (promotion) applied to
 * stage; the other ops (new ref), or NULL after replying. */
json_t *apigw__v1_canary_patch(nb_req_t *req, json_t *stage);
/* stage's canary names a deployment of doc (or there is none): 0, else -1
 * after replying "Deployment id does not exist". */
int apigw__v1_canary_exists(nb_req_t *req, json_t *doc, json_t *stage);
/* 1 when a stage's canary of doc serves deployment. */
int apigw__v1_canary_in_use(json_t *doc, const char *deployment);
/* UpdateStage: every replace names a setting path AWS lists (0), else -1 after its refusal. */
int apigw__v1_stage_paths_check(nb_req_t *req);

/* --- control plane handlers (cp_*.c) ------------------------------------- */
#define APIGW_OP(n) void apigw__op_##n(nb_req_t *req);
#define APIGW_OPS(X)                                                              \
    X(v2_create_api) X(v2_get_api) X(v2_get_apis) X(v2_delete_api) X(v2_update_api) \
    X(v2_import_api) X(v2_reimport_api) X(v2_delete_cors) X(v2_export_api)         \
    X(v2_create) X(v2_get) X(v2_list) X(v2_update) X(v2_delete)                    \
    X(v2_create_route_response) X(v2_get_route_responses) X(v2_get_route_response) \
    X(v2_update_route_response) X(v2_delete_route_response)                       \
    X(v2_create_integration_response) X(v2_get_integration_responses)             \
    X(v2_get_integration_response) X(v2_update_integration_response)              \
    X(v2_delete_integration_response)                                             \
    X(v1_create_rest_api) X(v1_get_rest_api) X(v1_get_rest_apis)                  \
    X(v1_delete_rest_api) X(v1_update_rest_api) X(v1_import_rest_api)             \
    X(v1_put_rest_api) X(v1_get_resources) X(v1_get_resource)                     \
    X(v1_create_resource) X(v1_delete_resource) X(v1_update_resource)             \
    X(v1_put_method) X(v1_get_method) X(v1_delete_method) X(v1_update_method)     \
    X(v1_put_integration) X(v1_get_integration) X(v1_delete_integration)          \
    X(v1_update_integration)                                                      \
    X(v1_put_method_response) X(v1_get_method_response) X(v1_delete_method_response) \
    X(v1_put_integration_response) X(v1_get_integration_response)                 \
    X(v1_delete_integration_response) X(v1_update_method_response)                \
    X(v1_update_integration_response)                                             \
    X(v1_put_gateway_response) X(v1_get_gateway_response) X(v1_get_gateway_responses) \
    X(v1_update_gateway_response) X(v1_delete_gateway_response)                   \
    X(v1_tag_resource) X(v2_tag_resource) X(untag_resource) X(get_tags)           \
    X(v2_delete_route_settings) X(v2_delete_access_log_settings) X(v1_get_export)  \
    X(v1_flush_authorizers_cache) X(v2_reset_authorizers_cache) X(v1_flush_stage_cache) \
    X(v2_delete_route_request_parameter) X(get_account) X(update_account)         \
    X(v1_create) X(v1_get) X(v1_list) X(v1_update) X(v1_delete)                    \
    X(v1_create_deployment) X(v1_create_stage)                                    \
    X(create_api_key) X(get_api_key) X(get_api_keys) X(delete_api_key) X(update_api_key) X(import_api_keys) \
    X(create_usage_plan) X(get_usage_plan) X(get_usage_plans) X(delete_usage_plan) \
    X(update_usage_plan) X(create_usage_plan_key) X(get_usage_plan_keys)          \
    X(get_usage_plan_key) X(delete_usage_plan_key) X(get_usage) X(update_usage)     \
    X(v1_create_domain) X(v1_get_domain) X(v1_get_domains) X(v1_update_domain)    \
    X(v1_delete_domain) X(v1_create_bpm) X(v1_get_bpm) X(v1_get_bpms)             \
    X(v1_update_bpm) X(v1_delete_bpm)                                             \
    X(v2_create_domain) X(v2_get_domain) X(v2_get_domains) X(v2_update_domain)    \
    X(v2_delete_domain) X(v2_create_mapping) X(v2_get_mapping) X(v2_get_mappings) \
    X(v2_update_mapping) X(v2_delete_mapping)                                     \
    X(v1_test_invoke_method) X(v1_test_invoke_authorizer)                         \
    X(generate_client_certificate) X(get_client_certificate)                      \
    X(get_client_certificates) X(update_client_certificate)                       \
    X(delete_client_certificate)                                                  \
    X(v1_create_vpc_link) X(v1_get_vpc_link) X(v1_get_vpc_links)                  \
    X(v1_update_vpc_link) X(v1_delete_vpc_link)                                   \
    X(v2_create_vpc_link) X(v2_get_vpc_link) X(v2_get_vpc_links)                  \
    X(v2_update_vpc_link) X(v2_delete_vpc_link)                                   \
    X(v1_create_doc_part) X(v1_get_doc_part) X(v1_get_doc_parts)                  \
    X(v1_update_doc_part) X(v1_delete_doc_part)                                   \
    X(v1_create_doc_version) X(v1_get_doc_version) X(v1_get_doc_versions)         \
    X(v1_get_model_template) X(v2_get_model_template) X(get_sdk_types)           \
    X(get_sdk_type) X(v1_get_sdk)                                                 \
    X(v1_update_doc_version) X(v1_delete_doc_version) X(v1_import_doc_parts)
APIGW_OPS(APIGW_OP)
#undef APIGW_OP

/* --- export.c ------------------------------------------------------------- */
/* OpenAPI 3 of an HTTP API: api is its "api" object, served what a stage
 * serves (or the live document), stage NULL or its name; extensions: with
 * x-amazon-apigateway-* members (new ref). */
json_t *apigw__export_v2(nb_arena_t *a, json_t *api, json_t *served, const char *stage, int extensions);
/* Swagger 2 (oas3 0) or OpenAPI 3 of a REST API deployment dep (its
 * snapshot) served by stage; exts: GetExport's "extensions" parameter
 * ("integrations", "apigateway", "authorizers", "" — new ref). */
json_t *apigw__export_v1(nb_arena_t *a, json_t *doc, json_t *dep, const char *stage, int oas3, const char *exts);
/* A REST export's info.version and file name part: the API's version, else the
 * deployment's creation time as an ISO 8601 date (arena string). */
const char *apigw__export_version(nb_arena_t *a, json_t *api, json_t *dep);
/* def as text: JSON (indented) or YAML. */
void apigw__export_text(json_t *def, int yaml, nb_buf_t *out);

/* --- authz.c: condition keys and resource tags for IAM --------------------- */
extern const nb_authz_t apigw__authz;

/* --- cp_tags.c ------------------------------------------------------------ */
/* The path of a tagged resource's ARN "arn:aws:apigateway:{region}::/a/b/c/d"
 * split into 1 to 4 non-empty segments (NUL-terminated copies): their
 * count, or -1 (another region or service, an empty or too long segment,
 * more than 4, a trailing '/'). Pure (fuzz/fuzz_apigw_tag_arn.c). */
#define APIGW_ARN_SEG 160
int apigw__tag_arn_split(const char *arn, const char *region, char seg[4][APIGW_ARN_SEG]);
/* IAM resource of the tag operations (the op table's resource_fn). */
int apigw__tags_iam_arn(nb_req_t *req, nb_buf_t *out);

/* --- domain_match.c: custom domain names (pure; fuzz/fuzz_apigw_domain.c) -- */
/* 1 when name is a valid custom domain name (letters, digits, '-', '.', a
 * leading "*." wildcard; at least one dot; at most 253 characters). */
int apigw__domain_name_ok(const char *name);
/* 1 when key is a valid mapping key / base path ("" included). */
int apigw__mapping_key_ok(const char *key);
/* How many leading bytes of path key consumes when it serves path (the
 * leading '/' and the key), or (size_t)-1 when it does not serve it. */
size_t apigw__mapping_serves(const char *key, const char *path);

/* --- csv.c: comma-separated values (ImportApiKeys; fuzz/fuzz_apigw_csv.c) -- */
/* The records of p[0..n) as an array of arrays of strings (new ref), blank
 * lines skipped; NULL with *err on an unterminated quote or non-UTF-8 text. */
json_t *apigw__csv_parse(const char *p, size_t n, const char **err);

/* --- cp_domains.c: custom domain names and their mappings ------------------ */
/* The mapping of the request's Host that serves path: 0 with the API id
 * (*api), its stage (*stage, NULL when the path names it: a v1 mapping with
 * no stage) and the path after the base path (*rest, "/" at least); 1 when
 * host is no custom domain; -1 when it is one but no mapping serves path.
 * Results are borrowed from the domain documents (valid until the next
 * control-plane change) or point into path. */
int apigw__domain_route(const char *host, const char *path, const char **api, const char **stage, const char **rest);

/* --- model_template.c ----------------------------------------------------- */
/* The sample mapping template of model `name` (GetModelTemplate) into out;
 * models maps every model name of the API to its schema text ($refs resolve
 * there). 0, or -1 with *msg (static) when the schema cannot be used. */
int apigw__model_template(json_t *models, const char *name, nb_buf_t *out, const char **msg);

/* --- sdk_types.c ----------------------------------------------------------- */
/* 0 when id is an SDK type and the request's query has its required
 * configuration properties; else -1 after replying NotFoundException (no such
 * type) or BadRequestException (a property missing). */
int apigw__sdk_type_check(nb_req_t *req, const char *id);

/* --- sdk_js.c -------------------------------------------------------------- */
/* apigClient.js of a REST API stage whose deployment holds resources (the
 * snapshot), calling invoke_url, into out. */
void apigw__sdk_js(json_t *resources, const char *api_name, const char *stage, const char *invoke_url, nb_buf_t *out);

/* --- cp_docs.c ------------------------------------------------------------- */
/* x-amazon-apigateway-documentation of REST API doc as stage serves it: the
 * parts of the stage's documentationVersion, else the current parts (new ref). */
json_t *apigw__docs_export(json_t *doc, json_t *stage);

/* --- cp_keys.c: lookups shared with cp_usage.c ---------------------------- */
/* The usage plan of the request's {usageplanId} (borrowed; *id in req's arena),
 * or NULL once NotFoundException is answered. */
json_t *apigw__plan_or_404(nb_req_t *req, const char **id);
/* 1 when API key kid is among the plan's keys ("_keys"). */
int apigw__plan_has_key(json_t *plan, const char *kid);

/* --- cp_v2.c -------------------------------------------------------------- */
/* A v2 update's map member applied to the stored one (cp_v2.c): keys of upd
 * replace those of old; with drop_empty, a key whose value is "" or {} is removed
 * (how AWS lets UpdateIntegration and UpdateStage drop request/response
 * parameters and stage variables); a new ref. old or upd may be NULL or not objects. */
json_t *apigw__v2_merge_map(json_t *old, json_t *upd, int drop_empty);

/* --- openapi_warn.c ------------------------------------------------------- */
/* The first import warning of an (importable) OpenAPI 3 text for an HTTP API, as
 * a sentence (arena), or NULL when it has none. */
const char *apigw__openapi_v2_warning(nb_arena_t *a, const char *text, size_t len);

/* --- openapi.c ------------------------------------------------------------ */
/* An OpenAPI/Swagger document, JSON or YAML, as an object (new ref), or NULL with
 * *msg (arena) saying why. */
json_t *apigw__openapi_load(nb_arena_t *a, const char *text, size_t len, const char **msg);
/* Build a v2 document (routes, integrations, cors) from an OpenAPI 3 text into
 * doc (which has "api"); 0, or -1 with *msg (arena). */
int apigw__openapi_v2(nb_arena_t *a, json_t *doc, const char *text, size_t len, const char **msg);
/* Build v1 resources/methods from OpenAPI 3 / Swagger 2 into doc; same contract. */
int apigw__openapi_v1(nb_arena_t *a, json_t *doc, const char *text, size_t len, const char **msg);
/* The same under ImportRestApi's basepath mode (ignore, prepend, split; NULL: ignore). */
int apigw__openapi_v1_at(nb_arena_t *a, json_t *doc, const char *text, size_t len, const char *basepath,
                         const char **msg);
/* openapi_base.c: the path a definition's paths are put under by that mode ("" for none; arena). */
const char *apigw__openapi_prefix(nb_arena_t *a, json_t *d, const char *mode);
/* The root resource id of a v1 document. */
const char *apigw__v1_root_id(json_t *doc);
/* Add a v1 resource under parent (borrowed; NULL = root) with pathPart; returns it (borrowed). */
json_t *apigw__v1_add_resource(json_t *doc, json_t *parent, const char *part);

#endif
