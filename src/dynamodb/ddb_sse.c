/* ddb_sse.c — the KMS key a table's SSESpecification names: the account's AWS
 * managed key (none named, or alias/aws/dynamodb) or a customer key looked up
 * in KMS, refused as DynamoDB refuses it when KMS would. */
#include "dynamodb/ddb_sse.h"
#include "dynamodb/ddb_req.h"
#include "kms/kms_managed.h"
#include "core/util.h"
#include <string.h>

/* Whether spec names the AWS managed key: no key, or its alias (name or ARN). */
static int names_managed(nb_req_t *req, const char *want)
{
    const nb_config_t *cfg = req->ctx->cfg;
    return !want || strcmp(want, "alias/aws/dynamodb") == 0 ||
           strcmp(want, nb_arena_printf(req->arena, "arn:aws:kms:%s:%s:alias/aws/dynamodb", cfg->region,
                                        cfg->account)) == 0;
}

static int customer_key(nb_req_t *req, store_txn_t *txn, const char *want, const char **arn)
{
    const char *code, *msg;
    int rc = kms_key_for_service(req, txn, want, arn, &code, &msg);
    if (rc != 1) return rc;
    /* KMS's answer, the way DynamoDB's Java client to KMS prints it */
    char rid[37];
    nb_uuid4(rid);
    ddb_reply_validation(req, "KMS validation error: com.amazonaws.services.kms.model.%s: %s (Service: AWSKMS; "
                         "Status Code: 400; Error Code: %s; Request ID: %s; Proxy: null)", code, msg, code, rid);
    return DDB_SSE_REPLIED;
}

int ddb_sse_key_arn(nb_req_t *req, store_txn_t *txn, const json_t *spec, const char **arn)
{
    const char *want = ddb_jstr(spec, "KMSMasterKeyId");
    if (names_managed(req, want)) return kms_managed_key_arn(req, txn, "dynamodb", arn);   /* made on first use */
    return customer_key(req, txn, want, arn);
}

int ddb_sse_key_lookup(nb_req_t *req, store_txn_t *txn, const json_t *spec, const char **arn)
{
    const char *want = ddb_jstr(spec, "KMSMasterKeyId");
    if (!names_managed(req, want)) return customer_key(req, txn, want, arn);
    const char *code, *msg;
    *arn = NULL;
    int rc = kms_key_for_service(req, txn, "alias/aws/dynamodb", arn, &code, &msg);
    if (rc == 1) *arn = NULL;   /* not made yet */
    return rc < 0 ? rc : STORE_OK;
}

int ddb_sse_check(const json_t *spec, ddb_err_t *err)
{
    static const char *const P = "One or more parameter values were invalid: ";
    const char *type = ddb_jstr(spec, "SSEType"), *key = ddb_jstr(spec, "KMSMasterKeyId");
    int off = json_is_false(json_object_get(spec, "Enabled"));
    if (off && type) return ddb_err_set(err, NB_ERR_VALIDATION, "%sSSEType can not be specified if Enabled is false", P);
    if (off && key)
        return ddb_err_set(err, NB_ERR_VALIDATION, "%sKMSMasterKeyId can not be specified if Enabled is false", P);
    if (type && strcmp(type, "AES256") == 0)
        return ddb_err_set(err, NB_ERR_VALIDATION, "%sSSEType AES256 is not supported", P);
    if (key && !(type && strcmp(type, "KMS") == 0))
        return ddb_err_set(err, NB_ERR_VALIDATION, "%sSSEType KMS is required if KMSMasterKeyId is specified", P);
    return 0;
}

int ddb_sse_wants_on(const json_t *spec)
{
    const char *type = ddb_jstr(spec, "SSEType");
    return json_is_true(json_object_get(spec, "Enabled")) ||
           (!json_object_get(spec, "Enabled") && type && strcmp(type, "KMS") == 0);
}
