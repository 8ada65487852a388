/* http_status.h — reason phrases for status lines. */
#ifndef NB_HTTP_STATUS_H
#define NB_HTTP_STATUS_H

/* "Not Found" for 404; "Unknown" for a code the registry does not name. */
const char *nb_http_reason(int status);

#endif
