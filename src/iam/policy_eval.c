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

/* Principal element against the caller. *exact: matched by the caller's own
 * user or session ARN (such resource-policy allows bypass boundaries). */
static int principal_in(const iam_principals_t *pr, const iam_request_t *req, int *exact)
{
    *exact = 0;
    if (pr->any) return 1;
    const char *arn = req->principal_arn ? req->principal_arn : "";
    if (is_service(req)) {
        for (size_t i = 0; i < pr->service.n; i++)
            if (strcmp(pr->service.v[i], arn) == 0) return 1;
        return 0;
    }
    if (req->principal_type == IAM_PRINCIPAL_ANONYMOUS) return 0;
    for (size_t i = 0; i < pr->aws.n; i++) {
        const char *e = pr->aws.v[i];
        if (strcmp(e, arn) == 0) {
            *exact = req->principal_type != IAM_PRINCIPAL_ROOT;
            return 1;
        }
        if (req->role_arn && req->principal_type == IAM_PRINCIPAL_ASSUMED_ROLE &&
            strcmp(e, req->role_arn) == 0)
            return 1;
        /* arn:aws:iam::ACCT:root names the whole account */
        size_t el = strlen(e);
        if (req->principal_account && el == 13 + 12 + 5 && strncmp(e, "arn:aws:iam::", 13) == 0 &&
            strcmp(e + 25, ":root") == 0 && strncmp(e + 13, req->principal_account, 12) == 0 &&
            strlen(req->principal_account) == 12)
            return 1;
    }
    for (size_t i = 0; i < pr->federated.n; i++)
        if (strcmp(pr->federated.v[i], arn) == 0) return 1;
    return 0;
}

/* Does statement st apply to req? *exact as for principal_in. */
static int applies(const iam_stmt_t *st, int v2012, const iam_request_t *req, int *exact)
{
    *exact = 0;
    if (st->has_principal) {
        int m = principal_in(&st->principals, req, exact);
        if (st->not_principal) {
            m = !m;
            *exact = 0;
        }
        if (!m) return 0;
    }
    return action_matches(st, req->action ? req->action : "") && resource_matches(st, v2012, req) &&
           iam__conds_hold(st, v2012, req);
}

typedef struct verdict {
    int allow;
    int deny;
    int exact_allow;
} verdict_t;

static void scan(const iam_policy_t *const *ps, size_t n, const iam_request_t *req, verdict_t *v)
{
    memset(v, 0, sizeof *v);
    for (size_t i = 0; i < n; i++) {
        const iam_policy_t *p = ps ? ps[i] : NULL;
        if (!p) continue;
        for (size_t s = 0; s < p->n; s++) {
            const iam_stmt_t *st = &p->stmts[s];
            /* a statement that cannot change the verdict is not evaluated */
            if (st->deny ? v->deny : (v->allow && (v->exact_allow || !st->has_principal))) continue;
            int exact;
            if (!applies(st, p->v2012, req, &exact)) continue;
            if (st->deny) {
                v->deny = 1;
                return; /* nothing overrides an explicit deny */
            }
            v->allow = 1;
            if (exact) v->exact_allow = 1;
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
    verdict_t id, res, b = {0, 0, 0}, s = {0, 0, 0};
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
        if (res.allow && (res.exact_allow || (b_ok && s_ok))) return decide(out, IAM_ALLOW, IAM_TYPE_NONE);
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
