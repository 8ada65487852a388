"""PATCH operations (Update* of REST APIs, stages, deployments, API keys,
usage plans) on paths the fuzz target fuzz_apigw_patch found mishandled: a
list member patched item by item stays a list; a path through a member that
holds a value, or to an internal member, is a BadRequestException and
changes nothing; a remove under a missing part removes nothing else; a
rejected patch leaves an API key or usage plan as it was."""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from apigwtest import NimbusTestCase, http, invoke_url  # noqa: E402
from test_apigw_usage import mock_api  # noqa: E402


class PatchPaths(NimbusTestCase):
    def raw_body(self, client, op):
        """Capture the raw JSON body of client's next `op` answer (boto3 would
        read an object where a list belongs as the list of its keys)."""
        seen = {}

        def hook(response_dict, **_):
            if response_dict:
                seen["body"] = json.loads(response_dict["body"])
        client.meta.events.register("response-received.api-gateway.%s" % op, hook)
        return seen

    def test_list_members_item_by_item(self):
        gw = self.nimbus.client("apigateway")
        api = gw.create_rest_api(name="bmt")["id"]
        seen = self.raw_body(gw, "UpdateRestApi")
        gw.update_rest_api(restApiId=api, patchOperations=[
            {"op": "add", "path": "/binaryMediaTypes/image~1png"},
            {"op": "add", "path": "/binaryMediaTypes/application~1octet-stream"},
            {"op": "add", "path": "/binaryMediaTypes/image~1png"}])
        self.assertEqual(seen["body"]["binaryMediaTypes"], ["image/png", "application/octet-stream"])
        gw.update_rest_api(restApiId=api, patchOperations=[{"op": "remove", "path": "/binaryMediaTypes/image~1png"}])
        self.assertEqual(seen["body"]["binaryMediaTypes"], ["application/octet-stream"])
        up = gw.update_rest_api(restApiId=api, patchOperations=[
            {"op": "replace", "path": "/endpointConfiguration/types/EDGE", "value": "REGIONAL"}])
        self.assertEqual(seen["body"]["endpointConfiguration"]["types"], ["REGIONAL"])
        self.assertEqual(up["endpointConfiguration"]["types"], ["REGIONAL"])

    def test_path_through_a_value_is_rejected(self):
        gw = self.nimbus.client("apigateway")
        api = gw.create_rest_api(name="ids")["id"]
        for path in ("/id/x", "/name/x", "/disableExecuteApiEndpoint/x"):
            e = self.client_error(gw.update_rest_api, restApiId=api,
                                  patchOperations=[{"op": "replace", "path": path, "value": "1"}])
            self.assertEqual(e["Error"]["Code"], "BadRequestException")
            self.assertEqual(e["Error"]["Message"], "Invalid patch path")
        got = gw.get_rest_api(restApiId=api)
        self.assertEqual((got["id"], got["name"], got["disableExecuteApiEndpoint"]), (api, "ids", False))
        # a remove under a part the API does not have removes nothing
        gw.update_rest_api(restApiId=api, patchOperations=[{"op": "remove", "path": "/nope/name"}])
        self.assertEqual(gw.get_rest_api(restApiId=api)["name"], "ids")

    def test_resource_path_part_replaced_by_nothing_is_refused(self):
        # a pathPart replaced without a value (or by one with '/') is CreateResource's refusal, and the
        # resource and its sibling keep their paths (this used to store null and crash the sibling check)
        gw = self.nimbus.client("apigateway")
        api = gw.create_rest_api(name="pp")["id"]
        root = gw.get_resources(restApiId=api)["items"][0]["id"]
        a = gw.create_resource(restApiId=api, parentId=root, pathPart="a")["id"]
        gw.create_resource(restApiId=api, parentId=root, pathPart="b")
        for op in ({"op": "replace", "path": "/pathPart"}, {"op": "replace", "path": "/pathPart", "value": ""},
                   {"op": "replace", "path": "/pathPart", "value": "x/y"}):
            e = self.client_error(gw.update_resource, restApiId=api, resourceId=a, patchOperations=[op])
            self.assertEqual((e["Error"]["Code"], e["Error"]["Message"]),
                             ("BadRequestException", "Resource's path part must be specified"), op)
        self.assertEqual(sorted(r["path"] for r in gw.get_resources(restApiId=api)["items"]), ["/", "/a", "/b"])

    def test_deep_resource_keeps_its_whole_path_after_a_patch(self):
        # every v1 patch recomputes the resources' paths; a tree 80 levels deep
        # (past the 64 the walk once stopped at) keeps each path whole
        gw = self.nimbus.client("apigateway")
        api = gw.create_rest_api(name="deep")["id"]
        parent = gw.get_resources(restApiId=api)["items"][0]["id"]
        for i in range(80):
            parent = gw.create_resource(restApiId=api, parentId=parent, pathPart="p%d" % i)["id"]
        want = "".join("/p%d" % i for i in range(80))
        self.assertEqual(gw.get_resource(restApiId=api, resourceId=parent)["path"], want)
        got = gw.update_resource(restApiId=api, resourceId=parent,
                                 patchOperations=[{"op": "replace", "path": "/pathPart", "value": "leaf"}])
        self.assertEqual(got["path"], want.rsplit("/", 1)[0] + "/leaf")
        self.assertEqual(gw.get_resource(restApiId=api, resourceId=parent)["path"], want.rsplit("/", 1)[0] + "/leaf")

    def test_stage_and_deployment(self):
        gw = self.nimbus.client("apigateway")
        api, plan, key = mock_api(gw, "pst")
        for path in ("/stageName/x", "/*/*/throttling/", "/*//throttling/rateLimit"):   # AWS's refusal (ls_control)
            e = self.client_error(gw.update_stage, restApiId=api, stageName="p",
                                  patchOperations=[{"op": "replace", "path": path, "value": "5"}])
            self.assertEqual(e["Error"]["Code"], "BadRequestException")
            self.assertTrue(e["Error"]["Message"].startswith("Invalid method setting path: %s. Must be one of: " % path))
        st = gw.get_stage(restApiId=api, stageName="p")
        self.assertEqual((st["stageName"], st.get("methodSettings", {})), ("p", {}))
        # the deployment's snapshot (what the stage serves) is not a patchable member
        dep = st["deploymentId"]
        e = self.client_error(gw.update_deployment, restApiId=api, deploymentId=dep,
                              patchOperations=[{"op": "remove", "path": "/_snapshot"}])
        self.assertEqual((e["Error"]["Code"], e["Error"]["Message"]), ("BadRequestException", "Invalid patch path"))
        r = http("GET", invoke_url(self.nimbus.endpoint, api, "p", "/m"), headers={"x-api-key": key["value"]})
        self.assertEqual((r.status, r.json()), (200, {"ok": True}))

    def test_rejected_patch_changes_nothing(self):
        gw = self.nimbus.client("apigateway")
        api, plan, key = mock_api(gw, "half")
        e = self.client_error(gw.update_api_key, apiKey=key["id"], patchOperations=[
            {"op": "replace", "path": "/name", "value": "renamed"},
            {"op": "replace", "path": "/name/x", "value": "1"}])
        self.assertEqual(e["Error"]["Code"], "BadRequestException")
        self.assertEqual(gw.get_api_key(apiKey=key["id"])["name"], "half-key")
        e = self.client_error(gw.update_usage_plan, usagePlanId=plan["id"], patchOperations=[
            {"op": "replace", "path": "/name", "value": "renamed"},
            {"op": "replace", "path": "/_keys", "value": "x"}])
        self.assertEqual(e["Error"]["Code"], "BadRequestException")
        self.assertEqual(gw.get_usage_plan(usagePlanId=plan["id"])["name"], "half-plan")
        # the plan still holds its key: the key still calls the API
        self.assertEqual([k["id"] for k in gw.get_usage_plan_keys(usagePlanId=plan["id"])["items"]], [key["id"]])
        r = http("GET", invoke_url(self.nimbus.endpoint, api, "p", "/m"), headers={"x-api-key": key["value"]})
        self.assertEqual(r.status, 200)


if __name__ == "__main__":
    unittest.main()
