/* fuzz_ddb_authz.c — DynamoDB's answers to the IAM evaluator on arbitrary
 * request bodies. Input: byte 0 picks the operation, the rest is the JSON body.
 * For that op, parts() and every condition key DynamoDB supplies
 * (dynamodb:LeadingKeys / Attributes / Select / ReturnValues, aws:TagKeys,
 * aws:RequestTag/team) are asked for the whole request and for each part,
 * against a catalogue with a hash+range table and an index. Invariants: no
 * crash, leak or UB; every returned value is a NUL-terminated string; a part
 * always names a resource. Run: make build/fuzz/fuzz_ddb_authz */
#include "core/request.h"
#include "core/service.h"
#include "dynamodb/ddb_table.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
extern const nb_service_t ddb_service;

static const char *const OPS[] = {"GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan",
                                  "BatchGetItem", "BatchWriteItem", "TransactWriteItems", "TransactGetItems",
                                  "CreateTable", "TagResource", "UntagResource"};
static const char *const KEYS[] = {"dynamodb:LeadingKeys", "dynamodb:Attributes", "dynamodb:Select",
                                   "dynamodb:ReturnValues", "aws:TagKeys", "aws:RequestTag/team"};

static void ask_all(nb_req_t *r, const void *scope)
{
    for (size_t k = 0; k < sizeof KEYS / sizeof KEYS[0]; k++) {
        const char *const *vals = NULL;
        size_t n = 0;
        if (ddb_service.authz->cond_key(r, scope, KEYS[k], &vals, &n) == 1)
            for (size_t i = 0; i < n; i++)
                if (strlen(vals[i]) > (1u << 30)) abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    static nb_config_t cfg = {.region = "us-east-1", .account = "000000000000"};
    static nb_ctx_t ctx = {.cfg = &cfg};
    if (!ready) {
        ready = 1;
        ddb_catalog_install(json_loads(
            "{\"TableName\":\"T\",\"Num\":1,\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},"
            "{\"AttributeName\":\"sk\",\"KeyType\":\"RANGE\"}],\"AttributeDefinitions\":[{\"AttributeName\":\"pk\","
            "\"AttributeType\":\"S\"},{\"AttributeName\":\"sk\",\"AttributeType\":\"N\"},{\"AttributeName\":\"g\","
            "\"AttributeType\":\"B\"}],\"GlobalSecondaryIndexes\":[{\"IndexName\":\"G\",\"Num\":1,\"KeySchema\":"
            "[{\"AttributeName\":\"g\",\"KeyType\":\"HASH\"}],\"Projection\":{\"ProjectionType\":\"ALL\"}}],"
            "\"Tags\":[{\"Key\":\"team\",\"Value\":\"blue\"}]}", 0, NULL));
    }
    if (size < 1) return 0;
    json_t *body = json_loadb((const char *)data + 1, size - 1, 0, NULL);
    if (!json_is_object(body)) {
        json_decref(body);
        return 0;
    }
    nb_req_t r;
    memset(&r, 0, sizeof r);
    r.arena = nb_arena_new(4096);
    r.ctx = &ctx;
    r.svc = &ddb_service;
    r.op = nb_service_op(&ddb_service, OPS[data[0] % (sizeof OPS / sizeof OPS[0])]);
    r.json = body;
    ask_all(&r, NULL);
    nb_authz_part_t *parts = NULL;
    size_t np = ddb_service.authz->parts(&r, &parts);
    for (size_t i = 0; i < np; i++) {
        if (!parts[i].resource) abort();
        ask_all(&r, parts[i].scope);
    }
    json_t *tags = ddb_service.authz->resource_tags(&ctx, "arn:aws:dynamodb:us-east-1:000000000000:table/T/index/G");
    json_decref(tags);
    json_decref(body);
    nb_arena_free(r.arena);
    return 0;
}
