/* test_apigw_ws.c — WebSocket frame codec (masking, lengths, limits, bad
 * frames), the RFC 6455 handshake example, route selection expressions. */
#include "test.h"
#include "apigw/ws.h"
#include <stdint.h>

/* A masked client frame for payload. */
static size_t client_frame(unsigned char *out, int fin, int op, const char *payload, size_t len)
{
    static const unsigned char mask[4] = {0x37, 0xfa, 0x21, 0x3d};
    size_t pos = 0;
    out[pos++] = (unsigned char)((fin ? 0x80 : 0) | op);
    if (len < 126) out[pos++] = (unsigned char)(0x80 | len);
    else if (len < 65536) { out[pos++] = 0x80 | 126; out[pos++] = (unsigned char)(len >> 8); out[pos++] = (unsigned char)len; }
    else { out[pos++] = 0x80 | 127; for (int i = 0; i < 8; i++) out[pos++] = (unsigned char)((uint64_t)len >> (56 - 8 * i)); }
    memcpy(out + pos, mask, 4);
    pos += 4;
    for (size_t i = 0; i < len; i++) out[pos + i] = (unsigned char)payload[i] ^ mask[i & 3];
    return pos + len;
}

TEST(ws_parse_masked_text_and_incomplete)
{
    unsigned char buf[256];
    size_t n = client_frame(buf, 1, APIGW_WS_TEXT, "Hello", 5);
    apigw_ws_frame_t f;
    for (size_t k = 0; k < n; k++) {
        unsigned char copy[256];
        memcpy(copy, buf, k);
        ASSERT_EQ(apigw__ws_parse(copy, k, APIGW_WS_MAX_FRAME, &f), APIGW_WS_INCOMPLETE);
    }
    ASSERT_EQ(apigw__ws_parse(buf, n, APIGW_WS_MAX_FRAME, &f), (long)n);
    ASSERT_EQ(f.fin, 1);
    ASSERT_EQ(f.opcode, APIGW_WS_TEXT);
    ASSERT_EQ(f.len, 5);
    ASSERT_MEMEQ(f.payload, "Hello", 5);
}

TEST(ws_parse_lengths_and_limits)
{
    static unsigned char buf[70000], big[70000];
    memset(big, 'x', sizeof big);
    apigw_ws_frame_t f;
    size_t n = client_frame(buf, 1, APIGW_WS_BINARY, (const char *)big, 300);
    ASSERT_EQ(apigw__ws_parse(buf, n, APIGW_WS_MAX_FRAME, &f), (long)n);
    ASSERT_EQ(f.len, 300);
    n = client_frame(buf, 1, APIGW_WS_BINARY, (const char *)big, 33 * 1024);
    ASSERT_EQ(apigw__ws_parse(buf, n, APIGW_WS_MAX_FRAME, &f), APIGW_WS_TOO_BIG);   /* close 1009 */
    n = client_frame(buf, 1, APIGW_WS_BINARY, (const char *)big, 66000);
    ASSERT_EQ(apigw__ws_parse(buf, n, 70000, &f), (long)n);
}

TEST(ws_parse_rejects_bad_frames)
{
    unsigned char buf[256];
    apigw_ws_frame_t f;
    size_t n = client_frame(buf, 1, APIGW_WS_TEXT, "hi", 2);
    buf[1] &= 0x7f;   /* unmasked */
    ASSERT_EQ(apigw__ws_parse(buf, n, 1024, &f), APIGW_WS_BAD);
    n = client_frame(buf, 1, APIGW_WS_TEXT, "hi", 2);
    buf[0] |= 0x40;   /* reserved bit */
    ASSERT_EQ(apigw__ws_parse(buf, n, 1024, &f), APIGW_WS_BAD);
    n = client_frame(buf, 1, 0x3, "hi", 2);   /* unknown opcode */
    ASSERT_EQ(apigw__ws_parse(buf, n, 1024, &f), APIGW_WS_BAD);
    n = client_frame(buf, 0, APIGW_WS_PING, "hi", 2);   /* fragmented control frame */
    ASSERT_EQ(apigw__ws_parse(buf, n, 1024, &f), APIGW_WS_BAD);
    unsigned char nonmin[] = {0x81, 0x80 | 126, 0x00, 0x05, 1, 2, 3, 4, 'a', 'b', 'c', 'd', 'e'};
    ASSERT_EQ(apigw__ws_parse(nonmin, sizeof nonmin, 1024, &f), APIGW_WS_BAD);
}

TEST(ws_server_frames_round_trip)
{
    nb_buf_t b = NB_BUF_INIT;
    apigw__ws_frame(&b, APIGW_WS_TEXT, "hey", 3);
    ASSERT_EQ(b.len, 5);
    ASSERT_EQ((unsigned char)b.data[0], 0x81);
    ASSERT_EQ((unsigned char)b.data[1], 3);
    nb_buf_clear(&b);
    static char big[70000];
    apigw__ws_frame(&b, APIGW_WS_BINARY, big, 300);
    ASSERT_EQ((unsigned char)b.data[1], 126);
    ASSERT_EQ(b.len, 304);
    nb_buf_clear(&b);
    apigw__ws_frame(&b, APIGW_WS_BINARY, big, 70000);
    ASSERT_EQ((unsigned char)b.data[1], 127);
    ASSERT_EQ(b.len, 70010);
    nb_buf_clear(&b);
    apigw__ws_close_frame(&b, 1009, "Message too big");
    ASSERT_EQ((unsigned char)b.data[0], 0x88);
    ASSERT_EQ((unsigned char)b.data[2], 0x03);
    ASSERT_EQ((unsigned char)b.data[3], 0xf1);
    nb_buf_free(&b);
}

TEST(ws_accept_key_rfc6455_example)
{
    char out[32];
    apigw__ws_accept_key("dGhlIHNhbXBsZSBub25jZQ==", out);
    ASSERT_STREQ(out, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(ws_route_selection)
{
    nb_arena_t *a = nb_arena_new(1024);
    const char *body = "{\"action\":\"sendMessage\",\"meta\":{\"kind\":\"chat\",\"n\":3}}";
    ASSERT_STREQ(apigw__ws_select_route(a, "$request.body.action", body, strlen(body)), "sendMessage");
    ASSERT_STREQ(apigw__ws_select_route(a, "$request.body.meta.kind", body, strlen(body)), "chat");
    ASSERT_STREQ(apigw__ws_select_route(a, "$request.body.meta.n", body, strlen(body)), "3");
    ASSERT(apigw__ws_select_route(a, "$request.body.missing", body, strlen(body)) == NULL);
    ASSERT(apigw__ws_select_route(a, "$request.body.action", "not json", 8) == NULL);
    ASSERT(apigw__ws_select_route(a, "$request.body.action", "{\"action\":{}}", 13) == NULL);
    nb_arena_free(a);
}
