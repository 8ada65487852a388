/* fuzz_apigw_csv.c — the CSV reader of ImportApiKeys (src/apigw/csv.c) on
 * arbitrary bytes. Promises: no crash, over-read or leak; either an error
 * message or an array of non-empty arrays of strings whose total length is
 * at most the input's. Run:
 * make build/fuzz/fuzz_apigw_csv && build/fuzz/fuzz_apigw_csv fuzz/corpus/apigw_csv */
#include "apigw/apigw_int.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *p = malloc(size ? size : 1);   /* exact size: ASan sees any over-read */
    memcpy(p, data, size);
    const char *err = NULL;
    json_t *rows = apigw__csv_parse(p, size, &err);
    if (!rows) {
        if (!err) abort();
    } else {
        size_t total = 0, i, j;
        json_t *row, *f;
        json_array_foreach(rows, i, row) {
            if (!json_is_array(row) || json_array_size(row) == 0) abort();
            json_array_foreach(row, j, f) {
                if (!json_is_string(f)) abort();
                total += json_string_length(f);
            }
        }
        if (total > size) abort();
        json_decref(rows);
    }
    free(p);
    return 0;
}
