/*
 * output.c — results and frameworks for people and programs: JSON (jansson), plain text and
 * CSV. Shared by the CLI and, later, the HTTP API and reports; reads results, never computes.
 */
#include <math.h>
#include <string.h>

#include "output.h"

static json_t *num_or_null(int missing, double v)
{
    return missing ? json_null() : json_real(v);
}

/* A JSON number that prints as an integer when it is one. */
static json_t *jnum(double v)
{
    if (v == floor(v) && fabs(v) < 1e15) return json_integer((json_int_t)v);
    return json_real(v);
}

static json_t *strings(const char **v, int n)
{
    json_t *a = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(a, json_string(v[i]));
    return a;
}

static json_t *group_path(const cs_framework *fw, int g)
{
    json_t *a = json_array();
    while (g >= 0) {
        json_array_insert_new(a, 0, json_string(fw->groups[g].name));
        g = fw->groups[g].parent;
    }
    return a;
}

/* An adjustment as declared: code, kind, printed text, amount. */
json_t *cs__json_adjustment(const cs__adjustment *adj)
{
    json_t *j = json_object();
    if (adj->code) json_object_set_new(j, "code", json_string(adj->code));
    json_object_set_new(j, "kind", json_string(adj->kind == CS__ADJ_VETO ? "veto" : "penalty"));
    if (adj->text) json_object_set_new(j, "text", json_string(adj->text));
    if (adj->points_text) json_object_set_new(j, "points", json_string(adj->points_text));
    return j;
}

json_t *cs__json_result(const cs_results *res, size_t r)
{
    const cs_plan *plan = res->plan;
    const cs_framework *fw = plan->fw;
    json_t *o = json_object();
    json_object_set_new(o, "framework", json_string(fw->id));
    json_object_set_new(o, "region", json_string(res->regions[r]));
    json_object_set_new(o, "period", json_string(res->period));
    double total;
    cs__res_get(res, plan->total, r, &total);
    json_object_set_new(o, "total", jnum(total));
    json_object_set_new(o, "max_total", jnum(fw->max_score));
    const char *rating = cs_results_rating(res, r);
    json_object_set_new(o, "rating", rating ? json_string(rating) : json_null());
    json_t *missing = json_array();
    json_t *inds = json_array();
    for (int i = 0; i < fw->nindicators; i++) {
        const cs__indicator *ind = &fw->indicators[i];
        json_t *j = json_object();
        json_object_set_new(j, "code", json_string(ind->code));
        json_object_set_new(j, "name", json_string(ind->name));
        json_object_set_new(j, "group", group_path(fw, ind->group));
        json_object_set_new(j, "rule", json_string(cs__rule_kind_name(ind->rule.kind)));
        double pts = 0;
        int miss = cs__res_points(res, r, i, &pts);
        if (miss < 0) {
            json_object_set_new(j, "points", json_null());
            json_object_set_new(j, "max_points", json_integer(0));
        } else {
            json_object_set_new(j, "points", miss ? json_null() : jnum(pts));
            json_object_set_new(j, "max_points", jnum(ind->max_points));
            if (miss) {
                json_object_set_new(j, "missing", json_string(cs__missing_text(miss)));
                json_array_append_new(missing, json_string(ind->code));
            }
        }
        const cs__applied_override *ov = cs__res_override(res, r, i);
        if (ov)
            json_object_set_new(j, "override",
                                json_pack("{s:o, s:o, s:s}", "computed_points", num_or_null(ov->computed_missing, ov->computed),
                                          "points", jnum(ov->points), "reason", ov->reason));
        int tier = cs__res_tier(res, r, i);
        json_object_set_new(j, "tier", tier > 0 ? json_string(ind->rule.tiers[tier - 1].level) : json_null());
        if (ind->rule.kind == CS__RULE_TIERS && tier >= 0 && tier < ind->rule.ntiers) {
            /* the next tier up: what it asks and what it would add (tiers are in rising order) */
            const cs__tier *t = &ind->rule.tiers[tier];
            json_t *nj = json_object();
            json_object_set_new(nj, "level", json_string(t->level));
            json_object_set_new(nj, "points", jnum(t->points));
            if (t->text) json_object_set_new(nj, "text", json_string(t->text));
            json_object_set_new(j, "next_tier", nj);
        }
        if (ind->value_sym >= 0) {
            double v;
            int vm = cs__res_sym(res, r, ind->value_sym, &v);
            json_object_set_new(j, "value", num_or_null(vm, v));
            json_object_set_new(j, "unit", json_string(cs__fw_symbol_unit(fw, ind->value_sym)));
        }
        json_object_set_new(j, "departments", strings(ind->departments, ind->ndepartments));
        if (ind->nmeasures) {
            json_t *ms = json_array();
            for (int k = 0; k < ind->nmeasures; k++) {
                const cs__measure *m = &fw->measures[ind->measures[k]];
                double v;
                int mm = cs__res_sym(res, r, fw->nelements + ind->measures[k], &v);
                json_t *mj = json_object();
                json_object_set_new(mj, "code", json_string(m->code));
                json_object_set_new(mj, "name", json_string(m->name));
                json_object_set_new(mj, "value", num_or_null(mm, v));
                json_object_set_new(mj, "unit", json_string(m->unit));
                if (mm) json_object_set_new(mj, "missing", json_string(cs__missing_text(mm)));
                json_array_append_new(ms, mj);
            }
            json_object_set_new(j, "measures", ms);
        }
        cs__buf b = {0};
        cs__explain_indicator(res, r, i, &b);
        json_object_set_new(j, "explanation", json_string(cs__buf_str(&b)));
        cs__buf_free(&b);
        json_array_append_new(inds, j);
    }
    json_object_set_new(o, "complete", json_boolean(json_array_size(missing) == 0));
    json_object_set_new(o, "missing_indicators", missing);
    json_t *adjs = json_array();
    for (int a = 0; a < fw->nadjustments; a++) {
        json_t *j = cs__json_adjustment(&fw->adjustments[a]);
        double c;
        int m = cs__res_get(res, plan->adj[a].cond, r, &c);
        json_object_set_new(j, "applied", m ? json_null() : json_boolean(c != 0));
        json_array_append_new(adjs, j);
    }
    json_object_set_new(o, "adjustments", adjs);
    cs__buf b = {0};
    cs__explain_total(res, r, &b);
    json_object_set_new(o, "explanation", json_string(cs__buf_str(&b)));
    cs__buf_free(&b);
    json_object_set_new(o, "indicators", inds);
    return o;
}

json_t *cs__json_framework(const cs_framework *fw)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(fw->id));
    json_object_set_new(o, "title", json_string(fw->title));
    if (fw->issuer) json_object_set_new(o, "issuer", json_string(fw->issuer));
    if (fw->year) json_object_set_new(o, "year", json_integer(fw->year));
    if (fw->source) json_object_set_new(o, "source", json_string(fw->source));
    json_object_set_new(o, "region_level", json_string(fw->region_level));
    static const char *scoring[] = {"points", "weighted", "monitor"};
    json_object_set_new(o, "scoring", json_string(scoring[fw->scoring]));
    json_object_set_new(o, "max_score", jnum(fw->max_score));
    json_object_set_new(o, "levels", strings(fw->levels, fw->nlevels));
    json_object_set_new(o, "tier_levels", strings(fw->tier_levels, fw->ntier_levels));
    json_object_set_new(o, "indicator_count", json_integer(fw->nindicators));
    json_object_set_new(o, "element_count", json_integer(fw->nelements));
    json_t *gs = json_array();
    for (int g = 0; g < fw->ngroups; g++) {
        const cs__group *gr = &fw->groups[g];
        json_t *j = json_object();
        json_object_set_new(j, "code", json_string(gr->code));
        json_object_set_new(j, "name", json_string(gr->name));
        json_object_set_new(j, "level", json_integer(gr->depth + 1));
        json_object_set_new(j, "parent", gr->parent >= 0 ? json_string(fw->groups[gr->parent].code) : json_null());
        if (gr->has_weight) json_object_set_new(j, "weight", jnum(gr->weight));
        int count = 0;
        for (int i = 0; i < fw->nindicators; i++) count += fw->indicators[i].group == g;
        json_object_set_new(j, "indicator_count", json_integer(count));
        json_array_append_new(gs, j);
    }
    json_object_set_new(o, "groups", gs);
    static const char *types[] = {"integer", "real", "boolean"};
    json_t *elems = json_array();
    for (int e = 0; e < fw->nelements; e++) {
        const cs__element *el = &fw->elements[e];
        json_t *j = json_object();
        json_object_set_new(j, "code", json_string(el->code));
        json_object_set_new(j, "name", json_string(el->name));
        json_object_set_new(j, "unit", json_string(el->unit ? el->unit : ""));
        json_object_set_new(j, "type", json_string(types[el->type]));
        if (el->has_min) json_object_set_new(j, "min", jnum(el->min));
        if (el->has_max) json_object_set_new(j, "max", jnum(el->max));
        if (el->n_at_most) json_object_set_new(j, "at_most", strings(el->at_most, el->n_at_most));
        json_object_set_new(j, "required", json_boolean(el->required > 0));
        json_object_set_new(j, "indicators", json_array()); /* filled below: the indicators that read it */
        json_array_append_new(elems, j);
    }
    unsigned char *used = cs__xcalloc((size_t)fw->nelements + 1, 1);
    unsigned char *walked = cs__xcalloc((size_t)fw->nmeasures + 1, 1);
    json_t *is = json_array();
    for (int i = 0; i < fw->nindicators; i++) {
        const cs__indicator *ind = &fw->indicators[i];
        json_t *j = json_object();
        json_object_set_new(j, "code", json_string(ind->code));
        json_object_set_new(j, "name", json_string(ind->name));
        json_object_set_new(j, "group", ind->group >= 0 ? json_string(fw->groups[ind->group].code) : json_null());
        json_object_set_new(j, "leading", json_boolean(ind->leading));
        if (ind->has_weight) json_object_set_new(j, "weight", jnum(ind->weight));
        json_object_set_new(j, "rule", json_string(cs__rule_kind_name(ind->rule.kind)));
        if (ind->rule.text) json_object_set_new(j, "requirement", json_string(ind->rule.text));
        json_object_set_new(j, "max_points", jnum(ind->max_points));
        json_object_set_new(j, "departments", strings(ind->departments, ind->ndepartments));
        if (ind->definition) json_object_set_new(j, "definition", json_string(ind->definition));
        if (ind->ntags) json_object_set_new(j, "tags", strings(ind->tags, ind->ntags));
        if (ind->code_national || ind->code_shandong) {
            json_t *c = json_object();
            if (ind->code_national) json_object_set_new(c, "national", json_string(ind->code_national));
            if (ind->code_shandong) json_object_set_new(c, "shandong", json_string(ind->code_shandong));
            json_object_set_new(j, "codes", c);
        }
        if (ind->src_document || ind->src_table || ind->src_row) {
            json_t *s = json_object();
            if (ind->src_document) json_object_set_new(s, "document", json_string(ind->src_document));
            if (ind->src_table) json_object_set_new(s, "table", json_string(ind->src_table));
            if (ind->src_row) json_object_set_new(s, "row", json_string(ind->src_row));
            json_object_set_new(j, "source", s);
        }
        json_t *tiers = json_array();
        for (int t = 0; t < ind->rule.ntiers; t++) {
            json_t *tj = json_object();
            json_object_set_new(tj, "level", json_string(ind->rule.tiers[t].level));
            json_object_set_new(tj, "points", jnum(ind->rule.tiers[t].points));
            if (ind->rule.tiers[t].text) json_object_set_new(tj, "text", json_string(ind->rule.tiers[t].text));
            json_array_append_new(tiers, tj);
        }
        json_object_set_new(j, "tiers", tiers);
        memset(used, 0, (size_t)fw->nelements);
        memset(walked, 0, (size_t)fw->nmeasures + 1);
        cs__fw_indicator_elements(fw, i, used, walked);
        json_t *es = json_array();
        for (int e = 0; e < fw->nelements; e++) {
            if (!used[e]) continue;
            json_array_append_new(es, json_string(fw->elements[e].code));
            json_array_append_new(json_object_get(json_array_get(elems, (size_t)e), "indicators"),
                                  json_string(ind->code));
        }
        json_object_set_new(j, "elements", es);
        json_array_append_new(is, j);
    }
    free(used);
    free(walked);
    json_object_set_new(o, "indicators", is);
    json_object_set_new(o, "elements", elems);
    json_t *as = json_array();
    for (int a = 0; a < fw->nadjustments; a++) {
        json_array_append_new(as, cs__json_adjustment(&fw->adjustments[a]));
    }
    json_object_set_new(o, "adjustments", as);
    json_t *rs = json_array();
    for (int r = 0; r < fw->nratings; r++) {
        json_t *j = json_object();
        json_object_set_new(j, "name", json_string(fw->ratings[r].name));
        json_object_set_new(j, "min_total", jnum(fw->ratings[r].min_total));
        if (fw->ratings[r].text) json_object_set_new(j, "text", json_string(fw->ratings[r].text));
        json_array_append_new(rs, j);
    }
    json_object_set_new(o, "ratings", rs);
    return o;
}

void cs__text_result(const cs_results *res, size_t r, int explain, FILE *f)
{
    const cs_framework *fw = res->plan->fw;
    double total;
    cs__res_get(res, res->plan->total, r, &total);
    const char *rating = cs_results_rating(res, r);
    cs__buf b = {0};
    cs__buf_number(&b, total, 2);
    cs__buf_append(&b, " / ");
    cs__buf_number(&b, fw->max_score, 2);
    fprintf(f, "地区 %s  年度 %s  框架 %s\n总分 %s 分  星级 %s\n", res->regions[r], res->period, fw->id, cs__buf_str(&b),
            rating ? rating : (fw->nratings ? "未达到星级" : "—"));
    cs__buf_reset(&b);
    cs__explain_total(res, r, &b);
    fprintf(f, "说明：%s\n", cs__buf_str(&b));
    for (int i = 0; i < fw->nindicators; i++) {
        const cs__indicator *ind = &fw->indicators[i];
        double pts;
        int miss = cs__res_points(res, r, i, &pts);
        cs__buf_reset(&b);
        if (miss < 0) cs__buf_append(&b, "监测");
        else if (miss) cs__buf_append(&b, "缺失");
        else cs__buf_number(&b, pts, 2);
        if (miss >= 0) {
            cs__buf_append(&b, "/");
            cs__buf_number(&b, ind->max_points, 2);
        }
        int tier = cs__res_tier(res, r, i);
        fprintf(f, "  %-6s %-10s %s%s%s\n", ind->code, cs__buf_str(&b), ind->name, tier > 0 ? "  " : "",
                tier > 0 ? ind->rule.tiers[tier - 1].level : "");
        if (explain) {
            cs__buf_reset(&b);
            cs__explain_indicator(res, r, i, &b);
            fprintf(f, "         %s\n", cs__buf_str(&b));
        }
    }
    cs__buf_free(&b);
}

void cs__csv_field(FILE *f, const char *s, int last)
{
    if (!s) s = "";
    if (strpbrk(s, ",\"\n\r")) {
        fputc('"', f);
        for (; *s; s++) {
            if (*s == '"') fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
    fputc(last ? '\n' : ',', f);
}

void cs__csv_results_header(const cs_framework *fw, FILE *f)
{
    cs__csv_field(f, "region", 0);
    cs__csv_field(f, "period", 0);
    cs__csv_field(f, "total", 0);
    cs__csv_field(f, "max_total", 0);
    cs__csv_field(f, "rating", fw->nindicators == 0);
    for (int i = 0; i < fw->nindicators; i++) cs__csv_field(f, fw->indicators[i].code, i == fw->nindicators - 1);
}

void cs__csv_result(const cs_results *res, size_t r, FILE *f)
{
    const cs_framework *fw = res->plan->fw;
    cs__buf b = {0};
    double total;
    cs__res_get(res, res->plan->total, r, &total);
    cs__csv_field(f, res->regions[r], 0);
    cs__csv_field(f, res->period, 0);
    cs__buf_number(&b, total, 6);
    cs__csv_field(f, cs__buf_str(&b), 0);
    cs__buf_reset(&b);
    cs__buf_number(&b, fw->max_score, 6);
    cs__csv_field(f, cs__buf_str(&b), 0);
    const char *rating = cs_results_rating(res, r);
    cs__csv_field(f, rating ? rating : "", fw->nindicators == 0);
    for (int i = 0; i < fw->nindicators; i++) {
        double pts;
        int miss = cs__res_points(res, r, i, &pts);
        cs__buf_reset(&b);
        if (miss == 0) cs__buf_number(&b, pts, 6);
        cs__csv_field(f, cs__buf_str(&b), i == fw->nindicators - 1);
    }
    cs__buf_free(&b);
}
