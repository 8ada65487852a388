/* vtl_eval.c — rendering a parsed VTL template (vtl_int.h) against an
 * environment. Values are jansson values; NULL means undefined. Every
 * evaluation step counts against MAX_STEPS and output is capped, so a
 * template cannot spin or balloon (the render then fails). */
#include "apigw/vtl_int.h"
#include "apigw/jregex.h"
#include "core/util.h"
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_STEPS 1000000
#define MAX_OUT (8u * 1024 * 1024)
#define MAX_DEPTH 64
#define MAX_LOOPS 1000   /* API Gateway's quota: iterations of one #foreach */

typedef struct ev {
    vtl_env_t *env;
    json_t *vars;
    json_t *input_json;     /* parsed body, lazily; json_null() when not JSON */
    long steps;
    int depth;
    int failed;
} ev_t;

static json_t *eval(ev_t *e, const vtl_expr_t *x);
static void render(ev_t *e, const vtl_node_t *n, nb_buf_t *out);

/* --- JSONPath subset ----------------------------------------------------- */

/* The definite steps in [p, end) (".name", "['name']", "[3]") applied to cur;
 * member names of any length, matched byte for byte. */
static json_t *jp_definite(json_t *cur, const char *p, const char *end)
{
    while (p < end && cur) {
        if (*p == '.') {
            const char *b = ++p;
            while (p < end && *p != '.' && *p != '[') p++;
            cur = json_object_getn(cur, b, (size_t)(p - b));
        } else if (*p == '[') {
            p++;
            if (p < end && (*p == '\'' || *p == '"')) {
                char q = *p++;
                const char *b = p;
                while (p < end && *p != q) p++;
                cur = json_object_getn(cur, b, (size_t)(p - b));
                if (p < end) p++;
            } else {
                char *stop;
                unsigned long i = strtoul(p, &stop, 10);
                if (stop > end) return NULL;
                p = stop;
                cur = json_array_get(cur, (size_t)i);
            }
            if (p >= end || *p != ']') return NULL;
            p++;
        } else {
            return NULL;
        }
    }
    return cur;
}

json_t *apigw__jsonpath(json_t *doc, const char *p)
{
    if (!p || *p != '$') return NULL;
    return jp_definite(doc, p + 1, p + strlen(p));
}

static void jp_step(ev_t *e, json_t *cur, const char *p, json_t *out, int depth);

/* p applied at every member of cur. */
static void jp_members(ev_t *e, json_t *cur, const char *p, json_t *out, int depth)
{
    const char *k;
    json_t *v;
    size_t i;
    if (json_is_object(cur)) json_object_foreach(cur, k, v) jp_step(e, v, p, out, depth + 1);
    else if (json_is_array(cur)) json_array_foreach(cur, i, v) jp_step(e, v, p, out, depth + 1);
}

/* One step of a query path p at cur, matches appended to out. Every step
 * counts against the render's steps (deep scans nested in one another would
 * otherwise multiply), depth bounds the recursion (documents nest at most
 * 2048 deep). */
static void jp_step(ev_t *e, json_t *cur, const char *p, json_t *out, int depth)
{
    if (!cur || e->failed) return;
    if (++e->steps > MAX_STEPS || depth > 4096) {
        e->failed = 1;
        return;
    }
    if (!*p) {
        json_array_append(out, cur);
        return;
    }
    if (p[0] == '.' && p[1] == '.') {   /* deep scan: the rest here and at every descendant */
        jp_step(e, cur, p[2] == '[' ? p + 2 : p + 1, out, depth + 1);
        jp_members(e, cur, p, out, depth);
        return;
    }
    if ((p[0] == '.' && p[1] == '*') || (p[0] == '[' && p[1] == '*' && p[2] == ']')) {   /* every member */
        jp_members(e, cur, p + (p[0] == '.' ? 2 : 3), out, depth);
        return;
    }
    /* a definite step: the next name or index */
    const char *q = p + 1;
    if (*p == '.') {
        while (*q && *q != '.' && *q != '[') q++;
    } else if (*p == '[') {
        char quote = (q[0] == '\'' || q[0] == '"') ? q[0] : 0;
        if (quote) {
            q++;
            while (*q && *q != quote) q++;
            if (*q) q++;
        } else {
            while (*q && *q != ']') q++;
        }
        if (*q != ']') return;
        q++;
    } else {
        return;
    }
    jp_step(e, jp_definite(cur, p, q), q, out, depth + 1);
}

/* JSONPath as $input reads it (Goessner's): a definite path gives its value
 * (a new reference to the document's own), one with [*], .* or .. the array
 * of what it matches. NULL when nothing is there. */
static json_t *jsonpath_query(ev_t *e, json_t *doc, const char *p)
{
    if (!p || *p != '$') return NULL;
    if (!strstr(p, "*") && !strstr(p, "..")) {
        json_t *v = apigw__jsonpath(doc, p);
        return v ? json_incref(v) : NULL;
    }
    json_t *out = json_array();
    jp_step(e, doc, p + 1, out, 0);
    return out;
}

static json_t *input_json(ev_t *e)
{
    if (!e->input_json) {
        e->input_json = e->env->body_len ? json_loadb(e->env->body, e->env->body_len, JSON_DECODE_ANY, NULL) : NULL;
        if (!e->input_json) e->input_json = e->env->body_len ? json_null() : json_object();
    }
    return e->input_json;
}

/* --- values -------------------------------------------------------------- */

/* A double as Java's Double.toString writes it (Velocity runs on Java): the
 * shortest digits that read back as d; plain decimal with at least one
 * fractional digit for 1e-3 <= |d| < 1e7 ("0.1", "100.0"), else computerized
 * scientific notation ("1.0E7", "1.25E-5"). */
static void java_double(double d, nb_buf_t *out)
{
    if (isnan(d)) { nb_buf_puts(out, "NaN"); return; }
    if (isinf(d)) { nb_buf_puts(out, d < 0 ? "-Infinity" : "Infinity"); return; }
    if (d == 0) { nb_buf_puts(out, signbit(d) ? "-0.0" : "0.0"); return; }
    char e[40];
    for (int p = 0; p <= 16; p++) {   /* %.{p}e has p+1 significant digits */
        snprintf(e, sizeof e, "%.*e", p, d);
        if (strtod(e, NULL) == d) break;
    }
    /* e: [-]D[.DDD]e[+-]XX → digits and decimal exponent */
    char digits[24];
    size_t nd = 0;
    const char *c = e;
    if (*c == '-') { nb_buf_putc(out, '-'); c++; }
    for (; *c && *c != 'e'; c++)
        if (*c != '.') digits[nd++] = *c;
    int exp10 = atoi(c + 1);
    while (nd > 1 && digits[nd - 1] == '0') nd--;
    double a = fabs(d);
    if (a >= 1e-3 && a < 1e7) {
        if (exp10 < 0) {
            nb_buf_puts(out, "0.");
            for (int i = -1; i > exp10; i--) nb_buf_putc(out, '0');
            nb_buf_append(out, digits, nd);
        } else {
            size_t intd = (size_t)exp10 + 1;
            for (size_t i = 0; i < intd; i++) nb_buf_putc(out, i < nd ? digits[i] : '0');
            nb_buf_putc(out, '.');
            if (nd > intd) nb_buf_append(out, digits + intd, nd - intd);
            else nb_buf_putc(out, '0');
        }
    } else {
        nb_buf_putc(out, digits[0]);
        nb_buf_putc(out, '.');
        if (nd > 1) nb_buf_append(out, digits + 1, nd - 1);
        else nb_buf_putc(out, '0');
        nb_buf_printf(out, "E%d", exp10);
    }
}

/* A value as Velocity writes it: Java's toString. Maps and lists (JSON
 * objects and arrays, $input.params(), #set literals) are Java collections:
 * {name=value, other=[1, 2]}, not JSON. */
static void to_text(json_t *v, nb_buf_t *out)
{
    if (json_is_string(v)) nb_buf_append(out, json_string_value(v), json_string_length(v));
    else if (json_is_integer(v)) nb_buf_printf(out, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v)) {
        java_double(json_real_value(v), out);
    } else if (json_is_true(v)) nb_buf_puts(out, "true");
    else if (json_is_false(v)) nb_buf_puts(out, "false");
    else if (json_is_null(v)) nb_buf_puts(out, "null");
    else if (json_is_object(v)) {
        const char *k;
        json_t *x;
        int first = 1;
        nb_buf_putc(out, '{');
        json_object_foreach(v, k, x) {
            if (!first) nb_buf_puts(out, ", ");
            first = 0;
            nb_buf_puts(out, k);
            nb_buf_putc(out, '=');
            to_text(x, out);
        }
        nb_buf_putc(out, '}');
    } else if (json_is_array(v)) {
        size_t i;
        json_t *x;
        nb_buf_putc(out, '[');
        json_array_foreach(v, i, x) {
            if (i) nb_buf_puts(out, ", ");
            to_text(x, out);
        }
        nb_buf_putc(out, ']');
    }
}

static json_t *text_value(json_t *v)
{
    nb_buf_t b = NB_BUF_INIT;
    to_text(v, &b);
    json_t *s = json_stringn(b.data ? b.data : "", b.len);
    nb_buf_free(&b);
    return s ? s : json_string("");
}

static int truthy(json_t *v)
{
    return v && !json_is_null(v) && !json_is_false(v);
}

static double num(json_t *v)
{
    if (json_is_number(v)) return json_number_value(v);
    if (json_is_string(v)) return strtod(json_string_value(v), NULL);
    return 0;
}

static int equal(json_t *a, json_t *b)
{
    if (!a || !b) return !a && !b ? 1 : (json_is_null(a) || json_is_null(b)) && (!a || !b);
    if (json_is_number(a) && json_is_number(b)) return json_number_value(a) == json_number_value(b);
    if (json_is_string(a) != json_is_string(b)) {   /* Velocity compares different types by text */
        json_t *ta = text_value(a), *tb = text_value(b);
        int r = json_equal(ta, tb);
        json_decref(ta);
        json_decref(tb);
        return r;
    }
    return json_equal(a, b);
}

/* --- built-ins ----------------------------------------------------------- */

static const char *sarg(ev_t *e, const vtl_seg_t *s, size_t i, json_t **hold)
{
    *hold = i < s->nargs ? eval(e, s->args[i]) : NULL;
    if (json_is_string(*hold)) return json_string_value(*hold);
    if (*hold) {
        json_t *t = text_value(*hold);
        json_decref(*hold);
        *hold = t;
        return json_string_value(t);
    }
    return NULL;
}

static json_t *escape_js(const char *s)
{
    nb_buf_t b = NB_BUF_INIT;
    for (; *s; s++) {
        switch (*s) {
        case '"': nb_buf_puts(&b, "\\\""); break;
        case '\'': nb_buf_puts(&b, "\\'"); break;
        case '\\': nb_buf_puts(&b, "\\\\"); break;
        case '\n': nb_buf_puts(&b, "\\n"); break;
        case '\r': nb_buf_puts(&b, "\\r"); break;
        case '\t': nb_buf_puts(&b, "\\t"); break;
        case '\b': nb_buf_puts(&b, "\\b"); break;
        case '\f': nb_buf_puts(&b, "\\f"); break;
        default:
            if ((unsigned char)*s < 0x20) nb_buf_printf(&b, "\\u%04x", (unsigned char)*s);
            else nb_buf_putc(&b, *s);
        }
    }
    json_t *r = json_stringn(b.data ? b.data : "", b.len);
    nb_buf_free(&b);
    return r ? r : json_string("");
}

/* Java's URLEncoder (application/x-www-form-urlencoded, UTF-8): letters,
 * digits and . - * _ stay, a space is '+', every other byte %XX. */
static void form_encode(nb_buf_t *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
            c == '*' || c == '_')
            nb_buf_putc(b, (char)c);
        else if (c == ' ')
            nb_buf_putc(b, '+');
        else
            nb_buf_printf(b, "%%%c%c", hex[c >> 4], hex[c & 15]);
    }
}

static json_t *util_call(ev_t *e, const vtl_seg_t *s)
{
    json_t *hold;
    const char *a = sarg(e, s, 0, &hold);
    json_t *r = NULL;
    nb_buf_t b = NB_BUF_INIT;
    if (!a) a = "";
    if (!strcmp(s->name, "escapeJavaScript")) r = escape_js(a);
    else if (!strcmp(s->name, "parseJson")) r = json_loads(a, JSON_DECODE_ANY, NULL);
    else if (!strcmp(s->name, "urlEncode")) { form_encode(&b, a); r = json_stringn(b.data ? b.data : "", b.len); }
    else if (!strcmp(s->name, "urlDecode")) { if (nb_url_decode(&b, a, strlen(a), 1) == 0) r = json_stringn(b.data ? b.data : "", b.len); }
    else if (!strcmp(s->name, "base64Encode")) { nb_base64_encode(&b, a, strlen(a)); r = json_stringn(b.data ? b.data : "", b.len); }
    else if (!strcmp(s->name, "base64Decode")) { if (nb_base64_decode(&b, a, strlen(a)) == 0) r = json_stringn(b.data ? b.data : "", b.len); }
    nb_buf_free(&b);
    json_decref(hold);
    return r;
}

static json_t *params_all(ev_t *e)
{
    json_t *p = e->env->params;
    return p ? json_incref(p) : json_pack("{s:{},s:{},s:{}}", "path", "querystring", "header");
}

static json_t *input_call(ev_t *e, const vtl_seg_t *s)
{
    json_t *hold;
    if (!strcmp(s->name, "body") && !s->call) {
        json_t *b = json_stringn(e->env->body ? e->env->body : "", e->env->body_len);
        return b ? b : json_string("");
    }
    if (!strcmp(s->name, "json") || !strcmp(s->name, "path")) {
        const char *path = sarg(e, s, 0, &hold);
        json_t *v = jsonpath_query(e, input_json(e), path ? path : "$");
        json_decref(hold);
        if (!strcmp(s->name, "path")) return v;
        char *txt = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
        json_t *r = json_string(txt ? txt : "null");
        free(txt);
        json_decref(v);
        return r;
    }
    if (!strcmp(s->name, "params")) {
        json_t *all = params_all(e);
        if (!s->nargs) return all;
        const char *name = sarg(e, s, 0, &hold);
        json_t *r = NULL;
        static const char *const where[] = {"path", "querystring", "header"};
        for (int i = 0; i < 3 && !r && name; i++) {
            json_t *m = json_object_get(all, where[i]);
            json_t *v = json_object_get(m, name);
            if (!v && i == 2) {   /* header names are case-insensitive; the map keeps the client's spelling */
                const char *k;
                json_t *hv;
                json_object_foreach(m, k, hv)
                    if (strcasecmp(k, name) == 0) { v = hv; break; }
            }
            if (v) r = json_incref(v);
        }
        json_decref(hold);
        json_decref(all);
        return r ? r : json_string("");
    }
    return NULL;
}

/* Java's replacement text: $n is group n, \x is x. */
static void put_replacement(nb_buf_t *o, const char *rep, const char *subj, const apigw_jregex_t *re)
{
    for (const char *r = rep; *r; r++) {
        size_t so, eo;
        if (*r == '\\' && r[1]) {
            nb_buf_putc(o, *++r);
        } else if (*r == '$' && r[1] >= '0' && r[1] <= '9') {
            if (apigw__jregex_group(re, *++r - '0', &so, &eo) == 0) nb_buf_append(o, subj + so, eo - so);
        } else {
            nb_buf_putc(o, *r);
        }
    }
}

/* Java's Matcher.find over s: the next match at or after *pos, after which
 * the search goes on at its end (one character further after an empty one).
 * Each search counts against the render's steps; a match's bound hit fails
 * the render. */
static int re_next(ev_t *e, apigw_jregex_t *re, const char *s, size_t len, size_t *pos, size_t *so, size_t *eo)
{
    if (*pos > len || e->failed) return 0;
    if ((e->steps += 100) > MAX_STEPS) {
        e->failed = 1;
        return 0;
    }
    int rc = apigw__jregex_find(re, s, len, *pos, 0);
    if (rc < 0) e->failed = 1;
    if (rc != 1) return 0;
    apigw__jregex_group(re, 0, so, eo);
    *pos = *eo;
    if (*eo == *so) {
        (*pos)++;
        while (*pos < len && ((unsigned char)s[*pos] & 0xC0) == 0x80) (*pos)++;   /* a whole UTF-8 character */
    }
    return 1;
}

/* String.replaceAll / replaceFirst (all = 0): NULL when pat does not compile. */
static json_t *re_replace(ev_t *e, const char *str, const char *pat, const char *rep, int all)
{
    apigw_jregex_t *re = apigw__jregex_new(pat, 0);
    if (!re) return NULL;
    nb_buf_t o = NB_BUF_INIT;
    size_t len = strlen(str), pos = 0, copied = 0, so, eo;
    while (re_next(e, re, str, len, &pos, &so, &eo)) {
        nb_buf_append(&o, str + copied, so - copied);
        put_replacement(&o, rep, str, re);
        copied = eo;
        if (o.len > MAX_OUT) {
            e->failed = 1;
            break;
        }
        if (!all) break;
    }
    nb_buf_append(&o, str + copied, len - copied);
    apigw__jregex_free(re);
    json_t *r = json_stringn(o.data ? o.data : "", o.len);
    nb_buf_free(&o);
    return r;
}

/* String.split(regex): no leading empty string for an empty match at the
 * start, trailing empty strings dropped (Java's limit 0). */
static json_t *re_split(ev_t *e, const char *str, const char *pat)
{
    apigw_jregex_t *re = apigw__jregex_new(pat, 0);
    if (!re) return NULL;
    json_t *r = json_array();
    size_t len = strlen(str), pos = 0, index = 0, so, eo;
    int matched = 0;
    while (re_next(e, re, str, len, &pos, &so, &eo)) {
        if (index == 0 && so == 0 && eo == 0) continue;
        if (so == len && eo == len && so == index) break;   /* an empty match at the end splits nothing off */
        json_array_append_new(r, json_stringn(str + index, so - index));
        index = eo;
        matched = 1;
    }
    apigw__jregex_free(re);
    json_array_append_new(r, json_stringn(str + index, len - index));
    if (matched)
        while (json_array_size(r) && json_string_length(json_array_get(r, json_array_size(r) - 1)) == 0)
            json_array_remove(r, json_array_size(r) - 1);
    return r;
}

static json_t *method(ev_t *e, json_t *v, const vtl_seg_t *s)
{
    const char *m = s->name;
    json_t *h1 = NULL, *h2 = NULL, *r = NULL;
    const char *str = json_string_value(v);
    if (!strcmp(m, "size") || !strcmp(m, "length")) {
        r = json_integer(json_is_array(v) ? (json_int_t)json_array_size(v) : json_is_object(v) ? (json_int_t)json_object_size(v)
                         : str ? (json_int_t)json_string_length(v) : 0);
    } else if (!strcmp(m, "isEmpty")) {
        r = json_boolean(json_is_array(v) ? !json_array_size(v) : json_is_object(v) ? !json_object_size(v) : !str || !*str);
    } else if (!strcmp(m, "get")) {
        json_t *k = s->nargs ? eval(e, s->args[0]) : NULL;
        if (json_is_object(v) && json_is_string(k)) r = json_incref(json_object_get(v, json_string_value(k)));
        else if (json_is_array(v) && json_is_integer(k)) r = json_incref(json_array_get(v, (size_t)json_integer_value(k)));
        json_decref(k);
    } else if (!strcmp(m, "keySet") && json_is_object(v)) {
        r = json_array();
        const char *k;
        json_t *x;
        json_object_foreach(v, k, x) json_array_append_new(r, json_string(k));
    } else if (!strcmp(m, "containsKey") && json_is_object(v)) {
        const char *k = sarg(e, s, 0, &h1);
        r = json_boolean(k && json_object_get(v, k));
    } else if (!strcmp(m, "contains")) {
        json_t *x = s->nargs ? eval(e, s->args[0]) : NULL;
        int found = 0;
        if (json_is_array(v)) {
            size_t i;
            json_t *it;
            json_array_foreach(v, i, it) found |= equal(it, x);
        } else if (str && json_is_string(x)) {
            found = strstr(str, json_string_value(x)) != NULL;
        }
        json_decref(x);
        r = json_boolean(found);
    } else if (!strcmp(m, "toString")) {
        r = text_value(v);
    } else if (!strcmp(m, "equals")) {
        json_t *x = s->nargs ? eval(e, s->args[0]) : NULL;
        r = json_boolean(equal(v, x));
        json_decref(x);
    } else if (str) {
        const char *a = sarg(e, s, 0, &h1), *b = sarg(e, s, 1, &h2);
        size_t n = strlen(str);
        if (!strcmp(m, "toLowerCase") || !strcmp(m, "toUpperCase")) {
            char *c = strdup(str);
            for (char *p = c; c && *p; p++) *p = (char)(m[2] == 'L' ? (*p >= 'A' && *p <= 'Z' ? *p + 32 : *p)
                                                               : (*p >= 'a' && *p <= 'z' ? *p - 32 : *p));
            r = json_string(c ? c : "");
            free(c);
        } else if (!strcmp(m, "trim")) {   /* Java: every character <= ' ' */
            const char *b0 = str, *e0 = str + n;
            while (b0 < e0 && (unsigned char)*b0 <= ' ') b0++;
            while (e0 > b0 && (unsigned char)e0[-1] <= ' ') e0--;
            r = json_stringn(b0, (size_t)(e0 - b0));
        } else if (!strcmp(m, "startsWith") && a) {
            r = json_boolean(strncmp(str, a, strlen(a)) == 0);
        } else if (!strcmp(m, "endsWith") && a) {
            r = json_boolean(strlen(a) <= n && strcmp(str + n - strlen(a), a) == 0);
        } else if (!strcmp(m, "equalsIgnoreCase")) {
            r = json_boolean(a && strcasecmp(str, a) == 0);
        } else if (!strcmp(m, "indexOf") && a) {
            const char *f = strstr(str, a);
            r = json_integer(f ? (json_int_t)(f - str) : -1);
        } else if (!strcmp(m, "lastIndexOf") && a) {
            const char *f = NULL;
            for (const char *q = strstr(str, a); q; q = *q ? strstr(q + 1, a) : NULL) f = q;
            r = json_integer(f ? (json_int_t)(f - str) : -1);
        } else if (!strcmp(m, "charAt") && a) {
            long long i = strtoll(a, NULL, 10);
            if (i >= 0 && (size_t)i < n) r = json_stringn(str + i, 1);
        } else if (!strcmp(m, "concat") && a) {
            nb_buf_t o = NB_BUF_INIT;
            nb_buf_puts(&o, str);
            nb_buf_puts(&o, a);
            r = json_stringn(o.data ? o.data : "", o.len);
            nb_buf_free(&o);
        } else if (!strcmp(m, "substring") && a) {
            long long from = strtoll(a, NULL, 10), to = b ? strtoll(b, NULL, 10) : (long long)n;
            if (from >= 0 && to >= from && (size_t)to <= n) r = json_stringn(str + from, (size_t)(to - from));
        } else if (!strcmp(m, "replace") && a && b && *a) {   /* literal, as Java's replace(CharSequence, …) */
            nb_buf_t o = NB_BUF_INIT;
            for (const char *p = str; *p && o.len <= MAX_OUT;) {
                if (strncmp(p, a, strlen(a)) == 0) { nb_buf_puts(&o, b); p += strlen(a); }
                else nb_buf_putc(&o, *p++);
            }
            r = json_stringn(o.data ? o.data : "", o.len);
            nb_buf_free(&o);
        } else if ((!strcmp(m, "replaceAll") || !strcmp(m, "replaceFirst")) && a && b) {   /* Java regex */
            r = re_replace(e, str, a, b, m[7] == 'A');
        } else if (!strcmp(m, "matches") && a) {
            r = json_boolean(apigw__jregex_whole(a, str));
        } else if (!strcmp(m, "split") && a) {
            r = re_split(e, str, a);
        }
    }
    json_decref(h1);
    json_decref(h2);
    return r;
}

/* Evaluate a reference (new reference or NULL). */
static json_t *ref_value(ev_t *e, const vtl_ref_t *r)
{
    json_t *cur = NULL;
    size_t i = 0;
    if (!strcmp(r->root, "input") && r->nsegs && r->segs[0].name) {
        cur = input_call(e, &r->segs[0]);
        i = 1;
    } else if (!strcmp(r->root, "util") && r->nsegs && r->segs[0].name && r->segs[0].call) {
        cur = util_call(e, &r->segs[0]);
        i = 1;
    } else if (!strcmp(r->root, "context")) {
        cur = json_incref(e->env->context);
    } else if (!strcmp(r->root, "stageVariables")) {
        cur = e->env->stage_vars ? json_incref(e->env->stage_vars) : json_object();
    } else {
        cur = json_incref(json_object_get(e->vars, r->root));
    }
    for (; i < r->nsegs && cur; i++) {
        const vtl_seg_t *s = &r->segs[i];
        json_t *next = NULL;
        if (s->index) {
            json_t *k = eval(e, s->index);
            if (json_is_array(cur) && json_is_integer(k)) next = json_incref(json_array_get(cur, (size_t)json_integer_value(k)));
            else if (json_is_object(cur) && json_is_string(k)) next = json_incref(json_object_get(cur, json_string_value(k)));
            json_decref(k);
        } else if (s->call) {
            next = method(e, cur, s);
        } else if (json_is_object(cur)) {
            next = json_incref(json_object_get(cur, s->name));
        }
        json_decref(cur);
        cur = next;
    }
    return cur;
}

static json_t *binop(ev_t *e, const vtl_expr_t *x)
{
    if (x->op == '&' || x->op == '|') {
        json_t *a = eval(e, x->a);
        int ta = truthy(a);
        json_decref(a);
        if (x->op == '&' && !ta) return json_false();
        if (x->op == '|' && ta) return json_true();
        json_t *b = eval(e, x->b);
        int tb = truthy(b);
        json_decref(b);
        return json_boolean(tb);
    }
    json_t *a = eval(e, x->a), *b = eval(e, x->b), *r = NULL;
    switch (x->op) {
    case '=': r = json_boolean(equal(a, b)); break;
    case '!': r = json_boolean(!equal(a, b)); break;
    case '<': r = json_boolean(num(a) < num(b)); break;
    case '>': r = json_boolean(num(a) > num(b)); break;
    case 'l': r = json_boolean(num(a) <= num(b)); break;
    case 'g': r = json_boolean(num(a) >= num(b)); break;
    case '+':
        if (json_is_string(a) || json_is_string(b)) {
            nb_buf_t t = NB_BUF_INIT;
            to_text(a, &t);
            to_text(b, &t);
            r = json_stringn(t.data ? t.data : "", t.len);
            nb_buf_free(&t);
            break;
        }
        /* fall through */
    case '-': case '*': case '/': case '%': {
        if (json_is_integer(a) && json_is_integer(b)) {   /* exact; an overflow goes on as a decimal */
            json_int_t ia = json_integer_value(a), ib = json_integer_value(b), iv = 0;
            int over = x->op == '+' ? __builtin_add_overflow(ia, ib, &iv)
                     : x->op == '-' ? __builtin_sub_overflow(ia, ib, &iv)
                     : x->op == '*' ? __builtin_mul_overflow(ia, ib, &iv) : 0;
            if (x->op == '/' || x->op == '%') {
                if (ib == 0) { r = NULL; break; }
                if (ib == -1) {   /* the one case that overflows: the least integer / -1 */
                    over = x->op == '/' && __builtin_sub_overflow((json_int_t)0, ia, &iv);
                    if (x->op == '%') iv = 0;
                } else {
                    iv = x->op == '/' ? ia / ib : ia % ib;
                }
            }
            if (!over) { r = json_integer(iv); break; }
        }
        double da = num(a), db = num(b), v = 0;
        if (x->op == '+') v = da + db;
        else if (x->op == '-') v = da - db;
        else if (x->op == '*') v = da * db;
        else if (db == 0) { r = NULL; break; }
        else if (x->op == '/') v = da / db;
        else v = fmod(da, db);
        r = json_real(v);
        break;
    }
    }
    json_decref(a);
    json_decref(b);
    return r;
}

static json_t *eval(ev_t *e, const vtl_expr_t *x)
{
    if (++e->steps > MAX_STEPS || e->depth > MAX_DEPTH) {
        e->failed = 1;
        return NULL;
    }
    e->depth++;
    json_t *r = NULL;
    switch (x->kind) {
    case VE_LIT: r = json_incref(x->lit); break;
    case VE_STR: {
        nb_buf_t b = NB_BUF_INIT;
        render(e, x->str, &b);
        r = json_stringn(b.data ? b.data : "", b.len);
        nb_buf_free(&b);
        break;
    }
    case VE_REF: r = ref_value(e, &x->ref); break;
    case VE_LIST:
        r = json_array();
        for (size_t i = 0; i < x->nitems; i++) {
            json_t *v = eval(e, x->items[i]);
            json_array_append_new(r, v ? v : json_null());
        }
        break;
    case VE_RANGE: {
        json_t *a = eval(e, x->items[0]), *b = eval(e, x->items[1]);
        double dlo = num(a), dhi = num(b);
        json_decref(a);
        json_decref(b);
        /* Velocity's ranges are of Java ints: bounds past them (or NaN) make no range */
        if (!(dlo >= INT32_MIN && dlo <= INT32_MAX && dhi >= INT32_MIN && dhi <= INT32_MAX)) break;
        long long lo = (long long)dlo, hi = (long long)dhi;
        r = json_array();
        long long step = lo <= hi ? 1 : -1;
        for (long long i = lo;; i += step) {
            if (++e->steps > MAX_STEPS) { e->failed = 1; break; }
            json_array_append_new(r, json_integer(i));
            if (i == hi) break;
        }
        break;
    }
    case VE_MAP:
        r = json_object();
        for (size_t i = 0; i + 1 < x->nitems; i += 2) {
            json_t *k = eval(e, x->items[i]), *v = eval(e, x->items[i + 1]);
            json_t *ks = text_value(k);
            json_object_set_new(r, json_string_value(ks), v ? v : json_null());
            json_decref(ks);
            json_decref(k);
        }
        break;
    case VE_NOT: {
        json_t *a = eval(e, x->a);
        r = json_boolean(!truthy(a));
        json_decref(a);
        break;
    }
    case VE_NEG: {
        json_t *a = eval(e, x->a);
        json_int_t neg;
        r = json_is_integer(a) && !__builtin_sub_overflow((json_int_t)0, json_integer_value(a), &neg)
                ? json_integer(neg) : json_real(-num(a));
        json_decref(a);
        break;
    }
    case VE_BIN: r = binop(e, x); break;
    }
    e->depth--;
    if (json_is_string(r) && json_string_length(r) > MAX_OUT) {   /* "$s$s", $s + $s, replace: bounded */
        json_decref(r);
        e->failed = 1;
        r = NULL;
    }
    return r;
}

/* #set($a.b.c = v): variables, or members of $context / object variables. */
static void assign(ev_t *e, const vtl_ref_t *t, json_t *v)
{
    if (!t->nsegs) {
        json_object_set_new(e->vars, t->root, v ? v : json_null());
        return;
    }
    json_t *cur = !strcmp(t->root, "context") ? e->env->context : json_object_get(e->vars, t->root);
    if (!json_is_object(cur)) {
        json_decref(v);
        return;
    }
    for (size_t i = 0; i + 1 < t->nsegs; i++) {
        if (!t->segs[i].name || t->segs[i].call) { json_decref(v); return; }
        json_t *next = json_object_get(cur, t->segs[i].name);
        if (!json_is_object(next)) json_object_set_new(cur, t->segs[i].name, next = json_object());
        cur = next;
    }
    const vtl_seg_t *last = &t->segs[t->nsegs - 1];
    if (!last->name || last->call) { json_decref(v); return; }
    json_object_set_new(cur, last->name, v ? v : json_null());
}

static void foreach(ev_t *e, const vtl_node_t *n, nb_buf_t *out)
{
    json_t *list = eval(e, n->expr);
    json_t *items = json_is_array(list) ? json_incref(list) : json_array();
    if (json_is_object(list)) {   /* a map iterates its values */
        const char *k;
        json_t *v;
        json_object_foreach(list, k, v) json_array_append(items, v);
    }
    json_t *saved = json_incref(json_object_get(e->vars, "foreach"));
    size_t cnt = json_array_size(items);
    if (cnt > MAX_LOOPS) cnt = MAX_LOOPS;   /* the loop stops there, as Velocity's maxloops */
    for (size_t i = 0; i < cnt && !e->failed; i++) {
        if (++e->steps > MAX_STEPS) { e->failed = 1; break; }
        json_object_set(e->vars, n->ref.root, json_array_get(items, i));
        json_object_set_new(e->vars, "foreach", json_pack("{s:I,s:I,s:b,s:b,s:b}", "index", (json_int_t)i, "count",
                                                         (json_int_t)(i + 1), "hasNext", i + 1 < cnt, "first", i == 0,
                                                         "last", i + 1 == cnt));
        json_object_set_new(e->vars, "velocityCount", json_integer((json_int_t)(i + 1)));
        render(e, n->body, out);
    }
    if (saved) json_object_set_new(e->vars, "foreach", saved);
    else json_object_del(e->vars, "foreach");
    json_decref(items);
    json_decref(list);
}

static void render(ev_t *e, const vtl_node_t *n, nb_buf_t *out)
{
    if (++e->depth > MAX_DEPTH) {
        e->failed = 1;
        e->depth--;
        return;
    }
    for (; n && !e->failed; n = n->next) {
        if (++e->steps > MAX_STEPS || out->len > MAX_OUT) {
            e->failed = 1;
            break;
        }
        switch (n->kind) {
        case VN_TEXT: nb_buf_append(out, n->text, n->len); break;
        case VN_REF: {
            json_t *v = ref_value(e, &n->ref);
            int defined = v && !json_is_null(v);
            /* Velocity's escaping: before a defined reference each pair of
             * backslashes is one, an odd one left makes the reference text;
             * before an undefined one everything stays as written */
            for (int i = 0; i < (defined ? n->escapes / 2 : n->escapes); i++) nb_buf_putc(out, '\\');
            if (n->escapes && (!defined || n->escapes % 2)) nb_buf_puts(out, n->ref.text);
            else if (defined) to_text(v, out);
            else if (!n->ref.quiet && strcmp(n->ref.root, "input") && strcmp(n->ref.root, "context") &&
                     strcmp(n->ref.root, "util") && strcmp(n->ref.root, "stageVariables"))
                nb_buf_puts(out, n->ref.text);
            json_decref(v);
            break;
        }
        case VN_SET: assign(e, &n->ref, eval(e, n->expr)); break;
        case VN_IF: {
            const vtl_node_t *c = n;
            for (;;) {
                json_t *v = eval(e, c->expr);
                int t = truthy(v);
                json_decref(v);
                if (t) {
                    render(e, c->body, out);
                    break;
                }
                if (c->orelse_is_elseif) {
                    c = c->orelse;
                    continue;
                }
                if (c->orelse) render(e, c->orelse, out);
                break;
            }
            break;
        }
        case VN_FOREACH: foreach(e, n, out); break;
        }
    }
    e->depth--;
}

int apigw__vtl_render(const vtl_tmpl_t *t, vtl_env_t *env, nb_buf_t *out)
{
    ev_t e = {env, json_object(), NULL, 0, 0, 0};
    render(&e, t->first, out);
    json_decref(e.vars);
    json_decref(e.input_json);
    if (!out->data) nb_buf_puts(out, "");
    return e.failed ? -1 : 0;
}
