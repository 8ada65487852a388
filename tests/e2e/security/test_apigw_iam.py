"""API Gateway AWS_IAM authorization: a method (REST API) or route (HTTP API)
with authorizationType AWS_IAM admits only a request whose SigV4 signature
(service execute-api) verifies against nimbus's credential store and whose
signer is allowed execute-api:Invoke on the method ARN
(arn:aws:execute-api:REGION:ACCOUNT:API/STAGE/METHOD/PATH), through the same
evaluator as every AWS API call. An Authorization header alone (forged,
wrongly signed, unknown key) is not enough."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "apigw"))
from apigwtest import http, invoke_url  # noqa: E402
from harness import NimbusTestCase  # noqa: E402

ACCOUNT = "000000000000"
FORGED = ("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/execute-api/aws4_request, "
          "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64)


class ApiGatewayIam(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        n = cls.nimbus
        cls.iam = n.client("iam")
        gw = n.client("apigateway")
        api = gw.create_rest_api(name="iam-api")
        cls.api = api["id"]
        root = [r for r in gw.get_resources(restApiId=cls.api)["items"] if r["path"] == "/"][0]["id"]
        rid = gw.create_resource(restApiId=cls.api, parentId=root, pathPart="m")["id"]
        gw.put_method(restApiId=cls.api, resourceId=rid, httpMethod="GET", authorizationType="AWS_IAM")
        gw.put_integration(restApiId=cls.api, resourceId=rid, httpMethod="GET", type="MOCK",
                           requestTemplates={"application/json": '{"statusCode": 200}'})
        gw.put_method_response(restApiId=cls.api, resourceId=rid, httpMethod="GET", statusCode="200")
        gw.put_integration_response(restApiId=cls.api, resourceId=rid, httpMethod="GET", statusCode="200",
                                    selectionPattern="", responseTemplates={"application/json": '{"ok": true}'})
        gw.create_deployment(restApiId=cls.api, stageName="p")
        cls.url = invoke_url(n.endpoint, cls.api, "p", "/m")
        cls.method_arn = "arn:aws:execute-api:us-east-1:%s:%s/p/GET/m" % (ACCOUNT, cls.api)
        # an HTTP API route; its integration answers nothing (port 1): past the authorization, 5xx
        v2 = n.client("apigatewayv2")
        hapi = v2.create_api(Name="iam-http", ProtocolType="HTTP")["ApiId"]
        integ = v2.create_integration(ApiId=hapi, IntegrationType="HTTP_PROXY", IntegrationMethod="GET",
                                      IntegrationUri="http://127.0.0.1:1/", PayloadFormatVersion="1.0")
        v2.create_route(ApiId=hapi, RouteKey="GET /h", AuthorizationType="AWS_IAM",
                        Target="integrations/" + integ["IntegrationId"])
        v2.create_stage(ApiId=hapi, StageName="$default", AutoDeploy=True)
        cls.http_url = invoke_url(n.endpoint, hapi, "$default", "/h")

    def user(self, name, *statements):
        return self.nimbus.new_user(name, *statements)

    def get(self, url, key=None, secret=None):
        h = self.nimbus.sign("GET", url, service="execute-api", access_key=key, secret_key=secret)
        return http("GET", url, headers=h)

    def test_unsigned_and_forged_requests_are_refused(self):
        r = http("GET", self.url)
        self.assertEqual((r.status, r.json()), (403, {"message": "Missing Authentication Token"}))
        r = http("GET", self.url, headers={"Authorization": FORGED, "X-Amz-Date": "20260101T000000Z"})
        self.assertEqual(r.status, 403, r.body)
        self.assertNotIn(b'"ok"', r.body)
        r = http("GET", self.url, headers={"Authorization": "x"})
        self.assertEqual(r.status, 403, r.body)
        # root's key with a wrong secret: the signature does not match
        r = self.get(self.url, key=self.nimbus.creds["AWS_ACCESS_KEY_ID"], secret="wrong" * 8)
        self.assertEqual(r.status, 403, r.body)
        self.assertIn("signature", r.json()["message"])
        # signed for another service
        h = self.nimbus.sign("GET", self.url, service="lambda")
        self.assertEqual(http("GET", self.url, headers=h).status, 403)
        # HTTP API: the same
        r = http("GET", self.http_url, headers={"Authorization": FORGED, "X-Amz-Date": "20260101T000000Z"})
        self.assertEqual(r.status, 403, r.body)
        self.assertEqual(http("GET", self.http_url).status, 403)

    def test_signed_requests_need_execute_api_invoke(self):
        r = self.get(self.url)   # root
        self.assertEqual((r.status, r.json()), (200, {"ok": True}))
        self.assertNotEqual(self.get(self.http_url).status, 403)
        key = self.user("caller", {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": self.method_arn})
        r = self.get(self.url, *key)
        self.assertEqual((r.status, r.json()), (200, {"ok": True}))
        # no policy: AWS's denial, "Message" with a capital M
        key = self.user("nobody")
        r = self.get(self.url, *key)
        self.assertEqual(r.status, 403)
        self.assertEqual(r.json(), {"Message": "User: arn:aws:iam::%s:user/nobody is not authorized to perform: "
                                               "execute-api:Invoke on resource: %s" % (ACCOUNT, self.method_arn)})
        self.assertEqual(self.get(self.http_url, *key).status, 403)
        # an explicit deny wins over the allow
        key = self.user("denied", {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*"},
                        {"Effect": "Deny", "Action": "execute-api:Invoke",
                         "Resource": "arn:aws:execute-api:us-east-1:%s:%s/*" % (ACCOUNT, self.api)})
        r = self.get(self.url, *key)
        self.assertEqual(r.status, 403)
        self.assertEqual(r.json()["Message"], "User: arn:aws:iam::%s:user/denied is not authorized to perform: "
                         "execute-api:Invoke on resource: %s with an explicit deny" % (ACCOUNT, self.method_arn))
        self.assertNotEqual(self.get(self.http_url, *key).status, 403)
