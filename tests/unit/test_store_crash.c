/* test_store_crash.c — acknowledged commits survive kill -9, and a commit is
 * all-or-nothing.
 *
 * A child writes transactions in a loop, several in flight at once so that
 * group commit is exercised: transaction i puts key "i-<i>" in keyspace
 * crash.a and "pair-<i>" in crash.b with the same value, and the child
 * prints i to a pipe only from i's durability callback. The parent SIGKILLs
 * it at a random moment, reopens the store and checks that every printed i
 * has both keys with the right value and that no i has only one of them. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "test.h"
#include "core/util.h"
#include "store/store.h"

#define ROUNDS     5
#define IN_FLIGHT  16
#define ROUND_BASE 10000000   /* i of round r starts at r * ROUND_BASE */
#define MAX_ACKED  2000000

/* The value of transaction i: its size and bytes both depend on i. */
static size_t value_of(long i, char *out, size_t cap)
{
    size_t n = 16 + (size_t)(i * 37 % 3000);
    if (n > cap) n = cap;
    for (size_t j = 0; j < n; j++) out[j] = (char)('a' + (i + (long)j) % 26);
    return n;
}

/* ---- the child: writes until killed -------------------------------------- */

struct writer {
    store_t *s;
    int fd;
    long next;
};

struct inflight {
    long i;                    /* what this commit wrote */
    struct writer *w;
};

static void write_one(struct writer *w);

static void child_acked(void *arg, int status)
{
    struct inflight *slot = arg;
    struct writer *w = slot->w;
    if (status != STORE_OK) _exit(3);
    char line[32];
    int n = snprintf(line, sizeof line, "%ld\n", slot->i);
    if (write(w->fd, line, (size_t)n) != n) _exit(4);
    free(slot);
    write_one(w);
}

static void write_one(struct writer *w)
{
    static char val[4096];
    long i = w->next++;
    char ka[32], kb[32];
    int na = snprintf(ka, sizeof ka, "i-%010ld", i);
    int nb = snprintf(kb, sizeof kb, "pair-%010ld", i);
    size_t vlen = value_of(i, val, sizeof val);
    store_txn_t *t;
    if (store_begin(w->s, STORE_WRITE, &t) != STORE_OK) _exit(5);
    if (store_put(t, "crash.a", ka, (size_t)na, val, vlen) != STORE_OK) _exit(6);
    if (store_put(t, "crash.b", kb, (size_t)nb, val, vlen) != STORE_OK) _exit(7);
    struct inflight *slot = malloc(sizeof *slot);
    if (!slot) _exit(8);
    slot->i = i;
    slot->w = w;
    if (store_commit(t, child_acked, slot) != STORE_OK) _exit(9);
}

static void child_main(const char *dir, int fd, long first)
{
    uv_loop_t loop;
    struct writer w = { NULL, fd, first };
    if (uv_loop_init(&loop) != 0) _exit(10);
    if (store_open(&w.s, &loop, dir, NULL) != STORE_OK) _exit(11);
    for (int k = 0; k < IN_FLIGHT; k++) write_one(&w);
    uv_run(&loop, UV_RUN_DEFAULT);
    _exit(12);                 /* never reached: killed while writing */
}

/* ---- the parent ---------------------------------------------------------- */

static long *acked;
static size_t nacked;

/* Parse "i\n" lines out of buf (partial last line kept in *part). */
static void take_lines(char *buf, size_t n, char *part, size_t *plen)
{
    for (size_t j = 0; j < n; j++) {
        if (buf[j] != '\n') {
            ASSERT(*plen < 31);
            part[(*plen)++] = buf[j];
            continue;
        }
        part[*plen] = 0;
        ASSERT(nacked < MAX_ACKED);
        acked[nacked++] = strtol(part, NULL, 10);
        *plen = 0;
    }
}

static int rand_ms(int lo, int hi)
{
    uint32_t r;
    nb_random_bytes(&r, sizeof r);
    return lo + (int)(r % (uint32_t)(hi - lo + 1));
}

/* Run one child, read its acks until the first one and then for a random
 * 10–300 ms, SIGKILL it. */
static void round_kill(const char *dir, long first)
{
    int p[2];
    ASSERT_EQ(pipe(p), 0);
    fflush(NULL);
    pid_t pid = fork();
    ASSERT(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        child_main(dir, p[1], first);
    }
    close(p[1]);
    char buf[4096], part[32];
    size_t plen = 0;
    /* The random moment is counted from the first acknowledgement, so that a
     * slow start (a loaded machine, a sanitizer build) cannot leave a round
     * with nothing acknowledged to check. */
    size_t before = nacked;
    uint64_t start_by = nb_now_us() + 30 * 1000000ull;
    while (nacked == before && nb_now_us() < start_by) {
        struct pollfd pfd = { p[0], POLLIN, 0 };
        if (poll(&pfd, 1, 100) <= 0) continue;
        ssize_t n = read(p[0], buf, sizeof buf);
        if (n <= 0) break;     /* the child died on its own: caught below */
        take_lines(buf, (size_t)n, part, &plen);
    }
    uint64_t deadline = nb_now_us() + (uint64_t)rand_ms(10, 300) * 1000;
    for (;;) {
        uint64_t now = nb_now_us();
        if (now >= deadline) break;
        struct pollfd pfd = { p[0], POLLIN, 0 };
        int ms = (int)((deadline - now + 999) / 1000);
        if (poll(&pfd, 1, ms) <= 0) continue;
        ssize_t n = read(p[0], buf, sizeof buf);
        if (n <= 0) break;     /* the child died on its own: caught below */
        take_lines(buf, (size_t)n, part, &plen);
    }
    kill(pid, SIGKILL);
    int st = 0;
    ASSERT_EQ(waitpid(pid, &st, 0), pid);
    ASSERT(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);   /* not an early exit */
    for (;;) {                 /* whatever it wrote before dying is ours too */
        ssize_t n = read(p[0], buf, sizeof buf);
        if (n <= 0) break;
        take_lines(buf, (size_t)n, part, &plen);
    }
    close(p[0]);
}

struct pair_check {
    store_txn_t *t;
    const char *other_ks;
    const char *other_prefix;
    size_t prefix_len;
    long count;
};

/* Every key of one keyspace has its partner, with the same value. */
static int check_partner(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
    struct pair_check *c = arg;
    ASSERT(klen > c->prefix_len && klen < 40);
    char num[40], other[64];
    memcpy(num, (const char *)key + c->prefix_len, klen - c->prefix_len);
    num[klen - c->prefix_len] = 0;
    int n = snprintf(other, sizeof other, "%s%s", c->other_prefix, num);
    const void *ov;
    size_t ovlen;
    int rc = store_get(c->t, c->other_ks, other, (size_t)n, &ov, &ovlen);
    if (rc != STORE_OK) TEST_FAIL_("%.*s without its partner %s", (int)klen, (const char *)key, other);
    ASSERT_EQ(ovlen, vlen);
    ASSERT_MEMEQ(ov, val, vlen);
    static char want[4096];
    ASSERT_EQ(value_of(strtol(num, NULL, 10), want, sizeof want), vlen);
    ASSERT_MEMEQ(val, want, vlen);
    c->count++;
    return 0;
}

static void verify(const char *dir, long *present)
{
    uv_loop_t loop;
    store_t *s;
    ASSERT_EQ(uv_loop_init(&loop), 0);
    ASSERT_EQ(store_open(&s, &loop, dir, NULL), STORE_OK);
    store_txn_t *t;
    ASSERT_EQ(store_begin(s, STORE_READ, &t), STORE_OK);
    for (size_t j = 0; j < nacked; j++) {
        char ka[32], kb[32];
        int na = snprintf(ka, sizeof ka, "i-%010ld", acked[j]);
        int nb = snprintf(kb, sizeof kb, "pair-%010ld", acked[j]);
        const void *v;
        size_t vlen;
        if (store_get(t, "crash.a", ka, (size_t)na, &v, &vlen) != STORE_OK)
            TEST_FAIL_("acknowledged %ld lost (%s)", acked[j], ka);
        if (store_get(t, "crash.b", kb, (size_t)nb, &v, &vlen) != STORE_OK)
            TEST_FAIL_("acknowledged %ld lost (%s)", acked[j], kb);
    }
    struct pair_check a = { t, "crash.b", "pair-", 2, 0 };
    struct pair_check b = { t, "crash.a", "i-", 5, 0 };
    ASSERT_EQ(store_scan(t, "crash.a", NULL, 0, NULL, 0, 0, check_partner, &a), 0);
    ASSERT_EQ(store_scan(t, "crash.b", NULL, 0, NULL, 0, 0, check_partner, &b), 0);
    ASSERT_EQ(a.count, b.count);
    ASSERT_GE(a.count, nacked);
    *present = a.count;
    store_abort(t);
    store_close(s);
    uv_run(&loop, UV_RUN_DEFAULT);
    ASSERT_EQ(uv_loop_close(&loop), 0);
}

TEST(store_kill9_keeps_acknowledged_commits_whole)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/crash", test_tmpdir());
    acked = calloc(MAX_ACKED, sizeof *acked);
    ASSERT(acked != NULL);
    size_t total_acked = 0;
    for (int r = 0; r < ROUNDS; r++) {
        size_t before = nacked;
        round_kill(dir, (long)r * ROUND_BASE);
        long present = 0;
        verify(dir, &present);
        total_acked += nacked - before;
        printf("  round %d: %zu acknowledged, %ld present\n", r, nacked - before, present);
    }
    ASSERT_GE(total_acked, 1);     /* the child got far enough to acknowledge */
    free(acked);
}
