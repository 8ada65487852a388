/* iam_util.c — shared pieces of the IAM service: parameters, store access,
 * durable replies, XML rendering and policy validation. */
#include "iam/iam_svc.h"
#include "iam/aws_policies.h"
#include "iam/policy.h"
#include "auth/creds.h"
#include "core/alloc.h"
#include "core/util.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const iam__kind_t iam__user = {AUTH_KS_USERS, "user", "User", "UserName", "UserId", "AIDA"};
const iam__kind_t iam__group = {AUTH_KS_GROUPS, "group", "Group", "GroupName", "GroupId", "AGPA"};
const iam__kind_t iam__role = {AUTH_KS_ROLES, "role", "Role", "RoleName", "RoleId", "AROA"};

const char *iam__need(nb_req_t *req, const char *name)
{
    const char *v = nb_req_form(req, name);
    if (v) return v;
    char lc[64];
    snprintf(lc, sizeof lc, "%s", name);
    lc[0] = (char)(lc[0] >= 'A' && lc[0] <= 'Z' ? lc[0] + 32 : lc[0]);
    nb_reply_error(req, NB_ERR_IAM_VALIDATION,
                   "1 validation error detected: Value null at '%s' failed to satisfy constraint: "
                   "Member must not be null", lc);
    return NULL;
}

int iam__check_name(nb_req_t *req, const char *param, const char *v, size_t max)
{
    size_t n = strlen(v);
    int ok = n >= 1 && n <= max;
    for (size_t i = 0; ok && i < n; i++) {
        char c = v[i];
        ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             strchr("_+=,.@-", c) != NULL;
    }
    if (ok) return 0;
    char lc[64];
    snprintf(lc, sizeof lc, "%s", param);
    lc[0] = (char)(lc[0] >= 'A' && lc[0] <= 'Z' ? lc[0] + 32 : lc[0]);
    if (n < 1 || n > max)
        nb_reply_error(req, NB_ERR_IAM_VALIDATION,
                       "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: "
                       "Member must have length %s %zu", v, lc, n < 1 ? "greater than or equal to" :
                       "less than or equal to", n < 1 ? (size_t)1 : max);
    else
        nb_reply_error(req, NB_ERR_IAM_VALIDATION,
                       "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: "
                       "Member must satisfy regular expression pattern: [\\w+=,.@-]+", v, lc);
    return -1;
}

int iam__check_path(nb_req_t *req, const char *path)
{
    size_t n = strlen(path);
    int ok = n >= 1 && n <= 512 && path[0] == '/' && path[n - 1] == '/';
    for (size_t i = 0; ok && i < n; i++) ok = path[i] >= 0x21 && path[i] <= 0x7e;
    if (ok) return 0;
    nb_reply_error(req, NB_ERR_IAM_VALIDATION, "The specified value for path is invalid. It must begin and "
                   "end with / and contain only alphanumeric characters and/or / characters.");
    return -1;
}

json_t *iam__get(store_txn_t *t, const char *ks, const char *key)
{
    const void *v;
    size_t vl;
    if (store_get(t, ks, key, strlen(key), &v, &vl) != STORE_OK) return NULL;
    return json_loadb(v, vl, 0, NULL);
}

int iam__put(store_txn_t *t, const char *ks, const char *key, json_t *doc)
{
    char *s = json_dumps(doc, JSON_COMPACT);
    int rc = store_put(t, ks, key, strlen(key), s, strlen(s));
    free(s);
    return rc;
}

json_t *iam__policy_get(store_txn_t *t, const char *arn)
{
    const iam_aws_policy_t *a = iam_aws_policy_by_arn(arn);
    if (!a) return iam_aws_policy_arn(arn) ? NULL : iam__get(t, AUTH_KS_POLICIES, arn);
    json_t *n = iam__get(t, AUTH_KS_POLICIES, arn);
    json_t *r = iam_aws_policy_record(a, json_integer_value(json_object_get(n, "AttachmentCount")));
    json_decref(n);
    return r;
}

int iam__policy_put(store_txn_t *t, const char *arn, json_t *p)
{
    if (!iam_aws_policy_arn(arn)) return iam__put(t, AUTH_KS_POLICIES, arn, p);
    json_t *n = json_pack("{s:I}", "AttachmentCount", json_integer_value(json_object_get(p, "AttachmentCount")));
    int rc = iam__put(t, AUTH_KS_POLICIES, arn, n);
    json_decref(n);
    return rc;
}

store_txn_t *iam__begin(nb_req_t *req, int write)
{
    store_txn_t *t;
    if (store_begin(req->ctx->store, write ? STORE_WRITE : STORE_READ, &t) == STORE_OK) return t;
    nb_reply_error(req, NB_ERR_INTERNAL, "The store is unavailable.");
    return NULL;
}

typedef struct pending {
    nb_req_t *req;
    const char *xml;
} pending_t;

static void on_durable(void *arg, int status)
{
    pending_t *p = arg;
    if (status == STORE_OK) nb_reply_query(p->req, p->xml);
    else nb_reply_error(p->req, NB_ERR_INTERNAL, "The change could not be made durable.");
}

void iam__commit_reply(nb_req_t *req, store_txn_t *t, const char *xml)
{
    pending_t *p = nb_arena_alloc(req->arena, sizeof *p);
    p->req = req;
    p->xml = xml ? nb_arena_strdup(req->arena, xml) : NULL;
    int rc = store_commit(t, on_durable, p);
    auth_creds_changed();
    if (rc != STORE_OK) nb_reply_error(req, NB_ERR_INTERNAL, "The change could not be saved.");
}

void iam__fail(nb_req_t *req, store_txn_t *t, nb_err_t code, const char *fmt, ...)
{
    if (t) store_abort(t);
    va_list ap;
    va_start(ap, fmt);
    char *msg = nb_arena_vprintf(req->arena, fmt, ap);
    va_end(ap);
    nb_reply_error(req, code, "%s", msg);
}

void iam__now(char *out, size_t cap)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void iam__xml_str(nb_buf_t *b, const char *tag, const char *v)
{
    if (!v) return;
    nb_buf_printf(b, "<%s>", tag);
    nb_buf_xml_escape(b, v, strlen(v));
    nb_buf_printf(b, "</%s>", tag);
}

void iam__xml_fields(nb_buf_t *b, json_t *doc, const char *const *fields)
{
    for (size_t i = 0; fields[i]; i++) {
        json_t *v = json_object_get(doc, fields[i]);
        if (json_is_string(v)) iam__xml_str(b, fields[i], json_string_value(v));
        else if (json_is_integer(v)) nb_buf_printf(b, "<%s>%lld</%s>", fields[i], (long long)json_integer_value(v), fields[i]);
        else if (json_is_boolean(v)) nb_buf_printf(b, "<%s>%s</%s>", fields[i], json_is_true(v) ? "true" : "false", fields[i]);
    }
}

void iam__xml_doc(nb_buf_t *b, const char *tag, const char *doc)
{
    nb_buf_t e = NB_BUF_INIT;
    nb_url_encode(&e, doc, strlen(doc), 0);
    nb_buf_printf(b, "<%s>", tag);
    nb_buf_xml_escape(b, e.data ? e.data : "", e.len);
    nb_buf_printf(b, "</%s>", tag);
    nb_buf_free(&e);
}

int iam__check_policy(nb_req_t *req, const char *doc, int trust, nb_err_t code)
{
    char err[300];
    iam_policy_t *p = iam_policy_cache_get(doc, strlen(doc), trust ? IAM_POLICY_TRUST : IAM_POLICY_IDENTITY,
                                           err, sizeof err);
    if (p) {
        iam_policy_free(p);
        return 0;
    }
    nb_reply_error(req, code, "%s", err);
    return -1;
}

int iam__page_init(nb_req_t *req, iam__page_t *p)
{
    memset(p, 0, sizeof *p);
    p->max = 100;
    p->marker = nb_req_form(req, "Marker");
    const char *mi = nb_req_form(req, "MaxItems");
    if (mi) {
        char *end;
        long v = strtol(mi, &end, 10);
        if (*end || end == mi || v < 1 || v > 1000) {
            nb_reply_error(req, NB_ERR_IAM_VALIDATION, "1 validation error detected: Value '%s' at 'maxItems' failed "
                           "to satisfy constraint: Member must have value %s equal to %d", mi,
                           v < 1 ? "greater than or" : "less than or", v < 1 ? 1 : 1000);
            return -1;
        }
        p->max = v;
    }
    if (p->marker && !*p->marker) {
        nb_reply_error(req, NB_ERR_IAM_VALIDATION, "1 validation error detected: Value '' at 'marker' failed to "
                       "satisfy constraint: Member must have length greater than or equal to 1");
        return -1;
    }
    p->arena = req->arena;
    return 0;
}

int iam__page_take(iam__page_t *p, const char *key)
{
    if (p->next) return 0;
    if (p->marker && strcmp(key, p->marker) < 0) return 0;
    if (p->n >= p->max) {
        p->next = nb_arena_strdup(p->arena, key);
        return 0;
    }
    p->n++;
    return 1;
}

void iam__page_end(nb_buf_t *b, const iam__page_t *p)
{
    nb_buf_printf(b, "<IsTruncated>%s</IsTruncated>", p->next ? "true" : "false");
    if (p->next) iam__xml_str(b, "Marker", p->next);
}
