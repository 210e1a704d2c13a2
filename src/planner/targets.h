/*
 * targets.h — development targets (发展目标) as data: a target file (YAML) states goals such as
 * "2025年，推动90%的县（市、区）达到四星级以上标准", and a target's state is worked out from
 * the scores of the regions it counts: how many are at or above its star level, how many more
 * are needed, and the regions that block it (below the level, or with no score). No SQL, HTTP
 * or file access: the file arrives as bytes, frameworks through a lookup the caller supplies,
 * and the scores as results the caller obtained.
 *
 * Ownership: a cs__target_set owns every string and target in it (one arena) but not the
 * frameworks its targets point to, which must outlive it; a cs__target_state's strings live in
 * the arena passed to cs__target_assess. The JSON builder returns a new reference.
 */
#ifndef CS_TARGETS_H
#define CS_TARGETS_H

#include <jansson.h>

#include "engine/results.h"

/* Returns the framework with id (owned by the caller, outliving the target set), or NULL when
 * there is none; must not report anything. */
typedef const cs_framework *(*cs__framework_lookup)(void *ctx, const char *id);

typedef struct {
    const char *id, *text, *source;
    const char *region;       /* the region whose subtree is counted (3708, 37) */
    const char *period;       /* the year the target is for */
    const char *framework;    /* the framework that scores the regions counted */
    const cs_framework *fw;
    const char *level;        /* the level of the regions counted: county, city … */
    const char *min_rating;   /* as written */
    int rating;               /* 1-based index into fw->ratings: that rating or a higher one counts */
    double share;             /* in (0, 1] */
    const char *file;
    int line, col;            /* where the target starts */
} cs__target;

typedef struct {
    cs__arena arena;
    cs__target *items;
    int n;
} cs__target_set;

/* Parses a target file read into buf (file names it in messages). Every problem is reported as
 * file:line:column in one pass (unknown or duplicate key, missing field, unknown framework,
 * a level other than the framework's, unknown rating, share outside (0, 1], duplicate id); on
 * any error *out is NULL and the status is CS_EDATA. */
cs_status cs__targets_parse(const char *file, const char *buf, size_t len, cs__framework_lookup lookup, void *ctx,
                            cs__target_set **out, cs_diag *diag);
void cs__targets_free(cs__target_set *t);

/* What keeps a region below a target's star level, in the order the blocking list shows them. */
typedef enum {
    CS__BLOCK_POINTS,         /* the total is below the rating's min_total */
    CS__BLOCK_CONDITIONS,     /* the total suffices, a rating's extra condition (ratings[].when) fails */
    CS__BLOCK_VETO,           /* a veto (一票否决) set the total to 0 */
    CS__BLOCK_MISSING         /* no score at all (缺数据) */
} cs__target_blocker;

/* A rating condition that fails for a region whose total meets that rating's line. */
typedef struct {
    int rating;               /* 1-based */
    const cs__criterion *c;   /* in the framework */
    int missing;              /* it could not be decided: figures are missing */
} cs__target_unmet;

/* A region counted by a target. */
typedef struct {
    const char *code, *name;
    int scored;               /* 0: no total (缺数据), never counted as reaching the level */
    double total;
    int rating;               /* 1-based, 0 none */
    double points_missing;    /* to the target rating's min_total (0 when the total is enough); for a
                               * veto, from the total it would have without the veto */
    int missing_indicators;   /* indicators whose points are missing (the total leaves them out) */
    cs__target_blocker blocker;
    int priority;             /* among the cheapest regions still needed (← 优先) */
    int *vetoes;              /* indices into fw->adjustments of the vetoes applied */
    int nvetoes;
    double total_without_veto; /* the total with every veto lifted (penalties still applied) */
    int rating_without_veto;
    cs__target_unmet *unmet;  /* CS__BLOCK_CONDITIONS: the rating conditions that fail */
    int nunmet;
} cs__target_region;

typedef struct {
    const cs__target *t;
    const char *period;       /* the period scored (the target's, or the one asked for) */
    int n;                    /* regions counted */
    int reached;              /* at or above the rating */
    int required;             /* regions the share asks for: ceil(share × n) */
    int needed;               /* more regions needed (0 when met) */
    int met;
    cs__target_region *blocking; /* below the rating: blocked by points or conditions, fewest points
                                  * missing first; then by a veto; then those with no score */
    int nblocking;
    int nunscored;
    int nhidden;              /* blocking regions left out by cs__target_keep_blocking */
    const char *scope;        /* the subtree the list was cut to, or NULL */
    const char *region_name;  /* the name of t's region when the caller knows it (in the arena), or NULL */
} cs__target_state;

/* Works out target t's state for period from res (scored by plan for t's framework) and the
 * regions the target counts (codes and names, nregions of them, t's level under t's region):
 * a region with no row in res, whose total is missing or whose every indicator's points are
 * missing has no score. Strings are copied
 * into arena. */
void cs__target_assess(const cs__target *t, const char *period, const cs_plan *plan, const cs_results *res,
                       const char *const *codes, const char *const *names, size_t nregions, cs__arena *arena,
                       cs__target_state *out);

/* Keeps only the blocking regions for which keep(ctx, code) is true (order and ← 优先 marks
 * unchanged), counting the others in st->nhidden; scope (copied into arena) names the subtree. */
void cs__target_keep_blocking(cs__target_state *st, int (*keep)(void *ctx, const char *code), void *ctx, const char *scope,
                              cs__arena *arena);

/* The state for people, in Chinese (达成 / 未达成, counts, blocking regions), appended to out. */
void cs__target_text(const cs__target_state *st, cs__buf *out);
/* The same as a JSON object (a new reference). */
json_t *cs__target_to_json(const cs__target_state *st);

#endif
