/* versions.c — PublishVersion, ListVersionsByFunction and aliases
 * (CreateAlias, GetAlias, UpdateAlias, DeleteAlias, ListAliases).
 *
 * A version is an immutable copy of $LATEST's configuration (and code
 * reference) under lambda.ver NAME\0%010u. Publishing when $LATEST has not
 * changed since the last published version returns that version, as Lambda
 * does. Alias routing (weighted RoutingConfig) is recorded; invocations go to
 * FunctionVersion. */
#include "lambda/lambda_int.h"
#include "core/alloc.h"
#include "core/util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *lambda__publish(store_txn_t *t, const char *name, json_t *rec, const char *description)
{
    json_t *cfg = json_object_get(rec, "cfg");
    const char *rev = json_string_value(json_object_get(cfg, "RevisionId"));
    json_t *last = json_object_get(rec, "last_pub");
    if (last && rev && strcmp(json_string_value(json_object_get(last, "rev")) ? json_string_value(json_object_get(last, "rev")) : "", rev) == 0) {
        nb_buf_t k = NB_BUF_INIT;
        lambda__ver_key(&k, name, (unsigned)json_integer_value(json_object_get(last, "ver")));
        json_t *vrec = lambda__get_json(t, LAMBDA_KS_VER, k.data, k.len);
        nb_buf_free(&k);
        if (vrec) {
            json_t *out = json_deep_copy(json_object_get(vrec, "cfg"));
            json_decref(vrec);
            return out;
        }
    }
    unsigned ver = (unsigned)json_integer_value(json_object_get(rec, "next_ver"));
    if (!ver) ver = 1;
    char vs[16];
    snprintf(vs, sizeof vs, "%u", ver);
    json_t *vcfg = json_deep_copy(cfg);
    char *arn = lambda__fn_arn(name, vs);
    json_object_set_new(vcfg, "FunctionArn", json_string(arn));
    free(arn);
    json_object_set_new(vcfg, "Version", json_string(vs));
    if (description) json_object_set_new(vcfg, "Description", json_string(description));
    lambda__touch(vcfg);
    json_t *vrec = json_pack("{s:O,s:O}", "cfg", vcfg, "code", json_object_get(rec, "code"));
    nb_buf_t k = NB_BUF_INIT;
    lambda__ver_key(&k, name, ver);
    lambda__put_json(t, LAMBDA_KS_VER, k.data, k.len, vrec);
    nb_buf_free(&k);
    json_decref(vrec);
    json_object_set_new(rec, "next_ver", json_integer(ver + 1));
    json_object_set_new(rec, "last_pub", json_pack("{s:s,s:i}", "rev", rev ? rev : "", "ver", (int)ver));
    return vcfg;
}

void lambda__op_publish_version(nb_req_t *req)
{
    char name[LAMBDA_NAME_MAX + 1], qual[130];
    if (lambda__req_fn(req, name, qual)) return;
    store_txn_t *t = lambda__begin(req, 1);
    if (!t) return;
    json_t *rec = lambda__get_fn(t, name);
    if (!rec) {
        store_abort(t);
        lambda__err_not_found_fn(req, name, NULL);
        return;
    }
    json_t *cfg = json_object_get(rec, "cfg");
    const char *want = json_string_value(json_object_get(req->json, "RevisionId"));
    const char *have = json_string_value(json_object_get(cfg, "RevisionId"));
    const char *sha = json_string_value(json_object_get(req->json, "CodeSha256"));
    if (want && have && strcmp(want, have) != 0) {
        json_decref(rec);
        store_abort(t);
        lambda__err(req, LAMBDA_ERR_PRECONDITION, "The Revision Id provided does not match the latest Revision Id. "
                    "Call the GetFunction/GetAlias API to retrieve the latest Revision Id");
        return;
    }
    if (sha && strcmp(sha, json_string_value(json_object_get(cfg, "CodeSha256"))) != 0) {
        json_decref(rec);
        store_abort(t);
        lambda__err(req, LAMBDA_ERR_INVALID_PARAM, "CodeSHA256 (%s) is different from current CodeSHA256 in $LATEST (%s). "
                    "Please try again with the CodeSHA256 in $LATEST.", sha,
                    json_string_value(json_object_get(cfg, "CodeSha256")));
        return;
    }
    json_t *out = lambda__publish(t, name, rec, json_string_value(json_object_get(req->json, "Description")));
    lambda__put_json(t, LAMBDA_KS_FN, name, strlen(name), rec);
    json_decref(rec);
    lambda__commit_reply(req, t, 201, out);
}

typedef struct page {
    json_t *items;
    long max;
    const char *marker;
    char next[160];
    int past_marker;
} page_t;

static int parse_page(nb_req_t *req, page_t *p)
{
    memset(p, 0, sizeof *p);
    p->items = json_array();
    p->max = 50;
    const char *m = nb_req_qparam(req, "MaxItems");
    if (m) {
        char *end;
        p->max = strtol(m, &end, 10);
        if (*end || p->max < 1 || p->max > 10000) {
            json_decref(p->items);
            lambda__err(req, LAMBDA_ERR_VALIDATION, "1 validation error detected: Value '%s' at 'maxItems' failed to "
                        "satisfy constraint: Member must have value between 1 and 10000", m);
            return -1;
        }
    }
    p->marker = nb_req_qparam(req, "Marker");
    if (p->marker && !*p->marker) p->marker = NULL;
    p->past_marker = p->marker == NULL;
    return 0;
}

/* Add item with marker id to the page; 1 once full. */
static int page_add(page_t *p, const char *id, json_t *item)
{
    if (!p->past_marker) {
        if (!id || strcmp(id, p->marker) != 0) {
            json_decref(item);
            return 0;
        }
        p->past_marker = 1;   /* NextMarker names the first item of the next page */
    }
    if ((long)json_array_size(p->items) >= p->max) {
        snprintf(p->next, sizeof p->next, "%s", id);
        json_decref(item);
        return 1;
    }
    json_array_append_new(p->items, item);
    return 0;
}

static int list_versions_one(void *arg, const void *k, size_t kl, const void *v, size_t vl)
{
    (void)k; (void)kl;
    json_t *rec = json_loadb(v, vl, 0, NULL);
    if (!rec) return 0;
    json_t *cfg = json_incref(json_object_get(rec, "cfg"));
    json_decref(rec);
    return page_add(arg, json_string_value(json_object_get(cfg, "Version")), cfg);
}

void lambda__op_list_versions(nb_req_t *req)
{
    char name[LAMBDA_NAME_MAX + 1], qual[130];
    if (lambda__req_fn(req, name, qual)) return;
    page_t p;
    if (parse_page(req, &p)) return;
    store_txn_t *t = lambda__begin(req, 0);
    if (!t) { json_decref(p.items); return; }
    json_t *rec = lambda__get_fn(t, name);
    if (!rec) {
        store_abort(t);
        json_decref(p.items);
        lambda__err_not_found_fn(req, name, NULL);
        return;
    }
    page_add(&p, "$LATEST", json_incref(json_object_get(rec, "cfg")));
    json_decref(rec);
    nb_buf_t lo = NB_BUF_INIT, hi = NB_BUF_INIT;
    nb_buf_puts(&lo, name); nb_buf_putc(&lo, 0);
    nb_buf_puts(&hi, name); nb_buf_putc(&hi, 1);
    store_scan(t, LAMBDA_KS_VER, lo.data, lo.len, hi.data, hi.len, 0, list_versions_one, &p);
    nb_buf_free(&lo); nb_buf_free(&hi);
    store_abort(t);
    json_t *out = json_pack("{s:o}", "Versions", p.items);
    if (p.next[0]) json_object_set_new(out, "NextMarker", json_string(p.next));
    nb_reply_json(req, 200, out);
}

/* --- aliases ------------------------------------------------------------------------------- */

static int version_exists(store_txn_t *t, const char *name, const char *ver)
{
    if (strcmp(ver, "$LATEST") == 0) return 1;
    if (!lambda__is_version(ver)) return 0;
    nb_buf_t k = NB_BUF_INIT;
    lambda__ver_key(&k, name, (unsigned)strtoul(ver, NULL, 10));
    const void *v;
    size_t vl;
    int ok = store_get(t, LAMBDA_KS_VER, k.data, k.len, &v, &vl) == STORE_OK;
    nb_buf_free(&k);
    return ok;
}

static int check_alias_fields(nb_req_t *req, store_txn_t *t, const char *name, json_t *alias)
{
    json_t *b = req->json;
    json_t *v;
    if ((v = json_object_get(b, "FunctionVersion"))) {
        const char *ver = json_string_value(v);
        if (!ver || !version_exists(t, name, ver)) {
            char *arn = lambda__fn_arn(name, ver ? ver : "");
            lambda__err(req, LAMBDA_ERR_NOT_FOUND, "Function not found: %s", arn);
            free(arn);
            return -1;
        }
        json_object_set(alias, "FunctionVersion", v);
    }
    if ((v = json_object_get(b, "Description"))) json_object_set(alias, "Description", v);
    if ((v = json_object_get(b, "RoutingConfig"))) {
        json_t *w = json_object_get(v, "AdditionalVersionWeights");
        const char *k;
        json_t *x;
        json_object_foreach(w, k, x) {
            double d = json_number_value(x);
            if (!json_is_number(x) || d < 0 || d > 1 || !version_exists(t, name, k)) {
                lambda__err(req, LAMBDA_ERR_INVALID_PARAM, "Invalid RoutingConfig: version %s weight must be in [0.0, 1.0] "
                            "and the version must exist", k);
                return -1;
            }
        }
        json_object_set(alias, "RoutingConfig", v);
    }
    char rev[37];
    nb_uuid4(rev);
    json_object_set_new(alias, "RevisionId", json_string(rev));
    return 0;
}

static int alias_name_ok(nb_req_t *req, const char *a)
{
    if (!a || !lambda__valid_qualifier(a) || lambda__is_version(a)) {
        lambda__err(req, LAMBDA_ERR_VALIDATION, "1 validation error detected: Value '%s' at 'name' failed to satisfy "
                    "constraint: Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)", a ? a : "null");
        return 0;
    }
    return 1;
}

void lambda__op_create_alias(nb_req_t *req)
{
    char name[LAMBDA_NAME_MAX + 1], qual[130];
    if (lambda__req_fn(req, name, qual)) return;
    const char *alias_name = json_string_value(json_object_get(req->json, "Name"));
    if (!alias_name_ok(req, alias_name)) return;
    if (!json_object_get(req->json, "FunctionVersion")) {
        lambda__err(req, LAMBDA_ERR_VALIDATION, "1 validation error detected: Value null at 'functionVersion' failed to "
                    "satisfy constraint: Member must not be null");
        return;
    }
    store_txn_t *t = lambda__begin(req, 1);
    if (!t) return;
    json_t *rec = lambda__get_fn(t, name);
    if (!rec) {
        store_abort(t);
        lambda__err_not_found_fn(req, name, NULL);
        return;
    }
    json_decref(rec);
    nb_buf_t k = NB_BUF_INIT;
    lambda__pair_key(&k, name, alias_name);
    json_t *old = lambda__get_json(t, LAMBDA_KS_ALIAS, k.data, k.len);
    if (old) {
        json_decref(old);
        nb_buf_free(&k);
        store_abort(t);
        char *arn = lambda__fn_arn(name, alias_name);
        lambda__err(req, LAMBDA_ERR_CONFLICT, "Alias already exists: %s", arn);
        free(arn);
        return;
    }
    char *arn = lambda__fn_arn(name, alias_name);
    json_t *alias = json_pack("{s:s,s:s,s:s}", "AliasArn", arn, "Name", alias_name, "Description", "");
    free(arn);
    if (check_alias_fields(req, t, name, alias) != 0) {
        json_decref(alias);
        nb_buf_free(&k);
        store_abort(t);
        return;
    }
    lambda__put_json(t, LAMBDA_KS_ALIAS, k.data, k.len, alias);
    nb_buf_free(&k);
    lambda__commit_reply(req, t, 201, alias);
}

static json_t *load_alias(nb_req_t *req, store_txn_t *t, const char *name, nb_buf_t *k)
{
    const char *alias_name = nb_req_param(req, "Name");
    lambda__pair_key(k, name, alias_name ? alias_name : "");
    json_t *a = lambda__get_json(t, LAMBDA_KS_ALIAS, k->data, k->len);
    if (!a) {
        char *arn = lambda__fn_arn(name, alias_name);
        lambda__err(req, LAMBDA_ERR_NOT_FOUND, "Alias not found: %s", arn);
        free(arn);
    }
    return a;
}

void lambda__op_get_alias(nb_req_t *req)
{
    char name[LAMBDA_NAME_MAX + 1], qual[130];
    if (lambda__req_fn(req, name, qual)) return;
    store_txn_t *t = lambda__begin(req, 0);
    if (!t) return;
    nb_buf_t k = NB_BUF_INIT;
    json_t *a = load_alias(req, t, name, &k);
    store_abort(t);
    nb_buf_free(&k);
    if (a) nb_reply_json(req, 200, a);
}

void lambda__op_update_alias(nb_req_t *req)
{
    char name[LAMBDA_NAME_MAX + 1], qual[130];
    if (lambda__req_fn(req, name, qual)) return;
    store_txn_t *t = lambda__begin(req, 1);
    if (!t) return;
    nb_buf_t k = NB_BUF_INIT;
    json_t *a = load_alias(req, t, name, &k);
    if (!a) { store_abort(t); nb_buf_free(&k); return; }
    const char *want = json_string_value(json_object_get(req->json, "RevisionId"));
    const char *have = json_string_value(json_object_get(a, "RevisionId"));
    if (want && have && strcmp(want, have) != 0) {
        json_decref(a);
        store_abort(t);
        nb_buf_free(&k);
        lambda__err(req, LAMBDA_ERR_PRECONDITION, "The Revision Id provided does not match the latest Revision Id. "
                    "Call the GetFunction/GetAlias API to retrieve the latest Revision Id");
        return;
    }
    if (check_alias_fields(req, t, name, a) != 0) {
        json_decref(a);
        store_abort(t);
        nb_buf_free(&k);
        return;
    }
    lambda__put_json(t, LAMBDA_KS_ALIAS, k.data, k.len, a);
    nb_buf_free(&k);
    lambda__commit_reply(req, t, 200, a);
}

void lambda__op_delete_alias(nb_req_t *req)
{
    char name[LAMBDA_NAME_MAX + 1], qual[130];
    if (lambda__req_fn(req, name, qual)) return;
    store_txn_t *t = lambda__begin(req, 1);
    if (!t) return;
    nb_buf_t k = NB_BUF_INIT;
    const char *alias_name = nb_req_param(req, "Name");
    lambda__pair_key(&k, name, alias_name ? alias_name : "");
    store_del(t, LAMBDA_KS_ALIAS, k.data, k.len);   /* deleting a missing alias succeeds, as on Lambda */
    nb_buf_free(&k);
    /* its resource policy goes with it */
    json_t *rec = alias_name && lambda__valid_qualifier(alias_name) ? lambda__get_fn(t, name) : NULL;
    if (rec && lambda__policy_forget(rec, name, alias_name) &&
        lambda__put_json(t, LAMBDA_KS_FN, name, strlen(name), rec) != STORE_OK) {
        json_decref(rec);
        store_abort(t);
        lambda__err(req, LAMBDA_ERR_SERVICE, "storage failure");
        return;
    }
    json_decref(rec);
    lambda__commit_reply(req, t, 204, NULL);
}

static int list_alias_one(void *arg, const void *k, size_t kl, const void *v, size_t vl)
{
    (void)k; (void)kl;
    page_t *p = arg;
    json_t *a = json_loadb(v, vl, 0, NULL);
    if (!a) return 0;
    return page_add(p, json_string_value(json_object_get(a, "Name")), a);
}

void lambda__op_list_aliases(nb_req_t *req)
{
    char name[LAMBDA_NAME_MAX + 1], qual[130];
    if (lambda__req_fn(req, name, qual)) return;
    page_t p;
    if (parse_page(req, &p)) return;
    store_txn_t *t = lambda__begin(req, 0);
    if (!t) { json_decref(p.items); return; }
    json_t *rec = lambda__get_fn(t, name);
    if (!rec) {
        store_abort(t);
        json_decref(p.items);
        lambda__err_not_found_fn(req, name, NULL);
        return;
    }
    json_decref(rec);
    nb_buf_t lo = NB_BUF_INIT, hi = NB_BUF_INIT;
    nb_buf_puts(&lo, name); nb_buf_putc(&lo, 0);
    nb_buf_puts(&hi, name); nb_buf_putc(&hi, 1);
    store_scan(t, LAMBDA_KS_ALIAS, lo.data, lo.len, hi.data, hi.len, 0, list_alias_one, &p);
    nb_buf_free(&lo); nb_buf_free(&hi);
    store_abort(t);
    const char *fv = nb_req_qparam(req, "FunctionVersion");
    if (fv && *fv) {
        json_t *filtered = json_array();
        size_t i;
        json_t *a;
        json_array_foreach(p.items, i, a)
            if (strcmp(json_string_value(json_object_get(a, "FunctionVersion")), fv) == 0)
                json_array_append(filtered, a);
        json_decref(p.items);
        p.items = filtered;
    }
    json_t *out = json_pack("{s:o}", "Aliases", p.items);
    if (p.next[0]) json_object_set_new(out, "NextMarker", json_string(p.next));
    nb_reply_json(req, 200, out);
}
