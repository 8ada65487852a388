/* csv.c — comma-separated values as API Gateway reads them (ImportApiKeys):
 * fields separated by ',', records by LF or CRLF; a field may be quoted with
 * '"' or '\'' (the same quote doubled stands for itself), which lets it hold
 * commas and line breaks. No CSV library reads both quote characters in one
 * file (libcsv takes one), hence this small reader. */
#include "apigw/apigw_int.h"
#include "core/buf.h"
#include <string.h>

/* The field starting at p[*i], appended to row; *i left after its separator.
 * Returns 1 if a record ended there (line break or end of input), 0 if a ','
 * followed, -1 on an unterminated quote, -2 if the field is not UTF-8. */
static int field(const char *p, size_t n, size_t *i, json_t *row, nb_buf_t *b)
{
    nb_buf_clear(b);
    size_t k = *i;
    if (k < n && (p[k] == '"' || p[k] == '\'')) {
        char q = p[k++];
        for (;;) {
            if (k >= n) return -1;
            if (p[k] == q) {
                if (k + 1 < n && p[k + 1] == q) {
                    nb_buf_putc(b, q);
                    k += 2;
                    continue;
                }
                k++;
                break;
            }
            nb_buf_putc(b, p[k++]);
        }
        while (k < n && p[k] != ',' && p[k] != '\n' && p[k] != '\r') k++;   /* text after the closing quote: ignored */
    } else {
        size_t s = k;
        while (k < n && p[k] != ',' && p[k] != '\n' && p[k] != '\r') k++;
        nb_buf_append(b, p + s, k - s);
    }
    json_t *v = json_stringn(b->data ? b->data : "", b->len);
    if (!v) return -2;
    json_array_append_new(row, v);
    if (k < n && p[k] == ',') {
        *i = k + 1;
        return 0;
    }
    if (k < n && p[k] == '\r') k++;
    if (k < n && p[k] == '\n') k++;
    *i = k;
    return 1;
}

json_t *apigw__csv_parse(const char *p, size_t n, const char **err)
{
    json_t *rows = json_array();
    nb_buf_t b = NB_BUF_INIT;
    size_t i = 0;
    if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) i = 3;   /* a UTF-8 byte order mark */
    while (i < n) {
        json_t *row = json_array();
        int r;
        while ((r = field(p, n, &i, row, &b)) == 0) {
            if (i >= n) {   /* a trailing ',' ends the input: one more, empty, field */
                json_array_append_new(row, json_string(""));
                r = 1;
                break;
            }
        }
        if (r < 0) {
            json_decref(row);
            json_decref(rows);
            nb_buf_free(&b);
            *err = r == -1 ? "unterminated quoted field" : "text that is not UTF-8";
            return NULL;
        }
        /* a blank line is no record */
        if (json_array_size(row) == 1 && json_string_length(json_array_get(row, 0)) == 0) json_decref(row);
        else json_array_append_new(rows, row);
    }
    nb_buf_free(&b);
    return rows;
}
