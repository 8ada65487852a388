/* layer_policy.c — a layer version's permissions: AddLayerVersionPermission,
 * RemoveLayerVersionPermission, GetLayerVersionPolicy.
 *
 *   lambda.layerpol  NAME\0%010u  {"statements":[statement...],"revision":"uuid"}
 *
 * Kept apart from the layer version's record (lambda.layer, the
 * GetLayerVersion document), under the same key, and removed with it
 * (DeleteLayerVersion). Each statement is the one Lambda builds: Sid, Allow,
 * Principal ("*" or {"AWS":"arn:aws:iam::ACCOUNT:root"}), Action
 * lambda:GetLayerVersion, Resource the layer version's ARN, and
 * aws:PrincipalOrgID when OrganizationId is given. The central evaluator
 * (src/auth) reads them as the layer version's resource policy for
 * lambda:GetLayerVersion: in this single-account nimbus a grant to "*" lets
 * any principal get the version; one naming the account delegates to its
 * IAM policies, as AWS evaluates it. RevisionId changes with every change. */
#include "lambda/lambda_int.h"
#include "core/alloc.h"
#include "core/util.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The layer name of LayerName (a name, or a layer ARN of ours) into out; 0,
 * or -1 when it names no layer of ours. */
static int layer_name(nb_req_t *req, char out[141])
{
    const char *in = nb_req_param(req, "LayerName");
    if (!in) return -1;
    if (strncmp(in, "arn:", 4) == 0) {
        const char *ours = nb_arena_printf(req->arena, "arn:aws:lambda:%s:%s:layer:", req->ctx->cfg->region,
                                           req->ctx->cfg->account);
        if (strncmp(in, ours, strlen(ours)) != 0) return -1;
        in += strlen(ours);
    }
    size_t n = strlen(in);
    if (n == 0 || n > 140) return -1;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)in[i]) && in[i] != '-' && in[i] != '_') return -1;
    memcpy(out, in, n + 1);
    return 0;
}

/* The layer version the request names, its policy record (a new reference,
 * or an empty one) in *pol and its key in k; 0, or -1 after answering
 * ResourceNotFoundException and aborting t. */
static int load(nb_req_t *req, store_txn_t *t, nb_buf_t *k, char name[141], unsigned *ver, json_t **pol)
{
    const char *vs = nb_req_param(req, "VersionNumber");
    char *end = NULL;
    unsigned long v = vs ? strtoul(vs, &end, 10) : 0;
    json_t *doc = NULL;
    if (layer_name(req, name) == 0 && vs && *vs && !*end && v > 0 && v <= 0xffffffffUL) {
        lambda__ver_key(k, name, (unsigned)v);
        doc = lambda__get_json(t, LAMBDA_KS_LAYER, k->data, k->len);
    }
    if (!doc) {
        store_abort(t);
        lambda__err(req, LAMBDA_ERR_NOT_FOUND, "The resource you requested does not exist.");
        return -1;
    }
    json_decref(doc);
    *ver = (unsigned)v;
    *pol = lambda__get_json(t, LAMBDA_KS_LAYERPOL, k->data, k->len);
    if (!*pol) *pol = json_pack("{s:[]}", "statements");
    return 0;
}

/* RevisionId (query) given and not the policy's: answer 412; 1. Else 0. */
static int stale(nb_req_t *req, json_t *pol)
{
    const char *want = nb_req_qparam(req, "RevisionId");
    const char *have = json_string_value(json_object_get(pol, "revision"));
    if (!want || !*want || (have && strcmp(want, have) == 0)) return 0;
    lambda__err(req, LAMBDA_ERR_PRECONDITION, "The Revision Id provided does not match the latest Revision Id. "
                "Call the GetLayerVersionPolicy API to retrieve the latest Revision Id");
    return 1;
}

static void new_revision(json_t *pol)
{
    char rev[37];
    nb_uuid4(rev);
    json_object_set_new(pol, "revision", json_string(rev));
}

static int validation(nb_req_t *req, const char *value, const char *member, const char *constraint)
{
    lambda__err(req, LAMBDA_ERR_VALIDATION, "1 validation error detected: Value '%s' at '%s' failed to satisfy "
                "constraint: %s", value, member, constraint);
    return -1;
}

static int all(const char *s, size_t n, int (*ok)(int))
{
    for (size_t i = 0; i < n; i++)
        if (!ok((unsigned char)s[i])) return 0;
    return 1;
}

static int sid_char(int c) { return isalnum(c) || c == '-' || c == '_'; }
static int org_char(int c) { return islower(c) || isdigit(c); }

/* The request body's members as the API model constrains them; 0 or -1
 * after answering ValidationException. */
static int check_body(nb_req_t *req, const char **sid, const char **principal, const char **org)
{
    json_t *b = req->json;
    *sid = json_string_value(json_object_get(b, "StatementId"));
    const char *action = json_string_value(json_object_get(b, "Action"));
    *principal = json_string_value(json_object_get(b, "Principal"));
    *org = json_string_value(json_object_get(b, "OrganizationId"));
    if (!*sid) return validation(req, "null", "statementId", "Member must not be null");
    size_t n = strlen(*sid);
    if (n < 1 || n > 100 || !all(*sid, n, sid_char))
        return validation(req, *sid, "statementId",
                          "Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)");
    if (!action) return validation(req, "null", "action", "Member must not be null");
    if (strcmp(action, "lambda:GetLayerVersion") != 0)
        return validation(req, action, "action", "Member must satisfy regular expression pattern: lambda:GetLayerVersion");
    if (!*principal) return validation(req, "null", "principal", "Member must not be null");
    const char *p = *principal;
    size_t pl = strlen(p);
    int ok = strcmp(p, "*") == 0 || (pl == 12 && all(p, 12, isdigit)) ||
             (pl == 30 && strncmp(p, "arn:aws:iam::", 13) == 0 && all(p + 13, 12, isdigit) && strcmp(p + 25, ":root") == 0);
    if (!ok)
        return validation(req, p, "principal", "Member must satisfy regular expression pattern: "
                          "\\d{12}|\\*|arn:(aws[a-zA-Z-]*):iam::\\d{12}:root");
    if (*org) {
        size_t ol = strlen(*org);
        if (ol < 12 || ol > 34 || strncmp(*org, "o-", 2) != 0 || !all(*org + 2, ol - 2, org_char))
            return validation(req, *org, "organizationId",
                              "Member must satisfy regular expression pattern: o-[a-z0-9]{10,32}");
    }
    return 0;
}

static json_t *find_sid(json_t *stmts, const char *sid, size_t *at)
{
    size_t i;
    json_t *s;
    json_array_foreach(stmts, i, s) {
        const char *x = json_string_value(json_object_get(s, "Sid"));
        if (x && strcmp(x, sid) == 0) {
            if (at) *at = i;
            return s;
        }
    }
    return NULL;
}

void lambda__op_add_layer_permission(nb_req_t *req)
{
    const char *sid, *principal, *org;
    if (check_body(req, &sid, &principal, &org)) return;
    store_txn_t *t = lambda__begin(req, 1);
    if (!t) return;
    nb_buf_t k = NB_BUF_INIT;
    char name[141];
    unsigned ver;
    json_t *pol;
    if (load(req, t, &k, name, &ver, &pol)) { nb_buf_free(&k); return; }
    json_t *stmts = json_object_get(pol, "statements");
    int bad = stale(req, pol);
    if (!bad && find_sid(stmts, sid, NULL)) {
        lambda__err(req, LAMBDA_ERR_CONFLICT, "The statement id (%s) provided already exists. Please provide a new "
                    "statement id, or remove the existing statement.", sid);
        bad = 1;
    }
    if (bad) {
        json_decref(pol);
        nb_buf_free(&k);
        store_abort(t);
        return;
    }
    char *arn = lambda__layer_arn(name, ver);
    json_t *pr;
    if (strcmp(principal, "*") == 0) {
        pr = json_string("*");
    } else {   /* an account, by id or root ARN: Lambda writes the root ARN */
        char root[40];
        snprintf(root, sizeof root, "arn:aws:iam::%.12s:root", strlen(principal) == 12 ? principal : principal + 13);
        pr = json_pack("{s:s}", "AWS", root);
    }
    json_t *st = json_pack("{s:s,s:s,s:o,s:s,s:s}", "Sid", sid, "Effect", "Allow", "Principal", pr,
                           "Action", "lambda:GetLayerVersion", "Resource", arn);
    free(arn);
    if (org)
        json_object_set_new(st, "Condition", json_pack("{s:{s:s}}", "StringEquals", "aws:PrincipalOrgID", org));
    json_array_append(stmts, st);
    new_revision(pol);
    int rc = lambda__put_json(t, LAMBDA_KS_LAYERPOL, k.data, k.len, pol);
    nb_buf_free(&k);
    if (rc != STORE_OK) {
        json_decref(st);
        json_decref(pol);
        store_abort(t);
        lambda__err(req, LAMBDA_ERR_SERVICE, "storage failure");
        return;
    }
    char *txt = json_dumps(st, JSON_COMPACT);
    json_t *out = json_pack("{s:s,s:O}", "Statement", txt, "RevisionId", json_object_get(pol, "revision"));
    free(txt);
    json_decref(st);
    json_decref(pol);
    lambda__commit_reply(req, t, 201, out);
}

void lambda__op_remove_layer_permission(nb_req_t *req)
{
    const char *sid = nb_req_param(req, "StatementId");
    store_txn_t *t = lambda__begin(req, 1);
    if (!t) return;
    nb_buf_t k = NB_BUF_INIT;
    char name[141];
    unsigned ver;
    json_t *pol;
    if (load(req, t, &k, name, &ver, &pol)) { nb_buf_free(&k); return; }
    json_t *stmts = json_object_get(pol, "statements");
    size_t at = 0;
    int bad = !sid || !find_sid(stmts, sid, &at);
    if (bad) lambda__err(req, LAMBDA_ERR_NOT_FOUND, "Statement %s is not found in resource policy.", sid ? sid : "");
    else bad = stale(req, pol);
    if (bad) {
        json_decref(pol);
        nb_buf_free(&k);
        store_abort(t);
        return;
    }
    json_array_remove(stmts, at);
    new_revision(pol);
    int rc = json_array_size(stmts) ? lambda__put_json(t, LAMBDA_KS_LAYERPOL, k.data, k.len, pol)
                                    : store_del(t, LAMBDA_KS_LAYERPOL, k.data, k.len);
    nb_buf_free(&k);
    json_decref(pol);
    if (rc != STORE_OK) {
        store_abort(t);
        lambda__err(req, LAMBDA_ERR_SERVICE, "storage failure");
        return;
    }
    lambda__commit_reply(req, t, 204, NULL);
}

void lambda__op_get_layer_policy(nb_req_t *req)
{
    store_txn_t *t = lambda__begin(req, 0);
    if (!t) return;
    nb_buf_t k = NB_BUF_INIT;
    char name[141];
    unsigned ver;
    json_t *pol;
    if (load(req, t, &k, name, &ver, &pol)) { nb_buf_free(&k); return; }
    nb_buf_free(&k);
    store_abort(t);
    json_t *stmts = json_object_get(pol, "statements");
    if (!json_array_size(stmts)) {
        json_decref(pol);
        lambda__err(req, LAMBDA_ERR_NOT_FOUND, "The resource you requested does not exist.");
        return;
    }
    json_t *doc = json_pack("{s:s,s:s,s:O}", "Version", "2012-10-17", "Id", "default", "Statement", stmts);
    char *txt = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    json_t *out = json_pack("{s:s,s:O}", "Policy", txt, "RevisionId", json_object_get(pol, "revision"));
    free(txt);
    json_decref(pol);
    nb_reply_json(req, 200, out);
}

int lambda__layer_policy_forget(store_txn_t *t, const nb_buf_t *k)
{
    int rc = store_del(t, LAMBDA_KS_LAYERPOL, k->data, k->len);
    return rc == STORE_NOTFOUND ? STORE_OK : rc;
}
