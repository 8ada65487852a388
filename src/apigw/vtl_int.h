/* vtl_int.h — the VTL syntax tree shared by the parser and the renderer.
 * All nodes live in the template's arena. */
#ifndef NB_APIGW_VTL_INT_H
#define NB_APIGW_VTL_INT_H
#include "apigw/vtl.h"
#include "core/arena.h"

typedef struct vtl_expr vtl_expr_t;
typedef struct vtl_node vtl_node_t;

typedef struct vtl_seg {          /* one step of a reference chain */
    const char *name;             /* property or method name; NULL for [index] */
    int call;                     /* name(args) */
    vtl_expr_t **args;
    size_t nargs;
    vtl_expr_t *index;            /* [expr] */
} vtl_seg_t;

typedef struct vtl_ref {
    const char *root;             /* "input", "x" */
    vtl_seg_t *segs;
    size_t nsegs;
    int quiet;                    /* $!x */
    const char *text;             /* the reference as written (rendered when undefined) */
} vtl_ref_t;

typedef enum {
    VE_LIT, VE_STR, VE_REF, VE_LIST, VE_RANGE, VE_MAP, VE_NOT, VE_NEG, VE_BIN
} vtl_expr_kind_t;

struct vtl_expr {
    vtl_expr_kind_t kind;
    json_t *lit;                  /* VE_LIT (owned by the template) */
    vtl_node_t *str;              /* VE_STR: interpolated "..." */
    vtl_ref_t ref;                /* VE_REF */
    vtl_expr_t **items;           /* VE_LIST / VE_MAP (key, value pairs) */
    size_t nitems;
    int op;                       /* VE_BIN: '+', '=' (==), '!' (!=), '<', '>', 'l' (<=), 'g' (>=), '&', '|', ... */
    vtl_expr_t *a, *b;
};

typedef enum { VN_TEXT, VN_REF, VN_SET, VN_IF, VN_FOREACH } vtl_node_kind_t;

struct vtl_node {
    vtl_node_kind_t kind;
    vtl_node_t *next;
    const char *text;             /* VN_TEXT */
    size_t len;
    vtl_ref_t ref;                /* VN_REF, VN_SET target, VN_FOREACH variable */
    vtl_expr_t *expr;             /* VN_SET value, VN_IF condition, VN_FOREACH list */
    vtl_node_t *body;             /* VN_IF then / VN_FOREACH body */
    vtl_node_t *orelse;           /* VN_IF: next #elseif (as a VN_IF) or #else body */
    int orelse_is_elseif;         /* VN_IF: orelse is the #elseif's VN_IF node */
    int escapes;                  /* VN_REF: backslashes written before it (\$x) */
};

struct vtl_tmpl {
    nb_arena_t *arena;
    vtl_node_t *first;
    json_t *lits;                 /* keeps literal values alive */
};

#endif
