/* tls.h — TLS for the HTTP listeners (OpenSSL, memory BIOs).
 *
 * nb_tls_ctx_t is a server configuration: certificate and key (from files,
 * or a self-signed one for localhost generated into DATA/tls/), TLS 1.2 and
 * 1.3 only, AEAD cipher suites with forward secrecy, session resumption by
 * tickets and a server-side cache. nb_tls_conn_t is one connection's TLS
 * state machine driven entirely through memory: the listener feeds it the
 * bytes libuv read and sends the bytes it produces with uv_write, so the
 * loop never blocks in OpenSSL (http_server.c holds the glue). */
#ifndef NB_TLS_H
#define NB_TLS_H
#include <stddef.h>
#include "core/buf.h"
#include "core/config.h"
#include "core/ctx.h"
#include "core/request.h"

typedef struct nb_tls_ctx nb_tls_ctx_t;
typedef struct nb_tls_conn nb_tls_conn_t;
struct nb_http_server;

/* A server context from PEM files. 0, or -1 after logging why. Caller frees
 * with nb_tls_ctx_free (after every connection using it is gone). */
int nb_tls_ctx_new(nb_tls_ctx_t **out, const char *cert_file, const char *key_file);
void nb_tls_ctx_free(nb_tls_ctx_t *t);

/* Make sure dir/cert.pem and dir/key.pem exist: a self-signed P-256
 * certificate for localhost, 127.0.0.1 and ::1 (valid 825 days), the key
 * mode 0600. Existing files are kept. 0 or -1 after logging why. */
int nb_tls_selfsigned(const char *dir);

/* One connection. Caller frees with nb_tls_conn_free. */
nb_tls_conn_t *nb_tls_conn_new(nb_tls_ctx_t *t);
void nb_tls_conn_free(nb_tls_conn_t *c);

/* Results of nb_tls_read. */
enum { NB_TLS_AGAIN = 0, NB_TLS_CLOSED = -1, NB_TLS_ERROR = -2 };

/* Bytes received from the peer (borrowed; copied). */
void nb_tls_feed(nb_tls_conn_t *c, const void *in, size_t n);
/* Decrypted bytes into buf (up to cap): > 0 bytes, NB_TLS_AGAIN (needs more
 * input; the handshake may have produced output), NB_TLS_CLOSED (the peer
 * sent close_notify) or NB_TLS_ERROR (bad input: close the connection). */
int nb_tls_read(nb_tls_conn_t *c, char *buf, size_t cap);
/* Encrypt n plaintext bytes (all of them). 0 or -1. */
int nb_tls_write(nb_tls_conn_t *c, const void *p, size_t n);
/* Queue close_notify. */
void nb_tls_shutdown(nb_tls_conn_t *c);
/* Append the bytes waiting to go to the peer to out; returns how many. */
size_t nb_tls_take_output(nb_tls_conn_t *c, nb_buf_t *out);
/* Negotiated protocol ("TLSv1.3") and whether the session was resumed. */
const char *nb_tls_version(const nb_tls_conn_t *c);
int nb_tls_resumed(const nb_tls_conn_t *c);

/* Make every connection srv accepts from now on speak TLS with t (borrowed:
 * it must outlive srv). Requests get req->secure = 1. In http_server.c. */
void nb_http_server_use_tls(struct nb_http_server *srv, nb_tls_ctx_t *t);

/* The daemon's HTTPS edge from the configuration: tls.listen HOST:PORT (or
 * --tls-listen), tls.cert + tls.key, else the self-signed pair in DATA/tls/.
 * Does nothing (0, *out NULL) when tls.listen is unset. On success writes
 * DATA/tls/endpoint (the https URL) and prints where the certificate is.
 * dispatch as for nb_http_server_start. 0 or -1 after a message on stderr. */
int nb_tls_edge_start(struct nb_http_server **out, nb_tls_ctx_t **tls_out, nb_ctx_t *ctx,
                      const nb_config_t *cfg, void (*dispatch)(nb_req_t *, void *));

#endif
