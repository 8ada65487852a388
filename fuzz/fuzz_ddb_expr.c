/* fuzz_ddb_expr.c — parse arbitrary expressions against arbitrary
 * ExpressionAttributeNames / Values, then evaluate whatever parses.
 *
 * Input: byte 0 picks the grammar; the rest is "<expression>\0<json>" where
 * json is {"names":{...},"values":{...}} (optional; when absent or invalid a
 * default set of names and values is used). Grammar 4 is a whole request:
 * the rest is its JSON body, whose expressions or legacy parameters
 * (Expected, AttributeUpdates, QueryFilter, KeyConditions, ...) go through
 * ddb_exprs_parse as an operation's would (byte 0's high bits pick which),
 * then are evaluated the same way. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "dynamodb/ddb_expr_eval.h"
#include "dynamodb/ddb_exprs.h"

static const char *default_maps =
    "{\"names\":{\"#a\":\"a\",\"#b\":\"b\",\"#s\":\"status\",\"#k\":\"pk\"},"
    "\"values\":{\":n\":{\"N\":\"5\"},\":s\":{\"S\":\"ab\"},\":l\":{\"L\":[{\"N\":\"1\"}]},"
    "\":ss\":{\"SS\":[\"a\",\"b\"]},\":m\":{\"M\":{\"x\":{\"BOOL\":true}}},\":b\":{\"B\":\"AAE=\"}}}";
static const char *item_json =
    "{\"pk\":{\"S\":\"p\"},\"a\":{\"N\":\"5\"},\"b\":{\"M\":{\"c\":{\"L\":[{\"S\":\"x\"},{\"N\":\"2\"}]}}},"
    "\"s\":{\"SS\":[\"a\"]},\"l\":{\"L\":[{\"N\":\"1\"},{\"S\":\"q\"}]}}";

/* Evaluate what parsed: a condition on the item and on no item, an update
 * applied and its paths projected, a projection, a key condition's range. */
static void evaluate(ddb_node_t *cond, ddb_update_t *upd, ddb_projection_t *proj, ddb_node_t *keycond,
                     json_t *item, nb_arena_t *a, ddb_err_t *err)
{
    if (cond) {
        ddb_eval_condition(cond, item, err);
        ddb_eval_condition(cond, NULL, err);
    }
    if (upd) {
        (void)ddb_update_touches(upd, "pk");   /* the key attributes' checks */
        (void)ddb_update_nests(upd, "b");
        ddb_update_result_t res;
        if (ddb_apply_update(upd, item, a, &res, err) == 0) {
            json_t *p = ddb_project(res.item, res.paths, res.npaths);
            json_decref(p);
            json_decref(res.item);
        }
    }
    if (proj) {
        json_t *p = ddb_project(item, proj->paths, proj->n);
        json_decref(p);
    }
    if (keycond) {
        ddb_keycond_t kc;
        if (ddb_keycond_extract(keycond, "pk", DDB_T_S, "a", DDB_T_N, &kc, err) == 0) {
            ddb_keycond_match_range(&kc, json_object_get(item, "a"));
            ddb_key_range_t r;
            if (ddb_key_range(kc.hash, kc.op, kc.v1, kc.v2, &r) == 0)
                ddb_key_range_free(&r);
        }
    }
}

/* Grammar 4: a request body through ddb_exprs_parse. */
static void whole_request(unsigned which, const char *body, size_t len)
{
    json_t *req = json_loadb(body, len, 0, NULL);
    if (!json_is_object(req)) {
        json_decref(req);
        return;
    }
    json_t *item = json_loads(item_json, 0, NULL);
    nb_arena_t *a = nb_arena_new(4096);
    ddb_err_t err = DDB_ERR_INIT;
    ddb_exprs_t x;
    if (ddb_exprs_parse(&x, a, req, which ? which : 31, &err) == 0)
        evaluate(x.cond, x.upd, x.proj, x.keycond, item, a, &err);
    else if (!err.msg)
        abort();
    ddb_err_free(&err);
    nb_arena_free(a);
    json_decref(item);
    json_decref(req);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 8192)
        return 0;
    if (data[0] % 5 == 4) {
        whole_request((unsigned)(data[0] >> 3) & 31, (const char *)data + 1, size - 1);
        return 0;
    }
    int kind = data[0] % 5;
    const char *rest = (const char *)data + 1;
    size_t rlen = size - 1;
    const char *nul = memchr(rest, 0, rlen);
    size_t elen = nul ? (size_t)(nul - rest) : rlen;
    char *expr = malloc(elen + 1);
    memcpy(expr, rest, elen);
    expr[elen] = 0;
    json_t *maps = NULL;
    if (nul)
        maps = json_loadb(nul + 1, rlen - elen - 1, JSON_ALLOW_NUL, NULL);
    if (!json_is_object(maps)) {
        json_decref(maps);
        maps = json_loads(default_maps, 0, NULL);
    }
    json_t *names = json_object_get(maps, "names"), *values = json_object_get(maps, "values");
    json_t *item = json_loads(item_json, 0, NULL);
    nb_arena_t *a = nb_arena_new(4096);
    ddb_err_t err = DDB_ERR_INIT;
    ddb_expr_ctx_t c;
    ddb_node_t *cond = NULL;
    ddb_update_t *upd = NULL;
    ddb_projection_t *proj = NULL;
    int rc = ddb_expr_begin(&c, a, names, values, &err);
    if (rc == 0) {
        if (kind == 0)
            rc = ddb_parse_condition(&c, expr, DDB_EXPR_CONDITION, &cond, &err);
        else if (kind == 1)
            rc = ddb_parse_update(&c, expr, &upd, &err);
        else if (kind == 2)
            rc = ddb_parse_projection(&c, expr, &proj, &err);
        else
            rc = ddb_parse_key_condition(&c, expr, &cond, &err);
    }
    /* evaluate even when unused names/values would be reported */
    ddb_expr_end(&c, NULL);
    if (rc == 0)
        evaluate(kind == 0 ? cond : NULL, upd, proj, kind == 3 ? cond : NULL, item, a, &err);
    ddb_err_free(&err);
    nb_arena_free(a);
    json_decref(item);
    json_decref(maps);
    free(expr);
    return 0;
}
