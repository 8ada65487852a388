/* edge.c — request → (service, operation) → handler. See edge.h for the order
 * of identification. Routing is table-driven: each service's nb_op_t table is
 * searched; there are no per-service branches here. */
#include "core/edge.h"
#include "core/call.h"
#include "core/http_parse.h"
#include "core/http_server.h"
#include "core/json_fast.h"
#include "core/reply.h"
#include "core/util.h"
#include "core/log.h"
#include "core/alloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>
#include "apigw/apigw.h"
#include "auth/enforce.h"
#include <string.h>
#include <strings.h>

/* The protocols of AWS services not (yet) served, so that their requests get
 * a well-formed error in the shape their SDK expects. */
static const struct { const char *name; nb_proto_t proto; } known_protocols[] = {
    {"dynamodb", NB_PROTO_JSON10}, {"lambda", NB_PROTO_REST_JSON}, {"apigateway", NB_PROTO_REST_JSON},
    {"execute-api", NB_PROTO_REST_JSON}, {"s3", NB_PROTO_REST_XML}, {"sns", NB_PROTO_QUERY},
    {"sqs", NB_PROTO_QUERY}, {"sts", NB_PROTO_QUERY}, {"iam", NB_PROTO_QUERY},
    {"monitoring", NB_PROTO_QUERY}, {"logs", NB_PROTO_JSON11}, {"events", NB_PROTO_JSON11},
    {"kinesis", NB_PROTO_JSON11}, {"kms", NB_PROTO_JSON11}, {"xray", NB_PROTO_REST_JSON},
};

static nb_proto_t protocol_of(const char *service, nb_proto_t dflt)
{
    for (size_t i = 0; i < sizeof known_protocols / sizeof known_protocols[0]; i++)
        if (strcmp(known_protocols[i].name, service) == 0) return known_protocols[i].proto;
    return dflt;
}

int nb_edge_parse_form(nb_arena_t *a, const char *s, size_t n, nb_kv_t **out, size_t *nout)
{
    size_t cap = 1;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '&') cap++;
    nb_kv_t *kv = nb_arena_alloc(a, sizeof *kv * cap);
    size_t k = 0;
    nb_buf_t tmp = NB_BUF_INIT;
    const char *p = s, *end = s + n;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        if (!amp) amp = end;
        if (amp > p) {
            const char *eq = memchr(p, '=', (size_t)(amp - p));
            const char *ke = eq ? eq : amp;
            nb_buf_clear(&tmp);
            if (nb_url_decode(&tmp, p, (size_t)(ke - p), 1) != 0) goto bad;
            kv[k].name = nb_arena_strndup(a, tmp.data ? tmp.data : "", tmp.len);
            nb_buf_clear(&tmp);
            if (eq && nb_url_decode(&tmp, eq + 1, (size_t)(amp - eq - 1), 1) != 0) goto bad;
            kv[k].value = nb_arena_strndup(a, tmp.data ? tmp.data : "", tmp.len);
            kv[k].value_len = tmp.len;
            k++;
        }
        p = amp + 1;
    }
    nb_buf_free(&tmp);
    *out = kv;
    *nout = k;
    return 0;
bad:
    nb_buf_free(&tmp);
    return -1;
}

const char *nb_edge_scope_service(nb_req_t *req)
{
    if (req->call) return nb_call_service(req);   /* an internal call names its service */
    const char *cred = NULL;
    const char *auth = nb_req_header(req, "authorization");
    if (auth) {
        cred = strstr(auth, "Credential=");
        if (cred) cred += 11;
    } else {
        cred = nb_req_qparam(req, "X-Amz-Credential");
    }
    if (!cred) return "";
    /* AKID/date/region/service/aws4_request */
    const char *p = cred;
    for (int i = 0; i < 3; i++) {
        p = strchr(p, '/');
        if (!p) return "";
        p++;
    }
    const char *e = p;
    while (*e && *e != '/' && *e != ',' && *e != ' ') e++;
    return nb_arena_strndup(req->arena, p, (size_t)(e - p));
}

int nb_edge_match_rest(nb_req_t *req, const char *tmpl)
{
    const char *sp = strchr(tmpl, ' ');
    if (!sp) return -1;
    size_t ml = (size_t)(sp - tmpl);
    if (strlen(req->method) != ml || memcmp(req->method, tmpl, ml) != 0) return -1;
    const char *t = sp + 1;
    const char *tq = strchr(t, '?');
    const char *tend = tq ? tq : t + strlen(t);
    const char *p = req->raw_path, *pend = p + strlen(p);
    /* a trailing slash is not significant on either side */
    if (tend - t > 1 && tend[-1] == '/') tend--;
    if (pend - p > 1 && pend[-1] == '/') pend--;

    nb_kv_t params[16];
    size_t np = 0;
    int score = 1;
    while (t < tend) {
        if (*t != '/' || p >= pend || *p != '/') return -1;
        t++, p++;
        const char *te = memchr(t, '/', (size_t)(tend - t));
        if (!te) te = tend;
        const char *pe = memchr(p, '/', (size_t)(pend - p));
        if (!pe) pe = pend;
        if (*t == '{') {
            int greedy = te - t >= 3 && te[-2] == '+';
            size_t nl = (size_t)(te - t) - (greedy ? 3 : 2);
            if (greedy) pe = pend;
            if (pe == p) return -1;   /* labels are never empty */
            if (np >= 16) return -1;
            params[np].name = nb_arena_strndup(req->arena, t + 1, nl);
            char *v = nb_url_decode_arena(req->arena, p, (size_t)(pe - p), 0);   /* NULL: a bad escape */
            if (!v) return -1;
            params[np].value = v;
            params[np].value_len = strlen(v);
            np++;
            score += greedy ? 1 : 10;
        } else {
            if (te - t != pe - p || memcmp(t, p, (size_t)(te - t)) != 0) return -1;
            score += 100 * (int)(te - t + 1);
        }
        t = te;
        p = pe;
    }
    if (p != pend) return -1;
    if (tq) {   /* required query parameters: "?a&b" or "?a=v" */
        const char *q = tq + 1;
        while (*q) {
            const char *qe = strchr(q, '&');
            if (!qe) qe = q + strlen(q);
            const char *eq = memchr(q, '=', (size_t)(qe - q));
            char *name = nb_arena_strndup(req->arena, q, (size_t)((eq ? eq : qe) - q));
            const char *have = nb_req_qparam(req, name);
            if (!have) return -1;
            if (eq && (strlen(have) != (size_t)(qe - eq - 1) || memcmp(have, eq + 1, (size_t)(qe - eq - 1)) != 0))
                return -1;
            score += 1000;
            q = *qe ? qe + 1 : qe;
        }
    }
    req->params = nb_arena_alloc(req->arena, sizeof *params * (np ? np : 1));
    if (np) memcpy(req->params, params, sizeof *params * np);
    req->n_params = np;
    return score;
}

/* Best REST operation of svc for req, or NULL. Leaves req->params of the winner. */
static const nb_op_t *match_rest_op(nb_req_t *req, const nb_service_t *svc)
{
    const nb_op_t *best = NULL;
    int best_score = -1;
    for (size_t i = 0; i < svc->n_ops; i++) {
        if (!svc->ops[i].http) continue;
        int s = nb_edge_match_rest(req, svc->ops[i].http);
        if (s > best_score) {
            best_score = s;
            best = &svc->ops[i];
        }
    }
    if (best) nb_edge_match_rest(req, best->http);   /* re-fill its params */
    return best;
}

static int has_prefix(const char *path, const char *const *prefixes)
{
    if (!prefixes) return 0;
    for (size_t i = 0; prefixes[i]; i++) {
        const char *pf = prefixes[i];
        /* most prefixes differ from the path in their first two bytes ("/2015-…" against
         * DynamoDB's "/"): no strlen, no strncmp for those (the same answer) */
        if (pf[0] && (pf[0] != path[0] || (pf[1] && pf[1] != path[1]))) continue;
        size_t n = strlen(pf);
        if (strncmp(path, pf, n) == 0 && (path[n] == 0 || path[n] == '/' || path[n] == '?'))
            return 1;
    }
    return 0;
}

size_t nb_edge_body_limit(const nb_hmsg_t *m)
{
    /* an API's own traffic ({id}.execute-api.* hosts) is never a service's upload */
    for (size_t i = 0; i < m->n_headers; i++)
        if (m->headers[i].name[0] == 'h' && strcmp(m->headers[i].name, "host") == 0 &&
            strstr(m->headers[i].value, ".execute-api."))
            return 0;
    for (size_t i = 0; nb_services[i]; i++) {
        const nb_service_t *s = nb_services[i];
        if (s->max_body && has_prefix(m->target, s->path_prefixes)) return s->max_body;
    }
    return 0;
}

/* A body over its operation's limit (only possible under a service that
 * raised the edge's): AWS's RequestEntityTooLargeException. */
static nb_err_t check_body_size(nb_req_t *req, const char **msg)
{
    if (!req->svc->max_body && !req->body_dropped) return NB_OK;
    size_t lim = NB_HTTP_MAX_BODY_DEFAULT;
    for (const char *const *o = req->svc->large_body_ops; o && *o; o++)
        if (strcmp(*o, req->op->name) == 0) lim = req->svc->max_body;
    if (!req->body_dropped && req->body_len <= lim) return NB_OK;
    *msg = nb_arena_printf(req->arena, "Request must be smaller than %zu bytes for the %s operation", lim,
                           req->op->name);
    return NB_ERR_REQUEST_TOO_LARGE;
}

static int is_form(const nb_req_t *req)
{
    const char *ct = nb_req_header(req, "content-type");
    return ct && strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0;
}

static nb_err_t route_target(nb_req_t *req, const char *target, const char **msg)
{
    const char *dot = strrchr(target, '.');
    size_t pl = dot ? (size_t)(dot - target) : 0;
    const char *opname = dot ? dot + 1 : target;
    const char *ct = nb_req_header(req, "content-type");
    nb_reply_set_fallback_proto(req, ct && strstr(ct, "1.1") ? NB_PROTO_JSON11 : NB_PROTO_JSON10);
    for (size_t i = 0; nb_services[i]; i++) {
        const nb_service_t *s = nb_services[i];
        if ((s->proto != NB_PROTO_JSON10 && s->proto != NB_PROTO_JSON11) || !s->target_prefix) continue;
        if (strlen(s->target_prefix) != pl || memcmp(s->target_prefix, target, pl) != 0) continue;
        req->svc = s;
        req->op = nb_service_op(s, opname);
        if (!req->op) {
            *msg = nb_arena_printf(req->arena, "The action or operation requested is invalid. Verify that the action is typed correctly.");
            return NB_ERR_UNKNOWN_OPERATION;
        }
        return NB_OK;
    }
    *msg = "The action or operation requested is invalid. Verify that the action is typed correctly.";
    return NB_ERR_UNKNOWN_OPERATION;
}

static nb_err_t route_query(nb_req_t *req, const char *scope, const char **msg)
{
    const char *action = nb_req_form(req, "Action");
    nb_reply_set_fallback_proto(req, NB_PROTO_QUERY);
    const nb_service_t *fallback_svc = NULL;
    for (size_t i = 0; nb_services[i]; i++) {
        const nb_service_t *s = nb_services[i];
        if (s->proto != NB_PROTO_QUERY) continue;
        if (*scope && strcmp(s->name, scope) != 0) continue;
        if (!fallback_svc) fallback_svc = s;
        const nb_op_t *op = nb_service_op(s, action);
        if (op) {
            req->svc = s;
            req->op = op;
            return NB_OK;
        }
    }
    if (fallback_svc && *scope) req->svc = fallback_svc;
    *msg = nb_arena_printf(req->arena, "The action %s is not valid for this web service.", action);
    return NB_ERR_INVALID_ACTION;
}

static nb_err_t route_rest(nb_req_t *req, const char *scope, const char **msg)
{
    const nb_service_t *cands[32];
    size_t nc = 0;
    for (size_t i = 0; nb_services[i] && nc < 32; i++) {
        const nb_service_t *s = nb_services[i];
        if (s->proto != NB_PROTO_REST_JSON && s->proto != NB_PROTO_REST_XML) continue;
        if (*scope ? strcmp(s->name, scope) == 0 : has_prefix(req->path, s->path_prefixes)) cands[nc++] = s;
    }
    if (!nc && !*scope) {   /* unsigned and no prefix: path-style S3 is the catch-all */
        const nb_service_t *s3 = nb_service_by_name("s3");
        if (s3) cands[nc++] = s3;
    }
    for (size_t i = 0; i < nc; i++) {
        const nb_op_t *op = match_rest_op(req, cands[i]);
        if (op) {
            req->svc = cands[i];
            req->op = op;
            return NB_OK;
        }
    }
    if (nc == 1) req->svc = cands[0];
    else nb_reply_set_fallback_proto(req, protocol_of(scope, NB_PROTO_REST_JSON));
    if (req->svc && req->svc->proto == NB_PROTO_REST_XML) {
        *msg = "The specified method is not allowed against this resource.";
        return NB_ERR_METHOD_NOT_ALLOWED;
    }
    *msg = nb_arena_printf(req->arena, "The requested operation %s %s is not supported.", req->method, req->path);
    return NB_ERR_NOT_FOUND_ROUTE;
}

static int wants_json(const nb_req_t *req)
{
    nb_proto_t p = req->svc->proto;
    return p == NB_PROTO_JSON10 || p == NB_PROTO_JSON11 ||
           (p == NB_PROTO_REST_JSON && !(req->op->flags & NB_OP_RAW_BODY));
}

/* Parse a JSON body (borrowed) into an object. Touches nothing else, so it
 * may run on a worker thread. NULL with the reason in why (why[0] == 0: not
 * an object). */
static json_t *parse_json_body(const char *body, size_t len, char why[JSON_ERROR_TEXT_LENGTH])
{
    if (len == 0) return json_object();
    json_error_t jerr;
    json_t *j = nb_json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
    if (!j) {
        snprintf(why, JSON_ERROR_TEXT_LENGTH, "%s", jerr.text);
        return NULL;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        why[0] = 0;
        return NULL;
    }
    return j;
}

static nb_err_t json_body_error(nb_req_t *req, const char *why, const char **msg)
{
    *msg = why[0] ? nb_arena_printf(req->arena, "Malformed JSON: %s", why) : "Start of list found where not expected";
    return NB_ERR_SERIALIZATION;
}

/* Decode the body the way the matched protocol carries its input. */
static nb_err_t decode_body(nb_req_t *req, const char **msg)
{
    if (!wants_json(req)) return NB_OK;
    char why[JSON_ERROR_TEXT_LENGTH];
    req->json = parse_json_body(req->body, req->body_len, why);
    return req->json ? NB_OK : json_body_error(req, why, msg);
}

/* Identification without decoding (nb_edge_route is this + decode_body). */
static nb_err_t route_only(nb_req_t *req, const char **msg);

nb_err_t nb_edge_route(nb_req_t *req, const char **msg)
{
    nb_err_t err = route_only(req, msg);
    return err != NB_OK ? err : decode_body(req, msg);
}

static nb_err_t route_only(nb_req_t *req, const char **msg)
{
    if (req->query && *req->query &&
        nb_edge_parse_form(req->arena, req->query, strlen(req->query), &req->qparams, &req->n_qparams) != 0) {
        *msg = "The query string is malformed.";
        nb_reply_set_fallback_proto(req, NB_PROTO_REST_JSON);
        return NB_ERR_MALFORMED_QUERY_STRING;
    }
    if (strncmp(req->path, "/_nimbus/", 9) == 0) {
        /* nimbus's own endpoints, never an internal call's to another service (an API Gateway
         * integration's path/ URI naming dynamodb stays with dynamodb) */
        const char *named = nb_call_service(req);
        req->svc = named && strcmp(named, "nimbus") != 0 ? NULL : nb_service_by_name("nimbus");
        req->op = req->svc ? match_rest_op(req, req->svc) : NULL;
        if (!req->op) {
            *msg = "No such nimbus endpoint.";
            return NB_ERR_NOT_FOUND_ROUTE;
        }
        return NB_OK;
    }
    const char *scope = nb_edge_scope_service(req);
    nb_err_t err;
    const char *target = nb_req_header(req, "x-amz-target");
    if (target) {
        err = route_target(req, target, msg);
    } else if ((strcmp(req->method, "POST") == 0 && is_form(req)) || nb_req_qparam(req, "Action")) {
        if (is_form(req)) {
            nb_kv_t *f;
            size_t nf;
            if (nb_edge_parse_form(req->arena, req->body, req->body_len, &f, &nf) != 0) {
                nb_reply_set_fallback_proto(req, NB_PROTO_QUERY);
                *msg = "The request body is not valid form-urlencoded data.";
                return NB_ERR_MALFORMED_QUERY_STRING;
            }
            /* body fields first, then the query string's */
            req->form = nb_arena_alloc(req->arena, sizeof *f * (nf + req->n_qparams + 1));
            if (nf) memcpy(req->form, f, sizeof *f * nf);
            if (req->n_qparams) memcpy(req->form + nf, req->qparams, sizeof *f * req->n_qparams);
            req->n_form = nf + req->n_qparams;
        } else {
            req->form = req->qparams;
            req->n_form = req->n_qparams;
        }
        if (!nb_req_form(req, "Action")) {
            nb_reply_set_fallback_proto(req, NB_PROTO_QUERY);
            *msg = "Missing Action";
            return NB_ERR_MISSING_PARAMETER;
        }
        err = route_query(req, scope, msg);
    } else {
        err = route_rest(req, scope, msg);
    }
    if (err != NB_OK) return err;
    return check_body_size(req, msg);
}

static void expand_field(nb_req_t *req, nb_buf_t *out, const char *name, size_t n)
{
    char *key = nb_arena_strndup(req->arena, name, n);
    const char *v = NULL;
    if (strcmp(key, "region") == 0) v = req->ctx->cfg->region;
    else if (strcmp(key, "account") == 0) v = req->ctx->cfg->account;
    if (!v) v = nb_req_param(req, key);
    if (!v && req->json) {
        json_t *j = json_object_get(req->json, key);
        if (json_is_string(j)) v = json_string_value(j);
    }
    if (!v) v = nb_req_form(req, key);
    if (!v) v = nb_req_qparam(req, key);
    nb_buf_puts(out, v ? v : "*");
}

const char *nb_edge_resource_arn(nb_req_t *req)
{
    if (!req->op) return "*";
    nb_buf_t b = NB_BUF_INIT;
    const char *r = "*";
    if (req->op->resource_fn) {
        if (req->op->resource_fn(req, &b) == 0) r = nb_arena_strndup(req->arena, b.data, b.len);
    } else if (req->op->resource) {
        for (const char *t = req->op->resource; *t; t++) {
            const char *close = *t == '{' ? strchr(t, '}') : NULL;
            if (close) {
                expand_field(req, &b, t + 1, (size_t)(close - t - 1));
                t = close;
            } else {
                nb_buf_putc(&b, *t);
            }
        }
        r = nb_arena_strndup(req->arena, b.data ? b.data : "*", b.len);
    }
    nb_buf_free(&b);
    return r;
}

/* A JSON body this large is parsed on libuv's thread pool, not on the loop:
 * jansson reads ~16 MB/s here, so Lambda's 67 MB code uploads would stall
 * every other request for seconds. One such parse at a time (the FIFO below),
 * so the pool keeps threads for the store's fsyncs. */
#define ASYNC_DECODE_MIN (1u << 20)

typedef struct decode_job {
    uv_work_t work;
    nb_req_t *req;
    json_t *json;
    char why[JSON_ERROR_TEXT_LENGTH];
    struct decode_job *next;
} decode_job_t;

static decode_job_t *dq_head, *dq_tail;
static int decoding;

static void run_op(nb_req_t *req)
{
    if (!(req->op->flags & NB_OP_NO_AUTH) && auth_enforce(req) != 0) return;   /* it replied */
    req->op->handler(req);
}

static void decode_work(uv_work_t *w)
{
    decode_job_t *j = w->data;
    j->json = parse_json_body(j->req->body, j->req->body_len, j->why);
}

static void decode_next(uv_loop_t *loop);

static void decode_done(uv_work_t *w, int status)
{
    decode_job_t *j = w->data;
    nb_req_t *req = j->req;
    uv_loop_t *loop = w->loop;
    decoding = 0;
    if (status != 0) snprintf(j->why, sizeof j->why, "%s", "the request could not be decoded");
    if (j->json) {
        req->json = j->json;
        run_op(req);
    } else {
        const char *msg = "";
        nb_reply_error(req, json_body_error(req, j->why, &msg), "%s", msg);
    }
    free(j);
    decode_next(loop);
}

static void decode_next(uv_loop_t *loop)
{
    while (!decoding && dq_head) {
        decode_job_t *j = dq_head;
        dq_head = j->next;
        if (!dq_tail || dq_tail == j) dq_tail = dq_head;
        decoding = 1;
        if (uv_queue_work(loop, &j->work, decode_work, decode_done) != 0) {
            decoding = 0;
            decode_work(&j->work);     /* no pool: parse here rather than fail */
            j->work.loop = loop;
            decode_done(&j->work, 0);
            return;
        }
    }
}

void nb_edge_dispatch(nb_req_t *req, void *data)
{
    (void)data;
    /* API Gateway invocations ({id}.execute-api.* hosts, /_aws/execute-api/)
     * are the APIs' own HTTP, not AWS protocol requests. */
    if (apigw_data_plane(req)) return;
    nb_edge_serve(req);
}

void nb_edge_serve(nb_req_t *req)
{
    const char *msg = "";
    nb_err_t err = route_only(req, &msg);
    if (err == NB_OK && wants_json(req) && req->body_len >= ASYNC_DECODE_MIN) {
        decode_job_t *j = nb_xcalloc(1, sizeof *j);
        j->work.data = j;
        j->req = req;
        if (dq_tail) dq_tail->next = j;
        else dq_head = j;
        dq_tail = j;
        decode_next(req->ctx->loop);
        return;
    }
    if (err == NB_OK) err = decode_body(req, &msg);
    if (err != NB_OK) {
        nb_reply_error(req, err, "%s", msg);
        return;
    }
    run_op(req);
}
