/* ddb_expr_eval.c — evaluating conditions and projections on items.
 *
 * Operands evaluate to AVs held as new references (json_incref of a
 * borrowed value, or a fresh AV for size()); NULL means "absent". DynamoDB
 * semantics: a comparison with an absent or differently-typed operand is
 * false (except <>, which is true when the operands are not equal). */
#include <string.h>
#include "dynamodb/ddb_expr_eval.h"
#include "dynamodb/ddb_expr_int.h"
#include "core/alloc.h"

const json_t *ddb_path_get(const json_t *item, const ddb_path_t *path)
{
    if (!item || path->n == 0)
        return NULL;
    const json_t *v = json_object_get(item, path->elems[0].name);
    for (size_t i = 1; v && i < path->n; i++) {
        const ddb_path_elem_t *e = &path->elems[i];
        ddb_type_t t = ddb_av_type(v);
        if (e->name)
            v = t == DDB_T_M ? json_object_get(ddb_av_value(v), e->name) : NULL;
        else
            v = t == DDB_T_L ? json_array_get(ddb_av_value(v), e->index) : NULL;
    }
    return v;
}

/* size() of an AV, as a new N AV; NULL for types without a size. */
static json_t *av_size(const json_t *v)
{
    const json_t *in = ddb_av_value(v);
    size_t n;
    switch (ddb_av_type(v)) {
    case DDB_T_S: n = json_string_length(in); break;
    case DDB_T_B: {
        nb_buf_t b = NB_BUF_INIT;
        ddb_av_b_decode(v, &b);
        n = b.len;
        nb_buf_free(&b);
        break;
    }
    case DDB_T_SS: case DDB_T_NS: case DDB_T_BS: case DDB_T_L: n = json_array_size(in); break;
    case DDB_T_M: n = json_object_size(in); break;
    default: return NULL;
    }
    char buf[32];
    snprintf(buf, sizeof buf, "%zu", n);
    return ddb_av_n(buf);
}

static json_t *eval_operand(const ddb_node_t *n, const json_t *item)
{
    switch (n->kind) {
    case DDB_N_VALUE:
        return n->value ? json_incref((json_t *)n->value) : NULL;
    case DDB_N_PATH: {
        const json_t *v = ddb_path_get(item, &n->path);
        return v ? json_incref((json_t *)v) : NULL;
    }
    case DDB_N_SIZE: {
        const json_t *v = n->nargs == 1 && n->args[0]->kind == DDB_N_PATH ? ddb_path_get(item, &n->args[0]->path) : NULL;
        return v ? av_size(v) : NULL;
    }
    default:
        return NULL;
    }
}

static int ordered(const json_t *a, const json_t *b, int *c)
{
    if (!a || !b)
        return -1;
    return ddb_av_cmp(a, b, c);
}

static int compare(ddb_cmp_t op, const json_t *a, const json_t *b)
{
    int c;
    switch (op) {
    case DDB_CMP_EQ: return a && b && ddb_av_equal(a, b);
    case DDB_CMP_NE: return !(a && b && ddb_av_equal(a, b));
    case DDB_CMP_LT: return ordered(a, b, &c) == 0 && c < 0;
    case DDB_CMP_LE: return ordered(a, b, &c) == 0 && c <= 0;
    case DDB_CMP_GT: return ordered(a, b, &c) == 0 && c > 0;
    case DDB_CMP_GE: return ordered(a, b, &c) == 0 && c >= 0;
    }
    return 0;
}

static int bytes_of(const json_t *av, nb_buf_t *out)
{
    ddb_type_t t = ddb_av_type(av);
    if (t == DDB_T_S) {
        const json_t *s = ddb_av_value(av);
        nb_buf_append(out, json_string_value(s), json_string_length(s));
        return 0;
    }
    if (t == DDB_T_B)
        return ddb_av_b_decode(av, out);
    return -1;
}

static int begins_with(const json_t *a, const json_t *b)
{
    if (!a || !b || ddb_av_type(a) != ddb_av_type(b))
        return 0;
    nb_buf_t x = NB_BUF_INIT, y = NB_BUF_INIT;
    int r = bytes_of(a, &x) == 0 && bytes_of(b, &y) == 0 && y.len <= x.len
            && (y.len == 0 || memcmp(x.data, y.data, y.len) == 0);
    nb_buf_free(&x);
    nb_buf_free(&y);
    return r;
}

static int contains(const json_t *a, const json_t *b)
{
    if (!a || !b)
        return 0;
    ddb_type_t ta = ddb_av_type(a), tb = ddb_av_type(b);
    const json_t *va = ddb_av_value(a);
    if ((ta == DDB_T_S && tb == DDB_T_S) || (ta == DDB_T_B && tb == DDB_T_B)) {
        nb_buf_t x = NB_BUF_INIT, y = NB_BUF_INIT;
        int r = 0;
        if (bytes_of(a, &x) == 0 && bytes_of(b, &y) == 0)
            r = y.len == 0 || (x.len >= y.len && memmem(x.data, x.len, y.data, y.len) != NULL);
        nb_buf_free(&x);
        nb_buf_free(&y);
        return r;
    }
    ddb_type_t member = ta == DDB_T_SS ? DDB_T_S : ta == DDB_T_NS ? DDB_T_N : ta == DDB_T_BS ? DDB_T_B : DDB_T_INVALID;
    if (member != DDB_T_INVALID) {
        if (tb != member)
            return 0;
        for (size_t i = 0; i < json_array_size(va); i++) {
            json_t *m = ddb_av_wrap(member, json_incref(json_array_get(va, i)));
            int eq = ddb_av_equal(m, b);
            json_decref(m);
            if (eq)
                return 1;
        }
        return 0;
    }
    if (ta == DDB_T_L) {
        for (size_t i = 0; i < json_array_size(va); i++)
            if (ddb_av_equal(json_array_get(va, i), b))
                return 1;
    }
    return 0;
}

static int eval(const ddb_node_t *n, const json_t *item)
{
    json_t *a = NULL, *b = NULL, *c = NULL;
    int r = 0;
    switch (n->kind) {
    case DDB_N_AND: return eval(n->args[0], item) && eval(n->args[1], item);
    case DDB_N_OR: return eval(n->args[0], item) || eval(n->args[1], item);
    case DDB_N_NOT: return !eval(n->args[0], item);
    case DDB_N_ATTR_EXISTS: return ddb_path_get(item, &n->args[0]->path) != NULL;
    case DDB_N_ATTR_NOT_EXISTS: return ddb_path_get(item, &n->args[0]->path) == NULL;
    case DDB_N_ATTR_TYPE: {
        const json_t *v = n->args[0]->kind == DDB_N_VALUE ? n->args[0]->value : ddb_path_get(item, &n->args[0]->path);
        const char *want = n->args[1]->value ? ddb_av_str(n->args[1]->value) : NULL;
        return v && want && strcmp(ddb_type_name(ddb_av_type(v)), want) == 0;
    }
    case DDB_N_CMP:
        a = eval_operand(n->args[0], item);
        b = eval_operand(n->args[1], item);
        r = compare(n->cmp, a, b);
        break;
    case DDB_N_BETWEEN:
        a = eval_operand(n->args[0], item);
        b = eval_operand(n->args[1], item);
        c = eval_operand(n->args[2], item);
        r = compare(DDB_CMP_GE, a, b) && compare(DDB_CMP_LE, a, c);
        break;
    case DDB_N_IN:
        a = eval_operand(n->args[0], item);
        for (size_t i = 1; a && i < n->nargs && !r; i++) {
            b = eval_operand(n->args[i], item);
            r = b && ddb_av_equal(a, b);
            json_decref(b);
            b = NULL;
        }
        break;
    case DDB_N_BEGINS_WITH:
        a = eval_operand(n->args[0], item);
        b = eval_operand(n->args[1], item);
        r = begins_with(a, b);
        break;
    case DDB_N_CONTAINS:
        a = eval_operand(n->args[0], item);
        b = eval_operand(n->args[1], item);
        r = contains(a, b);
        break;
    default:
        r = 0;
        break;
    }
    json_decref(a);
    json_decref(b);
    json_decref(c);
    return r;
}

int ddb_eval_condition(const ddb_node_t *cond, const json_t *item, ddb_err_t *err)
{
    (void)err;
    if (!cond)
        return 1;
    return eval(cond, item);
}

/* ---- projection ---------------------------------------------------------- */

/* Copy the value at path[i..] of src (an AV) into dst (an AV of the same
 * container type being built), creating containers on the way. */
static void project_into(json_t *dst_container, const json_t *src, const ddb_path_t *path, size_t i)
{
    /* dst_container: the inner object (for M / item) or a JSON object keyed by
     * index strings (for L, turned into an array at the end). */
    const ddb_path_elem_t *e = &path->elems[i];
    const json_t *child;
    char key[32];
    const char *k;
    if (e->name) {
        child = json_object_get(src, e->name);
        k = e->name;
    } else {
        child = json_array_get(src, e->index);
        snprintf(key, sizeof key, "%020zu", e->index);
        k = key;
    }
    if (!child)
        return;
    if (i + 1 == path->n) {
        json_object_set_new(dst_container, k, ddb_av_copy(child));
        return;
    }
    const ddb_path_elem_t *next = &path->elems[i + 1];
    ddb_type_t ct = ddb_av_type(child);
    if ((next->name && ct != DDB_T_M) || (!next->name && ct != DDB_T_L))
        return;
    json_t *sub = json_object_get(dst_container, k);
    if (!sub) {
        sub = json_object();
        json_object_set_new(sub, "__t", json_string(ddb_type_name(ct)));
        json_object_set_new(sub, "__c", json_object());
        json_object_set_new(dst_container, k, sub);
    } else if (!json_object_get(sub, "__c")) {
        return;      /* a whole value already there */
    }
    project_into(json_object_get(sub, "__c"), ddb_av_value(child), path, i + 1);
}

/* Turn the build tree into AVs. */
static json_t *finish_tree(json_t *node)
{
    json_t *c = json_object_get(node, "__c");
    if (!c)
        return json_incref(node);        /* a copied AV */
    const char *t = json_string_value(json_object_get(node, "__t"));
    const char *k;
    json_t *v;
    if (strcmp(t, "M") == 0) {
        json_t *m = json_object();
        json_object_foreach(c, k, v)
            json_object_set_new(m, k, finish_tree(v));
        return ddb_av_wrap(DDB_T_M, m);
    }
    /* L: keys are zero-padded indexes, so sorted key order is index order */
    json_t *arr = json_array();
    size_t n = json_object_size(c);
    const char **keys = nb_xmalloc((n ? n : 1) * sizeof *keys);
    size_t i = 0;
    json_object_foreach(c, k, v)
        keys[i++] = k;
    for (size_t a = 1; a < n; a++)
        for (size_t b = a; b > 0 && strcmp(keys[b - 1], keys[b]) > 0; b--) {
            const char *tmp = keys[b];
            keys[b] = keys[b - 1];
            keys[b - 1] = tmp;
        }
    for (i = 0; i < n; i++)
        json_array_append_new(arr, finish_tree(json_object_get(c, keys[i])));
    free(keys);
    return ddb_av_wrap(DDB_T_L, arr);
}

json_t *ddb_project(const json_t *item, const ddb_path_t *paths, size_t n)
{
    json_t *root = json_object();
    if (item)
        for (size_t i = 0; i < n; i++)
            if (paths[i].n && ddb_path_get(item, &paths[i]))
                project_into(root, item, &paths[i], 0);
    json_t *out = json_object();
    const char *k;
    json_t *v;
    json_object_foreach(root, k, v)
        json_object_set_new(out, k, finish_tree(v));
    json_decref(root);
    return out;
}
