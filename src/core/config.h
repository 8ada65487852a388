/* config.h — daemon configuration: flags > environment (NIMBUS_*) > config file.
 *
 * Well-known settings have fields; any other "section.key" setting (e.g.
 * "lambda.idle_timeout") is kept as a string and read with nb_config_get(). */
#ifndef NB_CONFIG_H
#define NB_CONFIG_H
#include <limits.h>

typedef struct nb_config_kv { char *key; char *value; } nb_config_kv_t;

typedef struct nb_config {
    char listen_host[256];
    int listen_port;            /* 0: pick a free port */
    char data_dir[PATH_MAX];
    char region[32];
    char account[16];
    int log_level;              /* nb_log_level_t */
    int auth_open;              /* --auth open: any well-formed credentials (loopback only) */
    char endpoint_url[300];     /* http://host:port, filled once listening */
    nb_config_kv_t *extra;      /* other settings */
    int n_extra;
} nb_config_t;

/* Fill defaults, then the config file (--config or NIMBUS_CONFIG or DATA/nimbus.conf),
 * then the environment, then argv flags. Returns 0, or -1 with a message on stderr. */
int nb_config_load(nb_config_t *cfg, int argc, char **argv);
/* Other settings by "section.key"; NULL when unset. Borrowed. */
const char *nb_config_get(const nb_config_t *cfg, const char *key);
long nb_config_get_long(const nb_config_t *cfg, const char *key, long dflt);
void nb_config_free(nb_config_t *cfg);

#endif
