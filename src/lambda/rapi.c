/* rapi.c — the Lambda Runtime API (2018-06-01) as one instance sees it on its
 * own listener. Routing and request validation only; what each call means for
 * the instance is pool.c's. Errors use RAPID's shapes:
 * {"errorMessage":..., "errorType":...} with 400 (bad request id, malformed),
 * 403 (state transition not allowed), 404 (unknown path), 413 (too large). */
#include "lambda/lambda_int.h"
#include <string.h>

#define PREFIX "/2018-06-01/runtime/"

void lambda__rapi_reply(nb_req_t *req, int status, const char *body)
{
    nb_reply(req, status, "application/json", body, strlen(body));
}

/* "/2018-06-01/runtime/invocation/{id}/{what}": copy id, return what or NULL. */
static const char *invocation_path(const char *p, char *id, size_t cap)
{
    static const char inv[] = PREFIX "invocation/";
    if (strncmp(p, inv, sizeof inv - 1) != 0) return NULL;
    p += sizeof inv - 1;
    const char *slash = strchr(p, '/');
    if (!slash || slash == p || (size_t)(slash - p) >= cap) return NULL;
    memcpy(id, p, (size_t)(slash - p));
    id[slash - p] = 0;
    return slash + 1;
}

/* Runtime API requests are nimbus-internal traffic: no access-log line each. */
static const nb_service_t rapi_service = {.name = "lambda-runtime", .proto = NB_PROTO_INTERNAL};

void lambda__rapi_dispatch(nb_req_t *req, void *data)
{
    lambda_inst_t *inst = data;
    req->svc = &rapi_service;
    const char *p = req->path;
    int get = strcmp(req->method, "GET") == 0;
    int post = strcmp(req->method, "POST") == 0;
    if (inst->state == INST_DEAD) {
        lambda__rapi_reply(req, 500, "{\"errorMessage\":\"environment shut down\",\"errorType\":\"Runtime.ExitError\"}");
        return;
    }
    if (strcmp(p, PREFIX "invocation/next") == 0) {
        if (!get) goto not_allowed;
        lambda__inst_next(inst, req);
        return;
    }
    if (strcmp(p, PREFIX "nimbus/code-cache") == 0) {   /* nimbus's own extension */
        lambda__code_cache_request(inst, req);
        return;
    }
    if (strcmp(p, PREFIX "init/error") == 0) {
        if (!post) goto not_allowed;
        lambda__inst_init_error(inst, req);
        return;
    }
    char id[64];
    const char *what = invocation_path(p, id, sizeof id);
    if (what && (strcmp(what, "response") == 0 || strcmp(what, "error") == 0)) {
        if (!post) goto not_allowed;
        lambda__inst_response(inst, req, id, what[0] == 'e');
        return;
    }
    if (what) {
        lambda__rapi_reply(req, 400, "{\"errorMessage\":\"Invalid request ID\",\"errorType\":\"InvalidRequestID\"}");
        return;
    }
    lambda__rapi_reply(req, 404, "{\"errorMessage\":\"Not Found\",\"errorType\":\"InvalidURL\"}");
    return;
not_allowed:
    lambda__rapi_reply(req, 405, "{\"errorMessage\":\"Method Not Allowed\",\"errorType\":\"MethodNotAllowed\"}");
}
