/*
 * model.h — the in-memory form of a framework file: elements, measures, groups, indicators with
 * their rules, adjustments and ratings, every piece with its location in the file. Built and
 * checked by load.c; read by the engine (plan compiler, explanations) and the CLI. Everything is
 * allocated in the framework's arena and freed with it.
 */
#ifndef CS_MODEL_H
#define CS_MODEL_H

#include "expr/expr.h"

typedef struct {
    int line, col;
} cs__loc;

typedef enum { CS__ELEM_INTEGER, CS__ELEM_REAL, CS__ELEM_BOOLEAN } cs__elem_type;

/* How an element is computed from the regions of the level below (汇总), e.g. a county's number
 * of smart communities from its communities scored under sd-2019-community. */
typedef enum {
    CS__ROLLUP_NONE,      /* reported, not computed */
    CS__ROLLUP_REGIONS,   /* count: regions — the regions of the source's level below, from the region tree */
    CS__ROLLUP_SCORED,    /* count: scored — those of them with figures */
    CS__ROLLUP_RATED,     /* count: rated — those rated `rating` or higher */
    CS__ROLLUP_SUM        /* sum: ELEMENT — the sum of one of the source's elements */
} cs__rollup_kind;

typedef struct {
    cs__rollup_kind kind;
    const char *framework; /* id of the framework that scores the level below */
    const char *rating;   /* rated: the lowest star level counted */
    const char *element;  /* sum: the source's element */
    const char *name_contains; /* only regions below whose name holds this text (社区, not 村); NULL = all */
    cs_framework *source; /* that framework, loaded from the same folder and owned by this one;
                             NULL when this framework was loaded from a buffer (roll-ups are then skipped) */
    int rating_index;     /* rated: index into source->ratings */
    int element_index;    /* sum: index into source->elements */
    cs__loc loc;
} cs__rollup;

typedef struct {
    const char *code, *name, *unit;
    cs__elem_type type;
    int has_min, has_max;
    double min, max;
    const char **at_most; /* codes of elements this one may not exceed */
    int n_at_most;
    int first_indicator;  /* index of the first indicator that declares or uses it, -1 if none */
    int required;         /* must be reported before a submission: 1/0, -1 = the framework's default */
    double yoy_factor;    /* warn when the value changes by more than this factor year on year; 0 = none */
    double peer_factor;   /* warn when the value is this factor away from its peers' median; 0 = none */
    cs__rollup rollup;    /* computed from the level below when that level has figures; kind NONE = reported */
    cs__loc loc;
} cs__element;

typedef struct {
    const char *code, *name, *unit;
    const char *text;     /* the expression as written */
    cs__node *expr;
    int indicator;        /* the indicator that declares it */
    cs__loc loc;
} cs__measure;

/* One condition of a tier, adjustment or rating; a tier is reached when all hold. */
typedef struct {
    const char *text;     /* printed wording, or NULL */
    const char *src;      /* the expression as written */
    cs__node *expr;
    cs__loc loc;
} cs__criterion;

typedef struct {
    const char *level;    /* one of the framework's tier_levels */
    const char *text;     /* the printed requirement */
    double points;
    cs__criterion *criteria;
    int ncriteria;
    cs__loc loc;
} cs__tier;

typedef struct {
    const char *element;
    int sym;              /* element symbol index */
    double per, cap;
    int has_cap;
    const char *text;
    cs__loc loc;
} cs__item;

typedef enum {
    CS__RULE_TIERS,
    CS__RULE_FORMULA,
    CS__RULE_ITEMS,
    CS__RULE_DEDUCTION,
    CS__RULE_MONITOR
} cs__rule_kind;

typedef struct {
    cs__rule_kind kind;
    const char *text;     /* the printed requirement of the whole rule (deductions, monitors), or NULL */
    cs__tier *tiers;      /* tiers: lowest first */
    int ntiers;
    cs__node *points;     /* formula, deduction */
    const char *points_text;
    double min_points, max_points; /* formula */
    int has_cap;          /* items (overall), deduction */
    double cap;
    cs__item *items;
    int nitems;
    cs__loc loc;
} cs__rule;

typedef struct {
    const char *code, *name;
    const char *parent_code;
    int parent;           /* index in groups, -1 for the top level */
    int depth;            /* 0 for the top level */
    double weight;
    int has_weight;
    cs__loc loc;
} cs__group;

typedef struct {
    const char *code, *name;
    const char *group_code;
    int group;            /* index in groups, -1 when the framework has one level */
    int leading;          /* ★ */
    double weight;
    int has_weight;
    const char **departments;
    int ndepartments;
    const char *definition;
    const char *src_document, *src_table, *src_row;
    const char **tags;
    int ntags;
    const char *code_national, *code_shandong;
    int *measures;        /* indices into the framework's measures */
    int nmeasures;
    int value_sym;        /* the headline measure or element symbol, -1 if none */
    cs__rule rule;
    double max_points;    /* computed */
    cs__loc loc;
} cs__indicator;

typedef enum { CS__ADJ_PENALTY, CS__ADJ_VETO } cs__adj_kind;

typedef struct {
    const char *code;
    cs__adj_kind kind;
    cs__criterion *criteria;
    int ncriteria;
    cs__node *points;     /* penalty amount (subtracted) */
    const char *points_text;
    const char *text;
    cs__loc loc;
} cs__adjustment;

typedef struct {
    const char *name;
    double min_total;
    cs__criterion *criteria;
    int ncriteria;
    const char *text;
    cs__loc loc;
} cs__rating;

typedef enum { CS__SCORING_POINTS, CS__SCORING_WEIGHTED, CS__SCORING_MONITOR } cs__scoring;

/* Symbols visible to expressions: elements [0, nelements), measures [nelements, +nmeasures),
 * then the two totals, visible only in adjustments and ratings. */
#define CS__SYM_TOTAL(fw) ((fw)->nelements + (fw)->nmeasures)
#define CS__SYM_MAX_TOTAL(fw) ((fw)->nelements + (fw)->nmeasures + 1)

struct cs_framework {
    cs__arena arena;
    const char *file;
    const char *id, *title, *issuer, *source, *region_level;
    int year;
    cs__scoring scoring;
    int has_max_score;
    double max_score_declared;
    int decimals;         /* -1 = no rounding */
    const char **levels;
    int nlevels;
    const char **tier_levels;
    int ntier_levels;
    cs__element *elements;
    int nelements;
    cs__measure *measures;
    int nmeasures;
    cs__group *groups;
    int ngroups;
    cs__indicator *indicators;
    int nindicators;
    cs__adjustment *adjustments;
    int nadjustments;
    cs__rating *ratings;
    int nratings;
    double max_score;     /* computed */
    cs_framework **rollup_sources; /* frameworks its roll-ups read, owned (freed with it) */
    int nrollup_sources;
};

/* Name of a symbol for people (element or measure Chinese name, or 总分). */
const char *cs__fw_symbol_name(const cs_framework *fw, int sym);
/* Unit of a symbol ("" when none; "%" for ratios shown as percentages). */
const char *cs__fw_symbol_unit(const cs_framework *fw, int sym);
/* Index of the indicator with this code, or -1. */
int cs__fw_indicator_index(const cs_framework *fw, const char *code);
/* Index of the element with this code, or -1. */
int cs__fw_element_index(const cs_framework *fw, const char *code);
/* Marks in used (nelements flags) the elements expression e refers to, directly or through
 * measures; walked (nmeasures flags, zeroed by the caller for each owner) keeps a measure from
 * being walked twice. */
void cs__fw_expr_elements(const cs_framework *fw, const cs__node *e, unsigned char *used, unsigned char *walked);
/* Marks in used (nelements flags, zeroed by the caller) the elements indicator i refers to: in
 * its measures, headline value, tier conditions, points formula and counted items; walked is
 * scratch of nmeasures flags. */
void cs__fw_indicator_elements(const cs_framework *fw, int i, unsigned char *used, unsigned char *walked);
/* Name of a rule kind as written in files. */
const char *cs__rule_kind_name(cs__rule_kind k);

#endif
