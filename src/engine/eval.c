/*
 * eval.c — evaluation: loads the data elements of one period (and the one before, where prev()
 * or growth() need it) into the plan's columns and runs the stages over every region at once.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "results.h"

/* Result columns: large, written once, read by the output layer. Big blocks ask the kernel for
 * transparent huge pages, which cuts page-fault time for a province-sized evaluation by two
 * orders of magnitude; small ones come from malloc. */
static void *alloc_columns(size_t bytes)
{
    const size_t huge = 2u << 20;
    if (bytes < 4 * huge) return cs__xmalloc(bytes);
    void *p = NULL;
    size_t rounded = (bytes + huge - 1) / huge * huge;
    if (posix_memalign(&p, huge, rounded) != 0) return cs__xmalloc(bytes);
    madvise(p, rounded, MADV_HUGEPAGE);
    return p;
}

static void load_elements(const cs_plan *plan, const cs_dataset *ds, int period, const int *rows, size_t n,
                          double *v, uint8_t *m, int prev)
{
    const cs_framework *fw = plan->fw;
    for (int e = 0; e < fw->nelements; e++) {
        int slot = prev ? plan->prev_slot[e] : plan->elem_slot[e];
        if (slot < 0) continue;
        double *sv = v + (size_t)slot * n;
        uint8_t *sm = m + (size_t)slot * n;
        const cs__column *col = cs__dataset_column(ds, period, cs__strmap_find(&ds->elements, fw->elements[e].code));
        for (size_t i = 0; i < n; i++) {
            size_t reg = (size_t)rows[i];
            if (col && reg < col->len && col->present[reg]) {
                sv[i] = col->v[reg];
                sm[i] = 0;
            } else {
                sv[i] = 0;
                sm[i] = prev ? CS__MISS_NO_PREV : CS__MISS_NOT_REPORTED;
            }
        }
    }
}

cs_status cs_evaluate(const cs_plan *plan, const cs_dataset *ds, const char *period, cs_results **out)
{
    return cs__evaluate_with(plan, ds, period, NULL, 0, out);
}

/* Runs one stage over one block, stopping after each instruction that last writes an
 * overridden points slot to put the reviewer's figure in place (keeping the computed one). */
static void run_block(const cs_plan *plan, const cs__stage *st, cs_results *res, size_t off, size_t len, double *tv,
                      uint8_t *tm)
{
    size_t n = res->n;
    if (!res->nov) {
        cs__vm_run(plan, st->code, st->ncode, res->v, res->m, n, off, len, tv, tm);
        return;
    }
    int from = 0;
    for (int k = 0; k < st->ncode; k++) {
        int dst = st->code[k].dst, cut = 0;
        for (size_t o = 0; o < res->nov && !cut; o++) {
            if (plan->ind[res->ov[o].indicator].points != dst) continue;
            cut = 1;
            for (int later = k + 1; later < st->ncode && cut; later++) cut = st->code[later].dst != dst;
        }
        if (!cut) continue;
        cs__vm_run(plan, st->code + from, k + 1 - from, res->v, res->m, n, off, len, tv, tm);
        from = k + 1;
        for (size_t o = 0; o < res->nov; o++) {
            cs__applied_override *a = &res->ov[o];
            if (plan->ind[a->indicator].points != dst || a->row < off || a->row >= off + len) continue;
            size_t at = (size_t)dst * n + a->row;
            a->computed = res->v[at];
            a->computed_missing = res->m[at];
            res->v[at] = a->points;
            res->m[at] = 0;
        }
    }
    if (from < st->ncode) cs__vm_run(plan, st->code + from, st->ncode - from, res->v, res->m, n, off, len, tv, tm);
}

const cs__applied_override *cs__res_override(const cs_results *res, size_t r, int i)
{
    for (size_t o = 0; o < res->nov; o++)
        if (res->ov[o].row == r && res->ov[o].indicator == i) return &res->ov[o];
    return NULL;
}

cs_status cs__evaluate_with(const cs_plan *plan, const cs_dataset *ds, const char *period, const cs__override *ov,
                            size_t nov, cs_results **out)
{
    *out = NULL;
    int p = cs__strmap_find(&ds->periods, period);
    cs_results *res = cs__xcalloc(1, sizeof *res);
    res->plan = plan;
    res->period = cs__xstrdup(period);
    int *rows = NULL;
    if (p >= 0) {
        const cs__period_data *pd = &ds->pd[p];
        rows = cs__xmalloc(sizeof(int) * (pd->nhas + 1));
        for (size_t r = 0; r < pd->nhas && r < ds->regions.n; r++)
            if (pd->has_region[r]) rows[res->n++] = (int)r;
    }
    size_t n = res->n;
    res->regions = cs__xcalloc(n + 1, sizeof(char *));
    for (size_t i = 0; i < n; i++) res->regions[i] = cs__xstrdup(ds->regions.keys[rows[i]]);
    /* overrides, by row; a later override of the same indicator replaces an earlier one */
    res->ov = cs__xcalloc(nov + 1, sizeof *res->ov);
    for (size_t o = 0; o < nov; o++) {
        int reg = cs__strmap_find(&ds->regions, ov[o].region);
        if (reg < 0 || ov[o].indicator < 0 || ov[o].indicator >= plan->fw->nindicators || plan->ind[ov[o].indicator].points < 0)
            continue;
        size_t row = n;
        for (size_t i = 0; i < n && row == n; i++)
            if (rows[i] == reg) row = i;
        if (row == n) continue;
        cs__applied_override *a = NULL;
        for (size_t k = 0; k < res->nov && !a; k++)
            if (res->ov[k].row == row && res->ov[k].indicator == ov[o].indicator) a = &res->ov[k];
        if (!a) a = &res->ov[res->nov++];
        free(a->reason);
        *a = (cs__applied_override){row, ov[o].indicator, 0, 0, ov[o].points, cs__xstrdup(ov[o].reason ? ov[o].reason : "")};
    }
    /* every slot is written before it is read: elements by load_elements, the rest by the plan */
    res->v = alloc_columns(sizeof(double) * ((size_t)plan->nslots * n + 1));
    res->m = alloc_columns((size_t)plan->nslots * n + 1);
    if (n) {
        load_elements(plan, ds, p, rows, n, res->v, res->m, 0);
        char prev[32];
        int pp = cs__period_previous(period, prev, sizeof prev) ? cs__strmap_find(&ds->periods, prev) : -1;
        load_elements(plan, ds, pp, rows, n, res->v, res->m, 1);
        double *tv = cs__xmalloc(sizeof(double) * CS__BLOCK * ((size_t)plan->ntemps + 1));
        uint8_t *tm = cs__xmalloc((size_t)CS__BLOCK * ((size_t)plan->ntemps + 1));
        for (int s = 0; s < plan->nstages; s++) {
            const cs__stage *st = &plan->stages[s];
            for (int k = 0; k < st->ncols; k++) cs__vm_column(&st->cols[k], res->v, res->m, n);
            for (size_t off = 0; off < n; off += CS__BLOCK) {
                size_t len = n - off < CS__BLOCK ? n - off : CS__BLOCK;
                run_block(plan, st, res, off, len, tv, tm);
            }
        }
        free(tv);
        free(tm);
    }
    free(rows);
    *out = res;
    return CS_OK;
}

void cs_results_free(cs_results *res)
{
    if (!res) return;
    for (size_t i = 0; i < res->n; i++) free(res->regions[i]);
    free(res->regions);
    free(res->period);
    free(res->v);
    free(res->m);
    for (size_t o = 0; o < res->nov; o++) free(res->ov[o].reason);
    free(res->ov);
    free(res);
}

size_t cs_results_region_count(const cs_results *res) { return res->n; }
const char *cs_results_region(const cs_results *res, size_t r) { return r < res->n ? res->regions[r] : NULL; }

double cs_results_total(const cs_results *res, size_t r)
{
    double v;
    cs__res_get(res, res->plan->total, r, &v);
    return v;
}

const char *cs_results_rating(const cs_results *res, size_t r)
{
    if (res->plan->rating < 0) return NULL;
    double v;
    cs__res_get(res, res->plan->rating, r, &v);
    int k = (int)v;
    return k > 0 ? res->plan->fw->ratings[k - 1].name : NULL;
}

int cs__res_points(const cs_results *res, size_t r, int i, double *points)
{
    int slot = res->plan->ind[i].points;
    if (slot < 0) return -1;
    return cs__res_get(res, slot, r, points);
}

int cs__res_tier(const cs_results *res, size_t r, int i)
{
    int slot = res->plan->ind[i].tier;
    if (slot < 0) return -1;
    double v;
    cs__res_get(res, slot, r, &v);
    return (int)v;
}

int cs__res_sym(const cs_results *res, size_t r, int sym, double *v)
{
    const cs_framework *fw = res->plan->fw;
    if (sym < fw->nelements) return cs__res_get(res, res->plan->elem_slot[sym], r, v);
    if (sym < fw->nelements + fw->nmeasures) return cs__res_get(res, res->plan->measure_slot[sym - fw->nelements], r, v);
    if (sym == CS__SYM_TOTAL(fw)) return cs__res_get(res, res->plan->total, r, v);
    *v = fw->max_score;
    return 0;
}
