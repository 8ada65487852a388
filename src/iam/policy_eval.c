/* policy_eval.c — AWS's policy evaluation logic over compiled policies, and
 * the AccessDenied message. The decision procedure is described in policy.h;
 * condition operators are in policy_cond.c. Pure functions: nothing here
 * allocates on the heap or keeps state, so evaluation is thread-safe. */
#include "iam/policy_int.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>

static int action_matches(const iam_stmt_t *st, const char *action)
{
    int m = 0;
    for (size_t i = 0; i < st->actions.n && !m; i++)
        m = iam_wildcard_match(st->actions.v[i], action, 1);
    return st->not_action ? !m : m;
}

static int resource_matches(const iam_stmt_t *st, int v2012, const iam_request_t *req)
{
    if (!st->has_resource) return 1; /* resource/trust policies: the resource they sit on */
    const char *res = req->resource ? req->resource : "*";
    int m = 0;
    for (size_t i = 0; i < st->resources.n && !m; i++) {
        const char *pat = st->resources.v[i];
        char exp[2048];
        if (st->has_vars && v2012 && strstr(pat, "${")) {
            if (iam__expand(req, pat, exp, sizeof exp) < 0) continue; /* unresolvable: no match */
            pat = exp;
        }
        m = iam_wildcard_match(pat, res, 0);
    }
    return st->not_resource ? !m : m;
}

static int is_service(const iam_request_t *req)
{
    return req->principal_type == IAM_PRINCIPAL_SERVICE;
}

/* How a Principal element matched the caller. The kind matters for
 * same-account requests: naming the account ("arn:aws:iam::ACCT:root" or the
 * bare id) only delegates to the account's own IAM policies, so it grants
 * nothing by itself; naming the user or session ARN exactly is the one grant
 * that permissions boundaries and session policies do not limit. */
typedef enum match {
    M_NONE = 0,
    M_ACCOUNT,   /* via the account principal: delegation only */
    M_DIRECT,    /* "*", a service, a federated identity, the role of a session */
    M_EXACT      /* the caller's own user / session / root ARN */
} match_t;

static match_t principal_match(const iam_principals_t *pr, const iam_request_t *req)
{
    if (pr->any) return M_DIRECT;
    const char *arn = req->principal_arn ? req->principal_arn : "";
    if (is_service(req)) {
        for (size_t i = 0; i < pr->service.n; i++)
            if (strcmp(pr->service.v[i], arn) == 0) return M_DIRECT;
        return M_NONE;
    }
    if (req->principal_type == IAM_PRINCIPAL_ANONYMOUS) return M_NONE;
    match_t best = M_NONE;
    for (size_t i = 0; i < pr->aws.n; i++) {
        const char *e = pr->aws.v[i];
        if (strcmp(e, arn) == 0) return M_EXACT;
        if (req->role_arn && req->principal_type == IAM_PRINCIPAL_ASSUMED_ROLE &&
            strcmp(e, req->role_arn) == 0) {
            best = M_DIRECT;
            continue;
        }
        /* arn:aws:iam::ACCT:root names the whole account */
        if (best == M_NONE && req->principal_account && strlen(req->principal_account) == 12 &&
            strlen(e) == 30 && strncmp(e, "arn:aws:iam::", 13) == 0 &&
            strncmp(e + 13, req->principal_account, 12) == 0 && strcmp(e + 25, ":root") == 0)
            best = M_ACCOUNT;
    }
    for (size_t i = 0; i < pr->federated.n; i++)
        if (strcmp(pr->federated.v[i], arn) == 0) return M_DIRECT;
    return best;
}

/* Does statement st apply to req? Returns how the principal matched
 * (M_DIRECT when the statement names no principal), M_NONE when not. */
static match_t applies(const iam_stmt_t *st, int v2012, const iam_request_t *req)
{
    match_t m = M_DIRECT;
    if (st->has_principal) {
        m = principal_match(&st->principals, req);
        if (st->not_principal) m = m == M_NONE ? M_DIRECT : M_NONE;
        if (m == M_NONE) return M_NONE;
    }
    if (!action_matches(st, req->action ? req->action : "") || !resource_matches(st, v2012, req) ||
        !iam__conds_hold(st, v2012, req))
        return M_NONE;
    return m;
}

typedef struct verdict {
    int deny;
    match_t allow;   /* the strongest matching Allow */
} verdict_t;

static void scan(const iam_policy_t *const *ps, size_t n, const iam_request_t *req, verdict_t *v)
{
    memset(v, 0, sizeof *v);
    for (size_t i = 0; i < n; i++) {
        const iam_policy_t *p = ps ? ps[i] : NULL;
        if (!p) continue;
        for (size_t s = 0; s < p->n; s++) {
            const iam_stmt_t *st = &p->stmts[s];
            /* an Allow that cannot strengthen the verdict is not evaluated */
            if (!st->deny && (v->allow == M_EXACT || (v->allow && !st->has_principal))) continue;
            match_t m = applies(st, p->v2012, req);
            if (m == M_NONE) continue;
            if (st->deny) {
                v->deny = 1;
                return; /* nothing overrides an explicit deny */
            }
            if (m > v->allow) v->allow = m;
        }
    }
}

int iam_policy_allows(const iam_policy_t *p, const iam_request_t *req, int *denied)
{
    const iam_policy_t *one[1] = {p};
    verdict_t v;
    scan(one, 1, req, &v);
    if (denied) *denied = v.deny;
    return v.allow && !v.deny;
}

int iam_policy_statement_applies(const iam_policy_t *p, size_t i, const iam_request_t *req, int *deny)
{
    if (!p || i >= p->n) return 0;
    if (deny) *deny = p->stmts[i].deny;
    return applies(&p->stmts[i], p->v2012, req) != M_NONE;
}

static iam_decision_t decide(iam_result_t *out, iam_decision_t d, iam_policy_type_t by)
{
    out->decision = d;
    out->by = d == IAM_ALLOW ? IAM_TYPE_NONE : by;
    return d;
}

iam_decision_t iam_evaluate(const iam_policy_set_t *set, const iam_request_t *req, iam_result_t *out)
{
    iam_result_t dummy;
    if (!out) out = &dummy;
    verdict_t id, res, b = {0, M_NONE}, s = {0, M_NONE};
    int has_b = set->n_boundary > 0, has_s = set->n_session > 0;
    scan(set->identity, set->n_identity, req, &id);
    if (id.deny) return decide(out, IAM_EXPLICIT_DENY, IAM_TYPE_IDENTITY);
    scan(set->resource, set->n_resource, req, &res);
    if (res.deny) return decide(out, IAM_EXPLICIT_DENY, IAM_TYPE_RESOURCE);
    if (has_b) {
        scan(set->boundary, set->n_boundary, req, &b);
        if (b.deny) return decide(out, IAM_EXPLICIT_DENY, IAM_TYPE_BOUNDARY);
    }
    if (has_s) {
        scan(set->session, set->n_session, req, &s);
        if (s.deny) return decide(out, IAM_EXPLICIT_DENY, IAM_TYPE_SESSION);
    }
    /* services and anonymous callers have no identity: only the resource policy speaks */
    if (is_service(req) || req->principal_type == IAM_PRINCIPAL_ANONYMOUS)
        return decide(out, res.allow ? IAM_ALLOW : IAM_IMPLICIT_DENY, IAM_TYPE_RESOURCE);

    int b_ok = !has_b || b.allow, s_ok = !has_s || s.allow;
    int id_ok = id.allow && b_ok && s_ok;
    iam_policy_type_t why = !id.allow ? IAM_TYPE_IDENTITY : !b_ok ? IAM_TYPE_BOUNDARY : IAM_TYPE_SESSION;
    const char *pa = req->principal_account, *ra = req->resource_account;
    int cross = pa && *pa && ra && *ra && strcmp(pa, ra) != 0;
    if (!cross) {
        /* same account: a resource policy grants on its own unless it only
         * names the account; only an exact user/session ARN escapes the
         * boundary and session policies */
        if (res.allow == M_EXACT || (res.allow == M_DIRECT && b_ok && s_ok))
            return decide(out, IAM_ALLOW, IAM_TYPE_NONE);
        if (id_ok) return decide(out, IAM_ALLOW, IAM_TYPE_NONE);
        return decide(out, IAM_IMPLICIT_DENY, why);
    }
    if (!id_ok) return decide(out, IAM_IMPLICIT_DENY, why);
    if (!res.allow) return decide(out, IAM_IMPLICIT_DENY, IAM_TYPE_RESOURCE);
    return decide(out, IAM_ALLOW, IAM_TYPE_NONE);
}

char *iam_denial_message(const iam_request_t *req, const iam_result_t *res, char *out, size_t cap)
{
    static const char *const explicit_in[] = {
        [IAM_TYPE_NONE] = "an identity-based policy", [IAM_TYPE_IDENTITY] = "an identity-based policy",
        [IAM_TYPE_RESOURCE] = "a resource-based policy", [IAM_TYPE_BOUNDARY] = "a permissions boundary",
        [IAM_TYPE_SESSION] = "a session policy"};
    static const char *const implicit_no[] = {
        [IAM_TYPE_NONE] = "identity-based policy", [IAM_TYPE_IDENTITY] = "identity-based policy",
        [IAM_TYPE_RESOURCE] = "resource-based policy", [IAM_TYPE_BOUNDARY] = "permissions boundary",
        [IAM_TYPE_SESSION] = "session policy"};
    const char *who = req->principal_arn && *req->principal_arn ? req->principal_arn : "anonymous";
    const char *action = req->action ? req->action : "";
    int n = snprintf(out, cap, "User: %s is not authorized to perform: %s", who, action);
    if (n < 0 || (size_t)n >= cap) return out;
    if (req->resource && *req->resource && strcmp(req->resource, "*") != 0) {
        int k = snprintf(out + n, cap - (size_t)n, " on resource: %s", req->resource);
        if (k < 0 || (size_t)(n + k) >= cap) return out;
        n += k;
    }
    iam_policy_type_t by = res->by <= IAM_TYPE_SESSION ? res->by : IAM_TYPE_IDENTITY;
    if (res->decision == IAM_EXPLICIT_DENY)
        snprintf(out + n, cap - (size_t)n, " with an explicit deny in %s", explicit_in[by]);
    else
        snprintf(out + n, cap - (size_t)n, " because no %s allows the %s action", implicit_no[by], action);
    return out;
}
