/* kms_alias.c — CreateAlias, ListAliases, DeleteAlias.
 *
 * Aliases live in "kms.aliases" keyed by their full name ("alias/NAME") and
 * point at a key id. Names: "alias/" then 1..250 of [a-zA-Z0-9:/_-]; the
 * "alias/aws/" prefix is reserved for AWS managed keys. */
#include "kms/kms.h"
#include "core/util.h"
#include <string.h>

static int valid_alias(nb_req_t *req, const char *name)
{
    size_t n = strlen(name);
    if (n > 256) {
        nb_reply_error(req, NB_ERR_VALIDATION, "1 validation error detected: Value '%s' at 'aliasName' failed to "
                       "satisfy constraint: Member must have length less than or equal to 256", name);
        return 0;
    }
    int ok = strncmp(name, "alias/", 6) == 0 && n > 6;
    for (size_t i = 6; ok && i < n; i++) {
        char c = name[i];
        ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == ':' || c == '/' || c == '_' || c == '-';
    }
    if (!ok) {
        nb_reply_error(req, NB_ERR_VALIDATION, "1 validation error detected: Value '%s' at 'aliasName' failed to "
                       "satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$", name);
        return 0;
    }
    if (strncmp(name, "alias/aws/", 10) == 0) {
        nb_reply_error(req, NB_ERR_KMS_INVALID_ALIAS_NAME, "Alias must not begin with 'alias/aws/'");
        return 0;
    }
    return 1;
}

int kms__put_alias(store_txn_t *t, const char *name, const char *target)
{
    double now = (double)(nb_wall_ms() / 1000);
    json_t *rec = json_pack("{s:s, s:f, s:f}", "Target", target, "Created", now, "Updated", now);
    char *s = json_dumps(rec, JSON_COMPACT);
    json_decref(rec);
    int rc = store_put(t, KMS_KS_ALIASES, name, strlen(name), s, strlen(s));
    free(s);
    return rc;
}

void kms_op_create_alias(nb_req_t *req)
{
    const char *name = kms__required(req, "AliasName", "aliasName");
    if (!name) return;
    const char *target = kms__required(req, "TargetKeyId", "targetKeyId");
    if (!target || !valid_alias(req, name)) return;
    store_txn_t *t = kms__begin(req, STORE_WRITE);
    if (!t) return;
    const void *v;
    size_t vlen;
    int rc = store_get(t, KMS_KS_ALIASES, name, strlen(name), &v, &vlen);
    if (rc == STORE_OK) {
        store_abort(t);
        nb_reply_error(req, NB_ERR_KMS_ALREADY_EXISTS, "An alias with the name %s already exists",
                       kms__alias_arn(req, name));
        return;
    }
    if (rc != STORE_NOTFOUND) { store_abort(t); kms__store_error(req, rc); return; }
    kms_key_t k;
    if (kms__resolve(req, t, target, 0, &k) != 0) { store_abort(t); return; }
    if (kms__caller_may_change(req, &k) != 0) { json_decref(k.rec); store_abort(t); return; }
    if (strcmp(json_string_value(json_object_get(k.rec, "State")), "PendingDeletion") == 0) {
        nb_reply_error(req, NB_ERR_KMS_INVALID_STATE, "%s is pending deletion.", kms__key_arn(req, k.id));
        json_decref(k.rec);
        store_abort(t);
        return;
    }
    json_decref(k.rec);
    rc = kms__put_alias(t, name, k.id);
    if (rc != STORE_OK) { store_abort(t); kms__store_error(req, rc); return; }
    kms__commit_reply(req, t, NULL);
}

void kms_op_delete_alias(nb_req_t *req)
{
    const char *name = kms__required(req, "AliasName", "aliasName");
    if (!name) return;
    store_txn_t *t = kms__begin(req, STORE_WRITE);
    if (!t) return;
    int rc = store_del(t, KMS_KS_ALIASES, name, strlen(name));
    if (rc == STORE_NOTFOUND) {
        store_abort(t);
        nb_reply_error(req, NB_ERR_KMS_NOT_FOUND, "Alias %s is not found.", kms__alias_arn(req, name));
        return;
    }
    if (rc != STORE_OK) { store_abort(t); kms__store_error(req, rc); return; }
    kms__commit_reply(req, t, NULL);
}

struct list_aliases { nb_req_t *req; const char *only; json_t *out; int limit; char *next; int truncated; };

static int alias_visit(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
    struct list_aliases *la = arg;
    json_t *rec = json_loadb(val, vlen, 0, NULL);
    const char *target = json_string_value(json_object_get(rec, "Target"));
    char *name = nb_arena_strndup(la->req->arena, key, klen);
    if (!target || (la->only && strcmp(la->only, target) != 0)) { json_decref(rec); return 0; }
    if ((int)json_array_size(la->out) == la->limit) {
        la->truncated = 1;
        la->next = name;
        json_decref(rec);
        return 1;
    }
    json_array_append_new(la->out, json_pack("{s:s, s:s, s:s, s:O, s:O}", "AliasName", name,
                                             "AliasArn", kms__alias_arn(la->req, name), "TargetKeyId", target,
                                             "CreationDate", json_object_get(rec, "Created"),
                                             "LastUpdatedDate", json_object_get(rec, "Updated")));
    json_decref(rec);
    return 0;
}

void kms_op_list_aliases(nb_req_t *req)
{
    struct list_aliases la = { req, NULL, NULL, 100, NULL, 0 };
    if (kms__limit(req, &la.limit) != 0) return;
    const char *marker = json_string_value(json_object_get(req->json, "Marker"));
    if (marker && strncmp(marker, "alias/", 6) != 0) {
        nb_reply_error(req, NB_ERR_KMS_INVALID_MARKER, "Invalid marker");
        return;
    }
    store_txn_t *t = kms__begin(req, STORE_READ);
    if (!t) return;
    const char *key_id = json_string_value(json_object_get(req->json, "KeyId"));
    kms_key_t k = {0};
    if (key_id) {
        if (kms__resolve(req, t, key_id, 0, &k) != 0) { store_abort(t); return; }
        la.only = nb_arena_strdup(req->arena, k.id);
        json_decref(k.rec);
    }
    la.out = json_array();
    int rc = store_scan(t, KMS_KS_ALIASES, marker, marker ? strlen(marker) : 0, NULL, 0, 0, alias_visit, &la);
    store_abort(t);
    if (rc < 0) { json_decref(la.out); kms__store_error(req, rc); return; }
    json_t *body = json_pack("{s:o, s:b}", "Aliases", la.out, "Truncated", la.truncated);
    if (la.truncated) json_object_set_new(body, "NextMarker", json_string(la.next));
    nb_reply_json(req, 200, body);
}

const char *kms__alias_target_arn(nb_req_t *req, const char *id)
{
    const nb_config_t *cfg = req->ctx->cfg;
    const char *name = id;
    if (strncmp(id, "arn:", 4) == 0) {
        char *prefix = nb_arena_printf(req->arena, "arn:aws:kms:%s:%s:", cfg->region, cfg->account);
        size_t pl = strlen(prefix);
        if (strncmp(id, prefix, pl) != 0) return NULL;
        name = id + pl;
    }
    if (strncmp(name, "alias/", 6) != 0) return NULL;
    store_txn_t *t;
    if (store_begin(req->ctx->store, STORE_READ, &t) != STORE_OK) return NULL;
    const void *v;
    size_t vlen;
    const char *out = NULL;
    if (store_get(t, KMS_KS_ALIASES, name, strlen(name), &v, &vlen) == STORE_OK) {
        json_t *a = json_loadb(v, vlen, 0, NULL);
        const char *target = json_string_value(json_object_get(a, "Target"));
        if (target) out = kms__key_arn(req, target);
        json_decref(a);
    }
    store_abort(t);
    return out;
}
