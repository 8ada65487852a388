/* fuzz_iam_policy.c — IAM policy parsing and evaluation on arbitrary JSON.
 * Input: a policy document (any bytes). Parsed as identity, resource and
 * trust policy; each compiled policy is then evaluated against a few fixed
 * requests (with context keys feeding variables, IPs, dates, sets), alone and
 * combined as boundary/session/resource policy, and its context keys listed
 * (iam_policy_context_keys, all and per request); each statement is matched
 * alone (iam_policy_statement_applies) and the statements' positions read
 * (iam_policy_statement_spans). Invariants: no crash, leak or UB; a parse
 * failure always comes with a message; decisions are valid enum values; a
 * parsed policy has one position span per statement, in order. Run: make
 * build/fuzz/fuzz_iam_policy */
#include "iam/policy.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const ip[] = {"10.1.2.3"};
static const char *const tags[] = {"a", "b*", "secret"};
static const char *const now[] = {"2026-11-28T00:00:00Z"};
static const char *const user[] = {"al*ce"};
static const iam_ctx_key_t KEYS[] = {
    {"aws:SourceIp", ip, 1}, {"aws:TagKeys", tags, 3}, {"aws:CurrentTime", now, 1},
    {"aws:username", user, 1}, {"aws:EmptySet", NULL, 0},
};

static const iam_request_t REQS[] = {
    {IAM_PRINCIPAL_USER, "arn:aws:iam::000000000000:user/alice", "000000000000", NULL,
     "dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:000000000000:table/Users", NULL, KEYS, 5, NULL, NULL},
    {IAM_PRINCIPAL_ASSUMED_ROLE, "arn:aws:sts::111111111111:assumed-role/R/s", "111111111111",
     "arn:aws:iam::111111111111:role/R", "s3:GetObject", "arn:aws:s3:::b/k", "000000000000", KEYS, 5, NULL, NULL},
    {IAM_PRINCIPAL_SERVICE, "apigateway.amazonaws.com", NULL, NULL, "lambda:InvokeFunction",
     "arn:aws:lambda:us-east-1:000000000000:function:f", NULL, KEYS, 5, NULL, NULL},
    {IAM_PRINCIPAL_ANONYMOUS, NULL, NULL, NULL, "s3:GetObject", "*", NULL, NULL, 0, NULL, NULL},
};

/* A context key is a non-empty span of the policy's own memory: touch every byte. */
static void check_key(void *arg, const char *key, size_t len)
{
    (void)arg;
    volatile char sink = 0;
    if (len == 0) abort();
    for (size_t i = 0; i < len; i++) sink ^= key[i];
    (void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    iam_policy_t *p[3];
    for (int k = 0; k < 3; k++) {
        char err[300] = "";
        p[k] = iam_policy_parse((const char *)data, size, (iam_policy_kind_t)k, err, sizeof err);
        if (!p[k] && !err[0]) abort();
    }
    iam_policy_size((const char *)data, size);
    for (size_t r = 0; r < sizeof REQS / sizeof REQS[0]; r++) {
        const iam_policy_t *id[1] = {p[IAM_POLICY_IDENTITY]};
        const iam_policy_t *res[1] = {p[IAM_POLICY_RESOURCE]};
        iam_policy_set_t sets[3] = {
            {id, 1, NULL, 0, NULL, 0, NULL, 0},
            {id, 1, res, 1, id, 1, id, 1},
            {NULL, 0, res, 1, NULL, 0, NULL, 0},
        };
        for (int s = 0; s < 3; s++) {
            iam_result_t out;
            iam_decision_t d = iam_evaluate(&sets[s], &REQS[r], &out);
            if (d != out.decision || d < IAM_ALLOW || d > IAM_EXPLICIT_DENY) abort();
            char msg[256];
            if (d != IAM_ALLOW) iam_denial_message(&REQS[r], &out, msg, sizeof msg);
        }
        int denied;
        for (int k = 0; k < 3; k++)
            if (p[k]) iam_policy_allows(p[k], &REQS[r], &denied);
        for (int k = 0; k < 3; k++)   /* the context keys (GetContextKeysFor*Policy, the simulator) */
            if (p[k]) iam_policy_context_keys(p[k], REQS[r].action, REQS[r].resource, check_key, NULL);
        for (int k = 0; k < 3; k++)   /* the simulator's MatchedStatements, one statement at a time */
            for (size_t i = 0; p[k] && i <= iam_policy_statement_count(p[k]); i++) {
                int deny = -1;
                int a = iam_policy_statement_applies(p[k], i, &REQS[r], &deny);
                if (a < 0 || a > 1 || (i < iam_policy_statement_count(p[k]) && deny != 0 && deny != 1)) abort();
            }
    }
    /* The statements' positions: on any bytes no crash; for a parsed policy one span per
     * statement, each starting no later than it ends, in document order. */
    iam_stmt_span_t spans[64];
    size_t ns = iam_policy_statement_spans((const char *)data, size, spans, 64);
    for (int k = 0; k < 3; k++)
        if (p[k] && ns != iam_policy_statement_count(p[k])) abort();
    for (size_t i = 0; i < ns && i < 64; i++) {
        const iam_stmt_span_t *sp = &spans[i];
        if (!sp->start.line || !sp->start.col || sp->end.line < sp->start.line ||
            (sp->end.line == sp->start.line && sp->end.col <= sp->start.col))
            abort();
        if (i && (sp->start.line != spans[i - 1].end.line || sp->start.col != spans[i - 1].end.col)) abort();
    }
    for (int k = 0; k < 3; k++)
        if (p[k]) iam_policy_context_keys(p[k], NULL, NULL, check_key, NULL);
    for (int k = 0; k < 3; k++) iam_policy_free(p[k]);
    return 0;
}
