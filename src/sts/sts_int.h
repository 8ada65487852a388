/* sts_int.h — pieces of the STS service shared by its files (sts_service.c
 * owns them; sts_federation.c uses them). Not for other modules. */
#ifndef NB_STS_INT_H
#define NB_STS_INT_H
#include <jansson.h>
#include "core/buf.h"
#include "core/request.h"
#include "store/store.h"
#include "sts/sts.h"

/* GetSessionToken / GetFederationToken with root's credentials: at most an
 * hour; a longer DurationSeconds (up to 129600) gives an hour, as AWS does. */
#define STS_ROOT_MAX_DURATION 3600

/* <tag>escaped v</tag> */
void sts__xml_str(nb_buf_t *b, const char *tag, const char *v);
/* Give session record rec new keys and its Expiration (now + duration_s),
 * store it in t; fills out. Returns the store status. */
int sts__put_session(store_txn_t *t, json_t *rec, unsigned duration_s, sts_creds_t *out);
/* sts__put_session for an operation: 0, or -1 once t is aborted and req
 * answered InternalFailure. rec stays the caller's. */
int sts__save_session(nb_req_t *req, store_txn_t *t, json_t *rec, unsigned duration_s, sts_creds_t *out);
/* The <Credentials> element of c. */
void sts__creds_xml(nb_buf_t *b, const sts_creds_t *c);
/* Commit t and reply b's XML once durable (b is freed). */
void sts__commit_reply(nb_req_t *req, store_txn_t *t, nb_buf_t *b);
/* DurationSeconds within [min, max] (default dflt, capped at max); -1 after
 * replying ValidationError. */
long sts__duration(nb_req_t *req, long dflt, long max);

/* sts_federation.c */
void sts__op_get_federation_token(nb_req_t *req);
void sts__op_get_access_key_info(nb_req_t *req);

#endif
