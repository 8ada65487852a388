/* ddb_num.c — exact decimal numbers with DynamoDB's limits (see ddb_num.h).
 *
 * Arithmetic works on fixed digit arrays wide enough for any two in-range
 * operands aligned to a common scale (exponents -129..126 with up to 38
 * digits span at most ~300 positions), so sums are always exact before the
 * result is checked against the 38-digit / exponent limits. */
#include <stdlib.h>
#include <string.h>
#include "dynamodb/ddb_num.h"
#include "core/alloc.h"

#define MSG_DIGITS "Attempting to store more than 38 significant digits in a Number"
#define MSG_OVERFLOW "Number overflow. Attempting to store a number with magnitude larger than supported range"
#define MSG_UNDERFLOW "Number underflow. Attempting to store a number with magnitude smaller than supported range"

static int bad_number(ddb_err_t *err, const char *s, size_t len)
{
    if (len == 0)
        return ddb_err_set(err, NB_ERR_VALIDATION, "The parameter cannot be converted to a numeric value");
    return ddb_err_set(err, NB_ERR_VALIDATION, "The parameter cannot be converted to a numeric value: %.*s",
                       (int)(len > 1024 ? 1024 : len), s);
}

/* Check limits on a digit string (no leading zeros, trailing zeros allowed)
 * of nd digits with exponent exp (value 0.ddd * 10^exp) and store it. */
static int finish(int sign, const uint8_t *d, size_t nd, long exp, ddb_num_t *out, ddb_err_t *err)
{
    while (nd > 0 && d[nd - 1] == 0)
        nd--;
    memset(out, 0, sizeof *out);
    if (nd == 0)
        return 0;
    if (exp > DDB_NUM_MAX_EXP)
        return ddb_err_set(err, NB_ERR_VALIDATION, MSG_OVERFLOW);
    if (exp < DDB_NUM_MIN_EXP)
        return ddb_err_set(err, NB_ERR_VALIDATION, MSG_UNDERFLOW);
    if (nd > DDB_NUM_MAX_DIGITS)
        return ddb_err_set(err, NB_ERR_VALIDATION, MSG_DIGITS);
    out->sign = sign;
    out->exp = (int)exp;
    out->ndig = (uint8_t)nd;
    memcpy(out->dig, d, nd);
    return 0;
}

int ddb_num_parse(const char *s, size_t len, ddb_num_t *out, ddb_err_t *err)
{
    size_t i = 0;
    int sign = 1;
    memset(out, 0, sizeof *out);
    if (i < len && (s[i] == '+' || s[i] == '-')) {
        if (s[i] == '-')
            sign = -1;
        i++;
    }
    /* Collect significant digits (first non-zero onwards); count position of
     * the decimal point relative to them. Up to 40 kept: more than 38
     * significant digits is an error whatever follows, once trailing zeros
     * are discounted, so we keep counting zeros beyond the buffer. */
    uint8_t d[DDB_NUM_MAX_DIGITS + 2];
    size_t nd = 0;          /* digits stored */
    size_t extra_nonzero = 0; /* non-zero digits beyond the buffer */
    long intdigits = 0;     /* significant digits before the point (incl. stored zeros) */
    long lead_frac_zeros = 0; /* zeros after the point before the first significant digit */
    int seen_digit = 0, seen_point = 0, started = 0;
    for (; i < len; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9') {
            seen_digit = 1;
            if (!started && c == '0') {
                if (seen_point)
                    lead_frac_zeros++;
                continue;
            }
            started = 1;
            if (nd < sizeof d)
                d[nd++] = (uint8_t)(c - '0');
            else if (c != '0')
                extra_nonzero++;
            if (!seen_point)
                intdigits++;
        } else if (c == '.' && !seen_point) {
            seen_point = 1;
        } else {
            break;
        }
    }
    if (!seen_digit)
        return bad_number(err, s, len);
    long e10 = 0;
    if (i < len) {
        if (s[i] != 'e' && s[i] != 'E')
            return bad_number(err, s, len);
        i++;
        int esign = 1;
        if (i < len && (s[i] == '+' || s[i] == '-')) {
            if (s[i] == '-')
                esign = -1;
            i++;
        }
        if (i >= len)
            return bad_number(err, s, len);
        for (; i < len; i++) {
            if (s[i] < '0' || s[i] > '9')
                return bad_number(err, s, len);
            if (e10 < 100000000)
                e10 = e10 * 10 + (s[i] - '0');
        }
        e10 *= esign;
    }
    if (!started)
        return 0;   /* zero, whatever its exponent */
    long exp = (seen_point && intdigits == 0 ? -lead_frac_zeros : intdigits) + e10;
    /* Significant digits: the run minus trailing zeros; if non-zero digits
     * were cut off the count is certainly above 38. */
    if (extra_nonzero) {
        if (exp > DDB_NUM_MAX_EXP)
            return ddb_err_set(err, NB_ERR_VALIDATION, MSG_OVERFLOW);
        if (exp < DDB_NUM_MIN_EXP)
            return ddb_err_set(err, NB_ERR_VALIDATION, MSG_UNDERFLOW);
        return ddb_err_set(err, NB_ERR_VALIDATION, MSG_DIGITS);
    }
    return finish(sign, d, nd, exp, out, err);
}

size_t ddb_num_format(const ddb_num_t *n, char *out, size_t cap)
{
    char tmp[DDB_NUM_STR_MAX];
    size_t k = 0;
    if (n->ndig == 0) {
        tmp[k++] = '0';
    } else {
        if (n->sign < 0)
            tmp[k++] = '-';
        if (n->exp <= 0) {
            tmp[k++] = '0';
            tmp[k++] = '.';
            for (int z = 0; z < -n->exp; z++)
                tmp[k++] = '0';
            for (int j = 0; j < n->ndig; j++)
                tmp[k++] = (char)('0' + n->dig[j]);
        } else {
            for (int j = 0; j < n->exp || j < n->ndig; j++) {
                if (j == n->exp)
                    tmp[k++] = '.';
                tmp[k++] = (char)('0' + (j < n->ndig ? n->dig[j] : 0));
            }
        }
    }
    tmp[k] = 0;
    if (cap) {
        size_t c = k < cap ? k : cap - 1;
        memcpy(out, tmp, c);
        out[c] = 0;
    }
    return k;
}

char *ddb_num_normalize(const char *s, ddb_err_t *err)
{
    ddb_num_t n;
    if (ddb_num_parse(s, strlen(s), &n, err) < 0)
        return NULL;
    char buf[DDB_NUM_STR_MAX];
    ddb_num_format(&n, buf, sizeof buf);
    return nb_xstrdup(buf);
}

static int cmp_mag(const ddb_num_t *a, const ddb_num_t *b)
{
    if (a->exp != b->exp)
        return a->exp < b->exp ? -1 : 1;
    int n = a->ndig < b->ndig ? a->ndig : b->ndig;
    for (int i = 0; i < n; i++)
        if (a->dig[i] != b->dig[i])
            return a->dig[i] < b->dig[i] ? -1 : 1;
    return (a->ndig > b->ndig) - (a->ndig < b->ndig);
}

int ddb_num_cmp(const ddb_num_t *a, const ddb_num_t *b)
{
    if (a->sign != b->sign)
        return a->sign < b->sign ? -1 : 1;
    if (a->sign == 0)
        return 0;
    int m = cmp_mag(a, b);
    return a->sign > 0 ? m : -m;
}

int ddb_num_cmp_str(const char *a, const char *b)
{
    ddb_num_t x, y;
    if (ddb_num_parse(a, strlen(a), &x, NULL) < 0)
        memset(&x, 0, sizeof x);
    if (ddb_num_parse(b, strlen(b), &y, NULL) < 0)
        memset(&y, 0, sizeof y);
    return ddb_num_cmp(&x, &y);
}

/* Fixed-point workspace: position p holds the digit for 10^(p + LOW). */
#define WS_LOW (DDB_NUM_MIN_EXP - DDB_NUM_MAX_DIGITS - 2)
#define WS_LEN (DDB_NUM_MAX_EXP - WS_LOW + 4)

static void spread(const ddb_num_t *n, uint8_t *w)
{
    /* digit j has weight 10^(exp - 1 - j) */
    for (int j = 0; j < n->ndig; j++)
        w[n->exp - 1 - j - WS_LOW] = n->dig[j];
}

/* |a| + |b| or |a| - |b| (|a| >= |b|) into w. */
static void mag_addsub(const ddb_num_t *a, const ddb_num_t *b, int subtract, uint8_t *w)
{
    uint8_t x[WS_LEN], y[WS_LEN];
    memset(x, 0, sizeof x);
    memset(y, 0, sizeof y);
    spread(a, x);
    spread(b, y);
    int carry = 0;
    for (int p = 0; p < WS_LEN; p++) {
        int v = subtract ? x[p] - y[p] - carry : x[p] + y[p] + carry;
        if (subtract) {
            carry = v < 0;
            if (v < 0) v += 10;
        } else {
            carry = v >= 10;
            if (v >= 10) v -= 10;
        }
        w[p] = (uint8_t)v;
    }
}

static int from_ws(int sign, const uint8_t *w, ddb_num_t *out, ddb_err_t *err)
{
    int top = WS_LEN - 1;
    while (top >= 0 && w[top] == 0)
        top--;
    if (top < 0) {
        memset(out, 0, sizeof *out);
        return 0;
    }
    int bot = 0;
    while (w[bot] == 0)
        bot++;
    long exp = (long)top + WS_LOW + 1;
    size_t nd = (size_t)(top - bot + 1);
    if (exp > DDB_NUM_MAX_EXP)
        return ddb_err_set(err, NB_ERR_VALIDATION, MSG_OVERFLOW);
    if (exp < DDB_NUM_MIN_EXP)
        return ddb_err_set(err, NB_ERR_VALIDATION, MSG_UNDERFLOW);
    /* An exact sum needing more than 38 digits (1E+50 + 1) is refused with the
     * overflow message, not the digits one that parsing gives: what DynamoDB
     * answers (ScyllaDB Alternator's test_number.py records it). */
    if (nd > DDB_NUM_MAX_DIGITS)
        return ddb_err_set(err, NB_ERR_VALIDATION, MSG_OVERFLOW);
    uint8_t d[DDB_NUM_MAX_DIGITS];
    for (size_t j = 0; j < nd; j++)
        d[j] = w[top - (int)j];
    return finish(sign, d, nd, exp, out, err);
}

static int add_signed(const ddb_num_t *a, int bsign, const ddb_num_t *b, ddb_num_t *out, ddb_err_t *err)
{
    uint8_t w[WS_LEN];
    if (b->ndig == 0) { *out = *a; return 0; }
    if (a->ndig == 0) { ddb_num_t t = *b; t.sign = bsign; *out = t; return 0; }
    if (a->sign == bsign) {
        mag_addsub(a, b, 0, w);
        return from_ws(a->sign, w, out, err);
    }
    int m = cmp_mag(a, b);
    if (m == 0) {
        memset(out, 0, sizeof *out);
        return 0;
    }
    if (m > 0) {
        mag_addsub(a, b, 1, w);
        return from_ws(a->sign, w, out, err);
    }
    mag_addsub(b, a, 1, w);
    return from_ws(bsign, w, out, err);
}

int ddb_num_add(const ddb_num_t *a, const ddb_num_t *b, ddb_num_t *out, ddb_err_t *err)
{
    return add_signed(a, b->sign, b, out, err);
}

int ddb_num_sub(const ddb_num_t *a, const ddb_num_t *b, ddb_num_t *out, ddb_err_t *err)
{
    return add_signed(a, -b->sign, b, out, err);
}

size_t ddb_num_size(const ddb_num_t *n)
{
    /* Measured against DynamoDB's 400 KB gate: one byte, plus the integer
     * and the fraction significant digits each packed two per byte (a run
     * straddling the point is split and so may cost a byte more), plus one
     * for a negative sign. The exponent costs nothing: 1E125 costs 2. */
    if (n->ndig == 0)
        return 1;
    size_t nd = n->ndig, int_sig, frac_sig;
    if (n->exp >= (int)nd) {
        int_sig = nd;                 /* no fraction: trailing zeros are free */
        frac_sig = 0;
    } else if (n->exp > 0) {
        int_sig = (size_t)n->exp;
        frac_sig = nd - (size_t)n->exp;
    } else {
        int_sig = 0;                  /* pure fraction: leading zeros are free */
        frac_sig = nd;
    }
    return 1 + (int_sig + 1) / 2 + (frac_sig + 1) / 2 + (n->sign < 0 ? 1 : 0);
}
