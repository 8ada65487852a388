/* ddb_num_err.c — ddb_err_t: the (nb_err_t, message) pair every ddb_ value and
 * expression function reports through. The message is heap memory owned by
 * the ddb_err_t; setting again replaces it. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dynamodb/ddb_num.h"
#include "core/alloc.h"

static char *vfmt(const char *fmt, va_list ap)
{
    char *m = NULL;
    if (vasprintf(&m, fmt, ap) < 0)
        nb_oom(strlen(fmt));
    return m;
}

int ddb_err_set(ddb_err_t *err, nb_err_t code, const char *fmt, ...)
{
    if (!err)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    char *m = vfmt(fmt, ap);
    va_end(ap);
    free(err->msg);
    err->msg = m;
    err->code = code;
    return -1;
}

void ddb_err_prefix(ddb_err_t *err, const char *fmt, ...)
{
    if (!err)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *p = vfmt(fmt, ap);
    va_end(ap);
    const char *old = err->msg ? err->msg : "";
    size_t lp = strlen(p), lo = strlen(old);
    char *m = nb_xmalloc(lp + lo + 1);
    memcpy(m, p, lp);
    memcpy(m + lp, old, lo + 1);
    free(p);
    free(err->msg);
    err->msg = m;
}

void ddb_err_free(ddb_err_t *err)
{
    if (!err)
        return;
    free(err->msg);
    err->msg = NULL;
    err->code = NB_OK;
}
