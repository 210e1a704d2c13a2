/*
 * report_xlsx.c — renders a report document (report.h) as an XLSX workbook with libxlsxwriter.
 * A region report has the sheets 概要 (with native charts by 一级指标 and over the years), 指标得分,
 * 查缺补漏, 数据来源 and 佐证材料; a summary report has 排名 and 概况. Everything shown is read from
 * the document: figures are numeric cells ("%" values with a percent format), a missing figure is
 * the text 缺数据 and never 0, and nothing is scored or ranked here.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "io/xlsx_text.h"
#include "report/report.h"

#define MISSING "缺数据"
#define LINE_HEIGHT 15.0     /* points per line of the default 11-point font */
#define MAX_COLS 32
#define KV_WIDTH 70.0        /* of the merged value cells B:F of 概要 and 概况 */

/* The workbook being written, its formats and the first libxlsxwriter error. */
typedef struct {
    lxw_workbook *wb;
    lxw_error err;
    cs__buf scratch; /* the last cleaned text */
    lxw_format *title, *subtitle, *label, *section, *header, *text, *wrap, *number, *percent, *signed_number;
    lxw_format *missing, *partial, *kv_wrap, *kv_number, *kv_mean;
} book;

/* ---- Text ------------------------------------------------------------------------------------ */

/* s as text a cell may hold (xlsx_text.h), in b->scratch. */
static const char *clean(book *b, const char *s)
{
    return cs__xlsx_clean_text(&b->scratch, s, CS__XLSX_MAX_CELL_UNITS);
}

/* ---- Reading the document ------------------------------------------------------------------ */

/* The string at key of o, NULL when absent, null or not a string. */
static const char *jstr(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Whether key of o is a number, stored in *out (OUT). */
static int jnum(const json_t *o, const char *key, double *out)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_number(v)) return 0;
    *out = json_number_value(v);
    return 1;
}

/* Appends the strings of array a to out, separated by sep. */
static void join_strings(const json_t *a, const char *sep, cs__buf *out)
{
    int first = 1;
    for (size_t k = 0; k < json_array_size(a); k++) {
        const char *s = json_string_value(json_array_get(a, k));
        if (!s || !*s) continue;
        if (!first) cs__buf_append(out, sep);
        cs__buf_append(out, s);
        first = 0;
    }
}

/* Appends v the way a person writes it; a "%" unit shows the fraction as a percentage. */
static void append_figure(cs__buf *out, const json_t *v, const char *unit)
{
    if (json_is_boolean(v)) {
        cs__buf_append(out, json_is_true(v) ? "是" : "否");
        return;
    }
    if (!json_is_number(v)) {
        cs__buf_append(out, MISSING);
        return;
    }
    int pct = unit && !strcmp(unit, "%");
    cs__buf_number(out, pct ? json_number_value(v) * 100 : json_number_value(v), pct ? 2 : 4);
    if (unit) cs__buf_append(out, unit);
}

/* Appends the sentences of the needs in a (requirement and what is still missing), one per line,
 * descending into the parts of a need that has no sentence of its own. */
static void append_needs(const json_t *a, cs__buf *out)
{
    for (size_t k = 0; k < json_array_size(a); k++) {
        const json_t *n = json_array_get(a, k);
        const char *req = jstr(n, "requirement"), *gap = jstr(n, "gap");
        if (!gap && json_array_size(json_object_get(n, "parts"))) {
            append_needs(json_object_get(n, "parts"), out);
            continue;
        }
        if (!req && !gap) continue;
        if (out->len) cs__buf_append(out, "\n");
        cs__buf_printf(out, "· %s%s%s", req ? req : "", req && gap ? "：" : "", gap ? gap : "");
    }
}

/* Appends figure changes ("name from → to unit") one per line. */
static void append_changes(const json_t *a, cs__buf *out)
{
    for (size_t k = 0; k < json_array_size(a); k++) {
        const json_t *c = json_array_get(a, k);
        const char *unit = jstr(c, "unit");
        if (out->len) cs__buf_append(out, "\n");
        cs__buf_printf(out, "%s ", jstr(c, "name") ? jstr(c, "name") : jstr(c, "element") ? jstr(c, "element") : "");
        append_figure(out, json_object_get(c, "from"), unit);
        cs__buf_append(out, " → ");
        append_figure(out, json_object_get(c, "to"), unit);
    }
}

/* The name of a region level for a heading. */
static const char *level_name(const char *level)
{
    static const char *const names[][2] = {{"province", "省"}, {"city", "市"}, {"county", "县（市、区）"},
                                           {"street", "街道"}, {"community", "社区"}};
    for (size_t k = 0; level && k < sizeof names / sizeof *names; k++)
        if (!strcmp(level, names[k][0])) return names[k][1];
    return level ? level : "";
}

/* ---- Cells ------------------------------------------------------------------------------------- */

/* Keeps the first error libxlsxwriter reported. */
static void keep_error(book *b, lxw_error e)
{
    if (e != LXW_NO_ERROR && b->err == LXW_NO_ERROR) b->err = e;
}

/* Writes text at (row, col); empty text leaves a blank cell carrying fmt. Returns its width. */
static double put_text(book *b, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *text, lxw_format *fmt)
{
    const char *t = clean(b, text);
    if (!*t) {
        if (fmt) keep_error(b, worksheet_write_blank(ws, row, col, fmt));
        return 0;
    }
    keep_error(b, worksheet_write_string(ws, row, col, t, fmt));
    return cs__xlsx_text_width(t);
}

/* Writes the number v at (row, col) with fmt, or 缺数据 when v is not a number. Returns its width. */
static double put_number(book *b, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const json_t *v, lxw_format *fmt)
{
    if (!json_is_number(v) || !isfinite(json_number_value(v))) return put_text(b, ws, row, col, MISSING, b->missing);
    keep_error(b, worksheet_write_number(ws, row, col, json_number_value(v), fmt));
    return 10;
}

/* A column of a table: its header and width limits, and whether its text wraps. */
typedef struct {
    const char *title;
    double min, max; /* width limits */
    int wrap;
} column;

typedef struct {
    lxw_row_t row;
    int col;
    char *text;
} wrapped_cell;

/* A table under a header row: tracks column widths and wrapped cells, whose row heights are set
 * once the widths are known. */
typedef struct {
    book *b;
    lxw_worksheet *ws;
    const column *cols;
    int ncols;
    lxw_col_t first_col;
    lxw_row_t header, row; /* the header row; the row being written */
    double width[MAX_COLS];
    struct {
        wrapped_cell *items;
        size_t n, cap;
    } wraps;
} table;

/* Starts a table whose header goes at (row, first_col). */
static void table_begin(table *t, book *b, lxw_worksheet *ws, lxw_row_t row, lxw_col_t first_col, const column *cols, int ncols)
{
    memset(t, 0, sizeof *t);
    t->b = b, t->ws = ws, t->cols = cols, t->ncols = ncols < MAX_COLS ? ncols : MAX_COLS;
    t->first_col = first_col, t->header = row, t->row = row + 1;
    for (int c = 0; c < t->ncols; c++)
        t->width[c] = put_text(b, ws, row, (lxw_col_t)(first_col + c), cols[c].title, b->header) + 3; /* filter button */
}

/* Widens column c of the table to hold a cell w characters wide. */
static void track(table *t, int c, double w)
{
    if (c < t->ncols && w > t->width[c]) t->width[c] = w;
}

/* Writes text into column c of the current row (wrapped when the column wraps). */
static void cell_text(table *t, int c, const char *text)
{
    int wrap = c < t->ncols && t->cols[c].wrap;
    double w = put_text(t->b, t->ws, t->row, (lxw_col_t)(t->first_col + c), text, wrap ? t->b->wrap : t->b->text);
    track(t, c, w);
    if (wrap && w > 0) {
        wrapped_cell wc = {t->row, c, cs__xstrdup(cs__buf_str(&t->b->scratch))};
        cs__vec_push(&t->wraps, wc);
    }
}

/* Writes a number (fmt) or 缺数据 into column c of the current row. */
static void cell_number(table *t, int c, const json_t *v, lxw_format *fmt)
{
    track(t, c, put_number(t->b, t->ws, t->row, (lxw_col_t)(t->first_col + c), v, fmt ? fmt : t->b->number));
}

/* Writes a figure with its unit's format: a "%" value as a percentage, yes/no as 是/否, an absent
 * value (the indicator has no single figure) as "—" and a null one as 缺数据. */
static void cell_figure(table *t, int c, const json_t *v, const char *unit, int present)
{
    if (!present) cell_text(t, c, "—");
    else if (json_is_boolean(v)) cell_text(t, c, json_is_true(v) ? "是" : "否");
    else cell_number(t, c, v, unit && !strcmp(unit, "%") ? t->b->percent : t->b->number);
}

/* Writes a count into column c of the current row. */
static void cell_int(table *t, int c, double v)
{
    keep_error(t->b, worksheet_write_number(t->ws, t->row, (lxw_col_t)(t->first_col + c), v, t->b->number));
    track(t, c, 8);
}

/* Closes a table: column widths (or, when fixed is given, the widths of a table above it in the
 * same columns), heights of rows holding wrapped text, the autofilter. Returns the row after it. */
static lxw_row_t table_end(table *t, int filter, const double *fixed)
{
    book *b = t->b;
    for (int c = 0; c < t->ncols && fixed; c++) t->width[c] = fixed[c];
    for (int c = 0; c < t->ncols && !fixed; c++) {
        double w = t->width[c] + 1;
        t->width[c] = w < t->cols[c].min ? t->cols[c].min : w > t->cols[c].max ? t->cols[c].max : w;
        keep_error(b, worksheet_set_column(t->ws, (lxw_col_t)(t->first_col + c), (lxw_col_t)(t->first_col + c), t->width[c], NULL));
    }
    /* not every program fits rows to wrapped text on opening: give them their height */
    for (size_t k = 0; k < t->wraps.n;) {
        lxw_row_t row = t->wraps.items[k].row;
        int lines = 1;
        for (; k < t->wraps.n && t->wraps.items[k].row == row; k++) {
            int n = cs__xlsx_wrapped_lines(t->wraps.items[k].text, t->width[t->wraps.items[k].col], 1.85);
            if (n > lines) lines = n;
            free(t->wraps.items[k].text);
        }
        if (lines > 1) keep_error(b, worksheet_set_row(t->ws, row, LINE_HEIGHT * (lines > 27 ? 27 : lines), NULL));
    }
    cs__vec_free(&t->wraps);
    if (filter && t->row > t->header + 1)
        keep_error(b, worksheet_autofilter(t->ws, t->header, t->first_col, t->row - 1, (lxw_col_t)(t->first_col + t->ncols - 1)));
    return t->row;
}

/* ---- Key-value lines (概要, 概况) ------------------------------------------------------------- */

/* Writes "label | text" with the text merged over B:F and wrapped; returns the next row. */
static lxw_row_t kv_text(book *b, lxw_worksheet *ws, lxw_row_t row, const char *label, const char *text)
{
    put_text(b, ws, row, 0, label, b->label);
    const char *t = clean(b, text && *text ? text : "—");
    keep_error(b, worksheet_merge_range(ws, row, 1, row, 5, t, b->kv_wrap));
    int lines = cs__xlsx_wrapped_lines(t, KV_WIDTH, 1.85);
    if (lines > 1) keep_error(b, worksheet_set_row(ws, row, LINE_HEIGHT * (lines > 27 ? 27 : lines), NULL));
    return row + 1;
}

/* Writes "label | number | note": the number (or 缺数据) in B and a short note in C. */
static lxw_row_t kv_number(book *b, lxw_worksheet *ws, lxw_row_t row, const char *label, const json_t *v, lxw_format *fmt,
                           const char *note)
{
    put_text(b, ws, row, 0, label, b->label);
    put_number(b, ws, row, 1, v, fmt ? fmt : b->kv_number);
    if (note && *note) put_text(b, ws, row, 2, note, NULL);
    return row + 1;
}

/* Writes a section heading; returns the next row. */
static lxw_row_t section(book *b, lxw_worksheet *ws, lxw_row_t row, const char *title)
{
    put_text(b, ws, row, 0, title, b->section);
    keep_error(b, worksheet_set_row(ws, row, 20, NULL));
    return row + 1;
}

/* Print setup: A4, landscape or not, one page wide, header rows repeated, page numbers. */
static void print_setup(book *b, lxw_worksheet *ws, int landscape, int repeat_from, int repeat_to)
{
    worksheet_set_paper(ws, 9);
    if (landscape) worksheet_set_landscape(ws);
    worksheet_fit_to_pages(ws, 1, 0);
    worksheet_set_margins(ws, 0.5, 0.5, 0.6, 0.6);
    if (repeat_from >= 0) keep_error(b, worksheet_repeat_rows(ws, (lxw_row_t)repeat_from, (lxw_row_t)repeat_to));
    keep_error(b, worksheet_set_footer(ws, "&C第 &P 页，共 &N 页"));
}

/* The title lines of a sheet: the document's title and what it covers. Returns the next row. */
static lxw_row_t sheet_title(book *b, lxw_worksheet *ws, const json_t *doc, const char *sheet)
{
    const json_t *region = json_object_get(doc, "region");
    cs__buf t = {0};
    cs__buf_printf(&t, "%s — %s", jstr(doc, "title") ? jstr(doc, "title") : "评估报告", sheet);
    put_text(b, ws, 0, 0, cs__buf_str(&t), b->title);
    keep_error(b, worksheet_set_row(ws, 0, 22, NULL));
    cs__buf_reset(&t);
    const char *place = jstr(region, "path") ? jstr(region, "path") : jstr(region, "name");
    cs__buf_printf(&t, "%s（%s）  %s 年度  %s", place ? place : "", jstr(region, "code") ? jstr(region, "code") : "",
                   jstr(doc, "period") ? jstr(doc, "period") : "",
                   jstr(json_object_get(doc, "framework"), "title") ? jstr(json_object_get(doc, "framework"), "title") : "");
    put_text(b, ws, 1, 0, cs__buf_str(&t), b->subtitle);
    cs__buf_free(&t);
    return 3;
}

/* ---- Region report ---------------------------------------------------------------------------- */

/* The star level as people read it: the rating, 未达到星级 when the total earned none, or 缺数据. */
static const char *rating_text(const json_t *o, const char *total_key)
{
    const char *r = jstr(o, "rating");
    if (r) return r;
    return json_is_number(json_object_get(o, total_key)) ? "未达到星级" : MISSING;
}

/* The applied adjustments of a score (penalties and vetoes) as text, "无" when none applied. */
static void applied_adjustments(const json_t *adjs, cs__buf *out)
{
    for (size_t k = 0; k < json_array_size(adjs); k++) {
        const json_t *a = json_array_get(adjs, k);
        const json_t *applied = json_object_get(a, "applied");
        if (!json_is_true(applied) && !json_is_null(applied)) continue;
        if (out->len) cs__buf_append(out, "\n");
        const char *kind = jstr(a, "kind");
        cs__buf_printf(out, "%s%s%s：%s%s", kind && !strcmp(kind, "veto") ? "一票否决" : "扣分", jstr(a, "code") ? " " : "",
                       jstr(a, "code") ? jstr(a, "code") : "", jstr(a, "text") ? jstr(a, "text") : "",
                       json_is_null(applied) ? "（缺数据，无法判断）" : "");
    }
    if (!out->len) cs__buf_append(out, "无");
}

/* Sheet 概要: the summary lines, points by 一级指标 with a bar chart, the history with a line chart. */
static void region_overview(book *b, lxw_worksheet *ws, const json_t *doc)
{
    const json_t *fw = json_object_get(doc, "framework"), *region = json_object_get(doc, "region");
    const json_t *sum = json_object_get(doc, "summary"), *data = json_object_get(doc, "data");
    const json_t *score = json_object_get(doc, "score");
    cs__buf t = {0};
    static const double widths[] = {22, 14, 14, 14, 14, 14};
    for (int c = 0; c < 6; c++) keep_error(b, worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, widths[c], NULL));
    keep_error(b, worksheet_set_column(ws, 6, 6, 3, NULL));
    lxw_row_t row = sheet_title(b, ws, doc, "概要");

    row = section(b, ws, row, "基本情况");
    cs__buf_printf(&t, "%s（%s）", jstr(region, "path") ? jstr(region, "path") : jstr(region, "name") ? jstr(region, "name") : "",
                   jstr(region, "code") ? jstr(region, "code") : "");
    row = kv_text(b, ws, row, "地区", cs__buf_str(&t));
    cs__buf_reset(&t);
    double year;
    cs__buf_printf(&t, "%s", jstr(fw, "title") ? jstr(fw, "title") : "");
    if (jnum(fw, "year", &year)) cs__buf_printf(&t, "（%.0f 年", year);
    else cs__buf_append(&t, "（");
    cs__buf_printf(&t, "%s%s）", jnum(fw, "year", &year) ? "，" : "", jstr(fw, "id") ? jstr(fw, "id") : "");
    row = kv_text(b, ws, row, "评价指标体系", cs__buf_str(&t));
    if (jstr(fw, "source")) row = kv_text(b, ws, row, "依据", jstr(fw, "source"));
    row = kv_text(b, ws, row, "评估年度", jstr(doc, "period"));
    row++;

    lxw_row_t score_row = row;
    row = section(b, ws, row, "得分与星级");
    row = kv_number(b, ws, row, "总分", json_object_get(sum, "total"), NULL, "分");
    row = kv_number(b, ws, row, "满分", json_object_get(sum, "max_total"), NULL, "分");
    row = kv_text(b, ws, row, "星级", rating_text(sum, "total"));
    cs__buf_reset(&t);
    if (json_is_boolean(json_object_get(sum, "complete")))
        cs__buf_append(&t, json_is_true(json_object_get(sum, "complete")) ? "是" : "否（有指标缺数据，总分不含这些指标）");
    row = kv_text(b, ws, row, "数据完整", t.len ? cs__buf_str(&t) : MISSING);
    cs__buf_reset(&t);
    double peers = 0;
    if (jnum(sum, "peers", &peers) && peers > 0) cs__buf_printf(&t, "共 %.0f 个同级地区", peers);
    cs__buf scope = {0};
    cs__buf_printf(&scope, "%s内排名", jstr(sum, "rank_scope") ? jstr(sum, "rank_scope") : "全省");
    row = kv_number(b, ws, row, cs__buf_str(&scope), json_object_get(sum, "rank"), NULL, cs__buf_str(&t));
    cs__buf_free(&scope);
    cs__buf_reset(&t);
    if (jnum(sum, "peers_parent", &peers) && peers > 0) cs__buf_printf(&t, "共 %.0f 个", peers);
    cs__buf label = {0};
    cs__buf_printf(&label, "%s内排名", jstr(sum, "parent_name") ? jstr(sum, "parent_name") : "上级地区");
    /* a city's parent is the province: its rank there is the one above */
    double r1 = 0, r2 = 0, p1 = 0, p2 = 0;
    int same_scope = jnum(sum, "rank", &r1) && jnum(sum, "rank_parent", &r2) && jnum(sum, "peers", &p1) &&
                     jnum(sum, "peers_parent", &p2) && r1 == r2 && p1 == p2;
    if (!same_scope && (json_is_number(json_object_get(sum, "rank_parent")) || jstr(sum, "parent_name")))
        row = kv_number(b, ws, row, cs__buf_str(&label), json_object_get(sum, "rank_parent"), NULL, cs__buf_str(&t));
    cs__buf_free(&label);
    const json_t *next = json_object_get(sum, "next_rating");
    if (json_is_object(next)) {
        cs__buf_reset(&t);
        double min;
        cs__buf_printf(&t, "%s", jstr(next, "name") ? jstr(next, "name") : "");
        if (jnum(next, "min_total", &min)) {
            cs__buf_append(&t, "（不低于 ");
            cs__buf_number(&t, min, 2);
            cs__buf_append(&t, " 分）");
        }
        row = kv_text(b, ws, row, "下一星级", cs__buf_str(&t));
        row = kv_number(b, ws, row, "距下一星级还差", json_object_get(next, "points_short"), NULL, "分");
    } else {
        row = kv_text(b, ws, row, "下一星级", json_is_number(json_object_get(sum, "total")) ? "已达最高星级" : MISSING);
    }
    row = kv_number(b, ws, row, "计分指标数", json_object_get(sum, "indicators"), NULL, "项");
    row = kv_number(b, ws, row, "满分指标", json_object_get(sum, "at_full_marks"), NULL, "项");
    row = kv_number(b, ws, row, "未满分指标", json_object_get(sum, "below_full_marks"), NULL, "项");
    row = kv_number(b, ws, row, "缺数据指标", json_object_get(sum, "missing"), NULL, "项");
    row = kv_text(b, ws, row, "总分说明", jstr(sum, "explanation"));
    cs__buf_reset(&t);
    applied_adjustments(json_object_get(score, "adjustments"), &t);
    row = kv_text(b, ws, row, "扣分与一票否决", cs__buf_str(&t));
    row++;

    /* points by 一级指标, with a bar chart beside the table */
    const json_t *groups = json_object_get(doc, "groups");
    row = section(b, ws, row, "一级指标得分");
    static const column gcols[] = {{"一级指标", 22, 22, 0}, {"得分", 14, 14, 0},     {"满分", 14, 14, 0},
                                   {"得分率", 14, 14, 0},  {"指标数", 14, 14, 0}, {"缺数据指标", 14, 14, 0}};
    table tb;
    table_begin(&tb, b, ws, row, 0, gcols, 6);
    lxw_row_t gfirst = tb.row;
    size_t ngroups = 0;
    for (size_t k = 0; k < json_array_size(groups); k++) {
        const json_t *g = json_array_get(groups, k);
        double p, m, n = 0, miss = 0;
        jnum(g, "indicators", &n);
        jnum(g, "missing", &miss);
        if (n <= 0 && jnum(g, "max_points", &m) && m == 0) continue; /* a group of penalties and vetoes only */
        cell_text(&tb, 0, jstr(g, "name") ? jstr(g, "name") : jstr(g, "code"));
        cell_number(&tb, 1, json_object_get(g, "points"), miss > 0 && miss < n ? b->partial : NULL);
        cell_number(&tb, 2, json_object_get(g, "max_points"), NULL);
        if (jnum(g, "points", &p) && jnum(g, "max_points", &m) && m > 0 && !(n > 0 && miss >= n)) {
            json_t *share = json_real(p / m);
            cell_number(&tb, 3, share, b->percent);
            json_decref(share);
        } else {
            cell_text(&tb, 3, "—");
        }
        cell_int(&tb, 4, n);
        cell_int(&tb, 5, miss);
        tb.row++;
        ngroups++;
    }
    lxw_row_t glast = tb.row - 1;
    row = table_end(&tb, 0, NULL);
    if (ngroups > 0) {
        lxw_chart *ch = workbook_add_chart(b->wb, LXW_CHART_BAR);
        lxw_chart_series *s1 = chart_add_series(ch, NULL, NULL), *s2 = chart_add_series(ch, NULL, NULL);
        chart_series_set_categories(s1, "概要", gfirst, 0, glast, 0);
        chart_series_set_values(s1, "概要", gfirst, 1, glast, 1);
        chart_series_set_name(s1, "得分");
        chart_series_set_labels(s1);
        chart_series_set_categories(s2, "概要", gfirst, 0, glast, 0);
        chart_series_set_values(s2, "概要", gfirst, 2, glast, 2);
        chart_series_set_name(s2, "满分");
        lxw_chart_fill f1 = {.color = 0x2F75B5}, f2 = {.color = 0xD9D9D9};
        chart_series_set_fill(s1, &f1);
        chart_series_set_fill(s2, &f2);
        chart_title_set_name(ch, "一级指标得分");
        /* in a bar chart the x axis is the horizontal (value) one */
        chart_axis_set_name(ch->x_axis, "分");
        chart_axis_set_reverse(ch->y_axis); /* the first group at the top, as in the table */
        chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
        lxw_chart_options opt = {.x_offset = 8, .x_scale = 1.1, .y_scale = 1.1};
        keep_error(b, worksheet_insert_chart_opt(ws, score_row, 7, ch, &opt));
    }
    lxw_row_t history_row = row + 1;
    row++;

    /* the total over the years, with a line chart */
    const json_t *hist = json_object_get(doc, "history");
    row = section(b, ws, row, "历年总分");
    static const column hcols[] = {{"年度", 22, 22, 0}, {"总分", 14, 14, 0}, {"星级", 14, 14, 0}};
    table_begin(&tb, b, ws, row, 0, hcols, 3);
    lxw_row_t hfirst = tb.row;
    int any_missing = 0;
    for (size_t k = 0; k < json_array_size(hist); k++) {
        const json_t *h = json_array_get(hist, k);
        cell_text(&tb, 0, jstr(h, "period"));
        cell_number(&tb, 1, json_object_get(h, "total"), NULL);
        cell_text(&tb, 2, rating_text(h, "total"));
        if (!json_is_number(json_object_get(h, "total"))) any_missing = 1;
        tb.row++;
    }
    lxw_row_t hlast = tb.row - 1;
    row = table_end(&tb, 0, NULL);
    /* a chart reading 缺数据 as a figure would draw 0: it reads a hidden column with blanks instead */
    lxw_col_t vcol = 1;
    if (any_missing && hlast >= hfirst) {
        vcol = 6;
        for (lxw_row_t r = hfirst; r <= hlast; r++) {
            const json_t *v = json_object_get(json_array_get(hist, r - hfirst), "total");
            if (json_is_number(v)) keep_error(b, worksheet_write_number(ws, r, vcol, json_number_value(v), NULL));
        }
        lxw_row_col_options hidden = {.hidden = 1};
        keep_error(b, worksheet_set_column_opt(ws, 6, 6, 3, NULL, &hidden));
    }
    if (hlast >= hfirst) {
        lxw_chart *ch = workbook_add_chart(b->wb, hlast - hfirst >= 2 ? LXW_CHART_LINE : LXW_CHART_COLUMN);
        lxw_chart_series *s = chart_add_series(ch, NULL, NULL);
        chart_series_set_categories(s, "概要", hfirst, 0, hlast, 0);
        chart_series_set_values(s, "概要", hfirst, vcol, hlast, vcol);
        chart_series_set_name(s, "总分");
        chart_series_set_labels(s);
        chart_series_set_marker_type(s, LXW_CHART_MARKER_CIRCLE);
        chart_title_set_name(ch, "历年总分");
        chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
        double max;
        if (jnum(sum, "max_total", &max) && max > 0) {
            chart_axis_set_min(ch->y_axis, 0);
            chart_axis_set_max(ch->y_axis, max);
        }
        lxw_chart_options opt = {.x_offset = 8, .x_scale = 1.1, .y_scale = 0.9};
        lxw_row_t at = history_row - 1 > score_row + 17 ? history_row - 1 : score_row + 17;
        keep_error(b, worksheet_insert_chart_opt(ws, at, 7, ch, &opt));
        if (row < at + 14) row = at + 14;
    }
    /* the data lines go on a page of their own: the first page holds the score and the charts */
    row += 1;
    lxw_row_t breaks[] = {row, 0};
    keep_error(b, worksheet_set_h_pagebreaks(ws, breaks));
    row = section(b, ws, row, "数据");
    row = kv_number(b, ws, row, "数据版本", json_object_get(data, "as_of"), NULL, NULL);
    row = kv_text(b, ws, row, "数据 SHA-256", jstr(data, "sha256"));
    double round;
    cs__buf_reset(&t);
    if (jnum(data, "round", &round)) cs__buf_printf(&t, "评估轮次 %.0f（已关闭，含专家评审）", round);
    else cs__buf_append(&t, "当前数据（未锁定的评估轮次）");
    row = kv_text(b, ws, row, "数据口径", cs__buf_str(&t));
    row = kv_text(b, ws, row, "审核状态",
                  json_is_true(json_object_get(data, "approved_only")) ? "仅已审核或已锁定的数据" : "全部已填报数据（含未审核）");
    row = kv_text(b, ws, row, "生成时间", jstr(doc, "generated_at"));

    worksheet_freeze_panes(ws, 1, 0);
    print_setup(b, ws, 1, -1, -1);
    worksheet_activate(ws);
    cs__buf_free(&t);
}

/* Sheet 指标得分: every indicator with its figure, tier, points, next tier and explanation. */
static void region_indicators(book *b, lxw_worksheet *ws, const json_t *doc)
{
    static const column cols[] = {
        {"指标编号", 8, 10, 0},   {"一级指标", 8, 12, 0},  {"二级指标", 10, 18, 1}, {"指标名称", 14, 26, 1},
        {"数值", 10, 14, 0},      {"单位", 6, 10, 0},      {"达到档次", 8, 12, 0},  {"得分", 7, 9, 0},
        {"满分", 7, 9, 0},        {"下一档要求", 20, 40, 1}, {"牵头部门", 10, 18, 1}, {"得分说明", 30, 60, 1},
        {"专家评审", 10, 30, 1},
    };
    const int ncols = (int)(sizeof cols / sizeof *cols);
    const json_t *inds = json_object_get(json_object_get(doc, "score"), "indicators");
    cs__buf t = {0};
    lxw_row_t top = sheet_title(b, ws, doc, "指标得分");
    table tb;
    table_begin(&tb, b, ws, top, 0, cols, ncols);
    for (size_t k = 0; k < json_array_size(inds); k++) {
        const json_t *ind = json_array_get(inds, k), *group = json_object_get(ind, "group");
        const char *rule = jstr(ind, "rule"), *unit = jstr(ind, "unit");
        int monitor = rule && !strcmp(rule, "monitor"), deduction = rule && !strcmp(rule, "deduction");
        cell_text(&tb, 0, jstr(ind, "code"));
        cell_text(&tb, 1, json_string_value(json_array_get(group, 0)));
        cs__buf_reset(&t);
        for (size_t g = 1; g < json_array_size(group); g++)
            cs__buf_printf(&t, "%s%s", g > 1 ? " / " : "", json_string_value(json_array_get(group, g)) ? json_string_value(json_array_get(group, g)) : "");
        cell_text(&tb, 2, cs__buf_str(&t));
        cell_text(&tb, 3, jstr(ind, "name"));
        cell_figure(&tb, 4, json_object_get(ind, "value"), unit, json_object_get(ind, "value") != NULL);
        cell_text(&tb, 5, unit && *unit ? unit : "");
        const char *tier = jstr(ind, "tier");
        int scored = json_is_number(json_object_get(ind, "points"));
        cell_text(&tb, 6, tier ? tier : monitor ? "监测指标" : deduction ? "扣分项" : !scored ? MISSING : rule && !strcmp(rule, "tiers") ? "未达档" : "—");
        if (monitor) cell_text(&tb, 7, "不计分");
        else cell_number(&tb, 7, json_object_get(ind, "points"), NULL);
        cell_number(&tb, 8, json_object_get(ind, "max_points"), NULL);
        const json_t *nt = json_object_get(ind, "next_tier");
        cs__buf_reset(&t);
        if (json_is_object(nt)) {
            double p;
            cs__buf_printf(&t, "%s", jstr(nt, "level") ? jstr(nt, "level") : "");
            if (jnum(nt, "points", &p)) {
                cs__buf_append(&t, "（");
                cs__buf_number(&t, p, 4);
                cs__buf_append(&t, " 分）");
            }
            if (jstr(nt, "text")) cs__buf_printf(&t, "：%s", jstr(nt, "text"));
        }
        cell_text(&tb, 9, cs__buf_str(&t));
        cs__buf_reset(&t);
        join_strings(json_object_get(ind, "departments"), "、", &t);
        cell_text(&tb, 10, cs__buf_str(&t));
        cs__buf_reset(&t);
        cs__buf_printf(&t, "%s", jstr(ind, "explanation") ? jstr(ind, "explanation") : "");
        if (jstr(ind, "missing")) cs__buf_printf(&t, "%s缺数据：%s", t.len ? "\n" : "", jstr(ind, "missing"));
        cell_text(&tb, 11, cs__buf_str(&t));
        const json_t *ov = json_object_get(ind, "override");
        cs__buf_reset(&t);
        if (json_is_object(ov)) {
            cs__buf_append(&t, "专家评定 ");
            append_figure(&t, json_object_get(ov, "points"), " 分");
            cs__buf_append(&t, "（计算得分 ");
            append_figure(&t, json_object_get(ov, "computed_points"), " 分");
            cs__buf_printf(&t, "）；理由：%s", jstr(ov, "reason") ? jstr(ov, "reason") : "");
        }
        cell_text(&tb, 12, cs__buf_str(&t));
        tb.row++;
    }
    table_end(&tb, 1, NULL);
    worksheet_freeze_panes(ws, top + 1, 1);
    print_setup(b, ws, 1, (int)top, (int)top);
    cs__buf_free(&t);
}

/* Sheet 查缺补漏: what each indicator below its top tier lacks, then the upgrade plan. */
static void region_gaps(book *b, lxw_worksheet *ws, const json_t *doc)
{
    static const column cols[] = {
        {"指标编号", 8, 10, 0},  {"指标名称", 14, 26, 1}, {"现状", 20, 40, 1},     {"当前档次", 8, 10, 0},
        {"得分", 7, 9, 0},       {"满分", 7, 9, 0},       {"下一档", 8, 14, 0},    {"下一档要求", 20, 40, 1},
        {"可增加分数", 10, 12, 0}, {"还差什么", 30, 60, 1}, {"可达成", 8, 8, 0},    {"牵头部门", 10, 18, 1},
    };
    const int ncols = (int)(sizeof cols / sizeof *cols);
    const json_t *gap = json_object_get(doc, "gap"), *target = json_object_get(gap, "target");
    cs__buf t = {0};
    lxw_row_t row = sheet_title(b, ws, doc, "查缺补漏");
    cs__buf_append(&t, "现状：总分 ");
    append_figure(&t, json_object_get(gap, "total"), " 分");
    cs__buf_printf(&t, "，%s", rating_text(gap, "total"));
    if (json_is_object(target)) {
        double v;
        cs__buf_printf(&t, "；目标 %s", jstr(target, "name") ? jstr(target, "name") : "");
        if (jnum(target, "min_total", &v)) {
            cs__buf_append(&t, "（不低于 ");
            cs__buf_number(&t, v, 4);
            cs__buf_append(&t, " 分）");
        }
        if (jnum(target, "points_missing", &v)) {
            cs__buf_append(&t, "，还差 ");
            cs__buf_number(&t, v, 4);
            cs__buf_append(&t, " 分");
        }
        cs__buf t2 = {0};
        append_needs(json_object_get(target, "conditions"), &t2);
        if (t2.len) cs__buf_printf(&t, "\n星级的其他条件：\n%s", cs__buf_str(&t2));
        cs__buf_free(&t2);
    } else if (json_is_object(gap)) {
        cs__buf_append(&t, "；已达最高星级");
    } else {
        cs__buf_reset(&t);
        cs__buf_append(&t, "报告中没有查缺补漏的结果");
    }
    put_text(b, ws, row, 0, cs__buf_str(&t), NULL);
    keep_error(b, worksheet_set_row(ws, row, LINE_HEIGHT * cs__xlsx_wrapped_lines(cs__buf_str(&t), 200, 1.85), NULL));
    row += 2;

    table tb;
    lxw_row_t top = row;
    table_begin(&tb, b, ws, row, 0, cols, ncols);
    const json_t *inds = json_object_get(gap, "indicators");
    for (size_t k = 0; k < json_array_size(inds); k++) {
        const json_t *g = json_array_get(inds, k), *next = json_object_get(g, "next");
        cell_text(&tb, 0, jstr(g, "code"));
        cell_text(&tb, 1, jstr(g, "name"));
        cell_text(&tb, 2, jstr(g, "value"));
        cell_text(&tb, 3, jstr(g, "tier") ? jstr(g, "tier") : "未达档");
        cell_number(&tb, 4, json_object_get(g, "points"), NULL);
        cell_number(&tb, 5, json_object_get(g, "max_points"), NULL);
        if (json_is_object(next)) {
            cell_text(&tb, 6, jstr(next, "level") ? jstr(next, "level") : "—");
            cell_text(&tb, 7, jstr(next, "requirement"));
            cell_number(&tb, 8, json_object_get(next, "points_added"), NULL);
            cs__buf_reset(&t);
            append_needs(json_object_get(next, "needs"), &t);
            cell_text(&tb, 9, cs__buf_str(&t));
            cell_text(&tb, 10, json_is_true(json_object_get(next, "reachable")) ? "是" : "否");
        } else {
            cell_text(&tb, 6, "—");
            cell_text(&tb, 7, json_is_true(json_object_get(g, "overridden")) ? "专家已评定，不再分析" : "");
            cell_text(&tb, 8, "—");
            cell_text(&tb, 9, "");
            cell_text(&tb, 10, "—");
        }
        cs__buf_reset(&t);
        join_strings(json_object_get(g, "departments"), "、", &t);
        cell_text(&tb, 11, cs__buf_str(&t));
        tb.row++;
    }
    if (json_array_size(inds) == 0) {
        cell_text(&tb, 1, "无：所有指标均已达到最高档");
        tb.row++;
    }
    /* indicators without data and deductions taken, when there are any */
    const json_t *miss = json_object_get(gap, "missing"), *ded = json_object_get(gap, "deductions");
    for (size_t k = 0; k < json_array_size(miss); k++) {
        const json_t *m = json_array_get(miss, k);
        cell_text(&tb, 0, jstr(m, "code"));
        cell_text(&tb, 1, jstr(m, "name"));
        cell_text(&tb, 2, MISSING);
        cell_text(&tb, 3, MISSING);
        cell_text(&tb, 4, MISSING);
        cell_number(&tb, 5, json_object_get(m, "max_points"), NULL);
        cell_text(&tb, 9, jstr(m, "explanation"));
        tb.row++;
    }
    for (size_t k = 0; k < json_array_size(ded); k++) {
        const json_t *m = json_array_get(ded, k);
        cell_text(&tb, 0, jstr(m, "code"));
        cell_text(&tb, 1, jstr(m, "name"));
        cell_text(&tb, 3, "扣分项");
        cell_number(&tb, 4, json_object_get(m, "points"), NULL);
        tb.row++;
    }
    row = table_end(&tb, 1, NULL) + 1;
    double gap_widths[MAX_COLS];
    memcpy(gap_widths, tb.width, sizeof gap_widths);
    worksheet_freeze_panes(ws, top + 1, 0);

    /* the upgrade plan */
    const json_t *plan = json_object_get(doc, "plan");
    put_text(b, ws, row, 0, "升级方案", b->section);
    keep_error(b, worksheet_set_row(ws, row++, 20, NULL));
    cs__buf_reset(&t);
    if (!json_is_object(plan)) {
        cs__buf_append(&t, json_is_object(target) ? "报告中没有升级方案" : "已达最高星级，无需升级方案");
    } else {
        const char *status = jstr(plan, "status");
        const json_t *tg = json_object_get(plan, "target"), *before = json_object_get(plan, "before"),
                     *after = json_object_get(plan, "after");
        cs__buf_printf(&t, "目标：%s；", jstr(tg, "name") ? jstr(tg, "name") : "");
        cs__buf_append(&t, "现状 ");
        append_figure(&t, json_object_get(before, "total"), " 分");
        cs__buf_printf(&t, "（%s）", rating_text(before, "total"));
        if (status && !strcmp(status, "unreachable")) {
            cs__buf_printf(&t, "；无法达到：%s", jstr(plan, "reason") ? jstr(plan, "reason") : "");
        } else if (status && !strcmp(status, "already")) {
            cs__buf_append(&t, "；已达到目标星级");
        } else {
            cs__buf_append(&t, " → 升级后 ");
            append_figure(&t, json_object_get(after, "total"), " 分");
            cs__buf_printf(&t, "（%s）", rating_text(after, "total"));
            double effort;
            if (jnum(plan, "effort", &effort)) {
                cs__buf_append(&t, "；合计工作量 ");
                cs__buf_number(&t, effort, 4);
                cs__buf_printf(&t, " %s", jstr(plan, "unit") ? jstr(plan, "unit") : "");
            }
        }
    }
    put_text(b, ws, row, 0, cs__buf_str(&t), NULL);
    row += 2;
    /* the steps share the gap table's columns (and widths): alike figures sit in alike columns */
    static const column scols[] = {
        {"指标编号", 0, 0, 0}, {"指标名称", 0, 0, 1}, {"升级内容", 0, 0, 1},     {"原档次", 0, 0, 0},
        {"原得分", 0, 0, 0},   {"升级后得分", 0, 0, 0}, {"升至", 0, 0, 0},       {"需变动的数据", 0, 0, 1},
        {"增加分数", 0, 0, 0}, {"还差什么", 0, 0, 1}, {"工作量", 0, 0, 0},       {"牵头部门", 0, 0, 1},
    };
    const json_t *steps = json_object_get(plan, "steps");
    if (json_array_size(steps) > 0) {
        table_begin(&tb, b, ws, row, 0, scols, ncols);
        for (size_t k = 0; k < json_array_size(steps); k++) {
            const json_t *s = json_array_get(steps, k);
            const char *kind = jstr(s, "kind");
            int ind = !kind || !strcmp(kind, "indicator");
            cell_text(&tb, 0, jstr(s, "code"));
            cell_text(&tb, 1, jstr(s, "name"));
            cell_text(&tb, 2, ind ? "指标升档" : !strcmp(kind, "veto") ? "消除一票否决" : !strcmp(kind, "penalty") ? "消除扣分" : "满足星级条件");
            cell_text(&tb, 3, !ind ? "—" : jstr(s, "from_tier") ? jstr(s, "from_tier") : "未达档");
            if (json_object_get(s, "from_points")) cell_number(&tb, 4, json_object_get(s, "from_points"), NULL);
            else cell_text(&tb, 4, "—");
            if (json_object_get(s, "to_points")) cell_number(&tb, 5, json_object_get(s, "to_points"), NULL);
            else cell_text(&tb, 5, "—");
            cell_text(&tb, 6, ind && jstr(s, "to_tier") ? jstr(s, "to_tier") : "—");
            cs__buf_reset(&t);
            append_changes(json_object_get(s, "changes"), &t);
            cell_text(&tb, 7, cs__buf_str(&t));
            if (json_object_get(s, "points_added")) cell_number(&tb, 8, json_object_get(s, "points_added"), NULL);
            else cell_text(&tb, 8, "—");
            cs__buf_reset(&t);
            append_needs(json_object_get(s, "needs"), &t);
            cell_text(&tb, 9, cs__buf_str(&t));
            cell_number(&tb, 10, json_object_get(s, "effort"), NULL);
            cs__buf_reset(&t);
            join_strings(json_object_get(s, "departments"), "、", &t);
            cell_text(&tb, 11, cs__buf_str(&t));
            tb.row++;
        }
        table_end(&tb, 0, gap_widths);
    }
    print_setup(b, ws, 1, (int)top, (int)top);
    cs__buf_free(&t);
}

/* Sheet 数据来源: every stored figure with where it came from. */
static void region_sources(book *b, lxw_worksheet *ws, const json_t *doc)
{
    static const column cols[] = {
        {"数据项编号", 12, 36, 0}, {"数据项名称", 16, 40, 1}, {"数值", 10, 14, 0},   {"单位", 6, 8, 0},
        {"显示值", 10, 20, 0},     {"状态", 8, 10, 0},        {"来源类型", 8, 10, 0}, {"来源", 14, 36, 1},
        {"行号", 6, 8, 0},         {"填报人", 10, 16, 0},     {"时间", 12, 22, 0},   {"版本", 8, 10, 0},
        {"相关指标", 10, 20, 1},   {"备注", 12, 30, 1},
    };
    static const char *const states[][2] = {{"draft", "填报"}, {"submitted", "已提交"}, {"approved", "已审核"},
                                           {"returned", "已退回"}, {"locked", "已锁定"}};
    const int ncols = (int)(sizeof cols / sizeof *cols);
    const json_t *src = json_object_get(doc, "sources");
    cs__buf t = {0};
    lxw_row_t top = sheet_title(b, ws, doc, "数据来源");
    table tb;
    table_begin(&tb, b, ws, top, 0, cols, ncols);
    for (size_t k = 0; k < json_array_size(src); k++) {
        const json_t *s = json_array_get(src, k);
        const char *unit = jstr(s, "unit"), *text = jstr(s, "text"), *state = jstr(s, "state");
        const json_t *v = json_object_get(s, "value");
        cell_text(&tb, 0, jstr(s, "element"));
        cell_text(&tb, 1, jstr(s, "name"));
        /* a yes/no figure (no unit, shown as 是/否) is written as such, every other as a number */
        const char *type = jstr(src, "type");
        if (json_is_number(v) && ((type && !strcmp(type, "boolean")) || (!type && (!unit || !*unit) && text && (!strcmp(text, "是") || !strcmp(text, "否")))))
            cell_text(&tb, 2, json_number_value(v) != 0 ? "是" : "否");
        else cell_figure(&tb, 2, v, unit, 1);
        cell_text(&tb, 3, unit);
        cell_text(&tb, 4, text);
        const char *st = state;
        for (size_t q = 0; state && q < sizeof states / sizeof *states; q++)
            if (!strcmp(state, states[q][0])) st = states[q][1];
        cell_text(&tb, 5, st);
        cell_text(&tb, 6, jstr(s, "source_kind"));
        cell_text(&tb, 7, jstr(s, "source_name"));
        if (json_is_number(json_object_get(s, "source_row"))) cell_number(&tb, 8, json_object_get(s, "source_row"), NULL);
        else cell_text(&tb, 8, "");
        cell_text(&tb, 9, jstr(s, "actor"));
        cell_text(&tb, 10, jstr(s, "at"));
        cell_number(&tb, 11, json_object_get(s, "revision"), NULL);
        cs__buf_reset(&t);
        join_strings(json_object_get(s, "indicators"), "、", &t);
        cell_text(&tb, 12, cs__buf_str(&t));
        cell_text(&tb, 13, jstr(s, "note"));
        tb.row++;
    }
    if (json_array_size(src) == 0) {
        cell_text(&tb, 0, "无");
        tb.row++;
    }
    table_end(&tb, 1, NULL);
    worksheet_freeze_panes(ws, top + 1, 1);
    print_setup(b, ws, 1, (int)top, (int)top);
    cs__buf_free(&t);
}

/* Sheet 佐证材料: the evidence files, a row 无 when there are none. */
static void region_evidence(book *b, lxw_worksheet *ws, const json_t *doc)
{
    static const column cols[] = {
        {"编号", 6, 8, 0},       {"文件名", 16, 36, 1}, {"类型", 10, 24, 0},      {"大小（字节）", 12, 14, 0},
        {"SHA-256", 20, 66, 0}, {"数据项", 12, 30, 0}, {"数据项名称", 16, 36, 1}, {"指标", 6, 8, 0},
        {"上传人", 10, 16, 0},   {"时间", 12, 22, 0},   {"说明", 12, 30, 1},
    };
    const int ncols = (int)(sizeof cols / sizeof *cols);
    const json_t *ev = json_object_get(doc, "evidence");
    lxw_row_t top = sheet_title(b, ws, doc, "佐证材料");
    table tb;
    table_begin(&tb, b, ws, top, 0, cols, ncols);
    for (size_t k = 0; k < json_array_size(ev); k++) {
        const json_t *e = json_array_get(ev, k);
        cell_number(&tb, 0, json_object_get(e, "id"), NULL);
        cell_text(&tb, 1, jstr(e, "file_name"));
        cell_text(&tb, 2, jstr(e, "media_type"));
        cell_number(&tb, 3, json_object_get(e, "size"), NULL);
        cell_text(&tb, 4, jstr(e, "sha256"));
        cell_text(&tb, 5, jstr(e, "element"));
        cell_text(&tb, 6, jstr(e, "element_name"));
        cell_text(&tb, 7, jstr(e, "indicator"));
        cell_text(&tb, 8, jstr(e, "actor"));
        cell_text(&tb, 9, jstr(e, "at"));
        cell_text(&tb, 10, jstr(e, "note"));
        tb.row++;
    }
    if (json_array_size(ev) == 0) {
        cell_text(&tb, 0, "无");
        cell_text(&tb, 1, "未上传佐证材料");
        tb.row++;
    }
    table_end(&tb, 1, NULL);
    worksheet_freeze_panes(ws, top + 1, 0);
    print_setup(b, ws, 1, (int)top, (int)top);
}

/* ---- Summary report --------------------------------------------------------------------------- */

/* Sheet 排名: the regions ranked, with their points per 一级指标. */
static void summary_ranking(book *b, lxw_worksheet *ws, const json_t *doc)
{
    const json_t *groups = json_object_get(doc, "groups"), *rows = json_object_get(doc, "rows");
    int prev = jstr(doc, "previous_period") != NULL;
    column cols[MAX_COLS];
    char *titles[MAX_COLS] = {0};
    int n = 0;
    static const column head[] = {{"排名", 6, 8, 0}, {"地区代码", 10, 12, 0}, {"地区", 10, 24, 0}, {"总分", 8, 10, 0},
                                  {"星级", 8, 16, 0}};
    for (size_t k = 0; k < sizeof head / sizeof *head; k++) cols[n++] = head[k];
    int c_prev = -1;
    if (prev) {
        c_prev = n;
        cols[n++] = (column){"较上年变化", 10, 12, 0};
        cols[n++] = (column){"上年总分", 10, 12, 0};
        cols[n++] = (column){"上年星级", 10, 16, 0};
    }
    int c_groups = n, ng = 0;
    for (size_t g = 0; g < json_array_size(groups) && n < MAX_COLS - 3; g++, ng++) {
        const json_t *gr = json_array_get(groups, g);
        cs__buf t = {0};
        double m;
        cs__buf_printf(&t, "%s", jstr(gr, "name") ? jstr(gr, "name") : jstr(gr, "code") ? jstr(gr, "code") : "");
        if (jnum(gr, "max_points", &m)) {
            cs__buf_append(&t, "（");
            cs__buf_number(&t, m, 4);
            cs__buf_append(&t, "）");
        }
        titles[n] = cs__xstrdup(cs__buf_str(&t));
        cs__buf_free(&t);
        cols[n] = (column){titles[n], 8, 16, 0};
        n++;
    }
    int c_tail = n;
    cols[n++] = (column){"数据完整", 8, 10, 0};
    cols[n++] = (column){"缺数据指标", 10, 20, 1};
    cols[n++] = (column){"扣分与一票否决", 14, 40, 1};

    cs__buf t = {0};
    lxw_row_t top = sheet_title(b, ws, doc, "排名");
    cs__buf_printf(&t, "%s下辖%s按总分排名（总分相同者并列）", jstr(json_object_get(doc, "region"), "name") ? jstr(json_object_get(doc, "region"), "name") : "",
                   level_name(jstr(doc, "level")));
    if (prev) cs__buf_printf(&t, "；上年为 %s 年度", jstr(doc, "previous_period"));
    cs__buf_append(&t, "；红色斜体的一级指标得分只合计了有数据的指标（有指标缺数据）");
    put_text(b, ws, top - 1, 0, cs__buf_str(&t), NULL);
    table tb;
    table_begin(&tb, b, ws, top, 0, cols, n);
    for (size_t k = 0; k < json_array_size(rows); k++) {
        const json_t *r = json_array_get(rows, k), *rg = json_object_get(r, "groups");
        if (json_is_number(json_object_get(r, "rank"))) cell_number(&tb, 0, json_object_get(r, "rank"), NULL);
        else cell_text(&tb, 0, "未排名");
        cell_text(&tb, 1, jstr(r, "code"));
        cell_text(&tb, 2, jstr(r, "name"));
        cell_number(&tb, 3, json_object_get(r, "total"), NULL);
        cell_text(&tb, 4, rating_text(r, "total"));
        if (prev) {
            cell_number(&tb, c_prev, json_object_get(r, "change"), b->signed_number);
            cell_number(&tb, c_prev + 1, json_object_get(r, "previous"), NULL);
            const char *pr = jstr(r, "previous_rating");
            cell_text(&tb, c_prev + 2, pr ? pr : json_is_number(json_object_get(r, "previous")) ? "未达到星级" : MISSING);
        }
        for (int g = 0; g < ng; g++) {
            const char *code = jstr(json_array_get(groups, (size_t)g), "code");
            const json_t *found = NULL;
            for (size_t q = 0; code && q < json_array_size(rg); q++)
                if (jstr(json_array_get(rg, q), "code") && !strcmp(jstr(json_array_get(rg, q), "code"), code)) found = json_array_get(rg, q);
            double ni = 0, nm = 0;
            jnum(found, "indicators", &ni);
            jnum(found, "missing", &nm);
            cell_number(&tb, c_groups + g, json_object_get(found, "points"), nm > 0 && nm < ni ? b->partial : NULL);
        }
        const json_t *complete = json_object_get(r, "complete");
        cell_text(&tb, c_tail, json_is_true(complete) ? "是" : json_is_false(complete) ? "否" : MISSING);
        cs__buf_reset(&t);
        join_strings(json_object_get(r, "missing_indicators"), "、", &t);
        cell_text(&tb, c_tail + 1, cs__buf_str(&t));
        cs__buf_reset(&t);
        const json_t *adjs = json_object_get(r, "adjustments_applied");
        if (json_array_size(adjs)) applied_adjustments(adjs, &t);
        cell_text(&tb, c_tail + 2, cs__buf_str(&t));
        tb.row++;
    }
    table_end(&tb, 1, NULL);
    worksheet_freeze_panes(ws, top + 1, 3);
    print_setup(b, ws, 1, (int)top, (int)top);
    worksheet_activate(ws);
    for (int k = 0; k < MAX_COLS; k++) free(titles[k]);
    cs__buf_free(&t);
}

/* Sheet 概况: figures across the regions, the star-level distribution with a chart. */
static void summary_overview(book *b, lxw_worksheet *ws, const json_t *doc)
{
    const json_t *fw = json_object_get(doc, "framework"), *region = json_object_get(doc, "region");
    const json_t *stats = json_object_get(doc, "stats"), *data = json_object_get(doc, "data");
    static const double widths[] = {22, 14, 14, 14, 14, 14};
    for (int c = 0; c < 6; c++) keep_error(b, worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, widths[c], NULL));
    cs__buf t = {0};
    lxw_row_t row = sheet_title(b, ws, doc, "概况");
    row = section(b, ws, row, "基本情况");
    cs__buf_printf(&t, "%s（%s）", jstr(region, "path") ? jstr(region, "path") : jstr(region, "name") ? jstr(region, "name") : "",
                   jstr(region, "code") ? jstr(region, "code") : "");
    row = kv_text(b, ws, row, "地区", cs__buf_str(&t));
    row = kv_text(b, ws, row, "排名范围", level_name(jstr(doc, "level")));
    cs__buf_reset(&t);
    cs__buf_printf(&t, "%s（%s）", jstr(fw, "title") ? jstr(fw, "title") : "", jstr(fw, "id") ? jstr(fw, "id") : "");
    row = kv_text(b, ws, row, "评价指标体系", cs__buf_str(&t));
    row = kv_text(b, ws, row, "评估年度", jstr(doc, "period"));
    if (jstr(doc, "previous_period")) row = kv_text(b, ws, row, "对比年度", jstr(doc, "previous_period"));
    row = kv_number(b, ws, row, "数据版本", json_object_get(data, "as_of"), NULL, NULL);
    row = kv_text(b, ws, row, "数据 SHA-256", jstr(data, "sha256"));
    row = kv_text(b, ws, row, "审核状态",
                  json_is_true(json_object_get(data, "approved_only")) ? "仅已审核或已锁定的数据" : "全部已填报数据（含未审核）");
    row = kv_text(b, ws, row, "生成时间", jstr(doc, "generated_at"));
    row++;

    row = section(b, ws, row, "总体情况");
    row = kv_number(b, ws, row, "地区数", json_object_get(stats, "regions"), NULL, "个");
    row = kv_number(b, ws, row, "已计分", json_object_get(stats, "scored"), NULL, "个");
    double scored = 0;
    int has_scored = jnum(stats, "scored", &scored) && scored > 0;
    row = kv_number(b, ws, row, "平均分", has_scored ? json_object_get(stats, "mean") : NULL, b->kv_mean, "分");
    row = kv_number(b, ws, row, "最高分", has_scored ? json_object_get(stats, "max") : NULL, NULL, "分");
    row = kv_number(b, ws, row, "最低分", has_scored ? json_object_get(stats, "min") : NULL, NULL, "分");
    row++;

    double regions = 0;
    jnum(stats, "regions", &regions);
    static const column dcols[] = {{"星级", 22, 22, 0}, {"地区数", 14, 14, 0}, {"占比", 14, 14, 0}};
    row = section(b, ws, row, "星级分布");
    table tb;
    table_begin(&tb, b, ws, row, 0, dcols, 3);
    lxw_row_t dfirst = tb.row;
    const json_t *dist = json_object_get(doc, "distribution");
    for (size_t k = 0; k < json_array_size(dist); k++) {
        const json_t *d = json_array_get(dist, k);
        double c = 0;
        cell_text(&tb, 0, jstr(d, "rating"));
        cell_number(&tb, 1, json_object_get(d, "count"), NULL);
        if (jnum(d, "count", &c) && regions > 0) {
            json_t *share = json_real(c / regions);
            cell_number(&tb, 2, share, b->percent);
            json_decref(share);
        } else {
            cell_text(&tb, 2, "—");
        }
        tb.row++;
    }
    lxw_row_t dlast = tb.row - 1;
    row = table_end(&tb, 0, NULL);
    if (dlast >= dfirst) {
        lxw_chart *ch = workbook_add_chart(b->wb, LXW_CHART_COLUMN);
        lxw_chart_series *s = chart_add_series(ch, NULL, NULL);
        chart_series_set_categories(s, "概况", dfirst, 0, dlast, 0);
        chart_series_set_values(s, "概况", dfirst, 1, dlast, 1);
        chart_series_set_name(s, "地区数");
        chart_series_set_labels(s);
        lxw_chart_fill f = {.color = 0x2F75B5};
        chart_series_set_fill(s, &f);
        chart_title_set_name(ch, "星级分布");
        chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
        chart_axis_set_name(ch->y_axis, "地区数");
        chart_axis_set_min(ch->y_axis, 0);
        lxw_chart_options opt = {.x_offset = 8, .x_scale = 1.1, .y_scale = 1.0};
        keep_error(b, worksheet_insert_chart_opt(ws, dfirst - 2, 7, ch, &opt));
        if (row < dfirst + 14) row = dfirst + 14;
    }
    row++;

    static const column acols[] = {{"星级及以上", 22, 22, 0}, {"地区数", 14, 14, 0}, {"占比", 14, 14, 0}};
    row = section(b, ws, row, "达到各星级及以上的地区");
    table_begin(&tb, b, ws, row, 0, acols, 3);
    const json_t *above = json_object_get(stats, "at_or_above");
    for (size_t k = 0; k < json_array_size(above); k++) {
        const json_t *d = json_array_get(above, k);
        double c = 0;
        cs__buf_reset(&t);
        cs__buf_printf(&t, "%s及以上", jstr(d, "rating") ? jstr(d, "rating") : "");
        cell_text(&tb, 0, cs__buf_str(&t));
        cell_number(&tb, 1, json_object_get(d, "count"), NULL);
        if (jnum(d, "count", &c) && regions > 0) {
            json_t *share = json_real(c / regions);
            cell_number(&tb, 2, share, b->percent);
            json_decref(share);
        } else {
            cell_text(&tb, 2, "—");
        }
        tb.row++;
    }
    table_end(&tb, 0, NULL);
    worksheet_freeze_panes(ws, 1, 0);
    print_setup(b, ws, 0, -1, -1);
    cs__buf_free(&t);
}

/* ---- The workbook ----------------------------------------------------------------------------- */

/* The formats every sheet shares: bordered cells, headers, percentages, 缺数据 in red. */
static void formats_make(book *b)
{
    lxw_workbook *wb = b->wb;
    lxw_format **cells[] = {&b->header, &b->text, &b->wrap, &b->number, &b->percent, &b->signed_number, &b->missing, &b->partial};
    for (size_t k = 0; k < sizeof cells / sizeof *cells; k++) {
        lxw_format *x = *cells[k] = workbook_add_format(wb);
        format_set_border(x, LXW_BORDER_THIN);
        format_set_border_color(x, 0xBFBFBF);
        format_set_align(x, LXW_ALIGN_VERTICAL_TOP);
    }
    format_set_bold(b->header);
    format_set_bg_color(b->header, 0xDDEBF7);
    format_set_align(b->header, LXW_ALIGN_CENTER);
    format_set_align(b->header, LXW_ALIGN_VERTICAL_CENTER);
    format_set_text_wrap(b->header);
    format_set_text_wrap(b->wrap);
    format_set_num_format(b->percent, "0.00%");
    format_set_num_format(b->signed_number, "+General;-General;0");
    format_set_font_color(b->missing, 0xC00000);
    format_set_font_color(b->partial, 0xC00000);
    format_set_italic(b->partial);

    b->title = workbook_add_format(wb);
    format_set_bold(b->title);
    format_set_font_size(b->title, 16);
    b->subtitle = workbook_add_format(wb);
    format_set_font_color(b->subtitle, 0x595959);
    b->section = workbook_add_format(wb);
    format_set_bold(b->section);
    format_set_font_size(b->section, 13);
    format_set_font_color(b->section, 0x1F4E79);
    b->label = workbook_add_format(wb);
    format_set_bold(b->label);
    format_set_align(b->label, LXW_ALIGN_VERTICAL_TOP);
    format_set_bg_color(b->label, 0xF2F2F2);
    format_set_border(b->label, LXW_BORDER_THIN);
    format_set_border_color(b->label, 0xBFBFBF);
    b->kv_wrap = workbook_add_format(wb);
    format_set_text_wrap(b->kv_wrap);
    format_set_align(b->kv_wrap, LXW_ALIGN_VERTICAL_TOP);
    format_set_align(b->kv_wrap, LXW_ALIGN_LEFT);
    format_set_border(b->kv_wrap, LXW_BORDER_THIN);
    format_set_border_color(b->kv_wrap, 0xBFBFBF);
    b->kv_number = workbook_add_format(wb);
    format_set_align(b->kv_number, LXW_ALIGN_LEFT);
    format_set_align(b->kv_number, LXW_ALIGN_VERTICAL_TOP);
    format_set_border(b->kv_number, LXW_BORDER_THIN);
    format_set_border_color(b->kv_number, 0xBFBFBF);
    format_set_bold(b->kv_number);
    b->kv_mean = workbook_add_format(wb);
    format_set_align(b->kv_mean, LXW_ALIGN_LEFT);
    format_set_align(b->kv_mean, LXW_ALIGN_VERTICAL_TOP);
    format_set_border(b->kv_mean, LXW_BORDER_THIN);
    format_set_border_color(b->kv_mean, 0xBFBFBF);
    format_set_bold(b->kv_mean);
    format_set_num_format(b->kv_mean, "0.00");
}

/* Checks that the document has what every sheet starts from; CS_EDATA naming the field if not. */
static cs_status check_doc(const json_t *doc, const char *path, cs_diag *diag)
{
    const char *field = !json_is_object(doc)                                  ? "(document)"
                        : !jstr(doc, "kind")                                  ? "kind"
                        : !json_is_object(json_object_get(doc, "framework"))   ? "framework"
                        : !json_is_object(json_object_get(doc, "region"))      ? "region"
                                                                              : NULL;
    if (field) {
        cs__diag_add(diag, CS__ERROR, path, 0, 0, "报告文档缺少字段 %s / the report document lacks the field %s", field, field);
        return CS_EDATA;
    }
    const char *kind = jstr(doc, "kind");
    if (strcmp(kind, "region") && strcmp(kind, "summary")) {
        cs__diag_add(diag, CS__ERROR, path, 0, 0, "未知的报告类型“%s” / unknown report kind '%s'", kind, kind);
        return CS_EDATA;
    }
    return CS_OK;
}

cs_status cs__report_xlsx(const json_t *doc, const char *path, cs_diag *diag)
{
    cs_status rc = check_doc(doc, path, diag);
    if (rc != CS_OK) return rc;
    book b = {0};
    cs__buf tmp = {0}, title = {0};
    /* written next to path and renamed into place, so that a failure leaves no partial file */
    cs__buf_printf(&tmp, "%s.tmp", path);
    b.wb = workbook_new(cs__buf_str(&tmp));
    if (!b.wb) {
        b.err = LXW_ERROR_MEMORY_MALLOC_FAILED;
        goto out;
    }
    formats_make(&b);
    const json_t *region = json_object_get(doc, "region");
    cs__buf_printf(&title, "%s — %s %s 年度", jstr(doc, "title") ? jstr(doc, "title") : "评估报告",
                   jstr(region, "name") ? jstr(region, "name") : jstr(region, "code") ? jstr(region, "code") : "",
                   jstr(doc, "period") ? jstr(doc, "period") : "");
    lxw_doc_properties props = {.title = (char *)clean(&b, cs__buf_str(&title)),
                                .subject = (char *)(jstr(json_object_get(doc, "framework"), "title") ? jstr(json_object_get(doc, "framework"), "title") : ""),
                                .author = "citystar",
                                .comments = "citystar report"};
    cs__buf_reset(&title);
    cs__buf_append(&title, props.title);
    props.title = (char *)cs__buf_str(&title);
    keep_error(&b, workbook_set_properties(b.wb, &props));

    if (!strcmp(jstr(doc, "kind"), "region")) {
        static const char *const names[] = {"概要", "指标得分", "查缺补漏", "数据来源", "佐证材料"};
        lxw_worksheet *ws[5];
        for (int k = 0; k < 5; k++)
            if (!(ws[k] = workbook_add_worksheet(b.wb, names[k]))) keep_error(&b, LXW_ERROR_PARAMETER_VALIDATION);
        if (b.err == LXW_NO_ERROR) {
            region_overview(&b, ws[0], doc);
            region_indicators(&b, ws[1], doc);
            region_gaps(&b, ws[2], doc);
            region_sources(&b, ws[3], doc);
            region_evidence(&b, ws[4], doc);
        }
    } else {
        lxw_worksheet *ranking = workbook_add_worksheet(b.wb, "排名"), *overview = workbook_add_worksheet(b.wb, "概况");
        if (!ranking || !overview) keep_error(&b, LXW_ERROR_PARAMETER_VALIDATION);
        else {
            summary_ranking(&b, ranking, doc);
            summary_overview(&b, overview, doc);
        }
    }
    keep_error(&b, workbook_close(b.wb));
out:
    if (b.err != LXW_NO_ERROR) {
        cs__diag_add(diag, CS__ERROR, path, 0, 0, "无法写入 XLSX 报告：%s / cannot write the XLSX report: %s", lxw_strerror(b.err),
                     lxw_strerror(b.err));
        rc = b.err == LXW_ERROR_MEMORY_MALLOC_FAILED ? CS_ENOMEM : CS_EIO;
        remove(cs__buf_str(&tmp));
    } else if (rename(cs__buf_str(&tmp), path) != 0) {
        cs__diag_add(diag, CS__ERROR, path, 0, 0, "无法写入 XLSX 报告：%s / cannot write the XLSX report: %s", strerror(errno),
                     strerror(errno));
        rc = CS_EIO;
        remove(cs__buf_str(&tmp));
    }
    cs__buf_free(&b.scratch);
    cs__buf_free(&tmp);
    cs__buf_free(&title);
    return rc;
}
