/* iam_authz.c — what IAM tells the central evaluator (src/auth) about a
 * request (core/service.h nb_authz_t): aws:RequestTag/K and aws:TagKeys from
 * Tags.member.N.Key/Value (CreateUser, CreateRole, TagUser, TagRole, ...) and
 * TagKeys.member.N (UntagUser, UntagRole), and the tags of a user, role,
 * instance profile or managed policy for aws:ResourceTag/K (iam:PassRole,
 * sts:AssumeRole, IAM calls on them), read from the store in process; and
 * AddRoleToInstanceProfile's second permission, iam:PassRole on the role
 * (with iam:PassedToService ec2.amazonaws.com). */
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

/* AddRoleToInstanceProfile passes the role: AWS asks iam:PassRole on it
 * besides the operation's own permission on the profile. The role's ARN is
 * its stored one (with its path); an unknown role's is path-less (the handler
 * then answers NoSuchEntity). */
static size_t iam_authz_parts(nb_req_t *req, nb_authz_part_t **parts)
{
    if (!req->op || strcmp(req->op->name, "AddRoleToInstanceProfile") != 0) return 0;
    const char *role = nb_req_form(req, "RoleName");
    if (!role) return 0;
    const char *role_arn = NULL;
    store_txn_t *t;
    if (store_begin(req->ctx->store, STORE_READ, &t) == STORE_OK) {
        json_t *r = iam__get(t, AUTH_KS_ROLES, role);
        const char *a = json_string_value(json_object_get(r, "Arn"));
        if (a) role_arn = nb_arena_strdup(req->arena, a);
        json_decref(r);
        store_abort(t);
    }
    if (!role_arn) role_arn = nb_arena_printf(req->arena, "arn:aws:iam::%s:role/%s", req->ctx->cfg->account, role);
    nb_authz_part_t *p = nb_arena_alloc(req->arena, 2 * sizeof *p);
    p[0] = (nb_authz_part_t){NULL, nb_edge_resource_arn(req), NULL};
    p[1] = (nb_authz_part_t){"iam:PassRole", role_arn, passrole_scope};
    *parts = p;
    return 2;
}

const nb_authz_t iam__authz = {
    .parts = iam_authz_parts,
    .cond_key = iam_authz_key,
    .resource_tags = iam_authz_tags,
};
