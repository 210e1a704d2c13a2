/*
 * dataset.c — the in-memory column store of reported values by (period, element, region).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"

cs_dataset *cs_dataset_new(void)
{
    return cs__xcalloc(1, sizeof(cs_dataset));
}

void cs_dataset_free(cs_dataset *ds)
{
    if (!ds) return;
    for (size_t p = 0; p < ds->npd; p++) {
        for (size_t e = 0; e < ds->pd[p].ncols; e++) {
            cs__column *c = ds->pd[p].cols[e];
            if (!c) continue;
            free(c->v);
            free(c->present);
            free(c);
        }
        free(ds->pd[p].cols);
        free(ds->pd[p].has_region);
    }
    free(ds->pd);
    cs__strmap_free(&ds->regions);
    cs__strmap_free(&ds->periods);
    cs__strmap_free(&ds->elements);
    free(ds);
}

static void grow_bytes(uint8_t **p, size_t *len, size_t need)
{
    if (need <= *len) return;
    size_t n = *len ? *len : 64;
    while (n < need) n *= 2;
    *p = cs__xrealloc(*p, n);
    memset(*p + *len, 0, n - *len);
    *len = n;
}

cs_status cs_dataset_set(cs_dataset *ds, const char *region, const char *period, const char *element, double value)
{
    int r = cs__strmap_intern(&ds->regions, region);
    int p = cs__strmap_intern(&ds->periods, period);
    int e = cs__strmap_intern(&ds->elements, element);
    if ((size_t)p >= ds->npd) {
        ds->pd = cs__xrealloc(ds->pd, sizeof(cs__period_data) * ((size_t)p + 1));
        memset(ds->pd + ds->npd, 0, sizeof(cs__period_data) * ((size_t)p + 1 - ds->npd));
        ds->npd = (size_t)p + 1;
    }
    cs__period_data *pd = &ds->pd[p];
    if ((size_t)e >= pd->ncols) {
        size_t n = pd->ncols ? pd->ncols : 16;
        while (n <= (size_t)e) n *= 2;
        pd->cols = cs__xrealloc(pd->cols, sizeof(cs__column *) * n);
        memset(pd->cols + pd->ncols, 0, sizeof(cs__column *) * (n - pd->ncols));
        pd->ncols = n;
    }
    cs__column *c = pd->cols[e];
    if (!c) c = pd->cols[e] = cs__xcalloc(1, sizeof(cs__column));
    if ((size_t)r >= c->len) {
        size_t n = c->len ? c->len : 64;
        while (n <= (size_t)r) n *= 2;
        c->v = cs__xrealloc(c->v, sizeof(double) * n);
        c->present = cs__xrealloc(c->present, n);
        memset(c->present + c->len, 0, n - c->len);
        c->len = n;
    }
    c->v[r] = value;
    c->present[r] = 1;
    grow_bytes(&pd->has_region, &pd->nhas, (size_t)r + 1);
    pd->has_region[r] = 1;
    return CS_OK;
}

const cs__column *cs__dataset_column(const cs_dataset *ds, int period, int element)
{
    if (period < 0 || element < 0 || (size_t)period >= ds->npd) return NULL;
    const cs__period_data *pd = &ds->pd[period];
    return (size_t)element < pd->ncols ? pd->cols[element] : NULL;
}

int cs_dataset_get(const cs_dataset *ds, const char *region, const char *period, const char *element, double *value)
{
    int r = cs__strmap_find(&ds->regions, region);
    const cs__column *c = cs__dataset_column(ds, cs__strmap_find(&ds->periods, period), cs__strmap_find(&ds->elements, element));
    if (r < 0 || !c || (size_t)r >= c->len || !c->present[r]) return 0;
    *value = c->v[r];
    return 1;
}

size_t cs_dataset_region_count(const cs_dataset *ds) { return ds->regions.n; }
const char *cs_dataset_region(const cs_dataset *ds, size_t i) { return i < ds->regions.n ? ds->regions.keys[i] : NULL; }
size_t cs_dataset_period_count(const cs_dataset *ds) { return ds->periods.n; }
const char *cs_dataset_period(const cs_dataset *ds, size_t i) { return i < ds->periods.n ? ds->periods.keys[i] : NULL; }

int cs__period_previous(const char *p, char *out, size_t outlen)
{
    size_t n = strlen(p);
    if (n != 4) return 0;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)p[i])) return 0;
    snprintf(out, outlen, "%d", atoi(p) - 1);
    return 1;
}
