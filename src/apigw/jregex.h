/* jregex.h — Java regular expressions (selectionPattern, Velocity's
 * replaceAll/replaceFirst/matches/split) on PCRE2, every match bounded
 * (jregex.c). */
#ifndef NB_APIGW_JREGEX_H
#define NB_APIGW_JREGEX_H
#include <stddef.h>

typedef struct apigw_jregex apigw_jregex_t;

/* Compile a Java pattern (whole: it must match all of the subject, as
 * String.matches and selectionPattern); NULL when it does not compile. */
apigw_jregex_t *apigw__jregex_new(const char *pattern, int whole);
void apigw__jregex_free(apigw_jregex_t *re);
/* Search s[0..len) from offset from (not_empty_at_start: no empty match at
 * from): 1 found, 0 none, -1 the match's bound was hit. */
int apigw__jregex_find(apigw_jregex_t *re, const char *s, size_t len, size_t from, int not_empty_at_start);
/* Group i of the last match found: 0 with its offsets, -1 when it took no part. */
int apigw__jregex_group(const apigw_jregex_t *re, int i, size_t *so, size_t *eo);
/* 1 when pattern matches all of s (0 for no match, a bound hit or a pattern
 * that does not compile). */
int apigw__jregex_whole(const char *pattern, const char *s);

#endif
