/* http_parse.h — HTTP/1.1 request assembler over llhttp, free of sockets.
 *
 * Feed it the bytes of one connection in any slicing; it hands back complete
 * requests one at a time, in order, each in its own arena:
 *
 *   nb_hp_t hp; nb_hp_init(&hp, 64 << 10, 16 << 20);
 *   for (;;) {
 *       size_t used;
 *       int r = nb_hp_feed(&hp, data, len, &used);   data += used; len -= used;
 *       if (r == NB_HP_MESSAGE) { nb_hmsg_t *m = nb_hp_take(&hp); ...; nb_arena_free(m->arena); }
 *       else if (r == NB_HP_ERROR) { reply nb_hp_error_status(&hp), close; break; }
 *       else break;                                      // NB_HP_AGAIN: all consumed
 *   }
 *   nb_hp_free(&hp);
 *
 * A message ends the feed call that completes it, so the caller can stop
 * parsing ahead (pipelining limit) and keep the unconsumed bytes.
 *
 * States (nb_hp_state):
 *   IDLE --first byte--> HEAD --headers complete--> BODY --last body byte--> IDLE
 *                          \------ no body -----------------------------/
 * Any state --bad input / limit--> error (sticky: further feeds return NB_HP_ERROR).
 *
 * Limits: request line + headers over max_header_bytes → 431 (so are one chunk's
 * extensions, and a chunked body's trailers, over the same size); a declared or
 * de-chunked body over max_body_bytes → 413 (checked before any body byte is
 * accepted when Content-Length is given); everything else malformed → 400.
 * A body-limit hook (nb_hp_set_body_limit) may raise the limit of one message
 * from its head (code uploads); a message over a raised limit is not refused
 * but drained (up to twice that limit, kept nowhere) and handed over with an
 * empty body and body_dropped set, so that its service can answer with its own
 * error instead of a reset connection. */
#ifndef NB_HTTP_PARSE_H
#define NB_HTTP_PARSE_H
#include <stddef.h>
#include <llhttp.h>
#include "core/arena.h"
#include "core/buf.h"
#include "core/request.h"

/* One complete request. Everything lives in arena (the caller owns it after
 * nb_hp_take); strings are NUL-terminated. */
typedef struct nb_hmsg {
    nb_arena_t *arena;
    const char *method;          /* "GET" */
    const char *target;          /* request-target as sent */
    size_t target_len;
    nb_kv_t *headers;            /* names lower-cased, values trimmed of SP/HTAB */
    size_t n_headers;
    const char **raw_names;      /* the names as the client spelled them, parallel to headers;
                                    NULL when every name came lower-case */
    const char *body;            /* de-chunked; "" when none */
    size_t body_len;
    unsigned http_major, http_minor;
    int keep_alive;              /* connection may carry another request after this */
    int expect_continue;         /* "Expect: 100-continue" was sent */
    int upgrade;                 /* Upgrade/CONNECT: the bytes after this are another protocol */
    size_t body_dropped;         /* >0: the body (this many bytes) exceeded a raised limit and was drained */
} nb_hmsg_t;

enum { NB_HP_AGAIN = 0, NB_HP_MESSAGE = 1, NB_HP_ERROR = -1 };
enum { NB_HP_IDLE = 0, NB_HP_HEAD = 1, NB_HP_BODY = 2 };

typedef struct nb_hp_hdr { size_t name_off, name_len, value_off, value_len; } nb_hp_hdr_t;

/* Fields are private to http_parse.c. */
typedef struct nb_hp {
    llhttp_t parser;
    size_t max_header_bytes, max_body_bytes;
    int state;                   /* NB_HP_IDLE/HEAD/BODY */
    int error_status;            /* 0, or 400/413/431 once failed (sticky) */
    int complete;                /* a finished message waits for nb_hp_take */
    int continue_pending;        /* head asked for 100-continue, body not yet complete */
    int last_was_value;          /* header callback state: the last piece was a value */
    int name_seen;               /* the current header (or trailer) name has a byte */
    size_t head_bytes;           /* bytes consumed while in HEAD; in BODY, the current chunk
                                    extension's or the trailers' bytes */
    nb_buf_t head;               /* url and header bytes of the current message */
    size_t url_len;
    nb_hp_hdr_t *hdrs;
    size_t n_hdrs, cap_hdrs;
    nb_buf_t body;               /* chunked / large bodies before they move to the arena */
    char *body_direct;           /* small Content-Length bodies go straight to the arena */
    size_t body_len;
    size_t declared_len;         /* Content-Length of the current message, 0 if none */
    nb_hmsg_t *msg;              /* message being assembled (in msg->arena) */
    nb_arena_t *(*arena_get)(void *ud);  /* arena supplier; NULL → nb_arena_new */
    void *arena_ud;
    size_t (*body_limit)(const nb_hmsg_t *m);  /* NULL, or the limit of one message */
    size_t limit;                /* body limit of the current message */
    int dropping;                /* current body over a raised limit: counted, not kept */
} nb_hp_t;

void nb_hp_init(nb_hp_t *p, size_t max_header_bytes, size_t max_body_bytes);
/* Use get(ud) instead of nb_arena_new for each message's arena (a pool). */
void nb_hp_set_arena_source(nb_hp_t *p, nb_arena_t *(*get)(void *ud), void *ud);
/* limit(m) gives the body limit of message m from its head (method, target,
 * headers); a value above max_body_bytes raises it for that message only. */
void nb_hp_set_body_limit(nb_hp_t *p, size_t (*limit)(const nb_hmsg_t *m));
/* Frees scratch memory and any partial message. */
void nb_hp_free(nb_hp_t *p);

/* Consume bytes from data (borrowed; nothing points into it afterwards).
 * *used = bytes consumed. NB_HP_MESSAGE: a request is complete (take it before
 * feeding more); NB_HP_AGAIN: all bytes consumed, request incomplete;
 * NB_HP_ERROR: see nb_hp_error_status. */
int nb_hp_feed(nb_hp_t *p, const char *data, size_t len, size_t *used);
/* The completed request; the caller owns it and its arena. NULL if none. */
nb_hmsg_t *nb_hp_take(nb_hp_t *p);
/* 400, 413 or 431 after NB_HP_ERROR. */
int nb_hp_error_status(const nb_hp_t *p);
/* NB_HP_IDLE / NB_HP_HEAD / NB_HP_BODY. */
int nb_hp_state(const nb_hp_t *p);
/* 1 if s[0..n) are all RFC 9110 token characters (a header name's). */
int nb_hp_is_token(const char *s, size_t n);
/* 1 once per request whose head asked for 100-continue while its body is still
 * incomplete: the caller should send "100 Continue" now. Clears the flag. */
int nb_hp_take_continue(nb_hp_t *p);

/* Fill r->raw_path, r->path (percent-decoded, no '+' rule), r->query (raw, ""
 * when none) and r->host (Host lower-cased, port stripped, "" when absent)
 * from m, allocating in r->arena; r->headers/n_headers must be set. scratch is
 * a reusable buffer (caller owns). -1 on a bad escape or an encoded NUL (→ 400). */
int nb_hp_req_target(nb_req_t *r, const nb_hmsg_t *m, nb_buf_t *scratch);

#endif
