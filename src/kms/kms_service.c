/* kms_service.c — the KMS service (JSON 1.1, X-Amz-Target TrentService.*):
 * its operation table with IAM actions and key ARNs. Decrypt authorizes
 * against the key named inside the ciphertext blob; a key named by alias
 * against the key the alias points to; CreateAlias against the alias and
 * its target key. */
#include "kms/kms.h"
#include <string.h>

/* A KeyId in any form → the ARN the policy sees: the key's ARN, also when
 * the request names it by alias (name or ARN), as AWS authorizes; an alias
 * naming no key stays its alias ARN (the handler answers NotFound). */
static void put_key_arn(nb_req_t *req, nb_buf_t *out, const char *id)
{
    const char *target = kms__alias_target_arn(req, id);
    if (target) nb_buf_puts(out, target);
    else if (strncmp(id, "arn:", 4) == 0) nb_buf_puts(out, id);
    else if (strncmp(id, "alias/", 6) == 0) nb_buf_puts(out, kms__alias_arn(req, id));
    else nb_buf_puts(out, kms__key_arn(req, id));
}

static int key_arn(nb_req_t *req, nb_buf_t *out)
{
    const char *id = json_string_value(json_object_get(req->json, "KeyId"));
    if (!id) id = json_string_value(json_object_get(req->json, "TargetKeyId"));
    if (!id) return -1;
    put_key_arn(req, out, id);
    return 0;
}

static int blob_arn(nb_req_t *req, nb_buf_t *out)
{
    char id[40];
    if (kms__blob_key_id(json_string_value(json_object_get(req->json, "CiphertextBlob")), id) != 0)
        return key_arn(req, out);
    nb_buf_puts(out, kms__key_arn(req, id));
    return 0;
}

static int alias_arn(nb_req_t *req, nb_buf_t *out)
{
    const char *a = json_string_value(json_object_get(req->json, "AliasName"));
    if (!a) return -1;
    nb_buf_puts(out, kms__alias_arn(req, a));
    return 0;
}

/* CreateAlias acts on the alias and on its target key: AWS asks
 * kms:CreateAlias on both. */
static size_t kms_authz_parts(nb_req_t *req, nb_authz_part_t **parts)
{
    if (strcmp(req->op->name, "CreateAlias") != 0) return 0;
    const char *alias = json_string_value(json_object_get(req->json, "AliasName"));
    const char *target = json_string_value(json_object_get(req->json, "TargetKeyId"));
    if (!alias || !target) return 0;
    *parts = nb_arena_calloc(req->arena, 2 * sizeof **parts);
    (*parts)[0].resource = kms__alias_arn(req, alias);
    nb_buf_t b = NB_BUF_INIT;
    put_key_arn(req, &b, target);
    (*parts)[1].resource = nb_arena_strndup(req->arena, b.data, b.len);
    nb_buf_free(&b);
    return 2;
}

static const nb_authz_t kms_authz = {.parts = kms_authz_parts};

#define OP(name, fn, rfn) {name, fn, "kms:" name, "*", rfn, NULL, 0}

static const nb_op_t kms_ops[] = {
    OP("CreateKey", kms_op_create_key, NULL),
    OP("DescribeKey", kms_op_describe_key, key_arn),
    OP("ListKeys", kms_op_list_keys, NULL),
    OP("EnableKey", kms_op_enable_key, key_arn),
    OP("DisableKey", kms_op_disable_key, key_arn),
    OP("ScheduleKeyDeletion", kms_op_schedule_key_deletion, key_arn),
    OP("CancelKeyDeletion", kms_op_cancel_key_deletion, key_arn),
    OP("Encrypt", kms_op_encrypt, key_arn),
    OP("Decrypt", kms_op_decrypt, blob_arn),
    OP("GenerateDataKey", kms_op_generate_data_key, key_arn),
    OP("GenerateDataKeyWithoutPlaintext", kms_op_generate_data_key_without_plaintext, key_arn),
    OP("CreateAlias", kms_op_create_alias, alias_arn),
    OP("ListAliases", kms_op_list_aliases, NULL),
    OP("DeleteAlias", kms_op_delete_alias, alias_arn),
};

const nb_service_t kms_service = {
    .name = "kms",
    .proto = NB_PROTO_JSON11,
    .target_prefix = "TrentService",
    .ops = kms_ops,
    .n_ops = sizeof kms_ops / sizeof kms_ops[0],
    .authz = &kms_authz,
};
