/* ws_rx.c — WebSocket receive state machine over the frame codec (see
 * ws_rx.h). Input is buffered once; frames are unmasked in place and their
 * bytes released before the next frame is parsed, so the buffer never holds
 * more than one frame plus the bytes that arrived with it. */
#include "apigw/ws_rx.h"
#include "apigw/ws.h"
#include <string.h>

void apigw__ws_rx_init(apigw_ws_rx_t *rx)
{
    memset(rx, 0, sizeof *rx);
}

void apigw__ws_rx_free(apigw_ws_rx_t *rx)
{
    nb_buf_free(&rx->in);
    nb_buf_free(&rx->msg);
}

void apigw__ws_rx_feed(apigw_ws_rx_t *rx, const void *data, size_t len)
{
    if (rx->error || !len) return;
    if (rx->in_off && rx->in_off == rx->in.len) rx->in.len = rx->in_off = 0;
    nb_buf_append(&rx->in, data, len);
}

int apigw__utf8_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c < 0x80) { i++; continue; }
        size_t k;
        unsigned lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) k = 1;
        else if (c >= 0xE0 && c <= 0xEF) {
            k = 2;
            if (c == 0xE0) lo = 0xA0;        /* overlong */
            if (c == 0xED) hi = 0x9F;        /* surrogates */
        } else if (c >= 0xF0 && c <= 0xF4) {
            k = 3;
            if (c == 0xF0) lo = 0x90;        /* overlong */
            if (c == 0xF4) hi = 0x8F;        /* > U+10FFFF */
        } else {
            return 0;
        }
        if (n - i <= k) return 0;
        if (s[i + 1] < lo || s[i + 1] > hi) return 0;
        for (size_t j = 2; j <= k; j++)
            if ((s[i + j] & 0xC0) != 0x80) return 0;
        i += k + 1;
    }
    return 1;
}

static int fail(apigw_ws_rx_t *rx, int code)
{
    rx->error = code;
    return -code;
}

/* Close codes a peer may send (RFC 6455 7.4). */
static int close_code_ok(unsigned c)
{
    return (c >= 1000 && c <= 1003) || (c >= 1007 && c <= 1011) || (c >= 3000 && c <= 4999);
}

static int control(apigw_ws_rx_t *rx, const apigw_ws_frame_t *f, apigw_ws_event_t *ev)
{
    ev->kind = f->opcode;
    ev->data = f->payload;
    ev->len = f->len;
    ev->close_code = 0;
    if (f->opcode != APIGW_WS_CLOSE) return 1;
    ev->close_code = 1005;
    if (f->len == 1) return fail(rx, 1002);
    if (f->len >= 2) {
        ev->close_code = ((unsigned)f->payload[0] << 8) | f->payload[1];
        if (!close_code_ok(ev->close_code)) return fail(rx, 1002);
        ev->data = f->payload + 2;
        ev->len = f->len - 2;
        if (!apigw__utf8_valid(ev->data, ev->len)) return fail(rx, 1007);
    }
    return 1;
}

int apigw__ws_rx_next(apigw_ws_rx_t *rx, apigw_ws_event_t *ev)
{
    for (;;) {
        if (rx->error) return -rx->error;
        apigw_ws_frame_t f;
        long n = apigw__ws_parse((unsigned char *)rx->in.data + rx->in_off, rx->in.len - rx->in_off,
                                 APIGW_WS_MAX_FRAME, &f);
        if (n == APIGW_WS_BAD) return fail(rx, 1002);
        if (n == APIGW_WS_TOO_BIG) return fail(rx, 1009);
        if (n == APIGW_WS_INCOMPLETE) {
            if (rx->in_off) {   /* keep only the partial frame */
                memmove(rx->in.data, rx->in.data + rx->in_off, rx->in.len - rx->in_off);
                rx->in.len -= rx->in_off;
                rx->in_off = 0;
            }
            return 0;
        }
        rx->in_off += (size_t)n;   /* f.payload stays valid until the next feed */
        if (f.opcode >= APIGW_WS_CLOSE) return control(rx, &f, ev);
        if (f.opcode == APIGW_WS_CONT) {
            if (!rx->msg_op) return fail(rx, 1002);
        } else {
            if (rx->msg_op) return fail(rx, 1002);
            rx->msg_op = f.opcode;
            rx->msg.len = 0;
        }
        if (rx->msg.len + f.len > APIGW_WS_MAX_MESSAGE) return fail(rx, 1009);
        nb_buf_append(&rx->msg, f.payload, f.len);
        if (!f.fin) continue;
        ev->kind = rx->msg_op;
        ev->data = (const unsigned char *)(rx->msg.data ? rx->msg.data : "");
        ev->len = rx->msg.len;
        ev->close_code = 0;
        rx->msg_op = 0;
        if (ev->kind == APIGW_WS_TEXT && !apigw__utf8_valid(ev->data, ev->len)) return fail(rx, 1007);
        return 1;
    }
}
