/*
 * fuzz_xlsx.c — fuzz target for the XLSX reader: arbitrary bytes as a workbook (zip container,
 * relationships, workbook, shared strings and worksheet XML), read into tables and freed.
 */
#include <stdint.h>
#include <string.h>

#include "io/table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 20) return 0;
    cs_diag *d = cs_diag_new();
    cs__table *tables = NULL;
    int n = 0;
    cs_status rc = cs__xlsx_read_buffer("fuzz.xlsx", data, size, &tables, &n, d);
    /* the contract: tables only on success, errors only on failure */
    if ((rc == CS_OK) != (cs_diag_errors(d) == 0)) __builtin_trap();
    if (rc != CS_OK && (tables || n)) __builtin_trap();
    for (int i = 0; i < n; i++)
        for (size_t r = 0; r < tables[i].rows.n; r++) {
            const cs__table_row *row = &tables[i].rows.items[r];
            if (row->row < 1 || row->row > 1048576 || row->ncells < 1 || row->ncells > 16384) __builtin_trap();
            for (int c = 0; c < row->ncells; c++) (void)strlen(row->cells[c]);
        }
    cs__tables_free(tables, n);
    cs_diag_free(d);
    return 0;
}
