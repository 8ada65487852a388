/* ddb_req.c — shared handler plumbing (see ddb_req.h). */
#include "dynamodb/ddb_req.h"
#include "core/alloc.h"
#include "core/crc32.h"
#include "core/log.h"
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *ddb_jstr(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

void ddb_v_add(ddb_vlist_t *v, const char *value_repr, const char *path, const char *constraint)
{
    if (v->n++) nb_buf_puts(&v->msgs, "; ");
    /* an empty value_repr: a value DynamoDB does not echo ("Value at 'statement' ...") */
    nb_buf_printf(&v->msgs, "Value %s%sat '%s' failed to satisfy constraint: %s",
                  value_repr, *value_repr ? " " : "", path, constraint);
}

static void quoted(nb_buf_t *b, const char *s)
{
    nb_buf_printf(b, "'%s'", s);
}

void ddb_v_length(ddb_vlist_t *v, const char *s, size_t n, const char *path, size_t min, size_t max)
{
    if (n >= min && n <= max) return;
    nb_buf_t q = NB_BUF_INIT, c = NB_BUF_INIT;
    quoted(&q, s);
    if (n < min) nb_buf_printf(&c, "Member must have length greater than or equal to %zu", min);
    else nb_buf_printf(&c, "Member must have length less than or equal to %zu", max);
    ddb_v_add(v, q.data, path, c.data);
    nb_buf_free(&q);
    nb_buf_free(&c);
}

/* Add a violation of table-name constraint c for s (quoted in the message). */
static void v_name(ddb_vlist_t *v, const char *s, const char *path, const char *c)
{
    nb_buf_t q = NB_BUF_INIT;
    quoted(&q, s);
    ddb_v_add(v, q.data, path, c);
    nb_buf_free(&q);
}

void ddb_v_table_name(ddb_vlist_t *v, const json_t *val, const char *path, int flags)
{
    if (!val || json_is_null(val)) {
        if (flags & DDB_TN_REQUIRED) ddb_v_add(v, "null", path, "Member must not be null");
        return;
    }
    const char *s = json_string_value(val);
    if (!s) return;   /* wrong JSON type: the SerializationException check reports it */
    size_t n = strlen(s);
    /* A table ARN is accepted wherever a name is (2023 API). */
    if (strncmp(s, "arn:", 4) == 0) {
        if (n > 1024) v_name(v, s, path, "Member must have length less than or equal to 1024");
        return;
    }
    if (n == 0 && (flags & DDB_TN_ARN)) {
        v_name(v, s, path, "Member must have length greater than or equal to 1");
        return;
    }
    if (n < 3) v_name(v, s, path, "Member must have length greater than or equal to 3");
    if (n > 255) v_name(v, s, path, "Member must have length less than or equal to 255");
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-')) {
            v_name(v, s, path, "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
            break;
        }
    }
}

void ddb_v_list(ddb_vlist_t *v, const json_t *val, const char *path, size_t max)
{
    char c[64];
    size_t n = json_array_size(val);
    snprintf(c, sizeof c, "Member must have length less than or equal to %zu", max);
    if (!val) ddb_v_add(v, "null", path, "Member must not be null");
    else if (n == 0) ddb_v_add(v, "'[]'", path, "Member must have length greater than or equal to 1");
    else if (n > max) ddb_v_add(v, "'[...]'", path, c);
}

void ddb_reply_txn_canceled(nb_req_t *req, json_t *reasons)
{
    nb_buf_t m = NB_BUF_INIT;
    nb_buf_puts(&m, "Transaction cancelled, please refer cancellation reasons for specific reasons [");
    size_t i;
    json_t *r;
    json_array_foreach(reasons, i, r) nb_buf_printf(&m, "%s%s", i ? ", " : "", ddb_jstr(r, "Code"));
    nb_buf_putc(&m, ']');
    /* This shape's member is "Message" (capitalized), sent beside "message". */
    nb_reply_error_extra(req, NB_ERR_DDB_TXN_CANCELED,
                         json_pack("{s:o,s:s}", "CancellationReasons", reasons, "Message", m.data), "%s", m.data);
    nb_buf_free(&m);
}

void ddb_v_enum(ddb_vlist_t *v, const json_t *val, const char *path, const char *const *allowed)
{
    const char *s = json_string_value(val);
    if (!s) return;
    for (size_t i = 0; allowed[i]; i++)
        if (strcmp(allowed[i], s) == 0) return;
    nb_buf_t c = NB_BUF_INIT, q = NB_BUF_INIT;
    nb_buf_puts(&c, "Member must satisfy enum value set: [");
    for (size_t i = 0; allowed[i]; i++) nb_buf_printf(&c, "%s%s", i ? ", " : "", allowed[i]);
    nb_buf_putc(&c, ']');
    quoted(&q, s);
    ddb_v_add(v, q.data, path, c.data);
    nb_buf_free(&c);
    nb_buf_free(&q);
}

int ddb_v_reply(nb_req_t *req, ddb_vlist_t *v)
{
    if (!v->n) { nb_buf_free(&v->msgs); return 0; }
    nb_reply_error(req, NB_ERR_VALIDATION, "%d validation error%s detected: %s", v->n,
                   v->n == 1 ? "" : "s", v->msgs.data);
    nb_buf_free(&v->msgs);
    return 1;
}

const char *ddb_arn_table_name(nb_req_t *req, const char *arn)
{
    /* arn:aws:dynamodb:REGION:ACCOUNT:table/NAME — this daemon's region and
     * account only, nothing after NAME: an ARN of another region or account
     * (or of an index or stream) names none of our tables, else a policy
     * granting that region's tables would reach ours. */
    const nb_config_t *cfg = req->ctx->cfg;
    if (!arn || strncmp(arn, "arn:aws:dynamodb:", 17) != 0) return NULL;
    const char *p = arn + 17;
    size_t rl = strlen(cfg->region), al = strlen(cfg->account);
    if (strncmp(p, cfg->region, rl) != 0 || p[rl] != ':') return NULL;
    p += rl + 1;
    if (strncmp(p, cfg->account, al) != 0 || p[al] != ':') return NULL;
    p += al + 1;
    if (strncmp(p, "table/", 6) != 0) return NULL;
    p += 6;
    if (!*p || strchr(p, '/')) return NULL;
    return nb_arena_strdup(req->arena, p);
}

const char *ddb_table_resource(nb_req_t *req, const char *name)
{
    if (!name) return NULL;
    if (strncmp(name, "arn:", 4) == 0) {
        const char *n = ddb_arn_table_name(req, name);
        if (!n) return nb_arena_strdup(req->arena, name);
        name = n;
    }
    return nb_arena_printf(req->arena, "arn:aws:dynamodb:%s:%s:table/%s", req->ctx->cfg->region,
                           req->ctx->cfg->account, name);
}

const char *ddb_table_plain_name(nb_req_t *req, const char *name)
{
    if (name && strncmp(name, "arn:", 4) == 0) return ddb_arn_table_name(req, name);
    return name;
}

/* The table name (or table ARN) names, or NULL; *shown: the name to put in
 * a not-found message (our ARN's table name, else name as given). */
static const ddb_table_t *lookup(nb_req_t *req, const char *name, const char **shown)
{
    *shown = name;
    if (name && strncmp(name, "arn:", 4) == 0) {
        const char *n = ddb_arn_table_name(req, name);
        if (!n) return NULL;
        *shown = n;
        return ddb_table_get(n);
    }
    return ddb_table_get(name);
}

const ddb_table_t *ddb_req_table(nb_req_t *req, const char *name)
{
    const char *shown;
    const ddb_table_t *t = lookup(req, name, &shown);
    if (t && t->creating) t = NULL;   /* being restored: not ACTIVE yet */
    if (!t) nb_reply_error(req, NB_ERR_DDB_RESOURCE_NOT_FOUND, "Requested resource not found");
    return t;
}

const ddb_table_t *ddb_req_table_named(nb_req_t *req, const char *name)
{
    const char *shown;
    const ddb_table_t *t = lookup(req, name, &shown);
    if (!t)
        nb_reply_error(req, NB_ERR_DDB_RESOURCE_NOT_FOUND, "Requested resource not found: Table: %s not found",
                       shown);
    return t;
}

const ddb_table_t *ddb_req_table_tnf(nb_req_t *req, const char *name)
{
    const char *plain = ddb_table_plain_name(req, name);
    const ddb_table_t *t = plain ? ddb_table_get(plain) : NULL;
    if (!t) nb_reply_error(req, NB_ERR_DDB_TABLE_NOT_FOUND, "Table not found: %s", plain ? plain : name);
    return t;
}

int ddb_req_table_changeable(nb_req_t *req, const ddb_table_t *t)
{
    if (!t->creating) return 0;
    nb_reply_error(req, NB_ERR_DDB_RESOURCE_IN_USE,
                   "Attempt to change a resource which is still in use: Table is being created: %s", t->name);
    return -1;
}

int ddb_req_table_name_present(nb_req_t *req)
{
    const json_t *tn = json_object_get(req->json, "TableName");
    if (tn && !json_is_null(tn)) return 0;
    nb_reply_error(req, NB_ERR_VALIDATION, "The parameter 'TableName' is required but was not present in the request");
    return -1;
}

void ddb_reply_err(nb_req_t *req, ddb_err_t *e)
{
    nb_err_t code = e->code == NB_OK ? NB_ERR_VALIDATION : e->code;
    nb_reply_error(req, code, "%s", e->msg ? e->msg : "");
    ddb_err_free(e);
}

void ddb_reply_validation(nb_req_t *req, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = nb_arena_vprintf(req->arena, fmt, ap);
    va_end(ap);
    nb_reply_error(req, NB_ERR_VALIDATION, "%s", msg);
}

void ddb_reply_text(nb_req_t *req, const char *body, size_t len)
{
    char crc[16];
    nb_crc32_text(nb_crc32(0, body, len), crc);
    nb_resp_header(req, "x-amz-crc32", crc);
    nb_reply(req, 200, DDB_CONTENT_TYPE, body, len);
}

void ddb_reply_ok(nb_req_t *req, json_t *body)
{
    if (json_is_null(body)) {   /* no body at all, as TagResource and UntagResource answer */
        json_decref(body);
        ddb_reply_text(req, "", 0);
        return;
    }
    if (!body) body = json_object();
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    ddb_reply_text(req, text, strlen(text));
    free(text);
}

typedef struct pending {
    nb_req_t *req;
    json_t *body;
    nb_err_t err;
    json_t *extra;
    const char *msg;
} pending_t;

static void on_durable(void *arg, int status)
{
    pending_t *p = arg;
    if (status != STORE_OK) {
        json_decref(p->body);
        json_decref(p->extra);
        nb_reply_error(p->req, NB_ERR_DDB_INTERNAL, "Internal server error");
    } else if (p->err != NB_OK) {
        json_decref(p->body);
        nb_reply_error_extra(p->req, p->err, p->extra, "%s", p->msg);
    } else {
        ddb_reply_ok(p->req, p->body);
    }
}

static int commit(nb_req_t *req, store_txn_t *txn, pending_t *p)
{
    int rc = store_commit(txn, on_durable, p);
    if (rc != STORE_OK) {
        json_decref(p->body);
        json_decref(p->extra);
        ddb_reply_store_error(req, NULL, rc);
        return -1;
    }
    return 0;
}

int ddb_commit_reply(nb_req_t *req, store_txn_t *txn, json_t *body)
{
    pending_t *p = nb_arena_calloc(req->arena, sizeof *p);
    p->req = req;
    p->body = body ? body : json_object();
    return commit(req, txn, p);
}

int ddb_commit_reply_error(nb_req_t *req, store_txn_t *txn, nb_err_t code, json_t *extra, const char *msg)
{
    pending_t *p = nb_arena_calloc(req->arena, sizeof *p);
    p->req = req;
    p->err = code;
    p->extra = extra;
    p->msg = nb_arena_strdup(req->arena, msg);
    return commit(req, txn, p);
}

void ddb_reply_store_error(nb_req_t *req, store_txn_t *txn, int status)
{
    if (txn) store_abort(txn);
    nb_log_error("dynamodb", "store failure %d", status);
    if (status == STORE_ERR_FULL)
        nb_reply_error(req, NB_ERR_DDB_INTERNAL, "The storage is full");
    else
        nb_reply_error(req, NB_ERR_DDB_INTERNAL, "Internal server error");
}

int ddb_rcc_mode(const json_t *body)
{
    const char *m = ddb_jstr(body, "ReturnConsumedCapacity");
    if (!m) return 0;
    if (strcmp(m, "TOTAL") == 0) return 1;
    if (strcmp(m, "INDEXES") == 0) return 2;
    return 0;
}

void ddb_cap_init(ddb_cap_t *c, const char *table, int read)
{
    memset(c, 0, sizeof *c);
    c->table = table;
    c->read = read;
}

void ddb_cap_index(ddb_cap_t *c, const char *index, int local, double units)
{
    c->total += units;
    for (int i = 0; i < c->n_idx; i++) {
        if (strcmp(c->idx[i].name, index) == 0) { c->idx[i].units += units; return; }
    }
    if (c->n_idx == (int)(sizeof c->idx / sizeof c->idx[0])) return;
    c->idx[c->n_idx].name = index;
    c->idx[c->n_idx].local = local;
    c->idx[c->n_idx].units = units;
    c->n_idx++;
}

/* Arms (Table, index maps) carry the aggregate CapacityUnits alone: nubo-db/dynamodb-conformance
 * tests/tier1/putItem/indexConsumedCapacity.test.ts and getItem/consumedCapacity.test.ts. */
static json_t *units_obj(double u)
{
    return json_pack("{s:f}", "CapacityUnits", u);
}

/* The top-level entry of a transactional operation (TransactWriteItems, TransactGetItems,
 * ExecuteTransaction, and their token replays) also names its side, ReadCapacityUnits or
 * WriteCapacityUnits, equal to the total; every other operation reports the aggregate alone
 * (nubo-db/dynamodb-conformance tests/tier2/partiql/executeTransaction.test.ts and the note in
 * tests/tier1/getItem/consumedCapacity.test.ts). */
json_t *ddb_cap_json(const ddb_cap_t *c, int mode)
{
    if (!mode) return NULL;
    double total = c->total + c->table_units;
    json_t *o = json_pack("{s:s,s:f}", "TableName", c->table, "CapacityUnits", total);
    if (c->split) json_object_set_new(o, c->read ? "ReadCapacityUnits" : "WriteCapacityUnits", json_real(total));
    if (mode == 2) {
        json_t *tab = units_obj(c->table_units);
        /* a transactional Table arm names its side too (nubo-db/dynamodb-conformance
         * tier2/transactions/transactGet.test.ts: Table.ReadCapacityUnits under INDEXES) */
        if (c->split) json_object_set_new(tab, c->read ? "ReadCapacityUnits" : "WriteCapacityUnits",
                                          json_real(c->table_units));
        json_object_set_new(o, "Table", tab);
        json_t *g = NULL, *l = NULL;
        for (int i = 0; i < c->n_idx; i++) {
            json_t **dst = c->idx[i].local ? &l : &g;
            if (!*dst) *dst = json_object();
            json_object_set_new(*dst, c->idx[i].name, units_obj(c->idx[i].units));
        }
        if (g) json_object_set_new(o, "GlobalSecondaryIndexes", g);
        if (l) json_object_set_new(o, "LocalSecondaryIndexes", l);
    }
    return o;
}

double ddb_read_units(size_t bytes, int consistent)
{
    double u = ceil((double)(bytes ? bytes : 1) / 4096.0);
    return consistent ? u : u / 2;
}

double ddb_write_units(size_t bytes)
{
    return ceil((double)(bytes ? bytes : 1) / 1024.0);
}

void ddb_commit_doc(nb_req_t *req, json_t *newdoc, ddb_doc_work_fn work, ddb_doc_respond_fn respond, void *arg)
{
    store_txn_t *txn;
    ddb_table_t *nt = ddb_table_from_doc(json_incref(newdoc));
    if (!nt) {
        json_decref(newdoc);
        nb_reply_error(req, NB_ERR_DDB_INTERNAL, "Internal server error");
        return;
    }
    int rc = store_begin(req->ctx->store, STORE_WRITE, &txn);
    if (rc != STORE_OK) goto fail_nobegin;
    rc = ddb_table_store(txn, nt->name, newdoc);
    if (rc == STORE_OK && work) rc = work(txn, nt, arg);
    if (rc != STORE_OK) goto fail;
    json_t *resp = respond(req, nt, txn, arg);
    ddb_table_free(nt);
    if (ddb_commit_reply(req, txn, resp) == 0)
        ddb_catalog_install(newdoc);
    else
        json_decref(newdoc);
    return;
fail:
    ddb_table_free(nt);
    json_decref(newdoc);
    ddb_reply_store_error(req, txn, rc);
    return;
fail_nobegin:
    ddb_table_free(nt);
    json_decref(newdoc);
    ddb_reply_store_error(req, NULL, rc);
}
