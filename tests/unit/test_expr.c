/*
 * test_expr.c — the expression language: syntax errors and type errors located at
 * file:line:column, operator precedence, three-valued logic, missing values with reasons,
 * every built-in function, and rendering for people.
 */
#include "harness.h"

/* A minimal framework around one measure expression, so that expressions run through the real
 * loader, compiler and vector machine. Elements: a, b (real), flag (boolean). */
static const char *wrap(const char *expr)
{
    static char buf[32768];
    snprintf(buf, sizeof buf,
             "format: 1\nid: t\ntitle: t\nregion_level: county\nelements:\n"
             "  - {code: a, name: 甲, unit: 个, type: real}\n"
             "  - {code: b, name: 乙, unit: 个, type: real}\n"
             "  - {code: flag, name: 标志, type: boolean}\n"
             "indicators:\n  - code: x\n    name: x\n    measures:\n"
             "      - code: m\n        name: 计算值\n        expr: \"%s\"\n"
             "    rule: {kind: monitor}\n",
             expr);
    return buf;
}

/* Loads the wrapped expression and returns the first diagnostic, or "" when it loads. */
static const char *load_error(const char *expr)
{
    static char msg[1024];
    cs_diag *d = cs_diag_new();
    cs_framework *fw = NULL;
    const char *src = wrap(expr);
    cs_framework_load_buffer("t.yaml", src, strlen(src), &fw, d);
    snprintf(msg, sizeof msg, "%s", cs_diag_count(d) ? cs_diag_text(d, 0) : "");
    cs_framework_free(fw);
    cs_diag_free(d);
    return msg;
}

typedef struct {
    double v;
    int missing;
} value;

/* Evaluates expr with a, b (NAN = not reported) and flag (-1 = not reported); also 2022 values
 * a_prev (NAN = none) for prev()/growth(). */
static value eval4(const char *expr, double a, double b, int flag, double a_prev)
{
    cs_diag *d = cs_diag_new();
    cs_framework *fw = NULL;
    const char *src = wrap(expr);
    if (cs_framework_load_buffer("t.yaml", src, strlen(src), &fw, d) != CS_OK) {
        cs_diag_print(d, stderr);
        fail_msg("expression did not load: %s", expr);
    }
    cs_plan *plan;
    cs_plan_compile(fw, &plan, d);
    cs_dataset *ds = cs_dataset_new();
    cs_dataset_set(ds, "r", "2023", "other", 0);
    if (!isnan(a)) cs_dataset_set(ds, "r", "2023", "a", a);
    if (!isnan(b)) cs_dataset_set(ds, "r", "2023", "b", b);
    if (flag >= 0) cs_dataset_set(ds, "r", "2023", "flag", flag);
    if (!isnan(a_prev)) cs_dataset_set(ds, "r", "2022", "a", a_prev);
    cs_results *res;
    cs_evaluate(plan, ds, "2023", &res);
    value out;
    out.missing = cs__res_sym(res, 0, fw->nelements, &out.v);
    cs_results_free(res);
    cs_dataset_free(ds);
    cs_plan_free(plan);
    cs_framework_free(fw);
    cs_diag_free(d);
    return out;
}

static value eval(const char *expr, double a, double b)
{
    return eval4(expr, a, b, -1, NAN);
}

#define assert_value(expr, a, b, expected)                                                                   \
    do {                                                                                                     \
        value v_ = eval((expr), (a), (b));                                                                   \
        if (v_.missing) fail_msg("%s: missing (%d), expected %g", (expr), v_.missing, (double)(expected));   \
        assert_near(v_.v, (expected));                                                                       \
    } while (0)
#define assert_missing(expr, a, b, reason) assert_int_equal(eval((expr), (a), (b)).missing, (reason))

static void arithmetic_and_precedence(void **state)
{
    (void)state;
    assert_value("a + b * 2", 1, 3, 7);
    assert_value("(a + b) * 2", 1, 3, 8);
    assert_value("a - b - 1", 10, 3, 6);
    assert_value("a / b / 2", 12, 3, 2);
    assert_value("-a + 1", 5, 0, -4);
    assert_value("a × 2 ÷ b", 6, 3, 4);
    assert_value("80% + a", 0, 0, 0.8);
    assert_value("a >= 80% and b < 2", 0.8, 1, 1);
    assert_value("a > 1 or b > 1", 0, 0, 0);
    assert_value("not a > 1", 0, 0, 1);
    assert_value("a ≥ 1 and b ≤ 2 and a ≠ b", 1, 2, 1);
}

/* A figure exactly on a threshold meets it, however the float arithmetic rounds on the way. */
static void exactly_on_thresholds(void **state)
{
    (void)state;
    assert_value("a / b >= 1.8%", 180000, 10000000, 1);   /* 1.8% literal is the decimal 0.018 */
    assert_value("avg(a, a, a) >= 70%", 0.7, 0, 1);       /* 0.6999999999999998 */
    assert_value("avg(a, a, a) < 70%", 0.7, 0, 0);
    assert_value("0.4 * a + 0.4 * a + 0.2 * a > 90%", 0.9, 0, 0);   /* 0.9000000000000001 is not "超过 90%" */
    assert_value("0.4 * a + 0.4 * a + 0.2 * a == 90%", 0.9, 0, 1);
    assert_value("a >= b", 100, 100.001, 0);               /* distinct figures stay distinct */
    assert_value("a > b", 1000000.001, 1000000, 1);
}

static void missing_values(void **state)
{
    (void)state;
    assert_missing("a / b", 1, 0, CS__MISS_DIV_ZERO);
    assert_missing("0 / b", 0, 0, CS__MISS_DIV_ZERO);
    assert_missing("a + b", NAN, 1, CS__MISS_NOT_REPORTED);
    assert_missing("sqrt(a)", -4, 0, CS__MISS_INVALID);
    assert_missing("min(a, b)", 1, NAN, CS__MISS_NOT_REPORTED);
    /* three-valued logic: the result does not depend on the missing side */
    assert_value("a > 1 and b > 1", 0, NAN, 0);
    assert_missing("a > 1 and b > 1", 2, NAN, CS__MISS_NOT_REPORTED);
    assert_value("a > 1 or b > 1", 2, NAN, 1);
    assert_missing("a > 1 or b > 1", 0, NAN, CS__MISS_NOT_REPORTED);
    assert_value("coalesce(b, a, 7)", 3, NAN, 3);
    assert_value("coalesce(b, 7)", NAN, NAN, 7);
    assert_value("is_missing(b)", 1, NAN, 1);
    assert_value("is_missing(a / b)", 1, 0, 1);
    assert_value("if(is_missing(b), 0, b)", 1, NAN, 0);
}

static void functions(void **state)
{
    (void)state;
    assert_value("min(a, b, 5)", 7, 3, 3);
    assert_value("max(a, b, 5)", 7, 3, 7);
    assert_value("sum(a, b, 5)", 7, 3, 15);
    assert_value("avg(a, b, 5)", 7, 3, 5);
    assert_value("count(a > 1, b > 1, a > b)", 7, 0, 2);
    assert_value("clamp(a, 0, 100)", 130, 0, 100);
    assert_value("clamp(a, 0, 100)", -3, 0, 0);
    assert_value("abs(a - b)", 3, 7, 4);
    assert_value("sqrt(a)", 16, 0, 4);
    assert_value("round(a, 2)", 2.0 / 3.0, 0, 0.67);
    assert_value("round(a, 2)", 53.505, 0, 53.51);   /* half away from zero on the decimal value */
    assert_value("round(a)", 2.5, 0, 3);
    assert_value("if(a > b, a, b)", 2, 9, 9);
    assert_value("all(a > 0, b > 0)", 1, 1, 1);
    assert_value("any(a > 5, b > 5)", 1, 1, 0);
    value v = eval4("if(flag, 1, 2)", 0, 0, 1, NAN);
    assert_near(v.v, 1);
    assert_int_equal(eval4("if(flag, 1, 2)", 0, 0, -1, NAN).missing, CS__MISS_NOT_REPORTED);
}

static void previous_period(void **state)
{
    (void)state;
    value v = eval4("growth(a)", 125, 0, -1, 100);
    assert_int_equal(v.missing, 0);
    assert_near(v.v, 0.25);
    v = eval4("prev(a)", 125, 0, -1, 100);
    assert_near(v.v, 100);
    assert_int_equal(eval4("growth(a)", 125, 0, -1, NAN).missing, CS__MISS_NO_PREV);
    assert_int_equal(eval4("growth(a)", 125, 0, -1, 0).missing, CS__MISS_DIV_ZERO);
}

/* Errors name the file, the line and the column of the offending token: the expression sits on
 * line 15 of the wrapped file, its text starting at column 16 (inside the quotes). */
static void syntax_errors_located(void **state)
{
    (void)state;
    assert_string_equal(load_error("a +"), "t.yaml:15:19: 此处应为数值、名称或 '(' / expected a value, a name or '(' but found 表达式结尾 / end of expression");
    assert_contains(load_error("(a + b"), "t.yaml:15:22: 缺少右括号 ')'");
    assert_contains(load_error("a = b"), "t.yaml:15:18: 比较相等请用 ==");
    assert_contains(load_error("a < b < 3"), "t.yaml:15:22: 比较不能连写");
    assert_contains(load_error("a $ b"), "t.yaml:15:18: 无法识别的字符 / unexpected character '$'");
    assert_contains(load_error("a b"), "t.yaml:15:18: 多余的内容 / unexpected b after the expression");
    assert_contains(load_error(""), "表达式为空");
}

static void name_and_type_errors_located(void **state)
{
    (void)state;
    assert_contains(load_error("a + c"), "t.yaml:15:20: 未知的名称 / unknown name 'c'");
    assert_contains(load_error("median(a)"), "t.yaml:15:16: 未知的函数 / unknown function 'median'");
    assert_contains(load_error("a and b"), "t.yaml:15:16: 'and'需要真假值 / boolean");
    assert_contains(load_error("flag + 1"), "t.yaml:15:16: '+'需要数值 / number");
    assert_contains(load_error("clamp(a, 1)"), "clamp() 需要 3 个参数，这里有 2 个");
    assert_contains(load_error("if(a, 1, 2)"), "if() 的条件 / if() condition需要真假值");
    assert_contains(load_error("if(flag, 1, flag)"), "if() 两个分支的类型不同");
    assert_contains(load_error("prev(a + 1)"), "prev() 的参数必须是数据项的名称");
    assert_contains(load_error("prev(m)"), "计算值循环引用");
    assert_contains(load_error("points('nope')"), "未知的指标编号 / unknown indicator 'nope'");
    assert_contains(load_error("round(a, b)"), "round() 的小数位数必须是 0–10 的整数常量");
    assert_contains(load_error("m + 1"), "计算值循环引用 / measures refer to each other in a cycle: m → m");
}

/* Deep nesting and very long expressions are refused with a message, not a stack overflow. */
static void size_limits(void **state)
{
    (void)state;
    static char deep[512], signs[256], longest[16384];
    memset(deep, '(', 100), strcpy(deep + 100, "a"), memset(deep + 101, ')', 100), deep[201] = '\0';
    assert_contains(load_error(deep), "括号或函数嵌套过深");
    memset(signs, '-', 100), strcpy(signs + 100, "a");
    assert_contains(load_error(signs), "正负号嵌套过深");
    strcpy(longest, "a");
    for (int i = 0; i < 1500; i++) strcat(longest, "+a");
    assert_contains(load_error(longest), "表达式过长");
    /* within the limits it loads: 60 levels of parentheses */
    memset(deep, '(', 60), strcpy(deep + 60, "a"), memset(deep + 61, ')', 60), deep[121] = '\0';
    assert_string_equal(load_error(deep), "");
}

static void render_for_people(void **state)
{
    (void)state;
    cs_diag *d = cs_diag_new();
    cs_framework *fw = NULL;
    const char *src = wrap("(a - b) / b >= 25% and not flag or rank_pct(a) <= 25%");
    assert_int_equal(cs_framework_load_buffer("t.yaml", src, strlen(src), &fw, d), CS_OK);
    cs_plan *plan;
    cs_plan_compile(fw, &plan, d);
    cs_dataset *ds = cs_dataset_new();
    cs_dataset_set(ds, "r", "2023", "a", 1);
    cs_results *res;
    cs_evaluate(plan, ds, "2023", &res);
    cs__buf b = {0};
    cs__expr_render(fw->measures[0].expr, NULL, NULL, &b);
    assert_string_equal(cs__buf_str(&b), "(a - b) / b ≥ 25%，且非flag，或a排名位次百分比 ≤ 25%");
    cs__buf_free(&b);
    cs_results_free(res);
    cs_dataset_free(ds);
    cs_plan_free(plan);
    cs_framework_free(fw);
    cs_diag_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(arithmetic_and_precedence), cmocka_unit_test(exactly_on_thresholds), cmocka_unit_test(missing_values),
        cmocka_unit_test(functions),                 cmocka_unit_test(previous_period),
        cmocka_unit_test(syntax_errors_located),     cmocka_unit_test(name_and_type_errors_located),
        cmocka_unit_test(size_limits),               cmocka_unit_test(render_for_people),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
