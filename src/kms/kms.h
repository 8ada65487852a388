/* kms.h — KMS internals shared by the files of src/kms/.
 *
 * State in the store (values encrypted at rest by the store itself):
 *   "kms.keys"     key id (UUID)  → JSON {Description, Created, State,
 *                                   DeletionDate?, PendingWindow?, Material (base64, 32 bytes),
 *                                   KeyManager? ("AWS": a managed key, kms_managed.c)}
 *   "kms.aliases"  "alias/NAME"   → JSON {Target (key id), Created, Updated}
 * Key states: Enabled ⇄ Disabled (EnableKey/DisableKey); either
 * → PendingDeletion (ScheduleKeyDeletion) → Disabled (CancelKeyDeletion); a key
 * whose deletion date has passed reads as absent. */
#ifndef NB_KMS_H
#define NB_KMS_H
#include <jansson.h>
#include "core/request.h"
#include "store/store.h"

#define KMS_KS_KEYS    "kms.keys"
#define KMS_KS_ALIASES "kms.aliases"

typedef struct kms_key {
    char id[40];
    json_t *rec;               /* the stored record; caller decrefs */
} kms_key_t;

/* Resolve a KeyId parameter (id, key ARN, alias name, alias ARN; aliases only
 * with allow_alias) to its key in t. 0, or -1 after replying with AWS's error. */
int kms__resolve(nb_req_t *req, store_txn_t *t, const char *key_id, int allow_alias, kms_key_t *out);
/* The key's ARN, in req->arena. */
const char *kms__key_arn(nb_req_t *req, const char *id);
const char *kms__alias_arn(nb_req_t *req, const char *alias);
/* The ARN of the key alias id ("alias/NAME" or this account's and region's
 * alias ARN) points to (arena), or NULL: not an alias, none such. Opens its
 * own read transaction: for authorization, before the handler's. */
const char *kms__alias_target_arn(nb_req_t *req, const char *id);
/* 0 when the key may encrypt/decrypt; else -1 after replying (Disabled/PendingDeletion). */
int kms__usable(nb_req_t *req, const kms_key_t *k);
/* 0 for a customer managed key; for an AWS managed key, replies
 * AccessDeniedException (its key policy allows a caller no change or direct
 * use) and returns -1. */
int kms__caller_may_change(nb_req_t *req, const kms_key_t *k);
/* A new Enabled key (fresh id and 32 random bytes of material) in k; manager "AWS"
 * for a managed key, NULL for a customer's. 0, or -1: no randomness. */
int kms__new_key(kms_key_t *k, const char *description, const char *manager);
/* Write (or overwrite) alias name ("alias/NAME") → key id target in write txn t, dated now.
 * STORE_OK or a store status. */
int kms__put_alias(store_txn_t *t, const char *name, const char *target);
/* Write the key's record in write txn t. STORE_OK or a store status. */
int kms__save(store_txn_t *t, const kms_key_t *k);
/* KeyMetadata of a key (new reference). */
json_t *kms__metadata(nb_req_t *req, const kms_key_t *k);
/* A required string parameter, or NULL after replying ValidationException. */
const char *kms__required(nb_req_t *req, const char *field, const char *member);
/* Commit t and reply body (stolen; NULL = {}) once durable, or reply the error. */
void kms__commit_reply(nb_req_t *req, store_txn_t *t, json_t *body);
/* Reply for a store failure. */
void kms__store_error(nb_req_t *req, int rc);
/* Open a transaction or reply; NULL after replying. */
store_txn_t *kms__begin(nb_req_t *req, int flags);

/* Limit: 1..1000 (default 100); 0, or -1 after replying. */
int kms__limit(nb_req_t *req, int *limit);

/* Handlers. */
void kms_op_create_key(nb_req_t *req);
void kms_op_describe_key(nb_req_t *req);
void kms_op_list_keys(nb_req_t *req);
void kms_op_enable_key(nb_req_t *req);
void kms_op_disable_key(nb_req_t *req);
void kms_op_schedule_key_deletion(nb_req_t *req);
void kms_op_cancel_key_deletion(nb_req_t *req);
void kms_op_encrypt(nb_req_t *req);
void kms_op_decrypt(nb_req_t *req);
void kms_op_generate_data_key(nb_req_t *req);
void kms_op_generate_data_key_without_plaintext(nb_req_t *req);
void kms_op_create_alias(nb_req_t *req);
void kms_op_list_aliases(nb_req_t *req);
void kms_op_delete_alias(nb_req_t *req);

/* Decrypt's resource: the key id inside a ciphertext blob (kms_crypto.c);
 * -1 when the blob holds none (not ours, or its id is not a key id). */
int kms__blob_key_id(const char *b64, char id[40]);
/* 1 when s is a key id (a lowercase UUID, kms_keys.c). */
int kms__is_uuid(const char *s);

#endif
