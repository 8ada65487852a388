/* route.h — API Gateway route matching, independent of where routes come from.
 *
 * A route is (method or "ANY", path template) — an HTTP API's route key
 * "GET /users/{id}", or a REST API's resource path and method; the catch-all
 * "$default" route is method NULL. For one request the most specific route
 * wins, as API Gateway chooses:
 *   1. path segments compared left to right: literal > {param} > {greedy+};
 *   2. then an exact method over ANY;
 *   3. $default only when nothing else matches.
 * Parameter values are percent-decoded (HTTP APIs), or kept as the client
 * sent them (REST APIs: apigw__route_select_rest). Nothing here allocates
 * except the parameter values (arena). */
#ifndef NB_APIGW_ROUTE_H
#define NB_APIGW_ROUTE_H
#include <stddef.h>
#include "core/arena.h"
#include "core/request.h"

#define APIGW_MAX_PARAMS 16
#define APIGW_MAX_SEGS 64

typedef struct apigw_route {
    const char *method;   /* "GET", "ANY"; NULL for $default */
    const char *path;     /* "/users/{id}", "/{proxy+}"; NULL for $default */
    void *data;           /* the caller's (route, method object...) */
} apigw_route_t;

typedef struct apigw_match {
    int index;                           /* winning route, -1 when none */
    nb_kv_t params[APIGW_MAX_PARAMS];    /* path parameters (name without '+') */
    size_t n_params;
} apigw_match_t;

/* Match one template against a raw (not decoded) path. Returns the number of
 * segments matched and fills spec[] with each segment's rank (3 literal,
 * 2 param, 1 greedy) and params (arena); -1 when it does not match. */
int apigw__path_match(nb_arena_t *a, const char *tmpl, const char *raw_path, unsigned char *spec,
                      nb_kv_t *params, size_t *n_params);

/* Select the route for method + raw path among n routes into *m (m->index -1:
 * none). a receives parameter values. */
void apigw__route_select(nb_arena_t *a, const apigw_route_t *routes, size_t n, const char *method,
                         const char *raw_path, apigw_match_t *m);

/* The same with parameter values as sent, not decoded: REST APIs hand them
 * over so (serverless/serverless#5037, dherault/serverless-offline#265). */
void apigw__route_select_rest(nb_arena_t *a, const apigw_route_t *routes, size_t n, const char *method,
                              const char *raw_path, apigw_match_t *m);

/* Split "GET /a/{b}" into method and path (arena); "$default" → NULLs. -1 if malformed. */
int apigw__route_key_split(nb_arena_t *a, const char *route_key, const char **method, const char **path);

#endif
