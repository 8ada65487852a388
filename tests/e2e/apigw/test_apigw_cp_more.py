"""More control-plane operations end to end (boto3, the AWS CLI): v2
integration responses (WebSocket non-proxy integrations; recorded, unique
keys); TestInvokeMethod (the method run through the data plane's pipeline
without a deployment) and TestInvokeAuthorizer; client certificates (a real
self-signed PEM); VPC links v1 and v2 (recorded, AVAILABLE); documentation
parts and versions (recorded, exported by GetExport); with their
errors, and the records kept across a restart."""
import shutil
import ssl
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from apigwtest import NimbusTestCase, create_function, lambda_uri  # noqa: E402
from harness import Nimbus  # noqa: E402


class ControlPlaneMore(NimbusTestCase):
    def test_v2_integration_responses(self):
        gw2 = self.nimbus.client("apigatewayv2")
        api = gw2.create_api(Name="ws-ir", ProtocolType="WEBSOCKET",
                             RouteSelectionExpression="$request.body.action")["ApiId"]
        integ = gw2.create_integration(ApiId=api, IntegrationType="MOCK",
                                       RequestTemplates={"$default": '{"statusCode": 200}'})["IntegrationId"]
        ir = gw2.create_integration_response(ApiId=api, IntegrationId=integ, IntegrationResponseKey="$default",
                                             ResponseTemplates={"$default": '{"ok": true}'},
                                             TemplateSelectionExpression="\\$default")
        rid = ir["IntegrationResponseId"]
        self.assertEqual(ir["IntegrationResponseKey"], "$default")
        got = gw2.get_integration_response(ApiId=api, IntegrationId=integ, IntegrationResponseId=rid)
        self.assertEqual(got["ResponseTemplates"], {"$default": '{"ok": true}'})
        gw2.create_integration_response(ApiId=api, IntegrationId=integ, IntegrationResponseKey="/4\\d\\d/")
        items = gw2.get_integration_responses(ApiId=api, IntegrationId=integ)["Items"]
        self.assertEqual(sorted(i["IntegrationResponseKey"] for i in items), ["$default", "/4\\d\\d/"])
        up = gw2.update_integration_response(ApiId=api, IntegrationId=integ, IntegrationResponseId=rid,
                                             ContentHandlingStrategy="CONVERT_TO_TEXT")
        self.assertEqual((up["ContentHandlingStrategy"], up["IntegrationResponseKey"]), ("CONVERT_TO_TEXT", "$default"))
        # not part of the integration's own shape
        self.assertNotIn("_responses", gw2.get_integration(ApiId=api, IntegrationId=integ))
        for kw, code in (({"IntegrationResponseKey": "$default"}, "ConflictException"),
                         ({"IntegrationResponseKey": "200"}, "BadRequestException"),
                         ({"IntegrationResponseKey": "/5\\d\\d/", "ContentHandlingStrategy": "NOPE"},
                          "BadRequestException")):
            e = self.client_error(gw2.create_integration_response, ApiId=api, IntegrationId=integ, **kw)
            self.assertEqual(e["Error"]["Code"], code, kw)
        e = self.client_error(gw2.create_integration_response, ApiId=api, IntegrationId="nope",
                              IntegrationResponseKey="$default")
        self.assertEqual(e["Error"]["Code"], "NotFoundException")
        e = self.client_error(gw2.update_integration_response, ApiId=api, IntegrationId=integ,
                              IntegrationResponseId=rid, ContentHandlingStrategy="NOPE")
        self.assertEqual(e["Error"]["Code"], "BadRequestException")
        self.assertEqual(gw2.get_integration_response(ApiId=api, IntegrationId=integ, IntegrationResponseId=rid)
                         ["ContentHandlingStrategy"], "CONVERT_TO_TEXT")   # nothing half-applied
        gw2.delete_integration_response(ApiId=api, IntegrationId=integ, IntegrationResponseId=rid)
        e = self.client_error(gw2.get_integration_response, ApiId=api, IntegrationId=integ, IntegrationResponseId=rid)
        self.assertEqual(e["Error"]["Code"], "NotFoundException")

    def test_test_invoke_method(self):
        lam = self.nimbus.client("lambda")
        echo = create_function(lam, "ti-echo", "echo")
        gw = self.nimbus.client("apigateway")
        api = gw.create_rest_api(name="ti")["id"]
        root = gw.get_resources(restApiId=api)["items"][0]["id"]
        users = gw.create_resource(restApiId=api, parentId=root, pathPart="users")["id"]
        user = gw.create_resource(restApiId=api, parentId=users, pathPart="{id}")["id"]
        gw.put_method(restApiId=api, resourceId=user, httpMethod="GET", authorizationType="NONE",
                      apiKeyRequired=True)   # test invoke needs no key
        gw.put_integration(restApiId=api, resourceId=user, httpMethod="GET", type="AWS_PROXY",
                           integrationHttpMethod="POST", uri=lambda_uri(echo))
        gw.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
        gw.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK",
                           requestTemplates={"application/json": '{"statusCode": 200}'})
        gw.put_method_response(restApiId=api, resourceId=root, httpMethod="GET", statusCode="200")
        gw.put_integration_response(restApiId=api, resourceId=root, httpMethod="GET", statusCode="200",
                                    responseTemplates={"application/json": '{"stage": "$context.stage", '
                                                       '"v": "$stageVariables.v"}'})
        # no deployment at all
        out = gw.test_invoke_method(restApiId=api, resourceId=user, httpMethod="GET",
                                    pathWithQueryString="/users/7?q=1", headers={"X-Test": "yes"},
                                    stageVariables={"v": "1"})
        self.assertEqual(out["status"], 200, out)
        ev = json.loads(out["body"])
        self.assertEqual(ev["pathParameters"], {"id": "7"})
        self.assertEqual(ev["queryStringParameters"], {"q": "1"})
        self.assertEqual(ev["headers"]["X-Test"], "yes")   # as given, as a REST API hands them over
        self.assertEqual(ev["stageVariables"], {"v": "1"})
        self.assertEqual(ev["resource"], "/users/{id}")
        self.assertEqual(out["headers"]["x-fn"], "echo")
        self.assertEqual(out["multiValueHeaders"]["x-multi"], ["a", "b"])
        # the integration's answer carries the trace, first (localstack/localstack
        # localstack-core/.../execute_api/test_invoke.py puts X-Amzn-Trace-Id ahead of the others)
        self.assertRegex(out["headers"]["X-Amzn-Trace-Id"], r"^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=")
        self.assertEqual(list(out["headers"])[0], "X-Amzn-Trace-Id")
        self.assertEqual(out["multiValueHeaders"]["X-Amzn-Trace-Id"], [out["headers"]["X-Amzn-Trace-Id"]])
        # a pathWithQueryString the resource's path does not match: the method runs, no path parameters
        # (the same file: "this is AWS behavior, it will accept any value for the `pathWithQueryString`
        # ... It will just fall back to no value if it cannot parse the path parameters out of it")
        other = gw.test_invoke_method(restApiId=api, resourceId=user, httpMethod="GET",
                                      pathWithQueryString="/somewhere/else?q=2")
        self.assertEqual(other["status"], 200, other)
        ev = json.loads(other["body"])
        self.assertEqual((ev["pathParameters"], ev["resource"], ev["path"], ev["queryStringParameters"]),
                         (None, "/users/{id}", "/somewhere/else", {"q": "2"}))
        self.assertIn("Method request path: {}", other["log"])
        self.assertIn("Method completed with status: 200", out["log"])
        self.assertIsInstance(out["latency"], int)
        mock = gw.test_invoke_method(restApiId=api, resourceId=root, httpMethod="GET", stageVariables={"v": "x"})
        self.assertEqual((mock["status"], json.loads(mock["body"])),
                         (200, {"stage": "test-invoke-stage", "v": "x"}))
        self.assertNotIn("X-Amzn-Trace-Id", mock["headers"])   # MOCK answers carry none (TRACE in ls_dataplane)
        rc, cli, _ = self.nimbus.aws("apigateway", "test-invoke-method", "--rest-api-id", api, "--resource-id", root,
                                     "--http-method", "GET")
        self.assertEqual((rc, cli["status"]), (0, 200))
        for kw in ({"resourceId": user, "httpMethod": "POST"}, {"resourceId": "nope", "httpMethod": "GET"}):
            e = self.client_error(gw.test_invoke_method, restApiId=api, **kw)
            self.assertEqual(e["Error"]["Code"], "NotFoundException", kw)
        e = self.client_error(gw.test_invoke_method, restApiId="nope000000", resourceId=root, httpMethod="GET")
        self.assertEqual(e["Error"]["Code"], "NotFoundException")

    def test_test_invoke_authorizer(self):
        lam = self.nimbus.client("lambda")
        auth = create_function(lam, "ti-auth", "auth")
        gw = self.nimbus.client("apigateway")
        api = gw.create_rest_api(name="ti-auth")["id"]
        az = gw.create_authorizer(restApiId=api, name="tok", type="TOKEN", authorizerUri=lambda_uri(auth),
                                  identitySource="method.request.header.Authorization",
                                  authorizerResultTtlInSeconds=300)["id"]
        out = gw.test_invoke_authorizer(restApiId=api, authorizerId=az, headers={"Authorization": "allow"})
        self.assertEqual(out["clientStatus"], 200, out)
        self.assertEqual(out["principalId"], "user-1")
        self.assertEqual(json.loads(out["policy"])["Statement"][0]["Effect"], "Allow")
        def answer(o):   # the authorizer's answer, shown in the execution log
            line = [x for x in o["log"].splitlines() if "Authorizer response: " in x][0]
            return json.loads(line.split("Authorizer response: ", 1)[1])
        self.assertEqual(answer(out)["context"]["user"], "u1")
        again = gw.test_invoke_authorizer(restApiId=api, authorizerId=az, headers={"Authorization": "allow"})
        self.assertNotEqual(answer(again)["context"]["n"], answer(out)["context"]["n"])   # never cached
        self.assertEqual(gw.test_invoke_authorizer(restApiId=api, authorizerId=az,
                                                   headers={"Authorization": "deny"})["clientStatus"], 403)
        self.assertEqual(gw.test_invoke_authorizer(restApiId=api, authorizerId=az,
                                                   headers={"Authorization": "unauthorized"})["clientStatus"], 401)
        self.assertEqual(gw.test_invoke_authorizer(restApiId=api, authorizerId=az)["clientStatus"], 401)
        e = self.client_error(gw.test_invoke_authorizer, restApiId=api, authorizerId="nope")
        self.assertEqual(e["Error"]["Code"], "NotFoundException")

    def test_documentation(self):
        gw = self.nimbus.client("apigateway")
        api = gw.create_rest_api(name="docs")["id"]
        root = gw.get_resources(restApiId=api)["items"][0]["id"]
        gw.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
        gw.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK",
                           requestTemplates={"application/json": '{"statusCode": 200}'})
        gw.create_deployment(restApiId=api, stageName="prod")
        p1 = gw.create_documentation_part(restApiId=api, location={"type": "API"},
                                          properties='{"description": "the API"}')
        p2 = gw.create_documentation_part(restApiId=api, location={"type": "METHOD", "path": "/"},
                                          properties='{"summary": "get root"}')
        self.assertEqual(p2["location"], {"type": "METHOD", "path": "/", "method": "*"})
        self.assertEqual(gw.get_documentation_part(restApiId=api, documentationPartId=p1["id"])["properties"],
                         '{"description": "the API"}')
        self.assertEqual(len(gw.get_documentation_parts(restApiId=api)["items"]), 2)
        self.assertEqual([x["id"] for x in gw.get_documentation_parts(restApiId=api, type="METHOD")["items"]],
                         [p2["id"]])
        for kw, code in (({"location": {"type": "API"}, "properties": "{}"}, "ConflictException"),
                         ({"location": {"type": "NOPE"}, "properties": "{}"}, "ValidationException"),   # AWS's enum check
                         ({"location": {"type": "MODEL"}, "properties": "{}"}, "BadRequestException"),
                         ({"location": {"type": "RESOURCE", "path": "/x"}, "properties": "not json"},
                          "BadRequestException")):
            e = self.client_error(gw.create_documentation_part, restApiId=api, **kw)
            self.assertEqual(e["Error"]["Code"], code, kw)
        up = gw.update_documentation_part(restApiId=api, documentationPartId=p2["id"], patchOperations=[
            {"op": "replace", "path": "/properties", "value": '{"summary": "v1 summary"}'}])
        self.assertEqual(up["properties"], '{"summary": "v1 summary"}')
        e = self.client_error(gw.update_documentation_part, restApiId=api, documentationPartId=p2["id"],
                              patchOperations=[{"op": "replace", "path": "/properties", "value": "[1]"}])
        self.assertEqual(e["Error"]["Code"], "BadRequestException")

        v = gw.create_documentation_version(restApiId=api, documentationVersion="1.0", stageName="prod",
                                            description="first")
        self.assertEqual((v["version"], v["description"]), ("1.0", "first"))
        self.assertEqual(gw.get_stage(restApiId=api, stageName="prod")["documentationVersion"], "1.0")
        e = self.client_error(gw.create_documentation_version, restApiId=api, documentationVersion="1.0")
        self.assertEqual(e["Error"]["Code"], "ConflictException")
        e = self.client_error(gw.create_documentation_version, restApiId=api, documentationVersion="2.0",
                              stageName="nope")
        self.assertEqual(e["Error"]["Code"], "BadRequestException")
        # a later change is not in the version the stage shows
        gw.update_documentation_part(restApiId=api, documentationPartId=p2["id"], patchOperations=[
            {"op": "replace", "path": "/properties", "value": '{"summary": "later"}'}])
        exp = json.loads(gw.get_export(restApiId=api, stageName="prod", exportType="oas30",
                                       parameters={"extensions": "documentation"})["body"].read())
        docs = exp["x-amazon-apigateway-documentation"]
        self.assertEqual(docs["version"], "1.0")
        by_type = {d["location"]["type"]: d["properties"] for d in docs["documentationParts"]}
        self.assertEqual(by_type, {"API": {"description": "the API"}, "METHOD": {"summary": "v1 summary"}})
        # the export imports back (another API; overwrite, then merge)
        api2 = gw.create_rest_api(name="docs2")["id"]
        out = gw.import_documentation_parts(restApiId=api2, mode="overwrite", body=json.dumps(exp).encode())
        self.assertEqual((len(out["ids"]), out.get("warnings", [])), (2, []))
        got = {p["location"]["type"]: json.loads(p["properties"])
               for p in gw.get_documentation_parts(restApiId=api2)["items"]}
        self.assertEqual(got, by_type)
        exp["x-amazon-apigateway-documentation"]["documentationParts"] = [
            {"location": {"type": "API"}, "properties": {"description": "merged"}},
            {"location": {"type": "NOPE"}, "properties": {}}]
        out = gw.import_documentation_parts(restApiId=api2, body=json.dumps(exp).encode())
        self.assertEqual((len(out["ids"]), len(out["warnings"])), (1, 1))
        self.assertEqual(len(gw.get_documentation_parts(restApiId=api2)["items"]), 2)   # merged in place
        e = self.client_error(gw.import_documentation_parts, restApiId=api2, failOnWarnings=True,
                              body=json.dumps(exp).encode())
        self.assertEqual(e["Error"]["Code"], "BadRequestException")
        e = self.client_error(gw.import_documentation_parts, restApiId=api2, body=b"{not json")
        self.assertEqual(e["Error"]["Code"], "BadRequestException")
        plain = json.loads(gw.get_export(restApiId=api, stageName="prod", exportType="oas30")["body"].read())
        self.assertNotIn("x-amazon-apigateway-documentation", plain)
        self.assertEqual(gw.update_documentation_version(restApiId=api, documentationVersion="1.0", patchOperations=[
            {"op": "replace", "path": "/description", "value": "one"}])["description"], "one")
        self.assertEqual([x["version"] for x in gw.get_documentation_versions(restApiId=api)["items"]], ["1.0"])
        gw.delete_documentation_version(restApiId=api, documentationVersion="1.0")
        self.assertNotIn("documentationVersion", gw.get_stage(restApiId=api, stageName="prod"))
        e = self.client_error(gw.get_documentation_version, restApiId=api, documentationVersion="1.0")
        self.assertEqual(e["Error"]["Code"], "NotFoundException")
        gw.delete_documentation_part(restApiId=api, documentationPartId=p1["id"])
        e = self.client_error(gw.get_documentation_part, restApiId=api, documentationPartId=p1["id"])
        self.assertEqual(e["Error"]["Code"], "NotFoundException")

    def test_zz_client_certificates_and_vpc_links(self):
        gw = self.nimbus.client("apigateway")
        gw2 = self.nimbus.client("apigatewayv2")
        c = gw.generate_client_certificate(description="backend", tags={"k": "v"})
        cid = c["clientCertificateId"]
        pem = c["pemEncodedCertificate"]
        self.assertTrue(pem.startswith("-----BEGIN CERTIFICATE-----"))
        der = ssl.PEM_cert_to_DER_cert(pem)   # a real certificate
        self.assertGreater(len(der), 500)
        self.assertGreater(c["expirationDate"], c["createdDate"])
        self.assertEqual(gw.get_client_certificate(clientCertificateId=cid)["description"], "backend")
        self.assertIn(cid, [x["clientCertificateId"] for x in gw.get_client_certificates()["items"]])
        up = gw.update_client_certificate(clientCertificateId=cid, patchOperations=[
            {"op": "replace", "path": "/description", "value": "new"}])
        self.assertEqual(up["description"], "new")
        e = self.client_error(gw.update_client_certificate, clientCertificateId=cid, patchOperations=[
            {"op": "replace", "path": "/pemEncodedCertificate", "value": "x"}])
        self.assertEqual(e["Error"]["Code"], "BadRequestException")
        e = self.client_error(gw.get_client_certificate, clientCertificateId="nope")
        self.assertEqual(e["Error"]["Code"], "NotFoundException")
        rc, cli, _ = self.nimbus.aws("apigateway", "get-client-certificate", "--client-certificate-id", cid)
        self.assertEqual((rc, cli["pemEncodedCertificate"]), (0, pem))

        nlb = "arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/net/nlb/0123456789abcdef"
        l1 = gw.create_vpc_link(name="link1", targetArns=[nlb], description="d")
        # AWS answers the creation PENDING; the link is ready by the next read
        self.assertEqual((l1["status"], l1["targetArns"], l1["name"]), ("PENDING", [nlb], "link1"))
        self.assertEqual(gw.get_vpc_link(vpcLinkId=l1["id"])["description"], "d")
        self.assertEqual(gw.get_vpc_link(vpcLinkId=l1["id"])["status"], "AVAILABLE")
        self.assertIn(l1["id"], [x["id"] for x in gw.get_vpc_links()["items"]])
        self.assertEqual(gw.update_vpc_link(vpcLinkId=l1["id"], patchOperations=[
            {"op": "replace", "path": "/name", "value": "renamed"}])["name"], "renamed")
        for kw in ({"name": "x", "targetArns": []}, {"name": "x", "targetArns": ["not-an-arn"]}):
            e = self.client_error(gw.create_vpc_link, **kw)
            self.assertEqual(e["Error"]["Code"], "BadRequestException", kw)
        e = self.client_error(gw.get_vpc_link, vpcLinkId="nope")
        self.assertEqual(e["Error"]["Code"], "NotFoundException")

        l2 = gw2.create_vpc_link(Name="link2", SubnetIds=["subnet-1", "subnet-2"], SecurityGroupIds=["sg-1"])
        self.assertEqual((l2["VpcLinkStatus"], l2["VpcLinkVersion"], l2["SubnetIds"]),
                         ("AVAILABLE", "V2", ["subnet-1", "subnet-2"]))
        self.assertEqual(gw2.get_vpc_link(VpcLinkId=l2["VpcLinkId"])["Name"], "link2")
        self.assertEqual(gw2.update_vpc_link(VpcLinkId=l2["VpcLinkId"], Name="link2b")["Name"], "link2b")
        gw2.tag_resource(ResourceArn="arn:aws:apigateway:us-east-1::/vpclinks/" + l2["VpcLinkId"], Tags={"a": "b"})
        self.assertEqual(gw2.get_vpc_link(VpcLinkId=l2["VpcLinkId"])["Tags"], {"a": "b"})
        gw.tag_resource(resourceArn="arn:aws:apigateway:us-east-1::/clientcertificates/" + cid, tags={"c": "d"})
        self.assertEqual(gw.get_client_certificate(clientCertificateId=cid)["tags"], {"k": "v", "c": "d"})
        self.assertIn(l2["VpcLinkId"], [x["VpcLinkId"] for x in gw2.get_vpc_links()["Items"]])
        e = self.client_error(gw2.create_vpc_link, Name="x", SubnetIds=[])
        self.assertEqual(e["Error"]["Code"], "BadRequestException")
        e = self.client_error(gw2.get_vpc_link, VpcLinkId="nope")
        self.assertEqual(e["Error"]["Code"], "NotFoundException")

        data = self.nimbus.data_dir
        self.nimbus.stop()
        n2 = Nimbus(data_dir=data).start()
        try:
            g, g2 = n2.client("apigateway"), n2.client("apigatewayv2")
            self.assertEqual(g.get_client_certificate(clientCertificateId=cid)["pemEncodedCertificate"], pem)
            self.assertEqual(g.get_vpc_link(vpcLinkId=l1["id"])["name"], "renamed")
            self.assertEqual(g2.get_vpc_link(VpcLinkId=l2["VpcLinkId"])["Name"], "link2b")
            g.delete_client_certificate(clientCertificateId=cid)
            g.delete_vpc_link(vpcLinkId=l1["id"])
            g2.delete_vpc_link(VpcLinkId=l2["VpcLinkId"])
            for fn, kw in ((g.get_client_certificate, {"clientCertificateId": cid}),
                           (g.get_vpc_link, {"vpcLinkId": l1["id"]}), (g2.get_vpc_link, {"VpcLinkId": l2["VpcLinkId"]})):
                self.assertEqual(self.client_error(fn, **kw)["Error"]["Code"], "NotFoundException")
        finally:
            n2.stop()
            shutil.rmtree(data, ignore_errors=True)
            type(self).nimbus = Nimbus().start()


if __name__ == "__main__":
    unittest.main()
