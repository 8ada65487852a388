/* ddb_shape.h — JSON-type checks of a request's top-level members. */
#ifndef DDB_SHAPE_H
#define DDB_SHAPE_H
#include "core/request.h"

/* 0 when every known member has its JSON type (null members are removed);
 * otherwise replies SerializationException and returns 1. */
int ddb_shape_check(nb_req_t *req);
/* The deserializer's name of v's JSON token (STRING_VALUE, NUMBER_VALUE, ...), as its messages give it. */
const char *ddb_shape_token(const json_t *v);

#endif
