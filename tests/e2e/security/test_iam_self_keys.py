"""IAM operations whose UserName defaults to the caller (GetUser, CreateAccessKey,
ListAccessKeys, UpdateAccessKey, DeleteAccessKey): without UserName they act on the
calling user, so IAM authorizes that user's ARN — AWS's self-service policy on
user/${aws:username} works, a deny on another user holds — and UpdateAccessKey /
DeleteAccessKey without UserName reach only the caller's own keys (another user's key
id is NoSuchEntity, as on AWS)."""


from harness import NimbusTestCase

ACCOUNT = "000000000000"


class SelfServiceKeys(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.iam = cls.nimbus.client("iam")

    def user(self, name, *statements):
        key, secret = self.nimbus.new_user(name, *statements)
        return key, self.nimbus.client("iam", access_key=key, secret_key=secret)

    def test_no_user_name_means_the_caller(self):
        admin_key, _ = self.user("admin")
        _, mallory = self.user("mallory", {"Effect": "Allow", "Action": "iam:*", "Resource": "*"},
                               {"Effect": "Deny", "Action": "iam:*",
                                "Resource": "arn:aws:iam::%s:user/admin" % ACCOUNT})
        # another user's key without UserName: not mallory's key, whatever her policy
        for fn in (lambda: mallory.update_access_key(AccessKeyId=admin_key, Status="Inactive"),
                   lambda: mallory.delete_access_key(AccessKeyId=admin_key)):
            r = self.client_error(fn)
            self.assertEqual(r["Error"]["Code"], "NoSuchEntity", r)
        # naming admin: the deny
        r = self.client_error(lambda: mallory.update_access_key(UserName="admin", AccessKeyId=admin_key, Status="Inactive"))
        self.assertEqual(r["Error"]["Code"], "AccessDenied", r)
        keys = self.iam.list_access_keys(UserName="admin")["AccessKeyMetadata"]
        self.assertEqual([(k["AccessKeyId"], k["Status"]) for k in keys], [(admin_key, "Active")])

    def test_self_service_policy_on_own_user(self):
        # AWS's documented "manage your own access keys" policy
        own = "arn:aws:iam::%s:user/${aws:username}" % ACCOUNT
        key, carol = self.user("carol", {"Effect": "Allow", "Resource": own, "Action": [
            "iam:GetUser", "iam:CreateAccessKey", "iam:ListAccessKeys", "iam:UpdateAccessKey",
            "iam:DeleteAccessKey"]})
        self.assertEqual(carol.get_user()["User"]["UserName"], "carol")
        new = carol.create_access_key()["AccessKey"]
        self.assertEqual(new["UserName"], "carol")
        ids = sorted(k["AccessKeyId"] for k in carol.list_access_keys()["AccessKeyMetadata"])
        self.assertEqual(ids, sorted([key, new["AccessKeyId"]]))
        carol.update_access_key(AccessKeyId=new["AccessKeyId"], Status="Inactive")
        carol.delete_access_key(AccessKeyId=new["AccessKeyId"])
        # another user's, named: denied
        r = self.client_error(lambda: carol.list_access_keys(UserName="admin2"))
        self.assertEqual(r["Error"]["Code"], "AccessDenied", r)
