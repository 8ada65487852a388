/* ddb_json_dump.h — compact JSON text of a jansson value, fast (item writes). */
#ifndef DDB_JSON_DUMP_H
#define DDB_JSON_DUMP_H
#include <jansson.h>
#include "core/buf.h"

/* Append the compact JSON text of v (borrowed) to b: the same text as
 * json_dumps(v, JSON_COMPACT) for the values items hold. */
void ddb_json_dump(nb_buf_t *b, const json_t *v);

#endif
