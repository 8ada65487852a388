/* util.h — small shared helpers: clocks, ids, encodings, ISO 8601 times. */
#ifndef NB_UTIL_H
#define NB_UTIL_H
#include <stddef.h>
#include <stdint.h>
#include "core/buf.h"

uint64_t nb_now_us(void);        /* monotonic microseconds */
uint64_t nb_wall_ms(void);       /* Unix epoch milliseconds */
double nb_wall_seconds(void);    /* Unix epoch seconds with fraction */
/* Random UUID v4, 36 chars + NUL. */
void nb_uuid4(char out[37]);
/* n random bytes from the kernel's CSPRNG (getrandom); aborts on failure. */
void nb_random_bytes(void *out, size_t n);
/* The value of a hex digit (either case), -1 for any other byte. */
static inline int nb_hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
/* Lowercase hex of n bytes into out (2n+1 bytes). */
void nb_hex(const void *in, size_t n, char *out);
/* Base64 (standard alphabet, padded). Decode returns -1 on bad input. */
void nb_base64_encode(nb_buf_t *out, const void *in, size_t n);
int nb_base64_decode(nb_buf_t *out, const char *in, size_t n);
/* Percent-decode (and '+' → ' ' when plus_is_space) into out; -1 on bad escape. */
int nb_url_decode(nb_buf_t *out, const char *in, size_t n, int plus_is_space);
/* The same into arena memory, NUL-terminated; NULL on a bad escape. */
struct nb_arena;
char *nb_url_decode_arena(struct nb_arena *a, const char *in, size_t n, int plus_is_space);
/* Percent-encode per RFC 3986 unreserved set (SigV4 style); keep '/' when keep_slash. */
void nb_url_encode(nb_buf_t *out, const char *in, size_t n, int keep_slash);
/* "2026-11-28T00:32:16.123Z" (ms precision) for a Unix ms time; out >= 32 bytes. */
void nb_iso8601_ms(uint64_t unix_ms, char *out, size_t cap);
/* "2026-11-28T00:32:16.123+0000" as Lambda's LastModified; out >= 32 bytes. */
void nb_iso8601_lambda(uint64_t unix_ms, char *out, size_t cap);
/* qsort comparator of C strings (an array of const char *), strcmp order. */
int nb_cmp_str(const void *a, const void *b);
/* Case-insensitive ASCII equality of n bytes. */
int nb_strncaseeq(const char *a, const char *b, size_t n);
/* Create dir and parents (mode 0700 for new ones); 0 or -1 with errno. */
int nb_mkdir_p(const char *path);
/* Read a whole file into out; 0 or -1 with errno. */
int nb_read_file(const char *path, nb_buf_t *out);
/* Write a file atomically (tmp + rename) with mode; with durable 1, fsync the
 * file before and the directory after the rename; with durable 2, the file
 * only (the caller syncs the directory). 0 or -1 with errno. */
int nb_write_file_atomic(const char *path, const void *data, size_t n, int mode);
int nb_write_file_replace(const char *path, const void *data, size_t n, int mode, int durable);
/* fsync a directory, so that names just created, renamed or removed in it
 * survive power loss. 0 or -1 with errno. */
int nb_fsync_dir(const char *path);

#endif
