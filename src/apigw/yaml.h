/* yaml.h — YAML documents (OpenAPI definitions) read into jansson values with
 * libyaml: mappings → objects, sequences → arrays, plain scalars typed by the
 * YAML 1.2 core schema (null, true/false, integers, floats), quoted scalars
 * as strings, aliases expanded. Bounded: nesting depth 64 and at most
 * 200,000 values after alias expansion (no "billion laughs"). */
#ifndef NB_APIGW_YAML_H
#define NB_APIGW_YAML_H
#include <stddef.h>
#include <jansson.h>
#include "core/buf.h"

/* The first document of text as JSON (new reference), or NULL with a short
 * reason in err. */
json_t *apigw__yaml_load(const char *text, size_t len, char *err, size_t errcap);

/* v written as a YAML block document into out (exports): mappings and
 * sequences in block style, strings double-quoted (JSON escapes are YAML's),
 * keys plain when nothing could misread them. apigw__yaml_load of the text
 * gives v back. */
void apigw__yaml_emit(json_t *v, nb_buf_t *out);

#endif
