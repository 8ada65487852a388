/* logs.h — the log store every service writes into (CloudWatch Logs layout).
 *
 * Log groups hold streams, streams hold events (a timestamp in ms and a
 * message). Lambda writes its functions' lines here (/aws/lambda/NAME), API
 * Gateway the access lines of stages whose destinationArn is a log group.
 * Writes are batched, not acknowledged: logs_put() copies the event into
 * memory and returns; a write transaction per flush (every 100 ms, or on the
 * next loop iteration once LOGS_BATCH events wait) stores them, so a crash
 * loses at most the last batch. Groups and streams are created on first use.
 *
 * On-store layout (keyspaces), servable by GetLogEvents / FilterLogEvents /
 * DescribeLogGroups / DescribeLogStreams:
 *
 *   logs.groups   GROUP                 {"logGroupName","creationTime","arn","storedBytes"}
 *   logs.streams  GROUP \0 STREAM       {"logStreamName","creationTime","firstEventTimestamp",
 *                                        "lastEventTimestamp","lastIngestionTime","arn","storedBytes"}
 *   logs.events   GROUP \0 STREAM \0 TS(8B BE) SEQ(4B BE) 0x02
 *                     a batch: several events of the stream, keyed by the first
 *                     one's timestamp; value = logs_record.c's encoding (each
 *                     event's timestamp and message, the batch's ingestion
 *                     time), its events compressed (zstd)
 *                 GROUP \0 STREAM \0 TS(8B BE) SEQ(4B BE) 0x01
 *                     a batch, not compressed (stores written before
 *                     compression; read, never written)
 *                 GROUP \0 STREAM \0 TS(8B BE) SEQ(4B BE)
 *                     one event, value = the message (stores written before
 *                     batches; read, never written)
 *
 * A position in a stream is (record key, index of the event in the record):
 * what GetLogEvents' forward/backward tokens can carry, records never being
 * rewritten. Times are Unix epoch milliseconds. storedBytes of a group counts the
 * message bytes of its events (CloudWatch reports 0 for streams). Group and
 * stream names never contain a 0 byte (their syntax excludes it). */
#ifndef NB_LOGS_H
#define NB_LOGS_H
#include <stddef.h>
#include <stdint.h>
#include "core/buf.h"

struct nb_ctx;
struct store_txn;

#define LOGS_KS_GROUPS  "logs.groups"
#define LOGS_KS_STREAMS "logs.streams"
#define LOGS_KS_EVENTS  "logs.events"

/* Events waiting before a flush is started at the next loop iteration. */
#define LOGS_BATCH 1024
/* Flush period (ms): events and stream records. */
#define LOGS_TICK_MS 100
/* A batch record's messages (before compression) stop growing past this
 * many bytes; they stop earlier once they would compress past about one LMDB
 * overflow page (logs_int.h, LOGS__ZTARGET). */
#define LOGS_RECORD_MAX 65536

/* Start the writer on ctx's loop and store (counted: each user starts and
 * stops it once; the last stop flushes and releases everything). Events put
 * before the first start wait for it; with a NULL ctx->store (tools, fuzz
 * targets) a flush drops them. */
void logs_start(struct nb_ctx *ctx);
void logs_stop(void);

/* Append one event (msg copied; group, stream borrowed). group and stream
 * must be valid names (logs_valid_group / logs_valid_stream). Never touches
 * the store: callers may be inside a transaction of their own. */
void logs_put(const char *group, const char *stream, uint64_t ts_ms, const char *msg, size_t len);

/* Write everything pending now, stream and group records included (the tick
 * does this; tests and shutdown call it). */
void logs_flush(void);

/* CloudWatch's name rules: group 1–512 of [.-_/#A-Za-z0-9]; stream 1–512
 * bytes without ':' or '*'. 1 when valid. */
int logs_valid_group(const char *s);
int logs_valid_stream(const char *s);

/* --- the record encoding (logs_record.c) ------------------------------------ */

/* Append the events key prefix GROUP \0 STREAM \0 to k. */
void logs_stream_key(nb_buf_t *k, const char *group, const char *stream);

/* One event of a record: its timestamp, the record's ingestion time (0 when
 * unknown: a record written before batches), the message (valid until
 * logs_record_decode returns: a compressed record's events are in a buffer it
 * frees). Return non-zero to stop. */
typedef int (*logs_event_fn)(void *arg, uint64_t ts_ms, uint64_t ingest_ms, const char *msg, size_t len);

/* Visit the events of the logs.events record (key, val): its key must start
 * with GROUP \0 STREAM \0 (any group and stream). Returns the number of events
 * visited, or -1 when the key or value is malformed (nothing past the
 * malformed point is visited; a compressed record that does not decompress
 * whole, or would be larger than 1 MB, visits nothing). Never reads
 * outside key[0..klen) and val[0..vlen); allocates at most 1 MB. */
long logs_record_decode(const void *key, size_t klen, const void *val, size_t vlen, logs_event_fn fn, void *arg);

/* The record's own timestamp and sequence (the key's tail): 0, or -1 when the
 * key is not an events key. */
int logs_record_key_ts(const void *key, size_t klen, uint64_t *ts_ms, uint32_t *seq);

/* --- `nimbus logs` (logs_cli.c) --------------------------------------------- */

/* `nimbus logs FUNCTION | --group NAME [--follow] [--since 10m] [--data DIR]`.
 * argv may start with "logs". Exit status 0, 1 (no store), 2 (usage). */
int logs_main(int argc, char **argv);

/* For the read-only sub-commands beside a running daemon (nimbus logs,
 * nimbus dead-letters): takes argv[*i], an argument the command itself does
 * not know. A configuration flag that takes a value (--data DIR, --config F,
 * --set k=v ...) goes with its value into rest (*i moves past the value); the
 * first bare word becomes *name (borrowed from argv); anything else goes into
 * rest. rest has room for argc entries. */
void logs_cli_take_arg(int argc, char **argv, int *i, const char **name, char **rest, int *nrest);

/* Load the configuration from the flags in rest and open its store
 * read-only: 0, 1 (no data or unreadable: said on stderr) or 2 (bad flags).
 * On 0 the caller closes *s and frees cfg (nb_config_free). */
struct nb_config;
struct store;
int logs_cli_open_store(int nrest, char **rest, struct store **s, struct nb_config *cfg);

#endif
