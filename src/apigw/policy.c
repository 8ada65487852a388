/* policy.c — IAM policy evaluation for Lambda authorizers (see policy.h). */
#include "apigw/policy.h"
#include <string.h>

int apigw__glob(const char *p, const char *s)
{
    const char *star = NULL, *ss = NULL;
    while (*s) {
        if (*p == '*') { star = p++; ss = s; }
        else if (*p == '?' || *p == *s) { p++; s++; }
        else if (star) { p = star + 1; s = ++ss; }
        else return 0;
    }
    while (*p == '*') p++;
    return *p == 0;
}

/* A string or a list of strings; 1 when one matches s. */
static int any_matches(json_t *v, const char *s)
{
    if (json_is_string(v)) return apigw__glob(json_string_value(v), s);
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x)
        if (json_is_string(x) && apigw__glob(json_string_value(x), s)) return 1;
    return 0;
}

int apigw__policy_allows(json_t *doc, const char *arn)
{
    int d = apigw__policy_decide(doc, arn);
    return d < 0 ? -1 : d == APIGW_POLICY_ALLOW;
}

int apigw__policy_decide(json_t *doc, const char *arn)
{
    json_t *st = json_object_get(doc, "Statement");
    if (!st) return -1;
    json_t *list = json_is_array(st) ? json_incref(st) : json_pack("[O]", st);
    int allow = 0, deny = 0;
    size_t i;
    json_t *s;
    json_array_foreach(list, i, s) {
        const char *eff = json_string_value(json_object_get(s, "Effect"));
        json_t *act = json_object_get(s, "Action");
        if (!eff || !act) continue;
        if (!any_matches(act, "execute-api:Invoke")) continue;
        if (!any_matches(json_object_get(s, "Resource"), arn)) continue;
        if (strcmp(eff, "Deny") == 0) deny = 1;
        else if (strcmp(eff, "Allow") == 0) allow = 1;
    }
    json_decref(list);
    return deny ? APIGW_POLICY_EXPLICIT_DENY : allow ? APIGW_POLICY_ALLOW : APIGW_POLICY_IMPLICIT_DENY;
}
