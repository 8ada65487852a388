/* ddb_table.c — table metadata documents, their parsed form and the catalogue.
 *
 * Invariant: the catalogue is a name-sorted array holding exactly the tables
 * stored in "ddb.tables" (see ddb_table.h for when it changes). Lookups are a
 * binary search: GetItem/PutItem never parse metadata JSON. */
#include "dynamodb/ddb_table.h"
#include "core/alloc.h"
#include "core/log.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static ddb_table_t **cat;
static size_t n_cat, cap_cat;

static const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static char attr_type(const json_t *doc, const char *name)
{
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(doc, "AttributeDefinitions"), i, d) {
        const char *n = jstr(d, "AttributeName");
        const char *t = jstr(d, "AttributeType");
        if (n && t && strcmp(n, name) == 0) return t[0];
    }
    return 0;
}

/* Fill ks from a KeySchema array; -1 when malformed. */
static int parse_ks(const json_t *doc, const json_t *schema, ddb_keyschema_t *ks)
{
    size_t i;
    json_t *e;
    memset(ks, 0, sizeof *ks);
    json_array_foreach(schema, i, e) {
        const char *n = jstr(e, "AttributeName"), *kt = jstr(e, "KeyType");
        if (!n || !kt) return -1;
        if (strcmp(kt, "HASH") == 0) { ks->hash = n; ks->htype = attr_type(doc, n); }
        else { ks->range = n; ks->rtype = attr_type(doc, n); }
    }
    return ks->hash && ks->htype && (!ks->range || ks->rtype) ? 0 : -1;
}

static int parse_index(const json_t *doc, const json_t *ix, int local, ddb_index_t *out)
{
    memset(out, 0, sizeof *out);
    out->name = jstr(ix, "IndexName");
    out->num = (uint8_t)json_integer_value(json_object_get(ix, "Num"));
    out->local = local;
    if (!out->name || !out->num) return -1;
    if (parse_ks(doc, json_object_get(ix, "KeySchema"), &out->ks) != 0) return -1;
    const json_t *p = json_object_get(ix, "Projection");
    const char *pt = jstr(p, "ProjectionType");
    out->proj = !pt || strcmp(pt, "ALL") == 0 ? DDB_PROJ_ALL
              : strcmp(pt, "KEYS_ONLY") == 0 ? DDB_PROJ_KEYS_ONLY : DDB_PROJ_INCLUDE;
    const json_t *nk = json_object_get(p, "NonKeyAttributes");
    if (out->proj == DDB_PROJ_INCLUDE && json_array_size(nk)) {
        out->n_include = json_array_size(nk);
        out->include = nb_xcalloc(out->n_include, sizeof *out->include);
        for (size_t i = 0; i < out->n_include; i++)
            out->include[i] = json_string_value(json_array_get(nk, i));
    }
    const char *st = jstr(ix, "IndexStatus");
    out->active = !st || strcmp(st, "ACTIVE") == 0;
    return 0;
}

ddb_table_t *ddb_table_from_doc(json_t *doc)
{
    ddb_table_t *t = nb_xcalloc(1, sizeof *t);
    t->doc = doc;
    const char *name = jstr(doc, "TableName");
    if (!name || parse_ks(doc, json_object_get(doc, "KeySchema"), &t->ks) != 0) goto bad;
    t->name = nb_xstrdup(name);
    t->num = (uint32_t)json_integer_value(json_object_get(doc, "Num"));
    const json_t *g = json_object_get(doc, "GlobalSecondaryIndexes");
    const json_t *l = json_object_get(doc, "LocalSecondaryIndexes");
    size_t n = json_array_size(g) + json_array_size(l);
    t->idx = n ? nb_xcalloc(n, sizeof *t->idx) : NULL;
    for (size_t i = 0; i < json_array_size(l); i++)
        if (parse_index(doc, json_array_get(l, i), 1, &t->idx[t->n_idx++]) != 0) goto bad;
    for (size_t i = 0; i < json_array_size(g); i++)
        if (parse_index(doc, json_array_get(g, i), 0, &t->idx[t->n_idx++]) != 0) goto bad;
    const json_t *ttl = json_object_get(doc, "TTL");
    const char *ts = jstr(ttl, "TimeToLiveStatus");
    if (ts && strcmp(ts, "ENABLED") == 0) t->ttl_attr = jstr(ttl, "AttributeName");
    const json_t *q = json_object_get(ttl, "Queue");
    t->ttl_queue = q ? (uint32_t)json_integer_value(q) : t->num;
    const char *status = jstr(doc, "TableStatus");
    t->creating = status && strcmp(status, "CREATING") == 0;
    const json_t *ss = json_object_get(doc, "StreamSpecification");
    if (json_is_true(json_object_get(ss, "StreamEnabled"))) {
        t->stream_enabled = 1;
        t->stream_view = jstr(ss, "StreamViewType");
    }
    return t;
bad:
    nb_log_error("dynamodb", "malformed table metadata for %s", name ? name : "?");
    ddb_table_free(t);
    return NULL;
}

void ddb_table_free(ddb_table_t *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->n_idx; i++) free(t->idx[i].include);
    free(t->idx);
    free(t->name);
    json_decref(t->doc);
    free(t);
}

/* Position of name in the catalogue, or where it would be inserted (*found 0). */
static size_t cat_find(const char *name, int *found)
{
    size_t lo = 0, hi = n_cat;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(cat[mid]->name, name);
        if (c == 0) { *found = 1; return mid; }
        if (c < 0) lo = mid + 1; else hi = mid;
    }
    *found = 0;
    return lo;
}

const ddb_table_t *ddb_table_get(const char *name)
{
    int found;
    if (!name) return NULL;
    size_t i = cat_find(name, &found);
    return found ? cat[i] : NULL;
}

const ddb_index_t *ddb_table_index(const ddb_table_t *t, const char *name)
{
    for (size_t i = 0; i < t->n_idx; i++)
        if (strcmp(t->idx[i].name, name) == 0) return &t->idx[i];
    return NULL;
}

static void cat_put(ddb_table_t *t)
{
    int found;
    size_t i = cat_find(t->name, &found);
    if (found) {
        ddb_table_free(cat[i]);
        cat[i] = t;
        return;
    }
    if (n_cat == cap_cat) {
        cap_cat = cap_cat ? cap_cat * 2 : 16;
        cat = nb_xrealloc(cat, cap_cat * sizeof *cat);
    }
    memmove(cat + i + 1, cat + i, (n_cat - i) * sizeof *cat);
    cat[i] = t;
    n_cat++;
}

void ddb_catalog_install(json_t *doc)
{
    ddb_table_t *t = ddb_table_from_doc(doc);
    if (t) cat_put(t);
}

void ddb_catalog_remove(const char *name)
{
    int found;
    size_t i = cat_find(name, &found);
    if (!found) return;
    ddb_table_free(cat[i]);
    memmove(cat + i, cat + i + 1, (n_cat - i - 1) * sizeof *cat);
    n_cat--;
}

void ddb_catalog_clear(void)
{
    for (size_t i = 0; i < n_cat; i++) ddb_table_free(cat[i]);
    free(cat);
    cat = NULL;
    n_cat = cap_cat = 0;
}

const char **ddb_catalog_names(size_t *n)
{
    const char **out = nb_xcalloc(n_cat + 1, sizeof *out);
    for (size_t i = 0; i < n_cat; i++) out[i] = cat[i]->name;
    *n = n_cat;
    return out;
}

size_t ddb_catalog_count(void)
{
    return n_cat;
}

void ddb_catalog_each(void (*fn)(const ddb_table_t *t, void *arg), void *arg)
{
    for (size_t i = 0; i < n_cat; i++) fn(cat[i], arg);
}

const ddb_table_t *ddb_catalog_by_num(uint32_t num)
{
    for (size_t i = 0; i < n_cat; i++)
        if (cat[i]->num == num) return cat[i];
    return NULL;
}

static int load_one(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
    (void)arg; (void)key; (void)klen;
    json_error_t err;
    json_t *doc = json_loadb(val, vlen, 0, &err);
    if (!doc) {
        nb_log_error("dynamodb", "unreadable table metadata: %s", err.text);
        return 0;
    }
    ddb_catalog_install(doc);
    return 0;
}

int ddb_catalog_load(store_t *s)
{
    store_txn_t *t;
    ddb_catalog_clear();
    int rc = store_begin(s, STORE_READ, &t);
    if (rc != STORE_OK) return rc;
    rc = store_scan(t, DDB_KS_TABLES, NULL, 0, NULL, 0, 0, load_one, NULL);
    store_abort(t);
    return rc < 0 ? rc : STORE_OK;
}

int ddb_table_store(store_txn_t *txn, const char *name, const json_t *doc)
{
    char *text = json_dumps(doc, JSON_COMPACT);
    int rc = store_put(txn, DDB_KS_TABLES, name, strlen(name), text, strlen(text));
    free(text);
    return rc;
}

static void be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24); p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8); p[3] = (unsigned char)v;
}

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int ddb_table_next_num(store_txn_t *txn, uint32_t *out)
{
    static const char key[] = "next_table_num";
    const void *v;
    size_t vl;
    uint32_t n = 1;
    int rc = store_get(txn, DDB_KS_META, key, sizeof key - 1, &v, &vl);
    if (rc == STORE_OK && vl == 4) n = rd32(v);
    else if (rc < 0) return rc;
    unsigned char b[4];
    be32(b, n + 1);
    *out = n;
    return store_put(txn, DDB_KS_META, key, sizeof key - 1, b, 4);
}

static void stats_key(unsigned char k[5], uint32_t tnum, uint8_t idx)
{
    be32(k, tnum);
    k[4] = idx;
}

int ddb_stats_get(store_txn_t *txn, uint32_t tnum, uint8_t idx, ddb_stats_t *out)
{
    unsigned char k[5];
    const void *v;
    size_t vl;
    stats_key(k, tnum, idx);
    out->count = out->bytes = 0;
    int rc = store_get(txn, DDB_KS_STATS, k, 5, &v, &vl);
    if (rc == STORE_OK && vl == sizeof *out) memcpy(out, v, sizeof *out);
    return rc < 0 ? rc : STORE_OK;
}

int ddb_stats_add(store_txn_t *txn, uint32_t tnum, uint8_t idx, int64_t dcount, int64_t dbytes)
{
    if (!dcount && !dbytes) return STORE_OK;
    ddb_stats_t s;
    unsigned char k[5];
    int rc = ddb_stats_get(txn, tnum, idx, &s);
    if (rc != STORE_OK) return rc;
    s.count += dcount;
    s.bytes += dbytes;
    if (s.count < 0) s.count = 0;
    if (s.bytes < 0) s.bytes = 0;
    stats_key(k, tnum, idx);
    return store_put(txn, DDB_KS_STATS, k, 5, &s, sizeof s);
}

void ddb_table_arn(char *out, size_t cap, const char *region, const char *account, const char *name)
{
    snprintf(out, cap, "arn:aws:dynamodb:%s:%s:table/%s", region, account, name);
}
