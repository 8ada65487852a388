/* iam_managed.c — customer managed policies and their versions (at most 5,
 * one default), their tags and ListEntitiesForPolicy. */
#include "iam/iam_svc.h"
#include "iam/policy.h"
#include "iam/aws_policies.h"
#include "auth/creds.h"
#include "core/util.h"
#include <stdlib.h>
#include <string.h>

#define MAX_VERSIONS 5
#define MANAGED_POLICY_QUOTA 6144

static const char *const policy_fields[] = {"PolicyName", "PolicyId", "Arn", "Path", "DefaultVersionId",
                                            "AttachmentCount", "IsAttachable", "Description", "CreateDate",
                                            "UpdateDate", NULL};

static void policy_xml(nb_buf_t *b, json_t *p)
{
    iam__xml_fields(b, p, policy_fields);
    if (json_array_size(json_object_get(p, "Tags"))) iam__tags_xml(b, p);
}

static void version_xml(nb_buf_t *b, json_t *v, const char *dflt, int with_doc)
{
    const char *id = json_string_value(json_object_get(v, "VersionId"));
    if (with_doc) iam__xml_doc(b, "Document", json_string_value(json_object_get(v, "Document")));
    iam__xml_str(b, "VersionId", id);
    nb_buf_printf(b, "<IsDefaultVersion>%s</IsDefaultVersion>", dflt && id && strcmp(dflt, id) == 0 ? "true" : "false");
    iam__xml_str(b, "CreateDate", json_string_value(json_object_get(v, "CreateDate")));
}

static int check_doc(nb_req_t *req, const char *doc)
{
    if (iam_policy_size(doc, strlen(doc)) > MANAGED_POLICY_QUOTA) {
        nb_reply_error(req, NB_ERR_IAM_LIMIT_EXCEEDED, "Cannot exceed quota for PolicySize: %d", MANAGED_POLICY_QUOTA);
        return -1;
    }
    return iam__check_policy(req, doc, 0, NB_ERR_IAM_MALFORMED_POLICY);
}

static void op_create_policy(nb_req_t *req)
{
    const char *name = iam__need(req, "PolicyName");
    if (!name || iam__check_name(req, "PolicyName", name, 128)) return;
    const char *doc = iam__need(req, "PolicyDocument");
    if (!doc || check_doc(req, doc)) return;
    const char *path = nb_req_form(req, "Path");
    if (!path) path = "/";
    char *arn = nb_arena_printf(req->arena, "arn:aws:iam::%s:policy%s%s", req->ctx->cfg->account, path, name);
    store_txn_t *t = iam__begin(req, 1);
    if (!t) return;
    json_t *old = iam__get(t, AUTH_KS_POLICIES, arn);
    if (old) {
        json_decref(old);
        iam__fail(req, t, NB_ERR_IAM_ALREADY_EXISTS, "A policy called %s already exists. Duplicate names are not allowed.", name);
        return;
    }
    char id[21], now[32];
    auth_new_id("ANPA", id);
    iam__now(now, sizeof now);
    json_t *p = json_pack("{s:s,s:s,s:s,s:s,s:s,s:i,s:b,s:s,s:s,s:i,s:[{s:s,s:s,s:s}]}", "PolicyName", name,
                          "PolicyId", id, "Arn", arn, "Path", path, "DefaultVersionId", "v1", "AttachmentCount", 0,
                          "IsAttachable", 1, "CreateDate", now, "UpdateDate", now, "NextVersion", 2, "Versions",
                          "VersionId", "v1", "Document", doc, "CreateDate", now);
    const char *desc = nb_req_form(req, "Description");
    if (desc) json_object_set_new(p, "Description", json_string(desc));
    if (nb_req_form(req, "Tags.member.1.Key") && iam__add_tags(req, p) != 0) {
        json_decref(p);
        store_abort(t);
        return;
    }
    iam__policy_put(t, arn, p);
    nb_buf_t b = NB_BUF_INIT;
    nb_buf_puts(&b, "<Policy>");
    policy_xml(&b, p);
    nb_buf_puts(&b, "</Policy>");
    json_decref(p);
    iam__commit_reply(req, t, b.data);
    nb_buf_free(&b);
}

/* The policy named by PolicyArn, or NULL after replying (t aborted). AWS
 * managed policies belong to AWS's account: reading them is everyone's,
 * changing them (write) no one's. */
static json_t *load_policy_for(nb_req_t *req, store_txn_t *t, const char **arn_out, int write)
{
    const char *arn = iam__need(req, "PolicyArn");
    if (!arn) {
        store_abort(t);
        return NULL;
    }
    if (write && iam_aws_policy_arn(arn)) {
        const char *who = req->principal_arn ? req->principal_arn : "";
        iam__fail(req, t, NB_ERR_AUTH_QUERY_DENIED, "User: %s is not authorized to perform: %s on resource: policy %s",
                  who, req->op->iam_action, arn);
        return NULL;
    }
    json_t *p = iam__policy_get(t, arn);
    if (!p) iam__fail(req, t, NB_ERR_IAM_NO_SUCH_ENTITY, "Policy %s does not exist or is not attachable.", arn);
    *arn_out = arn;
    return p;
}

static json_t *load_policy(nb_req_t *req, store_txn_t *t, const char **arn_out)
{
    return load_policy_for(req, t, arn_out, 0);
}

static void op_get_policy(nb_req_t *req)
{
    store_txn_t *t = iam__begin(req, 0);
    const char *arn;
    json_t *p = t ? load_policy(req, t, &arn) : NULL;
    if (!p) return;
    store_abort(t);
    nb_buf_t b = NB_BUF_INIT;
    nb_buf_puts(&b, "<Policy>");
    policy_xml(&b, p);
    nb_buf_puts(&b, "</Policy>");
    json_decref(p);
    nb_reply_query(req, b.data);
    nb_buf_free(&b);
}

typedef struct plist {
    nb_buf_t *b;
    iam__page_t *page;
    int only_attached;
    const char *prefix;    /* PathPrefix, or NULL */
} plist_t;

/* Offer policy p (ARN arn) to the list: filters, then the page. */
static void list_member(plist_t *c, const char *arn, json_t *p)
{
    const char *path = json_string_value(json_object_get(p, "Path"));
    if (!p || (c->only_attached && json_integer_value(json_object_get(p, "AttachmentCount")) <= 0) ||
        (c->prefix && (!path || strncmp(path, c->prefix, strlen(c->prefix)) != 0)) || !iam__page_take(c->page, arn))
        return;
    nb_buf_puts(c->b, "<member>");
    policy_xml(c->b, p);
    nb_buf_puts(c->b, "</member>");
}

static int list_one(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
    plist_t *c = arg;
    /* an AWS managed policy's attachment count is no local policy */
    if (klen > sizeof IAM_AWS_POLICY_PREFIX && memcmp(key, IAM_AWS_POLICY_PREFIX "/", sizeof IAM_AWS_POLICY_PREFIX) == 0)
        return 0;
    char arn[600];
    snprintf(arn, sizeof arn, "%.*s", (int)(klen < sizeof arn ? klen : sizeof arn - 1), (const char *)key);
    json_t *p = json_loadb(val, vlen, 0, NULL);
    list_member(c, arn, p);
    json_decref(p);
    return c->page->next ? 1 : 0;
}

/* ListPolicies: in ARN order (the marker's) — the account's own ("arn:aws:iam::0…")
 * before AWS's ("arn:aws:iam::aws:…"). */
static void op_list_policies(nb_req_t *req)
{
    /* Scope: AWS (AWS managed), Local (customer managed) or All (default) */
    const char *scope = nb_req_form(req, "Scope");
    if (scope && strcmp(scope, "AWS") != 0 && strcmp(scope, "Local") != 0 && strcmp(scope, "All") != 0) {
        nb_reply_error(req, NB_ERR_IAM_VALIDATION, "1 validation error detected: Value '%s' at 'scope' failed to "
                       "satisfy constraint: Member must satisfy enum value set: [All, AWS, Local]", scope);
        return;
    }
    iam__page_t page;
    if (iam__page_init(req, &page) != 0) return;
    store_txn_t *t = iam__begin(req, 0);
    if (!t) return;
    nb_buf_t b = NB_BUF_INIT;
    nb_buf_puts(&b, "<Policies>");
    const char *oa = nb_req_form(req, "OnlyAttached");
    plist_t c = {&b, &page, oa && strcmp(oa, "true") == 0, nb_req_form(req, "PathPrefix")};
    if (!scope || strcmp(scope, "AWS") != 0) store_scan(t, AUTH_KS_POLICIES, NULL, 0, NULL, 0, 0, list_one, &c);
    if (!scope || strcmp(scope, "Local") != 0) {
        const char **arns = nb_arena_alloc(req->arena, sizeof *arns * (iam_aws_policy_count + 1));
        for (size_t i = 0; i < iam_aws_policy_count; i++)
            arns[i] = nb_arena_printf(req->arena, "%s%s%s", IAM_AWS_POLICY_PREFIX, iam_aws_policies[i].path,
                                      iam_aws_policies[i].name);
        qsort(arns, iam_aws_policy_count, sizeof *arns, nb_cmp_str);
        for (size_t i = 0; i < iam_aws_policy_count && !page.next; i++) {
            json_t *p = iam__policy_get(t, arns[i]);
            list_member(&c, arns[i], p);
            json_decref(p);
        }
    }
    store_abort(t);
    nb_buf_puts(&b, "</Policies>");
    iam__page_end(&b, &page);
    nb_reply_query(req, b.data);
    nb_buf_free(&b);
}

static void op_delete_policy(nb_req_t *req)
{
    store_txn_t *t = iam__begin(req, 1);
    const char *arn;
    json_t *p = t ? load_policy_for(req, t, &arn, 1) : NULL;
    if (!p) return;
    int attached = json_integer_value(json_object_get(p, "AttachmentCount")) > 0;
    int versions = json_array_size(json_object_get(p, "Versions")) > 1;
    json_decref(p);
    if (attached || versions) {
        iam__fail(req, t, NB_ERR_IAM_DELETE_CONFLICT, "%s", attached ? "Cannot delete a policy attached to entities."
                  : "This policy has more than one version. Before you delete a policy, you must delete the "
                    "policy's versions. The default version is deleted with the policy.");
        return;
    }
    store_del(t, AUTH_KS_POLICIES, arn, strlen(arn));
    iam__commit_reply(req, t, NULL);
}

static void op_create_policy_version(nb_req_t *req)
{
    const char *doc = iam__need(req, "PolicyDocument");
    if (!doc || check_doc(req, doc)) return;
    const char *sd = nb_req_form(req, "SetAsDefault");
    int set_default = sd && strcmp(sd, "true") == 0;
    store_txn_t *t = iam__begin(req, 1);
    const char *arn;
    json_t *p = t ? load_policy_for(req, t, &arn, 1) : NULL;
    if (!p) return;
    json_t *vers = json_object_get(p, "Versions");
    if (json_array_size(vers) >= MAX_VERSIONS) {
        json_decref(p);
        iam__fail(req, t, NB_ERR_IAM_LIMIT_EXCEEDED, "A managed policy can have up to %d versions. Before you "
                  "create a new version, you must delete an existing version.", MAX_VERSIONS);
        return;
    }
    json_int_t next = json_integer_value(json_object_get(p, "NextVersion"));
    char id[24], now[32];
    snprintf(id, sizeof id, "v%lld", (long long)next);
    iam__now(now, sizeof now);
    json_t *v = json_pack("{s:s,s:s,s:s}", "VersionId", id, "Document", doc, "CreateDate", now);
    json_array_append(vers, v);
    json_object_set_new(p, "NextVersion", json_integer(next + 1));
    json_object_set_new(p, "UpdateDate", json_string(now));
    if (set_default) json_object_set_new(p, "DefaultVersionId", json_string(id));
    iam__policy_put(t, arn, p);
    nb_buf_t b = NB_BUF_INIT;
    nb_buf_puts(&b, "<PolicyVersion>");
    version_xml(&b, v, json_string_value(json_object_get(p, "DefaultVersionId")), 0);
    nb_buf_puts(&b, "</PolicyVersion>");
    json_decref(v);
    json_decref(p);
    iam__commit_reply(req, t, b.data);
    nb_buf_free(&b);
}

/* The index of VersionId in p's versions, or -1 after replying NoSuchEntity (t aborted). */
static long find_version(nb_req_t *req, store_txn_t *t, json_t *p, const char *arn, const char *vid)
{
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(p, "Versions"), i, v)
        if (strcmp(json_string_value(json_object_get(v, "VersionId")), vid) == 0) return (long)i;
    json_decref(p);
    iam__fail(req, t, NB_ERR_IAM_NO_SUCH_ENTITY, "Policy %s version %s does not exist or is not attachable.", arn, vid);
    return -1;
}

static void op_get_policy_version(nb_req_t *req)
{
    const char *vid = iam__need(req, "VersionId");
    if (!vid) return;
    store_txn_t *t = iam__begin(req, 0);
    const char *arn;
    json_t *p = t ? load_policy(req, t, &arn) : NULL;
    if (!p) return;
    long i = find_version(req, t, p, arn, vid);
    if (i < 0) return;
    nb_buf_t b = NB_BUF_INIT;
    nb_buf_puts(&b, "<PolicyVersion>");
    version_xml(&b, json_array_get(json_object_get(p, "Versions"), (size_t)i),
                json_string_value(json_object_get(p, "DefaultVersionId")), 1);
    nb_buf_puts(&b, "</PolicyVersion>");
    json_decref(p);
    store_abort(t);
    nb_reply_query(req, b.data);
    nb_buf_free(&b);
}

static void op_list_policy_versions(nb_req_t *req)
{
    store_txn_t *t = iam__begin(req, 0);
    const char *arn;
    json_t *p = t ? load_policy(req, t, &arn) : NULL;
    if (!p) return;
    store_abort(t);
    nb_buf_t b = NB_BUF_INIT;
    nb_buf_puts(&b, "<Versions>");
    size_t i;
    json_t *v;
    const char *dv = json_string_value(json_object_get(p, "DefaultVersionId"));
    json_array_foreach(json_object_get(p, "Versions"), i, v) {
        nb_buf_puts(&b, "<member>");
        version_xml(&b, v, dv, 0);
        nb_buf_puts(&b, "</member>");
    }
    nb_buf_puts(&b, "</Versions><IsTruncated>false</IsTruncated>");
    json_decref(p);
    nb_reply_query(req, b.data);
    nb_buf_free(&b);
}

static void op_set_default_version(nb_req_t *req)
{
    const char *vid = iam__need(req, "VersionId");
    if (!vid) return;
    store_txn_t *t = iam__begin(req, 1);
    const char *arn;
    json_t *p = t ? load_policy_for(req, t, &arn, 1) : NULL;
    if (!p || find_version(req, t, p, arn, vid) < 0) return;
    json_object_set_new(p, "DefaultVersionId", json_string(vid));
    iam__policy_put(t, arn, p);
    json_decref(p);
    iam__commit_reply(req, t, NULL);
}

static void op_delete_policy_version(nb_req_t *req)
{
    const char *vid = iam__need(req, "VersionId");
    if (!vid) return;
    store_txn_t *t = iam__begin(req, 1);
    const char *arn;
    json_t *p = t ? load_policy_for(req, t, &arn, 1) : NULL;
    if (!p) return;
    long i = find_version(req, t, p, arn, vid);
    if (i < 0) return;
    if (strcmp(json_string_value(json_object_get(p, "DefaultVersionId")), vid) == 0) {
        json_decref(p);
        iam__fail(req, t, NB_ERR_IAM_DELETE_CONFLICT, "Cannot delete the default version of a policy.");
        return;
    }
    json_array_remove(json_object_get(p, "Versions"), (size_t)i);
    iam__policy_put(t, arn, p);
    json_decref(p);
    iam__commit_reply(req, t, NULL);
}

/* ---- policy tags ------------------------------------------------------------- */

/* TagPolicy / UntagPolicy (AWS managed policies: AccessDenied, as changing them). */
static void tag_policy(nb_req_t *req, int add)
{
    store_txn_t *t = iam__begin(req, 1);
    const char *arn;
    json_t *p = t ? load_policy_for(req, t, &arn, 1) : NULL;
    if (!p) return;
    if (add) {
        if (iam__add_tags(req, p) != 0) {
            json_decref(p);
            store_abort(t);
            return;
        }
    } else {
        iam__remove_tags(req, p);
    }
    iam__policy_put(t, arn, p);
    json_decref(p);
    iam__commit_reply(req, t, NULL);
}

static void op_list_policy_tags(nb_req_t *req)
{
    store_txn_t *t = iam__begin(req, 0);
    const char *arn;
    json_t *p = t ? load_policy(req, t, &arn) : NULL;
    if (!p) return;
    store_abort(t);
    nb_buf_t b = NB_BUF_INIT;
    iam__tags_xml(&b, p);
    nb_buf_puts(&b, "<IsTruncated>false</IsTruncated>");
    json_decref(p);
    nb_reply_query(req, b.data);
    nb_buf_free(&b);
}

/* ---- ListEntitiesForPolicy --------------------------------------------------- */

typedef struct ents {
    const iam__kind_t *k;
    const char *arn;
    const char *prefix;     /* PathPrefix */
    int policy, boundary;   /* PolicyUsageFilter: which uses count */
    iam__page_t *page;
    nb_buf_t *b;
} ents_t;

static int ent_one(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
    ents_t *c = arg;
    json_t *d = json_loadb(val, vlen, 0, NULL);
    int uses = 0;
    size_t i;
    json_t *v;
    if (c->policy)
        json_array_foreach(json_object_get(d, "Attached"), i, v)
            if (strcmp(json_string_value(v), c->arn) == 0) uses = 1;
    const char *pb = json_string_value(json_object_get(d, "PermissionsBoundary"));
    if (c->boundary && pb && strcmp(pb, c->arn) == 0) uses = 1;
    const char *path = json_string_value(json_object_get(d, "Path"));
    if (uses && c->prefix && (!path || strncmp(path, c->prefix, strlen(c->prefix)) != 0)) uses = 0;
    /* one marker space over the three lists: "1g:NAME", "2u:NAME", "3r:NAME" */
    char mk[200];
    snprintf(mk, sizeof mk, "%c%c:%.*s", c->k == &iam__group ? '1' : c->k == &iam__user ? '2' : '3', c->k->noun[0],
             (int)(klen < 160 ? klen : 160), (const char *)key);
    if (uses && iam__page_take(c->page, mk)) {
        nb_buf_puts(c->b, "<member>");
        char nf[32];
        snprintf(nf, sizeof nf, "%sName", c->k->Noun);
        const char *const f[] = {nf, c->k->id_field, NULL};
        iam__xml_fields(c->b, d, f);
        nb_buf_puts(c->b, "</member>");
    }
    json_decref(d);
    return c->page->next ? 1 : 0;
}

static void op_list_entities_for_policy(nb_req_t *req)
{
    const char *ef = nb_req_form(req, "EntityFilter");
    const char *uf = nb_req_form(req, "PolicyUsageFilter");
    if (ef && strcmp(ef, "User") != 0 && strcmp(ef, "Role") != 0 && strcmp(ef, "Group") != 0 &&
        strcmp(ef, "LocalManagedPolicy") != 0 && strcmp(ef, "AWSManagedPolicy") != 0) {
        nb_reply_error(req, NB_ERR_IAM_VALIDATION, "1 validation error detected: Value '%s' at 'entityFilter' failed "
                       "to satisfy constraint: Member must satisfy enum value set: [User, Role, Group, "
                       "LocalManagedPolicy, AWSManagedPolicy]", ef);
        return;
    }
    if (uf && strcmp(uf, "PermissionsPolicy") != 0 && strcmp(uf, "PermissionsBoundary") != 0) {
        nb_reply_error(req, NB_ERR_IAM_VALIDATION, "1 validation error detected: Value '%s' at 'policyUsageFilter' "
                       "failed to satisfy constraint: Member must satisfy enum value set: [PermissionsPolicy, "
                       "PermissionsBoundary]", uf);
        return;
    }
    iam__page_t page;
    if (iam__page_init(req, &page) != 0) return;
    store_txn_t *t = iam__begin(req, 0);
    const char *arn;
    json_t *p = t ? load_policy(req, t, &arn) : NULL;
    if (!p) return;
    json_decref(p);
    nb_buf_t b = NB_BUF_INIT;
    static const struct { const iam__kind_t *k; const char *tag, *filter; } lists[] = {
        {&iam__group, "PolicyGroups", "Group"}, {&iam__user, "PolicyUsers", "User"}, {&iam__role, "PolicyRoles", "Role"}};
    for (size_t i = 0; i < 3; i++) {
        nb_buf_printf(&b, "<%s>", lists[i].tag);
        /* groups have no permissions boundary */
        int boundary = (!uf || strcmp(uf, "PermissionsBoundary") == 0) && lists[i].k != &iam__group;
        ents_t c = {lists[i].k, arn, nb_req_form(req, "PathPrefix"), !uf || strcmp(uf, "PermissionsPolicy") == 0,
                    boundary, &page, &b};
        if (!ef || strcmp(ef, lists[i].filter) == 0)
            store_scan(t, lists[i].k->ks, NULL, 0, NULL, 0, 0, ent_one, &c);
        nb_buf_printf(&b, "</%s>", lists[i].tag);
    }
    store_abort(t);
    iam__page_end(&b, &page);
    nb_reply_query(req, b.data);
    nb_buf_free(&b);
}

/* Exposed to the op table (iam_service.c). */
void iam__op_create_policy(nb_req_t *req) { op_create_policy(req); }
void iam__op_get_policy(nb_req_t *req) { op_get_policy(req); }
void iam__op_list_policies(nb_req_t *req) { op_list_policies(req); }
void iam__op_delete_policy(nb_req_t *req) { op_delete_policy(req); }
void iam__op_create_policy_version(nb_req_t *req) { op_create_policy_version(req); }
void iam__op_get_policy_version(nb_req_t *req) { op_get_policy_version(req); }
void iam__op_list_policy_versions(nb_req_t *req) { op_list_policy_versions(req); }
void iam__op_set_default_policy_version(nb_req_t *req) { op_set_default_version(req); }
void iam__op_delete_policy_version(nb_req_t *req) { op_delete_policy_version(req); }
void iam__op_list_entities_for_policy(nb_req_t *req) { op_list_entities_for_policy(req); }
void iam__op_tag_policy(nb_req_t *req) { tag_policy(req, 1); }
void iam__op_untag_policy(nb_req_t *req) { tag_policy(req, 0); }
void iam__op_list_policy_tags(nb_req_t *req) { op_list_policy_tags(req); }
