"""Response splitting through header names: a function behind API Gateway
chooses its response's header names and values. A CR or LF in a value is
already neutralised by the HTTP writer; a header name is not a place for
them (nor for ':' or spaces) either: such a header is dropped, never written
as a line of its own, and the response stays one well-formed response."""
import json
import socket
from urllib.parse import urlsplit

from harness import NimbusTestCase, zip_bytes

HANDLER = r'''
def handler(event, context):
    return {"statusCode": 200,
            "headers": {"x-ok": "1", "x-bad\r\nx-injected": "yes", "x-sp ace": "1", "x-co:lon": "1",
                        "x-val": "a\r\nx-injected-by-value: yes"},
            "multiValueHeaders": {"x-multi\r\n\r\nHTTP/1.1 200 OK": ["1"]},
            "body": "fine"}
'''


def code_zip():
    return zip_bytes({"app.py": (HANDLER, 0o644)})


def raw_get(url):
    u = urlsplit(url)
    s = socket.create_connection((u.hostname, u.port), timeout=30)
    try:
        s.sendall(("GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" % (u.path, u.netloc)).encode())
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return data
            data += chunk
    finally:
        s.close()


class HeaderInjection(NimbusTestCase):
    def test_function_cannot_split_the_response(self):
        n = self.nimbus
        iam = n.client("iam")
        role = iam.create_role(RoleName="hdr-role", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                                                    "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
        lam = n.client("lambda")
        fn = lam.create_function(FunctionName="hdr", Runtime="python3.11", Handler="app.handler", Role=role,
                                 Code={"ZipFile": code_zip()}, Timeout=10)["FunctionArn"]
        lam.get_waiter("function_active_v2").wait(FunctionName="hdr")
        v2 = n.client("apigatewayv2")
        api = v2.create_api(Name="hdr", ProtocolType="HTTP")["ApiId"]
        integ = v2.create_integration(ApiId=api, IntegrationType="AWS_PROXY", IntegrationUri=fn,
                                      PayloadFormatVersion="1.0")["IntegrationId"]
        v2.create_route(ApiId=api, RouteKey="GET /h", Target="integrations/" + integ)
        v2.create_stage(ApiId=api, StageName="$default", AutoDeploy=True)
        lam.add_permission(FunctionName="hdr", StatementId="gw", Action="lambda:InvokeFunction",
                           Principal="apigateway.amazonaws.com")
        resp = raw_get("%s/_aws/execute-api/%s/h" % (n.endpoint, api))
        head, _, body = resp.partition(b"\r\n\r\n")
        self.assertTrue(head.startswith(b"HTTP/1.1 200 "), resp)
        self.assertEqual(body, b"fine", resp)
        lines = head.split(b"\r\n")[1:]
        names = [ln.split(b":", 1)[0].lower() for ln in lines]
        self.assertIn(b"x-ok", names)
        for ln in lines:
            self.assertIn(b": ", ln, resp)                    # every line is a "name: value" header
            self.assertNotIn(b"\n", ln)
            self.assertNotIn(b"\r", ln)
        for bad in (b"x-injected", b"x-injected-by-value", b"x-bad", b"x-sp ace", b"x-co", b"x-multi",
                    b"http/1.1 200 ok"):
            self.assertNotIn(bad, names, resp)
        self.assertEqual(resp.count(b"HTTP/1.1"), 1, resp)
