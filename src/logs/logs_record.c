/* logs_record.c — the encoding of logs.events records (layout in logs.h).
 *
 * The batch encoding of a stream's events:
 *   header: zigzag-varint(ingestion_ms - TS)
 *   events: per event zigzag-varint(event_ms - TS)  varint(len)  len message bytes
 * where TS is the key's timestamp (the first event's). Deltas keep a record of
 * START/END/REPORT lines a few bytes over their messages; zigzag because a
 * wall clock may step back between two events of one record.
 *
 * A record's value is that encoding compressed (key tag LOGS__ZBATCH_TAG):
 *   header  varint(RAW)  one zstd frame whose content is the RAW bytes of the events
 * or, in stores written before compression, as it is (LOGS__BATCH_TAG); the
 * oldest records hold one event each (no tag, the value the message). zstd at
 * level 1, no dictionary: a batch of platform lines repeats itself (the
 * request id three times, the same words), ~6x smaller (docs/PERFORMANCE.md).
 *
 * The decoder is the one parser of stored log records (the CLI and a future
 * CloudWatch Logs API read through it; fuzz/fuzz_logs_record.c): it trusts
 * nothing in the bytes and reads only within them; a compressed record is
 * decompressed into one buffer of exactly its declared RAW bytes, refused
 * unless RAW <= LOGS__RAW_LIMIT, the frame says the same size and is the
 * whole rest of the value, and decompression yields exactly RAW bytes. */
#include "logs/logs_int.h"
#include "core/alloc.h"
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

/* zstd's level: 1 is its fastest standard level; 2, 3 and 6 made these
 * batches no smaller (docs/PERFORMANCE.md). */
#define ZLEVEL 1

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

void logs__batch_key_tail(nb_buf_t *k, uint64_t ts_ms, uint32_t seq, unsigned char tag)
{
    unsigned char t[13];
    for (int i = 7; i >= 0; i--) { t[i] = (unsigned char)ts_ms; ts_ms >>= 8; }
    for (int i = 11; i >= 8; i--) { t[i] = (unsigned char)seq; seq >>= 8; }
    t[12] = tag;
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
    if (tl != 12 && !(tl == 13 && (tail[12] == LOGS__BATCH_TAG || tail[12] == LOGS__ZBATCH_TAG))) return -1;
    *ts_ms = be64(tail);
    *seq = be32(tail + 8);
    return 0;
}

/* --- compressed records ------------------------------------------------------------------ */

static ZSTD_CCtx *cctx;
static _Thread_local ZSTD_DCtx *dctx;   /* kept for the thread's next record; never freed */

int logs__zrecord(nb_buf_t *out, uint64_t ts, uint64_t ingest_ms, const void *events, size_t len)
{
    if (len > LOGS__RAW_LIMIT) return -1;
    if (!cctx) {
        cctx = ZSTD_createCCtx();
        if (!cctx) return -1;
        if (ZSTD_isError(ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, ZLEVEL)) ||
            ZSTD_isError(ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 1)) ||
            ZSTD_isError(ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 0))) {   /* the store's AES-GCM tag checks */
            logs__zrecord_release();
            return -1;
        }
    }
    unsigned char h[2 * LOGS__VARINT_MAX];
    size_t hl = logs__varint(h, logs__zigzag((int64_t)(ingest_ms - ts)));
    hl += logs__varint(h + hl, len);
    size_t bound = ZSTD_compressBound(len);
    nb_buf_clear(out);
    nb_buf_reserve(out, hl + bound);
    memcpy(out->data, h, hl);
    size_t n = ZSTD_compress2(cctx, out->data + hl, bound, events, len);
    if (ZSTD_isError(n)) return -1;
    out->len = hl + n;
    return 0;
}

void logs__zrecord_release(void)
{
    ZSTD_freeCCtx(cctx);
    cctx = NULL;
}

/* The events part of a batch, v[pos..vlen), each visited (see logs_record_decode). */
static long visit_events(const unsigned char *v, size_t vlen, size_t pos, uint64_t base, uint64_t ingest,
                         logs_event_fn fn, void *arg)
{
    uint64_t u, len;
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

/* A compressed record's value after its header, v[pos..vlen). */
static long visit_compressed(const unsigned char *v, size_t vlen, size_t pos, uint64_t base, uint64_t ingest,
                             logs_event_fn fn, void *arg)
{
    uint64_t raw;
    if (get_varint(v, vlen, &pos, &raw) != 0 || raw > LOGS__RAW_LIMIT) return -1;
    const unsigned char *f = v + pos;
    size_t fl = vlen - pos;
    /* one frame, the whole rest, declaring RAW: nothing is allocated on trust */
    if (ZSTD_getFrameContentSize(f, fl) != raw || ZSTD_findFrameCompressedSize(f, fl) != fl) return -1;
    if (!dctx && !(dctx = ZSTD_createDCtx())) return -1;
    unsigned char *buf = nb_xmalloc(raw ? (size_t)raw : 1);
    size_t got = ZSTD_decompressDCtx(dctx, buf, (size_t)raw, f, fl);
    long n = ZSTD_isError(got) || got != raw ? -1 : visit_events(buf, (size_t)raw, 0, base, ingest, fn, arg);
    free(buf);
    return n;
}

long logs_record_decode(const void *key, size_t klen, const void *val, size_t vlen, logs_event_fn fn, void *arg)
{
    const unsigned char *tail;
    long tl = key_tail(key, klen, &tail);
    if (tl == 12) {   /* one event, the value its message */
        fn(arg, be64(tail), 0, val, vlen);
        return 1;
    }
    if (tl != 13 || (tail[12] != LOGS__BATCH_TAG && tail[12] != LOGS__ZBATCH_TAG)) return -1;
    uint64_t base = be64(tail), u;
    const unsigned char *v = val;
    size_t pos = 0;
    if (get_varint(v, vlen, &pos, &u) != 0) return -1;
    uint64_t ingest = base + (uint64_t)logs__unzigzag(u);
    if (tail[12] == LOGS__ZBATCH_TAG) return visit_compressed(v, vlen, pos, base, ingest, fn, arg);
    return visit_events(v, vlen, pos, base, ingest, fn, arg);
}
