/* archive_dl.h — libarchive, loaded on first use instead of at start-up.
 *
 * Linking libarchive pulls in ~15 shared libraries (ICU, libxml2, nettle,
 * zstd, ...) whose relocation costs every `nimbus up` ~15 ms and ~4 MB of
 * RSS, though only function-code uploads need it (bench/results: start-up and
 * idle RSS). So nimbus dlopen()s it the first time a zip is unpacked (or
 * written: API Gateway's GetSdk, src/apigw/sdk_gen.c). */
#ifndef NB_LAMBDA_ARCHIVE_DL_H
#define NB_LAMBDA_ARCHIVE_DL_H
#include <archive.h>
#include <archive_entry.h>

typedef struct lambda_archive_api {
    struct archive *(*read_new)(void);
    int (*read_support_format_zip)(struct archive *);
    int (*read_open_memory)(struct archive *, const void *, size_t);
    int (*read_next_header)(struct archive *, struct archive_entry **);
    la_ssize_t (*read_data)(struct archive *, void *, size_t);
    int (*read_data_block)(struct archive *, const void **, size_t *, la_int64_t *);
    int (*read_free)(struct archive *);
    struct archive *(*write_disk_new)(void);
    int (*write_disk_set_options)(struct archive *, int);
    int (*write_header)(struct archive *, struct archive_entry *);
    la_ssize_t (*write_data_block)(struct archive *, const void *, size_t, la_int64_t);
    int (*write_finish_entry)(struct archive *);
    int (*write_close)(struct archive *);
    int (*write_free)(struct archive *);
    const char *(*error_string)(struct archive *);
    const char *(*entry_pathname)(struct archive_entry *);
    void (*entry_set_pathname)(struct archive_entry *, const char *);
    __LA_MODE_T (*entry_perm)(struct archive_entry *);
    void (*entry_set_perm)(struct archive_entry *, __LA_MODE_T);
    __LA_MODE_T (*entry_filetype)(struct archive_entry *);
    la_int64_t (*entry_size)(struct archive_entry *);
    /* writing a zip in memory (API Gateway's GetSdk) */
    struct archive *(*write_new)(void);
    int (*write_set_format_zip)(struct archive *);
    int (*write_set_bytes_in_last_block)(struct archive *, int);
    int (*write_open)(struct archive *, void *, archive_open_callback *, archive_write_callback *, archive_close_callback *);
    la_ssize_t (*write_data)(struct archive *, const void *, size_t);
    struct archive_entry *(*entry_new)(void);
    void (*entry_free)(struct archive_entry *);
    void (*entry_set_size)(struct archive_entry *, la_int64_t);
    void (*entry_set_filetype)(struct archive_entry *, unsigned int);
    void (*entry_set_mtime)(struct archive_entry *, time_t, long);
} lambda_archive_api_t;

/* The API, loading libarchive on the first call; NULL (and a logged reason)
 * when it cannot be loaded. Loop thread only. */
const lambda_archive_api_t *lambda__archive(void);

#endif
