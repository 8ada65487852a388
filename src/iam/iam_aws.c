/* iam_aws.c — lookups over the AWS managed policy table (aws_policies.h). */
#include "iam/aws_policies.h"
#include <stdio.h>
#include <string.h>

int iam_aws_policy_arn(const char *arn)
{
    return arn && strncmp(arn, IAM_AWS_POLICY_PREFIX "/", sizeof IAM_AWS_POLICY_PREFIX) == 0;
}

const iam_aws_policy_t *iam_aws_policy_by_arn(const char *arn)
{
    if (!iam_aws_policy_arn(arn)) return NULL;
    const char *rest = arn + sizeof IAM_AWS_POLICY_PREFIX - 1;   /* "/path/Name" */
    const char *slash = strrchr(rest, '/');
    size_t pl = (size_t)(slash - rest) + 1;
    for (size_t i = 0; i < iam_aws_policy_count; i++) {
        const iam_aws_policy_t *p = &iam_aws_policies[i];
        if (strlen(p->path) == pl && memcmp(p->path, rest, pl) == 0 && strcmp(p->name, slash + 1) == 0) return p;
    }
    return NULL;
}

json_t *iam_aws_policy_record(const iam_aws_policy_t *p, long long attachments)
{
    char arn[256];
    snprintf(arn, sizeof arn, "%s%s%s", IAM_AWS_POLICY_PREFIX, p->path, p->name);
    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:b,s:s,s:s,s:s,s:[{s:s,s:s,s:s}]}", "PolicyName", p->name,
                     "PolicyId", p->id, "Arn", arn, "Path", p->path, "DefaultVersionId", p->version,
                     "AttachmentCount", (json_int_t)attachments, "IsAttachable", 1, "Description", p->description,
                     "CreateDate", p->created, "UpdateDate", p->updated, "Versions", "VersionId", p->version,
                     "Document", p->document, "CreateDate", p->updated);
}
