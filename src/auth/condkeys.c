/* condkeys.c — request tag keys and value lists for services' condition-key
 * callbacks (see condkeys.h). */
#include "auth/condkeys.h"
#include <string.h>
#include <strings.h>

void auth_vals_add(auth_vals_t *l, const char *v)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], v) == 0) return;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        const char **nv = nb_arena_alloc(l->arena, cap * sizeof *nv);
        if (l->n) memcpy(nv, l->v, l->n * sizeof *nv);
        l->v = nv;
        l->cap = cap;
    }
    l->v[l->n++] = nb_arena_strdup(l->arena, v);
}

int auth_vals_done(auth_vals_t *l, const char *const **vals, size_t *n)
{
    *vals = l->v;
    *n = l->n;
    return 1;
}

json_t *auth_tags_object(const json_t *tags)
{
    if (!tags) return NULL;
    if (json_is_object(tags)) return json_deep_copy(tags);
    json_t *o = json_object();
    size_t i;
    json_t *t;
    json_array_foreach(tags, i, t) {
        const char *k = json_string_value(json_object_get(t, "Key"));
        json_t *v = json_object_get(t, "Value");
        if (k && json_is_string(v)) json_object_set(o, k, v);
    }
    return o;
}

int auth_request_tags(nb_req_t *req, const json_t *tags, const char *key, const char *const **vals, size_t *n)
{
    int tag_keys = strcasecmp(key, "aws:TagKeys") == 0;
    if (!tag_keys && strncasecmp(key, "aws:RequestTag/", 15) != 0) return -1;
    if (!tags || (!json_is_object(tags) && !json_is_array(tags))) return 0;
    json_t *o = auth_tags_object(tags);
    auth_vals_t l = AUTH_VALS_INIT(req);
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v) {
        if (tag_keys) auth_vals_add(&l, k);
        else if (strcasecmp(k, key + 15) == 0 && json_is_string(v)) auth_vals_add(&l, json_string_value(v));
    }
    json_decref(o);
    if (!tag_keys && l.n == 0) return 0;
    return auth_vals_done(&l, vals, n);
}

int auth_untag_query_keys(nb_req_t *req, const char *key, const char *const **vals, size_t *n)
{
    if (strcasecmp(key, "aws:TagKeys") != 0) return 0;
    auth_vals_t l = AUTH_VALS_INIT(req);
    for (size_t i = 0; i < req->n_qparams; i++)
        if (strcmp(req->qparams[i].name, "tagKeys") == 0) auth_vals_add(&l, req->qparams[i].value);
    return auth_vals_done(&l, vals, n);
}
