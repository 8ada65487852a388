/* vtl_parse.c — VTL text → syntax tree (vtl_int.h). A recursive-descent
 * parser over the template bytes; nesting of blocks and expressions is
 * bounded by MAX_DEPTH so hostile templates cannot exhaust the stack. */
#include "apigw/vtl_int.h"
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 48

typedef struct ps {
    const char *s, *end, *p;
    nb_arena_t *a;
    json_t *lits;
    char *err;
    size_t errcap;
    int failed;
    int depth;
} ps_t;

static void *fail(ps_t *ps, const char *fmt, ...)
{
    if (!ps->failed && ps->err && ps->errcap) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(ps->err, ps->errcap, fmt, ap);
        va_end(ap);
        if (n >= 0 && (size_t)n < ps->errcap)
            snprintf(ps->err + n, ps->errcap - (size_t)n, " at offset %ld", (long)(ps->p - ps->s));
    }
    ps->failed = 1;
    return NULL;
}

static int at(ps_t *ps, const char *lit)
{
    size_t n = strlen(lit);
    return (size_t)(ps->end - ps->p) >= n && memcmp(ps->p, lit, n) == 0;
}

static int is_id0(int c) { return isalpha(c) || c == '_'; }
static int is_id(int c) { return isalnum(c) || c == '_' || c == '-'; }

static void ws(ps_t *ps)
{
    while (ps->p < ps->end && isspace((unsigned char)*ps->p)) ps->p++;
}

static const char *ident(ps_t *ps)
{
    const char *b = ps->p;
    if (ps->p >= ps->end || !is_id0((unsigned char)*ps->p)) return NULL;
    while (ps->p < ps->end && is_id((unsigned char)*ps->p)) {
        /* '-' only inside names followed by a name character ($x-1 is subtraction in expressions) */
        if (*ps->p == '-' && (ps->p + 1 >= ps->end || !isalpha((unsigned char)ps->p[1]))) break;
        ps->p++;
    }
    return nb_arena_strndup(ps->a, b, (size_t)(ps->p - b));
}

static vtl_expr_t *expr(ps_t *ps);
static vtl_node_t *block(ps_t *ps, int *term);

static vtl_expr_t *new_expr(ps_t *ps, vtl_expr_kind_t k)
{
    vtl_expr_t *e = nb_arena_calloc(ps->a, sizeof *e);
    e->kind = k;
    return e;
}

/* Arguments "(a, b)" after a method name; ps->p at '('. */
static int args(ps_t *ps, vtl_seg_t *seg)
{
    ps->p++;
    vtl_expr_t *buf[16];
    size_t n = 0;
    ws(ps);
    if (ps->p < ps->end && *ps->p == ')') {
        ps->p++;
        return 0;
    }
    for (;;) {
        vtl_expr_t *e = expr(ps);
        if (!e) return -1;
        if (n == 16) { fail(ps, "too many arguments"); return -1; }
        buf[n++] = e;
        ws(ps);
        if (ps->p < ps->end && *ps->p == ',') { ps->p++; continue; }
        if (ps->p < ps->end && *ps->p == ')') { ps->p++; break; }
        fail(ps, "expected , or )");
        return -1;
    }
    seg->args = nb_arena_alloc(ps->a, sizeof *seg->args * n);
    memcpy(seg->args, buf, sizeof *buf * n);
    seg->nargs = n;
    return 0;
}

/* A reference starting at '$'. in_text: a '.' not followed by a name ends it. */
static int reference(ps_t *ps, vtl_ref_t *r, int in_text)
{
    const char *start = ps->p;
    ps->p++;
    if (ps->p < ps->end && *ps->p == '!') { r->quiet = 1; ps->p++; }
    int brace = ps->p < ps->end && *ps->p == '{';
    if (brace) ps->p++;
    r->root = ident(ps);
    if (!r->root) { ps->p = start; return -1; }
    vtl_seg_t segs[32];
    size_t n = 0;
    for (;;) {
        if (ps->p < ps->end && *ps->p == '(' && n > 0 && segs[n - 1].name && !segs[n - 1].call) {
            segs[n - 1].call = 1;
            if (args(ps, &segs[n - 1]) != 0) return -2;
            continue;
        }
        if (ps->p + 1 < ps->end && *ps->p == '.' && is_id0((unsigned char)ps->p[1])) {
            if (n == 32) { fail(ps, "reference too long"); return -2; }
            ps->p++;
            memset(&segs[n], 0, sizeof segs[n]);
            segs[n++].name = ident(ps);
            continue;
        }
        if (ps->p < ps->end && *ps->p == '[' && !in_text) {
            if (n == 32) { fail(ps, "reference too long"); return -2; }
            ps->p++;
            memset(&segs[n], 0, sizeof segs[n]);
            segs[n].index = expr(ps);
            if (!segs[n].index) return -2;
            ws(ps);
            if (ps->p >= ps->end || *ps->p != ']') { fail(ps, "expected ]"); return -2; }
            ps->p++;
            n++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == '[' && in_text) {
            /* $x[0] in text: index only when a closing bracket follows digits or a quote */
            const char *q = ps->p + 1;
            if (q < ps->end && (isdigit((unsigned char)*q) || *q == '\'' || *q == '"' || *q == '$')) {
                if (n == 32) { fail(ps, "reference too long"); return -2; }
                ps->p++;
                memset(&segs[n], 0, sizeof segs[n]);
                segs[n].index = expr(ps);
                if (!segs[n].index) return -2;
                if (ps->p >= ps->end || *ps->p != ']') { fail(ps, "expected ]"); return -2; }
                ps->p++;
                n++;
                continue;
            }
        }
        break;
    }
    if (brace) {
        if (ps->p >= ps->end || *ps->p != '}') { fail(ps, "expected }"); return -2; }
        ps->p++;
    }
    r->segs = nb_arena_alloc(ps->a, sizeof *segs * (n ? n : 1));
    if (n) memcpy(r->segs, segs, sizeof *segs * n);
    r->nsegs = n;
    r->text = nb_arena_strndup(ps->a, start, (size_t)(ps->p - start));
    return 0;
}

/* 'text' or "text with $refs"; a quote written twice is one quote
 * ("say ""hi""", as Velocity 1.7 reads it). */
static vtl_expr_t *string_lit(ps_t *ps)
{
    char q = *ps->p++;
    const char *b = ps->p;
    int doubled = 0;
    for (;;) {
        while (ps->p < ps->end && *ps->p != q) {
            if (*ps->p == '\\' && ps->p + 1 < ps->end) ps->p++;
            ps->p++;
        }
        if (ps->p + 1 < ps->end && ps->p[1] == q) {
            ps->p += 2;
            doubled = 1;
            continue;
        }
        break;
    }
    if (ps->p >= ps->end) return fail(ps, "unterminated string");
    const char *e = ps->p++;
    if (doubled) {   /* the text with each doubled quote made one */
        char *u = nb_arena_alloc(ps->a, (size_t)(e - b) + 1);
        size_t k = 0;
        for (const char *c = b; c < e; c++) {
            u[k++] = *c;
            if ((*c == q || *c == '\\') && c + 1 < e) {
                if (*c == '\\') u[k++] = c[1];
                c++;
            }
        }
        u[k] = 0;
        b = u;
        e = u + k;
    }
    if (q == '"' && memchr(b, '$', (size_t)(e - b))) {   /* interpolated */
        ps_t sub = *ps;
        sub.s = b;
        sub.p = b;
        sub.end = e;
        int term = 0;
        vtl_expr_t *x = new_expr(ps, VE_STR);
        x->str = block(&sub, &term);
        if (sub.failed) { ps->failed = 1; return NULL; }
        return x;
    }
    vtl_expr_t *x = new_expr(ps, VE_LIT);
    x->lit = json_stringn(b, (size_t)(e - b));
    if (!x->lit) x->lit = json_string("");
    json_array_append_new(ps->lits, x->lit);
    return x;
}

static vtl_expr_t *primary(ps_t *ps)
{
    ws(ps);
    if (ps->p >= ps->end) return fail(ps, "unexpected end of expression");
    char c = *ps->p;
    if (c == '(') {
        ps->p++;
        vtl_expr_t *e = expr(ps);
        ws(ps);
        if (!e || ps->p >= ps->end || *ps->p != ')') return fail(ps, "expected )");
        ps->p++;
        return e;
    }
    if (c == '\'' || c == '"') return string_lit(ps);
    if (c == '$') {
        vtl_expr_t *e = new_expr(ps, VE_REF);
        if (reference(ps, &e->ref, 0) != 0) return fail(ps, "bad reference");
        return e;
    }
    if (isdigit((unsigned char)c)) {
        char *endp;
        const char *b = ps->p;
        while (ps->p < ps->end && isdigit((unsigned char)*ps->p)) ps->p++;
        int real = ps->p + 1 < ps->end && *ps->p == '.' && isdigit((unsigned char)ps->p[1]);
        if (real) {
            ps->p++;
            while (ps->p < ps->end && isdigit((unsigned char)*ps->p)) ps->p++;
        }
        char num[64];
        snprintf(num, sizeof num, "%.*s", (int)(ps->p - b), b);
        vtl_expr_t *e = new_expr(ps, VE_LIT);
        e->lit = real ? json_real(strtod(num, &endp)) : json_integer(strtoll(num, &endp, 10));
        json_array_append_new(ps->lits, e->lit);
        return e;
    }
    if (c == '[' || c == '{') {
        char close = c == '[' ? ']' : '}';
        ps->p++;
        vtl_expr_t *buf[256];
        size_t n = 0;
        int range = 0;
        ws(ps);
        if (ps->p < ps->end && *ps->p == close) ps->p++;
        else for (;;) {
            vtl_expr_t *e = expr(ps);
            if (!e) return NULL;
            if (n >= 254) return fail(ps, "literal too long");
            buf[n++] = e;
            ws(ps);
            if (c == '{') {
                if (ps->p >= ps->end || *ps->p != ':') return fail(ps, "expected :");
                ps->p++;
                if (!(buf[n++] = expr(ps))) return NULL;
                ws(ps);
            } else if (n == 1 && at(ps, "..")) {
                ps->p += 2;
                if (!(buf[n++] = expr(ps))) return NULL;
                range = 1;
                ws(ps);
            }
            if (ps->p < ps->end && *ps->p == ',') { ps->p++; continue; }
            if (ps->p < ps->end && *ps->p == close) { ps->p++; break; }
            return fail(ps, "expected , or %c", close);
        }
        vtl_expr_t *e = new_expr(ps, range ? VE_RANGE : c == '[' ? VE_LIST : VE_MAP);
        e->items = nb_arena_alloc(ps->a, sizeof *buf * (n ? n : 1));
        if (n) memcpy(e->items, buf, sizeof *buf * n);
        e->nitems = n;
        return e;
    }
    const char *save = ps->p;
    const char *w = ident(ps);
    if (w && (!strcmp(w, "true") || !strcmp(w, "false") || !strcmp(w, "null"))) {
        vtl_expr_t *e = new_expr(ps, VE_LIT);
        e->lit = !strcmp(w, "true") ? json_true() : !strcmp(w, "false") ? json_false() : json_null();
        json_array_append_new(ps->lits, e->lit);
        return e;
    }
    ps->p = save;
    return fail(ps, "unexpected character '%c'", c);
}

static vtl_expr_t *unary(ps_t *ps)
{
    if (++ps->depth > MAX_DEPTH) return fail(ps, "expression nested too deeply");
    ws(ps);
    vtl_expr_t *r;
    if (ps->p < ps->end && *ps->p == '!' && !at(ps, "!=")) {
        ps->p++;
        r = new_expr(ps, VE_NOT);
        if (!(r->a = unary(ps))) return NULL;
    } else if (at(ps, "not ")) {
        ps->p += 4;
        r = new_expr(ps, VE_NOT);
        if (!(r->a = unary(ps))) return NULL;
    } else if (ps->p < ps->end && *ps->p == '-') {
        ps->p++;
        r = new_expr(ps, VE_NEG);
        if (!(r->a = unary(ps))) return NULL;
    } else {
        r = primary(ps);
    }
    ps->depth--;
    return r;
}

/* Binary operators by precedence level (lowest first). */
static int op_at(ps_t *ps, int level, int *len)
{
    static const struct { const char *t; int op; int level; } ops[] = {
        {"||", '|', 0}, {"or ", '|', 0}, {"&&", '&', 1}, {"and ", '&', 1},
        {"==", '=', 2}, {"!=", '!', 2}, {"eq ", '=', 2}, {"ne ", '!', 2},
        {"<=", 'l', 3}, {">=", 'g', 3}, {"<", '<', 3}, {">", '>', 3},
        {"+", '+', 4}, {"-", '-', 4}, {"*", '*', 5}, {"/", '/', 5}, {"%", '%', 5},
    };
    ws(ps);
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        if (ops[i].level == level && at(ps, ops[i].t)) {
            *len = (int)strlen(ops[i].t);
            return ops[i].op;
        }
    }
    return 0;
}

static vtl_expr_t *binary(ps_t *ps, int level)
{
    if (level > 5) return unary(ps);
    vtl_expr_t *l = binary(ps, level + 1);
    int len, op;
    while (l && (op = op_at(ps, level, &len))) {
        ps->p += len;
        vtl_expr_t *e = new_expr(ps, VE_BIN);
        e->op = op;
        e->a = l;
        if (!(e->b = binary(ps, level + 1))) return NULL;
        l = e;
    }
    return l;
}

static vtl_expr_t *expr(ps_t *ps)
{
    if (++ps->depth > MAX_DEPTH) return fail(ps, "expression nested too deeply");
    vtl_expr_t *e = binary(ps, 0);
    ps->depth--;
    return e;
}

static int directive(ps_t *ps, const char *name)
{
    char a[32], b[32];
    snprintf(a, sizeof a, "#%s", name);
    snprintf(b, sizeof b, "#{%s}", name);
    if (at(ps, b)) { ps->p += strlen(b); return 1; }
    if (!at(ps, a)) return 0;
    const char *after = ps->p + strlen(a);
    if (after < ps->end && is_id((unsigned char)*after)) return 0;
    ps->p = after;
    return 1;
}

static int open_paren(ps_t *ps)
{
    ws(ps);
    if (ps->p >= ps->end || *ps->p != '(') { fail(ps, "expected ("); return -1; }
    ps->p++;
    return 0;
}

static int close_paren(ps_t *ps)
{
    ws(ps);
    if (ps->p >= ps->end || *ps->p != ')') { fail(ps, "expected )"); return -1; }
    ps->p++;
    return 0;
}

static vtl_node_t *new_node(ps_t *ps, vtl_node_kind_t k)
{
    vtl_node_t *n = nb_arena_calloc(ps->a, sizeof *n);
    n->kind = k;
    return n;
}

/* #if(...) body [#elseif(...) body]* [#else body] #end; ps->p after "#if". */
static vtl_node_t *if_chain(ps_t *ps)
{
    vtl_node_t *n = new_node(ps, VN_IF);
    if (open_paren(ps) != 0 || !(n->expr = expr(ps)) || close_paren(ps) != 0) return NULL;
    int term = 0;
    n->body = block(ps, &term);
    if (ps->failed) return NULL;
    if (term == 2) {   /* #elseif */
        n->orelse_is_elseif = 1;
        n->orelse = if_chain(ps);
        return ps->failed ? NULL : n;
    }
    if (term == 3) {   /* #else */
        n->orelse = block(ps, &term);
        if (ps->failed) return NULL;
        if (term != 1) return fail(ps, "#else without #end");
        return n;
    }
    if (term != 1) return fail(ps, "#if without #end");
    return n;
}

/* Parse until the end of input (term 0) or #end (1) / #elseif (2) / #else (3). */
static vtl_node_t *block(ps_t *ps, int *term)
{
    if (++ps->depth > MAX_DEPTH) return fail(ps, "blocks nested too deeply");
    vtl_node_t *head = NULL, **tail = &head;
    *term = 0;
    while (ps->p < ps->end && !ps->failed) {
        vtl_node_t *n = NULL;
        if (at(ps, "##")) {
            while (ps->p < ps->end && *ps->p != '\n') ps->p++;
            if (ps->p < ps->end) ps->p++;
            continue;
        }
        if (at(ps, "#*")) {
            const char *e = NULL;
            for (const char *q = ps->p + 2; q + 1 < ps->end; q++)
                if (q[0] == '*' && q[1] == '#') { e = q; break; }
            if (!e) return fail(ps, "unterminated comment");
            ps->p = e + 2;
            continue;
        }
        if (*ps->p == '#') {
            if (directive(ps, "end")) { *term = 1; break; }
            if (directive(ps, "elseif")) { *term = 2; break; }
            if (directive(ps, "else")) { *term = 3; break; }
            if (directive(ps, "set")) {
                n = new_node(ps, VN_SET);
                if (open_paren(ps) != 0) return NULL;
                ws(ps);
                if (ps->p >= ps->end || *ps->p != '$' || reference(ps, &n->ref, 0) != 0)
                    return fail(ps, "#set needs a reference");
                ws(ps);
                if (ps->p >= ps->end || *ps->p != '=') return fail(ps, "#set needs =");
                ps->p++;
                if (!(n->expr = expr(ps)) || close_paren(ps) != 0) return NULL;
            } else if (directive(ps, "if")) {
                if (!(n = if_chain(ps))) return NULL;
            } else if (directive(ps, "foreach")) {
                n = new_node(ps, VN_FOREACH);
                if (open_paren(ps) != 0) return NULL;
                ws(ps);
                if (ps->p >= ps->end || *ps->p != '$' || reference(ps, &n->ref, 0) != 0 || n->ref.nsegs)
                    return fail(ps, "#foreach needs a variable");
                ws(ps);
                if (!at(ps, "in")) return fail(ps, "#foreach needs 'in'");
                ps->p += 2;
                if (!(n->expr = expr(ps)) || close_paren(ps) != 0) return NULL;
                int t2;
                n->body = block(ps, &t2);
                if (ps->failed) return NULL;
                if (t2 != 1) return fail(ps, "#foreach without #end");
            }
        }
        if (!n && (*ps->p == '$' || *ps->p == '\\')) {   /* a reference, maybe escaped: \\$x */
            vtl_ref_t r = {0};
            const char *save = ps->p;
            int escapes = 0;
            while (ps->p < ps->end && *ps->p == '\\') ps->p++, escapes++;
            int rc = ps->p < ps->end && *ps->p == '$' ? reference(ps, &r, 1) : -1;
            if (rc == -2) return NULL;
            if (rc == 0) {
                n = new_node(ps, VN_REF);
                n->ref = r;
                n->escapes = escapes;
            } else {
                ps->p = save;
            }
        }
        if (!n) {   /* text up to the next '$', '#' or backslash */
            const char *b = ps->p++;
            while (ps->p < ps->end && *ps->p != '$' && *ps->p != '#' && *ps->p != '\\') ps->p++;
            n = new_node(ps, VN_TEXT);
            n->text = b;
            n->len = (size_t)(ps->p - b);
        }
        *tail = n;
        tail = &n->next;
    }
    ps->depth--;
    return ps->failed ? NULL : head;
}

vtl_tmpl_t *apigw__vtl_parse(const char *src, size_t len, char *err, size_t errcap)
{
    if (err && errcap) err[0] = 0;
    vtl_tmpl_t *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->arena = nb_arena_new(4096);
    t->lits = json_array();
    ps_t ps = {src, src + len, src, t->arena, t->lits, err, errcap, 0, 0};
    int term;
    t->first = block(&ps, &term);
    if (!ps.failed && term != 0) fail(&ps, "unexpected #end/#else/#elseif");
    if (ps.failed) {
        apigw__vtl_free(t);
        return NULL;
    }
    return t;
}

void apigw__vtl_free(vtl_tmpl_t *t)
{
    if (!t) return;
    json_decref(t->lits);
    nb_arena_free(t->arena);
    free(t);
}
