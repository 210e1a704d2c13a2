/*
 * test_engine.c — the evaluation machinery: many regions across block boundaries, peer ranking
 * over all regions (not per block), stages (a measure built on a rank), and periods kept apart.
 */
#include "harness.h"

static const char *src =
    "format: 1\nid: eng\ntitle: t\nregion_level: county\n"
    "elements:\n  - {code: n, name: 数量, unit: 个, type: integer}\n  - {code: d, name: 总数, unit: 个, type: integer}\n"
    "indicators:\n"
    "  - code: rate\n    name: 比率\n    measures: [{code: r, name: 比率, unit: \"%\", expr: n / d}]\n"
    "    rule: {kind: tiers, tiers: [{level: 一, points: 1, when: r >= 50%}, {level: 二, points: 2, when: r >= 90%}]}\n"
    "  - code: top\n    name: 排名\n"
    "    measures: [{code: pr, name: 排名位次, unit: \"%\", expr: rank_pct(r)}, {code: k, name: 名次, unit: \"\", expr: rank(n)}]\n"
    "    rule: {kind: formula, points: \"if(pr <= 10%, 5, 0) + 0 * k\", max_points: 5}\n";

static void many_regions_across_blocks(void **state)
{
    (void)state;
    cs_diag *d = cs_diag_new();
    cs_framework *fw = NULL;
    assert_int_equal(cs_framework_load_buffer("eng.yaml", src, strlen(src), &fw, d), CS_OK);
    cs_plan *plan;
    cs_plan_compile(fw, &plan, d);
    assert_true(plan->nstages >= 2); /* the rank of a measure needs the measure first */
    cs_dataset *ds = cs_dataset_new();
    const int N = 5000; /* several blocks of CS__BLOCK regions, with a partial last block */
    for (int i = 0; i < N; i++) {
        char name[16];
        snprintf(name, sizeof name, "r%05d", i);
        cs_dataset_set(ds, name, "2023", "n", i);
        cs_dataset_set(ds, name, "2023", "d", N);
        cs_dataset_set(ds, name, "2022", "n", 1); /* another period: must not leak in */
    }
    cs_results *res;
    cs_evaluate(plan, ds, "2023", &res);
    assert_int_equal(cs_results_region_count(res), N);
    int ind_rate = cs__fw_indicator_index(fw, "rate"), ind_top = cs__fw_indicator_index(fw, "top");
    int ones = 0, twos = 0, fives = 0;
    for (int i = 0; i < N; i++) {
        double p;
        assert_int_equal(cs__res_points(res, (size_t)i, ind_rate, &p), 0);
        /* i/N ≥ 90 % ↔ i ≥ 4500; ≥ 50 % ↔ i ≥ 2500 */
        double want = i >= 4500 ? 2 : i >= 2500 ? 1 : 0;
        if (fabs(p - want) > 1e-12) fail_msg("region %d: rate points %g, expected %g", i, p, want);
        ones += p == 1, twos += p == 2;
        assert_int_equal(cs__res_points(res, (size_t)i, ind_top, &p), 0);
        /* the top 10 % by rate are the 500 largest i: rank = N - i, rank/N ≤ 10 % ↔ i ≥ 4500 */
        want = i >= 4500 ? 5 : 0;
        if (fabs(p - want) > 1e-12) fail_msg("region %d: rank points %g, expected %g", i, p, want);
        fives += p == 5;
    }
    assert_int_equal(ones, 2000);
    assert_int_equal(twos, 500);
    assert_int_equal(fives, 500);
    cs_results_free(res);
    /* 2022 holds only n: the rates are missing there, not 0 */
    cs_evaluate(plan, ds, "2022", &res);
    assert_int_equal(cs_results_region_count(res), N);
    double p;
    assert_int_equal(cs__res_points(res, 0, ind_rate, &p), CS__MISS_NOT_REPORTED);
    cs_results_free(res);
    /* a period with no data scores nobody */
    cs_evaluate(plan, ds, "2030", &res);
    assert_int_equal(cs_results_region_count(res), 0);
    cs_results_free(res);
    cs_dataset_free(ds);
    cs_plan_free(plan);
    cs_framework_free(fw);
    cs_diag_free(d);
}

/* Every framework shipped under frameworks/ loads and compiles. */
static void shipped_frameworks_load(void **state)
{
    (void)state;
    static const char *ids[] = {"sd-2019-city", "sd-2019-county", "sd-2019-community", "sd-2020-county", "sd-2023-city",
                                "sd-2023-county", "jinan-2020", "sd-2025-city", "sd-2025-county", "sd-2025-scenarios"};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/frameworks/%s.yaml", CS_SOURCE_DIR, ids[i]);
        cs_diag *d = cs_diag_new();
        cs_framework *fw = NULL;
        if (cs_framework_load_file(path, &fw, d) != CS_OK) {
            cs_diag_print(d, stderr);
            fail_msg("%s does not load", ids[i]);
        }
        assert_string_equal(cs_framework_id(fw), ids[i]);
        cs_plan *plan;
        assert_int_equal(cs_plan_compile(fw, &plan, d), CS_OK);
        cs_plan_free(plan);
        cs_framework_free(fw);
        cs_diag_free(d);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(many_regions_across_blocks), cmocka_unit_test(shipped_frameworks_load)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
