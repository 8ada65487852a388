/* sts_federation.c — GetFederationToken and GetAccessKeyInfo.
 *
 * GetFederationToken: a federated-user session (arn:aws:sts::ACCT:
 * federated-user/NAME) for the calling IAM user (or root), stored as an
 * sts.sessions record of Kind "federated" with the caller's UserName (absent
 * for root), the inline session Policy, the managed PolicyArns and the Tags.
 * Its permissions (src/auth/creds.c) are the caller's identity policies (root:
 * everything) intersected with the passed session policies; without any
 * session policy the session may do nothing, as AWS documents. Long-term
 * credentials only: session credentials get AccessDenied. A federated session
 * may call no IAM operation and no STS operation but GetCallerIdentity
 * (refused centrally by src/auth/enforce.c).
 *
 * GetAccessKeyInfo: the account of an access key id — nimbus's own account for
 * keys it issued (root's, IAM users', sessions'), and for any other key of AWS's
 * format the account AWS encodes in the id (the base32 bits after the 4-letter
 * prefix), as AWS answers for keys it does not hold either. */
#include "sts/sts.h"
#include "sts/sts_int.h"
#include "sts/sts_tags.h"
#include "auth/creds.h"
#include "core/request.h"
#include "core/util.h"
#include "iam/policy.h"
#include "store/store.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SESSION_POLICY_MAX 2048
#define POLICY_ARNS_MAX 10

static int name_ok(const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
              strchr("_+=,.@-", s[i])))
            return 0;
    return 1;
}

/* The request's Name, Policy and PolicyArns checked; 0, or -1 after replying. */
static int check_request(nb_req_t *req, const char **name_out, const char **policy_out, json_t *arns)
{
    const char *name = nb_req_form(req, "Name");
    if (!name) {
        nb_reply_error(req, NB_ERR_IAM_VALIDATION, "1 validation error detected: Value null at 'name' failed to "
                       "satisfy constraint: Member must not be null");
        return -1;
    }
    size_t nl = strlen(name);
    if (nl < 2 || nl > 32) {
        nb_reply_error(req, NB_ERR_IAM_VALIDATION, "1 validation error detected: Value '%s' at 'name' failed to "
                       "satisfy constraint: Member must have length %s equal to %d", name,
                       nl < 2 ? "greater than or" : "less than or", nl < 2 ? 2 : 32);
        return -1;
    }
    if (!name_ok(name)) {
        nb_reply_error(req, NB_ERR_IAM_VALIDATION, "1 validation error detected: Value '%s' at 'name' failed to "
                       "satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*", name);
        return -1;
    }
    const char *policy = nb_req_form(req, "Policy");
    if (policy) {
        if (strlen(policy) > SESSION_POLICY_MAX) {
            nb_reply_error(req, NB_ERR_IAM_VALIDATION, "1 validation error detected: Value at 'policy' failed to "
                           "satisfy constraint: Member must have length less than or equal to %d", SESSION_POLICY_MAX);
            return -1;
        }
        char err[300];
        iam_policy_t *p = iam_policy_cache_get(policy, strlen(policy), IAM_POLICY_IDENTITY, err, sizeof err);
        if (!p) {
            nb_reply_error(req, NB_ERR_STS_MALFORMED_POLICY, "%s", err);
            return -1;
        }
        iam_policy_free(p);
    }
    for (int i = 1;; i++) {
        const char *arn = nb_req_form(req, nb_arena_printf(req->arena, "PolicyArns.member.%d.arn", i));
        if (!arn) break;
        if (i > POLICY_ARNS_MAX) {
            nb_reply_error(req, NB_ERR_IAM_VALIDATION, "1 validation error detected: Value at 'policyArns' failed to "
                           "satisfy constraint: Member must have length less than or equal to %d", POLICY_ARNS_MAX);
            return -1;
        }
        json_array_append_new(arns, json_string(arn));
    }
    *name_out = name;
    *policy_out = policy;
    return 0;
}

void sts__op_get_federation_token(nb_req_t *req)
{
    const auth_ident_t *id = req->ctx->cfg->auth_open ? NULL : auth_creds_lookup(req->ctx, req->access_key);
    if (!id) id = auth_creds_root();
    if (id->token) {
        nb_reply_error(req, NB_ERR_STS_ACCESS_DENIED, "Cannot call GetFederationToken with session credentials");
        return;
    }
    const char *name, *policy;
    json_t *arns = json_array();
    if (check_request(req, &name, &policy, arns) != 0) {
        json_decref(arns);
        return;
    }
    int root = id->type == IAM_PRINCIPAL_ROOT;
    long dur = sts__duration(req, 43200, 129600);
    if (root && dur > STS_ROOT_MAX_DURATION) dur = STS_ROOT_MAX_DURATION;
    sts_tags_t tags;
    if (dur < 0 || sts_tags_parse(req, NULL, &tags) != 0) {
        if (dur >= 0) sts_tags_free(&tags);
        json_decref(arns);
        return;
    }
    store_txn_t *t;
    if (store_begin(req->ctx->store, STORE_WRITE, &t) != STORE_OK) {
        sts_tags_free(&tags);
        json_decref(arns);
        nb_reply_error(req, NB_ERR_INTERNAL, "The store is unavailable.");
        return;
    }
    const char *acct = req->ctx->cfg->account;
    char *arn = nb_arena_printf(req->arena, "arn:aws:sts::%s:federated-user/%s", acct, name);
    char *uid = nb_arena_printf(req->arena, "%s:%s", acct, name);
    json_t *rec = json_pack("{s:s,s:s,s:s,s:s?,s:s?,s:o,s:O}", "Kind", "federated", "Arn", arn, "UserId", uid,
                            "UserName", root ? NULL : id->username, "Policy", policy, "PolicyArns", arns, "Tags",
                            tags.tags);
    size_t ntags = json_object_size(tags.tags);
    sts_tags_free(&tags);
    sts_creds_t c;
    int rc = sts__save_session(req, t, rec, (unsigned)dur, &c);
    json_decref(rec);
    if (rc != 0) return;
    nb_buf_t b = NB_BUF_INIT;
    sts__creds_xml(&b, &c);
    nb_buf_puts(&b, "<FederatedUser>");
    sts__xml_str(&b, "FederatedUserId", uid);
    sts__xml_str(&b, "Arn", arn);
    nb_buf_puts(&b, "</FederatedUser>");
    size_t psize = policy ? iam_policy_size(policy, strlen(policy)) : 0;
    nb_buf_printf(&b, "<PackedPolicySize>%zu</PackedPolicySize>", (psize + 64 * ntags) * 100 / 2048);
    sts__commit_reply(req, t, &b);
}

/* ---- GetAccessKeyInfo --------------------------------------------------------------- */

/* The account AWS encodes in an access key id: the 5-bit groups after the
 * 4-character prefix as bits, the first 48 of them masked with 0x7fffffffff80
 * and shifted right by 7. -1 when the id has no 10 base32 characters there. */
static long long encoded_account(const char *ak)
{
    static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    unsigned long long bits = 0;
    int nbits = 0;
    for (const char *p = ak + 4; *p && nbits < 48; p++) {
        const char *at = strchr(alpha, *p >= 'a' && *p <= 'z' ? *p - 32 : *p);
        if (!at || !*at) return -1;
        bits = (bits << 5) | (unsigned long long)(at - alpha);
        nbits += 5;
    }
    if (nbits < 48) return -1;
    bits >>= nbits - 48;   /* the first 6 bytes */
    return (long long)((bits & 0x7fffffffff80ULL) >> 7);
}

static int issued_here(nb_req_t *req, const char *ak)
{
    if (strcmp(ak, auth_root_access_key()) == 0) return 1;
    store_txn_t *t;
    if (store_begin(req->ctx->store, STORE_READ, &t) != STORE_OK) return 0;
    const void *v;
    size_t vl;
    int found = store_get(t, AUTH_KS_KEYS, ak, strlen(ak), &v, &vl) == STORE_OK ||
                store_get(t, AUTH_KS_SESSIONS, ak, strlen(ak), &v, &vl) == STORE_OK;
    store_abort(t);
    return found;
}

void sts__op_get_access_key_info(nb_req_t *req)
{
    const char *ak = nb_req_form(req, "AccessKeyId");
    if (!ak) {
        nb_reply_error(req, NB_ERR_IAM_VALIDATION, "1 validation error detected: Value null at 'accessKeyId' failed "
                       "to satisfy constraint: Member must not be null");
        return;
    }
    size_t n = strlen(ak);
    int word = 1;
    for (size_t i = 0; i < n; i++)
        word = word && ((ak[i] >= 'a' && ak[i] <= 'z') || (ak[i] >= 'A' && ak[i] <= 'Z') ||
                        (ak[i] >= '0' && ak[i] <= '9') || ak[i] == '_');
    if (n < 16 || n > 128) {
        nb_reply_error(req, NB_ERR_IAM_VALIDATION, "1 validation error detected: Value '%s' at 'accessKeyId' failed "
                       "to satisfy constraint: Member must have length %s equal to %d", ak,
                       n < 16 ? "greater than or" : "less than or", n < 16 ? 16 : 128);
        return;
    }
    long long acct = issued_here(req, ak) ? -2 : word ? encoded_account(ak) : -1;
    if (acct == -1 && !word) {
        nb_reply_error(req, NB_ERR_IAM_VALIDATION, "1 validation error detected: Value '%s' at 'accessKeyId' failed "
                       "to satisfy constraint: Member must satisfy regular expression pattern: [\\w]*", ak);
        return;
    }
    if (acct == -1) {   /* of the pattern, but no AWS key id: it encodes no account */
        nb_reply_error(req, NB_ERR_IAM_VALIDATION, "Invalid access key id: %s", ak);
        return;
    }
    nb_buf_t b = NB_BUF_INIT;
    if (acct == -2) sts__xml_str(&b, "Account", req->ctx->cfg->account);
    else nb_buf_printf(&b, "<Account>%012lld</Account>", acct);
    nb_reply_query(req, b.data);
    nb_buf_free(&b);
}
