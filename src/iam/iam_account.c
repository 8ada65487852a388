/* iam_account.c — account-wide IAM views: GetAccountSummary (entity counts
 * and the quotas AWS reports, the ones nimbus enforces among them) and
 * GetAccountAuthorizationDetails (every user, group, role and managed policy
 * in use with their policies, one paged list across the four). Read-only:
 * one read transaction each. */
#include "iam/iam_svc.h"
#include "iam/aws_policies.h"
#include "auth/creds.h"
#include "core/util.h"
#include <stdlib.h>
#include <string.h>

/* ---- GetAccountSummary ------------------------------------------------------- */

typedef struct counts {
    long n;
    long attachments;   /* policies: the versions attached (PolicyVersionsInUse) */
} counts_t;

static int is_aws_record(const void *key, size_t klen)
{
    return klen > sizeof IAM_AWS_POLICY_PREFIX && memcmp(key, IAM_AWS_POLICY_PREFIX "/", sizeof IAM_AWS_POLICY_PREFIX) == 0;
}

static int count_one(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
    counts_t *c = arg;
    json_t *d = json_loadb(val, vlen, 0, NULL);
    c->attachments += (long)json_integer_value(json_object_get(d, "AttachmentCount"));
    json_decref(d);
    if (!is_aws_record(key, klen)) c->n++;   /* an AWS managed policy's count record is no policy of the account */
    return 0;
}

static long count(store_txn_t *t, const char *ks, long *attachments)
{
    counts_t c = {0, 0};
    store_scan(t, ks, NULL, 0, NULL, 0, 0, count_one, &c);
    if (attachments) *attachments = c.attachments;
    return c.n;
}

static void op_get_account_summary(nb_req_t *req)
{
    store_txn_t *t = iam__begin(req, 0);
    if (!t) return;
    long in_use = 0;
    struct { const char *name; long v; } e[] = {
        {"Users", count(t, AUTH_KS_USERS, NULL)},
        {"UsersQuota", 5000},
        {"Groups", count(t, AUTH_KS_GROUPS, NULL)},
        {"GroupsQuota", 300},
        {"Roles", count(t, AUTH_KS_ROLES, NULL)},
        {"RolesQuota", 1000},
        {"InstanceProfiles", count(t, IAM_KS_PROFILES, NULL)},
        {"InstanceProfilesQuota", 1000},
        {"Policies", count(t, AUTH_KS_POLICIES, &in_use)},
        {"PoliciesQuota", 1500},
        {"PolicySizeQuota", 6144},
        {"PolicyVersionsInUse", in_use},
        {"PolicyVersionsInUseQuota", 10000},
        {"VersionsPerPolicyQuota", 5},
        {"UserPolicySizeQuota", 2048},
        {"GroupPolicySizeQuota", 5120},
        {"RolePolicySizeQuota", 10240},
        {"AssumeRolePolicySizeQuota", 2048},
        {"GroupsPerUserQuota", 10},
        {"AccessKeysPerUserQuota", 2},
        {"SigningCertificatesPerUserQuota", 2},
        {"AttachedPoliciesPerUserQuota", 10},
        {"AttachedPoliciesPerGroupQuota", 10},
        {"AttachedPoliciesPerRoleQuota", 10},
        {"ServerCertificates", 0},
        {"ServerCertificatesQuota", 20},
        {"Providers", 0},
        {"MFADevices", 0},
        {"MFADevicesInUse", 0},
        {"AccountMFAEnabled", 0},
        {"AccountAccessKeysPresent", 1},        /* root's keys (credentials.json) */
        {"AccountSigningCertificatesPresent", 0},
        {"GlobalEndpointTokenVersion", 1},
    };
    store_abort(t);
    nb_buf_t b = NB_BUF_INIT;
    nb_buf_puts(&b, "<SummaryMap>");
    for (size_t i = 0; i < sizeof e / sizeof e[0]; i++)
        nb_buf_printf(&b, "<entry><key>%s</key><value>%ld</value></entry>", e[i].name, e[i].v);
    nb_buf_puts(&b, "</SummaryMap>");
    nb_reply_query(req, b.data);
    nb_buf_free(&b);
}

/* ---- GetAccountAuthorizationDetails --------------------------------------------- */

enum { F_USER = 1, F_GROUP = 2, F_ROLE = 4, F_LOCAL = 8, F_AWS = 16, F_ALL = 31 };

typedef struct details {
    store_txn_t *t;
    iam__page_t *page;
    const iam__kind_t *k;     /* entity lists: the kind scanned */
    nb_buf_t *b;
    json_t *boundaries;       /* {policy ARN: users and roles having it as boundary} */
    int aws;                  /* policies: the AWS managed ones in use */
} details_t;

static void inline_list_xml(nb_buf_t *b, const char *tag, json_t *doc)
{
    nb_buf_printf(b, "<%s>", tag);
    const char *name;
    json_t *v;
    json_object_foreach(json_object_get(doc, "Policies"), name, v) {
        nb_buf_puts(b, "<member>");
        iam__xml_str(b, "PolicyName", name);
        iam__xml_doc(b, "PolicyDocument", json_string_value(v));
        nb_buf_puts(b, "</member>");
    }
    nb_buf_printf(b, "</%s>", tag);
}

static void entity_detail(details_t *c, json_t *d)
{
    const iam__kind_t *k = c->k;
    nb_buf_t *b = c->b;
    char nf[32];
    snprintf(nf, sizeof nf, "%sName", k->Noun);
    const char *const head[] = {"Path", nf, k->id_field, "Arn", "CreateDate", NULL};
    iam__xml_fields(b, d, head);
    if (k == &iam__role) {
        iam__xml_doc(b, "AssumeRolePolicyDocument", json_string_value(json_object_get(d, "AssumeRolePolicyDocument")));
        nb_buf_puts(b, "<InstanceProfileList>");
        iam__profiles_of_role_xml(b, c->t, json_string_value(json_object_get(d, "RoleName")));
        nb_buf_puts(b, "</InstanceProfileList>");
    }
    inline_list_xml(b, k == &iam__user ? "UserPolicyList" : k == &iam__group ? "GroupPolicyList" : "RolePolicyList", d);
    if (k == &iam__user) {
        nb_buf_puts(b, "<GroupList>");
        size_t i;
        json_t *g;
        json_array_foreach(json_object_get(d, "Groups"), i, g) iam__xml_str(b, "member", json_string_value(g));
        nb_buf_puts(b, "</GroupList>");
    }
    nb_buf_puts(b, "<AttachedManagedPolicies>");
    iam__attached_xml(b, d);
    nb_buf_puts(b, "</AttachedManagedPolicies>");
    const char *pb = json_string_value(json_object_get(d, "PermissionsBoundary"));
    if (pb) {
        nb_buf_puts(b, "<PermissionsBoundary><PermissionsBoundaryType>Policy</PermissionsBoundaryType>");
        iam__xml_str(b, "PermissionsBoundaryArn", pb);
        nb_buf_puts(b, "</PermissionsBoundary>");
    }
    if (k != &iam__group) iam__tags_xml(b, d);
    if (k == &iam__role) nb_buf_puts(b, "<RoleLastUsed/>");
}

static void policy_detail(details_t *c, json_t *p)
{
    nb_buf_t *b = c->b;
    const char *arn = json_string_value(json_object_get(p, "Arn"));
    const char *const head[] = {"PolicyName", "PolicyId", "Arn", "Path", "DefaultVersionId", "AttachmentCount", NULL};
    iam__xml_fields(b, p, head);
    nb_buf_printf(b, "<PermissionsBoundaryUsageCount>%lld</PermissionsBoundaryUsageCount>",
                  (long long)json_integer_value(json_object_get(c->boundaries, arn ? arn : "")));
    const char *const tail[] = {"IsAttachable", "Description", "CreateDate", "UpdateDate", NULL};
    iam__xml_fields(b, p, tail);
    const char *dv = json_string_value(json_object_get(p, "DefaultVersionId"));
    nb_buf_puts(b, "<PolicyVersionList>");
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(p, "Versions"), i, v) {
        const char *id = json_string_value(json_object_get(v, "VersionId"));
        nb_buf_puts(b, "<member>");
        iam__xml_doc(b, "Document", json_string_value(json_object_get(v, "Document")));
        iam__xml_str(b, "VersionId", id);
        nb_buf_printf(b, "<IsDefaultVersion>%s</IsDefaultVersion>", dv && id && strcmp(dv, id) == 0 ? "true" : "false");
        iam__xml_str(b, "CreateDate", json_string_value(json_object_get(v, "CreateDate")));
        nb_buf_puts(b, "</member>");
    }
    nb_buf_puts(b, "</PolicyVersionList>");
}

/* Offer item `name` under section prefix ("1u" ...) to the page; 1 to emit it. */
static int take(details_t *c, const char *section, const void *key, size_t klen)
{
    char mk[400];
    snprintf(mk, sizeof mk, "%s:%.*s", section, (int)(klen < 380 ? klen : 380), (const char *)key);
    return iam__page_take(c->page, mk);
}

static int entity_one(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
    details_t *c = arg;
    const char *sec = c->k == &iam__user ? "1u" : c->k == &iam__group ? "2g" : "3r";
    if (!take(c, sec, key, klen)) return c->page->next ? 1 : 0;
    json_t *d = json_loadb(val, vlen, 0, NULL);
    nb_buf_puts(c->b, "<member>");
    if (d) entity_detail(c, d);
    nb_buf_puts(c->b, "</member>");
    json_decref(d);
    return 0;
}

static int local_policy_one(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
    details_t *c = arg;
    if (is_aws_record(key, klen) || !take(c, "4p", key, klen)) return c->page->next ? 1 : 0;
    json_t *p = json_loadb(val, vlen, 0, NULL);
    nb_buf_puts(c->b, "<member>");
    if (p) policy_detail(c, p);
    nb_buf_puts(c->b, "</member>");
    json_decref(p);
    return 0;
}

static int boundary_one(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
    (void)key, (void)klen;
    json_t *counts = arg;
    json_t *d = json_loadb(val, vlen, 0, NULL);
    const char *pb = json_string_value(json_object_get(d, "PermissionsBoundary"));
    if (pb) json_object_set_new(counts, pb, json_integer(json_integer_value(json_object_get(counts, pb)) + 1));
    json_decref(d);
    return 0;
}

/* Filter.member.N as F_ bits; 0 after replying ValidationError. */
static int parse_filter(nb_req_t *req)
{
    static const struct { const char *name; int bit; } names[] = {
        {"User", F_USER}, {"Group", F_GROUP}, {"Role", F_ROLE}, {"LocalManagedPolicy", F_LOCAL},
        {"AWSManagedPolicy", F_AWS}};
    int f = 0;
    for (int i = 1;; i++) {
        const char *v = nb_req_form(req, nb_arena_printf(req->arena, "Filter.member.%d", i));
        if (!v) break;
        int bit = 0;
        for (size_t j = 0; j < sizeof names / sizeof names[0]; j++)
            if (strcmp(v, names[j].name) == 0) bit = names[j].bit;
        if (!bit) {
            nb_reply_error(req, NB_ERR_IAM_VALIDATION, "1 validation error detected: Value '[%s]' at 'filter' failed "
                           "to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value "
                           "set: [User, Role, Group, LocalManagedPolicy, AWSManagedPolicy]]", v);
            return 0;
        }
        f |= bit;
    }
    return f ? f : F_ALL;
}

static void op_get_account_authorization_details(nb_req_t *req)
{
    int f = parse_filter(req);
    iam__page_t page;
    if (!f || iam__page_init(req, &page) != 0) return;
    store_txn_t *t = iam__begin(req, 0);
    if (!t) return;
    nb_buf_t b = NB_BUF_INIT;
    details_t c = {t, &page, NULL, &b, json_object(), 0};
    store_scan(t, AUTH_KS_USERS, NULL, 0, NULL, 0, 0, boundary_one, c.boundaries);
    store_scan(t, AUTH_KS_ROLES, NULL, 0, NULL, 0, 0, boundary_one, c.boundaries);
    static const struct { const iam__kind_t *k; int bit; const char *tag; } lists[] = {
        {&iam__user, F_USER, "UserDetailList"}, {&iam__group, F_GROUP, "GroupDetailList"},
        {&iam__role, F_ROLE, "RoleDetailList"}};
    for (size_t i = 0; i < 3; i++) {
        nb_buf_printf(&b, "<%s>", lists[i].tag);
        c.k = lists[i].k;
        if (f & lists[i].bit) store_scan(t, lists[i].k->ks, NULL, 0, NULL, 0, 0, entity_one, &c);
        nb_buf_printf(&b, "</%s>", lists[i].tag);
    }
    nb_buf_puts(&b, "<Policies>");
    if (f & F_LOCAL) store_scan(t, AUTH_KS_POLICIES, NULL, 0, NULL, 0, 0, local_policy_one, &c);
    /* the AWS managed ones in use here, in ARN order (the marker's) */
    const char **arns = nb_arena_alloc(req->arena, sizeof *arns * (iam_aws_policy_count + 1));
    for (size_t i = 0; i < iam_aws_policy_count; i++)
        arns[i] = nb_arena_printf(req->arena, "%s%s%s", IAM_AWS_POLICY_PREFIX, iam_aws_policies[i].path,
                                  iam_aws_policies[i].name);
    qsort(arns, iam_aws_policy_count, sizeof *arns, nb_cmp_str);
    for (size_t i = 0; (f & F_AWS) && i < iam_aws_policy_count; i++) {
        const char *arn = arns[i];
        json_t *p = iam__policy_get(t, arn);
        long used = (long)json_integer_value(json_object_get(p, "AttachmentCount")) +
                    (long)json_integer_value(json_object_get(c.boundaries, arn));
        if (p && used > 0 && take(&c, "5a", arn, strlen(arn))) {
            nb_buf_puts(&b, "<member>");
            policy_detail(&c, p);
            nb_buf_puts(&b, "</member>");
        }
        json_decref(p);
    }
    nb_buf_puts(&b, "</Policies>");
    store_abort(t);
    json_decref(c.boundaries);
    iam__page_end(&b, &page);
    nb_reply_query(req, b.data);
    nb_buf_free(&b);
}

void iam__op_get_account_summary(nb_req_t *req) { op_get_account_summary(req); }
void iam__op_get_account_authorization_details(nb_req_t *req) { op_get_account_authorization_details(req); }
