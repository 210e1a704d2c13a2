/*
 * records.c — turns a table of text cells into checked reported values (see records.h): finds
 * the columns by their header, parses each value as its element declares it (yes/no, whole
 * number, number, "85%"), checks ranges under every framework that declares the element, finds
 * duplicates, numerator > denominator, and warns of year-on-year jumps and outliers among peers.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "records.h"

/* ---- Catalog -------------------------------------------------------------------------------- */

typedef CS__VEC(const cs__element *) decl_vec;

void cs__catalog_init(cs__catalog *cat, const cs_framework *const *fws, int nfws)
{
    memset(cat, 0, sizeof *cat);
    cat->fws = fws;
    cat->nfws = nfws;
    size_t cap = 0;
    for (int f = 0; f < nfws; f++)
        for (int e = 0; e < fws[f]->nelements; e++) {
            const cs__element *el = &fws[f]->elements[e];
            size_t idx = (size_t)cs__strmap_intern(&cat->codes, el->code);
            if (idx >= cap) {
                size_t ncap = cap ? cap * 2 : 64;
                while (ncap <= idx) ncap *= 2;
                cat->decls = cs__xrealloc(cat->decls, ncap * sizeof *cat->decls);
                memset(cat->decls + cap, 0, (ncap - cap) * sizeof *cat->decls);
                cap = ncap;
            }
            decl_vec *v = (decl_vec *)&cat->decls[idx];
            cs__vec_push(v, el);
        }
}

void cs__catalog_clear(cs__catalog *cat)
{
    for (size_t i = 0; i < cat->codes.n; i++) cs__vec_free(&cat->decls[i]);
    free(cat->decls);
    cs__strmap_free(&cat->codes);
    memset(cat, 0, sizeof *cat);
}

const cs__element *cs__catalog_find(const cs__catalog *cat, const char *code, int *n)
{
    int idx = cs__strmap_find(&cat->codes, code);
    if (n) *n = idx < 0 ? 0 : (int)cat->decls[idx].n;
    return idx < 0 ? NULL : cat->decls[idx].items[0];
}

const cs__element *const *cs__catalog_decls(const cs__catalog *cat, const char *code, int *n)
{
    int idx = cs__strmap_find(&cat->codes, code);
    *n = idx < 0 ? 0 : (int)cat->decls[idx].n;
    return idx < 0 ? NULL : cat->decls[idx].items;
}

/* ---- The records' index ---------------------------------------------------------------------- */

/* The hash of a value's key; the index is open addressing with linear probing, at most half full. */
static size_t key_hash(cs__value_key k)
{
    uint64_t h = ((uint64_t)k.region << 32 | k.period) * 0x9e3779b97f4a7c15ull ^ (uint64_t)k.element * 0xc2b2ae3d27d4eb4full;
    /* murmur3's finaliser: the low bits that pick the slot depend on every input bit */
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return (size_t)h;
}

/* The index into r->values of the value at k, or -1. */
static long index_find(const cs__records *r, cs__value_key k)
{
    if (!r->nslots) return -1;
    for (size_t i = key_hash(k) & (r->nslots - 1);; i = (i + 1) & (r->nslots - 1)) {
        if (!r->slots[i].at) return -1;
        if (r->slots[i].key.region == k.region && r->slots[i].key.period == k.period && r->slots[i].key.element == k.element)
            return (long)r->slots[i].at - 1;
    }
}

/* Makes room in the index for n values in all without growing it again. */
static void index_reserve(cs__records *r, size_t n)
{
    if (n * 2 <= r->nslots) return;
    size_t ns = r->nslots ? r->nslots : 1024;
    while (ns < n * 2) ns *= 2;
    __typeof__(r->slots) slots = cs__xcalloc(ns, sizeof *slots);
    for (size_t j = 0; j < r->nslots; j++) {
        if (!r->slots[j].at) continue;
        size_t i = key_hash(r->slots[j].key) & (ns - 1);
        while (slots[i].at) i = (i + 1) & (ns - 1);
        slots[i] = r->slots[j];
    }
    free(r->slots);
    r->slots = slots;
    r->nslots = ns;
}

/* Appends v at k (which must not be in the index yet) to the values. */
static void records_add(cs__records *r, cs__value_key k, const cs_value_in *v)
{
    index_reserve(r, r->values.n + 1);
    size_t i = key_hash(k) & (r->nslots - 1);
    while (r->slots[i].at) i = (i + 1) & (r->nslots - 1);
    r->slots[i].key = k;
    r->slots[i].at = (uint32_t)r->values.n + 1;
    cs__vec_push(&r->values, *v);
    cs__vec_push(&r->keys, k);
}

/* ---- Reading a table ------------------------------------------------------------------------ */

enum { C_REGION, C_PERIOD, C_ELEMENT, C_VALUE, C_NOTE, NCOLS };

static const char *const names[NCOLS][6] = {
    {"region", "地区代码", "行政区划代码", "地区", NULL},
    {"period", "年度", "期间", "年份", NULL},
    {"element", "数据项编号", "数据项", "指标数据项", NULL},
    {"value", "数值", "值", "填报值", NULL},
    {"note", "备注", "说明", NULL},
};

typedef struct {
    const char *file;
    cs_diag *diag;
    int errors;
    int row;
} ctx_t;

static void rerr(ctx_t *c, int col, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void rerr(ctx_t *c, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (c->errors < 1000) cs__diag_vadd(c->diag, CS__ERROR, c->file, c->row, col, fmt, ap);
    va_end(ap);
    c->errors++;
}

static const char *const missing_words[] = {"不适用", "无法统计", "未填报", "暂无数据", "NA", "N/A", "—", "-", NULL};

/* Parses text as the element's first declaration says (yes/no or a number); checks it against
 * all ndecl declarations of the code (whole number, range). */
static int parse_value(ctx_t *c, const cs__element *const *decls, int ndecl, const char *text, int vcol, double *out)
{
    const cs__element *el = ndecl ? decls[0] : NULL;
    if (el && el->type == CS__ELEM_BOOLEAN) {
        static const char *yes[] = {"是", "true", "yes", "y", "1", "有", NULL}, *no[] = {"否", "false", "no", "n", "0", "无", NULL};
        for (int i = 0; yes[i]; i++)
            if (!strcasecmp(text, yes[i])) return *out = 1, 1;
        for (int i = 0; no[i]; i++)
            if (!strcasecmp(text, no[i])) return *out = 0, 1;
        rerr(c, vcol, "“%s”（%s）应填 是 或 否，这里是 \"%s\" / %s is yes/no: use 是 or 否", el->name, el->code, text, el->code);
        return 0;
    }
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end != text && (*end == '%' || !strcmp(end, "％")) && !errno) {
        /* "85%" is the ratio 0.85 */
        v /= 100.0;
        end += *end == '%' ? 1 : strlen("％");
    }
    if (end == text || *end || errno || !isfinite(v)) {
        if (el)
            rerr(c, vcol, "“%s”（%s）的值 \"%s\" 不是数字 / the value of %s is not a number", el->name, el->code, text, el->code);
        else
            rerr(c, vcol, "值 \"%s\" 不是数字 / the value \"%s\" is not a number", text, text);
        return 0;
    }
    for (int d = 0; el && d < ndecl; d++) {
        const cs__element *e = decls[d];
        if (e->type == CS__ELEM_INTEGER && v != floor(v)) {
            rerr(c, vcol, "“%s”（%s）应为整数，这里是 %s / %s must be a whole number", e->name, e->code, text, e->code);
            return 0;
        }
        if ((e->has_min && v < e->min) || (e->has_max && v > e->max)) {
            cs__buf b = {0};
            if (e->has_min) cs__buf_number(&b, e->min, 6);
            cs__buf_append(&b, " – ");
            if (e->has_max) cs__buf_number(&b, e->max, 6);
            rerr(c, vcol, "“%s”（%s）的值 %s 超出允许范围 [%s] / %s is out of its allowed range", e->name, e->code, text,
                 cs__buf_str(&b), e->code);
            cs__buf_free(&b);
            return 0;
        }
    }
    *out = v;
    return 1;
}

cs_status cs__records_from_table(const char *file, const cs__table *t, const cs__catalog *cat,
                                 const cs__records_opts *opts, cs__records *out, cs_diag *diag)
{
    ctx_t c = {file, diag, 0, 0};
    int col[NCOLS];
    for (int k = 0; k < NCOLS; k++) col[k] = -1;
    out->is_data = 0;
    if (!t->rows.n) {
        if (opts->skip_non_data) return CS_OK;
        cs__diag_add(diag, CS__ERROR, file, 0, 0, "文件为空 / the file is empty");
        return CS_EDATA;
    }
    const cs__table_row *head = &t->rows.items[0];
    int found = 0;
    for (int k = 0; k < NCOLS; k++)
        for (int a = 0; names[k][a] && col[k] < 0; a++)
            for (int i = 0; i < head->ncells; i++)
                if (!strcasecmp(head->cells[i], names[k][a])) {
                    col[k] = i;
                    found += k != C_NOTE;
                    break;
                }
    if (!found && opts->skip_non_data) return CS_OK;
    c.row = head->row;
    static const char *label[] = {"region", "period", "element", "value"};
    for (int k = 0; k < C_NOTE; k++)
        if (col[k] < 0) rerr(&c, 0, "表头缺少列 %s（%s）/ the header has no '%s' column", label[k], names[k][1], label[k]);
    if (c.errors) return CS_EDATA;
    out->is_data = 1;

    /* at most one value per row: the index and the arrays are sized once */
    index_reserve(out, out->values.n + t->rows.n);
    for (size_t r = 1; r < t->rows.n; r++) {
        const cs__table_row *row = &t->rows.items[r];
        c.row = row->row;
        const char *cell[NCOLS];
        int blank = 1;
        for (int k = 0; k < NCOLS; k++) {
            cell[k] = col[k] >= 0 && col[k] < row->ncells ? row->cells[col[k]] : "";
            if (k != C_NOTE && *cell[k]) blank = 0;
        }
        if (blank) continue;
        if (!*cell[C_VALUE] && opts->skip_empty) {
            out->empty++;
            continue;
        }
        static const char *what[] = {"地区 / region", "年度 / period", "数据项 / element"};
        int ok = 1;
        for (int k = 0; k < 3; k++)
            if (!*cell[k]) {
                rerr(&c, col[k] + 1, "%s为空 / %s is empty", what[k], what[k]);
                ok = 0;
            }
        if (!ok) continue;
        int eidx = cs__strmap_find(&cat->codes, cell[C_ELEMENT]);
        int ndecl = eidx < 0 ? 0 : (int)cat->decls[eidx].n;
        const cs__element *const *decls = eidx < 0 ? NULL : (const cs__element *const *)cat->decls[eidx].items;
        const cs__element *el = ndecl ? decls[0] : NULL;
        if (!el) {
            if (opts->strict) {
                if (opts->strict_name)
                    rerr(&c, col[C_ELEMENT] + 1, "框架 %s 中没有数据项 '%s' / framework %s has no element '%s'", opts->strict_name,
                         cell[C_ELEMENT], opts->strict_name, cell[C_ELEMENT]);
                else
                    rerr(&c, col[C_ELEMENT] + 1, "没有框架使用数据项 '%s'（请检查数据项编号）/ no framework has an element '%s'",
                         cell[C_ELEMENT], cell[C_ELEMENT]);
            } else {
                out->ignored++;
            }
            continue;
        }
        int vcol = col[C_VALUE] + 1;
        cs_value_in v = {0};
        if (!*cell[C_VALUE]) {
            rerr(&c, vcol, "值为空 / the value is empty (leave the row out if the figure is not reported)");
            continue;
        }
        int is_missing = 0;
        for (int i = 0; opts->allow_missing && missing_words[i]; i++)
            if (!strcasecmp(cell[C_VALUE], missing_words[i])) is_missing = 1;
        if (is_missing) {
            v.is_missing = 1;
            v.missing_reason = cs__arena_strdup(&out->arena, cell[C_VALUE]);
        } else if (!parse_value(&c, decls, ndecl, cell[C_VALUE], vcol, &v.value)) {
            continue;
        }
        cs__value_key k = {(uint32_t)cs__strmap_intern(&out->regions, cell[C_REGION]),
                           (uint32_t)cs__strmap_intern(&out->periods, cell[C_PERIOD]), (uint32_t)eidx};
        long idx = index_find(out, k);
        if (idx >= 0) {
            int first = out->values.items[idx].row;
            rerr(&c, col[C_ELEMENT] + 1, "地区 %s 年度 %s 的数据项 %s 重复（第 %d 行已有）/ duplicate value (first at row %d)",
                 cell[C_REGION], cell[C_PERIOD], cell[C_ELEMENT], first, first);
            continue;
        }
        v.region = out->regions.keys[k.region];
        v.period = out->periods.keys[k.period];
        v.element = el->code;
        v.note = col[C_NOTE] >= 0 && *cell[C_NOTE] ? cs__arena_strdup(&out->arena, cell[C_NOTE]) : NULL;
        v.row = row->row;
        v.col_region = col[C_REGION] + 1;
        v.col_period = col[C_PERIOD] + 1;
        v.col_element = col[C_ELEMENT] + 1;
        v.col_value = vcol;
        records_add(out, k, &v);
    }
    if (c.errors > 1000)
        cs__diag_add(diag, CS__ERROR, file, 0, 0, "共 %d 个错误，只列出前 1000 个 / %d errors, the first 1000 shown", c.errors, c.errors);
    return c.errors ? CS_EDATA : CS_OK;
}

void cs__records_clear(cs__records *r)
{
    cs__vec_free(&r->values);
    cs__vec_free(&r->keys);
    cs__strmap_free(&r->regions);
    cs__strmap_free(&r->periods);
    free(r->slots);
    cs__arena_release(&r->arena);
    memset(r, 0, sizeof *r);
}

/* ---- Checks across values ------------------------------------------------------------------- */

/* The value of element (its catalog index, or -1) for the region of key in period (an index
 * into recs->periods, or -1 when no row has that period): from the records first, then from what
 * is stored. */
static int lookup(const cs__records *recs, cs__stored_fn stored, void *ctx, cs__value_key key, long period,
                  const char *period_text, long element, const char *element_code, double *out)
{
    if (period >= 0 && element >= 0) {
        long i = index_find(recs, (cs__value_key){key.region, (uint32_t)period, (uint32_t)element});
        if (i >= 0) {
            const cs_value_in *v = &recs->values.items[i];
            if (v->is_missing) return 0;
            *out = v->value;
            return 1;
        }
    }
    return stored ? stored(ctx, recs->regions.keys[key.region], period_text, element_code, out) : 0;
}

/* For each code of the catalog, the first declaration with at_most pairs (the same pair declared
 * by several frameworks is checked once) and the catalog indexes of its denominators (-1 for a
 * code the catalog lacks). */
typedef struct {
    const cs__element **decl; /* by code index; NULL when no declaration has pairs */
    size_t *first;            /* by code index: where its denominators start in den */
    CS__VEC(long) den;
} at_most_plan;

static void at_most_plan_init(at_most_plan *p, const cs__catalog *cat)
{
    memset(p, 0, sizeof *p);
    p->decl = cs__xcalloc(cat->codes.n + 1, sizeof *p->decl);
    p->first = cs__xcalloc(cat->codes.n + 1, sizeof *p->first);
    for (size_t i = 0; i < cat->codes.n; i++) {
        p->first[i] = p->den.n;
        for (size_t d = 0; d < cat->decls[i].n && !p->decl[i]; d++) {
            const cs__element *el = cat->decls[i].items[d];
            if (!el->n_at_most) continue;
            p->decl[i] = el;
            for (int k = 0; k < el->n_at_most; k++) cs__vec_push(&p->den, (long)cs__strmap_find(&cat->codes, el->at_most[k]));
        }
    }
}

static void at_most_plan_clear(at_most_plan *p)
{
    free(p->decl);
    free(p->first);
    cs__vec_free(&p->den);
}

cs_status cs__records_check_at_most(const char *file, const cs__records *recs, const cs__catalog *cat,
                                    cs__stored_fn stored, void *ctx, cs_diag *diag)
{
    ctx_t c = {file, diag, 0, 0};
    at_most_plan plan;
    at_most_plan_init(&plan, cat);
    for (size_t i = 0; i < recs->values.n; i++) {
        const cs_value_in *v = &recs->values.items[i];
        cs__value_key key = recs->keys.items[i];
        const cs__element *el = plan.decl[key.element];
        if (v->is_missing || !el) continue;
        for (int k = 0; k < el->n_at_most; k++) {
            double den;
            if (!lookup(recs, stored, ctx, key, key.period, v->period, plan.den.items[plan.first[key.element] + (size_t)k],
                        el->at_most[k], &den) ||
                v->value <= den)
                continue;
            const cs__element *de = cs__catalog_find(cat, el->at_most[k], NULL);
            c.row = v->row;
            cs__buf a = {0}, b = {0};
            cs__buf_number(&a, v->value, 6);
            cs__buf_number(&b, den, 6);
            rerr(&c, v->col_value, "“%s”（%s = %s）大于“%s”（%s = %s）/ %s is larger than %s", el->name, el->code, cs__buf_str(&a),
                 de ? de->name : el->at_most[k], el->at_most[k], cs__buf_str(&b), el->code, el->at_most[k]);
            cs__buf_free(&a);
            cs__buf_free(&b);
        }
    }
    at_most_plan_clear(&plan);
    /* a denominator lowered below a numerator that is stored but not in the records (the loop
     * above checked those): the error names the denominator's row */
    if (stored) {
        cs__strmap pairs = {0}; /* numerator \x1f denominator, each pair once */
        CS__VEC(const cs__element *) nums = {0};
        CS__VEC(long) num_code = {0}; /* the numerator's catalog index */
        CS__VEC(int) next = {0};  /* the next pair with the same denominator, -1 at the end */
        int *first = cs__xcalloc(cat->codes.n + 1, sizeof *first); /* by the denominator's code index */
        for (size_t i = 0; i < cat->codes.n; i++) first[i] = -1;
        char key[512];
        for (size_t i = 0; i < cat->codes.n; i++)
            for (size_t d = 0; d < cat->decls[i].n; d++) {
                const cs__element *el = cat->decls[i].items[d];
                for (int k = 0; k < el->n_at_most; k++) {
                    snprintf(key, sizeof key, "%s\x1f%s", el->code, el->at_most[k]);
                    size_t before = pairs.n;
                    cs__strmap_intern(&pairs, key);
                    if (pairs.n == before) continue;
                    int di = cs__strmap_find(&cat->codes, el->at_most[k]);
                    if (di < 0) continue; /* a denominator no row can bring */
                    cs__vec_push(&nums, el);
                    cs__vec_push(&num_code, (long)i);
                    cs__vec_push(&next, first[di]);
                    first[di] = (int)nums.n - 1;
                }
            }
        for (size_t i = 0; i < recs->values.n; i++) {
            const cs_value_in *v = &recs->values.items[i];
            cs__value_key vk = recs->keys.items[i];
            if (v->is_missing) continue;
            for (int p = first[vk.element]; p >= 0; p = next.items[p]) {
                const cs__element *ne = nums.items[p];
                double num;
                if (index_find(recs, (cs__value_key){vk.region, vk.period, (uint32_t)num_code.items[p]}) >= 0 ||
                    !stored(ctx, v->region, v->period, ne->code, &num) || num <= v->value)
                    continue;
                const cs__element *de = cs__catalog_find(cat, v->element, NULL);
                c.row = v->row;
                cs__buf a = {0}, b = {0};
                cs__buf_number(&a, v->value, 6);
                cs__buf_number(&b, num, 6);
                rerr(&c, v->col_value, "“%s”（%s = %s）小于库中已有的“%s”（%s = %s）/ %s is smaller than the stored %s",
                     de ? de->name : v->element, v->element, cs__buf_str(&a), ne->name, ne->code, cs__buf_str(&b), v->element,
                     ne->code);
                cs__buf_free(&a);
                cs__buf_free(&b);
            }
        }
        cs__strmap_free(&pairs);
        cs__vec_free(&nums);
        cs__vec_free(&num_code);
        cs__vec_free(&next);
        free(first);
    }
    return c.errors ? CS_EDATA : CS_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int cs__dataset_median(const cs_dataset *ds, const char *period, const char *element, const uint8_t *regions,
                       double *med)
{
    int p = cs__strmap_find(&ds->periods, period), e = cs__strmap_find(&ds->elements, element);
    if (p < 0 || e < 0) return 0;
    const cs__column *col = cs__dataset_column(ds, p, e);
    if (!col) return 0;
    double *v = cs__xmalloc((col->len ? col->len : 1) * sizeof(double));
    size_t n = 0;
    for (size_t i = 0; i < col->len; i++)
        if (col->present[i] && (!regions || regions[i])) v[n++] = col->v[i];
    int ok = n >= 5;
    if (ok) {
        qsort(v, n, sizeof *v, cmp_double);
        *med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
    free(v);
    return ok;
}

void cs__records_warn(const char *file, const cs__records *recs, const cs__catalog *cat, cs__stored_fn stored,
                      void *ctx, cs__median_fn median, void *mctx, cs_diag *diag)
{
    /* the year before each period of the records, and its index among them (-1: no row has it) */
    size_t np = recs->periods.n;
    char (*prev)[16] = cs__xcalloc(np + 1, sizeof *prev);
    long *prev_at = cs__xcalloc(np + 1, sizeof *prev_at);
    for (size_t p = 0; p < np; p++)
        prev_at[p] = cs__period_previous(recs->periods.keys[p], prev[p], sizeof prev[p]) ? cs__strmap_find(&recs->periods, prev[p]) : -2;
    for (size_t i = 0; i < recs->values.n; i++) {
        const cs_value_in *v = &recs->values.items[i];
        cs__value_key key = recs->keys.items[i];
        const cs__element *el = cat->decls[key.element].items[0];
        if (v->is_missing || el->type == CS__ELEM_BOOLEAN) continue;
        double before;
        if (el->yoy_factor > 1 && prev_at[key.period] > -2 &&
            lookup(recs, stored, ctx, key, prev_at[key.period], prev[key.period], key.element, v->element, &before) && before > 0 &&
            v->value >= 0) {
            double ratio = v->value / before;
            if (ratio > el->yoy_factor || ratio < 1 / el->yoy_factor) {
                cs__buf a = {0}, b = {0};
                cs__buf_number(&a, v->value, 6);
                cs__buf_number(&b, before, 6);
                cs__diag_add(diag, CS__WARNING, file, v->row, v->col_value,
                             "“%s”（%s）从 %s 年的 %s 变为 %s，变化超过 %g 倍，请核实 / %s changed by more than %g× year on year",
                             el->name, el->code, prev[key.period], cs__buf_str(&b), cs__buf_str(&a), el->yoy_factor, el->code,
                             el->yoy_factor);
                cs__buf_free(&a);
                cs__buf_free(&b);
            }
        }
        double med;
        if (el->peer_factor > 1 && median && median(mctx, v, &med) && med > 0 &&
            (v->value > med * el->peer_factor || v->value < med / el->peer_factor)) {
            cs__buf a = {0}, b = {0};
            cs__buf_number(&a, v->value, 6);
            cs__buf_number(&b, med, 6);
            cs__diag_add(diag, CS__WARNING, file, v->row, v->col_value,
                         "“%s”（%s）= %s，与同级地区中位数 %s 相差超过 %g 倍，请核实 / %s is more than %g× away from its peers' median",
                         el->name, el->code, cs__buf_str(&a), cs__buf_str(&b), el->peer_factor, el->code, el->peer_factor);
            cs__buf_free(&a);
            cs__buf_free(&b);
        }
    }
    free(prev);
    free(prev_at);
}
