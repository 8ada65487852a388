/* ddb_keys.c — checks of primary keys and items against a table's key schema
 * and its indexes' key schemas, with DynamoDB's messages. */
#include "dynamodb/ddb_keys.h"
#include "dynamodb/ddb_av.h"
#include "dynamodb/ddb_keycodec.h"
#include <string.h>

static int type_is(const json_t *av, char t)
{
    const char n[2] = {t, 0};
    return json_object_size(av) == 1 && json_object_get(av, n) != NULL;
}

/* Strings may hold NUL characters: compare lengths, not first bytes. */
static int empty_value(const json_t *av)
{
    const json_t *v = json_object_get(av, "S");
    if (!v) v = json_object_get(av, "B");
    return json_is_string(v) && json_string_length(v) == 0;
}

static size_t key_size(const json_t *av)
{
    return ddb_av_size(av);
}

int ddb_key_sizes_check(const json_t *h, const json_t *r, ddb_err_t *err)
{
    if (h && key_size(h) > DDB_HASH_KEY_MAX)
        return ddb_err_set(err, NB_ERR_VALIDATION,
                           "One or more parameter values were invalid: Size of hashkey has exceeded the "
                           "maximum size limit of2048 bytes");
    if (r && key_size(r) > DDB_RANGE_KEY_MAX)
        return ddb_err_set(err, NB_ERR_VALIDATION,
                           "One or more parameter values were invalid: Aggregated size of all range keys has "
                           "exceeded the size limit of 1024 bytes");
    return 0;
}

int ddb_key_check(const ddb_table_t *t, const json_t *key, const json_t **h, const json_t **r,
                  ddb_err_t *err)
{
    size_t want = t->ks.range ? 2 : 1;
    *h = json_object_get(key, t->ks.hash);
    *r = t->ks.range ? json_object_get(key, t->ks.range) : NULL;
    if (json_object_size(key) != want || !*h || (t->ks.range && !*r) ||
        !type_is(*h, t->ks.htype) || (*r && !type_is(*r, t->ks.rtype)))
        return ddb_err_set(err, NB_ERR_VALIDATION, "The provided key element does not match the schema");
    if (empty_value(*h) || (*r && empty_value(*r)))
        return ddb_err_set(err, NB_ERR_VALIDATION,
                           "One or more parameter values are not valid. The AttributeValue for a key attribute "
                           "cannot contain an empty %s value. Key: %s",
                           json_object_get(empty_value(*h) ? *h : *r, "S") ? "string" : "binary",
                           empty_value(*h) ? t->ks.hash : t->ks.range);
    return ddb_key_sizes_check(*h, *r, err);
}

static int check_key_attr(const json_t *item, const char *name, char type, ddb_err_t *err)
{
    const json_t *av = json_object_get(item, name);
    if (!av)
        return ddb_err_set(err, NB_ERR_VALIDATION,
                           "One or more parameter values were invalid: Missing the key %s in the item", name);
    if (!type_is(av, type))
        return ddb_err_set(err, NB_ERR_VALIDATION,
                           "One or more parameter values were invalid: Type mismatch for key %s expected: %c "
                           "actual: %s", name, type, ddb_type_name(ddb_av_type(av)));
    if (empty_value(av))
        return ddb_err_set(err, NB_ERR_VALIDATION,
                           "One or more parameter values are not valid. The AttributeValue for a key attribute "
                           "cannot contain an empty %s value. Key: %s",
                           json_object_get(av, "S") ? "string" : "binary", name);
    return 0;
}

static int check_index_attr(const json_t *item, const ddb_index_t *ix, const char *name, char type,
                            ddb_err_t *err)
{
    const json_t *av = json_object_get(item, name);
    if (!av) return 0;   /* absent: the item is simply not in the index */
    if (!type_is(av, type))
        return ddb_err_set(err, NB_ERR_VALIDATION,
                           "One or more parameter values were invalid: Type mismatch for Index Key %s "
                           "Expected: %c Actual: %s IndexName: %s",
                           name, type, ddb_type_name(ddb_av_type(av)), ix->name);
    if (empty_value(av))
        return ddb_err_set(err, NB_ERR_VALIDATION,
                           "One or more parameter values are not valid. A value specified for a secondary "
                           "index key is not supported. The AttributeValue for a key attribute cannot contain "
                           "an empty %s value. IndexName: %s, IndexKey: %s",
                           json_object_get(av, "S") ? "string" : "binary", ix->name, name);
    return 0;
}

/* An index key attribute longer than its limit (2048 bytes for a partition
 * key, 1024 for a sort key): DynamoDB names the attribute, its size and the
 * index. Absent or mistyped attributes were dealt with by check_index_attr. */
static int index_size_check(const json_t *item, const ddb_index_t *ix, const char *name, size_t max,
                            ddb_err_t *err)
{
    const json_t *av = json_object_get(item, name);
    size_t n = av ? key_size(av) : 0;
    if (n <= max) return 0;
    return ddb_err_set(err, NB_ERR_VALIDATION,
                       "One or more parameter values were invalid: Size limit exceeded for Index Key %s "
                       "Actual Size: %zu bytes Max Size: %zu bytes IndexName: %s",
                       name, n, max, ix->name);
}

static int index_attrs_check(const json_t *item, const ddb_index_t *ix, ddb_err_t *err)
{
    if (check_index_attr(item, ix, ix->ks.hash, ix->ks.htype, err) != 0) return -1;
    if (ix->ks.range && check_index_attr(item, ix, ix->ks.range, ix->ks.rtype, err) != 0) return -1;
    return 0;
}

int ddb_item_check(const ddb_table_t *t, const json_t *item, size_t *size, ddb_err_t *err)
{
    if (check_key_attr(item, t->ks.hash, t->ks.htype, err) != 0) return -1;
    if (t->ks.range && check_key_attr(item, t->ks.range, t->ks.rtype, err) != 0) return -1;
    for (size_t i = 0; i < t->n_idx; i++) {
        if (index_attrs_check(item, &t->idx[i], NULL) == 0) continue;
        /* Several indexes may reject the item (one attribute keys a GSI and an
         * LSI): DynamoDB names the alphabetically first of them. */
        const ddb_index_t *bad = &t->idx[i];
        for (size_t j = i + 1; j < t->n_idx; j++)
            if (strcmp(t->idx[j].name, bad->name) < 0 && index_attrs_check(item, &t->idx[j], NULL) != 0)
                bad = &t->idx[j];
        return index_attrs_check(item, bad, err);
    }
    size_t sz = ddb_item_size(item);
    if (sz > DDB_ITEM_MAX_SIZE)
        return ddb_err_set(err, NB_ERR_VALIDATION, "Item size has exceeded the maximum allowed size");
    if (size) *size = sz;
    if (ddb_key_sizes_check(json_object_get(item, t->ks.hash),
                            t->ks.range ? json_object_get(item, t->ks.range) : NULL, err) != 0)
        return -1;
    for (size_t i = 0; i < t->n_idx; i++) {
        const ddb_index_t *ix = &t->idx[i];
        if (index_size_check(item, ix, ix->ks.hash, DDB_HASH_KEY_MAX, err) != 0) return -1;
        if (ix->ks.range && index_size_check(item, ix, ix->ks.range, DDB_RANGE_KEY_MAX, err) != 0)
            return -1;
    }
    return 0;
}

json_t *ddb_key_of_item(const ddb_table_t *t, const json_t *item)
{
    json_t *k = json_object();
    json_object_set(k, t->ks.hash, json_object_get(item, t->ks.hash));
    if (t->ks.range) json_object_set(k, t->ks.range, json_object_get(item, t->ks.range));
    return k;
}

json_t *ddb_index_key_of_item(const ddb_table_t *t, const ddb_index_t *ix, const json_t *item)
{
    json_t *k = ddb_key_of_item(t, item);
    json_t *h = json_object_get(item, ix->ks.hash);
    if (h) json_object_set(k, ix->ks.hash, h);
    if (ix->ks.range) {
        json_t *r = json_object_get(item, ix->ks.range);
        if (r) json_object_set(k, ix->ks.range, r);
    }
    return k;
}
