/* ddb_sse.h — the KMS key of a table's server-side encryption. */
#ifndef NB_DDB_SSE_H
#define NB_DDB_SSE_H
#include "core/request.h"
#include "store/store.h"
#include "dynamodb/ddb_req.h"
#include <jansson.h>

#define DDB_SSE_REPLIED 100   /* apart from every store status */

/* The ARN (req's arena) of the key SSESpecification spec names: the AWS managed
 * key when it names none or alias/aws/dynamodb (created in write txn t on first
 * use), else the customer key KMS resolves (id, ARN, alias, alias ARN). STORE_OK;
 * DDB_SSE_REPLIED after answering the ValidationException DynamoDB gives for a
 * key KMS refuses (missing, disabled, pending deletion); or a store status. */
int ddb_sse_key_arn(nb_req_t *req, store_txn_t *t, const json_t *spec, const char **arn);

/* ddb_sse_key_arn in a read transaction: the AWS managed key's ARN if it was
 * made already (else *arn NULL), a customer key resolved or refused alike. */
int ddb_sse_key_lookup(nb_req_t *req, store_txn_t *t, const json_t *spec, const char **arn);

/* The checks of an SSESpecification DynamoDB makes before looking at any key (ack-api-quirks DDB-TABLE-027,
 * -031, -036 and DDB-TABLE-442's catalogue): no SSEType or KMSMasterKeyId when Enabled is false, no AES256,
 * a KMSMasterKeyId only with SSEType KMS. 0, or -1 with err. */
int ddb_sse_check(const json_t *spec, ddb_err_t *err);
/* Whether spec turns encryption on: Enabled true, or Enabled left out with SSEType KMS (DDB-TABLE-044). */
int ddb_sse_wants_on(const json_t *spec);

#endif
