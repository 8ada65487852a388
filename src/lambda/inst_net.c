/* inst_net.c — which network an instance gets, and what of nimbus it reaches.
 *
 * Lambda: a function without VpcConfig reaches the internet; one attached to
 * subnets reaches only what its VPC routes to. nimbus has no VPCs, so a
 * function with VpcConfig (SubnetIds not empty), or every function under the
 * setting lambda.no_network=1, gets a network namespace of its own in which
 * nothing but nimbus answers: its Runtime API and nimbus's endpoint
 * (AWS_ENDPOINT_URL), each at the same address and port as outside (the
 * sandbox relays them, src/sandbox/sbx_net.c). Any other address is
 * unreachable (ENETUNREACH: no route, no packet leaves). This needs the
 * namespaces (root or a user namespace): plain processes have the host's
 * network whatever is asked (docs/SANDBOX.md). */
#include "lambda/lambda_int.h"
#include <stdio.h>
#include <string.h>

sbx_net_t lambda__inst_net(const lambda_fnconf_t *c)
{
    return c->vpc || lambda__svc.no_network ? SBX_NET_NIMBUS_ONLY : SBX_NET_HOST;
}

/* "127.0.0.1:RAPI[,IP:PORT of the endpoint]": the endpoint only when it is a
 * numeric IPv4 address (localhost is 127.0.0.1), the relay's form. */
void lambda__inst_nimbus_hosts(int rapi_port, char *out, size_t cap)
{
    int n = snprintf(out, cap, "127.0.0.1:%d", rapi_port);
    const char *url = lambda__svc.ctx && lambda__svc.ctx->cfg ? lambda__svc.ctx->cfg->endpoint_url : "";
    const char *h = strncmp(url, "http://", 7) == 0 ? url + 7 : NULL;
    if (!h || n < 0 || (size_t)n >= cap) return;
    unsigned a, b, c, d, port;
    char tail;
    if (sscanf(h, "localhost:%u%c", &port, &tail) == 1) a = 127, b = 0, c = 0, d = 1;
    else if (sscanf(h, "%u.%u.%u.%u:%u%c", &a, &b, &c, &d, &port, &tail) != 5) return;
    if (a > 255 || b > 255 || c > 255 || d > 255 || port == 0 || port > 65535) return;
    snprintf(out + n, cap - (size_t)n, ",%u.%u.%u.%u:%u", a, b, c, d, port);
}
