/*
 * gap.c — the gap analysis (查缺补漏) of one region: for every indicator below its top tier (or
 * below full marks), the next step, what each of its requirements still needs in the
 * indicator's own units and the points it adds; the target star level and the points and extra
 * conditions it still needs; missing figures, deductions, penalties and vetoes. Also the
 * forgiving lookup of a star level by the name a person types.
 */
#include <math.h>
#include <string.h>

#include "planner_int.h"

/* ---- Star levels by name ------------------------------------------------------------------ */

/* name without brackets, spaces or 级, Arabic digits 1–5 written as 一 … 五. */
static void normalise(const char *s, cs__buf *out)
{
    static const char *drop[] = {"（", "）", "(", ")", "【", "】", "[", "]", " ", "\t", "　", "级", "·", "-", "_"};
    static const char *digits[] = {"一", "二", "三", "四", "五"};
    while (*s) {
        int skipped = 0;
        for (size_t k = 0; k < sizeof drop / sizeof drop[0] && !skipped; k++) {
            size_t n = strlen(drop[k]);
            if (!strncmp(s, drop[k], n)) s += n, skipped = 1;
        }
        if (skipped) continue;
        if (*s >= '1' && *s <= '5') {
            cs__buf_append(out, digits[*s - '1']);
            s++;
            continue;
        }
        cs__buf_appendn(out, s, 1);
        s++;
    }
}

int cs__rating_lookup(const cs_framework *fw, const char *name)
{
    if (!name || !*name) return 0;
    cs__buf want = {0};
    normalise(name, &want);
    int found = 0;
    for (int r = 0; r < fw->nratings && !found; r++)
        if (!strcmp(fw->ratings[r].name, name)) found = r + 1;
    for (int r = 0; r < fw->nratings && !found; r++) {
        cs__buf have = {0};
        normalise(fw->ratings[r].name, &have);
        if (!strcmp(cs__buf_str(&have), cs__buf_str(&want))) found = r + 1;
        cs__buf_free(&have);
    }
    /* the first part of a name: 四星 → the lowest level whose name starts with it */
    for (int r = 0; r < fw->nratings && !found && want.len; r++) {
        cs__buf have = {0};
        normalise(fw->ratings[r].name, &have);
        if (!strncmp(cs__buf_str(&have), cs__buf_str(&want), want.len)) found = r + 1;
        cs__buf_free(&have);
    }
    cs__buf_free(&want);
    return found;
}

/* Reports an unknown star level with the names the framework has. */
static void unknown_rating(const cs_framework *fw, const char *name, cs_diag *diag)
{
    cs__buf b = {0};
    for (int r = 0; r < fw->nratings; r++) cs__buf_printf(&b, "%s%s", r ? "、" : "", fw->ratings[r].name);
    cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "框架 %s 没有星级“%s”（可选：%s）/ framework %s has no star level '%s'", fw->id, name,
                 cs__buf_str(&b), fw->id, name);
    cs__buf_free(&b);
}

int cs__planner_target(const cs_framework *fw, const cs__planner_opts *o, cs_diag *diag)
{
    if (!o || !o->target) return 0;
    if (!fw->nratings) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "框架 %s 没有星级 / framework %s has no star levels", fw->id, fw->id);
        return -1;
    }
    int t = cs__rating_lookup(fw, o->target);
    if (!t) {
        unknown_rating(fw, o->target, diag);
        return -1;
    }
    return t;
}

/* ---- The figures now ---------------------------------------------------------------------- */

typedef struct {
    const cs_results *res;
    size_t row;
} values_ctx;

static int values_hook(void *vctx, const cs__node *n, cs__buf *out)
{
    values_ctx *c = vctx;
    const cs_framework *fw = c->res->plan->fw;
    if (n->kind != CS__N_REF) return 0;
    double v;
    int miss = cs__res_sym(c->res, c->row, n->sym, &v);
    cs__format_sym_in_formula(fw, n->sym, v, miss, out);
    return 1;
}

/* Marks calls whose value a formula rendered with figures cannot show (ranks, last year's figure,
 * other indicators' results). */
static void mark_calls(void *vctx, const cs__node *n)
{
    int *found = vctx;
    if (n->kind == CS__N_CALL && n->op >= CS__FN_PREV) *found = 1;
}

static void mark_refs(void *vctx, const cs__node *n)
{
    uint8_t *seen = vctx;
    if (n->kind == CS__N_REF && n->sym >= 0) seen[n->sym] = 1;
}

/* "政务服务事项在线率 = 380 / 484 = 78.51%；…端口数量：466个" — the indicator's measures with their
 * formulas, then the figures its rule reads directly (yes/no figures of tiers are left to the
 * requirements). */
static const char *value_text(cs__arena *a, const cs_results *res, size_t row, int i)
{
    const cs_framework *fw = res->plan->fw;
    const cs__indicator *ind = &fw->indicators[i];
    const cs__rule *rule = &ind->rule;
    int nsym = fw->nelements + fw->nmeasures;
    uint8_t *in_rule = cs__xcalloc((size_t)nsym + 2, 1), *in_measures = cs__xcalloc((size_t)nsym + 2, 1);
    for (int t = 0; t < rule->ntiers; t++)
        for (int k = 0; k < rule->tiers[t].ncriteria; k++) cs__expr_walk(rule->tiers[t].criteria[k].expr, mark_refs, in_rule);
    cs__expr_walk(rule->points, mark_refs, in_rule);
    for (int k = 0; k < rule->nitems; k++) in_rule[rule->items[k].sym] = 1;
    cs__buf b = {0};
    values_ctx vc = {res, row};
    for (int m = 0; m < ind->nmeasures; m++) {
        const cs__measure *ms = &fw->measures[ind->measures[m]];
        int sym = fw->nelements + ind->measures[m];
        cs__expr_walk(ms->expr, mark_refs, in_measures);
        in_rule[sym] = 0;
        double v;
        int miss = cs__res_sym(res, row, sym, &v);
        cs__buf_printf(&b, "%s%s", b.len ? "；" : "", ms->name);
        int calls = 0;
        cs__expr_walk(ms->expr, mark_calls, &calls);
        if (ms->expr->kind != CS__N_REF && ms->expr->kind != CS__N_NUM && !calls) {
            cs__buf_append(&b, " = ");
            cs__expr_render(ms->expr, values_hook, &vc, &b);
        }
        cs__buf_append(&b, " = ");
        cs__format_sym_value(fw, sym, v, miss, &b);
    }
    for (int sym = 0; sym < nsym; sym++) {
        if (!in_rule[sym] || (sym < fw->nelements && in_measures[sym])) continue;
        if (sym < fw->nelements && fw->elements[sym].type == CS__ELEM_BOOLEAN && rule->kind == CS__RULE_TIERS) continue;
        double v;
        int miss = cs__res_sym(res, row, sym, &v);
        cs__buf_printf(&b, "%s%s：", b.len ? "；" : "", cs__fw_symbol_name(fw, sym));
        cs__format_sym_value(fw, sym, v, miss, &b);
    }
    const char *s = cs__arena_strdup(a, cs__buf_str(&b));
    cs__buf_free(&b);
    free(in_rule);
    free(in_measures);
    return s;
}

/* ---- Indicators ---------------------------------------------------------------------------------- */

static void gap_tiers(cs__probe *p, cs__gap_indicator *gi)
{
    const cs__rule *rule = &p->fw->indicators[gi->indicator].rule;
    gi->kind = CS__STEP_TIER;
    gi->next_tier = gi->tier + 1;
    gi->points_added = rule->tiers[gi->tier].points - gi->points;
    cs__change_vec work = {0};
    gi->reachable = cs__probe_fix_tier(p, gi->indicator, gi->next_tier, &work, &gi->needs, &gi->nneeds);
    cs__vec_free(&work);
}

/* Counted items: per kind below its cap, what one more item adds and how many fill the cap. */
static void gap_items(cs__probe *p, cs__gap_indicator *gi)
{
    const cs_framework *fw = p->fw;
    const cs__rule *rule = &fw->indicators[gi->indicator].rule;
    double room_all = rule->has_cap ? rule->cap - gi->points : INFINITY;
    gi->kind = CS__STEP_ITEMS;
    gi->needs = cs__arena_alloc(p->arena, sizeof(cs__need) * (size_t)(rule->nitems + 1));
    gi->reachable = 1;
    for (int k = 0; k < rule->nitems; k++) {
        const cs__item *it = &rule->items[k];
        double c = p->now[it->sym];
        double got = it->per * c;
        if (it->has_cap && got > it->cap) got = it->cap;
        double room = it->has_cap ? it->cap - got : INFINITY;
        if (room > room_all) room = room_all;
        if (!(room > 1e-9) || it->per <= 0) continue;
        double add = isinf(room) ? 1 : ceil(room / it->per - 1e-9);
        cs__need *n = &gi->needs[gi->nneeds++];
        memset(n, 0, sizeof *n);
        n->text = it->text ? it->text : fw->elements[it->sym].name;
        n->sym = -1;
        n->status = CS__NEED_CHANGE;
        n->changes = cs__arena_alloc(p->arena, sizeof(cs__change));
        n->changes[0] = (cs__change){it->sym, c, c + add};
        n->nchanges = 1;
        cs__buf b = {0};
        cs__buf_append(&b, "每增加 1 ");
        cs__buf_append(&b, *fw->elements[it->sym].unit ? fw->elements[it->sym].unit : "项");
        cs__buf_append(&b, "得 ");
        cs__buf_number(&b, it->per, 2);
        cs__buf_append(&b, " 分");
        if (!isinf(room)) {
            cs__buf_append(&b, "，本项还可得 ");
            cs__buf_number(&b, room, 2);
            cs__buf_append(&b, " 分（");
            cs__buf_append(&b, fw->elements[it->sym].name);
            cs__buf_append(&b, " ");
            cs__buf_number(&b, c, 0);
            cs__buf_append(&b, " → ");
            cs__buf_number(&b, c + add, 0);
            if (*fw->elements[it->sym].unit) cs__buf_printf(&b, " %s", fw->elements[it->sym].unit);
            cs__buf_append(&b, "）");
        }
        n->sentence = cs__arena_strdup(p->arena, cs__buf_str(&b));
        cs__buf_free(&b);
        double step = it->per < room ? it->per : room;
        if (step > gi->points_added) gi->points_added = step;
    }
}

/* A formula: what one figure must become for full marks. */
static void gap_formula(cs__probe *p, cs__gap_indicator *gi)
{
    const cs_framework *fw = p->fw;
    const cs__indicator *ind = &fw->indicators[gi->indicator];
    gi->kind = CS__STEP_FORMULA;
    gi->points_added = ind->max_points - gi->points;
    gi->needs = cs__arena_alloc(p->arena, sizeof(cs__need));
    gi->nneeds = 1;
    cs__need *n = gi->needs;
    memset(n, 0, sizeof *n);
    n->sym = -1;
    cs__buf b = {0};
    cs__buf_append(&b, "得分达到满分 ");
    cs__buf_number(&b, ind->max_points, 2);
    cs__buf_append(&b, " 分");
    n->text = cs__arena_strdup(p->arena, cs__buf_str(&b));
    cs__buf_free(&b);
    uint8_t *used = cs__xcalloc((size_t)fw->nelements + 1, 1), *walked = cs__xcalloc((size_t)fw->nmeasures + 1, 1);
    cs__fw_indicator_elements(fw, gi->indicator, used, walked);
    cs__pred pred = {CS__PRED_SLOT_GE, p->plan->ind[gi->indicator].points, ind->max_points, NULL,
                     cs__probe_indicator_ranks(p, gi->indicator)};
    cs__change_vec work = {0};
    gi->reachable = cs__probe_fix_pred(p, &pred, used, &work, n);
    if (!gi->reachable) n->status = CS__NEED_NONE;
    cs__need_describe(p, n);
    cs__vec_free(&work);
    free(used);
    free(walked);
}

/* ---- Adjustments ------------------------------------------------------------------------------- */

int cs__planner_lift(cs__probe *p, int a, cs__change_vec *work, cs__need *need)
{
    const cs_framework *fw = p->fw;
    const cs__adjustment *adj = &fw->adjustments[a];
    memset(need, 0, sizeof *need);
    need->sym = -1;
    need->text = adj->text ? adj->text : adj->kind == CS__ADJ_VETO ? "一票否决" : "减分";
    uint8_t *used = cs__xcalloc((size_t)fw->nelements + 1, 1), *walked = cs__xcalloc((size_t)fw->nmeasures + 1, 1);
    int peers = 0;
    for (int k = 0; k < adj->ncriteria; k++) {
        cs__fw_expr_elements(fw, adj->criteria[k].expr, used, walked);
        peers |= cs__probe_expr_ranks(p, adj->criteria[k].expr);
    }
    cs__pred pred = {CS__PRED_SLOT_FALSE, p->plan->adj[a].cond, 0, NULL, peers, 1};
    /* a single comparison says how far its figure is from the line */
    if (adj->ncriteria == 1) {
        const cs__node *e = adj->criteria[0].expr;
        cs_results *r = cs__probe_eval(p, work->items, work->n, peers);
        if (e->kind == CS__N_BINARY && e->op >= CS__OP_LT && e->op <= CS__OP_GE && e->args[0]->kind == CS__N_REF &&
            e->args[1]->kind == CS__N_NUM && e->args[0]->sym < fw->nelements + fw->nmeasures &&
            !cs__res_sym(r, 0, e->args[0]->sym, &need->value)) {
            need->sym = e->args[0]->sym;
            need->threshold = e->args[1]->num;
            need->cmp = e->op;
        }
        cs_results_free(r);
    }
    int ok = cs__probe_fix_pred(p, &pred, used, work, need);
    if (ok) {
        cs__need_describe(p, need);
    } else {
        /* what lowering a figure would take, to say so */
        cs__change_vec trial = {0};
        for (size_t k = 0; k < work->n; k++) cs__vec_push(&trial, work->items[k]);
        pred.raise_only = 0;
        need->status = CS__NEED_NONE;
        if (cs__probe_fix_pred(p, &pred, used, &trial, need)) {
            const cs__change *c = &need->changes[0];
            const cs__element *el = &fw->elements[c->element];
            cs__buf b = {0};
            cs__buf_printf(&b, "只有把%s由 ", el->name);
            cs__buf_number(&b, c->from, 4);
            cs__buf_append(&b, " 降至 ");
            cs__buf_number(&b, c->to, 4);
            cs__buf_printf(&b, "%s%s 才能解除；已发生的事件不能通过建设补回", *el->unit ? " " : "", el->unit);
            need->sentence = cs__arena_strdup(p->arena, cs__buf_str(&b));
            cs__buf_free(&b);
            need->status = CS__NEED_NONE;
        } else {
            cs__need_describe(p, need);
        }
        cs__vec_free(&trial);
    }
    free(used);
    free(walked);
    return ok;
}

/* ---- The analysis ------------------------------------------------------------------------------ */

cs_status cs__gap_analyse(const cs_plan *plan, const cs_results *res, size_t row, const cs__planner_opts *o, cs__gap **out,
                          cs_diag *diag)
{
    *out = NULL;
    const cs_framework *fw = plan->fw;
    int target = cs__planner_target(fw, o, diag);
    if (target < 0) return CS_EUSAGE;
    cs__gap *g = cs__xcalloc(1, sizeof *g);
    g->plan = plan;
    g->region = cs__arena_strdup(&g->arena, res->regions[row]);
    g->period = cs__arena_strdup(&g->arena, res->period);
    cs__probe p;
    cs__probe_init(&p, plan, res, row, &g->arena);
    cs__res_get(res, plan->total, row, &g->total);
    double rv = 0;
    if (plan->rating >= 0) cs__res_get(res, plan->rating, row, &rv);
    g->rating = (int)rv;
    if (!target && fw->nratings && g->rating < fw->nratings) target = g->rating + 1;
    g->target = target;
    if (target) {
        const cs__rating *rt = &fw->ratings[target - 1];
        g->target_points = rt->min_total - g->total > 1e-9 ? rt->min_total - g->total : 0;
        g->target_needs = cs__arena_alloc(&g->arena, sizeof(cs__need) * (size_t)(rt->ncriteria + 1));
        for (int k = 0; k < rt->ncriteria; k++) {
            cs__change_vec work = {0};
            cs__need n;
            cs__probe_fix_criterion(&p, &rt->criteria[k], plan->rating_crit[target - 1][k], &work, &n);
            if (n.status != CS__NEED_MET) g->target_needs[g->ntarget_needs++] = n;
            cs__vec_free(&work);
        }
    }
    g->inds = cs__arena_alloc(&g->arena, sizeof(cs__gap_indicator) * (size_t)(fw->nindicators + 1));
    g->missing = cs__arena_alloc(&g->arena, sizeof(int) * (size_t)(fw->nindicators + 1));
    g->missing_text = cs__arena_alloc(&g->arena, sizeof(char *) * (size_t)(fw->nindicators + 1));
    g->deductions = cs__arena_alloc(&g->arena, sizeof(int) * (size_t)(fw->nindicators + 1));
    g->deducted = cs__arena_alloc(&g->arena, sizeof(double) * (size_t)(fw->nindicators + 1));
    for (int i = 0; i < fw->nindicators; i++) {
        const cs__indicator *ind = &fw->indicators[i];
        double pts;
        int miss = cs__res_points(res, row, i, &pts);
        if (miss < 0) continue; /* monitor */
        if (miss) {
            cs__buf b = {0};
            cs__explain_indicator(res, row, i, &b);
            g->missing[g->nmissing] = i;
            g->missing_text[g->nmissing++] = cs__arena_strdup(&g->arena, cs__buf_str(&b));
            cs__buf_free(&b);
            continue;
        }
        if (ind->rule.kind == CS__RULE_DEDUCTION) {
            if (pts < 0) g->deducted[g->ndeductions] = pts, g->deductions[g->ndeductions++] = i;
            continue;
        }
        int tier = cs__res_tier(res, row, i);
        int below = ind->rule.kind == CS__RULE_TIERS ? tier < ind->rule.ntiers : pts < ind->max_points - 1e-9;
        if (!below) continue;
        cs__gap_indicator *gi = &g->inds[g->ninds++];
        memset(gi, 0, sizeof *gi);
        gi->indicator = i;
        gi->points = pts;
        gi->tier = tier > 0 ? tier : 0;
        gi->value_text = value_text(&g->arena, res, row, i);
        if (cs__res_override(res, row, i)) {
            gi->overridden = 1;
            gi->kind = ind->rule.kind == CS__RULE_TIERS ? CS__STEP_TIER : ind->rule.kind == CS__RULE_ITEMS ? CS__STEP_ITEMS : CS__STEP_FORMULA;
            continue;
        }
        switch (ind->rule.kind) {
        case CS__RULE_TIERS: gap_tiers(&p, gi); break;
        case CS__RULE_ITEMS: gap_items(&p, gi); break;
        default: gap_formula(&p, gi); break;
        }
    }
    g->adjs = cs__arena_alloc(&g->arena, sizeof(cs__gap_adjustment) * (size_t)(fw->nadjustments + 1));
    for (int a = 0; a < fw->nadjustments; a++) {
        const cs__adj_slots *as = &plan->adj[a];
        double c;
        int miss = cs__res_get(res, as->cond, row, &c);
        if (!miss && c == 0) continue;
        cs__gap_adjustment *ga = &g->adjs[g->nadjs++];
        memset(ga, 0, sizeof *ga);
        ga->adjustment = a;
        ga->applied = miss ? -1 : 1;
        ga->lift.sym = -1;
        if (miss) continue;
        double before, after;
        cs__res_get(res, as->total_before, row, &before);
        cs__res_get(res, as->total_after, row, &after);
        ga->amount = before - after;
        cs__change_vec work = {0};
        cs__planner_lift(&p, a, &work, &ga->lift);
        cs__vec_free(&work);
    }
    cs__probe_done(&p);
    *out = g;
    return CS_OK;
}

void cs__gap_free(cs__gap *g)
{
    if (!g) return;
    cs__arena_release(&g->arena);
    free(g);
}
