/* test_json_fast.c — core/json_fast.c: the fast parser builds jansson's
 * exact tree for what it accepts, declines what it must leave to jansson,
 * and nb_json_loadb answers as json_loadb does, errors included. */
#include "test.h"
#include "core/json_fast.h"

#define BOTH (JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL)


static void accepted_like_jansson(const char *s, size_t n, size_t flags)
{
    json_t *fast = nb_json_fast_parse(s, n, flags);
    json_t *ref = json_loadb(s, n, flags, NULL);
    if (!fast) TEST_FAIL_("fast parser declined: %.*s", (int)n, s);
    ASSERT(ref != NULL);
    if (!nb_json_same_tree(fast, ref)) TEST_FAIL_("trees differ: %.*s", (int)n, s);
    json_decref(fast);
    json_decref(ref);
}

static void declined(const char *s, size_t n, size_t flags)
{
    json_t *fast = nb_json_fast_parse(s, n, flags);
    if (fast) TEST_FAIL_("fast parser accepted: %.*s", (int)n, s);
    json_error_t a, b;
    json_t *ref = json_loadb(s, n, flags, &a);
    json_t *via = nb_json_loadb(s, n, flags, &b);
    ASSERT_EQ(!ref, !via);
    if (ref) ASSERT(nb_json_same_tree(ref, via));
    else ASSERT_STREQ(a.text, b.text);
    json_decref(ref);
    json_decref(via);
}

#define ACCEPT(lit) accepted_like_jansson(lit, sizeof lit - 1, BOTH)
#define DECLINE(lit) declined(lit, sizeof lit - 1, BOTH)

TEST(json_fast_dynamodb_bodies_match_jansson)
{
    ACCEPT("{\"TableName\":\"Users\",\"Key\":{\"id\":{\"S\":\"user-42\"}}}");
    ACCEPT("{\"TableName\":\"Users\",\"Item\":{\"id\":{\"S\":\"u\"},\"n\":{\"N\":\"-1.5e3\"},"
           "\"l\":{\"L\":[{\"BOOL\":true},{\"NULL\":true},{\"BOOL\":false},{\"SS\":[\"a\",\"b\"]}]},"
           "\"m\":{\"M\":{}}},\"Limit\":25,\"Segment\":0,\"Neg\":-0,\"Big\":-999999999999999999}");
    ACCEPT(" \t\r\n{ \"a\" : [ 1 , 2 , [ ] , { } ] } \n");
    ACCEPT("[]");
    ACCEPT("[\"x\",{\"\":null}]");
    ACCEPT("{\"\":\"\"}");
}

TEST(json_fast_strings_escapes_and_utf8_match_jansson)
{
    ACCEPT("{\"e\":\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\"}");
    ACCEPT("{\"u\":\"\\u00e9\\u20AC\\ud83d\\ude00 \\u0041\"}");
    ACCEPT("{\"\\u00e9t\\u00e9\":{\"k\\n\":\"\\u0001\"}}");   /* escaped keys, nested */
    ACCEPT("{\"nul\":\"a\\u0000b\"}");                           /* JSON_ALLOW_NUL */
    ACCEPT("{\"raw\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\x7f\"}");
    /* a long escaped key kept while its value's own escaped strings are decoded */
    char big[600];
    int n = snprintf(big, sizeof big, "{\"%s\\n\":{\"x\\t\":\"y\\r\"}}",
                     "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"
                     "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"
                     "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk");
    accepted_like_jansson(big, (size_t)n, BOTH);
}

TEST(json_fast_declines_what_jansson_decides)
{
    DECLINE("{\"r\":1.5}");                        /* reals: strtod's */
    DECLINE("{\"r\":1e5}");
    DECLINE("{\"i\":1234567890123456789}");        /* 19 digits: strtoll's range */
    DECLINE("{\"i\":99999999999999999999}");
    DECLINE("{\"a\":1,\"a\":2}");                  /* duplicate key */
    DECLINE("{\"a\\u0000\":1}");                   /* NUL in a key */
    declined("{\"a\":\"\\u0000\"}", 14, JSON_REJECT_DUPLICATES);   /* NUL without ALLOW_NUL */
    declined("{\"a\":1,\"a\":2}", 13, 0);           /* duplicates without the flag: last wins */
    DECLINE("\"top\"");
    DECLINE("1");
    DECLINE("");
    DECLINE("{");
    DECLINE("{\"a\":}");
    DECLINE("{\"a\":1,}");
    DECLINE("[1,]");
    DECLINE("{\"a\":01}");
    DECLINE("{\"a\":-}");
    DECLINE("{\"a\":tru}");
    DECLINE("{\"a\":truex}");
    DECLINE("{\"a\":1} x");
    DECLINE("{\"a\":\"\x01\"}");                   /* control character */
    DECLINE("{\"a\":\"\\x\"}");                    /* bad escape */
    DECLINE("{\"a\":\"\\ud800\"}");                /* lone surrogates */
    DECLINE("{\"a\":\"\\udc00\"}");
    DECLINE("{\"a\":\"\\ud800\\u0041\"}");
    DECLINE("{\"a\":\"\\u12\"}");
    DECLINE("{\"a\":\"\xc0\x80\"}");               /* overlong */
    DECLINE("{\"a\":\"\xed\xa0\x80\"}");           /* encoded surrogate */
    DECLINE("{\"a\":\"\xf4\x90\x80\x80\"}");       /* above U+10FFFF */
    DECLINE("{\"a\":\"\xe2\x82\"}");               /* truncated sequence */
    DECLINE("{\"a\":\"open");
    declined("{\"a\":1}\0", 8, BOTH);              /* a NUL byte after the value */
}

TEST(json_fast_depth_beyond_its_cap_goes_to_jansson)
{
    char s[2 * (NB_JSON_FAST_DEPTH + 2) + 1];
    size_t n = 0;
    for (int i = 0; i < NB_JSON_FAST_DEPTH + 1; i++) s[n++] = '[';
    for (int i = 0; i < NB_JSON_FAST_DEPTH + 1; i++) s[n++] = ']';
    declined(s, n, BOTH);
    accepted_like_jansson(s + 1, n - 2, BOTH);     /* exactly at the cap */
}

TEST(json_fast_other_flags_go_to_jansson)
{
    ASSERT(nb_json_fast_parse("{}", 2, JSON_DECODE_ANY) == NULL);
    json_t *j = nb_json_loadb("\"s\"", 3, JSON_DECODE_ANY, NULL);
    ASSERT(json_is_string(j));
    json_decref(j);
}

/* nb_json_plain_run against a byte-at-a-time reference: every byte value at
 * every position of runs long and short (across its 16- and 8-byte steps),
 * with and without stop_high. */
static size_t plain_run_ref(const unsigned char *p, size_t n, int stop_high)
{
    size_t i = 0;
    while (i < n && p[i] != '"' && p[i] != '\\' && p[i] >= 0x20 && !(stop_high && p[i] >= 0x80)) i++;
    return i;
}

TEST(plain_run_stops_where_a_byte_at_a_time_scan_does)
{
    unsigned char buf[40];
    for (int stop_high = 0; stop_high < 2; stop_high++)
        for (size_t len = 0; len <= sizeof buf; len++)
            for (size_t at = 0; at < len; at++)
                for (int c = 0; c < 256; c++) {
                    memset(buf, 'a', sizeof buf);
                    buf[at] = (unsigned char)c;
                    if (at + 3 < len) buf[at + 3] = 0x7f;     /* never special */
                    if (at + 5 < len) buf[at + 5] = '"';      /* a later stop: the first one counts */
                    ASSERT_EQ(nb_json_plain_run(buf, len, stop_high), plain_run_ref(buf, len, stop_high));
                }
}
