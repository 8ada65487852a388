/* logs_record.c — the encoding of logs.events records (layout in logs.h).
 *
 * A batch record's value:
 *   zigzag-varint(ingestion_ms - TS)
 *   then per event: zigzag-varint(event_ms - TS)  varint(len)  len message bytes
 * where TS is the key's timestamp (the first event's). Deltas keep a record of
 * START/END/REPORT lines a few bytes over their messages; zigzag because a
 * wall clock may step back between two events of one record.
 *
 * The decoder is the one parser of stored log records (the CLI and a future
 * CloudWatch Logs API read through it; fuzz/fuzz_logs_record.c): it trusts
 * nothing in the bytes, copies nothing and reads only within them. */
#include "logs/logs_int.h"
#include <string.h>

size_t logs__varint(unsigned char out[LOGS__VARINT_MAX], uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        out[n++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    out[n++] = (unsigned char)v;
    return n;
}

/* A varint from p[*pos..n): 0, or -1 when truncated or over 64 bits. */
static int get_varint(const unsigned char *p, size_t n, size_t *pos, uint64_t *v)
{
    uint64_t r = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (*pos >= n) return -1;
        unsigned char b = p[(*pos)++];
        if (shift == 63 && b > 1) return -1;
        r |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = r;
            return 0;
        }
    }
    return -1;
}

static uint64_t be64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = (v << 8) | p[i];
    return v;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void logs_stream_key(nb_buf_t *k, const char *group, const char *stream)
{
    nb_buf_puts(k, group);
    nb_buf_putc(k, 0);
    nb_buf_puts(k, stream);
    nb_buf_putc(k, 0);
}

void logs__batch_key_tail(nb_buf_t *k, uint64_t ts_ms, uint32_t seq)
{
    unsigned char t[13];
    for (int i = 7; i >= 0; i--) { t[i] = (unsigned char)ts_ms; ts_ms >>= 8; }
    for (int i = 11; i >= 8; i--) { t[i] = (unsigned char)seq; seq >>= 8; }
    t[12] = LOGS__BATCH_TAG;
    nb_buf_append(k, t, sizeof t);
}

/* The key's tail after GROUP \0 STREAM \0 (both non-empty): its length, or
 * -1 when the key has no such prefix. */
static long key_tail(const unsigned char *k, size_t kl, const unsigned char **tail)
{
    const unsigned char *z1 = kl ? memchr(k, 0, kl) : NULL;
    if (!z1 || z1 == k) return -1;
    size_t rest = kl - (size_t)(z1 + 1 - k);
    const unsigned char *z2 = rest ? memchr(z1 + 1, 0, rest) : NULL;
    if (!z2 || z2 == z1 + 1) return -1;
    *tail = z2 + 1;
    return (long)(kl - (size_t)(z2 + 1 - k));
}

int logs_record_key_ts(const void *key, size_t klen, uint64_t *ts_ms, uint32_t *seq)
{
    const unsigned char *tail;
    long tl = key_tail(key, klen, &tail);
    if (tl != 12 && !(tl == 13 && tail[12] == LOGS__BATCH_TAG)) return -1;
    *ts_ms = be64(tail);
    *seq = be32(tail + 8);
    return 0;
}

long logs_record_decode(const void *key, size_t klen, const void *val, size_t vlen, logs_event_fn fn, void *arg)
{
    const unsigned char *tail;
    long tl = key_tail(key, klen, &tail);
    if (tl == 12) {   /* one event, the value its message */
        fn(arg, be64(tail), 0, val, vlen);
        return 1;
    }
    if (tl != 13 || tail[12] != LOGS__BATCH_TAG) return -1;
    uint64_t base = be64(tail), u, len;
    const unsigned char *v = val;
    size_t pos = 0;
    if (get_varint(v, vlen, &pos, &u) != 0) return -1;
    uint64_t ingest = base + (uint64_t)logs__unzigzag(u);
    long n = 0;
    while (pos < vlen) {
        if (get_varint(v, vlen, &pos, &u) != 0 || get_varint(v, vlen, &pos, &len) != 0) return -1;
        if (len > vlen - pos) return -1;
        n++;
        if (fn(arg, base + (uint64_t)logs__unzigzag(u), ingest, (const char *)v + pos, (size_t)len)) return n;
        pos += (size_t)len;
    }
    return n;
}
