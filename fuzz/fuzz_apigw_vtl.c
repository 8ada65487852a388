/* fuzz_apigw_vtl.c — the mapping-template parser and renderer on arbitrary
 * templates. The input is "template\0body": the template is parsed and, when
 * it parses, rendered against the body as $input with a fixed environment.
 * Promises: no crash, no leak, output always NUL-terminated, bounded work.
 * Run: make build/fuzz/fuzz_apigw_vtl && build/fuzz/fuzz_apigw_vtl fuzz/corpus/apigw_vtl */
#include "apigw/vtl.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *src = (const char *)data;
    const char *nul = memchr(data, 0, size);
    size_t tlen = nul ? (size_t)(nul - src) : size;
    const char *body = nul ? nul + 1 : "";
    size_t blen = nul ? size - tlen - 1 : 0;
    char err[128];
    vtl_tmpl_t *t = apigw__vtl_parse(src, tlen, err, sizeof err);
    if (!t) {
        if (!err[0]) abort();
        return 0;
    }
    json_t *params = json_pack("{s:{s:s},s:{s:s},s:{s:s}}", "path", "id", "1", "querystring", "q", "x", "header",
                               "h", "v");
    json_t *ctx = json_pack("{s:s}", "requestId", "r");
    vtl_env_t env = {body, blen, params, ctx, NULL};
    nb_buf_t out = NB_BUF_INIT;
    apigw__vtl_render(t, &env, &out);
    if (!out.data || out.data[out.len] != 0) abort();
    nb_buf_free(&out);
    apigw__vtl_free(t);
    json_decref(params);
    json_decref(ctx);
    return 0;
}
