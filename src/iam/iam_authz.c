/* iam_authz.c — what IAM tells the central evaluator (src/auth) about a
 * request (core/service.h nb_authz_t): aws:RequestTag/K and aws:TagKeys from
 * Tags.member.N.Key/Value (CreateUser, CreateRole, TagUser, TagRole, ...) and
 * TagKeys.member.N (UntagUser, UntagRole), and the tags of a user, role,
 * instance profile or managed policy for aws:ResourceTag/K (iam:PassRole,
 * sts:AssumeRole, IAM calls on them), read from the store in process; and
 * AddRoleToInstanceProfile's second permission, iam:PassRole on the role
 * (with iam:PassedToService ec2.amazonaws.com); and the target of an
 * UpdateUser / UpdateGroup rename or move, on which AWS asks the same
 * permission as on the source. */
#include "iam/iam_svc.h"
#include "auth/condkeys.h"
#include "auth/creds.h"
#include "core/edge.h"
#include <string.h>
#include <strings.h>

/* The scope of AddRoleToInstanceProfile's iam:PassRole part. */
static const char passrole_scope[] = "ec2.amazonaws.com";

static int iam_authz_key(nb_req_t *req, const void *scope, const char *key, const char *const **vals, size_t *n)
{
    if (scope == passrole_scope) {   /* the role goes to EC2 (instances launched with the profile) */
        if (strcasecmp(key, "iam:PassedToService") != 0) return 0;
        const char **one = nb_arena_alloc(req->arena, sizeof *one);
        one[0] = passrole_scope;
        *vals = one;
        *n = 1;
        return 1;
    }
    int tag_keys = strcasecmp(key, "aws:TagKeys") == 0;
    if (!tag_keys && strncasecmp(key, "aws:RequestTag/", 15) != 0) return 0;
    auth_vals_t l = AUTH_VALS_INIT(req);
    for (int i = 1; i <= 50; i++) {
        const char *k = nb_req_form(req, nb_arena_printf(req->arena, "Tags.member.%d.Key", i));
        if (!k) break;
        const char *v = nb_req_form(req, nb_arena_printf(req->arena, "Tags.member.%d.Value", i));
        if (tag_keys) auth_vals_add(&l, k);
        else if (v && strcasecmp(k, key + 15) == 0) auth_vals_add(&l, v);
    }
    if (tag_keys)
        for (int i = 1; i <= 50; i++) {
            const char *k = nb_req_form(req, nb_arena_printf(req->arena, "TagKeys.member.%d", i));
            if (!k) break;
            auth_vals_add(&l, k);
        }
    if (l.n == 0 && !(tag_keys && req->op && (strncmp(req->op->name, "Tag", 3) == 0 ||
                                              strncmp(req->op->name, "Untag", 5) == 0)))
        return 0;
    return auth_vals_done(&l, vals, n);
}

/* arn:aws:iam::ACCT:user/PATH/NAME, role/PATH/NAME, instance-profile/PATH/NAME
 * or policy/PATH/NAME: that entity's Tags. */
static json_t *iam_authz_tags(nb_ctx_t *ctx, const char *arn)
{
    const char *ks = NULL, *p;
    int policy = 0;
    if ((p = strstr(arn, ":user/")) != NULL) ks = AUTH_KS_USERS;
    else if ((p = strstr(arn, ":role/")) != NULL) ks = AUTH_KS_ROLES;
    else if ((p = strstr(arn, ":instance-profile/")) != NULL) ks = IAM_KS_PROFILES;
    else if ((p = strstr(arn, ":policy/")) != NULL) ks = AUTH_KS_POLICIES, policy = 1;
    if (!ks || strncmp(arn, "arn:aws:iam::", 13) != 0) return NULL;
    const char *name = strrchr(p, '/') + 1;
    store_txn_t *t;
    if (store_begin(ctx->store, STORE_READ, &t) != STORE_OK) return NULL;
    /* policies are keyed by ARN (an AWS managed one: its record, without tags) */
    json_t *e = policy ? iam__policy_get(t, arn) : iam__get(t, ks, name);
    store_abort(t);
    if (!e) return NULL;
    json_t *tags = json_object_get(e, "Tags");
    json_t *out = tags ? auth_tags_object(tags) : json_object();
    json_decref(e);
    return out;
}

/* The ARN of stored entity name of keyspace ks, in req->arena, or NULL. */
static const char *stored_arn(nb_req_t *req, const char *ks, const char *name)
{
    const char *arn = NULL;
    store_txn_t *t;
    if (store_begin(req->ctx->store, STORE_READ, &t) == STORE_OK) {
        json_t *e = iam__get(t, ks, name);
        const char *a = json_string_value(json_object_get(e, "Arn"));
        if (a) arn = nb_arena_strdup(req->arena, a);
        json_decref(e);
        store_abort(t);
    }
    return arn;
}

/* AddRoleToInstanceProfile passes the role: AWS asks iam:PassRole on it
 * besides the operation's own permission on the profile. The role's ARN is
 * its stored one (with its path); an unknown role's is path-less (the handler
 * then answers NoSuchEntity). */
static size_t passrole_parts(nb_req_t *req, nb_authz_part_t **parts)
{
    const char *role = nb_req_form(req, "RoleName");
    if (!role) return 0;
    const char *role_arn = stored_arn(req, AUTH_KS_ROLES, role);
    if (!role_arn) role_arn = nb_arena_printf(req->arena, "arn:aws:iam::%s:role/%s", req->ctx->cfg->account, role);
    nb_authz_part_t *p = nb_arena_alloc(req->arena, 2 * sizeof *p);
    p[0] = (nb_authz_part_t){NULL, nb_edge_resource_arn(req), NULL};
    p[1] = (nb_authz_part_t){"iam:PassRole", role_arn, passrole_scope};
    *parts = p;
    return 2;
}

/* UpdateUser / UpdateGroup with NewUserName / NewGroupName or NewPath: "the
 * requester must have appropriate permissions on both the source object and
 * the target object" (IAM's documentation) — the op's action on the entity
 * as it is (the op's resource) and as it will be: NewPath (else its present
 * path) and the new name (else its present one). An unknown entity: only the
 * source (the handler answers NoSuchEntity). */
static size_t rename_parts(nb_req_t *req, const char *ks, const char *noun, const char *name_field,
                           const char *new_name_field, nb_authz_part_t **parts)
{
    const char *name = nb_req_form(req, name_field), *new_name = nb_req_form(req, new_name_field);
    const char *new_path = nb_req_form(req, "NewPath");
    if (!name || (!new_name && !new_path)) return 0;
    const char *arn = stored_arn(req, ks, name);
    if (!arn) return 0;
    const char *rest = strncmp(arn, "arn:aws:iam::", 13) == 0 ? strchr(arn + 13, ':') : NULL;
    size_t nl = strlen(noun);
    if (!rest || strncmp(rest + 1, noun, nl) != 0 || rest[1 + nl] != '/') return 0;
    rest += 1 + nl;                         /* "/PATH/NAME" */
    const char *last = strrchr(rest, '/');
    size_t np = new_path ? strlen(new_path) : 0;
    const char *target = nb_arena_printf(req->arena, "arn:aws:iam::%s:%s%.*s%s", req->ctx->cfg->account, noun,
                                         np ? (int)np : (int)(last + 1 - rest), np ? new_path : rest,
                                         new_name ? new_name : last + 1);
    nb_authz_part_t *p = nb_arena_alloc(req->arena, 2 * sizeof *p);
    p[0] = (nb_authz_part_t){NULL, nb_edge_resource_arn(req), NULL};
    p[1] = (nb_authz_part_t){NULL, target, NULL};
    *parts = p;
    return 2;
}

static size_t iam_authz_parts(nb_req_t *req, nb_authz_part_t **parts)
{
    if (!req->op) return 0;
    const char *op = req->op->name;
    if (strcmp(op, "AddRoleToInstanceProfile") == 0) return passrole_parts(req, parts);
    if (strcmp(op, "UpdateUser") == 0) return rename_parts(req, AUTH_KS_USERS, "user", "UserName", "NewUserName", parts);
    if (strcmp(op, "UpdateGroup") == 0)
        return rename_parts(req, AUTH_KS_GROUPS, "group", "GroupName", "NewGroupName", parts);
    return 0;
}

const nb_authz_t iam__authz = {
    .parts = iam_authz_parts,
    .cond_key = iam_authz_key,
    .resource_tags = iam_authz_tags,
};
