/* logs_cli.c — `nimbus logs NAME [--follow] [--since 10m] [--data DIR]` and
 * `nimbus dead-letters [NAME] [--data DIR]`.
 *
 * Both open the store read-only in their own process (LMDB serves readers in
 * several processes beside the daemon's writer) and print what logs.c and
 * async.c wrote: log events of /aws/lambda/NAME in time order across its
 * streams, one per line "TIME STREAM MESSAGE"; dead letters as one JSON
 * record per line. --follow polls every 300 ms for new events. */
#include "lambda/lambda_int.h"
#include "core/alloc.h"
#include "core/config.h"
#include "core/util.h"
#include "store/store_crypto.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct ev { uint64_t ts; char *stream; char *msg; size_t len; } ev_t;
typedef struct evs { ev_t *v; size_t n, cap; } evs_t;

static uint64_t be64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = (v << 8) | p[i];
    return v;
}

static void put_be64(unsigned char *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--) { p[i] = (unsigned char)v; v >>= 8; }
}

/* --since: "90s", "10m", "2h", "1d" or plain seconds; -1 when malformed. */
static long long parse_since(const char *s)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || v < 0) return -1;
    double mul = 1;
    if (*end == 's') mul = 1;
    else if (*end == 'm') mul = 60;
    else if (*end == 'h') mul = 3600;
    else if (*end == 'd') mul = 86400;
    else if (*end) return -1;
    if (*end && end[1]) return -1;
    return (long long)(v * mul * 1000);
}

typedef struct stream_list { json_t *names; uint64_t since; } stream_list_t;

static int on_stream(void *arg, const void *k, size_t kl, const void *v, size_t vl)
{
    stream_list_t *sl = arg;
    const char *z = memchr(k, 0, kl);
    if (!z) return 0;
    json_t *rec = json_loadb(v, vl, 0, NULL);
    uint64_t last = (uint64_t)json_integer_value(json_object_get(rec, "lastEventTimestamp"));
    json_decref(rec);
    if (last >= sl->since)
        json_array_append_new(sl->names, json_stringn(z + 1, kl - (size_t)(z + 1 - (const char *)k)));
    return 0;
}

typedef struct ev_scan { evs_t *out; const char *stream; nb_buf_t *last_key; } ev_scan_t;

static int on_event(void *arg, const void *k, size_t kl, const void *v, size_t vl)
{
    ev_scan_t *c = arg;
    if (kl < 12) return 0;
    if (c->last_key->len == kl && memcmp(c->last_key->data, k, kl) == 0) return 0;   /* printed already */
    if (c->out->n == c->out->cap) {
        c->out->cap = c->out->cap ? c->out->cap * 2 : 256;
        c->out->v = nb_xrealloc(c->out->v, c->out->cap * sizeof *c->out->v);
    }
    ev_t *e = &c->out->v[c->out->n++];
    e->ts = be64((const unsigned char *)k + kl - 12);
    e->stream = nb_xstrdup(c->stream);
    e->msg = nb_xstrndup(v, vl);
    e->len = vl;
    nb_buf_clear(c->last_key);
    nb_buf_append(c->last_key, k, kl);
    return 0;
}

static int cmp_ev(const void *a, const void *b)
{
    const ev_t *x = a, *y = b;
    return x->ts < y->ts ? -1 : x->ts > y->ts;
}

/* One pass: print events newer than what was printed; last_keys: stream → hex of last key. */
static void print_new(store_t *s, const char *group, uint64_t since, json_t *last_keys)
{
    store_txn_t *t = NULL;
    if (store_begin(s, STORE_READ, &t) != STORE_OK) return;
    stream_list_t sl = {json_array(), since};
    nb_buf_t lo = NB_BUF_INIT, hi = NB_BUF_INIT;
    nb_buf_puts(&lo, group); nb_buf_putc(&lo, 0);
    nb_buf_puts(&hi, group); nb_buf_putc(&hi, 1);
    store_scan(t, "logs.streams", lo.data, lo.len, hi.data, hi.len, 0, on_stream, &sl);
    evs_t evs = {0};
    size_t i;
    json_t *name;
    json_array_foreach(sl.names, i, name) {
        const char *stream = json_string_value(name);
        nb_buf_t last = NB_BUF_INIT;
        json_t *lk = json_object_get(last_keys, stream);
        nb_buf_t from = NB_BUF_INIT, to = NB_BUF_INIT;
        lambda__pair_key(&from, group, stream);
        nb_buf_putc(&from, 0);
        nb_buf_append(&to, from.data, from.len - 1);
        nb_buf_putc(&to, 1);
        if (lk) {
            nb_buf_clear(&from);
            nb_base64_decode(&from, json_string_value(lk), json_string_length(lk));
            nb_buf_append(&last, from.data, from.len);
        } else {
            unsigned char tsb[8];
            put_be64(tsb, since);
            nb_buf_append(&from, tsb, 8);
        }
        ev_scan_t c = {&evs, stream, &last};
        store_scan(t, "logs.events", from.data, from.len, to.data, to.len, 0, on_event, &c);
        if (last.len) {
            nb_buf_t b64 = NB_BUF_INIT;
            nb_base64_encode(&b64, last.data, last.len);
            json_object_set_new(last_keys, stream, json_string(b64.data));
            nb_buf_free(&b64);
        }
        nb_buf_free(&last); nb_buf_free(&from); nb_buf_free(&to);
    }
    store_abort(t);
    json_decref(sl.names);
    nb_buf_free(&lo); nb_buf_free(&hi);
    if (evs.n) qsort(evs.v, evs.n, sizeof *evs.v, cmp_ev);   /* v is NULL when empty */
    for (size_t j = 0; j < evs.n; j++) {
        char ts[40];
        nb_iso8601_ms(evs.v[j].ts, ts, sizeof ts);
        printf("%s %s %.*s\n", ts, evs.v[j].stream, (int)evs.v[j].len, evs.v[j].msg);
        free(evs.v[j].stream);
        free(evs.v[j].msg);
    }
    free(evs.v);
    fflush(stdout);
}

/* argv may start with the sub-command's own name (main passing argv + 1) or
 * directly with its arguments (a command table passing argv + 2). */
static int first_arg(int argc, char **argv, const char *cmd)
{
    return argc > 0 && strcmp(argv[0], cmd) == 0 ? 1 : 0;
}

/* Configuration flags that take a value (config.c), so their value is not
 * mistaken for the positional FUNCTION. */
static int takes_value(const char *opt)
{
    static const char *const with_value[] = {"--data", "--config", "--set", "--listen", "--region",
                                             "--account", "--log-level", NULL};
    for (int i = 0; with_value[i]; i++)
        if (strcmp(opt, with_value[i]) == 0) return 1;
    return 0;
}

/* Split our own flags from the configuration flags (--data, --config, --set ...). */
static int open_store(int argc, char **argv, store_t **s, nb_config_t *cfg)
{
    if (nb_config_load(cfg, argc, argv) != 0) return 2;
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/store", cfg->data_dir);
    if (access(path, R_OK) != 0) {
        fprintf(stderr, "nimbus: no data in %s (use --data DIR)\n", cfg->data_dir);
        nb_config_free(cfg);
        return 1;
    }
    store_crypto_set_key_file(nb_config_get(cfg, "store.master_key_file"));
    store_options_t ro = { .read_only = 1 };   /* beside a running daemon */
    if (store_open(s, uv_default_loop(), cfg->data_dir, &ro) != STORE_OK) {
        fprintf(stderr, "nimbus: cannot open the store in %s\n", cfg->data_dir);
        nb_config_free(cfg);
        return 1;
    }
    return 0;
}

int lambda_logs_main(int argc, char **argv)
{
    const char *name = NULL;
    int follow = 0;
    long long since = 10 * 60 * 1000;
    char **rest = nb_xcalloc((size_t)argc + 1, sizeof *rest);
    int nrest = 0;
    for (int i = first_arg(argc, argv, "logs"); i < argc; i++) {
        if (strcmp(argv[i], "--follow") == 0 || strcmp(argv[i], "-f") == 0) follow = 1;
        else if (strcmp(argv[i], "--since") == 0 && i + 1 < argc) {
            since = parse_since(argv[++i]);
            if (since < 0) {
                fprintf(stderr, "nimbus logs: --since wants a duration like 30s, 10m, 2h, 1d\n");
                free(rest);
                return 2;
            }
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("usage: nimbus logs FUNCTION [--follow] [--since 10m] [--data DIR]\n");
            free(rest);
            return 0;
        } else if (takes_value(argv[i]) && i + 1 < argc) {
            rest[nrest++] = argv[i];
            rest[nrest++] = argv[++i];
        } else if (argv[i][0] != '-' && !name) {
            name = argv[i];
        } else {
            rest[nrest++] = argv[i];
        }
    }
    if (!name || !lambda__valid_name(name)) {
        fprintf(stderr, "usage: nimbus logs FUNCTION [--follow] [--since 10m] [--data DIR]\n");
        free(rest);
        return 2;
    }
    nb_config_t cfg;
    store_t *s = NULL;
    int rc = open_store(nrest, rest, &s, &cfg);
    free(rest);
    if (rc) return rc;
    char group[100];
    snprintf(group, sizeof group, "/aws/lambda/%s", name);
    uint64_t from = nb_wall_ms() - (uint64_t)since;
    json_t *last = json_object();
    do {
        print_new(s, group, from, last);
        if (follow) usleep(300 * 1000);
    } while (follow);
    json_decref(last);
    store_close(s);
    nb_config_free(&cfg);
    return 0;
}

static int on_dead(void *arg, const void *k, size_t kl, const void *v, size_t vl)
{
    const char *name = arg;
    if (name && (kl <= strlen(name) || memcmp(k, name, strlen(name)) != 0 || ((const char *)k)[strlen(name)] != 0))
        return 0;
    printf("%.*s\n", (int)vl, (const char *)v);
    return 0;
}

int lambda_dead_letters_main(int argc, char **argv)
{
    const char *name = NULL;
    char **rest = nb_xcalloc((size_t)argc + 1, sizeof *rest);
    int nrest = 0;
    for (int i = first_arg(argc, argv, "dead-letters"); i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("usage: nimbus dead-letters [FUNCTION] [--data DIR]\n"
                   "Asynchronous invocations that failed (after their retries) and had no Lambda\n"
                   "destination, or whose destination is a service nimbus does not serve yet.\n");
            free(rest);
            return 0;
        }
        if (takes_value(argv[i]) && i + 1 < argc) {
            rest[nrest++] = argv[i];
            rest[nrest++] = argv[++i];
        } else if (argv[i][0] != '-' && !name) {
            name = argv[i];
        } else {
            rest[nrest++] = argv[i];
        }
    }
    nb_config_t cfg;
    store_t *s = NULL;
    int rc = open_store(nrest, rest, &s, &cfg);
    free(rest);
    if (rc) return rc;
    store_txn_t *t = NULL;
    if (store_begin(s, STORE_READ, &t) == STORE_OK) {
        store_scan(t, LAMBDA_KS_DLQ, NULL, 0, NULL, 0, 0, on_dead, (void *)name);
        store_abort(t);
    }
    fflush(stdout);
    store_close(s);
    nb_config_free(&cfg);
    return 0;
}
