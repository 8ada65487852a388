/* sdk_js.c — the JavaScript client GetSdk generates for a REST API stage
 * (apiGateway-js-sdk/apigClient.js): apigClientFactory.newClient(config) with
 * one method per resource and HTTP method, named as API Gateway names them
 * (GET /users/{id} → usersIdGet, GET / → rootGet), over a request core of our
 * own that needs only fetch and the Web Crypto API (browsers, Node.js 20+):
 * SigV4 (execute-api) for AWS_IAM methods, x-api-key for apiKeyRequired ones.
 * No third-party code. */
#include "apigw/apigw_int.h"
#include "core/buf.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* The request core (apigClientFactory._core) and the module export. */
static const char runtime_js[] =
    "/* The request core of every generated client: URL and headers from the\n"
    " * method's parameters, SigV4 signing (service execute-api) with the Web\n"
    " * Crypto API, fetch. Promises resolve to {status, statusText, headers, data}\n"
    " * for 2xx answers and reject with an Error carrying the same members (and\n"
    " * .response) otherwise; data is parsed JSON when the answer is JSON. */\n"
    "apigClientFactory._core = function (config, invokeUrl) {\n"
    "  var te = new TextEncoder();\n"
    "  var subtle = globalThis.crypto && globalThis.crypto.subtle;\n"
    "\n"
    "  function enc(s) {\n"
    "    return encodeURIComponent(s).replace(/[!'()*]/g, function (c) {\n"
    "      return '%' + c.charCodeAt(0).toString(16).toUpperCase();\n"
    "    });\n"
    "  }\n"
    "  function hex(bytes) {\n"
    "    var out = '';\n"
    "    for (var i = 0; i < bytes.length; i++) out += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);\n"
    "    return out;\n"
    "  }\n"
    "  async function sha256(data) {\n"
    "    return hex(new Uint8Array(await subtle.digest('SHA-256', typeof data === 'string' ? te.encode(data) : data)));\n"
    "  }\n"
    "  async function hmac(key, msg) {\n"
    "    var k = await subtle.importKey('raw', typeof key === 'string' ? te.encode(key) : key,\n"
    "                                   { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);\n"
    "    return new Uint8Array(await subtle.sign('HMAC', k, te.encode(msg)));\n"
    "  }\n"
    "\n"
    "  /* Adds x-amz-date, x-amz-security-token and Authorization to headers. */\n"
    "  async function sign(method, url, query, headers, body) {\n"
    "    if (!subtle) throw new Error('SigV4 signing needs the Web Crypto API (crypto.subtle)');\n"
    "    var u = new URL(url);\n"
    "    var amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\\.\\d{3}/, '');\n"
    "    var day = amzDate.slice(0, 8);\n"
    "    var region = config.region || 'us-east-1';\n"
    "    headers['x-amz-date'] = amzDate;\n"
    "    if (config.sessionToken) headers['x-amz-security-token'] = config.sessionToken;\n"
    "    var signed = { host: u.host, 'x-amz-date': amzDate };\n"
    "    if (config.sessionToken) signed['x-amz-security-token'] = config.sessionToken;\n"
    "    var names = Object.keys(signed).sort();\n"
    "    var canonHeaders = names.map(function (n) { return n + ':' + String(signed[n]).trim() + '\\n'; }).join('');\n"
    "    var canonPath = u.pathname.split('/').map(enc).join('/');\n"
    "    var canonQuery = query.map(function (kv) { return [enc(kv[0]), enc(kv[1])]; })\n"
    "      .sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0; })\n"
    "      .map(function (kv) { return kv[0] + '=' + kv[1]; }).join('&');\n"
    "    var canonical = [method, canonPath, canonQuery, canonHeaders, names.join(';'), await sha256(body || '')].join('\\n');\n"
    "    var scope = day + '/' + region + '/execute-api/aws4_request';\n"
    "    var toSign = ['AWS4-HMAC-SHA256', amzDate, scope, await sha256(canonical)].join('\\n');\n"
    "    var k = await hmac('AWS4' + config.secretKey, day);\n"
    "    k = await hmac(k, region);\n"
    "    k = await hmac(k, 'execute-api');\n"
    "    k = await hmac(k, 'aws4_request');\n"
    "    headers['Authorization'] = 'AWS4-HMAC-SHA256 Credential=' + config.accessKey + '/' + scope +\n"
    "      ', SignedHeaders=' + names.join(';') + ', Signature=' + hex(await hmac(k, toSign));\n"
    "  }\n"
    "\n"
    "  async function request(m, params, body, additionalParams) {\n"
    "    params = params || {};\n"
    "    var extra = additionalParams || {};\n"
    "    var method = m.method === 'ANY' ? String(extra.method || 'GET').toUpperCase() : m.method;\n"
    "    var path = m.path.replace(/\\{([^}+]+)(\\+?)\\}/g, function (all, name, greedy) {\n"
    "      if (params[name] === undefined || params[name] === null) throw new Error('Missing required parameter: ' + name);\n"
    "      var v = String(params[name]);\n"
    "      return greedy ? v.split('/').map(enc).join('/') : enc(v);\n"
    "    });\n"
    "    var query = [];\n"
    "    m.query.forEach(function (n) {\n"
    "      if (params[n] !== undefined && params[n] !== null) query.push([n, String(params[n])]);\n"
    "    });\n"
    "    var eq = extra.queryParams || {};\n"
    "    Object.keys(eq).forEach(function (n) { query.push([n, String(eq[n])]); });\n"
    "    var headers = { 'Accept': config.defaultAcceptType, 'Content-Type': config.defaultContentType };\n"
    "    m.headers.forEach(function (n) {\n"
    "      if (params[n] !== undefined && params[n] !== null) headers[n] = String(params[n]);\n"
    "    });\n"
    "    var eh = extra.headers || {};\n"
    "    Object.keys(eh).forEach(function (n) { headers[n] = String(eh[n]); });\n"
    "    if (m.apiKeyRequired && config.apiKey) headers['x-api-key'] = config.apiKey;\n"
    "    var payload;\n"
    "    if (body !== undefined && body !== null && method !== 'GET' && method !== 'HEAD')\n"
    "      payload = typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);\n"
    "    var url = invokeUrl.replace(/\\/$/, '') + path +\n"
    "      (query.length ? '?' + query.map(function (kv) { return enc(kv[0]) + '=' + enc(kv[1]); }).join('&') : '');\n"
    "    if (m.authType === 'AWS_IAM' && config.accessKey && config.secretKey) await sign(method, url, query, headers, payload);\n"
    "    var res = await fetch(url, { method: method, headers: headers, body: payload });\n"
    "    var text = await res.text();\n"
    "    var data = text;\n"
    "    if (/json/i.test(res.headers.get('content-type') || '') && text.length) {\n"
    "      try { data = JSON.parse(text); } catch (e) { data = text; }\n"
    "    }\n"
    "    var out = { status: res.status, statusText: res.statusText, headers: {}, data: data };\n"
    "    res.headers.forEach(function (v, k) { out.headers[k] = v; });\n"
    "    if (res.ok) return out;\n"
    "    var err = new Error('Request failed with status ' + res.status);\n"
    "    Object.assign(err, out, { response: out });\n"
    "    throw err;\n"
    "  }\n"
    "\n"
    "  return { request: request };\n"
    "};\n"
    "\n"
    "if (typeof module === 'object' && module && module.exports) module.exports = apigClientFactory;\n"
    "else if (typeof globalThis === 'object') globalThis.apigClientFactory = apigClientFactory;\n";

/* Appends the method name of path + http method: words of the path (split at
 * anything not a letter or digit), the first lower-cased, the others
 * capitalized, then the method capitalized ("/" is "root"). */
static void method_name(nb_buf_t *b, const char *path, const char *hm)
{
    int first = 1, start = 1;
    for (const char *p = path; *p; p++) {
        if (!isalnum((unsigned char)*p)) {
            start = 1;
            continue;
        }
        char c = *p;
        if (start) c = first ? (char)tolower((unsigned char)c) : (char)toupper((unsigned char)c);
        nb_buf_putc(b, c);
        first = start = 0;
    }
    if (first) nb_buf_puts(b, "root");
    nb_buf_putc(b, (char)toupper((unsigned char)hm[0]));
    for (const char *p = hm + 1; *p; p++) nb_buf_putc(b, (char)tolower((unsigned char)*p));
}

/* The names of the method's request parameters of one location
 * ("method.request.querystring.", "method.request.header.") (new ref). */
static json_t *param_names(json_t *m, const char *prefix)
{
    json_t *out = json_array();
    size_t n = strlen(prefix);
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(m, "requestParameters"), k, v) {
        if (strncmp(k, prefix, n) == 0 && k[n]) json_array_append_new(out, json_string(k + n));
    }
    return out;
}

static int by_path(const void *a, const void *b)
{
    const char *pa = json_string_value(json_object_get(*(json_t *const *)a, "path"));
    const char *pb = json_string_value(json_object_get(*(json_t *const *)b, "path"));
    return strcmp(pa ? pa : "", pb ? pb : "");
}

void apigw__sdk_js(json_t *resources, const char *api_name, const char *stage, const char *invoke_url, nb_buf_t *out)
{
    /* names as JSON strings in line comments: nothing in them can end the comment */
    json_t *jn = json_pack("[ss]", api_name, stage);
    char *q = json_dumps(jn, JSON_COMPACT | JSON_ENSURE_ASCII);
    nb_buf_printf(out, "// apigClient.js — a client of the REST API and stage %s,\n"
                       "// generated by nimbus (GetSdk). Needs fetch and the Web Crypto API (browsers,\n"
                       "// Node.js 20+); no other dependency.\n//\n"
                       "//   var apigClient = apigClientFactory.newClient({accessKey, secretKey, sessionToken,\n"
                       "//       region, apiKey, defaultContentType, defaultAcceptType, invokeUrl});\n"
                       "//   apigClient.usersIdGet({id: '7'}, undefined, {headers: {}, queryParams: {}})\n"
                       "//     .then(function (r) { return r.data; });\n", q ? q : "[]");
    free(q);
    json_decref(jn);
    nb_buf_puts(out, "var apigClientFactory = {};\n\napigClientFactory.newClient = function (config) {\n"
                     "  config = Object.assign({ accessKey: '', secretKey: '', sessionToken: '', region: 'us-east-1',\n"
                     "    apiKey: undefined, defaultContentType: 'application/json', defaultAcceptType: 'application/json' },\n"
                     "    config || {});\n");
    json_t *url = json_string(invoke_url);
    q = json_dumps(url, JSON_ENCODE_ANY | JSON_ENSURE_ASCII);
    nb_buf_printf(out, "  var invokeUrl = config.invokeUrl || %s;\n", q ? q : "\"\"");
    free(q);
    json_decref(url);
    nb_buf_puts(out, "  var core = apigClientFactory._core(config, invokeUrl);\n  var apigClient = {};\n");
    size_t n = json_object_size(resources), i = 0;
    json_t **rs = calloc(n ? n : 1, sizeof *rs);
    const char *k;
    json_t *r;
    json_object_foreach(resources, k, r) if (rs) rs[i++] = r;
    if (rs) qsort(rs, i, sizeof *rs, by_path);
    for (size_t j = 0; rs && j < i; j++) {
        const char *path = json_string_value(json_object_get(rs[j], "path"));
        const char *hm;
        json_t *m;
        json_object_foreach(json_object_get(rs[j], "resourceMethods"), hm, m) {
            const char *at = json_string_value(json_object_get(m, "authorizationType"));
            json_t *d = json_pack("{s:s,s:s,s:o,s:o,s:s,s:b}", "method", hm, "path", path ? path : "/", "query",
                                  param_names(m, "method.request.querystring."), "headers",
                                  param_names(m, "method.request.header."), "authType", at ? at : "NONE",
                                  "apiKeyRequired", json_is_true(json_object_get(m, "apiKeyRequired")));
            char *dj = json_dumps(d, JSON_COMPACT | JSON_ENSURE_ASCII);
            json_decref(d);
            nb_buf_puts(out, "\n  apigClient.");
            method_name(out, path ? path : "/", hm);
            nb_buf_printf(out, " = function (params, body, additionalParams) {\n"
                               "    return core.request(%s, params, body, additionalParams);\n  };\n", dj ? dj : "{}");
            free(dj);
        }
    }
    free(rs);
    nb_buf_puts(out, "\n  return apigClient;\n};\n\n");
    nb_buf_append(out, runtime_js, sizeof runtime_js - 1);
}
