/*
 * compare.h — the cross-framework view (跨框架对比): one region and period scored under several
 * frameworks (the 2019, 2020 and 2023 rules, say) side by side, with the indicators matched
 * across them by what they measure and those whose meaning changed marked. It reads compiled
 * plans and their results only: no framework-specific code, no SQL, HTTP or files.
 *
 * Ownership: a cs__compare owns everything it points to except the results (and their plans and
 * frameworks), which must outlive it; free it with cs__compare_free. The JSON builder returns a
 * new reference the caller owns.
 */
#ifndef CS_COMPARE_H
#define CS_COMPARE_H

#include <jansson.h>

#include "engine/results.h"

/* One framework's scoring of the region: row of res (res->plan names the framework). */
typedef struct {
    const cs_results *res;
    size_t row;
} cs__compare_input;

/* How an indicator stands against the nearest earlier framework of the comparison that has it. */
#define CS__CMP_KIND_TABLE(X)                                                                \
    X(SAME, "same", "未变")          /* same formula, same tiers and points */              \
    X(ABSENT, "absent", "")          /* not in this framework, nor in the one before */     \
    X(ADDED, "added", "新增")        /* in this framework, in no earlier one */             \
    X(DROPPED, "dropped", "取消")    /* in the framework before, not in this one */         \
    X(FORMULA, "formula", "口径变化") /* a different formula (measure expression) */        \
    X(STANDARD, "standard", "标准变化") /* the same formula, other thresholds or points */

typedef enum {
#define X(id, name, zh) CS__CMP_##id,
    CS__CMP_KIND_TABLE(X)
#undef X
} cs__cmp_kind;

/* The kind's name in JSON (added) and for people (新增). */
const char *cs__cmp_kind_name(cs__cmp_kind k);
const char *cs__cmp_kind_text(cs__cmp_kind k);

/* How an indicator was matched to the concept's earlier ones. */
typedef enum { CS__MATCH_FIRST, CS__MATCH_MEASURE, CS__MATCH_ELEMENTS, CS__MATCH_NAME } cs__match_kind;

/* One concept in one framework. */
typedef struct {
    int indicator;            /* index into that framework's indicators, -1 when absent */
    cs__match_kind match;
    cs__cmp_kind change;
    int against;              /* the framework (index in the comparison) compared with, -1 when none */
    const char *formula;      /* the indicator's measures as written (code = expr; …), or its headline element */
    const char *requirement;  /* its rule as printed: tiers with their points, or the rule's text */
    const char *value_text;   /* the headline value for people (90.93%), 缺数据 when missing, NULL when none */
    double value;
    int value_missing;        /* missing reason of the headline value, 0 present, -1 no headline value */
    int tier;                 /* tiers rules: reached (1-based, 0 none); -1 other rules */
    double points, max_points;
    int points_missing;       /* missing reason (缺数据), 0 present, -1 monitor (no points) */
} cs__compare_cell;

typedef struct {
    const char *name;         /* the latest framework's indicator name */
    unsigned changes;         /* bit (1 << kind) per kind among its cells */
    cs__compare_cell *cells;  /* one per framework of the comparison */
} cs__compare_concept;

typedef struct {
    const cs_results *res;
    size_t row;
    double total, max_total;
    int total_missing;
    const char *rating;       /* NULL when none reached (or the framework has no star levels) */
    int *missing;             /* indicators whose points are missing (缺数据), in framework order */
    int nmissing;
} cs__compare_fw;

typedef struct {
    cs__arena arena;
    const char *region, *period;
    cs__compare_fw *fws;      /* in the order given (oldest first, as the callers sort them) */
    int nfws;
    cs__compare_concept *concepts; /* by first appearance */
    int nconcepts;
} cs__compare;

/* Matches the indicators of the n frameworks (n ≥ 1; each input one region's row, all of one
 * region and period) by what they measure — a shared measure code (or headline element) first,
 * else the same set of data elements read, else the same name — and marks each concept's change
 * from one framework to the next. CS_EUSAGE (message in diag) when n < 1. */
cs_status cs__compare_build(const cs__compare_input *in, int n, cs__compare **out, cs_diag *diag);
void cs__compare_free(cs__compare *c);

/* The comparison for people, in Chinese (changed indicators only when changed_only), appended
 * to out; as a JSON object (new reference). */
void cs__compare_text(const cs__compare *c, int changed_only, cs__buf *out);
json_t *cs__compare_to_json(const cs__compare *c);

#endif
