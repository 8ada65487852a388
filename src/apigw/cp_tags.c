/* cp_tags.c — TagResource, UntagResource and GetTags of both control planes
 * (v1: PUT/DELETE/GET /tags/{arn}; v2: POST/DELETE/GET /v2/tags/{arn}).
 * A resource ARN names where its "tags" map lives:
 *   arn:aws:apigateway:REGION::/restapis/ID            the REST API
 *   arn:aws:apigateway:REGION::/restapis/ID/stages/S   its stage S
 *   arn:aws:apigateway:REGION::/apis/ID[/stages/S]     an HTTP/WebSocket API (stage)
 *   arn:aws:apigateway:REGION::/apikeys/ID, /usageplans/ID
 *   arn:aws:apigateway:REGION::/domainnames/NAME, /clientcertificates/ID,
 *   /vpclinks/ID (a v1 VPC link, else a v2 one)
 * The maps are the ones GetRestApi, GetStage, GetApi... return; tags given
 * at creation are already there. */
#include "apigw/apigw_int.h"
#include "core/util.h"
#include <stdio.h>
#include <string.h>

/* Where a tagged resource lives: its document and key (for the save) and the
 * object holding "tags" (all borrowed). */
typedef struct tagged {
    char kind;            /* 'a', 'k', 'p', 'd', 'x', 'l' or 'L' (state.c's record kinds) */
    const char *id;       /* arena */
    json_t *doc;
    json_t *holder;
} tagged_t;

static const char *arn_param(nb_req_t *req)
{
    const char *a = nb_req_param(req, "resource_arn");
    return a ? a : nb_req_param(req, "resource-arn");
}

/* IAM resource of the tag operations: arn:aws:apigateway:R::/tags/{url-encoded ARN}. */
int apigw__tags_iam_arn(nb_req_t *req, nb_buf_t *out)
{
    const char *arn = arn_param(req);
    if (!arn) return -1;
    nb_buf_printf(out, "arn:aws:apigateway:%s::/tags/", req->ctx->cfg->region);
    nb_url_encode(out, arn, strlen(arn), 0);
    return 0;
}

int apigw__tag_arn_split(const char *arn, const char *region, char seg[4][APIGW_ARN_SEG])
{
    static const char pre[] = "arn:aws:apigateway:";
    size_t rl = strlen(region);
    if (strncmp(arn, pre, sizeof pre - 1) != 0 || strncmp(arn + sizeof pre - 1, region, rl) != 0 ||
        strncmp(arn + sizeof pre - 1 + rl, "::/", 3) != 0)
        return -1;
    const char *p = arn + sizeof pre - 1 + rl + 3;
    int n = 0;
    while (*p && n < 4) {
        const char *e = strchr(p, '/');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (!len || len >= APIGW_ARN_SEG) return -1;
        memcpy(seg[n], p, len);
        seg[n++][len] = 0;
        if (!e) return n;
        p = e + 1;
    }
    return -1;
}

/* Find the resource; 0, or -1 after replying BadRequestException (not an
 * API Gateway ARN) or NotFoundException. */
static int find(nb_req_t *req, tagged_t *t)
{
    const char *arn = arn_param(req);
    char seg[4][APIGW_ARN_SEG];
    int n = arn ? apigw__tag_arn_split(arn, req->ctx->cfg->region, seg) : -1;
    int v1 = n >= 2 && strcmp(seg[0], "restapis") == 0, v2 = n >= 2 && strcmp(seg[0], "apis") == 0;
    int stage = n == 4 && strcmp(seg[2], "stages") == 0;
    int top = n == 2;
    memset(t, 0, sizeof *t);
    if ((v1 || v2) && (top || stage)) {
        t->kind = 'a';
        t->id = nb_arena_strdup(req->arena, seg[1]);
        t->doc = json_object_get(apigw__svc.apis, seg[1]);
        const char *kind = json_string_value(json_object_get(t->doc, "kind"));
        if (!kind || strcmp(kind, v1 ? "v1" : "v2") != 0) t->doc = NULL;
        t->holder = !t->doc ? NULL : stage ? json_object_get(json_object_get(t->doc, "stages"), seg[3])
                                           : json_object_get(t->doc, "api");
    } else if (top && (strcmp(seg[0], "apikeys") == 0 || strcmp(seg[0], "usageplans") == 0)) {
        t->kind = seg[0][0] == 'a' ? 'k' : 'p';
        t->id = nb_arena_strdup(req->arena, seg[1]);
        t->doc = t->holder = json_object_get(t->kind == 'k' ? apigw__svc.keys : apigw__svc.plans, seg[1]);
    } else if (top && (strcmp(seg[0], "domainnames") == 0 || strcmp(seg[0], "clientcertificates") == 0 ||
                       strcmp(seg[0], "vpclinks") == 0)) {
        if (seg[0][0] == 'd')   /* names are kept lower-cased */
            for (char *c = seg[1]; *c; c++)
                if (*c >= 'A' && *c <= 'Z') *c = (char)(*c + 32);
        json_t *l1 = json_object_get(apigw__svc.links, seg[1]);
        t->kind = seg[0][0] == 'd' ? 'd' : seg[0][0] == 'c' ? 'x' : l1 ? 'l' : 'L';
        t->id = nb_arena_strdup(req->arena, seg[1]);
        json_t *in = t->kind == 'd' ? apigw__svc.domains : t->kind == 'x' ? apigw__svc.certs
                   : t->kind == 'l' ? apigw__svc.links : apigw__svc.links2;
        t->doc = t->holder = json_object_get(in, seg[1]);
    } else {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid resource ARN: %s", arn ? arn : "");
        return -1;
    }
    if (!t->holder) {
        nb_reply_error(req, APIGW_ERR_NOT_FOUND, "Invalid resource identifier specified %s", arn);
        return -1;
    }
    return 0;
}

static json_t *tags_of(json_t *holder)
{
    json_t *tags = json_object_get(holder, "tags");
    if (!json_is_object(tags)) json_object_set_new(holder, "tags", tags = json_object());
    return tags;
}

/* AWS's tag rules; 0, or -1 after BadRequestException. */
static int check_tags(nb_req_t *req, json_t *add, json_t *have)
{
    if (!json_is_object(add)) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Tags must be a map of string to string");
        return -1;
    }
    size_t total = json_object_size(have);
    const char *k;
    json_t *v;
    json_object_foreach(add, k, v) {
        if (!json_is_string(v) || !*k || strlen(k) > 128 || json_string_length(v) > 256) {
            nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid tag: keys are 1 to 128 characters, values at most 256");
            return -1;
        }
        if (strncmp(k, "aws:", 4) == 0) {
            nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Tag keys cannot start with 'aws:'");
            return -1;
        }
        if (!json_object_get(have, k)) total++;
    }
    if (total > 50) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "The number of tags exceeds the limit of 50");
        return -1;
    }
    return 0;
}

static void tag(nb_req_t *req, int status, json_t *answer)
{
    tagged_t t;
    if (find(req, &t) != 0 || check_tags(req, json_object_get(req->json, "tags"), json_object_get(t.holder, "tags")) != 0) {
        json_decref(answer);
        return;
    }
    json_object_update(tags_of(t.holder), json_object_get(req->json, "tags"));
    apigw__save_reply(req, t.kind, t.id, t.doc, status, answer);
}

void apigw__op_v1_tag_resource(nb_req_t *req)
{
    tag(req, 204, NULL);
}

void apigw__op_v2_tag_resource(nb_req_t *req)
{
    tag(req, 201, json_object());
}

/* v1 and v2 alike: 204 */
void apigw__op_untag_resource(nb_req_t *req)
{
    tagged_t t;
    if (find(req, &t) != 0) return;
    int any = 0;
    for (size_t i = 0; i < req->n_qparams; i++) any |= strcmp(req->qparams[i].name, "tagKeys") == 0;
    if (!any) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "TagKeys is required");
        return;
    }
    json_t *tags = tags_of(t.holder);
    for (size_t i = 0; i < req->n_qparams; i++)
        if (strcmp(req->qparams[i].name, "tagKeys") == 0) json_object_del(tags, req->qparams[i].value);
    apigw__save_reply(req, t.kind, t.id, t.doc, 204, NULL);
}

void apigw__op_get_tags(nb_req_t *req)
{
    tagged_t t;
    if (find(req, &t) != 0) return;
    json_t *tags = json_object_get(t.holder, "tags");
    nb_reply_json(req, 200, json_pack("{s:o}", "tags", json_is_object(tags) ? json_deep_copy(tags) : json_object()));
}
