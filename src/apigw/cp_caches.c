/* cp_caches.c — the stage cache operations: FlushStageAuthorizersCache (REST)
 * and ResetAuthorizersCache (HTTP/WebSocket) forget the cached results of the
 * API's Lambda authorizers (auth.c; the cache is per authorizer, so every
 * stage's go); FlushStageCache (REST) has nothing to flush — nimbus keeps no
 * response cache — and answers as AWS does once the stage is known. */
#include "apigw/apigw_int.h"
#include "apigw/auth.h"

/* The API document of kind whose stage the path names, or NULL after NotFound. */
static json_t *stage_api(nb_req_t *req, const char *kind, const char *api_param, const char *stage_param)
{
    json_t *doc = apigw__api_or_404(req, nb_req_param(req, api_param), kind);
    if (doc && !apigw__child_or_404(req, doc, "stages", nb_req_param(req, stage_param), "Stage")) return NULL;
    return doc;
}

void apigw__op_v1_flush_authorizers_cache(nb_req_t *req)
{
    json_t *doc = stage_api(req, "v1", "restapi_id", "stage_name");
    if (!doc) return;
    apigw__auth_cache_flush(json_object_get(doc, "authorizers"));
    nb_reply(req, 202, "application/json", "", 0);
}

void apigw__op_v1_flush_stage_cache(nb_req_t *req)
{
    if (stage_api(req, "v1", "restapi_id", "stage_name")) nb_reply(req, 202, "application/json", "", 0);
}

void apigw__op_v2_reset_authorizers_cache(nb_req_t *req)
{
    json_t *doc = stage_api(req, "v2", "apiId", "stageName");
    if (!doc) return;
    apigw__auth_cache_flush(json_object_get(doc, "authorizers"));
    nb_reply(req, 204, "application/json", "", 0);
}
