/* fnconfig.c — the FunctionConfiguration document: validating what a client
 * asks for (CreateFunction, UpdateFunctionConfiguration) with Lambda's own
 * error names and messages, and turning a stored configuration into the
 * parsed form instances are started from (lambda_fnconf_t). */
#include "lambda/lambda_int.h"
#include "auth/enforce.h"
#include "core/alloc.h"
#include "lambda/logfmt.h"
#include "logs/logs.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Runtime names accepted, and their AWS_EXECUTION_ENV ("" for custom runtimes).
 * "nimbus.native" is nimbus's native C runtime (include/nimbus/lambda.h). */
static const struct { const char *name, *exec_env; } runtimes[] = {
    {"nodejs18.x", "AWS_Lambda_nodejs18.x"},
    {"nodejs20.x", "AWS_Lambda_nodejs20.x"},
    {"nodejs22.x", "AWS_Lambda_nodejs22.x"},
    {"python3.11", "AWS_Lambda_python3.11"},
    {"python3.12", "AWS_Lambda_python3.12"},
    {"python3.13", "AWS_Lambda_python3.13"},
    {"provided.al2", ""},
    {"provided.al2023", ""},
    {"provided", ""},
    {"nimbus.native", "AWS_Lambda_nimbus.native"},
};

#define RUNTIME_ENUM "[nodejs18.x, nodejs20.x, nodejs22.x, python3.11, python3.12, python3.13, provided.al2, provided.al2023, nimbus.native]"

int lambda__runtime_known(const char *r)
{
    for (size_t i = 0; i < sizeof runtimes / sizeof runtimes[0]; i++)
        if (strcmp(runtimes[i].name, r) == 0) return 1;
    return 0;
}

const char *lambda__runtime_exec_env(const char *r)
{
    for (size_t i = 0; i < sizeof runtimes / sizeof runtimes[0]; i++)
        if (strcmp(runtimes[i].name, r) == 0) return runtimes[i].exec_env;
    return "";
}

/* Variables Lambda sets itself and refuses from users. */
static const char *const reserved_env[] = {
    "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR", NULL,
};

static int validation(nb_req_t *req, const char *fmt, const char *val, const char *field, const char *constraint)
{
    (void)fmt;
    lambda__err(req, LAMBDA_ERR_VALIDATION,
                "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s",
                val, field, constraint);
    return -1;
}

/* An optional string member of LoggingConfig: 0 with *out (NULL when absent),
 * or -1 after replying. */
static int logging_str(nb_req_t *req, json_t *lc, const char *key, const char *field, const char **out)
{
    json_t *v = json_object_get(lc, key);
    *out = NULL;
    if (!v || json_is_null(v)) return 0;
    if (!json_is_string(v)) {
        lambda__err(req, LAMBDA_ERR_INVALID_CONTENT, "Could not parse request body into json: %s must be a string", field);
        return -1;
    }
    *out = json_string_value(v);
    return 0;
}

/* LoggingConfig: each member checked as the API model constrains it, then
 * merged into the current configuration — members not given keep their value.
 * The JSON format gets both levels (INFO unless given); the Text format has
 * none, and refuses them. 0, or -1 after replying. */
static int check_logging(nb_req_t *req, json_t *lc, json_t *cfg)
{
    const char *fmt, *app, *sys, *group;
    if (!json_is_object(lc)) {
        lambda__err(req, LAMBDA_ERR_INVALID_CONTENT, "Could not parse request body into json: LoggingConfig must be an object");
        return -1;
    }
    if (logging_str(req, lc, "LogFormat", "LogFormat", &fmt) || logging_str(req, lc, "ApplicationLogLevel", "ApplicationLogLevel", &app)
        || logging_str(req, lc, "SystemLogLevel", "SystemLogLevel", &sys) || logging_str(req, lc, "LogGroup", "LogGroup", &group))
        return -1;
    if (fmt && strcmp(fmt, "JSON") != 0 && strcmp(fmt, "Text") != 0)
        return validation(req, NULL, fmt, "loggingConfig.logFormat", "Member must satisfy enum value set: [JSON, Text]");
    if (app && !lambda__log_level_parse(app))
        return validation(req, NULL, app, "loggingConfig.applicationLogLevel",
                          "Member must satisfy enum value set: [TRACE, DEBUG, INFO, WARN, ERROR, FATAL]");
    if (sys && (!lambda__log_level_parse(sys) || strcmp(sys, "TRACE") == 0 || strcmp(sys, "ERROR") == 0
                || strcmp(sys, "FATAL") == 0))
        return validation(req, NULL, sys, "loggingConfig.systemLogLevel", "Member must satisfy enum value set: [DEBUG, INFO, WARN]");
    if (group) {
        size_t n = strlen(group);
        if (n < 1) return validation(req, NULL, group, "loggingConfig.logGroup", "Member must have length greater than or equal to 1");
        if (n > 512) return validation(req, NULL, "...", "loggingConfig.logGroup", "Member must have length less than or equal to 512");
        if (!logs_valid_group(group))
            return validation(req, NULL, group, "loggingConfig.logGroup",
                              "Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+");
    }
    json_t *cur = json_object_get(cfg, "LoggingConfig");
    const char *cur_fmt = json_string_value(json_object_get(cur, "LogFormat"));
    int json_fmt = strcmp(fmt ? fmt : cur_fmt ? cur_fmt : "Text", "JSON") == 0;
    if (!json_fmt && (app || sys)) {
        lambda__err(req, LAMBDA_ERR_INVALID_PARAM,
                    "LogLevel is not supported when LogFormat is set to \"Text\". Remove LogLevel from your request "
                    "or change the LogFormat to \"Json\" and try again.");
        return -1;
    }
    json_t *out = json_object();
    json_object_set_new(out, "LogFormat", json_string(json_fmt ? "JSON" : "Text"));
    if (json_fmt) {
        const char *ca = json_string_value(json_object_get(cur, "ApplicationLogLevel"));
        const char *cs = json_string_value(json_object_get(cur, "SystemLogLevel"));
        json_object_set_new(out, "ApplicationLogLevel", json_string(app ? app : ca ? ca : "INFO"));
        json_object_set_new(out, "SystemLogLevel", json_string(sys ? sys : cs ? cs : "INFO"));
    }
    if (group) json_object_set_new(out, "LogGroup", json_string(group));
    else json_object_set(out, "LogGroup", json_object_get(cur, "LogGroup"));
    json_object_set_new(cfg, "LoggingConfig", out);
    return 0;
}

static int check_int(nb_req_t *req, json_t *v, const char *field, long lo, long hi, long *out)
{
    char s[32];
    if (!json_is_integer(v)) {
        lambda__err(req, LAMBDA_ERR_INVALID_PARAM, "%s must be an integer", field);
        return -1;
    }
    long n = (long)json_integer_value(v);
    snprintf(s, sizeof s, "%ld", n);
    char c[96];
    if (n < lo) {
        snprintf(c, sizeof c, "Member must have value greater than or equal to %ld", lo);
        return validation(req, NULL, s, field, c);
    }
    if (n > hi) {
        snprintf(c, sizeof c, "Member must have value less than or equal to %ld", hi);
        return validation(req, NULL, s, field, c);
    }
    *out = n;
    return 0;
}

static int check_env(nb_req_t *req, json_t *env, json_t **vars_out)
{
    json_t *vars = json_object_get(env, "Variables");
    if (!vars) vars = json_object();
    else if (!json_is_object(vars)) {
        lambda__err(req, LAMBDA_ERR_INVALID_PARAM, "Environment.Variables must be a map");
        return -1;
    } else json_incref(vars);
    const char *k;
    json_t *v;
    size_t total = 0;
    nb_buf_t bad = NB_BUF_INIT;
    json_object_foreach(vars, k, v) {
        if (!json_is_string(v)) {
            json_decref(vars);
            nb_buf_free(&bad);
            lambda__err(req, LAMBDA_ERR_INVALID_PARAM, "Environment variable %s must be a string", k);
            return -1;
        }
        total += strlen(k) + json_string_length(v);
        for (int i = 0; reserved_env[i]; i++)
            if (strcmp(reserved_env[i], k) == 0) {
                if (bad.len) nb_buf_puts(&bad, ",");
                nb_buf_puts(&bad, k);
            }
        int ok = *k && ((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z'));
        for (const char *p = k; *p && ok; p++)
            ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_';
        if (!ok) {
            json_decref(vars);
            nb_buf_free(&bad);
            return validation(req, NULL, k, "environment.variables",
                              "Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+");
        }
    }
    if (bad.len) {
        lambda__err(req, LAMBDA_ERR_INVALID_PARAM,
                    "Lambda was unable to configure your environment variables because the environment "
                    "variables you have provided contains reserved keys that are currently not supported "
                    "for modification. Reserved keys used in this request: %s", bad.data);
        nb_buf_free(&bad);
        json_decref(vars);
        return -1;
    }
    if (total > 4096) {
        lambda__err(req, LAMBDA_ERR_INVALID_PARAM,
                    "Lambda was unable to configure your environment variables because the environment "
                    "variables you have provided exceeded the 4KB limit. String measured: %zu", total);
        json_decref(vars);
        return -1;
    }
    *vars_out = vars;
    return 0;
}

static int check_layers(nb_req_t *req, store_txn_t *t, json_t *layers, json_t **out)
{
    if (!json_is_array(layers) || json_array_size(layers) > 5) {
        lambda__err(req, LAMBDA_ERR_INVALID_PARAM, "Layers must be a list of at most 5 layer version ARNs");
        return -1;
    }
    json_t *res = json_array();
    size_t i;
    json_t *v;
    json_array_foreach(layers, i, v) {
        const char *arn = json_string_value(v);
        const char *l = arn ? strstr(arn, ":layer:") : NULL;
        const char *c = l ? strrchr(l + 7, ':') : NULL;
        json_t *rec = NULL;
        if (c && c > l + 7 && lambda__is_version(c + 1) && strcmp(c + 1, "$LATEST") != 0) {
            char name[130];
            snprintf(name, sizeof name, "%.*s", (int)(c - (l + 7)), l + 7);
            nb_buf_t k = NB_BUF_INIT;
            lambda__ver_key(&k, name, (unsigned)strtoul(c + 1, NULL, 10));
            rec = lambda__get_json(t, LAMBDA_KS_LAYER, k.data, k.len);
            nb_buf_free(&k);
        }
        if (!rec) {
            json_decref(res);
            lambda__err(req, LAMBDA_ERR_INVALID_PARAM, "Layer version %s does not exist.", arn ? arn : "");
            return -1;
        }
        json_t *content = json_object_get(rec, "Content");
        json_t *size = json_object_get(content, "CodeSize");
        json_array_append_new(res, json_pack("{s:s,s:o}", "Arn", arn, "CodeSize",
                                             size ? json_incref(size) : json_integer(0)));
        json_decref(rec);
    }
    *out = res;
    return 0;
}

/* DeadLetterConfig: TargetArn an SQS queue or SNS topic, "" to remove it.
 * 0, or -1 after answering. */
static int dead_letter(nb_req_t *req, json_t *v, json_t *cfg)
{
    json_t *ta = json_object_get(v, "TargetArn");
    const char *target = json_string_value(ta);
    if (ta && target && !*target) {
        json_object_del(cfg, "DeadLetterConfig");
        return 0;
    }
    const lambda_dest_kind_t *k = target ? lambda__dest_kind(target) : NULL;
    if (ta && (!k || (strcmp(k->service, "sqs") != 0 && strcmp(k->service, "sns") != 0))) {
        lambda__err(req, LAMBDA_ERR_INVALID_PARAM,
                    "The target ARN %s is invalid. It must be an Amazon SQS queue or an Amazon SNS topic.",
                    target ? target : "");
        return -1;
    }
    json_object_set(cfg, "DeadLetterConfig", v);
    return 0;
}

/* The dead-letter target gets the failed events with the function's execution
 * role, so (as AWS checks when either is set) that role must be allowed to
 * send to the queue / publish to the topic. 0, or -1 after answering
 * InvalidParameterValueException. Nothing with --auth open. */
static int dead_letter_denied(nb_req_t *req, store_txn_t *t, json_t *cfg)
{
    const char *target = json_string_value(json_object_get(json_object_get(cfg, "DeadLetterConfig"), "TargetArn"));
    const lambda_dest_kind_t *k = target && *target ? lambda__dest_kind(target) : NULL;
    if (!k || req->ctx->cfg->auth_open ||
        lambda__role_may_deliver(req->ctx, t, json_string_value(json_object_get(cfg, "Role")), k, target))
        return 0;
    lambda__err(req, LAMBDA_ERR_INVALID_PARAM, "The provided execution role does not have permissions to call %s on %s",
                k->verb, k->label);
    return -1;
}

int lambda__apply_config(nb_req_t *req, store_txn_t *t, json_t *body, json_t *cfg, int creating)
{
    json_t *v;
    long n;
    if ((v = json_object_get(body, "Runtime"))) {
        const char *r = json_string_value(v);
        if (!r || !lambda__runtime_known(r))
            return validation(req, NULL, r ? r : "", "runtime", "Member must satisfy enum value set: " RUNTIME_ENUM);
        json_object_set(cfg, "Runtime", v);
    } else if (creating) {
        lambda__err(req, LAMBDA_ERR_INVALID_PARAM, "Runtime and Handler are mandatory parameters for functions created with deployment packages.");
        return -1;
    }
    const char *runtime = json_string_value(json_object_get(cfg, "Runtime"));
    if ((v = json_object_get(body, "Handler"))) {
        const char *h = json_string_value(v);
        if (!h || strlen(h) > 128)
            return validation(req, NULL, h ? h : "", "handler", "Member must have length less than or equal to 128");
        json_object_set(cfg, "Handler", v);
    } else if (creating && runtime && strncmp(runtime, "provided", 8) != 0) {
        lambda__err(req, LAMBDA_ERR_INVALID_PARAM, "Runtime and Handler are mandatory parameters for functions created with deployment packages.");
        return -1;
    }
    if ((v = json_object_get(body, "Role"))) {
        const char *r = json_string_value(v);
        if (!r || strncmp(r, "arn:", 4) != 0 || !strstr(r, ":role/"))
            return validation(req, NULL, r ? r : "", "role",
                              "Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+");
        /* as on AWS, a role Lambda may not assume (missing, of another
         * account, or whose trust policy does not let lambda.amazonaws.com
         * assume it) is refused up front; an instance's credentials check the
         * trust again, for a role changed later (Runtime.InvalidRole) */
        if (!req->ctx->cfg->auth_open &&
            !auth_role_trusts(req->ctx, t, r, "lambda.amazonaws.com",
                              json_string_value(json_object_get(cfg, "FunctionArn")))) {
            lambda__err(req, LAMBDA_ERR_INVALID_PARAM, "The role defined for the function cannot be assumed by Lambda.");
            return -1;
        }
        json_object_set(cfg, "Role", v);
    } else if (creating) {
        return validation(req, NULL, "null", "role", "Member must not be null");
    }
    if ((v = json_object_get(body, "Description"))) {
        const char *d = json_string_value(v);
        if (!d || strlen(d) > 256)
            return validation(req, NULL, "...", "description", "Member must have length less than or equal to 256");
        json_object_set(cfg, "Description", v);
    }
    if ((v = json_object_get(body, "Timeout"))) {
        if (check_int(req, v, "timeout", 1, 900, &n)) return -1;
        json_object_set_new(cfg, "Timeout", json_integer(n));
    }
    if ((v = json_object_get(body, "MemorySize"))) {
        if (check_int(req, v, "memorySize", 128, 10240, &n)) return -1;
        json_object_set_new(cfg, "MemorySize", json_integer(n));
    }
    if ((v = json_object_get(body, "EphemeralStorage")) && !json_is_object(v)) {
        lambda__err(req, LAMBDA_ERR_INVALID_CONTENT, "Could not parse request body into json: EphemeralStorage must be an object");
        return -1;
    }
    if (v) {
        if (check_int(req, json_object_get(v, "Size"), "ephemeralStorage.size", 512, 10240, &n)) return -1;
        json_object_set_new(cfg, "EphemeralStorage", json_pack("{s:I}", "Size", (json_int_t)n));
    }
    if ((v = json_object_get(body, "Environment"))) {
        json_t *vars;
        if (!json_is_object(v)) {
            lambda__err(req, LAMBDA_ERR_INVALID_CONTENT, "Could not parse request body into json: Environment must be an object");
            return -1;
        }
        if (check_env(req, v, &vars)) return -1;
        json_object_set_new(cfg, "Environment", json_pack("{s:o}", "Variables", vars));
    }
    if ((v = json_object_get(body, "Layers"))) {
        json_t *layers;
        if (check_layers(req, t, v, &layers)) return -1;
        if (json_array_size(layers)) json_object_set_new(cfg, "Layers", layers);
        else { json_decref(layers); json_object_del(cfg, "Layers"); }
    }
    if ((v = json_object_get(body, "TracingConfig")) && json_object_get(v, "Mode"))
        json_object_set_new(cfg, "TracingConfig", json_pack("{s:O}", "Mode", json_object_get(v, "Mode")));
    if ((v = json_object_get(body, "Architectures"))) {
        const char *a = json_string_value(json_array_get(v, 0));
        if (json_array_size(v) != 1 || !a || (strcmp(a, "x86_64") != 0 && strcmp(a, "arm64") != 0))
            return validation(req, NULL, a ? a : "", "architectures", "Member must satisfy enum value set: [x86_64, arm64]");
        json_object_set(cfg, "Architectures", v);
    }
    if ((v = json_object_get(body, "DeadLetterConfig")) && json_is_object(v) && dead_letter(req, v, cfg)) return -1;
    if ((json_object_get(body, "DeadLetterConfig") || json_object_get(body, "Role")) && dead_letter_denied(req, t, cfg))
        return -1;
    if ((v = json_object_get(body, "KMSKeyArn")) && json_is_string(v))
        json_object_set(cfg, "KMSKeyArn", v);
    if ((v = json_object_get(body, "VpcConfig")) && json_is_object(v))
        json_object_set_new(cfg, "VpcConfig", json_pack("{s:O?,s:O?,s:s}", "SubnetIds", json_object_get(v, "SubnetIds"),
                                                        "SecurityGroupIds", json_object_get(v, "SecurityGroupIds"), "VpcId", ""));
    if ((v = json_object_get(body, "LoggingConfig")) && check_logging(req, v, cfg)) return -1;
    return 0;
}

void lambda__conf_ref(lambda_fnconf_t *c) { c->refs++; }

void lambda__conf_unref(lambda_fnconf_t *c)
{
    if (!c || --c->refs > 0) return;
    free(c->name); free(c->version); free(c->fn_arn); free(c->runtime); free(c->handler);
    free(c->code_dir); free(c->opt_dir); free(c->revision); free(c->role); free(c->code_sha); free(c->log_group);
    json_decref(c->env);
    json_decref(c->layer_arns);
    free(c);
}

static char *sdup(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return nb_xstrdup(s ? s : "");
}

lambda_fnconf_t *lambda__conf_from_cfg(json_t *cfg, const char *code_sha)
{
    lambda_fnconf_t *c = nb_xcalloc(1, sizeof *c);
    c->refs = 1;
    c->name = sdup(cfg, "FunctionName");
    c->version = sdup(cfg, "Version");
    c->fn_arn = lambda__fn_arn(c->name, NULL);
    c->runtime = sdup(cfg, "Runtime");
    c->handler = sdup(cfg, "Handler");
    c->revision = sdup(cfg, "RevisionId");
    c->role = sdup(cfg, "Role");
    c->code_sha = nb_xstrdup(code_sha);
    c->code_dir = lambda__code_dir(c->name, code_sha);
    json_t *arns = json_array();
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(cfg, "Layers"), i, l)
        json_array_append(arns, json_object_get(l, "Arn"));
    c->opt_dir = lambda__opt_dir(arns);   /* unpacked by lambda__conf_prepare when missing */
    c->layer_arns = arns;
    c->memory_mb = (unsigned)json_integer_value(json_object_get(cfg, "MemorySize"));
    c->timeout_s = (unsigned)json_integer_value(json_object_get(cfg, "Timeout"));
    c->tmp_mb = (unsigned)json_integer_value(json_object_get(json_object_get(cfg, "EphemeralStorage"), "Size"));
    if (!c->memory_mb) c->memory_mb = 128;
    if (!c->timeout_s) c->timeout_s = 3;
    if (!c->tmp_mb) c->tmp_mb = 512;
    c->vpc = json_array_size(json_object_get(json_object_get(cfg, "VpcConfig"), "SubnetIds")) > 0;
    json_t *vars = json_object_get(json_object_get(cfg, "Environment"), "Variables");
    c->env = vars ? json_incref(vars) : json_object();
    json_t *lc = json_object_get(cfg, "LoggingConfig");
    const char *group = json_string_value(json_object_get(lc, "LogGroup"));
    if (group && logs_valid_group(group)) {
        c->log_group = nb_xstrdup(group);
    } else {
        size_t n = strlen(c->name) + sizeof "/aws/lambda/";
        c->log_group = nb_xmalloc(n);
        snprintf(c->log_group, n, "/aws/lambda/%s", c->name);
    }
    const char *fmt = json_string_value(json_object_get(lc, "LogFormat"));
    c->log_json = fmt && strcmp(fmt, "JSON") == 0;
    c->app_level = lambda__log_level_parse(json_string_value(json_object_get(lc, "ApplicationLogLevel")));
    c->sys_level = lambda__log_level_parse(json_string_value(json_object_get(lc, "SystemLogLevel")));
    if (!c->app_level) c->app_level = LAMBDA_LVL_INFO;
    if (!c->sys_level) c->sys_level = LAMBDA_LVL_INFO;
    return c;
}
