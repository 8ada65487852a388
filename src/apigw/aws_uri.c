/* aws_uri.c — parsing AWS integration URIs (aws_uri.h). */
#include "apigw/aws_uri.h"
#include <string.h>

static int copy(char *dst, size_t cap, const char *s, size_t n)
{
    if (n >= cap) return -1;
    memcpy(dst, s, n);
    dst[n] = 0;
    return 0;
}

/* service and subdomain names: letters, digits, '-', '.', '_' */
static int name_ok(const char *s, size_t n)
{
    if (!n) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
              c == '_'))
            return 0;
    }
    return 1;
}

int apigw__aws_uri_parse(const char *uri, apigw_aws_uri_t *out)
{
    static const char pfx[] = "arn:aws:apigateway:";
    memset(out, 0, sizeof *out);
    if (!uri || strncmp(uri, pfx, sizeof pfx - 1) != 0) return -1;
    const char *r = uri + sizeof pfx - 1;
    const char *c1 = strchr(r, ':');
    if (!c1 || c1 == r || copy(out->region, sizeof out->region, r, (size_t)(c1 - r)) != 0) return -1;
    const char *s = c1 + 1;
    const char *c2 = strchr(s, ':');
    if (!c2 || !name_ok(s, (size_t)(c2 - s))) return -1;
    const char *dot = NULL;
    for (const char *p = s; p < c2; p++)
        if (*p == '.') dot = p;
    if (dot) {
        if (dot == s || dot + 1 == c2 || copy(out->subdomain, sizeof out->subdomain, s, (size_t)(dot - s)) != 0)
            return -1;
        s = dot + 1;
    }
    if (copy(out->service, sizeof out->service, s, (size_t)(c2 - s)) != 0) return -1;
    const char *k = c2 + 1;
    if (strncmp(k, "action/", 7) == 0) {
        out->action = 1;
        out->api = k + 7;
        if (!name_ok(out->api, strlen(out->api))) return -1;
    } else if (strncmp(k, "path/", 5) == 0) {
        out->api = k + 5;
        if (!*out->api) return -1;
    } else {
        return -1;
    }
    return 0;
}
