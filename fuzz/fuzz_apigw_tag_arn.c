/* fuzz_apigw_tag_arn.c — the tag operations' resource ARN splitter on
 * arbitrary text. Promises: no crash or over-read; a result of 1..4 segments,
 * each non-empty, shorter than APIGW_ARN_SEG and free of '/', or -1. Run:
 * make build/fuzz/fuzz_apigw_tag_arn && build/fuzz/fuzz_apigw_tag_arn fuzz/corpus/apigw_tag_arn */
#include "apigw/apigw_int.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *arn = malloc(size + 1);   /* exact size: ASan catches any read past the NUL */
    memcpy(arn, data, size);
    arn[size] = 0;
    char seg[4][APIGW_ARN_SEG];
    int n = apigw__tag_arn_split(arn, "us-east-1", seg);
    if (n != -1 && (n < 1 || n > 4)) abort();
    for (int i = 0; i < n; i++) {
        size_t l = strnlen(seg[i], APIGW_ARN_SEG);
        if (l == 0 || l >= APIGW_ARN_SEG || memchr(seg[i], '/', l)) abort();
    }
    free(arn);
    return 0;
}
