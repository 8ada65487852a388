/* iam_service.c — the IAM service (Query protocol, botocore iam/2010-05-08):
 * its operation table, access keys and group membership. Entity operations
 * are in iam_entity.c, managed policies in iam_managed.c. Its init loads (or
 * creates) the root credentials. */
#include "iam/iam_svc.h"
#include "auth/creds.h"
#include "core/service.h"
#include "iam/iam_usage.h"
#include <string.h>
#include <time.h>

#define ACCESS_KEYS_PER_USER 2
#define GROUPS_PER_USER 10

/* ---- wrappers binding the generic entity operations to a kind ------------- */
#define KIND_OPS(K, k)                                                                        \
    static void op_create_##k(nb_req_t *r) { iam__entity_create(r, &iam__##k); }             \
    static void op_get_##k(nb_req_t *r) { iam__entity_get(r, &iam__##k); }                   \
    static void op_list_##k(nb_req_t *r) { iam__entity_list(r, &iam__##k); }                 \
    static void op_delete_##k(nb_req_t *r) { iam__entity_delete(r, &iam__##k); }             \
    static void op_put_##k##_policy(nb_req_t *r) { iam__inline_put(r, &iam__##k); }          \
    static void op_get_##k##_policy(nb_req_t *r) { iam__inline_get(r, &iam__##k); }          \
    static void op_delete_##k##_policy(nb_req_t *r) { iam__inline_delete(r, &iam__##k); }    \
    static void op_list_##k##_policies(nb_req_t *r) { iam__inline_list(r, &iam__##k); }      \
    static void op_attach_##k##_policy(nb_req_t *r) { iam__attach(r, &iam__##k, 1); }        \
    static void op_detach_##k##_policy(nb_req_t *r) { iam__attach(r, &iam__##k, 0); }        \
    static void op_list_attached_##k##_policies(nb_req_t *r) { iam__attached_list(r, &iam__##k); }
KIND_OPS(User, user)
KIND_OPS(Group, group)
KIND_OPS(Role, role)
#define KIND_EXTRA_OPS(k)                                                                          \
    static void op_put_##k##_boundary(nb_req_t *r) { iam__boundary(r, &iam__##k, 1); }           \
    static void op_delete_##k##_boundary(nb_req_t *r) { iam__boundary(r, &iam__##k, 0); }        \
    static void op_tag_##k(nb_req_t *r) { iam__tag(r, &iam__##k, 1); }                          \
    static void op_untag_##k(nb_req_t *r) { iam__tag(r, &iam__##k, 0); }                         \
    static void op_list_##k##_tags(nb_req_t *r) { iam__tags_list(r, &iam__##k); }
static void op_update_user(nb_req_t *r) { iam__entity_update(r, &iam__user); }
static void op_update_group(nb_req_t *r) { iam__entity_update(r, &iam__group); }
KIND_EXTRA_OPS(user)
KIND_EXTRA_OPS(role)

/* ---- access keys -------------------------------------------------------------- */

/* The calling IAM user's name, or NULL (root, an assumed role). */
static const char *caller_user(const nb_req_t *req)
{
    const char *p = req->principal_arn ? strstr(req->principal_arn, ":user/") : NULL;
    return p ? strrchr(p, '/') + 1 : NULL;
}

/* UserName, or the calling user's name; NULL after replying. */
static const char *key_user(nb_req_t *req)
{
    const char *u = nb_req_form(req, "UserName");
    if (u) return u;
    u = caller_user(req);
    return u ? u : iam__need(req, "UserName");
}

/* The ARN IAM authorizes for entity name of keyspace ks (noun "user", ...):
 * its stored one, with its path — a policy on the role/svc/ prefix holds for the role
 * svc/web however a request names it — or, for one that does not exist (yet:
 * the Create operations), the ARN with the request's Path. Read in process. */
static int entity_arn(nb_req_t *req, nb_buf_t *out, const char *ks, const char *noun, const char *name)
{
    if (!name) return -1;
    store_txn_t *t;
    json_t *d = NULL;
    if (store_begin(req->ctx->store, STORE_READ, &t) == STORE_OK) {
        d = iam__get(t, ks, name);
        store_abort(t);
    }
    const char *arn = json_string_value(json_object_get(d, "Arn"));
    if (arn) {
        nb_buf_puts(out, arn);
    } else {
        const char *path = nb_req_form(req, "Path");
        size_t pl = path ? strlen(path) : 0;
        if (!pl || path[0] != '/' || path[pl - 1] != '/') path = "/";
        nb_buf_printf(out, "arn:aws:iam::%s:%s%s%s", req->ctx->cfg->account, noun, path, name);
    }
    json_decref(d);
    return 0;
}

static int user_arn(nb_req_t *req, nb_buf_t *out)
{
    return entity_arn(req, out, AUTH_KS_USERS, "user", nb_req_form(req, "UserName"));
}

static int group_arn(nb_req_t *req, nb_buf_t *out)
{
    return entity_arn(req, out, AUTH_KS_GROUPS, "group", nb_req_form(req, "GroupName"));
}

static int role_arn(nb_req_t *req, nb_buf_t *out)
{
    return entity_arn(req, out, AUTH_KS_ROLES, "role", nb_req_form(req, "RoleName"));
}

static int profile_arn(nb_req_t *req, nb_buf_t *out)
{
    return entity_arn(req, out, IAM_KS_PROFILES, "instance-profile", nb_req_form(req, "InstanceProfileName"));
}

/* Resource of the operations whose UserName defaults to the caller (GetUser,
 * the access-key operations): the user acted on, so that a policy on
 * user/${aws:username} — or a deny on another user — holds without UserName. */
static int user_or_caller_arn(nb_req_t *req, nb_buf_t *out)
{
    const char *u = nb_req_form(req, "UserName");
    return entity_arn(req, out, AUTH_KS_USERS, "user", u ? u : caller_user(req));
}

typedef struct key_scan {
    const char *user;
    int n;
    nb_buf_t *b;
} key_scan_t;

static int key_one(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
    key_scan_t *c = arg;
    json_t *d = json_loadb(val, vlen, 0, NULL);
    const char *u = json_string_value(json_object_get(d, "UserName"));
    if (u && strcmp(u, c->user) == 0) {
        c->n++;
        if (c->b) {
            nb_buf_puts(c->b, "<member>");
            iam__xml_str(c->b, "UserName", u);
            nb_buf_puts(c->b, "<AccessKeyId>");
            nb_buf_append(c->b, key, klen);
            nb_buf_puts(c->b, "</AccessKeyId>");
            const char *const f[] = {"Status", "CreateDate", NULL};
            iam__xml_fields(c->b, d, f);
            nb_buf_puts(c->b, "</member>");
        }
    }
    json_decref(d);
    return 0;
}

static json_t *need_user(nb_req_t *req, store_txn_t *t, const char *user)
{
    json_t *u = iam__get(t, AUTH_KS_USERS, user);
    if (!u) iam__fail(req, t, NB_ERR_IAM_NO_SUCH_ENTITY, "The user with name %s cannot be found.", user);
    return u;
}

static void op_create_access_key(nb_req_t *req)
{
    const char *user = key_user(req);
    if (!user) return;
    store_txn_t *t = iam__begin(req, 1);
    if (!t) return;
    json_t *u = need_user(req, t, user);
    if (!u) return;
    json_decref(u);
    key_scan_t c = {user, 0, NULL};
    store_scan(t, AUTH_KS_KEYS, NULL, 0, NULL, 0, 0, key_one, &c);
    if (c.n >= ACCESS_KEYS_PER_USER) {
        iam__fail(req, t, NB_ERR_IAM_LIMIT_EXCEEDED, "Cannot exceed quota for AccessKeysPerUser: %d", ACCESS_KEYS_PER_USER);
        return;
    }
    char ak[21], sk[41], now[32];
    auth_new_id("AKIA", ak);
    auth_new_secret(sk);
    iam__now(now, sizeof now);
    json_t *k = json_pack("{s:s,s:s,s:s,s:s}", "UserName", user, "SecretAccessKey", sk, "Status", "Active",
                          "CreateDate", now);
    iam__put(t, AUTH_KS_KEYS, ak, k);
    json_decref(k);
    nb_buf_t b = NB_BUF_INIT;
    nb_buf_puts(&b, "<AccessKey>");
    iam__xml_str(&b, "UserName", user);
    iam__xml_str(&b, "AccessKeyId", ak);
    iam__xml_str(&b, "Status", "Active");
    iam__xml_str(&b, "SecretAccessKey", sk);
    iam__xml_str(&b, "CreateDate", now);
    nb_buf_puts(&b, "</AccessKey>");
    iam__commit_reply(req, t, b.data);
    nb_buf_free(&b);
}

static void op_list_access_keys(nb_req_t *req)
{
    const char *user = key_user(req);
    if (!user) return;
    store_txn_t *t = iam__begin(req, 0);
    if (!t) return;
    json_t *u = need_user(req, t, user);
    if (!u) return;
    json_decref(u);
    nb_buf_t b = NB_BUF_INIT;
    nb_buf_puts(&b, "<AccessKeyMetadata>");
    key_scan_t c = {user, 0, &b};
    store_scan(t, AUTH_KS_KEYS, NULL, 0, NULL, 0, 0, key_one, &c);
    store_abort(t);
    nb_buf_puts(&b, "</AccessKeyMetadata><IsTruncated>false</IsTruncated>");
    iam__xml_str(&b, "UserName", user);
    nb_reply_query(req, b.data);
    nb_buf_free(&b);
}

/* DeleteAccessKey / UpdateAccessKey. */
static void change_access_key(nb_req_t *req, int del)
{
    const char *ak = iam__need(req, "AccessKeyId");
    if (!ak) return;
    const char *status = NULL;
    if (!del) {
        status = iam__need(req, "Status");
        if (!status) return;
        if (strcmp(status, "Active") != 0 && strcmp(status, "Inactive") != 0) {
            nb_reply_error(req, NB_ERR_IAM_VALIDATION, "1 validation error detected: Value '%s' at 'status' failed to "
                           "satisfy constraint: Member must satisfy enum value set: [Active, Inactive]", status);
            return;
        }
    }
    /* without UserName: the calling user's own key (as AWS), never another's */
    const char *user = nb_req_form(req, "UserName");
    if (!user) user = caller_user(req);
    store_txn_t *t = iam__begin(req, 1);
    if (!t) return;
    json_t *k = iam__get(t, AUTH_KS_KEYS, ak);
    const char *owner = json_string_value(json_object_get(k, "UserName"));
    if (!k || (user && (!owner || strcmp(owner, user) != 0))) {
        json_decref(k);
        iam__fail(req, t, NB_ERR_IAM_NO_SUCH_ENTITY, "The Access Key with id %s cannot be found.", ak);
        return;
    }
    if (del) {
        store_del(t, AUTH_KS_KEYS, ak, strlen(ak));
        store_del(t, IAM_KS_KEY_USAGE, ak, strlen(ak));
        iam__key_usage_forget(ak);
    } else {
        json_object_set_new(k, "Status", json_string(status));
        iam__put(t, AUTH_KS_KEYS, ak, k);
    }
    json_decref(k);
    iam__commit_reply(req, t, NULL);
}

static void op_delete_access_key(nb_req_t *req) { change_access_key(req, 1); }
static void op_update_access_key(nb_req_t *req) { change_access_key(req, 0); }

/* ---- GetAccessKeyLastUsed ------------------------------------------------------ */

/* The owner's ARN of AccessKeyId (as IAM authorizes it: on the user), read in
 * process; -1 for an unknown key or root's (the edge then uses "*"). */
static int key_owner_arn(nb_req_t *req, nb_buf_t *out)
{
    const char *ak = nb_req_form(req, "AccessKeyId");
    store_txn_t *t;
    if (!ak || store_begin(req->ctx->store, STORE_READ, &t) != STORE_OK) return -1;
    json_t *k = iam__get(t, AUTH_KS_KEYS, ak);
    const char *user = json_string_value(json_object_get(k, "UserName"));
    json_t *u = user ? iam__get(t, AUTH_KS_USERS, user) : NULL;
    const char *arn = json_string_value(json_object_get(u, "Arn"));
    if (arn) nb_buf_puts(out, arn);
    json_decref(u);
    json_decref(k);
    store_abort(t);
    return arn ? 0 : -1;
}

static void op_get_access_key_last_used(nb_req_t *req)
{
    const char *ak = iam__need(req, "AccessKeyId");
    if (!ak) return;
    size_t n = strlen(ak);
    if (n < 16 || n > 128) {
        nb_reply_error(req, NB_ERR_IAM_VALIDATION, "1 validation error detected: Value '%s' at 'accessKeyId' failed "
                       "to satisfy constraint: Member must have length %s equal to %d", ak,
                       n < 16 ? "greater than or" : "less than or", n < 16 ? 16 : 128);
        return;
    }
    store_txn_t *t = iam__begin(req, 0);
    if (!t) return;
    int root = strcmp(ak, auth_root_access_key()) == 0;
    json_t *k = root ? NULL : iam__get(t, AUTH_KS_KEYS, ak);
    if (!root && !k) {
        iam__fail(req, t, NB_ERR_IAM_NO_SUCH_ENTITY, "The Access Key with id %s cannot be found.", ak);
        return;
    }
    int64_t ms = 0;
    const char *svc = NULL;
    json_t *saved = NULL;
    if (!iam__key_usage_mem(ak, &ms, &svc) && (saved = iam__get(t, IAM_KS_KEY_USAGE, ak)) != NULL) {
        ms = (int64_t)json_integer_value(json_object_get(saved, "LastUsedDate"));
        svc = json_string_value(json_object_get(saved, "ServiceName"));
    }
    store_abort(t);
    nb_buf_t b = NB_BUF_INIT;
    iam__xml_str(&b, "UserName", json_string_value(json_object_get(k, "UserName")));
    nb_buf_puts(&b, "<AccessKeyLastUsed>");
    if (svc) {
        char date[32];
        time_t secs = (time_t)(ms / 1000);
        struct tm tm;
        gmtime_r(&secs, &tm);
        strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
        iam__xml_str(&b, "LastUsedDate", date);
        iam__xml_str(&b, "ServiceName", svc);
        iam__xml_str(&b, "Region", req->ctx->cfg->region);
    } else {   /* never used (since nimbus records it) */
        nb_buf_puts(&b, "<ServiceName>N/A</ServiceName><Region>N/A</Region>");
    }
    nb_buf_puts(&b, "</AccessKeyLastUsed>");
    json_decref(saved);
    json_decref(k);
    nb_reply_query(req, b.data);
    nb_buf_free(&b);
}

/* ---- group membership ------------------------------------------------------------ */

static void membership(nb_req_t *req, int add)
{
    const char *group = iam__need(req, "GroupName");
    const char *user = group ? iam__need(req, "UserName") : NULL;
    if (!user) return;
    store_txn_t *t = iam__begin(req, 1);
    if (!t) return;
    json_t *g = iam__get(t, AUTH_KS_GROUPS, group);
    if (!g) {
        iam__fail(req, t, NB_ERR_IAM_NO_SUCH_ENTITY, "The group with name %s cannot be found.", group);
        return;
    }
    json_decref(g);
    json_t *u = need_user(req, t, user);
    if (!u) return;
    json_t *gs = json_object_get(u, "Groups");
    if (!gs) json_object_set_new(u, "Groups", gs = json_array());
    size_t i, at = (size_t)-1;
    json_t *v;
    json_array_foreach(gs, i, v)
        if (strcmp(json_string_value(v), group) == 0) at = i;
    if (add && at == (size_t)-1 && json_array_size(gs) >= GROUPS_PER_USER) {
        json_decref(u);
        iam__fail(req, t, NB_ERR_IAM_LIMIT_EXCEEDED, "Cannot exceed quota for GroupsPerUser: %d", GROUPS_PER_USER);
        return;
    }
    if (add && at == (size_t)-1) json_array_append_new(gs, json_string(group));
    if (!add) {
        if (at == (size_t)-1) {
            json_decref(u);
            iam__fail(req, t, NB_ERR_IAM_NO_SUCH_ENTITY, "The user with name %s cannot be found.", user);
            return;
        }
        json_array_remove(gs, at);
    }
    iam__put(t, AUTH_KS_USERS, user, u);
    json_decref(u);
    iam__commit_reply(req, t, NULL);
}

static void op_add_user_to_group(nb_req_t *req) { membership(req, 1); }
static void op_remove_user_from_group(nb_req_t *req) { membership(req, 0); }

static void op_list_groups_for_user(nb_req_t *req)
{
    const char *user = iam__need(req, "UserName");
    if (!user) return;
    store_txn_t *t = iam__begin(req, 0);
    if (!t) return;
    json_t *u = need_user(req, t, user);
    if (!u) return;
    nb_buf_t b = NB_BUF_INIT;
    nb_buf_puts(&b, "<Groups>");
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(u, "Groups"), i, v) {
        json_t *g = iam__get(t, AUTH_KS_GROUPS, json_string_value(v));
        if (!g) continue;
        nb_buf_puts(&b, "<member>");
        iam__entity_xml(&b, &iam__group, g);
        nb_buf_puts(&b, "</member>");
        json_decref(g);
    }
    nb_buf_puts(&b, "</Groups><IsTruncated>false</IsTruncated>");
    json_decref(u);
    store_abort(t);
    nb_reply_query(req, b.data);
    nb_buf_free(&b);
}

/* ---- the service ----------------------------------------------------------------- */

#define A(x) "arn:aws:iam::{account}:" x
#define P "{PolicyArn}"

static const nb_op_t ops[] = {
    {"CreateUser", op_create_user, "iam:CreateUser", "*", user_arn, NULL, 0},
    {"GetUser", op_get_user, "iam:GetUser", "*", user_or_caller_arn, NULL, 0},
    {"ListUsers", op_list_user, "iam:ListUsers", A("user/"), NULL, NULL, 0},
    {"DeleteUser", op_delete_user, "iam:DeleteUser", "*", user_arn, NULL, 0},
    {"UpdateUser", op_update_user, "iam:UpdateUser", "*", user_arn, NULL, 0},
    {"CreateAccessKey", op_create_access_key, "iam:CreateAccessKey", "*", user_or_caller_arn, NULL, 0},
    {"ListAccessKeys", op_list_access_keys, "iam:ListAccessKeys", "*", user_or_caller_arn, NULL, 0},
    {"DeleteAccessKey", op_delete_access_key, "iam:DeleteAccessKey", "*", user_or_caller_arn, NULL, 0},
    {"UpdateAccessKey", op_update_access_key, "iam:UpdateAccessKey", "*", user_or_caller_arn, NULL, 0},
    {"GetAccessKeyLastUsed", op_get_access_key_last_used, "iam:GetAccessKeyLastUsed", "*", key_owner_arn, NULL, 0},
    {"PutUserPolicy", op_put_user_policy, "iam:PutUserPolicy", "*", user_arn, NULL, 0},
    {"GetUserPolicy", op_get_user_policy, "iam:GetUserPolicy", "*", user_arn, NULL, 0},
    {"DeleteUserPolicy", op_delete_user_policy, "iam:DeleteUserPolicy", "*", user_arn, NULL, 0},
    {"ListUserPolicies", op_list_user_policies, "iam:ListUserPolicies", "*", user_arn, NULL, 0},
    {"AttachUserPolicy", op_attach_user_policy, "iam:AttachUserPolicy", "*", user_arn, NULL, 0},
    {"DetachUserPolicy", op_detach_user_policy, "iam:DetachUserPolicy", "*", user_arn, NULL, 0},
    {"ListAttachedUserPolicies", op_list_attached_user_policies, "iam:ListAttachedUserPolicies", "*", user_arn, NULL, 0},
    {"PutUserPermissionsBoundary", op_put_user_boundary, "iam:PutUserPermissionsBoundary", "*", user_arn, NULL, 0},
    {"DeleteUserPermissionsBoundary", op_delete_user_boundary, "iam:DeleteUserPermissionsBoundary", "*", user_arn, NULL, 0},
    {"TagUser", op_tag_user, "iam:TagUser", "*", user_arn, NULL, 0},
    {"UntagUser", op_untag_user, "iam:UntagUser", "*", user_arn, NULL, 0},
    {"ListUserTags", op_list_user_tags, "iam:ListUserTags", "*", user_arn, NULL, 0},
    {"CreateGroup", op_create_group, "iam:CreateGroup", "*", group_arn, NULL, 0},
    {"GetGroup", op_get_group, "iam:GetGroup", "*", group_arn, NULL, 0},
    {"ListGroups", op_list_group, "iam:ListGroups", A("group/"), NULL, NULL, 0},
    {"DeleteGroup", op_delete_group, "iam:DeleteGroup", "*", group_arn, NULL, 0},
    {"UpdateGroup", op_update_group, "iam:UpdateGroup", "*", group_arn, NULL, 0},
    {"AddUserToGroup", op_add_user_to_group, "iam:AddUserToGroup", "*", group_arn, NULL, 0},
    {"RemoveUserFromGroup", op_remove_user_from_group, "iam:RemoveUserFromGroup", "*", group_arn, NULL, 0},
    {"ListGroupsForUser", op_list_groups_for_user, "iam:ListGroupsForUser", "*", user_arn, NULL, 0},
    {"PutGroupPolicy", op_put_group_policy, "iam:PutGroupPolicy", "*", group_arn, NULL, 0},
    {"GetGroupPolicy", op_get_group_policy, "iam:GetGroupPolicy", "*", group_arn, NULL, 0},
    {"DeleteGroupPolicy", op_delete_group_policy, "iam:DeleteGroupPolicy", "*", group_arn, NULL, 0},
    {"ListGroupPolicies", op_list_group_policies, "iam:ListGroupPolicies", "*", group_arn, NULL, 0},
    {"AttachGroupPolicy", op_attach_group_policy, "iam:AttachGroupPolicy", "*", group_arn, NULL, 0},
    {"DetachGroupPolicy", op_detach_group_policy, "iam:DetachGroupPolicy", "*", group_arn, NULL, 0},
    {"ListAttachedGroupPolicies", op_list_attached_group_policies, "iam:ListAttachedGroupPolicies", "*", group_arn, NULL, 0},
    {"CreateRole", op_create_role, "iam:CreateRole", "*", role_arn, NULL, 0},
    {"GetRole", op_get_role, "iam:GetRole", "*", role_arn, NULL, 0},
    {"ListRoles", op_list_role, "iam:ListRoles", A("role/"), NULL, NULL, 0},
    {"DeleteRole", op_delete_role, "iam:DeleteRole", "*", role_arn, NULL, 0},
    {"PutRolePolicy", op_put_role_policy, "iam:PutRolePolicy", "*", role_arn, NULL, 0},
    {"GetRolePolicy", op_get_role_policy, "iam:GetRolePolicy", "*", role_arn, NULL, 0},
    {"DeleteRolePolicy", op_delete_role_policy, "iam:DeleteRolePolicy", "*", role_arn, NULL, 0},
    {"ListRolePolicies", op_list_role_policies, "iam:ListRolePolicies", "*", role_arn, NULL, 0},
    {"AttachRolePolicy", op_attach_role_policy, "iam:AttachRolePolicy", "*", role_arn, NULL, 0},
    {"DetachRolePolicy", op_detach_role_policy, "iam:DetachRolePolicy", "*", role_arn, NULL, 0},
    {"ListAttachedRolePolicies", op_list_attached_role_policies, "iam:ListAttachedRolePolicies", "*", role_arn, NULL, 0},
    {"PutRolePermissionsBoundary", op_put_role_boundary, "iam:PutRolePermissionsBoundary", "*", role_arn, NULL, 0},
    {"DeleteRolePermissionsBoundary", op_delete_role_boundary, "iam:DeleteRolePermissionsBoundary", "*", role_arn, NULL, 0},
    {"TagRole", op_tag_role, "iam:TagRole", "*", role_arn, NULL, 0},
    {"UntagRole", op_untag_role, "iam:UntagRole", "*", role_arn, NULL, 0},
    {"ListRoleTags", op_list_role_tags, "iam:ListRoleTags", "*", role_arn, NULL, 0},
    {"UpdateAssumeRolePolicy", iam__update_trust, "iam:UpdateAssumeRolePolicy", "*", role_arn, NULL, 0},
    {"UpdateRole", iam__update_role, "iam:UpdateRole", "*", role_arn, NULL, 0},
    {"UpdateRoleDescription", iam__update_role_description, "iam:UpdateRoleDescription", "*", role_arn, NULL, 0},
    {"CreatePolicy", iam__op_create_policy, "iam:CreatePolicy", A("policy/{PolicyName}"), NULL, NULL, 0},
    {"GetPolicy", iam__op_get_policy, "iam:GetPolicy", P, NULL, NULL, 0},
    {"ListPolicies", iam__op_list_policies, "iam:ListPolicies", "*", NULL, NULL, 0},
    {"DeletePolicy", iam__op_delete_policy, "iam:DeletePolicy", P, NULL, NULL, 0},
    {"CreatePolicyVersion", iam__op_create_policy_version, "iam:CreatePolicyVersion", P, NULL, NULL, 0},
    {"GetPolicyVersion", iam__op_get_policy_version, "iam:GetPolicyVersion", P, NULL, NULL, 0},
    {"ListPolicyVersions", iam__op_list_policy_versions, "iam:ListPolicyVersions", P, NULL, NULL, 0},
    {"DeletePolicyVersion", iam__op_delete_policy_version, "iam:DeletePolicyVersion", P, NULL, NULL, 0},
    {"SetDefaultPolicyVersion", iam__op_set_default_policy_version, "iam:SetDefaultPolicyVersion", P, NULL, NULL, 0},
    {"ListEntitiesForPolicy", iam__op_list_entities_for_policy, "iam:ListEntitiesForPolicy", P, NULL, NULL, 0},
    {"TagPolicy", iam__op_tag_policy, "iam:TagPolicy", P, NULL, NULL, 0},
    {"UntagPolicy", iam__op_untag_policy, "iam:UntagPolicy", P, NULL, NULL, 0},
    {"ListPolicyTags", iam__op_list_policy_tags, "iam:ListPolicyTags", P, NULL, NULL, 0},
    {"CreateInstanceProfile", iam__op_create_instance_profile, "iam:CreateInstanceProfile", "*", profile_arn, NULL, 0},
    {"GetInstanceProfile", iam__op_get_instance_profile, "iam:GetInstanceProfile", "*", profile_arn, NULL, 0},
    {"DeleteInstanceProfile", iam__op_delete_instance_profile, "iam:DeleteInstanceProfile", "*", profile_arn, NULL, 0},
    {"ListInstanceProfiles", iam__op_list_instance_profiles, "iam:ListInstanceProfiles", A("instance-profile/"), NULL,
     NULL, 0},
    {"AddRoleToInstanceProfile", iam__op_add_role_to_instance_profile, "iam:AddRoleToInstanceProfile", "*",
     profile_arn, NULL, 0},
    {"RemoveRoleFromInstanceProfile", iam__op_remove_role_from_instance_profile, "iam:RemoveRoleFromInstanceProfile",
     "*", profile_arn, NULL, 0},
    {"TagInstanceProfile", iam__op_tag_instance_profile, "iam:TagInstanceProfile", "*", profile_arn, NULL, 0},
    {"UntagInstanceProfile", iam__op_untag_instance_profile, "iam:UntagInstanceProfile", "*", profile_arn, NULL, 0},
    {"ListInstanceProfileTags", iam__op_list_instance_profile_tags, "iam:ListInstanceProfileTags", "*", profile_arn,
     NULL, 0},
    {"ListInstanceProfilesForRole", iam__op_list_instance_profiles_for_role, "iam:ListInstanceProfilesForRole", "*",
     role_arn, NULL, 0},
    {"SimulatePrincipalPolicy", iam__op_simulate_principal_policy, "iam:SimulatePrincipalPolicy",
     "{PolicySourceArn}", NULL, NULL, 0},
    {"GetAccountSummary", iam__op_get_account_summary, "iam:GetAccountSummary", "*", NULL, NULL, 0},
    {"GetAccountAuthorizationDetails", iam__op_get_account_authorization_details,
     "iam:GetAccountAuthorizationDetails", "*", NULL, NULL, 0},
    {"SimulateCustomPolicy", iam__op_simulate_custom_policy, "iam:SimulateCustomPolicy", "*", NULL, NULL, 0},
    {"GetContextKeysForCustomPolicy", iam__op_context_keys_custom, "iam:GetContextKeysForCustomPolicy", "*", NULL,
     NULL, 0},
    {"GetContextKeysForPrincipalPolicy", iam__op_context_keys_principal, "iam:GetContextKeysForPrincipalPolicy",
     "{PolicySourceArn}", NULL, NULL, 0},
};

static int iam_init(nb_ctx_t *ctx)
{
    if (auth_creds_init(ctx) != 0) return -1;
    iam__key_usage_start(ctx);
    return 0;
}

static void iam_stop(nb_ctx_t *ctx)
{
    iam__key_usage_stop(ctx);
}

const nb_service_t iam_service = {
    .name = "iam", .proto = NB_PROTO_QUERY,
    .xml_ns = "https://iam.amazonaws.com/doc/2010-05-08/",
    .ops = ops, .n_ops = sizeof ops / sizeof ops[0],
    .init = iam_init,
    .stop = iam_stop,
    .authz = &iam__authz,
};
