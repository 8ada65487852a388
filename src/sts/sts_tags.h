/* sts_tags.h — AssumeRole's session tags (sts_tags.c). */
#ifndef NB_STS_TAGS_H
#define NB_STS_TAGS_H
#include <jansson.h>
#include "core/request.h"
#include "iam/policy.h"

typedef struct sts_tags {
    json_t *request;           /* the request's Tags: {key: value} */
    json_t *tags;              /* the new session's: inherited transitive + request */
    json_t *transitive;        /* the new session's transitive keys: [key] */
} sts_tags_t;

/* Parse and check the request's Tags and TransitiveTagKeys; caller_session
 * is the calling session's record (NULL when the caller is not a session),
 * whose transitive tags the new session inherits. 0, or -1 after replying
 * the error. *out filled either way: release with sts_tags_free. */
int sts_tags_parse(nb_req_t *req, const json_t *caller_session, sts_tags_t *out);

/* The trust policy's keys for the request's tags: aws:RequestTag/KEY for
 * each, and aws:TagKeys. *keys in req->arena; returns how many (0: none). */
size_t sts_tags_keys(nb_req_t *req, const sts_tags_t *t, iam_ctx_key_t **keys);

void sts_tags_free(sts_tags_t *t);

#endif
