/* openapi.c — placeholder, replaced below */
#include "apigw/apigw_int.h"
int apigw__openapi_v2(nb_arena_t *a, json_t *doc, const char *text, size_t len, const char **msg)
{ (void)a; (void)doc; (void)text; (void)len; *msg = "unsupported"; return -1; }
int apigw__openapi_v1(nb_arena_t *a, json_t *doc, const char *text, size_t len, const char **msg)
{ (void)a; (void)doc; (void)text; (void)len; *msg = "unsupported"; return -1; }
