/* yaml_emit.c — JSON values written as YAML block documents (GetExport,
 * ExportApi with YAML output). Apart from yaml.c, which reads YAML.
 * Invariant: the text reads back (yaml.c) as the value written: every
 * string is double-quoted, so none turns into a number, boolean or null. */
#include "apigw/yaml.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>

static void quoted(nb_buf_t *out, const char *s, size_t n)
{
    nb_buf_putc(out, '"');
    nb_buf_json_escape(out, s, n);
    nb_buf_putc(out, '"');
}

/* A key that reads back as the same string when written plain. */
static int plain_key(const char *k)
{
    static const char *const words[] = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~", NULL};
    if (!*k || !((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || *k == '_')) return 0;
    for (const char *p = k; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' ||
              *p == '-' || *p == '.'))
            return 0;
    for (size_t i = 0; words[i]; i++)
        if (strcasecmp(words[i], k) == 0) return 0;
    return 1;
}

static void indent(nb_buf_t *out, int n)
{
    for (int i = 0; i < n; i++) nb_buf_putc(out, ' ');
}

static int is_block(json_t *v)
{
    return (json_is_object(v) && json_object_size(v)) || (json_is_array(v) && json_array_size(v));
}

/* A scalar, or an empty collection in flow style. */
static void scalar(nb_buf_t *out, json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_STRING: quoted(out, json_string_value(v), json_string_length(v)); break;
    case JSON_INTEGER: nb_buf_printf(out, "%lld", (long long)json_integer_value(v)); break;
    case JSON_REAL: nb_buf_printf(out, "%.17g", json_real_value(v)); break;
    case JSON_TRUE: nb_buf_puts(out, "true"); break;
    case JSON_FALSE: nb_buf_puts(out, "false"); break;
    case JSON_OBJECT: nb_buf_puts(out, "{}"); break;
    case JSON_ARRAY: nb_buf_puts(out, "[]"); break;
    default: nb_buf_puts(out, "null"); break;
    }
}

static void block(nb_buf_t *out, json_t *v, int depth);

/* What follows a key's ':' or an item's '-': a nested block on the next
 * lines, or a scalar on this one. */
static void entry(nb_buf_t *out, json_t *x, int depth)
{
    if (is_block(x)) {
        nb_buf_putc(out, '\n');
        block(out, x, depth + 2);
    } else {
        nb_buf_putc(out, ' ');
        scalar(out, x);
        nb_buf_putc(out, '\n');
    }
}

static void block(nb_buf_t *out, json_t *v, int depth)
{
    if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach(v, k, x) {
            indent(out, depth);
            if (plain_key(k)) nb_buf_puts(out, k);
            else quoted(out, k, strlen(k));
            nb_buf_putc(out, ':');
            entry(out, x, depth);
        }
        return;
    }
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x) {
        indent(out, depth);
        nb_buf_putc(out, '-');
        entry(out, x, depth);
    }
}

void apigw__yaml_emit(json_t *v, nb_buf_t *out)
{
    nb_buf_puts(out, "---\n");
    if (is_block(v)) {
        block(out, v, 0);
    } else {
        scalar(out, v);
        nb_buf_putc(out, '\n');
    }
}
