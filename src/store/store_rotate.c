/* store_rotate.c — `nimbus rotate-master-key`: re-wrap a stopped store's data
 * keys under a new master key (values are untouched: each is sealed with its
 * keyspace's data key, and only the data keys are sealed with the master).
 *
 * Crash safety for the default key file DIR/master.key:
 *   1. the store is opened (with the old key), then the new key is written
 *      to DIR/master.key.new (0600, synced);
 *   2. one store transaction re-wraps every data key and the key-check
 *      record, and is made durable;
 *   3. master.key.new is renamed over master.key (directory synced).
 * A crash between 1 and 2 leaves the store on the old key: the next open
 * sees master.key open it and drops master.key.new. A crash between 2 and 3
 * leaves the store on the new key: the next open sees master.key fail, tries
 * master.key.new, and finishes the rename (store_keyring_open).
 *
 * A key from NIMBUS_MASTER_KEY or store.master_key_file is the operator's to
 * keep: the new key must then be given (--new-key-file), and the operator
 * points the setting at it after the rotation. */
#include <stdio.h>
#include <string.h>
#include <openssl/crypto.h>
#include "core/alloc.h"
#include "core/config.h"
#include "core/log.h"
#include "core/util.h"
#include "store/store.h"
#include "store/store_crypto.h"

static const char usage[] =
    "usage: nimbus rotate-master-key [--data DIR] [--new-key-file PATH]\n\n"
    "Re-wrap the stopped store's data keys under a new master key. With DIR/master.key\n"
    "(the default) the new key is generated and replaces it. With NIMBUS_MASTER_KEY or\n"
    "store.master_key_file, give the new key (32 bytes or their base64) with --new-key-file,\n"
    "then point that setting at it. Stop nimbus first: the daemon holds the store.\n";

struct done { int called, status; };

static void on_durable(void *arg, int status)
{
    struct done *d = arg;
    d->called = 1;
    d->status = status;
}

int store_rotate_main(int argc, char **argv)
{
    const char *new_file = NULL;
    char **rest = nb_xcalloc((size_t)argc + 1, sizeof *rest);
    int nrest = 0;
    for (int i = argc > 0 && strcmp(argv[0], "rotate-master-key") == 0 ? 1 : 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0) {
            fputs(usage, stdout);
            free(rest);
            return 0;
        }
        if (strcmp(argv[i], "--new-key-file") == 0 && i + 1 < argc) new_file = argv[++i];
        else rest[nrest++] = argv[i];
    }
    nb_config_t cfg;
    int rc = nb_config_load(&cfg, nrest, rest);
    free(rest);
    if (rc != 0) {
        fputs(usage, stderr);
        return 2;
    }
    store_crypto_set_key_file(nb_config_get(&cfg, "store.master_key_file"));
    int external = store_crypto_key_is_external();
    uint8_t key[STORE_CRYPTO_KEY_LEN];
    int ok = 0;
    if (new_file) ok = store_crypto_read_key_file(new_file, key) == 0;
    else if (external)
        fprintf(stderr, "nimbus: the master key comes from NIMBUS_MASTER_KEY or store.master_key_file: "
                        "give the new key with --new-key-file PATH\n");
    else ok = store_crypto_random(key, sizeof key) == 0;
    /* open first: an open finishes or drops a rotation left half-done, so
     * the new key file may only appear after it */
    store_t *s = NULL;
    if (ok && store_open(&s, uv_default_loop(), cfg.data_dir, NULL) != STORE_OK) {
        fprintf(stderr, "nimbus: cannot open the store in %s (is nimbus running on it? stop it first)\n",
                cfg.data_dir);
        ok = 0;
    }
    char pending[PATH_MAX + 32];
    snprintf(pending, sizeof pending, "%s/master.key.new", cfg.data_dir);
    if (ok && !external && nb_write_file_atomic(pending, key, sizeof key, 0600) != 0) {
        fprintf(stderr, "nimbus: cannot write %s\n", pending);
        ok = 0;
    }
    size_t n = 0;
    struct done d = {0, 0};
    int applied = 0;           /* the re-wrap was committed (durable or not) */
    if (ok) {
        rc = store_rotate_master_key(s, key, on_durable, &d, &n);
        applied = rc == STORE_OK;
        if (applied)
            while (!d.called) uv_run(uv_default_loop(), UV_RUN_ONCE);
        ok = applied && d.status == STORE_OK;
        if (!applied) fprintf(stderr, "nimbus: the rotation failed; the store still uses its old key\n");
        else if (!ok) fprintf(stderr, "nimbus: the rotation could not be made durable; the next start picks "
                                      "whichever key opens the store\n");
    }
    if (s) {
        store_close(s);
        uv_run(uv_default_loop(), UV_RUN_DEFAULT);
    }
    OPENSSL_cleanse(key, sizeof key);
    if (!external && !applied) remove(pending);   /* the store never saw the new key */
    if (ok && !external && store_crypto_commit_pending_key(cfg.data_dir) != 0) ok = 0;
    if (ok) {
        printf("master key rotated: %zu wrapped keys re-wrapped", n);
        if (external) printf("; now point NIMBUS_MASTER_KEY or store.master_key_file at %s", new_file);
        else printf("; the new key is in %s/master.key", cfg.data_dir);
        printf("\n");
    }
    nb_config_free(&cfg);
    return ok ? 0 : 1;
}
