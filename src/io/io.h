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

#endif
