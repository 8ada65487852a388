/* ddb_stubs_tmp.c — temporary stubs so the headers link; replaced piece by piece. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "dynamodb/ddb_expr_eval.h"
#include "core/alloc.h"

int ddb_err_set(ddb_err_t *err, nb_err_t code, const char *fmt, ...)
{
    if (!err) return -1;
    va_list ap; va_start(ap, fmt);
    char *m = NULL;
    if (vasprintf(&m, fmt, ap) < 0) nb_oom(0);
    va_end(ap);
    free(err->msg); err->msg = m; err->code = code;
    return -1;
}
void ddb_err_prefix(ddb_err_t *err, const char *fmt, ...) { (void)err; (void)fmt; }
void ddb_err_free(ddb_err_t *err) { if (err) { free(err->msg); err->msg = NULL; err->code = NB_OK; } }
int ddb_num_parse(const char *s, size_t len, ddb_num_t *out, ddb_err_t *err) { return ddb_err_set(err, NB_ERR_INTERNAL, "not implemented"); }
size_t ddb_num_format(const ddb_num_t *n, char *out, size_t cap) { if (cap) out[0] = 0; return 0; }
char *ddb_num_normalize(const char *s, ddb_err_t *err) { ddb_err_set(err, NB_ERR_INTERNAL, "not implemented"); return NULL; }
int ddb_num_cmp(const ddb_num_t *a, const ddb_num_t *b) { return 0; }
int ddb_num_cmp_str(const char *a, const char *b) { return 0; }
int ddb_num_add(const ddb_num_t *a, const ddb_num_t *b, ddb_num_t *out, ddb_err_t *err) { return ddb_err_set(err, NB_ERR_INTERNAL, "not implemented"); }
int ddb_num_sub(const ddb_num_t *a, const ddb_num_t *b, ddb_num_t *out, ddb_err_t *err) { return ddb_err_set(err, NB_ERR_INTERNAL, "not implemented"); }
size_t ddb_num_size(const ddb_num_t *n) { return 1; }
ddb_type_t ddb_av_type(const json_t *av) { return DDB_T_INVALID; }
const char *ddb_type_name(ddb_type_t t) { return ""; }
ddb_type_t ddb_type_from_name(const char *name) { return DDB_T_INVALID; }
json_t *ddb_av_value(const json_t *av) { return NULL; }
const char *ddb_av_str(const json_t *av) { return NULL; }
int ddb_av_validate(json_t *av, ddb_err_t *err) { return ddb_err_set(err, NB_ERR_INTERNAL, "not implemented"); }
int ddb_item_validate(json_t *item, ddb_err_t *err) { return ddb_err_set(err, NB_ERR_INTERNAL, "not implemented"); }
int ddb_av_equal(const json_t *a, const json_t *b) { return 0; }
int ddb_av_cmp(const json_t *a, const json_t *b, int *out) { return -1; }
int ddb_av_b_decode(const json_t *av, nb_buf_t *out) { return -1; }
int ddb_b64_decode_str(const char *b64, nb_buf_t *out) { return -1; }
size_t ddb_av_size(const json_t *av) { return 0; }
size_t ddb_item_size(const json_t *item) { return 0; }
json_t *ddb_av_copy(const json_t *av) { return json_deep_copy(av); }
json_t *ddb_item_copy(const json_t *item) { return json_deep_copy(item); }
json_t *ddb_av_s(const char *s) { return json_pack("{s:s}", "S", s); }
json_t *ddb_av_sn(const char *s, size_t n) { return json_pack("{s:s%}", "S", s, n); }
json_t *ddb_av_n(const char *normalized) { return json_pack("{s:s}", "N", normalized); }
json_t *ddb_av_num(const ddb_num_t *n) { return NULL; }
json_t *ddb_av_b(const void *bytes, size_t n) { return NULL; }
json_t *ddb_av_bool(int v) { return json_pack("{s:b}", "BOOL", v); }
json_t *ddb_av_null(void) { return json_pack("{s:b}", "NULL", 1); }
json_t *ddb_av_wrap(ddb_type_t t, json_t *inner) { return NULL; }
void ddb_av_describe(const json_t *av, nb_buf_t *out) { }
int ddb_key_encode(nb_buf_t *out, const json_t *av) { return -1; }
int ddb_key_encode_composite(nb_buf_t *out, const json_t *hash, const json_t *range) { return -1; }
long ddb_key_decode(const uint8_t *p, size_t n, ddb_type_t t, json_t **out) { return -1; }
int ddb_key_decode_composite(const uint8_t *p, size_t n, ddb_type_t ht, ddb_type_t rt, json_t **hash, json_t **range) { return -1; }
int ddb_key_range(const json_t *hash, ddb_sk_op_t op, const json_t *v1, const json_t *v2, ddb_key_range_t *out) { return -1; }
void ddb_key_range_free(ddb_key_range_t *r) { }
int ddb_key_prefix_successor(nb_buf_t *p) { return -1; }
const char *ddb_expr_kind_name(ddb_expr_kind_t k) { return ""; }
void ddb_path_describe(const ddb_path_t *p, nb_buf_t *out) { }
int ddb_expr_begin(ddb_expr_ctx_t *c, nb_arena_t *arena, json_t *names, json_t *values, ddb_err_t *err) { memset(c, 0, sizeof *c); return ddb_err_set(err, NB_ERR_INTERNAL, "not implemented"); }
int ddb_expr_end(ddb_expr_ctx_t *c, ddb_err_t *err) { return ddb_err_set(err, NB_ERR_INTERNAL, "not implemented"); }
void ddb_expr_abort(ddb_expr_ctx_t *c) { }
int ddb_parse_condition(ddb_expr_ctx_t *c, const char *expr, ddb_expr_kind_t kind, ddb_node_t **out, ddb_err_t *err) { return ddb_err_set(err, NB_ERR_INTERNAL, "not implemented"); }
int ddb_parse_update(ddb_expr_ctx_t *c, const char *expr, ddb_update_t **out, ddb_err_t *err) { return ddb_err_set(err, NB_ERR_INTERNAL, "not implemented"); }
int ddb_parse_projection(ddb_expr_ctx_t *c, const char *expr, ddb_projection_t **out, ddb_err_t *err) { return ddb_err_set(err, NB_ERR_INTERNAL, "not implemented"); }
int ddb_parse_key_condition(ddb_expr_ctx_t *c, const char *expr, ddb_node_t **out, ddb_err_t *err) { return ddb_err_set(err, NB_ERR_INTERNAL, "not implemented"); }
int ddb_is_reserved_word(const char *word, size_t len) { return 0; }
int ddb_eval_condition(const ddb_node_t *cond, const json_t *item, ddb_err_t *err) { return ddb_err_set(err, NB_ERR_INTERNAL, "not implemented"); }
const json_t *ddb_path_get(const json_t *item, const ddb_path_t *path) { return NULL; }
int ddb_apply_update(const ddb_update_t *u, const json_t *old_item, nb_arena_t *arena, ddb_update_result_t *res, ddb_err_t *err) { return ddb_err_set(err, NB_ERR_INTERNAL, "not implemented"); }
int ddb_update_touches(const ddb_update_t *u, const char *name) { return 0; }
json_t *ddb_project(const json_t *item, const ddb_path_t *paths, size_t n) { return json_object(); }
int ddb_keycond_extract(const ddb_node_t *kc, const char *hash_name, ddb_type_t ht, const char *range_name, ddb_type_t rt, ddb_keycond_t *out, ddb_err_t *err) { return ddb_err_set(err, NB_ERR_INTERNAL, "not implemented"); }
int ddb_keycond_match_range(const ddb_keycond_t *kc, const json_t *v) { return 0; }
