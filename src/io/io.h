/*
 * io.h — reading reported data from files into a data set (the stateless `--data FILE` path).
 */
#ifndef CS_IO_H
#define CS_IO_H

#include "data/dataset.h"
#include "framework/model.h"

/* Reads a long CSV (region,period,element,value; UTF-8 with or without BOM, or GB18030) into ds.
 * Rows are checked against fw's elements when fw is given: type, range, numerator ≤
 * denominator, duplicates. Elements fw does not declare are skipped and counted in *ignored
 * (OUT, may be NULL), or are errors when strict. All or nothing: on any error nothing is added
 * and every problem is in diag as file:row:column. */
cs_status cs__read_data_csv(const char *path, const cs_framework *fw, int strict, cs_dataset *ds, cs_diag *diag,
                            size_t *ignored);
cs_status cs__read_data_csv_buffer(const char *file, const char *buf, size_t len, const cs_framework *fw, int strict,
                                   cs_dataset *ds, cs_diag *diag, size_t *ignored);

/* Fills ds with plausible synthetic values of every element of fw for the given regions and
 * period (demo data). quality (0–1) shifts the regions' general level; the same seed gives the
 * same data. */
void cs__sample_data(const cs_framework *fw, const char *const *regions, size_t nregions, const char *period,
                     unsigned seed, double quality, cs_dataset *ds);

/* ---- The data-entry template (xlsx_write.c) --------------------------------------------------- */

/* A region a template is written for: its code (e.g. "370811") and name (may be NULL or ""). */
typedef struct { const char *code, *name; } cs__region_ref;
/* Looks up a value already stored for (region, element) to prefill the template; returns 1 and
 * sets *value (and *note, may be NULL) when there is one. */
typedef int (*cs__prefill_fn)(void *ctx, const char *region, const char *element, double *value, const char **note);
/* Writes the data-entry workbook for fw's elements for the given regions and period: a sheet
 * "填报说明", then one sheet per lead department (the first department of the first indicator that
 * declares or uses an element; "其他" for the rest) with a row per (region, element), region-major,
 * under the headers 地区代码 地区 年度 数据项编号 数据项名称 单位 类型 允许范围 相关指标 数值 备注.
 * Codes and the period are text cells; 数值 carries Excel data validation and the prefilled value
 * (prefill may be NULL; a note it returns is copied at once). Errors go to diag (CS_EIO when the
 * file cannot be written, CS_EUSAGE when a sheet would exceed Excel's row limit). */
cs_status cs__template_write_xlsx(const char *path, const cs_framework *fw, const cs__region_ref *regions,
                                  size_t nregions, const char *period, cs__prefill_fn prefill, void *ctx,
                                  cs_diag *diag);

#endif
