/* embedded.h — the files nimbus carries in its binary (runtimes/ and the
 * generated executables), a table written by scripts/embed.sh into
 * build/gen/embedded_files.c. Ends with an entry whose path is NULL. */
#ifndef NB_EMBEDDED_H
#define NB_EMBEDDED_H
#include <stddef.h>

typedef struct {
    const char *path;          /* its path under runtimes/ (a generated file: under build/gen/) */
    const unsigned char *data;
    size_t len;
} nb_embedded_file_t;

extern const nb_embedded_file_t nb_embedded_files[];

#endif
