/* errors.c — the error table rows, built from the .def files. */
#include "core/errors.h"
#include <stddef.h>

static const nb_error_row_t rows[NB_ERR__COUNT] = {
    [NB_OK] = {200, "OK", NULL, NB_FAULT_SENDER},
#define X(e, status, name, ns, fault) [e] = {status, name, ns, fault},
#include "core/errors.def"
#include "dynamodb/errors.def"
#include "lambda/errors.def"
#include "apigw/errors.def"
#undef X
};

const nb_error_row_t *nb_error_row(nb_err_t code)
{
    if ((int)code <= 0 || code >= NB_ERR__COUNT)
        code = NB_ERR_INTERNAL;
    return &rows[code];
}
