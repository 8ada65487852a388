/* sdk_types.c — the SDK types API Gateway generates (GetSdkTypes, GetSdkType)
 * with their configuration properties as AWS's developer guide lists them
 * ("Generate an SDK for a REST API"), and the check of GetSdk's parameters
 * against a type. Friendly names and descriptions are ours: AWS publishes
 * the property names and which are required, not its exact wording. */
#include "apigw/apigw_int.h"
#include <string.h>

typedef struct sdk_prop {
    const char *name, *friendly, *description, *def;
    int required;
} sdk_prop_t;

typedef struct sdk_type {
    const char *id, *friendly, *description;
    sdk_prop_t props[7];   /* ended by a NULL name */
} sdk_type_t;

static const sdk_type_t types[] = {
    {"android", "Android", "Android SDK (Java, for Android apps)",
     {{"groupId", "Group ID", "The Maven group ID of the generated project", NULL, 1},
      {"invokerPackage", "Invoker package", "The Java package of the generated classes", NULL, 1},
      {"artifactId", "Artifact ID", "The Maven artifact ID of the generated project", NULL, 1},
      {"artifactVersion", "Artifact version", "The Maven artifact version of the generated project", NULL, 1}}},
    {"java", "Java", "Java SDK",
     {{"serviceName", "Service Name", "The name of the generated client class", NULL, 1},
      {"javaPackageName", "Java Package Name", "The Java package of the generated classes", NULL, 1},
      {"javaBuildSystem", "Java Build System", "maven or gradle", "maven", 0},
      {"javaGroupId", "Java Group Id", "The group ID of the generated project", NULL, 0},
      {"javaArtifactId", "Java Artifact Id", "The artifact ID of the generated project", NULL, 0},
      {"javaArtifactVersion", "Java Artifact Version", "The version of the generated project", "1.0.0", 0}}},
    {"javascript", "JavaScript", "JavaScript SDK (browsers and Node.js)", {{NULL, NULL, NULL, NULL, 0}}},
    {"objectivec", "iOS (Objective-C)", "Objective-C SDK for iOS",
     {{"classPrefix", "Prefix", "The prefix of the generated class names", NULL, 1}}},
    {"ruby", "Ruby", "Ruby SDK",
     {{"service.name", "Service Name", "The name of the generated client", NULL, 1},
      {"ruby.gem-name", "Ruby Gem Name", "The name of the generated gem", NULL, 0},
      {"ruby.gem-version", "Ruby Gem Version", "The version of the generated gem", "1.0.0", 0}}},
    {"swift", "iOS (Swift)", "Swift SDK for iOS",
     {{"classPrefix", "Prefix", "The prefix of the generated class names", NULL, 1}}},
};
#define N_TYPES (sizeof types / sizeof types[0])

static const sdk_type_t *find(const char *id)
{
    for (size_t i = 0; id && i < N_TYPES; i++)
        if (strcmp(types[i].id, id) == 0) return &types[i];
    return NULL;
}

static json_t *shape(const sdk_type_t *t)
{
    json_t *props = json_array();
    for (const sdk_prop_t *p = t->props; p->name; p++) {
        json_t *o = json_pack("{s:s,s:s,s:s,s:b}", "name", p->name, "friendlyName", p->friendly, "description",
                              p->description, "required", p->required);
        if (p->def) json_object_set_new(o, "defaultValue", json_string(p->def));
        json_array_append_new(props, o);
    }
    return json_pack("{s:s,s:s,s:s,s:o}", "id", t->id, "friendlyName", t->friendly, "description", t->description,
                     "configurationProperties", props);
}

void apigw__op_get_sdk_types(nb_req_t *req)
{
    json_t *items = json_array();
    for (size_t i = 0; i < N_TYPES; i++) json_array_append_new(items, shape(&types[i]));
    nb_reply_json(req, 200, json_pack("{s:o}", "item", items));
}

void apigw__op_get_sdk_type(nb_req_t *req)
{
    const char *id = nb_req_param(req, "sdktype_id");
    const sdk_type_t *t = find(id);
    if (!t) {
        nb_reply_error(req, APIGW_ERR_NOT_FOUND, "Invalid SDK type specified: %s", id ? id : "");
        return;
    }
    nb_reply_json(req, 200, shape(t));
}

int apigw__sdk_type_check(nb_req_t *req, const char *id)
{
    const sdk_type_t *t = find(id);
    if (!t) {
        nb_reply_error(req, APIGW_ERR_NOT_FOUND, "Invalid SDK type specified: %s", id ? id : "");
        return -1;
    }
    for (const sdk_prop_t *p = t->props; p->name; p++) {
        const char *v = nb_req_qparam(req, p->name);
        if (p->required && (!v || !*v)) {
            nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Missing required parameter '%s' for SDK type %s", p->name, t->id);
            return -1;
        }
    }
    return 0;
}
