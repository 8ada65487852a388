/* ddb_keycodec.h — order-preserving byte encoding of key attribute values.
 *
 * For key values (S, N or B) of one type, memcmp order of the encodings equals
 * DynamoDB's order (S by UTF-8 bytes, N numerically, B by bytes), and every
 * encoding is prefix-free (no encoding is a proper prefix of another), so
 *   composite = enc(hash) || enc(range)
 * sorts by hash, then by range, and all items of one hash value share the
 * prefix enc(hash).
 *
 *   S, B:  bytes with 0x00 escaped as 0x00 0xFF, terminated by 0x00 0x01.
 *   N:     0x02 for zero; positive: 0x03, (exp+129) byte, digits d+1 ..., 0x00;
 *          negative: 0x01, (126-exp) byte, digits 10-d ..., 0xFF
 *          (exp and digits as in ddb_num_t).
 * The encoding carries no type tag: the table's key schema gives the type. */
#ifndef DDB_KEYCODEC_H
#define DDB_KEYCODEC_H
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "core/buf.h"
#include "dynamodb/ddb_av.h"

/* Append the encoding of av (a validated S, N or B AV) to out. -1 if av is
 * not S/N/B (or B is bad base64). */
int ddb_key_encode(nb_buf_t *out, const json_t *av);

/* Append enc(hash) || enc(range) (range may be NULL: hash only). */
int ddb_key_encode_composite(nb_buf_t *out, const json_t *hash, const json_t *range);

/* Decode one value of type t (S, N or B) from p[0..n); on success returns the
 * bytes consumed and sets *out (new reference, caller decrefs); -1 on bad input. */
long ddb_key_decode(const uint8_t *p, size_t n, ddb_type_t t, json_t **out);

/* Decode a composite key: hash of type ht, then range of type rt (DDB_T_INVALID
 * when the table has no range key). 0 or -1; *hash and *range are new references. */
int ddb_key_decode_composite(const uint8_t *p, size_t n, ddb_type_t ht, ddb_type_t rt,
                             json_t **hash, json_t **range);

/* Sort-key condition operators (KeyConditionExpression). */
typedef enum ddb_sk_op {
    DDB_SK_NONE = 0,   /* partition key only */
    DDB_SK_EQ, DDB_SK_LT, DDB_SK_LE, DDB_SK_GT, DDB_SK_GE,
    DDB_SK_BETWEEN, DDB_SK_BEGINS_WITH
} ddb_sk_op_t;

/* A half-open store range [lo, hi) of encoded composite keys; has_hi == 0
 * means no upper bound. Buffers are heap (ddb_key_range_free). */
typedef struct ddb_key_range {
    nb_buf_t lo;
    nb_buf_t hi;
    int has_hi;
    int empty;      /* 1 when the condition can match nothing (e.g. BETWEEN 5 AND 1) */
} ddb_key_range_t;

/* Range of composite keys with partition value hash and sort key satisfying
 * op v1 [v2] (v1/v2 unused for DDB_SK_NONE; v2 only for BETWEEN). 0 or -1
 * (bad AV type). The caller prefixes nothing: lo/hi are full composite keys. */
int ddb_key_range(const json_t *hash, ddb_sk_op_t op, const json_t *v1, const json_t *v2,
                  ddb_key_range_t *out);
void ddb_key_range_free(ddb_key_range_t *r);

/* Smallest byte string greater than every string having prefix p (in place:
 * strips trailing 0xFF, increments the last byte). Returns 0, or -1 when no
 * such string exists (p empty or all 0xFF: no upper bound). */
int ddb_key_prefix_successor(nb_buf_t *p);

#endif
