/*
 * bench_eval.c — scoring throughput: a 35-indicator framework shaped like the 2023 standards
 * (rate tiers, seven-rate conditions, checklists, rank tiers, counted items, a deduction, a veto
 * and a penalty, star levels) over 100,000 synthetic regions. Prints indicator evaluations per
 * second, single-threaded. Run with `make bench`; see docs/PERFORMANCE.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/results.h"

#define INDICATORS 35

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Writes the benchmark framework: 24 single-rate tiers, 3 seven-rate tiers, 4 checklists, 2 rank
 * tiers, 1 items rule and 1 deduction = 35 indicators. */
static void framework_text(cs__buf *b)
{
    cs__buf_append(b, "format: 1\nid: bench-35\ntitle: 基准测试框架\nregion_level: county\ntier_levels: [三星, 四星, 五星]\nelements:\n");
    for (int i = 0; i < 24; i++)
        cs__buf_printf(b, "  - {code: n%d, name: 分子%d, type: integer, min: 0}\n  - {code: d%d, name: 分母%d, type: integer, min: 0}\n", i, i, i, i);
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 7; k++) cs__buf_printf(b, "  - {code: v%d_%d, name: 视频%d_%d, type: integer, min: 0}\n", i, k, i, k);
    cs__buf_append(b, "  - {code: cams, name: 摄像机总数, type: integer, min: 0}\n");
    for (int i = 0; i < 4; i++)
        for (int k = 0; k < 4; k++) cs__buf_printf(b, "  - {code: c%d_%d, name: 条件%d_%d, type: boolean}\n", i, k, i, k);
    cs__buf_append(b, "  - {code: apps, name: 应用数量, type: integer}\n  - {code: users, name: 用户数, type: integer}\n"
                      "  - {code: aw, name: 奖项, type: integer}\n  - {code: pr, name: 省级报道, type: integer}\n"
                      "  - {code: cr, name: 中央报道, type: integer}\n  - {code: ded, name: 扣分, type: real}\n"
                      "  - {code: sat, name: 满意人数, type: integer}\n  - {code: resp, name: 受访人数, type: integer}\n"
                      "indicators:\n");
    for (int i = 0; i < 24; i++)
        cs__buf_printf(b,
                       "  - code: r%d\n    name: 比率%d\n    measures: [{code: m%d, name: 比率%d, unit: \"%%\", expr: n%d / d%d}]\n"
                       "    rule: {kind: tiers, tiers: [{level: 三星, points: 0.5, when: \"m%d >= 80%%\"}, {level: 四星, points: 1, when: \"m%d >= 90%%\"}, {level: 五星, points: 1.5, when: \"m%d >= 95%%\"}]}\n",
                       i, i, i, i, i, i, i, i, i);
    for (int i = 0; i < 3; i++) {
        cs__buf_printf(b, "  - code: v%d\n    name: 视频%d\n    measures:\n", i, i);
        for (int k = 0; k < 6; k++) cs__buf_printf(b, "      - {code: vm%d_%d, name: 视频率%d_%d, unit: \"%%\", expr: v%d_%d / cams}\n", i, k, i, k, i, k);
        cs__buf_append(b, "    rule:\n      kind: tiers\n      tiers:\n");
        static const int th[3][7] = {{90, 90, 90, 65, 90, 50, 800}, {95, 95, 95, 75, 95, 70, 1000}, {99, 99, 99, 80, 100, 85, 1200}};
        static const char *lv[3] = {"三星", "四星", "五星"};
        for (int t = 0; t < 3; t++) {
            cs__buf_printf(b, "        - level: %s\n          points: %d\n          when: [", lv[t], t + 1);
            for (int k = 0; k < 6; k++) cs__buf_printf(b, "\"vm%d_%d >= %d%%\", ", i, k, th[t][k]);
            cs__buf_printf(b, "\"v%d_6 >= %d\"]\n", i, th[t][6]);
        }
    }
    for (int i = 0; i < 4; i++)
        cs__buf_printf(b,
                       "  - code: c%d\n    name: 制度%d\n    rule: {kind: tiers, tiers: [{level: 三星, points: 1, when: [c%d_0]}, "
                       "{level: 四星, points: 2, when: [c%d_0, c%d_1, c%d_2]}, {level: 五星, points: 3, when: [c%d_0, c%d_1, c%d_2, c%d_3]}]}\n",
                       i, i, i, i, i, i, i, i, i, i);
    cs__buf_append(b, "  - code: k1\n    name: 排名\n    rule: {kind: tiers, tiers: [{level: 三星, points: 6, when: \"rank_pct(apps) <= 100%\"}, "
                      "{level: 四星, points: 9, when: \"rank_pct(apps) <= 50%\"}, {level: 五星, points: 15, when: \"rank_pct(apps) <= 25%\"}]}\n"
                      "  - code: k2\n    name: 用户排名\n    rule: {kind: tiers, tiers: [{level: 三星, points: 1, when: \"rank(users) <= 100\"}, "
                      "{level: 五星, points: 2, when: \"rank(users) <= 10\"}]}\n"
                      "  - code: inn\n    name: 创新示范\n    rule: {kind: items, cap: 10, items: [{element: aw, per: 0.5, cap: 3}, {element: pr, per: 1, cap: 3}, {element: cr, per: 2}]}\n"
                      "  - code: sec\n    name: 网络安全事件\n    rule: {kind: deduction, points: ded}\n"
                      "adjustments:\n  - {kind: veto, when: ded > 20}\n  - {kind: penalty, when: \"sat / resp < 70%\", points: 10}\n"
                      "ratings:\n  - {name: 三星, min_total: 40}\n  - {name: 四星（基础型）, min_total: 70}\n  - {name: 四星（成长型）, min_total: 80}\n  - {name: 五星, min_total: 90}\n");
}

int main(int argc, char **argv)
{
    size_t regions = argc > 1 ? (size_t)atol(argv[1]) : 100000;
    int reps = argc > 2 ? atoi(argv[2]) : 5;
    cs__buf text = {0};
    framework_text(&text);
    cs_diag *d = cs_diag_new();
    cs_framework *fw = NULL;
    if (cs_framework_load_buffer("bench-35.yaml", cs__buf_str(&text), text.len, &fw, d) != CS_OK) {
        cs_diag_print(d, stderr);
        return 1;
    }
    if (fw->nindicators != INDICATORS) {
        fprintf(stderr, "bench framework has %d indicators, expected %d\n", fw->nindicators, INDICATORS);
        return 1;
    }
    double t0 = now();
    cs_plan *plan = NULL;
    cs_plan_compile(fw, &plan, d);
    double t_compile = now() - t0;

    cs_dataset *ds = cs_dataset_new();
    srand(42);
    char name[32];
    t0 = now();
    for (size_t r = 0; r < regions; r++) {
        snprintf(name, sizeof name, "%06zu", r);
        for (int e = 0; e < fw->nelements; e++) {
            const cs__element *el = &fw->elements[e];
            double v;
            if (el->type == CS__ELEM_BOOLEAN) v = rand() % 4 != 0;
            else if (el->code[0] == 'd' && el->code[1] != 'e') v = 1000;
            else if (el->code[0] == 'n') v = 700 + rand() % 301;
            else if (!strcmp(el->code, "cams")) v = 1000;
            else if (el->code[0] == 'v') v = el->code[3] == '6' ? 600 + rand() % 800 : 500 + rand() % 501;
            else if (!strcmp(el->code, "resp")) v = 1000;
            else if (!strcmp(el->code, "sat")) v = 600 + rand() % 400;
            else if (!strcmp(el->code, "ded")) v = rand() % 100 == 0 ? 25 : rand() % 3;
            else v = rand() % 100;
            cs_dataset_set(ds, name, "2023", el->code, v);
        }
    }
    double t_load = now() - t0;

    double best = 1e9;
    double checksum = 0;
    for (int k = 0; k < reps; k++) {
        cs_results *res = NULL;
        t0 = now();
        cs_evaluate(plan, ds, "2023", &res);
        double t = now() - t0;
        if (t < best) best = t;
        checksum = 0;
        for (size_t r = 0; r < cs_results_region_count(res); r++) checksum += cs_results_total(res, r);
        cs_results_free(res);
    }
    double evals = (double)regions * INDICATORS;
    printf("framework: %d indicators, %d elements, %d measures; plan: %d slots, %d stages, compiled in %.3f ms\n", fw->nindicators,
           fw->nelements, fw->nmeasures, plan->nslots, plan->nstages, t_compile * 1e3);
    printf("regions: %zu (data set filled in %.2f s)\n", regions, t_load);
    printf("evaluate: best of %d runs %.3f s → %.1f million indicator evaluations per second (one core)\n", reps, best,
           evals / best / 1e6);
    printf("checksum: mean total %.4f\n", checksum / (double)regions);
    cs_dataset_free(ds);
    cs_plan_free(plan);
    cs_framework_free(fw);
    cs_diag_free(d);
    cs__buf_free(&text);
    return 0;
}
