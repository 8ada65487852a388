/* test_apigw_route.c — route precedence as API Gateway chooses, parameters,
 * greedy paths, ANY and $default; the REST edge cases of trailing slashes. */
#include "test.h"
#include "apigw/route.h"

typedef struct {
    const char *method, *path;   /* request */
    const char *want;            /* expected winning route key, or NULL for none */
} case_t;

static const char *const keys[] = {
    "GET /users/{id}", "GET /users/me", "ANY /users/{id}", "POST /users", "ANY /{proxy+}",
    "GET /files/{path+}", "GET /files/{dir}/readme", "GET /", "$default", NULL,
};

static const char *pick(nb_arena_t *a, const char *const *ks, const char *method, const char *path, apigw_match_t *m)
{
    apigw_route_t rt[16];
    size_t n = 0;
    for (; ks[n]; n++) {
        ASSERT_EQ(apigw__route_key_split(a, ks[n], &rt[n].method, &rt[n].path), 0);
        rt[n].data = (void *)ks[n];
    }
    apigw__route_select(a, rt, n, method, path, m);
    return m->index < 0 ? NULL : rt[m->index].data;
}

TEST(route_precedence_table)
{
    static const case_t cases[] = {
        {"GET", "/users/me", "GET /users/me"},          /* literal beats parameter */
        {"GET", "/users/42", "GET /users/{id}"},        /* exact method beats ANY */
        {"DELETE", "/users/42", "ANY /users/{id}"},     /* ANY when no exact method */
        {"POST", "/users", "POST /users"},
        {"PUT", "/users", "ANY /{proxy+}"},             /* greedy catches the rest */
        {"GET", "/files/a/readme", "GET /files/{dir}/readme"}, /* literal tail beats greedy */
        {"GET", "/files/a/b/c", "GET /files/{path+}"},
        {"GET", "/", "GET /"},
        {"POST", "/", "$default"},                      /* greedy needs a segment */
        {"GET", "/users/42/", "GET /users/{id}"},       /* trailing slash not significant */
        {"GET", "/a/b/c/d", "ANY /{proxy+}"},
    };
    nb_arena_t *a = nb_arena_new(4096);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        apigw_match_t m;
        const char *got = pick(a, keys, cases[i].method, cases[i].path, &m);
        if (!got || strcmp(got, cases[i].want) != 0)
            TEST_FAIL_("%s %s: got %s, want %s", cases[i].method, cases[i].path, got ? got : "(none)", cases[i].want);
    }
    nb_arena_free(a);
}

TEST(route_params_decoded)
{
    nb_arena_t *a = nb_arena_new(4096);
    apigw_match_t m;
    const char *got = pick(a, keys, "GET", "/users/a%20b", &m);
    ASSERT_STREQ(got, "GET /users/{id}");
    ASSERT_EQ(m.n_params, 1);
    ASSERT_STREQ(m.params[0].name, "id");
    ASSERT_STREQ(m.params[0].value, "a b");
    got = pick(a, keys, "GET", "/files/x/y/z.txt", &m);
    ASSERT_STREQ(got, "GET /files/{path+}");
    ASSERT_STREQ(m.params[0].name, "path");
    ASSERT_STREQ(m.params[0].value, "x/y/z.txt");
    nb_arena_free(a);
}

TEST(route_none_without_default)
{
    static const char *const ks[] = {"GET /a", "POST /b/{x}", NULL};
    nb_arena_t *a = nb_arena_new(4096);
    apigw_match_t m;
    ASSERT(pick(a, ks, "GET", "/b/1", &m) == NULL);
    ASSERT(pick(a, ks, "POST", "/b", &m) == NULL);       /* labels are never empty */
    ASSERT(pick(a, ks, "POST", "/b/1/2", &m) == NULL);
    ASSERT_STREQ(pick(a, ks, "POST", "/b/1", &m), "POST /b/{x}");
    nb_arena_free(a);
}

TEST(route_key_split_rejects_garbage)
{
    nb_arena_t *a = nb_arena_new(1024);
    const char *m, *p;
    ASSERT_EQ(apigw__route_key_split(a, "GET", &m, &p), -1);
    ASSERT_EQ(apigw__route_key_split(a, "GET users", &m, &p), -1);
    ASSERT_EQ(apigw__route_key_split(a, "$default", &m, &p), 0);
    ASSERT(m == NULL && p == NULL);
    nb_arena_free(a);
}

TEST(route_deep_paths_do_not_overflow)
{
    nb_arena_t *a = nb_arena_new(4096);
    char path[2048] = "";
    for (int i = 0; i < 200; i++) strcat(path, "/x");
    static const char *const ks[] = {"ANY /{proxy+}", NULL};
    apigw_match_t m;
    ASSERT_STREQ(pick(a, ks, "GET", path, &m), "ANY /{proxy+}");
    static const char *const ks2[] = {"GET /x/x/x", NULL};
    ASSERT(pick(a, ks2, "GET", path, &m) == NULL);
    nb_arena_free(a);
}

TEST(route_params_kept_as_sent_for_rest)
{
    /* REST APIs hand path parameters over as the client sent them */
    nb_arena_t *a = nb_arena_new(4096);
    apigw_route_t rt[2] = {{"GET", "/users/{id}", NULL}, {"ANY", "/files/{p+}", NULL}};
    apigw_match_t m;
    apigw__route_select_rest(a, rt, 2, "GET", "/users/a%20b%40c", &m);
    ASSERT_EQ(m.index, 0);
    ASSERT_STREQ(m.params[0].value, "a%20b%40c");
    apigw__route_select_rest(a, rt, 2, "PUT", "/files/x%2Fy/z", &m);
    ASSERT_EQ(m.index, 1);
    ASSERT_STREQ(m.params[0].value, "x%2Fy/z");
    apigw__route_select(a, rt, 2, "GET", "/users/a%20b%40c", &m);
    ASSERT_STREQ(m.params[0].value, "a b@c");
    nb_arena_free(a);
}
