/* test_ddb_partiql.c — the PartiQL subset translated into expression strings,
 * name/value maps and key equalities. */
#include <string.h>
#include "test.h"
#include "dynamodb/ddb_partiql.h"

TEST(select_with_key_and_filter)
{
    ddb_pq_t q;
    ddb_err_t err = DDB_ERR_INIT;
    json_t *params = json_loads("[{\"S\":\"u1\"}]", 0, NULL);
    ASSERT_EQ(ddb_pq_parse("SELECT a, b.c FROM \"Users\" WHERE id = ? AND \"size\" > 3", params, &q, &err), 0);
    ASSERT_EQ(q.kind, DDB_PQ_SELECT);
    ASSERT_STREQ(q.table, "Users");
    ASSERT_STREQ(q.projection, "#p0, #p1.#p2");
    ASSERT_CONTAINS(q.where, "#p3 = :p0");
    ASSERT_CONTAINS(q.where, "AND");
    ASSERT_STREQ(json_string_value(json_object_get(json_object_get(q.eq, "id"), "S")), "u1");
    ASSERT_STREQ(json_string_value(json_object_get(q.names, "#p4")), "size");
    ASSERT_STREQ(json_string_value(json_object_get(json_object_get(q.values, ":p1"), "N")), "3");
    ddb_pq_free(&q);
    json_decref(params);
}

TEST(insert_value_literals)
{
    ddb_pq_t q;
    ddb_err_t err = DDB_ERR_INIT;
    ASSERT_EQ(ddb_pq_parse("INSERT INTO T VALUE {'id': 'a', 'n': -1.5, 'ok': TRUE, 'l': [1, 'x'], 's': <<1, 2>>, 'm': {'k': NULL}}",
                           NULL, &q, &err), 0);
    ASSERT_EQ(q.kind, DDB_PQ_INSERT);
    char *s = json_dumps(q.item, JSON_COMPACT | JSON_SORT_KEYS);
    ASSERT_STREQ(s, "{\"id\":{\"S\":\"a\"},\"l\":{\"L\":[{\"N\":\"1\"},{\"S\":\"x\"}]},\"m\":{\"M\":{\"k\":{\"NULL\":true}}},"
                    "\"n\":{\"N\":\"-1.5\"},\"ok\":{\"BOOL\":true},\"s\":{\"NS\":[\"1\",\"2\"]}}");
    free(s);
    ddb_pq_free(&q);
}

TEST(update_merges_set_clauses_and_is_missing)
{
    ddb_pq_t q;
    ddb_err_t err = DDB_ERR_INIT;
    ASSERT_EQ(ddb_pq_parse("UPDATE T SET a = 1 SET b = b + 2 REMOVE c WHERE id = 'x' AND d IS MISSING", NULL, &q, &err), 0);
    ASSERT_EQ(q.kind, DDB_PQ_UPDATE);
    ASSERT_CONTAINS(q.update, "SET");
    ASSERT_CONTAINS(q.update, "REMOVE");
    ASSERT_CONTAINS(q.where, "attribute_not_exists(");
    ddb_pq_free(&q);
}

TEST(malformed_statements_are_rejected)
{
    ddb_pq_t q;
    ddb_err_t err = DDB_ERR_INIT;
    ASSERT_EQ(ddb_pq_parse("SELEC * FROM T", NULL, &q, &err), -1);
    ASSERT_CONTAINS(err.msg, "Statement wasn't well formed, can't be processed");
    ASSERT_EQ(ddb_pq_parse("SELECT * FROM T WHERE a = ?", NULL, &q, &err), -1);
    ASSERT_EQ(ddb_pq_parse("INSERT INTO T VALUE {'a': 'unterminated}", NULL, &q, &err), -1);
    json_t *two = json_loads("[{\"S\":\"a\"},{\"S\":\"b\"}]", 0, NULL);
    ASSERT_EQ(ddb_pq_parse("SELECT * FROM T WHERE a = ?", two, &q, &err), -1);
    ASSERT_STREQ(err.msg, "Number of parameters in request and statement don't match.");
    json_decref(two);
    ddb_err_free(&err);
}

/* Parse stmt expecting failure; the message must equal want. */
static void expect_error(const char *stmt, const char *want)
{
    ddb_pq_t q;
    ddb_err_t err = DDB_ERR_INIT;
    ASSERT_EQ(ddb_pq_parse(stmt, NULL, &q, &err), -1);
    ASSERT_STREQ(err.msg, want);
    ddb_err_free(&err);
}

TEST(from_paths_and_returning_in_dynamodb_words)
{
    expect_error("SELECT * FROM \"T\".\"i\".\"x\"", "A path may contain at most 2 components in the FROM clause");
    expect_error("SELECT * FROM \"T\".\"\"", "Path component cannot be an empty string");
    expect_error("SELECT * FROM \"\"", "Path component cannot be an empty string");
    expect_error("DELETE FROM T WHERE id = 'x' RETURNING MODIFIED OLD *",
                 "Invalid returning clause: RETURNING MODIFIED OLD *. Only RETURNING ALL OLD * is allowed in DELETE statements.");
    expect_error("SLECT * FROM T", "Statement wasn't well formed, can't be processed: Expected data manipulation");
    expect_error("SELECT * FROM T WHERE id = 'x' AND\n EXISTS(a)", "Unrecognized function: exists at 2:2:6");
    expect_error("SELECT size(a) FROM T", "Unexpected path component at 1:8:4");
    expect_error("INSERT INTO T VALUE {'id': 'x', 's': <<>>}", "Empty bags are not supported");
    expect_error("INSERT INTO T VALUE {'id': 'x', 's': <<'a', 1>>}", "DynamoDB only supports either numbers or strings in bags");
    expect_error("UPDATE T SET s = set_add(t, <<'a'>>) WHERE id = 'x'",
                 "The first argument to SET_ADD must equal the assignment value at 1:18:7");
    expect_error("UPDATE T SET s = set_delete(s) WHERE id = 'x'", "SET_DELETE must have exactly two arguments at 1:18:10");
    ddb_pq_t q;
    ddb_err_t err = DDB_ERR_INIT;
    ASSERT_EQ(ddb_pq_parse("UPDATE T SET a = 1 WHERE id = 'x' RETURNING MODIFIED NEW *", NULL, &q, &err), 0);
    ASSERT_EQ(q.returning, DDB_PQ_RET_MODIFIED_NEW);
    ddb_pq_free(&q);
}

TEST(exists_set_functions_comments_and_key_only_where)
{
    ddb_pq_t q;
    ddb_err_t err = DDB_ERR_INIT;
    ASSERT_EQ(ddb_pq_parse("EXISTS(SELECT * FROM \"T\" WHERE id = 'x' AND n = 1)", NULL, &q, &err), 0);
    ASSERT_EQ(q.kind, DDB_PQ_EXISTS);
    ASSERT_EQ(q.eq_only, 1);
    ASSERT_EQ(json_object_size(q.eq), 2);
    ddb_pq_free(&q);
    ASSERT_EQ(ddb_pq_parse("SELECT a FROM T /* c */ WHERE id = 'x' AND attribute_exists(b); -- end", NULL, &q, &err), 0);
    ASSERT_EQ(q.eq_only, 0);
    ASSERT_STREQ(json_string_value(json_array_get(q.where_attrs, 0)), "id");
    ASSERT_STREQ(json_string_value(json_array_get(q.where_attrs, 1)), "b");
    ASSERT_STREQ(json_string_value(json_array_get(q.proj_attrs, 0)), "a");
    ddb_pq_free(&q);
    ASSERT_EQ(ddb_pq_parse("UPDATE T SET s = set_add(s, <<'a'>>), t = 1, u = set_delete(u, <<2>>) WHERE id = 'x'",
                           NULL, &q, &err), 0);
    ASSERT_CONTAINS(q.update, "SET  #p1 = :p1");
    ASSERT_CONTAINS(q.update, "ADD #p0 :p0");
    ASSERT_CONTAINS(q.update, "DELETE #p2 :p2");
    ddb_pq_free(&q);
    json_t *one = json_loads("[{\"S\":\"a\"}]", 0, NULL);
    ASSERT_EQ(ddb_pq_parse("SELECT * FROM T WHERE id = ? AND b = ?", one, &q, &err), -1);
    ASSERT_STREQ(err.msg, "Number of parameters in request and statement don't match.");
    json_decref(one);
    ddb_err_free(&err);
}

TEST(not_withdraws_only_its_own_conjunct_from_the_key)
{
    ddb_pq_t q;
    ddb_err_t err = DDB_ERR_INIT;
    ASSERT_EQ(ddb_pq_parse("SELECT * FROM T WHERE NOT a = 1 AND id = 'x' AND g IN ['a', 'b'] AND n BETWEEN 1 AND 2",
                           NULL, &q, &err), 0);
    ASSERT_EQ(json_object_get(q.eq, "id") != NULL, 1);
    ASSERT_EQ(json_object_get(q.eq, "a") == NULL, 1);
    ASSERT_EQ(json_object_get(q.in_keys, "g") != NULL, 1);
    ASSERT_EQ(q.eq_only, 0);
    ddb_pq_free(&q);
    ASSERT_EQ(ddb_pq_parse("SELECT * FROM T WHERE id = 'x' OR id = 'y'", NULL, &q, &err), 0);
    ASSERT_EQ(json_object_size(q.eq), 0);
    ddb_pq_free(&q);
    expect_error("SELECT * FROM T WHERE id = 'x' AND", "Statement wasn't well formed, can't be processed: "
                 "Missing right-hand side expression of infix operator");
    expect_error("SELECT * FROM T t WHERE id = 'x'", "Aliasing is not supported");
    expect_error("INSERT INTO T VALUE {'id': 'x', 'm': {'l': [1, 1e126]}}",
                 "Number overflow. Attempting to store a number with magnitude larger than supported range under root.l[1]");
}

TEST(deep_literals_are_bounded)
{
    char stmt[4096];
    size_t n = (size_t)snprintf(stmt, sizeof stmt, "INSERT INTO T VALUE {'a': ");
    for (int i = 0; i < 200; i++) n += (size_t)snprintf(stmt + n, sizeof stmt - n, "[");
    for (int i = 0; i < 200; i++) n += (size_t)snprintf(stmt + n, sizeof stmt - n, "]");
    snprintf(stmt + n, sizeof stmt - n, "}");
    ddb_pq_t q;
    ddb_err_t err = DDB_ERR_INIT;
    ASSERT_EQ(ddb_pq_parse(stmt, NULL, &q, &err), -1);
    ASSERT_CONTAINS(err.msg, "nested too deeply");
    ddb_err_free(&err);
}
