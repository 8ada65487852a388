/* schema_ref.h — JSON pointers ("~1" for '/', "~0" for '~') as patch paths and
 * schema "$ref"s use them, and "$ref"s between a REST API's models
 * ("https://apigateway.amazonaws.com/restapis/{api}/models/{name}[#pointer]"). */
#ifndef NB_APIGW_SCHEMA_REF_H
#define NB_APIGW_SCHEMA_REF_H
#include <stddef.h>
#include <jansson.h>

#define APIGW_MODEL_URL "https://apigateway.amazonaws.com/restapis/"

/* One segment of a pointer from p (which is just past its '/'), unescaped into
 * key (cap bytes, NUL-terminated): returns where it stopped, at the next '/' or
 * the end — or inside the segment when it does not fit in key. */
const char *apigw__ptr_segment(const char *p, char *key, size_t cap);
/* The value a pointer "#/a/b" ("#" the whole) names inside root: object
 * members by key, array items by decimal index; NULL when absent. */
json_t *apigw__json_pointer(json_t *root, const char *ref);
/* The model a "$ref" names by URL (anything up to "/models/"; callers that
 * want the API's own URL check APIGW_MODEL_URL): its name into name (cap
 * bytes), *frag the pointer after it ("#" when none). 0, or -1 when ref names
 * no model or the name is empty or too long. */
int apigw__ref_model_name(const char *ref, char *name, size_t cap, const char **frag);
/* Model name's schema parsed from text once per cache (name → schema, owned
 * by cache): borrowed, NULL when text is NULL or not a JSON object or array. */
json_t *apigw__ref_model_load(json_t *cache, const char *name, const char *text);
/* Every "$ref" string member at any depth of v (to 64 levels) for which to(arg, ref)
 * gives a new value is replaced by it (how imports store models' references to each
 * other as model URLs, and exports write them back). */
void apigw__map_refs(json_t *v, const char *(*to)(void *arg, const char *ref), void *arg, int depth);

#endif
