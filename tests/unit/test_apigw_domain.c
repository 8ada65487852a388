/* test_apigw_domain.c — custom domain helpers (src/apigw/domain_match.c):
 * which names and base paths are valid, and which base path serves a path. */
#include "test.h"
#include "apigw/apigw_int.h"

TEST(domain_names)
{
    ASSERT(apigw__domain_name_ok("api.example.localhost"));
    ASSERT(apigw__domain_name_ok("API-1.Example.com"));
    ASSERT(apigw__domain_name_ok("*.example.com"));
    ASSERT(!apigw__domain_name_ok(""));
    ASSERT(!apigw__domain_name_ok("localhost"));          /* no dot */
    ASSERT(!apigw__domain_name_ok("a..b"));
    ASSERT(!apigw__domain_name_ok(".a.b"));
    ASSERT(!apigw__domain_name_ok("a.b."));
    ASSERT(!apigw__domain_name_ok("a b.c"));
    ASSERT(!apigw__domain_name_ok("a.*.c"));
    ASSERT(!apigw__domain_name_ok("127.0.0.1"));          /* the edge's own address */
    ASSERT(apigw__domain_name_ok("api.v2.example.io"));
}

TEST(mapping_keys)
{
    ASSERT(apigw__mapping_key_ok(""));
    ASSERT(apigw__mapping_key_ok("v1"));
    ASSERT(apigw__mapping_key_ok("orders/v1"));
    ASSERT(!apigw__mapping_key_ok("/v1"));
    ASSERT(!apigw__mapping_key_ok("v1/"));
    ASSERT(!apigw__mapping_key_ok("a//b"));
    ASSERT(!apigw__mapping_key_ok("a?b"));
    char long_key[200];
    memset(long_key, 'a', sizeof long_key - 1);
    long_key[sizeof long_key - 1] = 0;
    ASSERT(!apigw__mapping_key_ok(long_key));
}

TEST(mapping_serves_whole_segments)
{
    ASSERT_EQ(apigw__mapping_serves("v1", "/v1/x"), 3);
    ASSERT_EQ(apigw__mapping_serves("v1", "/v1"), 3);
    ASSERT_EQ(apigw__mapping_serves("v1", "/v10/x"), (size_t)-1);
    ASSERT_EQ(apigw__mapping_serves("v1", "/v"), (size_t)-1);
    ASSERT_EQ(apigw__mapping_serves("orders/v1", "/orders/v1/items"), 10);
    ASSERT_EQ(apigw__mapping_serves("orders/v1", "/orders/v2"), (size_t)-1);
    ASSERT_EQ(apigw__mapping_serves("", "/anything"), 0);
    ASSERT_EQ(apigw__mapping_serves("", "/"), 0);
}
