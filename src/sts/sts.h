/* sts.h — the STS service (Query protocol, botocore sts/2011-06-15) and the
 * one call other services use: temporary credentials for a role (Lambda's
 * execution roles). Sessions are stored in sts.sessions (src/auth/creds.h). */
#ifndef NB_STS_H
#define NB_STS_H
#include <stdint.h>
#include "core/ctx.h"
#include "core/service.h"

typedef struct sts_creds {
    char access_key[21];      /* "ASIA…" */
    char secret_key[41];      /* never logged */
    char session_token[257];  /* never logged */
    int64_t expires_ms;       /* Unix ms */
    char arn[400];            /* arn:aws:sts::ACCT:assumed-role/ROLE/SESSION */
} sts_creds_t;

/* Issue temporary credentials for role_arn (which must exist) as session
 * session_name, valid duration_s seconds (clamped to 900..43200). No trust
 * policy check: the caller is nimbus acting as an AWS service. Must be called
 * on the loop thread with no write transaction open; the session is visible
 * at once (durable shortly after). 0, or -1 when the role does not exist. */
int sts_issue_role_credentials(nb_ctx_t *ctx, const char *role_arn, const char *session_name,
                               unsigned duration_s, sts_creds_t *out);

/* Give every Lambda instance temporary credentials of its execution role
 * (sts_lambda.c). Called from the STS service's init. */
void sts__register_lambda_credentials(nb_ctx_t *ctx);

#endif
