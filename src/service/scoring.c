/*
 * scoring.c — scoring stored data and filling a store with demo data. Scoring reads the values
 * of the period and the year before (for growth indicators) for every region of the framework's
 * level in the province, as of one revision, fingerprints exactly what it read, and runs the
 * same engine as every other path.
 */
#include <string.h>

#include "service.h"

typedef struct {
    const char *level;
    cs__strmap *peers;
} level_ctx;

static int collect_level(void *ctx, const cs_region *r)
{
    level_ctx *c = ctx;
    if (!strcmp(r->level, c->level)) cs__strmap_intern(c->peers, r->code);
    return 0;
}

typedef struct {
    cs_dataset *ds;
    const cs__strmap *peers;
    int approved_only;
    cs__sha256 hash;
} load_ctx;

static int load_value(void *ctx, const cs_value *v)
{
    load_ctx *c = ctx;
    if (cs__strmap_find(c->peers, v->region) < 0 || v->is_missing) return 0;
    if (c->approved_only && strcmp(v->state, CS_STATE_APPROVED) && strcmp(v->state, CS_STATE_LOCKED)) return 0;
    cs_dataset_set(c->ds, v->region, v->period, v->element, v->value);
    char line[512];
    int n = snprintf(line, sizeof line, "%s\t%s\t%s\t%.17g\n", v->region, v->period, v->element, v->value);
    cs__sha256_update(&c->hash, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
    return 0;
}

cs_status cs__score_store(cs_store *s, const cs_plan *plan, const char *region, const char *period, int64_t as_of,
                          int approved_only, cs__store_scores *out, cs_diag *diag)
{
    memset(out, 0, sizeof *out);
    const cs_framework *fw = plan->fw;
    cs__strmap peers = {0}, scope = {0};
    cs_status rc;
    cs_region r;
    /* the province above region */
    char root[64];
    if ((rc = cs_store_region(s, region, &r, diag)) != CS_OK) {
        if (rc == CS_ENOTFOUND) cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "没有地区 %s / no region %s", region, region);
        goto out;
    }
    int target_rank = cs_region_level_rank(fw->region_level);
    if (cs_region_level_rank(r.level) > target_rank) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "框架 %s 评价%s级地区，%s（%s）低于这一级 / framework %s scores %s regions; %s is below that level",
                     fw->id, fw->region_level, region, r.name, fw->id, fw->region_level, region);
        rc = CS_EUSAGE;
        goto out;
    }
    snprintf(root, sizeof root, "%s", r.code);
    while (r.parent) {
        snprintf(root, sizeof root, "%s", r.parent);
        if ((rc = cs_store_region(s, root, &r, diag)) != CS_OK) goto out;
    }
    level_ctx lc = {fw->region_level, &peers};
    if ((rc = cs_store_regions(s, root, fw->region_level, collect_level, &lc, diag)) != CS_OK) goto out;
    lc.peers = &scope;
    if ((rc = cs_store_regions(s, region, fw->region_level, collect_level, &lc, diag)) != CS_OK) goto out;
    if (!scope.n) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "地区 %s 下没有%s级地区 / no %s regions in %s", region, fw->region_level,
                     fw->region_level, region);
        rc = CS_ENOTFOUND;
        goto out;
    }
    /* one revision for everything read: later writes do not leak into this score */
    if (!as_of && (rc = cs_store_last_revision(s, &as_of, diag)) != CS_OK) goto out;
    out->as_of = as_of;
    out->ds = cs_dataset_new();
    load_ctx ld = {out->ds, &peers, approved_only, {{0}}};
    cs__sha256_init(&ld.hash);
    char prev[16];
    const char *periods[2] = {period, cs__period_previous(period, prev, sizeof prev) ? prev : NULL};
    for (int p = 0; p < 2 && periods[p]; p++) {
        cs_value_query q = {root, periods[p], NULL, as_of, 0};
        if ((rc = cs_store_values(s, &q, load_value, &ld, diag)) != CS_OK) goto out;
    }
    if ((rc = cs__rollup_apply(s, fw, root, &peers, periods, periods[1] ? 2 : 1, as_of, approved_only, out->ds, &ld.hash, out,
                               diag)) != CS_OK)
        goto out;
    cs__sha256_final(&ld.hash, out->data_sha256);
    if ((rc = cs_evaluate(plan, out->ds, period, &out->res)) != CS_OK) goto out;
    out->in_scope = cs__xcalloc(out->res->n + 1, 1);
    for (size_t i = 0; i < out->res->n; i++)
        if (cs__strmap_find(&scope, out->res->regions[i]) >= 0) out->in_scope[i] = 1, out->nscope++;
out:
    cs__strmap_free(&peers);
    cs__strmap_free(&scope);
    if (rc != CS_OK) cs__store_scores_free(out);
    return rc;
}

void cs__store_scores_free(cs__store_scores *sc)
{
    cs_results_free(sc->res);
    cs_dataset_free(sc->ds);
    free(sc->in_scope);
    free(sc->rollups);
    memset(sc, 0, sizeof *sc);
}

/* ---- Demo data ------------------------------------------------------------------------------ */

typedef struct {
    const char *level;
    CS__VEC(char *) codes;
} demo_regions;

static int collect_demo(void *ctx, const cs_region *r)
{
    demo_regions *d = ctx;
    if (!strcmp(r->level, d->level)) cs__vec_push(&d->codes, cs__xstrdup(r->code));
    return 0;
}

cs_status cs__demo_fill(cs_store *s, cs_framework *const *fws, int nfws, const char *root, const char *const *periods,
                        int nperiods, const char *actor, size_t *written, cs_diag *diag)
{
    cs_status rc = CS_OK;
    cs_dataset *ds = cs_dataset_new();
    cs__strmap seen = {0};     /* region \x1f element already generated (the first framework wins) */
    CS__VEC(cs_value_in) values = {0};
    cs__arena arena = {0};
    cs__catalog cat;
    cs__catalog_init(&cat, (const cs_framework *const *)fws, nfws);
    *written = 0;
    for (int f = 0; f < nfws && rc == CS_OK; f++) {
        const cs_framework *fw = fws[f];
        demo_regions d = {fw->region_level, {0}};
        rc = cs_store_regions(s, root, fw->region_level, collect_demo, &d, diag);
        for (int p = 0; p < nperiods && rc == CS_OK; p++) {
            cs_dataset *one = cs_dataset_new();
            /* a steady improvement year on year, as real cities show */
            cs__sample_data(fw, (const char *const *)d.codes.items, d.codes.n, periods[p], 20240u + (unsigned)f,
                            0.55 + 0.08 * p, one);
            for (size_t r = 0; r < d.codes.n; r++)
                for (int e = 0; e < fw->nelements; e++) {
                    double v;
                    const char *code = fw->elements[e].code;
                    if (!cs_dataset_get(one, d.codes.items[r], periods[p], code, &v)) continue;
                    char key[256];
                    snprintf(key, sizeof key, "%s\x1f%s\x1f%s", d.codes.items[r], periods[p], code);
                    size_t before = seen.n;
                    cs__strmap_intern(&seen, key);
                    if (seen.n == before) continue;
                    cs_dataset_set(ds, d.codes.items[r], periods[p], code, v);
                    cs_value_in in = {cs__arena_strdup(&arena, d.codes.items[r]), periods[p], code, v};
                    cs__vec_push(&values, in);
                }
            cs_dataset_free(one);
        }
        for (size_t r = 0; r < d.codes.n; r++) free(d.codes.items[r]);
        cs__vec_free(&d.codes);
    }
    /* numerators generated for one framework may exceed a denominator generated for another */
    for (size_t i = 0; i < values.n; i++) {
        cs_value_in *v = &values.items[i];
        int ndecl = 0;
        const cs__element *const *decls = cs__catalog_decls(&cat, v->element, &ndecl);
        for (int k = 0; k < ndecl; k++) {
            const cs__element *el = decls[k];
            for (int a = 0; a < el->n_at_most; a++) {
                double den;
                if (cs_dataset_get(ds, v->region, v->period, el->at_most[a], &den) && v->value > den) v->value = den;
            }
        }
    }
    if (rc == CS_OK && values.n) {
        cs_source src = {"demo", "演示数据（随机生成，不是真实数据）/ synthetic demo data, not real figures", NULL, actor,
                         "citystar demo", 0};
        cs_put_summary sum;
        rc = cs_store_put_values(s, &src, values.items, values.n, &sum, diag);
        if (rc == CS_OK) *written = sum.added + sum.changed;
    }
    cs__catalog_clear(&cat);
    cs__vec_free(&values);
    cs__arena_release(&arena);
    cs__strmap_free(&seen);
    cs_dataset_free(ds);
    return rc;
}
