/* ddb_expr_keycond.c — reducing a KeyConditionExpression to a partition
 * value and one sort-key condition, checked against the key schema.
 *
 * Accepted shapes: "h = :v" or "h = :v AND <sk condition>" (either order),
 * where <sk condition> is one of = < <= > >= BETWEEN begins_with on the sort
 * key. Anything else is answered with DynamoDB's messages. */
#include <string.h>
#include "dynamodb/ddb_expr_eval.h"
#include "dynamodb/ddb_expr_int.h"

#define PFX "Invalid KeyConditionExpression: "
#define COND "Invalid condition in KeyConditionExpression: "

/* The structural errors below carry no "Invalid KeyConditionExpression: "
 * prefix: DynamoDB words them so (dynalite's test/query.js, recorded from the
 * service, and DynamoDB Local's KeyConditionExpressionExtractor). */
/* More than two key conditions, in KeyConditions or a KeyConditionExpression:
 * dynalite's test/query.js recorded this from the service, and Alternator's
 * test_query.py (test_query_which_key) quotes DynamoDB the same. */
static int too_many(ddb_err_t *err)
{
    return ddb_err_set(err, NB_ERR_VALIDATION, "Conditions can be of length 1 or 2 only");
}

static int bad_operator(ddb_err_t *err, const char *op)
{
    return ddb_err_set(err, NB_ERR_VALIDATION, "Invalid operator used in KeyConditionExpression: %s", op);
}

static const char *kind_op(const ddb_node_t *n)
{
    switch (n->kind) {
    case DDB_N_OR: return "OR";
    case DDB_N_NOT: return "NOT";
    case DDB_N_IN: return "IN";
    case DDB_N_ATTR_EXISTS: return "attribute_exists";
    case DDB_N_ATTR_NOT_EXISTS: return "attribute_not_exists";
    case DDB_N_ATTR_TYPE: return "attribute_type";
    case DDB_N_CONTAINS: return "contains";
    default: return NULL;
    }
}

typedef struct term {
    const char *name;
    ddb_sk_op_t op;
    const json_t *v1, *v2;
} term_t;

#define MAX_TERMS 8

typedef struct terms {
    term_t t[MAX_TERMS];
    size_t n;
} terms_t;

static ddb_sk_op_t sk_op(ddb_cmp_t c, int flipped)
{
    switch (c) {
    case DDB_CMP_LT: return flipped ? DDB_SK_GT : DDB_SK_LT;
    case DDB_CMP_LE: return flipped ? DDB_SK_GE : DDB_SK_LE;
    case DDB_CMP_GT: return flipped ? DDB_SK_LT : DDB_SK_GT;
    case DDB_CMP_GE: return flipped ? DDB_SK_LE : DDB_SK_GE;
    default: return DDB_SK_EQ;
    }
}

/* Walk a key condition as DynamoDB does: reject operators no key condition
 * takes, then, per comparison, its one top-level key attribute; collect one
 * term per attribute into ts. 0 or -1 with err. */
static int collect(const ddb_node_t *n, terms_t *ts, ddb_err_t *err)
{
    const char *op = kind_op(n);
    if (op)
        return bad_operator(err, op);
    if (n->kind == DDB_N_CMP && n->cmp == DDB_CMP_NE)
        return bad_operator(err, "<>");
    if (n->kind == DDB_N_SIZE)
        return ddb_err_set(err, NB_ERR_VALIDATION, "KeyConditionExpressions cannot contain nested operations");
    if (n->kind == DDB_N_BETWEEN && n->args[0]->kind != DDB_N_PATH)
        return ddb_err_set(err, NB_ERR_VALIDATION, COND "BETWEEN operator must have the key attribute as its first "
                                                    "operand");
    if (n->kind == DDB_N_BEGINS_WITH && n->args[0]->kind != DDB_N_PATH)
        return ddb_err_set(err, NB_ERR_VALIDATION, COND "begins_with operator must have the key attribute as its "
                                                    "first operand");
    const char *name = NULL;
    size_t at = 0;
    for (size_t i = 0; i < n->nargs; i++) {
        const ddb_node_t *a = n->args[i];
        if (a->kind == DDB_N_PATH) {
            if (name)
                return ddb_err_set(err, NB_ERR_VALIDATION, COND "Multiple attribute names used in one condition");
            if (a->path.n != 1 || !a->path.elems[0].name)
                return ddb_err_set(err, NB_ERR_VALIDATION,
                                   "KeyConditionExpressions cannot have conditions on nested attributes");
            name = a->path.elems[0].name;
            at = i;
        } else if (a->kind != DDB_N_VALUE && collect(a, ts, err) != 0) {
            return -1;
        }
    }
    if (n->kind == DDB_N_AND)
        return 0;
    if (!name)
        return ddb_err_set(err, NB_ERR_VALIDATION, COND "No key attribute specified");
    for (size_t i = 0; i < ts->n; i++)
        if (strcmp(ts->t[i].name, name) == 0)
            return ddb_err_set(err, NB_ERR_VALIDATION, "KeyConditionExpressions must only contain one condition per "
                                                       "key");
    if (ts->n == MAX_TERMS)
        return too_many(err);
    term_t *t = &ts->t[ts->n++];
    memset(t, 0, sizeof *t);
    t->name = name;
    switch (n->kind) {
    case DDB_N_CMP:
        t->op = sk_op(n->cmp, at != 0);
        t->v1 = n->args[at == 0 ? 1 : 0]->value;
        break;
    case DDB_N_BETWEEN:
        t->op = DDB_SK_BETWEEN;
        t->v1 = n->args[1]->value;
        t->v2 = n->args[2]->value;
        break;
    case DDB_N_BEGINS_WITH:
        t->op = DDB_SK_BEGINS_WITH;
        t->v1 = n->args[1]->value;
        break;
    default:
        return ddb_err_set(err, NB_ERR_VALIDATION, "Query key condition not supported");
    }
    return 0;
}

static int type_ok(const json_t *v, ddb_type_t want)
{
    return v && ddb_av_type(v) == want;
}

int ddb_keycond_extract(const ddb_node_t *kc, const char *hash_name, ddb_type_t ht,
                        const char *range_name, ddb_type_t rt, ddb_keycond_t *out,
                        ddb_err_t *err)
{
    memset(out, 0, sizeof *out);
    terms_t ts;
    ts.n = 0;
    if (collect(kc, &ts, err) != 0)
        return -1;
    if (ts.n > 2)
        return too_many(err);
    size_t n = ts.n;
    const term_t *terms = ts.t;
    const term_t *h = NULL, *s = NULL;
    int unknown = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(terms[i].name, hash_name) == 0)
            h = &terms[i];
        else if (range_name && strcmp(terms[i].name, range_name) == 0)
            s = &terms[i];
        else
            unknown = 1;
    }
    if (!h)
        return ddb_err_set(err, NB_ERR_VALIDATION, "Query condition missed key schema element: %s", hash_name);
    if (unknown)
        return ddb_err_set(err, NB_ERR_VALIDATION, "Query condition missed key schema element: %s",
                           range_name ? range_name : hash_name);
    if (h->op != DDB_SK_EQ)
        return ddb_err_set(err, NB_ERR_VALIDATION, "Query key condition not supported");
    if (!type_ok(h->v1, ht))
        return ddb_err_set(err, NB_ERR_VALIDATION,
                           "One or more parameter values were invalid: Condition parameter type does not match schema type");
    out->hash_name = hash_name;
    out->hash = h->v1;
    if (!s)
        return 0;
    if (!type_ok(s->v1, rt) || (s->op == DDB_SK_BETWEEN && !type_ok(s->v2, rt)))
        return ddb_err_set(err, NB_ERR_VALIDATION,
                           "One or more parameter values were invalid: Condition parameter type does not match schema type");
    if (s->op == DDB_SK_BEGINS_WITH && rt == DDB_T_N)
        return ddb_err_set(err, NB_ERR_VALIDATION, PFX "Incorrect operand type for operator or function; "
                           "operator or function: begins_with, operand type: N");
    out->range_name = range_name;
    out->op = s->op;
    out->v1 = s->v1;
    out->v2 = s->v2;
    return 0;
}

int ddb_keycond_match_range(const ddb_keycond_t *kc, const json_t *v)
{
    if (kc->op == DDB_SK_NONE)
        return 1;
    if (!v)
        return 0;
    int c, d;
    switch (kc->op) {
    case DDB_SK_EQ: return ddb_av_cmp(v, kc->v1, &c) == 0 && c == 0;
    case DDB_SK_LT: return ddb_av_cmp(v, kc->v1, &c) == 0 && c < 0;
    case DDB_SK_LE: return ddb_av_cmp(v, kc->v1, &c) == 0 && c <= 0;
    case DDB_SK_GT: return ddb_av_cmp(v, kc->v1, &c) == 0 && c > 0;
    case DDB_SK_GE: return ddb_av_cmp(v, kc->v1, &c) == 0 && c >= 0;
    case DDB_SK_BETWEEN:
        return ddb_av_cmp(v, kc->v1, &c) == 0 && c >= 0 && ddb_av_cmp(v, kc->v2, &d) == 0 && d <= 0;
    case DDB_SK_BEGINS_WITH: {
        nb_buf_t a = NB_BUF_INIT, b = NB_BUF_INIT;
        int r = 0;
        ddb_type_t t = ddb_av_type(v);
        if (t == ddb_av_type(kc->v1) && (t == DDB_T_S || t == DDB_T_B)) {
            if (t == DDB_T_S) {       /* by length: strings may hold NUL bytes */
                const json_t *x = ddb_av_value(v), *y = ddb_av_value(kc->v1);
                size_t lx = json_string_length(x), ly = json_string_length(y);
                r = ly <= lx && memcmp(json_string_value(x), json_string_value(y), ly) == 0;
            } else if (ddb_av_b_decode(v, &a) == 0 && ddb_av_b_decode(kc->v1, &b) == 0) {
                r = b.len <= a.len && (b.len == 0 || memcmp(a.data, b.data, b.len) == 0);
            }
        }
        nb_buf_free(&a);
        nb_buf_free(&b);
        return r;
    }
    default:
        return 0;
    }
}
