/* ddb_partiql.c — lexer and translator for DynamoDB's PartiQL subset (see
 * ddb_partiql.h). Nothing here touches the store: statements become
 * expression strings plus name/value maps for ddb_exprs. */
#include "dynamodb/ddb_partiql.h"
#include "core/alloc.h"
#include "core/buf.h"
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum tk { T_END, T_IDENT, T_QIDENT, T_STRING, T_NUMBER, T_PARAM, T_PUNCT };

typedef struct tok {
    int kind;
    char *text;     /* heap: identifier, string contents, number, punctuation */
    size_t pos;     /* byte offset in the statement */
} tok_t;

typedef struct pq {
    tok_t *t;
    size_t n, cap, i;
    int depth;                  /* literal nesting, bounded like DynamoDB's 32 levels */
    const json_t *params;
    size_t next_param;
    ddb_pq_t *out;
    int nnames, nvalues;
    int in_exists;              /* inside EXISTS( ... ): a ')' at depth 0 ends the WHERE */
    int short_params;           /* a ? found no parameter (answered as a count mismatch) */
    const char *src;            /* the statement */
    json_t *collect;            /* when set, parse_path adds each path's top-level name (array, unique) */
    int stop_comma;             /* translate stops at a ',' at depth 0 (one SET assignment) */
    nb_buf_t vpath;             /* where a literal being parsed sits: "root", "root.x", "root[1]" */
    size_t tok_start;           /* lexer: offset of the token being pushed */
    ddb_err_t *err;
    int failed;
} pq_t;

static int fail(pq_t *p, const char *what)
{
    if (!p->failed)
        ddb_err_set(p->err, NB_ERR_VALIDATION, "Statement wasn't well formed, can't be processed: %s", what);
    p->failed = 1;
    return -1;
}

/* A ValidationException in DynamoDB's own words, without the "not well formed" envelope. */
static int fail_plain(pq_t *p, const char *msg)
{
    if (!p->failed) ddb_err_set(p->err, NB_ERR_VALIDATION, "%s", msg);
    p->failed = 1;
    return -1;
}

/* A plain ValidationException naming token t's place as DynamoDB does,
 * "<what> at <line>:<column>:<length>", counted in characters from 1. */
static int fail_at(pq_t *p, const char *what, const tok_t *t)
{
    size_t line = 1, col = 1, len = 0;
    for (size_t i = 0; i < t->pos; i++) {
        unsigned char c = (unsigned char)p->src[i];
        if (c == '\n') { line++; col = 1; }
        else if ((c & 0xC0) != 0x80) col++;
    }
    for (const unsigned char *c = (const unsigned char *)t->text; *c; c++) len += (*c & 0xC0) != 0x80;
    char m[256];
    snprintf(m, sizeof m, "%s at %zu:%zu:%zu", what, line, col, len);
    return fail_plain(p, m);
}

static void push(pq_t *p, int kind, const char *s, size_t len)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 32;
        p->t = nb_xrealloc(p->t, p->cap * sizeof *p->t);
    }
    p->t[p->n].kind = kind;
    p->t[p->n].text = nb_xstrndup(s, len);
    p->t[p->n].pos = p->tok_start;
    p->n++;
}

static int operand_before(const pq_t *p)
{
    if (!p->n) return 0;
    const tok_t *t = &p->t[p->n - 1];
    if (t->kind == T_PUNCT) return strcmp(t->text, ")") == 0 || strcmp(t->text, "]") == 0;
    if (t->kind == T_IDENT) {
        static const char *const kw[] = {"AND", "OR", "NOT", "BETWEEN", "IN", "SET", "WHERE", "VALUE", NULL};
        for (int i = 0; kw[i]; i++) if (strcasecmp(t->text, kw[i]) == 0) return 0;
    }
    return 1;
}

static int lex(pq_t *p, const char *s)
{
    size_t i = 0, n = strlen(s);
    while (i < n) {
        char c = s[i];
        p->tok_start = i;
        if (isspace((unsigned char)c)) { i++; continue; }
        if (c == '-' && i + 1 < n && s[i + 1] == '-') {
            while (i < n && s[i] != '\n') i++;
            continue;
        }
        if (c == '/' && i + 1 < n && s[i + 1] == '*') {
            const char *end = strstr(s + i + 2, "*/");
            if (!end) return fail(p, "");
            i = (size_t)(end - s) + 2;
            continue;
        }
        if (isalpha((unsigned char)c) || c == '_') {
            size_t j = i;
            while (j < n && (isalnum((unsigned char)s[j]) || s[j] == '_')) j++;
            push(p, T_IDENT, s + i, j - i);
            i = j;
        } else if (c == '"' || c == '\'') {
            nb_buf_t b = NB_BUF_INIT;
            size_t j = i + 1;
            for (;;) {
                if (j >= n) { nb_buf_free(&b); return fail(p, ""); }   /* the service says no more */
                if (s[j] == c) {
                    if (j + 1 < n && s[j + 1] == c) { nb_buf_putc(&b, c); j += 2; continue; }
                    break;
                }
                nb_buf_putc(&b, s[j++]);
            }
            push(p, c == '"' ? T_QIDENT : T_STRING, b.data ? b.data : "", b.len);
            nb_buf_free(&b);
            i = j + 1;
        } else if (isdigit((unsigned char)c) || (c == '.' && i + 1 < n && isdigit((unsigned char)s[i + 1])) ||
                   (c == '-' && i + 1 < n && (isdigit((unsigned char)s[i + 1]) || s[i + 1] == '.') && !operand_before(p))) {
            size_t j = i + 1;
            while (j < n && (isalnum((unsigned char)s[j]) || s[j] == '.' ||
                             ((s[j] == '+' || s[j] == '-') && (s[j - 1] == 'e' || s[j - 1] == 'E')))) j++;
            push(p, T_NUMBER, s + i, j - i);
            i = j;
        } else if (c == '?') {
            push(p, T_PARAM, "?", 1);
            i++;
        } else {
            static const char *const two[] = {"<=", ">=", "<>", "!=", "<<", ">>", NULL};
            int done = 0;
            for (int k = 0; two[k]; k++) {
                if (i + 1 < n && s[i] == two[k][0] && s[i + 1] == two[k][1]) {
                    push(p, T_PUNCT, two[k], 2);
                    i += 2;
                    done = 1;
                    break;
                }
            }
            if (done) continue;
            if (!strchr("=<>(),.[]{}:*+-;", c)) return fail(p, "");
            push(p, T_PUNCT, s + i, 1);
            i++;
        }
    }
    return 0;
}

static tok_t *peek(pq_t *p) { static tok_t end = {T_END, "", 0}; return p->i < p->n ? &p->t[p->i] : &end; }
static int is_kw(const tok_t *t, const char *kw) { return t->kind == T_IDENT && strcasecmp(t->text, kw) == 0; }
static int is_p(const tok_t *t, const char *s) { return t->kind == T_PUNCT && strcmp(t->text, s) == 0; }
static int accept_kw(pq_t *p, const char *kw) { if (is_kw(peek(p), kw)) { p->i++; return 1; } return 0; }
static int accept_p(pq_t *p, const char *s) { if (is_p(peek(p), s)) { p->i++; return 1; } return 0; }

static json_t *parse_value(pq_t *p);

static json_t *parse_collection(pq_t *p, const char *close, int map)
{
    json_t *acc = map ? json_object() : json_array();
    if (accept_p(p, close)) return acc;
    size_t base = p->vpath.len;
    for (size_t n = 0;; n++) {
        /* an INSERT item's attribute values are each a "root" of their own */
        int item_top = map && p->depth == 1 && p->out->kind == DDB_PQ_INSERT;
        if (map) {
            tok_t *k = peek(p);
            if (k->kind != T_STRING && k->kind != T_QIDENT && k->kind != T_IDENT) { json_decref(acc); fail(p, "expected a map key"); return NULL; }
            p->i++;
            if (!accept_p(p, ":")) { json_decref(acc); fail(p, "expected ':'"); return NULL; }
            if (!item_top) nb_buf_printf(&p->vpath, ".%s", k->text);
            json_t *v = parse_value(p);
            p->vpath.len = base;
            if (!v) { json_decref(acc); return NULL; }
            json_object_set_new(acc, k->text, v);
        } else {
            if (strcmp(close, "]") == 0) nb_buf_printf(&p->vpath, "[%zu]", n);
            json_t *v = parse_value(p);
            p->vpath.len = base;
            if (!v) { json_decref(acc); return NULL; }
            json_array_append_new(acc, v);
        }
        if (accept_p(p, close)) return acc;
        if (!accept_p(p, ",")) { json_decref(acc); fail(p, "expected ','"); return NULL; }
    }
}

static json_t *parse_value_at(pq_t *p);

/* A number literal as an N, held to DynamoDB's number rules: one whose
 * exponent or scale a 32-bit integer cannot hold is not well formed (and the
 * service says no more), one out of range names where it sits. */
static json_t *number(pq_t *p, const char *text)
{
    const char *e = strpbrk(text, "eE"), *dot = strchr(text, '.');
    long long frac = dot ? (long long)((e ? (size_t)(e - dot) : strlen(dot)) - 1) : 0;
    if (e) {
        char *end;
        errno = 0;
        long long x = strtoll(e + 1, &end, 10);
        if (errno || x > INT32_MAX || x < INT32_MIN || frac - x > INT32_MAX || frac - x < INT32_MIN) {
            fail(p, "");
            return NULL;
        }
    }
    ddb_num_t n;
    ddb_err_t err = DDB_ERR_INIT;
    if (ddb_num_parse(text, strlen(text), &n, &err) != 0) {
        nb_buf_t m = NB_BUF_INIT;
        nb_buf_printf(&m, "%s under %s", err.msg ? err.msg : "", p->vpath.data ? p->vpath.data : "root");
        fail_plain(p, m.data);
        nb_buf_free(&m);
        ddb_err_free(&err);
        return NULL;
    }
    return json_pack("{s:s}", "N", text);
}

/* A literal or ? as an AV (new reference) or NULL (failed). */
static json_t *parse_value(pq_t *p)
{
    if (++p->depth > 32) {
        fail(p, "literal nested too deeply");
        p->depth--;
        return NULL;
    }
    if (p->depth == 1) {
        nb_buf_clear(&p->vpath);
        nb_buf_puts(&p->vpath, "root");
    }
    json_t *v = parse_value_at(p);
    p->depth--;
    return v;
}

static json_t *parse_value_at(pq_t *p)
{
    tok_t *t = peek(p);
    if (t->kind == T_STRING) {
        p->i++;
        json_t *v = json_pack("{s:s}", "S", t->text);   /* NULL: not UTF-8 */
        if (!v) fail(p, "a string literal is not valid UTF-8");
        return v;
    }
    if (t->kind == T_NUMBER) {
        p->i++;
        return number(p, t->text);
    }
    if (t->kind == T_PARAM) {
        p->i++;
        json_t *v = json_array_get(p->params, p->next_param++);
        if (!v) {
            p->short_params = 1;
            return json_pack("{s:b}", "NULL", 1);
        }
        return json_deep_copy(v);
    }
    if (is_kw(t, "TRUE") || is_kw(t, "FALSE")) { p->i++; return json_pack("{s:b}", "BOOL", is_kw(t, "TRUE")); }
    if (is_kw(t, "NULL")) { p->i++; return json_pack("{s:b}", "NULL", 1); }
    if (accept_p(p, "{")) {
        json_t *m = parse_collection(p, "}", 1);
        return m ? json_pack("{s:o}", "M", m) : NULL;
    }
    if (accept_p(p, "[")) {
        json_t *l = parse_collection(p, "]", 0);
        return l ? json_pack("{s:o}", "L", l) : NULL;
    }
    if (accept_p(p, "<<")) {
        json_t *l = parse_collection(p, ">>", 0);
        if (!l) return NULL;
        /* DynamoDB's words for an empty set and a set of two types (recorded from DynamoDB Local) */
        if (!json_array_size(l)) {
            json_decref(l);
            fail_plain(p, "Empty bags are not supported");
            return NULL;
        }
        const char *first = json_object_iter_key(json_object_iter(json_array_get(l, 0)));
        size_t bi;
        json_t *be;
        json_array_foreach(l, bi, be) {
            if (strcmp(json_object_iter_key(json_object_iter(be)), first) != 0) {
                json_decref(l);
                fail_plain(p, "DynamoDB only supports either numbers or strings in bags");
                return NULL;
            }
        }
        const char *st = "SS";
        json_t *members = json_array();
        size_t i;
        json_t *e;
        json_array_foreach(l, i, e) {
            const char *k = json_object_iter_key(json_object_iter(e));
            st = strcmp(k, "N") == 0 ? "NS" : strcmp(k, "B") == 0 ? "BS" : "SS";
            json_array_append(members, json_object_iter_value(json_object_iter(e)));
        }
        json_decref(l);
        return json_pack("{s:o}", st, members);
    }
    if (t->kind == T_IDENT && p->i + 1 < p->n && is_p(&p->t[p->i + 1], "(")) {
        /* a function where a literal belongs (nubo-db/dynamodb-conformance's capture of AWS) */
        char what[128];
        snprintf(what, sizeof what, "Unsupported data type: %.60s under key root", t->text);
        fail_at(p, what, t);
        return NULL;
    }
    fail(p, "expected a value");
    return NULL;
}

static void add_value(pq_t *p, nb_buf_t *out, json_t *v)
{
    char ph[32];
    snprintf(ph, sizeof ph, ":p%d", p->nvalues++);
    json_object_set_new(p->out->values, ph, v);
    nb_buf_puts(out, ph);
}

static void add_name(pq_t *p, nb_buf_t *out, const char *name)
{
    const char *k;
    json_t *v;
    json_object_foreach(p->out->names, k, v) {
        if (strcmp(json_string_value(v), name) == 0) { nb_buf_puts(out, k); return; }
    }
    char ph[32];
    snprintf(ph, sizeof ph, "#p%d", p->nnames++);
    json_object_set_new(p->out->names, ph, json_string(name));
    nb_buf_puts(out, ph);
}

/* path := ident ( '.' ident | '[' number ']' )* ; *single set when one ident. */
static int parse_path(pq_t *p, nb_buf_t *out, const char **single)
{
    tok_t *t = peek(p);
    if (t->kind != T_IDENT && t->kind != T_QIDENT) return fail(p, "expected an attribute path");
    p->i++;
    add_name(p, out, t->text);
    if (single) *single = t->text;
    if (p->collect) {
        size_t k;
        json_t *have;
        int seen = 0;
        json_array_foreach(p->collect, k, have) seen |= strcmp(json_string_value(have), t->text) == 0;
        if (!seen) json_array_append_new(p->collect, json_string(t->text));
    }
    for (;;) {
        if (is_p(peek(p), ".") && p->i + 1 < p->n &&
            (p->t[p->i + 1].kind == T_IDENT || p->t[p->i + 1].kind == T_QIDENT)) {
            p->i++;
            nb_buf_putc(out, '.');
            add_name(p, out, peek(p)->text);
            p->i++;
            if (single) *single = NULL;
        } else if (is_p(peek(p), "[") && p->i + 1 < p->n && p->t[p->i + 1].kind == T_NUMBER) {
            nb_buf_printf(out, "[%s]", p->t[p->i + 1].text);
            p->i += 2;
            if (!accept_p(p, "]")) return fail(p, "expected ']'");
            if (single) *single = NULL;
        } else {
            return 0;
        }
    }
}

static int is_value_start(const tok_t *t)
{
    return t->kind == T_STRING || t->kind == T_NUMBER || t->kind == T_PARAM || is_kw(t, "TRUE") ||
           is_kw(t, "FALSE") || is_kw(t, "NULL") || is_p(t, "{") || is_p(t, "[") || is_p(t, "<<");
}

/* The functions a WHERE may call (DynamoDB's PartiQL function pages). */
static int known_function(const char *name)
{
    static const char *const fns[] = {"attribute_exists", "attribute_not_exists", "attribute_type",
                                      "begins_with", "contains", "size", NULL};
    for (int i = 0; fns[i]; i++) if (strcasecmp(name, fns[i]) == 0) return 1;
    return 0;
}

/* A word that joins or compares terms rather than starting one. */
static int is_operator_word(const tok_t *t)
{
    static const char *const ops[] = {"AND", "OR", "NOT", "BETWEEN", "IN", "IS", "LIKE", NULL};
    for (int i = 0; ops[i]; i++) if (is_kw(t, ops[i])) return 1;
    return 0;
}

/* Translate tokens into expression text until a stop keyword at depth 0.
 * Every failure leaves through the loop's end, which releases eqs. */
static int translate(pq_t *p, nb_buf_t *out, const char *const *stops, int want_eq)
{
    int depth = 0, any_or = 0, conj = 1, n_eq = 0, plain = 1;
    int need = 1;                 /* WHERE: a term must come next (the PartiQL parser's words when none does) */
    int negated = 0;              /* the current top-level conjunct is under NOT: its equality pins nothing */
    int between = 0;              /* the AND that follows belongs to a BETWEEN */
    const tok_t *last = NULL;
    const char *eq_name = NULL, *in_name = NULL;
    json_t *eqs = json_object(), *ins = json_object();
    while (!p->failed) {
        tok_t *t = peek(p);
        int stop = t->kind == T_END;
        for (int k = 0; stops && stops[k]; k++) if (depth == 0 && is_kw(t, stops[k])) stop = 1;
        if (stop || is_p(t, ";") || (depth == 0 && is_p(t, ")")) || (depth == 0 && p->stop_comma && is_p(t, ","))) {
            if (want_eq && need) {
                if (last && (is_kw(last, "AND") || is_kw(last, "OR")))
                    fail(p, "Missing right-hand side expression of infix operator");
                else
                    fail(p, !last && t->kind == T_IDENT ? "Unexpected keyword" : "Unexpected term");
            }
            break;
        }
        if (want_eq && need && (is_kw(t, "IS") || is_kw(t, "LIKE"))) {
            fail(p, "Unexpected operator");
            break;
        }
        if (want_eq && !need && (is_value_start(t) || t->kind == T_QIDENT ||
                                 (t->kind == T_IDENT && !is_operator_word(t)))) {
            fail(p, "Unexpected token after expression");   /* two terms side by side */
            break;
        }
        last = t;
        need = is_value_start(t) ? 0 : t->kind == T_PUNCT ? !is_p(t, ")") && !is_p(t, "]") :
               t->kind == T_IDENT && (is_kw(t, "AND") || is_kw(t, "OR") || is_kw(t, "NOT") || is_kw(t, "BETWEEN"));
        nb_buf_putc(out, ' ');
        if (t->kind == T_IDENT &&
            (is_kw(t, "AND") || is_kw(t, "OR") || is_kw(t, "NOT") || is_kw(t, "BETWEEN"))) {
            /* OR at the top: the equalities no longer pin the key; NOT (binding tighter
             * than AND) takes only its own conjunct's */
            if (is_kw(t, "OR") && depth == 0) any_or = 1;
            if (is_kw(t, "NOT") && depth == 0) negated = 1;
            if (is_kw(t, "AND") && depth == 0 && !between) { conj++; negated = 0; }
            else if (!is_kw(t, "AND")) plain = 0;
            between = is_kw(t, "BETWEEN");
            for (const char *c = t->text; *c; c++) nb_buf_putc(out, (char)toupper((unsigned char)*c));
            p->i++;
        } else if (is_kw(t, "IN")) {
            plain = 0;
            if (in_name && depth == 0 && want_eq && !negated) json_object_set_new(ins, in_name, json_true());
            p->i++;
            nb_buf_puts(out, "IN ");
            if (accept_p(p, "[")) {
                nb_buf_putc(out, '(');
                for (int first = 1; !accept_p(p, "]"); first = 0) {
                    if (!first && !accept_p(p, ",")) { fail(p, "expected ','"); break; }
                    if (!first) nb_buf_puts(out, ", ");
                    json_t *v = parse_value(p);
                    if (!v) break;
                    add_value(p, out, v);
                }
                nb_buf_putc(out, ')');
            }
        } else if (is_value_start(t)) {
            json_t *v = parse_value(p);
            if (!v) break;
            if (eq_name && depth == 0 && want_eq && !negated) { json_object_set(eqs, eq_name, v); n_eq++; }
            eq_name = NULL;
            add_value(p, out, v);
        } else if ((t->kind == T_IDENT) && p->i + 1 < p->n && is_p(&p->t[p->i + 1], "(")) {
            plain = 0;
            if (want_eq && !known_function(t->text)) {
                char what[96];
                int k = snprintf(what, sizeof what, "Unrecognized function: ");
                for (const char *c = t->text; *c && k < (int)sizeof what - 1; c++) what[k++] = (char)tolower((unsigned char)*c);
                what[k] = 0;
                fail_at(p, what, t);
                break;
            }
            for (const char *c = t->text; *c; c++) nb_buf_putc(out, (char)tolower((unsigned char)*c));
            p->i++;
        } else if (t->kind == T_IDENT || t->kind == T_QIDENT) {
            nb_buf_t path = NB_BUF_INIT;
            const char *single = NULL;
            if (parse_path(p, &path, &single) != 0) { nb_buf_free(&path); break; }
            if (accept_kw(p, "IS")) {
                plain = 0;
                int neg = accept_kw(p, "NOT");
                if (accept_kw(p, "MISSING"))
                    nb_buf_printf(out, "%s(%s)", neg ? "attribute_exists" : "attribute_not_exists", path.data);
                else if (accept_kw(p, "NULL")) {
                    nb_buf_printf(out, "%sattribute_type(%s, ", neg ? "NOT " : "", path.data);
                    add_value(p, out, json_pack("{s:s}", "S", "NULL"));
                    nb_buf_putc(out, ')');
                } else {
                    fail(p, "Expected type name");
                }
            } else {
                nb_buf_append(out, path.data, path.len);
                eq_name = single && is_p(peek(p), "=") ? single : NULL;
                in_name = single && is_kw(peek(p), "IN") ? single : NULL;
            }
            nb_buf_free(&path);
        } else if (t->kind == T_PUNCT) {
            if (!is_p(t, "=")) plain = 0;
            if (is_p(t, "(")) depth++;
            if (is_p(t, ")")) depth--;
            if (!is_p(t, "=")) eq_name = NULL;
            nb_buf_puts(out, is_p(t, "!=") ? "<>" : t->text);
            p->i++;
        } else {
            fail(p, "unexpected token");
        }
    }
    if (want_eq && !any_or && !p->failed) {
        json_object_update(p->out->eq, eqs);
        json_object_update(p->out->in_keys, ins);
    }
    json_decref(ins);
    if (want_eq) p->out->eq_only = !any_or && plain && conj == n_eq && !p->failed;
    json_decref(eqs);
    return p->failed ? -1 : 0;
}

/* "Table"[."Index"]: DynamoDB names a longer path and an empty component in
 * words of its own. */
static int table_ref(pq_t *p)
{
    static const char *const next[] = {"WHERE", "SET", "REMOVE", "ORDER", "VALUE", "RETURNING", NULL};
    tok_t *t = peek(p);
    int keyword = 0;
    for (int k = 0; next[k]; k++) keyword |= is_kw(t, next[k]);
    /* the PartiQL parser's words for a missing table: SELECT's FROM wants a term, the others a path */
    if ((t->kind != T_IDENT && t->kind != T_QIDENT) || keyword)
        return fail(p, p->out->kind == DDB_PQ_SELECT || p->out->kind == DDB_PQ_EXISTS
                           ? "Unexpected term" : "Expected identifier for simple path");
    p->i++;
    const char *parts[2] = {t->text, NULL};
    int n = 1;
    while (is_p(peek(p), ".") && p->i + 1 < p->n &&
           (p->t[p->i + 1].kind == T_QIDENT || p->t[p->i + 1].kind == T_IDENT)) {
        if (n == 2) return fail_plain(p, "A path may contain at most 2 components in the FROM clause");
        parts[n++] = p->t[p->i + 1].text;
        p->i += 2;
    }
    for (int k = 0; k < n; k++)
        if (!*parts[k]) return fail_plain(p, "Path component cannot be an empty string");
    p->out->table = nb_xstrdup(parts[0]);
    if (n == 2) p->out->index = nb_xstrdup(parts[1]);
    /* FROM "T" t / FROM "T" AS t (an INSERT's alias is a leftover token instead) */
    tok_t *a = peek(p);
    int clause = 0;
    for (int k = 0; next[k]; k++) clause |= is_kw(a, next[k]);
    if (p->out->kind != DDB_PQ_INSERT && (a->kind == T_IDENT || a->kind == T_QIDENT) && !clause)
        return fail_plain(p, "Aliasing is not supported");
    return 0;
}

static char *take(nb_buf_t *b)
{
    return b->data ? nb_buf_take(b, NULL) : nb_xstrdup("");
}

static int where(pq_t *p, int required)
{
    static const char *const stops[] = {"RETURNING", "ORDER", "SET", "REMOVE", NULL};
    if (!accept_kw(p, "WHERE")) return required ? fail(p, "expected WHERE") : 0;
    nb_buf_t w = NB_BUF_INIT;
    p->collect = p->out->where_attrs;
    int rc = translate(p, &w, stops, 1);
    p->collect = NULL;
    p->out->where = take(&w);
    return rc;
}

/* [RETURNING (ALL|MODIFIED) (OLD|NEW) *] after an UPDATE's or DELETE's WHERE. */
static int returning(pq_t *p)
{
    if (!accept_kw(p, "RETURNING")) return 0;
    int all = accept_kw(p, "ALL"), mod = !all && accept_kw(p, "MODIFIED");
    int old = (all || mod) && accept_kw(p, "OLD"), neu = (all || mod) && !old && accept_kw(p, "NEW");
    if (!(old || neu) || !accept_p(p, "*")) return fail(p, "expected (ALL|MODIFIED) (OLD|NEW) * after RETURNING");
    ddb_pq_t *q = p->out;
    q->returning = all ? (old ? DDB_PQ_RET_ALL_OLD : DDB_PQ_RET_ALL_NEW)
                       : (old ? DDB_PQ_RET_MODIFIED_OLD : DDB_PQ_RET_MODIFIED_NEW);
    if (q->kind == DDB_PQ_DELETE && q->returning != DDB_PQ_RET_ALL_OLD) {
        char m[160];
        snprintf(m, sizeof m, "Invalid returning clause: RETURNING %s %s *. Only RETURNING ALL OLD * is allowed "
                 "in DELETE statements.", all ? "ALL" : "MODIFIED", old ? "OLD" : "NEW");
        return fail_plain(p, m);
    }
    return 0;
}

static int parse_select(pq_t *p)
{
    ddb_pq_t *q = p->out;
    if (!accept_p(p, "*")) {
        nb_buf_t proj = NB_BUF_INIT;
        do {
            if (proj.len) nb_buf_puts(&proj, ", ");
            tok_t *t = peek(p);
            if (t->kind == T_IDENT && p->i + 1 < p->n && is_p(&p->t[p->i + 1], "(")) {
                nb_buf_free(&proj);
                return fail_at(p, "Unexpected path component", t);
            }
            p->collect = q->proj_attrs;
            int rc = parse_path(p, &proj, NULL);
            p->collect = NULL;
            if (rc != 0) { nb_buf_free(&proj); return -1; }
        } while (accept_p(p, ","));
        q->projection = take(&proj);
    }
    if (!accept_kw(p, "FROM")) return fail(p, "expected FROM");
    if (table_ref(p) != 0) return -1;
    if (where(p, 0) != 0) return -1;
    if (p->in_exists || !accept_kw(p, "ORDER")) return 0;
    /* ORDER BY key [ASC|DESC], ...: the key order (ql-reference.select); the first key's direction decides */
    if (!accept_kw(p, "BY")) return fail(p, "expected BY after ORDER");
    int first = 1;
    do {
        tok_t *t = peek(p);
        if (t->kind != T_IDENT && t->kind != T_QIDENT) return fail(p, "expected a key after ORDER BY");
        p->i++;
        int desc = accept_kw(p, "DESC");
        if (!desc) accept_kw(p, "ASC");
        if (first) q->order_desc = desc;
        first = 0;
    } while (accept_p(p, ","));
    return 0;
}

/* The token index just past a path starting at i (i itself when none). */
static size_t path_end(const pq_t *p, size_t i)
{
    if (i >= p->n || (p->t[i].kind != T_IDENT && p->t[i].kind != T_QIDENT)) return i;
    i++;
    for (;;) {
        if (i + 1 < p->n && is_p(&p->t[i], ".") && (p->t[i + 1].kind == T_IDENT || p->t[i + 1].kind == T_QIDENT))
            i += 2;
        else if (i + 2 < p->n && is_p(&p->t[i], "[") && p->t[i + 1].kind == T_NUMBER && is_p(&p->t[i + 2], "]"))
            i += 3;
        else
            return i;
    }
}

/* "path = set_add(path, <<...>>)" or set_delete: DynamoDB's ADD / DELETE of
 * set members, into add or del. 0 not this form; 1 done; -1 failed. */
static int set_function(pq_t *p, nb_buf_t *add, nb_buf_t *del)
{
    size_t end = path_end(p, p->i);
    if (end == p->i || end + 2 >= p->n || !is_p(&p->t[end], "=") || !is_p(&p->t[end + 2], "(")) return 0;
    const tok_t *fn = &p->t[end + 1];
    int is_add = is_kw(fn, "set_add");
    if (!is_add && !is_kw(fn, "set_delete")) return 0;
    const char *up = is_add ? "SET_ADD" : "SET_DELETE";
    char m[96];
    nb_buf_t lhs = NB_BUF_INIT, arg = NB_BUF_INIT;
    int rc = -1;
    parse_path(p, &lhs, NULL);
    p->i = end + 3;
    const tok_t *first = peek(p);
    if (path_end(p, p->i) == p->i || (parse_path(p, &arg, NULL), strcmp(arg.data, lhs.data) != 0)) {
        snprintf(m, sizeof m, "The first argument to %s must equal the assignment value", up);
        fail_at(p, m, fn);
    } else if (!accept_p(p, ",")) {
        snprintf(m, sizeof m, "%s must have exactly two arguments", up);
        fail_at(p, m, fn);
    } else if (!is_p(peek(p), "<<") && peek(p)->kind != T_PARAM) {
        snprintf(m, sizeof m, "The second argument to %s must be a value with type SET", up);
        fail_at(p, m, first);
    } else {
        json_t *v = parse_value(p);
        if (v && !accept_p(p, ")")) {
            json_decref(v);
            snprintf(m, sizeof m, "%s must have exactly two arguments", up);
            fail_at(p, m, fn);
        } else if (v) {
            nb_buf_t *out = is_add ? add : del;
            nb_buf_printf(out, "%s%s ", out->len ? ", " : "", lhs.data);
            add_value(p, out, v);
            rc = 1;
        }
    }
    nb_buf_free(&lhs);
    nb_buf_free(&arg);
    return rc;
}

/* UPDATE's SET and REMOVE clauses (any number, any order) as an
 * UpdateExpression (heap), or NULL when failed. */
static char *update_clauses(pq_t *p)
{
    static const char *const stops[] = {"SET", "REMOVE", "WHERE", "RETURNING", NULL};
    nb_buf_t u = NB_BUF_INIT, set = NB_BUF_INIT, rem = NB_BUF_INIT, add = NB_BUF_INIT, del = NB_BUF_INIT;
    while (!p->failed) {
        if (accept_kw(p, "SET")) {
            do {
                int rc = set_function(p, &add, &del);
                if (rc != 0) continue;
                if (set.len) nb_buf_puts(&set, ",");
                p->stop_comma = 1;
                translate(p, &set, stops, 0);
                p->stop_comma = 0;
            } while (!p->failed && accept_p(p, ","));
        } else if (accept_kw(p, "REMOVE")) {
            if (rem.len) nb_buf_puts(&rem, ",");
            translate(p, &rem, stops, 0);
        } else {
            break;
        }
    }
    if (set.len) nb_buf_printf(&u, "SET %s ", set.data);
    if (add.len) nb_buf_printf(&u, "ADD %s ", add.data);
    if (del.len) nb_buf_printf(&u, "DELETE %s ", del.data);
    if (rem.len) nb_buf_printf(&u, "REMOVE %s", rem.data);
    nb_buf_free(&set);
    nb_buf_free(&rem);
    nb_buf_free(&add);
    nb_buf_free(&del);
    return take(&u);
}

static int parse_stmt(pq_t *p)
{
    ddb_pq_t *q = p->out;
    if (accept_kw(p, "SELECT")) {
        q->kind = DDB_PQ_SELECT;
        return parse_select(p);
    }
    if (accept_kw(p, "EXISTS")) {
        q->kind = DDB_PQ_EXISTS;
        if (!accept_p(p, "(") || !accept_kw(p, "SELECT")) return fail(p, "expected (SELECT after EXISTS");
        p->in_exists = 1;
        if (parse_select(p) != 0) return -1;
        p->in_exists = 0;
        return accept_p(p, ")") ? 0 : fail(p, "expected ')'");
    }
    if (accept_kw(p, "INSERT")) {
        q->kind = DDB_PQ_INSERT;
        if (!accept_kw(p, "INTO")) return fail(p, "expected INTO");
        if (table_ref(p) != 0) return -1;
        if (!accept_kw(p, "VALUE"))
            return fail(p, peek(p)->kind == T_END ? "expected VALUE" : "Unexpected token after expression");
        json_t *v = parse_value(p);
        if (!v) return -1;
        q->item = json_incref(json_object_get(v, "M"));
        json_decref(v);
        if (!q->item) return fail(p, "VALUE must be a map");
        return 0;
    }
    if (accept_kw(p, "UPDATE")) {
        q->kind = DDB_PQ_UPDATE;
        if (table_ref(p) != 0) return -1;
        q->update = update_clauses(p);
        if (p->failed) return -1;
        if (!*q->update) return fail(p, "expected SET or REMOVE");
        if (where(p, 1) != 0) return -1;
        return returning(p);
    }
    if (accept_kw(p, "FROM")) {
        /* PartiQL's other UPDATE: FROM "Table" [WHERE cond] SET|REMOVE ... (nubo-db/dynamodb-conformance) */
        q->kind = DDB_PQ_UPDATE;
        if (table_ref(p) != 0 || where(p, 0) != 0) return -1;
        q->update = update_clauses(p);
        if (p->failed) return -1;
        if (!*q->update) return fail(p, "expected SET or REMOVE");
        return returning(p);
    }
    if (accept_kw(p, "DELETE")) {
        q->kind = DDB_PQ_DELETE;
        if (!accept_kw(p, "FROM")) return fail(p, "expected FROM");
        if (table_ref(p) != 0) return -1;
        if (where(p, 1) != 0) return -1;
        return returning(p);
    }
    /* what the service says of "SLECT * FROM t" (nubo-db/dynamodb-conformance, captured from AWS) */
    return fail(p, "Expected data manipulation");
}

int ddb_pq_parse(const char *stmt, const json_t *params, ddb_pq_t *out, ddb_err_t *err)
{
    memset(out, 0, sizeof *out);
    out->names = json_object();
    out->values = json_object();
    out->eq = json_object();
    out->where_attrs = json_array();
    out->in_keys = json_object();
    out->proj_attrs = json_array();
    pq_t p = {0};
    p.src = stmt;
    p.params = params;
    p.out = out;
    p.err = err;
    int rc = lex(&p, stmt);
    if (rc == 0) rc = parse_stmt(&p);
    if (rc == 0) accept_p(&p, ";");
    if (rc == 0 && p.i < p.n) rc = fail(&p, "Unexpected token after expression");
    if (rc == 0 && (p.short_params || p.next_param != json_array_size(params)))
        rc = ddb_err_set(err, NB_ERR_VALIDATION,
                         "Number of parameters in request and statement don't match.");
    for (size_t i = 0; i < p.n; i++) free(p.t[i].text);
    free(p.t);
    nb_buf_free(&p.vpath);
    if (rc != 0) ddb_pq_free(out);
    return rc;
}

void ddb_pq_free(ddb_pq_t *q)
{
    free(q->table);
    free(q->index);
    free(q->projection);
    free(q->where);
    free(q->update);
    json_decref(q->item);
    json_decref(q->names);
    json_decref(q->values);
    json_decref(q->eq);
    json_decref(q->where_attrs);
    json_decref(q->in_keys);
    json_decref(q->proj_attrs);
    memset(q, 0, sizeof *q);
}
