/* service.h — how a service plugs into the edge.
 *
 * A service is a folder under src/ that defines one nb_service_t: its protocol,
 * how the edge recognises its requests, and a static table of operations. Each
 * operation names its handler, the IAM action it needs and how to derive the
 * resource ARN from the request, so authorization is enforced centrally by the
 * edge and never re-implemented by a service. Register the service by adding
 * one line to src/core/services.c. */
#ifndef NB_SERVICE_H
#define NB_SERVICE_H
#include <stddef.h>
#include <jansson.h>
#include "core/buf.h"

typedef enum nb_proto {
    NB_PROTO_JSON10,     /* X-Amz-Target, application/x-amz-json-1.0 (DynamoDB) */
    NB_PROTO_JSON11,     /* X-Amz-Target, application/x-amz-json-1.1 (Kinesis, Logs, Events) */
    NB_PROTO_QUERY,      /* form-encoded Action= (SNS, SQS, STS, IAM, CloudWatch) */
    NB_PROTO_REST_JSON,  /* method + path, JSON bodies (Lambda, API Gateway) */
    NB_PROTO_REST_XML,   /* method + path, XML bodies (S3) */
    NB_PROTO_INTERNAL    /* nimbus's own endpoints under /_nimbus/ */
} nb_proto_t;

typedef struct nb_req nb_req_t;
typedef struct nb_ctx nb_ctx_t;

/* Serve one request. The handler must call exactly one nb_reply*() for req,
 * now or later (after a durable commit, a function's answer...). After that
 * call req is no longer valid for the handler. */
typedef void (*nb_handler_fn)(nb_req_t *req);

/* Write the resource ARN of req into out; return 0, or -1 when the request
 * does not name one (the edge then uses "*"). */
typedef int (*nb_arn_fn)(nb_req_t *req, nb_buf_t *out);

enum nb_op_flags {
    NB_OP_RAW_BODY = 1u << 0,   /* REST-JSON: do not parse the body as JSON (Invoke payloads) */
    NB_OP_NO_AUTH  = 1u << 1,   /* served without SigV4 (e.g. presigned/anonymous paths) */
};

typedef struct nb_op {
    const char *name;        /* operation name exactly as in the botocore model: "GetItem" */
    nb_handler_fn handler;
    const char *iam_action;  /* "dynamodb:GetItem" */
    /* ARN template; {region} and {account} are the daemon's, any other {Name} is
     * looked up in the request: REST path parameter, then JSON body top-level
     * string field, then query/form parameter. "*" when the action takes none. */
    const char *resource;
    nb_arn_fn resource_fn;   /* overrides resource when non-NULL */
    /* REST protocols only: "METHOD /path/{Param}/{Greedy+}" optionally followed by
     * "?name" (the query string must contain name) e.g. "GET /{Bucket}?tagging". */
    const char *http;
    unsigned flags;          /* enum nb_op_flags */
} nb_op_t;

/* Authorization context a service hands the central evaluator (src/auth):
 * request-derived IAM condition keys and its resources' tags. The evaluator
 * asks lazily, only for keys some applicable policy tests. All optional. */
typedef struct nb_authz_part {
    const char *action;      /* IAM action of this part; NULL = the op's */
    const char *resource;    /* ARN this part acts on */
    const void *scope;       /* the service's (e.g. one table's entries of a batch); given back to cond_key */
} nb_authz_part_t;

typedef struct nb_authz {
    /* Requests acting on several resources (batch operations over several
     * tables, transactions whose items need their own actions): set *parts
     * (req->arena) and return how many; each is authorized on its own. 0 =
     * the op's single action and resource. */
    size_t (*parts)(nb_req_t *req, nb_authz_part_t **parts);
    /* Values the request carries for condition key `key` (any case:
     * "dynamodb:LeadingKeys", "aws:RequestTag/team", "aws:TagKeys") for scope
     * (NULL = the whole request). *vals in req->arena. 1 when present (n may be
     * 0: an empty set), 0 when absent. */
    int (*cond_key)(nb_req_t *req, const void *scope, const char *key, const char *const **vals, size_t *n);
    /* Tags of resource arn (owned by this service), for aws:ResourceTag/...:
     * a new JSON object {key: value}, or NULL when it does not exist. An
     * in-process read on the loop thread. */
    json_t *(*resource_tags)(nb_ctx_t *ctx, const char *arn);
} nb_authz_t;

typedef struct nb_service {
    const char *name;          /* SigV4 signing name and IAM prefix: "dynamodb" */
    nb_proto_t proto;
    const char *target_prefix; /* JSON protocols: "DynamoDB_20120810" */
    const char *json_ns;       /* JSON 1.0 error namespace: "com.amazonaws.dynamodb.v20120810" */
    const char *xml_ns;        /* Query / REST-XML xmlns */
    /* REST protocols: path prefixes that identify the service when the request
     * carries no SigV4 scope, NULL-terminated; e.g. {"/2015-03-31/functions", NULL}. */
    const char *const *path_prefixes;
    /* REST-JSON error bodies: "message" or "Message" */
    const char *error_message_key;
    const nb_op_t *ops;
    size_t n_ops;
    /* REST protocols: 0, or a body limit above the edge's for the operations
     * named in large_body_ops (NULL-terminated; Lambda's code uploads). The
     * edge reads bodies this large under the service's path_prefixes; any of
     * its operations with a body over its own limit (max_body, or the edge's
     * default for the others) gets RequestEntityTooLargeException (413),
     * "Request must be smaller than N bytes for the OP operation". */
    size_t max_body;
    const char *const *large_body_ops;
    int (*init)(nb_ctx_t *ctx);   /* may be NULL; 0 on success */
    void (*stop)(nb_ctx_t *ctx);  /* graceful shutdown, may be NULL */
    /* Extra status for /_nimbus/health, may be NULL: appends JSON members,
     * each preceded by a comma (`,"tables":3`), to this service's entry. */
    void (*health)(nb_ctx_t *ctx, nb_buf_t *out);
    const nb_authz_t *authz;   /* condition keys and resource tags for IAM, may be NULL */
} nb_service_t;

/* The registered services, NULL-terminated (src/core/services.c). */
extern const nb_service_t *const nb_services[];

const nb_service_t *nb_service_by_name(const char *name);
const nb_op_t *nb_service_op(const nb_service_t *svc, const char *op_name);

#endif
