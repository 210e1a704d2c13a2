/*
 * xlsx_text.h — text as a workbook holds it, shared by the data-entry template (xlsx_write.c) and the
 * XLSX report (src/report/report_xlsx.c): UTF-8 decoding, the width a text takes in Excel columns
 * (CJK counting double), how many lines it wraps to, and cleaning text into what a cell may hold.
 */
#ifndef CS_XLSX_TEXT_H
#define CS_XLSX_TEXT_H

#include <stdint.h>

#include "util/util.h"

/* Excel's limit on the text of one cell, in UTF-16 code units. */
#define CS__XLSX_MAX_CELL_UNITS 32767

/* Decodes the UTF-8 character at *p (which must be valid) and advances *p past it. */
uint32_t cs__utf8_next(const char **p);
/* Whether a character takes two columns (CJK, Hangul, full-width forms). */
int cs__char_wide(uint32_t c);
/* Width of the longest line of s (valid UTF-8) in Excel character columns, CJK counting double. */
double cs__xlsx_text_width(const char *s);
/* How many lines text (valid UTF-8) takes wrapped in a column width characters wide, a wide
 * character taking `wide` columns. */
int cs__xlsx_wrapped_lines(const char *text, double width, double wide);
/* Copies s into b as text a cell may hold: valid UTF-8 (each invalid byte becomes U+FFFD), control
 * characters other than newline and tab a space, at most max_units UTF-16 code units (whole
 * characters). Returns the text, owned by b ("" for NULL). */
const char *cs__xlsx_clean_text(cs__buf *b, const char *s, size_t max_units);

#endif
