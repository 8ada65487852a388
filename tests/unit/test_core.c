/* test_core.c — arena, buffers, encodings, config precedence, CRC-32. */
#include "test.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/crc32.h"
#include "core/util.h"
#include <stdlib.h>
#include <zlib.h>

TEST(arena_grows_and_aligns)
{
    nb_arena_t *a = nb_arena_new(64);
    for (int i = 0; i < 1000; i++) {
        char *p = nb_arena_alloc(a, (size_t)(i % 50 + 1));
        ASSERT_EQ(((uintptr_t)p) % 16, 0);
        memset(p, 'x', (size_t)(i % 50 + 1));
    }
    char *big = nb_arena_alloc(a, 1 << 21);
    memset(big, 0, 1 << 21);
    ASSERT_STREQ(nb_arena_printf(a, "%d-%s", 42, "x"), "42-x");
    nb_arena_reset(a);
    nb_arena_free(a);
}

TEST(base64_roundtrip)
{
    const char *cases[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    const char *enc[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    for (int i = 0; i < 7; i++) {
        nb_buf_t b = NB_BUF_INIT, d = NB_BUF_INIT;
        nb_base64_encode(&b, cases[i], strlen(cases[i]));
        ASSERT_STREQ(b.data, enc[i]);
        ASSERT_EQ(nb_base64_decode(&d, b.data, b.len), 0);
        ASSERT_EQ(d.len, strlen(cases[i]));
        if (d.len) ASSERT_MEMEQ(d.data, cases[i], d.len);
        nb_buf_free(&b);
        nb_buf_free(&d);
    }
    nb_buf_t bad = NB_BUF_INIT;
    ASSERT_EQ(nb_base64_decode(&bad, "Zm9", 3), -1);
    ASSERT_EQ(nb_base64_decode(&bad, "Z=9v", 4), -1);
    nb_buf_free(&bad);
}

TEST(url_codec)
{
    nb_buf_t b = NB_BUF_INIT;
    ASSERT_EQ(nb_url_decode(&b, "a%20b+c", 7, 1), 0);
    ASSERT_STREQ(b.data, "a b c");
    nb_buf_clear(&b);
    ASSERT_EQ(nb_url_decode(&b, "%4", 2, 0), -1);
    nb_buf_clear(&b);
    ASSERT_EQ(nb_url_decode(&b, "%7e%7E%zz", 9, 0), -1);
    nb_buf_clear(&b);
    ASSERT_EQ(nb_url_decode(&b, "%7e%7E", 6, 0), 0);
    ASSERT_STREQ(b.data, "~~");
    nb_buf_clear(&b);
    nb_url_encode(&b, "a b/~", 5, 1);
    ASSERT_STREQ(b.data, "a%20b/~");
    nb_buf_free(&b);
}

TEST(hexval_digits_either_case)
{
    ASSERT_EQ(nb_hexval('0'), 0);
    ASSERT_EQ(nb_hexval('9'), 9);
    ASSERT_EQ(nb_hexval('a'), 10);
    ASSERT_EQ(nb_hexval('F'), 15);
    ASSERT_EQ(nb_hexval('g'), -1);
    ASSERT_EQ(nb_hexval('/'), -1);
    ASSERT_EQ(nb_hexval(0xC3), -1);
    ASSERT_EQ(nb_hexval(0), -1);
}

TEST(uuid_format)
{
    char a[37], b[37];
    nb_uuid4(a);
    nb_uuid4(b);
    ASSERT_EQ(strlen(a), 36);
    ASSERT(strcmp(a, b) != 0);
    ASSERT_EQ(a[14], '4');
}

TEST(config_precedence_flags_env_file)
{
    const char *dir = test_tmpdir();
    char path[512];
    snprintf(path, sizeof path, "%s/nimbus.conf", dir);
    FILE *f = fopen(path, "w");
    fprintf(f, "# comment\nregion = eu-west-1\naccount = 111111111111\nlambda.idle_timeout = 5\n");
    fclose(f);
    setenv("NIMBUS_ACCOUNT", "222222222222", 1);
    setenv("NIMBUS_LAMBDA_IDLE_TIMEOUT", "7", 1);
    nb_config_t c;
    char *argv[] = {"--data", (char *)dir, "--listen", "127.0.0.1:0", "--set", "ddb.x=1"};
    ASSERT_EQ(nb_config_load(&c, 6, argv), 0);
    ASSERT_STREQ(c.region, "eu-west-1");          /* file */
    ASSERT_STREQ(c.account, "222222222222");      /* env beats file */
    ASSERT_EQ(c.listen_port, 0);                  /* flag */
    ASSERT_EQ(nb_config_get_long(&c, "lambda.idle_timeout", 0), 7);
    ASSERT_STREQ(nb_config_get(&c, "ddb.x"), "1");
    nb_config_free(&c);
    char *bad[] = {"--data", (char *)dir, "--account", "12"};
    ASSERT_EQ(nb_config_load(&c, 4, bad), -1);
    nb_config_free(&c);
    char *unknown[] = {"--frobnicate"};
    ASSERT_EQ(nb_config_load(&c, 1, unknown), -1);
    nb_config_free(&c);
}

/* nb_crc32 (ISA-L) against zlib's crc32: every length up to past ISA-L's
 * block sizes, every start alignment, chained calls, a seed, and a long run. */
TEST(crc32_matches_zlib)
{
    size_t max = 4096 + 64;
    unsigned char *buf = malloc(max + 16);
    uint32_t seed = 12345;
    for (size_t i = 0; i < max + 16; i++) { seed = seed * 1103515245u + 12345u; buf[i] = (unsigned char)(seed >> 16); }
    for (size_t len = 0; len <= 1100; len++)
        for (size_t off = 0; off < 16; off += (len < 300 ? 1 : 7)) {
            uint32_t want = (uint32_t)crc32(0L, buf + off, (uInt)len);
            if (nb_crc32(0, buf + off, len) != want) TEST_FAIL_("len %zu off %zu", len, off);
            uint32_t c = nb_crc32(0, buf + off, len / 3);
            c = nb_crc32(c, buf + off + len / 3, len - len / 3);
            if (c != want) TEST_FAIL_("chained, len %zu off %zu", len, off);
            uint32_t seedc = (uint32_t)crc32(0L, (const unsigned char *)"seed", 4);
            ASSERT_EQ(nb_crc32(seedc, buf + off, len), (uint32_t)crc32(seedc, buf + off, (uInt)len));
        }
    ASSERT_EQ(nb_crc32(0, buf, max), (uint32_t)crc32(0L, buf, (uInt)max));
    memset(buf, 0xff, max);
    ASSERT_EQ(nb_crc32(0, buf, max), (uint32_t)crc32(0L, buf, (uInt)max));
    ASSERT_EQ(nb_crc32(0, "123456789", 9), 0xCBF43926u);   /* the CRC-32 check value */
    free(buf);
}

TEST(crc32_text)
{
    char t[11];
    ASSERT_EQ(nb_crc32_text(0, t), 1); ASSERT_STREQ(t, "0");
    ASSERT_EQ(nb_crc32_text(7, t), 1); ASSERT_STREQ(t, "7");
    ASSERT_EQ(nb_crc32_text(1234567890u, t), 10); ASSERT_STREQ(t, "1234567890");
    ASSERT_EQ(nb_crc32_text(4294967295u, t), 10); ASSERT_STREQ(t, "4294967295");
    char want[16];
    for (uint32_t v = 1; v < 4000000000u; v = v * 3 + 1) {
        snprintf(want, sizeof want, "%u", v);
        nb_crc32_text(v, t);
        ASSERT_STREQ(t, want);
    }
}
