/* store_file.c — sealed files (store_file.h): AES-256-GCM through the
 * store's own primitive (store_aead_t, store_crypto.h), one context per call
 * so that worker threads share nothing; atomic, durable replacement.
 * Invariant: a path holds a whole sealed file or none — never a partial
 * one, never plaintext. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include "core/alloc.h"
#include "core/util.h"
#include "store/store_crypto.h"
#include "store/store_file.h"

#define MAGIC_LEN 8
#define HDR_LEN   (MAGIC_LEN + STORE_CRYPTO_NONCE_LEN)

int store_file_is_sealed(const void *data, size_t n)
{
    return n >= STORE_FILE_OVERHEAD && memcmp(data, STORE_FILE_MAGIC, MAGIC_LEN) == 0;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* The directory part of path into out ("." when none). */
static void dir_of(const char *path, char *out, size_t cap)
{
    snprintf(out, cap, "%s", path);
    char *slash = strrchr(out, '/');
    if (!slash) snprintf(out, cap, ".");
    else if (slash == out) slash[1] = 0;
    else *slash = 0;
}

int store_file_seal(const unsigned char key[STORE_FILE_KEY_LEN], const char *context,
                    const void *data, size_t n, const char *path, int mode)
{
    if (n > STORE_FILE_MAX) {
        errno = EFBIG;
        return -1;
    }
    uint8_t *out = nb_xmalloc(n + STORE_FILE_OVERHEAD);
    memcpy(out, STORE_FILE_MAGIC, MAGIC_LEN);
    store_aad_t aad = {{out, context}, {MAGIC_LEN, strlen(context)}};
    store_aead_t *a = store_aead_new(key);
    int rc = store_crypto_random(out + MAGIC_LEN, STORE_CRYPTO_NONCE_LEN) == 0 &&
             store_aead_seal(a, out + MAGIC_LEN, &aad, data, n, out + HDR_LEN) == 0 ? 0 : -1;
    store_aead_free(a);
    if (rc != 0) {
        free(out);
        errno = EIO;
        return -1;
    }
    /* a name of its own: two threads may seal the same path at once */
    char tmp[PATH_MAX], rnd[17];
    unsigned char rb[8];
    nb_random_bytes(rb, sizeof rb);
    nb_hex(rb, sizeof rb, rnd);
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp-%s", path, rnd) >= sizeof tmp) {
        free(out);
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) {
        free(out);
        return -1;
    }
    rc = write_all(fd, out, n + STORE_FILE_OVERHEAD) == 0 && fsync(fd) == 0 ? 0 : -1;
    int e = errno;
    if (close(fd) != 0 && rc == 0) rc = -1, e = errno;
    free(out);
    if (rc == 0 && rename(tmp, path) != 0) rc = -1, e = errno;
    if (rc != 0) {
        unlink(tmp);
        errno = e;
        return -1;
    }
    char dir[PATH_MAX];
    dir_of(path, dir, sizeof dir);
    return nb_fsync_dir(dir);
}

int store_file_open(const unsigned char key[STORE_FILE_KEY_LEN], const char *context,
                    const char *path, nb_buf_t *out)
{
    nb_buf_t raw = NB_BUF_INIT;
    nb_buf_clear(out);
    if (nb_read_file(path, &raw) != 0) {
        int e = errno;
        nb_buf_free(&raw);
        errno = e;
        return -1;
    }
    if (!store_file_is_sealed(raw.data, raw.len) || raw.len - STORE_FILE_OVERHEAD > STORE_FILE_MAX) {
        nb_buf_free(&raw);
        errno = EBADMSG;
        return -1;
    }
    size_t n = raw.len - STORE_FILE_OVERHEAD;
    const uint8_t *in = (const uint8_t *)raw.data;
    nb_buf_reserve(out, n + 1);
    store_aad_t aad = {{in, context}, {MAGIC_LEN, strlen(context)}};
    store_aead_t *a = store_aead_new(key);
    int rc = store_aead_open(a, in + MAGIC_LEN, &aad, in + HDR_LEN, n, (uint8_t *)out->data);
    store_aead_free(a);
    nb_buf_free(&raw);
    if (rc != 0) {
        OPENSSL_cleanse(out->data, n);
        nb_buf_clear(out);
        errno = EBADMSG;
        return -1;
    }
    out->len = n;
    out->data[n] = 0;
    return 0;
}
