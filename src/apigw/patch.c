/* patch.c — API Gateway v1 PATCH operations (op, path, value, from) applied
 * to a stored wire object. Paths are JSON-pointer-like ("/a/b", "~1" for '/');
 * values arrive as strings and take the type of the member they replace
 * (booleans and numbers), or of well-known typed members. Stage method
 * settings use "/{resource path}/{method}/throttling/rateLimit" style paths,
 * mapped onto methodSettings["{resource path}/{method}"]. Lists of strings
 * are patched item by item ("/binaryMediaTypes/image~1png"). A path through a
 * member holding a value, or to an internal ("_") member, is refused: a patch
 * never changes a member's kind. Callers patch a copy (nothing half-applied).
 * Fuzzed by fuzz/fuzz_apigw_patch.c. */
#include "apigw/apigw_int.h"
#include <stdlib.h>
#include <string.h>

static const char *const bool_members[] = {"apiKeyRequired", "enabled", "validateRequestBody",
    "validateRequestParameters", "tracingEnabled", "cacheClusterEnabled", "disableExecuteApiEndpoint",
    "metricsEnabled", "dataTraceEnabled", "cachingEnabled", NULL};
static const char *const num_members[] = {"timeoutInMillis", "authorizerResultTtlInSeconds", "burstLimit",
    "rateLimit", "limit", "offset", "throttlingBurstLimit", "throttlingRateLimit", "minimumCompressionSize", NULL};
/* lists of strings patched item by item ("/binaryMediaTypes/image~1png") */
static const char *const list_members[] = {"binaryMediaTypes", "types", "providerARNs", "targetArns", NULL};

static json_t *typed(json_t *old, const char *member, const char *value)
{
    if (!value) return apigw__in_list(bool_members, member) ? json_false() : json_null();   /* no value: a flag off */
    if (json_is_boolean(old) || apigw__in_list(bool_members, member)) return json_boolean(strcmp(value, "true") == 0);
    if (json_is_integer(old) || (apigw__in_list(num_members, member) && !strchr(value, '.')))
        return json_integer(strtoll(value, NULL, 10));
    if (json_is_real(old) || apigw__in_list(num_members, member)) return json_real(strtod(value, NULL));
    return json_string(value);
}

/* Split "/a/b~1c" into unescaped segments (arena-free: fixed buffer). */
static size_t split(const char *path, char segs[8][256])
{
    size_t n = 0;
    const char *p = path;
    while (*p == '/' && n < 8) {
        p = apigw__ptr_segment(p + 1, segs[n], sizeof segs[n]);
        n++;
    }
    return n;
}

/* "/{res}/{METHOD}/throttling/rateLimit" → methodSettings["res/METHOD"].throttlingRateLimit:
 * 1 applied, 0 not a method setting's path, -1 a method setting's path with an empty part. */
static int method_setting(json_t *obj, const char *path, const char *value)
{
    char segs[8][256];
    size_t n = split(path, segs);
    if (n < 3 || !json_object_get(obj, "stageName") || json_object_get(obj, segs[0])) return 0;
    for (size_t i = 0; i < n; i++)
        if (!segs[i][0]) return -1;
    const char *leaf = segs[n - 1], *group = segs[n - 2];
    char key[2200], member[300];
    size_t kl = 0;
    for (size_t i = 0; i + 2 < n; i++)
        kl += (size_t)snprintf(key + kl, sizeof key - kl, "%s%s", i ? "/" : "", segs[i]);
    if (n == 3) group = "", leaf = segs[2];
    if (strcmp(group, "throttling") == 0 || strcmp(group, "caching") == 0)
        snprintf(member, sizeof member, "%s%c%s", group, leaf[0] >= 'a' && leaf[0] <= 'z' ? leaf[0] - 32 : leaf[0],
                 leaf + 1);
    else if (strcmp(group, "metrics") == 0 && strcmp(leaf, "enabled") == 0)
        snprintf(member, sizeof member, "metricsEnabled");
    else if (strcmp(group, "logging") == 0)
        snprintf(member, sizeof member, "%s", strcmp(leaf, "loglevel") == 0 ? "loggingLevel" : "dataTraceEnabled");
    else
        snprintf(member, sizeof member, "%s", leaf);
    json_t *ms = json_object_get(obj, "methodSettings");
    if (!json_is_object(ms)) json_object_set_new(obj, "methodSettings", ms = json_object());
    json_t *m = json_object_get(ms, key);
    if (!json_is_object(m)) json_object_set_new(ms, key, m = json_object());
    json_object_set_new(m, member, typed(json_object_get(m, member), member, value));
    return 1;
}

/* A list member addressed by item, "/binaryMediaTypes/image~1png" (or by
 * index, "/endpointConfiguration/types/0"): add appends the item (once),
 * remove drops it, replace drops it and appends value. */
static int list_op(json_t *list, const char *o, const char *item, const char *value)
{
    size_t at = json_array_size(list);
    for (size_t k = 0; k < json_array_size(list); k++)
        if (json_is_string(json_array_get(list, k)) && strcmp(json_string_value(json_array_get(list, k)), item) == 0) {
            at = k;
            break;
        }
    if (at == json_array_size(list) && strcmp(o, "add") != 0 && item[0] >= '0' && item[0] <= '9' &&
        strspn(item, "0123456789") == strlen(item) && strlen(item) < 6 && (size_t)atoi(item) < json_array_size(list))
        at = (size_t)atoi(item);
    if (strcmp(o, "add") == 0) {
        if (at == json_array_size(list)) json_array_append_new(list, json_string(item));
    } else if (strcmp(o, "remove") == 0) {
        if (at < json_array_size(list)) json_array_remove(list, at);
    } else {   /* replace: the item goes, the value joins at the end (AWS's order) */
        if (!value || at == json_array_size(list)) return -1;
        json_array_remove(list, at);
        json_array_append_new(list, json_string(value));
    }
    return 0;
}

int apigw__patch(json_t *obj, json_t *ops, const char **msg)
{
    if (ops && !json_is_array(ops)) {
        *msg = "patchOperations must be a list";
        return -1;
    }
    size_t i;
    json_t *op;
    json_array_foreach(ops, i, op) {
        const char *o = json_string_value(json_object_get(op, "op"));
        const char *path = json_string_value(json_object_get(op, "path"));
        const char *value = json_string_value(json_object_get(op, "value"));
        if (!o || !path || path[0] != '/') {
            *msg = "Invalid patch operation specified. Must be one of: [add, remove, move, test, replace, copy]";
            return -1;
        }
        int ms = strcmp(o, "replace") == 0 ? method_setting(obj, path, value) : 0;
        if (ms > 0) continue;
        char segs[8][256];
        size_t n = ms < 0 ? 0 : split(path, segs);
        if (n == 0 || (strcmp(segs[0], "id") == 0 && n == 1) || segs[0][0] == '_') {   /* '_': not on the wire */
            *msg = "Invalid patch path";
            return -1;
        }
        int is_remove = strcmp(o, "remove") == 0, is_change = strcmp(o, "replace") == 0 || strcmp(o, "add") == 0;
        if (!is_remove && !is_change) {
            *msg = "Invalid patch operation specified. Must be one of: [add, remove, replace]";
            return -1;
        }
        /* walk to the leaf's object: a missing part is made (nothing to remove
         * under it); a part that is a value (a string, a number) has no members */
        json_t *cur = obj;
        int gone = 0;
        for (size_t s = 0; s + 1 < n && !gone; s++) {
            json_t *next = json_object_get(cur, segs[s]);
            if (!next && s + 2 == n && apigw__in_list(list_members, segs[s]) && !is_remove)
                json_object_set_new(cur, segs[s], next = json_array());
            if (json_is_array(next) && s + 2 == n) {
                if (list_op(next, o, segs[n - 1], value) != 0) {
                    *msg = "Invalid patch path";
                    return -1;
                }
                gone = 1;
            } else if (!next) {
                if (is_remove) gone = 1;
                else json_object_set_new(cur, segs[s], next = json_object());
            } else if (!json_is_object(next)) {
                *msg = "Invalid patch path";
                return -1;
            }
            cur = next;
        }
        if (gone) continue;
        const char *leaf = segs[n - 1];
        json_t *old = json_object_get(cur, leaf);
        if (is_remove) {
            if (json_is_array(old) && value) {
                for (size_t k = 0; k < json_array_size(old); k++)
                    if (json_is_string(json_array_get(old, k)) && strcmp(json_string_value(json_array_get(old, k)), value) == 0)
                        json_array_remove(old, k--);
            } else {
                json_object_del(cur, leaf);
            }
        } else if (strcmp(o, "add") == 0 && json_is_array(old)) {
            json_array_append_new(old, json_string(value ? value : ""));
        } else {
            json_object_set_new(cur, leaf, typed(old, leaf, value));
        }
    }
    return 0;
}
