/* condkeys.h — helpers for services answering the central evaluator's
 * condition-key questions (nb_authz_t.cond_key in core/service.h): a growable
 * list of values in the request arena, and the global tag keys
 * aws:RequestTag/KEY and aws:TagKeys read from a request's tags in either of
 * AWS's two shapes. The evaluator itself (src/iam) never learns where a value
 * came from. */
#ifndef NB_AUTH_CONDKEYS_H
#define NB_AUTH_CONDKEYS_H
#include <stddef.h>
#include <jansson.h>
#include "core/request.h"

/* Values of one multi-valued key, in req->arena; duplicates are kept once. */
typedef struct auth_vals {
    nb_arena_t *arena;
    const char **v;
    size_t n, cap;
} auth_vals_t;

#define AUTH_VALS_INIT(req) {(req)->arena, NULL, 0, 0}

/* Append v (copied into the arena) unless already present. */
void auth_vals_add(auth_vals_t *l, const char *v);
/* Return 1 with l's values in *vals / *n (for a cond_key callback). */
int auth_vals_done(auth_vals_t *l, const char *const **vals, size_t *n);

/* aws:RequestTag/KEY and aws:TagKeys for a request whose tags are tags
 * (borrowed; a list [{"Key":k,"Value":v}] as DynamoDB and IAM send, or a map
 * {k: v} as Lambda does; NULL when the request carries none). Returns -1 when
 * key is neither of the two (the caller goes on with its own keys), 0 when the
 * request has no such tag, 1 with the values. */
int auth_request_tags(nb_req_t *req, const json_t *tags, const char *key, const char *const **vals, size_t *n);

/* aws:TagKeys of a REST UntagResource, whose keys are `tagKeys` query
 * parameters (Lambda, API Gateway): 1 with the values, 0 for any other key. */
int auth_untag_query_keys(nb_req_t *req, const char *key, const char *const **vals, size_t *n);

/* The tags of a resource as an object {key: value} (new reference) from either
 * shape above; NULL stays NULL. */
json_t *auth_tags_object(const json_t *tags);

#endif
