/* test_ddb_req.c — DynamoDB constraint messages, capacity objects and units,
 * the table-schema checks of CreateTable and the checks of a table's tags. */
#include <stdlib.h>
#include <string.h>
#include "test.h"
#include "dynamodb/ddb_req.h"
#include "dynamodb/ddb_schema.h"
#include "dynamodb/ddb_tags.h"
#include "dynamodb/ddb_throughput.h"

TEST(constraint_messages_accumulate)
{
    ddb_vlist_t v = DDB_VLIST_INIT;
    json_t *shortname = json_string("ab"), *badname = json_string("a b c");
    ddb_v_table_name(&v, NULL, "tableName", 1);
    ddb_v_table_name(&v, shortname, "indexName", 1);
    ddb_v_table_name(&v, badname, "x", 1);
    ASSERT_EQ(v.n, 3);
    ASSERT_STREQ(v.msgs.data,
                 "Value null at 'tableName' failed to satisfy constraint: Member must not be null; "
                 "Value 'ab' at 'indexName' failed to satisfy constraint: Member must have length greater than or equal to 3; "
                 "Value 'a b c' at 'x' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
    nb_buf_free(&v.msgs);
    json_decref(shortname);
    json_decref(badname);
}

TEST(enum_constraint_lists_allowed_values)
{
    static const char *const allowed[] = {"NONE", "ALL_OLD", NULL};
    ddb_vlist_t v = DDB_VLIST_INIT;
    json_t *bad = json_string("SOME");
    ddb_v_enum(&v, bad, "returnValues", allowed);
    ASSERT_STREQ(v.msgs.data, "Value 'SOME' at 'returnValues' failed to satisfy constraint: "
                              "Member must satisfy enum value set: [NONE, ALL_OLD]");
    nb_buf_free(&v.msgs);
    json_decref(bad);
}

TEST(capacity_units_and_shapes)
{
    ASSERT(ddb_read_units(1, 1) == 1.0);
    ASSERT(ddb_read_units(4097, 1) == 2.0);
    ASSERT(ddb_read_units(100, 0) == 0.5);
    ASSERT(ddb_write_units(1025) == 2.0);
    ddb_cap_t c;
    ddb_cap_init(&c, "T", 0);
    c.table_units = 1;
    ddb_cap_index(&c, "G", 0, 2);
    ddb_cap_index(&c, "L", 1, 1);
    json_t *total = ddb_cap_json(&c, 1), *idx = ddb_cap_json(&c, 2);
    char *s = json_dumps(total, JSON_COMPACT | JSON_SORT_KEYS);
    ASSERT_STREQ(s, "{\"CapacityUnits\":4.0,\"TableName\":\"T\"}");
    free(s);
    s = json_dumps(idx, JSON_COMPACT | JSON_SORT_KEYS);
    ASSERT_STREQ(s, "{\"CapacityUnits\":4.0,\"GlobalSecondaryIndexes\":{\"G\":{\"CapacityUnits\":2.0}},"
                    "\"LocalSecondaryIndexes\":{\"L\":{\"CapacityUnits\":1.0}},\"Table\":{\"CapacityUnits\":1.0},"
                    "\"TableName\":\"T\"}");
    free(s);
    ASSERT(ddb_cap_json(&c, 0) == NULL);
    json_decref(total);
    json_decref(idx);
    /* a transactional entry names its side at the top level and on the Table arm, not on index arms */
    c.split = 1;
    idx = ddb_cap_json(&c, 2);
    s = json_dumps(idx, JSON_COMPACT | JSON_SORT_KEYS);
    ASSERT_STREQ(s, "{\"CapacityUnits\":4.0,\"GlobalSecondaryIndexes\":{\"G\":{\"CapacityUnits\":2.0}},"
                    "\"LocalSecondaryIndexes\":{\"L\":{\"CapacityUnits\":1.0}},"
                    "\"Table\":{\"CapacityUnits\":1.0,\"WriteCapacityUnits\":1.0},"
                    "\"TableName\":\"T\",\"WriteCapacityUnits\":4.0}");
    free(s);
    json_decref(idx);
    ddb_cap_init(&c, "T", 1);
    c.split = 1;
    c.table_units = 2;
    total = ddb_cap_json(&c, 1);
    s = json_dumps(total, JSON_COMPACT | JSON_SORT_KEYS);
    ASSERT_STREQ(s, "{\"CapacityUnits\":2.0,\"ReadCapacityUnits\":2.0,\"TableName\":\"T\"}");
    free(s);
    json_decref(total);
}

TEST(key_schema_checks)
{
    ddb_err_t err = DDB_ERR_INIT;
    const char *h, *r;
    json_t *ks = json_loads("[{\"AttributeName\":\"a\",\"KeyType\":\"RANGE\"}]", 0, NULL);
    ASSERT_EQ(ddb_schema_keys(ks, &h, &r, &err), -1);
    ASSERT_STREQ(err.msg, "Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
    json_decref(ks);
    ks = json_loads("[{\"AttributeName\":\"a\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"a\",\"KeyType\":\"RANGE\"}]", 0, NULL);
    ASSERT_EQ(ddb_schema_keys(ks, &h, &r, &err), -1);
    ASSERT_STREQ(err.msg, "Both the Hash Key and the Range Key element in the KeySchema have the same name");
    json_decref(ks);
    ks = json_loads("[{\"AttributeName\":\"a\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"b\",\"KeyType\":\"RANGE\"}]", 0, NULL);
    json_t *ad = json_loads("[{\"AttributeName\":\"a\",\"AttributeType\":\"S\"}]", 0, NULL);
    ASSERT_EQ(ddb_schema_keys(ks, &h, &r, &err), 0);
    ASSERT_STREQ(h, "a");
    ASSERT_STREQ(r, "b");
    ASSERT_EQ(ddb_schema_keys_defined(ks, ad, &err), -1);
    ASSERT_STREQ(err.msg, "One or more parameter values were invalid: Some index key attributes are not defined "
                          "in AttributeDefinitions. Keys: [a, b], AttributeDefinitions: [a]");
    ddb_err_free(&err);
    json_decref(ks);
    json_decref(ad);
}

TEST(names_listed_in_java_hashset_order)
{
    /* the order AWS printed "keys used: [CreatedTime, ProductName, ProductId]" in */
    json_t *names = json_pack("[sss]", "ProductId", "ProductName", "CreatedTime");
    nb_buf_t b = NB_BUF_INIT;
    ddb_schema_java_set_list(names, &b);
    ASSERT_STREQ(b.data, "[CreatedTime, ProductName, ProductId]");
    nb_buf_clear(&b);
    json_decref(names);
    /* non-ASCII names hash as UTF-16 (a surrogate pair for U+1F600); 13 names grow the table to 32 */
    names = json_pack("[sssssssssssss]", "\xc3\xa9", "\xf0\x9f\x98\x80", "a", "b", "c", "d", "e", "f", "g", "h", "i",
                      "j", "k");
    ddb_schema_java_set_list(names, &b);
    ASSERT_STREQ(b.data, "[a, b, c, d, e, f, g, h, \xc3\xa9, i, j, k, \xf0\x9f\x98\x80]");
    nb_buf_free(&b);
    json_decref(names);
}

TEST(key_schema_length_echoes_java_model)
{
    /* AWS (nubo-db/dynamodb-conformance tier3 createTable) prints the list as its Java model does */
    json_t *ks = json_loads("[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"sk\",\"KeyType\":"
                            "\"RANGE\"},{\"KeyType\":\"RANGE\"}]", 0, NULL);
    ddb_vlist_t v = DDB_VLIST_INIT;
    ddb_schema_v_keyschema(&v, ks, "keySchema", 1);
    ASSERT_EQ(v.n, 1);
    ASSERT_STREQ(v.msgs.data, "Value '[KeySchemaElement(attributeName=pk, keyType=HASH), KeySchemaElement("
                              "attributeName=sk, keyType=RANGE), KeySchemaElement(attributeName=null, "
                              "keyType=RANGE)]' at 'keySchema' failed to satisfy constraint: Member must have "
                              "length less than or equal to 2");
    nb_buf_free(&v.msgs);
    json_decref(ks);
    ks = json_array();
    v = (ddb_vlist_t)DDB_VLIST_INIT;
    ddb_schema_v_keyschema(&v, ks, "keySchema", 1);
    ASSERT_STREQ(v.msgs.data, "Value '[]' at 'keySchema' failed to satisfy constraint: Member must have length "
                              "greater than or equal to 1");
    nb_buf_free(&v.msgs);
    json_decref(ks);
}

TEST(on_demand_throughput_keeps_its_two_numbers)
{
    json_t *in = json_loads("{\"MaxReadRequestUnits\":10,\"MaxWriteRequestUnits\":5,\"Other\":1}", 0, NULL);
    json_t *out = ddb_schema_on_demand(in);
    char *s = json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS);
    ASSERT_STREQ(s, "{\"MaxReadRequestUnits\":10,\"MaxWriteRequestUnits\":5}");
    free(s);
    json_decref(out);
    json_decref(in);
    in = json_string("x");
    ASSERT(ddb_schema_on_demand(in) == NULL);
    ASSERT(ddb_schema_on_demand(NULL) == NULL);
    json_decref(in);
}

TEST(attribute_definitions_name_their_missing_and_long_names)
{
    /* Alternator test_table.py / test_limits.py (run against DynamoDB): a definition without a name or
     * type, and key names past 255 characters, are constraint failures */
    char name[300];
    memset(name, 'a', 256);
    name[256] = 0;
    json_t *ad = json_pack("[{s:s},{s:s},{s:s,s:s},{s:s,s:s}]", "AttributeType", "S", "AttributeName", "x",
                           "AttributeName", name, "AttributeType", "S", "AttributeName", name + 1, "AttributeType", "S");
    ddb_vlist_t v = DDB_VLIST_INIT;
    ddb_schema_v_attrdefs(&v, ad, 1);
    ASSERT_EQ(v.n, 3);
    ASSERT(strstr(v.msgs.data, "Value null at 'attributeDefinitions.1.member.attributeName' failed to satisfy "
                               "constraint: Member must not be null; Value null at "
                               "'attributeDefinitions.2.member.attributeType'") == v.msgs.data);
    ASSERT(strstr(v.msgs.data, "at 'attributeDefinitions.3.member.attributeName' failed to satisfy constraint: "
                               "Member must have length less than or equal to 255") != NULL);
    ASSERT(strstr(v.msgs.data, "attributeDefinitions.4") == NULL);   /* 255 characters are fine */
    nb_buf_free(&v.msgs);
    json_t *ks = json_pack("[{s:s,s:s}]", "AttributeName", name, "KeyType", "HASH");
    v = (ddb_vlist_t)DDB_VLIST_INIT;
    ddb_schema_v_keyschema(&v, ks, "keySchema", 1);
    ASSERT_EQ(v.n, 1);
    ASSERT(strstr(v.msgs.data, "' at 'keySchema.1.member.attributeName' failed to satisfy constraint: Member must "
                               "have length less than or equal to 255") != NULL);
    nb_buf_free(&v.msgs);
    /* names an index projects: the same 255 (botocore's NonKeyAttributeName) */
    json_t *ix = json_pack("{s:s,s:[{s:s,s:s}],s:{s:s,s:[s,s]}}", "IndexName", "gsi", "KeySchema", "AttributeName",
                           "c", "KeyType", "HASH", "Projection", "ProjectionType", "INCLUDE", "NonKeyAttributes", "ok",
                           name);
    v = (ddb_vlist_t)DDB_VLIST_INIT;
    ddb_schema_v_index(&v, ix, "globalSecondaryIndexes.1.member");
    ASSERT_EQ(v.n, 1);
    ASSERT(strstr(v.msgs.data, "at 'globalSecondaryIndexes.1.member.projection.nonKeyAttributes' failed to satisfy "
                               "constraint: Member must satisfy constraint: [Member must have length less than or "
                               "equal to 255") != NULL);
    nb_buf_free(&v.msgs);
    json_decref(ix);
    json_decref(ks);
    json_decref(ad);
}

TEST(tag_lengths_count_characters_and_values_may_be_empty)
{
    /* Alternator test_tag.py: keys 1..128 and values 0..256 characters (unicode ones count once) */
    char key[400] = "", val[600] = "";
    for (int i = 0; i < 128; i++) strcat(key, "\xd7\x90");   /* alef, two bytes */
    for (int i = 0; i < 256; i++) strcat(val, "\xd7\x90");
    json_t *tags = json_pack("[{s:s,s:s},{s:s,s:s},{s:s,s:s},{s:s}]", "Key", key, "Value", val, "Key", "e", "Value",
                             "", "Key", "", "Value", "x", "Key", "nv");
    ddb_vlist_t v = DDB_VLIST_INIT;
    ddb_tags_v(&v, tags);
    ASSERT_EQ(v.n, 2);
    ASSERT_STREQ(v.msgs.data, "Value '' at 'tags.3.member.key' failed to satisfy constraint: Member must have "
                              "length greater than or equal to 1; Value null at 'tags.4.member.value' failed to "
                              "satisfy constraint: Member must not be null");
    nb_buf_free(&v.msgs);
    json_decref(tags);
    strcat(key, "x");
    tags = json_pack("[{s:s,s:s}]", "Key", key, "Value", "v");
    v = (ddb_vlist_t)DDB_VLIST_INIT;
    ddb_tags_v(&v, tags);
    ASSERT_EQ(v.n, 1);
    ASSERT(strstr(v.msgs.data, "Member must have length less than or equal to 128") != NULL);
    nb_buf_free(&v.msgs);
    json_decref(tags);
}

TEST(tag_characters)
{
    ASSERT(ddb_tag_chars_ok("Name 7 a+b-c=d.e_f:g/h@i"));
    ASSERT(ddb_tag_chars_ok("\xd0\xb7\xd0\xb0\xd0\xba\xd0\xbe\xd0\xbd"));   /* Cyrillic letters */
    ASSERT(ddb_tag_chars_ok(""));
    ASSERT(ddb_tag_chars_ok(NULL));
    const char *bad[] = {"hi!", "d%g", "\"hello\"", "#", "<><", "a|b", "a;b", "(x)", "a*b", "a,b"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) ASSERT(!ddb_tag_chars_ok(bad[i]));
}

TEST(warm_throughput_fills_the_baseline_and_never_lowers)
{
    /* Alternator test_warm_throughput.py (run on DynamoDB): 12000 / 4000 units a second to begin with */
    json_t *out = NULL, *wt = json_pack("{s:i}", "WriteUnitsPerSecond", 4080);
    ddb_err_t err = DDB_ERR_INIT;
    ASSERT_EQ(ddb_schema_warm(NULL, NULL, &out, &err), 0);
    ASSERT(out == NULL);
    ASSERT_EQ(ddb_schema_warm(wt, NULL, &out, &err), 0);
    char *s = json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS);
    ASSERT_STREQ(s, "{\"ReadUnitsPerSecond\":12000,\"Status\":\"ACTIVE\",\"WriteUnitsPerSecond\":4080}");
    free(s);
    json_t *up = json_pack("{s:i}", "ReadUnitsPerSecond", 13000), *next = NULL;
    ASSERT_EQ(ddb_schema_warm(up, out, &next, &err), 0);   /* the unit not asked for keeps its value */
    ASSERT_EQ(json_integer_value(json_object_get(next, "WriteUnitsPerSecond")), 4080);
    json_t *down = json_pack("{s:i}", "WriteUnitsPerSecond", 4040), *none = NULL;
    ASSERT_EQ(ddb_schema_warm(down, next, &none, &err), -1);
    ASSERT_CONTAINS(err.msg, "WriteUnitsPerSecond is lower than current WarmThroughput");
    ddb_err_free(&err);
    json_t *low = json_pack("{s:i}", "ReadUnitsPerSecond", 11999);
    ASSERT_EQ(ddb_schema_warm(low, NULL, &none, &err), -1);
    ASSERT_CONTAINS(err.msg, "ReadUnitsPerSecond for WarmThroughput is lower than the minimum of 12000");
    ddb_err_free(&err);
    ASSERT_EQ(ddb_schema_table_class("STANDARD_INFREQUENT_ACCESS", &err), 0);
    ASSERT_EQ(ddb_schema_table_class("standard", &err), -1);
    ddb_err_free(&err);
    json_decref(low);
    json_decref(down);
    json_decref(next);
    json_decref(up);
    json_decref(out);
    json_decref(wt);
}

TEST(names_sorted_as_java_strings)
{
    /* ack-api-quirks DDB-TABLE-125: [z, a, m, sk, pk] described as [a, m, pk, sk, z]; java.lang.String order
     * puts a character beyond the BMP (a surrogate pair, D83D...) before U+FF21, unlike UTF-8 byte order */
    json_t *defs = json_pack("[{ss}{ss}{ss}{ss}{ss}]", "AttributeName", "z", "AttributeName", "a", "AttributeName", "m",
                             "AttributeName", "sk", "AttributeName", "pk");
    ddb_schema_sort_names(defs);
    char *s = json_dumps(defs, JSON_COMPACT);
    ASSERT_STREQ(s, "[{\"AttributeName\":\"a\"},{\"AttributeName\":\"m\"},{\"AttributeName\":\"pk\"},"
                    "{\"AttributeName\":\"sk\"},{\"AttributeName\":\"z\"}]");
    free(s);
    json_t *names = json_pack("[ssss]", "\xef\xbc\xa1", "\xf0\x9f\x98\x80", "ab", "a");
    ddb_schema_sort_names(names);
    s = json_dumps(names, JSON_COMPACT | JSON_ENSURE_ASCII);
    ASSERT_STREQ(s, "[\"a\",\"ab\",\"\\uD83D\\uDE00\",\"\\uFF21\"]");
    free(s);
    json_decref(names);
    json_decref(defs);
}

TEST(index_warm_throughput_only_rises)
{
    /* ack-api-quirks DDB-TABLE-456: an index's units below its current ones (the baseline to begin with) */
    json_t *out = NULL, *up = json_pack("{s:i}", "ReadUnitsPerSecond", 13000), *low = json_pack("{s:i}", "ReadUnitsPerSecond", -1);
    ddb_err_t err = DDB_ERR_INIT;
    ASSERT_EQ(ddb_schema_index_warm(low, NULL, "gsi1", &out, &err), -1);
    ASSERT_STREQ(err.msg, "One or more parameter values were invalid: Requested ReadUnitsPerSecond for WarmThroughput "
                          "for index gsi1 is lower than current WarmThroughput, decreasing WarmThroughput is not supported");
    ddb_err_free(&err);
    ASSERT_EQ(ddb_schema_index_warm(up, NULL, "gsi1", &out, &err), 0);
    char *s = json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS);
    ASSERT_STREQ(s, "{\"ReadUnitsPerSecond\":13000,\"Status\":\"ACTIVE\",\"WriteUnitsPerSecond\":4000}");
    free(s);
    json_decref(out);
    json_decref(low);
    json_decref(up);
}

TEST(decrease_budget_names_the_next_allowed_time)
{
    /* ack-api-quirks DDB-TABLE-184: the 5th decrease of a UTC day, 23:20:48 on Thursday 8 October 2026, is
     * refused until midnight (sooner than an hour after the last) */
    int64_t last = 1791501648000LL;   /* 2026-10-08T23:20:48Z */
    json_t *cur = json_pack("{s:i,s:i,s:i,s:f}", "NumberOfDecreasesToday", 4, "ReadCapacityUnits", 10,
                            "WriteCapacityUnits", 6, "LastDecreaseDateTime", (double)last / 1000.0);
    json_t *down = json_pack("{s:i,s:i}", "ReadCapacityUnits", 10, "WriteCapacityUnits", 5), *out = NULL;
    ddb_err_t err = DDB_ERR_INIT;
    ASSERT_EQ(ddb_throughput_change(cur, down, last + 60000, 1, &out, &err), -1);
    ASSERT_STREQ(err.msg, "Subscriber limit exceeded: Provisioned throughput decreases are limited within a given "
                          "UTC day. After the first 4 decreases, each subsequent decrease in the same UTC day can be "
                          "performed at most once every 3600 seconds. Number of decreases today: 4. Last decrease at "
                          "Thursday, October 8, 2026 at 11:20:48 PM Coordinated Universal Time. Next decrease can be "
                          "made at Friday, October 9, 2026 at 12:00:00 AM Coordinated Universal Time.");
    ddb_err_free(&err);
    /* the next UTC day the count starts again: a decrease is the day's first */
    ASSERT_EQ(ddb_throughput_change(cur, down, last + 3600000, 1, &out, &err), 0);
    ASSERT_EQ(json_integer_value(json_object_get(out, "NumberOfDecreasesToday")), 1);
    ddb_throughput_describe(cur, last + 3600000);
    ASSERT_EQ(json_integer_value(json_object_get(cur, "NumberOfDecreasesToday")), 0);
    json_decref(out);
    json_decref(down);
    json_decref(cur);
}
