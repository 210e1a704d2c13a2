/*
 * report_data.c — gathers what a report says from the store (service.h: cs__report_build): the
 * framework for the region's level, the scores of the region and its peers (or of a closed
 * round, with its reviewers' overrides), its totals in other years, its figures with their
 * sources, its evidence; or, for a summary, every region of a level below a province or city
 * with last year's totals. The report layer (src/report) turns that into the document.
 */
#include <math.h>
#include <string.h>
#include <time.h>

#include "report/report.h"
#include "service/service.h"
#include "util/strmap.h"

const cs_framework *cs__fw_for_level(cs_framework *const *fws, int n, const char *level)
{
    const cs_framework *best = NULL;
    for (int k = 0; k < n; k++) {
        const cs_framework *fw = fws[k];
        if (strcmp(fw->region_level, level) || fw->scoring == CS__SCORING_MONITOR) continue;
        /* newest rules first; among equals, the province's (sd-) before a city's own */
        if (!best || fw->year > best->year ||
            (fw->year == best->year && !strncmp(fw->id, "sd-", 3) && strncmp(best->id, "sd-", 3)))
            best = fw;
    }
    return best;
}

/* The level just below level (province → city → county → street → community), NULL at the bottom. */
static const char *level_below(const char *level)
{
    static const char *const levels[] = {"province", "city", "county", "street", "community"};
    int r = cs_region_level_rank(level);
    return r >= 0 && r < 4 ? levels[r + 1] : NULL;
}

/* A region's name and its path from the province down (山东省 济宁市 任城区), in arena. */
static cs_status place_of(cs_store *s, const char *code, cs__arena *arena, cs__report_place *out, const char **parent,
                          const char **parent_name, const char **top_name, cs_diag *diag)
{
    cs_region r;
    cs_status rc = cs_store_region(s, code, &r, diag);
    if (rc == CS_ENOTFOUND) cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "没有地区 %s / no region %s", code, code);
    if (rc != CS_OK) return rc;
    out->code = cs__arena_strdup(arena, r.code);
    out->name = cs__arena_strdup(arena, r.name);
    out->level = cs__arena_strdup(arena, r.level);
    const char *path = out->name;
    if (parent) *parent = cs__arena_strdup(arena, r.parent);
    int first = 1;
    while (r.parent) {
        if ((rc = cs_store_region(s, cs__arena_strdup(arena, r.parent), &r, diag)) != CS_OK) return rc;
        if (first && parent_name) *parent_name = cs__arena_strdup(arena, r.name);
        first = 0;
        path = cs__arena_printf(arena, "%s %s", r.name, path);
    }
    out->path = path;
    if (top_name) *top_name = cs__arena_strdup(arena, r.name);
    return CS_OK;
}

static void now_utc(char out[32])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- Collecting rows from the store ----------------------------------------------------------- */

typedef struct {
    const cs_framework *fw;
    cs__arena *arena;
    CS__VEC(cs__report_value) v;
} values_ctx;

static int collect_value(void *ctx, const cs_value *v)
{
    values_ctx *c = ctx;
    int e = cs__fw_element_index(c->fw, v->element);
    if (e < 0) return 0;
    cs__report_value x = {e,
                          v->value,
                          v->is_missing,
                          cs__arena_strdup(c->arena, v->missing_reason),
                          cs__arena_strdup(c->arena, v->state),
                          cs__arena_strdup(c->arena, v->actor),
                          cs__arena_strdup(c->arena, v->at),
                          cs__arena_strdup(c->arena, v->source_kind),
                          cs__arena_strdup(c->arena, v->source_name),
                          cs__arena_strdup(c->arena, v->note),
                          v->source_row,
                          v->revision};
    cs__vec_push(&c->v, x);
    return 0;
}

typedef struct {
    const char *region;
    cs__arena *arena;
    CS__VEC(cs__report_evidence) e;
} evidence_ctx;

static int collect_evidence(void *ctx, const cs_evidence *e)
{
    evidence_ctx *c = ctx;
    if (strcmp(e->region, c->region)) return 0;
    cs__report_evidence x = {e->id,
                             cs__arena_strdup(c->arena, e->file_name),
                             cs__arena_strdup(c->arena, e->media_type),
                             cs__arena_strdup(c->arena, e->sha256),
                             cs__arena_strdup(c->arena, e->element),
                             cs__arena_strdup(c->arena, e->indicator),
                             cs__arena_strdup(c->arena, e->actor),
                             cs__arena_strdup(c->arena, e->at),
                             cs__arena_strdup(c->arena, e->note),
                             e->size};
    cs__vec_push(&c->e, x);
    return 0;
}

/* Regions of one level below a root: code → name. */
typedef struct {
    const char *level;
    cs__strmap codes;
    CS__VEC(const char *) names;
    cs__arena *arena;
} level_ctx;

static int collect_region(void *ctx, const cs_region *r)
{
    level_ctx *c = ctx;
    if (strcmp(r->level, c->level)) return 0;
    if ((size_t)cs__strmap_intern(&c->codes, r->code) == c->names.n) cs__vec_push(&c->names, cs__arena_strdup(c->arena, r->name));
    return 0;
}

/* The newest closed round of fw for region and period, if any. */
typedef struct {
    const char *framework, *region;
    int64_t id;
} round_ctx;

static int find_round(void *ctx, const cs_assessment *a)
{
    round_ctx *c = ctx;
    if (!c->id && !strcmp(a->framework, c->framework) && !strcmp(a->region, c->region) && !strcmp(a->state, "closed"))
        c->id = a->id;
    return 0;
}

/* Rank of row among the rows where in (may be NULL = all): 1 + how many have a higher total;
 * 0 when its total is missing. *count (OUT) counts the rows compared. */
static int rank_of(const cs_results *res, size_t row, const unsigned char *in, int *count)
{
    double mine, t;
    *count = 0;
    for (size_t r = 0; r < res->n; r++)
        if (!in || in[r]) (*count)++;
    if (cs__res_get(res, res->plan->total, row, &mine)) return 0;
    int rank = 1;
    for (size_t r = 0; r < res->n; r++)
        if ((!in || in[r]) && !cs__res_get(res, res->plan->total, r, &t) && t > mine) rank++;
    return rank;
}

/* The total and rating of region for period, from a scoring of its peers (history). */
static void past_total(cs_store *s, const cs_plan *plan, const char *region, const char *period, int approved_only,
                       cs__arena *arena, cs__report_past *out)
{
    cs__store_scores sc;
    cs_diag *d = cs_diag_new();
    out->period = cs__arena_strdup(arena, period);
    out->missing = 1;
    if (cs__score_store(s, plan, region, period, 0, approved_only, &sc, d) == CS_OK) {
        for (size_t r = 0; r < sc.res->n; r++)
            if (!strcmp(sc.res->regions[r], region)) {
                out->missing = cs__res_get(sc.res, plan->total, r, &out->total) != 0;
                out->rating = cs__arena_strdup(arena, cs_results_rating(sc.res, r));
            }
        cs__store_scores_free(&sc);
    }
    cs_diag_free(d);
}

static cs_status build_region(cs_store *s, const cs_plan *plan, const cs__report_opts *o, const char *generated,
                              json_t **out, cs_diag *diag)
{
    cs__arena arena = {0};
    cs__store_scores sc = {0};
    cs_results *round_res = NULL;
    char **periods = NULL;
    size_t nperiods = 0;
    values_ctx vc = {plan->fw, &arena, {0}};
    evidence_ctx ec = {o->region, &arena, {0}};
    level_ctx sib = {plan->fw->region_level, {0}, {0}, &arena};
    CS__VEC(cs__report_past) hist = {0};
    json_t *rollups = NULL;
    cs__report_region_in in = {0};
    in.plan = plan;
    in.target = o->target;
    in.generated_at = generated;
    const char *parent = NULL;
    cs_status rc = place_of(s, o->region, &arena, &in.place, &parent, &in.parent_name, &in.scope_name, diag);
    if (rc != CS_OK) goto out;
    if (strcmp(in.place.level, plan->fw->region_level)) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0,
                     "框架 %s 评价%s级地区，%s（%s）是%s级：请用 --kind summary 出汇总报告，或另选框架 / %s scores %s regions; %s is a %s",
                     plan->fw->id, plan->fw->region_level, o->region, in.place.name, in.place.level, plan->fw->id,
                     plan->fw->region_level, o->region, in.place.level);
        rc = CS_EUSAGE;
        goto out;
    }
    /* a closed round is the assessment of record: its approved figures with the reviewers' overrides */
    round_ctx rcx = {plan->fw->id, o->region, 0};
    if (!o->live && (rc = cs_store_assessments(s, o->region, o->period, 0, find_round, &rcx, diag)) != CS_OK) goto out;
    if (rcx.id) {
        cs_assessment a;
        if ((rc = cs_store_assessment(s, rcx.id, &a, diag)) != CS_OK) goto out;
        if ((rc = cs__score_round(s, plan, &a, 1, &sc, &round_res, &in.row, diag)) != CS_OK) goto out;
        in.res = round_res;
        in.approved_only = 1;
        in.round = rcx.id;
    } else {
        if ((rc = cs__score_store(s, plan, o->region, o->period, 0, o->approved_only, &sc, diag)) != CS_OK) goto out;
        in.res = sc.res;
        in.approved_only = o->approved_only;
        int found = 0;
        for (size_t r = 0; r < sc.res->n && !found; r++)
            if (!strcmp(sc.res->regions[r], o->region)) in.row = r, found = 1;
        if (!found) {
            cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "地区 %s 在 %s 年度没有 %s 的数据 / no data for %s in %s under %s", o->region,
                         o->period, plan->fw->id, o->region, o->period, plan->fw->id);
            rc = CS_ENOTFOUND;
            goto out;
        }
    }
    in.as_of = sc.as_of;
    in.data_sha256 = sc.data_sha256;
    in.rank = rank_of(in.res, in.row, NULL, &in.peers);
    if (parent) {
        if ((rc = cs_store_regions(s, parent, plan->fw->region_level, collect_region, &sib, diag)) != CS_OK) goto out;
        unsigned char *in_parent = cs__xcalloc(in.res->n + 1, 1);
        for (size_t r = 0; r < in.res->n; r++) in_parent[r] = cs__strmap_find(&sib.codes, in.res->regions[r]) >= 0;
        in.rank_parent = rank_of(in.res, in.row, in_parent, &in.peers_parent);
        free(in_parent);
    }
    /* totals of every year with figures up to this one, under the same rules */
    if ((rc = cs_store_periods(s, &periods, &nperiods, diag)) != CS_OK) goto out;
    for (size_t p = 0; p < nperiods; p++) {
        if (strcmp(periods[p], o->period) > 0) continue;
        cs__report_past past = {0};
        if (!strcmp(periods[p], o->period)) {
            past.period = cs__arena_strdup(&arena, periods[p]);
            past.missing = cs__res_get(in.res, plan->total, in.row, &past.total) != 0;
            past.rating = cs__arena_strdup(&arena, cs_results_rating(in.res, in.row));
        } else {
            past_total(s, plan, o->region, periods[p], in.approved_only, &arena, &past);
        }
        cs__vec_push(&hist, past);
    }
    in.history = hist.items;
    in.nhistory = hist.n;
    cs_value_query q = {o->region, o->period, NULL, sc.as_of, 0, 1};
    if ((rc = cs_store_values(s, &q, collect_value, &vc, diag)) != CS_OK) goto out;
    in.values = vc.v.items;
    in.nvalues = vc.v.n;
    if ((rc = cs_store_evidence(s, o->region, o->period, collect_evidence, &ec, diag)) != CS_OK) goto out;
    in.evidence = ec.e.items;
    in.nevidence = ec.e.n;
    rollups = cs__rollup_notes_json(plan->fw, &sc, o->region, o->period);
    in.rollups = rollups;
    if (!(*out = cs__report_region(&in, diag))) rc = CS_EUSAGE;
out:
    json_decref(rollups);
    for (size_t p = 0; p < nperiods; p++) free(periods[p]);
    free(periods);
    cs__vec_free(&hist);
    cs__vec_free(&vc.v);
    cs__vec_free(&ec.e);
    cs__vec_free(&sib.names);
    cs__strmap_free(&sib.codes);
    cs_results_free(round_res);
    cs__store_scores_free(&sc);
    cs__arena_release(&arena);
    return rc;
}

static cs_status build_summary(cs_store *s, const cs_plan *plan, const cs__report_opts *o, const char *generated,
                               json_t **out, cs_diag *diag)
{
    cs__arena arena = {0};
    cs__store_scores sc = {0}, prev = {0};
    level_ctx lc = {plan->fw->region_level, {0}, {0}, &arena};
    CS__VEC(cs__report_row) rows = {0};
    char **periods = NULL;
    size_t nperiods = 0;
    cs__report_summary_in in = {0};
    in.plan = plan;
    in.generated_at = generated;
    cs_status rc = place_of(s, o->region, &arena, &in.place, NULL, NULL, NULL, diag);
    if (rc != CS_OK) goto out;
    if (cs_region_level_rank(in.place.level) >= cs_region_level_rank(plan->fw->region_level)) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "汇总报告排列%s以下的地区；框架 %s 评价%s级地区 / a summary ranks regions below %s; %s scores %s regions",
                     in.place.name, plan->fw->id, plan->fw->region_level, o->region, plan->fw->id, plan->fw->region_level);
        rc = CS_EUSAGE;
        goto out;
    }
    if ((rc = cs__score_store(s, plan, o->region, o->period, 0, o->approved_only, &sc, diag)) != CS_OK) goto out;
    if ((rc = cs_store_regions(s, o->region, plan->fw->region_level, collect_region, &lc, diag)) != CS_OK) goto out;
    /* last year's totals, when there are figures for the year before */
    if ((rc = cs_store_periods(s, &periods, &nperiods, diag)) != CS_OK) goto out;
    const char *before = NULL;
    for (size_t p = 0; p < nperiods; p++)
        if (strcmp(periods[p], o->period) < 0) before = periods[p];
    cs_diag *quiet = cs_diag_new();
    if (before && cs__score_store(s, plan, o->region, before, 0, o->approved_only, &prev, quiet) == CS_OK)
        in.previous_period = before;
    cs_diag_free(quiet);
    for (size_t r = 0; r < sc.res->n; r++) {
        int k = cs__strmap_find(&lc.codes, sc.res->regions[r]);
        if (!sc.in_scope[r] || k < 0) continue;
        cs__report_row row = {r, lc.names.items[k], NAN, NULL};
        for (size_t q = 0; prev.res && q < prev.res->n; q++)
            if (!strcmp(prev.res->regions[q], sc.res->regions[r])) {
                double t;
                if (!cs__res_get(prev.res, plan->total, q, &t)) row.previous = t;
                row.previous_rating = cs__arena_strdup(&arena, cs_results_rating(prev.res, q));
            }
        cs__vec_push(&rows, row);
    }
    in.res = sc.res;
    in.rows = rows.items;
    in.nrows = rows.n;
    in.as_of = sc.as_of;
    in.data_sha256 = sc.data_sha256;
    in.approved_only = o->approved_only;
    *out = cs__report_summary(&in);
out:
    for (size_t p = 0; p < nperiods; p++) free(periods[p]);
    free(periods);
    cs__vec_free(&rows);
    cs__vec_free(&lc.names);
    cs__strmap_free(&lc.codes);
    cs__store_scores_free(&prev);
    cs__store_scores_free(&sc);
    cs__arena_release(&arena);
    return rc;
}

cs_status cs__report_build(cs_store *s, cs_framework *const *fws, int nfws, const cs__report_opts *o, json_t **out,
                           cs_diag *diag)
{
    *out = NULL;
    cs_region r;
    cs_status rc = cs_store_region(s, o->region, &r, diag);
    if (rc == CS_ENOTFOUND) cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "没有地区 %s / no region %s", o->region, o->region);
    if (rc != CS_OK) return rc;
    char level[16];
    snprintf(level, sizeof level, "%s", r.level);
    const char *kind = o->kind;
    const cs_framework *fw = NULL;
    if (o->framework && !(fw = cs__fw_find(fws, nfws, o->framework))) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "没有框架 %s / no framework %s", o->framework, o->framework);
        return CS_EUSAGE;
    }
    if (!kind) kind = (fw ? !strcmp(fw->region_level, level) : cs__fw_for_level(fws, nfws, level) != NULL) ? "region" : "summary";
    if (strcmp(kind, "region") && strcmp(kind, "summary")) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "报告类型应为 region 或 summary / unknown report kind '%s'", kind);
        return CS_EUSAGE;
    }
    const char *want = !strcmp(kind, "region") ? level : o->level ? o->level : fw ? fw->region_level : level_below(level);
    if (!fw && want && !(fw = cs__fw_for_level(fws, nfws, want))) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "没有评价%s级地区的评分框架 / no scoring framework for %s regions", want, want);
        return CS_EUSAGE;
    }
    if (!fw) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "%s 以下没有可汇总的地区层级 / no level below %s to summarise", o->region, o->region);
        return CS_EUSAGE;
    }
    if (o->level && strcmp(o->level, fw->region_level)) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "框架 %s 评价%s级地区，不是 %s / %s scores %s regions, not %s", fw->id, fw->region_level,
                     o->level, fw->id, fw->region_level, o->level);
        return CS_EUSAGE;
    }
    cs_plan *plan = NULL;
    if ((rc = cs_plan_compile(fw, &plan, diag)) != CS_OK) return rc;
    char generated[32];
    now_utc(generated);
    rc = !strcmp(kind, "region") ? build_region(s, plan, o, generated, out, diag) : build_summary(s, plan, o, generated, out, diag);
    cs_plan_free(plan);
    return rc;
}
