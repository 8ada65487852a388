/* test_ddb_req.c — DynamoDB constraint messages, capacity objects and units,
 * and the table-schema checks of CreateTable. */
#include <stdlib.h>
#include <string.h>
#include "test.h"
#include "dynamodb/ddb_req.h"
#include "dynamodb/ddb_schema.h"

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
