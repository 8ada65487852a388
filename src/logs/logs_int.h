/* logs_int.h — internals of src/logs shared between its files. */
#ifndef NB_LOGS_INT_H
#define NB_LOGS_INT_H
#include "logs/logs.h"

/* The last byte of a batch record's key: the value is the batch encoding as
 * it is (written before compression; read, never written now). */
#define LOGS__BATCH_TAG 0x01
/* ... of a compressed batch record: the value is
 *   zigzag-varint(ingestion_ms - TS)  varint(RAW)  a zstd frame of RAW bytes
 * whose content is the events part of the batch encoding. */
#define LOGS__ZBATCH_TAG 0x02
/* The largest RAW a reader decompresses: a record declaring more is malformed.
 * The writer's records stay under it: their messages stop growing past
 * LOGS_RECORD_MAX, and one event is cut to LOGS__EVENT_MAX (Lambda cuts a
 * line at ~256 KB already, as CloudWatch does). */
#define LOGS__RAW_LIMIT (1024 * 1024)
#define LOGS__EVENT_MAX (LOGS__RAW_LIMIT - 2 * LOGS__VARINT_MAX)
/* The stored size (compressed, before the store's 33 bytes of encryption) a
 * record aims at: one LMDB overflow page (4,096 bytes less its 16-byte header)
 * with room for a worse guess of the ratio. A stream's chunk of messages grows
 * to about its records' compression ratio times this (logs_writer.c), so a
 * busy stream's records fill their page; a tick cuts the others shorter,
 * small enough to sit in the leaf pages (under ~1.9 KB). */
#define LOGS__ZTARGET 3600
/* The ratio (x16) assumed of a stream before its first full record: 4x, what
 * the platform lines of short invokes at least reach. */
#define LOGS__RATIO16_START 64
/* Bytes a varint takes at most. */
#define LOGS__VARINT_MAX 10

/* v as a little-endian base-128 varint into out; bytes written. */
size_t logs__varint(unsigned char out[LOGS__VARINT_MAX], uint64_t v);

/* Signed deltas as varints: 0, -1, 1, -2 ... → 0, 1, 2, 3 ... */
static inline uint64_t logs__zigzag(int64_t v) { return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63); }
static inline int64_t logs__unzigzag(uint64_t u) { return (int64_t)(u >> 1) ^ -(int64_t)(u & 1); }

/* Append TS(8B BE) SEQ(4B BE) tag (LOGS__BATCH_TAG or LOGS__ZBATCH_TAG) to a
 * logs_stream_key() prefix. */
void logs__batch_key_tail(nb_buf_t *k, uint64_t ts_ms, uint32_t seq, unsigned char tag);

/* The value of a compressed batch record (LOGS__ZBATCH_TAG) into out
 * (cleared first): events[0..len) is the events part of the batch encoding,
 * its deltas against ts, the key's timestamp; len <= LOGS__RAW_LIMIT.
 * 0, or -1 when the compressor failed (out is then unusable). Loop thread
 * only (one compression context, kept between calls). */
int logs__zrecord(nb_buf_t *out, uint64_t ts, uint64_t ingest_ms, const void *events, size_t len);
/* Free the compression context (the writer's last stop). */
void logs__zrecord_release(void);

#endif
