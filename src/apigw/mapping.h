/* mapping.h — REST non-proxy integrations: request and response mapping
 * templates (the Velocity subset of vtl.h), integration response selection
 * by selectionPattern, status and header mapping (mapping.c), shared with
 * the HTTP integration's call (mapping_http.c). */
#ifndef NB_APIGW_MAPPING_H
#define NB_APIGW_MAPPING_H
#include "apigw/dp.h"

/* The integration's answer as integration responses read it. */
typedef struct apigw_ir_src {
    const char *body;
    size_t blen;
    const nb_kv_t *headers;      /* an HTTP integration's answer headers, else NULL */
    size_t n_headers;
    json_t *ctx;                 /* $context (with what templates #set in it) */
} apigw_ir_src_t;

/* The request's $context (new ref) and its mapped body in out (request
 * template, passthroughBehavior, contentHandling); NULL after answering. */
json_t *apigw__map_begin(apigw_dp_t *dp, nb_buf_t *out);
/* The integration response whose selectionPattern matches key, else the default one. */
json_t *apigw__map_select(json_t *integ, const char *key);
/* Answer from integration response ir (NULL: 500) for the integration's answer src. */
void apigw__map_respond(apigw_dp_t *dp, json_t *ir, const apigw_ir_src_t *src);
/* A mapping expression's value ('static', method.request.*, stageVariables.x,
 * context.x) for the request, in the arena; NULL when it has none. */
const char *apigw__map_request_value(apigw_dp_t *dp, const char *expr, json_t *ctx);
/* What the integration's requestParameters (and a template's
 * $context.requestOverride in ctx) set: {"header":{}, "querystring":{},
 * "path":{}} of the integration request (new ref; mapping_http.c). */
json_t *apigw__map_targets(apigw_dp_t *dp, json_t *ctx);

#endif
