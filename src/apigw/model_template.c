/* model_template.c — GetModelTemplate (REST APIs and HTTP/WebSocket APIs):
 * the sample mapping template API Gateway generates from a model's JSON
 * Schema. `#set($inputRoot = $input.path('$'))`, then the schema's shape:
 * object properties as `"name" : "$inputRoot.name"` (strings quoted,
 * numbers/integers/booleans/null unquoted), nested objects inline, arrays as a
 * `#foreach($elem in …)` block with AWS's TODO comment and
 * `#if($foreach.hasNext),#end`. `$ref`s resolve to the API's other models
 * (`…/models/{name}[#pointer]`) or inside the schema (`#/definitions/x`). A reference
 * back into a model being expanded is written `{ }` (recursive models would
 * never end). The template renders with vtl_eval.c. Bounded: nesting depth and
 * output size, else BadRequestException. */
#include "apigw/apigw_int.h"
#include "core/buf.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MT_MAX_DEPTH 32
#define MT_MAX_OUT (256 * 1024)

typedef struct mt {
    json_t *models;   /* model name → parsed schema (owned), filled as refs are met */
    json_t *src;      /* model name → schema text (borrowed) */
    json_t *stack;    /* model names being expanded (a cycle guard) */
    json_t *root;     /* the schema '#/...' references resolve in (borrowed) */
    nb_buf_t *out;
    const char *msg;  /* why the model cannot be used */
    int refs;         /* $refs being followed (a bound: '#/...' ones may loop) */
} mt_t;

static void indent(mt_t *m, int n)
{
    for (int i = 0; i < n; i++) nb_buf_append(m->out, "  ", 2);
}

/* The model a "$ref" names (any URI ending "/models/NAME", as
 * "https://apigateway.amazonaws.com/restapis/X/models/NAME"): its parsed schema
 * (borrowed), NULL when it has none or it is not an object; *frag the pointer
 * inside it ("#" the whole). */
static json_t *model_ref(mt_t *m, const char *ref, char name[256], const char **frag)
{
    if (apigw__ref_model_name(ref, name, 256, frag) != 0) return NULL;
    json_t *s = apigw__ref_model_load(m->models, name, json_string_value(json_object_get(m->src, name)));
    return json_is_object(s) ? s : NULL;
}

static const char *type_of(json_t *s)
{
    json_t *t = json_object_get(s, "type");
    if (json_is_array(t)) {
        size_t i;
        json_t *x;
        json_array_foreach(t, i, x) if (json_is_string(x) && strcmp(json_string_value(x), "null") != 0) return json_string_value(x);
        return "null";
    }
    if (json_is_string(t)) return json_string_value(t);
    if (json_object_get(s, "properties")) return "object";
    if (json_object_get(s, "items")) return "array";
    return "string";
}

/* A property name usable after '.' in a reference ($inputRoot.name). */
static int ident(const char *k)
{
    if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || *k == '_')) return 0;
    for (const char *c = k; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_')) return 0;
    return 1;
}

/* The value of schema s (at reference expression ref) at indentation depth. */
/* A property the template can name: quotes, '$', '#' or line breaks in its
 * name would be read as VTL (or end the get('...') string): left out. */
static int usable(const char *k, json_t *ps)
{
    return json_is_object(ps) && !strpbrk(k, "'\"\\\r\n$#");
}

static int value(mt_t *m, json_t *s, const char *ref, int depth, int elems)
{
    if (depth > MT_MAX_DEPTH || m->refs > MT_MAX_DEPTH || m->out->len > MT_MAX_OUT) {
        m->msg = "The model is too deeply nested to generate a template";
        return -1;
    }
    char rname[256];
    int pushed = 0;
    json_t *saved_root = m->root;
    const char *r = json_string_value(json_object_get(s, "$ref"));
    if (r) {
        json_t *t = NULL;
        const char *frag = "#";
        if (r[0] == '#') {
            t = apigw__json_pointer(m->root, r);
        } else {
            json_t *model = model_ref(m, r, rname, &frag);
            t = apigw__json_pointer(model, frag);
            if (t) {
                size_t i;
                json_t *x;
                json_array_foreach(m->stack, i, x) if (!strcmp(frag, "#") && !strcmp(json_string_value(x), rname)) {
                    nb_buf_puts(m->out, "{ }");   /* a model inside itself ("#/..." loops: the refs bound) */
                    return 0;
                }
                json_array_append_new(m->stack, json_string(rname));
                pushed = 1;
                m->root = model;
            }
        }
        if (!json_is_object(t)) {
            m->msg = "Invalid model specified: unresolvable $ref";
            return -1;
        }
        m->refs++;
        int rc = value(m, t, ref, depth, elems);
        m->refs--;
        if (pushed) json_array_remove(m->stack, json_array_size(m->stack) - 1);
        m->root = saved_root;
        return rc;
    }
    const char *type = type_of(s);
    if (strcmp(type, "object") == 0) {
        json_t *props = json_object_get(s, "properties");
        if (!json_is_object(props) || json_object_size(props) == 0) {
            nb_buf_puts(m->out, "{ }");
            return 0;
        }
        nb_buf_puts(m->out, "{\n");
        const char *k;
        json_t *ps;
        size_t n = 0, total = 0;
        json_object_foreach(props, k, ps) total += usable(k, ps);
        json_object_foreach(props, k, ps) {
            if (!usable(k, ps)) continue;
            n++;
            indent(m, depth + 1);
            nb_buf_putc(m->out, '"');
            nb_buf_json_escape(m->out, k, strlen(k));
            nb_buf_puts(m->out, "\" : ");
            size_t cap = strlen(ref) + strlen(k) + 10;
            char *sub = malloc(cap);
            if (!sub) return -1;
            snprintf(sub, cap, ident(k) ? "%s.%s" : "%s.get('%s')", ref, k);
            int rc = value(m, ps, sub, depth + 1, elems);
            free(sub);
            if (rc != 0) return rc;
            nb_buf_puts(m->out, n < total ? ",\n" : "\n");
        }
        indent(m, depth);
        nb_buf_puts(m->out, "}");
    } else if (strcmp(type, "array") == 0) {
        json_t *items = json_object_get(s, "items");
        if (json_is_array(items)) items = json_array_get(items, 0);
        char var[24];
        snprintf(var, sizeof var, elems ? "$elem%d" : "$elem", elems + 1);
        nb_buf_puts(m->out, "[\n##TODO: Update this foreach loop to reference array from input json\n");
        nb_buf_printf(m->out, "#foreach(%s in %s)\n", var, ref);
        indent(m, depth + 1);
        if (json_is_object(items)) {
            if (value(m, items, var, depth + 1, elems + 1) != 0) return -1;
        } else {
            nb_buf_printf(m->out, "\"%s\"", var);
        }
        nb_buf_puts(m->out, "#if($foreach.hasNext),#end\n#end\n");
        indent(m, depth);
        nb_buf_puts(m->out, "]");
    } else if (strcmp(type, "string") == 0) {
        nb_buf_printf(m->out, "\"%s\"", ref);
    } else {   /* number, integer, boolean, null */
        nb_buf_puts(m->out, ref);
    }
    return 0;
}

int apigw__model_template(json_t *models, const char *name, nb_buf_t *out, const char **msg)
{
    const char *text = json_string_value(json_object_get(models, name));
    json_t *schema = text ? json_loads(text, 0, NULL) : NULL;
    if (!json_is_object(schema)) {
        json_decref(schema);
        *msg = "Invalid model specified: Validation Result: warnings : [], errors : [Invalid model schema specified]";
        return -1;
    }
    mt_t m = {.models = json_object(), .src = models, .stack = json_pack("[s]", name), .root = schema, .out = out};
    nb_buf_puts(out, "#set($inputRoot = $input.path('$'))\n");
    int rc = value(&m, schema, "$inputRoot", 0, 0);
    json_decref(m.models);
    json_decref(m.stack);
    json_decref(schema);
    if (rc != 0) *msg = m.msg;
    return rc;
}

/* Reply {"value": template} for model `name` of models (name → schema text). */
static void reply(nb_req_t *req, json_t *models, const char *name)
{
    nb_buf_t b = NB_BUF_INIT;
    const char *msg = NULL;
    if (apigw__model_template(models, name, &b, &msg) != 0) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "%s", msg ? msg : "Invalid model specified");
    } else {
        nb_reply_json(req, 200, json_pack("{s:s%}", "value", b.data ? b.data : "", b.len));
    }
    nb_buf_free(&b);
    json_decref(models);
}

void apigw__op_v1_get_model_template(nb_req_t *req)
{
    json_t *doc = apigw__api_or_404(req, nb_req_param(req, "restapi_id"), "v1");
    if (!doc) return;
    const char *name = nb_req_param(req, "model_name");
    if (!apigw__child_or_404(req, doc, "models", name, "Model")) return;
    json_t *models = json_object();
    const char *k;
    json_t *mo;
    json_object_foreach(json_object_get(doc, "models"), k, mo) {
        json_t *s = json_object_get(mo, "schema");
        if (json_is_string(s)) json_object_set(models, k, s);
    }
    reply(req, models, name);
}

void apigw__op_v2_get_model_template(nb_req_t *req)
{
    json_t *doc = apigw__api_or_404(req, nb_req_param(req, "apiId"), "v2");
    if (!doc) return;
    json_t *model = apigw__child_or_404(req, doc, "models", nb_req_param(req, "modelId"), "Model");
    if (!model) return;
    json_t *models = json_object();   /* v2 models are keyed by id; $refs name them */
    const char *k;
    json_t *mo;
    json_object_foreach(json_object_get(doc, "models"), k, mo) {
        json_t *n = json_object_get(mo, "name"), *s = json_object_get(mo, "schema");
        if (json_is_string(n) && json_is_string(s)) json_object_set(models, json_string_value(n), s);
    }
    const char *name = json_string_value(json_object_get(model, "name"));
    reply(req, models, name ? name : "");
}
