/* fuzz_apigw_patch.c — API Gateway's PATCH operations (patch.c) on arbitrary
 * patchOperations against stored objects of each shape (a REST API, a stage
 * with method settings, a usage plan, a deployment). Input: byte 0 picks the
 * object, the rest is the patchOperations JSON (not JSON: none).
 * Promises: no crash, leak or UB; a message for every rejection; after a
 * patch that applied, the object's id is the one it had, its internal ("_")
 * members are untouched, no member holding a value (string, number,
 * boolean) has become an object or a list, and a member is gone only when an
 * op removed it by its own path.
 * Run: make build/fuzz/fuzz_apigw_patch && build/fuzz/fuzz_apigw_patch fuzz/corpus/apigw_patch */
#include "apigw/apigw_int.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const OBJECTS[] = {
    "{\"id\":\"a1b2c3\",\"name\":\"n\",\"binaryMediaTypes\":[\"image/png\"],\"endpointConfiguration\":"
    "{\"types\":[\"EDGE\"]},\"disableExecuteApiEndpoint\":false,\"minimumCompressionSize\":5,\"tags\":{}}",
    "{\"stageName\":\"s\",\"deploymentId\":\"d\",\"variables\":{\"a\":\"b\"},\"methodSettings\":{\"*/*\":"
    "{\"throttlingRateLimit\":1.5}},\"cacheClusterEnabled\":false}",
    "{\"id\":\"p\",\"name\":\"n\",\"apiStages\":[],\"throttle\":{\"burstLimit\":1},\"quota\":{\"limit\":5,"
    "\"period\":\"DAY\"},\"_keys\":[\"k\"]}",
    "{\"id\":\"d\",\"description\":\"x\",\"_snapshot\":{\"r\":{\"path\":\"/\"}}}",
};

/* 1 when an op of ops is {"op":"remove","path":"/<member>"} */
static int removed(json_t *ops, const char *member)
{
    size_t i;
    json_t *op;
    json_array_foreach(ops, i, op) {
        const char *o = json_string_value(json_object_get(op, "op"));
        const char *path = json_string_value(json_object_get(op, "path"));
        if (o && path && strcmp(o, "remove") == 0 && path[0] == '/' && strcmp(path + 1, member) == 0) return 1;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 16384) return 0;
    json_t *base = json_loads(OBJECTS[data[0] % (sizeof OBJECTS / sizeof OBJECTS[0])], 0, NULL);
    json_t *obj = json_deep_copy(base);
    json_t *ops = json_loadb((const char *)data + 1, size - 1, 0, NULL);
    const char *msg = NULL;
    if (apigw__patch(obj, ops, &msg) != 0) {
        if (!msg) abort();
    } else {
        const char *k;
        json_t *v;
        json_object_foreach(base, k, v) {
            json_t *now = json_object_get(obj, k);
            if (!now && !removed(ops, k)) abort();
            if (k[0] == '_' || strcmp(k, "id") == 0) {
                if (!json_equal(v, now)) abort();
            } else if (!json_is_object(v) && !json_is_array(v) && (json_is_object(now) || json_is_array(now))) {
                abort();
            }
        }
    }
    json_decref(ops);
    json_decref(obj);
    json_decref(base);
    return 0;
}
