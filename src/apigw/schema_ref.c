/* schema_ref.c — following JSON pointers and "$ref"s (see schema_ref.h): one
 * reading of "~0"/"~1" and of model URLs for PATCH paths, the schema
 * validator, GetModelTemplate and OpenAPI import/export. */
#include "apigw/schema_ref.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

const char *apigw__ptr_segment(const char *p, char *key, size_t cap)
{
    size_t k = 0;
    while (*p && *p != '/' && k + 1 < cap) {
        if (p[0] == '~' && (p[1] == '0' || p[1] == '1')) {
            key[k++] = p[1] == '1' ? '/' : '~';
            p += 2;
        } else {
            key[k++] = *p++;
        }
    }
    if (cap) key[k] = 0;
    return p;
}

/* An array index: decimal digits, no leading zero (RFC 6901). */
static int array_index(const char *key, size_t *out)
{
    size_t v = 0;
    if (!*key || (key[0] == '0' && key[1])) return -1;
    for (const char *c = key; *c; c++) {
        if (*c < '0' || *c > '9' || v > (SIZE_MAX - 9) / 10) return -1;
        v = v * 10 + (size_t)(*c - '0');
    }
    *out = v;
    return 0;
}

json_t *apigw__json_pointer(json_t *root, const char *ref)
{
    if (!ref || ref[0] != '#') return NULL;
    json_t *cur = root;
    const char *p = ref + 1;
    while (cur && *p == '/') {
        char key[256];
        size_t i;
        p = apigw__ptr_segment(p + 1, key, sizeof key);
        if (json_is_array(cur))
            cur = array_index(key, &i) == 0 ? json_array_get(cur, i) : NULL;
        else
            cur = json_object_get(cur, key);
    }
    return *p ? NULL : cur;
}

int apigw__ref_model_name(const char *ref, char *name, size_t cap, const char **frag)
{
    const char *m = ref ? strstr(ref, "/models/") : NULL;
    if (!m) return -1;
    m += 8;
    size_t n = strcspn(m, "#");
    *frag = m[n] ? m + n : "#";
    if (!n || n >= cap) return -1;
    memcpy(name, m, n);
    name[n] = 0;
    return 0;
}

json_t *apigw__ref_model_load(json_t *cache, const char *name, const char *text)
{
    json_t *s = json_object_get(cache, name);
    if (s) return s;
    s = text ? json_loads(text, 0, NULL) : NULL;
    if (!s) return NULL;
    json_object_set_new(cache, name, s);
    return s;
}

void apigw__map_refs(json_t *v, const char *(*to)(void *arg, const char *ref), void *arg, int depth)
{
    if (depth > 64) return;
    const char *k;
    json_t *c;
    size_t i;
    if (json_is_array(v)) {
        json_array_foreach(v, i, c) apigw__map_refs(c, to, arg, depth + 1);
        return;
    }
    json_object_foreach(v, k, c) {
        const char *ref = json_string_value(c), *now = ref && !strcmp(k, "$ref") ? to(arg, ref) : NULL;
        if (now)
            json_object_set_new(v, k, json_string(now));
        else
            apigw__map_refs(c, to, arg, depth + 1);
    }
}
