/* ddb_describe.c — TableDescription rendering from a table's stored doc plus
 * what is computed at read time (ARNs, item counts and sizes, the WarmThroughput
 * a table or index has without one recorded). */
#include "dynamodb/ddb_describe.h"
#include "dynamodb/ddb_req.h"
#include "dynamodb/ddb_throughput.h"
#include "core/util.h"
#include <stdio.h>
#include <string.h>

static void add_index_stats(json_t *ix, store_txn_t *txn, uint32_t tnum, const char *arn)
{
    ddb_stats_t st = {0, 0};
    uint8_t num = (uint8_t)json_integer_value(json_object_get(ix, "Num"));
    if (txn) ddb_stats_get(txn, tnum, num, &st);
    json_object_del(ix, "Num");
    ddb_throughput_describe(json_object_get(ix, "ProvisionedThroughput"), (int64_t)nb_wall_ms());
    json_object_set_new(ix, "IndexSizeBytes", json_integer(st.bytes));
    json_object_set_new(ix, "ItemCount", json_integer(st.count));
    char buf[1400];
    snprintf(buf, sizeof buf, "%s/index/%s", arn, ddb_jstr(ix, "IndexName"));
    json_object_set_new(ix, "IndexArn", json_string(buf));
}

json_t *ddb_table_description(nb_req_t *req, const ddb_table_t *t, store_txn_t *txn,
                              const char *status)
{
    json_t *d = json_deep_copy(t->doc);
    char arn[1300];
    ddb_table_arn(arn, sizeof arn, req->ctx->cfg->region, req->ctx->cfg->account, t->name);
    json_object_del(d, "Num");
    json_object_del(d, "NextIndexNum");
    json_object_del(d, "TTL");
    json_object_del(d, "TTLChanged");
    json_object_del(d, "Tags");
    json_object_del(d, "BillingMode");
    /* a table that was never on demand has no BillingModeSummary (see ddb_control.c), also when its doc
     * was stored with one by an earlier nimbus */
    const json_t *bms = json_object_get(d, "BillingModeSummary");
    if (bms && !json_object_get(bms, "LastUpdateToPayPerRequestDateTime") &&
        strcmp(ddb_jstr(bms, "BillingMode") ? ddb_jstr(bms, "BillingMode") : "", "PROVISIONED") == 0)
        json_object_del(d, "BillingModeSummary");
    if (status) json_object_set_new(d, "TableStatus", json_string(status));
    ddb_throughput_describe(json_object_get(d, "ProvisionedThroughput"), (int64_t)nb_wall_ms());
    ddb_stats_t st = {0, 0};
    if (txn) ddb_stats_get(txn, t->num, 0, &st);
    json_object_set_new(d, "TableSizeBytes", json_integer(st.bytes));
    json_object_set_new(d, "ItemCount", json_integer(st.count));
    json_object_set_new(d, "TableArn", json_string(arn));
    size_t i;
    json_t *ix;
    json_array_foreach(json_object_get(d, "GlobalSecondaryIndexes"), i, ix)
        add_index_stats(ix, txn, t->num, arn);
    json_array_foreach(json_object_get(d, "LocalSecondaryIndexes"), i, ix)
        add_index_stats(ix, txn, t->num, arn);
    const char *label = ddb_jstr(t->doc, "LatestStreamLabel");
    if (label) {
        char sarn[1400];
        snprintf(sarn, sizeof sarn, "%s/stream/%s", arn, label);
        json_object_set_new(d, "LatestStreamArn", json_string(sarn));
    }
    return d;
}

json_t *ddb_warm_default(const json_t *pt, int on_demand)
{
    if (on_demand) return json_pack("{s:i,s:i,s:s}", "ReadUnitsPerSecond", 12000, "WriteUnitsPerSecond", 4000,
                                    "Status", "ACTIVE");
    return json_pack("{s:I,s:I,s:s}", "ReadUnitsPerSecond", json_integer_value(json_object_get(pt, "ReadCapacityUnits")),
                     "WriteUnitsPerSecond", json_integer_value(json_object_get(pt, "WriteCapacityUnits")),
                     "Status", "ACTIVE");
}

int ddb_on_demand(const json_t *doc)
{
    const char *m = ddb_jstr(json_object_get(doc, "BillingModeSummary"), "BillingMode");
    return m && strcmp(m, "PAY_PER_REQUEST") == 0;
}

void ddb_describe_warm(json_t *d)
{
    int od = ddb_on_demand(d);
    if (!json_object_get(d, "WarmThroughput"))
        json_object_set_new(d, "WarmThroughput", ddb_warm_default(json_object_get(d, "ProvisionedThroughput"), od));
    size_t i;
    json_t *g;
    json_array_foreach(json_object_get(d, "GlobalSecondaryIndexes"), i, g)
        if (!json_object_get(g, "WarmThroughput"))
            json_object_set_new(g, "WarmThroughput", ddb_warm_default(json_object_get(g, "ProvisionedThroughput"), od));
}
