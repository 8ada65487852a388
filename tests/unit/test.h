/* test.h — the unit-test harness.
 *
 *   TEST(name) { ASSERT_EQ(1, 1); }
 *
 * Tests register themselves; test_main.c runs each in its own child process
 * with a timeout (a crash or hang fails that test only) and prints the closing
 * line "N passed, N failed". Run one test: build/tests/test_x NAME. */
#ifndef NB_TEST_H
#define NB_TEST_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*test_fn)(void);
void test_register(const char *name, test_fn fn, const char *file);

#define TEST(name)                                                        \
    static void test_##name(void);                                        \
    __attribute__((constructor)) static void test_reg_##name(void)        \
    { test_register(#name, test_##name, __FILE__); }                      \
    static void test_##name(void)

#define TEST_FAIL_(...) do {                                              \
        fprintf(stderr, "  %s:%d: ", __FILE__, __LINE__);                 \
        fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); exit(1);       \
    } while (0)

#define ASSERT(c) do { if (!(c)) TEST_FAIL_("assertion failed: %s", #c); } while (0)
#define ASSERT_EQ(a, b) do { long long a_ = (long long)(a), b_ = (long long)(b); \
        if (a_ != b_) TEST_FAIL_("%s == %s: %lld != %lld", #a, #b, a_, b_); } while (0)
#define ASSERT_NE(a, b) do { long long a_ = (long long)(a), b_ = (long long)(b); \
        if (a_ == b_) TEST_FAIL_("%s != %s: both %lld", #a, #b, a_); } while (0)
#define ASSERT_GE(a, b) do { long long a_ = (long long)(a), b_ = (long long)(b); \
        if (!(a_ >= b_)) TEST_FAIL_("%s >= %s: %lld < %lld", #a, #b, a_, b_); } while (0)
#define ASSERT_STREQ(a, b) do { const char *a_ = (a), *b_ = (b);          \
        if (!a_ || !b_ || strcmp(a_, b_) != 0)                            \
            TEST_FAIL_("%s == %s: \"%s\" != \"%s\"", #a, #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
    } while (0)
#define ASSERT_MEMEQ(a, b, n) do { if (memcmp((a), (b), (n)) != 0)        \
        TEST_FAIL_("%s and %s differ in their first %zu bytes", #a, #b, (size_t)(n)); } while (0)
#define ASSERT_CONTAINS(hay, needle) do { const char *h_ = (hay), *n_ = (needle); \
        if (!h_ || !strstr(h_, n_)) TEST_FAIL_("%s does not contain \"%s\": \"%s\"", #hay, n_, h_ ? h_ : "(null)"); \
    } while (0)

/* A fresh empty directory for this test (removed by the harness afterwards). */
const char *test_tmpdir(void);

#endif
