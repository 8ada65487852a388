"""KMS end to end through boto3 and the AWS CLI: keys, aliases, envelope
encryption with encryption contexts, key states and AWS's errors."""
import base64
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from harness import Nimbus, NimbusTestCase  # noqa: E402

from botocore.exceptions import ClientError  # noqa: E402


class KmsTest(NimbusTestCase):
    def setUp(self):
        self.kms = self.nimbus.client("kms")

    def err(self, fn, **kw):
        with self.assertRaises(ClientError) as cm:
            fn(**kw)
        e = cm.exception.response
        return e["Error"]["Code"], e["Error"].get("Message", ""), e["ResponseMetadata"]["HTTPStatusCode"]

    def new_key(self, desc="test key"):
        return self.kms.create_key(Description=desc)["KeyMetadata"]

    def test_aws_managed_key_is_described_but_not_changed_or_used_directly(self):
        # DynamoDB's SSE without a key of the user's makes the account's AWS managed key. Its key
        # policy (docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key) lets
        # the account Describe/Get/List it and only the service (kms:ViaService) use it: anything
        # else is AccessDeniedException "... because no resource-based policy allows the kms:X
        # action" (the wording AWS gives a key-policy refusal, quoted in elastic/cloudbeat#1749).
        ddb = self.nimbus.client("dynamodb")
        ddb.create_table(TableName="sse-managed", BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                         SSESpecification={"Enabled": True, "SSEType": "KMS"})
        md = self.kms.describe_key(KeyId="alias/aws/dynamodb")["KeyMetadata"]
        self.assertEqual(md["KeyManager"], "AWS")
        customer = self.new_key()["KeyId"]
        calls = [
            ("DisableKey", self.kms.disable_key, {"KeyId": md["KeyId"]}),
            ("EnableKey", self.kms.enable_key, {"KeyId": md["Arn"]}),
            ("ScheduleKeyDeletion", self.kms.schedule_key_deletion, {"KeyId": md["KeyId"], "PendingWindowInDays": 7}),
            ("CancelKeyDeletion", self.kms.cancel_key_deletion, {"KeyId": md["KeyId"]}),
            ("Encrypt", self.kms.encrypt, {"KeyId": "alias/aws/dynamodb", "Plaintext": b"x"}),
            ("GenerateDataKey", self.kms.generate_data_key, {"KeyId": md["KeyId"], "KeySpec": "AES_256"}),
            ("CreateAlias", self.kms.create_alias, {"AliasName": "alias/mine", "TargetKeyId": md["KeyId"]}),
        ]
        for op, fn, kw in calls:
            code, msg, status = self.err(fn, **kw)
            self.assertEqual((code, status), ("AccessDeniedException", 400), op)
            self.assertRegex(msg, r"^User: arn:aws:iam::000000000000:\S+ is not authorized to perform: kms:%s on "
                             r"resource: %s because no resource-based policy allows the kms:%s action$"
                             % (op, md["Arn"], op), op)
        after = self.kms.describe_key(KeyId=md["KeyId"])["KeyMetadata"]
        self.assertEqual((after["KeyState"], after["Enabled"]), ("Enabled", True))
        self.assertNotIn("DeletionDate", after)
        self.assertNotIn("alias/mine", [a["AliasName"] for a in self.kms.list_aliases()["Aliases"]])
        # a customer managed key of the same account is unaffected
        self.kms.disable_key(KeyId=customer)
        self.kms.enable_key(KeyId=customer)
        self.kms.encrypt(KeyId=customer, Plaintext=b"x")

    def test_create_and_describe(self):
        md = self.new_key("my key")
        self.assertEqual(len(md["KeyId"]), 36)
        self.assertEqual(md["Arn"], "arn:aws:kms:us-east-1:000000000000:key/" + md["KeyId"])
        self.assertEqual(md["KeyState"], "Enabled")
        self.assertTrue(md["Enabled"])
        self.assertEqual(md["KeySpec"], "SYMMETRIC_DEFAULT")
        self.assertEqual(md["KeyUsage"], "ENCRYPT_DECRYPT")
        self.assertEqual(md["Description"], "my key")
        for ref in (md["KeyId"], md["Arn"]):
            d = self.kms.describe_key(KeyId=ref)["KeyMetadata"]
            self.assertEqual(d["KeyId"], md["KeyId"])
            self.assertEqual(d["CreationDate"], md["CreationDate"])

    def test_encrypt_decrypt_with_context(self):
        kid = self.new_key()["KeyId"]
        ctx = {"tenant": "t-1", "purpose": "test"}
        out = self.kms.encrypt(KeyId=kid, Plaintext=b"top secret \x00\xff", EncryptionContext=ctx)
        self.assertTrue(out["KeyId"].endswith(kid))
        self.assertEqual(out["EncryptionAlgorithm"], "SYMMETRIC_DEFAULT")
        blob = out["CiphertextBlob"]
        self.assertNotIn(b"top secret", blob)
        # no KeyId needed; context order does not matter
        dec = self.kms.decrypt(CiphertextBlob=blob, EncryptionContext={"purpose": "test", "tenant": "t-1"})
        self.assertEqual(dec["Plaintext"], b"top secret \x00\xff")
        self.assertTrue(dec["KeyId"].endswith(kid))
        # wrong or missing context, tampered blob: InvalidCiphertextException
        for bad_ctx in ({}, {"tenant": "t-2", "purpose": "test"}, {"tenant": "t-1"}):
            self.assertEqual(self.err(self.kms.decrypt, CiphertextBlob=blob, EncryptionContext=bad_ctx)[0],
                             "InvalidCiphertextException")
        flipped = bytearray(blob)
        flipped[-1] ^= 1
        self.assertEqual(self.err(self.kms.decrypt, CiphertextBlob=bytes(flipped), EncryptionContext=ctx)[0],
                         "InvalidCiphertextException")
        self.assertEqual(self.err(self.kms.decrypt, CiphertextBlob=b"garbage" * 20)[0],
                         "InvalidCiphertextException")
        # a blob of our shape whose key id is not a key id: not looked up, nor quoted back
        for junk in (b"\xff" * 36, b"\x00" * 36, b"%s" * 18, b"k" * 36):
            self.assertEqual(self.err(self.kms.decrypt, CiphertextBlob=b"NK\x01" + junk + bytes(blob[39:]))[0],
                             "InvalidCiphertextException")
        # KeyId given but another key: IncorrectKeyException
        other = self.new_key()["KeyId"]
        self.assertEqual(self.err(self.kms.decrypt, CiphertextBlob=blob, EncryptionContext=ctx, KeyId=other)[0],
                         "IncorrectKeyException")
        self.assertEqual(self.kms.decrypt(CiphertextBlob=blob, EncryptionContext=ctx, KeyId=kid)["Plaintext"],
                         b"top secret \x00\xff")

    def test_generate_data_key(self):
        kid = self.new_key()["KeyId"]
        dk = self.kms.generate_data_key(KeyId=kid, KeySpec="AES_256", EncryptionContext={"k": "v"})
        self.assertEqual(len(dk["Plaintext"]), 32)
        back = self.kms.decrypt(CiphertextBlob=dk["CiphertextBlob"], EncryptionContext={"k": "v"})
        self.assertEqual(back["Plaintext"], dk["Plaintext"])
        self.assertEqual(len(self.kms.generate_data_key(KeyId=kid, NumberOfBytes=64)["Plaintext"]), 64)
        self.assertEqual(len(self.kms.generate_data_key(KeyId=kid, KeySpec="AES_128")["Plaintext"]), 16)
        wo = self.kms.generate_data_key_without_plaintext(KeyId=kid, KeySpec="AES_256")
        self.assertNotIn("Plaintext", wo)
        self.assertEqual(len(self.kms.decrypt(CiphertextBlob=wo["CiphertextBlob"])["Plaintext"]), 32)
        code, msg, status = self.err(self.kms.generate_data_key, KeyId=kid)
        self.assertEqual((code, status), ("ValidationException", 400))
        self.assertEqual(msg, "Please specify either number of bytes or key spec.")

    def test_aliases(self):
        kid = self.new_key()["KeyId"]
        self.kms.create_alias(AliasName="alias/orders", TargetKeyId=kid)
        aliases = self.kms.list_aliases()["Aliases"]
        a = [x for x in aliases if x["AliasName"] == "alias/orders"][0]
        self.assertEqual(a["TargetKeyId"], kid)
        self.assertEqual(a["AliasArn"], "arn:aws:kms:us-east-1:000000000000:alias/orders")
        self.assertEqual(self.kms.describe_key(KeyId="alias/orders")["KeyMetadata"]["KeyId"], kid)
        self.assertEqual(self.kms.describe_key(KeyId=a["AliasArn"])["KeyMetadata"]["KeyId"], kid)
        blob = self.kms.encrypt(KeyId="alias/orders", Plaintext=b"x")["CiphertextBlob"]
        self.assertEqual(self.kms.decrypt(CiphertextBlob=blob)["Plaintext"], b"x")
        self.assertEqual([x["AliasName"] for x in self.kms.list_aliases(KeyId=kid)["Aliases"]], ["alias/orders"])
        code, msg, _ = self.err(self.kms.create_alias, AliasName="alias/orders", TargetKeyId=kid)
        self.assertEqual(code, "AlreadyExistsException")
        self.assertEqual(msg, "An alias with the name arn:aws:kms:us-east-1:000000000000:alias/orders already exists")
        self.assertEqual(self.err(self.kms.create_alias, AliasName="alias/aws/x", TargetKeyId=kid)[0],
                         "InvalidAliasNameException")
        self.assertEqual(self.err(self.kms.create_alias, AliasName="noprefix", TargetKeyId=kid)[0],
                         "ValidationException")
        self.kms.delete_alias(AliasName="alias/orders")
        code, msg, _ = self.err(self.kms.describe_key, KeyId="alias/orders")
        self.assertEqual(code, "NotFoundException")
        self.assertEqual(msg, "Alias arn:aws:kms:us-east-1:000000000000:alias/orders is not found.")
        self.assertEqual(self.err(self.kms.delete_alias, AliasName="alias/orders")[0], "NotFoundException")

    def test_key_states(self):
        kid = self.new_key()["KeyId"]
        arn = "arn:aws:kms:us-east-1:000000000000:key/" + kid
        blob = self.kms.encrypt(KeyId=kid, Plaintext=b"x")["CiphertextBlob"]
        self.kms.disable_key(KeyId=kid)
        self.assertEqual(self.kms.describe_key(KeyId=kid)["KeyMetadata"]["KeyState"], "Disabled")
        code, msg, _ = self.err(self.kms.encrypt, KeyId=kid, Plaintext=b"x")
        self.assertEqual((code, msg), ("DisabledException", arn + " is disabled."))
        self.assertEqual(self.err(self.kms.decrypt, CiphertextBlob=blob)[0], "DisabledException")
        self.kms.enable_key(KeyId=kid)
        self.assertEqual(self.kms.decrypt(CiphertextBlob=blob)["Plaintext"], b"x")
        out = self.kms.schedule_key_deletion(KeyId=kid, PendingWindowInDays=7)
        self.assertEqual(out["KeyState"], "PendingDeletion")
        self.assertEqual(out["PendingWindowInDays"], 7)
        md = self.kms.describe_key(KeyId=kid)["KeyMetadata"]
        self.assertEqual(md["KeyState"], "PendingDeletion")
        self.assertIn("DeletionDate", md)
        code, msg, _ = self.err(self.kms.encrypt, KeyId=kid, Plaintext=b"x")
        self.assertEqual((code, msg), ("KMSInvalidStateException", arn + " is pending deletion."))
        self.assertEqual(self.err(self.kms.enable_key, KeyId=kid)[0], "KMSInvalidStateException")
        self.kms.cancel_key_deletion(KeyId=kid)
        self.assertEqual(self.kms.describe_key(KeyId=kid)["KeyMetadata"]["KeyState"], "Disabled")
        self.assertEqual(self.err(self.kms.schedule_key_deletion, KeyId=kid, PendingWindowInDays=3)[0],
                         "ValidationException")

    def test_not_found_and_validation(self):
        missing = "11111111-2222-3333-4444-555555555555"
        code, msg, status = self.err(self.kms.describe_key, KeyId=missing)
        self.assertEqual((code, status), ("NotFoundException", 400))
        self.assertEqual(msg, "Key 'arn:aws:kms:us-east-1:000000000000:key/%s' does not exist" % missing)
        self.assertEqual(self.err(self.kms.describe_key, KeyId="not-a-key")[0], "NotFoundException")
        kid = self.new_key()["KeyId"]
        code, _, _ = self.err(self.kms.encrypt, KeyId=kid, Plaintext=b"x" * 4097)
        self.assertEqual(code, "ValidationException")

    def test_list_keys_paginates(self):
        ids = {self.new_key()["KeyId"] for _ in range(5)}
        seen, marker = [], None
        while True:
            kw = {"Limit": 2}
            if marker:
                kw["Marker"] = marker
            page = self.kms.list_keys(**kw)
            self.assertLessEqual(len(page["Keys"]), 2)
            seen += [k["KeyId"] for k in page["Keys"]]
            if not page["Truncated"]:
                break
            marker = page["NextMarker"]
        self.assertTrue(ids <= set(seen))
        self.assertEqual(len(seen), len(set(seen)))
        self.assertEqual(seen, sorted(seen))

    def test_aws_cli_round_trip(self):
        _, md, _ = self.nimbus.aws("kms", "create-key", "--description", "cli")
        kid = md["KeyMetadata"]["KeyId"]
        self.nimbus.aws("kms", "create-alias", "--alias-name", "alias/cli", "--target-key-id", kid)
        path = os.path.join(self.nimbus.data_dir, "plain.bin")
        with open(path, "wb") as f:
            f.write(b"via the cli")
        _, enc, _ = self.nimbus.aws("kms", "encrypt", "--key-id", "alias/cli", "--plaintext", "fileb://" + path,
                                    "--encryption-context", "app=cli")
        with open(path, "wb") as f:
            f.write(base64.b64decode(enc["CiphertextBlob"]))
        _, dec, _ = self.nimbus.aws("kms", "decrypt", "--ciphertext-blob", "fileb://" + path,
                                    "--encryption-context", "app=cli")
        self.assertEqual(base64.b64decode(dec["Plaintext"]), b"via the cli")
        rc, _, err = self.nimbus.aws("kms", "describe-key", "--key-id", "alias/none", check=False)
        self.assertNotEqual(rc, 0)
        self.assertIn("NotFoundException", err)


class KmsRestartTest(unittest.TestCase):
    def test_keys_survive_restart_and_are_not_in_clear(self):
        n = Nimbus().start()
        try:
            kms = n.client("kms")
            kid = kms.create_key()["KeyMetadata"]["KeyId"]
            blob = kms.encrypt(KeyId=kid, Plaintext=b"durable")["CiphertextBlob"]
            n.stop()
            for d, _, names in os.walk(n.data_dir):
                for name in names:
                    with open(os.path.join(d, name), "rb") as f:
                        self.assertNotIn(b'"Material":"', f.read())   # key records are encrypted at rest
            n2 = Nimbus(data_dir=n.data_dir).start()
            try:
                self.assertEqual(n2.client("kms").decrypt(CiphertextBlob=blob)["Plaintext"], b"durable")
            finally:
                n2.stop()
        finally:
            n.cleanup()


if __name__ == "__main__":
    unittest.main()
