/* policy_int.h — the compiled form of an IAM policy, shared by the parser
 * (policy.c), the condition operators (policy_cond.c) and the evaluator
 * (policy_eval.c). Not for other modules.
 *
 * Invariants: every string and array lives in the policy's arena; a
 * statement has at least one action pattern; values of numeric, date and IP
 * conditions are pre-parsed (an unparsable one is marked invalid and never
 * matches). */
#ifndef NB_IAM_POLICY_INT_H
#define NB_IAM_POLICY_INT_H
#include <netinet/in.h>
#include "core/arena.h"
#include "iam/policy.h"

typedef struct iam_strs {
    const char **v;
    size_t n;
} iam_strs_t;

typedef enum iam_op {
    IAM_OP_STRING_EQUALS,
    IAM_OP_STRING_EQUALS_IC,
    IAM_OP_STRING_LIKE,
    IAM_OP_NUMERIC_EQUALS,
    IAM_OP_NUMERIC_LT,
    IAM_OP_NUMERIC_LE,
    IAM_OP_NUMERIC_GT,
    IAM_OP_NUMERIC_GE,
    IAM_OP_DATE_EQUALS,
    IAM_OP_DATE_LT,
    IAM_OP_DATE_LE,
    IAM_OP_DATE_GT,
    IAM_OP_DATE_GE,
    IAM_OP_BOOL,
    IAM_OP_BINARY_EQUALS,
    IAM_OP_IP_ADDRESS,
    IAM_OP_ARN_LIKE,       /* ArnEquals and ArnLike behave alike */
    IAM_OP_NULL
} iam_op_t;

typedef enum iam_set { IAM_SET_NONE, IAM_SET_FOR_ALL, IAM_SET_FOR_ANY } iam_set_t;

typedef struct iam_cidr {
    int family;            /* AF_INET / AF_INET6; 0 = invalid value */
    unsigned char addr[16];
    int bits;
} iam_cidr_t;

typedef struct iam_cond {
    iam_op_t op;
    int negated;           /* StringNotEquals, NotIpAddress, ArnNotLike, ... */
    int if_exists;
    iam_set_t set;
    const char *key;
    iam_strs_t values;
    int has_vars;          /* some value holds ${...} (2012-10-17 only) */
    double *nums;          /* numeric ops; NaN = invalid */
    int64_t *dates;        /* date ops, Unix ms; INT64_MIN = invalid */
    iam_cidr_t *cidrs;     /* IpAddress */
} iam_cond_t;

typedef struct iam_principals {
    int any;               /* "*" or {"AWS": "*"} */
    iam_strs_t aws;        /* ARNs; account ids normalized to arn:aws:iam::ID:root */
    iam_strs_t service;
    iam_strs_t federated;
    iam_strs_t canonical;
} iam_principals_t;

typedef struct iam_stmt {
    const char *sid;
    int deny;
    int not_action;
    iam_strs_t actions;
    int has_resource;
    int not_resource;
    iam_strs_t resources;
    int has_vars;          /* some resource holds ${...} (2012-10-17 only) */
    int has_principal;
    int not_principal;
    iam_principals_t principals;
    iam_cond_t *conds;
    size_t n_conds;
} iam_stmt_t;

struct iam_policy {
    _Atomic int refs;      /* iam_policy_ref / iam_policy_free */
    nb_arena_t *arena;
    int v2012;
    iam_stmt_t *stmts;
    size_t n;
};

/* policy_cond.c */
/* The request's values for a condition key (case-insensitive), including the
 * ones derived from the request itself (aws:PrincipalArn, ...). Returns 0
 * when the key is absent. */
int iam__ctx_values(const iam_request_t *req, const char *key, const char *const **vals,
                    size_t *n, const char **scratch);
/* Substitute policy variables of s into out (cap). 0, or -1 when a variable
 * has no value and no default, or the result does not fit. */
int iam__expand(const iam_request_t *req, const char *s, char *out, size_t cap);
/* All conditions of st hold for req. */
int iam__conds_hold(const iam_stmt_t *st, int v2012, const iam_request_t *req);
/* Compile the typed values of c (numbers, dates, CIDRs) into arena memory. */
void iam__cond_compile(nb_arena_t *a, iam_cond_t *c);
/* Operator name (without ForAllValues:/IfExists) -> op/negated; -1 unknown. */
int iam__op_lookup(const char *name, size_t len, iam_op_t *op, int *negated);
/* Parse ISO 8601 or epoch seconds into Unix ms; INT64_MIN on failure. */
int64_t iam__parse_date(const char *s);

#endif
