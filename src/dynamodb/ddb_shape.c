/* ddb_shape.c — JSON type checks of the top-level request members, done once
 * before any operation runs. A member of the wrong JSON type is a
 * SerializationException, as DynamoDB's front end answers before looking at
 * the request's meaning; handlers can then rely on each member's JSON type. */
#include "dynamodb/ddb_shape.h"
#include <string.h>

typedef enum { K_STR, K_INT, K_BOOL, K_OBJ, K_ARR } kind_t;

typedef struct member { const char *name; kind_t kind; } member_t;

/* Every top-level member of the DynamoDB operations nimbus serves (botocore
 * model, 2012-08-10), with its JSON kind. */
static const member_t members[] = {
    {"TableName", K_STR}, {"IndexName", K_STR}, {"Select", K_STR}, {"ConditionExpression", K_STR},
    {"UpdateExpression", K_STR}, {"ProjectionExpression", K_STR}, {"FilterExpression", K_STR},
    {"KeyConditionExpression", K_STR}, {"ReturnValues", K_STR}, {"ReturnConsumedCapacity", K_STR},
    {"ReturnItemCollectionMetrics", K_STR}, {"ReturnValuesOnConditionCheckFailure", K_STR},
    {"ConditionalOperator", K_STR}, {"BillingMode", K_STR}, {"ExclusiveStartTableName", K_STR},
    {"ResourceArn", K_STR}, {"ClientRequestToken", K_STR}, {"Statement", K_STR}, {"NextToken", K_STR},
    {"TableClass", K_STR},
    {"BackupName", K_STR}, {"BackupArn", K_STR}, {"BackupType", K_STR}, {"ExclusiveStartBackupArn", K_STR},
    {"TargetTableName", K_STR}, {"SourceTableName", K_STR}, {"SourceTableArn", K_STR},
    {"BillingModeOverride", K_STR},
    {"Limit", K_INT}, {"Segment", K_INT}, {"TotalSegments", K_INT},
    {"UseLatestRestorableTime", K_BOOL},
    {"ConsistentRead", K_BOOL}, {"ScanIndexForward", K_BOOL}, {"DeletionProtectionEnabled", K_BOOL},
    {"Item", K_OBJ}, {"Key", K_OBJ}, {"ExpressionAttributeNames", K_OBJ}, {"ExpressionAttributeValues", K_OBJ},
    {"ExclusiveStartKey", K_OBJ}, {"RequestItems", K_OBJ}, {"Expected", K_OBJ}, {"AttributeUpdates", K_OBJ},
    {"KeyConditions", K_OBJ}, {"QueryFilter", K_OBJ}, {"ScanFilter", K_OBJ},
    {"ProvisionedThroughput", K_OBJ}, {"StreamSpecification", K_OBJ}, {"SSESpecification", K_OBJ},
    {"TimeToLiveSpecification", K_OBJ}, {"WarmThroughput", K_OBJ},
    {"PointInTimeRecoverySpecification", K_OBJ}, {"ProvisionedThroughputOverride", K_OBJ},
    {"SSESpecificationOverride", K_OBJ},
    {"AttributesToGet", K_ARR}, {"TransactItems", K_ARR}, {"KeySchema", K_ARR},
    {"AttributeDefinitions", K_ARR}, {"GlobalSecondaryIndexes", K_ARR}, {"LocalSecondaryIndexes", K_ARR},
    {"GlobalSecondaryIndexUpdates", K_ARR}, {"Tags", K_ARR}, {"TagKeys", K_ARR}, {"Parameters", K_ARR},
    {"Statements", K_ARR}, {"TransactStatements", K_ARR},
    {"GlobalSecondaryIndexOverride", K_ARR}, {"LocalSecondaryIndexOverride", K_ARR},
};

const char *ddb_shape_token(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_STRING: return "STRING_VALUE";
    case JSON_INTEGER: return "NUMBER_VALUE";
    case JSON_REAL: return "NUMBER_VALUE";
    case JSON_TRUE: return "TRUE_VALUE";
    case JSON_FALSE: return "FALSE_VALUE";
    case JSON_OBJECT: return "START_OBJECT";
    case JSON_ARRAY: return "START_ARRAY";
    default: return "VALUE_NULL";
    }
}

static int fits(const json_t *v, kind_t k)
{
    if (json_is_null(v)) return 1;   /* null members are "absent" to the service */
    switch (k) {
    case K_STR: return json_is_string(v);
    case K_INT: return json_is_integer(v);
    case K_BOOL: return json_is_boolean(v);
    case K_OBJ: return json_is_object(v);
    case K_ARR: return json_is_array(v);
    }
    return 0;
}

static const member_t *find(const char *name)
{
    for (size_t i = 0; i < sizeof members / sizeof members[0]; i++)
        if (members[i].name[0] == name[0] && strcmp(members[i].name, name) == 0) return &members[i];
    return NULL;
}

int ddb_shape_check(nb_req_t *req)
{
    static const char *const want[] = {"String", "Integer", "Boolean", "Map", "List"};
    if (!json_is_object(req->json)) {
        nb_reply_error(req, NB_ERR_SERIALIZATION, "Start of structure or map expected");
        return 1;
    }
    /* Walk the request's own members (a handful) rather than the table. */
    const char *key;
    json_t *v;
    void *tmp;
    json_object_foreach_safe(req->json, tmp, key, v) {
        if (json_is_null(v)) {
            /* Members are "absent" when null: drop them so handlers see one form. */
            json_object_del(req->json, key);
            continue;
        }
        const member_t *m = find(key);
        if (!m || fits(v, m->kind)) continue;
        /* Worded as DynamoDB's deserializer words them (see ddb_av.c). */
        if (json_is_array(v))
            nb_reply_error(req, NB_ERR_SERIALIZATION, "Start of list found where not expected");
        else if (json_is_object(v))
            nb_reply_error(req, NB_ERR_SERIALIZATION, "Start of structure or map found where not expected.");
        else
            nb_reply_error(req, NB_ERR_SERIALIZATION, "%s cannot be converted to %s", ddb_shape_token(v), want[m->kind]);
        return 1;
    }
    return 0;
}
