/* vtl.h — the Velocity Template Language subset of API Gateway mapping
 * templates (Velocity 1.7 as API Gateway runs it).
 *
 * Supported: text; references $x, $!x, ${x}, $!{x}, $x.y, $x.m(args), $x[i],
 * escaped \$x (defined: "$x"; undefined: kept as written); #set($x = expr)
 * (also $x.y.z targets, e.g. $context.responseOverride.status);
 * #if/#elseif/#else/#end; #foreach($x in expr)...#end (at most 1,000
 * iterations, API Gateway's quota) with $foreach.index, .count, .hasNext,
 * .first, .last and $velocityCount; ## and #* *# comments; expressions with
 * literals ('s', "s with $refs", a doubled quote inside being one quote,
 * numbers, true/false/null, [lists], [1..3], {maps}), ! && || and or not
 * == != < > <= >= + - * / %.
 * Values print as Java's toString: maps {k=v, k2=[1, 2]}, lists [a, b].
 * Built-ins: $input.json(p) $input.path(p) $input.params() $input.params(n)
 * $input.body, $util.escapeJavaScript/parseJson/urlEncode (Java's
 * URLEncoder)/urlDecode/base64Encode/base64Decode, $context.*,
 * $stageVariables.*; value methods size length get keySet isEmpty contains
 * containsKey toString toLowerCase toUpperCase trim equals equalsIgnoreCase
 * startsWith endsWith indexOf lastIndexOf charAt concat substring replace
 * (literal) and, with Java regular expressions (jregex.h, PCRE2; each
 * search counts 100 steps, a match past its bound fails the render),
 * replaceAll replaceFirst matches split.
 * JSONPath for $input (Goessner's): $, .name, ['name'], [n]; [*], .* and
 * ..name give the array of what they match.
 *
 * Parsing (vtl_parse.c) is apart from rendering (vtl_eval.c). Both bound
 * their work: nesting depth, loop steps and output size. */
#ifndef NB_APIGW_VTL_H
#define NB_APIGW_VTL_H
#include <stddef.h>
#include <jansson.h>
#include "core/buf.h"

typedef struct vtl_tmpl vtl_tmpl_t;

/* Parse src; NULL with a message in err on a syntax error. Free with apigw__vtl_free. */
vtl_tmpl_t *apigw__vtl_parse(const char *src, size_t len, char *err, size_t errcap);
void apigw__vtl_free(vtl_tmpl_t *t);

typedef struct vtl_env {
    const char *body;          /* $input.body (raw request or integration body) */
    size_t body_len;
    json_t *params;            /* {"path":{}, "querystring":{}, "header":{}} (borrowed) */
    json_t *context;           /* $context (borrowed; #set may add responseOverride) */
    json_t *stage_vars;        /* $stageVariables (borrowed, may be NULL) */
} vtl_env_t;

/* Render t into out; 0, or -1 when a limit was hit (out holds what was made). */
int apigw__vtl_render(const vtl_tmpl_t *t, vtl_env_t *env, nb_buf_t *out);

/* JSONPath subset on doc, definite paths ($, .name, ['name'], [n]): the
 * value (borrowed) or NULL. The wildcards of $input are vtl_eval.c's. */
json_t *apigw__jsonpath(json_t *doc, const char *path);

#endif
