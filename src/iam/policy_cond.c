/* policy_cond.c — the pieces of evaluation below a statement: wildcard and
 * ARN matching, request context keys, policy variables and the Condition
 * operators.
 *
 * Condition semantics (AWS's):
 *   - keys of one operator block, and blocks, are ANDed; values of one key ORed;
 *   - a key missing from the request: positive operators fail, negated ones
 *     (StringNotEquals, NotIpAddress, ArnNotLike, ...) hold, ...IfExists holds,
 *     ForAllValues holds, ForAnyValue fails; Null tests presence itself;
 *   - ForAllValues: every request value matches some policy value;
 *     ForAnyValue: at least one does (negated operators: "does not match").
 * Values substituted for policy variables are literal: a '*' coming from a
 * user name is not a wildcard. Internally such characters are escaped with
 * ESC (0x1b) in the expanded pattern, which iam_wildcard_match honours. */
#include "iam/policy_int.h"
#include <arpa/inet.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "core/buf.h"
#include "core/util.h"

#define ESC '\x1b'

/* --- wildcards ------------------------------------------------------------ */

static int ch_eq(char a, char b, int ic)
{
    if (a == b) return 1;
    return ic && tolower((unsigned char)a) == tolower((unsigned char)b);
}

/* Match s[0..sn) against p[0..pn). Iterative glob with one backtrack point:
 * linear in practice, O(pn*sn) worst case. */
static int glob(const char *p, size_t pn, const char *s, size_t sn, int ic)
{
    size_t pi = 0, si = 0, star_p = (size_t)-1, star_s = 0;
    while (si < sn) {
        if (pi < pn && p[pi] == '*') {
            star_p = ++pi;
            star_s = si;
            continue;
        }
        if (pi < pn) {
            if (p[pi] == ESC && pi + 1 < pn) {
                if (p[pi + 1] == s[si]) { pi += 2; si++; continue; }
            } else if (p[pi] == '?' || ch_eq(p[pi], s[si], ic)) {
                pi++;
                si++;
                continue;
            }
        }
        if (star_p == (size_t)-1) return 0;
        pi = star_p;
        si = ++star_s;
    }
    while (pi < pn && p[pi] == '*') pi++;
    return pi == pn;
}

int iam_wildcard_match(const char *pattern, const char *s, int ignore_case)
{
    return glob(pattern, strlen(pattern), s, strlen(s), ignore_case);
}

int iam_arn_match(const char *pattern, const char *arn)
{
    /* fields 1-5 end at a ':'; the sixth (resource) takes the rest */
    const char *p = pattern, *a = arn;
    for (int f = 0; f < 6; f++) {
        const char *pe = f < 5 ? strchr(p, ':') : p + strlen(p);
        const char *ae = f < 5 ? strchr(a, ':') : a + strlen(a);
        if (!pe || !ae) return 0;
        if (!glob(p, (size_t)(pe - p), a, (size_t)(ae - a), 0)) return 0;
        if (f < 5) {
            p = pe + 1;
            a = ae + 1;
        }
    }
    return 1;
}

/* --- context keys and variables -------------------------------------------- */

static const char *principal_type_name(iam_principal_type_t t)
{
    switch (t) {
    case IAM_PRINCIPAL_USER: return "User";
    case IAM_PRINCIPAL_ROOT: return "Account";
    case IAM_PRINCIPAL_ASSUMED_ROLE: return "AssumedRole";
    case IAM_PRINCIPAL_ANONYMOUS: return "Anonymous";
    default: return NULL;
    }
}

int iam__ctx_values(const iam_request_t *req, const char *key, const char *const **vals, size_t *n,
                    const char **scratch)
{
    for (size_t i = 0; i < req->n_keys; i++)
        if (strcasecmp(req->keys[i].name, key) == 0) {
            *vals = req->keys[i].values;
            *n = req->keys[i].n;
            return 1;
        }
    const char *v = NULL;
    int svc = req->principal_type == IAM_PRINCIPAL_SERVICE ||
              req->principal_type == IAM_PRINCIPAL_ANONYMOUS;
    if (strcasecmp(key, "aws:PrincipalArn") == 0 && !svc) {
        v = req->role_arn && req->principal_type == IAM_PRINCIPAL_ASSUMED_ROLE ? req->role_arn
                                                                              : req->principal_arn;
    } else if (strcasecmp(key, "aws:PrincipalAccount") == 0 && !svc) {
        v = req->principal_account && *req->principal_account ? req->principal_account : NULL;
    } else if (strcasecmp(key, "aws:PrincipalType") == 0) {
        v = principal_type_name(req->principal_type);
    } else if (strcasecmp(key, "aws:PrincipalServiceName") == 0 &&
               req->principal_type == IAM_PRINCIPAL_SERVICE) {
        v = req->principal_arn;
    } else if (strcasecmp(key, "aws:username") == 0 && req->principal_type == IAM_PRINCIPAL_USER &&
               req->principal_arn) {
        const char *slash = strrchr(req->principal_arn, '/');
        v = slash ? slash + 1 : NULL;
    }
    if (!v) return req->key_fn ? req->key_fn(req->key_arg, key, vals, n) : 0;
    *scratch = v;
    *vals = scratch;
    *n = 1;
    return 1;
}

static void put_escaped(char *out, size_t cap, size_t *k, const char *v, size_t vl, int *overflow)
{
    for (size_t i = 0; i < vl; i++) {
        if (v[i] == '*' || v[i] == '?' || v[i] == ESC) {
            if (*k + 1 >= cap) { *overflow = 1; return; }
            out[(*k)++] = ESC;
        }
        if (*k + 1 >= cap) { *overflow = 1; return; }
        out[(*k)++] = v[i];
    }
}

int iam__expand(const iam_request_t *req, const char *s, char *out, size_t cap)
{
    size_t k = 0;
    int overflow = 0;
    while (*s && !overflow) {
        const char *end;
        if (s[0] == '$' && s[1] == '{' && (end = strchr(s + 2, '}')) != NULL) {
            const char *in = s + 2;
            size_t il = (size_t)(end - in);
            while (il && isspace((unsigned char)*in)) { in++; il--; }
            while (il && isspace((unsigned char)in[il - 1])) il--;
            if (il == 1 && (*in == '*' || *in == '?' || *in == '$')) {
                put_escaped(out, cap, &k, in, 1, &overflow);
                s = end + 1;
                continue;
            }
            char name[256];
            const char *comma = memchr(in, ',', il);
            size_t nl = comma ? (size_t)(comma - in) : il;
            while (nl && isspace((unsigned char)in[nl - 1])) nl--;
            if (nl >= sizeof name) return -1;
            memcpy(name, in, nl);
            name[nl] = 0;
            const char *const *vals;
            size_t n;
            const char *scratch;
            if (iam__ctx_values(req, name, &vals, &n, &scratch) && n > 0) {
                put_escaped(out, cap, &k, vals[0], strlen(vals[0]), &overflow);
            } else if (comma) {
                /* ${key, 'default'} */
                const char *d = comma + 1;
                const char *de = in + il;
                while (d < de && isspace((unsigned char)*d)) d++;
                if (d >= de || *d != '\'' || de - d < 2 || de[-1] != '\'') return -1;
                put_escaped(out, cap, &k, d + 1, (size_t)(de - d - 2), &overflow);
            } else {
                return -1;
            }
            s = end + 1;
            continue;
        }
        if (k + 1 >= cap) return -1;
        out[k++] = *s++;
    }
    if (overflow) return -1;
    out[k] = 0;
    return 0;
}

/* --- operators -------------------------------------------------------------- */

static const struct {
    const char *name;
    iam_op_t op;
    int negated;
} OPS[] = {
    {"StringEquals", IAM_OP_STRING_EQUALS, 0},
    {"StringNotEquals", IAM_OP_STRING_EQUALS, 1},
    {"StringEqualsIgnoreCase", IAM_OP_STRING_EQUALS_IC, 0},
    {"StringNotEqualsIgnoreCase", IAM_OP_STRING_EQUALS_IC, 1},
    {"StringLike", IAM_OP_STRING_LIKE, 0},
    {"StringNotLike", IAM_OP_STRING_LIKE, 1},
    {"NumericEquals", IAM_OP_NUMERIC_EQUALS, 0},
    {"NumericNotEquals", IAM_OP_NUMERIC_EQUALS, 1},
    {"NumericLessThan", IAM_OP_NUMERIC_LT, 0},
    {"NumericLessThanEquals", IAM_OP_NUMERIC_LE, 0},
    {"NumericGreaterThan", IAM_OP_NUMERIC_GT, 0},
    {"NumericGreaterThanEquals", IAM_OP_NUMERIC_GE, 0},
    {"DateEquals", IAM_OP_DATE_EQUALS, 0},
    {"DateNotEquals", IAM_OP_DATE_EQUALS, 1},
    {"DateLessThan", IAM_OP_DATE_LT, 0},
    {"DateLessThanEquals", IAM_OP_DATE_LE, 0},
    {"DateGreaterThan", IAM_OP_DATE_GT, 0},
    {"DateGreaterThanEquals", IAM_OP_DATE_GE, 0},
    {"Bool", IAM_OP_BOOL, 0},
    {"BinaryEquals", IAM_OP_BINARY_EQUALS, 0},
    {"IpAddress", IAM_OP_IP_ADDRESS, 0},
    {"NotIpAddress", IAM_OP_IP_ADDRESS, 1},
    {"ArnEquals", IAM_OP_ARN_LIKE, 0},
    {"ArnLike", IAM_OP_ARN_LIKE, 0},
    {"ArnNotEquals", IAM_OP_ARN_LIKE, 1},
    {"ArnNotLike", IAM_OP_ARN_LIKE, 1},
    {"Null", IAM_OP_NULL, 0},
};

int iam__op_lookup(const char *name, size_t len, iam_op_t *op, int *negated)
{
    for (size_t i = 0; i < sizeof OPS / sizeof OPS[0]; i++)
        if (strlen(OPS[i].name) == len && memcmp(OPS[i].name, name, len) == 0) {
            *op = OPS[i].op;
            *negated = OPS[i].negated;
            return 0;
        }
    return -1;
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i])) return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int64_t iam__parse_date(const char *s)
{
    if (!s || !*s) return INT64_MIN;
    /* epoch seconds */
    const char *q = s + (*s == '-');
    if (*q && strspn(q, "0123456789") == strlen(q) && strlen(q) <= 12) {
        long long v = strtoll(s, NULL, 10);
        return (int64_t)v * 1000;
    }
    int y, mo, d, h = 0, mi = 0, se = 0, ms = 0;
    size_t n = strlen(s);
    if (n < 10 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
        digits(s + 8, 2, &d))
        return INT64_MIN;
    const char *p = s + 10;
    int64_t offset_s = 0;
    if (*p == 'T' || *p == 't') {
        p++;
        if (digits(p, 2, &h) || p[2] != ':' || digits(p + 3, 2, &mi)) return INT64_MIN;
        p += 5;
        if (*p == ':') {
            if (digits(p + 1, 2, &se)) return INT64_MIN;
            p += 3;
            if (*p == '.') {
                p++;
                int nd = 0;
                while (isdigit((unsigned char)*p)) {
                    if (nd < 3) ms = ms * 10 + (*p - '0');
                    nd++;
                    p++;
                }
                if (nd == 0) return INT64_MIN;
                for (; nd < 3; nd++) ms *= 10;
            }
        }
        if (*p == 'Z' || *p == 'z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int oh, om;
            if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om)) return INT64_MIN;
            offset_s = (int64_t)(oh * 3600 + om * 60) * (*p == '+' ? 1 : -1);
            p += 6;
        }
    }
    if (*p) return INT64_MIN;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return INT64_MIN;
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = se;
    time_t t = timegm(&tm);
    return ((int64_t)t - offset_s) * 1000 + ms;
}

static int parse_number(const char *s, double *out)
{
    char *end;
    if (!*s) return -1;
    *out = strtod(s, &end);
    return (*end || isnan(*out)) ? -1 : 0;
}

static void parse_cidr(const char *s, iam_cidr_t *c)
{
    char buf[64];
    memset(c, 0, sizeof *c);
    size_t n = strlen(s);
    if (n >= sizeof buf) return;
    memcpy(buf, s, n + 1);
    char *slash = strchr(buf, '/');
    int bits = -1;
    if (slash) {
        *slash = 0;
        if (!slash[1] || strspn(slash + 1, "0123456789") != strlen(slash + 1) || strlen(slash + 1) > 3)
            return;
        bits = atoi(slash + 1);
    }
    if (inet_pton(AF_INET, buf, c->addr) == 1) {
        if (bits > 32) return;
        c->bits = bits < 0 ? 32 : bits;
        c->family = AF_INET;
    } else if (inet_pton(AF_INET6, buf, c->addr) == 1) {
        if (bits > 128) return;
        c->bits = bits < 0 ? 128 : bits;
        c->family = AF_INET6;
    }
}

void iam__cond_compile(nb_arena_t *a, iam_cond_t *c)
{
    size_t n = c->values.n ? c->values.n : 1;
    switch (c->op) {
    case IAM_OP_NUMERIC_EQUALS: case IAM_OP_NUMERIC_LT: case IAM_OP_NUMERIC_LE:
    case IAM_OP_NUMERIC_GT: case IAM_OP_NUMERIC_GE:
        c->nums = nb_arena_alloc(a, n * sizeof *c->nums);
        for (size_t i = 0; i < c->values.n; i++)
            if (parse_number(c->values.v[i], &c->nums[i]) < 0) c->nums[i] = NAN;
        break;
    case IAM_OP_DATE_EQUALS: case IAM_OP_DATE_LT: case IAM_OP_DATE_LE:
    case IAM_OP_DATE_GT: case IAM_OP_DATE_GE:
        c->dates = nb_arena_alloc(a, n * sizeof *c->dates);
        for (size_t i = 0; i < c->values.n; i++) c->dates[i] = iam__parse_date(c->values.v[i]);
        break;
    case IAM_OP_IP_ADDRESS:
        c->cidrs = nb_arena_alloc(a, n * sizeof *c->cidrs);
        for (size_t i = 0; i < c->values.n; i++) parse_cidr(c->values.v[i], &c->cidrs[i]);
        break;
    default:
        break;
    }
}

static int cidr_contains(const iam_cidr_t *c, const char *ip)
{
    unsigned char a[16];
    int fam;
    if (inet_pton(AF_INET, ip, a) == 1) fam = AF_INET;
    else if (inet_pton(AF_INET6, ip, a) == 1) fam = AF_INET6;
    else return 0;
    if (fam != c->family) return 0;
    int full = c->bits / 8, rest = c->bits % 8;
    if (memcmp(a, c->addr, (size_t)full) != 0) return 0;
    if (rest) {
        unsigned char mask = (unsigned char)(0xff << (8 - rest));
        if ((a[full] & mask) != (c->addr[full] & mask)) return 0;
    }
    return 1;
}

static int binary_equals(const char *a, const char *b)
{
    nb_buf_t x = NB_BUF_INIT, y = NB_BUF_INIT;
    int eq = nb_base64_decode(&x, a, strlen(a)) == 0 && nb_base64_decode(&y, b, strlen(b)) == 0 &&
             x.len == y.len && (x.len == 0 || memcmp(x.data, y.data, x.len) == 0);
    nb_buf_free(&x);
    nb_buf_free(&y);
    return eq;
}

/* Does request value v match policy value i of c (positively)? */
static int value_matches(const iam_cond_t *c, size_t i, const char *v, const iam_request_t *req)
{
    const char *pv = c->values.v[i];
    char exp[1024];
    if (c->has_vars) {
        if (iam__expand(req, pv, exp, sizeof exp) < 0) return 0;
        pv = exp;
    }
    double x;
    int64_t t;
    switch (c->op) {
    case IAM_OP_STRING_EQUALS:
    case IAM_OP_STRING_EQUALS_IC:
        if (c->has_vars) { /* literal compare of an escaped pattern */
            char buf[1024];
            size_t k = 0;
            for (const char *s = pv; *s && k + 1 < sizeof buf; s++)
                if (*s != ESC) buf[k++] = *s;
            buf[k] = 0;
            return c->op == IAM_OP_STRING_EQUALS ? strcmp(buf, v) == 0 : strcasecmp(buf, v) == 0;
        }
        return c->op == IAM_OP_STRING_EQUALS ? strcmp(pv, v) == 0 : strcasecmp(pv, v) == 0;
    case IAM_OP_STRING_LIKE:
        return iam_wildcard_match(pv, v, 0);
    case IAM_OP_NUMERIC_EQUALS: case IAM_OP_NUMERIC_LT: case IAM_OP_NUMERIC_LE:
    case IAM_OP_NUMERIC_GT: case IAM_OP_NUMERIC_GE:
        if (isnan(c->nums[i]) || parse_number(v, &x) < 0) return 0;
        switch (c->op) {
        case IAM_OP_NUMERIC_EQUALS: return x == c->nums[i];
        case IAM_OP_NUMERIC_LT: return x < c->nums[i];
        case IAM_OP_NUMERIC_LE: return x <= c->nums[i];
        case IAM_OP_NUMERIC_GT: return x > c->nums[i];
        default: return x >= c->nums[i];
        }
    case IAM_OP_DATE_EQUALS: case IAM_OP_DATE_LT: case IAM_OP_DATE_LE:
    case IAM_OP_DATE_GT: case IAM_OP_DATE_GE:
        t = iam__parse_date(v);
        if (c->dates[i] == INT64_MIN || t == INT64_MIN) return 0;
        switch (c->op) {
        case IAM_OP_DATE_EQUALS: return t == c->dates[i];
        case IAM_OP_DATE_LT: return t < c->dates[i];
        case IAM_OP_DATE_LE: return t <= c->dates[i];
        case IAM_OP_DATE_GT: return t > c->dates[i];
        default: return t >= c->dates[i];
        }
    case IAM_OP_BOOL:
        return strcasecmp(pv, v) == 0;
    case IAM_OP_BINARY_EQUALS:
        return binary_equals(pv, v);
    case IAM_OP_IP_ADDRESS:
        return c->cidrs[i].family && cidr_contains(&c->cidrs[i], v);
    case IAM_OP_ARN_LIKE:
        return iam_arn_match(pv, v);
    default:
        return 0;
    }
}

static int any_policy_value(const iam_cond_t *c, const char *v, const iam_request_t *req)
{
    for (size_t i = 0; i < c->values.n; i++)
        if (value_matches(c, i, v, req)) return 1;
    return 0;
}

static int cond_holds(const iam_cond_t *c, const iam_request_t *req)
{
    const char *const *vals = NULL;
    size_t n = 0;
    const char *scratch;
    int found = iam__ctx_values(req, c->key, &vals, &n, &scratch);
    if (c->op == IAM_OP_NULL) {
        int present = found && n > 0;
        for (size_t i = 0; i < c->values.n; i++) {
            if (strcasecmp(c->values.v[i], "true") == 0 && !present) return 1;
            if (strcasecmp(c->values.v[i], "false") == 0 && present) return 1;
        }
        return 0;
    }
    if (!found || (n == 0 && c->set == IAM_SET_NONE)) {
        if (c->if_exists) return 1;
        if (c->set == IAM_SET_FOR_ALL) return 1;
        if (c->set == IAM_SET_FOR_ANY) return 0;
        return c->negated;
    }
    switch (c->set) {
    case IAM_SET_FOR_ALL:
        for (size_t k = 0; k < n; k++)
            if (any_policy_value(c, vals[k], req) == c->negated) return 0;
        return 1;
    case IAM_SET_FOR_ANY:
        for (size_t k = 0; k < n; k++)
            if (any_policy_value(c, vals[k], req) != c->negated) return 1;
        return 0;
    default:
        for (size_t k = 0; k < n; k++)
            if (any_policy_value(c, vals[k], req)) return !c->negated;
        return c->negated;
    }
}

int iam__conds_hold(const iam_stmt_t *st, int v2012, const iam_request_t *req)
{
    (void)v2012;
    for (size_t i = 0; i < st->n_conds; i++)
        if (!cond_holds(&st->conds[i], req)) return 0;
    return 1;
}
