"""REST canary releases on the data plane, through boto3 and plain HTTP: the
stage's canarySettings split its requests, canary requests see the canary's
deployment and stage variables, $context.isCanaryRequest says which, access
log lines of canary requests reach "{group}/Canary", UpdateStage's copy ops
promote the canary. Each check names its source:

  LS-INVOKE   localstack/localstack tests/aws/services/apigateway/test_apigateway_canary.py::
              TestCanaryDeployments::test_invoking_canary_deployment (AWS-validated snapshot:
              response-deployment-1 with percentTraffic 0 → the stage's deployment, isCanary "false",
              an override-only variable ""; response-canary-deployment with 100 → the canary's
              deployment, isCanary "true", the overrides over the stage's variables)
  LS-COPY     ...::TestStageCrudCanary::test_update_stage_with_copy_ops (copy-with-bad-statement,
              copy-with-no-replace, update-stage-with-copy, update-stage-with-copy-2: deploymentId ←
              the canary's, the overrides merged into variables, canarySettings kept)
  LS-VALID    ...::TestStageCrudCanary::test_update_stage_canary_deployment_validation
              (update-stage-no-deployment) and test_create_canary_deployment
              (bad-canary-deployment-id): "Deployment id does not exist"
  GUIDE       API Gateway developer guide, "Set up an API Gateway canary release deployment":
              traffic "separated at random" by percentTraffic; "The canary release access log
              group name has the /Canary suffix appended to the selected log group name"
  NIMBUS      not recorded from AWS: a canary's deployment cannot be deleted while the canary
              names it (the refusal AWS gives a stage's own deployment)
"""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from apigwtest import NimbusTestCase, create_function, group_lines, http, invoke_url, lambda_uri  # noqa: E402

ARN = "arn:aws:logs:us-east-1:000000000000:log-group:"


def template(message):
    """LS-INVOKE's response template."""
    return json.dumps({"statusCode": 200, "message": message, "variable": "$stageVariables.testVar",
                       "nonExistingDefault": "$stageVariables.noStageVar",
                       "nonOverridden": "$stageVariables.defaultVar", "isCanary": "$context.isCanaryRequest",
                       "deploymentId": "$context.deploymentId"})


class Canary(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        gw = cls.gw = cls.nimbus.client("apigateway")
        cls.api = api = gw.create_rest_api(name="canary")["id"]
        root = next(r["id"] for r in gw.get_resources(restApiId=api)["items"] if r["path"] == "/")
        gw.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
        gw.put_method_response(restApiId=api, resourceId=root, httpMethod="GET", statusCode="200")
        gw.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK",
                           requestTemplates={"application/json": '{"statusCode": 200}'})
        gw.put_integration_response(restApiId=api, resourceId=root, httpMethod="GET", statusCode="200",
                                    selectionPattern="",
                                    responseTemplates={"application/json": template("default deployment")})
        echo = create_function(cls.nimbus.client("lambda"), "canary-echo", "echo")
        ev = gw.create_resource(restApiId=api, parentId=root, pathPart="event")["id"]
        gw.put_method(restApiId=api, resourceId=ev, httpMethod="GET", authorizationType="NONE")
        gw.put_integration(restApiId=api, resourceId=ev, httpMethod="GET", type="AWS_PROXY",
                           integrationHttpMethod="POST", uri=lambda_uri(echo))
        cls.d1 = gw.create_deployment(restApiId=api)["id"]
        gw.update_integration_response(restApiId=api, resourceId=root, httpMethod="GET", statusCode="200",
                                       patchOperations=[{"op": "replace", "path": "/responseTemplates/application~1json",
                                                         "value": template("canary deployment")}])
        cls.d2 = gw.create_deployment(restApiId=api)["id"]

    def stage(self, name, pct, **kw):
        """A stage on d1 with a canary on d2 (LS-INVOKE's variables and overrides)."""
        self.gw.create_stage(restApiId=self.api, stageName=name, deploymentId=self.d1,
                             variables={"testVar": "default", "defaultVar": "default"},
                             canarySettings={"deploymentId": self.d2, "percentTraffic": pct,
                                             "stageVariableOverrides": {"testVar": "canary", "noStageVar": "canary"}},
                             **kw)

    def set_pct(self, name, pct):
        self.gw.update_stage(restApiId=self.api, stageName=name, patchOperations=[
            {"op": "replace", "path": "/canarySettings/percentTraffic", "value": str(pct)}])

    def get(self, name):
        r = http("GET", invoke_url(self.nimbus.endpoint, self.api, name, "/"))
        self.assertEqual(r.status, 200, r.body)
        return r.json()

    def test_split(self):
        self.stage("split", 0)
        production = {"statusCode": 200, "message": "default deployment", "variable": "default",
                      "nonExistingDefault": "", "nonOverridden": "default", "isCanary": "false",
                      "deploymentId": self.d1}
        canary = {"statusCode": 200, "message": "canary deployment", "variable": "canary",
                  "nonExistingDefault": "canary", "nonOverridden": "default", "isCanary": "true",
                  "deploymentId": self.d2}
        with self.subTest(pct=0, source="LS-INVOKE", snapshot="response-deployment-1"):
            self.assertEqual([self.get("split") for _ in range(50)], [production] * 50)
        self.set_pct("split", 100)
        with self.subTest(pct=100, source="LS-INVOKE", snapshot="response-canary-deployment"):
            self.assertEqual([self.get("split") for _ in range(50)], [canary] * 50)
        self.set_pct("split", 50)
        got = [self.get("split") for _ in range(400)]
        with self.subTest(pct=50, source="GUIDE (at random, percentTraffic %)"):
            self.assertEqual([g for g in got if g not in (production, canary)], [])
            n = sum(1 for g in got if g == canary)
            # Binomial(400, 1/2): P(|n - 200| > 80) <= 2 exp(-2 * 80**2 / 400) = 2.5e-14 (Hoeffding)
            self.assertTrue(120 <= n <= 280, n)
        self.set_pct("split", 12.5)
        with self.subTest(pct=12.5, source="GUIDE: a fraction of a percent is a percentage too"):
            n = sum(1 for _ in range(400) if self.get("split")["isCanary"] == "true")
            # Binomial(400, 1/8): P(|n - 50| > 50) <= 2 exp(-2 * 50**2 / 400) = 7.5e-6; both sides: P(n = 0) = 6e-24
            self.assertTrue(1 <= n <= 120, n)

    def test_proxy_event(self):
        self.stage("event", 100)
        r = http("GET", invoke_url(self.nimbus.endpoint, self.api, "event", "/event"))
        self.assertEqual(r.status, 200, r.body)
        ev = r.json()
        with self.subTest(source="LS-INVOKE (the canary's deployment and variables), AWS's proxy event: "
                                 "requestContext.deploymentId, stageVariables"):
            self.assertEqual(ev["requestContext"]["deploymentId"], self.d2)
            self.assertEqual(ev["stageVariables"], {"testVar": "canary", "noStageVar": "canary", "defaultVar": "default"})
            self.assertEqual(ev["requestContext"]["stage"], "event")
        self.set_pct("event", 0)
        ev = http("GET", invoke_url(self.nimbus.endpoint, self.api, "event", "/event")).json()
        self.assertEqual((ev["requestContext"]["deploymentId"], ev["stageVariables"]),
                         (self.d1, {"testVar": "default", "defaultVar": "default"}))

    def test_no_canary(self):
        self.gw.create_stage(restApiId=self.api, stageName="plain", deploymentId=self.d1,
                             variables={"testVar": "default"})
        with self.subTest(source="$context.isCanaryRequest: \"Present only when you enabled a canary\" (AWS's "
                                 "mapping template reference); LS-INVOKE's nonExistingDefault: absent → \"\""):
            self.assertEqual(self.get("plain")["isCanary"], "")

    def test_access_logs(self):
        fmt = "$context.requestId $context.isCanaryRequest $context.deploymentId"
        self.stage("logged", 100)
        self.gw.update_stage(restApiId=self.api, stageName="logged", patchOperations=[
            {"op": "replace", "path": "/accessLogSettings/destinationArn", "value": ARN + "canary-access"},
            {"op": "replace", "path": "/accessLogSettings/format", "value": fmt}])
        self.get("logged")
        self.set_pct("logged", 0)
        self.get("logged")
        main = [m.split(" ", 1)[1] for _, m in group_lines(self.nimbus, "canary-access", want=2)]
        own = [m.split(" ", 1)[1] for _, m in group_lines(self.nimbus, "canary-access/Canary", want=1)]
        with self.subTest(source="GUIDE: the canary's lines in {group}/Canary, the stage's group too"):
            self.assertEqual(sorted(main), sorted(["true " + self.d2, "false " + self.d1]))
            self.assertEqual(own, ["true " + self.d2])

    def test_promotion(self):
        gw = self.gw
        self.stage("promo", 0)

        def upd(*ops):
            return gw.update_stage(restApiId=self.api, stageName="promo", patchOperations=list(ops))

        copy_dep = {"op": "copy", "from": "/canarySettings/deploymentId", "path": "/deploymentId"}
        copy_vars = {"op": "copy", "from": "/canarySettings/stageVariableOverrides", "path": "/variables"}
        out = upd(copy_dep, copy_vars)
        with self.subTest(source="LS-COPY", snapshot="update-stage-with-copy-2"):
            self.assertEqual(out["deploymentId"], self.d2)
            self.assertEqual(out["variables"], {"testVar": "canary", "noStageVar": "canary", "defaultVar": "default"})
            self.assertEqual(out["canarySettings"]["deploymentId"], self.d2)   # kept, as AWS keeps it
        with self.subTest(source="LS-INVOKE after LS-COPY: the stage now serves what the canary did"):
            got = self.get("promo")
            self.assertEqual((got["message"], got["variable"], got["isCanary"]), ("canary deployment", "canary", "false"))
        upd({"op": "remove", "path": "/canarySettings"})
        with self.subTest(source="LS-COPY", snapshot="copy-with-no-replace"):
            e = self.client_error(upd, copy_dep)
            self.assertEqual((e["Error"]["Code"], e["Error"]["Message"]),
                             ("BadRequestException", "Promotion not available. Canary does not exist."))
        with self.subTest(source="LS-COPY", snapshot="copy-with-bad-statement"):
            e = self.client_error(upd, {"op": "copy", "path": "/canarySettings/stageVariableOverrides",
                                        "from": "/variables"})
            self.assertEqual(e["Error"]["Message"], (
                "Invalid copy operation with path: /canarySettings/stageVariableOverrides and from /variables. "
                "Valid copy:path are [/deploymentId, /variables] and valid copy:from are "
                "[/canarySettings/deploymentId, /canarySettings/stageVariableOverrides]"))

    def test_deployment_checks(self):
        gw = self.gw
        self.stage("checks", 100)
        with self.subTest(source="LS-VALID", snapshot="update-stage-no-deployment"):
            e = self.client_error(gw.update_stage, restApiId=self.api, stageName="checks", patchOperations=[
                {"op": "replace", "path": "/canarySettings/deploymentId", "value": "deploy"}])
            self.assertEqual((e["Error"]["Code"], e["Error"]["Message"]),
                             ("BadRequestException", "Deployment id does not exist"))
        with self.subTest(source="LS-VALID", snapshot="bad-canary-deployment-id"):
            e = self.client_error(gw.create_stage, restApiId=self.api, stageName="checks2", deploymentId=self.d1,
                                  canarySettings={"deploymentId": "deploy"})
            self.assertEqual(e["Error"]["Message"], "Deployment id does not exist")
            self.assertEqual(self.client_error(gw.get_stage, restApiId=self.api, stageName="checks2")["Error"]["Code"],
                             "NotFoundException")
        with self.subTest(source="NIMBUS: the canary's deployment stays while the canary names it"):
            extra = gw.create_deployment(restApiId=self.api)["id"]
            gw.update_stage(restApiId=self.api, stageName="checks", patchOperations=[
                {"op": "replace", "path": "/canarySettings/deploymentId", "value": extra}])
            e = self.client_error(gw.delete_deployment, restApiId=self.api, deploymentId=extra)
            self.assertEqual(e["Error"]["Message"], "Active stages pointing to this deployment must be moved or deleted")
            self.assertEqual(self.get("checks")["deploymentId"], extra)
            gw.update_stage(restApiId=self.api, stageName="checks", patchOperations=[
                {"op": "remove", "path": "/canarySettings"}])
            gw.delete_deployment(restApiId=self.api, deploymentId=extra)
            self.assertEqual(self.get("checks")["deploymentId"], self.d1)


if __name__ == "__main__":
    unittest.main()
