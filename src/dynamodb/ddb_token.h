/* ddb_token.h — ClientRequestToken idempotency, shared by TransactWriteItems
 * and ExecuteTransaction: "ddb.tokens" maps a token to {request hash, time,
 * response}. Within 10 minutes the same token with the same request answers
 * the stored response without applying anything again; with a different
 * request, IdempotentParameterMismatchException. */
#ifndef DDB_TOKEN_H
#define DDB_TOKEN_H
#include <jansson.h>
#include "core/request.h"
#include "store/store.h"
#include "dynamodb/ddb_req.h"

/* The token member's constraint failure (1..36 characters) into v. */
void ddb_token_validate(ddb_vlist_t *v, const char *token);
/* SHA-256 (hex) of the request body, the identity a token is bound to. */
void ddb_token_hash(const json_t *body, char out[65]);
/* With token NULL: 0. Otherwise look it up in txn: 0 unknown or expired (go
 * on); 1 replayed the stored response or answered the mismatch (txn aborted,
 * req ended). A replay's ConsumedCapacity is the read of the stored result,
 * in this request's ReturnConsumedCapacity mode, as TransactWriteItems'
 * ClientRequestToken documentation describes. */
int ddb_token_replay(nb_req_t *req, store_txn_t *txn, const char *token, const char *hash);
/* Remember resp for token in txn (committed with it), with total: what a
 * replay reports in TOTAL mode (array, one {TableName, CapacityUnits} a
 * table: the transactional read of the stored result); a store status. */
int ddb_token_store(store_txn_t *txn, const char *token, const char *hash, const json_t *resp, const json_t *total);

#endif
