/* openssl_init.c — OpenSSL's initialisation in two halves (openssl_init.h).
 *
 * Invariant: the configuration is loaded at most once, by
 * nb_openssl_load_config, exactly as OpenSSL's own implicit start would have
 * loaded it (the default file and section, a missing file ignored, a module's
 * failure logged and not fatal) — only later. What the store fetched before
 * comes from the providers active then (the default one, unless a
 * configuration loaded earlier in the process said otherwise). */
#include "core/openssl_init.h"
#include "core/log.h"
#include "core/startup.h"
#include <pthread.h>
#include <openssl/conf.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

void nb_openssl_init_early(void)
{
    OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
    nb_startup_mark("OpenSSL: initialised (configuration deferred)");
    EVP_CIPHER_free(EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL));
    nb_startup_mark("OpenSSL: providers, ciphers (AES-256-GCM) fetched");
}

void nb_openssl_init_more(void)
{
    EVP_MD_free(EVP_MD_fetch(NULL, "SHA256", NULL));
    nb_startup_mark("OpenSSL: digests (SHA-256) fetched");
    unsigned char b;           /* the DRBG: instantiated and seeded at its first use */
    if (RAND_bytes(&b, 1) != 1) ERR_clear_error();
    nb_startup_mark("OpenSSL: random generator seeded");
}

static pthread_once_t config_once = PTHREAD_ONCE_INIT;

static void load_config(void)
{
    /* OpenSSL's own flags for its implicit load (DEFAULT_CONF_MFLAGS) */
    if (CONF_modules_load_file(NULL, NULL, CONF_MFLAGS_DEFAULT_SECTION | CONF_MFLAGS_IGNORE_MISSING_FILE |
                                               CONF_MFLAGS_IGNORE_RETURN_CODES) <= 0) {
        unsigned long e = ERR_peek_last_error();
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        nb_log_warn("openssl", "the system configuration could not be loaded: %s", buf);
    }
    ERR_clear_error();
    OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CRYPTO_STRINGS, NULL);
    OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS | OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
}

void nb_openssl_load_config(void)
{
    pthread_once(&config_once, load_config);
}
