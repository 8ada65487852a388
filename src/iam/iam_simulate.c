/* iam_simulate.c — IAM's policy simulator and context-key listing:
 * SimulatePrincipalPolicy (a user's, group's or role's policies, plus
 * PolicyInputList), SimulateCustomPolicy (the given policies only),
 * GetContextKeysForPrincipalPolicy and GetContextKeysForCustomPolicy.
 *
 * The decision is the edge's own: iam_evaluate over the compiled policies
 * (identity, permissions boundary, resource policy), with the context keys
 * of ContextEntries plus the ones the principal implies (aws:username,
 * aws:userid, aws:PrincipalArn) and the time (aws:CurrentTime, aws:EpochTime).
 * Unlike a real request no aws:SourceIp or aws:SecureTransport is assumed:
 * a condition on them is reported in MissingContextValues unless given.
 * MatchedStatements names the statements that decided, with their source
 * policy and position (iam_sim_src.c; docs/SECURITY.md). */
#include "iam/iam_sim.h"
#include "iam/policy.h"
#include "auth/creds.h"
#include "core/alloc.h"
#include "core/util.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The source entity of PolicySourceArn (user, group or role of this account). */
typedef struct source {
    const iam__kind_t *k;
    const char *name;
} source_t;

static int parse_source(nb_req_t *req, const char *arn, source_t *s)
{
    const char *pfx = nb_arena_printf(req->arena, "arn:aws:iam::%s:", req->ctx->cfg->account);
    s->k = NULL;
    if (strncmp(arn, pfx, strlen(pfx)) == 0) {
        const char *rest = arn + strlen(pfx);
        if (strncmp(rest, "user/", 5) == 0) s->k = &iam__user;
        else if (strncmp(rest, "group/", 6) == 0) s->k = &iam__group;
        else if (strncmp(rest, "role/", 5) == 0) s->k = &iam__role;
    }
    if (!s->k) {
        nb_reply_error(req, NB_ERR_IAM_INVALID_INPUT, "Invalid Entity Arn: %s does not clearly define entity type "
                       "and name.", arn);
        return -1;
    }
    s->name = strrchr(arn, '/') + 1;
    return 0;
}

/* The source's identity policies and permissions boundary: 0, or -1 after
 * replying NoSuchEntity. */
static int source_policies(nb_req_t *req, const char *arn, const source_t *s, iam__sim_pvec_t *id,
                           iam__sim_pvec_t *boundary)
{
    store_txn_t *t = iam__begin(req, 0);
    if (!t) return -1;
    json_t *doc = iam__get(t, s->k->ks, s->name);
    const char *own = json_string_value(json_object_get(doc, "Arn"));
    if (!doc || !own || strcmp(own, arn) != 0) {
        json_decref(doc);
        iam__fail(req, t, NB_ERR_IAM_NO_SUCH_ENTITY, "The %s with name %s cannot be found.", s->k->noun, s->name);
        return -1;
    }
    iam__sim_add_entity(t, s->k, s->name, doc, id);
    if (boundary) iam__sim_add_managed(t, json_string_value(json_object_get(doc, "PermissionsBoundary")), boundary);
    json_decref(doc);
    store_abort(t);
    return 0;
}

/* ---- context keys ---------------------------------------------------------------- */

typedef struct keyset {
    nb_req_t *req;
    const char **v;
    size_t n, cap;
} keyset_t;

static int keyset_has(const keyset_t *ks, const char *k, size_t len)
{
    for (size_t i = 0; i < ks->n; i++)
        if (strlen(ks->v[i]) == len && strncasecmp(ks->v[i], k, len) == 0) return 1;
    return 0;
}

static void keyset_visit(void *arg, const char *k, size_t len)
{
    keyset_t *ks = arg;
    if (keyset_has(ks, k, len)) return;
    if (ks->n == ks->cap) {
        ks->cap = ks->cap ? ks->cap * 2 : 16;
        const char **nv = nb_arena_alloc(ks->req->arena, sizeof *nv * ks->cap);
        if (ks->n) memcpy(nv, ks->v, sizeof *nv * ks->n);
        ks->v = nv;
    }
    ks->v[ks->n++] = nb_arena_strndup(ks->req->arena, k, len);
}

static void keys_of(const iam__sim_pvec_t *pv, const char *action, const char *resource, keyset_t *ks)
{
    for (size_t i = 0; i < pv->n; i++) iam_policy_context_keys(pv->v[i], action, resource, keyset_visit, ks);
}

static void reply_keys(nb_req_t *req, const keyset_t *ks)
{
    nb_buf_t b = NB_BUF_INIT;
    nb_buf_puts(&b, "<ContextKeyNames>");
    for (size_t i = 0; i < ks->n; i++) iam__xml_str(&b, "member", ks->v[i]);
    nb_buf_puts(&b, "</ContextKeyNames>");
    nb_reply_query(req, b.data);
    nb_buf_free(&b);
}

static void op_context_keys_custom(nb_req_t *req)
{
    if (!iam__need(req, "PolicyInputList.member.1")) return;
    iam__sim_pvec_t pv = {.arena = req->arena};
    if (iam__sim_inputs(req, "PolicyInputList", &pv) != 0) {
        iam__sim_pvec_free(&pv);
        return;
    }
    keyset_t ks = {.req = req};
    keys_of(&pv, NULL, NULL, &ks);
    iam__sim_pvec_free(&pv);
    reply_keys(req, &ks);
}

static void op_context_keys_principal(nb_req_t *req)
{
    const char *arn = iam__need(req, "PolicySourceArn");
    source_t s;
    if (!arn || parse_source(req, arn, &s) != 0) return;
    iam__sim_pvec_t pv = {.arena = req->arena};
    if (iam__sim_inputs(req, "PolicyInputList", &pv) != 0 || source_policies(req, arn, &s, &pv, NULL) != 0) {
        iam__sim_pvec_free(&pv);
        return;
    }
    keyset_t ks = {.req = req};
    keys_of(&pv, NULL, NULL, &ks);
    iam__sim_pvec_free(&pv);
    reply_keys(req, &ks);
}

/* ---- simulation --------------------------------------------------------------------- */

typedef struct sim {
    iam__sim_pvec_t identity, boundary;
    iam__sim_pvec_t resource;          /* ResourcePolicy, if given */
    iam_principal_type_t type;
    const char *caller;                /* principal ARN */
    const char *role_arn;              /* a role's simulation: the role */
    const char *username, *userid;
} sim_t;

/* ContextEntries.member.N into keys (arena); returns the count. */
static size_t context_entries(nb_req_t *req, iam_ctx_key_t **out)
{
    size_t n = 0;
    while (nb_req_form(req, nb_arena_printf(req->arena, "ContextEntries.member.%zu.ContextKeyName", n + 1))) n++;
    iam_ctx_key_t *keys = nb_arena_alloc(req->arena, sizeof *keys * (n + 6));
    for (size_t i = 0; i < n; i++) {
        const char *base = nb_arena_printf(req->arena, "ContextEntries.member.%zu", i + 1);
        size_t nv = 0;
        while (nb_req_form(req, nb_arena_printf(req->arena, "%s.ContextKeyValues.member.%zu", base, nv + 1))) nv++;
        const char **vals = nb_arena_alloc(req->arena, sizeof *vals * (nv ? nv : 1));
        for (size_t j = 0; j < nv; j++)
            vals[j] = nb_req_form(req, nb_arena_printf(req->arena, "%s.ContextKeyValues.member.%zu", base, j + 1));
        keys[i] = (iam_ctx_key_t){nb_req_form(req, nb_arena_printf(req->arena, "%s.ContextKeyName", base)), vals, nv};
    }
    *out = keys;
    return n;
}

static const char *decision_name(iam_decision_t d)
{
    return d == IAM_ALLOW ? "allowed" : d == IAM_EXPLICIT_DENY ? "explicitDeny" : "implicitDeny";
}

/* One EvaluationResult member for (action, resource). */
static void simulate_one(nb_req_t *req, sim_t *s, const iam_ctx_key_t *keys, size_t nk, const char *action,
                         const char *resource, nb_buf_t *b)
{
    const char *owner = nb_req_form(req, "ResourceOwner");
    const char *owner_acct = NULL;
    if (owner && strncmp(owner, "arn:aws:iam::", 13) == 0 && strlen(owner) >= 25)
        owner_acct = nb_arena_strndup(req->arena, owner + 13, 12);
    iam_request_t ir = {s->type, s->caller, req->ctx->cfg->account, s->role_arn, action, resource, owner_acct, keys, nk,
                        NULL, NULL};
    iam_policy_set_t set = {(const iam_policy_t *const *)s->identity.v, s->identity.n,
                            (const iam_policy_t *const *)s->resource.v, s->resource.n,
                            (const iam_policy_t *const *)s->boundary.v, s->boundary.n, NULL, 0};
    iam_result_t out;
    iam_decision_t d = iam_evaluate(&set, &ir, &out);
    /* keys the applicable statements test that the simulation was not given */
    keyset_t used = {.req = req};
    keys_of(&s->identity, action, resource, &used);
    keys_of(&s->boundary, action, resource, &used);
    keys_of(&s->resource, action, resource, &used);
    nb_buf_puts(b, "<member>");
    iam__xml_str(b, "EvalActionName", action);
    iam__xml_str(b, "EvalResourceName", resource);
    iam__xml_str(b, "EvalDecision", decision_name(d));
    /* The statements that decided: every matching Deny of an explicit deny
     * (the deny alone, as IAM reports it), every matching Allow of the
     * identity and resource policies of an allow, none of an implicit deny. */
    nb_buf_puts(b, "<MatchedStatements>");
    if (d == IAM_EXPLICIT_DENY) {
        iam__sim_matched(b, &s->identity, &ir, 1);
        iam__sim_matched(b, &s->resource, &ir, 1);
        iam__sim_matched(b, &s->boundary, &ir, 1);
    } else if (d == IAM_ALLOW) {
        iam__sim_matched(b, &s->identity, &ir, 0);
        iam__sim_matched(b, &s->resource, &ir, 0);
    }
    nb_buf_puts(b, "</MatchedStatements><MissingContextValues>");
    for (size_t i = 0; i < used.n; i++) {
        int given = 0;
        for (size_t j = 0; j < nk && !given; j++) given = strcasecmp(keys[j].name, used.v[i]) == 0;
        if (!given) iam__xml_str(b, "member", used.v[i]);
    }
    nb_buf_puts(b, "</MissingContextValues>");
    if (s->boundary.n) {
        /* would the boundary alone allow it? */
        iam_policy_set_t bset = {(const iam_policy_t *const *)s->boundary.v, s->boundary.n, NULL, 0, NULL, 0, NULL, 0};
        iam_result_t bo;
        nb_buf_printf(b, "<PermissionsBoundaryDecisionDetail><AllowedByPermissionsBoundary>%s"
                      "</AllowedByPermissionsBoundary></PermissionsBoundaryDecisionDetail>",
                      iam_evaluate(&bset, &ir, &bo) == IAM_ALLOW ? "true" : "false");
    }
    nb_buf_puts(b, "</member>");
}

/* Every ActionNames × ResourceArns (default "*") pair, paged by MaxItems / Marker. */
static void simulate(nb_req_t *req, sim_t *s)
{
    iam__page_t page;
    if (!iam__need(req, "ActionNames.member.1") || iam__page_init(req, &page) != 0) return;
    const char *rp = nb_req_form(req, "ResourcePolicy");
    char err[300];
    if (rp && iam__sim_add(&s->resource, rp, IAM_POLICY_RESOURCE, "ResourcePolicy", err, sizeof err) < 0) {
        nb_reply_error(req, NB_ERR_IAM_INVALID_INPUT, "%s", err);
        return;
    }
    iam_ctx_key_t *keys;
    size_t nk = context_entries(req, &keys);
    char now[32], epoch[24];
    iam__now(now, sizeof now);
    snprintf(epoch, sizeof epoch, "%lld", (long long)(nb_wall_ms() / 1000));
    const char **implied = nb_arena_alloc(req->arena, sizeof *implied * 5);
    implied[0] = now, implied[1] = epoch, implied[2] = s->caller, implied[3] = s->username, implied[4] = s->userid;
    const char *const names[] = {"aws:CurrentTime", "aws:EpochTime", "aws:PrincipalArn", "aws:username", "aws:userid"};
    for (size_t i = 0; i < 5; i++)   /* after the given entries: those win */
        if (implied[i]) keys[nk++] = (iam_ctx_key_t){names[i], &implied[i], 1};
    nb_buf_t b = NB_BUF_INIT;
    nb_buf_puts(&b, "<EvaluationResults>");
    int seq = 0;
    for (int ai = 1;; ai++) {
        const char *action = nb_req_form(req, nb_arena_printf(req->arena, "ActionNames.member.%d", ai));
        if (!action) break;
        for (int ri = 1;; ri++) {
            const char *res = nb_req_form(req, nb_arena_printf(req->arena, "ResourceArns.member.%d", ri));
            if (!res && ri > 1) break;
            char mk[16];
            snprintf(mk, sizeof mk, "%08d", seq++);
            if (iam__page_take(&page, mk)) simulate_one(req, s, keys, nk, action, res ? res : "*", &b);
            if (!res) break;
        }
    }
    nb_buf_puts(&b, "</EvaluationResults>");
    iam__page_end(&b, &page);
    nb_reply_query(req, b.data);
    nb_buf_free(&b);
}

static void sim_init(sim_t *s, nb_req_t *req)
{
    memset(s, 0, sizeof *s);
    s->identity.arena = s->boundary.arena = s->resource.arena = req->arena;
}

static void sim_free(sim_t *s)
{
    iam__sim_pvec_free(&s->identity);
    iam__sim_pvec_free(&s->boundary);
    iam__sim_pvec_free(&s->resource);
}

static void op_simulate_principal(nb_req_t *req)
{
    const char *arn = iam__need(req, "PolicySourceArn");
    source_t src;
    if (!arn || parse_source(req, arn, &src) != 0) return;
    sim_t s;
    sim_init(&s, req);
    iam__sim_pvec_t given_boundary = {.arena = req->arena};
    if (iam__sim_inputs(req, "PolicyInputList", &s.identity) == 0 &&
        iam__sim_inputs(req, "PermissionsBoundaryPolicyInputList", &given_boundary) == 0 &&
        source_policies(req, arn, &src, &s.identity, &s.boundary) == 0) {
        if (given_boundary.n) {   /* the given boundary replaces the entity's own */
            iam__sim_pvec_free(&s.boundary);
            s.boundary = given_boundary;
            given_boundary = (iam__sim_pvec_t){.arena = req->arena};
        }
        s.type = src.k == &iam__role ? IAM_PRINCIPAL_ASSUMED_ROLE : IAM_PRINCIPAL_USER;
        s.caller = nb_req_form(req, "CallerArn");
        if (!s.caller) s.caller = arn;
        s.username = src.k == &iam__user ? src.name : NULL;
        s.role_arn = src.k == &iam__role ? arn : NULL;
        simulate(req, &s);
    }
    iam__sim_pvec_free(&given_boundary);
    sim_free(&s);
}

static void op_simulate_custom(nb_req_t *req)
{
    if (!iam__need(req, "PolicyInputList.member.1")) return;
    sim_t s;
    sim_init(&s, req);
    if (iam__sim_inputs(req, "PolicyInputList", &s.identity) == 0 &&
        iam__sim_inputs(req, "PermissionsBoundaryPolicyInputList", &s.boundary) == 0) {
        s.caller = nb_req_form(req, "CallerArn");
        if (!s.caller) s.caller = req->principal_arn ? req->principal_arn : auth_root_arn();
        /* the policies are the caller's as given: never root's blanket allow */
        s.type = strstr(s.caller, ":assumed-role/") ? IAM_PRINCIPAL_ASSUMED_ROLE : IAM_PRINCIPAL_USER;
        const char *u = strstr(s.caller, ":user/");
        s.username = u ? strrchr(u, '/') + 1 : NULL;
        simulate(req, &s);
    }
    sim_free(&s);
}

void iam__op_simulate_principal_policy(nb_req_t *req) { op_simulate_principal(req); }
void iam__op_simulate_custom_policy(nb_req_t *req) { op_simulate_custom(req); }
void iam__op_context_keys_custom(nb_req_t *req) { op_context_keys_custom(req); }
void iam__op_context_keys_principal(nb_req_t *req) { op_context_keys_principal(req); }
