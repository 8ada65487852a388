/* log.h — structured logging: one JSON object per line on stderr. */
#ifndef NB_LOG_H
#define NB_LOG_H

typedef enum { NB_LOG_ERROR = 0, NB_LOG_WARN = 1, NB_LOG_INFO = 2, NB_LOG_DEBUG = 3 } nb_log_level_t;

void nb_log_set_level(int level);
int nb_log_level(void);
/* Parse "error|warn|info|debug"; -1 if unknown. */
int nb_log_level_parse(const char *s);
void nb_log(nb_log_level_t lvl, const char *component, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define nb_log_error(c, ...) nb_log(NB_LOG_ERROR, c, __VA_ARGS__)
#define nb_log_warn(c, ...)  nb_log(NB_LOG_WARN, c, __VA_ARGS__)
#define nb_log_info(c, ...)  nb_log(NB_LOG_INFO, c, __VA_ARGS__)
#define nb_log_debug(c, ...) do { if (nb_log_level() >= NB_LOG_DEBUG) nb_log(NB_LOG_DEBUG, c, __VA_ARGS__); } while (0)

/* The per-request access line: {"time","request_id","service","operation","status","us"}. */
void nb_log_request(const char *request_id, const char *service, const char *operation,
                    int status, unsigned long long micros);

#endif
