/*
 * test_xlsx_write.c — the XLSX writers: a plain table (numbers stay numbers, frozen bold header,
 * autofilter, CJK-aware widths) and the data-entry template (instruction sheet, one sheet per lead
 * department with valid unique names, the exact headers the importer looks for, a row per region
 * and element, codes as text, Excel data validation, prefilled values). Workbooks are opened again
 * as zip files and their XML parts inspected, and read back with the XLSX reader.
 */
#include <stdlib.h>
#include <unistd.h>
#include <zip.h>

#include "harness.h"
#include "io/io.h"
#include "io/table.h"

/* ---- Helpers --------------------------------------------------------------------------------- */

typedef struct {
    char dir[512];
    char path[600];
} tmp_file;

/* A fresh temporary directory with a workbook path inside it. */
static void tmp_open(tmp_file *t, const char *name)
{
    const char *base = getenv("TMPDIR");
    snprintf(t->dir, sizeof t->dir, "%s/citystar-xlsxw-XXXXXX", base && *base ? base : "/tmp");
    assert_non_null(mkdtemp(t->dir));
    snprintf(t->path, sizeof t->path, "%s/%s", t->dir, name);
}

static void tmp_close(tmp_file *t)
{
    unlink(t->path);
    rmdir(t->dir);
}

/* The text of one part of the zip at path (caller frees), or NULL when it has no such part. */
static char *zip_part(const char *path, const char *part)
{
    int zerr = 0;
    zip_t *z = zip_open(path, ZIP_RDONLY, &zerr);
    if (!z) fail_msg("%s is not a zip file (libzip error %d)", path, zerr);
    zip_stat_t st;
    char *text = NULL;
    if (zip_stat(z, part, 0, &st) == 0) {
        zip_file_t *f = zip_fopen(z, part, 0);
        assert_non_null(f);
        text = malloc(st.size + 1);
        assert_non_null(text);
        assert_int_equal(zip_fread(f, text, st.size), (zip_int64_t)st.size);
        text[st.size] = '\0';
        zip_fclose(f);
    }
    zip_close(z);
    return text;
}

static char *sheet_part(const char *path, int n)
{
    char part[64];
    snprintf(part, sizeof part, "xl/worksheets/sheet%d.xml", n);
    return zip_part(path, part);
}

static int count_of(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = text; (p = strstr(p, needle)); p += strlen(needle)) n++;
    return n;
}

/* The sheet names of xl/workbook.xml in order, as one "|"-joined string in a static buffer. */
static const char *sheet_names(const char *path)
{
    static char names[4096];
    char *wb = zip_part(path, "xl/workbook.xml");
    assert_non_null(wb);
    names[0] = '\0';
    for (const char *p = wb; (p = strstr(p, "<sheet name=\"")); ) {
        p += strlen("<sheet name=\"");
        const char *q = strchr(p, '"');
        if (names[0]) strcat(names, "|");
        strncat(names, p, (size_t)(q - p));
        p = q;
    }
    free(wb);
    return names;
}

/* Whether cell ref of a sheet's XML is a string cell (t="s"), not a number. */
static int is_string_cell(const char *sheet, const char *ref)
{
    char key[32];
    snprintf(key, sizeof key, "<c r=\"%s\"", ref);
    const char *p = strstr(sheet, key);
    if (!p) return 0;
    const char *end = strchr(p, '>'), *t = strstr(p, " t=\"s\"");
    return t && t < end;
}

static cs_framework *load_framework(const char *relpath)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", CS_SOURCE_DIR, relpath);
    cs_framework *fw = NULL;
    cs_diag *d = cs_diag_new();
    cs_status rc = cs_framework_load_file(path, &fw, d);
    if (rc != CS_OK) cs_diag_print(d, stderr);
    assert_int_equal(rc, CS_OK);
    cs_diag_free(d);
    return fw;
}

static const char *const template_headers[] = {"地区代码", "地区", "年度", "数据项编号", "数据项名称", "单位",
                                              "类型", "允许范围", "相关指标", "数值", "备注"};

/* Prefills two figures of region 370811: a count and a yes/no item with a note. */
static int prefill_two(void *ctx, const char *region, const char *element, double *value, const char **note)
{
    (*(int *)ctx)++;
    if (strcmp(region, "370811")) return 0;
    if (!strcmp(element, "gov.application_items_total")) {
        *value = 1003;
        return 1;
    }
    if (!strcmp(element, "expert.national_benchmark")) {
        *value = 1;
        *note = "来自2023年报";
        return 1;
    }
    return 0;
}

/* ---- The template ---------------------------------------------------------------------------- */

static void template_sd2023_county_two_regions(void **state)
{
    (void)state;
    cs_framework *fw = load_framework("frameworks/sd-2023-county.yaml");
    tmp_file t;
    tmp_open(&t, "填报.xlsx");
    cs__region_ref regions[] = {{"370811", "任城区"}, {"370812", "兖州区"}};
    int calls = 0;
    cs_diag *d = cs_diag_new();
    cs_status rc = cs__template_write_xlsx(t.path, fw, regions, 2, "2024", prefill_two, &calls, d);
    cs_diag_print(d, stderr);
    assert_int_equal(rc, CS_OK);
    assert_int_equal(cs_diag_count(d), 0);
    assert_int_equal(calls, 2 * fw->nelements);

    /* sd-2023-county names no departments: everything is on "其他" */
    const char *names = sheet_names(t.path);
    assert_string_equal(names, "填报说明|其他");

    char *intro = sheet_part(t.path, 1), *sheet = sheet_part(t.path, 2), *strings = zip_part(t.path, "xl/sharedStrings.xml");
    assert_non_null(intro);
    assert_non_null(sheet);
    assert_non_null(strings);
    /* header + one row per (region, element) */
    assert_int_equal(count_of(sheet, "<row "), 1 + 2 * fw->nelements);
    for (size_t k = 0; k < sizeof template_headers / sizeof *template_headers; k++) {
        char cell[64];
        snprintf(cell, sizeof cell, "<t>%s</t>", template_headers[k]);
        assert_contains(strings, cell);
    }
    /* the instruction sheet */
    assert_contains(strings, "sd-2023-county");
    assert_contains(strings, fw->title);
    assert_contains(strings, "留空表示未填报");
    assert_contains(strings, "citystar data import");
    assert_contains(strings, "本工作簿由 citystar 于 ");
    assert_contains(strings, "370811 任城区；370812 兖州区");
    /* codes and the period are text, not numbers */
    assert_contains(strings, "<t>370811</t>");
    assert_contains(strings, "<t>2024</t>");
    assert_true(is_string_cell(sheet, "A2"));
    assert_true(is_string_cell(sheet, "C2"));
    /* a validation on every 数值 cell, of the kind the element's type asks for */
    assert_int_equal(count_of(sheet, "<dataValidation "), 2 * fw->nelements);
    assert_contains(sheet, "<dataValidation type=\"whole\"");
    assert_contains(sheet, "<dataValidation type=\"decimal\"");
    assert_contains(sheet, "<dataValidation type=\"list\"");
    assert_contains(sheet, "<formula1>\"是,否\"</formula1>");
    assert_contains(sheet, "prompt=\"本地区依申请政务服务事项总数量（单位：项）");
    assert_contains(sheet, "error=\"“本地区依申请政务服务事项总数量”应填整数，允许范围：≥ 0。");
    /* header frozen, autofilter over the whole table, unlocked input cells in a protected sheet */
    assert_contains(sheet, "state=\"frozen\"");
    char filter[64];
    snprintf(filter, sizeof filter, "<autoFilter ref=\"A1:K%d\"/>", 1 + 2 * fw->nelements);
    assert_contains(sheet, filter);
    assert_contains(sheet, "<sheetProtection ");
    assert_true(strstr(sheet, "password=") == NULL);
    /* prefilled: the count as a number, the yes/no item as 是 with its note */
    assert_contains(sheet, "<v>1003</v>");
    assert_contains(strings, "<t>来自2023年报</t>");
    assert_contains(strings, "<t>是</t>");
    /* 相关指标 found by walking the expressions: the total is used by indicator 1's measure */
    assert_contains(strings, "1 政务服务事项在线运行情况");
    free(intro);
    free(sheet);
    free(strings);
    cs_diag_free(d);
    tmp_close(&t);
    cs_framework_free(fw);
}

/* The template read back with the XLSX reader: the importer's view of it. */
static void template_read_back(void **state)
{
    (void)state;
    cs_framework *fw = load_framework("frameworks/sd-2023-county.yaml");
    tmp_file t;
    tmp_open(&t, "back.xlsx");
    cs__region_ref regions[] = {{"370811", "任城区"}, {"370812", "兖州区"}};
    int calls = 0;
    cs_diag *d = cs_diag_new();
    assert_int_equal(cs__template_write_xlsx(t.path, fw, regions, 2, "2024", prefill_two, &calls, d), CS_OK);
    cs__table *tables = NULL;
    int ntables = 0;
    cs_status rc = cs__xlsx_read(t.path, &tables, &ntables, d);
    cs_diag_print(d, stderr);
    assert_int_equal(rc, CS_OK);
    assert_int_equal(ntables, 2);
    assert_string_equal(tables[0].name, "填报说明");
    assert_string_equal(tables[1].name, "其他");
    const cs__table *sheet = &tables[1];
    assert_int_equal(sheet->rows.n, 1 + 2 * (size_t)fw->nelements);
    const cs__table_row *hdr = &sheet->rows.items[0];
    assert_int_equal(hdr->row, 1);
    assert_int_equal(hdr->ncells, 11);
    for (int c = 0; c < 11; c++) assert_string_equal(hdr->cells[c], template_headers[c]);
    int found = 0;
    for (size_t r = 1; r < sheet->rows.n; r++) {
        const cs__table_row *row = &sheet->rows.items[r];
        assert_int_equal(row->row, (int)r + 1);
        assert_string_equal(row->cells[2], "2024");
        const char *value = row->ncells > 9 ? row->cells[9] : "";
        if (!strcmp(row->cells[0], "370811") && !strcmp(row->cells[3], "gov.application_items_total")) {
            assert_string_equal(row->cells[1], "任城区");
            assert_string_equal(value, "1003");
            found++;
        } else if (!strcmp(row->cells[0], "370811") && !strcmp(row->cells[3], "expert.national_benchmark")) {
            assert_string_equal(value, "是");
            assert_string_equal(row->cells[10], "来自2023年报");
            found++;
        } else {
            assert_string_equal(value, "");
        }
        /* region-major: the first half is 370811 */
        assert_string_equal(row->cells[0], r <= (size_t)fw->nelements ? "370811" : "370812");
    }
    assert_int_equal(found, 2);
    cs__tables_free(tables, ntables);
    cs_diag_free(d);
    tmp_close(&t);
    cs_framework_free(fw);
}

static void template_one_sheet_per_lead_department(void **state)
{
    (void)state;
    cs_framework *fw = load_framework("frameworks/sd-2023-city.yaml");
    tmp_file t;
    tmp_open(&t, "city.xlsx");
    cs__region_ref regions[] = {{"370800", "济宁市"}};
    cs_diag *d = cs_diag_new();
    assert_int_equal(cs__template_write_xlsx(t.path, fw, regions, 1, "2024", NULL, NULL, d), CS_OK);

    /* the first department of the first indicator comes first, after the instructions */
    const char *names = sheet_names(t.path);
    char want[256];
    snprintf(want, sizeof want, "填报说明|%s|", fw->indicators[0].departments[0]);
    assert_true(!strncmp(names, want, strlen(want)));
    int nsheets = 1 + count_of(names, "|");
    assert_true(nsheets > 3);
    int rows = 0;
    for (int s = 2; s <= nsheets; s++) {
        char *sheet = sheet_part(t.path, s);
        assert_non_null(sheet);
        int n = count_of(sheet, "<row ") - 1;
        assert_true(n > 0);
        assert_int_equal(count_of(sheet, "<dataValidation "), n);
        rows += n;
        free(sheet);
    }
    assert_int_equal(rows, fw->nelements);
    cs_diag_free(d);
    tmp_close(&t);
    cs_framework_free(fw);
}

static void template_sheet_names_made_valid(void **state)
{
    (void)state;
    static const char yaml[] =
        "format: 1\nid: test-sheets\ntitle: 工作表名称\nissuer: test\nyear: 2024\nsource: test\n"
        "region_level: county\nscoring: points\nlevels: [指标]\ntier_levels: [达标]\n"
        "elements:\n"
        "  - {code: a.x, name: 甲, unit: 个, type: integer, min: 0, max: 10}\n"
        "  - {code: b.x, name: 乙, unit: 万元, type: real}\n"
        "  - {code: c.x, name: 丙, unit: \"%\", type: real, min: 0, max: 1}\n"
        "  - {code: d.x, name: 丁, unit: 个, type: integer, max: 5, at_most: [a.x]}\n"
        "  - {code: e.x, name: 戊, unit: \"\", type: boolean}\n"
        "indicators:\n"
        "  - {code: \"1\", name: 一, departments: [\"市大数据局/市行政审批服务局[联合]\"],\n"
        "     rule: {kind: tiers, tiers: [{level: 达标, text: t, points: 1, when: \"a.x >= 1\"}]}}\n"
        "  - {code: \"2\", name: 二, departments: [一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三],\n"
        "     rule: {kind: tiers, tiers: [{level: 达标, text: t, points: 1, when: \"b.x >= 1\"}]}}\n"
        "  - {code: \"3\", name: 三, departments: [一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二四],\n"
        "     rule: {kind: tiers, tiers: [{level: 达标, text: t, points: 1, when: \"c.x >= 50%\"}]}}\n"
        "  - {code: \"4\", name: 四, departments: [填报说明],\n"
        "     rule: {kind: tiers, tiers: [{level: 达标, text: t, points: 1, when: \"d.x >= 1\"}]}}\n"
        "  - {code: \"5\", name: 五,\n"
        "     rule: {kind: tiers, tiers: [{level: 达标, text: t, points: 1, when: \"e.x\"}]}}\n";
    cs_framework *fw = NULL;
    cs_diag *d = cs_diag_new();
    cs_status rc = cs_framework_load_buffer("sheets.yaml", yaml, sizeof yaml - 1, &fw, d);
    cs_diag_print(d, stderr);
    assert_int_equal(rc, CS_OK);
    tmp_file t;
    tmp_open(&t, "names.xlsx");
    cs__region_ref regions[] = {{"370811", NULL}};
    assert_int_equal(cs__template_write_xlsx(t.path, fw, regions, 1, "2024", NULL, NULL, d), CS_OK);
    /* bad characters replaced; 31 characters at most, cut by character; clashes get a suffix */
    assert_string_equal(sheet_names(t.path), "填报说明|市大数据局_市行政审批服务局_联合_|"
                                             "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一|"
                                             "一二三四五六七八九十一二三四五六七八九十一二三四五六七八(2)|"
                                             "填报说明(2)|其他");
    char *strings = zip_part(t.path, "xl/sharedStrings.xml");
    /* ranges for people, percentages shown as such */
    assert_contains(strings, "<t>0 – 10</t>");
    assert_contains(strings, "<t>不限</t>");
    assert_contains(strings, "<t>0% – 100%</t>");
    assert_contains(strings, "<t>≤ 5；不大于 甲</t>");
    assert_contains(strings, "<t>是/否</t>");
    free(strings);
    char *pct = sheet_part(t.path, 4), *dmax = sheet_part(t.path, 5);
    assert_contains(pct, "<dataValidation type=\"decimal\"");
    assert_contains(pct, "<formula1>0</formula1><formula2>1</formula2>");
    assert_contains(dmax, "operator=\"lessThanOrEqual\"");
    free(pct);
    free(dmax);
    cs_diag_free(d);
    tmp_close(&t);
    cs_framework_free(fw);
}

static void template_unwritable_path_reported(void **state)
{
    (void)state;
    cs_framework *fw = load_framework("frameworks/sd-2023-county.yaml");
    cs__region_ref regions[] = {{"370811", "任城区"}};
    cs_diag *d = cs_diag_new();
    assert_int_equal(cs__template_write_xlsx("/nonexistent-dir/x.xlsx", fw, regions, 1, "2024", NULL, NULL, d), CS_EIO);
    assert_int_equal(cs_diag_errors(d), 1);
    assert_contains(cs_diag_text(d, 0), "/nonexistent-dir/x.xlsx: 无法写入 XLSX 文件");
    cs_diag_free(d);
    cs_framework_free(fw);
}

/* ---- A plain table --------------------------------------------------------------------------- */

/* Width of column n (1-based) as written in the sheet's <cols>. */
static double col_width(const char *sheet, int n)
{
    char key[64];
    snprintf(key, sizeof key, "<col min=\"%d\" max=\"%d\" width=\"", n, n);
    const char *p = strstr(sheet, key);
    assert_non_null(p);
    return atof(p + strlen(key));
}

static void table_numbers_text_and_widths(void **state)
{
    (void)state;
    tmp_file t;
    tmp_open(&t, "table.xlsx");
    const char *header[] = {"region", "名称", "score", "note"};
    cs__cell cells[] = {
        {"370811", 0, 0}, {"济宁市任城区人民政府", 0, 0}, {NULL, 85.5, 1}, {"ok", 0, 0},
        {"370812", 0, 0}, {"兖州", 0, 0},               {NULL, 1200, 1}, {"bad \xff byte", 0, 0},
        {"370813", 0, 0}, {NULL, 0, 0},                 {NULL, NAN, 1},  {"", 0, 0},
    };
    cs_diag *d = cs_diag_new();
    assert_int_equal(cs__xlsx_write_table(t.path, "得分:2024/县级", header, 4, cells, 3, d), CS_OK);
    assert_int_equal(cs_diag_count(d), 0);
    assert_string_equal(sheet_names(t.path), "得分_2024_县级");
    char *sheet = sheet_part(t.path, 1), *strings = zip_part(t.path, "xl/sharedStrings.xml"),
         *styles = zip_part(t.path, "xl/styles.xml");
    assert_contains(sheet, "<v>85.5</v>");
    assert_contains(sheet, "<v>1200</v>");
    assert_contains(strings, "<t>370811</t>");
    assert_contains(strings, "<t>bad \xEF\xBF\xBD byte</t>"); /* invalid UTF-8 replaced, file stays valid */
    assert_contains(sheet, "state=\"frozen\"");
    assert_contains(sheet, "<autoFilter ref=\"A1:D4\"/>");
    assert_contains(styles, "<b/>");
    /* ten CJK characters are twice as wide as ten ASCII ones */
    assert_true(col_width(sheet, 2) >= 20);
    assert_true(col_width(sheet, 2) > col_width(sheet, 1) + 8);
    free(sheet);
    free(strings);
    free(styles);
    cs_diag_free(d);
    tmp_close(&t);
}

static void table_too_wide_refused(void **state)
{
    (void)state;
    cs_diag *d = cs_diag_new();
    assert_int_equal(cs__xlsx_write_table("/tmp/never.xlsx", "x", NULL, 20000, NULL, 0, d), CS_EUSAGE);
    assert_int_equal(cs_diag_errors(d), 1);
    cs_diag_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(template_sd2023_county_two_regions),
        cmocka_unit_test(template_read_back),
        cmocka_unit_test(template_one_sheet_per_lead_department),
        cmocka_unit_test(template_sheet_names_made_valid),
        cmocka_unit_test(template_unwritable_path_reported),
        cmocka_unit_test(table_numbers_text_and_widths),
        cmocka_unit_test(table_too_wide_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
