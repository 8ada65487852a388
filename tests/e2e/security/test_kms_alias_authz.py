"""KMS names a key by id, key ARN, alias name or alias ARN. As on AWS, a
cryptographic or key operation through an alias is authorized on the key the
alias points to (a deny on the key holds however the request names it), and
CreateAlias needs kms:CreateAlias on the target key as well as on the alias."""


from harness import NimbusTestCase, policy

ACCOUNT = "000000000000"


class KmsAliasAuthz(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        n = cls.nimbus
        cls.iam = n.client("iam")
        cls.kms = n.client("kms")
        cls.key_arn = cls.kms.create_key()["KeyMetadata"]["Arn"]
        cls.kms.create_alias(AliasName="alias/secret", TargetKeyId=cls.key_arn)

    def user(self, name, *statements):
        key, secret = self.nimbus.new_user(name, *statements)
        return self.nimbus.client("kms", access_key=key, secret_key=secret)

    def test_deny_on_key_holds_through_its_alias(self):
        kms = self.user("denied", {"Effect": "Allow", "Action": "kms:*", "Resource": "*"},
                        {"Effect": "Deny", "Action": ["kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
                         "Resource": self.key_arn})
        alias_arn = "arn:aws:kms:us-east-1:%s:alias/secret" % ACCOUNT
        for key_id in ("alias/secret", alias_arn, self.key_arn):
            r = self.client_error(lambda: kms.encrypt(KeyId=key_id, Plaintext=b"x"))
            self.assertEqual(r["Error"]["Code"], "AccessDeniedException", (key_id, r))
            self.assertEqual(r["Error"]["Message"],
                             "User: arn:aws:iam::%s:user/denied is not authorized to perform: kms:Encrypt on resource: "
                             "%s with an explicit deny in an identity-based policy" % (ACCOUNT, self.key_arn))
            r = self.client_error(lambda: kms.generate_data_key(KeyId=key_id, KeySpec="AES_256"))
            self.assertEqual(r["Error"]["Code"], "AccessDeniedException", (key_id, r))
            r = self.client_error(lambda: kms.describe_key(KeyId=key_id))
            self.assertEqual(r["Error"]["Code"], "AccessDeniedException", (key_id, r))
        # an alias naming no key: still refused as not found
        r = self.client_error(lambda: kms.encrypt(KeyId="alias/none", Plaintext=b"x"))
        self.assertEqual(r["Error"]["Code"], "NotFoundException", r)

    def test_create_alias_needs_the_target_key(self):
        kms = self.user("aliaser", {"Effect": "Allow", "Action": "kms:CreateAlias",
                                    "Resource": "arn:aws:kms:us-east-1:%s:alias/*" % ACCOUNT})
        r = self.client_error(lambda: kms.create_alias(AliasName="alias/mine", TargetKeyId=self.key_arn))
        self.assertEqual(r["Error"]["Code"], "AccessDeniedException", r)
        self.assertEqual(r["Error"]["Message"],
                         "User: arn:aws:iam::%s:user/aliaser is not authorized to perform: kms:CreateAlias on "
                         "resource: %s because no identity-based policy allows the kms:CreateAlias action"
                         % (ACCOUNT, self.key_arn))
        self.assertNotIn("alias/mine", [a["AliasName"] for a in self.kms.list_aliases()["Aliases"]])
        self.iam.put_user_policy(UserName="aliaser", PolicyName="key", PolicyDocument=policy(
            {"Effect": "Allow", "Action": "kms:CreateAlias", "Resource": self.key_arn}))
        kms.create_alias(AliasName="alias/mine", TargetKeyId=self.key_arn)
        self.assertIn("alias/mine", [a["AliasName"] for a in self.kms.list_aliases()["Aliases"]])
