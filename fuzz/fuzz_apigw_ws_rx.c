/* fuzz_apigw_ws_rx.c — the WebSocket receive state machine (ws_rx.c) on
 * arbitrary bytes fed in arbitrary slices, as a connection's reads would
 * arrive: the first input byte picks the slice size. Promises: no over-read
 * or leak, messages within 128 KB, control payloads within 125 bytes, text
 * messages valid UTF-8, an error is final.
 * Run: make build/fuzz/fuzz_apigw_ws_rx && build/fuzz/fuzz_apigw_ws_rx fuzz/corpus/apigw_ws_rx */
#include "apigw/ws.h"
#include "apigw/ws_rx.h"
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size) return 0;
    size_t slice = (size_t)data[0] + 1;
    data++, size--;
    apigw_ws_rx_t rx;
    apigw__ws_rx_init(&rx);
    int failed = 0;
    for (size_t off = 0; off < size && !failed; off += slice) {
        size_t n = size - off < slice ? size - off : slice;
        apigw__ws_rx_feed(&rx, data + off, n);
        for (;;) {
            apigw_ws_event_t ev;
            int r = apigw__ws_rx_next(&rx, &ev);
            if (r == 0) break;
            if (r < 0) {
                if (r != -1002 && r != -1007 && r != -1009) abort();
                if (apigw__ws_rx_next(&rx, &ev) != r) abort();   /* sticky */
                failed = 1;
                break;
            }
            if (ev.kind >= APIGW_WS_CLOSE && ev.len > 125) abort();
            if (ev.len > APIGW_WS_MAX_MESSAGE) abort();
            if (ev.kind == APIGW_WS_TEXT && !apigw__utf8_valid(ev.data, ev.len)) abort();
            volatile unsigned char sink = 0;
            for (size_t i = 0; i < ev.len; i++) sink ^= ev.data[i];   /* touch every byte */
            (void)sink;
        }
    }
    apigw__ws_rx_free(&rx);
    return 0;
}
