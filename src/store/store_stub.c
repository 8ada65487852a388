/* store_stub.c — TEMPORARY placeholder so the edge links before the store lands. */
#include "store/store.h"
int store_open(store_t **out, uv_loop_t *loop, const char *dir, const store_options_t *opts) { *out = NULL; return STORE_OK; }
void store_close(store_t *s) {}
const char *store_backend_name(const store_t *s) { return "none"; }
