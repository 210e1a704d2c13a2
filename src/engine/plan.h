/*
 * plan.h — the compiled form of a framework and the machine that runs it. A plan is a set of
 * value columns ("slots": data elements, measures, conditions, points, totals) and, per stage,
 * a program of vector instructions run block by block over all regions at once. Stages are
 * separated by whole-column steps (peer ranking), which need every region's input first.
 */
#ifndef CS_PLAN_H
#define CS_PLAN_H

#include <math.h>

#include "framework/model.h"

/* The engine's arithmetic that anything re-judging its figures (the planner) must share. */

/* Tolerance of comparisons: 1e-12 relative to the larger operand (at least 1e-12 absolute). Reported
 * figures carry at most a few decimals, so no two distinct figures are this close. */
static inline double cs__cmp_tol(double a, double b)
{
    double m = fabs(a) > fabs(b) ? fabs(a) : fabs(b);
    return 1e-12 * (m > 1 ? m : 1);
}

/* round(v, digits): half away from zero on the decimal value, as people do by hand. */
static inline double cs__round_to(double v, int digits)
{
    double f = pow(10.0, digits);
    double x = v * f;
    double r = round(x);
    if (fabs(x - r) > 0.5 - 1e-9 && fabs(x - r) < 0.5 + 1e-9) r = x > 0 ? ceil(x) : floor(x);
    return r / f;
}

/* Why a value is missing; 0 means present. */
#define CS__MISSING_TABLE(X)                                                                 \
    X(PRESENT, "")                                                                           \
    X(NOT_REPORTED, "未填报 / not reported")                                                 \
    X(DIV_ZERO, "除数为零 / division by zero")                                               \
    X(INVALID, "无效运算 / invalid operation")                                               \
    X(NO_PREV, "无上年数据 / no previous period")                                            \
    X(NOT_RANKED, "未参与排名 / not ranked")

typedef enum {
#define X(id, msg) CS__MISS_##id,
    CS__MISSING_TABLE(X)
#undef X
} cs__missing;

const char *cs__missing_text(int reason);

/* Vector instructions. Operands are registers: r < nslots is a full column, the rest are
 * block-sized temporaries. */
#define CS__OPCODE_TABLE(X)                                                                  \
    X(CONST)    /* dst = k */                                                                \
    X(COPY)     /* dst = a */                                                                \
    X(NEG)      /* dst = -a */                                                               \
    X(NOT)      /* dst = not a */                                                            \
    X(ADD) X(SUB) X(MUL) X(DIV) X(MIN) X(MAX)                                                \
    X(ABS) X(SQRT)                                                                           \
    X(ROUND)    /* dst = round(a, k digits) */                                               \
    X(CLAMP)    /* dst = clamp(a, b, c) */                                                   \
    X(CLAMPK)   /* dst = clamp(a, k, k2) */                                                  \
    X(LT) X(LE) X(GT) X(GE) X(EQ) X(NE)                                                      \
    X(AND) X(OR) /* three-valued */                                                          \
    X(IF)       /* dst = a ? b : c */                                                        \
    X(COALESCE) /* dst = a present ? a : b */                                                \
    X(ISMISS)   /* dst = a is missing */                                                     \
    X(B2N)      /* dst = a ? 1 : 0 */                                                        \
    X(GROWTH)   /* dst = (a - b) / b */                                                      \
    X(ADDP)     /* dst = a + k * (b present ? b : 0); always present */                      \
    X(TIERS)    /* dst = points, b = tier, aux = tier table */                               \
    X(PENALTY)  /* dst = (b true) ? max(0, a - c) : a */                                     \
    X(VETO)     /* dst = (b true) ? 0 : a */                                                 \
    X(RATING)   /* dst = rating number (0 none), a = total, aux = rating table */

typedef enum {
#define X(op) CS__I_##op,
    CS__OPCODE_TABLE(X)
#undef X
} cs__opcode;

const char *cs__opcode_name(int op);

typedef struct {
    int op;
    int dst, a, b, c;
    int aux;
    double k, k2;
} cs__insn;

/* Tier table of a TIERS instruction. */
typedef struct {
    int n;
    int *cond;         /* condition slot of each tier, lowest first */
    double *points;
} cs__tier_table;

/* Rating table of a RATING instruction. */
typedef struct {
    int n;
    double *min_total;
    int *cond;         /* condition slot, -1 when none */
} cs__rating_table;

/* A whole-column step: ranking among peers. */
typedef enum { CS__COL_RANK, CS__COL_RANK_ASC, CS__COL_PCT, CS__COL_PCT_ASC, CS__COL_PEERS } cs__col_kind;

typedef struct {
    cs__col_kind kind;
    int src, dst;
} cs__col_step;

typedef struct {
    cs__col_step *cols;
    int ncols;
    cs__insn *code;
    int ncode;
} cs__stage;

/* What each indicator, adjustment and rating computes, by slot. */
typedef struct {
    int points;        /* -1 for monitor indicators */
    int tier;          /* tiers rules only, else -1 */
    int *tier_cond;    /* per tier: the condition slot */
    int **crit;        /* per tier, per criterion: the criterion slot */
} cs__ind_slots;

typedef struct {
    int cond;          /* -1 when unconditional */
    int *crit;
    int points;        /* penalty amount slot, -1 for veto */
    int total_before, total_after;
} cs__adj_slots;

struct cs_plan {
    cs__arena arena;
    const cs_framework *fw; /* not owned; outlives the plan */
    int nslots, ntemps;
    int *elem_slot;      /* per element */
    int *prev_slot;      /* per element, -1 when prev() is not used */
    int *measure_slot;   /* per measure */
    cs__ind_slots *ind;  /* per indicator */
    int *group_slot;     /* per group (weighted), else -1 */
    cs__adj_slots *adj;  /* per adjustment */
    int *rating_crit_cond; /* per rating: condition slot or -1 */
    int **rating_crit;   /* per rating, per criterion */
    int total_raw;       /* sum before adjustments */
    int total;           /* final total */
    int rating;          /* rating number slot, -1 without ratings */
    cs__tier_table *tier_tables;
    int ntier_tables;
    cs__rating_table *rating_tables;
    int nrating_tables;
    cs__stage *stages;
    int nstages;
};

/* Runs one stage's program over regions [off, off + len) of columns of n rows. */
void cs__vm_run(const cs_plan *plan, const cs__insn *code, int ncode, double *slot_v, uint8_t *slot_m, size_t n,
                size_t off, size_t len, double *tmp_v, uint8_t *tmp_m);
/* Runs a whole-column step over n rows. */
void cs__vm_column(const cs__col_step *step, double *slot_v, uint8_t *slot_m, size_t n);

/* Block size of the VM: rows processed per instruction dispatch. */
#define CS__BLOCK 1024

/* Writes a listing of the plan's programs (for `citystar framework show --plan`). */
void cs__plan_dump(const cs_plan *plan, FILE *f);

#endif
