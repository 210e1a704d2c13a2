/*
 * report.c — builds report documents (report.h): everything a region report or a summary report
 * says, as one JSON object read from the results, the gap analysis and the upgrade plan. Nothing
 * here is rendered and nothing is computed that the engine or the planner does not say.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "output/output.h"
#include "planner/planner.h"
#include "report/report.h"

/* A number, or null when missing. */
static json_t *num_or_null(int missing, double v)
{
    return missing ? json_null() : json_real(v);
}

static json_t *str_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

/* The framework as the report cites it: title, issuer, year and star levels. */
static json_t *framework_json(const cs_framework *fw)
{
    json_t *ratings = json_array();
    for (int k = 0; k < fw->nratings; k++)
        json_array_append_new(ratings, json_pack("{s:s, s:f, s:o}", "name", fw->ratings[k].name, "min_total",
                                                 fw->ratings[k].min_total, "text", str_or_null(fw->ratings[k].text)));
    static const char *const scoring[] = {"points", "weighted", "monitor"};
    return json_pack("{s:s, s:s, s:o, s:o, s:i, s:s, s:s, s:f, s:o}", "id", fw->id, "title", fw->title, "issuer",
                     str_or_null(fw->issuer), "source", str_or_null(fw->source), "year", fw->year, "region_level",
                     fw->region_level, "scoring", scoring[fw->scoring], "max_total", fw->max_score, "ratings", ratings);
}

static json_t *place_json(const cs__report_place *p)
{
    return json_pack("{s:s, s:o, s:o, s:o}", "code", p->code, "name", str_or_null(p->name), "level", str_or_null(p->level),
                     "path", str_or_null(p->path));
}

static json_t *data_json(int64_t as_of, const char *sha, int approved_only)
{
    return json_pack("{s:I, s:o, s:b}", "as_of", (json_int_t)as_of, "sha256", str_or_null(sha), "approved_only", approved_only);
}

/* The top-level group (一级指标) an indicator belongs to, -1 when the framework has none. */
static int top_group(const cs_framework *fw, int i)
{
    int g = fw->indicators[i].group;
    while (g >= 0 && fw->groups[g].parent >= 0) g = fw->groups[g].parent;
    return g;
}

/* Points and maximum per top-level group for row r: the 一级指标 chart. A framework without
 * groups gives an empty array. Monitor indicators count nowhere. */
static json_t *groups_json(const cs_results *res, size_t r)
{
    const cs_framework *fw = res->plan->fw;
    json_t *out = json_array();
    for (int g = 0; g < fw->ngroups; g++) {
        if (fw->groups[g].parent >= 0) continue;
        double points = 0, max = 0;
        int n = 0, missing = 0;
        for (int i = 0; i < fw->nindicators; i++) {
            if (top_group(fw, i) != g) continue;
            double p;
            int m = cs__res_points(res, r, i, &p);
            if (m < 0) continue;
            n++;
            max += fw->indicators[i].max_points;
            if (m) missing++;
            else points += p;
        }
        if (!n) continue; /* a group holding only penalties and vetoes (市民体验) */
        /* points of the indicators scored; null (缺数据) when none could be */
        json_array_append_new(out, json_pack("{s:s, s:s, s:o, s:f, s:i, s:i}", "code", fw->groups[g].code, "name",
                                             fw->groups[g].name, "points", missing == n ? json_null() : json_real(points),
                                             "max_points", max, "indicators", n, "missing", missing));
    }
    return out;
}

/* The star level above the region's and the points it still lacks (null at the top). */
static json_t *next_rating_json(const cs_results *res, size_t r)
{
    const cs_framework *fw = res->plan->fw;
    const char *now = cs_results_rating(res, r);
    int at = 0;
    for (int k = 0; now && k < fw->nratings; k++)
        if (!strcmp(fw->ratings[k].name, now)) at = k + 1;
    if (at >= fw->nratings) return json_null();
    double total;
    int m = cs__res_get(res, res->plan->total, r, &total);
    const cs__rating *next = &fw->ratings[at];
    double short_by = m ? NAN : next->min_total - total;
    return json_pack("{s:s, s:f, s:o}", "name", next->name, "min_total", next->min_total, "points_short",
                     m ? json_null() : json_real(short_by > 0 ? short_by : 0));
}

/* The indicators reading element e, by code. */
static json_t *element_indicators(const cs_framework *fw, int e, unsigned char *used, unsigned char *walked)
{
    json_t *out = json_array();
    for (int i = 0; i < fw->nindicators; i++) {
        memset(used, 0, (size_t)fw->nelements);
        memset(walked, 0, (size_t)fw->nmeasures + 1);
        cs__fw_indicator_elements(fw, i, used, walked);
        if (used[e]) json_array_append_new(out, json_string(fw->indicators[i].code));
    }
    return out;
}

static json_t *sources_json(const cs_framework *fw, const cs__report_value *v, size_t n)
{
    json_t *out = json_array();
    unsigned char *used = cs__xmalloc((size_t)fw->nelements + 1), *walked = cs__xmalloc((size_t)fw->nmeasures + 1);
    for (size_t k = 0; k < n; k++) {
        const cs__element *el = &fw->elements[v[k].element];
        cs__buf text = {0};
        cs__format_sym_value(fw, v[k].element, v[k].value, v[k].is_missing, &text);
        json_t *j = json_pack("{s:s, s:s, s:s, s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:o, s:o}", "element", el->code,
                              "name", el->name, "unit", el->unit ? el->unit : "", "value", num_or_null(v[k].is_missing, v[k].value),
                              "text", v[k].is_missing && v[k].missing_reason ? v[k].missing_reason : cs__buf_str(&text),
                              "state", str_or_null(v[k].state), "actor", str_or_null(v[k].actor), "at", str_or_null(v[k].at),
                              "source_kind", str_or_null(v[k].source_kind), "source_name", str_or_null(v[k].source_name),
                              "source_row", v[k].source_row ? json_integer(v[k].source_row) : json_null(), "revision",
                              (json_int_t)v[k].revision, "note", str_or_null(v[k].note), "indicators",
                              element_indicators(fw, v[k].element, used, walked));
        static const char *const types[] = {"integer", "real", "boolean"};
        json_object_set_new(j, "type", json_string(types[el->type]));
        cs__buf_free(&text);
        json_array_append_new(out, j);
    }
    free(used);
    free(walked);
    return out;
}

/* Figures computed from the level below replace the reported ones in the sources: the source
 * is the roll-up, described in words, and the reported figure stays in the note. */
static void merge_rollups(const cs_framework *fw, json_t *sources, const json_t *rollups)
{
    for (size_t k = 0; k < json_array_size(rollups); k++) {
        const json_t *n = json_array_get(rollups, k);
        const char *code = json_string_value(json_object_get(n, "element"));
        int e = cs__fw_element_index(fw, code);
        if (e < 0) continue;
        json_t *row = NULL;
        for (size_t q = 0; q < json_array_size(sources) && !row; q++)
            if (!strcmp(json_string_value(json_object_get(json_array_get(sources, q), "element")), code)) row = json_array_get(sources, q);
        if (!row) {
            row = json_pack("{s:s, s:s, s:s, s:n, s:n, s:n, s:n, s:I, s:o}", "element", code, "name", fw->elements[e].name, "unit",
                            fw->elements[e].unit, "state", "actor", "at", "source_row", "revision", (json_int_t)0, "indicators",
                            json_array());
            json_array_append_new(sources, row);
        }
        double v = json_number_value(json_object_get(n, "value"));
        cs__buf text = {0};
        cs__format_sym_value(fw, e, v, 0, &text);
        json_object_set_new(row, "value", json_real(v));
        json_object_set_new(row, "text", json_string(cs__buf_str(&text)));
        json_object_set_new(row, "source_kind", json_string("rollup"));
        json_object_set(row, "source_name", json_object_get(n, "text"));
        const json_t *rep = json_object_get(n, "reported");
        if (json_is_number(rep)) {
            cs__buf_reset(&text);
            cs__buf_append(&text, "填报值 ");
            cs__format_sym_value(fw, e, json_number_value(rep), 0, &text);
            json_object_set_new(row, "note", json_string(cs__buf_str(&text)));
        }
        cs__buf_free(&text);
    }
}

static json_t *evidence_json(const cs_framework *fw, const cs__report_evidence *e, size_t n)
{
    json_t *out = json_array();
    for (size_t k = 0; k < n; k++) {
        int el = e[k].element && *e[k].element ? cs__fw_element_index(fw, e[k].element) : -1;
        json_array_append_new(out, json_pack("{s:I, s:s, s:o, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "id", (json_int_t)e[k].id,
                                             "file_name", e[k].file_name, "media_type", str_or_null(e[k].media_type), "size",
                                             (json_int_t)e[k].size, "sha256", str_or_null(e[k].sha256), "element",
                                             str_or_null(e[k].element), "element_name",
                                             el >= 0 ? json_string(fw->elements[el].name) : json_null(), "indicator",
                                             str_or_null(e[k].indicator), "actor", str_or_null(e[k].actor), "at",
                                             str_or_null(e[k].at), "note", str_or_null(e[k].note)));
    }
    return out;
}

json_t *cs__report_region(const cs__report_region_in *in, cs_diag *diag)
{
    const cs_framework *fw = in->plan->fw;
    cs__planner_opts po = {in->target, NULL, 0, diag};
    cs__gap *gap = NULL;
    if (cs__gap_analyse(in->plan, in->res, in->row, &po, &gap, diag) != CS_OK) return NULL;

    json_t *doc = json_object();
    json_object_set_new(doc, "kind", json_string("region"));
    json_object_set_new(doc, "title", json_string("新型智慧城市建设评估报告"));
    json_object_set_new(doc, "framework", framework_json(fw));
    json_object_set_new(doc, "region", place_json(&in->place));
    json_object_set_new(doc, "period", json_string(in->res->period));
    json_object_set_new(doc, "generated_at", str_or_null(in->generated_at));
    json_object_set_new(doc, "data", data_json(in->as_of, in->data_sha256, in->approved_only));
    json_object_set_new(json_object_get(doc, "data"), "round", in->round ? json_integer((json_int_t)in->round) : json_null());

    json_t *score = cs__json_result(in->res, in->row);
    json_t *summary = json_object();
    json_object_set(summary, "total", json_object_get(score, "total"));
    json_object_set(summary, "max_total", json_object_get(score, "max_total"));
    json_object_set(summary, "rating", json_object_get(score, "rating"));
    json_object_set(summary, "complete", json_object_get(score, "complete"));
    json_object_set(summary, "explanation", json_object_get(score, "explanation"));
    json_object_set_new(summary, "rank", in->rank > 0 ? json_integer(in->rank) : json_null());
    json_object_set_new(summary, "peers", json_integer(in->peers));
    json_object_set_new(summary, "rank_parent", in->rank_parent > 0 ? json_integer(in->rank_parent) : json_null());
    json_object_set_new(summary, "peers_parent", json_integer(in->peers_parent));
    json_object_set_new(summary, "parent_name", str_or_null(in->parent_name));
    json_object_set_new(summary, "rank_scope", str_or_null(in->scope_name));
    json_object_set_new(summary, "next_rating", next_rating_json(in->res, in->row));
    int top = 0, below = 0, missing = 0, scored = 0;
    for (int i = 0; i < fw->nindicators; i++) {
        double p;
        int m = cs__res_points(in->res, in->row, i, &p);
        if (m < 0) continue;
        scored++;
        if (m) missing++;
        else if (p >= fw->indicators[i].max_points) top++;
        else if (fw->indicators[i].rule.kind != CS__RULE_DEDUCTION) below++;
    }
    json_object_set_new(summary, "indicators", json_integer(scored));
    json_object_set_new(summary, "at_full_marks", json_integer(top));
    json_object_set_new(summary, "below_full_marks", json_integer(below));
    json_object_set_new(summary, "missing", json_integer(missing));
    json_object_set_new(doc, "summary", summary);
    json_object_set_new(doc, "score", score);
    json_object_set_new(doc, "groups", groups_json(in->res, in->row));

    json_t *hist = json_array();
    for (size_t k = 0; k < in->nhistory; k++)
        json_array_append_new(hist, json_pack("{s:s, s:o, s:o}", "period", in->history[k].period, "total",
                                              num_or_null(in->history[k].missing, in->history[k].total), "rating",
                                              str_or_null(in->history[k].rating)));
    json_object_set_new(doc, "history", hist);

    cs__buf text = {0};
    json_object_set_new(doc, "gap", cs__gap_to_json(gap));
    cs__gap_text(gap, &text);
    json_object_set_new(doc, "gap_text", json_string(cs__buf_str(&text)));
    /* the plan aims at the gap's star level: the one asked for, or the next one */
    if (gap->target > 0 && fw->nratings) {
        cs__planner_opts uo = {fw->ratings[gap->target - 1].name, NULL, 0, diag};
        cs__upgrade *u = NULL;
        if (cs__upgrade_find(in->plan, in->res, in->row, &uo, &u, diag) == CS_OK) {
            json_object_set_new(doc, "plan", cs__upgrade_to_json(u));
            cs__buf_reset(&text);
            cs__upgrade_text(u, &text);
            json_object_set_new(doc, "plan_text", json_string(cs__buf_str(&text)));
        }
        cs__upgrade_free(u);
    }
    if (!json_object_get(doc, "plan")) {
        json_object_set_new(doc, "plan", json_null());
        json_object_set_new(doc, "plan_text", json_null());
    }
    cs__buf_free(&text);
    cs__gap_free(gap);

    json_t *sources = sources_json(fw, in->values, in->nvalues);
    merge_rollups(fw, sources, in->rollups);
    json_object_set_new(doc, "sources", sources);
    json_object_set_new(doc, "evidence", evidence_json(fw, in->evidence, in->nevidence));
    return doc;
}

/* ---- Summary reports --------------------------------------------------------------------------- */

typedef struct {
    const cs__report_row *row;
    double total;
    int missing;
} ranked;

static int by_total(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->missing != y->missing) return x->missing - y->missing;
    if (!x->missing && x->total != y->total) return x->total < y->total ? 1 : -1;
    return strcmp(x->row->name ? x->row->name : "", y->row->name ? y->row->name : "");
}

json_t *cs__report_summary(const cs__report_summary_in *in)
{
    const cs_plan *plan = in->plan;
    const cs_framework *fw = plan->fw;
    json_t *doc = json_object();
    json_object_set_new(doc, "kind", json_string("summary"));
    json_object_set_new(doc, "title", json_string("新型智慧城市建设评估汇总报告"));
    json_object_set_new(doc, "framework", framework_json(fw));
    json_object_set_new(doc, "region", place_json(&in->place));
    json_object_set_new(doc, "level", json_string(fw->region_level));
    json_object_set_new(doc, "period", json_string(in->res->period));
    json_object_set_new(doc, "previous_period", str_or_null(in->previous_period));
    json_object_set_new(doc, "generated_at", str_or_null(in->generated_at));
    json_object_set_new(doc, "data", data_json(in->as_of, in->data_sha256, in->approved_only));

    json_t *groups = json_array();
    for (int g = 0; g < fw->ngroups; g++) {
        if (fw->groups[g].parent >= 0) continue;
        double max = 0;
        int n = 0;
        for (int i = 0; i < fw->nindicators; i++)
            if (top_group(fw, i) == g && fw->indicators[i].rule.kind != CS__RULE_MONITOR) max += fw->indicators[i].max_points, n++;
        if (!n) continue;
        json_array_append_new(groups, json_pack("{s:s, s:s, s:f}", "code", fw->groups[g].code, "name", fw->groups[g].name,
                                                "max_points", max));
    }
    json_object_set_new(doc, "groups", groups);

    ranked *rk = cs__xcalloc(in->nrows ? in->nrows : 1, sizeof *rk);
    for (size_t k = 0; k < in->nrows; k++) {
        rk[k].row = &in->rows[k];
        rk[k].missing = cs__res_get(in->res, plan->total, in->rows[k].row, &rk[k].total) != 0;
    }
    qsort(rk, in->nrows, sizeof *rk, by_total);
    /* counts per star level, highest first, then none and missing */
    size_t *count = cs__xcalloc((size_t)fw->nratings + 2, sizeof *count);
    json_t *rows = json_array();
    double sum = 0;
    size_t nscored = 0;
    for (size_t k = 0; k < in->nrows; k++) {
        size_t r = rk[k].row->row;
        /* equal totals share a rank (1, 2, 2, 4) */
        size_t rank = k + 1;
        while (rank > 1 && !rk[k].missing && !rk[rank - 2].missing && rk[rank - 2].total == rk[k].total) rank--;
        json_t *gpoints = groups_json(in->res, r);
        const char *rating = cs_results_rating(in->res, r);
        int at = fw->nratings + (rk[k].missing ? 1 : 0);
        for (int q = 0; rating && q < fw->nratings; q++)
            if (!strcmp(fw->ratings[q].name, rating)) at = q;
        count[at]++;
        /* indicators without points (缺数据), and the penalties and vetoes applied */
        json_t *missing = json_array(), *applied = json_array();
        for (int i = 0; i < fw->nindicators; i++) {
            double p;
            if (cs__res_points(in->res, r, i, &p) > 0) json_array_append_new(missing, json_string(fw->indicators[i].code));
        }
        for (int a = 0; a < fw->nadjustments; a++) {
            double c;
            if (!cs__res_get(in->res, plan->adj[a].cond, r, &c) && c != 0)
                json_array_append_new(applied, cs__json_adjustment(&fw->adjustments[a]));
        }
        json_t *row = json_pack("{s:o, s:s, s:o, s:o, s:o, s:b, s:o, s:o, s:o}", "rank", rk[k].missing ? json_null() : json_integer((json_int_t)rank),
                                "code", in->res->regions[r], "name", str_or_null(rk[k].row->name), "total",
                                num_or_null(rk[k].missing, rk[k].total), "rating", str_or_null(rating), "complete",
                                json_array_size(missing) == 0, "missing_indicators", missing, "groups", gpoints,
                                "adjustments_applied", applied);
        double prev = rk[k].row->previous;
        json_object_set_new(row, "previous", isnan(prev) ? json_null() : json_real(prev));
        json_object_set_new(row, "previous_rating", str_or_null(rk[k].row->previous_rating));
        json_object_set_new(row, "change", isnan(prev) || rk[k].missing ? json_null() : json_real(rk[k].total - prev));
        json_array_append_new(rows, row);
        if (!rk[k].missing) {
            sum += rk[k].total;
            nscored++;
        }
    }
    json_object_set_new(doc, "rows", rows);
    json_t *dist = json_array();
    for (int q = fw->nratings - 1; q >= 0; q--)
        json_array_append_new(dist, json_pack("{s:s, s:I}", "rating", fw->ratings[q].name, "count", (json_int_t)count[q]));
    json_array_append_new(dist, json_pack("{s:s, s:I}", "rating", "未达到星级", "count", (json_int_t)count[fw->nratings]));
    json_array_append_new(dist, json_pack("{s:s, s:I}", "rating", "缺数据", "count", (json_int_t)count[fw->nratings + 1]));
    json_object_set_new(doc, "distribution", dist);
    json_t *stats = json_pack("{s:I, s:I}", "regions", (json_int_t)in->nrows, "scored", (json_int_t)nscored);
    json_object_set_new(stats, "mean", nscored ? json_real(sum / (double)nscored) : json_null());
    json_object_set_new(stats, "max", nscored ? json_real(rk[0].total) : json_null());
    json_object_set_new(stats, "min", nscored ? json_real(rk[nscored - 1].total) : json_null());
    /* how many reach each star level or a higher one: the targets' "四星级以上" */
    json_t *above = json_array();
    size_t acc = 0;
    for (int q = fw->nratings - 1; q >= 0; q--) {
        acc += count[q];
        json_array_append_new(above, json_pack("{s:s, s:I}", "rating", fw->ratings[q].name, "count", (json_int_t)acc));
    }
    json_object_set_new(stats, "at_or_above", above);
    json_object_set_new(doc, "stats", stats);
    free(count);
    free(rk);
    return doc;
}

void cs__report_file_name(const json_t *doc, const char *ext, cs__buf *out)
{
    const json_t *fw = json_object_get(doc, "framework"), *region = json_object_get(doc, "region");
    cs__buf_printf(out, "%s-%s-%s", json_string_value(json_object_get(fw, "id")),
                   json_string_value(json_object_get(region, "code")), json_string_value(json_object_get(doc, "period")));
    if (!strcmp(json_string_value(json_object_get(doc, "kind")), "summary"))
        cs__buf_printf(out, "-summary-%s", json_string_value(json_object_get(doc, "level")));
    cs__buf_printf(out, ".%s", ext);
    for (char *p = out->s; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr(".-_", *p))) *p = '_';
}
