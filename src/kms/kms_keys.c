/* kms_keys.c — KMS keys: resolution of KeyId forms, the key record, and the
 * key lifecycle operations (CreateKey, DescribeKey, ListKeys, EnableKey,
 * DisableKey, ScheduleKeyDeletion, CancelKeyDeletion). See kms.h for the
 * record layout and the state machine. Key material is 32 random bytes kept
 * in the record; the store encrypts the record at rest. */
#include "kms/kms.h"
#include "kms/kms_managed.h"
#include "core/log.h"
#include "core/util.h"
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers ------------------------------------------------------------------ */

const char *kms__key_arn(nb_req_t *req, const char *id)
{
    return nb_arena_printf(req->arena, "arn:aws:kms:%s:%s:key/%s", req->ctx->cfg->region,
                           req->ctx->cfg->account, id);
}

const char *kms__alias_arn(nb_req_t *req, const char *alias)
{
    return nb_arena_printf(req->arena, "arn:aws:kms:%s:%s:%s", req->ctx->cfg->region,
                           req->ctx->cfg->account, alias);
}

const char *kms__required(nb_req_t *req, const char *field, const char *member)
{
    const char *v = json_string_value(json_object_get(req->json, field));
    if (!v) {
        nb_reply_error(req, NB_ERR_VALIDATION, "1 validation error detected: Value null at '%s' failed to "
                       "satisfy constraint: Member must not be null", member);
        return NULL;
    }
    if (!*v) {
        nb_reply_error(req, NB_ERR_VALIDATION, "1 validation error detected: Value '' at '%s' failed to "
                       "satisfy constraint: Member must have length greater than or equal to 1", member);
        return NULL;
    }
    return v;
}

void kms__store_error(nb_req_t *req, int rc)
{
    nb_log_error("kms", "store error %d", rc);
    nb_reply_error(req, NB_ERR_KMS_INTERNAL, "%s", "Internal error");
}

store_txn_t *kms__begin(nb_req_t *req, int flags)
{
    store_txn_t *t;
    int rc = store_begin(req->ctx->store, flags, &t);
    if (rc != STORE_OK) {
        kms__store_error(req, rc);
        return NULL;
    }
    return t;
}

typedef struct pending { nb_req_t *req; json_t *body; } pending_t;

static void on_durable(void *arg, int status)
{
    pending_t *p = arg;
    if (status != STORE_OK) {
        json_decref(p->body);
        kms__store_error(p->req, status);
        return;
    }
    nb_reply_json(p->req, 200, p->body);
}

void kms__commit_reply(nb_req_t *req, store_txn_t *t, json_t *body)
{
    pending_t *p = nb_arena_calloc(req->arena, sizeof *p);
    p->req = req;
    p->body = body ? body : json_object();
    int rc = store_commit(t, on_durable, p);
    if (rc != STORE_OK) {
        json_decref(p->body);
        kms__store_error(req, rc);
    }
}

int kms__is_uuid(const char *s)
{
    if (strlen(s) != 36) return 0;
    for (int i = 0; i < 36; i++) {
        char c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) { if (c != '-') return 0; }
        else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return 0;
    }
    return 1;
}

/* Load key id; 1 found, 0 absent (or past its deletion date), <0 store error. */
static int load_key(store_txn_t *t, const char *id, kms_key_t *out)
{
    const void *v;
    size_t vlen;
    int rc = store_get(t, KMS_KS_KEYS, id, strlen(id), &v, &vlen);
    if (rc == STORE_NOTFOUND) return 0;
    if (rc != STORE_OK) return rc;
    json_t *rec = json_loadb(v, vlen, 0, NULL);
    if (!rec) return STORE_ERR_IO;
    json_t *dd = json_object_get(rec, "DeletionDate");
    if (dd && json_number_value(dd) <= nb_wall_seconds()) {
        json_decref(rec);
        return 0;
    }
    snprintf(out->id, sizeof out->id, "%s", id);
    out->rec = rec;
    return 1;
}

/* Why a KeyId names no usable key: the error row and KMS's message, or a
 * store status (err 0). */
typedef struct kms_fault {
    int err;
    int store_rc;
    const char *msg;          /* req's arena */
} kms_fault_t;

static int fault(nb_req_t *req, kms_fault_t *f, int err, const char *fmt, const char *arg)
{
    f->err = err;
    f->msg = nb_arena_printf(req->arena, fmt, arg);
    return -1;
}

static int store_fault(kms_fault_t *f, int rc)
{
    f->err = 0;
    f->store_rc = rc;
    return -1;
}

/* kms__resolve without the reply: 0, or -1 with *f filled. */
static int resolve(nb_req_t *req, store_txn_t *t, const char *key_id, int allow_alias, kms_key_t *out,
                   kms_fault_t *f)
{
    const nb_config_t *cfg = req->ctx->cfg;
    const char *id = key_id;
    char prefix[160];
    int plen = snprintf(prefix, sizeof prefix, "arn:aws:kms:%s:%s:", cfg->region, cfg->account);
    if (strncmp(key_id, "arn:", 4) == 0) {
        if (strncmp(key_id, prefix, (size_t)plen) != 0) {
            if (strncmp(key_id, "arn:aws:kms:", 12) != 0)
                return fault(req, f, NB_ERR_KMS_INVALID_ARN, "ARN %s is not valid", key_id);
            return fault(req, f, NB_ERR_KMS_NOT_FOUND, "Invalid arn %s", key_id);
        }
        id = key_id + plen;
        if (strncmp(id, "key/", 4) == 0) id += 4;
        else if (strncmp(id, "alias/", 6) != 0)
            return fault(req, f, NB_ERR_KMS_INVALID_ARN, "ARN %s is not valid", key_id);
    }
    char tid[40];
    if (strncmp(id, "alias/", 6) == 0) {
        if (!allow_alias) return fault(req, f, NB_ERR_KMS_NOT_FOUND, "Invalid keyId '%s'", key_id);
        const void *v;
        size_t vlen;
        int rc = store_get(t, KMS_KS_ALIASES, id, strlen(id), &v, &vlen);
        if (rc == STORE_NOTFOUND)
            return fault(req, f, NB_ERR_KMS_NOT_FOUND, "Alias %s is not found.", kms__alias_arn(req, id));
        if (rc != STORE_OK) return store_fault(f, rc);
        json_t *a = json_loadb(v, vlen, 0, NULL);
        const char *target = json_string_value(json_object_get(a, "Target"));
        snprintf(tid, sizeof tid, "%s", target ? target : "");
        json_decref(a);
        id = tid;
    } else if (!kms__is_uuid(id)) {
        return fault(req, f, NB_ERR_KMS_NOT_FOUND, "Invalid keyId '%s'", key_id);
    }
    int rc = load_key(t, id, out);
    if (rc < 0) return store_fault(f, rc);
    if (rc == 0) return fault(req, f, NB_ERR_KMS_NOT_FOUND, "Key '%s' does not exist", kms__key_arn(req, id));
    return 0;
}

int kms__resolve(nb_req_t *req, store_txn_t *t, const char *key_id, int allow_alias, kms_key_t *out)
{
    kms_fault_t f;
    if (resolve(req, t, key_id, allow_alias, out, &f) == 0) return 0;
    if (f.err) nb_reply_error(req, f.err, "%s", f.msg);
    else kms__store_error(req, f.store_rc);
    return -1;
}

static const char *state(const kms_key_t *k)
{
    const char *s = json_string_value(json_object_get(k->rec, "State"));
    return s ? s : "Enabled";
}

int kms__usable(nb_req_t *req, const kms_key_t *k)
{
    const char *s = state(k);
    if (strcmp(s, "Enabled") == 0) return 0;
    if (strcmp(s, "Disabled") == 0)
        nb_reply_error(req, NB_ERR_KMS_DISABLED, "%s is disabled.", kms__key_arn(req, k->id));
    else
        nb_reply_error(req, NB_ERR_KMS_INVALID_STATE, "%s is pending deletion.", kms__key_arn(req, k->id));
    return -1;
}

int kms_key_for_service(nb_req_t *req, store_txn_t *t, const char *key_id, const char **arn, const char **kms_code,
                        const char **kms_msg)
{
    kms_key_t k;
    kms_fault_t f;
    if (resolve(req, t, key_id, 1, &k, &f) != 0) {
        if (!f.err) return f.store_rc;
        *kms_code = nb_error_row((nb_err_t)f.err)->name;
        *kms_msg = f.msg;
        return 1;
    }
    const char *s = state(&k);
    int rc = 0;
    if (strcmp(s, "Disabled") == 0) {
        *kms_code = nb_error_row(NB_ERR_KMS_DISABLED)->name;
        *kms_msg = nb_arena_printf(req->arena, "%s is disabled.", kms__key_arn(req, k.id));
        rc = 1;
    } else if (strcmp(s, "Enabled") != 0) {
        *kms_code = nb_error_row(NB_ERR_KMS_INVALID_STATE)->name;
        *kms_msg = nb_arena_printf(req->arena, "%s is pending deletion.", kms__key_arn(req, k.id));
        rc = 1;
    } else {
        *arn = kms__key_arn(req, k.id);
    }
    json_decref(k.rec);
    return rc;
}

/* An AWS managed key's policy lets the account describe it and lets only its
 * service use it (kms:ViaService): anything else a caller asks of it is
 * refused as that policy refuses it. */
int kms__caller_may_change(nb_req_t *req, const kms_key_t *k)
{
    const char *mgr = json_string_value(json_object_get(k->rec, "KeyManager"));
    if (!mgr || strcmp(mgr, "AWS") != 0) return 0;
    nb_reply_error(req, NB_ERR_AUTH_JSON_DENIED, "User: %s is not authorized to perform: kms:%s on resource: %s "
                   "because no resource-based policy allows the kms:%s action",
                   req->principal_arn ? req->principal_arn : nb_arena_printf(req->arena, "arn:aws:iam::%s:root",
                                                                             req->ctx->cfg->account),
                   req->op->name, kms__key_arn(req, k->id), req->op->name);
    return -1;
}

int kms__new_key(kms_key_t *k, const char *description, const char *manager)
{
    unsigned char material[32];
    if (RAND_bytes(material, sizeof material) != 1) return -1;
    nb_buf_t b64 = NB_BUF_INIT;
    nb_base64_encode(&b64, material, sizeof material);
    OPENSSL_cleanse(material, sizeof material);
    nb_uuid4(k->id);
    k->rec = json_pack("{s:s, s:f, s:s, s:s}", "Description", description, "Created", (double)(nb_wall_ms() / 1000),
                       "State", "Enabled", "Material", b64.data);
    if (manager) json_object_set_new(k->rec, "KeyManager", json_string(manager));
    OPENSSL_cleanse(b64.data, b64.len);
    nb_buf_free(&b64);
    return 0;
}

int kms__save(store_txn_t *t, const kms_key_t *k)
{
    char *s = json_dumps(k->rec, JSON_COMPACT);
    int rc = store_put(t, KMS_KS_KEYS, k->id, strlen(k->id), s, strlen(s));
    OPENSSL_cleanse(s, strlen(s));             /* it holds the key material */
    free(s);
    return rc;
}

json_t *kms__metadata(nb_req_t *req, const kms_key_t *k)
{
    const char *st = state(k);
    json_t *m = json_pack("{s:s, s:s, s:s, s:O, s:b, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[s], s:b}",
                          "AWSAccountId", req->ctx->cfg->account, "KeyId", k->id,
                          "Arn", kms__key_arn(req, k->id),
                          "CreationDate", json_object_get(k->rec, "Created"),
                          "Enabled", strcmp(st, "Enabled") == 0,
                          "Description", json_string_value(json_object_get(k->rec, "Description")) ?
                              json_string_value(json_object_get(k->rec, "Description")) : "",
                          "KeyUsage", "ENCRYPT_DECRYPT", "KeyState", st, "Origin", "AWS_KMS",
                          "KeyManager", json_string_value(json_object_get(k->rec, "KeyManager")) ?
                              json_string_value(json_object_get(k->rec, "KeyManager")) : "CUSTOMER",
                          "CustomerMasterKeySpec", "SYMMETRIC_DEFAULT",
                          "KeySpec", "SYMMETRIC_DEFAULT", "EncryptionAlgorithms", "SYMMETRIC_DEFAULT",
                          "MultiRegion", 0);
    json_t *dd = json_object_get(k->rec, "DeletionDate");
    if (dd) {
        json_object_set(m, "DeletionDate", dd);
        json_object_set(m, "PendingDeletionWindowInDays", json_object_get(k->rec, "PendingWindow"));
    }
    return m;
}

static void key_free(kms_key_t *k)
{
    json_decref(k->rec);
    k->rec = NULL;
}

/* ---- operations ------------------------------------------------------------------ */

void kms_op_create_key(nb_req_t *req)
{
    const char *spec = json_string_value(json_object_get(req->json, "KeySpec"));
    if (!spec) spec = json_string_value(json_object_get(req->json, "CustomerMasterKeySpec"));
    const char *usage = json_string_value(json_object_get(req->json, "KeyUsage"));
    const char *origin = json_string_value(json_object_get(req->json, "Origin"));
    if ((spec && strcmp(spec, "SYMMETRIC_DEFAULT") != 0) || (usage && strcmp(usage, "ENCRYPT_DECRYPT") != 0) ||
        (origin && strcmp(origin, "AWS_KMS") != 0)) {
        nb_reply_error(req, NB_ERR_KMS_UNSUPPORTED, "nimbus supports KeySpec SYMMETRIC_DEFAULT, "
                       "KeyUsage ENCRYPT_DECRYPT and Origin AWS_KMS only");
        return;
    }
    json_t *desc = json_object_get(req->json, "Description");
    if (desc && (!json_is_string(desc) || json_string_length(desc) > 8192)) {
        nb_reply_error(req, NB_ERR_VALIDATION, "1 validation error detected: Value at 'description' failed to "
                       "satisfy constraint: Member must have length less than or equal to 8192");
        return;
    }
    kms_key_t k;
    if (kms__new_key(&k, desc ? json_string_value(desc) : "", NULL) != 0) {
        kms__store_error(req, STORE_ERR_IO);
        return;
    }
    store_txn_t *t = kms__begin(req, STORE_WRITE);
    if (!t) { key_free(&k); return; }
    int rc = kms__save(t, &k);
    if (rc != STORE_OK) {
        store_abort(t);
        key_free(&k);
        kms__store_error(req, rc);
        return;
    }
    json_t *body = json_pack("{s:o}", "KeyMetadata", kms__metadata(req, &k));
    key_free(&k);
    kms__commit_reply(req, t, body);
}

void kms_op_describe_key(nb_req_t *req)
{
    const char *id = kms__required(req, "KeyId", "keyId");
    if (!id) return;
    store_txn_t *t = kms__begin(req, STORE_READ);
    if (!t) return;
    kms_key_t k;
    if (kms__resolve(req, t, id, 1, &k) != 0) { store_abort(t); return; }
    json_t *body = json_pack("{s:o}", "KeyMetadata", kms__metadata(req, &k));
    key_free(&k);
    store_abort(t);
    nb_reply_json(req, 200, body);
}

int kms__limit(nb_req_t *req, int *limit)
{
    json_t *l = json_object_get(req->json, "Limit");
    *limit = 100;
    if (!l) return 0;
    if (!json_is_integer(l) || json_integer_value(l) < 1 || json_integer_value(l) > 1000) {
        nb_reply_error(req, NB_ERR_VALIDATION, "1 validation error detected: Value '%s' at 'limit' failed to "
                       "satisfy constraint: Member must have value between 1 and 1000",
                       json_is_integer(l) ? nb_arena_printf(req->arena, "%lld", (long long)json_integer_value(l)) : "?");
        return -1;
    }
    *limit = (int)json_integer_value(l);
    return 0;
}

struct list_keys { nb_req_t *req; json_t *keys; int limit; char next[40]; int truncated; };

static int list_keys_visit(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
    struct list_keys *lk = arg;
    char id[40];
    if (klen >= sizeof id) return 0;
    memcpy(id, key, klen);
    id[klen] = 0;
    json_t *rec = json_loadb(val, vlen, 0, NULL);
    json_t *dd = json_object_get(rec, "DeletionDate");
    int gone = dd && json_number_value(dd) <= nb_wall_seconds();
    json_decref(rec);
    if (gone) return 0;
    if ((int)json_array_size(lk->keys) == lk->limit) {
        lk->truncated = 1;
        snprintf(lk->next, sizeof lk->next, "%s", id);
        return 1;
    }
    json_array_append_new(lk->keys, json_pack("{s:s, s:s}", "KeyId", id, "KeyArn", kms__key_arn(lk->req, id)));
    return 0;
}

void kms_op_list_keys(nb_req_t *req)
{
    struct list_keys lk = { req, NULL, 100, "", 0 };
    if (kms__limit(req, &lk.limit) != 0) return;
    const char *marker = json_string_value(json_object_get(req->json, "Marker"));
    if (marker && !kms__is_uuid(marker)) {
        nb_reply_error(req, NB_ERR_KMS_INVALID_MARKER, "Invalid marker");
        return;
    }
    store_txn_t *t = kms__begin(req, STORE_READ);
    if (!t) return;
    lk.keys = json_array();
    int rc = store_scan(t, KMS_KS_KEYS, marker, marker ? strlen(marker) : 0, NULL, 0, 0, list_keys_visit, &lk);
    store_abort(t);
    if (rc < 0) { json_decref(lk.keys); kms__store_error(req, rc); return; }
    json_t *body = json_pack("{s:o, s:b}", "Keys", lk.keys, "Truncated", lk.truncated);
    if (lk.truncated) json_object_set_new(body, "NextMarker", json_string(lk.next));
    nb_reply_json(req, 200, body);
}

/* Load the key named by KeyId for a state change in a write txn; NULL txn after replying. */
static store_txn_t *begin_change(nb_req_t *req, kms_key_t *k)
{
    const char *id = kms__required(req, "KeyId", "keyId");
    if (!id) return NULL;
    store_txn_t *t = kms__begin(req, STORE_WRITE);
    if (!t) return NULL;
    if (kms__resolve(req, t, id, 0, k) != 0) { store_abort(t); return NULL; }
    if (kms__caller_may_change(req, k) != 0) { key_free(k); store_abort(t); return NULL; }
    return t;
}

static void finish_change(nb_req_t *req, store_txn_t *t, kms_key_t *k, json_t *body)
{
    int rc = kms__save(t, k);
    key_free(k);
    if (rc != STORE_OK) {
        store_abort(t);
        json_decref(body);
        kms__store_error(req, rc);
        return;
    }
    kms__commit_reply(req, t, body);
}

static void set_enabled(nb_req_t *req, int enable)
{
    kms_key_t k;
    store_txn_t *t = begin_change(req, &k);
    if (!t) return;
    if (strcmp(state(&k), "PendingDeletion") == 0) {
        nb_reply_error(req, NB_ERR_KMS_INVALID_STATE, "%s is pending deletion.", kms__key_arn(req, k.id));
        key_free(&k);
        store_abort(t);
        return;
    }
    json_object_set_new(k.rec, "State", json_string(enable ? "Enabled" : "Disabled"));
    finish_change(req, t, &k, NULL);
}

void kms_op_enable_key(nb_req_t *req) { set_enabled(req, 1); }
void kms_op_disable_key(nb_req_t *req) { set_enabled(req, 0); }

void kms_op_schedule_key_deletion(nb_req_t *req)
{
    json_t *w = json_object_get(req->json, "PendingWindowInDays");
    long days = 30;
    if (w) {
        days = json_is_integer(w) ? (long)json_integer_value(w) : -1;
        if (days < 7 || days > 30) {
            nb_reply_error(req, NB_ERR_VALIDATION, "1 validation error detected: Value '%ld' at "
                           "'pendingWindowInDays' failed to satisfy constraint: Member must have value "
                           "less than or equal to 30", days);
            return;
        }
    }
    kms_key_t k;
    store_txn_t *t = begin_change(req, &k);
    if (!t) return;
    if (strcmp(state(&k), "PendingDeletion") == 0) {
        nb_reply_error(req, NB_ERR_KMS_INVALID_STATE, "%s is pending deletion.", kms__key_arn(req, k.id));
        key_free(&k);
        store_abort(t);
        return;
    }
    double when = (double)(nb_wall_ms() / 1000 + days * 86400);
    json_object_set_new(k.rec, "State", json_string("PendingDeletion"));
    json_object_set_new(k.rec, "DeletionDate", json_real(when));
    json_object_set_new(k.rec, "PendingWindow", json_integer(days));
    json_t *body = json_pack("{s:s, s:f, s:s, s:i}", "KeyId", kms__key_arn(req, k.id), "DeletionDate", when,
                             "KeyState", "PendingDeletion", "PendingWindowInDays", (int)days);
    finish_change(req, t, &k, body);
}

void kms_op_cancel_key_deletion(nb_req_t *req)
{
    kms_key_t k;
    store_txn_t *t = begin_change(req, &k);
    if (!t) return;
    if (strcmp(state(&k), "PendingDeletion") != 0) {
        nb_reply_error(req, NB_ERR_KMS_INVALID_STATE, "%s is not pending deletion.", kms__key_arn(req, k.id));
        key_free(&k);
        store_abort(t);
        return;
    }
    json_object_set_new(k.rec, "State", json_string("Disabled"));
    json_object_del(k.rec, "DeletionDate");
    json_object_del(k.rec, "PendingWindow");
    json_t *body = json_pack("{s:s}", "KeyId", kms__key_arn(req, k.id));
    finish_change(req, t, &k, body);
}
