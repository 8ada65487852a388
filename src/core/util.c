/* util.c — clocks, ids, encodings and small file helpers shared by all modules. */
#include "core/util.h"
#include "core/alloc.h"
#include "core/arena.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

uint64_t nb_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t nb_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

double nb_wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void nb_random_bytes(void *out, size_t n)
{
    unsigned char *p = out;
    while (n) {
        ssize_t r = getrandom(p, n, 0);
        if (r < 0) {
            if (errno == EINTR) continue;
            perror("getrandom");
            abort();
        }
        p += r;
        n -= (size_t)r;
    }
}

/* Request ids need uniqueness, not secrecy: a xorshift generator seeded from
 * the kernel once avoids a syscall per request. */
static uint64_t rng_state;

static uint64_t rng_next(void)
{
    if (!rng_state) {
        nb_random_bytes(&rng_state, sizeof rng_state);
        rng_state |= 1;
    }
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    rng_state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

void nb_uuid4(char out[37])
{
    unsigned char b[16];
    uint64_t a = rng_next(), c = rng_next();
    memcpy(b, &a, 8);
    memcpy(b + 8, &c, 8);
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    static const char hex[] = "0123456789abcdef";
    int o = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out[o++] = '-';
        out[o++] = hex[b[i] >> 4];
        out[o++] = hex[b[i] & 15];
    }
    out[o] = 0;
}

void nb_hex(const void *in, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = in;
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex[p[i] >> 4];
        out[2 * i + 1] = hex[p[i] & 15];
    }
    out[2 * n] = 0;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void nb_base64_encode(nb_buf_t *out, const void *in, size_t n)
{
    const unsigned char *p = in;
    nb_buf_reserve(out, (n + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 2 < n; i += 3) {
        char q[4] = {b64[p[i] >> 2], b64[((p[i] & 3) << 4) | (p[i + 1] >> 4)],
                     b64[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)], b64[p[i + 2] & 63]};
        nb_buf_append(out, q, 4);
    }
    if (i < n) {
        char q[4] = {b64[p[i] >> 2], 0, '=', '='};
        if (i + 1 < n) {
            q[1] = b64[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
            q[2] = b64[(p[i + 1] & 15) << 2];
        } else {
            q[1] = b64[(p[i] & 3) << 4];
        }
        nb_buf_append(out, q, 4);
    }
    nb_buf_reserve(out, 0);
}

static int b64val(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

int nb_base64_decode(nb_buf_t *out, const char *in, size_t n)
{
    if (n % 4 != 0) return -1;
    nb_buf_reserve(out, n / 4 * 3);
    for (size_t i = 0; i < n; i += 4) {
        int v[4];
        int pad = 0;
        for (int k = 0; k < 4; k++) {
            unsigned char c = (unsigned char)in[i + k];
            if (c == '=' && i + 4 == n && k >= 2) {
                v[k] = 0;
                pad++;
            } else {
                if (pad) return -1;
                v[k] = b64val(c);
                if (v[k] < 0) return -1;
            }
        }
        unsigned char o[3] = {(unsigned char)((v[0] << 2) | (v[1] >> 4)),
                              (unsigned char)(((v[1] & 15) << 4) | (v[2] >> 2)),
                              (unsigned char)(((v[2] & 3) << 6) | v[3])};
        nb_buf_append(out, o, (size_t)(3 - pad));
    }
    nb_buf_reserve(out, 0);
    if (out->data) out->data[out->len] = 0;
    return 0;
}

int nb_url_decode(nb_buf_t *out, const char *in, size_t n, int plus_is_space)
{
    nb_buf_reserve(out, n);
    for (size_t i = 0; i < n; i++) {
        char c = in[i];
        if (c == '%') {
            if (i + 2 >= n) return -1;
            int h = nb_hexval((unsigned char)in[i + 1]), l = nb_hexval((unsigned char)in[i + 2]);
            if (h < 0 || l < 0) return -1;
            nb_buf_putc(out, (char)(h * 16 + l));
            i += 2;
        } else if (c == '+' && plus_is_space) {
            nb_buf_putc(out, ' ');
        } else {
            nb_buf_putc(out, c);
        }
    }
    if (out->data) out->data[out->len] = 0;
    return 0;
}

char *nb_url_decode_arena(nb_arena_t *a, const char *in, size_t n, int plus_is_space)
{
    nb_buf_t b = NB_BUF_INIT;
    char *r = NULL;
    if (nb_url_decode(&b, in, n, plus_is_space) == 0) r = nb_arena_strndup(a, b.data ? b.data : "", b.len);
    nb_buf_free(&b);
    return r;
}

void nb_url_encode(nb_buf_t *out, const char *in, size_t n, int keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)in[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~' || (c == '/' && keep_slash)) {
            nb_buf_putc(out, (char)c);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            nb_buf_append(out, e, 3);
        }
    }
    nb_buf_reserve(out, 0);
}

void nb_iso8601_ms(uint64_t unix_ms, char *out, size_t cap)
{
    time_t s = (time_t)(unix_ms / 1000);
    struct tm tm;
    gmtime_r(&s, &tm);
    snprintf(out, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (unsigned)(unix_ms % 1000));
}

void nb_iso8601_lambda(uint64_t unix_ms, char *out, size_t cap)
{
    time_t s = (time_t)(unix_ms / 1000);
    struct tm tm;
    gmtime_r(&s, &tm);
    snprintf(out, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%03u+0000", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (unsigned)(unix_ms % 1000));
}

int nb_cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int nb_strncaseeq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z') x = (unsigned char)(x + 32);
        if (y >= 'A' && y <= 'Z') y = (unsigned char)(y + 32);
        if (x != y) return 0;
    }
    return 1;
}

int nb_mkdir_p(const char *path)
{
    char tmp[4096];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof tmp) { errno = ENAMETOOLONG; return -1; }
    memcpy(tmp, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (tmp[i] == '/' || tmp[i] == 0) {
            char c = tmp[i];
            tmp[i] = 0;
            if (mkdir(tmp, 0700) != 0 && errno != EEXIST) return -1;
            tmp[i] = c;
        }
    }
    return 0;
}

int nb_read_file(const char *path, nb_buf_t *out)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    char chunk[65536];
    for (;;) {
        ssize_t r = read(fd, chunk, sizeof chunk);
        if (r < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            close(fd);
            errno = e;
            return -1;
        }
        if (r == 0) break;
        nb_buf_append(out, chunk, (size_t)r);
    }
    close(fd);
    nb_buf_reserve(out, 0);
    out->data[out->len] = 0;
    return 0;
}

int nb_write_file_atomic(const char *path, const void *data, size_t n, int mode)
{
    return nb_write_file_replace(path, data, n, mode, 1);
}

int nb_write_file_replace(const char *path, const void *data, size_t n, int mode, int durable)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp.%d", path, (int)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) return -1;
    const char *p = data;
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            close(fd);
            unlink(tmp);
            errno = e;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    if ((durable && fsync(fd) != 0) || close(fd) != 0) { unlink(tmp); return -1; }
    if (rename(tmp, path) != 0) { unlink(tmp); return -1; }
    if (durable != 1) return 0;   /* 2: the caller syncs the directory */
    char dir[4200];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash) {
        if (slash == dir) slash[1] = 0; else *slash = 0;
    } else {
        strcpy(dir, ".");
    }
    (void)nb_fsync_dir(dir);
    return 0;
}

int nb_fsync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    errno = e;
    return rc == 0 ? 0 : -1;
}
