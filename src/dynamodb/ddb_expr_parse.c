/* ddb_expr_parse.c — recursive-descent parser for DynamoDB expressions.
 *
 * One parser serves the four grammars (condition/filter/key condition,
 * update, projection). It backtracks at one place only — a '(' in a
 * condition may open a nested condition or a parenthesized operand — and
 * keeps, per alternative, the list of semantic errors and placeholder uses
 * so a discarded alternative leaves nothing behind.
 *
 * Error reporting follows DynamoDB: a syntax error wins; otherwise the
 * semantic errors are ranked by category (the order differs between
 * condition and update expressions) and the first error of the best-ranked
 * category is reported, prefixed "Invalid <ExpressionKind>: ". */
#include <stdlib.h>
#include <string.h>
#include "dynamodb/ddb_expr_int.h"
#include "core/alloc.h"

enum cat {
    CAT_PARENS, CAT_UNKNOWN_FN, CAT_MISUSED_FN, CAT_RESERVED, CAT_SECTION,
    CAT_NAMEVAL, CAT_NAME, CAT_VALUE, CAT_OVERLAP, CAT_CONFLICT, CAT_OPERAND,
    CAT_DISTINCT, CAT_FUNCTION, CAT_DEPTH, CAT__N
};

typedef struct sem_err { enum cat cat; char *msg; } sem_err_t;
typedef struct use { const char *ph; int is_value; } use_t;

typedef struct parser {
    ddb_expr_ctx_t *c;
    ddb_expr_kind_t kind;
    const char *src;
    ddb__tok_t *t;
    size_t *close;           /* close[i]: the ')' matching a '(' at token i, or nt when none */
    size_t nt, pos;
    size_t syn_pos;          /* furthest position a syntax error was seen */
    int syn;
    int wrapped;             /* last production was exactly "( X )" */
    int depth;
    sem_err_t *errs; size_t nerrs, caperrs;
    use_t *uses; size_t nuses, capuses;
} parser_t;

/* Nesting the parser follows: any expression within MAX_EXPR_BYTES (at most 2047 levels of
 * parentheses or calls), so a deep but short one gets DynamoDB's own answer (redundant
 * parentheses, too many operators, an unknown function: Alternator test_limits.py
 * test_deeply_nested_expression_*, which quote the service) rather than a syntax error.
 * Recursion costs ~290 bytes of stack a level (-O2; ~640 under ASan): ~0.6 MB at the limit,
 * so the parser needs a thread with a few MB of stack (it runs on the event loop's). */
#define MAX_DEPTH 2100
#define MAX_IN_OPERANDS 100
#define MAX_EXPR_BYTES 4096
#define MAX_OPERATORS 300
#define MAX_PATH_LEVELS 32

/* ---- small helpers ----------------------------------------------------- */

static const ddb__tok_t *cur(parser_t *p) { return &p->t[p->pos]; }
static const ddb__tok_t *peek(parser_t *p, size_t k)
{
    size_t i = p->pos + k;
    return &p->t[i < p->nt ? i : p->nt - 1];
}

/* The token after the ')' matching the '(' at the current position (EOF's when unmatched). */
static const ddb__tok_t *after_close(parser_t *p)
{
    size_t c = p->close[p->pos];
    return &p->t[c + 1 < p->nt ? c + 1 : p->nt - 1];
}

static void *syntax(parser_t *p)
{
    if (!p->syn || p->pos > p->syn_pos)
        p->syn_pos = p->pos;
    p->syn = 1;
    return NULL;
}

static int accept(parser_t *p, ddb__tok_kind_t k)
{
    if (cur(p)->kind != k)
        return 0;
    p->pos++;
    return 1;
}

static int accept_kw(parser_t *p, const char *kw)
{
    if (!ddb__tok_is_kw(p->src, cur(p), kw))
        return 0;
    p->pos++;
    return 1;
}

static char *tok_str(parser_t *p, const ddb__tok_t *t)
{
    return nb_arena_strndup(p->c->arena, p->src + t->start, t->len);
}

static void sem(parser_t *p, enum cat cat, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void sem(parser_t *p, enum cat cat, const char *fmt, ...)
{
    if (p->nerrs == p->caperrs) {
        p->caperrs = p->caperrs ? 2 * p->caperrs : 8;
        p->errs = nb_xrealloc(p->errs, p->caperrs * sizeof *p->errs);
    }
    va_list ap;
    va_start(ap, fmt);
    p->errs[p->nerrs].cat = cat;
    p->errs[p->nerrs].msg = nb_arena_vprintf(p->c->arena, fmt, ap);
    va_end(ap);
    p->nerrs++;
}

static void add_use(parser_t *p, const char *ph, int is_value)
{
    if (p->nuses == p->capuses) {
        p->capuses = p->capuses ? 2 * p->capuses : 8;
        p->uses = nb_xrealloc(p->uses, p->capuses * sizeof *p->uses);
    }
    p->uses[p->nuses].ph = ph;
    p->uses[p->nuses].is_value = is_value;
    p->nuses++;
}

typedef struct snap { size_t pos, nerrs, nuses, syn_pos; int syn; } snap_t;
static snap_t save(parser_t *p) { return (snap_t){p->pos, p->nerrs, p->nuses, p->syn_pos, p->syn}; }
static void restore(parser_t *p, snap_t s)
{
    p->pos = s.pos;
    p->nerrs = s.nerrs;
    p->nuses = s.nuses;
    p->syn_pos = s.syn_pos;
    p->syn = s.syn;
}

static ddb_node_t *node(parser_t *p, ddb_node_kind_t k, size_t nargs)
{
    ddb_node_t *n = nb_arena_calloc(p->c->arena, sizeof *n);
    n->kind = k;
    n->nargs = nargs;
    if (nargs)
        n->args = nb_arena_calloc(p->c->arena, nargs * sizeof *n->args);
    return n;
}

void ddb__path_str(const ddb_path_t *path, nb_buf_t *out)
{
    nb_buf_putc(out, '[');
    for (size_t i = 0; i < path->n; i++) {
        if (i)
            nb_buf_puts(out, ", ");
        if (path->elems[i].name)
            nb_buf_puts(out, path->elems[i].name);
        else
            nb_buf_printf(out, "[%zu]", path->elems[i].index);
    }
    nb_buf_putc(out, ']');
}

void ddb_path_describe(const ddb_path_t *p, nb_buf_t *out)
{
    ddb__path_str(p, out);
}

static char *path_str(parser_t *p, const ddb_path_t *path)
{
    nb_buf_t b = NB_BUF_INIT;
    ddb__path_str(path, &b);
    char *s = nb_arena_strndup(p->c->arena, b.data, b.len);
    nb_buf_free(&b);
    return s;
}

int ddb__path_relation(const ddb_path_t *a, const ddb_path_t *b)
{
    size_t n = a->n < b->n ? a->n : b->n;
    for (size_t i = 0; i < n; i++) {
        const ddb_path_elem_t *x = &a->elems[i], *y = &b->elems[i];
        if ((x->name == NULL) != (y->name == NULL))
            return 2;
        if (x->name ? strcmp(x->name, y->name) != 0 : x->index != y->index)
            return 0;
    }
    return 1;
}

static int path_equal(const ddb_path_t *a, const ddb_path_t *b)
{
    return a->n == b->n && ddb__path_relation(a, b) == 1;
}

/* ---- paths and operands ------------------------------------------------ */

/* One path element name: identifier (reserved check) or #placeholder. */
static const char *path_name(parser_t *p)
{
    const ddb__tok_t *t = cur(p);
    if (t->kind == DDB__T_IDENT) {
        p->pos++;
        char *s = tok_str(p, t);
        if (ddb_is_reserved_word(s, t->len))
            sem(p, CAT_RESERVED, "Attribute name is a reserved keyword; reserved keyword: %s", s);
        return s;
    }
    if (t->kind == DDB__T_NAME) {
        p->pos++;
        char *ph = tok_str(p, t);
        json_t *v = p->c->names ? json_object_get(p->c->names, ph) : NULL;
        add_use(p, ph, 0);
        if (!json_is_string(v)) {
            const char *m = "An expression attribute name used in the document path is not defined; attribute name: %s";
            sem(p, CAT_NAME, m, ph);
            sem(p, CAT_NAMEVAL, m, ph);
            return ph;
        }
        return nb_arena_strndup(p->c->arena, json_string_value(v), json_string_length(v));
    }
    return syntax(p);
}

static int parse_path(parser_t *p, ddb_path_t *out)
{
    size_t cap = 4, n = 0;
    ddb_path_elem_t *e = nb_xmalloc(cap * sizeof *e);
    const char *first = path_name(p);
    if (!first)
        goto fail;
    e[n++] = (ddb_path_elem_t){first, 0};
    for (;;) {
        if (n == cap) {
            cap *= 2;
            e = nb_xrealloc(e, cap * sizeof *e);
        }
        if (accept(p, DDB__T_DOT)) {
            const char *nm = path_name(p);
            if (!nm)
                goto fail;
            e[n++] = (ddb_path_elem_t){nm, 0};
        } else if (accept(p, DDB__T_LBRACK)) {
            const ddb__tok_t *t = cur(p);
            if (t->kind != DDB__T_NUMBER) {
                syntax(p);
                goto fail;
            }
            size_t idx = 0;
            for (size_t i = 0; i < t->len; i++) {
                idx = idx * 10 + (size_t)(p->src[t->start + i] - '0');
                if (idx > 100000000)
                    idx = 100000000;
            }
            p->pos++;
            if (!accept(p, DDB__T_RBRACK)) {
                syntax(p);
                goto fail;
            }
            e[n++] = (ddb_path_elem_t){NULL, idx};
        } else {
            break;
        }
    }
    if (n > MAX_PATH_LEVELS)
        sem(p, CAT_DEPTH, "The document path has too many nesting levels; nesting levels: %zu", n);
    out->n = n;
    out->elems = nb_arena_alloc(p->c->arena, n * sizeof *e);
    memcpy(out->elems, e, n * sizeof *e);
    free(e);
    return 0;
fail:
    free(e);
    return -1;
}

static ddb_node_t *value_node(parser_t *p)
{
    const ddb__tok_t *t = cur(p);
    p->pos++;
    char *ph = tok_str(p, t);
    ddb_node_t *n = node(p, DDB_N_VALUE, 0);
    n->value_name = ph;
    add_use(p, ph, 1);
    n->value = p->c->values ? json_object_get(p->c->values, ph) : NULL;
    if (!n->value) {
        const char *m = "An expression attribute value used in expression is not defined; attribute value: %s";
        sem(p, CAT_VALUE, m, ph);
        sem(p, CAT_NAMEVAL, m, ph);
    }
    return n;
}

static ddb_node_t *operand(parser_t *p);

/* name '(' args ')' — a generic function call; meaning checked later. */
static ddb_node_t *call(parser_t *p)
{
    const ddb__tok_t *nt = cur(p);
    char *name = tok_str(p, nt);
    p->pos += 2;   /* name and '(' */
    ddb_node_t *argv[8];
    size_t n = 0, total = 0;
    ddb_node_t **extra = NULL;
    for (;;) {
        ddb_node_t *a = operand(p);
        if (!a) {
            free(extra);
            return NULL;
        }
        if (total < 8) {
            argv[total] = a;
        } else {
            extra = nb_xrealloc(extra, (total + 1) * sizeof *extra);
            if (total == 8)
                memcpy(extra, argv, sizeof argv);
            extra[total] = a;
        }
        total++;
        if (!accept(p, DDB__T_COMMA))
            break;
    }
    if (!accept(p, DDB__T_RPAREN)) {
        free(extra);
        return syntax(p);
    }
    n = total;
    ddb_node_t *f = node(p, DDB_N_PATH, n);   /* kind fixed by the caller's check */
    memcpy(f->args, extra ? extra : argv, n * sizeof *f->args);
    free(extra);
    f->value_name = name;     /* function name while unresolved */
    f->kind = (ddb_node_kind_t)-1;
    return f;
}

static ddb_node_t *operand_inner(parser_t *p)
{
    const ddb__tok_t *t = cur(p);
    p->wrapped = 0;
    if (t->kind == DDB__T_LPAREN) {
        p->pos++;
        ddb_node_t *in = operand(p);
        if (!in)
            return NULL;
        int inner_wrapped = p->wrapped;
        if (!accept(p, DDB__T_RPAREN))
            return syntax(p);
        if (inner_wrapped)
            sem(p, CAT_PARENS, "The expression has redundant parentheses;");
        p->wrapped = 1;
        return in;
    }
    if (t->kind == DDB__T_VALUE)
        return value_node(p);
    if (t->kind == DDB__T_IDENT && peek(p, 1)->kind == DDB__T_LPAREN)
        return call(p);
    if (t->kind == DDB__T_IDENT || t->kind == DDB__T_NAME) {
        ddb_node_t *n = node(p, DDB_N_PATH, 0);
        if (parse_path(p, &n->path) < 0)
            return NULL;
        return n;
    }
    return syntax(p);
}

static ddb_node_t *operand(parser_t *p)
{
    if (++p->depth > MAX_DEPTH) {
        p->depth--;
        return syntax(p);
    }
    ddb_node_t *n = operand_inner(p);
    p->depth--;
    return n;
}

/* ---- function semantics -------------------------------------------------- */

static int is_call(const ddb_node_t *n) { return n && (int)n->kind == -1; }

static const char *av_type_of(const ddb_node_t *n)
{
    if (n->kind == DDB_N_VALUE && n->value)
        return ddb_type_name(ddb_av_type(n->value));
    return NULL;
}

static void check_distinct(parser_t *p, const char *op, ddb_node_t *a, ddb_node_t *b)
{
    if (a->kind == DDB_N_PATH && b->kind == DDB_N_PATH && path_equal(&a->path, &b->path))
        sem(p, CAT_DISTINCT, "The first operand must be distinct from the remaining operands for this "
            "operator or function; operator: %s, first operand: %s", op, path_str(p, &a->path));
}

/* Resolve a condition-side call into its node kind (in place). */
static void resolve_cond_call(parser_t *p, ddb_node_t *f)
{
    static const struct { const char *name; ddb_node_kind_t kind; size_t nargs; } fns[] = {
        {"attribute_exists", DDB_N_ATTR_EXISTS, 1}, {"attribute_not_exists", DDB_N_ATTR_NOT_EXISTS, 1},
        {"attribute_type", DDB_N_ATTR_TYPE, 2}, {"begins_with", DDB_N_BEGINS_WITH, 2},
        {"contains", DDB_N_CONTAINS, 2}, {"size", DDB_N_SIZE, 1},
    };
    const char *name = f->value_name;
    size_t i;
    for (i = 0; i < sizeof fns / sizeof *fns; i++)
        if (strcmp(fns[i].name, name) == 0)
            break;
    for (size_t k = 0; k < f->nargs; k++) {
        if (is_call(f->args[k]))
            resolve_cond_call(p, f->args[k]);
        if (f->args[k]->kind != DDB_N_SIZE && f->args[k]->kind >= DDB_N_CMP)
            sem(p, CAT_MISUSED_FN, "The function is not allowed to be used this way in an expression; function: %s",
                f->args[k]->value_name ? f->args[k]->value_name : "");
    }
    if (i == sizeof fns / sizeof *fns) {
        if (strcmp(name, "if_not_exists") == 0 || strcmp(name, "list_append") == 0)
            sem(p, CAT_UNKNOWN_FN, "The function is not allowed in a condition expression; function: %s", name);
        else
            sem(p, CAT_UNKNOWN_FN, "Invalid function name; function: %s", name);
        f->kind = DDB_N_ATTR_EXISTS;
        return;
    }
    f->kind = fns[i].kind;
    if (f->nargs != fns[i].nargs) {
        sem(p, CAT_OPERAND, "Incorrect number of operands for operator or function; operator or function: %s, "
            "number of operands: %zu", name, f->nargs);
        return;
    }
    if (f->nargs == 2)
        check_distinct(p, name, f->args[0], f->args[1]);
    switch (f->kind) {
    case DDB_N_ATTR_EXISTS: case DDB_N_ATTR_NOT_EXISTS: case DDB_N_SIZE: case DDB_N_ATTR_TYPE:
        if (f->kind == DDB_N_SIZE) {
            const char *t = av_type_of(f->args[0]);
            if (t && (strcmp(t, "N") == 0 || strcmp(t, "BOOL") == 0 || strcmp(t, "NULL") == 0)) {
                sem(p, CAT_FUNCTION, "Incorrect operand type for operator or function; operator or function: "
                    "size, operand type: %s", t);
                return;
            }
        }
        /* attribute_type also takes a value first: attribute_type(:v, :t) tests :v's own
         * type (Alternator's test_update_condition_attribute_type, run on DynamoDB) */
        if (f->args[0]->kind != DDB_N_PATH && !(f->kind == DDB_N_ATTR_TYPE && f->args[0]->kind == DDB_N_VALUE)) {
            sem(p, CAT_FUNCTION, "Operator or function requires a document path; operator or function: %s", name);
            return;
        }
        if (f->kind == DDB_N_ATTR_TYPE) {
            const char *t = av_type_of(f->args[1]);
            if (f->args[1]->kind != DDB_N_VALUE || !t || strcmp(t, "S") != 0) {
                sem(p, CAT_FUNCTION, "Incorrect operand type for operator or function; operator or function: "
                    "attribute_type, operand type: %s", t ? t : "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}");
            } else if (ddb_type_from_name(ddb_av_str(f->args[1]->value)) == DDB_T_INVALID) {
                sem(p, CAT_FUNCTION, "Invalid attribute type name found; type: %s, valid types: "
                    "{B,NULL,SS,BOOL,L,BS,N,NS,S,M}", ddb_av_str(f->args[1]->value));
            }
        }
        break;
    case DDB_N_BEGINS_WITH:
        for (size_t k = 0; k < 2; k++) {
            const char *t = av_type_of(f->args[k]);
            if (!t && f->args[k]->kind == DDB_N_SIZE)
                t = "N";
            if (t && strcmp(t, "S") != 0 && strcmp(t, "B") != 0) {
                sem(p, CAT_FUNCTION, "Incorrect operand type for operator or function; operator or function: "
                    "begins_with, operand type: %s", t);
                return;
            }
        }
        break;
    default:
        break;
    }
}

static void check_operand_in_cond(parser_t *p, ddb_node_t *n)
{
    if (is_call(n))
        resolve_cond_call(p, n);
    if (n->kind >= DDB_N_CMP)
        sem(p, CAT_MISUSED_FN, "The function is not allowed to be used this way in an expression; function: %s",
            n->value_name ? n->value_name : "");
}

/* ---- conditions ---------------------------------------------------------- */

static ddb_node_t *cond_or(parser_t *p);

static int is_comparator(const ddb__tok_t *t, ddb_cmp_t *out)
{
    switch (t->kind) {
    case DDB__T_EQ: *out = DDB_CMP_EQ; return 1;
    case DDB__T_NE: *out = DDB_CMP_NE; return 1;
    case DDB__T_LT: *out = DDB_CMP_LT; return 1;
    case DDB__T_LE: *out = DDB_CMP_LE; return 1;
    case DDB__T_GT: *out = DDB_CMP_GT; return 1;
    case DDB__T_GE: *out = DDB_CMP_GE; return 1;
    default: return 0;
    }
}

static const char *cmp_name(ddb_cmp_t c)
{
    static const char *const names[] = {"=", "<>", "<", "<=", ">", ">="};
    return names[c];
}

/* Ordering operators take S, N or B; a literal of another type is refused up
 * front (a path of another type just compares false at evaluation). */
static int check_orderable(parser_t *p, const char *op, ddb_node_t *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *t = av_type_of(v[i]);
        if (t && strcmp(t, "S") != 0 && strcmp(t, "N") != 0 && strcmp(t, "B") != 0) {
            sem(p, CAT_FUNCTION, "Incorrect operand type for operator or function; operator or function: %s, "
                "operand type: %s", op, t);
            return -1;
        }
    }
    return 0;
}

static void check_between(parser_t *p, ddb_node_t *lo, ddb_node_t *hi)
{
    if (lo->kind != DDB_N_VALUE || hi->kind != DDB_N_VALUE || !lo->value || !hi->value)
        return;
    nb_buf_t a = NB_BUF_INIT, b = NB_BUF_INIT;
    ddb_av_describe(lo->value, &a);
    ddb_av_describe(hi->value, &b);
    int c;
    if (ddb_av_type(lo->value) != ddb_av_type(hi->value))
        sem(p, CAT_FUNCTION, "The BETWEEN operator requires same data type for lower and upper bounds; "
            "lower bound operand: AttributeValue: %s, upper bound operand: AttributeValue: %s", a.data, b.data);
    else if (ddb_av_cmp(lo->value, hi->value, &c) == 0 && c > 0)
        sem(p, CAT_FUNCTION, "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; "
            "lower bound operand: AttributeValue: %s, upper bound operand: AttributeValue: %s", a.data, b.data);
    nb_buf_free(&a);
    nb_buf_free(&b);
}

static ddb_node_t *comparison(parser_t *p)
{
    ddb_node_t *x = operand(p);
    if (!x)
        return NULL;
    ddb_cmp_t cmp;
    if (is_comparator(cur(p), &cmp)) {
        p->pos++;
        ddb_node_t *y = operand(p);
        if (!y)
            return NULL;
        check_operand_in_cond(p, x);
        check_operand_in_cond(p, y);
        check_distinct(p, cmp_name(cmp), x, y);
        if (cmp != DDB_CMP_EQ && cmp != DDB_CMP_NE) {
            ddb_node_t *xy[2] = {x, y};
            check_orderable(p, cmp_name(cmp), xy, 2);
        }
        ddb_node_t *n = node(p, DDB_N_CMP, 2);
        n->cmp = cmp;
        n->args[0] = x;
        n->args[1] = y;
        return n;
    }
    if (accept_kw(p, "BETWEEN")) {
        ddb_node_t *lo = operand(p);
        if (!lo)
            return NULL;
        if (!accept_kw(p, "AND"))
            return syntax(p);
        ddb_node_t *hi = operand(p);
        if (!hi)
            return NULL;
        check_operand_in_cond(p, x);
        check_operand_in_cond(p, lo);
        check_operand_in_cond(p, hi);
        ddb_node_t *xlh[3] = {x, lo, hi};
        if (check_orderable(p, "BETWEEN", xlh, 3) == 0)
            check_between(p, lo, hi);
        ddb_node_t *n = node(p, DDB_N_BETWEEN, 3);
        n->args[0] = x;
        n->args[1] = lo;
        n->args[2] = hi;
        return n;
    }
    if (accept_kw(p, "IN")) {
        if (!accept(p, DDB__T_LPAREN))
            return syntax(p);
        size_t cap = 8, n = 1;
        ddb_node_t **v = nb_xmalloc(cap * sizeof *v);
        v[0] = x;
        for (;;) {
            ddb_node_t *o = operand(p);
            if (!o) {
                free(v);
                return NULL;
            }
            if (n == cap) {
                cap *= 2;
                v = nb_xrealloc(v, cap * sizeof *v);
            }
            v[n++] = o;
            if (!accept(p, DDB__T_COMMA))
                break;
        }
        if (!accept(p, DDB__T_RPAREN)) {
            free(v);
            return syntax(p);
        }
        for (size_t i = 0; i < n; i++)
            check_operand_in_cond(p, v[i]);
        if (n - 1 > MAX_IN_OPERANDS)
            sem(p, CAT_OPERAND, "The IN operator is provided with too many operands; number of operands: %zu",
                n - 1);
        ddb_node_t *in = node(p, DDB_N_IN, n);
        memcpy(in->args, v, n * sizeof *v);
        free(v);
        return in;
    }
    /* A bare function call is a condition (size is not). */
    if (is_call(x)) {
        resolve_cond_call(p, x);
        if (x->kind == DDB_N_SIZE)
            sem(p, CAT_MISUSED_FN, "The function is not allowed to be used this way in an expression; function: size");
        return x;
    }
    return syntax(p);
}

static ddb_node_t *cond_primary(parser_t *p)
{
    ddb_cmp_t cmp;
    const ddb__tok_t *next = cur(p)->kind == DDB__T_LPAREN ? after_close(p) : NULL;
    /* "( … ) <comparator | BETWEEN | IN>" is an operand: the attempt below would be undone */
    if (next && !is_comparator(next, &cmp) && !ddb__tok_is_kw(p->src, next, "BETWEEN") &&
        !ddb__tok_is_kw(p->src, next, "IN")) {
        snap_t s = save(p);
        p->pos++;
        ddb_node_t *in = cond_or(p);
        int inner_wrapped = p->wrapped;
        ddb_cmp_t dummy;
        if (in && accept(p, DDB__T_RPAREN) && !is_comparator(cur(p), &dummy)
            && !ddb__tok_is_kw(p->src, cur(p), "BETWEEN") && !ddb__tok_is_kw(p->src, cur(p), "IN")) {
            if (inner_wrapped)
                sem(p, CAT_PARENS, "The expression has redundant parentheses;");
            p->wrapped = 1;
            return in;
        }
        restore(p, s);
    }
    ddb_node_t *n = comparison(p);
    p->wrapped = 0;
    return n;
}

static ddb_node_t *cond_not(parser_t *p)
{
    if (++p->depth > MAX_DEPTH) {
        p->depth--;
        return syntax(p);
    }
    ddb_node_t *r;
    if (accept_kw(p, "NOT")) {
        ddb_node_t *x = cond_not(p);
        if (!x) {
            p->depth--;
            return NULL;
        }
        r = node(p, DDB_N_NOT, 1);
        r->args[0] = x;
        p->wrapped = 0;
    } else {
        r = cond_primary(p);
    }
    p->depth--;
    return r;
}

static ddb_node_t *cond_and(parser_t *p)
{
    ddb_node_t *x = cond_not(p);
    while (x && accept_kw(p, "AND")) {
        ddb_node_t *y = cond_not(p);
        if (!y)
            return NULL;
        ddb_node_t *n = node(p, DDB_N_AND, 2);
        n->args[0] = x;
        n->args[1] = y;
        x = n;
        p->wrapped = 0;
    }
    return x;
}

static ddb_node_t *cond_or(parser_t *p)
{
    ddb_node_t *x = cond_and(p);
    while (x && accept_kw(p, "OR")) {
        ddb_node_t *y = cond_and(p);
        if (!y)
            return NULL;
        ddb_node_t *n = node(p, DDB_N_OR, 2);
        n->args[0] = x;
        n->args[1] = y;
        x = n;
        p->wrapped = 0;
    }
    return x;
}

/* ---- update -------------------------------------------------------------- */

static void resolve_update_call(parser_t *p, ddb_node_t *f)
{
    for (size_t k = 0; k < f->nargs; k++)
        if (is_call(f->args[k]))
            resolve_update_call(p, f->args[k]);
    const char *name = f->value_name;
    if (strcmp(name, "if_not_exists") == 0) {
        f->kind = DDB_N_IF_NOT_EXISTS;
    } else if (strcmp(name, "list_append") == 0) {
        f->kind = DDB_N_LIST_APPEND;
    } else {
        static const char *const cond_fns[] = {"attribute_exists", "attribute_not_exists", "attribute_type",
                                               "begins_with", "contains", "size"};
        const char *m = "Invalid function name; function: %s";
        for (size_t k = 0; k < sizeof cond_fns / sizeof *cond_fns; k++)
            if (strcmp(name, cond_fns[k]) == 0)
                m = "The function is not allowed in an update expression; function: %s";
        sem(p, CAT_UNKNOWN_FN, m, name);
        f->kind = DDB_N_LIST_APPEND;
        return;
    }
    if (f->nargs != 2) {
        sem(p, CAT_FUNCTION, "Incorrect number of operands for operator or function; operator or function: %s, "
            "number of operands: %zu", name, f->nargs);
        return;
    }
    if (f->kind == DDB_N_IF_NOT_EXISTS && f->args[0]->kind != DDB_N_PATH) {
        sem(p, CAT_FUNCTION, "Operator or function requires a document path; operator or function: %s", name);
        return;
    }
    /* list_append(list_append(...), ...) is refused, list_append(if_not_exists(...), ...) is not
     * (Alternator's test_update_expression_function_nesting, which DynamoDB passes) */
    if (f->kind == DDB_N_LIST_APPEND)
        for (size_t k = 0; k < 2; k++)
            if (f->args[k]->kind == DDB_N_LIST_APPEND && f->args[k]->value_name &&
                strcmp(f->args[k]->value_name, "list_append") == 0) {
                sem(p, CAT_MISUSED_FN, "The function is not allowed to be used this way in an expression; "
                    "function: list_append");
                return;
            }
    if (f->kind == DDB_N_LIST_APPEND)
        for (size_t k = 0; k < 2; k++) {
            const char *t = av_type_of(f->args[k]);
            if (t && strcmp(t, "L") != 0) {
                sem(p, CAT_FUNCTION, "Incorrect operand type for operator or function; operator or function: "
                    "list_append, operand type: %s", t);
                return;
            }
        }
}

static ddb_node_t *update_operand(parser_t *p)
{
    ddb_node_t *n = operand(p);
    if (n && is_call(n))
        resolve_update_call(p, n);
    return n;
}

static ddb_node_t *set_value(parser_t *p)
{
    /* '(' a + b ')' is accepted as a whole value */
    if (cur(p)->kind == DDB__T_LPAREN && after_close(p)->kind != DDB__T_PLUS && after_close(p)->kind != DDB__T_MINUS) {
        if (p->depth >= MAX_DEPTH)
            return syntax(p);
        snap_t s = save(p);
        p->pos++;
        p->depth++;
        ddb_node_t *in = set_value(p);
        p->depth--;
        if (in && accept(p, DDB__T_RPAREN) && cur(p)->kind != DDB__T_PLUS && cur(p)->kind != DDB__T_MINUS)
            return in;
        restore(p, s);
    }
    ddb_node_t *a = update_operand(p);
    if (!a)
        return NULL;
    int plus = cur(p)->kind == DDB__T_PLUS;
    if (!plus && cur(p)->kind != DDB__T_MINUS)
        return a;
    p->pos++;
    ddb_node_t *b = update_operand(p);
    if (!b)
        return NULL;
    for (int k = 0; k < 2; k++) {
        const char *t = av_type_of(k ? b : a);
        if (t && strcmp(t, "N") != 0) {
            sem(p, CAT_FUNCTION, "Incorrect operand type for operator or function; operator or function: %s, "
                "operand type: %s", plus ? "+" : "-", t);
            break;
        }
    }
    ddb_node_t *n = node(p, plus ? DDB_N_PLUS : DDB_N_MINUS, 2);
    n->args[0] = a;
    n->args[1] = b;
    return n;
}

static const char *long_type(ddb_type_t t)
{
    switch (t) {
    case DDB_T_S: return "STRING";
    case DDB_T_N: return "NUMBER";
    case DDB_T_B: return "BINARY";
    case DDB_T_NULL: return "NULL";
    case DDB_T_BOOL: return "BOOLEAN";
    case DDB_T_L: return "LIST";
    case DDB_T_M: return "MAP";
    default: return NULL;
    }
}

typedef struct actions { ddb_update_action_t *v; size_t n, cap; } actions_t;

static void push_action(actions_t *a, ddb_update_action_t act)
{
    if (a->n == a->cap) {
        a->cap = a->cap ? 2 * a->cap : 8;
        a->v = nb_xrealloc(a->v, a->cap * sizeof *a->v);
    }
    a->v[a->n++] = act;
}

static int update_clause(parser_t *p, ddb_update_kind_t kind, actions_t *acts)
{
    do {
        ddb_update_action_t act = {kind, {NULL, 0}, NULL};
        if (parse_path(p, &act.path) < 0)
            return -1;
        if (kind == DDB_UPD_SET) {
            if (!accept(p, DDB__T_EQ)) {
                syntax(p);
                return -1;
            }
            act.value = set_value(p);
            if (!act.value)
                return -1;
        } else if (kind == DDB_UPD_ADD || kind == DDB_UPD_DELETE) {
            if (cur(p)->kind != DDB__T_VALUE) {
                syntax(p);
                return -1;
            }
            act.value = value_node(p);
            if (act.value->value) {
                ddb_type_t t = ddb_av_type(act.value->value);
                const char *lt = long_type(t);
                if (lt && !(kind == DDB_UPD_ADD && t == DDB_T_N))
                    sem(p, CAT_OPERAND, "Incorrect operand type for operator or function; operator: %s, "
                        "operand type: %s, typeSet: ALLOWED_FOR_%s_OPERAND",
                        kind == DDB_UPD_ADD ? "ADD" : "DELETE", lt, kind == DDB_UPD_ADD ? "ADD" : "DELETE");
            }
        }
        push_action(acts, act);
    } while (accept(p, DDB__T_COMMA));
    return 0;
}

static void check_overlaps(parser_t *p, const ddb_path_t *paths, size_t stride, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++) {
            const ddb_path_t *a = (const ddb_path_t *)((const char *)paths + j * stride);
            const ddb_path_t *b = (const ddb_path_t *)((const char *)paths + i * stride);
            int r = ddb__path_relation(a, b);
            if (r == 1)
                sem(p, CAT_OVERLAP, "Two document paths overlap with each other; must remove or rewrite one of "
                    "these paths; path one: %s, path two: %s", path_str(p, a), path_str(p, b));
            else if (r == 2)
                sem(p, CAT_CONFLICT, "Two document paths conflict with each other; must remove or rewrite one of "
                    "these paths; path one: %s, path two: %s", path_str(p, a), path_str(p, b));
        }
}

/* ---- driver ---------------------------------------------------------------- */

static const enum cat cond_order[] = {CAT_PARENS, CAT_UNKNOWN_FN, CAT_MISUSED_FN, CAT_RESERVED,
                                      CAT_NAMEVAL, CAT_DEPTH, CAT_OPERAND, CAT_DISTINCT, CAT_FUNCTION, CAT__N};
static const enum cat update_order[] = {CAT_RESERVED, CAT_UNKNOWN_FN, CAT_MISUSED_FN, CAT_SECTION, CAT_NAME,
                                        CAT_VALUE, CAT_DEPTH, CAT_OVERLAP, CAT_CONFLICT, CAT_OPERAND, CAT_FUNCTION,
                                        CAT__N};
static const enum cat proj_order[] = {CAT_RESERVED, CAT_NAME, CAT_DEPTH, CAT_OVERLAP, CAT_CONFLICT, CAT__N};

static int begin(parser_t *p, ddb_expr_ctx_t *c, const char *expr, ddb_expr_kind_t kind, ddb_err_t *err)
{
    memset(p, 0, sizeof *p);
    p->c = c;
    p->kind = kind;
    p->src = expr ? expr : "";
    size_t i = 0;
    while (p->src[i] == ' ' || p->src[i] == '\t' || p->src[i] == '\n' || p->src[i] == '\r')
        i++;
    if (!p->src[i])
        return ddb_err_set(err, NB_ERR_VALIDATION, "Invalid %s: The expression can not be empty;",
                           ddb_expr_kind_name(kind));
    /* 4 KB of raw text (before substitution); only the condition and filter
     * messages carry the size, as DynamoDB answers. */
    size_t len = strlen(p->src);
    if (len > MAX_EXPR_BYTES) {
        if (kind == DDB_EXPR_CONDITION || kind == DDB_EXPR_FILTER)
            return ddb_err_set(err, NB_ERR_VALIDATION, "Invalid %s: Expression size has exceeded the maximum "
                               "allowed size; expression size: %zu", ddb_expr_kind_name(kind), len);
        return ddb_err_set(err, NB_ERR_VALIDATION, "Invalid %s: Expression size has exceeded the maximum "
                           "allowed size;", ddb_expr_kind_name(kind));
    }
    p->t = ddb__lex(c->arena, p->src, &p->nt);
    /* each '(' paired with its ')' in one pass, so an attempt that is bound to be undone can be
     * skipped (cond_primary, set_value): trying and undoing at every level of "((((a)))) = :v"
     * made a deep expression quadratic in time and in arena memory */
    p->close = nb_arena_alloc(c->arena, p->nt * sizeof *p->close);
    size_t *open = nb_arena_alloc(c->arena, p->nt * sizeof *open), depth = 0;
    for (size_t k = 0; k < p->nt; k++) {
        p->close[k] = p->nt;
        if (p->t[k].kind == DDB__T_LPAREN)
            open[depth++] = k;
        else if (p->t[k].kind == DDB__T_RPAREN && depth)
            p->close[open[--depth]] = k;
    }
    return 0;
}


static void syntax_message(parser_t *p, ddb_err_t *err)
{
    size_t at = p->syn_pos < p->nt ? p->syn_pos : p->nt - 1;
    const ddb__tok_t *t = &p->t[at];
    size_t from = at > 0 ? p->t[at - 1].start : t->start;
    size_t to = t->start + t->len;
    if (t->kind != DDB__T_EOF && at + 1 < p->nt && p->t[at + 1].kind != DDB__T_EOF)
        to = p->t[at + 1].start + p->t[at + 1].len;
    if (t->kind == DDB__T_EOF)
        to = at > 0 ? p->t[at - 1].start + p->t[at - 1].len : 0;
    if (t->kind == DDB__T_EOF)
        ddb_err_set(err, NB_ERR_VALIDATION, "Invalid %s: Syntax error; token: \"<EOF>\", near: \"%.*s\"",
                    ddb_expr_kind_name(p->kind), (int)(to - from), p->src + from);
    else
        ddb_err_set(err, NB_ERR_VALIDATION, "Invalid %s: Syntax error; token: \"%.*s\", near: \"%.*s\"",
                    ddb_expr_kind_name(p->kind), (int)t->len, p->src + t->start, (int)(to - from), p->src + from);
}

/* Finish: pick the error to report, or record placeholder uses. */
static int finish(parser_t *p, int ok, const enum cat *order, ddb_err_t *err)
{
    int rc = 0;
    if (!ok || p->syn) {
        if (!p->syn)
            syntax(p);
        syntax_message(p, err);
        rc = -1;
    } else {
        for (const enum cat *o = order; *o != CAT__N && rc == 0; o++)
            for (size_t i = 0; i < p->nerrs; i++)
                if (p->errs[i].cat == *o) {
                    rc = ddb_err_set(err, NB_ERR_VALIDATION, "Invalid %s: %s", ddb_expr_kind_name(p->kind),
                                     p->errs[i].msg);
                    break;
                }
    }
    if (rc == 0)
        for (size_t i = 0; i < p->nuses; i++)
            json_object_set_new(p->uses[i].is_value ? p->c->used_values : p->c->used_names,
                                p->uses[i].ph, json_true());
    free(p->errs);
    free(p->uses);
    return rc;
}

/* Operators and functions in a condition (comparisons, BETWEEN, IN, AND, OR,
 * NOT and every function), counted against DynamoDB's limit of 300. */
static size_t count_operators(const ddb_node_t *n)
{
    if (!n || n->kind == DDB_N_PATH || n->kind == DDB_N_VALUE)
        return 0;
    size_t k = 1;
    for (size_t i = 0; i < n->nargs; i++)
        k += count_operators(n->args[i]);
    return k;
}

static int parse_cond_kind(ddb_expr_ctx_t *c, const char *expr, ddb_expr_kind_t kind, ddb_node_t **out,
                           ddb_err_t *err)
{
    parser_t p;
    *out = NULL;
    if (begin(&p, c, expr, kind, err) < 0)
        return -1;
    ddb_node_t *n = cond_or(&p);
    int ok = n && cur(&p)->kind == DDB__T_EOF;
    if (n && !ok)
        syntax(&p);
    /* A key condition reports an undefined name or value and an operand of
     * the wrong type in the order written, whichever comes first
     * (nubo-db/dynamodb-conformance tier1/query, measured on DynamoDB). */
    if (kind == DDB_EXPR_KEY_CONDITION)
        for (size_t i = 0; i < p.nerrs; i++)
            if (p.errs[i].cat == CAT_OPERAND || p.errs[i].cat == CAT_FUNCTION)
                p.errs[i].cat = CAT_NAMEVAL;
    if (finish(&p, ok, cond_order, err) < 0)
        return -1;
    /* DynamoDB reports the count at which the limit was crossed. */
    if (count_operators(n) > MAX_OPERATORS)
        return ddb_err_set(err, NB_ERR_VALIDATION, "Invalid %s: The expression contains too many operators; "
                           "operator count: %d", ddb_expr_kind_name(kind), MAX_OPERATORS + 1);
    *out = n;
    return 0;
}

int ddb_parse_condition(ddb_expr_ctx_t *c, const char *expr, ddb_expr_kind_t kind,
                        ddb_node_t **out, ddb_err_t *err)
{
    return parse_cond_kind(c, expr, kind, out, err);
}

int ddb_parse_key_condition(ddb_expr_ctx_t *c, const char *expr, ddb_node_t **out, ddb_err_t *err)
{
    return parse_cond_kind(c, expr, DDB_EXPR_KEY_CONDITION, out, err);
}

int ddb_parse_update(ddb_expr_ctx_t *c, const char *expr, ddb_update_t **out, ddb_err_t *err)
{
    parser_t p;
    *out = NULL;
    if (begin(&p, c, expr, DDB_EXPR_UPDATE, err) < 0)
        return -1;
    static const char *const kws[] = {"SET", "REMOVE", "ADD", "DELETE"};
    int seen[4] = {0, 0, 0, 0};
    actions_t acts = {NULL, 0, 0};
    int ok = 1;
    while (ok && cur(&p)->kind != DDB__T_EOF) {
        int k;
        for (k = 0; k < 4; k++)
            if (accept_kw(&p, kws[k]))
                break;
        if (k == 4) {
            syntax(&p);
            ok = 0;
            break;
        }
        if (seen[k]++)
            sem(&p, CAT_SECTION, "The \"%s\" section can only be used once in an update expression;", kws[k]);
        if (update_clause(&p, (ddb_update_kind_t)k, &acts) < 0)
            ok = 0;
    }
    if (ok)
        check_overlaps(&p, &acts.v[0].path, sizeof *acts.v, acts.n);
    if (finish(&p, ok, update_order, err) < 0) {
        free(acts.v);
        return -1;
    }
    ddb_update_t *u = nb_arena_calloc(c->arena, sizeof *u);
    u->n = acts.n;
    u->actions = nb_arena_alloc(c->arena, acts.n * sizeof *acts.v);
    memcpy(u->actions, acts.v, acts.n * sizeof *acts.v);
    free(acts.v);
    *out = u;
    return 0;
}

int ddb_parse_projection(ddb_expr_ctx_t *c, const char *expr, ddb_projection_t **out, ddb_err_t *err)
{
    parser_t p;
    *out = NULL;
    if (begin(&p, c, expr, DDB_EXPR_PROJECTION, err) < 0)
        return -1;
    size_t cap = 8, n = 0;
    ddb_path_t *paths = nb_xmalloc(cap * sizeof *paths);
    int ok = 1;
    do {
        if (n == cap) {
            cap *= 2;
            paths = nb_xrealloc(paths, cap * sizeof *paths);
        }
        if (parse_path(&p, &paths[n]) < 0) {
            ok = 0;
            break;
        }
        n++;
    } while (accept(&p, DDB__T_COMMA));
    if (ok && cur(&p)->kind != DDB__T_EOF) {
        syntax(&p);
        ok = 0;
    }
    if (ok)
        check_overlaps(&p, paths, sizeof *paths, n);
    if (finish(&p, ok, proj_order, err) < 0) {
        free(paths);
        return -1;
    }
    ddb_projection_t *pr = nb_arena_calloc(c->arena, sizeof *pr);
    pr->n = n;
    pr->paths = nb_arena_alloc(c->arena, n * sizeof *paths);
    memcpy(pr->paths, paths, n * sizeof *paths);
    free(paths);
    *out = pr;
    return 0;
}
