/* openssl_init.h — OpenSSL's process-wide initialisation, split so that
 * `nimbus up` answers before the slow half has run.
 *
 * OpenSSL 3 initialises implicitly at first use; with its configuration
 * loaded (the usual default) that costs ~1.2 ms more CPU here than without:
 * parsing openssl.cnf, its modules and engines, and every library's error
 * strings. The store's AES-GCM key check waits for OpenSSL at every start,
 * so `nimbus up` initialises it without the configuration
 * (nb_openssl_init_early) and loads the configuration and the error strings
 * once it is ready (nb_openssl_load_config) — or before, at the first use
 * whose behaviour the configuration may change: a TLS context. */
#ifndef NB_OPENSSL_INIT_H
#define NB_OPENSSL_INIT_H

/* Initialise OpenSSL without its configuration file and fetch what a
 * restart's key check waits for (the providers, AES-256-GCM). Call before
 * any other OpenSSL use of the process: afterwards the library's own
 * implicit initialisation can no longer load the configuration, only
 * nb_openssl_load_config can. Any thread. */
void nb_openssl_init_early(void);
/* Then, off the critical path: SHA-256 fetched (SigV4, HMAC), the random
 * generator instantiated and seeded (a first start's key check). */
void nb_openssl_init_more(void);

/* Load the system's OpenSSL configuration (OPENSSL_CONF, else openssl.cnf:
 * providers, algorithm properties, TLS defaults) and the error strings, once
 * per process; later calls return at once. Thread-safe. */
void nb_openssl_load_config(void);

#endif
