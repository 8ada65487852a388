/* iam_sim_src.c — the policies IAM's simulator evaluates, each with its
 * source, and the MatchedStatements it reports of them.
 *
 * SourcePolicyId is what IAM answers (its examples, and the answers
 * Terraform's acceptance tests check against AWS): "PolicyInputList.N" for
 * the Nth policy given in the request ("PermissionsBoundaryPolicyInputList.N"
 * likewise), "<kind>_<entity>_<policy>" for an inline policy
 * ("user_alice_ReadOnly", "role_app_secrets", "group_devs_p"), and a managed
 * policy's name ("AdministratorAccess"). SourcePolicyType is "IAM Policy" —
 * IAM's answer, although the API's documentation lists lowercase kinds —
 * and, nimbus's choice where no answer of AWS's is known, "ResourcePolicy"
 * with "Resource Policy" for the request's ResourcePolicy.
 *
 * The positions are of the statement in the document's text as it was given
 * or stored (policy_pos.c), read once per policy and request, only for a
 * policy one of whose statements matched. */
#include "iam/iam_sim.h"
#include "core/alloc.h"
#include "core/arena.h"
#include <stdlib.h>
#include <string.h>

static const char TYPE_IAM[] = "IAM Policy", TYPE_RESOURCE[] = "Resource Policy";

void iam__sim_pvec_free(iam__sim_pvec_t *pv)
{
    for (size_t i = 0; i < pv->n; i++) iam_policy_free(pv->v[i]);
    free(pv->v);
    free(pv->src);
    pv->v = NULL;
    pv->src = NULL;
    pv->n = 0;
}

int iam__sim_add(iam__sim_pvec_t *pv, const char *text, iam_policy_kind_t kind, const char *id, char *err,
                 size_t cap)
{
    iam_policy_t *p = text ? iam_policy_cache_get(text, strlen(text), kind, err, cap) : NULL;
    if (!p) return -1;
    pv->v = nb_xrealloc(pv->v, sizeof *pv->v * (pv->n + 1));
    pv->src = nb_xrealloc(pv->src, sizeof *pv->src * (pv->n + 1));
    pv->v[pv->n] = p;
    pv->src[pv->n] = (iam__sim_src_t){nb_arena_strdup(pv->arena, id),
                                      kind == IAM_POLICY_RESOURCE ? TYPE_RESOURCE : TYPE_IAM,
                                      nb_arena_strdup(pv->arena, text), NULL, 0};
    pv->n++;
    return 0;
}

/* A stored document: one that no longer parses is left out. */
static void add_stored(iam__sim_pvec_t *pv, const char *text, const char *id)
{
    char err[64];
    if (iam__sim_add(pv, text, IAM_POLICY_IDENTITY, id, err, sizeof err) < 0) { /* skipped */ }
}

int iam__sim_inputs(nb_req_t *req, const char *param, iam__sim_pvec_t *pv)
{
    for (int i = 1;; i++) {
        const char *doc = nb_req_form(req, nb_arena_printf(req->arena, "%s.member.%d", param, i));
        if (!doc) return 0;
        char err[300];
        if (iam__sim_add(pv, doc, IAM_POLICY_IDENTITY, nb_arena_printf(req->arena, "%s.%d", param, i), err,
                         sizeof err) < 0) {
            nb_reply_error(req, NB_ERR_IAM_INVALID_INPUT, "%s", err);
            return -1;
        }
    }
}

void iam__sim_add_managed(store_txn_t *t, const char *arn, iam__sim_pvec_t *pv)
{
    json_t *p = arn ? iam__policy_get(t, arn) : NULL;
    const char *dv = json_string_value(json_object_get(p, "DefaultVersionId"));
    const char *name = json_string_value(json_object_get(p, "PolicyName"));
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(p, "Versions"), i, v)
        if (dv && name && strcmp(dv, json_string_value(json_object_get(v, "VersionId"))) == 0)
            add_stored(pv, json_string_value(json_object_get(v, "Document")), name);
    json_decref(p);
}

/* Inline and attached policies of one entity document. */
static void add_own(store_txn_t *t, const char *kind, const char *name, json_t *doc, iam__sim_pvec_t *pv)
{
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(doc, "Policies"), k, v)
        add_stored(pv, json_string_value(v), nb_arena_printf(pv->arena, "%s_%s_%s", kind, name, k));
    size_t i;
    json_array_foreach(json_object_get(doc, "Attached"), i, v) iam__sim_add_managed(t, json_string_value(v), pv);
}

void iam__sim_add_entity(store_txn_t *t, const iam__kind_t *k, const char *name, json_t *doc, iam__sim_pvec_t *pv)
{
    add_own(t, k->noun, name, doc, pv);
    if (k != &iam__user) return;
    size_t i;
    json_t *g;
    json_array_foreach(json_object_get(doc, "Groups"), i, g) {
        const char *gn = json_string_value(g);
        json_t *gd = gn ? iam__get(t, iam__group.ks, gn) : NULL;
        if (gd) add_own(t, iam__group.noun, gn, gd, pv);
        json_decref(gd);
    }
}

static void position(nb_buf_t *b, const char *tag, iam_text_pos_t p)
{
    nb_buf_printf(b, "<%s><Line>%u</Line><Column>%u</Column></%s>", tag, p.line, p.col, tag);
}

void iam__sim_matched(nb_buf_t *b, iam__sim_pvec_t *pv, const iam_request_t *req, int deny)
{
    for (size_t i = 0; i < pv->n; i++) {
        iam__sim_src_t *s = &pv->src[i];
        size_t n = iam_policy_statement_count(pv->v[i]);
        for (size_t j = 0; j < n; j++) {
            int is_deny;
            if (!iam_policy_statement_applies(pv->v[i], j, req, &is_deny) || is_deny != deny) continue;
            if (!s->spans_state) {
                s->spans = nb_arena_alloc(pv->arena, sizeof *s->spans * n);
                s->spans_state = iam_policy_statement_spans(s->text, strlen(s->text), s->spans, n) == n ? 1 : -1;
            }
            nb_buf_puts(b, "<member>");
            iam__xml_str(b, "SourcePolicyId", s->id);
            iam__xml_str(b, "SourcePolicyType", s->type);
            if (s->spans_state == 1) {
                position(b, "StartPosition", s->spans[j].start);
                position(b, "EndPosition", s->spans[j].end);
            }
            nb_buf_puts(b, "</member>");
        }
    }
}
