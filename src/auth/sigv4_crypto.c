/* sigv4_crypto.c — SHA-256, HMAC-SHA256, signing-key derivation and its cache.
 *
 * SHA-256 goes through OpenSSL's EVP with the digest fetched once (an implicit
 * fetch per call costs more than the hash of a short string). HMAC is built on
 * it (RFC 2104) so one EVP_MD_CTX serves a whole computation.
 *
 * The signing-key cache maps (SHA-256(secret), date, region, service) to the
 * derived key kSigning. It is 4-way set-associative (a miss replaces the
 * least recently used entry of its set: every Lambda environment signs with
 * its own temporary key, and a direct-mapped table let two of 32 keys evict
 * each other on every request) and guarded by a mutex; it never holds a
 * secret itself, only its digest.
 * Invariant: an entry with used == 1 holds the key derived from exactly its
 * tuple. */
#include "auth/sigv4.h"
#include "auth/sigv4_int.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include "core/alloc.h"
#include "core/util.h"

static EVP_MD *g_sha256;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void fetch_sha256(void)
{
    g_sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
    if (!g_sha256) nb_oom(0);
}

/* One digest context per thread, reused by every hash on that thread
 * (allocating one per hash was a visible share of a request's cost). Freed
 * by the key destructor when the thread exits. */
static pthread_key_t g_ctx_key;
static _Thread_local EVP_MD_CTX *t_ctx;

static void free_ctx(void *c)
{
    EVP_MD_CTX_free(c);
}

static void init_once(void)
{
    fetch_sha256();
    if (pthread_key_create(&g_ctx_key, free_ctx) != 0) nb_oom(0);
}

static EVP_MD_CTX *thread_ctx(void)
{
    pthread_once(&g_once, init_once);
    if (!t_ctx) {
        t_ctx = EVP_MD_CTX_new();
        if (!t_ctx) nb_oom(sizeof(void *));
        pthread_setspecific(g_ctx_key, t_ctx);
    }
    return t_ctx;
}

/* A context of its own (the streaming decoder keeps one across calls). */
static EVP_MD_CTX *md_ctx(void)
{
    pthread_once(&g_once, init_once);
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    if (!c) nb_oom(sizeof(void *));
    return c;
}

/* Hash the concatenation of up to two pieces with ctx (reused). */
static void sha256_2(EVP_MD_CTX *c, const void *a, size_t alen, const void *b, size_t blen,
                     unsigned char out[32])
{
    unsigned int n = 32;
    if (EVP_DigestInit_ex2(c, g_sha256, NULL) != 1 ||
        (alen && EVP_DigestUpdate(c, a, alen) != 1) ||
        (blen && EVP_DigestUpdate(c, b, blen) != 1) ||
        EVP_DigestFinal_ex(c, out, &n) != 1)
        nb_oom(0); /* only fails when OpenSSL cannot allocate */
}

static void hmac_ctx(EVP_MD_CTX *c, const void *key, size_t key_len, const void *msg, size_t len,
                     unsigned char out[32])
{
    unsigned char k[64], pad[64], inner[32];
    memset(k, 0, sizeof k);
    if (key_len > 64) sha256_2(c, key, key_len, NULL, 0, k);
    else memcpy(k, key, key_len);
    for (int i = 0; i < 64; i++) pad[i] = k[i] ^ 0x36;
    sha256_2(c, pad, 64, msg, len, inner);
    for (int i = 0; i < 64; i++) pad[i] = k[i] ^ 0x5c;
    sha256_2(c, pad, 64, inner, 32, out);
    OPENSSL_cleanse(k, sizeof k);
    OPENSSL_cleanse(pad, sizeof pad);
}

void auth_sha256(const void *data, size_t len, unsigned char out[32])
{
    sha256_2(thread_ctx(), data, len, NULL, 0, out);
}

void auth_sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char d[32];
    auth_sha256(data, len, d);
    nb_hex(d, 32, out);
}

void auth_hmac_sha256(const void *key, size_t key_len, const void *msg, size_t len,
                      unsigned char out[32])
{
    hmac_ctx(thread_ctx(), key, key_len, msg, len, out);
}

void auth_sign_hex(const unsigned char key[32], const char *msg, size_t len, char out[65])
{
    unsigned char d[32];
    auth_hmac_sha256(key, 32, msg, len, d);
    nb_hex(d, 32, out);
}

int auth_ct_equal(const void *a, const void *b, size_t n)
{
    return CRYPTO_memcmp(a, b, n) == 0;
}

/* --- signing key cache ----------------------------------------------------- */

#define KEY_CACHE_SIZE 256
#define KEY_WAYS 4

typedef struct key_entry {
    int used;
    uint64_t stamp;             /* g_key_tick at its last use: the set's LRU picks by it */
    unsigned char secret_digest[32];
    char date[9];
    char region[64];
    char service[64];
    unsigned char key[32];
} key_entry_t;

static key_entry_t g_keys[KEY_CACHE_SIZE];
static uint64_t g_key_tick;
static pthread_mutex_t g_keys_mu = PTHREAD_MUTEX_INITIALIZER;

/* The first entry of the tuple's set of KEY_WAYS entries. */
static size_t slot_of(const unsigned char digest[32], const char *date, const char *region,
                      const char *service)
{
    uint64_t h = 1469598103934665603ULL;
    for (int i = 0; i < 8; i++) h = (h ^ digest[i]) * 1099511628211ULL;
    for (const char *s = date; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    for (const char *s = region; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    for (const char *s = service; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return (size_t)(h % (KEY_CACHE_SIZE / KEY_WAYS)) * KEY_WAYS;
}

static int entry_matches(const key_entry_t *e, const unsigned char digest[32], const char *date,
                         const char *region, const char *service)
{
    return e->used && memcmp(e->secret_digest, digest, 32) == 0 && strcmp(e->date, date) == 0 &&
           strcmp(e->region, region) == 0 && strcmp(e->service, service) == 0;
}

static void derive(EVP_MD_CTX *c, const char *secret, const char *date, const char *region,
                   const char *service, unsigned char out[32])
{
    size_t sl = strlen(secret);
    char *k0 = nb_xmalloc(sl + 5);
    memcpy(k0, "AWS4", 4);
    memcpy(k0 + 4, secret, sl + 1);
    unsigned char a[32], b[32];
    hmac_ctx(c, k0, sl + 4, date, strlen(date), a);
    hmac_ctx(c, a, 32, region, strlen(region), b);
    hmac_ctx(c, b, 32, service, strlen(service), a);
    hmac_ctx(c, a, 32, "aws4_request", 12, out);
    OPENSSL_cleanse(k0, sl + 4);
    OPENSSL_cleanse(a, sizeof a);
    OPENSSL_cleanse(b, sizeof b);
    free(k0);
}

void auth_signing_key(const char *secret, const char *date, const char *region,
                      const char *service, unsigned char out[32])
{
    EVP_MD_CTX *c = thread_ctx();
    unsigned char digest[32];
    sha256_2(c, secret, strlen(secret), NULL, 0, digest);
    int cacheable = strlen(date) < sizeof g_keys[0].date && strlen(region) < sizeof g_keys[0].region &&
                    strlen(service) < sizeof g_keys[0].service;
    size_t slot = cacheable ? slot_of(digest, date, region, service) : 0;
    if (cacheable) {
        pthread_mutex_lock(&g_keys_mu);
        int hit = 0;
        for (size_t w = 0; w < KEY_WAYS && !hit; w++) {
            key_entry_t *e = &g_keys[slot + w];
            if (entry_matches(e, digest, date, region, service)) {
                memcpy(out, e->key, 32);
                e->stamp = ++g_key_tick;
                hit = 1;
            }
        }
        pthread_mutex_unlock(&g_keys_mu);
        if (hit) return;
    }
    derive(c, secret, date, region, service, out);
    if (!cacheable) return;
    pthread_mutex_lock(&g_keys_mu);
    key_entry_t *e = &g_keys[slot];
    for (size_t w = 1; w < KEY_WAYS && e->used; w++)
        if (!g_keys[slot + w].used || g_keys[slot + w].stamp < e->stamp) e = &g_keys[slot + w];
    e->used = 1;
    e->stamp = ++g_key_tick;
    memcpy(e->secret_digest, digest, 32);
    strcpy(e->date, date);
    strcpy(e->region, region);
    strcpy(e->service, service);
    memcpy(e->key, out, 32);
    pthread_mutex_unlock(&g_keys_mu);
}

void auth_string_to_sign(nb_buf_t *out, const char *amz_date, const char *scope,
                         const char *creq, size_t creq_len)
{
    char h[65];
    auth_sha256_hex(creq, creq_len, h);
    nb_buf_puts(out, "AWS4-HMAC-SHA256\n");
    nb_buf_puts(out, amz_date);
    nb_buf_putc(out, '\n');
    nb_buf_puts(out, scope);
    nb_buf_putc(out, '\n');
    nb_buf_append(out, h, 64);
}

/* --- incremental SHA-256 for the streaming decoder ------------------------ */

EVP_MD_CTX *auth__sha256_begin(void)
{
    EVP_MD_CTX *c = md_ctx();
    auth__sha256_restart(c);
    return c;
}

void auth__sha256_restart(EVP_MD_CTX *c)
{
    if (EVP_DigestInit_ex2(c, g_sha256, NULL) != 1) nb_oom(0);
}

void auth__sha256_end(EVP_MD_CTX *c, unsigned char out[32])
{
    unsigned int n = 32;
    if (EVP_DigestFinal_ex(c, out, &n) != 1) nb_oom(0);
}
