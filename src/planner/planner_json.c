/*
 * planner_json.c — the gap analysis and the upgrade plan as JSON (jansson), for the CLI's
 * --format json and the API (GET /api/gap, GET /api/plan). Builders take a plan, results, a row
 * and options and return a new object; no I/O.
 */
#include <math.h>
#include <string.h>

#include "planner_int.h"

/* A JSON number that prints as an integer when it is one. */
static json_t *jnum(double v)
{
    if (v == floor(v) && fabs(v) < 1e15) return json_integer((json_int_t)v);
    return json_real(v);
}

static json_t *jstr_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *departments(const cs__indicator *ind)
{
    json_t *a = json_array();
    for (int d = 0; d < ind->ndepartments; d++) json_array_append_new(a, json_string(ind->departments[d]));
    return a;
}

static json_t *group_path(const cs_framework *fw, int g)
{
    json_t *a = json_array();
    for (; g >= 0; g = fw->groups[g].parent) json_array_insert_new(a, 0, json_string(fw->groups[g].name));
    return a;
}

static json_t *changes_json(const cs_framework *fw, const cs__change *ch, int n)
{
    json_t *a = json_array();
    for (int k = 0; k < n; k++) {
        const cs__element *el = &fw->elements[ch[k].element];
        json_t *c = json_object();
        json_object_set_new(c, "element", json_string(el->code));
        json_object_set_new(c, "name", json_string(el->name));
        json_object_set_new(c, "unit", json_string(el->unit));
        if (el->type == CS__ELEM_BOOLEAN) {
            json_object_set_new(c, "from", json_boolean(ch[k].from != 0));
            json_object_set_new(c, "to", json_boolean(ch[k].to != 0));
        } else {
            json_object_set_new(c, "from", jnum(ch[k].from));
            json_object_set_new(c, "to", jnum(ch[k].to));
            json_object_set_new(c, "delta", jnum(ch[k].to - ch[k].from));
        }
        json_array_append_new(a, c);
    }
    return a;
}

static json_t *need_json(const cs_framework *fw, const cs__need *n)
{
    static const char *status[] = {"met", "change", "missing", "none"};
    json_t *j = json_object();
    json_object_set_new(j, "requirement", jstr_or_null(n->text));
    json_object_set_new(j, "status", json_string(status[n->status]));
    json_object_set_new(j, "gap", jstr_or_null(n->sentence));
    if (n->sym >= 0) {
        json_t *m = json_object();
        int is_el = n->sym < fw->nelements;
        json_object_set_new(m, "code", json_string(is_el ? fw->elements[n->sym].code : fw->measures[n->sym - fw->nelements].code));
        json_object_set_new(m, "name", json_string(cs__fw_symbol_name(fw, n->sym)));
        json_object_set_new(m, "unit", json_string(cs__fw_symbol_unit(fw, n->sym)));
        json_object_set_new(m, "value", jnum(n->value));
        json_object_set_new(m, "threshold", jnum(n->threshold));
        json_object_set_new(j, "measure", m);
    }
    json_object_set_new(j, "changes", changes_json(fw, n->changes, n->nchanges));
    if (n->nparts) {
        json_t *parts = json_array();
        for (int k = 0; k < n->nparts; k++) json_array_append_new(parts, need_json(fw, &n->parts[k]));
        json_object_set_new(j, "parts", parts);
    }
    return j;
}

static json_t *needs_json(const cs_framework *fw, const cs__need *n, int count, int skip_met)
{
    json_t *a = json_array();
    for (int k = 0; k < count; k++)
        if (!skip_met || n[k].status != CS__NEED_MET) json_array_append_new(a, need_json(fw, &n[k]));
    return a;
}

static json_t *rating_json(const cs_framework *fw, int r)
{
    return r > 0 ? json_string(fw->ratings[r - 1].name) : json_null();
}

json_t *cs__gap_to_json(const cs__gap *g)
{
    const cs_framework *fw = g->plan->fw;
    json_t *o = json_object();
    json_object_set_new(o, "framework", json_string(fw->id));
    json_object_set_new(o, "region", json_string(g->region));
    json_object_set_new(o, "period", json_string(g->period));
    json_object_set_new(o, "total", jnum(g->total));
    json_object_set_new(o, "max_total", jnum(fw->max_score));
    json_object_set_new(o, "rating", rating_json(fw, g->rating));
    if (g->target) {
        const cs__rating *rt = &fw->ratings[g->target - 1];
        json_t *t = json_object();
        json_object_set_new(t, "name", json_string(rt->name));
        json_object_set_new(t, "min_total", jnum(rt->min_total));
        json_object_set_new(t, "points_missing", jnum(g->target_points));
        json_object_set_new(t, "conditions", needs_json(fw, g->target_needs, g->ntarget_needs, 1));
        json_object_set_new(o, "target", t);
    } else {
        json_object_set_new(o, "target", json_null());
    }
    json_t *miss = json_array();
    for (int k = 0; k < g->nmissing; k++) {
        const cs__indicator *ind = &fw->indicators[g->missing[k]];
        json_array_append_new(miss, json_pack("{s:s, s:s, s:o, s:s}", "code", ind->code, "name", ind->name, "max_points",
                                              jnum(ind->max_points), "explanation", g->missing_text[k]));
    }
    json_object_set_new(o, "missing", miss);
    json_t *ded = json_array();
    for (int k = 0; k < g->ndeductions; k++) {
        const cs__indicator *ind = &fw->indicators[g->deductions[k]];
        json_array_append_new(ded, json_pack("{s:s, s:s, s:o}", "code", ind->code, "name", ind->name, "points", jnum(g->deducted[k])));
    }
    json_object_set_new(o, "deductions", ded);
    json_t *adjs = json_array();
    for (int k = 0; k < g->nadjs; k++) {
        const cs__gap_adjustment *ga = &g->adjs[k];
        const cs__adjustment *adj = &fw->adjustments[ga->adjustment];
        json_t *j = json_object();
        json_object_set_new(j, "code", jstr_or_null(adj->code));
        json_object_set_new(j, "kind", json_string(adj->kind == CS__ADJ_VETO ? "veto" : "penalty"));
        json_object_set_new(j, "text", jstr_or_null(adj->text));
        json_object_set_new(j, "applied", ga->applied < 0 ? json_null() : json_boolean(ga->applied));
        if (ga->applied > 0) {
            if (adj->kind == CS__ADJ_PENALTY) json_object_set_new(j, "amount", jnum(ga->amount));
            json_object_set_new(j, "lift", need_json(fw, &ga->lift));
        }
        json_array_append_new(adjs, j);
    }
    json_object_set_new(o, "adjustments", adjs);
    json_t *inds = json_array();
    static const char *kinds[] = {"tier", "items", "formula"};
    for (int k = 0; k < g->ninds; k++) {
        const cs__gap_indicator *gi = &g->inds[k];
        const cs__indicator *ind = &fw->indicators[gi->indicator];
        json_t *j = json_object();
        json_object_set_new(j, "code", json_string(ind->code));
        json_object_set_new(j, "name", json_string(ind->name));
        json_object_set_new(j, "group", group_path(fw, ind->group));
        json_object_set_new(j, "departments", departments(ind));
        json_object_set_new(j, "points", jnum(gi->points));
        json_object_set_new(j, "max_points", jnum(ind->max_points));
        json_object_set_new(j, "tier", gi->kind == CS__STEP_TIER && gi->tier > 0 ? json_string(ind->rule.tiers[gi->tier - 1].level) : json_null());
        json_object_set_new(j, "value", json_string(gi->value_text ? gi->value_text : ""));
        json_object_set_new(j, "overridden", json_boolean(gi->overridden));
        if (!gi->overridden) {
            json_t *n = json_object();
            json_object_set_new(n, "kind", json_string(kinds[gi->kind]));
            if (gi->kind == CS__STEP_TIER) {
                const cs__tier *t = &ind->rule.tiers[gi->next_tier - 1];
                json_object_set_new(n, "level", json_string(t->level));
                json_object_set_new(n, "requirement", jstr_or_null(t->text));
            }
            json_object_set_new(n, "points_added", jnum(gi->points_added));
            json_object_set_new(n, "reachable", json_boolean(gi->reachable));
            json_object_set_new(n, "needs", needs_json(fw, gi->needs, gi->nneeds, 1));
            json_object_set_new(j, "next", n);
        }
        json_array_append_new(inds, j);
    }
    json_object_set_new(o, "indicators", inds);
    return o;
}

json_t *cs__upgrade_to_json(const cs__upgrade *u)
{
    static const char *status[] = {"found", "already", "unreachable"};
    static const char *kinds[] = {"indicator", "penalty", "veto", "rating"};
    const cs_framework *fw = u->plan->fw;
    const cs__rating *rt = &fw->ratings[u->target - 1];
    json_t *o = json_object();
    json_object_set_new(o, "framework", json_string(fw->id));
    json_object_set_new(o, "region", json_string(u->region));
    json_object_set_new(o, "period", json_string(u->period));
    json_object_set_new(o, "target", json_pack("{s:s, s:o}", "name", rt->name, "min_total", jnum(rt->min_total)));
    json_object_set_new(o, "level", json_string(fw->ratings[u->level - 1].name));
    json_object_set_new(o, "status", json_string(status[u->status]));
    json_object_set_new(o, "reachable", json_boolean(u->status != CS__PLAN_UNREACHABLE));
    json_object_set_new(o, "reason", jstr_or_null(u->reason));
    json_object_set_new(o, "unit", json_string(u->unit));
    json_object_set_new(o, "effort", jnum(u->effort));
    json_object_set_new(o, "before", json_pack("{s:o, s:o}", "total", jnum(u->total_before), "rating", rating_json(fw, u->rating_before)));
    if (u->status == CS__PLAN_UNREACHABLE) json_object_set_new(o, "after", json_null());
    else json_object_set_new(o, "after", json_pack("{s:o, s:o}", "total", jnum(u->total_after), "rating", rating_json(fw, u->rating_after)));
    json_t *steps = json_array();
    for (int k = 0; k < u->nsteps; k++) {
        const cs__upgrade_step *st = &u->steps[k];
        json_t *j = json_object();
        json_object_set_new(j, "kind", json_string(kinds[st->kind]));
        if (st->kind == CS__SUBJECT_INDICATOR) {
            const cs__indicator *ind = &fw->indicators[st->index];
            json_object_set_new(j, "code", json_string(ind->code));
            json_object_set_new(j, "name", json_string(ind->name));
            if (ind->rule.kind == CS__RULE_TIERS) {
                json_object_set_new(j, "from_tier", st->from_tier > 0 ? json_string(ind->rule.tiers[st->from_tier - 1].level) : json_null());
                json_object_set_new(j, "to_tier", st->to_tier > 0 ? json_string(ind->rule.tiers[st->to_tier - 1].level) : json_null());
            }
            json_object_set_new(j, "from_points", jnum(st->from_points));
            json_object_set_new(j, "to_points", jnum(st->to_points));
            json_object_set_new(j, "points_added", jnum(st->to_points - st->from_points));
            json_object_set_new(j, "departments", departments(ind));
        } else if (st->kind == CS__SUBJECT_RATING) {
            json_object_set_new(j, "name", json_string(fw->ratings[st->index].name));
        } else {
            const cs__adjustment *adj = &fw->adjustments[st->index];
            json_object_set_new(j, "code", jstr_or_null(adj->code));
            json_object_set_new(j, "name", jstr_or_null(adj->text));
            if (st->kind == CS__SUBJECT_PENALTY) json_object_set_new(j, "points_added", jnum(-st->from_points));
        }
        json_object_set_new(j, "effort", jnum(st->effort));
        json_object_set_new(j, "relative", jnum(st->relative));
        json_object_set_new(j, "costed", json_boolean(st->costed));
        json_object_set_new(j, "changes", changes_json(fw, st->changes, st->nchanges));
        json_object_set_new(j, "needs", needs_json(fw, st->needs, st->nneeds, 1));
        json_array_append_new(steps, j);
    }
    json_object_set_new(o, "steps", steps);
    json_t *miss = json_array(), *unc = json_array();
    for (int k = 0; k < u->nmissing; k++) json_array_append_new(miss, json_string(fw->indicators[u->missing[k]].code));
    for (int k = 0; k < u->nuncosted; k++) json_array_append_new(unc, json_string(fw->indicators[u->uncosted[k]].code));
    json_object_set_new(o, "missing_indicators", miss);
    json_object_set_new(o, "uncosted_indicators", unc);
    json_object_set_new(o, "best_total", u->best_total >= 0 ? jnum(u->best_total) : json_null());
    json_object_set_new(o, "points_step", jnum(u->points_step));
    json_object_set_new(o, "candidates", json_integer((json_int_t)u->candidates));
    return o;
}

json_t *cs__json_gap(const cs_plan *plan, const cs_results *res, size_t row, const cs__planner_opts *o)
{
    cs__gap *g = NULL;
    if (cs__gap_analyse(plan, res, row, o, &g, o ? o->diag : NULL) != CS_OK) return NULL;
    json_t *j = cs__gap_to_json(g);
    cs__gap_free(g);
    return j;
}

json_t *cs__json_upgrade(const cs_plan *plan, const cs_results *res, size_t row, const cs__planner_opts *o)
{
    cs__upgrade *u = NULL;
    if (cs__upgrade_find(plan, res, row, o, &u, o ? o->diag : NULL) != CS_OK) return NULL;
    json_t *j = cs__upgrade_to_json(u);
    cs__upgrade_free(u);
    return j;
}
