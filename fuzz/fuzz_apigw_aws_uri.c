/* fuzz_apigw_aws_uri.c — AWS integration URIs (aws_uri.c) on arbitrary text.
 * Promises: no crash or over-read; an accepted URI has a non-empty region and
 * service (no ':' in either), and its api part is the URI's own tail after
 * "action/" or "path/", non-empty. Run:
 * make build/fuzz/fuzz_apigw_aws_uri && build/fuzz/fuzz_apigw_aws_uri fuzz/corpus/apigw_aws_uri */
#include "apigw/aws_uri.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);   /* exact size: ASan sees any over-read */
    memcpy(s, data, size);
    s[size] = 0;
    apigw_aws_uri_t u;
    if (apigw__aws_uri_parse(s, &u) == 0) {
        if (!u.region[0] || !u.service[0] || strchr(u.region, ':') || strchr(u.service, ':')) abort();
        if (!u.api || u.api < s || u.api > s + strlen(s) || !*u.api) abort();
        const char *kind = u.action ? "action/" : "path/";
        size_t kl = strlen(kind);
        if ((size_t)(u.api - s) < kl || memcmp(u.api - kl, kind, kl) != 0) abort();
    }
    free(s);
    return 0;
}
