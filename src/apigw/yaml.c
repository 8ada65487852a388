/* yaml.c — libyaml's document tree turned into jansson values (see yaml.h). */
#include "apigw/yaml.h"
#include <errno.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define MAX_DEPTH 64
#define MAX_VALUES 200000

typedef struct conv {
    yaml_document_t *doc;
    long values;
    int failed;
} conv_t;

static int is_int(const char *s)
{
    if (*s == '-' || *s == '+') s++;
    if (!*s) return 0;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9') return 0;
    return 1;
}

static json_t *scalar(const yaml_node_t *n)
{
    const char *v = (const char *)n->data.scalar.value;
    size_t len = n->data.scalar.length;
    if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) {
        json_t *s = json_stringn(v, len);
        return s ? s : json_string("");
    }
    if (len == 0 || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") || !strcmp(v, "NULL")) return json_null();
    if (!strcmp(v, "true") || !strcmp(v, "True") || !strcmp(v, "TRUE")) return json_true();
    if (!strcmp(v, "false") || !strcmp(v, "False") || !strcmp(v, "FALSE")) return json_false();
    if (is_int(v) && len < 19) return json_integer(strtoll(v, NULL, 10));
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (*v && !*end && errno == 0 && isfinite(d) && strspn(v, "+-0123456789.eE") == len) return json_real(d);
    json_t *s = json_stringn(v, len);
    return s ? s : json_string("");
}

static json_t *convert(conv_t *c, const yaml_node_t *n, int depth)
{
    if (!n || c->failed) return NULL;
    if (depth > MAX_DEPTH || ++c->values > MAX_VALUES) {
        c->failed = 1;
        return NULL;
    }
    switch (n->type) {
    case YAML_SCALAR_NODE:
        return scalar(n);
    case YAML_SEQUENCE_NODE: {
        json_t *a = json_array();
        for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
            json_t *v = convert(c, yaml_document_get_node(c->doc, *it), depth + 1);
            if (!v) { json_decref(a); return NULL; }
            json_array_append_new(a, v);
        }
        return a;
    }
    case YAML_MAPPING_NODE: {
        json_t *o = json_object();
        for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
            const yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
            if (!k || k->type != YAML_SCALAR_NODE) { c->failed = 1; json_decref(o); return NULL; }
            json_t *v = convert(c, yaml_document_get_node(c->doc, p->value), depth + 1);
            if (!v) { json_decref(o); return NULL; }
            char *key = strndup((const char *)k->data.scalar.value, k->data.scalar.length);
            if (!key) abort();
            json_object_set_new(o, key, v);
            free(key);
        }
        return o;
    }
    default:
        c->failed = 1;
        return NULL;
    }
}

json_t *apigw__yaml_load(const char *text, size_t len, char *err, size_t errcap)
{
    yaml_parser_t p;
    yaml_document_t doc;
    if (err && errcap) err[0] = 0;
    if (!yaml_parser_initialize(&p)) {
        snprintf(err, errcap, "YAML parser unavailable");
        return NULL;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    if (!yaml_parser_load(&p, &doc)) {
        snprintf(err, errcap, "%s at line %lu", p.problem ? p.problem : "invalid YAML",
                 (unsigned long)p.problem_mark.line + 1);
        yaml_parser_delete(&p);
        return NULL;
    }
    conv_t c = {&doc, 0, 0};
    json_t *root = convert(&c, yaml_document_get_root_node(&doc), 0);
    if (!root) snprintf(err, errcap, c.failed ? "YAML document too deep, too large or with non-scalar keys" : "empty YAML document");
    yaml_document_delete(&doc);
    yaml_parser_delete(&p);
    return root;
}
