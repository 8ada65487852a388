/* ctx.h — what the daemon hands every service: its loop, store and configuration. */
#ifndef NB_CTX_H
#define NB_CTX_H
#include <uv.h>
#include "core/config.h"

struct store;

struct nb_ctx {
    uv_loop_t *loop;
    struct store *store;
    const nb_config_t *cfg;
    unsigned long long started_us;  /* nb_now_us() at start */
};

#endif
