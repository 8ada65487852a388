/* iam_aws_data.c — the AWS managed policies nimbus knows (arn:aws:iam::aws:policy/...),
 * as data: name, path, default version, dates and document, written after AWS's
 * published managed-policy reference.
 *
 * Documents are AWS's for every policy but ReadOnlyAccess, whose real
 * document lists thousands of read actions across every AWS service: here it
 * holds the read actions of the services nimbus serves or plans (API Gateway,
 * CloudFormation, CloudWatch, DynamoDB, EventBridge, IAM, KMS, Lambda, Logs,
 * S3, SNS, SQS, Step Functions, STS, X-Ray). AWS stores them pretty-printed;
 * here only AdministratorAccess's text is AWS's to the character — the others
 * are on one line, so the policy simulator's positions of their statements
 * (MatchedStatements) differ from AWS's. PolicyIds other than
 * AdministratorAccess's are nimbus's own (stable, "ANPA" + 17 characters). */
#include "iam/aws_policies.h"

const iam_aws_policy_t iam_aws_policies[] = {
    {"AdministratorAccess", "/", "ANPAIWMBCKSKIEE64ZLYK", "v1", "2015-02-06T18:39:46Z", "2015-02-06T18:39:46Z",
     "Provides full access to AWS services and resources.",
        "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n"
        "      \"Action\": \"*\",\n      \"Resource\": \"*\"\n    }\n  ]\n}"},
    {"PowerUserAccess", "/", "ANPAMPKTT3I25TSXYAHQK", "v12", "2015-02-06T18:39:47Z", "2026-02-12T17:59:00Z",
     "Provides full access to AWS services and resources, but does not allow management of Users and groups.",
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"NotAction\":[\"iam:*\",\"organizations:*\",\"accou"
        "nt:*\"],\"Resource\":\"*\"},{\"Effect\":\"Allow\",\"Action\":[\"account:GetAccountInformation\",\"account:GetGovCl"
        "oudAccountInformation\",\"account:GetPrimaryEmail\",\"account:ListRegions\",\"iam:CreateServiceLinkedRole\""
        ",\"iam:DeleteServiceLinkedRole\",\"iam:ListRoles\",\"organizations:DescribeEffectivePolicy\",\"organization"
        "s:DescribeOrganization\"],\"Resource\":\"*\"}]}"},
    {"ReadOnlyAccess", "/", "ANPAGN32QYHKR2NUG7OLK", "v1", "2015-02-06T18:39:48Z", "2015-02-06T18:39:48Z",
     "Provides read-only access to AWS services and resources.",
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"ReadOnlyActions\",\"Effect\":\"Allow\",\"Action\":[\"apigateway"
        ":GET\",\"application-autoscaling:Describe*\",\"cloudformation:Describe*\",\"cloudformation:Get*\",\"cloudfor"
        "mation:List*\",\"cloudwatch:Describe*\",\"cloudwatch:Get*\",\"cloudwatch:List*\",\"dynamodb:BatchGet*\",\"dyna"
        "modb:Describe*\",\"dynamodb:Get*\",\"dynamodb:List*\",\"dynamodb:Query\",\"dynamodb:Scan\",\"dynamodb:PartiQLS"
        "elect\",\"events:Describe*\",\"events:List*\",\"events:Test*\",\"execute-api:Get*\",\"iam:Generate*\",\"iam:Get*"
        "\",\"iam:List*\",\"iam:Simulate*\",\"kms:Describe*\",\"kms:Get*\",\"kms:List*\",\"lambda:Get*\",\"lambda:List*\",\"l"
        "ogs:Describe*\",\"logs:FilterLogEvents\",\"logs:Get*\",\"logs:List*\",\"logs:StartQuery\",\"logs:StopQuery\",\"l"
        "ogs:TestMetricFilter\",\"s3:Get*\",\"s3:List*\",\"sns:Check*\",\"sns:Get*\",\"sns:List*\",\"sqs:Get*\",\"sqs:List*"
        "\",\"sqs:Receive*\",\"states:Describe*\",\"states:Get*\",\"states:List*\",\"sts:GetAccessKeyInfo\",\"sts:GetCall"
        "erIdentity\",\"sts:GetSessionToken\",\"tag:Get*\",\"xray:BatchGet*\",\"xray:Get*\"],\"Resource\":\"*\"}]}"},
    {"IAMFullAccess", "/", "ANPALUANCFPKAMDOGO25F", "v2", "2015-02-06T18:40:38Z", "2019-06-21T19:40:00Z",
     "Provides full access to IAM via the AWS Management Console.",
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"iam:*\",\"organizations:DescribeAcco"
        "unt\",\"organizations:DescribeOrganization\",\"organizations:DescribeOrganizationalUnit\",\"organizations:"
        "DescribePolicy\",\"organizations:ListChildren\",\"organizations:ListParents\",\"organizations:ListPolicies"
        "ForTarget\",\"organizations:ListRoots\",\"organizations:ListPolicies\",\"organizations:ListTargetsForPolic"
        "y\"],\"Resource\":\"*\"}]}"},
    {"AmazonDynamoDBFullAccess", "/", "ANPA2MV44CAEVEIK62W7N", "v15", "2015-02-06T18:40:11Z", "2021-01-29T17:38:00Z",
     "Provides full access to Amazon DynamoDB via the AWS Management Console.",
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"dynamodb:*\",\"dax:*\",\"application-a"
        "utoscaling:DeleteScalingPolicy\",\"application-autoscaling:DeregisterScalableTarget\",\"application-auto"
        "scaling:DescribeScalableTargets\",\"application-autoscaling:DescribeScalingActivities\",\"application-au"
        "toscaling:DescribeScalingPolicies\",\"application-autoscaling:PutScalingPolicy\",\"application-autoscali"
        "ng:RegisterScalableTarget\",\"cloudwatch:DeleteAlarms\",\"cloudwatch:DescribeAlarmHistory\",\"cloudwatch:D"
        "escribeAlarms\",\"cloudwatch:DescribeAlarmsForMetric\",\"cloudwatch:GetMetricStatistics\",\"cloudwatch:Lis"
        "tMetrics\",\"cloudwatch:PutMetricAlarm\",\"cloudwatch:GetMetricData\",\"datapipeline:ActivatePipeline\",\"da"
        "tapipeline:CreatePipeline\",\"datapipeline:DeletePipeline\",\"datapipeline:DescribeObjects\",\"datapipelin"
        "e:DescribePipelines\",\"datapipeline:GetPipelineDefinition\",\"datapipeline:ListPipelines\",\"datapipeline"
        ":PutPipelineDefinition\",\"datapipeline:QueryObjects\",\"ec2:DescribeVpcs\",\"ec2:DescribeSubnets\",\"ec2:De"
        "scribeSecurityGroups\",\"iam:GetRole\",\"iam:ListRoles\",\"kms:DescribeKey\",\"kms:ListAliases\",\"sns:CreateT"
        "opic\",\"sns:DeleteTopic\",\"sns:ListSubscriptions\",\"sns:ListSubscriptionsByTopic\",\"sns:ListTopics\",\"sns"
        ":Subscribe\",\"sns:Unsubscribe\",\"sns:SetTopicAttributes\",\"lambda:CreateFunction\",\"lambda:ListFunctions"
        "\",\"lambda:ListEventSourceMappings\",\"lambda:CreateEventSourceMapping\",\"lambda:DeleteEventSourceMappin"
        "g\",\"lambda:GetFunctionConfiguration\",\"lambda:DeleteFunction\",\"resource-groups:ListGroups\",\"resource-"
        "groups:ListGroupResources\",\"resource-groups:GetGroup\",\"resource-groups:GetGroupQuery\",\"resource-grou"
        "ps:DeleteGroup\",\"resource-groups:CreateGroup\",\"tag:GetResources\",\"kinesis:ListStreams\",\"kinesis:Desc"
        "ribeStream\",\"kinesis:DescribeStreamSummary\"],\"Resource\":\"*\"},{\"Effect\":\"Allow\",\"Action\":\"cloudwatch:"
        "GetInsightRuleReport\",\"Resource\":\"arn:aws:cloudwatch:*:*:insight-rule/DynamoDBContributorInsights*\"}"
        ",{\"Effect\":\"Allow\",\"Action\":[\"iam:PassRole\"],\"Resource\":\"*\",\"Condition\":{\"StringLike\":{\"iam:PassedTo"
        "Service\":[\"application-autoscaling.amazonaws.com\",\"application-autoscaling.amazonaws.com.cn\",\"dax.am"
        "azonaws.com\"]}}},{\"Effect\":\"Allow\",\"Action\":[\"iam:CreateServiceLinkedRole\"],\"Resource\":\"*\",\"Conditio"
        "n\":{\"StringEquals\":{\"iam:AWSServiceName\":[\"replication.dynamodb.amazonaws.com\",\"dax.amazonaws.com\",\""
        "dynamodb.application-autoscaling.amazonaws.com\",\"contributorinsights.dynamodb.amazonaws.com\",\"kinesi"
        "sreplication.dynamodb.amazonaws.com\"]}}}]}"},
    {"AmazonDynamoDBReadOnlyAccess", "/", "ANPA3OIML2XC5R7Z6ENWV", "v15", "2015-02-06T18:40:12Z", "2024-11-18T17:38:00Z",
     "Provides read-only access to Amazon DynamoDB via the AWS Management Console.",
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"GeneralReadOnlyAccess\",\"Effect\":\"Allow\",\"Action\":[\"appl"
        "ication-autoscaling:DescribeScalableTargets\",\"application-autoscaling:DescribeScalingActivities\",\"ap"
        "plication-autoscaling:DescribeScalingPolicies\",\"cloudwatch:DescribeAlarmHistory\",\"cloudwatch:Describ"
        "eAlarms\",\"cloudwatch:DescribeAlarmsForMetric\",\"cloudwatch:GetMetricStatistics\",\"cloudwatch:ListMetri"
        "cs\",\"cloudwatch:GetMetricData\",\"datapipeline:DescribeObjects\",\"datapipeline:DescribePipelines\",\"data"
        "pipeline:GetPipelineDefinition\",\"datapipeline:ListPipelines\",\"datapipeline:QueryObjects\",\"dynamodb:B"
        "atchGetItem\",\"dynamodb:Describe*\",\"dynamodb:List*\",\"dynamodb:GetAbacStatus\",\"dynamodb:GetItem\",\"dyna"
        "modb:GetResourcePolicy\",\"dynamodb:Query\",\"dynamodb:Scan\",\"dynamodb:PartiQLSelect\",\"dax:Describe*\",\"d"
        "ax:List*\",\"dax:GetItem\",\"dax:BatchGetItem\",\"dax:Query\",\"dax:Scan\",\"ec2:DescribeVpcs\",\"ec2:DescribeSu"
        "bnets\",\"ec2:DescribeSecurityGroups\",\"iam:GetRole\",\"iam:ListRoles\",\"kms:DescribeKey\",\"kms:ListAliases"
        "\",\"sns:ListSubscriptionsByTopic\",\"sns:ListTopics\",\"lambda:ListFunctions\",\"lambda:ListEventSourceMapp"
        "ings\",\"lambda:GetFunctionConfiguration\",\"resource-groups:ListGroups\",\"resource-groups:ListGroupResou"
        "rces\",\"resource-groups:GetGroup\",\"resource-groups:GetGroupQuery\",\"tag:GetResources\",\"kinesis:ListStr"
        "eams\",\"kinesis:DescribeStream\",\"kinesis:DescribeStreamSummary\"],\"Resource\":\"*\"},{\"Effect\":\"Allow\",\"A"
        "ction\":\"cloudwatch:GetInsightRuleReport\",\"Resource\":\"arn:aws:cloudwatch:*:*:insight-rule/DynamoDBCon"
        "tributorInsights*\"}]}"},
    {"AWSLambda_FullAccess", "/", "ANPAV7FGJX3PBWBBIVPFH", "v2", "2020-11-17T21:14:00Z", "2025-03-17T21:37:00Z",
     "Grants full access to AWS Lambda service, AWS Lambda console features, and other related AWS services.",
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"cloudformation:DescribeStacks\",\"cl"
        "oudformation:ListStackResources\",\"cloudwatch:ListMetrics\",\"cloudwatch:GetMetricData\",\"ec2:DescribeSe"
        "curityGroups\",\"ec2:DescribeSubnets\",\"ec2:DescribeVpcs\",\"kms:ListAliases\",\"iam:GetPolicy\",\"iam:GetPol"
        "icyVersion\",\"iam:GetRole\",\"iam:GetRolePolicy\",\"iam:ListAttachedRolePolicies\",\"iam:ListRolePolicies\","
        "\"iam:ListRoles\",\"lambda:*\",\"logs:DescribeLogGroups\",\"states:DescribeStateMachine\",\"states:ListStateM"
        "achines\",\"tag:GetResources\",\"xray:GetTraceSummaries\",\"xray:BatchGetTraces\"],\"Resource\":\"*\"},{\"Effect"
        "\":\"Allow\",\"Action\":\"iam:PassRole\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"iam:PassedToService\":"
        "\"lambda.amazonaws.com\"}}},{\"Effect\":\"Allow\",\"Action\":[\"logs:DescribeLogStreams\",\"logs:GetLogEvents\","
        "\"logs:FilterLogEvents\",\"logs:StartLiveTail\",\"logs:StopLiveTail\"],\"Resource\":\"arn:aws:logs:*:*:log-gr"
        "oup:/aws/lambda/*\"}]}"},
    {"AWSLambda_ReadOnlyAccess", "/", "ANPAUISL3JAMGX7NVGVEH", "v3", "2020-11-17T21:10:00Z", "2025-03-17T21:07:00Z",
     "Grants read-only access to AWS Lambda service, AWS Lambda console features, and other related AWS services.",
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"cloudformation:DescribeStacks\",\"cl"
        "oudformation:ListStacks\",\"cloudformation:ListStackResources\",\"cloudwatch:GetMetricData\",\"cloudwatch:"
        "ListMetrics\",\"ec2:DescribeSecurityGroups\",\"ec2:DescribeSubnets\",\"ec2:DescribeVpcs\",\"kms:ListAliases\""
        ",\"iam:GetPolicy\",\"iam:GetPolicyVersion\",\"iam:GetRole\",\"iam:GetRolePolicy\",\"iam:ListAttachedRolePolic"
        "ies\",\"iam:ListRolePolicies\",\"iam:ListRoles\",\"logs:DescribeLogGroups\",\"lambda:Get*\",\"lambda:List*\",\"s"
        "tates:DescribeStateMachine\",\"states:ListStateMachines\",\"tag:GetResources\",\"xray:GetTraceSummaries\",\""
        "xray:BatchGetTraces\"],\"Resource\":\"*\"},{\"Effect\":\"Allow\",\"Action\":[\"logs:DescribeLogStreams\",\"logs:Ge"
        "tLogEvents\",\"logs:FilterLogEvents\",\"logs:StartQuery\",\"logs:StopQuery\",\"logs:DescribeQueries\",\"logs:G"
        "etLogGroupFields\",\"logs:GetLogRecord\",\"logs:GetQueryResults\",\"logs:StartLiveTail\",\"logs:StopLiveTail"
        "\"],\"Resource\":\"arn:aws:logs:*:*:log-group:/aws/lambda/*\"}]}"},
    {"AWSLambdaBasicExecutionRole", "/service-role/", "ANPAI5XF2PW7DA3PLJ5MV", "v1", "2015-04-09T15:03:43Z", "2015-04-09T15:03:43Z",
     "Provides write permissions to CloudWatch Logs.",
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"logs:CreateLogGroup\",\"logs:CreateL"
        "ogStream\",\"logs:PutLogEvents\"],\"Resource\":\"*\"}]}"},
    {"AWSLambdaDynamoDBExecutionRole", "/service-role/", "ANPAFVE7CXV7PZCOMFZKY", "v1", "2015-04-09T15:09:29Z", "2015-04-09T15:09:29Z",
     "Provides list and read access to DynamoDB streams and write permissions to CloudWatch logs.",
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"dynamodb:DescribeStream\",\"dynamodb"
        ":GetRecords\",\"dynamodb:GetShardIterator\",\"dynamodb:ListStreams\",\"logs:CreateLogGroup\",\"logs:CreateLo"
        "gStream\",\"logs:PutLogEvents\"],\"Resource\":\"*\"}]}"},
    {"AWSLambdaRole", "/service-role/", "ANPAKXMXTJMS3H4WJ4KKE", "v1", "2015-02-06T18:41:28Z", "2015-02-06T18:41:28Z",
     "Default policy for AWS Lambda service role.",
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"lambda:InvokeFunction\"],\"Resource\""
        ":[\"*\"]}]}"},
    {"AmazonAPIGatewayInvokeFullAccess", "/", "ANPADMCIXV5NIIO7BFMR5", "v2", "2015-07-09T18:34:00Z", "2018-12-18T18:25:00Z",
     "Provides full access to invoke APIs in Amazon API Gateway.",
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"execute-api:Invoke\",\"execute-api:M"
        "anageConnections\"],\"Resource\":\"arn:aws:execute-api:*:*:*\"}]}"},
    {"AmazonAPIGatewayAdministrator", "/", "ANPA3OH2BX2FJCHEVRO62", "v1", "2015-07-09T18:34:35Z", "2015-07-09T18:34:35Z",
     "Provides full access to create/edit/delete APIs in Amazon API Gateway via the AWS Management Console.",
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"apigateway:*\"],\"Resource\":\"arn:aws"
        ":apigateway:*::/*\"}]}"},
    {"AWSKeyManagementServicePowerUser", "/", "ANPAEYOFUQKJYJAPGQFWC", "v2", "2015-02-06T18:40:40Z", "2017-03-07T00:55:00Z",
     "Provides access to AWS Key Management Service (KMS).",
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"kms:CreateAlias\",\"kms:CreateKey\",\""
        "kms:DeleteAlias\",\"kms:Describe*\",\"kms:GenerateRandom\",\"kms:Get*\",\"kms:List*\",\"kms:TagResource\",\"kms:"
        "UntagResource\",\"iam:ListGroups\",\"iam:ListRoles\",\"iam:ListUsers\"],\"Resource\":\"*\"}]}"},
    {"CloudWatchLogsFullAccess", "/", "ANPATFAMVOHH76UJHHA2G", "v3", "2015-02-06T18:40:02Z", "2023-11-27T15:11:00Z",
     "Provides full access to CloudWatch Logs",
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"CloudWatchLogsFullAccess\",\"Effect\":\"Allow\",\"Action\":[\"l"
        "ogs:*\",\"cloudwatch:GenerateQuery\"],\"Resource\":\"*\"}]}"},
};

const size_t iam_aws_policy_count = sizeof iam_aws_policies / sizeof iam_aws_policies[0];
