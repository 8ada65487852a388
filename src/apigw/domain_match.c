/* domain_match.c — the pure pieces of custom domain names: which names and
 * mapping keys (base paths) are valid, and which mapping key serves a path.
 *
 * A name is a host name (not an IP address: its top label is not all digits).
 * A mapping key is "" (the empty base path, v1 "(none)") or 1..128 characters
 * of [A-Za-z0-9._~$-] segments joined by single '/' (multi-level base paths),
 * no leading or trailing '/'. A key serves a path when it equals the path's
 * leading segments: "v1" serves "/v1" and "/v1/x", not "/v10"; "" serves every
 * path. The longest key that serves a path wins, as API Gateway chooses. */
#include "apigw/apigw_int.h"
#include <string.h>

int apigw__domain_name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > 253 || name[0] == '.' || name[0] == '-' || name[n - 1] == '.' || !strchr(name, '.')) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (c == '.' && name[i + 1] == '.') return 0;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
              (c == '*' && i == 0 && name[1] == '.')))
            return 0;
    }
    /* an IP address is no domain name: a top label of digits would take the
     * edge's own address ("127.0.0.1") away from the AWS APIs */
    const char *top = strrchr(name, '.') + 1;
    return strspn(top, "0123456789") != strlen(top);
}

int apigw__mapping_key_ok(const char *key)
{
    size_t n = strlen(key);
    if (n == 0) return 1;
    if (n > 128 || key[0] == '/' || key[n - 1] == '/') return 0;
    for (size_t i = 0; i < n; i++) {
        char c = key[i];
        if (c == '/' && key[i + 1] == '/') return 0;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-' || c == '~' || c == '$' || c == '/'))
            return 0;
    }
    return 1;
}

size_t apigw__mapping_serves(const char *key, const char *path)
{
    const char *p = path[0] == '/' ? path + 1 : path;
    size_t n = strlen(key);
    if (n == 0) return 0;
    if (strncmp(p, key, n) != 0 || (p[n] != 0 && p[n] != '/' && p[n] != '?')) return (size_t)-1;
    return (size_t)(p - path) + n;
}
