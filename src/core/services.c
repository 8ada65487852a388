/* services.c — the registered services. Adding a service: its folder under
 * src/, its nb_service_t, and one line here. */
#include "core/service.h"
#include <string.h>

extern const nb_service_t nb_internal_service;
extern const nb_service_t ddb_service;
extern const nb_service_t kms_service;
extern const nb_service_t iam_service;
extern const nb_service_t sts_service;
extern const nb_service_t lambda_service;
extern const nb_service_t apigw_service;
extern const nb_service_t apigw_mgmt_service;

const nb_service_t *const nb_services[] = {
    &nb_internal_service,
    &ddb_service,
    &kms_service,
    &iam_service,
    &sts_service,
    &lambda_service,
    &apigw_service,
    &apigw_mgmt_service,
    NULL
};

const nb_service_t *nb_service_by_name(const char *name)
{
    for (size_t i = 0; nb_services[i]; i++)
        if (strcmp(nb_services[i]->name, name) == 0) return nb_services[i];
    return NULL;
}


const nb_op_t *nb_service_op(const nb_service_t *svc, const char *op_name)
{
    for (size_t i = 0; i < svc->n_ops; i++)   /* first byte first: dozens of ops a service */
        if (svc->ops[i].name[0] == op_name[0] && strcmp(svc->ops[i].name, op_name) == 0) return &svc->ops[i];
    return NULL;
}
