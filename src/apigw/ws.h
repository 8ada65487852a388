/* ws.h — WebSocket pieces of WebSocket APIs that need no socket: the RFC 6455
 * frame codec, the handshake's accept key, and route selection by the API's
 * routeSelectionExpression. Messages are assembled by ws_rx.h; connections
 * live in ws_conn.c.
 *
 * Limits as API Gateway's: 32 KB frames, 128 KB messages; a bigger frame is
 * refused with close code 1009. */
#ifndef NB_APIGW_WS_H
#define NB_APIGW_WS_H
#include <stddef.h>
#include "core/arena.h"
#include "core/buf.h"

#define APIGW_WS_MAX_FRAME (32u * 1024)
#define APIGW_WS_MAX_MESSAGE (128u * 1024)

enum apigw_ws_opcode {
    APIGW_WS_CONT = 0x0, APIGW_WS_TEXT = 0x1, APIGW_WS_BINARY = 0x2,
    APIGW_WS_CLOSE = 0x8, APIGW_WS_PING = 0x9, APIGW_WS_PONG = 0xA,
};

typedef struct apigw_ws_frame {
    int fin;
    int opcode;
    unsigned char *payload;    /* points into the parsed buffer, unmasked in place */
    size_t len;
} apigw_ws_frame_t;

#define APIGW_WS_INCOMPLETE 0
#define APIGW_WS_BAD (-1)          /* protocol error: close 1002 */
#define APIGW_WS_TOO_BIG (-2)      /* frame over max_payload: close 1009 */

/* Parse one client frame at buf[0..n): bytes consumed (> 0) with *f filled
 * and the payload unmasked in place; APIGW_WS_INCOMPLETE when more bytes are
 * needed; APIGW_WS_BAD for an unmasked client frame, reserved bits, unknown
 * opcodes, fragmented or oversized (> 125) control frames, non-minimal
 * lengths; APIGW_WS_TOO_BIG when the payload exceeds max_payload. */
long apigw__ws_parse(unsigned char *buf, size_t n, size_t max_payload, apigw_ws_frame_t *f);

/* Append one unmasked server frame (FIN set) to out. */
void apigw__ws_frame(nb_buf_t *out, int opcode, const void *data, size_t len);

/* Append a close frame with code and reason. */
void apigw__ws_close_frame(nb_buf_t *out, unsigned code, const char *reason);

/* Sec-WebSocket-Accept for a client's Sec-WebSocket-Key: base64(SHA-1(key + GUID)). */
void apigw__ws_accept_key(const char *client_key, char out[32]);

/* A selection expression evaluated with var giving each variable's value
 * (name: "request.body.a" of "$request.body.a" or "${request.body.a}";
 * arena, or NULL when it has none): literal text kept, "\$" a literal dollar,
 * unbraced names of letters, digits, '_', '.', '[' and ']'. The key (arena),
 * or NULL when a variable has no value. */
typedef const char *(*apigw_ws_var_fn)(nb_arena_t *a, const char *name, size_t n, void *arg);
const char *apigw__ws_eval_selection(nb_arena_t *a, const char *expr, apigw_ws_var_fn var, void *arg);

/* The route key a message selects with expr, evaluated as API Gateway's
 * selection expressions: "$request.body.action", "${request.body.a.b}",
 * array indices ("$request.body.items[0].kind"), several variables among
 * literal text ("${request.body.v}-beta"), "\$" a literal dollar. Values are
 * stringified (strings as they are, numbers and booleans as JSON writes them).
 * The key (arena), or NULL when the body is not JSON, lacks a member, or holds
 * null, an object or an array there (the message then goes to $default). */
const char *apigw__ws_select_route(nb_arena_t *a, const char *expr, const char *body, size_t len);

#endif
