/* dlq_cli.c — `nimbus dead-letters [NAME] [--data DIR]`.
 *
 * Opens the store read-only in its own process beside the daemon (through
 * the log CLI's helper, logs.h) and prints what async.c recorded in
 * lambda.dlq: one JSON record per line, all functions' or NAME's. */
#include "lambda/lambda_int.h"
#include "core/alloc.h"
#include "core/config.h"
#include "logs/logs.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int on_dead(void *arg, const void *k, size_t kl, const void *v, size_t vl)
{
    const char *name = arg;
    if (name && (kl <= strlen(name) || memcmp(k, name, strlen(name)) != 0 || ((const char *)k)[strlen(name)] != 0))
        return 0;
    printf("%.*s\n", (int)vl, (const char *)v);
    return 0;
}

int lambda_dead_letters_main(int argc, char **argv)
{
    const char *name = NULL;
    char **rest = nb_xcalloc((size_t)argc + 1, sizeof *rest);
    int nrest = 0;
    for (int i = argc > 0 && strcmp(argv[0], "dead-letters") == 0 ? 1 : 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("usage: nimbus dead-letters [FUNCTION] [--data DIR]\n"
                   "Asynchronous invocations that failed (after their retries) and had no Lambda\n"
                   "destination, or whose destination is a service nimbus does not serve yet.\n");
            free(rest);
            return 0;
        }
        logs_cli_take_arg(argc, argv, &i, &name, rest, &nrest);
    }
    nb_config_t cfg;
    store_t *s = NULL;
    int rc = logs_cli_open_store(nrest, rest, &s, &cfg);
    free(rest);
    if (rc) return rc;
    store_txn_t *t = NULL;
    if (store_begin(s, STORE_READ, &t) == STORE_OK) {
        store_scan(t, LAMBDA_KS_DLQ, NULL, 0, NULL, 0, 0, on_dead, (void *)name);
        store_abort(t);
    }
    fflush(stdout);
    store_close(s);
    nb_config_free(&cfg);
    return 0;
}
