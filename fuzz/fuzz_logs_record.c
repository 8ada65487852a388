/* fuzz_logs_record.c — the log store's record decoder on arbitrary bytes:
 * the first byte splits the input into a logs.events key and its value.
 * Promises: no over-read (ASan), no crash, -1 or the number of events
 * visited, every message inside the value (a compressed record's: readable
 * whole, within the 1 MB the decoder may allocate), the key's timestamp
 * readable whenever the record decodes. Seeds: records as written (batch,
 * compressed, one event) and broken ones.
 * Run: make build/fuzz/fuzz_logs_record && build/fuzz/fuzz_logs_record fuzz/corpus/logs_record */
#include "logs/logs_int.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct span { const char *lo, *hi; size_t bytes; long n; int compressed; unsigned sum; } span_t;

static int on_event(void *arg, uint64_t ts, uint64_t ingest, const char *msg, size_t len)
{
    (void)ts;
    (void)ingest;
    span_t *s = arg;
    if (s->compressed) {   /* in the decoder's buffer: every byte readable (ASan) */
        for (size_t i = 0; i < len; i++) s->sum += (unsigned char)msg[i];
    } else if (msg < s->lo || msg + len > s->hi) {
        abort();
    }
    s->bytes += len;
    s->n++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) return 0;
    size_t kl = data[0] < size ? data[0] : size - 1;
    /* heap copies of exactly their size, so any read past either is seen */
    unsigned char *k = malloc(kl ? kl : 1), *v = malloc(size - 1 - kl ? size - 1 - kl : 1);
    memcpy(k, data + 1, kl);
    size_t vl = size - 1 - kl;
    memcpy(v, data + 1 + kl, vl);
    int compressed = kl && k[kl - 1] == LOGS__ZBATCH_TAG;
    span_t s = {(const char *)v, (const char *)v + vl, 0, 0, compressed, 0};
    long n = logs_record_decode(k, kl, v, vl, on_event, &s);
    if (n < -1 || (n >= 0 && n != s.n) || s.bytes > (compressed ? (size_t)LOGS__RAW_LIMIT : vl)) abort();
    uint64_t ts;
    uint32_t seq;
    if (n >= 0 && logs_record_key_ts(k, kl, &ts, &seq) != 0) abort();
    free(k);
    free(v);
    return 0;
}
