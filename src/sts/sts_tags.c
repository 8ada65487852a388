/* sts_tags.c — AssumeRole's session tags: parse and check Tags.member.N and
 * TransitiveTagKeys.member.N, add the tags a chained session inherits, and
 * give the trust policy its aws:RequestTag/KEY and aws:TagKeys keys.
 *
 * Rules (AWS's, from the STS API reference and "Passing session tags in
 * AWS STS"): at most 50 tags; a key 1-128 and a value 0-256 characters of
 * letters, digits, spaces and _.:/=+-@; keys are case-insensitive, so two
 * keys that differ only in case are a duplicate; every transitive key must
 * be one of the request's tags. A session assumed by a session inherits the
 * caller's transitive tags (still transitive), and the request may not pass
 * a tag with the same key. Passing tags needs sts:TagSession in the role's
 * trust policy (checked by the caller, sts_service.c). */
#include "sts/sts_tags.h"
#include "core/errors.h"
#include "core/request.h"
#include <string.h>
#include <strings.h>

#define MAX_TAGS 50

/* Letters (any non-ASCII byte counts: UTF-8 letters), digits, space, _.:/=+-@. */
static int tag_chars_ok(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (!(*p >= 0x80 || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              strchr(" _.:/=+-@", *p)))
            return 0;
    return 1;
}

/* Characters, counting UTF-8 sequences as one. */
static size_t chars(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xC0) != 0x80) n++;
    return n;
}

static int has_key(const json_t *obj, const char *key)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)obj, k, v)
        if (strcasecmp(k, key) == 0) return 1;
    return 0;
}

static int invalid(nb_req_t *req, const char *where, const char *value, const char *constraint)
{
    nb_reply_error(req, NB_ERR_IAM_VALIDATION, "1 validation error detected: Value '%s' at '%s' failed to "
                   "satisfy constraint: %s", value, where, constraint);
    return -1;
}

int sts_tags_parse(nb_req_t *req, const json_t *caller_session, sts_tags_t *out)
{
    out->request = json_object();
    out->tags = json_object();
    out->transitive = json_array();
    int n = 0;
    for (int i = 1;; i++) {
        const char *k = nb_req_form(req, nb_arena_printf(req->arena, "Tags.member.%d.Key", i));
        const char *v = nb_req_form(req, nb_arena_printf(req->arena, "Tags.member.%d.Value", i));
        if (!k) break;
        if (!v) v = "";
        n++;
        const char *where = nb_arena_printf(req->arena, "tags.%d.member.key", i);
        if (!*k) return invalid(req, where, k, "Member must have length greater than or equal to 1");
        if (chars(k) > 128) return invalid(req, where, k, "Member must have length less than or equal to 128");
        if (!tag_chars_ok(k))
            return invalid(req, where, k, "Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+");
        where = nb_arena_printf(req->arena, "tags.%d.member.value", i);
        if (chars(v) > 256) return invalid(req, where, v, "Member must have length less than or equal to 256");
        if (!tag_chars_ok(v))
            return invalid(req, where, v, "Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
        if (has_key(out->request, k)) {
            nb_reply_error(req, NB_ERR_INVALID_PARAMETER_VALUE,
                           "Duplicate tag keys found. Please note that Tag keys are case insensitive.");
            return -1;
        }
        json_object_set_new(out->request, k, json_string(v));
    }
    if (n > MAX_TAGS) return invalid(req, "tags", "[...]", "Member must have length less than or equal to 50");
    int nt = 0;
    for (int i = 1;; i++) {
        const char *k = nb_req_form(req, nb_arena_printf(req->arena, "TransitiveTagKeys.member.%d", i));
        if (!k) break;
        if (++nt > MAX_TAGS)
            return invalid(req, "transitiveTagKeys", "[...]", "Member must have length less than or equal to 50");
        if (!has_key(out->request, k)) {
            nb_reply_error(req, NB_ERR_INVALID_PARAMETER_VALUE,
                           "The specified transitive tag key must be included in the requested tags.");
            return -1;
        }
        json_array_append_new(out->transitive, json_string(k));
    }
    /* a chained session: the caller's transitive tags come along */
    json_t *ctags = json_object_get(caller_session, "Tags");
    size_t i;
    json_t *ck;
    json_array_foreach(json_object_get(caller_session, "TransitiveTagKeys"), i, ck) {
        const char *k = json_string_value(ck);
        json_t *v = k ? json_object_get(ctags, k) : NULL;
        if (!v) continue;
        if (has_key(out->request, k)) {
            nb_reply_error(req, NB_ERR_INVALID_PARAMETER_VALUE,
                           "The request tag key '%s' conflicts with a transitive tag of the calling session.", k);
            return -1;
        }
        json_object_set(out->tags, k, v);
        json_array_append(out->transitive, ck);
    }
    json_object_update(out->tags, out->request);
    return 0;
}

size_t sts_tags_keys(nb_req_t *req, const sts_tags_t *t, iam_ctx_key_t **keys)
{
    size_t n = json_object_size(t->request);
    if (n == 0) return 0;
    iam_ctx_key_t *k = nb_arena_alloc(req->arena, (n + 1) * sizeof *k);
    const char **names = nb_arena_alloc(req->arena, n * sizeof *names);
    size_t i = 0;
    const char *name;
    json_t *v;
    json_object_foreach(t->request, name, v) {
        const char **one = nb_arena_alloc(req->arena, sizeof *one);
        one[0] = nb_arena_strdup(req->arena, json_string_value(v));
        names[i] = nb_arena_strdup(req->arena, name);
        k[i] = (iam_ctx_key_t){nb_arena_printf(req->arena, "aws:RequestTag/%s", name), one, 1};
        i++;
    }
    k[n] = (iam_ctx_key_t){"aws:TagKeys", names, n};
    *keys = k;
    return n + 1;
}

void sts_tags_free(sts_tags_t *t)
{
    json_decref(t->request);
    json_decref(t->tags);
    json_decref(t->transitive);
    t->request = t->tags = t->transitive = NULL;
}
