/* buf.h — growable byte buffer (heap, caller frees with nb_buf_free). */
#ifndef NB_BUF_H
#define NB_BUF_H
#include <stddef.h>
#include <stdarg.h>

typedef struct nb_buf {
    char *data;   /* always NUL-terminated after any append (data[len] == 0) */
    size_t len;
    size_t cap;
} nb_buf_t;

#define NB_BUF_INIT {NULL, 0, 0}

void nb_buf_reserve(nb_buf_t *b, size_t extra);
void nb_buf_append(nb_buf_t *b, const void *p, size_t n);
void nb_buf_puts(nb_buf_t *b, const char *s);
void nb_buf_putc(nb_buf_t *b, char c);
void nb_buf_printf(nb_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void nb_buf_vprintf(nb_buf_t *b, const char *fmt, va_list ap);
/* Append s with XML escaping (& < > " '). */
void nb_buf_xml_escape(nb_buf_t *b, const char *s, size_t n);
/* Append s as a JSON string body (no surrounding quotes). */
void nb_buf_json_escape(nb_buf_t *b, const char *s, size_t n);
void nb_buf_clear(nb_buf_t *b);
/* Hand the buffer's memory to the caller (caller frees); b becomes empty. */
char *nb_buf_take(nb_buf_t *b, size_t *len);
void nb_buf_free(nb_buf_t *b);

#endif
