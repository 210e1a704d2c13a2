/*
 * store_int.h — private to the storage layer: the cs_store struct, the cache of prepared
 * statements, and helpers shared by the store's files (store.c: connection, schema, regions,
 * rounds; values.c: reported values and their states; evidence.c: evidence and snapshots;
 * backup.c: portable backup and restore).
 */
#ifndef CS_STORE_INT_H
#define CS_STORE_INT_H

#include "citystar/store.h"
#include "store/backend.h"
#include "util/strmap.h"

/* The statements the store prepares once per connection, by number. */
enum {
    ST_REGION_GET,
    ST_REGION_INSERT,
    ST_REGION_UPDATE,
    ST_ROUND_TOUCH,
    ST_ROUND_ENSURE,
    ST_SOURCE_INSERT,
    ST_REVISION_INSERT,
    ST_CURRENT_UPSERT,
    ST_CURRENT_OF_PERIOD,
    ST_CURRENT_OF_KEY,
    ST_LAST_REVISION,
    ST__COUNT
};

struct cs_store {
    const cs__backend *be;
    cs__db *db;
    char *target;         /* for messages (a connection string without its password) */
    cs__stmt *st[ST__COUNT];
    cs__buf scratch[8];   /* strings of records handed out until the next call */
    int in_tx;
    char origin[96];      /* where requests come from, for the audit log ("cli", an IP address) */
};

/* The statement number id, prepared on first use from sql; NULL after reporting an error. */
cs__stmt *cs__store_stmt(cs_store *s, int id, const char *sql, cs_diag *diag);
/* A one-off statement; the caller finalizes it. */
cs__stmt *cs__store_prepare(cs_store *s, const char *sql, cs_diag *diag);
/* Transactions: begin a write transaction, commit, roll back (rollback never fails loudly). */
cs_status cs__store_begin(cs_store *s, cs_diag *diag);
cs_status cs__store_commit(cs_store *s, cs_diag *diag);
void cs__store_rollback(cs_store *s);
/* Within a write transaction: keeps other writers off table until the transaction ends (nothing
 * to do on a back-end whose write transactions exclude each other). */
cs_status cs__store_lock_table(cs_store *s, const char *table, cs_diag *diag);
/* The current time as UTC ISO 8601 ("2026-11-21T08:30:00Z"). */
void cs__store_now(char out[32]);
/* Whether period is a four-digit year not after the current year; sets *future when it is a
 * year in the future. */
int cs__store_period_ok(const char *period, int *future);
/* Adds the codes of root and every region below it to set (root itself first). */
cs_status cs__store_region_subtree(cs_store *s, const char *root, cs__strmap *set, cs_diag *diag);
/* Within the caller's transaction: writes a revision in state `to` of every current value of
 * period whose state is `from` (NULL = any state other than `to`). */
cs_status cs__store_mark_all(cs_store *s, const char *period, const char *from, const char *to, const char *actor,
                             const char *note, cs_diag *diag);

/* Within the caller's write transaction: writes a revision in state `to` of every current value
 * of region (only) and period whose element is in elements and whose state is in from[]
 * (NULL-terminated); with fill_missing, also a missing value ("未填报") in state `to` for each
 * element of elements region has no value of. *moved (OUT) counts the values that existed. */
cs_status cs__store_move_values(cs_store *s, const char *region, const char *period, const cs__strmap *elements,
                                const char *const *from, const char *to, int fill_missing, const char *actor,
                                const char *note, size_t *moved, cs_diag *diag);
/* Within the caller's write transaction: saves a snapshot (evidence.c). */
cs_status cs__store_save_snapshot_in(cs_store *s, const cs_snapshot *snap, int64_t *out_id, cs_diag *diag);
/* Within the caller's write transaction: appends an entry to the hash-chained audit log (audit.c).
 * detail (may be NULL) is a JSON object of what changed, before and after; it is consumed. */
struct json_t;
cs_status cs__audit_append(cs_store *s, const char *actor, const char *action, const char *object,
                           struct json_t *detail, cs_diag *diag);

#endif
