/* fuzz_json_fast.c — differential: the fast JSON parser (core/json_fast.c)
 * against jansson's json_loadb, on the same bytes, under each of the flag
 * sets the daemon uses. Whatever the fast parser accepts, jansson must
 * accept with an identical tree (same types, values and member order);
 * nb_json_loadb must then agree with jansson in every case, errors included
 * (its error text is jansson's own when the fast parser declines). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "core/json_fast.h"

/* Identical, member order included (json_equal ignores order). */
static int same(const json_t *a, const json_t *b)
{
    if (json_typeof(a) != json_typeof(b)) return 0;
    if (json_is_object(a)) {
        if (json_object_size(a) != json_object_size(b)) return 0;
        void *ia = json_object_iter((json_t *)a), *ib = json_object_iter((json_t *)b);
        for (; ia && ib; ia = json_object_iter_next((json_t *)a, ia), ib = json_object_iter_next((json_t *)b, ib)) {
            size_t la = json_object_iter_key_len(ia), lb = json_object_iter_key_len(ib);
            if (la != lb || memcmp(json_object_iter_key(ia), json_object_iter_key(ib), la) != 0) return 0;
            if (!same(json_object_iter_value(ia), json_object_iter_value(ib))) return 0;
        }
        return !ia && !ib;
    }
    if (json_is_array(a)) {
        if (json_array_size(a) != json_array_size(b)) return 0;
        for (size_t i = 0; i < json_array_size(a); i++)
            if (!same(json_array_get(a, i), json_array_get(b, i))) return 0;
        return 1;
    }
    return json_equal((json_t *)a, (json_t *)b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const size_t flag_sets[] = {0, JSON_ALLOW_NUL, JSON_REJECT_DUPLICATES,
                                       JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL};
    /* an exact-size copy, so an over-read past the end is ASan's to see */
    char *buf = malloc(size ? size : 1);
    if (size) memcpy(buf, data, size);
    for (size_t f = 0; f < sizeof flag_sets / sizeof flag_sets[0]; f++) {
        size_t flags = flag_sets[f];
        json_error_t je, ne;
        json_t *ref = json_loadb(buf, size, flags, &je);
        json_t *fast = nb_json_fast_parse(buf, size, flags);
        if (fast && (!ref || !same(fast, ref))) abort();
        json_t *via = nb_json_loadb(buf, size, flags, &ne);
        if (!ref != !via) abort();
        if (ref && !same(ref, via)) abort();
        if (!ref && strcmp(je.text, ne.text) != 0) abort();
        json_decref(ref);
        json_decref(fast);
        json_decref(via);
    }
    free(buf);
    return 0;
}
