/* archive_dl.c — resolve the libarchive functions nimbus uses, once. */
#include "lambda/archive_dl.h"
#include "core/log.h"
#include <dlfcn.h>
#include <stddef.h>

static lambda_archive_api_t api;
static int state;   /* 0 not tried, 1 loaded, -1 failed */

#define RESOLVE(field, sym)                                              \
    do {                                                                 \
        *(void **)(&api.field) = dlsym(h, sym);                          \
        if (!api.field) { missing = sym; goto fail; }                    \
    } while (0)

const lambda_archive_api_t *lambda__archive(void)
{
    if (state) return state > 0 ? &api : NULL;
    const char *missing = "libarchive.so.13";
    void *h = dlopen("libarchive.so.13", RTLD_NOW | RTLD_LOCAL);
    if (!h) goto fail;
    RESOLVE(read_new, "archive_read_new");
    RESOLVE(read_support_format_zip, "archive_read_support_format_zip");
    RESOLVE(read_open_memory, "archive_read_open_memory");
    RESOLVE(read_next_header, "archive_read_next_header");
    RESOLVE(read_data, "archive_read_data");
    RESOLVE(read_data_block, "archive_read_data_block");
    RESOLVE(read_free, "archive_read_free");
    RESOLVE(write_disk_new, "archive_write_disk_new");
    RESOLVE(write_disk_set_options, "archive_write_disk_set_options");
    RESOLVE(write_header, "archive_write_header");
    RESOLVE(write_data_block, "archive_write_data_block");
    RESOLVE(write_finish_entry, "archive_write_finish_entry");
    RESOLVE(write_close, "archive_write_close");
    RESOLVE(write_free, "archive_write_free");
    RESOLVE(error_string, "archive_error_string");
    RESOLVE(entry_pathname, "archive_entry_pathname");
    RESOLVE(entry_set_pathname, "archive_entry_set_pathname");
    RESOLVE(entry_perm, "archive_entry_perm");
    RESOLVE(entry_set_perm, "archive_entry_set_perm");
    RESOLVE(entry_filetype, "archive_entry_filetype");
    RESOLVE(entry_size, "archive_entry_size");
    RESOLVE(write_new, "archive_write_new");
    RESOLVE(write_set_format_zip, "archive_write_set_format_zip");
    RESOLVE(write_set_bytes_in_last_block, "archive_write_set_bytes_in_last_block");
    RESOLVE(write_open, "archive_write_open");
    RESOLVE(write_data, "archive_write_data");
    RESOLVE(entry_new, "archive_entry_new");
    RESOLVE(entry_free, "archive_entry_free");
    RESOLVE(entry_set_size, "archive_entry_set_size");
    RESOLVE(entry_set_filetype, "archive_entry_set_filetype");
    RESOLVE(entry_set_mtime, "archive_entry_set_mtime");
    state = 1;
    return &api;
fail:
    nb_log_error("lambda", "cannot load %s (%s): function code cannot be unpacked", missing,
                 h ? "symbol missing" : dlerror());
    state = -1;
    return NULL;
}
