/*
 * report_pdf_draw.c — the drawing primitives of the PDF report (report_pdf.h): the A4 page cursor
 * with its header line and page footer, text and paragraphs laid out by pango in Noto CJK, tables
 * that repeat their header row after a page break, and bar charts drawn with cairo.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/report_pdf.h"

#define SANS_FAMILY "Noto Sans CJK SC"
#define SERIF_FAMILY "Noto Serif CJK SC"
#define CELL_PAD 3.0

static void set_rgb(cairo_t *cr, uint32_t rgb)
{
    cairo_set_source_rgb(cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0, (rgb & 0xff) / 255.0);
}

/* Lays text out in the shared layout: face, size, wrap width (0 = none) and alignment. */
static PangoLayout *layout_text(cs__pdf *p, const char *text, cs__pdf_face face, double size, double width,
                                cs__pdf_align align)
{
    PangoFontDescription *d = p->faces[face];
    pango_font_description_set_absolute_size(d, size * PANGO_SCALE);
    pango_layout_set_font_description(p->layout, d);
    pango_layout_set_width(p->layout, width > 0 ? (int)(width * PANGO_SCALE) : -1);
    pango_layout_set_alignment(p->layout, align == CS__ALIGN_CENTER  ? PANGO_ALIGN_CENTER
                                          : align == CS__ALIGN_RIGHT ? PANGO_ALIGN_RIGHT
                                                                     : PANGO_ALIGN_LEFT);
    pango_layout_set_text(p->layout, text ? text : "", -1);
    return p->layout;
}

double cs__pdf_text_height(cs__pdf *p, const char *text, cs__pdf_face face, double size, double width)
{
    int w, h;
    pango_layout_get_size(layout_text(p, text, face, size, width, CS__ALIGN_LEFT), &w, &h);
    return (double)h / PANGO_SCALE;
}

double cs__pdf_text_width(cs__pdf *p, const char *text, cs__pdf_face face, double size)
{
    int w, h;
    pango_layout_get_size(layout_text(p, text, face, size, 0, CS__ALIGN_LEFT), &w, &h);
    return (double)w / PANGO_SCALE;
}

double cs__pdf_text(cs__pdf *p, double x, double y, double width, const char *text, cs__pdf_face face,
                    double size, cs__pdf_align align, uint32_t rgb)
{
    PangoLayout *l = layout_text(p, text, face, size, width, align);
    int w, h;
    pango_layout_get_size(l, &w, &h);
    if (width <= 0 && align != CS__ALIGN_LEFT) {
        /* unbounded text is placed by x: its centre or its right end */
        x -= align == CS__ALIGN_CENTER ? (double)w / PANGO_SCALE / 2 : (double)w / PANGO_SCALE;
    }
    set_rgb(p->cr, rgb);
    cairo_move_to(p->cr, x, y);
    pango_cairo_show_layout(p->cr, l);
    return (double)h / PANGO_SCALE;
}

void cs__pdf_fill_rect(cs__pdf *p, double x, double y, double w, double h, uint32_t rgb)
{
    set_rgb(p->cr, rgb);
    cairo_rectangle(p->cr, x, y, w, h);
    cairo_fill(p->cr);
}

void cs__pdf_stroke_rect(cs__pdf *p, double x, double y, double w, double h, double line, uint32_t rgb)
{
    set_rgb(p->cr, rgb);
    cairo_set_line_width(p->cr, line);
    cairo_rectangle(p->cr, x, y, w, h);
    cairo_stroke(p->cr);
}

void cs__pdf_line(cs__pdf *p, double x0, double y0, double x1, double y1, double line, uint32_t rgb)
{
    set_rgb(p->cr, rgb);
    cairo_set_line_width(p->cr, line);
    cairo_move_to(p->cr, x0, y0);
    cairo_line_to(p->cr, x1, y1);
    cairo_stroke(p->cr);
}

/* The header line and the footer of the current page. */
static void page_decor(cs__pdf *p)
{
    cs__pdf_text(p, CS__PDF_LEFT, 34, CS__PDF_WIDTH, p->header, CS__SANS, 8.5, CS__ALIGN_LEFT, CS__GREY);
    cs__pdf_line(p, CS__PDF_LEFT, 50, CS__PDF_RIGHT, 50, 0.8, CS__NAVY);
    cs__pdf_line(p, CS__PDF_LEFT, CS__PDF_H - 50, CS__PDF_RIGHT, CS__PDF_H - 50, 0.4, 0x999999U);
    char foot[64];
    if (p->pages > 0) snprintf(foot, sizeof foot, "第 %d 页 共 %d 页", p->page, p->pages);
    else snprintf(foot, sizeof foot, "第 %d 页", p->page);
    cs__pdf_text(p, CS__PDF_W / 2, CS__PDF_H - 44, 0, foot, CS__SANS, 8.5, CS__ALIGN_CENTER, CS__GREY);
    p->y = CS__PDF_TOP;
}

void cs__pdf_begin(cs__pdf *p, cairo_surface_t *surface, int pages, const char *header)
{
    memset(p, 0, sizeof *p);
    p->surface = surface;
    p->cr = cairo_create(surface);
    p->fonts = pango_cairo_font_map_new();
    p->context = pango_font_map_create_context(p->fonts);
    pango_cairo_update_context(p->cr, p->context);
    p->layout = pango_layout_new(p->context);
    pango_layout_set_wrap(p->layout, PANGO_WRAP_WORD_CHAR);
    p->para = pango_layout_new(p->context);
    pango_layout_set_wrap(p->para, PANGO_WRAP_WORD_CHAR);
    static const char *const family[4] = {SANS_FAMILY, SANS_FAMILY, SERIF_FAMILY, SERIF_FAMILY};
    for (int i = 0; i < 4; i++) {
        p->faces[i] = pango_font_description_new();
        pango_font_description_set_family(p->faces[i], family[i]);
        pango_font_description_set_weight(p->faces[i], i & 1 ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    }
    p->pages = pages;
    p->header = header;
    p->page = 1;
    page_decor(p);
}

void cs__pdf_end(cs__pdf *p)
{
    for (int i = 0; i < 4; i++)
        if (p->faces[i]) pango_font_description_free(p->faces[i]);
    if (p->layout) g_object_unref(p->layout);
    if (p->para) g_object_unref(p->para);
    if (p->context) g_object_unref(p->context);
    if (p->fonts) g_object_unref(p->fonts);
    p->context = NULL;
    p->fonts = NULL;
    if (p->cr) cairo_destroy(p->cr);
    p->layout = p->para = NULL;
    p->cr = NULL;
}

void cs__pdf_new_page(cs__pdf *p)
{
    cairo_show_page(p->cr);
    p->page++;
    page_decor(p);
}

void cs__pdf_need(cs__pdf *p, double h)
{
    if (p->y + h > CS__PDF_BOTTOM && p->y > CS__PDF_TOP) cs__pdf_new_page(p);
}

void cs__pdf_para(cs__pdf *p, double indent, const char *text, cs__pdf_face face, double size, uint32_t rgb,
                  double after)
{
    if (!text || !*text) return;
    PangoLayout *l = p->para;
    PangoFontDescription *d = p->faces[face];
    pango_font_description_set_absolute_size(d, size * PANGO_SCALE);
    pango_layout_set_font_description(l, d);
    pango_layout_set_width(l, (int)((CS__PDF_WIDTH - indent) * PANGO_SCALE));
    pango_layout_set_text(l, text, -1);
    PangoLayoutIter *it = pango_layout_get_iter(l);
    set_rgb(p->cr, rgb);
    do {
        PangoRectangle logical;
        pango_layout_iter_get_line_extents(it, NULL, &logical);
        double lh = (double)logical.height / PANGO_SCALE;
        double base = (double)(pango_layout_iter_get_baseline(it) - logical.y) / PANGO_SCALE;
        if (p->y + lh > CS__PDF_BOTTOM) {
            cs__pdf_new_page(p);
            set_rgb(p->cr, rgb);
        }
        cairo_move_to(p->cr, CS__PDF_LEFT + indent + (double)logical.x / PANGO_SCALE, p->y + base);
        pango_cairo_show_layout_line(p->cr, pango_layout_iter_get_line_readonly(it));
        p->y += lh;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    p->y += after;
}

void cs__pdf_heading(cs__pdf *p, const char *text, int level)
{
    double size = level == 1 ? 15 : 12;
    cs__pdf_need(p, level == 1 ? 150 : 90);
    p->y += p->y > CS__PDF_TOP + 1 ? (level == 1 ? 14 : 8) : 0;
    if (p->pages > 0) {
        char link[64];
        snprintf(link, sizeof link, "page=%d pos=[%g %g]", p->page, CS__PDF_LEFT, p->y);
        int id = cairo_pdf_surface_add_outline(p->surface, level == 1 ? CAIRO_PDF_OUTLINE_ROOT : p->outline_top, text,
                                               link, 0);
        if (level == 1) p->outline_top = id;
    }
    double h = cs__pdf_text(p, CS__PDF_LEFT, p->y, CS__PDF_WIDTH, text, level == 1 ? CS__SERIF_BOLD : CS__SANS_BOLD,
                            size, CS__ALIGN_LEFT, CS__NAVY);
    p->y += h + (level == 1 ? 2 : 1);
    if (level == 1) {
        cs__pdf_line(p, CS__PDF_LEFT, p->y, CS__PDF_RIGHT, p->y, 0.6, CS__NAVY);
        p->y += 8;
    } else {
        p->y += 3;
    }
}

/* ---- Tables ---------------------------------------------------------------------------------- */

static double col_size(const cs__pdf_table *t, int c)
{
    return t->cols[c].size > 0 ? t->cols[c].size : t->size;
}

/* The height of a row: its tallest cell and the padding. */
static double row_height(cs__pdf *p, const cs__pdf_table *t, const char *const *cells, int bold)
{
    double h = 0;
    for (int c = 0; c < t->ncols; c++) {
        if (!cells[c] || !*cells[c]) continue;
        double ch = cs__pdf_text_height(p, cells[c], bold ? CS__SANS_BOLD : CS__SANS, col_size(t, c),
                                        t->cols[c].width - 2 * CELL_PAD);
        if (ch > h) h = ch;
    }
    return (h > 0 ? h : t->size * 1.4) + 2 * CELL_PAD;
}

static void draw_row(cs__pdf *p, const cs__pdf_table *t, const char *const *cells, const uint32_t *rgb, int bold,
                     int header, double h)
{
    double x = CS__PDF_LEFT, w = 0;
    for (int c = 0; c < t->ncols; c++) w += t->cols[c].width;
    if (header) cs__pdf_fill_rect(p, x, p->y, w, h, 0xdde4eeU);
    for (int c = 0; c < t->ncols; c++) {
        if (cells[c] && *cells[c])
            cs__pdf_text(p, x + CELL_PAD, p->y + CELL_PAD, t->cols[c].width - 2 * CELL_PAD, cells[c],
                         bold || header ? CS__SANS_BOLD : CS__SANS, col_size(t, c),
                         header ? CS__ALIGN_CENTER : t->cols[c].align, rgb ? rgb[c] : header ? CS__NAVY : CS__INK);
        x += t->cols[c].width;
    }
    cs__pdf_line(p, CS__PDF_LEFT, p->y + h, CS__PDF_LEFT + w, p->y + h, header ? 0.8 : 0.3,
                 header ? CS__NAVY : 0xb0b0b0U);
    if (header) cs__pdf_line(p, CS__PDF_LEFT, p->y, CS__PDF_LEFT + w, p->y, 0.8, CS__NAVY);
    p->y += h;
}

void cs__pdf_table_header(cs__pdf *p, const cs__pdf_table *t)
{
    const char *cells[32];
    int n = t->ncols < 32 ? t->ncols : 32;
    for (int c = 0; c < n; c++) cells[c] = t->cols[c].title;
    double h = row_height(p, t, cells, 1);
    cs__pdf_need(p, h + 3 * t->size);
    draw_row(p, t, cells, NULL, 1, 1, h);
}

void cs__pdf_table_break(cs__pdf *p, const cs__pdf_table *t, double h)
{
    if (p->y + h <= CS__PDF_BOTTOM) return;
    cs__pdf_new_page(p);
    cs__pdf_table_header(p, t);
}

void cs__pdf_table_row(cs__pdf *p, const cs__pdf_table *t, const char *const *cells, const uint32_t *rgb, int bold)
{
    double h = row_height(p, t, cells, bold);
    cs__pdf_table_break(p, t, h);
    draw_row(p, t, cells, rgb, bold, 0, h);
}

void cs__pdf_table_band(cs__pdf *p, const cs__pdf_table *t, const char *text, double size, uint32_t rgb,
                        uint32_t fill)
{
    double w = 0;
    for (int c = 0; c < t->ncols; c++) w += t->cols[c].width;
    double h = cs__pdf_text_height(p, text, CS__SANS, size, w - 2 * CELL_PAD) + 2 * CELL_PAD;
    cs__pdf_table_break(p, t, h);
    if (fill) cs__pdf_fill_rect(p, CS__PDF_LEFT, p->y, w, h, fill);
    cs__pdf_text(p, CS__PDF_LEFT + CELL_PAD, p->y + CELL_PAD, w - 2 * CELL_PAD, text, fill ? CS__SANS_BOLD : CS__SANS,
                 size, CS__ALIGN_LEFT, rgb);
    cs__pdf_line(p, CS__PDF_LEFT, p->y + h, CS__PDF_LEFT + w, p->y + h, 0.3, 0xb0b0b0U);
    p->y += h;
}

/* ---- Charts ---------------------------------------------------------------------------------- */

/* A round tick step giving about five ticks up to max. */
static double tick_step(double max)
{
    if (!(max > 0)) return 1;
    double raw = max / 5, mag = pow(10, floor(log10(raw)));
    static const double nice[] = {1, 2, 2.5, 5, 10};
    for (int i = 0; i < 5; i++)
        if (nice[i] * mag >= raw) return nice[i] * mag;
    return 10 * mag;
}

static void tick_label(double v, char *out, size_t n)
{
    if (fabs(v - round(v)) < 1e-9) snprintf(out, n, "%.0f", v);
    else snprintf(out, n, "%g", v);
}

static void dashed(cs__pdf *p, int on)
{
    static const double dash[] = {3, 2};
    cairo_set_dash(p->cr, dash, on ? 2 : 0, 0);
}

void cs__pdf_hbar_chart(cs__pdf *p, const cs__pdf_bar *bars, int n, double axis_max, double row_h,
                        double label_w, const cs__pdf_mark *marks, int nmarks)
{
    if (n <= 0) return;
    if (!(axis_max > 0)) axis_max = 1;
    double step = tick_step(axis_max);
    axis_max = ceil(axis_max / step - 1e-9) * step;
    double top_pad = nmarks ? 24 : 4;
    double height = top_pad + n * row_h + 18;
    cs__pdf_need(p, height);
    double x0 = CS__PDF_LEFT + label_w, x1 = CS__PDF_RIGHT - 56, y0 = p->y + top_pad, y1 = y0 + n * row_h;
    double scale = (x1 - x0) / axis_max;
    char lab[32];
    for (double v = 0; v <= axis_max + 1e-9; v += step) {
        double x = x0 + v * scale;
        cs__pdf_line(p, x, y0, x, y1, 0.3, 0xd0d0d0U);
        tick_label(v, lab, sizeof lab);
        cs__pdf_text(p, x, y1 + 3, 0, lab, CS__SANS, 7, CS__ALIGN_CENTER, CS__GREY);
    }
    for (int i = 0; i < n; i++) {
        const cs__pdf_bar *b = &bars[i];
        double y = y0 + i * row_h, bh = row_h * 0.62, by = y + (row_h - bh) / 2;
        double th = cs__pdf_text_height(p, b->label, CS__SANS, 8, label_w - 6);
        cs__pdf_text(p, CS__PDF_LEFT, y + (row_h - th) / 2, label_w - 6, b->label, CS__SANS, 8, CS__ALIGN_RIGHT,
                     CS__INK);
        if (b->max > 0) cs__pdf_fill_rect(p, x0, by, fmin(b->max, axis_max) * scale, bh, 0xe3e3e3U);
        double end = x0;
        if (!b->missing && b->value > 0) {
            cs__pdf_fill_rect(p, x0, by, fmin(b->value, axis_max) * scale, bh, b->rgb ? b->rgb : CS__BAR);
            end = x0 + fmin(b->value, axis_max) * scale;
        }
        if (b->max > 0 && b->max * scale + x0 > end) end = x0 + fmin(b->max, axis_max) * scale;
        const char *t = b->missing ? "缺数据" : b->text;
        if (t) {
            double h = cs__pdf_text_height(p, t, CS__SANS, 7.5, 0);
            cs__pdf_text(p, end + 3, y + (row_h - h) / 2, 0, t, CS__SANS, 7.5, CS__ALIGN_LEFT,
                         b->missing ? CS__RED : CS__INK);
        }
    }
    cs__pdf_line(p, x0, y0, x0, y1, 0.8, CS__INK);
    cs__pdf_line(p, x0, y1, x1, y1, 0.8, CS__INK);
    for (int m = 0; m < nmarks; m++) {
        if (marks[m].value > axis_max || marks[m].value < 0) continue;
        double x = x0 + marks[m].value * scale;
        dashed(p, 1);
        cs__pdf_line(p, x, y0 - 2, x, y1, 0.7, CS__RED);
        dashed(p, 0);
        if (marks[m].label) cs__pdf_text(p, x, y0 - (m % 2 ? 22 : 12), 0, marks[m].label, CS__SANS, 6.5, CS__ALIGN_CENTER, CS__RED);
    }
    p->y = y1 + 18;
}

void cs__pdf_vbar_chart(cs__pdf *p, const cs__pdf_bar *bars, int n, double axis_max, double height,
                        const cs__pdf_mark *marks, int nmarks)
{
    if (n <= 0) return;
    if (!(axis_max > 0)) axis_max = 1;
    double step = tick_step(axis_max);
    axis_max = ceil(axis_max / step - 1e-9) * step;
    cs__pdf_need(p, height + 44);
    double x0 = CS__PDF_LEFT + 30, x1 = CS__PDF_RIGHT - (nmarks ? 80 : 10), y0 = p->y + 12, y1 = y0 + height;
    double scale = height / axis_max, slot = (x1 - x0) / n, bw = fmin(slot * 0.55, 48);
    char lab[32];
    for (double v = 0; v <= axis_max + 1e-9; v += step) {
        double y = y1 - v * scale;
        cs__pdf_line(p, x0, y, x1, y, 0.3, 0xd0d0d0U);
        tick_label(v, lab, sizeof lab);
        cs__pdf_text(p, x0 - 4, y - 5, 0, lab, CS__SANS, 7, CS__ALIGN_RIGHT, CS__GREY);
    }
    for (int m = 0; m < nmarks; m++) {
        if (marks[m].value > axis_max || marks[m].value < 0) continue;
        double y = y1 - marks[m].value * scale;
        dashed(p, 1);
        cs__pdf_line(p, x0, y, x1, y, 0.7, CS__RED);
        dashed(p, 0);
        if (marks[m].label) cs__pdf_text(p, x1 + 3, y - 5, 76, marks[m].label, CS__SANS, 6.5, CS__ALIGN_LEFT, CS__RED);
    }
    for (int i = 0; i < n; i++) {
        const cs__pdf_bar *b = &bars[i];
        double cx = x0 + slot * (i + 0.5), top = y1;
        if (!b->missing && b->value > 0) {
            double h = fmin(b->value, axis_max) * scale;
            cs__pdf_fill_rect(p, cx - bw / 2, y1 - h, bw, h, b->rgb ? b->rgb : CS__BAR);
            top = y1 - h;
        }
        const char *t = b->missing ? "缺数据" : b->text;
        if (t) cs__pdf_text(p, cx, top - 11, 0, t, CS__SANS, 7.5, CS__ALIGN_CENTER, b->missing ? CS__RED : CS__INK);
        cs__pdf_text(p, cx - slot / 2, y1 + 3, slot, b->label, CS__SANS, 7.5, CS__ALIGN_CENTER, CS__INK);
    }
    cs__pdf_line(p, x0, y0 - 4, x0, y1, 0.8, CS__INK);
    cs__pdf_line(p, x0, y1, x1, y1, 0.8, CS__INK);
    p->y = y1 + 30;
}
