/* cp_vpclinks.c — VPC links of both control planes, recorded: v1
 * (CreateVpcLink… under /vpclinks: one Network Load Balancer ARN in
 * targetArns) under "l/{id}", v2 (/v2/vpclinks: subnets and security
 * groups) under "L/{id}". nimbus has no VPC to reach, so a link is
 * AVAILABLE at once and carries nothing; integrations may name it
 * (connectionType VPC_LINK) and are served as their URI says. */
#include "apigw/apigw_int.h"
#include <string.h>

static int all_strings(json_t *a)
{
    size_t i;
    json_t *v;
    if (!json_is_array(a)) return 0;
    json_array_foreach(a, i, v)
        if (!json_is_string(v)) return 0;
    return 1;
}

/* --- v1 ------------------------------------------------------------------- */

void apigw__op_v1_create_vpc_link(nb_req_t *req)
{
    const char *name = apigw__str(req->json, "name");
    json_t *targets = json_object_get(req->json, "targetArns");
    if (!name || !*name) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Name cannot be empty");
        return;
    }
    const char *arn = json_string_value(json_array_get(targets, 0));
    if (arn && strncmp(arn, "arn:", 4) != 0) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid ARN. ARN is not well formed %s", arn);
        return;
    }
    if (json_array_size(targets) != 1 || !arn || strncmp(arn, "arn:aws:elasticloadbalancing:", 29) != 0) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST,
                       "Invalid targetArns specified: exactly one Network Load Balancer ARN is required");
        return;
    }
    json_t *tags = json_object_get(req->json, "tags");
    if (tags && !json_is_object(tags)) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid tags");
        return;
    }
    char id[16];
    apigw__new_id(id, 6);
    json_t *l = json_pack("{s:s,s:s,s:O,s:s,s:s}", "id", id, "name", name, "targetArns", targets, "status",
                          "AVAILABLE", "statusMessage", "Your vpc link is ready for use");
    if (apigw__str(req->json, "description")) json_object_set(l, "description", json_object_get(req->json, "description"));
    json_object_set_new(l, "tags", tags ? json_copy(tags) : json_object());
    json_object_set_new(apigw__svc.links, id, l);
    /* AWS answers the creation PENDING (no status message, tags only when given);
     * here the link is ready at once, so GetVpcLink already says AVAILABLE */
    json_t *out = json_copy(l);
    json_object_set_new(out, "status", json_string("PENDING"));
    json_object_del(out, "statusMessage");
    if (!tags) json_object_del(out, "tags");
    apigw__save_reply(req, 'l', id, l, 202, out);
}

static json_t *v1_or_404(nb_req_t *req, const char **id)
{
    return apigw__param_or_404(req, apigw__svc.links, "vpclink_id", "Vpc Link", id);
}

void apigw__op_v1_get_vpc_link(nb_req_t *req)
{
    const char *id;
    json_t *l = v1_or_404(req, &id);
    if (l) nb_reply_json(req, 200, json_copy(l));
}

void apigw__op_v1_get_vpc_links(nb_req_t *req)
{
    json_t *out = apigw__list(apigw__svc.links, "item");
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(out, "item"), i, l)   /* listed without tags, as AWS lists them */
        if (json_object_size(json_object_get(l, "tags")) == 0) json_object_del(l, "tags");
    nb_reply_json(req, 200, out);
}

void apigw__op_v1_update_vpc_link(nb_req_t *req)
{
    const char *id, *msg;
    json_t *l = v1_or_404(req, &id);
    if (!l) return;
    json_t *ops = json_object_get(req->json, "patchOperations");
    static const char *const paths[] = {"/name", "/description", NULL};
    if (apigw__patch_paths_only(req, ops, paths) != 0) return;
    json_t *copy = json_deep_copy(l);
    if (apigw__patch(copy, ops, &msg) != 0 || !apigw__str(copy, "name") || !*apigw__str(copy, "name")) {
        json_decref(copy);
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "%s", msg && *msg ? msg : "Invalid VPC link name specified");
        return;
    }
    json_object_set_new(apigw__svc.links, id, copy);
    apigw__save_reply(req, 'l', id, copy, 200, json_copy(copy));
}

void apigw__op_v1_delete_vpc_link(nb_req_t *req)
{
    const char *id;
    if (!v1_or_404(req, &id)) return;
    json_object_del(apigw__svc.links, id);
    apigw__save_reply(req, 'l', id, NULL, 202, NULL);
}

/* --- v2 ------------------------------------------------------------------- */

void apigw__op_v2_create_vpc_link(nb_req_t *req)
{
    const char *name = apigw__str(req->json, "name");
    json_t *subnets = json_object_get(req->json, "subnetIds"), *sgs = json_object_get(req->json, "securityGroupIds");
    json_t *tags = json_object_get(req->json, "tags");
    if (!name || !*name || strlen(name) > 128) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid VPC link name specified");
        return;
    }
    if (!all_strings(subnets) || !json_array_size(subnets) || (sgs && !all_strings(sgs)) ||
        (tags && !json_is_object(tags))) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "SubnetIds must be a non-empty list of subnet ids");
        return;
    }
    char id[16];
    apigw__new_id(id, 6);
    json_t *l = json_pack("{s:o,s:s,s:O,s:o,s:o,s:s,s:s,s:s,s:s}", "createdDate", apigw__iso_now(), "name", name,
                          "subnetIds", subnets, "securityGroupIds", sgs ? json_copy(sgs) : json_array(), "tags",
                          tags ? json_copy(tags) : json_object(), "vpcLinkId", id, "vpcLinkStatus", "AVAILABLE",
                          "vpcLinkStatusMessage", "VPC link is ready to route traffic", "vpcLinkVersion", "V2");
    json_object_set_new(apigw__svc.links2, id, l);
    apigw__save_reply(req, 'L', id, l, 201, json_copy(l));
}

static json_t *v2_or_404(nb_req_t *req, const char **id)
{
    const char *p = nb_req_param(req, "vpcLinkId");
    *id = nb_arena_strdup(req->arena, p ? p : "");
    json_t *l = json_object_get(apigw__svc.links2, *id);
    if (!l) nb_reply_error(req, APIGW_ERR_NOT_FOUND, "Invalid VpcLink identifier specified %s", *id);
    return l;
}

void apigw__op_v2_get_vpc_link(nb_req_t *req)
{
    const char *id;
    json_t *l = v2_or_404(req, &id);
    if (l) nb_reply_json(req, 200, json_copy(l));
}

void apigw__op_v2_get_vpc_links(nb_req_t *req)
{
    nb_reply_json(req, 200, apigw__list(apigw__svc.links2, "items"));
}

void apigw__op_v2_update_vpc_link(nb_req_t *req)
{
    const char *id;
    json_t *l = v2_or_404(req, &id);
    if (!l) return;
    const char *name = apigw__str(req->json, "name");
    if (json_object_get(req->json, "name") && (!name || !*name || strlen(name) > 128)) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid VPC link name specified");
        return;
    }
    if (name) json_object_set_new(l, "name", json_string(name));
    apigw__save_reply(req, 'L', id, l, 200, json_copy(l));
}

void apigw__op_v2_delete_vpc_link(nb_req_t *req)
{
    const char *id;
    if (!v2_or_404(req, &id)) return;
    json_object_del(apigw__svc.links2, id);
    apigw__save_reply(req, 'L', id, NULL, 202, NULL);
}
