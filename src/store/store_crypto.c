/* store_crypto.c — the master key and the AES-256-GCM primitive of the
 * at-rest layer (store_crypto.h).
 *
 * Owns: the process-wide master key file override, and store_aead_t: one
 * EVP_CIPHER_CTX per direction per key, initialised with the key once, so a
 * seal/open only sets the nonce — no allocation, no key schedule per value.
 * Invariant: a store_aead_t is used by one thread at a time (the loop). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <openssl/core_names.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>
#include "core/alloc.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/util.h"
#include "store/store_crypto.h"

/* ---- master key ---------------------------------------------------------- */

static char *key_file_override;

void store_crypto_set_key_file(const char *path)
{
    free(key_file_override);
    key_file_override = path && *path ? nb_xstrdup(path) : NULL;
}

/* Base64 of 32 bytes (optionally followed by a newline), or with allow_raw
 * the 32 bytes themselves. */
static int decode_key(const char *in, size_t n, int allow_raw, uint8_t key[STORE_CRYPTO_KEY_LEN])
{
    if (allow_raw && n == STORE_CRYPTO_KEY_LEN) {
        memcpy(key, in, n);
        return 0;
    }
    while (n && (in[n - 1] == '\n' || in[n - 1] == '\r' || in[n - 1] == ' ')) n--;
    nb_buf_t b = NB_BUF_INIT;
    int ok = nb_base64_decode(&b, in, n) == 0 && b.len == STORE_CRYPTO_KEY_LEN;
    if (ok) memcpy(key, b.data, STORE_CRYPTO_KEY_LEN);
    OPENSSL_cleanse(b.data, b.len);
    nb_buf_free(&b);
    return ok ? 0 : -1;
}

int store_crypto_read_key_file(const char *path, uint8_t key[STORE_CRYPTO_KEY_LEN])
{
    struct stat st;
    if (stat(path, &st) == 0 && (st.st_mode & 077))
        nb_log_warn("store", "master key file %s is readable by group or others (mode %03o); chmod 600 it",
                    path, (unsigned)(st.st_mode & 0777));
    nb_buf_t b = NB_BUF_INIT;
    if (nb_read_file(path, &b) != 0) {
        nb_log_error("store", "cannot read the master key file %s: %s", path, strerror(errno));
        return -1;
    }
    int rc = decode_key(b.data, b.len, 1, key);
    OPENSSL_cleanse(b.data, b.len);
    nb_buf_free(&b);
    if (rc != 0)
        nb_log_error("store", "master key file %s holds neither 32 bytes nor their base64", path);
    return rc;
}

/* Create path holding key, durably (the file, then its directory), never
 * replacing a key file made meanwhile by another nimbus starting on the same
 * empty directory (only one of them gets the store's lock, but both may get
 * this far, src/store/store.c): written under a temporary name, then
 * link(2)ed, which fails on an existing name; the directory synced after
 * when sync_dir. 0; 1 when path existed (key not written: read that file);
 * -1 with errno. */
static int create_key_file(const char *path, const uint8_t key[STORE_CRYPTO_KEY_LEN], int sync_dir)
{
    char tmp[4250];
    snprintf(tmp, sizeof tmp, "%s.tmp.%d", path, (int)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return -1;
    ssize_t w;
    do w = write(fd, key, STORE_CRYPTO_KEY_LEN); while (w < 0 && errno == EINTR);
    int rc = w == STORE_CRYPTO_KEY_LEN && fsync(fd) == 0 ? 0 : -1;
    int e = errno;
    if (close(fd) != 0 && rc == 0) rc = -1, e = errno;
    if (rc == 0 && link(tmp, path) != 0) rc = errno == EEXIST ? 1 : -1, e = errno;
    unlink(tmp);
    if (rc != 0) {
        errno = e;
        return rc;
    }
    if (!sync_dir) return 0;
    char dir[4250];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = 0;
    else snprintf(dir, sizeof dir, ".");
    (void)nb_fsync_dir(dir);   /* as nb_write_file_atomic: best effort where directories cannot be synced */
    return 0;
}

int store_crypto_master_key(const char *dir, int may_create, uint8_t key[STORE_CRYPTO_KEY_LEN])
{
    const char *env = getenv("NIMBUS_MASTER_KEY");
    if (env && *env) {
        if (decode_key(env, strlen(env), 0, key) != 0) {
            nb_log_error("store", "NIMBUS_MASTER_KEY must be the base64 of 32 bytes");
            return -1;
        }
        return 0;
    }
    if (key_file_override) return store_crypto_read_key_file(key_file_override, key);
    char path[4200];
    snprintf(path, sizeof path, "%s/master.key", dir);
    struct stat st;
    if (stat(path, &st) == 0) return store_crypto_read_key_file(path, key);
    if (!may_create) {
        nb_log_error("store", "this data directory is encrypted and its master key is missing: no %s, "
                              "no NIMBUS_MASTER_KEY, no store.master_key_file", path);
        return -1;
    }
    /* The kernel's generator, not OpenSSL's DRBG (which is seeded from it):
     * the key and its durable write need not wait for OpenSSL's first use,
     * which a first start runs on another thread meanwhile (src/main.c). */
    size_t got = 0;
    while (got < STORE_CRYPTO_KEY_LEN) {
        ssize_t n = getrandom(key + got, STORE_CRYPTO_KEY_LEN - got, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            nb_log_error("store", "the system random generator failed: %s", strerror(errno));
            return -1;
        }
        got += (size_t)n;
    }
    int rc = create_key_file(path, key, may_create != STORE_KEY_CREATE_NO_DIR_SYNC);
    if (rc == 1) return store_crypto_read_key_file(path, key);   /* made meanwhile by another nimbus */
    if (rc != 0) {
        nb_log_error("store", "cannot create the master key file %s: %s", path, strerror(errno));
        return -1;
    }
    nb_log_info("store", "created master key %s (keep it apart from backups of the data)", path);
    return 0;
}

int store_crypto_key_file_missing(const char *dir)
{
    if (store_crypto_key_is_external()) return 0;
    char path[4200];
    snprintf(path, sizeof path, "%s/master.key", dir);
    struct stat st;
    return stat(path, &st) != 0 && errno == ENOENT;
}

int store_crypto_key_is_external(void)
{
    const char *env = getenv("NIMBUS_MASTER_KEY");
    return (env && *env) || key_file_override;
}

int store_crypto_pending_key(const char *dir, uint8_t key[STORE_CRYPTO_KEY_LEN])
{
    char path[4200];
    snprintf(path, sizeof path, "%s/master.key.new", dir);
    struct stat st;
    if (stat(path, &st) != 0) return -1;
    return store_crypto_read_key_file(path, key);
}

int store_crypto_commit_pending_key(const char *dir)
{
    char from[4200], to[4200];
    snprintf(from, sizeof from, "%s/master.key.new", dir);
    snprintf(to, sizeof to, "%s/master.key", dir);
    if (rename(from, to) != 0) {
        nb_log_error("store", "cannot rename %s to %s: %s", from, to, strerror(errno));
        return -1;
    }
    return nb_fsync_dir(dir);
}

/* One RAND_bytes call fills a per-thread pool that serves the next requests:
 * a DRBG call costs about a microsecond (locks, fork check, provider
 * dispatch), which was a tenth of a whole Lambda invoke's CPU when paid per
 * sealed value (bench: Lambda warm invoke). The bytes are the same DRBG's
 * output; each is handed out once and wiped from the pool as it is. */
#define RANDOM_POOL 4096
static _Thread_local unsigned char random_pool[RANDOM_POOL];
static _Thread_local size_t random_left;

int store_crypto_random(void *out, size_t n)
{
    if (n > RANDOM_POOL / 8) {
        if (RAND_bytes(out, (int)n) == 1) return 0;
        nb_log_error("store", "the system random generator failed");
        return -1;
    }
    if (random_left < n) {
        if (RAND_bytes(random_pool, RANDOM_POOL) != 1) {
            random_left = 0;
            nb_log_error("store", "the system random generator failed");
            return -1;
        }
        random_left = RANDOM_POOL;
    }
    unsigned char *p = random_pool + (RANDOM_POOL - random_left);
    memcpy(out, p, n);
    OPENSSL_cleanse(p, n);
    random_left -= n;
    return 0;
}

/* Nonces are drawn from the same generator, 4 KiB at a time: one DRBG call
 * (with its locking and fork check) per ~340 values instead of one per value.
 * They stay uniformly random 96-bit strings, so the bound of store_crypto.h
 * still holds. Each thread has its own pool; a forked child must not reuse
 * the parent's (it would repeat its nonces), so fork empties every pool
 * (pthread_atfork) — the store is never used from a child anyway. Bytes are
 * wiped as they are handed out. */
#define NONCE_POOL 4092                /* a multiple of 12 */
static _Thread_local uint8_t nonce_pool[NONCE_POOL];
static _Thread_local size_t nonce_left;
static _Thread_local unsigned nonce_fork_seen;
static unsigned nonce_forks;           /* bumped in every child */
static pthread_once_t nonce_once = PTHREAD_ONCE_INIT;

static void nonce_after_fork(void)
{
    __atomic_add_fetch(&nonce_forks, 1, __ATOMIC_SEQ_CST);
}

static void nonce_init(void)
{
    pthread_atfork(NULL, NULL, nonce_after_fork);
}

int store_crypto_nonce(uint8_t out[STORE_CRYPTO_NONCE_LEN])
{
    pthread_once(&nonce_once, nonce_init);
    unsigned forks = __atomic_load_n(&nonce_forks, __ATOMIC_SEQ_CST);
    if (forks != nonce_fork_seen) {
        nonce_fork_seen = forks;
        OPENSSL_cleanse(nonce_pool, sizeof nonce_pool);
        nonce_left = 0;
    }
    if (nonce_left < STORE_CRYPTO_NONCE_LEN) {
        if (store_crypto_random(nonce_pool, NONCE_POOL) != 0) return -1;
        nonce_left = NONCE_POOL;
    }
    uint8_t *p = nonce_pool + NONCE_POOL - nonce_left;
    memcpy(out, p, STORE_CRYPTO_NONCE_LEN);
    OPENSSL_cleanse(p, STORE_CRYPTO_NONCE_LEN);
    nonce_left -= STORE_CRYPTO_NONCE_LEN;
    return 0;
}

/* ---- AEAD ------------------------------------------------------------------ */

struct store_aead {
    EVP_CIPHER_CTX *enc;
    EVP_CIPHER_CTX *dec;
};

store_aead_t *store_aead_new(const uint8_t key[STORE_CRYPTO_KEY_LEN])
{
    store_aead_t *a = nb_xcalloc(1, sizeof *a);
    a->enc = EVP_CIPHER_CTX_new();
    a->dec = EVP_CIPHER_CTX_new();
    if (!a->enc || !a->dec) abort();       /* allocation failure aborts, as nb_xmalloc does */
    if (EVP_EncryptInit_ex(a->enc, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
        EVP_CIPHER_CTX_ctrl(a->enc, EVP_CTRL_GCM_SET_IVLEN, STORE_CRYPTO_NONCE_LEN, NULL) != 1 ||
        EVP_EncryptInit_ex(a->enc, NULL, NULL, key, NULL) != 1 ||
        EVP_DecryptInit_ex(a->dec, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
        EVP_CIPHER_CTX_ctrl(a->dec, EVP_CTRL_GCM_SET_IVLEN, STORE_CRYPTO_NONCE_LEN, NULL) != 1 ||
        EVP_DecryptInit_ex(a->dec, NULL, NULL, key, NULL) != 1) {
        nb_log_error("store", "AES-256-GCM is not available from OpenSSL");
        abort();
    }
    return a;
}

void store_aead_free(store_aead_t *a)
{
    if (!a) return;
    EVP_CIPHER_CTX_free(a->enc);   /* clears the key schedule */
    EVP_CIPHER_CTX_free(a->dec);
    free(a);
}

/* The AAD is the concatenation of its pieces: joined into one buffer when
 * short (keyspace + key: the common case), so that OpenSSL is called once —
 * each EVP update is a provider dispatch plus GHASH's partial-block handling,
 * ~3 pieces × 4 per PutItem (docs/PERFORMANCE.md). */
static int add_aad(EVP_CIPHER_CTX *c, const store_aad_t *aad, int enc)
{
    if (!aad) return 0;
    uint8_t joined[512];
    size_t total = aad->n[0] + aad->n[1] + aad->n[2];
    if (total && total <= sizeof joined) {
        size_t at = 0;
        for (int i = 0; i < 3; i++) {
            if (aad->n[i]) memcpy(joined + at, aad->p[i], aad->n[i]);
            at += aad->n[i];
        }
        int outl;
        return (enc ? EVP_EncryptUpdate(c, NULL, &outl, joined, (int)total)
                    : EVP_DecryptUpdate(c, NULL, &outl, joined, (int)total)) == 1 ? 0 : -1;
    }
    for (int i = 0; i < 3; i++) {
        if (!aad->n[i]) continue;
        int outl;
        int ok = enc ? EVP_EncryptUpdate(c, NULL, &outl, aad->p[i], (int)aad->n[i])
                     : EVP_DecryptUpdate(c, NULL, &outl, aad->p[i], (int)aad->n[i]);
        if (ok != 1) return -1;
    }
    return 0;
}

int store_aead_seal(store_aead_t *a, const uint8_t nonce[STORE_CRYPTO_NONCE_LEN],
                    const store_aad_t *aad, const void *pt, size_t n, uint8_t *out)
{
    if (n > (size_t)1 << 30) return -1;
    int outl = 0, fin = 0;
    if (EVP_EncryptInit_ex2(a->enc, NULL, NULL, nonce, NULL) != 1) return -1;
    if (add_aad(a->enc, aad, 1) != 0) return -1;
    if (n && EVP_EncryptUpdate(a->enc, out, &outl, pt, (int)n) != 1) return -1;
    if (EVP_EncryptFinal_ex(a->enc, out + outl, &fin) != 1) return -1;
    OSSL_PARAM tp[2] = { OSSL_PARAM_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, out + n, STORE_CRYPTO_TAG_LEN),
                         OSSL_PARAM_END };
    return EVP_CIPHER_CTX_get_params(a->enc, tp) == 1 ? 0 : -1;
}

int store_aead_open(store_aead_t *a, const uint8_t nonce[STORE_CRYPTO_NONCE_LEN],
                    const store_aad_t *aad, const uint8_t *in, size_t n, uint8_t *out)
{
    if (n > (size_t)1 << 30) return -1;
    int outl = 0, fin = 0;
    uint8_t tag[STORE_CRYPTO_TAG_LEN];
    memcpy(tag, in + n, sizeof tag);
    if (EVP_DecryptInit_ex2(a->dec, NULL, NULL, nonce, NULL) != 1) return -1;
    if (add_aad(a->dec, aad, 0) != 0) return -1;
    if (n && EVP_DecryptUpdate(a->dec, out, &outl, in, (int)n) != 1) return -1;
    OSSL_PARAM tp[2] = { OSSL_PARAM_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, tag, STORE_CRYPTO_TAG_LEN),
                         OSSL_PARAM_END };
    if (EVP_CIPHER_CTX_set_params(a->dec, tp) != 1) return -1;
    return EVP_DecryptFinal_ex(a->dec, out + outl, &fin) == 1 ? 0 : -1;
}
