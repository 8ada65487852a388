/* ddb_authz.c — what DynamoDB tells the central IAM evaluator (src/auth)
 * about a request: its condition keys, the tables a batch acts on, and a
 * table's tags. Nothing here decides anything; it only reads the request.
 *
 *   dynamodb:LeadingKeys  partition-key values the request touches: Key /
 *                         Item of GetItem, PutItem, UpdateItem, DeleteItem;
 *                         the partition key's equality value of a Query's
 *                         KeyConditionExpression (or KeyConditions), on the
 *                         index when one is named; every item of a batch's
 *                         table. S and N values as written, B as base64.
 *   dynamodb:Attributes   top-level attribute names requested (ProjectionExpression,
 *                         AttributesToGet) or written (the item's names, the
 *                         key and the UpdateExpression / AttributeUpdates targets).
 *                         Absent when a read names none (it reads everything).
 *   dynamodb:Select       Select of Query / Scan; SPECIFIC_ATTRIBUTES when a
 *                         read projects, else ALL_ATTRIBUTES (ALL_PROJECTED_ATTRIBUTES
 *                         on an index).
 *   dynamodb:ReturnValues ReturnValues of PutItem / UpdateItem / DeleteItem (NONE by default).
 *   aws:RequestTag/K, aws:TagKeys  the Tags of CreateTable / TagResource, TagKeys of UntagResource.
 *
 * A request the handler would refuse as malformed may get no value here (the
 * key is then absent); the handler then refuses it before touching any data,
 * so a missing value never lets a request read or write what it should not. */
#include "dynamodb/ddb_ops.h"
#include "dynamodb/ddb_req.h"
#include "dynamodb/ddb_table.h"
#include "dynamodb/ddb_expr_parse.h"
#include "auth/condkeys.h"
#include <string.h>
#include <strings.h>

/* One table's entries of a BatchGetItem / BatchWriteItem (a part's scope). */
typedef struct batch_scope {
    const char *table;
    const json_t *entry;    /* KeysAndAttributes, or the array of write requests */
} batch_scope_t;

static int is_op(const nb_req_t *req, const char *name)
{
    return strcmp(req->op->name, name) == 0;
}

static size_t ddb_authz_parts(nb_req_t *req, nb_authz_part_t **parts)
{
    if (!is_op(req, "BatchGetItem") && !is_op(req, "BatchWriteItem")) return 0;
    json_t *ri = json_object_get(req->json, "RequestItems");
    size_t n = json_object_size(ri), i = 0;
    if (!n) return 0;
    *parts = nb_arena_alloc(req->arena, n * sizeof **parts);
    const char *name;
    json_t *entry;
    json_object_foreach(ri, name, entry) {
        batch_scope_t *s = nb_arena_alloc(req->arena, sizeof *s);
        s->table = nb_arena_strdup(req->arena, name);
        s->entry = entry;
        (*parts)[i].scope = s;
        (*parts)[i].resource = nb_arena_printf(req->arena, "arn:aws:dynamodb:%s:%s:table/%s", req->ctx->cfg->region,
                                               req->ctx->cfg->account, name);
        i++;
    }
    return i;
}

/* --- dynamodb:LeadingKeys ---------------------------------------------------- */

/* The scalar of an AV as a condition value: S and N as written, B base64. */
static const char *scalar(const json_t *av)
{
    const char *t[] = {"S", "N", "B"};
    for (size_t i = 0; i < 3; i++) {
        const char *v = json_string_value(json_object_get(av, t[i]));
        if (v) return v;
    }
    return NULL;
}

static void add_hash(auth_vals_t *l, const json_t *key, const char *hash)
{
    const char *v = hash ? scalar(json_object_get(key, hash)) : NULL;
    if (v) auth_vals_add(l, v);
}

/* The value the partition key hash must equal in a key condition AST. */
static const json_t *keycond_hash(const ddb_node_t *n, const char *hash)
{
    if (!n) return NULL;
    if (n->kind == DDB_N_AND) {
        const json_t *v = keycond_hash(n->args[0], hash);
        return v ? v : keycond_hash(n->args[1], hash);
    }
    if (n->kind != DDB_N_CMP || n->cmp != DDB_CMP_EQ || n->nargs != 2) return NULL;
    for (int side = 0; side < 2; side++) {
        const ddb_node_t *p = n->args[side], *v = n->args[1 - side];
        if (p->kind == DDB_N_PATH && p->path.n == 1 && p->path.elems[0].name &&
            strcmp(p->path.elems[0].name, hash) == 0 && v->kind == DDB_N_VALUE)
            return v->value;
    }
    return NULL;
}

static void query_leading(nb_req_t *req, const ddb_table_t *t, auth_vals_t *l)
{
    const char *iname = ddb_jstr(req->json, "IndexName");
    const ddb_index_t *ix = iname ? ddb_table_index(t, iname) : NULL;
    if (iname && !ix) return;
    const char *hash = ix ? ix->ks.hash : t->ks.hash;
    const char *kce = ddb_jstr(req->json, "KeyConditionExpression");
    if (kce) {
        ddb_expr_ctx_t c;
        ddb_err_t err = DDB_ERR_INIT;
        ddb_node_t *kc = NULL;
        if (ddb_expr_begin(&c, req->arena, json_object_get(req->json, "ExpressionAttributeNames"),
                           json_object_get(req->json, "ExpressionAttributeValues"), &err) == 0 &&
            ddb_parse_key_condition(&c, kce, &kc, &err) == 0) {
            const char *v = scalar(keycond_hash(kc, hash));
            if (v) auth_vals_add(l, v);
        }
        ddb_expr_abort(&c);
        ddb_err_free(&err);
        return;
    }
    /* legacy KeyConditions: {"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [AV]}} */
    json_t *c = json_object_get(json_object_get(req->json, "KeyConditions"), hash);
    const char *op = ddb_jstr(c, "ComparisonOperator");
    if (op && strcmp(op, "EQ") == 0) {
        const char *v = scalar(json_array_get(json_object_get(c, "AttributeValueList"), 0));
        if (v) auth_vals_add(l, v);
    }
}

static int leading_keys(nb_req_t *req, const batch_scope_t *s, auth_vals_t *l)
{
    const char *tname = s ? s->table : ddb_jstr(req->json, "TableName");
    const ddb_table_t *t = tname ? ddb_table_get(tname) : NULL;
    if (!t) return 0;
    if (s && is_op(req, "BatchGetItem")) {
        size_t i;
        json_t *k;
        json_array_foreach(json_object_get(s->entry, "Keys"), i, k) add_hash(l, k, t->ks.hash);
    } else if (s) {
        size_t i;
        json_t *w;
        json_array_foreach(s->entry, i, w) {
            add_hash(l, json_object_get(json_object_get(w, "PutRequest"), "Item"), t->ks.hash);
            add_hash(l, json_object_get(json_object_get(w, "DeleteRequest"), "Key"), t->ks.hash);
        }
    } else if (is_op(req, "PutItem")) {
        add_hash(l, json_object_get(req->json, "Item"), t->ks.hash);
    } else if (is_op(req, "GetItem") || is_op(req, "UpdateItem") || is_op(req, "DeleteItem")) {
        add_hash(l, json_object_get(req->json, "Key"), t->ks.hash);
    } else if (is_op(req, "Query")) {
        query_leading(req, t, l);
    } else {
        return 0;
    }
    return l->n > 0;
}

/* --- dynamodb:Attributes ----------------------------------------------------- */

static void add_names(auth_vals_t *l, const json_t *obj)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)obj, k, v) auth_vals_add(l, k);
}

/* ProjectionExpression (with names of body) or AttributesToGet; 1 when the
 * request projects. */
static int projection(nb_req_t *req, const json_t *body, auth_vals_t *l)
{
    const char *pe = ddb_jstr(body, "ProjectionExpression");
    if (pe) {
        ddb_expr_ctx_t c;
        ddb_err_t err = DDB_ERR_INIT;
        ddb_projection_t *p = NULL;
        if (ddb_expr_begin(&c, req->arena, json_object_get(body, "ExpressionAttributeNames"), NULL, &err) == 0 &&
            ddb_parse_projection(&c, pe, &p, &err) == 0) {
            for (size_t i = 0; i < p->n; i++)
                if (p->paths[i].n && p->paths[i].elems[0].name) auth_vals_add(l, p->paths[i].elems[0].name);
        }
        ddb_expr_abort(&c);
        ddb_err_free(&err);
        return 1;
    }
    json_t *atg = json_object_get(body, "AttributesToGet");
    if (!json_is_array(atg)) return 0;
    size_t i;
    json_t *a;
    json_array_foreach(atg, i, a) if (json_is_string(a)) auth_vals_add(l, json_string_value(a));
    return 1;
}

static void update_targets(nb_req_t *req, auth_vals_t *l)
{
    const char *ue = ddb_jstr(req->json, "UpdateExpression");
    if (ue) {
        ddb_expr_ctx_t c;
        ddb_err_t err = DDB_ERR_INIT;
        ddb_update_t *u = NULL;
        if (ddb_expr_begin(&c, req->arena, json_object_get(req->json, "ExpressionAttributeNames"),
                           json_object_get(req->json, "ExpressionAttributeValues"), &err) == 0 &&
            ddb_parse_update(&c, ue, &u, &err) == 0) {
            for (size_t i = 0; i < u->n; i++)
                if (u->actions[i].path.n && u->actions[i].path.elems[0].name)
                    auth_vals_add(l, u->actions[i].path.elems[0].name);
        }
        ddb_expr_abort(&c);
        ddb_err_free(&err);
    }
    add_names(l, json_object_get(req->json, "AttributeUpdates"));
}

static int attributes(nb_req_t *req, const batch_scope_t *s, auth_vals_t *l)
{
    if (s && is_op(req, "BatchGetItem")) return projection(req, s->entry, l) && l->n > 0;
    if (s) {
        size_t i;
        json_t *w;
        json_array_foreach(s->entry, i, w) {
            add_names(l, json_object_get(json_object_get(w, "PutRequest"), "Item"));
            add_names(l, json_object_get(json_object_get(w, "DeleteRequest"), "Key"));
        }
        return 1;
    }
    if (is_op(req, "PutItem")) {
        add_names(l, json_object_get(req->json, "Item"));
        return 1;
    }
    if (is_op(req, "UpdateItem") || is_op(req, "DeleteItem")) {
        add_names(l, json_object_get(req->json, "Key"));
        if (is_op(req, "UpdateItem")) update_targets(req, l);
        return 1;
    }
    if (is_op(req, "GetItem") || is_op(req, "Query") || is_op(req, "Scan"))
        return projection(req, req->json, l);
    return 0;
}

static int one(nb_req_t *req, const char *v, const char *const **vals, size_t *n)
{
    auth_vals_t l = AUTH_VALS_INIT(req);
    auth_vals_add(&l, v);
    return auth_vals_done(&l, vals, n);
}

static int ddb_authz_key(nb_req_t *req, const void *scope, const char *key, const char *const **vals, size_t *n)
{
    const batch_scope_t *s = scope;
    json_t *tags = is_op(req, "CreateTable") || is_op(req, "TagResource") ? json_object_get(req->json, "Tags") : NULL;
    if (is_op(req, "UntagResource") && strcasecmp(key, "aws:TagKeys") == 0) {
        auth_vals_t l = AUTH_VALS_INIT(req);
        size_t i;
        json_t *k;
        json_array_foreach(json_object_get(req->json, "TagKeys"), i, k)
            if (json_is_string(k)) auth_vals_add(&l, json_string_value(k));
        return auth_vals_done(&l, vals, n);
    }
    int rc = auth_request_tags(req, tags, key, vals, n);
    if (rc >= 0) return rc;
    auth_vals_t l = AUTH_VALS_INIT(req);
    if (strcasecmp(key, "dynamodb:LeadingKeys") == 0)
        return leading_keys(req, s, &l) ? auth_vals_done(&l, vals, n) : 0;
    if (strcasecmp(key, "dynamodb:Attributes") == 0)
        return attributes(req, s, &l) ? auth_vals_done(&l, vals, n) : 0;
    if (strcasecmp(key, "dynamodb:Select") == 0) {
        int read = is_op(req, "Query") || is_op(req, "Scan") || is_op(req, "GetItem") || is_op(req, "BatchGetItem");
        if (!read) return 0;
        const json_t *body = s ? s->entry : req->json;
        const char *sel = ddb_jstr(body, "Select");
        if (!sel) {
            if (json_object_get(body, "ProjectionExpression") || json_object_get(body, "AttributesToGet"))
                sel = "SPECIFIC_ATTRIBUTES";
            else
                sel = ddb_jstr(body, "IndexName") ? "ALL_PROJECTED_ATTRIBUTES" : "ALL_ATTRIBUTES";
        }
        return one(req, sel, vals, n);
    }
    if (strcasecmp(key, "dynamodb:ReturnValues") == 0) {
        if (!is_op(req, "PutItem") && !is_op(req, "UpdateItem") && !is_op(req, "DeleteItem")) return 0;
        const char *rv = ddb_jstr(req->json, "ReturnValues");
        return one(req, rv ? rv : "NONE", vals, n);
    }
    return 0;
}

/* Tags of the table an ARN names (table/T, table/T/index/I, table/T/stream/S). */
static json_t *ddb_authz_tags(nb_ctx_t *ctx, const char *arn)
{
    (void)ctx;
    const char *p = strstr(arn, ":table/");
    if (!p) return NULL;
    p += 7;
    char name[256];
    size_t nl = strcspn(p, "/");
    if (nl == 0 || nl >= sizeof name) return NULL;
    memcpy(name, p, nl);
    name[nl] = 0;
    const ddb_table_t *t = ddb_table_get(name);
    if (!t) return NULL;
    json_t *tags = json_object_get(t->doc, "Tags");
    return tags ? auth_tags_object(tags) : json_object();
}

const nb_authz_t ddb_authz = {
    .parts = ddb_authz_parts,
    .cond_key = ddb_authz_key,
    .resource_tags = ddb_authz_tags,
};
