/* authz.c — what Lambda tells the central IAM evaluator (src/auth) about a
 * request: aws:RequestTag/K and aws:TagKeys (Tags of CreateFunction and
 * TagResource, tagKeys of UntagResource) and a function's tags for
 * aws:ResourceTag/K (read from its record in the store, in process). */
#include "lambda/lambda_int.h"
#include "auth/condkeys.h"
#include "core/service.h"
#include <string.h>
#include <strings.h>

static int lambda_authz_key(nb_req_t *req, const void *scope, const char *key, const char *const **vals, size_t *n)
{
    (void)scope;
    const char *op = req->op->name;
    if (strcmp(op, "UntagResource") == 0) {
        if (strcasecmp(key, "aws:TagKeys") != 0) return 0;
        auth_vals_t l = AUTH_VALS_INIT(req);
        for (size_t i = 0; i < req->n_qparams; i++)
            if (strcmp(req->qparams[i].name, "tagKeys") == 0) auth_vals_add(&l, req->qparams[i].value);
        return auth_vals_done(&l, vals, n);
    }
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

const nb_authz_t lambda__authz = {
    .cond_key = lambda_authz_key,
    .resource_tags = lambda_authz_tags,
};
