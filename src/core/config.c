/* config.c — settings from flags > NIMBUS_* environment > config file > defaults.
 *
 * The config file holds "key = value" lines ('#' comments). Keys: listen,
 * data, region, account, log_level, and any "section.key" for services.
 * Environment: NIMBUS_LISTEN, NIMBUS_DATA, NIMBUS_REGION, NIMBUS_ACCOUNT,
 * NIMBUS_LOG_LEVEL, NIMBUS_AUTH, NIMBUS_CONFIG, and NIMBUS_SECTION_KEY for "section.key".
 * Flags: --listen, --data, --region, --account, --log-level, --auth, --tls-listen,
 * --store-resident-mb, --config, --set section.key=value. */
#include "core/config.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/util.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void set_extra(nb_config_t *c, const char *key, const char *value)
{
    for (int i = 0; i < c->n_extra; i++) {
        if (strcmp(c->extra[i].key, key) == 0) {
            free(c->extra[i].value);
            c->extra[i].value = nb_xstrdup(value);
            return;
        }
    }
    c->extra = nb_xrealloc(c->extra, sizeof *c->extra * (size_t)(c->n_extra + 1));
    c->extra[c->n_extra].key = nb_xstrdup(key);
    c->extra[c->n_extra].value = nb_xstrdup(value);
    c->n_extra++;
}

static int parse_listen(nb_config_t *c, const char *v)
{
    const char *colon = strrchr(v, ':');
    if (!colon || colon == v) {
        fprintf(stderr, "nimbus: --listen wants HOST:PORT, got '%s'\n", v);
        return -1;
    }
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 0 || port > 65535 || colon[1] == 0) {
        fprintf(stderr, "nimbus: bad port in '%s'\n", v);
        return -1;
    }
    size_t hl = (size_t)(colon - v);
    if (v[0] == '[' && hl >= 2 && v[hl - 1] == ']') { v++; hl -= 2; }
    if (hl >= sizeof c->listen_host) {
        fprintf(stderr, "nimbus: host too long in '%s'\n", v);
        return -1;
    }
    memcpy(c->listen_host, v, hl);
    c->listen_host[hl] = 0;
    c->listen_port = (int)port;
    return 0;
}

/* Apply one setting from any source. */
static int apply(nb_config_t *c, const char *key, const char *v)
{
    if (strcmp(key, "listen") == 0) return parse_listen(c, v);
    if (strcmp(key, "data") == 0) {
        if (strlen(v) >= sizeof c->data_dir) { fprintf(stderr, "nimbus: data path too long\n"); return -1; }
        snprintf(c->data_dir, sizeof c->data_dir, "%s", v);
        return 0;
    }
    if (strcmp(key, "region") == 0) {
        if (!*v || strlen(v) >= sizeof c->region) { fprintf(stderr, "nimbus: bad region '%s'\n", v); return -1; }
        snprintf(c->region, sizeof c->region, "%s", v);
        return 0;
    }
    if (strcmp(key, "account") == 0) {
        if (strlen(v) != 12 || strspn(v, "0123456789") != 12) {
            fprintf(stderr, "nimbus: account id must be 12 digits, got '%s'\n", v);
            return -1;
        }
        snprintf(c->account, sizeof c->account, "%s", v);
        return 0;
    }
    if (strcmp(key, "log_level") == 0 || strcmp(key, "log-level") == 0) {
        int l = nb_log_level_parse(v);
        if (l < 0) { fprintf(stderr, "nimbus: log level must be error|warn|info|debug, got '%s'\n", v); return -1; }
        c->log_level = l;
        return 0;
    }
    if (strcmp(key, "auth") == 0) {
        if (strcmp(v, "open") == 0) c->auth_open = 1;
        else if (strcmp(v, "enforced") == 0) c->auth_open = 0;
        else { fprintf(stderr, "nimbus: --auth must be enforced or open, got '%s'\n", v); return -1; }
        return 0;
    }
    if (!strchr(key, '.')) {
        fprintf(stderr, "nimbus: unknown setting '%s'\n", key);
        return -1;
    }
    set_extra(c, key, v);
    return 0;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s)) s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1])) *--e = 0;
    return s;
}

static int load_file(nb_config_t *c, const char *path, int must_exist)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        if (!must_exist) return 0;
        fprintf(stderr, "nimbus: cannot read config file %s\n", path);
        return -1;
    }
    char line[4096];
    int lineno = 0, rc = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *s = trim(line);
        if (!*s || *s == '#') continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            fprintf(stderr, "nimbus: %s:%d: expected key = value\n", path, lineno);
            rc = -1;
            break;
        }
        *eq = 0;
        if (apply(c, trim(s), trim(eq + 1)) != 0) {
            fprintf(stderr, "nimbus: in %s:%d\n", path, lineno);
            rc = -1;
            break;
        }
    }
    fclose(f);
    return rc;
}

/* NIMBUS_LAMBDA_IDLE_TIMEOUT → "lambda.idle_timeout" */
static void env_key(const char *name, char *out, size_t cap)
{
    size_t o = 0;
    int dot = 0;
    for (const char *p = name; *p && o + 1 < cap; p++) {
        char ch = (char)tolower((unsigned char)*p);
        if (ch == '_' && !dot) { ch = '.'; dot = 1; }
        out[o++] = ch;
    }
    out[o] = 0;
}

static const char *core_env[][2] = {
    {"NIMBUS_LISTEN", "listen"}, {"NIMBUS_DATA", "data"}, {"NIMBUS_REGION", "region"},
    {"NIMBUS_ACCOUNT", "account"}, {"NIMBUS_LOG_LEVEL", "log_level"}, {"NIMBUS_AUTH", "auth"},
};

static int is_core_env(const char *name)
{
    for (size_t i = 0; i < sizeof core_env / sizeof core_env[0]; i++)
        if (strcmp(name, core_env[i][0]) == 0) return 1;
    return strcmp(name, "NIMBUS_CONFIG") == 0;
}

extern char **environ;

int nb_config_load(nb_config_t *c, int argc, char **argv)
{
    memset(c, 0, sizeof *c);
    snprintf(c->listen_host, sizeof c->listen_host, "127.0.0.1");
    c->listen_port = 4566;
    snprintf(c->data_dir, sizeof c->data_dir, "./.nimbus");
    snprintf(c->region, sizeof c->region, "us-east-1");
    snprintf(c->account, sizeof c->account, "000000000000");
    c->log_level = NB_LOG_INFO;
    c->auth_open = 0;

    /* which config file: flag, then env, then DATA/nimbus.conf */
    const char *file = getenv("NIMBUS_CONFIG");
    int explicit_file = file != NULL;
    const char *data = getenv("NIMBUS_DATA");
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) { file = argv[i + 1]; explicit_file = 1; }
        if (strcmp(argv[i], "--data") == 0 && i + 1 < argc) data = argv[i + 1];
    }
    char dflt[PATH_MAX + 16];
    if (!file) {
        snprintf(dflt, sizeof dflt, "%s/nimbus.conf", data ? data : c->data_dir);
        file = dflt;
    }
    if (load_file(c, file, explicit_file) != 0) return -1;

    for (size_t i = 0; i < sizeof core_env / sizeof core_env[0]; i++) {
        const char *v = getenv(core_env[i][0]);
        if (v && apply(c, core_env[i][1], v) != 0) return -1;
    }
    for (char **e = environ; *e; e++) {
        if (strncmp(*e, "NIMBUS_", 7) != 0) continue;
        const char *eq = strchr(*e, '=');
        if (!eq) continue;
        char name[256];
        size_t nl = (size_t)(eq - *e);
        if (nl >= sizeof name) continue;
        memcpy(name, *e, nl);
        name[nl] = 0;
        if (is_core_env(name) || !strchr(name + 7, '_')) continue;
        char key[256];
        env_key(name + 7, key, sizeof key);
        set_extra(c, key, eq + 1);
    }

    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *key = NULL;
        if (strcmp(a, "--listen") == 0) key = "listen";
        else if (strcmp(a, "--data") == 0) key = "data";
        else if (strcmp(a, "--region") == 0) key = "region";
        else if (strcmp(a, "--account") == 0) key = "account";
        else if (strcmp(a, "--log-level") == 0) key = "log_level";
        else if (strcmp(a, "--auth") == 0) key = "auth";
        else if (strcmp(a, "--tls-listen") == 0) key = "tls.listen";
        else if (strcmp(a, "--store-resident-mb") == 0) key = "store.resident_mb";
        else if (strcmp(a, "--config") == 0) { i++; continue; }
        else if (strcmp(a, "--set") == 0) {
            if (i + 1 >= argc || !strchr(argv[i + 1], '=')) {
                fprintf(stderr, "nimbus: --set wants section.key=value\n");
                return -1;
            }
            char *kv = nb_xstrdup(argv[++i]);
            char *eq = strchr(kv, '=');
            *eq = 0;
            int rc = apply(c, kv, eq + 1);
            free(kv);
            if (rc) return -1;
            continue;
        } else {
            fprintf(stderr, "nimbus: unknown option '%s' (see nimbus up --help)\n", a);
            return -1;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "nimbus: %s needs a value\n", a);
            return -1;
        }
        if (apply(c, key, argv[++i]) != 0) return -1;
    }
    return 0;
}

const char *nb_config_get(const nb_config_t *c, const char *key)
{
    for (int i = 0; i < c->n_extra; i++)
        if (strcmp(c->extra[i].key, key) == 0) return c->extra[i].value;
    return NULL;
}

long nb_config_get_long(const nb_config_t *c, const char *key, long dflt)
{
    const char *v = nb_config_get(c, key);
    if (!v || !*v) return dflt;
    char *end;
    long r = strtol(v, &end, 10);
    return *end ? dflt : r;
}

void nb_config_free(nb_config_t *c)
{
    for (int i = 0; i < c->n_extra; i++) {
        free(c->extra[i].key);
        free(c->extra[i].value);
    }
    free(c->extra);
    c->extra = NULL;
    c->n_extra = 0;
}
