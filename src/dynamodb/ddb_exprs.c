/* ddb_exprs.c — parse a request's expressions (or translate its legacy
 * parameters) in one pass, with DynamoDB's mixing rules. */
#include "dynamodb/ddb_exprs.h"
#include "core/buf.h"
#include <string.h>

typedef struct pair {
    unsigned which;
    const char *expr;      /* expression parameter */
    const char *legacy;    /* legacy parameter */
} pair_t;

static const pair_t pairs[] = {
    {DDB_X_COND, "ConditionExpression", "Expected"},
    {DDB_X_FILTER, "FilterExpression", "QueryFilter"},
    {DDB_X_FILTER, "FilterExpression", "ScanFilter"},
    {DDB_X_UPDATE, "UpdateExpression", "AttributeUpdates"},
    {DDB_X_PROJ, "ProjectionExpression", "AttributesToGet"},
    {DDB_X_KEYCOND, "KeyConditionExpression", "KeyConditions"},
};
#define NPAIRS (sizeof pairs / sizeof pairs[0])

/* "{A, B}" of the present parameters of one style. */
static void present_list(nb_buf_t *b, const json_t *body, unsigned which, int legacy)
{
    int n = 0;
    nb_buf_putc(b, '{');
    for (size_t i = 0; i < NPAIRS; i++) {
        if (!(pairs[i].which & which)) continue;
        const char *p = legacy ? pairs[i].legacy : pairs[i].expr;
        if (!legacy && i > 0 && strcmp(pairs[i - 1].expr, p) == 0) continue;
        if (json_object_get(body, p)) nb_buf_printf(b, "%s%s", n++ ? ", " : "", p);
    }
    if (legacy && json_object_get(body, "ConditionalOperator"))
        nb_buf_printf(b, "%s%s", n++ ? ", " : "", "ConditionalOperator");
    nb_buf_putc(b, '}');
}

static int any_present(const json_t *body, unsigned which, int legacy)
{
    for (size_t i = 0; i < NPAIRS; i++)
        if ((pairs[i].which & which) && json_object_get(body, legacy ? pairs[i].legacy : pairs[i].expr))
            return 1;
    return 0;
}

static int parse_legacy(ddb_exprs_t *x, nb_arena_t *a, json_t *body, unsigned which, ddb_err_t *err)
{
    const char *op = json_string_value(json_object_get(body, "ConditionalOperator"));
    const json_t *v;
    x->legacy = 1;
    if ((which & DDB_X_COND) && (v = json_object_get(body, "Expected")) &&
        ddb_legacy_condition(a, v, op, 1, "Expected", &x->cond, err) != 0)
        return -1;
    if ((which & DDB_X_FILTER) && (v = json_object_get(body, "QueryFilter")) &&
        ddb_legacy_condition(a, v, op, 0, "QueryFilter", &x->cond, err) != 0)
        return -1;
    if ((which & DDB_X_FILTER) && (v = json_object_get(body, "ScanFilter")) &&
        ddb_legacy_condition(a, v, op, 0, "ScanFilter", &x->cond, err) != 0)
        return -1;
    if ((which & DDB_X_UPDATE) && (v = json_object_get(body, "AttributeUpdates")) &&
        ddb_legacy_update(a, v, &x->upd, err) != 0)
        return -1;
    if ((which & DDB_X_PROJ) && (v = json_object_get(body, "AttributesToGet")) &&
        ddb_legacy_projection(a, v, &x->proj, err) != 0)
        return -1;
    if ((which & DDB_X_KEYCOND) && (v = json_object_get(body, "KeyConditions")) &&
        ddb_legacy_keycond(a, v, &x->keycond, err) != 0)
        return -1;
    return 0;
}

/* ExpressionAttributeValues with none of the request's expressions that take
 * values (a ProjectionExpression takes none): DynamoDB names them all,
 * "...: UpdateExpression and ConditionExpression are null" (its order, as
 * quoted from the service and in dynalite's recorded tests). 1 with err. */
static int values_unusable(const json_t *body, unsigned which, ddb_err_t *err)
{
    static const struct { unsigned bit; const char *name; } takes[] = {
        {DDB_X_UPDATE, "UpdateExpression"}, {DDB_X_COND, "ConditionExpression"},
        {DDB_X_FILTER, "FilterExpression"}, {DDB_X_KEYCOND, "KeyConditionExpression"},
    };
    nb_buf_t l = NB_BUF_INIT;
    int n = 0;
    for (size_t i = 0; i < sizeof takes / sizeof *takes; i++) {
        if (!(which & takes[i].bit))
            continue;
        if (json_object_get(body, takes[i].name)) {
            nb_buf_free(&l);
            return 0;
        }
        nb_buf_printf(&l, "%s%s", n++ ? " and " : "", takes[i].name);
    }
    if (n)
        ddb_err_set(err, NB_ERR_VALIDATION, "ExpressionAttributeValues can only be specified when using "
                    "expressions: %s %s null", l.data, n > 1 ? "are" : "is");
    nb_buf_free(&l);
    return n > 0;
}

int ddb_exprs_parse(ddb_exprs_t *x, nb_arena_t *arena, json_t *body, unsigned which, ddb_err_t *err)
{
    memset(x, 0, sizeof *x);
    json_t *names = json_object_get(body, "ExpressionAttributeNames");
    json_t *values = json_object_get(body, "ExpressionAttributeValues");
    int has_expr = any_present(body, which, 0);
    int has_legacy = any_present(body, which, 1) ||
                     ((which & (DDB_X_COND | DDB_X_FILTER)) && json_object_get(body, "ConditionalOperator"));
    if (has_expr && has_legacy) {
        nb_buf_t l = NB_BUF_INIT, e = NB_BUF_INIT;
        present_list(&l, body, which, 1);
        present_list(&e, body, which, 0);
        ddb_err_set(err, NB_ERR_VALIDATION,
                    "Can not use both expression and non-expression parameters in the same request: "
                    "Non-expression parameters: %s Expression parameters: %s", l.data, e.data);
        nb_buf_free(&l);
        nb_buf_free(&e);
        return -1;
    }
    const char *cop = json_string_value(json_object_get(body, "ConditionalOperator"));
    if (cop && (which & (DDB_X_COND | DDB_X_FILTER)) && strcmp(cop, "AND") != 0 && strcmp(cop, "OR") != 0)
        return ddb_err_set(err, NB_ERR_VALIDATION, "1 validation error detected: Value '%s' at 'conditionalOperator' "
                           "failed to satisfy constraint: Member must satisfy enum value set: [OR, AND]", cop);
    if (!has_expr && names)
        return ddb_err_set(err, NB_ERR_VALIDATION,
                           "ExpressionAttributeNames can only be specified when using expressions");
    if (values && values_unusable(body, which, err))
        return -1;
    if (!has_expr) {
        if (values)
            return ddb_err_set(err, NB_ERR_VALIDATION,
                               "ExpressionAttributeValues can only be specified when using expressions");
        return has_legacy ? parse_legacy(x, arena, body, which, err) : 0;
    }
    ddb_expr_ctx_t c;
    if (ddb_expr_begin(&c, arena, names, values, err) < 0) {
        ddb_expr_abort(&c);
        return -1;
    }
    const char *s;
    int rc = 0;
    if (!rc && (which & DDB_X_KEYCOND) && (s = json_string_value(json_object_get(body, "KeyConditionExpression"))))
        rc = ddb_parse_key_condition(&c, s, &x->keycond, err);
    if (!rc && (which & DDB_X_COND) && (s = json_string_value(json_object_get(body, "ConditionExpression"))))
        rc = ddb_parse_condition(&c, s, DDB_EXPR_CONDITION, &x->cond, err);
    if (!rc && (which & DDB_X_FILTER) && (s = json_string_value(json_object_get(body, "FilterExpression"))))
        rc = ddb_parse_condition(&c, s, DDB_EXPR_FILTER, &x->cond, err);
    if (!rc && (which & DDB_X_UPDATE) && (s = json_string_value(json_object_get(body, "UpdateExpression"))))
        rc = ddb_parse_update(&c, s, &x->upd, err);
    if (!rc && (which & DDB_X_PROJ) && (s = json_string_value(json_object_get(body, "ProjectionExpression"))))
        rc = ddb_parse_projection(&c, s, &x->proj, err);
    if (rc) {
        ddb_expr_abort(&c);
        return -1;
    }
    return ddb_expr_end(&c, err) < 0 ? -1 : 0;
}
