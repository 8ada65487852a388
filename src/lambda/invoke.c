/* invoke.c — Invoke (RequestResponse, Event, DryRun) over HTTP and the C API
 * lambda_invoke(); resolving a function name and qualifier to the pool of the
 * version that runs; the invocation object's life. */
#include "lambda/lambda_int.h"
#include "core/alloc.h"
#include "core/json_fast.h"
#include "core/log.h"
#include "core/startup.h"
#include "core/util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

lambda_inv_t *lambda__inv_new(const char *fn_name, const char *version, const char *invoked_arn,
                              const void *payload, size_t len)
{
    lambda_inv_t *inv = nb_xcalloc(1, sizeof *inv);
    nb_uuid4(inv->id);
    inv->fn_name = nb_xstrdup(fn_name ? fn_name : "");
    inv->version = nb_xstrdup(version ? version : "$LATEST");
    inv->invoked_arn = nb_xstrdup(invoked_arn ? invoked_arn : "");
    if (len == 0) { payload = "{}"; len = 2; }
    inv->payload = nb_xmalloc(len + 1);
    memcpy(inv->payload, payload, len);
    inv->payload[len] = 0;
    inv->len = len;
    inv->submit_us = nb_now_us();
    return inv;
}

void lambda__inv_free(lambda_inv_t *inv)
{
    free(inv->fn_name);
    free(inv->version);
    free(inv->invoked_arn);
    free(inv->payload);
    free(inv->client_context);
    nb_buf_free(&inv->log);
    free(inv);
}

void lambda__inv_finish(lambda_inv_t *inv, nb_err_t err, const char *errmsg, const char *reason,
                        const char *payload, size_t len, const char *function_error)
{
    const char *tail = "";
    if (inv->log.len > LAMBDA_TAIL_MAX) tail = inv->log.data + inv->log.len - LAMBDA_TAIL_MAX;
    else if (inv->log.len) tail = inv->log.data;
    lambda_result_t r = {
        .error = err, .error_message = errmsg ? errmsg : "", .throttle_reason = reason,
        .payload = payload ? payload : "", .payload_len = payload ? len : 0,
        .function_error = function_error, .executed_version = inv->version,
        .log_tail = tail, .request_id = inv->id,
    };
    if (inv->cb) inv->cb(inv->arg, &r);
    lambda__inv_free(inv);
}

static void fail(lambda_inv_t *inv, nb_err_t err, const char *msg)
{
    lambda__inv_finish(inv, err, msg, NULL, NULL, 0, NULL);
}

/* Load pool->conf from the store record of fn:version. 0, or -1 (not found). */
static int load_conf(lambda_pool_t *pool, store_txn_t *t)
{
    json_t *rec = lambda__get_fn_version(t, pool->fn->name, pool->version, NULL);
    if (!rec) return -1;
    const char *sha = json_string_value(json_object_get(json_object_get(rec, "code"), "sha"));
    pool->conf = lambda__conf_from_cfg(json_object_get(rec, "cfg"), sha ? sha : "none");
    json_decref(rec);
    return 0;
}

/* name's runtime state, its reserved concurrency taken from fnrec (borrowed)
 * unless instances are counted against the one it has. */
static lambda_fn_t *fn_from_record(const char *name, const json_t *fnrec)
{
    lambda_fn_t *fn = lambda__fn_get(name, 1);
    json_t *res = json_object_get(fnrec, "reserved");
    if (!fn->busy) fn->reserved = res ? (int)json_integer_value(res) : -1;
    return fn;
}

void lambda__prewarm(const char *name)
{
    store_txn_t *t = NULL;
    if (!lambda__svc.started || !lambda__svc.proactive ||
        store_begin(lambda__svc.ctx->store, STORE_READ, &t) != STORE_OK) return;
    json_t *fnrec = lambda__get_fn(t, name);
    lambda_pool_t *pool = NULL;
    if (fnrec) {
        pool = lambda__pool_get(fn_from_record(name, fnrec), "$LATEST", 1);
        if (!pool->conf && load_conf(pool, t) != 0) pool = NULL;
        json_decref(fnrec);
    }
    store_abort(t);
    if (pool) lambda__pool_prewarm(pool);
}

/* An alias with RoutingConfig.AdditionalVersionWeights sends that share of its
 * invocations to the other versions. Returns the version picked (caller frees),
 * or NULL to use the qualifier as it is. */
static const char *route_alias(store_txn_t *t, const char *name, const char *qual)
{
    if (!*qual || lambda__is_version(qual)) return NULL;
    nb_buf_t k = NB_BUF_INIT;
    lambda__pair_key(&k, name, qual);
    json_t *alias = lambda__get_json(t, LAMBDA_KS_ALIAS, k.data, k.len);
    nb_buf_free(&k);
    json_t *w = json_object_get(json_object_get(alias, "RoutingConfig"), "AdditionalVersionWeights");
    const char *picked = NULL;
    if (json_object_size(w)) {
        uint32_t r;
        nb_random_bytes(&r, sizeof r);
        double x = (double)r / 4294967296.0, acc = 0;
        const char *v;
        json_t *weight;
        json_object_foreach(w, v, weight) {
            acc += json_number_value(weight);
            if (x < acc) { picked = nb_xstrdup(v); break; }
        }
    }
    json_decref(alias);
    return picked;
}

void lambda__invoke_internal(nb_ctx_t *ctx, lambda_inv_t *inv, const char *name, const char *qual)
{
    const char *version = *qual ? qual : "$LATEST";
    lambda_fn_t *fn = lambda__fn_get(name, 0);
    lambda_pool_t *pool = NULL;
    /* Warm path: a known version whose configuration is cached needs no store read. */
    if (fn && lambda__is_version(version)) {
        pool = lambda__pool_get(fn, version, 0);
        if (pool && !pool->conf) pool = NULL;
    }
    if (!pool) {
        store_txn_t *t = NULL;
        if (store_begin(ctx->store, STORE_READ, &t) != STORE_OK) {
            fail(inv, LAMBDA_ERR_SERVICE, "storage unavailable");
            return;
        }
        json_t *fnrec = lambda__get_fn(t, name);
        char *ver = NULL;
        const char *routed = fnrec ? route_alias(t, name, qual) : NULL;
        json_t *rec = fnrec ? lambda__get_fn_version(t, name, routed ? routed : qual, &ver) : NULL;
        free((char *)routed);
        if (!rec) {
            store_abort(t);
            json_decref(fnrec);
            char *arn = lambda__fn_arn(name, qual);
            char msg[400];
            snprintf(msg, sizeof msg, "Function not found: %s", arn);
            free(arn);
            fail(inv, LAMBDA_ERR_NOT_FOUND, msg);
            return;
        }
        json_decref(rec);
        fn = fn_from_record(name, fnrec);
        json_decref(fnrec);
        pool = lambda__pool_get(fn, ver, 1);
        free(ver);
        if (!pool->conf && load_conf(pool, t) != 0) {
            store_abort(t);
            fail(inv, LAMBDA_ERR_NOT_FOUND, "Function version not found");
            return;
        }
        store_abort(t);
    }
    free(inv->version);
    inv->version = nb_xstrdup(pool->version);
    free(inv->fn_name);
    inv->fn_name = nb_xstrdup(name);
    free(inv->invoked_arn);
    /* unqualified: the pool's configuration has that ARN built already */
    inv->invoked_arn = *qual || !pool->conf->fn_arn ? lambda__fn_arn(name, qual) : nb_xstrdup(pool->conf->fn_arn);
    lambda__pool_submit(pool, inv);
}

int lambda_invoke(nb_ctx_t *ctx, const char *function_name_or_arn, const char *qualifier,
                  const void *payload, size_t len, lambda_invoke_cb cb, void *arg)
{
    char name[LAMBDA_NAME_MAX + 1], qual[130];
    lambda_inv_t *inv = lambda__inv_new(NULL, NULL, NULL, payload, len);
    inv->cb = cb;
    inv->arg = arg;
    if (!lambda__svc.started) {
        fail(inv, LAMBDA_ERR_SERVICE, "Lambda is not running");
        return 0;
    }
    if (lambda__parse_fn(function_name_or_arn, name, qual) != 0) {
        fail(inv, LAMBDA_ERR_NOT_FOUND, "Function not found");
        return 0;
    }
    if (qualifier && *qualifier) snprintf(qual, sizeof qual, "%s", qualifier);
    if (len > LAMBDA_SYNC_PAYLOAD_MAX) {
        fail(inv, LAMBDA_ERR_TOO_LARGE, "Request must be smaller than 6291456 bytes for the InvokeFunction operation");
        return 0;
    }
    lambda__invoke_internal(ctx, inv, name, qual);
    return 0;
}

nb_err_t lambda_invoke_event(nb_ctx_t *ctx, const char *function_name_or_arn, const char *qualifier,
                             const void *payload, size_t len)
{
    char name[LAMBDA_NAME_MAX + 1], qual[130];
    if (!lambda__svc.started) return LAMBDA_ERR_SERVICE;
    if (lambda__parse_fn(function_name_or_arn, name, qual) != 0) return LAMBDA_ERR_NOT_FOUND;
    if (qualifier && *qualifier) snprintf(qual, sizeof qual, "%s", qualifier);
    if (len > LAMBDA_ASYNC_PAYLOAD_MAX) return LAMBDA_ERR_TOO_LARGE;
    store_txn_t *t = NULL;
    if (store_begin(ctx->store, STORE_READ, &t) != STORE_OK) return LAMBDA_ERR_SERVICE;
    json_t *rec = lambda__get_fn_version(t, name, qual, NULL);
    store_abort(t);
    if (!rec) return LAMBDA_ERR_NOT_FOUND;
    json_decref(rec);
    return lambda__async_enqueue_internal(name, qual, payload, len) == 0 ? NB_OK : LAMBDA_ERR_SERVICE;
}

/* --- the Invoke operation ------------------------------------------------------------------ */

static void on_invoked(void *arg, const lambda_result_t *r)
{
    nb_startup_mark("lambda: invoke answered");
    nb_req_t *req = arg;
    if (r->error != NB_OK) {
        if (r->throttle_reason)
            nb_reply_error_extra(req, r->error, json_pack("{s:s,s:s}", "Type", "User", "Reason", r->throttle_reason),
                                 "%s", r->error_message);
        else
            lambda__err(req, r->error, "%s", r->error_message);
        return;
    }
    nb_resp_header(req, "X-Amz-Executed-Version", r->executed_version);
    if (r->function_error) nb_resp_header(req, "X-Amz-Function-Error", r->function_error);
    if (nb_req_header(req, "X-Amz-Log-Type") && strcmp(nb_req_header(req, "X-Amz-Log-Type"), "Tail") == 0) {
        nb_buf_t b = NB_BUF_INIT;
        nb_base64_encode(&b, r->log_tail, strlen(r->log_tail));
        nb_resp_header(req, "X-Amz-Log-Result", b.data ? b.data : "");
        nb_buf_free(&b);
    }
    nb_reply(req, 200, "application/json", r->payload, r->payload_len);
}

/* The payload parsed as Lambda checks it (any JSON value), or NULL with
 * jansson's error in *e. The usual payload, an object or an array, goes to the
 * edge's fast parser (nb_json_loadb: jansson's verdict, ~4x faster on a small
 * event); for a body starting with '{' or '[' JSON_DECODE_ANY changes
 * nothing. Anything else, and the exact error text of a bad payload, is
 * jansson's. */
static json_t *payload_json(const char *body, size_t len, json_error_t *e)
{
    size_t i = 0;
    while (i < len && (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r')) i++;
    if (i < len && (body[i] == '{' || body[i] == '[')) {
        json_t *j = nb_json_loadb(body, len, JSON_ALLOW_NUL, NULL);
        if (j) return j;
    }
    return json_loadb(body, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, e);
}

void lambda__op_invoke(nb_req_t *req)
{
    nb_startup_mark("lambda: invoke request in");
    char name[LAMBDA_NAME_MAX + 1], qual[130];
    if (lambda__req_fn(req, name, qual)) return;
    const char *type = nb_req_header(req, "X-Amz-Invocation-Type");
    if (!type || !*type) type = "RequestResponse";
    int event = strcmp(type, "Event") == 0, dry = strcmp(type, "DryRun") == 0;
    if (!event && !dry && strcmp(type, "RequestResponse") != 0) {
        lambda__err(req, LAMBDA_ERR_VALIDATION,
                    "1 validation error detected: Value '%s' at 'invocationType' failed to satisfy constraint: "
                    "Member must satisfy enum value set: [Event, RequestResponse, DryRun]", type);
        return;
    }
    const char *logtype = nb_req_header(req, "X-Amz-Log-Type");
    if (logtype && strcmp(logtype, "Tail") != 0 && strcmp(logtype, "None") != 0) {
        lambda__err(req, LAMBDA_ERR_VALIDATION,
                    "1 validation error detected: Value '%s' at 'logType' failed to satisfy constraint: "
                    "Member must satisfy enum value set: [None, Tail]", logtype);
        return;
    }
    size_t max = event ? LAMBDA_ASYNC_PAYLOAD_MAX : LAMBDA_SYNC_PAYLOAD_MAX;
    if (req->body_len > max) {
        lambda__err(req, LAMBDA_ERR_TOO_LARGE, "Request must be smaller than %zu bytes for the InvokeFunction operation", max);
        return;
    }
    if (req->body_len) {
        json_error_t e;
        json_t *j = payload_json(req->body, req->body_len, &e);
        if (!j) {
            lambda__err(req, LAMBDA_ERR_INVALID_CONTENT,
                        "Could not parse request body into json: Could not parse payload into json: %s: at line %d column %d",
                        e.text, e.line, e.column);
            return;
        }
        json_decref(j);
    }
    if (dry || event) {
        store_txn_t *t = lambda__begin(req, 0);
        if (!t) return;
        json_t *rec = lambda__get_fn_version(t, name, qual, NULL);
        store_abort(t);
        if (!rec) {
            lambda__err_not_found_fn(req, name, qual);
            return;
        }
        json_decref(rec);
        if (dry) {
            nb_reply(req, 204, NULL, "", 0);
            return;
        }
        lambda__async_enqueue(req, name, qual, req->body, req->body_len);
        return;
    }
    lambda_inv_t *inv = lambda__inv_new(name, NULL, NULL, req->body, req->body_len);
    /* One id for the whole invocation, as on Lambda: the x-amzn-RequestId of
     * this response is the id the function sees (Lambda-Runtime-Aws-Request-Id)
     * and the one of its START/END/REPORT lines. */
    snprintf(inv->id, sizeof inv->id, "%.36s", req->id);
    inv->want_tail = logtype && strcmp(logtype, "Tail") == 0;
    const char *cc = nb_req_header(req, "X-Amz-Client-Context");
    if (cc && *cc) {
        nb_buf_t b = NB_BUF_INIT;
        if (nb_base64_decode(&b, cc, strlen(cc)) != 0) {
            nb_buf_free(&b);
            lambda__inv_free(inv);
            lambda__err(req, LAMBDA_ERR_INVALID_PARAM, "Client context must be a valid Base64-encoded JSON object.");
            return;
        }
        inv->client_context = nb_buf_take(&b, NULL);
    }
    inv->cb = on_invoked;
    inv->arg = req;
    lambda__invoke_internal(req->ctx, inv, name, qual);
}
