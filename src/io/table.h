/*
 * table.h — a sheet of text cells as read from a CSV file or one worksheet of an XLSX workbook,
 * before any meaning is given to it. Readers fill tables; records.c turns a table with a known
 * header into reported values. Cells keep their row and column in the source, so every message
 * about them can say file:row:column.
 */
#ifndef CS_TABLE_H
#define CS_TABLE_H

#include "util/util.h"

typedef struct {
    char **cells;         /* ncells strings, owned by the table; "" for an empty cell */
    int ncells;
    int row;              /* 1-based row number in the source (CSV record, XLSX row) */
} cs__table_row;

typedef struct {
    char *name;           /* worksheet name, or NULL for a CSV file */
    CS__VEC(cs__table_row) rows; /* rows in source order; fully empty rows may be left out */
    /* A reader that sets in_arena allocates the cells and each row's array of cells in arena
     * (the CSV reader: a million cells cost no million mallocs); otherwise each cell and each
     * row's array is its own allocation (XLSX reader, tables built by hand). */
    cs__arena arena;
    int in_arena;
} cs__table;

/* Frees everything a table owns (not the table struct itself). */
void cs__table_clear(cs__table *t);
/* Frees an array of n tables and the array. */
void cs__tables_free(cs__table *tables, int n);

/* Reads every worksheet of an XLSX workbook (Office Open XML, as written by Excel, WPS or
 * LibreOffice) into *tables (OUT: array of *ntables tables in workbook order, caller frees with
 * cs__tables_free). A cell's text is what the file stores: shared and inline strings as they are,
 * numbers as written in the XML (e.g. "0.85", "1200"), booleans as "TRUE"/"FALSE", formula cells as
 * their cached value; cells are placed at the column their reference (e.g. "C7") names, gaps filled
 * with "". Hidden sheets are read too. Errors (not a zip, not a workbook, malformed XML, a sheet
 * or string too large) go to diag with the file name and, where known, the sheet and cell.
 * Limits protect against zip bombs: at most 256 MiB uncompressed per part, 1,048,576 rows and
 * 16,384 columns as in Excel. */
cs_status cs__xlsx_read(const char *path, cs__table **tables, int *ntables, cs_diag *diag);
/* The same from a workbook already in memory (used by the fuzz target); name labels messages. */
cs_status cs__xlsx_read_buffer(const char *name, const void *buf, size_t len, cs__table **tables, int *ntables,
                               cs_diag *diag);

/* Reads a CSV file into one table (out, which must be empty). The encoding is "auto" (UTF-8 with or without BOM, otherwise
 * GB18030/GBK), "utf-8" or "gb18030"/"gbk"; a file that does not decode is an error naming the
 * first bad byte's row. Fields are trimmed of surrounding spaces. */
cs_status cs__csv_read_table(const char *file, const char *buf, size_t len, const char *encoding, cs__table *out,
                             cs_diag *diag);

/* ---- Writing XLSX (libxlsxwriter) ------------------------------------------------------------ */

/* One cell to write: a number when is_number, otherwise text (NULL = empty). */
typedef struct {
    const char *text;
    double number;
    int is_number;
} cs__cell;

/* Writes one worksheet named sheet with a bold, frozen header row and rows of ncols cells each
 * (cells[row * ncols + col]); column widths follow the content. */
cs_status cs__xlsx_write_table(const char *path, const char *sheet, const char *const *header, int ncols,
                               const cs__cell *cells, size_t nrows, cs_diag *diag);

#endif
