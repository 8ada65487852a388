/* fuzz_apigw_ws.c — the WebSocket frame parser on arbitrary bytes: frames are
 * parsed one after another as a connection would. Promises: no over-read,
 * consumed bytes within the input, payload inside the buffer. Then route
 * selection: the first byte splits the rest into a selection expression and
 * a message body; promises: no over-read, no leak, a key or NULL.
 * Run: make build/fuzz/fuzz_apigw_ws && build/fuzz/fuzz_apigw_ws fuzz/corpus/apigw_ws */
#include "apigw/ws.h"
#include "core/arena.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned char *buf = malloc(size ? size : 1);
    memcpy(buf, data, size);
    size_t pos = 0;
    while (pos < size) {
        apigw_ws_frame_t f;
        long n = apigw__ws_parse(buf + pos, size - pos, APIGW_WS_MAX_FRAME, &f);
        if (n <= 0) break;
        if ((size_t)n > size - pos) abort();
        if (f.payload < buf + pos || f.payload + f.len > buf + pos + (size_t)n) abort();
        pos += (size_t)n;
    }
    free(buf);
    if (size) {
        size_t k = data[0] < size - 1 ? data[0] : size - 1;
        char *expr = malloc(k + 1);
        memcpy(expr, data + 1, k);
        expr[k] = 0;
        nb_arena_t *a = nb_arena_new(1024);
        const char *key = apigw__ws_select_route(a, expr, (const char *)data + 1 + k, size - 1 - k);
        if (key && strlen(key) > 64 * size + 64) abort();
        nb_arena_free(a);
        free(expr);
    }
    return 0;
}
