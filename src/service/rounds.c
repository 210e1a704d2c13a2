/*
 * rounds.c — assessment rounds as the CLI and the server run them: which values belong to a
 * round (its framework's elements, or one indicator's for a return), which indicators are
 * qualitative (a reviewer may override their points), scoring a round with its overrides, and
 * closing it with the snapshot and the rating awarded.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "output/output.h"
#include "service.h"

void cs__fw_sha256(const cs_framework *fw, char out[65])
{
    cs__buf text = {0};
    cs_diag *quiet = cs_diag_new();
    if (cs__read_file(fw->file, &text, 64u << 20, quiet) == CS_OK) cs__sha256_hex(text.s, text.len, out);
    else snprintf(out, 65, "unknown");
    cs_diag_free(quiet);
    cs__buf_free(&text);
}

int cs__department_known(cs_framework *const *fws, int n, const char *department)
{
    for (int f = 0; department && f < n; f++)
        for (int i = 0; i < fws[f]->nindicators; i++)
            for (int d = 0; d < fws[f]->indicators[i].ndepartments; d++)
                if (!strcmp(fws[f]->indicators[i].departments[d], department)) return 1;
    return 0;
}

const cs_framework *cs__fw_find(cs_framework *const *fws, int n, const char *id)
{
    for (int i = 0; id && i < n; i++)
        if (!strcmp(fws[i]->id, id)) return fws[i];
    return NULL;
}

int cs__indicator_qualitative(const cs_framework *fw, int i)
{
    const cs__indicator *ind = &fw->indicators[i];
    if (ind->rule.kind != CS__RULE_TIERS) return 0;
    unsigned char *used = cs__xcalloc((size_t)fw->nelements + 1, 1);
    unsigned char *walked = cs__xcalloc((size_t)fw->nmeasures + 1, 1);
    cs__fw_indicator_elements(fw, i, used, walked);
    int any = 0, all_yes_no = 1;
    for (int e = 0; e < fw->nelements; e++)
        if (used[e]) any = 1, all_yes_no &= fw->elements[e].type == CS__ELEM_BOOLEAN;
    free(used);
    free(walked);
    return any && all_yes_no;
}

size_t cs__round_elements(const cs_framework *fw, int indicator, const char ***out)
{
    CS__VEC(const char *) v = {0};
    if (indicator < 0) {
        for (int e = 0; e < fw->nelements; e++) cs__vec_push(&v, fw->elements[e].code);
    } else {
        unsigned char *used = cs__xcalloc((size_t)fw->nelements + 1, 1);
        unsigned char *walked = cs__xcalloc((size_t)fw->nmeasures + 1, 1);
        cs__fw_indicator_elements(fw, indicator, used, walked);
        for (int e = 0; e < fw->nelements; e++)
            if (used[e]) cs__vec_push(&v, fw->elements[e].code);
        free(used);
        free(walked);
    }
    *out = v.items;
    return v.n;
}

typedef struct {
    const cs_framework *fw;
    const char *region;
    CS__VEC(cs__override) list;
    cs__arena *arena;
} ov_ctx;

static int collect_override(void *ctx, const cs_override *o)
{
    ov_ctx *c = ctx;
    int i = cs__fw_indicator_index(c->fw, o->indicator);
    if (i < 0) return 0;
    cs__override x = {c->region, i, o->points, cs__arena_strdup(c->arena, o->reason)};
    cs__vec_push(&c->list, x);
    return 0;
}

cs_status cs__round_overrides(cs_store *s, const cs_framework *fw, const cs_assessment *a, cs__arena *arena,
                              cs__override **out, size_t *n, cs_diag *diag)
{
    ov_ctx c = {fw, cs__arena_strdup(arena, a->region), {0}, arena};
    cs_status rc = cs_store_overrides(s, a->id, collect_override, &c, diag);
    *out = c.list.items;
    *n = c.list.n;
    return rc;
}

cs_status cs__score_round(cs_store *s, const cs_plan *plan, const cs_assessment *a, int approved_only,
                          cs__store_scores *sc, cs_results **res, size_t *row, cs_diag *diag)
{
    *res = NULL;
    cs__arena arena = {0};
    cs__override *ov = NULL;
    size_t nov = 0;
    char region[64];
    snprintf(region, sizeof region, "%s", a->region);
    cs_status rc = cs__round_overrides(s, plan->fw, a, &arena, &ov, &nov, diag);
    if (rc == CS_OK) rc = cs__score_store(s, plan, region, a->period, 0, approved_only, sc, diag);
    if (rc == CS_OK) rc = cs__evaluate_with(plan, sc->ds, sc->res->period, ov, nov, res);
    if (rc == CS_OK) {
        *row = (*res)->n;
        for (size_t i = 0; i < (*res)->n; i++)
            if (!strcmp((*res)->regions[i], region)) *row = i;
        if (*row == (*res)->n) {
            cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "地区 %s 在 %s 年度没有数据，无法评分 / region %s has no data for %s", region,
                         sc->res->period, region, sc->res->period);
            rc = CS_EDATA;
        }
    }
    if (rc != CS_OK) {
        cs_results_free(*res);
        *res = NULL;
        cs__store_scores_free(sc);
    }
    free(ov);
    cs__arena_release(&arena);
    return rc;
}

cs_status cs__round_close(cs_store *s, const cs_plan *plan, int64_t id, const char *actor, char **rating_out,
                          double *total_out, cs_diag *diag)
{
    cs_assessment a;
    cs_status rc = cs_store_assessment(s, id, &a, diag);
    if (rc != CS_OK) return rc;
    char kind[16], state[16], region[64], period[16];
    snprintf(kind, sizeof kind, "%s", a.kind);
    snprintf(state, sizeof state, "%s", a.state);
    snprintf(region, sizeof region, "%s", a.region);
    snprintf(period, sizeof period, "%s", a.period);
    a.kind = kind, a.state = state, a.region = region, a.period = period;
    if (strcmp(a.framework, plan->fw->id)) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "评估轮次 %lld 不属于框架 %s / round %lld is not of framework %s", (long long)id,
                     plan->fw->id, (long long)id, plan->fw->id);
        return CS_EUSAGE;
    }
    if (strcmp(state, "approved")) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "评估轮次 %lld 尚未审核通过，不能关闭 / round %lld is %s: only an approved round can close",
                     (long long)id, (long long)id, state);
        return !strcmp(state, "closed") ? CS_ELOCKED : CS_ESTATE;
    }
    cs__store_scores sc;
    cs_results *res = NULL;
    size_t row = 0;
    if ((rc = cs__score_round(s, plan, &a, 1, &sc, &res, &row, diag)) != CS_OK) return rc;
    json_t *j = cs__json_result(res, row);
    json_object_set_new(j, "round", json_integer(id));
    char *text = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    const char *rating = cs_results_rating(res, row);
    double total = cs_results_total(res, row);
    char fsha[65];
    cs__fw_sha256(plan->fw, fsha);
    cs_snapshot snap = {0, plan->fw->id, fsha, period, region, sc.as_of, sc.data_sha256, 1, actor, NULL,
                        "评估轮次关闭时的结果 / results at the close of the round", text};
    const char **elements = NULL;
    size_t nel = cs__round_elements(plan->fw, -1, &elements);
    cs_assessment_step step = {"close", "", "", elements, nel, &snap, rating ? rating : "", total, actor};
    size_t moved = 0;
    rc = cs_store_assessment_step(s, id, &step, &moved, diag);
    if (rc == CS_OK) {
        if (rating_out) *rating_out = cs__xstrdup(rating ? rating : "");
        if (total_out) *total_out = total;
    }
    free(elements);
    free(text);
    cs_results_free(res);
    cs__store_scores_free(&sc);
    return rc;
}
