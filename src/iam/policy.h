/* policy.h — IAM policy documents: parsing into a compiled form, and AWS's
 * policy evaluation logic.
 *
 *   iam_policy_parse()  JSON text -> iam_policy_t (or IAM's MalformedPolicyDocument
 *                       message). Kinds differ in what they must / may not hold:
 *                       identity (user/group/role, permissions boundary, session
 *                       policy): no Principal, Resource required; resource
 *                       (Lambda permissions, bucket/topic/queue policies): Principal
 *                       required; trust (role assume-role policy): Principal
 *                       required, no Resource.
 *   iam_evaluate()      the request (who, action, resource, context keys) against
 *                       the principal's identity policies, the resource's policy,
 *                       an optional permissions boundary and session policies:
 *                         1. an explicit Deny in any of them wins;
 *                         2. same account: identity allow OR resource allow
 *                            (a resource allow naming the user / session ARN is not
 *                            limited by boundary or session policies; one naming
 *                            only the account, "arn:aws:iam::ACCT:root" or the bare
 *                            id, merely delegates to the account's IAM policies);
 *                            cross account: identity allow AND resource allow;
 *                         3. identity allows must also be allowed by the boundary
 *                            and the session policies when those are present;
 *                         4. otherwise the default (implicit) deny.
 *   iam_denial_message() AWS's AccessDenied wording for a denied decision.
 *
 * Matching: actions case-insensitively with '*' and '?'; resources
 * case-sensitively with '*' and '?'; policy variables ${aws:username} etc. are
 * substituted in Resource and in String / Arn condition values of
 * 2012-10-17 policies (2008-10-17 takes them literally); ${*} ${?} ${$} are
 * the escaped characters; ${key, 'default'} falls back to the default.
 *
 * A compiled policy is immutable and may be shared between threads and
 * cached; it owns all its memory (iam_policy_free releases it at once). */
#ifndef NB_IAM_POLICY_H
#define NB_IAM_POLICY_H
#include <stddef.h>
#include <stdint.h>

typedef struct iam_policy iam_policy_t;

typedef enum iam_policy_kind {
    IAM_POLICY_IDENTITY,   /* user/group/role inline or managed, boundary, session policy */
    IAM_POLICY_RESOURCE,   /* resource-based (Lambda, S3, SNS, SQS) */
    IAM_POLICY_TRUST       /* a role's assume-role policy */
} iam_policy_kind_t;

/* Parse text (len bytes, need not be NUL-terminated). On success returns the
 * policy (caller frees with iam_policy_free) and leaves err untouched; on
 * failure returns NULL with IAM's MalformedPolicyDocument message in err
 * (cap bytes), e.g. "Syntax errors in policy.". */
iam_policy_t *iam_policy_parse(const char *text, size_t len, iam_policy_kind_t kind,
                               char *err, size_t cap);
/* Policies are reference-counted: iam_policy_ref() adds a reference (returns
 * p), iam_policy_free() drops one and frees with the last. */
iam_policy_t *iam_policy_ref(iam_policy_t *p);
void iam_policy_free(iam_policy_t *p);

/* A process-wide cache of compiled policies keyed by (kind, SHA-256 of the
 * text), so each distinct document is parsed once. Returns a new reference
 * (caller frees with iam_policy_free), or NULL with the parse error in err
 * (errors are not cached). Thread-safe; bounded (a full cache evicts the
 * entry in the slot, whose users keep their references). */
iam_policy_t *iam_policy_cache_get(const char *text, size_t len, iam_policy_kind_t kind,
                                   char *err, size_t cap);
/* Drop every cached reference (tests, shutdown). */
void iam_policy_cache_clear(void);
/* Number of statements (for tests and SimulatePrincipalPolicy). */
size_t iam_policy_statement_count(const iam_policy_t *p);
/* Policy size as IAM counts it for quotas: characters other than whitespace. */
size_t iam_policy_size(const char *text, size_t len);

/* --- the request context --------------------------------------------------- */

/* One condition key: name ("aws:SourceIp", case-insensitive) and its
 * value(s). Multi-valued keys (aws:TagKeys, dynamodb:LeadingKeys,
 * dynamodb:Attributes) have n > 1 or n == 0 for an empty set. */
typedef struct iam_ctx_key {
    const char *name;
    const char *const *values;
    size_t n;
} iam_ctx_key_t;

/* A lazy source of condition keys (see iam_request_t.key_fn). */
typedef int (*iam_key_fn)(void *arg, const char *key, const char *const **vals, size_t *n);

typedef enum iam_principal_type {
    IAM_PRINCIPAL_USER,          /* arn:aws:iam::ACCT:user/NAME */
    IAM_PRINCIPAL_ROOT,          /* arn:aws:iam::ACCT:root */
    IAM_PRINCIPAL_ASSUMED_ROLE,  /* arn:aws:sts::ACCT:assumed-role/ROLE/SESSION */
    IAM_PRINCIPAL_SERVICE,       /* an AWS service ("apigateway.amazonaws.com") */
    IAM_PRINCIPAL_ANONYMOUS
} iam_principal_type_t;

typedef struct iam_request {
    iam_principal_type_t principal_type;
    const char *principal_arn;      /* caller ARN; for a service, its name */
    const char *principal_account;  /* "000000000000"; NULL/"" for services */
    const char *role_arn;           /* assumed-role sessions: the role's ARN */
    const char *action;             /* "dynamodb:GetItem" */
    const char *resource;           /* ARN, or "*" */
    const char *resource_account;   /* owner of the resource; NULL/"" = principal's */
    const iam_ctx_key_t *keys;      /* condition keys, incl. variables' sources */
    size_t n_keys;
    /* Keys not in keys[] nor derived from the fields above (service keys such
     * as dynamodb:LeadingKeys, aws:RequestTag/..., aws:ResourceTag/...) are
     * asked of key_fn (may be NULL), lazily: 1 and the values (valid for the
     * whole evaluation) when present, 0 when absent. */
    iam_key_fn key_fn;
    void *key_arg;
} iam_request_t;

/* Which policies apply. NULL entries are skipped. A boundary or session set is
 * "present" when its count is > 0. */
typedef struct iam_policy_set {
    const iam_policy_t *const *identity;
    size_t n_identity;
    const iam_policy_t *const *resource;
    size_t n_resource;
    const iam_policy_t *const *boundary;
    size_t n_boundary;
    const iam_policy_t *const *session;
    size_t n_session;
} iam_policy_set_t;

typedef enum iam_decision {
    IAM_ALLOW = 0,
    IAM_IMPLICIT_DENY,
    IAM_EXPLICIT_DENY
} iam_decision_t;

/* Which policy type decided a denial (for the message). */
typedef enum iam_policy_type {
    IAM_TYPE_NONE = 0,
    IAM_TYPE_IDENTITY,
    IAM_TYPE_RESOURCE,
    IAM_TYPE_BOUNDARY,
    IAM_TYPE_SESSION
} iam_policy_type_t;

typedef struct iam_result {
    iam_decision_t decision;
    iam_policy_type_t by;        /* denials: the policy type to name */
} iam_result_t;

/* Evaluate req against set. Pure apart from req->key_fn (the caller's): no
 * allocation beyond the stack for short strings; safe to call concurrently. */
iam_decision_t iam_evaluate(const iam_policy_set_t *set, const iam_request_t *req,
                            iam_result_t *out);

/* Evaluate one policy alone: 1 when some statement allows, and sets *denied
 * when some statement explicitly denies (for SimulatePrincipalPolicy). */
int iam_policy_allows(const iam_policy_t *p, const iam_request_t *req, int *denied);

/* "User: ARN is not authorized to perform: ACTION[ on resource: RES] because no
 * identity-based policy allows the ACTION action" / "... with an explicit deny
 * in an identity-based policy". Writes at most cap bytes; returns out. */
char *iam_denial_message(const iam_request_t *req, const iam_result_t *res, char *out, size_t cap);

/* The global condition keys of a request, in storage owned by the struct
 * (valid while it is). Fill with iam_global_keys(), then point
 * iam_request_t.keys at g.keys (copy them first to append service keys such
 * as dynamodb:LeadingKeys). NULL arguments are left out of the context. */
typedef struct iam_global_ctx {
    iam_ctx_key_t keys[8];
    const char *vals[8];
    size_t n;
    char current_time[24];   /* "2026-11-28T01:02:03Z" */
    char epoch[24];          /* "1795827723" */
} iam_global_ctx_t;

/* aws:SourceIp, aws:SecureTransport, aws:CurrentTime, aws:EpochTime,
 * aws:username, aws:userid, aws:PrincipalArn (for assumed roles pass the
 * role's ARN, as AWS does). Strings other than the times are borrowed.
 * Returns the number of keys. */
size_t iam_global_keys(iam_global_ctx_t *g, const char *source_ip, int secure, int64_t now_ms,
                       const char *username, const char *userid, const char *principal_arn);

/* The context keys p refers to (policy_keys.c): each condition key, and each
 * policy variable ${key} of a 2012-10-17 policy's resources and condition
 * values, as written (repeats possible; the caller folds case). With action
 * and resource non-NULL only those of statements whose Action and Resource
 * match them (a resource holding a variable counts as matching). fn gets the
 * key's text and length (borrowed: valid while p lives). */
typedef void (*iam_key_visit_fn)(void *arg, const char *key, size_t len);
void iam_policy_context_keys(const iam_policy_t *p, const char *action, const char *resource, iam_key_visit_fn fn,
                             void *arg);

/* Does statement i of p (0-based, document order) apply to req — its
 * principal (resource and trust policies), action, resource and conditions?
 * 1 or 0; *deny (may be NULL) says whether it is a Deny. For the simulator's
 * MatchedStatements. */
int iam_policy_statement_applies(const iam_policy_t *p, size_t i, const iam_request_t *req, int *deny);

/* Where statements sit in a policy's text (policy_pos.c), as IAM's simulator
 * reports them (MatchedStatements' StartPosition / EndPosition): 1-based
 * line and column, columns in UTF-16 code units. A span starts just after the
 * character a streaming reader consumed last before the statement — the '{'
 * of a single-object Statement, the '[' of an array for its first statement,
 * the previous statement's '}' for the others — and ends just after the
 * statement's '}'. Fills up to max spans in document order and returns the
 * number of statements, 0 when the text is not a policy it can read. */
typedef struct iam_text_pos {
    unsigned line, col;
} iam_text_pos_t;
typedef struct iam_stmt_span {
    iam_text_pos_t start, end;
} iam_stmt_span_t;
size_t iam_policy_statement_spans(const char *text, size_t len, iam_stmt_span_t *out, size_t max);

/* Wildcard matching, exposed for tests: '*' any run, '?' one character. */
int iam_wildcard_match(const char *pattern, const char *s, int ignore_case);
/* ArnLike / ArnEquals: the six ARN fields compared one by one with wildcards. */
int iam_arn_match(const char *pattern, const char *arn);

#endif
