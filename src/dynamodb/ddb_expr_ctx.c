/* ddb_expr_ctx.c — the per-request expression context: checks on
 * ExpressionAttributeNames / ExpressionAttributeValues, and the "unused"
 * checks that span every expression of the request. Parsing records each
 * placeholder it resolves in used_names / used_values (JSON objects used as
 * sets); ddb_expr_end compares them with the maps. */
#include <string.h>
#include "dynamodb/ddb_expr_int.h"
#include "core/buf.h"

/* Longest placeholder key, prefix included. */
#define MAX_PLACEHOLDER 255

const char *ddb_expr_kind_name(ddb_expr_kind_t k)
{
    switch (k) {
    case DDB_EXPR_CONDITION: return "ConditionExpression";
    case DDB_EXPR_FILTER: return "FilterExpression";
    case DDB_EXPR_KEY_CONDITION: return "KeyConditionExpression";
    case DDB_EXPR_UPDATE: return "UpdateExpression";
    case DDB_EXPR_PROJECTION: return "ProjectionExpression";
    }
    return "Expression";
}

static int valid_placeholder(const char *k, char lead)
{
    if (k[0] != lead || !k[1])
        return 0;
    for (const char *p = k + 1; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return 0;
    return 1;
}

int ddb_expr_begin(ddb_expr_ctx_t *c, nb_arena_t *arena, json_t *names, json_t *values,
                   ddb_err_t *err)
{
    memset(c, 0, sizeof *c);
    c->arena = arena;
    c->names = json_is_null(names) ? NULL : names;
    c->values = json_is_null(values) ? NULL : values;
    c->used_names = json_object();
    c->used_values = json_object();
    const char *k;
    json_t *v;
    if (c->names) {
        if (!json_is_object(c->names))
            return ddb_err_set(err, NB_ERR_SERIALIZATION, "Expected map or null");
        if (json_object_size(c->names) == 0)
            return ddb_err_set(err, NB_ERR_VALIDATION, "ExpressionAttributeNames must not be empty");
        json_object_foreach(c->names, k, v) {
            if (!json_is_string(v))
                return ddb_err_set(err, NB_ERR_SERIALIZATION, "%s",
                                   json_is_number(v) ? "NUMBER_VALUE cannot be converted to String"
                                   : json_is_boolean(v) ? (json_is_true(v) ? "TRUE_VALUE cannot be converted to String"
                                                                           : "FALSE_VALUE cannot be converted to String")
                                   : json_is_array(v) ? "Start of list found where not expected"
                                   : "Start of structure or map found where not expected.");
            /* length before syntax, as DynamoDB checks */
            if (strlen(k) > MAX_PLACEHOLDER)
                return ddb_err_set(err, NB_ERR_VALIDATION, "ExpressionAttributeNames contains invalid key: The "
                                   "expression attribute map contains a key that is too long; size of key: %zu",
                                   strlen(k));
            if (!valid_placeholder(k, '#'))
                return ddb_err_set(err, NB_ERR_VALIDATION,
                                   "ExpressionAttributeNames contains invalid key: Syntax error; key: \"%s\"", k);
            if (json_string_length(v) == 0)
                return ddb_err_set(err, NB_ERR_VALIDATION,
                                   "ExpressionAttributeNames contains invalid value: Empty attribute name for key %s", k);
            if (json_string_length(v) > DDB_MAX_ATTR_NAME)
                return ddb_err_set(err, NB_ERR_VALIDATION, DDB_MSG_NAME_TOO_LARGE);
        }
    }
    if (c->values) {
        if (!json_is_object(c->values))
            return ddb_err_set(err, NB_ERR_SERIALIZATION, "Expected map or null");
        if (json_object_size(c->values) == 0)
            return ddb_err_set(err, NB_ERR_VALIDATION, "ExpressionAttributeValues must not be empty");
        json_object_foreach(c->values, k, v) {
            if (strlen(k) > MAX_PLACEHOLDER)   /* (sic: no size here, unlike the names) */
                return ddb_err_set(err, NB_ERR_VALIDATION, "ExpressionAttributeValues contains invalid key: The "
                                   "expression attribute map contains a key that is too long;");
            if (!valid_placeholder(k, ':'))
                return ddb_err_set(err, NB_ERR_VALIDATION,
                                   "ExpressionAttributeValues contains invalid key: Syntax error; key: \"%s\"", k);
            ddb_err_t e = DDB_ERR_INIT;
            if (ddb_av_validate(v, &e) < 0) {
                if (e.code == NB_ERR_VALIDATION)
                    ddb_err_set(err, NB_ERR_VALIDATION,
                                "ExpressionAttributeValues contains invalid value: %s for key %s", e.msg, k);
                else
                    ddb_err_set(err, e.code, "%s", e.msg);
                ddb_err_free(&e);
                return -1;
            }
        }
    }
    return 0;
}

static int unused(json_t *map, json_t *used, const char *what, ddb_err_t *err)
{
    if (!map)
        return 0;
    nb_buf_t b = NB_BUF_INIT;
    const char *k;
    json_t *v;
    json_object_foreach(map, k, v) {
        if (json_object_get(used, k))
            continue;
        if (b.len)
            nb_buf_puts(&b, ", ");
        nb_buf_puts(&b, k);
    }
    int rc = 0;
    if (b.len)
        rc = ddb_err_set(err, NB_ERR_VALIDATION,
                         "Value provided in %s unused in expressions: keys: {%s}", what, b.data);
    nb_buf_free(&b);
    return rc;
}

int ddb_expr_end(ddb_expr_ctx_t *c, ddb_err_t *err)
{
    int rc = unused(c->names, c->used_names, "ExpressionAttributeNames", err);
    if (rc == 0)
        rc = unused(c->values, c->used_values, "ExpressionAttributeValues", err);
    ddb_expr_abort(c);
    return rc;
}

void ddb_expr_abort(ddb_expr_ctx_t *c)
{
    json_decref(c->used_names);
    json_decref(c->used_values);
    c->used_names = c->used_values = NULL;
}
