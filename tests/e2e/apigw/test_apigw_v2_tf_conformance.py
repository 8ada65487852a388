"""API Gateway v2 control plane as AWS answers it (boto3): the members AWS fills
in, leaves out or keeps across updates for HTTP and WebSocket APIs, routes,
integrations, integration and route responses, stages, deployments,
authorizers, models and API mappings.

Source of every expectation: hashicorp/terraform-provider-aws, folder
internal/service/apigatewayv2/ — acceptance tests that run against real AWS and
check each attribute AWS returned after a create or an update (the test named
by each case). Terraform reads an absent string as "" and an absent number or
boolean as 0/false, so where a test shows "" the assertions here accept the
member absent or empty, never a value; the calls made are those the provider's
resource code makes (its *.go beside the test)."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from apigwtest import NimbusTestCase, http, invoke_url, lambda_uri  # noqa: E402

SRC = "hashicorp/terraform-provider-aws internal/service/apigatewayv2/"
FN_URI = lambda_uri("arn:aws:lambda:us-east-1:000000000000:function:tf-conf")
SCHEMA = ('{"$schema": "http://json-schema.org/draft-04/schema#", "title": "ExampleModel", '
          '"type": "object", "properties": {"id": {"type": "string"}}}')


def empty(d, key):
    """What terraform reads as "" / 0 / false / an empty map: absent or empty."""
    return d.get(key) in (None, "", 0, False, {}, [])


class V2TerraformConformance(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gw = cls.nimbus.client("apigatewayv2")

    def http_api(self, **kw):
        return self.gw.create_api(Name="tf-http", ProtocolType="HTTP", **kw)["ApiId"]

    def ws_api(self, **kw):
        kw.setdefault("RouteSelectionExpression", "$request.body.action")
        return self.gw.create_api(Name="tf-ws", ProtocolType="WEBSOCKET", **kw)["ApiId"]

    def assertEmpty(self, d, *keys):
        for k in keys:
            self.assertTrue(empty(d, k), "%s should be absent or empty: %r" % (k, d.get(k)))

    # --- APIs (api_test.go) --------------------------------------------------

    def test_api_http_defaults(self):
        # api_test.go::TestAccAPIGatewayV2API_basicHTTP
        api = self.gw.create_api(Name="tf-http", ProtocolType="HTTP")
        for got in (api, self.gw.get_api(ApiId=api["ApiId"])):
            self.assertEqual(got["RouteSelectionExpression"], "$request.method $request.path")
            self.assertEqual(got["ApiKeySelectionExpression"], "$request.header.x-api-key")
            self.assertIs(got["DisableExecuteApiEndpoint"], False)
            self.assertEqual(got["ProtocolType"], "HTTP")
            self.assertEmpty(got, "CorsConfiguration", "Description", "Version", "Tags")
        listed = [a for a in self.gw.get_apis()["Items"] if a["ApiId"] == api["ApiId"]][0]
        self.assertEqual(listed["RouteSelectionExpression"], "$request.method $request.path")

    def test_api_ws_defaults_and_all_attributes(self):
        # api_test.go::TestAccAPIGatewayV2API_basicWebSocket, ::TestAccAPIGatewayV2API_allAttributesWebSocket
        api = self.ws_api()
        got = self.gw.get_api(ApiId=api)
        self.assertEqual(got["RouteSelectionExpression"], "$request.body.action")
        self.assertEqual(got["ApiKeySelectionExpression"], "$request.header.x-api-key")
        self.assertIs(got["DisableExecuteApiEndpoint"], False)
        self.assertEmpty(got, "CorsConfiguration", "Description", "Version", "Tags")
        up = self.gw.update_api(ApiId=api, ApiKeySelectionExpression="$context.authorizer.usageIdentifierKey",
                                Description="test description", DisableExecuteApiEndpoint=True,
                                RouteSelectionExpression="$request.body.service", Version="v1")
        for got in (up, self.gw.get_api(ApiId=api)):
            self.assertEqual((got["ApiKeySelectionExpression"], got["Description"], got["DisableExecuteApiEndpoint"],
                              got["RouteSelectionExpression"], got["Version"]),
                             ("$context.authorizer.usageIdentifierKey", "test description", True,
                              "$request.body.service", "v1"))
        # back to the basic configuration: the provider sends the changed members, empty strings included
        self.gw.update_api(ApiId=api, ApiKeySelectionExpression="$request.header.x-api-key", Description="",
                           DisableExecuteApiEndpoint=False, RouteSelectionExpression="$request.body.action",
                           Version="")
        got = self.gw.get_api(ApiId=api)
        self.assertEqual((got["ApiKeySelectionExpression"], got["DisableExecuteApiEndpoint"],
                          got["RouteSelectionExpression"]),
                         ("$request.header.x-api-key", False, "$request.body.action"))
        self.assertEmpty(got, "Description", "Version")

    def test_api_http_route_selection_expression_spellings(self):
        # api_test.go::TestAccAPIGatewayV2API_allAttributesHTTP: an update leaves the default in place;
        # the braced spelling a user gives is kept as given and the API still routes
        api = self.http_api()
        up = self.gw.update_api(ApiId=api, Description="test description", Version="v1")
        self.assertEqual(up["RouteSelectionExpression"], "$request.method $request.path")
        braced = self.http_api(RouteSelectionExpression="${request.method} ${request.path}")
        self.assertEqual(self.gw.get_api(ApiId=braced)["RouteSelectionExpression"],
                         "${request.method} ${request.path}")
        # both spellings route by method and path (quick create: GET /x → nimbus's own health page)
        target = self.nimbus.endpoint + "/_nimbus/health"
        for rse in ("$request.method $request.path", "${request.method} ${request.path}"):
            a = self.gw.create_api(Name="tf-rse", ProtocolType="HTTP", RouteSelectionExpression=rse,
                                   Target=target, RouteKey="GET /x")["ApiId"]
            self.assertEqual(http("GET", invoke_url(self.nimbus.endpoint, a, "$default", "/x")).status, 200, rse)
            miss = http("GET", invoke_url(self.nimbus.endpoint, a, "$default", "/y"))
            self.assertEqual((miss.status, miss.json()), (404, {"message": "Not Found"}), rse)

    def test_api_cors_configuration_replaced_and_removed(self):
        # api_test.go::TestAccAPIGatewayV2API_cors
        api = self.http_api(CorsConfiguration={"AllowHeaders": ["Authorization"], "AllowMethods": ["GET", "put"],
                                               "AllowOrigins": ["https://www.example.com"]})
        cors = self.gw.get_api(ApiId=api)["CorsConfiguration"]
        self.assertEqual(cors["AllowHeaders"], ["Authorization"])
        self.assertEqual(sorted(cors["AllowMethods"]), ["GET", "put"])
        self.assertEqual(cors["AllowOrigins"], ["https://www.example.com"])
        self.assertEmpty(cors, "AllowCredentials", "ExposeHeaders", "MaxAge")
        # the provider sends the whole block, its empty sets as []
        self.gw.update_api(ApiId=api, CorsConfiguration={
            "AllowCredentials": True, "AllowHeaders": [], "AllowMethods": ["*"], "AllowOrigins": ["HTTP://WWW.EXAMPLE.ORG", "https://example.io"],
            "ExposeHeaders": ["X-Api-Id"], "MaxAge": 500})
        cors = self.gw.get_api(ApiId=api)["CorsConfiguration"]
        self.assertEqual((cors["AllowCredentials"], cors["AllowMethods"], sorted(cors["AllowOrigins"]),
                          cors["ExposeHeaders"], cors["MaxAge"]),
                         (True, ["*"], ["HTTP://WWW.EXAMPLE.ORG", "https://example.io"], ["X-Api-Id"], 500))
        self.assertEmpty(cors, "AllowHeaders")
        self.gw.delete_cors_configuration(ApiId=api)
        self.assertNotIn("CorsConfiguration", self.gw.get_api(ApiId=api))

    def test_api_quick_create(self):
        # api_test.go::TestAccAPIGatewayV2API_quickCreate
        api = self.gw.create_api(Name="tf-quick", ProtocolType="HTTP", Target="http://www.example.com/",
                                 RouteKey="GET /pets")
        self.assertEqual(api["RouteSelectionExpression"], "$request.method $request.path")
        ints = self.gw.get_integrations(ApiId=api["ApiId"])["Items"]
        self.assertEqual([(i["IntegrationType"], i["IntegrationUri"]) for i in ints],
                         [("HTTP_PROXY", "http://www.example.com/")])
        self.assertEqual([r["RouteKey"] for r in self.gw.get_routes(ApiId=api["ApiId"])["Items"]], ["GET /pets"])
        self.assertEqual([s["StageName"] for s in self.gw.get_stages(ApiId=api["ApiId"])["Items"]], ["$default"])

    def test_api_import_openapi(self):
        # api_test.go::TestAccAPIGatewayV2API_openAPI: the imported API answers as a created one
        body = ('{"openapi": "3.0.1", "info": {"title": "tf-import", "version": "1.0"}, "paths": {"/test": {"get": '
                '{"x-amazon-apigateway-integration": {"type": "HTTP_PROXY", "httpMethod": "GET", '
                '"payloadFormatVersion": "1.0", "uri": "https://www.google.de"}}}}}')
        api = self.gw.import_api(Body=body)
        self.assertEqual(api["RouteSelectionExpression"], "$request.method $request.path")
        self.assertEqual(api["ProtocolType"], "HTTP")
        self.assertIs(api["DisableExecuteApiEndpoint"], False)
        self.assertEqual([r["RouteKey"] for r in self.gw.get_routes(ApiId=api["ApiId"])["Items"]], ["GET /test"])

    def test_api_import_fail_on_warnings(self):
        # api_test.go::TestAccAPIGatewayV2API_OpenAPI_failOnWarnings: a response schema naming a
        # model the document lacks is a warning; refused with failOnWarnings, imported without
        body = ('{"openapi": "3.0.1", "info": {"title": "Title test", "version": "2.0"}, "paths": {"/update": {"get": {'
                '"x-amazon-apigateway-integration": {"type": "HTTP_PROXY", "httpMethod": "GET", '
                '"payloadFormatVersion": "1.0", "uri": "https://www.google.de"}, "responses": {"200": {'
                '"description": "Response description", "content": {"application/json": {"schema": '
                '{"$ref": "#/components/schemas/ModelThatDoesNotExist"}}}}}}}}}')
        before = len(self.gw.get_apis()["Items"])
        e = self.client_error(self.gw.import_api, Body=body, FailOnWarnings=True)
        self.assertEqual(e["Error"]["Code"], "BadRequestException")
        self.assertTrue(e["Error"]["Message"].startswith("Warnings found during import"), e["Error"]["Message"])
        self.assertEqual(len(self.gw.get_apis()["Items"]), before)   # nothing half-made
        api = self.gw.import_api(Body=body, FailOnWarnings=False)["ApiId"]
        self.assertEqual([r["RouteKey"] for r in self.gw.get_routes(ApiId=api)["Items"]], ["GET /update"])
        e = self.client_error(self.gw.reimport_api, ApiId=api, Body=body.replace("/update", "/other"),
                              FailOnWarnings=True)
        self.assertTrue(e["Error"]["Message"].startswith("Warnings found during import"), e["Error"]["Message"])
        self.assertEqual([r["RouteKey"] for r in self.gw.get_routes(ApiId=api)["Items"]], ["GET /update"])
        self.gw.reimport_api(ApiId=api, Body=body.replace("/update", "/other"))
        self.assertEqual([r["RouteKey"] for r in self.gw.get_routes(ApiId=api)["Items"]], ["GET /other"])

    # --- routes (route_test.go) ----------------------------------------------

    def test_route_ws_basic_and_simple_attributes(self):
        # route_test.go::TestAccAPIGatewayV2Route_basic, ::TestAccAPIGatewayV2Route_simpleAttributes
        api = self.ws_api()
        r = self.gw.create_route(ApiId=api, RouteKey="$default", ApiKeyRequired=False, AuthorizationType="NONE")
        got = self.gw.get_route(ApiId=api, RouteId=r["RouteId"])
        self.assertEqual((got["ApiKeyRequired"], got["AuthorizationType"], got["RouteKey"]), (False, "NONE", "$default"))
        self.assertEmpty(got, "AuthorizerId", "ModelSelectionExpression", "OperationName", "RequestModels",
                         "RequestParameters", "RouteResponseSelectionExpression", "Target", "AuthorizationScopes")
        self.gw.update_route(ApiId=api, RouteId=r["RouteId"], ApiKeyRequired=True, OperationName="GET",
                             RouteResponseSelectionExpression="$default")
        got = self.gw.get_route(ApiId=api, RouteId=r["RouteId"])
        self.assertEqual((got["ApiKeyRequired"], got["OperationName"], got["RouteResponseSelectionExpression"]),
                         (True, "GET", "$default"))
        self.gw.update_route(ApiId=api, RouteId=r["RouteId"], ApiKeyRequired=False, OperationName="",
                             RouteResponseSelectionExpression="")
        got = self.gw.get_route(ApiId=api, RouteId=r["RouteId"])
        self.assertIs(got["ApiKeyRequired"], False)
        self.assertEmpty(got, "OperationName", "RouteResponseSelectionExpression")

    def test_route_custom_authorizer_then_iam(self):
        # route_test.go::TestAccAPIGatewayV2Route_authorizer
        api = self.ws_api()
        az = self.gw.create_authorizer(ApiId=api, AuthorizerType="REQUEST", AuthorizerUri=FN_URI, Name="tf-az",
                                       IdentitySource=[])["AuthorizerId"]
        r = self.gw.create_route(ApiId=api, RouteKey="$connect", ApiKeyRequired=False, AuthorizationType="CUSTOM",
                                 AuthorizerId=az)
        got = self.gw.get_route(ApiId=api, RouteId=r["RouteId"])
        self.assertEqual((got["AuthorizationType"], got["AuthorizerId"], got["RouteKey"]), ("CUSTOM", az, "$connect"))
        self.assertEmpty(got, "AuthorizationScopes", "Target")
        self.gw.update_route(ApiId=api, RouteId=r["RouteId"], AuthorizerId="", AuthorizationType="AWS_IAM")
        got = self.gw.get_route(ApiId=api, RouteId=r["RouteId"])
        self.assertEqual(got["AuthorizationType"], "AWS_IAM")
        self.assertEmpty(got, "AuthorizerId")

    def test_route_authorizer_must_fit_authorization_type(self):
        # AWS's answers, as terraform relays them: JWT without a JWT authorizer (anomalyco/sst#4097),
        # CUSTOM with a JWT authorizer (hashicorp/terraform-provider-aws#17497)
        api = self.http_api()
        jwt = self.gw.create_authorizer(ApiId=api, AuthorizerType="JWT", IdentitySource=["$request.header.Authorization"],
                                        Name="tf-jwt", JwtConfiguration={"Audience": ["a"], "Issuer": "https://issuer"})
        lam = self.gw.create_authorizer(ApiId=api, AuthorizerType="REQUEST", AuthorizerUri=FN_URI, Name="tf-req",
                                        IdentitySource=["$request.header.Auth"], AuthorizerPayloadFormatVersion="2.0")
        jwt_msg = ("Invalid authorizer ID specified. Setting the authorization type to JWT requires a valid JWT "
                   "authorizer.")
        custom_msg = ("Invalid authorizer ID specified. Setting the authorization type to CUSTOM or COGNITO_USER_POOLS "
                      "requires a valid authorizer.")
        for at, az, msg in (("JWT", None, jwt_msg), ("JWT", "nope123", jwt_msg), ("JWT", lam["AuthorizerId"], jwt_msg),
                            ("CUSTOM", jwt["AuthorizerId"], custom_msg), ("CUSTOM", None, custom_msg)):
            kw = {"AuthorizerId": az} if az else {}
            e = self.client_error(self.gw.create_route, ApiId=api, RouteKey="GET /x", AuthorizationType=at, **kw)
            self.assertEqual((e["Error"]["Code"], e["Error"]["Message"]), ("BadRequestException", msg), (at, az))
        self.assertEqual(self.gw.get_routes(ApiId=api)["Items"], [])
        rid = self.gw.create_route(ApiId=api, RouteKey="GET /x", AuthorizationType="CUSTOM",
                                   AuthorizerId=lam["AuthorizerId"])["RouteId"]
        e = self.client_error(self.gw.update_route, ApiId=api, RouteId=rid, AuthorizationType="JWT")
        self.assertEqual(e["Error"]["Message"], jwt_msg)
        self.gw.update_route(ApiId=api, RouteId=rid, AuthorizationType="JWT", AuthorizerId=jwt["AuthorizerId"])

    def test_route_jwt_authorization_scopes(self):
        # route_test.go::TestAccAPIGatewayV2Route_jwtAuthorization
        api = self.http_api()
        jwt = {"Audience": ["test"], "Issuer": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_tf"}
        a1 = self.gw.create_authorizer(ApiId=api, AuthorizerType="JWT", IdentitySource=["$request.header.Authorization"],
                                       Name="tf-jwt", JwtConfiguration=jwt)["AuthorizerId"]
        a2 = self.gw.create_authorizer(ApiId=api, AuthorizerType="JWT", IdentitySource=["$request.header.Authorization"],
                                       Name="another-authorizer", JwtConfiguration=jwt)["AuthorizerId"]
        r = self.gw.create_route(ApiId=api, RouteKey="GET /test", ApiKeyRequired=False, AuthorizationType="JWT",
                                 AuthorizerId=a1, AuthorizationScopes=["user.id", "user.email"])
        got = self.gw.get_route(ApiId=api, RouteId=r["RouteId"])
        self.assertEqual(sorted(got["AuthorizationScopes"]), ["user.email", "user.id"])
        self.assertEqual((got["AuthorizationType"], got["AuthorizerId"]), ("JWT", a1))
        self.gw.update_route(ApiId=api, RouteId=r["RouteId"], AuthorizationScopes=["user.email"], AuthorizerId=a2,
                             AuthorizationType="JWT")
        got = self.gw.get_route(ApiId=api, RouteId=r["RouteId"])
        self.assertEqual((got["AuthorizationScopes"], got["AuthorizerId"]), (["user.email"], a2))

    def test_route_model_and_request_parameters(self):
        # route_test.go::TestAccAPIGatewayV2Route_model, ::TestAccAPIGatewayV2Route_requestParameters
        api = self.ws_api()
        model = self.gw.create_model(ApiId=api, ContentType="application/json", Name="tfmodel", Schema=SCHEMA)
        r = self.gw.create_route(ApiId=api, RouteKey="$default", ApiKeyRequired=False, AuthorizationType="NONE",
                                 ModelSelectionExpression="action", RequestModels={"test": model["Name"]})
        got = self.gw.get_route(ApiId=api, RouteId=r["RouteId"])
        self.assertEqual((got["ModelSelectionExpression"], got["RequestModels"]), ("action", {"test": "tfmodel"}))
        c = self.gw.create_route(ApiId=api, RouteKey="$connect", ApiKeyRequired=False, AuthorizationType="NONE",
                                 RequestParameters={"route.request.header.authorization": {"Required": True}})
        rid = c["RouteId"]
        self.assertEqual(self.gw.get_route(ApiId=api, RouteId=rid)["RequestParameters"],
                         {"route.request.header.authorization": {"Required": True}})
        self.gw.delete_route_request_parameter(ApiId=api, RouteId=rid,
                                               RequestParameterKey="route.request.header.authorization")
        self.gw.update_route(ApiId=api, RouteId=rid, RequestParameters={
            "route.request.header.authorization": {"Required": False},
            "route.request.querystring.authToken": {"Required": True}})
        self.assertEqual(self.gw.get_route(ApiId=api, RouteId=rid)["RequestParameters"],
                         {"route.request.header.authorization": {"Required": False},
                          "route.request.querystring.authToken": {"Required": True}})
        for key in ("route.request.header.authorization", "route.request.querystring.authToken"):
            self.gw.delete_route_request_parameter(ApiId=api, RouteId=rid, RequestParameterKey=key)
        self.assertEmpty(self.gw.get_route(ApiId=api, RouteId=rid), "RequestParameters")

    def test_route_target_and_route_key_update(self):
        # route_test.go::TestAccAPIGatewayV2Route_target, ::TestAccAPIGatewayV2Route_updateRouteKey
        ws = self.ws_api()
        integ = self.gw.create_integration(ApiId=ws, IntegrationType="MOCK")["IntegrationId"]
        r = self.gw.create_route(ApiId=ws, RouteKey="$default", ApiKeyRequired=False, AuthorizationType="NONE",
                                 Target="integrations/" + integ)
        self.assertEqual(self.gw.get_route(ApiId=ws, RouteId=r["RouteId"])["Target"], "integrations/" + integ)
        api = self.http_api()
        r = self.gw.create_route(ApiId=api, RouteKey="GET /path", ApiKeyRequired=False, AuthorizationType="NONE")
        up = self.gw.update_route(ApiId=api, RouteId=r["RouteId"], RouteKey="POST /new/path")
        self.assertEqual(up["RouteKey"], "POST /new/path")
        got = self.gw.get_route(ApiId=api, RouteId=r["RouteId"])
        self.assertEqual((got["RouteKey"], got["AuthorizationType"], got["ApiKeyRequired"]),
                         ("POST /new/path", "NONE", False))
        self.assertEmpty(got, "Target", "AuthorizerId")

    def test_route_key_taken(self):
        # AWS's answer to a second route with a key in use, as terraform relays it
        # (anomalyco/sst#5031: "ConflictException: Route with key ANY /{proxy+} already exists for this API")
        api = self.http_api()
        self.gw.create_route(ApiId=api, RouteKey="ANY /{proxy+}")
        e = self.client_error(self.gw.create_route, ApiId=api, RouteKey="ANY /{proxy+}")
        self.assertEqual((e["Error"]["Code"], e["Error"]["Message"]),
                         ("ConflictException", "Route with key ANY /{proxy+} already exists for this API"))
        other = self.gw.create_route(ApiId=api, RouteKey="GET /other")["RouteId"]
        e = self.client_error(self.gw.update_route, ApiId=api, RouteId=other, RouteKey="ANY /{proxy+}")
        self.assertEqual(e["Error"]["Code"], "ConflictException")
        self.assertEqual(self.gw.get_route(ApiId=api, RouteId=other)["RouteKey"], "GET /other")

    # --- integrations (integration_test.go) ----------------------------------

    def test_integration_http_api_takes_proxies_only(self):
        # AWS's answer to a non-proxy integration on an HTTP API (aws/aws-cli#6363; MOCK likewise,
        # terraform-aws-modules/terraform-aws-apigateway-v2#69)
        api = self.http_api()
        for kw in ({"IntegrationType": "AWS", "IntegrationUri": FN_URI},
                   {"IntegrationType": "HTTP", "IntegrationUri": "https://example.com", "IntegrationMethod": "GET"},
                   {"IntegrationType": "MOCK"}):
            e = self.client_error(self.gw.create_integration, ApiId=api, **kw)
            self.assertEqual((e["Error"]["Code"], e["Error"]["Message"]),
                             ("BadRequestException", "Currently, an API with a protocol type of HTTP may only be "
                              "associated with proxy integrations (AWS_PROXY, HTTP_PROXY)"), kw)
        self.assertEqual(self.gw.get_integrations(ApiId=api)["Items"], [])
        iid = self.gw.create_integration(ApiId=api, IntegrationType="HTTP_PROXY", IntegrationMethod="GET",
                                         IntegrationUri="https://example.com")["IntegrationId"]
        e = self.client_error(self.gw.update_integration, ApiId=api, IntegrationId=iid, IntegrationType="HTTP")
        self.assertEqual(e["Error"]["Code"], "BadRequestException")
        self.assertEqual(self.gw.get_integration(ApiId=api, IntegrationId=iid)["IntegrationType"], "HTTP_PROXY")

    def test_integration_ws_mock_defaults(self):
        # integration_test.go::TestAccAPIGatewayV2Integration_basicWebSocket
        api = self.ws_api()
        i = self.gw.create_integration(ApiId=api, IntegrationType="MOCK")
        for got in (i, self.gw.get_integration(ApiId=api, IntegrationId=i["IntegrationId"])):
            self.assertEqual((got["ConnectionType"], got["IntegrationResponseSelectionExpression"],
                              got["PassthroughBehavior"], got["PayloadFormatVersion"], got["TimeoutInMillis"]),
                             ("INTERNET", "${integration.response.statuscode}", "WHEN_NO_MATCH", "1.0", 29000))
            self.assertEmpty(got, "ConnectionId", "ContentHandlingStrategy", "CredentialsArn", "Description",
                             "IntegrationMethod", "IntegrationSubtype", "IntegrationUri", "RequestParameters",
                             "RequestTemplates", "ResponseParameters", "TemplateSelectionExpression", "TlsConfig")

    def test_integration_http_proxy_defaults(self):
        # integration_test.go::TestAccAPIGatewayV2Integration_basicHTTP
        api = self.http_api()
        i = self.gw.create_integration(ApiId=api, IntegrationType="HTTP_PROXY", IntegrationMethod="GET",
                                       IntegrationUri="https://example.com")
        got = self.gw.get_integration(ApiId=api, IntegrationId=i["IntegrationId"])
        self.assertEqual((got["ConnectionType"], got["IntegrationMethod"], got["PayloadFormatVersion"],
                          got["TimeoutInMillis"]), ("INTERNET", "GET", "1.0", 30000))
        self.assertEmpty(got, "IntegrationResponseSelectionExpression", "PassthroughBehavior",
                         "ContentHandlingStrategy", "TemplateSelectionExpression", "TlsConfig")

    def test_integration_http_data_mapping(self):
        # integration_test.go::TestAccAPIGatewayV2Integration_dataMappingHTTP
        api = self.http_api()
        i = self.gw.create_integration(
            ApiId=api, IntegrationType="HTTP_PROXY", IntegrationMethod="ANY", IntegrationUri="http://www.example.com",
            RequestParameters={"append:header.header1": "$context.requestId", "remove:querystring.qs1": "''"},
            ResponseParameters={"500": {"append:header.header1": "$context.requestId", "overwrite:statuscode": "403"},
                                "404": {"append:header.error": "$stageVariables.environmentId"}})
        iid = i["IntegrationId"]
        got = self.gw.get_integration(ApiId=api, IntegrationId=iid)
        self.assertEqual(got["ResponseParameters"]["404"], {"append:header.error": "$stageVariables.environmentId"})
        self.assertEqual(got["RequestParameters"]["remove:querystring.qs1"], "''")
        # integration.go's update: a removed request parameter is sent as "", a removed status code as {}
        self.gw.update_integration(
            ApiId=api, IntegrationId=iid, IntegrationType="HTTP_PROXY",
            RequestParameters={"append:header.header1": "$context.accountId", "remove:querystring.qs1": "",
                               "overwrite:header.header2": "$stageVariables.environmentId"},
            ResponseParameters={"500": {"append:header.header1": "$context.requestId", "overwrite:statuscode": "403"},
                                "404": {}})
        got = self.gw.get_integration(ApiId=api, IntegrationId=iid)
        self.assertEqual(got["RequestParameters"], {"append:header.header1": "$context.accountId",
                                                    "overwrite:header.header2": "$stageVariables.environmentId"})
        self.assertEqual(got["ResponseParameters"],
                         {"500": {"append:header.header1": "$context.requestId", "overwrite:statuscode": "403"}})
        self.assertEqual((got["IntegrationMethod"], got["PayloadFormatVersion"], got["TimeoutInMillis"]),
                         ("ANY", "1.0", 30000))

    def test_integration_ws_http_type(self):
        # integration_test.go::TestAccAPIGatewayV2Integration_integrationTypeHTTP
        api = self.ws_api()
        i = self.gw.create_integration(
            ApiId=api, IntegrationType="HTTP", ConnectionType="INTERNET", ContentHandlingStrategy="CONVERT_TO_TEXT",
            Description="Test HTTP", IntegrationMethod="GET", IntegrationUri="http://www.example.com",
            PassthroughBehavior="WHEN_NO_MATCH", TemplateSelectionExpression="$request.body.name",
            TimeoutInMillis=28999, RequestParameters={"integration.request.querystring.stage": "'value1'"},
            RequestTemplates={"application/json": ""})
        iid = i["IntegrationId"]
        got = self.gw.get_integration(ApiId=api, IntegrationId=iid)
        self.assertEqual((got["IntegrationResponseSelectionExpression"], got["PayloadFormatVersion"],
                          got["TimeoutInMillis"], got["RequestTemplates"]),
                         ("${integration.response.statuscode}", "1.0", 28999, {"application/json": ""}))
        self.gw.update_integration(
            ApiId=api, IntegrationId=iid, ContentHandlingStrategy="CONVERT_TO_BINARY", Description="Test HTTP updated",
            IntegrationMethod="POST", IntegrationUri="http://www.example.org", PassthroughBehavior="WHEN_NO_TEMPLATES",
            TemplateSelectionExpression="$request.body.id", TimeoutInMillis=51,
            RequestParameters={"integration.request.header.x-userid": "'value2'",
                               "integration.request.path.op": "'value3'",
                               "integration.request.querystring.stage": ""},
            RequestTemplates={"application/json": "#set($number=42)", "application/xml": "#set($percent=$number/100)"})
        got = self.gw.get_integration(ApiId=api, IntegrationId=iid)
        self.assertEqual((got["ContentHandlingStrategy"], got["IntegrationMethod"], got["PassthroughBehavior"],
                          got["TimeoutInMillis"], got["IntegrationResponseSelectionExpression"]),
                         ("CONVERT_TO_BINARY", "POST", "WHEN_NO_TEMPLATES", 51, "${integration.response.statuscode}"))
        self.assertEqual(sorted(got["RequestParameters"]), ["integration.request.header.x-userid",
                                                            "integration.request.path.op"])

    def test_integration_lambda_ws_and_http(self):
        # integration_test.go::TestAccAPIGatewayV2Integration_lambdaWebSocket, ::..._lambdaHTTP
        ws = self.ws_api()
        i = self.gw.create_integration(ApiId=ws, IntegrationType="AWS", ConnectionType="INTERNET",
                                       ContentHandlingStrategy="CONVERT_TO_TEXT", Description="Test Lambda",
                                       IntegrationUri=FN_URI, PassthroughBehavior="WHEN_NO_MATCH")
        got = self.gw.get_integration(ApiId=ws, IntegrationId=i["IntegrationId"])
        self.assertEqual((got["IntegrationMethod"], got["IntegrationResponseSelectionExpression"],
                          got["PayloadFormatVersion"], got["TimeoutInMillis"], got["PassthroughBehavior"]),
                         ("POST", "${integration.response.body.errorMessage}", "1.0", 29000, "WHEN_NO_MATCH"))
        api = self.http_api()
        i = self.gw.create_integration(ApiId=api, IntegrationType="AWS_PROXY", ConnectionType="INTERNET",
                                       Description="Test Lambda", IntegrationUri=FN_URI, PayloadFormatVersion="2.0")
        got = self.gw.get_integration(ApiId=api, IntegrationId=i["IntegrationId"])
        self.assertEqual((got["IntegrationMethod"], got["PayloadFormatVersion"], got["TimeoutInMillis"]),
                         ("POST", "2.0", 30000))
        self.assertEmpty(got, "IntegrationResponseSelectionExpression", "PassthroughBehavior")

    def test_integration_vpc_links(self):
        # integration_test.go::TestAccAPIGatewayV2Integration_vpcLinkWebSocket, ::..._vpcLinkHTTP
        ws = self.ws_api()
        i = self.gw.create_integration(ApiId=ws, IntegrationType="HTTP_PROXY", ConnectionId="vlink1",
                                       ConnectionType="VPC_LINK", ContentHandlingStrategy="CONVERT_TO_TEXT",
                                       Description="Test VPC Link", IntegrationMethod="PUT",
                                       IntegrationUri="http://www.example.net", PassthroughBehavior="NEVER",
                                       TimeoutInMillis=12345)
        got = self.gw.get_integration(ApiId=ws, IntegrationId=i["IntegrationId"])
        self.assertEqual((got["ConnectionId"], got["ConnectionType"], got["PassthroughBehavior"],
                          got["PayloadFormatVersion"], got["TimeoutInMillis"]),
                         ("vlink1", "VPC_LINK", "NEVER", "1.0", 12345))
        self.assertEmpty(got, "IntegrationResponseSelectionExpression")
        api = self.http_api()
        listener = "arn:aws:elasticloadbalancing:us-east-1:000000000000:listener/net/tf/50dc6c495c0c9188/f3f9c5a6c8b4d2e1"
        i = self.gw.create_integration(ApiId=api, IntegrationType="HTTP_PROXY", ConnectionType="VPC_LINK",
                                       ConnectionId="vlink2", Description="Test private integration",
                                       IntegrationMethod="GET", IntegrationUri=listener, TimeoutInMillis=29001,
                                       TlsConfig={"ServerNameToVerify": "www.example.com"})
        iid = i["IntegrationId"]
        self.gw.update_integration(ApiId=api, IntegrationId=iid, Description="Test private integration updated",
                                   IntegrationMethod="POST", TlsConfig={"ServerNameToVerify": "www.example.org"})
        got = self.gw.get_integration(ApiId=api, IntegrationId=iid)
        self.assertEqual((got["IntegrationMethod"], got["TimeoutInMillis"], got["TlsConfig"], got["PayloadFormatVersion"]),
                         ("POST", 29001, {"ServerNameToVerify": "www.example.org"}, "1.0"))
        self.assertEmpty(got, "PassthroughBehavior", "IntegrationResponseSelectionExpression")

    def test_integration_service_subtype(self):
        # integration_test.go::TestAccAPIGatewayV2Integration_serviceIntegration: no URI, format 1.0, no method
        api = self.http_api()
        role = "arn:aws:iam::000000000000:role/tf-sqs"
        params = {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/000000000000/tf-0",
                  "MessageGroupId": "$request.body.authentication_key", "MessageBody": "$request.body"}
        i = self.gw.create_integration(ApiId=api, CredentialsArn=role, Description="Test SQS send",
                                       IntegrationType="AWS_PROXY", IntegrationSubtype="SQS-SendMessage",
                                       RequestParameters=params)
        iid = i["IntegrationId"]
        got = self.gw.get_integration(ApiId=api, IntegrationId=iid)
        self.assertEqual((got["CredentialsArn"], got["IntegrationSubtype"], got["PayloadFormatVersion"],
                          got["TimeoutInMillis"], got["ConnectionType"]),
                         (role, "SQS-SendMessage", "1.0", 30000, "INTERNET"))
        self.assertEmpty(got, "IntegrationMethod", "IntegrationUri", "PassthroughBehavior")
        params["QueueUrl"] = "https://sqs.us-east-1.amazonaws.com/000000000000/tf-1"
        self.gw.update_integration(ApiId=api, IntegrationId=iid, IntegrationType="AWS_PROXY",
                                   IntegrationSubtype="SQS-SendMessage", RequestParameters=params)
        got = self.gw.get_integration(ApiId=api, IntegrationId=iid)
        self.assertEqual(got["RequestParameters"], params)
        self.assertEmpty(got, "IntegrationMethod", "IntegrationUri")

    def test_integration_subtype_http_api_aws_proxy_only(self):
        # botocore: IntegrationSubtype is "Supported only for HTTP API AWS_PROXY integrations"
        msg = ("BadRequestException", "IntegrationSubtype is supported only for HTTP API AWS_PROXY integrations")
        params = {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/000000000000/q", "MessageBody": "$request.body"}
        ws, http = self.ws_api(), self.http_api()
        for api, kw in ((ws, {"IntegrationType": "AWS", "IntegrationMethod": "POST"}),
                        (ws, {"IntegrationType": "AWS_PROXY"}),
                        (http, {"IntegrationType": "HTTP_PROXY", "IntegrationMethod": "POST"})):
            with self.subTest(api=api, type=kw["IntegrationType"]):
                e = self.client_error(self.gw.create_integration, ApiId=api, IntegrationSubtype="SQS-SendMessage",
                                      CredentialsArn="arn:aws:iam::000000000000:role/r", RequestParameters=params, **kw)
                self.assertEqual((e["Error"]["Code"], e["Error"]["Message"]), msg)
        self.assertEqual(self.gw.get_integrations(ApiId=ws)["Items"], [])
        # nor added by UpdateIntegration to a WebSocket API's integration
        iid = self.gw.create_integration(ApiId=ws, IntegrationType="MOCK")["IntegrationId"]
        e = self.client_error(self.gw.update_integration, ApiId=ws, IntegrationId=iid,
                              IntegrationSubtype="SQS-SendMessage")
        self.assertEqual((e["Error"]["Code"], e["Error"]["Message"]), msg)
        self.assertNotIn("IntegrationSubtype", self.gw.get_integration(ApiId=ws, IntegrationId=iid))
        # the HTTP API's AWS_PROXY integration keeps it
        iid = self.gw.create_integration(ApiId=http, IntegrationType="AWS_PROXY", IntegrationSubtype="SQS-SendMessage",
                                         CredentialsArn="arn:aws:iam::000000000000:role/r",
                                         RequestParameters=params)["IntegrationId"]
        self.assertEqual(self.gw.get_integration(ApiId=http, IntegrationId=iid)["IntegrationSubtype"], "SQS-SendMessage")

    # --- integration and route responses -------------------------------------

    def test_integration_response_attributes(self):
        # integration_response_test.go::TestAccAPIGatewayV2IntegrationResponse_basic, ::..._allAttributes
        api = self.ws_api()
        iid = self.gw.create_integration(ApiId=api, IntegrationType="MOCK")["IntegrationId"]
        basic = self.gw.create_integration_response(ApiId=api, IntegrationId=iid, IntegrationResponseKey="/200/")
        got = self.gw.get_integration_response(ApiId=api, IntegrationId=iid,
                                               IntegrationResponseId=basic["IntegrationResponseId"])
        self.assertEqual(got["IntegrationResponseKey"], "/200/")
        self.assertEmpty(got, "ContentHandlingStrategy", "ResponseTemplates", "TemplateSelectionExpression")
        ir = self.gw.create_integration_response(ApiId=api, IntegrationId=iid, IntegrationResponseKey="$default",
                                                 ContentHandlingStrategy="CONVERT_TO_TEXT",
                                                 TemplateSelectionExpression="$request.body.name",
                                                 ResponseTemplates={"application/json": ""})
        rid = ir["IntegrationResponseId"]
        self.assertEqual(ir["ResponseTemplates"], {"application/json": ""})
        self.gw.update_integration_response(ApiId=api, IntegrationId=iid, IntegrationResponseId=rid,
                                            IntegrationResponseKey="/404/", ContentHandlingStrategy="CONVERT_TO_BINARY",
                                            TemplateSelectionExpression="$request.body.id",
                                            ResponseTemplates={"application/json": "#set($number=42)",
                                                               "application/xml": "#set($percent=$number/100)"})
        got = self.gw.get_integration_response(ApiId=api, IntegrationId=iid, IntegrationResponseId=rid)
        self.assertEqual((got["IntegrationResponseKey"], got["ContentHandlingStrategy"],
                          got["TemplateSelectionExpression"], len(got["ResponseTemplates"])),
                         ("/404/", "CONVERT_TO_BINARY", "$request.body.id", 2))

    def test_route_response_attributes(self):
        # route_response_test.go::TestAccAPIGatewayV2RouteResponse_basic, ::..._model
        api = self.ws_api()
        model = self.gw.create_model(ApiId=api, ContentType="application/json", Name="tfrrmodel", Schema=SCHEMA)
        rid = self.gw.create_route(ApiId=api, RouteKey="$default")["RouteId"]
        rr = self.gw.create_route_response(ApiId=api, RouteId=rid, RouteResponseKey="$default")
        got = self.gw.get_route_response(ApiId=api, RouteId=rid, RouteResponseId=rr["RouteResponseId"])
        self.assertEqual(got["RouteResponseKey"], "$default")
        self.assertEmpty(got, "ModelSelectionExpression", "ResponseModels")
        self.gw.delete_route_response(ApiId=api, RouteId=rid, RouteResponseId=rr["RouteResponseId"])
        rr = self.gw.create_route_response(ApiId=api, RouteId=rid, RouteResponseKey="$default",
                                           ModelSelectionExpression="action", ResponseModels={"test": model["Name"]})
        got = self.gw.get_route_response(ApiId=api, RouteId=rid, RouteResponseId=rr["RouteResponseId"])
        self.assertEqual((got["ModelSelectionExpression"], got["ResponseModels"]), ("action", {"test": "tfrrmodel"}))

    # --- stages and deployments (stage_test.go, deployment_test.go) ---------

    def test_stage_ws_defaults(self):
        # stage_test.go::TestAccAPIGatewayV2Stage_basicWebSocket
        api = self.ws_api()
        st = self.gw.create_stage(ApiId=api, StageName="tf-ws", AutoDeploy=False)
        for got in (st, self.gw.get_stage(ApiId=api, StageName="tf-ws")):
            drs = got["DefaultRouteSettings"]
            self.assertEqual(drs.get("LoggingLevel"), "OFF")
            self.assertEmpty(drs, "DataTraceEnabled", "DetailedMetricsEnabled", "ThrottlingBurstLimit",
                             "ThrottlingRateLimit")
            self.assertIs(got.get("AutoDeploy", False), False)
            self.assertEmpty(got, "AccessLogSettings", "ClientCertificateId", "DeploymentId", "Description",
                             "RouteSettings", "StageVariables", "Tags")

    def test_stage_http_defaults(self):
        # stage_test.go::TestAccAPIGatewayV2Stage_basicHTTP, ::TestAccAPIGatewayV2Stage_defaultHTTPStage
        api = self.http_api()
        for name in ("tf-http", "$default"):
            got = self.gw.create_stage(ApiId=api, StageName=name, AutoDeploy=False)
            self.assertEqual(got["StageName"], name)
            self.assertIs(got["AutoDeploy"], False)
            self.assertIn("DefaultRouteSettings", got)
            self.assertEmpty(got["DefaultRouteSettings"], "LoggingLevel", "DataTraceEnabled", "DetailedMetricsEnabled",
                             "ThrottlingBurstLimit", "ThrottlingRateLimit")
            self.assertEmpty(got, "DeploymentId", "Description", "ClientCertificateId", "RouteSettings",
                             "StageVariables", "AccessLogSettings")

    def test_stage_ws_default_route_settings_update_keeps_logging_level(self):
        # stage_test.go::TestAccAPIGatewayV2Stage_defaultRouteSettingsWebSocket
        api = self.ws_api()
        self.gw.create_stage(ApiId=api, StageName="tf-drs", AutoDeploy=False, DefaultRouteSettings={
            "DataTraceEnabled": True, "DetailedMetricsEnabled": True, "LoggingLevel": "ERROR",
            "ThrottlingBurstLimit": 2222, "ThrottlingRateLimit": 8888})
        drs = self.gw.get_stage(ApiId=api, StageName="tf-drs")["DefaultRouteSettings"]
        self.assertEqual(drs, {"DataTraceEnabled": True, "DetailedMetricsEnabled": True, "LoggingLevel": "ERROR",
                               "ThrottlingBurstLimit": 2222, "ThrottlingRateLimit": 8888.0})
        self.gw.update_stage(ApiId=api, StageName="tf-drs", DefaultRouteSettings={
            "DataTraceEnabled": False, "DetailedMetricsEnabled": True, "LoggingLevel": "INFO",
            "ThrottlingBurstLimit": 1111, "ThrottlingRateLimit": 9999})
        drs = self.gw.get_stage(ApiId=api, StageName="tf-drs")["DefaultRouteSettings"]
        self.assertEqual((drs["DataTraceEnabled"], drs["LoggingLevel"], drs["ThrottlingBurstLimit"]),
                         (False, "INFO", 1111))
        # the block left out of the configuration: the provider sends empty settings; the level stays
        self.gw.update_stage(ApiId=api, StageName="tf-drs", DefaultRouteSettings={})
        drs = self.gw.get_stage(ApiId=api, StageName="tf-drs")["DefaultRouteSettings"]
        self.assertEqual(drs.get("LoggingLevel"), "INFO")
        self.assertEmpty(drs, "DataTraceEnabled", "DetailedMetricsEnabled", "ThrottlingBurstLimit",
                         "ThrottlingRateLimit")

    def test_stage_http_default_route_settings(self):
        # stage_test.go::TestAccAPIGatewayV2Stage_defaultRouteSettingsHTTP
        api = self.http_api()
        self.gw.create_stage(ApiId=api, StageName="tf-drs", AutoDeploy=False, DefaultRouteSettings={
            "DetailedMetricsEnabled": True, "ThrottlingBurstLimit": 2222, "ThrottlingRateLimit": 8888})
        self.gw.update_stage(ApiId=api, StageName="tf-drs", DefaultRouteSettings={
            "DetailedMetricsEnabled": False, "ThrottlingBurstLimit": 1111, "ThrottlingRateLimit": 9999})
        drs = self.gw.get_stage(ApiId=api, StageName="tf-drs")["DefaultRouteSettings"]
        self.assertEqual((drs.get("DetailedMetricsEnabled"), drs["ThrottlingBurstLimit"], drs["ThrottlingRateLimit"]),
                         (False, 1111, 9999.0))
        self.assertEmpty(drs, "LoggingLevel", "DataTraceEnabled")

    def test_stage_http_route_settings_name_routes(self):
        # stage_test.go::TestAccAPIGatewayV2Stage_routeSettingsHTTP ($default with no such route) and
        # ::TestAccAPIGatewayV2Stage_routeSettingsHTTPRoute (a route's key). A key no route has is
        # refused: "NotFoundException: Unable to find Route by key GET /some-route within the provided
        # RouteSettings", status 404 (terraform-aws-modules/terraform-aws-apigateway-v2#80), also for a
        # route renamed since its settings were made, which an update keeps
        # (DianaIonita/serverless-api-gateway-throttling#33, #34)
        api = self.http_api()
        rid = self.gw.create_route(ApiId=api, RouteKey="GET /world")["RouteId"]
        self.gw.create_stage(ApiId=api, StageName="tf-rs", AutoDeploy=False, RouteSettings={
            "$default": {"DetailedMetricsEnabled": True, "ThrottlingBurstLimit": 2222, "ThrottlingRateLimit": 8888}})
        rs = self.gw.get_stage(ApiId=api, StageName="tf-rs")["RouteSettings"]["$default"]
        self.assertEqual((rs["DetailedMetricsEnabled"], rs["ThrottlingBurstLimit"]), (True, 2222))
        self.assertEmpty(rs, "LoggingLevel", "DataTraceEnabled")
        self.gw.update_stage(ApiId=api, StageName="tf-rs", RouteSettings={"GET /world": {"ThrottlingBurstLimit": 1}})
        got = self.gw.get_stage(ApiId=api, StageName="tf-rs")["RouteSettings"]
        self.assertEqual((sorted(got), got["GET /world"]["ThrottlingBurstLimit"]), (["$default", "GET /world"], 1))
        for call in (lambda **kw: self.gw.create_stage(ApiId=api, StageName="tf-rs2", **kw),
                     lambda **kw: self.gw.update_stage(ApiId=api, StageName="tf-rs", **kw)):
            e = self.client_error(call, RouteSettings={"GET /some-route": {"ThrottlingBurstLimit": 1}})
            self.assertEqual((e["Error"]["Code"], e["Error"]["Message"], e["ResponseMetadata"]["HTTPStatusCode"]),
                             ("NotFoundException",
                              "Unable to find Route by key GET /some-route within the provided RouteSettings", 404))
        self.assertEqual(sorted(self.gw.get_stage(ApiId=api, StageName="tf-rs")["RouteSettings"]),
                         ["$default", "GET /world"])
        self.assertEqual([s["StageName"] for s in self.gw.get_stages(ApiId=api)["Items"]], ["tf-rs"])
        # the route renamed: settings for the new key fail on the old key's, until those are deleted
        self.gw.update_route(ApiId=api, RouteId=rid, RouteKey="GET /world2")
        self.gw.update_stage(ApiId=api, StageName="tf-rs", Description="other members need no check")
        e = self.client_error(self.gw.update_stage, ApiId=api, StageName="tf-rs",
                              RouteSettings={"GET /world2": {"ThrottlingBurstLimit": 2}})
        self.assertEqual(e["Error"]["Message"], "Unable to find Route by key GET /world within the provided RouteSettings")
        self.gw.delete_route_settings(ApiId=api, StageName="tf-rs", RouteKey="GET /world")
        self.gw.update_stage(ApiId=api, StageName="tf-rs", RouteSettings={"GET /world2": {"ThrottlingBurstLimit": 2}})
        self.assertEqual(sorted(self.gw.get_stage(ApiId=api, StageName="tf-rs")["RouteSettings"]),
                         ["$default", "GET /world2"])

    def test_stage_ws_route_settings(self):
        # stage_test.go::TestAccAPIGatewayV2Stage_routeSettingsWebSocket
        api = self.ws_api()   # settings for routes the API does not define (yet)
        self.gw.create_stage(ApiId=api, StageName="tf-rs", AutoDeploy=False, RouteSettings={
            "$default": {"DataTraceEnabled": False, "DetailedMetricsEnabled": False},
            "$connect": {"DataTraceEnabled": True, "DetailedMetricsEnabled": True, "LoggingLevel": "ERROR",
                         "ThrottlingBurstLimit": 2222, "ThrottlingRateLimit": 8888}})
        got = self.gw.get_stage(ApiId=api, StageName="tf-rs")
        self.assertEqual(got["DefaultRouteSettings"].get("LoggingLevel"), "OFF")
        self.assertEqual(got["RouteSettings"]["$connect"]["LoggingLevel"], "ERROR")
        self.assertEqual(got["RouteSettings"]["$connect"]["ThrottlingBurstLimit"], 2222)
        for key in ("$default", "$connect"):
            self.gw.delete_route_settings(ApiId=api, StageName="tf-rs", RouteKey=key)
        self.assertEmpty(self.gw.get_stage(ApiId=api, StageName="tf-rs"), "RouteSettings")

    def test_stage_variables_removed_by_empty_value(self):
        # stage_test.go::TestAccAPIGatewayV2Stage_stageVariables (stage.go's update: a removed
        # variable is sent as "")
        api = self.ws_api()
        self.gw.create_stage(ApiId=api, StageName="tf-vars", AutoDeploy=False,
                             StageVariables={"Var1": "Value1", "Var2": "Value2"})
        self.assertEqual(self.gw.get_stage(ApiId=api, StageName="tf-vars")["StageVariables"],
                         {"Var1": "Value1", "Var2": "Value2"})
        self.gw.update_stage(ApiId=api, StageName="tf-vars", StageVariables={"Var2": "", "Var3": "Value3"})
        self.assertEqual(self.gw.get_stage(ApiId=api, StageName="tf-vars")["StageVariables"],
                         {"Var1": "Value1", "Var3": "Value3"})
        self.gw.update_stage(ApiId=api, StageName="tf-vars", StageVariables={"Var1": "", "Var3": ""})
        got = self.gw.get_stage(ApiId=api, StageName="tf-vars")
        self.assertEmpty(got, "StageVariables")
        self.assertEqual(got["DefaultRouteSettings"].get("LoggingLevel"), "OFF")

    def test_stage_client_certificate_description_and_deployment(self):
        # stage_test.go::TestAccAPIGatewayV2Stage_clientCertificateIdAndDescription, ::..._deployment
        api = self.ws_api()
        self.gw.create_route(ApiId=api, RouteKey="$default")
        self.gw.create_stage(ApiId=api, StageName="tf-cc", AutoDeploy=False, ClientCertificateId="abc123",
                             Description="Test stage")
        self.gw.update_stage(ApiId=api, StageName="tf-cc", ClientCertificateId="", Description="Test stage updated")
        got = self.gw.get_stage(ApiId=api, StageName="tf-cc")
        self.assertEqual(got["Description"], "Test stage updated")
        self.assertEmpty(got, "ClientCertificateId", "DeploymentId")
        dep = self.gw.create_deployment(ApiId=api, Description="Test description")
        self.assertEqual((dep["AutoDeployed"], dep["Description"], dep["DeploymentStatus"]),
                         (False, "Test description", "DEPLOYED"))
        self.gw.create_stage(ApiId=api, StageName="tf-dep", AutoDeploy=False, DeploymentId=dep["DeploymentId"])
        self.assertEqual(self.gw.get_stage(ApiId=api, StageName="tf-dep")["DeploymentId"], dep["DeploymentId"])
        # deployment_test.go::TestAccAPIGatewayV2Deployment_basic
        up = self.gw.update_deployment(ApiId=api, DeploymentId=dep["DeploymentId"],
                                       Description="Test description updated")
        self.assertEqual((up["Description"], up["AutoDeployed"]), ("Test description updated", False))
        got = self.gw.get_deployment(ApiId=api, DeploymentId=dep["DeploymentId"])
        self.assertEqual((got["Description"], got["AutoDeployed"], got["CreatedDate"]),
                         ("Test description updated", False, dep["CreatedDate"]))

    # --- authorizers (authorizer_test.go) -----------------------------------

    def test_authorizer_ws_request(self):
        # authorizer_test.go::TestAccAPIGatewayV2Authorizer_basic, ::TestAccAPIGatewayV2Authorizer_credentials
        api = self.ws_api()
        a = self.gw.create_authorizer(ApiId=api, AuthorizerType="REQUEST", AuthorizerUri=FN_URI, Name="tf-basic",
                                      IdentitySource=[])
        got = self.gw.get_authorizer(ApiId=api, AuthorizerId=a["AuthorizerId"])
        self.assertEqual((got["AuthorizerType"], got["AuthorizerUri"], got["Name"]), ("REQUEST", FN_URI, "tf-basic"))
        self.assertEmpty(got, "AuthorizerCredentialsArn", "AuthorizerPayloadFormatVersion",
                         "AuthorizerResultTtlInSeconds", "EnableSimpleResponses", "IdentitySource", "JwtConfiguration")
        role = "arn:aws:iam::000000000000:role/tf_auth_invocation_role"
        c = self.gw.create_authorizer(ApiId=api, AuthorizerType="REQUEST", AuthorizerUri=FN_URI, Name="tf-cred",
                                      IdentitySource=["route.request.header.Auth"], AuthorizerCredentialsArn=role)
        cid = c["AuthorizerId"]
        self.assertEqual((c["AuthorizerCredentialsArn"], c["IdentitySource"]), (role, ["route.request.header.Auth"]))
        self.gw.update_authorizer(ApiId=api, AuthorizerId=cid, Name="tf-cred-updated",
                                  IdentitySource=["route.request.header.Auth", "route.request.querystring.Name"])
        got = self.gw.get_authorizer(ApiId=api, AuthorizerId=cid)
        self.assertEqual((got["Name"], sorted(got["IdentitySource"]), got["AuthorizerCredentialsArn"]),
                         ("tf-cred-updated", ["route.request.header.Auth", "route.request.querystring.Name"], role))
        self.assertEmpty(got, "AuthorizerPayloadFormatVersion", "AuthorizerResultTtlInSeconds")
        self.gw.update_authorizer(ApiId=api, AuthorizerId=cid, AuthorizerCredentialsArn="", IdentitySource=[],
                                  Name="tf-basic2")
        got = self.gw.get_authorizer(ApiId=api, AuthorizerId=cid)
        self.assertEmpty(got, "AuthorizerCredentialsArn", "IdentitySource")

    def test_authorizer_jwt(self):
        # authorizer_test.go::TestAccAPIGatewayV2Authorizer_jwt
        api = self.http_api()
        iss = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_tfjwt"
        a = self.gw.create_authorizer(ApiId=api, AuthorizerType="JWT", IdentitySource=["$request.header.Authorization"],
                                      Name="tf-jwt", JwtConfiguration={"Audience": ["test"], "Issuer": iss})
        got = self.gw.get_authorizer(ApiId=api, AuthorizerId=a["AuthorizerId"])
        self.assertEqual((got["IdentitySource"], got["JwtConfiguration"]),
                         (["$request.header.Authorization"], {"Audience": ["test"], "Issuer": iss}))
        self.assertEmpty(got, "AuthorizerCredentialsArn", "AuthorizerPayloadFormatVersion",
                         "AuthorizerResultTtlInSeconds", "AuthorizerUri", "EnableSimpleResponses")
        self.gw.update_authorizer(ApiId=api, AuthorizerId=a["AuthorizerId"],
                                  JwtConfiguration={"Audience": ["test", "testing"], "Issuer": iss})
        got = self.gw.get_authorizer(ApiId=api, AuthorizerId=a["AuthorizerId"])
        self.assertEqual(sorted(got["JwtConfiguration"]["Audience"]), ["test", "testing"])

    def test_authorizer_http_lambda_request(self):
        # authorizer_test.go::TestAccAPIGatewayV2Authorizer_HTTPAPILambdaRequestAuthorizer_initialMissingCacheTTL,
        # ::TestAccAPIGatewayV2Authorizer_basic (second step: no identity sources)
        api = self.http_api()
        a = self.gw.create_authorizer(ApiId=api, AuthorizerPayloadFormatVersion="2.0", AuthorizerType="REQUEST",
                                      AuthorizerUri=FN_URI, EnableSimpleResponses=True,
                                      IdentitySource=["$request.header.Auth"], Name="tf-req",
                                      AuthorizerResultTtlInSeconds=300)
        aid = a["AuthorizerId"]
        got = self.gw.get_authorizer(ApiId=api, AuthorizerId=aid)
        self.assertEqual((got["AuthorizerPayloadFormatVersion"], got["AuthorizerResultTtlInSeconds"],
                          got["EnableSimpleResponses"], got["IdentitySource"]),
                         ("2.0", 300, True, ["$request.header.Auth"]))
        self.gw.update_authorizer(ApiId=api, AuthorizerId=aid, AuthorizerPayloadFormatVersion="1.0",
                                  AuthorizerResultTtlInSeconds=3600, EnableSimpleResponses=False,
                                  IdentitySource=["$request.querystring.User", "$context.routeKey"])
        got = self.gw.get_authorizer(ApiId=api, AuthorizerId=aid)
        self.assertEqual((got["AuthorizerPayloadFormatVersion"], got["AuthorizerResultTtlInSeconds"],
                          got.get("EnableSimpleResponses", False), sorted(got["IdentitySource"])),
                         ("1.0", 3600, False, ["$context.routeKey", "$request.querystring.User"]))
        self.gw.update_authorizer(ApiId=api, AuthorizerId=aid, AuthorizerResultTtlInSeconds=0)
        self.assertEmpty(self.gw.get_authorizer(ApiId=api, AuthorizerId=aid), "AuthorizerResultTtlInSeconds")
        n = self.gw.create_authorizer(ApiId=api, AuthorizerPayloadFormatVersion="2.0", AuthorizerType="REQUEST",
                                      AuthorizerUri=FN_URI, EnableSimpleResponses=True, IdentitySource=[],
                                      Name="tf-nosrc")
        got = self.gw.get_authorizer(ApiId=api, AuthorizerId=n["AuthorizerId"])
        self.assertEmpty(got, "IdentitySource", "AuthorizerResultTtlInSeconds")

    # --- models and API mappings --------------------------------------------

    def test_model_attributes(self):
        # model_test.go::TestAccAPIGatewayV2Model_basic, ::TestAccAPIGatewayV2Model_allAttributes
        api = self.ws_api()
        m = self.gw.create_model(ApiId=api, ContentType="text/x-json", Name="tfmodelall", Description="test",
                                 Schema=SCHEMA)
        mid = m["ModelId"]
        self.assertEqual((m["ContentType"], m["Description"], m["Schema"]), ("text/x-json", "test", SCHEMA))
        self.gw.update_model(ApiId=api, ModelId=mid, ContentType="application/json", Description="")
        got = self.gw.get_model(ApiId=api, ModelId=mid)
        self.assertEqual((got["ContentType"], got["Name"]), ("application/json", "tfmodelall"))
        self.assertEmpty(got, "Description")

    def test_domain_name_configuration_and_mutual_tls(self):
        # domain_name_test.go::TestAccAPIGatewayV2DomainName_basic, ::..._updateCertificate,
        # ::..._mutualTLSAuthentication
        c0 = "arn:aws:acm:us-east-1:000000000000:certificate/tf-0"
        d = self.gw.create_domain_name(DomainName="tfdn.example.com", DomainNameConfigurations=[
            {"CertificateArn": c0, "EndpointType": "REGIONAL", "SecurityPolicy": "TLS_1_2"}])
        cfg = d["DomainNameConfigurations"][0]
        self.assertEqual((cfg["CertificateArn"], cfg["EndpointType"], cfg["SecurityPolicy"]), (c0, "REGIONAL", "TLS_1_2"))
        self.assertTrue(cfg["HostedZoneId"] and cfg["ApiGatewayDomainName"])
        self.assertEmpty(d, "MutualTlsAuthentication", "Tags")
        self.gw.update_domain_name(DomainName="tfdn.example.com", DomainNameConfigurations=[
            {"CertificateArn": c0 + "-1", "EndpointType": "REGIONAL", "SecurityPolicy": "TLS_1_2"}])
        cfg = self.gw.get_domain_name(DomainName="tfdn.example.com")["DomainNameConfigurations"][0]
        self.assertEqual((cfg["CertificateArn"], cfg["SecurityPolicy"]), (c0 + "-1", "TLS_1_2"))
        m = self.gw.create_domain_name(DomainName="tfmtls.example.com", DomainNameConfigurations=[
            {"CertificateArn": c0, "EndpointType": "REGIONAL", "SecurityPolicy": "TLS_1_2"}],
            MutualTlsAuthentication={"TruststoreUri": "s3://tf-bucket/tf-bucket"})
        self.assertEqual(m["MutualTlsAuthentication"]["TruststoreUri"], "s3://tf-bucket/tf-bucket")
        self.assertEmpty(m["MutualTlsAuthentication"], "TruststoreVersion")
        self.gw.update_domain_name(DomainName="tfmtls.example.com", MutualTlsAuthentication={
            "TruststoreUri": "s3://tf-bucket/tf-bucket", "TruststoreVersion": "v2"})
        got = self.gw.get_domain_name(DomainName="tfmtls.example.com")
        self.assertEqual(got["MutualTlsAuthentication"], {"TruststoreUri": "s3://tf-bucket/tf-bucket",
                                                          "TruststoreVersion": "v2"})
        self.assertEqual(got["DomainNameConfigurations"][0]["CertificateArn"], c0)

    def test_model_name_alphanumeric(self):
        # model_test.go / route_test.go::TestAccAPIGatewayV2Route_model ("Model name must be alphanumeric":
        # the tests strip the dashes of their random names before creating models)
        api = self.ws_api()
        for name in ("tf-acc-model", "tf_model", "tf model"):
            e = self.client_error(self.gw.create_model, ApiId=api, ContentType="application/json", Name=name,
                                  Schema=SCHEMA)
            self.assertEqual(e["Error"]["Code"], "BadRequestException", name)
            self.assertIn("alphanumeric", e["Error"]["Message"])
        mid = self.gw.create_model(ApiId=api, ContentType="application/json", Name="tfacc123", Schema=SCHEMA)["ModelId"]
        e = self.client_error(self.gw.update_model, ApiId=api, ModelId=mid, Name="tf-acc")
        self.assertEqual(e["Error"]["Code"], "BadRequestException")
        self.assertEqual(self.gw.get_model(ApiId=api, ModelId=mid)["Name"], "tfacc123")
        self.assertEqual([m["Name"] for m in self.gw.get_models(ApiId=api)["Items"]], ["tfacc123"])

    def test_api_mapping_context_keys(self):
        # api_mapping_test.go::testAccAPIMapping_key: the mapping keys "$context.domainName" then "$context.apiId"
        api = self.ws_api()
        self.gw.create_stage(ApiId=api, StageName="tfmap", AutoDeploy=False)
        cert = "arn:aws:acm:us-east-1:000000000000:certificate/tf-mapping"
        self.gw.create_domain_name(DomainName="tfmap.example.com", DomainNameConfigurations=[
            {"CertificateArn": cert, "EndpointType": "REGIONAL", "SecurityPolicy": "TLS_1_2"}])
        m = self.gw.create_api_mapping(ApiId=api, DomainName="tfmap.example.com", Stage="tfmap",
                                       ApiMappingKey="$context.domainName")
        self.assertEqual((m["ApiMappingKey"], m["Stage"], m["ApiId"]), ("$context.domainName", "tfmap", api))
        up = self.gw.update_api_mapping(ApiId=api, ApiMappingId=m["ApiMappingId"], DomainName="tfmap.example.com",
                                        ApiMappingKey="$context.apiId")
        self.assertEqual(up["ApiMappingKey"], "$context.apiId")
        got = self.gw.get_api_mapping(ApiMappingId=m["ApiMappingId"], DomainName="tfmap.example.com")
        self.assertEqual((got["ApiMappingKey"], got["Stage"]), ("$context.apiId", "tfmap"))


if __name__ == "__main__":
    unittest.main()
