/* ddb_expr_parse.h — DynamoDB expressions: lexer, parser, AST, name/value resolution.
 *
 * Parses ConditionExpression / FilterExpression, UpdateExpression,
 * ProjectionExpression and KeyConditionExpression into an AST whose
 * #name placeholders are already replaced by their names and whose :value
 * placeholders point at the (validated) AVs of ExpressionAttributeValues.
 * Evaluation lives in ddb_expr_eval.h; nothing here touches an item.
 *
 * One request may carry several expressions sharing one
 * ExpressionAttributeNames / ExpressionAttributeValues pair; the "unused"
 * checks span all of them, hence the context:
 *
 *   ddb_expr_ctx_t c;
 *   if (ddb_expr_begin(&c, arena, names, values, &err) < 0) ...   // map checks
 *   ddb_parse_condition(&c, cond_str, DDB_EXPR_CONDITION, &cond, &err);
 *   ddb_parse_update(&c, upd_str, &upd, &err);
 *   if (ddb_expr_end(&c, &err) < 0) ...                           // unused #n / :v
 *
 * Memory: every AST node comes from the arena given to ddb_expr_begin and is
 * valid until that arena is freed. AST values (ddb_node_t.value) are borrowed
 * from the values object, which must outlive the AST. Names are arena strings.
 * Errors are NB_ERR_VALIDATION with DynamoDB's messages, e.g.
 *   "Invalid ConditionExpression: Syntax error; token: \"<\", near: \"a <\""
 *   "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: status"
 *   "Invalid ProjectionExpression: An expression attribute name used in the document path is not defined; attribute name: #n"
 *   "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :v"
 *   "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]"
 *   "Value provided in ExpressionAttributeNames unused in expressions: keys: {#x}"
 *   "Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}"
 * A syntax error names the offending token and quotes the source from the
 * token before it to the token after it ("<EOF>" at the end), as DynamoDB does.
 * Paths in messages use the resolved names ("[a, b, [2]]"). */
#ifndef DDB_EXPR_PARSE_H
#define DDB_EXPR_PARSE_H
#include <stddef.h>
#include <jansson.h>
#include "core/arena.h"
#include "dynamodb/ddb_num.h"
#include "dynamodb/ddb_av.h"

/* Which expression parameter a string came from (selects the message prefix
 * "Invalid <Kind>: ..."). */
typedef enum ddb_expr_kind {
    DDB_EXPR_CONDITION,      /* ConditionExpression */
    DDB_EXPR_FILTER,         /* FilterExpression */
    DDB_EXPR_KEY_CONDITION,  /* KeyConditionExpression */
    DDB_EXPR_UPDATE,         /* UpdateExpression */
    DDB_EXPR_PROJECTION      /* ProjectionExpression */
} ddb_expr_kind_t;
/* "ConditionExpression", ... (static). */
const char *ddb_expr_kind_name(ddb_expr_kind_t k);

/* A document path: a.b[2].c → [name a][name b][index 2][name c]. The first
 * element is always a name. */
typedef struct ddb_path_elem {
    const char *name;        /* resolved attribute / map key name; NULL for an index */
    size_t index;            /* list index when name == NULL */
} ddb_path_elem_t;

typedef struct ddb_path {
    ddb_path_elem_t *elems;
    size_t n;
} ddb_path_t;

/* Render a path as DynamoDB does in messages: "[a, b, [2], c]" style. */
void ddb_path_describe(const ddb_path_t *p, nb_buf_t *out);

typedef enum ddb_node_kind {
    /* operands */
    DDB_N_PATH,              /* path */
    DDB_N_VALUE,             /* value (borrowed AV), value_name ":v" */
    DDB_N_SIZE,              /* size(args[0] path) */
    DDB_N_PLUS,              /* args[0] + args[1]  (UpdateExpression SET only) */
    DDB_N_MINUS,             /* args[0] - args[1]  (UpdateExpression SET only) */
    DDB_N_IF_NOT_EXISTS,     /* if_not_exists(args[0] path, args[1]) */
    DDB_N_LIST_APPEND,       /* list_append(args[0], args[1]) */
    /* conditions */
    DDB_N_CMP,               /* args[0] <cmp> args[1] */
    DDB_N_BETWEEN,           /* args[0] BETWEEN args[1] AND args[2] */
    DDB_N_IN,                /* args[0] IN (args[1..nargs-1]) */
    DDB_N_AND, DDB_N_OR,     /* args[0], args[1] */
    DDB_N_NOT,               /* args[0] */
    DDB_N_ATTR_EXISTS,       /* attribute_exists(args[0] path) */
    DDB_N_ATTR_NOT_EXISTS,   /* attribute_not_exists(args[0] path) */
    DDB_N_ATTR_TYPE,         /* attribute_type(args[0] path, args[1] value) */
    DDB_N_BEGINS_WITH,       /* begins_with(args[0], args[1]) */
    DDB_N_CONTAINS           /* contains(args[0], args[1]) */
} ddb_node_kind_t;

typedef enum ddb_cmp {
    DDB_CMP_EQ, DDB_CMP_NE, DDB_CMP_LT, DDB_CMP_LE, DDB_CMP_GT, DDB_CMP_GE
} ddb_cmp_t;

typedef struct ddb_node {
    ddb_node_kind_t kind;
    ddb_cmp_t cmp;                /* DDB_N_CMP */
    ddb_path_t path;              /* DDB_N_PATH */
    const json_t *value;          /* DDB_N_VALUE: borrowed AV (never NULL in a returned AST) */
    const char *value_name;       /* DDB_N_VALUE: ":v" as written; function nodes: the function name */
    struct ddb_node **args;
    size_t nargs;
} ddb_node_t;

typedef enum ddb_update_kind {
    DDB_UPD_SET, DDB_UPD_REMOVE, DDB_UPD_ADD, DDB_UPD_DELETE
} ddb_update_kind_t;

typedef struct ddb_update_action {
    ddb_update_kind_t kind;
    ddb_path_t path;              /* target */
    ddb_node_t *value;            /* SET: operand tree; ADD / DELETE: DDB_N_VALUE; REMOVE: NULL */
} ddb_update_action_t;

/* Actions in the order written (SET ones first as a clause, etc.). */
typedef struct ddb_update {
    ddb_update_action_t *actions;
    size_t n;
    int legacy;                   /* from AttributeUpdates: type errors worded as DynamoDB words those */
} ddb_update_t;

typedef struct ddb_projection {
    ddb_path_t *paths;
    size_t n;
} ddb_projection_t;

/* Parsing context for one request; see the top comment. */
typedef struct ddb_expr_ctx {
    nb_arena_t *arena;            /* borrowed */
    json_t *names;                /* ExpressionAttributeNames or NULL (borrowed) */
    json_t *values;               /* ExpressionAttributeValues or NULL (borrowed) */
    json_t *used_names;           /* internal: set of used "#n" (owned) */
    json_t *used_values;          /* internal: set of used ":v" (owned) */
} ddb_expr_ctx_t;

/* Start a request: checks the maps ("ExpressionAttributeNames must not be
 * empty", "ExpressionAttributeValues must not be empty", keys "#ident" /
 * ":ident" of at most 255 bytes, names non-empty, each value a valid AV:
 * "ExpressionAttributeValues contains invalid value: <msg> for key :v"),
 * normalizing value numbers in place. names/values may be NULL. On error the
 * context is still valid and must be released with ddb_expr_end/_abort.
 * Everything here and in the ddb_parse_* calls needs no table: DynamoDB runs
 * these checks before it looks the table up. */
int ddb_expr_begin(ddb_expr_ctx_t *c, nb_arena_t *arena, json_t *names, json_t *values,
                   ddb_err_t *err);
/* Finish: unused-name check, then unused-value check; releases the context's
 * own memory either way (the AST stays valid with the arena). */
int ddb_expr_end(ddb_expr_ctx_t *c, ddb_err_t *err);
/* Release without the unused checks (after an earlier error). */
void ddb_expr_abort(ddb_expr_ctx_t *c);

/* Each expression: empty → "Invalid <Kind>: The expression can not be empty;",
 * over 4096 bytes → "Invalid <Kind>: Expression size has exceeded the maximum
 * allowed size;" (condition/filter add "expression size: N").
 * Condition or filter expression (kind DDB_EXPR_CONDITION or DDB_EXPR_FILTER). */
int ddb_parse_condition(ddb_expr_ctx_t *c, const char *expr, ddb_expr_kind_t kind,
                        ddb_node_t **out, ddb_err_t *err);
/* UpdateExpression: SET / REMOVE / ADD / DELETE clauses, each at most once;
 * overlapping or conflicting paths rejected. */
int ddb_parse_update(ddb_expr_ctx_t *c, const char *expr, ddb_update_t **out, ddb_err_t *err);
/* ProjectionExpression: comma-separated paths (overlaps rejected). */
int ddb_parse_projection(ddb_expr_ctx_t *c, const char *expr, ddb_projection_t **out,
                         ddb_err_t *err);
/* KeyConditionExpression: syntax only (shape checks against the key schema
 * are done by ddb_keycond_extract in ddb_expr_eval.h). */
int ddb_parse_key_condition(ddb_expr_ctx_t *c, const char *expr, ddb_node_t **out,
                            ddb_err_t *err);

/* 1 if word (any case) is one of DynamoDB's reserved words. */
int ddb_is_reserved_word(const char *word, size_t len);

#endif
