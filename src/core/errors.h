/* errors.h — the one error table of the platform.
 *
 * Every error any service answers is a row here: internal code, HTTP status,
 * the AWS error name, the JSON 1.0 namespace (NULL: the service's own) and
 * whether it is the caller's fault (Query protocol <Type>Sender/Receiver).
 * Rows live in .def files: core ones in src/core/errors.def, each service's in
 * src/<service>/errors.def. Rendering into each protocol's shape is done once,
 * by nb_reply_error() (request.h); services never format error bodies. */
#ifndef NB_ERRORS_H
#define NB_ERRORS_H

typedef enum { NB_FAULT_SENDER, NB_FAULT_RECEIVER } nb_fault_t;

typedef enum nb_err {
    NB_OK = 0,
#define X(e, status, name, ns, fault) e,
#include "core/errors.def"
#include "dynamodb/errors.def"
#include "lambda/errors.def"
#include "apigw/errors.def"
#undef X
    NB_ERR__COUNT
} nb_err_t;

typedef struct nb_error_row {
    int status;
    const char *name;
    const char *ns;
    nb_fault_t fault;
} nb_error_row_t;

/* Row for code; code must be a valid nb_err_t other than NB_OK. */
const nb_error_row_t *nb_error_row(nb_err_t code);

#endif
