/* service.c — the "apigateway" service: one REST-JSON operation table for the
 * REST API control plane (botocore apigateway/2015-07-09) and the HTTP and
 * WebSocket API control plane (apigatewayv2/2018-11-29, paths under /v2/).
 * Both SDK clients sign as "apigateway", so they share this table; the edge
 * picks the operation by method and path. Some names exist in both models
 * (CreateStage, GetAuthorizer...): the handler is always the one of the path.
 * IAM actions are API Gateway's: "apigateway:{HTTP method}" on the path ARN. */
#include "apigw/dp.h"
#include "apigw/apigw_int.h"
#include "apigw/throttle.h"
#include "core/log.h"
#include "logs/logs.h"
#include "core/startup.h"

static const nb_op_t ops[] = {
    {"CreateApi", apigw__op_v2_create_api, "apigateway:POST", "arn:aws:apigateway:{region}::/v2/apis", NULL, "POST /v2/apis", 0},
    {"GetApis", apigw__op_v2_get_apis, "apigateway:GET", "arn:aws:apigateway:{region}::/v2/apis", NULL, "GET /v2/apis", 0},
    {"ImportApi", apigw__op_v2_import_api, "apigateway:PUT", "arn:aws:apigateway:{region}::/v2/apis", NULL, "PUT /v2/apis", 0},
    {"GetApi", apigw__op_v2_get_api, "apigateway:GET", "arn:aws:apigateway:{region}::/v2/apis/{apiId}", NULL, "GET /v2/apis/{apiId}", 0},
    {"UpdateApi", apigw__op_v2_update_api, "apigateway:PATCH", "arn:aws:apigateway:{region}::/v2/apis/{apiId}", NULL, "PATCH /v2/apis/{apiId}", 0},
    {"DeleteApi", apigw__op_v2_delete_api, "apigateway:DELETE", "arn:aws:apigateway:{region}::/v2/apis/{apiId}", NULL, "DELETE /v2/apis/{apiId}", 0},
    {"ReimportApi", apigw__op_v2_reimport_api, "apigateway:PUT", "arn:aws:apigateway:{region}::/v2/apis/{apiId}", NULL, "PUT /v2/apis/{apiId}", 0},
    {"DeleteCorsConfiguration", apigw__op_v2_delete_cors, "apigateway:DELETE", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/cors", NULL, "DELETE /v2/apis/{apiId}/cors", 0},
    {"CreateRoute", apigw__op_v2_create, "apigateway:POST", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/routes", NULL, "POST /v2/apis/{apiId}/routes", 0},
    {"GetRoutes", apigw__op_v2_list, "apigateway:GET", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/routes", NULL, "GET /v2/apis/{apiId}/routes", 0},
    {"GetRoute", apigw__op_v2_get, "apigateway:GET", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/routes/{routeId}", NULL, "GET /v2/apis/{apiId}/routes/{routeId}", 0},
    {"UpdateRoute", apigw__op_v2_update, "apigateway:PATCH", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/routes/{routeId}", NULL, "PATCH /v2/apis/{apiId}/routes/{routeId}", 0},
    {"DeleteRoute", apigw__op_v2_delete, "apigateway:DELETE", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/routes/{routeId}", NULL, "DELETE /v2/apis/{apiId}/routes/{routeId}", 0},
    {"CreateIntegration", apigw__op_v2_create, "apigateway:POST", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/integrations", NULL, "POST /v2/apis/{apiId}/integrations", 0},
    {"GetIntegrations", apigw__op_v2_list, "apigateway:GET", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/integrations", NULL, "GET /v2/apis/{apiId}/integrations", 0},
    {"GetIntegration", apigw__op_v2_get, "apigateway:GET", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/integrations/{integrationId}", NULL, "GET /v2/apis/{apiId}/integrations/{integrationId}", 0},
    {"UpdateIntegration", apigw__op_v2_update, "apigateway:PATCH", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/integrations/{integrationId}", NULL, "PATCH /v2/apis/{apiId}/integrations/{integrationId}", 0},
    {"DeleteIntegration", apigw__op_v2_delete, "apigateway:DELETE", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/integrations/{integrationId}", NULL, "DELETE /v2/apis/{apiId}/integrations/{integrationId}", 0},
    {"CreateStage", apigw__op_v2_create, "apigateway:POST", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/stages", NULL, "POST /v2/apis/{apiId}/stages", 0},
    {"GetStages", apigw__op_v2_list, "apigateway:GET", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/stages", NULL, "GET /v2/apis/{apiId}/stages", 0},
    {"GetStage", apigw__op_v2_get, "apigateway:GET", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/stages/{stageName}", NULL, "GET /v2/apis/{apiId}/stages/{stageName}", 0},
    {"UpdateStage", apigw__op_v2_update, "apigateway:PATCH", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/stages/{stageName}", NULL, "PATCH /v2/apis/{apiId}/stages/{stageName}", 0},
    {"DeleteStage", apigw__op_v2_delete, "apigateway:DELETE", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/stages/{stageName}", NULL, "DELETE /v2/apis/{apiId}/stages/{stageName}", 0},
    {"CreateAuthorizer", apigw__op_v2_create, "apigateway:POST", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/authorizers", NULL, "POST /v2/apis/{apiId}/authorizers", 0},
    {"GetAuthorizers", apigw__op_v2_list, "apigateway:GET", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/authorizers", NULL, "GET /v2/apis/{apiId}/authorizers", 0},
    {"GetAuthorizer", apigw__op_v2_get, "apigateway:GET", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/authorizers/{authorizerId}", NULL, "GET /v2/apis/{apiId}/authorizers/{authorizerId}", 0},
    {"UpdateAuthorizer", apigw__op_v2_update, "apigateway:PATCH", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/authorizers/{authorizerId}", NULL, "PATCH /v2/apis/{apiId}/authorizers/{authorizerId}", 0},
    {"DeleteAuthorizer", apigw__op_v2_delete, "apigateway:DELETE", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/authorizers/{authorizerId}", NULL, "DELETE /v2/apis/{apiId}/authorizers/{authorizerId}", 0},
    {"CreateDeployment", apigw__op_v2_create, "apigateway:POST", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/deployments", NULL, "POST /v2/apis/{apiId}/deployments", 0},
    {"GetDeployments", apigw__op_v2_list, "apigateway:GET", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/deployments", NULL, "GET /v2/apis/{apiId}/deployments", 0},
    {"GetDeployment", apigw__op_v2_get, "apigateway:GET", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/deployments/{deploymentId}", NULL, "GET /v2/apis/{apiId}/deployments/{deploymentId}", 0},
    {"UpdateDeployment", apigw__op_v2_update, "apigateway:PATCH", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/deployments/{deploymentId}", NULL, "PATCH /v2/apis/{apiId}/deployments/{deploymentId}", 0},
    {"DeleteDeployment", apigw__op_v2_delete, "apigateway:DELETE", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/deployments/{deploymentId}", NULL, "DELETE /v2/apis/{apiId}/deployments/{deploymentId}", 0},
    {"CreateModel", apigw__op_v2_create, "apigateway:POST", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/models", NULL, "POST /v2/apis/{apiId}/models", 0},
    {"GetModels", apigw__op_v2_list, "apigateway:GET", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/models", NULL, "GET /v2/apis/{apiId}/models", 0},
    {"GetModel", apigw__op_v2_get, "apigateway:GET", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/models/{modelId}", NULL, "GET /v2/apis/{apiId}/models/{modelId}", 0},
    {"UpdateModel", apigw__op_v2_update, "apigateway:PATCH", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/models/{modelId}", NULL, "PATCH /v2/apis/{apiId}/models/{modelId}", 0},
    {"DeleteModel", apigw__op_v2_delete, "apigateway:DELETE", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/models/{modelId}", NULL, "DELETE /v2/apis/{apiId}/models/{modelId}", 0},
    {"CreateRouteResponse", apigw__op_v2_create_route_response, "apigateway:POST", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/routes/{routeId}/routeresponses", NULL, "POST /v2/apis/{apiId}/routes/{routeId}/routeresponses", 0},
    {"GetRouteResponses", apigw__op_v2_get_route_responses, "apigateway:GET", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/routes/{routeId}/routeresponses", NULL, "GET /v2/apis/{apiId}/routes/{routeId}/routeresponses", 0},
    {"GetRouteResponse", apigw__op_v2_get_route_response, "apigateway:GET", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/routes/{routeId}/routeresponses/{routeResponseId}", NULL, "GET /v2/apis/{apiId}/routes/{routeId}/routeresponses/{routeResponseId}", 0},
    {"UpdateRouteResponse", apigw__op_v2_update_route_response, "apigateway:PATCH", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/routes/{routeId}/routeresponses/{routeResponseId}", NULL, "PATCH /v2/apis/{apiId}/routes/{routeId}/routeresponses/{routeResponseId}", 0},
    {"DeleteRouteResponse", apigw__op_v2_delete_route_response, "apigateway:DELETE", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/routes/{routeId}/routeresponses/{routeResponseId}", NULL, "DELETE /v2/apis/{apiId}/routes/{routeId}/routeresponses/{routeResponseId}", 0},
    {"TagResource", apigw__op_v1_tag_resource, "apigateway:PUT", "*", apigw__tags_iam_arn, "PUT /tags/{resource_arn}", 0},
    {"UntagResource", apigw__op_untag_resource, "apigateway:DELETE", "*", apigw__tags_iam_arn, "DELETE /tags/{resource_arn}", 0},
    {"GetTags", apigw__op_get_tags, "apigateway:GET", "*", apigw__tags_iam_arn, "GET /tags/{resource_arn}", 0},
    {"TagResource", apigw__op_v2_tag_resource, "apigateway:POST", "*", apigw__tags_iam_arn, "POST /v2/tags/{resource-arn}", 0},
    {"UntagResource", apigw__op_untag_resource, "apigateway:DELETE", "*", apigw__tags_iam_arn, "DELETE /v2/tags/{resource-arn}", 0},
    {"GetTags", apigw__op_get_tags, "apigateway:GET", "*", apigw__tags_iam_arn, "GET /v2/tags/{resource-arn}", 0},
    {"DeleteRouteSettings", apigw__op_v2_delete_route_settings, "apigateway:DELETE", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/stages/{stageName}/routesettings/{routeKey}", NULL, "DELETE /v2/apis/{apiId}/stages/{stageName}/routesettings/{routeKey}", 0},
    {"DeleteAccessLogSettings", apigw__op_v2_delete_access_log_settings, "apigateway:DELETE", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/stages/{stageName}/accesslogsettings", NULL, "DELETE /v2/apis/{apiId}/stages/{stageName}/accesslogsettings", 0},
    {"GetExport", apigw__op_v1_get_export, "apigateway:GET", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/stages/{stage_name}/exports/{export_type}", NULL, "GET /restapis/{restapi_id}/stages/{stage_name}/exports/{export_type}", 0},
    {"ExportApi", apigw__op_v2_export_api, "apigateway:GET", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/exports/{specification}", NULL, "GET /v2/apis/{apiId}/exports/{specification}", 0},
    {"FlushStageAuthorizersCache", apigw__op_v1_flush_authorizers_cache, "apigateway:DELETE", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/stages/{stage_name}/cache/authorizers", NULL, "DELETE /restapis/{restapi_id}/stages/{stage_name}/cache/authorizers", 0},
    {"FlushStageCache", apigw__op_v1_flush_stage_cache, "apigateway:DELETE", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/stages/{stage_name}/cache/data", NULL, "DELETE /restapis/{restapi_id}/stages/{stage_name}/cache/data", 0},
    {"ResetAuthorizersCache", apigw__op_v2_reset_authorizers_cache, "apigateway:DELETE", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/stages/{stageName}/cache/authorizers", NULL, "DELETE /v2/apis/{apiId}/stages/{stageName}/cache/authorizers", 0},
    {"DeleteRouteRequestParameter", apigw__op_v2_delete_route_request_parameter, "apigateway:DELETE", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/routes/{routeId}/requestparameters/{requestParameterKey}", NULL, "DELETE /v2/apis/{apiId}/routes/{routeId}/requestparameters/{requestParameterKey}", 0},
    {"GetAccount", apigw__op_get_account, "apigateway:GET", "arn:aws:apigateway:{region}::/account", NULL, "GET /account", 0},
    {"UpdateAccount", apigw__op_update_account, "apigateway:PATCH", "arn:aws:apigateway:{region}::/account", NULL, "PATCH /account", 0},
    {"CreateRestApi", apigw__op_v1_create_rest_api, "apigateway:POST", "arn:aws:apigateway:{region}::/restapis", NULL, "POST /restapis", 0},
    {"GetRestApis", apigw__op_v1_get_rest_apis, "apigateway:GET", "arn:aws:apigateway:{region}::/restapis", NULL, "GET /restapis", 0},
    {"ImportRestApi", apigw__op_v1_import_rest_api, "apigateway:POST", "arn:aws:apigateway:{region}::/restapis", NULL, "POST /restapis?mode=import", NB_OP_RAW_BODY},
    {"GetRestApi", apigw__op_v1_get_rest_api, "apigateway:GET", "arn:aws:apigateway:{region}::/restapis/{restapi_id}", NULL, "GET /restapis/{restapi_id}", 0},
    {"UpdateRestApi", apigw__op_v1_update_rest_api, "apigateway:PATCH", "arn:aws:apigateway:{region}::/restapis/{restapi_id}", NULL, "PATCH /restapis/{restapi_id}", 0},
    {"DeleteRestApi", apigw__op_v1_delete_rest_api, "apigateway:DELETE", "arn:aws:apigateway:{region}::/restapis/{restapi_id}", NULL, "DELETE /restapis/{restapi_id}", 0},
    {"PutRestApi", apigw__op_v1_put_rest_api, "apigateway:PUT", "arn:aws:apigateway:{region}::/restapis/{restapi_id}", NULL, "PUT /restapis/{restapi_id}", NB_OP_RAW_BODY},
    {"GetResources", apigw__op_v1_get_resources, "apigateway:GET", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/resources", NULL, "GET /restapis/{restapi_id}/resources", 0},
    {"GetResource", apigw__op_v1_get_resource, "apigateway:GET", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/resources/{resource_id}", NULL, "GET /restapis/{restapi_id}/resources/{resource_id}", 0},
    {"CreateResource", apigw__op_v1_create_resource, "apigateway:POST", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/resources/{parent_id}", NULL, "POST /restapis/{restapi_id}/resources/{parent_id}", 0},
    {"DeleteResource", apigw__op_v1_delete_resource, "apigateway:DELETE", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/resources/{resource_id}", NULL, "DELETE /restapis/{restapi_id}/resources/{resource_id}", 0},
    {"UpdateResource", apigw__op_v1_update_resource, "apigateway:PATCH", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/resources/{resource_id}", NULL, "PATCH /restapis/{restapi_id}/resources/{resource_id}", 0},
    {"PutMethod", apigw__op_v1_put_method, "apigateway:PUT", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}", NULL, "PUT /restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}", 0},
    {"GetMethod", apigw__op_v1_get_method, "apigateway:GET", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}", NULL, "GET /restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}", 0},
    {"DeleteMethod", apigw__op_v1_delete_method, "apigateway:DELETE", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}", NULL, "DELETE /restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}", 0},
    {"UpdateMethod", apigw__op_v1_update_method, "apigateway:PATCH", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}", NULL, "PATCH /restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}", 0},
    {"PutIntegration", apigw__op_v1_put_integration, "apigateway:PUT", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/integration", NULL, "PUT /restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/integration", 0},
    {"GetIntegration", apigw__op_v1_get_integration, "apigateway:GET", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/integration", NULL, "GET /restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/integration", 0},
    {"DeleteIntegration", apigw__op_v1_delete_integration, "apigateway:DELETE", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/integration", NULL, "DELETE /restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/integration", 0},
    {"UpdateIntegration", apigw__op_v1_update_integration, "apigateway:PATCH", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/integration", NULL, "PATCH /restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/integration", 0},
    {"PutMethodResponse", apigw__op_v1_put_method_response, "apigateway:PUT", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/responses/{status_code}", NULL, "PUT /restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/responses/{status_code}", 0},
    {"GetMethodResponse", apigw__op_v1_get_method_response, "apigateway:GET", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/responses/{status_code}", NULL, "GET /restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/responses/{status_code}", 0},
    {"DeleteMethodResponse", apigw__op_v1_delete_method_response, "apigateway:DELETE", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/responses/{status_code}", NULL, "DELETE /restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/responses/{status_code}", 0},
    {"PutIntegrationResponse", apigw__op_v1_put_integration_response, "apigateway:PUT", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/integration/responses/{status_code}", NULL, "PUT /restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/integration/responses/{status_code}", 0},
    {"GetIntegrationResponse", apigw__op_v1_get_integration_response, "apigateway:GET", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/integration/responses/{status_code}", NULL, "GET /restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/integration/responses/{status_code}", 0},
    {"DeleteIntegrationResponse", apigw__op_v1_delete_integration_response, "apigateway:DELETE", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/integration/responses/{status_code}", NULL, "DELETE /restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/integration/responses/{status_code}", 0},
    {"UpdateMethodResponse", apigw__op_v1_update_method_response, "apigateway:PATCH", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/responses/{status_code}", NULL, "PATCH /restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/responses/{status_code}", 0},
    {"UpdateIntegrationResponse", apigw__op_v1_update_integration_response, "apigateway:PATCH", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/integration/responses/{status_code}", NULL, "PATCH /restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/integration/responses/{status_code}", 0},
    {"PutGatewayResponse", apigw__op_v1_put_gateway_response, "apigateway:PUT", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/gatewayresponses/{response_type}", NULL, "PUT /restapis/{restapi_id}/gatewayresponses/{response_type}", 0},
    {"GetGatewayResponse", apigw__op_v1_get_gateway_response, "apigateway:GET", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/gatewayresponses/{response_type}", NULL, "GET /restapis/{restapi_id}/gatewayresponses/{response_type}", 0},
    {"GetGatewayResponses", apigw__op_v1_get_gateway_responses, "apigateway:GET", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/gatewayresponses", NULL, "GET /restapis/{restapi_id}/gatewayresponses", 0},
    {"UpdateGatewayResponse", apigw__op_v1_update_gateway_response, "apigateway:PATCH", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/gatewayresponses/{response_type}", NULL, "PATCH /restapis/{restapi_id}/gatewayresponses/{response_type}", 0},
    {"DeleteGatewayResponse", apigw__op_v1_delete_gateway_response, "apigateway:DELETE", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/gatewayresponses/{response_type}", NULL, "DELETE /restapis/{restapi_id}/gatewayresponses/{response_type}", 0},
    {"CreateDeployment", apigw__op_v1_create_deployment, "apigateway:POST", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/deployments", NULL, "POST /restapis/{restapi_id}/deployments", 0},
    {"CreateStage", apigw__op_v1_create_stage, "apigateway:POST", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/stages", NULL, "POST /restapis/{restapi_id}/stages", 0},
    {"CreateAuthorizer", apigw__op_v1_create, "apigateway:POST", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/authorizers", NULL, "POST /restapis/{restapi_id}/authorizers", 0},
    {"GetAuthorizers", apigw__op_v1_list, "apigateway:GET", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/authorizers", NULL, "GET /restapis/{restapi_id}/authorizers", 0},
    {"GetAuthorizer", apigw__op_v1_get, "apigateway:GET", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/authorizers/{authorizer_id}", NULL, "GET /restapis/{restapi_id}/authorizers/{authorizer_id}", 0},
    {"UpdateAuthorizer", apigw__op_v1_update, "apigateway:PATCH", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/authorizers/{authorizer_id}", NULL, "PATCH /restapis/{restapi_id}/authorizers/{authorizer_id}", 0},
    {"DeleteAuthorizer", apigw__op_v1_delete, "apigateway:DELETE", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/authorizers/{authorizer_id}", NULL, "DELETE /restapis/{restapi_id}/authorizers/{authorizer_id}", 0},
    {"CreateRequestValidator", apigw__op_v1_create, "apigateway:POST", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/requestvalidators", NULL, "POST /restapis/{restapi_id}/requestvalidators", 0},
    {"GetRequestValidators", apigw__op_v1_list, "apigateway:GET", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/requestvalidators", NULL, "GET /restapis/{restapi_id}/requestvalidators", 0},
    {"GetRequestValidator", apigw__op_v1_get, "apigateway:GET", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/requestvalidators/{requestvalidator_id}", NULL, "GET /restapis/{restapi_id}/requestvalidators/{requestvalidator_id}", 0},
    {"UpdateRequestValidator", apigw__op_v1_update, "apigateway:PATCH", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/requestvalidators/{requestvalidator_id}", NULL, "PATCH /restapis/{restapi_id}/requestvalidators/{requestvalidator_id}", 0},
    {"DeleteRequestValidator", apigw__op_v1_delete, "apigateway:DELETE", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/requestvalidators/{requestvalidator_id}", NULL, "DELETE /restapis/{restapi_id}/requestvalidators/{requestvalidator_id}", 0},
    {"CreateModel", apigw__op_v1_create, "apigateway:POST", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/models", NULL, "POST /restapis/{restapi_id}/models", 0},
    {"GetModels", apigw__op_v1_list, "apigateway:GET", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/models", NULL, "GET /restapis/{restapi_id}/models", 0},
    {"GetModel", apigw__op_v1_get, "apigateway:GET", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/models/{model_name}", NULL, "GET /restapis/{restapi_id}/models/{model_name}", 0},
    {"UpdateModel", apigw__op_v1_update, "apigateway:PATCH", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/models/{model_name}", NULL, "PATCH /restapis/{restapi_id}/models/{model_name}", 0},
    {"DeleteModel", apigw__op_v1_delete, "apigateway:DELETE", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/models/{model_name}", NULL, "DELETE /restapis/{restapi_id}/models/{model_name}", 0},
    {"GetDeployments", apigw__op_v1_list, "apigateway:GET", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/deployments", NULL, "GET /restapis/{restapi_id}/deployments", 0},
    {"GetDeployment", apigw__op_v1_get, "apigateway:GET", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/deployments/{deployment_id}", NULL, "GET /restapis/{restapi_id}/deployments/{deployment_id}", 0},
    {"UpdateDeployment", apigw__op_v1_update, "apigateway:PATCH", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/deployments/{deployment_id}", NULL, "PATCH /restapis/{restapi_id}/deployments/{deployment_id}", 0},
    {"DeleteDeployment", apigw__op_v1_delete, "apigateway:DELETE", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/deployments/{deployment_id}", NULL, "DELETE /restapis/{restapi_id}/deployments/{deployment_id}", 0},
    {"GetStages", apigw__op_v1_list, "apigateway:GET", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/stages", NULL, "GET /restapis/{restapi_id}/stages", 0},
    {"GetStage", apigw__op_v1_get, "apigateway:GET", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/stages/{stage_name}", NULL, "GET /restapis/{restapi_id}/stages/{stage_name}", 0},
    {"UpdateStage", apigw__op_v1_update, "apigateway:PATCH", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/stages/{stage_name}", NULL, "PATCH /restapis/{restapi_id}/stages/{stage_name}", 0},
    {"DeleteStage", apigw__op_v1_delete, "apigateway:DELETE", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/stages/{stage_name}", NULL, "DELETE /restapis/{restapi_id}/stages/{stage_name}", 0},
    {"CreateApiKey", apigw__op_create_api_key, "apigateway:POST", "arn:aws:apigateway:{region}::/apikeys", NULL, "POST /apikeys", 0},
    {"GetApiKeys", apigw__op_get_api_keys, "apigateway:GET", "arn:aws:apigateway:{region}::/apikeys", NULL, "GET /apikeys", 0},
    {"GetApiKey", apigw__op_get_api_key, "apigateway:GET", "arn:aws:apigateway:{region}::/apikeys/{api_Key}", NULL, "GET /apikeys/{api_Key}", 0},
    {"UpdateApiKey", apigw__op_update_api_key, "apigateway:PATCH", "arn:aws:apigateway:{region}::/apikeys/{api_Key}", NULL, "PATCH /apikeys/{api_Key}", 0},
    {"DeleteApiKey", apigw__op_delete_api_key, "apigateway:DELETE", "arn:aws:apigateway:{region}::/apikeys/{api_Key}", NULL, "DELETE /apikeys/{api_Key}", 0},
    {"CreateUsagePlan", apigw__op_create_usage_plan, "apigateway:POST", "arn:aws:apigateway:{region}::/usageplans", NULL, "POST /usageplans", 0},
    {"GetUsagePlans", apigw__op_get_usage_plans, "apigateway:GET", "arn:aws:apigateway:{region}::/usageplans", NULL, "GET /usageplans", 0},
    {"GetUsagePlan", apigw__op_get_usage_plan, "apigateway:GET", "arn:aws:apigateway:{region}::/usageplans/{usageplanId}", NULL, "GET /usageplans/{usageplanId}", 0},
    {"UpdateUsagePlan", apigw__op_update_usage_plan, "apigateway:PATCH", "arn:aws:apigateway:{region}::/usageplans/{usageplanId}", NULL, "PATCH /usageplans/{usageplanId}", 0},
    {"DeleteUsagePlan", apigw__op_delete_usage_plan, "apigateway:DELETE", "arn:aws:apigateway:{region}::/usageplans/{usageplanId}", NULL, "DELETE /usageplans/{usageplanId}", 0},
    {"CreateUsagePlanKey", apigw__op_create_usage_plan_key, "apigateway:POST", "arn:aws:apigateway:{region}::/usageplans/{usageplanId}/keys", NULL, "POST /usageplans/{usageplanId}/keys", 0},
    {"GetUsagePlanKeys", apigw__op_get_usage_plan_keys, "apigateway:GET", "arn:aws:apigateway:{region}::/usageplans/{usageplanId}/keys", NULL, "GET /usageplans/{usageplanId}/keys", 0},
    {"GetUsagePlanKey", apigw__op_get_usage_plan_key, "apigateway:GET", "arn:aws:apigateway:{region}::/usageplans/{usageplanId}/keys/{keyId}", NULL, "GET /usageplans/{usageplanId}/keys/{keyId}", 0},
    {"DeleteUsagePlanKey", apigw__op_delete_usage_plan_key, "apigateway:DELETE", "arn:aws:apigateway:{region}::/usageplans/{usageplanId}/keys/{keyId}", NULL, "DELETE /usageplans/{usageplanId}/keys/{keyId}", 0},
    {"GetUsage", apigw__op_get_usage, "apigateway:GET", "arn:aws:apigateway:{region}::/usageplans/{usageplanId}/usage", NULL, "GET /usageplans/{usageplanId}/usage", 0},
    {"UpdateUsage", apigw__op_update_usage, "apigateway:PATCH", "arn:aws:apigateway:{region}::/usageplans/{usageplanId}/keys/{keyId}/usage", NULL, "PATCH /usageplans/{usageplanId}/keys/{keyId}/usage", 0},
    {"CreateDomainName", apigw__op_v1_create_domain, "apigateway:POST", "arn:aws:apigateway:{region}::/domainnames", NULL, "POST /domainnames", 0},
    {"GetDomainNames", apigw__op_v1_get_domains, "apigateway:GET", "arn:aws:apigateway:{region}::/domainnames", NULL, "GET /domainnames", 0},
    {"GetDomainName", apigw__op_v1_get_domain, "apigateway:GET", "arn:aws:apigateway:{region}::/domainnames/{domain_name}", NULL, "GET /domainnames/{domain_name}", 0},
    {"UpdateDomainName", apigw__op_v1_update_domain, "apigateway:PATCH", "arn:aws:apigateway:{region}::/domainnames/{domain_name}", NULL, "PATCH /domainnames/{domain_name}", 0},
    {"DeleteDomainName", apigw__op_v1_delete_domain, "apigateway:DELETE", "arn:aws:apigateway:{region}::/domainnames/{domain_name}", NULL, "DELETE /domainnames/{domain_name}", 0},
    {"CreateBasePathMapping", apigw__op_v1_create_bpm, "apigateway:POST", "arn:aws:apigateway:{region}::/domainnames/{domain_name}/basepathmappings", NULL, "POST /domainnames/{domain_name}/basepathmappings", 0},
    {"GetBasePathMappings", apigw__op_v1_get_bpms, "apigateway:GET", "arn:aws:apigateway:{region}::/domainnames/{domain_name}/basepathmappings", NULL, "GET /domainnames/{domain_name}/basepathmappings", 0},
    {"GetBasePathMapping", apigw__op_v1_get_bpm, "apigateway:GET", "arn:aws:apigateway:{region}::/domainnames/{domain_name}/basepathmappings/{base_path}", NULL, "GET /domainnames/{domain_name}/basepathmappings/{base_path}", 0},
    {"UpdateBasePathMapping", apigw__op_v1_update_bpm, "apigateway:PATCH", "arn:aws:apigateway:{region}::/domainnames/{domain_name}/basepathmappings/{base_path}", NULL, "PATCH /domainnames/{domain_name}/basepathmappings/{base_path}", 0},
    {"DeleteBasePathMapping", apigw__op_v1_delete_bpm, "apigateway:DELETE", "arn:aws:apigateway:{region}::/domainnames/{domain_name}/basepathmappings/{base_path}", NULL, "DELETE /domainnames/{domain_name}/basepathmappings/{base_path}", 0},
    {"CreateDomainName", apigw__op_v2_create_domain, "apigateway:POST", "arn:aws:apigateway:{region}::/v2/domainnames", NULL, "POST /v2/domainnames", 0},
    {"GetDomainNames", apigw__op_v2_get_domains, "apigateway:GET", "arn:aws:apigateway:{region}::/v2/domainnames", NULL, "GET /v2/domainnames", 0},
    {"GetDomainName", apigw__op_v2_get_domain, "apigateway:GET", "arn:aws:apigateway:{region}::/v2/domainnames/{domainName}", NULL, "GET /v2/domainnames/{domainName}", 0},
    {"UpdateDomainName", apigw__op_v2_update_domain, "apigateway:PATCH", "arn:aws:apigateway:{region}::/v2/domainnames/{domainName}", NULL, "PATCH /v2/domainnames/{domainName}", 0},
    {"DeleteDomainName", apigw__op_v2_delete_domain, "apigateway:DELETE", "arn:aws:apigateway:{region}::/v2/domainnames/{domainName}", NULL, "DELETE /v2/domainnames/{domainName}", 0},
    {"CreateApiMapping", apigw__op_v2_create_mapping, "apigateway:POST", "arn:aws:apigateway:{region}::/v2/domainnames/{domainName}/apimappings", NULL, "POST /v2/domainnames/{domainName}/apimappings", 0},
    {"GetApiMappings", apigw__op_v2_get_mappings, "apigateway:GET", "arn:aws:apigateway:{region}::/v2/domainnames/{domainName}/apimappings", NULL, "GET /v2/domainnames/{domainName}/apimappings", 0},
    {"GetApiMapping", apigw__op_v2_get_mapping, "apigateway:GET", "arn:aws:apigateway:{region}::/v2/domainnames/{domainName}/apimappings/{apiMappingId}", NULL, "GET /v2/domainnames/{domainName}/apimappings/{apiMappingId}", 0},
    {"UpdateApiMapping", apigw__op_v2_update_mapping, "apigateway:PATCH", "arn:aws:apigateway:{region}::/v2/domainnames/{domainName}/apimappings/{apiMappingId}", NULL, "PATCH /v2/domainnames/{domainName}/apimappings/{apiMappingId}", 0},
    {"DeleteApiMapping", apigw__op_v2_delete_mapping, "apigateway:DELETE", "arn:aws:apigateway:{region}::/v2/domainnames/{domainName}/apimappings/{apiMappingId}", NULL, "DELETE /v2/domainnames/{domainName}/apimappings/{apiMappingId}", 0},
    {"CreateIntegrationResponse", apigw__op_v2_create_integration_response, "apigateway:POST", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/integrations/{integrationId}/integrationresponses", NULL, "POST /v2/apis/{apiId}/integrations/{integrationId}/integrationresponses", 0},
    {"GetIntegrationResponses", apigw__op_v2_get_integration_responses, "apigateway:GET", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/integrations/{integrationId}/integrationresponses", NULL, "GET /v2/apis/{apiId}/integrations/{integrationId}/integrationresponses", 0},
    {"GetIntegrationResponse", apigw__op_v2_get_integration_response, "apigateway:GET", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/integrations/{integrationId}/integrationresponses/{integrationResponseId}", NULL, "GET /v2/apis/{apiId}/integrations/{integrationId}/integrationresponses/{integrationResponseId}", 0},
    {"UpdateIntegrationResponse", apigw__op_v2_update_integration_response, "apigateway:PATCH", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/integrations/{integrationId}/integrationresponses/{integrationResponseId}", NULL, "PATCH /v2/apis/{apiId}/integrations/{integrationId}/integrationresponses/{integrationResponseId}", 0},
    {"DeleteIntegrationResponse", apigw__op_v2_delete_integration_response, "apigateway:DELETE", "arn:aws:apigateway:{region}::/v2/apis/{apiId}/integrations/{integrationId}/integrationresponses/{integrationResponseId}", NULL, "DELETE /v2/apis/{apiId}/integrations/{integrationId}/integrationresponses/{integrationResponseId}", 0},
    {"TestInvokeMethod", apigw__op_v1_test_invoke_method, "apigateway:POST", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}", NULL, "POST /restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}", 0},
    {"TestInvokeAuthorizer", apigw__op_v1_test_invoke_authorizer, "apigateway:POST", "arn:aws:apigateway:{region}::/restapis/{restapi_id}/authorizers/{authorizer_id}", NULL, "POST /restapis/{restapi_id}/authorizers/{authorizer_id}", 0},
};

static const char *const prefixes[] = {"/restapis", "/apikeys", "/usageplans", "/v2/apis", "/tags", "/v2/tags", "/account", "/domainnames", "/v2/domainnames", NULL};

static int apigw_init(nb_ctx_t *ctx)
{
    apigw__account_limits_init(ctx->cfg);
    logs_start(ctx);   /* stages' access logs (access_log.c) */
    if (apigw__state_load(ctx) != 0) return -1;
    nb_startup_mark("apigw: APIs, keys and plans loaded");
    return apigw__quota_init(ctx);
}

static void apigw_stop(nb_ctx_t *ctx)
{
    (void)ctx;
    apigw__quota_stop();   /* the counters not yet written, while the store is open */
    apigw__dp_invoke_stop();
    apigw__state_free();
    logs_stop();
}

static void apigw_health(nb_ctx_t *ctx, nb_buf_t *out)
{
    (void)ctx;
    nb_buf_printf(out, ",\"apis\":%zu", json_object_size(apigw__svc.apis));
}

const nb_service_t apigw_service = {
    .name = "apigateway",
    .proto = NB_PROTO_REST_JSON,
    .path_prefixes = prefixes,
    .error_message_key = "message",
    .ops = ops,
    .n_ops = sizeof ops / sizeof ops[0],
    .init = apigw_init,
    .stop = apigw_stop,
    .health = apigw_health,
    .authz = &apigw__authz,
};
