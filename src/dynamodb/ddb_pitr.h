/* ddb_pitr.h — a table's point-in-time recovery setting (ddb_pitr.c). */
#ifndef DDB_PITR_H
#define DDB_PITR_H
#include <stdint.h>
#include <jansson.h>
#include "store/store.h"

/* The setting record of table tnum (*rec new reference, NULL when never set). */
int ddb_pitr_get(store_txn_t *txn, uint32_t tnum, json_t **rec);
/* *on = 1 when PITR is enabled on table tnum. STORE_OK or an error. */
int ddb_pitr_enabled(store_txn_t *txn, uint32_t tnum, int *on);
/* In txn: forget table tnum's setting (DeleteTable). STORE_OK or an error. */
int ddb_pitr_forget(store_txn_t *txn, uint32_t tnum);

#endif
