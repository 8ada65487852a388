/* ddb_req.h — what every DynamoDB handler shares: request-parameter checks
 * with DynamoDB's constraint messages, table lookup, consumed capacity, and
 * the replies (immediate, or after a durable commit).
 *
 * Constraint checks accumulate into a ddb_vlist_t and render DynamoDB's
 * "N validation error(s) detected: Value X at 'y' failed to satisfy
 * constraint: Z; ..." message, as the service does for its shape rules. */
#ifndef DDB_REQ_H
#define DDB_REQ_H
#include <stddef.h>
#include <jansson.h>
#include "core/request.h"
#include "core/buf.h"
#include "store/store.h"
#include "dynamodb/ddb_table.h"
#include "dynamodb/ddb_num.h"

#define DDB_CONTENT_TYPE "application/x-amz-json-1.0"

typedef struct ddb_vlist {
    nb_buf_t msgs;
    int n;
} ddb_vlist_t;
#define DDB_VLIST_INIT {NB_BUF_INIT, 0}

/* Record one constraint failure; value_repr is the rendered value ("null" or
 * a quoted string; "" for one not echoed), path the member path ("tableName"). */
void ddb_v_add(ddb_vlist_t *v, const char *value_repr, const char *path, const char *constraint);
/* Add "Value 's' at 'path' failed to satisfy constraint: Member must have length
 * greater than or equal to min / less than or equal to max" when n (s's length as
 * the caller counts it: bytes or characters) is outside [min, max]. */
void ddb_v_length(ddb_vlist_t *v, const char *s, size_t n, const char *path, size_t min, size_t max);
/* Check a table-name member: present when flags has DDB_TN_REQUIRED, 3..255 chars,
 * pattern. DDB_TN_ARN: the member is DynamoDB's TableArn shape (every table
 * operation but CreateTable), whose minimum length is 1: "" fails that first. */
#define DDB_TN_REQUIRED 1
#define DDB_TN_ARN      2
void ddb_v_table_name(ddb_vlist_t *v, const json_t *val, const char *path, int flags);
/* Check a required list member of 1..max elements ("Value '[]' at 'transactItems' ..."). */
void ddb_v_list(ddb_vlist_t *v, const json_t *val, const char *path, size_t max);
/* Check a string enum member (NULL ok when absent). */
void ddb_v_enum(ddb_vlist_t *v, const json_t *val, const char *path, const char *const *allowed);
/* 1 and replies the ValidationException when v holds failures (freed either way). */
int ddb_v_reply(nb_req_t *req, ddb_vlist_t *v);

/* Resolve the table named by name (a name or a table ARN). When absent replies
 * ResourceNotFoundException "Requested resource not found" and returns NULL. */
const ddb_table_t *ddb_req_table(nb_req_t *req, const char *name);
/* The same, but the answer names the missing table ("Requested resource not
 * found: Table: NAME not found"), as DescribeTable's and DeleteTable's do. */
const ddb_table_t *ddb_req_table_named(nb_req_t *req, const char *name);
/* The same for the backup and PITR operations, whose answer is
 * TableNotFoundException "Table not found: NAME". */
const ddb_table_t *ddb_req_table_tnf(nb_req_t *req, const char *name);
/* The table operations (CreateTable, DescribeTable, UpdateTable, DeleteTable)
 * check for their TableName before any constraint, with their own message
 * (the item operations say "Value null at 'tableName'"). 0, or -1 after replying. */
int ddb_req_table_name_present(nb_req_t *req);
/* A change to a table still being restored (CREATING) is refused as AWS refuses
 * changes to a CREATING table: ResourceInUseException "Attempt to change a
 * resource which is still in use: Table is being created: T" (UpdateTable,
 * DeleteTable, UpdateTimeToLive, TagResource, UntagResource). 0, or -1 after
 * replying. */
int ddb_req_table_changeable(nb_req_t *req, const ddb_table_t *t);
/* Table name from a table ARN of this account/region (arena), or NULL (another
 * region's or account's ARN, an index or stream ARN, not an ARN). */
const char *ddb_arn_table_name(nb_req_t *req, const char *arn);
/* The ARN IAM authorizes for a TableName (a name or a table ARN), arena: the
 * canonical table ARN of ours; a foreign ARN as given (it names no table
 * here, so the handler refuses it). NULL when name is NULL. */
const char *ddb_table_resource(nb_req_t *req, const char *name);
/* The table name of a TableName (a name as is, our table ARN's name, arena),
 * or NULL for an ARN naming no table of ours. */
const char *ddb_table_plain_name(nb_req_t *req, const char *name);

/* Reply TransactionCanceledException with reasons (stolen: one {"Code", ...} per action). */
void ddb_reply_txn_canceled(nb_req_t *req, json_t *reasons);
/* Reply a ddb_err_t (ValidationException and friends) and free it. */
void ddb_reply_err(nb_req_t *req, ddb_err_t *e);
/* Reply ValidationException with a formatted message. */
void ddb_reply_validation(nb_req_t *req, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Reply 200 with a pre-rendered JSON body (copied). Every 200 carries
 * x-amz-crc32 (CRC-32 of the body) as DynamoDB's do; the SDKs verify it. */
void ddb_reply_text(nb_req_t *req, const char *body, size_t len);
/* Reply 200 with body (stolen; NULL = {}; JSON null = an empty body), rendered here for the checksum. */
void ddb_reply_ok(nb_req_t *req, json_t *body);

/* Commit txn and reply body (stolen; NULL = {}) once durable, or the error if
 * the commit fails. The handler must not touch req after this call. Returns
 * 0 when the transaction was applied (the caller may now update in-memory
 * state that mirrors it), -1 when nothing was applied. */
int ddb_commit_reply(nb_req_t *req, store_txn_t *txn, json_t *body);
/* Same, for an error reply that must follow a durable commit of txn. */
int ddb_commit_reply_error(nb_req_t *req, store_txn_t *txn, nb_err_t code, json_t *extra, const char *msg);
/* Reply for a failed store call (aborting txn when non-NULL). */
void ddb_reply_store_error(nb_req_t *req, store_txn_t *txn, int status);

/* Replace a table's metadata: in one write transaction store newdoc (stolen)
 * under its TableName, run work(txn, newt, arg) when non-NULL (index
 * backfill, TTL queue rebuild), build the reply with respond(req, newt, txn,
 * arg) (new reference), commit, reply once durable and install newdoc in the
 * catalogue. Ends req either way. */
typedef int (*ddb_doc_work_fn)(store_txn_t *txn, const ddb_table_t *newt, void *arg);
typedef json_t *(*ddb_doc_respond_fn)(nb_req_t *req, const ddb_table_t *newt, store_txn_t *txn, void *arg);
void ddb_commit_doc(nb_req_t *req, json_t *newdoc, ddb_doc_work_fn work, ddb_doc_respond_fn respond, void *arg);

/* ReturnConsumedCapacity support. mode: 0 NONE, 1 TOTAL, 2 INDEXES. */
int ddb_rcc_mode(const json_t *body);
typedef struct ddb_cap {
    const char *table;
    double table_units;
    double total;
    int read;                 /* 1 read units, 0 write units */
    int split;                /* transactional entry: also name the read or write side */
    struct { const char *name; int local; double units; } idx[32];
    int n_idx;
} ddb_cap_t;
void ddb_cap_init(ddb_cap_t *c, const char *table, int read);
void ddb_cap_index(ddb_cap_t *c, const char *index, int local, double units);
/* The ConsumedCapacity object for mode (new reference), NULL for NONE. */
json_t *ddb_cap_json(const ddb_cap_t *c, int mode);
/* Units for reading / writing an item of size bytes. */
double ddb_read_units(size_t bytes, int consistent);
double ddb_write_units(size_t bytes);

/* String member of obj or NULL. */
const char *ddb_jstr(const json_t *obj, const char *key);

#endif
