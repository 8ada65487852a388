"""More control-plane operations end to end (boto3): v2 integration responses
(WebSocket non-proxy integrations; recorded, unique keys), with their errors."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from apigwtest import NimbusTestCase  # noqa: E402


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


if __name__ == "__main__":
    unittest.main()
