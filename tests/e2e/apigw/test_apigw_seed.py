"""The seed's API backend end to end: GET /users/{id} through an HTTP API and
a REST API → a function → DynamoDB GetItem → the item as JSON (404 when the
user does not exist)."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from apigwtest import NimbusTestCase, create_function, http, invoke_url, lambda_uri  # noqa: E402


class SeedUsersApi(NimbusTestCase):
    def test_get_user_through_gateway_lambda_dynamodb(self):
        ddb = self.nimbus.client("dynamodb")
        ddb.create_table(TableName="Users", AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
        ddb.put_item(TableName="Users", Item={"id": {"S": "u1"}, "name": {"S": "Ann"}, "age": {"N": "30"}})
        fn = create_function(self.nimbus.client("lambda"), "users", "users", timeout=20, env={"TABLE": "Users", "ENDPOINT": self.nimbus.endpoint})
        gw = self.nimbus.client("apigatewayv2")
        api_id = gw.create_api(Name="users", ProtocolType="HTTP")["ApiId"]
        iid = gw.create_integration(ApiId=api_id, IntegrationType="AWS_PROXY", IntegrationUri=fn,
                                    PayloadFormatVersion="2.0")["IntegrationId"]
        gw.create_route(ApiId=api_id, RouteKey="GET /users/{id}", Target="integrations/" + iid)
        gw.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True)
        r = http("GET", invoke_url(self.nimbus.endpoint, api_id, "$default", "/users/u1"), timeout=60)
        self.assertEqual(r.status, 200, (r.body, self.nimbus.read_log()[-3000:]))
        self.assertEqual(r.json(), {"id": "u1", "name": "Ann", "age": "30"})
        r = http("GET", invoke_url(self.nimbus.endpoint, api_id, "$default", "/users/nobody"), timeout=60)
        self.assertEqual((r.status, r.json()), (404, {"message": "user not found"}))
        # the same function behind a REST API
        rest = self.nimbus.client("apigateway")
        rid = rest.create_rest_api(name="users-rest")["id"]
        root = [x for x in rest.get_resources(restApiId=rid)["items"] if x["path"] == "/"][0]["id"]
        users = rest.create_resource(restApiId=rid, parentId=root, pathPart="users")["id"]
        user = rest.create_resource(restApiId=rid, parentId=users, pathPart="{id}")["id"]
        rest.put_method(restApiId=rid, resourceId=user, httpMethod="GET", authorizationType="NONE")
        rest.put_integration(restApiId=rid, resourceId=user, httpMethod="GET", type="AWS_PROXY",
                             integrationHttpMethod="POST", uri=lambda_uri(fn))
        rest.create_deployment(restApiId=rid, stageName="prod")
        r = http("GET", invoke_url(self.nimbus.endpoint, rid, "prod", "/users/u1"), timeout=60)
        self.assertEqual((r.status, r.json()), (200, {"id": "u1", "name": "Ann", "age": "30"}))


if __name__ == "__main__":
    unittest.main()
