"""HTTPS end to end: nimbus up --tls-listen with the self-signed certificate it
generates; boto3 and the AWS CLI v2 trust it through AWS_CA_BUNDLE; TLS 1.1
and garbage are refused without harming the daemon."""
import os
import socket
import ssl
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from harness import AWS_CLI, BINARY, Nimbus  # noqa: E402


class TlsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.nimbus = Nimbus(extra_args=["--tls-listen", "127.0.0.1:0"]).start()
        tls_dir = os.path.join(cls.nimbus.data_dir, "tls")
        cls.cert = os.path.join(tls_dir, "cert.pem")
        with open(os.path.join(tls_dir, "endpoint")) as f:
            cls.https = f.read().strip()
        cls.port = int(cls.https.rsplit(":", 1)[1])

    @classmethod
    def tearDownClass(cls):
        cls.nimbus.cleanup()

    def test_generated_certificate_files(self):
        self.assertTrue(self.https.startswith("https://127.0.0.1:"))
        key = os.path.join(os.path.dirname(self.cert), "key.pem")
        self.assertEqual(os.stat(key).st_mode & 0o777, 0o600)
        with open(self.cert) as f:
            self.assertIn("BEGIN CERTIFICATE", f.read())

    def boto(self, service):
        import boto3
        return boto3.client(service, endpoint_url=self.https, region_name="us-east-1",
                            aws_access_key_id=self.nimbus.creds["AWS_ACCESS_KEY_ID"],
                            aws_secret_access_key=self.nimbus.creds["AWS_SECRET_ACCESS_KEY"], verify=self.cert)

    def test_boto3_over_https(self):
        ddb = self.boto("dynamodb")
        ddb.create_table(TableName="TlsT", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                         BillingMode="PAY_PER_REQUEST")
        self.assertIn("TlsT", ddb.list_tables()["TableNames"])
        ddb.put_item(TableName="TlsT", Item={"id": {"S": "a"}, "v": {"S": "x" * 100000}})
        got = ddb.get_item(TableName="TlsT", Key={"id": {"S": "a"}})
        self.assertEqual(len(got["Item"]["v"]["S"]), 100000)

    def nimbus_env(self, data_dir):
        out = subprocess.run([BINARY, "env", "--data", data_dir], capture_output=True, text=True, check=True).stdout
        env = {}
        for line in out.splitlines():
            self.assertTrue(line.startswith("export "), line)
            k, v = line[len("export "):].split("=", 1)
            env[k] = v
        return env

    def test_nimbus_env_alone_points_boto3_at_https(self):
        env = self.nimbus_env(self.nimbus.data_dir)
        self.assertEqual(env["AWS_ENDPOINT_URL"], self.https)
        self.assertEqual(env["AWS_CA_BUNDLE"], os.path.realpath(self.cert))
        # only what `nimbus env` printed (plus PATH): no config files, no other AWS variables
        clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/nonexistent",
                 "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"}
        clean.update(env)
        # Debian's botocore does not read AWS_ENDPOINT_URL itself: the script passes it on (and
        # so can never reach a real AWS endpoint); AWS_CA_BUNDLE, region and keys come from the env
        code = ("import os, boto3; url = os.environ['AWS_ENDPOINT_URL'];"
                "c = boto3.client('dynamodb', endpoint_url=url);"
                "c.create_table(TableName='EnvT', KeySchema=[{'AttributeName': 'id', 'KeyType': 'HASH'}],"
                "AttributeDefinitions=[{'AttributeName': 'id', 'AttributeType': 'S'}], BillingMode='PAY_PER_REQUEST');"
                "c.put_item(TableName='EnvT', Item={'id': {'S': 'k'}});"
                "print(c.meta.endpoint_url, c.get_item(TableName='EnvT', Key={'id': {'S': 'k'}})['Item']['id']['S'],"
                "boto3.client('sts', endpoint_url=url).get_caller_identity()['Arn'])")
        p = subprocess.run(["/usr/bin/python3", "-c", code], env=clean, capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.split(), [self.https, "k", "arn:aws:iam::000000000000:root"])
        # the same without the bundle: the self-signed certificate is refused
        del clean["AWS_CA_BUNDLE"]
        p = subprocess.run(["/usr/bin/python3", "-c", code], env=clean, capture_output=True, text=True, timeout=60)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("CERTIFICATE_VERIFY_FAILED", p.stderr)

    def test_boto3_with_aws_ca_bundle_env(self):
        env = dict(self.nimbus.env())
        env["AWS_CA_BUNDLE"] = self.cert
        code = ("import boto3; c = boto3.client('dynamodb', endpoint_url=%r, region_name='us-east-1');"
                "print(type(c.list_tables()['TableNames']).__name__)" % self.https)
        p = subprocess.run(["/usr/bin/python3", "-c", code], env=env, capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.strip(), "list")

    def test_aws_cli_with_aws_ca_bundle(self):
        env = self.nimbus.env()
        env["AWS_CA_BUNDLE"] = self.cert
        env.pop("AWS_ENDPOINT_URL", None)
        p = subprocess.run([AWS_CLI, "--endpoint-url", self.https, "--output", "json", "dynamodb", "list-tables"],
                           env=env, capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("TableNames", p.stdout)

    def test_untrusted_without_bundle(self):
        env = self.nimbus.env()
        env.pop("AWS_CA_BUNDLE", None)
        env.pop("AWS_ENDPOINT_URL", None)
        p = subprocess.run([AWS_CLI, "--endpoint-url", self.https, "dynamodb", "list-tables"],
                           env=env, capture_output=True, text=True, timeout=120)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("CERTIFICATE_VERIFY_FAILED", p.stderr)

    def handshake(self, ctx):
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
            with ctx.wrap_socket(s, server_hostname="localhost") as t:
                return t.version()

    def test_tls12_and_13_accepted(self):
        for v in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
            ctx = ssl.create_default_context(cafile=self.cert)
            ctx.minimum_version = ctx.maximum_version = v
            self.assertEqual(self.handshake(ctx), {ssl.TLSVersion.TLSv1_2: "TLSv1.2",
                                                   ssl.TLSVersion.TLSv1_3: "TLSv1.3"}[v])

    def test_tls11_refused(self):
        p = subprocess.run(["openssl", "s_client", "-connect", "127.0.0.1:%d" % self.port, "-tls1_1",
                            "-cipher", "DEFAULT@SECLEVEL=0"],
                           input="", capture_output=True, text=True, timeout=30)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("Cipher is (NONE)", p.stdout)           # no session was established
        self.assertIn("alert protocol version", p.stderr)     # the server said why

    def test_garbage_does_not_hurt(self):
        junk = [b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", b"\x16\x03\x03\xff\xff", os.urandom(65536),
                b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc" + os.urandom(508)]   # a whole bogus ClientHello
        for j in junk:
            with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
                try:
                    s.sendall(j)
                    while s.recv(4096):
                        pass
                except (ConnectionResetError, BrokenPipeError):
                    pass
        ctx = ssl.create_default_context(cafile=self.cert)
        self.assertIn(self.handshake(ctx), ("TLSv1.2", "TLSv1.3"))
        self.assertEqual(self.boto("dynamodb").list_tables()["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.nimbus.wait_healthy()


if __name__ == "__main__":
    unittest.main()


class EnvWithoutTls(unittest.TestCase):
    def test_https_endpoint_forgotten_when_tls_is_off(self):
        n = Nimbus(extra_args=["--tls-listen", "127.0.0.1:0"]).start()
        try:
            out = subprocess.run([BINARY, "env", "--data", n.data_dir], capture_output=True, text=True).stdout
            self.assertIn("export AWS_ENDPOINT_URL=https://127.0.0.1:", out)
            self.assertIn("export AWS_CA_BUNDLE=", out)
            n.stop()
            plain = Nimbus(data_dir=n.data_dir).start()
            try:
                out = subprocess.run([BINARY, "env", "--data", n.data_dir], capture_output=True, text=True).stdout
                self.assertIn("export AWS_ENDPOINT_URL=%s\n" % plain.endpoint, out)
                self.assertNotIn("AWS_CA_BUNDLE", out)
            finally:
                plain.stop()
        finally:
            n.cleanup()
