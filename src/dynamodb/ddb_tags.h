/* ddb_tags.h — the checks DynamoDB makes of a table's tags, shared by
 * TagResource and CreateTable (ddb_tags.c). */
#ifndef DDB_TAGS_H
#define DDB_TAGS_H
#include "dynamodb/ddb_req.h"

/* Constraint failures of tags' keys (1..128 characters) and values (0..256,
 * present) added to v, as "tags.N.member.key" / ".value". */
void ddb_tags_v(ddb_vlist_t *v, const json_t *tags);
/* 1 when s (UTF-8) holds only letters, digits, white space (any non-ASCII
 * character counts as a letter) and _ . : / = + - @; s NULL is 1. */
int ddb_tag_chars_ok(const char *s);
/* 1 (the ValidationException replied) when a tag of tags breaks those rules or
 * count, the number of tags the table would hold, passes 50. */
int ddb_tags_refused(nb_req_t *req, const json_t *tags, size_t count);

#endif
