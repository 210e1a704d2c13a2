/*
 * import.c — importing a data file into the store: read the file (CSV in UTF-8 or GB18030, or
 * an XLSX workbook such as a filled template), check every row against the frameworks' element
 * declarations, check numerator ≤ denominator against the stored figures too, warn of
 * year-on-year jumps and outliers among peers, then write everything in one transaction.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "service.h"

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

cs_status cs__frameworks_load_all(const char *dir, cs_framework ***out, int *n, cs_diag *diag)
{
    *out = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d) {
        cs__diag_add(diag, CS__ERROR, dir, 0, 0, "无法打开框架目录 / cannot open the frameworks folder");
        return CS_EIO;
    }
    CS__VEC(char *) files = {0};
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len > 5 && !strcmp(e->d_name + len - 5, ".yaml")) cs__vec_push(&files, cs__xstrdup(e->d_name));
    }
    closedir(d);
    qsort(files.items, files.n, sizeof(char *), cmp_str);
    cs_status rc = CS_OK;
    cs_framework **fws = cs__xcalloc(files.n + 1, sizeof *fws);
    int k = 0;
    for (size_t i = 0; i < files.n; i++) {
        cs__buf path = {0};
        cs__buf_printf(&path, "%s/%s", dir, files.items[i]);
        cs_framework *fw = NULL;
        if (cs_framework_load_file(cs__buf_str(&path), &fw, diag) != CS_OK) rc = CS_EFRAMEWORK;
        else fws[k++] = fw;
        cs__buf_free(&path);
        free(files.items[i]);
    }
    cs__vec_free(&files);
    *out = fws;
    *n = k;
    return rc;
}

void cs__frameworks_free(cs_framework **fws, int n)
{
    for (int i = 0; i < n; i++) cs_framework_free(fws[i]);
    free(fws);
}

/* ---- Stored figures the checks compare with ----------------------------------------------- */

typedef struct {
    cs_dataset *ds;
    cs__strmap levels_known;   /* region codes whose level was looked up */
    CS__VEC(int) level_of;     /* by levels_known index */
    cs_store *s;
    cs_diag *diag;
    uint8_t *mask[5];          /* by level rank: which regions of ds are of that level */
    cs__strmap medians_known;  /* period \x1f element \x1f level */
    CS__VEC(double) medians;   /* NAN when there are too few peers */
    /* the same by the addresses of a value's period and element strings (the records keep one
     * copy of each), so that a value's median is found without formatting a key */
    struct {
        const char *period, *element;
        int level, at;         /* at: index into medians + 1; 0 = an empty slot */
    } *by_ptr;
    size_t nby_ptr, nslots;
    const char *last_region;   /* the region of the last value asked about, and its level */
    int last_level;
} stored_ctx;

static int stored_lookup(void *ctx, const char *region, const char *period, const char *element, double *v)
{
    stored_ctx *c = ctx;
    /* most lookups of a first import ask for a year nothing is stored of: skip hashing for them */
    size_t np = cs_dataset_period_count(c->ds), p = 0;
    while (p < np && strcmp(cs_dataset_period(c->ds, p), period)) p++;
    return p < np && cs_dataset_get(c->ds, region, period, element, v);
}

static int put_in_ds(void *ctx, const cs_value *v)
{
    if (!v->is_missing) cs_dataset_set(ctx, v->region, v->period, v->element, v->value);
    return 0;
}

/* The level rank of region (cached); -1 when not stored. */
static int level_of(stored_ctx *c, const char *region)
{
    size_t before = c->levels_known.n;
    int i = cs__strmap_intern(&c->levels_known, region);
    if (c->levels_known.n != before) {
        cs_region r;
        int lv = cs_store_region(c->s, region, &r, c->diag) == CS_OK ? cs_region_level_rank(r.level) : -1;
        cs__vec_push(&c->level_of, lv);
    }
    return c->level_of.items[i];
}

/* The hash of a (period, element, level) key of by_ptr: the strings' addresses, not their text. */
static size_t ptr_hash(const char *a, const char *b, int level)
{
    uint64_t h = ((uint64_t)(uintptr_t)a * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)(uintptr_t)b * 0xc2b2ae3d27d4eb4full) ^ (uint64_t)level;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return (size_t)h;
}

static int median_by_key(stored_ctx *c, const cs_value_in *v, int lv);

/* The median among regions of v's level, computed once per period, element and level. */
static int median_of_peers(void *ctx, const cs_value_in *v, double *med)
{
    stored_ctx *c = ctx;
    if (v->region != c->last_region) {
        c->last_level = level_of(c, v->region);
        c->last_region = v->region;
    }
    int lv = c->last_level;
    if (lv < 0) return 0;
    if ((c->nby_ptr + 1) * 2 > c->nslots) {
        size_t ns = c->nslots ? c->nslots * 2 : 256;
        __typeof__(c->by_ptr) slots = cs__xcalloc(ns, sizeof *slots);
        for (size_t j = 0; j < c->nslots; j++) {
            if (!c->by_ptr[j].at) continue;
            size_t i = ptr_hash(c->by_ptr[j].period, c->by_ptr[j].element, c->by_ptr[j].level) & (ns - 1);
            while (slots[i].at) i = (i + 1) & (ns - 1);
            slots[i] = c->by_ptr[j];
        }
        free(c->by_ptr);
        c->by_ptr = slots;
        c->nslots = ns;
    }
    size_t i = ptr_hash(v->period, v->element, lv) & (c->nslots - 1);
    for (; c->by_ptr[i].at; i = (i + 1) & (c->nslots - 1))
        if (c->by_ptr[i].period == v->period && c->by_ptr[i].element == v->element && c->by_ptr[i].level == lv) {
            *med = c->medians.items[c->by_ptr[i].at - 1];
            return !isnan(*med);
        }
    /* the slot found empty above is still free: median_by_key does not touch by_ptr */
    int k = median_by_key(c, v, lv);
    c->by_ptr[i].period = v->period;
    c->by_ptr[i].element = v->element;
    c->by_ptr[i].level = lv;
    c->by_ptr[i].at = k + 1;
    c->nby_ptr++;
    *med = c->medians.items[k];
    return !isnan(*med);
}

/* The index into c->medians of the median of v's period and element among regions of level lv,
 * found by the text of the key (computed when new). */
static int median_by_key(stored_ctx *c, const cs_value_in *v, int lv)
{
    char key[512];
    snprintf(key, sizeof key, "%s\x1f%s\x1f%d", v->period, v->element, lv);
    size_t before = c->medians_known.n;
    int k = cs__strmap_intern(&c->medians_known, key);
    if (c->medians_known.n != before) {
        if (!c->mask[lv]) {
            size_t n = cs_dataset_region_count(c->ds);
            c->mask[lv] = cs__xcalloc(n + 1, 1);
            for (size_t i = 0; i < n; i++) c->mask[lv][i] = level_of(c, cs_dataset_region(c->ds, i)) == lv;
        }
        double m = NAN;
        if (!cs__dataset_median(c->ds, v->period, v->element, c->mask[lv], &m)) m = NAN;
        cs__vec_push(&c->medians, m);
    }
    return k;
}

/* ---- Import ------------------------------------------------------------------------------- */

cs_status cs__import_file(cs_store *s, const cs__catalog *cat, const char *path, const cs__import_opts *o,
                          cs__import_result *res, cs_diag *diag)
{
    memset(res, 0, sizeof *res);
    cs__buf bytes = {0};
    cs_status rc = cs__read_file(path, &bytes, 512u << 20, diag);
    if (rc == CS_OK) rc = cs__import_buffer(s, cat, path, cs__buf_str(&bytes), bytes.len, o, res, diag);
    cs__buf_free(&bytes);
    return rc;
}

cs_status cs__import_buffer(cs_store *s, const cs__catalog *cat, const char *path, const void *data, size_t len,
                            const cs__import_opts *o, cs__import_result *res, cs_diag *diag)
{
    memset(res, 0, sizeof *res);
    cs__table *tables = NULL;
    int ntables = 0;
    cs_status rc;
    char sha[65];
    cs__sha256_hex(data, len, sha);
    int is_xlsx = len >= 4 && !memcmp(data, "PK\x03\x04", 4);
    if (is_xlsx) {
        rc = cs__xlsx_read_buffer(path, data, len, &tables, &ntables, diag);
    } else {
        tables = cs__xcalloc(1, sizeof *tables);
        ntables = 1;
        rc = cs__csv_read_table(path, data, len, o->encoding, &tables[0], diag);
    }
    if (rc == CS_OK) rc = cs__import_tables(s, cat, path, tables, ntables, sha, o, res, diag);
    res->is_xlsx = is_xlsx;
    cs__tables_free(tables, ntables);
    return rc;
}

cs_status cs__import_tables(cs_store *s, const cs__catalog *cat, const char *path, const cs__table *tables, int ntables,
                            const char *sha, const cs__import_opts *o, cs__import_result *res, cs_diag *diag)
{
    memset(res, 0, sizeof *res);
    cs__records recs = {0};
    stored_ctx sc = {0};
    cs_status rc = CS_OK;
    res->is_xlsx = ntables > 0 && tables[0].name != NULL;

    /* every sheet with a data header contributes rows; others (instructions) are skipped */
    cs__records_opts ro = {1, res->is_xlsx, 1, res->is_xlsx, NULL};
    int data_sheets = 0;
    for (int t = 0; t < ntables; t++) {
        cs__buf label = {0};
        if (tables[t].name) cs__buf_printf(&label, "%s[%s]", path, tables[t].name);
        else cs__buf_append(&label, path);
        /* rows of every sheet go into one set: their labels are kept in the arena */
        const char *file = cs__arena_strdup(&recs.arena, cs__buf_str(&label));
        cs__buf_free(&label);
        if (cs__records_from_table(file, &tables[t], cat, &ro, &recs, diag) != CS_OK) rc = CS_EDATA;
        data_sheets += recs.is_data;
    }
    if (rc == CS_OK && !data_sheets) {
        cs__diag_add(diag, CS__ERROR, path, 0, 0,
                     "没有找到数据表：需要含有 地区代码、年度、数据项编号、数值 列的表头 / no sheet has the columns region, period, element, value");
        rc = CS_EDATA;
    }
    if (rc == CS_OK && !recs.values.n && !recs.empty) {
        cs__diag_add(diag, CS__ERROR, path, 0, 0, "文件中没有数据行 / the file has no data rows");
        rc = CS_EDATA;
    }
    if (rc != CS_OK) goto out;
    /* values the caller may not write refuse the whole import, before any stored figure is read
     * (the checks below quote stored figures in their messages) */
    for (size_t i = 0; o->allow && i < recs.values.n; i++) {
        const cs_value_in *v = &recs.values.items[i];
        const char *why = o->allow(o->allow_ctx, v);
        if (why) {
            cs__diag_add(diag, CS__ERROR, path, v->row, v->col_element, "%s（地区 %s，数据项 %s）/ region %s, element %s", why,
                         v->region, v->element, v->region, v->element);
            rc = CS_EFORBIDDEN;
        }
    }
    if (rc != CS_OK) goto out;
    res->values = recs.values.n;
    res->empty = recs.empty;

    /* the stored figures of the periods imported and the years before them */
    sc.ds = cs_dataset_new();
    sc.s = s;
    sc.diag = diag;
    cs__strmap periods = {0};
    for (size_t i = 0; i < recs.periods.n; i++) {
        char prev[16];
        cs__strmap_intern(&periods, recs.periods.keys[i]);
        if (cs__period_previous(recs.periods.keys[i], prev, sizeof prev)) cs__strmap_intern(&periods, prev);
    }
    for (size_t p = 0; p < periods.n && rc == CS_OK; p++) {
        cs_value_query q = {NULL, periods.keys[p], NULL, 0, 0};
        rc = cs_store_values(s, &q, put_in_ds, sc.ds, diag);
    }
    cs__strmap_free(&periods);
    if (rc != CS_OK) goto out;
    rc = cs__records_check_at_most(path, &recs, cat, stored_lookup, &sc, diag);
    if (rc != CS_OK) goto out;
    /* peers include the new figures (only of elements compared with their peers) */
    for (size_t i = 0; i < recs.values.n; i++) {
        const cs_value_in *v = &recs.values.items[i];
        const cs__element *el = cat->decls[recs.keys.items[i].element].items[0];
        if (!v->is_missing && el->peer_factor > 1) cs_dataset_set(sc.ds, v->region, v->period, v->element, v->value);
    }
    size_t before = cs_diag_count(diag);
    cs__records_warn(path, &recs, cat, stored_lookup, &sc, median_of_peers, &sc, diag);
    res->warnings = cs_diag_count(diag) - before;

    cs_source src = {o->source_kind ? o->source_kind : "file", path, sha, o->actor, o->note, o->dry_run, o->progress,
                     o->progress_ctx};
    rc = cs_store_put_values(s, &src, recs.values.items, recs.values.n, &res->put, diag);
out:
    if (sc.ds) cs_dataset_free(sc.ds);
    cs__strmap_free(&sc.levels_known);
    cs__vec_free(&sc.level_of);
    cs__strmap_free(&sc.medians_known);
    cs__vec_free(&sc.medians);
    free(sc.by_ptr);
    for (int i = 0; i < 5; i++) free(sc.mask[i]);
    cs__records_clear(&recs);
    return rc;
}
