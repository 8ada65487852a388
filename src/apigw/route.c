/* route.c — route matching (see route.h for the precedence rules). */
#include "apigw/route.h"
#include "core/util.h"
#include <string.h>

static int path_match(nb_arena_t *a, const char *tmpl, const char *p, unsigned char *spec,
                      nb_kv_t *params, size_t *n_params, int decode_params)
{
    const char *t = tmpl, *tend = t + strlen(t), *pend = p + strlen(p);
    if (tend - t > 1 && tend[-1] == '/') tend--;
    if (pend - p > 1 && pend[-1] == '/') pend--;
    int nseg = 0;
    size_t np = 0;
    if (tend - t == 1 && *t == '/') return (pend - p == 1 && *p == '/') || pend == p ? 0 : -1;
    while (t < tend) {
        if (*t != '/' || p >= pend || *p != '/') return -1;
        if (nseg >= APIGW_MAX_SEGS) return -1;
        t++, p++;
        const char *te = memchr(t, '/', (size_t)(tend - t));
        if (!te) te = tend;
        const char *pe = memchr(p, '/', (size_t)(pend - p));
        if (!pe) pe = pend;
        if (*t == '{' && te[-1] == '}') {
            int greedy = te - t >= 3 && te[-2] == '+';
            if (greedy) pe = pend;
            if (pe == p) return -1;
            if (np < APIGW_MAX_PARAMS && a) {
                params[np].name = nb_arena_strndup(a, t + 1, (size_t)(te - t) - (greedy ? 3 : 2));
                char *v = decode_params ? nb_url_decode_arena(a, p, (size_t)(pe - p), 0) : nb_arena_strndup(a, p, (size_t)(pe - p));
                if (!v) return -1;
                params[np].value = v;
                params[np].value_len = strlen(v);
                np++;
            }
            spec[nseg++] = greedy ? 1 : 2;
            if (greedy) {
                t = tend;
                p = pend;
                break;
            }
        } else {
            if (te - t != pe - p || memcmp(t, p, (size_t)(te - t)) != 0) return -1;
            spec[nseg++] = 3;
        }
        t = te;
        p = pe;
    }
    if (p != pend || t != tend) return -1;
    *n_params = np;
    return nseg;
}

int apigw__path_match(nb_arena_t *a, const char *tmpl, const char *p, unsigned char *spec,
                      nb_kv_t *params, size_t *n_params)
{
    return path_match(a, tmpl, p, spec, params, n_params, 1);
}

/* >0 when (sa,na) is more specific than (sb,nb). */
static int cmp_spec(const unsigned char *sa, int na, const unsigned char *sb, int nb)
{
    for (int i = 0; i < na || i < nb; i++) {
        int x = i < na ? sa[i] : 0, y = i < nb ? sb[i] : 0;
        if (x != y) return x - y;
    }
    return 0;
}

static void route_select(nb_arena_t *a, const apigw_route_t *routes, size_t n, const char *method,
                         const char *raw_path, apigw_match_t *m, int decode_params)
{
    unsigned char best[APIGW_MAX_SEGS], cur[APIGW_MAX_SEGS];
    int best_n = -1, best_exact = 0, dflt = -1;
    nb_kv_t params[APIGW_MAX_PARAMS];
    m->index = -1;
    m->n_params = 0;
    for (size_t i = 0; i < n; i++) {
        const apigw_route_t *r = &routes[i];
        if (!r->method) {
            dflt = (int)i;
            continue;
        }
        int exact = strcmp(r->method, method) == 0;
        if (!exact && strcmp(r->method, "ANY") != 0) continue;
        size_t np = 0;
        /* first pass without parameters: cheap rejection and ranking */
        int ns = path_match(NULL, r->path, raw_path, cur, params, &np, decode_params);
        if (ns < 0) continue;
        int c = best_n < 0 ? 1 : cmp_spec(cur, ns, best, best_n);
        if (c > 0 || (c == 0 && exact && !best_exact)) {
            memcpy(best, cur, (size_t)ns);
            best_n = ns;
            best_exact = exact;
            m->index = (int)i;
        }
    }
    if (m->index >= 0) {
        path_match(a, routes[m->index].path, raw_path, cur, m->params, &m->n_params, decode_params);
    } else {
        m->index = dflt;
    }
}

void apigw__route_select(nb_arena_t *a, const apigw_route_t *routes, size_t n, const char *method,
                         const char *raw_path, apigw_match_t *m)
{
    route_select(a, routes, n, method, raw_path, m, 1);
}

void apigw__route_select_rest(nb_arena_t *a, const apigw_route_t *routes, size_t n, const char *method,
                              const char *raw_path, apigw_match_t *m)
{
    route_select(a, routes, n, method, raw_path, m, 0);
}

int apigw__route_key_split(nb_arena_t *a, const char *rk, const char **method, const char **path)
{
    if (strcmp(rk, "$default") == 0) {
        *method = *path = NULL;
        return 0;
    }
    const char *sp = strchr(rk, ' ');
    if (!sp || sp[1] != '/') return -1;
    *method = nb_arena_strndup(a, rk, (size_t)(sp - rk));
    *path = nb_arena_strdup(a, sp + 1);
    return 0;
}
