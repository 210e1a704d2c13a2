/*
 * results.h — evaluation results: every slot of the plan for every region scored, and the
 * readers the output layer uses (points, tiers, values, explanations in Chinese).
 */
#ifndef CS_RESULTS_H
#define CS_RESULTS_H

#include "data/dataset.h"
#include "plan.h"

/* A reviewer's points for one indicator of one region, replacing what the rule computed: the
 * total, adjustments and rating follow from the overridden points. */
typedef struct {
    const char *region;
    int indicator;
    double points;
    const char *reason;   /* copied into the results */
} cs__override;

/* An override as applied: both figures stay visible. */
typedef struct {
    size_t row;
    int indicator;
    double computed;      /* what the rule gave */
    int computed_missing; /* its missing reason, 0 when present */
    double points;
    char *reason;
} cs__applied_override;

struct cs_results {
    const cs_plan *plan;
    char *period;
    size_t n;
    char **regions;     /* codes, owned */
    double *v;          /* nslots × n */
    uint8_t *m;
    cs__applied_override *ov;
    size_t nov;
};

/* cs_evaluate with reviewers' overrides of indicator points (nov may be 0). Overrides of
 * regions not in the data, or of monitor indicators, are ignored. */
cs_status cs__evaluate_with(const cs_plan *plan, const cs_dataset *ds, const char *period, const cs__override *ov,
                            size_t nov, cs_results **out);
/* The override applied to indicator i of row r, or NULL. */
const cs__applied_override *cs__res_override(const cs_results *res, size_t r, int i);

/* Slot value of row r: returns the missing reason (0 = present) and sets *v (OUT). */
static inline int cs__res_get(const cs_results *res, int slot, size_t r, double *v)
{
    size_t at = (size_t)slot * res->n + r;
    *v = res->v[at];
    return res->m[at];
}

/* Points of indicator i for row r; returns the missing reason (0 = present). Monitor
 * indicators have no points: returns -1. */
int cs__res_points(const cs_results *res, size_t r, int i, double *points);
/* Tier reached (1-based, 0 = none) of a tiers indicator, -1 for other rules. */
int cs__res_tier(const cs_results *res, size_t r, int i);
/* Value of symbol sym (element or measure) for row r; returns the missing reason. */
int cs__res_sym(const cs_results *res, size_t r, int sym, double *v);

/* Appends a symbol's value the way people read it: 90.93%, 912项, 是. */
void cs__format_sym_value(const cs_framework *fw, int sym, double v, int missing, cs__buf *out);

/* The same inside a formula: figures without their units (315 / 446), percentages and yes/no as
 * cs__format_sym_value writes them. */
void cs__format_sym_in_formula(const cs_framework *fw, int sym, double v, int missing, cs__buf *out);

/* The Chinese explanation of indicator i's points for row r. */
void cs__explain_indicator(const cs_results *res, size_t r, int i, cs__buf *out);
/* The explanation of indicator i by its rule alone (what the rule computed, even when a reviewer
 * overrode it). */
void cs__results_explain_rule(const cs_results *res, size_t r, int i, cs__buf *out);
/* The explanation of the total: sum, adjustments applied, rating reached and why. */
void cs__explain_total(const cs_results *res, size_t r, cs__buf *out);
/* The requirement text of the next tier indicator i has not reached, or NULL. */
const char *cs__next_tier_level(const cs_results *res, size_t r, int i);

#endif
