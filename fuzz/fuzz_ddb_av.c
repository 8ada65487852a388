/* fuzz_ddb_av.c — decode arbitrary JSON as an AttributeValue and as an item:
 * validation must never crash, and whatever validates must survive size,
 * copy, equality, description and (for key types) a key-encoding round trip. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "dynamodb/ddb_keycodec.h"

static void exercise_av(json_t *av)
{
    ddb_err_t err = DDB_ERR_INIT;
    if (ddb_av_validate(av, &err) < 0) {
        ddb_err_free(&err);
        return;
    }
    (void)ddb_av_size(av);
    json_t *copy = ddb_av_copy(av);
    if (!ddb_av_equal(av, copy))
        abort();
    nb_buf_t d = NB_BUF_INIT;
    ddb_av_describe(av, &d);
    nb_buf_free(&d);
    ddb_type_t t = ddb_av_type(av);
    if (t == DDB_T_S || t == DDB_T_N || t == DDB_T_B) {
        nb_buf_t k = NB_BUF_INIT;
        if (ddb_key_encode(&k, av) != 0)
            abort();
        json_t *back = NULL;
        long used = ddb_key_decode((const uint8_t *)k.data, k.len, t, &back);
        if (used != (long)k.len || !ddb_av_equal(av, back))
            abort();
        int c;
        if (ddb_av_cmp(av, back, &c) != 0 || c != 0)
            abort();
        json_decref(back);
        nb_buf_free(&k);
    }
    json_decref(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    json_t *v = json_loadb((const char *)data, size, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    if (!v)
        return 0;
    json_t *v2 = json_deep_copy(v);
    exercise_av(v);
    ddb_err_t err = DDB_ERR_INIT;
    if (ddb_item_validate(v2, &err) == 0) {
        (void)ddb_item_size(v2);
        json_t *c = ddb_item_copy(v2);
        json_decref(c);
    }
    ddb_err_free(&err);
    /* decoding arbitrary bytes as keys must fail cleanly or round-trip */
    for (ddb_type_t t = DDB_T_S; t <= DDB_T_B; t++) {
        json_t *out = NULL;
        long used = ddb_key_decode(data, size, t, &out);
        if (used > 0) {
            if (!out)
                abort();
            json_decref(out);
        }
    }
    json_decref(v);
    json_decref(v2);
    return 0;
}
