/* cp_v1_coll.c — REST API child collections handled alike: authorizers,
 * request validators, models (keyed by name), deployments and stages (keyed
 * by name), chosen by the operation's name. CreateDeployment snapshots the
 * resource tree into the deployment ("_snapshot") — stages serve snapshots,
 * so later edits take effect only when redeployed, as in AWS. */
#include "apigw/apigw_int.h"
#include "apigw/access_log.h"
#include <stdio.h>
#include <string.h>

typedef struct v1_coll {
    const char *noun;    /* "Authorizer" */
    const char *coll;    /* document member */
    const char *param;   /* URI parameter naming one item */
    const char *key;     /* wire member holding the key ("id", "name", "stageName") */
    const char *what;    /* NotFound message noun */
} v1_coll_t;

static const v1_coll_t colls[] = {
    {"Authorizer", "authorizers", "authorizer_id", "id", "Authorizer"},
    {"RequestValidator", "validators", "requestvalidator_id", "id", "Request Validator"},
    {"Model", "models", "model_name", "name", "Model"},
    {"Deployment", "deployments", "deployment_id", "id", "Deployment"},
    {"Stage", "stages", "stage_name", "stageName", "Stage"},
};

static const v1_coll_t *coll_of(const char *op)
{
    for (size_t i = 0; i < sizeof colls / sizeof colls[0]; i++)
        if (apigw__op_on(op, colls[i].noun)) return &colls[i];
    return NULL;
}

/* The API document, or NULL after replying as AWS does when it is missing:
 * each collection in its own words (verb 'C'reate, 'G'et one, 'U'pdate, 'D'elete, 'L'ist). */
static json_t *api_of(nb_req_t *req, const v1_coll_t *c, char verb)
{
    const char *id = apigw__rest_id(req);
    json_t *doc = json_object_get(apigw__svc.apis, id);
    if (doc && strcmp(apigw__str(doc, "kind"), "v1") == 0) return doc;
    if (verb == 'C' && !strcmp(c->coll, "authorizers"))
        nb_reply_error(req, APIGW_ERR_CONFLICT, "Unable to complete operation due to concurrent modification. Please "
                       "try again later.");
    else if (verb == 'C' && !strcmp(c->coll, "validators"))
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid REST API identifier specified");
    else if (verb != 'C' && verb != 'L' && !strcmp(c->coll, "validators"))
        nb_reply_error(req, APIGW_ERR_NOT_FOUND, "Invalid Request Validator identifier specified");
    else if (verb != 'C' && verb != 'L' && !strcmp(c->coll, "models"))
        nb_reply_error(req, APIGW_ERR_NOT_FOUND, "Invalid model name specified: %s", nb_req_param(req, c->param));
    else
        apigw__api_or_404(req, id, "v1");
    return NULL;
}

/* Item of c named by the path, or NULL after NotFoundException. */
static json_t *item_of(nb_req_t *req, json_t *doc, const v1_coll_t *c)
{
    const char *key = nb_req_param(req, c->param);
    if (!strcmp(c->coll, "models") && !json_object_get(json_object_get(doc, c->coll), key ? key : "")) {
        nb_reply_error(req, APIGW_ERR_NOT_FOUND, "Invalid model name specified: %s", key ? key : "");
        return NULL;
    }
    return apigw__child_or_404(req, doc, c->coll, key, c->what);
}

/* A stage as GetStage(s) shows it: the cache cluster's status, no empty variables. */
static json_t *stage_view(json_t *st)
{
    json_t *v = apigw__public(st);
    if (!json_object_get(v, "cacheClusterStatus")) json_object_set_new(v, "cacheClusterStatus", json_string("NOT_AVAILABLE"));
    if (json_object_size(json_object_get(v, "variables")) == 0) json_object_del(v, "variables");
    return v;
}

static json_t *view(const v1_coll_t *c, json_t *item)
{
    return strcmp(c->coll, "stages") ? apigw__public(item) : stage_view(item);
}

/* UpdateModel / UpdateRequestValidator: AWS's op and path rules, then the patched copy's. */
static int update_rules(nb_req_t *req, const v1_coll_t *c)
{
    if (!strcmp(c->coll, "models")) {
        static const char *const paths[] = {"/description", "/schema", NULL};
        return apigw__v1_replace_only(req, paths);
    }
    if (!strcmp(c->coll, "validators")) {
        static const char *const paths[] = {"/name", "/validateRequestParameters", "/validateRequestBody", NULL};
        return apigw__v1_replace_only(req, paths);
    }
    return 0;
}

static int updated_ok(nb_req_t *req, const v1_coll_t *c, json_t *copy)
{
    if (!strcmp(c->coll, "models")) {
        if (!apigw__str(copy, "schema") || !*apigw__str(copy, "schema")) {
            nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Model schema must have at least 1 property or array items defined");
            return -1;
        }
        if (apigw__str(copy, "description") && !*apigw__str(copy, "description")) json_object_del(copy, "description");
    }
    if (!strcmp(c->coll, "validators") && (!apigw__str(copy, "name") || !*apigw__str(copy, "name"))) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Request Validator name cannot be blank");
        return -1;
    }
    return 0;
}

static int check(nb_req_t *req, json_t *doc, const v1_coll_t *c, json_t *item)
{
    if (strcmp(c->coll, "authorizers") == 0) {
        const char *t = apigw__str(item, "type");
        if (!apigw__str(item, "name") || !t || (strcmp(t, "TOKEN") && strcmp(t, "REQUEST") && strcmp(t, "COGNITO_USER_POOLS"))) {
            nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid authorizer type specified");
            return -1;
        }
        if (strcmp(t, "COGNITO_USER_POOLS") != 0 && !apigw__str(item, "authorizerUri")) {
            nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid Authorizer URI specified");
            return -1;
        }
        if (!apigw__str(item, "identitySource") && strcmp(t, "TOKEN") == 0)
            json_object_set_new(item, "identitySource", json_string("method.request.header.Authorization"));
        if (!json_object_get(item, "authorizerResultTtlInSeconds"))
            json_object_set_new(item, "authorizerResultTtlInSeconds", json_integer(300));
        json_object_set_new(item, "authType", json_string("custom"));
    } else if (strcmp(c->coll, "models") == 0) {
        if (!apigw__str(item, "name") || !*apigw__str(item, "name")) {
            nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Model name must be non-empty");
            return -1;
        }
        if (!apigw__str(item, "contentType")) {
            nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Model name and content type must be specified");
            return -1;
        }
        if (json_object_get(json_object_get(doc, "models"), apigw__str(item, "name"))) {
            nb_reply_error(req, APIGW_ERR_CONFLICT, "Model name already exists for this REST API");
            return -1;
        }
        if (apigw__str(item, "description") && !*apigw__str(item, "description")) json_object_del(item, "description");
        const char *schema = apigw__str(item, "schema");
        if (!schema || !*schema) {
            nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Model schema must have at least 1 property or array items defined");
            return -1;
        }
        json_t *j = json_loads(schema, 0, NULL);
        if (!json_is_object(j)) {
            json_decref(j);
            nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid model specified: Validation Result: warnings : [], "
                           "errors : [Invalid model schema specified]");
            return -1;
        }
        json_decref(j);
    } else if (strcmp(c->coll, "validators") == 0) {
        if (!json_object_get(item, "validateRequestBody")) json_object_set_new(item, "validateRequestBody", json_false());
        if (!json_object_get(item, "validateRequestParameters"))
            json_object_set_new(item, "validateRequestParameters", json_false());
    }
    return 0;
}

void apigw__op_v1_create(nb_req_t *req)
{
    const v1_coll_t *c = coll_of(req->op->name);
    const char *id = apigw__rest_id(req);
    json_t *doc = api_of(req, c, 'C');
    if (!doc) return;
    json_t *item = json_deep_copy(req->json);
    json_object_del(item, "restapi_id");
    if (check(req, doc, c, item) != 0) {
        json_decref(item);
        return;
    }
    char key[16];
    if (strcmp(c->key, "id") == 0) {
        apigw__new_id(key, 6);
        json_object_set_new(item, "id", json_string(key));
    } else {
        char nid[16];
        apigw__new_id(nid, 6);
        json_object_set_new(item, "id", json_string(nid));
        snprintf(key, sizeof key, "%s", "");
    }
    const char *k = key[0] ? key : apigw__str(item, c->key);
    json_object_set_new(json_object_get(doc, c->coll), k, item);
    apigw__save_reply(req, 'a', id, doc, 201, apigw__public(item));
}

void apigw__op_v1_get(nb_req_t *req)
{
    const v1_coll_t *c = coll_of(req->op->name);
    json_t *doc = api_of(req, c, 'G');
    if (!doc) return;
    json_t *item = item_of(req, doc, c);
    if (item) nb_reply_json(req, 200, view(c, item));
}

void apigw__op_v1_list(nb_req_t *req)
{
    const v1_coll_t *c = coll_of(req->op->name);
    json_t *doc = api_of(req, c, 'L');
    if (!doc) return;
    json_t *out = apigw__list(json_object_get(doc, c->coll), "item");
    if (!strcmp(c->coll, "stages")) {   /* GetStages?deploymentId= lists that deployment's stages */
        const char *dep = nb_req_qparam(req, "deploymentId");
        json_t *items = json_object_get(out, "item"), *kept = json_array();
        size_t i;
        json_t *st;
        json_array_foreach(items, i, st)
            if (!dep || !strcmp(apigw__str(st, "deploymentId") ? apigw__str(st, "deploymentId") : "", dep))
                json_array_append_new(kept, stage_view(st));
        json_object_set_new(out, "item", kept);
    }
    nb_reply_json(req, 200, out);
}

void apigw__op_v1_update(nb_req_t *req)
{
    const v1_coll_t *c = coll_of(req->op->name);
    if (apigw__v1_patch_enum_check(req, NULL) != 0) return;
    const char *id = apigw__rest_id(req);
    json_t *doc = api_of(req, c, 'U');
    if (!doc) return;
    json_t *item = item_of(req, doc, c);
    if (!item || update_rules(req, c) != 0) return;
    json_t *copy = json_deep_copy(item);
    const char *msg;
    json_t *ops = json_incref(json_object_get(req->json, "patchOperations"));
    if (!strcmp(c->coll, "stages")) {   /* AWS's setting paths; /canarySettings/… first, in AWS's words */
        json_decref(ops);
        if (apigw__v1_stage_paths_check(req) != 0 || !(ops = apigw__v1_canary_patch(req, copy))) {
            json_decref(copy);
            return;
        }
    }
    int rc = apigw__patch(copy, ops, &msg);
    json_decref(ops);
    if (rc != 0) {
        json_decref(copy);
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "%s", msg);
        return;
    }
    if (updated_ok(req, c, copy) != 0) {
        json_decref(copy);
        return;
    }
    if (strcmp(c->coll, "stages") == 0) {
        const char *dep = apigw__str(copy, "deploymentId");
        if (!dep || !json_object_get(json_object_get(doc, "deployments"), dep)) {
            json_decref(copy);
            nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid deployment identifier specified");
            return;
        }
        if (apigw__v1_canary_exists(req, doc, copy) != 0) {
            json_decref(copy);
            return;
        }
        if (apigw__access_log_check(json_object_get(copy, "accessLogSettings"), &msg) != 0) {
            json_decref(copy);
            nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "%s", msg);
            return;
        }
        json_object_set_new(copy, "lastUpdatedDate", apigw__epoch_now());
    }
    json_object_set_new(json_object_get(doc, c->coll), nb_req_param(req, c->param), copy);
    apigw__save_reply(req, 'a', id, doc, 200, view(c, copy));
}

void apigw__op_v1_delete(nb_req_t *req)
{
    const v1_coll_t *c = coll_of(req->op->name);
    const char *id = apigw__rest_id(req);
    json_t *doc = api_of(req, c, 'D');
    if (!doc) return;
    const char *key = nb_req_param(req, c->param);
    if (!item_of(req, doc, c)) return;
    if (!strcmp(c->coll, "models") && apigw__v1_model_in_use(req, doc, key)) return;
    if (strcmp(c->coll, "deployments") == 0) {
        /* a canary's deployment is in use too (AWS's answer for it not recorded: the same refusal) */
        int used = apigw__v1_canary_in_use(doc, key);
        const char *k;
        json_t *st;
        json_object_foreach(json_object_get(doc, "stages"), k, st) used |= strcmp(apigw__str(st, "deploymentId"), key) == 0;
        if (used) {
            nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Active stages pointing to this deployment must be moved or "
                           "deleted");
            return;
        }
    }
    json_object_del(json_object_get(doc, c->coll), key);
    apigw__save_reply(req, 'a', id, doc, 202, NULL);
}

static json_t *new_stage(const char *name, const char *dep, json_t *body)
{
    json_t *st = json_pack("{s:s,s:s,s:o,s:o,s:{},s:b,s:b}", "stageName", name, "deploymentId", dep, "createdDate",
                           apigw__epoch_now(), "lastUpdatedDate", apigw__epoch_now(), "methodSettings",
                           "tracingEnabled", 0, "cacheClusterEnabled", 0);
    json_t *vars = json_object_get(body, "variables");
    json_object_set_new(st, "variables", vars ? json_deep_copy(vars) : json_object());
    const char *d = apigw__str(body, "description");
    if (!d) d = apigw__str(body, "stageDescription");
    if (d) json_object_set_new(st, "description", json_string(d));
    if (json_object_get(body, "tags")) json_object_set(st, "tags", json_object_get(body, "tags"));
    json_t *canary = json_object_get(body, "canarySettings");
    if (json_is_object(canary)) json_object_set_new(st, "canarySettings", apigw__v1_canary_new(canary, dep));
    return st;
}

void apigw__op_v1_create_deployment(nb_req_t *req)
{
    const char *id = apigw__rest_id(req);
    json_t *doc = apigw__api_or_404(req, id, "v1");
    if (!doc) return;
    const char *k;
    json_t *r;
    int any = 0;
    json_object_foreach(json_object_get(doc, "resources"), k, r)
        if (json_object_size(json_object_get(r, "resourceMethods"))) any = 1;
    if (!any) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "The REST API doesn't contain any methods");
        return;
    }
    if (apigw__v1_canary_deployment_check(req, doc) != 0) return;
    char did[16];
    apigw__new_id(did, 6);
    json_t *dep = json_pack("{s:s,s:o}", "id", did, "createdDate", apigw__epoch_now());
    if (apigw__str(req->json, "description")) json_object_set_new(dep, "description", json_string(apigw__str(req->json, "description")));
    json_object_set_new(dep, "_snapshot", json_deep_copy(json_object_get(doc, "resources")));
    json_t *gr = json_object_get(doc, "gatewayResponses");
    json_object_set_new(dep, "_gateway_responses", gr ? json_deep_copy(gr) : json_object());
    json_object_set_new(json_object_get(doc, "deployments"), did, dep);
    const char *sn = apigw__str(req->json, "stageName");
    if (sn && *sn) {
        json_t *stages = json_object_get(doc, "stages");
        json_t *st = json_object_get(stages, sn);
        json_t *canary = json_object_get(req->json, "canarySettings");
        if (st && json_is_object(canary)) {   /* a canary release: the stage keeps its deployment */
            json_t *c = apigw__v1_canary_new(canary, did);
            json_object_set_new(c, "deploymentId", json_string(did));
            json_object_set_new(st, "canarySettings", c);
            json_object_set_new(st, "lastUpdatedDate", apigw__epoch_now());
        } else if (st) {
            json_object_set_new(st, "deploymentId", json_string(did));
            json_object_set_new(st, "lastUpdatedDate", apigw__epoch_now());
            json_t *vars = json_object_get(req->json, "variables");
            if (json_is_object(vars)) json_object_update(json_object_get(st, "variables"), vars);
        } else {
            json_object_set_new(stages, sn, new_stage(sn, did, req->json));
        }
    }
    apigw__save_reply(req, 'a', id, doc, 201, apigw__public(dep));
}

void apigw__op_v1_create_stage(nb_req_t *req)
{
    const char *id = apigw__rest_id(req);
    json_t *doc = apigw__api_or_404(req, id, "v1");
    if (!doc) return;
    const char *sn = apigw__str(req->json, "stageName"), *dep = apigw__str(req->json, "deploymentId");
    if (!sn || !*sn) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Stage name must be non-empty");
        return;
    }
    if (!dep || !json_object_get(json_object_get(doc, "deployments"), dep)) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid deployment identifier specified");
        return;
    }
    json_t *stages = json_object_get(doc, "stages");
    if (json_object_get(stages, sn)) {
        nb_reply_error(req, APIGW_ERR_CONFLICT, "Stage already exists");
        return;
    }
    json_t *st = new_stage(sn, dep, req->json);
    if (apigw__v1_canary_exists(req, doc, st) != 0) {
        json_decref(st);
        return;
    }
    json_object_set_new(stages, sn, st);
    apigw__save_reply(req, 'a', id, doc, 201, stage_view(st));
}
