/* fuzz_apigw_ws.c — the WebSocket frame parser on arbitrary bytes: frames are
 * parsed one after another as a connection would. Promises: no over-read,
 * consumed bytes within the input, payload inside the buffer.
 * Run: make build/fuzz/fuzz_apigw_ws && build/fuzz/fuzz_apigw_ws fuzz/corpus/apigw_ws */
#include "apigw/ws.h"
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
    return 0;
}
