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
    const char *region;   /* this region and every region below it (only itself with exact) */
    const char *period;
    const char *element;
    int64_t as_of;        /* the state after this revision; 0 = now */
    int history;          /* every revision instead of the latest of each value */
    int exact;            /* region itself only, not the regions below it */
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

/* cs_store_set_state for several elements (elements NULL = all) in one transaction and one audit
 * entry: all move or none. */
cs_status cs_store_set_states(cs_store *s, const char *region, const char *period, const char *const *elements,
                              size_t nelements, const char *to_state, const char *actor, const char *note,
                              size_t *moved, cs_diag *diag);

/* Locks or unlocks an assessment round (a period): a locked round refuses every write and every
 * state change. Locking moves approved values to locked; unlocking moves them back. */
cs_status cs_store_lock_round(cs_store *s, const char *period, int lock, const char *actor, const char *note,
                              cs_diag *diag);
/* The periods that have values, oldest first (OUT: a malloc'd array of malloc'd strings). */
cs_status cs_store_periods(cs_store *s, char ***periods, size_t *n, cs_diag *diag);
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


/* ---- Accounts and sessions --------------------------------------------------------------- */

/* Roles. Every account is scoped to a region subtree (its region and everything below it). */
#define CS_ROLE_PROVINCE_ADMIN "province_admin"
#define CS_ROLE_CITY_ADMIN "city_admin"
#define CS_ROLE_COUNTY_ADMIN "county_admin"
#define CS_ROLE_REPORTER "reporter"    /* a department: writes only the elements of indicators it leads */
#define CS_ROLE_EXPERT "expert"        /* reviews qualitative indicators, may override their points */
#define CS_ROLE_AUDITOR "auditor"      /* reads everything in scope, including the audit log */

typedef struct {
    int64_t id;
    const char *login, *name, *role, *region;
    const char *department; /* reporters: the lead department (牵头部门) as printed; else "" */
    int active;
    const char *created_at, *changed_at;
} cs_account;

/* Whether role names one of the roles above. */
int cs_role_valid(const char *role);

/* Creates an account; the password is kept only as an Argon2id hash. *out_id (OUT, may be
 * NULL). A login already taken is CS_ECONFLICT; a password shorter than 8 characters, an
 * unknown role or region CS_EDATA. Audited. */
cs_status cs_store_add_account(cs_store *s, const cs_account *a, const char *password, const char *actor,
                               int64_t *out_id, cs_diag *diag);
/* Changes an account: fields of changes that are NULL (strings) or negative (active) are kept;
 * password NULL keeps it. Deactivating an account ends its sessions. Audited. */
cs_status cs_store_update_account(cs_store *s, int64_t id, const cs_account *changes, const char *password,
                                  const char *actor, cs_diag *diag);
/* The account's own password change: current must match (else CS_EAUTH); every session of the
 * account ends. Audited. */
cs_status cs_store_change_password(cs_store *s, int64_t id, const char *current, const char *password, cs_diag *diag);
/* One account by id (login NULL) or by login. Strings valid until the next call on s. */
cs_status cs_store_account(cs_store *s, int64_t id, const char *login, cs_account *out, cs_diag *diag);
typedef int (*cs_account_fn)(void *ctx, const cs_account *a);
/* Accounts whose region is root or below it (NULL = all), by login. */
cs_status cs_store_accounts(cs_store *s, const char *root, cs_account_fn fn, void *ctx, cs_diag *diag);

/* Login limits: after CS_LOGIN_MAX_FAILURES failed attempts for one login, or 4× as many from
 * one origin, within CS_LOGIN_WINDOW seconds, further attempts are refused (CS_ELIMIT) until
 * the window has passed. */
#define CS_LOGIN_MAX_FAILURES 5
#define CS_LOGIN_WINDOW 900

/* Checks a password and opens a session valid for ttl seconds: token (OUT, 64 hex characters,
 * only its SHA-256 is stored) and csrf (OUT, 64 hex characters). Wrong login or password is
 * CS_EAUTH (the same message for both); an inactive account CS_EAUTH too. */
cs_status cs_store_login(cs_store *s, const char *login, const char *password, int64_t ttl, char token[65],
                         char csrf[65], cs_account *out, cs_diag *diag);
/* The account and CSRF token of a live session; CS_ENOTFOUND for an unknown or expired one. */
cs_status cs_store_session(cs_store *s, const char *token, cs_account *out, char csrf[65], cs_diag *diag);
/* Ends a session (unknown tokens are ignored). */
cs_status cs_store_logout(cs_store *s, const char *token, const char *actor, cs_diag *diag);

/* ---- Assessment rounds ----------------------------------------------------------------------- */

/* Kinds: self-assessment (自评), mid-term review (中期考核), final acceptance (终期验收),
 * progress update. */
#define CS_ROUND_SELF "self"
#define CS_ROUND_MIDTERM "midterm"
#define CS_ROUND_FINAL "final"
#define CS_ROUND_PROGRESS "progress"

/* The Chinese name of a round kind (自评, 中期考核, 终期验收, 进展更新), NULL for an unknown kind. */
const char *cs_round_kind_name(const char *kind);

typedef struct {
    int64_t id;
    const char *framework, *region, *period, *kind;
    const char *state;    /* open, submitted, returned, approved, closed */
    int published;
    const char *rating;   /* when closed: the rating awarded ("" for none) */
    double total;         /* when closed */
    int64_t snapshot_id;  /* when closed: the results it closed with */
    const char *created_by, *created_at, *changed_at;
} cs_assessment;

/* Opens a round; (framework, region, period, kind) is unique (CS_ECONFLICT). Audited. */
cs_status cs_store_add_assessment(cs_store *s, const cs_assessment *a, const char *actor, int64_t *out_id,
                                  cs_diag *diag);
cs_status cs_store_assessment(cs_store *s, int64_t id, cs_assessment *out, cs_diag *diag);
typedef int (*cs_assessment_fn)(void *ctx, const cs_assessment *a);
/* Rounds of regions root and below (NULL = all), of period (NULL = all), published only when
 * asked, newest first. */
cs_status cs_store_assessments(cs_store *s, const char *root, const char *period, int published_only,
                               cs_assessment_fn fn, void *ctx, cs_diag *diag);

/* One step of a round. The round's values are those of its region and period for elements[]
 * (the caller names them: the framework's elements, or one indicator's for a return).
 *   submit:  open/returned → submitted; draft/returned values → submitted, and every element of
 *            elements[] without a value gets a submitted "未填报" value (nothing can be added while
 *            the round is under review; a return reopens the returned elements)
 *   return:  submitted/approved → returned, comment required; the values of elements[] → returned
 *   approve: submitted → approved; submitted values → approved
 *   close:   approved → closed; approved values → locked, and every element of elements[]
 *            without a value gets a locked "未填报" value, so nothing can be written later;
 *            snapshot, rating and total are stored with it
 *   publish: closed → published (visible to the public)
 * Anything else is CS_ESTATE naming the state; a closed round refuses every step but publish.
 * *moved (OUT, may be NULL) counts values moved. Audited. */
typedef struct {
    const char *action;
    const char *indicator;         /* return: the indicator returned ("" = whole round) */
    const char *comment;
    const char *const *elements;
    size_t nelements;
    const cs_snapshot *snapshot;   /* close: results to keep (saved as a snapshot) */
    const char *rating;            /* close */
    double total;                  /* close */
    const char *actor;
} cs_assessment_step;

cs_status cs_store_assessment_step(cs_store *s, int64_t id, const cs_assessment_step *step, size_t *moved,
                                   cs_diag *diag);

typedef struct {
    int64_t id, assessment_id;
    const char *action, *indicator, *comment, *actor, *at;
    int64_t moved;
} cs_assessment_event;
typedef int (*cs_assessment_event_fn)(void *ctx, const cs_assessment_event *e);
/* The steps of a round, oldest first. */
cs_status cs_store_assessment_events(cs_store *s, int64_t id, cs_assessment_event_fn fn, void *ctx, cs_diag *diag);

/* Overrides: a reviewer's points for a qualitative indicator of a round, with a written
 * reason (required: CS_EDATA without one). The latest override of an indicator counts; every
 * one is kept. A closed round refuses (CS_ELOCKED). Audited. */
typedef struct {
    int64_t id, assessment_id;
    const char *indicator;
    double points;
    const char *reason, *actor, *at;
} cs_override;
cs_status cs_store_add_override(cs_store *s, int64_t assessment_id, const char *indicator, double points,
                                const char *reason, const char *actor, int64_t *out_id, cs_diag *diag);
typedef int (*cs_override_fn)(void *ctx, const cs_override *o);
/* Overrides of a round, oldest first. */
cs_status cs_store_overrides(cs_store *s, int64_t assessment_id, cs_override_fn fn, void *ctx, cs_diag *diag);

/* ---- Audit log -------------------------------------------------------------------------------- */

/* Where the following writes come from ("cli", "203.0.113.7", …), recorded in the audit log. */
void cs_store_set_origin(cs_store *s, const char *origin);

typedef struct {
    int64_t id;
    const char *at, *actor, *origin, *action, *object;
    const char *detail;    /* JSON: what changed, before and after */
    const char *prev_sha256, *sha256;
} cs_audit_entry;
typedef int (*cs_audit_fn)(void *ctx, const cs_audit_entry *e);
/* Entries with id > after_id, at most limit (0 = all), oldest first; newest first when
 * newest_first is set (then after_id is "below this id", 0 = from the newest). */
cs_status cs_store_audit(cs_store *s, int64_t after_id, size_t limit, int newest_first, cs_audit_fn fn, void *ctx,
                         cs_diag *diag);
/* Checks the whole chain: ids follow one another from 1, each entry's hash matches its
 * content, and each names the hash of the one before. *count (OUT) entries checked, head (OUT)
 * the last hash (keep it elsewhere to detect truncation); *broken (OUT) is the id of the first
 * entry that fails, 0 when all is well, and diag says why. */
cs_status cs_store_audit_verify(cs_store *s, int64_t *count, char head[65], int64_t *broken, cs_diag *diag);

#ifdef __cplusplus
}
#endif
#endif
