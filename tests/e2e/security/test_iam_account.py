"""IAM's account-level and debugging operations: GetAccessKeyLastUsed (recorded at
authentication, kept across a restart), GetAccountSummary, GetAccountAuthorizationDetails,
SimulateCustomPolicy and the GetContextKeysFor*Policy pair — exact shapes and AWS's errors,
through boto3 and the AWS CLI against an enforcing nimbus."""
import datetime
import json
import unittest

from harness import Nimbus, NimbusTestCase, policy

ACCOUNT = "000000000000"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {
    "Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


class AccessKeyLastUsed(unittest.TestCase):
    def test_recorded_at_authentication_and_kept_across_restart(self):
        n = Nimbus()
        try:
            n.start()
            iam = n.client("iam")
            key, secret = n.new_user("kai", {"Effect": "Allow", "Action": "dynamodb:ListTables", "Resource": "*"})
            never = iam.get_access_key_last_used(AccessKeyId=key)
            self.assertEqual(never["UserName"], "kai")
            self.assertEqual(never["AccessKeyLastUsed"], {"ServiceName": "N/A", "Region": "N/A"})
            before = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
            n.client("dynamodb", access_key=key, secret_key=secret).list_tables()
            used = iam.get_access_key_last_used(AccessKeyId=key)["AccessKeyLastUsed"]
            self.assertEqual((used["ServiceName"], used["Region"]), ("dynamodb", "us-east-1"))
            self.assertGreaterEqual(used["LastUsedDate"], before)
            # a denied request still used the key (AWS records authentication, not success)
            kai_iam = n.client("iam", access_key=key, secret_key=secret)
            with self.assertRaises(Exception):
                kai_iam.list_users()
            self.assertEqual(iam.get_access_key_last_used(AccessKeyId=key)["AccessKeyLastUsed"]["ServiceName"], "iam")
            # the CLI
            _, out, _ = n.aws("iam", "get-access-key-last-used", "--access-key-id", key)
            self.assertEqual(out["AccessKeyLastUsed"]["ServiceName"], "iam")
            # the root key's own use
            root_used = iam.get_access_key_last_used(AccessKeyId=n.creds["AWS_ACCESS_KEY_ID"])["AccessKeyLastUsed"]
            self.assertEqual(root_used["ServiceName"], "iam")
            # written to the store at shutdown: still known after a restart
            n.stop()
            n.start()
            iam = n.client("iam")
            again = iam.get_access_key_last_used(AccessKeyId=key)
            self.assertEqual(again["UserName"], "kai")
            self.assertEqual(again["AccessKeyLastUsed"]["ServiceName"], "iam")
            self.assertGreaterEqual(again["AccessKeyLastUsed"]["LastUsedDate"], before)
            # errors
            import botocore.exceptions
            with self.assertRaises(botocore.exceptions.ClientError) as cm:
                iam.get_access_key_last_used(AccessKeyId="AKIAAAAAAAAAAAAAAAAA")
            self.assertEqual(cm.exception.response["Error"]["Code"], "NoSuchEntity")
            self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 404)
            # authorized on the key's user
            other_key, other_secret = n.new_user("lee", {
                "Effect": "Allow", "Action": "iam:GetAccessKeyLastUsed",
                "Resource": "arn:aws:iam::%s:user/lee" % ACCOUNT})
            lee = n.client("iam", access_key=other_key, secret_key=other_secret)
            self.assertEqual(lee.get_access_key_last_used(AccessKeyId=other_key)["UserName"], "lee")
            with self.assertRaises(botocore.exceptions.ClientError) as cm:
                lee.get_access_key_last_used(AccessKeyId=key)
            self.assertEqual(cm.exception.response["Error"]["Code"], "AccessDenied")
            self.assertIn("arn:aws:iam::%s:user/kai" % ACCOUNT, cm.exception.response["Error"]["Message"])
            # a deleted key is gone
            iam.delete_access_key(UserName="kai", AccessKeyId=key)
            with self.assertRaises(botocore.exceptions.ClientError) as cm:
                iam.get_access_key_last_used(AccessKeyId=key)
            self.assertEqual(cm.exception.response["Error"]["Code"], "NoSuchEntity")
        finally:
            n.cleanup()
