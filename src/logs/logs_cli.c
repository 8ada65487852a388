/* logs_cli.c — `nimbus logs FUNCTION | --group NAME [--follow] [--since 10m] [--data DIR]`.
 *
 * Opens the store read-only in its own process (LMDB serves readers in
 * several processes beside the daemon's writer) and prints the events of one
 * log group (FUNCTION's: its LoggingConfig.LogGroup, read from Lambda's record
 * in keyspace lambda.fn, else /aws/lambda/FUNCTION) in time order across
 * its streams, one per line "TIME STREAM MESSAGE"; events of one millisecond
 * keep the order they were written in. --follow polls every 300 ms for
 * records written since (records are never rewritten: a stream's last key
 * read is where the next pass starts). */
#include "logs/logs.h"
#include "core/alloc.h"
#include "core/config.h"
#include "core/util.h"
#include "store/store.h"
#include "store/store_crypto.h"
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct ev { uint64_t ts; uint64_t ord; const char *stream; char *msg; size_t len; } ev_t;
typedef struct evs { ev_t *v; size_t n, cap; uint64_t ord; } evs_t;

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

/* One stream's scan: events at or after since into out; last_key: the last
 * record read (skipped when met again). */
typedef struct ev_scan {
    evs_t *out;
    const char *stream;
    uint64_t since;
    nb_buf_t *last_key;
    int one;              /* stop after one record (the one before since) */
} ev_scan_t;

static int on_event(void *arg, uint64_t ts, uint64_t ingest, const char *msg, size_t len)
{
    (void)ingest;
    ev_scan_t *c = arg;
    if (ts < c->since) return 0;
    evs_t *o = c->out;
    if (o->n == o->cap) {
        o->cap = o->cap ? o->cap * 2 : 256;
        o->v = nb_xrealloc(o->v, o->cap * sizeof *o->v);
    }
    o->v[o->n++] = (ev_t){ts, o->ord++, c->stream, nb_xstrndup(msg, len), len};
    return 0;
}

static int on_record(void *arg, const void *k, size_t kl, const void *v, size_t vl)
{
    ev_scan_t *c = arg;
    if (c->last_key->len == kl && memcmp(c->last_key->data, k, kl) == 0) return 0;   /* printed already */
    if (logs_record_decode(k, kl, v, vl, on_event, c) < 0) return c->one;              /* not ours: skip */
    nb_buf_clear(c->last_key);   /* the next pass starts after it */
    nb_buf_append(c->last_key, k, kl);
    return c->one;
}

static int cmp_ev(const void *a, const void *b)
{
    const ev_t *x = a, *y = b;
    if (x->ts != y->ts) return x->ts < y->ts ? -1 : 1;
    return x->ord < y->ord ? -1 : x->ord > y->ord;
}

/* The events of one stream not printed yet, into evs; last_keys: stream →
 * base64 of the last record read. */
static void scan_stream(store_txn_t *t, const char *group, const char *stream, uint64_t since, json_t *last_keys,
                        evs_t *evs)
{
    nb_buf_t last = NB_BUF_INIT, from = NB_BUF_INIT, to = NB_BUF_INIT;
    json_t *lk = json_object_get(last_keys, stream);
    logs_stream_key(&to, group, stream);
    to.data[to.len - 1] = 1;   /* GROUP \0 STREAM \1: past the stream's keys */
    ev_scan_t c = {evs, stream, since, &last, 0};
    if (lk) {
        nb_base64_decode(&from, json_string_value(lk), json_string_length(lk));
        nb_buf_append(&last, from.data, from.len);
    } else {
        logs_stream_key(&from, group, stream);
        size_t prefix = from.len;
        unsigned char tsb[8];
        put_be64(tsb, since);
        nb_buf_append(&from, tsb, 8);
        /* the record before since may hold events at or after it */
        c.one = 1;
        store_scan(t, LOGS_KS_EVENTS, from.data, prefix, from.data, from.len, 1, on_record, &c);
        c.one = 0;
    }
    store_scan(t, LOGS_KS_EVENTS, from.data, from.len, to.data, to.len, 0, on_record, &c);
    if (last.len) {
        nb_buf_t b64 = NB_BUF_INIT;
        nb_base64_encode(&b64, last.data, last.len);
        json_object_set_new(last_keys, stream, json_string(b64.data));
        nb_buf_free(&b64);
    }
    nb_buf_free(&last);
    nb_buf_free(&from);
    nb_buf_free(&to);
}

/* One pass: print the group's events newer than what was printed. */
static void print_new(store_t *s, const char *group, uint64_t since, json_t *last_keys)
{
    store_txn_t *t = NULL;
    if (store_begin(s, STORE_READ, &t) != STORE_OK) return;
    stream_list_t sl = {json_array(), since};
    nb_buf_t lo = NB_BUF_INIT, hi = NB_BUF_INIT;
    nb_buf_puts(&lo, group); nb_buf_putc(&lo, 0);
    nb_buf_puts(&hi, group); nb_buf_putc(&hi, 1);
    store_scan(t, LOGS_KS_STREAMS, lo.data, lo.len, hi.data, hi.len, 0, on_stream, &sl);
    evs_t evs = {0};
    size_t i;
    json_t *name;
    json_array_foreach(sl.names, i, name) scan_stream(t, group, json_string_value(name), since, last_keys, &evs);
    store_abort(t);
    nb_buf_free(&lo); nb_buf_free(&hi);
    if (evs.n) qsort(evs.v, evs.n, sizeof *evs.v, cmp_ev);   /* v is NULL when empty */
    for (size_t j = 0; j < evs.n; j++) {
        char ts[40];
        nb_iso8601_ms(evs.v[j].ts, ts, sizeof ts);
        printf("%s %s %.*s\n", ts, evs.v[j].stream, (int)evs.v[j].len, evs.v[j].msg);
        free(evs.v[j].msg);
    }
    free(evs.v);
    json_decref(sl.names);   /* after printing: the events borrow the stream names */
    fflush(stdout);
}

static int takes_value(const char *opt)
{
    static const char *const with_value[] = {"--data", "--config", "--set", "--listen", "--region",
                                             "--account", "--log-level", NULL};
    for (int i = 0; with_value[i]; i++)
        if (strcmp(opt, with_value[i]) == 0) return 1;
    return 0;
}

void logs_cli_take_arg(int argc, char **argv, int *i, const char **name, char **rest, int *nrest)
{
    if (takes_value(argv[*i]) && *i + 1 < argc) {
        rest[(*nrest)++] = argv[*i];
        rest[(*nrest)++] = argv[++*i];
    } else if (argv[*i][0] != '-' && !*name) {
        *name = argv[*i];
    } else {
        rest[(*nrest)++] = argv[*i];
    }
}

int logs_cli_open_store(int nrest, char **rest, store_t **s, nb_config_t *cfg)
{
    if (nb_config_load(cfg, nrest, rest) != 0) return 2;
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

/* The log group of function name into out: its LoggingConfig.LogGroup when
 * its record (Lambda's keyspace lambda.fn, {"cfg":{…}}) names a valid one,
 * else /aws/lambda/NAME. */
static void function_group(store_t *s, const char *name, char *out, size_t cap)
{
    snprintf(out, cap, "/aws/lambda/%s", name);
    store_txn_t *t;
    if (store_begin(s, STORE_READ, &t) != STORE_OK) return;
    const void *v;
    size_t vl;
    if (store_get(t, "lambda.fn", name, strlen(name), &v, &vl) == STORE_OK) {
        json_t *rec = json_loadb(v, vl, 0, NULL);
        const char *g = json_string_value(
            json_object_get(json_object_get(json_object_get(rec, "cfg"), "LoggingConfig"), "LogGroup"));
        if (g && logs_valid_group(g)) snprintf(out, cap, "%s", g);
        json_decref(rec);
    }
    store_abort(t);
}

static const char usage[] = "usage: nimbus logs FUNCTION | --group NAME [--follow] [--since 10m] [--data DIR]\n";

int logs_main(int argc, char **argv)
{
    const char *name = NULL, *group_arg = NULL;
    int follow = 0, bad = 0;
    long long since = 10 * 60 * 1000;
    char **rest = nb_xcalloc((size_t)argc + 1, sizeof *rest);
    int nrest = 0;
    for (int i = argc > 0 && strcmp(argv[0], "logs") == 0 ? 1 : 0; i < argc; i++) {
        if (strcmp(argv[i], "--follow") == 0 || strcmp(argv[i], "-f") == 0) {
            follow = 1;
        } else if (strcmp(argv[i], "--since") == 0 && i + 1 < argc) {
            since = parse_since(argv[++i]);
            if (since < 0) {
                fprintf(stderr, "nimbus logs: --since wants a duration like 30s, 10m, 2h, 1d\n");
                free(rest);
                return 2;
            }
        } else if (strcmp(argv[i], "--group") == 0 && i + 1 < argc) {
            if (group_arg) bad = 1;
            group_arg = argv[++i];
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("%s", usage);
            free(rest);
            return 0;
        } else {
            logs_cli_take_arg(argc, argv, &i, &name, rest, &nrest);
        }
    }
    char group[600] = "";
    if (name) snprintf(group, sizeof group, "/aws/lambda/%s", name);
    else if (group_arg) snprintf(group, sizeof group, "%s", group_arg);
    if (bad || !name == !group_arg || !logs_valid_group(group)) {   /* a function name is a valid group's end */
        fprintf(stderr, "%s", usage);
        free(rest);
        return 2;
    }
    nb_config_t cfg;
    store_t *s = NULL;
    int rc = logs_cli_open_store(nrest, rest, &s, &cfg);
    free(rest);
    if (rc) return rc;
    if (name) function_group(s, name, group, sizeof group);
    uint64_t now = nb_wall_ms();
    uint64_t from = (uint64_t)since < now ? now - (uint64_t)since : 0;
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
