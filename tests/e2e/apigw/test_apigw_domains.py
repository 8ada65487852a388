"""Custom domain names end to end (boto3, the AWS CLI): v1 CreateDomainName /
GetDomainName(s) / UpdateDomainName / DeleteDomainName and base path mappings,
v2 domain names and API mappings (one set of mappings seen both ways), the
errors for bad input, persistence across a restart, and serving: a request
whose Host is the custom domain goes to the mapped API and stage with the base
path stripped (longest base path wins; none → 403 Forbidden)."""
import os
import shutil
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from apigwtest import NimbusTestCase, create_function, http  # noqa: E402
from harness import Nimbus  # noqa: E402


def mock_rest_api(gw, name, word):
    """A REST API whose GET /hello and GET / answer {"api": word, "path": resource path} (MOCK)."""
    api = gw.create_rest_api(name=name)["id"]
    root = gw.get_resources(restApiId=api)["items"][0]["id"]
    hello = gw.create_resource(restApiId=api, parentId=root, pathPart="hello")["id"]
    for rid in (root, hello):
        gw.put_method(restApiId=api, resourceId=rid, httpMethod="GET", authorizationType="NONE")
        gw.put_integration(restApiId=api, resourceId=rid, httpMethod="GET", type="MOCK",
                           requestTemplates={"application/json": '{"statusCode": 200}'})
        gw.put_method_response(restApiId=api, resourceId=rid, httpMethod="GET", statusCode="200")
        gw.put_integration_response(restApiId=api, resourceId=rid, httpMethod="GET", statusCode="200",
                                    responseTemplates={"application/json":
                                                       '{"api": "%s", "path": "$context.resourcePath", '
                                                       '"stage": "$context.stage"}' % word})
    gw.create_deployment(restApiId=api, stageName="prod")
    gw.create_deployment(restApiId=api, stageName="beta")
    return api


class Domains(NimbusTestCase):
    def host_get(self, host, path):
        return http("GET", self.nimbus.endpoint + path, headers={"Host": host})

    def test_v1_domain_and_base_paths(self):
        gw = self.nimbus.client("apigateway")
        out = gw.create_domain_name(domainName="API.Example.localhost", regionalCertificateArn=(
            "arn:aws:acm:us-east-1:000000000000:certificate/abc"), endpointConfiguration={"types": ["REGIONAL"]},
            tags={"team": "a"})
        self.assertEqual(out["domainName"], "api.example.localhost")
        self.assertEqual(out["domainNameStatus"], "AVAILABLE")
        self.assertEqual(out["endpointConfiguration"], {"types": ["REGIONAL"]})
        self.assertTrue(out["regionalDomainName"].endswith(".execute-api.localhost"))
        self.assertEqual(out["securityPolicy"], "TLS_1_2")
        self.assertEqual(gw.get_domain_name(domainName="api.example.localhost")["tags"], {"team": "a"})
        self.assertIn("api.example.localhost", [d["domainName"] for d in gw.get_domain_names()["items"]])
        arn = "arn:aws:apigateway:us-east-1::/domainnames/api.example.localhost"
        gw.tag_resource(resourceArn=arn, tags={"env": "dev"})
        self.assertEqual(gw.get_tags(resourceArn=arn)["tags"], {"team": "a", "env": "dev"})
        gw.untag_resource(resourceArn=arn, tagKeys=["env"])
        self.assertEqual(gw.get_domain_name(domainName="api.example.localhost")["tags"], {"team": "a"})

        a = mock_rest_api(gw, "dom-a", "a")
        b = mock_rest_api(gw, "dom-b", "b")
        m = gw.create_base_path_mapping(domainName="api.example.localhost", restApiId=a, stage="prod")
        self.assertEqual(m, {"basePath": "(none)", "restApiId": a, "stage": "prod",
                             "ResponseMetadata": m["ResponseMetadata"]})
        gw.create_base_path_mapping(domainName="api.example.localhost", restApiId=b, stage="beta", basePath="v2")
        gw.create_base_path_mapping(domainName="api.example.localhost", restApiId=b, basePath="any")
        got = gw.get_base_path_mappings(domainName="api.example.localhost")["items"]
        self.assertEqual([x["basePath"] for x in got], ["(none)", "any", "v2"])
        self.assertEqual(gw.get_base_path_mapping(domainName="api.example.localhost", basePath="v2")["stage"], "beta")

        # served by Host: the longest base path wins, stripped; "(none)" takes the rest
        r = self.host_get("api.example.localhost", "/v2/hello")
        self.assertEqual((r.status, r.json()), (200, {"api": "b", "path": "/hello", "stage": "beta"}))
        r = self.host_get("api.example.localhost", "/hello")
        self.assertEqual((r.status, r.json()), (200, {"api": "a", "path": "/hello", "stage": "prod"}))
        r = self.host_get("API.example.localhost", "/")
        self.assertEqual((r.status, r.json()["api"]), (200, "a"))
        r = self.host_get("api.example.localhost", "/v2x/hello")   # not base path "v2": the (none) mapping's
        self.assertEqual(r.status, 403)
        self.assertEqual(r.json(), {"message": "Missing Authentication Token"})
        # a mapping without a stage: the stage is the path's first segment
        r = self.host_get("api.example.localhost", "/any/prod/hello")
        self.assertEqual((r.status, r.json()), (200, {"api": "b", "path": "/hello", "stage": "prod"}))
        # the endpoint's own target name serves too
        r = self.host_get(out["regionalDomainName"], "/v2/hello")
        self.assertEqual((r.status, r.json()["api"]), (200, "b"))

        # bad input
        for kw, code in (({"restApiId": "nope000000", "stage": "prod"}, "BadRequestException"),
                         ({"restApiId": a, "stage": "nope"}, "BadRequestException"),
                         ({"restApiId": a, "stage": "prod", "basePath": "v2"}, "ConflictException"),
                         ({"restApiId": a, "stage": "prod", "basePath": "/bad//x"}, "BadRequestException")):
            e = self.client_error(gw.create_base_path_mapping, domainName="api.example.localhost", **kw)
            self.assertEqual(e["Error"]["Code"], code, kw)
        e = self.client_error(gw.create_base_path_mapping, domainName="nope.example.localhost", restApiId=a)
        self.assertEqual(e["Error"]["Code"], "NotFoundException")
        e = self.client_error(gw.create_domain_name, domainName="api.example.localhost")
        self.assertEqual(e["Error"]["Code"], "BadRequestException")
        self.assertEqual(e["Error"]["Message"], "The domain name you provided already exists.")
        e = self.client_error(gw.create_domain_name, domainName="not a name")
        self.assertEqual(e["Error"]["Code"], "BadRequestException")
        e = self.client_error(gw.create_domain_name, domainName="x.example.localhost",
                              endpointConfiguration={"types": ["EDGE", "REGIONAL"]})
        self.assertEqual(e["Error"]["Code"], "BadRequestException")
        e = self.client_error(gw.get_domain_name, domainName="nope.example.localhost")
        self.assertEqual((e["Error"]["Code"], e["Error"]["Message"]),
                         ("NotFoundException", "Invalid domain name identifier specified"))
        e = self.client_error(gw.get_base_path_mapping, domainName="api.example.localhost", basePath="zzz")
        self.assertEqual(e["Error"]["Code"], "NotFoundException")

        # updates: a base path moves; nothing half-applied on a bad patch
        up = gw.update_base_path_mapping(domainName="api.example.localhost", basePath="v2", patchOperations=[
            {"op": "replace", "path": "/basePath", "value": "v3"}])
        self.assertEqual(up["basePath"], "v3")
        self.assertEqual(self.host_get("api.example.localhost", "/v3/hello").json()["api"], "b")
        e = self.client_error(gw.update_base_path_mapping, domainName="api.example.localhost", basePath="v3",
                              patchOperations=[{"op": "replace", "path": "/basePath", "value": "any"}])
        self.assertEqual(e["Error"]["Code"], "ConflictException")
        up = gw.update_domain_name(domainName="api.example.localhost", patchOperations=[
            {"op": "replace", "path": "/securityPolicy", "value": "TLS_1_0"}])
        self.assertEqual(up["securityPolicy"], "TLS_1_0")
        e = self.client_error(gw.update_domain_name, domainName="api.example.localhost", patchOperations=[
            {"op": "replace", "path": "/securityPolicy", "value": "TLS_9"}])
        self.assertEqual(e["Error"]["Code"], "BadRequestException")
        self.assertEqual(gw.get_domain_name(domainName="api.example.localhost")["securityPolicy"], "TLS_1_0")

        # the same mappings through v2
        gw2 = self.nimbus.client("apigatewayv2")
        v2 = gw2.get_api_mappings(DomainName="api.example.localhost")["Items"]
        self.assertEqual(sorted(x["ApiMappingKey"] for x in v2), ["", "any", "v3"])
        dn = gw2.get_domain_name(DomainName="api.example.localhost")
        self.assertEqual(dn["DomainNameConfigurations"][0]["EndpointType"], "REGIONAL")
        self.assertEqual(dn["DomainNameConfigurations"][0]["CertificateArn"],
                         "arn:aws:acm:us-east-1:000000000000:certificate/abc")

        gw.delete_base_path_mapping(domainName="api.example.localhost", basePath="(none)")
        self.assertEqual(self.host_get("api.example.localhost", "/hello").status, 403)
        self.assertEqual(self.host_get("api.example.localhost", "/hello").json(), {"message": "Forbidden"})
        gw.delete_domain_name(domainName="api.example.localhost")
        e = self.client_error(gw.get_domain_name, domainName="api.example.localhost")
        self.assertEqual(e["Error"]["Code"], "NotFoundException")
        # no longer a custom domain: not an API Gateway invocation at all
        self.assertNotEqual(self.host_get("api.example.localhost", "/v3/hello").status, 200)

    def test_v2_domain_and_api_mappings(self):
        lam = self.nimbus.client("lambda")
        echo = create_function(lam, "dom-echo", "echo")
        gw2 = self.nimbus.client("apigatewayv2")
        api = gw2.create_api(Name="dom-http", ProtocolType="HTTP", Target=echo)["ApiId"]   # $default stage
        gw2.create_stage(ApiId=api, StageName="live", AutoDeploy=True)
        d = gw2.create_domain_name(DomainName="http.example.localhost", DomainNameConfigurations=[
            {"CertificateArn": "arn:aws:acm:us-east-1:000000000000:certificate/x", "EndpointType": "REGIONAL"}])
        self.assertEqual(d["ApiMappingSelectionExpression"], "$request.basepath")
        cfg = d["DomainNameConfigurations"][0]
        self.assertEqual((cfg["DomainNameStatus"], cfg["EndpointType"], cfg["SecurityPolicy"]),
                         ("AVAILABLE", "REGIONAL", "TLS_1_2"))
        self.assertTrue(cfg["ApiGatewayDomainName"].endswith(".execute-api.localhost"))
        m1 = gw2.create_api_mapping(DomainName="http.example.localhost", ApiId=api, Stage="$default")
        m2 = gw2.create_api_mapping(DomainName="http.example.localhost", ApiId=api, Stage="live",
                                    ApiMappingKey="orders/v1")
        self.assertEqual(m1["ApiMappingKey"], "")
        self.assertEqual(gw2.get_api_mapping(DomainName="http.example.localhost",
                                             ApiMappingId=m2["ApiMappingId"])["Stage"], "live")
        self.assertEqual(len(gw2.get_api_mappings(DomainName="http.example.localhost")["Items"]), 2)
        self.assertIn("http.example.localhost",
                      [x["DomainName"] for x in gw2.get_domain_names()["Items"]])

        r = http("GET", self.nimbus.endpoint + "/orders/v1/items/7?x=1", headers={"Host": "http.example.localhost"})
        self.assertEqual(r.status, 200, r.body)
        ev = r.json()
        self.assertEqual((ev["rawPath"], ev["requestContext"]["stage"], ev["rawQueryString"]),
                         ("/items/7", "live", "x=1"))
        self.assertEqual(ev["requestContext"]["domainName"], "http.example.localhost")
        r = http("GET", self.nimbus.endpoint + "/other", headers={"Host": "http.example.localhost"})
        self.assertEqual((r.status, r.json()["rawPath"], r.json()["requestContext"]["stage"]),
                         (200, "/other", "$default"))

        # bad input
        e = self.client_error(gw2.create_api_mapping, DomainName="http.example.localhost", ApiId=api, Stage="nope")
        self.assertEqual(e["Error"]["Code"], "NotFoundException")
        e = self.client_error(gw2.create_api_mapping, DomainName="http.example.localhost", ApiId="nope000",
                              Stage="live")
        self.assertEqual(e["Error"]["Code"], "NotFoundException")
        e = self.client_error(gw2.create_api_mapping, DomainName="http.example.localhost", ApiId=api, Stage="live",
                              ApiMappingKey="orders/v1")
        self.assertEqual(e["Error"]["Code"], "ConflictException")
        e = self.client_error(gw2.create_domain_name, DomainName="http.example.localhost")
        self.assertEqual(e["Error"]["Code"], "ConflictException")
        e = self.client_error(gw2.get_api_mapping, DomainName="http.example.localhost", ApiMappingId="zzz")
        self.assertEqual(e["Error"]["Code"], "NotFoundException")
        e = self.client_error(gw2.update_domain_name, DomainName="http.example.localhost",
                              DomainNameConfigurations=[{"EndpointType": "PRIVATE"}])
        self.assertEqual(e["Error"]["Code"], "BadRequestException")

        up = gw2.update_api_mapping(DomainName="http.example.localhost", ApiMappingId=m2["ApiMappingId"], ApiId=api,
                                    ApiMappingKey="orders/v2")
        self.assertEqual((up["ApiMappingKey"], up["Stage"]), ("orders/v2", "live"))
        r = http("GET", self.nimbus.endpoint + "/orders/v2/a", headers={"Host": "http.example.localhost"})
        self.assertEqual(r.json()["rawPath"], "/a")

        # the CLI, and the record kept across a restart
        rc, out, _ = self.nimbus.aws("apigatewayv2", "get-domain-name", "--domain-name", "http.example.localhost")
        self.assertEqual((rc, out["DomainName"]), (0, "http.example.localhost"))
        data = self.nimbus.data_dir
        self.nimbus.stop()
        n2 = Nimbus(data_dir=data).start()
        try:
            g = n2.client("apigatewayv2")
            self.assertEqual(len(g.get_api_mappings(DomainName="http.example.localhost")["Items"]), 2)
            g.delete_api_mapping(DomainName="http.example.localhost", ApiMappingId=m2["ApiMappingId"])
            self.assertEqual(len(g.get_api_mappings(DomainName="http.example.localhost")["Items"]), 1)
            g.delete_domain_name(DomainName="http.example.localhost")
            e = self.client_error(g.get_domain_name, DomainName="http.example.localhost")
            self.assertEqual(e["Error"]["Code"], "NotFoundException")
        finally:
            n2.stop()
            shutil.rmtree(data, ignore_errors=True)
            type(self).nimbus = Nimbus().start()


if __name__ == "__main__":
    unittest.main()
