/* aws_int.h — REST AWS integrations to AWS services other than Lambda's
 * invocation (mapping_aws.c), and who their calls run as (aws_creds.c). */
#ifndef NB_APIGW_AWS_INT_H
#define NB_APIGW_AWS_INT_H
#include "apigw/mapping.h"

/* Who an integration's call runs as, from its credentials. */
typedef struct apigw_aws_caller {
    const char *access_key;   /* a role's session, or the signed caller's key */
    int as_root;              /* --auth open, or a caller signing as root */
} apigw_aws_caller_t;
/* 0, or -1 with why (the execution log's reason; the gateway then answers 500). */
int apigw__aws_caller(apigw_dp_t *dp, apigw_aws_caller_t *who, const char **why);
/* Forget the role sessions kept (service stop). */
void apigw__aws_creds_stop(void);

#endif
