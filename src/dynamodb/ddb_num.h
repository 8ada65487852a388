/* ddb_num.h — DynamoDB numbers as exact decimals (never a double).
 *
 * A DynamoDB Number has at most 38 significant decimal digits and a magnitude
 * of 0 or in [1E-130, 1E+126). Wire form is a string; we keep it a string,
 * normalized: no leading '+', no leading/trailing zeros, no exponent, "-0" → "0"
 * (e.g. "1E+2" → "100", "0.50" → "0.5", "-.5e-1" → "-0.05").
 *
 * Invariant of ddb_num_t: ndig == 0 iff the value is zero (then sign == 0,
 * exp == 0); otherwise dig[0] != 0 and dig[ndig-1] != 0 and
 * value = sign * 0.d0 d1 ... d(ndig-1) * 10^exp, with -129 <= exp <= 126.
 *
 * Errors are (nb_err_t, message) pairs in ddb_err_t, with DynamoDB's wording;
 * every ddb_ module of this family reports through it. */
#ifndef DDB_NUM_H
#define DDB_NUM_H
#include <stddef.h>
#include <stdint.h>
#include "core/errors.h"

/* An error: code (NB_OK when none) and a message (heap, owned by the struct;
 * release with ddb_err_free). Initialize with DDB_ERR_INIT. */
typedef struct ddb_err {
    nb_err_t code;
    char *msg;
} ddb_err_t;
#define DDB_ERR_INIT {NB_OK, NULL}

/* Set err (replacing any previous message). Returns -1 so callers can
 * `return ddb_err_set(...)`. err may be NULL (then only returns -1). */
int ddb_err_set(ddb_err_t *err, nb_err_t code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prefix the message already in err with a printf-formatted string. */
void ddb_err_prefix(ddb_err_t *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void ddb_err_free(ddb_err_t *err);

#define DDB_NUM_MAX_DIGITS 38
#define DDB_NUM_MIN_EXP (-129)
#define DDB_NUM_MAX_EXP 126
/* Longest normalized string (sign, "0.", 129 zeros, 38 digits, NUL) rounded up. */
#define DDB_NUM_STR_MAX 192

typedef struct ddb_num {
    int sign;        /* -1, 0 or +1 */
    int exp;         /* see the invariant above */
    uint8_t ndig;
    uint8_t dig[DDB_NUM_MAX_DIGITS];   /* digit values 0..9 */
} ddb_num_t;

/* Parse a DynamoDB number string (s, len bytes: [+-]digits[.digits][e[+-]digits],
 * or [+-].digits...). On failure returns -1 with a ValidationException message:
 *   "The parameter cannot be converted to a numeric value: <s>"   (bad syntax)
 *   "Attempting to store more than 38 significant digits in a Number"
 *   "Number overflow. Attempting to store a number with magnitude larger than supported range"
 *   "Number underflow. Attempting to store a number with magnitude smaller than supported range" */
int ddb_num_parse(const char *s, size_t len, ddb_num_t *out, ddb_err_t *err);

/* Normalized decimal string of n into out (cap >= DDB_NUM_STR_MAX is always
 * enough). Returns the length written (excluding NUL). */
size_t ddb_num_format(const ddb_num_t *n, char *out, size_t cap);

/* Parse s and return its normalized form (heap, caller frees) or NULL with err. */
char *ddb_num_normalize(const char *s, ddb_err_t *err);

/* <0, 0, >0 as a is less than, equal to, greater than b. */
int ddb_num_cmp(const ddb_num_t *a, const ddb_num_t *b);
/* Compare two number strings numerically; unparsable strings sort as 0. */
int ddb_num_cmp_str(const char *a, const char *b);

/* out = a + b, out = a - b, exactly. -1 with err when the exact result is not
 * representable: the overflow message when it is too large or needs more than
 * 38 digits (DynamoDB's wording for 1E+50 + 1), the underflow one when too small.
 * out may alias a or b. */
int ddb_num_add(const ddb_num_t *a, const ddb_num_t *b, ddb_num_t *out, ddb_err_t *err);
int ddb_num_sub(const ddb_num_t *a, const ddb_num_t *b, ddb_num_t *out, ddb_err_t *err);

/* Bytes DynamoDB charges for the number in item-size accounting, as measured
 * against its 400 KB gate: 1 + ceil(integer significant digits / 2) +
 * ceil(fraction significant digits / 2) + 1 if negative ("0" costs 1,
 * "1E125" costs 2, "3.14159" costs 5). */
size_t ddb_num_size(const ddb_num_t *n);

#endif
