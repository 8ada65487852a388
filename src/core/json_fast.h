/* json_fast.h — jansson's json_loadb for the hot paths (request bodies,
 * stored DynamoDB items), without its byte-at-a-time lexer.
 *
 * nb_json_loadb() returns exactly the tree json_loadb(buf, len, flags, err)
 * returns — same values, same member order — or, for input it does not
 * accept, exactly jansson's error: anything outside the subset the fast
 * parser handles is handed to jansson, which then decides. So callers may
 * swap one for the other without any visible change (fuzz/fuzz_json_fast.c
 * checks the two against each other).
 *
 * The subset: a top-level object or array; strings of valid UTF-8 with every
 * escape JSON has; integers of up to 18 digits; true, false, null; nesting
 * up to NB_JSON_FAST_DEPTH. Declined (jansson decides): reals, longer
 * integers, duplicate object keys, NUL in a key (or in a string without
 * JSON_ALLOW_NUL), deeper nesting, and every malformed input. Flags other
 * than JSON_REJECT_DUPLICATES and JSON_ALLOW_NUL go to jansson directly.
 *
 * Thread-safe (no state): the edge may parse a large body on a worker. */
#ifndef NB_JSON_FAST_H
#define NB_JSON_FAST_H
#include <stddef.h>
#include <jansson.h>

#define NB_JSON_FAST_DEPTH 64

/* json_loadb(buf, len, flags, err), faster. Caller owns the result
 * (json_decref); err may be NULL. */
json_t *nb_json_loadb(const char *buf, size_t len, size_t flags, json_error_t *err);

/* The fast parser alone: the tree, or NULL when it declined (see above).
 * Exposed for the differential fuzz target and the unit tests. */
json_t *nb_json_fast_parse(const char *buf, size_t len, size_t flags);

/* Bytes at the start of p[0..n) that a JSON string carries as they are:
 * none of '"', '\\', a control byte (< 0x20), nor — with stop_high — a byte
 * of 0x80 or above. Eight bytes per step where it can (the parser's string
 * runs, the item writer's escaping). */
size_t nb_json_plain_run(const unsigned char *p, size_t n, int stop_high);

/* 1 when a and b are the same tree, object members in the same order (what
 * nb_json_loadb promises against json_loadb), else 0. For the tests. */
int nb_json_same_tree(const json_t *a, const json_t *b);

#endif
