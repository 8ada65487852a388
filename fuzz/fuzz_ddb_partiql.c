/* fuzz_ddb_partiql.c — the PartiQL translator (ddb_partiql.c) on arbitrary
 * statements and parameters, then the expressions it produced through the
 * expression parser that ExecuteStatement hands them to.
 *
 * Input: "<statement>\0<parameters>" where parameters is a JSON array of
 * attribute values (optional; absent or not an array = no parameters; an
 * input whose parameters are not valid attribute values is skipped, as the
 * operation refuses those before parsing).
 * Promises: no crash, no leak; a rejection always carries a message; what the
 * translator accepts, with the names and values it made, parses as a condition,
 * update and projection expression or is rejected with a message (never a
 * crash in the evaluator, nor in the OR-branch overlap check). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "dynamodb/ddb_av.h"
#include "dynamodb/ddb_expr_eval.h"
#include "dynamodb/ddb_partiql.h"
#include "dynamodb/ddb_partiql_exec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Parse one produced expression (kind 0 condition, 1 update, 2 projection). */
static void reparse(const ddb_pq_t *q, const char *expr, int kind)
{
    if (!expr) return;
    nb_arena_t *a = nb_arena_new(4096);
    ddb_err_t err = DDB_ERR_INIT;
    ddb_expr_ctx_t c;
    ddb_node_t *cond = NULL;
    ddb_update_t *upd = NULL;
    ddb_projection_t *proj = NULL;
    int rc = ddb_expr_begin(&c, a, q->names, q->values, &err);
    if (rc == 0) {
        if (kind == 0) rc = ddb_parse_condition(&c, expr, DDB_EXPR_CONDITION, &cond, &err);
        else if (kind == 1) rc = ddb_parse_update(&c, expr, &upd, &err);
        else rc = ddb_parse_projection(&c, expr, &proj, &err);
    }
    if (rc != 0 && !err.msg) abort();
    ddb_expr_end(&c, NULL);
    if (rc == 0 && kind == 0) {
        ddb_eval_condition(cond, q->item, &err);
        ddb_eval_condition(cond, NULL, &err);
        /* the OR-branch overlap rule walks the same tree, for a composite and a simple key */
        ddb_keyschema_t ks = {"id", 'S', "sk", 'N'}, hash_only = {"id", 'S', NULL, 0};
        ddb_pq_check_overlap(&ks, cond, &err);
        ddb_pq_check_overlap(&hash_only, cond, &err);
    }
    ddb_err_free(&err);
    nb_arena_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 16384) return 0;
    const char *nul = memchr(data, 0, size);
    size_t slen = nul ? (size_t)(nul - (const char *)data) : size;
    char *stmt = malloc(slen + 1);
    memcpy(stmt, data, slen);
    stmt[slen] = 0;
    json_t *params = NULL;
    if (nul) params = json_loadb(nul + 1, size - slen - 1, JSON_ALLOW_NUL, NULL);
    if (params && !json_is_array(params)) {
        json_decref(params);
        params = NULL;
    }
    /* the operation validates each parameter as an attribute value first */
    size_t i;
    json_t *av;
    json_array_foreach(params, i, av) {
        ddb_err_t verr = DDB_ERR_INIT;
        int bad = ddb_av_validate(av, &verr);
        ddb_err_free(&verr);
        if (bad) {
            json_decref(params);
            free(stmt);
            return 0;
        }
    }
    ddb_pq_t q;
    memset(&q, 0, sizeof q);
    ddb_err_t err = DDB_ERR_INIT;
    if (ddb_pq_parse(stmt, params, &q, &err) == 0) {
        if (!q.table) abort();
        reparse(&q, q.where, 0);
        reparse(&q, q.update, 1);
        reparse(&q, q.projection, 2);
        ddb_pq_free(&q);
    } else if (!err.msg) {
        abort();
    }
    ddb_err_free(&err);
    json_decref(params);
    free(stmt);
    return 0;
}
