"""The REST API (v1) control plane as AWS answers it: error codes, messages,
HTTP statuses and the members of answers recorded from real AWS in LocalStack's
AWS-validated snapshots (repository localstack/localstack,
tests/aws/services/apigateway/test_apigateway_api.py and
test_apigateway_import.py with their .snapshot.json files). Each row and test
names its source as "file::Class::test [snapshot key]"; the inputs are ours,
written to reproduce what the recorded call did.

Driven through boto3 (Debian's botocore, parameter validation off where AWS's own
validation is the point) and, for members Debian's botocore does not model
(endpointConfiguration.ipAddressType), signed raw requests."""
import json
import os
import sys
import unittest
import urllib.error
import urllib.request

import botocore.config

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from apigwtest import NimbusTestCase  # noqa: E402

API = "test_apigateway_api.py::"
IMP = "test_apigateway_import.py::"
AUTH_URI = ("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
            "arn:aws:lambda:us-east-1:123456789012:function:myApiAuthorizer/invocations")
DEFAULT_TEMPLATE = {"application/json": '{"message":$context.error.messageString}'}
OP_ENUM = "Member must satisfy enum value set: [add, remove, move, test, replace, copy]"
STATUS_RE = "Member must satisfy regular expression pattern: [1-5]\\\\d\\\\d"
GR_TYPES = ("[REQUEST_TOO_LARGE, RESOURCE_NOT_FOUND, AUTHORIZER_CONFIGURATION_ERROR, MISSING_AUTHENTICATION_TOKEN, "
            "BAD_REQUEST_BODY, INVALID_SIGNATURE, INVALID_API_KEY, BAD_REQUEST_PARAMETERS, AUTHORIZER_FAILURE, "
            "UNAUTHORIZED, INTEGRATION_TIMEOUT, ACCESS_DENIED, DEFAULT_4XX, DEFAULT_5XX, WAF_FILTERED, QUOTA_EXCEEDED, "
            "THROTTLED, API_CONFIGURATION_ERROR, UNSUPPORTED_MEDIA_TYPE, INTEGRATION_FAILURE, EXPIRED_TOKEN]")
NF, BR, CF, VE, SE = "NotFoundException", "BadRequestException", "ConflictException", "ValidationException", \
    "SerializationException"
STATUS = {NF: 404, BR: 400, CF: 409, VE: 400, SE: 400}


def op_error(i, op="wrong_op", where="updateMethodResponseInput"):
    return "Value '%s' at '%s.patchOperations.%d.member.op' failed to satisfy constraint: %s" % (op, where, i, OP_ENUM)


def root_of(gw, api):
    """The root resource's id (Debian's botocore does not model rootResourceId)."""
    return [r["id"] for r in gw.get_resources(restApiId=api)["items"] if r["path"] == "/"][0]


def replace(path, value=None):
    o = {"op": "replace", "path": path}
    if value is not None:
        o["value"] = value
    return o


class LsControl(NimbusTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gw = cls.nimbus.client("apigateway", config=botocore.config.Config(
            retries={"max_attempts": 1}, parameter_validation=False))
        gw = cls.gw
        cls.api = gw.create_rest_api(name="fixture", description="rows")["id"]
        cls.root = root_of(gw, cls.api)
        cls.pets = gw.create_resource(restApiId=cls.api, parentId=cls.root, pathPart="pets")["id"]
        gw.put_method(restApiId=cls.api, resourceId=cls.root, httpMethod="GET", authorizationType="NONE")
        gw.put_integration(restApiId=cls.api, resourceId=cls.root, httpMethod="GET", type="MOCK",
                           requestTemplates={"application/json": '{"statusCode": 200}'})
        gw.put_method_response(restApiId=cls.api, resourceId=cls.root, httpMethod="GET", statusCode="200",
                               responseParameters={"method.response.header.my-header": False},
                               responseModels={"application/json": "Empty"})
        gw.put_method(restApiId=cls.api, resourceId=cls.root, httpMethod="ANY", authorizationType="NONE",
                      apiKeyRequired=True)
        gw.put_method(restApiId=cls.api, resourceId=cls.root, httpMethod="POST", authorizationType="NONE")
        cls.validator = gw.create_request_validator(restApiId=cls.api, name="v")["id"]
        cls.doc_part = gw.create_documentation_part(restApiId=cls.api, location={"type": "API"},
                                                    properties='{ "description": "Sample API description" }')["id"]
        gw.create_model(restApiId=cls.api, name="MySchema", contentType="application/json",
                        schema=json.dumps({"title": "MySchema", "type": "object"}))

    # --- helpers -----------------------------------------------------------------

    def err(self, fn, **kw):
        """(HTTP status, error code, message) of a call that must fail."""
        e = self.client_error(fn, **kw)
        return e["ResponseMetadata"]["HTTPStatusCode"], e["Error"]["Code"], e["Error"]["Message"]

    def raw(self, method, path, body=None):
        """A signed request with a JSON body boto3 would not send as is: (status, parsed body)."""
        url = self.nimbus.endpoint + path
        data = json.dumps(body).encode() if body is not None else b""
        headers = self.nimbus.sign(method, url, data, {"Content-Type": "application/json"}, service="apigateway")
        req = urllib.request.Request(url, data=data if body is not None else None, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, json.loads(r.read() or b"{}")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}")

    def check_rows(self, rows):
        for src, fn, kw, code, msg in rows:
            with self.subTest(src=src):
                self.assertEqual(self.err(fn, **kw(self)), (STATUS[code], code, msg))

    def new_api(self, **kw):
        kw.setdefault("name", "t")
        a = self.gw.create_rest_api(**kw)["id"]
        return a, root_of(self.gw, a)

    # --- single-call refusals ------------------------------------------------------

    def test_error_rows(self):
        gw = self.gw
        acct = self.nimbus.account
        rows = [
            (API + "TestApiGatewayApiRestApi::test_update_rest_api_invalid_api_id [not-found-update-rest-api]",
             gw.update_rest_api, lambda s: dict(restApiId="api_id", patchOperations=[replace("/apiKeySource", "AUTHORIZER")]),
             NF, "Invalid API identifier specified %s:api_id" % acct),
            (API + "TestApiGatewayApiRestApi::test_create_rest_api_with_optional_params [create-empty-desc]",
             gw.create_rest_api, lambda s: dict(name="x", description=""), BR, "Description cannot be an empty string"),
            (API + "TestApiGatewayApiRestApi::test_create_rest_api_with_optional_params [string-compression-size]",
             gw.create_rest_api, lambda s: dict(name="x", minimumCompressionSize=-1), BR,
             "Invalid minimum compression size, must be between 0 and 10485760"),
            (API + "TestApiGatewayApiRestApi::test_create_rest_api_with_endpoint_configuration [create-with-empty-types]",
             gw.create_rest_api, lambda s: dict(name="x", endpointConfiguration={"types": []}), BR,
             "REGIONAL Configuration and EDGE Configuration cannot be both DISABLED."),
            (API + "TestApiGatewayApiRestApi::test_create_rest_api_with_endpoint_configuration [create-with-two-types]",
             gw.create_rest_api, lambda s: dict(name="x", endpointConfiguration={"types": ["EDGE", "REGIONAL"]}), BR,
             "Cannot create an api with multiple Endpoint Types."),
            (API + "TestApiGatewayApiRestApi::test_create_rest_api_with_endpoint_configuration [create-with-invalid-types]",
             gw.create_rest_api, lambda s: dict(name="x", endpointConfiguration={"types": ["wrong"]}), VE,
             "1 validation error detected: Value '[wrong]' at 'createRestApiInput.endpointConfiguration.types' failed "
             "to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: "
             "[PRIVATE, EDGE, REGIONAL]]"),
            # resources
            (API + "TestApiGatewayApiResource::test_update_resource_behaviour [nonexistent-resource]",
             gw.update_resource, lambda s: dict(restApiId=s.api, resourceId="fake-resource",
                                                patchOperations=[replace("/pathPart", "dogs")]),
             NF, "Invalid Resource identifier specified"),
            (API + "TestApiGatewayApiResource::test_update_resource_behaviour [invalid-path-part]",
             gw.update_resource, lambda s: dict(restApiId=s.api, resourceId=s.pets,
                                                patchOperations=[replace("/invalid", "dogs")]),
             BR, "Invalid patch path  '/invalid' specified for op 'replace'. Must be one of: [/parentId, /pathPart]"),
            (API + "TestApiGatewayApiResource::test_update_resource_behaviour [invalid-parent-id]",
             gw.update_resource, lambda s: dict(restApiId=s.api, resourceId=s.pets,
                                                patchOperations=[replace("/parentId", "fake-parent-id")]),
             NF, "Invalid Resource identifier specified"),
            (API + "TestApiGatewayApiResource::test_update_resource_behaviour [remove-unsupported]",
             gw.update_resource, lambda s: dict(restApiId=s.api, resourceId=s.pets,
                                                patchOperations=[{"op": "remove", "path": "/pathPart"}]),
             BR, "Invalid patch path  '/pathPart' specified for op 'remove'. Please choose supported operations"),
            (API + "TestApiGatewayApiResource::test_update_resource_behaviour [add-unsupported]",
             gw.update_resource, lambda s: dict(restApiId=s.api, resourceId=s.pets, patchOperations=[
                 {"op": "add", "path": "/pathPart", "value": "added-pets"}]),
             BR, "Invalid patch path  '/pathPart' specified for op 'add'. Please choose supported operations"),
            (API + "TestApiGatewayApiResource::test_update_resource_on_root [update-root-path-part]",
             gw.update_resource, lambda s: dict(restApiId=s.api, resourceId=s.root,
                                                patchOperations=[replace("/pathPart", "x")]),
             BR, "Root resource cannot update its pathPart."),
            (API + "TestApiGatewayApiResource::test_update_resource_on_root [update-root-parent]",
             gw.update_resource, lambda s: dict(restApiId=s.api, resourceId=s.root,
                                                patchOperations=[replace("/parentId", s.pets)]),
             BR, "Root resource cannot update its parentId."),
            (API + "TestApiGatewayApiResource::test_create_resource_parent_invalid [wrong-resource-parent-id]",
             gw.create_resource, lambda s: dict(restApiId=s.api, parentId="fake-resource-id", pathPart="subpets"),
             NF, "Invalid Resource identifier specified"),
            # authorizers
            (API + "TestApiGatewayApiAuthorizer::test_authorizer_crud_no_api [wrong-rest-api-id-create-authorizer]",
             gw.create_authorizer, lambda s: dict(restApiId="test-fake-rest-id", name="fake-auth-name", type="TOKEN",
                                                  authorizerUri=AUTH_URI,
                                                  identitySource="method.request.header.Authorization"),
             CF, "Unable to complete operation due to concurrent modification. Please try again later."),
            (API + "TestApiGatewayApiAuthorizer::test_authorizer_crud_no_api [wrong-rest-api-id-get-authorizers]",
             gw.get_authorizers, lambda s: dict(restApiId="test-fake-rest-id"),
             NF, "Invalid API identifier specified %s:test-fake-rest-id" % acct),
            # methods
            (API + "TestApiGatewayApiMethod::test_put_method_validation [wrong-api]",
             gw.put_method, lambda s: dict(restApiId="fake-api", resourceId=s.root, httpMethod="WRONG",
                                           authorizationType="NONE"), NF, "Invalid Resource identifier specified"),
            (API + "TestApiGatewayApiMethod::test_put_method_validation [wrong-method]",
             gw.put_method, lambda s: dict(restApiId=s.api, resourceId=s.root, httpMethod="WRONG",
                                           authorizationType="NONE"),
             BR, "Invalid HttpMethod specified. Valid options are GET,PUT,POST,DELETE,PATCH,OPTIONS,HEAD,ANY"),
            (API + "TestApiGatewayApiMethod::test_put_method_validation [missing-authorizer-id]",
             gw.put_method, lambda s: dict(restApiId=s.api, resourceId=s.pets, httpMethod="ANY",
                                           authorizationType="CUSTOM"),
             BR, "Invalid authorizer ID specified. Setting the authorization type to CUSTOM or COGNITO_USER_POOLS "
                 "requires a valid authorizer."),
            (API + "TestApiGatewayApiMethod::test_put_method_validation [invalid-request-validator]",
             gw.put_method, lambda s: dict(restApiId=s.api, resourceId=s.pets, httpMethod="ANY",
                                           authorizationType="NONE", requestValidatorId="fake-validator"),
             BR, "Invalid Request Validator identifier specified"),
            (API + "TestApiGatewayApiMethod::test_put_method_validation [invalid-model-name]",
             gw.put_method, lambda s: dict(restApiId=s.api, resourceId=s.pets, httpMethod="ANY",
                                           authorizationType="NONE", requestModels={"application/json": "petModel"}),
             BR, "Invalid model identifier specified: petModel"),
            (API + "TestApiGatewayApiMethod::test_method_request_parameters [req-params-same-name]",
             gw.put_method, lambda s: dict(restApiId=s.api, resourceId=s.pets, httpMethod="GET",
                                           authorizationType="NONE", requestParameters={
                                               "method.request.querystring.optional": False,
                                               "method.request.header.optional": False}),
             BR, "Parameter names must be unique across querystring, header and path"),
            (API + "TestApiGatewayApiMethod::test_update_method_validation [wrong-rest-api]",
             gw.update_method, lambda s: dict(restApiId="fake-api", resourceId=s.root, httpMethod="ANY",
                                              patchOperations=[]), NF, "Invalid Resource identifier specified"),
            (API + "TestApiGatewayApiMethod::test_update_method_validation [method-does-not-exist]",
             gw.update_method, lambda s: dict(restApiId=s.api, resourceId=s.pets, httpMethod="GET",
                                              patchOperations=[replace("/operationName", "x")]),
             NF, "Invalid Method identifier specified"),
            (API + "TestApiGatewayApiMethod::test_update_method_validation [unsupported-operation]",
             gw.update_method, lambda s: dict(restApiId=s.api, resourceId=s.root, httpMethod="ANY", patchOperations=[
                 {"op": "add", "path": "/operationName", "value": "operationName"}]),
             BR, "Invalid patch operation specified. Must be one of: [replace]"),
            (API + "TestApiGatewayApiMethod::test_update_method_validation [unsupported-operation-2]",
             gw.update_method, lambda s: dict(restApiId=s.api, resourceId=s.root, httpMethod="ANY", patchOperations=[
                 {"op": "add", "path": "/requestValidatorId", "value": "wrong-id"}]),
             BR, "Invalid patch operation specified. Must be one of: [replace]"),
            (API + "TestApiGatewayApiMethod::test_update_method_validation [unsupported-path]",
             gw.update_method, lambda s: dict(restApiId=s.api, resourceId=s.root, httpMethod="ANY", patchOperations=[
                 {"op": "add", "path": "/httpMethod", "value": "PUT"}]), BR, "Invalid patch path /httpMethod"),
            (API + "TestApiGatewayApiMethod::test_update_method_validation [wrong-path-request-parameters]",
             gw.update_method, lambda s: dict(restApiId=s.api, resourceId=s.root, httpMethod="ANY", patchOperations=[
                 replace("/requestParameters", "method.request.querystring.optional=false")]),
             BR, "Invalid patch path /requestParameters"),
            (API + "TestApiGatewayApiMethod::test_update_method_validation [wrong-path-request-models]",
             gw.update_method, lambda s: dict(restApiId=s.api, resourceId=s.root, httpMethod="ANY", patchOperations=[
                 {"op": "add", "path": "/requestModels/application/json", "value": "Empty"}]),
             BR, "Invalid patch path /requestModels/application/json"),
            (API + "TestApiGatewayApiMethod::test_update_method_validation [wrong-auth-type]",
             gw.update_method, lambda s: dict(restApiId=s.api, resourceId=s.root, httpMethod="ANY",
                                              patchOperations=[replace("/authorizationType", "CUSTOM")]),
             BR, "Invalid authorizer ID specified. Setting the authorization type to CUSTOM or COGNITO_USER_POOLS "
                 "requires a valid authorizer."),
            (API + "TestApiGatewayApiMethod::test_update_method_validation [wrong-auth-id]",
             gw.update_method, lambda s: dict(restApiId=s.api, resourceId=s.root, httpMethod="ANY", patchOperations=[
                 replace("/authorizationType", "CUSTOM"), replace("/authorizerId", "abc123")]),
             BR, "Invalid authorizer ID specified. Setting the authorization type to CUSTOM or COGNITO_USER_POOLS "
                 "requires a valid authorizer."),
            (API + "TestApiGatewayApiMethod::test_update_method_validation [wrong-req-validator-id]",
             gw.update_method, lambda s: dict(restApiId=s.api, resourceId=s.root, httpMethod="ANY",
                                              patchOperations=[replace("/requestValidatorId", "fake-id")]),
             BR, "Invalid Request Validator identifier specified"),
            # models
            (API + "TestApiGatewayApiModels::test_model_validation [create-model-wrong-id]",
             gw.create_model, lambda s: dict(name="MySchema", restApiId="abcde0", contentType="application/json",
                                             description="Test model", schema='{"type": "object"}'),
             NF, "Invalid API identifier specified %s:abcde0" % acct),
            (API + "TestApiGatewayApiModels::test_model_validation [get-models-wrong-id]",
             gw.get_models, lambda s: dict(restApiId="abcde0"), NF, "Invalid API identifier specified %s:abcde0" % acct),
            (API + "TestApiGatewayApiModels::test_model_validation [get-model-wrong-id]",
             gw.get_model, lambda s: dict(restApiId="abcde0", modelName="MySchema"),
             NF, "Invalid model name specified: MySchema"),
            (API + "TestApiGatewayApiModels::test_model_validation [del-model-wrong-id]",
             gw.delete_model, lambda s: dict(restApiId="abcde0", modelName="MySchema"),
             NF, "Invalid model name specified: MySchema"),
            (API + "TestApiGatewayApiModels::test_model_validation [create-model-already-exists]",
             gw.create_model, lambda s: dict(name="MySchema", restApiId=s.api, contentType="application/json",
                                             description="", schema='{"type": "object"}'),
             CF, "Model name already exists for this REST API"),
            (API + "TestApiGatewayApiModels::test_model_validation [create-model-empty-name]",
             gw.create_model, lambda s: dict(name="", restApiId=s.api, contentType="application/json",
                                             description="", schema='{"type": "object"}'),
             BR, "Model name must be non-empty"),
            (API + "TestApiGatewayApiModels::test_model_validation [create-model-empty-schema]",
             gw.create_model, lambda s: dict(name="MyEmptySchema", restApiId=s.api, contentType="application/json",
                                             description="", schema=""),
             BR, "Model schema must have at least 1 property or array items defined"),
            (API + "TestApiGatewayApiModels::test_model_validation [create-model-no-schema-xml]",
             gw.create_model, lambda s: dict(name="MyEmptySchemaXml", restApiId=s.api, contentType="application/xml",
                                             description=""),
             BR, "Model schema must have at least 1 property or array items defined"),
            (API + "TestApiGatewayApiModels::test_update_model [update-model-wrong-id]",
             gw.update_model, lambda s: dict(restApiId="abcde0", modelName="mySchema",
                                             patchOperations=[replace("/description", "")]),
             NF, "Invalid model name specified: mySchema"),
            (API + "TestApiGatewayApiModels::test_update_model [update-model-invalid-op]",
             gw.update_model, lambda s: dict(restApiId=s.api, modelName="MySchema", patchOperations=[
                 {"op": "add", "path": "/wrong-path", "value": "not supported op"}]),
             BR, "Invalid patch path  '/wrong-path' specified for op 'add'. Please choose supported operations"),
            (API + "TestApiGatewayApiModels::test_update_model [update-model-invalid-path]",
             gw.update_model, lambda s: dict(restApiId=s.api, modelName="MySchema",
                                             patchOperations=[replace("/name", "invalid")]),
             BR, "Invalid patch path  '/name' specified for op 'replace'. Must be one of: [/description, /schema]"),
            (API + "TestApiGatewayApiModels::test_update_model [update-model-empty-schema]",
             gw.update_model, lambda s: dict(restApiId=s.api, modelName="MySchema",
                                             patchOperations=[replace("/schema", "")]),
             BR, "Model schema must have at least 1 property or array items defined"),
            # request validators
            (API + "TestApiGatewayApiRequestValidator::test_validators_crud_no_api [wrong-rest-api-id-create-validator]",
             gw.create_request_validator, lambda s: dict(restApiId="test-fake-rest-id", name="test-validator",
                                                         validateRequestBody=True, validateRequestParameters=False),
             BR, "Invalid REST API identifier specified"),
            (API + "TestApiGatewayApiRequestValidator::test_validators_crud_no_api [wrong-rest-api-id-get-validators]",
             gw.get_request_validators, lambda s: dict(restApiId="test-fake-rest-id"),
             NF, "Invalid API identifier specified %s:test-fake-rest-id" % acct),
            (API + "TestApiGatewayApiRequestValidator::test_invalid_get_request_validator "
                   "[get-request-validators-invalid-api-id]",
             gw.get_request_validator, lambda s: dict(restApiId="api_id", requestValidatorId=s.validator),
             NF, "Invalid Request Validator identifier specified"),
            (API + "TestApiGatewayApiRequestValidator::test_invalid_get_request_validator "
                   "[get-request-validators-invalid-validator-id]",
             gw.get_request_validator, lambda s: dict(restApiId=s.api, requestValidatorId="validator_id"),
             NF, "Invalid Request Validator identifier specified"),
            (API + "TestApiGatewayApiRequestValidator::test_invalid_delete_request_validator "
                   "[delete-request-validator-invalid-api-id]",
             gw.delete_request_validator, lambda s: dict(restApiId="api_id", requestValidatorId=s.validator),
             NF, "Invalid Request Validator identifier specified"),
            (API + "TestApiGatewayApiRequestValidator::test_invalid_update_request_validator_operations "
                   "[update-request-validator-invalid-add-operation]",
             gw.update_request_validator, lambda s: dict(restApiId=s.api, requestValidatorId=s.validator,
                                                         patchOperations=[{"op": "add", "path": "/validateRequestBody",
                                                                           "value": "true"}]),
             BR, "Invalid patch path  '/validateRequestBody' specified for op 'add'. Please choose supported operations"),
            (API + "TestApiGatewayApiRequestValidator::test_invalid_update_request_validator_operations "
                   "[update-request-validator-invalid-remove-operation]",
             gw.update_request_validator, lambda s: dict(restApiId=s.api, requestValidatorId=s.validator,
                                                         patchOperations=[{"op": "remove", "path": "/validateRequestBody",
                                                                           "value": "true"}]),
             BR, "Invalid patch path  '/validateRequestBody' specified for op 'remove'. Please choose supported "
                 "operations"),
            (API + "TestApiGatewayApiRequestValidator::test_invalid_update_request_validator_operations "
                   "[update-request-validator-invalid-path]",
             gw.update_request_validator, lambda s: dict(restApiId=s.api, requestValidatorId=s.validator,
                                                         patchOperations=[replace("/invalidPath", "true")]),
             BR, "Invalid patch path  '/invalidPath' specified for op 'replace'. Must be one of: [/name, "
                 "/validateRequestParameters, /validateRequestBody]"),
            (API + "TestApiGatewayApiRequestValidator::test_invalid_update_request_validator_operations "
                   "[update-request-validator-empty-name-value]",
             gw.update_request_validator, lambda s: dict(restApiId=s.api, requestValidatorId=s.validator,
                                                         patchOperations=[replace("/name")]),
             BR, "Request Validator name cannot be blank"),
            # documentation parts
            (API + "TestApiGatewayApiDocumentationPart::test_invalid_get_documentation_part "
                   "[get-documentation-part-invalid-api-id]",
             gw.get_documentation_part, lambda s: dict(restApiId="api_id", documentationPartId=s.doc_part),
             NF, "Invalid Documentation part identifier specified"),
            (API + "TestApiGatewayApiDocumentationPart::test_invalid_get_documentation_part "
                   "[get-documentation-part-invalid-doc-id]",
             gw.get_documentation_part, lambda s: dict(restApiId=s.api, documentationPartId="documentation_part_id"),
             NF, "Invalid Documentation part identifier specified"),
            (API + "TestApiGatewayApiDocumentationPart::test_invalid_update_documentation_part "
                   "[update-documentation-part-invalid-api-id]",
             gw.update_documentation_part, lambda s: dict(restApiId="api_id", documentationPartId=s.doc_part,
                                                          patchOperations=[replace("/properties", "{}")]),
             NF, "Invalid Documentation part identifier specified"),
            (API + "TestApiGatewayApiDocumentationPart::test_invalid_update_documentation_part "
                   "[update-documentation-part-invalid-add-operation]",
             gw.update_documentation_part, lambda s: dict(restApiId=s.api, documentationPartId=s.doc_part,
                                                          patchOperations=[{"op": "add", "path": "/properties",
                                                                            "value": "{}"}]),
             BR, "Invalid patch path  '/properties' specified for op 'add'. Please choose supported operations"),
            (API + "TestApiGatewayApiDocumentationPart::test_invalid_update_documentation_part "
                   "[update-documentation-part-invalid-path]",
             gw.update_documentation_part, lambda s: dict(restApiId=s.api, documentationPartId=s.doc_part,
                                                          patchOperations=[replace("/invalidPath", "{}")]),
             BR, "Invalid patch path  '/invalidPath' specified for op 'replace'. Must be one of: [/properties]"),
            (API + "TestApiGatewayApiDocumentationPart::test_invalid_create_documentation_part_operations "
                   "[create_documentation_part_invalid_location_type]",
             gw.create_documentation_part, lambda s: dict(restApiId=s.api, location={"type": "INVALID"},
                                                          properties='{ "description": "x" }'),
             VE, "1 validation error detected: Value 'INVALID' at 'createDocumentationPartInput.location.type' failed "
                 "to satisfy constraint: Member must satisfy enum value set: [RESPONSE_BODY, RESPONSE, METHOD, MODEL, "
                 "AUTHORIZER, RESPONSE_HEADER, RESOURCE, PATH_PARAMETER, REQUEST_BODY, QUERY_PARAMETER, API, "
                 "REQUEST_HEADER]"),
            (API + "TestApiGatewayApiDocumentationPart::test_invalid_delete_documentation_part "
                   "[delete_documentation_part_wrong_api_id]",
             gw.delete_documentation_part, lambda s: dict(restApiId="api_id", documentationPartId=s.doc_part),
             NF, "Invalid API identifier specified %s:api_id" % acct),
            (API + "TestApiGatewayApiDocumentationPart::test_import_documentation_parts_bad_file "
                   "[import-documentation-parts-bad-json-file]",
             gw.import_documentation_parts, lambda s: dict(restApiId=s.api, mode="overwrite", body=b"{{{"),
             BR, "Unable to build importer with provided input."),
            # integrations and integration responses
            (API + "TestApigatewayIntegration::test_put_integration_wrong_type [put-integration-wrong-type]",
             gw.put_integration, lambda s: dict(restApiId=s.api, resourceId=s.root, httpMethod="GET",
                                                type="HTTPS_PROXY"),
             VE, "1 validation error detected: Value 'HTTPS_PROXY' at 'putIntegrationInput.type' failed to satisfy "
                 "constraint: Member must satisfy enum value set: [HTTP, MOCK, AWS_PROXY, HTTP_PROXY, AWS]"),
            (API + "TestApigatewayIntegration::test_put_integration_response_validation [put-integration-wrong-method]",
             gw.put_integration, lambda s: dict(restApiId=s.api, resourceId=s.root, httpMethod="PUT", type="MOCK"),
             NF, "Invalid Method identifier specified"),
            (API + "TestApigatewayIntegration::test_put_integration_response_validation [put-integration-wrong-resource]",
             gw.put_integration, lambda s: dict(restApiId=s.api, resourceId="badresource", httpMethod="GET",
                                                type="MOCK"), NF, "Invalid Resource identifier specified"),
            (API + "TestApigatewayIntegration::test_put_integration_request_parameter_bool_type "
                   "[put-integration-request-param-bool-value]",
             gw.put_integration, lambda s: dict(restApiId=s.api, resourceId=s.root, httpMethod="GET",
                                                type="HTTP_PROXY", requestParameters={
                                                    "integration.request.path.testPath": True}),
             SE, "class java.lang.Boolean can not be converted to an String"),
            (API + "TestApigatewayIntegrationResponse::test_integration_response_wrong_api "
                   "[put-integration-response-wrong-api]",
             gw.put_integration_response, lambda s: dict(restApiId="wrong-api", resourceId="dummy-value",
                                                         httpMethod="GET", statusCode="200"),
             NF, "Invalid Resource identifier specified"),
            (API + "TestApigatewayIntegrationResponse::test_integration_response_wrong_api "
                   "[get-integration-response-wrong-api]",
             gw.get_integration_response, lambda s: dict(restApiId="wrong-api", resourceId="dummy-value",
                                                         httpMethod="GET", statusCode="200"),
             NF, "Invalid Resource identifier specified"),
            (API + "TestApigatewayIntegrationResponse::test_integration_response_wrong_method "
                   "[put-integration-response-wrong-method]",
             gw.put_integration_response, lambda s: dict(restApiId=s.api, resourceId=s.root,
                                                         httpMethod="wrong-method", statusCode="200"),
             NF, "Invalid Method identifier specified"),
            (API + "TestApigatewayIntegrationResponse::test_integration_response_invalid_statuscode "
                   "[put-integration-response-invalid-statusCode]",
             gw.put_integration_response, lambda s: dict(restApiId=s.api, resourceId=s.pets, httpMethod="GET",
                                                         statusCode="wrong", selectionPattern="",
                                                         responseTemplates={"application/json": '"created"'}),
             VE, "1 validation error detected: Value 'wrong' at 'statusCode' failed to satisfy constraint: " + STATUS_RE),
            (API + "TestApigatewayIntegrationResponse::test_integration_response_invalid_statuscode "
                   "[get-integration-response-invalid-statusCode]",
             gw.get_integration_response, lambda s: dict(restApiId=s.api, resourceId=s.pets, httpMethod="GET",
                                                         statusCode="wrong"),
             VE, "1 validation error detected: Value 'wrong' at 'statusCode' failed to satisfy constraint: " + STATUS_RE),
            (API + "TestApigatewayIntegrationResponse::test_integration_response_invalid_integration "
                   "[get-integration-response-without-integration]",
             gw.get_integration_response, lambda s: dict(restApiId=s.api, resourceId=s.root, httpMethod="POST",
                                                         statusCode="200"),
             NF, "Invalid Integration identifier specified"),
            (API + "TestApigatewayIntegrationResponse::test_integration_response_wrong_status_code "
                   "[get-integration-response-wrong-status-code]",
             gw.get_integration_response, lambda s: dict(restApiId=s.api, resourceId=s.root, httpMethod="GET",
                                                         statusCode="201"),
             NF, "Invalid Response status code specified"),
            (API + "TestApigatewayIntegrationResponse::test_integration_response_invalid_responsetemplates "
                   "[put-integration-response-invalid-responseTemplates-1]",
             gw.put_integration_response, lambda s: dict(restApiId=s.api, resourceId=s.root, httpMethod="GET",
                                                         statusCode="200", selectionPattern="",
                                                         responseTemplates={"application/json": 123}),
             SE, "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String"),
            (API + "TestApigatewayIntegrationResponse::test_integration_response_invalid_responsetemplates "
                   "[put-integration-response-invalid-responseTemplates-2]",
             gw.put_integration_response, lambda s: dict(restApiId=s.api, resourceId=s.root, httpMethod="GET",
                                                         statusCode="200", selectionPattern="",
                                                         responseTemplates={"123": '{"statusCode": 200}'}),
             BR, "Validation Result: warnings : [], errors : [Invalid content type specified: 123]"),
            (API + "TestApigatewayIntegrationResponse::test_delete_integration_response_errors [non-existent-api-id]",
             gw.delete_integration_response, lambda s: dict(restApiId="nope", resourceId=s.root, httpMethod="GET",
                                                            statusCode="200"),
             NF, "Invalid Resource identifier specified"),
            (API + "TestApigatewayIntegrationResponse::test_delete_integration_response_errors [non-existent-method]",
             gw.delete_integration_response, lambda s: dict(restApiId=s.api, resourceId=s.root, httpMethod="PUT",
                                                            statusCode="200"),
             NF, "Invalid Integration identifier specified"),
            (API + "TestApigatewayIntegrationResponse::test_delete_integration_response_errors "
                   "[non-existent-status-code]",
             gw.delete_integration_response, lambda s: dict(restApiId=s.api, resourceId=s.root, httpMethod="GET",
                                                            statusCode="201"),
             NF, "Invalid Response status code specified"),
            (API + "TestApigatewayIntegration::test_get_integration_non_existent [get-integration-no-api]",
             gw.get_integration, lambda s: dict(restApiId="nope", resourceId=s.root, httpMethod="GET"),
             NF, "Invalid Resource identifier specified"),
            (API + "TestApigatewayIntegration::test_get_integration_non_existent [get-integration-no-integration]",
             gw.get_integration, lambda s: dict(restApiId=s.api, resourceId=s.root, httpMethod="POST"),
             NF, "Invalid Integration identifier specified"),
            # method responses
            (API + "TestApigatewayMethodResponse::test_update_method_response_negative_tests "
                   "[update-method-response-wrong-statuscode]",
             gw.update_method_response, lambda s: dict(restApiId=s.api, resourceId=s.root, httpMethod="GET",
                                                       statusCode="201", patchOperations=[replace(
                                                           "/responseParameters/method.response.header.my-header",
                                                           "true")]),
             NF, "Invalid Response status code specified"),
            (API + "TestApigatewayMethodResponse::test_update_method_response_negative_tests "
                   "[update-method-response-invalid-statuscode-and-wrong-op]",
             gw.update_method_response, lambda s: dict(restApiId=s.api, resourceId=s.root, httpMethod="GET",
                                                       statusCode="wrong", patchOperations=[{
                                                           "op": "wrong_op", "value": "true",
                                                           "path": "/responseParameters/method.response.header.my-header"}]),
             VE, "2 validation errors detected: %s; Value 'wrong' at 'statusCode' failed to satisfy constraint: %s"
                 % (op_error(1), STATUS_RE)),
            (API + "TestApigatewayMethodResponse::test_update_method_response_negative_tests "
                   "[update-method-response-wrong-resource]",
             gw.update_method_response, lambda s: dict(restApiId=s.api, resourceId="wrong", httpMethod="GET",
                                                       statusCode="200", patchOperations=[]),
             NF, "Invalid Resource identifier specified"),
            (API + "TestApigatewayMethodResponse::test_update_method_response_wrong_operations "
                   "[update-method-response-wrong-operation-5]",
             gw.update_method_response, lambda s: dict(restApiId=s.api, resourceId=s.root, httpMethod="GET",
                                                       statusCode="200", patchOperations=[
                                                           {"op": "wrong_op", "path": "/responseModels/application~1json"},
                                                           {"op": "remove", "path": "/responseModels/application~1json"},
                                                           {"op": "wrong_op", "path": "/responseModels/application~1json"}]),
             VE, "2 validation errors detected: %s; %s" % (op_error(1), op_error(3))),
            (API + "TestApigatewayMethodResponse::test_update_method_wrong_param_names "
                   "[update-method-response-operation-with-wrong-param-name-1]",
             gw.update_method_response, lambda s: dict(restApiId=s.api, resourceId=s.root, httpMethod="GET",
                                                       statusCode="200",
                                                       patchOperations=[replace("/responseParameters/wrong", "true")]),
             NF, "Invalid parameter name specified"),
            (API + "TestApigatewayMethodResponse::test_update_method_wrong_param_names "
                   "[update-method-response-operation-with-wrong-param-name-4]",
             gw.update_method_response, lambda s: dict(restApiId=s.api, resourceId=s.root, httpMethod="GET",
                                                       statusCode="200", patchOperations=[
                                                           {"op": "remove", "path": "/responseModels/wrong"}]),
             NF, "Content-Type specified was not found"),
            (API + "TestApigatewayMethodResponse::test_update_method_lack_response_parameters_and_models "
                   "[update-method-response-operation-with-wrong-path]",
             gw.update_method_response, lambda s: dict(restApiId=s.api, resourceId=s.root, httpMethod="GET",
                                                       statusCode="200", patchOperations=[
                                                           {"op": "remove", "value": "true",
                                                            "path": "/wrong/method.response.header.my-header"}]),
             BR, "Invalid patch path /wrong/method.response.header.my-header"),
            # gateway responses
            (API + "TestApiGatewayGatewayResponse::test_gateway_response_validation [delete-gateway-response-not-set]",
             gw.delete_gateway_response, lambda s: dict(restApiId=s.api, responseType="DEFAULT_4XX"),
             NF, "Gateway response type not defined on api"),
            (API + "TestApiGatewayGatewayResponse::test_gateway_response_validation "
                   "[get-gateway-response-wrong-response-type]",
             gw.get_gateway_response, lambda s: dict(restApiId=s.api, responseType="FAKE_RESPONSE_TYPE"),
             VE, "1 validation error detected: Value 'FAKE_RESPONSE_TYPE' at 'responseType' failed to satisfy "
                 "constraint: Member must satisfy enum value set: " + GR_TYPES),
            (API + "TestApiGatewayGatewayResponse::test_update_gateway_response [update-gateway-add-status-code]",
             gw.update_gateway_response, lambda s: dict(restApiId=s.api, responseType="DEFAULT_4XX", patchOperations=[
                 {"op": "add", "path": "/statusCode", "value": "444"}]), BR, "Invalid patch path /statusCode"),
            (API + "TestApiGatewayGatewayResponse::test_update_gateway_response [update-gateway-remove-status-code]",
             gw.update_gateway_response, lambda s: dict(restApiId=s.api, responseType="DEFAULT_4XX", patchOperations=[
                 {"op": "remove", "path": "/statusCode"}]), BR, "Invalid patch path /statusCode"),
            (API + "TestApiGatewayGatewayResponse::test_update_gateway_response "
                   "[update-gateway-replace-invalid-parameter]",
             gw.update_gateway_response, lambda s: dict(restApiId=s.api, responseType="DEFAULT_5XX", patchOperations=[
                 replace("/responseParameters/gatewayresponse.header.Access-Control-Allow-Origin", "'example.com'")]),
             NF, "Invalid parameter name specified"),
            (API + "TestApiGatewayGatewayResponse::test_update_gateway_response [update-gateway-no-path]",
             gw.update_gateway_response, lambda s: dict(restApiId=s.api, responseType="DEFAULT_4XX", patchOperations=[
                 {"op": "add", "value": "'example.com'"}]), BR, "Invalid patch path null"),
            (API + "TestApiGatewayGatewayResponse::test_update_gateway_response [update-gateway-wrong-op]",
             gw.update_gateway_response, lambda s: dict(restApiId=s.api, responseType="DEFAULT_4XX", patchOperations=[
                 {"op": "wrong-op", "path": "/statusCode", "value": "'example.com'"}]),
             VE, "1 validation error detected: " + op_error(1, "wrong-op", "updateGatewayResponseInput")),
            (API + "TestApiGatewayGatewayResponse::test_update_gateway_response [update-gateway-wrong-path]",
             gw.update_gateway_response, lambda s: dict(restApiId=s.api, responseType="DEFAULT_4XX", patchOperations=[
                 {"op": "add", "path": "/wrongPath", "value": "'example.com'"}]), BR, "Invalid patch path /wrongPath"),
            # VPC links
            (API + "TestApiGatewayVpcLink::test_create_vpc_link_invalid_parameters [create_vpc_link_invalid_target_arn]",
             gw.create_vpc_link, lambda s: dict(name="x", targetArns=["invalid-arn"]),
             BR, "Invalid ARN. ARN is not well formed invalid-arn"),
            (API + "TestApiGatewayVpcLink::test_create_vpc_link_invalid_parameters [create_vpc_link_empty_name]",
             gw.create_vpc_link, lambda s: dict(name="", targetArns=[
                 "arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/net/x/1"]),
             BR, "Name cannot be empty"),
            (API + "TestApiGatewayVpcLink::test_get_vpc_link_invalid_id [get_vpc_link_invalid_id]",
             gw.get_vpc_link, lambda s: dict(vpcLinkId="nope"), NF, "Invalid Vpc Link identifier specified"),
            (API + "TestApiGatewayVpcLink::test_delete_vpc_link_invalid_id [delete_vpc_link_invalid_id]",
             gw.delete_vpc_link, lambda s: dict(vpcLinkId="nope"), NF, "Invalid Vpc Link identifier specified"),
        ]
        self.check_rows(rows)
        # the refusals changed nothing in the fixture
        self.assertEqual(sorted(r["path"] for r in gw.get_resources(restApiId=self.api)["items"]), ["/", "/pets"])
        self.assertNotIn("operationName", gw.get_method(restApiId=self.api, resourceId=self.root, httpMethod="ANY"))

    def test_patch_op_enum_is_counted(self):
        """Every op outside AWS's six is one numbered error (patchOperations.N, 1-based)."""
        gw = self.gw
        w = {"op": "wrong", "path": "/endpointConfiguration/ipAddressType", "value": "x"}
        # API + TestApiGatewayApiRestApi::test_update_rest_api_concatenation_of_errors
        #   [update-rest-api-wrong-operations-on-type-and-on-ip-address-type]
        self.assertEqual(self.err(gw.update_rest_api, restApiId=self.api, patchOperations=[w, w, w]), (
            400, VE, "3 validation errors detected: " + "; ".join(
                op_error(i, "wrong", "updateRestApiInput") for i in (1, 2, 3))))
        # API + TestApigatewayMethodResponse::test_update_method_response_wrong_operations
        #   [update-method-response-wrong-operation-4]
        w = {"op": "wrong_op", "path": "/responseParameters/method.response.header.my-header", "value": "true"}
        self.assertEqual(self.err(gw.update_method_response, restApiId=self.api, resourceId=self.root,
                                  httpMethod="GET", statusCode="200", patchOperations=[w, w, w, w]),
                         (400, VE, "4 validation errors detected: " + "; ".join(op_error(i) for i in (1, 2, 3, 4))))

    # --- REST APIs -------------------------------------------------------------------

    def test_rest_api_members(self):
        gw = self.gw
        # API + TestApiGatewayApiRestApi::test_list_and_delete_apis [create-rest-api-1]: no tags member, ipv4
        st, created = self.raw("POST", "/restapis", {"name": "members", "description": "this is my api"})
        self.assertEqual(st, 201)
        self.assertNotIn("tags", created)
        self.assertEqual(created["endpointConfiguration"], {"types": ["EDGE"], "ipAddressType": "ipv4"})
        self.assertEqual((created["apiKeySource"], created["disableExecuteApiEndpoint"]), ("HEADER", False))
        # [get-rest-api-before-delete]: listed without tags either
        st, listed = self.raw("GET", "/restapis")
        mine = [i for i in listed["item"] if i["id"] == created["id"]][0]
        self.assertNotIn("tags", mine)
        # API + ...::test_create_rest_api_with_optional_params [create-with-empty-binary-media]
        st, out = self.raw("POST", "/restapis", {"name": "x", "binaryMediaTypes": []})
        self.assertNotIn("binaryMediaTypes", out)
        # API + ...::test_create_rest_api_with_tags [create-rest-api-w-tags]
        st, out = self.raw("POST", "/restapis", {"name": "x", "tags": {"MY_TAG1": "MY_VALUE1"}})
        self.assertEqual(out["tags"], {"MY_TAG1": "MY_VALUE1"})
        # API + ...::test_create_rest_api_verify_defaults: the endpoint type decides the IP address type
        for types, ip in ((["EDGE"], "ipv4"), (["REGIONAL"], "ipv4"), (["PRIVATE"], "dualstack")):
            st, out = self.raw("POST", "/restapis", {"name": "d", "endpointConfiguration": {"types": types}})
            self.assertEqual((st, out["endpointConfiguration"]), (201, {"types": types, "ipAddressType": ip}))
        st, out = self.raw("POST", "/restapis", {"name": "d", "endpointConfiguration": {}})
        self.assertEqual(out["endpointConfiguration"], {"types": ["EDGE"], "ipAddressType": "ipv4"})
        # [create-with-endpoint-config-dualstack]
        st, out = self.raw("POST", "/restapis", {"name": "d", "endpointConfiguration": {
            "types": ["EDGE"], "ipAddressType": "dualstack"}})
        self.assertEqual(out["endpointConfiguration"], {"types": ["EDGE"], "ipAddressType": "dualstack"})
        ip_err = ("Value 'wrong' at 'createRestApiInput.endpointConfiguration.ipAddressType' failed to satisfy "
                  "constraint: Member must satisfy enum value set: [ipv4, dualstack]")
        types_err = ("Value '[wrong]' at 'createRestApiInput.endpointConfiguration.types' failed to satisfy "
                     "constraint: Member must satisfy constraint: [Member must satisfy enum value set: "
                     "[PRIVATE, EDGE, REGIONAL]]")
        for src, body, status, code, msg in (
                ("[create-with-invalid-ip-address-type]", {"types": ["EDGE"], "ipAddressType": "wrong"}, 400, VE,
                 "1 validation error detected: " + ip_err),
                ("[create-with-invalid-types-and-ip-address-type]", {"types": ["wrong"], "ipAddressType": "wrong"},
                 400, VE, "2 validation errors detected: %s; %s" % (types_err, ip_err)),
                ("test_create_rest_api_private_type [create-with-private-type-and-ipv4-ip-address-type]",
                 {"types": ["PRIVATE"], "ipAddressType": "ipv4"}, 400, BR,
                 "Only dualstack ipAddressType is supported for Private APIs."),
                ("test_create_rest_api_verify_defaults [create-with-empty-ip-address-type-and-wrong-type]",
                 {"types": ["wrong"], "ipAddressType": ""}, 400, VE, "1 validation error detected: " + types_err)):
            with self.subTest(src=src):
                st, out = self.raw("POST", "/restapis", {"name": "e", "endpointConfiguration": body})
                self.assertEqual((st, out.get("message") or out.get("Message")), (status, msg))
        # [create-with-multiple-errors-1]: AWS's validation comes before the description check
        st, out = self.raw("POST", "/restapis", {"name": "e", "description": "", "endpointConfiguration": {
            "types": ["wrong"], "ipAddressType": "wrong"}})
        self.assertEqual((st, out.get("message") or out.get("Message")),
                         (400, "2 validation errors detected: %s; %s" % (types_err, ip_err)))
        # test_create_rest_api_private_type [...-and-empty-description]: the description before the private rule
        st, out = self.raw("POST", "/restapis", {"name": "e", "description": "", "endpointConfiguration": {
            "types": ["PRIVATE"], "ipAddressType": "ipv4"}})
        self.assertEqual((st, out["message"]), (400, "Description cannot be an empty string"))
        names = [i["name"] for i in gw.get_rest_apis()["items"]]
        self.assertNotIn("e", names)   # nothing refused was made

    def test_update_rest_api(self):
        gw = self.gw
        api, _ = self.new_api(name="upd", description="this is my api")
        up = lambda *ops: gw.update_rest_api(restApiId=api, patchOperations=list(ops))  # noqa: E731
        # API + TestApiGatewayApiRestApi::test_update_rest_api_operation_add_remove
        out = up({"op": "add", "path": "/binaryMediaTypes/image~1png"}, {"op": "add", "path": "/binaryMediaTypes/image~1jpeg"})
        self.assertEqual(out["binaryMediaTypes"], ["image/png", "image/jpeg"])          # [update-rest-api-add]
        out = up(replace("/binaryMediaTypes/image~1png", "image/gif"))
        self.assertEqual(out["binaryMediaTypes"], ["image/jpeg", "image/gif"])          # [update-rest-api-replace]
        out = up({"op": "remove", "path": "/binaryMediaTypes/image~1gif"}, {"op": "remove", "path": "/description"})
        self.assertEqual(out["binaryMediaTypes"], ["image/jpeg"])                       # [update-rest-api-remove]
        self.assertNotIn("description", out)
        self.assertEqual(out["tags"], {})   # an update shows the (empty) tags
        # API + TestApiGatewayApiRestApi::test_update_rest_api_compression
        self.assertEqual(up(replace("/minimumCompressionSize", "10"))["minimumCompressionSize"], 10)
        self.assertNotIn("minimumCompressionSize", up(replace("/minimumCompressionSize", "")))   # [disable-compression]
        self.assertEqual(up(replace("/minimumCompressionSize", "0"))["minimumCompressionSize"], 0)
        bad = "Invalid minimum compression size, must be between 0 and 10485760"
        for value in ("-1", "test"):   # [set-negative-compression], [set-string-compression]
            self.assertEqual(self.err(gw.update_rest_api, restApiId=api, patchOperations=[
                replace("/minimumCompressionSize", value)]), (400, BR, bad))
        self.assertEqual(self.err(gw.update_rest_api, restApiId=api, patchOperations=[   # [unsupported-operation]
            {"op": "add", "path": "/minimumCompressionSize", "value": "10"}]),
            (400, BR, "Invalid patch operation specified. Must be one of: [replace]"))
        self.assertEqual(gw.get_rest_api(restApiId=api)["minimumCompressionSize"], 0)
        # API + TestApiGatewayApiRestApi::test_update_rest_api_behaviour
        api2, _ = self.new_api(name="upd2")
        out = gw.update_rest_api(restApiId=api2, patchOperations=[
            {"op": "add", "path": "/binaryMediaTypes/-", "value": "image/png"}])
        self.assertEqual(out["binaryMediaTypes"], ["-"])                                # [update-rest-api-array]
        for op in ("add", "replace", "remove"):   # [update-rest-api-{add,replace,remove}-base-path]
            o = {"op": op, "path": "/binaryMediaTypes"}
            if op != "remove":
                o["value"] = "image/gif"
            self.assertEqual(self.err(gw.update_rest_api, restApiId=api2, patchOperations=[o]),
                             (400, BR, "Invalid patch path /binaryMediaTypes"))

    def test_update_rest_api_ip_address_type(self):
        # API + TestApiGatewayApiRestApi::test_update_rest_api_ip_address_type
        st, api = self.raw("POST", "/restapis", {"name": "ip", "endpointConfiguration": {"types": ["REGIONAL"]}})
        path = "/restapis/%s" % api["id"]
        patch = lambda *ops: self.raw("PATCH", path, {"patchOperations": list(ops)})  # noqa: E731
        st, out = patch(replace("/endpointConfiguration/types/REGIONAL", "PRIVATE"))   # [update-rest-api-replace-type]
        self.assertEqual((st, out["endpointConfiguration"]), (200, {"types": ["PRIVATE"], "ipAddressType": "dualstack"}))
        for src, op, msg in (
                ("[update-rest-api-replace-to-ipv4-within-private-type]",
                 replace("/endpointConfiguration/ipAddressType", "ipv4"),
                 "Only dualstack ipAddressType is supported for Private APIs."),
                ("[update-rest-api-wrong-ipAddressType]", replace("/endpointConfiguration/ipAddressType", "wrong"),
                 "ipAddressType must be either ipv4 or dualstack."),
                ("[update-rest-api-wrong-type]", replace("/endpointConfiguration/types/PRIVATE", "wrong"),
                 "Invalid EndpointTypes specified. Valid options are REGIONAL,EDGE,PRIVATE"),
                ("[update-rest-api-invalid-operation-on-ipAddressType]",
                 {"op": "add", "path": "/endpointConfiguration/ipAddressType", "value": "ipv4"},
                 "Invalid patch operation specified. Must be one of: [replace]"),
                ("[update-rest-api-invalid-operation-on-type]",
                 {"op": "move", "path": "/endpointConfiguration/types/PRIVATE", "from": "/x"},
                 "Invalid patch operation specified. Must be 'add'|'remove'|'replace'")):
            with self.subTest(src=src):
                st, out = patch(op)
                self.assertEqual((st, out["message"]), (400, msg))
        st, out = patch(replace("/endpointConfiguration/ipAddressType", "dualstack"))   # [...-replace-ip-address-type]
        self.assertEqual((st, out["endpointConfiguration"]), (200, {"types": ["PRIVATE"], "ipAddressType": "dualstack"}))

    # --- resources ----------------------------------------------------------------------

    def test_resource_moves(self):
        """API + TestApiGatewayApiResource::test_update_resource_behaviour and test_resource_lifecycle."""
        gw = self.gw
        api, root = self.new_api(name="moves")
        upd = lambda rid, *ops: gw.update_resource(restApiId=api, resourceId=rid, patchOperations=list(ops))  # noqa
        pets = gw.create_resource(restApiId=api, parentId=root, pathPart="pets")["id"]
        sub = gw.create_resource(restApiId=api, parentId=pets, pathPart="subpets")
        self.assertEqual(sub["path"], "/pets/subpets")                                  # [create-subresource]
        child = gw.create_resource(restApiId=api, parentId=sub["id"], pathPart="pets")["id"]
        conflict = (409, CF, "Another resource with the same parent already has this name: pets")
        self.assertEqual(self.err(gw.update_resource, restApiId=api, resourceId=child,   # [existing-future-sibling-path]
                                  patchOperations=[replace("/parentId", root)]), conflict)
        gw.delete_resource(restApiId=api, resourceId=child)
        self.assertEqual(self.err(gw.update_resource, restApiId=api, resourceId=pets,   # [update-parent-id-to-subresource-id]
                                  patchOperations=[replace("/parentId", sub["id"])]),
                         (400, BR, "Resources cannot be cyclical."))
        moved = upd(sub["id"], replace("/parentId", root))                            # [update-parent-id-to-root-id]
        self.assertEqual((moved["parentId"], moved["path"], moved["pathPart"]), (root, "/subpets", "subpets"))
        self.assertEqual(self.err(gw.update_resource, restApiId=api, resourceId=sub["id"],   # [update-path-already-exists]
                                  patchOperations=[replace("/pathPart", "pets")]), conflict)
        gw.delete_resource(restApiId=api, resourceId=pets)                             # [resources-after-deletion]
        self.assertEqual(sorted(r["path"] for r in gw.get_resources(restApiId=api)["items"]), ["/", "/subpets"])
        # test_resource_lifecycle [update-path-part]: a rename moves the paths below it too
        deep = gw.create_resource(restApiId=api, parentId=sub["id"], pathPart="deep")["id"]
        renamed = upd(sub["id"], replace("/pathPart", "dogs"))
        self.assertEqual((renamed["path"], renamed["pathPart"]), ("/dogs", "dogs"))
        self.assertEqual(gw.get_resource(restApiId=api, resourceId=deep)["path"], "/dogs/deep")
        # test_delete_resource [delete-subresource]: a resource deleted with its parent is gone
        gw.delete_resource(restApiId=api, resourceId=sub["id"])
        self.assertEqual(self.err(gw.delete_resource, restApiId=api, resourceId=deep),
                         (404, NF, "Invalid Resource identifier specified"))

    def test_proxy_resources(self):
        """API + TestApiGatewayApiResource::test_create_proxy_resource(_validation)."""
        gw = self.gw
        api, root = self.new_api(name="proxy")
        mk = lambda parent, part: gw.create_resource(restApiId=api, parentId=parent, pathPart=part)  # noqa: E731
        proxy = mk(root, "{proxy+}")
        self.assertEqual((proxy["path"], proxy["pathPart"]), ("/{proxy+}", "{proxy+}"))  # [create-base-proxy-resource]
        self.assertEqual(self.err(gw.create_resource, restApiId=api, parentId=root, pathPart="{dynamic}"), (
            400, BR, "A sibling ({proxy+}) of this resource already has a variable path part -- only one is allowed"))
        greedy = (400, BR, "Cannot create a child of a resource with a greedy path variable: {proxy+}")
        for part in ("child", "{child}"):   # [create-proxy-static-child-resource], [...-dynamic-child-resource]
            self.assertEqual(self.err(gw.create_resource, restApiId=api, parentId=proxy["id"], pathPart=part), greedy)
        parent = mk(root, "parent")["id"]   # a static sibling of {proxy+} is fine
        pchild = mk(parent, "{proxy+}")["id"]
        self.assertEqual(mk(parent, "child")["path"], "/parent/child")   # [create-proxy-sibling-static-child-resource]
        gw.delete_resource(restApiId=api, resourceId=pchild)
        dyn = mk(parent, "{child}")                                       # [create-proxy-sibling-dynamic-child-resource]
        self.assertEqual(mk(dyn["id"], "{proxy+}")["path"], "/parent/{child}/{proxy+}")
        self.assertEqual(mk(mk(root, "other")["id"], "{child+}")["path"], "/other/{child+}")   # [create-greedy-child-resource]

    # --- methods and models ----------------------------------------------------------------

    def test_update_method(self):
        """API + TestApiGatewayApiMethod::test_update_method and test_update_method_validation."""
        gw = self.gw
        api, root = self.new_api(name="um")
        gw.put_method(restApiId=api, resourceId=root, httpMethod="ANY", authorizationType="NONE")
        upd = lambda *ops: gw.update_method(restApiId=api, resourceId=root, httpMethod="ANY",  # noqa: E731
                                            patchOperations=list(ops))
        out = upd({"op": "add", "path": "/requestParameters/method.request.querystring.optional", "value": "true"},
                  {"op": "add", "path": "/requestModels/application~1json", "value": "Empty"})   # [update-method-add]
        self.assertEqual((out["requestParameters"], out["requestModels"]),
                         ({"method.request.querystring.optional": True}, {"application/json": "Empty"}))
        out = upd(replace("/operationName", "ReplacedOperationName"), replace("/apiKeyRequired", "true"),
                  replace("/authorizationType", "AWS_IAM"),
                  replace("/requestParameters/method.request.querystring.optional", "false"))   # [update-method-replace]
        self.assertEqual((out["operationName"], out["apiKeyRequired"], out["authorizationType"],
                          out["requestParameters"]),
                         ("ReplacedOperationName", True, "AWS_IAM", {"method.request.querystring.optional": False}))
        az = gw.create_authorizer(restApiId=api, name="authorizer-test", type="TOKEN", authorizerUri=AUTH_URI,
                                  identitySource="method.request.header.Authorization")["id"]
        out = upd(replace("/authorizerId", az), replace("/authorizationType", "CUSTOM"))
        self.assertEqual((out["authorizationType"], out["authorizerId"]), ("CUSTOM", az))
        out = upd({"op": "remove", "path": "/requestParameters/method.request.querystring.optional", "value": "true"},
                  {"op": "remove", "path": "/requestModels/application~1json", "value": "Empty"})   # [update-method-remove]
        self.assertNotIn("requestParameters", out)
        self.assertNotIn("requestModels", out)
        # test_update_method_validation [wrong-value-type]: anything but "true" is false
        self.assertFalse(upd(replace("/apiKeyRequired", "whatever"))["apiKeyRequired"])
        # [skip-auth-id-with-wrong-type]: a method that is not CUSTOM keeps no authorizer
        upd(replace("/authorizationType", "NONE"))
        out = upd(replace("/authorizerId", "abc123"))
        self.assertNotIn("authorizerId", out)

    def test_models_in_use_and_defaults(self):
        """API + TestApiGatewayApiMethod::test_put_method_model, TestApiGatewayApiModels::test_model_lifecycle,
        test_update_model."""
        gw = self.gw
        api, root = self.new_api(name="models")
        # [get-models]: every new REST API has AWS's two models, Empty and Error
        by = {m["name"]: m for m in gw.get_models(restApiId=api)["items"]}
        self.assertEqual(sorted(by), ["Empty", "Error"])
        self.assertEqual(by["Empty"]["description"], "This is a default empty schema model")
        self.assertEqual(by["Error"]["description"], "This is a default error schema model")
        self.assertEqual(json.loads(by["Empty"]["schema"]), {
            "$schema": "http://json-schema.org/draft-04/schema#", "title": "Empty Schema", "type": "object"})
        self.assertEqual(json.loads(by["Error"]["schema"])["properties"], {"message": {"type": "string"}})
        # [create-model]: an empty description is not kept
        one = gw.create_model(restApiId=api, name="MySchema", contentType="application/json", description="",
                              schema=json.dumps({"title": "MySchema", "type": "object"}))
        self.assertNotIn("description", one)
        gw.create_model(restApiId=api, name="MySchemaTwo", contentType="application/json", description="",
                        schema=json.dumps({"title": "MySchemaTwo", "type": "object"}))
        gw.put_method(restApiId=api, resourceId=root, httpMethod="ANY", authorizationType="NONE",
                      requestModels={"application/json": "MySchema"})
        in_use = lambda name, where: (409, CF, "Cannot delete model '%s', is referenced in method request: %s"  # noqa
                                      % (name, where))
        self.assertEqual(self.err(gw.delete_model, restApiId=api, modelName="MySchema"), in_use("MySchema", "//ANY"))
        gw.update_method(restApiId=api, resourceId=root, httpMethod="ANY", patchOperations=[
            replace("/requestModels/application~1json", "MySchemaTwo")])
        gw.delete_model(restApiId=api, modelName="MySchema")                           # [delete-model-unused]
        self.assertEqual(self.err(gw.delete_model, restApiId=api, modelName="MySchemaTwo"),
                         in_use("MySchemaTwo", "//ANY"))
        test = gw.create_resource(restApiId=api, parentId=root, pathPart="test")["id"]
        gw.put_method(restApiId=api, resourceId=test, httpMethod="ANY", authorizationType="NONE",
                      requestModels={"application/json": "MySchemaTwo"})
        gw.delete_method(restApiId=api, resourceId=root, httpMethod="ANY")
        self.assertEqual(self.err(gw.delete_model, restApiId=api, modelName="MySchemaTwo"),
                         in_use("MySchemaTwo", "/test/ANY"))
        gw.delete_method(restApiId=api, resourceId=test, httpMethod="ANY")
        self.assertEqual(gw.delete_model(restApiId=api, modelName="MySchemaTwo")["ResponseMetadata"]["HTTPStatusCode"],
                         202)                                                          # [delete-model-unused-2]
        # test_update_model [update-model]: replacing the description with "" removes it
        gw.create_model(restApiId=api, name="U", contentType="application/json", description="d",
                        schema='{"type": "object"}')
        out = gw.update_model(restApiId=api, modelName="U", patchOperations=[
            replace("/schema", json.dumps({"title": "Updated schema", "type": "object"})), replace("/description", "")])
        self.assertNotIn("description", out)
        self.assertEqual(json.loads(out["schema"])["title"], "Updated schema")

    def test_request_validator_update_without_value(self):
        """API + TestApiGatewayApiRequestValidator::test_request_validator_lifecycle."""
        gw = self.gw
        v = gw.create_request_validator(restApiId=self.api, name="lifecycle")
        self.assertEqual((v["validateRequestBody"], v["validateRequestParameters"]), (False, False))
        ids = dict(restApiId=self.api, requestValidatorId=v["id"])
        self.assertTrue(gw.update_request_validator(patchOperations=[replace("/validateRequestBody", "true")],
                                                    **ids)["validateRequestBody"])
        out = gw.update_request_validator(patchOperations=[replace("/validateRequestBody")], **ids)
        self.assertIs(out["validateRequestBody"], False)   # [update-request-validator-without-value]
        self.assertIs(gw.get_request_validator(**ids)["validateRequestBody"], False)

    # --- method and integration responses -------------------------------------------------------

    def test_method_response_lifecycle(self):
        """API + TestApigatewayMethodResponse::test_update_method_response and test_lifecycle_method_response."""
        gw = self.gw
        api, root = self.new_api(name="mr")
        gw.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
        ids = dict(restApiId=api, resourceId=root, httpMethod="GET", statusCode="200")
        put = gw.put_method_response(responseParameters={}, responseModels={}, **ids)   # [put-method-response]
        self.assertEqual((put["responseParameters"], put["responseModels"]), ({}, {}))
        # test_update_method_lack_response_parameters_and_models: nothing to remove
        self.assertEqual(self.err(gw.update_method_response, patchOperations=[
            {"op": "remove", "path": "/responseParameters/method.response.header.my-header"}], **ids),
            (404, NF, "Invalid parameter name specified"))
        self.assertEqual(self.err(gw.update_method_response, patchOperations=[
            {"op": "remove", "path": "/responseModels/application~1json"}], **ids),
            (404, NF, "Content-Type specified was not found"))
        added = gw.update_method_response(patchOperations=[
            {"op": "add", "path": "/responseParameters/method.response.header.my-header", "value": "true"},
            {"op": "add", "path": "/responseModels/application~1json", "value": "Empty"}], **ids)
        self.assertEqual(added["ResponseMetadata"]["HTTPStatusCode"], 201)   # AWS answers 201 here
        self.assertEqual((added["responseParameters"], added["responseModels"]),
                         ({"method.response.header.my-header": True}, {"application/json": "Empty"}))
        removed = gw.update_method_response(patchOperations=[
            {"op": "remove", "path": "/responseParameters/method.response.header.my-header", "value": "true"},
            {"op": "remove", "path": "/responseModels/application~1json", "value": "Empty"}], **ids)
        self.assertNotIn("responseParameters", removed)   # [remove-update-method-response]
        self.assertNotIn("responseModels", removed)

    def test_integration_response_members(self):
        """API + TestApigatewayIntegrationResponse::test_lifecycle_integration_response and
        TestApigatewayIntegration::test_put_integration_response_templates."""
        gw = self.gw
        api, root = self.new_api(name="ir")
        gw.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
        integ = gw.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK",
                                   requestTemplates={"application/json": '{"statusCode": 200}'})
        self.assertNotIn("connectionType", integ)   # [get-method]: a MOCK integration shows no connection type
        self.assertEqual((integ["passthroughBehavior"], integ["timeoutInMillis"], integ["cacheKeyParameters"]),
                         ("WHEN_NO_MATCH", 29000, []))
        ids = dict(restApiId=api, resourceId=root, httpMethod="GET", statusCode="200")
        # [put-integration-response-template-empty]: an empty template is stored as null
        st, out = self.raw("PUT", "/restapis/%s/resources/%s/methods/GET/integration/responses/200" % (api, root),
                           {"selectionPattern": "", "responseTemplates": {"application/json": ""}})
        self.assertEqual((st, out["responseTemplates"]), (201, {"application/json": None}))
        out = gw.put_integration_response(selectionPattern="", **ids)                  # [put-integration-no-response-template]
        self.assertNotIn("responseTemplates", out)
        self.assertEqual(out["selectionPattern"], "")
        gw.put_integration_response(responseTemplates={"application/json": '"created"'}, selectionPattern="", **ids)
        out = gw.update_integration_response(patchOperations=[replace("/selectionPattern", "updated-pattern")], **ids)
        self.assertEqual(out["selectionPattern"], "updated-pattern")
        self.assertEqual(gw.delete_integration_response(**ids)["ResponseMetadata"]["HTTPStatusCode"], 204)
        # test_create_integration_with_vpc_link: an HTTP integration shows its connection
        gw.put_method(restApiId=api, resourceId=root, httpMethod="PUT", authorizationType="NONE")
        vl = gw.put_integration(restApiId=api, resourceId=root, httpMethod="PUT", type="HTTP_PROXY",
                                integrationHttpMethod="GET", uri="http://nlb.example.com",
                                connectionType="VPC_LINK", connectionId="${stageVariables.vpcLinkId}")
        self.assertEqual((vl["connectionType"], vl["connectionId"]), ("VPC_LINK", "${stageVariables.vpcLinkId}"))

    # --- gateway responses --------------------------------------------------------------------------

    def test_gateway_response_defaults_and_inheritance(self):
        """API + TestApiGatewayGatewayResponse::test_gateway_response_put and test_update_gateway_response."""
        gw = self.gw
        api, _ = self.new_api(name="gr")
        # [put-gateway-response-status-only]: the default template stays
        out = gw.put_gateway_response(restApiId=api, responseType="MISSING_AUTHENTICATION_TOKEN", statusCode="404")
        self.assertEqual((out["statusCode"], out["responseTemplates"], out["defaultResponse"]),
                         ("404", DEFAULT_TEMPLATE, False))
        # [put-gateway-response-response-parameters-only]: the type's own status and the default template
        out = gw.put_gateway_response(restApiId=api, responseType="MISSING_AUTHENTICATION_TOKEN", responseParameters={
            "gatewayresponse.header.x-request-header": "method.request.header.Accept"})
        self.assertEqual((out["statusCode"], out["responseTemplates"]), ("403", DEFAULT_TEMPLATE))
        # [put-gateway-response-default-5xx] then [get-gateway-responses]: untouched 5XX types show DEFAULT_5XX's
        five = {"gatewayresponse.header.x-request-header": "method.request.header.Accept"}
        gw.put_gateway_response(restApiId=api, responseType="DEFAULT_5XX", statusCode="599", responseParameters=five,
                                responseTemplates={"application/json": '{"m": 1}'})
        gw.put_gateway_response(restApiId=api, responseType="AUTHORIZER_FAILURE",
                                responseParameters={"gatewayresponse.header.foo": "'bar'"})
        by = {i["responseType"]: i for i in gw.get_gateway_responses(restApiId=api)["items"]}
        for t in ("API_CONFIGURATION_ERROR", "AUTHORIZER_CONFIGURATION_ERROR", "INTEGRATION_FAILURE",
                  "INTEGRATION_TIMEOUT"):
            with self.subTest(type=t):
                self.assertEqual((by[t]["statusCode"], by[t]["responseParameters"], by[t]["defaultResponse"]),
                                 ("599", five, True))
        self.assertEqual((by["AUTHORIZER_FAILURE"]["statusCode"], by["AUTHORIZER_FAILURE"]["responseTemplates"],
                          by["AUTHORIZER_FAILURE"]["defaultResponse"]), ("500", DEFAULT_TEMPLATE, False))
        self.assertEqual((by["THROTTLED"]["statusCode"], by["THROTTLED"]["defaultResponse"]), ("429", True))
        # test_update_gateway_response [update-gateway-replace-invalid-parameter-N-none]
        gw.update_gateway_response(restApiId=api, responseType="DEFAULT_4XX", patchOperations=[
            {"op": "add", "path": "/responseTemplates/application~1xml", "value": "<m/>"},
            {"op": "add", "path": "/responseParameters/gatewayresponse.header.x", "value": "'y'"}])
        for path, member in (("/responseTemplates/application~1xml", "responseTemplates"),
                             ("/responseParameters/gatewayresponse.header.x", "responseParameters")):
            st, out = self.raw("PATCH", "/restapis/%s/gatewayresponses/DEFAULT_4XX" % api,
                               {"patchOperations": [{"op": "replace", "path": path, "value": None}]})
            self.assertEqual((st, out["message"]), (400, "Invalid null or empty value in %s" % member))

    # --- stages and VPC links -----------------------------------------------------------------------------

    def test_stages_by_deployment(self):
        """API + TestApiGatewayStage::test_get_stages_filters_by_deployment_id."""
        gw = self.gw
        api, root = self.new_api(name="stages")
        gw.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
        gw.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK")
        d1 = gw.create_deployment(restApiId=api)["id"]
        d2 = gw.create_deployment(restApiId=api)["id"]
        s1 = gw.create_stage(restApiId=api, stageName="stage1", deploymentId=d1)
        gw.create_stage(restApiId=api, stageName="stage2", deploymentId=d2)
        self.assertEqual(s1["cacheClusterStatus"], "NOT_AVAILABLE")
        self.assertNotIn("variables", s1)
        self.assertEqual(sorted(s["stageName"] for s in gw.get_stages(restApiId=api)["item"]), ["stage1", "stage2"])
        for dep, name in ((d1, "stage1"), (d2, "stage2")):   # [stages-deploy1], [stages-deploy2]
            self.assertEqual([s["stageName"] for s in gw.get_stages(restApiId=api, deploymentId=dep)["item"]], [name])
        # test_apigateway_canary.py::...::test_update_stage_canary_deployment_validation
        #   [update-stage-canary-settings-replace-bad-path]: a replace names one of AWS's setting paths
        ok = gw.update_stage(restApiId=api, stageName="stage1", patchOperations=[
            replace("/*/*/throttling/rateLimit", "10"), replace("/~1/GET/metrics/enabled", "true"),
            replace("/variables/v", "1"), replace("/tracingEnabled", "true")])
        self.assertEqual((ok["methodSettings"]["*/*"]["throttlingRateLimit"], ok["variables"], ok["tracingEnabled"]),
                         (10.0, {"v": "1"}, True))
        status, code, msg = self.err(gw.update_stage, restApiId=api, stageName="stage1",
                                     patchOperations=[replace("/badPath", "x")])
        self.assertEqual((status, code), (400, BR))
        self.assertTrue(msg.startswith("Invalid method setting path: /badPath. Must be one of: [/deploymentId,"), msg)

    def test_vpc_link_lifecycle(self):
        """API + TestApiGatewayVpcLink::test_vpc_link_lifecycle."""
        gw = self.gw
        nlb = "arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/net/ls/0123456789abcdef"
        made = gw.create_vpc_link(name="lifecycle", targetArns=[nlb])
        self.assertEqual((made["status"], made["ResponseMetadata"]["HTTPStatusCode"]), ("PENDING", 202))
        self.assertNotIn("statusMessage", made)
        self.assertNotIn("tags", made)
        got = gw.get_vpc_link(vpcLinkId=made["id"])
        self.assertEqual((got["status"], got["statusMessage"], got["tags"]),
                         ("AVAILABLE", "Your vpc link is ready for use", {}))
        listed = [x for x in gw.get_vpc_links()["items"] if x["id"] == made["id"]][0]
        self.assertNotIn("tags", listed)
        up = gw.update_vpc_link(vpcLinkId=made["id"], patchOperations=[replace("/name", "lifecycle-updated")])
        self.assertEqual((up["name"], up["status"]), ("lifecycle-updated", "AVAILABLE"))
        gw.delete_vpc_link(vpcLinkId=made["id"])
        self.assertEqual(self.err(gw.update_vpc_link, vpcLinkId=made["id"], patchOperations=[replace("/name", "x")]),
                         (404, NF, "Invalid Vpc Link identifier specified"))

    # --- import -----------------------------------------------------------------------------------------

    def test_import_shapes(self):
        """IMP + TestApiGatewayImportRestApi::test_import_swagger_api and test_import_with_circular_models:
        what an imported Swagger definition becomes."""
        gw = self.gw
        sw = {"swagger": "2.0", "info": {"title": "PetStore", "version": "1.0", "description": "pets"},
              "securityDefinitions": {"auth": {
                  "type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "oauth2",
                  "x-amazon-apigateway-authorizer": {"type": "token", "authorizerUri": AUTH_URI,
                                                     "authorizerCredentials": "arn:aws:iam::000000000000:role/r",
                                                     "authorizerResultTtlInSeconds": 60}}},
              "paths": {"/pets": {
                  "get": {"security": [{"auth": []}],
                          "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/Pets"},
                                                "headers": {"Access-Control-Allow-Origin": {"type": "string"}}}},
                          "x-amazon-apigateway-integration": {
                              "type": "http", "httpMethod": "GET", "uri": "http://petstore.example.com/pets",
                              "responses": {"default": {"statusCode": "200"}}}},
                  "post": {"operationId": "CreatePet", "responses": {"200": {"description": "ok"}},
                           "x-amazon-apigateway-integration": {"type": "aws_proxy", "httpMethod": "POST",
                                                               "uri": AUTH_URI}}}},
              "definitions": {"Pets": {"type": "array", "items": {"$ref": "#/definitions/Pet"}},
                              "Pet": {"type": "object", "description": "a pet",
                                      "properties": {"id": {"type": "integer"}}}}}
        st, api = self.raw("POST", "/restapis?mode=import", sw)
        self.assertEqual(st, 201)
        self.assertNotIn("tags", api)                                                   # [import-swagger]
        self.assertEqual(api["endpointConfiguration"], {"types": ["EDGE"], "ipAddressType": "ipv4"})
        self.assertEqual((api["name"], api["version"], api["description"]), ("PetStore", "1.0", "pets"))
        aid = api["id"]
        az = gw.get_authorizers(restApiId=aid)["items"][0]                              # [get-authorizers]
        self.assertEqual((az["authType"], az["authorizerCredentials"], az["authorizerResultTtlInSeconds"]),
                         ("oauth2", "arn:aws:iam::000000000000:role/r", 60))
        models = {m["name"]: m for m in gw.get_models(restApiId=aid)["items"]}          # [get-models]
        self.assertEqual(sorted(models), ["Pet", "Pets"])   # an import makes only the definition's models
        self.assertEqual(json.loads(models["Pets"]["schema"])["items"]["$ref"],
                         "https://apigateway.amazonaws.com/restapis/%s/models/Pet" % aid)
        self.assertEqual(models["Pet"]["description"], "a pet")   # test_import_with_circular_models
        res = {r["path"]: r for r in gw.get_resources(restApiId=aid)["items"]}          # [resources]
        self.assertEqual(res["/pets"]["resourceMethods"], {"GET": {}, "POST": {}})
        self.assertNotIn("resourceMethods", res["/"])
        pets = res["/pets"]["id"]
        get = gw.get_method(restApiId=aid, resourceId=pets, httpMethod="GET")           # [method-pets-get]
        self.assertEqual(get["methodResponses"]["200"], {
            "statusCode": "200", "responseModels": {"application/json": "Pets"},
            "responseParameters": {"method.response.header.Access-Control-Allow-Origin": False}})
        self.assertEqual(get["methodIntegration"]["connectionType"], "INTERNET")
        post = gw.get_method(restApiId=aid, resourceId=pets, httpMethod="POST")         # [method-pets-post]
        self.assertEqual(post["operationName"], "CreatePet")
        self.assertNotIn("connectionType", post["methodIntegration"])   # tf.json [method-root-get]: AWS_PROXY shows none
        self.assertEqual(post["methodResponses"]["200"], {"statusCode": "200"})
        # GetResources?embed=methods still embeds the methods
        emb = {r["path"]: r for r in gw.get_resources(restApiId=aid, embed=["methods"])["items"]}
        self.assertEqual(emb["/pets"]["resourceMethods"]["POST"]["operationName"], "CreatePet")

    def test_import_cognito_authorizer(self):
        """IMP + TestApiGatewayImportRestApi::test_import_with_cognito_auth_identity_source [get-authorizers],
        [method-default-scope-override-get]."""
        gw = self.gw
        pool = "arn:aws:cognito-idp:us-east-1:111111111111:userpool/us-east-1_ABC123"
        sw = {"swagger": "2.0", "info": {"title": "cognito", "version": "1.0"},
              "securityDefinitions": {"pool": {
                  "type": "apiKey", "name": "TestHeaderAuth", "in": "header",
                  "x-amazon-apigateway-authorizer": {"type": "cognito_user_pools", "providerARNs": [pool]}}},
              "paths": {"/pets": {"get": {"security": [{"pool": ["openid"]}], "responses": {"200": {"description": "ok"}},
                                          "x-amazon-apigateway-integration": {
                                              "type": "http_proxy", "httpMethod": "GET", "uri": "http://pets.example.com"}}}}}
        aid = gw.import_rest_api(body=json.dumps(sw).encode())["id"]
        az = gw.get_authorizers(restApiId=aid)["items"][0]
        self.assertEqual((az["type"], az["authType"], az["providerARNs"], az["identitySource"]),
                         ("COGNITO_USER_POOLS", "cognito_user_pools", [pool], "method.request.header.TestHeaderAuth"))
        pets = [r["id"] for r in gw.get_resources(restApiId=aid)["items"] if r["path"] == "/pets"][0]
        m = gw.get_method(restApiId=aid, resourceId=pets, httpMethod="GET")
        self.assertEqual((m["authorizationType"], m["authorizerId"], m["authorizationScopes"]),
                         ("COGNITO_USER_POOLS", az["id"], ["openid"]))

    def test_put_rest_api_binary_media_types(self):
        """IMP + TestApiGatewayImportRestApi::test_put_rest_api_mode_binary_media_types[merge|overwrite] [put-api]."""
        gw = self.gw
        sw = {"swagger": "2.0", "info": {"title": "bin", "version": "1.0.0"},
              "x-amazon-apigateway-binary-media-types": ["image/png", "image/jpg"],
              "paths": {"/": {"get": {"responses": {"200": {"description": "ok"}},
                                      "x-amazon-apigateway-integration": {"type": "mock"}}}}}
        for mode, want in (("merge", ["image/heif", "image/png", "image/jpg"]), ("overwrite", ["image/png", "image/jpg"])):
            with self.subTest(mode=mode):
                aid = gw.create_rest_api(name="bin-" + mode, binaryMediaTypes=["image/heif"])["id"]
                out = gw.put_rest_api(restApiId=aid, mode=mode, body=json.dumps(sw).encode())
                self.assertEqual((out["binaryMediaTypes"], out["name"], out["version"], out["tags"]),
                                 (want, "bin", "1.0.0", {}))

    def test_export_shapes(self):
        """test_apigateway_extended.py::test_export_swagger_openapi / test_export_oas30_openapi
        [TEST_IMPORT_PETS] [get-export], [get-export-with-extensions]."""
        gw = self.gw
        sw = {"swagger": "2.0", "info": {"title": "Simple PetStore (Swagger)", "version": "1.0.0"},
              "paths": {"/pets": {"get": {
                  "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/Pet"},
                                        "headers": {"Access-Control-Allow-Origin": {"type": "string"}}}},
                  "x-amazon-apigateway-integration": {"type": "http", "httpMethod": "GET",
                                                      "uri": "http://petstore.example.com/pets",
                                                      "responses": {"default": {"statusCode": "200"}}}}},
                  "/pets/{petId}": {"get": {
                      "parameters": [{"name": "petId", "in": "path", "required": True, "type": "string"}],
                      "responses": {"200": {"description": "ok"}},
                      "x-amazon-apigateway-integration": {"type": "http", "httpMethod": "GET",
                                                          "uri": "http://petstore.example.com/pets/{id}",
                                                          "responses": {"default": {"statusCode": "200"}}}}}},
              "definitions": {"Pet": {"type": "object"}}}
        aid = gw.import_rest_api(body=json.dumps(sw).encode())["id"]
        gw.create_deployment(restApiId=aid, stageName="local")
        out = gw.get_export(restApiId=aid, stageName="local", exportType="oas30")
        self.assertEqual((out["contentType"], out["contentDisposition"]),
                         ("application/octet-stream", 'attachment; filename="oas30_1.0.0.json"'))
        d = json.loads(out["body"].read())
        self.assertEqual(d["servers"][0]["variables"]["basePath"]["default"], "local")
        self.assertEqual(d["paths"]["/pets/{petId}"]["get"]["responses"]["200"], {"description": "200 response",
                                                                                  "content": {}})
        self.assertEqual(d["paths"]["/pets"]["get"]["responses"]["200"], {
            "description": "200 response",
            "headers": {"Access-Control-Allow-Origin": {"schema": {"type": "string"}}},
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}})
        d = json.loads(gw.get_export(restApiId=aid, stageName="local", exportType="swagger",
                                     parameters={"extensions": "apigateway"})["body"].read())
        self.assertEqual(d["paths"]["/pets"]["get"]["responses"]["200"], {
            "description": "200 response", "schema": {"$ref": "#/definitions/Pet"},
            "headers": {"Access-Control-Allow-Origin": {"type": "string"}}})
        # [get-export]: Swagger lists what a method gives (its response models) and takes
        self.assertEqual(d["paths"]["/pets"]["get"]["produces"], ["application/json"])
        self.assertNotIn("consumes", d["paths"]["/pets"]["get"])
        self.assertNotIn("produces", d["paths"]["/pets/{petId}"]["get"])
        x = d["paths"]["/pets"]["get"]["x-amazon-apigateway-integration"]
        self.assertEqual(x, {"type": "http", "httpMethod": "GET", "uri": "http://petstore.example.com/pets",
                             "passthroughBehavior": "when_no_match", "responses": {"default": {"statusCode": "200"}}})
        self.assertNotIn("x-amazon-apigateway-api-key-source", d)   # HEADER, the default, is not written
        # an API without a version: the export's date names the file (TEST_IMPORT_PETSTORE_SWAGGER)
        bare = gw.create_rest_api(name="bare")["id"]
        root = root_of(gw, bare)
        gw.put_method(restApiId=bare, resourceId=root, httpMethod="GET", authorizationType="NONE")
        gw.put_integration(restApiId=bare, resourceId=root, httpMethod="GET", type="MOCK")
        gw.create_deployment(restApiId=bare, stageName="local")
        gw.put_integration(restApiId=bare, resourceId=root, httpMethod="GET", type="MOCK",
                           requestTemplates={"application/json": '{"statusCode": 200}'})
        gw.put_integration_response(restApiId=bare, resourceId=root, httpMethod="GET", statusCode="200",
                                    responseTemplates={"text/html": "<html/>"})
        gw.create_deployment(restApiId=bare, stageName="local")
        out = gw.get_export(restApiId=bare, stageName="local", exportType="swagger")
        body = json.loads(out["body"].read())
        version = body["info"]["version"]
        # [get-export] "/" GET: a MOCK's request template and its response's text/html template
        self.assertEqual((body["paths"]["/"]["get"]["consumes"], body["paths"]["/"]["get"]["produces"]),
                         (["application/json"], ["text/html"]))
        self.assertRegex(version, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual(out["contentDisposition"], 'attachment; filename="swagger_%s.json"' % version)

    def test_canary_settings(self):
        """test_apigateway_canary.py::TestStageCrudCanary (test_create_update_stages,
        test_create_canary_deployment, test_create_canary_deployment_by_stage_update,
        test_create_canary_deployment_validation, test_update_stage_canary_deployment_validation)."""
        gw = self.gw
        api, root = self.new_api(name="canary")
        gw.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
        gw.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK")
        d1 = gw.create_deployment(restApiId=api)["id"]
        d2 = gw.create_deployment(restApiId=api)["id"]
        st = gw.create_stage(restApiId=api, stageName="dev", deploymentId=d1, description="dev stage",
                             variables={"testVar": "default"}, canarySettings={
                                 "deploymentId": d2, "percentTraffic": 50,
                                 "stageVariableOverrides": {"testVar": "canary"}})
        self.assertEqual(st["canarySettings"], {"deploymentId": d2, "percentTraffic": 50.0, "useStageCache": False,
                                                "stageVariableOverrides": {"testVar": "canary"}})   # [create-stage]
        upd = lambda *ops: gw.update_stage(restApiId=api, stageName="dev", patchOperations=list(ops))  # noqa: E731
        out = upd(replace("/canarySettings/stageVariableOverrides/testVar", "updated"))
        self.assertEqual(out["canarySettings"]["stageVariableOverrides"], {"testVar": "updated"})
        self.assertEqual(out["methodSettings"], {})
        self.assertNotIn("canarySettings", upd({"op": "remove", "path": "/canarySettings"}))   # [...-remove-canary-settings]
        self.assertNotIn("canarySettings", gw.get_stage(restApiId=api, stageName="dev"))
        # test_create_canary_deployment_by_stage_update
        out = upd(replace("/canarySettings/deploymentId", d2))                         # [update-stage-with-deployment]
        self.assertEqual(out["canarySettings"], {"deploymentId": d2, "percentTraffic": 0.0, "useStageCache": False})
        upd({"op": "remove", "path": "/canarySettings"})
        out = upd(replace("/canarySettings/percentTraffic", "50"))                     # [update-stage-with-percent]
        self.assertEqual(out["canarySettings"], {"deploymentId": d1, "percentTraffic": 50.0, "useStageCache": False})
        # test_create_canary_deployment [get-stage-1]: the stage keeps its deployment, the new one is the canary's
        d3 = gw.create_deployment(restApiId=api, stageName="dev", canarySettings={
            "percentTraffic": 50, "stageVariableOverrides": {"testVar": "canary2"}})["id"]
        got = gw.get_stage(restApiId=api, stageName="dev")
        self.assertEqual((got["deploymentId"], got["canarySettings"]), (d1, {
            "deploymentId": d3, "percentTraffic": 50.0, "useStageCache": False,
            "stageVariableOverrides": {"testVar": "canary2"}}))
        # test_create_canary_deployment_validation
        self.assertEqual(self.err(gw.create_deployment, restApiId=api, canarySettings={"percentTraffic": 50}), (
            400, BR, "Invalid deployment content specified.Non null and non empty stageName must be provided for "
                     "canary deployment. Provided value is null"))
        self.assertEqual(self.err(gw.create_deployment, restApiId=api, stageName="non-existing",
                                  canarySettings={"percentTraffic": 50}), (
            400, BR, "Invalid deployment content specified.Stage non-existing must already be created before making "
                     "a canary release deployment"))
        # test_update_stage_canary_deployment_validation
        for src, op, msg in (
                ("[update-stage-canary-settings-remove-overrides]",
                 {"op": "remove", "path": "/canarySettings/stageVariableOverrides"},
                 "Cannot remove method setting canarySettings/stageVariableOverrides because there is no method "
                 "setting for this method "),
                ("[update-stage-canary-settings-bad-path]", {"op": "remove", "path": "/canarySettings/badPath"},
                 "Cannot remove method setting canarySettings/badPath because there is no method setting for this "
                 "method "),
                ("[update-stage-add-deployment]", {"op": "add", "path": "/canarySettings/deploymentId", "value": d1},
                 "Invalid add operation with path: /canarySettings/deploymentId")):
            with self.subTest(src=src):
                self.assertEqual(self.err(gw.update_stage, restApiId=api, stageName="dev", patchOperations=[op]),
                                 (400, BR, msg))
        code, status_msg = self.err(gw.update_stage, restApiId=api, stageName="dev", patchOperations=[
            replace("/canarySettings/badPath", "badPath")])[1:]
        self.assertEqual(code, BR)   # [update-stage-canary-settings-replace-bad-path]
        self.assertTrue(status_msg.startswith("Invalid method setting path: /canarySettings/badPath. Must be one of: "
                                              "[/deploymentId, /description, /cacheClusterEnabled,"), status_msg)
        self.assertTrue(status_msg.endswith("/variables/{variable_name}, /tracingEnabled]"), status_msg)

    def test_import_basepath_modes(self):
        """IMP + TestApiGatewayImportRestApi::test_import_rest_apis_with_base_path_swagger[ignore|prepend|split]
        and test_import_rest_api_with_base_path_oas30[split] [get-resources-oas30-srv-url], [...-srv-var]."""
        gw = self.gw
        op = {"get": {"responses": {"200": {"description": "ok"}}, "x-amazon-apigateway-integration": {"type": "mock"}}}
        sw = {"swagger": "2.0", "info": {"title": "bp", "version": "2"}, "basePath": "/base-url/part",
              "paths": {"/test": op}}
        srv_url = {"openapi": "3.0.1", "info": {"title": "bp", "version": "2.0"},
                   "servers": [{"url": "https://example.com/base-url/part"}], "paths": {"/test": op}}
        srv_var = {"openapi": "3.0.1", "info": {"title": "bp", "version": "2.0"},
                   "servers": [{"url": "https://example.com/{basePath}", "variables": {"basePath": {"default": "dev"}}}],
                   "paths": {"/test": op}}
        for body, mode, want in ((sw, "ignore", ["/", "/test"]),
                                 (sw, "prepend", ["/", "/base-url", "/base-url/part", "/base-url/part/test"]),
                                 (sw, "split", ["/", "/part", "/part/test"]),
                                 (srv_url, "split", ["/", "/part", "/part/test"]),
                                 (srv_var, "split", ["/", "/test"]),
                                 (srv_var, "prepend", ["/", "/dev", "/dev/test"])):
            with self.subTest(mode=mode, base=body.get("basePath") or body["servers"][0]["url"]):
                aid = gw.import_rest_api(body=json.dumps(body).encode(), parameters={"basepath": mode})["id"]
                self.assertEqual(sorted(r["path"] for r in gw.get_resources(restApiId=aid)["items"]), want)
                # PutRestApi takes the same mode
                gw.put_rest_api(restApiId=aid, mode="overwrite", body=json.dumps(body).encode(),
                                parameters={"basepath": mode})
                self.assertEqual(sorted(r["path"] for r in gw.get_resources(restApiId=aid)["items"]), want)

    def test_test_invoke_log(self):
        """API + TestApigatewayTestInvoke::test_invoke_test_method [test-invoke-method-get-with-qs],
        [test-invoke-method-post-with-body]: the execution log's lines and forms."""
        gw = self.gw
        api, root = self.new_api(name="ti")
        pets = gw.create_resource(restApiId=api, parentId=root, pathPart="pets")["id"]
        rid = gw.create_resource(restApiId=api, parentId=pets, pathPart="{petId}")["id"]
        for verb in ("GET", "POST"):
            gw.put_method(restApiId=api, resourceId=rid, httpMethod=verb, authorizationType="NONE",
                          requestParameters={"method.request.path.petId": True})
            gw.put_method_response(restApiId=api, resourceId=rid, httpMethod=verb, statusCode="200")
            gw.put_integration(restApiId=api, resourceId=rid, httpMethod=verb, type="MOCK", integrationHttpMethod=verb,
                               requestTemplates={"application/json": json.dumps({"statusCode": 200})})
            gw.put_integration_response(restApiId=api, resourceId=rid, httpMethod=verb, statusCode="200",
                                        responseTemplates={"application/json": json.dumps({"petId": "$input.params('petId')"})})
        out = gw.test_invoke_method(restApiId=api, resourceId=rid, httpMethod="GET",
                                    pathWithQueryString="/pets/123?foo=bar", body="")
        self.assertEqual((out["status"], json.loads(out["body"])), (200, {"petId": "123"}))
        lines = [ln.split(" : ", 1)[1] if " : " in ln else ln for ln in out["log"].split("\n")]
        self.assertEqual(lines[0], "Execution log for request " + lines[1].split(": ")[1])
        self.assertEqual(lines[2:], [
            "HTTP Method: GET, Resource Path: /pets/123", "Method request path: {petId=123}",
            "Method request query string: {foo=bar}", "Method request headers: {}",
            "Method request body before transformations: ",
            'Method response body after transformations: {"petId": "123"}',
            "Method response headers: {Content-Type=application/json}", "Successfully completed execution",
            "Method completed with status: 200", ""])
        self.assertRegex(out["log"].split("\n")[1], r"^\w{3} \w{3} \d\d \d\d:\d\d:\d\d UTC \d{4} : Starting execution")
        out = gw.test_invoke_method(restApiId=api, resourceId=rid, httpMethod="POST", pathWithQueryString="/pets/123",
                                    body=json.dumps({"foo": "bar"}))
        self.assertIn('Method request body before transformations: {"foo": "bar"}', out["log"])
        self.assertIn("HTTP Method: POST, Resource Path: /pets/123", out["log"])

    def test_import_warnings(self):
        """IMP + TestApiGatewayImportRestApi::test_import_rest_api_with_base_path_oas30[split]
        [put-rest-api-oas30-srv-url]: a request parameter that is no string is left out with a warning."""
        gw = self.gw
        oas = {"openapi": "3.0.1", "info": {"title": "w", "version": "2.0"}, "paths": {"/part/test": {"get": {
            "responses": {"200": {"description": "ok"}},
            "x-amazon-apigateway-integration": {"type": "mock", "requestParameters": {
                "integration.request.header.nothing": True,
                "integration.request.header.double-single": "'True'"}}}}}}
        aid = gw.create_rest_api(name="warn")["id"]
        st, out = self.raw("PUT", "/restapis/%s?mode=overwrite" % aid, oas)
        self.assertEqual((st, out["warnings"]), (200, [
            "Invalid format for 'requestParameters'. Expected type string for property "
            "'integration.request.header.nothing' of resource '/part/test' and method 'GET' but got 'true'"]))
        rid = [r["id"] for r in gw.get_resources(restApiId=aid)["items"] if r["path"] == "/part/test"][0]
        self.assertEqual(gw.get_integration(restApiId=aid, resourceId=rid, httpMethod="GET")["requestParameters"],
                         {"integration.request.header.double-single": "'True'"})
        self.assertNotIn("warnings", gw.get_rest_api(restApiId=aid))   # a warning is the answer's, not kept


if __name__ == "__main__":
    unittest.main()
