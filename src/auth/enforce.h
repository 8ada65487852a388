/* enforce.h — authentication and authorization of every edge request, in one place.
 *
 * auth_enforce() runs after the edge has identified the operation and before
 * its handler: it verifies the SigV4 signature against the credential store
 * and evaluates IAM policies for the operation's declared action and resource
 * ARN. On refusal it has already replied (the protocol's error) and returns -1. */
#ifndef NB_AUTH_ENFORCE_H
#define NB_AUTH_ENFORCE_H
#include "core/request.h"

int auth_enforce(nb_req_t *req);

/* May AWS service principal service ("apigateway.amazonaws.com") perform
 * action on resource_arn (a Lambda function), acting for source_arn (may be
 * NULL)? Evaluates the resource's policy (Lambda: its AddPermission
 * statements, with aws:SourceArn / aws:SourceAccount). 1 when allowed, 0 when
 * not (no policy, no matching statement, or an explicit deny). Loop thread. */
int auth_service_allowed(nb_ctx_t *ctx, const char *service, const char *action, const char *resource_arn,
                         const char *source_arn);

/* The value of tag (case-insensitive key) in tags ({key: value}, may be NULL)
 * as a one-value condition-key answer in req->arena: 1 when present, else 0.
 * For aws:ResourceTag/, aws:PrincipalTag/ and aws:RequestTag/ lookups. */
int auth_tag_value(nb_req_t *req, const json_t *tags, const char *tag, const char *const **vals, size_t *n);

#endif
