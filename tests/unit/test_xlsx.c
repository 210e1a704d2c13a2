/*
 * test_xlsx.c — reading XLSX workbooks into tables: workbooks written by libxlsxwriter (shared
 * strings in Chinese, numbers, booleans, formulas, gaps, several and hidden sheets, inline strings),
 * hand-made zips for what other producers write (rich text, prefixed namespaces, cells and rows
 * without references, absolute targets), one workbook saved by LibreOffice, and every kind of
 * broken file reported with the file and the part or sheet.
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdlib.h>
#include <unistd.h>

#include <xlsxwriter.h>
#include <zip.h>

#include "harness.h"
#include "io/table.h"

static char tmpdir[64];

static int make_tmpdir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/cs-test-xlsx-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static int remove_tmpdir(void **state)
{
    (void)state;
    return nftw(tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* A path in the test's temporary folder, in one of a few static buffers. */
static const char *tmp_path(const char *name)
{
    static char paths[4][1024];
    static int next;
    char *p = paths[next++ % 4];
    snprintf(p, sizeof paths[0], "%s/%s", tmpdir, name);
    return p;
}

/* ---- Reading and checking --------------------------------------------------------------- */

typedef struct {
    cs_status rc;
    cs__table *tables;
    int n;
    char msgs[8192];   /* the diagnostics, one per line */
} book;

static void book_read(book *b, const char *path)
{
    cs_diag *d = cs_diag_new();
    memset(b, 0, sizeof *b);
    b->rc = cs__xlsx_read(path, &b->tables, &b->n, d);
    for (size_t i = 0; i < cs_diag_count(d); i++) {
        strncat(b->msgs, cs_diag_text(d, i), sizeof b->msgs - strlen(b->msgs) - 2);
        strcat(b->msgs, "\n");
    }
    cs_diag_free(d);
    if (b->rc != CS_OK) {
        assert_null(b->tables);
        assert_int_equal(b->n, 0);
    }
}

static void book_free(book *b)
{
    cs__tables_free(b->tables, b->n);
}

/* Reads path, which must read cleanly, into b. */
static void book_ok(book *b, const char *path)
{
    book_read(b, path);
    assert_string_equal(b->msgs, "");
    assert_int_equal(b->rc, CS_OK);
}

/* Checks row i of t: its source row number and exactly the cells given (NULL-terminated). */
static void expect_row(const cs__table *t, size_t i, int row, ...)
{
    if (i >= t->rows.n) fail_msg("sheet %s has %zu rows, no row #%zu", t->name, t->rows.n, i);
    const cs__table_row *r = &t->rows.items[i];
    assert_int_equal(r->row, row);
    va_list ap;
    va_start(ap, row);
    int n = 0;
    for (const char *want; (want = va_arg(ap, const char *)); n++) {
        if (n >= r->ncells) fail_msg("row %d has %d cells, expected \"%s\" at %d", row, r->ncells, want, n + 1);
        assert_string_equal(r->cells[n], want);
    }
    va_end(ap);
    assert_int_equal(r->ncells, n);
}

/* ---- Hand-made workbooks ---------------------------------------------------------------- */

typedef struct {
    const char *name, *text;
} part;

/* Writes a zip of the given parts (NULL-name terminated, stored uncompressed) to the temp folder;
 * returns its path. */
static const char *make_zip(const char *file, const part *parts)
{
    const char *path = tmp_path(file);
    int err = 0;
    zip_t *za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
    assert_non_null(za);
    for (const part *p = parts; p->name; p++) {
        zip_source_t *src = zip_source_buffer(za, p->text, strlen(p->text), 0);
        assert_non_null(src);
        zip_int64_t i = zip_file_add(za, p->name, src, ZIP_FL_OVERWRITE | ZIP_FL_ENC_UTF_8);
        assert_true(i >= 0);
        assert_int_equal(zip_set_file_compression(za, (zip_uint64_t)i, ZIP_CM_STORE, 0), 0);
    }
    assert_int_equal(zip_close(za), 0);
    return path;
}

#define NS_MAIN "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_PKG "http://schemas.openxmlformats.org/package/2006/relationships"
#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"

#define CONTENT_TYPES                                                                                              \
    XML_DECL "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"                      \
             "<Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>"
#define PACKAGE_RELS                                                                                               \
    XML_DECL "<Relationships xmlns=\"" NS_PKG "\"><Relationship Id=\"rId1\" Type=\"" NS_REL                        \
             "/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"
#define ONE_SHEET_WORKBOOK                                                                                         \
    XML_DECL "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\"><sheets>"                                     \
             "<sheet name=\"填报\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"
#define ONE_SHEET_RELS                                                                                             \
    XML_DECL "<Relationships xmlns=\"" NS_PKG "\">"                                                                \
             "<Relationship Id=\"rId1\" Type=\"" NS_REL "/worksheet\" Target=\"worksheets/sheet1.xml\"/>"         \
             "<Relationship Id=\"rId2\" Type=\"" NS_REL "/sharedStrings\" Target=\"sharedStrings.xml\"/>"         \
             "</Relationships>"
#define SHEET(rows) XML_DECL "<worksheet xmlns=\"" NS_MAIN "\"><sheetData>" rows "</sheetData></worksheet>"
#define SST(items) XML_DECL "<sst xmlns=\"" NS_MAIN "\">" items "</sst>"

/* A one-sheet workbook ("填报") with the given sheet XML and shared strings XML (NULL: none). */
static const char *one_sheet_zip(const char *file, const char *sheet, const char *sst)
{
    part parts[] = {
        {"[Content_Types].xml", CONTENT_TYPES},
        {"_rels/.rels", PACKAGE_RELS},
        {"xl/workbook.xml", ONE_SHEET_WORKBOOK},
        {"xl/_rels/workbook.xml.rels", ONE_SHEET_RELS},
        {"xl/worksheets/sheet1.xml", sheet},
        {sst ? "xl/sharedStrings.xml" : NULL, sst},
        {NULL, NULL},
    };
    return make_zip(file, parts);
}

/* The diagnostics expected for one message about path. */
static const char *message_for(const char *path, const char *msg)
{
    static char text[2048];
    snprintf(text, sizeof text, "%s: %s\n", path, msg);
    return text;
}

/* ---- Workbooks written by libxlsxwriter ------------------------------------------------- */

/* Writes the workbook of shared strings, numbers, booleans, a formula and gaps that both
 * shared_strings_numbers_booleans_and_gaps and (saved again by LibreOffice) the fixture
 * tests/fixtures/xlsx/libreoffice-saved.xlsx hold. */
static void write_values_workbook(const char *path)
{
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "填报");
    lxw_worksheet *guide = workbook_add_worksheet(wb, "说明");
    lxw_worksheet *hidden = workbook_add_worksheet(wb, "隐藏");
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    const char *header[] = {"地区代码", "地区", "数据项编号", "数值", "备注"};
    for (int c = 0; c < 5; c++) worksheet_write_string(ws, 0, (lxw_col_t)c, header[c], bold);
    worksheet_write_string(ws, 1, 0, "370811", NULL);
    worksheet_write_string(ws, 1, 1, "济南市历下区", NULL);
    worksheet_write_string(ws, 1, 2, "gov.online_rate", NULL);
    worksheet_write_number(ws, 1, 3, 0.85, NULL);
    worksheet_write_string(ws, 2, 0, "370811", NULL);
    worksheet_write_number(ws, 2, 3, 1200, NULL);      /* B3 and C3 empty: gaps filled with "" */
    worksheet_write_string(ws, 2, 4, "含 “引号” & <尖括号>", NULL);
    worksheet_write_number(ws, 3, 3, 1e-3, NULL);      /* only D4: A4–C4 empty */
    worksheet_write_boolean(ws, 4, 0, 1, NULL);
    worksheet_write_boolean(ws, 4, 1, 0, NULL);
    worksheet_write_formula_num(ws, 4, 2, "=1+1", NULL, 2);
    worksheet_write_blank(ws, 4, 9, bold);             /* a formatted empty cell does not widen the row */
    worksheet_write_string(ws, 7, 1, "是", NULL);       /* rows 6 and 7 absent */
    worksheet_write_blank(ws, 8, 2, bold);             /* a row of formatted empty cells is left out */
    worksheet_write_string(guide, 0, 0, "只填写“数值”列", NULL);
    worksheet_write_string(hidden, 2, 2, "隐藏的数据", NULL);
    worksheet_hide(hidden);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
}

/* Checks what write_values_workbook wrote, as read back. */
static void expect_values_workbook(const book *b)
{
    assert_int_equal(b->n, 3);
    assert_string_equal(b->tables[0].name, "填报");
    assert_string_equal(b->tables[1].name, "说明");
    assert_string_equal(b->tables[2].name, "隐藏");
    const cs__table *t = &b->tables[0];
    assert_int_equal(t->rows.n, 6);
    expect_row(t, 0, 1, "地区代码", "地区", "数据项编号", "数值", "备注", NULL);
    expect_row(t, 1, 2, "370811", "济南市历下区", "gov.online_rate", "0.85", NULL);
    expect_row(t, 2, 3, "370811", "", "", "1200", "含 “引号” & <尖括号>", NULL);
    expect_row(t, 3, 4, "", "", "", "0.001", NULL);
    expect_row(t, 4, 5, "TRUE", "FALSE", "2", NULL);
    expect_row(t, 5, 8, "", "是", NULL);
    assert_int_equal(b->tables[1].rows.n, 1);
    expect_row(&b->tables[1], 0, 1, "只填写“数值”列", NULL);
    assert_int_equal(b->tables[2].rows.n, 1);
    expect_row(&b->tables[2], 0, 3, "", "", "隐藏的数据", NULL);
}

static void shared_strings_numbers_booleans_and_gaps(void **state)
{
    (void)state;
    const char *path = tmp_path("values.xlsx");
    write_values_workbook(path);
    book b;
    book_ok(&b, path);
    expect_values_workbook(&b);
    book_free(&b);
}

static void sheets_in_workbook_order_hidden_included(void **state)
{
    (void)state;
    const char *path = tmp_path("sheets.xlsx");
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *guide = workbook_add_worksheet(wb, "填报说明");
    lxw_worksheet *gov = workbook_add_worksheet(wb, "政务服务");
    lxw_worksheet *hidden = workbook_add_worksheet(wb, "隐藏");
    workbook_add_worksheet(wb, "空白");
    lxw_worksheet *last = workbook_add_worksheet(wb, "Sheet 5");
    worksheet_write_string(guide, 0, 0, "只填写“数值”列", NULL);
    worksheet_write_string(gov, 0, 0, "政务服务", NULL);
    worksheet_write_number(gov, 1, 1, 912, NULL);
    worksheet_write_string(hidden, 2, 2, "隐藏的数据", NULL);
    worksheet_hide(hidden);
    worksheet_write_string(last, 0, 0, "政务服务", NULL); /* the same shared string as on 政务服务 */
    worksheet_activate(last);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);

    book b;
    book_ok(&b, path);
    assert_int_equal(b.n, 5);
    assert_string_equal(b.tables[0].name, "填报说明");
    assert_string_equal(b.tables[1].name, "政务服务");
    assert_string_equal(b.tables[2].name, "隐藏");
    assert_string_equal(b.tables[3].name, "空白");
    assert_string_equal(b.tables[4].name, "Sheet 5");
    expect_row(&b.tables[0], 0, 1, "只填写“数值”列", NULL);
    expect_row(&b.tables[1], 0, 1, "政务服务", NULL);
    expect_row(&b.tables[1], 1, 2, "", "912", NULL);
    expect_row(&b.tables[2], 0, 3, "", "", "隐藏的数据", NULL);
    assert_int_equal(b.tables[3].rows.n, 0);
    expect_row(&b.tables[4], 0, 1, "政务服务", NULL);
    book_free(&b);
}

static void constant_memory_mode_writes_inline_strings(void **state)
{
    (void)state;
    const char *path = tmp_path("inline.xlsx");
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = tmpdir};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "数据");
    worksheet_write_string(ws, 0, 0, "地区", NULL);
    worksheet_write_string(ws, 0, 2, "值", NULL);
    worksheet_write_string(ws, 1, 0, "历城区", NULL);
    worksheet_write_number(ws, 1, 2, 42.5, NULL);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);

    book b;
    book_ok(&b, path);
    assert_int_equal(b.n, 1);
    expect_row(&b.tables[0], 0, 1, "地区", "", "值", NULL);
    expect_row(&b.tables[0], 1, 2, "历城区", "", "42.5", NULL);
    book_free(&b);
}

/* ---- What other producers write --------------------------------------------------------- */

static void inline_strings_rich_text_and_prefixed_names(void **state)
{
    (void)state;
    const char *sst = SST("<si><t>济南市</t></si>"
                          "<si><r><rPr><b/><sz val=\"11\"/></rPr><t>历</t></r><r><t xml:space=\"preserve\">下 区</t></r>"
                          "<rPh sb=\"0\" eb=\"1\"><t>リーシャ</t></rPh><phoneticPr fontId=\"1\"/></si>"
                          "<si><t xml:space=\"preserve\"> 前后空格 </t></si>"
                          "<si><t>第一行_x000D_\n第二行 a_x005F_x0041_b</t></si>");
    /* the sheet part with an "x:" prefix on every element, as some producers write it */
    const char *sheet =
        XML_DECL "<x:worksheet xmlns:x=\"" NS_MAIN "\"><x:sheetPr/><x:sheetData>"
                 "<x:row r=\"1\"><x:c r=\"A1\" t=\"s\"><x:v>1</x:v></x:c><x:c r=\"B1\" t=\"s\"><x:v>0</x:v></x:c>"
                 "<x:c r=\"C1\" t=\"s\"><x:v>2</x:v></x:c><x:c r=\"D1\" t=\"s\"><x:v>3</x:v></x:c></x:row>"
                 "<x:row r=\"2\"><x:c r=\"A2\" t=\"inlineStr\"><x:is><x:t>内联文本</x:t></x:is></x:c>"
                 "<x:c r=\"B2\" t=\"inlineStr\"><x:is><x:r><x:t>富</x:t></x:r><x:r><x:rPr><x:i/></x:rPr><x:t>文本</x:t></x:r>"
                 "<x:rPh sb=\"0\" eb=\"1\"><x:t>フ</x:t></x:rPh></x:is></x:c>"
                 "<x:c r=\"C2\" t=\"str\"><x:f>A2&amp;\"!\"</x:f><x:v>内联文本!</x:v></x:c>"
                 "<x:c r=\"D2\" t=\"e\"><x:f>1/0</x:f><x:v>#DIV/0!</x:v></x:c>"
                 "<x:c r=\"E2\" t=\"n\"><x:v>-3.5E-7</x:v></x:c><x:c r=\"F2\"><x:v>12</x:v></x:c>"
                 "<x:c r=\"G2\" t=\"b\"><x:v>1</x:v></x:c></x:row>"
                 "</x:sheetData></x:worksheet>";
    book b;
    book_ok(&b, one_sheet_zip("rich.xlsx", sheet, sst));
    assert_int_equal(b.n, 1);
    expect_row(&b.tables[0], 0, 1, "历下 区", "济南市", " 前后空格 ", "第一行\r\n第二行 a_x0041_b", NULL);
    expect_row(&b.tables[0], 1, 2, "内联文本", "富文本", "内联文本!", "#DIV/0!", "-3.5E-7", "12", "TRUE", NULL);
    book_free(&b);
}

static void cells_and_rows_without_references(void **state)
{
    (void)state;
    const char *sheet = SHEET("<row><c t=\"inlineStr\"><is><t>地区</t></is></c><c/><c><v>2024</v></c></row>"
                              "<row><c><v>1</v></c><c><v>2</v></c></row>"
                              "<row r=\"5\"><c r=\"C5\"><v>3</v></c><c><v>4</v></c></row>"
                              "<row><c><v>5</v></c></row>"
                              "<row><c r=\"B9\"><v>6</v></c></row>");
    book b;
    book_ok(&b, one_sheet_zip("no-refs.xlsx", sheet, NULL));
    const cs__table *t = &b.tables[0];
    assert_int_equal(t->rows.n, 5);
    expect_row(t, 0, 1, "地区", "", "2024", NULL);
    expect_row(t, 1, 2, "1", "2", NULL);
    expect_row(t, 2, 5, "", "", "3", "4", NULL);
    expect_row(t, 3, 6, "5", NULL);
    /* a row without a number whose first cell names one takes the cell's */
    expect_row(t, 4, 9, "", "6", NULL);
    book_free(&b);
}

static void absolute_and_relative_targets(void **state)
{
    (void)state;
    /* the workbook where _rels/.rels says, targets absolute or with "..", a chartsheet left out */
    part parts[] = {
        {"_rels/.rels", XML_DECL "<Relationships xmlns=\"" NS_PKG "\"><Relationship Id=\"rId1\" Type=\"" NS_REL
                                 "/officeDocument\" Target=\"/book/main.xml\"/></Relationships>"},
        {"book/main.xml", XML_DECL "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\"><sheets>"
                                   "<sheet name=\"甲\" sheetId=\"1\" r:id=\"rId7\"/>"
                                   "<sheet name=\"图表\" sheetId=\"2\" r:id=\"rId8\"/>"
                                   "<sheet name=\"乙\" sheetId=\"3\" state=\"veryHidden\" r:id=\"rId9\"/>"
                                   "</sheets></workbook>"},
        {"book/_rels/main.xml.rels",
         XML_DECL "<Relationships xmlns=\"" NS_PKG "\">"
                  "<Relationship Id=\"rId9\" Type=\"" NS_REL "/worksheet\" Target=\"../data/./b.xml\"/>"
                  "<Relationship Id=\"rId7\" Type=\"" NS_REL "/worksheet\" Target=\"/data/a.xml\"/>"
                  "<Relationship Id=\"rId8\" Type=\"" NS_REL "/chartsheet\" Target=\"/charts/c.xml\"/>"
                  "<Relationship Id=\"rId3\" Type=\"" NS_REL "/sharedStrings\" Target=\"/strings/s.xml\"/>"
                  "<Relationship Id=\"rId4\" Type=\"" NS_REL "/hyperlink\" Target=\"https://example.org/\" "
                  "TargetMode=\"External\"/></Relationships>"},
        {"data/a.xml", SHEET("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>")},
        {"data/b.xml", SHEET("<row r=\"2\"><c r=\"B2\" t=\"s\"><v>1</v></c></row>")},
        {"strings/s.xml", SST("<si><t>甲表</t></si><si><t>乙表</t></si>")},
        {NULL, NULL},
    };
    book b;
    book_ok(&b, make_zip("targets.xlsx", parts));
    assert_int_equal(b.n, 2);
    assert_string_equal(b.tables[0].name, "甲");
    expect_row(&b.tables[0], 0, 1, "甲表", NULL);
    assert_string_equal(b.tables[1].name, "乙");
    expect_row(&b.tables[1], 0, 2, "", "乙表", NULL);
    book_free(&b);
}

/* ---- Broken files ---------------------------------------------------------------------- */

static void not_a_zip_or_not_found(void **state)
{
    (void)state;
    book b;
    const char *path = tmp_path("data.xlsx");
    FILE *f = fopen(path, "wb");
    fputs("region,period,element,value\n370811,2024,a,1\n", f);
    fclose(f);
    book_read(&b, path);
    assert_int_equal(b.rc, CS_EDATA);
    assert_string_equal(b.msgs, message_for(path, "不是有效的 XLSX 文件（无法打开 zip）/ not an XLSX workbook (not a zip file)"));

    /* a workbook cut short loses the zip's central directory */
    const char *whole = tmp_path("whole.xlsx");
    lxw_workbook *wb = workbook_new(whole);
    worksheet_write_string(workbook_add_worksheet(wb, NULL), 0, 0, "x", NULL);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    cs__buf data = {0};
    assert_int_equal(cs__read_file(whole, &data, 1 << 20, NULL), CS_OK);
    path = tmp_path("truncated.xlsx");
    f = fopen(path, "wb");
    fwrite(data.s, 1, data.len * 2 / 3, f);
    fclose(f);
    cs__buf_free(&data);
    book_read(&b, path);
    assert_int_equal(b.rc, CS_EDATA);
    assert_string_equal(b.msgs, message_for(path, "不是有效的 XLSX 文件（无法打开 zip）/ not an XLSX workbook (not a zip file)"));

    /* an old .xls (or a password-protected workbook): an OLE compound file */
    path = tmp_path("old.xls");
    f = fopen(path, "wb");
    fwrite("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0", 1, 12, f);
    fclose(f);
    book_read(&b, path);
    assert_int_equal(b.rc, CS_EDATA);
    assert_contains(b.msgs, "这是旧版 .xls 文件或加密的工作簿");
    assert_contains(b.msgs, "an old .xls file or an encrypted workbook");

    book_read(&b, tmp_path("no-such-file.xlsx"));
    assert_int_equal(b.rc, CS_EIO);
    assert_contains(b.msgs, "无法打开文件 / cannot open the file");
}

static void damaged_zip_data(void **state)
{
    (void)state;
    const char *path = one_sheet_zip("crc.xlsx", SHEET("<row r=\"1\"><c r=\"A1\"><v>1111</v></c></row>"), NULL);
    cs__buf data = {0};
    assert_int_equal(cs__read_file(path, &data, 1 << 20, NULL), CS_OK);
    char *v = NULL;
    for (size_t i = 0; !v && i + 11 <= data.len; i++)
        if (!memcmp(data.s + i, "<v>1111</v>", 11)) v = data.s + i;
    assert_non_null(v);
    v[3] = '2'; /* still well-formed XML, but no longer what the zip's checksum says */
    FILE *f = fopen(path, "wb");
    fwrite(data.s, 1, data.len, f);
    fclose(f);
    cs__buf_free(&data);
    book b;
    book_read(&b, path);
    assert_int_equal(b.rc, CS_EDATA);
    assert_string_equal(b.msgs, message_for(path, "工作表“填报”（xl/worksheets/sheet1.xml）：无法解压，zip 数据损坏（CRC error）/ "
                                                  "cannot decompress sheet '填报' (xl/worksheets/sheet1.xml) (damaged zip data: "
                                                  "CRC error)"));
}

static void missing_parts(void **state)
{
    (void)state;
    book b;
    part no_workbook[] = {{"[Content_Types].xml", CONTENT_TYPES}, {"_rels/.rels", PACKAGE_RELS}, {NULL, NULL}};
    const char *path = make_zip("no-workbook.xlsx", no_workbook);
    book_read(&b, path);
    assert_int_equal(b.rc, CS_EDATA);
    assert_string_equal(b.msgs, message_for(path, "不是有效的 XLSX 文件（缺少 xl/workbook.xml）/ not an XLSX workbook "
                                                  "(xl/workbook.xml is missing)"));

    part no_rels[] = {{"xl/workbook.xml", ONE_SHEET_WORKBOOK}, {NULL, NULL}};
    path = make_zip("no-rels.xlsx", no_rels);
    book_read(&b, path);
    assert_string_equal(b.msgs, message_for(path, "不是有效的 XLSX 文件（缺少 xl/_rels/workbook.xml.rels）/ not an XLSX "
                                                  "workbook (xl/_rels/workbook.xml.rels is missing)"));

    part no_sheet[] = {{"xl/workbook.xml", ONE_SHEET_WORKBOOK}, {"xl/_rels/workbook.xml.rels", ONE_SHEET_RELS}, {NULL, NULL}};
    path = make_zip("no-sheet.xlsx", no_sheet);
    book_read(&b, path);
    assert_string_equal(b.msgs, message_for(path, "工作表“填报”的部件 xl/worksheets/sheet1.xml 不存在 / sheet '填报': part "
                                                  "xl/worksheets/sheet1.xml is missing from the workbook"));

    part dangling[] = {
        {"xl/workbook.xml", XML_DECL "<workbook xmlns:r=\"" NS_REL "\"><sheets><sheet name=\"填报\" r:id=\"rId5\"/></sheets></workbook>"},
        {"xl/_rels/workbook.xml.rels", ONE_SHEET_RELS},
        {NULL, NULL},
    };
    path = make_zip("dangling.xlsx", dangling);
    book_read(&b, path);
    assert_string_equal(b.msgs, message_for(path, "工作表“填报”的关系 rId5 在 xl/_rels/workbook.xml.rels 中找不到 / sheet '填报': "
                                                  "relationship rId5 is not in xl/_rels/workbook.xml.rels"));

    part no_sheets[] = {{"xl/workbook.xml", XML_DECL "<workbook><sheets/></workbook>"}, {NULL, NULL}};
    path = make_zip("no-sheets.xlsx", no_sheets);
    book_read(&b, path);
    assert_string_equal(b.msgs, message_for(path, "xl/workbook.xml 中没有工作表 / xl/workbook.xml lists no sheets"));

    /* shared strings are optional, but then no cell may refer to one */
    path = one_sheet_zip("no-sst.xlsx", SHEET("<row r=\"3\"><c r=\"B3\" t=\"s\"><v>0</v></c></row>"), NULL);
    book_read(&b, path);
    char want[1024];
    snprintf(want, sizeof want, "%s:3:2: 工作表“填报”单元格 B3：共享字符串编号“0”无效（共 0 个）/ sheet '填报' cell B3: "
                                "shared string index '0' is out of range (0 strings)\n", path);
    assert_string_equal(b.msgs, want);
}

static void malformed_xml_names_the_part(void **state)
{
    (void)state;
    book b;
    const char *path = one_sheet_zip("bad-sheet.xlsx",
                                     XML_DECL "<worksheet xmlns=\"" NS_MAIN "\"><sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c>"
                                              "</sheetData></worksheet>",
                                     NULL);
    book_read(&b, path);
    assert_int_equal(b.rc, CS_EDATA);
    assert_string_equal(b.msgs, message_for(path, "工作表“填报”（xl/worksheets/sheet1.xml）：XML 格式错误（第 2 行第 124 列："
                                                  "mismatched tag）/ malformed XML in sheet '填报' (xl/worksheets/sheet1.xml) "
                                                  "(line 2, column 124: mismatched tag)"));

    path = one_sheet_zip("bad-sst.xlsx", SHEET(""), SST("<si><t>未闭合</si>"));
    book_read(&b, path);
    assert_contains(b.msgs, "xl/sharedStrings.xml：XML 格式错误");
    assert_contains(b.msgs, "malformed XML in xl/sharedStrings.xml");

    path = one_sheet_zip("truncated-sheet.xlsx", XML_DECL "<worksheet xmlns=\"" NS_MAIN "\"><sheetData><row>", NULL);
    book_read(&b, path);
    assert_contains(b.msgs, "工作表“填报”（xl/worksheets/sheet1.xml）：XML 格式错误");

    path = one_sheet_zip("dtd.xlsx",
                         XML_DECL "<!DOCTYPE worksheet [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>"
                                  "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>&b;</t></is></c></row></sheetData></worksheet>",
                         NULL);
    book_read(&b, path);
    assert_string_equal(b.msgs, message_for(path, "工作表“填报”（xl/worksheets/sheet1.xml）：含有 DTD 声明，XLSX 中不允许 / sheet "
                                                  "'填报' (xl/worksheets/sheet1.xml) contains a DTD declaration, which XLSX "
                                                  "does not allow"));
}

static void references_beyond_excel_limits(void **state)
{
    (void)state;
    book b;
    char want[2048];
    const char *path = one_sheet_zip("rows.xlsx", SHEET("<row r=\"1048577\"><c><v>1</v></c></row>"), NULL);
    book_read(&b, path);
    assert_string_equal(b.msgs, message_for(path, "工作表“填报”的行号“1048577”无效（应为 1–1048576）/ sheet '填报': invalid row "
                                                  "number '1048577' (must be 1–1048576)"));

    path = one_sheet_zip("cols.xlsx", SHEET("<row r=\"4\"><c r=\"XFD4\"><v>1</v></c><c r=\"XFE4\"><v>2</v></c></row>"), NULL);
    book_read(&b, path);
    snprintf(want, sizeof want, "%s:4: 工作表“填报”第 4 行的单元格引用“XFE4”无效 / sheet '填报' row 4: invalid cell reference 'XFE4'\n",
             path);
    assert_string_equal(b.msgs, want);

    /* what a message quotes from the file is cut short */
    path = one_sheet_zip("long-ref.xlsx", SHEET("<row r=\"4\"><c r=\"一二三四五六七八九十一二三四五六七八九十\"/></row>"), NULL);
    book_read(&b, path);
    snprintf(want, sizeof want, "%s:4: 工作表“填报”第 4 行的单元格引用“一二三四五六七八九…”无效 / sheet '填报' row 4: invalid cell "
             "reference '一二三四五六七八九…'\n", path);
    assert_string_equal(b.msgs, want);

    path = one_sheet_zip("next-col.xlsx", SHEET("<row r=\"2\"><c r=\"XFD2\"><v>1</v></c><c><v>2</v></c></row>"), NULL);
    book_read(&b, path);
    snprintf(want, sizeof want, "%s:2: 工作表“填报”第 2 行超过 16384 列 / sheet '填报' row 2 has more than 16384 columns\n", path);
    assert_string_equal(b.msgs, want);

    /* the last cell Excel allows is fine, gaps filled */
    path = one_sheet_zip("last-cell.xlsx", SHEET("<row r=\"1048576\"><c r=\"XFD1048576\"><v>9</v></c></row>"), NULL);
    book_ok(&b, path);
    assert_int_equal(b.tables[0].rows.items[0].row, 1048576);
    assert_int_equal(b.tables[0].rows.items[0].ncells, 16384);
    assert_string_equal(b.tables[0].rows.items[0].cells[16383], "9");
    assert_string_equal(b.tables[0].rows.items[0].cells[16382], "");
    book_free(&b);
}

static void text_longer_than_a_mebibyte(void **state)
{
    (void)state;
    cs__buf xml = {0};
    cs__buf_append(&xml, XML_DECL "<worksheet><sheetData><row r=\"2\"><c r=\"C2\" t=\"inlineStr\"><is><t>");
    for (int i = 0; i < (1 << 20) / 8; i++) cs__buf_append(&xml, "数据");   /* 6 bytes each */
    for (int i = 0; i < (1 << 20) / 8; i++) cs__buf_append(&xml, "ab");   /* 1 MiB so far: allowed */
    cs__buf_append(&xml, "!</t></is></c></row></sheetData></worksheet>");
    const char *path = one_sheet_zip("long.xlsx", cs__buf_str(&xml), NULL);
    cs__buf_free(&xml);
    book b;
    book_read(&b, path);
    char want[1024];
    snprintf(want, sizeof want, "%s:2:3: 工作表“填报”单元格 C2 的文本超过 1 MiB / sheet '填报' cell C2: text longer than 1 MiB\n", path);
    assert_string_equal(b.msgs, want);
}

static void far_cells_cannot_exhaust_memory(void **state)
{
    (void)state;
    /* 1,025 rows of one cell in the last column: 16.8 million cells once gaps are filled */
    cs__buf xml = {0};
    cs__buf_append(&xml, XML_DECL "<worksheet><sheetData>");
    for (int r = 1; r <= 1025; r++) cs__buf_printf(&xml, "<row><c r=\"XFD%d\"><v>1</v></c></row>", r);
    cs__buf_append(&xml, "</sheetData></worksheet>");
    const char *path = one_sheet_zip("wide.xlsx", cs__buf_str(&xml), NULL);
    cs__buf_free(&xml);
    book b;
    book_read(&b, path);
    assert_int_equal(b.rc, CS_EDATA);
    assert_string_equal(b.msgs, message_for(path, "工作簿超过 16777216 个单元格（含行内空白）/ the workbook has more than "
                                                  "16777216 cells (counting gaps in rows)"));
}

static void workbook_saved_by_libreoffice(void **state)
{
    (void)state;
    /* write_values_workbook's workbook, opened and saved again by LibreOffice Calc 7.4
     * (soffice --headless --convert-to xlsx): it must read the same */
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/fixtures/xlsx/libreoffice-saved.xlsx", CS_SOURCE_DIR);
    book b;
    book_ok(&b, path);
    expect_values_workbook(&b);
    book_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shared_strings_numbers_booleans_and_gaps),
        cmocka_unit_test(sheets_in_workbook_order_hidden_included),
        cmocka_unit_test(constant_memory_mode_writes_inline_strings),
        cmocka_unit_test(inline_strings_rich_text_and_prefixed_names),
        cmocka_unit_test(cells_and_rows_without_references),
        cmocka_unit_test(absolute_and_relative_targets),
        cmocka_unit_test(not_a_zip_or_not_found),
        cmocka_unit_test(damaged_zip_data),
        cmocka_unit_test(missing_parts),
        cmocka_unit_test(malformed_xml_names_the_part),
        cmocka_unit_test(references_beyond_excel_limits),
        cmocka_unit_test(text_longer_than_a_mebibyte),
        cmocka_unit_test(far_cells_cannot_exhaust_memory),
        cmocka_unit_test(workbook_saved_by_libreoffice),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
