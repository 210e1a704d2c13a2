/*
 * report.h — assessment reports (评估报告). A report is first built as a document — a JSON object
 * holding everything the report says, worked out by the engine and the planner — and then
 * rendered, without computing anything further, as PDF (cairo + pango, Noto CJK) or XLSX
 * (libxlsxwriter). The same document is served as JSON, so the three forms cannot disagree.
 *
 * Two kinds of document (docs/reports.md gives every field):
 *   "region"  — one region under one framework: cover, summary, star level, points by 一级指标,
 *               the indicator table with explanations, gaps and the upgrade plan, history, data
 *               sources and evidence;
 *   "summary" — a province or city: the regions of one level below it ranked, the star-level
 *               distribution and points by 一级指标 per region.
 *
 * This layer reads results, never the store: src/service/report_data.c gathers the inputs.
 * Ownership: the builders return a new JSON reference the caller owns; the inputs are borrowed.
 */
#ifndef CS_REPORT_H
#define CS_REPORT_H

#include <jansson.h>

#include "engine/results.h"
#include "util/util.h"

/* A region as the report names it. */
typedef struct {
    const char *code, *name, *level;
    const char *path;         /* 山东省 济宁市 任城区 */
} cs__report_place;

/* One stored figure of the region with where it came from. */
typedef struct {
    int element;              /* index into the framework's elements */
    double value;
    int is_missing;
    const char *missing_reason;
    const char *state, *actor, *at, *source_kind, *source_name, *note;
    int source_row;
    int64_t revision;
} cs__report_value;

/* One evidence file of the region. */
typedef struct {
    int64_t id;
    const char *file_name, *media_type, *sha256, *element, *indicator, *actor, *at, *note;
    int64_t size;
} cs__report_evidence;

/* The total of another period (history). */
typedef struct {
    const char *period;
    double total;
    int missing;              /* the total could not be computed */
    const char *rating;       /* NULL = none */
} cs__report_past;

/* What a region report is built from. */
typedef struct {
    const cs_plan *plan;
    const cs_results *res;    /* the region's peers scored for period */
    size_t row;               /* the region's row in res */
    cs__report_place place;
    const char *parent_name;  /* the parent region (济宁市), NULL = none */
    const char *scope_name;   /* the province the peers of res belong to (山东省) */
    int rank, peers;          /* among the regions of res (the province) */
    int rank_parent, peers_parent; /* among the regions with the same parent; 0 = not known */
    const char *target;       /* star level for the plan; NULL = the next one */
    const cs__report_past *history;
    size_t nhistory;
    const cs__report_value *values;
    size_t nvalues;
    const cs__report_evidence *evidence;
    size_t nevidence;
    const json_t *rollups;    /* figures computed from the level below ({element, value, text, reported}), may be NULL */
    int64_t as_of;            /* data revision read */
    const char *data_sha256;
    int approved_only;        /* only approved or locked figures were read */
    int64_t round;            /* the closed round scored (with its overrides), 0 = the figures as stored */
    const char *generated_at; /* UTC, ISO 8601 */
} cs__report_region_in;

/* Builds a region report document; NULL after reporting to diag (an unknown target level). */
json_t *cs__report_region(const cs__report_region_in *in, cs_diag *diag);

/* One region ranked in a summary. */
typedef struct {
    size_t row;               /* row in res */
    const char *name;
    double previous;          /* total of the period before; NAN = not known */
    const char *previous_rating;
} cs__report_row;

/* What a summary report is built from. */
typedef struct {
    const cs_plan *plan;
    const cs_results *res;
    const cs__report_row *rows; /* the regions ranked (any order) */
    size_t nrows;
    cs__report_place place;   /* the province or city */
    const char *previous_period; /* NULL = no comparison */
    int64_t as_of;
    const char *data_sha256;
    int approved_only;
    const char *generated_at;
} cs__report_summary_in;

/* Builds a summary report document ranking in->rows. */
json_t *cs__report_summary(const cs__report_summary_in *in);

/* Renders a document as PDF into out (A4, Noto Sans CJK). CS_EDATA with a message when the
 * document lacks what the renderer needs, CS_EIO when cairo fails. */
cs_status cs__report_pdf(const json_t *doc, cs__buf *out, cs_diag *diag);

/* Renders a document as an XLSX workbook written to path. */
cs_status cs__report_xlsx(const json_t *doc, const char *path, cs_diag *diag);

/* A file name for the report: <framework>-<region>-<period>[-summary-<level>].<ext>, ASCII only. */
void cs__report_file_name(const json_t *doc, const char *ext, cs__buf *out);

#endif
