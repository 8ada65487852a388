/* test_lambda_logfmt.c — src/lambda/logfmt.c: level names, the level of a
 * function's output line (Lambda's rules for lines it filters), and the
 * platform's JSON records, checked byte for byte and parsed back. */
#include <jansson.h>
#include <string.h>
#include "test.h"
#include "lambda/logfmt.h"

#define LINE(s) lambda__log_line_level(s, sizeof s - 1)

TEST(level_names)
{
    ASSERT_EQ(lambda__log_level_parse("TRACE"), LAMBDA_LVL_TRACE);
    ASSERT_EQ(lambda__log_level_parse("FATAL"), LAMBDA_LVL_FATAL);
    ASSERT_EQ(lambda__log_level_parse("WARN"), LAMBDA_LVL_WARN);
    ASSERT_EQ(lambda__log_level_parse("warn"), 0);          /* the API's enum is exact */
    ASSERT_EQ(lambda__log_level_parse("WARNING"), 0);
    ASSERT_EQ(lambda__log_level_parse(""), 0);
    ASSERT_EQ(lambda__log_level_parse(NULL), 0);
    ASSERT_STREQ(lambda__log_level_name(LAMBDA_LVL_DEBUG), "DEBUG");
    ASSERT_STREQ(lambda__log_level_name(0), "INFO");
    ASSERT_STREQ(lambda__log_level_name(99), "INFO");
}

TEST(line_level)
{
    ASSERT_EQ(LINE("plain text"), LAMBDA_LVL_INFO);
    ASSERT_EQ(LINE(""), LAMBDA_LVL_INFO);
    ASSERT_EQ(LINE("{\"level\":\"debug\",\"msg\":\"x\"}"), LAMBDA_LVL_DEBUG);
    ASSERT_EQ(LINE("  {\"level\": \"ERROR\"}"), LAMBDA_LVL_ERROR);
    ASSERT_EQ(LINE("{\"level\":\"WARNING\"}"), LAMBDA_LVL_WARN);          /* Python's names */
    ASSERT_EQ(LINE("{\"level\":\"Critical\"}"), LAMBDA_LVL_FATAL);
    ASSERT_EQ(LINE("{\"level\":\"trace\"}"), LAMBDA_LVL_TRACE);
    ASSERT_EQ(LINE("{\"level\":\"loud\"}"), LAMBDA_LVL_INFO);             /* unknown → INFO */
    ASSERT_EQ(LINE("{\"level\":3}"), LAMBDA_LVL_INFO);
    ASSERT_EQ(LINE("{\"msg\":\"no level\"}"), LAMBDA_LVL_INFO);
    ASSERT_EQ(LINE("{\"level\":\"debug\""), LAMBDA_LVL_INFO);             /* not JSON */
    ASSERT_EQ(LINE("{\"a\":{\"level\":\"debug\"}}"), LAMBDA_LVL_INFO);    /* only the top level */
    ASSERT_EQ(LINE("[\"level\",\"debug\"]"), LAMBDA_LVL_INFO);
    ASSERT_EQ(LINE("{\"level\":\"deb\\u0000ug\"}"), LAMBDA_LVL_INFO);
    /* not NUL-terminated: only len bytes are read */
    const char buf[] = "{\"level\":\"error\"}garbage";
    ASSERT_EQ(lambda__log_line_level(buf, 17), LAMBDA_LVL_ERROR);
}

static void check_record(const nb_buf_t *b, const char *want)
{
    ASSERT_EQ(b->len, strlen(want));
    ASSERT_MEMEQ(b->data, want, b->len);
    json_t *doc = json_loadb(b->data, b->len, 0, NULL);
    ASSERT_NE(doc, NULL);
    json_decref(doc);
}

TEST(platform_start_and_runtime_done)
{
    nb_buf_t b = NB_BUF_INIT;
    /* 2026-11-28T00:00:01.234Z */
    uint64_t t = 1795824001234ULL;
    lambda__plat_start(&b, t, "rid-1", "arn:aws:lambda:us-east-1:000000000000:function:f", "$LATEST");
    check_record(&b, "{\"time\":\"2026-11-28T00:00:01.234Z\",\"type\":\"platform.start\",\"record\":{"
                     "\"requestId\":\"rid-1\",\"functionArn\":\"arn:aws:lambda:us-east-1:000000000000:function:f\","
                     "\"version\":\"$LATEST\"}}");
    nb_buf_clear(&b);
    lambda__plat_runtime_done(&b, t, "rid-1", "error", "My\"Type\n");
    check_record(&b, "{\"time\":\"2026-11-28T00:00:01.234Z\",\"type\":\"platform.runtimeDone\",\"record\":{"
                     "\"requestId\":\"rid-1\",\"status\":\"error\",\"errorType\":\"My\\\"Type\\n\"}}");
    nb_buf_free(&b);
}

TEST(platform_report)
{
    nb_buf_t b = NB_BUF_INIT;
    lambda_report_t r = { .request_id = "rid-2", .status = "success", .duration_us = 2745, .billed_ms = 3,
                          .memory_mb = 128, .max_memory_mb = 67, .init_ms = 178.9 };
    lambda__plat_report(&b, 1795824001234ULL, &r);
    check_record(&b, "{\"time\":\"2026-11-28T00:00:01.234Z\",\"type\":\"platform.report\",\"record\":{"
                     "\"requestId\":\"rid-2\",\"metrics\":{\"durationMs\":2.75,\"billedDurationMs\":3,"
                     "\"memorySizeMB\":128,\"maxMemoryUsedMB\":67,\"initDurationMs\":178.90},\"status\":\"success\"}}");
    nb_buf_clear(&b);
    r.init_ms = -1;
    r.status = "timeout";
    r.error_type = "Sandbox.Timedout";
    r.duration_us = 3000004;
    lambda__plat_report(&b, 1795824001234ULL, &r);
    check_record(&b, "{\"time\":\"2026-11-28T00:00:01.234Z\",\"type\":\"platform.report\",\"record\":{"
                     "\"requestId\":\"rid-2\",\"metrics\":{\"durationMs\":3000.00,\"billedDurationMs\":3,"
                     "\"memorySizeMB\":128,\"maxMemoryUsedMB\":67},\"status\":\"timeout\","
                     "\"errorType\":\"Sandbox.Timedout\"}}");
    nb_buf_free(&b);
}

TEST(platform_init)
{
    nb_buf_t b = NB_BUF_INIT;
    lambda__plat_init_start(&b, 1795824001234ULL, "on-demand", "nodejs:20.nimbus",
                            "arn:aws:lambda:us-east-1::runtime:nimbus-nodejs20.x", "f", "$LATEST");
    check_record(&b, "{\"time\":\"2026-11-28T00:00:01.234Z\",\"type\":\"platform.initStart\",\"record\":{"
                     "\"initializationType\":\"on-demand\",\"phase\":\"init\",\"runtimeVersion\":\"nodejs:20.nimbus\","
                     "\"runtimeVersionArn\":\"arn:aws:lambda:us-east-1::runtime:nimbus-nodejs20.x\","
                     "\"functionName\":\"f\",\"functionVersion\":\"$LATEST\"}}");
    nb_buf_clear(&b);
    lambda__plat_init_report(&b, 1795824001234ULL, "on-demand", 12.5, "error", "Runtime.ImportModuleError");
    check_record(&b, "{\"time\":\"2026-11-28T00:00:01.234Z\",\"type\":\"platform.initReport\",\"record\":{"
                     "\"initializationType\":\"on-demand\",\"phase\":\"init\",\"status\":\"error\","
                     "\"errorType\":\"Runtime.ImportModuleError\",\"metrics\":{\"durationMs\":12.50}}}");
    nb_buf_free(&b);
}
