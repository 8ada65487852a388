/* policy_ctx.c — the global condition keys of a request (aws:SourceIp,
 * aws:SecureTransport, aws:CurrentTime, aws:EpochTime, aws:username,
 * aws:userid, aws:PrincipalArn), formatted the way policies compare them, so
 * the edge fills them in one call and appends service keys after them. */
#include "iam/policy.h"
#include <stdio.h>
#include <string.h>
#include <time.h>

static void add(iam_global_ctx_t *g, const char *name, const char *value)
{
    if (!value || g->n >= sizeof g->keys / sizeof g->keys[0]) return;
    g->vals[g->n] = value;
    g->keys[g->n] = (iam_ctx_key_t){name, &g->vals[g->n], 1};
    g->n++;
}

size_t iam_global_keys(iam_global_ctx_t *g, const char *source_ip, int secure, int64_t now_ms,
                       const char *username, const char *userid, const char *principal_arn)
{
    memset(g, 0, sizeof *g);
    time_t t = (time_t)(now_ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    if (strftime(g->current_time, sizeof g->current_time, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        g->current_time[0] = 0;
    snprintf(g->epoch, sizeof g->epoch, "%lld", (long long)t);
    add(g, "aws:SourceIp", source_ip && *source_ip ? source_ip : NULL);
    add(g, "aws:SecureTransport", secure ? "true" : "false");
    add(g, "aws:CurrentTime", g->current_time);
    add(g, "aws:EpochTime", g->epoch);
    add(g, "aws:username", username);
    add(g, "aws:userid", userid);
    add(g, "aws:PrincipalArn", principal_arn);
    return g->n;
}
