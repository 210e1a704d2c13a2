/*
 * planner_int.h — what the planner's files share: the probe (one region's figures held in data
 * sets that can be changed and re-scored through the engine), the single-figure search, and the
 * fixing of requirements that the gap analysis and the planner both use.
 */
#ifndef CS_PLANNER_INT_H
#define CS_PLANNER_INT_H

#include "planner.h"

typedef CS__VEC(cs__change) cs__change_vec;

/* One region's figures, re-scored with changes. `solo` holds only the region (fast), `peers`
 * every region of the results (needed whenever peer ranks play a part; the same set as solo
 * when the plan ranks nothing). In both the region is the first row of every evaluation. */
typedef struct {
    const cs_plan *plan;
    const cs_framework *fw;
    const cs_results *res;
    size_t row;
    const char *region, *period;
    cs_dataset *solo, *peers;
    cs__override *ov;          /* the region's reviewer overrides, carried into every evaluation */
    size_t nov;
    double *now;               /* by element: the figure reported (current period) */
    uint8_t *now_miss;         /* by element: its missing reason */
    int **numerators;          /* by element: elements whose at_most names it, -1-terminated */
    int *numerator_pool;       /* the lists above, in one block */
    uint8_t *measure_ranks;    /* by measure: depends on peer ranks */
    int8_t *ind_ranks;         /* by indicator: depends on peer ranks (-1 = not yet known) */
    size_t evaluations;        /* engine evaluations so far */
    cs__arena *arena;          /* where needs and their texts go: the caller's (the gap's or the plan's) */
} cs__probe;

/* Holds row of res (scored by plan) for changing; what it finds is allocated in arena. */
void cs__probe_init(cs__probe *p, const cs_plan *plan, const cs_results *res, size_t row, cs__arena *arena);
void cs__probe_done(cs__probe *p);

/* Scores the region with changes applied (on every peer when peers is set); the region is row 0
 * of the results (OUT, caller frees). */
cs_results *cs__probe_eval(cs__probe *p, const cs__change *ch, size_t n, int peers);

/* Whether an expression depends on peer ranks (through measures and other indicators' points). */
int cs__probe_expr_ranks(cs__probe *p, const cs__node *n);
int cs__probe_indicator_ranks(cs__probe *p, int i);

/* A condition the search makes hold. */
typedef enum {
    CS__PRED_SLOT_TRUE,        /* slot is present and true */
    CS__PRED_SLOT_FALSE,       /* slot is present and false (an adjustment lifted) */
    CS__PRED_SLOT_GE,          /* slot is present and at least level (points) */
    CS__PRED_NODE_TRUE         /* node, read over the engine's slots, is true */
} cs__pred_kind;

typedef struct {
    cs__pred_kind kind;
    int slot;
    double level;
    const cs__node *node;
    int peers;                 /* evaluate over every peer */
    int raise_only;            /* only raising a figure may make it hold (lifting a penalty or veto) */
} cs__pred;

/* Value of node for row of res, computed from the engine's slots (measures, ranks and points
 * come from the engine; the operators follow the engine's, missing values included). Returns the
 * missing reason (0 = present) and sets *v. */
int cs__probe_node(const cs__probe *p, const cs_results *res, size_t row, const cs__node *n, double *v);

/* Whether pred holds with changes ch. */
int cs__probe_holds(cs__probe *p, const cs__pred *pred, const cs__change *ch, size_t n);

/* The relative change of one figure: |to − from| / max(|from|, |to|), 0 when equal. */
double cs__relative_change(double from, double to);

/* Makes requirement need (a criterion or condition read by slot, with its expression) hold,
 * on top of the changes in work, which receives the changes found. Fills need. Returns 1 when it
 * holds afterwards. */
int cs__probe_fix_criterion(cs__probe *p, const cs__criterion *c, int slot, cs__change_vec *work, cs__need *need);

/* Makes pred hold by changing one element of those marked in elems (raising before lowering —
 * never lowering when pred->raise_only —, the least relative change first); on success applies it
 * to work, fills need's status and change and returns 1. */
int cs__probe_fix_pred(cs__probe *p, const cs__pred *pred, const uint8_t *elems, cs__change_vec *work, cs__need *need);

/* Raises indicator i to tier t (1-based) on top of work: fixes every criterion of the tier;
 * needs (OUT, array of the tier's criteria, in p's arena) say what each needed. Returns 1 when the
 * engine gives the indicator tier t or higher afterwards. */
int cs__probe_fix_tier(cs__probe *p, int i, int t, cs__change_vec *work, cs__need **needs, int *nneeds);

/* Sets element e to v in work (replacing an earlier change of e; a change back to the reported
 * figure removes it). */
void cs__change_set(cs__probe *p, cs__change_vec *work, int e, double v);

/* Writes the sentence of a need (status, changes, comparison) into need->sentence. */
void cs__need_describe(cs__probe *p, cs__need *need);

/* The target star level o names (1-based), 0 when o names none, -1 after reporting an unknown
 * one or a framework without star levels to diag. */
int cs__planner_target(const cs_framework *fw, const cs__planner_opts *o, cs_diag *diag);

/* Makes adjustment a's condition false on top of work (lifting a penalty or veto) by raising one
 * figure (a survey's result, say); fills need. A condition only lowering a figure would lift (an
 * incident count, deducted points: events that happened) is not lifted: need says what it would
 * take and 0 is returned. */
int cs__planner_lift(cs__probe *p, int a, cs__change_vec *work, cs__need *need);

/* What the costs file says an upgrade costs: raising indicator `index` from tier from_tier to
 * to_tier (tiers rules: the row of that tier, else the row without a tier once per tier step) or
 * by `points` (other rules: the row's cost per point), lifting a penalty or veto, meeting a star
 * level's extra conditions. -1 when the file has no row for it. */
double cs__costs_lookup(const cs__costs *c, cs__subject_kind kind, int index, int from_tier, int to_tier, double points);

#endif
