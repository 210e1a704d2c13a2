/*
 * explain.c — explanations a person can read and defend, in Chinese: which figures went into an
 * indicator, how its measures were computed, which tier's requirement was met or missed and why,
 * and how adjustments and the star level followed from the total.
 */
#include <math.h>
#include <string.h>

#include "results.h"

typedef struct {
    const cs_results *res;
    size_t r;
    int values;          /* render references as this region's values */
} render_ctx;

void cs__format_sym_value(const cs_framework *fw, int sym, double v, int missing, cs__buf *out)
{
    if (missing) {
        cs__buf_append(out, missing == CS__MISS_NOT_REPORTED ? "未填报" : "缺失");
        return;
    }
    int is_bool = sym >= 0 && ((sym < fw->nelements && fw->elements[sym].type == CS__ELEM_BOOLEAN) ||
                               (sym >= fw->nelements && sym < fw->nelements + fw->nmeasures &&
                                fw->measures[sym - fw->nelements].expr->type == CS__T_BOOL));
    if (is_bool) {
        cs__buf_append(out, v != 0 ? "是" : "否");
        return;
    }
    const char *unit = cs__fw_symbol_unit(fw, sym);
    if (!strcmp(unit, "%")) {
        cs__buf_number(out, v * 100.0, 2);
        cs__buf_append(out, "%");
        return;
    }
    cs__buf_number(out, v, sym >= fw->nelements ? 2 : 4);
    cs__buf_append(out, unit);
}

void cs__format_sym_in_formula(const cs_framework *fw, int sym, double v, int missing, cs__buf *out)
{
    const char *unit = cs__fw_symbol_unit(fw, sym);
    if (!missing && strcmp(unit, "%") && !(sym < fw->nelements && fw->elements[sym].type == CS__ELEM_BOOLEAN))
        cs__buf_number(out, v, sym >= fw->nelements ? 2 : 4); /* units are left out inside formulas */
    else
        cs__format_sym_value(fw, sym, v, missing, out);
}

static int is_rank_fn(int op)
{
    return op == CS__FN_RANK || op == CS__FN_RANK_ASC || op == CS__FN_RANK_PCT || op == CS__FN_RANK_PCT_ASC ||
           op == CS__FN_PEERS;
}

/* The slot holding the value of a call node, or -1. */
static int call_slot(const cs_plan *plan, const cs__node *n)
{
    const cs_framework *fw = plan->fw;
    if (n->kind != CS__N_CALL) return -1;
    if (n->op == CS__FN_PREV) return plan->prev_slot[n->args[0]->sym];
    if (n->op == CS__FN_POINTS) return plan->ind[n->sym].points;
    if (is_rank_fn(n->op)) {
        /* find the column step computing this function of this source */
        int src = n->args[0]->sym < fw->nelements ? plan->elem_slot[n->args[0]->sym]
                                                  : plan->measure_slot[n->args[0]->sym - fw->nelements];
        static const cs__col_kind kinds[] = {[CS__FN_RANK] = CS__COL_RANK, [CS__FN_RANK_ASC] = CS__COL_RANK_ASC,
                                             [CS__FN_RANK_PCT] = CS__COL_PCT, [CS__FN_RANK_PCT_ASC] = CS__COL_PCT_ASC,
                                             [CS__FN_PEERS] = CS__COL_PEERS};
        for (int s = 0; s < plan->nstages; s++)
            for (int k = 0; k < plan->stages[s].ncols; k++)
                if (plan->stages[s].cols[k].src == src && plan->stages[s].cols[k].kind == kinds[n->op])
                    return plan->stages[s].cols[k].dst;
    }
    return -1;
}

static void format_call_value(const cs_results *res, size_t r, const cs__node *n, cs__buf *out)
{
    int slot = call_slot(res->plan, n);
    double v = 0;
    int miss = slot >= 0 ? cs__res_get(res, slot, r, &v) : CS__MISS_INVALID;
    if (miss) {
        cs__buf_append(out, cs__missing_text(miss));
        return;
    }
    switch (n->op) {
    case CS__FN_RANK:
    case CS__FN_RANK_ASC:
        cs__buf_append(out, "第");
        cs__buf_number(out, v, 0);
        cs__buf_append(out, "名");
        break;
    case CS__FN_RANK_PCT:
    case CS__FN_RANK_PCT_ASC:
        cs__buf_number(out, v * 100.0, 2);
        cs__buf_append(out, "%");
        break;
    case CS__FN_PREV:
        cs__format_sym_value(res->plan->fw, n->args[0]->sym, v, 0, out);
        break;
    default:
        cs__buf_number(out, v, 2);
    }
}

static int render_hook(void *vctx, const cs__node *n, cs__buf *out)
{
    render_ctx *c = vctx;
    const cs_framework *fw = c->res->plan->fw;
    if (n->kind == CS__N_REF) {
        if (!c->values) {
            cs__buf_append(out, cs__fw_symbol_name(fw, n->sym));
            return 1;
        }
        double v;
        int miss = cs__res_sym(c->res, c->r, n->sym, &v);
        cs__format_sym_in_formula(fw, n->sym, v, miss, out);
        return 1;
    }
    if (c->values && n->kind == CS__N_CALL && call_slot(c->res->plan, n) >= 0) {
        format_call_value(c->res, c->r, n, out);
        return 1;
    }
    return 0;
}

static void render_names(const cs_results *res, const cs__node *n, cs__buf *out)
{
    render_ctx c = {res, 0, 0};
    cs__expr_render(n, render_hook, &c, out);
}

static void render_values(const cs_results *res, size_t r, const cs__node *n, cs__buf *out)
{
    render_ctx c = {res, r, 1};
    cs__expr_render(n, render_hook, &c, out);
}

/* ---- Why a value is missing ---------------------------------------------------------------- */

typedef struct {
    const cs_results *res;
    size_t r;
    cs__buf *out;
    int count;           /* notes written */
    int found;           /* missing figures met, repeats included */
    int depth;
    CS__VEC(char *) seen;  /* notes already written, to name each missing figure once */
} missing_ctx;

static void collect_missing(missing_ctx *mc, const cs__node *n);

static void note_missing(missing_ctx *mc, const char *name, const char *why)
{
    mc->found++;
    cs__buf note = {0};
    cs__buf_printf(&note, "%s%s", name, why);
    for (size_t i = 0; i < mc->seen.n; i++)
        if (!strcmp(mc->seen.items[i], cs__buf_str(&note))) {
            cs__buf_free(&note);
            return;
        }
    cs__vec_push(&mc->seen, note.s);
    if (mc->count > 6) return;
    if (mc->count) cs__buf_append(mc->out, "，");
    if (mc->count == 6) {
        cs__buf_append(mc->out, "等");
        mc->count++;
        return;
    }
    cs__buf_printf(mc->out, "%s%s", name, why);
    mc->count++;
}

static void collect_missing(missing_ctx *mc, const cs__node *n)
{
    const cs_framework *fw = mc->res->plan->fw;
    if (!n || mc->depth > 32) return;
    if (n->kind == CS__N_REF && n->sym < fw->nelements) {
        double v;
        if (cs__res_sym(mc->res, mc->r, n->sym, &v)) note_missing(mc, fw->elements[n->sym].name, "未填报");
        return;
    }
    if (n->kind == CS__N_REF && n->sym < fw->nelements + fw->nmeasures) {
        double v;
        int miss = cs__res_sym(mc->res, mc->r, n->sym, &v);
        if (!miss) return;
        const cs__measure *m = &fw->measures[n->sym - fw->nelements];
        int before = mc->found;
        mc->depth++;
        collect_missing(mc, m->expr);
        mc->depth--;
        if (mc->found == before) note_missing(mc, m->name, miss == CS__MISS_DIV_ZERO ? "的除数为零" : "无法计算");
        return;
    }
    if (n->kind == CS__N_CALL && n->op == CS__FN_PREV) {
        double v;
        int slot = mc->res->plan->prev_slot[n->args[0]->sym];
        if (cs__res_get(mc->res, slot, mc->r, &v)) note_missing(mc, fw->elements[n->args[0]->sym].name, "无上年数据");
        return;
    }
    if (n->kind == CS__N_CALL && n->op == CS__FN_GROWTH) {
        double v;
        int e = n->args[0]->sym;
        if (cs__res_sym(mc->res, mc->r, e, &v)) note_missing(mc, fw->elements[e].name, "未填报");
        else if (cs__res_get(mc->res, mc->res->plan->prev_slot[e], mc->r, &v)) note_missing(mc, fw->elements[e].name, "无上年数据");
        else if (v == 0) note_missing(mc, fw->elements[e].name, "上年值为零，无法计算增幅");
        return;
    }
    if (n->kind == CS__N_BINARY && n->op == CS__OP_DIV) {
        /* a zero divisor is the reason only when both sides are present */
        int before = mc->found;
        collect_missing(mc, n->args[0]);
        collect_missing(mc, n->args[1]);
        double dv;
        int divisor_zero = n->args[1]->kind != CS__N_REF || (!cs__res_sym(mc->res, mc->r, n->args[1]->sym, &dv) && dv == 0);
        if (mc->found == before && divisor_zero) {
            cs__buf tmp = {0};
            render_names(mc->res, n->args[1], &tmp);
            cs__buf_append(&tmp, "为零");
            note_missing(mc, cs__buf_str(&tmp), "");
            cs__buf_free(&tmp);
        }
        return;
    }
    for (int i = 0; i < n->nargs; i++) collect_missing(mc, n->args[i]);
}

static void missing_done(missing_ctx *mc)
{
    for (size_t i = 0; i < mc->seen.n; i++) free(mc->seen.items[i]);
    cs__vec_free(&mc->seen);
}

static void explain_missing(const cs_results *res, size_t r, const cs__node *n, cs__buf *out)
{
    missing_ctx mc = {res, r, out, 0, 0, 0, {0}};
    collect_missing(&mc, n);
    if (!mc.count) cs__buf_append(out, "数据缺失");
    missing_done(&mc);
}

/* Names every missing figure behind indicator i's rule, each once. */
static void explain_indicator_missing(const cs_results *res, size_t r, const cs__indicator *ind, cs__buf *out)
{
    missing_ctx mc = {res, r, out, 0, 0, 0, {0}};
    const cs__rule *rule = &ind->rule;
    for (int t = 0; t < rule->ntiers; t++)
        for (int k = 0; k < rule->tiers[t].ncriteria; k++) collect_missing(&mc, rule->tiers[t].criteria[k].expr);
    collect_missing(&mc, rule->points);
    for (int k = 0; k < rule->nitems; k++) {
        double v;
        if (cs__res_sym(res, r, rule->items[k].sym, &v)) note_missing(&mc, res->plan->fw->elements[rule->items[k].sym].name, "未填报");
    }
    if (!mc.count) cs__buf_append(out, "数据缺失");
    missing_done(&mc);
}

/* ---- Facts: the figures behind an indicator ------------------------------------------------- */

typedef struct {
    CS__VEC(int) syms;
    CS__VEC(const cs__node *) calls;
} facts;

static void collect_fact(void *vctx, const cs__node *n)
{
    facts *f = vctx;
    if (n->kind == CS__N_REF && n->sym >= 0) {
        for (size_t i = 0; i < f->syms.n; i++)
            if (f->syms.items[i] == n->sym) return;
        cs__vec_push(&f->syms, n->sym);
    } else if (n->kind == CS__N_CALL && (is_rank_fn(n->op) || n->op == CS__FN_PREV || n->op == CS__FN_GROWTH)) {
        cs__vec_push(&f->calls, n);
    }
}

static void append_sep(cs__buf *out)
{
    if (out->len) cs__buf_append(out, "；");
}

/* "名称 = 912 / 1003 = 90.93%" for a measure, "名称：912项" for an element. */
static void explain_sym(const cs_results *res, size_t r, int sym, cs__buf *out)
{
    const cs_framework *fw = res->plan->fw;
    if (sym >= fw->nelements + fw->nmeasures) return;
    double v;
    int miss = cs__res_sym(res, r, sym, &v);
    append_sep(out);
    if (sym < fw->nelements) {
        cs__buf_printf(out, "%s：", fw->elements[sym].name);
        cs__format_sym_value(fw, sym, v, miss, out);
        return;
    }
    const cs__measure *m = &fw->measures[sym - fw->nelements];
    cs__buf_append(out, m->name);
    if (miss) {
        cs__buf_append(out, "：缺少数据（");
        explain_missing(res, r, m->expr, out);
        cs__buf_append(out, "）");
        return;
    }
    if (m->expr->kind != CS__N_REF && m->expr->kind != CS__N_NUM) {
        cs__buf_append(out, " = ");
        render_values(res, r, m->expr, out);
    }
    cs__buf_append(out, " = ");
    cs__format_sym_value(fw, sym, v, 0, out);
}

static void explain_facts(const cs_results *res, size_t r, const cs__indicator *ind, cs__buf *out)
{
    const cs_framework *fw = res->plan->fw;
    facts f = {{0}, {0}};
    /* the indicator's own measures first, in the order declared, then whatever the rule uses */
    for (int m = 0; m < ind->nmeasures; m++) cs__vec_push(&f.syms, fw->nelements + ind->measures[m]);
    const cs__rule *rule = &ind->rule;
    for (int t = 0; t < rule->ntiers; t++)
        for (int k = 0; k < rule->tiers[t].ncriteria; k++) cs__expr_walk(rule->tiers[t].criteria[k].expr, collect_fact, &f);
    cs__expr_walk(rule->points, collect_fact, &f);
    /* elements already shown inside a measure's formula are not repeated */
    facts in_measures = {{0}, {0}};
    for (int m = 0; m < ind->nmeasures; m++) cs__expr_walk(fw->measures[ind->measures[m]].expr, collect_fact, &in_measures);
    for (size_t i = 0; i < f.syms.n; i++) {
        int sym = f.syms.items[i];
        int shown = 0;
        for (size_t k = 0; k < in_measures.syms.n && sym < fw->nelements; k++) shown |= in_measures.syms.items[k] == sym;
        if (shown) continue;
        if (sym < fw->nelements && fw->elements[sym].type == CS__ELEM_BOOLEAN && rule->kind == CS__RULE_TIERS)
            continue; /* yes/no criteria are shown as met / not met below */
        explain_sym(res, r, sym, out);
    }
    for (size_t i = 0; i < f.calls.n; i++) {
        const cs__node *n = f.calls.items[i];
        int dup = 0;
        for (size_t k = 0; k < i; k++) dup |= f.calls.items[k]->op == n->op && f.calls.items[k]->args[0]->sym == n->args[0]->sym;
        if (dup || n->op == CS__FN_GROWTH) continue;
        append_sep(out);
        render_names(res, n, out);
        cs__buf_append(out, "：");
        format_call_value(res, r, n, out);
    }
    cs__vec_free(&f.syms);
    cs__vec_free(&f.calls);
    cs__vec_free(&in_measures.syms);
    cs__vec_free(&in_measures.calls);
}

/* ---- Conditions ------------------------------------------------------------------------------ */

static void criterion_text(const cs_results *res, const cs__criterion *c, cs__buf *out)
{
    if (c->text) cs__buf_append(out, c->text);
    else render_names(res, c->expr, out);
}

/* Lists the criteria of a condition that do not hold for row r; returns how many. */
static int list_unmet(const cs_results *res, size_t r, const cs__criterion *cr, const int *slots, int n, cs__buf *out)
{
    int count = 0;
    for (int k = 0; k < n; k++) {
        double v;
        int miss = cs__res_get(res, slots[k], r, &v);
        if (!miss && v != 0) continue;
        if (count++) cs__buf_append(out, "；");
        criterion_text(res, &cr[k], out);
        if (miss) {
            cs__buf_append(out, "（缺少数据：");
            explain_missing(res, r, cr[k].expr, out);
            cs__buf_append(out, "）");
        } else {
            cs__buf_append(out, "（未满足）");
        }
    }
    return count;
}

static void list_all(const cs_results *res, const cs__criterion *cr, int n, cs__buf *out)
{
    for (int k = 0; k < n; k++) {
        if (k) cs__buf_append(out, "；");
        criterion_text(res, &cr[k], out);
    }
}

/* Indicator i's points as its rule computed them (before a reviewer's override). */
static int rule_points(const cs_results *res, size_t r, int i, double *pts)
{
    const cs__applied_override *ov = cs__res_override(res, r, i);
    if (ov) {
        *pts = ov->computed;
        return ov->computed_missing;
    }
    return cs__res_get(res, res->plan->ind[i].points, r, pts);
}

static void explain_tiers(const cs_results *res, size_t r, int i, cs__buf *out)
{
    const cs__rule *rule = &res->plan->fw->indicators[i].rule;
    const cs__ind_slots *is = &res->plan->ind[i];
    double pts;
    int miss = rule_points(res, r, i, &pts);
    int tier = cs__res_tier(res, r, i);
    append_sep(out);
    if (tier > 0) {
        const cs__tier *t = &rule->tiers[tier - 1];
        cs__buf_printf(out, "达到%s要求（", t->level);
        list_all(res, t->criteria, t->ncriteria, out);
        cs__buf_append(out, "），得 ");
        cs__buf_number(out, pts, 2);
        cs__buf_append(out, " 分");
        if (tier < rule->ntiers) {
            const cs__tier *nt = &rule->tiers[tier];
            cs__buf_printf(out, "；未达到%s要求：", nt->level);
            list_unmet(res, r, nt->criteria, is->crit[tier], nt->ncriteria, out);
        }
        return;
    }
    const cs__tier *t = &rule->tiers[0];
    if (miss) {
        cs__buf_printf(out, "缺少数据，无法判定是否达到%s要求：", t->level);
        list_unmet(res, r, t->criteria, is->crit[0], t->ncriteria, out);
        cs__buf_append(out, "；得分记为缺失（不是 0 分）");
        return;
    }
    cs__buf_printf(out, "未达到%s要求：", t->level);
    list_unmet(res, r, t->criteria, is->crit[0], t->ncriteria, out);
    cs__buf_append(out, "；得 0 分");
}

void cs__explain_indicator(const cs_results *res, size_t r, int i, cs__buf *out)
{
    const cs__applied_override *ov = cs__res_override(res, r, i);
    if (ov) {
        /* the reviewer's figure first, then the rule's own explanation with its own figure */
        cs__buf rule_text = {0};
        cs__results_explain_rule(res, r, i, &rule_text);
        cs__buf_printf(out, "评审专家调整为 %g 分（理由：%s）。按规则：%s", ov->points, ov->reason, cs__buf_str(&rule_text));
        cs__buf_free(&rule_text);
        return;
    }
    cs__results_explain_rule(res, r, i, out);
}

void cs__results_explain_rule(const cs_results *res, size_t r, int i, cs__buf *out)
{
    const cs_framework *fw = res->plan->fw;
    const cs__indicator *ind = &fw->indicators[i];
    const cs__rule *rule = &ind->rule;
    double pts = 0;
    int miss = res->plan->ind[i].points >= 0 ? rule_points(res, r, i, &pts) : 0;
    if (miss && (rule->kind != CS__RULE_TIERS || cs__res_tier(res, r, i) <= 0)) {
        cs__buf_append(out, "缺少数据（");
        explain_indicator_missing(res, r, ind, out);
        cs__buf_append(out, "），无法评分，得分记为缺失（不是 0 分）");
        return;
    }
    explain_facts(res, r, ind, out);
    switch (rule->kind) {
    case CS__RULE_TIERS:
        explain_tiers(res, r, i, out);
        break;
    case CS__RULE_FORMULA:
        append_sep(out);
        cs__buf_append(out, "得分 = ");
        render_names(res, rule->points, out);
        if (miss) {
            cs__buf_append(out, "，缺少数据（");
            explain_missing(res, r, rule->points, out);
            cs__buf_append(out, "），得分记为缺失");
            break;
        }
        cs__buf_append(out, " = ");
        render_values(res, r, rule->points, out);
        cs__buf_append(out, "，得 ");
        cs__buf_number(out, pts, 2);
        cs__buf_append(out, " 分（满分 ");
        cs__buf_number(out, rule->max_points, 2);
        cs__buf_append(out, " 分）");
        break;
    case CS__RULE_ITEMS:
        for (int k = 0; k < rule->nitems; k++) {
            const cs__item *it = &rule->items[k];
            double v;
            int m = cs__res_sym(res, r, it->sym, &v);
            append_sep(out);
            cs__buf_printf(out, "%s：", fw->elements[it->sym].name);
            if (m) {
                cs__buf_append(out, "未填报");
                continue;
            }
            cs__buf_number(out, v, 0);
            cs__buf_append(out, " 项 × ");
            cs__buf_number(out, it->per, 2);
            cs__buf_append(out, " 分 = ");
            double x = v * it->per;
            cs__buf_number(out, x, 2);
            cs__buf_append(out, " 分");
            if (it->has_cap && x > it->cap) {
                cs__buf_append(out, "，按上限计 ");
                cs__buf_number(out, it->cap, 2);
                cs__buf_append(out, " 分");
            }
        }
        append_sep(out);
        if (miss) {
            cs__buf_append(out, "有数据项未填报，得分记为缺失");
            break;
        }
        cs__buf_append(out, "合计得 ");
        cs__buf_number(out, pts, 2);
        cs__buf_append(out, " 分");
        if (rule->has_cap) {
            cs__buf_append(out, "（本项最高 ");
            cs__buf_number(out, rule->cap, 2);
            cs__buf_append(out, " 分）");
        }
        break;
    case CS__RULE_DEDUCTION:
        append_sep(out);
        if (miss) {
            cs__buf_append(out, "扣分项缺少数据（");
            explain_missing(res, r, rule->points, out);
            cs__buf_append(out, "），扣分记为缺失");
            break;
        }
        if (pts == 0) {
            cs__buf_append(out, "扣分项，未扣分");
            break;
        }
        cs__buf_append(out, "扣分项：");
        render_names(res, rule->points, out);
        cs__buf_append(out, " = ");
        render_values(res, r, rule->points, out);
        cs__buf_append(out, "，扣 ");
        cs__buf_number(out, -pts, 2);
        cs__buf_append(out, " 分");
        if (rule->has_cap) {
            cs__buf_append(out, "（最多扣 ");
            cs__buf_number(out, rule->cap, 2);
            cs__buf_append(out, " 分）");
        }
        break;
    case CS__RULE_MONITOR:
        append_sep(out);
        cs__buf_append(out, "监测指标，只计算数值，不计分");
        break;
    }
}

const char *cs__next_tier_level(const cs_results *res, size_t r, int i)
{
    const cs__rule *rule = &res->plan->fw->indicators[i].rule;
    if (rule->kind != CS__RULE_TIERS) return NULL;
    int tier = cs__res_tier(res, r, i);
    return tier >= 0 && tier < rule->ntiers ? rule->tiers[tier].level : NULL;
}

void cs__explain_total(const cs_results *res, size_t r, cs__buf *out)
{
    const cs_plan *plan = res->plan;
    const cs_framework *fw = plan->fw;
    double raw, total;
    cs__res_get(res, plan->total_raw, r, &raw);
    cs__res_get(res, plan->total, r, &total);
    int missing = 0;
    for (int i = 0; i < fw->nindicators; i++) {
        double p;
        if (cs__res_points(res, r, i, &p) > 0) missing++;
    }
    cs__buf_append(out, fw->scoring == CS__SCORING_WEIGHTED ? "各指标加权得分合计 " : "各指标得分合计 ");
    cs__buf_number(out, raw, 2);
    cs__buf_append(out, " 分");
    if (missing) cs__buf_printf(out, "（其中 %d 项指标缺少数据，未计分）", missing);
    for (int a = 0; a < fw->nadjustments; a++) {
        const cs__adjustment *adj = &fw->adjustments[a];
        const cs__adj_slots *as = &plan->adj[a];
        double c;
        int miss = cs__res_get(res, as->cond, r, &c);
        const char *label = adj->text ? adj->text : (adj->kind == CS__ADJ_VETO ? "一票否决" : "减分");
        if (miss) {
            cs__buf_printf(out, "；%s：缺少数据，未能判定（", label);
            for (int k = 0; k < adj->ncriteria; k++) explain_missing(res, r, adj->criteria[k].expr, out);
            cs__buf_append(out, "）");
            continue;
        }
        if (c == 0) continue;
        if (adj->kind == CS__ADJ_VETO) {
            cs__buf_printf(out, "；触发“%s”，整体不得分", label);
        } else {
            double before, after;
            cs__res_get(res, as->total_before, r, &before);
            cs__res_get(res, as->total_after, r, &after);
            cs__buf_printf(out, "；触发“%s”，减 ", label);
            cs__buf_number(out, before - after, 2);
            cs__buf_append(out, " 分");
        }
    }
    cs__buf_append(out, "；总分 ");
    cs__buf_number(out, total, 2);
    cs__buf_append(out, " 分");
    if (plan->rating < 0) return;
    double rv;
    cs__res_get(res, plan->rating, r, &rv);
    int k = (int)rv;
    if (k > 0) {
        cs__buf_printf(out, "，评为%s（不低于 ", fw->ratings[k - 1].name);
        cs__buf_number(out, fw->ratings[k - 1].min_total, 2);
        cs__buf_append(out, " 分）");
    } else {
        cs__buf_printf(out, "，未达到%s（", fw->ratings[0].name);
        cs__buf_number(out, fw->ratings[0].min_total, 2);
        cs__buf_append(out, " 分）");
    }
    /* a higher level whose score line is met but whose extra condition is not */
    for (int j = k; j < fw->nratings; j++) {
        const cs__rating *rt = &fw->ratings[j];
        if (total + 1e-9 < rt->min_total || plan->rating_crit_cond[j] < 0) continue;
        cs__buf_printf(out, "；总分已达到%s分数线（", rt->name);
        cs__buf_number(out, rt->min_total, 2);
        cs__buf_append(out, " 分），但");
        list_unmet(res, r, rt->criteria, plan->rating_crit[j], rt->ncriteria, out);
        break;
    }
}
