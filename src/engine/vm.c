/*
 * vm.c — the vector machine: each instruction runs over a block of regions in one tight loop,
 * so dispatch costs are paid once per block, not once per region. Missing values travel beside
 * the numbers as reason codes and are never turned into 0 or NaN.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"

const char *cs__missing_text(int reason)
{
    static const char *t[] = {
#define X(id, msg) msg,
        CS__MISSING_TABLE(X)
#undef X
    };
    return reason >= 0 && reason < (int)(sizeof t / sizeof t[0]) ? t[reason] : "?";
}

const char *cs__opcode_name(int op)
{
    static const char *t[] = {
#define X(op) #op,
        CS__OPCODE_TABLE(X)
#undef X
    };
    return t[op];
}

#define LOOP for (size_t i = 0; i < len; i++)
#define STRICT1 LOOP if (am[i]) { dm[i] = am[i]; dv[i] = 0; } else
#define STRICT2 LOOP if (am[i] || bm[i]) { dm[i] = am[i] ? am[i] : bm[i]; dv[i] = 0; } else

void cs__vm_run(const cs_plan *plan, const cs__insn *code, int ncode, double *slot_v, uint8_t *slot_m, size_t n,
                size_t off, size_t len, double *tmp_v, uint8_t *tmp_m)
{
    const int nslots = plan->nslots;
#define RV(r) ((r) < nslots ? slot_v + (size_t)(r) * n + off : tmp_v + (size_t)((r) - nslots) * CS__BLOCK)
#define RM(r) ((r) < nslots ? slot_m + (size_t)(r) * n + off : tmp_m + (size_t)((r) - nslots) * CS__BLOCK)
    for (int pc = 0; pc < ncode; pc++) {
        const cs__insn *in = &code[pc];
        double *dv = RV(in->dst);
        uint8_t *dm = RM(in->dst);
        const double *av = in->a >= 0 ? RV(in->a) : NULL, *bv = in->b >= 0 ? RV(in->b) : NULL;
        const uint8_t *am = in->a >= 0 ? RM(in->a) : NULL, *bm = in->b >= 0 ? RM(in->b) : NULL;
        const double k = in->k, k2 = in->k2;
        switch ((cs__opcode)in->op) {
        case CS__I_CONST:
            LOOP { dv[i] = k; dm[i] = 0; }
            break;
        case CS__I_COPY:
            memmove(dv, av, len * sizeof *dv);
            memmove(dm, am, len);
            break;
        case CS__I_NEG: STRICT1 { dv[i] = -av[i]; dm[i] = 0; } break;
        case CS__I_NOT: STRICT1 { dv[i] = av[i] == 0; dm[i] = 0; } break;
        case CS__I_ADD: STRICT2 { dv[i] = av[i] + bv[i]; dm[i] = 0; } break;
        case CS__I_SUB: STRICT2 { dv[i] = av[i] - bv[i]; dm[i] = 0; } break;
        case CS__I_MUL: STRICT2 { dv[i] = av[i] * bv[i]; dm[i] = 0; } break;
        case CS__I_DIV:
            STRICT2 {
                if (bv[i] == 0) { dv[i] = 0; dm[i] = CS__MISS_DIV_ZERO; }
                else { dv[i] = av[i] / bv[i]; dm[i] = 0; }
            }
            break;
        case CS__I_MIN: STRICT2 { dv[i] = av[i] < bv[i] ? av[i] : bv[i]; dm[i] = 0; } break;
        case CS__I_MAX: STRICT2 { dv[i] = av[i] > bv[i] ? av[i] : bv[i]; dm[i] = 0; } break;
        case CS__I_ABS: STRICT1 { dv[i] = fabs(av[i]); dm[i] = 0; } break;
        case CS__I_SQRT:
            STRICT1 {
                if (av[i] < 0) { dv[i] = 0; dm[i] = CS__MISS_INVALID; }
                else { dv[i] = sqrt(av[i]); dm[i] = 0; }
            }
            break;
        case CS__I_ROUND: STRICT1 { dv[i] = cs__round_to(av[i], (int)k); dm[i] = 0; } break;
        case CS__I_CLAMP: {
            const double *cv = RV(in->c);
            const uint8_t *cm = RM(in->c);
            LOOP {
                uint8_t m = am[i] ? am[i] : bm[i] ? bm[i] : cm[i];
                if (m) { dv[i] = 0; dm[i] = m; continue; }
                double x = av[i] < bv[i] ? bv[i] : av[i];
                dv[i] = x > cv[i] ? cv[i] : x;
                dm[i] = 0;
            }
            break;
        }
        case CS__I_CLAMPK: STRICT1 { double x = av[i] < k ? k : av[i]; dv[i] = x > k2 ? k2 : x; dm[i] = 0; } break;
        /* comparisons treat numbers within TOL (relative) as equal, so that a rate computed as
         * (70% + 70% + 70%) / 3 = 0.6999999999999998 meets "达到70%" as it does by hand */
        case CS__I_LT: STRICT2 { dv[i] = av[i] < bv[i] - cs__cmp_tol(av[i], bv[i]); dm[i] = 0; } break;
        case CS__I_LE: STRICT2 { dv[i] = av[i] <= bv[i] + cs__cmp_tol(av[i], bv[i]); dm[i] = 0; } break;
        case CS__I_GT: STRICT2 { dv[i] = av[i] > bv[i] + cs__cmp_tol(av[i], bv[i]); dm[i] = 0; } break;
        case CS__I_GE: STRICT2 { dv[i] = av[i] >= bv[i] - cs__cmp_tol(av[i], bv[i]); dm[i] = 0; } break;
        case CS__I_EQ: STRICT2 { dv[i] = fabs(av[i] - bv[i]) <= cs__cmp_tol(av[i], bv[i]); dm[i] = 0; } break;
        case CS__I_NE: STRICT2 { dv[i] = fabs(av[i] - bv[i]) > cs__cmp_tol(av[i], bv[i]); dm[i] = 0; } break;
        case CS__I_AND:
            LOOP {
                int af = !am[i] && av[i] == 0, bf = !bm[i] && bv[i] == 0;
                if (af || bf) { dv[i] = 0; dm[i] = 0; }
                else if (am[i] || bm[i]) { dv[i] = 0; dm[i] = am[i] ? am[i] : bm[i]; }
                else { dv[i] = 1; dm[i] = 0; }
            }
            break;
        case CS__I_OR:
            LOOP {
                int at = !am[i] && av[i] != 0, bt = !bm[i] && bv[i] != 0;
                if (at || bt) { dv[i] = 1; dm[i] = 0; }
                else if (am[i] || bm[i]) { dv[i] = 0; dm[i] = am[i] ? am[i] : bm[i]; }
                else { dv[i] = 0; dm[i] = 0; }
            }
            break;
        case CS__I_IF: {
            const double *cv = RV(in->c);
            const uint8_t *cm = RM(in->c);
            LOOP {
                if (am[i]) { dv[i] = 0; dm[i] = am[i]; }
                else if (av[i] != 0) { dv[i] = bv[i]; dm[i] = bm[i]; }
                else { dv[i] = cv[i]; dm[i] = cm[i]; }
            }
            break;
        }
        case CS__I_COALESCE:
            LOOP {
                if (!am[i]) { dv[i] = av[i]; dm[i] = 0; }
                else { dv[i] = bv[i]; dm[i] = bm[i]; }
            }
            break;
        case CS__I_ISMISS: LOOP { dv[i] = am[i] != 0; dm[i] = 0; } break;
        case CS__I_B2N: STRICT1 { dv[i] = av[i] != 0; dm[i] = 0; } break;
        case CS__I_GROWTH:
            LOOP {
                if (am[i]) { dv[i] = 0; dm[i] = am[i]; }
                else if (bm[i]) { dv[i] = 0; dm[i] = bm[i] == CS__MISS_NOT_REPORTED ? CS__MISS_NO_PREV : bm[i]; }
                else if (bv[i] == 0) { dv[i] = 0; dm[i] = CS__MISS_DIV_ZERO; }
                else { dv[i] = (av[i] - bv[i]) / bv[i]; dm[i] = 0; }
            }
            break;
        case CS__I_ADDP:
            LOOP { dv[i] = av[i] + (bm[i] ? 0.0 : k * bv[i]); dm[i] = 0; }
            break;
        case CS__I_TIERS: {
            const cs__tier_table *t = &plan->tier_tables[in->aux];
            double *tv = RV(in->b);
            uint8_t *tm = RM(in->b);
            LOOP {
                int best = 0;
                uint8_t miss = 0;
                for (int j = t->n - 1; j >= 0; j--) {
                    size_t at = (size_t)t->cond[j] * n + off + i;
                    if (slot_m[at]) { if (!miss) miss = slot_m[at]; continue; }
                    if (slot_v[at] != 0) { best = j + 1; break; }
                }
                if (best) { dv[i] = t->points[best - 1]; dm[i] = 0; tv[i] = best; tm[i] = 0; }
                else if (miss) { dv[i] = 0; dm[i] = miss; tv[i] = 0; tm[i] = miss; }
                else { dv[i] = 0; dm[i] = 0; tv[i] = 0; tm[i] = 0; }
            }
            break;
        }
        case CS__I_PENALTY: {
            const double *cv = RV(in->c);
            const uint8_t *cm = RM(in->c);
            LOOP {
                int on = !bm[i] && bv[i] != 0 && !cm[i];
                double x = on ? av[i] - cv[i] : av[i];
                dv[i] = x < 0 ? 0 : x;
                dm[i] = 0;
            }
            break;
        }
        case CS__I_VETO:
            LOOP { dv[i] = (!bm[i] && bv[i] != 0) ? 0 : av[i]; dm[i] = 0; }
            break;
        case CS__I_RATING: {
            const cs__rating_table *t = &plan->rating_tables[in->aux];
            LOOP {
                int best = 0;
                for (int j = t->n - 1; j >= 0; j--) {
                    if (av[i] + 1e-9 < t->min_total[j]) continue;
                    if (t->cond[j] >= 0) {
                        size_t at = (size_t)t->cond[j] * n + off + i;
                        if (slot_m[at] || slot_v[at] == 0) continue;
                    }
                    best = j + 1;
                    break;
                }
                dv[i] = best;
                dm[i] = 0;
            }
            break;
        }
        }
    }
#undef RV
#undef RM
}

typedef struct {
    double v;
    size_t row;
} keyed;

static int by_value_desc(const void *x, const void *y)
{
    const keyed *a = x, *b = y;
    return a->v > b->v ? -1 : a->v < b->v ? 1 : (a->row > b->row) - (a->row < b->row);
}

void cs__vm_column(const cs__col_step *step, double *slot_v, uint8_t *slot_m, size_t n)
{
    const double *sv = slot_v + (size_t)step->src * n;
    const uint8_t *sm = slot_m + (size_t)step->src * n;
    double *dv = slot_v + (size_t)step->dst * n;
    uint8_t *dm = slot_m + (size_t)step->dst * n;
    keyed *k = cs__xmalloc(sizeof(keyed) * (n ? n : 1));
    size_t count = 0;
    int asc = step->kind == CS__COL_RANK_ASC || step->kind == CS__COL_PCT_ASC;
    for (size_t i = 0; i < n; i++)
        if (!sm[i]) k[count++] = (keyed){asc ? -sv[i] : sv[i], i};
    qsort(k, count, sizeof *k, by_value_desc);
    for (size_t i = 0; i < n; i++) {
        dv[i] = 0;
        dm[i] = sm[i] ? CS__MISS_NOT_RANKED : 0;
    }
    size_t rank = 1;
    for (size_t i = 0; i < count; i++) {
        if (i > 0 && k[i].v != k[i - 1].v) rank = i + 1; /* competition ranking: ties share the better rank */
        double r = (double)rank;
        switch (step->kind) {
        case CS__COL_RANK:
        case CS__COL_RANK_ASC: dv[k[i].row] = r; break;
        case CS__COL_PCT:
        case CS__COL_PCT_ASC: dv[k[i].row] = r / (double)count; break;
        case CS__COL_PEERS: dv[k[i].row] = (double)count; break;
        }
    }
    free(k);
}
