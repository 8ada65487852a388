/* ddb_json_dump.c — compact JSON text of a jansson value, appended to a
 * buffer (see ddb_json_dump.h). Written for the item write path: jansson's
 * json_dumps goes through a callback per escaped run and a growing string
 * buffer, then the caller copied the text once more behind the value header;
 * this copies every string in runs of bytes needing no escape, straight into
 * the caller's buffer.
 *
 * Output is what json_dumps(v, JSON_COMPACT) writes for the values items hold
 * (objects in iteration order, strings with ", \, control characters escaped
 * and UTF-8 passed through, NUL as \u0000; true/false/null; integers); reals,
 * which items never hold, are formatted by jansson itself. */
#include "dynamodb/ddb_json_dump.h"
#include "core/json_fast.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put_string(nb_buf_t *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";   /* as jansson writes them */
    nb_buf_reserve(b, n + 2);
    nb_buf_putc(b, '"');
    size_t i = 0;
    while (i < n) {
        size_t run = i;
        run += nb_json_plain_run((const unsigned char *)s + run, n - run, 0);
        if (run > i) nb_buf_append(b, s + i, run - i);
        if (run == n) break;
        unsigned char c = (unsigned char)s[run];
        char e[6] = { '\\', 0, 0, 0, 0, 0 };
        size_t el = 2;
        switch (c) {
        case '"':  e[1] = '"'; break;
        case '\\': e[1] = '\\'; break;
        case '\b': e[1] = 'b'; break;
        case '\f': e[1] = 'f'; break;
        case '\n': e[1] = 'n'; break;
        case '\r': e[1] = 'r'; break;
        case '\t': e[1] = 't'; break;
        default:
            e[1] = 'u'; e[2] = '0'; e[3] = '0'; e[4] = hex[c >> 4]; e[5] = hex[c & 15];
            el = 6;
        }
        nb_buf_append(b, e, el);
        i = run + 1;
    }
    nb_buf_putc(b, '"');
}

void ddb_json_dump(nb_buf_t *b, const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        nb_buf_putc(b, '{');
        const char *k;
        json_t *e;
        int first = 1;
        json_object_foreach((json_t *)v, k, e) {
            if (!first) nb_buf_putc(b, ',');
            first = 0;
            put_string(b, k, strlen(k));
            nb_buf_putc(b, ':');
            ddb_json_dump(b, e);
        }
        nb_buf_putc(b, '}');
        return;
    }
    case JSON_ARRAY:
        nb_buf_putc(b, '[');
        for (size_t i = 0; i < json_array_size(v); i++) {
            if (i) nb_buf_putc(b, ',');
            ddb_json_dump(b, json_array_get(v, i));
        }
        nb_buf_putc(b, ']');
        return;
    case JSON_STRING:
        put_string(b, json_string_value(v), json_string_length(v));
        return;
    case JSON_INTEGER:
        nb_buf_printf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return;
    case JSON_TRUE:
        nb_buf_append(b, "true", 4);
        return;
    case JSON_FALSE:
        nb_buf_append(b, "false", 5);
        return;
    case JSON_NULL:
        nb_buf_append(b, "null", 4);
        return;
    case JSON_REAL: {
        char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        if (s) nb_buf_puts(b, s);
        free(s);
        return;
    }
    }
}
