/* names.c — function names, qualifiers and ARNs as Lambda accepts them.
 *
 * Accepted forms of FunctionName: "my-fn", "my-fn:qual", "123456789012:function:my-fn[:qual]",
 * "arn:aws:lambda:REGION:123456789012:function:my-fn[:qual]". Names are
 * [A-Za-z0-9_-]{1,64}; qualifiers "$LATEST", a version number or an alias name
 * ([A-Za-z0-9_-]{1,128}, not all digits for aliases). */
#include "lambda/lambda_int.h"
#include "core/alloc.h"
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int name_char(char c)
{
    return isalnum((unsigned char)c) || c == '-' || c == '_';
}

int lambda__valid_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > LAMBDA_NAME_MAX) return 0;
    for (size_t i = 0; i < n; i++)
        if (!name_char(s[i])) return 0;
    return 1;
}

int lambda__valid_qualifier(const char *s)
{
    if (strcmp(s, "$LATEST") == 0) return 1;
    size_t n = strlen(s);
    if (n == 0 || n > 128) return 0;
    for (size_t i = 0; i < n; i++)
        if (!name_char(s[i])) return 0;
    return 1;
}

int lambda__is_version(const char *q)
{
    if (strcmp(q, "$LATEST") == 0) return 1;
    if (!*q) return 0;
    for (const char *p = q; *p; p++)
        if (!isdigit((unsigned char)*p)) return 0;
    return 1;
}

/* Split s on ':' into at most max parts (pointers into buf). */
static int split_colon(char *buf, char **parts, int max)
{
    int n = 0;
    char *p = buf;
    while (n < max) {
        parts[n++] = p;
        char *c = strchr(p, ':');
        if (!c) return n;
        *c = 0;
        p = c + 1;
    }
    return -1;
}

/* lambda__parse_fn against cfg's region and account. */
static int parse_fn(const nb_config_t *cfg, const char *in, char name_out[LAMBDA_NAME_MAX + 1], char qual_out[130])
{
    char buf[256];
    if (!in || strlen(in) >= sizeof buf || !*in) return -1;
    strcpy(buf, in);
    char *p[9];
    int n = split_colon(buf, p, 9);
    const char *name = NULL, *qual = "";
    int foreign = 0;
    if (n < 0) return -1;
    if (strcmp(p[0], "arn") == 0) {
        /* arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUAL] */
        if (n < 7 || n > 8 || strcmp(p[2], "lambda") != 0 || strcmp(p[5], "function") != 0) return -1;
        name = p[6];
        if (n == 8) qual = p[7];
        /* another partition's, region's or account's function is none of ours */
        if (strcmp(p[1], "aws") != 0 || strcmp(p[3], cfg->region) != 0 || strcmp(p[4], cfg->account) != 0)
            foreign = 1;
    } else if (n >= 3 && strcmp(p[1], "function") == 0) {
        if (n > 4 || strlen(p[0]) != 12) return -1;
        name = p[2];
        if (n == 4) qual = p[3];
        if (strcmp(p[0], cfg->account) != 0) foreign = 1;
    } else {
        if (n > 2) return -1;
        name = p[0];
        if (n == 2) qual = p[1];
    }
    if (!lambda__valid_name(name)) return -1;
    if (n == 2 || *qual) {
        if (!lambda__valid_qualifier(qual)) return -1;
    }
    if (foreign) return -2;
    strcpy(name_out, name);
    snprintf(qual_out, 130, "%s", qual);
    return 0;
}

int lambda__parse_fn(const char *in, char name_out[LAMBDA_NAME_MAX + 1], char qual_out[130])
{
    return parse_fn(lambda__svc.ctx->cfg, in, name_out, qual_out);
}

/* The authorizer's view: the request's own configuration, so that deriving a
 * resource needs nothing of the service's state (the edge and its fuzz target
 * call it before, or without, Lambda's init). */
static int fn_resource(nb_req_t *req, const char *in, int mode, const char *qualifier, nb_buf_t *out)
{
    char name[LAMBDA_NAME_MAX + 1], qual[130];
    if (!in || parse_fn(req->ctx->cfg, in, name, qual) != 0) return -1;
    if (mode == 0) {
        *qual = 0;
    } else if (mode == 2 && qualifier && *qualifier) {
        /* the handler refuses a Qualifier that is malformed or differs from the name's */
        if (!lambda__valid_qualifier(qualifier) || (*qual && strcmp(qual, qualifier) != 0)) return -1;
        snprintf(qual, sizeof qual, "%s", qualifier);
    }
    nb_buf_printf(out, "arn:aws:lambda:%s:%s:function:%s", req->ctx->cfg->region, req->ctx->cfg->account, name);
    if (*qual) nb_buf_printf(out, ":%s", qual);
    return 0;
}

int lambda__fn_resource(nb_req_t *req, const char *in, nb_buf_t *out)
{
    return fn_resource(req, in, 1, NULL, out);
}

int lambda__fn_resource_unqualified(nb_req_t *req, const char *in, nb_buf_t *out)
{
    return fn_resource(req, in, 0, NULL, out);
}

int lambda__fn_resource_qualified(nb_req_t *req, const char *in, const char *qualifier, nb_buf_t *out)
{
    return fn_resource(req, in, 2, qualifier, out);
}

int lambda__fn_resource_mismatch(nb_req_t *req, const char *in, const char *qualifier, nb_buf_t *named,
                                 nb_buf_t *given)
{
    char name[LAMBDA_NAME_MAX + 1], qual[130];
    if (!in || !qualifier || !*qualifier || parse_fn(req->ctx->cfg, in, name, qual) != 0 || !*qual ||
        !lambda__valid_qualifier(qualifier) || strcmp(qual, qualifier) == 0)
        return 0;
    const nb_config_t *cfg = req->ctx->cfg;
    nb_buf_printf(named, "arn:aws:lambda:%s:%s:function:%s:%s", cfg->region, cfg->account, name, qual);
    nb_buf_printf(given, "arn:aws:lambda:%s:%s:function:%s:%s", cfg->region, cfg->account, name, qualifier);
    return 1;
}

char *lambda__fn_arn(const char *name, const char *qual)
{
    const nb_config_t *cfg = lambda__svc.ctx->cfg;
    nb_buf_t b = NB_BUF_INIT;
    nb_buf_printf(&b, "arn:aws:lambda:%s:%s:function:%s", cfg->region, cfg->account, name);
    if (qual && *qual) nb_buf_printf(&b, ":%s", qual);
    return nb_buf_take(&b, NULL);
}

char *lambda__layer_arn(const char *layer, unsigned version)
{
    const nb_config_t *cfg = lambda__svc.ctx->cfg;
    nb_buf_t b = NB_BUF_INIT;
    nb_buf_printf(&b, "arn:aws:lambda:%s:%s:layer:%s", cfg->region, cfg->account, layer);
    if (version) nb_buf_printf(&b, ":%u", version);
    return nb_buf_take(&b, NULL);
}

void lambda__ver_key(nb_buf_t *k, const char *name, unsigned version)
{
    nb_buf_clear(k);
    nb_buf_puts(k, name);
    nb_buf_putc(k, 0);
    nb_buf_printf(k, "%010u", version);
}

void lambda__pair_key(nb_buf_t *k, const char *a, const char *b)
{
    nb_buf_clear(k);
    nb_buf_puts(k, a);
    nb_buf_putc(k, 0);
    nb_buf_puts(k, b);
}

int lambda__pathf(char *out, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, cap, fmt, ap);
    va_end(ap);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}
