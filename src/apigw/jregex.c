/* jregex.c — Java regular expressions (what API Gateway's selectionPattern
 * and the Velocity string methods replaceAll/replaceFirst/matches/split
 * take) compiled as POSIX extended expressions: '.' stops at line ends as in
 * Java, \d \D and the \n \t \r \f escapes become brackets or characters,
 * an escaped punctuation character is that character. Constructs POSIX has
 * no equivalent for (lookarounds, lazy quantifiers, back references) fail to
 * compile: the caller treats that as "no match". */
#include "apigw/jregex.h"
#include "core/buf.h"
#include <string.h>

static int escape_char(char c)
{
    switch (c) {
    case 'n': return '\n';
    case 't': return '\t';
    case 'r': return '\r';
    case 'f': return '\f';
    case 'e': return 27;
    case 'a': return 7;
    default: return 0;
    }
}

/* An escape inside [...]: appended to b; -1 when unsupported. */
static int class_escape(nb_buf_t *b, char c)
{
    int e = escape_char(c);
    if (e) nb_buf_putc(b, (char)e);
    else if (c == 'd') nb_buf_puts(b, "0-9");
    else if (c == 's') nb_buf_puts(b, "[:space:]");
    else if (c == 'w') nb_buf_puts(b, "[:alnum:]_");
    else if (c == ']' || c == '\\' || c == '[' || c == '^' || c == '-') {
        /* POSIX has no escapes in brackets: ']' first, '-' last would be needed;
         * the character classes keep these exact */
        nb_buf_puts(b, c == ']' ? "[.].]" : c == '[' ? "[.[.]" : c == '^' ? "[.^.]" : c == '-' ? "[.-.]" : "\\");
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        return -1;
    } else {
        nb_buf_putc(b, c);
    }
    return 0;
}

static int translate(const char *p, nb_buf_t *b)
{
    int in_class = 0;
    for (; *p; p++) {
        char c = *p;
        if (in_class) {
            if (c == '\\') {
                if (!p[1] || class_escape(b, *++p) != 0) return -1;
                continue;
            }
            if (c == '[' && p[1] != ':' && p[1] != '.' && p[1] != '=') { nb_buf_puts(b, "[.[.]"); continue; }
            if (c == ']') in_class = 0;
            nb_buf_putc(b, c);
            continue;
        }
        if (c == '\\') {
            char n = *++p;
            int e = escape_char(n);
            if (!n) return -1;
            if (e) nb_buf_putc(b, (char)e);
            else if (n == 'd') nb_buf_puts(b, "[0-9]");
            else if (n == 'D') nb_buf_puts(b, "[^0-9]");
            else if (n == 's' || n == 'S' || n == 'w' || n == 'W' || n == 'b' || n == 'B') { nb_buf_putc(b, '\\'); nb_buf_putc(b, n); }
            else if ((n >= 'a' && n <= 'z') || (n >= 'A' && n <= 'Z') || (n >= '0' && n <= '9')) return -1;
            else if (n == '\\') nb_buf_puts(b, "\\\\");
            else if (n == '^') nb_buf_puts(b, "\\^");
            else { nb_buf_putc(b, '['); nb_buf_putc(b, n); nb_buf_putc(b, ']'); }
            continue;
        }
        if (c == '.') { nb_buf_puts(b, "[^\n\r]"); continue; }
        if ((c == '*' || c == '+' || c == '?' || c == '}') && (p[1] == '?' || p[1] == '+')) return -1;   /* lazy / possessive */
        if (c == '(' && p[1] == '?') return -1;   /* groups with flags, lookarounds */
        if (c == '[') {
            in_class = 1;
            nb_buf_putc(b, c);
            if (p[1] == '^') nb_buf_putc(b, *++p);
            if (p[1] == ']') nb_buf_putc(b, *++p);   /* a leading ']' is literal in both */
            continue;
        }
        nb_buf_putc(b, c);
    }
    return in_class ? -1 : 0;
}

int apigw__jregex_comp(regex_t *re, const char *pattern, int whole, int cflags)
{
    nb_buf_t b = NB_BUF_INIT;
    if (whole) nb_buf_puts(&b, "^(");
    int rc = translate(pattern, &b);
    if (whole) nb_buf_puts(&b, ")$");
    if (rc == 0) rc = regcomp(re, b.data ? b.data : "", REG_EXTENDED | cflags) == 0 ? 0 : -1;
    nb_buf_free(&b);
    return rc;
}

int apigw__jregex_whole(const char *pattern, const char *s)
{
    regex_t re;
    if (apigw__jregex_comp(&re, pattern, 1, REG_NOSUB) != 0) return 0;
    int m = regexec(&re, s, 0, NULL, 0) == 0;
    regfree(&re);
    return m;
}
