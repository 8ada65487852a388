/* jsonschema.c — JSON Schema draft 4 validation for REST API models (the
 * keywords listed in validate.h). Recursion is bounded (depth 64) so hostile
 * schemas or documents cannot exhaust the stack; $ref resolves "#" and
 * "#/definitions/..." (JSON pointer) inside the schema that holds it, and
 * another model of the API by its URL
 * "https://apigateway.amazonaws.com/restapis/{api}/models/{name}[#pointer]". */
#include "apigw/validate.h"
#include "apigw/schema_ref.h"
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAX_DEPTH 64

/* Validation work is bounded: schemas whose $ref/anyOf/oneOf branch into each
 * other would otherwise cost exponential time (found by fuzz_apigw_jsonschema). */
#define MAX_STEPS 100000

/* Shared by a validation and its quiet sub-validations. */
typedef struct vshared {
    long steps;
    json_t *models;    /* the API's models (name → {"schema": text}), borrowed; may be NULL */
    json_t *loaded;    /* models parsed so far: name → schema (owned) */
} vshared_t;

typedef struct vctx {
    json_t *root;      /* the schema "#" refers to */
    char *err;
    size_t cap;
    vshared_t *sh;
} vctx_t;


static int fail(vctx_t *c, const char *fmt, ...)
{
    if (c->err && c->cap && !c->err[0]) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->err, c->cap, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static int type_is(json_t *v, const char *t)
{
    if (!strcmp(t, "object")) return json_is_object(v);
    if (!strcmp(t, "array")) return json_is_array(v);
    if (!strcmp(t, "string")) return json_is_string(v);
    if (!strcmp(t, "integer"))
        return json_is_integer(v) || (json_is_real(v) && floor(json_real_value(v)) == json_real_value(v));
    if (!strcmp(t, "number")) return json_is_number(v);
    if (!strcmp(t, "boolean")) return json_is_boolean(v);
    if (!strcmp(t, "null")) return json_is_null(v);
    return 0;
}

/* Number of code points in a UTF-8 string. */
static size_t u8len(const char *s)
{
    size_t n = 0;
    for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Another model of the API: its schema (parsed once per validation), NULL
 * when the URL names no model of it. */
static json_t *model_schema(vctx_t *c, const char *ref, const char **frag)
{
    char name[256];
    if (!c->sh->models || strncmp(ref, APIGW_MODEL_URL, strlen(APIGW_MODEL_URL)) != 0 ||
        apigw__ref_model_name(ref, name, sizeof name, frag) != 0)
        return NULL;
    if (!c->sh->loaded) c->sh->loaded = json_object();
    const char *text = json_string_value(json_object_get(json_object_get(c->sh->models, name), "schema"));
    return apigw__ref_model_load(c->sh->loaded, name, text);
}

static int validate(vctx_t *c, json_t *s, json_t *v, int depth);

static int check_object(vctx_t *c, json_t *s, json_t *v, int depth)
{
    json_t *props = json_object_get(s, "properties"), *pat = json_object_get(s, "patternProperties");
    json_t *addl = json_object_get(s, "additionalProperties"), *req = json_object_get(s, "required");
    size_t i;
    json_t *r;
    json_array_foreach(req, i, r)
        if (json_is_string(r) && !json_object_get(v, json_string_value(r)))
            return fail(c, "object has missing required properties ([\"%s\"])", json_string_value(r));
    json_t *mn = json_object_get(s, "minProperties"), *mx = json_object_get(s, "maxProperties");
    if (json_is_integer(mn) && (json_int_t)json_object_size(v) < json_integer_value(mn)) return fail(c, "too few properties");
    if (json_is_integer(mx) && (json_int_t)json_object_size(v) > json_integer_value(mx)) return fail(c, "too many properties");
    const char *k;
    json_t *pv;
    json_object_foreach(v, k, pv) {
        int matched = 0;
        json_t *ps = json_object_get(props, k);
        if (ps) {
            matched = 1;
            if (validate(c, ps, pv, depth + 1) != 0) return -1;
        }
        const char *pk;
        json_t *pschema;
        json_object_foreach(pat, pk, pschema) {
            regex_t re;
            if (regcomp(&re, pk, REG_EXTENDED | REG_NOSUB) != 0) continue;
            int m = regexec(&re, k, 0, NULL, 0) == 0;
            regfree(&re);
            if (m) {
                matched = 1;
                if (validate(c, pschema, pv, depth + 1) != 0) return -1;
            }
        }
        if (!matched) {
            if (json_is_false(addl)) return fail(c, "object instance has properties which are not allowed by the schema: [\"%s\"]", k);
            if (json_is_object(addl) && validate(c, addl, pv, depth + 1) != 0) return -1;
        }
    }
    return 0;
}

static int check_array(vctx_t *c, json_t *s, json_t *v, int depth)
{
    json_t *items = json_object_get(s, "items"), *addl = json_object_get(s, "additionalItems");
    size_t n = json_array_size(v), i;
    json_t *mn = json_object_get(s, "minItems"), *mx = json_object_get(s, "maxItems");
    if (json_is_integer(mn) && (json_int_t)n < json_integer_value(mn)) return fail(c, "array is too short");
    if (json_is_integer(mx) && (json_int_t)n > json_integer_value(mx)) return fail(c, "array is too long");
    for (i = 0; i < n; i++) {
        json_t *e = json_array_get(v, i), *es = NULL;
        if (json_is_object(items)) es = items;
        else if (json_is_array(items)) {
            es = json_array_get(items, i);
            if (!es) {
                if (json_is_false(addl)) return fail(c, "array has too many items");
                es = json_is_object(addl) ? addl : NULL;
            }
        }
        if (es && validate(c, es, e, depth + 1) != 0) return -1;
    }
    if (json_is_true(json_object_get(s, "uniqueItems")))
        for (i = 0; i < n; i++)
            for (size_t k = i + 1; k < n; k++)
                if (json_equal(json_array_get(v, i), json_array_get(v, k))) return fail(c, "array must not contain duplicate elements");
    return 0;
}

static int check_string(vctx_t *c, json_t *s, json_t *v)
{
    size_t len = u8len(json_string_value(v));
    json_t *mn = json_object_get(s, "minLength"), *mx = json_object_get(s, "maxLength");
    if (json_is_integer(mn) && (json_int_t)len < json_integer_value(mn)) return fail(c, "string is too short");
    if (json_is_integer(mx) && (json_int_t)len > json_integer_value(mx)) return fail(c, "string is too long");
    const char *pat = json_string_value(json_object_get(s, "pattern"));
    if (pat) {
        regex_t re;
        if (regcomp(&re, pat, REG_EXTENDED | REG_NOSUB) == 0) {
            int m = regexec(&re, json_string_value(v), 0, NULL, 0) == 0;
            regfree(&re);
            if (!m) return fail(c, "ECMA 262 regex \"%s\" does not match input string", pat);
        }
    }
    return 0;
}

static int check_number(vctx_t *c, json_t *s, json_t *v)
{
    double x = json_number_value(v);
    json_t *mn = json_object_get(s, "minimum"), *mx = json_object_get(s, "maximum"), *mo = json_object_get(s, "multipleOf");
    int exmin = json_is_true(json_object_get(s, "exclusiveMinimum")), exmax = json_is_true(json_object_get(s, "exclusiveMaximum"));
    if (json_is_number(mn) && (exmin ? x <= json_number_value(mn) : x < json_number_value(mn)))
        return fail(c, "numeric instance is lower than the required minimum");
    if (json_is_number(mx) && (exmax ? x >= json_number_value(mx) : x > json_number_value(mx)))
        return fail(c, "numeric instance is greater than the required maximum");
    if (json_is_number(mo) && json_number_value(mo) > 0) {
        double q = x / json_number_value(mo);
        if (fabs(q - floor(q + 0.5)) > 1e-9) return fail(c, "remainder is not zero");
    }
    return 0;
}

static int validate(vctx_t *c, json_t *s, json_t *v, int depth)
{
    if (depth > MAX_DEPTH) return fail(c, "schema or instance nested too deeply");
    if (++c->sh->steps > MAX_STEPS) return fail(c, "schema too complex to validate");
    if (!json_is_object(s)) return 0;
    const char *ref = json_string_value(json_object_get(s, "$ref"));
    if (ref) {
        if (ref[0] == '#') {
            json_t *target = apigw__json_pointer(c->root, ref);
            if (!target) return fail(c, "unresolvable $ref %s", ref);
            return validate(c, target, v, depth + 1);
        }
        const char *frag = "#";
        json_t *model = model_schema(c, ref, &frag);
        json_t *target = model ? apigw__json_pointer(model, frag) : NULL;
        if (!target) return fail(c, "unresolvable $ref %s", ref);
        vctx_t in_model = {model, c->err, c->cap, c->sh};   /* its own "#" refs are its own */
        return validate(&in_model, target, v, depth + 1);
    }
    json_t *type = json_object_get(s, "type");
    if (json_is_string(type) && !type_is(v, json_string_value(type)))
        return fail(c, "instance type does not match any allowed primitive type (allowed: [\"%s\"])", json_string_value(type));
    if (json_is_array(type)) {
        int ok = 0;
        size_t i;
        json_t *t;
        json_array_foreach(type, i, t) ok |= json_is_string(t) && type_is(v, json_string_value(t));
        if (!ok) return fail(c, "instance type does not match any allowed primitive type");
    }
    json_t *en = json_object_get(s, "enum");
    if (json_is_array(en)) {
        int ok = 0;
        size_t i;
        json_t *e;
        json_array_foreach(en, i, e) ok |= json_equal(e, v);
        if (!ok) return fail(c, "instance value not found in enum");
    }
    json_t *cst = json_object_get(s, "const");
    if (cst && !json_equal(cst, v)) return fail(c, "instance does not match const");
    if (json_is_object(v) && check_object(c, s, v, depth) != 0) return -1;
    if (json_is_array(v) && check_array(c, s, v, depth) != 0) return -1;
    if (json_is_string(v) && check_string(c, s, v) != 0) return -1;
    if (json_is_number(v) && check_number(c, s, v) != 0) return -1;
    size_t i;
    json_t *sub;
    json_array_foreach(json_object_get(s, "allOf"), i, sub)
        if (validate(c, sub, v, depth + 1) != 0) return -1;
    json_t *any = json_object_get(s, "anyOf");
    if (json_is_array(any)) {
        int ok = 0;
        json_array_foreach(any, i, sub) {
            vctx_t quiet = {c->root, NULL, 0, c->sh};
            if (validate(&quiet, sub, v, depth + 1) == 0) { ok = 1; break; }
        }
        if (!ok) return fail(c, "instance failed to match at least one required schema among anyOf");
    }
    json_t *one = json_object_get(s, "oneOf");
    if (json_is_array(one)) {
        int n = 0;
        json_array_foreach(one, i, sub) {
            vctx_t quiet = {c->root, NULL, 0, c->sh};
            n += validate(&quiet, sub, v, depth + 1) == 0;
        }
        if (n != 1) return fail(c, "instance failed to match exactly one schema among oneOf");
    }
    json_t *not = json_object_get(s, "not");
    if (json_is_object(not)) {
        vctx_t quiet = {c->root, NULL, 0, c->sh};
        if (validate(&quiet, not, v, depth + 1) == 0) return fail(c, "instance matched a schema which it should not have");
    }
    return 0;
}

int apigw__schema_validate_models(json_t *root, json_t *schema, json_t *instance, json_t *models,
                                  char *err, size_t cap)
{
    if (err && cap) err[0] = 0;
    vshared_t sh = {0, models, NULL};
    vctx_t c = {root ? root : schema, err, cap, &sh};
    int rc = validate(&c, schema, instance, 0);
    json_decref(sh.loaded);
    return rc;
}

int apigw__schema_validate(json_t *root, json_t *schema, json_t *instance, char *err, size_t cap)
{
    return apigw__schema_validate_models(root, schema, instance, NULL, err, cap);
}
