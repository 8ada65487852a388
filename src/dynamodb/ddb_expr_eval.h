/* ddb_expr_eval.h — evaluating parsed expressions (ddb_expr_parse.h) on items.
 *
 * Items are JSON objects name → AV (ddb_av.h), never modified in place: an
 * update produces a new item. A missing item is NULL and behaves as an empty
 * item (every attribute absent). */
#ifndef DDB_EXPR_EVAL_H
#define DDB_EXPR_EVAL_H
#include <jansson.h>
#include "dynamodb/ddb_expr_parse.h"
#include "dynamodb/ddb_keycodec.h"

/* Evaluate a condition/filter on item (borrowed, may be NULL). Returns 1 (true),
 * 0 (false) or -1 with err. Type mismatches make a comparison false, as in DynamoDB. */
int ddb_eval_condition(const ddb_node_t *cond, const json_t *item, ddb_err_t *err);

/* Resolve path in item: the AV found (borrowed) or NULL if absent. */
const json_t *ddb_path_get(const json_t *item, const ddb_path_t *path);

/* The paths an update changed (for ReturnValues UPDATED_OLD / UPDATED_NEW):
 * the action targets, in order, arena-allocated. */
typedef struct ddb_update_result {
    json_t *item;                 /* the new item (new reference, caller decrefs) */
    ddb_path_t *paths;            /* updated paths (arena memory) */
    size_t npaths;
} ddb_update_result_t;

/* Apply u to old_item (borrowed, may be NULL = new item). On success fills res
 * (res->item owned by the caller). -1 with NB_ERR_VALIDATION and DynamoDB's
 * message, e.g.
 *   "An operand in the update expression has an incorrect data type"
 *   "The document path provided in the update expression is invalid for update"
 *   "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING"
 *   number overflow / 38 digits from ddb_num_add.
 * Nothing is changed on error. Key-attribute and item-size checks are the
 * caller's (see ddb_update_touches and ddb_item_size). */
int ddb_apply_update(const ddb_update_t *u, const json_t *old_item, nb_arena_t *arena,
                     ddb_update_result_t *res, ddb_err_t *err);

/* 1 if some action of u targets top-level attribute name (e.g. a key attribute:
 * the caller answers "Cannot update attribute id. This attribute is part of the key"). */
int ddb_update_touches(const ddb_update_t *u, const char *name);
/* The value u SETs top-level attribute name to directly ("SET a = :v"), or NULL. */
const json_t *ddb_update_set_value(const ddb_update_t *u, const char *name);
/* 1 if a path of u (a target or an operand) goes into name with '.' or '[]'. */
int ddb_update_nests(const ddb_update_t *u, const char *name);

/* New item (caller decrefs) holding only the given paths of item (borrowed,
 * may be NULL → empty object), nested maps/lists rebuilt around them, list
 * elements kept in order (absent indexes skipped), as GetItem's
 * ProjectionExpression and ReturnValues UPDATED_* do. */
json_t *ddb_project(const json_t *item, const ddb_path_t *paths, size_t n);

/* A key condition reduced for the store scan. */
typedef struct ddb_keycond {
    const char *hash_name;
    const json_t *hash;           /* borrowed AV */
    const char *range_name;       /* NULL when op == DDB_SK_NONE */
    ddb_sk_op_t op;
    const json_t *v1, *v2;        /* borrowed AVs (v2 only for BETWEEN) */
} ddb_keycond_t;

/* Check a parsed KeyConditionExpression against the key schema (hash_name of
 * type ht; range_name of type rt, or NULL/DDB_T_INVALID when no sort key) and
 * reduce it. Errors with DynamoDB's messages, e.g.
 *   "Query condition missed key schema element: id"
 *   "Query key condition not supported"
 *   "Invalid operator used in KeyConditionExpression: OR"
 *   "One or more parameter values were invalid: Condition parameter type does not match schema type"
 *   "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; ..." */
int ddb_keycond_extract(const ddb_node_t *kc, const char *hash_name, ddb_type_t ht,
                        const char *range_name, ddb_type_t rt, ddb_keycond_t *out,
                        ddb_err_t *err);

/* 1 if the sort-key value v (AV, borrowed) satisfies kc's sort condition
 * (always 1 for DDB_SK_NONE). For filtering after a store range scan. */
int ddb_keycond_match_range(const ddb_keycond_t *kc, const json_t *v);

#endif
