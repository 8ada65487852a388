/* cp_domains.c — custom domain names of both control planes and their
 * mappings, and the data plane's lookup of a request's Host among them.
 *
 * One record per name ("d/{name}", lower case): the v1 DomainName shape plus
 * "_id" (its "d-…" id) and "_mappings": mapping id → {apiId, apiMappingId,
 * apiMappingKey, stage}. v1 sees the mappings as base path mappings
 * (basePath "(none)" for the empty key, restApiId, stage), v2 as API
 * mappings; v1 DomainName fields and v2 DomainNameConfigurations are two
 * views of the same certificate and endpoint settings. Invariant: no two
 * mappings of a name share a key. Served: a request whose Host is the name
 * (or its "d-….execute-api.localhost" target) goes to the API and stage of
 * the mapping whose key is the longest that prefixes its path, the key
 * stripped; no such mapping → 403 Forbidden. */
#include "apigw/apigw_int.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EDGE_ZONE "Z2FDTNDATAQYW2"       /* CloudFront's hosted zone */
#define REGIONAL_ZONE "Z1UJRXOUMOOFQ8"   /* execute-api's in us-east-1 */

static char *lower_dup(nb_arena_t *a, const char *s)
{
    char *d = nb_arena_strdup(a, s ? s : "");
    for (char *p = d; *p; p++)
        if (*p >= 'A' && *p <= 'Z') *p = (char)(*p + 32);
    return d;
}

/* The domain named by path parameter param (borrowed; *name in req's arena),
 * or NULL once NotFoundException is answered. */
static json_t *domain_or_404(nb_req_t *req, const char *param, const char **name)
{
    *name = lower_dup(req->arena, nb_req_param(req, param));
    json_t *d = json_object_get(apigw__svc.domains, *name);
    if (!d) nb_reply_error(req, APIGW_ERR_NOT_FOUND, "Invalid domain name identifier specified");
    return d;
}

/* The endpoint's target host name: "d-….execute-api.localhost". */
static json_t *target_name(json_t *doc)
{
    return json_sprintf("%s.execute-api.localhost", apigw__str(doc, "_id"));
}

static const char *endpoint_type(json_t *doc)
{
    const char *t = json_string_value(json_array_get(json_object_get(json_object_get(doc, "endpointConfiguration"),
                                                                     "types"), 0));
    return t ? t : "EDGE";
}

/* Recompute the fields that follow from the endpoint type. */
static void derive(json_t *doc)
{
    static const char *const gen[] = {"distributionDomainName", "distributionHostedZoneId", "regionalDomainName",
                                      "regionalHostedZoneId"};
    for (size_t i = 0; i < 4; i++) json_object_del(doc, gen[i]);
    if (strcmp(endpoint_type(doc), "EDGE") == 0) {
        json_object_set_new(doc, "distributionDomainName", target_name(doc));
        json_object_set_new(doc, "distributionHostedZoneId", json_string(EDGE_ZONE));
    } else {
        json_object_set_new(doc, "regionalDomainName", target_name(doc));
        json_object_set_new(doc, "regionalHostedZoneId", json_string(REGIONAL_ZONE));
    }
    json_object_set_new(doc, "domainNameStatus", json_string("AVAILABLE"));
}

/* Check the v1 settings of doc; 0, or -1 with *msg (static). */
static int check_v1(json_t *doc, const char **msg)
{
    json_t *ec = json_object_get(doc, "endpointConfiguration");
    json_t *types = json_object_get(ec, "types");
    const char *t = json_string_value(json_array_get(types, 0));
    if (ec && (json_array_size(types) != 1 || !t ||
               (strcmp(t, "EDGE") && strcmp(t, "REGIONAL") && strcmp(t, "PRIVATE")))) {
        *msg = "Invalid endpoint configuration. Exactly one endpoint type (EDGE, REGIONAL or PRIVATE) is supported.";
        return -1;
    }
    const char *sp = apigw__str(doc, "securityPolicy");
    if (sp && strcmp(sp, "TLS_1_0") && strcmp(sp, "TLS_1_2")) {
        *msg = "Invalid security policy specified. Must be one of: [TLS_1_0, TLS_1_2]";
        return -1;
    }
    json_t *tags = json_object_get(doc, "tags");
    if (tags && !json_is_object(tags)) {
        *msg = "Invalid tags";
        return -1;
    }
    return 0;
}

/* A new domain document for name (validated) with the members of v1 copied. */
static json_t *new_domain(const char *name)
{
    char id[16] = "d-";
    apigw__new_id(id + 2, 10);
    return json_pack("{s:s,s:s,s:s,s:{}}", "domainName", name, "_id", id, "securityPolicy", "TLS_1_2", "_mappings");
}

/* Name of a new domain from the request body member (lower-cased, arena), or
 * NULL once the error is answered (invalid; exists: conflict_err). */
static const char *new_name(nb_req_t *req, const char *member, nb_err_t conflict_err)
{
    const char *raw = apigw__str(req->json, member);
    if (!raw || !apigw__domain_name_ok(raw)) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid domain name specified: %s", raw ? raw : "");
        return NULL;
    }
    const char *name = lower_dup(req->arena, raw);
    if (json_object_get(apigw__svc.domains, name)) {
        nb_reply_error(req, conflict_err, "The domain name you provided already exists.");
        return NULL;
    }
    return name;
}

/* --- v1 DomainName -------------------------------------------------------- */

void apigw__op_v1_create_domain(nb_req_t *req)
{
    const char *name = new_name(req, "domainName", APIGW_ERR_BAD_REQUEST);
    if (!name) return;
    json_t *doc = new_domain(name);
    static const char *const copy[] = {"certificateName", "certificateArn", "regionalCertificateName",
                                       "regionalCertificateArn", "endpointConfiguration", "securityPolicy", "tags",
                                       "ownershipVerificationCertificateArn"};
    for (size_t i = 0; i < sizeof copy / sizeof copy[0]; i++)
        if (json_object_get(req->json, copy[i])) json_object_set(doc, copy[i], json_object_get(req->json, copy[i]));
    if (!json_object_get(doc, "endpointConfiguration"))
        json_object_set_new(doc, "endpointConfiguration", json_pack("{s:[s]}", "types", "EDGE"));
    const char *msg;
    if (check_v1(doc, &msg) != 0) {
        json_decref(doc);
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "%s", msg);
        return;
    }
    if (apigw__str(doc, "certificateArn") || apigw__str(doc, "certificateName") || json_object_get(req->json, "certificateBody"))
        json_object_set_new(doc, "certificateUploadDate", apigw__epoch_now());
    derive(doc);
    json_object_set_new(apigw__svc.domains, name, doc);
    apigw__save_reply(req, 'd', name, doc, 201, apigw__public(doc));
}

void apigw__op_v1_get_domain(nb_req_t *req)
{
    const char *name;
    json_t *d = domain_or_404(req, "domain_name", &name);
    if (d) nb_reply_json(req, 200, apigw__public(d));
}

void apigw__op_v1_get_domains(nb_req_t *req)
{
    nb_reply_json(req, 200, apigw__list(apigw__svc.domains, "item"));
}

void apigw__op_v1_update_domain(nb_req_t *req)
{
    const char *name, *msg;
    json_t *d = domain_or_404(req, "domain_name", &name);
    if (!d) return;
    json_t *copy = json_deep_copy(d);   /* nothing half-applied */
    if (apigw__patch(copy, json_object_get(req->json, "patchOperations"), &msg) != 0 || check_v1(copy, &msg) != 0) {
        json_decref(copy);
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "%s", msg);
        return;
    }
    if (!apigw__str(copy, "domainName") || strcmp(apigw__str(copy, "domainName"), name) != 0 || !apigw__str(copy, "_id") ||
        strcmp(apigw__str(copy, "_id"), apigw__str(d, "_id")) != 0 || !json_equal(json_object_get(copy, "_mappings"),
                                                                    json_object_get(d, "_mappings"))) {
        json_decref(copy);
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid patch path");
        return;
    }
    derive(copy);
    json_object_set_new(apigw__svc.domains, name, copy);
    apigw__save_reply(req, 'd', name, copy, 200, apigw__public(copy));
}

static void delete_domain(nb_req_t *req, const char *param, int status)
{
    const char *name;
    if (!domain_or_404(req, param, &name)) return;
    json_object_del(apigw__svc.domains, name);
    apigw__save_reply(req, 'd', name, NULL, status, NULL);
}

void apigw__op_v1_delete_domain(nb_req_t *req)
{
    delete_domain(req, "domain_name", 202);
}

/* --- mappings (shared) ---------------------------------------------------- */

static json_t *mapping_by_key(json_t *d, const char *key, const char **id)
{
    const char *k;
    json_t *m;
    json_object_foreach(json_object_get(d, "_mappings"), k, m) {
        if (strcmp(apigw__str(m, "apiMappingKey") ? apigw__str(m, "apiMappingKey") : "", key) == 0) {
            if (id) *id = k;
            return m;
        }
    }
    return NULL;
}

static json_t *bpm_view(json_t *m)
{
    const char *key = apigw__str(m, "apiMappingKey");
    json_t *v = json_pack("{s:s,s:s}", "basePath", key && *key ? key : "(none)", "restApiId", apigw__str(m, "apiId"));
    if (apigw__str(m, "stage")) json_object_set_new(v, "stage", json_string(apigw__str(m, "stage")));
    return v;
}

/* Check a mapping (api of kind v1 only when v1_only) and that no other
 * mapping of d than self_id has its key; 0, or -1 once answered. */
static int check_mapping(nb_req_t *req, json_t *d, json_t *m, const char *self_id, int v1)
{
    const char *key = apigw__str(m, "apiMappingKey") ? apigw__str(m, "apiMappingKey") : "";
    if (!apigw__mapping_key_ok(key)) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, v1 ? "Invalid base path specified: %s" :
                       "Invalid ApiMappingKey specified: %s", key);
        return -1;
    }
    const char *api_id = apigw__str(m, "apiId"), *stage = apigw__str(m, "stage");
    json_t *doc = api_id ? json_object_get(apigw__svc.apis, api_id) : NULL;
    if (v1 && (!doc || strcmp(apigw__str(doc, "kind"), "v1") != 0)) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid REST API identifier specified");
        return -1;
    }
    if (!doc) {
        nb_reply_error(req, APIGW_ERR_NOT_FOUND, "Invalid API identifier specified %s:%s", req->ctx->cfg->account,
                       api_id ? api_id : "");
        return -1;
    }
    if ((stage || !v1) && !json_object_get(json_object_get(doc, "stages"), stage ? stage : "")) {
        nb_reply_error(req, v1 ? APIGW_ERR_BAD_REQUEST : APIGW_ERR_NOT_FOUND, "Invalid stage identifier specified");
        return -1;
    }
    const char *other;
    if (mapping_by_key(d, key, &other) && (!self_id || strcmp(other, self_id) != 0)) {
        nb_reply_error(req, APIGW_ERR_CONFLICT, v1 ? "Base path already exists for this domain name" :
                       "ApiMapping key already exists for this domain name");
        return -1;
    }
    return 0;
}

/* Store m (stolen) as mapping id of domain d (name) and reply status with body (stolen). */
static void put_mapping(nb_req_t *req, const char *name, json_t *d, const char *id, json_t *m, int status,
                        json_t *body)
{
    json_object_set_new(json_object_get(d, "_mappings"), id, m);
    apigw__save_reply(req, 'd', name, d, status, body);
}

/* --- v1 BasePathMapping --------------------------------------------------- */

static const char *base_path_param(nb_req_t *req)
{
    const char *bp = nb_req_param(req, "base_path");
    return !bp || strcmp(bp, "(none)") == 0 ? "" : bp;
}

void apigw__op_v1_create_bpm(nb_req_t *req)
{
    const char *name;
    json_t *d = domain_or_404(req, "domain_name", &name);
    if (!d) return;
    const char *bp = apigw__str(req->json, "basePath");
    if (!bp || strcmp(bp, "(none)") == 0) bp = "";
    json_t *m = json_pack("{s:s,s:s}", "apiMappingKey", bp, "apiId", apigw__str(req->json, "restApiId") ?
                          apigw__str(req->json, "restApiId") : "");
    if (apigw__str(req->json, "stage")) json_object_set_new(m, "stage", json_string(apigw__str(req->json, "stage")));
    if (check_mapping(req, d, m, NULL, 1) != 0) {
        json_decref(m);
        return;
    }
    char id[16];
    apigw__new_id(id, 6);
    json_object_set_new(m, "apiMappingId", json_string(id));
    put_mapping(req, name, d, id, m, 201, bpm_view(m));
}

static json_t *bpm_or_404(nb_req_t *req, json_t *d, const char **id)
{
    json_t *m = mapping_by_key(d, base_path_param(req), id);
    if (!m) nb_reply_error(req, APIGW_ERR_NOT_FOUND, "Invalid base path mapping identifier specified");
    return m;
}

void apigw__op_v1_get_bpm(nb_req_t *req)
{
    const char *name, *id;
    json_t *d = domain_or_404(req, "domain_name", &name), *m = d ? bpm_or_404(req, d, &id) : NULL;
    if (m) nb_reply_json(req, 200, bpm_view(m));
}

static int by_base_path(const void *a, const void *b)
{
    return strcmp(apigw__str(*(json_t *const *)a, "basePath"), apigw__str(*(json_t *const *)b, "basePath"));
}

void apigw__op_v1_get_bpms(nb_req_t *req)
{
    const char *name;
    json_t *d = domain_or_404(req, "domain_name", &name);
    if (!d) return;
    json_t *ms = json_object_get(d, "_mappings");
    size_t n = json_object_size(ms), i = 0;
    json_t **v = nb_arena_alloc(req->arena, sizeof *v * (n ? n : 1));
    const char *k;
    json_t *m;
    json_object_foreach(ms, k, m) v[i++] = bpm_view(m);
    qsort(v, n, sizeof *v, by_base_path);
    json_t *items = json_array();
    for (i = 0; i < n; i++) json_array_append_new(items, v[i]);
    nb_reply_json(req, 200, json_pack("{s:o}", "item", items));
}

void apigw__op_v1_update_bpm(nb_req_t *req)
{
    const char *name, *id, *msg;
    json_t *d = domain_or_404(req, "domain_name", &name), *m = d ? bpm_or_404(req, d, &id) : NULL;
    if (!m) return;
    json_t *view = bpm_view(m);
    if (apigw__patch(view, json_object_get(req->json, "patchOperations"), &msg) != 0) {
        json_decref(view);
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "%s", msg);
        return;
    }
    const char *bp = apigw__str(view, "basePath");
    if (!bp || strcmp(bp, "(none)") == 0) bp = "";
    json_t *nm = json_pack("{s:s,s:s,s:s}", "apiMappingKey", bp, "apiId", apigw__str(view, "restApiId") ?
                           apigw__str(view, "restApiId") : "", "apiMappingId", id);
    if (apigw__str(view, "stage")) json_object_set_new(nm, "stage", json_string(apigw__str(view, "stage")));
    json_decref(view);
    char *sid = nb_arena_strdup(req->arena, id);
    if (check_mapping(req, d, nm, sid, 1) != 0) {
        json_decref(nm);
        return;
    }
    put_mapping(req, name, d, sid, nm, 200, bpm_view(nm));
}

void apigw__op_v1_delete_bpm(nb_req_t *req)
{
    const char *name, *id;
    json_t *d = domain_or_404(req, "domain_name", &name), *m = d ? bpm_or_404(req, d, &id) : NULL;
    if (!m) return;
    json_object_del(json_object_get(d, "_mappings"), id);
    apigw__save_reply(req, 'd', name, d, 202, NULL);
}

/* --- v2 DomainName --------------------------------------------------------- */

static json_t *v2_view(json_t *d)
{
    const char *type = endpoint_type(d);
    int edge = strcmp(type, "EDGE") == 0;
    json_t *cfg = json_pack("{s:o,s:s,s:s,s:s,s:s}", "apiGatewayDomainName", target_name(d), "domainNameStatus",
                            "AVAILABLE", "endpointType", type, "hostedZoneId", edge ? EDGE_ZONE : REGIONAL_ZONE,
                            "securityPolicy", apigw__str(d, "securityPolicy") ? apigw__str(d, "securityPolicy") : "TLS_1_2");
    const char *arn = apigw__str(d, edge ? "certificateArn" : "regionalCertificateArn");
    const char *cn = apigw__str(d, edge ? "certificateName" : "regionalCertificateName");
    if (arn) json_object_set_new(cfg, "certificateArn", json_string(arn));
    if (cn) json_object_set_new(cfg, "certificateName", json_string(cn));
    json_t *tags = json_object_get(d, "tags");
    json_t *v = json_pack("{s:s,s:s,s:[o],s:o}", "domainName", apigw__str(d, "domainName"), "apiMappingSelectionExpression",
                          "$request.basepath", "domainNameConfigurations", cfg, "tags",
                          tags ? json_copy(tags) : json_object());
    json_t *mtls = json_object_get(d, "mutualTlsAuthentication");
    if (mtls) json_object_set(v, "mutualTlsAuthentication", mtls);
    return v;
}

/* MutualTlsAuthentication (borrowed) into d: the truststore's URI and version
 * as given; one without a URI turns mutual TLS off. */
static void apply_v2_mtls(json_t *d, json_t *in)
{
    if (!json_is_object(in)) return;
    const char *uri = apigw__str(in, "truststoreUri"), *ver = apigw__str(in, "truststoreVersion");
    if (!uri || !*uri) {
        json_object_del(d, "mutualTlsAuthentication");
        return;
    }
    json_t *m = json_pack("{s:s}", "truststoreUri", uri);
    if (ver && *ver) json_object_set_new(m, "truststoreVersion", json_string(ver));
    json_object_set_new(d, "mutualTlsAuthentication", m);
}

/* Apply DomainNameConfigurations (borrowed; at most one) to d; 0, or -1 with *msg. */
static int apply_v2_cfgs(json_t *d, json_t *cfgs, const char **msg)
{
    if (!cfgs) return 0;
    if (!json_is_array(cfgs) || json_array_size(cfgs) > 1) {
        *msg = "Only one domain name configuration is supported";
        return -1;
    }
    json_t *c = json_array_get(cfgs, 0);
    if (!c) return 0;
    const char *type = apigw__str(c, "endpointType") ? apigw__str(c, "endpointType") : "REGIONAL";
    if (strcmp(type, "REGIONAL") && strcmp(type, "EDGE")) {
        *msg = "Invalid EndpointType specified. Must be one of: [REGIONAL, EDGE]";
        return -1;
    }
    int edge = strcmp(type, "EDGE") == 0;
    json_object_set_new(d, "endpointConfiguration", json_pack("{s:[s]}", "types", type));
    if (apigw__str(c, "certificateArn")) json_object_set(d, edge ? "certificateArn" : "regionalCertificateArn",
                                                  json_object_get(c, "certificateArn"));
    if (apigw__str(c, "certificateName")) json_object_set(d, edge ? "certificateName" : "regionalCertificateName",
                                                   json_object_get(c, "certificateName"));
    if (apigw__str(c, "securityPolicy")) json_object_set(d, "securityPolicy", json_object_get(c, "securityPolicy"));
    return check_v1(d, msg);
}

void apigw__op_v2_create_domain(nb_req_t *req)
{
    const char *name = new_name(req, "domainName", APIGW_ERR_CONFLICT), *msg;
    if (!name) return;
    json_t *d = new_domain(name);
    json_object_set_new(d, "endpointConfiguration", json_pack("{s:[s]}", "types", "REGIONAL"));
    if (json_object_get(req->json, "tags")) json_object_set(d, "tags", json_object_get(req->json, "tags"));
    apply_v2_mtls(d, json_object_get(req->json, "mutualTlsAuthentication"));
    if (apply_v2_cfgs(d, json_object_get(req->json, "domainNameConfigurations"), &msg) != 0) {
        json_decref(d);
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "%s", msg);
        return;
    }
    derive(d);
    json_object_set_new(apigw__svc.domains, name, d);
    apigw__save_reply(req, 'd', name, d, 201, v2_view(d));
}

void apigw__op_v2_get_domain(nb_req_t *req)
{
    const char *name;
    json_t *d = domain_or_404(req, "domainName", &name);
    if (d) nb_reply_json(req, 200, v2_view(d));
}

void apigw__op_v2_get_domains(nb_req_t *req)
{
    json_t *all = apigw__list(apigw__svc.domains, "items"), *items = json_object_get(all, "items");
    size_t i;
    json_t *v;
    json_array_foreach(items, i, v) {
        json_t *d = json_object_get(apigw__svc.domains, apigw__str(v, "domainName"));
        json_array_set_new(items, i, v2_view(d));
    }
    nb_reply_json(req, 200, all);
}

void apigw__op_v2_update_domain(nb_req_t *req)
{
    const char *name, *msg;
    json_t *d = domain_or_404(req, "domainName", &name);
    if (!d) return;
    json_t *copy = json_deep_copy(d);
    apply_v2_mtls(copy, json_object_get(req->json, "mutualTlsAuthentication"));
    if (apply_v2_cfgs(copy, json_object_get(req->json, "domainNameConfigurations"), &msg) != 0) {
        json_decref(copy);
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "%s", msg);
        return;
    }
    derive(copy);
    json_object_set_new(apigw__svc.domains, name, copy);
    apigw__save_reply(req, 'd', name, copy, 200, v2_view(copy));
}

void apigw__op_v2_delete_domain(nb_req_t *req)
{
    delete_domain(req, "domainName", 204);
}

/* --- v2 ApiMapping --------------------------------------------------------- */

static json_t *v2_mapping_or_404(nb_req_t *req, json_t *d, const char **id)
{
    *id = nb_arena_strdup(req->arena, nb_req_param(req, "apiMappingId") ? nb_req_param(req, "apiMappingId") : "");
    json_t *m = json_object_get(json_object_get(d, "_mappings"), *id);
    if (!m) nb_reply_error(req, APIGW_ERR_NOT_FOUND, "Invalid ApiMapping identifier specified");
    return m;
}

void apigw__op_v2_create_mapping(nb_req_t *req)
{
    const char *name;
    json_t *d = domain_or_404(req, "domainName", &name);
    if (!d) return;
    if (!apigw__str(req->json, "apiId") || !apigw__str(req->json, "stage")) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "ApiId and Stage are required");
        return;
    }
    json_t *m = json_pack("{s:s,s:s,s:s}", "apiId", apigw__str(req->json, "apiId"), "apiMappingKey",
                          apigw__str(req->json, "apiMappingKey") ? apigw__str(req->json, "apiMappingKey") : "", "stage",
                          apigw__str(req->json, "stage"));
    if (check_mapping(req, d, m, NULL, 0) != 0) {
        json_decref(m);
        return;
    }
    char id[16];
    apigw__new_id(id, 6);
    json_object_set_new(m, "apiMappingId", json_string(id));
    put_mapping(req, name, d, id, m, 201, json_copy(m));
}

void apigw__op_v2_get_mapping(nb_req_t *req)
{
    const char *name, *id;
    json_t *d = domain_or_404(req, "domainName", &name), *m = d ? v2_mapping_or_404(req, d, &id) : NULL;
    if (m) nb_reply_json(req, 200, json_copy(m));
}

void apigw__op_v2_get_mappings(nb_req_t *req)
{
    const char *name;
    json_t *d = domain_or_404(req, "domainName", &name);
    if (d) nb_reply_json(req, 200, apigw__list(json_object_get(d, "_mappings"), "items"));
}

void apigw__op_v2_update_mapping(nb_req_t *req)
{
    const char *name, *id;
    json_t *d = domain_or_404(req, "domainName", &name), *m = d ? v2_mapping_or_404(req, d, &id) : NULL;
    if (!m) return;
    json_t *nm = json_copy(m);
    static const char *const members[] = {"apiId", "apiMappingKey", "stage"};
    for (size_t i = 0; i < 3; i++)
        if (apigw__str(req->json, members[i])) json_object_set(nm, members[i], json_object_get(req->json, members[i]));
    if (check_mapping(req, d, nm, id, 0) != 0) {
        json_decref(nm);
        return;
    }
    put_mapping(req, name, d, id, nm, 200, json_copy(nm));
}

void apigw__op_v2_delete_mapping(nb_req_t *req)
{
    const char *name, *id;
    json_t *d = domain_or_404(req, "domainName", &name), *m = d ? v2_mapping_or_404(req, d, &id) : NULL;
    if (!m) return;
    json_object_del(json_object_get(d, "_mappings"), id);
    apigw__save_reply(req, 'd', name, d, 204, NULL);
}

/* --- the data plane's lookup ---------------------------------------------- */

static json_t *domain_of_host(const char *host)
{
    json_t *d = json_object_get(apigw__svc.domains, host);
    if (d || strncmp(host, "d-", 2) != 0) return d;
    const char *dot = strchr(host, '.');
    if (!dot || strcmp(dot, ".execute-api.localhost") != 0) return NULL;
    const char *k;
    json_object_foreach(apigw__svc.domains, k, d) {
        const char *id = apigw__str(d, "_id");
        if (id && strlen(id) == (size_t)(dot - host) && strncmp(id, host, (size_t)(dot - host)) == 0) return d;
    }
    return NULL;
}

int apigw__domain_route(const char *host, const char *path, const char **api, const char **stage, const char **rest)
{
    if (!apigw__svc.domains || !json_object_size(apigw__svc.domains) || !host) return 1;
    json_t *d = domain_of_host(host);
    if (!d) return 1;
    json_t *best = NULL;
    size_t best_len = 0, best_key = 0;
    const char *k;
    json_t *m;
    json_object_foreach(json_object_get(d, "_mappings"), k, m) {
        const char *key = apigw__str(m, "apiMappingKey") ? apigw__str(m, "apiMappingKey") : "";
        size_t used = apigw__mapping_serves(key, path);
        if (used == (size_t)-1 || (best && strlen(key) <= best_key)) continue;
        best = m;
        best_len = used;
        best_key = strlen(key);
    }
    if (!best) return -1;
    *api = apigw__str(best, "apiId");
    *stage = apigw__str(best, "stage");
    *rest = path[best_len] == '/' ? path + best_len : "/";
    return 0;
}
