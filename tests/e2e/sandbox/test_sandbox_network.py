"""A function with VpcConfig (or every function under lambda.no_network=1) reaches nimbus and nothing else.

Issue 5, Network: by default a function has the host's network (it reaches
the outside world, and nimbus at AWS_ENDPOINT_URL); a function with
VpcConfig gets a network namespace of its own in which only nimbus answers —
its Runtime API (it is invoked at all) and nimbus's endpoint. The function
below reports its network interfaces (/proc/net/dev), the result of a
connect to an outside address (10.255.255.1: inside the namespace there is no
route, so the connect fails at once with ENETUNREACH and no
packet leaves; the test never tries an outside address from the host's
network) and whether nimbus's /_nimbus/health answers at AWS_ENDPOINT_URL.
Runs as root (full isolation)."""
import json
import unittest

from harness import Nimbus, NimbusTestCase, zip_bytes

BOOTSTRAP = r'''#!/bin/sh
API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
H=$(mktemp)
while true; do
  curl -sS -D "$H" -o /dev/null "$API/invocation/next"
  ID=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$H" | tr -d '\r' | awk '{print $2}')
  IFACES=$(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | sort | tr '\n' ' ')
  OUT=$(python3 -c 'import errno, socket
s = socket.socket(); s.settimeout(5)
try:
    s.connect(("10.255.255.1", 80)); print("connected")
except OSError as e:
    print(errno.errorcode.get(e.errno, "timeout"))')
  if [ -n "$SKIP_OUTSIDE" ]; then OUT=skipped; fi
  HEALTH=$(curl -sS --max-time 5 -o /dev/null -w '%{http_code}' "$AWS_ENDPOINT_URL/_nimbus/health")
  curl -sS -X POST "$API/invocation/$ID/response" \
    -d "{\"ifaces\":\"$IFACES\",\"outside\":\"$OUT\",\"health\":\"$HEALTH\"}" >/dev/null
done
'''

VPC = {"SubnetIds": ["subnet-0123456789abcdef0"], "SecurityGroupIds": ["sg-0123456789abcdef0"]}


def create(c, account, name, vpc=None, env=None):
    kw = {"VpcConfig": vpc} if vpc else {}
    if env:
        kw["Environment"] = {"Variables": env}
    c.create_function(FunctionName=name, Runtime="provided.al2", Handler="x", Timeout=30,
                      Role="arn:aws:iam::%s:role/lambda-role" % account,
                      Code={"ZipFile": zip_bytes({"bootstrap": (BOOTSTRAP, 0o755)})}, **kw)


def invoke(c, name):
    r = c.invoke(FunctionName=name, Payload=b"{}")
    body = r["Payload"].read()
    assert "FunctionError" not in r, body
    return json.loads(body)


class SandboxNetwork(NimbusTestCase):
    def test_vpc_function_reaches_only_nimbus(self):
        c = self.nimbus.client("lambda")
        create(c, self.nimbus.account, "vpc-fn", vpc=VPC)
        out = invoke(c, "vpc-fn")
        self.assertEqual(out["ifaces"].split(), ["lo"])
        self.assertEqual(out["outside"], "ENETUNREACH")
        self.assertEqual(out["health"], "200")

    def test_function_without_vpc_has_the_hosts_network(self):
        c = self.nimbus.client("lambda")
        # no outside address is tried from the host's network: only its interfaces are compared
        create(c, self.nimbus.account, "host-fn", env={"SKIP_OUTSIDE": "1"})
        out = invoke(c, "host-fn")
        with open("/proc/net/dev") as f:
            host = sorted(l.split(":")[0].strip() for l in f.read().splitlines()[2:])
        self.assertEqual(out["ifaces"].split(), host)
        self.assertEqual(out["health"], "200")

    def test_removing_the_vpc_config_gives_back_the_hosts_network(self):
        c = self.nimbus.client("lambda")
        create(c, self.nimbus.account, "vpc-then-not", vpc=VPC)
        self.assertEqual(invoke(c, "vpc-then-not")["ifaces"].split(), ["lo"])
        c.update_function_configuration(FunctionName="vpc-then-not", VpcConfig={"SubnetIds": [], "SecurityGroupIds": []},
                                        Environment={"Variables": {"SKIP_OUTSIDE": "1"}})
        c.get_waiter("function_updated").wait(FunctionName="vpc-then-not", WaiterConfig={"Delay": 1})
        self.assertNotEqual(invoke(c, "vpc-then-not")["ifaces"].split(), ["lo"])


class SandboxNoNetworkSetting(unittest.TestCase):
    def test_no_network_setting_applies_to_every_function(self):
        n = Nimbus(extra_args=("--set", "lambda.no_network=1"))
        try:
            n.start()
            c = n.client("lambda")
            create(c, n.account, "any-fn")
            out = invoke(c, "any-fn")
            self.assertEqual(out["ifaces"].split(), ["lo"])
            self.assertEqual(out["outside"], "ENETUNREACH")
            self.assertEqual(out["health"], "200")
        finally:
            n.cleanup()


if __name__ == "__main__":
    unittest.main()
