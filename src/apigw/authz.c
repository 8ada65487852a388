/* authz.c — what API Gateway tells the central IAM evaluator (src/auth) about
 * a control-plane request: aws:RequestTag/K and aws:TagKeys (the "tags" of
 * CreateRestApi, CreateApi, CreateStage, CreateApiKey, CreateUsagePlan and
 * TagResource; the tagKeys of UntagResource), and a resource's tags for
 * aws:ResourceTag/K. As in AWS, a REST or HTTP API's child resources
 * (resources, methods, routes, deployments...) carry their API's tags, and
 * what lies under a stage also its stage's (a stage's tag wins over its
 * API's of the same key). Tag operations' resources
 * (arn:aws:apigateway:R::/tags/{URL-encoded ARN}) are the tagged resource's. */
#include "apigw/apigw_int.h"
#include "auth/condkeys.h"
#include "core/service.h"
#include "core/util.h"
#include <stdio.h>
#include <string.h>

static int apigw_authz_key(nb_req_t *req, const void *scope, const char *key, const char *const **vals, size_t *n)
{
    (void)scope;
    const char *op = req->op->name;
    if (strcmp(op, "UntagResource") == 0) return auth_untag_query_keys(req, key, vals, n);
    static const char *const with_tags[] = {"CreateRestApi", "CreateApi", "CreateStage", "CreateApiKey",
                                            "CreateUsagePlan", "TagResource", NULL};
    json_t *tags = req->json && apigw__in_list(with_tags, op) ? json_object_get(req->json, "tags") : NULL;
    return auth_request_tags(req, json_is_object(tags) ? tags : NULL, key, vals, n) == 1;
}

/* Segment i (0-based) of path "/a/b/c" into out; 0, or -1 when absent. */
static int segment(const char *path, int i, char *out, size_t cap)
{
    const char *p = path;
    for (int k = 0; k <= i; k++) {
        if (*p != '/') return -1;
        p++;
        const char *e = strchr(p, '/');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (k == i) {
            if (!len || len >= cap) return -1;
            memcpy(out, p, len);
            out[len] = 0;
            return 0;
        }
        p += len;
    }
    return -1;
}

static void overlay(json_t *into, json_t *holder)
{
    json_t *t = json_object_get(holder, "tags");
    if (json_is_object(t)) json_object_update(into, t);
}

/* Tags for the resource at path (after "arn:aws:apigateway:R::"), or NULL. */
static json_t *tags_at(const char *path, int depth)
{
    char kind[32], id[160], sub[32], name[160];
    if (strncmp(path, "/v2/", 4) == 0) path += 3;   /* the control plane's /v2/apis/... */
    if (segment(path, 0, kind, sizeof kind) != 0 || segment(path, 1, id, sizeof id) != 0) return NULL;
    if (strcmp(kind, "tags") == 0 && depth == 0) {   /* /tags/{encoded ARN}: the tagged resource */
        nb_buf_t b = NB_BUF_INIT;
        json_t *r = NULL;
        const char *enc = path + 6;
        if (nb_url_decode(&b, enc, strlen(enc), 0) == 0 && b.data) {
            nb_buf_putc(&b, 0);
            const char *sep = strstr(b.data, "::/");
            if (strncmp(b.data, "arn:aws:apigateway:", 19) == 0 && sep) r = tags_at(sep + 2, 1);
        }
        nb_buf_free(&b);
        return r;
    }
    if (strcmp(kind, "apikeys") == 0 || strcmp(kind, "usageplans") == 0) {
        json_t *item = json_object_get(kind[0] == 'a' ? apigw__svc.keys : apigw__svc.plans, id);
        if (!item) return NULL;
        json_t *out = json_object();
        overlay(out, item);
        return out;
    }
    int v1 = strcmp(kind, "restapis") == 0;
    if (!v1 && strcmp(kind, "apis") != 0) return NULL;
    json_t *doc = json_object_get(apigw__svc.apis, id);
    const char *k = json_string_value(json_object_get(doc, "kind"));
    if (!k || strcmp(k, v1 ? "v1" : "v2") != 0) return NULL;
    json_t *out = json_object();
    overlay(out, json_object_get(doc, "api"));
    if (segment(path, 2, sub, sizeof sub) == 0 && strcmp(sub, "stages") == 0 &&
        segment(path, 3, name, sizeof name) == 0)
        overlay(out, json_object_get(json_object_get(doc, "stages"), name));
    return out;
}

static json_t *apigw_authz_tags(nb_ctx_t *ctx, const char *arn)
{
    (void)ctx;
    const char *sep = arn ? strstr(arn, "::/") : NULL;
    if (!sep || strncmp(arn, "arn:aws:apigateway:", 19) != 0) return NULL;
    return tags_at(sep + 2, 0);
}

const nb_authz_t apigw__authz = {
    .cond_key = apigw_authz_key,
    .resource_tags = apigw_authz_tags,
};
