/* cp_export.c — GetExport (a REST API stage as Swagger 2 / OpenAPI 3) and
 * ExportApi (an HTTP API as OpenAPI 3), JSON or YAML: the request's checks
 * and the answer; the definitions are built by export.c. */
#include "apigw/dp.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* type: the answer's Content-Type, NULL for JSON or YAML as chosen */
static void reply_text(nb_req_t *req, json_t *def, int yaml, const char *disposition, const char *type)
{
    nb_buf_t b = NB_BUF_INIT;
    apigw__export_text(def, yaml, &b);
    json_decref(def);
    if (disposition) nb_resp_header(req, "Content-Disposition", disposition);
    nb_reply(req, 200, type ? type : yaml ? "application/yaml" : "application/json", b.data ? b.data : "", b.len);
    nb_buf_free(&b);
}

void apigw__op_v1_get_export(nb_req_t *req)
{
    json_t *doc = apigw__api_or_404(req, nb_req_param(req, "restapi_id"), "v1");
    if (!doc) return;
    const char *stage = nb_req_param(req, "stage_name");
    json_t *st = apigw__child_or_404(req, doc, "stages", stage, "Stage");
    if (!st) return;
    const char *type = nb_req_param(req, "export_type");
    int oas3 = type && strcmp(type, "oas30") == 0;
    if (!oas3 && (!type || strcmp(type, "swagger") != 0)) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid export type specified: %s. Valid options are oas30, swagger",
                       type ? type : "");
        return;
    }
    const char *accept = nb_req_header(req, "accept");
    int yaml = accept && (strstr(accept, "yaml") != NULL);
    if (accept && !yaml && !strstr(accept, "json") && !strstr(accept, "*/*")) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid Accept header specified: %s. Valid options are "
                       "application/json, application/yaml", accept);
        return;
    }
    const char *exts = nb_req_qparam(req, "extensions");
    const char *dep_id = json_string_value(json_object_get(st, "deploymentId"));
    json_t *dep = json_object_get(json_object_get(doc, "deployments"), dep_id ? dep_id : "");
    if (!dep) {
        nb_reply_error(req, APIGW_ERR_NOT_FOUND, "Invalid Deployment identifier specified");
        return;
    }
    json_t *def = apigw__export_v1(req->arena, doc, dep, stage, oas3, exts ? exts : "");
    if (exts && strstr(exts, "documentation"))
        json_object_set_new(def, "x-amazon-apigateway-documentation", apigw__docs_export(doc, st));
    /* AWS names the file by the API's version (else the export's date) and answers a JSON
     * export application/octet-stream, asked with "Accept: application/json" (botocore's) */
    /* the version is the user's text: in a header value, no control byte, quote or backslash */
    char *ver = nb_arena_strdup(req->arena, apigw__export_version(req->arena, json_object_get(doc, "api"), dep));
    for (char *c = ver; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f || *c == '"' || *c == '\\') *c = '_';
    reply_text(req, def, yaml, nb_arena_printf(req->arena, "attachment; filename=\"%s_%s.%s\"",
                                               oas3 ? "oas30" : "swagger", ver, yaml ? "yaml" : "json"),
               yaml ? NULL : "application/octet-stream");
}

void apigw__op_v2_export_api(nb_req_t *req)
{
    json_t *doc = apigw__api_or_404(req, nb_req_param(req, "apiId"), "v2");
    if (!doc) return;
    json_t *api = json_object_get(doc, "api");
    const char *pt = json_string_value(json_object_get(api, "protocolType"));
    if (pt && strcmp(pt, "WEBSOCKET") == 0) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Export is not supported for WebSocket APIs");
        return;
    }
    const char *spec = nb_req_param(req, "specification");
    if (!spec || strcmp(spec, "OAS30") != 0) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid specification: %s. Valid options are OAS30", spec ? spec : "");
        return;
    }
    const char *ot = nb_req_qparam(req, "outputType");
    if (!ot || (strcmp(ot, "JSON") && strcmp(ot, "YAML"))) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid outputType: %s. Valid options are JSON, YAML", ot ? ot : "");
        return;
    }
    const char *ev = nb_req_qparam(req, "exportVersion");
    if (ev && strcmp(ev, "1.0") != 0) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid exportVersion: %s. Valid options are 1.0", ev);
        return;
    }
    const char *ie = nb_req_qparam(req, "includeExtensions");
    int extensions = !ie || strcasecmp(ie, "false") != 0;
    const char *stage = nb_req_qparam(req, "stageName");
    json_t *served = doc;
    if (stage) {
        json_t *st = apigw__child_or_404(req, doc, "stages", stage, "Stage");
        if (!st) return;
        served = apigw__dp_served(st, doc);
        if (!served) {
            nb_reply_error(req, APIGW_ERR_NOT_FOUND, "The stage %s has no deployment", stage);
            return;
        }
    }
    reply_text(req, apigw__export_v2(req->arena, api, served, stage, extensions), strcmp(ot, "YAML") == 0, NULL, NULL);
}
