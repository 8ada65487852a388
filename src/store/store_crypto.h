/* store_crypto.h — encryption at rest for store values (AES-256-GCM).
 *
 * Two layers, both used only by store.c:
 *  - primitives (store_crypto.c): the master key (file, environment or
 *    external file), one reusable AES-256-GCM context per key, seal/open
 *    with associated data;
 *  - the keyring (store_crypto_keys.c): one data key per keyspace (and per
 *    generation, after rotation), generated on first write, stored wrapped by
 *    the master key in the reserved keyspace STORE_CRYPTO_KS, cached in
 *    memory unwrapped.
 *
 * A sealed value is
 *     version (1 byte, 1) | generation (4 bytes, big-endian) | nonce (12) |
 *     ciphertext (n) | tag (16)
 * and its associated data is version | generation | keyspace | 0x00 | key,
 * so a value copied to another key or keyspace fails to open. Nonces are 96
 * random bits per value; a data key is retired (the next generation created)
 * after STORE_CRYPTO_ROTATE_AT encryptions, counted persistently, which keeps
 * the chance of a repeated nonce under 2^-32 (NIST SP 800-38D §8.3).
 * Keys and keyspace names are NOT encrypted: ordered scans need their bytes. */
#ifndef NB_STORE_CRYPTO_H
#define NB_STORE_CRYPTO_H
#include <stddef.h>
#include <stdint.h>
#include "store/store_backend.h"

#define STORE_CRYPTO_KEY_LEN    32
#define STORE_CRYPTO_NONCE_LEN  12
#define STORE_CRYPTO_TAG_LEN    16
#define STORE_CRYPTO_VERSION    1
#define STORE_CRYPTO_HDR_LEN    (1 + 4 + STORE_CRYPTO_NONCE_LEN)
#define STORE_CRYPTO_OVERHEAD   (STORE_CRYPTO_HDR_LEN + STORE_CRYPTO_TAG_LEN)
/* Encryptions under one data key before the next generation takes over. */
#define STORE_CRYPTO_ROTATE_AT  ((uint64_t)1 << 31)
/* The reserved keyspace of wrapped data keys; callers of store.h may not name it. */
#define STORE_CRYPTO_KS         "store.crypto.keys"
/* Data keys of sealed files are named "files/PURPOSE" in that keyspace: no
 * keyspace of store.h has a '/' in its name. */
#define STORE_FILE_KS_PREFIX    "files/"

/* ---- master key ---------------------------------------------------------- */

/* Process-wide: read the master key from this file instead of DIR/master.key
 * (config store.master_key_file). NULL: back to the default. Copied. */
void store_crypto_set_key_file(const char *path);

/* Find the master key for the store in dir: NIMBUS_MASTER_KEY (base64 of 32
 * bytes), else the configured key file, else DIR/master.key — created (32
 * random bytes, mode 0600, the file synced, then its directory) when
 * may_create and absent; with may_create STORE_KEY_CREATE_NO_DIR_SYNC the
 * directory is left to the caller, who must sync dir before anything sealed
 * with the key can become durable. 0, or -1 after logging why. */
#define STORE_KEY_CREATE_NO_DIR_SYNC 2
int store_crypto_master_key(const char *dir, int may_create, uint8_t key[STORE_CRYPTO_KEY_LEN]);

/* Where the master key comes from: NIMBUS_MASTER_KEY or the configured key
 * file (1), or DIR/master.key (0). */
int store_crypto_key_is_external(void);
/* 1 when the master key is to come from DIR/master.key and that file does not exist. */
int store_crypto_key_file_missing(const char *dir);
/* Read a key file: 32 raw bytes or their base64. 0, or -1 after logging. */
int store_crypto_read_key_file(const char *path, uint8_t key[STORE_CRYPTO_KEY_LEN]);
/* DIR/master.key.new: the key of a rotation in progress (store_rotate.c).
 * 0 when it exists and was read, else -1 (quietly when absent). */
int store_crypto_pending_key(const char *dir, uint8_t key[STORE_CRYPTO_KEY_LEN]);
/* Make DIR/master.key.new the master key (rename, directory synced); 0 or -1. */
int store_crypto_commit_pending_key(const char *dir);

/* ---- AEAD primitive ------------------------------------------------------ */

typedef struct store_aead store_aead_t;

/* A context for one key, reused by every seal/open (no per-call allocation).
 * key is copied. Caller frees with store_aead_free. */
store_aead_t *store_aead_new(const uint8_t key[STORE_CRYPTO_KEY_LEN]);
void store_aead_free(store_aead_t *a);

/* Associated data: up to three byte strings, authenticated in order. */
typedef struct store_aad { const void *p[3]; size_t n[3]; } store_aad_t;

/* out receives n bytes of ciphertext then the 16-byte tag. 0 or -1. */
int store_aead_seal(store_aead_t *a, const uint8_t nonce[STORE_CRYPTO_NONCE_LEN],
                    const store_aad_t *aad, const void *pt, size_t n, uint8_t *out);
/* in: n bytes of ciphertext then the tag; out receives n bytes. 0, or -1 when
 * the tag does not verify (out then holds nothing meaningful). */
int store_aead_open(store_aead_t *a, const uint8_t nonce[STORE_CRYPTO_NONCE_LEN],
                    const store_aad_t *aad, const uint8_t *in, size_t n, uint8_t *out);

/* 0, or -1 if the system RNG failed. */
int store_crypto_random(void *out, size_t n);
/* A fresh random nonce (the same generator, drawn from a per-thread pool). 0 or -1. */
int store_crypto_nonce(uint8_t out[STORE_CRYPTO_NONCE_LEN]);

/* ---- keyring (store_crypto_keys.c) ----------------------------------------- */

typedef struct store_keyring store_keyring_t;

/* Open the keyring of the store reachable through be/impl (already open):
 * checks that the master key opens this store's key-check record, creating
 * the record (and the master key file) in a fresh store. 0 or a store_status,
 * after logging why. *out: caller frees with store_keyring_close. */
int store_keyring_open(store_keyring_t **out, store_t *s, const store_backend_t *be,
                       void *impl, const char *dir);
void store_keyring_close(store_keyring_t *k);

/* Seal val for (ks, key) inside write transaction t (which may receive a new
 * data key or a counter record). *out points into a buffer owned by the
 * keyring, valid until the next seal. STORE_OK or a store_status. */
int store_keyring_seal(store_keyring_t *k, store_txn_t *t, const char *ks,
                       const void *key, size_t klen, const void *val, size_t vlen,
                       const void **out, size_t *outlen);

/* Open a sealed value of (ks, key) read in t into dst (at least
 * vlen - STORE_CRYPTO_OVERHEAD bytes). STORE_OK, or STORE_ERR_IO for a value
 * that is not intact (tampered, moved, truncated, unknown key). */
int store_keyring_open_value(store_keyring_t *k, store_txn_t *t, const char *ks,
                             const void *key, size_t klen, const void *val, size_t vlen,
                             uint8_t *dst, size_t *dstlen);

/* The write transaction t ended: committed (its new keys and counters are now
 * the store's) or not (they are forgotten). */
void store_keyring_txn_end(store_keyring_t *k, int committed);
/* Commits that returned STORE_OK were lost after all (the backend could not
 * apply a deferred batch): the cache may hold keys or counter marks that
 * are not in the store, so forget it all — now, or when the open write txn
 * ends. Keys are loaded again from the store on use. */
void store_keyring_forget(store_keyring_t *k);

/* The data key of files kept beside the store (store_file.c), record
 * "k" STORE_FILE_KS_PREFIX purpose 0x00 GEN(1): read from t, or, when
 * absent and create is set, created in t (a write transaction to commit).
 * Wrapped by the master key like every data key, so a rotation re-wraps it.
 * Not cached and never counted: each file draws one random nonce, and the
 * files sealed under one key stay far below 2^32. key receives the 32
 * bytes (the caller wipes them). STORE_OK, STORE_NOTFOUND (absent, not
 * create) or an error. */
int store_keyring_file_key(store_keyring_t *k, store_txn_t *t, const char *purpose,
                           uint8_t key[STORE_CRYPTO_KEY_LEN], int create);

/* Master-key rotation: re-wrap every data key and the key-check record under
 * key in one write transaction (values are untouched: they are sealed with
 * the data keys). On STORE_OK the keyring uses key from now on and cb(arg,
 * status) follows once durable; *n: records re-wrapped. No other write
 * transaction may be open. */
int store_keyring_rewrap(store_keyring_t *k, store_t *s, const uint8_t key[STORE_CRYPTO_KEY_LEN],
                         store_durable_fn cb, void *arg, size_t *n);

#endif
