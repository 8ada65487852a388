/* fuzz_apigw_openapi.c — the OpenAPI importer on arbitrary documents, into
 * both an HTTP API and a REST API document. Promises: no crash, no leak, a
 * message for every rejection. Run: make build/fuzz/fuzz_apigw_openapi &&
 * build/fuzz/fuzz_apigw_openapi fuzz/corpus/apigw_openapi */
#include "apigw/apigw_int.h"
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nb_arena_t *a = nb_arena_new(4096);
    const char *msg = NULL;
    json_t *v2 = json_pack("{s:s,s:{},s:{},s:{},s:{},s:{},s:{},s:{}}", "kind", "v2", "api", "routes", "integrations",
                           "stages", "authorizers", "deployments", "models");
    if (apigw__openapi_v2(a, v2, (const char *)data, size, &msg) != 0 && !msg) abort();
    json_decref(v2);
    json_t *v1 = json_pack("{s:s,s:{},s:{},s:{},s:{},s:{},s:{},s:{}}", "kind", "v1", "api", "resources", "deployments",
                           "stages", "authorizers", "validators", "models");
    apigw__v1_add_resource(v1, NULL, NULL);
    msg = NULL;
    if (apigw__openapi_v1(a, v1, (const char *)data, size, &msg) != 0 && !msg) abort();
    json_decref(v1);
    nb_arena_free(a);
    return 0;
}
