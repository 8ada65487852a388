"""GetModelTemplate (REST and HTTP APIs), GetSdkTypes / GetSdkType and GetSdk
end to end: the template generated from a model's JSON Schema (with $refs to
other models) renders on a live AWS integration and shapes the request the
function receives; the JavaScript SDK fetched with the AWS CLI and boto3 is
unzipped and loaded in Node.js, and calls a deployed API through it (MOCK,
Lambda proxy, an API-key method and an AWS_IAM method signed with SigV4)."""
import io
import json
import os
import subprocess
import sys
import tempfile
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from apigwtest import NimbusTestCase, create_function, http, invoke_url, lambda_uri  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL_REF = "https://apigateway.amazonaws.com/restapis/%s/models/%s"

ORDER = {
    "$schema": "http://json-schema.org/draft-04/schema#", "title": "Order", "type": "object",
    "properties": {
        "id": {"type": "string"},
        "qty": {"type": "integer"},
        "price": {"type": "number"},
        "paid": {"type": "boolean"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "owner": {"type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "integer"}}},
        "lines": {"type": "array", "items": {"$ref": None}},
    },
}
LINE = {"type": "object", "properties": {"sku": {"type": "string"}, "n": {"type": "integer"}}}

EXPECTED = """#set($inputRoot = $input.path('$'))
{
  "id" : "$inputRoot.id",
  "qty" : $inputRoot.qty,
  "price" : $inputRoot.price,
  "paid" : $inputRoot.paid,
  "tags" : [
##TODO: Update this foreach loop to reference array from input json
#foreach($elem in $inputRoot.tags)
    "$elem"#if($foreach.hasNext),#end
#end
  ],
  "owner" : {
    "name" : "$inputRoot.owner.name",
    "age" : $inputRoot.owner.age
  },
  "lines" : [
##TODO: Update this foreach loop to reference array from input json
#foreach($elem in $inputRoot.lines)
    {
      "sku" : "$elem.sku",
      "n" : $elem.n
    }#if($foreach.hasNext),#end
#end
  ]
}"""


def order_schema(api_id):
    s = json.loads(json.dumps(ORDER))
    s["properties"]["lines"]["items"]["$ref"] = MODEL_REF % (api_id, "Line")
    return json.dumps(s)


class ModelTemplates(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gw = cls.nimbus.client("apigateway")
        cls.v2 = cls.nimbus.client("apigatewayv2")
        cls.lam = cls.nimbus.client("lambda")
        cls.raw = create_function(cls.lam, "mt-raw", "raw")

    def error(self, fn, **kw):
        try:
            fn(**kw)
        except self.gw.exceptions.ClientError as e:
            return e.response["Error"]["Code"], e.response["Error"]["Message"]
        self.fail("no error")

    def test_v1_template_layout_and_errors(self):
        api = self.gw.create_rest_api(name="mt")["id"]
        self.gw.create_model(restApiId=api, name="Line", contentType="application/json", schema=json.dumps(LINE))
        self.gw.create_model(restApiId=api, name="Order", contentType="application/json", schema=order_schema(api))
        self.assertEqual(self.gw.get_model_template(restApiId=api, modelName="Order")["value"], EXPECTED)
        # the AWS CLI sees the same
        _, out, _ = self.nimbus.aws("apigateway", "get-model-template", "--rest-api-id", api, "--model-name", "Line")
        self.assertEqual(out["value"], "#set($inputRoot = $input.path('$'))\n{\n  \"sku\" : \"$inputRoot.sku\",\n"
                                       "  \"n\" : $inputRoot.n\n}")
        # an empty object, a top-level array, names that are no VTL identifiers, a model inside itself
        self.gw.create_model(restApiId=api, name="Blank", contentType="application/json",
                             schema='{"type": "object"}')
        self.assertEqual(self.gw.get_model_template(restApiId=api, modelName="Blank")["value"],
                         "#set($inputRoot = $input.path('$'))\n{ }")
        self.gw.create_model(restApiId=api, name="List", contentType="application/json",
                             schema=json.dumps({"type": "array", "items": {"type": "number"}}))
        self.assertEqual(self.gw.get_model_template(restApiId=api, modelName="List")["value"],
                         "#set($inputRoot = $input.path('$'))\n[\n##TODO: Update this foreach loop to reference "
                         "array from input json\n#foreach($elem in $inputRoot)\n  $elem#if($foreach.hasNext),#end\n"
                         "#end\n]")
        self.gw.create_model(restApiId=api, name="Tree", contentType="application/json", schema=json.dumps(
            {"type": "object", "properties": {"first-name": {"type": "string"}, "it's": {"type": "string"},
                                              "child": {"$ref": MODEL_REF % (api, "Tree")}}}))
        self.assertEqual(self.gw.get_model_template(restApiId=api, modelName="Tree")["value"],
                         "#set($inputRoot = $input.path('$'))\n{\n  \"first-name\" : \"$inputRoot.get('first-name')\",\n"
                         "  \"child\" : { }\n}")
        # errors
        code, msg = self.error(self.gw.get_model_template, restApiId=api, modelName="Nope")
        self.assertEqual((code, msg), ("NotFoundException", "Invalid Model identifier specified"))
        code, msg = self.error(self.gw.get_model_template, restApiId="nope123", modelName="Order")
        self.assertEqual(code, "NotFoundException")
        self.assertEqual(msg, "Invalid API identifier specified 000000000000:nope123")
        self.gw.create_model(restApiId=api, name="Dangling", contentType="application/json", schema=json.dumps(
            {"type": "object", "properties": {"x": {"$ref": MODEL_REF % (api, "Missing")}}}))
        code, msg = self.error(self.gw.get_model_template, restApiId=api, modelName="Dangling")
        self.assertEqual(code, "BadRequestException")
        self.assertIn("$ref", msg)
        # a model without a schema is refused at CreateModel (AWS-recorded, see test_apigw_ls_control.py)
        self.assertEqual(self.error(self.gw.create_model, restApiId=api, name="NoSchema", contentType="application/json"),
                         ("BadRequestException", "Model schema must have at least 1 property or array items defined"))

    def test_v1_template_renders_on_an_aws_integration(self):
        api = self.gw.create_rest_api(name="mt-render")["id"]
        self.gw.create_model(restApiId=api, name="Line", contentType="application/json", schema=json.dumps(LINE))
        self.gw.create_model(restApiId=api, name="Order", contentType="application/json", schema=order_schema(api))
        tmpl = self.gw.get_model_template(restApiId=api, modelName="Order")["value"]
        root = [r for r in self.gw.get_resources(restApiId=api)["items"] if r["path"] == "/"][0]["id"]
        rid = self.gw.create_resource(restApiId=api, parentId=root, pathPart="orders")["id"]
        self.gw.put_method(restApiId=api, resourceId=rid, httpMethod="POST", authorizationType="NONE")
        self.gw.put_integration(restApiId=api, resourceId=rid, httpMethod="POST", type="AWS",
                                integrationHttpMethod="POST", uri=lambda_uri(self.raw),
                                requestTemplates={"application/json": tmpl})
        self.gw.put_method_response(restApiId=api, resourceId=rid, httpMethod="POST", statusCode="200")
        self.gw.put_integration_response(restApiId=api, resourceId=rid, httpMethod="POST", statusCode="200",
                                         selectionPattern="")
        self.gw.create_deployment(restApiId=api, stageName="p")
        sent = {"id": "o-1", "qty": 3, "price": 9.5, "paid": True, "tags": ["a", "b"], "extra": "dropped",
                "owner": {"name": "Ann", "age": 40}, "lines": [{"sku": "s1", "n": 1}, {"sku": "s2", "n": 2}]}
        r = http("POST", invoke_url(self.nimbus.endpoint, api, "p", "/orders"), body=json.dumps(sent),
                 headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 200, r.body)
        got = r.json()   # the function's event: the rendered template
        want = dict(sent)
        del want["extra"]
        self.assertEqual(got, want)

    def test_v2_template(self):
        api = self.v2.create_api(Name="mt2", ProtocolType="WEBSOCKET",
                                 RouteSelectionExpression="$request.body.action")["ApiId"]
        self.v2.create_model(ApiId=api, Name="Line", ContentType="application/json", Schema=json.dumps(LINE))
        order = self.v2.create_model(ApiId=api, Name="Order", ContentType="application/json",
                                     Schema=order_schema(api))
        self.assertEqual(self.v2.get_model_template(ApiId=api, ModelId=order["ModelId"])["Value"], EXPECTED)
        _, out, _ = self.nimbus.aws("apigatewayv2", "get-model-template", "--api-id", api, "--model-id",
                                    order["ModelId"])
        self.assertEqual(out["Value"], EXPECTED)
        for kw, msg in (({"ApiId": api, "ModelId": "nope"}, "Invalid Model identifier specified"),
                        ({"ApiId": "nope123", "ModelId": order["ModelId"]},
                         "Invalid API identifier specified 000000000000:nope123")):
            try:
                self.v2.get_model_template(**kw)
                self.fail("no error")
            except self.v2.exceptions.NotFoundException as e:
                self.assertEqual(e.response["Error"]["Message"], msg)
        bad = self.v2.create_model(ApiId=api, Name="Bad", ContentType="application/json", Schema="[1, 2]")
        with self.assertRaises(self.v2.exceptions.BadRequestException):
            self.v2.get_model_template(ApiId=api, ModelId=bad["ModelId"])


class SdkGeneration(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        n = cls.nimbus
        cls.gw = n.client("apigateway")
        lam = n.client("lambda")
        echo = create_function(lam, "sdk-echo", "echo")
        api = cls.gw.create_rest_api(name="sdk-api")["id"]
        cls.api = api
        root = [r for r in cls.gw.get_resources(restApiId=api)["items"] if r["path"] == "/"][0]["id"]

        def res(parent, part):
            return cls.gw.create_resource(restApiId=api, parentId=parent, pathPart=part)["id"]

        def mock(rid, verb, template, **kw):
            cls.gw.put_method(restApiId=api, resourceId=rid, httpMethod=verb,
                              authorizationType=kw.pop("authorizationType", "NONE"), **kw)
            cls.gw.put_integration(restApiId=api, resourceId=rid, httpMethod=verb, type="MOCK",
                                   requestTemplates={"application/json": '{"statusCode": 200}'})
            cls.gw.put_method_response(restApiId=api, resourceId=rid, httpMethod=verb, statusCode="200")
            cls.gw.put_integration_response(restApiId=api, resourceId=rid, httpMethod=verb, statusCode="200",
                                            selectionPattern="", responseTemplates={"application/json": template})

        def proxy(rid, verb, **kw):
            cls.gw.put_method(restApiId=api, resourceId=rid, httpMethod=verb, authorizationType="NONE", **kw)
            cls.gw.put_integration(restApiId=api, resourceId=rid, httpMethod=verb, type="AWS_PROXY",
                                   integrationHttpMethod="POST", uri=lambda_uri(echo))

        mock(root, "GET", '{"root": true}')
        mock(res(root, "items"), "GET", '{"mock": true, "q": "$input.params(\'q\')"}',
             requestParameters={"method.request.querystring.q": False})
        users = res(root, "users")
        proxy(users, "POST")
        proxy(res(users, "{id}"), "GET", requestParameters={"method.request.path.id": True,
                                                            "method.request.header.x-h": False})
        proxy(res(res(root, "files"), "{path+}"), "ANY")
        mock(res(root, "secret"), "GET", '{"secret": true}', apiKeyRequired=True)
        mock(res(root, "iam"), "GET", '{"iam": true, "q": "$input.params(\'q\')"}', authorizationType="AWS_IAM",
             requestParameters={"method.request.querystring.q": False})
        cls.gw.create_deployment(restApiId=api, stageName="prod")
        key = cls.gw.create_api_key(name="sdk-key", enabled=True)
        plan = cls.gw.create_usage_plan(name="sdk-plan", apiStages=[{"apiId": api, "stage": "prod"}])
        cls.gw.create_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"], keyType="API_KEY")
        cls.key = key["value"]
        cls.tmp = tempfile.mkdtemp(prefix="nimbus-sdk-")
        cls.addClassCleanup(subprocess.run, ["rm", "-rf", cls.tmp])

    def test_sdk_types(self):
        items = self.gw.get_sdk_types()["items"]
        self.assertEqual(sorted(t["id"] for t in items), ["android", "java", "javascript", "objectivec", "ruby", "swift"])
        t = self.gw.get_sdk_type(id="android")
        self.assertEqual(sorted((p["name"], p["required"]) for p in t["configurationProperties"]),
                         [("artifactId", True), ("artifactVersion", True), ("groupId", True),
                          ("invokerPackage", True)])
        java = {p["name"]: p for p in self.gw.get_sdk_type(id="java")["configurationProperties"]}
        self.assertTrue(java["serviceName"]["required"] and java["javaPackageName"]["required"])
        self.assertEqual(java["javaBuildSystem"]["defaultValue"], "maven")
        for sid in ("objectivec", "swift"):
            props = self.gw.get_sdk_type(id=sid)["configurationProperties"]
            self.assertEqual([(p["name"], p["required"]) for p in props], [("classPrefix", True)])
        ruby = {p["name"]: p["required"] for p in self.gw.get_sdk_type(id="ruby")["configurationProperties"]}
        self.assertEqual(ruby, {"service.name": True, "ruby.gem-name": False, "ruby.gem-version": False})
        self.assertEqual(self.gw.get_sdk_type(id="javascript")["configurationProperties"], [])
        _, out, _ = self.nimbus.aws("apigateway", "get-sdk-types")
        self.assertEqual(len(out["items"]), 6)
        with self.assertRaises(self.gw.exceptions.NotFoundException):
            self.gw.get_sdk_type(id="cobol")

    def test_get_sdk_errors(self):
        with self.assertRaises(self.gw.exceptions.NotFoundException):
            self.gw.get_sdk(restApiId="nope123", stageName="prod", sdkType="javascript")
        with self.assertRaises(self.gw.exceptions.NotFoundException):
            self.gw.get_sdk(restApiId=self.api, stageName="nostage", sdkType="javascript")
        with self.assertRaises(self.gw.exceptions.NotFoundException):
            self.gw.get_sdk(restApiId=self.api, stageName="prod", sdkType="cobol")
        # a type API Gateway knows: its required parameters first, then refused (javascript only here)
        with self.assertRaises(self.gw.exceptions.BadRequestException) as cm:
            self.gw.get_sdk(restApiId=self.api, stageName="prod", sdkType="swift")
        self.assertIn("classPrefix", cm.exception.response["Error"]["Message"])
        with self.assertRaises(self.gw.exceptions.BadRequestException) as cm:
            self.gw.get_sdk(restApiId=self.api, stageName="prod", sdkType="swift", parameters={"classPrefix": "X"})
        self.assertIn("javascript", cm.exception.response["Error"]["Message"])

    def test_javascript_sdk_through_boto3_cli_and_node(self):
        r = self.gw.get_sdk(restApiId=self.api, stageName="prod", sdkType="javascript")
        self.assertEqual(r["contentType"], "application/octet-stream")
        self.assertRegex(r["contentDisposition"], r'^attachment; filename="%s_prod_javascript_[0-9TZ-]+\.zip"$' % self.api)
        body = r["body"].read()
        names = zipfile.ZipFile(io.BytesIO(body)).namelist()
        self.assertEqual(sorted(names), ["apiGateway-js-sdk/README.md", "apiGateway-js-sdk/apigClient.js"])
        # the AWS CLI writes the same zip to a file
        out = os.path.join(self.tmp, "out.zip")
        self.nimbus.aws("apigateway", "get-sdk", "--rest-api-id", self.api, "--stage-name", "prod",
                        "--sdk-type", "javascript", out)
        sdk = os.path.join(self.tmp, "sdk")
        with zipfile.ZipFile(out) as z:
            self.assertIsNone(z.testzip())
            z.extractall(sdk)
        p = self.nimbus.node(os.path.join(HERE, "sdk_client.mjs"), sdk, json.dumps({
            "apiKey": self.key, "accessKey": self.nimbus.creds["AWS_ACCESS_KEY_ID"],
            "secretKey": self.nimbus.creds["AWS_SECRET_ACCESS_KEY"]}))
        self.assertEqual(p.returncode, 0, p.stderr)
        res = json.loads(p.stdout)
        self.assertEqual(res["methods"], ["filesPathAny", "iamGet", "itemsGet", "rootGet", "secretGet", "usersIdGet",
                                          "usersPost"])
        self.assertEqual(res["rootGet"]["status"], 200)
        self.assertEqual(res["rootGet"]["data"], {"root": True})
        self.assertEqual(res["itemsGet"]["data"], {"mock": True, "q": "x y&z"})
        ev = res["usersIdGet"]["data"]   # the Lambda proxy event
        self.assertEqual(res["usersIdGet"]["status"], 200)
        self.assertEqual(ev["resource"], "/users/{id}")
        # the client encodes the parameter; a REST API hands it over as sent
        self.assertEqual(ev["pathParameters"], {"id": "a%20b"})
        self.assertEqual(ev["headers"]["x-h"], "hv")
        self.assertEqual(ev["queryStringParameters"], {"extra": "1"})
        self.assertNotIn("x-api-key", ev["headers"])
        ev = res["usersPost"]["data"]
        self.assertEqual((ev["httpMethod"], json.loads(ev["body"])), ("POST", {"name": "n", "n": 2}))
        # a REST API keeps the client's spelling of header names
        self.assertEqual({k.lower(): v for k, v in ev["headers"].items()}["content-type"], "application/json")
        ev = res["filesPathAny"]["data"]   # ANY takes its method from additionalParams; {path+} keeps its '/'
        self.assertEqual((ev["httpMethod"], ev["resource"], ev["pathParameters"]),
                         ("PUT", "/files/{path+}", {"path": "a/b%20c"}))
        self.assertEqual(ev["body"], "x")
        self.assertIn("Missing required parameter: id", res["usersIdGetMissing"]["error"])
        self.assertEqual((res["secretNoKey"]["status"], res["secretNoKey"]["data"]), (403, {"message": "Forbidden"}))
        self.assertEqual((res["secretKey"]["status"], res["secretKey"]["data"]), (200, {"secret": True}))
        self.assertEqual((res["iamUnsigned"]["status"], res["iamUnsigned"]["data"]),
                         (403, {"message": "Missing Authentication Token"}))
        self.assertEqual((res["iamSigned"]["status"], res["iamSigned"]["data"]), (200, {"iam": True, "q": "v/1"}))
        self.assertEqual(res["iamBadSecret"]["status"], 403)
        self.assertIn("signature", res["iamBadSecret"]["data"]["message"])
        # the generated client's method for GET /users/{id} is the one AWS names usersIdGet
        js = zipfile.ZipFile(io.BytesIO(body)).read("apiGateway-js-sdk/apigClient.js").decode()
        self.assertIn("apigClient.usersIdGet = function (params, body, additionalParams)", js)
        self.assertIn("apigClientFactory.newClient = function (config)", js)
        self.assertEqual(http("GET", invoke_url(self.nimbus.endpoint, self.api, "prod", "/")).json(), {"root": True})
