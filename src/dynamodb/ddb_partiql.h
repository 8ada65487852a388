/* ddb_partiql.h — the PartiQL subset DynamoDB accepts, parsed into the
 * expression language the rest of the service already evaluates.
 *
 *   SELECT * | path[, path...] FROM "Table"[."Index"] [WHERE cond] [ORDER BY key [ASC|DESC], ...]
 *   INSERT INTO "Table" VALUE {'attr': value, ...}
 *   UPDATE "Table" SET path = value[, ...] | REMOVE path ... WHERE cond
 *   FROM "Table" [WHERE cond] SET ... | REMOVE ...     (the same UPDATE)
 *   DELETE FROM "Table" WHERE cond
 *   EXISTS(SELECT * FROM "Table" WHERE cond)    (ExecuteTransaction's check)
 *
 * UPDATE and DELETE may end in RETURNING (ALL|MODIFIED) (OLD|NEW) *. Comments
 * (-- to the end of the line, and C-style blocks) and one trailing ';' are ignored.
 *
 * Values are literals ('str', numbers, TRUE/FALSE, NULL, {...}, [...], <<...>>)
 * or ? parameters. A WHERE clause becomes a condition expression string with
 * #pN / :pN placeholders (names and values filled in the returned maps); the
 * top-level "key = value" conjuncts give the primary key when present. */
#ifndef DDB_PARTIQL_H
#define DDB_PARTIQL_H
#include <jansson.h>
#include "dynamodb/ddb_num.h"

enum ddb_pq_kind { DDB_PQ_SELECT, DDB_PQ_INSERT, DDB_PQ_UPDATE, DDB_PQ_DELETE, DDB_PQ_EXISTS };
/* RETURNING: the ReturnValues it stands for (values of ddb_write.h's enum ddb_rv). */
enum ddb_pq_ret { DDB_PQ_RET_NONE, DDB_PQ_RET_ALL_OLD, DDB_PQ_RET_MODIFIED_OLD, DDB_PQ_RET_ALL_NEW,
                  DDB_PQ_RET_MODIFIED_NEW };

typedef struct ddb_pq {
    int kind;
    char *table;         /* heap */
    char *index;         /* heap or NULL */
    char *projection;    /* SELECT list as a ProjectionExpression, NULL for * */
    char *where;         /* condition expression, NULL when no WHERE */
    char *update;        /* UPDATE: UpdateExpression */
    json_t *item;        /* INSERT: the item (AVs) */
    json_t *names;       /* ExpressionAttributeNames (object, maybe empty) */
    json_t *values;      /* ExpressionAttributeValues (object, maybe empty) */
    json_t *eq;          /* top-level equality conjuncts: attr name -> AV */
    json_t *in_keys;     /* names a top-level conjunct tests with IN (object: name -> true) */
    json_t *where_attrs; /* top-level attribute names WHERE reads, in order (array) */
    json_t *proj_attrs;  /* top-level attribute names the SELECT list reads (array) */
    int eq_only;         /* WHERE is nothing but "name = value" conjuncts joined by AND */
    int returning;       /* enum ddb_pq_ret */
    int order_desc;      /* SELECT ... ORDER BY key DESC: the keys read backwards */
} ddb_pq_t;

/* Parse stmt with params (array of AVs or NULL). 0, or -1 with err
 * (ValidationException "Statement wasn't well formed, can't be processed: ...",
 * or one of DynamoDB's plain messages for a FROM path or a RETURNING clause). */
int ddb_pq_parse(const char *stmt, const json_t *params, ddb_pq_t *out, ddb_err_t *err);
void ddb_pq_free(ddb_pq_t *q);

#endif
