/* ddb_throughput.h — a provisioned table's or GSI's units changed by UpdateTable: when they last rose
 * and fell, and the daily budget of decreases, as the service keeps them (ack-api-quirks DDB-TABLE-058,
 * -184, -185, measured). */
#ifndef DDB_THROUGHPUT_H
#define DDB_THROUGHPUT_H
#include <stdint.h>
#include <jansson.h>
#include "dynamodb/ddb_req.h"

/* The ProvisionedThroughput entry after the units of cur (a stored entry, may be NULL) become those of
 * the request's pt, at now_ms: LastIncreaseDateTime / LastDecreaseDateTime (epoch seconds) and the
 * decreases of the UTC day move on, a change lowering either unit being one decrease. With budget, a
 * decrease past the fourth of the day less than an hour after the last one is -1 with err
 * (LimitExceededException naming when the next may be made); else 0 and *out (new reference). */
int ddb_throughput_change(const json_t *cur, const json_t *pt, int64_t now_ms, int budget, json_t **out,
                          ddb_err_t *err);
/* A described entry pt (a copy): NumberOfDecreasesToday counts only decreases of now_ms's UTC day. */
void ddb_throughput_describe(json_t *pt, int64_t now_ms);

#endif
