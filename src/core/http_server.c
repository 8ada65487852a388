/* http_server.c — placeholder until the edge lands (see http_server.h). */
#include "core/http_server.h"
#include <errno.h>
#include <string.h>

void nb_http_limits_default(nb_http_limits_t *l) { memset(l, 0, sizeof *l); }
int nb_http_server_start(nb_http_server_t **out, nb_ctx_t *ctx, const char *host, int port,
                         const nb_http_limits_t *limits, nb_http_dispatch_fn dispatch,
                         void *data, int *bound_port)
{
    return -ENOSYS;
}
void nb_http_server_stop(nb_http_server_t *srv, void (*done)(void *arg), void *arg) {}
void nb_http_send(nb_req_t *req, int status, const nb_kv_t *headers, size_t n_headers,
                  const void *body, size_t len) {}
unsigned nb_http_server_connections(const nb_http_server_t *srv) { return 0; }
