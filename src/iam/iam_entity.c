/* iam_entity.c — users, groups and roles: one implementation of create / get /
 * list / delete, inline policies and managed-policy attachments, driven by an
 * iam__kind_t. Documents: src/auth/creds.h. */
#include "iam/iam_svc.h"
#include "auth/creds.h"
#include "core/alloc.h"
#include "core/util.h"
#include <stdlib.h>
#include <string.h>

#define INLINE_POLICY_QUOTA_USER 2048
#define INLINE_POLICY_QUOTA_ROLE 10240
#define INLINE_POLICY_QUOTA_GROUP 5120
#define ATTACHED_QUOTA 10

static char *name_field(nb_arena_t *a, const iam__kind_t *k)
{
    return nb_arena_printf(a, "%sName", k->Noun);
}

void iam__entity_xml(nb_buf_t *b, const iam__kind_t *k, json_t *doc)
{
    char nf[32];
    snprintf(nf, sizeof nf, "%sName", k->Noun);
    const char *const head[] = {"Path", nf, k->id_field, "Arn", "CreateDate", NULL};
    iam__xml_fields(b, doc, head);
    const char *trust = json_string_value(json_object_get(doc, "AssumeRolePolicyDocument"));
    if (trust) iam__xml_doc(b, "AssumeRolePolicyDocument", trust);
    const char *const tail[] = {"Description", "MaxSessionDuration", NULL};
    iam__xml_fields(b, doc, tail);
    const char *pb = json_string_value(json_object_get(doc, "PermissionsBoundary"));
    if (pb) {
        nb_buf_puts(b, "<PermissionsBoundary><PermissionsBoundaryType>Policy</PermissionsBoundaryType>");
        iam__xml_str(b, "PermissionsBoundaryArn", pb);
        nb_buf_puts(b, "</PermissionsBoundary>");
    }
    if (json_array_size(json_object_get(doc, "Tags"))) iam__tags_xml(b, doc);
}

static void not_found(nb_req_t *req, store_txn_t *t, const iam__kind_t *k, const char *name)
{
    iam__fail(req, t, NB_ERR_IAM_NO_SUCH_ENTITY, "The %s with name %s cannot be found.", k->noun, name);
}

/* Begins a transaction (write or read) and reads entity `name` of kind k: its
 * document (caller decrefs; *t stays open), or NULL with the error answered
 * (the begin failure, or NoSuchEntity) and no transaction left open. */
static json_t *open_entity(nb_req_t *req, const iam__kind_t *k, const char *name, int write, store_txn_t **t)
{
    *t = iam__begin(req, write);
    if (!*t) return NULL;
    json_t *e = iam__get(*t, k->ks, name);
    if (!e) not_found(req, *t, k, name);
    return e;
}

void iam__entity_create(nb_req_t *req, const iam__kind_t *k)
{
    const char *name = iam__need(req, k->name_param);
    if (!name || iam__check_name(req, k->name_param, name, k == &iam__group ? 128 : 64)) return;
    const char *path = nb_req_form(req, "Path");
    if (!path) path = "/";
    if (iam__check_path(req, path) != 0) return;
    const char *trust = NULL;
    long max_session = 3600;
    if (k == &iam__role) {
        trust = iam__need(req, "AssumeRolePolicyDocument");
        if (!trust || iam__check_policy(req, trust, 1, NB_ERR_IAM_MALFORMED_POLICY)) return;
        const char *ms = nb_req_form(req, "MaxSessionDuration");
        if (ms) max_session = strtol(ms, NULL, 10);
        if (max_session < 3600 || max_session > 43200) {
            nb_reply_error(req, NB_ERR_IAM_VALIDATION, "1 validation error detected: Value '%s' at "
                           "'maxSessionDuration' failed to satisfy constraint: Member must have value less than "
                           "or equal to 43200", ms ? ms : "");
            return;
        }
    }
    store_txn_t *t = iam__begin(req, 1);
    if (!t) return;
    json_t *old = iam__get(t, k->ks, name);
    if (old) {
        json_decref(old);
        iam__fail(req, t, NB_ERR_IAM_ALREADY_EXISTS, "%s with name %s already exists.", k->Noun, name);
        return;
    }
    char id[21], now[32];
    auth_new_id(k->id_prefix, id);
    iam__now(now, sizeof now);
    char *arn = nb_arena_printf(req->arena, "arn:aws:iam::%s:%s%s%s", req->ctx->cfg->account, k->noun, path, name);
    json_t *doc = json_pack("{s:s,s:s,s:s,s:s,s:s,s:{},s:[]}", "Path", path, name_field(req->arena, k), name,
                            k->id_field, id, "Arn", arn, "CreateDate", now, "Policies", "Attached");
    if (k == &iam__user) json_object_set_new(doc, "Groups", json_array());
    if (trust) {
        json_object_set_new(doc, "AssumeRolePolicyDocument", json_string(trust));
        json_object_set_new(doc, "MaxSessionDuration", json_integer(max_session));
        const char *desc = nb_req_form(req, "Description");
        if (desc) json_object_set_new(doc, "Description", json_string(desc));
    }
    const char *pb = k != &iam__group ? nb_req_form(req, "PermissionsBoundary") : NULL;
    if ((pb && iam__set_boundary(req, t, doc, pb) != 0) || (k != &iam__group && iam__add_tags(req, doc) != 0)) {
        json_decref(doc);
        store_abort(t);
        return;
    }
    iam__put(t, k->ks, name, doc);
    nb_buf_t b = NB_BUF_INIT;
    nb_buf_printf(&b, "<%s>", k->Noun);
    iam__entity_xml(&b, k, doc);
    nb_buf_printf(&b, "</%s>", k->Noun);
    json_decref(doc);
    iam__commit_reply(req, t, b.data);
    nb_buf_free(&b);
}

typedef struct list_ctx {
    nb_buf_t *b;
    const iam__kind_t *k;
    const char *prefix;
    const char *group;   /* GetGroup: only users in this group */
    iam__page_t *page;   /* ListUsers / ListGroups / ListRoles: Marker, MaxItems; else NULL */
} list_ctx_t;

static int list_one(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
    list_ctx_t *c = arg;
    json_t *doc = json_loadb(val, vlen, 0, NULL);
    const char *path = json_string_value(json_object_get(doc, "Path"));
    int keep = doc && (!c->prefix || (path && strncmp(path, c->prefix, strlen(c->prefix)) == 0));
    if (keep && c->group) {
        keep = 0;
        size_t i;
        json_t *g;
        json_array_foreach(json_object_get(doc, "Groups"), i, g)
            if (json_is_string(g) && strcmp(json_string_value(g), c->group) == 0) keep = 1;
    }
    if (keep && c->page) {
        char k[160];
        snprintf(k, sizeof k, "%.*s", (int)(klen < sizeof k ? klen : sizeof k - 1), (const char *)key);
        keep = iam__page_take(c->page, k);
    }
    if (keep) {
        nb_buf_puts(c->b, "<member>");
        iam__entity_xml(c->b, c->k, doc);
        nb_buf_puts(c->b, "</member>");
    }
    json_decref(doc);
    return c->page && c->page->next ? 1 : 0;
}

void iam__entity_list(nb_req_t *req, const iam__kind_t *k)
{
    iam__page_t page;
    if (iam__page_init(req, &page) != 0) return;
    store_txn_t *t = iam__begin(req, 0);
    if (!t) return;
    nb_buf_t b = NB_BUF_INIT;
    nb_buf_printf(&b, "<%ss>", k->Noun);
    list_ctx_t c = {&b, k, nb_req_form(req, "PathPrefix"), NULL, &page};
    store_scan(t, k->ks, page.marker, page.marker ? strlen(page.marker) : 0, NULL, 0, 0, list_one, &c);
    store_abort(t);
    nb_buf_printf(&b, "</%ss>", k->Noun);
    iam__page_end(&b, &page);
    nb_reply_query(req, b.data);
    nb_buf_free(&b);
}

void iam__entity_get(nb_req_t *req, const iam__kind_t *k)
{
    const char *name = nb_req_form(req, k->name_param);
    if (!name && k == &iam__user) {   /* GetUser without a name: the caller */
        const char *arn = req->principal_arn ? req->principal_arn : "";
        const char *u = strstr(arn, ":user/");
        if (!u && strstr(arn, ":assumed-role/")) {
            nb_reply_error(req, NB_ERR_IAM_VALIDATION, "Must specify userName when calling with non-User credentials");
            return;
        }
        if (!u) {
            char now[32];
            iam__now(now, sizeof now);
            nb_buf_t b = NB_BUF_INIT;
            nb_buf_puts(&b, "<User>");
            iam__xml_str(&b, "UserId", req->ctx->cfg->account);
            iam__xml_str(&b, "Arn", arn);
            iam__xml_str(&b, "CreateDate", now);
            nb_buf_puts(&b, "</User>");
            nb_reply_query(req, b.data);
            nb_buf_free(&b);
            return;
        }
        name = strrchr(u, '/') + 1;
    }
    if (!name && !(name = iam__need(req, k->name_param))) return;
    store_txn_t *t;
    json_t *doc = open_entity(req, k, name, 0, &t);
    if (!doc) return;
    nb_buf_t b = NB_BUF_INIT;
    nb_buf_printf(&b, "<%s>", k->Noun);
    iam__entity_xml(&b, k, doc);
    nb_buf_printf(&b, "</%s>", k->Noun);
    json_decref(doc);
    if (k == &iam__group) {
        nb_buf_puts(&b, "<Users>");
        list_ctx_t c = {&b, &iam__user, NULL, name, NULL};
        store_scan(t, AUTH_KS_USERS, NULL, 0, NULL, 0, 0, list_one, &c);
        nb_buf_puts(&b, "</Users><IsTruncated>false</IsTruncated>");
    }
    store_abort(t);
    nb_reply_query(req, b.data);
    nb_buf_free(&b);
}

typedef struct key_count {
    const char *user;
    int n;
} key_count_t;

static int count_key(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
    (void)key, (void)klen;
    key_count_t *c = arg;
    json_t *d = json_loadb(val, vlen, 0, NULL);
    const char *u = json_string_value(json_object_get(d, "UserName"));
    if (u && strcmp(u, c->user) == 0) c->n++;
    json_decref(d);
    return 0;
}

void iam__entity_delete(nb_req_t *req, const iam__kind_t *k)
{
    const char *name = iam__need(req, k->name_param);
    if (!name) return;
    store_txn_t *t;
    json_t *doc = open_entity(req, k, name, 1, &t);
    if (!doc) return;
    const char *why = NULL;
    if (k == &iam__role && iam__role_in_profile(t, name)) why = "must remove roles from instance profile first";
    else if (json_object_size(json_object_get(doc, "Policies"))) why = "must delete policies first";
    else if (json_array_size(json_object_get(doc, "Attached"))) why = "must detach all policies first";
    else if (k == &iam__user && json_array_size(json_object_get(doc, "Groups"))) why = "must remove user from all groups first";
    else if (k == &iam__user) {
        key_count_t c = {name, 0};
        store_scan(t, AUTH_KS_KEYS, NULL, 0, NULL, 0, 0, count_key, &c);
        if (c.n) why = "must delete access keys first";
    } else if (k == &iam__group) {
        nb_buf_t b = NB_BUF_INIT;
        list_ctx_t c = {&b, &iam__user, NULL, name, NULL};
        store_scan(t, AUTH_KS_USERS, NULL, 0, NULL, 0, 0, list_one, &c);
        if (b.len) why = "must remove users from group first";
        nb_buf_free(&b);
    }
    json_decref(doc);
    if (why) {
        iam__fail(req, t, NB_ERR_IAM_DELETE_CONFLICT, "Cannot delete entity, %s.", why);
        return;
    }
    store_del(t, k->ks, name, strlen(name));
    iam__commit_reply(req, t, NULL);
}

/* ---- inline policies ------------------------------------------------------- */

static size_t inline_total(json_t *pols, const char *except)
{
    size_t n = 0;
    const char *key;
    json_t *v;
    json_object_foreach(pols, key, v)
        if (!except || strcmp(key, except) != 0) n += iam_policy_size(json_string_value(v), json_string_length(v));
    return n;
}

void iam__inline_put(nb_req_t *req, const iam__kind_t *k)
{
    const char *name = iam__need(req, k->name_param);
    if (!name) return;
    const char *pname = iam__need(req, "PolicyName");
    if (!pname || iam__check_name(req, "PolicyName", pname, 128)) return;
    const char *doc = iam__need(req, "PolicyDocument");
    if (!doc || iam__check_policy(req, doc, 0, NB_ERR_IAM_MALFORMED_POLICY)) return;
    store_txn_t *t;
    json_t *e = open_entity(req, k, name, 1, &t);
    if (!e) return;
    json_t *pols = json_object_get(e, "Policies");
    size_t quota = k == &iam__user ? INLINE_POLICY_QUOTA_USER : k == &iam__role ? INLINE_POLICY_QUOTA_ROLE
                                                                                 : INLINE_POLICY_QUOTA_GROUP;
    if (inline_total(pols, pname) + iam_policy_size(doc, strlen(doc)) > quota) {
        json_decref(e);
        iam__fail(req, t, NB_ERR_IAM_LIMIT_EXCEEDED, "Maximum policy size of %zu bytes exceeded for %s %s",
                  quota, k->noun, name);
        return;
    }
    json_object_set_new(pols, pname, json_string(doc));
    iam__put(t, k->ks, name, e);
    json_decref(e);
    iam__commit_reply(req, t, NULL);
}

void iam__inline_get(nb_req_t *req, const iam__kind_t *k)
{
    const char *name = iam__need(req, k->name_param);
    const char *pname = name ? iam__need(req, "PolicyName") : NULL;
    if (!pname) return;
    store_txn_t *t;
    json_t *e = open_entity(req, k, name, 0, &t);
    if (!e) return;
    const char *doc = json_string_value(json_object_get(json_object_get(e, "Policies"), pname));
    if (!doc) {
        json_decref(e);
        iam__fail(req, t, NB_ERR_IAM_NO_SUCH_ENTITY, "The %s policy with name %s cannot be found.", k->noun, pname);
        return;
    }
    nb_buf_t b = NB_BUF_INIT;
    iam__xml_str(&b, k->name_param, name);
    iam__xml_str(&b, "PolicyName", pname);
    iam__xml_doc(&b, "PolicyDocument", doc);
    json_decref(e);
    store_abort(t);
    nb_reply_query(req, b.data);
    nb_buf_free(&b);
}

void iam__inline_delete(nb_req_t *req, const iam__kind_t *k)
{
    const char *name = iam__need(req, k->name_param);
    const char *pname = name ? iam__need(req, "PolicyName") : NULL;
    if (!pname) return;
    store_txn_t *t;
    json_t *e = open_entity(req, k, name, 1, &t);
    if (!e) return;
    json_t *pols = json_object_get(e, "Policies");
    if (!json_object_get(pols, pname)) {
        json_decref(e);
        iam__fail(req, t, NB_ERR_IAM_NO_SUCH_ENTITY, "The %s policy with name %s cannot be found.", k->noun, pname);
        return;
    }
    json_object_del(pols, pname);
    iam__put(t, k->ks, name, e);
    json_decref(e);
    iam__commit_reply(req, t, NULL);
}

void iam__inline_list(nb_req_t *req, const iam__kind_t *k)
{
    const char *name = iam__need(req, k->name_param);
    if (!name) return;
    store_txn_t *t;
    json_t *e = open_entity(req, k, name, 0, &t);
    if (!e) return;
    nb_buf_t b = NB_BUF_INIT;
    nb_buf_puts(&b, "<PolicyNames>");
    const char *key;
    json_t *v;
    json_object_foreach(json_object_get(e, "Policies"), key, v) iam__xml_str(&b, "member", key);
    nb_buf_puts(&b, "</PolicyNames><IsTruncated>false</IsTruncated>");
    json_decref(e);
    store_abort(t);
    nb_reply_query(req, b.data);
    nb_buf_free(&b);
}

/* ---- managed policy attachments --------------------------------------------- */

void iam__attach(nb_req_t *req, const iam__kind_t *k, int attach)
{
    const char *name = iam__need(req, k->name_param);
    const char *parn = name ? iam__need(req, "PolicyArn") : NULL;
    if (!parn) return;
    store_txn_t *t;
    json_t *e = open_entity(req, k, name, 1, &t);
    if (!e) return;
    json_t *p = iam__policy_get(t, parn);
    if (!p) {
        json_decref(e);
        iam__fail(req, t, NB_ERR_IAM_NO_SUCH_ENTITY, "Policy %s does not exist or is not attachable.", parn);
        return;
    }
    json_t *att = json_object_get(e, "Attached");
    size_t i, at = (size_t)-1;
    json_t *v;
    json_array_foreach(att, i, v)
        if (strcmp(json_string_value(v), parn) == 0) at = i;
    int changed = 0;
    if (attach && at == (size_t)-1) {
        if (json_array_size(att) >= ATTACHED_QUOTA) {
            json_decref(e);
            json_decref(p);
            iam__fail(req, t, NB_ERR_IAM_LIMIT_EXCEEDED, "Cannot exceed quota for PoliciesPer%s: %d", k->Noun,
                      ATTACHED_QUOTA);
            return;
        }
        json_array_append_new(att, json_string(parn));
        changed = 1;
    } else if (!attach) {
        if (at == (size_t)-1) {
            json_decref(e);
            json_decref(p);
            iam__fail(req, t, NB_ERR_IAM_NO_SUCH_ENTITY, "Policy %s was not found.", parn);
            return;
        }
        json_array_remove(att, at);
        changed = -1;
    }
    if (changed) {
        json_int_t n = json_integer_value(json_object_get(p, "AttachmentCount")) + changed;
        json_object_set_new(p, "AttachmentCount", json_integer(n < 0 ? 0 : n));
        iam__policy_put(t, parn, p);
        iam__put(t, k->ks, name, e);
    }
    json_decref(e);
    json_decref(p);
    iam__commit_reply(req, t, NULL);
}

void iam__attached_xml(nb_buf_t *b, json_t *doc)
{
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(doc, "Attached"), i, v) {
        const char *arn = json_string_value(v);
        const char *slash = strrchr(arn, '/');
        nb_buf_puts(b, "<member>");
        iam__xml_str(b, "PolicyName", slash ? slash + 1 : arn);
        iam__xml_str(b, "PolicyArn", arn);
        nb_buf_puts(b, "</member>");
    }
}

void iam__attached_list(nb_req_t *req, const iam__kind_t *k)
{
    const char *name = iam__need(req, k->name_param);
    if (!name) return;
    store_txn_t *t;
    json_t *e = open_entity(req, k, name, 0, &t);
    if (!e) return;
    nb_buf_t b = NB_BUF_INIT;
    nb_buf_puts(&b, "<AttachedPolicies>");
    iam__attached_xml(&b, e);
    nb_buf_puts(&b, "</AttachedPolicies><IsTruncated>false</IsTruncated>");
    json_decref(e);
    store_abort(t);
    nb_reply_query(req, b.data);
    nb_buf_free(&b);
}

/* ---- modifications of one entity: boundary, tags, trust policy -------------- */

/* Load the entity, let fn change doc (0) or reply an error (-1), save, reply. */
static void modify(nb_req_t *req, const iam__kind_t *k, int (*fn)(nb_req_t *, store_txn_t *, json_t *))
{
    const char *name = iam__need(req, k->name_param);
    if (!name) return;
    store_txn_t *t;
    json_t *e = open_entity(req, k, name, 1, &t);
    if (!e) return;
    if (fn(req, t, e) != 0) {
        json_decref(e);
        store_abort(t);
        return;
    }
    iam__put(t, k->ks, name, e);
    json_decref(e);
    iam__commit_reply(req, t, NULL);
}

int iam__set_boundary(nb_req_t *req, store_txn_t *t, json_t *doc, const char *arn)
{
    json_t *p = iam__policy_get(t, arn);
    if (!p) {
        nb_reply_error(req, NB_ERR_IAM_NO_SUCH_ENTITY, "Scope ARN: %s does not exist or is not attachable.", arn);
        return -1;
    }
    json_decref(p);
    json_object_set_new(doc, "PermissionsBoundary", json_string(arn));
    return 0;
}

static int put_boundary(nb_req_t *req, store_txn_t *t, json_t *doc)
{
    const char *arn = iam__need(req, "PermissionsBoundary");
    return arn ? iam__set_boundary(req, t, doc, arn) : -1;
}

static int delete_boundary(nb_req_t *req, store_txn_t *t, json_t *doc)
{
    (void)req, (void)t;
    json_object_del(doc, "PermissionsBoundary");
    return 0;
}

void iam__boundary(nb_req_t *req, const iam__kind_t *k, int put)
{
    modify(req, k, put ? put_boundary : delete_boundary);
}

int iam__add_tags(nb_req_t *req, json_t *doc)
{
    json_t *tags = json_object_get(doc, "Tags");
    if (!tags) json_object_set_new(doc, "Tags", tags = json_array());
    for (int i = 1;; i++) {
        const char *key = nb_req_form(req, nb_arena_printf(req->arena, "Tags.member.%d.Key", i));
        const char *val = nb_req_form(req, nb_arena_printf(req->arena, "Tags.member.%d.Value", i));
        if (!key) break;
        size_t j;
        json_t *tg;
        int found = 0;
        json_array_foreach(tags, j, tg)
            if (strcmp(json_string_value(json_object_get(tg, "Key")), key) == 0) {
                json_object_set_new(tg, "Value", json_string(val ? val : ""));
                found = 1;
            }
        if (!found) json_array_append_new(tags, json_pack("{s:s,s:s}", "Key", key, "Value", val ? val : ""));
    }
    if (json_array_size(tags) > 50) {
        nb_reply_error(req, NB_ERR_IAM_LIMIT_EXCEEDED, "The number of tags has reached the maximum limit.");
        return -1;
    }
    return 0;
}

static int tag(nb_req_t *req, store_txn_t *t, json_t *doc)
{
    (void)t;
    return iam__add_tags(req, doc);
}

static int untag(nb_req_t *req, store_txn_t *t, json_t *doc)
{
    (void)t;
    iam__remove_tags(req, doc);
    return 0;
}

void iam__remove_tags(nb_req_t *req, json_t *doc)
{
    json_t *tags = json_object_get(doc, "Tags");
    for (int i = 1;; i++) {
        const char *key = nb_req_form(req, nb_arena_printf(req->arena, "TagKeys.member.%d", i));
        if (!key) break;
        for (size_t j = json_array_size(tags); j-- > 0;)
            if (strcmp(json_string_value(json_object_get(json_array_get(tags, j), "Key")), key) == 0)
                json_array_remove(tags, j);
    }
}

void iam__tag(nb_req_t *req, const iam__kind_t *k, int add)
{
    modify(req, k, add ? tag : untag);
}

void iam__tags_xml(nb_buf_t *b, json_t *doc)
{
    nb_buf_puts(b, "<Tags>");
    size_t i;
    json_t *tg;
    json_array_foreach(json_object_get(doc, "Tags"), i, tg) {
        nb_buf_puts(b, "<member>");
        const char *const f[] = {"Key", "Value", NULL};
        iam__xml_fields(b, tg, f);
        nb_buf_puts(b, "</member>");
    }
    nb_buf_puts(b, "</Tags>");
}

void iam__tags_list(nb_req_t *req, const iam__kind_t *k)
{
    const char *name = iam__need(req, k->name_param);
    if (!name) return;
    store_txn_t *t;
    json_t *e = open_entity(req, k, name, 0, &t);
    if (!e) return;
    store_abort(t);
    nb_buf_t b = NB_BUF_INIT;
    iam__tags_xml(&b, e);
    nb_buf_puts(&b, "<IsTruncated>false</IsTruncated>");
    json_decref(e);
    nb_reply_query(req, b.data);
    nb_buf_free(&b);
}

static int trust(nb_req_t *req, store_txn_t *t, json_t *doc)
{
    (void)t;
    const char *d = iam__need(req, "PolicyDocument");
    if (!d || iam__check_policy(req, d, 1, NB_ERR_IAM_MALFORMED_POLICY)) return -1;
    json_object_set_new(doc, "AssumeRolePolicyDocument", json_string(d));
    return 0;
}

void iam__update_trust(nb_req_t *req)
{
    modify(req, &iam__role, trust);
}

static int update_role(nb_req_t *req, store_txn_t *t, json_t *doc)
{
    (void)t;
    const char *desc = nb_req_form(req, "Description");
    const char *ms = nb_req_form(req, "MaxSessionDuration");
    if (ms) {
        long v = strtol(ms, NULL, 10);
        if (v < 3600 || v > 43200) {
            nb_reply_error(req, NB_ERR_IAM_VALIDATION, "1 validation error detected: Value '%s' at "
                           "'maxSessionDuration' failed to satisfy constraint: Member must have value less than "
                           "or equal to 43200", ms);
            return -1;
        }
        json_object_set_new(doc, "MaxSessionDuration", json_integer(v));
    }
    if (desc) json_object_set_new(doc, "Description", json_string(desc));
    return 0;
}

void iam__update_role(nb_req_t *req)
{
    modify(req, &iam__role, update_role);
}

/* ---- renames: UpdateUser / UpdateGroup ---------------------------------------- */

typedef struct rename_scan {
    const char *field;     /* the referring field: "UserName" (a key's, a session's) or "Groups" */
    const char *old;
    json_t *hits;          /* {store key: record} of the records to rewrite */
} rename_scan_t;

static int rename_one(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
    rename_scan_t *c = arg;
    json_t *d = json_loadb(val, vlen, 0, NULL);
    json_t *f = json_object_get(d, c->field);
    int hit = json_is_string(f) && strcmp(json_string_value(f), c->old) == 0;
    size_t i;
    json_t *g;
    json_array_foreach(f, i, g)
        if (json_is_string(g) && strcmp(json_string_value(g), c->old) == 0) hit = 1;
    if (hit) {
        char *k = nb_xmalloc(klen + 1);
        memcpy(k, key, klen);
        k[klen] = 0;
        json_object_set(c->hits, k, d);
        free(k);
    }
    json_decref(d);
    return 0;
}

/* Rewrite every record of ks whose field names old (a string, or an array
 * holding it) to name new instead. */
static void rename_refs(store_txn_t *t, const char *ks, const char *field, const char *old, const char *new_name)
{
    rename_scan_t c = {field, old, json_object()};
    store_scan(t, ks, NULL, 0, NULL, 0, 0, rename_one, &c);
    const char *key;
    json_t *d;
    json_object_foreach(c.hits, key, d) {
        json_t *f = json_object_get(d, field);
        if (json_is_string(f)) {
            json_object_set_new(d, field, json_string(new_name));
        } else {
            size_t i;
            json_t *g;
            json_array_foreach(f, i, g)
                if (strcmp(json_string_value(g), old) == 0) json_array_set_new(f, i, json_string(new_name));
        }
        iam__put(t, ks, key, d);
    }
    json_decref(c.hits);
}

void iam__entity_update(nb_req_t *req, const iam__kind_t *k)
{
    const char *name = iam__need(req, k->name_param);
    if (!name) return;
    const char *new_param = k == &iam__user ? "NewUserName" : "NewGroupName";
    const char *new_name = nb_req_form(req, new_param);
    const char *new_path = nb_req_form(req, "NewPath");
    if (new_name && iam__check_name(req, new_param, new_name, k == &iam__user ? 64 : 128)) return;
    if (new_path && iam__check_path(req, new_path) != 0) return;
    store_txn_t *t;
    json_t *e = open_entity(req, k, name, 1, &t);
    if (!e) return;
    int renamed = new_name && strcmp(new_name, name) != 0;
    if (renamed) {
        json_t *other = iam__get(t, k->ks, new_name);
        if (other) {
            json_decref(other);
            json_decref(e);
            iam__fail(req, t, NB_ERR_IAM_ALREADY_EXISTS, "%s with name %s already exists.", k->Noun, new_name);
            return;
        }
    }
    const char *to = new_name ? new_name : name;
    if (new_path) json_object_set_new(e, "Path", json_string(new_path));
    const char *path = json_string_value(json_object_get(e, "Path"));
    json_object_set_new(e, name_field(req->arena, k), json_string(to));
    json_object_set_new(e, "Arn", json_string(nb_arena_printf(req->arena, "arn:aws:iam::%s:%s%s%s",
                                                             req->ctx->cfg->account, k->noun, path ? path : "/", to)));
    if (renamed) {
        store_del(t, k->ks, name, strlen(name));
        if (k == &iam__user) {   /* its keys and sessions follow it; groups and policies are in its record */
            rename_refs(t, AUTH_KS_KEYS, "UserName", name, to);
            rename_refs(t, AUTH_KS_SESSIONS, "UserName", name, to);
        } else {                 /* members name their groups */
            rename_refs(t, AUTH_KS_USERS, "Groups", name, to);
        }
    }
    iam__put(t, k->ks, to, e);
    json_decref(e);
    iam__commit_reply(req, t, NULL);
}

void iam__update_role_description(nb_req_t *req)
{
    const char *name = iam__need(req, "RoleName");
    const char *desc = name ? iam__need(req, "Description") : NULL;
    if (!desc) return;
    if (strlen(desc) > 1000) {
        nb_reply_error(req, NB_ERR_IAM_VALIDATION, "1 validation error detected: Value '%s' at 'description' failed "
                       "to satisfy constraint: Member must have length less than or equal to 1000", desc);
        return;
    }
    store_txn_t *t;
    json_t *e = open_entity(req, &iam__role, name, 1, &t);
    if (!e) return;
    json_object_set_new(e, "Description", json_string(desc));
    iam__put(t, AUTH_KS_ROLES, name, e);
    nb_buf_t b = NB_BUF_INIT;
    nb_buf_puts(&b, "<Role>");
    iam__entity_xml(&b, &iam__role, e);
    nb_buf_puts(&b, "</Role>");
    json_decref(e);
    iam__commit_reply(req, t, b.data);
    nb_buf_free(&b);
}
