/* store_file.h — files kept beside the store, sealed as its values are.
 *
 * For data a service keeps as files rather than store values (Lambda's
 * deployment packages and layers: tens of MB each, unpacked by libarchive):
 * AES-256-GCM under a data key of the keyring (store_file_key), so the
 * master key wraps it, `nimbus rotate-master-key` re-wraps it with the
 * others, and the files themselves never need re-encrypting.
 *
 * A sealed file is
 *     magic "NBSEAL1\n" (8 bytes) | nonce (12) | ciphertext (n) | tag (16)
 * and its associated data is magic | context, where context names what the
 * file is ("lambda.code NAME SHA256HEX"): a file copied over another's name,
 * truncated or altered fails to open. Each file draws a fresh random nonce.
 *
 * store_file_seal and store_file_open share no state: any thread may call
 * them, with a key the loop fetched once (store_file_key). */
#ifndef NB_STORE_FILE_H
#define NB_STORE_FILE_H
#include <stddef.h>
#include "core/buf.h"
#include "store/store.h"

#define STORE_FILE_KEY_LEN   32
#define STORE_FILE_MAGIC     "NBSEAL1\n"
#define STORE_FILE_OVERHEAD  (8 + 12 + 16)
/* Largest plaintext sealed (the AEAD layer's limit). */
#define STORE_FILE_MAX       ((size_t)1 << 30)

/* The data key for files of purpose ("lambda.code"), created (and committed:
 * no write transaction may be open) at its first use. key receives 32 bytes;
 * the caller wipes them when done. Loop thread. STORE_OK or a store_status. */
int store_file_key(store_t *s, const char *purpose, unsigned char key[STORE_FILE_KEY_LEN]);

/* Seal n bytes of data under key and context into path: written to a
 * temporary sibling, fsynced, renamed over path, directory fsynced — path is
 * either its old content or the whole new file. 0, or -1 with errno. */
int store_file_seal(const unsigned char key[STORE_FILE_KEY_LEN], const char *context,
                    const void *data, size_t n, const char *path, int mode);

/* Read path, verify and decrypt it into out (cleared first). 0, or -1 with
 * errno: ENOENT & co. from the file system, EBADMSG for a file that is not
 * intact (tampered, truncated, another file's, another key's). */
int store_file_open(const unsigned char key[STORE_FILE_KEY_LEN], const char *context,
                    const char *path, nb_buf_t *out);

/* Whether the n bytes at data begin like a sealed file (the magic). */
int store_file_is_sealed(const void *data, size_t n);

#endif
