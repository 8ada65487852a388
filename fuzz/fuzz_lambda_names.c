/* fuzz_lambda_names.c — Lambda's name and ARN checks that run before any
 * lookup: a FunctionName against a Qualifier (the two ARNs a clashing request
 * names, src/lambda/names.c) and a destination ARN's kind (src/lambda/dest.c).
 * Input: "FUNCTIONNAME\nQUALIFIER\nDESTINATION" (any bytes; missing lines are
 * empty). Run: make build/fuzz/fuzz_lambda_names */
#include "lambda/lambda_int.h"
#include "core/arena.h"
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static nb_config_t cfg = {.region = "us-east-1", .account = "000000000000"};
static nb_ctx_t ctx = {.cfg = &cfg};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nb_arena_t *a = nb_arena_new(1024);
    char *s = nb_arena_strndup(a, (const char *)data, size);
    char *line[3] = {s, "", ""};
    for (int i = 1; i < 3; i++) {
        char *nl = strchr(line[i - 1], '\n');
        if (!nl) break;
        *nl = 0;
        line[i] = nl + 1;
    }
    nb_req_t r;
    memset(&r, 0, sizeof r);
    r.arena = a;
    r.ctx = &ctx;
    nb_buf_t named = NB_BUF_INIT, given = NB_BUF_INIT, q = NB_BUF_INIT;
    if (lambda__fn_resource_mismatch(&r, line[0], line[1], &named, &given) == 1 &&
        (strcmp(named.data, given.data) == 0 || strncmp(named.data, "arn:aws:lambda:us-east-1:000000000000:function:", 47) != 0))
        __builtin_trap();   /* two different ARNs of ours, or none */
    (void)lambda__fn_resource_qualified(&r, line[0], line[1], &q);
    const lambda_dest_kind_t *k = lambda__dest_kind(line[2]);
    if (k && strncmp(line[2], "arn:aws", 7) != 0) __builtin_trap();
    nb_buf_free(&named);
    nb_buf_free(&given);
    nb_buf_free(&q);
    nb_arena_free(a);
    return 0;
}
