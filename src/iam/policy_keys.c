/* policy_keys.c — the context keys a compiled policy refers to (IAM's
 * GetContextKeysFor*Policy and the simulator's MissingContextValues):
 * condition keys, and the policy variables ${key} of 2012-10-17 policies'
 * Resource / NotResource and condition values. Reads the compiled form only. */
#include "iam/policy_int.h"
#include <string.h>

/* Report each ${key} of s ("${aws:username}", "${aws:PrincipalTag/x, 'd'}");
 * the escapes ${*} ${?} ${$} are no keys. */
static void variables(const char *s, iam_key_visit_fn fn, void *arg)
{
    for (const char *p = strstr(s, "${"); p; p = strstr(p, "${")) {
        p += 2;
        size_t n = strcspn(p, "},");
        while (n && p[n - 1] == ' ') n--;
        if (n > 1 && p[n] != 0) fn(arg, p, n);
    }
}

static int stmt_matches(const iam_stmt_t *st, const char *action, const char *resource)
{
    int m = !action;
    for (size_t i = 0; i < st->actions.n && !m; i++) m = iam_wildcard_match(st->actions.v[i], action, 1);
    if (action && st->not_action) m = !m;
    if (!m || !resource || !st->has_resource) return m;
    int r = 0;
    for (size_t i = 0; i < st->resources.n && !r; i++)   /* one with variables may match */
        r = strstr(st->resources.v[i], "${") || iam_wildcard_match(st->resources.v[i], resource, 0);
    return st->not_resource ? !r : r;
}

void iam_policy_context_keys(const iam_policy_t *p, const char *action, const char *resource, iam_key_visit_fn fn,
                             void *arg)
{
    for (size_t s = 0; p && s < p->n; s++) {
        const iam_stmt_t *st = &p->stmts[s];
        if (!stmt_matches(st, action, resource)) continue;
        if (p->v2012 && st->has_vars)
            for (size_t i = 0; i < st->resources.n; i++) variables(st->resources.v[i], fn, arg);
        for (size_t c = 0; c < st->n_conds; c++) {
            const iam_cond_t *cd = &st->conds[c];
            fn(arg, cd->key, strlen(cd->key));
            if (p->v2012 && cd->has_vars)
                for (size_t i = 0; i < cd->values.n; i++) variables(cd->values.v[i], fn, arg);
        }
    }
}
