/* ddb_stubs_tmp.c — temporary stubs so the headers link; replaced piece by piece. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "dynamodb/ddb_expr_eval.h"
#include "core/alloc.h"

int ddb_eval_condition(const ddb_node_t *cond, const json_t *item, ddb_err_t *err) { return ddb_err_set(err, NB_ERR_INTERNAL, "not implemented"); }
const json_t *ddb_path_get(const json_t *item, const ddb_path_t *path) { return NULL; }
int ddb_apply_update(const ddb_update_t *u, const json_t *old_item, nb_arena_t *arena, ddb_update_result_t *res, ddb_err_t *err) { return ddb_err_set(err, NB_ERR_INTERNAL, "not implemented"); }
int ddb_update_touches(const ddb_update_t *u, const char *name) { return 0; }
json_t *ddb_project(const json_t *item, const ddb_path_t *paths, size_t n) { return json_object(); }
int ddb_keycond_extract(const ddb_node_t *kc, const char *hash_name, ddb_type_t ht, const char *range_name, ddb_type_t rt, ddb_keycond_t *out, ddb_err_t *err) { return ddb_err_set(err, NB_ERR_INTERNAL, "not implemented"); }
int ddb_keycond_match_range(const ddb_keycond_t *kc, const json_t *v) { return 0; }
