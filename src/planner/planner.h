/*
 * planner.h — gap analysis (查缺补漏) and the upgrade planner. The gap analysis says, for one
 * region, what each indicator below its top tier still lacks for its next tier, in the
 * indicator's own units, and what the region lacks for a star level; the upgrade planner finds
 * the least-effort set of indicator upgrades that lifts the region to a target star level. Both
 * read a compiled plan and a region's results and re-score changed figures through the engine
 * (the engine is the judge); there is no framework logic here, and no SQL, HTTP or file access
 * (a costs file is parsed from bytes the caller read).
 *
 * Ownership: a cs__gap, a cs__upgrade and a cs__costs own everything they point to except the
 * plan and its framework, which must outlive them; free each with its _free function. The JSON
 * builders return a new reference the caller owns.
 */
#ifndef CS_PLANNER_H
#define CS_PLANNER_H

#include <jansson.h>

#include "engine/results.h"

/* ---- Costs: what an upgrade costs in 万元 or days, per indicator (and optionally per tier) --- */

typedef struct cs__costs cs__costs;

/* Parses a costs file (CSV with a header: indicator,tier,cost,unit — 指标,档位,费用,单位 also
 * accepted; tier optional) read into buf. Every bad cell is reported as file:line:column (a bad
 * number, an unknown indicator, adjustment, rating or tier, a tier on a rule without tiers, a
 * repeated row, a unit other than 万元 or 天, units that differ between rows); on any error *out
 * is NULL. */
cs_status cs__costs_parse(const cs_framework *fw, const char *file, const char *buf, size_t len, cs__costs **out,
                          cs_diag *diag);
void cs__costs_free(cs__costs *c);
/* The costs' unit: "万元" or "天". */
const char *cs__costs_unit(const cs__costs *c);

/* ---- Options shared by the gap analysis and the planner ---------------------------------- */

typedef struct {
    const char *target;       /* a star level as people type it (四星（基础型）, 四星基础型, 四星); NULL = the next one */
    const cs__costs *costs;   /* NULL: effort is the relative distance (see docs/planner.md) */
    size_t max_candidates;    /* plans the engine checks before the planner gives up; 0 = 5,000 */
    cs_diag *diag;            /* where the JSON builders report problems (an unknown target); may be NULL */
} cs__planner_opts;

/* The star level (1-based index into fw->ratings) a person means by name: the name as printed,
 * or the same without brackets, spaces, 级 or with Arabic digits (四星基础型, 4星), or its first
 * part (四星 → the lowest level whose name starts with it). 0 when none fits. */
int cs__rating_lookup(const cs_framework *fw, const char *name);

/* ---- What a requirement still needs --------------------------------------------------------- */

/* One data element's change: the figure the region reported and the figure that meets a
 * requirement, the other figures left as they are. */
typedef struct {
    int element;              /* index into fw->elements */
    double from, to;
} cs__change;

typedef enum {
    CS__NEED_MET,             /* holds already */
    CS__NEED_CHANGE,          /* holds after `changes` (one element; or one per condition in `parts`) */
    CS__NEED_MISSING,         /* a figure it reads is not reported: 缺数据 */
    CS__NEED_NONE             /* no change of one element per condition makes it hold */
} cs__need_status;

typedef struct cs__need cs__need;
struct cs__need {
    const char *text;         /* the requirement as printed (criterion text, or its rendering) */
    cs__need_status status;
    cs__change *changes;
    int nchanges;
    int sym;                  /* element or measure compared with a fixed figure, -1 when the requirement is not such a comparison */
    double value, threshold;  /* sym's value now and the figure it must reach */
    int cmp;                  /* how sym is compared with threshold (cs__op, sym on the left) */
    cs__need *parts;          /* the conditions inside it that do not hold, when no one element reaches it */
    int nparts;
    const char *sentence;     /* the gap in words: 政务服务事项在线率还差 14.37 个百分点（约 65 项：…） */
};

/* ---- Gap analysis ------------------------------------------------------------------------------ */

typedef enum { CS__STEP_TIER, CS__STEP_ITEMS, CS__STEP_FORMULA } cs__step_kind;

/* An indicator below its top tier (or below full marks), and its next step. */
typedef struct {
    int indicator;            /* index into fw->indicators */
    double points;            /* now */
    cs__step_kind kind;
    int tier;                 /* tiers: reached now (1-based, 0 = none) */
    int next_tier;            /* tiers: the tier looked at (1-based) */
    double points_added;      /* what the next step adds */
    const char *value_text;   /* the figures now, as the score explanation prints them */
    cs__need *needs;          /* tiers: per criterion of the next tier; items: per kind of item; formula: one */
    int nneeds;
    int reachable;            /* every need is met or has a change */
    int overridden;           /* a reviewer set its points: figures do not change them */
} cs__gap_indicator;

/* A penalty or veto of the region, and what lifting it needs. */
typedef struct {
    int adjustment;           /* index into fw->adjustments */
    int applied;              /* 1 applied, 0 not, -1 its condition is missing */
    double amount;            /* points it takes off (penalty) */
    cs__need lift;            /* what makes its condition false (when applied) */
} cs__gap_adjustment;

typedef struct {
    cs__arena arena;
    const cs_plan *plan;
    const char *region, *period;
    double total;
    int rating;               /* 1-based, 0 = none */
    int target;               /* 1-based star level looked at, 0 = none (no ratings, or the top is reached) */
    double target_points;     /* points still missing for it (0 when enough) */
    cs__need *target_needs;   /* its extra conditions that do not hold */
    int ntarget_needs;
    cs__gap_indicator *inds;  /* in framework order */
    int ninds;
    int *missing;             /* indicators whose points are missing (缺数据), in framework order */
    const char **missing_text; /* why, per missing indicator */
    int nmissing;
    int *deductions;          /* deduction indicators that took points off */
    double *deducted;         /* their points (negative) */
    int ndeductions;
    cs__gap_adjustment *adjs; /* penalties and vetoes applied or undecided */
    int nadjs;
} cs__gap;

/* Analyses row of res (scored by plan): every indicator below its top tier with its next step,
 * the target star level (o->target, or the next one) and what it still needs, missing figures,
 * deductions and adjustments. CS_EUSAGE with a message in diag when o->target names no star
 * level of the framework. */
cs_status cs__gap_analyse(const cs_plan *plan, const cs_results *res, size_t row, const cs__planner_opts *o,
                          cs__gap **out, cs_diag *diag);
void cs__gap_free(cs__gap *g);

/* ---- Upgrade planner ------------------------------------------------------------------------- */

typedef enum {
    CS__SUBJECT_INDICATOR,    /* raise an indicator to a higher tier (or more points) */
    CS__SUBJECT_PENALTY,      /* lift a penalty (减分) */
    CS__SUBJECT_VETO,         /* lift a veto (一票否决): needed by every plan */
    CS__SUBJECT_RATING        /* meet an extra condition of the target star level: needed by every plan */
} cs__subject_kind;

typedef struct {
    cs__subject_kind kind;
    int index;                /* indicator, adjustment or rating index */
    int criterion;            /* rating: the condition's index */
    int from_tier, to_tier;   /* tiers rules (1-based, 0 = none) */
    double from_points, to_points; /* the indicator's points now and after the plan (engine) */
    double effort;            /* in the plan's unit */
    double relative;          /* the relative distance, whatever the unit */
    int costed;               /* the costs file gave its cost (always 1 without a costs file) */
    cs__change *changes;
    int nchanges;
    cs__need *needs;          /* per criterion, for the text */
    int nneeds;
} cs__upgrade_step;

typedef enum {
    CS__PLAN_FOUND,           /* a plan the engine confirms */
    CS__PLAN_ALREADY,         /* the region already has the target star level */
    CS__PLAN_UNREACHABLE      /* no plan: `reason` says why */
} cs__plan_status;

typedef struct {
    cs__arena arena;
    const cs_plan *plan;
    const char *region, *period;
    int target;               /* 1-based star level asked for */
    int level;                /* the star level the plan aims at: target, or a higher one whose line is cheaper than target's extra conditions */
    cs__plan_status status;
    const char *reason;       /* unreachable: why, in Chinese (无法达到 五星：…) */
    const char *unit;         /* 相对距离, 万元 or 天 */
    double total_before, total_after;
    int rating_before, rating_after;
    double effort;            /* of the whole plan */
    cs__upgrade_step *steps;  /* mandatory steps first, then upgrades in framework order */
    int nsteps;
    int *missing;             /* indicators left out: points missing (缺数据) */
    int nmissing;
    int *uncosted;            /* indicators that could rise but have no cost in the costs file */
    int nuncosted;
    double best_total;        /* unreachable: the engine's total with every upgrade at its top (-1 when not computed) */
    double points_step;       /* the unit of the dynamic programme, in points */
    size_t candidates;        /* plans checked by the engine */
} cs__upgrade;

/* Finds the least-effort set of upgrades that lifts row of res to star level o->target (needed):
 * a multiple-choice knapsack over indicators × points gained, solved exactly by dynamic
 * programming, its plans enumerated in effort order and each checked by re-scoring through the
 * engine until one reaches the target. CS_EUSAGE (message in diag) for an unknown target or a
 * framework without star levels; an unreachable target is CS_OK with status
 * CS__PLAN_UNREACHABLE. */
cs_status cs__upgrade_find(const cs_plan *plan, const cs_results *res, size_t row, const cs__planner_opts *o,
                           cs__upgrade **out, cs_diag *diag);
void cs__upgrade_free(cs__upgrade *u);

/* ---- Text and JSON ------------------------------------------------------------------------- */

/* The gap analysis / the upgrade plan for people, in Chinese, appended to out. */
void cs__gap_text(const cs__gap *g, cs__buf *out);
void cs__upgrade_text(const cs__upgrade *u, cs__buf *out);

/* The same as JSON objects (new references). */
json_t *cs__gap_to_json(const cs__gap *g);
json_t *cs__upgrade_to_json(const cs__upgrade *u);

/* Builders for the API (GET /api/gap, GET /api/plan): analyse row of res and return the JSON
 * object, or NULL after reporting to o->diag (an unknown target, no star levels). No I/O. */
json_t *cs__json_gap(const cs_plan *plan, const cs_results *res, size_t row, const cs__planner_opts *o);
json_t *cs__json_upgrade(const cs_plan *plan, const cs_results *res, size_t row, const cs__planner_opts *o);

#endif
