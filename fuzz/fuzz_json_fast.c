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
        if (fast && (!ref || !nb_json_same_tree(fast, ref))) abort();
        json_t *via = nb_json_loadb(buf, size, flags, &ne);
        if (!ref != !via) abort();
        if (ref && !nb_json_same_tree(ref, via)) abort();
        if (!ref && strcmp(je.text, ne.text) != 0) abort();
        json_decref(ref);
        json_decref(fast);
        json_decref(via);
    }
    free(buf);
    return 0;
}
