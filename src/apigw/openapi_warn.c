/* openapi_warn.c — the warnings an HTTP API's OpenAPI import (ImportApi,
 * ReimportApi) finds in a definition it can otherwise import: a "$ref" to a
 * schema the document's components do not define (terraform-provider-aws
 * api_test.go, TestAccAPIGatewayV2API_OpenAPI_failOnWarnings). The import goes on
 * past them unless the caller asked failOnWarnings (cp_v2.c). */
#include "apigw/apigw_int.h"
#include <string.h>

#define SCHEMA_REF "#/components/schemas/"

/* The first "$ref" under v (depth-first) naming a schema missing from schemas. */
static const char *missing_ref(json_t *v, json_t *schemas, int depth)
{
    if (depth > 64) return NULL;
    const char *k;
    json_t *c;
    size_t i;
    if (json_is_object(v)) {
        json_object_foreach(v, k, c) {
            const char *ref = json_string_value(c);
            if (strcmp(k, "$ref") == 0 && ref && strncmp(ref, SCHEMA_REF, strlen(SCHEMA_REF)) == 0 &&
                !json_object_get(schemas, ref + strlen(SCHEMA_REF)))
                return ref;
            const char *r = missing_ref(c, schemas, depth + 1);
            if (r) return r;
        }
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, c) {
            const char *r = missing_ref(c, schemas, depth + 1);
            if (r) return r;
        }
    }
    return NULL;
}

const char *apigw__openapi_v2_warning(nb_arena_t *a, const char *text, size_t len)
{
    const char *msg;
    json_t *d = apigw__openapi_load(a, text, len, &msg);
    if (!d) return NULL;
    const char *ref = missing_ref(json_object_get(d, "paths"),
                                  json_object_get(json_object_get(d, "components"), "schemas"), 0);
    const char *w = ref ? nb_arena_printf(a, "Unable to resolve the schema reference %s: no such schema in "
                                          "components.schemas", ref) : NULL;
    json_decref(d);
    return w;
}
