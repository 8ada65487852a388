/* aws_int.h — REST AWS integrations to AWS services other than Lambda's
 * invocation (mapping_aws.c), and who their calls run as (aws_creds.c). */
#ifndef NB_APIGW_AWS_INT_H
#define NB_APIGW_AWS_INT_H
#include "apigw/mapping.h"

/* The access key the integration's call runs as (NULL: root) from its
 * credentials: 0, or -1 with why (the execution log's reason; the gateway
 * then answers 500). */
int apigw__aws_caller(apigw_dp_t *dp, const char **access_key, const char **why);
/* Forget the role sessions kept (service stop). */
void apigw__aws_creds_stop(void);

#endif
