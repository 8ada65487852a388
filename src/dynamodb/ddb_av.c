/* ddb_av.c — AttributeValue validation, normalization, comparison, size and
 * construction (see ddb_av.h for the representation and its invariants).
 *
 * Validation walks the AV once, normalizing N / NS strings and re-encoding
 * B / BS base64 canonically in place, so that after it equal values have
 * equal wire strings (equality and duplicate checks can then compare
 * strings, except that sets compare as unordered collections). */
#include <stdlib.h>
#include <string.h>
#include "dynamodb/ddb_av.h"
#include "core/alloc.h"
#include "core/util.h"

static const char *const type_names[] = {
    [DDB_T_INVALID] = "", [DDB_T_S] = "S", [DDB_T_N] = "N", [DDB_T_B] = "B",
    [DDB_T_BOOL] = "BOOL", [DDB_T_NULL] = "NULL", [DDB_T_SS] = "SS",
    [DDB_T_NS] = "NS", [DDB_T_BS] = "BS", [DDB_T_L] = "L", [DDB_T_M] = "M",
};

const char *ddb_type_name(ddb_type_t t)
{
    if ((int)t < 0 || t > DDB_T_M)
        return "";
    return type_names[t];
}

ddb_type_t ddb_type_from_name(const char *name)
{
    for (int t = DDB_T_S; t <= DDB_T_M; t++)
        if (strcmp(type_names[t], name) == 0)
            return (ddb_type_t)t;
    return DDB_T_INVALID;
}

ddb_type_t ddb_av_type(const json_t *av)
{
    if (!json_is_object(av) || json_object_size(av) != 1)
        return DDB_T_INVALID;
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)av, k, v)
        return ddb_type_from_name(k);
    return DDB_T_INVALID;
}

json_t *ddb_av_value(const json_t *av)
{
    if (!json_is_object(av))
        return NULL;
    void *it = json_object_iter((json_t *)av);
    return it ? json_object_iter_value(it) : NULL;
}

const char *ddb_av_str(const json_t *av)
{
    ddb_type_t t = ddb_av_type(av);
    if (t != DDB_T_S && t != DDB_T_N)
        return NULL;
    return json_string_value(ddb_av_value(av));
}

/* ---- validation ------------------------------------------------------ */

/* Wire-shape errors, worded as the service's JSON deserializer words them
 * (captured: a number where a string belongs is "NUMBER_VALUE cannot be
 * converted to String"). want: "String", "Blob", "Boolean". */
static int ser_err(ddb_err_t *err, const json_t *v, const char *want)
{
    if (json_is_array(v))
        return ddb_err_set(err, NB_ERR_SERIALIZATION, "Start of list found where not expected");
    if (json_is_object(v))
        return ddb_err_set(err, NB_ERR_SERIALIZATION, "Start of structure or map found where not expected.");
    if (json_is_boolean(v))
        return ddb_err_set(err, NB_ERR_SERIALIZATION, "%s cannot be converted to %s",
                           json_is_true(v) ? "TRUE_VALUE" : "FALSE_VALUE", want);
    if (json_is_number(v))
        return ddb_err_set(err, NB_ERR_SERIALIZATION, "NUMBER_VALUE cannot be converted to %s", want);
    if (json_is_string(v))
        return ddb_err_set(err, NB_ERR_SERIALIZATION, "STRING_VALUE cannot be converted to %s", want);
    return ddb_err_set(err, NB_ERR_SERIALIZATION, "Unexpected value type in payload");
}

/* Decode and re-encode base64 canonically; json string v replaced in place. */
static int canon_b64(json_t *holder_arr, size_t idx, json_t *holder_obj, const char *key,
                     json_t *v, ddb_err_t *err)
{
    if (!json_is_string(v))
        return ser_err(err, v, "Blob");
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    nb_buf_t raw = NB_BUF_INIT, enc = NB_BUF_INIT;
    if (n % 4) {
        nb_buf_free(&raw);
        return ddb_err_set(err, NB_ERR_SERIALIZATION,
                           "Base64 encoded length is expected a multiple of 4 bytes but found: %zu", n);
    }
    if (nb_base64_decode(&raw, s, n) < 0) {
        nb_buf_free(&raw);
        return ddb_err_set(err, NB_ERR_SERIALIZATION, "Invalid Base64 character in Blob value");
    }
    nb_base64_encode(&enc, raw.data, raw.len);
    if (enc.len != n || (n && memcmp(enc.data, s, n) != 0)) {
        json_t *nv = json_stringn(enc.data ? enc.data : "", enc.len);
        if (holder_arr)
            json_array_set_new(holder_arr, idx, nv);
        else
            json_object_set_new(holder_obj, key, nv);
    }
    nb_buf_free(&raw);
    nb_buf_free(&enc);
    return 0;
}

static int canon_num(json_t *holder_arr, size_t idx, json_t *holder_obj, const char *key,
                     json_t *v, ddb_err_t *err)
{
    if (!json_is_string(v))
        return ser_err(err, v, "String");
    ddb_num_t n;
    if (ddb_num_parse(json_string_value(v), json_string_length(v), &n, err) < 0)
        return -1;
    char buf[DDB_NUM_STR_MAX];
    size_t len = ddb_num_format(&n, buf, sizeof buf);
    if (len != json_string_length(v) || memcmp(buf, json_string_value(v), len) != 0) {
        if (holder_arr)
            json_array_set_new(holder_arr, idx, json_stringn(buf, len));
        else
            json_object_set_new(holder_obj, key, json_stringn(buf, len));
    }
    return 0;
}

static int str_cmp_json(const json_t *a, const json_t *b)
{
    size_t la = json_string_length(a), lb = json_string_length(b);
    int c = memcmp(json_string_value(a), json_string_value(b), la < lb ? la : lb);
    return c ? c : (la > lb) - (la < lb);
}

static int qsort_str(const void *x, const void *y)
{
    return str_cmp_json(*(json_t *const *)x, *(json_t *const *)y);
}

/* 1 if the (canonical) string members of arr contain a duplicate. */
static int has_dup(const json_t *arr)
{
    size_t n = json_array_size(arr);
    if (n < 2)
        return 0;
    json_t **v = nb_xmalloc(n * sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = json_array_get(arr, i);
    qsort(v, n, sizeof *v, qsort_str);
    int dup = 0;
    for (size_t i = 1; i < n && !dup; i++)
        dup = str_cmp_json(v[i - 1], v[i]) == 0;
    free(v);
    return dup;
}

/* Binary sets say which type they are, glued to the list (sic: "[, ]of type BS");
 * number sets, compared after parsing, say neither the list nor the prefix. */
static int dup_err(ddb_err_t *err, const json_t *arr, ddb_type_t t)
{
    if (t == DDB_T_NS)
        return ddb_err_set(err, NB_ERR_VALIDATION, "Input collection contains duplicates");
    nb_buf_t b = NB_BUF_INIT;
    nb_buf_putc(&b, '[');
    for (size_t i = 0; i < json_array_size(arr); i++) {
        if (i)
            nb_buf_puts(&b, ", ");
        const json_t *m = json_array_get(arr, i);
        nb_buf_append(&b, json_string_value(m), json_string_length(m));
    }
    nb_buf_putc(&b, ']');
    ddb_err_set(err, NB_ERR_VALIDATION,
                "One or more parameter values were invalid: Input collection %s%s contains duplicates.", b.data,
                t == DDB_T_BS ? "of type BS" : "");
    nb_buf_free(&b);
    return -1;
}

static int validate_depth(json_t *av, int depth, ddb_err_t *err);

static int validate_set(json_t *arr, ddb_type_t t, ddb_err_t *err)
{
    if (!json_is_array(arr))
        return json_is_object(arr)
            ? ddb_err_set(err, NB_ERR_SERIALIZATION, "Start of structure or map found where not expected.")
            : ddb_err_set(err, NB_ERR_SERIALIZATION, "Expected list or null");
    /* (sic: DynamoDB's wording, double space included; binary sets differ) */
    if (json_array_size(arr) == 0 && t == DDB_T_BS)
        return ddb_err_set(err, NB_ERR_VALIDATION, "One or more parameter values were invalid: Binary sets should not be empty");
    if (json_array_size(arr) == 0)
        return ddb_err_set(err, NB_ERR_VALIDATION, "One or more parameter values were invalid: An %s set  may not be empty",
                           t == DDB_T_SS ? "string" : "number");
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *m = json_array_get(arr, i);
        if (json_is_null(m) && t == DDB_T_BS)
            return ddb_err_set(err, NB_ERR_VALIDATION,
                               "One or more parameter values were invalid: Binary sets may not contain null or empty values");
        if (json_is_null(m))
            return ddb_err_set(err, NB_ERR_VALIDATION,
                               "One or more parameter values were invalid: An %s set may not have a null %s as a member",
                               t == DDB_T_SS ? "string" : "number", t == DDB_T_SS ? "string" : "number");
        int rc = 0;
        if (t == DDB_T_SS)
            rc = json_is_string(m) ? 0 : ser_err(err, m, "String");
        else if (t == DDB_T_NS)
            rc = canon_num(arr, i, NULL, NULL, m, err);
        else
            rc = canon_b64(arr, i, NULL, NULL, m, err);
        if (rc < 0)
            return -1;
    }
    if (has_dup(arr))
        return dup_err(err, arr, t);
    return 0;
}

static int validate_depth(json_t *av, int depth, ddb_err_t *err)
{
    if (!json_is_object(av))
        return json_is_array(av)
            ? ddb_err_set(err, NB_ERR_SERIALIZATION, "Start of list found where not expected")
            : ddb_err_set(err, NB_ERR_SERIALIZATION, "Expected null");
    /* The attribute is level 1 and a leaf counts: 32 levels at most. */
    if (depth >= DDB_MAX_NESTING)
        return ddb_err_set(err, NB_ERR_VALIDATION, DDB_MSG_NESTING);
    /* Members that are JSON null count as absent (as the SDKs send them). */
    const char *key = NULL, *k;
    json_t *val = NULL, *v;
    int count = 0;
    json_object_foreach(av, k, v) {
        if (json_is_null(v) || ddb_type_from_name(k) == DDB_T_INVALID)
            continue;
        if (++count == 1) {
            key = k;
            val = v;
        }
    }
    if (count == 0)
        return ddb_err_set(err, NB_ERR_VALIDATION,
                           "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
    if (count > 1)
        return ddb_err_set(err, NB_ERR_VALIDATION,
                           "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes");
    if (json_object_size(av) != 1) {
        /* drop the null / unknown members so ddb_av_type sees one key */
        json_t *keep = json_incref(val);
        char *kname = nb_xstrdup(key);
        json_object_clear(av);
        json_object_set_new(av, kname, keep);
        free(kname);
        key = NULL;
        val = keep;
        void *it = json_object_iter(av);
        key = json_object_iter_key(it);
    }
    ddb_type_t t = ddb_type_from_name(key);
    switch (t) {
    case DDB_T_S:
        return json_is_string(val) ? 0 : ser_err(err, val, "String");
    case DDB_T_N:
        return canon_num(NULL, 0, av, key, val, err);
    case DDB_T_B:
        return canon_b64(NULL, 0, av, key, val, err);
    case DDB_T_BOOL:
        return json_is_boolean(val) ? 0 : ser_err(err, val, "Boolean");
    case DDB_T_NULL:
        if (!json_is_boolean(val))
            return ser_err(err, val, "Boolean");
        /* DynamoDB now accepts {"NULL": false} and stores it as true. */
        if (!json_is_true(val))
            json_object_set_new(av, key, json_true());
        return 0;
    case DDB_T_SS: case DDB_T_NS: case DDB_T_BS:
        return validate_set(val, t, err);
    case DDB_T_L:
        if (!json_is_array(val))
            return json_is_object(val)
                ? ddb_err_set(err, NB_ERR_SERIALIZATION, "Start of structure or map found where not expected.")
                : ddb_err_set(err, NB_ERR_SERIALIZATION, "Expected list or null");
        for (size_t i = 0; i < json_array_size(val); i++)
            if (validate_depth(json_array_get(val, i), depth + 1, err) < 0)
                return -1;
        return 0;
    case DDB_T_M: {
        if (!json_is_object(val))
            return json_is_array(val)
                ? ddb_err_set(err, NB_ERR_SERIALIZATION, "Start of list found where not expected")
                : ddb_err_set(err, NB_ERR_SERIALIZATION, "Expected map or null");
        json_object_foreach(val, k, v) {
            if (strlen(k) > DDB_MAX_ATTR_NAME) return ddb_err_set(err, NB_ERR_VALIDATION, DDB_MSG_NAME_TOO_LARGE);
            if (validate_depth(v, depth + 1, err) < 0)
                return -1;
        }
        return 0;
    }
    default:
        return ddb_err_set(err, NB_ERR_VALIDATION,
                           "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
    }
}

int ddb_av_validate(json_t *av, ddb_err_t *err)
{
    return validate_depth(av, 0, err);
}

int ddb_item_validate(json_t *item, ddb_err_t *err)
{
    if (!json_is_object(item))
        return json_is_array(item)
            ? ddb_err_set(err, NB_ERR_SERIALIZATION, "Start of list found where not expected")
            : ddb_err_set(err, NB_ERR_SERIALIZATION, "Expected map or null");
    const char *k;
    json_t *v;
    json_object_foreach(item, k, v) {
        if (strlen(k) > DDB_MAX_ATTR_NAME) return ddb_err_set(err, NB_ERR_VALIDATION, DDB_MSG_NAME_TOO_LARGE);
        if (ddb_av_validate(v, err) < 0)
            return -1;
    }
    return 0;
}

/* ---- equality and order ---------------------------------------------- */

static int set_equal(const json_t *a, const json_t *b)
{
    size_t n = json_array_size(a);
    if (n != json_array_size(b))
        return 0;
    if (n == 0)
        return 1;
    json_t **x = nb_xmalloc(2 * n * sizeof *x), **y = x + n;
    for (size_t i = 0; i < n; i++) {
        x[i] = json_array_get(a, i);
        y[i] = json_array_get(b, i);
    }
    qsort(x, n, sizeof *x, qsort_str);
    qsort(y, n, sizeof *y, qsort_str);
    int eq = 1;
    for (size_t i = 0; i < n && eq; i++)
        eq = str_cmp_json(x[i], y[i]) == 0;
    free(x);
    return eq;
}

int ddb_av_equal(const json_t *a, const json_t *b)
{
    ddb_type_t ta = ddb_av_type(a), tb = ddb_av_type(b);
    if (ta != tb || ta == DDB_T_INVALID)
        return 0;
    const json_t *va = ddb_av_value(a), *vb = ddb_av_value(b);
    switch (ta) {
    case DDB_T_S: case DDB_T_B:
        return json_is_string(va) && json_is_string(vb) && str_cmp_json(va, vb) == 0;
    case DDB_T_N:
        return json_is_string(va) && json_is_string(vb)
            && ddb_num_cmp_str(json_string_value(va), json_string_value(vb)) == 0;
    case DDB_T_BOOL: case DDB_T_NULL:
        return json_is_true(va) == json_is_true(vb);
    case DDB_T_SS: case DDB_T_NS: case DDB_T_BS:
        return set_equal(va, vb);
    case DDB_T_L: {
        size_t n = json_array_size(va);
        if (n != json_array_size(vb))
            return 0;
        for (size_t i = 0; i < n; i++)
            if (!ddb_av_equal(json_array_get(va, i), json_array_get(vb, i)))
                return 0;
        return 1;
    }
    case DDB_T_M: {
        if (json_object_size(va) != json_object_size(vb))
            return 0;
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)va, k, v) {
            json_t *w = json_object_get(vb, k);
            if (!w || !ddb_av_equal(v, w))
                return 0;
        }
        return 1;
    }
    default:
        return 0;
    }
}

int ddb_b64_decode_str(const char *b64, nb_buf_t *out)
{
    return nb_base64_decode(out, b64, strlen(b64));
}

int ddb_av_b_decode(const json_t *av, nb_buf_t *out)
{
    const json_t *v = json_is_string(av) ? av : ddb_av_value(av);
    if (!json_is_string(v))
        return -1;
    return nb_base64_decode(out, json_string_value(v), json_string_length(v));
}

int ddb_av_cmp(const json_t *a, const json_t *b, int *out)
{
    ddb_type_t ta = ddb_av_type(a), tb = ddb_av_type(b);
    if (ta != tb)
        return -1;
    const json_t *va = ddb_av_value(a), *vb = ddb_av_value(b);
    if (!json_is_string(va) || !json_is_string(vb))
        return -1;
    if (ta == DDB_T_S) {
        *out = str_cmp_json(va, vb);
        return 0;
    }
    if (ta == DDB_T_N) {
        *out = ddb_num_cmp_str(json_string_value(va), json_string_value(vb));
        return 0;
    }
    if (ta == DDB_T_B) {
        nb_buf_t x = NB_BUF_INIT, y = NB_BUF_INIT;
        int rc = -1;
        if (ddb_av_b_decode(a, &x) == 0 && ddb_av_b_decode(b, &y) == 0) {
            size_t m = x.len < y.len ? x.len : y.len;
            int c = m ? memcmp(x.data, y.data, m) : 0;
            *out = c ? c : (x.len > y.len) - (x.len < y.len);
            rc = 0;
        }
        nb_buf_free(&x);
        nb_buf_free(&y);
        return rc;
    }
    return -1;
}

/* ---- size ------------------------------------------------------------ */

static size_t b64_raw_len(const json_t *s)
{
    size_t n = json_string_length(s);
    const char *p = json_string_value(s);
    size_t raw = n / 4 * 3;
    if (n >= 1 && p[n - 1] == '=') raw--;
    if (n >= 2 && p[n - 2] == '=') raw--;
    return raw;
}

static size_t num_str_size(const json_t *s)
{
    ddb_num_t n;
    if (ddb_num_parse(json_string_value(s), json_string_length(s), &n, NULL) < 0)
        return json_string_length(s);
    return ddb_num_size(&n);
}

size_t ddb_av_size(const json_t *av)
{
    const json_t *v = ddb_av_value(av);
    size_t size = 0;
    switch (ddb_av_type(av)) {
    case DDB_T_S:
        return json_string_length(v);
    case DDB_T_N:
        return num_str_size(v);
    case DDB_T_B:
        return b64_raw_len(v);
    case DDB_T_BOOL: case DDB_T_NULL:
        return 1;
    case DDB_T_SS:
        for (size_t i = 0; i < json_array_size(v); i++)
            size += json_string_length(json_array_get(v, i));
        return size;
    case DDB_T_NS:
        for (size_t i = 0; i < json_array_size(v); i++)
            size += num_str_size(json_array_get(v, i));
        return size;
    case DDB_T_BS:
        for (size_t i = 0; i < json_array_size(v); i++)
            size += b64_raw_len(json_array_get(v, i));
        return size;
    case DDB_T_L:
        size = 3;
        for (size_t i = 0; i < json_array_size(v); i++)
            size += 1 + ddb_av_size(json_array_get(v, i));
        return size;
    case DDB_T_M: {
        size = 3;
        const char *k;
        json_t *e;
        json_object_foreach((json_t *)v, k, e)
            size += 1 + strlen(k) + ddb_av_size(e);
        return size;
    }
    default:
        return 0;
    }
}

static size_t av_depth(const json_t *av)
{
    const json_t *v = ddb_av_value(av);
    size_t d = 0, x;
    if (json_is_array(v) && ddb_av_type(av) == DDB_T_L) {
        for (size_t i = 0; i < json_array_size(v); i++)
            if ((x = av_depth(json_array_get(v, i))) > d)
                d = x;
    } else if (json_is_object(v) && ddb_av_type(av) == DDB_T_M) {
        const char *k;
        json_t *e;
        json_object_foreach((json_t *)v, k, e)
            if ((x = av_depth(e)) > d)
                d = x;
    }
    return d + 1;
}

size_t ddb_av_depth(const json_t *av)
{
    return av ? av_depth(av) : 0;
}

size_t ddb_item_size(const json_t *item)
{
    size_t size = 0;
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)item, k, v)
        size += strlen(k) + ddb_av_size(v);
    return size;
}

/* ---- copies and constructors ----------------------------------------- */

json_t *ddb_av_copy(const json_t *av)
{
    json_t *c = json_deep_copy(av);
    if (!c)
        nb_oom(0);
    return c;
}

json_t *ddb_item_copy(const json_t *item)
{
    return ddb_av_copy(item);
}

json_t *ddb_av_wrap(ddb_type_t t, json_t *inner)
{
    json_t *o = json_object();
    if (!o || !inner)
        nb_oom(0);
    json_object_set_new(o, ddb_type_name(t), inner);
    return o;
}

json_t *ddb_av_sn(const char *s, size_t n) { return ddb_av_wrap(DDB_T_S, json_stringn(s, n)); }
json_t *ddb_av_s(const char *s) { return ddb_av_sn(s, strlen(s)); }
json_t *ddb_av_n(const char *normalized) { return ddb_av_wrap(DDB_T_N, json_string(normalized)); }
json_t *ddb_av_bool(int v) { return ddb_av_wrap(DDB_T_BOOL, json_boolean(v)); }
json_t *ddb_av_null(void) { return ddb_av_wrap(DDB_T_NULL, json_true()); }

json_t *ddb_av_num(const ddb_num_t *n)
{
    char buf[DDB_NUM_STR_MAX];
    ddb_num_format(n, buf, sizeof buf);
    return ddb_av_n(buf);
}

json_t *ddb_av_b(const void *bytes, size_t n)
{
    nb_buf_t b = NB_BUF_INIT;
    nb_base64_encode(&b, bytes, n);
    json_t *av = ddb_av_wrap(DDB_T_B, json_stringn(b.data ? b.data : "", b.len));
    nb_buf_free(&b);
    return av;
}

/* ---- rendering for messages ------------------------------------------ */

void ddb_av_describe(const json_t *av, nb_buf_t *out)
{
    ddb_type_t t = ddb_av_type(av);
    const json_t *v = ddb_av_value(av);
    nb_buf_putc(out, '{');
    nb_buf_puts(out, ddb_type_name(t));
    nb_buf_putc(out, ':');
    switch (t) {
    case DDB_T_S: case DDB_T_N: case DDB_T_B:
        nb_buf_append(out, json_string_value(v), json_string_length(v));
        break;
    case DDB_T_BOOL: case DDB_T_NULL:
        nb_buf_puts(out, json_is_true(v) ? "true" : "false");
        break;
    case DDB_T_SS: case DDB_T_NS: case DDB_T_BS:
        nb_buf_putc(out, '[');
        for (size_t i = 0; i < json_array_size(v); i++) {
            if (i)
                nb_buf_puts(out, ", ");
            const json_t *m = json_array_get(v, i);
            nb_buf_append(out, json_string_value(m), json_string_length(m));
        }
        nb_buf_putc(out, ']');
        break;
    case DDB_T_L:
        nb_buf_putc(out, '[');
        for (size_t i = 0; i < json_array_size(v); i++) {
            if (i)
                nb_buf_puts(out, ", ");
            ddb_av_describe(json_array_get(v, i), out);
        }
        nb_buf_putc(out, ']');
        break;
    case DDB_T_M: {
        nb_buf_putc(out, '{');
        const char *k;
        json_t *e;
        int first = 1;
        json_object_foreach((json_t *)v, k, e) {
            if (!first)
                nb_buf_puts(out, ", ");
            first = 0;
            nb_buf_puts(out, k);
            nb_buf_putc(out, '=');
            ddb_av_describe(e, out);
        }
        nb_buf_putc(out, '}');
        break;
    }
    default:
        break;
    }
    nb_buf_putc(out, '}');
}
