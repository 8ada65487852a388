/* buf.c — growable byte buffer; data is kept NUL-terminated. */
#include "core/buf.h"
#include "core/alloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void nb_buf_reserve(nb_buf_t *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap && b->data) return;
    size_t cap = b->cap ? b->cap * 2 : 256;
    while (cap < b->len + extra + 1) cap *= 2;
    b->data = nb_xrealloc(b->data, cap);
    b->cap = cap;
    b->data[b->len] = 0;
}

void nb_buf_append(nb_buf_t *b, const void *p, size_t n)
{
    nb_buf_reserve(b, n);
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = 0;
}

void nb_buf_puts(nb_buf_t *b, const char *s) { nb_buf_append(b, s, strlen(s)); }

void nb_buf_putc(nb_buf_t *b, char c) { nb_buf_append(b, &c, 1); }

void nb_buf_vprintf(nb_buf_t *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n <= 0) { nb_buf_reserve(b, 0); b->data[b->len] = 0; return; }
    nb_buf_reserve(b, (size_t)n);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void nb_buf_printf(nb_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    nb_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void nb_buf_xml_escape(nb_buf_t *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '&': nb_buf_puts(b, "&amp;"); break;
        case '<': nb_buf_puts(b, "&lt;"); break;
        case '>': nb_buf_puts(b, "&gt;"); break;
        case '"': nb_buf_puts(b, "&quot;"); break;
        case '\'': nb_buf_puts(b, "&apos;"); break;
        case '\r': nb_buf_puts(b, "&#13;"); break;
        default: nb_buf_putc(b, s[i]);
        }
    }
}

void nb_buf_json_escape(nb_buf_t *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': nb_buf_puts(b, "\\\""); break;
        case '\\': nb_buf_puts(b, "\\\\"); break;
        case '\n': nb_buf_puts(b, "\\n"); break;
        case '\r': nb_buf_puts(b, "\\r"); break;
        case '\t': nb_buf_puts(b, "\\t"); break;
        default:
            if (c < 0x20) {
                char e[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
                nb_buf_puts(b, e);
            } else {
                nb_buf_putc(b, (char)c);
            }
        }
    }
}

void nb_buf_clear(nb_buf_t *b)
{
    b->len = 0;
    if (b->data) b->data[0] = 0;
}

char *nb_buf_take(nb_buf_t *b, size_t *len)
{
    if (!b->data) nb_buf_reserve(b, 0), b->data[0] = 0;
    char *p = b->data;
    if (len) *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

void nb_buf_free(nb_buf_t *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
