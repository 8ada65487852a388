/* fuzz_apigw_access_log.c — access log settings and formats on arbitrary
 * bytes: the first byte splits the input into a destination ARN and a format;
 * both go through apigw__access_log_check, and the format is rendered with
 * every variable known (values of varying length) for a REST or a v2 stage,
 * into the log group the ARN names, if any (stream names built from it) or
 * the daemon's log. Promises: no over-read,
 * no crash, a check that always answers 0 or -1 with a message.
 * Run: make build/fuzz/fuzz_apigw_access_log && build/fuzz/fuzz_apigw_access_log fuzz/corpus/apigw_access_log */
#include "apigw/access_log.h"
#include "core/ctx.h"
#include "core/log.h"
#include "logs/logs.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *var(void *arg, const char *name, char *scratch, size_t cap)
{
    (void)arg;
    size_t n = strlen(name);
    if (n % 3 == 0) return NULL;
    snprintf(scratch, cap, "%zu:%s", n, name);
    return scratch;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct nb_ctx ctx;   /* no store: the log store writer drops what it is given */
    if (!ctx.loop) {
        ctx.loop = uv_default_loop();
        logs_start(&ctx);
    }
    nb_log_set_level(NB_LOG_ERROR);   /* the rendered line is logged at info */
    if (size == 0) return 0;
    size_t split = data[0] < size ? data[0] : size - 1;
    char *arn = strndup((const char *)data + 1, split > 0 ? split - 1 : 0);
    char *fmt = strndup((const char *)data + split + (split ? 0 : 1), size - split - (split ? 0 : 1));
    json_t *s = json_object();
    json_object_set_new(s, "destinationArn", json_string(arn));   /* NULL (not UTF-8): member absent */
    json_object_set_new(s, "format", json_string(fmt));
    const char *msg = NULL;
    int rc = apigw__access_log_check(s, &msg);
    if (rc != 0 && (rc != -1 || !msg)) abort();
    json_t *stage = json_pack("{s:O}", "accessLogSettings", s);
    apigw__access_log(stage, "api1234567", data[0] & 1 ? "$default" : "prod", data[0] & 2, data[0] & 4, var, NULL);
    logs_flush();   /* a log group destination's lines: dropped (no store) */
    json_decref(stage);
    json_decref(s);
    free(arn);
    free(fmt);
    return 0;
}
