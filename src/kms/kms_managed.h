/* kms_managed.h — AWS managed keys for other services (the key a service
 * encrypts with when its caller names none, e.g. DynamoDB's alias/aws/dynamodb). */
#ifndef NB_KMS_MANAGED_H
#define NB_KMS_MANAGED_H
#include "core/request.h"
#include "store/store.h"

/* The ARN (req's arena) of this account's AWS managed key of service ("dynamodb"),
 * created with its alias "alias/aws/SERVICE" in write txn t on first use, as AWS
 * does. STORE_OK or a store status. */
int kms_managed_key_arn(nb_req_t *req, store_txn_t *t, const char *service, const char **arn);

/* A key another service is asked to use (DynamoDB's SSESpecification.KMSMasterKeyId):
 * KeyId in any form KMS takes (id, ARN, alias name, alias ARN). 0 with *arn the key's
 * ARN (req's arena); 1 when KMS would refuse it, with its error name (NotFoundException,
 * DisabledException, …) and message in *kms_code / *kms_msg; <0 a store status. */
int kms_key_for_service(nb_req_t *req, store_txn_t *t, const char *key_id, const char **arn, const char **kms_code,
                        const char **kms_msg);

#endif
