/* ddb_expr_int.h — internals shared by the ddb_expr_*.c files (not public).
 *
 * The lexer turns an expression string into tokens, each with its byte span
 * in the source so syntax errors can quote DynamoDB's "near" context. */
#ifndef DDB_EXPR_INT_H
#define DDB_EXPR_INT_H
#include <stddef.h>
#include "dynamodb/ddb_expr_parse.h"

typedef enum ddb__tok_kind {
    DDB__T_EOF,
    DDB__T_IDENT,      /* [A-Za-z_][A-Za-z0-9_]* (keywords are idents, matched by the parser) */
    DDB__T_NAME,       /* #[A-Za-z0-9_]+ */
    DDB__T_VALUE,      /* :[A-Za-z0-9_]+ */
    DDB__T_NUMBER,     /* [0-9]+ (list indexes) */
    DDB__T_LPAREN, DDB__T_RPAREN, DDB__T_LBRACK, DDB__T_RBRACK,
    DDB__T_COMMA, DDB__T_DOT, DDB__T_PLUS, DDB__T_MINUS,
    DDB__T_EQ, DDB__T_NE, DDB__T_LT, DDB__T_LE, DDB__T_GT, DDB__T_GE,
    DDB__T_BAD         /* a character that starts no token */
} ddb__tok_kind_t;

typedef struct ddb__tok {
    ddb__tok_kind_t kind;
    size_t start, len;     /* span in the source */
} ddb__tok_t;

/* Tokenize src (NUL-terminated) into an arena array ending with DDB__T_EOF. */
ddb__tok_t *ddb__lex(nb_arena_t *a, const char *src, size_t *ntok);

/* 1 if tok is the identifier kw (ASCII case-insensitive). */
int ddb__tok_is_kw(const char *src, const ddb__tok_t *tok, const char *kw);

/* Append "[a, b, [2], c]" for p. */
void ddb__path_str(const ddb_path_t *p, nb_buf_t *out);

/* Compare two paths: 0 unrelated, 1 overlap (one a prefix of the other or
 * equal), 2 conflict (same prefix then a name vs an index). */
int ddb__path_relation(const ddb_path_t *a, const ddb_path_t *b);

#endif
