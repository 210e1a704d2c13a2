/*
 * test_loader.c — malformed framework files: every problem is reported as file:line:column, all
 * of them in one pass, and nothing is returned to score with.
 */
#include "harness.h"

/* Loads text as a framework; returns every diagnostic joined by newlines ("" when it loads). */
static const char *errors_of(const char *text)
{
    static char out[16384];
    cs_diag *d = cs_diag_new();
    cs_framework *fw = NULL;
    cs_status rc = cs_framework_load_buffer("bad.yaml", text, strlen(text), &fw, d);
    out[0] = '\0';
    for (size_t i = 0; i < cs_diag_count(d); i++) {
        strncat(out, cs_diag_text(d, i), sizeof out - strlen(out) - 2);
        strcat(out, "\n");
    }
    if (rc == CS_OK) assert_non_null(fw);
    else assert_null(fw);
    cs_framework_free(fw);
    cs_diag_free(d);
    return out;
}

#define HEAD "format: 1\nid: bad\ntitle: 测试\nregion_level: county\n"
#define ONE_IND "indicators:\n  - code: \"1\"\n    name: 甲\n    rule: {kind: monitor}\n"

static void minimal_file_loads(void **state)
{
    (void)state;
    assert_string_equal(errors_of(HEAD ONE_IND), "");
}

static void yaml_syntax_error(void **state)
{
    (void)state;
    assert_contains(errors_of(HEAD "indicators: [\n  - code: 1\n"), "bad.yaml:6:");
    assert_contains(errors_of(HEAD "indicators: [\n  - code: 1\n"), "YAML 语法错误 / YAML syntax error");
    assert_contains(errors_of(""), "bad.yaml:1:1: 文件为空");
    assert_contains(errors_of("- a\n- b\n"), "bad.yaml:1:1: 框架文件 / framework file 应为映射");
}

static void not_utf8(void **state)
{
    (void)state;
    /* "标题" in GBK */
    assert_contains(errors_of(HEAD "title2: \xb1\xea\xcc\xe2\n"), "bad.yaml:5: 文件不是 UTF-8 编码（可能是 GBK）");
}

static void unknown_and_missing_keys(void **state)
{
    (void)state;
    const char *e = errors_of("format: 1\nid: Bad_ID\ntitel: 测试\nregion_level: town\n"
                              "indicators:\n  - code: \"1\"\n    nmae: 甲\n    rule: {kind: tier}\n");
    /* all problems in one pass, each with its place */
    assert_contains(e, "bad.yaml:2:5: id 只能由小写字母、数字和 - 组成");
    assert_contains(e, "bad.yaml:3:1: framework 中有未知的键 'titel'");
    assert_contains(e, "bad.yaml:1:1: 框架 / framework 缺少 'title'");
    assert_contains(e, "bad.yaml:4:15: region_level 应为");
    assert_contains(e, "bad.yaml:7:5: indicator 中有未知的键 'nmae'");
    assert_contains(e, "bad.yaml:6:5: 指标 / indicator 缺少 'name'");
    assert_contains(e, "bad.yaml:8:18: 未知的规则类型 'tier'");
}

static void duplicate_codes(void **state)
{
    (void)state;
    const char *e = errors_of(HEAD "elements:\n  - {code: a, name: 甲, type: real}\n  - {code: a, name: 乙, type: real}\n"
                                   "indicators:\n  - {code: \"1\", name: 甲, rule: {kind: monitor}}\n"
                                   "  - {code: \"1\", name: 乙, rule: {kind: monitor}}\n");
    assert_contains(e, "bad.yaml:7:5: 数据项编号 'a' 重复（第 6 行已声明）");
    assert_contains(e, "bad.yaml:10:5: 指标编号 '1' 重复");
}

static void rule_problems(void **state)
{
    (void)state;
    const char *e = errors_of(HEAD "tier_levels: [三星, 四星]\nelements:\n  - {code: a, name: 甲, type: real}\n"
                                   "indicators:\n  - code: \"1\"\n    name: 甲\n    rule:\n      kind: tiers\n      tiers:\n"
                                   "        - {level: 五星, points: x, when: a > 1}\n"
                                   "        - {level: 三星, points: 1}\n"
                                   "        - {level: 四星, points: 2, when: a + 1}\n");
    assert_contains(e, "bad.yaml:14:19: 档位 '五星' 不在 tier_levels 中");
    assert_contains(e, "bad.yaml:14:31: points 应为数值，这里是 \"x\"");
    assert_contains(e, "bad.yaml:15:11: 档位缺少条件 'when'");
    /* the third tier's condition is a number, not a condition: found after the others are fixed */
    e = errors_of(HEAD "elements:\n  - {code: a, name: 甲, type: real}\n"
                       "indicators:\n  - code: \"1\"\n    name: 甲\n    rule:\n      kind: tiers\n      tiers:\n"
                       "        - {level: 四星, points: 2, when: a + 1}\n");
    assert_contains(e, "bad.yaml:13:40: 这里需要一个条件（真假值）");
}

static void items_need_caps(void **state)
{
    (void)state;
    const char *e = errors_of(HEAD "elements:\n  - {code: n, name: 项数, type: integer}\n"
                                   "indicators:\n  - code: \"1\"\n    name: 甲\n"
                                   "    rule: {kind: items, items: [{element: n, per: 1}, {element: m, per: 2, cap: 3}]}\n");
    assert_contains(e, "bad.yaml:10:11: items 规则需要总上限 'cap' 或每项都有上限");
}

static void max_score_checked(void **state)
{
    (void)state;
    const char *e = errors_of(HEAD "max_score: 10\nelements:\n  - {code: a, name: 甲, type: real}\n"
                                   "indicators:\n  - {code: \"1\", name: 甲, rule: {kind: formula, points: a, max_points: 8}}\n");
    assert_contains(e, "max_score 声明为 10，但各指标满分合计为 8");
}

static void weights_sum_to_100(void **state)
{
    (void)state;
    const char *e = errors_of(HEAD "scoring: weighted\nelements:\n  - {code: a, name: 甲, type: real}\n"
                                   "groups:\n  - {code: A, name: 甲组, weight: 60}\n  - {code: B, name: 乙组, weight: 30}\n"
                                   "indicators:\n  - {code: \"1\", name: 甲, group: A, weight: 100, rule: {kind: formula, points: a, max_points: 100}}\n"
                                   "  - {code: \"2\", name: 乙, group: B, weight: 90, rule: {kind: formula, points: a, max_points: 100}}\n");
    assert_contains(e, "bad.yaml:1:1: 'bad' 下各项权重之和为 90%，应为 100%");
    assert_contains(e, "bad.yaml:10:5: '乙组' 下各项权重之和为 90%，应为 100%");
}

static void indicator_cycle(void **state)
{
    (void)state;
    const char *e = errors_of(HEAD "indicators:\n"
                                   "  - {code: \"1\", name: 甲, rule: {kind: formula, points: \"points('2')\", max_points: 1}}\n"
                                   "  - {code: \"2\", name: 乙, rule: {kind: formula, points: \"points('1')\", max_points: 1}}\n");
    assert_contains(e, "通过 points()/tier()/reached() 循环引用");
}

static void totals_only_in_adjustments(void **state)
{
    (void)state;
    const char *e = errors_of(HEAD "indicators:\n  - {code: \"1\", name: 甲, rule: {kind: formula, points: total, max_points: 1}}\n");
    assert_contains(e, "未知的名称 / unknown name 'total'");
    e = errors_of(HEAD ONE_IND "adjustments:\n  - {kind: penalty, when: total > 5, points: 0.02 * max_total}\n");
    assert_string_equal(e, "");
}

static void missing_file(void **state)
{
    (void)state;
    cs_diag *d = cs_diag_new();
    cs_framework *fw = NULL;
    assert_int_equal(cs_framework_load_file("/nonexistent/x.yaml", &fw, d), CS_EIO);
    assert_contains(cs_diag_text(d, 0), "/nonexistent/x.yaml: 无法打开文件");
    cs_diag_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(minimal_file_loads),  cmocka_unit_test(yaml_syntax_error),       cmocka_unit_test(not_utf8),
        cmocka_unit_test(unknown_and_missing_keys), cmocka_unit_test(duplicate_codes),    cmocka_unit_test(rule_problems),
        cmocka_unit_test(items_need_caps),     cmocka_unit_test(max_score_checked),       cmocka_unit_test(weights_sum_to_100),
        cmocka_unit_test(indicator_cycle),     cmocka_unit_test(totals_only_in_adjustments), cmocka_unit_test(missing_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
