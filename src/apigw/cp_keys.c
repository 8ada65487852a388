/* cp_keys.c — API keys and usage plans (REST APIs): CRUD and the keys of a
 * plan. A plan lists its key ids in "_keys" (not part of the wire shape). An
 * API key's value is shown only when asked (includeValue/includeValues).
 * Deleting a plan, or a key from it, drops its usage counters (quota.c). */
#include "apigw/apigw_int.h"
#include "apigw/throttle.h"
#include <stdio.h>
#include <string.h>

static json_t *key_view(json_t *key, int with_value)
{
    json_t *v = apigw__public(key);
    if (!with_value) json_object_del(v, "value");
    return v;
}

static int truthy(const char *s)
{
    return s && strcmp(s, "true") == 0;
}

void apigw__op_create_api_key(nb_req_t *req)
{
    const char *value = apigw__str(req->json, "value");
    if (value && strlen(value) < 20) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "API Key value should be at least 20 characters");
        return;
    }
    const char *k;
    json_t *o;
    json_object_foreach(apigw__svc.keys, k, o) {
        if (value && strcmp(apigw__str(o, "value"), value) == 0) {
            nb_reply_error(req, APIGW_ERR_CONFLICT, "API Key already exists");
            return;
        }
    }
    char id[16], gen[48];
    apigw__new_id(id, 10);
    apigw__new_id(gen, 40);
    json_t *key = json_pack("{s:s,s:s,s:b,s:o,s:o,s:[]}", "id", id, "value", value ? value : gen, "enabled",
                            json_is_true(json_object_get(req->json, "enabled")), "createdDate", apigw__epoch_now(),
                            "lastUpdatedDate", apigw__epoch_now(), "stageKeys");
    static const char *const copy[] = {"name", "description", "customerId", "tags"};
    for (size_t i = 0; i < sizeof copy / sizeof copy[0]; i++)
        if (json_object_get(req->json, copy[i])) json_object_set(key, copy[i], json_object_get(req->json, copy[i]));
    json_object_set_new(apigw__svc.keys, id, key);
    apigw__save_reply(req, 'k', id, key, 201, key_view(key, 1));
}

static json_t *key_or_404(nb_req_t *req, const char **id)
{
    *id = nb_arena_strdup(req->arena, nb_req_param(req, "api_Key") ? nb_req_param(req, "api_Key") : "");
    json_t *key = json_object_get(apigw__svc.keys, *id);
    if (!key) nb_reply_error(req, APIGW_ERR_NOT_FOUND, "Invalid API Key identifier specified");
    return key;
}

void apigw__op_get_api_key(nb_req_t *req)
{
    const char *id;
    json_t *key = key_or_404(req, &id);
    if (key) nb_reply_json(req, 200, key_view(key, truthy(nb_req_qparam(req, "includeValue"))));
}

void apigw__op_get_api_keys(nb_req_t *req)
{
    int with = truthy(nb_req_qparam(req, "includeValues"));
    const char *name = nb_req_qparam(req, "name");
    json_t *all = apigw__list(apigw__svc.keys, "item"), *items = json_object_get(all, "item");
    for (size_t i = 0; i < json_array_size(items); i++) {
        json_t *k = json_array_get(items, i);
        if (name && (!apigw__str(k, "name") || strncmp(apigw__str(k, "name"), name, strlen(name)) != 0)) {
            json_array_remove(items, i--);
            continue;
        }
        if (!with) json_object_del(k, "value");
    }
    nb_reply_json(req, 200, all);
}

void apigw__op_delete_api_key(nb_req_t *req)
{
    const char *id;
    if (!key_or_404(req, &id)) return;
    json_object_del(apigw__svc.keys, id);
    apigw__save_reply(req, 'k', id, NULL, 202, NULL);
}

void apigw__op_update_api_key(nb_req_t *req)
{
    const char *id;
    json_t *key = key_or_404(req, &id);
    if (!key) return;
    const char *msg;
    json_t *copy = json_deep_copy(key);   /* nothing half-applied */
    if (apigw__patch(copy, json_object_get(req->json, "patchOperations"), &msg) != 0) {
        json_decref(copy);
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "%s", msg);
        return;
    }
    json_object_set_new(apigw__svc.keys, id, key = copy);
    json_object_set_new(key, "lastUpdatedDate", apigw__epoch_now());
    apigw__save_reply(req, 'k', id, key, 200, key_view(key, 0));
}

/* --- usage plans ---------------------------------------------------------- */

static int check_stages(nb_req_t *req, json_t *stages)
{
    size_t i;
    json_t *s;
    json_array_foreach(stages, i, s) {
        json_t *doc = json_object_get(apigw__svc.apis, apigw__str(s, "apiId") ? apigw__str(s, "apiId") : "");
        if (!doc || !json_object_get(json_object_get(doc, "stages"), apigw__str(s, "stage") ? apigw__str(s, "stage") : "")) {
            nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid API Stage {api: %s, stage: %s} specified for usageplan",
                           apigw__str(s, "apiId") ? apigw__str(s, "apiId") : "", apigw__str(s, "stage") ? apigw__str(s, "stage") : "");
            return -1;
        }
    }
    return 0;
}

void apigw__op_create_usage_plan(nb_req_t *req)
{
    if (!apigw__str(req->json, "name")) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid usage plan name specified");
        return;
    }
    if (check_stages(req, json_object_get(req->json, "apiStages")) != 0) return;
    const char *period = apigw__str(json_object_get(req->json, "quota"), "period");
    if (json_object_get(req->json, "quota") &&
        (!period || (strcmp(period, "DAY") && strcmp(period, "WEEK") && strcmp(period, "MONTH")))) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid quota period specified");
        return;
    }
    char id[16];
    apigw__new_id(id, 6);
    json_t *plan = json_deep_copy(req->json);
    json_object_set_new(plan, "id", json_string(id));
    if (!json_object_get(plan, "apiStages")) json_object_set_new(plan, "apiStages", json_array());
    json_object_set_new(plan, "_keys", json_array());
    json_object_set_new(apigw__svc.plans, id, plan);
    apigw__save_reply(req, 'p', id, plan, 201, apigw__public(plan));
}

json_t *apigw__plan_or_404(nb_req_t *req, const char **id)
{
    *id = nb_arena_strdup(req->arena, nb_req_param(req, "usageplanId") ? nb_req_param(req, "usageplanId") : "");
    json_t *p = json_object_get(apigw__svc.plans, *id);
    if (!p) nb_reply_error(req, APIGW_ERR_NOT_FOUND, "Invalid Usage Plan ID specified");
    return p;
}

void apigw__op_get_usage_plan(nb_req_t *req)
{
    const char *id;
    json_t *p = apigw__plan_or_404(req, &id);
    if (p) nb_reply_json(req, 200, apigw__public(p));
}

void apigw__op_get_usage_plans(nb_req_t *req)
{
    nb_reply_json(req, 200, apigw__list(apigw__svc.plans, "item"));
}

void apigw__op_delete_usage_plan(nb_req_t *req)
{
    const char *id;
    if (!apigw__plan_or_404(req, &id)) return;
    json_object_del(apigw__svc.plans, id);
    char prefix[80];
    snprintf(prefix, sizeof prefix, "%s/", id);
    apigw__quota_drop(prefix);
    apigw__save_reply(req, 'p', id, NULL, 202, NULL);
}

void apigw__op_update_usage_plan(nb_req_t *req)
{
    const char *id;
    json_t *stored = apigw__plan_or_404(req, &id);
    if (!stored) return;
    json_t *p = json_deep_copy(stored);   /* nothing half-applied */
    json_t *ops = json_object_get(req->json, "patchOperations");
    size_t i;
    json_t *op;
    json_array_foreach(ops, i, op) {   /* apiStages entries are "apiId:stage" strings */
        const char *path = apigw__str(op, "path"), *value = apigw__str(op, "value"), *o = apigw__str(op, "op");
        if (!path || !o || strcmp(path, "/apiStages") != 0 || !value) continue;
        const char *colon = strchr(value, ':');
        if (!colon) continue;
        json_t *st = json_pack("{s:s%,s:s}", "apiId", value, (size_t)(colon - value), "stage", colon + 1);
        json_t *arr = json_object_get(p, "apiStages");
        if (strcmp(o, "add") == 0) {
            json_t *one = json_pack("[O]", st);
            if (check_stages(req, one) != 0) {
                json_decref(one);
                json_decref(st);
                json_decref(p);
                return;
            }
            json_decref(one);
            json_array_append(arr, st);
        } else if (strcmp(o, "remove") == 0) {
            for (size_t k = 0; k < json_array_size(arr); k++)
                if (json_equal(json_array_get(arr, k), st)) json_array_remove(arr, k--);
        }
        json_decref(st);
    }
    json_t *rest = json_array();
    json_array_foreach(ops, i, op)
        if (!apigw__str(op, "path") || strcmp(apigw__str(op, "path"), "/apiStages") != 0) json_array_append(rest, op);
    const char *msg;
    int rc = apigw__patch(p, rest, &msg);
    json_decref(rest);
    if (rc != 0) {
        json_decref(p);
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "%s", msg);
        return;
    }
    json_object_set_new(apigw__svc.plans, id, p);
    apigw__save_reply(req, 'p', id, p, 200, apigw__public(p));
}

static json_t *plan_key_view(json_t *key)
{
    json_t *v = json_pack("{s:s,s:s,s:s}", "id", apigw__str(key, "id"), "type", "API_KEY", "value", apigw__str(key, "value"));
    if (apigw__str(key, "name")) json_object_set_new(v, "name", json_string(apigw__str(key, "name")));
    return v;
}

int apigw__plan_has_key(json_t *plan, const char *kid)
{
    size_t i;
    json_t *k;
    json_array_foreach(json_object_get(plan, "_keys"), i, k)
        if (strcmp(json_string_value(k), kid) == 0) return 1;
    return 0;
}

void apigw__op_create_usage_plan_key(nb_req_t *req)
{
    const char *id;
    json_t *p = apigw__plan_or_404(req, &id);
    if (!p) return;
    const char *kid = apigw__str(req->json, "keyId"), *kt = apigw__str(req->json, "keyType");
    json_t *key = kid ? json_object_get(apigw__svc.keys, kid) : NULL;
    if (!kt || strcmp(kt, "API_KEY") != 0) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid key type specified");
        return;
    }
    if (!key) {
        nb_reply_error(req, APIGW_ERR_NOT_FOUND, "Invalid API Key identifier specified");
        return;
    }
    if (apigw__plan_has_key(p, kid)) {
        nb_reply_error(req, APIGW_ERR_CONFLICT, "Usage Plan %s cannot be added because API Key %s cannot reference "
                       "the same API Stage", id, kid);
        return;
    }
    json_array_append_new(json_object_get(p, "_keys"), json_string(kid));
    apigw__save_reply(req, 'p', id, p, 201, plan_key_view(key));
}

void apigw__op_get_usage_plan_keys(nb_req_t *req)
{
    const char *id;
    json_t *p = apigw__plan_or_404(req, &id);
    if (!p) return;
    json_t *items = json_array();
    size_t i;
    json_t *k;
    json_array_foreach(json_object_get(p, "_keys"), i, k) {
        json_t *key = json_object_get(apigw__svc.keys, json_string_value(k));
        if (key) json_array_append_new(items, plan_key_view(key));
    }
    nb_reply_json(req, 200, json_pack("{s:o}", "item", items));
}

void apigw__op_get_usage_plan_key(nb_req_t *req)
{
    const char *id;
    json_t *p = apigw__plan_or_404(req, &id);
    if (!p) return;
    const char *kid = nb_req_param(req, "keyId");
    json_t *key = kid && apigw__plan_has_key(p, kid) ? json_object_get(apigw__svc.keys, kid) : NULL;
    if (!key) {
        nb_reply_error(req, APIGW_ERR_NOT_FOUND, "Invalid API Key identifier specified");
        return;
    }
    nb_reply_json(req, 200, plan_key_view(key));
}

void apigw__op_delete_usage_plan_key(nb_req_t *req)
{
    const char *id;
    json_t *p = apigw__plan_or_404(req, &id);
    if (!p) return;
    const char *kid = nb_req_param(req, "keyId");
    json_t *arr = json_object_get(p, "_keys");
    for (size_t i = 0; i < json_array_size(arr); i++) {
        if (strcmp(json_string_value(json_array_get(arr, i)), kid) == 0) {
            json_array_remove(arr, i);
            char name[160];
            snprintf(name, sizeof name, "%s/%s", id, kid);
            apigw__quota_drop(name);
            apigw__save_reply(req, 'p', id, p, 202, NULL);
            return;
        }
    }
    nb_reply_error(req, APIGW_ERR_NOT_FOUND, "Invalid API Key identifier specified");
}
