/* request.c — lookups on a request: headers, path/query/form parameters. */
#include "core/request.h"
#include "core/util.h"
#include <string.h>

static unsigned char fold(unsigned char c, int icase)
{
    return icase && c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* The first byte decides most candidates before any strlen (a request's
 * headers are looked up several times each). */
static const char *kv_find(const nb_kv_t *kv, size_t n, const char *name, int icase)
{
    size_t nl = strlen(name);
    unsigned char c0 = fold((unsigned char)name[0], icase);
    for (size_t i = 0; i < n; i++) {
        if (fold((unsigned char)kv[i].name[0], icase) != c0 || strlen(kv[i].name) != nl) continue;
        /* exact bytes first: a request's header names are stored lower-case,
         * and callers mostly ask in lower case */
        if (memcmp(kv[i].name, name, nl) == 0 || (icase && nb_strncaseeq(kv[i].name, name, nl)))
            return kv[i].value;
    }
    return NULL;
}

const char *nb_req_header(const nb_req_t *req, const char *name)
{
    return kv_find(req->headers, req->n_headers, name, 1);
}

const char *nb_req_param(const nb_req_t *req, const char *name)
{
    return kv_find(req->params, req->n_params, name, 0);
}

const char *nb_req_qparam(const nb_req_t *req, const char *name)
{
    return kv_find(req->qparams, req->n_qparams, name, 0);
}

const char *nb_req_form(const nb_req_t *req, const char *name)
{
    return kv_find(req->form, req->n_form, name, 0);
}
