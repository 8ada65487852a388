/* kms_managed.c — AWS managed keys: one a service per account, created on
 * first use by the service (not by CreateKey) with the reserved alias
 * "alias/aws/SERVICE"; DescribeKey shows KeyManager AWS. */
#include "kms/kms_managed.h"
#include "kms/kms.h"
#include "core/util.h"
#include <string.h>

/* The description AWS gives the key, by service. */
static const char *describe(const char *service)
{
    if (strcmp(service, "dynamodb") == 0)
        return "Default key that protects my DynamoDB data when no other key is defined";
    return "Default key that protects my data when no other key is defined";
}

int kms_managed_key_arn(nb_req_t *req, store_txn_t *t, const char *service, const char **arn)
{
    const char *alias = nb_arena_printf(req->arena, "alias/aws/%s", service);
    const void *v;
    size_t vlen;
    int rc = store_get(t, KMS_KS_ALIASES, alias, strlen(alias), &v, &vlen);
    if (rc == STORE_OK) {
        json_t *rec = json_loadb(v, vlen, 0, NULL);
        const char *target = json_string_value(json_object_get(rec, "Target"));
        rc = target ? STORE_OK : STORE_ERR_IO;
        if (target) *arn = kms__key_arn(req, target);
        json_decref(rec);
        return rc;
    }
    if (rc != STORE_NOTFOUND) return rc;
    kms_key_t k;
    if (kms__new_key(&k, describe(service), "AWS") != 0) return STORE_ERR_IO;
    rc = kms__save(t, &k);
    json_decref(k.rec);
    if (rc == STORE_OK) rc = kms__put_alias(t, alias, k.id);
    if (rc == STORE_OK) *arn = kms__key_arn(req, k.id);
    return rc;
}
