/* ddb_exprs.h — the expressions of one request, parsed together.
 *
 * A request names up to four expressions (condition or filter, update,
 * projection, key condition) sharing ExpressionAttributeNames/Values, or the
 * legacy parameters that predate them (Expected, QueryFilter, ScanFilter,
 * AttributeUpdates, AttributesToGet, KeyConditions, ConditionalOperator),
 * which are translated into the same AST here so the rest of the service
 * sees one form. AST memory lives in the request arena. */
#ifndef DDB_EXPRS_H
#define DDB_EXPRS_H
#include <jansson.h>
#include "core/arena.h"
#include "dynamodb/ddb_expr_parse.h"
#include "dynamodb/ddb_expr_eval.h"

enum ddb_x_which {
    DDB_X_COND = 1u << 0,     /* ConditionExpression | Expected */
    DDB_X_FILTER = 1u << 1,   /* FilterExpression | QueryFilter | ScanFilter */
    DDB_X_UPDATE = 1u << 2,   /* UpdateExpression | AttributeUpdates */
    DDB_X_PROJ = 1u << 3,     /* ProjectionExpression | AttributesToGet */
    DDB_X_KEYCOND = 1u << 4,  /* KeyConditionExpression | KeyConditions */
};

typedef struct ddb_exprs {
    ddb_node_t *cond;          /* condition or filter, NULL when none */
    ddb_update_t *upd;
    ddb_projection_t *proj;
    ddb_node_t *keycond;
    int legacy;                /* 1 when built from legacy parameters */
    int legacy_put_semantics;  /* AttributeUpdates: ADD on a list appends, etc. */
} ddb_exprs_t;

/* Parse the expressions of body allowed by which (enum ddb_x_which), checking
 * names/values (defined, used) and the mixing rules. 0, or -1 with err. */
int ddb_exprs_parse(ddb_exprs_t *x, nb_arena_t *arena, json_t *body, unsigned which, ddb_err_t *err);

/* Legacy translations (ddb_legacy.c). */
int ddb_legacy_condition(nb_arena_t *a, const json_t *conds, const char *op, int expected,
                         const char *param, ddb_node_t **out, ddb_err_t *err);
int ddb_legacy_update(nb_arena_t *a, const json_t *updates, ddb_update_t **out, ddb_err_t *err);
int ddb_legacy_projection(nb_arena_t *a, const json_t *names, ddb_projection_t **out, ddb_err_t *err);
int ddb_legacy_keycond(nb_arena_t *a, const json_t *kc, ddb_node_t **out, ddb_err_t *err);

#endif
