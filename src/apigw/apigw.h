/* apigw.h — what other nimbus modules use of API Gateway.
 *
 * apigw_service is the control plane of both API Gateway APIs: REST APIs (v1,
 * /restapis, /apikeys, /usageplans) and HTTP/WebSocket APIs (v2, /v2/...).
 * Both sign with the SigV4 service name "apigateway", so one service table
 * holds both sets of operations; the edge tells them apart by path.
 *
 * apigw_data_plane() is the edge's first step: it serves invocations of
 * deployed APIs, addressed as
 *   http://{api-id}.execute-api.localhost:PORT/{stage}/path   (Host header)
 *   http://127.0.0.1:PORT/_aws/execute-api/{api-id}/{stage}/path
 * and answers them in plain HTTP (the API's own status, headers, body). */
#ifndef NB_APIGW_H
#define NB_APIGW_H
#include "core/request.h"
#include "core/service.h"

extern const nb_service_t apigw_service;
/* The @connections management API of WebSocket APIs (SigV4 service "execute-api"). */
extern const nb_service_t apigw_mgmt_service;

/* 1 when req is an API invocation: it has been (or will be) answered and the
 * edge must not touch it again; 0 when it is not one (req untouched). */
int apigw_data_plane(nb_req_t *req);

#endif
