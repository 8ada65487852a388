/* sigv4_parse.c — parsing the Authorization header, presigned X-Amz-* query
 * parameters and SigV4 timestamps. Parsing only: no lookups, no crypto.
 *
 * Accepts: "AWS4-HMAC-SHA256 Credential=K/D/R/S/T, SignedHeaders=a;b, Signature=hex"
 * with the three parameters in any order, ',' separated, optional blanks.
 * Rejects (AUTH_INCOMPLETE + AWS's message): another algorithm, a missing
 * parameter, a Credential without exactly five '/'-separated elements, over-long
 * fields. A Signature that is not 64 lowercase hex digits is kept as "" so it
 * can never match (AWS answers that as a signature mismatch). Messages quote
 * access key ids and scopes but never the signature. */
#include "auth/sigv4.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/util.h"

#define ALGO "AWS4-HMAC-SHA256"

static int is_lower_hex64(const char *s, size_t n)
{
    if (n != 64) return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return 0;
    return 1;
}

/* Copy [s, s+n) into dst of cap bytes; 0, or -1 when it does not fit. */
static int copy_field(char *dst, size_t cap, const char *s, size_t n)
{
    if (n >= cap) return -1;
    memcpy(dst, s, n);
    dst[n] = 0;
    return 0;
}

/* Print at most 64 bytes of untrusted s into a message, replacing controls. */
static void safe_excerpt(char *dst, size_t cap, const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n && i < 64 && k + 1 < cap; i++)
        dst[k++] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
    dst[k] = 0;
}

static auth_err_t parse_credential(const char *c, size_t n, auth_sig_t *out, char *msg, size_t cap)
{
    const char *part[5];
    size_t plen[5];
    size_t np = 0, i = 0;
    while (i <= n) {
        size_t j = i;
        while (j < n && c[j] != '/') j++;
        if (np < 5) {
            part[np] = c + i;
            plen[np] = j - i;
        }
        np++;
        i = j + 1;
    }
    if (np != 5) {
        char ex[80];
        safe_excerpt(ex, sizeof ex, c, n);
        snprintf(msg, cap,
                 "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '%s'",
                 ex);
        return AUTH_INCOMPLETE;
    }
    if (plen[0] == 0 || copy_field(out->access_key, sizeof out->access_key, part[0], plen[0]) ||
        copy_field(out->date, sizeof out->date, part[1], plen[1]) ||
        copy_field(out->region, sizeof out->region, part[2], plen[2]) ||
        copy_field(out->service, sizeof out->service, part[3], plen[3]) ||
        copy_field(out->terminator, sizeof out->terminator, part[4], plen[4])) {
        char ex[80];
        safe_excerpt(ex, sizeof ex, c, n);
        snprintf(msg, cap, "Credential is malformed: '%s'", ex);
        return AUTH_INCOMPLETE;
    }
    return AUTH_OK;
}

static void init_sig(auth_sig_t *out)
{
    memset(out, 0, sizeof *out);
    out->expires = -1;
}

auth_err_t auth_parse_authorization(const char *value, auth_sig_t *out, char *msg, size_t cap)
{
    init_sig(out);
    msg[0] = 0;
    const char *p = value;
    while (*p == ' ' || *p == '\t') p++;
    size_t alen = strcspn(p, " \t");
    if (alen != strlen(ALGO) || memcmp(p, ALGO, alen) != 0) {
        /* Echo the scheme only when it looks like one: a client that put a
         * secret in the header must not get it back in an error body. */
        int plausible = alen <= 32;
        for (size_t i = 0; i < alen && plausible; i++)
            plausible = (p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= '0' && p[i] <= '9') ||
                        p[i] == '-' || (p[i] >= 'a' && p[i] <= 'z');
        if (plausible) {
            char ex[80];
            safe_excerpt(ex, sizeof ex, p, alen);
            snprintf(msg, cap, "Unsupported AWS 'algorithm': '%s'", ex);
        } else {
            snprintf(msg, cap, "Unsupported AWS 'algorithm'");
        }
        return AUTH_INCOMPLETE;
    }
    p += alen;
    const char *cred = NULL, *sh = NULL, *sig = NULL;
    size_t cred_n = 0, sh_n = 0, sig_n = 0;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',') p++;
        if (!*p) break;
        size_t n = strcspn(p, ",");
        size_t end = n;
        while (end > 0 && (p[end - 1] == ' ' || p[end - 1] == '\t')) end--;
        const char *eq = memchr(p, '=', end);
        if (eq) {
            size_t kl = (size_t)(eq - p), vl = end - kl - 1;
            if (kl == 10 && memcmp(p, "Credential", 10) == 0) { cred = eq + 1; cred_n = vl; }
            else if (kl == 13 && memcmp(p, "SignedHeaders", 13) == 0) { sh = eq + 1; sh_n = vl; }
            else if (kl == 9 && memcmp(p, "Signature", 9) == 0) { sig = eq + 1; sig_n = vl; }
        }
        p += n;
    }
    if (!cred || !sig || !sh) {
        size_t k = 0;
        if (!cred) k += (size_t)snprintf(msg + k, cap - k, "Authorization header requires 'Credential' parameter. ");
        if (!sig && k < cap) k += (size_t)snprintf(msg + k, cap - k, "Authorization header requires 'Signature' parameter. ");
        if (!sh && k < cap) k += (size_t)snprintf(msg + k, cap - k, "Authorization header requires 'SignedHeaders' parameter. ");
        if (k > 0 && k <= cap && msg[k - 1] == ' ') msg[k - 1] = 0;
        return AUTH_INCOMPLETE;
    }
    auth_err_t e = parse_credential(cred, cred_n, out, msg, cap);
    if (e != AUTH_OK) return e;
    if (sh_n == 0 || sh_n >= sizeof out->sh_buf) {
        snprintf(msg, cap, "Authorization header requires 'SignedHeaders' parameter.");
        return AUTH_INCOMPLETE;
    }
    out->signed_headers = sh;
    out->signed_headers_len = sh_n;
    if (is_lower_hex64(sig, sig_n)) {
        memcpy(out->signature, sig, 64);
        out->signature[64] = 0;
    }
    return AUTH_OK;
}

/* --- presigned ------------------------------------------------------------ */

/* Decode [s, s+n) into dst (cap); -1 when bad or too long. */
static int decode_into(char *dst, size_t cap, const char *s, size_t n)
{
    nb_buf_t b = NB_BUF_INIT;
    int rc = nb_url_decode(&b, s, n, 0);
    if (rc == 0 && b.len < cap && (b.len == 0 || memchr(b.data, 0, b.len) == NULL)) {
        if (b.len) memcpy(dst, b.data, b.len);
        dst[b.len] = 0;
    } else {
        rc = -1;
    }
    nb_buf_free(&b);
    return rc;
}

static const char PRESIGN_REQUIRED[] =
    "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, "
    "X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.";

auth_err_t auth_parse_presigned(const char *q, auth_sig_t *out, char *msg, size_t cap)
{
    init_sig(out);
    msg[0] = 0;
    if (!q) return AUTH_MISSING;
    char algo[32] = "", cred[400] = "", sig[80] = "", expires[24] = "";
    int have_algo = 0, have_cred = 0, have_sig = 0, have_date = 0, have_sh = 0, have_exp = 0;
    int bad = 0;
    size_t n = strlen(q);
    for (size_t i = 0; i <= n;) {
        size_t j = i;
        while (j < n && q[j] != '&') j++;
        const char *eq = memchr(q + i, '=', j - i);
        if (eq && eq - (q + i) > 6 && memcmp(q + i, "X-Amz-", 6) == 0) {
            const char *k = q + i;
            size_t kl = (size_t)(eq - k), vl = j - i - kl - 1;
            const char *v = eq + 1;
#define KEY(s) (kl == sizeof(s) - 1 && memcmp(k, s, kl) == 0)
            if (KEY("X-Amz-Algorithm")) { have_algo = 1; bad |= decode_into(algo, sizeof algo, v, vl); }
            else if (KEY("X-Amz-Credential")) { have_cred = 1; bad |= decode_into(cred, sizeof cred, v, vl); }
            else if (KEY("X-Amz-Signature")) { have_sig = 1; if (decode_into(sig, sizeof sig, v, vl)) sig[0] = 0; }
            else if (KEY("X-Amz-Date")) { have_date = 1; bad |= decode_into(out->amz_date, sizeof out->amz_date, v, vl); }
            else if (KEY("X-Amz-SignedHeaders")) { have_sh = 1; bad |= decode_into(out->sh_buf, sizeof out->sh_buf, v, vl); }
            else if (KEY("X-Amz-Expires")) { have_exp = 1; bad |= decode_into(expires, sizeof expires, v, vl); }
            else if (KEY("X-Amz-Security-Token")) { out->has_token = 1; bad |= decode_into(out->token, sizeof out->token, v, vl); }
#undef KEY
        }
        i = j + 1;
    }
    if (!have_algo) return AUTH_MISSING;
    if (strcmp(algo, ALGO) != 0) {
        snprintf(msg, cap, "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
        return AUTH_INCOMPLETE;
    }
    if (!have_cred || !have_sig || !have_date || !have_sh || !have_exp || bad) {
        snprintf(msg, cap, "%s", PRESIGN_REQUIRED);
        return AUTH_INCOMPLETE;
    }
    auth_err_t e = parse_credential(cred, strlen(cred), out, msg, cap);
    if (e != AUTH_OK) return e;
    char *end = NULL;
    long long ex = strtoll(expires, &end, 10);
    if (!expires[0] || *end || !isdigit((unsigned char)expires[0])) {
        snprintf(msg, cap, "X-Amz-Expires should be a number");
        return AUTH_INCOMPLETE;
    }
    if (ex > AUTH_PRESIGN_MAX_EXPIRES) {
        snprintf(msg, cap, "X-Amz-Expires must be less than a week (in seconds) that is 604800");
        return AUTH_INCOMPLETE;
    }
    out->expires = ex;
    if (!out->sh_buf[0]) {
        snprintf(msg, cap, "%s", PRESIGN_REQUIRED);
        return AUTH_INCOMPLETE;
    }
    out->signed_headers = out->sh_buf;
    out->signed_headers_len = strlen(out->sh_buf);
    if (is_lower_hex64(sig, strlen(sig))) memcpy(out->signature, sig, 65);
    return AUTH_OK;
}

/* --- time ----------------------------------------------------------------- */

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int64_t auth_parse_amz_date(const char *s)
{
    if (!s || strlen(s) != 16 || s[8] != 'T' || s[15] != 'Z') return -1;
    int y, mo, d, h, mi, se;
    if (digits(s, 4, &y) || digits(s + 4, 2, &mo) || digits(s + 6, 2, &d) ||
        digits(s + 9, 2, &h) || digits(s + 11, 2, &mi) || digits(s + 13, 2, &se))
        return -1;
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return -1;
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = se;
    time_t t = timegm(&tm);
    if (t == (time_t)-1) return -1;
    return (int64_t)t * 1000;
}

void auth_format_amz_date(int64_t unix_ms, char out[17])
{
    time_t t = (time_t)(unix_ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    if (strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm) != 16) out[0] = 0;
}
