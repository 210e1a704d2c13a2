/*
 * results.h — evaluation results: every slot of the plan for every region scored, and the
 * readers the output layer uses (points, tiers, values, explanations in Chinese).
 */
#ifndef CS_RESULTS_H
#define CS_RESULTS_H

#include "data/dataset.h"
#include "plan.h"

struct cs_results {
    const cs_plan *plan;
    char *period;
    size_t n;
    char **regions;     /* codes, owned */
    double *v;          /* nslots × n */
    uint8_t *m;
};

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

/* The Chinese explanation of indicator i's points for row r. */
void cs__explain_indicator(const cs_results *res, size_t r, int i, cs__buf *out);
/* The explanation of the total: sum, adjustments applied, rating reached and why. */
void cs__explain_total(const cs_results *res, size_t r, cs__buf *out);
/* The requirement text of the next tier indicator i has not reached, or NULL. */
const char *cs__next_tier_level(const cs_results *res, size_t r, int i);

#endif
