/* ddb_schema.h — checks of table and index definitions (CreateTable,
 * UpdateTable) with DynamoDB's messages, and the index entries of the doc. */
#ifndef DDB_SCHEMA_H
#define DDB_SCHEMA_H
#include <jansson.h>
#include "dynamodb/ddb_req.h"

/* Shape constraints (accumulated into v). */
void ddb_schema_v_keyschema(ddb_vlist_t *v, const json_t *ks, const char *path, int required);
void ddb_schema_v_attrdefs(ddb_vlist_t *v, const json_t *ad, int required);
void ddb_schema_v_throughput(ddb_vlist_t *v, const json_t *pt, const char *path);
/* A StreamSpecification (CreateTable, UpdateTable) without StreamEnabled, which
 * the model requires (Alternator test_table.py). */
void ddb_schema_v_stream(ddb_vlist_t *v, const json_t *ss);
void ddb_schema_v_index(ddb_vlist_t *v, const json_t *ix, const char *path);

/* The WarmThroughput a table records from a request's wt (NULL: *out NULL), given its current
 * one (cur, or NULL): a unit not asked for keeps cur's, else the baseline every table has
 * (12000 read, 4000 write units a second); a unit asked for below that baseline, or below
 * cur's, is -1 with err naming it (Alternator test_warm_throughput.py, run on DynamoDB).
 * *out says Status ACTIVE. */
int ddb_schema_warm(const json_t *wt, const json_t *cur, json_t **out, ddb_err_t *err);
/* The same for a GSI Update's WarmThroughput wt (not NULL, at least one unit): a unit below the
 * index's current one (cur's, else the baseline) is -1 with err in DynamoDB's words for an index
 * (ack-api-quirks DDB-TABLE-456, measured). */
int ddb_schema_index_warm(const json_t *wt, const json_t *cur, const char *index, json_t **out, ddb_err_t *err);
/* 0 when tc is NULL or a table class DynamoDB knows; else -1 with its message (case-sensitive:
 * Alternator test_tableclass.py, which quotes the service's wording). */
int ddb_schema_table_class(const char *tc, ddb_err_t *err);
/* The OnDemandThroughput a table records from a request's (its integer
 * MaxReadRequestUnits / MaxWriteRequestUnits; new reference) or NULL: none given. */
json_t *ddb_schema_on_demand(const json_t *odt);
/* AttributeType of name in attr_defs (borrowed) or NULL. */
const char *ddb_schema_attr_type(const json_t *attr_defs, const char *name);
/* Hash and range names of a KeySchema (borrowed); -1 with err. */
int ddb_schema_keys(const json_t *ks, const char **hash, const char **range, ddb_err_t *err);
/* Every key attribute of ks is defined in attr_defs; -1 with err. */
int ddb_schema_keys_defined(const json_t *ks, const json_t *attr_defs, ddb_err_t *err);
/* Append names (a JSON array of distinct strings) to out as DynamoDB lists a
 * set of attribute names in its messages: "[a, b]" in the iteration order of
 * a java.util.HashSet filled in array order. */
void ddb_schema_java_set_list(const json_t *names, nb_buf_t *out);
/* Sort arr (attribute names, or objects with an AttributeName) into the order DynamoDB describes
 * AttributeDefinitions and NonKeyAttributes in: by name, as java.lang.String compares (UTF-16 code
 * units; ack-api-quirks DDB-TABLE-125, measured). */
void ddb_schema_sort_names(json_t *arr);
/* The doc entry of an index from its request spec (new reference) or NULL with err. */
json_t *ddb_schema_index_doc(const json_t *spec, int local, const json_t *attr_defs,
                             const char *table_hash, int provisioned, int num, ddb_err_t *err);

#endif
