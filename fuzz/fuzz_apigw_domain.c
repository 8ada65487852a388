/* fuzz_apigw_domain.c — the custom domain helpers (domain_match.c) on
 * arbitrary text: the name and mapping key validators, and which base path
 * serves a path. Input: "key\0path" (no NUL: the whole input is both).
 * Promises: no crash or over-read; a key that serves a path consumes at most
 * the path's length and leaves it at '/', '?' or its end; a valid key has
 * no "//" and no leading or trailing '/'. Run:
 * make build/fuzz/fuzz_apigw_domain && build/fuzz/fuzz_apigw_domain fuzz/corpus/apigw_domain */
#include "apigw/apigw_int.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t kl = nul ? (size_t)(nul - data) : size;
    size_t pl = nul ? size - kl - 1 : size;
    char *key = malloc(kl + 1), *path = malloc(pl + 1);   /* exact sizes: ASan sees any over-read */
    memcpy(key, data, kl);
    key[kl] = 0;
    memcpy(path, nul ? nul + 1 : data, pl);
    path[pl] = 0;
    (void)apigw__domain_name_ok(key);
    if (apigw__mapping_key_ok(key)) {
        size_t n = strlen(key);
        if (n && (key[0] == '/' || key[n - 1] == '/' || strstr(key, "//"))) abort();
    }
    size_t used = apigw__mapping_serves(key, path);
    if (used != (size_t)-1) {
        size_t plen = strlen(path);
        if (used > plen) abort();
        if (*key && path[used] != 0 && path[used] != '/' && path[used] != '?') abort();
    }
    free(key);
    free(path);
    return 0;
}
