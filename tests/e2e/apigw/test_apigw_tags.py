"""API Gateway tags end to end (boto3 and the AWS CLI): v1 TagResource /
UntagResource / GetTags on REST APIs, their stages, API keys and usage plans;
v2 TagResource / UntagResource / GetTags on HTTP APIs and their stages; the
same maps in GetRestApi / GetStage / GetApi, including the tags given at
creation; AWS's errors. Also v2 DeleteRouteSettings and
DeleteAccessLogSettings."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from apigwtest import NimbusTestCase  # noqa: E402

REGION = "us-east-1"


class Tags(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gw = cls.nimbus.client("apigateway")
        cls.gw2 = cls.nimbus.client("apigatewayv2")

    def rest_api_with_stage(self, name, **kw):
        api = self.gw.create_rest_api(name=name, **kw)
        root = self.gw.get_resources(restApiId=api["id"])["items"][0]["id"]
        self.gw.put_method(restApiId=api["id"], resourceId=root, httpMethod="GET", authorizationType="NONE")
        self.gw.put_integration(restApiId=api["id"], resourceId=root, httpMethod="GET", type="MOCK")
        dep = self.gw.create_deployment(restApiId=api["id"])
        self.gw.create_stage(restApiId=api["id"], stageName="prod", deploymentId=dep["id"], tags={"tier": "gold"})
        return api

    def test_v1_tags(self):
        api = self.rest_api_with_stage("tagged", tags={"team": "a"})
        self.assertEqual(api["tags"], {"team": "a"})
        arn = "arn:aws:apigateway:%s::/restapis/%s" % (REGION, api["id"])
        self.assertEqual(self.gw.get_tags(resourceArn=arn)["tags"], {"team": "a"})
        self.gw.tag_resource(resourceArn=arn, tags={"env": "dev", "team": "b"})
        self.assertEqual(self.gw.get_tags(resourceArn=arn)["tags"], {"team": "b", "env": "dev"})
        self.assertEqual(self.gw.get_rest_api(restApiId=api["id"])["tags"], {"team": "b", "env": "dev"})
        self.gw.untag_resource(resourceArn=arn, tagKeys=["team", "absent"])
        self.assertEqual(self.gw.get_tags(resourceArn=arn)["tags"], {"env": "dev"})

        stage_arn = arn + "/stages/prod"
        self.assertEqual(self.gw.get_tags(resourceArn=stage_arn)["tags"], {"tier": "gold"})
        self.gw.tag_resource(resourceArn=stage_arn, tags={"owner": "ops"})
        self.assertEqual(self.gw.get_stage(restApiId=api["id"], stageName="prod")["tags"],
                         {"tier": "gold", "owner": "ops"})
        self.assertEqual(self.gw.get_tags(resourceArn=arn)["tags"], {"env": "dev"})   # the API's are apart

        key = self.gw.create_api_key(name="tk", enabled=True)
        key_arn = "arn:aws:apigateway:%s::/apikeys/%s" % (REGION, key["id"])
        self.gw.tag_resource(resourceArn=key_arn, tags={"k": "v"})
        self.assertEqual(self.gw.get_api_key(apiKey=key["id"])["tags"], {"k": "v"})
        plan = self.gw.create_usage_plan(name="tp")
        plan_arn = "arn:aws:apigateway:%s::/usageplans/%s" % (REGION, plan["id"])
        self.gw.tag_resource(resourceArn=plan_arn, tags={"p": "1"})
        self.assertEqual(self.gw.get_tags(resourceArn=plan_arn)["tags"], {"p": "1"})

        # errors
        for bad_arn in ("arn:aws:apigateway:%s::/restapis/nope000000" % REGION, arn + "/stages/nostage"):
            e = self.client_error(self.gw.get_tags, resourceArn=bad_arn)
            self.assertEqual(e["Error"]["Code"], "NotFoundException", bad_arn)
            e = self.client_error(self.gw.tag_resource, resourceArn=bad_arn, tags={"a": "b"})
            self.assertEqual(e["Error"]["Code"], "NotFoundException", bad_arn)
        e = self.client_error(self.gw.get_tags, resourceArn="arn:aws:lambda:%s:000000000000:function:f" % REGION)
        self.assertEqual(e["Error"]["Code"], "BadRequestException")
        e = self.client_error(self.gw.tag_resource, resourceArn=arn, tags={"aws:reserved": "x"})
        self.assertEqual(e["Error"]["Code"], "BadRequestException")
        e = self.client_error(self.gw.tag_resource, resourceArn=arn, tags={"t%d" % i: "v" for i in range(51)})
        self.assertEqual(e["Error"]["Code"], "BadRequestException")
        self.assertEqual(self.gw.get_tags(resourceArn=arn)["tags"], {"env": "dev"})   # nothing half-written

    def test_v1_tags_via_cli(self):
        api = self.rest_api_with_stage("tagged-cli")
        arn = "arn:aws:apigateway:%s::/restapis/%s" % (REGION, api["id"])
        rc, _, _ = self.nimbus.aws("apigateway", "tag-resource", "--resource-arn", arn, "--tags", "a=1,b=2")
        self.assertEqual(rc, 0)
        _, out, _ = self.nimbus.aws("apigateway", "get-tags", "--resource-arn", arn)
        self.assertEqual(out["tags"], {"a": "1", "b": "2"})
        self.nimbus.aws("apigateway", "untag-resource", "--resource-arn", arn, "--tag-keys", "a")
        _, out, _ = self.nimbus.aws("apigateway", "get-tags", "--resource-arn", arn)
        self.assertEqual(out["tags"], {"b": "2"})

    def test_v2_tags(self):
        api = self.gw2.create_api(Name="h", ProtocolType="HTTP", Tags={"team": "x"})
        self.assertEqual(api["Tags"], {"team": "x"})
        arn = "arn:aws:apigateway:%s::/apis/%s" % (REGION, api["ApiId"])
        self.assertEqual(self.gw2.get_tags(ResourceArn=arn)["Tags"], {"team": "x"})
        self.gw2.tag_resource(ResourceArn=arn, Tags={"env": "prod"})
        self.assertEqual(self.gw2.get_api(ApiId=api["ApiId"])["Tags"], {"team": "x", "env": "prod"})
        self.gw2.untag_resource(ResourceArn=arn, TagKeys=["team"])
        self.assertEqual(self.gw2.get_tags(ResourceArn=arn)["Tags"], {"env": "prod"})
        self.gw2.create_stage(ApiId=api["ApiId"], StageName="live", Tags={"s": "1"})
        st_arn = arn + "/stages/live"
        self.assertEqual(self.gw2.get_tags(ResourceArn=st_arn)["Tags"], {"s": "1"})
        self.gw2.tag_resource(ResourceArn=st_arn, Tags={"s": "2", "t": "3"})
        self.assertEqual(self.gw2.get_stage(ApiId=api["ApiId"], StageName="live")["Tags"], {"s": "2", "t": "3"})
        # the v1 client reaches the same maps
        self.assertEqual(self.gw.get_tags(resourceArn=arn)["tags"], {"env": "prod"})
        e = self.client_error(self.gw2.get_tags, ResourceArn="arn:aws:apigateway:%s::/apis/nope000000" % REGION)
        self.assertEqual(e["Error"]["Code"], "NotFoundException")
        e = self.client_error(self.gw2.tag_resource, ResourceArn=arn + "/stages/none", Tags={"a": "b"})
        self.assertEqual(e["Error"]["Code"], "NotFoundException")
        # a REST API's ARN under /apis/ is not an HTTP API
        rest = self.gw.create_rest_api(name="r")
        e = self.client_error(self.gw2.get_tags, ResourceArn="arn:aws:apigateway:%s::/apis/%s" % (REGION, rest["id"]))
        self.assertEqual(e["Error"]["Code"], "NotFoundException")

    def test_iam_on_tags_and_gateway_responses(self):
        api = self.gw.create_rest_api(name="iam-tags", tags={"a": "1"})
        arn = "arn:aws:apigateway:%s::/restapis/%s" % (REGION, api["id"])
        key, secret = self.nimbus.new_user(
            "tag-reader",
            {"Effect": "Allow", "Action": "apigateway:GET", "Resource": "arn:aws:apigateway:%s::/tags/*" % REGION},
            {"Effect": "Allow", "Action": "apigateway:GET",
             "Resource": "arn:aws:apigateway:%s::/restapis/%s/gatewayresponses*" % (REGION, api["id"])})
        gw = self.nimbus.client("apigateway", access_key=key, secret_key=secret)
        self.assertEqual(gw.get_tags(resourceArn=arn)["tags"], {"a": "1"})
        e = self.client_error(gw.tag_resource, resourceArn=arn, tags={"b": "2"})
        self.assertEqual(e["Error"]["Code"], "AccessDeniedException")
        e = self.client_error(gw.untag_resource, resourceArn=arn, tagKeys=["a"])
        self.assertEqual(e["Error"]["Code"], "AccessDeniedException")
        self.assertEqual(len(gw.get_gateway_responses(restApiId=api["id"])["items"]), 21)
        self.assertTrue(gw.get_gateway_response(restApiId=api["id"], responseType="THROTTLED")["defaultResponse"])
        e = self.client_error(gw.put_gateway_response, restApiId=api["id"], responseType="THROTTLED")
        self.assertEqual(e["Error"]["Code"], "AccessDeniedException")
        e = self.client_error(gw.get_rest_api, restApiId=api["id"])
        self.assertEqual(e["Error"]["Code"], "AccessDeniedException")
        self.assertEqual(self.gw.get_tags(resourceArn=arn)["tags"], {"a": "1"})

    def test_abac_resource_and_request_tags(self):
        a = self.rest_api_with_stage("abac-a", tags={"team": "a"})   # its stage prod is tagged tier=gold
        b = self.gw.create_rest_api(name="abac-b", tags={"team": "b"})
        self.gw.tag_resource(resourceArn="arn:aws:apigateway:%s::/restapis/%s/stages/prod" % (REGION, a["id"]),
                             tags={"team": "b"})
        h = self.gw2.create_api(Name="abac-h", ProtocolType="HTTP", Tags={"team": "a"})
        key, secret = self.nimbus.new_user("team-a", {
            "Effect": "Allow", "Action": "apigateway:*", "Resource": "*",
            "Condition": {"StringEquals": {"aws:ResourceTag/team": "a"}}})
        gw = self.nimbus.client("apigateway", access_key=key, secret_key=secret)
        gw2 = self.nimbus.client("apigatewayv2", access_key=key, secret_key=secret)
        self.assertEqual(gw.get_rest_api(restApiId=a["id"])["name"], "abac-a")
        self.assertEqual(len(gw.get_resources(restApiId=a["id"])["items"]), 1)   # children carry the API's tags
        self.assertEqual(gw.get_tags(resourceArn="arn:aws:apigateway:%s::/restapis/%s" % (REGION, a["id"]))["tags"],
                         {"team": "a"})
        self.assertEqual(gw2.get_api(ApiId=h["ApiId"])["Name"], "abac-h")
        for fn, kw in ((gw.get_rest_api, {"restApiId": b["id"]}), (gw.get_resources, {"restApiId": b["id"]}),
                       (gw.get_stage, {"restApiId": a["id"], "stageName": "prod"}),   # the stage's team=b wins
                       (gw.get_tags, {"resourceArn": "arn:aws:apigateway:%s::/restapis/%s" % (REGION, b["id"])})):
            e = self.client_error(fn, **kw)
            self.assertEqual(e["Error"]["Code"], "AccessDeniedException", (fn, kw))

        key, secret = self.nimbus.new_user("no-prod", {
            "Effect": "Allow", "Action": "apigateway:*", "Resource": "*"}, {
            "Effect": "Deny", "Action": ["apigateway:POST", "apigateway:PUT"], "Resource": "*",
            "Condition": {"StringEquals": {"aws:RequestTag/env": "prod"}}}, {
            "Effect": "Deny", "Action": "apigateway:DELETE", "Resource": "*",
            "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": ["locked"]}}})
        gw = self.nimbus.client("apigateway", access_key=key, secret_key=secret)
        e = self.client_error(gw.create_rest_api, name="p", tags={"env": "prod"})
        self.assertEqual(e["Error"]["Code"], "AccessDeniedException")
        dev = gw.create_rest_api(name="d", tags={"env": "dev", "locked": "1"})
        arn = "arn:aws:apigateway:%s::/restapis/%s" % (REGION, dev["id"])
        e = self.client_error(gw.tag_resource, resourceArn=arn, tags={"env": "prod"})
        self.assertEqual(e["Error"]["Code"], "AccessDeniedException")
        e = self.client_error(gw.untag_resource, resourceArn=arn, tagKeys=["locked"])
        self.assertEqual(e["Error"]["Code"], "AccessDeniedException")
        gw.untag_resource(resourceArn=arn, tagKeys=["env"])
        self.assertEqual(gw.get_tags(resourceArn=arn)["tags"], {"locked": "1"})

    def test_v2_delete_route_settings_and_access_log_settings(self):
        api = self.gw2.create_api(Name="settings", ProtocolType="HTTP")
        api_id = api["ApiId"]
        self.gw2.create_route(ApiId=api_id, RouteKey="GET /pets")   # an HTTP API's settings name its routes
        self.gw2.create_stage(
            ApiId=api_id, StageName="s",
            RouteSettings={"GET /pets": {"ThrottlingBurstLimit": 5, "ThrottlingRateLimit": 10.0},
                           "$default": {"ThrottlingBurstLimit": 1, "ThrottlingRateLimit": 1.0}},
            AccessLogSettings={"DestinationArn": "arn:aws:logs:us-east-1:000000000000:log-group:g",
                               "Format": "$context.requestId"})
        self.gw2.delete_route_settings(ApiId=api_id, StageName="s", RouteKey="GET /pets")
        st = self.gw2.get_stage(ApiId=api_id, StageName="s")
        self.assertEqual(list(st["RouteSettings"]), ["$default"])
        e = self.client_error(self.gw2.delete_route_settings, ApiId=api_id, StageName="s", RouteKey="GET /pets")
        self.assertEqual(e["Error"]["Code"], "NotFoundException")
        self.gw2.delete_route_settings(ApiId=api_id, StageName="s", RouteKey="$default")
        self.assertEqual(self.gw2.get_stage(ApiId=api_id, StageName="s").get("RouteSettings", {}), {})
        self.assertIn("AccessLogSettings", st)
        self.gw2.delete_access_log_settings(ApiId=api_id, StageName="s")
        self.assertNotIn("AccessLogSettings", self.gw2.get_stage(ApiId=api_id, StageName="s"))
        for fn, kw in ((self.gw2.delete_access_log_settings, {"StageName": "nope"}),
                       (self.gw2.delete_route_settings, {"StageName": "nope", "RouteKey": "$default"})):
            e = self.client_error(fn, ApiId=api_id, **kw)
            self.assertEqual(e["Error"]["Code"], "NotFoundException")
        e = self.client_error(self.gw2.delete_access_log_settings, ApiId="nope000000", StageName="s")
        self.assertEqual(e["Error"]["Code"], "NotFoundException")
        rc, _, _ = self.nimbus.aws("apigatewayv2", "delete-access-log-settings", "--api-id", api_id,
                                   "--stage-name", "s")
        self.assertEqual(rc, 0)


if __name__ == "__main__":
    unittest.main()
