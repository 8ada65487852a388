/* extras.c — read-only operations deployment tools call around a function
 * (Terraform, CDK, SAM): code signing, URL config, event source mappings,
 * lists of event invoke and provisioned concurrency configs, layer by ARN.
 * Code signing, function URLs and event source mappings are not served yet,
 * so they answer what AWS answers for a function without them. */
#include "lambda/lambda_int.h"
#include "core/alloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Function record for a read-only op; NULL after replying. */
static json_t *load_fn(nb_req_t *req, char name[LAMBDA_NAME_MAX + 1], char qual[130])
{
    if (lambda__req_fn(req, name, qual)) return NULL;
    store_txn_t *t = lambda__begin(req, 0);
    if (!t) return NULL;
    json_t *rec = lambda__get_fn(t, name);
    store_abort(t);
    if (!rec) lambda__err_not_found_fn(req, name, NULL);
    return rec;
}

void lambda__op_get_code_signing(nb_req_t *req)
{
    char name[LAMBDA_NAME_MAX + 1], qual[130];
    json_t *rec = load_fn(req, name, qual);
    if (!rec) return;
    json_decref(rec);
    nb_reply_json(req, 200, json_pack("{s:s,s:s}", "CodeSigningConfigArn", "", "FunctionName", name));
}

void lambda__op_get_url_config(nb_req_t *req)
{
    char name[LAMBDA_NAME_MAX + 1], qual[130];
    json_t *rec = load_fn(req, name, qual);
    if (!rec) return;
    json_decref(rec);
    lambda__err(req, LAMBDA_ERR_NOT_FOUND, "The resource you requested does not exist.");
}

void lambda__op_list_eic(nb_req_t *req)
{
    char name[LAMBDA_NAME_MAX + 1], qual[130];
    json_t *rec = load_fn(req, name, qual);
    if (!rec) return;
    json_t *arr = json_array();
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(rec, "eic"), k, v) json_array_append(arr, v);
    json_decref(rec);
    nb_reply_json(req, 200, json_pack("{s:o}", "FunctionEventInvokeConfigs", arr));
}

void lambda__op_list_pc(nb_req_t *req)
{
    char name[LAMBDA_NAME_MAX + 1], qual[130];
    json_t *rec = load_fn(req, name, qual);
    if (!rec) return;
    json_t *arr = json_array();
    const char *q;
    json_t *pc;
    json_object_foreach(json_object_get(rec, "pc"), q, pc) {
        char *arn = lambda__fn_arn(name, q);
        unsigned n = (unsigned)json_integer_value(json_object_get(pc, "n"));
        unsigned live = 0;
        lambda_fn_t *fn = lambda__fn_get(name, 0);
        lambda_pool_t *pool = fn ? lambda__pool_get(fn, json_string_value(json_object_get(pc, "ver")), 0) : NULL;
        for (lambda_inst_t *i = pool ? pool->insts : NULL; i; i = i->next)
            if (i->provisioned && (i->state == INST_IDLE || i->state == INST_BUSY || i->state == INST_POST)) live++;
        if (live > n) live = n;
        json_array_append_new(arr, json_pack("{s:s,s:i,s:i,s:i,s:s,s:O}", "FunctionArn", arn,
                                             "RequestedProvisionedConcurrentExecutions", (int)n,
                                             "AvailableProvisionedConcurrentExecutions", (int)live,
                                             "AllocatedProvisionedConcurrentExecutions", (int)live,
                                             "Status", live >= n ? "READY" : "IN_PROGRESS",
                                             "LastModified", json_object_get(pc, "at")));
        free(arn);
    }
    json_decref(rec);
    nb_reply_json(req, 200, json_pack("{s:o}", "ProvisionedConcurrencyConfigs", arr));
}

void lambda__op_list_esm(nb_req_t *req)
{
    nb_reply_json(req, 200, json_pack("{s:[]}", "EventSourceMappings"));
}

void lambda__op_get_layer_by_arn(nb_req_t *req)
{
    const char *arn = nb_req_qparam(req, "Arn");
    const char *l = arn ? strstr(arn, ":layer:") : NULL;
    const char *c = l ? strrchr(l + 7, ':') : NULL;
    json_t *doc = NULL;
    /* a layer of ours only (IAM authorized this ARN): another partition's,
     * region's or account's names none here */
    char *ours = nb_arena_printf(req->arena, "arn:aws:lambda:%s:%s:layer:", req->ctx->cfg->region,
                                 req->ctx->cfg->account);
    int mine = l && strncmp(arn, ours, strlen(ours)) == 0;
    if (mine && c && c > l + 7 && lambda__is_version(c + 1) && strcmp(c + 1, "$LATEST") != 0) {
        char name[160];
        snprintf(name, sizeof name, "%.*s", (int)(c - (l + 7)), l + 7);
        store_txn_t *t = lambda__begin(req, 0);
        if (!t) return;
        nb_buf_t k = NB_BUF_INIT;
        lambda__ver_key(&k, name, (unsigned)strtoul(c + 1, NULL, 10));
        doc = lambda__get_json(t, LAMBDA_KS_LAYER, k.data, k.len);
        nb_buf_free(&k);
        store_abort(t);
    } else if (!c) {
        lambda__err(req, LAMBDA_ERR_VALIDATION, "1 validation error detected: Value '%s' at 'arn' failed to satisfy "
                    "constraint: Member must satisfy regular expression pattern: "
                    "(arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\\d{1}:\\d{12}:layer:"
                    "[a-zA-Z0-9-_]+:[0-9]+)", arn ? arn : "");
        return;
    }
    if (!doc) {
        lambda__err(req, LAMBDA_ERR_NOT_FOUND, "The resource you requested does not exist.");
        return;
    }
    char name[160];
    snprintf(name, sizeof name, "%.*s", (int)(c - (l + 7)), l + 7);
    lambda__layer_locate(req, doc, name);
    nb_reply_json(req, 200, doc);
}
