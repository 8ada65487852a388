/* ws_rx.h — the receiving side of a WebSocket connection, free of sockets:
 * client bytes in any slicing → complete events (whole messages after
 * reassembling fragments, pings, pongs, the close frame), or the close code
 * the connection must end with.
 *
 *   apigw_ws_rx_t rx; apigw__ws_rx_init(&rx);
 *   apigw__ws_rx_feed(&rx, bytes, n);
 *   for (;;) {
 *       apigw_ws_event_t ev;
 *       int r = apigw__ws_rx_next(&rx, &ev);
 *       if (r == 0) break;                 // need more bytes
 *       if (r < 0) { close with code -r; break; }
 *       ...ev...                            // valid until the next call
 *   }
 *   apigw__ws_rx_free(&rx);
 *
 * Message states:  IDLE --TEXT/BINARY fin=0--> FRAGMENTED --CONT fin=1--> IDLE
 *                  IDLE --TEXT/BINARY fin=1--> IDLE (message event)
 * Control frames may come between fragments. Errors are sticky.
 * Close codes: 1002 protocol error (unmasked, reserved bits/opcodes, a
 * continuation outside a message, a new message inside one, bad close
 * payload), 1009 a frame over 32 KB or a message over 128 KB (API Gateway's
 * limits), 1007 a text message or close reason that is not UTF-8. */
#ifndef NB_APIGW_WS_RX_H
#define NB_APIGW_WS_RX_H
#include <stddef.h>
#include "core/buf.h"

typedef struct apigw_ws_rx {
    nb_buf_t in;          /* bytes not yet parsed (from in_off) */
    size_t in_off;
    nb_buf_t msg;         /* the message being reassembled */
    int msg_op;           /* its opcode (TEXT/BINARY) while FRAGMENTED, else 0 */
    int error;            /* sticky close code */
} apigw_ws_rx_t;

typedef struct apigw_ws_event {
    int kind;                    /* APIGW_WS_TEXT / BINARY / PING / PONG / CLOSE */
    const unsigned char *data;   /* payload (CLOSE: the reason); valid until the next call */
    size_t len;
    unsigned close_code;         /* CLOSE: the peer's code, 1005 when it sent none */
} apigw_ws_event_t;

void apigw__ws_rx_init(apigw_ws_rx_t *rx);
void apigw__ws_rx_free(apigw_ws_rx_t *rx);
/* Append client bytes (copied). */
void apigw__ws_rx_feed(apigw_ws_rx_t *rx, const void *data, size_t len);
/* 1 with *ev filled, 0 when more bytes are needed, or -code (1002, 1007, 1009). */
int apigw__ws_rx_next(apigw_ws_rx_t *rx, apigw_ws_event_t *ev);
/* 1 when s[0..n) is well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF). */
int apigw__utf8_valid(const unsigned char *s, size_t n);

#endif
