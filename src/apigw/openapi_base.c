/* openapi_base.c — ImportRestApi / PutRestApi's `basepath` modes: the base
 * path of a definition (Swagger 2 `basePath`; OpenAPI 3 the path of the first
 * server URL, `{variables}` replaced by their defaults) and what each mode
 * makes of it: `ignore` (the default) drops it, `prepend` puts it before every
 * path, `split` drops its first segment and prepends the rest, as API Gateway
 * imports them (test_apigateway_import snapshots, test_apigw_ls_control.py). */
#include "apigw/apigw_int.h"
#include <string.h>

/* The definition's base path without a trailing '/' ("" for none; arena). */
static const char *base_path(nb_arena_t *a, json_t *d)
{
    const char *bp = apigw__str(d, "basePath");
    nb_buf_t b = NB_BUF_INIT;
    if (!bp) {
        json_t *server = json_array_get(json_object_get(d, "servers"), 0);
        const char *url = apigw__str(server, "url");
        if (!url) return "";
        const char *scheme = strstr(url, "://");
        bp = scheme ? strchr(scheme + 3, '/') : url;
        if (!bp) return "";
        json_t *vars = json_object_get(server, "variables");
        for (const char *p = bp; *p; p++) {   /* {name} → the variable's default */
            const char *e = p[0] == '{' ? strchr(p, '}') : NULL;
            if (!e) {
                nb_buf_append(&b, p, 1);
                continue;
            }
            char name[128];
            snprintf(name, sizeof name, "%.*s", (int)(e - p - 1), p + 1);
            const char *def = apigw__str(json_object_get(vars, name), "default");
            if (def) nb_buf_printf(&b, "%s", def);
            p = e;
        }
        bp = b.data ? nb_arena_strdup(a, b.data) : "";
        nb_buf_free(&b);
    }
    size_t n = strlen(bp);
    while (n && bp[n - 1] == '/') n--;
    const char *out = nb_arena_strndup(a, bp, n);
    if (*out && *out != '/') out = nb_arena_printf(a, "/%s", out);
    return out;
}

const char *apigw__openapi_prefix(nb_arena_t *a, json_t *d, const char *mode)
{
    if (!mode || !strcmp(mode, "ignore")) return "";
    const char *bp = base_path(a, d);
    if (!strcmp(mode, "split")) {   /* the first segment goes */
        const char *next = *bp ? strchr(bp + 1, '/') : NULL;
        return next ? next : "";
    }
    return bp;   /* prepend */
}
