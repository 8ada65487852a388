/* ddb_partiql_overlap.c — DynamoDB's refusal of a keyed PartiQL SELECT whose
 * OR branches overlap: "Overlapping conditions with range keys are not
 * supported in where clause" (nubo-db/dynamodb-conformance's grammar captures
 * of AWS: "pk = 'a' AND x = '1' OR pk = 'a' AND sk = '2'").
 *
 * The WHERE condition is spread into its OR branches (AND over OR, NOT pushed
 * down, IN as one branch a value). When every branch pins the partition key,
 * each branch reads one sort-key range of one partition; two branches of one
 * partition whose ranges meet are refused (a repeated IN value is two such).
 * A branch holding a sort-key condition this does not model (negated, <>,
 * begins_with, not against a value) leaves the statement unchecked: AWS runs
 * those (the same suite, "OR branches with a negated sort-key condition"). */
#include "dynamodb/ddb_partiql_exec.h"
#include "dynamodb/ddb_av.h"
#include "core/alloc.h"
#include <stdlib.h>
#include <string.h>

#define MAX_BRANCHES 256   /* beyond: no check (never a wrong refusal) */
#define MAX_LITS 256

typedef struct lit {
    const ddb_node_t *n;
    int neg;
    size_t in_at;        /* IN: the value (args index) this branch takes */
} lit_t;

typedef struct conj {
    lit_t *l;            /* heap */
    size_t n;
} conj_t;

typedef struct dnf {
    conj_t *c;           /* heap */
    size_t n, cap;
    int overflow;        /* too many branches or literals: no check */
} dnf_t;

static void dnf_free(dnf_t *d)
{
    for (size_t i = 0; i < d->n; i++) free(d->c[i].l);
    free(d->c);
    memset(d, 0, sizeof *d);
}

/* Append the branch made of a's and b's literals (b may be NULL). */
static void push_conj(dnf_t *d, const conj_t *a, const conj_t *b)
{
    size_t n = a->n + (b ? b->n : 0);
    if (d->n >= MAX_BRANCHES || n > MAX_LITS) { d->overflow = 1; return; }
    if (d->n == d->cap) {
        d->cap = d->cap ? 2 * d->cap : 4;
        d->c = nb_xrealloc(d->c, d->cap * sizeof *d->c);
    }
    conj_t *c = &d->c[d->n++];
    c->n = n;
    c->l = nb_xmalloc(n * sizeof *c->l);
    memcpy(c->l, a->l, a->n * sizeof *c->l);
    if (b) memcpy(c->l + a->n, b->l, b->n * sizeof *c->l);
}

/* d = the branches of n (negated when neg). */
static void spread(const ddb_node_t *n, int neg, dnf_t *d)
{
    if (d->overflow) return;
    if (n->kind == DDB_N_NOT) { spread(n->args[0], !neg, d); return; }
    int is_or = (n->kind == DDB_N_OR && !neg) || (n->kind == DDB_N_AND && neg);
    int is_and = (n->kind == DDB_N_AND && !neg) || (n->kind == DDB_N_OR && neg);
    if (is_or) {
        spread(n->args[0], neg, d);
        spread(n->args[1], neg, d);
        return;
    }
    if (is_and) {
        dnf_t a = {0}, b = {0};
        spread(n->args[0], neg, &a);
        spread(n->args[1], neg, &b);
        d->overflow |= a.overflow | b.overflow;
        for (size_t i = 0; i < a.n && !d->overflow; i++)
            for (size_t j = 0; j < b.n && !d->overflow; j++) push_conj(d, &a.c[i], &b.c[j]);
        dnf_free(&a);
        dnf_free(&b);
        return;
    }
    lit_t one = {n, neg, 0};
    conj_t c = {&one, 1};
    if (n->kind == DDB_N_IN && !neg) {
        for (size_t k = 1; k < n->nargs; k++) {
            one.in_at = k;
            push_conj(d, &c, NULL);
        }
        return;
    }
    push_conj(d, &c, NULL);
}

static int is_attr(const ddb_node_t *n, const char *name)
{
    return n->kind == DDB_N_PATH && n->path.n == 1 && n->path.elems[0].name &&
           strcmp(n->path.elems[0].name, name) == 0;
}

/* The literal as "name <cmp> value" (value borrowed), the comparison flipped
 * when written value-first; 0 when it is not of that form. IN gives EQ. */
static int as_cmp(const lit_t *l, const char *name, ddb_cmp_t *cmp, const json_t **v)
{
    const ddb_node_t *n = l->n;
    if (n->kind == DDB_N_IN) {
        if (!is_attr(n->args[0], name) || n->args[l->in_at]->kind != DDB_N_VALUE) return 0;
        *cmp = DDB_CMP_EQ;
        *v = n->args[l->in_at]->value;
        return 1;
    }
    if (n->kind != DDB_N_CMP) return 0;
    static const ddb_cmp_t flip[] = {DDB_CMP_EQ, DDB_CMP_NE, DDB_CMP_GT, DDB_CMP_GE, DDB_CMP_LT, DDB_CMP_LE};
    if (is_attr(n->args[0], name) && n->args[1]->kind == DDB_N_VALUE) {
        *cmp = n->cmp;
        *v = n->args[1]->value;
        return 1;
    }
    if (is_attr(n->args[1], name) && n->args[0]->kind == DDB_N_VALUE) {
        *cmp = flip[n->cmp];
        *v = n->args[0]->value;
        return 1;
    }
    return 0;
}

/* Does the literal name attribute `name` at all (as a path anywhere in it)? */
static int mentions(const ddb_node_t *n, const char *name)
{
    if (is_attr(n, name)) return 1;
    for (size_t i = 0; i < n->nargs; i++) if (mentions(n->args[i], name)) return 1;
    return 0;
}

typedef struct bound { const json_t *v; int incl; } bound_t;   /* v NULL: unbounded */
typedef struct branch { const json_t *part; bound_t lo, hi; int empty; } branch_t;

/* Narrow the branch's range by "sk cmp v"; -1 when the values do not compare. */
static int narrow(branch_t *b, ddb_cmp_t cmp, const json_t *v)
{
    int c;
    if (cmp == DDB_CMP_EQ || cmp == DDB_CMP_GT || cmp == DDB_CMP_GE) {
        int incl = cmp != DDB_CMP_GT;
        if (!b->lo.v) b->lo = (bound_t){v, incl};
        else {
            if (ddb_av_cmp(v, b->lo.v, &c) != 0) return -1;
            if (c > 0 || (c == 0 && !incl)) b->lo = (bound_t){v, incl};
        }
    }
    if (cmp == DDB_CMP_EQ || cmp == DDB_CMP_LT || cmp == DDB_CMP_LE) {
        int incl = cmp != DDB_CMP_LT;
        if (!b->hi.v) b->hi = (bound_t){v, incl};
        else {
            if (ddb_av_cmp(v, b->hi.v, &c) != 0) return -1;
            if (c < 0 || (c == 0 && !incl)) b->hi = (bound_t){v, incl};
        }
    }
    if (b->lo.v && b->hi.v) {
        if (ddb_av_cmp(b->lo.v, b->hi.v, &c) != 0) return -1;
        if (c > 0 || (c == 0 && !(b->lo.incl && b->hi.incl))) b->empty = 1;
    }
    return 0;
}

/* lo below (or at, both inclusive) hi: the two ranges can share a key. */
static int below(bound_t lo, bound_t hi)
{
    int c;
    if (!lo.v || !hi.v || ddb_av_cmp(lo.v, hi.v, &c) != 0) return 1;
    return c < 0 || (c == 0 && lo.incl && hi.incl);
}

/* One branch's partition and range; 0 ok, 1 not keyed or not modelled (no check). */
static int read_branch(const conj_t *c, const ddb_keyschema_t *ks, branch_t *b)
{
    memset(b, 0, sizeof *b);
    for (size_t i = 0; i < c->n; i++) {
        const lit_t *l = &c->l[i];
        ddb_cmp_t cmp;
        const json_t *v;
        int plain = !l->neg && as_cmp(l, ks->hash, &cmp, &v) && cmp == DDB_CMP_EQ;
        if (plain && !b->part) { b->part = v; continue; }
        if (!ks->range || !mentions(l->n, ks->range)) continue;
        if (l->neg) return 1;
        if (l->n->kind == DDB_N_BETWEEN && is_attr(l->n->args[0], ks->range) &&
            l->n->args[1]->kind == DDB_N_VALUE && l->n->args[2]->kind == DDB_N_VALUE) {
            if (narrow(b, DDB_CMP_GE, l->n->args[1]->value) != 0 ||
                narrow(b, DDB_CMP_LE, l->n->args[2]->value) != 0) return 1;
            continue;
        }
        if (!as_cmp(l, ks->range, &cmp, &v) || cmp == DDB_CMP_NE || narrow(b, cmp, v) != 0) return 1;
    }
    return b->part ? 0 : 1;
}

int ddb_pq_check_overlap(const ddb_keyschema_t *ks, const ddb_node_t *cond, ddb_err_t *err)
{
    if (!cond) return 0;
    dnf_t d = {0};
    spread(cond, 0, &d);
    branch_t *bs = nb_xcalloc(d.n ? d.n : 1, sizeof *bs);
    int rc = 0, checked = !d.overflow;
    for (size_t i = 0; i < d.n && checked; i++) checked = read_branch(&d.c[i], ks, &bs[i]) == 0;
    for (size_t i = 0; i < d.n && checked && !rc; i++) {
        for (size_t j = 0; j < i && !rc; j++) {
            if (bs[i].empty || bs[j].empty || !ddb_av_equal(bs[i].part, bs[j].part)) continue;
            if (below(bs[i].lo, bs[j].hi) && below(bs[j].lo, bs[i].hi))
                rc = ddb_err_set(err, NB_ERR_VALIDATION,
                                 "Overlapping conditions with range keys are not supported in where clause");
        }
    }
    free(bs);
    dnf_free(&d);
    return rc;
}
