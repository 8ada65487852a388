/* settings.c — per-function settings stored in the function record:
 * reserved concurrency (Put/Get/DeleteFunctionConcurrency), provisioned
 * concurrency (Put/Get/DeleteProvisionedConcurrencyConfig), asynchronous
 * invocation configuration (Put/Get/DeleteFunctionEventInvokeConfig), the
 * resource policy (AddPermission/RemovePermission/GetPolicy: recorded, enforced
 * with IAM later), tags, and GetAccountSettings. */
#include "lambda/lambda_int.h"
#include "auth/enforce.h"
#include "core/alloc.h"
#include "core/util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Load the record for a settings change; NULL after replying. */
static json_t *load(nb_req_t *req, int write, store_txn_t **tp, char name[LAMBDA_NAME_MAX + 1], char qual[130])
{
    if (lambda__req_fn(req, name, qual)) return NULL;
    store_txn_t *t = lambda__begin(req, write);
    if (!t) return NULL;
    json_t *rec = lambda__get_fn(t, name);
    if (!rec) {
        store_abort(t);
        lambda__err_not_found_fn(req, name, NULL);
        return NULL;
    }
    *tp = t;
    return rec;
}

/* Does name:qual (a version or alias) exist? 0 (with *ver, caller frees, when
 * ver is not NULL), or -1 after answering ResourceNotFound and letting go of
 * rec and t. */
static int need_version(nb_req_t *req, store_txn_t *t, json_t *rec, const char *name, const char *qual, char **ver)
{
    json_t *v = lambda__get_fn_version(t, name, qual, ver);
    if (!v) {
        json_decref(rec);
        store_abort(t);
        lambda__err_not_found_fn(req, name, qual);
        return -1;
    }
    json_decref(v);
    return 0;
}

static int save(nb_req_t *req, store_txn_t *t, const char *name, json_t *rec)
{
    if (lambda__put_json(t, LAMBDA_KS_FN, name, strlen(name), rec) != STORE_OK) {
        store_abort(t);
        lambda__err(req, LAMBDA_ERR_SERVICE, "storage failure");
        return -1;
    }
    return 0;
}

/* The integer field of the request body (borrowed), or NULL after answering
 * the ValidationException Lambda gives when it is missing or below min. */
static json_t *need_count(nb_req_t *req, const char *field, const char *member, json_int_t min)
{
    json_t *v = json_object_get(req->json, field);
    if (json_is_integer(v) && json_integer_value(v) >= min) return v;
    lambda__err(req, LAMBDA_ERR_VALIDATION, "1 validation error detected: Value at '%s' failed to satisfy "
                "constraint: Member must have value greater than or equal to %lld", member, (long long)min);
    return NULL;
}

/* --- reserved concurrency ------------------------------------------------------------ */

void lambda__op_put_concurrency(nb_req_t *req)
{
    char name[LAMBDA_NAME_MAX + 1], qual[130];
    json_t *v = need_count(req, "ReservedConcurrentExecutions", "reservedConcurrentExecutions", 0);
    if (!v) return;
    store_txn_t *t;
    json_t *rec = load(req, 1, &t, name, qual);
    if (!rec) return;
    unsigned n = (unsigned)json_integer_value(v);
    json_t *old = json_object_get(rec, "reserved");
    unsigned prev = old ? (unsigned)json_integer_value(old) : 0;
    unsigned others = lambda__svc.reserved_sum - prev;
    /* At least 100 must stay unreserved (fewer when the account limit itself is small). */
    unsigned floor = lambda__svc.account_limit >= 200 ? 100 : lambda__svc.account_limit / 2;
    if (others + n > lambda__svc.account_limit - floor) {
        json_decref(rec);
        store_abort(t);
        lambda__err(req, LAMBDA_ERR_INVALID_PARAM, "Specified ReservedConcurrentExecutions for function decreases "
                    "account's UnreservedConcurrentExecution below its minimum value of [%u].", floor);
        return;
    }
    json_object_set_new(rec, "reserved", json_integer(n));
    if (save(req, t, name, rec)) { json_decref(rec); return; }
    json_decref(rec);
    lambda__svc.reserved_sum = others + n;
    lambda__fn_set_reserved(name, (int)n);
    lambda__commit_reply(req, t, 200, json_pack("{s:i}", "ReservedConcurrentExecutions", (int)n));
}

void lambda__op_get_concurrency(nb_req_t *req)
{
    char name[LAMBDA_NAME_MAX + 1], qual[130];
    store_txn_t *t;
    json_t *rec = load(req, 0, &t, name, qual);
    if (!rec) return;
    store_abort(t);
    json_t *v = json_object_get(rec, "reserved");
    json_t *out = v ? json_pack("{s:O}", "ReservedConcurrentExecutions", v) : json_object();
    json_decref(rec);
    nb_reply_json(req, 200, out);
}

void lambda__op_delete_concurrency(nb_req_t *req)
{
    char name[LAMBDA_NAME_MAX + 1], qual[130];
    store_txn_t *t;
    json_t *rec = load(req, 1, &t, name, qual);
    if (!rec) return;
    json_t *old = json_object_get(rec, "reserved");
    unsigned prev = old ? (unsigned)json_integer_value(old) : 0;
    json_object_del(rec, "reserved");
    if (save(req, t, name, rec)) { json_decref(rec); return; }
    json_decref(rec);
    lambda__svc.reserved_sum -= prev;
    lambda__fn_set_reserved(name, -1);
    lambda__commit_reply(req, t, 204, NULL);
}

/* --- provisioned concurrency ------------------------------------------------------------ */

static json_t *pc_doc(json_t *pc, unsigned available)
{
    unsigned n = (unsigned)json_integer_value(json_object_get(pc, "n"));
    return json_pack("{s:i,s:i,s:i,s:s,s:O}", "RequestedProvisionedConcurrentExecutions", (int)n,
                     "AvailableProvisionedConcurrentExecutions", (int)(available < n ? available : n),
                     "AllocatedProvisionedConcurrentExecutions", (int)(available < n ? available : n),
                     "Status", available >= n ? "READY" : "IN_PROGRESS", "LastModified", json_object_get(pc, "at"));
}

/* Start (or resize) the provisioned instances of name:version. */
static void apply_pc(store_txn_t *t, const char *name, const char *version, unsigned n)
{
    lambda_fn_t *fn = lambda__fn_get(name, n > 0);
    if (!fn) return;
    lambda_pool_t *pool = lambda__pool_get(fn, version, n > 0);
    if (!pool) return;
    if (!pool->conf && n > 0) {
        json_t *rec = lambda__get_fn_version(t, name, version, NULL);
        if (!rec) return;
        const char *sha = json_string_value(json_object_get(json_object_get(rec, "code"), "sha"));
        pool->conf = lambda__conf_from_cfg(json_object_get(rec, "cfg"), sha ? sha : "none");
        json_decref(rec);
    }
    lambda__pool_set_provisioned(pool, n);
}

static unsigned live_pc(const char *name, const char *version)
{
    lambda_fn_t *fn = lambda__fn_get(name, 0);
    lambda_pool_t *pool = fn ? lambda__pool_get(fn, version, 0) : NULL;
    unsigned n = 0;
    if (pool)
        for (lambda_inst_t *i = pool->insts; i; i = i->next)
            if (i->provisioned && (i->state == INST_IDLE || i->state == INST_BUSY || i->state == INST_POST)) n++;
    return n;
}

void lambda__op_put_pc(nb_req_t *req)
{
    char name[LAMBDA_NAME_MAX + 1], qual[130];
    json_t *v = need_count(req, "ProvisionedConcurrentExecutions", "provisionedConcurrentExecutions", 1);
    if (!v) return;
    store_txn_t *t;
    json_t *rec = load(req, 1, &t, name, qual);
    if (!rec) return;
    if (!*qual || strcmp(qual, "$LATEST") == 0) {
        json_decref(rec);
        store_abort(t);
        lambda__err(req, LAMBDA_ERR_INVALID_PARAM, "Provisioned Concurrency Configs cannot be applied to unpublished function versions.");
        return;
    }
    char *ver = NULL;
    if (need_version(req, t, rec, name, qual, &ver)) return;
    json_t *res = json_object_get(rec, "reserved");
    unsigned n = (unsigned)json_integer_value(v);
    if (res && n > (unsigned)json_integer_value(res)) {
        free(ver);
        json_decref(rec);
        store_abort(t);
        lambda__err(req, LAMBDA_ERR_INVALID_PARAM, "Requested Provisioned Concurrency should not be greater than the "
                    "reservedConcurrentExecution for function");
        return;
    }
    char ts[40];
    nb_iso8601_lambda(nb_wall_ms(), ts, sizeof ts);
    json_t *pcs = json_object_get(rec, "pc");
    if (!pcs) { pcs = json_object(); json_object_set_new(rec, "pc", pcs); }
    json_t *pc = json_pack("{s:i,s:s,s:s}", "n", (int)n, "at", ts, "ver", ver);
    json_object_set_new(pcs, qual, pc);
    if (save(req, t, name, rec)) { free(ver); json_decref(rec); return; }
    apply_pc(t, name, ver, n);
    json_t *out = pc_doc(pc, live_pc(name, ver));
    free(ver);
    json_decref(rec);
    lambda__commit_reply(req, t, 202, out);
}

void lambda__op_get_pc(nb_req_t *req)
{
    char name[LAMBDA_NAME_MAX + 1], qual[130];
    store_txn_t *t;
    json_t *rec = load(req, 0, &t, name, qual);
    if (!rec) return;
    store_abort(t);
    json_t *pc = json_object_get(json_object_get(rec, "pc"), qual);
    if (!pc) {
        json_decref(rec);
        lambda__err(req, LAMBDA_ERR_PC_NOT_FOUND, "No Provisioned Concurrency Config found for this function");
        return;
    }
    json_t *out = pc_doc(pc, live_pc(name, json_string_value(json_object_get(pc, "ver"))));
    json_decref(rec);
    nb_reply_json(req, 200, out);
}

void lambda__op_delete_pc(nb_req_t *req)
{
    char name[LAMBDA_NAME_MAX + 1], qual[130];
    store_txn_t *t;
    json_t *rec = load(req, 1, &t, name, qual);
    if (!rec) return;
    json_t *pc = json_object_get(json_object_get(rec, "pc"), qual);
    if (pc) {
        char *ver = nb_xstrdup(json_string_value(json_object_get(pc, "ver")));
        json_object_del(json_object_get(rec, "pc"), qual);
        apply_pc(t, name, ver, 0);
        free(ver);
    }
    if (save(req, t, name, rec)) { json_decref(rec); return; }
    json_decref(rec);
    lambda__commit_reply(req, t, 204, NULL);
}

/* Restart provisioned instances recorded before a restart. */
static int resume_pc_one(void *arg, const void *k, size_t kl, const void *v, size_t vl)
{
    store_txn_t *t = arg;
    json_t *rec = json_loadb(v, vl, 0, NULL);
    const char *q;
    json_t *pc;
    char name[LAMBDA_NAME_MAX + 1];
    snprintf(name, sizeof name, "%.*s", (int)kl, (const char *)k);
    json_object_foreach(json_object_get(rec, "pc"), q, pc)
        apply_pc(t, name, json_string_value(json_object_get(pc, "ver")),
                 (unsigned)json_integer_value(json_object_get(pc, "n")));
    json_t *res = json_object_get(rec, "reserved");
    if (res) lambda__svc.reserved_sum += (unsigned)json_integer_value(res);
    json_decref(rec);
    return 0;
}

void lambda__settings_resume(void)
{
    store_txn_t *t = NULL;
    if (store_begin(lambda__svc.ctx->store, STORE_READ, &t) != STORE_OK) return;
    store_scan(t, LAMBDA_KS_FN, NULL, 0, NULL, 0, 0, resume_pc_one, t);
    store_abort(t);
}

/* --- event invoke config ------------------------------------------------------------------ */

/* Each destination given is an ARN of a kind Lambda delivers to (SQS, SNS,
 * Lambda, EventBridge); "" (or no Destination) is none. 0, or -1 after
 * answering InvalidParameterValueException. */
static int check_dest(nb_req_t *req, json_t *dc)
{
    const char *which[] = {"OnSuccess", "OnFailure"};
    for (int i = 0; i < 2; i++) {
        json_t *d = json_object_get(json_object_get(dc, which[i]), "Destination");
        const char *arn = json_string_value(d);
        if (d && (!arn || (*arn && !lambda__dest_kind(arn)))) {
            lambda__err(req, LAMBDA_ERR_INVALID_PARAM, "The destination ARN %s is invalid.", arn ? arn : "");
            return -1;
        }
    }
    return 0;
}

/* Every destination is delivered to with the execution role of the version
 * the configuration is for (qual: "" for $LATEST), so that role must be
 * allowed the destination's action on it (else any caller able to configure
 * its own function could have nimbus invoke functions, send to queues...
 * that the role may not). AWS refuses such a configuration with
 * InvalidParameterValueException. 1 after replying so, else 0. */
static int dest_denied(nb_req_t *req, store_txn_t *t, json_t *rec, const char *name, const char *qual, json_t *dc)
{
    const char *which[] = {"OnSuccess", "OnFailure"};
    if (req->ctx->cfg->auth_open) return 0;   /* nothing is enforced (delivery is not checked either) */
    json_t *ver = *qual ? lambda__get_fn_version(t, name, qual, NULL) : NULL;
    const char *role = json_string_value(json_object_get(json_object_get(ver ? ver : rec, "cfg"), "Role"));
    int denied = 0;
    for (int i = 0; i < 2 && !denied; i++) {
        const char *arn = json_string_value(json_object_get(json_object_get(dc, which[i]), "Destination"));
        const lambda_dest_kind_t *k = arn && *arn ? lambda__dest_kind(arn) : NULL;
        if (!k || lambda__role_may_deliver(req->ctx, t, role, k, arn)) continue;
        lambda__err(req, LAMBDA_ERR_INVALID_PARAM,
                    "The function execution role does not have permissions to call %s on %s", k->verb, arn);
        denied = 1;
    }
    json_decref(ver);
    return denied;
}

static void eic_common(nb_req_t *req, int replace)
{
    char name[LAMBDA_NAME_MAX + 1], qual[130];
    json_t *b = req->json;
    json_t *mra = json_object_get(b, "MaximumRetryAttempts");
    json_t *age = json_object_get(b, "MaximumEventAgeInSeconds");
    if (mra && (!json_is_integer(mra) || json_integer_value(mra) < 0 || json_integer_value(mra) > 2)) {
        lambda__err(req, LAMBDA_ERR_VALIDATION, "1 validation error detected: Value at 'maximumRetryAttempts' failed to "
                    "satisfy constraint: Member must have value less than or equal to 2");
        return;
    }
    if (age && (!json_is_integer(age) || json_integer_value(age) < 60 || json_integer_value(age) > 21600)) {
        lambda__err(req, LAMBDA_ERR_VALIDATION, "1 validation error detected: Value at 'maximumEventAgeInSeconds' failed "
                    "to satisfy constraint: Member must have value between 60 and 21600");
        return;
    }
    json_t *dc = json_object_get(b, "DestinationConfig");
    if (dc && check_dest(req, dc)) return;
    store_txn_t *t;
    json_t *rec = load(req, 1, &t, name, qual);
    if (!rec) return;
    if (dc && dest_denied(req, t, rec, name, qual, dc)) {
        store_abort(t);
        json_decref(rec);
        return;
    }
    const char *key = *qual ? qual : "$LATEST";
    json_t *all = json_object_get(rec, "eic");
    if (!all) { all = json_object(); json_object_set_new(rec, "eic", all); }
    json_t *cur = json_object_get(all, key);
    json_t *e = replace || !cur ? json_object() : json_deep_copy(cur);
    char *arn = lambda__fn_arn(name, key);
    json_object_set_new(e, "FunctionArn", json_string(arn));
    free(arn);
    json_object_set_new(e, "LastModified", json_real((double)nb_wall_ms() / 1000.0));
    if (mra) json_object_set(e, "MaximumRetryAttempts", mra);
    else if (replace) json_object_set_new(e, "MaximumRetryAttempts", json_integer(2));
    if (age) json_object_set(e, "MaximumEventAgeInSeconds", age);
    else if (replace) json_object_set_new(e, "MaximumEventAgeInSeconds", json_integer(21600));
    if (dc) json_object_set(e, "DestinationConfig", dc);
    else if (replace || !json_object_get(e, "DestinationConfig"))
        json_object_set_new(e, "DestinationConfig", json_pack("{s:{},s:{}}", "OnSuccess", "OnFailure"));
    json_object_set(all, key, e);
    if (save(req, t, name, rec)) { json_decref(e); json_decref(rec); return; }
    json_decref(rec);
    lambda__commit_reply(req, t, 200, e);
}

void lambda__op_put_eic(nb_req_t *req) { eic_common(req, 1); }
void lambda__op_update_eic(nb_req_t *req) { eic_common(req, 0); }

void lambda__op_get_eic(nb_req_t *req)
{
    char name[LAMBDA_NAME_MAX + 1], qual[130];
    store_txn_t *t;
    json_t *rec = load(req, 0, &t, name, qual);
    if (!rec) return;
    store_abort(t);
    json_t *e = json_object_get(json_object_get(rec, "eic"), *qual ? qual : "$LATEST");
    if (!e) {
        char *arn = lambda__fn_arn(name, *qual ? qual : "$LATEST");
        lambda__err(req, LAMBDA_ERR_NOT_FOUND, "The function %s doesn't have an EventInvokeConfig", arn);
        free(arn);
        json_decref(rec);
        return;
    }
    json_incref(e);
    json_decref(rec);
    nb_reply_json(req, 200, e);
}

void lambda__op_delete_eic(nb_req_t *req)
{
    char name[LAMBDA_NAME_MAX + 1], qual[130];
    store_txn_t *t;
    json_t *rec = load(req, 1, &t, name, qual);
    if (!rec) return;
    json_object_del(json_object_get(rec, "eic"), *qual ? qual : "$LATEST");
    if (save(req, t, name, rec)) { json_decref(rec); return; }
    json_decref(rec);
    lambda__commit_reply(req, t, 204, NULL);
}

/* --- resource policy --------------------------------------------------------------------- */

/* One array holds the statements of the function's policies: each statement's
 * Resource is the ARN AddPermission was given — the unqualified function's, or
 * a version's or alias's (Qualifier) — so the central evaluator applies it to
 * requests naming exactly that ARN, as AWS keeps one policy per qualifier.
 * GetPolicy, RemovePermission and a statement id's uniqueness are per
 * qualifier likewise. */
static int stmt_on(json_t *st, const char *arn)
{
    const char *r = json_string_value(json_object_get(st, "Resource"));
    return r && strcmp(r, arn) == 0;
}

int lambda__policy_forget(json_t *rec, const char *name, const char *qual)
{
    json_t *pol = json_object_get(rec, "policy");
    char *arn = lambda__fn_arn(name, qual);
    int changed = 0;
    for (size_t i = json_array_size(pol); i-- > 0;) {
        if (stmt_on(json_array_get(pol, i), arn)) {
            json_array_remove(pol, i);
            changed = 1;
        }
    }
    free(arn);
    return changed;
}

void lambda__op_add_permission(nb_req_t *req)
{
    char name[LAMBDA_NAME_MAX + 1], qual[130];
    json_t *b = req->json;
    const char *sid = json_string_value(json_object_get(b, "StatementId"));
    const char *action = json_string_value(json_object_get(b, "Action"));
    const char *principal = json_string_value(json_object_get(b, "Principal"));
    if (!sid || !action || !principal) {
        lambda__err(req, LAMBDA_ERR_VALIDATION, "1 validation error detected: StatementId, Action and Principal are required");
        return;
    }
    store_txn_t *t;
    json_t *rec = load(req, 1, &t, name, qual);
    if (!rec) return;
    if (strcmp(qual, "$LATEST") == 0) {
        json_decref(rec);
        store_abort(t);
        lambda__err(req, LAMBDA_ERR_INVALID_PARAM, "We currently do not support adding policies for $LATEST.");
        return;
    }
    if (*qual && need_version(req, t, rec, name, qual, NULL)) return;
    char *arn = lambda__fn_arn(name, qual);
    json_t *pol = json_object_get(rec, "policy");
    if (!pol) { pol = json_array(); json_object_set_new(rec, "policy", pol); }
    size_t i;
    json_t *s;
    json_array_foreach(pol, i, s) {
        if (stmt_on(s, arn) && strcmp(json_string_value(json_object_get(s, "Sid")), sid) == 0) {
            free(arn);
            json_decref(rec);
            store_abort(t);
            lambda__err(req, LAMBDA_ERR_CONFLICT, "The statement id (%s) provided already exists. Please provide a new "
                        "statement id, or remove the existing statement.", sid);
            return;
        }
    }
    json_t *pr = strchr(principal, '.') ? json_pack("{s:s}", "Service", principal)
               : strcmp(principal, "*") == 0 ? json_string("*") : json_pack("{s:s}", "AWS", principal);
    json_t *st = json_pack("{s:s,s:s,s:o,s:s,s:s}", "Sid", sid, "Effect", "Allow", "Principal", pr, "Action", action,
                           "Resource", arn);
    free(arn);
    json_t *cond = json_object();
    const char *sa = json_string_value(json_object_get(b, "SourceArn"));
    const char *so = json_string_value(json_object_get(b, "SourceAccount"));
    if (sa) json_object_set_new(cond, "ArnLike", json_pack("{s:s}", "AWS:SourceArn", sa));
    if (so) json_object_set_new(cond, "StringEquals", json_pack("{s:s}", "AWS:SourceAccount", so));
    if (json_object_size(cond)) json_object_set_new(st, "Condition", cond);
    else json_decref(cond);
    json_array_append(pol, st);
    if (save(req, t, name, rec)) { json_decref(st); json_decref(rec); return; }
    json_decref(rec);
    char *s_txt = json_dumps(st, JSON_COMPACT);
    json_decref(st);
    json_t *out = json_pack("{s:s}", "Statement", s_txt);
    free(s_txt);
    lambda__commit_reply(req, t, 201, out);
}

void lambda__op_remove_permission(nb_req_t *req)
{
    char name[LAMBDA_NAME_MAX + 1], qual[130];
    const char *sid = nb_req_param(req, "StatementId");
    store_txn_t *t;
    json_t *rec = load(req, 1, &t, name, qual);
    if (!rec) return;
    char *arn = lambda__fn_arn(name, qual);
    json_t *pol = json_object_get(rec, "policy");
    size_t i;
    json_t *s;
    int found = 0;
    json_array_foreach(pol, i, s) {
        if (sid && stmt_on(s, arn) && strcmp(json_string_value(json_object_get(s, "Sid")), sid) == 0) {
            json_array_remove(pol, i);
            found = 1;
            break;
        }
    }
    free(arn);
    if (!found) {
        json_decref(rec);
        store_abort(t);
        lambda__err(req, LAMBDA_ERR_NOT_FOUND, "Statement %s is not found in resource policy.", sid ? sid : "");
        return;
    }
    if (save(req, t, name, rec)) { json_decref(rec); return; }
    json_decref(rec);
    lambda__commit_reply(req, t, 204, NULL);
}

void lambda__op_get_policy(nb_req_t *req)
{
    char name[LAMBDA_NAME_MAX + 1], qual[130];
    store_txn_t *t;
    json_t *rec = load(req, 0, &t, name, qual);
    if (!rec) return;
    store_abort(t);
    char *arn = lambda__fn_arn(name, qual);
    json_t *pol = json_array();
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(rec, "policy"), i, s) {
        if (stmt_on(s, arn)) json_array_append(pol, s);
    }
    free(arn);
    if (!json_array_size(pol)) {
        json_decref(pol);
        json_decref(rec);
        lambda__err(req, LAMBDA_ERR_NOT_FOUND, "The resource you requested does not exist.");
        return;
    }
    json_t *doc = json_pack("{s:s,s:s,s:o}", "Version", "2012-10-17", "Id", "default", "Statement", pol);
    char *txt = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    json_t *out = json_pack("{s:s,s:O}", "Policy", txt, "RevisionId",
                            json_object_get(json_object_get(rec, "cfg"), "RevisionId"));
    free(txt);
    json_decref(rec);
    nb_reply_json(req, 200, out);
}

json_t *lambda_resource_policy(nb_ctx_t *ctx, const char *function_name_or_arn)
{
    char name[LAMBDA_NAME_MAX + 1], qual[130];
    store_txn_t *t = NULL;
    if (!function_name_or_arn || lambda__parse_fn(function_name_or_arn, name, qual) != 0 ||
        store_begin(ctx->store, STORE_READ, &t) != STORE_OK)
        return NULL;
    json_t *rec = lambda__get_fn(t, name);
    store_abort(t);
    json_t *pol = json_object_get(rec, "policy");
    json_t *doc = pol && json_array_size(pol)
                      ? json_pack("{s:s,s:s,s:O}", "Version", "2012-10-17", "Id", "default", "Statement", pol)
                      : NULL;
    json_decref(rec);
    return doc;
}

/* --- tags ---------------------------------------------------------------------------------- */

/* Tag operations name the function by ARN in {ARN}. */
static json_t *load_by_arn(nb_req_t *req, int write, store_txn_t **tp, char name[LAMBDA_NAME_MAX + 1])
{
    char qual[130];
    const char *arn = nb_req_param(req, "ARN");
    if (!arn || lambda__parse_fn(arn, name, qual) != 0) {
        lambda__err(req, LAMBDA_ERR_INVALID_PARAM, "Invalid ARN: %s", arn ? arn : "");
        return NULL;
    }
    store_txn_t *t = lambda__begin(req, write);
    if (!t) return NULL;
    json_t *rec = lambda__get_fn(t, name);
    if (!rec) {
        store_abort(t);
        lambda__err_not_found_fn(req, name, NULL);
        return NULL;
    }
    *tp = t;
    return rec;
}

void lambda__op_tag(nb_req_t *req)
{
    char name[LAMBDA_NAME_MAX + 1];
    json_t *tags = json_object_get(req->json, "Tags");
    if (!json_is_object(tags)) {
        lambda__err(req, LAMBDA_ERR_INVALID_PARAM, "Tags must be a map");
        return;
    }
    store_txn_t *t;
    json_t *rec = load_by_arn(req, 1, &t, name);
    if (!rec) return;
    json_t *cur = json_object_get(rec, "tags");
    if (!cur) { cur = json_object(); json_object_set_new(rec, "tags", cur); }
    json_object_update(cur, tags);
    if (save(req, t, name, rec)) { json_decref(rec); return; }
    json_decref(rec);
    lambda__commit_reply(req, t, 204, NULL);
}

void lambda__op_untag(nb_req_t *req)
{
    char name[LAMBDA_NAME_MAX + 1];
    store_txn_t *t;
    json_t *rec = load_by_arn(req, 1, &t, name);
    if (!rec) return;
    json_t *cur = json_object_get(rec, "tags");
    for (size_t i = 0; i < req->n_qparams; i++)
        if (strcmp(req->qparams[i].name, "tagKeys") == 0) json_object_del(cur, req->qparams[i].value);
    if (save(req, t, name, rec)) { json_decref(rec); return; }
    json_decref(rec);
    lambda__commit_reply(req, t, 204, NULL);
}

void lambda__op_list_tags(nb_req_t *req)
{
    char name[LAMBDA_NAME_MAX + 1];
    store_txn_t *t;
    json_t *rec = load_by_arn(req, 0, &t, name);
    if (!rec) return;
    store_abort(t);
    json_t *tags = json_object_get(rec, "tags");
    json_t *out = json_pack("{s:O}", "Tags", tags ? tags : json_object());
    if (!tags) json_decref(json_object_get(out, "Tags"));
    json_decref(rec);
    nb_reply_json(req, 200, out);
}

/* --- account --------------------------------------------------------------------------------- */

typedef struct acct { json_int_t count, size; } acct_t;

static int acct_one(void *arg, const void *k, size_t kl, const void *v, size_t vl)
{
    (void)k; (void)kl;
    acct_t *a = arg;
    json_t *rec = json_loadb(v, vl, 0, NULL);
    a->count++;
    a->size += json_integer_value(json_object_get(json_object_get(rec, "code"), "size"));
    json_decref(rec);
    return 0;
}

void lambda__op_get_account_settings(nb_req_t *req)
{
    store_txn_t *t = lambda__begin(req, 0);
    if (!t) return;
    acct_t a = {0, 0};
    store_scan(t, LAMBDA_KS_FN, NULL, 0, NULL, 0, 0, acct_one, &a);
    store_abort(t);
    unsigned unres = lambda__svc.account_limit > lambda__svc.reserved_sum
                         ? lambda__svc.account_limit - lambda__svc.reserved_sum : 0;
    json_t *out = json_pack("{s:{s:I,s:I,s:I,s:i,s:i},s:{s:I,s:I}}",
                            "AccountLimit", "TotalCodeSize", (json_int_t)80530636800LL,
                            "CodeSizeUnzipped", (json_int_t)LAMBDA_UNZIPPED_MAX, "CodeSizeZipped",
                            (json_int_t)LAMBDA_ZIP_MAX, "ConcurrentExecutions", (int)lambda__svc.account_limit,
                            "UnreservedConcurrentExecutions", (int)unres,
                            "AccountUsage", "TotalCodeSize", a.size, "FunctionCount", a.count);
    nb_reply_json(req, 200, out);
}
