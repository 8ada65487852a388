/* policy_cache.c — compiled policies shared by document text.
 *
 * A direct-mapped table of CACHE_SLOTS entries keyed by (kind, SHA-256 of the
 * text); a colliding document replaces the entry (the old policy lives on
 * while references to it remain). The table holds one reference per entry.
 * Guarded by a mutex; lookups copy out a new reference under it. */
#include "iam/policy_int.h"
#include <pthread.h>
#include <string.h>
#include "auth/sigv4.h"

#define CACHE_SLOTS 256

typedef struct slot {
    iam_policy_t *p;
    iam_policy_kind_t kind;
    unsigned char digest[32];
} slot_t;

static slot_t g_slots[CACHE_SLOTS];
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;

iam_policy_t *iam_policy_cache_get(const char *text, size_t len, iam_policy_kind_t kind, char *err,
                                   size_t cap)
{
    unsigned char d[32];
    auth_sha256(text ? text : "", text ? len : 0, d);
    size_t i = ((size_t)d[0] | (size_t)d[1] << 8) % CACHE_SLOTS;
    pthread_mutex_lock(&g_mu);
    slot_t *s = &g_slots[i];
    if (s->p && s->kind == kind && memcmp(s->digest, d, 32) == 0) {
        iam_policy_t *hit = iam_policy_ref(s->p);
        pthread_mutex_unlock(&g_mu);
        return hit;
    }
    pthread_mutex_unlock(&g_mu);
    iam_policy_t *p = iam_policy_parse(text, len, kind, err, cap);
    if (!p) return NULL;
    pthread_mutex_lock(&g_mu);
    iam_policy_t *old = s->p;
    s->p = iam_policy_ref(p);
    s->kind = kind;
    memcpy(s->digest, d, 32);
    pthread_mutex_unlock(&g_mu);
    iam_policy_free(old);
    return p;
}

void iam_policy_cache_clear(void)
{
    pthread_mutex_lock(&g_mu);
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        iam_policy_free(g_slots[i].p);
        g_slots[i].p = NULL;
    }
    pthread_mutex_unlock(&g_mu);
}
