/* ddb_schema.c — validation of key schemas, attribute definitions, index
 * specifications and throughput as CreateTable / UpdateTable receive them,
 * with DynamoDB's messages. Produces the index entries of the table doc. */
#include "dynamodb/ddb_schema.h"
#include "dynamodb/ddb_req.h"
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const char *const key_types[] = {"HASH", "RANGE", NULL};
static const char *const attr_types[] = {"B", "N", "S", NULL};
static const char *const proj_types[] = {"ALL", "KEYS_ONLY", "INCLUDE", NULL};

/* A key attribute name (KeySchemaAttributeName in botocore's model): 1..255
 * characters, and present where required. DynamoDB checks it in every KeySchema and
 * AttributeDefinitions entry (ScyllaDB Alternator test_limits.py, test_table.py, run
 * against DynamoDB, which report a definition's missing name; a key schema element's
 * missing name is left to the schema checks after, as before). */
static void v_key_name(ddb_vlist_t *v, const json_t *n, const char *path, int required)
{
    const char *s = json_string_value(n);
    if (!s) {
        if (required) ddb_v_add(v, "null", path, "Member must not be null");
        return;
    }
    ddb_v_length(v, s, strlen(s), path, 1, 255);
}

void ddb_schema_v_keyschema(ddb_vlist_t *v, const json_t *ks, const char *path, int required)
{
    char p[256];
    if (!ks || json_is_null(ks)) {
        if (required) ddb_v_add(v, "null", path, "Member must not be null");
        return;
    }
    size_t n = json_array_size(ks);
    if (n < 1 || n > 2) {
        /* the service echoes the list as its Java model prints it:
         * '[KeySchemaElement(attributeName=pk, keyType=HASH), ...]' */
        nb_buf_t q = NB_BUF_INIT;
        nb_buf_puts(&q, "'[");
        for (size_t i = 0; i < n; i++) {
            const json_t *e = json_array_get(ks, i);
            const char *an = ddb_jstr(e, "AttributeName"), *kt = ddb_jstr(e, "KeyType");
            nb_buf_printf(&q, "%sKeySchemaElement(attributeName=%s, keyType=%s)", i ? ", " : "",
                          an ? an : "null", kt ? kt : "null");
        }
        nb_buf_puts(&q, "]'");
        ddb_v_add(v, q.data, path, n < 1 ? "Member must have length greater than or equal to 1"
                                         : "Member must have length less than or equal to 2");
        nb_buf_free(&q);
    }
    for (size_t i = 0; i < n; i++) {
        snprintf(p, sizeof p, "%s.%zu.member.attributeName", path, i + 1);
        v_key_name(v, json_object_get(json_array_get(ks, i), "AttributeName"), p, 0);
        snprintf(p, sizeof p, "%s.%zu.member.keyType", path, i + 1);
        ddb_v_enum(v, json_object_get(json_array_get(ks, i), "KeyType"), p, key_types);
    }
}

void ddb_schema_v_attrdefs(ddb_vlist_t *v, const json_t *ad, int required)
{
    char p[256];
    if (!ad || json_is_null(ad)) {
        if (required) ddb_v_add(v, "null", "attributeDefinitions", "Member must not be null");
        return;
    }
    for (size_t i = 0; i < json_array_size(ad); i++) {
        const json_t *d = json_array_get(ad, i);
        snprintf(p, sizeof p, "attributeDefinitions.%zu.member.attributeName", i + 1);
        v_key_name(v, json_object_get(d, "AttributeName"), p, 1);
        snprintf(p, sizeof p, "attributeDefinitions.%zu.member.attributeType", i + 1);
        if (!json_object_get(d, "AttributeType")) ddb_v_add(v, "null", p, "Member must not be null");
        ddb_v_enum(v, json_object_get(d, "AttributeType"), p, attr_types);
    }
}

void ddb_schema_v_stream(ddb_vlist_t *v, const json_t *ss)
{
    if (ss && !json_object_get(ss, "StreamEnabled"))
        ddb_v_add(v, "null", "streamSpecification.streamEnabled", "Member must not be null");
}

/* The write units are listed before the read units, as DynamoDB lists them (an SDK user's quote of
 * "2 validation errors detected: Value '0' at 'provisionedThroughput.writeCapacityUnits' ...; Value '0' at
 * 'provisionedThroughput.readCapacityUnits'", ack-api-quirks DDB-TABLE-058 and -456, measured). */
void ddb_schema_v_throughput(ddb_vlist_t *v, const json_t *pt, const char *path)
{
    if (!pt) return;
    const char *names[] = {"WriteCapacityUnits", "writeCapacityUnits", "ReadCapacityUnits", "readCapacityUnits"};
    for (int i = 0; i < 4; i += 2) {
        json_t *u = json_object_get(pt, names[i]);
        char p[256], q[64];
        snprintf(p, sizeof p, "%s.%s", path, names[i + 1]);
        if (!u) { ddb_v_add(v, "null", p, "Member must not be null"); continue; }
        if (json_is_integer(u) && json_integer_value(u) < 1) {
            snprintf(q, sizeof q, "'%lld'", (long long)json_integer_value(u));
            ddb_v_add(v, q, p, "Member must have value greater than or equal to 1");
        }
    }
}

void ddb_schema_v_index(ddb_vlist_t *v, const json_t *ix, const char *path)
{
    char p[256];
    snprintf(p, sizeof p, "%s.indexName", path);
    ddb_v_table_name(v, json_object_get(ix, "IndexName"), p, 1);
    snprintf(p, sizeof p, "%s.keySchema", path);
    ddb_schema_v_keyschema(v, json_object_get(ix, "KeySchema"), p, 1);
    const json_t *pr = json_object_get(ix, "Projection");
    snprintf(p, sizeof p, "%s.projection", path);
    if (!pr) ddb_v_add(v, "null", p, "Member must not be null");
    snprintf(p, sizeof p, "%s.projection.projectionType", path);
    ddb_v_enum(v, json_object_get(pr, "ProjectionType"), p, proj_types);
    /* NonKeyAttributeName: 1..255 characters (botocore's model; Alternator test_limits.py) */
    const json_t *nka = json_object_get(pr, "NonKeyAttributes");
    for (size_t i = 0; i < json_array_size(nka); i++) {
        const char *s = json_string_value(json_array_get(nka, i));
        if (!s || (strlen(s) >= 1 && strlen(s) <= 255)) continue;
        nb_buf_t q = NB_BUF_INIT;
        nb_buf_puts(&q, "'[");
        for (size_t j = 0; j < json_array_size(nka); j++)
            nb_buf_printf(&q, "%s%s", j ? ", " : "", json_string_value(json_array_get(nka, j)) ?
                          json_string_value(json_array_get(nka, j)) : "null");
        nb_buf_puts(&q, "]'");
        snprintf(p, sizeof p, "%s.projection.nonKeyAttributes", path);
        ddb_v_add(v, q.data, p, "Member must satisfy constraint: [Member must have length less than or equal to "
                                "255, Member must have length greater than or equal to 1]");
        nb_buf_free(&q);
        break;
    }
    snprintf(p, sizeof p, "%s.provisionedThroughput", path);
    ddb_schema_v_throughput(v, json_object_get(ix, "ProvisionedThroughput"), p);
}

/* The warm throughput every table has to begin with, and the least one may ask for. */
#define WARM_MIN_READ 12000
#define WARM_MIN_WRITE 4000

static json_int_t warm_units(const json_t *wt, const char *unit, const json_t *cur, json_int_t base)
{
    const json_t *v = json_object_get(wt, unit);
    if (json_is_integer(v)) return json_integer_value(v);
    v = json_object_get(cur, unit);
    return json_is_integer(v) ? json_integer_value(v) : base;
}

int ddb_schema_warm(const json_t *wt, const json_t *cur, json_t **out, ddb_err_t *err)
{
    static const struct { const char *unit; json_int_t min; } units[] = {
        {"ReadUnitsPerSecond", WARM_MIN_READ}, {"WriteUnitsPerSecond", WARM_MIN_WRITE}};
    *out = NULL;
    if (!wt) return 0;
    json_int_t got[2];
    for (int i = 0; i < 2; i++) {
        got[i] = warm_units(wt, units[i].unit, cur, units[i].min);
        const json_t *asked = json_object_get(wt, units[i].unit);
        if (!json_is_integer(asked)) continue;
        if (got[i] < units[i].min)
            return ddb_err_set(err, NB_ERR_VALIDATION, "One or more parameter values were invalid: Requested %s for "
                               "WarmThroughput is lower than the minimum of %lld", units[i].unit,
                               (long long)units[i].min);
        const json_t *now = json_object_get(cur, units[i].unit);
        if (json_is_integer(now) && got[i] < json_integer_value(now))
            return ddb_err_set(err, NB_ERR_VALIDATION, "One or more parameter values were invalid: Requested %s is "
                               "lower than current WarmThroughput value: %lld", units[i].unit,
                               (long long)json_integer_value(now));
    }
    *out = json_pack("{s:I,s:I,s:s}", units[0].unit, got[0], units[1].unit, got[1], "Status", "ACTIVE");
    return 0;
}

int ddb_schema_index_warm(const json_t *wt, const json_t *cur, const char *index, json_t **out, ddb_err_t *err)
{
    static const struct { const char *unit; json_int_t base; } units[] = {
        {"ReadUnitsPerSecond", WARM_MIN_READ}, {"WriteUnitsPerSecond", WARM_MIN_WRITE}};
    json_int_t got[2];
    for (int i = 0; i < 2; i++) {
        got[i] = warm_units(wt, units[i].unit, cur, units[i].base);
        json_int_t now = warm_units(NULL, units[i].unit, cur, units[i].base);
        if (got[i] < now)
            return ddb_err_set(err, NB_ERR_VALIDATION, "One or more parameter values were invalid: Requested %s for "
                               "WarmThroughput for index %s is lower than current WarmThroughput, decreasing "
                               "WarmThroughput is not supported", units[i].unit, index);
    }
    *out = json_pack("{s:I,s:I,s:s}", units[0].unit, got[0], units[1].unit, got[1], "Status", "ACTIVE");
    return 0;
}

int ddb_schema_table_class(const char *tc, ddb_err_t *err)
{
    if (!tc || strcmp(tc, "STANDARD") == 0 || strcmp(tc, "STANDARD_INFREQUENT_ACCESS") == 0) return 0;
    return ddb_err_set(err, NB_ERR_VALIDATION, "Invalid table-class parameter provided. Please try again with a valid "
                       "table-class value: [STANDARD, STANDARD_INFREQUENT_ACCESS].");
}

json_t *ddb_schema_on_demand(const json_t *odt)
{
    static const char *const members[] = {"MaxReadRequestUnits", "MaxWriteRequestUnits"};
    json_t *out = NULL;
    for (int i = 0; i < 2; i++) {
        const json_t *m = json_object_get(odt, members[i]);
        if (!json_is_integer(m)) continue;
        if (!out) out = json_object();
        json_object_set_new(out, members[i], json_integer(json_integer_value(m)));
    }
    return out;
}

const char *ddb_schema_attr_type(const json_t *attr_defs, const char *name)
{
    size_t i;
    json_t *d;
    json_array_foreach(attr_defs, i, d) {
        const char *n = ddb_jstr(d, "AttributeName");
        if (n && strcmp(n, name) == 0) return ddb_jstr(d, "AttributeType");
    }
    return NULL;
}

int ddb_schema_keys(const json_t *ks, const char **hash, const char **range, ddb_err_t *err)
{
    *hash = *range = NULL;
    const json_t *k0 = json_array_get(ks, 0), *k1 = json_array_get(ks, 1);
    if (strcmp(ddb_jstr(k0, "KeyType") ? ddb_jstr(k0, "KeyType") : "", "HASH") != 0)
        return ddb_err_set(err, NB_ERR_VALIDATION,
                           "Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
    *hash = ddb_jstr(k0, "AttributeName");
    if (k1) {
        /* the same name twice is reported before the second element's key type */
        *range = ddb_jstr(k1, "AttributeName");
        if (*hash && *range && strcmp(*hash, *range) == 0)
            return ddb_err_set(err, NB_ERR_VALIDATION,
                               "Both the Hash Key and the Range Key element in the KeySchema have the same name");
        if (strcmp(ddb_jstr(k1, "KeyType") ? ddb_jstr(k1, "KeyType") : "", "RANGE") != 0)
            return ddb_err_set(err, NB_ERR_VALIDATION,
                               "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type");
    }
    if (!*hash || (k1 && !*range))
        return ddb_err_set(err, NB_ERR_VALIDATION, "Invalid KeySchema: missing AttributeName");
    return 0;
}

/* Message list of the names of a KeySchema / AttributeDefinitions for errors. */
static void names_of(nb_buf_t *b, const json_t *arr)
{
    size_t i;
    json_t *e;
    nb_buf_putc(b, '[');
    json_array_foreach(arr, i, e) nb_buf_printf(b, "%s%s", i ? ", " : "", ddb_jstr(e, "AttributeName"));
    nb_buf_putc(b, ']');
}

/* The next UTF-16 code unit of UTF-8 text at *p (0 at its end); *low carries the low surrogate of a
 * character beyond the BMP to the next call. */
static unsigned utf16_next(const unsigned char **p, unsigned *low)
{
    if (*low) { unsigned u = *low; *low = 0; return u; }
    if (!**p) return 0;
    uint32_t cp = *(*p)++;
    int more = cp >= 0xF0 ? 3 : cp >= 0xE0 ? 2 : cp >= 0xC0 ? 1 : 0;
    if (more) cp &= 0x3Fu >> more;
    for (; more && (**p & 0xC0) == 0x80; more--) cp = (cp << 6) | (*(*p)++ & 0x3F);
    if (cp <= 0xFFFF) return cp;
    cp -= 0x10000;
    *low = 0xDC00 + (cp & 0x3FF);
    return 0xD800 + (cp >> 10);
}

/* java.lang.String.hashCode: s (UTF-8) as UTF-16 code units. */
static uint32_t java_string_hash(const char *s)
{
    uint32_t h = 0;
    const unsigned char *p = (const unsigned char *)s;
    unsigned low = 0, u;
    while ((u = utf16_next(&p, &low)) != 0) h = 31 * h + u;
    return h;
}

/* java.lang.String.compareTo of two UTF-8 names: by UTF-16 code units. */
static int java_compare(const char *a, const char *b)
{
    const unsigned char *pa = (const unsigned char *)a, *pb = (const unsigned char *)b;
    unsigned la = 0, lb = 0;
    for (;;) {
        unsigned ua = utf16_next(&pa, &la), ub = utf16_next(&pb, &lb);
        if (ua != ub || !ua) return (int)ua - (int)ub;
    }
}

static const char *sort_name(const json_t *e)
{
    const char *s = json_is_string(e) ? json_string_value(e) : ddb_jstr(e, "AttributeName");
    return s ? s : "";
}

void ddb_schema_sort_names(json_t *arr)
{
    size_t n = json_array_size(arr);
    for (size_t i = 1; i < n; i++)   /* insertion sort: a few names, stable */
        for (size_t j = i; j > 0 && java_compare(sort_name(json_array_get(arr, j - 1)),
                                                 sort_name(json_array_get(arr, j))) > 0; j--) {
            json_t *x = json_incref(json_array_get(arr, j));
            json_array_remove(arr, j);
            json_array_insert_new(arr, j - 1, x);
        }
}

void ddb_schema_java_set_list(const json_t *names, nb_buf_t *out)
{
    size_t n = json_array_size(names), cap = 16, k = 0;
    while (n * 4 > cap * 3)   /* HashMap grows past a 0.75 load factor */
        cap *= 2;
    nb_buf_putc(out, '[');
    for (size_t b = 0; b < cap; b++)   /* buckets in order, each in insertion order */
        for (size_t i = 0; i < n; i++) {
            uint32_t h = java_string_hash(json_string_value(json_array_get(names, i)));
            if (((h ^ (h >> 16)) & (cap - 1)) == b)
                nb_buf_printf(out, "%s%s", k++ ? ", " : "", json_string_value(json_array_get(names, i)));
        }
    nb_buf_putc(out, ']');
}

int ddb_schema_keys_defined(const json_t *ks, const json_t *attr_defs, ddb_err_t *err)
{
    size_t i;
    json_t *e;
    json_array_foreach(ks, i, e) {
        const char *n = ddb_jstr(e, "AttributeName");
        if (!n || !ddb_schema_attr_type(attr_defs, n)) {
            nb_buf_t a = NB_BUF_INIT, b = NB_BUF_INIT;
            names_of(&a, ks);
            names_of(&b, attr_defs);
            ddb_err_set(err, NB_ERR_VALIDATION,
                        "One or more parameter values were invalid: Some index key attributes are not "
                        "defined in AttributeDefinitions. Keys: %s, AttributeDefinitions: %s",
                        a.data, b.data);
            nb_buf_free(&a);
            nb_buf_free(&b);
            return -1;
        }
    }
    return 0;
}

json_t *ddb_schema_index_doc(const json_t *spec, int local, const json_t *attr_defs,
                             const char *table_hash, int provisioned, int num, ddb_err_t *err)
{
    const char *name = ddb_jstr(spec, "IndexName");
    const json_t *ks = json_object_get(spec, "KeySchema");
    const char *h, *r;
    if (ddb_schema_keys(ks, &h, &r, err) != 0) return NULL;
    if (ddb_schema_keys_defined(ks, attr_defs, err) != 0) return NULL;
    if (local) {
        if (strcmp(h, table_hash) != 0) {
            ddb_err_set(err, NB_ERR_VALIDATION,
                        "One or more parameter values were invalid: Index KeySchema does not have the same "
                        "leading hash key as table KeySchema for index: %s. index hash key: %s, table hash key: %s",
                        name, h, table_hash);
            return NULL;
        }
        if (!r) {
            ddb_err_set(err, NB_ERR_VALIDATION,
                        "One or more parameter values were invalid: Index KeySchema for a LocalSecondaryIndex "
                        "must have a RANGE key: %s", name);
            return NULL;
        }
    }
    const json_t *pr = json_object_get(spec, "Projection");
    const char *pt = ddb_jstr(pr, "ProjectionType");
    const json_t *nka = json_object_get(pr, "NonKeyAttributes");
    if (!pt) {
        /* Projection {} (the member given, its type not): dynalite's test/createTable.js, recorded from
         * DynamoDB, for GSIs and LSIs alike; UpdateTable's Create takes the same index checks */
        ddb_err_set(err, NB_ERR_VALIDATION, "One or more parameter values were invalid: Unknown ProjectionType: null");
        return NULL;
    }
    if (strcmp(pt, "INCLUDE") == 0 && !json_array_size(nka)) {
        ddb_err_set(err, NB_ERR_VALIDATION,
                    "One or more parameter values were invalid: ProjectionType is INCLUDE, but NonKeyAttributes is not specified");
        return NULL;
    }
    if (strcmp(pt, "INCLUDE") != 0 && nka) {
        ddb_err_set(err, NB_ERR_VALIDATION,
                    "One or more parameter values were invalid: ProjectionType is %s, but NonKeyAttributes is specified", pt);
        return NULL;
    }
    for (size_t i = 0; i < json_array_size(nka); i++)   /* ack-api-quirks DDB-TABLE-366, -442's catalogue */
        for (size_t j = 0; j < i; j++)
            if (json_equal(json_array_get(nka, i), json_array_get(nka, j))) {
                ddb_err_set(err, NB_ERR_VALIDATION, "One or more parameter values were invalid: Duplicate element in "
                            "NonKeyAttributes: %s", json_string_value(json_array_get(nka, i)) ?
                            json_string_value(json_array_get(nka, i)) : "");
                return NULL;
            }
    const json_t *tp = json_object_get(spec, "ProvisionedThroughput");
    if (!local && provisioned && !tp) {
        ddb_err_set(err, NB_ERR_VALIDATION,
                    "One or more parameter values were invalid: ProvisionedThroughput must be specified for index: %s", name);
        return NULL;
    }
    if (!local && !provisioned && tp) {
        ddb_err_set(err, NB_ERR_VALIDATION,
                    "One or more parameter values were invalid: ProvisionedThroughput should not be specified for index: %s when BillingMode is PAY_PER_REQUEST", name);
        return NULL;
    }
    json_t *proj = json_pack("{s:s}", "ProjectionType", pt);
    if (nka) {
        json_t *sorted = json_deep_copy(nka);
        ddb_schema_sort_names(sorted);   /* described in name order (ack-api-quirks DDB-TABLE-125, measured) */
        json_object_set_new(proj, "NonKeyAttributes", sorted);
    }
    json_t *d = json_pack("{s:s,s:O,s:o,s:i}", "IndexName", name, "KeySchema", ks,
                          "Projection", proj, "Num", num);
    if (!local) {
        json_object_set_new(d, "IndexStatus", json_string("ACTIVE"));
        json_object_set_new(d, "ProvisionedThroughput",
                            json_pack("{s:i,s:I,s:I}", "NumberOfDecreasesToday", 0,
                                      "ReadCapacityUnits", tp ? json_integer_value(json_object_get(tp, "ReadCapacityUnits")) : (json_int_t)0,
                                      "WriteCapacityUnits", tp ? json_integer_value(json_object_get(tp, "WriteCapacityUnits")) : (json_int_t)0));
    }
    return d;
}
