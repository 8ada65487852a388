/* ddb_write.c — one item write inside a transaction (see ddb_write.h). */
#include "dynamodb/ddb_write.h"
#include "dynamodb/ddb_keys.h"
#include "dynamodb/ddb_av.h"
#include <string.h>

void ddb_write_init(ddb_write_t *w)
{
    memset(w, 0, sizeof *w);
}

void ddb_write_free(ddb_write_t *w)
{
    nb_buf_free(&w->key);
    json_decref(w->old);
    json_decref(w->new_item);
    w->old = w->new_item = NULL;
}

int ddb_rv_parse(const char *s)
{
    static const char *const names[] = {"NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"};
    if (!s) return DDB_RV_NONE;
    for (int i = 0; i < 5; i++)
        if (strcmp(s, names[i]) == 0) return i;
    return -1;
}

int ddb_write_prepare(ddb_write_t *w, ddb_err_t *err)
{
    const ddb_table_t *t = w->t;
    if (w->kind == DDB_W_PUT) {
        if (ddb_item_check(t, w->item, &w->new_size, err) != 0) return -1;
        w->hash = json_object_get(w->item, t->ks.hash);
        w->range = t->ks.range ? json_object_get(w->item, t->ks.range) : NULL;
    }
    if (w->kind == DDB_W_UPDATE && w->x.upd) {
        const char *keys[2] = {t->ks.hash, t->ks.range};
        for (int i = 0; i < 2; i++) {
            if (keys[i] && ddb_update_touches(w->x.upd, keys[i]))
                return ddb_err_set(err, NB_ERR_VALIDATION,
                                   "One or more parameter values were invalid: Cannot update attribute %s. "
                                   "This attribute is part of the key", keys[i]);
        }
        /* an index key is a scalar: no path may go into it (dynalite's test/updateItem.js) */
        for (size_t j = 0; j < t->n_idx; j++) {
            const char *ik[2] = {t->idx[j].ks.hash, t->idx[j].ks.range};
            for (int i = 0; i < 2; i++)
                if (ik[i] && ddb_update_nests(w->x.upd, ik[i]))
                    return ddb_err_set(err, NB_ERR_VALIDATION, "Key attributes must be scalars; list random access "
                                       "'[]' and map lookup '.' are not allowed: IndexKey: %s", ik[i]);
        }
    }
    nb_buf_clear(&w->key);
    if (ddb_item_key(&w->key, t, w->hash, w->range) != 0)
        return ddb_err_set(err, NB_ERR_VALIDATION, "The provided key element does not match the schema");
    return 0;
}

static int store_fail(ddb_err_t *err, int rc)
{
    return ddb_err_set(err, NB_ERR_DDB_INTERNAL, rc == STORE_ERR_FULL ? "The storage is full"
                                                                     : "Internal server error");
}

/* Must the stored item be parsed (not only sized)? */
static int need_parse(const ddb_write_t *w)
{
    return w->kind != DDB_W_PUT || w->x.cond || w->rv != DDB_RV_NONE || w->t->n_idx || w->t->ttl_attr;
}

/* The item an update starts from when none is stored: just the key. */
static json_t *key_item(const ddb_write_t *w)
{
    json_t *k = json_object();
    json_object_set(k, w->t->ks.hash, (json_t *)w->hash);
    if (w->range) json_object_set(k, w->t->ks.range, (json_t *)w->range);
    return k;
}

/* 1 when every action of u removes (REMOVE, or DELETE from a set): such an
 * update of a missing item leaves it missing, as in DynamoDB, while any other
 * (even an empty AttributeUpdates) creates it. */
static int only_removes(const ddb_update_t *u)
{
    if (!u || u->n == 0)
        return 0;
    for (size_t i = 0; i < u->n; i++)
        if (u->actions[i].kind != DDB_UPD_REMOVE && u->actions[i].kind != DDB_UPD_DELETE)
            return 0;
    return 1;
}

int ddb_write_exec(store_txn_t *txn, ddb_write_t *w, nb_arena_t *arena, ddb_err_t *err)
{
    int rc;
    uint32_t osize = 0;
    json_decref(w->old);
    json_decref(w->new_item);
    w->old = w->new_item = NULL;
    if (need_parse(w)) {
        rc = ddb_item_load(txn, &w->key, &w->old, &osize);
        w->old_exists = w->old != NULL;
    } else {
        const char *text;
        size_t len;
        rc = ddb_item_read(txn, &w->key, &text, &len, &osize);
        w->old_exists = rc == STORE_OK;
        if (rc == STORE_NOTFOUND) rc = STORE_OK;
    }
    if (rc != STORE_OK) return store_fail(err, rc);
    w->old_size = osize;

    if (w->x.cond) {
        int ok = ddb_eval_condition(w->x.cond, w->old, err);
        if (ok < 0) return -1;
        if (!ok) return 1;
    }
    switch (w->kind) {
    case DDB_W_CHECK:
        return 0;
    case DDB_W_PUT:
        w->new_item = json_incref(w->item);
        break;
    case DDB_W_DELETE:
        break;
    case DDB_W_UPDATE: {
        if (!w->old && only_removes(w->x.upd))
            break;   /* removing from an item that does not exist does not create it */
        json_t *base = w->old ? json_incref(w->old) : key_item(w);
        if (w->x.upd) {
            ddb_update_result_t res;
            rc = ddb_apply_update(w->x.upd, base, arena, &res, err);
            json_decref(base);
            if (rc != 0) return -1;
            w->new_item = res.item;
            w->upaths = res.paths;
            w->n_upaths = res.npaths;
        } else {
            w->new_item = base;
        }
        if (ddb_item_check(w->t, w->new_item, &w->new_size, err) != 0) {
            if (w->new_size > DDB_ITEM_MAX_SIZE || (err->msg && strcmp(err->msg, "Item size has exceeded the maximum allowed size") == 0))
                ddb_err_set(err, NB_ERR_VALIDATION, "Item size to update has exceeded the maximum allowed size");
            return -1;
        }
        break;
    }
    }
    rc = ddb_item_write(txn, w->t, &w->key, w->old, w->old_exists, (uint32_t)w->old_size,
                        w->new_item, w->new_size, &w->info);
    return rc == STORE_OK ? 0 : store_fail(err, rc);
}

json_t *ddb_write_return_values(const ddb_write_t *w)
{
    json_t *out = NULL;
    switch (w->rv) {
    case DDB_RV_ALL_OLD:
        out = w->old ? json_incref(w->old) : NULL;
        break;
    case DDB_RV_ALL_NEW:
        out = w->new_item ? json_incref(w->new_item) : NULL;
        break;
    case DDB_RV_UPDATED_OLD:
        out = w->old ? ddb_project(w->old, w->upaths, w->n_upaths) : NULL;
        break;
    case DDB_RV_UPDATED_NEW:
        out = w->new_item ? ddb_project(w->new_item, w->upaths, w->n_upaths) : NULL;
        break;
    default:
        break;
    }
    if (out && json_object_size(out) == 0) {
        json_decref(out);
        out = NULL;
    }
    return out;
}

void ddb_write_capacity(const ddb_write_t *w, ddb_cap_t *c)
{
    size_t sz = w->new_size > w->old_size ? w->new_size : w->old_size;
    c->table_units += ddb_write_units(sz);
    for (int i = 0; i < w->info.n_idx_touched; i++) {
        for (size_t j = 0; j < w->t->n_idx; j++) {
            const ddb_index_t *ix = &w->t->idx[j];
            if (ix->num == w->info.idx_touched[i]) ddb_cap_index(c, ix->name, ix->local, ddb_write_units(sz));
        }
    }
}

json_t *ddb_write_collection_metrics(const ddb_write_t *w)
{
    int has_lsi = 0;
    for (size_t i = 0; i < w->t->n_idx; i++) has_lsi |= w->t->idx[i].local;
    if (!has_lsi) return NULL;
    json_t *k = json_object();
    json_object_set(k, w->t->ks.hash, (json_t *)w->hash);
    return json_pack("{s:o,s:[f,f]}", "ItemCollectionKey", k, "SizeEstimateRangeGB", 0.0, 1.0);
}
