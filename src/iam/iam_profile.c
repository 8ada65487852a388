/* iam_profile.c — instance profiles: containers of at most one role (EC2's
 * way of handing a role to an instance; Terraform and CloudFormation manage
 * them beside every role).
 *
 *   iam.instance_profiles  NAME  {"InstanceProfileName","InstanceProfileId","Arn","Path",
 *                                 "CreateDate","Roles":[ROLE NAME],"Tags":[{Key,Value}]}
 *
 * Invariants: "Roles" holds at most one name (InstanceSessionsPerInstanceProfile
 * is 1); a role named there exists — DeleteRole refuses a role that is in a
 * profile (iam__role_in_profile), and DeleteInstanceProfile one that holds a role.
 * Responses render each role from its own record, so a role's later changes show. */
#include "iam/iam_svc.h"
#include "auth/creds.h"
#include <string.h>

#define KS IAM_KS_PROFILES
#define ROLES_PER_PROFILE 1

static void not_found(nb_req_t *req, store_txn_t *t, const char *name)
{
    iam__fail(req, t, NB_ERR_IAM_NO_SUCH_ENTITY, "Instance Profile %s cannot be found.", name);
}

/* The profile's XML members (InstanceProfile shape), its roles read through t. */
static void profile_xml(nb_buf_t *b, store_txn_t *t, json_t *p)
{
    const char *const head[] = {"Path", "InstanceProfileName", "InstanceProfileId", "Arn", "CreateDate", NULL};
    iam__xml_fields(b, p, head);
    nb_buf_puts(b, "<Roles>");
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(p, "Roles"), i, v) {
        json_t *r = iam__get(t, AUTH_KS_ROLES, json_string_value(v));
        if (!r) continue;
        nb_buf_puts(b, "<member>");
        iam__entity_xml(b, &iam__role, r);
        nb_buf_puts(b, "</member>");
        json_decref(r);
    }
    nb_buf_puts(b, "</Roles>");
    if (json_array_size(json_object_get(p, "Tags"))) iam__tags_xml(b, p);
}

static int has_role(json_t *p, const char *role)
{
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(p, "Roles"), i, v)
        if (strcmp(json_string_value(v), role) == 0) return 1;
    return 0;
}

static void op_create(nb_req_t *req)
{
    const char *name = iam__need(req, "InstanceProfileName");
    if (!name || iam__check_name(req, "InstanceProfileName", name, 128)) return;
    const char *path = nb_req_form(req, "Path");
    if (!path) path = "/";
    if (iam__check_path(req, path) != 0) return;
    store_txn_t *t = iam__begin(req, 1);
    if (!t) return;
    json_t *old = iam__get(t, KS, name);
    if (old) {
        json_decref(old);
        iam__fail(req, t, NB_ERR_IAM_ALREADY_EXISTS, "Instance Profile %s already exists.", name);
        return;
    }
    char id[21], now[32];
    auth_new_id("AIPA", id);
    iam__now(now, sizeof now);
    char *arn = nb_arena_printf(req->arena, "arn:aws:iam::%s:instance-profile%s%s", req->ctx->cfg->account, path, name);
    json_t *p = json_pack("{s:s,s:s,s:s,s:s,s:s,s:[]}", "InstanceProfileName", name, "InstanceProfileId", id,
                          "Arn", arn, "Path", path, "CreateDate", now, "Roles");
    if (iam__add_tags(req, p) != 0) {
        json_decref(p);
        store_abort(t);
        return;
    }
    iam__put(t, KS, name, p);
    nb_buf_t b = NB_BUF_INIT;
    nb_buf_puts(&b, "<InstanceProfile>");
    profile_xml(&b, t, p);
    nb_buf_puts(&b, "</InstanceProfile>");
    json_decref(p);
    iam__commit_reply(req, t, b.data);
    nb_buf_free(&b);
}

/* Begin (write or read) and load InstanceProfileName: the record (caller
 * decrefs; *t open), or NULL after replying (no transaction left open). */
static json_t *open_profile(nb_req_t *req, int write, store_txn_t **t, const char **name_out)
{
    const char *name = iam__need(req, "InstanceProfileName");
    if (!name) return NULL;
    *t = iam__begin(req, write);
    if (!*t) return NULL;
    json_t *p = iam__get(*t, KS, name);
    if (!p) not_found(req, *t, name);
    *name_out = name;
    return p;
}

static void op_get(nb_req_t *req)
{
    store_txn_t *t;
    const char *name;
    json_t *p = open_profile(req, 0, &t, &name);
    if (!p) return;
    nb_buf_t b = NB_BUF_INIT;
    nb_buf_puts(&b, "<InstanceProfile>");
    profile_xml(&b, t, p);
    nb_buf_puts(&b, "</InstanceProfile>");
    json_decref(p);
    store_abort(t);
    nb_reply_query(req, b.data);
    nb_buf_free(&b);
}

static void op_delete(nb_req_t *req)
{
    store_txn_t *t;
    const char *name;
    json_t *p = open_profile(req, 1, &t, &name);
    if (!p) return;
    size_t roles = json_array_size(json_object_get(p, "Roles"));
    json_decref(p);
    if (roles) {
        iam__fail(req, t, NB_ERR_IAM_DELETE_CONFLICT, "Cannot delete entity, must remove roles from instance profile first.");
        return;
    }
    store_del(t, KS, name, strlen(name));
    iam__commit_reply(req, t, NULL);
}

/* AddRoleToInstanceProfile / RemoveRoleFromInstanceProfile. */
static void role_membership(nb_req_t *req, int add)
{
    const char *role = iam__need(req, "RoleName");
    if (!role) return;
    store_txn_t *t;
    const char *name;
    json_t *p = open_profile(req, 1, &t, &name);
    if (!p) return;
    json_t *r = iam__get(t, AUTH_KS_ROLES, role);
    if (!r) {
        json_decref(p);
        iam__fail(req, t, NB_ERR_IAM_NO_SUCH_ENTITY, "The role with name %s cannot be found.", role);
        return;
    }
    json_decref(r);
    json_t *roles = json_object_get(p, "Roles");
    if (add && json_array_size(roles) >= ROLES_PER_PROFILE) {
        json_decref(p);
        iam__fail(req, t, NB_ERR_IAM_LIMIT_EXCEEDED, "Cannot exceed quota for InstanceSessionsPerInstanceProfile: %d",
                  ROLES_PER_PROFILE);
        return;
    }
    if (!add && !has_role(p, role)) {
        json_decref(p);
        iam__fail(req, t, NB_ERR_IAM_NO_SUCH_ENTITY, "The role with name %s cannot be found.", role);
        return;
    }
    if (add) {
        json_array_append_new(roles, json_string(role));
    } else {
        for (size_t i = json_array_size(roles); i-- > 0;)
            if (strcmp(json_string_value(json_array_get(roles, i)), role) == 0) json_array_remove(roles, i);
    }
    iam__put(t, KS, name, p);
    json_decref(p);
    iam__commit_reply(req, t, NULL);
}

/* TagInstanceProfile / UntagInstanceProfile. */
static void tag(nb_req_t *req, int add)
{
    store_txn_t *t;
    const char *name;
    json_t *p = open_profile(req, 1, &t, &name);
    if (!p) return;
    if (add && iam__add_tags(req, p) != 0) {
        json_decref(p);
        store_abort(t);
        return;
    }
    if (!add) iam__remove_tags(req, p);
    iam__put(t, KS, name, p);
    json_decref(p);
    iam__commit_reply(req, t, NULL);
}

static void op_list_tags(nb_req_t *req)
{
    store_txn_t *t;
    const char *name;
    json_t *p = open_profile(req, 0, &t, &name);
    if (!p) return;
    store_abort(t);
    nb_buf_t b = NB_BUF_INIT;
    iam__tags_xml(&b, p);
    nb_buf_puts(&b, "<IsTruncated>false</IsTruncated>");
    json_decref(p);
    nb_reply_query(req, b.data);
    nb_buf_free(&b);
}

static void op_add_role(nb_req_t *req) { role_membership(req, 1); }
static void op_remove_role(nb_req_t *req) { role_membership(req, 0); }

typedef struct list_ctx {
    nb_buf_t *b;
    store_txn_t *t;
    iam__page_t *page;
    const char *prefix;    /* ListInstanceProfiles: PathPrefix */
    const char *role;      /* ListInstanceProfilesForRole: only profiles holding it */
    int found;             /* iam__role_in_profile: stop at the first */
} list_ctx_t;

static int list_one(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
    list_ctx_t *c = arg;
    json_t *p = json_loadb(val, vlen, 0, NULL);
    const char *path = json_string_value(json_object_get(p, "Path"));
    int keep = p && (!c->prefix || (path && strncmp(path, c->prefix, strlen(c->prefix)) == 0)) &&
               (!c->role || has_role(p, c->role));
    if (!c->b) {   /* iam__role_in_profile */
        json_decref(p);
        c->found = keep;
        return keep;
    }
    char k[160];
    snprintf(k, sizeof k, "%.*s", (int)(klen < sizeof k ? klen : sizeof k - 1), (const char *)key);
    if (keep && (!c->page || iam__page_take(c->page, k))) {
        nb_buf_puts(c->b, "<member>");
        profile_xml(c->b, c->t, p);
        nb_buf_puts(c->b, "</member>");
    }
    json_decref(p);
    return c->page && c->page->next ? 1 : 0;
}

int iam__role_in_profile(store_txn_t *t, const char *role)
{
    list_ctx_t c = {.role = role};
    store_scan(t, KS, NULL, 0, NULL, 0, 0, list_one, &c);
    return c.found;
}

void iam__profiles_of_role_xml(nb_buf_t *b, store_txn_t *t, const char *role)
{
    list_ctx_t c = {b, t, NULL, NULL, role, 0};
    store_scan(t, KS, NULL, 0, NULL, 0, 0, list_one, &c);
}

static void list(nb_req_t *req, const char *role)
{
    iam__page_t page;
    if (iam__page_init(req, &page) != 0) return;
    store_txn_t *t = iam__begin(req, 0);
    if (!t) return;
    if (role) {
        json_t *r = iam__get(t, AUTH_KS_ROLES, role);
        if (!r) {
            iam__fail(req, t, NB_ERR_IAM_NO_SUCH_ENTITY, "The role with name %s cannot be found.", role);
            return;
        }
        json_decref(r);
    }
    nb_buf_t b = NB_BUF_INIT;
    nb_buf_puts(&b, "<InstanceProfiles>");
    list_ctx_t c = {&b, t, &page, role ? NULL : nb_req_form(req, "PathPrefix"), role, 0};
    const char *lo = page.marker;
    store_scan(t, KS, lo, lo ? strlen(lo) : 0, NULL, 0, 0, list_one, &c);
    store_abort(t);
    nb_buf_puts(&b, "</InstanceProfiles>");
    iam__page_end(&b, &page);
    nb_reply_query(req, b.data);
    nb_buf_free(&b);
}

static void op_list(nb_req_t *req) { list(req, NULL); }

static void op_list_for_role(nb_req_t *req)
{
    const char *role = iam__need(req, "RoleName");
    if (role) list(req, role);
}

void iam__op_create_instance_profile(nb_req_t *req) { op_create(req); }
void iam__op_get_instance_profile(nb_req_t *req) { op_get(req); }
void iam__op_delete_instance_profile(nb_req_t *req) { op_delete(req); }
void iam__op_list_instance_profiles(nb_req_t *req) { op_list(req); }
void iam__op_list_instance_profiles_for_role(nb_req_t *req) { op_list_for_role(req); }
void iam__op_add_role_to_instance_profile(nb_req_t *req) { op_add_role(req); }
void iam__op_remove_role_from_instance_profile(nb_req_t *req) { op_remove_role(req); }
void iam__op_tag_instance_profile(nb_req_t *req) { tag(req, 1); }
void iam__op_untag_instance_profile(nb_req_t *req) { tag(req, 0); }
void iam__op_list_instance_profile_tags(nb_req_t *req) { op_list_tags(req); }
