/* aws_uri.h — the URI of a REST API's AWS integration, as API Gateway
 * documents it (integration.uri):
 *   arn:aws:apigateway:{region}:{subdomain.service|service}:{path|action}/{service_api}
 * "action/PutItem" names an operation of an action-addressed (JSON or Query
 * protocol) service; "path/2015-03-31/functions/…" a request path of a
 * REST-addressed one. Pure. */
#ifndef NB_APIGW_AWS_URI_H
#define NB_APIGW_AWS_URI_H
#include <stddef.h>

typedef struct apigw_aws_uri {
    char region[32];
    char subdomain[128];     /* "" when none (S3 bucket-style "bucket.s3") */
    char service[64];        /* "dynamodb", "lambda", "sqs"… */
    int action;              /* 1: action/{Action}; 0: path/{path} */
    const char *api;         /* the rest (points into the URI): the action's name, or the path without '/' */
} apigw_aws_uri_t;

/* Parse uri; 0, or -1 when it is no such ARN (or its parts are empty or too long). */
int apigw__aws_uri_parse(const char *uri, apigw_aws_uri_t *out);

#endif
