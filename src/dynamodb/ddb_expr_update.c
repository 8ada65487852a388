/* ddb_expr_update.c — applying a parsed UpdateExpression to an item.
 *
 * Every operand is evaluated against the item as it was before the update
 * (DynamoDB semantics); the actions then apply to a copy: SET in order,
 * REMOVE with list indexes highest first (so indexes name the original
 * positions), then ADD and DELETE. Any error leaves the caller's item
 * untouched, since only the copy was modified. */
#include <stdlib.h>
#include <string.h>
#include "dynamodb/ddb_expr_eval.h"
#include "dynamodb/ddb_expr_int.h"
#include "core/alloc.h"

#define MSG_TYPE "An operand in the update expression has an incorrect data type"
#define MSG_MISSING "The provided expression refers to an attribute that does not exist in the item"
#define MSG_PATH "The document path provided in the update expression is invalid for update"

static json_t *set_value(const ddb_node_t *n, const json_t *old, ddb_err_t *err)
{
    switch (n->kind) {
    case DDB_N_VALUE:
        return ddb_av_copy(n->value);
    case DDB_N_PATH: {
        const json_t *v = ddb_path_get(old, &n->path);
        if (!v) {
            ddb_err_set(err, NB_ERR_VALIDATION, MSG_MISSING);
            return NULL;
        }
        return ddb_av_copy(v);
    }
    case DDB_N_IF_NOT_EXISTS: {
        const json_t *v = ddb_path_get(old, &n->args[0]->path);
        return v ? ddb_av_copy(v) : set_value(n->args[1], old, err);
    }
    case DDB_N_LIST_APPEND: {
        json_t *a = set_value(n->args[0], old, err);
        if (!a)
            return NULL;
        json_t *b = set_value(n->args[1], old, err);
        if (!b) {
            json_decref(a);
            return NULL;
        }
        json_t *r = NULL;
        if (ddb_av_type(a) == DDB_T_L && ddb_av_type(b) == DDB_T_L) {
            json_array_extend(ddb_av_value(a), ddb_av_value(b));
            r = json_incref(a);
        } else {
            ddb_err_set(err, NB_ERR_VALIDATION, MSG_TYPE);
        }
        json_decref(a);
        json_decref(b);
        return r;
    }
    case DDB_N_PLUS: case DDB_N_MINUS: {
        json_t *a = set_value(n->args[0], old, err);
        if (!a)
            return NULL;
        json_t *b = set_value(n->args[1], old, err);
        if (!b) {
            json_decref(a);
            return NULL;
        }
        json_t *r = NULL;
        if (ddb_av_type(a) == DDB_T_N && ddb_av_type(b) == DDB_T_N) {
            ddb_num_t x, y, z;
            const char *sa = ddb_av_str(a), *sb = ddb_av_str(b);
            if (ddb_num_parse(sa, strlen(sa), &x, err) == 0 && ddb_num_parse(sb, strlen(sb), &y, err) == 0
                && (n->kind == DDB_N_PLUS ? ddb_num_add(&x, &y, &z, err) : ddb_num_sub(&x, &y, &z, err)) == 0)
                r = ddb_av_num(&z);
        } else {
            ddb_err_set(err, NB_ERR_VALIDATION, MSG_TYPE);
        }
        json_decref(a);
        json_decref(b);
        return r;
    }
    default:
        ddb_err_set(err, NB_ERR_VALIDATION, MSG_TYPE);
        return NULL;
    }
}

/* The container AV holding the last element of path, in item (mutable), or
 * NULL when absent. For a one-element path returns NULL with *top = 1. */
static json_t *parent_of(json_t *item, const ddb_path_t *path)
{
    ddb_path_t pp = {path->elems, path->n - 1};
    return (json_t *)ddb_path_get(item, &pp);
}

static int set_at(json_t *item, const ddb_path_t *path, json_t *val, ddb_err_t *err)
{
    const ddb_path_elem_t *last = &path->elems[path->n - 1];
    if (path->n == 1) {
        json_object_set_new(item, last->name, val);
        return 0;
    }
    json_t *parent = parent_of(item, path);
    ddb_type_t pt = ddb_av_type(parent);
    if (last->name && pt == DDB_T_M) {
        json_object_set_new(ddb_av_value(parent), last->name, val);
        return 0;
    }
    if (!last->name && pt == DDB_T_L) {
        json_t *arr = ddb_av_value(parent);
        if (last->index < json_array_size(arr))
            json_array_set_new(arr, last->index, val);
        else
            json_array_append_new(arr, val);
        return 0;
    }
    json_decref(val);
    return ddb_err_set(err, NB_ERR_VALIDATION, MSG_PATH);
}

/* REMOVE of path from item. A nested path whose parent is missing is invalid
 * for update, as DynamoDB answers for REMOVE c.c or c[0] when the item lacks c
 * (Alternator's test_nested_attribute_update_bad_path_dot/_array); on an item
 * that does not exist at all (exists 0) it does nothing, as DynamoDB does
 * (test_nested_attribute_remove_from_missing_item). */
static int remove_at(json_t *item, const ddb_path_t *path, int exists, ddb_err_t *err)
{
    const ddb_path_elem_t *last = &path->elems[path->n - 1];
    if (path->n == 1) {
        json_object_del(item, last->name);
        return 0;
    }
    json_t *parent = parent_of(item, path);
    if (!parent)
        return exists ? ddb_err_set(err, NB_ERR_VALIDATION, MSG_PATH) : 0;
    ddb_type_t pt = ddb_av_type(parent);
    if (last->name && pt == DDB_T_M) {
        json_object_del(ddb_av_value(parent), last->name);
        return 0;
    }
    if (!last->name && pt == DDB_T_L) {
        json_t *arr = ddb_av_value(parent);
        if (last->index < json_array_size(arr))
            json_array_remove(arr, last->index);
        return 0;
    }
    return ddb_err_set(err, NB_ERR_VALIDATION, MSG_PATH);
}

static ddb_type_t member_type(ddb_type_t set)
{
    return set == DDB_T_SS ? DDB_T_S : set == DDB_T_NS ? DDB_T_N : set == DDB_T_BS ? DDB_T_B : DDB_T_INVALID;
}

static int set_has(json_t *arr, ddb_type_t mt, json_t *m)
{
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *x = json_array_get(arr, i);
        if (mt == DDB_T_N ? ddb_num_cmp_str(json_string_value(x), json_string_value(m)) == 0 : json_equal(x, m))
            return 1;
    }
    return 0;
}

static int add_at(json_t *item, const ddb_path_t *path, const json_t *v, ddb_err_t *err)
{
    json_t *cur = (json_t *)ddb_path_get(item, path);
    ddb_type_t vt = ddb_av_type(v);
    if (!cur)
        return set_at(item, path, ddb_av_copy(v), err);
    ddb_type_t ct = ddb_av_type(cur);
    if (ct != vt)
        return ddb_err_set(err, NB_ERR_VALIDATION, MSG_TYPE);
    if (ct == DDB_T_N) {
        ddb_num_t x, y, z;
        const char *sa = ddb_av_str(cur), *sb = ddb_av_str(v);
        if (ddb_num_parse(sa, strlen(sa), &x, err) < 0 || ddb_num_parse(sb, strlen(sb), &y, err) < 0
            || ddb_num_add(&x, &y, &z, err) < 0)
            return -1;
        char buf[DDB_NUM_STR_MAX];
        ddb_num_format(&z, buf, sizeof buf);
        json_object_set_new(cur, "N", json_string(buf));
        return 0;
    }
    ddb_type_t mt = member_type(ct);
    if (mt == DDB_T_INVALID)
        return ddb_err_set(err, NB_ERR_VALIDATION, MSG_TYPE);
    json_t *arr = ddb_av_value(cur), *add = ddb_av_value(v);
    for (size_t i = 0; i < json_array_size(add); i++)
        if (!set_has(arr, mt, json_array_get(add, i)))
            json_array_append(arr, json_array_get(add, i));
    return 0;
}

static int delete_at(json_t *item, const ddb_path_t *path, const json_t *v, ddb_err_t *err)
{
    json_t *cur = (json_t *)ddb_path_get(item, path);
    if (!cur)
        return 0;
    ddb_type_t ct = ddb_av_type(cur), mt = member_type(ct);
    if (ct != ddb_av_type(v) || mt == DDB_T_INVALID)
        return ddb_err_set(err, NB_ERR_VALIDATION, MSG_TYPE);
    json_t *arr = ddb_av_value(cur), *del = ddb_av_value(v);
    json_t *keep = json_array();
    for (size_t i = 0; i < json_array_size(arr); i++)
        if (!set_has(del, mt, json_array_get(arr, i)))
            json_array_append(keep, json_array_get(arr, i));
    if (json_array_size(keep) == 0) {
        json_decref(keep);
        return remove_at(item, path, 1, err);
    }
    json_object_set_new(cur, ddb_type_name(ct), keep);
    return 0;
}

/* REMOVE order: by path, with list indexes descending. */
static int remove_order(const void *x, const void *y)
{
    const ddb_path_t *a = &(*(const ddb_update_action_t *const *)x)->path;
    const ddb_path_t *b = &(*(const ddb_update_action_t *const *)y)->path;
    size_t n = a->n < b->n ? a->n : b->n;
    for (size_t i = 0; i < n; i++) {
        const ddb_path_elem_t *e = &a->elems[i], *f = &b->elems[i];
        if (e->name && f->name) {
            int c = strcmp(e->name, f->name);
            if (c)
                return c;
        } else if (!e->name && !f->name) {
            if (e->index != f->index)
                return e->index > f->index ? -1 : 1;
        } else {
            return e->name ? -1 : 1;
        }
    }
    return (a->n > b->n) - (a->n < b->n);
}

int ddb_apply_update(const ddb_update_t *u, const json_t *old_item, nb_arena_t *arena,
                     ddb_update_result_t *res, ddb_err_t *err)
{
    memset(res, 0, sizeof *res);
    json_t **vals = nb_xcalloc(u->n ? u->n : 1, sizeof *vals);
    const ddb_update_action_t **removes = nb_xcalloc(u->n ? u->n : 1, sizeof *removes);
    size_t nrem = 0;
    json_t *item = old_item ? ddb_item_copy(old_item) : json_object();
    int rc = 0;
    for (size_t i = 0; i < u->n && rc == 0; i++)
        if (u->actions[i].kind == DDB_UPD_SET) {
            vals[i] = set_value(u->actions[i].value, old_item, err);
            if (!vals[i])
                rc = -1;
        }
    for (size_t i = 0; i < u->n && rc == 0; i++)
        if (u->actions[i].kind == DDB_UPD_SET) {
            rc = set_at(item, &u->actions[i].path, vals[i], err);
            vals[i] = NULL;
        } else if (u->actions[i].kind == DDB_UPD_REMOVE) {
            removes[nrem++] = &u->actions[i];
        }
    if (rc == 0) {
        qsort(removes, nrem, sizeof *removes, remove_order);
        for (size_t i = 0; i < nrem && rc == 0; i++)
            rc = remove_at(item, &removes[i]->path, old_item != NULL, err);
    }
    for (size_t i = 0; i < u->n && rc == 0; i++) {
        const ddb_update_action_t *a = &u->actions[i];
        if (a->kind == DDB_UPD_ADD)
            rc = add_at(item, &a->path, a->value->value, err);
        else if (a->kind == DDB_UPD_DELETE)
            rc = delete_at(item, &a->path, a->value->value, err);
        /* AttributeUpdates ADD/DELETE on a value of another type: DynamoDB's legacy wording
         * (dynalite's test/updateItem.js, recorded from the service) */
        if (rc != 0 && u->legacy && err->msg && strcmp(err->msg, MSG_TYPE) == 0)
            ddb_err_set(err, NB_ERR_VALIDATION, "Type mismatch for attribute to update");
    }
    for (size_t i = 0; i < u->n; i++)
        json_decref(vals[i]);
    free(vals);
    free(removes);
    /* an update may nest a value deeper than any input was */
    for (size_t i = 0; i < u->n && rc == 0; i++)
        if (ddb_av_depth(json_object_get(item, u->actions[i].path.elems[0].name)) > DDB_MAX_NESTING)
            rc = ddb_err_set(err, NB_ERR_VALIDATION, DDB_MSG_NESTING);
    if (rc < 0) {
        json_decref(item);
        return -1;
    }
    res->item = item;
    res->npaths = u->n;
    res->paths = nb_arena_alloc(arena, (u->n ? u->n : 1) * sizeof *res->paths);
    for (size_t i = 0; i < u->n; i++)
        res->paths[i] = u->actions[i].path;
    return 0;
}

static int node_nests(const ddb_node_t *n, const char *name)
{
    if (!n)
        return 0;
    if (n->kind == DDB_N_PATH && n->path.n > 1 && n->path.elems[0].name && strcmp(n->path.elems[0].name, name) == 0)
        return 1;
    for (size_t i = 0; i < n->nargs; i++)
        if (node_nests(n->args[i], name))
            return 1;
    return 0;
}

int ddb_update_nests(const ddb_update_t *u, const char *name)
{
    for (size_t i = 0; i < u->n; i++) {
        const ddb_path_t *p = &u->actions[i].path;
        if ((p->n > 1 && p->elems[0].name && strcmp(p->elems[0].name, name) == 0) || node_nests(u->actions[i].value, name))
            return 1;
    }
    return 0;
}

int ddb_update_touches(const ddb_update_t *u, const char *name)
{
    for (size_t i = 0; i < u->n; i++)
        if (u->actions[i].path.n && strcmp(u->actions[i].path.elems[0].name, name) == 0)
            return 1;
    return 0;
}

const json_t *ddb_update_set_value(const ddb_update_t *u, const char *name)
{
    for (size_t i = 0; i < u->n; i++) {
        const ddb_update_action_t *a = &u->actions[i];
        if (a->kind == DDB_UPD_SET && a->path.n == 1 && a->path.elems[0].name &&
            strcmp(a->path.elems[0].name, name) == 0 && a->value && a->value->kind == DDB_N_VALUE)
            return a->value->value;
    }
    return NULL;
}
