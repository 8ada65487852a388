/* http_trivial.c — the listener alone answering 200 "ok", for wrk.
 *
 *   cc -std=c11 -D_GNU_SOURCE -O2 -Isrc -I/usr/share/include/llhttp -o build/http_trivial bench/http_trivial.c \
 *      build/obj/core/{http_server,http_status,http_parse,arena,alloc,buf,util,log}.o build/obj/llhttp/*.o -luv -ljansson
 *   build/http_trivial 8099 &  wrk -t2 -c32 -d5s http://127.0.0.1:8099/
 */
#include "core/http_server.h"
#include <stdio.h>
#include <stdlib.h>

static void dispatch(nb_req_t *req, void *data)
{
    static const nb_kv_t h[] = {{"Content-Type", "text/plain", 10}};
    nb_http_send(req, 200, h, 1, "ok", 2);
}

int main(int argc, char **argv)
{
    int port = argc > 1 ? atoi(argv[1]) : 8099, bound = 0;
    nb_ctx_t ctx = {0};
    ctx.loop = uv_default_loop();
    nb_http_server_t *srv;
    nb_http_limits_t lim;
    nb_http_limits_default(&lim);
    int r = nb_http_server_start(&srv, &ctx, "127.0.0.1", port, &lim, dispatch, NULL, &bound);
    if (r) { fprintf(stderr, "start: %d\n", r); return 1; }
    fprintf(stderr, "listening on %d\n", bound);
    return uv_run(ctx.loop, UV_RUN_DEFAULT);
}
