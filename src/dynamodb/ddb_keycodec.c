/* ddb_keycodec.c — order-preserving, prefix-free key encodings (see
 * ddb_keycodec.h for the byte layouts and why they sort correctly). */
#include <string.h>
#include "dynamodb/ddb_keycodec.h"
#include "core/util.h"

static void enc_bytes(nb_buf_t *out, const uint8_t *p, size_t n)
{
    nb_buf_reserve(out, n + 2);
    for (size_t i = 0; i < n; i++) {
        nb_buf_putc(out, (char)p[i]);
        if (p[i] == 0)
            nb_buf_putc(out, (char)0xFF);
    }
    nb_buf_putc(out, 0);
    nb_buf_putc(out, 1);
}

static void enc_num(nb_buf_t *out, const ddb_num_t *n)
{
    if (n->ndig == 0) {
        nb_buf_putc(out, 0x02);
        return;
    }
    if (n->sign > 0) {
        nb_buf_putc(out, 0x03);
        nb_buf_putc(out, (char)(uint8_t)(n->exp - DDB_NUM_MIN_EXP));
        for (int i = 0; i < n->ndig; i++)
            nb_buf_putc(out, (char)(n->dig[i] + 1));
        nb_buf_putc(out, 0x00);
    } else {
        nb_buf_putc(out, 0x01);
        nb_buf_putc(out, (char)(uint8_t)(DDB_NUM_MAX_EXP - n->exp));
        for (int i = 0; i < n->ndig; i++)
            nb_buf_putc(out, (char)(10 - n->dig[i]));
        nb_buf_putc(out, (char)0xFF);
    }
}

int ddb_key_encode(nb_buf_t *out, const json_t *av)
{
    ddb_type_t t = ddb_av_type(av);
    const json_t *v = ddb_av_value(av);
    if (!json_is_string(v))
        return -1;
    if (t == DDB_T_S) {
        enc_bytes(out, (const uint8_t *)json_string_value(v), json_string_length(v));
        return 0;
    }
    if (t == DDB_T_N) {
        ddb_num_t n;
        if (ddb_num_parse(json_string_value(v), json_string_length(v), &n, NULL) < 0)
            return -1;
        enc_num(out, &n);
        return 0;
    }
    if (t == DDB_T_B) {
        nb_buf_t raw = NB_BUF_INIT;
        if (ddb_av_b_decode(av, &raw) < 0) {
            nb_buf_free(&raw);
            return -1;
        }
        enc_bytes(out, (const uint8_t *)raw.data, raw.len);
        nb_buf_free(&raw);
        return 0;
    }
    return -1;
}

int ddb_key_encode_composite(nb_buf_t *out, const json_t *hash, const json_t *range)
{
    if (ddb_key_encode(out, hash) < 0)
        return -1;
    if (range && ddb_key_encode(out, range) < 0)
        return -1;
    return 0;
}

static long dec_bytes(const uint8_t *p, size_t n, nb_buf_t *raw)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != 0) {
            nb_buf_putc(raw, (char)p[i]);
            continue;
        }
        if (i + 1 >= n)
            return -1;
        if (p[i + 1] == 0x01)
            return (long)(i + 2);
        if (p[i + 1] != 0xFF)
            return -1;
        nb_buf_putc(raw, 0);
        i++;
    }
    return -1;
}

static long dec_num(const uint8_t *p, size_t n, ddb_num_t *num)
{
    memset(num, 0, sizeof *num);
    if (n < 1)
        return -1;
    if (p[0] == 0x02)
        return 1;
    if ((p[0] != 0x01 && p[0] != 0x03) || n < 2)
        return -1;
    int neg = p[0] == 0x01;
    num->sign = neg ? -1 : 1;
    num->exp = neg ? DDB_NUM_MAX_EXP - p[1] : p[1] + DDB_NUM_MIN_EXP;
    if (num->exp < DDB_NUM_MIN_EXP || num->exp > DDB_NUM_MAX_EXP)
        return -1;
    size_t i = 2;
    uint8_t term = neg ? 0xFF : 0x00;
    for (; i < n && p[i] != term; i++) {
        int d = neg ? 10 - p[i] : p[i] - 1;
        if (d < 0 || d > 9 || num->ndig >= DDB_NUM_MAX_DIGITS)
            return -1;
        num->dig[num->ndig++] = (uint8_t)d;
    }
    if (i >= n || num->ndig == 0 || num->dig[0] == 0 || num->dig[num->ndig - 1] == 0)
        return -1;
    return (long)(i + 1);
}

long ddb_key_decode(const uint8_t *p, size_t n, ddb_type_t t, json_t **out)
{
    *out = NULL;
    if (t == DDB_T_N) {
        ddb_num_t num;
        long used = dec_num(p, n, &num);
        if (used > 0)
            *out = ddb_av_num(&num);
        return used;
    }
    if (t != DDB_T_S && t != DDB_T_B)
        return -1;
    nb_buf_t raw = NB_BUF_INIT;
    long used = dec_bytes(p, n, &raw);
    if (used > 0)
        *out = t == DDB_T_S ? ddb_av_sn(raw.data ? raw.data : "", raw.len) : ddb_av_b(raw.data, raw.len);
    nb_buf_free(&raw);
    return used;
}

int ddb_key_decode_composite(const uint8_t *p, size_t n, ddb_type_t ht, ddb_type_t rt,
                             json_t **hash, json_t **range)
{
    *hash = NULL;
    if (range)
        *range = NULL;
    long used = ddb_key_decode(p, n, ht, hash);
    if (used < 0)
        return -1;
    if (rt == DDB_T_INVALID)
        return (size_t)used == n ? 0 : -1;
    if (!range || ddb_key_decode(p + used, n - (size_t)used, rt, range) != (long)(n - (size_t)used)) {
        json_decref(*hash);
        *hash = NULL;
        if (range) {
            json_decref(*range);
            *range = NULL;
        }
        return -1;
    }
    return 0;
}

int ddb_key_prefix_successor(nb_buf_t *p)
{
    while (p->len > 0 && (uint8_t)p->data[p->len - 1] == 0xFF)
        p->len--;
    if (p->len == 0)
        return -1;
    p->data[p->len - 1] = (char)((uint8_t)p->data[p->len - 1] + 1);
    p->data[p->len] = 0;
    return 0;
}

/* Encoding of a begins_with prefix: the escaped bytes without terminator. */
static int enc_prefix(nb_buf_t *out, const json_t *av)
{
    ddb_type_t t = ddb_av_type(av);
    const json_t *v = ddb_av_value(av);
    if (!json_is_string(v))
        return -1;
    nb_buf_t raw = NB_BUF_INIT;
    if (t == DDB_T_S) {
        nb_buf_append(&raw, json_string_value(v), json_string_length(v));
    } else if (t != DDB_T_B || ddb_av_b_decode(av, &raw) < 0) {
        nb_buf_free(&raw);
        return -1;
    }
    enc_bytes(out, (const uint8_t *)raw.data, raw.len);
    out->len -= 2;          /* drop the 00 01 terminator */
    out->data[out->len] = 0;
    nb_buf_free(&raw);
    return 0;
}

int ddb_key_range(const json_t *hash, ddb_sk_op_t op, const json_t *v1, const json_t *v2,
                  ddb_key_range_t *out)
{
    memset(out, 0, sizeof *out);
    nb_buf_t h = NB_BUF_INIT;
    if (ddb_key_encode(&h, hash) < 0)
        goto fail;
    /* Defaults: the whole partition. */
    nb_buf_append(&out->lo, h.data, h.len);
    nb_buf_append(&out->hi, h.data, h.len);
    out->has_hi = ddb_key_prefix_successor(&out->hi) == 0;
    switch (op) {
    case DDB_SK_NONE:
        break;
    case DDB_SK_EQ:
        if (ddb_key_encode(&out->lo, v1) < 0)
            goto fail;
        nb_buf_clear(&out->hi);
        nb_buf_append(&out->hi, out->lo.data, out->lo.len);
        nb_buf_putc(&out->hi, 0);
        out->has_hi = 1;
        break;
    case DDB_SK_LT: case DDB_SK_LE:
        nb_buf_clear(&out->hi);
        nb_buf_append(&out->hi, h.data, h.len);
        if (ddb_key_encode(&out->hi, v1) < 0)
            goto fail;
        if (op == DDB_SK_LE)
            nb_buf_putc(&out->hi, 0);
        out->has_hi = 1;
        break;
    case DDB_SK_GT: case DDB_SK_GE:
        if (ddb_key_encode(&out->lo, v1) < 0)
            goto fail;
        if (op == DDB_SK_GT)
            nb_buf_putc(&out->lo, 0);
        break;
    case DDB_SK_BETWEEN: {
        int c;
        if (ddb_av_cmp(v1, v2, &c) < 0)
            goto fail;
        if (ddb_key_encode(&out->lo, v1) < 0)
            goto fail;
        nb_buf_clear(&out->hi);
        nb_buf_append(&out->hi, h.data, h.len);
        if (ddb_key_encode(&out->hi, v2) < 0)
            goto fail;
        nb_buf_putc(&out->hi, 0);
        out->has_hi = 1;
        if (c > 0)
            out->empty = 1;
        break;
    }
    case DDB_SK_BEGINS_WITH:
        if (enc_prefix(&out->lo, v1) < 0)
            goto fail;
        nb_buf_clear(&out->hi);
        nb_buf_append(&out->hi, out->lo.data, out->lo.len);
        out->has_hi = ddb_key_prefix_successor(&out->hi) == 0;
        break;
    }
    if (!out->has_hi)
        nb_buf_clear(&out->hi);
    nb_buf_free(&h);
    return 0;
fail:
    nb_buf_free(&h);
    ddb_key_range_free(out);
    return -1;
}

void ddb_key_range_free(ddb_key_range_t *r)
{
    nb_buf_free(&r->lo);
    nb_buf_free(&r->hi);
    r->has_hi = 0;
}
