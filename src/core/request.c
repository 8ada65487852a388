/* request.c — lookups on a request: headers, path/query/form parameters. */
#include "core/request.h"
#include "core/util.h"
#include <string.h>

static const char *kv_find(const nb_kv_t *kv, size_t n, const char *name, int icase)
{
    size_t nl = strlen(name);
    for (size_t i = 0; i < n; i++) {
        if (strlen(kv[i].name) != nl) continue;
        if (icase ? nb_strncaseeq(kv[i].name, name, nl) : memcmp(kv[i].name, name, nl) == 0)
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
