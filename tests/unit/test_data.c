/*
 * test_data.c — reading the long CSV data file: encodings (UTF-8 with and without BOM, GB18030),
 * Chinese headers, every kind of bad cell reported as file:row:column, and all-or-nothing loading.
 */
#include "harness.h"
#include "io/io.h"

static cs_framework *fw2023(void)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/fixtures/seed-rows-2023.yaml", CS_SOURCE_DIR);
    cs_framework *fw = NULL;
    cs_diag *d = cs_diag_new();
    assert_int_equal(cs_framework_load_file(path, &fw, d), CS_OK);
    cs_diag_free(d);
    return fw;
}

/* Reads text; returns the diagnostics joined by newlines, and the data set in *out (OUT). */
static const char *read_csv(const char *text, size_t len, int strict, cs_dataset **out)
{
    static char msgs[16384];
    cs_framework *fw = fw2023();
    cs_dataset *ds = cs_dataset_new();
    cs_diag *d = cs_diag_new();
    cs__read_data_csv_buffer("data.csv", text, len, fw, strict, ds, d, NULL);
    msgs[0] = '\0';
    for (size_t i = 0; i < cs_diag_count(d); i++) {
        strncat(msgs, cs_diag_text(d, i), sizeof msgs - strlen(msgs) - 2);
        strcat(msgs, "\n");
    }
    cs_diag_free(d);
    cs_framework_free(fw);
    *out = ds;
    return msgs;
}

static void utf8_with_bom_and_chinese_header(void **state)
{
    (void)state;
    const char text[] = "\xEF\xBB\xBF地区,年度,数据项,值\r\n370811,2023,gov.application_items_total,1003\r\n"
                        "370811,2023,gov.sdt_all_staff,是\r\n370811,2023,gov.sdt_realtime_to_province,否\r\n";
    cs_dataset *ds;
    assert_string_equal(read_csv(text, sizeof text - 1, 0, &ds), "");
    double v;
    assert_true(cs_dataset_get(ds, "370811", "2023", "gov.application_items_total", &v));
    assert_near(v, 1003);
    assert_true(cs_dataset_get(ds, "370811", "2023", "gov.sdt_all_staff", &v));
    assert_near(v, 1);
    assert_true(cs_dataset_get(ds, "370811", "2023", "gov.sdt_realtime_to_province", &v));
    assert_near(v, 0);
    cs_dataset_free(ds);
}

static void gb18030_file(void **state)
{
    (void)state;
    /* "地区,年度,数据项,值" and "是" in GBK, as Excel on a Chinese Windows machine saves it */
    const char text[] = "\xb5\xd8\xc7\xf8,\xc4\xea\xb6\xc8,\xca\xfd\xbe\xdd\xcf\xee,\xd6\xb5\r\n"
                        "370811,2023,gov.sdt_all_staff,\xca\xc7\r\n";
    cs_dataset *ds;
    assert_string_equal(read_csv(text, sizeof text - 1, 0, &ds), "");
    double v;
    assert_true(cs_dataset_get(ds, "370811", "2023", "gov.sdt_all_staff", &v));
    assert_near(v, 1);
    cs_dataset_free(ds);
}

static void bad_cells_all_reported_nothing_loaded(void **state)
{
    (void)state;
    const char text[] = "region,period,element,value\n"
                        "370811,2023,gov.application_items_total,1003\n"     /* row 2: fine */
                        "370811,2023,gov.service_items_online,abc\n"     /* row 3: not a number */
                        "370812,2023,gov.application_items_total,10.5\n"     /* row 4: not whole */
                        "370812,2023,gov.sdt_all_staff,maybe\n"          /* row 5: not yes/no */
                        "370812,2023,test.rest_points,80\n"              /* row 6: above max 76 */
                        "370811,2023,gov.application_items_total,1004\n"     /* row 7: duplicate of row 2 */
                        ",2023,gov.application_items_total,1\n"              /* row 8: no region */
                        "370813,2023,gov.application_items_total,\n"         /* row 9: empty value */
                        "370814,2023,gov.application_items_total,-1\n";      /* row 10: below min 0 */
    cs_dataset *ds;
    const char *e = read_csv(text, sizeof text - 1, 0, &ds);
    assert_contains(e, "data.csv:3:4: “依托“爱山东”政务服务平台运行的依申请政务服务事项数量”（gov.service_items_online）的值 \"abc\" 不是数字");
    assert_contains(e, "data.csv:4:4: “本地区依申请政务服务事项总数量”（gov.application_items_total）应为整数，这里是 10.5");
    assert_contains(e, "data.csv:5:4: “机关工作人员及有关工作人员全部通过“山东通”开展工作”（gov.sdt_all_staff）应填 是 或 否");
    assert_contains(e, "data.csv:6:4: “其余指标得分合计”（test.rest_points）的值 80 超出允许范围 [0 – 76]");
    assert_contains(e, "data.csv:7:3: 地区 370811 年度 2023 的数据项 gov.application_items_total 重复（第 2 行已有）");
    assert_contains(e, "data.csv:8:1: 地区 / region为空");
    assert_contains(e, "data.csv:9:4: 值为空");
    assert_contains(e, "data.csv:10:4: “本地区依申请政务服务事项总数量”（gov.application_items_total）的值 -1 超出允许范围");
    /* all or nothing: the good row 2 was not loaded either */
    assert_int_equal(cs_dataset_region_count(ds), 0);
    cs_dataset_free(ds);
}

static void numerator_not_above_denominator(void **state)
{
    (void)state;
    const char text[] = "region,period,element,value\n"
                        "370811,2023,gov.service_items_online,1004\n"
                        "370811,2023,gov.application_items_total,1003\n";
    cs_dataset *ds;
    const char *e = read_csv(text, sizeof text - 1, 0, &ds);
    assert_contains(e, "data.csv:2:4: “依托“爱山东”政务服务平台运行的依申请政务服务事项数量”（gov.service_items_online = 1004）大于“本地区依申请政务服务事项总数量”（gov.application_items_total = 1003）");
    assert_int_equal(cs_dataset_region_count(ds), 0);
    cs_dataset_free(ds);
}

static void header_and_unknown_elements(void **state)
{
    (void)state;
    cs_dataset *ds;
    const char text0[] = "region,year,element,value\n1,2023,a,1\n2,2023,b,2\n";
    const char *e = read_csv(text0, sizeof text0 - 1, 0, &ds);
    /* one message for the header, not one per row that cannot be read */
    assert_string_equal(e, "data.csv:1: 表头缺少列 period（年度）/ the header has no 'period' column\n");
    cs_dataset_free(ds);
    /* an element another framework uses is skipped, not an error, unless --strict */
    const char text[] = "region,period,element,value\n370811,2023,infra.fiber_households,5\n";
    assert_string_equal(read_csv(text, sizeof text - 1, 0, &ds), "");
    cs_dataset_free(ds);
    assert_contains(read_csv(text, sizeof text - 1, 1, &ds), "data.csv:2:3: 框架 test-2023-rows 中没有数据项 'infra.fiber_households'");
    cs_dataset_free(ds);
}

static void malformed_csv_and_encoding(void **state)
{
    (void)state;
    cs_dataset *ds;
    const char quote[] = "region,period,element,value\n370811,2023,\"gov.application_items_total,5\n";
    assert_contains(read_csv(quote, sizeof quote - 1, 0, &ds), "CSV 格式错误");
    cs_dataset_free(ds);
    const char junk[] = "region,period,element,value\n\xff\xfe\xfd\n";
    assert_contains(read_csv(junk, sizeof junk - 1, 0, &ds), "既不是 UTF-8 也不是 GB18030/GBK");
    cs_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(utf8_with_bom_and_chinese_header), cmocka_unit_test(gb18030_file),
        cmocka_unit_test(bad_cells_all_reported_nothing_loaded), cmocka_unit_test(numerator_not_above_denominator),
        cmocka_unit_test(header_and_unknown_elements), cmocka_unit_test(malformed_csv_and_encoding),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
