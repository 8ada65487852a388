/* ddb_authz.c — what DynamoDB tells the central IAM evaluator (src/auth)
 * about a request: its condition keys, the tables a batch acts on, and a
 * table's tags. Nothing here decides anything; it only reads the request.
 *
 *   dynamodb:LeadingKeys  partition-key values the request touches: Key /
 *                         Item of GetItem, PutItem, UpdateItem, DeleteItem;
 *                         the partition key's equality value of a Query's
 *                         KeyConditionExpression (or KeyConditions), on the
 *                         index when one is named; every item of a batch's
 *                         table; the item of a transaction's part. S and N
 *                         values as written, B as base64.
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
 * Parts: BatchGetItem / BatchWriteItem are authorized once per table (with
 * that table's items only); TransactWriteItems / TransactGetItems once per
 * item with the item's own action, as AWS does: dynamodb:PutItem,
 * UpdateItem, DeleteItem, ConditionCheckItem, GetItem on the item's table.
 * PartiQL (ExecuteStatement, BatchExecuteStatement, ExecuteTransaction):
 * once per statement with the action of its verb, as AWS does —
 * dynamodb:PartiQLSelect / PartiQLInsert / PartiQLUpdate / PartiQLDelete on
 * the statement's table (a SELECT from "Table"."Index": on the index).
 *
 * A request the handler would refuse as malformed may get no value here (the
 * key is then absent); the handler then refuses it before touching any data,
 * so a missing value never lets a request read or write what it should not. */
#include "dynamodb/ddb_ops.h"
#include "dynamodb/ddb_req.h"
#include "dynamodb/ddb_table.h"
#include "dynamodb/ddb_expr_parse.h"
#include "dynamodb/ddb_partiql.h"
#include "auth/condkeys.h"
#include "core/edge.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* What one check looks at: the whole request (scope NULL) or one part. "op"
 * names the single-item operation it behaves like ("GetItem", "PutItem",
 * "UpdateItem", "DeleteItem", "ConditionCheckItem", "Query", "Scan") or
 * "BatchGetItem" / "BatchWriteItem" for one table's entries of a batch. */
typedef struct part_scope {
    const char *op;
    const char *table;
    const json_t *body;     /* the request, one Put/Update/... spec, or one table's batch entries */
} part_scope_t;

static int is_op(const nb_req_t *req, const char *name)
{
    return strcmp(req->op->name, name) == 0;
}

static void add_part(nb_req_t *req, nb_authz_part_t *p, const char *op, const char *table, const json_t *body,
                     const char *action)
{
    part_scope_t *s = nb_arena_alloc(req->arena, sizeof *s);
    s->op = op;
    s->table = ddb_table_plain_name(req, table);     /* NULL: names no table of ours */
    s->body = body;
    p->scope = s;
    p->action = action;
    p->resource = ddb_table_resource(req, table);
}

static const struct { const char *member, *op, *action; } TRANSACT[] = {
    {"Put", "PutItem", "dynamodb:PutItem"},
    {"Update", "UpdateItem", "dynamodb:UpdateItem"},
    {"Delete", "DeleteItem", "dynamodb:DeleteItem"},
    {"ConditionCheck", "ConditionCheckItem", "dynamodb:ConditionCheckItem"},
    {"Get", "GetItem", "dynamodb:GetItem"},
};

static const char *const PQ_ACTION[] = {
    [DDB_PQ_SELECT] = "dynamodb:PartiQLSelect",
    [DDB_PQ_INSERT] = "dynamodb:PartiQLInsert",
    [DDB_PQ_UPDATE] = "dynamodb:PartiQLUpdate",
    [DDB_PQ_DELETE] = "dynamodb:PartiQLDelete",
    [DDB_PQ_EXISTS] = "dynamodb:PartiQLSelect",   /* EXISTS reads its item (ql-iam: reads need PartiQLSelect) */
};

/* One part per well-formed PartiQL statement; a malformed one gets none (the
 * handler refuses it before touching data). */
static void pq_part(nb_req_t *req, nb_authz_part_t *parts, size_t *i, const json_t *spec)
{
    const char *stmt = ddb_jstr(spec, "Statement");
    if (!stmt) return;
    ddb_pq_t q;
    ddb_err_t err = DDB_ERR_INIT;
    if (ddb_pq_parse(stmt, json_object_get(spec, "Parameters"), &q, &err) != 0) {
        ddb_err_free(&err);
        return;
    }
    nb_authz_part_t *p = &parts[(*i)++];
    add_part(req, p, "PartiQL", q.table, spec, PQ_ACTION[q.kind]);
    if (q.kind == DDB_PQ_SELECT && q.index)
        p->resource = nb_arena_printf(req->arena, "%s/index/%s", p->resource, q.index);
    ddb_pq_free(&q);
}

/* A restore writes and reads the table it makes: "RestoreTableFromBackup
 * permissions are necessary on the source backup, and DynamoDB read and write
 * permissions on the target table" (the same for RestoreTableToPointInTime on
 * its source table) — AWS's developer guide, "Using IAM with DynamoDB backup
 * and restore", whose example grants these seven. */
static const char *const RESTORE_TARGET[] = {
    "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:GetItem",
    "dynamodb:Query", "dynamodb:Scan", "dynamodb:BatchWriteItem",
};

static size_t restore_parts(nb_req_t *req, nb_authz_part_t **parts)
{
    const char *target = ddb_jstr(req->json, "TargetTableName");
    if (!target) return 0;   /* the handler refuses the request */
    size_t n = 1 + sizeof RESTORE_TARGET / sizeof RESTORE_TARGET[0];
    nb_authz_part_t *p = nb_arena_calloc(req->arena, n * sizeof *p);
    p[0].resource = nb_edge_resource_arn(req);   /* the op's own action on its backup / source table */
    for (size_t i = 1; i < n; i++) {
        p[i].action = RESTORE_TARGET[i - 1];
        p[i].resource = ddb_table_resource(req, target);
    }
    *parts = p;
    return n;
}

static size_t ddb_authz_parts(nb_req_t *req, nb_authz_part_t **parts)
{
    size_t i = 0;
    if (is_op(req, "RestoreTableFromBackup") || is_op(req, "RestoreTableToPointInTime"))
        return restore_parts(req, parts);
    if (is_op(req, "ExecuteStatement")) {
        *parts = nb_arena_alloc(req->arena, sizeof **parts);
        pq_part(req, *parts, &i, req->json);
        return i;
    }
    if (is_op(req, "BatchExecuteStatement") || is_op(req, "ExecuteTransaction")) {
        json_t *stmts = json_object_get(req->json, is_op(req, "BatchExecuteStatement") ? "Statements"
                                                                                         : "TransactStatements");
        size_t n = json_array_size(stmts), k;
        json_t *it;
        if (!n) return 0;
        *parts = nb_arena_alloc(req->arena, n * sizeof **parts);
        json_array_foreach(stmts, k, it) pq_part(req, *parts, &i, it);
        return i;
    }
    if (is_op(req, "BatchGetItem") || is_op(req, "BatchWriteItem")) {
        json_t *ri = json_object_get(req->json, "RequestItems");
        size_t n = json_object_size(ri);
        if (!n) return 0;
        *parts = nb_arena_alloc(req->arena, n * sizeof **parts);
        const char *name;
        json_t *entry;
        json_object_foreach(ri, name, entry) add_part(req, &(*parts)[i++], req->op->name, name, entry, NULL);
        return i;
    }
    if (is_op(req, "TransactWriteItems") || is_op(req, "TransactGetItems")) {
        json_t *items = json_object_get(req->json, "TransactItems");
        size_t n = json_array_size(items);
        if (!n) return 0;
        *parts = nb_arena_alloc(req->arena, n * sizeof **parts);
        size_t k;
        json_t *it;
        json_array_foreach(items, k, it) {
            for (size_t m = 0; m < sizeof TRANSACT / sizeof TRANSACT[0]; m++) {
                json_t *spec = json_object_get(it, TRANSACT[m].member);
                const char *table = ddb_jstr(spec, "TableName");
                if (!table) continue;
                add_part(req, &(*parts)[i++], TRANSACT[m].op, table, spec, TRANSACT[m].action);
                break;
            }
        }
        return i;   /* malformed items get no part: the handler refuses them */
    }
    return 0;
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

static int leading_keys(nb_req_t *req, const part_scope_t *s, auth_vals_t *l)
{
    const ddb_table_t *t = s->table ? ddb_table_get(s->table) : NULL;
    if (!t) return 0;
    const char *op = s->op;
    if (strcmp(op, "BatchGetItem") == 0) {
        size_t i;
        json_t *k;
        json_array_foreach(json_object_get(s->body, "Keys"), i, k) add_hash(l, k, t->ks.hash);
    } else if (strcmp(op, "BatchWriteItem") == 0) {
        size_t i;
        json_t *w;
        json_array_foreach(s->body, i, w) {
            add_hash(l, json_object_get(json_object_get(w, "PutRequest"), "Item"), t->ks.hash);
            add_hash(l, json_object_get(json_object_get(w, "DeleteRequest"), "Key"), t->ks.hash);
        }
    } else if (strcmp(op, "PutItem") == 0) {
        add_hash(l, json_object_get(s->body, "Item"), t->ks.hash);
    } else if (strcmp(op, "GetItem") == 0 || strcmp(op, "UpdateItem") == 0 || strcmp(op, "DeleteItem") == 0 ||
               strcmp(op, "ConditionCheckItem") == 0) {
        add_hash(l, json_object_get(s->body, "Key"), t->ks.hash);
    } else if (strcmp(op, "Query") == 0) {
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

static void update_targets(nb_req_t *req, const json_t *body, auth_vals_t *l)
{
    const char *ue = ddb_jstr(body, "UpdateExpression");
    if (ue) {
        ddb_expr_ctx_t c;
        ddb_err_t err = DDB_ERR_INIT;
        ddb_update_t *u = NULL;
        if (ddb_expr_begin(&c, req->arena, json_object_get(body, "ExpressionAttributeNames"),
                           json_object_get(body, "ExpressionAttributeValues"), &err) == 0 &&
            ddb_parse_update(&c, ue, &u, &err) == 0) {
            for (size_t i = 0; i < u->n; i++)
                if (u->actions[i].path.n && u->actions[i].path.elems[0].name)
                    auth_vals_add(l, u->actions[i].path.elems[0].name);
        }
        ddb_expr_abort(&c);
        ddb_err_free(&err);
    }
    add_names(l, json_object_get(body, "AttributeUpdates"));
}

static int attributes(nb_req_t *req, const part_scope_t *s, auth_vals_t *l)
{
    const char *op = s->op;
    if (strcmp(op, "BatchGetItem") == 0) return projection(req, s->body, l) && l->n > 0;
    if (strcmp(op, "BatchWriteItem") == 0) {
        size_t i;
        json_t *w;
        json_array_foreach(s->body, i, w) {
            add_names(l, json_object_get(json_object_get(w, "PutRequest"), "Item"));
            add_names(l, json_object_get(json_object_get(w, "DeleteRequest"), "Key"));
        }
        return 1;
    }
    if (strcmp(op, "PutItem") == 0) {
        add_names(l, json_object_get(s->body, "Item"));
        return 1;
    }
    if (strcmp(op, "UpdateItem") == 0 || strcmp(op, "DeleteItem") == 0 || strcmp(op, "ConditionCheckItem") == 0) {
        add_names(l, json_object_get(s->body, "Key"));
        if (strcmp(op, "UpdateItem") == 0) update_targets(req, s->body, l);
        return 1;
    }
    if (strcmp(op, "GetItem") == 0 || strcmp(op, "Query") == 0 || strcmp(op, "Scan") == 0)
        return projection(req, s->body, l);
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
    part_scope_t whole = {req->op->name, ddb_table_plain_name(req, ddb_jstr(req->json, "TableName")), req->json};
    const part_scope_t *s = scope ? scope : &whole;
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
        const char *op = s->op;
        int read = !strcmp(op, "Query") || !strcmp(op, "Scan") || !strcmp(op, "GetItem") || !strcmp(op, "BatchGetItem");
        if (!read) return 0;
        const json_t *body = s->body;
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
        if (strcmp(s->op, "PutItem") != 0 && strcmp(s->op, "UpdateItem") != 0 && strcmp(s->op, "DeleteItem") != 0)
            return 0;
        const char *rv = ddb_jstr(s->body, "ReturnValues");
        return one(req, rv ? rv : "NONE", vals, n);
    }
    return 0;
}

/* Tags of the table an ARN names (table/T, table/T/index/I, table/T/stream/S). */
static json_t *ddb_authz_tags(nb_ctx_t *ctx, const char *arn)
{
    /* ours only: another region's or account's ARN names no table here */
    char prefix[160];
    int pl = snprintf(prefix, sizeof prefix, "arn:aws:dynamodb:%s:%s:table/", ctx->cfg->region, ctx->cfg->account);
    if (pl <= 0 || (size_t)pl >= sizeof prefix || strncmp(arn, prefix, (size_t)pl) != 0) return NULL;
    const char *p = arn + pl;
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
