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

static int bad_operator(ddb_err_t *err, const char *op)
{
    return ddb_err_set(err, NB_ERR_VALIDATION, PFX "Invalid operator used in KeyConditionExpression: %s", op);
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
    case DDB_N_SIZE: return "size";
    default: return NULL;
    }
}

typedef struct term {
    const char *name;
    ddb_sk_op_t op;
    const json_t *v1, *v2;
} term_t;

static ddb_sk_op_t flip(ddb_cmp_t c)
{
    switch (c) {
    case DDB_CMP_LT: return DDB_SK_GT;
    case DDB_CMP_LE: return DDB_SK_GE;
    case DDB_CMP_GT: return DDB_SK_LT;
    case DDB_CMP_GE: return DDB_SK_LE;
    default: return DDB_SK_EQ;
    }
}

static ddb_sk_op_t direct(ddb_cmp_t c)
{
    switch (c) {
    case DDB_CMP_LT: return DDB_SK_LT;
    case DDB_CMP_LE: return DDB_SK_LE;
    case DDB_CMP_GT: return DDB_SK_GT;
    case DDB_CMP_GE: return DDB_SK_GE;
    default: return DDB_SK_EQ;
    }
}

static int key_path(const ddb_node_t *n, const char **name)
{
    if (n->kind != DDB_N_PATH)
        return 0;
    if (n->path.n != 1)
        return -1;
    *name = n->path.elems[0].name;
    return 1;
}

static int term_of(const ddb_node_t *n, term_t *t, ddb_err_t *err)
{
    const char *op = kind_op(n);
    if (op)
        return bad_operator(err, op);
    memset(t, 0, sizeof *t);
    const char *name = NULL;
    if (n->kind == DDB_N_CMP) {
        if (n->cmp == DDB_CMP_NE)
            return bad_operator(err, "<>");
        int l = key_path(n->args[0], &name), r;
        if (l < 0)
            goto nested;
        if (l == 1 && n->args[1]->kind == DDB_N_VALUE) {
            t->op = direct(n->cmp);
            t->v1 = n->args[1]->value;
        } else if ((r = key_path(n->args[1], &name)) == 1 && n->args[0]->kind == DDB_N_VALUE) {
            t->op = flip(n->cmp);
            t->v1 = n->args[0]->value;
        } else if (r < 0) {
            goto nested;
        } else {
            return ddb_err_set(err, NB_ERR_VALIDATION, PFX "KeyConditionExpressions must only contain one condition per key");
        }
    } else if (n->kind == DDB_N_BETWEEN) {
        int l = key_path(n->args[0], &name);
        if (l < 0)
            goto nested;
        if (l == 0 || n->args[1]->kind != DDB_N_VALUE || n->args[2]->kind != DDB_N_VALUE)
            return ddb_err_set(err, NB_ERR_VALIDATION, "Query key condition not supported");
        t->op = DDB_SK_BETWEEN;
        t->v1 = n->args[1]->value;
        t->v2 = n->args[2]->value;
    } else if (n->kind == DDB_N_BEGINS_WITH) {
        int l = key_path(n->args[0], &name);
        if (l < 0)
            goto nested;
        if (l == 0 || n->args[1]->kind != DDB_N_VALUE)
            return ddb_err_set(err, NB_ERR_VALIDATION, "Query key condition not supported");
        t->op = DDB_SK_BEGINS_WITH;
        t->v1 = n->args[1]->value;
    } else {
        return ddb_err_set(err, NB_ERR_VALIDATION, "Query key condition not supported");
    }
    t->name = name;
    return 0;
nested:
    return ddb_err_set(err, NB_ERR_VALIDATION,
                       PFX "KeyConditionExpressions cannot have conditions on nested attributes");
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
    term_t terms[2];
    size_t n = 0;
    if (kc->kind == DDB_N_AND) {
        const ddb_node_t *l = kc->args[0], *r = kc->args[1];
        if (l->kind == DDB_N_AND || r->kind == DDB_N_AND)
            return ddb_err_set(err, NB_ERR_VALIDATION, PFX "The expression has too many conditions on key attributes");
        if (term_of(l, &terms[0], err) < 0 || term_of(r, &terms[1], err) < 0)
            return -1;
        n = 2;
        if (strcmp(terms[0].name, terms[1].name) == 0)
            return ddb_err_set(err, NB_ERR_VALIDATION, PFX "KeyConditionExpressions must only contain one condition per key");
    } else {
        if (term_of(kc, &terms[0], err) < 0)
            return -1;
        n = 1;
    }
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
