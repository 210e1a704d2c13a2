/*
 * probe.c — one region's figures, changed and re-scored through the engine: the data sets the
 * planner changes, the reading of a requirement over the engine's slots, the search for the
 * smallest change of one figure that makes a requirement hold (bisection over whole numbers for
 * counts, to two decimals — three significant digits below 1 — for real figures, a flip for
 * yes/no), and the fixing of criteria and tiers that the gap analysis and the planner share.
 */
#include <math.h>
#include <string.h>

#include "planner_int.h"

/* Put for every region so that it takes part even when none of its figures is one of the
 * framework's elements. The engine reads only the framework's elements. */
#define PRESENT_ELEMENT "__planner.present"

/* How far an unbounded figure is searched: 2^40 steps. */
#define SEARCH_LIMIT 1099511627776.0

/* ---- The probe --------------------------------------------------------------------------------- */

static void add_row(const cs__probe *p, cs_dataset *ds, size_t r, const char *prev)
{
    const cs_results *res = p->res;
    const cs_plan *plan = p->plan;
    const cs_framework *fw = p->fw;
    const char *region = res->regions[r];
    cs_dataset_set(ds, region, res->period, PRESENT_ELEMENT, 0);
    for (int e = 0; e < fw->nelements; e++) {
        double v;
        if (!cs__res_get(res, plan->elem_slot[e], r, &v)) cs_dataset_set(ds, region, res->period, fw->elements[e].code, v);
        if (prev && plan->prev_slot[e] >= 0 && !cs__res_get(res, plan->prev_slot[e], r, &v))
            cs_dataset_set(ds, region, prev, fw->elements[e].code, v);
    }
}

static int plan_ranks(const cs_plan *plan)
{
    for (int s = 0; s < plan->nstages; s++)
        if (plan->stages[s].ncols) return 1;
    return 0;
}

void cs__probe_init(cs__probe *p, const cs_plan *plan, const cs_results *res, size_t row, cs__arena *arena)
{
    memset(p, 0, sizeof *p);
    const cs_framework *fw = plan->fw;
    p->plan = plan;
    p->fw = fw;
    p->arena = arena;
    p->res = res;
    p->row = row;
    p->region = res->regions[row];
    p->period = res->period;
    int ne = fw->nelements;
    p->now = cs__xcalloc((size_t)ne + 1, sizeof(double));
    p->now_miss = cs__xcalloc((size_t)ne + 1, 1);
    for (int e = 0; e < ne; e++) p->now_miss[e] = (uint8_t)cs__res_get(res, plan->elem_slot[e], row, &p->now[e]);
    /* the numerators of each element: those whose at_most names it */
    int *count = cs__xcalloc((size_t)ne + 1, sizeof(int));
    for (int n = 0; n < ne; n++)
        for (int a = 0; a < fw->elements[n].n_at_most; a++) {
            int d = cs__fw_element_index(fw, fw->elements[n].at_most[a]);
            if (d >= 0) count[d]++;
        }
    size_t pool = 0;
    for (int d = 0; d < ne; d++) pool += (size_t)count[d] + 1;
    p->numerators = cs__xcalloc((size_t)ne + 1, sizeof(int *));
    p->numerator_pool = cs__xcalloc(pool + 1, sizeof(int));
    pool = 0;
    for (int d = 0; d < ne; d++) {
        p->numerators[d] = p->numerator_pool + pool;
        pool += (size_t)count[d] + 1;
        p->numerators[d][0] = -1;
        count[d] = 0;
    }
    for (int n = 0; n < ne; n++)
        for (int a = 0; a < fw->elements[n].n_at_most; a++) {
            int d = cs__fw_element_index(fw, fw->elements[n].at_most[a]);
            if (d < 0) continue;
            p->numerators[d][count[d]++] = n;
            p->numerators[d][count[d]] = -1;
        }
    free(count);
    p->measure_ranks = cs__xcalloc((size_t)fw->nmeasures + 1, 1);
    p->ind_ranks = cs__xcalloc((size_t)fw->nindicators + 1, 1);
    /* the reviewers' overrides of this region follow it into every evaluation */
    p->ov = cs__xcalloc(res->nov + 1, sizeof *p->ov);
    for (size_t o = 0; o < res->nov; o++)
        if (res->ov[o].row == row)
            p->ov[p->nov++] = (cs__override){p->region, res->ov[o].indicator, res->ov[o].points, res->ov[o].reason};
    char prev[32];
    const char *pp = cs__period_previous(p->period, prev, sizeof prev) ? prev : NULL;
    p->solo = cs_dataset_new();
    add_row(p, p->solo, row, pp);
    if (plan_ranks(plan)) {
        p->peers = cs_dataset_new();
        add_row(p, p->peers, row, pp);
        for (size_t r = 0; r < res->n; r++)
            if (r != row) add_row(p, p->peers, r, pp);
    } else {
        p->peers = p->solo;
    }
}

void cs__probe_done(cs__probe *p)
{
    if (p->peers != p->solo) cs_dataset_free(p->peers);
    cs_dataset_free(p->solo);
    free(p->now);
    free(p->now_miss);
    free(p->numerators);
    free(p->numerator_pool);
    free(p->measure_ranks);
    free(p->ind_ranks);
    free(p->ov);
    memset(p, 0, sizeof *p);
}

cs_results *cs__probe_eval(cs__probe *p, const cs__change *ch, size_t n, int peers)
{
    cs_dataset *ds = peers ? p->peers : p->solo;
    const cs_framework *fw = p->fw;
    for (size_t k = 0; k < n; k++) cs_dataset_set(ds, p->region, p->period, fw->elements[ch[k].element].code, ch[k].to);
    cs_results *out = NULL;
    cs__evaluate_with(p->plan, ds, p->period, p->ov, p->nov, &out);
    /* back to the reported figures (only reported figures are ever changed) */
    for (size_t k = 0; k < n; k++)
        cs_dataset_set(ds, p->region, p->period, fw->elements[ch[k].element].code, p->now[ch[k].element]);
    p->evaluations++;
    return out;
}

/* ---- Which requirements depend on peer ranks --------------------------------------------------- */

/* Memo states of measure_ranks and ind_ranks. */
enum { RANKS_UNKNOWN, RANKS_WORKING, RANKS_NO, RANKS_YES };

static int measure_ranks(cs__probe *p, int m)
{
    if (p->measure_ranks[m] == RANKS_WORKING) return 0; /* a cycle; the loader refuses them */
    if (p->measure_ranks[m] != RANKS_UNKNOWN) return p->measure_ranks[m] == RANKS_YES;
    p->measure_ranks[m] = RANKS_WORKING;
    int yes = cs__probe_expr_ranks(p, p->fw->measures[m].expr);
    p->measure_ranks[m] = yes ? RANKS_YES : RANKS_NO;
    return yes;
}

int cs__probe_indicator_ranks(cs__probe *p, int i)
{
    if (p->ind_ranks[i] == RANKS_WORKING) return 0;
    if (p->ind_ranks[i] != RANKS_UNKNOWN) return p->ind_ranks[i] == RANKS_YES;
    p->ind_ranks[i] = RANKS_WORKING;
    const cs__rule *r = &p->fw->indicators[i].rule;
    int yes = cs__probe_expr_ranks(p, r->points);
    for (int t = 0; t < r->ntiers && !yes; t++)
        for (int k = 0; k < r->tiers[t].ncriteria && !yes; k++) yes = cs__probe_expr_ranks(p, r->tiers[t].criteria[k].expr);
    p->ind_ranks[i] = yes ? RANKS_YES : RANKS_NO;
    return yes;
}

int cs__probe_expr_ranks(cs__probe *p, const cs__node *n)
{
    if (!n) return 0;
    const cs_framework *fw = p->fw;
    if (n->kind == CS__N_REF && n->sym >= fw->nelements && n->sym < fw->nelements + fw->nmeasures)
        return measure_ranks(p, n->sym - fw->nelements);
    if (n->kind == CS__N_REF && n->sym >= fw->nelements + fw->nmeasures) return 1; /* the total: every indicator */
    if (n->kind == CS__N_CALL) {
        switch (n->op) {
        case CS__FN_RANK:
        case CS__FN_RANK_ASC:
        case CS__FN_RANK_PCT:
        case CS__FN_RANK_PCT_ASC:
        case CS__FN_PEERS:
            return 1;
        case CS__FN_POINTS:
        case CS__FN_TIER:
        case CS__FN_REACHED:
            return cs__probe_indicator_ranks(p, n->sym);
        default:
            break;
        }
    }
    for (int i = 0; i < n->nargs; i++)
        if (cs__probe_expr_ranks(p, n->args[i])) return 1;
    return 0;
}

/* ---- Reading an expression over the engine's slots ---------------------------------------- */

/* The column slot the engine computed a rank function of a symbol into, or -1. */
static int rank_slot(const cs_plan *plan, const cs__node *n)
{
    const cs_framework *fw = plan->fw;
    int sym = n->args[0]->sym;
    int src = sym < fw->nelements ? plan->elem_slot[sym] : plan->measure_slot[sym - fw->nelements];
    cs__col_kind kind = n->op == CS__FN_RANK_ASC       ? CS__COL_RANK_ASC
                        : n->op == CS__FN_RANK_PCT     ? CS__COL_PCT
                        : n->op == CS__FN_RANK_PCT_ASC ? CS__COL_PCT_ASC
                        : n->op == CS__FN_PEERS        ? CS__COL_PEERS
                                                       : CS__COL_RANK;
    for (int s = 0; s < plan->nstages; s++)
        for (int k = 0; k < plan->stages[s].ncols; k++)
            if (plan->stages[s].cols[k].src == src && plan->stages[s].cols[k].kind == kind) return plan->stages[s].cols[k].dst;
    return -1;
}

static int slot_value(const cs_results *res, size_t row, int slot, double *v)
{
    if (slot < 0) {
        *v = 0;
        return CS__MISS_INVALID;
    }
    return cs__res_get(res, slot, row, v);
}

/* A fold of the arguments with a strict binary operator (missing when any argument is). */
static int fold_strict(const cs__probe *p, const cs_results *res, size_t row, const cs__node *n, int op, double *v)
{
    double acc = 0;
    for (int i = 0; i < n->nargs; i++) {
        double x;
        int m = cs__probe_node(p, res, row, n->args[i], &x);
        if (m) {
            *v = 0;
            return m;
        }
        if (i == 0) acc = x;
        else if (op == CS__FN_MIN) acc = x < acc ? x : acc;
        else if (op == CS__FN_MAX) acc = x > acc ? x : acc;
        else acc += x;
    }
    *v = acc;
    return 0;
}

/* Three-valued and/or, as the engine's AND and OR. */
static int logic(int is_and, double a, int am, double b, int bm, double *v)
{
    int a_dec = !am && (is_and ? a == 0 : a != 0), b_dec = !bm && (is_and ? b == 0 : b != 0);
    if (a_dec || b_dec) {
        *v = is_and ? 0 : 1;
        return 0;
    }
    if (am || bm) {
        *v = 0;
        return am ? am : bm;
    }
    *v = is_and ? 1 : 0;
    return 0;
}

int cs__probe_node(const cs__probe *p, const cs_results *res, size_t row, const cs__node *n, double *v)
{
    const cs_plan *plan = p->plan;
    const cs_framework *fw = p->fw;
    double a = 0, b = 0, c = 0;
    int am, bm, cm;
    *v = 0;
    switch (n->kind) {
    case CS__N_NUM:
    case CS__N_BOOL:
        *v = n->num;
        return 0;
    case CS__N_STR:
        return 0;
    case CS__N_REF:
        if (n->sym == CS__SYM_TOTAL(fw)) return cs__res_get(res, plan->total, row, v);
        return cs__res_sym(res, row, n->sym, v);
    case CS__N_UNARY:
        am = cs__probe_node(p, res, row, n->args[0], &a);
        if (am) return am;
        *v = n->op == CS__OP_NEG ? -a : a == 0;
        return 0;
    case CS__N_BINARY:
        am = cs__probe_node(p, res, row, n->args[0], &a);
        bm = cs__probe_node(p, res, row, n->args[1], &b);
        if (n->op == CS__OP_AND || n->op == CS__OP_OR) return logic(n->op == CS__OP_AND, a, am, b, bm, v);
        if (am || bm) return am ? am : bm;
        switch (n->op) {
        case CS__OP_ADD: *v = a + b; return 0;
        case CS__OP_SUB: *v = a - b; return 0;
        case CS__OP_MUL: *v = a * b; return 0;
        case CS__OP_DIV:
            if (b == 0) return CS__MISS_DIV_ZERO;
            *v = a / b;
            return 0;
        case CS__OP_LT: *v = a < b - cs__cmp_tol(a, b); return 0;
        case CS__OP_LE: *v = a <= b + cs__cmp_tol(a, b); return 0;
        case CS__OP_GT: *v = a > b + cs__cmp_tol(a, b); return 0;
        case CS__OP_GE: *v = a >= b - cs__cmp_tol(a, b); return 0;
        case CS__OP_EQ: *v = fabs(a - b) <= cs__cmp_tol(a, b); return 0;
        case CS__OP_NE: *v = fabs(a - b) > cs__cmp_tol(a, b); return 0;
        default: return CS__MISS_INVALID;
        }
    case CS__N_CALL:
        break;
    }
    switch (n->op) {
    case CS__FN_MIN:
    case CS__FN_MAX:
    case CS__FN_SUM:
        return fold_strict(p, res, row, n, n->op, v);
    case CS__FN_AVG:
        am = fold_strict(p, res, row, n, CS__FN_SUM, v);
        if (!am) *v /= n->nargs;
        return am;
    case CS__FN_COUNT: {
        double acc = 0;
        for (int i = 0; i < n->nargs; i++) {
            am = cs__probe_node(p, res, row, n->args[i], &a);
            if (am) {
                *v = 0;
                return am;
            }
            acc += a != 0;
        }
        *v = acc;
        return 0;
    }
    case CS__FN_ALL:
    case CS__FN_ANY: {
        am = cs__probe_node(p, res, row, n->args[0], &a);
        for (int i = 1; i < n->nargs; i++) {
            bm = cs__probe_node(p, res, row, n->args[i], &b);
            am = logic(n->op == CS__FN_ALL, a, am, b, bm, &a);
        }
        *v = am ? 0 : a;
        return am;
    }
    case CS__FN_COALESCE:
        for (int i = 0; i < n->nargs; i++) {
            am = cs__probe_node(p, res, row, n->args[i], &a);
            if (!am || i == n->nargs - 1) {
                *v = am ? 0 : a;
                return am;
            }
        }
        return CS__MISS_INVALID;
    case CS__FN_CLAMP:
        am = cs__probe_node(p, res, row, n->args[0], &a);
        bm = cs__probe_node(p, res, row, n->args[1], &b);
        cm = cs__probe_node(p, res, row, n->args[2], &c);
        if (am || bm || cm) return am ? am : bm ? bm : cm;
        a = a < b ? b : a;
        *v = a > c ? c : a;
        return 0;
    case CS__FN_IF:
        am = cs__probe_node(p, res, row, n->args[0], &a);
        if (am) return am;
        return cs__probe_node(p, res, row, n->args[a != 0 ? 1 : 2], v);
    case CS__FN_ABS:
        am = cs__probe_node(p, res, row, n->args[0], &a);
        *v = am ? 0 : fabs(a);
        return am;
    case CS__FN_SQRT:
        am = cs__probe_node(p, res, row, n->args[0], &a);
        if (am) return am;
        if (a < 0) return CS__MISS_INVALID;
        *v = sqrt(a);
        return 0;
    case CS__FN_ROUND:
        am = cs__probe_node(p, res, row, n->args[0], &a);
        if (am) return am;
        *v = cs__round_to(a, n->nargs > 1 ? (int)n->args[1]->num : 0);
        return 0;
    case CS__FN_IS_MISSING:
        am = cs__probe_node(p, res, row, n->args[0], &a);
        *v = am != 0;
        return 0;
    case CS__FN_PREV:
        return slot_value(res, row, plan->prev_slot[n->args[0]->sym], v);
    case CS__FN_GROWTH: {
        int e = n->args[0]->sym;
        am = cs__res_get(res, plan->elem_slot[e], row, &a);
        if (am) return am;
        bm = slot_value(res, row, plan->prev_slot[e], &b);
        if (bm) return bm == CS__MISS_NOT_REPORTED ? CS__MISS_NO_PREV : bm;
        if (b == 0) return CS__MISS_DIV_ZERO;
        *v = (a - b) / b;
        return 0;
    }
    case CS__FN_RANK:
    case CS__FN_RANK_ASC:
    case CS__FN_RANK_PCT:
    case CS__FN_RANK_PCT_ASC:
    case CS__FN_PEERS:
        return slot_value(res, row, rank_slot(plan, n), v);
    case CS__FN_POINTS:
        if (plan->ind[n->sym].points < 0) return 0;
        return cs__res_get(res, plan->ind[n->sym].points, row, v);
    case CS__FN_TIER:
        if (plan->ind[n->sym].tier < 0) return 0;
        return cs__res_get(res, plan->ind[n->sym].tier, row, v);
    case CS__FN_REACHED: {
        const cs__ind_slots *is = &plan->ind[n->sym];
        int src = is->tier >= 0 ? is->tier : is->points;
        if (src < 0) return 0;
        am = cs__res_get(res, src, row, &a);
        if (am) return am;
        *v = a > cs__cmp_tol(a, 0);
        return 0;
    }
    default:
        return CS__MISS_INVALID;
    }
}

int cs__probe_holds(cs__probe *p, const cs__pred *pred, const cs__change *ch, size_t n)
{
    cs_results *r = cs__probe_eval(p, ch, n, pred->peers);
    double v = 0;
    int miss, ok = 0;
    switch (pred->kind) {
    case CS__PRED_SLOT_TRUE:
        miss = cs__res_get(r, pred->slot, 0, &v);
        ok = !miss && v != 0;
        break;
    case CS__PRED_SLOT_FALSE:
        miss = cs__res_get(r, pred->slot, 0, &v);
        ok = !miss && v == 0;
        break;
    case CS__PRED_SLOT_GE:
        miss = cs__res_get(r, pred->slot, 0, &v);
        ok = !miss && v >= pred->level - 1e-9;
        break;
    case CS__PRED_NODE_TRUE:
        miss = cs__probe_node(p, r, 0, pred->node, &v);
        ok = !miss && v != 0;
        break;
    }
    cs_results_free(r);
    return ok;
}

/* ---- Changes ------------------------------------------------------------------------------------ */

double cs__relative_change(double from, double to)
{
    double d = fabs(to - from), m = fabs(from) > fabs(to) ? fabs(from) : fabs(to);
    return m > 0 ? d / m : 0;
}

/* The figure of element e in work (changed), or as reported. */
static double current(const cs__probe *p, const cs__change_vec *work, int e)
{
    for (size_t k = 0; k < work->n; k++)
        if (work->items[k].element == e) return work->items[k].to;
    return p->now[e];
}

void cs__change_set(cs__probe *p, cs__change_vec *work, int e, double v)
{
    if (p->now_miss[e]) return; /* only reported figures are changed */
    for (size_t k = 0; k < work->n; k++) {
        if (work->items[k].element != e) continue;
        if (v == p->now[e]) {
            work->items[k] = work->items[--work->n];
            return;
        }
        work->items[k].to = v;
        return;
    }
    if (v == p->now[e]) return;
    cs__change c = {e, p->now[e], v};
    cs__vec_push(work, c);
}

/* Whether pred holds with work and element e set to v. */
static int try_value(cs__probe *p, const cs__pred *pred, const cs__change_vec *work, int e, double v)
{
    cs__change_vec trial = {0};
    for (size_t k = 0; k < work->n; k++) cs__vec_push(&trial, work->items[k]);
    cs__change_set(p, &trial, e, v);
    int ok = cs__probe_holds(p, pred, trial.items, trial.n);
    cs__vec_free(&trial);
    return ok;
}

/* The step of the search for a real figure: hundredths, or three significant digits below 1. */
static double real_unit(double v)
{
    double m = fabs(v);
    if (m >= 1 || m == 0) return 0.01;
    return pow(10.0, floor(log10(m)) - 2);
}

/* The least change of element e in direction dir (+1 raise, -1 lower), the other figures as in
 * work, that makes pred hold, within e's range and its at_most bounds (a numerator stays at most
 * its denominator, a denominator at least its numerators). Returns 1 and sets *to. Assumes that
 * pred, once it holds along the way, keeps holding further on (bisection). */
static int search_element(cs__probe *p, const cs__pred *pred, const cs__change_vec *work, int e, int dir, double *to)
{
    const cs_framework *fw = p->fw;
    const cs__element *el = &fw->elements[e];
    double v0 = current(p, work, e);
    double lo = el->has_min ? el->min : -INFINITY, hi = el->has_max ? el->max : INFINITY;
    for (int a = 0; a < el->n_at_most; a++) {
        int d = cs__fw_element_index(fw, el->at_most[a]);
        if (d >= 0 && !p->now_miss[d]) {
            double dv = current(p, work, d);
            if (dv < hi) hi = dv;
        }
    }
    for (const int *n = p->numerators[e]; *n >= 0; n++)
        if (!p->now_miss[*n]) {
            double nv = current(p, work, *n);
            if (nv > lo) lo = nv;
        }
    if (el->type == CS__ELEM_BOOLEAN) {
        if ((dir > 0) != (v0 == 0)) return 0;
        double want = dir > 0 ? 1 : 0;
        if (!try_value(p, pred, work, e, want)) return 0;
        *to = want;
        return 1;
    }
    int integer = el->type == CS__ELEM_INTEGER;
    double unit = integer ? 1 : real_unit(v0);
    double room = dir > 0 ? hi - v0 : v0 - lo;
    if (!(room >= unit * (1 - 1e-9))) return 0;
    double kmax = isinf(room) ? SEARCH_LIMIT : floor(room / unit + 1e-9);
    if (kmax > SEARCH_LIMIT) kmax = SEARCH_LIMIT;
    double klo = 0, khi = -1;
    for (double k = 1;; k *= 2) {
        if (k >= kmax) {
            if (klo < kmax && try_value(p, pred, work, e, v0 + dir * kmax * unit)) khi = kmax;
            break;
        }
        if (try_value(p, pred, work, e, v0 + dir * k * unit)) {
            khi = k;
            break;
        }
        klo = k;
    }
    if (khi < 0) return 0;
    while (khi - klo > 1) {
        double mid = floor((klo + khi) / 2);
        if (try_value(p, pred, work, e, v0 + dir * mid * unit)) khi = mid;
        else klo = mid;
    }
    double v = v0 + dir * khi * unit;
    if (!integer) {
        /* onto the grid of the step, in the direction of the change, when that still holds */
        double g = dir > 0 ? ceil(v / unit - 1e-6) * unit : floor(v / unit + 1e-6) * unit;
        g = cs__round_to(g, 12);
        if (g >= lo && g <= hi && g != v && try_value(p, pred, work, e, g)) v = g;
        else v = cs__round_to(v, 12);
    }
    *to = v;
    return 1;
}

int cs__probe_fix_pred(cs__probe *p, const cs__pred *pred, const uint8_t *elems, cs__change_vec *work, cs__need *need)
{
    const cs_framework *fw = p->fw;
    int best = -1;
    double best_to = 0, best_rel = INFINITY;
    /* raising first: a numerator goes up rather than a denominator down */
    for (int dir = 1; dir >= (pred->raise_only ? 1 : -1) && best < 0; dir -= 2)
        for (int e = 0; e < fw->nelements; e++) {
            if (!elems[e] || p->now_miss[e]) continue;
            double to;
            if (!search_element(p, pred, work, e, dir, &to)) continue;
            double rel = cs__relative_change(p->now[e], to);
            if (rel < best_rel - 1e-12) {
                best = e;
                best_to = to;
                best_rel = rel;
            }
        }
    if (best < 0) return 0;
    cs__change_set(p, work, best, best_to);
    need->status = CS__NEED_CHANGE;
    need->changes = cs__arena_alloc(p->arena, sizeof(cs__change));
    need->changes[0] = (cs__change){best, p->now[best], best_to};
    need->nchanges = 1;
    return 1;
}

/* ---- Requirements -------------------------------------------------------------------------------- */

static int name_hook(void *ctx, const cs__node *n, cs__buf *out)
{
    const cs_framework *fw = ctx;
    if (n->kind != CS__N_REF) return 0;
    cs__buf_append(out, cs__fw_symbol_name(fw, n->sym));
    return 1;
}

static const char *render_text(cs__probe *p, const cs__node *n)
{
    cs__buf b = {0};
    cs__expr_render(n, name_hook, (void *)p->fw, &b);
    const char *s = cs__arena_strdup(p->arena, cs__buf_str(&b));
    cs__buf_free(&b);
    return s;
}

static uint8_t *elements_of(const cs__probe *p, const cs__node *n)
{
    uint8_t *used = cs__xcalloc((size_t)p->fw->nelements + 1, 1);
    uint8_t *walked = cs__xcalloc((size_t)p->fw->nmeasures + 1, 1);
    cs__fw_expr_elements(p->fw, n, used, walked);
    free(walked);
    return used;
}

/* A fixed figure: a number, or a negated one. */
static int constant(const cs__node *n, double *v)
{
    if (n->kind == CS__N_NUM) {
        *v = n->num;
        return 1;
    }
    if (n->kind == CS__N_UNARY && n->op == CS__OP_NEG && n->args[0]->kind == CS__N_NUM) {
        *v = -n->args[0]->num;
        return 1;
    }
    return 0;
}

/* When n compares an element or measure with a fixed figure, records which, its value in res and
 * the figure. */
static void comparison(const cs__probe *p, const cs_results *res, const cs__node *n, cs__need *need)
{
    need->sym = -1;
    if (n->kind == CS__N_REF && n->sym < p->fw->nelements && p->fw->elements[n->sym].type == CS__ELEM_BOOLEAN &&
        !cs__res_sym(res, 0, n->sym, &need->value)) {
        /* a yes/no figure on its own: it must be 是 */
        need->sym = n->sym;
        need->threshold = 1;
        need->cmp = CS__OP_EQ;
        return;
    }
    if (n->kind != CS__N_BINARY || n->op < CS__OP_LT || n->op > CS__OP_EQ) return;
    const cs__node *ref = n->args[0], *k = n->args[1];
    int op = n->op;
    if (ref->kind != CS__N_REF) {
        /* 90% <= x is x >= 90% */
        static const int flip[] = {[CS__OP_LT] = CS__OP_GT, [CS__OP_LE] = CS__OP_GE, [CS__OP_GT] = CS__OP_LT,
                                   [CS__OP_GE] = CS__OP_LE, [CS__OP_EQ] = CS__OP_EQ};
        ref = n->args[1], k = n->args[0];
        op = flip[op];
    }
    double t, v;
    if (ref->kind != CS__N_REF || ref->sym >= p->fw->nelements + p->fw->nmeasures || !constant(k, &t)) return;
    if (cs__res_sym(res, 0, ref->sym, &v)) return;
    need->sym = ref->sym;
    need->cmp = op;
    need->value = v;
    need->threshold = t;
}

/* The conjuncts of an `and` (or all()), flattened. */
static void conjuncts(const cs__node *n, const cs__node **out, int *nout, int max)
{
    if ((n->kind == CS__N_BINARY && n->op == CS__OP_AND) || (n->kind == CS__N_CALL && n->op == CS__FN_ALL)) {
        for (int i = 0; i < n->nargs; i++) conjuncts(n->args[i], out, nout, max);
        return;
    }
    if (*nout < max) out[(*nout)++] = n;
}

/* Names the figures behind n that are not reported. */
static void missing_sentence(cs__probe *p, const cs__node *n, cs__need *need)
{
    uint8_t *used = elements_of(p, n);
    cs__buf b = {0};
    cs__buf_append(&b, "缺数据：");
    int count = 0;
    for (int e = 0; e < p->fw->nelements; e++)
        if (used[e] && p->now_miss[e]) cs__buf_printf(&b, "%s%s未填报", count++ ? "、" : "", p->fw->elements[e].name);
    if (!count) cs__buf_append(&b, "无法计算（如除数为零）");
    need->sentence = cs__arena_strdup(p->arena, cs__buf_str(&b));
    cs__buf_free(&b);
    free(used);
}

/* When no one figure makes expr hold: each condition of it that does not hold, fixed on its own
 * (one figure each), then the whole checked by the engine. */
static int fix_parts(cs__probe *p, const cs__node *expr, const cs__pred *whole, cs__change_vec *work, cs__need *need)
{
    const cs__node *parts[64];
    int np = 0;
    conjuncts(expr, parts, &np, 64);
    need->status = CS__NEED_NONE;
    if (np < 2) return 0;
    cs__change_vec trial = {0};
    for (size_t k = 0; k < work->n; k++) cs__vec_push(&trial, work->items[k]);
    need->parts = cs__arena_alloc(p->arena, sizeof(cs__need) * (size_t)np);
    int all = 1;
    CS__VEC(cs__change) made = {0};
    for (int k = 0; k < np; k++) {
        int pk = cs__probe_expr_ranks(p, parts[k]);
        cs_results *r = cs__probe_eval(p, trial.items, trial.n, pk);
        double v;
        int miss = cs__probe_node(p, r, 0, parts[k], &v);
        cs__need *sub = &need->parts[need->nparts];
        memset(sub, 0, sizeof *sub);
        sub->text = render_text(p, parts[k]);
        comparison(p, r, parts[k], sub);
        cs_results_free(r);
        if (!miss && v != 0) continue;
        need->nparts++;
        if (miss) {
            sub->status = CS__NEED_MISSING;
            missing_sentence(p, parts[k], sub);
            all = 0;
            continue;
        }
        cs__pred pr = {CS__PRED_NODE_TRUE, -1, 0, parts[k], pk};
        uint8_t *elems = elements_of(p, parts[k]);
        if (cs__probe_fix_pred(p, &pr, elems, &trial, sub)) cs__vec_push(&made, sub->changes[0]);
        else sub->status = CS__NEED_NONE, all = 0;
        free(elems);
        cs__need_describe(p, sub);
    }
    if (all && cs__probe_holds(p, whole, trial.items, trial.n)) {
        need->status = CS__NEED_CHANGE;
        need->changes = cs__arena_alloc(p->arena, sizeof(cs__change) * (made.n + 1));
        memcpy(need->changes, made.items, sizeof(cs__change) * made.n);
        need->nchanges = (int)made.n;
        work->n = 0;
        for (size_t k = 0; k < trial.n; k++) cs__vec_push(work, trial.items[k]);
    }
    cs__vec_free(&made);
    cs__vec_free(&trial);
    return need->status == CS__NEED_CHANGE;
}

int cs__probe_fix_criterion(cs__probe *p, const cs__criterion *c, int slot, cs__change_vec *work, cs__need *need)
{
    memset(need, 0, sizeof *need);
    need->text = c->text ? c->text : render_text(p, c->expr);
    cs__pred pred = {CS__PRED_SLOT_TRUE, slot, 0, NULL, cs__probe_expr_ranks(p, c->expr)};
    cs_results *r = cs__probe_eval(p, work->items, work->n, pred.peers);
    double v;
    int miss = cs__res_get(r, slot, 0, &v);
    comparison(p, r, c->expr, need);
    cs_results_free(r);
    if (!miss && v != 0) {
        need->status = CS__NEED_MET;
        cs__need_describe(p, need);
        return 1;
    }
    if (miss) {
        need->status = CS__NEED_MISSING;
        missing_sentence(p, c->expr, need);
        return 0;
    }
    uint8_t *elems = elements_of(p, c->expr);
    int ok = cs__probe_fix_pred(p, &pred, elems, work, need);
    free(elems);
    if (!ok) ok = fix_parts(p, c->expr, &pred, work, need);
    cs__need_describe(p, need);
    return ok;
}

int cs__probe_fix_tier(cs__probe *p, int i, int t, cs__change_vec *work, cs__need **needs_out, int *nneeds)
{
    const cs__tier *tier = &p->fw->indicators[i].rule.tiers[t - 1];
    const cs__ind_slots *is = &p->plan->ind[i];
    int peers = cs__probe_indicator_ranks(p, i);
    cs__need *needs = cs__arena_alloc(p->arena, sizeof(cs__need) * (size_t)(tier->ncriteria + 1));
    *needs_out = needs;
    *nneeds = tier->ncriteria;
    int reached = 0;
    /* each criterion on top of the changes the ones before it needed; a second round for a
     * criterion that another's change undid */
    for (int round = 0; round < 2 && !reached; round++) {
        int missing = 0;
        for (int k = 0; k < tier->ncriteria; k++) {
            if (round > 0) {
                cs__pred pr = {CS__PRED_SLOT_TRUE, is->crit[t - 1][k], 0, NULL, peers};
                if (cs__probe_holds(p, &pr, work->items, work->n)) continue;
            }
            cs__probe_fix_criterion(p, &tier->criteria[k], is->crit[t - 1][k], work, &needs[k]);
            missing |= needs[k].status == CS__NEED_MISSING;
        }
        cs_results *r = cs__probe_eval(p, work->items, work->n, peers);
        reached = cs__res_tier(r, 0, i) >= t;
        cs_results_free(r);
        if (missing) break;
    }
    return reached;
}

/* ---- Sentences -------------------------------------------------------------------------------- */

static int sym_is_bool(const cs_framework *fw, int sym)
{
    if (sym < fw->nelements) return fw->elements[sym].type == CS__ELEM_BOOLEAN;
    return fw->measures[sym - fw->nelements].expr->type == CS__T_BOOL;
}

/* A difference in sym's unit: "14.37 个百分点", "534 个", "0.5 公里". */
static void format_amount(const cs_framework *fw, int sym, double d, cs__buf *out)
{
    const char *unit = cs__fw_symbol_unit(fw, sym);
    if (!strcmp(unit, "%")) {
        cs__buf_number(out, d * 100.0, 2);
        cs__buf_append(out, " 个百分点");
        return;
    }
    cs__buf_number(out, d, sym >= fw->nelements ? 2 : 4);
    if (*unit) cs__buf_printf(out, " %s", unit);
}

/* A figure without its unit when a unit follows: 315 (→ 380 项), 70.63%, 是. */
static void format_bare(const cs_framework *fw, int sym, double v, cs__buf *out)
{
    const char *unit = cs__fw_symbol_unit(fw, sym);
    if (sym_is_bool(fw, sym) || !strcmp(unit, "%")) cs__format_sym_value(fw, sym, v, 0, out);
    else cs__buf_number(out, v, sym >= fw->nelements ? 2 : 4);
}

/* "还需 65 项（依托…数量 315 → 380 项）", "约 65 项：依托…数量 315 → 380 项", "还需减少 …". */
static void change_sentence(const cs_framework *fw, const cs__change *c, int brief, cs__buf *out)
{
    const cs__element *el = &fw->elements[c->element];
    if (el->type == CS__ELEM_BOOLEAN) {
        cs__buf_printf(out, "%s：%s → %s", el->name, c->from != 0 ? "是" : "否", c->to != 0 ? "是" : "否");
        return;
    }
    cs__buf_append(out, c->to > c->from ? (brief ? "约 " : "还需 ") : (brief ? "约减少 " : "还需减少 "));
    format_amount(fw, c->element, fabs(c->to - c->from), out);
    cs__buf_printf(out, "%s%s ", brief ? "：" : "（", el->name);
    format_bare(fw, c->element, c->from, out);
    cs__buf_append(out, " → ");
    format_bare(fw, c->element, c->to, out);
    if (*el->unit && strcmp(el->unit, "%")) cs__buf_printf(out, " %s", el->unit);
    if (!brief) cs__buf_append(out, "）");
}

/* The conditions of a need, one after the other: a measure's gap names the measure already;
 * anything else is introduced by its condition. */
static void parts_sentence(const cs_framework *fw, const cs__need *need, cs__buf *b)
{
    for (int k = 0; k < need->nparts; k++) {
        const cs__need *part = &need->parts[k];
        if (k) cs__buf_append(b, "；");
        if (part->status == CS__NEED_CHANGE && part->sym >= fw->nelements) cs__buf_append(b, part->sentence);
        else cs__buf_printf(b, "%s：%s", part->text, part->sentence ? part->sentence : "");
    }
}

void cs__need_describe(cs__probe *p, cs__need *need)
{
    const cs_framework *fw = p->fw;
    cs__buf b = {0};
    switch (need->status) {
    case CS__NEED_MET:
        cs__buf_append(&b, "已满足");
        break;
    case CS__NEED_MISSING:
        if (need->sentence) return;
        cs__buf_append(&b, "缺数据");
        break;
    case CS__NEED_CHANGE:
        if (need->nparts) {
            cs__buf_append(&b, "需同时满足：");
            parts_sentence(fw, need, &b);
            break;
        }
        {
            const cs__change *c = &need->changes[0];
            if (need->sym == c->element && sym_is_bool(fw, c->element)) {
                cs__buf_printf(&b, "现为 %s，需为 %s", c->from != 0 ? "是" : "否", c->to != 0 ? "是" : "否");
                break;
            }
            if (need->sym >= 0 && need->sym != c->element && !sym_is_bool(fw, need->sym)) {
                /* the measure compared, then the figure that moves it */
                double gap = need->threshold - need->value;
                cs__buf amount = {0};
                format_amount(fw, need->sym, fabs(gap), &amount);
                if (!strncmp(cs__buf_str(&amount), "0 ", 2) || !strcmp(cs__buf_str(&amount), "0")) {
                    /* exactly on the line of a strict comparison (超过 90%) */
                    cs__buf_printf(&b, "%s现为 ", cs__fw_symbol_name(fw, need->sym));
                    cs__format_sym_value(fw, need->sym, need->value, 0, &b);
                    cs__buf_printf(&b, "，须%s ", need->cmp == CS__OP_GT || need->cmp == CS__OP_GE ? "超过" : "低于");
                    cs__format_sym_value(fw, need->sym, need->threshold, 0, &b);
                } else {
                    cs__buf_printf(&b, "%s%s %s", cs__fw_symbol_name(fw, need->sym), gap >= 0 ? "还差" : "还需降低", cs__buf_str(&amount));
                }
                cs__buf_free(&amount);
                cs__buf_append(&b, "（");
                change_sentence(fw, c, 1, &b);
                cs__buf_append(&b, "）");
            } else {
                change_sentence(fw, c, 0, &b);
            }
        }
        break;
    case CS__NEED_NONE:
        cs__buf_append(&b, "无法通过改变单个数据项达到");
        if (need->nparts) {
            cs__buf_append(&b, "，需逐项满足：");
            parts_sentence(fw, need, &b);
        }
        break;
    }
    need->sentence = cs__arena_strdup(p->arena, cs__buf_str(&b));
    cs__buf_free(&b);
}
