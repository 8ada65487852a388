/* jregex.c — Java regular expressions (API Gateway's selectionPattern and the
 * Velocity String methods replaceAll/replaceFirst/matches/split) on PCRE2,
 * whose syntax is Java's for what templates use (\d, classes, lazy
 * quantifiers, lookarounds, (?i)). As in Java, '.' and '$' know every line
 * terminator (PCRE2_NEWLINE_ANY), and a whole-string match is anchored at both
 * ends and run by the DFA matcher (no backtracking: linear in the subject).
 * Searches backtrack within match, depth and heap limits: a pattern that
 * would backtrack without end fails instead, so no template or pattern can
 * hold the loop. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "apigw/jregex.h"
#include "core/alloc.h"
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#define MATCH_LIMIT 50000   /* backtracking steps of one match */
#define DEPTH_LIMIT 100000   /* held back by the heap limit first */
#define HEAP_LIMIT_KB 8192   /* backtracking memory of one match */

struct apigw_jregex {
    pcre2_code *code;
    pcre2_match_data *md;
    pcre2_match_context *mc;
};

apigw_jregex_t *apigw__jregex_new(const char *pattern, int whole)
{
    pcre2_compile_context *cc = pcre2_compile_context_create(NULL);
    if (!cc) return NULL;
    pcre2_set_newline(cc, PCRE2_NEWLINE_ANY);
    int err;
    PCRE2_SIZE off;
    /* the DFA matcher of whole matches wants valid UTF-8 (what JSON strings are) */
    uint32_t opts = PCRE2_UTF | (whole ? PCRE2_ANCHORED | PCRE2_ENDANCHORED : PCRE2_MATCH_INVALID_UTF);
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, opts, &err, &off, cc);
    pcre2_compile_context_free(cc);
    if (!code) return NULL;
    apigw_jregex_t *re = nb_xcalloc(1, sizeof *re);
    re->code = code;
    re->md = pcre2_match_data_create_from_pattern(code, NULL);
    re->mc = pcre2_match_context_create(NULL);
    if (!re->md || !re->mc) {
        apigw__jregex_free(re);
        return NULL;
    }
    pcre2_set_match_limit(re->mc, MATCH_LIMIT);
    pcre2_set_depth_limit(re->mc, DEPTH_LIMIT);
    pcre2_set_heap_limit(re->mc, HEAP_LIMIT_KB);
    return re;
}

void apigw__jregex_free(apigw_jregex_t *re)
{
    if (!re) return;
    pcre2_match_data_free(re->md);
    pcre2_match_context_free(re->mc);
    pcre2_code_free(re->code);
    free(re);
}

int apigw__jregex_find(apigw_jregex_t *re, const char *s, size_t len, size_t from, int not_empty_at_start)
{
    int rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, from, not_empty_at_start ? PCRE2_NOTEMPTY_ATSTART : 0,
                         re->md, re->mc);
    if (rc >= 0) return 1;
    return rc == PCRE2_ERROR_NOMATCH ? 0 : -1;
}

int apigw__jregex_group(const apigw_jregex_t *re, int i, size_t *so, size_t *eo)
{
    if (i < 0 || (uint32_t)i >= pcre2_get_ovector_count(re->md)) return -1;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(re->md);
    if (ov[2 * i] == PCRE2_UNSET) return -1;
    *so = ov[2 * i];
    *eo = ov[2 * i + 1];
    return 0;
}

/* A whole-string match asks only whether one exists, which the DFA matcher
 * answers without backtracking (time linear in the subject), so long
 * multi-line texts and AWS's "(\n|.)*" idiom stay within bounds; patterns
 * it cannot run (back references) take the bounded backtracking matcher. */
int apigw__jregex_whole(const char *pattern, const char *s)
{
    apigw_jregex_t *re = apigw__jregex_new(pattern, 1);
    if (!re) return 0;
    int ws[200];
    int rc = pcre2_dfa_match(re->code, (PCRE2_SPTR)s, strlen(s), 0, 0, re->md, re->mc, ws, sizeof ws / sizeof ws[0]);
    int m = rc >= 0;
    if (rc == PCRE2_ERROR_DFA_UITEM || rc == PCRE2_ERROR_DFA_UCOND || rc == PCRE2_ERROR_DFA_UFUNC)
        m = apigw__jregex_find(re, s, strlen(s), 0, 0) == 1;
    apigw__jregex_free(re);
    return m;
}
