/* fuzz_apigw_jsonschema.c — JSON Schema validation on arbitrary schemas and
 * documents. The input is "schema\0document"; both must parse as JSON to be
 * validated. Promises: no crash, no unbounded recursion, a reason for every
 * failure. Run: make build/fuzz/fuzz_apigw_jsonschema &&
 * build/fuzz/fuzz_apigw_jsonschema fuzz/corpus/apigw_jsonschema */
#include "apigw/validate.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *nul = memchr(data, 0, size);
    if (!nul) return 0;
    size_t slen = (size_t)(nul - (const char *)data);
    json_t *schema = json_loadb((const char *)data, slen, 0, NULL);
    json_t *doc = json_loadb(nul + 1, size - slen - 1, JSON_DECODE_ANY, NULL);
    if (schema && doc) {
        char err[200];
        int rc = apigw__schema_validate(schema, schema, doc, err, sizeof err);
        if (rc != 0 && !err[0]) abort();
    }
    json_decref(schema);
    json_decref(doc);
    return 0;
}
