/* fuzz_lambda_log_level.c — the level of a function's output line
 * (lambda__log_line_level, src/lambda/logfmt.c) on arbitrary bytes: the line a
 * function writes is untrusted. Promises: no over-read (ASan: the line is a
 * heap copy of exactly its size, not NUL-terminated), no crash, no leak, a
 * level in TRACE..FATAL, INFO for anything that is not a JSON object.
 * Run: make build/fuzz/fuzz_lambda_log_level && build/fuzz/fuzz_lambda_log_level fuzz/corpus/lambda_log_level */
#include "lambda/logfmt.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *line = malloc(size ? size : 1);
    memcpy(line, data, size);
    int lvl = lambda__log_line_level(line, size);
    if (lvl < LAMBDA_LVL_TRACE || lvl > LAMBDA_LVL_FATAL) abort();
    size_t i = 0;
    while (i < size && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) i++;
    if ((i == size || line[i] != '{') && lvl != LAMBDA_LVL_INFO) abort();
    free(line);
    return 0;
}
