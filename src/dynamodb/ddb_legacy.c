/* ddb_legacy.c — the pre-expression parameters (Expected, QueryFilter,
 * ScanFilter, KeyConditions, AttributeUpdates, AttributesToGet,
 * ConditionalOperator) translated into the expression AST of
 * ddb_expr_parse.h, so one evaluator serves both. AV operands are the
 * request's own (validated here, borrowed by the AST). */
#include "dynamodb/ddb_exprs.h"
#include "dynamodb/ddb_av.h"
#include <stdio.h>
#include <string.h>

static ddb_node_t *node(nb_arena_t *a, ddb_node_kind_t k, size_t nargs)
{
    ddb_node_t *n = nb_arena_calloc(a, sizeof *n);
    n->kind = k;
    n->nargs = nargs;
    if (nargs) n->args = nb_arena_calloc(a, nargs * sizeof *n->args);
    return n;
}

static ddb_node_t *path_node(nb_arena_t *a, const char *name)
{
    ddb_node_t *n = node(a, DDB_N_PATH, 0);
    n->path.elems = nb_arena_calloc(a, sizeof *n->path.elems);
    n->path.elems[0].name = nb_arena_strdup(a, name);
    n->path.n = 1;
    return n;
}

static ddb_node_t *value_node(nb_arena_t *a, const json_t *av)
{
    ddb_node_t *n = node(a, DDB_N_VALUE, 0);
    n->value = av;
    n->value_name = ":legacy";
    return n;
}

static ddb_node_t *binary(nb_arena_t *a, ddb_node_kind_t k, ddb_node_t *l, ddb_node_t *r)
{
    ddb_node_t *n = node(a, k, 2);
    n->args[0] = l;
    n->args[1] = r;
    return n;
}

static int validate_list(json_t *list, ddb_err_t *err)
{
    size_t i;
    json_t *av;
    json_array_foreach(list, i, av) {
        if (ddb_av_validate(av, err) != 0) return -1;
    }
    return 0;
}

/* 1 when op takes n values (unknown operators are left to the enum check). */
static int count_ok(const char *op, size_t n)
{
    if (strcmp(op, "NULL") == 0 || strcmp(op, "NOT_NULL") == 0) return n == 0;
    if (strcmp(op, "BETWEEN") == 0) return n == 2;
    if (strcmp(op, "IN") == 0) return n >= 1;
    return n == 1;
}

static int nargs_err(const char *op, ddb_err_t *err)
{
    return ddb_err_set(err, NB_ERR_VALIDATION,
                       "One or more parameter values were invalid: Invalid number of argument(s) for the %s "
                       "ComparisonOperator", op);
}

/* The AttributeValueList's types for op, as DynamoDB checks them once the
 * count is right, in Expected as in the filters and key conditions: one type
 * throughout; a type op can take (EQ and NE take any: lists, maps and BOOL
 * too, as Alternator's test_query_filter_eq shows on DynamoDB); BETWEEN's
 * bounds in order. 0 or -1. */
static int list_types_check(const char *op, const json_t *list, ddb_err_t *err)
{
    static const struct { const char *op; const char *types; } allowed[] = {
        {"LE", " S N B "}, {"LT", " S N B "},
        {"GE", " S N B "}, {"GT", " S N B "}, {"CONTAINS", " S N B "}, {"NOT_CONTAINS", " S N B "},
        {"BEGINS_WITH", " S B "}, {"IN", " S N B "}, {"BETWEEN", " S N B "},
    };
    size_t n = json_array_size(list);
    if (n == 0)
        return 0;
    ddb_type_t t0 = ddb_av_type(json_array_get(list, 0));
    for (size_t i = 1; i < n; i++)
        if (ddb_av_type(json_array_get(list, i)) != t0)
            return ddb_err_set(err, NB_ERR_VALIDATION, "One or more parameter values were invalid: AttributeValues "
                                                       "inside AttributeValueList must be of same type");
    for (size_t k = 0; k < sizeof allowed / sizeof *allowed; k++) {
        if (strcmp(op, allowed[k].op) != 0)
            continue;
        for (size_t i = 0; i < n; i++) {
            char want[8];
            const char *tn = ddb_type_name(ddb_av_type(json_array_get(list, i)));
            snprintf(want, sizeof want, " %s ", tn);
            if (!strstr(allowed[k].types, want))
                return ddb_err_set(err, NB_ERR_VALIDATION, "One or more parameter values were invalid: "
                                   "ComparisonOperator %s is not valid for %s AttributeValue type", op, tn);
        }
    }
    int c;
    if (strcmp(op, "BETWEEN") == 0 && n == 2 &&
        ddb_av_cmp(json_array_get(list, 0), json_array_get(list, 1), &c) == 0 && c > 0)
        return ddb_err_set(err, NB_ERR_VALIDATION, "The BETWEEN condition was provided a range where the lower "
                                                   "bound is greater than the upper bound");
    return 0;
}

/* One ComparisonOperator + AttributeValueList on attribute name. */
static ddb_node_t *compare(nb_arena_t *a, const char *name, const char *op, json_t *list,
                           const char *param, ddb_err_t *err)
{
    static const struct { const char *op; ddb_cmp_t cmp; } cmps[] = {
        {"EQ", DDB_CMP_EQ}, {"NE", DDB_CMP_NE}, {"LT", DDB_CMP_LT},
        {"LE", DDB_CMP_LE}, {"GT", DDB_CMP_GT}, {"GE", DDB_CMP_GE},
    };
    size_t n = json_array_size(list);
    if (validate_list(list, err) != 0) return NULL;
    if (count_ok(op, n) && list_types_check(op, list, err) != 0) return NULL;
    for (size_t i = 0; i < sizeof cmps / sizeof cmps[0]; i++) {
        if (strcmp(op, cmps[i].op) != 0) continue;
        if (n != 1) { nargs_err(op, err); return NULL; }
        ddb_node_t *c = binary(a, DDB_N_CMP, path_node(a, name), value_node(a, json_array_get(list, 0)));
        c->cmp = cmps[i].cmp;
        return c;
    }
    if (strcmp(op, "NULL") == 0 || strcmp(op, "NOT_NULL") == 0) {
        if (n != 0) { nargs_err(op, err); return NULL; }
        ddb_node_t *c = node(a, op[0] == 'N' && op[1] == 'U' ? DDB_N_ATTR_NOT_EXISTS : DDB_N_ATTR_EXISTS, 1);
        c->args[0] = path_node(a, name);
        return c;
    }
    if (strcmp(op, "CONTAINS") == 0 || strcmp(op, "NOT_CONTAINS") == 0 || strcmp(op, "BEGINS_WITH") == 0) {
        if (n != 1) { nargs_err(op, err); return NULL; }
        ddb_node_t *c = binary(a, op[0] == 'B' ? DDB_N_BEGINS_WITH : DDB_N_CONTAINS, path_node(a, name),
                               value_node(a, json_array_get(list, 0)));
        if (op[0] == 'N') {
            ddb_node_t *neg = node(a, DDB_N_NOT, 1);
            neg->args[0] = c;
            /* NOT_CONTAINS is true only when the attribute exists. */
            ddb_node_t *ex = node(a, DDB_N_ATTR_EXISTS, 1);
            ex->args[0] = path_node(a, name);
            return binary(a, DDB_N_AND, ex, neg);
        }
        return c;
    }
    if (strcmp(op, "BETWEEN") == 0) {
        if (n != 2) { nargs_err(op, err); return NULL; }
        ddb_node_t *c = node(a, DDB_N_BETWEEN, 3);
        c->args[0] = path_node(a, name);
        c->args[1] = value_node(a, json_array_get(list, 0));
        c->args[2] = value_node(a, json_array_get(list, 1));
        return c;
    }
    if (strcmp(op, "IN") == 0) {
        if (n < 1) { nargs_err(op, err); return NULL; }
        ddb_node_t *c = node(a, DDB_N_IN, n + 1);
        c->args[0] = path_node(a, name);
        for (size_t i = 0; i < n; i++) c->args[i + 1] = value_node(a, json_array_get(list, i));
        return c;
    }
    ddb_err_set(err, NB_ERR_VALIDATION,
                "1 validation error detected: Value '%s' at '%c%s.%s.member.comparisonOperator' failed to satisfy "
                "constraint: Member must satisfy enum value set: [IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, "
                "NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]", op, param[0] - 'A' + 'a', param + 1, name);
    return NULL;
}

/* Expected's Value/Exists form. */
static ddb_node_t *expected_simple(nb_arena_t *a, const char *name, json_t *cond, ddb_err_t *err)
{
    json_t *value = json_object_get(cond, "Value");
    json_t *exists = json_object_get(cond, "Exists");
    int ex = !exists || json_is_true(exists);
    if (value && ddb_av_validate(value, err) != 0) return NULL;
    if (ex && !value) {
        ddb_err_set(err, NB_ERR_VALIDATION,
                    "One or more parameter values were invalid: Value must be provided when Exists is %s for "
                    "Attribute: %s", exists ? "true" : "null", name);
        return NULL;
    }
    if (!ex && value) {
        ddb_err_set(err, NB_ERR_VALIDATION,
                    "One or more parameter values were invalid: Value cannot be used when Exists is false for "
                    "Attribute: %s", name);
        return NULL;
    }
    if (!ex) {
        ddb_node_t *c = node(a, DDB_N_ATTR_NOT_EXISTS, 1);
        c->args[0] = path_node(a, name);
        return c;
    }
    ddb_node_t *c = binary(a, DDB_N_CMP, path_node(a, name), value_node(a, value));
    c->cmp = DDB_CMP_EQ;
    return c;
}

/* Expected's members combined as DynamoDB refuses them (in the order dynalite
 * recorded from the service); 0 or -1 with err. */
static int expected_misuse(const char *name, const json_t *cond, const char *cop, ddb_err_t *err)
{
    const char *pfx = "One or more parameter values were invalid: ";
    int has_list = json_object_get(cond, "AttributeValueList") != NULL;
    int has_value = json_object_get(cond, "Value") != NULL;
    if (has_list && has_value)
        return ddb_err_set(err, NB_ERR_VALIDATION, "%sValue and AttributeValueList cannot be used together for "
                           "Attribute: %s", pfx, name);
    if (cop && json_object_get(cond, "Exists"))
        return ddb_err_set(err, NB_ERR_VALIDATION, "%sExists and ComparisonOperator cannot be used together for "
                           "Attribute: %s", pfx, name);
    if (cop && strcmp(cop, "NULL") != 0 && strcmp(cop, "NOT_NULL") != 0 && !has_list && !has_value)
        return ddb_err_set(err, NB_ERR_VALIDATION, "%sValue or AttributeValueList must be used with "
                           "ComparisonOperator: %s for Attribute: %s", pfx, cop, name);
    if (!cop && has_list)
        return ddb_err_set(err, NB_ERR_VALIDATION, "%sAttributeValueList can only be used with a "
                           "ComparisonOperator for Attribute: %s", pfx, name);
    return 0;
}

int ddb_legacy_condition(nb_arena_t *a, const json_t *conds, const char *op, int expected,
                         const char *param, ddb_node_t **out, ddb_err_t *err)
{
    int is_or = op && strcmp(op, "OR") == 0;
    if (op && !is_or && strcmp(op, "AND") != 0)
        return ddb_err_set(err, NB_ERR_VALIDATION,
                           "1 validation error detected: Value '%s' at 'conditionalOperator' failed to satisfy "
                           "constraint: Member must satisfy enum value set: [OR, AND]", op);
    const char *name;
    json_t *cond;
    size_t n = 0, cap = json_object_size(conds);
    ddb_node_t **parts = nb_arena_calloc(a, (cap ? cap : 1) * sizeof *parts);
    json_object_foreach((json_t *)conds, name, cond) {
        const char *cop = json_string_value(json_object_get(cond, "ComparisonOperator"));
        json_t *list = json_object_get(cond, "AttributeValueList"), *value = json_object_get(cond, "Value");
        ddb_node_t *c;
        /* the name limit AttributesToGet and AttributeUpdates have (ddb_legacy_projection, _update) */
        if (strlen(name) > DDB_MAX_ATTR_NAME) return ddb_err_set(err, NB_ERR_VALIDATION, DDB_MSG_NAME_TOO_LARGE);
        if (expected && expected_misuse(name, cond, cop, err) != 0)
            return -1;
        if (cop) {
            /* Expected may give its one operand as Value instead of a list */
            if (!list && value) {
                list = json_array();
                json_array_append(list, value);
                c = compare(a, name, cop, list, param, err);
                json_decref(list);   /* the AST borrows value itself, which the request holds */
            } else {
                c = compare(a, name, cop, list ? list : json_array_get(NULL, 0), param, err);
            }
        } else if (expected) {
            c = expected_simple(a, name, cond, err);
        } else {
            return ddb_err_set(err, NB_ERR_VALIDATION,
                               "1 validation error detected: Value null at '%c%s.%s.member.comparisonOperator' "
                               "failed to satisfy constraint: Member must not be null", param[0] - 'A' + 'a',
                               param + 1, name);
        }
        if (!c) return -1;
        parts[n++] = c;
    }
    /* An operator with nothing to join: measured on DynamoDB by nubo-db's deep-request suite (a one-condition
     * ScanFilter with AND); Alternator's test_update_expected_empty gives an empty Expected the same refusal. */
    if (op && n < 2)
        return ddb_err_set(err, NB_ERR_VALIDATION,
                           "ConditionalOperator can only be used when Filter or Expected has two or more elements");
    /* Combine pairwise so the tree stays shallow however many conditions come. */
    while (n > 1) {
        size_t m = 0;
        for (size_t i = 0; i < n; i += 2)
            parts[m++] = i + 1 < n ? binary(a, is_or ? DDB_N_OR : DDB_N_AND, parts[i], parts[i + 1]) : parts[i];
        n = m;
    }
    *out = n ? parts[0] : NULL;
    return 0;
}

int ddb_legacy_keycond(nb_arena_t *a, const json_t *kc, ddb_node_t **out, ddb_err_t *err)
{
    return ddb_legacy_condition(a, kc, NULL, 0, "KeyConditions", out, err);
}

int ddb_legacy_update(nb_arena_t *a, const json_t *updates, ddb_update_t **out, ddb_err_t *err)
{
    ddb_update_t *u = nb_arena_calloc(a, sizeof *u);
    u->legacy = 1;
    size_t n = json_object_size(updates);
    u->actions = nb_arena_calloc(a, (n ? n : 1) * sizeof *u->actions);
    const char *name;
    json_t *upd;
    json_object_foreach((json_t *)updates, name, upd) {
        const char *action = json_string_value(json_object_get(upd, "Action"));
        json_t *value = json_object_get(upd, "Value");
        if (!action) action = "PUT";
        if (strlen(name) > DDB_MAX_ATTR_NAME) return ddb_err_set(err, NB_ERR_VALIDATION, DDB_MSG_NAME_TOO_LARGE);
        if (value && ddb_av_validate(value, err) != 0) return -1;
        ddb_update_action_t *ac = &u->actions[u->n++];
        ac->path = path_node(a, name)->path;
        if (strcmp(action, "PUT") == 0) {
            if (!value)
                return ddb_err_set(err, NB_ERR_VALIDATION,
                                   "One or more parameter values were invalid: Only DELETE action is allowed when "
                                   "no attribute value is specified");
            ac->kind = DDB_UPD_SET;
            ac->value = value_node(a, value);
        } else if (strcmp(action, "DELETE") == 0) {
            ddb_type_t t = value ? ddb_av_type(value) : DDB_T_INVALID;
            if (value && t != DDB_T_SS && t != DDB_T_NS && t != DDB_T_BS)
                return ddb_err_set(err, NB_ERR_VALIDATION, "One or more parameter values were invalid: DELETE "
                                   "action with value is not supported for the type %s", ddb_type_name(t));
            ac->kind = value ? DDB_UPD_DELETE : DDB_UPD_REMOVE;
            ac->value = value ? value_node(a, value) : NULL;
        } else if (strcmp(action, "ADD") == 0) {
            if (!value)
                return ddb_err_set(err, NB_ERR_VALIDATION,
                                   "One or more parameter values were invalid: Only DELETE action is allowed when "
                                   "no attribute value is specified");
            ddb_type_t t = ddb_av_type(value);
            if (t != DDB_T_L && t != DDB_T_N && t != DDB_T_SS && t != DDB_T_NS && t != DDB_T_BS)
                return ddb_err_set(err, NB_ERR_VALIDATION, "One or more parameter values were invalid: ADD "
                                   "action is not supported for the type %s", ddb_type_name(t));
            if (json_object_get(value, "L")) {
                /* Legacy ADD appends to a list: SET a = list_append(if_not_exists(a, []), v). */
                static json_t *empty_list;
                if (!empty_list) empty_list = json_pack("{s:[]}", "L");
                ddb_node_t *ine = binary(a, DDB_N_IF_NOT_EXISTS, path_node(a, name), value_node(a, empty_list));
                ac->kind = DDB_UPD_SET;
                ac->value = binary(a, DDB_N_LIST_APPEND, ine, value_node(a, value));
            } else {
                ac->kind = DDB_UPD_ADD;
                ac->value = value_node(a, value);
            }
        } else {
            return ddb_err_set(err, NB_ERR_VALIDATION,
                               "1 validation error detected: Value '%s' at 'attributeUpdates.%s.member.action' "
                               "failed to satisfy constraint: Member must satisfy enum value set: [ADD, PUT, DELETE]",
                               action, name);
        }
    }
    *out = u;
    return 0;
}

int ddb_legacy_projection(nb_arena_t *a, const json_t *names, ddb_projection_t **out, ddb_err_t *err)
{
    size_t n = json_array_size(names);
    if (!n)
        return ddb_err_set(err, NB_ERR_VALIDATION,
                           "1 validation error detected: Value '[]' at 'attributesToGet' failed to satisfy "
                           "constraint: Member must have length greater than or equal to 1");
    ddb_projection_t *p = nb_arena_calloc(a, sizeof *p);
    p->paths = nb_arena_calloc(a, n * sizeof *p->paths);
    for (size_t i = 0; i < n; i++) {
        const char *s = json_string_value(json_array_get(names, i));
        if (!s) return ddb_err_set(err, NB_ERR_SERIALIZATION, "Unexpected value type in AttributesToGet");
        if (strlen(s) > DDB_MAX_ATTR_NAME) return ddb_err_set(err, NB_ERR_VALIDATION, DDB_MSG_NAME_TOO_LARGE);
        for (size_t j = 0; j < p->n; j++)
            if (strcmp(p->paths[j].elems[0].name, s) == 0)
                return ddb_err_set(err, NB_ERR_VALIDATION,
                                   "One or more parameter values were invalid: Duplicate value in attribute name: %s", s);
        p->paths[p->n++] = path_node(a, s)->path;
    }
    *out = p;
    return 0;
}
