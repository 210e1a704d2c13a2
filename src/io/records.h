/*
 * records.h — from a table of text cells (a CSV file, a worksheet) to checked reported values.
 * The header row names the columns (region/地区代码, period/年度, element/数据项编号,
 * value/数值, note/备注); every cell is checked against the element declarations of a catalog of
 * frameworks (type, range, yes/no, whole numbers), duplicates and numerator ≤ denominator are
 * found, and every problem is reported as file:row:column in one pass.
 */
#ifndef CS_RECORDS_H
#define CS_RECORDS_H

#include "citystar/store.h"
#include "data/dataset.h"
#include "framework/model.h"
#include "io/table.h"
#include "util/strmap.h"

/* Every declaration of every element code across a set of frameworks (报一次，多处用: one code,
 * one figure, whichever framework scores it). */
typedef struct {
    cs__strmap codes;
    CS__VEC(const cs__element *) *decls; /* by code index: each framework's declaration */
    const cs_framework *const *fws;
    int nfws;
} cs__catalog;

/* Builds the catalog of the frameworks (which must outlive it). */
void cs__catalog_init(cs__catalog *cat, const cs_framework *const *fws, int nfws);
void cs__catalog_clear(cs__catalog *cat);
/* The first declaration of code, or NULL; *n (OUT, may be NULL) counts all of them. */
const cs__element *cs__catalog_find(const cs__catalog *cat, const char *code, int *n);
/* Every declaration of code (*n of them, 0 and NULL when no framework declares it). */
const cs__element *const *cs__catalog_decls(const cs__catalog *cat, const char *code, int *n);

/* Where a value sits, as small numbers: its region and period as indexes into the records'
 * regions and periods, its element as the index of its code in the catalog. */
typedef struct {
    uint32_t region, period, element;
} cs__value_key;

/* Checked values; their strings live in the arena and the maps below. The cross-value checks
 * must be given the catalog the records were read with. */
typedef struct {
    cs__arena arena;
    CS__VEC(cs_value_in) values;
    CS__VEC(cs__value_key) keys; /* by value */
    cs__strmap regions;   /* region codes and periods of the rows, by first appearance: */
    cs__strmap periods;   /* the values' region and period strings are these keys */
    struct {
        cs__value_key key;
        uint32_t at;      /* index into values + 1; 0 = an empty slot */
    } *slots;             /* open addressing, (region, period, element) → value: finds */
    size_t nslots;        /* duplicates, and the figures cross-value checks need */
    size_t ignored;       /* rows of elements no framework of the catalog declares (not strict) */
    size_t empty;         /* rows left out because their value cell is empty (skip_empty) */
    int is_data;          /* the table had a data header (region/period/element/value) */
} cs__records;

typedef struct {
    int strict;           /* unknown elements are errors (otherwise ignored and counted) */
    int skip_empty;       /* an empty value cell means "not reported": the row is left out */
    int allow_missing;    /* 不适用 / 无法统计 / 未填报 / NA / — are missing values with that reason */
    int skip_non_data;    /* a table whose header names none of the columns is not data: no error */
    const char *strict_name; /* framework id named in "unknown element" messages, or NULL */
} cs__records_opts;

/* Reads the rows of t (header in its first row) into out, checking each against cat; file names
 * the source in messages (for a worksheet: "file[sheet]"). Returns CS_EDATA when any row is
 * bad; what was read is still in out, but callers must not use it then (all or nothing). */
cs_status cs__records_from_table(const char *file, const cs__table *t, const cs__catalog *cat,
                                 const cs__records_opts *opts, cs__records *out, cs_diag *diag);

/* Looks up a value already stored, for checks that compare with stored data. Returns 1 and sets
 * *v when (region, period, element) has a value. */
typedef int (*cs__stored_fn)(void *ctx, const char *region, const char *period, const char *element, double *v);

/* Numerator ≤ denominator over the records, taking a figure the records lack from stored (may
 * be NULL). Errors name the row of the figure the records bring: the numerator's, or the
 * denominator's when it is lowered below a stored numerator. */
cs_status cs__records_check_at_most(const char *file, const cs__records *recs, const cs__catalog *cat,
                                    cs__stored_fn stored, void *ctx, cs_diag *diag);

/* The median of v's element and period among v's peers (regions of its level); returns 0 when
 * there are too few peers to say. */
typedef int (*cs__median_fn)(void *ctx, const cs_value_in *v, double *median);

/* Warnings (never errors): a value that moves by more than its element's yoy_factor against the
 * previous year, or lies more than peer_factor from its peers' median (median may be NULL). */
void cs__records_warn(const char *file, const cs__records *recs, const cs__catalog *cat, cs__stored_fn stored,
                      void *ctx, cs__median_fn median, void *mctx, cs_diag *diag);
/* The median of the present values of element in period among regions (NULL = all) of ds;
 * 0 when fewer than 5 report it. */
int cs__dataset_median(const cs_dataset *ds, const char *period, const char *element, const uint8_t *regions,
                       double *median);

void cs__records_clear(cs__records *r);

#endif
