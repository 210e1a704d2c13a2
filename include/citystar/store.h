/*
 * store.h — the storage layer's face: regions, assessment rounds, reported values with their
 * history and review state, evidence files and score snapshots, kept in SQLite (one file) or
 * PostgreSQL (shared by several servers). The same calls work on both; which one is used follows
 * from the target given to cs_store_open. Nothing here knows about frameworks or scoring: the
 * caller checks values against frameworks before writing them.
 *
 * Ownership: strings passed in are copied or used only during the call; strings handed to
 * callbacks are valid only during the callback; a cs_store is used by one thread at a time.
 */
#ifndef CITYSTAR_STORE_H
#define CITYSTAR_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "citystar/citystar.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cs_store cs_store;

/* ---- Opening, schema, backup ------------------------------------------------------------- */

/* Opens a store. target is a file path (SQLite, created when absent) or a PostgreSQL
 * connection string ("postgresql://…", "postgres://…" or "host=… dbname=…"). The schema is not
 * touched: call cs_store_migrate. *out (OUT) is closed with cs_store_close. */
cs_status cs_store_open(const char *target, cs_store **out, cs_diag *diag);
void cs_store_close(cs_store *s);
/* "sqlite" or "postgresql". */
const char *cs_store_backend(const cs_store *s);

/* The schema version the database is at (0 for an empty database) and the one this program
 * writes. */
cs_status cs_store_schema_version(cs_store *s, int *current, int *latest, cs_diag *diag);
/* Applies every migration the database lacks, each in its own transaction; *from and *to
 * (OUT, may be NULL) say where it started and ended. A database newer than this program is an
 * error. */
cs_status cs_store_migrate(cs_store *s, int *from, int *to, cs_diag *diag);

/* Writes every row of every table to path as a portable backup (JSON lines, readable by either
 * back-end). The dump is taken inside one read transaction, so it is consistent. */
cs_status cs_store_backup(cs_store *s, const char *path, cs_diag *diag);
/* Loads a backup into an empty store at the latest schema (all or nothing). */
cs_status cs_store_restore(cs_store *s, const char *path, cs_diag *diag);

/* ---- Regions (GB/T 2260 codes) ----------------------------------------------------------- */

typedef struct {
    const char *code, *name;
    const char *level;    /* province, city, county, street, community */
    const char *parent;   /* code of the parent, NULL for a province */
    const char *kind;     /* "gb2260" (official) or "manual" (added by hand); NULL = gb2260 */
} cs_region;

/* Rank of a region level: province 0, city 1, county 2, street 3, community 4; -1 when unknown. */
int cs_region_level_rank(const char *level);

/* Adds regions (parents before children, or parents already stored) in one transaction;
 * a region already stored with the same name, level and parent is left as it is, one that
 * differs is updated. *added and *updated (OUT, may be NULL) count what changed. */
cs_status cs_store_put_regions(cs_store *s, const cs_region *regions, size_t n, const char *source,
                               const char *actor, size_t *added, size_t *updated, cs_diag *diag);
/* Finds one region; returns CS_ENOTFOUND when it is not stored. The strings of *out are valid
 * until the next call on s. */
cs_status cs_store_region(cs_store *s, const char *code, cs_region *out, cs_diag *diag);
/* Calls fn for the region `root` (NULL = every province) and all regions below it, parents
 * before children, stopping at max_level (NULL = no limit). */
typedef int (*cs_region_fn)(void *ctx, const cs_region *r);
cs_status cs_store_regions(cs_store *s, const char *root, const char *max_level, cs_region_fn fn, void *ctx,
                           cs_diag *diag);

/* ---- Reported values ------------------------------------------------------------------------ */

/* Review states of a value in an assessment round. */
#define CS_STATE_DRAFT "draft"
#define CS_STATE_SUBMITTED "submitted"
#define CS_STATE_APPROVED "approved"
#define CS_STATE_RETURNED "returned"
#define CS_STATE_LOCKED "locked"

/* Where a batch of values came from. */
typedef struct {
    const char *kind;     /* "file", "form", "api" or "demo" */
    const char *name;     /* file name, form name, API client … */
    const char *sha256;   /* of the file's bytes, or NULL */
    const char *actor;    /* who */
    const char *note;     /* may be NULL */
    int dry_run;          /* check everything and count, then write nothing */
    /* Called now and then while values are written (before the commit), may be NULL. */
    void (*progress)(void *ctx, size_t written, size_t total);
    void *progress_ctx;
} cs_source;

/* One value to write. A missing value (is_missing) carries a reason instead of a number. */
typedef struct {
    const char *region, *period, *element;
    double value;
    int is_missing;
    const char *missing_reason;
    const char *note;     /* may be NULL */
    int row;              /* where in the source (for messages); 0 when not from a file */
    int col_region, col_period, col_element, col_value; /* 1-based columns, 0 = unknown */
} cs_value_in;

typedef struct {
    size_t added;         /* values not stored before */
    size_t changed;       /* stored values that got a new figure */
    size_t unchanged;     /* same figure as stored: no new revision */
    int64_t source_id;    /* the source row written, 0 when nothing changed */
} cs_put_summary;

/* Writes values in one transaction: all or nothing. Each written value gets a new revision in
 * state draft; nothing is overwritten. Refused, with every problem named by source row and
 * column: unknown regions, periods that are not a past or current year, a locked round, values
 * that are submitted or approved (they must be returned first). Writing only unchanged figures
 * leaves the store as it was. */
cs_status cs_store_put_values(cs_store *s, const cs_source *src, const cs_value_in *values, size_t n,
                              cs_put_summary *summary, cs_diag *diag);

/* A stored value, current or past. */
typedef struct {
    int64_t revision;
    const char *region, *period, *element;
    double value;
    int is_missing;
    const char *missing_reason;
    const char *state;
    const char *note;
    const char *actor, *at;          /* who wrote this revision, when (UTC, ISO 8601) */
    const char *source_kind, *source_name;
    int source_row;
} cs_value;

typedef int (*cs_value_fn)(void *ctx, const cs_value *v);

/* Filter for reading values; NULL fields match everything. */
typedef struct {
    const char *region;   /* this region and every region below it */
    const char *period;
    const char *element;
    int64_t as_of;        /* the state after this revision; 0 = now */
    int history;          /* every revision instead of the latest of each value */
} cs_value_query;

/* Calls fn for each matching value, ordered by region, period, element (and revision). */
cs_status cs_store_values(cs_store *s, const cs_value_query *q, cs_value_fn fn, void *ctx, cs_diag *diag);

/* Moves the current values of region (and the regions below it) for period from one of the
 * allowed states to a new state, writing a revision for each; element NULL = all. Allowed
 * moves: draft/returned → submitted; submitted → approved; submitted/approved → returned.
 * *moved (OUT) counts them. A locked round refuses. */
cs_status cs_store_set_state(cs_store *s, const char *region, const char *period, const char *element,
                             const char *to_state, const char *actor, const char *note, size_t *moved,
                             cs_diag *diag);

/* Locks or unlocks an assessment round (a period): a locked round refuses every write and every
 * state change. Locking moves approved values to locked; unlocking moves them back. */
cs_status cs_store_lock_round(cs_store *s, const char *period, int lock, const char *actor, const char *note,
                              cs_diag *diag);
/* Whether the round of period is locked. */
cs_status cs_store_round_locked(cs_store *s, const char *period, int *locked, cs_diag *diag);

/* The largest revision number so far (0 for none): "the data as it is now". */
cs_status cs_store_last_revision(cs_store *s, int64_t *out, cs_diag *diag);

/* ---- Evidence ------------------------------------------------------------------------------- */

typedef struct {
    int64_t id;
    const char *sha256, *file_name, *media_type;
    int64_t size;
    const char *region, *period, *element, *indicator, *framework; /* element/indicator/framework may be "" */
    const char *actor, *at, *note;
} cs_evidence;

/* Stores a file as evidence for a value (element) or an indicator of region and period. The
 * bytes are kept once per content (SHA-256); *out_id (OUT, may be NULL) is the new link.
 * file_name is reduced to its last path component. */
cs_status cs_store_add_evidence(cs_store *s, const void *bytes, size_t n, const char *file_name, const char *media_type,
                                const char *region, const char *period, const char *element, const char *indicator,
                                const char *framework, const char *actor, const char *note, int64_t *out_id,
                                cs_diag *diag);
typedef int (*cs_evidence_fn)(void *ctx, const cs_evidence *e);
/* Lists evidence of region (and below) and period (NULL = all). */
cs_status cs_store_evidence(cs_store *s, const char *region, const char *period, cs_evidence_fn fn, void *ctx,
                            cs_diag *diag);
/* The bytes of evidence id: *bytes (OUT, caller frees) and *n, with its record passed to fn
 * (may be NULL). */
cs_status cs_store_evidence_content(cs_store *s, int64_t id, void **bytes, size_t *n, cs_evidence_fn fn, void *ctx,
                                    cs_diag *diag);

/* ---- Snapshots of results ------------------------------------------------------------------- */

typedef struct {
    int64_t id;
    const char *framework, *framework_sha256, *period, *scope;
    int64_t as_of;        /* the revision the data was read at */
    const char *data_sha256;
    int regions;
    const char *actor, *at, *note;
    const char *results;  /* JSON */
} cs_snapshot;

/* Saves results (JSON text) with what they were computed from; *out_id (OUT) is its id. */
cs_status cs_store_save_snapshot(cs_store *s, const cs_snapshot *snap, int64_t *out_id, cs_diag *diag);
typedef int (*cs_snapshot_fn)(void *ctx, const cs_snapshot *snap);
/* Lists snapshots (without their results text unless with_results), newest first; id 0 = all. */
cs_status cs_store_snapshots(cs_store *s, int64_t id, int with_results, cs_snapshot_fn fn, void *ctx,
                             cs_diag *diag);

#ifdef __cplusplus
}
#endif
#endif
