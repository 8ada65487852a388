/* fuzz_apigw_response.c — a function's answer (payload 2.0) mapped by the
 * direct reader (resp_fast.c) and by jansson's path: whenever the direct
 * reader accepts an input, both must give the same status, headers (names,
 * values, order) and body. Promises: no over-read (the input is copied to an
 * exact-size heap block), no leak, agreement.
 * Run: make build/fuzz/fuzz_apigw_response && build/fuzz/fuzz_apigw_response fuzz/corpus/apigw_response */
#include "apigw/event.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *p = malloc(size ? size : 1);
    if (size) memcpy(p, data, size);
    nb_arena_t *a = nb_arena_new(4096);
    apigw_http_out_t f, j;
    int rf = apigw__response_v2_fast(a, p, size, &f);
    if (rf != 0 && rf != APIGW_RESP_SLOW) abort();
    if (rf == 0) {
        if (apigw__response_v2_json(a, p, size, &j) != 0) abort();
        if (f.status != j.status || f.body_len != j.body_len || memcmp(f.body, j.body, f.body_len) != 0) abort();
        if (f.n_headers != j.n_headers) abort();
        for (size_t i = 0; i < f.n_headers; i++)
            if (strcmp(f.headers[i].name, j.headers[i].name) != 0 || f.headers[i].value_len != j.headers[i].value_len ||
                memcmp(f.headers[i].value, j.headers[i].value, f.headers[i].value_len) != 0)
                abort();
    }
    nb_arena_free(a);
    free(p);
    return 0;
}
