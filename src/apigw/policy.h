/* policy.h — evaluating a Lambda authorizer's IAM policy document against the
 * method ARN ("arn:aws:execute-api:{region}:{account}:{api}/{stage}/{METHOD}/{path}").
 * An explicit Deny wins; otherwise an Allow whose Action covers
 * execute-api:Invoke and whose Resource matches (wildcards * and ?). */
#ifndef NB_APIGW_POLICY_H
#define NB_APIGW_POLICY_H
#include <jansson.h>

/* 1 allowed, 0 denied (explicitly or by default), -1 malformed document. */
int apigw__policy_allows(json_t *policy_document, const char *method_arn);
/* The same telling the denials apart: APIGW_POLICY_ALLOW, _IMPLICIT_DENY (no
 * statement matches), _EXPLICIT_DENY (a Deny matches), or -1 (malformed). */
enum { APIGW_POLICY_IMPLICIT_DENY = 0, APIGW_POLICY_ALLOW = 1, APIGW_POLICY_EXPLICIT_DENY = 2 };
int apigw__policy_decide(json_t *policy_document, const char *method_arn);
/* Glob match with * (any run) and ? (one character). */
int apigw__glob(const char *pattern, const char *s);

#endif
