/* iam_svc.h — the IAM service's internal interface (Query protocol, xmlns
 * https://iam.amazonaws.com/doc/2010-05-08/). State layout: src/auth/creds.h.
 *
 * Users, groups and roles share one implementation parameterised by an
 * iam__kind_t (keyspace, parameter and XML names). Every write runs in one
 * store transaction and replies from the durable callback; every committed
 * write drops the credential cache (auth_creds_changed). */
#ifndef NB_IAM_SVC_H
#define NB_IAM_SVC_H
#include <jansson.h>
#include "core/buf.h"
#include "core/request.h"
#include "store/store.h"

typedef struct iam__kind {
    const char *ks;          /* AUTH_KS_USERS ... */
    const char *noun;        /* "user", "group", "role" (ARN segment, messages) */
    const char *Noun;        /* "User" (XML element, messages) */
    const char *name_param;  /* "UserName" */
    const char *id_field;    /* "UserId" */
    const char *id_prefix;   /* "AIDA" */
} iam__kind_t;

extern const iam__kind_t iam__user, iam__group, iam__role;

/* Instance profiles' keyspace (layout in iam_profile.c). */
#define IAM_KS_PROFILES "iam.instance_profiles"

/* A required form parameter, or NULL after replying ValidationError. */
const char *iam__need(nb_req_t *req, const char *name);
/* Validate an entity / policy name (1..max of [\w+=,.@-]); 0, or -1 after replying. */
int iam__check_name(nb_req_t *req, const char *param, const char *v, size_t max);

/* Validate a Path / NewPath ("/" or "/.../"); 0, or -1 after replying ValidationError. */
int iam__check_path(nb_req_t *req, const char *path);

/* Store helpers: a document (new reference) or NULL; put returns a store status. */
json_t *iam__get(store_txn_t *t, const char *ks, const char *key);
int iam__put(store_txn_t *t, const char *ks, const char *key, json_t *doc);
/* A managed policy's record by ARN (iam.policies shape; AWS managed ones from
 * aws_policies.h with the account's attachment count) or NULL; put stores it
 * (for an AWS managed one only its AttachmentCount). */
json_t *iam__policy_get(store_txn_t *t, const char *arn);
int iam__policy_put(store_txn_t *t, const char *arn, json_t *p);
/* Begin a transaction or reply InternalFailure and return NULL. */
store_txn_t *iam__begin(nb_req_t *req, int write);
/* Commit t and reply nb_reply_query(req, xml) once durable (xml copied; may be NULL). */
void iam__commit_reply(nb_req_t *req, store_txn_t *t, const char *xml);
/* Abort t and reply the error. */
void iam__fail(nb_req_t *req, store_txn_t *t, nb_err_t code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* "2026-11-28T01:02:03Z" now. out >= 32. */
void iam__now(char *out, size_t cap);
/* <Tag>escaped value</Tag> for each listed string/integer field of doc present. */
void iam__xml_fields(nb_buf_t *b, json_t *doc, const char *const *fields);
void iam__xml_str(nb_buf_t *b, const char *tag, const char *v);
/* A policy document as IAM returns it: URL-encoded JSON. */
void iam__xml_doc(nb_buf_t *b, const char *tag, const char *doc);
/* Parse and validate a policy document; 0, or -1 after replying MalformedPolicyDocument. */
int iam__check_policy(nb_req_t *req, const char *doc, int trust, nb_err_t code);

/* Marker / MaxItems paging of a list in key order. The marker is the key of
 * the first item of the next page (IAM's markers are opaque). */
typedef struct iam__page {
    const char *marker;   /* borrowed from the request, or NULL */
    long max, n;          /* MaxItems (default 100), items taken */
    char *next;           /* the next page's marker (arena), or NULL */
    nb_arena_t *arena;
} iam__page_t;
/* Read Marker and MaxItems; 0, or -1 after replying ValidationError. */
int iam__page_init(nb_req_t *req, iam__page_t *p);
/* Offer the item with this key (items in ascending key order, filtered):
 * 1 to emit it, 0 to skip it (before the marker, or the page is full). */
int iam__page_take(iam__page_t *p, const char *key);
/* <IsTruncated> and, when truncated, <Marker>. */
void iam__page_end(nb_buf_t *b, const iam__page_t *p);

/* Entity operations (iam_entity.c). */
void iam__entity_create(nb_req_t *req, const iam__kind_t *k);
void iam__entity_get(nb_req_t *req, const iam__kind_t *k);
void iam__entity_list(nb_req_t *req, const iam__kind_t *k);
void iam__entity_delete(nb_req_t *req, const iam__kind_t *k);
void iam__inline_put(nb_req_t *req, const iam__kind_t *k);
void iam__inline_get(nb_req_t *req, const iam__kind_t *k);
void iam__inline_delete(nb_req_t *req, const iam__kind_t *k);
void iam__inline_list(nb_req_t *req, const iam__kind_t *k);
void iam__attach(nb_req_t *req, const iam__kind_t *k, int attach);
void iam__attached_list(nb_req_t *req, const iam__kind_t *k);
/* The AttachedPolicy members (PolicyName, PolicyArn) of doc's "Attached". */
void iam__attached_xml(nb_buf_t *b, json_t *doc);
/* Permissions boundaries (put / delete), tags (add / remove / list), a role's
 * trust policy and settings. */
void iam__boundary(nb_req_t *req, const iam__kind_t *k, int put);
void iam__tag(nb_req_t *req, const iam__kind_t *k, int add);
void iam__tags_list(nb_req_t *req, const iam__kind_t *k);
void iam__update_trust(nb_req_t *req);
void iam__update_role(nb_req_t *req);
/* UpdateUser / UpdateGroup: NewUserName / NewGroupName and NewPath; a renamed
 * user's access keys and sessions, a renamed group's members follow it. */
void iam__entity_update(nb_req_t *req, const iam__kind_t *k);
void iam__update_role_description(nb_req_t *req);
/* Shared by create: set PermissionsBoundary (0, or -1 after replying NoSuchEntity);
 * merge Tags.member.N (0, or -1 after replying LimitExceeded). */
int iam__set_boundary(nb_req_t *req, store_txn_t *t, json_t *doc, const char *arn);
int iam__add_tags(nb_req_t *req, json_t *doc);
void iam__tags_xml(nb_buf_t *b, json_t *doc);
/* Drop the TagKeys.member.N of the request from doc's Tags. */
void iam__remove_tags(nb_req_t *req, json_t *doc);
/* The entity's summary XML (the fields GetUser / GetRole / GetGroup return). */
void iam__entity_xml(nb_buf_t *b, const iam__kind_t *k, json_t *doc);

/* Condition keys and user / role tags for IAM authorization (iam_authz.c). */
extern const nb_authz_t iam__authz;

/* Managed policies and simulation (iam_managed.c). */
void iam__op_create_policy(nb_req_t *req);
void iam__op_get_policy(nb_req_t *req);
void iam__op_list_policies(nb_req_t *req);
void iam__op_delete_policy(nb_req_t *req);
void iam__op_create_policy_version(nb_req_t *req);
void iam__op_get_policy_version(nb_req_t *req);
void iam__op_list_policy_versions(nb_req_t *req);
void iam__op_set_default_policy_version(nb_req_t *req);
void iam__op_delete_policy_version(nb_req_t *req);
void iam__op_list_entities_for_policy(nb_req_t *req);
void iam__op_tag_policy(nb_req_t *req);
void iam__op_untag_policy(nb_req_t *req);
void iam__op_list_policy_tags(nb_req_t *req);

/* Account-wide views (iam_account.c). */
void iam__op_get_account_summary(nb_req_t *req);
void iam__op_get_account_authorization_details(nb_req_t *req);

/* The simulator (iam_simulate.c). */
void iam__op_simulate_principal_policy(nb_req_t *req);
void iam__op_simulate_custom_policy(nb_req_t *req);
void iam__op_context_keys_custom(nb_req_t *req);
void iam__op_context_keys_principal(nb_req_t *req);

/* Instance profiles (iam_profile.c). */
void iam__op_create_instance_profile(nb_req_t *req);
void iam__op_get_instance_profile(nb_req_t *req);
void iam__op_delete_instance_profile(nb_req_t *req);
void iam__op_list_instance_profiles(nb_req_t *req);
void iam__op_list_instance_profiles_for_role(nb_req_t *req);
void iam__op_add_role_to_instance_profile(nb_req_t *req);
void iam__op_remove_role_from_instance_profile(nb_req_t *req);
void iam__op_tag_instance_profile(nb_req_t *req);
void iam__op_untag_instance_profile(nb_req_t *req);
void iam__op_list_instance_profile_tags(nb_req_t *req);
/* The InstanceProfile members of the profiles holding role. */
void iam__profiles_of_role_xml(nb_buf_t *b, store_txn_t *t, const char *role);
/* Is role in some instance profile? (DeleteRole's conflict) Read through t. */
int iam__role_in_profile(store_txn_t *t, const char *role);

#endif
