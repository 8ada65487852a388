/* test_apigw_csv.c — the CSV reader of ImportApiKeys (src/apigw/csv.c):
 * both quote characters, doubled quotes, line endings, blank lines, errors. */
#include "test.h"
#include "apigw/apigw_int.h"
#include <stdlib.h>
#include <string.h>

/* The records of s as compact JSON (caller frees), or "ERR: why". */
static char *rows_of(const char *s, size_t n)
{
    const char *err = NULL;
    json_t *rows = apigw__csv_parse(s, n, &err);
    if (!rows) {
        char *e = malloc(strlen(err) + 6);
        strcpy(e, "ERR: ");
        strcat(e, err);
        return e;
    }
    char *out = json_dumps(rows, JSON_COMPACT);
    json_decref(rows);
    return out;
}

#define ROWS_EQ(in, want)                          \
    do {                                           \
        char *got_ = rows_of(in, sizeof(in) - 1);  \
        ASSERT_STREQ(got_, want);                  \
        free(got_);                                \
    } while (0)

TEST(records_and_fields)
{
    ROWS_EQ("a,b\r\nc,d\n", "[[\"a\",\"b\"],[\"c\",\"d\"]]");
    ROWS_EQ("a,b", "[[\"a\",\"b\"]]");                      /* no final line break */
    ROWS_EQ("a,\n,b\n", "[[\"a\",\"\"],[\"\",\"b\"]]");      /* empty fields */
    ROWS_EQ("a,", "[[\"a\",\"\"]]");
    ROWS_EQ("\n\r\na\n\n", "[[\"a\"]]");                    /* blank lines are no records */
    ROWS_EQ("\xEF\xBB\xBFkey,name\n", "[[\"key\",\"name\"]]"); /* a byte order mark */
    ROWS_EQ("", "[]");
}

TEST(quoted_fields)
{
    ROWS_EQ("\"c7y23b,glvrsr\",x\n", "[[\"c7y23b,glvrsr\",\"x\"]]");
    ROWS_EQ("'c7y23b,glvrsr',x\n", "[[\"c7y23b,glvrsr\",\"x\"]]");
    ROWS_EQ("\"a\"\"b\",'it''s'\n", "[[\"a\\\"b\",\"it's\"]]");
    ROWS_EQ("\"two\nlines\",z\n", "[[\"two\\nlines\",\"z\"]]");
    ROWS_EQ("\"it's\",'say \"hi\"'\n", "[[\"it's\",\"say \\\"hi\\\"\"]]");   /* the other quote is plain */
    ROWS_EQ("x\"y,z\n", "[[\"x\\\"y\",\"z\"]]");                 /* a quote inside a plain field */
}

TEST(malformed_input)
{
    ROWS_EQ("\"open,x\n", "ERR: unterminated quoted field");
    ROWS_EQ("a,'b", "ERR: unterminated quoted field");
    ROWS_EQ("a,\xff\n", "ERR: text that is not UTF-8");
}
