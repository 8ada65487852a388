/* logs_int.h — internals of src/logs shared between its files. */
#ifndef NB_LOGS_INT_H
#define NB_LOGS_INT_H
#include "logs/logs.h"

/* The last byte of a batch record's key. */
#define LOGS__BATCH_TAG 0x01
/* Bytes a varint takes at most. */
#define LOGS__VARINT_MAX 10

/* v as a little-endian base-128 varint into out; bytes written. */
size_t logs__varint(unsigned char out[LOGS__VARINT_MAX], uint64_t v);

/* Signed deltas as varints: 0, -1, 1, -2 ... → 0, 1, 2, 3 ... */
static inline uint64_t logs__zigzag(int64_t v) { return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63); }
static inline int64_t logs__unzigzag(uint64_t u) { return (int64_t)(u >> 1) ^ -(int64_t)(u & 1); }

/* Append TS(8B BE) SEQ(4B BE) LOGS__BATCH_TAG to a logs_stream_key() prefix. */
void logs__batch_key_tail(nb_buf_t *k, uint64_t ts_ms, uint32_t seq);

#endif
