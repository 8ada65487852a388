/* native_json_string.c — the native handler API's JSON string helper
 * (nimbus_response_append_json_string, include/nimbus/lambda.h) on the API
 * benchmark's answer: a ~1 KB DynamoDB item, quoted into
 * {"statusCode":200,"body":"..."} as bench/lib/users_get_native.c does per
 * request.
 *
 * Not in the Makefile. Build and run from the repository root:
 *   cc -O2 -Iinclude bench/native_json_string.c -o build/native_json_string
 *   build/native_json_string [ITERATIONS]
 * Against another version of the header: -I<dir holding nimbus/lambda.h>.
 * Prints the mean microseconds per call, and the median of 20 batches. */
#include <nimbus/lambda.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int grow(nimbus_response_t *r, size_t need)
{
    if (need <= r->cap) return 0;
    int owned = r->body == r->buf;
    size_t cap = r->cap ? r->cap : 4096;
    while (cap < need) cap *= 2;
    char *b = realloc(r->buf, cap);
    if (!b) return -1;
    r->buf = b;
    r->cap = cap;
    if (owned) r->body = r->buf;
    return 0;
}

static double now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 100000;
    if (n < 20) n = 20;
    /* The shape GetItem answers with in bench/workloads/apigw.sh (ddb_bulk.py's items). */
    char item[2048], bio[801];
    memset(bio, 'x', 800);
    bio[800] = 0;
    snprintf(item, sizeof item, "{\"Item\":{\"id\":{\"S\":\"user-5\"},\"name\":{\"S\":\"User 5\"},"
             "\"email\":{\"S\":\"u5@example.com\"},\"bio\":{\"S\":\"%s\"},\"age\":{\"N\":\"35\"}}}", bio);
    nimbus_response_t r;
    memset(&r, 0, sizeof r);
    r.reserve = grow;
    double batch[20], total = 0;
    long per = n / 20;
    for (int b = 0; b < 20; b++) {
        double t0 = now_us();
        for (long i = 0; i < per; i++) {
            nimbus_response_set_str(&r, "{\"statusCode\":200,\"body\":");
            nimbus_response_append_json_string(&r, item);
            nimbus_response_append(&r, "}", 1);
        }
        batch[b] = (now_us() - t0) / (double)per;
        total += batch[b];
    }
    qsort(batch, 20, sizeof batch[0], cmp);
    printf("%zu bytes in, %zu out: mean %.2f us per call, median batch %.2f us\n", strlen(item), r.len,
           total / 20, batch[10]);
    free(r.buf);
    return 0;
}
