/* ddb_token.c — ClientRequestToken idempotency records (see ddb_token.h). */
#include "dynamodb/ddb_token.h"
#include "dynamodb/ddb_table.h"
#include "core/buf.h"
#include "core/util.h"
#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>

#define TOKEN_TTL_MS (10 * 60 * 1000)

void ddb_token_validate(ddb_vlist_t *v, const char *token)
{
    if (!token || (strlen(token) >= 1 && strlen(token) <= 36)) return;
    nb_buf_t q = NB_BUF_INIT;
    nb_buf_printf(&q, "'%s'", token);
    ddb_v_add(v, q.data, "clientRequestToken", *token ? "Member must have length less than or equal to 36"
                                                       : "Member must have length greater than or equal to 1");
    nb_buf_free(&q);
}

void ddb_token_hash(const json_t *body, char out[65])
{
    char *s = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)s, strlen(s), md);
    free(s);
    nb_hex(md, sizeof md, out);
}

/* 0 none (or expired), 1 replay (*rec new reference), 2 mismatch. */
static int token_check(store_txn_t *txn, const char *token, const char *hash, json_t **out)
{
    const void *v;
    size_t vl;
    if (store_get(txn, DDB_KS_TOKENS, token, strlen(token), &v, &vl) != STORE_OK) return 0;
    json_t *rec = json_loadb(v, vl, 0, NULL);
    if (!rec) return 0;
    int rc = 0;
    long long t = json_integer_value(json_object_get(rec, "t"));
    if ((long long)nb_wall_ms() - t <= TOKEN_TTL_MS) {
        if (strcmp(ddb_jstr(rec, "h") ? ddb_jstr(rec, "h") : "", hash) == 0) {
            *out = json_incref(rec);
            rc = 1;
        } else {
            rc = 2;
        }
    }
    json_decref(rec);
    return rc;
}

int ddb_token_replay(nb_req_t *req, store_txn_t *txn, const char *token, const char *hash)
{
    if (!token) return 0;
    json_t *rec = NULL;
    int tc = token_check(txn, token, hash, &rec);
    if (tc == 0) return 0;
    store_abort(txn);
    if (tc == 1) {
        json_t *resp = json_deep_copy(json_object_get(rec, "r"));
        json_object_del(resp, "ConsumedCapacity");
        int mode = ddb_rcc_mode(req->json);
        if (mode) {
            json_t *caps = json_array(), *c;
            size_t i;
            json_array_foreach(json_object_get(rec, "c"), i, c) {
                ddb_cap_t cap;
                ddb_cap_init(&cap, ddb_jstr(c, "TableName"), 1);
                cap.table_units = json_number_value(json_object_get(c, "CapacityUnits"));
                cap.split = 1;   /* a replay is a transactional read of the stored result */
                json_array_append_new(caps, ddb_cap_json(&cap, mode));
            }
            json_object_set_new(resp, "ConsumedCapacity", caps);
        }
        json_decref(rec);
        ddb_reply_ok(req, resp);
        return 1;
    }
    static const char msg[] = "The request uses the same client token as a previous, but non-identical request.";
    nb_reply_error_extra(req, NB_ERR_DDB_IDEMPOTENT_MISMATCH, json_pack("{s:s}", "Message", msg), "%s", msg);
    return 1;
}

int ddb_token_store(store_txn_t *txn, const char *token, const char *hash, const json_t *resp, const json_t *total)
{
    json_t *rec = json_pack("{s:s,s:I,s:O}", "h", hash, "t", (json_int_t)nb_wall_ms(), "r", resp);
    if (total) json_object_set(rec, "c", (json_t *)total);
    char *s = json_dumps(rec, JSON_COMPACT);
    int rc = store_put(txn, DDB_KS_TOKENS, token, strlen(token), s, strlen(s));
    free(s);
    json_decref(rec);
    return rc;
}
