"""API exports end to end: GetExport (a REST API stage as Swagger 2 or
OpenAPI 3, JSON or YAML, with or without API Gateway's extensions) and
ExportApi (an HTTP API as OpenAPI 3, live or as a stage serves it), through
boto3 and the AWS CLI; an export re-imports (ImportRestApi / ImportApi) to an
API that answers the same; AWS's errors."""
import json
import os
import sys
import tempfile
import unittest

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from apigwtest import NimbusTestCase, http, invoke_url  # noqa: E402

FN = "arn:aws:lambda:us-east-1:000000000000:function:f"
URI = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/%s/invocations" % FN


class Exports(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gw = cls.nimbus.client("apigateway")
        cls.gw2 = cls.nimbus.client("apigatewayv2")

    def rest_api(self):
        api = self.gw.create_rest_api(name="exported", description="an API to export")
        aid = api["id"]
        root = self.gw.get_resources(restApiId=aid)["items"][0]["id"]
        pets = self.gw.create_resource(restApiId=aid, parentId=root, pathPart="pets")["id"]
        pet = self.gw.create_resource(restApiId=aid, parentId=pets, pathPart="{id}")["id"]
        self.gw.create_model(restApiId=aid, name="Pet", contentType="application/json",
                             schema=json.dumps({"type": "object", "required": ["name"]}))
        v = self.gw.create_request_validator(restApiId=aid, name="body", validateRequestBody=True)
        self.gw.put_method(restApiId=aid, resourceId=pets, httpMethod="GET", authorizationType="NONE",
                           requestParameters={"method.request.querystring.limit": False})
        self.gw.put_integration(restApiId=aid, resourceId=pets, httpMethod="GET", type="MOCK",
                                requestTemplates={"application/json": '{"statusCode": 200}'})
        self.gw.put_method_response(restApiId=aid, resourceId=pets, httpMethod="GET", statusCode="200")
        self.gw.put_integration_response(restApiId=aid, resourceId=pets, httpMethod="GET", statusCode="200",
                                         responseTemplates={"application/json": '{"pets": []}'})
        self.gw.put_method(restApiId=aid, resourceId=pets, httpMethod="POST", authorizationType="NONE",
                           requestValidatorId=v["id"], requestModels={"application/json": "Pet"})
        self.gw.put_integration(restApiId=aid, resourceId=pets, httpMethod="POST", type="MOCK",
                                requestTemplates={"application/json": '{"statusCode": 201}'})
        self.gw.put_integration_response(restApiId=aid, resourceId=pets, httpMethod="POST", statusCode="201",
                                         selectionPattern="201",
                                         responseTemplates={"application/json": '{"created": true}'})
        self.gw.put_method(restApiId=aid, resourceId=pet, httpMethod="GET", authorizationType="NONE")
        self.gw.put_integration(restApiId=aid, resourceId=pet, httpMethod="GET", type="AWS_PROXY",
                                integrationHttpMethod="POST", uri=URI)
        self.gw.put_gateway_response(restApiId=aid, responseType="DEFAULT_4XX",
                                     responseParameters={"gatewayresponse.header.Access-Control-Allow-Origin": "'*'"})
        self.gw.create_deployment(restApiId=aid, stageName="prod")
        return aid

    def test_rest_api_swagger_and_oas30(self):
        aid = self.rest_api()
        out = self.gw.get_export(restApiId=aid, stageName="prod", exportType="swagger",
                                 parameters={"extensions": "integrations"}, accepts="application/json")
        # AWS answers a JSON export as application/octet-stream (test_apigw_ls_control.py::test_export_shapes)
        self.assertEqual(out["contentType"], "application/octet-stream")
        self.assertIn("swagger", out["contentDisposition"])
        d = json.loads(out["body"].read())
        self.assertEqual(d["swagger"], "2.0")
        self.assertEqual(d["info"]["title"], "exported")
        self.assertEqual(d["basePath"], "/prod")
        self.assertEqual(sorted(d["paths"]), ["/pets", "/pets/{id}"])
        self.assertEqual(sorted(d["paths"]["/pets"]), ["get", "post"])
        get = d["paths"]["/pets"]["get"]
        self.assertEqual(get["parameters"], [{"name": "limit", "in": "query", "required": False, "type": "string"}])
        self.assertEqual(get["x-amazon-apigateway-integration"]["type"], "mock")
        self.assertEqual(get["x-amazon-apigateway-integration"]["responses"]["default"]["statusCode"], "200")
        post = d["paths"]["/pets"]["post"]
        self.assertEqual(post["x-amazon-apigateway-request-validator"], "body")
        self.assertIn({"in": "body", "name": "Pet", "required": True, "schema": {"$ref": "#/definitions/Pet"}},
                      post["parameters"])
        self.assertEqual(post["x-amazon-apigateway-integration"]["responses"]["201"]["statusCode"], "201")
        proxy = d["paths"]["/pets/{id}"]["get"]
        self.assertEqual(proxy["parameters"], [{"name": "id", "in": "path", "required": True, "type": "string"}])
        self.assertEqual(proxy["x-amazon-apigateway-integration"]["uri"], URI)
        self.assertEqual(proxy["x-amazon-apigateway-integration"]["type"], "aws_proxy")
        self.assertEqual(d["definitions"]["Pet"], {"type": "object", "required": ["name"]})
        self.assertEqual(d["x-amazon-apigateway-request-validators"],
                         {"body": {"validateRequestBody": True, "validateRequestParameters": False}})
        self.assertEqual(d["x-amazon-apigateway-gateway-responses"]["DEFAULT_4XX"]["responseParameters"],
                         {"gatewayresponse.header.Access-Control-Allow-Origin": "'*'"})

        # without extensions: no x-amazon-apigateway-*
        plain = json.loads(self.gw.get_export(restApiId=aid, stageName="prod", exportType="oas30")["body"].read())
        self.assertEqual(plain["openapi"], "3.0.1")
        self.assertEqual(plain["servers"][0]["variables"]["basePath"]["default"], "prod")   # no slash, as AWS writes it
        self.assertNotIn("x-amazon-apigateway", json.dumps(plain))
        self.assertEqual(plain["components"]["schemas"]["Pet"], {"type": "object", "required": ["name"]})
        self.assertEqual(plain["paths"]["/pets"]["post"]["requestBody"]["content"]["application/json"]["schema"],
                         {"$ref": "#/components/schemas/Pet"})

        # YAML OpenAPI 3 with extensions re-imports to an API answering the same
        y = self.gw.get_export(restApiId=aid, stageName="prod", exportType="oas30",
                               parameters={"extensions": "apigateway"}, accepts="application/yaml")
        self.assertEqual(y["contentType"], "application/yaml")
        text = y["body"].read()
        doc = yaml.safe_load(text)
        self.assertEqual(doc["openapi"], "3.0.1")
        self.assertEqual(doc["paths"]["/pets"]["get"]["x-amazon-apigateway-integration"]["type"], "mock")
        copy = self.gw.import_rest_api(body=text)
        self.assertEqual(copy["name"], "exported")
        self.assertEqual(sorted(r["path"] for r in self.gw.get_resources(restApiId=copy["id"])["items"]),
                         ["/", "/pets", "/pets/{id}"])
        grs = {g["responseType"]: g for g in self.gw.get_gateway_responses(restApiId=copy["id"])["items"]}
        self.assertFalse(grs["DEFAULT_4XX"]["defaultResponse"])
        self.gw.create_deployment(restApiId=copy["id"], stageName="c")
        u = invoke_url(self.nimbus.endpoint, copy["id"], "c", "/pets")
        r = http("GET", u)
        self.assertEqual((r.status, r.json()), (200, {"pets": []}))
        r = http("POST", u, body="{}", headers={"Content-Type": "application/json"})
        self.assertEqual((r.status, r.json()), (400, {"message": "Invalid request body"}))
        self.assertEqual(r.header("access-control-allow-origin"), "*")
        r = http("POST", u, body='{"name": "rex"}', headers={"Content-Type": "application/json"})
        self.assertEqual((r.status, r.json()), (201, {"created": True}))

        # the stage's deployment is exported, not later edits
        root = self.gw.get_resources(restApiId=aid)["items"]
        pets = [x for x in root if x["path"] == "/pets"][0]["id"]
        self.gw.create_resource(restApiId=aid, parentId=pets, pathPart="later")
        d = json.loads(self.gw.get_export(restApiId=aid, stageName="prod", exportType="swagger")["body"].read())
        self.assertEqual(sorted(d["paths"]), ["/pets", "/pets/{id}"])

        for kw, code in (({"stageName": "nope", "exportType": "swagger"}, "NotFoundException"),
                         ({"stageName": "prod", "exportType": "raml"}, "BadRequestException")):
            e = self.client_error(self.gw.get_export, restApiId=aid, **kw)
            self.assertEqual(e["Error"]["Code"], code)
        e = self.client_error(self.gw.get_export, restApiId="nope000000", stageName="prod", exportType="swagger")
        self.assertEqual(e["Error"]["Code"], "NotFoundException")

    def test_imported_model_references_export_as_local_ones(self):
        # an import stores a model's reference to another model by that model's URL (as API Gateway keeps
        # them, LocalStack test_apigateway_import snapshots); an export writes the document's own reference
        # back, so the file stands on its own and re-imports into any API
        doc = {"swagger": "2.0", "info": {"title": "refs", "version": "1"},
               "paths": {"/p": {"get": {"responses": {"200": {"description": "ok"}},
                                        "x-amazon-apigateway-integration": {"type": "mock"}}}},
               "definitions": {"Pet": {"type": "object", "properties": {"owner": {"$ref": "#/definitions/Owner"}}},
                               "Owner": {"type": "object"}}}
        aid = self.gw.import_rest_api(body=json.dumps(doc).encode())["id"]
        stored = json.loads(self.gw.get_model(restApiId=aid, modelName="Pet")["schema"])
        self.assertTrue(stored["properties"]["owner"]["$ref"].endswith("/restapis/%s/models/Owner" % aid))
        self.gw.create_deployment(restApiId=aid, stageName="prod")
        for export_type, ref in (("swagger", "#/definitions/Owner"), ("oas30", "#/components/schemas/Owner")):
            d = json.loads(self.gw.get_export(restApiId=aid, stageName="prod", exportType=export_type)["body"].read())
            models = d["definitions"] if export_type == "swagger" else d["components"]["schemas"]
            self.assertEqual(models["Pet"]["properties"]["owner"]["$ref"], ref, export_type)

    def test_export_file_name_keeps_the_header_whole(self):
        # GetExport names the file by the API's version, the user's text: a CR LF or quote in it must not
        # end the Content-Disposition header or start another one (nimbus's own rule: AWS's answer for such
        # a version is not recorded anywhere we found)
        aid = self.gw.create_rest_api(name="v-inject", version='1"\r\nX-Evil: 1')["id"]
        root = self.gw.get_resources(restApiId=aid)["items"][0]["id"]
        self.gw.put_method(restApiId=aid, resourceId=root, httpMethod="GET", authorizationType="NONE")
        self.gw.put_integration(restApiId=aid, resourceId=root, httpMethod="GET", type="MOCK")
        self.gw.create_deployment(restApiId=aid, stageName="prod")
        out = self.gw.get_export(restApiId=aid, stageName="prod", exportType="swagger")
        headers = {k.lower() for k in out["ResponseMetadata"]["HTTPHeaders"]}
        self.assertNotIn("x-evil", headers)
        self.assertEqual(out["contentDisposition"], 'attachment; filename="swagger_1___X-Evil: 1.json"')

    def test_rest_api_export_with_cli(self):
        aid = self.rest_api()
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "out.yaml")
            rc, out, _ = self.nimbus.aws("apigateway", "get-export", "--rest-api-id", aid, "--stage-name", "prod",
                                         "--export-type", "swagger", "--accepts", "application/yaml",
                                         "--parameters", "extensions=integrations", path)
            self.assertEqual(rc, 0)
            with open(path) as f:
                d = yaml.safe_load(f)
        self.assertEqual(d["swagger"], "2.0")
        self.assertIn("/pets/{id}", d["paths"])

    def test_http_api_export(self):
        api = self.gw2.create_api(Name="http-exp", ProtocolType="HTTP", Version="3",
                                  CorsConfiguration={"AllowOrigins": ["https://a.example"], "MaxAge": 60})
        aid = api["ApiId"]
        az = self.gw2.create_authorizer(ApiId=aid, AuthorizerType="JWT", Name="jwt",
                                        IdentitySource=["$request.header.Authorization"],
                                        JwtConfiguration={"Issuer": "https://issuer.example", "Audience": ["app"]})
        mock_i = self.gw2.create_integration(ApiId=aid, IntegrationType="HTTP_PROXY", IntegrationMethod="GET",
                                             IntegrationUri="http://127.0.0.1:1/x", PayloadFormatVersion="1.0")
        fn_i = self.gw2.create_integration(ApiId=aid, IntegrationType="AWS_PROXY", IntegrationUri=FN,
                                           PayloadFormatVersion="2.0")
        self.gw2.create_route(ApiId=aid, RouteKey="GET /pets/{id}", Target="integrations/" + fn_i["IntegrationId"],
                              AuthorizationType="JWT", AuthorizerId=az["AuthorizerId"], AuthorizationScopes=["read"])
        self.gw2.create_route(ApiId=aid, RouteKey="ANY /proxy/{proxy+}",
                              Target="integrations/" + mock_i["IntegrationId"])
        self.gw2.create_route(ApiId=aid, RouteKey="$default", Target="integrations/" + fn_i["IntegrationId"])
        out = self.gw2.export_api(ApiId=aid, Specification="OAS30", OutputType="JSON")
        d = json.loads(out["body"].read())
        self.assertEqual(d["openapi"], "3.0.1")
        self.assertEqual(d["info"], {"title": "http-exp", "version": "3"})
        self.assertEqual(sorted(d["paths"]), ["/$default", "/pets/{id}", "/proxy/{proxy+}"])
        get = d["paths"]["/pets/{id}"]["get"]
        self.assertEqual(get["security"], [{"jwt": ["read"]}])
        self.assertEqual(get["parameters"], [{"name": "id", "in": "path", "required": True,
                                              "schema": {"type": "string"}}])
        self.assertEqual(get["x-amazon-apigateway-integration"]["uri"], FN)
        self.assertEqual(get["x-amazon-apigateway-integration"]["payloadFormatVersion"], "2.0")
        self.assertIn("x-amazon-apigateway-any-method", d["paths"]["/proxy/{proxy+}"])
        self.assertTrue(d["paths"]["/$default"]["x-amazon-apigateway-any-method"]["isDefaultRoute"])
        jwt = d["components"]["securitySchemes"]["jwt"]["x-amazon-apigateway-authorizer"]
        self.assertEqual((jwt["type"], jwt["jwtConfiguration"]["issuer"]), ("jwt", "https://issuer.example"))
        self.assertEqual(d["x-amazon-apigateway-cors"]["allowOrigins"], ["https://a.example"])
        plain = json.loads(self.gw2.export_api(ApiId=aid, Specification="OAS30", OutputType="JSON",
                                               IncludeExtensions=False)["body"].read())
        self.assertNotIn("x-amazon-apigateway-integration", json.dumps(plain))

        # YAML re-imports to the same routes
        text = self.gw2.export_api(ApiId=aid, Specification="OAS30", OutputType="YAML")["body"].read()
        self.assertEqual(yaml.safe_load(text)["info"]["title"], "http-exp")
        copy = self.gw2.import_api(Body=text.decode())
        keys = sorted(r["RouteKey"] for r in self.gw2.get_routes(ApiId=copy["ApiId"])["Items"])
        self.assertEqual(keys, ["$default", "ANY /proxy/{proxy+}", "GET /pets/{id}"])
        jwt_route = [r for r in self.gw2.get_routes(ApiId=copy["ApiId"])["Items"] if r["RouteKey"] == "GET /pets/{id}"]
        self.assertEqual((jwt_route[0]["AuthorizationType"], jwt_route[0]["AuthorizationScopes"]), ("JWT", ["read"]))

        # a stage exports what it serves: its deployment, not later routes
        self.gw2.create_stage(ApiId=aid, StageName="v1")
        e = self.client_error(self.gw2.export_api, ApiId=aid, Specification="OAS30", OutputType="JSON", StageName="v1")
        self.assertEqual(e["Error"]["Code"], "NotFoundException")
        self.gw2.create_deployment(ApiId=aid, StageName="v1")
        self.gw2.create_route(ApiId=aid, RouteKey="DELETE /later", Target="integrations/" + fn_i["IntegrationId"])
        staged = json.loads(self.gw2.export_api(ApiId=aid, Specification="OAS30", OutputType="JSON",
                                                StageName="v1")["body"].read())
        self.assertNotIn("/later", staged["paths"])
        self.assertEqual(staged["servers"][0]["variables"]["basePath"]["default"], "v1")
        live = json.loads(self.gw2.export_api(ApiId=aid, Specification="OAS30", OutputType="JSON")["body"].read())
        self.assertIn("/later", live["paths"])

        for kw in ({"Specification": "RAML", "OutputType": "JSON"}, {"Specification": "OAS30", "OutputType": "XML"}):
            e = self.client_error(self.gw2.export_api, ApiId=aid, **kw)
            self.assertEqual(e["Error"]["Code"], "BadRequestException")
        ws = self.gw2.create_api(Name="ws", ProtocolType="WEBSOCKET", RouteSelectionExpression="$request.body.a")
        e = self.client_error(self.gw2.export_api, ApiId=ws["ApiId"], Specification="OAS30", OutputType="JSON")
        self.assertEqual(e["Error"]["Code"], "BadRequestException")
        e = self.client_error(self.gw2.export_api, ApiId="nope000000", Specification="OAS30", OutputType="JSON")
        self.assertEqual(e["Error"]["Code"], "NotFoundException")

        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "api.json")
            rc, _, _ = self.nimbus.aws("apigatewayv2", "export-api", "--api-id", aid, "--specification", "OAS30",
                                       "--output-type", "JSON", path)
            self.assertEqual(rc, 0)
            with open(path) as f:
                self.assertIn("/pets/{id}", json.load(f)["paths"])


if __name__ == "__main__":
    unittest.main()
