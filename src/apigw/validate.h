/* validate.h — REST request validation and the JSON Schema (draft 4) checker
 * behind body models.
 *
 * A method with a request validator checks, before any integration runs:
 * required query strings and headers (requestParameters marked true) →
 * 400 {"message": "Missing required request parameters: [a, b]"}; the body
 * against the model of its content type → 400 {"message": "Invalid request
 * body"}. */
#ifndef NB_APIGW_VALIDATE_H
#define NB_APIGW_VALIDATE_H
#include <stddef.h>
#include <jansson.h>

struct apigw_dp;
/* 0 when the request may go on; -1 after answering 400. */
int apigw__validate_request(struct apigw_dp *dp);

/* Validate instance against a draft-4 schema (both borrowed). 0 when valid;
 * -1 with a short reason in err. Supported: type, enum, const, properties,
 * required, additionalProperties, patternProperties (prefix match only),
 * items (schema or list), additionalItems, minItems, maxItems, uniqueItems,
 * minLength, maxLength, pattern (POSIX ERE), minimum, maximum, exclusiveMinimum,
 * exclusiveMaximum, multipleOf, minProperties, maxProperties, allOf, anyOf,
 * oneOf, not, format (ignored), $ref to "#/definitions/x" inside root. */
int apigw__schema_validate(json_t *root, json_t *schema, json_t *instance, char *err, size_t cap);
/* The same, with the API's models (name → {"schema": text}, borrowed) that a
 * $ref may name: "https://apigateway.amazonaws.com/restapis/{api}/models/{name}",
 * optionally followed by a "#/..." pointer into that model. */
int apigw__schema_validate_models(json_t *root, json_t *schema, json_t *instance, json_t *models,
                                  char *err, size_t cap);

#endif
