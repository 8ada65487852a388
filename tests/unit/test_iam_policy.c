/* test_iam_policy.c — IAM policy evaluation as a table of cases (identity,
 * resource, boundary and session policies; every condition operator family;
 * wildcards; variables; same- and cross-account and service principals),
 * then the parser's MalformedPolicyDocument messages and the AccessDenied
 * wording. */
#include "test.h"
#include "iam/policy.h"

#define ACCT "000000000000"
#define XACCT "111111111111"
#define T_USERS "arn:aws:dynamodb:us-east-1:" ACCT ":table/Users"
#define T_POSTS "arn:aws:dynamodb:us-east-1:" ACCT ":table/Posts"
#define FN "arn:aws:lambda:us-east-1:" ACCT ":function:users-api"

/* policy text builders */
#define POL(...) "{\"Version\":\"2012-10-17\",\"Statement\":[" __VA_ARGS__ "]}"
#define POL08(...) "{\"Version\":\"2008-10-17\",\"Statement\":[" __VA_ARGS__ "]}"
#define ST(eff, act, res) "{\"Effect\":\"" eff "\",\"Action\":" act ",\"Resource\":" res "}"
#define STC(eff, act, res, cond) \
    "{\"Effect\":\"" eff "\",\"Action\":" act ",\"Resource\":" res ",\"Condition\":" cond "}"
#define STP(eff, pr, act, res) \
    "{\"Effect\":\"" eff "\",\"Principal\":" pr ",\"Action\":" act ",\"Resource\":" res "}"
#define STPC(eff, pr, act, res, cond) \
    "{\"Effect\":\"" eff "\",\"Principal\":" pr ",\"Action\":" act ",\"Resource\":" res ",\"Condition\":" cond "}"
#define Q(s) "\"" s "\""
#define ALLOW_GET POL(ST("Allow", Q("dynamodb:GetItem"), Q(T_USERS)))
#define ALLOW_ALL POL(ST("Allow", Q("*"), Q("*")))
/* allow GetItem on Users when cond holds */
#define IFC(cond) POL(STC("Allow", Q("dynamodb:GetItem"), Q(T_USERS), cond))

typedef struct ecase {
    const char *name;
    const char *identity[3];
    const char *resource;
    const char *boundary;
    const char *session;
    const char *who;       /* "user:alice", "xuser:carol", "role:R/sess", "service:x", "anon", "root" */
    const char *action;    /* default dynamodb:GetItem */
    const char *res;       /* default T_USERS */
    const char *res_acct;  /* default same account */
    const char *keys;      /* "k=v1|v2;k2=v" ("k=[]" for an empty set) */
    iam_decision_t want;
    iam_policy_type_t by;  /* checked for denials */
} ecase_t;

#define A IAM_ALLOW
#define ID IAM_IMPLICIT_DENY
#define ED IAM_EXPLICIT_DENY
#define BY_ID IAM_TYPE_IDENTITY
#define BY_RES IAM_TYPE_RESOURCE
#define BY_B IAM_TYPE_BOUNDARY
#define BY_S IAM_TYPE_SESSION

static const ecase_t CASES[] = {
    /* --- basics -------------------------------------------------------- */
    {"allow exact", {ALLOW_GET}, .want = A},
    {"no policy: default deny", {NULL}, .want = ID, .by = BY_ID},
    {"other action not allowed", {ALLOW_GET}, .action = "dynamodb:PutItem", .want = ID, .by = BY_ID},
    {"other resource not allowed", {ALLOW_GET}, .res = T_POSTS, .want = ID, .by = BY_ID},
    {"explicit deny beats allow", {POL(ST("Allow", Q("*"), Q("*")) "," ST("Deny", Q("dynamodb:GetItem"), Q(T_USERS)))}, .want = ED, .by = BY_ID},
    {"deny only", {POL(ST("Deny", Q("dynamodb:*"), Q("*")))}, .want = ED, .by = BY_ID},
    {"deny in another policy", {ALLOW_ALL, POL(ST("Deny", Q("dynamodb:GetItem"), Q("*")))}, .want = ED, .by = BY_ID},
    {"unrelated deny does not block", {ALLOW_ALL, POL(ST("Deny", Q("dynamodb:DeleteTable"), Q("*")))}, .want = A},
    {"action service wildcard", {POL(ST("Allow", Q("dynamodb:*"), Q(T_USERS)))}, .want = A},
    {"action prefix wildcard", {POL(ST("Allow", Q("dynamodb:Get*"), Q(T_USERS)))}, .want = A},
    {"action prefix wildcard no match", {POL(ST("Allow", Q("dynamodb:Get*"), Q(T_USERS)))}, .action = "dynamodb:PutItem", .want = ID},
    {"action case-insensitive", {POL(ST("Allow", Q("DynamoDB:getitem"), Q(T_USERS)))}, .want = A},
    {"action single-char wildcard", {POL(ST("Allow", Q("dynamodb:GetIte?"), Q(T_USERS)))}, .want = A},
    {"action ? needs exactly one char", {POL(ST("Allow", Q("dynamodb:GetItem?"), Q(T_USERS)))}, .want = ID},
    {"star star", {ALLOW_ALL}, .want = A},
    {"resource wildcard", {POL(ST("Allow", Q("dynamodb:GetItem"), Q("arn:aws:dynamodb:us-east-1:" ACCT ":table/*")))}, .want = A},
    {"resource case-sensitive", {POL(ST("Allow", Q("dynamodb:GetItem"), Q("arn:aws:dynamodb:us-east-1:" ACCT ":table/users")))}, .want = ID},
    {"resource single-char wildcard", {POL(ST("Allow", Q("dynamodb:GetItem"), Q("arn:aws:dynamodb:us-east-1:" ACCT ":table/User?")))}, .want = A},
    {"resource region/account wildcards", {POL(ST("Allow", Q("dynamodb:GetItem"), Q("arn:aws:dynamodb:*:*:table/Users")))}, .want = A},
    {"resource index wildcard does not cover table", {POL(ST("Allow", Q("dynamodb:GetItem"), Q(T_USERS "/index/*")))}, .want = ID},
    {"action list", {POL(ST("Allow", "[\"dynamodb:PutItem\",\"dynamodb:GetItem\"]", Q(T_USERS)))}, .want = A},
    {"resource list", {POL(ST("Allow", Q("dynamodb:GetItem"), "[\"" T_POSTS "\",\"" T_USERS "\"]"))}, .want = A},
    {"statement as object", {"{\"Version\":\"2012-10-17\",\"Statement\":" ST("Allow", Q("dynamodb:GetItem"), Q(T_USERS)) "}"}, .want = A},
    {"request resource * needs policy *", {POL(ST("Allow", Q("dynamodb:ListTables"), Q("arn:aws:dynamodb:*:*:table/*")))}, .action = "dynamodb:ListTables", .res = "*", .want = ID},
    {"request resource * with policy *", {POL(ST("Allow", Q("dynamodb:ListTables"), Q("*")))}, .action = "dynamodb:ListTables", .res = "*", .want = A},
    /* --- NotAction / NotResource ----------------------------------------- */
    {"NotAction allows others", {POL("{\"Effect\":\"Allow\",\"NotAction\":\"iam:*\",\"Resource\":\"*\"}")}, .want = A},
    {"NotAction excludes listed", {POL("{\"Effect\":\"Allow\",\"NotAction\":\"dynamodb:*\",\"Resource\":\"*\"}")}, .want = ID},
    {"Deny NotAction blocks the rest", {ALLOW_ALL, POL("{\"Effect\":\"Deny\",\"NotAction\":\"dynamodb:GetItem\",\"Resource\":\"*\"}")}, .action = "dynamodb:PutItem", .want = ED},
    {"Deny NotAction spares the listed", {ALLOW_ALL, POL("{\"Effect\":\"Deny\",\"NotAction\":[\"dynamodb:GetItem\",\"dynamodb:Query\"],\"Resource\":\"*\"}")}, .want = A},
    {"NotResource allows others", {POL("{\"Effect\":\"Allow\",\"Action\":\"dynamodb:GetItem\",\"NotResource\":\"" T_POSTS "\"}")}, .want = A},
    {"NotResource excludes listed", {POL("{\"Effect\":\"Allow\",\"Action\":\"dynamodb:GetItem\",\"NotResource\":\"" T_POSTS "\"}")}, .res = T_POSTS, .want = ID},
    {"Deny NotResource", {ALLOW_ALL, POL("{\"Effect\":\"Deny\",\"Action\":\"dynamodb:*\",\"NotResource\":\"" T_USERS "\"}")}, .res = T_POSTS, .want = ED},
    {"NotAction with NotResource", {POL("{\"Effect\":\"Allow\",\"NotAction\":\"iam:*\",\"NotResource\":\"" T_POSTS "\"}")}, .want = A},
    /* --- policy variables ------------------------------------------------- */
    {"variable username", {POL(ST("Allow", Q("dynamodb:GetItem"), Q("arn:aws:dynamodb:us-east-1:" ACCT ":table/${aws:username}")))}, .res = "arn:aws:dynamodb:us-east-1:" ACCT ":table/alice", .want = A},
    {"variable other user's table", {POL(ST("Allow", Q("dynamodb:GetItem"), Q("arn:aws:dynamodb:us-east-1:" ACCT ":table/${aws:username}")))}, .res = "arn:aws:dynamodb:us-east-1:" ACCT ":table/bob", .want = ID},
    {"2008 version takes variables literally", {POL08(ST("Allow", Q("dynamodb:GetItem"), Q("arn:aws:dynamodb:us-east-1:" ACCT ":table/${aws:username}")))}, .res = "arn:aws:dynamodb:us-east-1:" ACCT ":table/alice", .want = ID},
    {"2008 version literal match", {POL08(ST("Allow", Q("dynamodb:GetItem"), Q("arn:aws:dynamodb:us-east-1:" ACCT ":table/${aws:username}")))}, .res = "arn:aws:dynamodb:us-east-1:" ACCT ":table/${aws:username}", .want = A},
    {"variable value is literal, not a wildcard", {POL(ST("Allow", Q("s3:GetObject"), Q("arn:aws:s3:::b/${aws:username}")))}, .action = "s3:GetObject", .res = "arn:aws:s3:::b/abc", .keys = "aws:username=a*", .want = ID},
    {"escaped star matches a star", {POL(ST("Allow", Q("s3:GetObject"), Q("arn:aws:s3:::b/star${*}")))}, .action = "s3:GetObject", .res = "arn:aws:s3:::b/star*", .want = A},
    {"escaped star is not a wildcard", {POL(ST("Allow", Q("s3:GetObject"), Q("arn:aws:s3:::b/star${*}")))}, .action = "s3:GetObject", .res = "arn:aws:s3:::b/starX", .want = ID},
    {"variable default value", {POL(ST("Allow", Q("s3:GetObject"), Q("arn:aws:s3:::b/${aws:username, 'nobody'}/*")))}, .who = "role:App/s1", .action = "s3:GetObject", .res = "arn:aws:s3:::b/nobody/x", .want = A},
    {"unresolvable variable never matches", {POL(ST("Allow", Q("s3:GetObject"), Q("arn:aws:s3:::b/${aws:username}/*")))}, .who = "role:App/s1", .action = "s3:GetObject", .res = "arn:aws:s3:::b//x", .want = ID},
    {"variable in StringEquals", {POL(STC("Allow", Q("s3:ListBucket"), Q("arn:aws:s3:::b"), "{\"StringEquals\":{\"s3:prefix\":\"home/${aws:username}/\"}}"))}, .action = "s3:ListBucket", .res = "arn:aws:s3:::b", .keys = "s3:prefix=home/alice/", .want = A},
    {"variable in StringLike", {POL(STC("Allow", Q("s3:ListBucket"), Q("arn:aws:s3:::b"), "{\"StringLike\":{\"s3:prefix\":\"home/${aws:username}/*\"}}"))}, .action = "s3:ListBucket", .res = "arn:aws:s3:::b", .keys = "s3:prefix=home/alice/docs", .want = A},
    {"variable in StringLike other home", {POL(STC("Allow", Q("s3:ListBucket"), Q("arn:aws:s3:::b"), "{\"StringLike\":{\"s3:prefix\":\"home/${aws:username}/*\"}}"))}, .action = "s3:ListBucket", .res = "arn:aws:s3:::b", .keys = "s3:prefix=home/bob/docs", .want = ID},
    /* --- String operators ------------------------------------------------- */
    {"StringEquals match", {IFC("{\"StringEquals\":{\"aws:RequestTag/Env\":\"prod\"}}")}, .keys = "aws:RequestTag/Env=prod", .want = A},
    {"StringEquals mismatch", {IFC("{\"StringEquals\":{\"aws:RequestTag/Env\":\"prod\"}}")}, .keys = "aws:RequestTag/Env=dev", .want = ID},
    {"StringEquals missing key", {IFC("{\"StringEquals\":{\"aws:RequestTag/Env\":\"prod\"}}")}, .want = ID},
    {"StringEquals values are ORed", {IFC("{\"StringEquals\":{\"aws:RequestTag/Env\":[\"dev\",\"prod\"]}}")}, .keys = "aws:RequestTag/Env=prod", .want = A},
    {"StringNotEquals differs", {IFC("{\"StringNotEquals\":{\"aws:RequestTag/Env\":\"prod\"}}")}, .keys = "aws:RequestTag/Env=dev", .want = A},
    {"StringNotEquals equal", {IFC("{\"StringNotEquals\":{\"aws:RequestTag/Env\":\"prod\"}}")}, .keys = "aws:RequestTag/Env=prod", .want = ID},
    {"StringNotEquals missing key holds", {IFC("{\"StringNotEquals\":{\"aws:RequestTag/Env\":\"prod\"}}")}, .want = A},
    {"StringEqualsIgnoreCase", {IFC("{\"StringEqualsIgnoreCase\":{\"aws:RequestTag/Env\":\"PROD\"}}")}, .keys = "aws:RequestTag/Env=prod", .want = A},
    {"StringEquals is case-sensitive", {IFC("{\"StringEquals\":{\"aws:RequestTag/Env\":\"PROD\"}}")}, .keys = "aws:RequestTag/Env=prod", .want = ID},
    {"StringNotEqualsIgnoreCase", {IFC("{\"StringNotEqualsIgnoreCase\":{\"aws:RequestTag/Env\":\"PROD\"}}")}, .keys = "aws:RequestTag/Env=prod", .want = ID},
    {"StringLike star", {IFC("{\"StringLike\":{\"s3:prefix\":\"home/*\"}}")}, .keys = "s3:prefix=home/alice", .want = A},
    {"StringLike question mark", {IFC("{\"StringLike\":{\"s3:prefix\":\"v?\"}}")}, .keys = "s3:prefix=v2", .want = A},
    {"StringLike is case-sensitive", {IFC("{\"StringLike\":{\"s3:prefix\":\"Home/*\"}}")}, .keys = "s3:prefix=home/alice", .want = ID},
    {"StringNotLike matching value", {IFC("{\"StringNotLike\":{\"s3:prefix\":\"home/*\"}}")}, .keys = "s3:prefix=home/x", .want = ID},
    {"StringNotLike other value", {IFC("{\"StringNotLike\":{\"s3:prefix\":\"home/*\"}}")}, .keys = "s3:prefix=tmp/x", .want = A},
    {"keys in a block are ANDed", {IFC("{\"StringEquals\":{\"aws:RequestTag/Env\":\"prod\",\"aws:RequestTag/Team\":\"web\"}}")}, .keys = "aws:RequestTag/Env=prod;aws:RequestTag/Team=db", .want = ID},
    {"operators are ANDed", {IFC("{\"StringEquals\":{\"aws:RequestTag/Env\":\"prod\"},\"Bool\":{\"aws:SecureTransport\":\"true\"}}")}, .keys = "aws:RequestTag/Env=prod;aws:SecureTransport=true", .want = A},
    {"condition key names are case-insensitive", {IFC("{\"StringEquals\":{\"aws:resourcetag/env\":\"prod\"}}")}, .keys = "AWS:ResourceTag/Env=prod", .want = A},
    /* --- Numeric ---------------------------------------------------------- */
    {"NumericLessThan true", {IFC("{\"NumericLessThan\":{\"s3:max-keys\":\"10\"}}")}, .keys = "s3:max-keys=5", .want = A},
    {"NumericLessThan equal is false", {IFC("{\"NumericLessThan\":{\"s3:max-keys\":\"10\"}}")}, .keys = "s3:max-keys=10", .want = ID},
    {"NumericLessThanEquals", {IFC("{\"NumericLessThanEquals\":{\"s3:max-keys\":\"10\"}}")}, .keys = "s3:max-keys=10", .want = A},
    {"NumericGreaterThan", {IFC("{\"NumericGreaterThan\":{\"s3:max-keys\":\"10\"}}")}, .keys = "s3:max-keys=11", .want = A},
    {"NumericGreaterThanEquals false", {IFC("{\"NumericGreaterThanEquals\":{\"s3:max-keys\":\"10\"}}")}, .keys = "s3:max-keys=9", .want = ID},
    {"NumericEquals float", {IFC("{\"NumericEquals\":{\"dynamodb:ReturnConsumedCapacity\":\"1.5\"}}")}, .keys = "dynamodb:ReturnConsumedCapacity=1.50", .want = A},
    {"NumericNotEquals", {IFC("{\"NumericNotEquals\":{\"s3:max-keys\":\"10\"}}")}, .keys = "s3:max-keys=3", .want = A},
    {"Numeric non-number request value", {IFC("{\"NumericLessThan\":{\"s3:max-keys\":\"10\"}}")}, .keys = "s3:max-keys=ten", .want = ID},
    {"Numeric JSON number in policy", {IFC("{\"NumericLessThan\":{\"s3:max-keys\":10}}")}, .keys = "s3:max-keys=2", .want = A},
    /* --- Date ------------------------------------------------------------- */
    {"DateLessThan", {IFC("{\"DateLessThan\":{\"aws:CurrentTime\":\"2030-01-01T00:00:00Z\"}}")}, .keys = "aws:CurrentTime=2026-11-28T01:00:00Z", .want = A},
    {"DateGreaterThan false", {IFC("{\"DateGreaterThan\":{\"aws:CurrentTime\":\"2030-01-01T00:00:00Z\"}}")}, .keys = "aws:CurrentTime=2026-11-28T01:00:00Z", .want = ID},
    {"DateEquals epoch vs ISO", {IFC("{\"DateEquals\":{\"aws:EpochTime\":\"2023-11-14T22:13:20Z\"}}")}, .keys = "aws:EpochTime=1700000000", .want = A},
    {"DateGreaterThanEquals date only", {IFC("{\"DateGreaterThanEquals\":{\"aws:CurrentTime\":\"2026-11-28\"}}")}, .keys = "aws:CurrentTime=2026-11-28T00:00:00Z", .want = A},
    {"DateNotEquals", {IFC("{\"DateNotEquals\":{\"aws:CurrentTime\":\"2026-11-28T00:00:00Z\"}}")}, .keys = "aws:CurrentTime=2026-11-28T00:00:01Z", .want = A},
    {"DateLessThanEquals with offset", {IFC("{\"DateLessThanEquals\":{\"aws:CurrentTime\":\"2026-11-28T01:00:00+01:00\"}}")}, .keys = "aws:CurrentTime=2026-11-28T00:00:00Z", .want = A},
    {"Date with milliseconds", {IFC("{\"DateGreaterThan\":{\"aws:CurrentTime\":\"2026-11-28T00:00:00.500Z\"}}")}, .keys = "aws:CurrentTime=2026-11-28T00:00:00.750Z", .want = A},
    {"Date unparsable value never matches", {IFC("{\"DateLessThan\":{\"aws:CurrentTime\":\"soon\"}}")}, .keys = "aws:CurrentTime=2026-11-28T00:00:00Z", .want = ID},
    /* --- Bool / Binary ------------------------------------------------------ */
    {"Bool true", {IFC("{\"Bool\":{\"aws:SecureTransport\":\"true\"}}")}, .keys = "aws:SecureTransport=true", .want = A},
    {"Bool deny plain HTTP", {ALLOW_ALL, POL(STC("Deny", Q("*"), Q("*"), "{\"Bool\":{\"aws:SecureTransport\":\"false\"}}"))}, .keys = "aws:SecureTransport=false", .want = ED},
    {"Bool deny spares TLS", {ALLOW_ALL, POL(STC("Deny", Q("*"), Q("*"), "{\"Bool\":{\"aws:SecureTransport\":\"false\"}}"))}, .keys = "aws:SecureTransport=true", .want = A},
    {"Bool JSON boolean", {IFC("{\"Bool\":{\"aws:MultiFactorAuthPresent\":true}}")}, .keys = "aws:MultiFactorAuthPresent=true", .want = A},
    {"Bool missing key", {IFC("{\"Bool\":{\"aws:MultiFactorAuthPresent\":\"true\"}}")}, .want = ID},
    {"BinaryEquals", {IFC("{\"BinaryEquals\":{\"dynamodb:Key\":\"QmluYXJ5\"}}")}, .keys = "dynamodb:Key=QmluYXJ5", .want = A},
    {"BinaryEquals differs", {IFC("{\"BinaryEquals\":{\"dynamodb:Key\":\"QmluYXJ5\"}}")}, .keys = "dynamodb:Key=QmluYXJa", .want = ID},
    /* --- IP ----------------------------------------------------------------- */
    {"IpAddress in range", {IFC("{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/8\"}}")}, .keys = "aws:SourceIp=10.1.2.3", .want = A},
    {"IpAddress out of range", {IFC("{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/8\"}}")}, .keys = "aws:SourceIp=192.168.1.1", .want = ID},
    {"IpAddress single address", {IFC("{\"IpAddress\":{\"aws:SourceIp\":\"127.0.0.1\"}}")}, .keys = "aws:SourceIp=127.0.0.1", .want = A},
    {"IpAddress /0", {IFC("{\"IpAddress\":{\"aws:SourceIp\":\"0.0.0.0/0\"}}")}, .keys = "aws:SourceIp=203.0.113.9", .want = A},
    {"IpAddress IPv6", {IFC("{\"IpAddress\":{\"aws:SourceIp\":\"2001:db8::/32\"}}")}, .keys = "aws:SourceIp=2001:db8:1::5", .want = A},
    {"IpAddress IPv4 against IPv6 range", {IFC("{\"IpAddress\":{\"aws:SourceIp\":\"2001:db8::/32\"}}")}, .keys = "aws:SourceIp=10.0.0.1", .want = ID},
    {"IpAddress /25 inside", {IFC("{\"IpAddress\":{\"aws:SourceIp\":\"192.168.1.0/25\"}}")}, .keys = "aws:SourceIp=192.168.1.127", .want = A},
    {"IpAddress /25 outside", {IFC("{\"IpAddress\":{\"aws:SourceIp\":\"192.168.1.0/25\"}}")}, .keys = "aws:SourceIp=192.168.1.128", .want = ID},
    {"NotIpAddress deny outside", {ALLOW_ALL, POL(STC("Deny", Q("*"), Q("*"), "{\"NotIpAddress\":{\"aws:SourceIp\":[\"10.0.0.0/8\",\"127.0.0.0/8\"]}}"))}, .keys = "aws:SourceIp=203.0.113.5", .want = ED},
    {"NotIpAddress deny spares inside", {ALLOW_ALL, POL(STC("Deny", Q("*"), Q("*"), "{\"NotIpAddress\":{\"aws:SourceIp\":[\"10.0.0.0/8\",\"127.0.0.0/8\"]}}"))}, .keys = "aws:SourceIp=127.0.0.1", .want = A},
    {"IpAddress bad CIDR never matches", {IFC("{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/33\"}}")}, .keys = "aws:SourceIp=10.0.0.1", .want = ID},
    /* --- ARN ---------------------------------------------------------------- */
    {"ArnLike", {IFC("{\"ArnLike\":{\"aws:SourceArn\":\"arn:aws:execute-api:us-east-1:" ACCT ":abc123/*\"}}")}, .keys = "aws:SourceArn=arn:aws:execute-api:us-east-1:" ACCT ":abc123/prod/GET/users", .want = A},
    {"ArnLike other api", {IFC("{\"ArnLike\":{\"aws:SourceArn\":\"arn:aws:execute-api:us-east-1:" ACCT ":abc123/*\"}}")}, .keys = "aws:SourceArn=arn:aws:execute-api:us-east-1:" ACCT ":zzz999/prod/GET/users", .want = ID},
    {"ArnEquals", {IFC("{\"ArnEquals\":{\"aws:SourceArn\":\"" FN "\"}}")}, .keys = "aws:SourceArn=" FN, .want = A},
    {"ArnNotEquals", {IFC("{\"ArnNotEquals\":{\"aws:SourceArn\":\"" FN "\"}}")}, .keys = "aws:SourceArn=" FN "-other", .want = A},
    {"ArnNotLike matching", {IFC("{\"ArnNotLike\":{\"aws:SourceArn\":\"arn:aws:lambda:*:*:function:*\"}}")}, .keys = "aws:SourceArn=" FN, .want = ID},
    {"ArnLike per-field wildcards", {IFC("{\"ArnLike\":{\"aws:SourceArn\":\"arn:aws:lambda:*:" ACCT ":function:*\"}}")}, .keys = "aws:SourceArn=" FN, .want = A},
    {"ArnLike field wildcard stays in its field", {IFC("{\"ArnLike\":{\"aws:SourceArn\":\"arn:aws:*:function:users-api\"}}")}, .keys = "aws:SourceArn=" FN, .want = ID},
    {"ArnLike non-ARN value", {IFC("{\"ArnLike\":{\"aws:SourceArn\":\"arn:aws:lambda:*:*:function:*\"}}")}, .keys = "aws:SourceArn=notanarn", .want = ID},
    /* --- Null / IfExists ---------------------------------------------------- */
    {"Null true and key absent", {IFC("{\"Null\":{\"aws:TokenIssueTime\":\"true\"}}")}, .want = A},
    {"Null true and key present", {IFC("{\"Null\":{\"aws:TokenIssueTime\":\"true\"}}")}, .keys = "aws:TokenIssueTime=2026-11-28T00:00:00Z", .want = ID},
    {"Null false and key present", {IFC("{\"Null\":{\"aws:TokenIssueTime\":\"false\"}}")}, .keys = "aws:TokenIssueTime=2026-11-28T00:00:00Z", .want = A},
    {"StringEqualsIfExists absent", {IFC("{\"StringEqualsIfExists\":{\"ec2:InstanceType\":\"t3.micro\"}}")}, .want = A},
    {"StringEqualsIfExists present mismatch", {IFC("{\"StringEqualsIfExists\":{\"ec2:InstanceType\":\"t3.micro\"}}")}, .keys = "ec2:InstanceType=m5.large", .want = ID},
    {"NumericLessThanIfExists present", {IFC("{\"NumericLessThanIfExists\":{\"s3:max-keys\":\"10\"}}")}, .keys = "s3:max-keys=3", .want = A},
    {"IpAddressIfExists absent", {IFC("{\"IpAddressIfExists\":{\"aws:SourceIp\":\"10.0.0.0/8\"}}")}, .want = A},
    /* --- set qualifiers ------------------------------------------------------ */
    {"ForAllValues subset", {IFC("{\"ForAllValues:StringEquals\":{\"aws:TagKeys\":[\"a\",\"b\",\"c\"]}}")}, .keys = "aws:TagKeys=a|b", .want = A},
    {"ForAllValues one outside", {IFC("{\"ForAllValues:StringEquals\":{\"aws:TagKeys\":[\"a\",\"b\"]}}")}, .keys = "aws:TagKeys=a|z", .want = ID},
    {"ForAllValues missing key holds", {IFC("{\"ForAllValues:StringEquals\":{\"aws:TagKeys\":[\"a\"]}}")}, .want = A},
    {"ForAllValues empty set holds", {IFC("{\"ForAllValues:StringEquals\":{\"aws:TagKeys\":[\"a\"]}}")}, .keys = "aws:TagKeys=[]", .want = A},
    {"ForAnyValue one matches", {IFC("{\"ForAnyValue:StringEquals\":{\"aws:TagKeys\":[\"owner\"]}}")}, .keys = "aws:TagKeys=env|owner", .want = A},
    {"ForAnyValue none matches", {IFC("{\"ForAnyValue:StringEquals\":{\"aws:TagKeys\":[\"owner\"]}}")}, .keys = "aws:TagKeys=env|team", .want = ID},
    {"ForAnyValue missing key fails", {IFC("{\"ForAnyValue:StringEquals\":{\"aws:TagKeys\":[\"owner\"]}}")}, .want = ID},
    {"ForAllValues StringLike attributes", {IFC("{\"ForAllValues:StringLike\":{\"dynamodb:Attributes\":[\"id\",\"na*\"]}}")}, .keys = "dynamodb:Attributes=id|name", .want = A},
    {"LeadingKeys own user id", {IFC("{\"ForAllValues:StringEquals\":{\"dynamodb:LeadingKeys\":[\"${aws:userid}\"]}}")}, .keys = "dynamodb:LeadingKeys=AIDAALICE;aws:userid=AIDAALICE", .want = A},
    {"LeadingKeys someone else's", {IFC("{\"ForAllValues:StringEquals\":{\"dynamodb:LeadingKeys\":[\"${aws:userid}\"]}}")}, .keys = "dynamodb:LeadingKeys=AIDAALICE|AIDABOB;aws:userid=AIDAALICE", .want = ID},
    {"ForAnyValue StringNotEquals", {IFC("{\"ForAnyValue:StringNotEquals\":{\"aws:TagKeys\":[\"a\"]}}")}, .keys = "aws:TagKeys=a|b", .want = A},
    {"ForAllValues StringNotEquals", {IFC("{\"ForAllValues:StringNotEquals\":{\"aws:TagKeys\":[\"secret\"]}}")}, .keys = "aws:TagKeys=a|secret", .want = ID},
    {"deny ForAnyValue tag key", {ALLOW_ALL, POL(STC("Deny", Q("*"), Q("*"), "{\"ForAnyValue:StringEquals\":{\"aws:TagKeys\":[\"secret\"]}}"))}, .keys = "aws:TagKeys=a|secret", .want = ED},
    /* --- service keys and tags ---------------------------------------------- */
    {"ResourceTag match", {IFC("{\"StringEquals\":{\"aws:ResourceTag/Env\":\"prod\"}}")}, .keys = "aws:ResourceTag/Env=prod", .want = A},
    {"s3:prefix StringLike", {POL(STC("Allow", Q("s3:ListBucket"), Q("arn:aws:s3:::b"), "{\"StringLike\":{\"s3:prefix\":[\"\",\"home/\",\"home/*\"]}}"))}, .action = "s3:ListBucket", .res = "arn:aws:s3:::b", .keys = "s3:prefix=", .want = A},
    {"deny public-read acl", {ALLOW_ALL, POL(STC("Deny", Q("s3:PutObject"), Q("arn:aws:s3:::b/*"), "{\"StringEquals\":{\"s3:x-amz-acl\":\"public-read\"}}"))}, .action = "s3:PutObject", .res = "arn:aws:s3:::b/k", .keys = "s3:x-amz-acl=public-read", .want = ED},
    {"aws:PrincipalArn of a role session", {POL(STC("Allow", Q("*"), Q("*"), "{\"ArnLike\":{\"aws:PrincipalArn\":\"arn:aws:iam::" ACCT ":role/App\"}}"))}, .who = "role:App/s1", .want = A},
    {"aws:PrincipalType", {IFC("{\"StringEquals\":{\"aws:PrincipalType\":\"User\"}}")}, .want = A},
    {"aws:PrincipalAccount", {IFC("{\"StringEquals\":{\"aws:PrincipalAccount\":\"" ACCT "\"}}")}, .want = A},
    {"aws:username derived from the user ARN", {IFC("{\"StringEquals\":{\"aws:username\":\"alice\"}}")}, .want = A},
    /* --- resource-based policies --------------------------------------------- */
    {"same account: resource policy names the user", {NULL}, POL(STP("Allow", "{\"AWS\":\"arn:aws:iam::" ACCT ":user/alice\"}", Q("dynamodb:GetItem"), Q(T_USERS))), .want = A},
    {"same account: naming the account only delegates", {NULL}, POL(STP("Allow", "{\"AWS\":\"arn:aws:iam::" ACCT ":root\"}", Q("dynamodb:GetItem"), Q(T_USERS))), .want = ID, .by = BY_ID},
    {"same account: account id principal only delegates", {NULL}, POL(STP("Allow", "{\"AWS\":\"" ACCT "\"}", Q("dynamodb:GetItem"), Q(T_USERS))), .want = ID, .by = BY_ID},
    {"same account: account principal plus identity allow", {ALLOW_GET}, POL(STP("Allow", "{\"AWS\":\"" ACCT "\"}", Q("dynamodb:GetItem"), Q(T_USERS))), .want = A},
    {"same account: resource policy names someone else", {NULL}, POL(STP("Allow", "{\"AWS\":\"arn:aws:iam::" ACCT ":user/bob\"}", Q("dynamodb:GetItem"), Q(T_USERS))), .want = ID, .by = BY_ID},
    {"cross account: both allow", {ALLOW_GET}, POL(STP("Allow", "{\"AWS\":\"" XACCT "\"}", Q("dynamodb:GetItem"), Q(T_USERS))), .who = "xuser:carol", .res_acct = ACCT, .want = A},
    {"cross account: no resource policy", {ALLOW_GET}, .who = "xuser:carol", .res_acct = ACCT, .want = ID, .by = BY_RES},
    {"cross account: resource allows, identity not", {NULL}, POL(STP("Allow", "{\"AWS\":\"" XACCT "\"}", Q("dynamodb:GetItem"), Q(T_USERS))), .who = "xuser:carol", .res_acct = ACCT, .want = ID, .by = BY_ID},
    {"cross account: resource policy for another account", {ALLOW_GET}, POL(STP("Allow", "{\"AWS\":\"222222222222\"}", Q("dynamodb:GetItem"), Q(T_USERS))), .who = "xuser:carol", .res_acct = ACCT, .want = ID, .by = BY_RES},
    {"resource policy deny beats identity allow", {ALLOW_ALL}, POL(STP("Deny", "\"*\"", Q("dynamodb:*"), Q(T_USERS))), .want = ED, .by = BY_RES},
    {"service principal with SourceArn", {NULL}, POL(STPC("Allow", "{\"Service\":\"apigateway.amazonaws.com\"}", Q("lambda:InvokeFunction"), Q(FN), "{\"ArnLike\":{\"AWS:SourceArn\":\"arn:aws:execute-api:us-east-1:" ACCT ":abc123/*/GET/users\"}}")), .who = "service:apigateway.amazonaws.com", .action = "lambda:InvokeFunction", .res = FN, .keys = "aws:SourceArn=arn:aws:execute-api:us-east-1:" ACCT ":abc123/prod/GET/users", .want = A},
    {"service principal not listed", {NULL}, POL(STP("Allow", "{\"Service\":\"apigateway.amazonaws.com\"}", Q("lambda:InvokeFunction"), Q(FN))), .who = "service:s3.amazonaws.com", .action = "lambda:InvokeFunction", .res = FN, .want = ID, .by = BY_RES},
    {"service principal wrong SourceArn", {NULL}, POL(STPC("Allow", "{\"Service\":\"apigateway.amazonaws.com\"}", Q("lambda:InvokeFunction"), Q(FN), "{\"ArnLike\":{\"AWS:SourceArn\":\"arn:aws:execute-api:us-east-1:" ACCT ":abc123/*\"}}")), .who = "service:apigateway.amazonaws.com", .action = "lambda:InvokeFunction", .res = FN, .keys = "aws:SourceArn=arn:aws:execute-api:us-east-1:" ACCT ":other/prod/GET/users", .want = ID},
    {"service principal is not an AWS principal", {NULL}, POL(STP("Allow", "{\"AWS\":\"" ACCT "\"}", Q("lambda:InvokeFunction"), Q(FN))), .who = "service:apigateway.amazonaws.com", .action = "lambda:InvokeFunction", .res = FN, .want = ID},
    {"principal * with account condition", {NULL}, POL(STPC("Allow", "\"*\"", Q("dynamodb:GetItem"), Q(T_USERS), "{\"StringEquals\":{\"aws:PrincipalAccount\":\"" ACCT "\"}}")), .want = A},
    {"NotPrincipal deny hits others", {ALLOW_ALL}, POL("{\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":\"arn:aws:iam::" ACCT ":user/alice\"},\"Action\":\"*\",\"Resource\":\"*\"}"), .who = "user:bob", .want = ED, .by = BY_RES},
    {"NotPrincipal deny spares the listed", {ALLOW_ALL}, POL("{\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":\"arn:aws:iam::" ACCT ":user/alice\"},\"Action\":\"*\",\"Resource\":\"*\"}"), .want = A},
    {"role ARN principal covers its sessions", {NULL}, POL(STP("Allow", "{\"AWS\":\"arn:aws:iam::" ACCT ":role/App\"}", Q("dynamodb:GetItem"), Q(T_USERS))), .who = "role:App/s1", .want = A},
    {"session ARN principal", {NULL}, POL(STP("Allow", "{\"AWS\":\"arn:aws:sts::" ACCT ":assumed-role/App/s1\"}", Q("dynamodb:GetItem"), Q(T_USERS))), .who = "role:App/s1", .want = A},
    {"other session ARN principal", {NULL}, POL(STP("Allow", "{\"AWS\":\"arn:aws:sts::" ACCT ":assumed-role/App/s2\"}", Q("dynamodb:GetItem"), Q(T_USERS))), .who = "role:App/s1", .want = ID},
    {"anonymous with public policy", {NULL}, POL(STP("Allow", "\"*\"", Q("s3:GetObject"), Q("arn:aws:s3:::pub/*"))), .who = "anon", .action = "s3:GetObject", .res = "arn:aws:s3:::pub/x", .want = A},
    {"anonymous with account policy", {NULL}, POL(STP("Allow", "{\"AWS\":\"" ACCT "\"}", Q("s3:GetObject"), Q("arn:aws:s3:::pub/*"))), .who = "anon", .action = "s3:GetObject", .res = "arn:aws:s3:::pub/x", .want = ID, .by = BY_RES},
    {"resource policy without Resource element", {NULL}, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"sqs:SendMessage\"}]}", .action = "sqs:SendMessage", .res = "arn:aws:sqs:us-east-1:" ACCT ":q", .want = A},
    {"root user by account principal", {NULL}, POL(STP("Allow", "{\"AWS\":\"" ACCT "\"}", Q("dynamodb:GetItem"), Q(T_USERS))), .who = "root", .want = A},
    /* --- permissions boundaries ---------------------------------------------- */
    {"boundary and identity allow", {ALLOW_ALL}, .boundary = POL(ST("Allow", Q("dynamodb:*"), Q("*"))), .want = A},
    {"boundary does not allow", {ALLOW_ALL}, .boundary = POL(ST("Allow", Q("s3:*"), Q("*"))), .want = ID, .by = BY_B},
    {"boundary alone grants nothing", {NULL}, .boundary = POL(ST("Allow", Q("*"), Q("*"))), .want = ID, .by = BY_ID},
    {"boundary explicit deny", {ALLOW_ALL}, .boundary = POL(ST("Allow", Q("*"), Q("*")) "," ST("Deny", Q("dynamodb:GetItem"), Q("*"))), .want = ED, .by = BY_B},
    {"resource policy naming the user bypasses boundary", {NULL}, POL(STP("Allow", "{\"AWS\":\"arn:aws:iam::" ACCT ":user/alice\"}", Q("dynamodb:GetItem"), Q(T_USERS))), .boundary = POL(ST("Allow", Q("s3:*"), Q("*"))), .want = A},
    {"resource policy naming the account is bounded", {NULL}, POL(STP("Allow", "{\"AWS\":\"" ACCT "\"}", Q("dynamodb:GetItem"), Q(T_USERS))), .boundary = POL(ST("Allow", Q("s3:*"), Q("*"))), .want = ID, .by = BY_ID},
    /* --- session policies ----------------------------------------------------- */
    {"session and identity allow", {ALLOW_ALL}, .session = POL(ST("Allow", Q("dynamodb:GetItem"), Q(T_USERS))), .who = "role:App/s1", .want = A},
    {"session policy narrows", {ALLOW_ALL}, .session = POL(ST("Allow", Q("dynamodb:GetItem"), Q(T_USERS))), .who = "role:App/s1", .action = "dynamodb:PutItem", .want = ID, .by = BY_S},
    {"session policy cannot widen", {ALLOW_GET}, .session = ALLOW_ALL, .who = "role:App/s1", .res = T_POSTS, .want = ID, .by = BY_ID},
    {"session policy explicit deny", {ALLOW_ALL}, .session = POL(ST("Allow", Q("*"), Q("*")) "," ST("Deny", Q("dynamodb:GetItem"), Q("*"))), .who = "role:App/s1", .want = ED, .by = BY_S},
    {"session and boundary together", {ALLOW_ALL}, .boundary = POL(ST("Allow", Q("dynamodb:*"), Q("*"))), .session = POL(ST("Allow", Q("dynamodb:Get*"), Q("*"))), .who = "role:App/s1", .want = A},
    {"resource policy naming the role is limited by the session policy", {NULL}, POL(STP("Allow", "{\"AWS\":\"arn:aws:iam::" ACCT ":role/App\"}", Q("dynamodb:*"), Q(T_USERS))), .session = POL(ST("Allow", Q("s3:*"), Q("*"))), .who = "role:App/s1", .want = ID},
    {"resource policy naming the session is not", {NULL}, POL(STP("Allow", "{\"AWS\":\"arn:aws:sts::" ACCT ":assumed-role/App/s1\"}", Q("dynamodb:*"), Q(T_USERS))), .session = POL(ST("Allow", Q("s3:*"), Q("*"))), .who = "role:App/s1", .want = A},
    /* --- the users-api example (issue 7) ------------------------------------- */
    {"function role reads Users", {POL(ST("Allow", "[\"dynamodb:GetItem\",\"dynamodb:Query\",\"dynamodb:Scan\",\"dynamodb:BatchGetItem\",\"dynamodb:DescribeTable\"]", "[\"" T_USERS "\",\"" T_USERS "/index/*\"]"))}, .who = "role:users-api-role/fn", .want = A},
    {"function role denied writing Users", {POL(ST("Allow", "[\"dynamodb:GetItem\",\"dynamodb:Query\",\"dynamodb:Scan\",\"dynamodb:BatchGetItem\",\"dynamodb:DescribeTable\"]", "[\"" T_USERS "\",\"" T_USERS "/index/*\"]"))}, .who = "role:users-api-role/fn", .action = "dynamodb:PutItem", .want = ID, .by = BY_ID},
    {"function role denied reading Posts", {POL(ST("Allow", "[\"dynamodb:GetItem\",\"dynamodb:Query\",\"dynamodb:Scan\",\"dynamodb:BatchGetItem\",\"dynamodb:DescribeTable\"]", "[\"" T_USERS "\",\"" T_USERS "/index/*\"]"))}, .who = "role:users-api-role/fn", .res = T_POSTS, .want = ID, .by = BY_ID},
    {"function role queries an index", {POL(ST("Allow", "[\"dynamodb:GetItem\",\"dynamodb:Query\"]", "[\"" T_USERS "\",\"" T_USERS "/index/*\"]"))}, .who = "role:users-api-role/fn", .action = "dynamodb:Query", .res = T_USERS "/index/byEmail", .want = A},
};

/* --- the table runner ------------------------------------------------------- */

typedef struct ctxbuf {
    char text[1024];
    iam_ctx_key_t keys[16];
    const char *vals[16][8];
    size_t n;
} ctxbuf_t;

static void parse_keys(const char *spec, ctxbuf_t *cb)
{
    cb->n = 0;
    if (!spec) return;
    snprintf(cb->text, sizeof cb->text, "%s", spec);
    char *save = NULL;
    for (char *kv = strtok_r(cb->text, ";", &save); kv; kv = strtok_r(NULL, ";", &save)) {
        char *eq = strchr(kv, '=');
        ASSERT(eq && cb->n < 16);
        *eq = 0;
        iam_ctx_key_t *k = &cb->keys[cb->n];
        k->name = kv;
        k->values = cb->vals[cb->n];
        size_t nv = 0;
        char *v = eq + 1;
        if (strcmp(v, "[]") != 0) {
            for (;;) {
                char *bar = strchr(v, '|');
                if (bar) *bar = 0;
                ASSERT(nv < 8);
                cb->vals[cb->n][nv++] = v;
                if (!bar) break;
                v = bar + 1;
            }
        }
        k->n = nv;
        cb->n++;
    }
}

typedef struct who {
    char arn[200];
    char role[200];
    char acct[16];
    iam_principal_type_t type;
} who_t;

static void parse_who(const char *spec, who_t *w)
{
    memset(w, 0, sizeof *w);
    snprintf(w->acct, sizeof w->acct, "%s", ACCT);
    if (!spec) spec = "user:alice";
    if (strncmp(spec, "user:", 5) == 0) {
        w->type = IAM_PRINCIPAL_USER;
        snprintf(w->arn, sizeof w->arn, "arn:aws:iam::%s:user/%s", ACCT, spec + 5);
    } else if (strncmp(spec, "xuser:", 6) == 0) {
        w->type = IAM_PRINCIPAL_USER;
        snprintf(w->acct, sizeof w->acct, "%s", XACCT);
        snprintf(w->arn, sizeof w->arn, "arn:aws:iam::%s:user/%s", XACCT, spec + 6);
    } else if (strncmp(spec, "role:", 5) == 0) {
        w->type = IAM_PRINCIPAL_ASSUMED_ROLE;
        char role[100];
        snprintf(role, sizeof role, "%s", spec + 5);
        char *slash = strchr(role, '/');
        ASSERT(slash);
        *slash = 0;
        snprintf(w->arn, sizeof w->arn, "arn:aws:sts::%s:assumed-role/%s/%s", ACCT, role, slash + 1);
        snprintf(w->role, sizeof w->role, "arn:aws:iam::%s:role/%s", ACCT, role);
    } else if (strncmp(spec, "service:", 8) == 0) {
        w->type = IAM_PRINCIPAL_SERVICE;
        snprintf(w->arn, sizeof w->arn, "%s", spec + 8);
        w->acct[0] = 0;
    } else if (strcmp(spec, "anon") == 0) {
        w->type = IAM_PRINCIPAL_ANONYMOUS;
        w->acct[0] = 0;
    } else if (strcmp(spec, "root") == 0) {
        w->type = IAM_PRINCIPAL_ROOT;
        snprintf(w->arn, sizeof w->arn, "arn:aws:iam::%s:root", ACCT);
    } else {
        TEST_FAIL_("bad principal spec %s", spec);
    }
}

static iam_policy_t *must_parse(const char *text, iam_policy_kind_t kind, const char *name)
{
    char err[256];
    iam_policy_t *p = iam_policy_parse(text, strlen(text), kind, err, sizeof err);
    if (!p) TEST_FAIL_("case \"%s\": policy does not parse (%s): %s", name, err, text);
    return p;
}

static int run_case(const ecase_t *c)
{
    iam_policy_t *id[3] = {0}, *res = NULL, *b = NULL, *s = NULL;
    size_t nid = 0;
    for (int i = 0; i < 3 && c->identity[i]; i++) id[nid++] = must_parse(c->identity[i], IAM_POLICY_IDENTITY, c->name);
    if (c->resource) res = must_parse(c->resource, IAM_POLICY_RESOURCE, c->name);
    if (c->boundary) b = must_parse(c->boundary, IAM_POLICY_IDENTITY, c->name);
    if (c->session) s = must_parse(c->session, IAM_POLICY_IDENTITY, c->name);
    const iam_policy_t *idc[3] = {id[0], id[1], id[2]};
    const iam_policy_t *resc[1] = {res}, *bc[1] = {b}, *sc[1] = {s};
    iam_policy_set_t set = {idc, nid, resc, res ? 1 : 0, bc, b ? 1 : 0, sc, s ? 1 : 0};
    who_t w;
    parse_who(c->who, &w);
    static ctxbuf_t cb;
    parse_keys(c->keys, &cb);
    iam_request_t rq = {.principal_type = w.type, .principal_arn = w.arn, .principal_account = w.acct,
                        .role_arn = w.role[0] ? w.role : NULL,
                        .action = c->action ? c->action : "dynamodb:GetItem",
                        .resource = c->res ? c->res : T_USERS, .resource_account = c->res_acct,
                        .keys = cb.keys, .n_keys = cb.n};
    iam_result_t r;
    iam_decision_t d = iam_evaluate(&set, &rq, &r);
    int ok = d == c->want && (c->want == IAM_ALLOW || c->by == IAM_TYPE_NONE || r.by == c->by);
    if (!ok) {
        char msg[600];
        fprintf(stderr, "  case \"%s\": got decision %d by %d, want %d by %d (%s)\n", c->name, d, r.by,
                c->want, c->by, d ? iam_denial_message(&rq, &r, msg, sizeof msg) : "allowed");
    }
    for (size_t i = 0; i < nid; i++) iam_policy_free(id[i]);
    iam_policy_free(res);
    iam_policy_free(b);
    iam_policy_free(s);
    return ok;
}

TEST(evaluation_table_has_at_least_100_cases)
{
    ASSERT_GE(sizeof CASES / sizeof CASES[0], 100);
}

TEST(evaluation_table)
{
    size_t n = sizeof CASES / sizeof CASES[0], failed = 0;
    for (size_t i = 0; i < n; i++)
        if (!run_case(&CASES[i])) failed++;
    if (failed) TEST_FAIL_("%zu of %zu evaluation cases failed", failed, n);
}

/* --- parser --------------------------------------------------------------- */

typedef struct pcase {
    const char *text;
    iam_policy_kind_t kind;
    const char *msg;   /* NULL = must parse */
} pcase_t;

static const pcase_t PCASES[] = {
    {"not json", IAM_POLICY_IDENTITY, "Syntax errors in policy."},
    {"", IAM_POLICY_IDENTITY, "Syntax errors in policy."},
    {"[]", IAM_POLICY_IDENTITY, "Syntax errors in policy."},
    {"{\"Version\":\"2012-10-17\"}", IAM_POLICY_IDENTITY, "Syntax errors in policy."},
    {"{\"Version\":\"2012-10-17\",\"Statement\":[]}", IAM_POLICY_IDENTITY, "Syntax errors in policy."},
    {"{\"Version\":\"2012-10-17\",\"Statement\":\"x\"}", IAM_POLICY_IDENTITY, "Syntax errors in policy."},
    {"{\"Version\":\"2012-10-17\",\"Statement\":[],\"Extra\":1}", IAM_POLICY_IDENTITY, "Syntax errors in policy."},
    {"{\"Version\":\"2012-10-18\",\"Statement\":" ST("Allow", Q("s3:*"), Q("*")) "}", IAM_POLICY_IDENTITY, "The policy failed legacy parsing"},
    {"{\"Version\":20121017,\"Statement\":" ST("Allow", Q("s3:*"), Q("*")) "}", IAM_POLICY_IDENTITY, "Syntax errors in policy."},
    {"{\"Statement\":" ST("Allow", Q("s3:*"), Q("*")) "}", IAM_POLICY_IDENTITY, NULL},
    {POL08(ST("Allow", Q("s3:*"), Q("*"))), IAM_POLICY_IDENTITY, NULL},
    {POL("{\"Action\":\"s3:*\",\"Resource\":\"*\"}"), IAM_POLICY_IDENTITY, "Missing required field Effect"},
    {POL("{\"Effect\":\"Permit\",\"Action\":\"s3:*\",\"Resource\":\"*\"}"), IAM_POLICY_IDENTITY, "Syntax errors in policy."},
    {POL("{\"Effect\":\"Allow\",\"Resource\":\"*\"}"), IAM_POLICY_IDENTITY, "Policy statement must contain actions."},
    {POL("{\"Effect\":\"Allow\",\"Action\":[],\"Resource\":\"*\"}"), IAM_POLICY_IDENTITY, "Policy statement must contain actions."},
    {POL("{\"Effect\":\"Allow\",\"Action\":\"s3:*\"}"), IAM_POLICY_IDENTITY, "Policy statement must contain resources."},
    {POL("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":[]}"), IAM_POLICY_IDENTITY, "Policy statement must contain resources."},
    {POL(STP("Allow", "\"*\"", Q("s3:*"), Q("*"))), IAM_POLICY_IDENTITY, "Policy document should not specify a principal."},
    {POL("{\"Effect\":\"Allow\",\"NotPrincipal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"*\"}"), IAM_POLICY_IDENTITY, "Policy document should not specify a principal."},
    {POL(ST("Allow", Q("GetObject"), Q("*"))), IAM_POLICY_IDENTITY, "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
    {POL(ST("Allow", Q("s3:Get:Object"), Q("*"))), IAM_POLICY_IDENTITY, "Actions/Condition can contain only one colon."},
    {POL(ST("Allow", Q("s 3:GetObject"), Q("*"))), IAM_POLICY_IDENTITY, "Vendor s 3 is not valid"},
    {POL(ST("Allow", Q("s3:*"), Q("bucket"))), IAM_POLICY_IDENTITY, "Resource bucket must be in ARN format or \"*\"."},
    {POL(ST("Allow", Q("s3:*"), Q("arn:aws"))), IAM_POLICY_IDENTITY, "Resource vendor must be fully qualified and cannot contain regexes."},
    {POL(ST("Allow", Q("s3:*"), Q("arn:aws1:s3:::b"))), IAM_POLICY_IDENTITY, "Partition \"aws1\" is not valid for resource \"arn:aws1:s3:*:*:b\"."},
    {POL(ST("Allow", "[\"s3:*\",5]", Q("*"))), IAM_POLICY_IDENTITY, "Syntax errors in policy."},
    {POL("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"NotAction\":\"s3:Get*\",\"Resource\":\"*\"}"), IAM_POLICY_IDENTITY, "Syntax errors in policy."},
    {POL("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\",\"Bogus\":1}"), IAM_POLICY_IDENTITY, "Syntax errors in policy."},
    {POL("{\"Sid\":\"A\",\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"},{\"Sid\":\"A\",\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"Resource\":\"*\"}"), IAM_POLICY_IDENTITY, "Statement IDs (SID) in a single policy must be unique."},
    {POL("{\"Sid\":\"a-b\",\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}"), IAM_POLICY_IDENTITY, "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*"},
    {POL(STC("Allow", Q("s3:*"), Q("*"), "{\"StringEqualz\":{\"s3:prefix\":\"a\"}}")), IAM_POLICY_IDENTITY, "Invalid Condition type : StringEqualz"},
    {POL(STC("Allow", Q("s3:*"), Q("*"), "{\"StringEquals\":\"a\"}")), IAM_POLICY_IDENTITY, "Syntax errors in policy."},
    {POL(STC("Allow", Q("s3:*"), Q("*"), "{\"StringEquals\":{\"prefix\":\"a\"}}")), IAM_POLICY_IDENTITY, "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
    {POL(STC("Allow", Q("s3:*"), Q("*"), "{\"StringEquals\":{\"s3:prefix\":{\"a\":1}}}")), IAM_POLICY_IDENTITY, "Syntax errors in policy."},
    {POL(STC("Allow", Q("s3:*"), Q("*"), "{\"ForAnyValue:StringLikeIfExists\":{\"aws:TagKeys\":[\"a*\"]}}")), IAM_POLICY_IDENTITY, NULL},
    {POL(STC("Allow", Q("s3:*"), Q("*"), "{\"NullIfExists\":{\"aws:TagKeys\":\"true\"}}")), IAM_POLICY_IDENTITY, "Invalid Condition type : NullIfExists"},
    {"{\"Version\":\"2012-10-17\",\"Version\":\"2012-10-17\",\"Statement\":" ST("Allow", Q("s3:*"), Q("*")) "}", IAM_POLICY_IDENTITY, "Syntax errors in policy."},
    /* resource and trust policies */
    {POL(ST("Allow", Q("s3:*"), Q("*"))), IAM_POLICY_RESOURCE, "Missing required field Principal"},
    {POL(STP("Allow", "{\"AWS\":\"bob\"}", Q("s3:*"), Q("*"))), IAM_POLICY_RESOURCE, "Invalid principal in policy: \"AWS\":\"bob\""},
    {POL(STP("Allow", "{\"Person\":\"bob\"}", Q("s3:*"), Q("*"))), IAM_POLICY_RESOURCE, "Invalid principal in policy"},
    {POL(STP("Allow", "\"bob\"", Q("s3:*"), Q("*"))), IAM_POLICY_RESOURCE, "Invalid principal in policy"},
    {POL(STP("Allow", "{\"AWS\":[\"" ACCT "\",\"arn:aws:iam::" XACCT ":role/R\"],\"Service\":\"lambda.amazonaws.com\"}", Q("s3:*"), Q("*"))), IAM_POLICY_RESOURCE, NULL},
    {POL("{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}"), IAM_POLICY_TRUST, NULL},
    {POL(STP("Allow", "{\"Service\":\"lambda.amazonaws.com\"}", Q("sts:AssumeRole"), Q("*"))), IAM_POLICY_TRUST, "Has prohibited field Resource"},
    {POL("{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\"}"), IAM_POLICY_TRUST, "Missing required field Principal"},
};

TEST(parse_errors_use_iam_messages)
{
    for (size_t i = 0; i < sizeof PCASES / sizeof PCASES[0]; i++) {
        char err[512] = "";
        iam_policy_t *p = iam_policy_parse(PCASES[i].text, strlen(PCASES[i].text), PCASES[i].kind, err, sizeof err);
        if (PCASES[i].msg) {
            if (p) TEST_FAIL_("parsed but should not: %s", PCASES[i].text);
            if (strcmp(err, PCASES[i].msg) != 0)
                TEST_FAIL_("%s\n  got:  %s\n  want: %s", PCASES[i].text, err, PCASES[i].msg);
        } else if (!p) {
            TEST_FAIL_("does not parse (%s): %s", err, PCASES[i].text);
        }
        iam_policy_free(p);
    }
}

TEST(parse_size_and_statement_count)
{
    const char *t = POL(ST("Allow", Q("s3:*"), Q("*")) "," ST("Deny", Q("s3:Delete*"), Q("*")));
    char err[128];
    iam_policy_t *p = iam_policy_parse(t, strlen(t), IAM_POLICY_IDENTITY, err, sizeof err);
    ASSERT(p);
    ASSERT_EQ(iam_policy_statement_count(p), 2);
    iam_policy_free(p);
    ASSERT_EQ(iam_policy_size(" { \"a\" : 1 }\n", 13), 7);
    /* a huge document is refused without being parsed */
    size_t big = (1u << 20) + 10;
    char *h = malloc(big);
    memset(h, ' ', big);
    h[0] = '{';
    h[big - 1] = '}';
    ASSERT(iam_policy_parse(h, big, IAM_POLICY_IDENTITY, err, sizeof err) == NULL);
    ASSERT_STREQ(err, "Syntax errors in policy.");
    free(h);
    /* deep nesting is bounded by the JSON parser, not the stack */
    size_t depth = 100000;
    char *d = malloc(depth * 2 + 1);
    memset(d, '[', depth);
    memset(d + depth, ']', depth);
    d[depth * 2] = 0;
    ASSERT(iam_policy_parse(d, depth * 2, IAM_POLICY_IDENTITY, err, sizeof err) == NULL);
    free(d);
}

/* --- matching primitives ---------------------------------------------------- */

TEST(wildcard_matching)
{
    ASSERT(iam_wildcard_match("*", "", 0));
    ASSERT(iam_wildcard_match("a*c", "abbbc", 0));
    ASSERT(!iam_wildcard_match("a*c", "abbbd", 0));
    ASSERT(iam_wildcard_match("a?c", "abc", 0));
    ASSERT(!iam_wildcard_match("a?c", "ac", 0));
    ASSERT(iam_wildcard_match("*a*b*c*", "xxaxxbxxcxx", 0));
    ASSERT(iam_wildcard_match("ABC", "abc", 1));
    ASSERT(!iam_wildcard_match("ABC", "abc", 0));
    ASSERT(iam_wildcard_match("**", "x", 0));
    /* pathological pattern stays fast (no exponential backtracking) */
    char s[4001];
    memset(s, 'a', 4000);
    s[4000] = 0;
    ASSERT(!iam_wildcard_match("*a*a*a*a*a*a*a*a*a*a*b", s, 0));
}

TEST(arn_matching)
{
    ASSERT(iam_arn_match("arn:aws:s3:::b/*", "arn:aws:s3:::b/k/with:colon"));
    ASSERT(iam_arn_match("arn:*:lambda:*:*:function:f", "arn:aws:lambda:us-east-1:1:function:f"));
    ASSERT(!iam_arn_match("arn:aws:lambda:*:*:function:f", "arn:aws:lambda:us-east-1:1:function:g"));
    ASSERT(!iam_arn_match("arn:aws:lambda", "arn:aws:lambda"));
    ASSERT(!iam_arn_match("arn:aws:s3:::b", "arn:aws:s3:::B"));
}

/* --- denial messages ---------------------------------------------------------- */

TEST(denial_messages)
{
    iam_request_t rq = {.principal_type = IAM_PRINCIPAL_USER,
                        .principal_arn = "arn:aws:iam::000000000000:user/alice",
                        .principal_account = ACCT, .action = "dynamodb:GetItem", .resource = T_USERS};
    iam_result_t r = {IAM_IMPLICIT_DENY, IAM_TYPE_IDENTITY};
    char m[512];
    ASSERT_STREQ(iam_denial_message(&rq, &r, m, sizeof m),
                 "User: arn:aws:iam::000000000000:user/alice is not authorized to perform: dynamodb:GetItem "
                 "on resource: arn:aws:dynamodb:us-east-1:000000000000:table/Users because no "
                 "identity-based policy allows the dynamodb:GetItem action");
    r = (iam_result_t){IAM_EXPLICIT_DENY, IAM_TYPE_IDENTITY};
    ASSERT_STREQ(iam_denial_message(&rq, &r, m, sizeof m),
                 "User: arn:aws:iam::000000000000:user/alice is not authorized to perform: dynamodb:GetItem "
                 "on resource: arn:aws:dynamodb:us-east-1:000000000000:table/Users with an explicit deny "
                 "in an identity-based policy");
    r = (iam_result_t){IAM_IMPLICIT_DENY, IAM_TYPE_RESOURCE};
    ASSERT_CONTAINS(iam_denial_message(&rq, &r, m, sizeof m), "because no resource-based policy allows the dynamodb:GetItem action");
    r = (iam_result_t){IAM_IMPLICIT_DENY, IAM_TYPE_BOUNDARY};
    ASSERT_CONTAINS(iam_denial_message(&rq, &r, m, sizeof m), "because no permissions boundary allows the dynamodb:GetItem action");
    r = (iam_result_t){IAM_IMPLICIT_DENY, IAM_TYPE_SESSION};
    ASSERT_CONTAINS(iam_denial_message(&rq, &r, m, sizeof m), "because no session policy allows the dynamodb:GetItem action");
    r = (iam_result_t){IAM_EXPLICIT_DENY, IAM_TYPE_RESOURCE};
    ASSERT_CONTAINS(iam_denial_message(&rq, &r, m, sizeof m), "with an explicit deny in a resource-based policy");
    r = (iam_result_t){IAM_EXPLICIT_DENY, IAM_TYPE_BOUNDARY};
    ASSERT_CONTAINS(iam_denial_message(&rq, &r, m, sizeof m), "with an explicit deny in a permissions boundary");
    r = (iam_result_t){IAM_EXPLICIT_DENY, IAM_TYPE_SESSION};
    ASSERT_CONTAINS(iam_denial_message(&rq, &r, m, sizeof m), "with an explicit deny in a session policy");
    /* no resource part for actions on "*" */
    rq.action = "dynamodb:ListTables";
    rq.resource = "*";
    r = (iam_result_t){IAM_IMPLICIT_DENY, IAM_TYPE_IDENTITY};
    ASSERT_STREQ(iam_denial_message(&rq, &r, m, sizeof m),
                 "User: arn:aws:iam::000000000000:user/alice is not authorized to perform: dynamodb:ListTables "
                 "because no identity-based policy allows the dynamodb:ListTables action");
    /* truncation is safe */
    char tiny[16];
    iam_denial_message(&rq, &r, tiny, sizeof tiny);
    ASSERT_EQ(strlen(tiny), 15);
}

TEST(evaluate_end_to_end_message)
{
    const char *t = POL(ST("Allow", Q("dynamodb:GetItem"), Q(T_USERS)) "," ST("Deny", Q("dynamodb:DeleteTable"), Q("*")));
    char err[128], m[512];
    iam_policy_t *p = iam_policy_parse(t, strlen(t), IAM_POLICY_IDENTITY, err, sizeof err);
    ASSERT(p);
    const iam_policy_t *ps[1] = {p};
    iam_policy_set_t set = {ps, 1, NULL, 0, NULL, 0, NULL, 0};
    iam_request_t rq = {.principal_type = IAM_PRINCIPAL_USER, .principal_arn = "arn:aws:iam::000000000000:user/alice",
                        .principal_account = ACCT, .action = "dynamodb:DeleteTable", .resource = T_USERS};
    iam_result_t r;
    ASSERT_EQ(iam_evaluate(&set, &rq, &r), IAM_EXPLICIT_DENY);
    ASSERT_CONTAINS(iam_denial_message(&rq, &r, m, sizeof m), "with an explicit deny in an identity-based policy");
    int denied = 0;
    ASSERT_EQ(iam_policy_allows(p, &rq, &denied), 0);
    ASSERT_EQ(denied, 1);
    rq.action = "dynamodb:GetItem";
    ASSERT_EQ(iam_policy_allows(p, &rq, &denied), 1);
    ASSERT_EQ(denied, 0);
    iam_policy_free(p);
}

TEST(global_condition_keys)
{
    iam_global_ctx_t g;
    ASSERT_EQ(iam_global_keys(&g, "10.1.2.3", 1, 1764291723000LL, "alice", "AIDAALICE",
                              "arn:aws:iam::000000000000:user/alice"), 7);
    ASSERT_STREQ(g.current_time, "2025-11-28T01:02:03Z");
    ASSERT_STREQ(g.epoch, "1764291723");
    const char *t = POL(STC("Allow", Q("dynamodb:GetItem"), Q(T_USERS),
                            "{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/8\"},\"Bool\":{\"aws:SecureTransport\":true},"
                            "\"DateGreaterThan\":{\"aws:CurrentTime\":\"2025-01-01T00:00:00Z\"},"
                            "\"NumericLessThan\":{\"aws:EpochTime\":1800000000},"
                            "\"StringEquals\":{\"aws:userid\":\"AIDAALICE\",\"aws:username\":\"alice\"}}"));
    char err[128];
    iam_policy_t *p = iam_policy_parse(t, strlen(t), IAM_POLICY_IDENTITY, err, sizeof err);
    ASSERT(p);
    const iam_policy_t *ps[1] = {p};
    iam_policy_set_t set = {ps, 1, NULL, 0, NULL, 0, NULL, 0};
    iam_request_t rq = {IAM_PRINCIPAL_USER, "arn:aws:iam::000000000000:user/alice", ACCT, NULL,
                        "dynamodb:GetItem", T_USERS, NULL, g.keys, g.n, NULL, NULL};
    ASSERT_EQ(iam_evaluate(&set, &rq, NULL), IAM_ALLOW);
    iam_global_keys(&g, "192.168.0.1", 1, 1764291723000LL, "alice", "AIDAALICE", NULL);
    rq.keys = g.keys;
    rq.n_keys = g.n;
    ASSERT_EQ(iam_evaluate(&set, &rq, NULL), IAM_IMPLICIT_DENY);
    iam_global_keys(&g, "10.1.2.3", 0, 1764291723000LL, "alice", "AIDAALICE", NULL);
    rq.keys = g.keys;
    rq.n_keys = g.n;
    ASSERT_EQ(iam_evaluate(&set, &rq, NULL), IAM_IMPLICIT_DENY);
    iam_policy_free(p);
}

TEST(policy_cache_shares_compiled_policies)
{
    const char *a = POL(ST("Allow", Q("dynamodb:GetItem"), Q(T_USERS)));
    const char *b = POL(ST("Allow", Q("dynamodb:PutItem"), Q(T_USERS)));
    char err[128];
    iam_policy_t *p1 = iam_policy_cache_get(a, strlen(a), IAM_POLICY_IDENTITY, err, sizeof err);
    iam_policy_t *p2 = iam_policy_cache_get(a, strlen(a), IAM_POLICY_IDENTITY, err, sizeof err);
    iam_policy_t *p3 = iam_policy_cache_get(b, strlen(b), IAM_POLICY_IDENTITY, err, sizeof err);
    iam_policy_t *p4 = iam_policy_cache_get(a, strlen(a), IAM_POLICY_RESOURCE, err, sizeof err);
    ASSERT(p1 && p2 && p3);
    ASSERT(p1 == p2);                 /* parsed once */
    ASSERT(p1 != p3);
    ASSERT(p4 == NULL);               /* a resource policy needs a Principal */
    ASSERT_STREQ(err, "Missing required field Principal");
    /* references outlive the cache */
    iam_policy_cache_clear();
    iam_request_t rq = {IAM_PRINCIPAL_USER, "arn:aws:iam::000000000000:user/alice", ACCT, NULL,
                        "dynamodb:GetItem", T_USERS, NULL, NULL, 0, NULL, NULL};
    ASSERT_EQ(iam_policy_allows(p1, &rq, NULL), 1);
    iam_policy_free(p1);
    ASSERT_EQ(iam_policy_allows(p2, &rq, NULL), 1);
    iam_policy_free(p2);
    iam_policy_free(p3);
    /* after clear, the same text is parsed again into a fresh policy */
    iam_policy_t *p5 = iam_policy_cache_get(a, strlen(a), IAM_POLICY_IDENTITY, err, sizeof err);
    ASSERT(p5);
    iam_policy_t *p6 = iam_policy_ref(p5);
    ASSERT(p5 == p6);
    iam_policy_free(p5);
    iam_policy_free(p6);
    iam_policy_cache_clear();
}
