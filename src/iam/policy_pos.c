/* policy_pos.c — where each statement of a policy document sits in its text:
 * the StartPosition / EndPosition IAM's policy simulator reports for the
 * statements it matched (SimulatePrincipalPolicy, SimulateCustomPolicy).
 *
 * IAM's numbers (1-based lines and columns) are those of a streaming JSON
 * reader's "current location" — the place just after the last character it
 * consumed — taken before it reads a statement and after the statement's
 * closing brace. AWS's own examples pin this down: for
 *   {"Version":"2012-10-17","Statement":{"Effect":"Allow",…}}   (one line)
 * the statement runs from column 38 (just after the '{' at column 37, which
 * the reader consumed together with the "Statement" key) to column 167 (just
 * after its '}'); for a pretty-printed document whose line 3 is
 *   "Statement": [          (the '[' at column 18)
 * the statement starts at line 3, column 19 — just after the '[' — and ends
 * just after its own '}' (line 9, column 10, for a '}' at column 9). A later
 * statement of an array starts where the one before it ended (the reader has
 * not consumed the ',' yet). Lines end at "\n", "\r\n" or a lone "\r";
 * columns count UTF-16 code units, as a Java string does (a character
 * outside the Basic Multilingual Plane counts two).
 *
 * The scanner only reads what jansson already accepted in iam_policy_parse,
 * but is safe on any bytes (the fuzz target feeds it arbitrary input): on
 * anything it does not understand it reports no statement. */
#include "iam/policy.h"
#include "core/util.h"
#include <string.h>

typedef struct cur {
    const unsigned char *p, *end;
    unsigned line, col;
} cur_t;

/* Consume one byte, keeping the line and column of the place after it. */
static void eat(cur_t *c)
{
    unsigned char b = *c->p++;
    if (b == '\n' || b == '\r') {
        if (b == '\r' && c->p < c->end && *c->p == '\n') c->p++;
        c->line++;
        c->col = 1;
    } else if ((b & 0xC0) != 0x80) {
        c->col += (b & 0xF8) == 0xF0 ? 2 : 1;   /* a 4-byte sequence is a surrogate pair */
    }
}

static int at(const cur_t *c, char ch)
{
    return c->p < c->end && *c->p == (unsigned char)ch;
}

static void ws(cur_t *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r')) eat(c);
}

/* A string at c (its opening quote): consumed; its first cap-1 decoded ASCII
 * characters into out (others as '?'), when out is given. 0, or -1. */
static int string(cur_t *c, char *out, size_t cap)
{
    size_t n = 0;
    if (!at(c, '"')) return -1;
    eat(c);
    while (c->p < c->end && *c->p != '"') {
        int ch = *c->p;
        if (ch == '\\') {
            eat(c);
            if (c->p >= c->end) return -1;
            ch = *c->p;
            if (ch == 'u') {
                int v = 0;
                for (int i = 0; i < 4; i++) {
                    eat(c);
                    int h = c->p < c->end ? nb_hexval((unsigned char)*c->p) : -1;
                    if (h < 0) return -1;
                    v = v * 16 + h;
                }
                ch = v > 0 && v < 0x80 ? v : '?';
            } else {
                static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
                const char *k = strchr(from, ch);
                if (!k || !ch) return -1;
                ch = to[k - from];
            }
        } else if (ch >= 0x80) {
            ch = '?';
        }
        if (out && n + 1 < cap) out[n++] = (char)ch;
        eat(c);
    }
    if (!at(c, '"')) return -1;
    eat(c);
    if (out) out[n] = 0;
    return 0;
}

/* Any value at c, consumed whole. 0, or -1. */
static int value(cur_t *c, int depth)
{
    if (depth > 512 || c->p >= c->end) return -1;
    if (at(c, '"')) return string(c, NULL, 0);
    if (at(c, '{') || at(c, '[')) {
        char close = at(c, '{') ? '}' : ']';
        eat(c);
        ws(c);
        if (at(c, close)) {
            eat(c);
            return 0;
        }
        for (;;) {
            if (close == '}') {
                if (string(c, NULL, 0) < 0) return -1;
                ws(c);
                if (!at(c, ':')) return -1;
                eat(c);
                ws(c);
            }
            if (value(c, depth + 1) < 0) return -1;
            ws(c);
            if (at(c, close)) {
                eat(c);
                return 0;
            }
            if (!at(c, ',')) return -1;
            eat(c);
            ws(c);
        }
    }
    /* a number, true, false or null; jansson's lexer takes one NUL byte
     * straight after one as part of it, so the scanner does too */
    const unsigned char *s = c->p;
    while (c->p < c->end && !strchr(",}] \t\r\n", *c->p)) eat(c);
    if (c->p > s && at(c, '\0')) eat(c);
    return c->p > s ? 0 : -1;
}

static iam_text_pos_t here(const cur_t *c)
{
    return (iam_text_pos_t){c->line, c->col};
}

/* The statements of the "Statement" value at c. */
static size_t statements(cur_t *c, iam_stmt_span_t *out, size_t max)
{
    size_t n = 0;
    if (at(c, '{')) {
        iam_text_pos_t start = {c->line, c->col + 1};   /* just after the '{' */
        if (value(c, 1) < 0) return 0;
        if (max) out[0] = (iam_stmt_span_t){start, here(c)};
        return 1;
    }
    if (!at(c, '[')) return 0;
    eat(c);
    iam_text_pos_t start = here(c);
    ws(c);
    while (!at(c, ']')) {
        if (n && !at(c, ',')) return 0;
        if (n) {
            eat(c);
            ws(c);
        }
        if (!at(c, '{') || value(c, 1) < 0) return 0;
        if (n < max) out[n] = (iam_stmt_span_t){start, here(c)};
        n++;
        start = here(c);
        ws(c);
    }
    return n;
}

size_t iam_policy_statement_spans(const char *text, size_t len, iam_stmt_span_t *out, size_t max)
{
    if (!text) return 0;
    cur_t c = {(const unsigned char *)text, (const unsigned char *)text + len, 1, 1};
    ws(&c);
    if (!at(&c, '{')) return 0;
    eat(&c);
    ws(&c);
    while (c.p < c.end && !at(&c, '}')) {
        char key[16];
        if (string(&c, key, sizeof key) < 0) return 0;
        ws(&c);
        if (!at(&c, ':')) return 0;
        eat(&c);
        ws(&c);
        if (strcmp(key, "Statement") == 0) return statements(&c, out, max);
        if (value(&c, 1) < 0) return 0;
        ws(&c);
        if (at(&c, ',')) {
            eat(&c);
            ws(&c);
        }
    }
    return 0;
}
