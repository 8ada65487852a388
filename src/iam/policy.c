/* policy.c — parsing and validating IAM policy documents (jansson) into the
 * compiled form of policy_int.h. Evaluation lives in policy_eval.c and
 * policy_cond.c.
 *
 * Validation follows IAM's MalformedPolicyDocument messages; the first
 * problem found is reported. Checks, in order: JSON syntax and shape
 * ("Syntax errors in policy."), Version ("The policy failed legacy
 * parsing"), per statement: Effect, Principal rules for the kind, actions,
 * resources, conditions; then Sid uniqueness. */
#include "iam/policy_int.h"
#include <ctype.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/alloc.h"

#define MAX_POLICY_BYTES (1u << 20)   /* far above any IAM quota; bounds the work */

static const char E_SYNTAX[] = "Syntax errors in policy.";
static const char E_LEGACY[] = "The policy failed legacy parsing";
static const char E_PRINCIPAL_PROHIBITED[] = "Policy document should not specify a principal.";
static const char E_ACTIONS[] = "Policy statement must contain actions.";
static const char E_RESOURCES[] = "Policy statement must contain resources.";
static const char E_VENDOR[] = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.";
static const char E_ONE_COLON[] = "Actions/Condition can contain only one colon.";
static const char E_SID_UNIQUE[] = "Statement IDs (SID) in a single policy must be unique.";
static const char E_SID_ALNUM[] = "Statement IDs (SID) must be alpha-numeric. Check that your input "
                                  "satisfies the regular expression [0-9A-Za-z]*";
static const char E_EFFECT[] = "Missing required field Effect";
static const char E_PRINCIPAL_MISSING[] = "Missing required field Principal";
static const char E_RESOURCE_PROHIBITED[] = "Has prohibited field Resource";
static const char E_INVALID_PRINCIPAL[] = "Invalid principal in policy";

typedef struct parser {
    nb_arena_t *a;
    iam_policy_kind_t kind;
    int v2012;
    char *err;
    size_t cap;
} parser_t;

static int fail(parser_t *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(parser_t *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err, p->cap, fmt, ap);
    va_end(ap);
    return -1;
}

static int has_var(const char *s)
{
    return strstr(s, "${") != NULL;
}

/* A string, or a non-empty list of strings (numbers/bools too when
 * scalars_ok, as IAM accepts in Condition values). */
static int strs_of(parser_t *p, json_t *v, iam_strs_t *out, int scalars_ok, int allow_empty)
{
    size_t n = json_is_array(v) ? json_array_size(v) : 1;
    if (!json_is_array(v) && !json_is_string(v) && !(scalars_ok && (json_is_number(v) || json_is_boolean(v))))
        return fail(p, "%s", E_SYNTAX);
    if (n == 0 && !allow_empty) return fail(p, "%s", E_SYNTAX);
    out->v = nb_arena_alloc(p->a, (n ? n : 1) * sizeof *out->v);
    out->n = n;
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_is_array(v) ? json_array_get(v, i) : v;
        char buf[64];
        if (json_is_string(e)) {
            out->v[i] = nb_arena_strndup(p->a, json_string_value(e), json_string_length(e));
        } else if (scalars_ok && json_is_integer(e)) {
            snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(e));
            out->v[i] = nb_arena_strdup(p->a, buf);
        } else if (scalars_ok && json_is_real(e)) {
            snprintf(buf, sizeof buf, "%.17g", json_real_value(e));
            out->v[i] = nb_arena_strdup(p->a, buf);
        } else if (scalars_ok && json_is_boolean(e)) {
            out->v[i] = json_is_true(e) ? "true" : "false";
        } else {
            return fail(p, "%s", E_SYNTAX);
        }
    }
    return 0;
}

static int check_action(parser_t *p, const char *a)
{
    if (strcmp(a, "*") == 0) return 0;
    const char *c = strchr(a, ':');
    if (!c) return fail(p, "%s", E_VENDOR);
    if (strchr(c + 1, ':')) return fail(p, "%s", E_ONE_COLON);
    for (const char *v = a; v < c; v++)
        if (!isalnum((unsigned char)*v) && *v != '-' && *v != '.' && *v != '*' && *v != '?')
            return fail(p, "Vendor %.*s is not valid", (int)(c - a > 64 ? 64 : c - a), a);
    if (c == a) return fail(p, "%s", E_VENDOR);
    return 0;
}

static int check_resource(parser_t *p, const char *r)
{
    if (strcmp(r, "*") == 0) return 0;
    const char *c1 = strchr(r, ':');
    if (!c1) return fail(p, "Resource %.200s must be in ARN format or \"*\".", r);
    const char *part = c1 + 1;
    const char *c2 = strchr(part, ':');
    size_t plen = c2 ? (size_t)(c2 - part) : strlen(part);
    static const char *const partitions[] = {"aws", "aws-cn", "aws-us-gov", "*"};
    int ok = 0;
    for (size_t i = 0; i < sizeof partitions / sizeof partitions[0]; i++)
        if (strlen(partitions[i]) == plen && memcmp(partitions[i], part, plen) == 0) ok = 1;
    if (!ok) {
        /* AWS echoes the ARN with missing fields shown as '*' */
        const char *f[4] = {"*", "*", "*", "*"};
        size_t fl[4] = {1, 1, 1, 1};
        const char *s = c2 ? c2 + 1 : NULL;
        for (int i = 0; i < 4 && s; i++) {
            const char *e = i < 3 ? strchr(s, ':') : NULL;
            size_t l = e ? (size_t)(e - s) : strlen(s);
            if (l) { f[i] = s; fl[i] = l; }
            s = e ? e + 1 : NULL;
        }
        return fail(p, "Partition \"%.*s\" is not valid for resource \"arn:%.*s:%.*s:%.*s:%.*s:%.*s\".",
                    (int)(plen > 64 ? 64 : plen), part, (int)(plen > 64 ? 64 : plen), part,
                    (int)(fl[0] > 64 ? 64 : fl[0]), f[0], (int)(fl[1] > 64 ? 64 : fl[1]), f[1],
                    (int)(fl[2] > 64 ? 64 : fl[2]), f[2], (int)(fl[3] > 200 ? 200 : fl[3]), f[3]);
    }
    if (!c2) return fail(p, "Resource vendor must be fully qualified and cannot contain regexes.");
    return 0;
}

static int is_account_id(const char *s)
{
    if (strlen(s) != 12) return 0;
    for (int i = 0; i < 12; i++)
        if (!isdigit((unsigned char)s[i])) return 0;
    return 1;
}

/* arn:aws:iam::ACCT:root|user/..|role/..|assumed-role/..|federated-user/..,
 * arn:aws:sts::ACCT:assumed-role/R/S|federated-user/.. */
static int is_principal_arn(const char *s)
{
    const char *pre[] = {"arn:aws:iam::", "arn:aws:sts::"};
    for (int k = 0; k < 2; k++) {
        size_t pl = strlen(pre[k]);
        if (strncmp(s, pre[k], pl) != 0) continue;
        const char *acct = s + pl;
        if (strlen(acct) < 14 || acct[12] != ':') return 0;
        char id[13];
        memcpy(id, acct, 12);
        id[12] = 0;
        if (!is_account_id(id)) return 0;
        const char *res = acct + 13;
        if (k == 0 && strcmp(res, "root") == 0) return 1;
        static const char *const kinds[] = {"user/", "role/", "assumed-role/", "federated-user/"};
        for (size_t i = 0; i < 4; i++)
            if (strncmp(res, kinds[i], strlen(kinds[i])) == 0 && res[strlen(kinds[i])]) return 1;
        return 0;
    }
    return 0;
}

static int parse_principal(parser_t *p, json_t *v, iam_principals_t *out)
{
    memset(out, 0, sizeof *out);
    if (json_is_string(v)) {
        if (strcmp(json_string_value(v), "*") != 0) return fail(p, "%s", E_INVALID_PRINCIPAL);
        out->any = 1;
        return 0;
    }
    if (!json_is_object(v) || json_object_size(v) == 0) return fail(p, "%s", E_INVALID_PRINCIPAL);
    const char *k;
    json_t *val;
    json_object_foreach(v, k, val) {
        iam_strs_t s;
        if (strs_of(p, val, &s, 0, 0) < 0) return fail(p, "%s", E_INVALID_PRINCIPAL);
        if (strcmp(k, "AWS") == 0) {
            for (size_t i = 0; i < s.n; i++) {
                if (strcmp(s.v[i], "*") == 0) {
                    out->any = 1;
                } else if (is_account_id(s.v[i])) {
                    s.v[i] = nb_arena_printf(p->a, "arn:aws:iam::%s:root", s.v[i]);
                } else if (!is_principal_arn(s.v[i])) {
                    return fail(p, "%s: \"AWS\":\"%.200s\"", E_INVALID_PRINCIPAL, s.v[i]);
                }
            }
            out->aws = s;
        } else if (strcmp(k, "Service") == 0) {
            for (size_t i = 0; i < s.n; i++)
                if (!s.v[i][0]) return fail(p, "%s", E_INVALID_PRINCIPAL);
            out->service = s;
        } else if (strcmp(k, "Federated") == 0) {
            out->federated = s;
        } else if (strcmp(k, "CanonicalUser") == 0) {
            out->canonical = s;
        } else {
            return fail(p, "%s", E_INVALID_PRINCIPAL);
        }
    }
    return 0;
}

static int parse_condition(parser_t *p, json_t *v, iam_stmt_t *st)
{
    if (!json_is_object(v)) return fail(p, "%s", E_SYNTAX);
    size_t total = 0;
    const char *opname;
    json_t *block;
    json_object_foreach(v, opname, block) {
        if (!json_is_object(block)) return fail(p, "%s", E_SYNTAX);
        total += json_object_size(block);
    }
    st->conds = nb_arena_calloc(p->a, (total ? total : 1) * sizeof *st->conds);
    st->n_conds = 0;
    json_object_foreach(v, opname, block) {
        const char *name = opname;
        iam_set_t set = IAM_SET_NONE;
        if (strncmp(name, "ForAllValues:", 13) == 0) { set = IAM_SET_FOR_ALL; name += 13; }
        else if (strncmp(name, "ForAnyValue:", 12) == 0) { set = IAM_SET_FOR_ANY; name += 12; }
        size_t nl = strlen(name);
        int if_exists = 0;
        if (nl > 8 && strcmp(name + nl - 8, "IfExists") == 0) { if_exists = 1; nl -= 8; }
        iam_op_t op;
        int negated;
        if (iam__op_lookup(name, nl, &op, &negated) < 0 || (op == IAM_OP_NULL && (if_exists || set)))
            return fail(p, "Invalid Condition type : %.100s", opname);
        const char *key;
        json_t *vals;
        json_object_foreach(block, key, vals) {
            if (!strchr(key, ':')) return fail(p, "%s", E_VENDOR);
            iam_cond_t *c = &st->conds[st->n_conds++];
            c->op = op;
            c->negated = negated;
            c->if_exists = if_exists;
            c->set = set;
            c->key = nb_arena_strdup(p->a, key);
            if (strs_of(p, vals, &c->values, 1, 1) < 0) return -1;
            if (p->v2012 && (op == IAM_OP_STRING_EQUALS || op == IAM_OP_STRING_EQUALS_IC ||
                             op == IAM_OP_STRING_LIKE || op == IAM_OP_ARN_LIKE))
                for (size_t i = 0; i < c->values.n; i++)
                    if (has_var(c->values.v[i])) c->has_vars = 1;
            iam__cond_compile(p->a, c);
        }
    }
    return 0;
}

static int is_alnum_str(const char *s)
{
    for (; *s; s++)
        if (!isalnum((unsigned char)*s)) return 0;
    return 1;
}

static int parse_statement(parser_t *p, json_t *s, iam_stmt_t *st)
{
    if (!json_is_object(s)) return fail(p, "%s", E_SYNTAX);
    static const char *const known[] = {"Sid", "Effect", "Action", "NotAction", "Resource",
                                        "NotResource", "Principal", "NotPrincipal", "Condition"};
    const char *k;
    json_t *v;
    json_object_foreach(s, k, v) {
        int ok = 0;
        for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
            if (strcmp(k, known[i]) == 0) ok = 1;
        if (!ok) return fail(p, "%s", E_SYNTAX);
    }
    json_t *sid = json_object_get(s, "Sid");
    if (sid) {
        if (!json_is_string(sid)) return fail(p, "%s", E_SYNTAX);
        st->sid = nb_arena_strdup(p->a, json_string_value(sid));
        if (p->kind == IAM_POLICY_IDENTITY && !is_alnum_str(st->sid)) return fail(p, "%s", E_SID_ALNUM);
    }
    json_t *eff = json_object_get(s, "Effect");
    if (!eff) return fail(p, "%s", E_EFFECT);
    if (!json_is_string(eff)) return fail(p, "%s", E_SYNTAX);
    if (strcmp(json_string_value(eff), "Allow") == 0) st->deny = 0;
    else if (strcmp(json_string_value(eff), "Deny") == 0) st->deny = 1;
    else return fail(p, "%s", E_SYNTAX);

    json_t *pr = json_object_get(s, "Principal"), *npr = json_object_get(s, "NotPrincipal");
    if (pr && npr) return fail(p, "%s", E_SYNTAX);
    if (p->kind == IAM_POLICY_IDENTITY) {
        if (pr || npr) return fail(p, "%s", E_PRINCIPAL_PROHIBITED);
    } else {
        if (!pr && !npr) return fail(p, "%s", E_PRINCIPAL_MISSING);
        st->has_principal = 1;
        st->not_principal = npr != NULL;
        if (parse_principal(p, pr ? pr : npr, &st->principals) < 0) return -1;
    }

    json_t *act = json_object_get(s, "Action"), *nact = json_object_get(s, "NotAction");
    if (act && nact) return fail(p, "%s", E_SYNTAX);
    if (!act && !nact) return fail(p, "%s", E_ACTIONS);
    if (json_is_array(act ? act : nact) && json_array_size(act ? act : nact) == 0)
        return fail(p, "%s", E_ACTIONS);
    if (strs_of(p, act ? act : nact, &st->actions, 0, 0) < 0) return -1;
    st->not_action = nact != NULL;
    for (size_t i = 0; i < st->actions.n; i++)
        if (check_action(p, st->actions.v[i]) < 0) return -1;

    json_t *res = json_object_get(s, "Resource"), *nres = json_object_get(s, "NotResource");
    if (res && nres) return fail(p, "%s", E_SYNTAX);
    if (p->kind == IAM_POLICY_TRUST && (res || nres)) return fail(p, "%s", E_RESOURCE_PROHIBITED);
    if (!res && !nres) {
        if (p->kind == IAM_POLICY_IDENTITY) return fail(p, "%s", E_RESOURCES);
    } else {
        json_t *r = res ? res : nres;
        if (json_is_array(r) && json_array_size(r) == 0) return fail(p, "%s", E_RESOURCES);
        if (strs_of(p, r, &st->resources, 0, 0) < 0) return -1;
        st->has_resource = 1;
        st->not_resource = nres != NULL;
        for (size_t i = 0; i < st->resources.n; i++) {
            if (check_resource(p, st->resources.v[i]) < 0) return -1;
            if (p->v2012 && has_var(st->resources.v[i])) st->has_vars = 1;
        }
    }

    json_t *cond = json_object_get(s, "Condition");
    if (cond && parse_condition(p, cond, st) < 0) return -1;
    return 0;
}

size_t iam_policy_size(const char *text, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (!isspace((unsigned char)text[i])) n++;
    return n;
}

static int parse_doc(parser_t *p, json_t *doc, iam_policy_t *pol)
{
    if (!json_is_object(doc)) return fail(p, "%s", E_SYNTAX);
    const char *k;
    json_t *v;
    json_object_foreach(doc, k, v)
        if (strcmp(k, "Version") && strcmp(k, "Id") && strcmp(k, "Statement"))
            return fail(p, "%s", E_SYNTAX);
    json_t *ver = json_object_get(doc, "Version");
    if (ver) {
        if (!json_is_string(ver)) return fail(p, "%s", E_SYNTAX);
        if (strcmp(json_string_value(ver), "2012-10-17") == 0) p->v2012 = 1;
        else if (strcmp(json_string_value(ver), "2008-10-17") != 0) return fail(p, "%s", E_LEGACY);
    }
    pol->v2012 = p->v2012;
    json_t *id = json_object_get(doc, "Id");
    if (id && !json_is_string(id)) return fail(p, "%s", E_SYNTAX);
    json_t *sts = json_object_get(doc, "Statement");
    if (!sts || (!json_is_object(sts) && !json_is_array(sts))) return fail(p, "%s", E_SYNTAX);
    size_t n = json_is_array(sts) ? json_array_size(sts) : 1;
    if (n == 0) return fail(p, "%s", E_SYNTAX);
    pol->stmts = nb_arena_calloc(p->a, n * sizeof *pol->stmts);
    pol->n = n;
    for (size_t i = 0; i < n; i++)
        if (parse_statement(p, json_is_array(sts) ? json_array_get(sts, i) : sts, &pol->stmts[i]) < 0)
            return -1;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n && pol->stmts[i].sid; j++)
            if (pol->stmts[j].sid && strcmp(pol->stmts[i].sid, pol->stmts[j].sid) == 0)
                return fail(p, "%s", E_SID_UNIQUE);
    return 0;
}

iam_policy_t *iam_policy_parse(const char *text, size_t len, iam_policy_kind_t kind, char *err,
                               size_t cap)
{
    parser_t p = {.kind = kind, .err = err, .cap = cap};
    if (!text || len > MAX_POLICY_BYTES) {
        fail(&p, "%s", E_SYNTAX);
        return NULL;
    }
    json_error_t jerr;
    json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc) {
        fail(&p, "%s", E_SYNTAX);
        return NULL;
    }
    iam_policy_t *pol = nb_xcalloc(1, sizeof *pol);
    atomic_init(&pol->refs, 1);
    pol->arena = nb_arena_new(1024);
    p.a = pol->arena;
    int rc = parse_doc(&p, doc, pol);
    json_decref(doc);
    if (rc < 0) {
        iam_policy_free(pol);
        return NULL;
    }
    return pol;
}

iam_policy_t *iam_policy_ref(iam_policy_t *p)
{
    if (p) atomic_fetch_add(&p->refs, 1);
    return p;
}

void iam_policy_free(iam_policy_t *p)
{
    if (!p || atomic_fetch_sub(&p->refs, 1) != 1) return;
    nb_arena_free(p->arena);
    free(p);
}

size_t iam_policy_statement_count(const iam_policy_t *p)
{
    return p->n;
}
