/* aws_policies.h — AWS managed policies (arn:aws:iam::aws:policy/PATH/NAME):
 * read-only data every account can attach (iam_aws_data.c), found by ARN.
 *
 * They are not stored: IAM answers GetPolicy / GetPolicyVersion / ListPolicies
 * for them from this table, and the credential store reads their documents
 * from it, so a newer nimbus with a newer document applies it at once. The
 * account's only state about one is its attachment count, kept in
 * iam.policies under the ARN as {"AttachmentCount": N}. */
#ifndef NB_IAM_AWS_POLICIES_H
#define NB_IAM_AWS_POLICIES_H
#include <stddef.h>
#include <jansson.h>

typedef struct iam_aws_policy {
    const char *name;          /* "AdministratorAccess" */
    const char *path;          /* "/" or "/service-role/" */
    const char *id;            /* PolicyId, "ANPA..." */
    const char *version;       /* default version id, "v12" */
    const char *created;       /* ISO 8601 */
    const char *updated;
    const char *description;
    const char *document;      /* the default version's JSON */
} iam_aws_policy_t;

extern const iam_aws_policy_t iam_aws_policies[];
extern const size_t iam_aws_policy_count;

#define IAM_AWS_POLICY_PREFIX "arn:aws:iam::aws:policy"

/* The policy arn names, or NULL (not an AWS managed policy nimbus knows). */
const iam_aws_policy_t *iam_aws_policy_by_arn(const char *arn);
/* 1 when arn is in the AWS managed namespace (known or not). */
int iam_aws_policy_arn(const char *arn);
/* The policy as IAM's stored record shape (PolicyName, PolicyId, Arn, Path,
 * DefaultVersionId, AttachmentCount, IsAttachable, Description, CreateDate,
 * UpdateDate, Versions [{VersionId, Document, CreateDate}]): new reference. */
json_t *iam_aws_policy_record(const iam_aws_policy_t *p, long long attachments);

#endif
