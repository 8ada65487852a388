"""ddb_session_presign.py ENDPOINT CREDENTIALS_JSON N_SESSIONS N OUT — the function → DynamoDB
hop as a Lambda environment makes it with enforcement on: a role allowed dynamodb:GetItem on
Users (created once), N_SESSIONS temporary credentials from sts:AssumeRole (an environment
each, as nimbus gives every environment its own), and N GetItem requests signed with SigV4 by
botocore with those sessions in turn (X-Amz-Security-Token included), written as raw HTTP/1.1
requests separated by NUL bytes for wrk (report.lua's WRK_REQUESTS_FILE). Signatures stay valid
for the 15-minute clock-skew window, so a run replays them."""
import json, os, sys
import boto3
from botocore.credentials import Credentials

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sigv4_presign import signed_getitems  # noqa: E402

ep, cred_file, n_sess, n, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
c = json.load(open(cred_file))
kw = dict(endpoint_url=ep, region_name="us-east-1", aws_access_key_id=c["AccessKeyId"],
          aws_secret_access_key=c["SecretAccessKey"])
iam, sts = boto3.client("iam", **kw), boto3.client("sts", **kw)
trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                  "Principal": {"AWS": "arn:aws:iam::%s:root" % c["AccountId"]}}]}
try:
    arn = iam.create_role(RoleName="bench-users-get", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    iam.put_role_policy(RoleName="bench-users-get", PolicyName="get", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "dynamodb:GetItem",
                                                 "Resource": "arn:aws:dynamodb:us-east-1:%s:table/Users" % c["AccountId"]}]}))
except iam.exceptions.EntityAlreadyExistsException:
    arn = iam.get_role(RoleName="bench-users-get")["Role"]["Arn"]
sessions = []
for i in range(n_sess):
    k = sts.assume_role(RoleArn=arn, RoleSessionName="env-%d" % i)["Credentials"]
    sessions.append(Credentials(k["AccessKeyId"], k["SecretAccessKey"], k["SessionToken"]))
host = ep.split("://", 1)[1]
reqs = signed_getitems(host, sessions, n)
with open(out, "w") as f:
    f.write("\0".join(reqs))
print("RESULT", n_sess, "sessions", n, "requests")
