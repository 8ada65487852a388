/* jregex.h — Java regular expressions (selectionPattern, Velocity's
 * replaceAll/matches/split) on POSIX <regex.h> (jregex.c). */
#ifndef NB_APIGW_JREGEX_H
#define NB_APIGW_JREGEX_H
#include <regex.h>

/* Compile a Java pattern (whole: anchored to the whole string, as
 * String.matches and selectionPattern); 0, or -1 when it cannot be
 * expressed or is invalid (re untouched). */
int apigw__jregex_comp(regex_t *re, const char *pattern, int whole, int cflags);
/* 1 when pattern matches all of s (0 for a pattern that does not compile). */
int apigw__jregex_whole(const char *pattern, const char *s);

#endif
