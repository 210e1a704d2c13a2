/*
 * plan.c — compiles a checked framework into an evaluation plan: every measure, condition,
 * indicator result, group score, total, adjustment and rating gets a column slot and a unit of
 * vector code; units are ordered by dependency and grouped into stages split at peer-ranking
 * steps. Compiled once, the plan scores any number of regions.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"

#define TEMP_BASE (1 << 24)

typedef struct {
    int level;
    int is_col;
    cs__col_step col;
    size_t start, count;
} unit;

typedef struct {
    cs__col_kind kind;
    int src, slot;
} rank_entry;

typedef struct {
    cs_plan *plan;
    const cs_framework *fw;
    CS__VEC(cs__insn) code;
    CS__VEC(unit) units;
    CS__VEC(int) level;      /* per slot */
    CS__VEC(rank_entry) ranks;
    CS__VEC(cs__tier_table) tiers;
    CS__VEC(cs__rating_table) ratings;
    int cur_level;
    int temps;
    int max_temps;
    size_t unit_start;
    int *measure_done;
    int *ind_done;
    int total_ctx;
} compiler;

static int new_slot(compiler *c)
{
    cs__vec_push(&c->level, 0);
    return c->plan->nslots++;
}

static int new_temp(compiler *c)
{
    int t = TEMP_BASE + c->temps++;
    if (c->temps > c->max_temps) c->max_temps = c->temps;
    return t;
}

static void note_read(compiler *c, int r)
{
    if (r >= 0 && r < TEMP_BASE && c->level.items[r] > c->cur_level) c->cur_level = c->level.items[r];
}

static void emit(compiler *c, int op, int dst, int a, int b, int cc, double k, double k2, int aux)
{
    note_read(c, a);
    note_read(c, b);
    note_read(c, cc);
    cs__insn in = {op, dst, a, b, cc, aux, k, k2};
    cs__vec_push(&c->code, in);
}

static int emit_const(compiler *c, double k)
{
    int t = new_temp(c);
    emit(c, CS__I_CONST, t, -1, -1, -1, k, 0, 0);
    return t;
}

static void begin_unit(compiler *c)
{
    c->unit_start = c->code.n;
    c->cur_level = 0;
    c->temps = 0;
}

/* Closes the unit whose code writes the given slots (up to two). */
static void end_unit(compiler *c, int out1, int out2)
{
    unit u = {c->cur_level, 0, {0, 0, 0}, c->unit_start, c->code.n - c->unit_start};
    cs__vec_push(&c->units, u);
    if (out1 >= 0) c->level.items[out1] = c->cur_level;
    if (out2 >= 0) c->level.items[out2] = c->cur_level;
}

static void ensure_measure(compiler *c, int m);
static void ensure_indicator(compiler *c, int i);

static cs__col_kind col_kind(int fn)
{
    switch (fn) {
    case CS__FN_RANK_ASC: return CS__COL_RANK_ASC;
    case CS__FN_RANK_PCT: return CS__COL_PCT;
    case CS__FN_RANK_PCT_ASC: return CS__COL_PCT_ASC;
    case CS__FN_PEERS: return CS__COL_PEERS;
    default: return CS__COL_RANK;
    }
}

static int sym_slot(compiler *c, int sym)
{
    const cs_framework *fw = c->fw;
    if (sym < fw->nelements) return c->plan->elem_slot[sym];
    if (sym < fw->nelements + fw->nmeasures) return c->plan->measure_slot[sym - fw->nelements];
    return -1;
}

/* Creates the slots and code an expression depends on (before the unit that uses it opens). */
static void prepare(compiler *c, const cs__node *n)
{
    if (!n) return;
    const cs_framework *fw = c->fw;
    if (n->kind == CS__N_REF && n->sym >= fw->nelements && n->sym < fw->nelements + fw->nmeasures)
        ensure_measure(c, n->sym - fw->nelements);
    if (n->kind == CS__N_CALL) {
        switch (n->op) {
        case CS__FN_POINTS:
        case CS__FN_TIER:
        case CS__FN_REACHED:
            ensure_indicator(c, n->sym);
            return;
        case CS__FN_PREV:
        case CS__FN_GROWTH: {
            int e = n->args[0]->sym;
            if (c->plan->prev_slot[e] < 0) c->plan->prev_slot[e] = new_slot(c);
            return;
        }
        case CS__FN_RANK:
        case CS__FN_RANK_ASC:
        case CS__FN_RANK_PCT:
        case CS__FN_RANK_PCT_ASC:
        case CS__FN_PEERS: {
            prepare(c, n->args[0]);
            int src = sym_slot(c, n->args[0]->sym);
            cs__col_kind k = col_kind(n->op);
            for (size_t i = 0; i < c->ranks.n; i++)
                if (c->ranks.items[i].src == src && c->ranks.items[i].kind == k) return;
            int dst = new_slot(c);
            c->level.items[dst] = c->level.items[src] + 1;
            rank_entry re = {k, src, dst};
            cs__vec_push(&c->ranks, re);
            unit u = {c->level.items[dst], 1, {k, src, dst}, 0, 0};
            cs__vec_push(&c->units, u);
            return;
        }
        default:
            break;
        }
    }
    for (int i = 0; i < n->nargs; i++) prepare(c, n->args[i]);
}

static int fold(compiler *c, int op, const cs__node *n, int (*cexpr_fn)(compiler *, const cs__node *))
{
    int acc = cexpr_fn(c, n->args[0]);
    for (int i = 1; i < n->nargs; i++) {
        int b = cexpr_fn(c, n->args[i]);
        int t = new_temp(c);
        emit(c, op, t, acc, b, -1, 0, 0, 0);
        acc = t;
    }
    return acc;
}

/* Emits code computing n; returns the register holding its value. */
static int cexpr(compiler *c, const cs__node *n)
{
    const cs_framework *fw = c->fw;
    int t, a, b;
    switch (n->kind) {
    case CS__N_NUM:
    case CS__N_BOOL:
        return emit_const(c, n->num);
    case CS__N_STR:
        return emit_const(c, 0);
    case CS__N_REF:
        if (n->sym == CS__SYM_TOTAL(fw)) return c->total_ctx;
        if (n->sym == CS__SYM_MAX_TOTAL(fw)) return emit_const(c, fw->max_score);
        return sym_slot(c, n->sym);
    case CS__N_UNARY:
        a = cexpr(c, n->args[0]);
        t = new_temp(c);
        emit(c, n->op == CS__OP_NEG ? CS__I_NEG : CS__I_NOT, t, a, -1, -1, 0, 0, 0);
        return t;
    case CS__N_BINARY: {
        static const int ops[] = {0, 0, CS__I_ADD, CS__I_SUB, CS__I_MUL, CS__I_DIV, CS__I_LT, CS__I_LE,
                                  CS__I_GT, CS__I_GE, CS__I_EQ, CS__I_NE, CS__I_AND, CS__I_OR};
        a = cexpr(c, n->args[0]);
        b = cexpr(c, n->args[1]);
        t = new_temp(c);
        emit(c, ops[n->op], t, a, b, -1, 0, 0, 0);
        return t;
    }
    case CS__N_CALL:
        break;
    }
    switch (n->op) {
    case CS__FN_MIN: return fold(c, CS__I_MIN, n, cexpr);
    case CS__FN_MAX: return fold(c, CS__I_MAX, n, cexpr);
    case CS__FN_SUM: return fold(c, CS__I_ADD, n, cexpr);
    case CS__FN_ALL: return fold(c, CS__I_AND, n, cexpr);
    case CS__FN_ANY: return fold(c, CS__I_OR, n, cexpr);
    case CS__FN_COALESCE: return fold(c, CS__I_COALESCE, n, cexpr);
    case CS__FN_AVG:
        a = fold(c, CS__I_ADD, n, cexpr);
        b = emit_const(c, n->nargs);
        t = new_temp(c);
        emit(c, CS__I_DIV, t, a, b, -1, 0, 0, 0);
        return t;
    case CS__FN_COUNT: {
        int acc = -1;
        for (int i = 0; i < n->nargs; i++) {
            a = cexpr(c, n->args[i]);
            t = new_temp(c);
            emit(c, CS__I_B2N, t, a, -1, -1, 0, 0, 0);
            if (acc >= 0) {
                int s = new_temp(c);
                emit(c, CS__I_ADD, s, acc, t, -1, 0, 0, 0);
                t = s;
            }
            acc = t;
        }
        return acc;
    }
    case CS__FN_CLAMP: {
        a = cexpr(c, n->args[0]);
        b = cexpr(c, n->args[1]);
        int cc = cexpr(c, n->args[2]);
        t = new_temp(c);
        emit(c, CS__I_CLAMP, t, a, b, cc, 0, 0, 0);
        return t;
    }
    case CS__FN_IF: {
        a = cexpr(c, n->args[0]);
        b = cexpr(c, n->args[1]);
        int cc = cexpr(c, n->args[2]);
        t = new_temp(c);
        emit(c, CS__I_IF, t, a, b, cc, 0, 0, 0);
        return t;
    }
    case CS__FN_ABS:
    case CS__FN_SQRT:
    case CS__FN_IS_MISSING:
        a = cexpr(c, n->args[0]);
        t = new_temp(c);
        emit(c, n->op == CS__FN_ABS ? CS__I_ABS : n->op == CS__FN_SQRT ? CS__I_SQRT : CS__I_ISMISS, t, a, -1, -1, 0, 0, 0);
        return t;
    case CS__FN_ROUND:
        a = cexpr(c, n->args[0]);
        t = new_temp(c);
        emit(c, CS__I_ROUND, t, a, -1, -1, n->nargs > 1 ? n->args[1]->num : 0, 0, 0);
        return t;
    case CS__FN_PREV:
        return c->plan->prev_slot[n->args[0]->sym];
    case CS__FN_GROWTH:
        t = new_temp(c);
        emit(c, CS__I_GROWTH, t, sym_slot(c, n->args[0]->sym), c->plan->prev_slot[n->args[0]->sym], -1, 0, 0, 0);
        return t;
    case CS__FN_RANK:
    case CS__FN_RANK_ASC:
    case CS__FN_RANK_PCT:
    case CS__FN_RANK_PCT_ASC:
    case CS__FN_PEERS: {
        int src = sym_slot(c, n->args[0]->sym);
        cs__col_kind k = col_kind(n->op);
        for (size_t i = 0; i < c->ranks.n; i++)
            if (c->ranks.items[i].src == src && c->ranks.items[i].kind == k) return c->ranks.items[i].slot;
        return -1; /* unreachable: prepare() created it */
    }
    case CS__FN_POINTS: {
        int p = c->plan->ind[n->sym].points;
        return p >= 0 ? p : emit_const(c, 0);
    }
    case CS__FN_TIER: {
        int p = c->plan->ind[n->sym].tier;
        return p >= 0 ? p : emit_const(c, 0);
    }
    case CS__FN_REACHED: {
        const cs__ind_slots *is = &c->plan->ind[n->sym];
        int src = is->tier >= 0 ? is->tier : is->points;
        if (src < 0) return emit_const(c, 0);
        b = emit_const(c, 0);
        t = new_temp(c);
        emit(c, CS__I_GT, t, src, b, -1, 0, 0, 0);
        return t;
    }
    default:
        return emit_const(c, 0);
    }
}

/* Stores register r into slot: the instruction that computed a temporary r writes the slot
 * directly instead (saving a copy per region), otherwise a COPY is emitted. */
static void emit_result(compiler *c, int slot, int r)
{
    if (r >= TEMP_BASE && c->code.n > c->unit_start && c->code.items[c->code.n - 1].dst == r &&
        c->code.items[c->code.n - 1].op != CS__I_TIERS) {
        c->code.items[c->code.n - 1].dst = slot;
        return;
    }
    emit(c, CS__I_COPY, slot, r, -1, -1, 0, 0, 0);
}

/* Compiles expression e as its own unit writing a new slot; returns the slot. */
static int compile_unit(compiler *c, const cs__node *e)
{
    prepare(c, e);
    int slot = new_slot(c);
    begin_unit(c);
    emit_result(c, slot, cexpr(c, e));
    end_unit(c, slot, -1);
    return slot;
}

static void ensure_measure(compiler *c, int m)
{
    if (c->measure_done[m]) return;
    c->measure_done[m] = 1;
    const cs__measure *ms = &c->fw->measures[m];
    prepare(c, ms->expr);
    int slot = c->plan->measure_slot[m];
    begin_unit(c);
    emit_result(c, slot, cexpr(c, ms->expr));
    end_unit(c, slot, -1);
}

/* Compiles a list of criteria; returns the slot that is true when all hold (fills crit). */
static int compile_criteria(compiler *c, const cs__criterion *cr, int n, int **crit_out)
{
    int *crit = cs__arena_alloc(&c->plan->arena, sizeof(int) * (size_t)(n + 1));
    for (int i = 0; i < n; i++) crit[i] = compile_unit(c, cr[i].expr);
    *crit_out = crit;
    if (n == 1) return crit[0];
    int slot = new_slot(c);
    begin_unit(c);
    int acc = crit[0];
    for (int i = 1; i < n; i++) {
        int t = new_temp(c);
        emit(c, CS__I_AND, t, acc, crit[i], -1, 0, 0, 0);
        acc = t;
    }
    emit(c, CS__I_COPY, slot, acc, -1, -1, 0, 0, 0);
    end_unit(c, slot, -1);
    return slot;
}

static void round_points(compiler *c, int reg_in, int slot)
{
    if (c->fw->decimals >= 0) {
        emit(c, CS__I_ROUND, slot, reg_in, -1, -1, c->fw->decimals, 0, 0);
    } else if (reg_in != slot) {
        emit(c, CS__I_COPY, slot, reg_in, -1, -1, 0, 0, 0);
    }
}

static void ensure_indicator(compiler *c, int i)
{
    if (c->ind_done[i]) return;
    c->ind_done[i] = 1;
    const cs__indicator *ind = &c->fw->indicators[i];
    const cs__rule *r = &ind->rule;
    cs__ind_slots *is = &c->plan->ind[i];
    for (int m = 0; m < ind->nmeasures; m++) ensure_measure(c, ind->measures[m]);
    switch (r->kind) {
    case CS__RULE_TIERS: {
        cs__tier_table tt = {r->ntiers, cs__arena_alloc(&c->plan->arena, sizeof(int) * (size_t)r->ntiers),
                             cs__arena_alloc(&c->plan->arena, sizeof(double) * (size_t)r->ntiers)};
        is->tier_cond = tt.cond;
        is->crit = cs__arena_alloc(&c->plan->arena, sizeof(int *) * (size_t)r->ntiers);
        for (int t = 0; t < r->ntiers; t++) {
            tt.cond[t] = compile_criteria(c, r->tiers[t].criteria, r->tiers[t].ncriteria, &is->crit[t]);
            tt.points[t] = r->tiers[t].points;
        }
        cs__vec_push(&c->tiers, tt);
        is->points = new_slot(c);
        is->tier = new_slot(c);
        begin_unit(c);
        for (int t = 0; t < r->ntiers; t++) note_read(c, tt.cond[t]);
        emit(c, CS__I_TIERS, is->points, -1, is->tier, -1, 0, 0, (int)c->tiers.n - 1);
        end_unit(c, is->points, is->tier);
        break;
    }
    case CS__RULE_FORMULA: {
        prepare(c, r->points);
        is->points = new_slot(c);
        begin_unit(c);
        int x = cexpr(c, r->points);
        int t = new_temp(c);
        emit(c, CS__I_CLAMPK, t, x, -1, -1, r->min_points, r->max_points, 0);
        round_points(c, t, is->points);
        end_unit(c, is->points, -1);
        break;
    }
    case CS__RULE_ITEMS: {
        is->points = new_slot(c);
        begin_unit(c);
        int acc = emit_const(c, 0);
        for (int k = 0; k < r->nitems; k++) {
            const cs__item *it = &r->items[k];
            int per = emit_const(c, it->per), t = new_temp(c);
            emit(c, CS__I_MUL, t, c->plan->elem_slot[it->sym], per, -1, 0, 0, 0);
            if (it->has_cap) {
                int cap = emit_const(c, it->cap), u = new_temp(c);
                emit(c, CS__I_MIN, u, t, cap, -1, 0, 0, 0);
                t = u;
            }
            int s = new_temp(c);
            emit(c, CS__I_ADD, s, acc, t, -1, 0, 0, 0);
            acc = s;
        }
        if (r->has_cap) {
            int cap = emit_const(c, r->cap), u = new_temp(c);
            emit(c, CS__I_MIN, u, acc, cap, -1, 0, 0, 0);
            acc = u;
        }
        round_points(c, acc, is->points);
        end_unit(c, is->points, -1);
        break;
    }
    case CS__RULE_DEDUCTION: {
        prepare(c, r->points);
        is->points = new_slot(c);
        begin_unit(c);
        int x = cexpr(c, r->points), zero = emit_const(c, 0), t = new_temp(c);
        emit(c, CS__I_MAX, t, x, zero, -1, 0, 0, 0);
        if (r->has_cap) {
            int cap = emit_const(c, r->cap), u = new_temp(c);
            emit(c, CS__I_MIN, u, t, cap, -1, 0, 0, 0);
            t = u;
        }
        int neg = new_temp(c);
        emit(c, CS__I_NEG, neg, t, -1, -1, 0, 0, 0);
        round_points(c, neg, is->points);
        end_unit(c, is->points, -1);
        break;
    }
    case CS__RULE_MONITOR:
        break;
    }
}

/* Group scores of a weighted framework, deepest groups first; then the weighted total. */
static int compile_weighted_total(compiler *c)
{
    const cs_framework *fw = c->fw;
    cs_plan *p = c->plan;
    int maxdepth = 0;
    for (int g = 0; g < fw->ngroups; g++) maxdepth = fw->groups[g].depth > maxdepth ? fw->groups[g].depth : maxdepth;
    for (int d = maxdepth; d >= -1; d--) {
        for (int g = (d < 0 ? -1 : 0); g < (d < 0 ? 0 : fw->ngroups); g++) {
            if (g >= 0 && fw->groups[g].depth != d) continue;
            int slot = new_slot(c);
            begin_unit(c);
            int acc = emit_const(c, 0);
            for (int k = 0; k < fw->ngroups; k++)
                if (fw->groups[k].parent == g)
                    emit(c, CS__I_ADDP, acc, acc, p->group_slot[k], -1, fw->groups[k].weight / 100.0, 0, 0);
            for (int i = 0; i < fw->nindicators; i++) {
                const cs__indicator *ind = &fw->indicators[i];
                if (ind->group != g || p->ind[i].points < 0) continue;
                if (ind->rule.kind == CS__RULE_DEDUCTION) continue;
                emit(c, CS__I_ADDP, acc, acc, p->ind[i].points, -1, ind->weight / 100.0, 0, 0);
            }
            if (g < 0)
                for (int i = 0; i < fw->nindicators; i++)
                    if (fw->indicators[i].rule.kind == CS__RULE_DEDUCTION)
                        emit(c, CS__I_ADDP, acc, acc, p->ind[i].points, -1, 1.0, 0, 0);
            round_points(c, acc, slot);
            end_unit(c, slot, -1);
            if (g >= 0) p->group_slot[g] = slot;
            else return slot;
        }
    }
    return -1;
}

static int compile_points_total(compiler *c)
{
    const cs_framework *fw = c->fw;
    int slot = new_slot(c);
    begin_unit(c);
    int acc = emit_const(c, 0);
    for (int i = 0; i < fw->nindicators; i++)
        if (c->plan->ind[i].points >= 0) emit(c, CS__I_ADDP, acc, acc, c->plan->ind[i].points, -1, 1.0, 0, 0);
    round_points(c, acc, slot);
    end_unit(c, slot, -1);
    return slot;
}

/* Orders units by stage and builds each stage's column steps and program. */
static void build_stages(compiler *c)
{
    cs_plan *p = c->plan;
    int maxlevel = 0;
    for (size_t u = 0; u < c->units.n; u++) maxlevel = c->units.items[u].level > maxlevel ? c->units.items[u].level : maxlevel;
    /* by stage, and inside a stage in creation order (dependencies were created first) */
    unit *sorted = cs__xmalloc(sizeof(unit) * (c->units.n + 1));
    size_t ns = 0;
    for (int L = 0; L <= maxlevel; L++)
        for (size_t u = 0; u < c->units.n; u++)
            if (c->units.items[u].level == L) sorted[ns++] = c->units.items[u];
    p->nstages = maxlevel + 1;
    p->stages = cs__arena_alloc(&p->arena, sizeof(cs__stage) * (size_t)p->nstages);
    for (int L = 0; L <= maxlevel; L++) {
        cs__stage *st = &p->stages[L];
        int ncols = 0, ncode = 0;
        for (size_t u = 0; u < ns; u++)
            if (sorted[u].level == L) {
                if (sorted[u].is_col) ncols++;
                else ncode += (int)sorted[u].count;
            }
        st->cols = cs__arena_alloc(&p->arena, sizeof(cs__col_step) * (size_t)(ncols + 1));
        st->code = cs__arena_alloc(&p->arena, sizeof(cs__insn) * (size_t)(ncode + 1));
        for (size_t u = 0; u < ns; u++) {
            if (sorted[u].level != L) continue;
            if (sorted[u].is_col) {
                st->cols[st->ncols++] = sorted[u].col;
                continue;
            }
            for (size_t k = 0; k < sorted[u].count; k++) {
                cs__insn in = c->code.items[sorted[u].start + k];
                if (in.dst >= TEMP_BASE) in.dst = in.dst - TEMP_BASE + p->nslots;
                if (in.a >= TEMP_BASE) in.a = in.a - TEMP_BASE + p->nslots;
                if (in.b >= TEMP_BASE) in.b = in.b - TEMP_BASE + p->nslots;
                if (in.c >= TEMP_BASE) in.c = in.c - TEMP_BASE + p->nslots;
                st->code[st->ncode++] = in;
            }
        }
    }
    free(sorted);
}

cs_status cs_plan_compile(const cs_framework *fw, cs_plan **out, cs_diag *diag)
{
    (void)diag;
    cs_plan *p = cs__xcalloc(1, sizeof *p);
    p->fw = fw;
    compiler c = {0};
    c.plan = p;
    c.fw = fw;
    c.measure_done = cs__xcalloc((size_t)fw->nmeasures + 1, sizeof(int));
    c.ind_done = cs__xcalloc((size_t)fw->nindicators + 1, sizeof(int));
    p->elem_slot = cs__arena_alloc(&p->arena, sizeof(int) * (size_t)(fw->nelements + 1));
    p->prev_slot = cs__arena_alloc(&p->arena, sizeof(int) * (size_t)(fw->nelements + 1));
    p->measure_slot = cs__arena_alloc(&p->arena, sizeof(int) * (size_t)(fw->nmeasures + 1));
    p->ind = cs__arena_alloc(&p->arena, sizeof(cs__ind_slots) * (size_t)(fw->nindicators + 1));
    p->group_slot = cs__arena_alloc(&p->arena, sizeof(int) * (size_t)(fw->ngroups + 1));
    p->adj = cs__arena_alloc(&p->arena, sizeof(cs__adj_slots) * (size_t)(fw->nadjustments + 1));
    p->rating_crit_cond = cs__arena_alloc(&p->arena, sizeof(int) * (size_t)(fw->nratings + 1));
    p->rating_crit = cs__arena_alloc(&p->arena, sizeof(int *) * (size_t)(fw->nratings + 1));
    for (int e = 0; e < fw->nelements; e++) {
        p->elem_slot[e] = new_slot(&c);
        p->prev_slot[e] = -1;
    }
    for (int m = 0; m < fw->nmeasures; m++) p->measure_slot[m] = new_slot(&c);
    for (int i = 0; i < fw->nindicators; i++) p->ind[i].points = p->ind[i].tier = -1;
    for (int g = 0; g < fw->ngroups; g++) p->group_slot[g] = -1;

    for (int m = 0; m < fw->nmeasures; m++) ensure_measure(&c, m);
    for (int i = 0; i < fw->nindicators; i++) ensure_indicator(&c, i);

    p->total_raw = fw->scoring == CS__SCORING_WEIGHTED ? compile_weighted_total(&c) : compile_points_total(&c);
    c.total_ctx = p->total_raw;
    for (int a = 0; a < fw->nadjustments; a++) {
        const cs__adjustment *adj = &fw->adjustments[a];
        cs__adj_slots *as = &p->adj[a];
        as->total_before = c.total_ctx;
        as->cond = adj->ncriteria ? compile_criteria(&c, adj->criteria, adj->ncriteria, &as->crit) : -1;
        as->points = adj->kind == CS__ADJ_PENALTY ? compile_unit(&c, adj->points) : -1;
        if (as->cond < 0) {
            as->cond = new_slot(&c);
            begin_unit(&c);
            emit(&c, CS__I_CONST, as->cond, -1, -1, -1, 1, 0, 0);
            end_unit(&c, as->cond, -1);
        }
        as->total_after = new_slot(&c);
        begin_unit(&c);
        if (adj->kind == CS__ADJ_PENALTY)
            emit(&c, CS__I_PENALTY, as->total_after, c.total_ctx, as->cond, as->points, 0, 0, 0);
        else
            emit(&c, CS__I_VETO, as->total_after, c.total_ctx, as->cond, -1, 0, 0, 0);
        end_unit(&c, as->total_after, -1);
        c.total_ctx = as->total_after;
    }
    p->total = c.total_ctx;
    p->rating = -1;
    if (fw->nratings) {
        cs__rating_table rt = {fw->nratings, cs__arena_alloc(&p->arena, sizeof(double) * (size_t)fw->nratings),
                               cs__arena_alloc(&p->arena, sizeof(int) * (size_t)fw->nratings)};
        for (int r = 0; r < fw->nratings; r++) {
            rt.min_total[r] = fw->ratings[r].min_total;
            rt.cond[r] = fw->ratings[r].ncriteria
                             ? compile_criteria(&c, fw->ratings[r].criteria, fw->ratings[r].ncriteria, &p->rating_crit[r])
                             : -1;
            p->rating_crit_cond[r] = rt.cond[r];
        }
        cs__vec_push(&c.ratings, rt);
        p->rating = new_slot(&c);
        begin_unit(&c);
        for (int r = 0; r < fw->nratings; r++) note_read(&c, rt.cond[r]);
        emit(&c, CS__I_RATING, p->rating, p->total, -1, -1, 0, 0, 0);
        end_unit(&c, p->rating, -1);
    }
    p->ntemps = c.max_temps;
    p->ntier_tables = (int)c.tiers.n;
    p->tier_tables = cs__arena_alloc(&p->arena, sizeof(cs__tier_table) * (c.tiers.n + 1));
    if (c.tiers.n) memcpy(p->tier_tables, c.tiers.items, sizeof(cs__tier_table) * c.tiers.n);
    p->nrating_tables = (int)c.ratings.n;
    p->rating_tables = cs__arena_alloc(&p->arena, sizeof(cs__rating_table) * (c.ratings.n + 1));
    if (c.ratings.n) memcpy(p->rating_tables, c.ratings.items, sizeof(cs__rating_table) * c.ratings.n);
    build_stages(&c);

    cs__vec_free(&c.code);
    cs__vec_free(&c.units);
    cs__vec_free(&c.level);
    cs__vec_free(&c.ranks);
    cs__vec_free(&c.tiers);
    cs__vec_free(&c.ratings);
    free(c.measure_done);
    free(c.ind_done);
    *out = p;
    return CS_OK;
}

void cs_plan_free(cs_plan *plan)
{
    if (!plan) return;
    cs__arena_release(&plan->arena);
    free(plan);
}

void cs__plan_dump(const cs_plan *plan, FILE *f)
{
    fprintf(f, "; plan for %s: %d slots, %d temporaries, %d stages\n", plan->fw->id, plan->nslots, plan->ntemps, plan->nstages);
    for (int s = 0; s < plan->nstages; s++) {
        const cs__stage *st = &plan->stages[s];
        fprintf(f, "stage %d:\n", s);
        for (int k = 0; k < st->ncols; k++) fprintf(f, "  column %d: rank kind %d of s%d -> s%d\n", k, st->cols[k].kind, st->cols[k].src, st->cols[k].dst);
        for (int k = 0; k < st->ncode; k++) {
            const cs__insn *in = &st->code[k];
            fprintf(f, "  %-8s r%d", cs__opcode_name(in->op), in->dst);
            if (in->a >= 0) fprintf(f, " r%d", in->a);
            if (in->b >= 0) fprintf(f, " r%d", in->b);
            if (in->c >= 0) fprintf(f, " r%d", in->c);
            if (in->op == CS__I_CONST || in->op == CS__I_ADDP || in->op == CS__I_ROUND || in->op == CS__I_CLAMPK) fprintf(f, " k=%g", in->k);
            fprintf(f, "\n");
        }
    }
}
