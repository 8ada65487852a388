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

/* API Gateway's AWS_IAM authorization of an API invocation (not an AWS API
 * request: req has no service): verify req's SigV4 signature for service
 * "execute-api" against the credential store and evaluate action
 * ("execute-api:Invoke") on resource_arn for the signer, as auth_enforce does
 * for AWS API requests. 0 when allowed (req->principal_arn set); else -1 with
 * the message API Gateway answers (403) in msg — the signature's error, or
 * "User: ARN is not authorized to perform: ACTION on resource: ARN" (+ " with
 * an explicit deny", then *explicit_deny = 1). Replies nothing. */
int auth_invoke_check(nb_req_t *req, const char *action, const char *resource_arn, char *msg, size_t cap,
                      int *explicit_deny);

/* May role role_arn (an execution role: its identity policies and
 * permissions boundary; for a Lambda function, also the function's resource
 * policy, which may allow the role on its own, same account) perform action on
 * resource? 1 or 0 (also for an unknown role). Reads through t (the caller's
 * open transaction, read or write). Lambda's destinations: the function's
 * role must be allowed lambda:InvokeFunction on the destination, as on AWS. */
struct store_txn;
int auth_role_allowed(nb_ctx_t *ctx, struct store_txn *t, const char *role_arn, const char *action,
                      const char *resource);

/* May AWS service principal service ("lambda.amazonaws.com") assume role
 * role_arn — does the role's trust policy allow it sts:AssumeRole, with
 * aws:SourceArn source_arn (may be NULL)? 1 or 0 (also for a role that does
 * not exist, or of another account). Reads through t (the caller's open
 * transaction, read or write). Lambda refuses such a role when a function is
 * given it, as AWS does. */
int auth_role_trusts(nb_ctx_t *ctx, struct store_txn *t, const char *role_arn, const char *service,
                     const char *source_arn);

/* The value of tag (case-insensitive key) in tags ({key: value}, may be NULL)
 * as a one-value condition-key answer in req->arena: 1 when present, else 0.
 * For aws:ResourceTag/, aws:PrincipalTag/ and aws:RequestTag/ lookups. */
int auth_tag_value(nb_req_t *req, const json_t *tags, const char *tag, const char *const **vals, size_t *n);

#endif
