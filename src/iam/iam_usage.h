/* iam_usage.h — when each access key was last used (GetAccessKeyLastUsed).
 *
 * The edge calls iam_key_used() for every request authenticated with a
 * long-term key (root's or an IAM user's "AKIA…"); it only writes a slot of an
 * in-memory table. A timer of the IAM service writes the changed entries to the
 * store (iam.key_usage) at most once a minute, and once more at shutdown, so a
 * request never costs a store write; a crash loses at most the last minute of
 * "last used" times, never anything else. */
#ifndef NB_IAM_USAGE_H
#define NB_IAM_USAGE_H
#include <stdint.h>
#include "core/ctx.h"
#include "core/service.h"

#define IAM_KS_KEY_USAGE "iam.key_usage"

/* Record that access_key was used now (Unix ms) for service (the request's
 * signing name, a static string). Keys other than "AKIA…" are ignored. Loop thread. */
void iam_key_used(const char *access_key, const char *service, int64_t now_ms);

/* The last use of access_key known in memory (not yet flushed or flushed):
 * 1 with *ms and *service set, else 0. */
int iam__key_usage_mem(const char *access_key, int64_t *ms, const char **service);
/* Forget access_key's entry (DeleteAccessKey). */
void iam__key_usage_forget(const char *access_key);
/* Start the flush timer / flush and stop it (the IAM service's init and stop). */
void iam__key_usage_start(nb_ctx_t *ctx);
void iam__key_usage_stop(nb_ctx_t *ctx);

#endif
