/* cp_keys_import.c — ImportApiKeys: API keys from a CSV file (csv.c), as API
 * Gateway's key file format has it: a header row naming the columns (any
 * case, any order; Name and Key required; Description, Enabled and
 * UsagePlanIds optional; others ignored), then one key per row. A key whose
 * value exists already is overwritten (same id); a new value gets a new key.
 * UsagePlanIds (comma-separated, quoted) adds the key to those plans. A row
 * that cannot be imported is skipped with a warning, or, with
 * failonwarnings=true, fails the whole import. Everything is written in one
 * transaction: all the keys and plans, or nothing. */
#include "apigw/apigw_int.h"
#include "core/buf.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>

enum { C_NAME, C_KEY, C_DESC, C_ENABLED, C_PLANS, C_N };
static const char *const col_names[C_N] = {"name", "key", "description", "enabled", "usageplanids"};

static const char *cell(json_t *row, const int *col, int c)
{
    return col[c] >= 0 && (size_t)col[c] < json_array_size(row) ? json_string_value(json_array_get(row, (size_t)col[c]))
                                                                 : NULL;
}

static json_t *key_by_value(const char *value)
{
    const char *id;
    json_t *k;
    json_object_foreach(apigw__svc.keys, id, k)
        if (strcmp(json_string_value(json_object_get(k, "value")), value) == 0) return k;
    return NULL;
}

/* The plan ids of a UsagePlanIds cell, trimmed (new array); NULL with a
 * warning when one names no plan. */
static json_t *plan_ids(const char *s, nb_buf_t *warn, size_t line)
{
    json_t *ids = json_array();
    while (s && *s) {
        while (*s == ' ' || *s == '\t') s++;
        size_t n = strcspn(s, ",");
        size_t e = n;
        while (e && (s[e - 1] == ' ' || s[e - 1] == '\t')) e--;
        if (e) {
            json_t *id = json_stringn(s, e);
            if (!json_object_get(apigw__svc.plans, json_string_value(id))) {
                nb_buf_printf(warn, "Line %zu: Invalid Usage Plan identifier specified: %s", line, json_string_value(id));
                json_decref(id);
                json_decref(ids);
                return NULL;
            }
            json_array_append_new(ids, id);
        }
        s += n;
        if (*s == ',') s++;
    }
    return ids;
}

/* One row's warning (into warn) or 0. */
static int check_row(json_t *row, const int *col, size_t line, int *enabled, nb_buf_t *warn)
{
    const char *name = cell(row, col, C_NAME), *value = cell(row, col, C_KEY), *en = cell(row, col, C_ENABLED);
    size_t vl = value ? strlen(value) : 0;
    if (vl < 20 || vl > 128) {
        nb_buf_printf(warn, "Line %zu: API Key value must be between 20 and 128 characters", line);
        return -1;
    }
    if (!name || !*name || strlen(name) > 1024) {
        nb_buf_printf(warn, "Line %zu: API Key name must be between 1 and 1024 characters", line);
        return -1;
    }
    *enabled = 1;
    if (en && *en) {
        if (strcasecmp(en, "false") == 0) *enabled = 0;
        else if (strcasecmp(en, "true") != 0) {
            nb_buf_printf(warn, "Line %zu: Enabled must be true or false", line);
            return -1;
        }
    }
    return 0;
}

typedef struct import {
    json_t *ids, *warnings;
    json_t *keys;    /* id → key document, as it will be (new refs) */
    json_t *plans;   /* id → plan document, as it will be */
} import_t;

static void import_free(import_t *im)
{
    json_decref(im->ids);
    json_decref(im->warnings);
    json_decref(im->keys);
    json_decref(im->plans);
}

/* The key of one valid row, into im (copies: nothing live changes yet). */
static void stage_row(import_t *im, json_t *row, const int *col, int enabled, json_t *plans)
{
    const char *value = cell(row, col, C_KEY), *desc = cell(row, col, C_DESC);
    json_t *old = key_by_value(value), *key = NULL;
    const char *id;
    json_t *k;
    json_object_foreach(im->keys, id, k)   /* the same value twice in the file: the last row wins */
        if (strcmp(json_string_value(json_object_get(k, "value")), value) == 0) {
            key = json_incref(k);
            break;
        }
    /* key is our own reference (json_object_set_new below hands it to im->keys): a copy of
     * a live key is one already */
    if (!key && old) key = json_deep_copy(old);
    if (!key) {
        char nid[16];
        apigw__new_id(nid, 10);
        key = json_pack("{s:s,s:s,s:o,s:[]}", "id", nid, "value", value, "createdDate", apigw__epoch_now(), "stageKeys");
    }
    json_object_set_new(key, "name", json_string(cell(row, col, C_NAME)));
    json_object_set_new(key, "description", json_string(desc ? desc : ""));
    json_object_set_new(key, "enabled", json_boolean(enabled));
    json_object_set_new(key, "lastUpdatedDate", apigw__epoch_now());
    const char *kid = json_string_value(json_object_get(key, "id"));
    json_object_set_new(im->keys, kid, key);
    size_t i;
    json_t *pid;
    json_array_foreach(plans, i, pid) {
        const char *p = json_string_value(pid);
        json_t *plan = json_object_get(im->plans, p);
        if (!plan) {
            plan = json_deep_copy(json_object_get(apigw__svc.plans, p));
            json_object_set_new(im->plans, p, plan);
        }
        if (!apigw__plan_has_key(plan, kid)) json_array_append_new(json_object_get(plan, "_keys"), json_string(kid));
    }
    size_t n = json_array_size(im->ids);
    for (i = 0; i < n && strcmp(json_string_value(json_array_get(im->ids, i)), kid) != 0; i++) {}
    if (i == n) json_array_append_new(im->ids, json_string(kid));
}

void apigw__op_import_api_keys(nb_req_t *req)
{
    const char *format = nb_req_qparam(req, "format");
    const char *fow = nb_req_qparam(req, "failonwarnings");
    int fail_on_warnings = fow && strcasecmp(fow, "true") == 0;
    if (!format || strcmp(format, "csv") != 0) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid API key file format: %s. Only csv is supported",
                       format ? format : "(none)");
        return;
    }
    const char *err = NULL;
    json_t *rows = apigw__csv_parse(req->body ? req->body : "", req->body_len, &err);
    if (!rows) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid API key file: %s", err);
        return;
    }
    int col[C_N];
    for (int c = 0; c < C_N; c++) col[c] = -1;
    json_t *header = json_array_get(rows, 0);
    for (size_t i = 0; i < json_array_size(header); i++) {
        char h[32];
        snprintf(h, sizeof h, "%s", json_string_value(json_array_get(header, i)));
        for (int c = 0; c < C_N; c++)
            if (col[c] < 0 && strcasecmp(h, col_names[c]) == 0) col[c] = (int)i;
    }
    if (col[C_NAME] < 0 || col[C_KEY] < 0) {
        json_decref(rows);
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid API key file: the header must name the Name and Key columns");
        return;
    }
    import_t im = { json_array(), json_array(), json_object(), json_object() };
    nb_buf_t warn = NB_BUF_INIT;
    for (size_t r = 1; r < json_array_size(rows); r++) {
        json_t *row = json_array_get(rows, r);
        int enabled;
        json_t *plans = NULL;
        nb_buf_clear(&warn);
        if (check_row(row, col, r + 1, &enabled, &warn) == 0 && (plans = plan_ids(cell(row, col, C_PLANS), &warn, r + 1)))
            stage_row(&im, row, col, enabled, plans);
        json_decref(plans);
        if (warn.len) json_array_append_new(im.warnings, json_string(warn.data));
    }
    nb_buf_free(&warn);
    json_decref(rows);
    if (fail_on_warnings && json_array_size(im.warnings)) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "%s", json_string_value(json_array_get(im.warnings, 0)));
        import_free(&im);
        return;
    }
    /* into the live state, then all of it in one transaction */
    size_t n = json_object_size(im.keys) + json_object_size(im.plans), i = 0;
    apigw_rec_t *recs = nb_arena_alloc(req->arena, (n ? n : 1) * sizeof *recs);
    const char *id;
    json_t *doc;
    json_object_foreach(im.keys, id, doc) {
        json_object_set(apigw__svc.keys, id, doc);
        recs[i++] = (apigw_rec_t){ 'k', nb_arena_strdup(req->arena, id), json_object_get(apigw__svc.keys, id) };
    }
    json_object_foreach(im.plans, id, doc) {
        json_object_set(apigw__svc.plans, id, doc);
        recs[i++] = (apigw_rec_t){ 'p', nb_arena_strdup(req->arena, id), json_object_get(apigw__svc.plans, id) };
    }
    json_t *body = json_pack("{s:O,s:O}", "ids", im.ids, "warnings", im.warnings);
    apigw__save_many_reply(req, recs, n, 201, body);
    import_free(&im);
}
