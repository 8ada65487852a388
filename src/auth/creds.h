/* creds.h — the credential store: who an access key belongs to, its secret,
 * and the policies that apply to it.
 *
 * Root credentials live in DATA/credentials.json (mode 0600), generated at
 * first start: {"AccessKeyId":"AKIA…","SecretAccessKey":"…","AccountId":"…"}.
 * Everything else is IAM / STS state in the store (values are JSON text):
 *
 *   iam.users     NAME  {"UserName","UserId","Arn","Path","CreateDate",
 *                        "Policies":{NAME:DOC},"Attached":[ARN],"Groups":[NAME],"Tags":[{Key,Value}],
 *                        "PermissionsBoundary":ARN?}
 *   iam.groups    NAME  {"GroupName","GroupId","Arn","Path","CreateDate","Policies","Attached"}
 *   iam.roles     NAME  {"RoleName","RoleId","Arn","Path","CreateDate","AssumeRolePolicyDocument",
 *                        "Description","MaxSessionDuration","Policies","Attached","Tags","PermissionsBoundary"?}
 *   iam.policies  ARN   {"PolicyName","PolicyId","Arn","Path","Description","CreateDate","UpdateDate",
 *                        "DefaultVersionId","NextVersion":N,"Versions":[{"VersionId","Document","CreateDate"}]}
 *   iam.keys      AKID  {"UserName","SecretAccessKey","Status","CreateDate"}
 *   sts.sessions  AKID  {"SecretAccessKey","SessionToken","Expiration":ms,"Arn","Kind":"role|user|root|federated",
 *                        "RoleArn","RoleName","UserName","UserId","Policy":DOC|null,
 *                        "PolicyArns":[ARN] (federated: managed session policies),"Tags":{k:v}}
 *   (a federated session — GetFederationToken — is its UserName's policies, or
 *   root's, intersected with Policy + PolicyArns; none of them: no permissions)
 *
 * Resolving an access key to an identity (secret, ARN, compiled policies)
 * reads the store once and is then cached in memory until any IAM write calls
 * auth_creds_changed(). Unknown keys are never cached, so issuing a new STS
 * session needs no invalidation; an expired one fails verification by its
 * expiry. Everything here runs on the loop thread. */
#ifndef NB_AUTH_CREDS_H
#define NB_AUTH_CREDS_H
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "core/ctx.h"
#include "core/service.h"
#include "iam/policy.h"

#define AUTH_KS_USERS    "iam.users"
#define AUTH_KS_GROUPS   "iam.groups"
#define AUTH_KS_ROLES    "iam.roles"
#define AUTH_KS_POLICIES "iam.policies"
#define AUTH_KS_KEYS     "iam.keys"
#define AUTH_KS_SESSIONS "sts.sessions"

/* One resolved identity. Owned by the cache: valid until the next
 * auth_creds_changed() (never during one request's enforcement). */
typedef struct auth_ident {
    char access_key[32];
    char *secret;                /* never logged */
    char *token;                 /* session token, NULL for long-term keys */
    int64_t expires_ms;          /* 0 = never */
    iam_principal_type_t type;
    char *arn;                   /* caller ARN (assumed-role session ARN for roles) */
    char *role_arn;              /* assumed roles: the role's ARN */
    char *username;              /* aws:username (users) */
    char *userid;                /* aws:userid */
    iam_policy_t **identity;     /* identity policies (references) */
    size_t n_identity;
    iam_policy_t **session;      /* session policies (references) */
    size_t n_session;
    iam_policy_t **boundary;     /* permissions boundary of the user / role (0 or 1) */
    size_t n_boundary;
    json_t *tags;                /* aws:PrincipalTag/KEY: {key: value} (a user's tags; an assumed
                                    role's tags overridden by its session tags), or NULL */
} auth_ident_t;

/* Load DATA/credentials.json, creating it (and printing the access key id
 * once to stdout) at first start. 0, or -1 with a message on stderr. */
int auth_creds_init(nb_ctx_t *ctx);
/* A first start's half of auth_creds_init, for a thread beside the store's
 * creation: create DATA/credentials.json (the file synced, then renamed
 * into place) without syncing DATA or printing anything. 1 when created —
 * the caller then syncs DATA and only after that calls auth_creds_announce;
 * 0 when the file was there (nothing done); -1 with a message on stderr. */
int auth_creds_create(nb_ctx_t *ctx);
/* Print the access key id line of a created credentials file (stdout). */
void auth_creds_announce(nb_ctx_t *ctx);
/* Root's access key id and account (borrowed, process lifetime). */
const char *auth_root_access_key(void);
const char *auth_root_arn(void);

/* The identity of access_key, or NULL when unknown. Borrowed (see auth_ident_t). */
const auth_ident_t *auth_creds_lookup(nb_ctx_t *ctx, const char *access_key);
/* The synthetic identity of --auth open mode and of internal calls: root. */
const auth_ident_t *auth_creds_root(void);
/* Forget every cached identity (IAM / STS state changed). */
void auth_creds_changed(void);

/* Identity policies of a role by name, as compiled references appended to
 * *out (caller frees each with iam_policy_free and the array with free).
 * With ctx's store read in txn t (a store_txn_t *). Returns the count added;
 * -1 when the role does not exist. */
struct store_txn;
int auth_creds_role_policies(struct store_txn *t, const char *role, iam_policy_t ***out, size_t *n);
/* Role role's permissions boundary into *out / *n (caller frees each with
 * iam_policy_free, then the array; nothing when it has none). */
void auth_creds_role_boundary(struct store_txn *t, const char *role, iam_policy_t ***out, size_t *n);

/* Random identifiers: PREFIX + 16 of [A-Z2-7] ("AKIA", "ASIA", "AIDA", "AROA",
 * "ANPA", "AGPA"), and secrets (40 chars of base64). out: 21 / 41 bytes. */
void auth_new_id(const char *prefix, char out[21]);
void auth_new_secret(char out[41]);
/* An opaque session token of len random base64 characters (out: len + 1). */
void auth_new_token(char *out, size_t len);

#endif
