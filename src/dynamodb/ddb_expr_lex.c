/* ddb_expr_lex.c — tokenizer for DynamoDB expressions.
 *
 * Whitespace separates tokens and is otherwise ignored. Tokens keep their
 * source spans (never copied). A byte that starts no token becomes one
 * DDB__T_BAD token so the parser reports it as a syntax error in place. */
#include <string.h>
#include "dynamodb/ddb_expr_int.h"

/* A name starts with a letter ("_123" is a syntax error at "_", as Alternator's
 * test_update_expression_name_token shows on DynamoDB); digits and '_' follow. */
static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_word(char c) { return is_alpha(c) || is_digit(c) || c == '_'; }

ddb__tok_t *ddb__lex(nb_arena_t *a, const char *src, size_t *ntok)
{
    size_t n = strlen(src), cap = 16, k = 0;
    ddb__tok_t *t = nb_arena_alloc(a, cap * sizeof *t);
    size_t i = 0;
    for (;;) {
        while (i < n && (src[i] == ' ' || src[i] == '\t' || src[i] == '\n' || src[i] == '\r'))
            i++;
        if (k + 1 >= cap) {
            ddb__tok_t *nt = nb_arena_alloc(a, 2 * cap * sizeof *t);
            memcpy(nt, t, k * sizeof *t);
            t = nt;
            cap *= 2;
        }
        ddb__tok_t *tk = &t[k++];
        tk->start = i;
        tk->len = 1;
        if (i >= n) {
            tk->kind = DDB__T_EOF;
            tk->len = 0;
            break;
        }
        char c = src[i], d = i + 1 < n ? src[i + 1] : 0;
        if (is_alpha(c)) {
            size_t j = i + 1;
            while (j < n && is_word(src[j]))
                j++;
            tk->kind = DDB__T_IDENT;
            tk->len = j - i;
        } else if (is_digit(c)) {
            size_t j = i + 1;
            while (j < n && is_digit(src[j]))
                j++;
            tk->kind = DDB__T_NUMBER;
            tk->len = j - i;
        } else if ((c == '#' || c == ':') && is_word(d)) {
            size_t j = i + 1;
            while (j < n && is_word(src[j]))
                j++;
            tk->kind = c == '#' ? DDB__T_NAME : DDB__T_VALUE;
            tk->len = j - i;
        } else {
            switch (c) {
            case '(': tk->kind = DDB__T_LPAREN; break;
            case ')': tk->kind = DDB__T_RPAREN; break;
            case '[': tk->kind = DDB__T_LBRACK; break;
            case ']': tk->kind = DDB__T_RBRACK; break;
            case ',': tk->kind = DDB__T_COMMA; break;
            case '.': tk->kind = DDB__T_DOT; break;
            case '+': tk->kind = DDB__T_PLUS; break;
            case '-': tk->kind = DDB__T_MINUS; break;
            case '=': tk->kind = DDB__T_EQ; break;
            case '<':
                if (d == '>') { tk->kind = DDB__T_NE; tk->len = 2; }
                else if (d == '=') { tk->kind = DDB__T_LE; tk->len = 2; }
                else tk->kind = DDB__T_LT;
                break;
            case '>':
                if (d == '=') { tk->kind = DDB__T_GE; tk->len = 2; }
                else tk->kind = DDB__T_GT;
                break;
            default:
                tk->kind = DDB__T_BAD;
                /* keep a whole UTF-8 sequence together */
                while (i + tk->len < n && ((unsigned char)src[i + tk->len] & 0xC0) == 0x80)
                    tk->len++;
                break;
            }
        }
        i += tk->len;
    }
    *ntok = k;
    return t;
}

int ddb__tok_is_kw(const char *src, const ddb__tok_t *tok, const char *kw)
{
    size_t l = strlen(kw);
    if (tok->kind != DDB__T_IDENT || tok->len != l)
        return 0;
    for (size_t i = 0; i < l; i++) {
        char c = src[tok->start + i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 32);
        if (c != kw[i])
            return 0;
    }
    return 1;
}
