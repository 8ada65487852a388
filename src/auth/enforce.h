/* enforce.h — authentication and authorization of every edge request, in one place.
 *
 * auth_enforce() runs after the edge has identified the operation and before
 * its handler: it verifies the SigV4 signature against the credential store
 * and evaluates IAM policies for the operation's declared action and resource
 * ARN. On refusal it has already replied (the protocol's error) and returns -1. */
#ifndef NB_AUTH_ENFORCE_H
#define NB_AUTH_ENFORCE_H
#include "core/request.h"

int auth_enforce(nb_req_t *req);

#endif
