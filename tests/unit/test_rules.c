/*
 * test_rules.c — every kind of scoring rule, on real seed rows (tests/fixtures), with the
 * expected points worked out from the seed text in the comments. Boundaries: exactly on a
 * threshold, and just below it.
 */
#include "harness.h"

/* ---- tiers: 003 市级 row 1, 政务服务事项在线率 80 % → 0.5, 90 % → 1, 95 % → 1.5 ---------------- */

static void tiers_boundaries(void **state)
{
    (void)state;
    fixture f;
    fixture_open(&f, "seed-rows-2023.yaml");
    /* 800/1000 = 80 % exactly: 三星, 0.5 */
    put(&f, "on80", "gov.service_items_online", 800), put(&f, "on80", "gov.application_items_total", 1000);
    /* 799/1000 = 79.9 %: below 三星, 0 */
    put(&f, "below80", "gov.service_items_online", 799), put(&f, "below80", "gov.application_items_total", 1000);
    /* 912/1003 = 90.93 %: 四星, 1 (the example in the issue) */
    put(&f, "r912", "gov.service_items_online", 912), put(&f, "r912", "gov.application_items_total", 1003);
    /* 949/1000 = 94.9 %: still 四星, 1 */
    put(&f, "below95", "gov.service_items_online", 949), put(&f, "below95", "gov.application_items_total", 1000);
    /* 19/20 = 95 % exactly: 五星, 1.5 */
    put(&f, "on95", "gov.service_items_online", 19), put(&f, "on95", "gov.application_items_total", 20);
    run(&f, "2023");
    assert_points(&f, "on80", "1", 0.5);
    assert_string_equal(tier_of(&f, "on80", "1"), "三星");
    assert_points(&f, "below80", "1", 0);
    assert_null(tier_of(&f, "below80", "1"));
    assert_points(&f, "r912", "1", 1);
    assert_points(&f, "below95", "1", 1);
    assert_points(&f, "on95", "1", 1.5);
    assert_string_equal(tier_of(&f, "on95", "1"), "五星");
    assert_string_equal(explanation(&f, "r912", "1"),
                        "政务服务事项在线率 = 912 / 1003 = 90.93%；达到四星要求（政务服务事项在线率 ≥ 90%），得 1 分；"
                        "未达到五星要求：政务服务事项在线率 ≥ 95%（未满足）");
    fixture_close(&f);
}

/* A rate whose denominator is 0 is missing (division by zero), not 0 %; the indicator's points are
 * missing too, and the explanation says why. */
static void tiers_missing_is_not_zero(void **state)
{
    (void)state;
    fixture f;
    fixture_open(&f, "seed-rows-2023.yaml");
    put(&f, "zero", "gov.service_items_online", 0), put(&f, "zero", "gov.application_items_total", 0);
    put(&f, "unreported", "gov.application_items_total", 100);
    run(&f, "2023");
    assert_int_equal(points_missing(&f, "zero", "1"), CS__MISS_DIV_ZERO);
    assert_int_equal(points_missing(&f, "unreported", "1"), CS__MISS_NOT_REPORTED);
    assert_contains(explanation(&f, "zero", "1"), "本地区依申请政务服务事项总数量为零");
    assert_contains(explanation(&f, "unreported", "1"), "依托“爱山东”政务服务平台运行的依申请政务服务事项数量未填报");
    assert_contains(explanation(&f, "unreported", "1"), "得分记为缺失（不是 0 分）");
    /* the missing indicator adds nothing to the total, and the total says so */
    assert_near(total(&f, "unreported"), 0);
    assert_contains(total_explanation(&f, "unreported"), "项指标缺少数据");
    fixture_close(&f);
}

/* ---- tiers combining seven rates: 003 市级 row 7 视频监控建设情况 ---------------------------- */

static void put_video(fixture *f, const char *r, double hd, double net, double intact, double image, double catalog,
                      double ai, double streams)
{
    /* denominators of 1000 make each rate the figure / 10 in percent */
    put(f, r, "sec.key_areas_total", 1000), put(f, r, "sec.key_areas_hd_covered", hd * 10);
    put(f, r, "sec.cameras_total", 1000), put(f, r, "sec.cameras_networked", net * 10);
    put(f, r, "sec.cameras_intact", intact * 10);
    put(f, r, "sec.cameras_playable_total", 1000), put(f, r, "sec.cameras_playable_on_platform", image * 10);
    put(f, r, "sec.catalog_cameras_total", 1000), put(f, r, "sec.catalog_cameras_compliant", catalog * 10);
    put(f, r, "sec.cameras_ai", ai * 10);
    put(f, r, "sec.concurrent_streams", streams);
}

static void tiers_all_rates_required(void **state)
{
    (void)state;
    fixture f;
    fixture_open(&f, "seed-rows-2023.yaml");
    /* exactly the 四星 column: 95,95,95,75,95,70 % and 1000 路 → 2 分 */
    put_video(&f, "four", 95, 95, 95, 75, 95, 70, 1000);
    /* the same with 视频智能化覆盖率 69.9 %: 四星 not met, 三星 (≥ 50 %) met → 1 分 */
    put_video(&f, "ai699", 95, 95, 95, 75, 95, 69.9, 1000);
    /* exactly the 五星 column: 99,99,99,80,100,85 % and 1200 路 → 2.5 分 */
    put_video(&f, "five", 99, 99, 99, 80, 100, 85, 1200);
    /* 五星 except 799 concurrent streams: below even 三星's 800 路 → 0 */
    put_video(&f, "streams", 99, 99, 99, 80, 100, 85, 799);
    run(&f, "2023");
    assert_points(&f, "four", "7", 2);
    assert_points(&f, "ai699", "7", 1);
    assert_contains(explanation(&f, "ai699", "7"), "视频智能化覆盖率 = 699 / 1000 = 69.9%");
    assert_contains(explanation(&f, "ai699", "7"), "未达到四星要求：视频智能化覆盖率 ≥ 70%（未满足）");
    assert_points(&f, "five", "7", 2.5);
    assert_points(&f, "streams", "7", 0);
    assert_contains(explanation(&f, "streams", "7"), "未达到三星要求：视频调阅并发数量 ≥ 800（未满足）");
    fixture_close(&f);
}

/* ---- checklists: 003 市级 row 4 “山东通” and 001 附件1 row 40 制度机制 -------------------------- */

static void checklist_sdt(void **state)
{
    (void)state;
    fixture f;
    fixture_open(&f, "seed-rows-2023.yaml");
    const char *r[] = {"all5", "no_realtime", "apps7"};
    for (int k = 0; k < 3; k++) {
        put(&f, r[k], "gov.sdt_all_staff", 1);
        put(&f, r[k], "gov.inspection_items_total", 200);
        put(&f, r[k], "gov.sdt_inspection_items", 200); /* 100 % */
        put(&f, r[k], "gov.sdt_realtime_to_province", 1);
        put(&f, r[k], "gov.sdt_difference_ratio", 0.25);
        put(&f, r[k], "gov.sdt_grassroots_apps", 10);
    }
    /* every 五星 criterion holds → 2 分 */
    /* 数据可实时汇聚 is 否: it is a criterion of every tier → 0 */
    put(&f, "no_realtime", "gov.sdt_realtime_to_province", 0);
    /* 7 apps: 五星 needs 10, 四星 8, 三星 5 → 三星, 1 分 */
    put(&f, "apps7", "gov.sdt_grassroots_apps", 7);
    run(&f, "2023");
    assert_points(&f, "all5", "4", 2);
    assert_points(&f, "no_realtime", "4", 0);
    assert_contains(explanation(&f, "no_realtime", "4"), "数据可实时汇聚到省监管数据中心（未满足）");
    assert_points(&f, "apps7", "4", 1);
    assert_contains(explanation(&f, "apps7", "4"), "基层治理相关应用系统入驻“山东通”数量不少于8个（未满足）");
    fixture_close(&f);
}

static void checklist_institutions(void **state)
{
    (void)state;
    fixture f;
    fixture_open(&f, "seed-rows-2019.yaml");
    static const char *crit[] = {"org.sc_leading_group", "org.sc_group_led_by_head", "org.bigdata_bureau_coordinates",
                                 "org.operator_company", "org.annual_meeting", "org.joint_meeting_system"};
    /* region "nK" meets the first K criteria: 0 → 0, 1 → 2, 2 → 4, 3 → 4 (三星 needs the 4th too),
     * 4 → 6, 5 → 8, 6 → 10 */
    static const double expected[] = {0, 2, 4, 4, 6, 8, 10};
    for (int k = 0; k <= 6; k++) {
        char name[8];
        snprintf(name, sizeof name, "n%d", k);
        for (int c = 0; c < 6; c++) put(&f, name, crit[c], c < k);
    }
    run(&f, "2023");
    for (int k = 0; k <= 6; k++) {
        char name[8];
        snprintf(name, sizeof name, "n%d", k);
        assert_points(&f, name, "40", expected[k]);
    }
    fixture_close(&f);
}

/* ---- rank: 001 附件1 row 17, among the 16 设区市 ---------------------------------------------- */

static void rank_among_peers(void **state)
{
    (void)state;
    fixture f;
    fixture_open(&f, "seed-rows-2019.yaml");
    /* 16 cities with 160, 150, …, 10 apps: rank k has 170 - 10k; two cities tie at rank 3 */
    for (int k = 1; k <= 16; k++) {
        char name[16];
        snprintf(name, sizeof name, "c%02d", k);
        put(&f, name, "gov.aishandong_local_apps", k == 4 ? 140 : 170 - 10 * k);
    }
    run(&f, "2023");
    /* ranks 1–3 → 15; c04 ties c03 (140) and shares rank 3 → 15; 5–6 → 13; 7–9 → 11; 10–12 → 9;
     * 13–16 → 7 */
    static const double expected[] = {0, 15, 15, 15, 15, 13, 13, 11, 11, 11, 9, 9, 9, 7, 7, 7, 7};
    for (int k = 1; k <= 16; k++) {
        char name[16];
        snprintf(name, sizeof name, "c%02d", k);
        assert_points(&f, name, "17", expected[k]);
    }
    assert_contains(explanation(&f, "c05", "17"), "排名：第5名");
    fixture_close(&f);
}

/* A city that did not report its count is not ranked (missing), and does not push others down. */
static void rank_skips_missing(void **state)
{
    (void)state;
    fixture f;
    fixture_open(&f, "seed-rows-2019.yaml");
    put(&f, "a", "gov.aishandong_local_apps", 10);
    put(&f, "b", "sec.leak_incidents", 0);
    run(&f, "2023");
    assert_points(&f, "a", "17", 15);
    assert_int_equal(points_missing(&f, "b", "17"), CS__MISS_NOT_RANKED);
    fixture_close(&f);
}

/* ---- "/" at 一星: 001 附件1 row 18 has no 一星 tier ------------------------------------------- */

static void slash_no_tier(void **state)
{
    (void)state;
    fixture f;
    fixture_open(&f, "seed-rows-2019.yaml");
    put(&f, "r69", "health.institutions_total", 100), put(&f, "r69", "health.institutions_networked", 69);
    put(&f, "r70", "health.institutions_total", 100), put(&f, "r70", "health.institutions_networked", 70);
    put(&f, "r100", "health.institutions_total", 100), put(&f, "r100", "health.institutions_networked", 100);
    run(&f, "2023");
    assert_points(&f, "r69", "18", 0);
    assert_contains(explanation(&f, "r69", "18"), "未达到二星要求");
    assert_points(&f, "r70", "18", 2);
    assert_points(&f, "r100", "18", 8);
    fixture_close(&f);
}

/* ---- growth over the previous period: 001 附件1 row 39 ---------------------------------------- */

static void growth_previous_period(void **state)
{
    (void)state;
    fixture f;
    fixture_open(&f, "seed-rows-2019.yaml");
    /* 2022: 800 patents / 100 万人 = 8 per 万人. 2023: 1000 / 100 = 10 → +25 % exactly → 4 分 */
    put_period(&f, "x", "2022", "econ.invention_patents", 800), put_period(&f, "x", "2022", "pop.year_end_10k", 100);
    put_period(&f, "x", "2023", "econ.invention_patents", 1000), put_period(&f, "x", "2023", "pop.year_end_10k", 100);
    /* 2023: 999 / 100 = 9.99 → +24.875 % → 0 */
    put_period(&f, "y", "2022", "econ.invention_patents", 800), put_period(&f, "y", "2022", "pop.year_end_10k", 100);
    put_period(&f, "y", "2023", "econ.invention_patents", 999), put_period(&f, "y", "2023", "pop.year_end_10k", 100);
    /* no 2022 data: growth is missing, not 0 */
    put_period(&f, "z", "2023", "econ.invention_patents", 999), put_period(&f, "z", "2023", "pop.year_end_10k", 100);
    run(&f, "2023");
    assert_points(&f, "x", "39", 4);
    assert_points(&f, "y", "39", 0);
    assert_int_equal(points_missing(&f, "z", "39"), CS__MISS_NO_PREV);
    assert_contains(explanation(&f, "z", "39"), "年末有效发明专利拥有量无上年数据");
    fixture_close(&f);
}

/* ---- counted items with caps: 003 市级 row 44 创新示范 ------------------------------------------ */

static void items_caps(void **state)
{
    (void)state;
    fixture f;
    fixture_open(&f, "seed-rows-2023.yaml");
    /* 4 awards × 0.5 = 2; 2 provincial × 1 = 2; 1 central × 2 = 2 → 6 */
    put(&f, "six", "innov.provincial_awards", 4), put(&f, "six", "innov.provincial_reports", 2), put(&f, "six", "innov.central_reports", 1);
    /* 9 awards × 0.5 = 4.5 → capped 3; 5 provincial → capped 3; 1 central → 2 → 8 */
    put(&f, "caps", "innov.provincial_awards", 9), put(&f, "caps", "innov.provincial_reports", 5), put(&f, "caps", "innov.central_reports", 1);
    /* 6 awards → 3; 3 provincial → 3; 3 central → 6; 12 → capped at 10 */
    put(&f, "ten", "innov.provincial_awards", 6), put(&f, "ten", "innov.provincial_reports", 3), put(&f, "ten", "innov.central_reports", 3);
    run(&f, "2023");
    assert_points(&f, "six", "44", 6);
    assert_points(&f, "caps", "44", 8);
    assert_points(&f, "ten", "44", 10);
    assert_contains(explanation(&f, "caps", "44"), "按上限计 3 分");
    assert_contains(explanation(&f, "ten", "44"), "合计得 10 分（本项最高 10 分）");
    fixture_close(&f);
}

/* ---- deductions and vetoes: 003 市级 rows 43 and 45 ----------------------------------------------- */

static void put_base(fixture *f, const char *r, double rest, double satisfied)
{
    put(f, r, "test.rest_points", rest);
    put(f, r, "citizen.survey_respondents", 1000);
    put(f, r, "citizen.satisfied_respondents", satisfied);
    put(f, r, "sec.cyber_deduction_points", 0);
    put(f, r, "sec.major_cyber_incidents", 0);
    put(f, r, "expert.national_benchmark", 0);
    /* no innovation items: reported as 0, since an unreported count is missing, not 0 */
    put(f, r, "innov.provincial_awards", 0), put(f, r, "innov.provincial_reports", 0), put(f, r, "innov.central_reports", 0);
}

static void deductions_and_vetoes(void **state)
{
    (void)state;
    fixture f;
    fixture_open(&f, "seed-rows-2023.yaml");
    /* 75 points, satisfaction 80 %, 3 points deducted for cyber events → 72 */
    put_base(&f, "ded3", 75, 800);
    put(&f, "ded3", "sec.cyber_deduction_points", 3);
    /* 20 points deducted is not "over 20": 75 - 20 = 55 */
    put_base(&f, "ded20", 75, 800);
    put(&f, "ded20", "sec.cyber_deduction_points", 20);
    /* 20.5 points deducted: over 20 → whole score 0 */
    put_base(&f, "ded205", 75, 800);
    put(&f, "ded205", "sec.cyber_deduction_points", 20.5);
    /* one major incident → 0 */
    put_base(&f, "major", 75, 800);
    put(&f, "major", "sec.major_cyber_incidents", 1);
    /* satisfaction 69.9 % → −10: 75 - 10 = 65 */
    put_base(&f, "sat699", 75, 699);
    /* satisfaction exactly 70 % → no penalty: 75 */
    put_base(&f, "sat70", 75, 700);
    /* satisfaction 59.9 % → whole score 0 */
    put_base(&f, "sat599", 75, 599);
    run(&f, "2023");
    assert_points(&f, "ded3", "43", -3);
    assert_near(total(&f, "ded3"), 72);
    assert_near(total(&f, "ded20"), 55);
    assert_near(total(&f, "ded205"), 0);
    assert_contains(total_explanation(&f, "ded205"), "触发“累计扣分超过20分或出现重大网络安全事件，整体不得分”，整体不得分");
    assert_near(total(&f, "major"), 0);
    assert_near(total(&f, "sat699"), 65);
    assert_contains(total_explanation(&f, "sat699"), "触发“公众满意度低于70%的，减10分”，减 10 分");
    assert_near(total(&f, "sat70"), 75);
    assert_near(total(&f, "sat599"), 0);
    assert_null(rating(&f, "sat599"));
    fixture_close(&f);
}

/* ---- star levels: 三星 ≥ 40, 四星（基础型）≥ 70, 四星（成长型）≥ 80, 五星 ≥ 90 and a benchmark ---- */

static void ratings_2023(void **state)
{
    (void)state;
    fixture f;
    fixture_open(&f, "seed-rows-2023.yaml");
    put_base(&f, "r39", 39, 800);
    put_base(&f, "r40", 40, 800);
    put_base(&f, "r6999", 69.99, 800);
    put_base(&f, "r70", 70, 800);
    put_base(&f, "r80", 76, 800);
    /* 4 awards × 0.5 = 2, 2 provincial reports × 1 = 2: 76 + 4 = 80 */
    put(&f, "r80", "innov.provincial_awards", 4), put(&f, "r80", "innov.provincial_reports", 2);
    put_base(&f, "r90", 76, 800);
    put(&f, "r90", "innov.provincial_awards", 6), put(&f, "r90", "innov.provincial_reports", 3), put(&f, "r90", "innov.central_reports", 2);
    /* 76 + 3 + 3 + 4 = 86 (capped at 10: 10) → 86, not yet 90 */
    put_base(&f, "r90b", 76, 800);
    put(&f, "r90b", "innov.provincial_awards", 6), put(&f, "r90b", "innov.provincial_reports", 3), put(&f, "r90b", "innov.central_reports", 2);
    put(&f, "r90b", "gov.service_items_online", 19), put(&f, "r90b", "gov.application_items_total", 20);   /* +1.5 */
    put_video(&f, "r90b", 99, 99, 99, 80, 100, 85, 1200);                                               /* +2.5 */
    /* 76 + 10 + 1.5 + 2.5 = 90 exactly, benchmark judged yes → 五星 */
    put(&f, "r90b", "expert.national_benchmark", 1);
    put_base(&f, "r90n", 76, 800);
    put(&f, "r90n", "innov.provincial_awards", 6), put(&f, "r90n", "innov.provincial_reports", 3), put(&f, "r90n", "innov.central_reports", 2);
    put(&f, "r90n", "gov.service_items_online", 19), put(&f, "r90n", "gov.application_items_total", 20);
    put_video(&f, "r90n", 99, 99, 99, 80, 100, 85, 1200);
    /* 90 but no benchmark judgement → 四星（成长型） */
    run(&f, "2023");
    assert_near(total(&f, "r39"), 39);
    assert_null(rating(&f, "r39"));
    assert_string_equal(rating(&f, "r40"), "三星");
    assert_string_equal(rating(&f, "r6999"), "三星");
    assert_string_equal(rating(&f, "r70"), "四星（基础型）");
    assert_near(total(&f, "r80"), 80);
    assert_string_equal(rating(&f, "r80"), "四星（成长型）");
    assert_near(total(&f, "r90"), 86);
    assert_string_equal(rating(&f, "r90"), "四星（成长型）");
    assert_near(total(&f, "r90b"), 90);
    assert_string_equal(rating(&f, "r90b"), "五星");
    assert_near(total(&f, "r90n"), 90);
    assert_string_equal(rating(&f, "r90n"), "四星（成长型）");
    assert_contains(total_explanation(&f, "r90n"), "总分已达到五星分数线（90 分），但经评估为全国标杆（未满足）");
    fixture_close(&f);
}

static void ratings_2019_bands(void **state)
{
    (void)state;
    fixture f;
    fixture_open(&f, "seed-rows-2019.yaml");
    static const struct {
        const char *r;
        double rest;
        const char *rating;
    } c[] = {{"t49", 49, NULL},     {"t50", 50, "一星"},   {"t99", 99, "一星"}, {"t100", 100, "二星"}, {"t209", 209, "二星"},
             {"t210", 210, "三星"}, {"t339", 339, "三星"}, {"t340", 340, "四星"}, {"t449", 449, "四星"}, {"t450", 450, "五星"}};
    for (size_t k = 0; k < sizeof c / sizeof c[0]; k++) put(&f, c[k].r, "test.rest_points", c[k].rest);
    /* 455 points and one leak incident (−5 in this fixture) → 450 → 五星 still */
    put(&f, "t455", "test.rest_points", 455), put(&f, "t455", "sec.leak_incidents", 1);
    /* 454 and one incident → 449 → 四星 */
    put(&f, "t454", "test.rest_points", 454), put(&f, "t454", "sec.leak_incidents", 1);
    run(&f, "2023");
    for (size_t k = 0; k < sizeof c / sizeof c[0]; k++) {
        const char *got = rating(&f, c[k].r);
        if (c[k].rating) assert_string_equal(got, c[k].rating);
        else assert_null(got);
    }
    assert_points(&f, "t455", "45", -5);
    assert_string_equal(rating(&f, "t455"), "五星");
    assert_near(total(&f, "t454"), 449);
    assert_string_equal(rating(&f, "t454"), "四星");
    fixture_close(&f);
}

/* ---- weighted 0–100 scores with two decimals: 002 Jinan 一级 weights 21/13/6/16/0/5/16/23 ------- */

static void weighted_two_decimals(void **state)
{
    (void)state;
    fixture f;
    fixture_open(&f, "weighted-jinan.yaml");
    static const char *el[] = {"t.a", "t.b", "t.c", "t.d", "t.f", "t.g", "t.h"};
    /* all 100 → 100.00 */
    for (int k = 0; k < 7; k++) put(&f, "full", el[k], 1);
    /* all 100 with one leak incident (−2, outside the weights) → 98 */
    for (int k = 0; k < 7; k++) put(&f, "leak", el[k], 1);
    put(&f, "leak", "sec.leak_incidents", 1);
    /* a = 2/3 → 66.67 (two decimals); b..h = 50 → 50:
     * 0.21 × 66.67 + (0.13 + 0.06 + 0.16 + 0.05 + 0.16 + 0.23) × 50 = 14.0007 + 39.5 = 53.5007 → 53.50 */
    put(&f, "mix", "t.a", 2.0 / 3.0);
    for (int k = 1; k < 7; k++) put(&f, "mix", el[k], 0.5);
    run(&f, "2023");
    assert_near(total(&f, "full"), 100);
    assert_near(total(&f, "leak"), 98);
    assert_points(&f, "mix", "a", 66.67);
    assert_near(total(&f, "mix"), 53.5);
    fixture_close(&f);
}

/* ---- monitoring indicators and "2 % of the total per incident": 000 and 004 -------------------- */

static void monitor_and_percent_deduction(void **state)
{
    (void)state;
    fixture f;
    fixture_open(&f, "monitor-2020.yaml");
    /* 数字经济企业占比 = 120 / 4000 = 3 %; no points at all */
    put(&f, "m", "econ.digital_enterprises", 120), put(&f, "m", "econ.enterprises_total", 4000);
    /* 电子证照使用率 86/100 > 85 % → 五星, 2 (of max 2); one incident: −2 % of 2 = −0.04 → 1.96 */
    put(&f, "m", "gov.eid_items", 86), put(&f, "m", "gov.service_items_total", 100);
    put(&f, "m", "sec.leak_incidents", 1);
    /* 85/100 is not "超过 85 %" → 四星, 1 */
    put(&f, "n", "gov.eid_items", 85), put(&f, "n", "gov.service_items_total", 100);
    put(&f, "n", "sec.leak_incidents", 0);
    run(&f, "2023");
    assert_int_equal(points_missing(&f, "m", "1"), -1); /* monitor: no points slot */
    double v;
    int sym = f.fw->indicators[cs__fw_indicator_index(f.fw, "1")].value_sym;
    assert_int_equal(cs__res_sym(f.res, row_of(&f, "m"), sym, &v), 0);
    assert_near(v, 0.03);
    assert_contains(explanation(&f, "m", "1"), "数字经济企业占比 = 120 / 4000 = 3%；监测指标，只计算数值，不计分");
    assert_points(&f, "m", "L1P1", 2);
    assert_near(total(&f, "m"), 1.96);
    assert_points(&f, "n", "L1P1", 1);
    assert_near(total(&f, "n"), 1);
    fixture_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tiers_boundaries),
        cmocka_unit_test(tiers_missing_is_not_zero),
        cmocka_unit_test(tiers_all_rates_required),
        cmocka_unit_test(checklist_sdt),
        cmocka_unit_test(checklist_institutions),
        cmocka_unit_test(rank_among_peers),
        cmocka_unit_test(rank_skips_missing),
        cmocka_unit_test(slash_no_tier),
        cmocka_unit_test(growth_previous_period),
        cmocka_unit_test(items_caps),
        cmocka_unit_test(deductions_and_vetoes),
        cmocka_unit_test(ratings_2023),
        cmocka_unit_test(ratings_2019_bands),
        cmocka_unit_test(weighted_two_decimals),
        cmocka_unit_test(monitor_and_percent_deduction),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
