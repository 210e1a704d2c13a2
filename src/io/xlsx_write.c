/*
 * xlsx_write.c — writing Excel workbooks with libxlsxwriter: a plain table of text and numbers
 * (cs__xlsx_write_table), and the data-entry template a county department fills in
 * (cs__template_write_xlsx): an instruction sheet, then one sheet per lead department with a row
 * per (region, data element) whose 数值 cell is checked by Excel data validation.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <xlsxwriter.h>

#include "io.h"
#include "table.h"
#include "xlsx_text.h"

#define MAX_SHEET_CHARS 31     /* and on a worksheet name */
#define MAX_ROWS 1048576
#define MAX_COLS 16384
#define MAX_COL_WIDTH 60.0

/* ---- Text ------------------------------------------------------------------------------------ */

/* Keeps the first error libxlsxwriter reported. */
static void keep_error(lxw_error *first, lxw_error e)
{
    if (e != LXW_NO_ERROR && *first == LXW_NO_ERROR) *first = e;
}

/* Writes text (cleaned, cut to Excel's cell limit) at (row, col); an empty text writes a blank
 * cell carrying fmt. Returns the display width of what was written. */
static double put_text(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *text, lxw_format *fmt,
                       cs__buf *scratch, lxw_error *err)
{
    const char *t = cs__xlsx_clean_text(scratch, text, CS__XLSX_MAX_CELL_UNITS);
    if (!*t) {
        if (fmt) keep_error(err, worksheet_write_blank(ws, row, col, fmt));
        return 0;
    }
    keep_error(err, worksheet_write_string(ws, row, col, t, fmt));
    return cs__xlsx_text_width(t);
}

/* Width a number takes in a General-formatted cell. */
static double number_width(double v)
{
    char s[64];
    snprintf(s, sizeof s, "%.10g", v);
    return (double)strlen(s);
}

#define LINE_HEIGHT 15.0 /* points per line of the default 11-point font */

/* ---- Sheet names ----------------------------------------------------------------------------- */

/* Appends the first max_units UTF-16 code units' worth of whole characters of s to b. */
static void append_units(cs__buf *b, const char *s, size_t max_units)
{
    size_t units = 0;
    while (*s) {
        const char *q = s;
        uint32_t c = cs__utf8_next(&q);
        size_t u = c >= 0x10000 ? 2 : 1;
        if (units + u > max_units) break;
        units += u;
        cs__buf_appendn(b, s, (size_t)(q - s));
        s = q;
    }
}

static size_t count_units(const char *s)
{
    size_t units = 0;
    while (*s) units += cs__utf8_next(&s) >= 0x10000 ? 2 : 1;
    return units;
}

/* Turns want into a worksheet name Excel accepts and the workbook does not use yet: the characters
 * []:*?/\ and control characters become "_", apostrophes are trimmed from both ends, the name is
 * cut to 31 characters (by character, never inside one) and a clash gets a suffix "(2)", "(3)"…
 * that replaces the name's tail. The result is in out (OUT, owned by the caller's buffer). */
static const char *sheet_name(lxw_workbook *wb, const char *want, cs__buf *out)
{
    cs__buf base = {0}, tmp = {0};
    const char *s = cs__xlsx_clean_text(&tmp, want, CS__XLSX_MAX_CELL_UNITS);
    while (*s == '\'') s++;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        cs__buf_appendn(&base, strchr("[]:*?/\\", c) || c < 0x20 ? "_" : s, 1);
    }
    while (base.len > 0 && base.s[base.len - 1] == '\'') base.s[--base.len] = '\0';
    if (base.len == 0) cs__buf_append(&base, "Sheet");
    for (int k = 1;; k++) {
        char suffix[16] = "";
        if (k > 1) snprintf(suffix, sizeof suffix, "(%d)", k);
        cs__buf_reset(out);
        append_units(out, cs__buf_str(&base), MAX_SHEET_CHARS - strlen(suffix));
        while (out->len > 0 && out->s[out->len - 1] == '\'') out->s[--out->len] = '\0'; /* cut before a quote */
        if (out->len == 0) cs__buf_append(out, "Sheet");
        cs__buf_append(out, suffix);
        /* "History" is reserved by Excel; libxlsxwriter checks the rest, clashes included */
        if (strcasecmp(cs__buf_str(out), "History") && count_units(cs__buf_str(out)) <= MAX_SHEET_CHARS &&
            workbook_validate_sheet_name(wb, cs__buf_str(out)) == LXW_NO_ERROR)
            break;
    }
    cs__buf_free(&base);
    cs__buf_free(&tmp);
    return cs__buf_str(out);
}

/* Reports a libxlsxwriter failure on path and turns it into a status. */
static cs_status lxw_failure(const char *path, lxw_error e, cs_diag *diag)
{
    cs__diag_add(diag, CS__ERROR, path, 0, 0, "无法写入 XLSX 文件：%s / cannot write the XLSX file: %s", lxw_strerror(e),
                 lxw_strerror(e));
    return e == LXW_ERROR_MEMORY_MALLOC_FAILED ? CS_ENOMEM : CS_EIO;
}

/* ---- A plain table --------------------------------------------------------------------------- */

cs_status cs__xlsx_write_table(const char *path, const char *sheet, const char *const *header, int ncols,
                               const cs__cell *cells, size_t nrows, cs_diag *diag)
{
    if (ncols <= 0 || ncols > MAX_COLS || nrows >= MAX_ROWS) {
        cs__diag_add(diag, CS__ERROR, path, 0, 0,
                     "表格大小超出 Excel 限制（%zu 行 × %d 列）/ the table does not fit an Excel sheet (%zu rows × %d columns)",
                     nrows, ncols, nrows, ncols);
        return CS_EUSAGE;
    }
    cs_status rc = CS_OK;
    lxw_error err = LXW_NO_ERROR;
    cs__buf scratch = {0}, name = {0};
    double *width = cs__xcalloc((size_t)ncols, sizeof *width);
    lxw_workbook *wb = workbook_new(path);
    if (!wb) {
        rc = lxw_failure(path, LXW_ERROR_MEMORY_MALLOC_FAILED, diag);
        goto out;
    }
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    lxw_worksheet *ws = workbook_add_worksheet(wb, sheet_name(wb, sheet ? sheet : "Sheet1", &name));
    if (!ws) {
        workbook_close(wb);
        remove(path);
        rc = lxw_failure(path, LXW_ERROR_PARAMETER_VALIDATION, diag);
        goto out;
    }

    for (int c = 0; c < ncols; c++)
        width[c] = put_text(ws, 0, (lxw_col_t)c, header ? header[c] : NULL, bold, &scratch, &err) + 3; /* filter button */
    for (size_t r = 0; r < nrows; r++) {
        for (int c = 0; c < ncols; c++) {
            const cs__cell *cell = &cells[r * (size_t)ncols + (size_t)c];
            double w = 0;
            if (cell->is_number) {
                if (isfinite(cell->number)) {
                    keep_error(&err, worksheet_write_number(ws, (lxw_row_t)(r + 1), (lxw_col_t)c, cell->number, NULL));
                    w = number_width(cell->number);
                }
            } else {
                w = put_text(ws, (lxw_row_t)(r + 1), (lxw_col_t)c, cell->text, NULL, &scratch, &err);
            }
            if (w > width[c]) width[c] = w;
        }
    }
    for (int c = 0; c < ncols; c++) {
        double w = width[c] + 1;
        keep_error(&err, worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, w < 6 ? 6 : w > MAX_COL_WIDTH ? MAX_COL_WIDTH : w, NULL));
    }
    worksheet_freeze_panes(ws, 1, 0);
    keep_error(&err, worksheet_autofilter(ws, 0, 0, (lxw_row_t)nrows, (lxw_col_t)(ncols - 1)));

    lxw_error closed = workbook_close(wb);
    keep_error(&err, closed);
    if (err != LXW_NO_ERROR) {
        rc = lxw_failure(path, err, diag);
        if (closed == LXW_NO_ERROR) remove(path);
    }
out:
    free(width);
    cs__buf_free(&scratch);
    cs__buf_free(&name);
    return rc;
}

/* ---- The data-entry template ----------------------------------------------------------------- */

typedef struct {
    const cs_framework *fw;
    unsigned char *ind_used;     /* nindicators × nelements flags */
    unsigned char *adj_used;     /* nadjustments × nelements */
    unsigned char *rating_used;  /* nratings × nelements */
    int *owner;                  /* per element: the first indicator that declares or uses it, or -1 */
    int *sheet_of;               /* per element: index into sheets */
    const char **dept;           /* per sheet: lead department ("其他" for elements without one) */
    char **sheet;                /* per sheet: its worksheet name */
    int *nitems;                 /* per sheet: number of elements */
    int nsheets;
} layout;

static const char *const OTHER_DEPT = "其他";

static int dept_index(layout *L, const char *dept)
{
    for (int s = 0; s < L->nsheets; s++)
        if (!strcmp(L->dept[s], dept)) return s;
    L->dept[L->nsheets] = dept;
    return L->nsheets++;
}

/* Works out which elements each indicator uses and on which department's sheet each element goes:
 * the first department of the first indicator that declares or uses it, otherwise "其他". Sheets
 * come in the order of the indicators, "其他" last. */
static void layout_build(layout *L, const cs_framework *fw)
{
    size_t ne = (size_t)fw->nelements;
    memset(L, 0, sizeof *L);
    L->fw = fw;
    L->ind_used = cs__xcalloc((size_t)fw->nindicators * ne + 1, 1);
    L->adj_used = cs__xcalloc((size_t)fw->nadjustments * ne + 1, 1);
    L->rating_used = cs__xcalloc((size_t)fw->nratings * ne + 1, 1);
    L->owner = cs__xcalloc(ne + 1, sizeof(int));
    L->sheet_of = cs__xcalloc(ne + 1, sizeof(int));
    L->dept = cs__xcalloc(ne + 1, sizeof(char *));
    L->sheet = cs__xcalloc(ne + 1, sizeof(char *));
    L->nitems = cs__xcalloc(ne + 1, sizeof(int));
    unsigned char *walked = cs__xcalloc((size_t)fw->nmeasures + 1, 1);

    for (int i = 0; i < fw->nindicators; i++) cs__fw_indicator_elements(fw, i, L->ind_used + (size_t)i * ne, walked);
    for (int a = 0; a < fw->nadjustments; a++) {
        unsigned char *used = L->adj_used + (size_t)a * ne;
        memset(walked, 0, (size_t)fw->nmeasures);
        for (int k = 0; k < fw->adjustments[a].ncriteria; k++)
            cs__fw_expr_elements(fw, fw->adjustments[a].criteria[k].expr, used, walked);
        cs__fw_expr_elements(fw, fw->adjustments[a].points, used, walked);
    }
    for (int r = 0; r < fw->nratings; r++) {
        memset(walked, 0, (size_t)fw->nmeasures);
        for (int k = 0; k < fw->ratings[r].ncriteria; k++)
            cs__fw_expr_elements(fw, fw->ratings[r].criteria[k].expr, L->rating_used + (size_t)r * ne, walked);
    }
    free(walked);

    for (size_t e = 0; e < ne; e++) {
        int first = fw->elements[e].first_indicator;
        for (int i = 0; i < fw->nindicators && (first < 0 || i < first); i++)
            if (L->ind_used[(size_t)i * ne + e]) {
                first = i;
                break;
            }
        L->owner[e] = first;
    }
    for (int i = 0; i < fw->nindicators; i++) {
        const cs__indicator *ind = &fw->indicators[i];
        for (size_t e = 0; e < ne; e++)
            if (L->owner[e] == i && ind->ndepartments > 0 && ind->departments[0] && *ind->departments[0]) {
                dept_index(L, ind->departments[0]);
                break;
            }
    }
    for (size_t e = 0; e < ne; e++) {
        const cs__indicator *ind = L->owner[e] >= 0 ? &fw->indicators[L->owner[e]] : NULL;
        const char *dept = ind && ind->ndepartments > 0 && ind->departments[0] && *ind->departments[0] ? ind->departments[0] : OTHER_DEPT;
        L->sheet_of[e] = dept_index(L, dept);
        L->nitems[L->sheet_of[e]]++;
    }
}

static void layout_free(layout *L)
{
    for (int s = 0; s < L->nsheets; s++) free(L->sheet[s]);
    free(L->ind_used);
    free(L->adj_used);
    free(L->rating_used);
    free(L->owner);
    free(L->sheet_of);
    free(L->dept);
    free(L->sheet);
    free(L->nitems);
}

/* Appends v for people; a "%" unit shows the ratio as a percentage (0.85 → 85%). */
static void append_value(cs__buf *b, double v, const char *unit)
{
    int pct = unit && !strcmp(unit, "%");
    cs__buf_number(b, pct ? v * 100 : v, 6);
    if (pct) cs__buf_append(b, "%");
}

/* The allowed range of an element for people: "0 – 100", "≥ 0", "≤ 76", "是/否", then "不大于 …"
 * for every element it may not exceed; "不限" when nothing restricts it. */
static void range_text(const cs_framework *fw, const cs__element *el, cs__buf *b)
{
    cs__buf_reset(b);
    if (el->type == CS__ELEM_BOOLEAN) {
        cs__buf_append(b, "是/否");
        return;
    }
    if (el->has_min && el->has_max) {
        append_value(b, el->min, el->unit);
        cs__buf_append(b, " – ");
        append_value(b, el->max, el->unit);
    } else if (el->has_min) {
        cs__buf_append(b, "≥ ");
        append_value(b, el->min, el->unit);
    } else if (el->has_max) {
        cs__buf_append(b, "≤ ");
        append_value(b, el->max, el->unit);
    }
    for (int k = 0; k < el->n_at_most; k++) {
        int j = cs__fw_element_index(fw, el->at_most[k]);
        cs__buf_printf(b, "%s不大于 %s", b->len ? "；" : "", j >= 0 ? fw->elements[j].name : el->at_most[k]);
    }
    if (!b->len) cs__buf_append(b, "不限");
}

/* The indicators (code and name), adjustments and star levels that use element e, "；"-separated. */
static void related_text(const layout *L, int e, cs__buf *b)
{
    const cs_framework *fw = L->fw;
    size_t ne = (size_t)fw->nelements;
    cs__buf_reset(b);
    for (int i = 0; i < fw->nindicators; i++)
        if (L->ind_used[(size_t)i * ne + (size_t)e] || fw->elements[e].first_indicator == i)
            cs__buf_printf(b, "%s%s %s", b->len ? "；" : "", fw->indicators[i].code, fw->indicators[i].name);
    for (int a = 0; a < fw->nadjustments; a++)
        if (L->adj_used[(size_t)a * ne + (size_t)e])
            cs__buf_printf(b, "%s%s %s", b->len ? "；" : "", fw->adjustments[a].kind == CS__ADJ_VETO ? "否决项" : "扣分项",
                           fw->adjustments[a].code ? fw->adjustments[a].code : "");
    for (int r = 0; r < fw->nratings; r++)
        if (L->rating_used[(size_t)r * ne + (size_t)e]) cs__buf_printf(b, "%s星级评定 %s", b->len ? "；" : "", fw->ratings[r].name);
}

/* The Excel data validation of an element's 数值 cells, with its messages (owned by the struct). */
typedef struct {
    lxw_data_validation dv;
    cs__buf input, error, input_title;
} validation;

static char *yes_no[] = {"是", "否", NULL};

#define UNBOUNDED 1e15 /* stands for "no limit" where Excel needs one */

static void validation_build(validation *v, const cs__element *el, const char *range)
{
    cs__buf tmp = {0};
    memset(&v->dv, 0, sizeof v->dv);
    cs__buf_reset(&v->input);
    cs__buf_reset(&v->error);
    cs__buf_reset(&v->input_title);
    v->dv.error_type = LXW_VALIDATION_ERROR_TYPE_STOP;
    if (el->type == CS__ELEM_BOOLEAN) {
        v->dv.validate = LXW_VALIDATION_TYPE_LIST;
        v->dv.value_list = yes_no;
        cs__buf_append(&v->input_title, "请选择 是 或 否");
        cs__buf_printf(&tmp, "%s\n请从下拉列表选择“是”或“否”；没有数据请留空。", el->name);
        cs__buf_printf(&v->error, "“%s”只能填“是”或“否”（没有数据请留空）。", el->name);
    } else {
        int integer = el->type == CS__ELEM_INTEGER;
        v->dv.validate = integer ? LXW_VALIDATION_TYPE_INTEGER : LXW_VALIDATION_TYPE_DECIMAL;
        if (el->has_min && el->has_max) {
            v->dv.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
            v->dv.minimum_number = el->min;
            v->dv.maximum_number = el->max;
        } else if (el->has_min) {
            v->dv.criteria = LXW_VALIDATION_CRITERIA_GREATER_THAN_OR_EQUAL_TO;
            v->dv.value_number = el->min;
        } else if (el->has_max) {
            v->dv.criteria = LXW_VALIDATION_CRITERIA_LESS_THAN_OR_EQUAL_TO;
            v->dv.value_number = el->max;
        } else {
            v->dv.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
            v->dv.minimum_number = -UNBOUNDED;
            v->dv.maximum_number = UNBOUNDED;
        }
        cs__buf_append(&v->input_title, integer ? "请填写整数" : "请填写数值");
        cs__buf_printf(&tmp, "%s%s%s%s\n允许范围：%s", el->name, *el->unit ? "（单位：" : "", el->unit, *el->unit ? "）" : "",
                       range);
        if (!strcmp(el->unit, "%")) cs__buf_append(&tmp, "\n百分比可填 85% 或 0.85");
        if (el->n_at_most) cs__buf_append(&tmp, "\n（“不大于”在导入时检查）");
        cs__buf_append(&tmp, "\n没有数据请留空。");
        cs__buf_printf(&v->error, "“%s”应填%s，允许范围：%s。没有数据请留空。", el->name, integer ? "整数" : "数字", range);
    }
    /* Excel limits: titles 32 characters, messages 255 */
    cs__buf t2 = {0};
    cs__xlsx_clean_text(&t2, cs__buf_str(&tmp), 255);
    cs__buf_reset(&v->input);
    cs__buf_append(&v->input, cs__buf_str(&t2));
    cs__xlsx_clean_text(&t2, cs__buf_str(&v->error), 255);
    cs__buf_reset(&v->error);
    cs__buf_append(&v->error, cs__buf_str(&t2));
    cs__buf_free(&t2);
    cs__buf_free(&tmp);
    v->dv.input_title = (char *)cs__buf_str(&v->input_title);
    v->dv.input_message = (char *)cs__buf_str(&v->input);
    v->dv.error_title = "数值不符合要求";
    v->dv.error_message = (char *)cs__buf_str(&v->error);
}

static void validation_free(validation *v)
{
    cs__buf_free(&v->input);
    cs__buf_free(&v->error);
    cs__buf_free(&v->input_title);
}

enum { C_REGION_CODE, C_REGION, C_PERIOD, C_CODE, C_NAME, C_UNIT, C_TYPE, C_RANGE, C_RELATED, C_VALUE, C_NOTE, NCOLS };

/* The columns of a department sheet: the importer finds them by these headers. */
static const struct {
    const char *title;
    double min, max;     /* column width limits */
    int wrap;
} columns[NCOLS] = {
    {"地区代码", 8, 14, 0}, {"地区", 8, 20, 0},      {"年度", 6, 8, 0},   {"数据项编号", 12, 40, 0},
    {"数据项名称", 16, 50, 1}, {"单位", 6, 10, 0},  {"类型", 6, 8, 0},   {"允许范围", 10, 30, 1},
    {"相关指标", 12, 40, 1}, {"数值", 12, 16, 0}, {"备注", 20, 30, 1},
};

typedef struct {
    lxw_format *header, *header_input, *text, *wrap, *number, *input, *input_pct, *input_text;
    lxw_format *title, *label, *para;
} formats;

static void formats_make(lxw_workbook *wb, formats *f)
{
    lxw_format **cells[] = {&f->header, &f->header_input, &f->text, &f->wrap, &f->number, &f->input, &f->input_pct, &f->input_text};
    for (size_t k = 0; k < sizeof cells / sizeof *cells; k++) {
        lxw_format *x = *cells[k] = workbook_add_format(wb);
        format_set_border(x, LXW_BORDER_THIN);
        format_set_border_color(x, 0xBFBFBF);
        format_set_align(x, LXW_ALIGN_VERTICAL_CENTER);
    }
    format_set_bold(f->header);
    format_set_bg_color(f->header, 0xDDEBF7);
    format_set_align(f->header, LXW_ALIGN_CENTER);
    format_set_bold(f->header_input);
    format_set_bg_color(f->header_input, 0xFFD966);
    format_set_align(f->header_input, LXW_ALIGN_CENTER);
    format_set_num_format(f->text, "@");
    format_set_num_format(f->wrap, "@");
    format_set_text_wrap(f->wrap);
    lxw_format *inputs[] = {f->input, f->input_pct, f->input_text};
    for (size_t k = 0; k < sizeof inputs / sizeof *inputs; k++) {
        format_set_unlocked(inputs[k]);
        format_set_bg_color(inputs[k], 0xFFF2CC);
    }
    format_set_num_format(f->input_pct, "0.00%");
    format_set_num_format(f->input_text, "@");
    format_set_text_wrap(f->input_text);

    f->title = workbook_add_format(wb);
    format_set_bold(f->title);
    format_set_font_size(f->title, 14);
    f->label = workbook_add_format(wb);
    format_set_bold(f->label);
    format_set_align(f->label, LXW_ALIGN_VERTICAL_TOP);
    f->para = workbook_add_format(wb);
    format_set_text_wrap(f->para);
    format_set_align(f->para, LXW_ALIGN_VERTICAL_TOP);
}

/* Writes the sheet of department s: one row per (region, element) of that department, region-major. */
static void write_department(lxw_worksheet *ws, const layout *L, int s, const formats *f, const cs__region_ref *regions,
                             size_t nregions, const char *period, cs__prefill_fn prefill, void *ctx, cs__buf *scratch,
                             lxw_error *err)
{
    static const char *const type_names[] = {"整数", "数值", "是否"};
    const cs_framework *fw = L->fw;
    double width[NCOLS];
    cs__buf range = {0}, related = {0};
    validation v = {0};

    /* column widths first, from the header and the texts (the input columns have fixed widths) */
    for (int c = 0; c < NCOLS; c++) width[c] = cs__xlsx_text_width(columns[c].title) + 3; /* filter button */
    for (size_t r = 0; r < nregions; r++) {
        double wc = cs__xlsx_text_width(cs__xlsx_clean_text(scratch, regions[r].code, CS__XLSX_MAX_CELL_UNITS));
        double wn = cs__xlsx_text_width(cs__xlsx_clean_text(scratch, regions[r].name, CS__XLSX_MAX_CELL_UNITS));
        if (wc > width[C_REGION_CODE]) width[C_REGION_CODE] = wc;
        if (wn > width[C_REGION]) width[C_REGION] = wn;
    }
    for (int e = 0; e < fw->nelements; e++) {
        if (L->sheet_of[e] != s) continue;
        const cs__element *el = &fw->elements[e];
        range_text(fw, el, &range);
        related_text(L, e, &related);
        const char *texts[] = {period, el->code, el->name, el->unit, type_names[el->type], cs__buf_str(&range),
                               cs__buf_str(&related)};
        for (int c = C_PERIOD; c < C_VALUE; c++) {
            double w = cs__xlsx_text_width(cs__xlsx_clean_text(scratch, texts[c - C_PERIOD], CS__XLSX_MAX_CELL_UNITS));
            if (w > width[c]) width[c] = w;
        }
    }
    for (int c = 0; c < NCOLS; c++) {
        double w = c >= C_VALUE ? columns[c].max : width[c] + 1;
        width[c] = w < columns[c].min ? columns[c].min : w > columns[c].max ? columns[c].max : w;
        keep_error(err, worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, width[c], NULL));
    }

    for (int c = 0; c < NCOLS; c++)
        put_text(ws, 0, (lxw_col_t)c, columns[c].title, c == C_VALUE || c == C_NOTE ? f->header_input : f->header, scratch, err);
    lxw_row_t row = 1;
    for (size_t r = 0; r < nregions; r++) {
        const char *rcode = regions[r].code ? regions[r].code : "", *rname = regions[r].name ? regions[r].name : "";
        for (int e = 0; e < fw->nelements; e++) {
            if (L->sheet_of[e] != s) continue;
            const cs__element *el = &fw->elements[e];
            range_text(fw, el, &range);
            related_text(L, e, &related);
            const char *texts[C_VALUE] = {rcode, rname, period, el->code, el->name, el->unit, type_names[el->type],
                                          cs__buf_str(&range), cs__buf_str(&related)};
            int lines = 1;
            for (int c = 0; c < C_VALUE; c++) {
                put_text(ws, row, (lxw_col_t)c, texts[c], columns[c].wrap ? f->wrap : f->text, scratch, err);
                int n = columns[c].wrap ? cs__xlsx_wrapped_lines(cs__buf_str(scratch), width[c], 2) : 1;
                if (n > lines) lines = n;
            }
            lxw_format *input = !strcmp(el->unit, "%") ? f->input_pct : f->input;
            double value = 0;
            const char *note = NULL;
            if (prefill && prefill(ctx, rcode, el->code, &value, &note)) {
                if (el->type == CS__ELEM_BOOLEAN)
                    keep_error(err, worksheet_write_string(ws, row, C_VALUE, value != 0 ? "是" : "否", input));
                else if (isfinite(value))
                    keep_error(err, worksheet_write_number(ws, row, C_VALUE, value, input));
                else
                    keep_error(err, worksheet_write_blank(ws, row, C_VALUE, input));
            } else {
                keep_error(err, worksheet_write_blank(ws, row, C_VALUE, input));
            }
            put_text(ws, row, C_NOTE, note, f->input_text, scratch, err);
            int n = cs__xlsx_wrapped_lines(cs__buf_str(scratch), width[C_NOTE], 2);
            if (n > lines) lines = n;
            /* not every program fits rows to wrapped text on opening: give them their height */
            if (lines > 1) keep_error(err, worksheet_set_row(ws, row, LINE_HEIGHT * lines, NULL));

            validation_build(&v, el, cs__buf_str(&range));
            keep_error(err, worksheet_data_validation_cell(ws, row, C_VALUE, &v.dv));
            row++;
        }
    }
    worksheet_freeze_panes(ws, 1, 0);
    keep_error(err, worksheet_autofilter(ws, 0, 0, row - 1, NCOLS - 1));
    /* printed: A4 landscape, one page wide, the header on every page */
    worksheet_set_paper(ws, 9);
    worksheet_set_landscape(ws);
    worksheet_fit_to_pages(ws, 1, 0);
    keep_error(err, worksheet_repeat_rows(ws, 0, 0));
    if (row > 1) keep_error(err, worksheet_ignore_errors(ws, LXW_IGNORE_NUMBER_STORED_AS_TEXT, "A2:I1048576"));
    /* locked except the input cells, no password; people may still resize, filter and sort */
    lxw_protection protection = {.format_columns = 1, .format_rows = 1, .autofilter = 1, .sort = 1};
    worksheet_protect(ws, NULL, &protection);
    validation_free(&v);
    cs__buf_free(&range);
    cs__buf_free(&related);
}

#define INTRO_WIDTH 80.0 /* of the instruction sheet's text column */

/* Writes a paragraph into column B of the instruction sheet, the row as high as its wrapped lines. */
static void put_para(lxw_worksheet *ws, lxw_row_t row, const char *text, lxw_format *fmt, cs__buf *scratch, lxw_error *err)
{
    put_text(ws, row, 1, text, fmt, scratch, err);
    int lines = cs__xlsx_wrapped_lines(cs__buf_str(scratch), INTRO_WIDTH, 2);
    if (lines > 1) keep_error(err, worksheet_set_row(ws, row, LINE_HEIGHT * lines, NULL));
}

/* Writes the first sheet: what the workbook is for and how to fill it in. */
static void write_instructions(lxw_worksheet *ws, const layout *L, const formats *f, const cs__region_ref *regions,
                               size_t nregions, const char *period, cs__buf *scratch, lxw_error *err)
{
    const cs_framework *fw = L->fw;
    cs__buf b = {0};
    lxw_row_t row = 0;
    double names = 14;
    for (int s = 0; s < L->nsheets; s++)
        if (cs__xlsx_text_width(L->sheet[s]) + 2 > names) names = cs__xlsx_text_width(L->sheet[s]) + 2;
    keep_error(err, worksheet_set_column(ws, 0, 0, names, NULL));
    keep_error(err, worksheet_set_column(ws, 1, 1, INTRO_WIDTH, NULL));
    keep_error(err, worksheet_set_column(ws, 2, 3, 12, NULL));

    cs__buf_printf(&b, "%s — 数据填报表", fw->title ? fw->title : fw->id);
    put_text(ws, row, 0, cs__buf_str(&b), f->title, scratch, err);
    row += 2;

    put_text(ws, row, 0, "评价框架", f->label, scratch, err);
    cs__buf_reset(&b);
    cs__buf_printf(&b, "%s（%s）", fw->title ? fw->title : "", fw->id);
    put_para(ws, row++, cs__buf_str(&b), f->para, scratch, err);
    put_text(ws, row, 0, "年度", f->label, scratch, err);
    put_para(ws, row++, period, f->para, scratch, err);
    put_text(ws, row, 0, "地区", f->label, scratch, err);
    cs__buf_reset(&b);
    for (size_t r = 0; r < nregions; r++)
        cs__buf_printf(&b, "%s%s%s%s", r ? "；" : "", regions[r].code ? regions[r].code : "", regions[r].name && *regions[r].name ? " " : "",
                       regions[r].name ? regions[r].name : "");
    put_para(ws, row++, cs__buf_str(&b), f->para, scratch, err);
    row++;

    static const char *const steps[] = {
        "只填写各工作表的“数值”列（浅黄色单元格）；如需说明数据来源或口径，写在“备注”列。",
        "“是否”类数据项填“是”或“否”，可从下拉列表中选择。",
        "百分比可以填 85% 或 0.85，两种写法含义相同。",
        "没有数据的请留空：留空表示未填报，不要填 0（0 表示实际数值为零）。",
        "整数类数据项只能填整数；超出“允许范围”的数值无法输入。“不大于 …”的要求在导入时检查。",
        "请勿修改地区代码、年度、数据项编号等其他列，不要增删行、改动表头或重命名工作表（工作表已锁定，无密码）。",
        "填好后可以直接导入：citystar data import 文件名.xlsx（一个文件一次导入，所有工作表都会读取）。",
    };
    put_text(ws, row, 0, "填报方法", f->label, scratch, err);
    for (size_t k = 0; k < sizeof steps / sizeof *steps; k++) {
        cs__buf_reset(&b);
        cs__buf_printf(&b, "%zu. %s", k + 1, steps[k]);
        put_para(ws, row++, cs__buf_str(&b), f->para, scratch, err);
    }
    row++;

    put_text(ws, row, 0, "工作表", f->header, scratch, err);
    put_text(ws, row, 1, "牵头部门", f->header, scratch, err);
    put_text(ws, row, 2, "数据项数", f->header, scratch, err);
    put_text(ws, row++, 3, "行数", f->header, scratch, err);
    for (int s = 0; s < L->nsheets; s++) {
        put_text(ws, row, 0, L->sheet[s], f->text, scratch, err);
        put_text(ws, row, 1, L->dept[s] == OTHER_DEPT ? "其他（未指定牵头部门）" : L->dept[s], f->text, scratch, err);
        keep_error(err, worksheet_write_number(ws, row, 2, L->nitems[s], f->number));
        keep_error(err, worksheet_write_number(ws, row++, 3, (double)L->nitems[s] * (double)nregions, f->number));
    }
    row++;

    char date[32] = "";
    time_t now = time(NULL);
    struct tm tm;
    if (localtime_r(&now, &tm)) strftime(date, sizeof date, "%Y-%m-%d", &tm);
    cs__buf_reset(&b);
    cs__buf_printf(&b, "本工作簿由 citystar 于 %s 生成。", date);
    put_text(ws, row, 0, cs__buf_str(&b), NULL, scratch, err);
    worksheet_set_paper(ws, 9); /* A4 */
    worksheet_fit_to_pages(ws, 1, 0);
    worksheet_activate(ws);
    cs__buf_free(&b);
}

cs_status cs__template_write_xlsx(const char *path, const cs_framework *fw, const cs__region_ref *regions, size_t nregions,
                                  const char *period, cs__prefill_fn prefill, void *ctx, cs_diag *diag)
{
    cs_status rc = CS_OK;
    lxw_error err = LXW_NO_ERROR;
    cs__buf scratch = {0}, name = {0};
    layout L;
    layout_build(&L, fw);
    if (!period) period = "";
    for (int s = 0; s < L.nsheets; s++)
        if ((double)L.nitems[s] * (double)nregions + 1 > MAX_ROWS) {
            cs__diag_add(diag, CS__ERROR, path, 0, 0,
                         "地区太多：工作表“%s”将超过 Excel 的 1048576 行 / too many regions: sheet %s would exceed Excel's row limit",
                         L.dept[s], L.dept[s]);
            rc = CS_EUSAGE;
            goto out;
        }

    lxw_workbook *wb = workbook_new(path);
    if (!wb) {
        rc = lxw_failure(path, LXW_ERROR_MEMORY_MALLOC_FAILED, diag);
        goto out;
    }
    formats f;
    formats_make(wb, &f);
    cs__buf title = {0};
    cs__buf_printf(&title, "%s 数据填报表（%s）", fw->title ? fw->title : fw->id, period);
    lxw_doc_properties props = {.title = (char *)cs__buf_str(&title), .author = "citystar", .comments = "citystar template"};
    keep_error(&err, workbook_set_properties(wb, &props));
    keep_error(&err, workbook_set_custom_property_string(wb, "citystar.framework", (char *)fw->id));
    if (*period) keep_error(&err, workbook_set_custom_property_string(wb, "citystar.period", (char *)period));

    lxw_worksheet *intro = workbook_add_worksheet(wb, "填报说明");
    lxw_worksheet **sheets = cs__xcalloc((size_t)L.nsheets + 1, sizeof *sheets);
    for (int s = 0; s < L.nsheets; s++) {
        L.sheet[s] = cs__xstrdup(sheet_name(wb, L.dept[s], &name));
        sheets[s] = workbook_add_worksheet(wb, L.sheet[s]);
        if (!sheets[s]) keep_error(&err, LXW_ERROR_PARAMETER_VALIDATION);
    }
    if (intro) write_instructions(intro, &L, &f, regions, nregions, period, &scratch, &err);
    for (int s = 0; s < L.nsheets; s++)
        if (sheets[s]) write_department(sheets[s], &L, s, &f, regions, nregions, period, prefill, ctx, &scratch, &err);
    free(sheets);

    lxw_error closed = workbook_close(wb);
    cs__buf_free(&title);
    keep_error(&err, closed);
    if (err != LXW_NO_ERROR) {
        rc = lxw_failure(path, err, diag);
        if (closed == LXW_NO_ERROR) remove(path);
    }
out:
    layout_free(&L);
    cs__buf_free(&scratch);
    cs__buf_free(&name);
    return rc;
}
