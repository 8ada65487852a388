/* test_ddb_json_dump.c — ddb_json_dump writes what json_dumps(JSON_COMPACT)
 * writes: fixed tricky values, then random item-shaped values. */
#include <stdint.h>
#include <stdlib.h>
#include "test.h"
#include "dynamodb/ddb_json_dump.h"

static void same_as_jansson(const json_t *v)
{
    char *want = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    ASSERT(want != NULL);
    nb_buf_t b = NB_BUF_INIT;
    ddb_json_dump(&b, v);
    ASSERT_EQ(b.len, strlen(want));
    ASSERT_MEMEQ(b.data, want, b.len);
    /* and it parses back to the same value */
    json_t *back = json_loadb(b.data, b.len, JSON_ALLOW_NUL | JSON_DECODE_ANY, NULL);
    ASSERT(back != NULL);
    ASSERT(json_equal(back, (json_t *)v));
    json_decref(back);
    nb_buf_free(&b);
    free(want);
}

TEST(ddb_json_dump_tricky_strings)
{
    static const char *const strs[] = { "", "plain", "quote\"s", "back\\slash", "slash/", "tab\tnl\ncr\r",
                                        "\b\f\x01\x1f\x7f", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
                                        "end\\", "\"" };
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        json_t *s = json_string(strs[i]);
        same_as_jansson(s);
        json_decref(s);
    }
    json_t *nul = json_stringn("a\0b\0", 4);
    same_as_jansson(nul);
    json_decref(nul);
    json_t *item = json_pack("{s:{s:s},s:{s:b},s:{s:b},s:{s:[s,s]},s:{s:{s:{s:s}}},s:{s:[{s:s},{s:b}]},s:i,s:n}",
                             "id", "S", "user-1", "ok", "BOOL", 1, "no", "NULL", 1, "tags", "SS", "a", "b\"",
                             "m", "M", "k\n", "N", "1.5", "l", "L", "S", "x", "BOOL", 0, "int", -42, "null");
    ASSERT(item != NULL);
    same_as_jansson(item);
    json_decref(item);
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

static json_t *rand_string(void)
{
    static const char *const pieces[] = { "a", "Z", "\"", "\\", "/", "\n", "\x01", "\x1f", "\x7f", " ",
                                          "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "yyyyyyyyyyyyyyyy" };
    char buf[256];
    size_t n = 0, want = rnd(40);
    while (n < want) {
        const char *p = pieces[rnd(sizeof pieces / sizeof pieces[0])];
        size_t l = strlen(p);
        if (n + l >= sizeof buf) break;
        memcpy(buf + n, p, l);
        n += l;
    }
    if (rnd(8) == 0 && n < sizeof buf - 1) buf[n++] = 0;     /* a NUL inside */
    return json_stringn(buf, n);
}

static json_t *rand_value(int depth)
{
    switch (depth > 3 ? rnd(4) : rnd(7)) {
    case 0: return rand_string();
    case 1: return json_boolean(rnd(2));
    case 2: return json_null();
    case 3: return json_integer((json_int_t)rnd(1000000) - 500000);
    case 4: case 5: {
        json_t *o = json_object();
        for (uint32_t i = rnd(5); i > 0; i--) {
            json_t *k = rand_string();
            if (!memchr(json_string_value(k), 0, json_string_length(k)))
                json_object_set_new(o, json_string_value(k), rand_value(depth + 1));
            json_decref(k);
        }
        return o;
    }
    default: {
        json_t *a = json_array();
        for (uint32_t i = rnd(5); i > 0; i--) json_array_append_new(a, rand_value(depth + 1));
        return a;
    }
    }
}

TEST(ddb_json_dump_random_values_match_jansson)
{
    for (int i = 0; i < 3000; i++) {
        json_t *v = rand_value(0);
        same_as_jansson(v);
        json_decref(v);
    }
}
