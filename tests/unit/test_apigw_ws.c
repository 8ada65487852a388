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

/* AWS's selection expression rules: braces delimit variables, several
 * variables among literal text, "\$" a literal dollar, values stringified. */
TEST(ws_route_selection_expressions)
{
    nb_arena_t *a = nb_arena_new(1024);
    const char *body = "{\"v\":\"2\",\"a\":\"x\",\"f\":1.5,\"t\":true,\"n\":null,\"l\":[\"p\",{\"k\":\"q\"}]}";
    size_t n = strlen(body);
    ASSERT_STREQ(apigw__ws_select_route(a, "${request.body.a}", body, n), "x");
    ASSERT_STREQ(apigw__ws_select_route(a, "${request.body.v}-beta", body, n), "2-beta");
    ASSERT_STREQ(apigw__ws_select_route(a, "$request.body.a-$request.body.v", body, n), "x-2");
    ASSERT_STREQ(apigw__ws_select_route(a, "$request.body.a.$request.body.v.", body, n), "x.2.");
    ASSERT_STREQ(apigw__ws_select_route(a, "${request.body.a}${request.body.v}", body, n), "x2");
    ASSERT_STREQ(apigw__ws_select_route(a, "$request.body.f", body, n), "1.5");
    ASSERT_STREQ(apigw__ws_select_route(a, "$request.body.t", body, n), "true");
    ASSERT_STREQ(apigw__ws_select_route(a, "$request.body.l[0]", body, n), "p");
    ASSERT_STREQ(apigw__ws_select_route(a, "$request.body.l[1].k", body, n), "q");
    ASSERT_STREQ(apigw__ws_select_route(a, "\\$default", body, n), "$default");
    ASSERT_STREQ(apigw__ws_select_route(a, "static", body, n), "static");
    ASSERT(apigw__ws_select_route(a, "$request.body.n", body, n) == NULL);
    ASSERT(apigw__ws_select_route(a, "$request.body.l", body, n) == NULL);
    ASSERT(apigw__ws_select_route(a, "$request.body.l[2]", body, n) == NULL);
    ASSERT(apigw__ws_select_route(a, "$request.body.l[x]", body, n) == NULL);
    ASSERT(apigw__ws_select_route(a, "${request.body.a", body, n) == NULL);
    ASSERT(apigw__ws_select_route(a, "${request.body.}", body, n) == NULL);
    ASSERT(apigw__ws_select_route(a, "$context.routeKey", body, n) == NULL);
    ASSERT(apigw__ws_select_route(a, "${request.body.a}-x", "[1]", 3) == NULL);
    nb_arena_free(a);
}

/* ---- ws_rx: frames → messages ---------------------------------------------- */
#include "apigw/ws_rx.h"
#include "apigw/ws_int.h"

/* Feed s one byte at a time and return the first non-zero result. */
static int rx_bytewise(apigw_ws_rx_t *rx, const unsigned char *s, size_t n, apigw_ws_event_t *ev)
{
    for (size_t i = 0; i < n; i++) {
        apigw__ws_rx_feed(rx, s + i, 1);
        int r = apigw__ws_rx_next(rx, ev);
        if (r) return r;
    }
    return 0;
}

TEST(ws_rx_fragments_with_a_ping_between)
{
    unsigned char buf[512];
    size_t n = client_frame(buf, 0, APIGW_WS_TEXT, "Hel", 3);
    n += client_frame(buf + n, 1, APIGW_WS_PING, "p", 1);
    n += client_frame(buf + n, 0, APIGW_WS_CONT, "lo ", 3);
    n += client_frame(buf + n, 1, APIGW_WS_CONT, "world", 5);
    apigw_ws_rx_t rx;
    apigw__ws_rx_init(&rx);
    apigw_ws_event_t ev;
    ASSERT_EQ(rx_bytewise(&rx, buf, n, &ev), 1);   /* the ping, in the middle */
    ASSERT_EQ(ev.kind, APIGW_WS_PING);
    ASSERT_EQ(ev.len, 1);
    ASSERT_EQ(apigw__ws_rx_next(&rx, &ev), 0);
    apigw__ws_rx_free(&rx);

    apigw__ws_rx_init(&rx);
    apigw__ws_rx_feed(&rx, buf, n);
    ASSERT_EQ(apigw__ws_rx_next(&rx, &ev), 1);
    ASSERT_EQ(ev.kind, APIGW_WS_PING);
    ASSERT_EQ(apigw__ws_rx_next(&rx, &ev), 1);
    ASSERT_EQ(ev.kind, APIGW_WS_TEXT);
    ASSERT_EQ(ev.len, 11);
    ASSERT_MEMEQ(ev.data, "Hello world", 11);
    ASSERT_EQ(apigw__ws_rx_next(&rx, &ev), 0);
    apigw__ws_rx_free(&rx);
}

TEST(ws_rx_close_frames)
{
    unsigned char buf[64];
    apigw_ws_rx_t rx;
    apigw_ws_event_t ev;
    apigw__ws_rx_init(&rx);
    apigw__ws_rx_feed(&rx, buf, client_frame(buf, 1, APIGW_WS_CLOSE, "\x0f\xa0" "bye", 5));
    ASSERT_EQ(apigw__ws_rx_next(&rx, &ev), 1);
    ASSERT_EQ(ev.kind, APIGW_WS_CLOSE);
    ASSERT_EQ(ev.close_code, 4000);
    ASSERT_EQ(ev.len, 3);
    ASSERT_MEMEQ(ev.data, "bye", 3);
    apigw__ws_rx_free(&rx);

    apigw__ws_rx_init(&rx);
    apigw__ws_rx_feed(&rx, buf, client_frame(buf, 1, APIGW_WS_CLOSE, "", 0));
    ASSERT_EQ(apigw__ws_rx_next(&rx, &ev), 1);
    ASSERT_EQ(ev.close_code, 1005);
    apigw__ws_rx_free(&rx);

    /* 1-byte payload, reserved code 1005 on the wire, reason not UTF-8 */
    const char *bad[] = {"\x03", "\x03\xed", "\x03\xe8\xff"};
    const size_t bad_len[] = {1, 2, 3};
    const int want[] = {-1002, -1002, -1007};
    for (int i = 0; i < 3; i++) {
        apigw__ws_rx_init(&rx);
        apigw__ws_rx_feed(&rx, buf, client_frame(buf, 1, APIGW_WS_CLOSE, bad[i], bad_len[i]));
        ASSERT_EQ(apigw__ws_rx_next(&rx, &ev), want[i]);
        apigw__ws_rx_free(&rx);
    }
}

TEST(ws_rx_protocol_errors_are_sticky)
{
    unsigned char buf[64];
    apigw_ws_rx_t rx;
    apigw_ws_event_t ev;
    /* a continuation with no message started */
    apigw__ws_rx_init(&rx);
    apigw__ws_rx_feed(&rx, buf, client_frame(buf, 1, APIGW_WS_CONT, "x", 1));
    ASSERT_EQ(apigw__ws_rx_next(&rx, &ev), -1002);
    apigw__ws_rx_feed(&rx, buf, client_frame(buf, 1, APIGW_WS_TEXT, "x", 1));
    ASSERT_EQ(apigw__ws_rx_next(&rx, &ev), -1002);
    apigw__ws_rx_free(&rx);
    /* a new message inside a fragmented one */
    apigw__ws_rx_init(&rx);
    size_t n = client_frame(buf, 0, APIGW_WS_TEXT, "a", 1);
    n += client_frame(buf + n, 1, APIGW_WS_BINARY, "b", 1);
    apigw__ws_rx_feed(&rx, buf, n);
    ASSERT_EQ(apigw__ws_rx_next(&rx, &ev), -1002);
    apigw__ws_rx_free(&rx);
    /* an unmasked frame */
    apigw__ws_rx_init(&rx);
    apigw__ws_rx_feed(&rx, "\x81\x01x", 3);
    ASSERT_EQ(apigw__ws_rx_next(&rx, &ev), -1002);
    apigw__ws_rx_free(&rx);
    /* text that is not UTF-8 (a lone continuation byte; a surrogate) */
    apigw__ws_rx_init(&rx);
    apigw__ws_rx_feed(&rx, buf, client_frame(buf, 1, APIGW_WS_TEXT, "a\x80", 2));
    ASSERT_EQ(apigw__ws_rx_next(&rx, &ev), -1007);
    apigw__ws_rx_free(&rx);
    apigw__ws_rx_init(&rx);
    apigw__ws_rx_feed(&rx, buf, client_frame(buf, 1, APIGW_WS_TEXT, "\xed\xa0\x80", 3));
    ASSERT_EQ(apigw__ws_rx_next(&rx, &ev), -1007);
    apigw__ws_rx_free(&rx);
}

TEST(ws_rx_limits_32k_frame_128k_message)
{
    size_t big = APIGW_WS_MAX_FRAME + 1;
    char *payload = calloc(1, APIGW_WS_MAX_FRAME + 1);
    memset(payload, 'a', APIGW_WS_MAX_FRAME + 1);
    unsigned char *buf = malloc(5 * (APIGW_WS_MAX_FRAME + 16));
    apigw_ws_rx_t rx;
    apigw_ws_event_t ev;
    /* the header alone is enough to refuse an oversized frame */
    apigw__ws_rx_init(&rx);
    size_t n = client_frame(buf, 1, APIGW_WS_TEXT, payload, big);
    apigw__ws_rx_feed(&rx, buf, 8);
    ASSERT_EQ(apigw__ws_rx_next(&rx, &ev), -1009);
    (void)n;
    apigw__ws_rx_free(&rx);
    /* exactly 32 KB frames: four make a 128 KB message, a fifth byte is too many */
    apigw__ws_rx_init(&rx);
    n = 0;
    for (int i = 0; i < 4; i++)
        n += client_frame(buf + n, i == 3, i ? APIGW_WS_CONT : APIGW_WS_TEXT, payload, APIGW_WS_MAX_FRAME);
    apigw__ws_rx_feed(&rx, buf, n);
    ASSERT_EQ(apigw__ws_rx_next(&rx, &ev), 1);
    ASSERT_EQ(ev.len, APIGW_WS_MAX_MESSAGE);
    apigw__ws_rx_free(&rx);
    apigw__ws_rx_init(&rx);
    n = 0;
    for (int i = 0; i < 4; i++)
        n += client_frame(buf + n, 0, i ? APIGW_WS_CONT : APIGW_WS_TEXT, payload, APIGW_WS_MAX_FRAME);
    n += client_frame(buf + n, 1, APIGW_WS_CONT, "z", 1);
    apigw__ws_rx_feed(&rx, buf, n);
    ASSERT_EQ(apigw__ws_rx_next(&rx, &ev), -1009);
    apigw__ws_rx_free(&rx);
    free(payload);
    free(buf);
}

TEST(ws_utf8_validation)
{
    ASSERT_EQ(apigw__utf8_valid((const unsigned char *)"h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80", 15), 1);
    ASSERT_EQ(apigw__utf8_valid((const unsigned char *)"\xc0\xaf", 2), 0);        /* overlong */
    ASSERT_EQ(apigw__utf8_valid((const unsigned char *)"\xe0\x80\xaf", 3), 0);    /* overlong */
    ASSERT_EQ(apigw__utf8_valid((const unsigned char *)"\xf4\x90\x80\x80", 4), 0);/* > U+10FFFF */
    ASSERT_EQ(apigw__utf8_valid((const unsigned char *)"\xe2\x82", 2), 0);        /* truncated */
    ASSERT_EQ(apigw__utf8_valid((const unsigned char *)"", 0), 1);
}

TEST(ws_event_request_context)
{
    json_t *az = json_pack("{s:s}", "principalId", "user-1");
    apigw_ws_info_t ci = {"abc123", "prod", "Xyz0123456789ab=", "abc123.execute-api.localhost:4566", "127.0.0.1",
                          "ua/1", "000000000000", 1700000000000ull, az};
    json_t *ev = apigw__ws_event(&ci, "MESSAGE", "echo", "req-1", "msg-1", 1700000000123ull);
    json_t *rc = json_object_get(ev, "requestContext");
    ASSERT_STREQ(json_string_value(json_object_get(rc, "routeKey")), "echo");
    ASSERT_STREQ(json_string_value(json_object_get(rc, "eventType")), "MESSAGE");
    ASSERT_STREQ(json_string_value(json_object_get(rc, "messageId")), "msg-1");
    ASSERT_STREQ(json_string_value(json_object_get(rc, "messageDirection")), "IN");
    ASSERT_STREQ(json_string_value(json_object_get(rc, "connectionId")), "Xyz0123456789ab=");
    ASSERT_STREQ(json_string_value(json_object_get(rc, "domainName")), "abc123.execute-api.localhost:4566");
    ASSERT_STREQ(json_string_value(json_object_get(rc, "apiId")), "abc123");
    ASSERT_STREQ(json_string_value(json_object_get(rc, "stage")), "prod");
    ASSERT_STREQ(json_string_value(json_object_get(rc, "requestId")), "req-1");
    ASSERT_STREQ(json_string_value(json_object_get(rc, "extendedRequestId")), "req-1");
    ASSERT_STREQ(json_string_value(json_object_get(rc, "requestTime")), "14/Nov/2023:22:13:20 +0000");
    ASSERT_EQ(json_integer_value(json_object_get(rc, "connectedAt")), 1700000000000ll);
    ASSERT_EQ(json_integer_value(json_object_get(rc, "requestTimeEpoch")), 1700000000123ll);
    ASSERT_STREQ(json_string_value(json_object_get(json_object_get(rc, "identity"), "sourceIp")), "127.0.0.1");
    ASSERT_STREQ(json_string_value(json_object_get(json_object_get(rc, "identity"), "userAgent")), "ua/1");
    ASSERT(json_is_false(json_object_get(ev, "isBase64Encoded")));
    ASSERT_STREQ(json_string_value(json_object_get(json_object_get(rc, "authorizer"), "principalId")), "user-1");
    json_decref(ev);
    json_decref(az);
    ci.authorizer = NULL;
    ev = apigw__ws_event(&ci, "CONNECT", "$connect", "req-2", NULL, 1);
    rc = json_object_get(ev, "requestContext");   /* as a captured $connect event: null, not absent */
    ASSERT(json_is_null(json_object_get(rc, "messageId")));
    ASSERT(json_is_null(json_object_get(rc, "disconnectStatusCode")));
    ASSERT(json_is_null(json_object_get(rc, "disconnectReason")));
    json_decref(ev);
    ev = apigw__ws_event(&ci, "DISCONNECT", "$disconnect", "req-3", NULL, 1);
    ASSERT(!json_object_get(json_object_get(ev, "requestContext"), "messageId"));
    json_decref(ev);

    nb_buf_t b = NB_BUF_INIT;
    apigw__ws_gateway_message(&b, "Forbidden", "c1=", "r\"1");
    ASSERT_STREQ(b.data, "{\"message\": \"Forbidden\", \"connectionId\":\"c1=\", \"requestId\":\"r\\\"1\"}");
    nb_buf_free(&b);
}
