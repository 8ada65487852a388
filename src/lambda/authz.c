/* authz.c — what Lambda tells the central IAM evaluator (src/auth) about a
 * request: aws:RequestTag/K and aws:TagKeys (Tags of CreateFunction and
 * TagResource, tagKeys of UntagResource) and a function's tags for
 * aws:ResourceTag/K (read from its record in the store, in process), and the
 * two ARNs a request with clashing qualifiers names. */
#include "lambda/lambda_int.h"
#include "auth/condkeys.h"
#include "core/arena.h"
#include "core/service.h"
#include <string.h>

static int lambda_authz_key(nb_req_t *req, const void *scope, const char *key, const char *const **vals, size_t *n)
{
    (void)scope;
    const char *op = req->op->name;
    if (strcmp(op, "UntagResource") == 0) return auth_untag_query_keys(req, key, vals, n);
    json_t *tags = NULL;
    if ((strcmp(op, "CreateFunction") == 0 || strcmp(op, "TagResource") == 0) && req->json)
        tags = json_object_get(req->json, "Tags");
    return auth_request_tags(req, tags, key, vals, n) == 1;
}

static json_t *lambda_authz_tags(nb_ctx_t *ctx, const char *arn)
{
    char name[LAMBDA_NAME_MAX + 1], qual[130];
    if (lambda__parse_fn(arn, name, qual) != 0) return NULL;
    store_txn_t *t;
    if (store_begin(ctx->store, STORE_READ, &t) != STORE_OK) return NULL;
    json_t *rec = lambda__get_fn(t, name);
    store_abort(t);
    if (!rec) return NULL;
    json_t *tags = json_object_get(rec, "tags");
    json_t *out = tags ? auth_tags_object(tags) : json_object();
    json_decref(rec);
    return out;
}

/* A request naming a qualifier in the function name and another in Qualifier
 * ("fn:prod" with Qualifier=3) acts on no single ARN: it is authorized on
 * both it names, so a caller allowed on them gets the handler's
 * InvalidParameterValueException (nothing is looked up before it), and one
 * who is not is told which of the two ARNs it lacks — never a denial on "*". */
static size_t lambda_authz_parts(nb_req_t *req, nb_authz_part_t **parts)
{
    if (!lambda__op_takes_qualifier(req->op)) return 0;
    nb_buf_t named = NB_BUF_INIT, given = NB_BUF_INIT;
    size_t n = 0;
    if (lambda__fn_resource_mismatch(req, nb_req_param(req, "FunctionName"), nb_req_qparam(req, "Qualifier"), &named,
                                     &given)) {
        nb_authz_part_t *p = nb_arena_alloc(req->arena, 2 * sizeof *p);
        memset(p, 0, 2 * sizeof *p);
        p[0].resource = nb_arena_strndup(req->arena, named.data, named.len);
        p[1].resource = nb_arena_strndup(req->arena, given.data, given.len);
        *parts = p;
        n = 2;
    }
    nb_buf_free(&named);
    nb_buf_free(&given);
    return n;
}

const nb_authz_t lambda__authz = {
    .parts = lambda_authz_parts,
    .cond_key = lambda_authz_key,
    .resource_tags = lambda_authz_tags,
};
