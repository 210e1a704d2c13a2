/*
 * report_pdf.h — private to the PDF renderer (report_pdf.c lays a report out, report_pdf_draw.c
 * draws): an A4 page cursor that breaks pages and draws the header line and the "第 N 页 共 M 页"
 * footer, and the drawing primitives — text, flowing paragraphs, tables whose header row repeats
 * on every page, bar charts. Sizes are in PDF points; colours are 0xRRGGBB.
 * Ownership: every string passed in is borrowed for the call.
 */
#ifndef CS_REPORT_PDF_H
#define CS_REPORT_PDF_H

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdint.h>

#define CS__PDF_W 595.28
#define CS__PDF_H 841.89
#define CS__PDF_LEFT 56.0
#define CS__PDF_RIGHT (CS__PDF_W - 56.0)
#define CS__PDF_WIDTH (CS__PDF_RIGHT - CS__PDF_LEFT)
#define CS__PDF_TOP 70.0
#define CS__PDF_BOTTOM (CS__PDF_H - 62.0)

/* Colours of the report: ink, the navy of headings and bars, the red of penalties and vetoes. */
#define CS__INK 0x1a1a1aU
#define CS__GREY 0x666666U
#define CS__NAVY 0x1f3864U
#define CS__BAR 0x2f5597U
#define CS__RED 0xa61c1cU
#define CS__GREEN 0x2e6b30U

typedef enum { CS__SANS, CS__SANS_BOLD, CS__SERIF, CS__SERIF_BOLD } cs__pdf_face;
typedef enum { CS__ALIGN_LEFT, CS__ALIGN_CENTER, CS__ALIGN_RIGHT } cs__pdf_align;

/* The page cursor. pages is 0 while a first pass counts the pages, then the count. */
typedef struct {
    cairo_surface_t *surface;
    cairo_t *cr;
    PangoFontMap *fonts; /* a font map of this report's own, so its caches go with it */
    PangoContext *context;
    PangoLayout *layout;
    PangoLayout *para;   /* the paragraph being flowed, apart from what a page break draws */
    PangoFontDescription *faces[4];
    double y;            /* where the next block starts */
    int page;            /* the current page, from 1 */
    int pages;
    const char *header;  /* the header line of every page */
    int outline_top;     /* the outline entry of the current section */
} cs__pdf;

/* Starts drawing on surface (owned by the caller) with page 1 open. */
void cs__pdf_begin(cs__pdf *p, cairo_surface_t *surface, int pages, const char *header);
/* Releases what cs__pdf_begin made; the surface stays the caller's. */
void cs__pdf_end(cs__pdf *p);
void cs__pdf_new_page(cs__pdf *p);
/* Starts a new page unless h points are left on this one. */
void cs__pdf_need(cs__pdf *p, double h);

/* The height of text laid out in width (0 = unbounded). */
double cs__pdf_text_height(cs__pdf *p, const char *text, cs__pdf_face face, double size, double width);
/* The width of text on one line. */
double cs__pdf_text_width(cs__pdf *p, const char *text, cs__pdf_face face, double size);
/* Draws text at (x, y) wrapped in width (0 = unbounded) and returns its height. */
double cs__pdf_text(cs__pdf *p, double x, double y, double width, const char *text, cs__pdf_face face,
                    double size, cs__pdf_align align, uint32_t rgb);
/* A paragraph at the cursor, indented, broken across pages line by line; then `after` points of space. */
void cs__pdf_para(cs__pdf *p, double indent, const char *text, cs__pdf_face face, double size, uint32_t rgb,
                  double after);
/* A section heading (level 1) or sub-heading (level 2), kept with what follows and put in the outline. */
void cs__pdf_heading(cs__pdf *p, const char *text, int level);
void cs__pdf_fill_rect(cs__pdf *p, double x, double y, double w, double h, uint32_t rgb);
void cs__pdf_stroke_rect(cs__pdf *p, double x, double y, double w, double h, double line, uint32_t rgb);
void cs__pdf_line(cs__pdf *p, double x0, double y0, double x1, double y1, double line, uint32_t rgb);

/* ---- Tables ---------------------------------------------------------------------------------- */

typedef struct {
    const char *title;
    double width;
    cs__pdf_align align;
    double size;         /* the cells' font size; 0 = the table's */
} cs__pdf_col;

typedef struct {
    const cs__pdf_col *cols;
    int ncols;
    double size;
} cs__pdf_table;

/* The header row (drawn again on each page a row breaks onto). */
void cs__pdf_table_header(cs__pdf *p, const cs__pdf_table *t);
/* One row of ncols cells (NULL = empty); rgb gives each cell's colour (NULL = ink); bold the whole row. */
void cs__pdf_table_row(cs__pdf *p, const cs__pdf_table *t, const char *const *cells, const uint32_t *rgb, int bold);
/* Starts a new page with the header row when h points do not fit (to keep rows together). */
void cs__pdf_table_break(cs__pdf *p, const cs__pdf_table *t, double h);
/* A row spanning the table: a group caption or a note under the row above it. */
void cs__pdf_table_band(cs__pdf *p, const cs__pdf_table *t, const char *text, double size, uint32_t rgb,
                        uint32_t fill);

/* ---- Charts ---------------------------------------------------------------------------------- */

typedef struct {
    const char *label;
    double value;
    int missing;         /* drawn as 缺数据, no bar */
    double max;          /* a grey bar behind showing the maximum; 0 = none */
    const char *text;    /* the value label */
    uint32_t rgb;        /* 0 = the bar colour */
} cs__pdf_bar;

/* A reference line across a chart: a star level's threshold. */
typedef struct {
    double value;
    const char *label;
} cs__pdf_mark;

/* Horizontal bars, one per row of row_h points, scaled to axis_max, at the cursor. */
void cs__pdf_hbar_chart(cs__pdf *p, const cs__pdf_bar *bars, int n, double axis_max, double row_h,
                        double label_w, const cs__pdf_mark *marks, int nmarks);
/* Vertical bars in a chart height points high, scaled to axis_max, at the cursor. */
void cs__pdf_vbar_chart(cs__pdf *p, const cs__pdf_bar *bars, int n, double axis_max, double height,
                        const cs__pdf_mark *marks, int nmarks);

#endif
