/*
 * dataset.h — reported data held in memory as columns: for each period and data element, one
 * value per region, with a presence flag (absent = not reported). The engine reads columns
 * straight from here; loaders (CSV, the store) fill it.
 */
#ifndef CS_DATASET_H
#define CS_DATASET_H

#include <stdint.h>

#include "util/strmap.h"
#include "util/util.h"

typedef struct {
    double *v;
    uint8_t *present;
    size_t len;        /* regions covered; beyond it nothing is present */
} cs__column;

typedef struct {
    cs__column **cols; /* by element index; NULL when no value of that element */
    size_t ncols;
    uint8_t *has_region; /* by region index: any value in this period */
    size_t nhas;
} cs__period_data;

struct cs_dataset {
    cs__strmap regions, periods, elements;
    cs__period_data *pd;  /* by period index */
    size_t npd;
};

/* The column of element e in period p, or NULL. */
const cs__column *cs__dataset_column(const cs_dataset *ds, int period, int element);

/* The period before p ("2023" → "2022"), written to out; 0 when p is not a year. */
int cs__period_previous(const char *p, char *out, size_t outlen);

#endif
