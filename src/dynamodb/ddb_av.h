/* ddb_av.h — AttributeValues in DynamoDB wire form, as jansson values.
 *
 * An AV is a JSON object with exactly one type key:
 *   {"S":"x"} {"N":"1.5"} {"B":"base64"} {"BOOL":true} {"NULL":true}
 *   {"SS":[..]} {"NS":[..]} {"BS":[..]} {"L":[AV..]} {"M":{name:AV}}
 * An item is a JSON object mapping attribute name → AV.
 * Invariants after ddb_av_validate / ddb_item_validate succeed: exactly one
 * known type key; N strings (and NS members) normalized (ddb_num.h); B / BS
 * members valid base64 (re-encoded canonically); sets non-empty without
 * duplicates; NULL is true ({"NULL": false} is accepted and stored as true,
 * as DynamoDB does).
 * All other functions here assume a validated AV. */
#ifndef DDB_AV_H
#define DDB_AV_H
#include <stddef.h>
#include <jansson.h>
#include "dynamodb/ddb_num.h"
#include "core/buf.h"

typedef enum ddb_type {
    DDB_T_INVALID = 0,
    DDB_T_S, DDB_T_N, DDB_T_B, DDB_T_BOOL, DDB_T_NULL,
    DDB_T_SS, DDB_T_NS, DDB_T_BS, DDB_T_L, DDB_T_M
} ddb_type_t;

/* Document nesting limit: an attribute is level 1, each L / M element one
 * level deeper, scalars included; 32 levels at most. */
#define DDB_MAX_NESTING 32
#define DDB_MSG_NESTING "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit"
/* Attribute names (of an item, a map, or an ExpressionAttributeNames value) are
 * below 64 KiB: DynamoDB's answer, measured 2026-09-16 (ExtendDB/extenddb#365;
 * ScyllaDB Alternator test_limits.py test_limit_attribute_length_nonkey_bad). */
#define DDB_MAX_ATTR_NAME 65535
#define DDB_MSG_NAME_TOO_LARGE "1 validation error detected: Attribute name is too large, must be less than 65536 bytes"
/* Nesting levels of av (a scalar is 1); 0 for NULL. */
size_t ddb_av_depth(const json_t *av);

/* Item size limit (bytes, as computed by ddb_item_size). */
#define DDB_ITEM_MAX_SIZE (400 * 1024)

/* Type of av (DDB_T_INVALID if av is not an object with one known type key). */
ddb_type_t ddb_av_type(const json_t *av);
/* Wire name "S", "N", ..., "M" (static); "" for DDB_T_INVALID. */
const char *ddb_type_name(ddb_type_t t);
/* Type for a wire name ("S"...), DDB_T_INVALID when unknown. */
ddb_type_t ddb_type_from_name(const char *name);
/* The inner value of av (the string / array / object / bool); borrowed. */
json_t *ddb_av_value(const json_t *av);
/* For S / N (borrowed string) — NULL when av is of another type. */
const char *ddb_av_str(const json_t *av);

/* Validate av (recursively) and normalize its numbers in place. -1 with a
 * ValidationException message on failure, e.g.
 *   "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
 *   "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"
 *   "One or more parameter values were invalid: An string set  may not be empty"
 *   "One or more parameter values were invalid: Input collection [a, a] contains duplicates."
 *   number errors from ddb_num_parse.
 * Shape errors (a JSON type that does not match the AV type key, e.g.
 * {"S":1}) are reported as NB_ERR_SERIALIZATION, as the SDK-facing service does. */
int ddb_av_validate(json_t *av, ddb_err_t *err);
/* Validate every AV of item (a JSON object) in place. */
int ddb_item_validate(json_t *item, ddb_err_t *err);

/* Equality with DynamoDB semantics: same type, numbers numerically (normalized
 * strings compare equal iff numerically equal), sets as unordered sets, L
 * element-wise, M key-wise. */
int ddb_av_equal(const json_t *a, const json_t *b);
/* Ordering for two AVs of the same scalar type S (UTF-8 bytes), N (numeric)
 * or B (decoded bytes). Returns 0 and sets *out (<0, 0, >0), or -1 when the
 * AVs are not comparable (different types or not S/N/B). */
int ddb_av_cmp(const json_t *a, const json_t *b, int *out);

/* Decode a B AV (or a BS member string) into out (appended). -1 on bad base64. */
int ddb_av_b_decode(const json_t *av, nb_buf_t *out);
int ddb_b64_decode_str(const char *b64, nb_buf_t *out);

/* Size as DynamoDB computes it for the 400 KB limit and capacity units:
 * S = UTF-8 bytes, B = raw bytes, N = ddb_num_size, BOOL/NULL = 1,
 * sets = sum of members, L/M = 3 + per element (1 + value) (+ name length
 * for M). ddb_item_size adds each attribute name's length. */
size_t ddb_av_size(const json_t *av);
size_t ddb_item_size(const json_t *item);

/* Deep copy (new reference, caller decrefs). */
json_t *ddb_av_copy(const json_t *av);
json_t *ddb_item_copy(const json_t *item);

/* Constructors (new reference, caller decrefs). ddb_av_n takes a string that
 * must already be normalized; ddb_av_num formats a ddb_num_t. ddb_av_b
 * base64-encodes n raw bytes. */
json_t *ddb_av_s(const char *s);
json_t *ddb_av_sn(const char *s, size_t n);
json_t *ddb_av_n(const char *normalized);
json_t *ddb_av_num(const ddb_num_t *n);
json_t *ddb_av_b(const void *bytes, size_t n);
json_t *ddb_av_bool(int v);
json_t *ddb_av_null(void);
/* Wrap inner (stolen) under type key t: {"<t>": inner}. */
json_t *ddb_av_wrap(ddb_type_t t, json_t *inner);

/* Human rendering used inside DynamoDB messages, e.g. "{S:abc}" style
 * ("AttributeValue: {N:5}"). Appended to out. */
void ddb_av_describe(const json_t *av, nb_buf_t *out);

#endif
