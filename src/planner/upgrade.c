/*
 * upgrade.c — the upgrade planner: the least-effort set of upgrades (each indicator raised to one
 * of its higher tiers or left alone; penalties lifted or not) that lifts a region to a target
 * star level. Vetoes in force and the target's extra conditions are changes every plan needs;
 * the rest is a multiple-choice knapsack over subjects × points gained (in integer units of the
 * framework's points step), solved exactly by dynamic programming. Because the engine, not this
 * model, decides the total (caps, penalties, rounding, figures shared by indicators), the plans
 * the model accepts are enumerated in order of effort (best-first search guided by the exact
 * cost-to-go of the programme) and each is re-scored through the engine until one reaches the
 * target: the first that does is the cheapest plan the engine accepts, as long as the model never
 * gives a combination less than the engine does (docs/planner.md).
 */
#include <math.h>
#include <string.h>

#include "planner_int.h"

#define DEFAULT_CANDIDATES 5000
#define MAX_UNITS 20000
#define MAX_ITEM_COMBOS 4096
#define MAX_FORMULA_LEVELS 40

typedef struct {
    double gain;              /* of the net total, applied alone (engine) */
    int units;                /* gain in points steps, rounded up */
    double cost, relative;
    int to_tier;
    double to_points;         /* the indicator's points, applied alone */
    cs__change *changes;
    int nchanges;
    cs__need *needs;
    int nneeds;
} option;

typedef struct {
    cs__subject_kind kind;
    int index;
    int from_tier;
    double from_points;
    int costed;               /* options the costs file priced */
    CS__VEC(option) opts;
} subject;

typedef struct {
    cs__probe p;
    const cs__planner_opts *o;
    cs__upgrade *u;
    const cs_framework *fw;
    const cs_plan *plan;
    int accept;               /* the star level asked for: the engine must give it or a higher one */
    int target;               /* the star level planned for (accept, or a higher one without extra conditions) */
    double min_total;         /* target's line */
    cs__change_vec base;      /* the changes every plan needs */
    double net_base;
    double step;
    CS__VEC(subject) subjects;
    CS__VEC(cs__upgrade_step) steps;
    uint8_t *uncosted;
} planner;

/* ---- Helpers ----------------------------------------------------------------------------------- */

/* The total before vetoes: the raw total less the penalties in force. While no veto applies, the
 * engine's total is max(0, net), so a star level's line is met exactly when net reaches it. */
static double net_total(const cs_plan *plan, const cs_results *r)
{
    const cs_framework *fw = plan->fw;
    double net, c, amount;
    cs__res_get(r, plan->total_raw, 0, &net);
    for (int a = 0; a < fw->nadjustments; a++) {
        if (fw->adjustments[a].kind != CS__ADJ_PENALTY) continue;
        if (cs__res_get(r, plan->adj[a].cond, 0, &c) || c == 0) continue;
        if (cs__res_get(r, plan->adj[a].points, 0, &amount)) continue;
        net -= amount;
    }
    return net;
}

static int veto_in_force(const cs_plan *plan, const cs_results *r, size_t row, int *which)
{
    const cs_framework *fw = plan->fw;
    for (int a = 0; a < fw->nadjustments; a++) {
        double c;
        if (fw->adjustments[a].kind == CS__ADJ_VETO && !cs__res_get(r, plan->adj[a].cond, row, &c) && c != 0) {
            if (which) *which = a;
            return 1;
        }
    }
    return 0;
}

static int rating_of(const cs_plan *plan, const cs_results *r, size_t row)
{
    double v = 0;
    if (plan->rating >= 0) cs__res_get(r, plan->rating, row, &v);
    return (int)v;
}

static double changed_value(const cs__change_vec *v, int e, double otherwise)
{
    for (size_t k = 0; k < v->n; k++)
        if (v->items[k].element == e) return v->items[k].to;
    return otherwise;
}

/* Adds changes to into: a figure changed twice keeps the change that goes further from the
 * reported figure in the same direction (a later change in the other direction replaces it). */
static void merge(cs__probe *p, cs__change_vec *into, const cs__change *ch, int n)
{
    for (int k = 0; k < n; k++) {
        int e = ch[k].element;
        double have = changed_value(into, e, p->now[e]);
        double want = ch[k].to, from = p->now[e];
        int same = (want - from) * (have - from) > 0;
        if (same && fabs(want - from) <= fabs(have - from)) continue;
        cs__change_set(p, into, e, want);
    }
}

static double relative_of(const cs__change *ch, int n)
{
    double s = 0;
    for (int k = 0; k < n; k++) s += cs__relative_change(ch[k].from, ch[k].to);
    return s;
}

static cs__change *copy_changes(cs__arena *a, const cs__change *ch, size_t n)
{
    cs__change *c = cs__arena_alloc(a, sizeof(cs__change) * (n + 1));
    if (n) memcpy(c, ch, sizeof(cs__change) * n);
    return c;
}

/* Whether an expression reads indicators' results or the total (which upgrades can change). */
static int reads_results(const cs_framework *fw, const cs__node *n)
{
    if (!n) return 0;
    if (n->kind == CS__N_REF && n->sym >= fw->nelements + fw->nmeasures) return 1;
    if (n->kind == CS__N_CALL && (n->op == CS__FN_POINTS || n->op == CS__FN_TIER || n->op == CS__FN_REACHED)) return 1;
    if (n->kind == CS__N_REF && n->sym >= fw->nelements && reads_results(fw, fw->measures[n->sym - fw->nelements].expr)) return 1;
    for (int i = 0; i < n->nargs; i++)
        if (reads_results(fw, n->args[i])) return 1;
    return 0;
}

static double gcd_whole(double a, double b)
{
    while (b > 0.5) {
        double t = fmod(a, b);
        a = b;
        b = t;
    }
    return a;
}

/* The points step: the largest d such that every points figure of the framework and the region
 * (tier points, item points and caps, star level lines, fixed penalties, the region's points) is a
 * whole multiple of d, looking at up to three decimals. */
static double points_step(const planner *pl)
{
    const cs_framework *fw = pl->fw;
    CS__VEC(double) v = {0};
    for (int i = 0; i < fw->nindicators; i++) {
        const cs__rule *r = &fw->indicators[i].rule;
        for (int t = 0; t < r->ntiers; t++) cs__vec_push(&v, r->tiers[t].points);
        for (int k = 0; k < r->nitems; k++) {
            cs__vec_push(&v, r->items[k].per);
            if (r->items[k].has_cap) cs__vec_push(&v, r->items[k].cap);
        }
        if (r->has_cap) cs__vec_push(&v, r->cap);
        if (r->kind == CS__RULE_FORMULA) {
            cs__vec_push(&v, r->max_points);
            cs__vec_push(&v, r->min_points);
        }
        double pts;
        if (!cs__res_points(pl->p.res, pl->p.row, i, &pts)) cs__vec_push(&v, pts);
    }
    for (int r = 0; r < fw->nratings; r++) cs__vec_push(&v, fw->ratings[r].min_total);
    for (int a = 0; a < fw->nadjustments; a++)
        if (fw->adjustments[a].points && fw->adjustments[a].points->kind == CS__N_NUM) cs__vec_push(&v, fw->adjustments[a].points->num);
    cs__vec_push(&v, pl->net_base);
    double step = 0.001;
    for (int d = 0; d <= 3; d++) {
        double scale = pow(10.0, d), g = 0;
        int ok = 1;
        for (size_t k = 0; k < v.n && ok; k++) {
            double x = fabs(v.items[k]) * scale, r = round(x);
            if (fabs(x - r) > 1e-6 * (x > 1 ? x : 1)) ok = 0;
            else if (r > 0) g = g > 0 ? gcd_whole(g, r) : r;
        }
        if (ok) {
            step = g > 0 ? g / scale : 1 / scale;
            break;
        }
    }
    cs__vec_free(&v);
    return step;
}

/* ---- Options ------------------------------------------------------------------------------------ */

/* Prices an option (relative distance, or the costs file), measures its gain through the engine
 * and keeps it when it gains anything. */
static void add_option(planner *pl, subject *s, option *o, double cost)
{
    cs__probe *p = &pl->p;
    o->relative = relative_of(o->changes, o->nchanges);
    o->cost = pl->o->costs ? cost : o->relative;
    if (pl->o->costs && cost < 0) {
        if (s->kind == CS__SUBJECT_INDICATOR) pl->uncosted[s->index] = 1;
        return;
    }
    s->costed++;
    cs__change_vec trial = {0};
    for (size_t k = 0; k < pl->base.n; k++) cs__vec_push(&trial, pl->base.items[k]);
    merge(p, &trial, o->changes, o->nchanges);
    cs_results *r = cs__probe_eval(p, trial.items, trial.n, 1);
    o->gain = net_total(pl->plan, r) - pl->net_base;
    if (s->kind == CS__SUBJECT_INDICATOR) cs__res_points(r, 0, s->index, &o->to_points);
    cs_results_free(r);
    cs__vec_free(&trial);
    if (o->gain > 1e-9) cs__vec_push(&s->opts, *o);
}

static void tier_options(planner *pl, subject *s)
{
    cs__probe *p = &pl->p;
    const cs__rule *rule = &pl->fw->indicators[s->index].rule;
    for (int t = s->from_tier + 1; t <= rule->ntiers; t++) {
        if (rule->tiers[t - 1].points <= s->from_points + 1e-9) continue;
        cs__change_vec work = {0};
        option o = {0};
        if (cs__probe_fix_tier(p, s->index, t, &work, &o.needs, &o.nneeds)) {
            o.to_tier = t;
            o.changes = copy_changes(p->arena, work.items, work.n);
            o.nchanges = (int)work.n;
            double cost = pl->o->costs ? cs__costs_lookup(pl->o->costs, CS__SUBJECT_INDICATOR, s->index, s->from_tier, t, 0) : 0;
            add_option(pl, s, &o, cost);
        }
        cs__vec_free(&work);
    }
}

/* A need that one counted figure rises (for the text of item and formula options). */
static cs__need *change_need(cs__probe *p, const char *text, const cs__change *c)
{
    cs__need *n = cs__arena_alloc(p->arena, sizeof *n);
    n->text = text;
    n->sym = -1;
    n->status = CS__NEED_CHANGE;
    n->changes = copy_changes(p->arena, c, 1);
    n->nchanges = 1;
    cs__need_describe(p, n);
    return n;
}

/* Counted items: every combination of more items per kind up to what their caps can still
 * award (at most MAX_ITEM_COMBOS), scored by the engine; per points reached, the cheapest. */
static void item_options(planner *pl, subject *s)
{
    cs__probe *p = &pl->p;
    const cs_framework *fw = pl->fw;
    const cs__rule *rule = &fw->indicators[s->index].rule;
    int K = rule->nitems;
    if (K <= 0 || K > 16) return;
    double room_all = rule->has_cap ? rule->cap - s->from_points : pl->min_total - pl->net_base;
    int m[16];
    double combos = 1;
    for (int k = 0; k < K; k++) {
        const cs__item *it = &rule->items[k];
        double c = p->now[it->sym], got = it->per * c;
        if (it->has_cap && got > it->cap) got = it->cap;
        double room = it->has_cap ? it->cap - got : room_all;
        if (room > room_all) room = room_all;
        m[k] = it->per > 0 && room > 1e-9 ? (int)fmin(64, ceil(room / it->per - 1e-9)) : 0;
        combos *= m[k] + 1;
    }
    while (combos > MAX_ITEM_COMBOS) {
        int big = 0;
        for (int k = 1; k < K; k++)
            if (m[k] > m[big]) big = k;
        combos = combos / (m[big] + 1) * (m[big] / 2 + 1);
        m[big] /= 2;
    }
    int peers = cs__probe_indicator_ranks(p, s->index);
    CS__VEC(option) best = {0};
    int a[16] = {0};
    for (;;) {
        int k = 0;
        while (k < K && a[k] == m[k]) a[k++] = 0;
        if (k == K) break;
        a[k]++;
        cs__change ch[16];
        int nch = 0;
        for (int j = 0; j < K; j++)
            if (a[j]) {
                int e = rule->items[j].sym;
                ch[nch++] = (cs__change){e, p->now[e], p->now[e] + a[j]};
            }
        cs_results *r = cs__probe_eval(p, ch, (size_t)nch, peers);
        double pts = s->from_points;
        cs__res_points(r, 0, s->index, &pts);
        cs_results_free(r);
        if (pts <= s->from_points + 1e-9) continue;
        double rel = relative_of(ch, nch);
        double cost = pl->o->costs ? cs__costs_lookup(pl->o->costs, CS__SUBJECT_INDICATOR, s->index, 0, 0, pts - s->from_points) : rel;
        if (pl->o->costs && cost < 0) {
            pl->uncosted[s->index] = 1;
            break;
        }
        size_t at = best.n;
        for (size_t b = 0; b < best.n; b++)
            if (fabs(best.items[b].to_points - pts) < 1e-9) at = b;
        if (at < best.n && best.items[at].cost <= cost) continue;
        option o = {0};
        o.to_points = pts;
        o.cost = cost;
        o.changes = copy_changes(p->arena, ch, (size_t)nch);
        o.nchanges = nch;
        if (at < best.n) best.items[at] = o;
        else cs__vec_push(&best, o);
    }
    for (size_t b = 0; b < best.n; b++) {
        option *o = &best.items[b];
        o->needs = cs__arena_alloc(p->arena, sizeof(cs__need) * (size_t)(o->nchanges + 1));
        for (int c = 0; c < o->nchanges; c++) {
            const char *text = fw->elements[o->changes[c].element].name;
            for (int j = 0; j < K; j++)
                if (rule->items[j].sym == o->changes[c].element && rule->items[j].text) text = rule->items[j].text;
            o->needs[o->nneeds++] = *change_need(p, text, &o->changes[c]);
        }
        add_option(pl, s, o, o->cost);
    }
    cs__vec_free(&best);
}

/* A formula: points levels a step apart up to full marks (at most MAX_FORMULA_LEVELS), each
 * reached by the least change of one figure. */
static void formula_options(planner *pl, subject *s)
{
    cs__probe *p = &pl->p;
    const cs_framework *fw = pl->fw;
    const cs__indicator *ind = &fw->indicators[s->index];
    double top = ind->rule.max_points, stride = pl->step;
    if (top <= s->from_points + 1e-9) return;
    if ((top - s->from_points) / stride > MAX_FORMULA_LEVELS) stride = (top - s->from_points) / MAX_FORMULA_LEVELS;
    uint8_t *used = cs__xcalloc((size_t)fw->nelements + 1, 1), *walked = cs__xcalloc((size_t)fw->nmeasures + 1, 1);
    cs__fw_indicator_elements(fw, s->index, used, walked);
    double prev_to = NAN;
    int prev_e = -1;
    for (int j = 1; j <= MAX_FORMULA_LEVELS + 1; j++) {
        double level = fmin(top, s->from_points + j * stride);
        cs__pred pred = {CS__PRED_SLOT_GE, pl->plan->ind[s->index].points, level, NULL, cs__probe_indicator_ranks(p, s->index)};
        cs__change_vec work = {0};
        cs__need need = {0};
        cs__buf b = {0};
        cs__buf_append(&b, "得分达到 ");
        cs__buf_number(&b, level, 2);
        cs__buf_append(&b, " 分");
        need.text = cs__arena_strdup(p->arena, cs__buf_str(&b));
        need.sym = -1;
        cs__buf_free(&b);
        if (cs__probe_fix_pred(p, &pred, used, &work, &need) &&
            !(need.changes[0].element == prev_e && need.changes[0].to == prev_to)) {
            prev_e = need.changes[0].element;
            prev_to = need.changes[0].to;
            cs__need_describe(p, &need);
            /* priced by the points the engine gives for the change, which may pass the level */
            cs_results *r = cs__probe_eval(p, work.items, work.n, pred.peers);
            double pts = level;
            cs__res_points(r, 0, s->index, &pts);
            cs_results_free(r);
            option o = {0};
            o.changes = copy_changes(p->arena, work.items, work.n);
            o.nchanges = (int)work.n;
            o.needs = cs__arena_alloc(p->arena, sizeof(cs__need));
            o.needs[0] = need;
            o.nneeds = 1;
            double cost = pl->o->costs ? cs__costs_lookup(pl->o->costs, CS__SUBJECT_INDICATOR, s->index, 0, 0, pts - s->from_points) : 0;
            add_option(pl, s, &o, cost);
        }
        cs__vec_free(&work);
        if (level >= top) break;
    }
    free(used);
    free(walked);
}

static void penalty_option(planner *pl, subject *s)
{
    cs__probe *p = &pl->p;
    cs__change_vec work = {0};
    option o = {0};
    o.needs = cs__arena_alloc(p->arena, sizeof(cs__need));
    if (cs__planner_lift(p, s->index, &work, o.needs)) {
        o.nneeds = 1;
        o.changes = copy_changes(p->arena, work.items, work.n);
        o.nchanges = (int)work.n;
        double cost = pl->o->costs ? cs__costs_lookup(pl->o->costs, CS__SUBJECT_PENALTY, s->index, 0, 0, 0) : 0;
        add_option(pl, s, &o, cost);
    }
    cs__vec_free(&work);
}

/* ---- What every plan needs: vetoes lifted, the target's extra conditions met --------------------- */

static void add_step(planner *pl, cs__subject_kind kind, int index, cs__need *needs, int nneeds, const cs__change *ch, size_t n)
{
    cs__upgrade_step st = {0};
    st.kind = kind;
    st.index = index;
    st.needs = needs;
    st.nneeds = nneeds;
    st.changes = copy_changes(pl->p.arena, ch, n);
    st.nchanges = (int)n;
    st.relative = relative_of(st.changes, st.nchanges);
    st.effort = st.relative;
    st.costed = 1;
    if (pl->o->costs) {
        double c = cs__costs_lookup(pl->o->costs, kind, index, 0, 0, 0);
        st.costed = c >= 0;
        st.effort = c >= 0 ? c : 0;
    }
    cs__vec_push(&pl->steps, st);
}

static void unreachable(planner *pl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void unreachable(planner *pl, const char *fmt, ...)
{
    cs__buf b = {0};
    cs__buf_printf(&b, "无法达到 %s：", pl->fw->ratings[pl->accept - 1].name);
    va_list ap;
    va_start(ap, fmt);
    cs__buf_vprintf(&b, fmt, ap);
    va_end(ap);
    pl->u->status = CS__PLAN_UNREACHABLE;
    pl->u->reason = cs__arena_strdup(&pl->u->arena, cs__buf_str(&b));
    cs__buf_free(&b);
}

/* Lifts the vetoes in force and meets the target's extra conditions in pl->base; returns 0 after
 * setting the reason when that cannot be done. */
static int mandatory(planner *pl)
{
    cs__probe *p = &pl->p;
    const cs_framework *fw = pl->fw;
    const cs_plan *plan = pl->plan;
    for (int a = 0; a < fw->nadjustments; a++) {
        double c;
        if (fw->adjustments[a].kind != CS__ADJ_VETO || cs__res_get(p->res, plan->adj[a].cond, p->row, &c) || c == 0) continue;
        cs__need *need = cs__arena_alloc(p->arena, sizeof *need);
        if (!cs__planner_lift(p, a, &pl->base, need)) {
            unreachable(pl, "一票否决“%s”已触发，%s", need->text, need->sentence ? need->sentence : "无法通过改变数据项解除");
            return 0;
        }
        add_step(pl, CS__SUBJECT_VETO, a, need, 1, need->changes, (size_t)need->nchanges);
    }
    const cs__rating *rt = &fw->ratings[pl->target - 1];
    cs__need *needs = cs__arena_alloc(p->arena, sizeof(cs__need) * (size_t)(rt->ncriteria + 1));
    int nneeds = 0;
    cs__change_vec made = {0};
    for (int k = 0; k < rt->ncriteria; k++) {
        cs__need n;
        cs__probe_fix_criterion(p, &rt->criteria[k], plan->rating_crit[pl->target - 1][k], &pl->base, &n);
        if (n.status == CS__NEED_MET) continue;
        if (n.status == CS__NEED_MISSING) {
            unreachable(pl, "额外条件“%s”%s", n.text, n.sentence);
            cs__vec_free(&made);
            return 0;
        }
        if (n.status == CS__NEED_NONE) {
            /* an upgrade may still meet it (it reads indicators' results); the engine will tell */
            if (reads_results(fw, rt->criteria[k].expr)) continue;
            unreachable(pl, "额外条件“%s”%s", n.text, n.sentence);
            cs__vec_free(&made);
            return 0;
        }
        needs[nneeds++] = n;
        for (int c = 0; c < n.nchanges; c++) cs__vec_push(&made, n.changes[c]);
    }
    if (nneeds) add_step(pl, CS__SUBJECT_RATING, pl->target - 1, needs, nneeds, made.items, made.n);
    cs__vec_free(&made);
    return 1;
}

/* ---- Why a target cannot be reached, from the engine's score with every upgrade at its top -- */

static void explain_best(planner *pl, const cs_results *r)
{
    const cs_plan *plan = pl->plan;
    const cs_framework *fw = pl->fw;
    double total;
    cs__res_get(r, plan->total, 0, &total);
    pl->u->best_total = total;
    cs__buf num = {0};
    cs__buf_number(&num, total, 2);
    int veto;
    if (veto_in_force(plan, r, 0, &veto)) {
        unreachable(pl, "全部指标升至最高档后仍触发一票否决“%s”", fw->adjustments[veto].text ? fw->adjustments[veto].text : fw->adjustments[veto].code);
    } else if (total + 1e-9 < pl->min_total) {
        cs__buf line = {0};
        cs__buf_number(&line, pl->min_total, 2);
        if (pl->u->nmissing)
            unreachable(pl, "全部指标升至最高档仍只有 %s 分（需 %s 分；另有 %d 项指标缺数据、未计入，补报后请重新规划）", cs__buf_str(&num),
                        cs__buf_str(&line), pl->u->nmissing);
        else
            unreachable(pl, "全部指标升至最高档仍只有 %s 分（需 %s 分）", cs__buf_str(&num), cs__buf_str(&line));
        cs__buf_free(&line);
    } else {
        const cs__rating *rt = &fw->ratings[pl->target - 1];
        cs__buf unmet = {0};
        for (int k = 0; k < rt->ncriteria; k++) {
            double v;
            int m = cs__res_get(r, plan->rating_crit[pl->target - 1][k], 0, &v);
            if (!m && v != 0) continue;
            cs__buf_printf(&unmet, "%s%s", unmet.len ? "；" : "", rt->criteria[k].text ? rt->criteria[k].text : rt->criteria[k].src);
        }
        unreachable(pl, "全部指标升至最高档后总分 %s 分，但额外条件未满足：%s", cs__buf_str(&num), unmet.len ? cs__buf_str(&unmet) : "（无）");
        cs__buf_free(&unmet);
    }
    cs__buf_free(&num);
}

/* ---- The programme and the enumeration ---------------------------------------------------------- */

typedef struct {
    int parent;
    int layer;
    int k;
    int opt;                  /* option taken at layer - 1, -1 = none */
    double g;
} node;

typedef struct {
    double f;
    size_t seq;
    int node;
} heap_item;

typedef CS__VEC(heap_item) heap;

static int heap_less(const heap_item *a, const heap_item *b)
{
    return a->f < b->f || (a->f == b->f && a->seq < b->seq);
}

static void heap_push(heap *h, heap_item it)
{
    cs__vec_push(h, it);
    size_t i = h->n - 1;
    while (i > 0) {
        size_t up = (i - 1) / 2;
        if (!heap_less(&h->items[i], &h->items[up])) break;
        heap_item t = h->items[i];
        h->items[i] = h->items[up];
        h->items[up] = t;
        i = up;
    }
}

static heap_item heap_pop(heap *h)
{
    heap_item top = h->items[0];
    h->items[0] = h->items[--h->n];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < h->n && heap_less(&h->items[l], &h->items[m])) m = l;
        if (r < h->n && heap_less(&h->items[r], &h->items[m])) m = r;
        if (m == i) break;
        heap_item t = h->items[i];
        h->items[i] = h->items[m];
        h->items[m] = t;
        i = m;
    }
    return top;
}

/* Scores base plus the chosen options (per layer, -1 = none) through the engine, with every peer. */
static cs_results *score_choice(planner *pl, subject **layers, const int *choice, int L)
{
    cs__change_vec trial = {0};
    for (size_t k = 0; k < pl->base.n; k++) cs__vec_push(&trial, pl->base.items[k]);
    for (int l = 0; l < L; l++)
        if (choice[l] >= 0) merge(&pl->p, &trial, layers[l]->opts.items[choice[l]].changes, layers[l]->opts.items[choice[l]].nchanges);
    cs_results *r = cs__probe_eval(&pl->p, trial.items, trial.n, 1);
    cs__vec_free(&trial);
    return r;
}

/* Records the plan found: the steps every plan needs, then the chosen upgrades in subject order,
 * with the points the engine gives after the whole plan. */
static void record_plan(planner *pl, subject **layers, const int *choice, int L, const cs_results *r)
{
    cs__upgrade *u = pl->u;
    u->status = CS__PLAN_FOUND;
    cs__res_get(r, pl->plan->total, 0, &u->total_after);
    u->rating_after = rating_of(pl->plan, r, 0);
    for (int l = 0; l < L; l++) {
        if (choice[l] < 0) continue;
        const subject *s = layers[l];
        const option *o = &s->opts.items[choice[l]];
        cs__upgrade_step st = {0};
        st.kind = s->kind;
        st.index = s->index;
        st.from_tier = s->from_tier;
        st.to_tier = o->to_tier;
        st.from_points = s->from_points;
        st.to_points = o->to_points;
        if (s->kind == CS__SUBJECT_INDICATOR) cs__res_points(r, 0, s->index, &st.to_points);
        st.effort = o->cost;
        st.relative = o->relative;
        st.costed = 1;
        st.changes = o->changes;
        st.nchanges = o->nchanges;
        st.needs = o->needs;
        st.nneeds = o->nneeds;
        cs__vec_push(&pl->steps, st);
    }
}

/* Enumerates the plans the model accepts in order of effort and returns when the engine accepts
 * one (1), or when none is left or the limit is reached (0). */
static int enumerate(planner *pl)
{
    cs__upgrade *u = pl->u;
    subject **layers = cs__xcalloc(pl->subjects.n + 1, sizeof(subject *));
    int L = 0;
    for (size_t s = 0; s < pl->subjects.n; s++)
        if (pl->subjects.items[s].opts.n) layers[L++] = &pl->subjects.items[s];
    double need = pl->min_total - pl->net_base;
    int N = need > 0 ? (int)ceil(need / pl->step - 1e-9) : 0;
    for (int l = 0; l < L; l++)
        for (size_t o = 0; o < layers[l]->opts.n; o++) {
            option *op = &layers[l]->opts.items[o];
            op->units = (int)ceil(op->gain / pl->step - 1e-9);
            if (op->units < 1) op->units = 1;
        }
    /* cost-to-go: H[l][k] = least cost of layers l… to gain the N − k units still missing */
    size_t W = (size_t)N + 1;
    double *H = cs__xmalloc(sizeof(double) * W * ((size_t)L + 1));
    for (size_t k = 0; k < W; k++) H[(size_t)L * W + k] = (int)k >= N ? 0 : INFINITY;
    for (int l = L - 1; l >= 0; l--)
        for (size_t k = 0; k < W; k++) {
            double best = H[(size_t)(l + 1) * W + k];
            for (size_t o = 0; o < layers[l]->opts.n; o++) {
                const option *op = &layers[l]->opts.items[o];
                size_t k2 = k + (size_t)op->units < W ? k + (size_t)op->units : W - 1;
                double c = op->cost + H[(size_t)(l + 1) * W + k2];
                if (c < best) best = c;
            }
            H[(size_t)l * W + k] = best;
        }
    int found = 0;
    size_t limit = pl->o->max_candidates ? pl->o->max_candidates : DEFAULT_CANDIDATES;
    int *choice = cs__xcalloc((size_t)L + 1, sizeof(int));
    CS__VEC(node) nodes = {0};
    heap h = {0};
    size_t seq = 0;
    if (isfinite(H[0])) {
        node root = {-1, 0, 0, -1, 0};
        cs__vec_push(&nodes, root);
        heap_push(&h, (heap_item){H[0], seq++, 0});
    }
    while (h.n && !found && u->candidates < limit) {
        heap_item it = heap_pop(&h);
        node nd = nodes.items[it.node];
        if (nd.layer == L) {
            for (int id = it.node; nodes.items[id].parent >= 0; id = nodes.items[id].parent)
                choice[nodes.items[id].layer - 1] = nodes.items[id].opt;
            u->candidates++;
            cs_results *r = score_choice(pl, layers, choice, L);
            if (!veto_in_force(pl->plan, r, 0, NULL) && rating_of(pl->plan, r, 0) >= pl->accept) {
                record_plan(pl, layers, choice, L, r);
                found = 1;
            }
            cs_results_free(r);
            continue;
        }
        int l = nd.layer;
        for (int o = -1; o < (int)layers[l]->opts.n; o++) {
            int k2 = nd.k;
            double g = nd.g;
            if (o >= 0) {
                const option *op = &layers[l]->opts.items[o];
                k2 = nd.k + op->units < N ? nd.k + op->units : N;
                g += op->cost;
            }
            double rest = H[(size_t)(l + 1) * W + (size_t)k2];
            if (!isfinite(rest)) continue;
            node child = {it.node, l + 1, k2, o, g};
            cs__vec_push(&nodes, child);
            heap_push(&h, (heap_item){g + rest, seq++, (int)nodes.n - 1});
        }
    }
    if (!found) {
        /* every subject at its best option: what the engine gives, to say why */
        for (int l = 0; l < L; l++) {
            choice[l] = -1;
            double g = 0;
            for (size_t o = 0; o < layers[l]->opts.n; o++)
                if (layers[l]->opts.items[o].gain > g) g = layers[l]->opts.items[o].gain, choice[l] = (int)o;
        }
        cs_results *r = score_choice(pl, layers, choice, L);
        if (!isfinite(H[0]) && !veto_in_force(pl->plan, r, 0, NULL) && rating_of(pl->plan, r, 0) >= pl->accept) {
            /* the model said no, the engine says yes: take it (upgrades helping each other) */
            record_plan(pl, layers, choice, L, r);
            found = 1;
        } else if (isfinite(H[0]) && u->candidates >= limit) {
            cs__buf b = {0};
            cs__buf_printf(&b, "在按工作量排序的前 %zu 个候选方案中，评分引擎未确认任何一个能达到", u->candidates);
            unreachable(pl, "%s", cs__buf_str(&b));
            cs__buf_free(&b);
            double t;
            cs__res_get(r, pl->plan->total, 0, &t);
            u->best_total = t;
        } else {
            explain_best(pl, r);
        }
        cs_results_free(r);
    }
    free(choice);
    free(H);
    free(layers);
    cs__vec_free(&nodes);
    cs__vec_free(&h);
    return found;
}

/* ---- The planner ---------------------------------------------------------------------------------- */

/* Plans for star level `level` (its line and extra conditions), accepting any plan the engine
 * gives `accept` or more. */
static cs__upgrade *plan_level(const cs_plan *plan, const cs_results *res, size_t row, const cs__planner_opts *o, int accept,
                               int level)
{
    const cs_framework *fw = plan->fw;
    cs__upgrade *u = cs__xcalloc(1, sizeof *u);
    planner pl = {0};
    pl.o = o;
    pl.u = u;
    pl.fw = fw;
    pl.plan = plan;
    pl.accept = accept;
    pl.target = level;
    pl.min_total = fw->ratings[level - 1].min_total;
    pl.uncosted = cs__xcalloc((size_t)fw->nindicators + 1, 1);
    cs__probe_init(&pl.p, plan, res, row, &u->arena);
    u->plan = plan;
    u->region = cs__arena_strdup(&u->arena, res->regions[row]);
    u->period = cs__arena_strdup(&u->arena, res->period);
    u->target = accept;
    u->level = level;
    u->unit = o->costs ? cs__costs_unit(o->costs) : "相对距离";
    u->best_total = -1;
    cs__res_get(res, plan->total, row, &u->total_before);
    u->rating_before = rating_of(plan, res, row);
    u->total_after = u->total_before;
    u->rating_after = u->rating_before;
    u->missing = cs__arena_alloc(&u->arena, sizeof(int) * (size_t)(fw->nindicators + 1));
    u->uncosted = cs__arena_alloc(&u->arena, sizeof(int) * (size_t)(fw->nindicators + 1));
    for (int i = 0; i < fw->nindicators; i++) {
        double pts;
        if (cs__res_points(res, row, i, &pts) > 0) u->missing[u->nmissing++] = i;
    }
    if (u->rating_before >= accept) {
        u->status = CS__PLAN_ALREADY;
        goto done;
    }
    if (!mandatory(&pl)) goto done;
    cs_results *r = cs__probe_eval(&pl.p, pl.base.items, pl.base.n, 1);
    pl.net_base = net_total(plan, r);
    int veto;
    int vetoed = veto_in_force(plan, r, 0, &veto);
    cs_results_free(r);
    if (vetoed) {
        unreachable(&pl, "一票否决“%s”仍然生效", fw->adjustments[veto].text ? fw->adjustments[veto].text : fw->adjustments[veto].code);
        goto done;
    }
    pl.step = points_step(&pl);
    double need = pl.min_total - pl.net_base;
    if (need / pl.step > MAX_UNITS) pl.step = need / MAX_UNITS;
    u->points_step = pl.step;
    /* the subjects: indicators that can rise, then penalties in force */
    for (int i = 0; i < fw->nindicators; i++) {
        const cs__indicator *ind = &fw->indicators[i];
        double pts;
        int miss = cs__res_points(res, row, i, &pts);
        if (miss || ind->rule.kind == CS__RULE_DEDUCTION || ind->rule.kind == CS__RULE_MONITOR || cs__res_override(res, row, i)) continue;
        subject s = {CS__SUBJECT_INDICATOR, i, 0, pts, 0, {0}};
        int tier = cs__res_tier(res, row, i);
        s.from_tier = tier > 0 ? tier : 0;
        if (ind->rule.kind == CS__RULE_TIERS) tier_options(&pl, &s);
        else if (ind->rule.kind == CS__RULE_ITEMS) item_options(&pl, &s);
        else formula_options(&pl, &s);
        if (s.costed) pl.uncosted[i] = 0; /* some of its tiers have a cost */
        cs__vec_push(&pl.subjects, s);
    }
    for (int a = 0; a < fw->nadjustments; a++) {
        double c;
        if (fw->adjustments[a].kind != CS__ADJ_PENALTY || cs__res_get(res, plan->adj[a].cond, row, &c) || c == 0) continue;
        double before, after;
        cs__res_get(res, plan->adj[a].total_before, row, &before);
        cs__res_get(res, plan->adj[a].total_after, row, &after);
        subject s = {CS__SUBJECT_PENALTY, a, 0, -(before - after), 0, {0}};
        penalty_option(&pl, &s);
        cs__vec_push(&pl.subjects, s);
    }
    enumerate(&pl);
done:
    for (int i = 0; i < fw->nindicators; i++)
        if (pl.uncosted[i]) u->uncosted[u->nuncosted++] = i;
    u->steps = cs__arena_alloc(&u->arena, sizeof(cs__upgrade_step) * (pl.steps.n + 1));
    if (pl.steps.n) memcpy(u->steps, pl.steps.items, sizeof(cs__upgrade_step) * pl.steps.n);
    u->nsteps = u->status == CS__PLAN_FOUND ? (int)pl.steps.n : 0;
    for (int k = 0; k < u->nsteps; k++) u->effort += u->steps[k].effort;
    for (size_t s = 0; s < pl.subjects.n; s++) cs__vec_free(&pl.subjects.items[s].opts);
    cs__vec_free(&pl.subjects);
    cs__vec_free(&pl.steps);
    cs__vec_free(&pl.base);
    free(pl.uncosted);
    cs__probe_done(&pl.p);
    return u;
}

cs_status cs__upgrade_find(const cs_plan *plan, const cs_results *res, size_t row, const cs__planner_opts *o, cs__upgrade **out,
                           cs_diag *diag)
{
    *out = NULL;
    const cs_framework *fw = plan->fw;
    if (!fw->nratings) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "框架 %s 没有星级，无法规划 / framework %s has no star levels to plan for", fw->id, fw->id);
        return CS_EUSAGE;
    }
    if (!o || !o->target) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "升级规划需要目标星级 --target / the planner needs a target star level");
        return CS_EUSAGE;
    }
    int target = cs__planner_target(fw, o, diag);
    if (target <= 0) return CS_EUSAGE;
    /* A higher star level also meets the target. When the target has extra conditions, reaching a
     * higher level's line instead may cost less; plan for each level up to the first one without
     * extra conditions (beyond it, a plan must pass that one's line anyway) and keep the cheapest. */
    cs__upgrade *first = NULL, *best = NULL;
    for (int level = target; level <= fw->nratings; level++) {
        cs__upgrade *u = plan_level(plan, res, row, o, target, level);
        int keep = 0, already = u->status == CS__PLAN_ALREADY;
        if (level == target) first = u, keep = 1;
        if (u->status != CS__PLAN_UNREACHABLE && (!best || u->effort < best->effort - 1e-9)) {
            if (best && best != first) cs__upgrade_free(best);
            best = u;
            keep = 1;
        }
        if (!keep) cs__upgrade_free(u);
        int later_lower = 0;
        for (int k = level + 1; k <= fw->nratings; k++) later_lower |= fw->ratings[k - 1].min_total < fw->ratings[level - 1].min_total;
        if (already) break;
        if (!fw->ratings[level - 1].ncriteria && !later_lower) break;
    }
    if (best && best != first) cs__upgrade_free(first);
    *out = best ? best : first;
    return CS_OK;
}

void cs__upgrade_free(cs__upgrade *u)
{
    if (!u) return;
    cs__arena_release(&u->arena);
    free(u);
}
