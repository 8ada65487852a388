/* iam_sim.h — the policies IAM's simulator evaluates (iam_sim_src.c), each
 * with what MatchedStatements says of it: its SourcePolicyId and type, and
 * its text, where its statements' positions are read. Used by
 * iam_simulate.c. Not for other modules. */
#ifndef NB_IAM_SIM_H
#define NB_IAM_SIM_H
#include "iam/iam_svc.h"
#include "iam/policy.h"

typedef struct iam__sim_src {
    const char *id;              /* "PolicyInputList.1", "user_alice_p", a managed policy's name */
    const char *type;            /* "IAM Policy", "Resource Policy" */
    const char *text;            /* the document (arena) */
    iam_stmt_span_t *spans;      /* the statements' positions, once asked (arena), or NULL */
    int spans_state;             /* 0 not read yet, 1 read, -1 unreadable */
} iam__sim_src_t;

/* Compiled policies (references) and, beside each, its source. */
typedef struct iam__sim_pvec {
    nb_arena_t *arena;           /* the request's: ids, texts, positions */
    iam_policy_t **v;
    iam__sim_src_t *src;
    size_t n;
} iam__sim_pvec_t;

void iam__sim_pvec_free(iam__sim_pvec_t *pv);
/* Compile text (kind) into pv as source id (type "IAM Policy" unless resource);
 * a stored document that no longer parses is skipped. 0, or -1 with the
 * parse error in err (cap). */
int iam__sim_add(iam__sim_pvec_t *pv, const char *text, iam_policy_kind_t kind, const char *id, char *err,
                 size_t cap);
/* PARAM.member.N (ids "PARAM.N") into pv: 0, or -1 after replying
 * InvalidInput (a document that does not parse). */
int iam__sim_inputs(nb_req_t *req, const char *param, iam__sim_pvec_t *pv);
/* The default version of managed policy arn (id: its name), if any. */
void iam__sim_add_managed(store_txn_t *t, const char *arn, iam__sim_pvec_t *pv);
/* An entity's identity policies: its inline ones ("<kind>_<name>_<policy>"),
 * its attached managed ones, and for a user those of each of its groups. */
void iam__sim_add_entity(store_txn_t *t, const iam__kind_t *k, const char *name, json_t *doc, iam__sim_pvec_t *pv);
/* <member> of MatchedStatements for each statement of pv that applies to
 * req with that effect (deny or allow), with its source and position. */
void iam__sim_matched(nb_buf_t *b, iam__sim_pvec_t *pv, const iam_request_t *req, int deny);

#endif
